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

/// Width and height from a PNG's IHDR chunk, after checking the signature.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// Headless Chromium's command (Debian's package; .ci/run installs it), or `None` with a notice
/// where it is absent. In CI (`CI` set) its absence fails the calling test.
pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have chromium (.ci/run installs it)"
        );
        eprintln!("skipped: no chromium on this machine");
    }
    found
}

/// Flags for a quiet, offline, headless Chromium whose console messages reach stderr (as
/// `:CONSOLE` lines); add `--user-data-dir` and what to do.
pub const CHROMIUM_FLAGS: [&str; 12] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--disable-extensions",
];
