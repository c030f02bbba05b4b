//! A referred patient. Patients exist only from referral, and live inside the container that
//! holds them (a link worker's waiting list or caseload, an organisation's waiting list); when
//! their pathway ends they are folded into the replicate's tallies and dropped.

#![warn(missing_docs)]

use crate::rng::{self, Rng};
use crate::scenario::Patients;

/// Kinds of need; a patient's needs and an organisation's services are bit masks of these.
pub const NEEDS: [&str; 6] = [
    "mental_health",
    "isolation",
    "welfare",
    "housing",
    "physical_activity",
    "other",
];

/// A patient on a link worker's list or caseload, or waiting for an organisation's place.
#[derive(Debug, Clone, Copy)]
pub struct Patient {
    /// The referring practice: an index into [`crate::model::World::practices`].
    pub practice: u32,
    /// The week the patient joined the current waiting list.
    pub since_week: u32,
    /// The week the patient leaves unaided: on a link worker's waiting list, the week they give
    /// up waiting (drawn at referral: [`Intake::give_up`]); on a caseload, the week they drop out
    /// of support (drawn when the first session leaves more to come: [`Intake::dropout`]). One
    /// field for both keeps the record at 28 bytes.
    pub leaves_week: u32,
    /// Contacts a holistic case needs; 1 for signposting.
    pub sessions_needed: u16,
    /// Link-worker contacts (sessions attended) so far.
    pub contacts: u16,
    /// The week an active patient's next contact is due.
    pub next_contact: u32,
    /// Bit mask over [`NEEDS`].
    pub needs: u8,
    /// The approach: holistic support over several contacts (true) or signposting, one brief
    /// contact then an onward referral (false).
    pub holistic: bool,
    /// Confidence to take up help elsewhere, in [0, 1].
    pub confidence: f32,
}

/// Draw one need with probability proportional to `weights` (in [`NEEDS`] order); returns its
/// bit (`1 << index`).
pub fn draw_need(rng: &mut Rng, weights: &[f64; 6]) -> u8 {
    let total: f64 = weights.iter().sum();
    let mut u = rng::uniform(rng) * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return 1 << i;
        }
        u -= w;
    }
    1 << (weights.len() - 1)
}

/// The scenario's weights of the kinds of need (`patients.need_*`), in [`NEEDS`] order.
pub fn need_weights(p: &Patients) -> [f64; 6] {
    [
        p.need_mental_health,
        p.need_isolation,
        p.need_welfare,
        p.need_housing,
        p.need_physical_activity,
        p.need_other,
    ]
}

/// What every new referral of a run is drawn from (built once per world from the scenario): the
/// mix of needs and of approaches, and the distributions of sessions needed and of the wait
/// before giving up; and, drawn later, when a patient joins a caseload, the weeks until they
/// drop out.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The weights of the kinds of need ([`need_weights`]).
    pub weights: [f64; 6],
    /// Chance (0..1) of a second need (`patients.second_need_prob`).
    pub second_need_prob: f64,
    /// Share (0..1) given holistic support (`link_workers.holistic_share`); the rest are signposted.
    pub holistic_share: f64,
    /// Sessions a holistic case needs beyond the first (mean `patients.sessions_mean - 1`).
    pub extra_sessions: rng::Poisson,
    /// Weeks a waiting patient waits before giving up (weekly hazard `patients.give_up_per_week`),
    /// at most the run's length in weeks plus one.
    pub give_up: rng::Geometric,
    /// Weeks an active case stays before dropping out, from the week after the first session
    /// (weekly hazard `patients.dropout_per_week`), at most the run's length plus one.
    pub dropout: rng::Geometric,
}

impl Intake {
    /// The intake of scenario `sc`.
    pub fn new(sc: &crate::scenario::Scenario) -> Self {
        let p = &sc.patients;
        Intake {
            weights: need_weights(p),
            second_need_prob: p.second_need_prob,
            holistic_share: sc.link_workers.holistic_share,
            extra_sessions: rng::Poisson::new(p.sessions_mean - 1.0),
            give_up: rng::Geometric::new(p.give_up_per_week, sc.simulation.weeks + 1),
            dropout: rng::Geometric::new(p.dropout_per_week, sc.simulation.weeks + 1),
        }
    }
}

impl Patient {
    /// A new referral at `week` from `practice`: needs, approach, complexity, confidence and the
    /// week they would give up waiting, drawn from `intake` in that order.
    #[inline]
    pub fn referred(rng: &mut Rng, practice: u32, week: u32, intake: &Intake) -> Patient {
        let weights = &intake.weights;
        let mut needs = draw_need(rng, weights);
        if rng::chance(rng, intake.second_need_prob) {
            needs |= draw_need(rng, weights);
        }
        let holistic = rng::chance(rng, intake.holistic_share);
        let sessions_needed = if holistic {
            1 + intake.extra_sessions.sample(rng).min(200) as u16
        } else {
            1
        };
        let confidence = rng::uniform(rng) as f32;
        let leaves_week = week.saturating_add(1).saturating_add(intake.give_up.sample(rng));
        Patient {
            practice,
            since_week: week,
            leaves_week,
            sessions_needed,
            contacts: 0,
            next_contact: 0,
            needs,
            holistic,
            confidence,
        }
    }

    /// Chance (0..1) of attending the first session at week `week`, after waiting since
    /// `since_week`: lower with the practice's `deprivation` (0..1) and with each week waited.
    pub fn engage_prob(&self, week: u32, deprivation: f64, p: &Patients) -> f64 {
        let waited = week.saturating_sub(self.since_week) as i32;
        p.engage_prob
            * (1.0 - p.deprivation_engage_penalty * deprivation)
            * (1.0 - p.wait_engage_decay_per_week).powi(waited)
    }

    /// Chance of taking up an onward referral: lower with a weak tie (a cold handover), for a
    /// signposted patient with low confidence, and after a long wait for a place. `tie` is the
    /// referring worker's tie to the organisation (0..1), `weeks_waited` the weeks since the
    /// referral; returns a probability (0..1).
    pub fn uptake_prob(&self, tie: f64, weeks_waited: u32, p: &Patients) -> f64 {
        let approach = if self.holistic {
            1.0
        } else {
            1.0 - p.signpost_confidence_weight * (1.0 - f64::from(self.confidence))
        };
        p.uptake_prob
            * (0.5 + 0.5 * tie)
            * approach
            * (1.0 - p.org_wait_uptake_decay_per_week).powi(weeks_waited as i32)
    }

    /// A test fixture: a holistic patient of practice 0 referred at week 0, with one need, three
    /// sessions needed, no contacts yet, confidence 0.5, giving up at week 100. Tests change the
    /// fields they need with struct update syntax.
    #[cfg(test)]
    pub(crate) fn example() -> Patient {
        Patient {
            practice: 0,
            since_week: 0,
            leaves_week: 100,
            sessions_needed: 3,
            contacts: 0,
            next_contact: 0,
            needs: 1,
            holistic: true,
            confidence: 0.5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(holistic: bool, confidence: f32) -> Patient {
        Patient {
            holistic,
            confidence,
            ..Patient::example()
        }
    }

    #[test]
    fn long_waits_and_deprivation_lower_engagement() {
        let p = Patients::default();
        let pt = patient(true, 0.5);
        assert!(pt.engage_prob(10, 0.5, &p) < pt.engage_prob(0, 0.5, &p));
        assert!(pt.engage_prob(0, 0.9, &p) < pt.engage_prob(0, 0.1, &p));
    }

    #[test]
    fn signposting_loses_the_unconfident_and_ties_help() {
        let p = Patients::default();
        assert!(patient(false, 0.1).uptake_prob(0.5, 0, &p) < patient(true, 0.1).uptake_prob(0.5, 0, &p));
        assert!(patient(false, 0.1).uptake_prob(0.5, 0, &p) < patient(false, 0.9).uptake_prob(0.5, 0, &p));
        assert!(patient(true, 0.5).uptake_prob(0.9, 0, &p) > patient(true, 0.5).uptake_prob(0.1, 0, &p));
        assert!(patient(true, 0.5).uptake_prob(0.5, 8, &p) < patient(true, 0.5).uptake_prob(0.5, 0, &p));
    }

    #[test]
    fn a_patient_record_is_28_bytes() {
        // Patients live inline in queues and caseloads: England holds tens of thousands, and
        // its speed is bound by memory (docs/PERFORMANCE.md).
        assert_eq!(std::mem::size_of::<Patient>(), 28);
    }

    #[test]
    fn needs_follow_the_weights() {
        let mut rng = crate::rng::generator(3);
        let weights = [1.0, 0.0, 0.0, 0.0, 0.0, 3.0];
        let n = 10_000;
        let first = (0..n).filter(|_| draw_need(&mut rng, &weights) == 1).count();
        assert!((first as f64 / n as f64 - 0.25).abs() < 0.02);
    }
}
