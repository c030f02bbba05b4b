//! `--uncertainty full`: each replicate also draws the uncertain constants (INTERFACE.md,
//! "Policy answers"): wider intervals, reproducible at any thread count, paired in comparisons.

use crate::util::*;
use std::path::Path;

fn run(dir: &Path, extra: &[&str]) {
    let path = scenario("deep-end-baseline.toml").display().to_string();
    let mut args = vec!["run", &path, "--replicates", "60", "--detail", "2", "-q", "--out"];
    args.push(dir.to_str().unwrap());
    args.extend_from_slice(extra);
    let out = lwsim(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn width(summary: &serde_json::Value, measure: &str) -> f64 {
    summary[measure]["p95"].as_f64().unwrap() - summary[measure]["p05"].as_f64().unwrap()
}

#[test]
fn full_uncertainty_widens_intervals_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (chance, full) = (tmp.path().join("chance"), tmp.path().join("full"));
    run(&chance, &[]);
    run(&full, &["--uncertainty", "full"]);
    let (c, f) = (json(&chance.join("summary.json")), json(&full.join("summary.json")));
    assert_eq!(c["uncertainty"], "chance");
    assert_eq!(f["uncertainty"], "full");
    assert_eq!(json(&full.join("run.json"))["uncertainty"], "full");
    // Constants the baseline holds (it sets them) are not drawn; calibrated ones are.
    let drawn: Vec<String> = serde_json::from_value(json(&full.join("run.json"))["drawn"].clone()).unwrap();
    assert!(drawn.contains(&"patients.engage_prob".to_string()));
    assert!(drawn.contains(&"community.other_demand_share".to_string()));
    assert!(!drawn.contains(&"link_workers.support".to_string()));
    assert!(
        !drawn.contains(&"practices.gp_buy_in.mean".to_string()),
        "the baseline file sets it"
    );
    for measure in [
        "referrals_per_lw_per_year",
        "share_not_engaged",
        "wellbeing_connected",
        "cost_community",
    ] {
        assert!(
            width(&f, measure) > 1.5 * width(&c, measure),
            "{measure}: full {} against chance {}",
            width(&f, measure),
            width(&c, measure)
        );
    }
    // The resolved scenario comments out what it drew, so running it again draws it again.
    let resolved = std::fs::read_to_string(full.join("scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("# drawn: engage_prob = "), "{resolved}");
    assert!(resolved.contains("\nsupport = 0.7\n"));
    let again = tmp.path().join("again");
    let out = lwsim(&[
        "run",
        full.join("scenario.resolved.toml").to_str().unwrap(),
        "-q",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(full.join("summary.json")).unwrap(),
        std::fs::read(again.join("summary.json")).unwrap()
    );
    // A chance run's resolved scenario sets every uncertain key: under full it draws nothing,
    // and run.json (`drawn: []`), stderr and the page say its intervals hold chance alone
    // (before, the page said each replicate drew the model's uncertain constants).
    assert!(json(&chance.join("run.json")).get("drawn").is_none());
    let nothing = tmp.path().join("nothing");
    let out = lwsim(&[
        "run",
        chance.join("scenario.resolved.toml").to_str().unwrap(),
        "--uncertainty",
        "full",
        "-r",
        "20",
        "-q",
        "--report",
        "--out",
        nothing.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--uncertainty full draws no constant"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json(&nothing.join("run.json"))["drawn"], serde_json::json!([]));
    let page = std::fs::read_to_string(nothing.join("report.html")).unwrap();
    assert!(page.contains(
        "<td>chance alone (--uncertainty full drew no constant: the scenario sets every uncertain key)</td>"
    ));
    assert!(page.contains("The intervals hold chance alone: the run asked for --uncertainty full"));
    assert!(!page.contains("each replicate also drew"));
}

#[test]
fn full_uncertainty_gives_the_same_bytes_on_one_thread_and_two() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&a, &["--uncertainty", "full", "--threads", "1"]);
    run(&b, &["--uncertainty", "full", "--threads", "2"]);
    for f in [
        "summary.json",
        "monthly.csv",
        "headline.csv",
        "weekly.csv",
        "practices.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn in_a_full_comparison_an_identical_scenario_has_every_effect_exactly_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(scenario("deep-end-baseline.toml")).unwrap();
    let same = write(
        tmp.path(),
        "same.toml",
        &base.replace("name = \"deep-end-baseline\"", "name = \"same\""),
    );
    let out_dir = tmp.path().join("out");
    let reference = scenario("deep-end-baseline.toml").display().to_string();
    let austerity = scenario("austerity.toml").display().to_string();
    let out = lwsim(&[
        "run",
        &reference,
        same.to_str().unwrap(),
        &austerity,
        "--replicates",
        "30",
        "--detail",
        "0",
        "--uncertainty",
        "full",
        "-q",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let effects = std::fs::read_to_string(out_dir.join("comparison/effects.csv")).unwrap();
    let same_rows: Vec<&str> = effects.lines().filter(|l| l.starts_with("same,")).collect();
    assert_eq!(same_rows.len(), lwsim::summary::HEADLINE_NAMES.len() - 1, "{effects}"); // no 60-month figure
    for row in same_rows {
        let numbers: Vec<f64> = row.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
        assert_eq!(numbers, [0.0; 6], "{row}"); // mean, p05, p95, se, mean_lo, mean_hi
    }
    // The cut lowers what the community side is paid, replicate by replicate.
    let cut = effects
        .lines()
        .find(|l| l.starts_with("austerity,cost_community,"))
        .unwrap();
    let p95: f64 = cut.split(',').nth(4).unwrap().parse().unwrap();
    assert!(p95 < 0.0, "{cut}");
}

#[test]
fn a_comparison_runs_every_scenario_in_the_references_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let full = write(
        tmp.path(),
        "full.toml",
        "name = \"full\"\nextends = \"PATH\"\n[simulation]\nuncertainty = \"full\"\n"
            .replace("PATH", &scenario("deep-end-baseline.toml").display().to_string())
            .as_str(),
    );
    let reference = scenario("deep-end-baseline.toml").display().to_string();
    let out_dir = tmp.path().join("out");
    let out = lwsim(&[
        "run",
        &reference,
        full.to_str().unwrap(),
        "-r",
        "3",
        "--detail",
        "0",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("runs with the reference's uncertainty (chance, not full)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json(&out_dir.join("full/summary.json"))["uncertainty"], "chance");
}

#[test]
fn a_bad_uncertainty_mode_is_refused_with_exit_2() {
    let path = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim(&["run", &path, "--uncertainty", "some"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("chance"), "{}", stderr(&out));
    let out = lwsim(&["run", &path, "--set", "simulation.uncertainty=\"some\""]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("simulation.uncertainty"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("expected \"chance\" or \"full\""),
        "{}",
        stderr(&out)
    );
    // A held fitting-in threshold some drawn belonging threshold would fall below.
    let out = lwsim(&[
        "run",
        &path,
        "--uncertainty",
        "full",
        "--set",
        "implementation.fitting_in_threshold=0.45",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("implementation.fitting_in_threshold")
            && stderr(&out).contains("set implementation.belonging_threshold too"),
        "{}",
        stderr(&out)
    );
}
