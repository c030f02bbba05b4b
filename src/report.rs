//! `lwsim report DIR`: one self-contained HTML page from a results directory. The charts are
//! drawn again from monthly.csv as inline SVG, the font is embedded, nothing is loaded from the
//! network, and the page prints cleanly to PDF.

use std::fmt::Write as _;
use std::path::Path;

use crate::charts;
use crate::error::Error;
use crate::output::{Batch, RunFolder};
use crate::page::{chart_svg, escape, page_head};

mod compare;

pub(crate) use crate::summary::Unit;
use crate::summary::{HEADLINES, HeadlineFigure, figure};

/// The headline figures in the order the reports tabulate them (the scenario page and the
/// comparison page); each figure's label and unit are its declaration's ([`crate::summary::FIGURES`]).
/// A name here that is not a figure's fails the build; a test checks that every figure is here once.
pub(crate) const REPORTED: [HeadlineFigure; HEADLINES] = [
    figure("integration_rate_24m"),
    figure("integration_rate_60m"),
    figure("integration_rate_end"),
    figure("referrals_per_lw_per_year"),
    figure("supported_per_lw_per_year"),
    figure("share_connected"),
    figure("share_not_engaged"),
    figure("share_dropped_out"),
    figure("dropout_of_engaged"),
    figure("contacts_per_completed"),
    figure("share_unmet_need"),
    figure("share_3plus_contacts"),
    figure("lw_turnover_per_year"),
    figure("org_closed"),
    figure("wellbeing_connected"),
    figure("wellbeing_rest"),
    figure("waiting_per_lw"),
    figure("cost_nhs"),
    figure("cost_community"),
    figure("cost_total"),
    figure("cost_per_supported"),
    figure("cost_per_connected"),
    figure("cost_community_per_connected"),
];

/// A figure as people read it: `42.9%`, `£1,234,567`, `4.26`.
pub(crate) fn format_value(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{:.1}%", 100.0 * x),
        Unit::Number if x.abs() >= 100.0 => format!("{x:.0}"),
        Unit::Number => format!("{x:.2}"),
        Unit::Pounds => {
            let whole = format!("{:.0}", x.abs());
            let mut grouped = String::new();
            for (i, c) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            format!("{}£{grouped}", if x < 0.0 { "-" } else { "" })
        }
    }
}

fn not_results(dir: &Path, what: &str) -> Error {
    crate::page::not_a(dir, "a results directory of `lwsim run`", what)
}

/// The warning above a table of intervals from few replicates (issue 12): fewer than 20 make the
/// 90% range unreliable; one has no range at all. Empty from 20 replicates on.
pub(crate) fn small_sample_warning(replicates: usize) -> String {
    if replicates == 1 {
        "<p class=\"warning\"><strong>One replicate: no interval.</strong> Each figure is that single run's value; run 20 or more replicates for intervals.</p>\n".into()
    } else if replicates < 20 {
        format!(
            "<p class=\"warning\"><strong>Intervals unreliable:</strong> only {replicates} replicates; the 5th and 95th percentiles of fewer than 20 values are rough. Run 20 or more (1,000 by default).</p>\n"
        )
    } else {
        String::new()
    }
}

/// The note under a table with costs: what the cost figures are and are not (docs/VALIDATION.md,
/// "Wellbeing and costs are illustrative"), so that a cut's fall in community cost is not read as
/// the programme's saving.
pub(crate) const COST_NOTE: &str = "<p class=\"note\">Costs are illustrative: the NHS side uses the ARRS salary cap and assumed support and development costs; the community side is every open organisation's funding, not the programme's share of it. A funding cut lowers the community cost, and with it the total cost and the community cost per patient connected: that fall is the cut itself (and the organisations that close), not a saving or an efficiency the programme makes, and its price is in the other figures (lwsim's docs/VALIDATION.md, \"What the model cannot claim\").</p>\n";

/// An interval's text, or that there is none with one replicate.
pub(crate) fn interval(replicates: usize, text: impl FnOnce() -> String) -> String {
    if replicates == 1 {
        "none (one replicate)".to_string()
    } else {
        text()
    }
}

/// Build report.html for the results in `dir` and write it there.
///
/// # Errors
/// `Refused` (exit 2) when `dir/report.html` exists and `force` is false; `Input` when `dir`
/// holds neither the results of `lwsim run` (a scenario's folder or a comparison's) nor of
/// `lwsim seek`, or a comparison's files or the compared scenarios' folders beside it are
/// missing or malformed; `Io` when the page cannot be written.
pub fn write_report(dir: &Path, force: bool) -> Result<(), Error> {
    let page = dir.join(crate::output::REPORT);
    if !force && page.exists() {
        return Err(Error::Refused {
            path: page,
            message: "exists; use --force to overwrite it".into(),
        });
    }
    if !dir.is_dir() {
        return Err(crate::error::InputError::at(
            &dir.display().to_string(),
            None,
            "no such directory: give the folder `lwsim run`, a comparison or `lwsim seek` wrote".into(),
        )
        .into());
    }
    let html = if dir.join(crate::output::names::SEEK_JSON).is_file() {
        crate::seek::report::build(dir)?
    } else if crate::output::Kind::of(dir) == Some(crate::output::Kind::Sweep) {
        return Err(crate::page::not_a(
            dir,
            "a folder lwsim report makes a page of",
            "it holds a sweep, which has no page: its charts and CSVs are the results (docs/SWEEPS.md)",
        ));
    } else if crate::output::Kind::of(dir) == Some(crate::output::Kind::Comparison) {
        compare::build(dir)?
    } else {
        build(dir)?
    };
    let mut batch = Batch::default();
    batch.stage(page, html.as_bytes())?;
    batch.commit()
}

/// The scenario page of results directory `dir`, as a string of HTML.
///
/// # Errors
/// `dir` is not a results directory of `lwsim run` (no summary.json, or a file in it that is
/// not lwsim's), or a file in it cannot be read.
pub fn build(dir: &Path) -> Result<String, Error> {
    // A folder of several scenarios' results: say where the comparison's page is made.
    let comparison = dir.join("comparison");
    if !dir.join("summary.json").is_file()
        && crate::output::Kind::of(&comparison) == Some(crate::output::Kind::Comparison)
    {
        return Err(not_results(
            dir,
            &format!(
                "no summary.json; for the comparison's page: lwsim report {}",
                crate::human::shell_quote(&comparison.display().to_string())
            ),
        ));
    }
    let RunFolder {
        resolved,
        scenario,
        summary,
        run,
        monthly,
        ..
    } = RunFolder::read(dir, &|what| not_results(dir, what))?;
    let replicates = summary.replicates;

    let name = escape(&scenario.name);
    let mut h = page_head(&format!("lwsim: {name}"));
    let _ = write!(
        h,
        r#"<h1>lwsim report: {name}</h1>
<p>{desc}</p>
"#,
        desc = escape(&scenario.description)
    );

    h.push_str("<h2>What was run</h2>\n<table>\n");
    let version = if run.version.is_empty() {
        env!("CARGO_PKG_VERSION")
    } else {
        &run.version
    };
    let rows = [
        ("Scenario", scenario.name.clone()),
        ("Replicates", replicates.to_string()),
        ("Base seed", scenario.simulation.seed.to_string()),
        (
            "Intervals",
            crate::scenario::uncertain::intervals_label(scenario.simulation.uncertainty, run.drew_nothing())
                .to_string(),
        ),
        ("Weeks simulated", scenario.simulation.weeks.to_string()),
        ("Practices", scenario.practices.count.to_string()),
        ("lwsim version", version.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    }
    h.push_str("</table>\n");

    let _ = writeln!(
        h,
        "<h2>Headline figures</h2>\n<p class=\"note\">Mean across replicates, with the range that holds 90% of replicates (5th to 95th percentile). {}</p>",
        escape(crate::scenario::uncertain::interval_kind(
            scenario.simulation.uncertainty,
            run.drew_nothing()
        ))
    );
    h.push_str(&small_sample_warning(replicates));
    h.push_str("<table>\n<tr><th>Figure</th><th>Mean</th><th>90% interval</th></tr>\n");
    for figure in REPORTED {
        let (label, unit) = (figure.label, figure.unit);
        // A figure named for a month the run does not reach is absent: no row.
        let Some(f) = summary.figures.get(figure.name) else {
            continue;
        };
        let Some(crate::summary::Stats { mean, p05, p95, .. }) = *f else {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">-</td><td class=\"n\">-</td></tr>",
                escape(label)
            );
            continue;
        };
        let interval = interval(replicates, || {
            format!("{} to {}", format_value(p05, unit), format_value(p95, unit))
        });
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(label),
            format_value(mean, unit),
            interval
        );
    }
    h.push_str("</table>\n");
    h.push_str(COST_NOTE);

    h.push_str("<h2>Charts</h2>\n");
    for (name, draw, caption) in crate::output::CHARTS {
        let svg = chart_svg(dir, name, || draw(&monthly))?;
        let _ = writeln!(h, "<figure>{svg}<figcaption>{}</figcaption></figure>", escape(caption));
    }

    h.push_str("<h2>Integration rate by month</h2>\n<table>\n<tr><th>Month</th><th>Mean</th><th>5th percentile</th><th>95th percentile</th></tr>\n");
    let s = monthly.series(charts::INTEGRATION);
    for i in 0..s.month.len() {
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.1}%</td></tr>",
            s.month[i],
            100.0 * s.mean[i],
            100.0 * s.p05[i],
            100.0 * s.p95[i]
        );
    }
    h.push_str("</table>\n");

    let command = (!run.command.is_empty())
        .then(|| crate::human::shell_command(&run.command.iter().map(String::as_str).collect::<Vec<_>>()));
    h.push_str("<h2>How to reproduce it</h2>\n");
    let _ = writeln!(
        h,
        "<p>Every parameter is in the resolved scenario below; running it again gives the same results, byte for byte:</p>\n<pre>lwsim run {} --out NEW_DIRECTORY</pre>",
        escape(&crate::human::shell_quote(
            &dir.join("scenario.resolved.toml").display().to_string()
        ))
    );
    if let Some(c) = command {
        let _ = writeln!(h, "<p>The original command was:</p>\n<pre>{}</pre>", escape(&c));
    }
    let _ = writeln!(h, "<h2>Resolved scenario</h2>\n<pre>{}</pre>", escape(&resolved));
    let _ = writeln!(
        h,
        "<p class=\"note\">The model is described in docs/ODD.md of lwsim; every parameter's source is in docs/SCENARIOS.md. {}</p>\n</body></html>",
        escape(crate::scenario::uncertain::interval_kind(
            scenario.simulation.uncertainty,
            run.drew_nothing()
        ))
    );
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_formatted_for_people() {
        assert_eq!(format_value(0.4286, Unit::Percent), "42.9%");
        assert_eq!(format_value(1234567.4, Unit::Pounds), "£1,234,567");
        assert_eq!(format_value(812.0, Unit::Pounds), "£812");
        assert_eq!(format_value(4.256, Unit::Number), "4.26");
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn the_reports_show_every_headline_figure_once() {
        let mut shown: Vec<&str> = REPORTED.iter().map(|f| f.name).collect();
        shown.sort_unstable();
        let mut all = crate::summary::HEADLINE_NAMES.to_vec();
        all.sort_unstable();
        assert_eq!(shown, all);
    }
}
