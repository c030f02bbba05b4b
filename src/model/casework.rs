//! Phase 3: link workers' week. Casework comes first (sessions with active cases, then new
//! patients from the waiting list while under the caseload cap); what is left goes to practice
//! development and community networking, less where the practices do not engage.

use super::{Outcome, Patient, World};
use crate::rng;

impl World<'_> {
    pub(super) fn link_workers_work(&mut self) {
        for w in 0..self.workers.len() {
            if let Some(next) = self.workers.get(w + 1) {
                super::prefetch::front(&next.waiting);
                super::prefetch::start(&next.caseload);
            }
            self.workers[w].week = Default::default();
            if self.workers[w].in_post {
                self.casework(w);
                self.outreach(w);
            } else {
                self.unattended(w);
            }
        }
        self.refer_onward();
    }

    /// During a vacancy nobody is seen: active cases drop out at their drop-out week; the waiting
    /// list waits.
    fn unattended(&mut self, w: usize) {
        let week = self.week;
        let mut caseload = std::mem::take(&mut self.workers[w].caseload);
        caseload.retain(|pt| {
            let drop = pt.leaves_week <= week;
            if drop {
                self.drop_out(pt);
            }
            !drop
        });
        self.workers[w].caseload = caseload;
    }

    /// An active case drops out of link-worker support.
    fn drop_out(&mut self, pt: &Patient) {
        self.tally.finish(pt, Outcome::DroppedOut, &self.scenario.patients);
        self.tally.dropped_out_support += 1;
    }

    /// Sessions with active cases in caseload order, then new patients from the head of the
    /// waiting list while there are hours and room under the cap.
    fn casework(&mut self, w: usize) {
        let sc = self.scenario;
        let (lw, p) = (&sc.link_workers, &sc.patients);
        let week = self.week;
        let worker = &mut self.workers[w];
        let hours = lw.hours_per_fte * worker.fte;
        let per_contact = worker.hours_per_contact(lw);
        let cap = worker.cap(lw);
        let interval = p.contact_interval_weeks;
        // Follow-up between sessions (calls, advocacy, notes) comes first: every active case, every week.
        let follow_up = lw.hours_per_case_per_week * worker.caseload.len() as f64;
        let mut demand = follow_up;
        let mut left = (hours - follow_up).max(0.0);
        let mut caseload = std::mem::take(&mut worker.caseload);
        caseload.retain_mut(|pt| {
            if pt.leaves_week <= week {
                self.drop_out(pt);
                return false;
            }
            if pt.next_contact > week {
                return true; // no contact due this week
            }
            demand += per_contact;
            if left < per_contact {
                return true; // due, but no time this week: due again next week
            }
            left -= per_contact;
            pt.next_contact = week + interval;
            if !rng::chance(&mut self.rng.casework, p.attend_prob) {
                return true;
            }
            pt.contacts += 1;
            self.tally.count(|f| &mut f.contacts, 1);
            if pt.contacts >= pt.sessions_needed {
                self.onward.push((w as u32, *pt));
                return false;
            }
            true
        });
        // New patients: the first session decides whether they engage at all.
        while caseload.len() < cap && left >= per_contact {
            let Some(mut pt) = self.workers[w].waiting.pop_front() else {
                break;
            };
            if pt.leaves_week <= week {
                continue; // gave up while waiting: already counted as never engaged
            }
            if (pt.leaves_week as usize) < self.give_ups.len() {
                self.give_ups[pt.leaves_week as usize] -= 1;
            }
            self.tally.waiting -= 1;
            left -= per_contact;
            demand += per_contact;
            let deprivation = self.practices[pt.practice as usize].deprivation;
            if !rng::chance(&mut self.rng.casework, pt.engage_prob(week, deprivation, p)) {
                self.tally.finish(&pt, Outcome::NotEngaged, p);
                continue;
            }
            pt.contacts = 1;
            pt.next_contact = week + interval;
            self.tally.count(|f| &mut f.engaged, 1);
            self.tally.count(|f| &mut f.contacts, 1);
            if pt.contacts >= pt.sessions_needed {
                self.onward.push((w as u32, pt));
            } else {
                // Drop-out has a constant weekly hazard from next week: its week is drawn now.
                let weeks = self.intake.dropout.sample(&mut self.rng.casework);
                pt.leaves_week = week + 1 + weeks;
                caseload.push(pt);
            }
        }
        let worker = &mut self.workers[w];
        worker.caseload = caseload;
        worker.week.hours = hours;
        worker.week.demand_hours = demand;
        worker.week.casework_hours = hours - left;
    }

    /// Spare hours: some go back to casework where practices do not engage (Chng 2021); the
    /// rest split between practice development and networking, towards the larger gap.
    fn outreach(&mut self, w: usize) {
        let sc = self.scenario;
        let lw = &sc.link_workers;
        let practices = self.workers[w].practices.clone();
        let n = practices.len().max(1) as f64;
        let engagement = self.practice_mean(w, |p| p.participation);
        let coherence = self.practice_mean(w, |p| p.coherence);
        let ties = self.ties_of(w);
        let len = ties.len();
        let mean_tie = if len > 0 {
            self.ties[ties].iter().map(|&t| f64::from(t)).sum::<f64>() / len as f64
        } else {
            1.0
        };
        let worker = &mut self.workers[w];
        let spare = worker.week.hours - worker.week.casework_hours;
        let outreach = spare * (lw.outreach_floor + (1.0 - lw.outreach_floor) * engagement);
        worker.week.casework_hours += spare - outreach;
        worker.adapt_split(coherence, mean_tie);
        let development = outreach * worker.development_share;
        let networking = outreach - development;
        worker.week.development_hours = development;
        worker.week.networking_hours = networking;
        for p in practices {
            self.practices[p as usize].development_hours += development / n;
        }
        if len == 0 {
            return;
        }
        let visits_f = networking / lw.hours_per_visit;
        let mut visits = visits_f.floor() as u32;
        if rng::chance(&mut self.rng.casework, visits_f.fract()) {
            visits += 1;
        }
        for _ in 0..visits {
            let k = rng::below(&mut self.rng.casework, len as u32) as usize;
            self.visit(w, k);
        }
    }

    /// Onward referrals of this week's completed patients, in the order they completed: to an
    /// open organisation of the network that serves one of the patient's needs and accepts
    /// referrals, chosen with weight `(0.1 + tie) * (1 if it has room else 0.25)`. No such
    /// organisation: the need goes unmet.
    fn refer_onward(&mut self) {
        let sc = self.scenario;
        let (c, p) = (&sc.community, &sc.patients);
        let onward = std::mem::take(&mut self.onward);
        let mut weights = std::mem::take(&mut self.weights);
        let mut candidates = std::mem::take(&mut self.candidates);
        for &(w, pt) in &onward {
            self.tally.count(|f| &mut f.completed, 1);
            self.tally.completed_contacts += u64::from(pt.contacts);
            let network = self.workers[w as usize].network;
            let orgs = self.networks[network as usize].orgs.clone();
            let first = orgs.start as usize;
            candidates.look_at(network, &self.orgs[first..orgs.end as usize], c.refuse_waiting_ratio);
            let ties = &self.ties[self.ties_of(w as usize)];
            weights.clear();
            weights.extend(
                candidates
                    .orgs
                    .iter()
                    .zip(ties)
                    .map(|(o, &tie)| o.weight(pt.needs, tie)),
            );
            let Some(chosen) = rng::pick_weighted(&mut self.rng.casework, &weights) else {
                self.tally.finish(&pt, Outcome::UnmetNeed, p);
                self.workers[w as usize].week.onward_failed += 1;
                continue;
            };
            let org = &mut self.orgs[first + chosen];
            org.waiting.push_back(super::organisation::Referral {
                patient: pt,
                worker: w,
                week: self.week,
            });
            org.accepted_this_year += 1;
            candidates.orgs[chosen] = Candidate::of(org, c.refuse_waiting_ratio);
            self.tally.org_waiting += 1;
            self.tally.cost_per_referral += sc.funding.per_referral;
            self.tally.cost_community += sc.funding.per_referral;
        }
        candidates.network = None; // organisations change before next week's referrals
        self.candidates = candidates;
        self.weights = weights;
        self.onward = onward;
        self.onward.clear();
    }
}

/// An organisation as an onward referral sees it: the needs it serves, and the factor of its
/// weight: 0 if it does not accept referrals ([`super::Organisation::accepting`]), 1 if it has a
/// free place, else 0.25.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    needs: u8,
    factor: f64,
}

impl Candidate {
    fn of(org: &super::Organisation, refuse_waiting_ratio: f64) -> Self {
        let factor = match (org.accepting(refuse_waiting_ratio), org.room() > 0) {
            (false, _) => 0.0,
            (true, true) => 1.0,
            (true, false) => 0.25,
        };
        Candidate {
            needs: org.needs,
            factor,
        }
    }

    /// The weight of a referral with `needs` (bit mask) from a worker with tie `tie` (0..1):
    /// `(0.1 + tie) * factor`, or 0 if the organisation serves none of the needs. (A factor of
    /// 0 gives +0.0, the same bits as the 0 of a need not served.)
    fn weight(self, needs: u8, tie: f32) -> f64 {
        let w = (0.1 + f64::from(tie)) * self.factor;
        if self.needs & needs != 0 { w } else { 0.0 }
    }
}

/// The candidates of one network during phase 3's onward referrals: what
/// [`Candidate::weight`] reads of each organisation, gathered once for the network's run of
/// completed patients (they come worker by worker, so network by network) instead of read from
/// every organisation for every patient. Only an accepted referral changes an organisation
/// during these referrals, and the caller updates that candidate.
#[derive(Debug, Clone, Default)]
pub(super) struct Candidates {
    /// The network whose organisations `orgs` describes, in order; `None` between weeks.
    network: Option<u32>,
    orgs: Vec<Candidate>,
}

impl Candidates {
    fn look_at(&mut self, network: u32, orgs: &[super::Organisation], refuse_waiting_ratio: f64) {
        if self.network != Some(network) {
            self.network = Some(network);
            self.orgs.clear();
            self.orgs.extend(orgs.iter().map(|o| {
                super::prefetch::back(&o.waiting); // where a referral to it will be written
                Candidate::of(o, refuse_waiting_ratio)
            }));
        }
    }
}
