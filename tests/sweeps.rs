//! Sweeps: the examples run; results do not depend on threads; a killed sweep resumes to the
//! same bytes; shards merge to the same bytes; merge refuses what does not fit; bad sweep files
//! are refused with the file, line, column and key.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Every file a finished sweep directory holds, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect()
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((n, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{n} differs between {} and {}", a.display(), b.display());
    }
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    let o = lwsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A copy of a shipped sweep with some lines replaced, beside it (its scenario path still resolves).
fn variant(name: &str, tmp: &Path, replace: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("scenarios/sweeps").join(name)).unwrap();
    for (a, b) in replace {
        assert!(text.contains(a), "{name} lacks {a}");
        text = text.replace(a, b);
    }
    text = text.replace(
        "scenario = \"../deep-end-baseline.toml\"",
        &format!(
            "scenario = {:?}",
            root().join("scenarios/deep-end-baseline.toml").display().to_string()
        ),
    );
    let path = tmp.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_example_sweeps_validate_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("scenarios/sweeps");
    let o = lwsim(&[
        "validate",
        dir.join("funding-by-buy-in.toml").to_str().unwrap(),
        dir.join("levers-morris.toml").to_str().unwrap(),
        dir.join("top-levers-sobol.toml").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The grid runs as shipped; Morris and Sobol with fewer replicates to keep the test short.
    let grid = tmp.path().join("grid");
    sweep(&dir.join("funding-by-buy-in.toml"), &grid, &[]);
    for f in [
        "design.csv",
        "sweep.csv",
        "points.csv",
        "heatmap.png",
        "heatmap.svg",
        "sweep.json",
    ] {
        assert!(grid.join(f).is_file(), "grid: no {f}");
    }
    assert_eq!(
        std::fs::read_to_string(grid.join("design.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 20
    );
    assert_eq!(
        std::fs::read_to_string(grid.join("sweep.csv")).unwrap().lines().count(),
        1 + 20 * 20
    );
    let svg = std::fs::read_to_string(grid.join("heatmap.svg")).unwrap();
    assert!(
        svg.contains("funding.community_budget")
            && svg.contains("practices.gp_buy_in.mean")
            && svg.contains("share_connected")
    );
    let morris = variant(
        "levers-morris.toml",
        tmp.path(),
        &[("replicates = 10", "replicates = 2"), ("samples = 30", "samples = 6")],
    );
    let m = tmp.path().join("morris");
    sweep(&morris, &m, &[]);
    let sens = std::fs::read_to_string(m.join("sensitivity.csv")).unwrap();
    assert!(sens.starts_with("parameter,outcome,mu_star,mu,sigma\n"));
    assert_eq!(sens.lines().count(), 1 + 8 * 3);
    assert!(m.join("sensitivity.png").is_file());
    let sobol = variant(
        "top-levers-sobol.toml",
        tmp.path(),
        &[("replicates = 4", "replicates = 1"), ("samples = 256", "samples = 16")],
    );
    let s = tmp.path().join("sobol");
    sweep(&sobol, &s, &[]);
    let sens = std::fs::read_to_string(s.join("sensitivity.csv")).unwrap();
    assert!(sens.starts_with("parameter,outcome,S1,S1_conf,ST,ST_conf\n"));
    assert_eq!(
        std::fs::read_to_string(s.join("design.csv")).unwrap().lines().count(),
        1 + 16 * 6
    );
}

#[test]
fn sweep_results_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = variant(
        "levers-morris.toml",
        tmp.path(),
        &[("replicates = 10", "replicates = 2"), ("samples = 30", "samples = 4")],
    );
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    sweep(&file, &a, &["--threads", "1"]);
    sweep(&file, &b, &["--threads", "2"]);
    assert_same(&a, &b);
}

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = variant(
        "levers-morris.toml",
        tmp.path(),
        &[("replicates = 10", "replicates = 12"), ("samples = 30", "samples = 20")],
    );
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &[]);
    let mut interrupted = 0;
    for (i, delay) in [200u64, 700, 1500].iter().enumerate() {
        let dir = tmp.path().join(format!("killed{i}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--threads",
                "1",
                "--out",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*delay));
        let _ = child.kill();
        let _ = child.wait();
        let journal = dir.join(lwsim::sweep::run::JOURNAL);
        if journal.exists() && std::fs::read_to_string(&journal).unwrap().lines().count() > 1 {
            interrupted += 1; // killed with some points done and some not
        }
        // Without --resume the directory is not silently reused.
        if dir.join("sweep.json").exists() {
            let o = lwsim(&["sweep", file.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
            assert!(stderr(&o).contains("--resume"));
        }
        sweep(&file, &dir, &["--resume"]);
        assert_same(&whole, &dir);
    }
    assert!(interrupted > 0, "no kill landed mid-sweep: make the sweep longer");
}

#[test]
fn shards_merge_to_the_same_bytes_and_merge_checks_its_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let file = variant(
        "funding-by-buy-in.toml",
        tmp.path(),
        &[("replicates = 20", "replicates = 3")],
    );
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &[]);
    let shards: Vec<PathBuf> = (0..3).map(|i| tmp.path().join(format!("s{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        sweep(&file, dir, &["--shard", &format!("{i}/3")]);
    }
    let merged = tmp.path().join("merged");
    let s: Vec<&str> = shards.iter().map(|p| p.to_str().unwrap()).collect();
    let o = lwsim(&["merge", s[0], s[1], s[2], "--out", merged.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same(&whole, &merged);
    // A missing shard, a duplicate, and a shard of another sweep are refused.
    let o = lwsim(&["merge", s[0], s[2], "--out", tmp.path().join("m1").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("shards missing: 1 of 3"), "{}", stderr(&o));
    let o = lwsim(&[
        "merge",
        s[0],
        s[1],
        s[1],
        s[2],
        "--out",
        tmp.path().join("m2").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("duplicates shard 1"), "{}", stderr(&o));
    let other = variant(
        "funding-by-buy-in.toml",
        tmp.path(),
        &[("replicates = 20", "replicates = 2")],
    );
    let odd = tmp.path().join("odd");
    sweep(&other, &odd, &["--shard", "1/3"]);
    let o = lwsim(&[
        "merge",
        s[0],
        odd.to_str().unwrap(),
        s[2],
        "--out",
        tmp.path().join("m3").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a shard of a different sweep"), "{}", stderr(&o));
}

#[test]
fn each_bad_sweep_file_is_refused_with_what_is_wrong() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/bad-sweeps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        assert!(!expect.is_empty());
        let o = lwsim(&["validate", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", path.display());
        assert!(err.starts_with("error: "), "{err}");
        for e in expect {
            assert!(err.contains(e), "{}: message lacks {e:?}:\n{err}", path.display());
        }
        let out = tempfile::tempdir().unwrap();
        let o = lwsim(&[
            "sweep",
            path.to_str().unwrap(),
            "--out",
            out.path().join("x").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(!out.path().join("x").exists(), "{}: wrote results", path.display());
    }
    let o = lwsim(&[
        "sweep",
        root().join("scenarios/sweeps/funding-by-buy-in.toml").to_str().unwrap(),
        "--shard",
        "3/3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--shard: expected I/N with 0 <= I < N"));
}

/// Cross-check against Python's SALib where it is installed (CI does not need it): the same
/// design's outputs give the same Morris statistics and, up to SALib's standardising of Y,
/// the same Sobol indices (measured: equal to 4 decimals at N = 4096).
#[test]
fn the_estimators_agree_with_salib_where_it_is_installed() {
    use lwsim::sweep::{analysis, design};
    let has_salib = Command::new("python3")
        .args(["-c", "import SALib.analyze.sobol, numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_salib {
        eprintln!("skipped: no python3 with SALib");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pi = std::f64::consts::PI;
    let ishigami = |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
    let range = design::Range {
        min: -pi,
        max: pi,
        integer: false,
    };
    let write = |name: &str, rows: &[Vec<f64>]| {
        let text: String = rows
            .iter()
            .map(|r| r.iter().map(|v| format!("{v:e}")).collect::<Vec<_>>().join(" ") + "\n")
            .collect();
        std::fs::write(tmp.path().join(name), text).unwrap();
    };
    // Sobol.
    let unit = design::saltelli_unit(4096, 3, 3);
    let x = design::scale(&unit, &[range; 3]);
    let y: Vec<f64> = x.iter().map(|p| ishigami(p)).collect();
    write("sobol_y.txt", &y.iter().map(|v| vec![*v]).collect::<Vec<_>>());
    let ours = analysis::sobol(&y, 3, 10, &mut lwsim::rng::generator(1));
    // Morris.
    let munit = design::morris_unit(50, 3, 4, &mut lwsim::rng::generator(2));
    let mx = design::scale(&munit, &[range; 3]);
    let my: Vec<f64> = mx.iter().map(|p| ishigami(p)).collect();
    write("morris_x.txt", &mx);
    write("morris_y.txt", &my.iter().map(|v| vec![*v]).collect::<Vec<_>>());
    let mours = analysis::morris(&munit, &my, 3);
    let script = r#"
import json, sys, numpy as np
from SALib.analyze import sobol, morris
d = sys.argv[1]
problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
s = sobol.analyze(problem, np.loadtxt(d + "/sobol_y.txt"), calc_second_order=False, num_resamples=10, seed=1)
m = morris.analyze(problem, np.loadtxt(d + "/morris_x.txt"), np.loadtxt(d + "/morris_y.txt"), num_levels=4, num_resamples=10, seed=1)
print(json.dumps({"S1": list(s["S1"]), "ST": list(s["ST"]), "mu_star": list(m["mu_star"]), "sigma": list(m["sigma"])}))
"#;
    let out = Command::new("python3")
        .args(["-c", script, tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let salib: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for i in 0..3 {
        let f = |k: &str| salib[k][i].as_f64().unwrap();
        // SALib standardises Y before estimating, which moves S1 by O(1/sqrt N): within 0.01.
        eprintln!(
            "x{}: S1 ours {:.4} SALib {:.4}; ST ours {:.4} SALib {:.4}; mu* ours {:.4} SALib {:.4}",
            i + 1,
            ours[i].s1,
            f("S1"),
            ours[i].st,
            f("ST"),
            mours[i].mu_star,
            f("mu_star")
        );
        assert!(
            (ours[i].s1 - f("S1")).abs() < 0.01,
            "S1[{i}]: ours {} SALib {}",
            ours[i].s1,
            f("S1")
        );
        assert!(
            (ours[i].st - f("ST")).abs() < 0.001,
            "ST[{i}]: ours {} SALib {}",
            ours[i].st,
            f("ST")
        );
        // Morris statistics are the same formulas on the same trajectories.
        assert!(
            (mours[i].mu_star - f("mu_star")).abs() < 1e-9,
            "mu*[{i}]: ours {} SALib {}",
            mours[i].mu_star,
            f("mu_star")
        );
        assert!(
            (mours[i].sigma - f("sigma")).abs() < 1e-9,
            "sigma[{i}]: ours {} SALib {}",
            mours[i].sigma,
            f("sigma")
        );
    }
}
