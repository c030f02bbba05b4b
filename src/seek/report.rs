//! `lwsim report DIR` on a seek directory: one self-contained page with the answer, the chart,
//! every evaluation, and how to reproduce it (the command quoted for a POSIX shell).

use std::fmt::Write as _;
use std::path::Path;

use super::{Row, SeekJson, reproduce_command, show_mean};
use crate::error::Error;
use crate::page::{chart_svg, escape, page_head};
use crate::scenario::load::read_text;

fn not_seek(dir: &Path, what: &str) -> Error {
    crate::page::not_a(dir, "a results directory of `lwsim seek`", what)
}

/// The report page of the seek results in `dir`, as one self-contained HTML string (the chart
/// inlined as SVG, nothing loaded from the network).
///
/// # Errors
///
/// seek.json or seek.csv missing or unreadable, or not those of `lwsim seek`; a chart that
/// cannot be drawn again when seek.svg is missing. scenario.resolved.toml and run.json are
/// optional.
pub fn build(dir: &Path) -> Result<String, Error> {
    let json: SeekJson = serde_json::from_str(&read_text(&dir.join(crate::output::names::SEEK_JSON))?)
        .map_err(|e| not_seek(dir, &format!("seek.json: {e}")))?;
    let rows: Vec<Row> = crate::output::read_rows(&dir.join(crate::output::names::SEEK_CSV))?;
    let resolved = read_text(&dir.join("scenario.resolved.toml")).unwrap_or_default();
    let run = crate::output::RunInfo::read(dir).unwrap_or_default();
    let show = |x: f64| json.show(x);

    let mut h = page_head(&format!("lwsim seek: {}", escape(&json.goal)));
    let _ = writeln!(
        h,
        "<h1>What would it take? {}</h1>\n<p>Scenario <b>{}</b>, turning <code>{}</code> over [{}, {}].</p>",
        escape(&json.goal),
        escape(&json.scenario),
        escape(&json.lever),
        show(json.min),
        show(json.max)
    );
    h.push_str("<h2>Answer</h2>\n");
    let _ = writeln!(
        h,
        "<p style=\"font-size: 1.3em\"><b>{}</b></p>",
        escape(&capitalise(&json.answer))
    );
    if json.value.is_some() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The value is where the mean of {} across replicates crosses {}. The interval holds the lever values at which the mean is not significantly different from the goal (a two-sided t-test at {:.0}%): it holds the true crossing in {:.0}% of searches. {}</p>",
            escape(&json.measure),
            json.target,
            100.0 * json.confidence,
            100.0 * json.confidence,
            if !json.uncertainty.is_chance() {
                "Each replicate also drew the model's uncertain constants (--uncertainty full), so it describes chance and what is not known about those constants."
            } else {
                "It describes chance in the model's runs, not uncertainty in its assumptions (run with simulation.uncertainty = \"full\" to include it)."
            }
        );
    }
    for note in &json.notes {
        let _ = writeln!(h, "<p class=\"note\">Note: {}.</p>", escape(note));
    }

    let svg = chart_svg(dir, crate::output::names::SEEK_CHART, || {
        super::chart::draw(&json, &rows)
    })?;
    let _ = writeln!(
        h,
        "<figure>{svg}<figcaption>The mean of {} at each lever value evaluated, with its {:.0}% confidence interval; the dashed line is the goal, the green line and band the answer and its interval.</figcaption></figure>",
        escape(&json.measure),
        100.0 * json.confidence
    );

    h.push_str("<h2>The search</h2>\n<table>\n");
    let rows_table = [
        ("Scenario", json.scenario.clone()),
        ("Lever", json.lever.clone()),
        ("Goal (on the mean)", json.goal.clone()),
        ("Range searched", format!("{} to {}", show(json.min), show(json.max))),
        ("Searched from", format!("the {} end", json.from)),
        ("Confidence", format!("{:.0}%", 100.0 * json.confidence)),
        (
            "Replicates",
            format!(
                "{} at each value near the crossing, {} in the scan",
                json.replicates, json.scan_replicates
            ),
        ),
        (
            "Evaluations",
            format!(
                "{} lever values, {} replicates run",
                json.evaluations, json.replicate_runs
            ),
        ),
        ("Changes of status along the scan", json.crossings.to_string()),
        ("Base seed", json.seed.to_string()),
        ("Method", json.method.clone()),
    ];
    for (k, v) in rows_table {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    }
    h.push_str("</table>\n");

    h.push_str("<h2>Every evaluation</h2>\n<table>\n<tr><th>Lever value</th><th>Mean</th><th>SD</th><th>Replicates</th><th>Goal met</th></tr>\n");
    for r in &rows {
        let met = if !r.mean.is_finite() {
            "-"
        } else if (json.op == ">=" && r.mean >= json.target) || (json.op == "<=" && r.mean <= json.target) {
            "yes"
        } else {
            "no"
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{met}</td></tr>",
            // Bisection midpoints to 10 significant digits: 0.70625, not 0.7062499999999999.
            crate::calibrate::round_sig(r.value, 10),
            show_mean(r.mean),
            show_mean(r.sd),
            r.replicates
        );
    }
    h.push_str("</table>\n");

    h.push_str("<h2>How to reproduce it</h2>\n");
    let _ = writeln!(
        h,
        "<p>The scenario as run is below and in <code>scenario.resolved.toml</code>; this command repeats the search and gives the same seek.json and seek.csv, byte for byte:</p>\n<pre>{}</pre>",
        escape(&reproduce_command(dir, &json))
    );
    if let Some((_, args)) = run.command.split_first() {
        // The program as `lwsim`, whatever path it was run by.
        let words: Vec<&str> = std::iter::once("lwsim")
            .chain(args.iter().map(String::as_str))
            .collect();
        let _ = writeln!(
            h,
            "<p>The original command was:</p>\n<pre>{}</pre>",
            escape(&crate::human::shell_command(&words))
        );
    }
    let _ = writeln!(h, "<h2>Resolved scenario</h2>\n<pre>{}</pre>", escape(&resolved));
    h.push_str(
        "<p class=\"note\">The method is described in docs/SEEK.md of lwsim, the model in docs/ODD.md, every parameter's source in docs/SCENARIOS.md.</p>\n</body></html>\n",
    );
    Ok(h)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}
