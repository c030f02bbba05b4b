//! Reducing replicates: each replicate's headline figures, monthly statistics across
//! replicates, and the run's summary (summary.json). All reductions run sequentially in
//! replicate order, so floating-point sums do not depend on the thread count.

#![warn(missing_docs)]

use serde::Serialize;

use crate::model::World;
use crate::observe::{self, FLOW_MEASURES, PracticeRow, WeeklyRow};

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

/// One replicate's headline figures (MODEL.md section 6). Shares are of all referred patients
/// unless named otherwise; NaN where the denominator is zero.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Headline {
    /// Share of practices belonging at month 24 (week [`observe::month_end_week`]`(24)`), whatever
    /// the run's length; NaN (absent from summary.json) in runs shorter than 24 months.
    pub integration_rate_24m: f64,
    /// Share of practices belonging at month 60; NaN (absent) in runs shorter than 60 months.
    pub integration_rate_60m: f64,
    /// Share of practices belonging at the run's last week.
    pub integration_rate_end: f64,
    /// Patients referred per full-time link worker per year: referrals over (FTE times the run's
    /// years, 52 weeks each).
    pub referrals_per_lw_per_year: f64,
    /// Patients who attended at least one session, per full-time link worker per year.
    pub supported_per_lw_per_year: f64,
    /// Of patients whose pathway ended, the share with 3 or more link-worker contacts.
    pub share_3plus_contacts: f64,
    /// Share of referred patients who never attended a first session (gave up waiting, or did
    /// not attend), 0..1.
    pub share_not_engaged: f64,
    /// Share of referred patients who dropped out at any stage (of link-worker support, or of
    /// an offered place), 0..1.
    pub share_dropped_out: f64,
    /// Share of referred patients connected to a community organisation, 0..1.
    pub share_connected: f64,
    /// Share of referred patients whose need went unmet (no place found, a closure, or too long
    /// a wait), 0..1.
    pub share_unmet_need: f64,
    /// Of patients who engaged, the share who dropped out of link-worker support before
    /// completing it (Dundee 2015: about 25%).
    pub dropout_of_engaged: f64,
    /// Mean contacts of patients who completed link-worker support.
    pub contacts_per_completed: f64,
    /// Leavers per link-worker post per year.
    pub lw_turnover_per_year: f64,
    /// Patients waiting for a link worker, per post, averaged over the run's weeks (week 0 left
    /// out).
    pub waiting_per_lw: f64,
    /// Community organisations closed by the run's end (organisations; a count held as a number
    /// so that it has statistics like the other figures).
    pub org_closed: f64,
    /// Mean wellbeing change (points) of patients connected to an organisation.
    pub wellbeing_connected: f64,
    /// Mean wellbeing change (points) of patients whose pathway ended without a connection:
    /// never engaged, dropped out, or need unmet (the last with `wellbeing_change_unmet`).
    pub wellbeing_rest: f64,
    /// `cost_nhs + cost_community` (GBP over the run).
    pub cost_total: f64,
    /// The NHS side (GBP over the run): link-worker salaries, programme support, practice
    /// development fund.
    pub cost_nhs: f64,
    /// The community side (GBP over the run): community organisations' funding while open
    /// (grants, after cuts), and per-referral payments.
    pub cost_community: f64,
    /// `cost_nhs` per patient who attended a first session (GBP).
    pub cost_per_supported: f64,
    /// `cost_nhs` per patient connected (GBP).
    pub cost_per_connected: f64,
    /// `cost_community` per patient connected (GBP): the whole community side, of which the
    /// programme's patients use a share.
    pub cost_community_per_connected: f64,
}

/// The names of [`Headline`]'s fields, in order (sweep outcomes and summary.json use them).
pub const HEADLINE_NAMES: [&str; HEADLINES] = [
    "integration_rate_24m",
    "integration_rate_60m",
    "integration_rate_end",
    "referrals_per_lw_per_year",
    "supported_per_lw_per_year",
    "share_3plus_contacts",
    "share_not_engaged",
    "share_dropped_out",
    "share_connected",
    "share_unmet_need",
    "dropout_of_engaged",
    "contacts_per_completed",
    "lw_turnover_per_year",
    "waiting_per_lw",
    "org_closed",
    "wellbeing_connected",
    "wellbeing_rest",
    "cost_total",
    "cost_nhs",
    "cost_community",
    "cost_per_supported",
    "cost_per_connected",
    "cost_community_per_connected",
];

/// Number of headline figures.
pub const HEADLINES: usize = 23;

/// Headline figures named for a month, with the month: absent from summary.json (an empty field
/// in headline.csv) in runs that end before it.
pub const MONTH_FIGURES: [(&str, u32); 2] = [("integration_rate_24m", 24), ("integration_rate_60m", 60)];

impl Headline {
    /// The figures as numbers, in [`HEADLINE_NAMES`] order.
    pub fn values(&self) -> [f64; HEADLINES] {
        [
            self.integration_rate_24m,
            self.integration_rate_60m,
            self.integration_rate_end,
            self.referrals_per_lw_per_year,
            self.supported_per_lw_per_year,
            self.share_3plus_contacts,
            self.share_not_engaged,
            self.share_dropped_out,
            self.share_connected,
            self.share_unmet_need,
            self.dropout_of_engaged,
            self.contacts_per_completed,
            self.lw_turnover_per_year,
            self.waiting_per_lw,
            self.org_closed,
            self.wellbeing_connected,
            self.wellbeing_rest,
            self.cost_total,
            self.cost_nhs,
            self.cost_community,
            self.cost_per_supported,
            self.cost_per_connected,
            self.cost_community_per_connected,
        ]
    }
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
    let at_month = |m: u32| {
        weekly
            .get(observe::month_end_week(m) as usize)
            .map_or(f64::NAN, |row| row.integration_rate)
    };
    let nhs = t.cost_nhs();
    Headline {
        integration_rate_24m: at_month(24),
        integration_rate_60m: at_month(60),
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// The effect of a scenario against the reference on headline figure `i`, taken replicate by
/// replicate (replicate r of both started from the same seed: common random numbers): the
/// statistics of `scenario[r] - reference[r]` over the replicates where both are defined.
/// A scenario identical to the reference has every effect exactly 0. Replicates are paired by
/// position; `None` when no pair defines the figure.
pub fn effect_stats(reference: &[Replicate], scenario: &[Replicate], i: usize) -> Option<Stats> {
    let diffs: Vec<f64> = reference
        .iter()
        .zip(scenario)
        .map(|(a, b)| b.headline.values()[i] - a.headline.values()[i])
        .collect();
    stats(&diffs)
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
/// ([`crate::observe::WeeklyRow`] gives each measure's unit; flows are per month here).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyRow {
    /// Month, 0 (the state at the start) to [`months`] of the run's weeks.
    pub month: u32,
    /// The measure's name, one of [`observe::MEASURE_NAMES`].
    pub measure: &'static str,
    /// Mean across replicates (NaN in every statistic when no replicate has a finite value).
    pub mean: f64,
    /// Sample standard deviation across replicates.
    pub sd: f64,
    /// 5th percentile across replicates.
    pub p05: f64,
    /// Median across replicates.
    pub p50: f64,
    /// 95th percentile across replicates.
    pub p95: f64,
}

/// Months reported for a run of `weeks` weeks: 0 up to the last month that ends within the run,
/// `floor(weeks * 12 / 52)`.
pub fn months(weeks: u32) -> u32 {
    weeks * 12 / 52
}

/// Number of weekly measures (`observe::measures`).
pub const MEASURES: usize = 33;

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
    let is_flow = observe::MEASURE_NAMES.map(|n| FLOW_MEASURES.contains(&n));
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

/// summary.json: what was run, and each headline figure's statistics across replicates
/// (`null` where no replicate had a value).
pub fn summary_json(scenario: &crate::Scenario, replicates: &[Replicate]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("scenario".into(), scenario.name.clone().into());
    map.insert("replicates".into(), replicates.len().into());
    map.insert("seed".into(), scenario.simulation.seed.into());
    map.insert("uncertainty".into(), scenario.simulation.uncertainty.name().into());
    map.insert("weeks".into(), scenario.simulation.weeks.into());
    map.insert("months".into(), months(scenario.simulation.weeks).into());
    let months = months(scenario.simulation.weeks);
    for (i, name) in HEADLINE_NAMES.iter().enumerate() {
        if MONTH_FIGURES.iter().any(|(n, m)| n == name && *m > months) {
            continue; // named for a month the run does not reach: absent, not null
        }
        let value = headline_stats(replicates, i).map_or(serde_json::Value::Null, |s| {
            serde_json::to_value(s).expect("stats serialise")
        });
        map.insert((*name).into(), value);
    }
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

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
