//! Dose-response charts (`lwsim dose-response`): one figure per lever, one panel per measure,
//! the mean across replicates with its 90% band against the lever's value.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{BLUE, Draw, DrawResult, Rendered, Series, band_and_line, err, render, text, title_style};

/// One panel: its title, its data (x = the lever's values), and whether its values are shares
/// (drawn as percentages, 0 to 100).
pub struct Panel {
    /// The panel's title: the measure's chart label.
    pub title: &'static str,
    /// Mean and 90% band at each lever value (`month` holds the lever's values).
    pub series: Series,
    /// Whether the values are shares 0..1 (drawn as percentages).
    pub share: bool,
}

/// A lever's figure: `title`, the lever's axis label `x_desc`, and its panels (six, in a 2 x 3
/// grid).
///
/// # Errors
/// The drawing backend's error, as text.
pub fn dose(title: &str, x_desc: &str, panels: Vec<Panel>) -> Result<Rendered, String> {
    render(&Dose {
        title: title.to_string(),
        x_desc: x_desc.to_string(),
        panels,
    })
}

struct Dose {
    title: String,
    x_desc: String,
    panels: Vec<Panel>,
}

impl Draw for Dose {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let titled = root
            .margin(12, 0, 0, 0)
            .titled(&self.title, title_style(28))
            .map_err(err)?;
        for (area, panel) in titled.split_evenly((2, 3)).iter().zip(&self.panels) {
            let s = &panel.series;
            let finite = |v: &Vec<f64>| v.iter().copied().filter(|x| x.is_finite()).collect::<Vec<f64>>();
            let xs = finite(&s.month);
            let (x0, x1) = (
                xs.first().copied().unwrap_or(0.0),
                xs.last()
                    .copied()
                    .unwrap_or(1.0)
                    .max(xs.first().copied().unwrap_or(0.0) + 1e-9),
            );
            let scale = if panel.share { 100.0 } else { 1.0 };
            let top = if panel.share {
                100.0
            } else {
                let m = finite(&s.p95).into_iter().chain(finite(&s.mean)).fold(0.0, f64::max);
                if m > 0.0 { m * 1.1 } else { 1.0 }
            };
            let mut chart = ChartBuilder::on(area)
                .caption(panel.title, text(24))
                .margin(16)
                .x_label_area_size(64)
                .y_label_area_size(70)
                .build_cartesian_2d(x0..x1, 0.0..top)
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc(self.x_desc.as_str())
                .y_desc(if panel.share { "%" } else { "" })
                .axis_desc_style(text(20))
                .label_style(text(18))
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&|x| trim(*x))
                .y_label_formatter(&|y| trim(*y))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            // Only the defined points: a measure undefined at some values is drawn where it exists.
            let mut defined = Series::default();
            for i in 0..s.month.len() {
                if s.mean[i].is_finite() {
                    defined.month.push(s.month[i]);
                    defined.mean.push(s.mean[i]);
                    defined.p05.push(s.p05[i]);
                    defined.p95.push(s.p95[i]);
                }
            }
            band_and_line(&mut chart, &defined, scale, BLUE, "mean")?;
        }
        Ok(())
    }
}

/// Axis numbers without trailing zeros (0.25, 1, 140).
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
