//! A GP practice: its drivers, competing innovations, and the four constructs of Normalisation
//! Process Theory (NPT) that decide its integration stage.

#![warn(missing_docs)]

use crate::scenario::Implementation;

/// Tierney et al. (2025)'s continuum of integration. `Belonging` is Chng et al. (2021)'s
/// "fully integrated".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Integration index below `implementation.fitting_in_threshold`: the link worker is an
    /// add-on the practice has not taken in.
    BoltedOn,
    /// Index at or above `fitting_in_threshold`, but belonging not (yet) held.
    FittingIn,
    /// Index at or above `belonging_threshold`, with reflexive monitoring at or above
    /// `belonging_effect`, held for `belonging_hold_weeks`: fully integrated.
    Belonging,
}

impl Stage {
    /// The stage's name in results (practices.csv's `final_stage`, weekly.csv's stage columns):
    /// `bolted_on`, `fitting_in` or `belonging`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::BoltedOn => "bolted_on",
            Stage::FittingIn => "fitting_in",
            Stage::Belonging => "belonging",
        }
    }
}

/// A GP practice: its drivers (drawn at week 0, fixed but for GP buy-in), its NPT constructs and
/// stage (updated weekly, phase 5), and its counts. Shares and constructs are in [0, 1].
#[derive(Debug, Clone)]
pub struct Practice {
    /// Its network: an index into [`crate::model::World::networks`].
    pub network: u32,
    /// The link worker who takes this practice's referrals.
    pub worker: u32,
    /// Registered patients (the referral rate is per 1,000 of them).
    pub list_size: u32,
    /// Share of its patients in the most deprived areas, in [0, 1]: raises referrals (times
    /// `0.5 + deprivation`) and lowers engagement.
    pub deprivation: f64,
    /// A training practice: training takes `implementation.training_burden` of staff attention
    /// (Chng et al. 2021: training status went with partial integration).
    pub training: bool,
    /// GP buy-in now, in [0, 1]: moves towards reflexive monitoring (the effect seen) at
    /// `implementation.buy_in_rate` per week.
    pub gp_buy_in: f64,
    /// GP buy-in drawn at week 0, in [0, 1] (practices.csv's `gp_buy_in`).
    pub gp_buy_in_start: f64,
    /// Collaborative leadership, in [0, 1] (practices.csv's `collaborative_leadership`).
    pub leadership: f64,
    /// Team dynamics, in [0, 1] (practices.csv's `team_dynamics`).
    pub team: f64,
    /// NPT coherence, in [0, 1]: shared understanding of what the link worker is for.
    pub coherence: f64,
    /// NPT cognitive participation, in [0, 1]: staff engage with the programme and refer.
    pub participation: f64,
    /// NPT collective action, in [0, 1]: the link worker is built into routines (referral
    /// pathways, records, team meetings).
    pub action: f64,
    /// NPT reflexive monitoring, in [0, 1]: the effect the practice sees (it tracks
    /// [`WeekInputs::effect`]).
    pub monitoring: f64,
    /// End weeks of the competing innovations now running (one entry per innovation; each
    /// expires at the start of its end week).
    pub innovations: Vec<u32>,
    /// Integration stage, from the constructs ([`Practice::update_stage`]).
    pub stage: Stage,
    /// Consecutive weeks with the integration index at or above the belonging threshold.
    pub weeks_above: u32,
    /// The week it first reached [`Stage::Belonging`]; `None` if never.
    pub week_belonging: Option<u32>,
    /// Patients it has referred so far (patients).
    pub referrals: u64,
    /// Its patients connected to a community organisation so far, up to the end of last week's
    /// update (patients).
    pub connected: u64,
    /// Times its link worker has left the post so far.
    pub lw_changes: u32,
    /// This week's practice development time from its link worker (hours; the worker's
    /// development hours shared equally among its practices). Filled in phase 3, cleared after
    /// the update in phase 5.
    pub development_hours: f64,
    /// Its patients connected to an organisation this week (patients). Filled in phase 4, added
    /// to [`Practice::connected`] and cleared in phase 5.
    pub connected_this_week: u32,
}

/// What the practice experienced this week, as its NPT update sees it.
#[derive(Debug, Clone, Copy)]
pub struct WeekInputs {
    /// 1 if its link worker is in post, 0 during a vacancy.
    pub presence: f64,
    /// Development input in [0, 1]: hours relative to full, times what the fund lets them achieve.
    pub development: f64,
    /// Link-worker support (the scenario lever) in [0, 1].
    pub support: f64,
    /// The effect the practice sees in [0, 1] (connections relative to the reference).
    pub effect: f64,
    /// The link worker's identity in the practice in [0, 1]: `1 - exp(-weeks in post /
    /// identity_weeks)` (Tierney et al. 2025, forging an identity in general practice).
    pub identity: f64,
    /// How far the practice directs its link worker in [0, 1] (Tierney et al. 2025,
    /// centralising or diffusing power).
    pub directed: f64,
}

/// The levels of coherence, cognitive participation and collective action a practice's drivers
/// can sustain, each in [0, 1], in that order: weighted means of its drivers times its
/// attention (docs/ODD.md, "Practices"; weights assumed). Lasting features (buy-in, leadership,
/// team, training status, competing innovations) set where a practice settles, not only how fast
/// it gets there (Chng et al. 2021: partially integrated practices differed in such features).
pub fn sustained_levels(pr: &Practice, w: &WeekInputs, p: &Implementation) -> [f64; 3] {
    let attention = pr.attention(p);
    let (b, l, t, m) = (pr.gp_buy_in, pr.leadership, pr.team, pr.monitoring);
    let coherence = 0.3 * w.development + 0.2 * b + 0.2 * l + 0.1 * t + 0.2 * w.identity;
    let participation = (0.4 * b + 0.2 * l + 0.2 * t + 0.2 * m) * (0.5 + 0.5 * w.directed);
    let action = 0.3 * w.development + 0.2 * l + 0.2 * t + 0.3 * w.support;
    [coherence, participation, action].map(|x| attention * x)
}

impl Practice {
    /// A practice at week 0: in `network`, referring to `worker`, with its `list_size`
    /// (patients), `deprivation` and `training` status, and its drivers as drawn, `[GP buy-in,
    /// collaborative leadership, team dynamics]` (each in [0, 1]); its constructs at the
    /// scenario's initial levels, reflexive monitoring 0, bolted on, every count 0. The one
    /// place a practice is made: [`crate::model::World::new`] and the tests' fixtures.
    pub fn new(
        network: u32,
        worker: u32,
        list_size: u32,
        deprivation: f64,
        training: bool,
        [gp_buy_in, leadership, team]: [f64; 3],
        imp: &Implementation,
    ) -> Practice {
        Practice {
            network,
            worker,
            list_size,
            deprivation,
            training,
            gp_buy_in,
            gp_buy_in_start: gp_buy_in,
            leadership,
            team,
            coherence: imp.initial_coherence,
            participation: imp.initial_participation,
            action: imp.initial_action,
            monitoring: 0.0,
            innovations: Vec::with_capacity(4),
            stage: Stage::BoltedOn,
            weeks_above: 0,
            week_belonging: None,
            referrals: 0,
            connected: 0,
            lw_changes: 0,
            development_hours: 0.0,
            connected_this_week: 0,
        }
    }

    /// Staff attention left for the programme, in (0, 1]: `(1 - training_burden * training) /
    /// (1 + innovation_burden * n)`, `n` the competing innovations running.
    pub fn attention(&self, p: &Implementation) -> f64 {
        let training = if self.training { p.training_burden } else { 0.0 };
        (1.0 - training) / (1.0 + p.innovation_burden * self.innovations.len() as f64)
    }

    /// Integration index, in [0, 1]: the mean of coherence, cognitive participation and
    /// collective action (the constructs Chng et al. 2021 judged integration on).
    pub fn integration_index(&self) -> f64 {
        (self.coherence + self.participation + self.action) / 3.0
    }

    /// One week of the NPT constructs: each moves towards the level its drivers sustain
    /// ([`sustained_levels`]) at its rate while the link worker is in post (participation
    /// faster with coherence, action faster with participation: NPT's order), and decays
    /// (faster during a vacancy). Reflexive monitoring tracks the effect seen; GP buy-in moves
    /// towards it. See docs/ODD.md, "Practices".
    pub fn update_constructs(&mut self, w: &WeekInputs, p: &Implementation) {
        let [c, cp, ca] = sustained_levels(self, w, p);
        let decay = p.decay_per_week + p.vacancy_decay_per_week * (1.0 - w.presence);
        let rate_p = p.rate_participation * (0.5 + 0.5 * self.coherence);
        let rate_a = p.rate_action * (0.5 + 0.5 * self.participation);
        self.coherence = track(self.coherence, w.presence * p.rate_coherence, c, decay);
        self.participation = track(self.participation, w.presence * rate_p, cp, decay);
        self.action = track(self.action, w.presence * rate_a, ca, decay);
        self.monitoring += p.rate_monitoring * (w.effect - self.monitoring);
        self.gp_buy_in += p.buy_in_rate * (self.monitoring - self.gp_buy_in);
    }

    /// Stage from the integration index: below `fitting_in_threshold` bolted on; belonging once
    /// the index has stayed at or above `belonging_threshold`, with reflexive monitoring at or
    /// above `belonging_effect`, for `belonging_hold_weeks` (Chng et al. 2021: full integration
    /// is implementation at patient, practice and community levels; a practice that sees no
    /// patients helped cannot belong).
    /// `week` is the current week, recorded in [`Practice::week_belonging`] when it first belongs.
    pub fn update_stage(&mut self, week: u32, p: &Implementation) {
        let index = self.integration_index();
        if index >= p.belonging_threshold && self.monitoring >= p.belonging_effect {
            self.weeks_above += 1;
        } else {
            self.weeks_above = 0;
        }
        self.stage = if self.weeks_above >= p.belonging_hold_weeks {
            Stage::Belonging
        } else if index >= p.fitting_in_threshold {
            Stage::FittingIn
        } else {
            Stage::BoltedOn
        };
        if self.stage == Stage::Belonging && self.week_belonging.is_none() {
            self.week_belonging = Some(week);
        }
    }
}

/// `x + rate * (level - x) - decay * x`, kept in [0, 1]: settles at `rate * level / (rate + decay)`.
fn track(x: f64, rate: f64, level: f64, decay: f64) -> f64 {
    (x + rate * (level - x) - decay * x).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A non-training practice of 4,000 patients at deprivation 0.6, every driver 0.5, the
    /// default scenario's initial constructs.
    pub(crate) fn practice() -> Practice {
        Practice::new(0, 0, 4000, 0.6, false, [0.5; 3], &Implementation::default())
    }

    const PRESENT: WeekInputs = WeekInputs {
        presence: 1.0,
        development: 0.5,
        support: 0.5,
        effect: 0.5,
        identity: 0.5,
        directed: 1.0,
    };

    fn after_weeks(mut pr: Practice, w: WeekInputs, weeks: u32) -> Practice {
        let p = Implementation::default();
        for _ in 0..weeks {
            pr.update_constructs(&w, &p);
        }
        pr
    }

    #[test]
    fn higher_buy_in_raises_participation_faster() {
        let mut low = practice();
        low.gp_buy_in = 0.2;
        let mut high = practice();
        high.gp_buy_in = 0.8;
        let (low, high) = (after_weeks(low, PRESENT, 10), after_weeks(high, PRESENT, 10));
        assert!(
            high.participation > low.participation + 0.01,
            "{} vs {}",
            high.participation,
            low.participation
        );
    }

    #[test]
    fn leadership_team_and_support_each_raise_the_index() {
        let base = after_weeks(practice(), PRESENT, 30).integration_index();
        let mut lead = practice();
        lead.leadership = 0.9;
        assert!(after_weeks(lead, PRESENT, 30).integration_index() > base);
        let mut team = practice();
        team.team = 0.9;
        assert!(after_weeks(team, PRESENT, 30).integration_index() > base);
        let supported = WeekInputs {
            support: 1.0,
            ..PRESENT
        };
        assert!(after_weeks(practice(), supported, 30).integration_index() > base);
        let developed = WeekInputs {
            development: 1.0,
            ..PRESENT
        };
        assert!(after_weeks(practice(), developed, 30).integration_index() > base);
    }

    #[test]
    fn competing_innovations_and_training_slow_integration() {
        let base = after_weeks(practice(), PRESENT, 30).integration_index();
        let mut busy = practice();
        busy.innovations = vec![1000, 1000];
        assert!(after_weeks(busy, PRESENT, 30).integration_index() < base);
        let mut training = practice();
        training.training = true;
        assert!(after_weeks(training, PRESENT, 30).integration_index() < base);
    }

    #[test]
    fn a_vacancy_lets_coherence_decay() {
        let mut pr = practice();
        pr.coherence = 0.8;
        let vacant = WeekInputs {
            presence: 0.0,
            ..PRESENT
        };
        let after = after_weeks(pr, vacant, 10);
        assert!(after.coherence < 0.8 * 0.9, "{}", after.coherence);
    }

    #[test]
    fn weak_drivers_settle_below_belonging_and_strong_ones_above() {
        let p = Implementation::default();
        let strong_inputs = WeekInputs {
            development: 1.0,
            support: 0.9,
            effect: 0.9,
            identity: 1.0,
            ..PRESENT
        };
        // Weak: a training practice with poor leadership and team, half the development and
        // support, half the effect seen (its GP buy-in moves towards that effect).
        let mut weak = practice();
        (weak.gp_buy_in, weak.leadership, weak.team, weak.training) = (0.3, 0.3, 0.3, true);
        let mut strong = practice();
        (strong.gp_buy_in, strong.leadership, strong.team) = (0.9, 0.9, 0.9);
        let (weak, strong) = (
            after_weeks(weak, PRESENT, 2000),
            after_weeks(strong, strong_inputs, 2000),
        );
        assert!(
            weak.integration_index() < p.belonging_threshold,
            "{}",
            weak.integration_index()
        );
        assert!(
            strong.integration_index() > p.belonging_threshold,
            "{}",
            strong.integration_index()
        );
        // Settled: another 500 weeks move the index by less than 0.001.
        let later = after_weeks(weak.clone(), PRESENT, 500);
        assert!((later.integration_index() - weak.integration_index()).abs() < 1e-3);
    }

    #[test]
    fn a_new_link_worker_without_identity_or_direction_lowers_what_the_practice_sustains() {
        let p = Implementation::default();
        let pr = practice();
        let known = sustained_levels(
            &pr,
            &WeekInputs {
                identity: 1.0,
                ..PRESENT
            },
            &p,
        );
        let new = sustained_levels(
            &pr,
            &WeekInputs {
                identity: 0.0,
                ..PRESENT
            },
            &p,
        );
        assert!(new[0] < known[0] && new[1] == known[1] && new[2] == known[2]);
        let base = sustained_levels(&pr, &PRESENT, &p);
        let directed = sustained_levels(
            &pr,
            &WeekInputs {
                directed: 0.0,
                ..PRESENT
            },
            &p,
        );
        assert!(directed[1] < base[1] && directed[0] == base[0] && directed[2] == base[2]);
    }

    #[test]
    fn buy_in_follows_the_effect_seen() {
        let seen = after_weeks(practice(), WeekInputs { effect: 1.0, ..PRESENT }, 40);
        let unseen = after_weeks(practice(), WeekInputs { effect: 0.0, ..PRESENT }, 40);
        assert!(seen.monitoring > 0.8 && unseen.monitoring < 0.01);
        assert!(seen.gp_buy_in > 0.5 && unseen.gp_buy_in < 0.5);
    }

    #[test]
    fn stage_needs_the_index_held_for_the_hold_weeks() {
        let p = Implementation::default();
        let mut pr = practice();
        pr.coherence = 0.9;
        pr.participation = 0.9;
        pr.action = 0.9;
        pr.monitoring = p.belonging_effect / 2.0; // the index alone is not enough
        for week in 1..10 {
            pr.update_stage(week, &p);
            assert_eq!(pr.stage, Stage::FittingIn);
        }
        pr.monitoring = p.belonging_effect;
        for week in 1..p.belonging_hold_weeks {
            pr.update_stage(week, &p);
            assert_eq!(pr.stage, Stage::FittingIn);
        }
        pr.update_stage(p.belonging_hold_weeks, &p);
        assert_eq!(pr.stage, Stage::Belonging);
        assert_eq!(pr.week_belonging, Some(p.belonging_hold_weeks));
        pr.action = 0.0;
        pr.participation = 0.0;
        pr.coherence = 0.1;
        pr.update_stage(p.belonging_hold_weeks + 1, &p);
        assert_eq!(pr.stage, Stage::BoltedOn);
    }
}
