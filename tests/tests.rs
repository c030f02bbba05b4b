//! Integration tests: the command line as users call it, and the model's invariants.
//! One test binary (ripgrep's layout); helpers in `util`.

mod util;

mod charts;
mod cli;
mod commands;
mod determinism;
mod faults;
mod invariants;
mod mechanisms;
mod properties;
mod robustness;
mod scenarios;
mod seek;
mod serve;
mod serve_page;
mod slurm;
mod snapshot;
mod sweeps;
mod uncertainty;
mod validation;
