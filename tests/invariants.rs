//! Invariants checked on every week of several runs.

use crate::util::*;
use lwsim::model::World;
use lwsim::observe::observe;

/// Every invariant of a world at the end of a week, with the week's row.
pub fn check_world(world: &World) {
    let row = observe(world, 0, 0);
    let t = &world.tally;
    let f = &t.total;
    let week = world.week;
    // Patients are conserved across pathway states.
    let waiting_live: u64 = world
        .workers
        .iter()
        .flat_map(|w| w.waiting.iter())
        .filter(|p| p.leaves_week > week)
        .count() as u64;
    assert_eq!(t.waiting, waiting_live, "week {week}: waiting count");
    let org_waiting: u64 = world.orgs.iter().map(|o| o.waiting.len() as u64).sum();
    assert_eq!(t.org_waiting, org_waiting, "week {week}: organisation waiting count");
    let open = t.waiting + world.active_cases() + t.org_waiting;
    let ended = f.not_engaged + f.dropped_out + f.connected + f.unmet_need;
    assert_eq!(f.referrals, open + ended, "week {week}: patients not conserved");
    assert_eq!(t.finished, ended, "week {week}: finished count");
    // No caseload above the cap.
    for w in &world.workers {
        assert!(
            w.caseload.len() <= w.cap(&world.scenario.link_workers),
            "week {week}: caseload above cap"
        );
        assert!((0.0..=1.0).contains(&w.burnout));
        assert!((0.0..=1.0).contains(&w.development_share));
    }
    // Stage counts sum to the number of practices; constructs and shares in [0, 1].
    assert_eq!(
        (row.bolted_on + row.fitting_in + row.belonging) as usize,
        world.practices.len()
    );
    assert!((0.0..=1.0).contains(&row.integration_rate));
    for p in &world.practices {
        for x in [p.coherence, p.participation, p.action, p.monitoring, p.gp_buy_in] {
            assert!((0.0..=1.0).contains(&x), "week {week}: construct {x}");
        }
    }
    assert!(
        world.ties.iter().all(|t| (0.0..=1.0).contains(t)),
        "week {week}: tie out of range"
    );
    // Funding and capacity never negative; closed organisations hold nothing.
    for (i, o) in world.orgs.iter().enumerate() {
        assert!(
            o.funding.is_finite() && o.funding >= 0.0,
            "week {week}: funding {}",
            o.funding
        );
        if !o.open {
            assert!(o.capacity == 0 && o.occupancy == 0 && o.waiting.is_empty());
        }
        let scheduled = world.leaving.scheduled(i);
        assert_eq!(scheduled, o.occupancy, "week {week}: places scheduled to free");
    }
    assert_eq!(row.lw_in_post + row.lw_vacant, world.workers.len() as u32);
    assert!(row.hours_casework >= 0.0 && row.hours_development >= 0.0 && row.hours_networking >= 0.0);
    let per_fte = world.scenario.link_workers.hours_per_fte;
    assert!(world.workers.iter().all(|w| w.week.hours <= w.fte * per_fte + 1e-9));
    let hours: f64 = world.workers.iter().map(|w| w.week.hours).sum();
    let used = row.hours_casework + row.hours_development + row.hours_networking;
    assert!(used <= hours + 1e-6, "week {week}: {used} hours used of {hours}");
    assert!(t.cost_total().is_finite() && t.cost_total() >= 0.0);
}

fn run_checked(s: &lwsim::Scenario, seeds: std::ops::Range<u64>) {
    for seed in seeds {
        let mut world = World::new(s, seed);
        check_world(&world);
        for _ in 0..s.simulation.weeks {
            world.step();
            check_world(&world);
        }
        assert!(world.tally.total.referrals > 0, "{}: nobody was referred", s.name);
    }
}

#[test]
fn invariants_hold_every_week_of_the_baseline() {
    run_checked(&load("deep-end-baseline.toml", &[]), 0..5);
}

#[test]
fn invariants_hold_under_deep_cuts_and_per_referral_funding() {
    run_checked(
        &load(
            "austerity.toml",
            &["funding.annual_cut=0.5", "funding.per_referral=150"],
        ),
        0..3,
    );
}

#[test]
fn invariants_hold_with_heavy_caseloads_signposting_and_frequent_vacancies() {
    let s = load(
        "heavy-caseload.toml",
        &[
            "link_workers.holistic_share=0.3",
            "link_workers.leave_hazard_per_week=0.05",
            "link_workers.recruitment_delay_weeks=3",
        ],
    );
    run_checked(&s, 0..3);
}

#[test]
fn invariants_hold_in_shared_networks() {
    let s = load(
        "england-pcn.toml",
        &[
            "practices.count=53",
            "community.orgs_per_network=7",
            "simulation.weeks=60",
        ],
    );
    run_checked(&s, 0..3);
}
