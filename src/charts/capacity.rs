//! `capacity`: the link-worker side (caseload, waiting list, vacant posts) and the community side
//! (places, closed organisations), one measure's unit to a panel, and a note on how to read them.
//!
//! Every panel has its unit on the y axis. Counts (patients, places) have whole-number ticks.
//! Vacant posts and closed organisations are drawn as a share of all posts (organisations): in a
//! small programme they are mostly 0 with an occasional 1, so their mean share (the chance that a
//! post picked at random is vacant) says what a count's 90% band from 0 to 1 cannot. A count's
//! band is drawn (for every month) when in some month the middle 90% of replicates spans at least
//! [`MIN_BAND_SPAN`] whole units; a narrower band only steps between a few whole numbers, and the note says its range.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::observe::{Measure, weekly};

use super::{
    BLUE, Draw, DrawResult, GREEN, INK, Monthly, ORANGE, PURPLE, Rendered, Series, VERMILLION, band_and_line, err,
    render, text, title_style,
};

/// The least spread, in whole units, between the 5th and 95th percentiles of a count for its
/// band to be drawn.
pub const MIN_BAND_SPAN: f64 = 5.0;

/// What a panel's numbers are.
#[derive(Clone, Copy)]
enum Kind {
    /// A mean per post (not whole): its band is always drawn.
    PerPost,
    /// Whole things: whole-number ticks; a band only where it spans [`MIN_BAND_SPAN`].
    Count,
    /// Whole things as a % of all of them (the sum of the two measures): a band as for a count.
    Share { total: [Measure; 2], of: &'static str },
}

struct PanelSpec {
    title: &'static str,
    y_desc: &'static str,
    kind: Kind,
    /// Each line's measure (its name and legend label are the measure's declaration's) and
    /// colour.
    lines: &'static [(Measure, RGBColor)],
    /// Where the legend sits clear of the lines.
    legend: SeriesLabelPosition,
}

const PANELS: [PanelSpec; 5] = [
    PanelSpec {
        title: "Link workers: caseload",
        y_desc: "patients per post",
        kind: Kind::PerPost,
        lines: &[(weekly("mean_caseload"), BLUE)],
        legend: SeriesLabelPosition::LowerRight,
    },
    PanelSpec {
        title: "Link workers: waiting list",
        y_desc: "patients",
        kind: Kind::Count,
        lines: &[(weekly("waiting"), ORANGE)],
        legend: SeriesLabelPosition::UpperLeft,
    },
    PanelSpec {
        title: "Link workers: posts vacant",
        y_desc: "% of link-worker posts",
        kind: Kind::Share {
            total: [weekly("lw_in_post"), weekly("lw_vacant")],
            of: "posts",
        },
        lines: &[(weekly("lw_vacant"), VERMILLION)],
        legend: SeriesLabelPosition::UpperLeft,
    },
    PanelSpec {
        title: "Community organisations: places",
        y_desc: "places",
        kind: Kind::Count,
        lines: &[(weekly("org_room"), GREEN), (weekly("org_occupancy"), PURPLE)],
        legend: SeriesLabelPosition::UpperRight,
    },
    PanelSpec {
        title: "Community organisations: closed",
        y_desc: "% of organisations",
        kind: Kind::Share {
            total: [weekly("org_open"), weekly("org_closed")],
            of: "organisations",
        },
        lines: &[(weekly("org_closed"), INK)],
        legend: SeriesLabelPosition::UpperLeft,
    },
];

/// A line as drawn: label, data (in the panel's unit), colour, whether its band is drawn.
struct Line {
    label: &'static str,
    series: Series,
    colour: RGBColor,
    band: bool,
}

struct Panel {
    title: String,
    y_desc: &'static str,
    whole: bool,
    lines: Vec<Line>,
    legend: SeriesLabelPosition,
}

struct Capacity {
    title: String,
    months: f64,
    panels: Vec<Panel>,
    note: Vec<String>,
}

/// Whether a count's band says more than "between these few whole numbers": it spans at least
/// [`MIN_BAND_SPAN`] units in some month.
fn band_is_informative(s: &Series) -> bool {
    s.p95.iter().zip(&s.p05).any(|(hi, lo)| hi - lo >= MIN_BAND_SPAN - 1e-9)
}

/// The smallest 5th and largest 95th percentile of a series over its months.
fn range(s: &Series) -> (f64, f64) {
    let lo = s
        .p05
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let hi = s
        .p95
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// A whole number as people read it (`12,345`).
fn whole(v: f64) -> String {
    crate::human::count(v.max(0.0).round() as u64)
}

/// A tick of a count axis: a whole number with separators; no label between whole numbers.
pub(crate) fn count_tick(y: f64) -> String {
    if y >= -1e-9 && (y - y.round()).abs() < 1e-6 * y.abs().max(1.0) {
        whole(y)
    } else {
        String::new()
    }
}

/// A tick of a continuous axis: as few decimals as it needs (`10`, `2.5`), never `10.0`.
pub(crate) fn tick(y: f64) -> String {
    let s = format!("{y:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// `capacity`: five panels by month (caseload per post, patients waiting, posts vacant, places
/// free and used, organisations closed), each with its unit, and a note on how to read them.
///
/// # Errors
/// The drawing backend's error, as text.
pub fn capacity(m: &Monthly) -> Result<Rendered, String> {
    let title = format!("Capacity: {}", m.named("; lines: mean, bands: 90% of replicates"));
    let mut narrow = Vec::new();
    let mut shares = Vec::new();
    let panels = PANELS
        .iter()
        .map(|spec| {
            let mut title = spec.title.to_string();
            let lines = spec
                .lines
                .iter()
                .map(|&(measure, colour)| {
                    let label = measure.label;
                    let s = m.series(measure);
                    let (lo, hi) = range(&s);
                    let band = matches!(spec.kind, Kind::PerPost) || band_is_informative(&s);
                    let series = match spec.kind {
                        Kind::Share { total, of } => {
                            let a = m.series(total[0]);
                            let b = m.series(total[1]);
                            let totals: Vec<f64> = a.mean.iter().zip(&b.mean).map(|(x, y)| x + y).collect();
                            let n = totals.first().copied().unwrap_or(0.0);
                            title = format!("{title} (of {})", whole(n));
                            shares.push(format!("{} {of}", whole(n)));
                            if !band && lo.is_finite() {
                                narrow.push(format!("{label}, {} to {} of {} {of}", whole(lo), whole(hi), whole(n)));
                            }
                            let pct = |v: &[f64]| -> Vec<f64> {
                                v.iter()
                                    .zip(&totals)
                                    .map(|(v, t)| if *t > 0.0 { 100.0 * v / t } else { f64::NAN })
                                    .collect()
                            };
                            Series {
                                month: s.month.clone(),
                                mean: pct(&s.mean),
                                p05: pct(&s.p05),
                                p95: pct(&s.p95),
                            }
                        }
                        Kind::Count => {
                            if !band && lo.is_finite() {
                                narrow.push(format!("{label}, {} to {}", whole(lo), whole(hi)));
                            }
                            s
                        }
                        Kind::PerPost => s,
                    };
                    Line {
                        label,
                        series,
                        colour,
                        band,
                    }
                })
                .collect();
            Panel {
                title,
                y_desc: spec.y_desc,
                whole: matches!(spec.kind, Kind::Count),
                lines,
                legend: spec.legend.clone(),
            }
        })
        .collect();
    let mut note = vec![
        "Lines: the mean across replicates. Bands: the middle 90% of replicates (5th to 95th percentile).".to_string(),
        format!(
            "Posts vacant and organisations closed are a share of all {}: their mean is the chance that \
             a post (organisation) picked at random is vacant (closed).",
            shares.join(" and ")
        ),
        format!(
            "A count's band is drawn when, in some month, the middle 90% of replicates spans at least {} whole \
             patients, places, posts or organisations: a narrower band only steps between a few whole numbers.",
            MIN_BAND_SPAN
        ),
    ];
    if !narrow.is_empty() {
        note.push(format!("No band here, 90% of replicates: {}.", narrow.join("; ")));
    }
    render(&Capacity {
        title,
        months: m.months(),
        panels,
        note,
    })
}

/// Words of `paragraph` in lines no wider than `width` pixels in `style`.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    paragraph: &str,
    style: &TextStyle,
    width: u32,
) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let (w, _) = area.estimate_text_size(&candidate, style).map_err(err)?;
        if w > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

impl Draw for Capacity {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let size = super::fitted_title_size(&self.title, 36);
        let titled = root
            .margin(12, 0, 0, 0)
            .titled(&self.title, title_style(size))
            .map_err(err)?;
        let cells = titled.split_evenly((2, 3));
        for (area, panel) in cells.iter().zip(&self.panels) {
            let top = panel
                .lines
                .iter()
                .flat_map(|l| {
                    let s = &l.series;
                    s.mean.iter().chain(if l.band { s.p95.iter() } else { [].iter() })
                })
                .copied()
                .filter(|v| v.is_finite())
                .fold(0.0f64, f64::max);
            // At least 5: whole-number ticks on a count axis, and a flat zero line sits low.
            let top = (top * 1.1).max(5.0);
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, text(22))
                .margin(14)
                .x_label_area_size(56)
                .y_label_area_size(100)
                .build_cartesian_2d(0.0..self.months, 0.0..top)
                .map_err(err)?;
            let whole = panel.whole;
            chart
                .configure_mesh()
                .x_desc("Month")
                .y_desc(panel.y_desc)
                .axis_desc_style(text(22))
                .label_style(text(19))
                .x_labels(7)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_labels(6)
                .y_label_formatter(&|y| if whole { count_tick(*y) } else { tick(*y) })
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            for l in &panel.lines {
                let s = &l.series;
                let points = |v: &[f64]| -> Vec<(f64, f64)> {
                    s.month
                        .iter()
                        .copied()
                        .zip(v.iter().copied())
                        .filter(|(_, y)| y.is_finite())
                        .collect()
                };
                if l.band {
                    band_and_line(&mut chart, s, 1.0, l.colour, l.label)?;
                } else {
                    let colour = l.colour;
                    chart
                        .draw_series(LineSeries::new(points(&s.mean), colour.stroke_width(4)))
                        .map_err(err)?
                        .label(format!("{} (no band)", l.label))
                        .legend(move |(x, y)| PathElement::new(vec![(x - 4, y), (x + 18, y)], colour.stroke_width(5)));
                }
            }
            chart
                .configure_series_labels()
                .position(panel.legend.clone())
                .background_style(WHITE.mix(0.9))
                .border_style(INK)
                .label_font(text(18))
                .draw()
                .map_err(err)?;
        }
        // The sixth cell: how to read the other five.
        if let Some(area) = cells.get(5) {
            let area = area.margin(40, 10, 24, 10);
            // Less a little: the estimate of a line's width can fall a few pixels short.
            let width = area.dim_in_pixel().0.saturating_sub(24);
            let heading = title_style(22);
            area.draw(&Text::new("How to read these panels", (0, 0), heading))
                .map_err(err)?;
            let style = text(18);
            let mut y = 40;
            for paragraph in &self.note {
                for line in wrap(&area, paragraph, &style, width)? {
                    area.draw(&Text::new(line, (0, y), style.clone())).map_err(err)?;
                    y += 24;
                }
                y += 10;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_ticks_are_whole_numbers_with_separators() {
        assert_eq!(count_tick(50.0), "50");
        assert_eq!(count_tick(60000.0), "60,000");
        assert_eq!(count_tick(2.5), "");
        assert_eq!(count_tick(0.0), "0");
        assert_eq!(tick(10.0), "10");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.0), "0");
    }

    /// The texts of an SVG's `<text>` elements, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")))
            .map(|(inner, _)| inner.trim().to_string())
            .collect()
    }

    /// A small programme: 7 posts, one vacant in some replicates; 42 organisations, one closed in
    /// some; waiting lists in tens.
    fn small() -> Monthly {
        let mut m = Monthly {
            scenario: "small".into(),
            replicates: 100,
            ..Default::default()
        };
        for month in 0..=24u32 {
            let t = f64::from(month);
            m.push("mean_caseload", month, t / 2.0, t / 3.0, t / 1.5);
            m.push("waiting", month, t, 0.0, 3.0 * t);
            m.push("lw_in_post", month, 6.8, 6.0, 7.0);
            m.push("lw_vacant", month, 0.2, 0.0, 1.0);
            m.push("org_room", month, 140.0 - 3.0 * t, 120.0 - 3.0 * t, 160.0 - 3.0 * t);
            m.push("org_occupancy", month, 3.0 * t, 2.0 * t, 4.0 * t);
            m.push("org_open", month, 41.8, 41.0, 42.0);
            m.push("org_closed", month, 0.2, 0.0, 1.0);
        }
        m
    }

    #[test]
    fn every_panel_has_its_unit_and_counts_have_whole_ticks() {
        let svg = capacity(&small()).unwrap().svg;
        let texts = texts(&svg);
        for unit in [
            "patients per post",
            "patients",
            "% of link-worker posts",
            "places",
            "% of organisations",
        ] {
            assert!(texts.iter().any(|t| t == unit), "no axis title {unit:?}");
        }
        assert!(texts.iter().any(|t| t == "Link workers: posts vacant (of 7)"));
        assert!(texts.iter().any(|t| t == "Community organisations: closed (of 42)"));
        let decimal_zero = |t: &str| t.ends_with(".0") && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
        assert!(!texts.iter().any(|t| decimal_zero(t)), "a tick label like 50.0");
        // Waiting goes to 72, places to 160: whole-number ticks, some of them.
        assert!(texts.iter().any(|t| t == "60") && texts.iter().any(|t| t == "150"));
    }

    #[test]
    fn a_zero_or_one_count_has_no_band_and_the_note_says_its_range() {
        let svg = capacity(&small()).unwrap().svg;
        let texts = texts(&svg).join(" ");
        assert!(texts.contains("posts vacant (no band)"), "{texts}");
        assert!(texts.contains("organisations closed (no band)"), "{texts}");
        assert!(texts.contains("0 to 1 of 7 posts"), "{texts}");
        assert!(texts.contains("0 to 1 of 42 organisations"), "{texts}");
        // The waiting list spans 0 to 72 patients: its band is drawn, and not listed as narrow.
        assert!(!texts.contains("patients waiting (all posts) (no band)"), "{texts}");
        // A large programme's vacancies spread over many posts: the band is drawn.
        let mut big = small();
        for month in 0..=24u32 {
            let s = big.measures.get_mut("lw_vacant").unwrap();
            let i = month as usize;
            (s.mean[i], s.p05[i], s.p95[i]) = (95.0, 81.0, 113.0);
            let p = big.measures.get_mut("lw_in_post").unwrap();
            (p.mean[i], p.p05[i], p.p95[i]) = (3745.0, 3727.0, 3757.0);
        }
        let texts = super::tests::texts(&capacity(&big).unwrap().svg).join(" ");
        assert!(
            texts.contains("posts vacant") && !texts.contains("posts vacant (no band)"),
            "{texts}"
        );
        assert!(texts.contains("(of 3,840)"), "{texts}");
    }

    #[test]
    fn a_band_of_whole_numbers_is_drawn_only_when_it_spans_five() {
        let s = |lo: f64, hi: f64| Series {
            month: vec![0.0, 1.0],
            mean: vec![0.0, 0.2],
            p05: vec![0.0, lo],
            p95: vec![0.0, hi],
        };
        assert!(!band_is_informative(&s(0.0, 1.0)));
        assert!(!band_is_informative(&s(0.0, 2.0)));
        assert!(band_is_informative(&s(81.0, 97.0)));
    }
}
