//! Initialisation: a world from a checked scenario and one replicate seed.

use super::link_worker::LinkWorker;
use super::organisation::Organisation;
use super::patient::{self, NEEDS};
use super::practice::Practice;
use super::{Network, Tally, World};
use crate::rng::{self, Rng, Streams};
use crate::scenario::{Driver, Scenario};

fn draw_driver(rng: &mut Rng, d: &Driver) -> f64 {
    (d.mean + d.sd * rng::normal(rng)).clamp(0.0, 1.0)
}

impl<'s> World<'s> {
    /// Build a replicate's world at week 0 from a checked scenario and the replicate's `seed`
    /// ([`crate::rng::replicate_seed`]): networks of practices, their link workers (in post at
    /// week 0, each knowing a few organisations) and community organisations funded for year 0
    /// (those below viability at once closed).
    /// Draws come in a fixed order from the setup stream (practices, then organisations); the
    /// workers' first ties come from the workforce stream.
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        let mut rng = Streams::new(seed);
        let (pp, lw, c, imp) = (
            &scenario.practices,
            &scenario.link_workers,
            &scenario.community,
            &scenario.implementation,
        );
        let mut networks = Vec::new();
        let mut practices = Vec::with_capacity(pp.count as usize);
        let mut workers = Vec::new();
        let mut orgs = Vec::new();
        let mut ties_len = 0usize;
        for net in 0..scenario.networks() {
            let first = net * pp.per_network;
            let n = pp.per_network.min(pp.count - first);
            let total_fte = lw.fte_per_practice * f64::from(n);
            let n_workers = (total_fte.round() as u32).clamp(1, n);
            let first_worker = workers.len() as u32;
            let first_org = net * c.orgs_per_network;
            for j in 0..n {
                let worker = first_worker + j * n_workers / n;
                // The setup stream's draws, in this order: GP buy-in, list size, deprivation,
                // training, leadership, team dynamics (arguments are evaluated left to right).
                let gp_buy_in = draw_driver(&mut rng.setup, &pp.gp_buy_in);
                practices.push(Practice::new(
                    net,
                    worker,
                    pp.list_size_min + rng::below(&mut rng.setup, pp.list_size_max - pp.list_size_min + 1),
                    pp.deprivation_min + (pp.deprivation_max - pp.deprivation_min) * rng::uniform(&mut rng.setup),
                    rng::chance(&mut rng.setup, pp.training_share),
                    [
                        gp_buy_in,
                        draw_driver(&mut rng.setup, &pp.collaborative_leadership),
                        draw_driver(&mut rng.setup, &pp.team_dynamics),
                    ],
                    imp,
                ));
            }
            for i in 0..n_workers {
                // Practices j with j * n_workers / n == i: a contiguous block.
                let lo = (i * n).div_ceil(n_workers);
                let hi = ((i + 1) * n).div_ceil(n_workers);
                workers.push(LinkWorker::new(
                    net,
                    first + lo..first + hi,
                    total_fte / f64::from(n_workers),
                    ties_len,
                ));
                ties_len += c.orgs_per_network as usize;
            }
            networks.push(Network {
                practices: first..first + n,
                workers: first_worker..workers.len() as u32,
                orgs: first_org..first_org + c.orgs_per_network,
            });
        }
        let weights = patient::need_weights(&scenario.patients);
        for net in 0..scenario.networks() {
            for k in 0..c.orgs_per_network {
                // The first organisations of a network cover every need once; the rest serve
                // needs in proportion to the patients' needs.
                let mut needs = if (k as usize) < NEEDS.len() {
                    1 << k
                } else {
                    patient::draw_need(&mut rng.setup, &weights)
                };
                if rng::chance(&mut rng.setup, c.second_need_share) {
                    needs |= patient::draw_need(&mut rng.setup, &weights);
                }
                let base = draw_base_funding(&mut rng.setup, c.funding_mean, c.funding_spread, c.viability_funding);
                orgs.push(Organisation::new(net, needs, base, c));
            }
        }
        let mut world = World {
            scenario,
            week: 0,
            rng,
            practices,
            workers,
            leaving: super::organisation::Leaving::new(orgs.len()),
            orgs,
            networks,
            ties: vec![0.0; ties_len],
            tally: Tally::default(),
            give_ups: vec![0; scenario.simulation.weeks as usize + 2],
            onward: Vec::new(),
            weights: Vec::new(),
            candidates: Default::default(),
            intake: patient::Intake::new(scenario),
            innovations: crate::rng::Poisson::new(scenario.practices.competing_innovations_per_year / 52.0),
            grants_per_year: 0.0,
        };
        let f = &scenario.funding;
        for i in 0..world.orgs.len() {
            if !world.orgs[i].set_funding(0, f.community_budget, f.annual_cut, 0.0, c) {
                world.close_org(i);
            }
        }
        world.sum_grants();
        for w in 0..world.workers.len() {
            world.meet_first_orgs(w);
        }
        world
    }
}

/// Baseline funding: log-normal with median `median` and sigma `spread`, redrawn below the
/// viability threshold (organisations that exist at baseline are viable at baseline).
fn draw_base_funding(rng: &mut Rng, median: f64, spread: f64, viability: f64) -> f64 {
    for _ in 0..100 {
        let x = median * (spread * rng::normal(rng)).exp();
        if x >= viability {
            return x;
        }
    }
    viability
}
