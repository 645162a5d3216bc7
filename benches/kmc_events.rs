//! Events per second of the KMC engines on the crystal pair of `inputs/kmc_crystal_pair.ron`
//! (two 7.5 nm Pd spheres joined by one atom, 400 K, per-atom rates), from a state 10^6 events
//! into the run (the neck has started to grow and the surfaces have roughened): the fcc-grid
//! engine the input uses, and the general table engine on the same pair for comparison; then
//! the fcc-grid engine on the same pair with 4.5 and 15 nm spheres (the cost per event should
//! not depend on the particle size).
//!
//! `cargo bench --bench kmc_events`; the throughput lines read in events per second, timed by the
//! wall clock and by the thread's CPU time (on a busy machine the wall clock also counts the time
//! spent waiting for a core; compare with `uptime`).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sintermd::input::KmcInput;
use sintermd::kmc::shapes::ShapeSpec;
use sintermd::kmc::{Engine, EngineChoice};
use sintermd::run::kmc::setup;
use sintermd::run::kmc_loop::thread_cpu_seconds;

const EVENTS_PER_ITER: u64 = 1 << 20;

/// The crystal pair's engine, with spheres of `diameter` [A] when given.
fn engine(choice: EngineChoice, diameter: Option<f64>) -> Box<dyn Engine> {
    let path = Path::new("inputs/kmc_crystal_pair.ron");
    let mut input = KmcInput::read(path).expect("crystal pair input");
    input.engine = choice;
    if let Some(diameter) = diameter {
        input.particles.shape = ShapeSpec::Sphere { diameter };
    }
    let mut engine = setup(&input, Path::new("inputs")).expect("setup").engine;
    engine.run(1_000_000);
    engine
}

fn crystal_pair(c: &mut Criterion) {
    let mut group = c.benchmark_group("kmc");
    group.throughput(Throughput::Elements(EVENTS_PER_ITER));
    group.sample_size(20);
    for (choice, diameter, label) in [
        (EngineChoice::Auto, None, "crystal_pair_events"),
        (
            EngineChoice::Table,
            None,
            "crystal_pair_events_table_engine",
        ),
        (EngineChoice::Auto, Some(45.0), "crystal_pair_4.5nm_events"),
        (EngineChoice::Auto, Some(150.0), "crystal_pair_15nm_events"),
    ] {
        let mut engine = engine(choice, diameter);
        group.bench_function(label, |b| b.iter(|| engine.run(EVENTS_PER_ITER)));
        // The same, timed by the thread's CPU time: on a shared, busy machine this is the
        // engine's own speed.
        group.bench_function(format!("{label}_cpu_time"), |b| {
            b.iter_custom(|iters| {
                let c0 = thread_cpu_seconds().expect("thread CPU time");
                for _ in 0..iters {
                    engine.run(EVENTS_PER_ITER);
                }
                Duration::from_secs_f64(thread_cpu_seconds().expect("thread CPU time") - c0)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, crystal_pair);
criterion_main!(benches);
