//! Running replicates: one world per replicate, stepped and observed week by week, in parallel
//! across replicates with rayon. Results come back in replicate order, so every output is the
//! same whatever the thread count.
//!
//! A replicate keeps what the run's statistics need (each measure's value by month, and the
//! headline figures); its weekly rows and practice rows are kept only for the first
//! `output.detail_replicates` replicates, so memory does not grow with weekly detail nobody reads.

use rayon::prelude::*;

use crate::error::Error;
use crate::model::World;
use crate::observe::{self, PracticeRow, WeeklyRow};
use crate::rng::replicate_seed;
use crate::scenario::Scenario;
use crate::summary::{self, Headline, MonthValues};

/// Everything one replicate reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicate {
    pub index: u32,
    pub seed: u64,
    /// Each measure's value in months 0..=months (see `summary::month_values`).
    pub months: Vec<MonthValues>,
    pub headline: Headline,
    /// Weeks 0..=weeks (week 0 is the state before the first step); empty beyond the detail limit.
    pub weekly: Vec<WeeklyRow>,
    /// Each practice at the end; empty beyond the detail limit.
    pub practices: Vec<PracticeRow>,
}

/// Run replicate `index` of `scenario`.
pub fn run_replicate(scenario: &Scenario, index: u32) -> Replicate {
    let seed = replicate_seed(scenario.simulation.seed, u64::from(index));
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

/// Run every replicate on `threads` threads (0: rayon's default), calling `progress` after each.
///
/// # Errors
/// [`Error::Interrupted`] when SIGINT or SIGTERM arrives (see [`crate::interrupt`]): replicates
/// not yet started are skipped.
pub fn run_all(scenario: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Vec<Replicate>, Error> {
    let n = scenario.simulation.replicates;
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                crate::interrupt::check()?;
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
