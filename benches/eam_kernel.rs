//! Criterion benchmark of the EAM force kernel: one evaluation (densities, embedding, forces)
//! of 32,000 Cu atoms (fcc, a = 3.615 A, displaced by up to 0.15 A) with the Zhou 2004 Cu
//! potential, and of the 4,033-atom Pt85Fe15 benchmark particle with Zhou 2004 Pt-Fe; with and
//! without energies and virials, and the neighbour-list build for the same systems.
//! Run: `cargo bench --bench eam_kernel` (set RAYON_NUM_THREADS to choose the threads).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use sintermd::io::read_lammps_data;
use sintermd::neighbor::NeighborList;
use sintermd::potential::lammps::build;
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn copper() -> (System, Box<dyn Potential>) {
    let a = 3.615;
    let species = SpeciesTable::elements(&["Cu"]).unwrap();
    let simbox = SimBox::new([0.0; 3], [20.0 * a; 3], [true; 3]).unwrap();
    let mut sys = System::new(simbox, species);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    for (i, x) in block_sites(CubicLattice::Fcc, a, [20, 20, 20])
        .into_iter()
        .enumerate()
    {
        let d = Vec3::new(
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
        );
        sys.push(i as u64 + 1, 0, x + 0.3 * d, Vec3::zeros());
    }
    let coeff = ["* * potentials/Cu_Zhou04.eam.alloy Cu".to_string()];
    let pot = build("eam/alloy", &coeff, &[], &sys.species, root()).unwrap();
    (sys, pot)
}

fn particle() -> (System, Box<dyn Potential>) {
    let sys = read_lammps_data(
        &root().join("inputs/bench/ptfe_np_4k.data"),
        [false; 3],
        None,
    )
    .unwrap();
    let coeff = ["* * potentials/PtFe_Zhou04.eam.alloy Pt Fe".to_string()];
    let pot = build("eam/alloy", &coeff, &[], &sys.species, root()).unwrap();
    (sys, pot)
}

fn bench_system(c: &mut Criterion, name: &str, (mut sys, mut pot): (System, Box<dyn Potential>)) {
    sys.wrap_positions();
    let mut list = NeighborList::new(pot.cutoff(), 1.0);
    list.build(&sys.simbox, &sys.positions).unwrap();
    let config = Configuration {
        positions: &sys.positions,
        types: &sys.types,
    };
    let mut out = ForceOutput::default();
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    group.bench_function("forces, energies and virials", |b| {
        b.iter(|| pot.compute(black_box(config), &list, &mut out))
    });
    group.bench_function("forces only", |b| {
        b.iter(|| pot.compute_forces(black_box(config), &list, &mut out))
    });
    let mut fresh = NeighborList::new(pot.cutoff(), 1.0);
    group.bench_function("neighbour list build", |b| {
        b.iter(|| fresh.build(&sys.simbox, black_box(&sys.positions)).unwrap())
    });
    group.finish();
}

fn eam_kernel(c: &mut Criterion) {
    bench_system(c, "eam_cu32k", copper());
    bench_system(c, "eam_ptfe_np", particle());
}

criterion_group!(benches, eam_kernel);
criterion_main!(benches);
