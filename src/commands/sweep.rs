//! `lwsim sweep`, `lwsim merge`, `lwsim slurm` and `lwsim calibrate` (a calibration is a
//! sweep): the runners are in [`crate::sweep`] and [`crate::calibrate`]; here the output
//! directory's default, the progress, the warnings and the closing lines.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Progress, Ui, bar, done_line, print, warn};
use crate::cli::{SlurmArgs, SweepOpts, exit};
use crate::error::Error;
use crate::human;
use crate::sweep::run::{self, Shard};
use crate::sweep::slurm;

/// `lwsim sweep FILE`: the whole sweep, or one shard (`--shard I/N` or `auto`).
pub(super) fn sweep(file: &Path, opts: SweepOpts, shard: Option<&str>, ui: &dyn Ui) -> Result<u8, Error> {
    let threads = opts.threads.count()?;
    let start = Instant::now();
    let sweep = crate::sweep::spec::read(file)?;
    let shard = match shard {
        Some(s) => Shard::parse(s)?,
        None => Shard::WHOLE,
    };
    let out = opts.out.unwrap_or_else(|| {
        let name = if shard == Shard::WHOLE {
            sweep.name.clone()
        } else {
            format!("{}-shard-{}-of-{}", sweep.name, shard.index, shard.of)
        };
        PathBuf::from("output").join(name)
    });
    let bar = bar(ui, opts.quiet, &sweep.name, "points", None);
    let ran = run::run(
        &sweep,
        &run::Options {
            out: &out,
            threads,
            resume: opts.resume,
            force: opts.force,
            shard,
            progress: &points(bar.as_ref()),
        },
    )
    .inspect_err(|e| {
        if matches!(e, Error::Interrupted { .. }) {
            warn(
                ui,
                &format!(
                    "{}: the finished points are kept: run the same command with --resume to go on",
                    out.display()
                ),
            );
        }
    })?;
    bar.finish();
    let what = if shard == Shard::WHOLE {
        format!("sweep `{}`", sweep.name)
    } else {
        format!("shard {} of {} of sweep `{}`", shard.index, shard.of, sweep.name)
    };
    if let run::Ran::Computed(warnings) = &ran {
        sweep_warnings(&out, warnings, ui);
    }
    let line = match ran {
        run::Ran::AlreadyComplete => format!("{}: {what} is already complete; nothing to do", out.display()),
        run::Ran::Computed(_) => format!(
            "wrote {}: {what} in {}",
            out.display(),
            human::duration(start.elapsed().as_secs_f64())
        ),
    };
    done_line(ui, opts.quiet, &line);
    Ok(exit::SUCCESS)
}

/// `lwsim calibrate CONFIG`: the calibration's sweep and choice; the path of chosen.toml on
/// stdout.
pub(super) fn calibrate(config: &Path, opts: SweepOpts, ui: &dyn Ui) -> Result<u8, Error> {
    let start = Instant::now();
    let bar = bar(ui, opts.quiet, "calibration", "points", None);
    let threads = opts.threads.count()?;
    let dir = crate::calibrate::calibrate(
        config,
        opts.out,
        threads,
        opts.resume,
        opts.force,
        &points(bar.as_ref()),
    )?;
    bar.finish();
    done_line(
        ui,
        opts.quiet,
        &format!(
            "wrote {}: calibration in {}",
            dir.display(),
            human::duration(start.elapsed().as_secs_f64())
        ),
    );
    print(
        ui,
        &format!("{}\n", dir.join(crate::output::names::CHOSEN_TOML).display()),
    )
}

/// `lwsim merge SHARD_DIR... -o DIR`: the shards' rows into one sweep.
pub(super) fn merge(shards: &[PathBuf], out: &Path, force: bool, quiet: bool, ui: &dyn Ui) -> Result<u8, Error> {
    let warnings = crate::sweep::merge::merge(shards, out, force)?;
    sweep_warnings(out, &warnings, ui);
    done_line(
        ui,
        quiet,
        &format!(
            "wrote {}: {} shards merged",
            out.display(),
            human::count(shards.len() as u64)
        ),
    );
    Ok(exit::SUCCESS)
}

/// `lwsim slurm`: write the job scripts; print the sbatch commands on stdout.
pub(super) fn slurm(args: &SlurmArgs, ui: &dyn Ui) -> Result<u8, Error> {
    let lwsim = std::env::current_exe().map_err(|e| Error::io("the lwsim binary's path", e))?;
    let jobs = slurm::write(&slurm::Options {
        sweep: &args.file,
        tasks: args.tasks,
        cpus_per_task: args.cpus_per_task,
        time: args.time.as_deref(),
        partition: args.partition.as_deref(),
        out: args.out.clone(),
        force: args.force,
        lwsim,
    })?;
    for w in &jobs.warnings {
        warn(ui, w);
    }
    done_line(
        ui,
        args.quiet,
        &format!(
            "wrote {dir}: array.sh ({} tasks, {} points), merge.sh (into {}) and submit.sh; submit them with `bash {}` or the commands on stdout",
            human::count(u64::from(args.tasks)),
            human::count(jobs.points as u64),
            jobs.results.display(),
            human::shell_quote(&jobs.dir.join(slurm::SUBMIT).display().to_string()),
            dir = jobs.dir.display(),
        ),
    );
    print(ui, &jobs.commands)
}

/// The sweep runner's progress (points done out of all) shown on `bar`.
fn points(bar: &dyn Progress) -> impl Fn(u64, u64) + Sync + '_ {
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

/// A sweep's analysis warnings on stderr, at most 12 (all of them are in sensitivity.csv's
/// `note` column).
fn sweep_warnings(out: &Path, warnings: &[String], ui: &dyn Ui) {
    const SHOWN: usize = 12;
    for w in warnings.iter().take(SHOWN) {
        warn(ui, w);
    }
    if warnings.len() > SHOWN {
        warn(
            ui,
            &format!(
                "and {} more: see the note column of {}",
                warnings.len() - SHOWN,
                out.join(crate::output::names::SENSITIVITY_CSV).display()
            ),
        );
    }
}
