//! Running a sweep: replicates at every point in parallel, rows streamed to disk in point order
//! as chunks of points finish, resumable after a kill, splittable into shards, and merged back.
//!
//! Files in a sweep directory: sweep.json (the sweep, its fingerprint, the shard, and whether it
//! is complete), design.csv, sweep.partial.csv while running (renamed to sweep.csv when every
//! point of the shard is done), then, for a whole sweep, points.csv, sensitivity.csv (morris,
//! sobol) and the charts. A whole sweep and the merge of its shards (`merge.rs`) write the same
//! bytes: both end in `finish.rs`.

use std::io::{BufRead, Write};
use std::path::Path;

use rayon::prelude::*;

use super::finish::finish;
use super::spec::Sweep;
use crate::error::{Error, InputError};
use crate::output::{Batch, DirLock, Kind};

pub const JOURNAL: &str = "sweep.partial.csv";

/// Which points a run computes: those with index % of == index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub of: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, of: 1 };

    /// Parse `I/N`, or `auto`: the shard of this task of a SLURM job array
    /// ([`Shard::from_slurm`]).
    ///
    /// # Errors
    /// A malformed `I/N`, or for `auto` a missing or malformed SLURM variable (exit 2).
    pub fn parse(s: &str) -> Result<Shard, InputError> {
        Shard::parse_with(s, |name| std::env::var_os(name))
    }

    /// [`Shard::parse`] with the environment given (for tests).
    ///
    /// # Errors
    /// As [`Shard::parse`].
    pub fn parse_with(s: &str, env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Shard, InputError> {
        if s.trim() == "auto" {
            return Shard::from_slurm(env);
        }
        let bad = || InputError::at("--shard", None, format!("expected I/N with 0 <= I < N, found {s:?}"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, of) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if of == 0 || index >= of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }

    /// The shard of this task of a SLURM job array: I from `SLURM_ARRAY_TASK_ID`, N from
    /// `SLURM_ARRAY_TASK_COUNT`. The array must be `0-(N-1)` (as `lwsim slurm` writes it): a
    /// sparse array (`--array=3`, or a step) would give the wrong N, so it is refused.
    ///
    /// # Errors
    /// A variable missing or not a whole number, or an array that is not `0-(N-1)` (exit 2).
    pub fn from_slurm(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Shard, InputError> {
        let at = |message: String| InputError::at("--shard auto", None, message);
        let read = |name: &str| -> Result<Option<usize>, InputError> {
            let Some(raw) = env(name) else { return Ok(None) };
            let text = raw.to_string_lossy().into_owned();
            text.trim()
                .parse::<usize>()
                .map(Some)
                .map_err(|_| at(format!("{name}: expected a whole number, found {text:?}")))
        };
        let required = |name: &str| -> Result<usize, InputError> {
            read(name)?.ok_or_else(|| {
                at(format!(
                    "{name} is not set: --shard auto takes the shard from a SLURM job array (sbatch --array, as in the script `lwsim slurm` writes); outside one, give --shard I/N"
                ))
            })
        };
        let index = required("SLURM_ARRAY_TASK_ID")?;
        let of = required("SLURM_ARRAY_TASK_COUNT")?;
        let min = read("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let max = read("SLURM_ARRAY_TASK_MAX")?.unwrap_or(of.saturating_sub(1));
        if of == 0 || index >= of || min != 0 || max + 1 != of {
            return Err(at(format!(
                "expected a job array 0-(N-1), found task {index} of an array of {of} tasks ({min}-{max}): --shard auto takes N from the array's size; to rerun some tasks, submit the whole array again (finished shards end at once), or give --shard I/N"
            )));
        }
        Ok(Shard { index, of })
    }

    fn points(&self, total: usize) -> impl Iterator<Item = usize> + '_ {
        (self.index..total).step_by(self.of)
    }
}

/// What sweep.json holds.
pub(super) fn manifest(sweep: &Sweep, shard: Shard, complete: bool) -> Vec<u8> {
    let value = serde_json::json!({
        "fingerprint": sweep.fingerprint(),
        "shard": shard.index,
        "shards": shard.of,
        "complete": complete,
        "sweep": sweep,
    });
    let mut bytes = serde_json::to_vec_pretty(&value).expect("json");
    bytes.push(b'\n');
    bytes
}

/// A value in a sweep's CSV files: a whole-number key's value as an integer, anything else as
/// [`crate::output::number::fmt`] writes it (shortest round trip; empty when missing).
pub fn fmt(x: f64, integer: bool) -> String {
    if integer && x.is_finite() {
        format!("{}", x.round() as i64)
    } else {
        crate::output::number::fmt(x)
    }
}

pub(super) fn header(sweep: &Sweep) -> String {
    let mut cols = vec!["point".to_string(), "replicate".into(), "seed".into()];
    cols.extend(sweep.keys.iter().cloned());
    cols.extend(sweep.outcomes.iter().cloned());
    cols.join(",") + "\n"
}

pub(super) fn design_csv(sweep: &Sweep) -> Vec<u8> {
    let mut out = String::from("point,");
    out.push_str(&sweep.keys.join(","));
    out.push('\n');
    for (p, values) in sweep.points.iter().enumerate() {
        out.push_str(&p.to_string());
        for (v, int) in values.iter().zip(&sweep.integer) {
            out.push(',');
            out.push_str(&fmt(*v, *int));
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// Options of `lwsim sweep`.
pub struct Options<'a> {
    pub out: &'a Path,
    pub threads: usize,
    pub resume: bool,
    pub force: bool,
    pub shard: Shard,
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

/// Read sweep.json from a directory.
pub(super) fn read_manifest(dir: &Path) -> Result<(serde_json::Value, Sweep), Error> {
    let path = dir.join("sweep.json");
    // Not read_text: sweep.json holds the whole design and may be large.
    let text = std::fs::read_to_string(&path).map_err(|e| {
        InputError::at(
            &path.display().to_string(),
            None,
            format!("cannot read: {}", crate::scenario::load::io_reason(&e)),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        InputError::at(
            &path.display().to_string(),
            None,
            format!("expected sweep.json written by lwsim: {e}"),
        )
    })?;
    let sweep = Sweep::from_json(value["sweep"].clone()).map_err(|e| {
        InputError::at(
            &path.display().to_string(),
            None,
            format!("expected sweep.json written by lwsim: {e}"),
        )
    })?;
    // The sweep read back must be the one written, to the last bit of every value: the merged
    // files and --resume depend on it.
    if value["fingerprint"] != sweep.fingerprint() {
        return Err(InputError::at(
            &path.display().to_string(),
            None,
            format!(
                "the sweep it holds does not match its fingerprint {} (the file was edited?); run the sweep again",
                value["fingerprint"]
            ),
        )
        .into());
    }
    Ok((value, sweep))
}

/// The points already finished in a journal (complete blocks of `replicates` rows, in order),
/// and the byte length of that prefix. A torn or partial last block is not counted.
fn finished_prefix(path: &Path, sweep: &Sweep, shard: Shard) -> Result<(usize, u64), Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = std::io::BufReader::new(file);
    let mut line = String::new();
    let mut offset = reader.read_line(&mut line).map_err(|e| Error::io(path, e))? as u64;
    if line != header(sweep) {
        return Ok((0, 0));
    }
    let (mut done, mut good) = (0usize, offset);
    let mut expected = shard.points(sweep.points.len());
    let mut current = expected.next();
    let mut rows = 0u32;
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| Error::io(path, e))?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        offset += n as u64;
        let mut fields = line.split(',');
        let (Some(p), Some(r)) = (fields.next(), fields.next()) else {
            break;
        };
        if p.parse::<usize>().ok() != current || r.parse::<u32>().ok() != Some(rows) {
            break;
        }
        rows += 1;
        if rows == sweep.replicates {
            done += 1;
            good = offset;
            rows = 0;
            current = expected.next();
        }
    }
    Ok((done, good))
}

/// What [`run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// Computed the points (all, or those a resumed run had left), with the analysis's warnings
    /// (none for a shard, which has no analysis).
    Computed(Vec<String>),
    /// `--resume` on a directory whose sweep (or shard) was already complete: nothing to do.
    AlreadyComplete,
}

/// Run (or resume) a sweep, or one shard of it.
pub fn run(sweep: &Sweep, opts: &Options) -> Result<Ran, Error> {
    let dir = opts.out;
    let lock = DirLock::acquire(dir, Kind::Sweep, opts.force)?;
    let journal = dir.join(JOURNAL);
    let mut done = 0;
    let mut resumed_len = None;
    if dir.join("sweep.json").exists() {
        let (old, _) = read_manifest(dir)?;
        let same = old["fingerprint"] == sweep.fingerprint()
            && old["shard"] == opts.shard.index
            && old["shards"] == opts.shard.of;
        if opts.resume && !same {
            return Err(Error::Refused {
                path: dir.into(),
                message: "holds a different sweep (or shard); --resume continues only the same one".into(),
            });
        }
        if !opts.resume && !opts.force {
            return Err(Error::Refused {
                path: dir.into(),
                message: "already holds a sweep; use --resume to continue it or --force to start again".into(),
            });
        }
        if opts.resume && old["complete"] == true {
            return Ok(Ran::AlreadyComplete);
        }
        // Killed between finishing the rows and writing the analysis: continue from sweep.csv.
        if opts.resume && !journal.exists() && dir.join("sweep.csv").exists() {
            std::fs::rename(dir.join("sweep.csv"), &journal).map_err(|e| Error::io(&journal, e))?;
        }
        if opts.resume && journal.exists() {
            let (n, len) = finished_prefix(&journal, sweep, opts.shard)?;
            done = n;
            resumed_len = Some(len);
        }
    }
    let mut batch = Batch::default();
    batch.stage(dir.join("sweep.json"), &manifest(sweep, opts.shard, false))?;
    batch.stage(dir.join("design.csv"), &design_csv(sweep))?;
    batch.commit()?;
    for stale in ["sweep.csv", "points.csv", "sensitivity.csv"] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    let mut file = match resumed_len {
        Some(len) if len > 0 => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&journal)
                .map_err(|e| Error::io(&journal, e))?;
            f.set_len(len).map_err(|e| Error::io(&journal, e))?;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&journal)
                .map_err(|e| Error::io(&journal, e))?;
            f.flush().map_err(|e| Error::io(&journal, e))?;
            f
        }
        _ => {
            let mut f = std::fs::File::create(&journal).map_err(|e| Error::io(&journal, e))?;
            f.write_all(header(sweep).as_bytes())
                .map_err(|e| Error::io(&journal, e))?;
            f
        }
    };
    let todo: Vec<usize> = opts.shard.points(sweep.points.len()).skip(done).collect();
    let total = (done + todo.len()) as u64;
    (opts.progress)(done as u64, total);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(opts.threads).build().ok();
    let chunk = (pool
        .as_ref()
        .map_or(rayon::current_num_threads(), |p| p.current_num_threads())
        * 4)
    .max(8);
    let outcome_idx = sweep.outcome_indices();
    for (c, points) in todo.chunks(chunk).enumerate() {
        // A point not started because SIGINT or SIGTERM arrived is None.
        let work = || -> Vec<Option<String>> {
            points
                .par_iter()
                .map(|&p| {
                    crate::interrupt::received().is_none().then_some(())?;
                    let scenario = sweep.point_scenario(p);
                    let mut rows = String::new();
                    for r in 0..sweep.replicates {
                        let rep = crate::run::run_replicate(&scenario, r);
                        let values = rep.headline.values();
                        rows.push_str(&format!("{p},{r},{}", rep.seed));
                        for (v, int) in sweep.points[p].iter().zip(&sweep.integer) {
                            rows.push(',');
                            rows.push_str(&fmt(*v, *int));
                        }
                        for &i in &outcome_idx {
                            rows.push(',');
                            rows.push_str(&fmt(values[i], false));
                        }
                        rows.push('\n');
                    }
                    Some(rows)
                })
                .collect()
        };
        let blocks = match &pool {
            Some(pool) => pool.install(work),
            None => work(),
        };
        // Finished points in order, up to the first that was not started: --resume goes on
        // from there.
        for b in blocks.iter().map_while(Option::as_ref) {
            file.write_all(b.as_bytes()).map_err(|e| Error::io(&journal, e))?;
        }
        file.sync_data().map_err(|e| Error::io(&journal, e))?;
        crate::interrupt::check()?;
        (opts.progress)((done + (c * chunk) + points.len()) as u64, total);
    }
    drop(file);
    std::fs::rename(&journal, dir.join("sweep.csv")).map_err(|e| Error::io(dir.join("sweep.csv"), e))?;
    let warnings = if opts.shard == Shard::WHOLE {
        finish(dir, sweep)?
    } else {
        Vec::new()
    };
    let mut batch = Batch::default();
    batch.stage(dir.join("sweep.json"), &manifest(sweep, opts.shard, true))?;
    batch.commit()?;
    lock.finish();
    Ok(Ran::Computed(warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn shards_parse_from_i_of_n_and_from_the_slurm_array() {
        let none = env(&[]);
        assert_eq!(Shard::parse_with("2/5", &none), Ok(Shard { index: 2, of: 5 }));
        for bad in ["5/5", "1/0", "x/2", "1", "auto/3", ""] {
            assert!(Shard::parse_with(bad, &none).is_err(), "{bad}");
        }
        let array = env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "8")]);
        assert_eq!(Shard::parse_with("auto", &array), Ok(Shard { index: 3, of: 8 }));
        let bounded = env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
        ]);
        assert_eq!(Shard::parse_with("auto", &bounded), Ok(Shard { index: 0, of: 8 }));
        let says = |vars: &[(&str, &str)], text: &str| {
            let e = Shard::parse_with("auto", env(vars)).unwrap_err();
            assert_eq!(e.problems[0].location, "--shard auto");
            assert!(e.to_string().contains(text), "{e}");
        };
        says(&[], "SLURM_ARRAY_TASK_ID is not set");
        says(&[("SLURM_ARRAY_TASK_ID", "1")], "SLURM_ARRAY_TASK_COUNT is not set");
        says(
            &[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "")],
            "SLURM_ARRAY_TASK_COUNT: expected a whole number",
        );
        says(
            &[("SLURM_ARRAY_TASK_ID", "1.0"), ("SLURM_ARRAY_TASK_COUNT", "2")],
            "SLURM_ARRAY_TASK_ID: expected a whole number",
        );
        says(
            &[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "0")],
            "0-(N-1)",
        );
        // --array=0-6:2 (a step): 4 tasks, 0..6.
        says(
            &[
                ("SLURM_ARRAY_TASK_ID", "2"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "6"),
            ],
            "found task 2 of an array of 4 tasks (0-6)",
        );
    }
}
