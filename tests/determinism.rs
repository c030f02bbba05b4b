//! Reproducibility: the same seed gives the same bytes, whatever the thread count.

use crate::util::*;
use lwsim::output::RESULT_FILES;
use std::path::Path;

fn run_to(dir: &Path, threads: &str, seed: &str) {
    let path = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim(&[
        "run",
        &path,
        "--replicates",
        "12",
        "--seed",
        seed,
        "--threads",
        threads,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Every reproducible file of a run (not run.json, which holds the wall time), as names and hashes
/// of their bytes, so that a failure lists the differing files rather than megabytes of bytes.
fn reproducible_files(dir: &Path) -> Vec<(String, u64, usize)> {
    use std::hash::{Hash, Hasher};
    let charts = lwsim::output::CHARTS
        .iter()
        .flat_map(|(c, _, _)| lwsim::output::chart_names(c));
    RESULT_FILES
        .iter()
        .filter(|f| **f != "run.json")
        .map(|f| f.to_string())
        .chain(charts)
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (f, h.finish(), bytes.len())
        })
        .collect()
}

#[test]
fn one_thread_and_two_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_to(&a, "1", "7");
    run_to(&b, "2", "7");
    assert_eq!(reproducible_files(&a), reproducible_files(&b));
}

#[test]
fn the_same_seed_gives_identical_results_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    run_to(&a, "2", "7");
    run_to(&b, "2", "7");
    run_to(&c, "2", "8");
    assert_eq!(reproducible_files(&a), reproducible_files(&b));
    let weekly = |d: &Path| std::fs::read(d.join("weekly.csv")).unwrap();
    assert_ne!(weekly(&a), weekly(&c));
}

#[test]
fn the_resolved_scenario_reproduces_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let path = scenario("austerity.toml").display().to_string();
    let out = lwsim(&[
        "run",
        &path,
        "--replicates",
        "5",
        "--set",
        "link_workers.support=0.4",
        "--out",
        a.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let resolved = a.join("scenario.resolved.toml");
    let out = lwsim(&["run", resolved.to_str().unwrap(), "--out", b.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reproducible_files(&a), reproducible_files(&b));
}

#[test]
fn a_replicate_is_reproduced_from_its_seed_alone() {
    let s = load("deep-end-baseline.toml", &["simulation.replicates=3"]);
    let all = lwsim::run::run_all(&s, 2, &|| {}).unwrap();
    let third = lwsim::run::run_replicate(&s, 2);
    assert_eq!(all[2], third);
    assert_eq!(third.seed, lwsim::rng::replicate_seed(s.simulation.seed, 2));
    assert!(third.weekly.iter().all(|r| r.seed == third.seed && r.replicate == 2));
}
