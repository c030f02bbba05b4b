//! The command line's promises (INTERFACE.md "Commands" and "Results of `lwsim run`").

use crate::util::*;

fn header(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().next().unwrap().split(',').map(str::to_string).collect()
}

#[test]
fn run_writes_every_result_file_with_the_promised_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim_in(tmp.path(), &["run", &base, "--replicates", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir_text = tmp.path().join("output/deep-end-baseline");
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "not a terminal: no progress bar; the small-sample warning and one closing line: {err}"
    );
    assert!(lines[0].starts_with("warning: 3 replicates: intervals from fewer than 20 replicates are unreliable"));
    assert!(
        lines[1].starts_with(&format!(
            "wrote {}: 3 replicates in ",
            dir_text.strip_prefix(tmp.path()).unwrap().display()
        )),
        "{}",
        stderr(&out)
    );
    // --quiet drops the closing line but keeps the warning (fresh-user finding: it hid it).
    let quiet = lwsim_in(tmp.path(), &["run", &base, "--replicates", "1", "-q", "-o", "one"]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(
        stderr(&quiet),
        "warning: 1 replicate: intervals from fewer than 20 replicates are unreliable (with one, there is no interval at all)\n"
    );
    let dir = tmp.path().join("output/deep-end-baseline");
    let weekly = header(&dir.join("weekly.csv"));
    assert_eq!(weekly[..4], ["replicate", "seed", "week", "month"]);
    assert_eq!(
        weekly[4..],
        lwsim::observe::MEASURE_NAMES,
        "weekly.csv: every measure, in order"
    );
    assert_eq!(
        header(&dir.join("monthly.csv")),
        ["month", "measure", "mean", "sd", "p05", "p50", "p95"]
    );
    let practices = header(&dir.join("practices.csv"));
    for col in [
        "replicate",
        "practice",
        "list_size",
        "gp_buy_in",
        "collaborative_leadership",
        "team_dynamics",
        "training_practice",
        "final_stage",
        "month_belonging",
        "referrals",
        "lw_changes",
    ] {
        assert!(practices.iter().any(|c| c == col), "practices.csv lacks {col}");
    }
    // 3 replicates x weeks 0..=104, plus the header.
    assert_eq!(
        std::fs::read_to_string(dir.join("weekly.csv")).unwrap().lines().count(),
        1 + 3 * 105
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("practices.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 3 * 7
    );
    let monthly = std::fs::read_to_string(dir.join("monthly.csv")).unwrap();
    assert!(monthly.lines().any(|l| l.starts_with("24,integration_rate,")));
    assert!(!monthly.lines().any(|l| l.starts_with("25,")));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    // Every headline figure but those named for a month the run does not reach.
    for figure in lwsim::summary::FIGURES
        .iter()
        .filter(|f| f.month.is_none_or(|m| m <= 24))
    {
        let key = figure.name;
        for stat in ["mean", "p05", "p95"] {
            assert!(summary[key][stat].is_number(), "summary.json lacks {key}.{stat}");
        }
    }
    // A two-year run: month 24 is its end; month 60 is never reached, so absent (not null).
    assert_eq!(summary["integration_rate_24m"], summary["integration_rate_end"]);
    assert!(summary.get("integration_rate_60m").is_none());
    let (nhs, community, total) = (
        summary["cost_nhs"]["mean"].as_f64().unwrap(),
        summary["cost_community"]["mean"].as_f64().unwrap(),
        summary["cost_total"]["mean"].as_f64().unwrap(),
    );
    assert!(community > 0.0 && nhs > 0.0 && (nhs + community - total).abs() < 1e-6 * total);
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["replicates"], 3);
    assert_eq!(run["seed"], 2014);
    assert!(run["wall_seconds"].is_number() && run["version"].is_string() && run["command"].is_array());
    // No temporary files are left behind.
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.'))
    );
}

#[test]
fn results_are_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let dir = tmp.path().join("r");
    let args = ["run", &base, "--replicates", "2", "--out", dir.to_str().unwrap()];
    assert!(lwsim(&args).status.success());
    let before = std::fs::read(dir.join("weekly.csv")).unwrap();
    let out = lwsim(&["run", &base, "--replicates", "3", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already holds results; use --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(dir.join("weekly.csv")).unwrap(), before);
    let out = lwsim(&[
        "run",
        &base,
        "--replicates",
        "3",
        "--out",
        dir.to_str().unwrap(),
        "--force",
    ]);
    assert!(out.status.success());
    assert_ne!(std::fs::read(dir.join("weekly.csv")).unwrap(), before);
}

/// A comparison that replaces another in the same folder: the earlier one's scenarios that this
/// one does not compare are warned of, or with --force removed (they stayed, looking part of
/// the new comparison: a fresh-user finding). A folder of the user's own beside them is kept.
#[test]
fn a_replaced_comparisons_other_scenarios_are_warned_of_or_removed_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cmp");
    let run = |names: &[&str], force: bool| {
        let paths: Vec<String> = names.iter().map(|n| scenario(n).display().to_string()).collect();
        let mut args: Vec<&str> = vec!["run"];
        args.extend(paths.iter().map(String::as_str));
        args.extend(["-r", "2", "--detail", "0", "-q", "--out", dir.to_str().unwrap()]);
        if force {
            args.push("--force");
        }
        let out = lwsim(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    run(&["deep-end-baseline.toml", "no-support.toml"], false);
    std::fs::create_dir(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes/mine.txt"), "keep").unwrap();
    let err = run(&["low-buy-in.toml", "high-buy-in.toml"], false);
    assert!(
        err.contains("no-support: results of the comparison this one replaced, not part of it (left as they were; --force removes them)"),
        "{err}"
    );
    assert!(dir.join("no-support/summary.json").is_file());
    assert!(
        err.contains("comparison: replaced the comparison of deep-end-baseline, no-support that was there"),
        "{err}"
    );
    run(&["low-buy-in.toml", "austerity.toml"], true);
    assert!(
        !dir.join("high-buy-in").exists(),
        "--force leaves the replaced comparison's scenario"
    );
    assert!(
        dir.join("no-support/summary.json").is_file(),
        "not part of the comparison replaced"
    );
    assert_eq!(std::fs::read_to_string(dir.join("notes/mine.txt")).unwrap(), "keep");
}

#[test]
fn two_scenarios_write_two_directories_and_a_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (scenario("deep-end-baseline.toml"), scenario("austerity.toml"));
    let out_dir = tmp.path().join("both");
    let out = lwsim(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--replicates",
        "2",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out_dir.join("deep-end-baseline/summary.json").is_file());
    assert!(out_dir.join("austerity/summary.json").is_file());
    let integration = std::fs::read_to_string(out_dir.join("comparison/integration.csv")).unwrap();
    assert_eq!(integration.lines().next(), Some("scenario,month,mean,p05,p95"));
    assert_eq!(integration.lines().count(), 1 + 2 * 25);
    assert!(out_dir.join("comparison/headline.csv").is_file());
}

#[test]
fn two_scenarios_with_one_name_are_refused() {
    let a = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim(&["run", &a, &a, "--out", "/nonexistent/x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has the same name `deep-end-baseline`"));
}

#[test]
fn help_and_version() {
    let out = lwsim(&["--help"]);
    assert!(out.status.success());
    for cmd in ["run", "validate", "keys"] {
        assert!(stdout(&out).contains(cmd));
    }
    let out = lwsim(&["--version"]);
    assert_eq!(stdout(&out).trim(), format!("lwsim {}", env!("CARGO_PKG_VERSION")));
    let out = lwsim(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::process::{Command, Stdio};
    // The reading end is closed before lwsim starts, so its first write fails with a broken
    // pipe (as with `lwsim keys | head` once head has exited), whatever the output's size.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .arg("keys")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "status {:?}: {err}", out.status);
}

#[test]
fn per_replicate_detail_is_limited_but_statistics_use_every_replicate() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    for (detail, kept) in [("2", 2usize), ("0", 0)] {
        let dir = tmp.path().join(format!("d{detail}"));
        let out = lwsim(&[
            "run",
            &base,
            "--replicates",
            "5",
            "--detail",
            detail,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let weekly = std::fs::read_to_string(dir.join("weekly.csv")).unwrap();
        assert_eq!(weekly.lines().count(), 1 + kept * 105);
        assert!(weekly.starts_with("replicate,seed,week,month,integration_rate,"));
        let practices = std::fs::read_to_string(dir.join("practices.csv")).unwrap();
        assert_eq!(practices.lines().count(), 1 + kept * 7);
        assert!(practices.starts_with("replicate,practice,"));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["replicates"], 5);
        let resolved = std::fs::read_to_string(dir.join("scenario.resolved.toml")).unwrap();
        assert!(resolved.contains(&format!("detail_replicates = {detail}")));
    }
    // The statistics do not depend on how much detail is written.
    let monthly = |d: &str| std::fs::read(tmp.path().join(d).join("monthly.csv")).unwrap();
    assert!(monthly("d2") == monthly("d0"));
}

/// With `--report` each closing line names the page it wrote (fresh-user finding: the line
/// named only the folder, and the page is what a person opens first).
#[test]
fn closing_lines_name_the_pages_report_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (scenario("deep-end-baseline.toml"), scenario("austerity.toml"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = lwsim_in(tmp.path(), &["run", a, b, "-r", "20", "--report", "-o", "o"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    for (line, dir) in lines.iter().zip(["o/deep-end-baseline", "o/austerity", "o/comparison"]) {
        let page = std::path::Path::new(dir).join("report.html");
        assert!(line.starts_with(&format!("wrote {dir}: ")), "{line}");
        assert!(line.ends_with(&format!("; the page: {}", page.display())), "{line}");
        assert!(tmp.path().join(&page).is_file(), "{line}");
    }
    // Without --report, no page and no mention of one.
    let out = lwsim_in(tmp.path(), &["run", a, "-r", "20", "-o", "p"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("report.html"), "{}", stderr(&out));
}

#[test]
fn a_comparison_gives_paired_effects_exactly_zero_for_an_identical_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let same = write(
        tmp.path(),
        "same.toml",
        &format!("name = \"same\"\nextends = {base:?}\n"),
    );
    let cut = write(
        tmp.path(),
        "cut.toml",
        &format!("name = \"cut\"\nextends = {base:?}\n[funding]\nannual_cut = 0.3\n"),
    );
    let out = lwsim(&[
        "run",
        &base,
        same.to_str().unwrap(),
        cut.to_str().unwrap(),
        "-r",
        "200",
        "-q",
        "-o",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let effects = std::fs::read_to_string(tmp.path().join("o/comparison/effects.csv")).unwrap();
    let mut lines = effects.lines();
    assert_eq!(lines.next(), Some("scenario,measure,mean,p05,p95,se,mean_lo,mean_hi"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let same_rows: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "same").collect();
    assert!(same_rows.len() >= 15, "every defined headline figure has an effect");
    for r in &same_rows {
        assert_eq!(&r[2..], ["0.0"; 6], "identical scenario: {r:?}");
    }
    // A 30% annual cut lowers the share connected, every paired replicate within its interval.
    let connected = rows
        .iter()
        .find(|r| r[0] == "cut" && r[1] == "share_connected")
        .unwrap();
    let (mean, p95): (f64, f64) = (connected[2].parse().unwrap(), connected[4].parse().unwrap());
    assert!(mean < -0.03 && p95 < 0.0, "{connected:?}");
    // headline.csv holds each replicate's figures; the effects are their differences.
    let reference = std::fs::read_to_string(tmp.path().join("o/deep-end-baseline/headline.csv")).unwrap();
    let header: Vec<&str> = reference.lines().next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["replicate", "seed", "integration_rate_24m"]);
    assert_eq!(reference.lines().count(), 201);
    // The mean's standard error and 90% confidence interval, from the replicates' own figures:
    // sd / sqrt(200) of the paired differences, and mean -/+ t(0.95, 199 df) = 1.652547 se.
    let column = |text: &str| -> Vec<f64> {
        let at = header.iter().position(|&h| h == "share_connected").unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').nth(at).unwrap().parse().unwrap())
            .collect()
    };
    let cut_headline = std::fs::read_to_string(tmp.path().join("o/cut/headline.csv")).unwrap();
    let diffs: Vec<f64> = column(&cut_headline)
        .iter()
        .zip(column(&reference))
        .map(|(c, r)| c - r)
        .collect();
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let got: Vec<f64> = connected[2..].iter().map(|x| x.parse().unwrap()).collect();
    let (se, lo, hi) = (got[3], got[4], got[5]);
    assert!((got[0] - mean).abs() < 1e-12, "mean {} against {mean}", got[0]);
    assert!((se - sd / n.sqrt()).abs() < 1e-12, "se {se} against {}", sd / n.sqrt());
    assert!(
        ((got[0] - lo) / se - 1.652_547).abs() < 1e-5 && ((hi - got[0]) / se - 1.652_547).abs() < 1e-5,
        "t(0.95, 199 df) = 1.652547 (200 df would be 1.652508): {connected:?}"
    );
    assert!(
        hi < 0.0,
        "a 30% cut's mean effect is known to be below 0: {connected:?}"
    );
    for f in ["effects.png", "effects.svg"] {
        assert!(tmp.path().join("o/comparison").join(f).exists());
    }
}

/// The mean effect's interval counts only the pairs where both replicates define the figure
/// (a 4-week run leaves cost_per_connected undefined where nobody was connected), and with one
/// replicate there is none: empty fields, and no brackets on the page.
#[test]
fn a_mean_effects_interval_counts_the_pairs_that_define_the_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let holistic = write(
        tmp.path(),
        "holistic.toml",
        &format!("name = \"holistic\"\nextends = {base:?}\n[link_workers]\nholistic_share = 0.3\n"),
    );
    let run = |replicates: &str, out: &str| {
        let o = lwsim_in(
            tmp.path(),
            &[
                "run",
                &base,
                holistic.to_str().unwrap(),
                "-r",
                replicates,
                "--set",
                "simulation.weeks=4",
                "--report",
                "-q",
                "-o",
                out,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run("40", "o");
    let column = |file: &str| -> Vec<Option<f64>> {
        let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let at = header.iter().position(|&h| h == "cost_per_connected").unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').nth(at).unwrap().parse().ok())
            .collect()
    };
    let diffs: Vec<f64> = column("o/holistic/headline.csv")
        .into_iter()
        .zip(column("o/deep-end-baseline/headline.csv"))
        .filter_map(|(a, b)| Some(a? - b?))
        .collect();
    let n = diffs.len();
    assert!(
        (2..40).contains(&n),
        "some replicates leave the figure undefined: {n} of 40 pairs"
    );
    let mean = diffs.iter().sum::<f64>() / n as f64;
    let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let effects = std::fs::read_to_string(tmp.path().join("o/comparison/effects.csv")).unwrap();
    let row: Vec<f64> = effects
        .lines()
        .find(|l| l.starts_with("holistic,cost_per_connected,"))
        .unwrap()
        .split(',')
        .skip(2)
        .map(|x| x.parse().unwrap())
        .collect();
    let (got_mean, se, lo, hi) = (row[0], row[3], row[4], row[5]);
    assert!(
        (got_mean - mean).abs() < 1e-9 * mean.abs().max(1.0),
        "mean {got_mean} against {mean}"
    );
    assert!(
        (se - sd / (n as f64).sqrt()).abs() < 1e-9 * se.abs(),
        "se {se}: sd / sqrt({n} pairs)"
    );
    let t = lwsim::seek::method::t_quantile(0.95, (n - 1) as f64);
    assert!(
        ((hi - got_mean) / se - t).abs() < 1e-6 && ((got_mean - lo) / se - t).abs() < 1e-6,
        "t({n} - 1 df) = {t}: {row:?}"
    );

    run("1", "one");
    let effects = std::fs::read_to_string(tmp.path().join("one/comparison/effects.csv")).unwrap();
    for line in effects.lines().skip(1) {
        assert!(line.ends_with(",,,"), "one replicate: no se or interval: {line}");
    }
    let page = std::fs::read_to_string(tmp.path().join("one/comparison/report.html")).unwrap();
    assert!(
        !page.contains("<span class=\"c\">"),
        "one replicate: no brackets on the page"
    );
}

#[test]
fn paired_effects_are_tighter_than_independent_runs() {
    // The same comparison run twice: paired (same seeds) and with the scenario on another seed.
    let s = |sets: &[&str]| load("deep-end-baseline.toml", sets);
    let base = lwsim::run::run_all(&s(&["simulation.replicates=300"]), 0, &|| {}).unwrap();
    let cut_paired =
        lwsim::run::run_all(&s(&["simulation.replicates=300", "funding.annual_cut=0.3"]), 0, &|| {}).unwrap();
    let cut_other = lwsim::run::run_all(
        &s(&[
            "simulation.replicates=300",
            "funding.annual_cut=0.3",
            "simulation.seed=99",
        ]),
        0,
        &|| {},
    )
    .unwrap();
    for measure in ["share_connected", "share_unmet_need"] {
        let i = lwsim::summary::headline_index(measure).unwrap();
        let paired = lwsim::summary::effect_stats(&base, &cut_paired, i).unwrap();
        let independent = lwsim::summary::effect_stats(&base, &cut_other, i).unwrap();
        assert!(
            paired.p95 - paired.p05 < independent.p95 - independent.p05,
            "{measure}: paired {:?} vs independent {:?}",
            (paired.p05, paired.p95),
            (independent.p05, independent.p95)
        );
    }
}

/// Issue 11, finding 6: the community side is costed, so funding changes the cost; the NHS side
/// does not move with community funding.
#[test]
fn community_funding_is_costed_apart_from_the_nhs_side() {
    let tmp = tempfile::tempdir().unwrap();
    let mut means = Vec::new();
    for (name, budget) in [("full", "1"), ("half", "0.5")] {
        let dir = tmp.path().join(name);
        let o = lwsim(&[
            "run",
            scenario("deep-end-baseline.toml").to_str().unwrap(),
            "-r",
            "20",
            "-q",
            "--set",
            &format!("funding.community_budget={budget}"),
            "--set",
            "funding.practice_development=1",
            "-o",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let j: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        means.push((
            j["cost_nhs"]["mean"].as_f64().unwrap(),
            j["cost_community"]["mean"].as_f64().unwrap(),
        ));
    }
    let ((nhs_full, community_full), (nhs_half, community_half)) = (means[0], means[1]);
    // Half the budget: about half the community side (closures take some more), NHS side within 2%.
    assert!(
        community_half < 0.55 * community_full && community_half > 0.3 * community_full,
        "{means:?}"
    );
    assert!((nhs_half - nhs_full).abs() < 0.02 * nhs_full, "{means:?}");
}

/// Issue 11, finding 4: a figure named for a month is taken at that month; runs that end before
/// it leave it out.
#[test]
fn month_named_figures_are_absent_from_runs_that_end_before_their_month() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("short");
    let o = lwsim(&[
        "run",
        scenario("deep-end-baseline.toml").to_str().unwrap(),
        "-r",
        "3",
        "-q",
        "--set",
        "simulation.weeks=26",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert!(
        j.get("integration_rate_24m").is_none() && j.get("integration_rate_60m").is_none(),
        "{j}"
    );
    assert!(j["integration_rate_end"]["mean"].is_number());
}

/// Issue 12, item 3: a ten-year comparison with a cut from year 3 runs end to end; nothing
/// differs before the first cut (month 24 is paired exactly); pilot money ending at month 24
/// stops its cost.
#[test]
fn a_ten_year_run_with_a_cut_from_year_3_and_support_ending_at_two_years() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ten");
    let base = scenario("deep-end-baseline.toml");
    let cut = write(
        tmp.path(),
        "cut-from-3.toml",
        &format!(
            "name = \"cut-from-3\"\nextends = \"{}\"\n[funding]\nannual_cut = 0.3\ncut_first_year = 3\n",
            base.display()
        ),
    );
    let ended = write(
        tmp.path(),
        "pilot-ends.toml",
        &format!(
            "name = \"pilot-ends\"\nextends = \"{}\"\n[link_workers]\nsupport_until_month = 24\n[funding]\npractice_development_until_month = 24\n",
            base.display()
        ),
    );
    let o = lwsim(&[
        "run",
        base.to_str().unwrap(),
        cut.to_str().unwrap(),
        ended.to_str().unwrap(),
        "-r",
        "12",
        "-q",
        "--set",
        "simulation.weeks=520",
        "--report",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let effects = std::fs::read_to_string(out.join("comparison/effects.csv")).unwrap();
    let effect = |scenario: &str, measure: &str| -> f64 {
        let line = effects
            .lines()
            .find(|l| l.starts_with(&format!("{scenario},{measure},")))
            .unwrap_or_else(|| panic!("no {scenario} {measure} in {effects}"));
        line.split(',').nth(2).unwrap().parse().unwrap()
    };
    assert_eq!(
        effect("cut-from-3", "integration_rate_24m"),
        0.0,
        "no cut before year 3"
    );
    assert!(effect("cut-from-3", "share_connected") < 0.0);
    assert!(effect("cut-from-3", "cost_community") < 0.0);
    assert_eq!(
        effect("pilot-ends", "integration_rate_24m"),
        0.0,
        "the pilot runs to month 24"
    );
    assert!(
        effect("pilot-ends", "cost_nhs") < 0.0,
        "support and the fund stop costing"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("cut-from-3/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["months"], 120);
    for key in ["integration_rate_24m", "integration_rate_60m", "integration_rate_end"] {
        assert!(summary[key]["mean"].is_number(), "{key}");
    }
    let monthly = std::fs::read_to_string(out.join("cut-from-3/monthly.csv")).unwrap();
    assert!(monthly.lines().any(|l| l.starts_with("120,integration_rate,")));
    let report = std::fs::read_to_string(out.join("cut-from-3/report.html")).unwrap();
    assert!(report.contains("at 60 months") && report.contains("at the end of the run"));
}

/// Issue 12, item 6: the report says when intervals are unreliable (fewer than 20 replicates)
/// and shows none for one replicate.
#[test]
fn the_report_is_honest_about_small_samples() {
    let tmp = tempfile::tempdir().unwrap();
    for (n, words, interval) in [
        ("1", "One replicate: no interval.", true),
        ("5", "Intervals unreliable:", false),
        ("20", "", false),
    ] {
        let dir = tmp.path().join(n);
        let o = lwsim(&[
            "run",
            scenario("deep-end-baseline.toml").to_str().unwrap(),
            "-r",
            n,
            "-q",
            "--report",
            "-o",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
        if words.is_empty() {
            assert!(
                !page.contains("Intervals unreliable") && !page.contains("no interval"),
                "{n}"
            );
        } else {
            assert!(page.contains(words), "{n} replicates: {words:?} missing");
        }
        assert_eq!(page.contains("none (one replicate)"), interval, "{n}");
    }
}
