//! The names of the files a sweep, a calibration, a seek and a dose-response write, declared once:
//! their writers, their readers and the kinds of results directory ([`super::Kind`], whose files
//! `--force` replaces) all use these. A scenario's and a comparison's files are declared beside
//! their writer in `output` ([`super::DATA_FILES`], [`super::CHARTS`], [`super::COMPARISON_CHARTS`]).
//! A chart is named by its stem and written as STEM.png and STEM.svg ([`super::chart_names`]).

/// A sweep's manifest: its design, parameters and fingerprint (`sweep::files::Manifest`).
pub const SWEEP_JSON: &str = "sweep.json";
/// A sweep's design: one row per point.
pub const DESIGN_CSV: &str = "design.csv";
/// A sweep's rows: one per point and replicate, in point order.
pub const SWEEP_CSV: &str = "sweep.csv";
/// sweep.csv while the sweep runs, renamed when every point is in (kept for `--resume`).
pub const JOURNAL: &str = "sweep.partial.csv";
/// A sweep's per-point statistics.
pub const POINTS_CSV: &str = "points.csv";
/// A Morris or Sobol sweep's indices.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// The chart of a Morris or Sobol sweep's indices.
pub const SENSITIVITY_CHART: &str = "sensitivity";
/// The chart of a grid sweep's first outcome over its first two parameters.
pub const HEATMAP_CHART: &str = "heatmap";
/// A calibration's accepted points.
pub const ACCEPTED_CSV: &str = "accepted.csv";
/// A calibration's fit of the chosen point to each target.
pub const FIT_CSV: &str = "fit.csv";
/// A calibration's chosen constants, as scenario TOML.
pub const CHOSEN_TOML: &str = "chosen.toml";
/// A calibration's accepted points re-run with `refine` replicates.
pub const REFINED_CSV: &str = "refined.csv";
/// A seek's answer (`seek::SeekJson`).
pub const SEEK_JSON: &str = "seek.json";
/// A seek's evaluated lever values (`seek::Row`).
pub const SEEK_CSV: &str = "seek.csv";
/// The chart of a seek's evaluated lever values.
pub const SEEK_CHART: &str = "seek";
/// A dose-response's curves (`dose::DoseRow`).
pub const DOSE_CSV: &str = "dose-response.csv";
/// A dose-response's tables, as docs/VALIDATION.md shows them.
pub const DOSE_MD: &str = "dose-response.md";
/// A dose-response's charts, one per lever, in `dose::LEVERS`' order.
pub const DOSE_CHARTS: [&str; 6] = [
    "dose-annual-cut",
    "dose-annual-cut-others-first",
    "dose-community-budget",
    "dose-gp-buy-in",
    "dose-referrals",
    "dose-caseload-cap",
];
