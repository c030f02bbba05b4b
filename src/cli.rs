//! The command line's definition (clap): every command, argument, short flag and help text, in
//! one place. `main.rs` parses with it and dispatches; the tests walk it (every argument has a
//! description), and the README's command list, the shell completions and the man pages are
//! generated from it.
//!
//! A field's doc comment is its help text (clap strips the final period). Where the help names a
//! path with a placeholder (`output/<name>/`), the help is given as `help = "..."` and the doc
//! comment repeats it with the path in backticks, so that rustdoc does not read `<name>` as an
//! HTML tag and the help stays as it was. A doc comment on a `ValueEnum` variant would become
//! that value's help, so [`Shell`]'s variants have none.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// Exit statuses, as INTERFACE.md names them (declared with the errors that map to them).
pub use crate::error::exit;

/// The most worker threads any command accepts (`--threads`): more only adds scheduling work.
pub const MAX_THREADS: usize = 1024;

const EXIT_CODES: &str = "\
Exit status: 0 success; 1 environment or write failure; 2 bad input (missing or malformed file,
unknown key, value out of range, refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const TARGETS_EXIT_CODES: &str = "\
Exit status: 0 every target passes; 3 the run finished but a target FAILs (the table is still
printed); 1 environment or write failure; 2 bad input; 130 interrupted, 143 terminated.";

const RUN_AFTER: &str = "\
Examples:
  lwsim run scenarios/deep-end-baseline.toml
  lwsim run scenarios/deep-end-baseline.toml scenarios/austerity.toml -o output/cuts -f
  lwsim run scenarios/deep-end-baseline.toml --set funding.annual_cut=0.2 --set name=cut-20 -r 200 -s 7

Exit status: 0 success; 1 environment or write failure; 2 bad input (missing or malformed file,
unknown key, value out of range, refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const SWEEP_AFTER: &str = "\
Examples:
  lwsim sweep scenarios/sweeps/levers-morris.toml
  lwsim sweep scenarios/sweeps/levers-morris.toml --resume       # after an interruption
  lwsim sweep scenarios/sweeps/levers-morris.toml --shard 0/4 -o out/shard-0

Exit status: 0 success; 1 environment or write failure; 2 bad input (missing or malformed file,
unknown key, value out of range, refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const MERGE_AFTER: &str = "\
Examples:
  lwsim merge out/shard-0 out/shard-1 out/shard-2 out/shard-3 -o output/levers-morris
  lwsim merge out/shard-* -o output/levers-morris -f

Exit status: 0 success; 1 environment or write failure; 2 bad input (a missing, duplicate,
incomplete or foreign shard; refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const SLURM_AFTER: &str = "\
Examples:
  lwsim slurm scenarios/sweeps/top-levers-sobol.toml --tasks 64 --cpus-per-task 2 --time 01:00:00
  lwsim slurm scenarios/sweeps/levers-morris.toml --tasks 8 --partition short -o /scratch/me/morris-jobs

Writes array.sh (the job array, one shard a task), merge.sh (the merge, after the array) and
submit.sh into DIR, and prints the sbatch commands that submit both (docs/CLUSTER.md).

Exit status: 0 success; 1 environment or write failure; 2 bad input (malformed sweep file, more
tasks than points, malformed --time or --partition, scripts that differ without --force); 130
interrupted (Ctrl-C), 143 terminated.";

const SEEK_AFTER: &str = "\
Examples:
  lwsim seek scenarios/deep-end-baseline.toml --lever practices.gp_buy_in.mean --goal 'integration_rate_24m >= 0.5'
  lwsim seek scenarios/deep-end-baseline.toml --lever funding.annual_cut --goal 'share_connected >= 0.25' -r 800

Exit status: 0 success (also when the goal holds everywhere or nowhere: seek.json says so); 1
environment or write failure; 2 bad input (unknown lever or measure, malformed goal, bounds out
of range, refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const DOSE_AFTER: &str = "\
Examples:
  lwsim dose-response scenarios/deep-end-baseline.toml
  lwsim dose-response scenarios/deep-end-baseline.toml -r 100 -o output/doses

Writes dose-response.csv (lever, value, measure, mean, p05, p95), one chart per lever
(dose-*.png and .svg) and dose-response.md (the tables docs/VALIDATION.md shows) into DIR.

Exit status: 0 success; 1 environment or write failure; 2 bad input (malformed scenario,
refused overwrite); 130 interrupted (Ctrl-C), 143 terminated.";

const SERVE_AFTER: &str = "\
Examples:
  lwsim serve                                  # then open http://127.0.0.1:8080/
  lwsim serve --port 9000 --scenarios my-scenarios
  lwsim serve --bind 0.0.0.0                   # reachable from other machines: see the warning

The page runs the scenarios in --scenarios with the levers changed, side by side with the
scenario they started from, and the paired effect of the change. The JSON API is in INTERFACE.md.
Requests are capped (body 1 MB; replicates x practices x weeks), and only the scenarios folder is
ever read. Ctrl-C stops the server.

Exit status: 0 is not used (the server runs until stopped); 1 the address cannot be bound; 2 bad
arguments or no scenarios folder; 130 stopped by Ctrl-C (the usual way to end it), 143 SIGTERM.";

/// The commands' names, for `lwsim help COMMAND` (completed by the shells; a test checks the
/// list against the commands).
pub const COMMAND_NAMES: [&str; 15] = [
    "run",
    "sweep",
    "merge",
    "slurm",
    "calibrate",
    "targets",
    "dose-response",
    "report",
    "validate",
    "keys",
    "seek",
    "serve",
    "completions",
    "man",
    "help",
];

/// The whole command line's exit statuses, for `lwsim --help` and the man page.
const ALL_EXIT_CODES: &str = "\
Exit status: 0 success; 1 environment or write failure; 2 bad input (missing or malformed file,
unknown key, value out of range, refused overwrite); 3 the command ran but a check failed
(`lwsim targets` with a FAIL row); 130 interrupted (Ctrl-C), 143 terminated.";

/// The parsed command line.
#[derive(Parser, Debug)]
#[command(
    name = "lwsim",
    version,
    about = "Simulate how social-prescribing link-worker programmes take root in general practice",
    after_help = ALL_EXIT_CODES,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// The command given, with its arguments.
    #[command(subcommand)]
    pub command: Command,
}

/// Arguments of `lwsim run`.
#[derive(Args, Debug, Clone)]
#[command(after_help = RUN_AFTER)]
pub struct RunArgs {
    /// Scenario files (TOML); the first is the reference of a comparison.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output directory: replaces `output/<name>/` for one scenario, `output/` for several.
    #[arg(
        short,
        long,
        value_name = "DIR",
        help = "Output directory: replaces output/<name>/ for one scenario, output/ for several"
    )]
    pub out: Option<PathBuf>,
    /// Number of replicates (same as --set simulation.replicates=N).
    #[arg(short, long, value_name = "N")]
    pub replicates: Option<u32>,
    /// Base seed (same as --set simulation.seed=S).
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// `--threads`: the worker threads that run the model ([`Threads::count`]).
    #[command(flatten)]
    pub threads: Threads,
    /// Override a scenario key, e.g. --set practices.gp_buy_in.mean=0.7 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// `--force` and `--quiet` ([`ResultsOpts`]).
    #[command(flatten)]
    pub results: ResultsOpts,
    /// Per-replicate detail: weekly.csv and practices.csv hold the first N replicates
    /// (same as --set output.detail_replicates=N; default 1,000; 0 for headers only).
    #[arg(long, value_name = "N")]
    pub detail: Option<u32>,
    /// Also write report.html in each scenario's results directory, and, with two or more
    /// scenarios, the comparison's page, comparison/report.html.
    #[arg(long)]
    pub report: bool,
    /// Intervals from chance alone, or also from the uncertain constants each replicate draws
    /// (same as --set simulation.uncertainty=MODE; docs/SCENARIOS.md lists what is drawn).
    #[arg(long, value_name = "MODE", value_parser = crate::scenario::uncertain::Uncertainty::NAMES)]
    pub uncertainty: Option<String>,
}

/// `--force` and `--quiet` of `lwsim run` and `lwsim seek`, which write a results directory and
/// show a progress bar.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct ResultsOpts {
    /// Overwrite a directory that already holds results.
    #[arg(short, long)]
    pub force: bool,
    /// No progress bar and no closing line on stderr (warnings are still shown).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `lwsim serve`.
#[derive(Args, Debug, Clone)]
#[command(after_help = SERVE_AFTER)]
pub struct ServeArgs {
    /// Address to listen on; 0.0.0.0 lets every machine that can reach this one in (a warning says so).
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0: any free port, printed).
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Folder of scenario files the page offers; no other file is ever read.
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// `--threads`: the worker threads that run the model ([`Threads::count`]).
    #[command(flatten)]
    pub threads: Threads,
}

/// `--threads`, shared by every command that runs the model.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct Threads {
    /// Worker threads, 1 to 1,024 [default: SLURM_CPUS_PER_TASK in a SLURM job, else all cores].
    /// Results do not depend on it.
    #[arg(
        short = 'j',
        long = "threads",
        value_name = "N",
        value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64)
    )]
    pub threads: Option<u16>,
}

impl Threads {
    /// The thread count to hand to rayon: `--threads` if given; inside a SLURM job,
    /// `SLURM_CPUS_PER_TASK` (the CPUs the job was given, never all the node's cores); else 0,
    /// which means "all cores". The one place every command's thread count is decided.
    ///
    /// # Errors
    /// A malformed `SLURM_CPUS_PER_TASK` (exit 2).
    pub fn count(self) -> Result<usize, crate::error::InputError> {
        self.count_with(|name| std::env::var_os(name))
    }

    /// [`Threads::count`] with the environment given (for tests).
    ///
    /// # Errors
    /// As [`Threads::count`].
    pub fn count_with(
        self,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<usize, crate::error::InputError> {
        if let Some(n) = self.threads {
            return Ok(usize::from(n));
        }
        match env(SLURM_CPUS_PER_TASK) {
            None => Ok(0),
            Some(raw) => {
                let text = raw.to_string_lossy();
                match text.trim().parse::<usize>() {
                    // More CPUs than lwsim uses threads: the most it uses.
                    Ok(n) if n >= 1 => Ok(n.min(MAX_THREADS)),
                    _ => Err(crate::error::InputError::at(
                        SLURM_CPUS_PER_TASK,
                        None,
                        format!(
                            "expected a whole number of CPUs, 1 or more (SLURM sets it from --cpus-per-task), found {text:?}; pass --threads N to override it"
                        ),
                    )),
                }
            }
        }
    }
}

/// The variable SLURM sets in a job to the CPUs each task was given (`--cpus-per-task`).
pub const SLURM_CPUS_PER_TASK: &str = "SLURM_CPUS_PER_TASK";

/// The options `lwsim sweep` and `lwsim calibrate` share (a calibration is a sweep).
#[derive(Args, Debug, Clone, Default)]
pub struct SweepOpts {
    /// Output directory \[default: `output/<sweep name>/`, or `output/<name>-shard-I-of-N/` for
    /// a shard\].
    #[arg(
        short,
        long,
        value_name = "DIR",
        help = "Output directory [default: output/<sweep name>/, or output/<name>-shard-I-of-N/ for a shard]"
    )]
    pub out: Option<PathBuf>,
    /// `--threads`: the worker threads that run the model ([`Threads::count`]).
    #[command(flatten)]
    pub threads: Threads,
    /// Continue a sweep that was stopped: finished points are kept, not recomputed.
    #[arg(long)]
    pub resume: bool,
    /// Start again in a directory that already holds a sweep.
    #[arg(short, long)]
    pub force: bool,
    /// No progress bar and no closing line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `lwsim slurm` (docs/CLUSTER.md).
#[derive(Args, Debug, Clone)]
pub struct SlurmArgs {
    /// Sweep file (TOML).
    #[arg(value_name = "SWEEP")]
    pub file: PathBuf,
    /// Job array tasks, one shard each (at most the sweep's points).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: u32,
    /// CPUs per task: each task's threads.
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
    pub cpus_per_task: u32,
    /// Time limit of each task and of the merge job [default: the partition's].
    #[arg(long, value_name = "HH:MM:SS")]
    pub time: Option<String>,
    /// Partition to submit to [default: the cluster's].
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Folder for the scripts, logs and shard directories \[default:
    /// `output/<sweep name>/slurm/`\].
    #[arg(
        short,
        long,
        value_name = "DIR",
        help = "Folder for the scripts, logs and shard directories [default: output/<sweep name>/slurm/]"
    )]
    pub out: Option<PathBuf>,
    /// Replace scripts that differ from those lwsim would write.
    #[arg(short, long)]
    pub force: bool,
    /// No closing line on stderr (the sbatch commands are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `lwsim seek` (docs/SEEK.md).
#[derive(Args, Debug, Clone)]
pub struct SeekArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The numeric scenario key to turn, e.g. funding.annual_cut.
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::Other)]
    pub lever: String,
    /// The goal on the mean of a summary.json figure: 'MEASURE >= X' or 'MEASURE <= X'.
    #[arg(long, value_name = "GOAL")]
    pub goal: String,
    /// Lowest lever value searched [default: the key's minimum].
    #[arg(long, allow_negative_numbers = true, value_name = "A")]
    pub min: Option<f64>,
    /// Highest lever value searched [default: the key's maximum].
    #[arg(long, allow_negative_numbers = true, value_name = "B")]
    pub max: Option<f64>,
    /// Replicates per lever value near the crossing; the scan uses a quarter [default: 400].
    #[arg(short, long, value_name = "N")]
    pub replicates: Option<u32>,
    /// Confidence of the interval around the answer.
    #[arg(long, default_value_t = 0.9, value_name = "C")]
    pub confidence: f64,
    /// The end of the range the search starts from; the answer is the first crossing from there.
    #[arg(long, value_enum, default_value_t = SeekFrom::Low)]
    pub from: SeekFrom,
    /// Base seed [default: the scenario's]; replicate r has the same seed at every lever value.
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// Override a scenario key, e.g. --set practices.count=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Output directory \[default: `output/seek-<scenario name>-<lever>/`\].
    #[arg(
        short,
        long,
        value_name = "DIR",
        help = "Output directory [default: output/seek-<scenario name>-<lever>/]"
    )]
    pub out: Option<PathBuf>,
    /// `--threads`: the worker threads that run the model ([`Threads::count`]).
    #[command(flatten)]
    pub threads: Threads,
    /// `--force` and `--quiet` ([`ResultsOpts`]).
    #[command(flatten)]
    pub results: ResultsOpts,
}

/// The end of the lever's range `lwsim seek` starts from.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    /// From the key's minimum (or --min) upwards.
    Low,
    /// From the key's maximum (or --max) downwards.
    High,
}

/// A shell that `lwsim completions` writes a script for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // bash, zsh, fish, PowerShell: a doc comment would become the value's help
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one or more scenarios and write their results (and a comparison, for two or more).
    Run(RunArgs),
    /// Run a parameter sweep (grid, lhs, morris, sobol) with replicates at every point.
    #[command(after_help = SWEEP_AFTER)]
    Sweep {
        /// Sweep file (TOML).
        #[arg(value_name = "SWEEP")]
        file: PathBuf,
        /// The options sweeps and calibrations share.
        #[command(flatten)]
        opts: SweepOpts,
        /// Run only the points whose index is I modulo N; `auto`: I and N from the SLURM job
        /// array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT).
        #[arg(long, value_name = "I/N|auto")]
        shard: Option<String>,
    },
    /// Write the SLURM job array (one shard a task) and merge job of a sweep; print how to submit them.
    #[command(after_help = SLURM_AFTER)]
    Slurm(SlurmArgs),
    /// Combine the directories of a sharded sweep into the files an unsharded run writes.
    #[command(after_help = MERGE_AFTER)]
    Merge {
        /// The shard directories written by `lwsim sweep --shard I/N`, all N of them.
        #[arg(required = true, value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
        /// Directory to write the merged sweep into.
        #[arg(short, long, value_name = "DIR")]
        out: PathBuf,
        /// Overwrite a directory that already holds a sweep.
        #[arg(short, long)]
        force: bool,
        /// No closing line on stderr.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Calibrate uncertain constants against the targets (a sweep ranked by distance; ABC rejection).
    #[command(after_help = EXIT_CODES)]
    Calibrate {
        /// Calibration file (e.g. calibration/deep-end.toml).
        #[arg(value_name = "CALIBRATION")]
        config: PathBuf,
        /// The options sweeps and calibrations share.
        #[command(flatten)]
        opts: SweepOpts,
    },
    /// Check a scenario against the calibration targets; print docs/VALIDATION.md.
    #[command(after_help = TARGETS_EXIT_CODES)]
    Targets {
        /// Scenario file (TOML) to run and check.
        scenario: PathBuf,
        /// Targets file [default: calibration/targets.toml in the scenario's folder or the
        /// nearest folder above it, then in the working folder].
        #[arg(long, value_name = "FILE")]
        targets: Option<PathBuf>,
        /// Replicates [default: the scenario's].
        #[arg(short, long, value_name = "N")]
        replicates: Option<u32>,
        /// `--threads`: the worker threads that run the model ([`Threads::count`]).
        #[command(flatten)]
        threads: Threads,
    },
    /// Move each lever (funding cut and budget, GP buy-in, referrals, caseload cap) across its
    /// range on a scenario, five years a run; write the curves, their charts and their markdown.
    #[command(after_help = DOSE_AFTER)]
    DoseResponse {
        /// Base scenario file (TOML); each run lasts 260 weeks whatever its length.
        scenario: PathBuf,
        /// Replicates at each lever value (the same seeds at every value).
        #[arg(short, long, value_name = "N", default_value_t = 200)]
        replicates: u32,
        /// Results directory.
        #[arg(short, long, value_name = "DIR", default_value = "output/dose-response")]
        out: PathBuf,
        /// Replace results already in DIR.
        #[arg(short, long)]
        force: bool,
        /// No progress bar and no closing line on stderr.
        #[arg(short, long)]
        quiet: bool,
        /// `--threads`: the worker threads that run the model ([`Threads::count`]).
        #[command(flatten)]
        threads: Threads,
    },
    /// Write DIR/report.html: one self-contained page from the results of `lwsim run` in DIR.
    #[command(after_help = EXIT_CODES)]
    Report {
        /// A results directory written by `lwsim run` (a scenario's, or comparison/ for the
        /// comparison's page), or by `lwsim seek`.
        dir: PathBuf,
        /// Overwrite an existing report.html.
        #[arg(short, long)]
        force: bool,
        /// No closing line on stderr.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Check scenario or sweep files without running them; print `ok` per file or the errors.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// Scenario or sweep files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the reference of every scenario key (docs/SCENARIOS.md) as Markdown.
    #[command(after_help = EXIT_CODES)]
    Keys,
    /// What would it take? Find the lever value at which a goal on a headline figure is just met.
    #[command(after_help = SEEK_AFTER)]
    Seek(SeekArgs),
    /// Explore scenarios in a browser: serve the explorer page and its JSON API until Ctrl-C.
    Serve(ServeArgs),
    /// Print a shell completion script (bash, zsh, fish or powershell) on stdout.
    #[command(after_help = EXIT_CODES)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Write the manual pages (lwsim.1 and one per command) into DIR.
    #[command(after_help = EXIT_CODES)]
    Man {
        /// Directory for the pages, e.g. ~/.local/share/man/man1.
        dir: PathBuf,
    },
    /// Print the help of lwsim or of one command (the same text as `lwsim COMMAND --help`).
    #[command(after_help = EXIT_CODES)]
    Help {
        /// The command whose help to print.
        #[arg(value_name = "COMMAND", value_parser = clap::builder::PossibleValuesParser::new(COMMAND_NAMES))]
        command: Option<String>,
    },
}

impl Command {
    /// Does the command run the model? Such a command stops cleanly between replicates or points
    /// on Ctrl-C or SIGTERM, so the binary installs the handlers first (`crate::interrupt`); the
    /// others end at once, as any program does (they leave no temporary files under a final
    /// name). `lwsim serve` handles its signals itself.
    pub fn runs_the_model(&self) -> bool {
        matches!(
            self,
            Command::Run(_)
                | Command::Sweep { .. }
                | Command::Calibrate { .. }
                | Command::Targets { .. }
                | Command::DoseResponse { .. }
                | Command::Seek(_)
        )
    }
}

/// The clap command tree, with bin names propagated (for help, completions and man pages).
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// The README's command list: one line per command with every argument, generated from the
/// definition above (a test checks that README.md holds exactly this block).
pub fn usage_lines() -> String {
    let cmd = command();
    let mut out = String::new();
    for sub in cmd.get_subcommands() {
        let mut line = format!("lwsim {}", sub.get_name());
        for arg in sub.get_positionals() {
            let name = arg
                .get_value_names()
                .and_then(|v| v.first())
                .map_or_else(|| arg.get_id().as_str().to_uppercase(), ToString::to_string);
            let many = matches!(arg.get_num_args(), Some(r) if r.max_values() > 1);
            let dots = if many { "..." } else { "" };
            if arg.is_required_set() {
                line.push_str(&format!(" {name}{dots}"));
            } else {
                line.push_str(&format!(" [{name}]{dots}"));
            }
        }
        for arg in sub.get_opts().chain(
            sub.get_arguments()
                .filter(|a| !a.is_positional() && !a.get_action().takes_values() && a.get_id() != "help"),
        ) {
            let Some(long) = arg.get_long() else { continue };
            let mut flag = match arg.get_short() {
                Some(c) => format!("-{c}|--{long}"),
                None => format!("--{long}"),
            };
            if arg.get_action().takes_values() {
                let value = arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map_or("VALUE".to_string(), ToString::to_string);
                flag.push(' ');
                flag.push_str(&value);
            }
            let repeat = if matches!(arg.get_action(), clap::ArgAction::Append) {
                "..."
            } else {
                ""
            };
            if arg.is_required_set() {
                line.push_str(&format!(" {flag}"));
            } else {
                line.push_str(&format!(" [{flag}]{repeat}"));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("lwsim --help | --version\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_argument_of_every_command_has_a_description() {
        let cmd = command();
        let mut missing = Vec::new();
        for sub in std::iter::once(&cmd).chain(cmd.get_subcommands()) {
            assert!(sub.get_about().is_some(), "`{}` has no description", sub.get_name());
            for arg in sub.get_arguments() {
                if arg.get_help().is_none() && !arg.is_hide_set() {
                    missing.push(format!("{} {}", sub.get_name(), arg.get_id()));
                }
            }
            let after = sub.get_after_help().map(|s| s.to_string()).unwrap_or_default();
            assert!(
                after.contains("Exit status:"),
                "`{}` --help does not end with its exit codes",
                sub.get_name()
            );
        }
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }

    #[test]
    fn help_completes_every_command_name() {
        let cmd = command();
        let mut names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        let mut listed = COMMAND_NAMES.to_vec();
        names.sort_unstable();
        listed.sort_unstable();
        assert_eq!(names, listed);
    }

    #[test]
    fn short_flags_follow_convention() {
        let cmd = command();
        let run = cmd.find_subcommand("run").unwrap();
        let short = |id: &str| {
            run.get_arguments()
                .find(|a| a.get_id() == id)
                .and_then(|a| a.get_short())
        };
        assert_eq!(short("out"), Some('o'));
        assert_eq!(short("replicates"), Some('r'));
        assert_eq!(short("seed"), Some('s'));
        assert_eq!(short("threads"), Some('j'));
        assert_eq!(short("quiet"), Some('q'));
        assert_eq!(short("force"), Some('f'));
    }

    #[test]
    fn threads_come_from_the_flag_then_slurm_cpus_per_task_then_all_cores() {
        use std::ffi::OsString;
        fn env(v: Option<&'static str>) -> impl Fn(&str) -> Option<OsString> {
            move |name| (name == SLURM_CPUS_PER_TASK).then(|| v.map(OsString::from)).flatten()
        }
        let none = Threads { threads: None };
        let two = Threads { threads: Some(2) };
        assert_eq!(none.count_with(env(None)), Ok(0));
        assert_eq!(none.count_with(env(Some("4"))), Ok(4));
        assert_eq!(none.count_with(env(Some(" 8\n"))), Ok(8));
        assert_eq!(none.count_with(env(Some("4096"))), Ok(MAX_THREADS));
        assert_eq!(two.count_with(env(Some("4"))), Ok(2));
        assert_eq!(two.count_with(env(Some("junk"))), Ok(2));
        for bad in ["", "0", "-2", "1.5", "four", "4(x2)"] {
            let e = none.count_with(env(Some(bad))).unwrap_err();
            assert_eq!(e.problems[0].location, SLURM_CPUS_PER_TASK, "{bad}");
            assert!(e.to_string().contains("expected a whole number of CPUs"), "{e}");
        }
    }

    #[test]
    fn thread_counts_are_bounded() {
        let parse = |n: &str| {
            Cli::try_parse_from(["lwsim", "keys"]).and(Cli::try_parse_from(["lwsim", "sweep", "x.toml", "-j", n]))
        };
        assert!(parse("1").is_ok() && parse("1024").is_ok());
        for bad in ["0", "1025", "100000", "-1", "many"] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
        }
    }
}
