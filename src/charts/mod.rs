//! Charts (plotters), each rendered as PNG and SVG bytes. Text is drawn with DejaVu Sans,
//! embedded in the binary (licence: licenses/DejaVu-LICENSE.txt), so charts render on a machine
//! with no fonts installed. Colours are Okabe & Ito's colour-blind-safe palette; a stage or a
//! scenario has the same colour in every chart.

#![warn(missing_docs, clippy::missing_errors_doc)]

mod capacity;
mod dose;
mod effects;

pub use capacity::{MIN_BAND_SPAN, capacity};
pub use dose::{Panel, dose};
pub use effects::effects;

use std::collections::BTreeMap;
use std::sync::Once;

use crate::observe::{Measure, weekly};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// Chart size in pixels: legible when pasted into a document.
pub const SIZE: (u32, u32) = (1600, 1000);

const FONT: &str = "sans-serif";

// Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
/// Okabe & Ito's blue: the first scenario.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe & Ito's vermillion: the second scenario; the stage bolted on.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe & Ito's bluish green: the third scenario; the stage belonging.
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe & Ito's orange: the fourth scenario.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe & Ito's reddish purple: the fifth scenario.
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Okabe & Ito's sky blue: the sixth scenario.
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe & Ito's yellow: the stage fitting in (unreadable as a line on white).
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
/// A near-black for text, frames and the seventh scenario.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

/// Scenario colours, in the order the scenarios were given.
pub const SCENARIO_COLOURS: [RGBColor; 8] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, INK, GREY];

/// Okabe & Ito's remaining dark tone, for the eighth scenario (their yellow is unreadable on white).
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Stage colours: bolted on, fitting in, belonging.
pub const STAGE_COLOURS: [RGBColor; 3] = [VERMILLION, YELLOW, GREEN];

/// The weekly measures that count practices at each stage, in stage order (bolted on, fitting
/// in, belonging): the stages chart's series and legend labels.
pub const STAGES: [Measure; 3] = [weekly("bolted_on"), weekly("fitting_in"), weekly("belonging")];

/// The share of practices belonging (fully integrated), the measure the integration charts show.
pub const INTEGRATION: Measure = weekly("integration_rate");

/// Register the embedded font once, before anything is drawn.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary: this cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// One measure by month: mean and the 90% band across replicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// The x values: months (or a lever's values, in the dose-response charts).
    pub month: Vec<f64>,
    /// Mean across replicates at each x, in the measure's unit.
    pub mean: Vec<f64>,
    /// 5th percentile across replicates at each x.
    pub p05: Vec<f64>,
    /// 95th percentile across replicates at each x.
    pub p95: Vec<f64>,
}

/// Monthly statistics of one scenario, by measure (from monthly.csv or in memory).
#[derive(Debug, Clone, Default)]
pub struct Monthly {
    /// The scenario's name (in the charts' titles and legends).
    pub scenario: String,
    /// Replicates the statistics are over (in the charts' titles).
    pub replicates: usize,
    /// The scenario's place in its run: its colour, `SCENARIO_COLOURS[colour]`, in every chart.
    pub colour: usize,
    /// Each measure's series, by its monthly.csv name ([`crate::observe::WEEKLY`]).
    pub measures: BTreeMap<String, Series>,
}

impl Monthly {
    /// Append one month's statistics of `measure` (months are pushed in order).
    pub fn push(&mut self, measure: &str, month: u32, mean: f64, p05: f64, p95: f64) {
        let s = self.measures.entry(measure.to_string()).or_default();
        s.month.push(f64::from(month));
        s.mean.push(mean);
        s.p05.push(p05);
        s.p95.push(p95);
    }

    /// The series of `measure`; empty when there is none.
    pub fn series(&self, measure: Measure) -> Series {
        self.measures.get(measure.name).cloned().unwrap_or_default()
    }

    /// The scenario as a chart names it: `NAME (N replicates)` (`1 replicate`), with `note`
    /// before the closing parenthesis.
    fn named(&self, note: &str) -> String {
        let s = if self.replicates == 1 { "" } else { "s" };
        format!("{} ({} replicate{s}{note})", self.scenario, self.replicates)
    }

    fn months(&self) -> f64 {
        self.measures
            .values()
            .next()
            .and_then(|s| s.month.last().copied())
            .unwrap_or(24.0)
            .max(1.0)
    }

    /// Number of practices (from the stage counts at month 0).
    fn practices(&self) -> f64 {
        STAGES
            .iter()
            .map(|m| self.series(*m).mean.first().copied().unwrap_or(0.0))
            .sum()
    }
}

/// A chart rendered both ways.
pub struct Rendered {
    /// The PNG file's bytes, [`SIZE`] pixels.
    pub png: Vec<u8>,
    /// The SVG file's text.
    pub svg: String,
}

pub(crate) type DrawResult = Result<(), String>;
pub(crate) type Chart2d<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

pub(crate) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Something that draws itself on any plotters backend.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Render one chart to PNG and SVG.
pub(crate) fn render(chart: &impl Draw) -> Result<Rendered, String> {
    register_fonts();
    let (w, h) = SIZE;
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    let image = image::RgbImage::from_raw(w, h, pixels).ok_or("chart buffer size")?;
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageOutputFormat::Png).map_err(err)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(Rendered {
        png: png.into_inner(),
        svg,
    })
}

pub(crate) fn title_style(size: u32) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_text_style(&(SIZE.0, SIZE.1))
}

pub(crate) fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_text_style(&(SIZE.0, SIZE.1))
}

/// A shaded band from `lower` to `upper` (percent or raw units), then the mean line on top.
pub(crate) fn band_and_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    s: &Series,
    scale: f64,
    colour: RGBColor,
    label: &str,
) -> DrawResult {
    let mut outline: Vec<(f64, f64)> = s.month.iter().zip(&s.p95).map(|(m, y)| (*m, y * scale)).collect();
    outline.extend(s.month.iter().zip(&s.p05).rev().map(|(m, y)| (*m, y * scale)));
    chart
        .draw_series(std::iter::once(Polygon::new(outline, colour.mix(0.2).filled())))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            s.month.iter().zip(&s.mean).map(|(m, y)| (*m, y * scale)),
            colour.stroke_width(4),
        ))
        .map_err(err)?
        .label(label.to_string())
        .legend(move |(x, y)| PathElement::new(vec![(x - 4, y), (x + 18, y)], colour.stroke_width(5)));
    Ok(())
}

/// The frame every chart of a percentage by month shares: title, months on x, 0-100% on y.
fn percent_by_month<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    title_size: u32,
    months: f64,
    y_desc: &str,
) -> Result<Chart2d<'a, DB>, String> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, title_style(title_size))
        .margin(30)
        .x_label_area_size(90)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..months, 0.0..100.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("Months since the programme started")
        .y_desc(y_desc)
        .axis_desc_style(text(30))
        .label_style(text(26))
        .x_labels(13)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_labels(11)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// `integration`: the share of practices belonging, by month, mean with a shaded 90% band.
///
/// # Errors
/// The drawing backend's error, as text.
pub fn integration(m: &Monthly) -> Result<Rendered, String> {
    let s = m.series(INTEGRATION);
    let title = format!("Practices fully integrated: {}", m.named(""));
    let months = m.months();
    render(&Integration {
        title,
        months,
        s,
        colour: SCENARIO_COLOURS[m.colour % SCENARIO_COLOURS.len()],
    })
}

struct Integration {
    title: String,
    months: f64,
    s: Series,
    colour: RGBColor,
}

impl Draw for Integration {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = percent_by_month(
            root,
            &self.title,
            40,
            self.months,
            "Practices 'belonging' (fully integrated), %",
        )?;
        let colour = self.colour;
        band_and_line(&mut chart, &self.s, 100.0, colour, "mean across replicates")?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (0.0, 0.0)],
                colour.mix(0.2).filled(),
            )))
            .map_err(err)?
            .label("90% of replicates")
            .legend(move |(x, y)| Rectangle::new([(x - 4, y - 9), (x + 18, y + 9)], colour.mix(0.2).filled()));
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}

pub(crate) fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(INK)
        .label_font(text(26))
        .margin(16)
        .draw()
        .map_err(err)
}

/// `stages`: the share of practices bolted on / fitting in / belonging by month, stacked.
///
/// # Errors
/// The drawing backend's error, as text.
pub fn stages(m: &Monthly) -> Result<Rendered, String> {
    let n = m.practices().max(1.0);
    let labels = STAGES.map(|s| s.label);
    let series: Vec<Series> = STAGES.iter().map(|s| m.series(*s)).collect();
    let title = format!("Stage of integration: {}", m.named(", mean"));
    let months = m.months();
    render(&Stages {
        title,
        months,
        n,
        labels,
        series,
    })
}

struct Stages {
    title: String,
    months: f64,
    n: f64,
    labels: [&'static str; 3],
    series: Vec<Series>,
}

impl Draw for Stages {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = percent_by_month(root, &self.title, 40, self.months, "Share of practices, %")?;
        let months_axis = &self.series[0].month;
        let mut lower = vec![0.0; months_axis.len()];
        // Stack from the top stage down so belonging sits at the bottom, where it is read first.
        for i in (0..3).rev() {
            let upper: Vec<f64> = lower
                .iter()
                .zip(&self.series[i].mean)
                .map(|(l, v)| l + 100.0 * v / self.n)
                .collect();
            let mut outline: Vec<(f64, f64)> = months_axis.iter().copied().zip(upper.iter().copied()).collect();
            outline.extend(months_axis.iter().copied().zip(lower.iter().copied()).rev());
            let colour = STAGE_COLOURS[i];
            chart
                .draw_series(std::iter::once(Polygon::new(outline, colour.filled())))
                .map_err(err)?
                .label(self.labels[i])
                .legend(move |(x, y)| Rectangle::new([(x - 4, y - 9), (x + 18, y + 9)], colour.filled()));
            lower = upper;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

/// comparison/integration: each scenario's integration rate with its band, one colour each.
///
/// # Errors
/// The drawing backend's error, as text.
pub fn comparison(runs: &[Monthly]) -> Result<Rendered, String> {
    let names: Vec<String> = runs.iter().map(|m| m.named("")).collect();
    let series: Vec<Series> = runs.iter().map(|m| m.series(INTEGRATION)).collect();
    let colours: Vec<RGBColor> = runs
        .iter()
        .map(|m| SCENARIO_COLOURS[m.colour % SCENARIO_COLOURS.len()])
        .collect();
    let months = runs.iter().map(Monthly::months).fold(1.0, f64::max);
    let title = format!(
        "Practices fully integrated by month: {} scenarios, each against {} (dashed)",
        runs.len(),
        runs.first().map_or("", |m| m.scenario.as_str())
    );
    render(&Comparison {
        title,
        reference: runs.first().map_or(String::new(), |m| m.scenario.clone()),
        months,
        names,
        series,
        colours,
    })
}

struct Comparison {
    title: String,
    reference: String,
    months: f64,
    names: Vec<String>,
    series: Vec<Series>,
    colours: Vec<RGBColor>,
}

impl Draw for Comparison {
    /// Small multiples: one panel per scenario (its band in its colour, so bands never blend),
    /// each with the reference's mean as a dashed line; 2 to 8 scenarios stay readable.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.series.len().max(1);
        let (rows, cols) = match n {
            1..=3 => (1, n),
            4 => (2, 2),
            5 | 6 => (2, 3),
            _ => (2, n.div_ceil(2)),
        };
        let size = fitted_title_size(&self.title, 36);
        let titled = root
            .margin(12, 0, 0, 0)
            .titled(&self.title, title_style(size))
            .map_err(err)?;
        let panels = titled.split_evenly((rows, cols));
        let label = if cols > 2 { 18 } else { 22 };
        for (i, area) in panels.iter().enumerate().take(n) {
            let mut chart = ChartBuilder::on(area)
                .caption(&self.names[i], text(label + 2))
                .margin(14)
                .x_label_area_size(56)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..self.months, 0.0..100.0)
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc("Month")
                .y_desc(if i % cols == 0 { "fully integrated, %" } else { "" })
                .axis_desc_style(text(label))
                .label_style(text(label))
                .x_labels(7)
                .y_labels(6)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            band_and_line(&mut chart, &self.series[i], 100.0, self.colours[i], "mean, 90% band")?;
            // The reference's mean, dashed in its own colour, on every other panel.
            let reference = self.colours[0];
            if i > 0 {
                let r = &self.series[0];
                chart
                    .draw_series(DashedLineSeries::new(
                        r.month.iter().zip(&r.mean).map(|(m, y)| (*m, y * 100.0)),
                        10,
                        6,
                        reference.stroke_width(3),
                    ))
                    .map_err(err)?
                    .label(format!("reference ({})", self.reference))
                    .legend(move |(x, y)| {
                        // Dashed as drawn: two dashes.
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(-4, 0), (5, 0)], reference.stroke_width(3))
                            + PathElement::new(vec![(10, 0), (19, 0)], reference.stroke_width(3))
                    });
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.9))
                .border_style(INK)
                .label_font(text(label - 2))
                .draw()
                .map_err(err)?;
        }
        Ok(())
    }
}

/// The largest title size (at most `max`) at which `title` fits the chart's width: DejaVu Sans
/// Bold averages about 0.62 of the size per character.
pub(crate) fn fitted_title_size(title: &str, max: u32) -> u32 {
    let chars = title.chars().count().max(1) as f64;
    let fit = (f64::from(SIZE.0) - 80.0) / (0.62 * chars);
    (fit.floor() as u32).clamp(16, max)
}

/// One headline figure of one scenario: mean and 90% interval, as a share (0..1).
#[derive(Debug, Clone)]
pub struct Figure {
    /// The figure's chart label ([`crate::summary::HeadlineFigure::chart`]).
    pub label: &'static str,
    /// Mean across replicates (or of the paired differences, in the effects chart).
    pub mean: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The label of the group centred at `y` on an axis of `labels.len()` groups drawn top down
/// (group g spans `[n - g - 1, n - g]`); empty between the centres.
pub(crate) fn group_label(labels: &[&str], y: f64) -> String {
    let groups = labels.len() as f64;
    let i = (groups - y - 0.5).round();
    if (groups - y - 0.5 - i).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len() {
        labels[i as usize].to_string()
    } else {
        String::new()
    }
}

/// comparison/headline: headline shares side by side, a bar per scenario with its interval.
///
/// # Errors
/// The drawing backend's error, as text.
pub fn headline(scenarios: &[(String, Vec<Figure>)]) -> Result<Rendered, String> {
    let labels: Vec<&'static str> = scenarios
        .first()
        .map(|(_, f)| f.iter().map(|x| x.label).collect())
        .unwrap_or_default();
    let k = scenarios.len().max(1) as f64;
    let groups = labels.len() as f64;
    let title = "Headline figures (mean; whiskers: 90% of replicates)".to_string();
    render(&Headline {
        title,
        labels,
        k,
        groups,
        scenarios: scenarios.to_vec(),
    })
}

struct Headline {
    title: String,
    labels: Vec<&'static str>,
    k: f64,
    groups: f64,
    scenarios: Vec<(String, Vec<Figure>)>,
}

impl Draw for Headline {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_style(fitted_title_size(&self.title, 38)))
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(420)
            .build_cartesian_2d(0.0..100.0, 0.0..self.groups)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("%")
            .axis_desc_style(text(30))
            .label_style(text(26))
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_labels(self.labels.len() * 2 + 1)
            .y_label_formatter(&|y| group_label(&self.labels, *y))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        for (j, (name, figures)) in self.scenarios.iter().enumerate() {
            let colour = SCENARIO_COLOURS[j % SCENARIO_COLOURS.len()];
            for (g, f) in figures.iter().enumerate() {
                let top = self.groups - g as f64 - 0.1 - 0.8 * j as f64 / self.k;
                let bottom = top - 0.8 / self.k * 0.85;
                let mid = (top + bottom) / 2.0;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, bottom), (100.0 * f.mean, top)],
                        colour.filled(),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(100.0 * f.p05, mid), (100.0 * f.p95, mid)],
                        INK.stroke_width(3),
                    )))
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, 0.0), (0.0, 0.0)],
                    colour.filled(),
                )))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x - 4, y - 9), (x + 18, y + 9)], colour.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}
