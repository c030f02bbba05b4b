//! seek.png/.svg: the mean outcome against the lever with its confidence band, the goal line, and
//! the answer with its interval. Drawn with the project's chart code (embedded font, Okabe-Ito
//! palette), from seek.json and seek.csv alone, so the report can draw it again.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::method::t_quantile;
use super::{Row, SeekJson};
use crate::charts::{self, BLUE, DrawResult, GREEN, INK, Rendered, VERMILLION, err, text, title_style};

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
}

/// The chart of a seek, from its results.
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
    })
}

impl charts::Draw for SeekChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_style(34))
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(text(28))
            .label_style(text(24))
            .x_labels(11)
            .y_labels(9)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let (y0, y1) = self.y;
        if let Some((v, a, b)) = self.answer {
            let green = GREEN;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y0), (b, y1)],
                    green.mix(0.15).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(v, y0), (v, y1)],
                    green.stroke_width(4),
                )))
                .map_err(err)?
                .label(self.answer_label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x - 4, y), (x + 18, y)], green.stroke_width(5)));
        }
        let mut outline: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(self.points.iter().rev().map(|p| (p.0, p.2)));
        let blue = BLUE;
        chart
            .draw_series(std::iter::once(Polygon::new(outline, blue.mix(0.2).filled())))
            .map_err(err)?
            .label(self.band_label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x - 4, y - 9), (x + 18, y + 9)], blue.mix(0.2).filled()));
        chart
            .draw_series(LineSeries::new(
                self.points.iter().map(|p| (p.0, p.1)),
                blue.stroke_width(3),
            ))
            .map_err(err)?
            .label("mean at each value evaluated")
            .legend(move |(x, y)| PathElement::new(vec![(x - 4, y), (x + 18, y)], blue.stroke_width(5)));
        chart
            .draw_series(self.points.iter().map(|p| Circle::new((p.0, p.1), 5, blue.filled())))
            .map_err(err)?;
        let red = VERMILLION;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(self.x.0, self.goal), (self.x.1, self.goal)],
                16,
                10,
                red.stroke_width(4),
            ))
            .map_err(err)?
            .label(self.goal_label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x - 4, y), (x + 18, y)], red.stroke_width(5)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(INK)
            .label_font(text(24))
            .margin(14)
            .draw()
            .map_err(err)
    }
}
