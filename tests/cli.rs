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
    let dir = tmp.path().join("output/deep-end-baseline");
    let weekly = header(&dir.join("weekly.csv"));
    assert_eq!(weekly[..4], ["replicate", "seed", "week", "month"]);
    for col in [
        "integration_rate",
        "bolted_on",
        "fitting_in",
        "belonging",
        "coherence",
        "cognitive_participation",
        "collective_action",
        "reflexive_monitoring",
        "referrals",
        "waiting",
        "active_cases",
        "connected",
        "unmet_need",
        "lw_in_post",
        "lw_vacant",
        "lw_burnout",
        "org_open",
        "org_capacity",
        "org_closed",
    ] {
        assert!(weekly.iter().any(|c| c == col), "weekly.csv lacks {col}");
    }
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
    for key in [
        "integration_rate_24m",
        "referrals_per_lw_per_year",
        "share_3plus_contacts",
        "share_not_engaged",
        "share_dropped_out",
        "share_connected",
        "lw_turnover_per_year",
        "org_closed",
        "cost_total",
        "cost_per_connected",
    ] {
        for stat in ["mean", "p05", "p95"] {
            assert!(summary[key][stat].is_number(), "summary.json lacks {key}.{stat}");
        }
    }
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
