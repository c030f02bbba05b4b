//! Bad input: exit status 2, one `error:` line naming the file, line, column and key, and
//! nothing written. Each file in tests/bad/ states what its message must contain in
//! `# expect:` lines.

use crate::util::*;

fn bad_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn expectations(path: &std::path::Path) -> Vec<String> {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn each_bad_file_is_refused_with_a_message_naming_what_is_wrong() {
    let files = bad_files();
    assert!(files.len() >= 20, "the table of bad inputs shrank");
    for path in files {
        let expect = expectations(&path);
        assert!(!expect.is_empty(), "{}: no `# expect:` lines", path.display());
        let out = lwsim(&["validate", path.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", path.display());
        assert!(err.starts_with("error: "), "{}: {err}", path.display());
        assert!(!err.contains("panicked"), "{err}");
        for e in expect {
            assert!(err.contains(&e), "{}: message lacks {e:?}:\n{err}", path.display());
        }
    }
}

#[test]
fn a_refused_scenario_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for path in bad_files() {
        let out_dir = tmp.path().join("out");
        let out = lwsim(&["run", path.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert!(!out_dir.exists(), "{}: wrote results", path.display());
    }
}

#[test]
fn missing_files_and_directories_are_refused() {
    let out = lwsim(&["validate", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "error: no/such/file.toml: cannot read file: no such file"
    );
    let out = lwsim(&["validate", "scenarios"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "error: scenarios: expected a file, found a directory"
    );
}

#[test]
fn bad_set_overrides_are_refused_with_the_key() {
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let cases: [(&str, &str); 7] = [
        (
            "practices.count",
            "error: --set: expected KEY=VALUE, found \"practices.count\"",
        ),
        ("=3", "error: --set: expected a key before '='"),
        (
            "practices.cuont=3",
            "error: --set: `practices.cuont`: unknown key; did you mean `practices.count`",
        ),
        (
            "practices.count=many",
            "error: --set: `practices.count`: expected a whole number",
        ),
        (
            "practices.count=2.5",
            "error: --set: `practices.count`: expected a whole number",
        ),
        (
            "funding.annual_cut=1.5",
            "error: --set: `funding.annual_cut`: expected a value in [0, 1]",
        ),
        (
            "funding.annual_cut=[1",
            "error: --set: `funding.annual_cut`: expected a TOML value",
        ),
    ];
    for (set, expected) in cases {
        let out = lwsim(&["validate", &base]);
        assert!(out.status.success());
        let out = lwsim(&["run", &base, "--set", set, "--out", "/nonexistent/never-written"]);
        assert_eq!(out.status.code(), Some(2), "{set}");
        assert!(stderr(&out).starts_with(expected), "{set}: {}", stderr(&out));
    }
}

#[test]
fn a_set_override_reaches_the_resolved_scenario() {
    let s = load(
        "deep-end-baseline.toml",
        &[
            "funding.annual_cut=0.25",
            "name=\"renamed\"",
            "practices.gp_buy_in.mean=0.7",
        ],
    );
    assert_eq!(s.funding.annual_cut, 0.25);
    assert_eq!(s.name, "renamed");
    assert_eq!(s.practices.gp_buy_in.mean, 0.7);
    assert_eq!(s.practices.gp_buy_in.sd, 0.2, "the sibling key keeps its value");
}

#[test]
fn extends_overrides_only_what_the_file_sets() {
    let base = load("deep-end-baseline.toml", &[]).into_raw();
    let austerity = load("austerity.toml", &[]);
    assert_eq!(austerity.funding.annual_cut, 0.1);
    let mut same = austerity.into_raw();
    same.funding.annual_cut = base.funding.annual_cut;
    same.name = base.name.clone();
    same.description = base.description.clone();
    assert_eq!(same, base);
}

#[test]
fn a_one_line_scenario_runs_with_every_default() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "x.toml", "name = \"x\"\n");
    let s = lwsim::scenario::load::load(&path, &[]).unwrap();
    let defaults = lwsim::RawScenario {
        name: "x".into(),
        explicit: vec!["name".into()],
        ..Default::default()
    };
    assert_eq!(s.into_raw(), defaults);
}

#[test]
fn every_key_has_a_spec_and_the_key_reference_is_current() {
    let table = toml::Table::try_from(lwsim::Scenario::default()).unwrap();
    let mut keys = lwsim::scenario::load::leaf_keys(&table);
    let mut specs: Vec<String> = lwsim::scenario::params::SPECS
        .iter()
        .map(|s| s.key.to_string())
        .collect();
    keys.sort();
    specs.sort();
    assert_eq!(keys, specs);
    let doc = std::fs::read_to_string(root().join("docs/SCENARIOS.md")).unwrap();
    assert_eq!(
        doc,
        lwsim::scenario::reference::markdown(),
        "docs/SCENARIOS.md is stale: run `lwsim keys > docs/SCENARIOS.md`"
    );
    for s in lwsim::scenario::params::SPECS {
        assert!(
            !s.source.is_empty() && !s.doc.is_empty(),
            "{}: no provenance or meaning",
            s.key
        );
    }
}

#[test]
fn the_defaults_pass_their_own_checks() {
    assert!(lwsim::scenario::params::check(&lwsim::Scenario::default()).is_empty());
}
