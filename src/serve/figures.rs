//! What the explorer's page tabulates and charts (`GET /api/figures`): its tables of headline
//! figures, its integration chart, its stages chart and its capacity charts. Each figure's or measure's name, unit,
//! label and whether it counts whole things are its declaration's (`summary::FIGURES`,
//! `observe::WEEKLY`); only the page's choices are made here: the order of its tables, which
//! figures its short table shows, which measures it charts and the capacity charts' titles. A
//! name here that is not declared fails the build (`summary::figure`, `observe::weekly`).

use serde::Serialize;

use crate::observe::{Measure, weekly};
use crate::summary::{HEADLINES, HeadlineFigure, Unit, figure};

/// The headline figures in the order the explorer's table of all figures shows them, each with
/// whether its short table shows it too (in the same order). A test checks that every figure is
/// here once.
const TABLE: [(HeadlineFigure, bool); HEADLINES] = [
    (figure("integration_rate_24m"), true),
    (figure("integration_rate_60m"), true),
    (figure("integration_rate_end"), false),
    (figure("share_connected"), true),
    (figure("share_not_engaged"), true),
    (figure("share_dropped_out"), true),
    (figure("share_unmet_need"), true),
    (figure("lw_turnover_per_year"), true),
    (figure("cost_per_connected"), true),
    (figure("share_3plus_contacts"), false),
    (figure("referrals_per_lw_per_year"), false),
    (figure("supported_per_lw_per_year"), false),
    (figure("dropout_of_engaged"), false),
    (figure("contacts_per_completed"), false),
    (figure("org_closed"), false),
    (figure("wellbeing_connected"), false),
    (figure("wellbeing_rest"), false),
    (figure("waiting_per_lw"), false),
    (figure("cost_nhs"), false),
    (figure("cost_community"), false),
    (figure("cost_total"), false),
    (figure("cost_per_supported"), false),
    (figure("cost_community_per_connected"), false),
];

/// The capacity charts, in the page's order: each one's measure and title.
const CAPACITY: [(Measure, &str); 4] = [
    (weekly("mean_caseload"), "Active cases per link-worker post"),
    (weekly("waiting"), "Patients waiting for a link worker"),
    (weekly("org_room"), "Places free for referrals"),
    (weekly("org_closed"), "Organisations closed"),
];

/// The answer to `GET /api/figures`.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    /// Every headline figure, in the order of the page's table of all figures.
    pub headline: Vec<FigureRow>,
    /// The integration chart's measure: its name in monthly.csv ([`crate::charts::INTEGRATION`]).
    pub integration: &'static str,
    /// The stages chart's measures, in stage order (bolted on, fitting in, belonging).
    pub stages: Vec<StageRow>,
    /// The capacity charts, in the page's order.
    pub capacity: Vec<CapacityRow>,
}

/// A headline figure as the page's tables show it.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    /// Its name in summary.json (and in /api/compare's `effects`).
    pub name: &'static str,
    /// Its label in the explorer ([`HeadlineFigure::explorer`]).
    pub label: &'static str,
    /// Its unit: `percent` (a share 0..1 shown as a percentage, its effects in percentage
    /// points), `number` or `pounds`.
    pub unit: Unit,
    /// Whether the short table (the one shown without a click) shows it.
    pub main: bool,
}

/// A stage's measure as the stages chart shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StageRow {
    /// Its name in monthly.csv (practices in the stage).
    pub measure: &'static str,
    /// Its legend label ([`Measure::label`]).
    pub label: &'static str,
}

/// A capacity chart: one weekly measure's monthly mean and band.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityRow {
    /// The measure's name in monthly.csv.
    pub measure: &'static str,
    /// The chart's title.
    pub title: &'static str,
    /// The measure's unit ([`Measure::unit`]): the y axis's label.
    pub unit: &'static str,
    /// Whether it counts whole things ([`Measure::integer`]): whole-number ticks, and a band
    /// only where it spans `MIN_BAND_SPAN` (in app.js).
    pub count: bool,
}

/// What the page tabulates and charts, from the declarations.
pub fn figures() -> Figures {
    Figures {
        headline: TABLE
            .iter()
            .map(|&(f, main)| FigureRow {
                name: f.name,
                label: f.explorer,
                unit: f.unit,
                main,
            })
            .collect(),
        integration: crate::charts::INTEGRATION.name,
        stages: crate::charts::STAGES
            .iter()
            .map(|m| StageRow {
                measure: m.name,
                label: m.label,
            })
            .collect(),
        capacity: CAPACITY
            .iter()
            .map(|&(m, title)| CapacityRow {
                measure: m.name,
                title,
                unit: m.unit,
                count: m.integer,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::TABLE;
    use crate::summary::FIGURES;

    #[test]
    fn the_explorer_shows_every_headline_figure_once() {
        for f in FIGURES {
            let shown = TABLE.iter().filter(|(g, _)| g.name == f.name).count();
            assert_eq!(shown, 1, "{} in the explorer's table", f.name);
        }
    }
}
