//! Targets: the patterns of the literature a scenario must reproduce (calibration/targets.toml),
//! and `lwsim targets`, which checks a scenario against them and writes docs/VALIDATION.md.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::error::InputError;
use crate::scenario::Scenario;
use crate::scenario::load::{parse_toml, read_text};
use crate::summary::{self, HEADLINE_NAMES};

/// One pattern to reproduce.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// What the pattern is, as docs/VALIDATION.md names it ("integration at 24 months").
    pub name: String,
    /// The summary.json headline figure it is checked on (one of `summary::HEADLINE_NAMES`),
    /// in that figure's unit (a share 0 to 1, a count per year, pounds).
    pub outcome: String,
    /// A point target: the value the literature observed, in the outcome's unit; with
    /// `tolerance`.
    #[serde(default)]
    pub observed: Option<f64>,
    /// How far from `observed` the model's mean may be and still pass, in the outcome's unit
    /// (positive).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// A range target: the lowest mean that passes (alone: "at least").
    #[serde(default)]
    pub lower: Option<f64>,
    /// A range target: the highest mean that passes (alone: "at most"); at least `lower`.
    #[serde(default)]
    pub upper: Option<f64>,
    /// Where the pattern comes from (the citation docs/VALIDATION.md prints).
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Vec<Target>,
}

impl Target {
    /// The target's outcome across replicates.
    pub fn model_stats(&self, replicates: &[crate::run::Replicate]) -> Option<summary::Stats> {
        summary::headline_index(&self.outcome).and_then(|i| summary::headline_stats(replicates, i))
    }

    /// Does a model mean meet the target?
    pub fn passes(&self, mean: f64) -> bool {
        if !mean.is_finite() {
            return false;
        }
        match (self.observed, self.tolerance) {
            (Some(o), Some(t)) => (mean - o).abs() <= t,
            _ => self.lower.is_none_or(|l| mean >= l) && self.upper.is_none_or(|u| mean <= u),
        }
    }

    /// Squared distance in units of the tolerance (point targets) or of a tenth of the bound
    /// (bounds; zero inside them).
    pub fn distance(&self, mean: f64) -> f64 {
        if !mean.is_finite() {
            return 1e6;
        }
        match (self.observed, self.tolerance) {
            (Some(o), Some(t)) => ((mean - o) / t).powi(2),
            _ => {
                let below = self
                    .lower
                    .map_or(0.0, |l| ((l - mean) / (0.1 * l.abs().max(1e-9))).max(0.0));
                let above = self
                    .upper
                    .map_or(0.0, |u| ((mean - u) / (0.1 * u.abs().max(1e-9))).max(0.0));
                below.powi(2) + above.powi(2)
            }
        }
    }

    /// "0.4286 ± 0.05", "100 to 250", "at most 0.29".
    pub fn describe(&self) -> (String, String) {
        match (self.observed, self.tolerance, self.lower, self.upper) {
            (Some(o), Some(t), _, _) => (format!("{o}"), format!("± {t}")),
            (_, _, Some(l), Some(u)) => (format!("{l} to {u}"), "within".into()),
            (_, _, Some(l), None) => (format!("at least {l}"), "within".into()),
            (_, _, None, Some(u)) => (format!("at most {u}"), "within".into()),
            _ => ("-".into(), "-".into()),
        }
    }
}

/// Read and check a targets file (`[[target]]` tables, e.g. calibration/targets.toml), in the
/// file's order.
///
/// # Errors
/// The file unreadable or not TOML, an unknown field, an outcome that is not a headline figure,
/// a number that is not finite, `upper` below `lower`, or a target that is neither a point
/// (`observed` with a positive `tolerance`) nor a range (`lower`, `upper`): each with the file
/// and the field (exit 2).
pub fn read_targets(path: &Path) -> Result<Vec<Target>, InputError> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let parsed: TargetsFile = parse_toml(&file, &text)?;
    for t in &parsed.target {
        if !HEADLINE_NAMES.contains(&t.outcome.as_str()) {
            return Err(InputError::at(
                &file,
                Some("outcome"),
                format!("target `{}`: unknown outcome `{}`", t.name, t.outcome),
            ));
        }
        for (field, value) in [
            ("observed", t.observed),
            ("tolerance", t.tolerance),
            ("lower", t.lower),
            ("upper", t.upper),
        ] {
            if let Some(x) = value.filter(|x| !x.is_finite()) {
                return Err(InputError::at(
                    &file,
                    Some(field),
                    format!("target `{}`: expected a finite number, found {x}", t.name),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (t.lower, t.upper)
            && lo > hi
        {
            return Err(InputError::at(
                &file,
                Some("upper"),
                format!("target `{}`: expected upper at least lower ({lo}), found {hi}", t.name),
            ));
        }
        let point = t.observed.is_some() && t.tolerance.is_some_and(|x| x > 0.0);
        if !point && t.lower.is_none() && t.upper.is_none() {
            return Err(InputError::at(
                &file,
                Some("target"),
                format!(
                    "target `{}`: expected `observed` with a positive `tolerance`, or `lower`/`upper`",
                    t.name
                ),
            ));
        }
    }
    Ok(parsed.target)
}

/// Round to `digits` significant digits.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// `lwsim targets`: the scenario's headline figures against every target, as a Markdown table
/// (docs/VALIDATION.md's), and the names of the targets that fail (empty when all pass).
pub fn targets_table(
    scenario: &Scenario,
    targets: &[Target],
    replicates: &[crate::run::Replicate],
    command: &str,
) -> (String, Vec<String>) {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Generated by `{command}` ({} replicates, seed {}).\n",
        replicates.len(),
        scenario.simulation.seed
    );
    md.push_str("| target | source | observed | tolerance | model mean | model 90% interval | pass |\n|---|---|---|---|---|---|---|\n");
    let mut failed = Vec::new();
    for t in targets {
        let s = t.model_stats(replicates);
        let mean = s.map_or(f64::NAN, |s| s.mean);
        let pass = t.passes(mean);
        if !pass {
            failed.push(t.name.clone());
        }
        let (obs, tol) = t.describe();
        let interval = s.map_or("-".into(), |s| {
            format!("{} to {}", round_sig(s.p05, 3), round_sig(s.p95, 3))
        });
        let _ = writeln!(
            md,
            "| {} (`{}`) | {} | {obs} | {tol} | {} | {interval} | {} |",
            t.name,
            t.outcome,
            t.source,
            round_sig(mean, 3),
            if pass { "pass" } else { "**FAIL**" }
        );
    }
    (md, failed)
}

/// The text about what the model cannot claim, kept beside the targets and appended to the table.
const LIMITS: &str = include_str!("../../calibration/LIMITS.md");

/// docs/VALIDATION.md: the targets table and what the model cannot claim; and the names of the
/// targets that fail (empty when all pass), for `lwsim targets`' exit status 3.
pub fn validation_doc(
    scenario: &Scenario,
    targets: &[Target],
    replicates: &[crate::run::Replicate],
    command: &str,
) -> (String, Vec<String>) {
    let (table, failed) = targets_table(scenario, targets, replicates, command);
    let all = failed.is_empty();
    let mut doc = String::from(
        "# Validation: the Deep End baseline against the literature

",
    );
    doc.push_str(
        "Every pattern of MODEL.md section 1 that has a number, with its source, the observed value, the
model's mean and 90% interval across replicates, the tolerance, and whether the model's mean is
within it. The targets and their sources are in `calibration/targets.toml`; this file is written
by the command below and a test fails when it is out of date.

",
    );
    doc.push_str(&table);
    let _ = writeln!(
        doc,
        "
{}
",
        if all {
            "Every target passes."
        } else {
            "**Not every target passes.**"
        }
    );
    doc.push_str(LIMITS);
    (doc, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point() -> Target {
        Target {
            name: "x".into(),
            outcome: "integration_rate_24m".into(),
            observed: Some(0.43),
            tolerance: Some(0.05),
            lower: None,
            upper: None,
            source: "s".into(),
        }
    }

    #[test]
    fn targets_pass_and_measure_distance() {
        let t = point();
        assert!(t.passes(0.45) && !t.passes(0.5) && !t.passes(f64::NAN));
        assert!((t.distance(0.53) - 4.0).abs() < 1e-9);
        let b = Target {
            observed: None,
            tolerance: None,
            lower: Some(100.0),
            upper: Some(250.0),
            ..point()
        };
        assert!(b.passes(150.0) && !b.passes(90.0) && !b.passes(260.0));
        assert_eq!(b.distance(150.0), 0.0);
        assert!((b.distance(90.0) - 1.0).abs() < 1e-9);
        let u = Target {
            observed: None,
            tolerance: None,
            lower: None,
            upper: Some(0.29),
            ..point()
        };
        assert!(u.passes(0.1) && !u.passes(0.3));
        assert_eq!(round_sig(0.0123456, 3), 0.0123);
        assert_eq!(round_sig(123456.0, 3), 123000.0);
    }

    #[test]
    fn the_shipped_targets_read() {
        let t = read_targets(&Path::new(env!("CARGO_MANIFEST_DIR")).join("calibration/targets.toml")).unwrap();
        assert!(t.len() >= 6);
        assert!(t.iter().all(|t| !t.source.is_empty()));
    }
}
