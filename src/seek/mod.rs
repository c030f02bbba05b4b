//! `lwsim seek`: the lever value at which a goal on a headline figure's mean is just met, with
//! its uncertainty ("the deepest funding cut that keeps 30% of practices fully integrated").
//!
//! `goal.rs` reads and checks the question, `method.rs` is the root-finding method (pure, generic
//! over the evaluation), `chart.rs` draws seek.png/.svg, `report.rs` the report page. This file
//! evaluates the model at a lever value (the lever set on the checked scenario as a sweep point
//! sets its keys, replicate r seeded as in `lwsim run` at every value) and writes the results.
//! See docs/SEEK.md.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError};
use crate::output::{Batch, DirLock, Kind};
use crate::scenario::{Scenario, load};

mod chart;
pub mod goal;
pub mod method;
pub mod report;

pub use goal::{Goal, Lever};
pub use method::From;

/// Replicates at each value of the coarse scan: this fraction of `--replicates` (at least 2).
pub const SCAN_SHARE: u32 = 4;
/// Lever values in the coarse scan (fewer for an integer key with a short range).
pub const SCAN_POINTS: usize = 21;
/// Bisection stops when the bracket is narrower than (max - min) / RESOLUTION.
pub const RESOLUTION: f64 = 1024.0;
/// Default `--replicates`.
pub const DEFAULT_REPLICATES: u32 = 400;

/// What `lwsim seek` is asked: the command line, unchecked ([`check`] checks it).
pub struct Options<'a> {
    /// The scenario file (TOML).
    pub scenario: &'a Path,
    /// `--set KEY=VALUE` overrides, applied in order before the lever.
    pub sets: &'a [String],
    /// `--lever`: the numeric scenario key turned, e.g. `funding.annual_cut`.
    pub lever: &'a str,
    /// `--goal`: `MEASURE >= X` or `MEASURE <= X`, on the mean of a summary.json figure.
    pub goal: &'a str,
    /// `--min`, in the lever's units: the low end of the range searched (default: the key's).
    pub min: Option<f64>,
    /// `--max`, in the lever's units: the high end of the range searched (default: the key's).
    pub max: Option<f64>,
    /// `--replicates`: replicates at each value near the crossing (default
    /// [`DEFAULT_REPLICATES`]; 2 to 1,000,000).
    pub replicates: Option<u32>,
    /// `--confidence` of the interval, strictly between 0 and 1 (e.g. 0.9).
    pub confidence: f64,
    /// `--from`: the end of the range the search starts from.
    pub from: From,
    /// `--seed`: the base seed (default the scenario's `simulation.seed`), at most `i64::MAX`.
    pub seed: Option<u64>,
    /// `--out`: the results directory (default [`default_dir`]).
    pub out: Option<PathBuf>,
    /// `--force`: overwrite a directory that already holds results.
    pub force: bool,
    /// Worker threads; 0 for rayon's default. Results do not depend on it.
    pub threads: usize,
    /// The command line, for run.json.
    pub command: Vec<String>,
    /// Called with the number of replicates run so far.
    pub progress: &'a (dyn Fn(u64) + Sync),
}

/// seek.json: the answer and how it was found (docs/SEEK.md lists the fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeekJson {
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario key turned.
    pub lever: String,
    /// The goal as text, `MEASURE >= X` or `MEASURE <= X`.
    pub goal: String,
    /// The summary.json figure whose mean the goal is on.
    pub measure: String,
    /// `>=` or `<=`.
    pub op: String,
    /// The goal's X, in the measure's units.
    pub target: f64,
    /// `low` or `high`: the end of the range the search started from.
    pub from: String,
    /// The low end of the range searched, in the lever's units.
    pub min: f64,
    /// The high end of the range searched, in the lever's units.
    pub max: f64,
    /// The lever value at which the goal is just met; null when it holds everywhere or nowhere.
    pub value: Option<f64>,
    /// [lo, hi] at `confidence`, lo <= hi, in the lever's units; null with `value`. The lever
    /// values at which the mean is not significantly different from the goal (test inversion);
    /// never widened to hold `value` (see `value_in_interval`).
    pub interval: Option<[f64; 2]>,
    /// Does `interval` hold `value`? The interval stands on the values evaluated around the
    /// bisection's crossing, so it does; false would mean the interval and the crossing
    /// disagree, and `notes` would say so. Null with `value` (and in seek.json files written
    /// before this field).
    #[serde(default)]
    pub value_in_interval: Option<bool>,
    /// The interval's confidence level, strictly between 0 and 1.
    pub confidence: f64,
    /// The answer in words (printed on stdout).
    pub answer: String,
    /// Why there is no value (null when there is one).
    pub reason: Option<String>,
    /// Does the goal hold at the `from` end of the range?
    pub holds_at_start: bool,
    /// Changes of the goal's status along the scan (more than 1: a non-monotone response).
    pub crossings: usize,
    /// Warnings in words: several crossings, an interval reaching the end of the range, a value
    /// outside its interval. Empty when there is nothing to say.
    pub notes: Vec<String>,
    /// Lever values evaluated (rows of seek.csv).
    pub evaluations: usize,
    /// Replicates at each value near the crossing.
    pub replicates: u32,
    /// Replicates at each value of the coarse scan (`replicates` / [`SCAN_SHARE`], at least 2).
    pub scan_replicates: u32,
    /// Replicates run in all.
    pub replicate_runs: u64,
    /// The base seed: replicate r starts from `replicate_seed(seed, r)` at every lever value.
    pub seed: u64,
    /// `chance` or `full` (`simulation.uncertainty`): whether each replicate also drew the
    /// uncertain constants ("chance" in seek.json files written before this field).
    #[serde(default)]
    pub uncertainty: crate::scenario::uncertain::Uncertainty,
    /// Is the lever a whole-number key (then `value` and `interval` are whole numbers)?
    pub integer: bool,
    /// The method in one sentence, with the scan size, replicates and test.
    pub method: String,
}

/// One row of seek.csv: one lever value evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Row {
    /// The lever value, in the lever's units.
    #[serde(
        serialize_with = "crate::output::number::serialize",
        deserialize_with = "crate::output::number::deserialize"
    )]
    pub value: f64,
    /// The measure's mean over the replicates whose outcome is defined (NaN if none is).
    #[serde(
        serialize_with = "crate::output::number::serialize",
        deserialize_with = "crate::output::number::deserialize"
    )]
    pub mean: f64,
    /// The measure's standard deviation across those replicates (0 for fewer than 2).
    #[serde(
        serialize_with = "crate::output::number::serialize",
        deserialize_with = "crate::output::number::deserialize"
    )]
    pub sd: f64,
    /// Replicates whose outcome is defined: the count behind `mean` and `sd`.
    pub replicates: u32,
}

/// What `lwsim seek` did: the results and where they are.
pub struct Outcome {
    /// The results directory written.
    pub dir: PathBuf,
    /// seek.json as written.
    pub json: SeekJson,
}

/// The default results directory, relative to the working directory:
/// `output/seek-<scenario name>-<lever>/`.
pub fn default_dir(scenario: &str, lever: &str) -> PathBuf {
    PathBuf::from("output").join(format!("seek-{scenario}-{lever}"))
}

/// Read and check everything `lwsim seek` is given, before anything runs: the scenario (with
/// `--set` and `--seed`), the goal, the lever and the method's settings.
///
/// # Errors
///
/// [`Error`] for an unreadable or invalid scenario or `--set`; an input error (exit 2) for an
/// unknown or non-numeric lever, a malformed goal or unknown measure, replicates outside
/// [2, 1000000], a confidence not strictly between 0 and 1, a seed above `i64::MAX`, a month
/// figure the run does not reach, `--min` or `--max` not a value the key takes, or min >= max.
pub fn check(opts: &Options) -> Result<(Scenario, Goal, Lever, method::Settings), Error> {
    let loaded = load::load(opts.scenario, opts.sets)?;
    let lever = goal::lever(opts.lever)?;
    let goal = goal::parse(opts.goal)?;
    let replicates = opts.replicates.unwrap_or(DEFAULT_REPLICATES);
    // At least 2 (a t-test needs a standard deviation), at most what a scenario's replicates may be.
    let most = crate::scenario::params::spec("simulation.replicates")
        .expect("a scenario key")
        .max;
    if replicates < 2 || f64::from(replicates) > most {
        return Err(InputError::at(
            "--replicates",
            None,
            format!("expected a value in [2, {most}], found {replicates}"),
        )
        .into());
    }
    if !(opts.confidence > 0.0 && opts.confidence < 1.0) {
        return Err(InputError::at(
            "--confidence",
            None,
            format!(
                "expected a value between 0 and 1, such as 0.9, found {}",
                opts.confidence
            ),
        )
        .into());
    }
    // Replicates are run one at a time, so the size limits of `lwsim run` are not seek's; the
    // seed's and the replicates' ranges are the scenario's.
    let base = loaded
        .with_run(opts.seed.unwrap_or(loaded.simulation.seed), replicates, 0)
        .map_err(|(key, message)| {
            let flag = if key == "simulation.seed" {
                "--seed"
            } else {
                "--replicates"
            };
            InputError::at(flag, Some(&key), message)
        })?;
    // A figure named for a month the run never reaches is undefined at every lever value.
    let months = crate::summary::months(base.simulation.weeks);
    if let Some(month) = crate::summary::FIGURES[goal.index].month
        && month > months
        && lever.key != "simulation.weeks"
    {
        return Err(InputError::at(
            "--goal",
            None,
            format!(
                "{} is taken at month {month}, but the scenario runs {} weeks ({months} months): \
                 use integration_rate_end, or set simulation.weeks to {} or more",
                goal.measure,
                base.simulation.weeks,
                crate::observe::month_end_week(month)
            ),
        )
        .into());
    }
    let (min, max) = (opts.min.unwrap_or(lever.min), opts.max.unwrap_or(lever.max));
    // Both ends must be values the key takes (range, whole numbers, rules tying keys together);
    // the keys' rules are linear, so every value between them is then valid too.
    for (flag, x) in [("--min", min), ("--max", max)] {
        if !x.is_finite() {
            return Err(InputError::at(flag, Some(&lever.key), format!("expected a finite number, found {x}")).into());
        }
        if let Err((_, message)) = load::with_values(
            &base,
            &[(
                lever.key.as_str(),
                crate::scenario::params::toml_number(x, lever.integer),
            )],
        ) {
            return Err(InputError::at(flag, Some(&lever.key), message).into());
        }
    }
    if min >= max {
        return Err(InputError::at(
            "--max",
            Some(&lever.key),
            format!("expected a value above --min ({min}), found {max}"),
        )
        .into());
    }
    let settings = method::Settings {
        min,
        max,
        integer: lever.integer,
        sense: goal.sense(),
        goal: goal.target,
        from: opts.from,
        scan_points: SCAN_POINTS,
        scan_replicates: replicates.div_ceil(SCAN_SHARE).max(2).min(replicates),
        replicates,
        confidence: opts.confidence,
        tolerance: (max - min) / RESOLUTION,
    };
    Ok((base, goal, lever, settings))
}

/// The outcome of every replicate in `reps` with the lever at `x`: replicate r runs from
/// `replicate_seed(base seed, r)` whatever `x` is (common random numbers). Returns one value
/// per replicate, in order: the headline figure `measure` (an index into `HEADLINE_NAMES`), NaN
/// where it is undefined, after an interruption, or (not reached after [`check`]) if `x` is not
/// a value the key takes.
pub fn evaluate(base: &Scenario, lever: &Lever, measure: usize, x: f64, reps: Range<u32>) -> Vec<f64> {
    match load::with_values(
        base,
        &[(
            lever.key.as_str(),
            crate::scenario::params::toml_number(x, lever.integer),
        )],
    ) {
        // After SIGINT or SIGTERM, replicates not yet started are skipped (NaN): the search
        // winds down quickly and `seek` then stops with `Error::Interrupted`.
        Ok(s) => reps
            .into_par_iter()
            .map(|r| match crate::interrupt::received() {
                Some(_) => f64::NAN,
                None => crate::run::run_replicate(&s, r).headline.values()[measure],
            })
            .collect(),
        // Not reached: both ends were checked, and the keys' rules are linear.
        Err(_) => vec![f64::NAN; reps.len()],
    }
}

/// Run `lwsim seek` and write its results (seek.json, seek.csv, seek.png/.svg,
/// scenario.resolved.toml, run.json), all renamed into place together.
///
/// # Errors
///
/// Everything [`check`] refuses; a directory holding results without `force`, or locked by
/// another command; [`Error::Interrupted`] after SIGINT or SIGTERM (nothing is written); a
/// chart that cannot be drawn; files that cannot be written.
pub fn seek(opts: &Options) -> Result<Outcome, Error> {
    let start = Instant::now();
    let (base, goal, lever, settings) = check(opts)?;
    let dir = opts.out.clone().unwrap_or_else(|| default_dir(&base.name, &lever.key));
    let lock = DirLock::acquire(&dir, Kind::Seek, opts.force)?;
    let done = AtomicU64::new(0);
    let eval = |x: f64, reps: Range<u32>| {
        let n = u64::from(reps.end - reps.start);
        let out = evaluate(&base, &lever, goal.index, x, reps);
        (opts.progress)(done.fetch_add(n, Ordering::Relaxed) + n);
        out
    };
    let found = match rayon::ThreadPoolBuilder::new().num_threads(opts.threads).build() {
        Ok(pool) => pool.install(|| method::search(&settings, &eval)),
        Err(_) => method::search(&settings, &eval),
    };
    crate::interrupt::check()?;
    let json = describe(&base, &goal, &lever, &settings, &found);
    let rows: Vec<Row> = found
        .points
        .iter()
        .map(|p| Row {
            value: p.value,
            mean: p.mean,
            sd: p.sd,
            replicates: p.replicates,
        })
        .collect();
    let mut batch = Batch::default();
    batch.stage(
        dir.join(crate::output::names::SEEK_JSON),
        &crate::output::json_bytes(&json),
    )?;
    batch.stage(
        dir.join(crate::output::names::SEEK_CSV),
        &crate::output::csv_bytes(&rows),
    )?;
    let rendered = chart::draw(&json, &rows).map_err(Error::Chart)?;
    let [png, svg] = crate::output::chart_names(crate::output::names::SEEK_CHART);
    batch.stage(dir.join(png), &rendered.png)?;
    batch.stage(dir.join(svg), rendered.svg.as_bytes())?;
    batch.stage(dir.join("scenario.resolved.toml"), base.to_toml().as_bytes())?;
    // run.json as `lwsim run` writes it, less what seek.json holds (seed, replicates).
    let info = crate::output::RunInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        command: opts.command.clone(),
        scenario_file: opts.scenario.display().to_string(),
        threads: if opts.threads == 0 {
            rayon::current_num_threads()
        } else {
            opts.threads
        },
        wall_seconds: start.elapsed().as_secs_f64(),
        ..Default::default()
    };
    batch.stage(dir.join(crate::output::RUN_JSON), &crate::output::json_bytes(&info))?;
    batch.commit()?;
    lock.finish();
    Ok(Outcome { dir, json })
}

/// How many decimals (0 to 9) to show lever values with: none for an integer key; else to suit
/// the range searched `[min, max]`, and more if the interval's ends would otherwise look the
/// same.
pub fn decimals(min: f64, max: f64, integer: bool, interval: Option<[f64; 2]>) -> usize {
    if integer {
        return 0;
    }
    let mut d = (2.0 - (max - min).log10().floor()).clamp(0.0, 9.0) as usize;
    if let Some([lo, hi]) = interval {
        while d < 9 && lo != hi && format!("{lo:.d$}") == format!("{hi:.d$}") {
            d += 1;
        }
    }
    d
}

/// A lever value for people, with `decimals` decimals (no thousands separators).
pub fn show(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

impl SeekJson {
    /// A lever value for people, to the precision of [`decimals`].
    pub fn show(&self, x: f64) -> String {
        show(x, decimals(self.min, self.max, self.integer, self.interval))
    }
}

/// seek.json from the method's answer.
fn describe(base: &Scenario, goal: &Goal, lever: &Lever, s: &method::Settings, found: &method::Found) -> SeekJson {
    let d = decimals(s.min, s.max, s.integer, found.interval.map(|(a, b)| [a, b]));
    let show = |x: f64| show(x, d);
    let from = match s.from {
        From::Low => "low",
        From::High => "high",
    };
    let goal_text = goal.to_string();
    let key = &lever.key;
    let range = format!("[{}, {}]", show(s.min), show(s.max));
    let mut notes = Vec::new();
    let (answer, reason, interval) = match (found.value, found.interval) {
        (Some(v), Some((lo, hi))) => {
            // Goal holds at the start, searching up: the largest value keeping it; fails at the
            // start: the smallest value meeting it. Mirrored from the high end.
            let word = match (s.from, found.holds_at_start) {
                (From::Low, true) | (From::High, false) => "largest",
                (From::Low, false) | (From::High, true) => "smallest",
            };
            let verb = if found.holds_at_start { "keeping" } else { "meeting" };
            let inside = lo <= v && v <= hi;
            let answer = format!(
                "the {word} {key} {verb} {goal_text} is {} ({:.0}%: {} to {}){}",
                show(v),
                100.0 * s.confidence,
                show(lo),
                show(hi),
                if inside {
                    ""
                } else {
                    "; the value lies outside its interval (see the notes in seek.json)"
                }
            );
            if !inside {
                notes.push(format!(
                    "the value {} lies outside its interval ({} to {}): the estimated mean crosses the goal there, but the test at the values evaluated puts the crossing in the interval, so the mean is jagged (or sharply curved) at a finer scale than they are spaced (the scan's spacing is {}); the interval is the honest uncertainty, the value one crossing of a jagged curve: narrow --min/--max around the interval to look closer, or raise --replicates",
                    show(v),
                    show(lo),
                    show(hi),
                    show((s.max - s.min) / (grid_len(s).max(2) - 1) as f64)
                ));
            }
            if found.crossings > 1 {
                notes.push(format!(
                    "the response is not monotone: the goal changes between met and not met {} times over {range}; this is the first change from the {from} end (--from)",
                    found.crossings
                ));
            }
            let (start_open, far_open) = found.open;
            let (low_open, high_open) = match s.from {
                From::Low => (start_open, far_open),
                From::High => (far_open, start_open),
            };
            if low_open || high_open {
                let ends: Vec<&str> = [(low_open, "min"), (high_open, "max")]
                    .iter()
                    .filter(|(o, _)| *o)
                    .map(|(_, e)| *e)
                    .collect();
                notes.push(format!(
                    "the interval reaches the end of the range searched ({}): the mean is not clearly different from the goal up to there",
                    ends.join(" and ")
                ));
            }
            (answer, None, Some(([lo, hi], inside)))
        }
        _ => {
            let closest = found
                .points
                .iter()
                .filter(|p| p.mean.is_finite())
                .min_by(|a, b| (a.mean - goal.target).abs().total_cmp(&(b.mean - goal.target).abs()));
            let nearest = closest.map_or(String::new(), |p| {
                format!(
                    "; the mean comes nearest the goal, at {}, where {key} = {}",
                    show_mean(p.mean),
                    show(p.value)
                )
            });
            let reason = if found.holds_at_start {
                format!(
                    "{goal_text} holds at every value of {key} evaluated in {range}: the whole range keeps the goal{nearest}"
                )
            } else {
                format!(
                    "{goal_text} holds at no value of {key} evaluated in {range}: no value in the range meets the goal{nearest}"
                )
            };
            (format!("no answer: {reason}"), Some(reason), None)
        }
    };
    SeekJson {
        scenario: base.name.clone(),
        lever: key.clone(),
        goal: goal_text,
        measure: goal.measure.clone(),
        op: goal.op.as_str().to_string(),
        target: goal.target,
        from: from.to_string(),
        min: s.min,
        max: s.max,
        value: found.value,
        interval: interval.map(|(i, _)| i),
        value_in_interval: interval.map(|(_, inside)| inside),
        confidence: s.confidence,
        answer,
        reason,
        holds_at_start: found.holds_at_start,
        crossings: found.crossings,
        notes,
        evaluations: found.points.len(),
        replicates: s.replicates,
        scan_replicates: s.scan_replicates,
        replicate_runs: found.runs,
        seed: base.simulation.seed,
        uncertainty: base.simulation.uncertainty,
        integer: s.integer,
        method: format!(
            "scan of {} values ({} replicates each), bisection on the mean with {} replicates near the crossing, common random numbers; interval: lever values where the mean is not significantly different from the goal (t-test, two-sided, at {})",
            grid_len(s),
            s.scan_replicates,
            s.replicates,
            s.confidence
        ),
    }
}

fn grid_len(s: &method::Settings) -> usize {
    method::grid(s).len()
}

/// A mean for people: 3 significant digits (whole numbers from 1,000 up; `0`, `NaN` and
/// infinities as Rust writes them).
pub fn show_mean(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (2.0 - x.abs().log10().floor()).clamp(0.0, 9.0) as usize;
    format!("{x:.decimals$}")
}

/// The command that reproduces a seek from `dir`'s resolved scenario (every setting spelled out,
/// quoted for a POSIX shell), writing to `NEW_DIRECTORY`.
pub fn reproduce_command(dir: &Path, json: &SeekJson) -> String {
    let resolved = dir.join("scenario.resolved.toml").display().to_string();
    let words: Vec<String> = vec![
        "lwsim".into(),
        "seek".into(),
        resolved,
        "--lever".into(),
        json.lever.clone(),
        "--goal".into(),
        json.goal.clone(),
        "--min".into(),
        json.min.to_string(),
        "--max".into(),
        json.max.to_string(),
        "--replicates".into(),
        json.replicates.to_string(),
        "--confidence".into(),
        json.confidence.to_string(),
        "--from".into(),
        json.from.clone(),
        "--seed".into(),
        json.seed.to_string(),
        "--out".into(),
        "NEW_DIRECTORY".into(),
    ];
    crate::human::shell_command(&words)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value outside its interval (a jagged mean) is said, not hidden: the interval stays as
    /// the method gives it, `value_in_interval` is false, the answer and a note say so.
    #[test]
    fn a_value_outside_its_interval_is_reported() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/deep-end-baseline.toml");
        let opts = Options {
            scenario: &path,
            sets: &[],
            lever: "funding.annual_cut",
            goal: "integration_rate_24m >= 0.3",
            min: None,
            max: None,
            replicates: Some(8),
            confidence: 0.9,
            from: From::Low,
            seed: None,
            out: None,
            force: false,
            threads: 1,
            command: Vec::new(),
            progress: &|_| {},
        };
        let (base, goal, lever, settings) = check(&opts).unwrap();
        let found = |value: f64| method::Found {
            value: Some(value),
            interval: Some((0.46, 0.49)),
            holds_at_start: true,
            crossings: 1,
            open: (false, false),
            points: Vec::new(),
            runs: 0,
        };
        let j = describe(&base, &goal, &lever, &settings, &found(0.44));
        assert_eq!((j.interval, j.value_in_interval), (Some([0.46, 0.49]), Some(false)));
        assert!(
            j.answer
                .contains("is 0.44 (90%: 0.46 to 0.49); the value lies outside its interval"),
            "{}",
            j.answer
        );
        assert!(
            j.notes
                .iter()
                .any(|n| n.starts_with("the value 0.44 lies outside its interval (0.46 to 0.49)")),
            "{:?}",
            j.notes
        );
        let j = describe(&base, &goal, &lever, &settings, &found(0.47));
        assert_eq!(j.value_in_interval, Some(true));
        assert!(
            j.notes.is_empty() && j.answer.ends_with("is 0.47 (90%: 0.46 to 0.49)"),
            "{}",
            j.answer
        );
    }

    #[test]
    fn values_are_shown_to_the_precision_of_the_range() {
        assert_eq!(show(0.1734, decimals(0.0, 1.0, false, None)), "0.17");
        assert_eq!(show(37.0, decimals(1.0, 1000.0, true, None)), "37");
        assert_eq!(show(0.1734, decimals(0.1, 0.3, false, None)), "0.173");
        assert_eq!(decimals(0.0, 1.0, false, Some([0.2061, 0.2139])), 3);
        assert_eq!(show_mean(0.30041), "0.300");
        assert_eq!(show_mean(1234.5), "1234");
    }
}
