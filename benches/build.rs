//! Build times of the structure builder: the Pt-Fe sintering study's two-particle system
//! (30,804 atoms, inputs/build/ptfe_pair_paper.ron) and a 50,000-atom Wulff particle.
//!
//!     cargo bench --bench build

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sintermd::io::ron::{parse_ron, read_ron};
use sintermd::structure::{BuildSpec, ParticleSpec};

fn builds(c: &mut Criterion) {
    let paper: BuildSpec = read_ron(Path::new("inputs/build/ptfe_pair_paper.ron")).unwrap();
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("ptfe_pair_paper (30,804 atoms)", |b| {
        b.iter(|| paper.build(Path::new("inputs/build")).unwrap().system.len())
    });
    let wulff: ParticleSpec = parse_ron(
        r#"(lattice: Fcc, a: 3.9, species: [(species: "Pt", fraction: 0.85), (species: "Fe", fraction: 0.15)],
            shape: Wulff({(1, 0, 0): 1.0, (1, 1, 1): 0.9, (1, 1, 0): 1.1}), size: Atoms(50000),
            adatoms: [(facet: (1, 0, 0), fraction: 0.2)], seed: 1)"#,
        Path::new("bench"),
    )
    .unwrap();
    group.bench_function("Wulff particle Atoms(50000)", |b| {
        b.iter(|| wulff.build().unwrap().system.len())
    });
    let volume: ParticleSpec = parse_ron(
        r#"(lattice: Fcc, a: 3.9, species: [(species: "Pt")],
            shape: Wulff({(1, 0, 0): 1.0, (1, 1, 1): 0.9, (1, 1, 0): 1.1}), size: VolumeOfAtoms(50000))"#,
        Path::new("bench"),
    )
    .unwrap();
    group.bench_function("Wulff particle VolumeOfAtoms(50000)", |b| {
        b.iter(|| volume.build().unwrap().system.len())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = builds
}
criterion_main!(benches);
