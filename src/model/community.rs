//! The community side of the weekly step: phase 1 (the financial year: funding, places,
//! closures) and phase 4 (organisations free places and admit referrals; the outcome moves the
//! referring link worker's tie).

use super::{Outcome, World, link_worker};

impl World<'_> {
    /// Phase 1: each open organisation's funding and places for the financial year; closures.
    pub(super) fn financial_year(&mut self) {
        let year = (self.week - 1) / 52;
        let (c, f) = (&self.scenario.community, &self.scenario.funding);
        for i in 0..self.orgs.len() {
            if !self.orgs[i].open {
                continue;
            }
            let org = &mut self.orgs[i];
            if year > 0 {
                if crate::rng::chance(&mut self.rng.community, c.grant_loss_prob) {
                    org.grant_factor *= 1.0 - c.grant_loss_share;
                }
                if crate::rng::chance(&mut self.rng.community, c.grant_win_prob) {
                    org.grant_factor *= 1.0 + c.grant_win_share;
                }
            }
            let cuts = super::organisation::cuts_by_year(year, f.cut_first_year, f.cut_last_year);
            if !org.set_funding(cuts, f.community_budget, f.annual_cut, f.per_referral, c) {
                self.close_org(i);
            }
        }
        self.sum_grants();
    }

    /// The open organisations' grants for the year, the community side's weekly cost times 52.
    pub(super) fn sum_grants(&mut self) {
        self.grants_per_year = self.orgs.iter().filter(|o| o.open).map(|o| o.grants).sum();
    }

    /// Close an organisation: its places go, its waiting patients' needs go unmet, and every
    /// link worker's tie to it is cut.
    pub(super) fn close_org(&mut self, i: usize) {
        let waiting = self.orgs[i].close();
        self.leaving.clear(i);
        self.tally.org_waiting -= waiting.len() as u64;
        for r in &waiting {
            self.tally
                .finish(&r.patient, Outcome::UnmetNeed, &self.scenario.patients);
        }
        for w in self.networks[self.orgs[i].network as usize].workers.clone() {
            let t = self.tie_index(w as usize, i);
            self.ties[t] = 0.0;
        }
    }

    /// Phase 4: organisations free places, admit waiting referrals, and the outcome moves the
    /// referring worker's tie.
    pub(super) fn organisations_admit(&mut self) {
        let sc = self.scenario;
        let (c, pat) = (&sc.community, &sc.patients);
        let week = self.week;
        for i in 0..self.orgs.len() {
            if let Some(ahead) = self.orgs.get(i + 8) {
                super::prefetch::front(&ahead.waiting);
            }
            let org = &self.orgs[i];
            // Nothing to free (no one attends) and no one waiting: nothing to do this week.
            if !org.open || (org.occupancy == 0 && org.waiting.is_empty()) {
                continue;
            }
            let freed = self.leaving.take(week, i);
            self.orgs[i].occupancy -= u32::from(freed);
            loop {
                let org = &mut self.orgs[i];
                let Some(head) = org.waiting.front().copied() else {
                    break;
                };
                let waited = week - head.week;
                let expired = waited >= c.max_wait_weeks;
                if org.room() == 0 && !expired {
                    break;
                }
                org.waiting.pop_front();
                self.tally.org_waiting -= 1;
                let tie_at = self.tie_index(head.worker as usize, i);
                let tie = self.ties[tie_at];
                let success = !expired
                    && crate::rng::chance(
                        &mut self.rng.community,
                        head.patient.uptake_prob(f64::from(tie), waited, pat),
                    );
                let in_post = self.workers[head.worker as usize].in_post;
                let org = &mut self.orgs[i];
                if success {
                    org.occupancy += 1;
                    self.leaving.add(week + c.attend_weeks, i);
                    self.practices[head.patient.practice as usize].connected_this_week += 1;
                    self.tally.finish(&head.patient, Outcome::Connected, pat);
                } else {
                    let outcome = if expired {
                        Outcome::UnmetNeed
                    } else {
                        Outcome::DroppedOut
                    };
                    self.tally.finish(&head.patient, outcome, pat);
                }
                if in_post && tie > 0.0 {
                    self.ties[tie_at] = if success {
                        link_worker::tie_after_success(tie, c.tie_gain_success)
                    } else {
                        link_worker::tie_after_failure(tie, c.tie_loss_failure)
                    };
                }
                let week_of = &mut self.workers[head.worker as usize].week;
                if success {
                    week_of.onward_ok += 1
                } else {
                    week_of.onward_failed += 1
                }
            }
        }
    }
}
