//! Sweep charts: `heatmap` (the first outcome over a two-parameter grid, with a labelled colour
//! bar) and `sensitivity` (Morris mu* against sigma, or Sobol S1 and ST with intervals). Same
//! font, size and palette as the run charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::analysis::{Morris, Sobol};
use super::spec::Sweep;
use crate::charts::{BLUE, Draw, DrawResult, INK, Rendered, VERMILLION, err, render, text, title_style};

/// Sensitivity results of the first outcome.
pub enum Sensitivity {
    Morris(Vec<Morris>),
    Sobol(Vec<Sobol>),
}

struct Heatmap {
    title: String,
    x_key: String,
    y_key: String,
    outcome: String,
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Mean outcome per (x index, y index), NaN where no point has a value.
    cells: Vec<Vec<f64>>,
}

/// Distinct values of a parameter in design order.
fn levels(sweep: &Sweep, j: usize) -> Vec<f64> {
    let mut v: Vec<f64> = Vec::new();
    for p in &sweep.points {
        if !v.iter().any(|x| (x - p[j]).abs() < 1e-12) {
            v.push(p[j]);
        }
    }
    v
}

/// `heatmap`: the first outcome's mean over the first two parameters of a grid (averaged over
/// any further parameters).
pub fn heatmap(sweep: &Sweep, means: &[f64]) -> Result<Rendered, String> {
    let (xs, ys) = (levels(sweep, 0), levels(sweep, 1));
    let mut sum = vec![vec![0.0; ys.len()]; xs.len()];
    let mut n = vec![vec![0u32; ys.len()]; xs.len()];
    for (p, m) in sweep.points.iter().zip(means) {
        if !m.is_finite() {
            continue;
        }
        let i = xs.iter().position(|x| (x - p[0]).abs() < 1e-12).unwrap_or(0);
        let j = ys.iter().position(|y| (y - p[1]).abs() < 1e-12).unwrap_or(0);
        sum[i][j] += m;
        n[i][j] += 1;
    }
    let cells = sum
        .iter()
        .zip(&n)
        .map(|(s, c)| {
            s.iter()
                .zip(c)
                .map(|(a, b)| if *b > 0 { a / f64::from(*b) } else { f64::NAN })
                .collect()
        })
        .collect();
    let outcome = sweep.outcomes[0].clone();
    let title = format!(
        "{}: mean {} ({} replicates a point)",
        sweep.name, outcome, sweep.replicates
    );
    render(&Heatmap {
        title,
        x_key: sweep.keys[0].clone(),
        y_key: sweep.keys[1].clone(),
        outcome,
        xs,
        ys,
        cells,
    })
}

fn label(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Draw for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let finite: Vec<f64> = self.cells.iter().flatten().copied().filter(|v| v.is_finite()).collect();
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if finite.is_empty() {
            (0.0, 1.0)
        } else if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, lo + 0.5)
        };
        let colour = |v: f64| ViridisRGB::get_color_normalized(v, lo, hi);
        let titled = root
            .margin(12, 0, 0, 0)
            .titled(&self.title, title_style(32))
            .map_err(err)?;
        let (main, bar) = titled.split_horizontally(1350);
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let xs = self.xs.clone();
        let ys = self.ys.clone();
        let mut chart = ChartBuilder::on(&main)
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_key.as_str())
            .y_desc(self.y_key.as_str())
            .axis_desc_style(text(28))
            .label_style(text(22))
            .x_labels(nx * 2 + 1)
            .y_labels(ny * 2 + 1)
            .x_label_formatter(&|x| {
                let i = (x - 0.5).round();
                if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < xs.len() {
                    label(xs[i as usize])
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| {
                let i = (y - 0.5).round();
                if (y - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < ys.len() {
                    label(ys[i as usize])
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(err)?;
        for (i, col) in self.cells.iter().enumerate() {
            for (j, v) in col.iter().enumerate() {
                let fill = if v.is_finite() {
                    colour(*v).filled()
                } else {
                    WHITE.filled()
                };
                let (x0, y0) = (i as f64, j as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x0, y0), (x0 + 1.0, y0 + 1.0)], fill)))
                    .map_err(err)?;
                if v.is_finite() && nx * ny <= 100 {
                    let ink = if (v - lo) / (hi - lo) > 0.6 { BLACK } else { WHITE };
                    let style = text(20).color(&ink).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ));
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format!("{v:.2}"),
                            (x0 + 0.5, y0 + 0.5),
                            style,
                        )))
                        .map_err(err)?;
                }
            }
        }
        // The colour bar, labelled with the outcome.
        let mut legend = ChartBuilder::on(&bar)
            .margin_top(30)
            .margin_bottom(120)
            .margin_right(20)
            .y_label_area_size(90)
            .caption(self.outcome.as_str(), text(20))
            .build_cartesian_2d(0.0..1.0, lo..hi)
            .map_err(err)?;
        legend
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .label_style(text(20))
            .y_labels(6)
            .draw()
            .map_err(err)?;
        let steps = 100;
        for s in 0..steps {
            let (a, b) = (
                lo + (hi - lo) * s as f64 / steps as f64,
                lo + (hi - lo) * (s + 1) as f64 / steps as f64,
            );
            legend
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, a), (1.0, b)],
                    colour((a + b) / 2.0).filled(),
                )))
                .map_err(err)?;
        }
        Ok(())
    }
}

struct SensitivityChart<'a> {
    title: String,
    keys: &'a [String],
    data: &'a Sensitivity,
}

/// `sensitivity`: Morris mu* against sigma with labels, or Sobol S1 and ST bars with intervals.
pub fn sensitivity(name: &str, keys: &[String], outcome: &str, data: &Sensitivity) -> Result<Rendered, String> {
    let kind = match data {
        Sensitivity::Morris(_) => "Morris screening",
        Sensitivity::Sobol(_) => "Sobol indices",
    };
    render(&SensitivityChart {
        title: format!("{name}: {kind} of {outcome}"),
        keys,
        data,
    })
}

impl Draw for SensitivityChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        match self.data {
            Sensitivity::Morris(m) => {
                let top = |f: fn(&Morris) -> f64| {
                    m.iter().map(f).filter(|x| x.is_finite()).fold(0.0, f64::max).max(1e-9) * 1.25
                };
                // Room on the right for the labels.
                let (xmax, ymax) = (top(|r| r.mu_star) * 1.3, top(|r| r.sigma));
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_style(32))
                    .margin(30)
                    .x_label_area_size(90)
                    .y_label_area_size(120)
                    .build_cartesian_2d(0.0..xmax, 0.0..ymax)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .x_desc("mu* (mean |elementary effect|, per unit of the parameter's range)")
                    .y_desc("sigma (sd of elementary effects)")
                    .axis_desc_style(text(26))
                    .label_style(text(22))
                    .draw()
                    .map_err(err)?;
                for (key, r) in self.keys.iter().zip(m) {
                    if !(r.mu_star.is_finite() && r.sigma.is_finite()) {
                        continue;
                    }
                    chart
                        .draw_series(std::iter::once(Circle::new((r.mu_star, r.sigma), 9, BLUE.filled())))
                        .map_err(err)?;
                    let at = chart.backend_coord(&(r.mu_star, r.sigma));
                    root.draw(&Text::new(key.clone(), (at.0 + 14, at.1 - 24), text(22)))
                        .map_err(err)?;
                }
                Ok(())
            }
            Sensitivity::Sobol(s) => {
                let k = s.len() as f64;
                let ymax = s
                    .iter()
                    .flat_map(|r| [r.s1 + r.s1_conf, r.st + r.st_conf])
                    .filter(|x| x.is_finite())
                    .fold(1.0, f64::max);
                let ymin = s
                    .iter()
                    .flat_map(|r| [r.s1 - r.s1_conf, r.st - r.st_conf])
                    .filter(|x| x.is_finite())
                    .fold(-0.05, f64::min);
                let keys = self.keys.to_vec();
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_style(30))
                    .margin(30)
                    .x_label_area_size(120)
                    .y_label_area_size(100)
                    .build_cartesian_2d(0.0..k, ymin..ymax)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .y_desc("share of the outcome's variance")
                    .axis_desc_style(text(26))
                    .label_style(text(20))
                    .x_labels(s.len() * 2 + 1)
                    .x_label_formatter(&|x| {
                        let i = (x - 0.5).round();
                        if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < keys.len() {
                            keys[i as usize].clone()
                        } else {
                            String::new()
                        }
                    })
                    .draw()
                    .map_err(err)?;
                for (i, r) in s.iter().enumerate() {
                    let x = i as f64;
                    for (value, conf, offset, colour, name) in [
                        (r.s1, r.s1_conf, 0.15, BLUE, "S1 (first order)"),
                        (r.st, r.st_conf, 0.5, VERMILLION, "ST (total); whiskers: 95% interval"),
                    ] {
                        if !value.is_finite() {
                            continue;
                        }
                        let series = chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(x + offset, 0.0), (x + offset + 0.35, value)],
                                colour.filled(),
                            )))
                            .map_err(err)?;
                        if i == 0 {
                            series.label(name).legend(move |(x, y)| {
                                Rectangle::new([(x - 4, y - 9), (x + 18, y + 9)], colour.filled())
                            });
                        }
                        let mid = x + offset + 0.175;
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(mid, value - conf), (mid, value + conf)],
                                INK.stroke_width(3),
                            )))
                            .map_err(err)?;
                    }
                }
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperRight)
                    .background_style(WHITE.mix(0.9))
                    .border_style(INK)
                    .label_font(text(24))
                    .draw()
                    .map_err(err)
            }
        }
    }
}
