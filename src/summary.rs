//! Reducing replicates: each replicate's headline figures, monthly statistics across
//! replicates, and the run's summary (summary.json). Every sum runs in replicate order (the
//! monthly statistics are computed in parallel, one measure and month to a task, each task's
//! values in replicate order and the rows in a fixed order), so floating-point results do not
//! depend on the thread count.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};

use crate::model::World;
use crate::observe::{self, PracticeRow, WeeklyRow};

/// Everything one replicate reports (built by [`crate::run::run_replicate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Replicate {
    /// Replicate index, 0-based (replicate r of every scenario of a comparison has the same seed).
    pub index: u32,
    /// The replicate's seed: [`crate::rng::replicate_seed`] of the base seed and the index.
    pub seed: u64,
    /// Each measure's value in months 0..=months: one entry per month, `months` being
    /// [`months`] of the run's weeks ([`month_values`]).
    pub months: Vec<MonthValues>,
    /// The replicate's headline figures (summary.json's, before statistics across replicates).
    pub headline: Headline,
    /// Weeks 0..=weeks (week 0 is the state before the first step); empty beyond the detail limit.
    pub weekly: Vec<WeeklyRow>,
    /// Each practice at the end; empty beyond the detail limit.
    pub practices: Vec<PracticeRow>,
}

/// A headline figure's unit, which says how the reports show it (in JSON, its name in lower
/// case: the explorer's `GET /api/figures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A share 0..1, shown as a percentage (its differences in percentage points).
    Percent,
    /// A count or rate, as it is.
    Number,
    /// Pounds sterling, whole, with thousands separated.
    Pounds,
}

/// One headline figure as declared in [`FIGURES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadlineFigure {
    /// Its name in summary.json, headline.csv, sweeps' outcomes and goals (the field of
    /// [`Headline`]).
    pub name: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// Its label in the reports' tables (a sentence's start, capitalised).
    pub label: &'static str,
    /// Its shorter label in the explorer's tables (`lwsim serve`; a sentence's start,
    /// capitalised).
    pub explorer: &'static str,
    /// Its short label in the charts that show it (the comparison's and the dose-response
    /// charts'); `None` for a figure no chart shows.
    pub chart: Option<&'static str>,
    /// The month a figure named for a month is taken at: absent from summary.json (an empty
    /// field in headline.csv) in runs that end before it.
    pub month: Option<u32>,
}

/// `None`, or `Some` of the one expression given.
macro_rules! some {
    () => {
        None
    };
    ($x:expr) => {
        Some($x)
    };
}

/// Declares [`Headline`] (one `f64` field per figure, in summary.json's order), the table
/// [`FIGURES`] and [`Headline::values`] from one list: for each figure its documentation, name,
/// unit, report label, explorer label and, where it has them, its chart label and month.
macro_rules! headline_figures {
    ($($(#[doc = $doc:literal])* $name:ident: $unit:ident, $label:literal, explorer $explorer:literal
        $(, chart $chart:literal)? $(, month $month:literal)?;)*) => {
        /// One replicate's headline figures (MODEL.md section 6). Shares are of all referred
        /// patients unless named otherwise; NaN where the denominator is zero. Declared with
        /// [`FIGURES`], which gives each figure's unit and labels.
        #[derive(Debug, Clone, Copy, Serialize)]
        pub struct Headline {
            $($(#[doc = $doc])* pub $name: f64,)*
        }

        /// The headline figures, in summary.json's and headline.csv's order.
        pub const FIGURES: [HeadlineFigure; HEADLINES] = [
            $(HeadlineFigure {
                name: stringify!($name),
                unit: Unit::$unit,
                label: $label,
                explorer: $explorer,
                chart: some!($($chart)?),
                month: some!($($month)?),
            },)*
        ];

        /// The names of the headline figures, in [`FIGURES`] order (sweep outcomes and
        /// summary.json use them).
        pub const HEADLINE_NAMES: [&str; HEADLINES] = [$(stringify!($name)),*];

        /// Number of headline figures.
        pub const HEADLINES: usize = [$(stringify!($name)),*].len();

        impl Headline {
            /// The figures as numbers, in [`FIGURES`] order.
            pub fn values(&self) -> [f64; HEADLINES] {
                [$(self.$name,)*]
            }
        }
    };
}

headline_figures! {
    /// Share of practices belonging at month 24 (week [`observe::month_end_week`]`(24)`),
    /// whatever the run's length; NaN (absent from summary.json) in runs shorter than 24 months.
    integration_rate_24m: Percent, "Practices fully integrated ('belonging') at 24 months",
        explorer "Practices fully integrated at 24 months",
        chart "fully integrated at 24 months", month 24;
    /// Share of practices belonging at month 60; NaN (absent) in runs shorter than 60 months.
    integration_rate_60m: Percent, "Practices fully integrated ('belonging') at 60 months",
        explorer "Practices fully integrated at 60 months",
        chart "fully integrated at 60 months", month 60;
    /// Share of practices belonging at the run's last week.
    integration_rate_end: Percent, "Practices fully integrated ('belonging') at the end of the run",
        explorer "Practices fully integrated at the end of the run",
        chart "fully integrated at the run's end";
    /// Patients referred per full-time link worker per year: referrals over (FTE times the run's
    /// years, 52 weeks each).
    referrals_per_lw_per_year: Number, "Referrals per full-time link worker per year",
        explorer "Referrals per link worker a year";
    /// Patients who attended at least one session, per full-time link worker per year.
    supported_per_lw_per_year: Number, "Patients supported (attended a session) per link worker per year",
        explorer "Patients supported per link worker a year";
    /// Of patients whose pathway ended, the share with 3 or more link-worker contacts.
    share_3plus_contacts: Percent, "Patients with 3 or more link-worker contacts",
        explorer "Patients with 3+ contacts",
        chart "patients with 3+ contacts";
    /// Share of referred patients who never attended a first session (gave up waiting, or did
    /// not attend), 0..1.
    share_not_engaged: Percent, "Referred patients who never engaged",
        explorer "Referred patients never engaged",
        chart "referred patients never engaged";
    /// Share of referred patients who dropped out at any stage (of link-worker support, or of
    /// an offered place), 0..1.
    share_dropped_out: Percent, "Referred patients who dropped out",
        explorer "Referred patients who dropped out",
        chart "referred patients dropped out";
    /// Share of referred patients connected to a community organisation, 0..1.
    share_connected: Percent, "Referred patients connected to a community organisation",
        explorer "Referred patients connected",
        chart "referred patients connected";
    /// Share of referred patients whose need went unmet (no place found, a closure, or too long
    /// a wait), 0..1.
    share_unmet_need: Percent, "Referred patients whose need went unmet",
        explorer "Referred patients with unmet need",
        chart "referred patients with unmet need";
    /// Of patients who engaged, the share who dropped out of link-worker support before
    /// completing it (Dundee 2015: about 25%).
    dropout_of_engaged: Percent, "Engaged patients who dropped out",
        explorer "Dropped out, of those who engaged";
    /// Mean contacts of patients who completed link-worker support.
    contacts_per_completed: Number, "Link-worker contacts per completed case",
        explorer "Contacts per completed case";
    /// Leavers per link-worker post per year.
    lw_turnover_per_year: Percent, "Link workers leaving, per post per year",
        explorer "Link-worker turnover a year",
        chart "link-worker turnover a year";
    /// Patients waiting for a link worker, per post, averaged over the run's weeks (week 0 left
    /// out).
    waiting_per_lw: Number, "Patients waiting for a link worker, per post (mean over the run)",
        explorer "Patients waiting per link worker",
        chart "patients waiting per link worker";
    /// Community organisations closed by the run's end (organisations; a count held as a number
    /// so that it has statistics like the other figures).
    org_closed: Number, "Community organisations closed",
        explorer "Community organisations closed";
    /// Mean wellbeing change (points) of patients connected to an organisation.
    wellbeing_connected: Number, "Wellbeing change of those connected (points)",
        explorer "Wellbeing change, connected patients (points)";
    /// Mean wellbeing change (points) of patients whose pathway ended without a connection:
    /// never engaged, dropped out, or need unmet (the last with `wellbeing_change_unmet`).
    wellbeing_rest: Number, "Wellbeing change of the other referred patients (points)",
        explorer "Wellbeing change, other referred patients (points)";
    /// `cost_nhs + cost_community` (GBP over the run).
    cost_total: Pounds, "Total cost over the run (NHS and community)",
        explorer "Total cost, NHS and community";
    /// The NHS side (GBP over the run): link-worker salaries, programme support, practice
    /// development fund.
    cost_nhs: Pounds, "NHS cost over the run (link workers, support, development)",
        explorer "NHS cost (link workers, support, development)";
    /// The community side (GBP over the run): community organisations' funding while open
    /// (grants, after cuts), and per-referral payments.
    cost_community: Pounds, "Community cost over the run (organisations' funding, per-referral payments)",
        explorer "Community cost (organisations' funding)";
    /// `cost_nhs` per patient who attended a first session (GBP).
    cost_per_supported: Pounds, "NHS cost per patient supported",
        explorer "NHS cost per patient supported";
    /// `cost_nhs` per patient connected (GBP).
    cost_per_connected: Pounds, "NHS cost per patient connected",
        explorer "NHS cost per patient connected";
    /// `cost_community` per patient connected (GBP): the whole community side, of which the
    /// programme's patients use a share.
    cost_community_per_connected: Pounds, "Community cost per patient connected",
        explorer "Community cost per patient connected";
}

/// The headline figure named `name`, for tables built at compile time: a name that is not a
/// figure's fails the build.
///
/// # Panics
/// If no figure is named `name` (at compile time when called in a constant).
pub const fn figure(name: &str) -> HeadlineFigure {
    FIGURES[observe::position(&HEADLINE_NAMES, name)]
}

/// A charted headline figure's name and chart label ([`HeadlineFigure::chart`]), for the charts'
/// tables built at compile time.
///
/// # Panics
/// If no figure is named `name`, or it has no chart label (at compile time in a constant).
pub const fn charted(name: &str) -> (&'static str, &'static str) {
    let f = figure(name);
    match f.chart {
        Some(label) => (f.name, label),
        None => panic!("a headline figure without a chart label"),
    }
}

/// The month headline figure `name` is taken at ([`HeadlineFigure::month`]), for code that
/// computes or selects the figures named for a month.
///
/// # Panics
/// If no figure is named `name`, or it is not named for a month (at compile time in a constant).
pub const fn month(name: &str) -> u32 {
    match figure(name).month {
        Some(month) => month,
        None => panic!("a headline figure not named for a month"),
    }
}

/// For `#[serde(deserialize_with = "...")]` on a row's field that names a headline figure (a
/// comparison's headline.csv and effects.csv): the declaration's name ([`HEADLINE_NAMES`]).
///
/// # Errors
/// Text that is not a headline figure's name.
pub(crate) fn deserialize_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<observe::Name, D::Error> {
    observe::declared(d, &HEADLINE_NAMES, "a headline figure's name")
}

/// Equal when every figure has the same bits: a figure undefined in both (NaN) is equal, so a
/// replicate compares equal to its reproduction.
impl PartialEq for Headline {
    fn eq(&self, other: &Self) -> bool {
        self.values().map(f64::to_bits) == other.values().map(f64::to_bits)
    }
}

/// The index of a headline figure in [`HEADLINE_NAMES`], by its summary.json name.
pub fn headline_index(name: &str) -> Option<usize> {
    HEADLINE_NAMES.iter().position(|n| *n == name)
}

/// Statistics of headline figure `i` (an index into [`HEADLINE_NAMES`]) across replicates (those
/// where it is defined); `None` when no replicate defines it.
///
/// # Panics
/// If `i` is not below [`HEADLINES`].
pub fn headline_stats(replicates: &[Replicate], i: usize) -> Option<Stats> {
    let values: Vec<f64> = replicates.iter().map(|r| r.headline.values()[i]).collect();
    stats(&values)
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Headline figures of a finished replicate: `world` after its last step, `weekly` its rows
/// for weeks 0..=weeks (one entry per week, week 0 first).
///
/// # Panics
/// If `weekly` is empty.
pub fn headline(world: &World, weekly: &[WeeklyRow]) -> Headline {
    let t = &world.tally;
    let f = &t.total;
    let years = f64::from(world.week) / 52.0;
    let fte: f64 = world.workers.iter().map(|w| w.fte).sum();
    let referrals = f.referrals as f64;
    let last = weekly.last().expect("a run has week 0");
    // The integration rate at the month a figure is named for ([`HeadlineFigure::month`]).
    let at_month = |name: &str| {
        weekly
            .get(observe::month_end_week(month(name)) as usize)
            .map_or(f64::NAN, |row| row.integration_rate)
    };
    let nhs = t.cost_nhs();
    Headline {
        integration_rate_24m: at_month("integration_rate_24m"),
        integration_rate_60m: at_month("integration_rate_60m"),
        integration_rate_end: last.integration_rate,
        referrals_per_lw_per_year: ratio(referrals, fte * years),
        supported_per_lw_per_year: ratio(f.engaged as f64, fte * years),
        share_3plus_contacts: ratio(t.finished_3plus as f64, t.finished as f64),
        share_not_engaged: ratio(f.not_engaged as f64, referrals),
        share_dropped_out: ratio(f.dropped_out as f64, referrals),
        share_connected: ratio(f.connected as f64, referrals),
        share_unmet_need: ratio(f.unmet_need as f64, referrals),
        dropout_of_engaged: ratio(t.dropped_out_support as f64, f.engaged as f64),
        contacts_per_completed: ratio(t.completed_contacts as f64, f.completed as f64),
        lw_turnover_per_year: ratio(f.leavers as f64, world.workers.len() as f64 * years),
        waiting_per_lw: ratio(
            weekly[1..].iter().map(|r| r.waiting as f64).sum::<f64>(),
            (weekly.len() - 1) as f64 * world.workers.len() as f64,
        ),
        org_closed: f64::from(last.org_closed),
        wellbeing_connected: ratio(t.wellbeing_connected, f.connected as f64),
        wellbeing_rest: ratio(t.wellbeing_rest, (t.finished - f.connected) as f64),
        cost_total: nhs + t.cost_community,
        cost_nhs: nhs,
        cost_community: t.cost_community,
        cost_per_supported: ratio(nhs, f.engaged as f64),
        cost_per_connected: ratio(nhs, f.connected as f64),
        cost_community_per_connected: ratio(t.cost_community, f.connected as f64),
    }
}

/// Mean, standard deviation and percentiles of one measure across replicates, in the measure's
/// own unit ([`stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Mean ([`mean_sd`]).
    pub mean: f64,
    /// Sample standard deviation (n - 1; 0 for one value).
    pub sd: f64,
    /// 5th percentile (type 7, [`quantile`]).
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// A paired effect ([`effect_stats`]): how the differences `scenario[r] - reference[r]` spread,
/// and how precisely their mean is known. In the headline figure's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectStats {
    /// Mean of the paired differences ([`mean_sd`]).
    pub mean: f64,
    /// Sample standard deviation of the differences (n - 1; 0 for one pair).
    pub sd: f64,
    /// 5th percentile of the differences ([`quantile`]): with `p95`, the range that holds 90%
    /// of the replicates' effects (how much the effect varies from run to run).
    pub p05: f64,
    /// 95th percentile of the differences.
    pub p95: f64,
    /// Standard error of the mean difference, `sd / sqrt(pairs)`; NaN with one pair.
    pub se: f64,
    /// Lower end of the 90% confidence interval of the mean difference, `mean - t * se` with
    /// `t` Student's 95th percentile on `pairs - 1` degrees of freedom, at most 1,000 (replicates are
    /// independent draws, so the differences are too); NaN with one pair. Exactly `mean` when
    /// every difference is equal (0 for a scenario identical to the reference).
    pub mean_lo: f64,
    /// Upper end of that interval, `mean + t * se`.
    pub mean_hi: f64,
    /// Replicate pairs where both define the figure.
    pub pairs: usize,
}

/// The effect of a scenario against the reference on headline figure `i`, taken replicate by
/// replicate (replicate r of both started from the same seed: common random numbers): the
/// statistics of `scenario[r] - reference[r]` over the replicates where both are defined.
/// A scenario identical to the reference has every effect exactly 0. Replicates are paired by
/// position; `None` when no pair defines the figure.
pub fn effect_stats(reference: &[Replicate], scenario: &[Replicate], i: usize) -> Option<EffectStats> {
    let diffs: Vec<f64> = reference
        .iter()
        .zip(scenario)
        .map(|(a, b)| b.headline.values()[i] - a.headline.values()[i])
        .collect();
    let s = stats(&diffs)?;
    let pairs = diffs.iter().filter(|x| x.is_finite()).count();
    let (se, mean_lo, mean_hi) = mean_confidence(s.mean, s.sd, pairs);
    Some(EffectStats {
        mean: s.mean,
        sd: s.sd,
        p05: s.p05,
        p95: s.p95,
        se,
        mean_lo,
        mean_hi,
        pairs,
    })
}

/// The standard error of a mean of `n` independent values with sample standard deviation `sd`,
/// and the mean's 90% confidence interval (Student's t on n - 1 degrees of freedom, at most
/// 1,000: [`crate::seek::method::t_quantile`]): `(se, lo, hi)`, all NaN below two values.
fn mean_confidence(mean: f64, sd: f64, n: usize) -> (f64, f64, f64) {
    if n < 2 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let se = sd / (n as f64).sqrt();
    let half = crate::seek::method::t_quantile(0.95, (n - 1) as f64) * se;
    (se, mean - half, mean + half)
}

/// Statistics of the finite values (NaN are left out); `None` when there are none.
pub fn stats(values: &[f64]) -> Option<Stats> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    // Values equal under total_cmp have the same bits, so an unstable sort orders them the same.
    v.sort_unstable_by(f64::total_cmp);
    let (mean, sd) = mean_sd(&v);
    Some(Stats {
        mean,
        sd,
        p05: quantile(&v, 0.05),
        p50: quantile(&v, 0.5),
        p95: quantile(&v, 0.95),
    })
}

/// Mean and sample standard deviation (0 for one value) of finite values, numerically stable:
/// taken about the first value, with compensated (Neumaier) sums, so that identical values give
/// exactly their value and sd 0, and the mean never leaves [min, max]. NaN when empty.
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    let Some(&first) = v.first() else {
        return (f64::NAN, f64::NAN);
    };
    let n = v.len() as f64;
    // About the first value, unless the differences overflow (values near f64::MAX).
    let shift = if v.iter().all(|x| (x - first).is_finite()) {
        first
    } else {
        0.0
    };
    let mean = shift + compensated_sum(v.iter().map(|x| x - shift)) / n;
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
        (lo.min(x), hi.max(x))
    });
    let mean = mean.clamp(lo, hi);
    let sd = if v.len() > 1 {
        (compensated_sum(v.iter().map(|x| (x - mean) * (x - mean))) / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, sd)
}

/// Neumaier's compensated sum: the rounding error of each addition carried along.
pub fn compensated_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for x in values {
        let t = sum + x;
        carry += if sum.abs() >= x.abs() {
            (sum - t) + x
        } else {
            (x - t) + sum
        };
        sum = t;
    }
    sum + carry
}

/// Quantile `q` (0..1) of sorted values by linear interpolation (Hyndman & Fan type 7, R's
/// default).
///
/// # Panics
/// If `sorted` is empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

/// One row of monthly.csv: one measure in one month, across replicates, in the measure's unit
/// ([`crate::observe::WEEKLY`] gives each measure's unit; flows are per month here). The file's
/// one declaration: written from it, and read back into it (`output::read_rows`); a missing
/// value is an empty field ([`crate::output::number`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRow {
    /// Month, 0 (the state at the start) to [`months`] of the run's weeks.
    pub month: u32,
    /// The measure's name, one of [`observe::MEASURE_NAMES`].
    #[serde(deserialize_with = "observe::deserialize_name")]
    pub measure: observe::Name,
    /// Mean across replicates (NaN in every statistic when no replicate has a finite value).
    #[serde(with = "crate::output::number")]
    pub mean: f64,
    /// Sample standard deviation across replicates.
    #[serde(with = "crate::output::number")]
    pub sd: f64,
    /// 5th percentile across replicates.
    #[serde(with = "crate::output::number")]
    pub p05: f64,
    /// Median across replicates.
    #[serde(with = "crate::output::number")]
    pub p50: f64,
    /// 95th percentile across replicates.
    #[serde(with = "crate::output::number")]
    pub p95: f64,
}

/// Months reported for a run of `weeks` weeks: 0 up to the last month that ends within the run,
/// `floor(weeks * 12 / 52)`.
pub fn months(weeks: u32) -> u32 {
    weeks * 12 / 52
}

/// Number of weekly measures ([`observe::WEEKLY`]).
pub const MEASURES: usize = observe::MEASURE_COUNT;

/// Each measure's value in one month of one replicate, in `observe::measures` order.
pub type MonthValues = [f64; MEASURES];

/// Each measure's value in month `m` of one replicate: stocks at the month's last week
/// ([`observe::month_end_week`]), flows apportioned to months by time
/// ([`observe::week_share_of_month`]): a week that straddles two months gives each its share, so
/// months of 4 and 5 weeks do not make a sawtooth.
///
/// # Panics
/// If `weekly` does not reach month `m`'s last week ([`observe::month_end_week`]).
pub fn month_values(weekly: &[WeeklyRow], m: u32) -> MonthValues {
    let end = observe::month_end_week(m) as usize;
    let mut out: MonthValues = observe::measures(&weekly[end]);
    let is_flow = observe::WEEKLY.map(|measure| measure.kind == observe::Kind::Flow);
    for (i, flow) in is_flow.iter().enumerate() {
        if *flow {
            out[i] = 0.0;
        }
    }
    if m == 0 {
        return out;
    }
    // The weeks that overlap month m: from the one holding its start to the one holding its end.
    let first = (m - 1) * 52 / 12 + 1;
    let last = (m * 52).div_ceil(12).min(weekly.len() as u32 - 1);
    for week in first..=last {
        let share = observe::week_share_of_month(week, m);
        if share == 0.0 {
            continue;
        }
        for (i, v) in observe::measures(&weekly[week as usize]).iter().enumerate() {
            if is_flow[i] {
                out[i] += share * v;
            }
        }
    }
    out
}

/// monthly.csv: for each month and measure, statistics across replicates: one row per (month,
/// measure), months in order, measures in [`observe::MEASURE_NAMES`] order within a month.
/// Rows are computed in parallel (rayon's current pool) and come back in that order.
pub fn monthly(replicates: &[Replicate]) -> Vec<MonthlyRow> {
    use rayon::prelude::*;
    let names = observe::MEASURE_NAMES;
    let months = replicates.first().map_or(0, |r| r.months.len());
    (0..months * names.len())
        .into_par_iter()
        .map_init(
            || Vec::with_capacity(replicates.len()),
            |values, j| {
                let (m, i) = (j / names.len(), j % names.len());
                values.clear();
                values.extend(replicates.iter().map(|r| r.months[m][i]));
                let s = stats(values).unwrap_or(Stats {
                    mean: f64::NAN,
                    sd: f64::NAN,
                    p05: f64::NAN,
                    p50: f64::NAN,
                    p95: f64::NAN,
                });
                MonthlyRow {
                    month: m as u32,
                    measure: names[i],
                    mean: s.mean,
                    sd: s.sd,
                    p05: s.p05,
                    p50: s.p50,
                    p95: s.p95,
                }
            },
        )
        .collect()
}

/// summary.json: what was run, and each headline figure's statistics across replicates. Written
/// through a `serde_json::Value`, whose map sorts the keys (the file's order); read back by the
/// pages (`serde_json::from_str`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryFile {
    /// The scenario's name.
    pub scenario: String,
    /// Replicates run.
    pub replicates: usize,
    /// The base seed.
    pub seed: u64,
    /// `chance` or `full` (`simulation.uncertainty`).
    pub uncertainty: crate::scenario::uncertain::Uncertainty,
    /// Weeks simulated.
    pub weeks: u32,
    /// Whole months simulated ([`months`]).
    pub months: u32,
    /// Each headline figure's statistics by name ([`FIGURES`]); `None` (null) where no replicate
    /// had a value; a figure named for a month the run does not reach is absent.
    #[serde(flatten)]
    pub figures: std::collections::BTreeMap<String, Option<Stats>>,
}

/// summary.json's content for a run ([`SummaryFile`], as a JSON value with sorted keys).
pub fn summary_json(scenario: &crate::Scenario, replicates: &[Replicate]) -> serde_json::Value {
    let months = months(scenario.simulation.weeks);
    let figures = FIGURES
        .iter()
        .enumerate()
        // A figure named for a month the run does not reach is absent, not null.
        .filter(|(_, figure)| figure.month.is_none_or(|m| m <= months))
        .map(|(i, figure)| (figure.name.to_string(), headline_stats(replicates, i)))
        .collect();
    let file = SummaryFile {
        scenario: scenario.name.clone(),
        replicates: replicates.len(),
        seed: scenario.simulation.seed,
        uncertainty: scenario.simulation.uncertainty,
        weeks: scenario.simulation.weeks,
        months,
        figures,
    };
    serde_json::to_value(file).expect("summary serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mean_effects_interval_is_students() {
        // 1, 2, 3, 4: mean 2.5, sd 1.290994, se 0.645497; t(0.95, 3 df) = 2.353363, so 2.5 -/+ 1.519089.
        let (se, lo, hi) = mean_confidence(2.5, 1.290_994_4, 4);
        assert!((se - 0.645_497_2).abs() < 1e-6, "{se}");
        assert!(
            (lo - 0.980_911).abs() < 1e-5 && (hi - 4.019_089).abs() < 1e-5,
            "{lo} {hi}"
        );
        // Equal differences: the interval is the mean itself, exactly.
        assert_eq!(mean_confidence(-0.25, 0.0, 100), (0.0, -0.25, -0.25));
        // One pair: no interval.
        assert!(mean_confidence(1.0, 0.0, 1).0.is_nan());
    }

    #[test]
    fn quantiles_interpolate_like_r() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile(&v, 0.95) - 4.8).abs() < 1e-12);
        let s = stats(&[2.0, f64::NAN, 4.0]).unwrap();
        assert_eq!((s.mean, s.p50), (3.0, 3.0));
        assert!((s.sd - 2f64.sqrt()).abs() < 1e-12);
        assert!(stats(&[f64::NAN]).is_none());
    }

    #[test]
    fn identical_values_give_their_value_and_sd_exactly_zero() {
        // The case: 1,000 copies of 0.1 summed naively give a mean below 0.1, sd 2.8e-15.
        for x in [0.1, 0.7, 1e-300, 123456.789, -3.3] {
            let s = stats(&vec![x; 1000]).unwrap();
            assert_eq!((s.mean, s.sd, s.p05, s.p95), (x, 0.0, x, x), "{x}");
        }
        // Large offset, small spread: the textbook failure of one-pass formulas.
        let v: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i % 2)).collect();
        let (mean, sd) = mean_sd(&v);
        assert_eq!(mean, 1e9 + 0.5);
        assert!((sd - (0.25f64 * 1000.0 / 999.0).sqrt()).abs() < 1e-15, "{sd}");
        let (m, _) = mean_sd(&[f64::MAX, -f64::MAX]);
        assert_eq!(m, 0.0);
        assert_eq!(compensated_sum([1.0, 1e100, 1.0, -1e100]), 2.0);
    }

    #[test]
    fn a_constant_weekly_flow_gives_a_constant_monthly_flow() {
        // Issue 12: months of 4 and 5 weeks made every third month about 25% larger.
        let row = |week: u32| WeeklyRow {
            week,
            referrals: if week == 0 { 0 } else { 10 },
            waiting: u64::from(week),
            ..WeeklyRow::default()
        };
        let weekly: Vec<WeeklyRow> = (0..=260).map(row).collect();
        let i = observe::MEASURE_NAMES.iter().position(|n| *n == "referrals").unwrap();
        let w = observe::MEASURE_NAMES.iter().position(|n| *n == "waiting").unwrap();
        for m in 1..=months(260) {
            let v = month_values(&weekly, m);
            assert!((v[i] - 10.0 * 52.0 / 12.0).abs() < 1e-9, "month {m}: {}", v[i]);
            assert_eq!(
                v[w],
                f64::from(observe::month_end_week(m)),
                "a stock at the month's end"
            );
        }
        // Every week's shares sum to 1.
        for week in 1..=260 {
            let total: f64 = (1..=61).map(|m| observe::week_share_of_month(week, m)).sum();
            assert!((total - 1.0).abs() < 1e-12, "week {week}: {total}");
        }
    }

    #[test]
    fn a_two_year_run_reports_months_0_to_24() {
        assert_eq!(months(104), 24);
        assert_eq!(months(52), 12);
        assert_eq!(months(3), 0);
    }
}
