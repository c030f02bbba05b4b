//! Writing results: the files of INTERFACE.md "Results of `lwsim run`", each written under a
//! temporary name and renamed into place only once every file is complete, so a run that is
//! killed leaves either the complete file or none under its final name.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::run::Replicate;
use crate::scenario::Scenario;
use crate::{charts, summary};

/// The files a run writes; their presence marks a directory as holding results.
pub const RESULT_FILES: [&str; 6] = [
    "scenario.resolved.toml",
    "weekly.csv",
    "monthly.csv",
    "practices.csv",
    "summary.json",
    "run.json",
];

/// What `run.json` records about the run itself (not reproducible: it holds the wall time).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub version: &'static str,
    pub command: Vec<String>,
    pub scenario_file: String,
    pub seed: u64,
    pub replicates: u32,
    pub threads: usize,
    pub seed_derivation: &'static str,
    pub generator: &'static str,
    pub wall_seconds: f64,
}

/// The lock file a run holds in each results directory while it writes there.
pub const LOCK_FILE: &str = ".lwsim.lock";

/// A results directory held by this process: created if needed, locked against a second run,
/// and checked not to hold results already (unless `force`). The lock is released on drop; a
/// lock left by a process that no longer runs (killed, crashed) is taken over.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

impl DirLock {
    pub fn acquire(dir: &Path, force: bool) -> Result<DirLock, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Refused {
                path: dir.into(),
                message: "exists and is not a directory".into(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let me = format!("{}\n", std::process::id());
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    f.write_all(me.as_bytes()).map_err(|e| Error::io(&path, e))?;
                    let lock = DirLock { path };
                    if !force && RESULT_FILES.iter().any(|f| dir.join(f).exists()) {
                        return Err(Error::Refused {
                            path: dir.into(),
                            message:
                                "already holds results; use --force to overwrite, or --out to choose another directory"
                                    .into(),
                        });
                    }
                    return Ok(lock);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) => {
                            return Err(Error::Refused {
                                path: dir.into(),
                                message: format!(
                                    "another lwsim run (process {pid}) is writing here; wait for it to finish or choose another --out (lock: {})",
                                    path.display()
                                ),
                            });
                        }
                        // Left by a run that is gone: take it over.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Refused {
            path: dir.into(),
            message: "could not take the results directory's lock".into(),
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Is process `pid` a running lwsim? (Linux: /proc, and its command name, so that a pid reused
/// by another program after a crash does not hold the lock; elsewhere assume it is, so a lock is
/// never stolen.)
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return true;
    }
    match std::fs::read_to_string(proc_root.join(pid.to_string()).join("comm")) {
        Ok(comm) => {
            let me = std::fs::read_to_string(proc_root.join("self/comm")).unwrap_or_default();
            comm.trim() == me.trim() || comm.starts_with("lwsim")
        }
        Err(_) => false,
    }
}

/// Files to be written together: staged under temporary names, then renamed into place.
#[derive(Default)]
pub struct Batch {
    staged: Vec<(PathBuf, PathBuf)>,
}

impl Batch {
    /// Write `bytes` to a temporary file beside `path`.
    pub fn stage(&mut self, path: PathBuf, bytes: &[u8]) -> Result<(), Error> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let result = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            self.abandon();
            return Err(Error::io(&path, e));
        }
        self.staged.push((tmp, path));
        Ok(())
    }

    /// Stage a file already written (streamed) under a temporary name.
    pub fn adopt(&mut self, tmp: PathBuf, path: PathBuf) {
        self.staged.push((tmp, path));
    }

    /// Rename every staged file into place.
    pub fn commit(mut self) -> Result<(), Error> {
        let staged = std::mem::take(&mut self.staged);
        for (i, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                for (t, _) in &staged[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(Error::io(path, e));
            }
        }
        Ok(())
    }

    fn abandon(&mut self) {
        for (tmp, _) in self.staged.drain(..) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.abandon();
    }
}

/// weekly.csv or practices.csv: each replicate's rows formatted in parallel, joined in replicate
/// order, under one header. With no detail kept, the header alone (taken from `example`).
fn detail_csv<T: Serialize + Sync>(
    replicates: &[Replicate],
    rows: impl Fn(&Replicate) -> &Vec<T> + Sync,
    example: impl Fn() -> Vec<T>,
) -> Vec<u8> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = replicates
        .par_iter()
        .map(|r| {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
            for row in rows(r) {
                w.serialize(row).expect("rows serialise to memory");
            }
            w.into_inner().expect("writing to memory cannot fail")
        })
        .collect();
    let header = {
        let full = csv_bytes(example().iter().take(1));
        let end = full.iter().position(|&b| b == b'\n').map_or(full.len(), |i| i + 1);
        full[..end].to_vec()
    };
    let mut out = Vec::with_capacity(header.len() + chunks.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&header);
    for c in &chunks {
        out.extend_from_slice(c);
    }
    out
}

/// CSV bytes of rows with a header.
pub fn csv_bytes<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row).expect("rows serialise to memory");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// The charts every run writes, each as NAME.png and NAME.svg.
pub const CHARTS: [&str; 3] = ["integration", "stages", "capacity"];

/// Monthly statistics in the form the charts take.
pub fn chart_data(scenario: &str, replicates: usize, colour: usize, rows: &[summary::MonthlyRow]) -> charts::Monthly {
    let mut m = charts::Monthly {
        scenario: scenario.to_string(),
        replicates,
        colour,
        ..Default::default()
    };
    for r in rows {
        m.push(r.measure, r.month, r.mean, r.p05, r.p95);
    }
    m
}

/// A chart's PNG and SVG as two result files.
fn chart_files(name: &str, chart: Result<charts::Rendered, String>) -> Result<[(String, Vec<u8>); 2], Error> {
    let r = chart.map_err(Error::Chart)?;
    Ok([
        (format!("{name}.png"), r.png),
        (format!("{name}.svg"), r.svg.into_bytes()),
    ])
}

/// The reproducible result files of one scenario (everything but run.json), as (name, bytes).
/// `colour` is the scenario's place among the scenarios of its run (its colour in every chart).
pub fn result_files(
    scenario: &Scenario,
    replicates: &[Replicate],
    colour: usize,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let weekly = detail_csv(
        replicates,
        |r| &r.weekly,
        || {
            let world = crate::model::World::new(scenario, 0);
            vec![crate::observe::observe(&world, 0, 0)]
        },
    );
    let practices = detail_csv(
        replicates,
        |r| &r.practices,
        || crate::observe::practice_rows(&crate::model::World::new(scenario, 0), 0),
    );
    let monthly_rows = summary::monthly(replicates);
    let monthly = csv_bytes(&monthly_rows);
    let mut summary = serde_json::to_vec_pretty(&summary::summary_json(scenario, replicates)).expect("json");
    summary.push(b'\n');
    let mut files = vec![
        ("scenario.resolved.toml".to_string(), scenario.to_toml().into_bytes()),
        ("weekly.csv".to_string(), weekly),
        ("monthly.csv".to_string(), monthly),
        ("practices.csv".to_string(), practices),
        ("summary.json".to_string(), summary),
    ];
    let data = chart_data(&scenario.name, replicates.len(), colour, &monthly_rows);
    files.extend(chart_files("integration", charts::integration(&data))?);
    files.extend(chart_files("stages", charts::stages(&data))?);
    files.extend(chart_files("capacity", charts::capacity(&data))?);
    Ok(files)
}

/// Write every result file of one scenario into `dir` (already prepared).
pub fn write_results(
    dir: &Path,
    scenario: &Scenario,
    replicates: &[Replicate],
    colour: usize,
    info: &RunInfo,
) -> Result<(), Error> {
    let mut batch = Batch::default();
    for (name, bytes) in result_files(scenario, replicates, colour)? {
        batch.stage(dir.join(name), &bytes)?;
    }
    let mut run = serde_json::to_vec_pretty(info).expect("json");
    run.push(b'\n');
    batch.stage(dir.join("run.json"), &run)?;
    batch.commit()
}

/// One row of comparison/headline.csv: a scenario's headline figure.
#[derive(Debug, Serialize)]
struct ComparisonRow<'a> {
    scenario: &'a str,
    measure: &'static str,
    mean: f64,
    p05: f64,
    p95: f64,
}

/// One row of comparison/integration.csv: a scenario's integration rate in one month.
#[derive(Debug, Serialize)]
struct IntegrationRow<'a> {
    scenario: &'a str,
    month: u32,
    mean: f64,
    p05: f64,
    p95: f64,
}

/// comparison/headline.csv and comparison/integration.csv for two or more scenarios.
pub fn write_comparison(dir: &Path, runs: &[(Scenario, Vec<Replicate>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut headline = Vec::new();
    let mut integration = Vec::new();
    for (scenario, reps) in runs {
        for (i, name) in summary::HEADLINE_NAMES.iter().enumerate() {
            let values: Vec<f64> = reps.iter().map(|r| r.headline.values()[i]).collect();
            if let Some(s) = summary::stats(&values) {
                headline.push(ComparisonRow {
                    scenario: &scenario.name,
                    measure: name,
                    mean: s.mean,
                    p05: s.p05,
                    p95: s.p95,
                });
            }
        }
        for row in summary::monthly(reps)
            .into_iter()
            .filter(|r| r.measure == "integration_rate")
        {
            integration.push(IntegrationRow {
                scenario: &scenario.name,
                month: row.month,
                mean: row.mean,
                p05: row.p05,
                p95: row.p95,
            });
        }
    }
    let mut batch = Batch::default();
    batch.stage(dir.join("headline.csv"), &csv_bytes(headline))?;
    batch.stage(dir.join("integration.csv"), &csv_bytes(integration))?;
    let monthly: Vec<charts::Monthly> = runs
        .iter()
        .enumerate()
        .map(|(i, (s, reps))| chart_data(&s.name, reps.len(), i, &summary::monthly(reps)))
        .collect();
    let figures: Vec<(String, Vec<charts::Figure>)> = runs
        .iter()
        .map(|(s, reps)| (s.name.clone(), headline_figures(reps)))
        .collect();
    for (name, bytes) in chart_files("integration", charts::comparison(&monthly))?
        .into_iter()
        .chain(chart_files("headline", charts::headline(&figures))?)
    {
        batch.stage(dir.join(name), &bytes)?;
    }
    batch.commit()
}

/// The headline shares the comparison chart puts side by side, with their labels.
pub const COMPARED: [(&str, &str); 7] = [
    ("integration_rate_24m", "fully integrated at the end"),
    ("share_connected", "referred patients connected"),
    ("share_not_engaged", "referred patients never engaged"),
    ("share_dropped_out", "referred patients dropped out"),
    ("share_unmet_need", "referred patients with unmet need"),
    ("share_3plus_contacts", "patients with 3+ contacts"),
    ("lw_turnover_per_year", "link-worker turnover a year"),
];

fn headline_figures(reps: &[Replicate]) -> Vec<charts::Figure> {
    COMPARED
        .iter()
        .map(|(measure, label)| {
            let i = summary::HEADLINE_NAMES
                .iter()
                .position(|n| n == measure)
                .expect("a headline name");
            let values: Vec<f64> = reps.iter().map(|r| r.headline.values()[i]).collect();
            let s = summary::stats(&values).unwrap_or(summary::Stats {
                mean: 0.0,
                sd: 0.0,
                p05: 0.0,
                p50: 0.0,
                p95: 0.0,
            });
            charts::Figure {
                label,
                mean: s.mean,
                p05: s.p05,
                p95: s.p95,
            }
        })
        .collect()
}
