//! A link worker (community links practitioner): hours, waiting list, caseload, ties to
//! community organisations, burnout, leaving.

use std::collections::VecDeque;
use std::ops::Range;

use super::patient::Patient;
use crate::scenario::LinkWorkers;

#[derive(Debug, Clone)]
pub struct LinkWorker {
    pub network: u32,
    /// The practices whose referrals this worker takes.
    pub practices: Range<u32>,
    pub fte: f64,
    pub in_post: bool,
    /// During a vacancy: the week the post is filled again.
    pub vacant_until: u32,
    /// Weeks in post.
    pub experience: u32,
    pub burnout: f64,
    /// Share of outreach hours spent on practice development (the rest on networking).
    pub development_share: f64,
    pub waiting: VecDeque<Patient>,
    pub caseload: Vec<Patient>,
    /// Where this worker's ties start in `World::ties` (one per organisation of its network).
    pub tie_start: usize,
    pub week: WorkerWeek,
}

/// What one week of work looked like, for burnout and observation.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkerWeek {
    pub hours: f64,
    /// Hours contacts would have taken, had there been time.
    pub demand_hours: f64,
    pub casework_hours: f64,
    pub development_hours: f64,
    pub networking_hours: f64,
    pub onward_ok: u32,
    pub onward_failed: u32,
}

impl LinkWorker {
    /// Most active cases: `caseload_cap` per full-time equivalent, at least one.
    pub fn cap(&self, p: &LinkWorkers) -> usize {
        ((f64::from(p.caseload_cap) * self.fte).round() as usize).max(1)
    }

    /// Hours one contact takes: `hours_per_contact * (1 + novice_slowdown * exp(-experience / experience_weeks))`.
    pub fn hours_per_contact(&self, p: &LinkWorkers) -> f64 {
        p.hours_per_contact * (1.0 + p.novice_slowdown * (-f64::from(self.experience) / p.experience_weeks).exp())
    }

    /// Move burnout towards this week's stress: overload (demand above 80% of hours), failed
    /// onward referrals, and exclusion by practices that do not engage; `support` (this week's
    /// programme support, 0..1: [`crate::model::World::support`]) relieves it.
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

    /// Weekly chance of leaving: `leave_hazard * (1 + 4 burnout) * (1.5 - support)`, `support`
    /// this week's programme support (0..1).
    pub fn leave_hazard(&self, support: f64, p: &LinkWorkers) -> f64 {
        (p.leave_hazard_per_week * (1.0 + 4.0 * self.burnout) * (1.5 - support)).min(1.0)
    }

    /// Update the development share towards the larger gap: practices' coherence or the ties.
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

/// A tie after a networking visit: a first visit creates it at `initial`, later ones strengthen it.
pub fn tie_after_visit(tie: f32, initial: f64, gain: f64) -> f32 {
    if tie <= 0.0 {
        initial as f32
    } else {
        tie + (gain as f32) * (1.0 - tie)
    }
}

/// A tie after a successful referral strengthens towards 1.
pub fn tie_after_success(tie: f32, gain: f64) -> f32 {
    tie + (gain as f32) * (1.0 - tie)
}

/// A tie after a failed referral loses a share of its strength.
pub fn tie_after_failure(tie: f32, loss: f64) -> f32 {
    tie * (1.0 - loss as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> LinkWorker {
        LinkWorker {
            network: 0,
            practices: 0..1,
            fte: 1.0,
            in_post: true,
            vacant_until: 0,
            experience: 0,
            burnout: 0.0,
            development_share: 0.5,
            waiting: VecDeque::new(),
            caseload: Vec::new(),
            tie_start: 0,
            week: WorkerWeek {
                hours: 37.5,
                demand_hours: 20.0,
                ..Default::default()
            },
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
