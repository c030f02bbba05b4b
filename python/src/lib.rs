//! `lwsim._lwsim`: the compiled half of the Python package `lwsim` (python/lwsim/__init__.py is
//! the other half, which turns what this returns into pandas objects).
//!
//! Everything here calls the `lwsim` library as the command line does, so the numbers are the
//! CLI's: a run returns the bytes `lwsim run` would write (summary.json, monthly.csv, weekly.csv,
//! practices.csv, headline.csv, scenario.resolved.toml; from `output::data_files`), without
//! writing anything.
//!
//! The model runs on a thread of its own with the GIL released; the calling thread waits in
//! short slices without the GIL and, between them, lets Python handle signals
//! (`Python::check_signals`). A KeyboardInterrupt there stops the run between replicates (a flag
//! the replicates check, or `lwsim::interrupt::request` for a sweep) and is raised once the
//! model's thread has stopped. Errors map as the CLI's exit codes do: bad input (exit 2)
//! `ValueError` with the CLI's message (a scenario file that does not exist:
//! `FileNotFoundError`), a failure to write (exit 1) `OSError`, an interruption
//! `KeyboardInterrupt`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lwsim::error::{Error, InputError};
use lwsim::run::{Replicate, run_replicate};
use lwsim::scenario::{Scenario, load, params, reference};
use pyo3::exceptions::{PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rayon::prelude::*;

/// How long the calling thread waits without the GIL before it looks for signals again.
const POLL: Duration = Duration::from_millis(20);

/// Most worker threads, as `--threads` takes.
const MAX_THREADS: usize = lwsim::cli::MAX_THREADS;

/// POSIX's "no such file or directory".
const ENOENT: i32 = 2;

/// The message `lwsim::scenario::load::read_text` gives for a file that does not exist.
const NO_SUCH_FILE: &str = "cannot read file: no such file";

/// Is this bad-input error only "no such file" (the scenario or sweep file, or one it names)?
fn missing_file(e: &InputError) -> bool {
    matches!(e.problems.as_slice(), [p] if p.key.is_none() && p.message == NO_SUCH_FILE)
}

/// The Python exception for an error of the library, with the message the CLI prints after
/// `error: `.
fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let message = e.to_string();
    if let Error::Input(input) = &e
        && missing_file(input)
    {
        let err = PyFileNotFoundError::new_err(message);
        // errno as open() sets it; not `filename`, which would change str(err) from the
        // CLI's message (the message names the file).
        let _ = err.value(py).setattr("errno", ENOENT);
        return err;
    }
    match (&e, e.exit_code()) {
        (Error::Chart(_), _) => PyRuntimeError::new_err(message),
        (_, 2) => PyValueError::new_err(message),
        (_, 130 | 143) => PyKeyboardInterrupt::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

/// Run `work` on a thread of its own with the GIL released, looking for signals every
/// [`POLL`]. On a KeyboardInterrupt (or any exception a signal handler raises), `stop` is
/// called, the work's thread is waited for, and the exception is returned.
fn run_detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> Result<T, Error> + Send,
    stop: impl Fn(&AtomicBool),
) -> PyResult<T> {
    let flag = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let caller = std::thread::current();
    let outcome = std::thread::scope(|scope| {
        let (flag, done) = (&flag, &done);
        let handle = scope.spawn(move || {
            let result = work(flag);
            done.store(true, Ordering::Release);
            caller.unpark();
            result
        });
        // Wait without the GIL until the work is done (woken at once by unpark), looking for
        // signals every POLL.
        while !(done.load(Ordering::Acquire) || handle.is_finished()) {
            py.detach(|| std::thread::park_timeout(POLL));
            if done.load(Ordering::Acquire) || handle.is_finished() {
                break;
            }
            if let Err(signal) = py.check_signals() {
                stop(flag);
                // Replicates (or points) under way finish; none starts after the stop.
                let _ = py.detach(|| handle.join());
                return Err(signal);
            }
        }
        py.detach(|| handle.join()).map_err(|panic| {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            PyRuntimeError::new_err(format!(
                "lwsim failed inside the model (a bug; please report it): {what}"
            ))
        })
    })?;
    outcome.map_err(|e| to_py_err(py, e))
}

/// Every replicate of `scenario` on `threads` threads (0: all cores), in replicate order: as
/// `lwsim::run::run_all` (the same `run_replicate` for each index, collected in order, so the
/// same numbers), stopping between replicates once `stop` is set.
fn replicates(scenario: &Scenario, threads: usize, stop: &AtomicBool) -> Result<Vec<Replicate>, Error> {
    let n = scenario.simulation.replicates;
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                if stop.load(Ordering::Relaxed) {
                    return Err(Error::Interrupted { status: 130 });
                }
                Ok(run_replicate(scenario, i))
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn check_threads(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        None => Ok(0),
        Some(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        Some(n) => Err(PyValueError::new_err(format!(
            "threads: expected 1 to {MAX_THREADS} (None: all cores), found {n}"
        ))),
    }
}

/// Run a scenario and return its result files' bytes, as `lwsim run` would write them.
///
/// `path` names the scenario file (`-`: standard input); with `text`, the scenario is that text
/// and `path` only names it in messages and anchors a relative `extends`. `overrides` are
/// (flag, "KEY=VALUE") pairs, applied in order as the CLI applies `--set`, `--replicates`,
/// `--detail` and `--seed`; messages name the flag. Returns {file name: bytes}.
#[pyfunction]
#[pyo3(signature = (path, text=None, overrides=Vec::new(), threads=None))]
fn run_files<'py>(
    py: Python<'py>,
    path: PathBuf,
    text: Option<String>,
    overrides: Vec<(String, String)>,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, Vec<String>)> {
    let threads = check_threads(threads)?;
    let (files, warnings) = run_detached(
        py,
        |stop| {
            let scenario = load_scenario(&path, text, &overrides)?;
            let warnings: Vec<String> = lwsim::run::weak_intervals(scenario.simulation.replicates)
                .into_iter()
                .chain(lwsim::run::draws_nothing(&path, &scenario))
                .collect();
            let reps = replicates(&scenario, threads, stop)?;
            Ok((lwsim::output::data_files(&scenario, &reps).0, warnings))
        },
        |flag| flag.store(true, Ordering::Relaxed),
    )?;
    let dict = PyDict::new(py);
    for (name, bytes) in files {
        dict.set_item(name, PyBytes::new(py, &bytes))?;
    }
    Ok((dict, warnings))
}

/// The scenario at `path` (its text `text` if given, else the file's) with `overrides`
/// (`--set`'s (key, value) pairs), read and checked as `lwsim run` reads it.
fn load_scenario(
    path: &std::path::Path,
    text: Option<String>,
    overrides: &[(String, String)],
) -> Result<lwsim::Scenario, lwsim::Error> {
    let sets: Vec<(&str, &str)> = overrides.iter().map(|(f, s)| (f.as_str(), s.as_str())).collect();
    let text = match text {
        Some(t) => t,
        None => load::read_text(path)?,
    };
    Ok(load::load_text(path, text, &sets)?)
}

/// Check a scenario without running it (`lwsim validate`): its resolved TOML, or the error.
#[pyfunction]
#[pyo3(signature = (path, text=None, overrides=Vec::new()))]
fn resolve(py: Python<'_>, path: PathBuf, text: Option<String>, overrides: Vec<(String, String)>) -> PyResult<String> {
    run_detached(py, |_| Ok(load_scenario(&path, text, &overrides)?.to_toml()), |_| {})
}

/// Run (or resume) the sweep file at `path` into the directory `out`, as `lwsim sweep` does;
/// returns the sweep's name and design. A KeyboardInterrupt stops it between points (the
/// directory then holds the finished points: `resume=True` continues).
#[pyfunction]
#[pyo3(signature = (path, out, threads=None, resume=false, force=false))]
fn sweep_into(
    py: Python<'_>,
    path: PathBuf,
    out: PathBuf,
    threads: Option<usize>,
    resume: bool,
    force: bool,
) -> PyResult<(String, String)> {
    use lwsim::sweep::run::{self, Shard};
    let threads = check_threads(threads)?;
    lwsim::interrupt::clear_request();
    let result = run_detached(
        py,
        |_| {
            let sweep = lwsim::sweep::spec::read(&path)?;
            let design = serde_design(&sweep);
            run::run(
                &sweep,
                &run::Options {
                    out: Path::new(&out),
                    threads,
                    resume,
                    force,
                    shard: Shard::WHOLE,
                    progress: &|_, _| {},
                },
            )?;
            Ok((sweep.name.clone(), design))
        },
        // The sweep runner looks at the library's own stop (it stops between points).
        |_| lwsim::interrupt::request(130),
    );
    lwsim::interrupt::clear_request();
    result
}

/// The design's name as sweep files spell it.
fn serde_design(sweep: &lwsim::sweep::spec::Sweep) -> String {
    toml::Value::try_from(sweep.design)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The key table (`lwsim keys`), one tuple a key: (key, kind, default, min, max, unit, source,
/// meaning); min and max are None for text keys.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn key_table(
    py: Python<'_>,
) -> PyResult<
    Vec<(
        &'static str,
        &'static str,
        Py<PyAny>,
        Option<f64>,
        Option<f64>,
        &'static str,
        &'static str,
        &'static str,
    )>,
> {
    let defaults = toml::Table::try_from(Scenario::default()).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let mut rows = Vec::with_capacity(params::SPECS.len());
    for s in params::SPECS {
        let default: Py<PyAny> = match params::lookup(&defaults, s.key) {
            Some(toml::Value::Integer(i)) => i.into_pyobject(py)?.into_any().unbind(),
            Some(toml::Value::Float(f)) => f.into_pyobject(py)?.into_any().unbind(),
            Some(toml::Value::Boolean(b)) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
            Some(toml::Value::String(t)) => t.into_pyobject(py)?.into_any().unbind(),
            Some(other) => other.to_string().into_pyobject(py)?.into_any().unbind(),
            None => py.None(),
        };
        let (kind, range) = match s.kind {
            params::Kind::Int => ("int", true),
            params::Kind::Real => ("real", true),
            params::Kind::Text => ("text", false),
        };
        rows.push((
            s.key,
            kind,
            default,
            range.then_some(s.min),
            range.then_some(s.max),
            s.unit,
            s.source,
            s.doc,
        ));
    }
    Ok(rows)
}

/// The key reference as Markdown, exactly `lwsim keys` (docs/SCENARIOS.md).
#[pyfunction]
fn keys_markdown() -> String {
    reference::markdown()
}

/// The weekly measures as declared in `lwsim::observe::WEEKLY`, in weekly.csv's column order
/// (after replicate, seed, week, month): one tuple a measure, (name, kind, unit, label,
/// integer); kind is "stock" or "flow", integer whether it counts whole things (an integer
/// column of weekly.csv).
#[pyfunction]
fn weekly_measures() -> Vec<(&'static str, &'static str, &'static str, &'static str, bool)> {
    lwsim::observe::WEEKLY
        .iter()
        .map(|m| {
            let kind = match m.kind {
                lwsim::observe::Kind::Stock => "stock",
                lwsim::observe::Kind::Flow => "flow",
            };
            (m.name, kind, m.unit, m.label, m.integer)
        })
        .collect()
}

#[pymodule]
fn _lwsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(run_files, m)?)?;
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_into, m)?)?;
    m.add_function(wrap_pyfunction!(key_table, m)?)?;
    m.add_function(wrap_pyfunction!(keys_markdown, m)?)?;
    m.add_function(wrap_pyfunction!(weekly_measures, m)?)?;
    Ok(())
}
