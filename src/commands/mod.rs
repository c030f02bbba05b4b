//! What each `lwsim` command does, from its parsed arguments ([`crate::cli::Command`]) to its
//! files, its messages and its exit status: the orchestration the binary used to hold.
//!
//! The binary (`src/main.rs`) parses the command line, installs the interrupt handlers, supplies
//! a [`Ui`] (progress bars, stderr and stdout of a terminal), calls [`execute`], prints the error
//! it returns once and maps it to an exit status. Every message a command writes goes through the
//! [`Ui`], so this module never touches the terminal itself (`lwsim help` aside: clap prints the
//! help, as it does for `--help`). Nothing else in the library imports this module: it sits
//! above every other.
//!
//! `run.rs`: `lwsim run`; `sweep.rs`: `lwsim sweep`, `merge`, `slurm` and `calibrate`;
//! `check.rs`: `lwsim validate` and `lwsim targets`; `dose.rs`: `lwsim dose-response`; this file
//! the dispatch and the commands of a few lines.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::path::Path;

use crate::cli::{self, Cli, Command, SeekArgs, SeekFrom, ServeArgs, Shell, exit};
use crate::error::Error;
use crate::human;
use crate::scenario::reference;

mod check;
mod dose;
mod run;
mod sweep;

/// Where a command's messages go: progress, lines on stderr, text on stdout. The binary's
/// implementation draws indicatif bars on a terminal's stderr; another caller (a test, an
/// embedding program) may collect them instead.
pub trait Ui: Sync {
    /// A progress bar for `name` (a scenario's or sweep's name, `calibration`, `seek`,
    /// `dose-response`) counting `counted` (`replicates`, `points`, `lever values`) out of `len`
    /// when known. Not called under `--quiet`; an implementation may still hide it (stderr not
    /// a terminal).
    fn progress(&self, name: &str, counted: &str, len: Option<u64>) -> Box<dyn Progress>;
    /// One line on stderr (`text` without its newline): a warning, the closing line of a
    /// command that wrote files, a failed check.
    fn note(&self, text: &str);
    /// `text` on stdout as it is (its newlines included).
    ///
    /// # Errors
    /// [`Error::Io`] when stdout cannot be written; a closed pipe (`lwsim keys | head`) is not an
    /// error.
    fn print(&self, text: &str) -> Result<(), Error>;
}

/// A progress bar a [`Ui`] hands out; shared by the worker threads that advance it.
pub trait Progress: Sync {
    /// The count when done (a sweep learns it from its first report).
    fn set_length(&self, len: u64);
    /// The count done so far.
    fn set_position(&self, done: u64);
    /// `n` more done.
    fn inc(&self, n: u64);
    /// Done: the bar is cleared from the terminal.
    fn finish(&self);
}

/// The bar of a `--quiet` command: shows nothing.
struct Hidden;

impl Progress for Hidden {
    fn set_length(&self, _: u64) {}
    fn set_position(&self, _: u64) {}
    fn inc(&self, _: u64) {}
    fn finish(&self) {}
}

/// A progress bar from `ui`, or none with `--quiet`.
fn bar(ui: &dyn Ui, quiet: bool, name: &str, counted: &str, len: Option<u64>) -> Box<dyn Progress> {
    if quiet {
        Box::new(Hidden)
    } else {
        ui.progress(name, counted, len)
    }
}

/// A warning on stderr (`warning: TEXT`).
fn warn(ui: &dyn Ui, text: &str) {
    ui.note(&format!("warning: {text}"));
}

/// The one line on stderr that ends a command that wrote files (unless `--quiet`), on a
/// terminal or not, so that a log says where the results went.
fn done_line(ui: &dyn Ui, quiet: bool, text: &str) {
    if !quiet {
        ui.note(text);
    }
}

/// Print `text` on stdout; the command succeeded.
fn print(ui: &dyn Ui, text: &str) -> Result<u8, Error> {
    ui.print(text)?;
    Ok(exit::SUCCESS)
}

/// Carry out `command` and return its exit status ([`cli::exit`]): 0, or 3 when `lwsim targets` finds a target that
/// fails; the binary installs the interrupt handlers first for commands that run the model
/// ([`Command::runs_the_model`]).
///
/// # Errors
/// Whatever the command meets: bad input or a refusal (exit 2), an environment or write failure
/// (exit 1), an interruption (130, 143); see [`Error::exit_code`]. The caller prints it.
pub fn execute(command: Command, ui: &dyn Ui) -> Result<u8, Error> {
    match command {
        Command::Run(args) => run::run(args, ui),
        Command::Validate { files } => check::validate(&files, ui),
        Command::Sweep { file, opts, shard } => sweep::sweep(&file, opts, shard.as_deref(), ui),
        Command::Calibrate { config, opts } => sweep::calibrate(&config, opts, ui),
        Command::Targets {
            scenario,
            targets,
            replicates,
            threads,
        } => check::targets(&scenario, targets, replicates, threads.count()?, ui),
        Command::DoseResponse {
            scenario,
            replicates,
            out,
            force,
            quiet,
            threads,
        } => dose::dose(&scenario, replicates, &out, force, quiet, threads.count()?, ui),
        Command::Merge {
            shards,
            out,
            force,
            quiet,
        } => sweep::merge(&shards, &out, force, quiet, ui),
        Command::Keys => print(ui, &reference::markdown()),
        Command::Report { dir, force, quiet } => {
            crate::report::write_report(&dir, force)?;
            done_line(ui, quiet, &format!("wrote {}", dir.join("report.html").display()));
            Ok(exit::SUCCESS)
        }
        Command::Completions { shell } => completions(shell, ui),
        Command::Man { dir } => man_pages(&dir, ui),
        Command::Help { command } => help(command.as_deref(), ui),
        Command::Seek(args) => seek(&args, ui),
        Command::Slurm(args) => sweep::slurm(&args, ui),
        Command::Serve(args) => serve(&args, ui),
    }
}

/// The process's command line, word by word, as run.json records it.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}

/// `lwsim seek`: the search, its files, and the answer on stdout.
fn seek(args: &SeekArgs, ui: &dyn Ui) -> Result<u8, Error> {
    let bar = bar(ui, args.results.quiet, "seek", "replicates", None);
    let progress = |done: u64| bar.set_position(done);
    let outcome = crate::seek::seek(&crate::seek::Options {
        scenario: &args.scenario,
        sets: &args.sets,
        lever: &args.lever,
        goal: &args.goal,
        min: args.min,
        max: args.max,
        replicates: args.replicates,
        confidence: args.confidence,
        from: match args.from {
            SeekFrom::Low => crate::seek::From::Low,
            SeekFrom::High => crate::seek::From::High,
        },
        seed: args.seed,
        out: args.out.clone(),
        force: args.results.force,
        threads: args.threads.count()?,
        command: command_line(),
        progress: &progress,
    })?;
    bar.finish();
    done_line(
        ui,
        args.results.quiet,
        &format!(
            "wrote {}: {}, {}",
            outcome.dir.display(),
            human::things(outcome.json.evaluations as u64, "lever value"),
            human::things(outcome.json.replicate_runs, "replicate")
        ),
    );
    print(ui, &format!("{}\n", outcome.json.answer))
}

/// `lwsim serve`: print where to open the page, serve until Ctrl-C (exit 130) or SIGTERM (143).
fn serve(args: &ServeArgs, ui: &dyn Ui) -> Result<u8, Error> {
    let options = crate::serve::Options {
        bind: args.bind,
        port: args.port,
        scenarios: args.scenarios.clone(),
        threads: args.threads.count()?,
        limits: crate::serve::Limits::default(),
        max_work: crate::serve::MAX_WORK,
        max_seconds: crate::serve::MAX_SECONDS,
    };
    let stopped = crate::serve::serve(&options, |bound| {
        if !bound.ip().is_loopback() {
            warn(
                ui,
                &format!(
                    "listening on {}: anyone who can reach port {} of this machine can run simulations on it",
                    bound.ip(),
                    bound.port()
                ),
            );
        }
        let shown = if bound.ip().is_unspecified() {
            std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), bound.port())
        } else {
            bound
        };
        // The URL on stdout (a script can read it, e.g. with --port 0); a closed stdout is no error.
        let _ = ui.print(&format!(
            "lwsim explorer: open http://{shown}/ in a browser (scenarios from {}; Ctrl-C stops it)\n",
            options.scenarios.display()
        ));
    })?;
    ui.note("lwsim explorer stopped");
    Ok(match stopped {
        crate::serve::Stopped::Terminate => exit::TERMINATED,
        crate::serve::Stopped::Interrupt => exit::INTERRUPTED,
        crate::serve::Stopped::Asked => exit::SUCCESS,
    })
}

/// `lwsim completions SHELL`: the completion script on stdout.
fn completions(shell: Shell, ui: &dyn Ui) -> Result<u8, Error> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "lwsim", &mut script);
    print(ui, &String::from_utf8_lossy(&script))
}

/// `lwsim man DIR`: lwsim.1 and lwsim-COMMAND.1 for every command.
fn man_pages(dir: &Path, ui: &dyn Ui) -> Result<u8, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    clap_mangen::generate_to(cli::command(), dir).map_err(|e| Error::io(dir, e))?;
    ui.note(&format!("wrote {}: lwsim.1 and a page per command", dir.display()));
    Ok(exit::SUCCESS)
}

/// `lwsim help [COMMAND]`: exactly what `lwsim [COMMAND] --help` prints (clap renders it), on
/// the [`Ui`]'s standard output; an unknown command's error on its standard error, exit 2.
fn help(command: Option<&str>, ui: &dyn Ui) -> Result<u8, Error> {
    let mut argv = vec!["lwsim"];
    argv.extend(command);
    argv.push("--help");
    match <Cli as clap::Parser>::try_parse_from(argv) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => print(ui, &e.render().to_string()),
        Err(e) => {
            ui.note(e.render().to_string().trim_end());
            Ok(exit::BAD_INPUT)
        }
        Ok(_) => Ok(exit::BAD_INPUT),
    }
}
