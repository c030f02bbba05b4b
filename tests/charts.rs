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
