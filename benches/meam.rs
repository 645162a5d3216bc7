//! One MEAM force evaluation of the 4,033-atom Pt85Fe15 benchmark particle (positions jiggled
//! by up to 0.15 A so that screening is partial as in a hot particle), on 1 and 2 threads.
//! Run: cargo bench --bench meam

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sintermd::io::read_lammps_data;
use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, lammps};

fn meam_particle(c: &mut Criterion) {
    let mut system =
        read_lammps_data(Path::new("inputs/bench/ptfe_np_4k.data"), [true; 3], None).unwrap();
    // A fixed pseudo-random jiggle (no RNG state needed).
    for (i, x) in system.positions.iter_mut().enumerate() {
        for k in 0..3 {
            let u = ((i * 3 + k) as f64 * 0.618_033_988_749_895).fract();
            x[k] += 0.3 * (u - 0.5);
        }
    }
    let mut potential = lammps::build(
        "meam",
        &[
            "* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe"
                .to_string(),
        ],
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let mut list = NeighborList::new(potential.cutoff(), 1.0);
    list.build(&system.simbox, &system.positions).unwrap();
    let config = Configuration {
        positions: &system.positions,
        types: &system.types,
    };
    let mut out = ForceOutput::default();
    let mut group = c.benchmark_group("meam_ptfe_np_4k");
    group.sample_size(30);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("compute_{threads}_threads"), |b| {
            pool.install(|| b.iter(|| potential.compute(config, &list, &mut out)))
        });
    }
    group.finish();
}

criterion_group!(benches, meam_particle);
criterion_main!(benches);
