//! The `lwsim` command line: argument parsing and printing only; the work is in the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lwsim::error::Error;
use lwsim::output::{self, RunInfo};
use lwsim::scenario::{load, params};
use lwsim::{Scenario, run};

#[derive(Parser)]
#[command(
    name = "lwsim",
    version,
    about = "Simulate how social-prescribing link-worker programmes take root in general practice"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Output directory: replaces output/<name>/ for one scenario, output/ for several.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Number of replicates (same as --set simulation.replicates=N).
    #[arg(long)]
    replicates: Option<u32>,
    /// Base seed (same as --set simulation.seed=S).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Override a scenario key: --set practices.gp_buy_in.mean=0.7 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Overwrite a directory that already holds results.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Per-replicate detail: weekly.csv and practices.csv hold the first N replicates
    /// (same as --set output.detail_replicates=N; default 1000; 0 for headers only).
    #[arg(long, value_name = "N")]
    detail: Option<u32>,
    /// Also write report.html in each scenario's results directory.
    #[arg(long)]
    report: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run one or more scenarios and write their results (and a comparison, for two or more).
    Run(RunArgs),
    /// Run a parameter sweep (grid, lhs, morris, sobol) with replicates at every point.
    Sweep {
        /// Sweep file (TOML).
        file: PathBuf,
        /// Output directory (default: output/<sweep name>/, or output/<name>-shard-I-of-N/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Continue a sweep that was stopped: finished points are kept, not recomputed.
        #[arg(long)]
        resume: bool,
        /// Start again in a directory that already holds a sweep.
        #[arg(long)]
        force: bool,
        /// Run only the points whose index is I modulo N (for a cluster job array).
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Combine the directories of a sharded sweep into the files an unsharded run writes.
    Merge {
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// Overwrite a directory that already holds a sweep.
        #[arg(long)]
        force: bool,
    },
    /// Calibrate uncertain constants against the targets (a sweep ranked by distance; ABC rejection).
    Calibrate {
        /// Calibration file (e.g. calibration/deep-end.toml).
        config: PathBuf,
        /// Output directory (default: output/<sweep name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Continue a calibration that was stopped.
        #[arg(long)]
        resume: bool,
        /// Start again in a directory that already holds one.
        #[arg(long)]
        force: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Check a scenario against the calibration targets; print docs/VALIDATION.md.
    Targets {
        scenario: PathBuf,
        /// Targets file.
        #[arg(long, default_value = "calibration/targets.toml")]
        targets: PathBuf,
        /// Replicates (default: the scenario's).
        #[arg(long)]
        replicates: Option<u32>,
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Write DIR/report.html: one self-contained page from the results of `lwsim run` in DIR.
    Report { dir: PathBuf },
    /// Check scenario files without running them.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the reference of every scenario key (docs/SCENARIOS.md) as Markdown.
    Keys,
    /// What would it take? Find the lever value at which a goal on a headline figure is just met.
    Seek(SeekArgs),
}

#[derive(Args)]
struct SeekArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// The numeric scenario key to turn, e.g. funding.annual_cut.
    #[arg(long, value_name = "KEY")]
    lever: String,
    /// The goal on the mean of a summary.json figure: 'MEASURE >= X' or 'MEASURE <= X'.
    #[arg(long, value_name = "GOAL")]
    goal: String,
    /// Lowest lever value searched (default: the key's minimum).
    #[arg(long, allow_negative_numbers = true)]
    min: Option<f64>,
    /// Highest lever value searched (default: the key's maximum).
    #[arg(long, allow_negative_numbers = true)]
    max: Option<f64>,
    /// Replicates at each lever value near the crossing (a quarter of them in the coarse scan; default 400).
    #[arg(short, long)]
    replicates: Option<u32>,
    /// Confidence of the interval around the answer.
    #[arg(long, default_value_t = 0.9)]
    confidence: f64,
    /// The end of the range the search starts from; the answer is the first crossing from there.
    #[arg(long, value_enum, default_value_t = SeekFrom::Low)]
    from: SeekFrom,
    /// Base seed (default: the scenario's); replicate r has the same seed at every lever value.
    #[arg(short, long)]
    seed: Option<u64>,
    /// Override a scenario key: --set practices.count=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Output directory (default: output/seek-<scenario name>-<lever>/).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, default_value_t = 0)]
    threads: usize,
    /// Overwrite a directory that already holds results.
    #[arg(short, long)]
    force: bool,
    /// No progress bar and no closing line on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SeekFrom {
    Low,
    High,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(mut args) => {
            if let Some(n) = args.replicates {
                args.sets.push(format!("simulation.replicates={n}"));
            }
            if let Some(n) = args.detail {
                args.sets.push(format!("output.detail_replicates={n}"));
            }
            if let Some(seed) = args.seed {
                args.sets.push(format!("simulation.seed={seed}"));
            }
            run_command(&args)
        }
        Command::Validate { files } => validate(&files),
        Command::Sweep {
            file,
            out,
            threads,
            resume,
            force,
            shard,
            quiet,
        } => sweep_command(&file, out, threads, resume, force, shard.as_deref(), quiet),
        Command::Calibrate {
            config,
            out,
            threads,
            resume,
            force,
            quiet,
        } => {
            let bar = points_bar("calibration", quiet);
            let progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            lwsim::calibrate::calibrate(&config, out, threads, resume, force, &progress).and_then(|dir| {
                bar.finish_and_clear();
                print(&format!("{}\n", dir.join("chosen.toml").display()))
            })
        }
        Command::Targets {
            scenario,
            targets,
            replicates,
            threads,
        } => targets_command(&scenario, &targets, replicates, threads),
        Command::Merge { shards, out, force } => {
            lwsim::sweep::merge::merge(&shards, &out, force).map(|_| ExitCode::SUCCESS)
        }
        Command::Keys => print(&params::markdown()),
        Command::Seek(args) => seek_command(&args),
        Command::Report { dir } => {
            lwsim::report::write_report(&dir).and_then(|_| print(&format!("{}\n", dir.join("report.html").display())))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
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

/// Is this a sweep file (it has a top-level `design`, `scenario` or `parameter` key) rather than
/// a scenario?
fn is_sweep_file(path: &std::path::Path) -> bool {
    load::read_text(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| ["design", "scenario", "parameter"].iter().any(|k| t.contains_key(*k)))
}

fn validate(files: &[PathBuf]) -> Result<ExitCode, Error> {
    let mut failed = false;
    let mut report = String::new();
    for f in files {
        let checked = if is_sweep_file(f) {
            lwsim::sweep::spec::read(f).map(|_| ())
        } else {
            load::load(f, &[]).map(|_| ())
        };
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

fn run_command(args: &RunArgs) -> Result<ExitCode, Error> {
    let RunArgs {
        scenarios: files,
        out,
        threads,
        sets,
        force,
        quiet,
        report,
        ..
    } = args;
    let (threads, force, quiet) = (*threads, *force, *quiet);
    // Read and check every scenario, and every output directory, before running anything.
    let mut scenarios: Vec<(PathBuf, Scenario)> = Vec::new();
    for f in files {
        let s = load::load(f, sets)?;
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
    let root = if several {
        out.clone().unwrap_or_else(|| "output".into())
    } else {
        "output".into()
    };
    let dir_of = |s: &Scenario| match (&out, several) {
        (Some(o), false) => o.clone(),
        _ => root.join(&s.name),
    };
    let mut locks = Vec::new();
    for (_, s) in &scenarios {
        locks.push(output::DirLock::acquire(&dir_of(s), force)?);
    }
    if several {
        locks.push(output::DirLock::acquire(&root.join("comparison"), true)?);
    }
    let command: Vec<String> = std::env::args().collect();
    let mut runs = Vec::new();
    for (colour, (file, scenario)) in scenarios.into_iter().enumerate() {
        let start = Instant::now();
        let bar = progress_bar(
            Some(u64::from(scenario.simulation.replicates)),
            &scenario.name,
            "replicates, {per_sec}, {eta} left",
            quiet,
        );
        let replicates = run::run_all(&scenario, threads, &|| bar.inc(1));
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
            wall_seconds: start.elapsed().as_secs_f64(),
        };
        let dir = dir_of(&scenario);
        let monthly = output::write_results(&dir, &scenario, &replicates, colour, &info)?;
        if *report {
            lwsim::report::write_report(&dir)?;
        }
        if !quiet && std::io::stderr().is_terminal() {
            eprintln!(
                "{}: {} replicates in {:.2} s -> {}",
                scenario.name,
                replicates.len(),
                info.wall_seconds,
                dir.display()
            );
        }
        if several {
            runs.push((monthly, replicates));
        }
    }
    if several {
        output::write_comparison(&root.join("comparison"), &runs)?;
    }
    drop(locks);
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr (hidden when stderr is not a terminal, or with --quiet). `counts`
/// is the tail of the template: what is counted and how the rate is shown.
fn progress_bar(len: Option<u64>, name: &str, counts: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {counts}"))
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(name.to_string());
    bar
}

fn sweep_command(
    file: &std::path::Path,
    out: Option<PathBuf>,
    threads: usize,
    resume: bool,
    force: bool,
    shard: Option<&str>,
    quiet: bool,
) -> Result<ExitCode, Error> {
    use lwsim::sweep::run::{self, Shard};
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
    run::run(
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
    Ok(ExitCode::SUCCESS)
}

/// A progress bar counting sweep points.
fn points_bar(name: &str, quiet: bool) -> ProgressBar {
    progress_bar(None, name, "points, {eta} left", quiet)
}

fn seek_command(args: &SeekArgs) -> Result<ExitCode, Error> {
    let bar = progress_bar(None, "seek", "replicates, {per_sec}", args.quiet);
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
        threads: args.threads,
        command: std::env::args().collect(),
        progress: &progress,
    })?;
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "seek: {} lever values, {} replicates -> {}",
            outcome.json.evaluations,
            outcome.json.replicate_runs,
            outcome.dir.display()
        );
    }
    print(&format!("{}\n", outcome.json.answer))
}

fn targets_command(
    scenario: &std::path::Path,
    targets: &std::path::Path,
    replicates: Option<u32>,
    threads: usize,
) -> Result<ExitCode, Error> {
    let sets: Vec<String> = replicates
        .map(|n| format!("simulation.replicates={n}"))
        .into_iter()
        .collect();
    let s = load::load(scenario, &sets)?;
    let t = lwsim::calibrate::read_targets(targets)?;
    let reps = run::run_all(&s, threads, &|| {});
    let command = format!(
        "lwsim targets {}{} > docs/VALIDATION.md",
        scenario.display(),
        replicates.map(|n| format!(" --replicates {n}")).unwrap_or_default()
    );
    print(&lwsim::calibrate::validation_doc(&s, &t, &reps, &command))
}
