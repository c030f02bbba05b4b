//! lwsim: an agent-based simulation of how social-prescribing link-worker programmes take root
//! (or don't) in general practice.
//!
//! The flow: a scenario file is read and checked ([`scenario::load`]), a [`model::World`] is
//! built from the scenario and a replicate seed, stepped week by week ([`model::World::step`])
//! and observed ([`observe`]); [`run`] runs replicates in parallel and [`summary`] reduces them;
//! [`output`] writes the result files. The model does no IO; ARCHITECTURE.md says which modules
//! read and write which files.
#![warn(missing_docs, clippy::missing_errors_doc)]

pub mod calendar;
pub mod calibrate;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod dose;
pub mod error;
pub mod human;
pub mod interrupt;
pub mod model;
pub mod observe;
pub mod output;
pub mod page;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod seek;
pub mod serve;
pub mod summary;
pub mod sweep;

pub use error::{Error, InputError};
pub use scenario::{RawScenario, Scenario};
