//! `comparison/effects`: each scenario's effect against the reference on the headline shares,
//! taken replicate by replicate (common random numbers): a dot at the mean difference and a
//! whisker over 90% of the paired differences, one row per scenario within each measure.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Draw, DrawResult, Figure, INK, Rendered, SCENARIO_COLOURS, err, fitted_title_size, group_label, legend, render,
    text, title_style,
};

/// Effects against `reference`: for each other scenario, its name, its colour index and one
/// [`Figure`] per measure (differences as shares: 0.05 is 5 percentage points).
///
/// # Errors
/// The drawing backend's error, as text.
pub fn effects(
    reference: &str,
    scenarios: &[(String, usize, Vec<Figure>)],
    mode: crate::scenario::uncertain::Uncertainty,
) -> Result<Rendered, String> {
    let labels: Vec<&'static str> = scenarios
        .first()
        .map(|(_, _, f)| f.iter().map(|x| x.label).collect())
        .unwrap_or_default();
    // A symmetric axis wide enough for every interval, in percentage points, at least +-1.
    let reach = scenarios
        .iter()
        .flat_map(|(_, _, f)| f.iter().flat_map(|x| [x.p05.abs(), x.p95.abs(), x.mean.abs()]))
        .filter(|x| x.is_finite())
        .fold(0.01_f64, f64::max)
        * 100.0
        * 1.1;
    render(&Effects {
        title: format!(
            "Effect against {reference} (paired replicates; {})",
            match mode {
                crate::scenario::uncertain::Uncertainty::Chance => "chance alone",
                crate::scenario::uncertain::Uncertainty::Full => "with parameter uncertainty",
            }
        ),
        labels,
        reach: reach.ceil(),
        scenarios: scenarios.to_vec(),
    })
}

struct Effects {
    title: String,
    labels: Vec<&'static str>,
    reach: f64,
    scenarios: Vec<(String, usize, Vec<Figure>)>,
}

impl Draw for Effects {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let groups = self.labels.len() as f64;
        let k = self.scenarios.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_style(fitted_title_size(&self.title, 36)))
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(440)
            .build_cartesian_2d(-self.reach..self.reach, 0.0..groups)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("difference from the reference, percentage points (dot: mean; line: 90% of paired replicates)")
            .axis_desc_style(text(26))
            .label_style(text(26))
            .x_labels(9)
            .x_label_formatter(&|x| {
                // Whole points as such; a tick between them (a narrow axis: every effect near 0)
                // to one decimal, so that no two ticks read the same and none reads -0.
                if x.abs() < 0.05 {
                    "0".to_string()
                } else if (x - x.round()).abs() < 1e-9 {
                    format!("{x:+.0}")
                } else {
                    format!("{x:+.1}")
                }
            })
            .y_labels(self.labels.len() * 2 + 1)
            .y_label_formatter(&|y| group_label(&self.labels, *y))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, groups)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        for (j, (name, colour, figures)) in self.scenarios.iter().enumerate() {
            let colour = SCENARIO_COLOURS[colour % SCENARIO_COLOURS.len()];
            for (g, f) in figures.iter().enumerate() {
                let y = groups - g as f64 - (j as f64 + 1.0) / (k + 1.0);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(100.0 * f.p05, y), (100.0 * f.p95, y)],
                        colour.stroke_width(5),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Circle::new((100.0 * f.mean, y), 9, colour.filled())))
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new((0.0, -1.0), 0, colour.filled())))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| Circle::new((x + 7, y), 9, colour.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}
