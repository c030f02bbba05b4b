//! Parameter sweeps and sensitivity analysis (`lwsim sweep`, `lwsim merge`, `lwsim slurm`): designs, the
//! parallel, streaming, resumable runner and its shards, the Morris and Sobol estimators, and
//! their charts. See docs/SWEEPS.md.

#![warn(missing_docs, clippy::missing_errors_doc)]

pub mod analysis;
pub mod charts;
pub mod design;
pub(crate) mod files;
mod finish;
pub mod merge;
pub mod run;
pub mod slurm;
pub mod spec;

pub use finish::PointMeans;
