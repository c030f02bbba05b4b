//! Writing without tearing: files staged under temporary names and renamed into place together
//! ([`Batch`]), and the lock a run holds on its results directory ([`DirLock`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::RESULT_FILES;
use crate::error::Error;

/// The lock file a run holds in each results directory while it writes there.
pub const LOCK_FILE: &str = ".lwsim.lock";

/// A results directory held by this process: created if needed, locked against a second run,
/// and checked not to hold results already (unless `force`). The lock is released on drop; a
/// lock left by a process that no longer runs (killed, crashed) is taken over.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

impl DirLock {
    pub fn acquire(dir: &Path, force: bool) -> Result<DirLock, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Refused {
                path: dir.into(),
                message: "exists and is not a directory".into(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let me = format!("{}\n", std::process::id());
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    f.write_all(me.as_bytes()).map_err(|e| Error::io(&path, e))?;
                    let lock = DirLock { path };
                    if !force && RESULT_FILES.iter().any(|f| dir.join(f).exists()) {
                        return Err(Error::Refused {
                            path: dir.into(),
                            message:
                                "already holds results; use --force to overwrite, or --out to choose another directory"
                                    .into(),
                        });
                    }
                    return Ok(lock);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) => {
                            return Err(Error::Refused {
                                path: dir.into(),
                                message: format!(
                                    "another lwsim run (process {pid}) is writing here; wait for it to finish or choose another --out (lock: {})",
                                    path.display()
                                ),
                            });
                        }
                        // Left by a run that is gone: take it over.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::io(&path, e)),
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
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Is process `pid` a running lwsim? (Linux: /proc, and its command name, so that a pid reused
/// by another program after a crash does not hold the lock; elsewhere assume it is, so a lock is
/// never stolen.)
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return true;
    }
    match std::fs::read_to_string(proc_root.join(pid.to_string()).join("comm")) {
        Ok(comm) => {
            let me = std::fs::read_to_string(proc_root.join("self/comm")).unwrap_or_default();
            comm.trim() == me.trim() || comm.starts_with("lwsim")
        }
        Err(_) => false,
    }
}

/// Files to be written together: staged under temporary names, then renamed into place.
#[derive(Default)]
pub struct Batch {
    staged: Vec<(PathBuf, PathBuf)>,
}

impl Batch {
    /// Write `bytes` to a temporary file beside `path`.
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

    /// Rename every staged file into place.
    pub fn commit(mut self) -> Result<(), Error> {
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
