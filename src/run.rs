//! Running replicates: one world per replicate, stepped and observed week by week, in parallel
//! across replicates with rayon. Results come back in replicate order, so every output is the
//! same whatever the thread count.
//!
//! A replicate keeps what the run's statistics need (each measure's value by month, and the
//! headline figures); its weekly rows and practice rows are kept only for the first
//! `output.detail_replicates` replicates, so memory does not grow with weekly detail nobody reads.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::Error;
use crate::model::World;
use crate::observe;
use crate::rng::replicate_seed;
use crate::scenario::{Scenario, uncertain};
use crate::summary;

pub use crate::summary::Replicate;

/// Run replicate `index` of `scenario`; under `simulation.uncertainty = "full"` with the
/// uncertain constants the replicate draws ([`uncertain::draw`]). Runs `simulation.weeks` weeks;
/// cannot fail (the scenario was checked).
pub fn run_replicate(scenario: &Scenario, index: u32) -> Replicate {
    let seed = replicate_seed(scenario.simulation.seed, u64::from(index));
    let drawn = uncertain::draw(scenario, seed);
    let scenario = drawn.as_ref().unwrap_or(scenario);
    let mut world = World::new(scenario, seed);
    let mut weekly = Vec::with_capacity(scenario.simulation.weeks as usize + 1);
    weekly.push(observe::observe(&world, index, seed));
    for _ in 0..scenario.simulation.weeks {
        world.step();
        weekly.push(observe::observe(&world, index, seed));
    }
    let headline = summary::headline(&world, &weekly);
    let months = (0..=summary::months(scenario.simulation.weeks))
        .map(|m| summary::month_values(&weekly, m))
        .collect();
    let detail = index < scenario.output.detail_replicates;
    let practices = if detail {
        observe::practice_rows(&world, index)
    } else {
        Vec::new()
    };
    if !detail {
        weekly = Vec::new();
    }
    Replicate {
        index,
        seed,
        months,
        headline,
        weekly,
        practices,
    }
}

/// Run every replicate (`simulation.replicates` of them) on `threads` threads (0: rayon's
/// default), calling `progress` after each. The replicates come back in index order.
///
/// # Errors
/// [`Error::Interrupted`] when SIGINT or SIGTERM arrives (see [`crate::interrupt`]): replicates
/// not yet started are skipped.
pub fn run_all(scenario: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Vec<Replicate>, Error> {
    run_all_checked(scenario, threads, progress, &crate::interrupt::check)
}

/// [`run_all`] with the check made before each replicate given: the first error it returns
/// stops the run (replicates not yet started are skipped) and is returned. The results of a run
/// that completes are those of [`run_all`].
///
/// # Errors
/// The first error of `check`.
pub fn run_all_checked<E: Send>(
    scenario: &Scenario,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    check: &(dyn Fn() -> Result<(), E> + Sync),
) -> Result<Vec<Replicate>, E> {
    let n = scenario.simulation.replicates;
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                check()?;
                let r = run_replicate(scenario, i);
                progress();
                Ok(r)
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// The warning a run of `replicates` replicates deserves: fewer than 20 give unreliable
/// intervals (one, none at all); `None` from 20. `lwsim run` and the Python module's `run` show it.
pub fn weak_intervals(replicates: u32) -> Option<String> {
    (replicates < 20).then(|| {
        let none = if replicates == 1 {
            " (with one, there is no interval at all)"
        } else {
            ""
        };
        format!(
            "{}: intervals from fewer than 20 replicates are unreliable{none}",
            crate::human::things(u64::from(replicates), "replicate")
        )
    })
}

/// The warning a full-uncertainty run of `scenario` (read from `file`) deserves when it draws no
/// constant because the scenario sets every uncertain key; `None` otherwise.
pub fn draws_nothing(file: &std::path::Path, scenario: &Scenario) -> Option<String> {
    (!scenario.simulation.uncertainty.is_chance() && uncertain::drawn_keys(scenario).is_empty()).then(|| {
        format!(
            "{}: --uncertainty full draws no constant: the scenario sets every uncertain key (a resolved scenario of a chance run does), so its intervals hold chance alone",
            file.display()
        )
    })
}

/// The warning a run of `scenario` (read from `file`) deserves when its annual funding cut
/// (`funding.annual_cut` above 0) falls at no point within the run: the first cut comes at the
/// start of programme year `funding.cut_first_year`, after the run's last week, so the run is
/// one of no cut. `None` otherwise.
pub fn cuts_nothing(file: &std::path::Path, scenario: &Scenario) -> Option<String> {
    let f = &scenario.funding;
    let weeks = scenario.simulation.weeks;
    (f.annual_cut > 0.0 && crate::model::organisation::cut_weeks(weeks, f.cut_first_year, f.cut_last_year).is_empty())
        .then(|| {
            format!(
                "{}: funding.annual_cut = {} makes no cut within the run: the first falls at the start of programme year {} (week {}), after the run's {} weeks, so the run is one of no cut",
                file.display(),
                f.annual_cut,
                f.cut_first_year.max(2),
                52 * (f.cut_first_year.max(2) - 1) + 1,
                weeks
            )
        })
}

/// In a comparison the first scenario is the reference, and every other scenario runs with its
/// seed, replicate count and uncertainty mode, so that replicate r of each starts from the same seed (common random
/// numbers) and the effects in comparison/effects.csv are paired. A different horizon cannot be
/// compared month by month: refused.
///
/// `warn` is given a warning for each scenario whose own seed or replicate count is replaced.
///
/// # Errors
/// [`Error::Refused`] for a scenario whose length in weeks differs from the reference's, or
/// that the reference's settings make invalid (its first problem, as `key: expected`): under
/// `full`, a held key a draw would break; or more weekly rows than a run may write.
pub fn share_the_reference(scenarios: &mut [(PathBuf, Scenario)], warn: &mut dyn FnMut(String)) -> Result<(), Error> {
    let Some(((ref_file, reference), others)) = scenarios.split_first_mut() else {
        return Ok(());
    };
    for (file, s) in others {
        if s.simulation.weeks != reference.simulation.weeks {
            return Err(Error::Refused {
                path: file.clone(),
                message: format!(
                    "runs {} weeks but the reference {} runs {}: compared scenarios need the same horizon (set simulation.weeks)",
                    s.simulation.weeks,
                    ref_file.display(),
                    reference.simulation.weeks
                ),
            });
        }
        for (what, theirs, ours) in [
            (
                "seed",
                s.simulation.seed.to_string(),
                reference.simulation.seed.to_string(),
            ),
            (
                "replicates",
                s.simulation.replicates.to_string(),
                reference.simulation.replicates.to_string(),
            ),
            (
                "uncertainty",
                s.simulation.uncertainty.name().to_string(),
                reference.simulation.uncertainty.name().to_string(),
            ),
        ] {
            if theirs != ours {
                warn(format!(
                    "{}: runs with the reference's {what} ({ours}, not {theirs}) so that its replicates pair with the reference's",
                    file.display()
                ));
            }
        }
        let shared = s.edit(|raw| {
            raw.simulation.seed = reference.simulation.seed;
            raw.simulation.replicates = reference.simulation.replicates;
            raw.simulation.uncertainty = reference.simulation.uncertainty;
        });
        *s = shared.map_err(|(key, expected)| Error::Refused {
            path: file.clone(),
            message: format!("{key}: {expected}"),
        })?;
    }
    Ok(())
}
