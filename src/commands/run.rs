//! `lwsim run`: read and check every scenario and every output directory before running
//! anything, run each scenario's replicates, write its results (and its page with `--report`),
//! then, for two or more scenarios, the comparison.

use std::path::PathBuf;
use std::time::Instant;

use super::{Ui, bar, command_line, done_line, warn};
use crate::cli::{ResultsOpts, RunArgs, exit};
use crate::error::Error;
use crate::human;
use crate::output::{self, DirLock, Kind, RunInfo};
use crate::scenario::{Scenario, load, uncertain};

/// `lwsim run`: see the module's documentation.
pub(super) fn run(args: RunArgs, ui: &dyn Ui) -> Result<u8, Error> {
    let overrides = overrides(&args);
    let overrides: Vec<(&str, &str)> = overrides.iter().map(|(o, s)| (*o, s.as_str())).collect();
    let RunArgs {
        scenarios: files,
        out,
        threads,
        results: ResultsOpts { force, quiet },
        report,
        ..
    } = args;
    let threads = threads.count()?;
    let mut scenarios = read_scenarios(&files, &overrides)?;
    let several = scenarios.len() > 1;
    // Warnings are shown under --quiet too: it silences progress, not what the user must know.
    crate::run::share_the_reference(&mut scenarios, &mut |warning| warn(ui, &warning))?;
    if several && let Some((f, s)) = scenarios.iter().find(|(_, s)| s.name == "comparison") {
        return Err(Error::Refused {
            path: f.clone(),
            message: format!(
                "is named `{}`, which collides with the comparison lwsim writes beside the scenarios' results; give it another `name` in its file",
                s.name
            ),
        });
    }
    let places = Places { out, several };
    places.refuse_nesting(&scenarios[0].1)?;
    let mut locks = Vec::new();
    for (_, s) in &scenarios {
        locks.push(DirLock::acquire(&places.dir_of(s), Kind::Run, force)?);
    }
    // The scenarios of the comparison this one replaces, read before it is replaced.
    let earlier = if several {
        earlier_scenarios(&places.comparison())
    } else {
        Vec::new()
    };
    if several {
        // A comparison is made anew from the scenarios just run: it replaces an older one.
        locks.push(DirLock::acquire(&places.comparison(), Kind::Comparison, true)?);
    }
    warn_before_run(&scenarios, ui);
    let command = command_line();
    let mode = scenarios[0].1.simulation.uncertainty;
    let mut runs = Vec::new();
    for (colour, (file, scenario)) in scenarios.into_iter().enumerate() {
        let start = Instant::now();
        let bar = bar(
            ui,
            quiet,
            &scenario.name,
            "replicates",
            Some(u64::from(scenario.simulation.replicates)),
        );
        let replicates = crate::run::run_all(&scenario, threads, &|| bar.inc(1))?;
        bar.finish();
        let info = RunInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.clone(),
            scenario_file: file.display().to_string(),
            seed: Some(scenario.simulation.seed),
            replicates: Some(scenario.simulation.replicates),
            threads: if threads == 0 {
                rayon::current_num_threads()
            } else {
                threads
            },
            seed_derivation: Some("splitmix64(splitmix64(seed) ^ replicate)".into()),
            generator: Some(crate::rng::GENERATOR.into()),
            uncertainty: Some(scenario.simulation.uncertainty),
            drawn: (!scenario.simulation.uncertainty.is_chance())
                .then(|| uncertain::drawn_keys(&scenario).into_iter().map(String::from).collect()),
            wall_seconds: start.elapsed().as_secs_f64(),
        };
        let dir = places.dir_of(&scenario);
        let monthly = output::write_results(&dir, &scenario, &replicates, colour, &info)?;
        if report {
            crate::report::write_report(&dir, true)?;
        }
        done_line(
            ui,
            quiet,
            &format!(
                "wrote {}: {} in {}{}",
                dir.display(),
                human::things(replicates.len() as u64, "replicate"),
                human::duration(info.wall_seconds),
                page_of(&dir, report)
            ),
        );
        if several {
            runs.push((monthly, replicates));
        }
    }
    if several {
        let dir = places.comparison();
        output::write_comparison(&dir, &runs, mode)?;
        if report {
            crate::report::write_report(&dir, true)?;
        }
        done_line(
            ui,
            quiet,
            &format!(
                "wrote {}: {} scenarios compared{}",
                dir.display(),
                runs.len(),
                page_of(&dir, report)
            ),
        );
    }
    for lock in locks {
        lock.finish();
    }
    if several {
        let now: Vec<&str> = runs.iter().map(|(m, _)| m.scenario.as_str()).collect();
        leave_earlier(&places.root(), &earlier, &now, force, ui)?;
    }
    Ok(exit::SUCCESS)
}

/// The scenarios the comparison in `dir` compared (the names in its headline.csv, in order);
/// none when there is no comparison there or its file does not read.
fn earlier_scenarios(dir: &std::path::Path) -> Vec<String> {
    let path = dir.join(output::HEADLINE_CSV);
    let rows: Vec<output::ComparisonRow> = output::read_rows(&path).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for row in rows {
        if !names.contains(&row.scenario) {
            names.push(row.scenario);
        }
    }
    names
}

/// The folders beside the new comparison of scenarios the comparison it replaced compared but
/// this one does not (`earlier` less `now`): with `force`, every file lwsim wrote in them is
/// removed (and each folder, once empty), as `--force` removes every file lwsim wrote where it
/// writes; without it they stay, and a warning says they are not part of this comparison.
fn leave_earlier(
    root: &std::path::Path,
    earlier: &[String],
    now: &[&str],
    force: bool,
    ui: &dyn Ui,
) -> Result<(), Error> {
    let gone: Vec<&str> = earlier
        .iter()
        .map(String::as_str)
        .filter(|n| !now.contains(n))
        .collect();
    if !force && !gone.is_empty() {
        warn(
            ui,
            &format!(
                "{}: replaced the comparison of {} that was there",
                root.join("comparison").display(),
                earlier.join(", ")
            ),
        );
    }
    for name in earlier.iter().filter(|n| !now.contains(&n.as_str())) {
        let dir = root.join(name);
        if Kind::of(&dir) != Some(Kind::Run) {
            continue;
        }
        if force {
            DirLock::acquire(&dir, Kind::Run, true)?.finish();
            let _ = std::fs::remove_dir(&dir); // only if nothing else is left in it
        } else {
            warn(
                ui,
                &format!(
                    "{}: results of the comparison this one replaced, not part of it (left as they were; --force removes them)",
                    dir.display()
                ),
            );
        }
    }
    Ok(())
}

/// The closing line's pointer to the page `--report` wrote in `dir` (empty without it): a
/// person reads the page first.
fn page_of(dir: &std::path::Path, report: bool) -> String {
    if report {
        format!("; the page: {}", dir.join("report.html").display())
    } else {
        String::new()
    }
}

/// The keys the flags set, as `--set` texts, each with the flag it came from, so that a message
/// names what the user typed: every `--set`, then `--replicates`, `--detail`, `--seed` and
/// `--uncertainty`.
fn overrides(args: &RunArgs) -> Vec<(&'static str, String)> {
    let mut overrides: Vec<(&str, String)> = args.sets.iter().map(|s| ("--set", s.clone())).collect();
    if let Some(n) = args.replicates {
        overrides.push(("--replicates", format!("simulation.replicates={n}")));
    }
    if let Some(n) = args.detail {
        overrides.push(("--detail", format!("output.detail_replicates={n}")));
    }
    if let Some(seed) = args.seed {
        overrides.push(("--seed", format!("simulation.seed={seed}")));
    }
    if let Some(mode) = &args.uncertainty {
        overrides.push(("--uncertainty", format!("simulation.uncertainty=\"{mode}\"")));
    }
    overrides
}

/// Every scenario file read and checked with the overrides, in order. Refused (exit 2): two
/// scenarios of the same name, whose results would share a directory.
fn read_scenarios(files: &[PathBuf], overrides: &[(&str, &str)]) -> Result<Vec<(PathBuf, Scenario)>, Error> {
    let mut scenarios: Vec<(PathBuf, Scenario)> = Vec::new();
    for f in files {
        let s = load::load_text(f, load::read_text(f)?, overrides)?;
        if let Some((other, _)) = scenarios.iter().find(|(_, o)| o.name == s.name) {
            return Err(Error::Refused {
                path: f.clone(),
                message: format!(
                    "has the same name `{}` as {}: results would share a directory",
                    s.name,
                    other.display()
                ),
            });
        }
        scenarios.push((f.clone(), s));
    }
    Ok(scenarios)
}

/// Where a run's results go: one scenario's in `--out` or `output/<name>/`; several scenarios'
/// in `<root>/<name>/` with their comparison in `<root>/comparison/`, the root being `--out` or
/// `output/`.
struct Places {
    /// `--out`.
    out: Option<PathBuf>,
    /// Two or more scenarios: a comparison.
    several: bool,
}

impl Places {
    /// The folder the scenarios' folders and the comparison go in.
    fn root(&self) -> PathBuf {
        match (&self.out, self.several) {
            (Some(o), true) => o.clone(),
            _ => "output".into(),
        }
    }

    /// A scenario's results directory.
    fn dir_of(&self, s: &Scenario) -> PathBuf {
        match (&self.out, self.several) {
            (Some(o), false) => o.clone(),
            _ => self.root().join(&s.name),
        }
    }

    /// The comparison's directory.
    fn comparison(&self) -> PathBuf {
        self.root().join("comparison")
    }

    /// Results do not nest: the scenarios' folders go beside each other, never inside results.
    /// `first` is the first scenario (a single run's).
    fn refuse_nesting(&self, first: &Scenario) -> Result<(), Error> {
        let nested = if self.several {
            let root = self.root();
            Kind::of(&root).map(|k| (root, format!("holds the results of {}", k.command())))
        } else {
            let dir = self.dir_of(first);
            (Kind::of(&dir.join("comparison")) == Some(Kind::Comparison)).then(|| {
                (
                    dir,
                    "holds the results of several scenarios and their comparison".to_string(),
                )
            })
        };
        match nested {
            Some((path, what)) => Err(Error::Refused {
                path,
                message: format!("{what}; results are not written inside other results: choose another --out"),
            }),
            None => Ok(()),
        }
    }
}

/// The warnings before a run: fewer than 20 replicates (the first scenario that has them), each
/// `--uncertainty full` scenario that draws no constant, and each annual cut that falls outside
/// the run.
fn warn_before_run(scenarios: &[(PathBuf, Scenario)], ui: &dyn Ui) {
    if let Some(w) = scenarios
        .iter()
        .find_map(|(_, s)| crate::run::weak_intervals(s.simulation.replicates))
    {
        warn(ui, &w);
    }
    for (f, s) in scenarios {
        if let Some(w) = crate::run::draws_nothing(f, s) {
            warn(ui, &w);
        }
        if let Some(w) = crate::run::cuts_nothing(f, s) {
            warn(ui, &w);
        }
    }
}
