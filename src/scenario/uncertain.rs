//! Parameter uncertainty: `simulation.uncertainty = "full"` (`lwsim run --uncertainty full`).
//!
//! With `full`, each replicate also draws the model's uncertain constants before its world is
//! built, so that intervals hold what is not known about the model as well as chance:
//! - the calibrated constants (provenance "calibrated" in [`params::SPECS`]) jointly, as one of
//!   the calibration's accepted sets, shipped in `calibration/accepted.csv` (written by
//!   `lwsim calibrate calibration/deep-end.toml`; a statistical test re-runs the calibration and
//!   compares), each set equally likely;
//! - the assumed constants independently, uniform on the plausible range [`PLAUSIBLE`] gives
//!   (for a whole-number key, each whole number in the range equally likely).
//!
//! A key the scenario file (or a file it extends) or `--set` sets explicitly is not redrawn:
//! the scenario's value holds. Every draw is taken from stream 6 of the replicate's generator
//! (see [`crate::rng::Streams`]): one uniform per [`PLAUSIBLE`] row, in table order, then one for
//! the accepted set, whether or not the key is held; so replicate r of every scenario in a
//! comparison draws the same constants, and a scenario identical to the reference still has
//! every effect exactly 0.
//!
//! The accepted sets were found with the assumed constants at their defaults; drawing both
//! independently ignores how the targets would tie them together (calibration/LIMITS.md, shown in docs/VALIDATION.md).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::params::{self, Kind};
use super::{RawScenario, Scenario};
use crate::rng::{self, Rng};

/// Which intervals a run reports: `chance` (replicates differ by their random draws alone) or
/// `full` (each replicate also draws the uncertain constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Uncertainty {
    /// Chance alone: every replicate runs the scenario's constants.
    #[default]
    Chance,
    /// Chance and parameter uncertainty: each replicate draws the uncertain constants.
    Full,
}

impl<'de> Deserialize<'de> for Uncertainty {
    /// From `"chance"` or `"full"`; anything else is refused with a message naming both.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Mode;
        impl serde::de::Visitor<'_> for Mode {
            type Value = Uncertainty;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"chance\" or \"full\" (in quotes)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Uncertainty, E> {
                Uncertainty::ALL
                    .into_iter()
                    .find(|u| u.name() == v)
                    .ok_or_else(|| E::custom(format!("expected \"chance\" or \"full\", found {v:?}")))
            }
        }
        d.deserialize_str(Mode)
    }
}

impl Uncertainty {
    /// Every mode, in the order of [`Uncertainty::NAMES`].
    pub const ALL: [Uncertainty; 2] = [Uncertainty::Chance, Uncertainty::Full];

    /// Every mode's name (`--uncertainty`'s values).
    pub const NAMES: [&'static str; 2] = ["chance", "full"];

    /// The name used in scenario files, summary.json and run.json.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// What the intervals hold, in a few words (reports' "Intervals" row).
    pub fn label(self) -> &'static str {
        match self {
            Uncertainty::Chance => "chance alone",
            Uncertainty::Full => "chance and parameter uncertainty (--uncertainty full)",
        }
    }

    /// True for [`Uncertainty::Chance`] (the default).
    pub fn is_chance(&self) -> bool {
        *self == Uncertainty::Chance
    }
}

impl params::FieldType for Uncertainty {
    const KIND: Kind = Kind::Text;
    fn number(&self) -> Option<params::Number> {
        None
    }
}

/// What a run's intervals hold, in a few words (reports' "Intervals" row): `mode`'s
/// [`Uncertainty::label`], or chance alone when a `full` run drew nothing (`drew_nothing`:
/// run.json's `drawn` is `[]`, the scenario setting every uncertain key).
pub fn intervals_label(mode: Uncertainty, drew_nothing: bool) -> &'static str {
    if drew_nothing {
        "chance alone (--uncertainty full drew no constant: the scenario sets every uncertain key)"
    } else {
        mode.label()
    }
}

/// What a run's intervals hold, in a sentence for reports and the README; `drew_nothing` as for
/// [`intervals_label`].
pub fn interval_kind(mode: Uncertainty, drew_nothing: bool) -> &'static str {
    if drew_nothing {
        return "The intervals hold chance alone: the run asked for --uncertainty full, but its scenario sets every uncertain constant (a resolved scenario does), so no replicate drew one. Leave out the constants to be drawn.";
    }
    match mode {
        Uncertainty::Chance => {
            "The intervals hold chance alone: how much the outcome varies between runs of the same programme with the model's constants fixed. They leave out what is not known about those constants; run with --uncertainty full to include it."
        }
        Uncertainty::Full => {
            "The intervals hold chance and parameter uncertainty: each replicate also drew the model's uncertain constants (the calibrated ones as one of the calibration's accepted sets, the assumed ones from their plausible ranges, docs/SCENARIOS.md), except those the scenario sets."
        }
    }
}

/// The ChaCha stream number of the draws of uncertain constants.
pub const STREAM: u64 = 6;

/// The plausible range of each assumed constant that `full` draws: (dotted key, low, high).
/// All are assumed (no source measures them): the default lies inside each range, and the range
/// is the default halved to doubled for rates and hazards, about plus or minus half for shares,
/// weights, durations and money, unless a reason is given in the key's provenance
/// (docs/SCENARIOS.md shows every range). Keys whose provenance is "assumed" but that are not
/// here are listed, with the reason, in [`NOT_DRAWN`].
#[rustfmt::skip]
pub const PLAUSIBLE: &[(&str, f64, f64)] = &[
    ("practices.gp_buy_in.mean", 0.3, 0.7),
    ("practices.gp_buy_in.sd", 0.1, 0.3),
    ("practices.collaborative_leadership.mean", 0.3, 0.7),
    ("practices.collaborative_leadership.sd", 0.1, 0.3),
    ("practices.team_dynamics.mean", 0.3, 0.7),
    ("practices.team_dynamics.sd", 0.1, 0.3),
    ("practices.competing_innovations_per_year", 0.25, 1.0),
    ("practices.innovation_weeks", 13.0, 52.0),
    ("practices.referrals_per_1000_per_year", 50.0, 100.0),
    ("link_workers.recruitment_delay_weeks", 6.0, 26.0),
    ("link_workers.support_cost_per_year", 2500.0, 10_000.0),
    ("link_workers.hours_per_case_per_week", 0.25, 1.0),
    ("link_workers.novice_slowdown", 0.25, 1.0),
    ("link_workers.experience_weeks", 13.0, 52.0),
    ("link_workers.initial_known_orgs", 1.0, 6.0),
    ("link_workers.hours_per_visit", 1.0, 4.0),
    ("link_workers.outreach_floor", 0.15, 0.5),
    ("link_workers.leave_hazard_per_week", 0.00075, 0.003),
    ("link_workers.burnout_rate_per_week", 0.025, 0.1),
    ("patients.deprivation_engage_penalty", 0.05, 0.2),
    ("patients.wait_engage_decay_per_week", 0.01, 0.04),
    ("patients.give_up_per_week", 0.01, 0.04),
    ("patients.contact_interval_weeks", 1.0, 3.0),
    ("patients.attend_prob", 0.75, 0.95),
    ("patients.uptake_prob", 0.7, 0.95),
    ("patients.signpost_confidence_weight", 0.25, 0.75),
    ("patients.org_wait_uptake_decay_per_week", 0.015, 0.06),
    ("patients.second_need_prob", 0.2, 0.6),
    ("patients.need_mental_health", 0.2, 0.5),
    ("patients.need_isolation", 0.15, 0.35),
    ("patients.need_welfare", 0.1, 0.2),
    ("patients.need_housing", 0.04, 0.12),
    ("patients.need_physical_activity", 0.05, 0.15),
    ("patients.need_other", 0.035, 0.105),
    ("patients.wellbeing_gain_connected", 3.0, 9.0),
    ("patients.wellbeing_gain_per_contact", 0.0, 1.0),
    ("patients.wellbeing_change_unmet", -5.0, 0.0),
    ("community.orgs_per_network", 4.0, 9.0),
    ("community.second_need_share", 0.15, 0.45),
    ("community.funding_mean", 40_000.0, 90_000.0),
    ("community.funding_spread", 0.25, 1.0),
    ("community.cost_per_place", 1500.0, 3000.0),
    ("community.other_demand_share", 0.75, 0.95),
    ("community.attend_weeks", 8.0, 16.0),
    ("community.max_wait_weeks", 13.0, 39.0),
    ("community.viability_funding", 15_000.0, 25_000.0),
    ("community.refuse_waiting_ratio", 0.5, 2.0),
    ("community.grant_loss_prob", 0.05, 0.2),
    ("community.grant_loss_share", 0.15, 0.45),
    ("community.grant_win_prob", 0.05, 0.2),
    ("community.grant_win_share", 0.1, 0.3),
    ("community.tie_initial", 0.1, 0.3),
    ("community.tie_gain_visit", 0.05, 0.2),
    ("community.tie_gain_success", 0.025, 0.1),
    ("community.tie_loss_failure", 0.05, 0.2),
    ("community.tie_decay_per_week", 0.0025, 0.01),
    ("funding.practice_development_cost_per_year", 5000.0, 15_000.0),
    ("implementation.initial_coherence", 0.1, 0.3),
    ("implementation.initial_participation", 0.05, 0.25),
    ("implementation.initial_action", 0.0, 0.1),
    ("implementation.rate_monitoring", 0.025, 0.1),
    ("implementation.decay_per_week", 0.001, 0.004),
    ("implementation.vacancy_decay_per_week", 0.01, 0.04),
    ("implementation.buy_in_rate", 0.005, 0.02),
    ("implementation.development_hours_full", 2.0, 8.0),
    ("implementation.development_floor", 0.25, 0.75),
    ("implementation.innovation_burden", 0.25, 1.0),
    ("implementation.training_burden", 0.1, 0.3),
    ("implementation.effect_connections_per_1000_per_year", 10.0, 40.0),
    ("implementation.fitting_in_threshold", 0.25, 0.4),
    ("implementation.belonging_hold_weeks", 4.0, 16.0),
    ("implementation.belonging_effect", 0.1, 0.5),
    ("implementation.identity_weeks", 8.0, 104.0),
];

/// Keys whose provenance says "assumed" that `full` does not draw, and why: what a user chooses
/// (levers and the run's settings) rather than what is unknown about the model.
pub const NOT_DRAWN: &[(&str, &str)] = &[
    ("simulation.replicates", "a setting of the run"),
    ("simulation.seed", "a setting of the run"),
    ("link_workers.caseload_cap", "the caseload lever, set by the programme"),
    ("link_workers.support", "the support lever, set by the programme"),
    (
        "link_workers.practice_directed",
        "how the programme is organised (Tierney's centralising or diffusing power), set by the programme",
    ),
    (
        "community.rationing_proportional",
        "a rule no source measures; docs/VALIDATION.md answers under both, and an answer about cuts is conditional on it (calibration/LIMITS.md, shown in docs/VALIDATION.md)",
    ),
];

/// The plausible range `full` draws `key` from, if it draws it: `Some((low, high))` for an
/// assumed constant, `None` for every other key (calibrated ones come from the accepted sets).
pub fn plausible(key: &str) -> Option<(f64, f64)> {
    PLAUSIBLE
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, lo, hi)| (lo, hi))
}

/// Is `key` calibrated (drawn as part of an accepted set)?
pub fn is_calibrated(key: &str) -> bool {
    params::spec(key).is_some_and(|s| s.source.starts_with("calibrated"))
}

/// The calibration's accepted sets: the calibrated keys, and one row of their values per set.
#[derive(Debug)]
pub struct AcceptedSets {
    /// The calibrated keys, in [`params::SPECS`] order.
    pub keys: Vec<&'static str>,
    /// Each accepted set's values, in the order of `keys`.
    pub sets: Vec<Vec<f64>>,
}

/// `calibration/accepted.csv` as shipped, compiled into the binary.
pub const ACCEPTED_CSV: &str = include_str!("../../calibration/accepted.csv");

/// The shipped accepted sets, read once.
///
/// # Panics
/// Never for the shipped file (a unit test reads it); only if it were edited into something
/// that lacks a calibrated key's column or a number.
pub fn accepted() -> &'static AcceptedSets {
    static SETS: OnceLock<AcceptedSets> = OnceLock::new();
    SETS.get_or_init(|| parse_accepted("calibration/accepted.csv", ACCEPTED_CSV).unwrap_or_else(|e| panic!("{e}")))
}

/// accepted.csv's first columns; the sweep's keys and then its outcomes follow.
pub const ACCEPTED_COLUMNS: [&str; 3] = ["rank", "point", "distance"];

/// One row of accepted.csv: an accepted point, nearest first. Written by `lwsim calibrate`
/// (`N` its number type, `V` the point's keys then its outcomes' means, in the sweep's order)
/// and read back here, through this one declaration.
#[derive(Debug, Serialize, Deserialize)]
pub struct AcceptedRow<N, V> {
    /// 1 for the point nearest the targets.
    pub rank: usize,
    /// The sweep point.
    pub point: usize,
    /// Distance to the targets (each target's, summed).
    pub distance: N,
    /// The point's keys' values, then each outcome's mean at the point.
    pub values: V,
}

/// Read accepted.csv's text (`file` names it in errors, with the line): the calibrated keys'
/// values of every row.
fn parse_accepted(file: &str, text: &str) -> Result<AcceptedSets, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| format!("{file}: {e}"))?.clone();
    if !header.iter().take(ACCEPTED_COLUMNS.len()).eq(ACCEPTED_COLUMNS) {
        return Err(format!(
            "{file}:1: expected the columns {}",
            ACCEPTED_COLUMNS.join(", ")
        ));
    }
    let keys: Vec<&'static str> = params::SPECS
        .iter()
        .map(|s| s.key)
        .filter(|k| is_calibrated(k))
        .collect();
    // Each key's index among a row's values.
    let columns = keys
        .iter()
        .map(|k| {
            header
                .iter()
                .skip(ACCEPTED_COLUMNS.len())
                .position(|h| h == *k)
                .ok_or_else(|| format!("{file}:1: no column {k}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut sets = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            format!("{file}:{line}: {e}")
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        // A missing value (an empty field) is None: a mean may be missing, a key's value not.
        let row: AcceptedRow<Option<f64>, Vec<Option<f64>>> = record
            .deserialize(None)
            .map_err(|e| format!("{file}:{line}: expected an accepted.csv row: {e}"))?;
        let set = columns
            .iter()
            .map(|&c| row.values.get(c).copied().flatten())
            .collect::<Option<Vec<f64>>>()
            .ok_or_else(|| format!("{file}:{line}: expected a number for every calibrated key"))?;
        sets.push(set);
    }
    if sets.is_empty() {
        return Err(format!("{file}: no accepted set"));
    }
    Ok(AcceptedSets { keys, sets })
}

/// Every key a scenario may list in `explicit` that `full` would draw: the [`PLAUSIBLE`] keys,
/// then the calibrated ones.
fn uncertain_keys() -> impl Iterator<Item = &'static str> {
    PLAUSIBLE
        .iter()
        .map(|(k, _, _)| *k)
        .chain(accepted().keys.iter().copied())
}

/// The keys `full` draws for `scenario`: every uncertain key it does not set explicitly, in
/// draw order. Empty under `chance`. (Raw or checked: a report reads it of a resolved scenario
/// read back.)
pub fn drawn_keys(scenario: &RawScenario) -> Vec<&'static str> {
    if scenario.simulation.uncertainty.is_chance() {
        return Vec::new();
    }
    uncertain_keys()
        .filter(|k| !scenario.explicit.iter().any(|e| e == k))
        .collect()
}

/// The scenario replicate `seed` runs: `None` under `chance` (the replicate runs `scenario`
/// itself); under `full`, a copy with every key of [`drawn_keys`] drawn from stream [`STREAM`] of
/// the replicate's generator.
///
/// The copy is a checked [`Scenario`] without being checked again: each drawn value lies in its
/// key's range ([`PLAUSIBLE`] within [`params::SPECS`], and the accepted sets were found within
/// them: unit tests), and [`check`], run when `scenario` was checked, made sure no draw breaks
/// the one rule tying a drawn key to another. The size limits are the scenario's as written (a
/// draw of `community.orgs_per_network` is not held to them, as before this type existed).
pub fn draw(scenario: &Scenario, seed: u64) -> Option<Scenario> {
    if scenario.simulation.uncertainty.is_chance() {
        return None;
    }
    let mut rng: Rng = rng::generator(seed);
    rng.set_stream(STREAM);
    // Uniform on [lo, hi]; for a whole-number key, each whole number in [lo, hi] equally likely.
    let mut values: Vec<(&str, f64)> = PLAUSIBLE
        .iter()
        .map(|&(k, lo, hi)| {
            let u = rng::uniform(&mut rng);
            let x = if params::spec(k).is_some_and(|s| s.kind == Kind::Int) {
                (lo + ((hi - lo + 1.0) * u).floor()).min(hi)
            } else {
                lo + (hi - lo) * u
            };
            (k, x)
        })
        .collect();
    let sets = accepted();
    let u = rng::uniform(&mut rng);
    let set = &sets.sets[((u * sets.sets.len() as f64) as usize).min(sets.sets.len() - 1)];
    values.extend(sets.keys.iter().copied().zip(set.iter().copied()));
    let mut drawn = scenario.0.clone();
    for (key, x) in values {
        if scenario.explicit.iter().any(|e| e == key) {
            continue;
        }
        let spec = params::spec(key).expect("a drawn key is a scenario key");
        let whole = spec.kind == Kind::Int;
        let value = params::toml_number(if whole { x.round() } else { x }, whole);
        spec.write(&mut drawn, value).expect("drawn values are typed");
    }
    Some(Scenario(drawn))
}

/// The problems a `full` run of `scenario` could meet: a rule tying a held key to a drawn one
/// that some draw would break (today one: the fitting-in threshold must not exceed the
/// belonging threshold). Empty under `chance`. Returns (dotted key, what was expected).
/// [`RawScenario::check`] calls it once the ranges hold.
pub fn check(scenario: &RawScenario) -> super::Problems {
    let drawn = drawn_keys(scenario);
    let range = |key: &str, value: f64| -> (f64, f64) {
        if !drawn.contains(&key) {
            return (value, value);
        }
        if let Some(r) = plausible(key) {
            return r;
        }
        let sets = accepted();
        let i = sets.keys.iter().position(|k| *k == key).expect("a calibrated key");
        sets.sets
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
                (lo.min(s[i]), hi.max(s[i]))
            })
    };
    let i = &scenario.implementation;
    let fitting = range("implementation.fitting_in_threshold", i.fitting_in_threshold);
    let belonging = range("implementation.belonging_threshold", i.belonging_threshold);
    if fitting.1 <= belonging.0 {
        return Vec::new();
    }
    // Three decimals, rounded the safe way for a bound (down for "at most", up for "at least").
    let round = |x: f64| params::fmt_num(format!("{x:.3}").parse().expect("a number"));
    let down = |x: f64| params::fmt_num((x * 1000.0).floor() / 1000.0);
    let up = |x: f64| params::fmt_num((x * 1000.0).ceil() / 1000.0);
    let drawn_too = |key: &str| drawn.contains(&key);
    let (key, message) = if drawn_too("implementation.belonging_threshold") {
        (
            "implementation.fitting_in_threshold",
            format!(
                "expected at most {} under simulation.uncertainty = \"full\", found {}: the belonging threshold, which must stay at least the fitting-in threshold, is drawn from {} to {}; lower this, or set implementation.belonging_threshold too (it is then held)",
                down(belonging.0),
                round(fitting.1),
                down(belonging.0),
                up(belonging.1)
            ),
        )
    } else {
        (
            "implementation.belonging_threshold",
            format!(
                "expected at least {} under simulation.uncertainty = \"full\", found {}: the fitting-in threshold, which must not exceed the belonging threshold, is drawn from {} to {}; raise this, or set implementation.fitting_in_threshold too (it is then held)",
                up(fitting.1),
                round(belonging.0),
                down(fitting.0),
                up(fitting.1)
            ),
        )
    };
    vec![(key.to_string(), message)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params::SPECS;

    #[test]
    fn every_assumed_key_is_drawn_or_says_why_not() {
        for s in SPECS {
            let assumed = s.source.starts_with("assumed");
            let drawn = plausible(s.key).is_some();
            let excused = NOT_DRAWN.iter().any(|(k, _)| *k == s.key);
            assert!(!(drawn && excused), "{} is both drawn and not drawn", s.key);
            if assumed {
                assert!(drawn || excused, "{} is assumed but has no plausible range", s.key);
            } else {
                assert!(!drawn && !excused, "{} is not assumed ({})", s.key, s.source);
            }
        }
    }

    #[test]
    fn plausible_ranges_hold_the_default_and_lie_within_the_keys_range() {
        let table = toml::Table::try_from(RawScenario::default()).unwrap();
        for &(key, lo, hi) in PLAUSIBLE {
            let s = params::spec(key).unwrap();
            assert!(lo < hi && lo >= s.min && hi <= s.max, "{key}: [{lo}, {hi}]");
            let v = params::lookup(&table, key).unwrap();
            let x = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap();
            assert!((lo..=hi).contains(&x), "{key}: default {x} outside [{lo}, {hi}]");
        }
    }

    #[test]
    fn a_malformed_accepted_csv_is_named_by_file_and_line() {
        let mut lines = ACCEPTED_CSV.lines();
        let header = lines.next().unwrap();
        let first = lines.next().unwrap();
        // A calibrated key's value missing (an empty field) on the second line.
        let key = header.split(',').position(is_calibrated).unwrap();
        let blank: Vec<&str> = first
            .split(',')
            .enumerate()
            .map(|(i, f)| if i == key { "" } else { f })
            .collect();
        let e = parse_accepted("a.csv", &format!("{header}\n{}\n", blank.join(","))).unwrap_err();
        assert!(e.starts_with("a.csv:2: "), "{e}");
        let e = parse_accepted("a.csv", &format!("{header}\n{first}\nx,1,2\n")).unwrap_err();
        assert!(e.starts_with("a.csv:3: "), "{e}");
        let e = parse_accepted("a.csv", &header.replace("distance", "d")).unwrap_err();
        assert!(e.starts_with("a.csv:1: "), "{e}");
        // A missing mean is read (as the writer leaves it), not refused.
        let last = first.rsplit_once(',').unwrap().0;
        assert!(parse_accepted("a.csv", &format!("{header}\n{last},\n")).is_ok());
    }

    #[test]
    fn the_accepted_sets_hold_the_chosen_constants() {
        let sets = accepted();
        assert_eq!(sets.keys.len(), 7);
        assert_eq!(sets.sets.len(), 15);
        // The defaults are the chosen set, to the 3 significant figures chosen.toml writes.
        let table = toml::Table::try_from(RawScenario::default()).unwrap();
        let defaults: Vec<f64> = sets
            .keys
            .iter()
            .map(|k| params::lookup(&table, k).unwrap().as_float().unwrap())
            .collect();
        let three = |x: f64| format!("{x:.2e}").parse::<f64>().unwrap();
        let matching = sets
            .sets
            .iter()
            .filter(|s| s.iter().zip(&defaults).all(|(a, d)| three(*a) == three(*d)))
            .count();
        assert_eq!(matching, 1);
    }

    fn full() -> RawScenario {
        let mut s = RawScenario::default();
        s.simulation.uncertainty = Uncertainty::Full;
        s
    }

    #[test]
    fn draws_are_reproducible_differ_by_seed_and_stay_in_range() {
        let s = full().check().unwrap();
        let a = draw(&s, 7).unwrap();
        assert_eq!(Some(a.clone()), draw(&s, 7));
        assert_ne!(Some(a.clone()), draw(&s, 8));
        assert!(crate::scenario::params::check(&a).is_empty());
        assert_eq!(draw(&Scenario::default(), 7), None);
        let table = toml::Table::try_from(&a).unwrap();
        for &(key, lo, hi) in PLAUSIBLE {
            let v = params::lookup(&table, key).unwrap();
            let x = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap();
            assert!((lo..=hi).contains(&x), "{key}: {x}");
        }
        let set: Vec<f64> = accepted()
            .keys
            .iter()
            .map(|k| params::lookup(&table, k).unwrap().as_float().unwrap())
            .collect();
        assert!(accepted().sets.contains(&set));
    }

    #[test]
    fn explicit_keys_hold_and_the_rest_draw_the_same_values() {
        let free = full();
        let mut held = full();
        held.patients.uptake_prob = 0.5;
        held.explicit = vec!["patients.uptake_prob".into()];
        let (free, held) = (free.check().unwrap(), held.check().unwrap());
        let (a, b) = (draw(&free, 3).unwrap(), draw(&held, 3).unwrap());
        assert_eq!(b.patients.uptake_prob, 0.5);
        assert_ne!(a.patients.uptake_prob, 0.5);
        // Holding one key shifts no other draw: replicate r pairs across scenarios.
        assert_eq!(a.patients.attend_prob, b.patients.attend_prob);
        assert_eq!(a.implementation.rate_action, b.implementation.rate_action);
        assert!(!drawn_keys(&held).contains(&"patients.uptake_prob"));
        assert_eq!(drawn_keys(&free).len(), PLAUSIBLE.len() + 7);
    }

    #[test]
    fn whole_number_keys_take_each_whole_number_equally_often() {
        let s = full().check().unwrap();
        let mut counts = [0u32; 3];
        for seed in 0..3000 {
            let d = draw(&s, seed).unwrap();
            counts[(d.patients.contact_interval_weeks - 1) as usize] += 1;
        }
        for c in counts {
            assert!((900..1100).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn a_multi_line_description_is_not_taken_for_keys() {
        let mut s = full();
        s.description = "line one\npatients.uptake_prob = 0.5\n[patients]\nengage_prob = 3".into();
        let text = s.to_toml();
        assert!(text.contains("\nengage_prob = 3"), "{text}");
        assert!(text.contains("# drawn: engage_prob = 0.804"), "{text}");
        let back: RawScenario = toml::from_str(&text).unwrap();
        assert_eq!(back.description, s.description);
    }

    #[test]
    fn a_held_fitting_in_threshold_above_the_drawn_belonging_threshold_is_refused() {
        let mut s = full();
        s.implementation.fitting_in_threshold = 0.45;
        s.explicit = vec!["implementation.fitting_in_threshold".into()];
        let (key, message) = check(&s).remove(0);
        assert_eq!(key, "implementation.fitting_in_threshold");
        assert!(message.starts_with("expected at most 0.438 under"), "{message}");
        // A held belonging threshold below the fitting-in thresholds drawn: that key is named.
        let mut b = full();
        b.implementation.belonging_threshold = 0.36;
        b.explicit = vec!["implementation.belonging_threshold".into()];
        let (key, message) = check(&b).remove(0);
        assert_eq!(key, "implementation.belonging_threshold");
        assert!(message.starts_with("expected at least 0.4 under"), "{message}");
        s.simulation.uncertainty = Uncertainty::Chance;
        assert!(check(&s).is_empty());
        assert!(check(&full()).is_empty());
    }
}
