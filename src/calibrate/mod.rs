//! Calibration and validation against the literature's targets.
//!
//! `lwsim calibrate CONFIG.toml` runs a sweep (the sweep runner: parallel, streamed, resumable),
//! measures each point's distance to the targets, accepts the nearest points (approximate
//! Bayesian computation by rejection, with the acceptance set by a quantile) and chooses the
//! constants by one rule: the accepted point nearest to the targets, re-run with `refine`
//! replicates first when `refine` > 0 (so that chance does not pick the winner). chosen.toml
//! gives each constant's value with the range of the accepted sets, which always contains it.
//! `targets.rs`: the targets, and
//! `lwsim targets`, which writes docs/VALIDATION.md.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod targets;

pub use targets::{Target, read_targets, round_sig, targets_table, validation_doc};

use crate::error::{Error, InputError};
use crate::output::{Batch, csv_bytes, number};
use crate::scenario::load::{parse_toml, read_text};
use crate::scenario::uncertain::{ACCEPTED_COLUMNS, AcceptedRow};
use crate::summary;
use crate::sweep::files::{Keys, Num, csv_with_header};
use crate::sweep::{self, run::Shard};

/// Most replicates `refine` may ask for at each accepted point: a scenario's most replicates
/// (`simulation.replicates`' maximum in `SPECS`; a unit test keeps them equal).
pub const MAX_REFINE: u32 = 1_000_000;

/// One row of refined.csv: an accepted point's distance when re-run with `refine` replicates.
#[derive(Serialize)]
struct RefinedRow {
    rank: usize,
    point: usize,
    #[serde(serialize_with = "number::serialize")]
    distance_refined: f64,
}

/// One row of fit.csv: a target against the chosen point and the accepted sets.
#[derive(Serialize)]
struct FitRow<'a> {
    target: &'a str,
    outcome: &'a str,
    observed: String,
    tolerance_or_bound: String,
    #[serde(serialize_with = "number::serialize")]
    chosen_point_mean: f64,
    #[serde(serialize_with = "number::serialize")]
    accepted_mean: f64,
    #[serde(serialize_with = "number::serialize")]
    accepted_p05: f64,
    #[serde(serialize_with = "number::serialize")]
    accepted_p95: f64,
    source: &'a str,
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

/// Run a calibration: the sweep (into `out`, default `output/<sweep name>/`, through the sweep
/// runner with `threads` threads, 0 for all cores; `resume` and `force` as `lwsim sweep`'s), then
/// acceptance and the chosen values. `progress(done, total)` counts sweep points. Returns the
/// results directory, which holds chosen.toml, accepted.csv, fit.csv and (with `refine`)
/// refined.csv beside the sweep's files.
///
/// # Errors
/// Bad input (exit 2): the calibration file, its sweep or targets file, a target whose outcome
/// the sweep does not report, `refine` or `accept` out of range, a directory holding other
/// results; the sweep's own errors (an interruption: 130, 143); a file that cannot be written
/// (exit 1).
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
    let cfg: ConfigFile = parse_toml(&file, &text)?;
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
    let months = u64::from(crate::summary::months(sweep.base.simulation.weeks)) + 1;
    if cfg.refine > MAX_REFINE || u64::from(cfg.refine) * months > crate::scenario::params::MAX_REPLICATE_MONTHS {
        return Err(InputError::at(
            &file,
            Some("refine"),
            format!(
                "expected 0 to {} replicates (at most {} replicate-months in memory), found {}",
                MAX_REFINE.min((crate::scenario::params::MAX_REPLICATE_MONTHS / months) as u32),
                crate::scenario::params::MAX_REPLICATE_MONTHS,
                cfg.refine
            ),
        )
        .into());
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
    let means = sweep::run::run_for_means(
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
    let means = means.mean;
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

    let columns = ACCEPTED_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(sweep.keys.iter().cloned())
        .chain(sweep.outcomes.iter().cloned());
    let csv = csv_with_header(
        columns,
        accepted.iter().enumerate().map(|(rank, &p)| AcceptedRow {
            rank: rank + 1,
            point: p,
            distance: Num(distance[p]),
            values: (Keys::of(&sweep, p), means.iter().map(|m| Num(m[p])).collect::<Vec<_>>()),
        }),
    );
    // Refinement: each accepted point again with more replicates; the nearest is chosen.
    let mut refined = Vec::new();
    let chosen_point = if cfg.refine > 0 {
        let mut best = (f64::INFINITY, accepted[0]);
        for (rank, &p) in accepted.iter().enumerate() {
            let point = sweep.point_scenario(p);
            let scenario = point
                .with_run(point.simulation.seed, cfg.refine, 0)
                .expect("refine was checked: 1 to MAX_REFINE replicates");
            let reps = crate::run::run_all(&scenario, threads, &|| {})?;
            let d: f64 = targets
                .iter()
                .map(|t| t.distance(t.model_stats(&reps).map_or(f64::NAN, |s| s.mean)))
                .sum();
            refined.push(RefinedRow {
                rank: rank + 1,
                point: p,
                distance_refined: d,
            });
            if d < best.0 {
                best = (d, p);
            }
        }
        Some(best.1)
    } else {
        Some(accepted[0])
    };
    // Chosen values, to 3 significant digits: the nearest accepted point's (after refinement).
    let chosen_point = chosen_point.expect("at least one point is accepted");
    let how = if cfg.refine > 0 {
        format!("when each accepted point was re-run with {} replicates", cfg.refine)
    } else {
        "in the sweep (refine = 0)".to_string()
    };
    let mut chosen = format!(
        "# Chosen by `lwsim calibrate`: accepted point {chosen_point}, the nearest to the targets {how}.\n\
         # Beside each value: the range it takes over the {} accepted sets (the spread the targets leave).\n",
        accepted.len()
    );
    for (j, key) in sweep.keys.iter().enumerate() {
        let round = |x: f64| if sweep.integer[j] { x.round() } else { round_sig(x, 3) };
        let v: Vec<f64> = accepted.iter().map(|&p| sweep.points[p][j]).collect();
        let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
        let _ = writeln!(
            chosen,
            "{key} = {}    # accepted {} to {}",
            round(sweep.points[chosen_point][j]),
            round(lo),
            round(hi)
        );
    }
    let fit: Vec<FitRow> = targets
        .iter()
        .map(|t| {
            let o = outcome_index(&sweep.outcomes, &t.outcome);
            let vals: Vec<f64> = accepted.iter().map(|&p| means[o][p]).collect();
            let s = summary::stats(&vals);
            let (observed, tolerance_or_bound) = t.describe();
            FitRow {
                target: &t.name,
                outcome: &t.outcome,
                observed,
                tolerance_or_bound,
                chosen_point_mean: means[o][chosen_point],
                accepted_mean: s.map_or(f64::NAN, |s| s.mean),
                accepted_p05: s.map_or(f64::NAN, |s| s.p05),
                accepted_p95: s.map_or(f64::NAN, |s| s.p95),
                source: &t.source,
            }
        })
        .collect();
    let mut batch = Batch::default();
    batch.stage(out.join(crate::output::names::ACCEPTED_CSV), &csv)?;
    batch.stage(out.join(crate::output::names::FIT_CSV), &csv_bytes(&fit))?;
    batch.stage(out.join(crate::output::names::CHOSEN_TOML), chosen.as_bytes())?;
    if cfg.refine > 0 {
        batch.stage(out.join(crate::output::names::REFINED_CSV), &csv_bytes(&refined))?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn refine_is_held_to_a_scenarios_most_replicates() {
        let spec = crate::scenario::params::spec("simulation.replicates").expect("a key");
        assert_eq!(f64::from(super::MAX_REFINE), spec.max);
    }
}
