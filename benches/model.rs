//! Criterion benchmarks: one week, each phase of a week (each agent kind's weekly update) and one
//! replicate of the Deep End and England worlds.
//! Throughput is in agent-updates (`World::agents_updated_per_week`), so figures compare across
//! models. Run with `cargo bench` (or `cargo bench -- --quick`).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lwsim::model::{Phase, World};
use lwsim::scenario::load::load;
use std::hint::black_box;
use std::path::Path;

fn scenario(name: &str) -> lwsim::Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name), &[]).expect("shipped scenario")
}

/// A world 26 weeks in: past the start-up, with patients in every state.
fn warmed(s: &lwsim::Scenario) -> World<'_> {
    let mut w = World::new(s, 1);
    for _ in 0..26 {
        w.step();
    }
    w
}

/// Agent-updates in one whole replicate.
fn replicate_updates(s: &lwsim::Scenario) -> u64 {
    let mut w = World::new(s, 1);
    let mut total = 0;
    for _ in 0..s.simulation.weeks {
        w.step();
        total += w.agents_updated_per_week();
    }
    total
}

fn bench(c: &mut Criterion) {
    for (label, file, samples) in [
        ("deep_end", "deep-end-baseline.toml", 100),
        ("england", "england-pcn.toml", 10),
    ] {
        let s = scenario(file);
        let mut group = c.benchmark_group(label);
        group.sample_size(samples);
        let snapshot = warmed(&s);
        // Each timed step returns its world, so criterion drops it outside the timing (dropping
        // an England world, thousands of queues, would otherwise dominate a phase's figure).
        group.throughput(Throughput::Elements(snapshot.agents_updated_per_week()));
        group.bench_function("week", |b| {
            b.iter_batched(
                || snapshot.clone(),
                |mut w| {
                    w.step();
                    w
                },
                BatchSize::LargeInput,
            )
        });
        // Each agent kind's weekly update by itself, on copies of the same snapshot, in agents of
        // that kind per second (phase 1, the financial year, runs once a year: it is timed on the
        // snapshot all the same).
        for phase in Phase::ALL {
            let agents = match phase {
                Phase::PracticesRefer | Phase::PracticesUpdate => snapshot.practices.len(),
                Phase::LinkWorkersWork | Phase::LinkWorkersStayOrLeave => snapshot.workers.len(),
                Phase::FinancialYear | Phase::OrganisationsAdmit => snapshot.orgs.len(),
            };
            group.throughput(Throughput::Elements(agents as u64));
            group.bench_function(format!("phase/{phase:?}"), |b| {
                b.iter_batched(
                    || snapshot.clone(),
                    |mut w| {
                        w.run_phase(phase);
                        w
                    },
                    BatchSize::LargeInput,
                )
            });
        }
        group.throughput(Throughput::Elements(snapshot.practices.len() as u64));
        group.bench_function("observe", |b| {
            b.iter(|| black_box(lwsim::observe::observe(&snapshot, 0, 1)))
        });
        group.throughput(Throughput::Elements(replicate_updates(&s)));
        group.bench_function("replicate", |b| b.iter(|| black_box(lwsim::run::run_replicate(&s, 0))));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
