//! Errors the library reports: bad input (exit status 2) and failures while writing (exit 1).
//! docs/ERRORS.md lists the messages users see.

#![warn(missing_docs)]

use std::fmt;
use std::path::PathBuf;

/// One problem with the input: where it is, which key, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// `file:line:column`, a file name, `--set`, or another source of input.
    pub location: String,
    /// The dotted key, where there is one.
    pub key: Option<String>,
    /// What is wrong and what was expected, for a person (no `error:` prefix, no location).
    pub message: String,
}

/// Bad input: each problem prints as one `error:` line. Exit status 2.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// Every problem found, in the order found (at least one).
    pub problems: Vec<Problem>,
}

impl InputError {
    /// An input error with one problem: at `location` (`file:line:column`, a file, `--set`...),
    /// about the dotted `key` if there is one.
    pub fn at(location: &str, key: Option<&str>, message: String) -> Self {
        InputError {
            problems: vec![Problem {
                location: location.to_string(),
                key: key.map(str::to_string),
                message,
            }],
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl fmt::Display for InputError {
    /// The problems, one per line, the first without the `error: ` prefix the caller adds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                write!(f, "\nerror: ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Anything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a file missing or malformed, an unknown key, a value out of range (exit 2).
    #[error("{0}")]
    Input(#[from] InputError),
    /// The command refused to go on for what it was given (exit 2): an overwrite without
    /// `--force`, compared scenarios that do not match, an incomplete or foreign shard, and the
    /// like.
    #[error("{path}: {message}")]
    Refused {
        /// The file, directory or key refused.
        path: PathBuf,
        /// Why, and what would be accepted.
        message: String,
    },
    /// A chart could not be drawn (exit 1); the plotting library's message.
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    /// A file or directory could not be read, written or renamed (exit 1).
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The file or directory, or another resource in angle brackets (`<server>`).
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// `lwsim serve` could not listen (the address is taken, not this machine's, not allowed).
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address and port, as given (`127.0.0.1:8080`).
        address: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Stopped by SIGINT (status 130) or SIGTERM (143) between replicates or points.
    #[error("interrupted by {}: work stopped and temporary files removed", if *status == exit::TERMINATED { "SIGTERM" } else { "SIGINT (Ctrl-C)" })]
    Interrupted {
        /// The exit status: 130 for SIGINT, 143 for SIGTERM.
        status: u8,
    },
}

/// Exit statuses, as INTERFACE.md names them.
pub mod exit {
    /// The command did what was asked.
    pub const SUCCESS: u8 = 0;
    /// The environment failed: a file could not be written, a chart not drawn.
    pub const FAILURE: u8 = 1;
    /// Bad input: a missing or malformed file, an unknown key, a value out of range, a refused
    /// overwrite.
    pub const BAD_INPUT: u8 = 2;
    /// The command ran, but a check it performs failed (`lwsim targets` with a FAIL row).
    pub const CHECK_FAILED: u8 = 3;
    /// Interrupted by SIGINT (Ctrl-C): 128 + 2.
    pub const INTERRUPTED: u8 = 130;
    /// Stopped by SIGTERM: 128 + 15.
    pub const TERMINATED: u8 = 143;
}

impl Error {
    /// The process exit status this error maps to (INTERFACE.md: 2 bad input, 1 other failure,
    /// 130 and 143 interrupted).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Refused { .. } => exit::BAD_INPUT,
            Error::Io { .. } | Error::Listen { .. } | Error::Chart(_) => exit::FAILURE,
            Error::Interrupted { status } => *status,
        }
    }

    /// An [`Error::Io`] about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
