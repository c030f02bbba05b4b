//! The question `lwsim seek` is asked: the lever (a numeric scenario key) and the goal
//! (`MEASURE >= X` or `MEASURE <= X` on a summary.json figure's mean).

use std::fmt;

use crate::error::InputError;
use crate::scenario::params::{self, Kind};
use crate::summary::{HEADLINE_NAMES, headline_index};

/// The goal's comparison: `>=` or `<=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`: the mean must be at least the target.
    AtLeast,
    /// `<=`: the mean must be at most the target.
    AtMost,
}

impl Op {
    /// The operator as written in a goal: `">="` or `"<="`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
        }
    }
}

/// A goal on the mean of a headline figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// The summary.json figure, e.g. `integration_rate_24m`.
    pub measure: String,
    /// The measure's index in [`HEADLINE_NAMES`].
    pub index: usize,
    /// `>=` or `<=`.
    pub op: Op,
    /// The goal's X, in the measure's units (finite).
    pub target: f64,
}

impl Goal {
    /// +1 for `>=`, -1 for `<=`: the goal holds where sense * (mean - target) >= 0.
    pub fn sense(&self) -> f64 {
        match self.op {
            Op::AtLeast => 1.0,
            Op::AtMost => -1.0,
        }
    }
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.measure, self.op.as_str(), self.target)
    }
}

/// The key `lwsim seek` turns, with its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The scenario key, e.g. `funding.annual_cut`.
    pub key: String,
    /// Does the key take whole numbers only?
    pub integer: bool,
    /// The lowest value the key takes, in its units (`lwsim keys`).
    pub min: f64,
    /// The highest value the key takes, in its units (`lwsim keys`).
    pub max: f64,
}

/// Keys that set how lwsim runs, not the programme: not levers.
const NOT_LEVERS: [&str; 3] = params::RUN_KEYS;

/// Check `--lever`: a numeric scenario key that changes the programme.
///
/// # Errors
///
/// An [`InputError`] at `--lever` for an unknown key (with the nearest numeric key, if one is
/// close), a key that takes text, or a key that sets how lwsim runs (seed, replicates, detail).
pub fn lever(key: &str) -> Result<Lever, InputError> {
    let at = |message: String| InputError::at("--lever", Some(key), message);
    let Some(spec) = params::spec(key) else {
        let numeric = params::SPECS
            .iter()
            .filter(|s| s.kind != Kind::Text && !NOT_LEVERS.contains(&s.key))
            .map(|s| s.key);
        let hint = params::did_you_mean(&params::suggest(key, numeric, 0.8), "no numeric key is close to it");
        return Err(at(format!(
            "unknown scenario key; {hint} (`lwsim keys` lists them all)"
        )));
    };
    if spec.kind == Kind::Text {
        return Err(at(
            "not a numeric key (it takes text); a lever must take a number".into()
        ));
    }
    if NOT_LEVERS.contains(&key) {
        return Err(at(
            "not a lever: it sets how lwsim runs, not the programme (use --seed or --replicates)".into(),
        ));
    }
    Ok(Lever {
        key: key.to_string(),
        integer: spec.kind == Kind::Int,
        min: spec.min,
        max: spec.max,
    })
}

/// Parse `--goal 'MEASURE >= X'` (or `<=`; spaces optional).
///
/// # Errors
///
/// An [`InputError`] at `--goal` when there is not exactly one `>=` or `<=` with text on both
/// sides, when the measure is not a summary.json figure (with the nearest name), or when X is
/// not a finite number.
pub fn parse(text: &str) -> Result<Goal, InputError> {
    let at = |message: String| InputError::at("--goal", None, message);
    let malformed = || {
        at(format!(
            "expected 'MEASURE >= X' or 'MEASURE <= X' (a summary.json figure and a number), found {text:?}"
        ))
    };
    let (measure, op, target) = match (text.split_once(">="), text.split_once("<=")) {
        (Some((m, t)), None) => (m, Op::AtLeast, t),
        (None, Some((m, t))) => (m, Op::AtMost, t),
        _ => return Err(malformed()),
    };
    let (measure, target) = (measure.trim(), target.trim());
    if measure.is_empty() || target.is_empty() || target.contains(['<', '>', '=']) {
        return Err(malformed());
    }
    let Some(index) = headline_index(measure) else {
        let hint = params::did_you_mean(&params::suggest(measure, HEADLINE_NAMES.iter().copied(), 0.8), "");
        return Err(at(format!(
            "unknown measure `{measure}`; {hint} (the figures of summary.json: {})",
            HEADLINE_NAMES.join(", ")
        )));
    };
    let target: f64 = match target.parse::<f64>() {
        Ok(x) if x.is_finite() => x,
        _ => {
            return Err(at(format!(
                "expected a number after `{}`, found {target:?}",
                op.as_str()
            )));
        }
    };
    Ok(Goal {
        measure: measure.to_string(),
        index,
        op,
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_with_or_without_spaces() {
        let g = parse("integration_rate_24m >= 0.3").unwrap();
        assert_eq!(
            (g.measure.as_str(), g.op, g.target),
            ("integration_rate_24m", Op::AtLeast, 0.3)
        );
        assert_eq!(g.to_string(), "integration_rate_24m >= 0.3");
        let g = parse("lw_turnover_per_year<=.15").unwrap();
        assert_eq!((g.op, g.target, g.sense()), (Op::AtMost, 0.15, -1.0));
    }

    #[test]
    fn malformed_goals_say_what_was_expected() {
        for bad in [
            "integration_rate_24m > 0.3",
            "integration_rate_24m",
            ">= 0.3",
            "a >= 1 <= 2",
            "x == 1",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("expected 'MEASURE >= X'"), "{bad}: {e}");
        }
        let e = parse("integration_rate >= 0.3").unwrap_err().to_string();
        assert!(
            e.contains("unknown measure `integration_rate`; did you mean `integration_rate_24m`"),
            "{e}"
        );
        let e = parse("share_connected >= lots").unwrap_err().to_string();
        assert!(e.contains("expected a number after `>=`, found \"lots\""), "{e}");
        assert!(parse("share_connected >= nan").is_err());
    }

    #[test]
    fn levers_are_numeric_keys_that_change_the_programme() {
        let l = lever("link_workers.caseload_cap").unwrap();
        assert!(l.integer && l.min == 1.0 && l.max == 1000.0);
        assert!(!lever("funding.annual_cut").unwrap().integer);
        let e = lever("funding.anual_cut").unwrap_err().to_string();
        assert!(
            e.contains("unknown scenario key; did you mean `funding.annual_cut`"),
            "{e}"
        );
        assert!(lever("name").unwrap_err().to_string().contains("not a numeric key"));
        assert!(
            lever("simulation.seed")
                .unwrap_err()
                .to_string()
                .contains("not a lever")
        );
    }
}
