//! Writing results: the files of INTERFACE.md "Results of `lwsim run`", each written under a
//! temporary name and renamed into place only once every file is complete, so a run that is
//! killed leaves either the complete file or none under its final name; and reading them back
//! through the same types (`read.rs`: [`read_rows`], [`RunFolder`]).

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;

mod atomic;
pub mod names;
pub mod number;
mod read;

use crate::run::Replicate;
use crate::scenario::Scenario;
use crate::{charts, summary};
pub use atomic::{Batch, DirLock, Kind, LOCK_FILE, REPORT};
pub use read::{RunFolder, read_rows};

/// The files of one scenario's results that hold data, in [`data_files`]' order (the files the
/// Python module receives): the one list of them, from which [`RESULT_FILES`] and [`Kind`]'s
/// files derive.
pub const DATA_FILES: [&str; 6] = [
    "scenario.resolved.toml",
    "weekly.csv",
    "monthly.csv",
    "practices.csv",
    HEADLINE_CSV,
    "summary.json",
];

/// Each replicate's headline figures: a scenario's (one row a replicate) and a comparison's
/// (their statistics, one row a scenario and figure).
pub const HEADLINE_CSV: &str = "headline.csv";

/// A comparison's integration rate by month, one row a scenario and month.
pub const INTEGRATION_CSV: &str = "integration.csv";

/// A comparison's paired effects against the reference, one row a scenario and figure.
pub const EFFECTS_CSV: &str = "effects.csv";

/// A comparison's charts, each as NAME.png and NAME.svg ([`chart_names`]): the integration rate
/// of every scenario, their headline figures, and the paired effects.
pub const COMPARISON_CHARTS: [&str; 3] = [INTEGRATION_CHART, HEADLINE_CHART, EFFECTS_CHART];

/// The integration chart's name: a scenario's and a comparison's ([`CHARTS`], [`COMPARISON_CHARTS`]).
pub const INTEGRATION_CHART: &str = "integration";
/// A scenario's chart of its practices' stages of integration ([`CHARTS`]; the comparison's page
/// shows each scenario's).
pub const STAGES_CHART: &str = "stages";
/// A comparison's chart of the headline figures side by side.
pub const HEADLINE_CHART: &str = "headline";
/// A comparison's chart of the paired effects.
pub const EFFECTS_CHART: &str = "effects";

/// Every file of one scenario's results but its charts ([`CHARTS`]) and report.html:
/// [`DATA_FILES`] and run.json.
pub const RESULT_FILES: [&str; DATA_FILES.len() + 1] = {
    let mut files = [RUN_JSON; DATA_FILES.len() + 1];
    let mut i = 0;
    while i < DATA_FILES.len() {
        files[i] = DATA_FILES[i];
        i += 1;
    }
    files
};

/// The file that records how a run was made ([`RunInfo`]).
pub const RUN_JSON: &str = "run.json";

/// A chart of one scenario's results, drawn from its monthly statistics.
pub type DrawChart = fn(&charts::Monthly) -> Result<charts::Rendered, String>;

/// The charts every run writes, each as NAME.png and NAME.svg ([`chart_names`]), with how each
/// is drawn and the caption the scenario's page gives it, in the order they are written and shown.
pub const CHARTS: [(&str, DrawChart, &str); 3] = [
    (
        INTEGRATION_CHART,
        charts::integration,
        "Share of practices fully integrated ('belonging'), by month: the line is the mean across replicates, the band holds 90% of them.",
    ),
    (
        STAGES_CHART,
        charts::stages,
        "Share of practices at each stage of integration (Tierney et al. 2025), mean across replicates.",
    ),
    (
        "capacity",
        charts::capacity,
        "The link-worker side (caseload, waiting, vacancies) and the community side (places, closures).",
    ),
];

/// The files chart `name` is written as: NAME.png and NAME.svg.
pub fn chart_names(name: &str) -> [String; 2] {
    [format!("{name}.png"), format!("{name}.svg")]
}

/// What `run.json` records about the run itself (not reproducible: it holds the wall time).
/// Written by `lwsim run` (every field) and by `lwsim seek` (the fields marked optional left
/// out: a seek's run.json has only `version`, `command`, `scenario_file`, `threads` and
/// `wall_seconds`; its seed and replicates are seek.json's), and read back by the pages
/// ([`RunInfo::read`]), which take a field missing from an older or a seek's run.json as its
/// default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// lwsim's version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// The command line, word by word, as given.
    pub command: Vec<String>,
    /// The scenario file, as given on the command line.
    pub scenario_file: String,
    /// The base seed (`simulation.seed`); `lwsim run` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Replicates run; `lwsim run` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u32>,
    /// Threads the replicates ran on (the results do not depend on it).
    pub threads: usize,
    /// How each replicate's seed is derived from the base seed, in words; `lwsim run` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_derivation: Option<String>,
    /// The random number generator, in words; `lwsim run` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    /// `chance` or `full` (`simulation.uncertainty`); `lwsim run` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<crate::scenario::uncertain::Uncertainty>,
    /// Under `full`, the keys each replicate drew (the rest held at the scenario's values); `[]`
    /// when the scenario sets every uncertain key, so nothing was drawn and the intervals hold
    /// chance alone. Absent under `chance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawn: Option<Vec<String>>,
    /// Wall-clock time of the run, seconds.
    pub wall_seconds: f64,
}

impl RunInfo {
    /// A run that asked for `--uncertainty full` but drew no constant (`drawn` is `[]`): its
    /// intervals hold chance alone.
    pub fn drew_nothing(&self) -> bool {
        self.drawn.as_ref().is_some_and(Vec::is_empty)
    }

    /// `dir/run.json`, if it is there and reads as a run.json; `None` otherwise (the pages
    /// then leave out what it would have told them).
    pub fn read(dir: &Path) -> Option<RunInfo> {
        let text = std::fs::read_to_string(dir.join(RUN_JSON)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// weekly.csv or practices.csv: each replicate's rows formatted in parallel, joined in replicate
/// order, under one header (from the first row, or, with no detail kept, from `example`).
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
            number::missing_as_empty(w.into_inner().expect("writing to memory cannot fail"))
        })
        .collect();
    let header = {
        let full = match replicates.iter().find_map(|r| rows(r).first()) {
            Some(first) => csv_bytes(std::iter::once(first)),
            None => csv_bytes(example().iter().take(1)),
        };
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

/// A JSON file's bytes as lwsim writes every JSON file (summary.json, run.json, seek.json,
/// sweep.json): pretty-printed (two spaces), with a final newline.
pub fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("lwsim's JSON files serialise");
    bytes.push(b'\n');
    bytes
}

/// CSV bytes of rows with a header.
pub fn csv_bytes<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row).expect("rows serialise to memory");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// Result files in memory: (file name, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

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
    let [png, svg] = chart_names(name);
    Ok([(png, r.png), (svg, r.svg.into_bytes())])
}

/// headline.csv: every replicate's headline figures (`replicate, seed`, then the figures of
/// summary.json in its order), for pairing and for analysts who want the raw values. An
/// undefined figure (no denominator) is an empty field, as in every CSV ([`number`]).
pub fn headline_csv(replicates: &[Replicate]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let mut header = vec!["replicate", "seed"];
    header.extend(summary::HEADLINE_NAMES);
    w.write_record(&header).expect("writing to memory");
    for r in replicates {
        w.serialize((r.index, r.seed, r.headline))
            .expect("rows serialise to memory");
    }
    number::missing_as_empty(w.into_inner().expect("writing to memory cannot fail"))
}

/// The reproducible result files of one scenario (everything but run.json), as (name, bytes),
/// and the monthly statistics the charts were drawn from (a comparison reuses them).
/// `colour` is the scenario's place among the scenarios of its run (its colour in every chart).
///
/// # Errors
/// `Chart` when a chart cannot be drawn.
pub fn result_files(
    scenario: &Scenario,
    replicates: &[Replicate],
    colour: usize,
) -> Result<(Files, charts::Monthly), Error> {
    let (mut files, monthly_rows) = data_files(scenario, replicates);
    let data = chart_data(&scenario.name, replicates.len(), colour, &monthly_rows);
    for (name, draw, _) in CHARTS {
        files.extend(chart_files(name, draw(&data))?);
    }
    Ok((files, data))
}

/// The result files of one scenario that hold data ([`DATA_FILES`]), as (name, bytes), in
/// memory: the same bytes as `lwsim run` writes, without the charts; and the monthly
/// statistics. The Python module uses it.
pub fn data_files(scenario: &Scenario, replicates: &[Replicate]) -> (Files, Vec<summary::MonthlyRow>) {
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
    let summary = json_bytes(&summary::summary_json(scenario, replicates));
    // In DATA_FILES' order.
    let bytes = [
        scenario.to_toml().into_bytes(),
        weekly,
        monthly,
        practices,
        headline_csv(replicates),
        summary,
    ];
    let files = DATA_FILES.iter().map(ToString::to_string).zip(bytes).collect();
    (files, monthly_rows)
}

/// Write every result file of one scenario into `dir` (already prepared). Returns the monthly
/// statistics of its charts, for a comparison.
///
/// # Errors
/// `Chart` when a chart cannot be drawn; `Io` when a file cannot be written (then no file of the
/// batch is renamed into place).
pub fn write_results(
    dir: &Path,
    scenario: &Scenario,
    replicates: &[Replicate],
    colour: usize,
    info: &RunInfo,
) -> Result<charts::Monthly, Error> {
    let mut batch = Batch::default();
    let (files, monthly) = result_files(scenario, replicates, colour)?;
    for (name, bytes) in files {
        batch.stage(dir.join(name), &bytes)?;
    }
    batch.stage(dir.join(RUN_JSON), &json_bytes(info))?;
    batch.commit()?;
    Ok(monthly)
}

/// One row of a comparison's headline.csv (a scenario's headline figure across its
/// replicates): written from it and read back into it ([`read_rows`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The scenario's name (its folder beside comparison/).
    pub scenario: String,
    /// The headline figure's name ([`summary::HEADLINE_NAMES`]).
    #[serde(deserialize_with = "summary::deserialize_name")]
    pub measure: crate::observe::Name,
    /// The mean (of the figure, or of the paired differences).
    #[serde(with = "number")]
    pub mean: f64,
    /// The 5th percentile.
    #[serde(with = "number")]
    pub p05: f64,
    /// The 95th percentile.
    #[serde(with = "number")]
    pub p95: f64,
}

/// One row of a comparison's effects.csv: a scenario's paired effect on a headline figure
/// against the reference ([`summary::effect_stats`]), in the figure's unit: how the replicates'
/// differences spread (`p05`, `p95`) and how precisely their mean is known (`se`, and the 90%
/// confidence interval `mean_lo` to `mean_hi`). Written from it and read back into it
/// ([`read_rows`]). Its first five columns are [`ComparisonRow`]'s, repeated rather than nested
/// because the csv crate cannot flatten a nested struct into columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// The scenario's name (its folder beside comparison/).
    pub scenario: String,
    /// The headline figure's name ([`summary::HEADLINE_NAMES`]).
    #[serde(deserialize_with = "summary::deserialize_name")]
    pub measure: crate::observe::Name,
    /// The mean of the paired differences.
    #[serde(with = "number")]
    pub mean: f64,
    /// The differences' 5th percentile.
    #[serde(with = "number")]
    pub p05: f64,
    /// The differences' 95th percentile.
    #[serde(with = "number")]
    pub p95: f64,
    /// The standard error of the mean difference (empty when fewer than two replicate pairs
    /// define the figure).
    #[serde(with = "number")]
    pub se: f64,
    /// The 90% confidence interval of the mean difference, lower end (empty as `se`).
    #[serde(with = "number")]
    pub mean_lo: f64,
    /// Its upper end.
    #[serde(with = "number")]
    pub mean_hi: f64,
}

/// One row of comparison/integration.csv: a scenario's integration rate in one month.
#[derive(Debug, Serialize)]
struct IntegrationRow<'a> {
    scenario: &'a str,
    month: u32,
    #[serde(serialize_with = "number::serialize")]
    mean: f64,
    #[serde(serialize_with = "number::serialize")]
    p05: f64,
    #[serde(serialize_with = "number::serialize")]
    p95: f64,
}

/// comparison/: headline.csv, integration.csv and their charts, for two or more scenarios, each
/// given as the monthly statistics of its charts (from [`write_results`]) and its replicates;
/// `mode` is the uncertainty every compared scenario ran under (the effects chart names it).
///
/// # Errors
/// `Io` when `dir` cannot be created or a file cannot be written; `Chart` when a chart cannot be
/// drawn.
pub fn write_comparison(
    dir: &Path,
    runs: &[(charts::Monthly, Vec<Replicate>)],
    mode: crate::scenario::uncertain::Uncertainty,
) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let months = runs
        .first()
        .and_then(|(_, reps)| reps.first())
        .map_or(0, |r| r.months.len().saturating_sub(1) as u32);
    let mut headline = Vec::new();
    let mut integration = Vec::new();
    for (monthly, reps) in runs {
        let scenario = monthly.scenario.as_str();
        for (i, measure) in summary::HEADLINE_NAMES.iter().enumerate() {
            if let Some(s) = summary::headline_stats(reps, i) {
                headline.push(ComparisonRow {
                    scenario: scenario.to_string(),
                    measure,
                    mean: s.mean,
                    p05: s.p05,
                    p95: s.p95,
                });
            }
        }
        let s = monthly.series(charts::INTEGRATION);
        for m in 0..s.month.len() {
            integration.push(IntegrationRow {
                scenario,
                month: s.month[m] as u32,
                mean: s.mean[m],
                p05: s.p05[m],
                p95: s.p95[m],
            });
        }
    }
    // Effects: every scenario but the first against the first, replicate by replicate.
    let mut effects = Vec::new();
    let mut effect_figures = Vec::new();
    if let Some(((reference, ref_reps), others)) = runs.split_first() {
        for (monthly, reps) in others {
            // Each figure's effect once, for the file and the chart.
            let stats: Vec<Option<summary::EffectStats>> = (0..summary::HEADLINE_NAMES.len())
                .map(|i| summary::effect_stats(ref_reps, reps, i))
                .collect();
            for (measure, s) in summary::HEADLINE_NAMES.iter().zip(&stats) {
                if let Some(s) = s {
                    effects.push(EffectRow {
                        scenario: monthly.scenario.clone(),
                        measure,
                        mean: s.mean,
                        p05: s.p05,
                        p95: s.p95,
                        se: s.se,
                        mean_lo: s.mean_lo,
                        mean_hi: s.mean_hi,
                    });
                }
            }
            let figures = compared(months)
                .iter()
                .map(|(measure, label)| {
                    let i = summary::headline_index(measure).expect("a headline name");
                    let (mean, p05, p95) = stats[i].map_or((0.0, 0.0, 0.0), |s| (s.mean, s.p05, s.p95));
                    charts::Figure { label, mean, p05, p95 }
                })
                .collect();
            effect_figures.push((monthly.scenario.clone(), monthly.colour, figures));
        }
        let mut batch = Batch::default();
        batch.stage(dir.join(EFFECTS_CSV), &csv_bytes(&effects))?;
        for (name, bytes) in chart_files(
            EFFECTS_CHART,
            charts::effects(&reference.scenario, &effect_figures, mode),
        )? {
            batch.stage(dir.join(name), &bytes)?;
        }
        batch.commit()?;
    }
    let mut batch = Batch::default();
    batch.stage(dir.join(HEADLINE_CSV), &csv_bytes(headline))?;
    batch.stage(dir.join(INTEGRATION_CSV), &csv_bytes(integration))?;
    let monthly: Vec<charts::Monthly> = runs.iter().map(|(m, _)| m.clone()).collect();
    let figures: Vec<(String, Vec<charts::Figure>)> = runs
        .iter()
        .map(|(m, reps)| (m.scenario.clone(), headline_figures(reps, months)))
        .collect();
    for (name, bytes) in chart_files(INTEGRATION_CHART, charts::comparison(&monthly))?
        .into_iter()
        .chain(chart_files(HEADLINE_CHART, charts::headline(&figures))?)
    {
        batch.stage(dir.join(name), &bytes)?;
    }
    batch.commit()
}

/// The headline shares the comparison's charts put side by side, as (name, chart label): the
/// labels are the figures' declarations' ([`summary::HeadlineFigure::chart`]).
pub const COMPARED: [(&str, &str); 7] = [
    summary::charted("integration_rate_24m"),
    summary::charted("share_connected"),
    summary::charted("share_not_engaged"),
    summary::charted("share_dropped_out"),
    summary::charted("share_unmet_need"),
    summary::charted("share_3plus_contacts"),
    summary::charted("lw_turnover_per_year"),
];

/// The figures the comparison's charts show for a run of `months` months: [`COMPARED`], with
/// integration at 60 months (runs of 60 months or more) and at the end (runs longer than 24
/// months whose end is not month 60) after integration at 24 months, so that a long run's charts
/// show the answer at its horizon (a cut from year 3 has no effect at 24 months). A run shorter
/// than 24 months has no integration at 24 months: integration at the end takes its place. The
/// months are the figures' own ([`summary::HeadlineFigure::month`]).
pub fn compared(months: u32) -> Vec<(&'static str, &'static str)> {
    const FIRST: u32 = summary::month("integration_rate_24m");
    const LATER: u32 = summary::month("integration_rate_60m");
    let mut figures = COMPARED.to_vec();
    if months < FIRST {
        figures[0] = summary::charted("integration_rate_end");
        return figures;
    }
    let mut at = 1;
    if months >= LATER {
        figures.insert(at, summary::charted("integration_rate_60m"));
        at += 1;
    }
    if months > FIRST && months != LATER {
        figures.insert(at, summary::charted("integration_rate_end"));
    }
    figures
}

fn headline_figures(reps: &[Replicate], months: u32) -> Vec<charts::Figure> {
    compared(months)
        .iter()
        .map(|(measure, label)| {
            let i = summary::headline_index(measure).expect("a headline name");
            let (mean, p05, p95) = summary::headline_stats(reps, i).map_or((0.0, 0.0, 0.0), |s| (s.mean, s.p05, s.p95));
            charts::Figure { label, mean, p05, p95 }
        })
        .collect()
}
