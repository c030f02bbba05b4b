//! Faults users of other simulation tools report (issue 13), each as the input that showed it:
//! signals, inputs that can be read once, results of different kinds, names that collide with
//! lwsim's own folders, commands printed for pasting, messages that name what was typed, and
//! calibration's one rule.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::*;

/// Files whose names mark a temporary or a lock: none may survive a command, however it ends.
fn debris(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n == lwsim::output::LOCK_FILE)
        .collect()
}

/// A run long enough to outlast the test (200,000 replicates), started into `dir` and waited
/// for until it holds the folder's lock (its pid is written once the lock is taken).
fn long_run_holding(dir: &Path) -> std::process::Child {
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(["run", &base, "-r", "200000", "--detail", "0", "-j", "1", "-q", "-o"])
        .arg(dir)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = dir.join(lwsim::output::LOCK_FILE);
    for _ in 0..300 {
        if std::fs::read_to_string(&lock).is_ok_and(|t| !t.trim().is_empty()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigint_and_sigterm_stop_a_run_cleanly_at_any_moment() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let mut stopped = 0;
    // While computing (early), while writing 3,000 replicates' detail, and near the end.
    for (i, (delay_ms, sig, status)) in [
        (150u64, "INT", 130),
        (600, "TERM", 143),
        (1100, "INT", 130),
        (1600, "TERM", 143),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tmp.path().join(format!("s{i}"));
        let child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
            .args(["run", &base, "-r", "3000", "-j", "1", "-o"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        signal(&child, sig);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => assert!(dir.join("summary.json").exists(), "finished: complete"),
            Some(code) => {
                assert_eq!(code, status, "SIG{sig}: {err}");
                assert!(err.contains(&format!("error: interrupted by SIG{sig}")), "{err}");
                // Nothing half-written: no result file at all (they are renamed into place together).
                assert!(!dir.join("summary.json").exists() && !dir.join("weekly.csv").exists());
                stopped += 1;
            }
            None => panic!("killed by the signal instead of handling it: {err}"),
        }
        assert!(debris(&dir).is_empty(), "left {:?}", debris(&dir));
        // The lock is released: the next run goes ahead.
        let again = lwsim(&["run", &base, "-r", "2", "-f", "-q", "-o", dir.to_str().unwrap()]);
        assert!(again.status.success(), "{}", stderr(&again));
    }
    assert!(stopped >= 2, "no signal landed while the run was working");
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join("scenarios/sweeps/levers-morris.toml");
    let whole = tmp.path().join("whole");
    let o = lwsim(&["sweep", file.to_str().unwrap(), "-q", "-o", whole.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("stopped");
    let child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(["sweep", file.to_str().unwrap(), "-j", "1", "-q", "-o"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(debris(&dir).is_empty(), "left {:?}", debris(&dir));
    let journal = dir.join(lwsim::sweep::run::JOURNAL);
    assert!(journal.exists(), "finished points are kept for --resume");
    let o = lwsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--resume",
        "-q",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["design.csv", "sweep.csv", "points.csv", "sensitivity.csv", "sweep.json"] {
        assert_eq!(
            std::fs::read(whole.join(name)).unwrap(),
            std::fs::read(dir.join(name)).unwrap(),
            "{name} differs after an interrupted sweep resumed"
        );
    }
}

#[test]
fn stale_temporaries_of_dead_runs_are_swept_away() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".weekly.csv.tmp-4194304000"), "torn").unwrap();
    std::fs::write(dir.join(".scenario.resolved.toml.tmp-1"), "torn").unwrap();
    std::fs::write(dir.join(lwsim::output::LOCK_FILE), "4194304000\n").unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim(&["run", &base, "-r", "2", "-q", "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(debris(&dir).is_empty(), "left {:?}", debris(&dir));
}

#[test]
fn inputs_are_read_once_from_stdin_pipes_and_fifos() {
    // The issue's input: a bad value through stdin was called ok, because the file was read twice.
    for path in ["/dev/stdin", "-"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
            .args(["validate", path])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"[practices]\ncount = 7.5\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(
            stderr(&out).contains(&format!("{path}:2:9: `practices.count`: expected a whole number")),
            "{}",
            stderr(&out)
        );
    }
    // A FIFO is read once: validate neither hangs nor reads it twice.
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(&fifo, "[practices]\ncount = 7\n").unwrap())
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(["validate", fifo.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if child.try_wait().unwrap().is_none() {
        let _ = child.kill();
        panic!("validate hung on a FIFO");
    }
    writer.join().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("fifo.toml: ok\n"));
    // A scenario from stdin runs; `extends` is relative to the working folder.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(["run", "-", "-r", "2", "-q", "-o"])
        .arg(tmp.path().join("from-stdin"))
        .current_dir(root().join("scenarios"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"name = \"piped\"\nextends = \"deep-end-baseline.toml\"\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("from-stdin/summary.json").exists());
}

#[test]
fn a_results_folder_holds_one_kind_and_force_replaces_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mixed");
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let sweep_file = root().join("scenarios/sweeps/funding-by-buy-in.toml");
    let sweep_small = write(
        tmp.path(),
        "small.toml",
        &format!(
            "name = \"small\"\nscenario = {:?}\nreplicates = 2\nseed = 3\ndesign = \"grid\"\n[[parameter]]\nkey = \"funding.annual_cut\"\nvalues = [0.0, 0.2]\n",
            base
        ),
    );
    assert!(sweep_file.exists());
    // A run, then a sweep into its folder: refused without --force.
    assert!(
        lwsim(&["run", &base, "-r", "2", "-q", "-o", dir.to_str().unwrap()])
            .status
            .success()
    );
    let o = lwsim(&[
        "sweep",
        sweep_small.to_str().unwrap(),
        "-q",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds the results of lwsim run"), "{}", stderr(&o));
    // With --force the run's files go and only the sweep's remain.
    let o = lwsim(&[
        "sweep",
        sweep_small.to_str().unwrap(),
        "-q",
        "-f",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("sweep.json").exists() && !dir.join("summary.json").exists() && !dir.join("weekly.csv").exists());
    // And a run into the sweep's folder: refused, then replaced whole.
    let o = lwsim(&["run", &base, "-r", "2", "-q", "-o", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds the results of lwsim sweep"),
        "{}",
        stderr(&o)
    );
    let o = lwsim(&["run", &base, "-r", "2", "-q", "-f", "-o", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.join("sweep.json").exists() && !dir.join("sweep.csv").exists() && dir.join("summary.json").exists());
    // A run forced over an older run with a report leaves no stale report behind.
    assert!(lwsim(&["report", dir.to_str().unwrap(), "-q"]).status.success());
    assert!(
        lwsim(&["run", &base, "-r", "2", "-q", "-f", "-o", dir.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        !dir.join("report.html").exists(),
        "the old report would describe other results"
    );
}

#[test]
fn a_scenario_named_comparison_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let other = write(
        tmp.path(),
        "c.toml",
        &format!("name = \"comparison\"\nextends = {base:?}\n"),
    );
    let out = lwsim_in(tmp.path(), &["run", &base, other.to_str().unwrap(), "-r", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is named `comparison`, which collides with the comparison lwsim writes"),
        "{}",
        stderr(&out)
    );
    assert!(!tmp.path().join("output").exists(), "left folders behind");
}

#[test]
fn a_refused_run_leaves_no_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let busy = tmp.path().join("busy");
    let child = long_run_holding(&busy);
    // Two scenarios: the second's folder is busy; the first's, made for this run, is removed again.
    let a = tmp.path().join("a.toml");
    std::fs::write(&a, format!("name = \"a\"\nextends = {base:?}\n")).unwrap();
    let b = tmp.path().join("busy.toml");
    std::fs::write(&b, format!("name = \"busy\"\nextends = {base:?}\n")).unwrap();
    let out = lwsim(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-r",
        "2",
        "-o",
        tmp.path().to_str().unwrap(),
    ]);
    signal(&child, "INT");
    let _ = child.wait_with_output();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("another lwsim run (process"), "{}", stderr(&out));
    assert!(!tmp.path().join("a").exists(), "left an empty folder");
}

#[test]
fn printed_commands_are_quoted_for_a_posix_shell() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my results");
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim(&[
        "run",
        &base,
        "-r",
        "2",
        "-q",
        "--report",
        "--set",
        "name=with space ok",
        "-o",
        dir.to_str().unwrap(),
    ]);
    // A name with a space is refused (it names a folder), so use a plain one.
    assert_eq!(out.status.code(), Some(2));
    let out = lwsim(&["run", &base, "-r", "2", "-q", "--report", "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let quoted = format!(
        "lwsim run &#39;{}/scenario.resolved.toml&#39; --out NEW_DIRECTORY",
        dir.display()
    );
    let quoted_plain = format!(
        "lwsim run '{}/scenario.resolved.toml' --out NEW_DIRECTORY",
        dir.display()
    );
    assert!(
        html.contains(&quoted) || html.contains(&quoted_plain),
        "reproduce command not quoted"
    );
    assert!(html.contains(&format!("&#39;{}&#39;", dir.display())) || html.contains(&format!("'{}'", dir.display())));
    // The command as the page shows it, pasted into a shell, runs and reproduces the results.
    let start = html.find("<pre>lwsim run ").expect("a reproduce command") + "<pre>".len();
    let end = start + html[start..].find("</pre>").unwrap();
    let shown = html[start..end]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let again = tmp.path().join("again here");
    let line = shown
        .replacen("lwsim", &lwsim::human::shell_quote(env!("CARGO_BIN_EXE_lwsim")), 1)
        .replace(
            "NEW_DIRECTORY",
            &format!("{} -q", lwsim::human::shell_quote(again.to_str().unwrap())),
        );
    let status = Command::new("sh").args(["-c", &line]).status().unwrap();
    assert!(status.success(), "{line}");
    assert_eq!(
        std::fs::read(dir.join("summary.json")).unwrap(),
        std::fs::read(again.join("summary.json")).unwrap()
    );
}

#[test]
fn messages_name_what_the_user_typed() {
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let o = tmp.path().join("o");
    let o = o.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["-r", "0"],
            "error: --replicates: `simulation.replicates`: expected a value in [1, 1000000]",
        ),
        (
            &["--detail", "2000000"],
            "error: --detail: `output.detail_replicates`: expected a value in [0, 1000000]",
        ),
        (
            &["--set", "simulation.seed=9223372036854775808"],
            "error: --set: `simulation.seed`: expected a number TOML can hold (integers from -9223372036854775808 to 9223372036854775807), found 9223372036854775808",
        ),
        (
            &["--set", "extends=other.toml"],
            "`extends` names a file to build on and can be set only in a scenario file",
        ),
        (
            &["--set", "qqq=1"],
            "error: --set: `qqq`: unknown key; `lwsim keys` lists every key",
        ),
        (
            &["--set", "practices.cuont=3"],
            "unknown key; did you mean `practices.count`",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["run", base.as_str(), "-o", o];
        all.extend_from_slice(args);
        let out = lwsim(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert!(!Path::new(o).exists());
    }
    // docs/SCENARIOS.md prints the seed's maximum as the integer it is, and that value runs.
    let keys = stdout(&lwsim(&["keys"]));
    assert!(keys.contains("9223372036854775807") && !keys.contains("9223372036854776000"));
    let out = lwsim(&["run", &base, "-r", "1", "-q", "-s", "9223372036854775807", "-o", o]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn every_numeric_key_takes_any_toml_literal_without_a_panic() {
    // Literals at and beyond every bound TOML allows, in every numeric scenario key, as a file
    // and through --set: a located error (exit 2) or a valid scenario (exit 0), never a crash.
    let literals = [
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1e400",
        "-1e400",
        "nan",
        "-inf",
        "1.7976931348623157e308",
        "5e-324",
        "-0.0",
        "0x7fffffffffffffff",
        "4294967296",
        "1979-05-27T07:32:00Z",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let numeric: Vec<&str> = lwsim::scenario::params::SPECS
        .iter()
        .filter(|s| s.kind != lwsim::scenario::params::Kind::Text)
        .map(|s| s.key)
        .collect();
    for key in &numeric {
        let (table, leaf) = key.rsplit_once('.').unwrap();
        for lit in literals {
            let text = format!("[{table}]\n{leaf} = {lit}\n");
            let checked = lwsim::scenario::load::load_text(Path::new("x.toml"), text, &[]);
            if let Err(e) = &checked {
                let first = &e.problems[0];
                assert!(first.location.starts_with("x.toml:"), "{key} = {lit}: not located: {e}");
            }
            let set = format!("{key}={lit}");
            let file = write(tmp.path(), "ok.toml", "name = \"ok\"\n");
            let _ = lwsim::scenario::load::load(&file, &[set]);
        }
    }
}

#[test]
fn calibration_states_one_rule_and_its_output_keeps_it() {
    // The issue's input: accept = 2 gave `0.835 # accepted 90% range 0.743 to 0.83`.
    let tmp = tempfile::tempdir().unwrap();
    let search = root().join("calibration/deep-end-search.toml");
    let text = std::fs::read_to_string(&search)
        .unwrap()
        .replace("replicates = 40", "replicates = 2")
        .replace("samples = 800", "samples = 8")
        .replace("../scenarios/", &format!("{}/", root().join("scenarios").display()));
    write(tmp.path(), "search.toml", &text);
    let targets = root().join("calibration/targets.toml");
    for refine in [0, 3] {
        write(
            tmp.path(),
            "cal.toml",
            &format!(
                "sweep = \"search.toml\"\ntargets = {:?}\naccept = 2\nrefine = {refine}\n",
                targets.display()
            ),
        );
        let out_dir = tmp.path().join(format!("out{refine}"));
        let o = lwsim(&[
            "calibrate",
            tmp.path().join("cal.toml").to_str().unwrap(),
            "-q",
            "-o",
            out_dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let chosen = std::fs::read_to_string(out_dir.join("chosen.toml")).unwrap();
        assert!(
            chosen.starts_with("# Chosen by `lwsim calibrate`: accepted point "),
            "{chosen}"
        );
        assert!(chosen.contains("the nearest to the targets"), "{chosen}");
        let mut lines = 0;
        for line in chosen.lines().filter(|l| !l.starts_with('#')) {
            let (key, rest) = line.split_once(" = ").unwrap();
            let (value, range) = rest.split_once("# accepted ").unwrap();
            let value: f64 = value.trim().parse().unwrap();
            let (lo, hi) = range.split_once(" to ").unwrap();
            let (lo, hi): (f64, f64) = (lo.trim().parse().unwrap(), hi.trim().parse().unwrap());
            assert!(
                lo <= value && value <= hi,
                "{key}: {value} outside its accepted range {lo} to {hi}"
            );
            lines += 1;
        }
        assert_eq!(lines, 7);
    }
    let config = std::fs::read_to_string(root().join("calibration/deep-end.toml")).unwrap();
    assert!(!config.contains("median"), "deep-end.toml states the old rule");
}

#[test]
fn a_lock_held_by_a_killed_but_unreaped_process_is_not_a_live_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("zombie");
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let mut child = long_run_holding(&dir);
    child.kill().unwrap(); // SIGKILL, and not reaped yet: a zombie holding the pid
    std::thread::sleep(Duration::from_millis(100));
    let status = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap_or_default();
    assert!(status.contains(") Z "), "not a zombie: {status}");
    let out = lwsim(&["run", &base, "-r", "2", "-q", "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "the zombie's lock blocked: {}", stderr(&out));
    let _ = child.wait();
}

#[test]
fn seek_stops_promptly_on_sigint() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let dir = tmp.path().join("seek");
    let child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args([
            "seek",
            &base,
            "--lever",
            "funding.annual_cut",
            "--goal",
            "integration_rate_24m >= 0.3",
            "-r",
            "100000",
            "-j",
            "1",
            "-o",
        ])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    signal(&child, "INT");
    let asked = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    let waited = asked.elapsed();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    // Replicates already running finish (a Deep End replicate takes about a millisecond); the
    // rest are skipped. The bound is loose: it tells "stopped" from "ran the whole search".
    assert!(waited < Duration::from_secs(10), "took {waited:?} to stop");
    assert!(!dir.join("seek.json").exists() && debris(&dir).is_empty());
}
