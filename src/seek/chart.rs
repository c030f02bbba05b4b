//! seek.png/.svg: the mean outcome against the lever with its confidence band, the goal line, and
//! the answer with its interval. Drawn with the project's chart code (embedded font, Okabe-Ito
//! palette), from seek.json and seek.csv alone, so the report can draw it again.

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::method::t_quantile;
use super::{Row, SeekJson};
use crate::charts::{self, BLUE, DrawResult, GREEN, Rendered, VERMILLION, err, text, title_style};

struct SeekChart {
    title: String,
    x_desc: String,
    y_desc: String,
    x: (f64, f64),
    y: (f64, f64),
    /// (value, mean, band low, band high), in value order.
    points: Vec<(f64, f64, f64, f64)>,
    goal: f64,
    goal_label: String,
    answer: Option<(f64, f64, f64)>,
    answer_label: String,
    band_label: String,
    /// A whole-number lever: axis labels without decimals.
    integer: bool,
}

/// The chart of a seek from its results (seek.json and the rows of seek.csv): PNG and SVG,
/// 1600 x 1000 pixels.
///
/// # Errors
///
/// The message of the plotting library when the chart cannot be drawn.
pub fn draw(json: &SeekJson, rows: &[Row]) -> Result<Rendered, String> {
    let points: Vec<(f64, f64, f64, f64)> = rows
        .iter()
        .filter(|r| r.mean.is_finite())
        .map(|r| {
            let n = f64::from(r.replicates.max(1));
            let half = t_quantile((1.0 + json.confidence) / 2.0, (n - 1.0).max(1.0)) * r.sd / n.sqrt();
            (r.value, r.mean, r.mean - half, r.mean + half)
        })
        .collect();
    let (mut lo, mut hi) = points
        .iter()
        .fold((json.target, json.target), |(l, h), p| (l.min(p.2), h.max(p.3)));
    let pad = ((hi - lo) * 0.08).max(1e-9);
    lo -= pad;
    hi += pad;
    let show = |x: f64| json.show(x);
    let answer = json.value.zip(json.interval).map(|(v, [a, b])| (v, a, b));
    let answer_label = match answer {
        Some((v, a, b)) => format!(
            "answer {} ({:.0}%: {} to {})",
            show(v),
            100.0 * json.confidence,
            show(a),
            show(b)
        ),
        None => "no answer in this range".into(),
    };
    charts::render(&SeekChart {
        title: format!("What would it take? {} for {}", json.lever, json.goal),
        x_desc: json.lever.clone(),
        y_desc: format!("{} (mean across replicates)", json.measure),
        x: (json.min, json.max),
        y: (lo, hi),
        points,
        goal: json.target,
        goal_label: format!("goal: {}", json.goal),
        answer,
        answer_label,
        band_label: format!("{:.0}% confidence interval of the mean", 100.0 * json.confidence),
        integer: json.integer,
    })
}

/// A legend entry's swatch.
#[derive(Clone, Copy)]
enum Swatch {
    /// A line (dashed or not) with, optionally, a dot at its middle.
    Line { colour: RGBColor, dashed: bool, dot: bool },
    /// A shaded box, optionally with a line through its middle.
    Shade { colour: RGBColor, line: bool },
    /// No swatch: words only.
    Blank,
}

/// Height in pixels of the strip under the plot that holds the legend: two rows of entries.
const LEGEND_HEIGHT: u32 = 120;

impl SeekChart {
    /// The legend's entries, in reading order (two columns).
    fn legend(&self) -> Vec<(Swatch, &str)> {
        let mut entries = vec![
            (
                Swatch::Line {
                    colour: BLUE,
                    dashed: false,
                    dot: true,
                },
                "mean at each value evaluated",
            ),
            (
                Swatch::Shade {
                    colour: BLUE,
                    line: false,
                },
                self.band_label.as_str(),
            ),
            (
                Swatch::Line {
                    colour: VERMILLION,
                    dashed: true,
                    dot: false,
                },
                self.goal_label.as_str(),
            ),
        ];
        if self.answer.is_some() {
            entries.push((
                Swatch::Shade {
                    colour: GREEN,
                    line: true,
                },
                self.answer_label.as_str(),
            ));
        } else {
            entries.push((Swatch::Blank, self.answer_label.as_str()));
        }
        entries
    }
}

/// Draw the legend in `area` (outside the plot, so it never covers the data), two entries to a
/// row, the first column starting at `left` pixels.
fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, left: i32, entries: &[(Swatch, &str)]) -> DrawResult {
    let (w, _) = area.dim_in_pixel();
    let column = ((w as i32 - left - 30) / 2).max(200);
    let style = text(24).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (swatch, label)) in entries.iter().enumerate() {
        let x = left + (i as i32 % 2) * column;
        let y = 30 + (i as i32 / 2) * 46;
        match *swatch {
            Swatch::Line { colour, dashed, dot } => {
                if dashed {
                    for k in 0..2 {
                        let x0 = x + k * 26;
                        area.draw(&PathElement::new(vec![(x0, y), (x0 + 16, y)], colour.stroke_width(4)))
                            .map_err(err)?;
                    }
                } else {
                    area.draw(&PathElement::new(vec![(x, y), (x + 42, y)], colour.stroke_width(4)))
                        .map_err(err)?;
                }
                if dot {
                    area.draw(&Circle::new((x + 21, y), 5, colour.filled())).map_err(err)?;
                }
            }
            Swatch::Shade { colour, line } => {
                area.draw(&Rectangle::new(
                    [(x, y - 12), (x + 42, y + 12)],
                    colour.mix(0.2).filled(),
                ))
                .map_err(err)?;
                if line {
                    area.draw(&PathElement::new(
                        vec![(x + 21, y - 12), (x + 21, y + 12)],
                        colour.stroke_width(4),
                    ))
                    .map_err(err)?;
                }
            }
            Swatch::Blank => {}
        }
        area.draw(&Text::new(label.to_string(), (x + 56, y), style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

impl charts::Draw for SeekChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        // The legend has its own strip under the plot: wherever the band, the goal and the
        // answer fall, it covers none of them.
        let titled = root
            .margin(16, 0, 0, 0)
            .titled(&self.title, title_style(34))
            .map_err(err)?;
        let (_, h) = titled.dim_in_pixel();
        let (plot, strip) = titled.split_vertically(h.saturating_sub(LEGEND_HEIGHT));
        let (margin, y_labels) = (30, 130);
        let mut chart = ChartBuilder::on(&plot)
            .margin(margin)
            .margin_right(2 * margin)
            .x_label_area_size(90)
            .y_label_area_size(y_labels)
            .build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(text(28))
            .label_style(text(24))
            .x_labels(11)
            .x_label_formatter(&|x| {
                if self.integer {
                    format!("{x:.0}")
                } else {
                    // 0.3, not 0.30000000000000004.
                    format!("{}", crate::calibrate::round_sig(*x, 10))
                }
            })
            .y_labels(9)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let (y0, y1) = self.y;
        if let Some((v, a, b)) = self.answer {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y0), (b, y1)],
                    GREEN.mix(0.15).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(v, y0), (v, y1)],
                    GREEN.stroke_width(4),
                )))
                .map_err(err)?;
        }
        let mut outline: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(self.points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(outline, BLUE.mix(0.2).filled())))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                self.points.iter().map(|p| (p.0, p.1)),
                BLUE.stroke_width(3),
            ))
            .map_err(err)?;
        chart
            .draw_series(self.points.iter().map(|p| Circle::new((p.0, p.1), 5, BLUE.filled())))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(self.x.0, self.goal), (self.x.1, self.goal)],
                16,
                10,
                VERMILLION.stroke_width(4),
            ))
            .map_err(err)?;
        // The plot's left edge: the legend's first column lines up with it.
        draw_legend(&strip, margin + y_labels, &self.legend())
    }
}
