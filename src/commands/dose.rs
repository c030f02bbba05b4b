//! `lwsim dose-response`: each lever moved across its range ([`crate::dose`]), written as
//! dose-response.csv, dose-response.md and a chart per lever, all staged and renamed into place
//! together.

use std::path::Path;
use std::time::Instant;

use super::{Ui, bar, done_line};
use crate::charts::{self, Panel, Series};
use crate::cli::exit;
use crate::dose::{self, Curve};
use crate::error::Error;
use crate::human;
use crate::output::{Batch, DirLock, Kind};
use crate::scenario::load;
use crate::summary;

/// `lwsim dose-response SCENARIO`: the curves with `replicates` replicates at each lever value,
/// into `out`.
pub(super) fn dose(
    scenario: &Path,
    replicates: u32,
    out: &Path,
    force: bool,
    quiet: bool,
    threads: usize,
    ui: &dyn Ui,
) -> Result<u8, Error> {
    if replicates == 0 {
        return Err(Error::Refused {
            path: scenario.to_path_buf(),
            message: "--replicates: expected at least 1, found 0".into(),
        });
    }
    let s = load::load_text(scenario, load::read_text(scenario)?, &[])?;
    let lock = DirLock::acquire(out, Kind::DoseResponse, force)?;
    let bar = bar(ui, quiet, "dose-response", "lever values", Some(dose::points()));
    let started = Instant::now();
    let curves = dose::run(&s, replicates, threads, &|done| bar.set_position(done))?;
    bar.finish();
    let mut words = vec![
        "lwsim".to_string(),
        "dose-response".into(),
        scenario.display().to_string(),
    ];
    words.extend(["--replicates".into(), replicates.to_string()]);
    let mut md = dose::markdown(&curves, replicates, &human::shell_command(&words), "");
    md.push_str(&dose::drivers_table(&s, replicates, threads)?);
    let mut batch = Batch::default();
    batch.stage(out.join(crate::output::names::DOSE_CSV), &dose::csv(&curves))?;
    batch.stage(out.join(crate::output::names::DOSE_MD), md.as_bytes())?;
    for c in &curves {
        let title = format!(
            "{}: {} ({replicates} replicates a value; mean and 90% band)",
            s.name, c.lever.label
        );
        let r = charts::dose(&title, c.lever.label, panels(c)).map_err(Error::Chart)?;
        let [png, svg] = crate::output::chart_names(c.lever.stem);
        batch.stage(out.join(png), &r.png)?;
        batch.stage(out.join(svg), r.svg.as_bytes())?;
    }
    batch.commit()?;
    lock.finish();
    done_line(
        ui,
        quiet,
        &format!(
            "wrote {}: {} lever values x {} replicates in {}",
            out.display(),
            human::count(dose::points()),
            human::count(u64::from(replicates)),
            human::duration(started.elapsed().as_secs_f64())
        ),
    );
    Ok(exit::SUCCESS)
}

/// A lever's chart panels, one per measure of [`dose::MEASURES`]: the mean and 90% band at each
/// lever value (NaN where a value has no statistic); a panel is a share where its figure's unit
/// is ([`summary::Unit::Percent`]).
fn panels(c: &Curve) -> Vec<Panel> {
    dose::MEASURES
        .iter()
        .enumerate()
        .map(|(m, (measure, label))| {
            let mut series = Series::default();
            for (v, row) in c.lever.values.iter().zip(&c.stats) {
                let st = row[m];
                series.month.push(*v);
                series.mean.push(st.map_or(f64::NAN, |x| x.mean));
                series.p05.push(st.map_or(f64::NAN, |x| x.p05));
                series.p95.push(st.map_or(f64::NAN, |x| x.p95));
            }
            Panel {
                title: label,
                series,
                share: summary::figure(measure).unit == summary::Unit::Percent,
            }
        })
        .collect()
}
