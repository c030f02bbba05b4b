//! The `lwsim` command line: argument parsing (the definition is in `lwsim::cli`), dispatch and
//! printing only; the work is in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use lwsim::cli::{self, Cli, Command, RunArgs, SeekArgs, SeekFrom, ServeArgs, Shell, SlurmArgs, SweepOpts, exit};
use lwsim::error::Error;
use lwsim::human;
use lwsim::output::{self, Kind, RunInfo};
use lwsim::scenario::{load, params};
use lwsim::{Scenario, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Commands that run the model stop cleanly between replicates or points; the others end at
    // once on Ctrl-C, as any program does (they leave no temporary files under a final name).
    let long_running = matches!(
        cli.command,
        Command::Run(_)
            | Command::Sweep { .. }
            | Command::Calibrate { .. }
            | Command::Targets { .. }
            | Command::DoseResponse { .. }
            | Command::Seek(_)
    );
    if long_running && let Err(e) = lwsim::interrupt::install() {
        eprintln!("warning: cannot handle Ctrl-C cleanly ({e}); an interrupted run may leave temporary files");
    }
    let result = match cli.command {
        Command::Run(args) => run_command(args),
        Command::Validate { files } => validate(&files),
        Command::Sweep { file, opts, shard } => sweep_command(&file, opts, shard.as_deref()),
        Command::Calibrate { config, opts } => {
            let SweepOpts {
                out,
                threads,
                resume,
                force,
                quiet,
            } = opts;
            let start = Instant::now();
            let bar = points_bar("calibration", quiet);
            let progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            threads
                .count()
                .map_err(Error::from)
                .and_then(|threads| lwsim::calibrate::calibrate(&config, out, threads, resume, force, &progress))
                .and_then(|dir| {
                    bar.finish_and_clear();
                    done_line(
                        quiet,
                        &format!(
                            "wrote {}: calibration in {}",
                            dir.display(),
                            human::duration(start.elapsed().as_secs_f64())
                        ),
                    );
                    print(&format!("{}\n", dir.join("chosen.toml").display()))
                })
        }
        Command::Targets {
            scenario,
            targets,
            replicates,
            threads,
        } => threads
            .count()
            .map_err(Error::from)
            .and_then(|threads| targets_command(&scenario, targets, replicates, threads)),
        Command::DoseResponse {
            scenario,
            replicates,
            out,
            force,
            quiet,
            threads,
        } => threads
            .count()
            .map_err(Error::from)
            .and_then(|threads| dose_command(&scenario, replicates, &out, force, quiet, threads)),
        Command::Merge {
            shards,
            out,
            force,
            quiet,
        } => lwsim::sweep::merge::merge(&shards, &out, force).map(|warnings| {
            sweep_warnings(&out, &warnings);
            done_line(
                quiet,
                &format!(
                    "wrote {}: {} shards merged",
                    out.display(),
                    human::count(shards.len() as u64)
                ),
            );
            ExitCode::SUCCESS
        }),
        Command::Keys => print(&params::markdown()),
        Command::Report { dir, force, quiet } => lwsim::report::write_report(&dir, force).map(|_| {
            done_line(quiet, &format!("wrote {}", dir.join("report.html").display()));
            ExitCode::SUCCESS
        }),
        Command::Completions { shell } => completions(shell),
        Command::Man { dir } => man_pages(&dir),
        Command::Help { command } => help(command.as_deref()),
        Command::Seek(args) => seek_command(&args),
        Command::Slurm(args) => slurm_command(&args),
        Command::Serve(args) => serve_command(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The one line on stderr that ends a command that wrote files (unless `--quiet`), on a
/// terminal or not, so that a log says where the results went.
fn done_line(quiet: bool, text: &str) {
    if !quiet {
        eprintln!("{text}");
    }
}

/// Print to stdout; a closed pipe (`lwsim keys | head`) is not an error.
fn print(text: &str) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("<stdout>", e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Is this text a sweep file (it has a top-level `design`, `scenario` or `parameter` key)
/// rather than a scenario? Read leniently (any value TOML's grammar takes), so that a sweep file
/// with a bad value is still checked as a sweep.
fn is_sweep_text(text: &str) -> bool {
    toml::de::DeTable::parse(text).is_ok_and(|t| {
        ["design", "scenario", "parameter"]
            .iter()
            .any(|k| t.get_ref().contains_key(*k))
    })
}

fn validate(files: &[PathBuf]) -> Result<ExitCode, Error> {
    let mut failed = false;
    let mut report = String::new();
    for f in files {
        // Read once: standard input and pipes can be read only once.
        let checked = load::read_text(f).and_then(|text| {
            if is_sweep_text(&text) {
                lwsim::sweep::spec::read_from(f, text).map(|_| ())
            } else {
                load::load_text(f, text, &[]).map(|_| ())
            }
        });
        match checked {
            Ok(_) => report.push_str(&format!("{}: ok\n", f.display())),
            Err(e) => {
                failed = true;
                eprintln!("error: {e}");
            }
        }
    }
    print(&report)?;
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn run_command(args: RunArgs) -> Result<ExitCode, Error> {
    // Each override with the flag it came from, so that a message names what the user typed.
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
    let overrides: Vec<(&str, &str)> = overrides.iter().map(|(o, s)| (*o, s.as_str())).collect();
    let RunArgs {
        scenarios: files,
        out,
        threads,
        force,
        quiet,
        report,
        ..
    } = args;
    let threads = threads.count()?;
    // Read and check every scenario, and every output directory, before running anything.
    let mut scenarios: Vec<(PathBuf, Scenario)> = Vec::new();
    for f in &files {
        let s = load::load_text(f, load::read_text(f)?, &overrides)?;
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
    let several = scenarios.len() > 1;
    run::share_the_reference(&mut scenarios, &mut |warning| {
        if !quiet {
            eprintln!("warning: {warning}");
        }
    })?;
    if several && let Some((f, s)) = scenarios.iter().find(|(_, s)| s.name == "comparison") {
        return Err(Error::Refused {
            path: f.clone(),
            message: format!(
                "is named `{}`, which collides with the comparison lwsim writes beside the scenarios' results; give it another `name` in its file",
                s.name
            ),
        });
    }
    let root = if several {
        out.clone().unwrap_or_else(|| "output".into())
    } else {
        "output".into()
    };
    let dir_of = |s: &Scenario| match (&out, several) {
        (Some(o), false) => o.clone(),
        _ => root.join(&s.name),
    };
    // Results do not nest: the scenarios' folders go beside each other, never inside results.
    let nested = if several {
        Kind::of(&root).map(|k| (root.clone(), format!("holds the results of {}", k.command())))
    } else {
        let dir = dir_of(&scenarios[0].1);
        (Kind::of(&dir.join("comparison")) == Some(Kind::Comparison)).then(|| {
            (
                dir,
                "holds the results of several scenarios and their comparison".to_string(),
            )
        })
    };
    if let Some((path, what)) = nested {
        return Err(Error::Refused {
            path,
            message: format!("{what}; results are not written inside other results: choose another --out"),
        });
    }
    let mut locks = Vec::new();
    for (_, s) in &scenarios {
        locks.push(output::DirLock::acquire(&dir_of(s), Kind::Run, force)?);
    }
    if several {
        // A comparison is made anew from the scenarios just run: it replaces an older one.
        locks.push(output::DirLock::acquire(
            &root.join("comparison"),
            Kind::Comparison,
            true,
        )?);
    }
    if let Some((_, s)) = scenarios.iter().find(|(_, s)| s.simulation.replicates < 20)
        && !quiet
    {
        eprintln!(
            "warning: {} {}: intervals from fewer than 20 replicates are unreliable{}",
            s.simulation.replicates,
            if s.simulation.replicates == 1 {
                "replicate"
            } else {
                "replicates"
            },
            if s.simulation.replicates == 1 {
                " (with one, there is no interval at all)"
            } else {
                ""
            }
        );
    }
    for (f, s) in &scenarios {
        if !s.simulation.uncertainty.is_chance() && !quiet {
            let drawn = lwsim::scenario::uncertain::drawn_keys(s).len();
            if drawn == 0 {
                eprintln!(
                    "warning: {}: --uncertainty full draws no constant: the scenario sets every uncertain key (a resolved scenario of a chance run does), so its intervals hold chance alone",
                    f.display()
                );
            }
        }
    }
    let command: Vec<String> = std::env::args().collect();
    let mode = scenarios[0].1.simulation.uncertainty;
    let mut runs = Vec::new();
    for (colour, (file, scenario)) in scenarios.into_iter().enumerate() {
        let start = Instant::now();
        let bar = progress_bar(
            Some(u64::from(scenario.simulation.replicates)),
            &scenario.name,
            "replicates",
            quiet,
        );
        let replicates = run::run_all(&scenario, threads, &|| bar.inc(1))?;
        bar.finish_and_clear();
        let info = RunInfo {
            version: env!("CARGO_PKG_VERSION"),
            command: command.clone(),
            scenario_file: file.display().to_string(),
            seed: scenario.simulation.seed,
            replicates: scenario.simulation.replicates,
            threads: if threads == 0 {
                rayon::current_num_threads()
            } else {
                threads
            },
            seed_derivation: "splitmix64(splitmix64(seed) ^ replicate)",
            generator: "ChaCha8Rng::seed_from_u64(replicate seed) (rand_chacha 0.10)",
            uncertainty: scenario.simulation.uncertainty.name(),
            drawn: lwsim::scenario::uncertain::drawn_keys(&scenario),
            wall_seconds: start.elapsed().as_secs_f64(),
        };
        let dir = dir_of(&scenario);
        let monthly = output::write_results(&dir, &scenario, &replicates, colour, &info)?;
        if report {
            lwsim::report::write_report(&dir, true)?;
        }
        done_line(
            quiet,
            &format!(
                "wrote {}: {} replicates in {}",
                dir.display(),
                human::count(replicates.len() as u64),
                human::duration(info.wall_seconds)
            ),
        );
        if several {
            runs.push((monthly, replicates));
        }
    }
    if several {
        let dir = root.join("comparison");
        output::write_comparison(&dir, &runs, mode)?;
        if report {
            lwsim::report::write_report(&dir, true)?;
        }
        done_line(
            quiet,
            &format!("wrote {}: {} scenarios compared", dir.display(), runs.len()),
        );
    }
    for lock in locks {
        lock.finish();
    }
    Ok(ExitCode::SUCCESS)
}

/// `lwsim serve`: print where to open the page, serve until Ctrl-C (exit 130) or SIGTERM (143).
fn serve_command(args: &ServeArgs) -> Result<ExitCode, Error> {
    let options = lwsim::serve::Options {
        bind: args.bind,
        port: args.port,
        scenarios: args.scenarios.clone(),
        threads: args.threads.count()?,
        limits: lwsim::serve::Limits::default(),
        max_work: lwsim::serve::MAX_WORK,
        max_seconds: lwsim::serve::MAX_SECONDS,
    };
    let stopped = lwsim::serve::serve(&options, |bound| {
        if !bound.ip().is_loopback() {
            eprintln!(
                "warning: listening on {}: anyone who can reach port {} of this machine can run simulations on it",
                bound.ip(),
                bound.port()
            );
        }
        let shown = if bound.ip().is_unspecified() {
            std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), bound.port())
        } else {
            bound
        };
        // The URL on stdout (a script can read it, e.g. with --port 0); a closed stdout is no error.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "lwsim explorer: open http://{shown}/ in a browser (scenarios from {}; Ctrl-C stops it)",
            options.scenarios.display()
        );
        let _ = out.flush();
    })?;
    eprintln!("lwsim explorer stopped");
    Ok(ExitCode::from(match stopped {
        lwsim::serve::Stopped::Terminate => exit::TERMINATED,
        lwsim::serve::Stopped::Interrupt => exit::INTERRUPTED,
        lwsim::serve::Stopped::Asked => exit::SUCCESS,
    }))
}

/// A progress bar on stderr (hidden when stderr is not a terminal, or with --quiet): what is
/// counted, done out of all, the rate in whole numbers with separators, and the time left.
fn progress_bar(len: Option<u64>, name: &str, counted: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    let counted = counted.to_string();
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {done}/{all} {rate}, {eta} left")
            .expect("valid template")
            .with_key("done", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", human::count(s.pos()));
            })
            .with_key("all", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", s.len().map_or("?".to_string(), human::count));
            })
            .with_key("rate", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{} {counted}/s", human::rate(s.per_sec()));
            })
            .progress_chars("=> "),
    );
    bar.set_message(name.to_string());
    bar
}

/// A sweep's analysis warnings on stderr, at most 12 (all of them are in sensitivity.csv's
/// `note` column).
fn sweep_warnings(out: &Path, warnings: &[String]) {
    const SHOWN: usize = 12;
    for w in warnings.iter().take(SHOWN) {
        eprintln!("warning: {w}");
    }
    if warnings.len() > SHOWN {
        eprintln!(
            "warning: and {} more: see the note column of {}",
            warnings.len() - SHOWN,
            out.join("sensitivity.csv").display()
        );
    }
}

fn sweep_command(file: &Path, opts: SweepOpts, shard: Option<&str>) -> Result<ExitCode, Error> {
    let SweepOpts {
        out,
        threads,
        resume,
        force,
        quiet,
    } = opts;
    let threads = threads.count()?;
    use lwsim::sweep::run::{self, Shard};
    let start = Instant::now();
    let sweep = lwsim::sweep::spec::read(file)?;
    let shard = match shard {
        Some(s) => Shard::parse(s)?,
        None => Shard::WHOLE,
    };
    let out = out.unwrap_or_else(|| {
        let name = if shard == Shard::WHOLE {
            sweep.name.clone()
        } else {
            format!("{}-shard-{}-of-{}", sweep.name, shard.index, shard.of)
        };
        PathBuf::from("output").join(name)
    });
    let bar = points_bar(&sweep.name, quiet);
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let ran = run::run(
        &sweep,
        &run::Options {
            out: &out,
            threads,
            resume,
            force,
            shard,
            progress: &progress,
        },
    )?;
    bar.finish_and_clear();
    let what = if shard == Shard::WHOLE {
        format!("sweep `{}`", sweep.name)
    } else {
        format!("shard {} of {} of sweep `{}`", shard.index, shard.of, sweep.name)
    };
    if let run::Ran::Computed(warnings) = &ran {
        sweep_warnings(&out, warnings);
    }
    let line = match ran {
        run::Ran::AlreadyComplete => format!("{}: {what} is already complete; nothing to do", out.display()),
        run::Ran::Computed(_) => format!(
            "wrote {}: {what} in {}",
            out.display(),
            human::duration(start.elapsed().as_secs_f64())
        ),
    };
    done_line(quiet, &line);
    Ok(ExitCode::SUCCESS)
}

/// `lwsim slurm`: write the job scripts; print the sbatch commands on stdout.
fn slurm_command(args: &SlurmArgs) -> Result<ExitCode, Error> {
    let lwsim = std::env::current_exe().map_err(|e| Error::io("the lwsim binary's path", e))?;
    let jobs = lwsim::sweep::slurm::write(&lwsim::sweep::slurm::Options {
        sweep: &args.file,
        tasks: args.tasks,
        cpus_per_task: args.cpus_per_task,
        time: args.time.as_deref(),
        partition: args.partition.as_deref(),
        out: args.out.clone(),
        force: args.force,
        lwsim,
    })?;
    for w in &jobs.warnings {
        eprintln!("warning: {w}");
    }
    done_line(
        args.quiet,
        &format!(
            "wrote {dir}: array.sh ({} tasks, {} points), merge.sh (into {}) and submit.sh; submit them with `bash {}` or the commands on stdout",
            human::count(u64::from(args.tasks)),
            human::count(jobs.points as u64),
            jobs.results.display(),
            lwsim::sweep::slurm::shell_quote(&jobs.dir.join(lwsim::sweep::slurm::SUBMIT).display().to_string()),
            dir = jobs.dir.display(),
        ),
    );
    print(&jobs.commands)
}

/// A progress bar counting sweep points.
fn points_bar(name: &str, quiet: bool) -> ProgressBar {
    progress_bar(None, name, "points", quiet)
}

/// Where `lwsim targets` finds its targets without `--targets`: calibration/targets.toml in the
/// scenario's folder or the nearest folder above it, then in the working folder.
fn find_targets(scenario: &Path) -> Result<PathBuf, Error> {
    let relative = Path::new("calibration").join("targets.toml");
    let start = std::fs::canonicalize(scenario)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let found = start
        .iter()
        .flat_map(|d| d.ancestors())
        .map(|d| d.join(&relative))
        .chain(std::iter::once(relative.clone()))
        .find(|p| p.is_file());
    found.ok_or_else(|| {
        Error::from(lwsim::InputError::at(
            &scenario.display().to_string(),
            None,
            "no calibration/targets.toml in this scenario's folder, the folders above it, or the working folder; pass --targets FILE".into(),
        ))
    })
}

fn seek_command(args: &SeekArgs) -> Result<ExitCode, Error> {
    let bar = progress_bar(None, "seek", "replicates", args.quiet);
    let progress = |done: u64| bar.set_position(done);
    let outcome = lwsim::seek::seek(&lwsim::seek::Options {
        scenario: &args.scenario,
        sets: &args.sets,
        lever: &args.lever,
        goal: &args.goal,
        min: args.min,
        max: args.max,
        replicates: args.replicates,
        confidence: args.confidence,
        from: match args.from {
            SeekFrom::Low => lwsim::seek::From::Low,
            SeekFrom::High => lwsim::seek::From::High,
        },
        seed: args.seed,
        out: args.out.clone(),
        force: args.force,
        threads: args.threads.count()?,
        command: std::env::args().collect(),
        progress: &progress,
    })?;
    bar.finish_and_clear();
    done_line(
        args.quiet,
        &format!(
            "wrote {}: {} lever values, {} replicates",
            outcome.dir.display(),
            human::count(outcome.json.evaluations as u64),
            human::count(outcome.json.replicate_runs as u64)
        ),
    );
    print(&format!("{}\n", outcome.json.answer))
}

fn dose_command(
    scenario: &Path,
    replicates: u32,
    out: &Path,
    force: bool,
    quiet: bool,
    threads: usize,
) -> Result<ExitCode, Error> {
    use lwsim::dose;
    if replicates == 0 {
        return Err(Error::Refused {
            path: scenario.to_path_buf(),
            message: "--replicates: expected at least 1, found 0".into(),
        });
    }
    let s = load::load_text(scenario, load::read_text(scenario)?, &[])?;
    let lock = lwsim::output::DirLock::acquire(out, lwsim::output::Kind::DoseResponse, force)?;
    let bar = progress_bar(Some(dose::points()), "dose-response", "lever values", quiet);
    let started = std::time::Instant::now();
    let curves = dose::run(&s, replicates, threads, &|done| bar.set_position(done))?;
    bar.finish_and_clear();
    let mut words = vec![
        "lwsim".to_string(),
        "dose-response".into(),
        scenario.display().to_string(),
    ];
    words.extend(["--replicates".into(), replicates.to_string()]);
    let mut md = dose::markdown(&curves, replicates, &human::shell_command(&words), "");
    md.push_str(&dose::drivers_table(&s, replicates, threads)?);
    let mut batch = lwsim::output::Batch::default();
    batch.stage(out.join("dose-response.csv"), dose::csv(&curves).as_bytes())?;
    batch.stage(out.join("dose-response.md"), md.as_bytes())?;
    for c in &curves {
        let panels = dose::MEASURES
            .iter()
            .enumerate()
            .map(|(m, (measure, label))| {
                let mut series = lwsim::charts::Series::default();
                for (v, row) in c.lever.values.iter().zip(&c.stats) {
                    let st = row[m];
                    series.month.push(*v);
                    series.mean.push(st.map_or(f64::NAN, |x| x.mean));
                    series.p05.push(st.map_or(f64::NAN, |x| x.p05));
                    series.p95.push(st.map_or(f64::NAN, |x| x.p95));
                }
                lwsim::charts::Panel {
                    title: label,
                    series,
                    share: !matches!(*measure, "waiting_per_lw"),
                }
            })
            .collect();
        let title = format!(
            "{}: {} ({replicates} replicates a value; mean and 90% band)",
            s.name, c.lever.label
        );
        let r = lwsim::charts::dose(&title, c.lever.label, panels).map_err(Error::Chart)?;
        batch.stage(out.join(format!("{}.png", c.lever.stem)), &r.png)?;
        batch.stage(out.join(format!("{}.svg", c.lever.stem)), r.svg.as_bytes())?;
    }
    batch.commit()?;
    lock.finish();
    done_line(
        quiet,
        &format!(
            "wrote {}: {} lever values x {} replicates in {}",
            out.display(),
            human::count(dose::points()),
            human::count(u64::from(replicates)),
            human::duration(started.elapsed().as_secs_f64())
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn targets_command(
    scenario: &Path,
    targets: Option<PathBuf>,
    replicates: Option<u32>,
    threads: usize,
) -> Result<ExitCode, Error> {
    let set = replicates.map(|n| format!("simulation.replicates={n}"));
    let sets: Vec<(&str, &str)> = set.iter().map(|s| ("--replicates", s.as_str())).collect();
    let s = load::load_text(scenario, load::read_text(scenario)?, &sets)?;
    let given_targets = targets.clone();
    let targets = match targets {
        Some(t) => t,
        None => find_targets(scenario)?,
    };
    let t = lwsim::calibrate::read_targets(&targets)?;
    let reps = run::run_all(&s, threads, &|| {})?;
    let mut words = vec!["lwsim".to_string(), "targets".into(), scenario.display().to_string()];
    if let Some(n) = replicates {
        words.extend(["--replicates".into(), n.to_string()]);
    }
    if let Some(t) = &given_targets {
        words.extend(["--targets".into(), t.display().to_string()]);
    }
    let command = format!("{} > docs/VALIDATION.md", human::shell_command(&words));
    let (doc, failed) = lwsim::calibrate::validation_doc(&s, &t, &reps, &command);
    print(&doc)?;
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {} of {} targets FAIL: {}",
            failed.len(),
            t.len(),
            failed.join(", ")
        );
        Ok(ExitCode::from(exit::CHECK_FAILED))
    }
}

/// `lwsim completions SHELL`: the completion script on stdout.
fn completions(shell: Shell) -> Result<ExitCode, Error> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "lwsim", &mut script);
    print(&String::from_utf8_lossy(&script))
}

/// `lwsim man DIR`: lwsim.1 and lwsim-COMMAND.1 for every command.
fn man_pages(dir: &Path) -> Result<ExitCode, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    clap_mangen::generate_to(cli::command(), dir).map_err(|e| Error::io(dir, e))?;
    eprintln!("wrote {}: lwsim.1 and a page per command", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// `lwsim help [COMMAND]`: exactly what `lwsim [COMMAND] --help` prints.
fn help(command: Option<&str>) -> Result<ExitCode, Error> {
    let mut argv = vec!["lwsim"];
    argv.extend(command);
    argv.push("--help");
    match Cli::try_parse_from(argv) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            let _ = e.print();
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = e.print();
            Ok(ExitCode::from(exit::BAD_INPUT))
        }
        Ok(_) => Ok(ExitCode::from(exit::BAD_INPUT)),
    }
}
