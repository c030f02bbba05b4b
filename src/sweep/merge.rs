//! `lwsim merge`: the shards of a sweep, run apart (`--shard I/N`), combined into exactly the
//! files an unsharded run writes.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use super::finish::finish;
use super::run::{JOURNAL, Shard, design_csv, header, manifest, read_manifest};
use super::spec::Sweep;
use crate::error::{Error, InputError};
use crate::output::{Batch, DirLock, Kind};

/// `lwsim merge`: combine complete shard directories into the files an unsharded run writes.
/// Returns the analysis's warnings, as the unsharded run gives them.
pub fn merge(shards: &[PathBuf], out: &Path, force: bool) -> Result<Vec<String>, Error> {
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    let mut first: Option<(serde_json::Value, Sweep)> = None;
    for dir in shards {
        let (m, sweep) = read_manifest(dir)?;
        if let Some((f, _)) = &first
            && (f["fingerprint"] != m["fingerprint"] || f["shards"] != m["shards"])
        {
            return Err(Error::Refused {
                path: dir.clone(),
                message: format!(
                    "is a shard of a different sweep than {} (fingerprint {} vs {})",
                    shards[0].display(),
                    m["fingerprint"],
                    f["fingerprint"]
                ),
            });
        }
        if m["complete"] != true {
            return Err(Error::Refused {
                path: dir.clone(),
                message: "is not complete: finish it with `lwsim sweep ... --resume`".into(),
            });
        }
        let index = m["shard"].as_u64().unwrap_or(0) as usize;
        if let Some((_, other)) = found.iter().find(|(i, _)| *i == index) {
            return Err(Error::Refused {
                path: dir.clone(),
                message: format!("duplicates shard {index} (also in {})", other.display()),
            });
        }
        found.push((index, dir.clone()));
        if first.is_none() {
            first = Some((m, sweep));
        }
    }
    let Some((m, sweep)) = first else {
        return Err(InputError::at("merge", None, "expected at least one shard directory".into()).into());
    };
    let of = m["shards"].as_u64().unwrap_or(1) as usize;
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
    if !force && out.join("sweep.json").exists() {
        return Err(Error::Refused {
            path: out.into(),
            message: "already holds a sweep; use --force to overwrite".into(),
        });
    }
    // Interleave the shards' rows back into point order: point p is in shard p % of.
    let mut readers = Vec::new();
    for (_, dir) in &found {
        let path = dir.join("sweep.csv");
        let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut lines = std::io::BufReader::new(f).lines();
        let _ = lines.next();
        readers.push((path, lines));
    }
    let tmp = out.join(JOURNAL);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?);
    w.write_all(header(&sweep).as_bytes()).map_err(|e| Error::io(&tmp, e))?;
    for p in 0..sweep.points.len() {
        let (path, lines) = &mut readers[p % of];
        for _ in 0..sweep.replicates {
            let line = lines
                .next()
                .transpose()
                .map_err(|e| Error::io(path.as_path(), e))?
                .ok_or_else(|| {
                    Error::from(InputError::at(
                        &path.display().to_string(),
                        None,
                        format!("ends before point {p}"),
                    ))
                })?;
            writeln!(w, "{line}").map_err(|e| Error::io(&tmp, e))?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::io(&tmp, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, out.join("sweep.csv")).map_err(|e| Error::io(out.join("sweep.csv"), e))?;
    let mut batch = Batch::default();
    batch.stage(out.join("design.csv"), &design_csv(&sweep))?;
    batch.commit()?;
    let warnings = finish(out, &sweep)?;
    let mut batch = Batch::default();
    batch.stage(out.join("sweep.json"), &manifest(&sweep, Shard::WHOLE, true))?;
    batch.commit()?;
    lock.finish();
    Ok(warnings)
}
