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
        &[("replicates = 20", "replicates = 2"), ("samples = 40", "samples = 6")],
    );
    let m = tmp.path().join("morris");
    sweep(&morris, &m, &[]);
    let sens = std::fs::read_to_string(m.join("sensitivity.csv")).unwrap();
    assert!(sens.starts_with("parameter,outcome,mu_star,mu,sigma,mu_star_conf,noise_floor,effects,undefined,note\n"));
    assert_eq!(sens.lines().count(), 1 + 8 * 3);
    // Notes hold no comma: every row has the header's ten fields.
    assert!(sens.lines().all(|l| l.split(',').count() == 10), "{sens}");
    assert!(m.join("sensitivity.png").is_file());
    let sobol = variant(
        "top-levers-sobol.toml",
        tmp.path(),
        &[
            ("replicates = 10", "replicates = 1"),
            ("samples = 1024", "samples = 16"),
        ],
    );
    let s = tmp.path().join("sobol");
    let o = lwsim(&["sweep", sobol.to_str().unwrap(), "--out", s.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sens = std::fs::read_to_string(s.join("sensitivity.csv")).unwrap();
    assert!(sens.starts_with("parameter,outcome,S1,S1_conf,ST,ST_conf,noise_floor,rows,undefined,note\n"));
    assert!(sens.lines().all(|l| l.split(',').count() == 10), "{sens}");
    // One replicate a point: no noise floor (an empty field), and a warning says why.
    assert!(sens.lines().skip(1).all(|l| l.split(',').nth(6) == Some("")), "{sens}");
    assert!(
        stderr(&o).contains("warning: replicates = 1: the noise floor cannot be estimated"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(s.join("design.csv")).unwrap().lines().count(),
        1 + 16 * 6
    );
}

/// A sweep file in `dir` over the Deep End baseline (absolute path), with the given body.
fn sweep_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let text = format!(
        "name = {name:?}\nscenario = {:?}\n{body}",
        root().join("scenarios/deep-end-baseline.toml").display().to_string()
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// sensitivity.csv as (parameter, outcome) -> column -> field.
fn sensitivity(dir: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| head.iter().cloned().zip(l.split(',').map(String::from)).collect())
        .collect()
}

/// The issue's "Done when": a Morris screen with an inert key (one that moves but changes
/// nothing: the link workers' salary moves no model quantity but cost) ranks it at the noise
/// floor, a key that matters stands above it, and every row says so.
#[test]
fn an_inert_key_ranks_at_the_noise_floor_and_a_lever_above_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "inert",
        "replicates = 10\nseed = 11\ndesign = \"morris\"\nsamples = 20\noutcomes = [\"integration_rate_24m\"]\n\
         [[parameter]]\nkey = \"practices.gp_buy_in.mean\"\nmin = 0.2\nmax = 0.8\n\
         [[parameter]]\nkey = \"link_workers.annual_cost\"\nmin = 30000\nmax = 50000\n",
    );
    let out = tmp.path().join("out");
    let o = lwsim(&["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = sensitivity(&out);
    let num = |r: &std::collections::BTreeMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let (lever, inert) = (&rows[0], &rows[1]);
    assert_eq!(
        (lever["parameter"].as_str(), inert["parameter"].as_str()),
        ("practices.gp_buy_in.mean", "link_workers.annual_cost")
    );
    let floor = num(inert, "noise_floor");
    assert!(floor > 0.0 && floor == num(lever, "noise_floor"));
    assert!(num(inert, "mu_star") - num(inert, "mu_star_conf") <= floor, "{inert:?}");
    assert!(inert["note"].starts_with("at the noise floor"), "{inert:?}");
    assert!(num(lever, "mu_star") - num(lever, "mu_star_conf") > floor, "{lever:?}");
    assert!(num(lever, "mu_star") > 2.0 * floor, "{lever:?}");
    assert_eq!(lever["note"], "");
    // Every elementary effect was defined: 20 a parameter, none left out.
    assert_eq!((lever["effects"].as_str(), lever["undefined"].as_str()), ("20", "0"));
    let svg = std::fs::read_to_string(out.join("sensitivity.svg")).unwrap();
    assert!(svg.contains("noise floor") && svg.contains("GP buy-in (mean)") && svg.contains("link-worker annual cost"));
}

/// Grid values that differ only far below a label's usual precision stay apart (rows are not
/// merged) and are labelled so a reader can tell them apart; design.csv writes each value as the
/// shortest text that reads back to it.
#[test]
fn heatmap_labels_tell_close_values_apart_and_files_hold_exact_values() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "close",
        "replicates = 1\nseed = 3\ndesign = \"grid\"\noutcomes = [\"share_connected\"]\n\
         [[parameter]]\nkey = \"funding.annual_cut\"\nvalues = [1e-300, 1e-17, 0.0001, 0.0002, 0.0003]\n\
         [[parameter]]\nkey = \"practices.gp_buy_in.mean\"\nvalues = [0.2, 0.30000000000000004, 0.3]\n",
    );
    let out = tmp.path().join("out");
    let o = lwsim(&["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design = std::fs::read_to_string(out.join("design.csv")).unwrap();
    assert!(design.starts_with("point,funding.annual_cut,practices.gp_buy_in.mean\n0,1e-300,0.2\n1,1e-300,0.30000000000000004\n2,1e-300,0.3\n3,1e-17,0.2\n"), "{design}");
    assert!(design.ends_with("14,0.0003,0.3\n"), "{design}");
    let svg = std::fs::read_to_string(out.join("heatmap.svg")).unwrap();
    // plotters writes each label as a line of its own inside <text>.
    for label in [
        "1e-300",
        "1e-17",
        "0.0001",
        "0.0002",
        "0.0003",
        "0.2",
        "0.30000000000000004",
        "0.3",
    ] {
        assert!(svg.contains(&format!(">\n{label}\n</text>")), "heatmap lacks {label}");
    }
    // Every value reads back exactly from the files.
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    let sweep = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    for (line, row) in points.lines().skip(1).zip(sweep.lines().skip(1)) {
        let mean: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        let value: f64 = row.split(',').nth(5).unwrap().parse().unwrap();
        assert_eq!(mean.to_bits(), value.to_bits(), "one replicate: the mean is the value");
    }
}

#[test]
fn sweep_results_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = variant(
        "levers-morris.toml",
        tmp.path(),
        &[("replicates = 20", "replicates = 2"), ("samples = 40", "samples = 4")],
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
        &[("replicates = 20", "replicates = 12"), ("samples = 40", "samples = 20")],
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

/// Cross-check against Python's SALib (the interpreter in `LWSIM_PYTHON`, else `python3`): the
/// same design's outputs give the same Morris statistics and the same Sobol indices (measured:
/// equal to 4 decimals at N = 4096). Skipped, with a notice, where SALib is missing, except under
/// CI (`CI` set), where .ci/run installs it and its absence fails the test.
#[test]
fn the_estimators_agree_with_salib() {
    use lwsim::sweep::{analysis, design};
    let python = std::env::var("LWSIM_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_salib = Command::new(&python)
        .args(["-c", "import SALib.analyze.sobol, numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_salib {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have SALib: .ci/run installs it in a virtualenv and sets LWSIM_PYTHON (tried {python})"
        );
        eprintln!("skipped: no SALib for {python} (set LWSIM_PYTHON to an interpreter that has it)");
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
    assert!(ours.iter().all(|r| r.rows == 4096 && r.undefined == 0));
    // Morris.
    let munit = design::morris_unit(50, 3, 4, &mut lwsim::rng::generator(2));
    let mx = design::scale(&munit, &[range; 3]);
    let my: Vec<f64> = mx.iter().map(|p| ishigami(p)).collect();
    write("morris_x.txt", &mx);
    write("morris_y.txt", &my.iter().map(|v| vec![*v]).collect::<Vec<_>>());
    let mours = analysis::morris(&munit, &my, 3, 10, &mut lwsim::rng::generator(3));
    let script = r#"
import json, sys, numpy as np
from SALib.analyze import sobol, morris
d = sys.argv[1]
problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
s = sobol.analyze(problem, np.loadtxt(d + "/sobol_y.txt"), calc_second_order=False, num_resamples=10, seed=1)
m = morris.analyze(problem, np.loadtxt(d + "/morris_x.txt"), np.loadtxt(d + "/morris_y.txt"), num_levels=4, num_resamples=10, seed=1)
print(json.dumps({"S1": list(s["S1"]), "ST": list(s["ST"]), "mu_star": list(m["mu_star"]), "sigma": list(m["sigma"])}))
"#;
    let out = Command::new(&python)
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

/// The annotated sweep file of docs/SWEEPS.md ("The file") is one `lwsim validate` accepts
/// (a fresh-user trial copied it and it was refused: `levels` on a grid).
#[test]
fn the_documented_sweep_file_validates() {
    let doc = std::fs::read_to_string(root().join("docs/SWEEPS.md")).unwrap();
    let block = doc
        .split("## The file")
        .nth(1)
        .and_then(|rest| rest.split("```toml\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("a toml block under \"The file\"");
    let tmp = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/deep-end-baseline.toml");
    let text = block.replace(
        "\"../deep-end-baseline.toml\"",
        &format!("{:?}", base.display().to_string()),
    );
    write(tmp.path(), "doc.toml", &text);
    let o = lwsim(&["validate", tmp.path().join("doc.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}
