//! The `lwsim` command line: parse (the definition is in `lwsim::cli`), install the interrupt
//! handlers, draw progress on the terminal, call the library (`lwsim::commands`), print its error
//! once and map it to an exit status. The work, and every message, is in the library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use lwsim::cli::Cli;
use lwsim::commands::{self, Progress, Ui};
use lwsim::error::Error;
use lwsim::human;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.runs_the_model()
        && let Err(e) = lwsim::interrupt::install()
    {
        eprintln!("warning: cannot handle Ctrl-C cleanly ({e}); an interrupted run may leave temporary files");
    }
    match commands::execute(cli.command, &Terminal) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The terminal: progress bars and lines on stderr, text on stdout.
struct Terminal;

impl Ui for Terminal {
    /// A progress bar on stderr (hidden when stderr is not a terminal): what is counted, done
    /// out of all, the rate in whole numbers with separators, and the time left.
    fn progress(&self, name: &str, counted: &str, len: Option<u64>) -> Box<dyn Progress> {
        if !std::io::stderr().is_terminal() {
            return Box::new(Bar(ProgressBar::hidden()));
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
        Box::new(Bar(bar))
    }

    fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    /// Print to stdout; a closed pipe (`lwsim keys | head`) is not an error.
    fn print(&self, text: &str) -> Result<(), Error> {
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("<stdout>", e)),
            _ => Ok(()),
        }
    }
}

/// An indicatif bar.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn set_length(&self, len: u64) {
        self.0.set_length(len);
    }
    fn set_position(&self, done: u64) {
        self.0.set_position(done);
    }
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
