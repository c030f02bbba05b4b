//! Sweep charts: `heatmap` (the first outcome over a two-parameter grid, with a labelled colour
//! bar) and `sensitivity` (Morris mu* against sigma, or Sobol S1 and ST with intervals). Same
//! font, size and palette as the run charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::analysis::{Morris, Sobol};
use super::spec::Sweep;
use crate::charts::{BLUE, Draw, DrawResult, INK, Rendered, VERMILLION, err, render, text, title_style};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One outcome's sensitivity results: a panel of the chart.
pub struct Panel {
    /// The outcome's name (a summary.json headline figure), the panel's title.
    pub outcome: String,
    /// The noise floor (Morris: the mu* of a parameter that changes nothing; Sobol: the ST of
    /// one); NaN when unknown.
    pub floor: f64,
    /// The outcome took one value at every point: no index to show, the panel says so.
    pub constant: bool,
    /// Morris statistics, one per parameter in the sweep file's order (empty for Sobol).
    pub morris: Vec<Morris>,
    /// Sobol indices, one per parameter in the sweep file's order (empty for Morris).
    pub sobol: Vec<Sobol>,
}

/// Sensitivity results, one panel per outcome.
pub enum Sensitivity {
    /// A Morris sweep's panels ([`Panel::morris`] filled).
    Morris(Vec<Panel>),
    /// A Sobol sweep's panels ([`Panel::sobol`] filled).
    Sobol(Vec<Panel>),
}

struct Heatmap {
    title: String,
    x_key: String,
    y_key: String,
    outcome: String,
    xs: Vec<String>,
    ys: Vec<String>,
    /// Mean outcome per (x index, y index), NaN where no point has a value.
    cells: Vec<Vec<f64>>,
}

/// Distinct values of a parameter in design order: distinct as numbers, however close (a grid's
/// points are copies of its values, so equality is exact).
fn levels(sweep: &Sweep, j: usize) -> Vec<f64> {
    let mut v: Vec<f64> = Vec::new();
    for p in &sweep.points {
        if !v.contains(&p[j]) {
            v.push(p[j]);
        }
    }
    v
}

/// `heatmap`: the first outcome's mean over the first two parameters of a grid (averaged over
/// any further parameters). `means` holds that outcome's mean at each design point, in point
/// order (NaN where undefined).
///
/// # Errors
/// The drawing backend's error, as text.
pub fn heatmap(sweep: &Sweep, means: &[f64]) -> Result<Rendered, String> {
    let (xs, ys) = (levels(sweep, 0), levels(sweep, 1));
    let mut sum = vec![vec![0.0; ys.len()]; xs.len()];
    let mut n = vec![vec![0u32; ys.len()]; xs.len()];
    for (p, m) in sweep.points.iter().zip(means) {
        if !m.is_finite() {
            continue;
        }
        let i = xs.iter().position(|x| *x == p[0]).unwrap_or(0);
        let j = ys.iter().position(|y| *y == p[1]).unwrap_or(0);
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
        xs: labels(&xs),
        ys: labels(&ys),
        cells,
    })
}

/// `x` to `digits` significant digits, as short as the number format writes it (`0.0001`,
/// `1e-17`, `0.6`), without a trailing `.0`.
fn significant(x: f64, digits: usize) -> String {
    let rounded: f64 = format!("{x:.*e}", digits.saturating_sub(1)).parse().unwrap_or(x);
    let s = crate::output::number::fmt(rounded);
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Axis labels for distinct values: the fewest significant digits (at least 3, at most 17, the
/// exact value) at which no two labels coincide.
fn labels(values: &[f64]) -> Vec<String> {
    for digits in 3..=17 {
        let l: Vec<String> = values.iter().map(|x| significant(*x, digits)).collect();
        if l.iter().enumerate().all(|(i, a)| !l[..i].contains(a)) {
            return l;
        }
    }
    values.iter().map(|x| significant(*x, 17)).collect()
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
            // Room for the longest value label beside the axis's name.
            .y_label_area_size(130.max(60 + 13 * self.ys.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32))
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
            .x_label_formatter(&|x| cell_label(&xs, *x))
            .y_label_formatter(&|y| cell_label(&ys, *y))
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
                            significant(*v, 3),
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

/// Most panels (outcomes) one sensitivity chart shows; sensitivity.csv has every outcome.
pub const MAX_PANELS: usize = 6;

/// A scenario key as a reader names it: the words after the table, with the table where it
/// says whose (`link_workers.caseload_cap` is "link-worker caseload cap",
/// `practices.gp_buy_in.mean` is "GP buy-in (mean)").
pub fn short_name(key: &str) -> String {
    let mut parts: Vec<&str> = key.split('.').collect();
    let table = if parts.len() > 1 { parts.remove(0) } else { "" };
    let stat = match parts.last() {
        Some(&"mean") | Some(&"sd") if parts.len() > 1 => parts.pop(),
        _ => None,
    };
    let mut name = parts.join(" ").replace('_', " ");
    for (from, to) in [("gp buy in", "GP buy-in"), ("fte", "FTE"), ("lw ", "link-worker ")] {
        name = name.replace(from, to);
    }
    let prefix = match table {
        "link_workers" if !name.starts_with("link") => "link-worker ",
        "funding" => "funding: ",
        "organisations" => "organisation ",
        "patients" => "patient ",
        _ => "",
    };
    let mut out = format!("{prefix}{name}");
    if let Some(stat) = stat {
        out.push_str(&format!(" ({stat})"));
    }
    out
}

struct SensitivityChart<'a> {
    title: String,
    keys: &'a [String],
    data: &'a Sensitivity,
}

/// `sensitivity`: one panel per outcome (at most [`MAX_PANELS`]), the parameters in the sweep
/// file's order down each: Morris mu* bars with their 95% interval, sigma as a diamond and the
/// noise floor shaded; or Sobol S1 and ST bars with their intervals and the noise floor of ST.
/// `name` is the sweep's, `replicates` its replicates per point (in the title).
///
/// # Errors
/// The drawing backend's error, as text.
pub fn sensitivity(name: &str, keys: &[String], replicates: u32, data: &Sensitivity) -> Result<Rendered, String> {
    let (kind, n) = match data {
        Sensitivity::Morris(p) => ("Morris screening", p.len()),
        Sensitivity::Sobol(p) => ("Sobol indices", p.len()),
    };
    let shown = if n > MAX_PANELS {
        format!(", first {MAX_PANELS} of {n} outcomes (all in sensitivity.csv)")
    } else {
        String::new()
    };
    render(&SensitivityChart {
        title: format!("{name}: {kind}, {replicates} replicates a point{shown}"),
        keys,
        data,
    })
}

/// Where the panels go: columns and rows for `n` panels.
fn grid_of(n: usize) -> (usize, usize) {
    let n = n.clamp(1, MAX_PANELS);
    let cols = n.min(3);
    (cols, n.div_ceil(cols))
}

impl SensitivityChart<'_> {
    /// One panel: bars per parameter, top to bottom in the sweep's order.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        labels: bool,
        morris: bool,
    ) -> DrawResult {
        let k = self.keys.len();
        let finite = |x: f64| if x.is_finite() { Some(x) } else { None };
        let (lo, hi) = if morris {
            let hi = panel
                .morris
                .iter()
                .flat_map(|r| [r.mu_star + r.mu_star_conf.max(0.0), r.sigma])
                .chain([panel.floor])
                .filter_map(finite)
                .fold(0.0, f64::max);
            (0.0, if hi > 0.0 { hi * 1.08 } else { 1.0 })
        } else {
            let vals: Vec<f64> = panel
                .sobol
                .iter()
                .flat_map(|r| [r.s1 - r.s1_conf, r.s1 + r.s1_conf, r.st - r.st_conf, r.st + r.st_conf])
                .filter_map(finite)
                .collect();
            (
                vals.iter().copied().fold(0.0, f64::min).max(-0.5) - 0.02,
                vals.iter().copied().fold(1.0, f64::max).min(1.5) + 0.02,
            )
        };
        let label_width = if labels { 330 } else { 10 };
        let mut chart = ChartBuilder::on(area)
            .caption(panel.outcome.as_str(), text(24))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(70)
            .y_label_area_size(label_width)
            .build_cartesian_2d(lo..hi, 0.0..k as f64)
            .map_err(err)?;
        let x_desc = if morris {
            "mu* and sigma (per unit of range)"
        } else {
            "share of variance"
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(x_desc)
            .axis_desc_style(text(20))
            .label_style(text(18))
            .x_labels(5)
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        // Pixel positions within `area` (backend_coord gives the backend's).
        let base = area.get_base_pixel();
        let local = |(x, y): (i32, i32)| (x - base.0, y - base.1);
        // Row i (parameter i) spans y in [k - i - 1, k - i]: the first parameter at the top.
        let row = |i: usize| (k - i - 1) as f64;
        if labels {
            let rows_px = chart.backend_coord(&(lo, 0.0)).1 - chart.backend_coord(&(lo, 1.0)).1;
            for (i, key) in self.keys.iter().enumerate() {
                let (x, y) = local(chart.backend_coord(&(lo, row(i) + 0.5)));
                let right = Pos::new(HPos::Right, VPos::Center);
                if rows_px >= 56 {
                    area.draw(&Text::new(short_name(key), (x - 10, y - 11), text(20).pos(right)))
                        .map_err(err)?;
                    area.draw(&Text::new(
                        key.clone(),
                        (x - 10, y + 12),
                        text(14).color(&RGBColor(0x66, 0x66, 0x66)).pos(right),
                    ))
                    .map_err(err)?;
                } else {
                    area.draw(&Text::new(short_name(key), (x - 10, y), text(18).pos(right)))
                        .map_err(err)?;
                }
            }
        }
        let grey = RGBColor(0xDD, 0xDD, 0xDD);
        // The noise floor: shaded from 0 (Morris) and a dashed line.
        if panel.floor.is_finite() && panel.floor > 0.0 {
            let f = panel.floor.min(hi);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo.max(0.0), 0.0), (f, k as f64)],
                    grey.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(f, 0.0), (f, k as f64)],
                    8,
                    6,
                    INK.stroke_width(2),
                ))
                .map_err(err)?;
        }
        if !lo.is_nan() && lo < 0.0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (0.0, k as f64)],
                    INK.stroke_width(1),
                )))
                .map_err(err)?;
        }
        let whisker = |chart: &mut crate::charts::Chart2d<DB>, y: f64, v: f64, c: f64| -> DrawResult {
            if v.is_finite() && c.is_finite() && c > 0.0 {
                let (a, b) = ((v - c).max(lo), (v + c).min(hi));
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(a, y), (b, y)],
                        INK.stroke_width(3),
                    )))
                    .map_err(err)?;
                for x in [a, b] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, y - 0.08), (x, y + 0.08)],
                            INK.stroke_width(3),
                        )))
                        .map_err(err)?;
                }
            }
            Ok(())
        };
        let bar = |chart: &mut crate::charts::Chart2d<DB>, y0: f64, y1: f64, v: f64, colour: RGBColor| -> DrawResult {
            if v.is_finite() {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0f64.max(lo), y0), (v.clamp(lo, hi), y1)],
                        colour.filled(),
                    )))
                    .map_err(err)?;
            }
            Ok(())
        };
        if morris {
            for (i, r) in panel.morris.iter().enumerate() {
                let y = row(i);
                bar(&mut chart, y + 0.25, y + 0.75, r.mu_star, BLUE)?;
                whisker(&mut chart, y + 0.5, r.mu_star, r.mu_star_conf)?;
                if r.sigma.is_finite() {
                    let at = local(chart.backend_coord(&(r.sigma.min(hi), y + 0.13)));
                    area.draw(&Polygon::new(
                        vec![
                            (at.0, at.1 - 10),
                            (at.0 + 10, at.1),
                            (at.0, at.1 + 10),
                            (at.0 - 10, at.1),
                        ],
                        VERMILLION.filled(),
                    ))
                    .map_err(err)?;
                }
            }
        } else {
            for (i, r) in panel.sobol.iter().enumerate() {
                let y = row(i);
                bar(&mut chart, y + 0.52, y + 0.88, r.s1, BLUE)?;
                whisker(&mut chart, y + 0.7, r.s1, r.s1_conf)?;
                bar(&mut chart, y + 0.12, y + 0.48, r.st, VERMILLION)?;
                whisker(&mut chart, y + 0.3, r.st, r.st_conf)?;
            }
        }
        let all_missing = if morris {
            panel.morris.iter().all(|r| !r.mu_star.is_finite())
        } else {
            panel.sobol.iter().all(|r| !r.s1.is_finite())
        };
        let note = if panel.constant {
            Some("constant outcome: every index is 0")
        } else if all_missing {
            Some("undefined at every point: no index")
        } else {
            None
        };
        if let Some(note) = note {
            let (x, y) = local(chart.backend_coord(&((lo + hi) / 2.0, k as f64 / 2.0)));
            area.draw(&Text::new(
                note,
                (x, y),
                text(20).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
        Ok(())
    }
}

impl Draw for SensitivityChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (panels, morris) = match self.data {
            Sensitivity::Morris(p) => (p, true),
            Sensitivity::Sobol(p) => (p, false),
        };
        let titled = root
            .margin(12, 0, 0, 0)
            .titled(&self.title, title_style(28))
            .map_err(err)?;
        let (body, legend) = titled.split_vertically(titled.dim_in_pixel().1 - 50);
        // The legend: what the marks mean.
        let grey = RGBColor(0xDD, 0xDD, 0xDD);
        let items: Vec<(RGBColor, &str)> = if morris {
            vec![
                (BLUE, "mu* (mean |effect|), 95% bootstrap interval"),
                (VERMILLION, "sigma (sd of effects)"),
                (grey, "noise floor: mu* of a parameter that does nothing"),
            ]
        } else {
            vec![
                (BLUE, "S1 (first order), 95% bootstrap interval"),
                (VERMILLION, "ST (total), 95% bootstrap interval"),
                (grey, "noise floor: ST of a parameter that does nothing"),
            ]
        };
        let mut x = 30;
        for (colour, label) in items {
            legend
                .draw(&Rectangle::new([(x, 14), (x + 24, 34)], colour.filled()))
                .map_err(err)?;
            legend.draw(&Text::new(label, (x + 32, 14), text(18))).map_err(err)?;
            x += 60 + (label.chars().count() as i32) * 9;
        }
        let shown = &panels[..panels.len().min(MAX_PANELS)];
        let (cols, rows) = grid_of(shown.len());
        let (w, _) = body.dim_in_pixel();
        // The first column also holds the parameter names.
        let first = 330 + (w as i32 - 330) / cols as i32;
        for r in 0..rows {
            let (row_area, _) = {
                let (_, h) = body.dim_in_pixel();
                let top = (h as i32) * r as i32 / rows as i32;
                let bottom = (h as i32) * (r as i32 + 1) / rows as i32;
                (body.clone().shrink((0, top), (w, (bottom - top) as u32)), ())
            };
            let mut rest = row_area;
            for c in 0..cols {
                let Some(panel) = shown.get(r * cols + c) else { break };
                let width = if c == 0 { first } else { (w as i32 - 330) / cols as i32 };
                let (area, next) = rest.split_horizontally(width);
                self.panel(&area, panel, c == 0, morris)?;
                rest = next;
            }
        }
        Ok(())
    }
}

/// The label of the cell whose centre is at `at` (cells are 1 wide, the first centred at 0.5),
/// from `labels`; empty between centres and beyond the last.
fn cell_label(labels: &[String], at: f64) -> String {
    let i = (at - 0.5).round();
    if (at - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
        labels[i as usize].clone()
    } else {
        String::new()
    }
}
