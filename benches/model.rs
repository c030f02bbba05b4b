//! Criterion benchmarks: one week and one replicate of the Deep End and England worlds.
//! Throughput is in agent-updates (`World::agents_updated_per_week`), so figures compare across
//! models. Run with `cargo bench` (or `cargo bench -- --quick`).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lwsim::model::World;
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
        group.throughput(Throughput::Elements(snapshot.agents_updated_per_week()));
        group.bench_function("week", |b| {
            b.iter_batched(|| snapshot.clone(), |mut w| w.step(), BatchSize::LargeInput)
        });
        group.throughput(Throughput::Elements(replicate_updates(&s)));
        group.bench_function("replicate", |b| b.iter(|| black_box(lwsim::run::run_replicate(&s, 0))));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
