//! The command line as researchers script it (issue 21): exit codes, help for every argument,
//! `help CMD` equal to `CMD --help`, short flags, completions, man pages, the closing line,
//! NO_COLOR, and the README's command list generated from the clap definition.

use std::process::Command;

use crate::util::*;

fn commands() -> Vec<String> {
    lwsim::cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[test]
fn every_command_help_describes_each_argument_and_ends_with_exit_codes() {
    for name in commands() {
        let out = lwsim(&[&name, "--help"]);
        assert!(out.status.success(), "{name} --help: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.trim_end().lines().last().unwrap().contains("143"),
            "{name}: {text}"
        );
        assert!(text.contains("Exit status: 0"), "{name}: {text}");
        // An argument line with nothing after its name is an argument without a description.
        for line in text.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")) {
            let words: Vec<&str> = line.split_whitespace().collect();
            let name_part = words
                .iter()
                .take_while(|w| w.starts_with('-') || w.starts_with('<') || w.starts_with('[') || w.ends_with(','))
                .count();
            if text
                .lines()
                .skip_while(|l| !l.starts_with("Examples:"))
                .any(|l| l == line)
            {
                continue;
            }
            // Long help may put the description on the next, further indented line.
            let next = text.lines().skip_while(|l| *l != line).nth(1).unwrap_or("");
            let described = words.len() > name_part || (next.starts_with("          ") && !next.trim().is_empty());
            assert!(described, "{name}: `{line}` has no description");
        }
        let via_help = lwsim(&["help", &name]);
        assert_eq!(
            stdout(&via_help),
            text,
            "`lwsim help {name}` differs from `lwsim {name} --help`"
        );
    }
    assert!(!stdout(&lwsim(&["run", "--help"])).contains("[default: 0]"));
    let top = lwsim(&["help"]);
    assert_eq!(stdout(&top), stdout(&lwsim(&["--help"])));
    let help_help = lwsim(&["help", "--help"]);
    assert!(help_help.status.success(), "{}", stderr(&help_help));
    let unknown = lwsim(&["help", "nonsense"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn examples_are_shown_for_run_sweep_and_merge() {
    for name in ["run", "sweep", "merge"] {
        let text = stdout(&lwsim(&[name, "--help"]));
        assert!(text.contains(&format!("Examples:\n  lwsim {name} ")), "{name}: {text}");
    }
}

#[test]
fn short_flags_work_as_their_long_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim_in(
        tmp.path(),
        &["run", &base, "-r", "2", "-s", "9", "-j", "1", "-o", "a", "-q"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning: 2 replicates: intervals from fewer than 20 replicates are unreliable\n",
        "-q: the warning, no closing line"
    );
    let again = lwsim_in(
        tmp.path(),
        &[
            "run",
            &base,
            "--replicates",
            "2",
            "--seed",
            "9",
            "--threads",
            "1",
            "--out",
            "b",
            "--quiet",
        ],
    );
    assert!(again.status.success());
    for f in ["summary.json", "monthly.csv", "weekly.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("a").join(f)).unwrap(),
            std::fs::read(tmp.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
    let refused = lwsim_in(tmp.path(), &["run", &base, "-r", "2", "-o", "a", "-q"]);
    assert_eq!(refused.status.code(), Some(2));
    let forced = lwsim_in(tmp.path(), &["run", &base, "-r", "2", "-o", "a", "-q", "-f"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

#[test]
fn thread_counts_out_of_bounds_are_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    for bad in ["0", "1025", "100000"] {
        let out = lwsim_in(tmp.path(), &["run", &base, "-r", "3", "--threads", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("1..=1024"), "{}", stderr(&out));
        assert!(
            !tmp.path().join("output").exists(),
            "nothing written for --threads {bad}"
        );
    }
}

#[test]
fn targets_exits_3_when_a_target_fails_and_0_when_all_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let impossible = write(
        tmp.path(),
        "t.toml",
        "[[target]]\nname = \"impossible\"\noutcome = \"integration_rate_24m\"\nobserved = 0.99\ntolerance = 0.001\nsource = \"test\"\n",
    );
    let out = lwsim(&["targets", &base, "-r", "20", "--targets", impossible.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stdout(&out).contains("**FAIL**"), "the table is still printed");
    assert!(
        stderr(&out).contains("1 of 1 targets FAIL: impossible"),
        "{}",
        stderr(&out)
    );
    let easy = write(
        tmp.path(),
        "e.toml",
        "[[target]]\nname = \"anything\"\noutcome = \"integration_rate_24m\"\nlower = 0.0\nupper = 1.0\nsource = \"test\"\n",
    );
    let out = lwsim(&["targets", &base, "-r", "20", "--targets", easy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn targets_finds_the_projects_targets_from_any_working_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim_in(tmp.path(), &["targets", &base, "-r", "5"]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(3),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("integration at 24 months"));
    // A scenario with no calibration/ above it, run from a folder without one: say what to pass.
    let lone = write(tmp.path(), "lone.toml", "name = \"lone\"\n");
    let out = lwsim_in(tmp.path(), &["targets", lone.to_str().unwrap(), "-r", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --targets FILE"), "{}", stderr(&out));
}

#[test]
fn report_refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml").display().to_string();
    let out = lwsim_in(tmp.path(), &["run", &base, "-r", "3", "-o", "r", "-q"]);
    assert!(out.status.success());
    let dir = tmp.path().join("r");
    let first = lwsim(&["report", dir.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stderr(&first), format!("wrote {}\n", dir.join("report.html").display()));
    std::fs::write(dir.join("report.html"), "mine").unwrap();
    let second = lwsim(&["report", dir.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(2));
    assert!(stderr(&second).contains("use --force"), "{}", stderr(&second));
    assert_eq!(std::fs::read_to_string(dir.join("report.html")).unwrap(), "mine");
    let forced = lwsim(&["report", "-f", "-q", dir.to_str().unwrap()]);
    assert!(forced.status.success() && stderr(&forced).is_empty());
    assert!(
        std::fs::read_to_string(dir.join("report.html"))
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn completions_for_each_shell_and_man_pages_for_each_command() {
    for (shell, marker) in [
        ("bash", "complete -F _lwsim"),
        ("zsh", "#compdef lwsim"),
        ("fish", "complete -c lwsim"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = lwsim(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: no `{marker}`");
        assert!(
            text.contains("calibrate") && text.contains("replicates"),
            "{shell}: commands and flags completed"
        );
    }
    assert_eq!(lwsim(&["completions", "tcsh"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let out = lwsim(&["man", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in commands() {
        let page = tmp.path().join(format!("lwsim-{name}.1"));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("{} missing", page.display()));
        assert!(text.contains(".TH"), "{name}: not roff");
    }
    let top = std::fs::read_to_string(tmp.path().join("lwsim.1")).unwrap();
    assert!(top.contains("Exit status"), "the man page carries the exit codes");
}

#[test]
fn no_color_is_respected() {
    let help = |no_color: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lwsim"));
        c.args(["run", "--help"])
            .env("CLICOLOR_FORCE", "1")
            .env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        c.output().unwrap()
    };
    assert!(stdout(&help(false)).contains('\u{1b}'), "colour when forced");
    assert!(!stdout(&help(true)).contains('\u{1b}'), "none with NO_COLOR");
}

/// The README's command list is `lwsim::cli::usage_lines()`, between its markers. To refresh it
/// after changing a command: `LWSIM_BLESS=1 cargo test readme_command_list`.
#[test]
fn readme_command_list_matches_the_clap_definition() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        "<!-- commands: generated from src/cli.rs -->\n```\n",
        "```\n<!-- end commands -->",
    );
    let a = readme.find(start).expect("README has the commands marker") + start.len();
    let b = readme[a..].find(end).expect("README has the end marker") + a;
    let want = lwsim::cli::usage_lines();
    if readme[a..b] != want && std::env::var_os("LWSIM_BLESS").is_some() {
        std::fs::write(&path, format!("{}{}{}", &readme[..a], want, &readme[b..])).unwrap();
        return;
    }
    assert_eq!(
        readme[a..b],
        want,
        "README's command list is stale: LWSIM_BLESS=1 cargo test readme_command_list"
    );
}
