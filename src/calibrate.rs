//! Calibration and validation against the literature's targets.
//!
//! `lwsim calibrate CONFIG.toml` runs a sweep (the sweep runner: parallel, streamed, resumable),
//! measures each point's distance to the targets, accepts the nearest points (approximate
//! Bayesian computation by rejection, with the acceptance set by a quantile) and chooses each
//! constant's value as the median of the accepted sets. `lwsim targets SCENARIO` checks a scenario
//! against the targets and writes the table of docs/VALIDATION.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, InputError};
use crate::output::Batch;
use crate::scenario::Scenario;
use crate::scenario::load::{clean_message, location, read_text};
use crate::summary::{self, HEADLINE_NAMES};
use crate::sweep::{self, run::Shard};

/// One pattern to reproduce.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    pub outcome: String,
    #[serde(default)]
    pub observed: Option<f64>,
    #[serde(default)]
    pub tolerance: Option<f64>,
    #[serde(default)]
    pub lower: Option<f64>,
    #[serde(default)]
    pub upper: Option<f64>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Vec<Target>,
}

impl Target {
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

/// Read and check a targets file.
pub fn read_targets(path: &Path) -> Result<Vec<Target>, InputError> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let parsed: TargetsFile = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(file.clone(), |s| location(&file, &text, s.start));
        InputError::at(&at, None, clean_message(e.message()))
    })?;
    for t in &parsed.target {
        if !HEADLINE_NAMES.contains(&t.outcome.as_str()) {
            return Err(InputError::at(
                &file,
                Some("outcome"),
                format!("target `{}`: unknown outcome `{}`", t.name, t.outcome),
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    sweep: String,
    targets: String,
    accept: usize,
    /// Replicates to re-run each accepted point with; the nearest then is chosen. 0: choose
    /// each constant's median over the accepted sets instead.
    #[serde(default)]
    refine: u32,
}

/// Run a calibration: the sweep, then acceptance and the chosen values.
pub fn calibrate(
    config: &Path,
    out: Option<PathBuf>,
    threads: usize,
    resume: bool,
    force: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<PathBuf, Error> {
    let text = read_text(config)?;
    let file = config.display().to_string();
    let cfg: ConfigFile = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(file.clone(), |s| location(&file, &text, s.start));
        InputError::at(&at, None, clean_message(e.message()))
    })?;
    let dir = config.parent().unwrap_or(Path::new("."));
    let sweep = sweep::spec::read(&dir.join(&cfg.sweep))?;
    let targets = read_targets(&dir.join(&cfg.targets))?;
    for t in &targets {
        if !sweep.outcomes.contains(&t.outcome) {
            return Err(InputError::at(
                &file,
                Some("targets"),
                format!(
                    "target `{}` needs outcome `{}`, which the sweep does not report",
                    t.name, t.outcome
                ),
            )
            .into());
        }
    }
    if cfg.accept == 0 || cfg.accept > sweep.points.len() {
        return Err(InputError::at(
            &file,
            Some("accept"),
            format!(
                "expected 1 to {} (the sweep's points), found {}",
                sweep.points.len(),
                cfg.accept
            ),
        )
        .into());
    }
    let out = out.unwrap_or_else(|| PathBuf::from("output").join(&sweep.name));
    sweep::run::run(
        &sweep,
        &sweep::run::Options {
            out: &out,
            threads,
            resume,
            force,
            shard: Shard::WHOLE,
            progress,
        },
    )?;
    let means = read_point_means(&out, &sweep.outcomes)?;
    // Rank points by distance to the targets; ties by point index (stable sort).
    let distance: Vec<f64> = (0..sweep.points.len())
        .map(|p| {
            targets
                .iter()
                .map(|t| t.distance(means[outcome_index(&sweep.outcomes, &t.outcome)][p]))
                .sum()
        })
        .collect();
    let mut order: Vec<usize> = (0..sweep.points.len()).collect();
    order.sort_by(|a, b| distance[*a].total_cmp(&distance[*b]));
    let accepted = &order[..cfg.accept];

    let mut csv = format!(
        "rank,point,distance,{},{}\n",
        sweep.keys.join(","),
        sweep.outcomes.join(",")
    );
    for (rank, &p) in accepted.iter().enumerate() {
        let _ = write!(csv, "{},{p},{}", rank + 1, distance[p]);
        for v in &sweep.points[p] {
            let _ = write!(csv, ",{v}");
        }
        for m in &means {
            let _ = write!(csv, ",{}", m[p]);
        }
        csv.push('\n');
    }
    // Refinement: each accepted point again with more replicates; the nearest is chosen.
    let mut refined = String::from("rank,point,distance_refined\n");
    let chosen_point = if cfg.refine > 0 {
        let mut best = (f64::INFINITY, accepted[0]);
        for (rank, &p) in accepted.iter().enumerate() {
            let mut scenario = sweep.point_scenario(p);
            scenario.simulation.replicates = cfg.refine;
            let reps = crate::run::run_all(&scenario, threads, &|| {});
            let d: f64 = targets
                .iter()
                .map(|t| {
                    let i = HEADLINE_NAMES.iter().position(|n| *n == t.outcome).expect("checked");
                    let vals: Vec<f64> = reps.iter().map(|r| r.headline.values()[i]).collect();
                    t.distance(summary::stats(&vals).map_or(f64::NAN, |s| s.mean))
                })
                .sum();
            let _ = writeln!(refined, "{},{p},{d}", rank + 1);
            if d < best.0 {
                best = (d, p);
            }
        }
        Some(best.1)
    } else {
        None
    };
    // Chosen values, to 3 significant digits: the refined nearest point's, or each constant's
    // median over the accepted sets.
    let mut chosen = match chosen_point {
        Some(p) => format!(
            "# Chosen by `lwsim calibrate`: accepted point {p}, nearest to the targets when re-run with {} replicates.\n",
            cfg.refine
        ),
        None => String::from(
            "# Chosen by `lwsim calibrate`: the median of each constant over the accepted parameter sets.\n",
        ),
    };
    for (j, key) in sweep.keys.iter().enumerate() {
        let mut v: Vec<f64> = accepted.iter().map(|&p| sweep.points[p][j]).collect();
        v.sort_by(f64::total_cmp);
        let value = chosen_point.map_or_else(|| summary::quantile(&v, 0.5), |p| sweep.points[p][j]);
        let rounded = if sweep.integer[j] {
            value.round()
        } else {
            round_sig(value, 3)
        };
        let (lo, hi) = (summary::quantile(&v, 0.05), summary::quantile(&v, 0.95));
        let _ = writeln!(
            chosen,
            "{key} = {rounded}    # accepted 90% range {} to {}",
            round_sig(lo, 3),
            round_sig(hi, 3)
        );
    }
    let mut fit = String::from(
        "target,outcome,observed,tolerance_or_bound,best_point_mean,accepted_mean,accepted_p05,accepted_p95,source\n",
    );
    for t in &targets {
        let o = outcome_index(&sweep.outcomes, &t.outcome);
        let vals: Vec<f64> = accepted.iter().map(|&p| means[o][p]).collect();
        let s = summary::stats(&vals);
        let (obs, tol) = t.describe();
        let _ = writeln!(
            fit,
            "{:?},{},{:?},{:?},{},{},{},{},{:?}",
            t.name,
            t.outcome,
            obs,
            tol,
            means[o][accepted[0]],
            s.map_or(f64::NAN, |s| s.mean),
            s.map_or(f64::NAN, |s| s.p05),
            s.map_or(f64::NAN, |s| s.p95),
            t.source
        );
    }
    let mut batch = Batch::default();
    batch.stage(out.join("accepted.csv"), csv.as_bytes())?;
    batch.stage(out.join("fit.csv"), fit.as_bytes())?;
    batch.stage(out.join("chosen.toml"), chosen.as_bytes())?;
    if cfg.refine > 0 {
        batch.stage(out.join("refined.csv"), refined.as_bytes())?;
    }
    batch.commit()?;
    Ok(out)
}

fn outcome_index(outcomes: &[String], name: &str) -> usize {
    outcomes
        .iter()
        .position(|o| o == name)
        .expect("checked against the sweep's outcomes")
}

/// Round to `digits` significant digits.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Each outcome's per-point mean, `[outcome][point]`, from points.csv.
fn read_point_means(dir: &Path, outcomes: &[String]) -> Result<Vec<Vec<f64>>, Error> {
    let path = dir.join("points.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let cols: Vec<usize> = outcomes
        .iter()
        .map(|o| {
            header.iter().position(|h| *h == format!("{o}_mean")).ok_or_else(|| {
                Error::from(InputError::at(
                    &path.display().to_string(),
                    None,
                    format!("no column {o}_mean"),
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let mut means = vec![Vec::new(); outcomes.len()];
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        for (o, &c) in cols.iter().enumerate() {
            means[o].push(fields.get(c).and_then(|f| f.parse().ok()).unwrap_or(f64::NAN));
        }
    }
    Ok(means)
}

/// `lwsim targets`: the scenario's headline figures against every target, as a Markdown table
/// (docs/VALIDATION.md's), and whether every target passes.
pub fn targets_table(
    scenario: &Scenario,
    targets: &[Target],
    replicates: &[crate::run::Replicate],
    command: &str,
) -> (String, bool) {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Generated by `{command}` ({} replicates, seed {}).\n",
        replicates.len(),
        scenario.simulation.seed
    );
    md.push_str("| target | source | observed | tolerance | model mean | model 90% interval | pass |\n|---|---|---|---|---|---|---|\n");
    let mut all = true;
    for t in targets {
        let i = HEADLINE_NAMES.iter().position(|n| *n == t.outcome).expect("checked");
        let vals: Vec<f64> = replicates.iter().map(|r| r.headline.values()[i]).collect();
        let s = summary::stats(&vals);
        let mean = s.map_or(f64::NAN, |s| s.mean);
        let pass = t.passes(mean);
        all &= pass;
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
    (md, all)
}

/// The text about what the model cannot claim, kept beside the targets and appended to the table.
const LIMITS: &str = include_str!("../calibration/LIMITS.md");

/// docs/VALIDATION.md: the targets table and what the model cannot claim.
pub fn validation_doc(
    scenario: &Scenario,
    targets: &[Target],
    replicates: &[crate::run::Replicate],
    command: &str,
) -> String {
    let (table, all) = targets_table(scenario, targets, replicates, command);
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
    doc
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
