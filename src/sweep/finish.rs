//! The end of a sweep: points.csv, sensitivity.csv and the charts from sweep.csv. The same
//! function for a whole sweep and for merged shards, so both write the same bytes.

use std::path::Path;

use super::files::{self, IndexRow, Num, PointsCsv};
use super::spec::{DesignKind, Sweep};
use super::{analysis, charts};
use crate::error::Error;
use crate::output::Batch;
use crate::summary;

/// Each outcome's per-point mean and the variance of that mean over the point's replicates
/// (sd^2 / n; NaN with fewer than two values), `[outcome][point]`; a point with no defined value
/// has a NaN mean.
#[derive(Debug, Clone, PartialEq)]
pub struct PointMeans {
    /// The mean over the point's replicates, `[outcome][point]`.
    pub mean: Vec<Vec<f64>>,
    /// The variance of that mean, `[outcome][point]`.
    pub var_of_mean: Vec<Vec<f64>>,
}

/// Each point's statistics per outcome from sweep.csv (rows are in point order), written to
/// points.csv when `points` is given. Returns the per-point means and their noise, which the
/// sensitivity analysis, the heatmap and a calibration use. Memory: one point's rows at a time,
/// plus the means.
///
/// # Errors
/// sweep.csv cannot be read or holds a row lwsim did not write for this sweep (exit 2), or
/// points.csv cannot be written.
pub(super) fn point_means(dir: &Path, sweep: &Sweep, mut points: Option<&mut PointsCsv>) -> Result<PointMeans, Error> {
    let n_out = sweep.outcomes.len();
    let mut means = PointMeans {
        mean: vec![vec![f64::NAN; sweep.points.len()]; n_out],
        var_of_mean: vec![vec![f64::NAN; sweep.points.len()]; n_out],
    };
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); n_out];
    let mut flush = |p: usize, values: &mut Vec<Vec<f64>>, points: Option<&mut PointsCsv>| -> Result<(), Error> {
        let mut row = Vec::with_capacity(n_out);
        for (o, vals) in values.iter_mut().enumerate() {
            match summary::stats(vals) {
                Some(s) => {
                    row.push([s.mean, s.sd, s.p05, s.p95]);
                    means.mean[o][p] = s.mean;
                    let n = vals.iter().filter(|x| x.is_finite()).count();
                    if n > 1 {
                        means.var_of_mean[o][p] = s.sd * s.sd / n as f64;
                    }
                }
                None => row.push([f64::NAN; 4]),
            }
            vals.clear();
        }
        points.map_or(Ok(()), |w| w.write(sweep, p, &row))
    };
    let mut current: Option<usize> = None;
    files::read_rows(dir, sweep, |p, outcomes| {
        if let Some(c) = current.filter(|c| *c != p) {
            flush(c, &mut values, points.as_deref_mut())?;
        }
        current = Some(p);
        for (o, x) in outcomes.iter().enumerate() {
            values[o].push(*x);
        }
        Ok(())
    })?;
    if let Some(c) = current {
        flush(c, &mut values, points)?;
    }
    Ok(means)
}

/// A note on one index, written in sensitivity.csv's `note` column (`; ` between notes): what a
/// reader must know before trusting it. Notes hold no comma or quote, so the field needs no
/// quoting (checked in the tests).
fn notes(list: &[(bool, String)]) -> String {
    list.iter()
        .filter(|(on, _)| *on)
        .map(|(_, s)| s.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The notes that call for a warning (anything but "at the noise floor", which is information).
fn worrying(note: &str) -> bool {
    note.split("; ").any(|n| !n.starts_with("at the noise floor"))
}

/// One row of sensitivity.csv, Morris's or Sobol's, with its notes; a note that calls for a
/// warning is added to `warnings` as `outcome: parameter: note`.
fn index_row(
    key: &str,
    outcome: &str,
    indices: [f64; 4],
    floor: f64,
    (defined, undefined): (usize, usize),
    list: &[(bool, String)],
    warnings: &mut Vec<String>,
) -> IndexRow {
    let note = notes(list);
    if worrying(&note) && !note.is_empty() {
        warnings.push(format!("{outcome}: {key}: {note}"));
    }
    IndexRow {
        parameter: key.to_string(),
        outcome: outcome.to_string(),
        indices: indices.map(Num),
        noise_floor: Num(floor),
        defined,
        undefined,
        note,
    }
}

/// sensitivity.csv's columns for Morris.
const MORRIS_COLUMNS: [&str; 10] = [
    "parameter",
    "outcome",
    "mu_star",
    "mu",
    "sigma",
    "mu_star_conf",
    "noise_floor",
    "effects",
    "undefined",
    "note",
];

/// sensitivity.csv's columns for Sobol.
const SOBOL_COLUMNS: [&str; 10] = [
    "parameter",
    "outcome",
    "S1",
    "S1_conf",
    "ST",
    "ST_conf",
    "noise_floor",
    "rows",
    "undefined",
    "note",
];

/// Morris sensitivity.csv's rows and the chart's data, with the warnings to show.
fn morris_analysis(
    sweep: &Sweep,
    points: &PointMeans,
    rng: &mut crate::rng::Rng,
    warnings: &mut Vec<String>,
) -> (Vec<IndexRow>, charts::Sensitivity) {
    let k = sweep.keys.len();
    let mut rows = Vec::new();
    let mut panels = Vec::new();
    for (o, name) in sweep.outcomes.iter().enumerate() {
        let m = analysis::morris(&sweep.unit, &points.mean[o], k, sweep.resamples as usize, rng);
        let floor = analysis::morris_noise_floor(&sweep.unit, &points.var_of_mean[o], k);
        let constant = m.iter().all(|r| r.effects > 0 && r.mu_star == 0.0);
        for (key, r) in sweep.keys.iter().zip(&m) {
            let total = r.effects + r.undefined;
            let list = [
                (constant, "constant outcome: every effect is 0".into()),
                (
                    r.effects == 0,
                    "no defined effect: the outcome is undefined at every step".into(),
                ),
                (
                    r.effects > 0 && r.undefined > 0,
                    format!("{} of {total} effects undefined (left out)", r.undefined),
                ),
                (
                    !constant && r.mu_star - r.mu_star_conf <= floor,
                    "at the noise floor: not distinguishable from replicate noise".into(),
                ),
                (
                    !constant && r.mu_star - r.mu_star_conf > floor && r.mu_star_conf > 0.5 * r.mu_star,
                    "wide interval: more trajectories".into(),
                ),
            ];
            rows.push(index_row(
                key,
                name,
                [r.mu_star, r.mu, r.sigma, r.mu_star_conf],
                floor,
                (r.effects, r.undefined),
                &list,
                warnings,
            ));
        }
        panels.push(charts::Panel {
            outcome: name.clone(),
            floor,
            constant,
            morris: m,
            sobol: Vec::new(),
        });
    }
    (rows, charts::Sensitivity::Morris(panels))
}

/// Sobol sensitivity.csv's rows and the chart's data, with the warnings to show.
fn sobol_analysis(
    sweep: &Sweep,
    points: &PointMeans,
    rng: &mut crate::rng::Rng,
    warnings: &mut Vec<String>,
) -> (Vec<IndexRow>, charts::Sensitivity) {
    let k = sweep.keys.len();
    let mut rows = Vec::new();
    let mut panels = Vec::new();
    for (o, name) in sweep.outcomes.iter().enumerate() {
        let s = analysis::sobol(&points.mean[o], k, sweep.resamples as usize, rng);
        let floor = analysis::sobol_noise_floor(&points.mean[o], &points.var_of_mean[o], k);
        if floor > 0.1 {
            warnings.push(format!(
                "{name}: replicate noise is {:.0}% of the variance of the point means, so every ST carries about {floor:.2} of noise; use more replicates (docs/SWEEPS.md)",
                100.0 * floor
            ));
        }
        let constant = s.iter().any(|r| r.constant);
        for (key, r) in sweep.keys.iter().zip(&s) {
            let total = r.rows + r.undefined;
            let (lo1, hi1, lot, hit) = (r.s1 - r.s1_conf, r.s1 + r.s1_conf, r.st - r.st_conf, r.st + r.st_conf);
            let list = [
                (r.constant, "constant outcome: indices 0 by definition".into()),
                (
                    r.rows == 0,
                    "no defined row: the outcome is undefined everywhere".into(),
                ),
                (
                    r.rows > 0 && r.undefined > 0,
                    format!("{} of {total} rows undefined (left out)", r.undefined),
                ),
                (
                    !r.constant && lot <= floor,
                    "at the noise floor: ST not distinguishable from replicate noise".into(),
                ),
                (
                    r.s1_conf > 0.1 || r.st_conf > 0.1,
                    "wide interval: more samples or replicates".into(),
                ),
                (
                    hi1 < 0.0 || lo1 > 1.0 || hit < 0.0 || lot > 1.0,
                    "outside 0 to 1 beyond its interval: the estimate has not converged".into(),
                ),
                (hit < lo1, "ST below S1 beyond their intervals: not converged".into()),
            ];
            rows.push(index_row(
                key,
                name,
                [r.s1, r.s1_conf, r.st, r.st_conf],
                floor,
                (r.rows, r.undefined),
                &list,
                warnings,
            ));
        }
        panels.push(charts::Panel {
            outcome: name.clone(),
            floor,
            constant,
            morris: Vec::new(),
            sobol: s,
        });
    }
    (rows, charts::Sensitivity::Sobol(panels))
}

/// points.csv, sensitivity.csv and the charts, from sweep.csv and the sweep: the same function
/// for a whole sweep and for merged shards. Returns warnings for the user (the same text is in
/// sensitivity.csv's `note` column): indices at risk of misleading, and designs too small for
/// their noise; and the per-point means (as [`point_means`]).
///
/// # Errors
/// As [`point_means`]; a chart that cannot be drawn; a file that cannot be written.
pub(super) fn finish(dir: &Path, sweep: &Sweep) -> Result<(Vec<String>, PointMeans), Error> {
    let mut batch = Batch::default();
    let mut csv = PointsCsv::create(dir, sweep)?;
    let points = point_means(dir, sweep, Some(&mut csv))?;
    csv.finish(dir, &mut batch)?;
    let k = sweep.keys.len();
    let mut rng = crate::rng::generator(crate::rng::splitmix64(sweep.seed ^ 0xB007_5EED));
    let mut warnings = Vec::new();
    if sweep.replicates < 2 && matches!(sweep.design, DesignKind::Morris | DesignKind::Sobol) {
        warnings.push(
            "replicates = 1: the noise floor cannot be estimated, and replicate noise reads as influence; use 10 or more (docs/SWEEPS.md)"
                .into(),
        );
    }
    let sensitivity = match sweep.design {
        DesignKind::Morris => Some((MORRIS_COLUMNS, morris_analysis(sweep, &points, &mut rng, &mut warnings))),
        DesignKind::Sobol => Some((SOBOL_COLUMNS, sobol_analysis(sweep, &points, &mut rng, &mut warnings))),
        _ => None,
    };
    if let Some((columns, (rows, data))) = sensitivity {
        batch.stage(
            dir.join(crate::output::names::SENSITIVITY_CSV),
            &files::sensitivity_csv(&columns, &rows),
        )?;
        let chart = charts::sensitivity(&sweep.name, &sweep.keys, sweep.replicates, &data).map_err(Error::Chart)?;
        let [png, svg] = crate::output::chart_names(crate::output::names::SENSITIVITY_CHART);
        batch.stage(dir.join(png), &chart.png)?;
        batch.stage(dir.join(svg), chart.svg.as_bytes())?;
    }
    if sweep.design == DesignKind::Grid && k >= 2 {
        let chart = charts::heatmap(sweep, &points.mean[0]).map_err(Error::Chart)?;
        let [png, svg] = crate::output::chart_names(crate::output::names::HEATMAP_CHART);
        batch.stage(dir.join(png), &chart.png)?;
        batch.stage(dir.join(svg), chart.svg.as_bytes())?;
    }
    batch.commit()?;
    Ok((warnings, points))
}
