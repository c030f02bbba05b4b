//! Dose-response curves of the levers lwsim exists for (`lwsim dose-response`): each lever
//! moved across its range, one at a time, on a base scenario run for five years, with every
//! point using the same replicate seeds (common random numbers, so neighbouring points differ
//! by the lever, not by chance). docs/VALIDATION.md shows the curves and the directions each
//! must take; `tests/statistical.rs` checks them.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::fmt::Write as _;

use crate::error::Error;
use crate::output::number;
use crate::scenario::params::Kind;
use crate::scenario::{Scenario, load};
use crate::summary::{self, Stats};

/// A lever and the values it takes.
#[derive(Debug, Clone, Copy)]
pub struct Lever {
    /// The scenario key.
    pub key: &'static str,
    /// Words for a chart title and the table.
    pub label: &'static str,
    /// File stem of its chart (`<stem>.png`, `<stem>.svg`).
    pub stem: &'static str,
    /// The values, ascending.
    pub values: &'static [f64],
    /// Other keys set for this curve only (e.g. the other rationing rule), as `(key, value)`.
    pub with: &'static [(&'static str, f64)],
}

/// The levers of issue 11: community funding (cut and budget), GP buy-in, referral demand and
/// the caseload cap; and the cut again under the other rule for rationing places (how much the
/// answer depends on that assumption). Curves with `with` settings are shown, not checked.
pub const LEVERS: [Lever; 6] = [
    Lever {
        key: "funding.annual_cut",
        label: "annual cut to community funding",
        stem: crate::output::names::DOSE_CHARTS[0],
        values: &[0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
        with: &[],
    },
    Lever {
        key: "funding.annual_cut",
        label: "annual cut, places rationed others-first",
        stem: crate::output::names::DOSE_CHARTS[1],
        values: &[0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
        with: &[("community.rationing_proportional", 0.0)],
    },
    Lever {
        key: "funding.community_budget",
        label: "community budget (x baseline)",
        stem: crate::output::names::DOSE_CHARTS[2],
        values: &[0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25, 1.375, 1.5],
        with: &[],
    },
    Lever {
        key: "practices.gp_buy_in.mean",
        label: "mean GP buy-in at the start",
        stem: crate::output::names::DOSE_CHARTS[3],
        values: &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        with: &[],
    },
    Lever {
        key: "practices.referrals_per_1000_per_year",
        label: "referrals per 1,000 patients a year",
        stem: crate::output::names::DOSE_CHARTS[4],
        values: &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 85.0, 100.0, 120.0, 140.0],
        with: &[],
    },
    Lever {
        key: "link_workers.caseload_cap",
        label: "caseload cap (active cases per FTE)",
        stem: crate::output::names::DOSE_CHARTS[5],
        values: &[4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 25.0, 30.0, 40.0],
        with: &[],
    },
];

/// The headline figures each curve shows, with their chart labels ([`summary::HeadlineFigure::chart`]).
pub const MEASURES: [(&str, &str); 6] = [
    summary::charted("integration_rate_24m"),
    summary::charted("integration_rate_60m"),
    summary::charted("share_connected"),
    summary::charted("share_unmet_need"),
    summary::charted("waiting_per_lw"),
    summary::charted("lw_turnover_per_year"),
];

/// Which way a measure must move as a lever rises across its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The measure rises as the lever rises.
    Up,
    /// The measure falls as the lever rises.
    Down,
}

/// The documented directions (docs/VALIDATION.md), each with the mechanism that makes it:
/// `(lever key, measure, direction, why)`. The statistical test checks every one.
pub const DIRECTIONS: [(&str, &str, Direction, &str); 16] = [
    (
        "funding.annual_cut",
        summary::figure("integration_rate_60m").name,
        Direction::Down,
        "fewer places, fewer connections, less effect seen (Skivington 2018; Tierney 2025)",
    ),
    (
        "funding.annual_cut",
        summary::figure("share_connected").name,
        Direction::Down,
        "fewer places for everyone, the programme's share included",
    ),
    (
        "funding.annual_cut",
        summary::figure("share_unmet_need").name,
        Direction::Up,
        "referrals find no place or wait too long",
    ),
    (
        "funding.annual_cut",
        summary::figure("integration_rate_24m").name,
        Direction::Down,
        "as at 60 months, less within two years (cuts compound from year 2)",
    ),
    (
        "funding.community_budget",
        summary::figure("integration_rate_24m").name,
        Direction::Up,
        "more places, more connections, more effect seen",
    ),
    (
        "funding.community_budget",
        summary::figure("integration_rate_60m").name,
        Direction::Up,
        "as at 24 months",
    ),
    (
        "funding.community_budget",
        summary::figure("share_connected").name,
        Direction::Up,
        "more places",
    ),
    (
        "funding.community_budget",
        summary::figure("share_unmet_need").name,
        Direction::Down,
        "more places",
    ),
    (
        "practices.gp_buy_in.mean",
        summary::figure("integration_rate_24m").name,
        Direction::Up,
        "Chng 2021's first lever: coherence and cognitive participation",
    ),
    (
        "practices.gp_buy_in.mean",
        summary::figure("integration_rate_60m").name,
        Direction::Up,
        "weaker: buy-in moves towards the effect seen (Tierney 2025)",
    ),
    (
        "practices.gp_buy_in.mean",
        summary::figure("waiting_per_lw").name,
        Direction::Up,
        "engaged practices refer more",
    ),
    (
        "practices.referrals_per_1000_per_year",
        summary::figure("integration_rate_24m").name,
        Direction::Up,
        "no patients, no effect seen, no belonging (Chng 2021; Tierney 2025)",
    ),
    (
        "practices.referrals_per_1000_per_year",
        summary::figure("share_connected").name,
        Direction::Down,
        "the same places shared by more patients",
    ),
    (
        "practices.referrals_per_1000_per_year",
        summary::figure("waiting_per_lw").name,
        Direction::Up,
        "demand beyond the link worker's hours",
    ),
    (
        "link_workers.caseload_cap",
        summary::figure("integration_rate_24m").name,
        Direction::Up,
        "a low cap turns patients away, so fewer are helped",
    ),
    (
        "link_workers.caseload_cap",
        summary::figure("waiting_per_lw").name,
        Direction::Down,
        "room for more active cases",
    ),
];

/// Steps allowed to hold more than half of a curve's change, each with the threshold mechanism
/// that causes it (docs/VALIDATION.md names them): `(lever key, measure, why)`.
pub const THRESHOLDS: [(&str, &str, &str); 2] = [
    (
        "link_workers.caseload_cap",
        summary::figure("integration_rate_24m").name,
        "below about 16 active cases per FTE the cap, not the hours, limits casework: each case fewer turns patients away",
    ),
    (
        "link_workers.caseload_cap",
        summary::figure("integration_rate_60m").name,
        "as at 24 months: the cap binds only below the link worker's hours",
    ),
];

/// Where the curves break what docs/VALIDATION.md says of them: a documented direction not taken
/// (the mean change from the first value to the last at which the measure is defined, taken
/// replicate by replicate, against `margin` standard errors of that paired difference), or a
/// step holding more than half a curve's change with no named threshold.
/// Empty when every curve behaves.
pub fn check(curves: &[Curve], margin: f64) -> Vec<String> {
    let mut problems = Vec::new();
    for c in curves.iter().filter(|c| c.lever.with.is_empty()) {
        for (m, (measure, _)) in MEASURES.iter().enumerate() {
            // From the first value at which the measure is defined to the last (a share of
            // referrals is undefined with none).
            let defined: Vec<usize> = (0..c.stats.len()).filter(|&p| c.stats[p][m].is_some()).collect();
            let (Some(&first), Some(&last)) = (defined.first(), defined.last()) else {
                if DIRECTIONS.iter().any(|d| d.0 == c.lever.key && d.1 == *measure) {
                    problems.push(format!("{} -> {measure}: undefined across the range", c.lever.key));
                }
                continue;
            };
            // The change and its standard error, from the differences replicate by replicate
            // (the same seeds at every value: common random numbers).
            let diffs: Vec<f64> = c.values[last][m]
                .iter()
                .zip(&c.values[first][m])
                .map(|(b, a)| b - a)
                .filter(|d| d.is_finite())
                .collect();
            let Some(d) = summary::stats(&diffs) else {
                continue;
            };
            let change = d.mean;
            let se = d.sd / (diffs.len() as f64).sqrt();
            if let Some((_, _, dir, _)) = DIRECTIONS.iter().find(|d| d.0 == c.lever.key && d.1 == *measure) {
                let ok = match dir {
                    Direction::Up => change > margin * se,
                    Direction::Down => change < -margin * se,
                };
                if !ok {
                    problems.push(format!(
                        "{} -> {measure}: expected {dir:?}, changed {change:+.4} (standard error {se:.4})",
                        c.lever.key
                    ));
                }
            }
            // The step rule, for curves that change beyond chance (a flat curve's steps are noise).
            let allowed = THRESHOLDS.iter().any(|t| t.0 == c.lever.key && t.1 == *measure);
            if change.abs() > margin * se
                && !allowed
                && let Some((share, at)) = largest_step(&means(c, m)[first..=last])
                && share > 0.5
            {
                problems.push(format!(
                    "{} -> {measure}: the step from {} to {} holds {:.0}% of the curve's change",
                    c.lever.key,
                    c.lever.values[first + at],
                    c.lever.values[first + at + 1],
                    100.0 * share
                ));
            }
        }
    }
    problems
}

/// Weeks every curve's runs last: five years, so both month-named figures exist.
pub const WEEKS: u32 = 260;

/// One lever's curve: for each of its values, each measure's statistics across replicates
/// (`None` where no replicate defines it).
#[derive(Debug, Clone)]
pub struct Curve {
    /// The lever moved, with its values (one point per value, in order).
    pub lever: Lever,
    /// Replicates at each value.
    pub replicates: u32,
    /// `stats[point][measure]`, in [`MEASURES`] order.
    pub stats: Vec<Vec<Option<Stats>>>,
    /// `values[point][measure][replicate]`: each replicate's figure (NaN where undefined), for
    /// differences taken replicate by replicate.
    pub values: Vec<Vec<Vec<f64>>>,
}

/// A scenario's refusal of a lever value: the key, and what was expected.
fn refused((key, message): (String, String)) -> Error {
    Error::Refused {
        path: key.into(),
        message,
    }
}

/// Run every lever's curve on `base` with `replicates` replicates at each point (the base's seed
/// at every point), [`WEEKS`] weeks, on `threads` threads (0: all cores). `progress` gets the
/// number of points done so far (1 to [`points`]). Returns one [`Curve`] per lever, in
/// [`LEVERS`] order.
///
/// # Errors
/// [`Error::Refused`] for a value a scenario would refuse (none of [`LEVERS`] is);
/// [`Error::Interrupted`] on SIGINT or SIGTERM.
pub fn run(base: &Scenario, replicates: u32, threads: usize, progress: &dyn Fn(u64)) -> Result<Vec<Curve>, Error> {
    // Raw: each point's scenario (this with the lever's values) is checked as a whole.
    let mut base = base.clone().into_raw();
    base.simulation.weeks = WEEKS;
    base.simulation.replicates = replicates;
    base.output.detail_replicates = 0;
    let indices: Vec<usize> = MEASURES
        .iter()
        .map(|(m, _)| summary::headline_index(m).expect("a headline name"))
        .collect();
    let mut curves = Vec::new();
    let mut done = 0;
    for lever in LEVERS {
        let mut stats = Vec::new();
        let mut values_at = Vec::new();
        for &v in lever.values {
            let integer = crate::scenario::params::spec(lever.key).is_some_and(|s| s.kind == Kind::Int);
            let value = if integer {
                toml::Value::Integer(v as i64)
            } else {
                toml::Value::Float(v)
            };
            let mut values = vec![(lever.key, value)];
            values.extend(lever.with.iter().map(|(k, x)| (*k, toml::Value::Float(*x))));
            let s = load::with_values(&base, &values).map_err(refused)?;
            let reps = crate::run::run_all(&s, threads, &|| {})?;
            stats.push(indices.iter().map(|&i| summary::headline_stats(&reps, i)).collect());
            values_at.push(
                indices
                    .iter()
                    .map(|&i| reps.iter().map(|r| r.headline.values()[i]).collect())
                    .collect(),
            );
            done += 1;
            progress(done);
        }
        curves.push(Curve {
            lever,
            replicates,
            stats,
            values: values_at,
        });
    }
    Ok(curves)
}

/// Points in all curves (for a progress bar).
pub fn points() -> u64 {
    LEVERS.iter().map(|l| l.values.len() as u64).sum()
}

/// One row of dose-response.csv: a measure's statistics at one value of a lever. Its numbers are
/// written as Rust's `Display` writes them ([`number::serialize_display`]), an undefined
/// statistic as an empty field.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct DoseRow {
    /// The lever's scenario key.
    pub lever: &'static str,
    /// The lever's value.
    #[serde(serialize_with = "number::serialize_display")]
    pub value: f64,
    /// The headline figure ([`MEASURES`]).
    pub measure: &'static str,
    /// Its mean across replicates (NaN, an empty field, where undefined).
    #[serde(serialize_with = "number::serialize_display")]
    pub mean: f64,
    /// Its 5th percentile across replicates.
    #[serde(serialize_with = "number::serialize_display")]
    pub p05: f64,
    /// Its 95th percentile across replicates.
    #[serde(serialize_with = "number::serialize_display")]
    pub p95: f64,
}

/// `dose-response.csv`: `lever, value, measure, mean, p05, p95` ([`DoseRow`]), one row per point
/// and measure (empty fields where undefined).
pub fn csv(curves: &[Curve]) -> Vec<u8> {
    let rows = curves.iter().flat_map(|c| {
        c.lever.values.iter().zip(&c.stats).flat_map(move |(&value, row)| {
            MEASURES.iter().zip(row).map(move |(&(measure, _), s)| {
                let (mean, p05, p95) = s.map_or((f64::NAN, f64::NAN, f64::NAN), |s| (s.mean, s.p05, s.p95));
                DoseRow {
                    lever: c.lever.key,
                    value,
                    measure,
                    mean,
                    p05,
                    p95,
                }
            })
        })
    });
    crate::output::csv_bytes(rows)
}

/// A curve's means for one measure (`measure`: an index into [`MEASURES`]), one per point (NaN
/// where undefined).
pub fn means(c: &Curve, measure: usize) -> Vec<f64> {
    c.stats
        .iter()
        .map(|row| row[measure].map_or(f64::NAN, |s| s.mean))
        .collect()
}

/// The largest share of a curve's whole change (first point to last) that one step between
/// neighbouring points holds, and the index of that step (between `values[i]` and
/// `values[i + 1]`). `None` when the curve does not change (or is undefined somewhere).
pub fn largest_step(means: &[f64]) -> Option<(f64, usize)> {
    if means.iter().any(|m| !m.is_finite()) || means.len() < 2 {
        return None;
    }
    let total: f64 = means.windows(2).map(|w| (w[1] - w[0]).abs()).sum();
    if total <= 1e-12 {
        return None;
    }
    // The first of equal steps.
    means
        .windows(2)
        .enumerate()
        .map(|(i, w)| ((w[1] - w[0]).abs() / total, i))
        .fold(None, |best: Option<(f64, usize)>, x| match best {
            Some(b) if b.0 >= x.0 => Some(b),
            _ => Some(x),
        })
}

/// The markdown table of every curve (docs/VALIDATION.md's dose-response section): one table per
/// lever, a row per value, a column per measure with mean and 90% interval; `images` is the
/// folder the charts are linked from, relative to the markdown ("" when they sit beside it).
pub fn markdown(curves: &[Curve], replicates: u32, command: &str, images: &str) -> String {
    let mut md = format!(
        "\n## Dose-response: the levers across their ranges\n\n\
         Generated by `{command}` ({replicates} replicates at each point, the same seeds at every \
         point, {WEEKS} weeks). Each cell is the mean with its 90% interval across replicates.\n"
    );
    md.push_str(
        "\nThe directions each curve must take, from its first value to its last, and why (checked by \
         `tests/statistical.rs`: the mean change taken replicate by replicate must exceed 3 of its \
         standard errors; no step between neighbouring values may hold more than half of a \
         changing curve's change unless a threshold below names it):\n\n\
         | lever | measure | direction | mechanism |\n|---|---|---|---|\n",
    );
    for (lever, measure, dir, why) in DIRECTIONS {
        let _ = writeln!(
            md,
            "| `{lever}` | {measure} | {} | {why} |",
            if dir == Direction::Up { "up" } else { "down" }
        );
    }
    md.push_str("\nThresholds (steps allowed to hold more than half a curve's change):\n\n");
    for (lever, measure, why) in THRESHOLDS {
        let _ = writeln!(md, "- `{lever}`, {measure}: {why}.");
    }
    // Charts beside the markdown (`lwsim dose-response`'s folder), or in a folder of images.
    let prefix = if images.is_empty() {
        String::new()
    } else {
        format!("{images}/")
    };
    for c in curves {
        let with: Vec<String> = c
            .lever
            .with
            .iter()
            .map(|(k, v)| format!(", with `{k} = {v}`"))
            .collect();
        let _ = write!(
            md,
            "\n### {} (`{}`{})\n\n![{}]({prefix}{}.png)\n\n| {} |",
            c.lever.label,
            c.lever.key,
            with.concat(),
            c.lever.label,
            c.lever.stem,
            c.lever.key
        );
        for (m, _) in MEASURES {
            let _ = write!(md, " {m} |");
        }
        md.push_str("\n|---|");
        md.push_str(&"---|".repeat(MEASURES.len()));
        md.push('\n');
        for (v, row) in c.lever.values.iter().zip(&c.stats) {
            let _ = write!(md, "| {v} |");
            for s in row {
                match s {
                    Some(s) => {
                        let _ = write!(md, " {} ({} to {}) |", sig(s.mean), sig(s.p05), sig(s.p95));
                    }
                    None => md.push_str(" - |"),
                }
            }
            md.push('\n');
        }
    }
    md
}

/// Which practices belong at five years and which do not, and the drivers that separate them
/// (issue 11: weak drivers settle below belonging): `base` run for [`WEEKS`] weeks with
/// `replicates` replicates, each practice's drivers at the start averaged over those belonging at
/// the end and those not. Markdown, appended to the dose-response section.
///
/// # Errors
/// [`Error::Refused`] when the run would write more weekly rows than a run may
/// ([`crate::scenario::params::MAX_DETAIL_ROWS`]); [`Error::Interrupted`] on SIGINT or SIGTERM.
pub fn drivers_table(base: &Scenario, replicates: u32, threads: usize) -> Result<String, Error> {
    let s = base
        .edit(|s| {
            s.simulation.weeks = WEEKS;
            s.simulation.replicates = replicates;
            s.output.detail_replicates = replicates;
        })
        .map_err(refused)?;
    let reps = crate::run::run_all(&s, threads, &|| {})?;
    let rows: Vec<&crate::observe::PracticeRow> = reps.iter().flat_map(|r| &r.practices).collect();
    type Driver = (&'static str, fn(&crate::observe::PracticeRow) -> f64);
    let drivers: [Driver; 9] = [
        ("GP buy-in at the start", |p| p.gp_buy_in),
        ("collaborative leadership", |p| p.collaborative_leadership),
        ("team dynamics", |p| p.team_dynamics),
        ("training practice (share)", |p| {
            f64::from(u8::from(p.training_practice))
        }),
        ("deprivation", |p| p.deprivation),
        ("list size", |p| f64::from(p.list_size)),
        ("link-worker changes", |p| f64::from(p.lw_changes)),
        ("GP buy-in at the end (follows the effect seen)", |p| p.gp_buy_in_final),
        ("reflexive monitoring at the end (effect seen)", |p| {
            p.reflexive_monitoring
        }),
    ];
    let (yes, no): (Vec<_>, Vec<_>) = rows
        .iter()
        .partition(|p| p.final_stage == crate::model::practice::Stage::Belonging.name());
    let mean = |group: &[&&crate::observe::PracticeRow], f: fn(&crate::observe::PracticeRow) -> f64| {
        let v: Vec<f64> = group.iter().map(|p| f(p)).collect();
        summary::mean_sd(&v).0
    };
    let mut md = format!(
        "\n### Which practices belong at five years\n\n\
         {} of {} practices ({:.0}%) belong at the end of {WEEKS} weeks ({replicates} replicates of the \
         scenario as it stands). Their drivers at the start, averaged over those that belong and \
         those that do not: lasting features, not only speed, separate them (Chng et al. 2021).\n\n\
         | driver | belonging | not belonging |\n|---|---|---|\n",
        yes.len(),
        rows.len(),
        100.0 * yes.len() as f64 / rows.len().max(1) as f64
    );
    for (name, f) in drivers {
        let _ = writeln!(md, "| {name} | {} | {} |", sig(mean(&yes, f)), sig(mean(&no, f)));
    }
    Ok(md)
}

/// Three significant digits, for tables.
fn sig(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_step_is_its_share_of_the_whole_change() {
        assert_eq!(largest_step(&[0.0, 0.1, 0.2, 0.3, 1.0]), Some((0.7, 3)));
        assert_eq!(largest_step(&[0.5, 0.5]), None);
        assert_eq!(largest_step(&[0.5, f64::NAN]), None);
        // A curve that goes up and down: steps are shares of the path, not of the net change.
        let (share, at) = largest_step(&[0.0, 1.0, 0.0]).unwrap();
        assert_eq!((share, at), (0.5, 0));
    }

    #[test]
    fn levers_are_valid_keys_with_ascending_values_in_range() {
        for l in LEVERS {
            let spec = crate::scenario::params::spec(l.key).expect("a scenario key");
            assert!(l.values.windows(2).all(|w| w[0] < w[1]), "{}", l.key);
            assert!(l.values.iter().all(|v| *v >= spec.min && *v <= spec.max), "{}", l.key);
        }
        for (m, _) in MEASURES {
            assert!(summary::headline_index(m).is_some(), "{m}");
        }
    }

    #[test]
    fn sig_keeps_three_significant_digits() {
        assert_eq!(sig(0.43125), "0.431");
        assert_eq!(sig(12.345), "12.3");
        assert_eq!(sig(0.0), "0");
        assert_eq!(sig(1234.5), "1234");
    }
}
