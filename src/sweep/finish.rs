//! The end of a sweep: points.csv, sensitivity.csv and the charts from sweep.csv. The same
//! function for a whole sweep and for merged shards, so both write the same bytes.

use std::io::{BufRead, Write};
use std::path::Path;

use super::run::fmt;
use super::spec::{DesignKind, Sweep};
use super::{analysis, charts};
use crate::error::{Error, InputError};
use crate::output::{Batch, number};
use crate::summary;

/// Each outcome's per-point mean and the variance of that mean over the point's replicates
/// (sd^2 / n; NaN with fewer than two values), `[outcome][point]`.
struct PointMeans {
    mean: Vec<Vec<f64>>,
    var_of_mean: Vec<Vec<f64>>,
}

/// points.csv, streamed from sweep.csv (rows are in point order): each point's statistics per
/// outcome. Returns the per-point means and their noise, which the sensitivity analysis and
/// the heatmap use. Memory: one point's rows at a time, plus the means.
fn write_points(dir: &Path, sweep: &Sweep, batch: &mut Batch) -> Result<PointMeans, Error> {
    let path = dir.join("sweep.csv");
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let tmp = dir.join(format!(".points.csv.tmp-{}", std::process::id()));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?);
    let mut head = String::from("point,");
    head.push_str(&sweep.keys.join(","));
    for o in &sweep.outcomes {
        head.push_str(&format!(",{o}_mean,{o}_sd,{o}_p05,{o}_p95"));
    }
    writeln!(w, "{head}").map_err(|e| Error::io(&tmp, e))?;
    let n_out = sweep.outcomes.len();
    let mut means = vec![vec![f64::NAN; sweep.points.len()]; n_out];
    let mut var_of_mean = vec![vec![f64::NAN; sweep.points.len()]; n_out];
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); n_out];
    let first_outcome = 3 + sweep.keys.len();
    let mut flush =
        |p: usize, values: &mut Vec<Vec<f64>>, w: &mut std::io::BufWriter<std::fs::File>| -> std::io::Result<()> {
            let mut line = p.to_string();
            for (v, int) in sweep.points[p].iter().zip(&sweep.integer) {
                line.push(',');
                line.push_str(&fmt(*v, *int));
            }
            for (o, vals) in values.iter_mut().enumerate() {
                match summary::stats(vals) {
                    Some(s) => {
                        for x in [s.mean, s.sd, s.p05, s.p95] {
                            line.push(',');
                            line.push_str(&number::fmt(x));
                        }
                        means[o][p] = s.mean;
                        let n = vals.iter().filter(|x| x.is_finite()).count();
                        if n > 1 {
                            var_of_mean[o][p] = s.sd * s.sd / n as f64;
                        }
                    }
                    None => line.push_str(",,,,"),
                }
                vals.clear();
            }
            writeln!(w, "{line}")
        };
    let mut current: Option<usize> = None;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate().skip(1) {
        let line = line.map_err(|e| Error::io(&path, e))?;
        let bad = || {
            Error::from(InputError::at(
                &format!("{}:{}", path.display(), n + 1),
                None,
                "expected a sweep.csv row".into(),
            ))
        };
        let mut fields = line.split(',');
        let p: usize = fields
            .next()
            .and_then(|f| f.parse().ok())
            .filter(|p| *p < sweep.points.len())
            .ok_or_else(bad)?;
        if current.is_some_and(|c| c != p) {
            flush(current.expect("checked"), &mut values, &mut w).map_err(|e| Error::io(&tmp, e))?;
        }
        current = Some(p);
        for (o, f) in fields.skip(first_outcome - 1).take(n_out).enumerate() {
            values[o].push(number::parse(f).ok_or_else(bad)?);
        }
    }
    if let Some(c) = current {
        flush(c, &mut values, &mut w).map_err(|e| Error::io(&tmp, e))?;
    }
    w.into_inner()
        .map_err(|e| Error::io(&tmp, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io(&tmp, e))?;
    batch.adopt(tmp, dir.join("points.csv"));
    Ok(PointMeans {
        mean: means,
        var_of_mean,
    })
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

/// Morris sensitivity.csv and the chart's data, with the warnings to show.
fn morris_analysis(
    sweep: &Sweep,
    points: &PointMeans,
    rng: &mut crate::rng::Rng,
    warnings: &mut Vec<String>,
) -> (String, charts::Sensitivity) {
    let k = sweep.keys.len();
    let mut csv = String::from("parameter,outcome,mu_star,mu,sigma,mu_star_conf,noise_floor,effects,undefined,note\n");
    let mut panels = Vec::new();
    for (o, name) in sweep.outcomes.iter().enumerate() {
        let m = analysis::morris(&sweep.unit, &points.mean[o], k, sweep.resamples as usize, rng);
        let floor = analysis::morris_noise_floor(&sweep.unit, &points.var_of_mean[o], k);
        let constant = m.iter().all(|r| r.effects > 0 && r.mu_star == 0.0);
        for (key, r) in sweep.keys.iter().zip(&m) {
            let total = r.effects + r.undefined;
            let note = notes(&[
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
            ]);
            if worrying(&note) && !note.is_empty() {
                warnings.push(format!("{name}: {key}: {note}"));
            }
            csv.push_str(&format!(
                "{key},{name},{},{},{},{},{},{},{},{note}\n",
                number::fmt(r.mu_star),
                number::fmt(r.mu),
                number::fmt(r.sigma),
                number::fmt(r.mu_star_conf),
                number::fmt(floor),
                r.effects,
                r.undefined
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
    (csv, charts::Sensitivity::Morris(panels))
}

/// Sobol sensitivity.csv and the chart's data, with the warnings to show.
fn sobol_analysis(
    sweep: &Sweep,
    points: &PointMeans,
    rng: &mut crate::rng::Rng,
    warnings: &mut Vec<String>,
) -> (String, charts::Sensitivity) {
    let k = sweep.keys.len();
    let mut csv = String::from("parameter,outcome,S1,S1_conf,ST,ST_conf,noise_floor,rows,undefined,note\n");
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
            let note = notes(&[
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
            ]);
            if worrying(&note) && !note.is_empty() {
                warnings.push(format!("{name}: {key}: {note}"));
            }
            csv.push_str(&format!(
                "{key},{name},{},{},{},{},{},{},{},{note}\n",
                number::fmt(r.s1),
                number::fmt(r.s1_conf),
                number::fmt(r.st),
                number::fmt(r.st_conf),
                number::fmt(floor),
                r.rows,
                r.undefined
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
    (csv, charts::Sensitivity::Sobol(panels))
}

/// points.csv, sensitivity.csv and the charts, from sweep.csv and the sweep: the same function
/// for a whole sweep and for merged shards. Returns warnings for the user (the same text is in
/// sensitivity.csv's `note` column): indices at risk of misleading, and designs too small for
/// their noise.
pub(super) fn finish(dir: &Path, sweep: &Sweep) -> Result<Vec<String>, Error> {
    let mut batch = Batch::default();
    let points = write_points(dir, sweep, &mut batch)?;
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
        DesignKind::Morris => Some(morris_analysis(sweep, &points, &mut rng, &mut warnings)),
        DesignKind::Sobol => Some(sobol_analysis(sweep, &points, &mut rng, &mut warnings)),
        _ => None,
    };
    if let Some((csv, data)) = sensitivity {
        batch.stage(dir.join("sensitivity.csv"), csv.as_bytes())?;
        let chart = charts::sensitivity(&sweep.name, &sweep.keys, sweep.replicates, &data).map_err(Error::Chart)?;
        batch.stage(dir.join("sensitivity.png"), &chart.png)?;
        batch.stage(dir.join("sensitivity.svg"), chart.svg.as_bytes())?;
    }
    if sweep.design == DesignKind::Grid && k >= 2 {
        let chart = charts::heatmap(sweep, &points.mean[0]).map_err(Error::Chart)?;
        batch.stage(dir.join("heatmap.png"), &chart.png)?;
        batch.stage(dir.join("heatmap.svg"), chart.svg.as_bytes())?;
    }
    batch.commit()?;
    Ok(warnings)
}
