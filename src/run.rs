//! Running replicates: one world per replicate, stepped and observed week by week, in parallel
//! across replicates with rayon. Results come back in replicate order, so every output is the
//! same whatever the thread count.

use rayon::prelude::*;

use crate::model::World;
use crate::observe::{self, PracticeRow, WeeklyRow};
use crate::rng::replicate_seed;
use crate::scenario::Scenario;
use crate::summary::{self, Headline};

/// Everything one replicate reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicate {
    pub index: u32,
    pub seed: u64,
    /// Weeks 0..=weeks: week 0 is the state before the first step.
    pub weekly: Vec<WeeklyRow>,
    pub practices: Vec<PracticeRow>,
    pub headline: Headline,
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
    Replicate {
        index,
        seed,
        practices: observe::practice_rows(&world, index),
        weekly,
        headline,
    }
}

/// Run every replicate on `threads` threads (0: rayon's default), calling `progress` after each.
pub fn run_all(scenario: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Vec<Replicate> {
    let n = scenario.simulation.replicates;
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let r = run_replicate(scenario, i);
                progress();
                r
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
