//! Events per second of the KMC engine on the crystal pair of `inputs/kmc_crystal_pair.ron`
//! (two 7.5 nm Pd spheres joined by one atom, 400 K, per-atom rates), from a state 10^6 events
//! into the run (the neck has started to grow and the surfaces have roughened).
//!
//! `cargo bench --bench kmc_events`; the throughput line reads in events per second.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sintermd::kmc::KmcInput;
use sintermd::kmc::run::setup;

const EVENTS_PER_ITER: u64 = 1 << 20;

fn crystal_pair(c: &mut Criterion) {
    let path = Path::new("inputs/kmc_crystal_pair.ron");
    let input = KmcInput::read(path).expect("crystal pair input");
    let mut engine = setup(&input, Path::new("inputs")).expect("setup").engine;
    engine.run(1_000_000);
    let mut group = c.benchmark_group("kmc");
    group.throughput(Throughput::Elements(EVENTS_PER_ITER));
    group.sample_size(20);
    group.bench_function("crystal_pair_events", |b| {
        b.iter(|| engine.run(EVENTS_PER_ITER))
    });
    group.finish();
}

criterion_group!(benches, crystal_pair);
criterion_main!(benches);
