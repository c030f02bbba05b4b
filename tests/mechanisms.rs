//! Each mechanism moves its outcome in the documented direction, in a whole world. (The unit
//! tests beside each agent check the same directions in isolation.)

use crate::util::*;
use lwsim::model::World;

fn mean_over_replicates(s: &lwsim::Scenario, n: u64, f: impl Fn(&World) -> f64) -> f64 {
    let mut total = 0.0;
    for seed in 0..n {
        let mut w = World::new(s, seed);
        for _ in 0..s.simulation.weeks {
            w.step();
        }
        total += f(&w);
    }
    total / n as f64
}

#[test]
fn a_vacancy_stops_casework_and_lets_coherence_decay() {
    let s = load("deep-end-baseline.toml", &[]);
    let mut world = World::new(&s, 1);
    for _ in 0..30 {
        world.step();
    }
    let before = world.practices[0].coherence;
    world.workers[0].in_post = false;
    world.workers[0].vacant_until = u32::MAX;
    for _ in 0..10 {
        world.step();
        assert_eq!(world.workers[0].week.casework_hours, 0.0);
        assert_eq!(world.workers[0].week.development_hours, 0.0);
    }
    assert!(
        world.practices[0].coherence < before * 0.9,
        "{} -> {}",
        before,
        world.practices[0].coherence
    );
}

#[test]
fn a_link_worker_leaving_takes_the_ties() {
    let s = load("deep-end-baseline.toml", &["link_workers.recruitment_delay_weeks=5"]);
    let certain_to_leave = s.edit(|s| s.link_workers.leave_hazard_per_week = 1.0).unwrap();
    let mut world = World::new(&s, 3);
    for _ in 0..40 {
        world.step();
    }
    let (start, len) = (world.workers[0].tie_start, s.community.orgs_per_network as usize);
    let strength = |w: &World| w.ties[start..start + len].iter().sum::<f32>();
    assert!(strength(&world) > 0.5);
    world.scenario = &certain_to_leave;
    world.step();
    assert!(!world.workers[0].in_post);
    assert_eq!(strength(&world), 0.0);
    assert!(world.practices[0].lw_changes >= 1);
}

#[test]
fn austerity_closes_organisations_and_lowers_capacity() {
    let base = load("deep-end-baseline.toml", &[]);
    let cut = load("austerity.toml", &["funding.annual_cut=0.5"]);
    let closed = |w: &World| w.orgs.iter().filter(|o| !o.open).count() as f64;
    let capacity = |w: &World| w.orgs.iter().map(|o| f64::from(o.capacity)).sum::<f64>();
    assert!(mean_over_replicates(&cut, 10, closed) > mean_over_replicates(&base, 10, closed) + 5.0);
    assert!(mean_over_replicates(&cut, 10, capacity) < 0.7 * mean_over_replicates(&base, 10, capacity));
}

#[test]
fn more_gp_buy_in_means_more_integration() {
    let low = load("low-buy-in.toml", &[]);
    let high = load("high-buy-in.toml", &[]);
    let belonging = |w: &World| lwsim::observe::observe(w, 0, 0).integration_rate;
    let (high, low) = (
        mean_over_replicates(&high, 40, belonging),
        mean_over_replicates(&low, 40, belonging),
    );
    assert!(high > low + 0.1, "high {high} low {low}");
}

#[test]
fn a_low_caseload_cap_makes_patients_wait() {
    let low = load("heavy-caseload.toml", &["link_workers.caseload_cap=8"]);
    let high = load("heavy-caseload.toml", &[]);
    let waiting = |w: &World| w.tally.waiting as f64;
    assert!(mean_over_replicates(&low, 5, waiting) > 2.0 * mean_over_replicates(&high, 5, waiting));
}

#[test]
fn an_unengaged_practice_barely_refers() {
    let engaged = load(
        "deep-end-baseline.toml",
        &[
            "implementation.initial_coherence=0.9",
            "implementation.initial_participation=0.9",
            "simulation.weeks=8",
        ],
    );
    let unengaged = load(
        "deep-end-baseline.toml",
        &[
            "implementation.initial_coherence=0.0",
            "implementation.initial_participation=0.0",
            "implementation.rate_coherence=0",
            "implementation.rate_participation=0",
            "simulation.weeks=8",
        ],
    );
    let referrals = |w: &World| w.tally.total.referrals as f64;
    assert_eq!(mean_over_replicates(&unengaged, 5, referrals), 0.0);
    assert!(mean_over_replicates(&engaged, 5, referrals) > 50.0);
}
