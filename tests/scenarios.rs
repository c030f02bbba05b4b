//! Every shipped scenario validates and runs (Mesa's test_examples habit).

use crate::util::*;

fn shipped() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_reference_scenarios_of_model_md_are_shipped() {
    let names = shipped();
    for expected in [
        "deep-end-baseline.toml",
        "austerity.toml",
        "low-buy-in.toml",
        "high-buy-in.toml",
        "heavy-caseload.toml",
        "no-support.toml",
        "competing-innovations.toml",
        "england-pcn.toml",
    ] {
        assert!(names.iter().any(|n| n == expected), "missing scenarios/{expected}");
    }
}

#[test]
fn every_shipped_scenario_validates() {
    let paths: Vec<String> = shipped().iter().map(|n| scenario(n).display().to_string()).collect();
    let mut args = vec!["validate"];
    args.extend(paths.iter().map(String::as_str));
    let out = lwsim(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().filter(|l| l.ends_with(": ok")).count(),
        paths.len()
    );
}

#[test]
fn every_shipped_scenario_runs() {
    let tmp = tempfile::tempdir().unwrap();
    for name in shipped() {
        let out_dir = tmp.path().join(&name);
        let path = scenario(&name).display().to_string();
        // England is run for a few weeks: the full run is the performance benchmark's job.
        let weeks = if name.starts_with("england") {
            "simulation.weeks=6"
        } else {
            "simulation.weeks=104"
        };
        let out = lwsim(&[
            "run",
            &path,
            "--replicates",
            "2",
            "--set",
            weeks,
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        for file in lwsim::output::RESULT_FILES {
            assert!(out_dir.join(file).is_file(), "{name}: no {file}");
        }
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
        let rate = summary["integration_rate_end"]["mean"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate), "{name}: integration {rate}");
    }
}
