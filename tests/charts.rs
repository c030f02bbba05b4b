//! Charts and the report: valid PNG and SVG with text in them, the same bytes every run, and a
//! report that renders in a real browser.

use crate::util::*;
use std::path::Path;

fn assert_chart(dir: &Path, name: &str, title: &str) {
    let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
    let (w, h) = png_size(&png);
    assert!(w >= 1200 && h >= 800, "{name}.png is {w}x{h}");
    // A chart with text drawn is far from uniform: many distinct colours and a sizeable file.
    assert!(png.len() > 20_000, "{name}.png is nearly empty");
    let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
    assert!(
        svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{name}.svg is not an SVG"
    );
    assert!(
        svg.contains("<text") && svg.contains(title),
        "{name}.svg lacks its title {title:?}"
    );
}

fn run(dir: &Path, threads: &str) {
    let (a, b) = (scenario("deep-end-baseline.toml"), scenario("austerity.toml"));
    let out = lwsim(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--replicates",
        "6",
        "--threads",
        threads,
        "--report",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn every_chart_is_a_legible_png_and_an_svg_with_text_and_the_bytes_repeat() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run(&one, "1");
    run(&two, "2");
    for scenario in ["deep-end-baseline", "austerity"] {
        let dir = one.join(scenario);
        assert_chart(
            &dir,
            "integration",
            &format!("Practices fully integrated: {scenario} (6 replicates)"),
        );
        assert_chart(&dir, "stages", "Stage of integration");
        assert_chart(&dir, "capacity", "Link workers: posts vacant (of 7)");
        // Every panel names its unit; no tick label of a count reads like 50.0.
        let svg = std::fs::read_to_string(dir.join("capacity.svg")).unwrap();
        for needle in [
            ">\npatients per post\n<",
            ">\npatients\n<",
            ">\n% of link-worker posts\n<",
            ">\nplaces\n<",
            ">\n% of organisations\n<",
            "Community organisations: closed (of 42)",
            "How to read these panels",
        ] {
            assert!(svg.contains(needle), "{scenario}/capacity.svg lacks {needle:?}");
        }
        for text in svg.split("</text>") {
            let label = text.rsplit('>').next().unwrap_or("").trim();
            let number = !label.is_empty() && label.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
            assert!(
                !(number && label.ends_with(".0")),
                "{scenario}/capacity.svg has a tick {label:?}"
            );
        }
        // (report.html names its directory and command line, so it differs; its charts must not.)
        for chart in [
            "integration.png",
            "integration.svg",
            "stages.png",
            "stages.svg",
            "capacity.png",
            "capacity.svg",
        ] {
            let same =
                std::fs::read(dir.join(chart)).unwrap() == std::fs::read(two.join(scenario).join(chart)).unwrap();
            assert!(same, "{scenario}/{chart} differs by thread count");
        }
    }
    let comparison = one.join("comparison");
    assert_chart(
        &comparison,
        "integration",
        "2 scenarios, each against deep-end-baseline",
    );
    assert_chart(&comparison, "headline", "referred patients connected");
    let svg = std::fs::read_to_string(comparison.join("integration.svg")).unwrap();
    assert!(
        svg.contains("deep-end-baseline (6 replicates)") && svg.contains("austerity (6 replicates)"),
        "legend"
    );
}

#[test]
fn the_report_is_self_contained_and_says_what_was_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let base = scenario("deep-end-baseline.toml").display().to_string();
    assert!(
        lwsim(&["run", &base, "--replicates", "4", "--out", dir.to_str().unwrap()])
            .status
            .success()
    );
    let out = lwsim(&["report", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for needle in [
        "lwsim report: deep-end-baseline",
        "Seven Deep End practices",
        "<th>Replicates</th><td>4</td>",
        "<th>Base seed</th><td>2014</td>",
        "Practices fully integrated (&#39;belonging&#39;) at the end",
        "scenario.resolved.toml --out NEW_DIRECTORY",
        "[link_workers]",
        "@font-face",
        "Costs are illustrative: the NHS side uses the ARRS salary cap",
    ] {
        assert!(
            html.contains(needle) || html.contains(&needle.replace("&#39;", "'")),
            "report lacks {needle:?}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 3, "three inline charts");
    assert_eq!(
        html.matches("<tr><td class=\"n\">").count(),
        25,
        "a row per month 0..24"
    );
    for remote in ["http://", "https://", "src=\"//"] {
        let outside_svg_namespace = html
            .replace("http://www.w3.org/2000/svg", "")
            .replace("http://www.w3.org/1999/xlink", "");
        assert!(!outside_svg_namespace.contains(remote), "report loads {remote}");
    }
}

#[test]
fn report_refuses_a_directory_without_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = lwsim(&["report", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a results directory of `lwsim run`: no summary.json"),
        "{}",
        stderr(&out)
    );
    // A folder that does not exist, and a sweep's, are named as such (both said "no
    // summary.json": fresh-user findings).
    let missing = tmp.path().join("nowhere");
    let out = lwsim(&["report", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere: no such directory"), "{}", stderr(&out));
    let sweep = tmp.path().join("sweep");
    std::fs::create_dir(&sweep).unwrap();
    std::fs::write(sweep.join("sweep.json"), "{}").unwrap();
    let out = lwsim(&["report", sweep.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("it holds a sweep, which has no page"),
        "{}",
        stderr(&out)
    );
}

/// Headless Chromium (Debian's package; .ci/run installs it) renders the report: a screenshot of
/// real size and no console messages. Skipped with a notice where Chromium is absent, except in
/// CI, where its absence fails the test.
#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let base = scenario("deep-end-baseline.toml").display().to_string();
    assert!(
        lwsim(&[
            "run",
            &base,
            "--replicates",
            "4",
            "--report",
            "--out",
            dir.to_str().unwrap()
        ])
        .status
        .success()
    );
    let shot = tmp.path().join("shot.png");
    let out = std::process::Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg("--window-size=1200,3000")
        .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", dir.join("report.html").display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(png_size(&png), (1200, 3000));
    assert!(png.len() > 100_000, "screenshot nearly blank: {} bytes", png.len());
    let log = stderr(&out);
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
}

/// The `scenario, measure, mean, p05, p95` of a comparison CSV's row.
fn comparison_row(csv: &str, scenario: &str, measure: &str) -> (f64, f64, f64) {
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{scenario},{measure},")))
        .unwrap_or_else(|| panic!("no row {scenario},{measure}"));
    let v: Vec<f64> = line.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
    (v[0], v[1], v[2])
}

/// The table row of the page whose first cell is `label`.
fn page_row<'a>(html: &'a str, label: &str) -> &'a str {
    let start = html
        .find(&format!("<tr><td>{label}</td>"))
        .unwrap_or_else(|| panic!("no row {label:?}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

/// Issue 12, item 4: `run A B --report` writes comparison/report.html, which names what differs
/// from the reference, shows effects.csv's numbers with their units, warns about few replicates,
/// loads nothing, says how to reproduce it; `lwsim report DIR/comparison` writes it again (and
/// refuses to overwrite without -f); a missing file or scenario folder is exit 2.
#[test]
fn the_comparison_page_says_what_differs_and_shows_the_effects() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let (a, b) = (scenario("deep-end-baseline.toml"), scenario("austerity.toml"));
    let out = lwsim(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--replicates",
        "5",
        "--report",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["deep-end-baseline", "austerity"] {
        assert!(dir.join(name).join("report.html").is_file(), "{name}'s own page");
    }
    let comparison = dir.join("comparison");
    let html = std::fs::read_to_string(comparison.join("report.html")).expect("the comparison page");
    // austerity.toml extends the baseline and sets one key.
    assert!(
        html.contains("differs from deep-end-baseline in 1 key:"),
        "one key differs"
    );
    assert!(
        html.contains("<code>funding.annual_cut</code>: 0.0 → 0.1 (share 0..1)"),
        "the key with both values and its unit"
    );
    // An effects row with effects.csv's numbers: the share connected, in percentage points.
    let effects = std::fs::read_to_string(comparison.join("effects.csv")).unwrap();
    let (mean, p05, p95) = comparison_row(&effects, "austerity", "share_connected");
    let pts = |x: f64| {
        if x == 0.0 {
            "0".to_string()
        } else if (100.0 * x).abs() >= 0.05 {
            format!("{:+.1}\u{a0}pts", 100.0 * x)
        } else {
            format!("{:+.3}\u{a0}pts", 100.0 * x)
        }
    };
    let row = page_row(&html, "Referred patients connected to a community organisation");
    // The mean, its 90% confidence interval (effects.csv's last two columns) in brackets, then
    // the 90% range of the paired differences.
    let line = effects
        .lines()
        .find(|l| l.starts_with("austerity,share_connected,"))
        .unwrap();
    let v: Vec<f64> = line.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
    let (mean_lo, mean_hi) = (v[4], v[5]);
    // A range with its unit once: `-2.0 to +0.1 pts`.
    let range = |lo: f64, hi: f64| {
        let (lo, hi) = (pts(lo), pts(hi));
        let lo = match lo.strip_suffix("\u{a0}pts") {
            Some(bare) if hi.ends_with("\u{a0}pts") => bare.to_string(),
            _ => lo,
        };
        format!("<span>{lo}</span> to <span>{hi}</span>")
    };
    assert!(mean_lo <= mean && mean <= mean_hi, "{line}");
    // The effect's cell: `<strong>MEAN</strong><span class="c">(<span>LO</span> to
    // <span>HI</span>)</span><span class="i">SPREAD</span>`, the mean and its interval to the
    // places the interval's width warrants: each shown number within half a unit of its last
    // digit of effects.csv's, and the two ends distinct.
    let effect_cell = row.rsplit("<td class=\"n\">").next().unwrap();
    let between = |from: &str, to: &str| -> String {
        let i = effect_cell
            .find(from)
            .unwrap_or_else(|| panic!("no {from:?} in {effect_cell}"))
            + from.len();
        effect_cell[i..i + effect_cell[i..].find(to).unwrap()].to_string()
    };
    let close_to = |shown: &str, want: f64| {
        let digits = shown.trim_end_matches("\u{a0}pts").trim_start_matches('+');
        let places = digits.split_once('.').map_or(0, |(_, f)| f.len());
        let got: f64 = digits.parse().unwrap_or_else(|_| panic!("{shown:?} is not a number"));
        assert!(
            (got - 100.0 * want).abs() <= 0.5 * 10f64.powi(-(places as i32)) + 1e-9,
            "{shown} shows {want} (in points) in {effect_cell}"
        );
    };
    close_to(&between("<strong>", "</strong>"), mean);
    let ci = between("<span class=\"c\">(", ")</span>");
    let (lo, hi) = ci.split_once(" to ").unwrap();
    let (lo, hi) = (
        lo.trim_start_matches("<span>").trim_end_matches("</span>"),
        hi.trim_start_matches("<span>").trim_end_matches("</span>"),
    );
    close_to(lo, mean_lo);
    close_to(hi, mean_hi);
    assert_ne!(lo, hi.trim_end_matches("\u{a0}pts"), "{effect_cell}");
    assert!(
        effect_cell.contains(&format!("<span class=\"i\">{}</span>", range(p05, p95))),
        "the 90% range of austerity's effect on share_connected ({p05}, {p95}) not in {effect_cell}"
    );
    // ... beside the reference's own value, from headline.csv.
    let headline = std::fs::read_to_string(comparison.join("headline.csv")).unwrap();
    let (base, _, _) = comparison_row(&headline, "deep-end-baseline", "share_connected");
    assert!(row.contains(&format!("<strong>{:.1}%</strong>", 100.0 * base)), "{row}");
    // Costs in pounds, signed.
    let (cost, _, _) = comparison_row(&effects, "austerity", "cost_community");
    assert!(cost < 0.0, "a cut lowers community cost");
    let row = page_row(
        &html,
        "Community cost over the run (organisations' funding, per-referral payments)",
    );
    assert!(row.contains("<strong>-£"), "{row}");
    // ... and the note that says this fall is the cut itself, not a saving (fresh-user finding).
    assert!(
        html.contains(
            "that fall is the cut itself (and the organisations that close), not a saving or an efficiency the programme makes"
        ),
        "the cost note"
    );
    assert!(html.contains("Intervals unreliable:</strong> only 5 replicates"));
    assert!(html.contains("With so few pairs the confidence intervals of the means are rough too"));
    assert_eq!(
        html.matches("<svg").count(),
        5,
        "effects, integration, two stages, headline"
    );
    for remote in ["http://", "https://", "src=\"//", "href=\"//"] {
        let outside_svg_namespace = html
            .replace("http://www.w3.org/2000/svg", "")
            .replace("http://www.w3.org/1999/xlink", "");
        assert!(!outside_svg_namespace.contains(remote), "the page loads {remote}");
    }
    assert!(html.contains("@font-face"));
    let resolved = |name: &str| dir.join(name).join("scenario.resolved.toml").display().to_string();
    assert!(
        html.contains(&format!(
            "lwsim run \\\n    {} \\\n    {} \\\n    --seed 2014 --replicates 5 --uncertainty chance --report --out NEW_DIRECTORY</pre>",
            resolved("deep-end-baseline"),
            resolved("austerity")
        )),
        "the reproducing command"
    );

    // `lwsim report` on the comparison: refuses to overwrite, then writes the same page.
    let c = comparison.to_str().unwrap();
    let refused = lwsim(&["report", c]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("report.html: exists; use --force"),
        "{}",
        stderr(&refused)
    );
    std::fs::remove_file(comparison.join("report.html")).unwrap();
    let again = lwsim(&["report", c]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(comparison.join("report.html")).unwrap(), html);
    assert!(lwsim(&["report", "-f", "-q", c]).status.success());

    // It renders in a real browser without console messages (where Chromium is installed).
    if let Some(chromium) = chromium() {
        let shot = tmp.path().join("shot.png");
        let out = std::process::Command::new(chromium)
            .args(CHROMIUM_FLAGS)
            .arg("--window-size=1200,3000")
            .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", comparison.join("report.html").display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            std::fs::read(&shot).expect("a screenshot").len() > 100_000,
            "screenshot nearly blank"
        );
        assert!(
            !stderr(&out).contains(":CONSOLE"),
            "console messages:\n{}",
            stderr(&out)
        );
    }

    // Bad input: exit 2 with what is missing, never a panic.
    let o = lwsim(&["report", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "for the comparison's page: lwsim report {}",
            comparison.display()
        )),
        "{}",
        stderr(&o)
    );
    std::fs::rename(dir.join("austerity"), tmp.path().join("away")).unwrap();
    let o = lwsim(&["report", "-f", c]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}: no such folder", dir.join("austerity").display())),
        "{}",
        stderr(&o)
    );
    std::fs::rename(tmp.path().join("away"), dir.join("austerity")).unwrap();
    std::fs::remove_file(comparison.join("effects.csv")).unwrap();
    let o = lwsim(&["report", "-f", c]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a comparison of `lwsim run`: no effects.csv"),
        "{}",
        stderr(&o)
    );
    // A file that is not effects.csv (no header): refused, not a page of dashes.
    std::fs::write(comparison.join("effects.csv"), "garbage,,\n").unwrap();
    let o = lwsim(&["report", "-f", c]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("expected the header `scenario,measure,mean,p05,p95,se,mean_lo,mean_hi`"),
        "{}",
        stderr(&o)
    );
}

/// `lwsim run` of the Deep End baseline against austerity, 20 replicates, `--detail 0`, into
/// `dir`, with `extra` arguments; it must succeed. Its output, for stderr.
fn austerity_against_baseline(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let (base, cut) = (scenario("deep-end-baseline.toml"), scenario("austerity.toml"));
    let mut args = vec![
        "run",
        base.to_str().unwrap(),
        cut.to_str().unwrap(),
        "-r",
        "20",
        "--detail",
        "0",
        "-q",
    ];
    args.extend_from_slice(extra);
    args.extend(["--out", dir.to_str().unwrap()]);
    let o = lwsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// A scenario folder replaced since the comparison ran (another horizon) is refused; a long run's
/// comparison charts show integration at 60 months and at the end, where a cut from year 3 acts.
#[test]
fn the_comparison_page_refuses_a_replaced_scenario_and_long_runs_chart_their_horizon() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let cut = scenario("austerity.toml");
    austerity_against_baseline(
        &dir,
        &["--set", "simulation.weeks=312", "--set", "funding.cut_first_year=3"],
    );
    let svg = std::fs::read_to_string(dir.join("comparison/effects.svg")).unwrap();
    for label in [
        "fully integrated at 24 months",
        "fully integrated at 60 months",
        "fully integrated at the run",
    ] {
        assert!(svg.contains(label), "effects.svg lacks {label}");
    }
    let headline = std::fs::read_to_string(dir.join("comparison/headline.svg")).unwrap();
    assert!(headline.contains("fully integrated at 60 months"));
    // Replace austerity's folder with a run of another horizon.
    let o = lwsim(&[
        "run",
        cut.to_str().unwrap(),
        "-r",
        "20",
        "--detail",
        "0",
        "-q",
        "-f",
        "--out",
        dir.join("austerity").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = lwsim(&["report", dir.join("comparison").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`austerity` was not run in this comparison"),
        "{}",
        stderr(&o)
    );
}

/// A run shorter than 24 months charts integration at its end, labelled so: before, the charts
/// said "at 24 months" over a figure the run does not have; and a cut that falls after the run
/// is said (before, every effect was 0 beside "differs in funding.annual_cut": fresh-user
/// findings).
#[test]
fn a_short_comparison_charts_integration_at_its_end() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let o = austerity_against_baseline(&dir, &["--set", "simulation.weeks=52", "--report"]);
    for chart in ["effects.svg", "headline.svg"] {
        let svg = std::fs::read_to_string(dir.join("comparison").join(chart)).unwrap();
        assert!(svg.contains("fully integrated at the run"), "{chart} lacks the end");
        assert!(!svg.contains("at 24 months"), "{chart} names month 24");
    }
    // Every effect is 0 here, so the axis is narrow: its ticks between whole points read to one
    // decimal (they read "-2 -2 -1 -0 0 +0 +1 +2 +2").
    let svg = std::fs::read_to_string(dir.join("comparison/effects.svg")).unwrap();
    let lines: Vec<&str> = svg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('<'))
        .collect();
    let ticks: Vec<&str> = ["-2", "-1.5", "-1", "-0.5", "0", "+0.5", "+1", "+1.5", "+2"].into();
    assert!(lines.windows(9).any(|w| w == ticks.as_slice()), "effects.svg's ticks");
    assert!(
        !lines.contains(&"-0") && !lines.contains(&"+0"),
        "effects.svg reads -0 or +0"
    );
    // Austerity's cut falls at week 53, after this run: said on stderr and on the page.
    assert!(
        stderr(&o).contains("austerity.toml: funding.annual_cut = 0.1 makes no cut within the run: the first falls at the start of programme year 2 (week 53), after the run's 52 weeks"),
        "{}",
        stderr(&o)
    );
    let page = std::fs::read_to_string(dir.join("comparison/report.html")).unwrap();
    assert!(
        page.contains("Its annual cut of 10% makes no cut within the run's 52 weeks (the first would fall at week 53): the cut has no effect here."),
        "the page does not say the cut falls outside the run"
    );
}

/// A scenario identical to the reference has every effect exactly 0, and the page says so.
#[test]
fn the_comparison_page_shows_zero_effects_for_an_identical_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml");
    let same = write(
        tmp.path(),
        "same.toml",
        &format!("name = \"same\"\nextends = {:?}\n", base.display().to_string()),
    );
    let dir = tmp.path().join("r");
    let out = lwsim(&[
        "run",
        base.to_str().unwrap(),
        same.to_str().unwrap(),
        "-r",
        "3",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let comparison = dir.join("comparison");
    let effects = std::fs::read_to_string(comparison.join("effects.csv")).unwrap();
    let rows: Vec<&str> = effects.lines().skip(1).collect();
    assert!(rows.len() >= 19, "{effects}");
    for r in &rows {
        let v: Vec<&str> = r.split(',').collect();
        assert_eq!(v[0], "same");
        assert!(v[2..].iter().all(|x| x.parse::<f64>() == Ok(0.0)), "not exactly 0: {r}");
    }
    // Without --report there is no page; `lwsim report` writes it.
    assert!(!comparison.join("report.html").exists());
    let o = lwsim(&["report", "-q", comparison.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(comparison.join("report.html")).unwrap();
    assert!(html.contains("Identical to deep-end-baseline in every key: its effects are exactly 0."));
    let zero = "<strong>0</strong><span class=\"c\">(the same in every pair)</span><span class=\"i\"><span>0</span> to <span>0</span></span>";
    let figures = html.matches("<tr><td>").count();
    // Every figure row of the effects table (the first table of figures) ends in an exact 0.
    let table = &html[html.find("(reference)</th>").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows = table.matches("<tr><td>").count();
    assert!(
        rows >= 18 && figures > rows,
        "{rows} rows (every figure but integration at 60 months)"
    );
    assert_eq!(table.matches(zero).count(), rows, "every effect exactly 0");
}
