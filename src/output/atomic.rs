//! Writing without tearing: files staged under temporary names and renamed into place together
//! ([`Batch`]), and the lock a run holds on its results directory ([`DirLock`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The page `lwsim report` (and `--report`) writes into a results directory.
pub const REPORT: &str = "report.html";

/// The lock file a run holds in each results directory while it writes there.
pub const LOCK_FILE: &str = ".lwsim.lock";

/// What a results directory holds: one kind only (INTERFACE.md; a run's results never mix with
/// a sweep's). Each kind is recognised by its marker files and owns the files it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `lwsim run`: one scenario's results.
    Run,
    /// `comparison/` beside two or more scenarios' results.
    Comparison,
    /// `lwsim sweep`, `lwsim merge` and `lwsim calibrate` (a calibration is a sweep).
    Sweep,
    /// `lwsim seek`.
    Seek,
    /// `lwsim dose-response`.
    DoseResponse,
}

impl Kind {
    /// In the order [`Kind::of`] tries them (a seek's folder also holds a resolved scenario).
    const ALL: [Kind; 5] = [Kind::Seek, Kind::DoseResponse, Kind::Sweep, Kind::Comparison, Kind::Run];

    /// The command that writes this kind, for messages.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Run => "lwsim run",
            Kind::Comparison => "a comparison (lwsim run with several scenarios)",
            Kind::Sweep => "lwsim sweep",
            Kind::Seek => "lwsim seek",
            Kind::DoseResponse => "lwsim dose-response",
        }
    }

    /// Files whose presence means a directory holds this kind.
    fn markers(self) -> &'static [&'static str] {
        match self {
            Kind::Run => &["summary.json"],
            Kind::Comparison => &[super::INTEGRATION_CSV, super::EFFECTS_CSV],
            Kind::Sweep => &[super::names::SWEEP_JSON],
            Kind::Seek => &[super::names::SEEK_JSON],
            Kind::DoseResponse => &[super::names::DOSE_CSV],
        }
    }

    /// Every file this kind writes (what `--force` removes before writing anew). A run's are
    /// its result files, its charts and its page ([`super::RESULT_FILES`], [`super::CHARTS`]); a
    /// comparison's likewise from its declarations, the others' from [`super::names`]. The snapshot test checks that every file a
    /// run, comparison, seek, dose-response, sweep and calibration writes is listed here.
    pub fn files(self) -> Vec<String> {
        use super::names::*;
        let run_charts: Vec<&str> = super::CHARTS.iter().map(|(name, _, _)| *name).collect();
        match self {
            Kind::Run => owned(&[&super::RESULT_FILES[..], &[REPORT]].concat(), &run_charts),
            Kind::Comparison => owned(
                &[super::HEADLINE_CSV, super::INTEGRATION_CSV, super::EFFECTS_CSV, REPORT],
                &super::COMPARISON_CHARTS,
            ),
            Kind::Sweep => owned(
                &[
                    SWEEP_JSON,
                    DESIGN_CSV,
                    SWEEP_CSV,
                    JOURNAL,
                    POINTS_CSV,
                    SENSITIVITY_CSV,
                    ACCEPTED_CSV,
                    FIT_CSV,
                    CHOSEN_TOML,
                    REFINED_CSV,
                ],
                &[HEATMAP_CHART, SENSITIVITY_CHART],
            ),
            Kind::DoseResponse => owned(&[DOSE_CSV, DOSE_MD], &DOSE_CHARTS),
            Kind::Seek => owned(
                &[SEEK_JSON, SEEK_CSV, "scenario.resolved.toml", super::RUN_JSON, REPORT],
                &[SEEK_CHART],
            ),
        }
    }

    /// The kind a directory holds, if any (the first whose markers are present).
    pub fn of(dir: &Path) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.markers().iter().any(|m| dir.join(m).is_file()))
    }
}

/// `files` and each chart of `charts` as STEM.png and STEM.svg ([`super::chart_names`]).
fn owned(files: &[&str], charts: &[&str]) -> Vec<String> {
    files
        .iter()
        .map(ToString::to_string)
        .chain(charts.iter().flat_map(|c| super::chart_names(c)))
        .collect()
}

/// A results directory held by this process: created if needed, locked against a second run
/// (an OS advisory lock, released by the operating system when the process ends however it
/// ends, so a killed run never leaves a lock that blocks the next), cleared of temporary files
/// left by runs that died, and checked to hold no results of another kind (and, for a run, none
/// of its own kind) unless `force`, which then removes every file lwsim writes there.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    /// The directory, if this lock created it: removed again on release if left empty (a run
    /// refused or interrupted before it wrote anything leaves no empty folder behind).
    created: Option<PathBuf>,
    /// Files of earlier results to remove once the new ones are in place ([`DirLock::finish`]).
    stale: Vec<PathBuf>,
    /// When the lock was taken: files written since are this command's.
    since: std::time::SystemTime,
    _file: std::fs::File,
}

impl DirLock {
    /// Take `dir` for results of `kind`.
    ///
    /// # Errors
    /// `Refused` (exit 2) when another lwsim process holds the directory, when `dir` or one of
    /// its parents is a plain file, or when it holds results (of another kind, or a run's) and `force` is false; `Io`
    /// (exit 1) when it cannot be created or locked.
    pub fn acquire(dir: &Path, kind: Kind, force: bool) -> Result<DirLock, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Refused {
                path: dir.into(),
                message: "exists and is not a directory".into(),
            });
        }
        // A parent that is a file is the same mistake as `dir` being one: bad input, not a
        // failure of the machine.
        if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
            return Err(Error::Refused {
                path: dir.into(),
                message: format!("cannot be made: {} is a file, not a directory", file.display()),
            });
        }
        let created = (!dir.exists()).then(|| dir.to_path_buf());
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let file = match Self::lock(dir, &path) {
            Ok(file) => file,
            Err(e) => {
                if let Some(d) = &created {
                    let _ = std::fs::remove_dir(d);
                }
                return Err(e);
            }
        };
        let mut lock = DirLock {
            path,
            created,
            stale: Vec::new(),
            since: std::time::SystemTime::now(),
            _file: file,
        };
        remove_stale_temporaries(dir);
        if let Some(held) = Kind::of(dir) {
            let same = held == kind;
            // A sweep decides itself (resume or start again); a comparison is remade from the
            // scenarios just run. Anything else needs --force.
            let remade = same && matches!(kind, Kind::Sweep | Kind::Comparison);
            if !force && !remade {
                let message = if same {
                    "already holds results; use --force to overwrite, or --out to choose another directory".to_string()
                } else {
                    format!(
                        "holds the results of {}; a results directory holds one kind: use --force to replace them whole, or --out to choose another directory",
                        held.command()
                    )
                };
                return Err(Error::Refused {
                    path: dir.into(),
                    message,
                });
            }
            if !same || kind != Kind::Sweep {
                // Removed only once the new results are in place (`finish`): an interrupted
                // replacement leaves the old results as they were.
                lock.stale = Kind::ALL
                    .iter()
                    .flat_map(|k| k.files())
                    .map(|name| dir.join(name))
                    .filter(|p| p.is_file())
                    .collect();
            }
        }
        Ok(lock)
    }

    /// The new results are in place: remove every file an earlier command left that this one
    /// did not write anew (results of another kind, or a report of older results), so the
    /// directory holds one set of results. Call it after the last commit.
    pub fn finish(self) {
        for path in &self.stale {
            let older = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < self.since);
            if older {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Open the lock file and take its advisory lock, writing our process id into it.
    fn lock(dir: &Path, path: &Path) -> Result<std::fs::File, Error> {
        for _ in 0..3 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            match file.try_lock() {
                Ok(()) => {
                    // The previous holder removes the file as it lets go: make sure the lock
                    // we hold is on the file the path names now.
                    if !same_file(&file, path) {
                        continue;
                    }
                    let me = format!("{}\n", std::process::id());
                    file.set_len(0)
                        .and_then(|_| file.write_all(me.as_bytes()))
                        .map_err(|e| Error::io(path, e))?;
                    return Ok(file);
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(path).unwrap_or_default();
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (process {holder})")
                    };
                    return Err(Error::Refused {
                        path: dir.into(),
                        message: format!(
                            "another lwsim run{who} is writing here; wait for it to finish or choose another --out (lock: {})",
                            path.display()
                        ),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        }
        Err(Error::Refused {
            path: dir.into(),
            message: "could not take the results directory's lock".into(),
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock; the lock goes with the descriptor.
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = &self.created {
            let _ = std::fs::remove_dir(dir); // only if empty
        }
    }
}

/// Does `path` still name the open `file`?
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Remove lwsim's own `.NAME.tmp-PID` files (NAME a file some kind writes): with the
/// directory's lock held, any there were left by a run that died before it could clean up.
/// Nothing else in the folder is touched.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once(".tmp-"))
            .is_some_and(|(file, pid)| {
                !pid.is_empty()
                    && pid.bytes().all(|b| b.is_ascii_digit())
                    && Kind::ALL.iter().any(|k| k.files().iter().any(|f| f == file))
            });
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Files to be written together: staged under temporary names, then renamed into place.
#[derive(Default)]
pub struct Batch {
    staged: Vec<(PathBuf, PathBuf)>,
}

impl Batch {
    /// Write `bytes` to a temporary file beside `path`.
    ///
    /// # Errors
    /// `Io` when the temporary file cannot be written; it and every file staged before are
    /// removed.
    pub fn stage(&mut self, path: PathBuf, bytes: &[u8]) -> Result<(), Error> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let result = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            self.abandon();
            return Err(Error::io(&path, e));
        }
        self.staged.push((tmp, path));
        Ok(())
    }

    /// Stage a file already written (streamed) under a temporary name.
    pub fn adopt(&mut self, tmp: PathBuf, path: PathBuf) {
        self.staged.push((tmp, path));
    }

    /// Rename every staged file into place; if SIGINT or SIGTERM has arrived, remove them
    /// instead (no half-written set of results).
    ///
    /// # Errors
    /// `Interrupted`, or `Io` naming the file that could not be renamed (then none of the
    /// remaining temporary files is left behind).
    pub fn commit(mut self) -> Result<(), Error> {
        crate::interrupt::check()?;
        let staged = std::mem::take(&mut self.staged);
        for (i, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                for (t, _) in &staged[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(Error::io(path, e));
            }
        }
        Ok(())
    }

    fn abandon(&mut self) {
        for (tmp, _) in self.staged.drain(..) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.abandon();
    }
}
