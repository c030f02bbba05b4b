//! The pinned behaviour (issue 15, item 5): the size and FNV-1a hash of every result file of a
//! small run (under both uncertainty modes), a small comparison, a small sweep of each design,
//! the report pages of a run, a comparison and a seek, a seek, a dose-response, a calibration
//! and a merge of a sharded sweep, checked in as tests/snapshot.txt. A change that alters any byte fails here, naming the files;
//! when the change is meant, regenerate with `LWSIM_BLESS=1 cargo test --test tests snapshot`
//! and give the reason in the commit. run.json (wall time, command line) is left out, and the
//! binary's path, which the pages print in their command lines, is read as `lwsim`.

use crate::util::*;
use std::path::Path;

/// FNV-1a, 64 bits: stable across Rust versions and machines, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `bytes` with the path of the lwsim binary under test replaced by `lwsim`: pages that say how
/// to reproduce them name the binary as it was called, which differs between checkouts.
fn without_binary_path(bytes: &[u8]) -> Vec<u8> {
    let binary = env!("CARGO_BIN_EXE_lwsim").as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.starts_with(binary) {
            out.extend_from_slice(b"lwsim");
            rest = &rest[binary.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// One line per file below `dir` (sorted, dotfiles and run.json left out): path, size, hash.
fn listing(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "run.json" {
            continue;
        }
        let shown = format!("{prefix}{name}");
        if path.is_dir() {
            listing(&path, &format!("{shown}/"), out);
        } else {
            let bytes = without_binary_path(&std::fs::read(&path).unwrap());
            out.push(format!("{shown} {} {:016x}", bytes.len(), fnv1a(&bytes)));
        }
    }
}

fn ok(dir: &Path, args: &[&str]) {
    let o = lwsim_in(dir, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

const SWEEP: &str = "name = \"NAME\"\nscenario = \"base.toml\"\nreplicates = 2\nseed = 5\n\
design = \"DESIGN\"\nSIZE\noutcomes = [\"integration_rate_24m\", \"share_connected\"]\n\
[[parameter]]\nkey = \"funding.annual_cut\"\nmin = 0.0\nmax = 0.2\nSTEPS\n\
[[parameter]]\nkey = \"practices.gp_buy_in.mean\"\nmin = 0.3\nmax = 0.7\nSTEPS\n";

#[test]
fn snapshot_of_every_result_file_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for name in ["deep-end-baseline.toml", "austerity.toml"] {
        std::fs::copy(scenario(name), t.join(name)).unwrap();
    }
    std::fs::copy(scenario("deep-end-baseline.toml"), t.join("base.toml")).unwrap();
    let small = ["-r", "5", "--detail", "2", "-q"];
    let run = |extra: &[&str]| {
        let mut args = vec!["run"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&small);
        ok(t, &args);
    };
    run(&["deep-end-baseline.toml", "-o", "out/run"]);
    run(&["deep-end-baseline.toml", "-o", "out/full", "--uncertainty", "full"]);
    run(&["deep-end-baseline.toml", "austerity.toml", "-o", "out/compare"]);
    for (design, size, steps) in [
        ("grid", "", "steps = 3"),
        ("lhs", "samples = 5", ""),
        ("morris", "samples = 3\nlevels = 4", ""),
        ("sobol", "samples = 8\nresamples = 20", ""),
    ] {
        let text = SWEEP
            .replace("NAME", design)
            .replace("DESIGN", design)
            .replace("SIZE", size)
            .replace("STEPS", steps);
        write(t, &format!("{design}.toml"), &text);
        ok(
            t,
            &["sweep", &format!("{design}.toml"), "-o", &format!("out/{design}"), "-q"],
        );
    }
    // The pages, and the commands built on runs and sweeps (seek, dose-response, calibrate, merge).
    ok(t, &["report", "out/run", "-q"]);
    ok(t, &["report", "out/compare/comparison", "-q"]);
    let seek = ["--lever", "funding.annual_cut", "--goal", "integration_rate_24m <= 0.4"];
    ok(
        t,
        &[
            &["seek", "base.toml", "-r", "8", "-s", "3", "-o", "out/seek", "-q"][..],
            &seek,
        ]
        .concat(),
    );
    ok(t, &["report", "out/seek", "-q"]);
    ok(t, &["dose-response", "base.toml", "-r", "2", "-o", "out/dose", "-q"]);
    let search = std::fs::read_to_string(root().join("calibration/deep-end-search.toml"))
        .unwrap()
        .replace("replicates = 40", "replicates = 2")
        .replace("samples = 800", "samples = 6")
        .replace("../scenarios/deep-end-baseline.toml", "base.toml");
    write(t, "search.toml", &search);
    std::fs::copy(root().join("calibration/targets.toml"), t.join("targets.toml")).unwrap();
    write(
        t,
        "cal.toml",
        "sweep = \"search.toml\"\ntargets = \"targets.toml\"\naccept = 2\nrefine = 3\n",
    );
    ok(t, &["calibrate", "cal.toml", "-o", "out/calibrate", "-q"]);
    for shard in ["0/2", "1/2"] {
        let dir = format!("out/shards/{}", &shard[..1]);
        ok(t, &["sweep", "lhs.toml", "--shard", shard, "-o", &dir, "-q"]);
    }
    ok(t, &["merge", "out/shards/0", "out/shards/1", "-o", "out/merge", "-q"]);
    // Every file each command wrote is one its kind owns (what --force removes before writing).
    use lwsim::output::Kind;
    for (dir, kind) in [
        ("run", Kind::Run),
        ("full", Kind::Run),
        ("compare/deep-end-baseline", Kind::Run),
        ("compare/comparison", Kind::Comparison),
        ("seek", Kind::Seek),
        ("dose", Kind::DoseResponse),
        ("calibrate", Kind::Sweep),
        ("merge", Kind::Sweep),
        ("sobol", Kind::Sweep),
        ("morris", Kind::Sweep),
    ] {
        let owned = kind.files();
        for entry in std::fs::read_dir(t.join("out").join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name.starts_with('.') || owned.contains(&name),
                "{dir}/{name} is not among {kind:?}'s files"
            );
        }
    }
    let mut lines = Vec::new();
    listing(&t.join("out"), "", &mut lines);
    let now = lines.join("\n") + "\n";
    let pinned = root().join("tests/snapshot.txt");
    if std::env::var_os("LWSIM_BLESS").is_some() {
        std::fs::write(&pinned, &now).unwrap();
        return;
    }
    let before = std::fs::read_to_string(&pinned).unwrap_or_default();
    let old: Vec<&str> = before.lines().collect();
    let changed: Vec<&str> = lines.iter().map(String::as_str).filter(|l| !old.contains(l)).collect();
    let gone: Vec<&str> = old.iter().copied().filter(|l| !lines.iter().any(|n| n == l)).collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "result files changed; if that is meant, run `LWSIM_BLESS=1 cargo test --test tests snapshot` and say why in the commit.\nnow:\n{}\nwas:\n{}",
        changed.join("\n"),
        gone.join("\n")
    );
}
