//! The world of one replicate and its weekly step.
//!
//! [`World::step`] runs the seven phases of MODEL.md section 3 in order. Agents of each kind live
//! in a `Vec` and are updated in index order; patients live in the container that holds them.
//! The model does no IO and cannot fail: the scenario was checked before the world was built.
//!
//! Units throughout: time in weeks (week 0 is the state before the first step), money in GBP,
//! drivers, constructs, burnout and ties as shares in [0, 1], counts in patients, practices,
//! link workers (posts) or organisations. The field-by-field state of each agent is in docs/ODD.md
//! section 2.

#![warn(missing_docs)]

mod casework;
mod community;
mod init;
pub mod link_worker;
pub mod organisation;
pub mod patient;
pub mod practice;
mod prefetch;

use std::ops::Range;

use crate::rng::Streams;
use crate::scenario::Scenario;
use link_worker::LinkWorker;
use organisation::Organisation;
use patient::Patient;
use practice::{Practice, WeekInputs};

/// A primary care network (or a single practice when `per_network` is 1): the practices, the
/// link workers they share, and the community organisations their patients are referred to.
#[derive(Debug, Clone)]
pub struct Network {
    /// Its practices: indices into [`World::practices`] (contiguous).
    pub practices: Range<u32>,
    /// Its link-worker posts: indices into [`World::workers`] (contiguous).
    pub workers: Range<u32>,
    /// Its community organisations: indices into [`World::orgs`] (contiguous,
    /// `community.orgs_per_network` of them).
    pub orgs: Range<u32>,
}

/// Patient flows (and link-worker leavers): this week's ([`Tally::week`]), or the run's so far
/// ([`Tally::total`]). Every field counts events, in patients (contacts in contacts, leavers in
/// link workers). A pathway ends in exactly one of `not_engaged`, `dropped_out`, `connected`,
/// `unmet_need` ([`Outcome`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flows {
    /// Patients referred by GPs to their link worker's waiting list.
    pub referrals: u64,
    /// Link-worker sessions attended (first sessions included; a signposting patient's single
    /// contact is one).
    pub contacts: u64,
    /// Link-worker support finished (holistic sessions done, or the signposting contact).
    pub completed: u64,
    /// Attended a first session.
    pub engaged: u64,
    /// Pathways ended without a first session: gave up waiting for a link worker, or did not
    /// attend when seen ([`Outcome::NotEngaged`]).
    pub not_engaged: u64,
    /// Pathways ended by dropping out: during link-worker support (vacancies included), or by not
    /// taking up an organisation's place when offered ([`Outcome::DroppedOut`]).
    pub dropped_out: u64,
    /// Pathways ended with a place at a community organisation ([`Outcome::Connected`]).
    pub connected: u64,
    /// Pathways ended with the need unmet: no open organisation serving it accepted the referral,
    /// the organisation closed while they waited, or they waited longer than
    /// `community.max_wait_weeks` ([`Outcome::UnmetNeed`]).
    pub unmet_need: u64,
    /// Link workers who left their post (counted in workers, not patients).
    pub leavers: u64,
}

/// How a patient's pathway ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Never attended a first session (gave up waiting, or did not attend when seen).
    NotEngaged,
    /// Dropped out of link-worker support, or did not take up the organisation's place.
    DroppedOut,
    /// Took up a place at a community organisation that serves the need.
    Connected,
    /// Referred onward but no place found: no suitable organisation accepting, closure, or too
    /// long a wait.
    UnmetNeed,
}

/// Running totals of one replicate: flows, patients in each open state, costs, outcomes.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// This week's flows (reset at the start of each [`World::step`]).
    pub week: Flows,
    /// The run's flows so far (weeks 1 to [`World::week`]).
    pub total: Flows,
    /// Patients waiting for a link worker (those who have given up are not counted).
    pub waiting: u64,
    /// Patients referred onward and waiting for an organisation's place.
    pub org_waiting: u64,
    /// Patients whose pathway has ended, and of them those with 3 or more contacts.
    pub finished: u64,
    /// Of [`Tally::finished`], patients with 3 or more link-worker contacts.
    pub finished_3plus: u64,
    /// Contacts of patients who completed link-worker support (for sessions per completed case).
    pub completed_contacts: u64,
    /// Patients who dropped out during link-worker support (before completing it).
    pub dropped_out_support: u64,
    /// Sum of the wellbeing changes (wellbeing points, 0-100 scale) of connected patients so far:
    /// `wellbeing_gain_connected + contacts * wellbeing_gain_per_contact` each.
    pub wellbeing_connected: f64,
    /// Sum of the wellbeing changes (points) of the other finished patients so far:
    /// `contacts * wellbeing_gain_per_contact`, plus `wellbeing_change_unmet` for an unmet need.
    pub wellbeing_rest: f64,
    /// Link-worker salaries so far (GBP): `fte * link_workers.annual_cost / 52` per week in post.
    pub cost_salaries: f64,
    /// Programme support so far (GBP): `support * link_workers.support_cost_per_year / 52` per
    /// worker per week in post.
    pub cost_support: f64,
    /// The practice development fund so far (GBP): `development fund *
    /// funding.practice_development_cost_per_year / 52` per practice per week.
    pub cost_development: f64,
    /// Per-referral payments to organisations so far (GBP, `funding.per_referral` per accepted
    /// onward referral); also counted in [`Tally::cost_community`].
    pub cost_per_referral: f64,
    /// The community side so far (GBP): organisations' funding while open, accrued weekly, and
    /// per-referral payments.
    pub cost_community: f64,
}

impl Tally {
    fn start_week(&mut self) {
        self.week = Flows::default();
    }

    /// Count `n` (patients, contacts or leavers) in one flow, this week's and the run's; `flow`
    /// picks the field, e.g. `|f| &mut f.referrals`.
    pub fn count(&mut self, flow: fn(&mut Flows) -> &mut u64, n: u64) {
        *flow(&mut self.week) += n;
        *flow(&mut self.total) += n;
    }

    /// End a patient's pathway: count the outcome (this week's and the run's flow, and
    /// [`Tally::finished`]) and add its wellbeing change (points, from `p`'s wellbeing keys and
    /// the patient's contacts) to [`Tally::wellbeing_connected`] or [`Tally::wellbeing_rest`].
    pub fn finish(&mut self, patient: &Patient, outcome: Outcome, p: &crate::scenario::Patients) {
        let flow: fn(&mut Flows) -> &mut u64 = match outcome {
            Outcome::NotEngaged => |f| &mut f.not_engaged,
            Outcome::DroppedOut => |f| &mut f.dropped_out,
            Outcome::Connected => |f| &mut f.connected,
            Outcome::UnmetNeed => |f| &mut f.unmet_need,
        };
        self.count(flow, 1);
        self.finished += 1;
        if patient.contacts >= 3 {
            self.finished_3plus += 1;
        }
        let from_contacts = p.wellbeing_gain_per_contact * f64::from(patient.contacts);
        match outcome {
            Outcome::Connected => self.wellbeing_connected += p.wellbeing_gain_connected + from_contacts,
            Outcome::UnmetNeed => self.wellbeing_rest += p.wellbeing_change_unmet + from_contacts,
            Outcome::NotEngaged | Outcome::DroppedOut => self.wellbeing_rest += from_contacts,
        }
    }

    /// The NHS side so far (GBP): salaries, programme support, practice development.
    pub fn cost_nhs(&self) -> f64 {
        self.cost_salaries + self.cost_support + self.cost_development
    }

    /// Both sides so far (GBP).
    pub fn cost_total(&self) -> f64 {
        self.cost_nhs() + self.cost_community
    }
}

/// The phases of the weekly step (MODEL.md section 3), in the order [`World::step`] runs them;
/// observation (phase 7) is [`crate::observe::observe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// 1: organisations' funding and places for a new financial year; closures.
    FinancialYear,
    /// 2: competing innovations; GPs refer patients to link workers' waiting lists.
    PracticesRefer,
    /// 3: link workers' casework, outreach and onward referrals.
    LinkWorkersWork,
    /// 4: organisations free places and admit waiting referrals.
    OrganisationsAdmit,
    /// 5: practices' NPT constructs and stage.
    PracticesUpdate,
    /// 6: burnout, leaving and recruitment of link workers.
    LinkWorkersStayOrLeave,
}

impl Phase {
    /// Every phase, in the step's order.
    pub const ALL: [Phase; 6] = [
        Phase::FinancialYear,
        Phase::PracticesRefer,
        Phase::LinkWorkersWork,
        Phase::OrganisationsAdmit,
        Phase::PracticesUpdate,
        Phase::LinkWorkersStayOrLeave,
    ];
}

/// One replicate's world. Cloning takes a snapshot (benchmarks step copies of one snapshot).
#[derive(Clone)]
pub struct World<'s> {
    /// The checked scenario the world was built from (with any uncertain constants drawn).
    pub scenario: &'s Scenario,
    /// Weeks simulated so far (0 before the first step).
    pub week: u32,
    /// The replicate's generator, one stream per mechanism.
    pub rng: Streams,
    /// Every practice, network by network (`practices.count` of them).
    pub practices: Vec<Practice>,
    /// Every link-worker post, network by network; a vacant post stays in place.
    pub workers: Vec<LinkWorker>,
    /// Every community organisation, network by network; a closed one stays in place.
    pub orgs: Vec<Organisation>,
    /// When the places the programme's patients hold at organisations free up.
    pub leaving: organisation::Leaving,
    /// The networks (primary care networks, or single practices), in index order.
    pub networks: Vec<Network>,
    /// Tie strengths in [0, 1] (0: no tie), one per (link worker, organisation of its network):
    /// worker `w`'s ties are `ties[tie_start..tie_start + orgs in its network]`, in the order of
    /// the network's organisations ([`LinkWorker::tie_start`]).
    pub ties: Vec<f32>,
    /// The replicate's running totals: flows, waiting patients, costs, wellbeing.
    pub tally: Tally,
    /// `give_ups[w]`: waiting patients due to give up in week w (cancelled when seen first).
    give_ups: Vec<u32>,
    /// Patients who finished link-worker support this week, awaiting an onward referral.
    onward: Vec<(u32, Patient)>,
    /// Scratch space for the weights of onward-referral candidates (reused every referral).
    weights: Vec<f64>,
    /// The organisations of one network as onward referral sees them (phase 3; reused).
    candidates: casework::Candidates,
    /// What new referrals are drawn from (fixed for the run).
    intake: patient::Intake,
    /// Competing innovations arriving at a practice in a week (`practices.competing_innovations_per_year / 52`).
    innovations: crate::rng::Poisson,
    /// The open organisations' grants this financial year (GBP per year), costed weekly.
    grants_per_year: f64,
}

impl<'s> World<'s> {
    /// One week, in the order of MODEL.md section 3: advances [`World::week`] by one and updates
    /// every agent and the tally. A financial year (phase 1) starts at weeks 53, 105, ... (year
    /// 0's funding is set by [`World::new`]). Observation (phase 7) is the caller's:
    /// see [`crate::observe::observe`].
    pub fn step(&mut self) {
        self.week += 1;
        self.tally.start_week();
        if self.week > 1 && (self.week - 1).is_multiple_of(52) {
            self.financial_year(); // 1
        }
        self.practices_refer(); // 2
        self.link_workers_work(); // 3
        self.organisations_admit(); // 4
        self.practices_update(); // 5
        self.link_workers_stay_or_leave(); // 6
        self.tally.cost_community += self.grants_per_year / 52.0;
    }

    /// One phase of the weekly step by itself, the week not advanced: what [`World::step`] runs
    /// for `phase`. For benchmarks of each agent kind's weekly update (benches/model.rs); a
    /// simulation only ever calls [`World::step`].
    pub fn run_phase(&mut self, phase: Phase) {
        match phase {
            Phase::FinancialYear => self.financial_year(),
            Phase::PracticesRefer => self.practices_refer(),
            Phase::LinkWorkersWork => self.link_workers_work(),
            Phase::OrganisationsAdmit => self.organisations_admit(),
            Phase::PracticesUpdate => self.practices_update(),
            Phase::LinkWorkersStayOrLeave => self.link_workers_stay_or_leave(),
        }
    }

    /// Phase 2: competing innovations come and go; GPs refer patients to the link worker's list.
    fn practices_refer(&mut self) {
        let sc = self.scenario;
        let pp = &sc.practices;
        let week = self.week;
        for i in 0..self.practices.len() {
            if let Some(next) = self.practices.get(i + 1) {
                prefetch::back(&self.workers[next.worker as usize].waiting);
            }
            let pr = &mut self.practices[i];
            pr.innovations.retain(|&end| end > week);
            let arrivals = self.innovations.sample(&mut self.rng.referrals);
            for _ in 0..arrivals {
                pr.innovations.push(week + pp.innovation_weeks);
            }
            let engaged = (pr.coherence + pr.participation) / 2.0;
            let lambda = f64::from(pr.list_size) / 1000.0 * pp.referrals_per_1000_per_year / 52.0
                * (0.5 + pr.deprivation)
                * engaged;
            let n = crate::rng::poisson(&mut self.rng.referrals, lambda);
            pr.referrals += u64::from(n);
            let worker = pr.worker as usize;
            for _ in 0..n {
                let p = Patient::referred(&mut self.rng.patients, i as u32, week, &self.intake);
                if (p.leaves_week as usize) < self.give_ups.len() {
                    self.give_ups[p.leaves_week as usize] += 1;
                }
                self.workers[worker].waiting.push_back(p);
            }
            self.tally.count(|f| &mut f.referrals, u64::from(n));
            self.tally.waiting += u64::from(n);
        }
        // Patients due to give up this week leave the waiting lists (never engaged). They are
        // dropped from the queues lazily, when they reach the head.
        let giving_up = std::mem::take(&mut self.give_ups[week as usize]);
        self.tally.waiting -= u64::from(giving_up);
        self.tally.count(|f| &mut f.not_engaged, u64::from(giving_up));
        self.tally.finished += u64::from(giving_up);
    }

    /// Phase 5: each practice's NPT constructs and stage, from what happened this week.
    fn practices_update(&mut self) {
        let sc = self.scenario;
        let imp = &sc.implementation;
        let fund = imp.development_floor + (1.0 - imp.development_floor) * self.development_fund();
        let support = self.support();
        for pr in &mut self.practices {
            let worker = &self.workers[pr.worker as usize];
            let per_year = f64::from(pr.connected_this_week) * 52.0 * 1000.0 / f64::from(pr.list_size);
            let inputs = WeekInputs {
                presence: if worker.in_post { 1.0 } else { 0.0 },
                development: (pr.development_hours / imp.development_hours_full).min(1.0) * fund,
                support,
                effect: (per_year / imp.effect_connections_per_1000_per_year).min(1.0),
                identity: 1.0 - (-f64::from(worker.experience) / imp.identity_weeks).exp(),
                directed: sc.link_workers.practice_directed,
            };
            pr.update_constructs(&inputs, imp);
            pr.update_stage(self.week, imp);
            pr.connected += u64::from(pr.connected_this_week);
            pr.development_hours = 0.0;
            pr.connected_this_week = 0;
        }
    }

    /// Phase 6: burnout; leaving (the post falls vacant and the ties go with the worker);
    /// recruitment after the delay (the newcomer knows few organisations). Costs accrue.
    fn link_workers_stay_or_leave(&mut self) {
        let sc = self.scenario;
        let lw = &sc.link_workers;
        let support = self.support();
        for w in 0..self.workers.len() {
            let engagement = self.practice_mean(w, |p| p.participation);
            let worker = &mut self.workers[w];
            if worker.in_post {
                let decay = 1.0 - sc.community.tie_decay_per_week as f32;
                let ties = self.ties_of(w);
                self.ties[ties].iter_mut().for_each(|t| *t *= decay);
                let worker = &mut self.workers[w];
                worker.update_burnout(engagement, support, lw);
                worker.experience += 1;
                self.tally.cost_salaries += worker.fte * lw.annual_cost / 52.0;
                self.tally.cost_support += support * lw.support_cost_per_year / 52.0;
                if crate::rng::chance(&mut self.rng.workforce, worker.leave_hazard(support, lw)) {
                    worker.in_post = false;
                    worker.vacant_until = self.week + lw.recruitment_delay_weeks;
                    let ties = self.ties_of(w);
                    self.ties[ties].fill(0.0);
                    self.tally.count(|f| &mut f.leavers, 1);
                    for p in self.workers[w].practices.clone() {
                        self.practices[p as usize].lw_changes += 1;
                    }
                }
            } else if self.week >= worker.vacant_until {
                worker.in_post = true;
                worker.experience = 0;
                worker.burnout = 0.0;
                self.meet_first_orgs(w);
            }
        }
        let dev = self.development_fund() * sc.funding.practice_development_cost_per_year / 52.0;
        self.tally.cost_development += dev * self.practices.len() as f64;
    }

    /// Programme support for link workers this week (0..1): `link_workers.support` until the end
    /// of month `link_workers.support_until_month`, then 0 (pilot money ending).
    pub fn support(&self) -> f64 {
        let lw = &self.scenario.link_workers;
        self.until_month(lw.support_until_month, lw.support)
    }

    /// The practice development fund this week (0..1): `funding.practice_development` until the
    /// end of month `funding.practice_development_until_month`, then 0.
    pub fn development_fund(&self) -> f64 {
        let f = &self.scenario.funding;
        self.until_month(f.practice_development_until_month, f.practice_development)
    }

    /// `value` until the end of month `month` (pilot money), then 0.
    fn until_month(&self, month: u32, value: f64) -> f64 {
        if self.week > crate::calendar::month_end_week(month) {
            0.0
        } else {
            value
        }
    }

    /// The mean of `f` over the practices worker `w` serves (e.g. their cognitive participation:
    /// how much they engage).
    fn practice_mean(&self, w: usize, f: fn(&Practice) -> f64) -> f64 {
        let range = self.workers[w].practices.clone();
        let n = range.len().max(1) as f64;
        range.map(|p| f(&self.practices[p as usize])).sum::<f64>() / n
    }

    /// Where worker `w`'s ties are in `ties`: one per organisation of its network, in order.
    fn ties_of(&self, w: usize) -> Range<usize> {
        let start = self.workers[w].tie_start;
        start..start + self.networks[self.workers[w].network as usize].orgs.len()
    }

    /// The index in `ties` of worker `w`'s tie to organisation `org` (of the same network).
    fn tie_index(&self, w: usize, org: usize) -> usize {
        let net = &self.networks[self.workers[w].network as usize];
        self.workers[w].tie_start + (org - net.orgs.start as usize)
    }

    /// Worker `w` visits organisation `k` of its network (chosen by the caller): a first visit
    /// makes a tie, later ones strengthen it; a closed organisation cannot be visited.
    fn visit(&mut self, w: usize, k: usize) {
        let first_org = self.networks[self.workers[w].network as usize].orgs.start as usize;
        if self.orgs[first_org + k].open {
            let c = &self.scenario.community;
            let t = self.workers[w].tie_start + k;
            self.ties[t] = link_worker::tie_after_visit(self.ties[t], c.tie_initial, c.tie_gain_visit);
        }
    }

    /// A new link worker starts with ties to a few open organisations of the network, at random.
    fn meet_first_orgs(&mut self, w: usize) {
        let len = self.ties_of(w).len();
        for _ in 0..self.scenario.link_workers.initial_known_orgs.min(len as u32) {
            let k = crate::rng::below(&mut self.rng.workforce, len as u32) as usize;
            self.visit(w, k);
        }
    }

    /// Agents the weekly step updates (a count): practices, link workers, organisations, active
    /// cases and referrals waiting at organisations (patients waiting for a link worker are not
    /// visited).
    /// The unit of the benchmarks' throughput.
    pub fn agents_updated_per_week(&self) -> u64 {
        (self.practices.len() + self.workers.len() + self.orgs.len()) as u64
            + self.active_cases()
            + self.tally.org_waiting
    }

    /// Active cases (patients on a caseload) across all link workers.
    pub fn active_cases(&self) -> u64 {
        self.workers.iter().map(|w| w.caseload.len() as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(contacts: u16) -> Patient {
        Patient {
            leaves_week: 0,
            sessions_needed: 4,
            contacts,
            ..Patient::example()
        }
    }

    #[test]
    fn an_unmet_need_costs_wellbeing_so_austerity_cannot_raise_the_rests_mean() {
        // Issue 11, finding 5: a patient supported to completion whose need then goes unmet ends
        // below one who never engaged once wellbeing_change_unmet outweighs the contacts' gain.
        let p = crate::scenario::Patients::default();
        let mut t = Tally::default();
        t.finish(&patient(0), Outcome::NotEngaged, &p);
        assert_eq!(t.wellbeing_rest, 0.0);
        t.finish(&patient(3), Outcome::UnmetNeed, &p);
        let unmet = 3.0 * p.wellbeing_gain_per_contact + p.wellbeing_change_unmet;
        assert_eq!(t.wellbeing_rest, unmet);
        assert!(unmet < 0.0, "{unmet}");
        t.finish(&patient(3), Outcome::Connected, &p);
        assert_eq!(
            t.wellbeing_connected,
            p.wellbeing_gain_connected + 3.0 * p.wellbeing_gain_per_contact
        );
        assert_eq!((t.finished, t.total.unmet_need, t.total.connected), (3, 1, 1));
    }
}
