//! The commands that check rather than write results: `lwsim validate` (scenario and sweep files
//! without running them) and `lwsim targets` (a scenario's run against the calibration targets,
//! printed as docs/VALIDATION.md).

use std::path::{Path, PathBuf};

use super::{Ui, print};
use crate::cli::exit;
use crate::error::{Error, InputError};
use crate::human;
use crate::scenario::load;

/// `lwsim validate FILE...`: `FILE: ok` on stdout for each good file, each error on stderr;
/// exit 2 when any file is bad.
pub(super) fn validate(files: &[PathBuf], ui: &dyn Ui) -> Result<u8, Error> {
    let mut failed = false;
    let mut report = String::new();
    for f in files {
        // Read once: standard input and pipes can be read only once.
        let checked = load::read_text(f).and_then(|text| {
            if is_sweep_text(&text) {
                crate::sweep::spec::read_from(f, text).map(|_| ())
            } else {
                load::load_text(f, text, &[]).map(|_| ())
            }
        });
        match checked {
            Ok(_) => report.push_str(&format!("{}: ok\n", f.display())),
            Err(e) => {
                failed = true;
                ui.note(&format!("error: {e}"));
            }
        }
    }
    print(ui, &report)?;
    Ok(if failed { exit::BAD_INPUT } else { exit::SUCCESS })
}

/// Is this text a sweep file (it has a top-level `design`, `scenario` or `parameter` key)
/// rather than a scenario? Read leniently (any value TOML's grammar takes), so that a sweep file
/// with a bad value is still checked as a sweep.
fn is_sweep_text(text: &str) -> bool {
    toml::de::DeTable::parse(text).is_ok_and(|t| {
        ["design", "scenario", "parameter"]
            .iter()
            .any(|k| t.get_ref().contains_key(*k))
    })
}

/// `lwsim targets SCENARIO`: run the scenario (with `--replicates`), print docs/VALIDATION.md on
/// stdout; exit 3, with the failing targets on stderr, when any target fails.
pub(super) fn targets(
    scenario: &Path,
    targets: Option<PathBuf>,
    replicates: Option<u32>,
    threads: usize,
    ui: &dyn Ui,
) -> Result<u8, Error> {
    let set = replicates.map(|n| format!("simulation.replicates={n}"));
    let sets: Vec<(&str, &str)> = set.iter().map(|s| ("--replicates", s.as_str())).collect();
    let s = load::load_text(scenario, load::read_text(scenario)?, &sets)?;
    let file = match &targets {
        Some(t) => t.clone(),
        None => find_targets(scenario)?,
    };
    let t = crate::calibrate::read_targets(&file)?;
    let reps = crate::run::run_all(&s, threads, &|| {})?;
    let mut words = vec!["lwsim".to_string(), "targets".into(), scenario.display().to_string()];
    if let Some(n) = replicates {
        words.extend(["--replicates".into(), n.to_string()]);
    }
    if let Some(t) = &targets {
        words.extend(["--targets".into(), t.display().to_string()]);
    }
    let command = format!("{} > docs/VALIDATION.md", human::shell_command(&words));
    let (doc, failed) = crate::calibrate::validation_doc(&s, &t, &reps, &command);
    print(ui, &doc)?;
    if failed.is_empty() {
        Ok(exit::SUCCESS)
    } else {
        ui.note(&format!(
            "error: {} of {} targets FAIL: {}",
            failed.len(),
            t.len(),
            failed.join(", ")
        ));
        Ok(exit::CHECK_FAILED)
    }
}

/// Where `lwsim targets` finds its targets without `--targets`: calibration/targets.toml in the
/// scenario's folder or the nearest folder above it, then in the working folder.
fn find_targets(scenario: &Path) -> Result<PathBuf, Error> {
    let relative = Path::new("calibration").join("targets.toml");
    let start = std::fs::canonicalize(scenario)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let found = start
        .iter()
        .flat_map(|d| d.ancestors())
        .map(|d| d.join(&relative))
        .chain(std::iter::once(relative.clone()))
        .find(|p| p.is_file());
    found.ok_or_else(|| {
        Error::from(InputError::at(
            &scenario.display().to_string(),
            None,
            "no calibration/targets.toml in this scenario's folder, the folders above it, or the working folder; pass --targets FILE".into(),
        ))
    })
}
