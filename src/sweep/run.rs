//! Running a sweep: replicates at every point in parallel, rows streamed to disk in point order
//! as chunks of points finish, resumable after a kill, splittable into shards, and merged back.
//!
//! Files in a sweep directory: sweep.json (the sweep, its fingerprint, the shard, and whether it
//! is complete), design.csv, sweep.partial.csv while running (renamed to sweep.csv when every
//! point of the shard is done), then, for a whole sweep, points.csv, sensitivity.csv (morris,
//! sobol) and the charts. A whole sweep and the merge of its shards (`merge.rs`) write the same
//! bytes: both end in `finish.rs`.

use std::path::Path;

use rayon::prelude::*;

use super::files::{self, Journal};
use super::finish::{PointMeans, finish, point_means};
use super::spec::Sweep;
use crate::error::{Error, InputError};
use crate::output::{Batch, DirLock, Kind};

pub use super::files::JOURNAL;

/// Which points a run computes: those with index % of == index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// I: this shard's index, 0 to N - 1.
    pub index: usize,
    /// N: the number of shards, 1 or more.
    pub of: usize,
}

impl Shard {
    /// The whole sweep: shard 0 of 1.
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

/// Options of `lwsim sweep`.
pub struct Options<'a> {
    /// The results directory.
    pub out: &'a Path,
    /// Worker threads; 0: all cores.
    pub threads: usize,
    /// Keep the finished points of a stopped run of the same sweep and compute the rest.
    pub resume: bool,
    /// Start again in a directory that already holds a sweep.
    pub force: bool,
    /// The points to compute ([`Shard::WHOLE`]: all).
    pub shard: Shard,
    /// Called as points finish with (points done, points this run computes).
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
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
///
/// # Errors
/// A directory that holds another sweep or is locked, a file that cannot be read or written,
/// a chart that cannot be drawn, or an interruption.
pub fn run(sweep: &Sweep, opts: &Options) -> Result<Ran, Error> {
    run_sweep(sweep, opts).map(|(ran, _)| ran)
}

/// Run (or resume) a whole sweep as [`run`] does, and return each outcome's per-point means
/// (for a sweep already complete, computed again from its sweep.csv): what `lwsim calibrate`
/// ranks.
///
/// # Errors
/// As [`run`]; for a complete sweep, a sweep.csv that cannot be read.
pub fn run_for_means(sweep: &Sweep, opts: &Options) -> Result<PointMeans, Error> {
    match run_sweep(sweep, opts)? {
        (_, Some(means)) => Ok(means),
        (_, None) => point_means(opts.out, sweep, None),
    }
}

/// [`run`], with the per-point means when the analysis ran.
fn run_sweep(sweep: &Sweep, opts: &Options) -> Result<(Ran, Option<PointMeans>), Error> {
    let dir = opts.out;
    let lock = DirLock::acquire(dir, Kind::Sweep, opts.force)?;
    let mut done = 0;
    let mut resumed_len = None;
    if files::has_manifest(dir) {
        let old = files::read_manifest(dir)?;
        let same =
            old.fingerprint == sweep.fingerprint() && old.shard == opts.shard.index && old.shards == opts.shard.of;
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
        if opts.resume && old.complete {
            return Ok((Ran::AlreadyComplete, None));
        }
        if opts.resume {
            (done, resumed_len) = files::resume(dir, sweep, opts.shard.points(sweep.points.len()))?;
        }
    }
    let mut batch = Batch::default();
    batch.stage(
        dir.join(crate::output::names::SWEEP_JSON),
        &files::manifest(sweep, opts.shard.index, opts.shard.of, false),
    )?;
    batch.stage(dir.join(crate::output::names::DESIGN_CSV), &files::design_csv(sweep))?;
    batch.commit()?;
    files::remove_stale(dir);
    let mut journal = Journal::open(dir, sweep, resumed_len)?;
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
        let work = || -> Vec<Option<Vec<u8>>> {
            points
                .par_iter()
                .map(|&p| {
                    crate::interrupt::received().is_none().then_some(())?;
                    let scenario = sweep.point_scenario(p);
                    let replicates = (0..sweep.replicates).map(|r| {
                        let rep = crate::run::run_replicate(&scenario, r);
                        let values = rep.headline.values();
                        (rep.seed, outcome_idx.iter().map(|&i| values[i]).collect())
                    });
                    Some(files::point_rows(sweep, p, replicates))
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
            journal.append(b)?;
        }
        journal.sync()?;
        crate::interrupt::check()?;
        (opts.progress)((done + (c * chunk) + points.len()) as u64, total);
    }
    journal.complete(dir)?;
    let (warnings, means) = if opts.shard == Shard::WHOLE {
        let (warnings, means) = finish(dir, sweep)?;
        (warnings, Some(means))
    } else {
        (Vec::new(), None)
    };
    let mut batch = Batch::default();
    batch.stage(
        dir.join(crate::output::names::SWEEP_JSON),
        &files::manifest(sweep, opts.shard.index, opts.shard.of, true),
    )?;
    batch.commit()?;
    lock.finish();
    Ok((Ran::Computed(warnings), means))
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
