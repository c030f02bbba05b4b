//! `lwsim slurm`: the job scripts that run a sweep on a SLURM cluster, with SLURM doing the
//! distribution: a job array of N tasks, task I running shard I of N (`lwsim sweep --shard auto
//! --resume`) into its own directory, and a merge job that depends on the array
//! (`--dependency=afterok`) and runs `lwsim merge` into the sweep's output directory.
//!
//! Everything a script names is an absolute path or a checked value, quoted for a POSIX shell;
//! lwsim itself is called by the absolute path of the binary that wrote the scripts, or `$LWSIM`
//! when it is set at submission (sbatch passes the environment on). See docs/CLUSTER.md.

use std::path::{Path, PathBuf};

use super::spec::{self, Sweep};
use crate::error::{Error, InputError};
use crate::output::Batch;

/// The job array script, in the jobs' folder.
pub const ARRAY: &str = "array.sh";
/// The merge job script, in the jobs' folder.
pub const MERGE: &str = "merge.sh";
/// The script submitting both, in the jobs' folder.
pub const SUBMIT: &str = "submit.sh";

/// SLURM's default `MaxArraySize` (task ids up to one less).
pub const SLURM_MAX_ARRAY_SIZE: u32 = 1001;

/// What `lwsim slurm` was asked for.
pub struct Options<'a> {
    /// The sweep file.
    pub sweep: &'a Path,
    /// Array tasks, one shard each.
    pub tasks: u32,
    /// `--cpus-per-task`: each task's CPUs, and so its threads.
    pub cpus_per_task: u32,
    /// `--time`, SLURM's format, checked.
    pub time: Option<&'a str>,
    /// `--partition`: the partition (or comma-separated partitions) to submit to, checked;
    /// None: the cluster's default.
    pub partition: Option<&'a str>,
    /// Where the scripts, logs and shard directories go [default: `slurm/` in the sweep's
    /// output directory].
    pub out: Option<PathBuf>,
    /// Replace scripts that differ from those lwsim would write.
    pub force: bool,
    /// The lwsim binary the scripts call (absolute).
    pub lwsim: PathBuf,
}

/// The jobs written.
#[derive(Debug)]
pub struct Jobs {
    /// The folder holding the scripts, `logs/` and the shard directories.
    pub dir: PathBuf,
    /// Where the merge job writes the sweep's results.
    pub results: PathBuf,
    /// The sweep's design points, over all tasks.
    pub points: usize,
    /// The commands that submit the array and then the merge job (a POSIX shell).
    pub commands: String,
    /// Things worth saying that do not stop anything.
    pub warnings: Vec<String>,
}

/// The texts of the three scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct Scripts {
    /// array.sh: the job array, one shard a task.
    pub array: String,
    /// merge.sh: the merge job, run after the array.
    pub merge: String,
    /// submit.sh: submits the array, then the merge job depending on it.
    pub submit: String,
    /// The sbatch commands submit.sh runs, to print on stdout.
    pub commands: String,
}

/// A word for a job script: as [`crate::human::shell_quote`] quotes it for a POSIX shell, but
/// a word holding `%` is always quoted too. In a job script `%` is SLURM's as well as the
/// shell's: sbatch reads `#SBATCH` lines itself, where `%` starts a filename pattern (`%j`,
/// `%A_%a`; a literal one written `%%`), so a word with one is set apart in quotes, whole,
/// and the scripts lwsim has always written stay byte for byte the same. Everything else
/// lwsim quotes goes through `human::shell_quote`.
pub fn shell_quote(word: &str) -> String {
    if word.contains('%') {
        crate::human::single_quoted(word)
    } else {
        crate::human::shell_quote(word)
    }
}

/// A path as text for a script: UTF-8 only (a script is text).
fn path_text(path: &Path, flag: &str) -> Result<String, InputError> {
    path.to_str().map(str::to_string).ok_or_else(|| {
        InputError::at(
            flag,
            None,
            format!(
                "expected a path in UTF-8 (it is written into a job script), found {}",
                path.display()
            ),
        )
    })
}

/// Check a time limit in one of SLURM's forms: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`.
///
/// # Errors
/// Any other text, located at `--time` (exit 2).
pub fn check_time(time: &str) -> Result<(), InputError> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match time.split_once('-') {
        Some((days, rest)) => {
            let parts: Vec<&str> = rest.split(':').collect();
            digits(days) && (1..=3).contains(&parts.len()) && parts.iter().all(|p| digits(p))
        }
        None => {
            let parts: Vec<&str> = time.split(':').collect();
            (1..=3).contains(&parts.len()) && parts.iter().all(|p| digits(p))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(InputError::at(
            "--time",
            None,
            format!(
                "expected a time limit as SLURM writes it, such as 02:00:00 (HH:MM:SS), 90 (minutes) or 1-12:00:00 (days-HH:MM:SS), found {time:?}"
            ),
        ))
    }
}

/// Check a partition name (or a comma-separated list of them): ASCII letters, digits and
/// `_-.,` only, so that it is safe in a job script.
///
/// # Errors
/// An empty name or any other character, located at `--partition` (exit 2).
pub fn check_partition(partition: &str) -> Result<(), InputError> {
    let ok = !partition.is_empty()
        && partition
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,".contains(c));
    if ok {
        Ok(())
    } else {
        Err(InputError::at(
            "--partition",
            None,
            format!(
                "expected a partition name (letters, digits, '-', '_', '.'; several separated by ','), found {partition:?}"
            ),
        ))
    }
}

/// The scripts for a sweep, its jobs' folder and results directory (absolute paths).
pub fn scripts(sweep: &Sweep, sweep_file: &str, opts: &Options, dir: &str, results: &str) -> Scripts {
    let q = shell_quote;
    let n = opts.tasks;
    let lwsim = opts.lwsim.display().to_string();
    let version = env!("CARGO_PKG_VERSION");
    // In #SBATCH --output, `%` starts a SLURM pattern: a literal one is `%%`.
    let log = |name: &str| q(&format!("{}/logs/{name}", dir.replace('%', "%%")));
    // The merge reads and writes files on one thread: it asks for one CPU.
    let directives = |cpus: u32| {
        let mut lines = format!("#SBATCH --cpus-per-task={cpus}\n");
        if let Some(t) = opts.time {
            lines.push_str(&format!("#SBATCH --time={}\n", q(t)));
        }
        if let Some(p) = opts.partition {
            lines.push_str(&format!("#SBATCH --partition={}\n", q(p)));
        }
        lines
    };
    let array = format!(
        "#!/bin/bash
# Job array for the lwsim sweep `{name}` ({points} points), written by `lwsim slurm` (lwsim {version}).
# {n} tasks: task I runs shard I of {n} (the points whose index is I modulo {n}) into
#   {dir_c}/shard-I-of-{n}/
# and, run again, resumes its own work (a finished shard ends at once).
# Threads: SLURM_CPUS_PER_TASK. lwsim: $LWSIM if set when submitting, else the path below.
# Submit it with the merge job that depends on it: bash {submit}
#SBATCH --job-name={job}
#SBATCH --array=0-{last}
{shared}#SBATCH --output={array_log}
set -euo pipefail
lwsim_default={lwsim_q}
LWSIM=${{LWSIM:-$lwsim_default}}
task=${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}}
exec \"$LWSIM\" sweep {sweep_q} --shard auto --resume --out {dir_q}/shard-\"$task\"-of-{n}
",
        name = sweep.name,
        points = crate::human::count(sweep.points.len() as u64),
        shared = directives(opts.cpus_per_task),
        dir_c = dir,
        submit = q(&format!("{dir}/{SUBMIT}")),
        job = q(&format!("lwsim-{}", sweep.name)),
        last = n - 1,
        array_log = log("array-%A_%a.out"),
        lwsim_q = q(&lwsim),
        sweep_q = q(sweep_file),
        dir_q = q(dir),
    );
    let merge = format!(
        "#!/bin/bash
# Merge job for the lwsim sweep `{name}`, written by `lwsim slurm` (lwsim {version}): after the
# job array ({n} tasks), `lwsim merge` of the shard directories into {results}/.
# A missing or unfinished shard is named, and nothing is merged (exit 2).
#SBATCH --job-name={job}
{shared}#SBATCH --output={merge_log}
set -euo pipefail
lwsim_default={lwsim_q}
LWSIM=${{LWSIM:-$lwsim_default}}
dir={dir_q}
shards=()
for ((i = 0; i < {n}; i++)); do
  if [ -e \"$dir/shard-$i-of-{n}\" ]; then shards+=(\"$dir/shard-$i-of-{n}\"); fi
done
if [ \"${{#shards[@]}}\" -eq 0 ]; then
  echo \"error: $dir: no shard directories (shard-I-of-{n}): has the job array run?\" >&2
  exit 2
fi
exec \"$LWSIM\" merge \"${{shards[@]}}\" --out {results_q}
",
        name = sweep.name,
        shared = directives(1),
        job = q(&format!("lwsim-{}-merge", sweep.name)),
        merge_log = log("merge-%j.out"),
        lwsim_q = q(&lwsim),
        dir_q = q(dir),
        results_q = q(results),
    );
    let commands = format!(
        "array=$(sbatch --parsable {array})\nsbatch --dependency=afterok:\"${{array%%;*}}\" {merge}\n",
        array = q(&format!("{dir}/{ARRAY}")),
        merge = q(&format!("{dir}/{MERGE}")),
    );
    let submit = format!(
        "#!/bin/sh
# Submit the lwsim sweep `{name}` to SLURM: the job array, then the merge job, which starts when
# every task has succeeded. Running this again after a task failed reruns the array (finished
# shards end at once, the rest resume) and then merges.
set -eu
{commands}",
        name = sweep.name
    );
    Scripts {
        array,
        merge,
        submit,
        commands,
    }
}

/// `lwsim slurm`: check the sweep and the options, write the scripts, and say how to submit them.
///
/// # Errors
/// Bad input (exit 2): the sweep file, `--tasks` above the sweep's points, `--time`,
/// `--partition`, a jobs folder holding other scripts (without `--force`), a results directory
/// that already holds a sweep. A write failure (exit 1).
pub fn write(opts: &Options) -> Result<Jobs, Error> {
    if !opts.sweep.is_file() {
        return Err(InputError::at(
            &opts.sweep.display().to_string(),
            None,
            "expected a sweep file on disk (the array's tasks read it on the nodes)".into(),
        )
        .into());
    }
    let sweep = spec::read(opts.sweep)?;
    if let Some(t) = opts.time {
        check_time(t)?;
    }
    if let Some(p) = opts.partition {
        check_partition(p)?;
    }
    let points = sweep.points.len();
    if opts.tasks == 0 || opts.tasks as usize > points {
        return Err(InputError::at(
            "--tasks",
            None,
            format!(
                "expected 1 to {points} (the sweep's points; a task without a point would do nothing), found {}",
                opts.tasks
            ),
        )
        .into());
    }
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| Error::io(p, e));
    let sweep_file = absolute(opts.sweep)?;
    let results = absolute(&PathBuf::from("output").join(&sweep.name))?;
    let dir = match &opts.out {
        Some(d) => absolute(d)?,
        None => results.join("slurm"),
    };
    if results.join(crate::output::names::SWEEP_JSON).is_file() {
        return Err(Error::Refused {
            path: results,
            message: "already holds a sweep, which the merge job would not overwrite: move it away first".into(),
        });
    }
    let texts = scripts(
        &sweep,
        &path_text(&sweep_file, "SWEEP")?,
        opts,
        &path_text(&dir, "--out")?,
        &path_text(&results, "output directory")?,
    );
    let files = [(ARRAY, &texts.array), (MERGE, &texts.merge), (SUBMIT, &texts.submit)];
    if !opts.force {
        for (name, text) in &files {
            let path = dir.join(name);
            if path.exists() && std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
                return Err(Error::Refused {
                    path,
                    message: "exists and differs from the script lwsim would write; use --force to replace the scripts"
                        .into(),
                });
            }
        }
    }
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| Error::io(&logs, e))?;
    let mut batch = Batch::default();
    for (name, text) in &files {
        batch.stage(dir.join(name), text.as_bytes())?;
    }
    batch.commit()?;
    #[cfg(unix)]
    for (name, _) in &files {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(|e| Error::io(&path, e))?;
    }
    let mut warnings = Vec::new();
    if opts.tasks > SLURM_MAX_ARRAY_SIZE {
        warnings.push(format!(
            "--tasks {}: SLURM refuses arrays larger than its MaxArraySize, 1001 unless your cluster sets more (scontrol show config | grep MaxArraySize); fewer tasks with more --cpus-per-task run the same sweep",
            opts.tasks
        ));
    }
    Ok(Jobs {
        dir,
        results,
        points,
        commands: texts.commands,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_a_posix_shell() {
        assert_eq!(shell_quote("/scratch/me/sweep.toml"), "/scratch/me/sweep.toml");
        assert_eq!(shell_quote("/home/a b/x.toml"), "'/home/a b/x.toml'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("50%"), "'50%'");
        assert_eq!(shell_quote(""), "''");
        // Each quoted word is one word, unchanged, to sh.
        for word in ["/a b/c", "it's", "$x `y` \"z\"", "a\nb", "*"] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_quote(word)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), word);
        }
    }

    #[test]
    fn time_limits_in_slurms_forms_are_taken() {
        for ok in ["30", "30:00", "02:00:00", "1-0", "1-12:00", "2-00:00:00", "100:00:00"] {
            assert!(check_time(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1h", "1:2:3:4", "-1", "1-", "::", "01:00:00 ", "1-2:3:4:5", "1e3"] {
            assert!(check_time(bad).is_err(), "{bad:?}");
        }
        assert!(check_partition("short,long").is_ok());
        for bad in ["", "a b", "x'y", "p;q", "$p"] {
            assert!(check_partition(bad).is_err(), "{bad:?}");
        }
    }
}
