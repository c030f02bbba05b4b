//! Observation (MODEL.md section 6): the weekly measures of a world, and each practice's final
//! state. These are the rows of weekly.csv and practices.csv.
//!
//! The weekly measures are declared once, in the table [`WEEKLY`] (name, stock or flow, unit,
//! label, and meaning as each field's documentation), by the macro that also declares
//! [`WeeklyRow`]'s fields and their values ([`measures`]). weekly.csv's columns, monthly.csv's
//! measures, the monthly apportioning of flows and the charts' labels all read them from there.
//! docs/ODD.md section 7 describes the same columns in prose.

#![warn(missing_docs)]

use serde::Serialize;

use crate::model::World;
use crate::model::practice::Stage;

/// Whether a weekly measure is the state at the end of the week or this week's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The state at the end of the week; a month's value is its last week's
    /// ([`month_end_week`]).
    Stock,
    /// This week's events (0 at week 0); a month's value is the sum of its weeks' shares
    /// ([`week_share_of_month`]).
    Flow,
}

/// One weekly measure as declared in [`WEEKLY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Its column in weekly.csv and its `measure` in monthly.csv (the field of [`WeeklyRow`]).
    pub name: &'static str,
    /// Stock or flow.
    pub kind: Kind,
    /// Its unit, as an axis names it (`patients`, `share 0..1`, `GBP`).
    pub unit: &'static str,
    /// A short label, as a chart's legend shows it.
    pub label: &'static str,
    /// Whether it counts whole things (its field is an unsigned integer, written without a
    /// fraction in weekly.csv), not a share, mean or amount: the field's type says so.
    pub integer: bool,
}

/// A value of a [`WeeklyRow`] field as a number, and whether its type is a whole number's.
trait Value {
    /// Whether the type holds whole numbers ([`Measure::integer`]).
    const INTEGER: bool;
    fn value(self) -> f64;
}

impl Value for u32 {
    const INTEGER: bool = true;
    fn value(self) -> f64 {
        f64::from(self)
    }
}

impl Value for u64 {
    const INTEGER: bool = true;
    fn value(self) -> f64 {
        self as f64
    }
}

impl Value for f64 {
    const INTEGER: bool = false;
    fn value(self) -> f64 {
        self
    }
}

/// Declares [`WeeklyRow`] (the identifying columns, then one field per measure, in column order),
/// the table [`WEEKLY`] and [`measures`] from one list: for each measure its documentation, name,
/// type (which gives [`Measure::integer`]), kind, unit and label.
macro_rules! weekly_measures {
    ($($(#[doc = $doc:literal])* $name:ident: $ty:ty, $kind:ident, $unit:literal, $label:literal;)*) => {
        /// Weekly measures of one replicate: one row of weekly.csv, one per week 0..=weeks.
        /// Flows ([`Kind::Flow`]) count this week's events (all zero at week 0); stocks are the
        /// state at the end of the week (`cost` is cumulative). Means and counts are over the
        /// whole model (every network). The column order is INTERFACE.md's: `replicate, seed,
        /// week, month`, then the measures in [`WEEKLY`] order.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
        pub struct WeeklyRow {
            /// Replicate index, 0-based.
            pub replicate: u32,
            /// The replicate's seed ([`crate::rng::replicate_seed`]).
            pub seed: u64,
            /// Weeks simulated: 0 is the state before the first step.
            pub week: u32,
            /// The month in which the week ends ([`month_of_week`]; 0 for week 0).
            pub month: u32,
            $(
                #[doc = concat!(stringify!($kind), ", ", $unit, ":")]
                $(#[doc = $doc])*
                pub $name: $ty,
            )*
        }

        /// The weekly measures, in column order (after replicate, seed, week, month).
        pub const WEEKLY: [Measure; MEASURE_COUNT] = [
            $(Measure {
                name: stringify!($name),
                kind: Kind::$kind,
                unit: $unit,
                label: $label,
                integer: <$ty as Value>::INTEGER,
            },)*
        ];

        /// The names of the weekly measures, in column order (after replicate, seed, week,
        /// month).
        pub const MEASURE_NAMES: [&str; MEASURE_COUNT] = [$(stringify!($name)),*];

        /// Number of weekly measures.
        pub const MEASURE_COUNT: usize = [$(stringify!($name)),*].len();

        /// The measures of a weekly row, as numbers, in [`WEEKLY`] order (the identifying
        /// columns left out).
        pub fn measures(r: &WeeklyRow) -> [f64; MEASURE_COUNT] {
            [$(r.$name.value(),)*]
        }
    };
}

weekly_measures! {
    /// practices belonging (fully integrated) over all practices.
    integration_rate: f64, Stock, "share 0..1", "practices fully integrated";
    /// in the stage bolted on.
    bolted_on: u32, Stock, "practices", "bolted on";
    /// in the stage fitting in.
    fitting_in: u32, Stock, "practices", "fitting in";
    /// in the stage belonging.
    belonging: u32, Stock, "practices", "belonging";
    /// mean NPT coherence over practices.
    coherence: f64, Stock, "0..1", "coherence";
    /// mean NPT cognitive participation over practices.
    cognitive_participation: f64, Stock, "0..1", "cognitive participation";
    /// mean NPT collective action over practices.
    collective_action: f64, Stock, "0..1", "collective action";
    /// mean NPT reflexive monitoring (the effect seen) over practices.
    reflexive_monitoring: f64, Stock, "0..1", "reflexive monitoring";
    /// mean current GP buy-in over practices.
    gp_buy_in: f64, Stock, "0..1", "GP buy-in";
    /// referred by GPs to link workers this week.
    referrals: u64, Flow, "patients", "referrals";
    /// waiting for a link worker (those who gave up not counted), all posts.
    waiting: u64, Stock, "patients", "patients waiting (all posts)";
    /// active cases on link workers' caseloads.
    active_cases: u64, Stock, "patients", "active cases";
    /// referred onward and waiting for an organisation's place.
    org_waiting: u64, Stock, "patients", "patients waiting for a place";
    /// link-worker sessions attended this week.
    contacts: u64, Flow, "contacts", "link-worker contacts";
    /// finished link-worker support this week (and referred onward).
    completed: u64, Flow, "patients", "completed support";
    /// pathways ended this week without a first session.
    not_engaged: u64, Flow, "patients", "never engaged";
    /// pathways ended this week by dropping out (of link-worker support, or of an offered
    /// place).
    dropped_out: u64, Flow, "patients", "dropped out";
    /// took up a place at a community organisation this week.
    connected: u64, Flow, "patients", "connected";
    /// pathways ended this week with the need unmet.
    unmet_need: u64, Flow, "patients", "need unmet";
    /// filled.
    lw_in_post: u32, Stock, "link-worker posts", "posts filled";
    /// vacant.
    lw_vacant: u32, Stock, "link-worker posts", "posts vacant";
    /// left their post this week.
    lw_leavers: u64, Flow, "link workers", "link workers leaving";
    /// mean burnout of the link workers in post (0 when none is).
    lw_burnout: f64, Stock, "0..1", "burnout";
    /// active cases over all posts, vacant ones included.
    mean_caseload: f64, Stock, "patients per post", "active cases per post";
    /// link workers' casework this week, summed over posts.
    hours_casework: f64, Flow, "hours", "casework";
    /// link workers' practice development this week, summed over posts.
    hours_development: f64, Flow, "hours", "practice development";
    /// link workers' community networking this week, summed over posts.
    hours_networking: f64, Flow, "hours", "community networking";
    /// open.
    org_open: u32, Stock, "organisations", "organisations open";
    /// closed (below viability) so far.
    org_closed: u32, Stock, "organisations", "organisations closed";
    /// at open organisations, all users' (the programme's and others').
    org_capacity: u64, Stock, "places", "places";
    /// free for the programme's referrals at open organisations.
    org_room: u64, Stock, "places", "places free for referrals";
    /// the programme's patients attending an organisation.
    org_occupancy: u64, Stock, "patients", "programme patients attending";
    /// both sides' cost so far (cumulative), NHS and community
    /// ([`crate::model::Tally::cost_total`]).
    cost: f64, Stock, "GBP", "cost so far";
}

/// The weekly measure named `name`, for tables built at compile time (the charts'): a name that
/// is not a measure's fails the build.
///
/// # Panics
/// If no measure is named `name` (at compile time when called in a constant).
pub const fn weekly(name: &str) -> Measure {
    WEEKLY[position(&MEASURE_NAMES, name)]
}

/// The place of `name` in `names`, at compile time too (where `==` on strings is not available):
/// the declarations' lookups by name ([`weekly`], [`crate::summary::figure`]).
///
/// # Panics
/// If `name` is not in `names` (at compile time when called in a constant).
pub(crate) const fn position(names: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < names.len() {
        if same_name(names[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("not a declared measure's or figure's name")
}

/// A declared name (a weekly measure's or a headline figure's) in a row that is read back: a
/// `&'static str` from the declaration's table. Row structs name the field's type through this
/// alias so that serde's derive, which borrows every field written `&str` from the input, reads
/// it through the field's `deserialize_with` (a lookup in [`MEASURE_NAMES`] or
/// [`crate::summary::HEADLINE_NAMES`]) from any input.
pub type Name = &'static str;

/// For `#[serde(deserialize_with = "...")]` on a row's field that names a weekly measure
/// (monthly.csv's `measure`): the declaration's name ([`MEASURE_NAMES`]) it equals.
///
/// # Errors
/// Text that is not a weekly measure's name.
pub(crate) fn deserialize_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
    declared(d, &MEASURE_NAMES, "a weekly measure's name")
}

/// A name read back from a file as the declared `&'static str` of `names` it equals (a weekly
/// measure's, a headline figure's), so that a row read back holds the declaration's name.
///
/// # Errors
/// Text that is none of `names`: "expected WHAT, found `TEXT`".
pub(crate) fn declared<'de, D: serde::Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
    what: &str,
) -> Result<Name, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    names
        .iter()
        .copied()
        .find(|n| *n == text)
        .ok_or_else(|| serde::de::Error::custom(format!("expected {what}, found `{text}`")))
}

/// Whether two names are the same, at compile time too.
const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub use crate::calendar::{month_end_week, month_of_week, week_share_of_month};

/// Record this week's measures (phase 7 of the schedule): the row of `world` as it stands, for
/// replicate `replicate` with seed `seed`.
pub fn observe(world: &World, replicate: u32, seed: u64) -> WeeklyRow {
    let n = world.practices.len() as f64;
    let mut stages = [0u32; 3];
    let (mut c, mut p, mut a, mut m, mut b) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for pr in &world.practices {
        stages[pr.stage as usize] += 1;
        c += pr.coherence;
        p += pr.participation;
        a += pr.action;
        m += pr.monitoring;
        b += pr.gp_buy_in;
    }
    let (mut in_post, mut burnout, mut caseload) = (0u32, 0.0, 0u64);
    let (mut casework, mut development, mut networking) = (0.0, 0.0, 0.0);
    for w in &world.workers {
        caseload += w.caseload.len() as u64;
        if w.in_post {
            in_post += 1;
            burnout += w.burnout;
        }
        casework += w.week.casework_hours;
        development += w.week.development_hours;
        networking += w.week.networking_hours;
    }
    let (mut open, mut capacity, mut room, mut occupancy) = (0u32, 0u64, 0u64, 0u64);
    for o in world.orgs.iter().filter(|o| o.open) {
        open += 1;
        capacity += u64::from(o.capacity);
        room += u64::from(o.room());
        occupancy += u64::from(o.occupancy);
    }
    let t = &world.tally;
    let workers = world.workers.len() as f64;
    WeeklyRow {
        replicate,
        seed,
        week: world.week,
        month: month_of_week(world.week),
        integration_rate: f64::from(stages[Stage::Belonging as usize]) / n,
        bolted_on: stages[Stage::BoltedOn as usize],
        fitting_in: stages[Stage::FittingIn as usize],
        belonging: stages[Stage::Belonging as usize],
        coherence: c / n,
        cognitive_participation: p / n,
        collective_action: a / n,
        reflexive_monitoring: m / n,
        gp_buy_in: b / n,
        referrals: t.week.referrals,
        waiting: t.waiting,
        active_cases: caseload,
        org_waiting: t.org_waiting,
        contacts: t.week.contacts,
        completed: t.week.completed,
        not_engaged: t.week.not_engaged,
        dropped_out: t.week.dropped_out,
        connected: t.week.connected,
        unmet_need: t.week.unmet_need,
        lw_in_post: in_post,
        lw_vacant: world.workers.len() as u32 - in_post,
        lw_leavers: t.week.leavers,
        lw_burnout: if in_post > 0 { burnout / f64::from(in_post) } else { 0.0 },
        mean_caseload: caseload as f64 / workers,
        hours_casework: casework,
        hours_development: development,
        hours_networking: networking,
        org_open: open,
        org_closed: world.orgs.len() as u32 - open,
        org_capacity: capacity,
        org_room: room,
        org_occupancy: occupancy,
        cost: t.cost_total(),
    }
}

/// One practice at the end of a replicate: a row of practices.csv. Drivers are as drawn at week
/// 0; constructs and counts are at the run's end. Shares and constructs are in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticeRow {
    /// Replicate index, 0-based.
    pub replicate: u32,
    /// Practice index, 0-based, across all networks.
    pub practice: u32,
    /// Network index, 0-based.
    pub network: u32,
    /// Registered patients.
    pub list_size: u32,
    /// Share of patients in the most deprived areas, 0..1.
    pub deprivation: f64,
    /// GP buy-in at the start, 0..1 (the end value is `gp_buy_in_final`).
    pub gp_buy_in: f64,
    /// Collaborative leadership, 0..1.
    pub collaborative_leadership: f64,
    /// Team dynamics, 0..1.
    pub team_dynamics: f64,
    /// A training practice.
    pub training_practice: bool,
    /// Stage at the end: `bolted_on`, `fitting_in` or `belonging` ([`Stage::name`]).
    pub final_stage: &'static str,
    /// The month in which the practice first belonged ([`month_of_week`] of that week); empty
    /// (`None`) if never.
    pub month_belonging: Option<u32>,
    /// NPT coherence at the end, 0..1.
    pub coherence: f64,
    /// NPT cognitive participation at the end, 0..1.
    pub cognitive_participation: f64,
    /// NPT collective action at the end, 0..1.
    pub collective_action: f64,
    /// NPT reflexive monitoring at the end, 0..1.
    pub reflexive_monitoring: f64,
    /// GP buy-in at the end, 0..1.
    pub gp_buy_in_final: f64,
    /// Patients it referred over the run.
    pub referrals: u64,
    /// Its patients connected to a community organisation over the run.
    pub connected: u64,
    /// Times its link worker left over the run.
    pub lw_changes: u32,
}

/// practices.csv's rows of replicate `replicate`: one per practice of `world` (at the run's
/// end), in practice order.
pub fn practice_rows(world: &World, replicate: u32) -> Vec<PracticeRow> {
    world
        .practices
        .iter()
        .enumerate()
        .map(|(i, p)| PracticeRow {
            replicate,
            practice: i as u32,
            network: p.network,
            list_size: p.list_size,
            deprivation: p.deprivation,
            gp_buy_in: p.gp_buy_in_start,
            collaborative_leadership: p.leadership,
            team_dynamics: p.team,
            training_practice: p.training,
            final_stage: p.stage.name(),
            month_belonging: p.week_belonging.map(month_of_week),
            coherence: p.coherence,
            cognitive_participation: p.participation,
            collective_action: p.action,
            reflexive_monitoring: p.monitoring,
            gp_buy_in_final: p.gp_buy_in,
            referrals: p.referrals,
            connected: p.connected,
            lw_changes: p.lw_changes,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_follow_the_csv_columns() {
        // Every measure a different value, so that a value under the wrong name shows.
        let row = WeeklyRow {
            replicate: 0,
            seed: 0,
            week: 0,
            month: 0,
            integration_rate: 1.5,
            bolted_on: 2,
            fitting_in: 3,
            belonging: 4,
            coherence: 5.5,
            cognitive_participation: 6.5,
            collective_action: 7.5,
            reflexive_monitoring: 8.5,
            gp_buy_in: 9.5,
            referrals: 10,
            waiting: 11,
            active_cases: 12,
            org_waiting: 13,
            contacts: 14,
            completed: 15,
            not_engaged: 16,
            dropped_out: 17,
            connected: 18,
            unmet_need: 19,
            lw_in_post: 20,
            lw_vacant: 21,
            lw_leavers: 22,
            lw_burnout: 23.5,
            mean_caseload: 24.5,
            hours_casework: 25.5,
            hours_development: 26.5,
            hours_networking: 27.5,
            org_open: 28,
            org_closed: 29,
            org_capacity: 30,
            org_room: 31,
            org_occupancy: 32,
            cost: 33.5,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header[4..], MEASURE_NAMES, "weekly.csv columns and the measures agree");
        let fields: Vec<&str> = lines.next().unwrap().split(',').skip(4).collect();
        let values: Vec<f64> = fields.iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(values, measures(&row));
        // Whole-number fields are declared integer (the Python module reads them as int64).
        for (m, text) in WEEKLY.iter().zip(&fields) {
            assert_eq!(m.integer, !text.contains('.'), "{}: {text}", m.name);
        }
    }

    #[test]
    fn months_end_where_model_md_says() {
        assert_eq!(month_end_week(0), 0);
        assert_eq!(month_end_week(1), 4);
        assert_eq!(month_end_week(2), 8);
        assert_eq!(month_end_week(12), 52);
        assert_eq!(month_end_week(24), 104);
        assert_eq!(month_end_week(60), 260);
        for m in 0..=24 {
            assert_eq!(month_of_week(month_end_week(m)), m);
        }
        assert_eq!(month_of_week(5), 2);
    }
}
