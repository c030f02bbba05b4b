//! The explorer's requests as plain functions, without HTTP: a run specification becomes a
//! checked [`Scenario`] (read only from the scenarios folder), the scenario runs through the same
//! library calls as `lwsim run`, and the results become the JSON of INTERFACE.md ("`lwsim
//! serve`"). Everything here is synchronous; `api.rs` calls it on the blocking pool.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError};
use crate::run::{self, Replicate};
use crate::scenario::{Scenario, load, params};
use crate::summary;

/// A scenario as a request names it: a shipped scenario (file stem in the scenarios folder) or
/// TOML text, with `--set` overrides as a JSON object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// A name from `/api/scenarios` (`deep-end-baseline`, not a path).
    pub scenario: Option<String>,
    /// A scenario file's text, read as if it were a file in the scenarios folder.
    pub toml: Option<String>,
    /// Dotted key to value, as `--set KEY=VALUE`.
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
}

/// The body of `POST /api/run`: a [`RunSpec`]'s fields with the replicate count and seed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// As [`RunSpec::scenario`].
    pub scenario: Option<String>,
    /// As [`RunSpec::toml`].
    pub toml: Option<String>,
    /// As [`RunSpec::set`].
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// As `--replicates` (default: the scenario's).
    pub replicates: Option<u64>,
    /// As `--seed` (default: the scenario's).
    pub seed: Option<u64>,
}

impl RunRequest {
    /// The scenario part of the request.
    pub fn spec(&self) -> RunSpec {
        RunSpec {
            scenario: self.scenario.clone(),
            toml: self.toml.clone(),
            set: self.set.clone(),
        }
    }
}

/// The body of `POST /api/compare`: the reference, the changed scenario, and the replicate
/// count and seed both run with (replicate r of each starts from the same seed).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// The scenario compared against (the first file of `lwsim run A B`).
    pub reference: RunSpec,
    /// The changed scenario; it runs with the reference's seed and replicate count.
    pub scenario: RunSpec,
    /// As `--replicates`, for both.
    pub replicates: Option<u64>,
    /// As `--seed`, for both.
    pub seed: Option<u64>,
}

/// One row of `/api/keys`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    /// Dotted key, e.g. `funding.annual_cut`.
    pub key: &'static str,
    /// The value of `Scenario::default()`.
    pub default: serde_json::Value,
    /// Smallest value allowed (`null` for text keys).
    pub min: Option<f64>,
    /// Largest value allowed (`null` for text keys).
    pub max: Option<f64>,
    /// Unit, as docs/SCENARIOS.md gives it.
    pub unit: &'static str,
    /// What the key means.
    pub meaning: &'static str,
}

/// A run's result: exactly summary.json, and monthly.csv's rows.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    /// summary.json, value for value.
    pub summary: serde_json::Value,
    /// monthly.csv's rows (NaN becomes `null` in JSON).
    pub monthly: Vec<summary::MonthlyRow>,
}

/// One paired effect, as a row of comparison/effects.csv without its `scenario` column.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    /// A headline figure's name in summary.json.
    pub measure: &'static str,
    /// Mean over replicates of (scenario - reference), in the figure's unit.
    pub mean: f64,
    /// 5th percentile of the paired differences.
    pub p05: f64,
    /// 95th percentile of the paired differences.
    pub p95: f64,
    /// Standard error of the mean difference (null when fewer than two replicate pairs define
    /// the figure).
    pub se: f64,
    /// 90% confidence interval of the mean difference, lower end (null as `se`).
    pub mean_lo: f64,
    /// Its upper end.
    pub mean_hi: f64,
}

/// A comparison's result.
#[derive(Debug, Clone, Serialize)]
pub struct CompareResult {
    /// The reference's result.
    pub reference: RunResult,
    /// The changed scenario's result.
    pub scenario: RunResult,
    /// Every headline figure defined in both, paired replicate by replicate.
    pub effects: Vec<Effect>,
}

/// A checked scenario as the page shows it: its resolved TOML (what `lwsim run` reproduces) and
/// every key's value.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// As scenario.resolved.toml.
    pub toml: String,
    /// Every key's value, by dotted key.
    pub values: BTreeMap<&'static str, serde_json::Value>,
}

/// Where the server reads scenarios and how much work one request may ask for.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The scenarios folder (`--scenarios`): the only files ever read.
    pub scenarios: PathBuf,
    /// Most practice-weeks one request may simulate: replicates x practices x weeks, summed
    /// over the scenarios it runs.
    pub max_work: u64,
    /// Worker threads for one simulation (0: all cores).
    pub threads: usize,
    /// Longest a request's simulations may run; then it stops and is refused (the work cap is
    /// in practice-weeks, but a week of large practices costs more than one of small ones).
    pub max_seconds: f64,
}

/// What went wrong with a request: bad input (a 4xx with the CLI's message) or a failure of the
/// server (500).
#[derive(Debug)]
pub enum Failure {
    /// The request cannot be run as given.
    Bad(String),
    /// The server could not do what it should have.
    Internal(String),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Bad(e.to_string())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Input(_) | Error::Refused { .. } => Failure::Bad(e.to_string()),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// The scenario keys with their defaults, ranges, units and meanings.
pub fn keys() -> Vec<KeyRow> {
    let defaults = toml::Table::try_from(Scenario::default()).expect("a Scenario always serialises");
    params::SPECS
        .iter()
        .map(|s| {
            let numeric = s.kind != params::Kind::Text;
            KeyRow {
                key: s.key,
                default: params::lookup(&defaults, s.key).map_or(serde_json::Value::Null, json_of),
                min: numeric.then_some(s.min),
                max: numeric.then_some(s.max),
                unit: s.unit,
                meaning: s.doc,
            }
        })
        .collect()
}

fn json_of(v: &toml::Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// A `--set` value as the command line would be given it: a string as typed, anything else as
/// its JSON text (numbers, `true`, arrays), which TOML reads the same way.
fn set_text(key: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => format!("{key}={s}"),
        other => format!("{key}={other}"),
    }
}

impl Engine {
    /// The scenario names in the scenarios folder: the stems of its `.toml` files, sorted.
    ///
    /// # Errors
    /// The folder cannot be read.
    pub fn scenario_names(&self) -> Result<Vec<String>, Failure> {
        let entries = std::fs::read_dir(&self.scenarios).map_err(|e| {
            Failure::Internal(format!(
                "{}: cannot read the scenarios folder: {e}",
                self.scenarios.display()
            ))
        })?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".toml").map(str::to_string)
            })
            .filter(|n| params::valid_name(n))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Read and check a scenario as `lwsim run FILE --set ... --replicates N --seed S` would.
    ///
    /// # Errors
    /// Neither or both of `scenario` and `toml`; an unknown scenario name; every problem
    /// `lwsim run` reports (as its message); an `extends` outside the scenarios folder.
    pub fn load(&self, spec: &RunSpec, replicates: Option<u64>, seed: Option<u64>) -> Result<Scenario, Failure> {
        let (path, text) = match (&spec.scenario, &spec.toml) {
            (Some(name), None) => {
                let names = self.scenario_names()?;
                if !names.iter().any(|n| n == name) {
                    let hint = params::did_you_mean(
                        &params::suggest(name, names.iter().map(String::as_str), 0.7),
                        &format!("the scenarios are: {}", names.join(", ")),
                    );
                    return Err(Failure::Bad(format!("no scenario named {name:?}; {hint}")));
                }
                let path = self.scenarios.join(format!("{name}.toml"));
                let text = load::read_text(&path)?;
                (path, text)
            }
            (None, Some(text)) => (self.scenarios.join("uploaded.toml"), text.clone()),
            (Some(_), Some(_)) => {
                return Err(Failure::Bad(
                    "expected either \"scenario\" (a name) or \"toml\" (a file's text), found both".into(),
                ));
            }
            (None, None) => {
                return Err(Failure::Bad(
                    "expected \"scenario\" (a name from /api/scenarios) or \"toml\" (a scenario file's text)".into(),
                ));
            }
        };
        let mut overrides: Vec<(&str, String)> = spec.set.iter().map(|(k, v)| ("--set", set_text(k, v))).collect();
        if let Some(n) = replicates {
            overrides.push(("--replicates", format!("simulation.replicates={n}")));
        }
        if let Some(s) = seed {
            overrides.push(("--seed", format!("simulation.seed={s}")));
        }
        let overrides: Vec<(&str, &str)> = overrides.iter().map(|(o, s)| (*o, s.as_str())).collect();
        Ok(load::load_text_within(&path, text, &overrides, &self.scenarios)?)
    }

    /// Refuse work beyond [`Engine::max_work`], before anything runs.
    ///
    /// # Errors
    /// The scenarios together ask for more practice-weeks than the cap.
    pub fn check_work(&self, scenarios: &[&Scenario]) -> Result<(), Failure> {
        let work: u64 = scenarios
            .iter()
            .map(|s| {
                u64::from(s.simulation.replicates)
                    .saturating_mul(u64::from(s.practices.count))
                    .saturating_mul(u64::from(s.simulation.weeks))
            })
            .fold(0, u64::saturating_add);
        if work > self.max_work {
            return Err(Failure::Bad(format!(
                "too much work for one request: replicates x practices x weeks = {} (summed over the scenarios run), at most {} here; run fewer replicates, or use `lwsim run` for large runs",
                crate::human::count(work),
                crate::human::count(self.max_work)
            )));
        }
        Ok(())
    }

    /// The resolved scenario and its keys' values.
    ///
    /// # Errors
    /// As [`Engine::load`].
    pub fn resolve(&self, request: &RunRequest) -> Result<Resolved, Failure> {
        let scenario = self.load(&request.spec(), request.replicates, request.seed)?;
        let table = toml::Table::try_from(&scenario).map_err(|e| Failure::Internal(e.to_string()))?;
        let values = params::SPECS
            .iter()
            .filter_map(|s| params::lookup(&table, s.key).map(|v| (s.key, json_of(v))))
            .collect();
        Ok(Resolved {
            toml: scenario.to_toml(),
            values,
        })
    }

    /// The scenario of `POST /api/run`, read and checked, and the work it asks for within the
    /// cap (cheap: nothing runs yet).
    ///
    /// # Errors
    /// As [`Engine::load`] and [`Engine::check_work`].
    pub fn prepare_run(&self, request: &RunRequest) -> Result<Scenario, Failure> {
        let scenario = self.load(&request.spec(), request.replicates, request.seed)?;
        self.check_work(&[&scenario])?;
        Ok(scenario)
    }

    /// The two scenarios of `POST /api/compare`, read and checked, the second with the first's
    /// seed and replicate count (as `lwsim run REFERENCE SCENARIO`).
    ///
    /// # Errors
    /// As [`Engine::prepare_run`]; scenarios of different lengths.
    pub fn prepare_compare(&self, request: &CompareRequest) -> Result<(Scenario, Scenario), Failure> {
        let reference = self.load(&request.reference, request.replicates, request.seed)?;
        let scenario = self.load(&request.scenario, request.replicates, request.seed)?;
        let mut pair = [
            (PathBuf::from("\"reference\""), reference),
            (PathBuf::from("\"scenario\""), scenario),
        ];
        run::share_the_reference(&mut pair, &mut |_| {})?;
        let [(_, reference), (_, scenario)] = pair;
        self.check_work(&[&reference, &scenario])?;
        Ok((reference, scenario))
    }

    /// Run a prepared scenario: the answer to `POST /api/run`.
    ///
    /// # Errors
    /// None in practice ([`Failure::Internal`] if the run were interrupted).
    pub fn run(&self, scenario: &Scenario) -> Result<RunResult, Failure> {
        let start = Instant::now();
        let replicates = self.replicates(scenario, start)?;
        Ok(result(scenario, &replicates))
    }

    /// Run a prepared pair: the answer to `POST /api/compare`, with the paired effects of
    /// comparison/effects.csv.
    ///
    /// # Errors
    /// As [`Engine::run`].
    pub fn compare(&self, reference: &Scenario, scenario: &Scenario) -> Result<CompareResult, Failure> {
        let start = Instant::now();
        let ref_reps = self.replicates(reference, start)?;
        let reps = self.replicates(scenario, start)?;
        let effects = summary::HEADLINE_NAMES
            .iter()
            .enumerate()
            .filter_map(|(i, measure)| {
                summary::effect_stats(&ref_reps, &reps, i).map(|s| Effect {
                    measure,
                    mean: s.mean,
                    p05: s.p05,
                    p95: s.p95,
                    se: s.se,
                    mean_lo: s.mean_lo,
                    mean_hi: s.mean_hi,
                })
            })
            .collect();
        Ok(CompareResult {
            reference: result(reference, &ref_reps),
            scenario: result(scenario, &reps),
            effects,
        })
    }

    /// Every replicate, without the weekly detail nobody here reads (it changes no statistic),
    /// unless the request has run longer than [`Engine::max_seconds`] since `start`.
    fn replicates(&self, scenario: &Scenario, start: Instant) -> Result<Vec<Replicate>, Failure> {
        let lean = scenario
            .with_run(scenario.simulation.seed, scenario.simulation.replicates, 0)
            .expect("the scenario's own seed and replicates are in range");
        let max = self.max_seconds;
        run::run_all_checked(&lean, self.threads, &|| {}, &|| {
            if start.elapsed().as_secs_f64() > max {
                return Err(Failure::Bad(format!(
                    "stopped after {max} s: too much work for one request here; run fewer replicates, or use `lwsim run`"
                )));
            }
            Ok(())
        })
    }
}

fn result(scenario: &Scenario, replicates: &[Replicate]) -> RunResult {
    RunResult {
        summary: summary::summary_json(scenario, replicates),
        monthly: summary::monthly(replicates),
    }
}
