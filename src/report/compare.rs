//! The comparison page: `lwsim report DIR/comparison` (and `lwsim run A.toml B.toml ... --report`)
//! writes `comparison/report.html`. It says what differs from the reference (the first
//! scenario), key by key, from the resolved scenarios in the scenarios' folders beside
//! `comparison/`; shows the paired effects (effects.csv, effects.svg), the integration rate and
//! the stages of every scenario, and their headline figures side by side; and how to run it
//! again. It shares the scenario page's head, figure labels, units and warnings (`super`).
#![warn(missing_docs, clippy::missing_errors_doc)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{COST_NOTE, REPORTED, Unit, chart_svg, escape, format_value, interval, page_head, small_sample_warning};
use crate::charts::{self, Figure, Monthly};
use crate::error::{Error, InputError};
use crate::output::{self, ComparisonRow, EffectRow, RunFolder, compared, read_rows};
use crate::scenario::params::SPECS;

/// A row of headline.csv ([`ComparisonRow`]) or effects.csv ([`EffectRow`]): a scenario's
/// figure, its mean and the 90% range of its replicates.
trait Row {
    fn scenario(&self) -> &str;
    fn measure(&self) -> &str;
    /// The mean, 5th and 95th percentiles.
    fn spread(&self) -> (f64, f64, f64);
}

/// The two row structs name the same three columns alike.
macro_rules! row {
    ($($t:ty),*) => {$(
        impl Row for $t {
            fn scenario(&self) -> &str {
                &self.scenario
            }
            fn measure(&self) -> &str {
                self.measure
            }
            fn spread(&self) -> (f64, f64, f64) {
                (self.mean, self.p05, self.p95)
            }
        }
    )*};
}
row!(ComparisonRow, EffectRow);

/// Rows of headline.csv or effects.csv, and the scenarios in the order the file lists them (the
/// order of the run: the reference first in headline.csv).
struct Table<R> {
    order: Vec<String>,
    rows: Vec<R>,
}

impl<R: Row> Table<R> {
    fn get(&self, scenario: &str, measure: &str) -> Option<&R> {
        self.rows
            .iter()
            .find(|r| r.scenario() == scenario && r.measure() == measure)
    }
}

/// One compared scenario, read from its folder beside `comparison/`.
struct Compared {
    name: String,
    dir: PathBuf,
    scenario: crate::scenario::RawScenario,
    /// The resolved scenario as dotted keys and values, for the differences.
    keys: BTreeMap<String, toml::Value>,
    run: crate::output::RunInfo,
    replicates: usize,
    monthly: Monthly,
}

fn not_comparison(path: &Path, what: &str) -> Error {
    crate::page::not_a(path, "a comparison of `lwsim run`", what)
}

/// Read comparison/headline.csv ([`ComparisonRow`]s) or effects.csv ([`EffectRow`]s).
fn read_table<R: Row + serde::Serialize + serde::de::DeserializeOwned + Default>(
    dir: &Path,
    file: &str,
) -> Result<Table<R>, Error> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err(not_comparison(
            dir,
            &format!("no {file} (run the scenarios again with `lwsim run`)"),
        ));
    }
    let rows: Vec<R> = read_rows(&path)?;
    let mut order: Vec<String> = Vec::new();
    for row in &rows {
        if !order.iter().any(|s| s == row.scenario()) {
            order.push(row.scenario().to_string());
        }
    }
    Ok(Table { order, rows })
}

/// The folder that holds the scenarios' folders and `comparison/`.
fn beside(dir: &Path) -> PathBuf {
    match (dir.file_name(), dir.parent()) {
        (Some(_), Some(parent)) => parent.to_path_buf(),
        _ => dir.join(".."),
    }
}

fn read_compared(root: &Path, name: &str, colour: usize) -> Result<Compared, Error> {
    let dir = root.join(name);
    let missing = |what: &str| -> Error {
        InputError::at(
            &dir.display().to_string(),
            None,
            format!("{what}: the comparison's report reads each compared scenario's results from its folder beside comparison/ (run the scenarios again with `lwsim run`)"),
        )
        .into()
    };
    if !dir.is_dir() {
        return Err(missing("no such folder"));
    }
    let RunFolder {
        resolved,
        scenario,
        summary,
        run,
        mut monthly,
        ..
    } = RunFolder::read(&dir, &missing)?;
    let table: toml::Table = toml::from_str(&resolved).map_err(|e| missing(&format!("scenario.resolved.toml: {e}")))?;
    let mut leaves = Vec::new();
    crate::scenario::load::leaves(&table, "", &mut leaves);
    let keys: BTreeMap<String, toml::Value> = leaves.into_iter().collect();
    // The comparison names its scenarios (and their folders) as headline.csv does.
    monthly.scenario = name.to_string();
    monthly.colour = colour;
    Ok(Compared {
        name: name.to_string(),
        dir,
        scenario,
        keys,
        run,
        replicates: summary.replicates,
        monthly,
    })
}

/// An effect (a difference) as people read it: `+0.9 pts` (percentage points), `-£294,010`,
/// `+1.25`; exactly `0` when there is no difference at all.
pub(crate) fn format_effect(x: f64, unit: Unit) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x > 0.0 { "+" } else { "-" };
    match unit {
        Unit::Percent => {
            let points = 100.0 * x.abs();
            let places = if points >= 0.05 { 1 } else { 3 };
            // A no-break space: the unit stays with its number when a cell wraps.
            format!("{sign}{points:.places$}\u{a0}pts")
        }
        // A small change keeps its digits: `+0.0012`, not `+0.00`.
        Unit::Number if x.abs() < 0.005 => format!("{sign}{:.4}", x.abs()),
        Unit::Number | Unit::Pounds => format!("{sign}{}", format_value(x.abs(), unit)),
    }
}

/// `lo to hi`, each number in one piece (a narrow column breaks only at " to "); the unit once
/// (`-2.0 to +0.1 pts`).
fn range(lo: f64, hi: f64, show: &impl Fn(f64) -> String) -> String {
    let (lo, hi) = (show(lo), show(hi));
    let lo = match lo.strip_suffix("\u{a0}pts") {
        Some(bare) if hi.ends_with("\u{a0}pts") => bare,
        _ => &lo,
    };
    format!("<span>{lo}</span> to <span>{hi}</span>")
}

/// A table cell: the mean (bold) above its 90% interval; a dash when a statistic is missing.
fn cell(s: Option<&ComparisonRow>, replicates: usize, show: impl Fn(f64) -> String) -> String {
    match s.map(Row::spread) {
        Some((mean, p05, p95)) if !(mean.is_nan() || p05.is_nan() || p95.is_nan()) => format!(
            "<td class=\"n\"><strong>{}</strong><span class=\"i\">{}</span></td>",
            show(mean),
            interval(replicates, || range(p05, p95, &show))
        ),
        _ => "<td class=\"n\">-</td>".into(),
    }
}

/// An effect's cell: the mean (bold) and, in brackets, the 90% confidence interval of the mean,
/// both to the decimal places the interval's width warrants ([`places_for`]), so its two ends
/// always differ; "(the same in every pair)" when every paired difference is equal (no interval
/// of chance to show); below them, in grey, the 90% range of the paired differences. A dash when
/// a statistic is missing; no brackets with fewer than two pairs.
fn effect_cell(e: Option<&EffectRow>, replicates: usize, unit: Unit) -> String {
    let Some(e) = e.filter(|e| !(e.mean.is_nan() || e.p05.is_nan() || e.p95.is_nan())) else {
        return "<td class=\"n\">-</td>".into();
    };
    let show = |x: f64| format_effect(x, unit);
    let (mean, ci) = if replicates < 2 || e.mean_lo.is_nan() || e.mean_hi.is_nan() {
        (show(e.mean), String::new())
    } else if e.mean_lo == e.mean_hi {
        (
            show(e.mean),
            "<span class=\"c\">(the same in every pair)</span>".to_string(),
        )
    } else {
        let places = places_for((e.mean_hi - e.mean_lo) / 2.0, unit);
        let at = |x: f64| format_effect_at(x, unit, places);
        (
            at(e.mean),
            format!("<span class=\"c\">({})</span>", range(e.mean_lo, e.mean_hi, &at)),
        )
    };
    format!(
        "<td class=\"n\"><strong>{mean}</strong>{ci}<span class=\"i\">{}</span></td>",
        interval(replicates, || range(e.p05, e.p95, &show))
    )
}

/// Decimal places that show an interval of half-width `half` (> 0, in the figure's unit) to one
/// significant digit: `-0.8 (-1.0 to -0.5) pts`, `-0.018 (-0.019 to -0.017)`; at least one for
/// points and numbers, none for pounds, at most four.
fn places_for(half: f64, unit: Unit) -> usize {
    let (shown, least) = match unit {
        Unit::Percent => (100.0 * half, 1),
        Unit::Number => (half, 1),
        Unit::Pounds => (half, 0),
    };
    (-shown.log10().floor()).clamp(f64::from(least), 4.0) as usize
}

/// [`format_effect`] to `places` decimal places (points for a share); a value that is not 0
/// but would show as 0 gets the places it needs (up to four), so `+£0` never stands for +£0.12.
fn format_effect_at(x: f64, unit: Unit, places: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x > 0.0 { "+" } else { "-" };
    let shown = if unit == Unit::Percent {
        100.0 * x.abs()
    } else {
        x.abs()
    };
    let mut places = places;
    let zero = |places: usize| format!("{shown:.places$}").bytes().all(|b| b == b'0' || b == b'.');
    while places < 4 && zero(places) {
        places += 1;
    }
    if zero(places) {
        // Below every place shown (rounding noise such as 1e-14): not a signed zero.
        return "~0".into();
    }
    let digits = format!("{shown:.places$}");
    match unit {
        Unit::Percent => format!("{sign}{digits}\u{a0}pts"),
        Unit::Number => format!("{sign}{digits}"),
        Unit::Pounds => match digits.split_once('.') {
            Some((whole, fraction)) => {
                format!(
                    "{sign}{}.{fraction}",
                    format_value(whole.parse().unwrap_or(0.0), Unit::Pounds)
                )
            }
            None => format!("{sign}{}", format_value(shown, Unit::Pounds)),
        },
    }
}

/// A scenario key's value as the resolved file writes it; a key drawn under
/// `--uncertainty full` (commented out there) shows its plausible range or "an accepted set".
fn shown(v: Option<&toml::Value>, key: &str, run: &Compared) -> String {
    match v {
        Some(v) => v.to_string(),
        None if crate::scenario::uncertain::drawn_keys(&run.scenario).contains(&key) => {
            match crate::scenario::uncertain::plausible(key) {
                Some((lo, hi)) => format!("drawn, {lo} .. {hi}"),
                None => "drawn from the accepted sets".into(),
            }
        }
        None => "(not set)".into(),
    }
}

/// The keys (other than name and description) whose values differ, in the order of the key
/// table: (key, reference's value, this scenario's value).
fn differences(reference: &Compared, other: &Compared) -> Vec<(String, String, String)> {
    let mut keys: Vec<&String> = reference.keys.keys().chain(other.keys.keys()).collect();
    keys.sort_by_key(|k| (SPECS.iter().position(|s| s.key == k.as_str()).unwrap_or(usize::MAX), *k));
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "name" | "description"))
        .filter(|k| reference.keys.get(*k) != other.keys.get(*k))
        .map(|k| {
            (
                k.clone(),
                shown(reference.keys.get(k), k, reference),
                shown(other.keys.get(k), k, other),
            )
        })
        .collect()
}

/// The page, as a string, for the comparison in `dir`.
///
/// # Errors
/// `Input` (exit 2) when `dir` lacks headline.csv or effects.csv, they are malformed or name
/// different scenarios, or a compared scenario's folder beside `dir` (or its resolved scenario,
/// summary.json or monthly.csv) is missing or malformed; `Chart` when a chart that is not on
/// disk cannot be drawn again.
pub fn build(dir: &Path) -> Result<String, Error> {
    let headline: Table<ComparisonRow> = read_table(dir, output::HEADLINE_CSV)?;
    let effects: Table<EffectRow> = read_table(dir, output::EFFECTS_CSV)?;
    if headline.order.len() < 2 {
        return Err(not_comparison(dir, "headline.csv names fewer than two scenarios"));
    }
    if let Some(s) = effects.order.iter().find(|s| !headline.order.contains(s)) {
        return Err(not_comparison(
            dir,
            &format!("effects.csv names `{s}`, which headline.csv does not"),
        ));
    }
    let root = beside(dir);
    let runs = headline
        .order
        .iter()
        .enumerate()
        .map(|(i, name)| read_compared(&root, name, i))
        .collect::<Result<Vec<_>, _>>()?;
    let reference = &runs[0];
    let others = &runs[1..];
    if others.iter().any(|o| effects.order.iter().all(|s| *s != o.name)) {
        return Err(not_comparison(dir, "effects.csv lacks a compared scenario's rows"));
    }
    // Compared scenarios share the reference's seed, replicates, horizon and uncertainty mode: a
    // folder that differs was not run in this comparison (replaced since).
    let settings = |r: &Compared| {
        let s = &r.scenario.simulation;
        (s.seed, r.replicates, s.weeks, s.uncertainty)
    };
    if let Some(o) = others.iter().find(|o| settings(o) != settings(reference)) {
        return Err(not_comparison(
            dir,
            &format!(
                "`{}` was not run in this comparison: its seed, replicates, weeks or uncertainty mode differ from the reference's (run the scenarios again together with `lwsim run`)",
                o.name
            ),
        ));
    }
    let replicates = runs.iter().map(|r| r.replicates).min().unwrap_or(0);

    let title = format!(
        "lwsim comparison: {} against {}",
        match others.len() {
            1 => format!("{} ", others[0].name),
            n => format!("{n} scenarios "),
        }
        .trim_end(),
        reference.name
    );
    let mut h = page_head(&escape(&title));
    let _ = writeln!(h, "<h1>{}</h1>", escape(&title));

    // The question in words: what each scenario changes in the reference.
    h.push_str(&question(reference, others));
    h.push_str(&what_was_run(&runs, replicates));

    h.push_str("<h2>Effects against the reference</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">Each scenario minus {}, taken replicate by replicate: replicate r of every scenario starts from the same seed{}, so much of chance cancels out of the difference. Bold: the mean difference; in brackets under it, the 90% confidence interval of that mean: how precisely the replicates pin it down (Student's t on the paired differences; an interval that excludes 0 is unlikely to be chance alone, at 90% confidence figure by figure, so about 1 in 10 figures with no real effect will exclude it). Below that, in grey, the range that holds 90% of the paired differences: how much the effect varies from one run of the programme to another. A share of a few practices moves in steps (1 of 7 practices is 14 points), and when most replicates differ by exactly 0 the mean can lie outside that range. Shares differ in percentage points (pts). A scenario identical to the reference has every effect exactly 0.</p>",
        escape(&reference.name),
        if reference.scenario.simulation.uncertainty.is_chance() {
            ""
        } else {
            " and draws the same uncertain constants"
        }
    );
    h.push_str(&small_sample_warning(replicates));
    if (2..20).contains(&replicates) {
        h.push_str("<p class=\"warning\">With so few pairs the confidence intervals of the means are rough too, and an effect shown as \"(the same in every pair)\" may only mean that no pair happened to differ.</p>\n");
    }
    let svg = chart_svg(dir, output::EFFECTS_CHART, || {
        charts::effects(
            &reference.name,
            &effect_figures(&effects, others),
            reference.scenario.simulation.uncertainty,
        )
    })?;
    let _ = writeln!(
        h,
        "<figure>{svg}<figcaption>The headline shares: the dot is the mean difference from {}, the line holds 90% of the paired replicates' differences.</figcaption></figure>",
        escape(&reference.name)
    );
    h.push_str(&effects_table(&headline, &effects, reference, others, replicates));
    h.push_str(COST_NOTE);

    h.push_str("<h2>Integration by month</h2>\n");
    let monthly: Vec<Monthly> = runs.iter().map(|r| r.monthly.clone()).collect();
    let svg = chart_svg(dir, output::INTEGRATION_CHART, || charts::comparison(&monthly))?;
    let _ = writeln!(
        h,
        "<figure>{svg}<figcaption>Share of practices fully integrated ('belonging'), by month: one panel per scenario, its mean line and 90% band, with the reference's mean dashed.</figcaption></figure>"
    );

    h.push_str(&stages(&runs)?);

    h.push_str("<h2>Headline figures side by side</h2>\n<p class=\"note\">Mean across replicates (bold), with the range that holds 90% of replicates (5th to 95th percentile).</p>\n");
    h.push_str(&small_sample_warning(replicates));
    let svg = chart_svg(dir, output::HEADLINE_CHART, || {
        charts::headline(&headline_figures(&headline, &runs))
    })?;
    let _ = writeln!(
        h,
        "<figure>{svg}<figcaption>The headline shares of every scenario: bars are means, whiskers hold 90% of replicates.</figcaption></figure>"
    );
    h.push_str(&headline_table(&headline, &runs, replicates));

    h.push_str(&reproduce(&root, &runs));
    let _ = writeln!(
        h,
        "<p class=\"note\">Each scenario's own page (its capacity chart, monthly table and resolved scenario) is its folder's report.html ({}). The model is described in docs/ODD.md of lwsim; every parameter's source is in docs/SCENARIOS.md. {}</p>\n</body></html>",
        escape(
            &runs
                .iter()
                .map(|r| format!("{}/report.html", r.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        escape(crate::scenario::uncertain::interval_kind(
            reference.scenario.simulation.uncertainty,
            reference.run.drew_nothing()
        ))
    );
    Ok(h)
}

/// "What differs": each scenario's description and the keys it changes, with both values.
fn question(reference: &Compared, others: &[Compared]) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>The question</h2>\n<p>What changes when the reference, <strong>{}</strong>, is changed as each scenario below says? The reference: {}</p>",
        escape(&reference.name),
        escape(&reference.scenario.description)
    );
    if let Some(note) = cuts_within(&reference.scenario, None) {
        let _ = writeln!(h, "<p>{}</p>", escape(&note));
    }
    for other in others {
        let diffs = differences(reference, other);
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p>{}</p>",
            escape(&other.name),
            escape(&other.scenario.description)
        );
        if diffs.is_empty() {
            let _ = writeln!(
                h,
                "<p>Identical to {} in every key: its effects are exactly 0.</p>",
                escape(&reference.name)
            );
            continue;
        }
        let _ = writeln!(
            h,
            "<p>It differs from {} in {} {}:</p>\n<ul>",
            escape(&reference.name),
            diffs.len(),
            if diffs.len() == 1 { "key" } else { "keys" }
        );
        for (key, from, to) in diffs {
            let spec = SPECS.iter().find(|s| s.key == key);
            let unit = spec
                .filter(|s| !matches!(s.unit, "-" | "text"))
                .map_or(String::new(), |s| format!(" ({})", escape(s.unit)));
            let doc = spec.map_or(String::new(), |s| {
                format!("<br><span class=\"note\">{}</span>", escape(s.doc))
            });
            let _ = writeln!(
                h,
                "<li><code>{}</code>: {} → {}{unit}{doc}</li>",
                escape(&key),
                escape(&from),
                escape(&to)
            );
        }
        h.push_str("</ul>\n");
        if let Some(note) = cuts_within(&other.scenario, Some(&reference.scenario)) {
            let _ = writeln!(h, "<p>{}</p>", escape(&note));
        }
    }
    h
}

/// When a scenario cuts community funding each year: how many of its cuts fall within the run,
/// and when (an annual cut from year 2 makes one cut in a two-year run, none in a one-year run).
/// Against `reference` (for a compared scenario), the effects are said to be the cut's only when
/// the cut is what differs from the reference (its size or its years).
fn cuts_within(s: &crate::scenario::RawScenario, reference: Option<&crate::scenario::RawScenario>) -> Option<String> {
    let f = &s.funding;
    if f.annual_cut <= 0.0 {
        return None;
    }
    let the_cut_differs = reference.is_some_and(|r| {
        let g = &r.funding;
        (g.annual_cut, g.cut_first_year, g.cut_last_year) != (f.annual_cut, f.cut_first_year, f.cut_last_year)
    });
    let weeks = s.simulation.weeks;
    let at = crate::model::organisation::cut_weeks(weeks, f.cut_first_year, f.cut_last_year);
    let pct = format!("{}%", (100.0 * f.annual_cut * 1e6).round() / 1e6);
    let whose = if reference.is_some() { "Its" } else { "The reference's" };
    Some(if at.is_empty() {
        format!(
            "{whose} annual cut of {pct} makes no cut within the run's {weeks} weeks (the first would fall at week {}){}",
            52 * (f.cut_first_year.max(2) - 1) + 1,
            if the_cut_differs {
                ": the cut has no effect here."
            } else {
                "."
            }
        )
    } else {
        let weeks_at = at.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let times = match at.len() {
            1 => "once".to_string(),
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        let plural = if at.len() == 1 { "week" } else { "weeks" };
        let effects = match (the_cut_differs, at.len()) {
            (false, _) => String::new(),
            (true, 1) => ": the cut's effects are of that one cut".into(),
            (true, _) => ": the cut's effects are of those cuts, compounding".into(),
        };
        format!(
            "Within the run's {weeks} weeks {} annual cut of {pct} is made {times} (at the start of {plural} {weeks_at}){effects}.",
            whose.to_lowercase()
        )
    })
}

fn what_was_run(runs: &[Compared], replicates: usize) -> String {
    let reference = &runs[0];
    let s = &reference.scenario;
    let version = if reference.run.version.is_empty() {
        env!("CARGO_PKG_VERSION")
    } else {
        &reference.run.version
    };
    let mut rows = vec![
        (
            "Scenarios",
            runs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
        ),
        ("Reference", reference.name.clone()),
        ("Replicates (each scenario)", replicates.to_string()),
        ("Base seed (shared)", s.simulation.seed.to_string()),
        ("Weeks simulated", s.simulation.weeks.to_string()),
    ];
    rows.push((
        "Intervals",
        crate::scenario::uncertain::intervals_label(s.simulation.uncertainty, reference.run.drew_nothing()).to_string(),
    ));
    rows.push(("lwsim version", version.to_string()));
    let mut h = String::from("<h2>What was run</h2>\n<table class=\"what\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    }
    h.push_str("</table>\n");
    h
}

/// The charts' figures of scenario `run` from a table (effects.csv or headline.csv), in the
/// order [`compared`] gives; a figure the table lacks is 0.
fn figures(table: &Table<impl Row>, run: &Compared) -> Vec<Figure> {
    compared(crate::summary::months(run.scenario.simulation.weeks))
        .iter()
        .map(|(measure, label)| {
            let (mean, p05, p95) = table.get(&run.name, measure).map_or((0.0, 0.0, 0.0), Row::spread);
            let v = |x: f64| if x.is_nan() { 0.0 } else { x };
            Figure {
                label,
                mean: v(mean),
                p05: v(p05),
                p95: v(p95),
            }
        })
        .collect()
}

/// The effect chart's figures from effects.csv (when the run's effects.svg is gone).
fn effect_figures(effects: &Table<EffectRow>, others: &[Compared]) -> Vec<(String, usize, Vec<Figure>)> {
    others
        .iter()
        .map(|o| (o.name.clone(), o.monthly.colour, figures(effects, o)))
        .collect()
}

/// The headline chart's figures from headline.csv (when the run's headline.svg is gone).
fn headline_figures(headline: &Table<ComparisonRow>, runs: &[Compared]) -> Vec<(String, Vec<Figure>)> {
    runs.iter().map(|r| (r.name.clone(), figures(headline, r))).collect()
}

/// Most scenario columns in one table: more are split over several tables, so that a page of
/// eight scenarios (and national costs in billions) stays within the page's width.
const MAX_COLUMNS: usize = 4;

/// `items` in as few tables as hold at most [`MAX_COLUMNS`] each, of near-equal size.
fn balanced<T>(items: &[T]) -> std::slice::Chunks<'_, T> {
    let tables = items.len().div_ceil(MAX_COLUMNS).max(1);
    items.chunks(items.len().div_ceil(tables).max(1))
}

/// Every headline figure: the reference's value, then each scenario's effect.
fn effects_table(
    headline: &Table<ComparisonRow>,
    effects: &Table<EffectRow>,
    reference: &Compared,
    others: &[Compared],
    n: usize,
) -> String {
    let mut h = String::new();
    for others in balanced(others) {
        h.push_str("<table class=\"wide\">\n<tr><th>Figure</th>");
        let _ = write!(h, "<th>{}<br>(reference)</th>", escape(&reference.name));
        for o in others {
            let _ = write!(h, "<th>Effect of<br>{}</th>", escape(&o.name));
        }
        h.push_str("</tr>\n");
        for figure in REPORTED {
            let (measure, label, unit) = (figure.name, figure.label, figure.unit);
            // A figure named for a month the run does not reach is absent: no row.
            let Some(base) = headline.get(&reference.name, measure) else {
                continue;
            };
            let _ = write!(
                h,
                "<tr><td>{}</td>{}",
                escape(label),
                cell(Some(base), n, |x| format_value(x, unit))
            );
            for o in others {
                h.push_str(&effect_cell(effects.get(&o.name, measure), n, unit));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h
}

fn headline_table(headline: &Table<ComparisonRow>, runs: &[Compared], n: usize) -> String {
    let mut h = String::new();
    for runs in balanced(runs) {
        h.push_str("<table class=\"wide\">\n<tr><th>Figure</th>");
        for r in runs {
            let _ = write!(h, "<th>{}</th>", escape(&r.name));
        }
        h.push_str("</tr>\n");
        for figure in REPORTED {
            let (measure, label, unit) = (figure.name, figure.label, figure.unit);
            if runs.iter().all(|r| headline.get(&r.name, measure).is_none()) {
                continue;
            }
            let _ = write!(h, "<tr><td>{}</td>", escape(label));
            for r in runs {
                h.push_str(&cell(headline.get(&r.name, measure), n, |x| format_value(x, unit)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h
}

/// Each scenario's stages chart, two to a row, and the stages at the last month in a table.
fn stages(runs: &[Compared]) -> Result<String, Error> {
    let mut h = String::from(
        "<h2>Stages of integration</h2>\n<p class=\"note\">Share of practices at each stage of integration (Tierney et al. 2025) by month, mean across replicates.</p>\n<table>\n<tr><th>Scenario</th><th>Month</th><th>Bolted on</th><th>Fitting in</th><th>Belonging</th></tr>\n",
    );
    for r in runs {
        let series: Vec<charts::Series> = charts::STAGES.iter().map(|m| r.monthly.series(*m)).collect();
        let practices: f64 = series.iter().filter_map(|s| s.mean.first()).sum();
        let last = series[0].month.len().checked_sub(1);
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td>",
            escape(&r.name),
            last.map_or("-".into(), |i| format!("{:.0}", series[0].month[i]))
        );
        for s in &series {
            let v = last.and_then(|i| s.mean.get(i)).filter(|_| practices > 0.0);
            let _ = write!(
                h,
                "<td class=\"n\">{}</td>",
                v.map_or("-".into(), |v| format_value(v / practices, Unit::Percent))
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<div class=\"grid\">\n");
    for r in runs {
        let svg = chart_svg(&r.dir, output::STAGES_CHART, || charts::stages(&r.monthly))?;
        let _ = writeln!(h, "<figure>{svg}</figure>");
    }
    h.push_str("</div>\n");
    Ok(h)
}

/// A command on several lines for a POSIX shell (each line but the last ends in ` \`): `lwsim
/// run`, one scenario file a line, then the options; so that it prints without breaking a path.
fn command_lines(files: &[String], options: &[String]) -> String {
    let mut lines = vec!["lwsim run".to_string()];
    lines.extend(files.iter().map(|f| crate::human::shell_quote(f)));
    lines.push(crate::human::shell_command(options));
    lines.join(" \\\n    ")
}

/// How to run it again: from the resolved scenarios, with the seed and replicates, and the
/// original command.
fn reproduce(root: &Path, runs: &[Compared]) -> String {
    let s = &runs[0].scenario;
    let options: Vec<String> = [
        "--seed",
        &s.simulation.seed.to_string(),
        "--replicates",
        &s.simulation.replicates.to_string(),
        "--uncertainty",
        s.simulation.uncertainty.name(),
        "--report",
        "--out",
        "NEW_DIRECTORY",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let resolved: Vec<String> = runs
        .iter()
        .map(|r| root.join(&r.name).join("scenario.resolved.toml").display().to_string())
        .collect();
    let mut h = String::from("<h2>How to reproduce it</h2>\n");
    let _ = writeln!(
        h,
        "<p>Every parameter of every scenario is in its resolved scenario; this runs them again, the reference first, and gives the same results, byte for byte:</p>\n<pre>{}</pre>",
        escape(&command_lines(&resolved, &options))
    );
    let files: Vec<String> = runs
        .iter()
        .filter(|r| !r.run.scenario_file.is_empty())
        .map(|r| r.run.scenario_file.clone())
        .collect();
    if files.len() == runs.len() {
        let _ = writeln!(
            h,
            "<p>From the scenario files, in the folder it was run from (with any <code>--set</code> of the original command):</p>\n<pre>{}</pre>",
            escape(&command_lines(&files, &options))
        );
    }
    if !runs[0].run.command.is_empty() {
        let words: Vec<&str> = runs[0].run.command.iter().map(String::as_str).collect();
        let _ = writeln!(
            h,
            "<p>The original command was:</p>\n<pre>{}</pre>",
            escape(&crate::human::shell_command(&words))
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_are_signed_and_zero_is_exact() {
        assert_eq!(format_effect(0.0, Unit::Percent), "0");
        assert_eq!(format_effect(-0.0, Unit::Pounds), "0");
        assert_eq!(format_effect(-0.00912, Unit::Percent), "-0.9\u{a0}pts");
        assert_eq!(format_effect(0.0002, Unit::Percent), "+0.020\u{a0}pts");
        assert_eq!(format_effect(-294_010.4, Unit::Pounds), "-£294,010");
        assert_eq!(format_effect(1.254, Unit::Number), "+1.25");
        assert_eq!(format_effect(-0.00123, Unit::Number), "-0.0012");
    }

    #[test]
    fn a_mean_effect_and_its_interval_show_the_places_the_interval_warrants() {
        // Half-widths: 0.26 points, 0.047 points, GBP 1,389, GBP 0.33, 0.0011.
        assert_eq!(places_for(0.0026, Unit::Percent), 1);
        assert_eq!(places_for(0.00047, Unit::Percent), 2);
        assert_eq!(places_for(1389.0, Unit::Pounds), 0);
        assert_eq!(places_for(0.33, Unit::Pounds), 1);
        assert_eq!(places_for(0.0011, Unit::Number), 3);
        assert_eq!(places_for(5.0, Unit::Number), 1, "at least one place");
        assert_eq!(places_for(1e-9, Unit::Number), 4, "at most four");
        assert_eq!(format_effect_at(-0.009_541_9, Unit::Percent, 2), "-0.95\u{a0}pts");
        assert_eq!(format_effect_at(-294_069.4, Unit::Pounds, 0), "-£294,069");
        assert_eq!(format_effect_at(1234.56, Unit::Pounds, 1), "+£1,234.6");
        assert_eq!(format_effect_at(-0.018_24, Unit::Number, 3), "-0.018");
        assert_eq!(format_effect_at(0.0, Unit::Number, 3), "0");
        // Not zero, so never shown as zero: +GBP 0.12 at no places is +GBP 0.1, not +GBP 0.
        assert_eq!(format_effect_at(0.12, Unit::Pounds, 0), "+£0.1");
        assert_eq!(format_effect_at(0.000_37, Unit::Number, 3), "+0.0004");
        // Rounding noise is not shown as a signed zero.
        assert_eq!(format_effect_at(9.5e-15, Unit::Number, 3), "~0");
    }

    #[test]
    fn columns_are_split_into_balanced_tables() {
        let sizes = |n: usize| balanced(&vec![0; n]).map(<[_]>::len).collect::<Vec<_>>();
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(4), [4]);
        assert_eq!(sizes(5), [3, 2]);
        assert_eq!(sizes(7), [4, 3]);
        assert_eq!(sizes(8), [4, 4]);
    }

    #[test]
    fn the_folder_beside_a_comparison() {
        assert_eq!(beside(Path::new("output/comparison")), PathBuf::from("output"));
        assert_eq!(beside(Path::new("comparison")), PathBuf::from(""));
        assert_eq!(beside(Path::new(".")), PathBuf::from("./.."));
    }
}
