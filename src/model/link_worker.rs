//! A link worker (community links practitioner): hours, waiting list, caseload, ties to
//! community organisations, burnout, leaving.

#![warn(missing_docs)]

use std::collections::VecDeque;
use std::ops::Range;

use super::patient::Patient;
use crate::scenario::LinkWorkers;

/// A link-worker post and the worker in it. The post stays when a worker leaves: it is vacant
/// (`in_post` false) until `vacant_until`, then a newcomer starts with no experience and few ties.
#[derive(Debug, Clone)]
pub struct LinkWorker {
    /// Its network: an index into [`crate::model::World::networks`].
    pub network: u32,
    /// The practices whose referrals this worker takes (indices into
    /// [`crate::model::World::practices`], contiguous).
    pub practices: Range<u32>,
    /// Full-time equivalents of the post (the network's `fte_per_practice * practices` shared
    /// equally among its posts); hours are `hours_per_fte * fte` per week.
    pub fte: f64,
    /// Whether a worker is in post (false during a vacancy: nobody is seen, ties are gone).
    pub in_post: bool,
    /// During a vacancy: the week the post is filled again (`recruitment_delay_weeks` after the
    /// worker left).
    pub vacant_until: u32,
    /// Weeks in post (0 for a newcomer); a newcomer's contacts take longer.
    pub experience: u32,
    /// Burnout, in [0, 1]: moves weekly towards the stress of overload, failed onward referrals
    /// and exclusion ([`LinkWorker::update_burnout`]); raises the leaving hazard.
    pub burnout: f64,
    /// Share of outreach hours spent on practice development (the rest on networking), in
    /// [0.2, 0.8]; starts at 0.5 ([`LinkWorker::adapt_split`]).
    pub development_share: f64,
    /// Patients referred and waiting for a first session, first come first seen (FIFO). Patients
    /// who gave up stay in the queue until they reach its head (they are no longer counted as
    /// waiting).
    pub waiting: VecDeque<Patient>,
    /// Active cases (patients in link-worker support), at most [`LinkWorker::cap`].
    pub caseload: Vec<Patient>,
    /// Where this worker's ties start in `World::ties` (one per organisation of its network).
    pub tie_start: usize,
    /// This week's hours and onward referrals (reset at the start of phase 3).
    pub week: WorkerWeek,
}

/// What one week of work looked like, for burnout and observation. All zero for a vacant post.
/// `casework_hours + development_hours + networking_hours == hours`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkerWeek {
    /// Hours worked this week: `link_workers.hours_per_fte * fte` (hours).
    pub hours: f64,
    /// Hours the casework would have taken, had there been time: follow-up of every active case
    /// plus every contact due and every new patient seen (hours; may exceed `hours`).
    pub demand_hours: f64,
    /// Hours on casework: sessions and follow-up, plus the spare hours that go back to casework
    /// where the practices do not engage (hours).
    pub casework_hours: f64,
    /// Hours on practice development, shared equally among the worker's practices (hours).
    pub development_hours: f64,
    /// Hours on community networking: visits to organisations, `hours_per_visit` each (hours).
    pub networking_hours: f64,
    /// This worker's onward referrals taken up this week (patients connected).
    pub onward_ok: u32,
    /// This worker's onward referrals that failed this week: no suitable organisation, the place
    /// not taken up, or the wait too long (patients).
    pub onward_failed: u32,
}

impl LinkWorker {
    /// A post in `network` taking the referrals of `practices`, of `fte` full-time equivalents,
    /// its ties starting at `tie_start` in `World::ties`, filled at week 0: in post, no
    /// experience, no burnout, outreach split evenly (development share 0.5), nobody waiting or
    /// in its caseload, this week's figures zero. The one place a post is made:
    /// [`crate::model::World::new`] and the tests' fixture.
    pub fn new(network: u32, practices: Range<u32>, fte: f64, tie_start: usize) -> LinkWorker {
        LinkWorker {
            network,
            practices,
            fte,
            in_post: true,
            vacant_until: 0,
            experience: 0,
            burnout: 0.0,
            development_share: 0.5,
            waiting: VecDeque::new(),
            caseload: Vec::new(),
            tie_start,
            week: WorkerWeek::default(),
        }
    }

    /// Most active cases (patients): `caseload_cap * fte`, rounded, at least one.
    pub fn cap(&self, p: &LinkWorkers) -> usize {
        ((f64::from(p.caseload_cap) * self.fte).round() as usize).max(1)
    }

    /// Hours one contact (session) takes, longer for a newcomer:
    /// `hours_per_contact * (1 + novice_slowdown * exp(-experience / experience_weeks))`.
    pub fn hours_per_contact(&self, p: &LinkWorkers) -> f64 {
        p.hours_per_contact * (1.0 + p.novice_slowdown * (-f64::from(self.experience) / p.experience_weeks).exp())
    }

    /// Move burnout towards this week's stress: overload (demand above 80% of hours), failed
    /// onward referrals, and exclusion by practices that do not engage (`engagement`: the mean
    /// cognitive participation of its practices, 0..1); `support` (this week's programme support,
    /// 0..1: [`crate::model::World::support`]) relieves it. Moves at `burnout_rate_per_week`;
    /// stays in [0, 1].
    pub fn update_burnout(&mut self, engagement: f64, support: f64, p: &LinkWorkers) {
        let w = &self.week;
        let load = if w.hours > 0.0 { w.demand_hours / w.hours } else { 0.0 };
        let overload = ((load - 0.8) / 0.4).clamp(0.0, 1.0);
        let onward = w.onward_ok + w.onward_failed;
        let failed = if onward > 0 {
            f64::from(w.onward_failed) / f64::from(onward)
        } else {
            0.0
        };
        let exclusion = 1.0 - engagement;
        let stress = 0.5 * overload + 0.25 * failed + 0.25 * exclusion;
        let target = stress * (1.0 - 0.5 * support);
        self.burnout = (self.burnout + p.burnout_rate_per_week * (target - self.burnout)).clamp(0.0, 1.0);
    }

    /// Weekly chance of leaving (a probability, at most 1):
    /// `leave_hazard * (1 + 4 burnout) * (1.5 - support)`, `support` this week's programme
    /// support (0..1).
    pub fn leave_hazard(&self, support: f64, p: &LinkWorkers) -> f64 {
        (p.leave_hazard_per_week * (1.0 + 4.0 * self.burnout) * (1.5 - support)).min(1.0)
    }

    /// Move the development share a tenth of the way towards the larger gap, `(1 -
    /// mean_coherence)` of its practices against `(1 - mean_tie)` of its ties (both 0..1), the
    /// target kept in [0.2, 0.8].
    pub fn adapt_split(&mut self, mean_coherence: f64, mean_tie: f64) {
        let gap_practice = 1.0 - mean_coherence;
        let gap_ties = 1.0 - mean_tie;
        let target = if gap_practice + gap_ties > 0.0 {
            gap_practice / (gap_practice + gap_ties)
        } else {
            0.5
        };
        self.development_share += 0.1 * (target.clamp(0.2, 0.8) - self.development_share);
    }
}

/// A tie (strength 0..1; 0 no tie) after a networking visit: a first visit creates it at
/// `initial`, later ones move it a share `gain` of the way to 1.
pub fn tie_after_visit(tie: f32, initial: f64, gain: f64) -> f32 {
    if tie <= 0.0 {
        initial as f32
    } else {
        tie + (gain as f32) * (1.0 - tie)
    }
}

/// A tie after a successful referral: it moves a share `gain` of the way to 1.
pub fn tie_after_success(tie: f32, gain: f64) -> f32 {
    tie + (gain as f32) * (1.0 - tie)
}

/// A tie after a failed referral: it loses a share `loss` of its strength.
pub fn tie_after_failure(tie: f32, loss: f64) -> f32 {
    tie * (1.0 - loss as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> LinkWorker {
        LinkWorker {
            week: WorkerWeek {
                hours: 37.5,
                demand_hours: 20.0,
                ..Default::default()
            },
            ..LinkWorker::new(0, 0..1, 1.0, 0)
        }
    }

    #[test]
    fn ties_strengthen_after_success_and_weaken_after_failure() {
        assert!(tie_after_success(0.4, 0.05) > 0.4);
        assert!(tie_after_failure(0.4, 0.1) < 0.4);
        assert_eq!(tie_after_visit(0.0, 0.2, 0.1), 0.2);
        assert!(tie_after_visit(0.2, 0.2, 0.1) > 0.2);
    }

    #[test]
    fn overload_raises_burnout_and_support_relieves_it() {
        let p = LinkWorkers::default();
        let mut calm = worker();
        let mut loaded = worker();
        loaded.week.demand_hours = 50.0;
        for _ in 0..20 {
            calm.update_burnout(0.8, p.support, &p);
            loaded.update_burnout(0.8, p.support, &p);
        }
        assert!(loaded.burnout > calm.burnout + 0.1);
        let mut helped = worker();
        helped.week.demand_hours = 50.0;
        for _ in 0..20 {
            helped.update_burnout(0.8, 1.0, &p);
        }
        assert!(helped.burnout < loaded.burnout);
    }

    #[test]
    fn burnout_raises_and_support_lowers_the_leaving_hazard() {
        let p = LinkWorkers::default();
        let mut w = worker();
        let fresh = w.leave_hazard(p.support, &p);
        w.burnout = 0.8;
        assert!(w.leave_hazard(p.support, &p) > 2.0 * fresh);
        assert!(w.leave_hazard(1.0, &p) < w.leave_hazard(p.support, &p));
    }

    #[test]
    fn new_workers_are_slower() {
        let p = LinkWorkers::default();
        let mut w = worker();
        let novice = w.hours_per_contact(&p);
        w.experience = 200;
        assert!(w.hours_per_contact(&p) < novice);
    }
}
