//! `lwsim merge`: the shards of a sweep, run apart (`--shard I/N`), combined into exactly the
//! files an unsharded run writes.

use std::path::{Path, PathBuf};

use super::files::{self, Manifest, read_manifest};
use super::finish::finish;
use crate::error::{Error, InputError};
use crate::output::{Batch, DirLock, Kind};

/// `lwsim merge`: combine complete shard directories into the files an unsharded run writes.
/// Returns the analysis's warnings, as the unsharded run gives them.
///
/// # Errors
/// Directories that are not the complete shards of one sweep, each once, or an output directory
/// that holds a sweep (without `force`) or is locked (refusals); files that cannot be read or
/// written.
pub fn merge(shards: &[PathBuf], out: &Path, force: bool) -> Result<Vec<String>, Error> {
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    let mut first: Option<Manifest> = None;
    for dir in shards {
        let m = read_manifest(dir)?;
        if let Some(f) = &first
            && (f.fingerprint != m.fingerprint || f.shards != m.shards)
        {
            return Err(Error::Refused {
                path: dir.clone(),
                message: format!(
                    "is a shard of a different sweep than {} (fingerprint {:?} vs {:?})",
                    shards[0].display(),
                    m.fingerprint,
                    f.fingerprint
                ),
            });
        }
        if !m.complete {
            return Err(Error::Refused {
                path: dir.clone(),
                message: "is not complete: finish it with `lwsim sweep ... --resume`".into(),
            });
        }
        let index = m.shard;
        if let Some((_, other)) = found.iter().find(|(i, _)| *i == index) {
            return Err(Error::Refused {
                path: dir.clone(),
                message: format!("duplicates shard {index} (also in {})", other.display()),
            });
        }
        found.push((index, dir.clone()));
        if first.is_none() {
            first = Some(m);
        }
    }
    let Some(Manifest { shards: of, sweep, .. }) = first else {
        return Err(InputError::at("merge", None, "expected at least one shard directory".into()).into());
    };
    let missing: Vec<String> = (0..of)
        .filter(|i| !found.iter().any(|(j, _)| j == i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Refused {
            path: out.into(),
            message: format!(
                "shards missing: {} of {of} (give every shard's directory)",
                missing.join(", ")
            ),
        });
    }
    found.sort();
    let lock = DirLock::acquire(out, Kind::Sweep, force)?;
    if !force && files::has_manifest(out) {
        return Err(Error::Refused {
            path: out.into(),
            message: "already holds a sweep; use --force to overwrite".into(),
        });
    }
    // Interleave the shards' rows back into point order: point p is in shard p % of.
    let dirs: Vec<PathBuf> = found.into_iter().map(|(_, dir)| dir).collect();
    files::interleave(&dirs, &sweep, out)?;
    let mut batch = Batch::default();
    batch.stage(out.join(crate::output::names::DESIGN_CSV), &files::design_csv(&sweep))?;
    batch.commit()?;
    let (warnings, _) = finish(out, &sweep)?;
    let mut batch = Batch::default();
    batch.stage(
        out.join(crate::output::names::SWEEP_JSON),
        &files::manifest(&sweep, 0, 1, true),
    )?;
    batch.commit()?;
    lock.finish();
    Ok(warnings)
}
