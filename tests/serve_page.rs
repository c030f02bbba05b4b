//! The explorer page in a real browser: headless Chromium (Debian's package) loads the page from
//! a server in this process, changes a lever through the page's own controls, presses Run, and
//! waits until the charts and the table show the comparison; then a 1280x800 screenshot. No
//! console message and no script error is allowed. Skipped with a notice where Chromium is
//! absent, except in CI (`CI` set), where its absence fails the test.
//!
//! The page drives itself from its query string (`?set=KEY=VALUE&replicates=N&run=1`, which sets
//! the lever's input and clicks Run as a user would), and `--virtual-time-budget` lets Chromium
//! wait for the answer before it dumps the DOM or takes the screenshot. Set
//! `LWSIM_SCREENSHOT_DIR` to keep the screenshots (docs/images/explorer.png comes from here).

use crate::serve::{post, start};
use crate::util::*;
use serde_json::json;
use std::path::Path;
use std::process::Command;

/// Chromium's output for `url` with `what` (`--dump-dom` or `--screenshot=...`): (stdout, stderr).
fn chromium_at(chromium: &str, profile: &Path, url: &str, what: &str) -> (String, String) {
    let out = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .args(["--window-size=1280,800", "--virtual-time-budget=60000", what])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out), stderr(&out))
}

fn assert_quiet(log: &str, dom: &str) {
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
    assert!(
        dom.contains("<pre id=\"console-errors\" hidden=\"\"></pre>"),
        "script errors in the page"
    );
}

#[test]
fn the_page_runs_a_change_in_headless_chromium_and_shows_the_comparison() {
    let Some(chromium) = chromium() else {
        return;
    };
    let addr = start();
    let tmp = tempfile::tempdir().unwrap();
    let base = format!("http://{addr}/");

    // Before a run: the levers hold the scenario's values, no chart yet.
    let (dom, log) = chromium_at(chromium, &tmp.path().join("p1"), &base, "--dump-dom");
    assert_quiet(&log, &dom);
    assert!(dom.contains("data-state=\"ready\""), "{dom}");
    assert!(dom.contains("<option value=\"deep-end-baseline\">"));
    assert!(dom.contains("data-key=\"funding.annual_cut\""));
    assert!(!dom.contains("class=\"mean\""), "a chart before any run");

    // A 20% annual cut, run through the page.
    let url = format!("{base}?set=funding.annual_cut=0.2&replicates=40&run=1");
    let (dom, log) = chromium_at(chromium, &tmp.path().join("p2"), &url, "--dump-dom");
    assert_quiet(&log, &dom);
    assert!(dom.contains("data-state=\"done\""), "the run did not finish:\n{dom}");
    let integration = &dom[dom.find("id=\"chart-integration\"").unwrap()..];
    let integration = &integration[..integration.find("</svg>").unwrap()];
    assert_eq!(
        integration.matches("class=\"mean\"").count(),
        2,
        "two lines: starting and changed"
    );
    assert_eq!(integration.matches("class=\"band\"").count(), 2, "two 90% bands");
    assert!(
        dom.contains("deep-end-baseline-changed"),
        "the changed scenario is named"
    );
    assert!(
        dom.contains("--set funding.annual_cut=0.2"),
        "the command line shows the change"
    );

    // The table shows the API's numbers for the same comparison.
    let (status, api) = post(
        addr,
        "/api/compare",
        &json!({"reference": {"scenario": "deep-end-baseline"},
                "scenario": {"scenario": "deep-end-baseline", "set": {"funding.annual_cut": 0.2, "name": "deep-end-baseline-changed"}},
                "replicates": 40, "seed": 2014}),
    );
    assert_eq!(status, 200);
    let share = |v: &serde_json::Value| format!("{:.1}%", v.as_f64().unwrap() * 100.0);
    let row = &dom[dom.find("<tr data-measure=\"share_connected\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    for which in ["reference", "scenario"] {
        let mean = share(&api[which]["summary"]["share_connected"]["mean"]);
        assert!(row.contains(&mean), "{which}: {mean} not in {row}");
    }
    // The effect's mean and, in brackets, the 90% confidence interval of that mean, each within
    // half a unit of its last shown digit of the API's figures (percentage points), ends distinct.
    let effect = api["effects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["measure"] == "share_connected")
        .unwrap();
    let ci = &row[row.find("<span class=\"ci\">(").expect("the mean's interval") + "<span class=\"ci\">(".len()..];
    let ci = &ci[..ci.find(")</span>").unwrap()];
    let (lo, hi) = ci.split_once(" to ").unwrap();
    let close_to = |shown: &str, want: f64| {
        let digits = shown.trim_end_matches(" pp").replace('\u{2212}', "-").replace('+', "");
        let places = digits.split_once('.').map_or(0, |(_, f)| f.len());
        let got: f64 = digits.parse().unwrap_or_else(|_| panic!("{shown:?} in {row}"));
        assert!(
            (got - 100.0 * want).abs() <= 0.5 * 10f64.powi(-(places as i32)) + 1e-9,
            "{shown} for {want} in {row}"
        );
    };
    close_to(lo, effect["mean_lo"].as_f64().unwrap());
    close_to(hi, effect["mean_hi"].as_f64().unwrap());
    assert_ne!(lo, hi, "{row}");

    // The tables and charts the page builds from /api/figures: every headline figure defined in
    // a two-year run (all but integration_rate_60m) in the table of all figures, four capacity
    // charts, the stages' legend.
    let all = &dom[dom.find("<table id=\"headline-all\">").unwrap()..];
    let all = &all[..all.find("</table>").unwrap()];
    assert_eq!(
        all.matches("<tr data-measure=").count(),
        lwsim::summary::HEADLINES - 1,
        "{all}"
    );
    assert!(all.contains("<th scope=\"row\">Community cost (organisations' funding)</th>"));
    let capacity = &dom[dom.find("id=\"chart-capacity\"").unwrap()..];
    assert_eq!(capacity.matches("<div data-measure=").count(), 4);
    assert!(dom.contains(">fitting in</text>"), "the stages' legend");

    // Screenshots before and after, at 1280x800.
    let keep = std::env::var_os("LWSIM_SCREENSHOT_DIR").map(std::path::PathBuf::from);
    for (name, url, profile) in [("explorer-before.png", base.clone(), "p3"), ("explorer.png", url, "p4")] {
        let shot = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf()).join(name);
        let (_, log) = chromium_at(
            chromium,
            &tmp.path().join(profile),
            &url,
            &format!("--screenshot={}", shot.display()),
        );
        assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
        let png = std::fs::read(&shot).expect("a screenshot");
        assert_eq!(png_size(&png), (1280, 800));
        assert!(png.len() > 40_000, "{name} nearly blank: {} bytes", png.len());
    }
}
