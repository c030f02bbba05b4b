//! The end of a sweep: points.csv, sensitivity.csv and the charts from sweep.csv. The same
//! function for a whole sweep and for merged shards, so both write the same bytes.

use std::io::{BufRead, Write};
use std::path::Path;

use super::run::fmt;
use super::spec::{DesignKind, Sweep};
use super::{analysis, charts};
use crate::error::{Error, InputError};
use crate::output::Batch;
use crate::summary;

/// points.csv, streamed from sweep.csv (rows are in point order): each point's statistics per
/// outcome. Returns the per-point means, `[outcome][point]`, which the sensitivity analysis and
/// the heatmap use. Memory: one point's rows at a time, plus the means.
fn write_points(dir: &Path, sweep: &Sweep, batch: &mut Batch) -> Result<Vec<Vec<f64>>, Error> {
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
                        line.push_str(&format!(",{},{},{},{}", s.mean, s.sd, s.p05, s.p95));
                        means[o][p] = s.mean;
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
            values[o].push(f.parse::<f64>().map_err(|_| bad())?);
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
    Ok(means)
}

/// points.csv, sensitivity.csv and the charts, from sweep.csv and the sweep: the same function
/// for a whole sweep and for merged shards.
pub(super) fn finish(dir: &Path, sweep: &Sweep) -> Result<(), Error> {
    let mut batch = Batch::default();
    let means = write_points(dir, sweep, &mut batch)?;

    let k = sweep.keys.len();
    let mut rng = crate::rng::generator(crate::rng::splitmix64(sweep.seed ^ 0xB007_5EED));
    let sensitivity: Option<(String, charts::Sensitivity)> = match sweep.design {
        DesignKind::Morris => {
            let mut csv = String::from("parameter,outcome,mu_star,mu,sigma\n");
            let mut first = Vec::new();
            for (o, name) in sweep.outcomes.iter().enumerate() {
                let m = analysis::morris(&sweep.unit, &means[o], k);
                for (key, r) in sweep.keys.iter().zip(&m) {
                    csv.push_str(&format!("{key},{name},{},{},{}\n", r.mu_star, r.mu, r.sigma));
                }
                if o == 0 {
                    first = m;
                }
            }
            Some((csv, charts::Sensitivity::Morris(first)))
        }
        DesignKind::Sobol => {
            let mut csv = String::from("parameter,outcome,S1,S1_conf,ST,ST_conf\n");
            let mut first = Vec::new();
            for (o, name) in sweep.outcomes.iter().enumerate() {
                let s = analysis::sobol(&means[o], k, sweep.resamples as usize, &mut rng);
                for (key, r) in sweep.keys.iter().zip(&s) {
                    csv.push_str(&format!("{key},{name},{},{},{},{}\n", r.s1, r.s1_conf, r.st, r.st_conf));
                }
                if o == 0 {
                    first = s;
                }
            }
            Some((csv, charts::Sensitivity::Sobol(first)))
        }
        _ => None,
    };
    if let Some((csv, data)) = sensitivity {
        batch.stage(dir.join("sensitivity.csv"), csv.as_bytes())?;
        let chart = charts::sensitivity(&sweep.name, &sweep.keys, &sweep.outcomes[0], &data).map_err(Error::Chart)?;
        batch.stage(dir.join("sensitivity.png"), &chart.png)?;
        batch.stage(dir.join("sensitivity.svg"), chart.svg.as_bytes())?;
    }
    if sweep.design == DesignKind::Grid && k >= 2 {
        let chart = charts::heatmap(sweep, &means[0]).map_err(Error::Chart)?;
        batch.stage(dir.join("heatmap.png"), &chart.png)?;
        batch.stage(dir.join("heatmap.svg"), chart.svg.as_bytes())?;
    }
    batch.commit()
}
