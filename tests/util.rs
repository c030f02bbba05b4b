//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// Run the lwsim binary with `args` in `dir`.
pub fn lwsim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("lwsim runs")
}

pub fn lwsim(args: &[&str]) -> Output {
    lwsim_in(&root(), args)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Load a shipped scenario through the same path the CLI uses.
pub fn load(name: &str, sets: &[&str]) -> lwsim::Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    lwsim::scenario::load::load(&scenario(name), &sets).expect("shipped scenario loads")
}

/// Write `text` to `name` in `dir` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}
