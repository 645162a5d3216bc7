//! Morse physics checks: forces are the negative gradient of the energy and the virial the
//! negative strain derivative (central finite differences), the half-list loop gives the same
//! numbers bit for bit for any number of threads, the RON form builds the same potential as
//! LAMMPS's words, and NVE conserves energy over 10,000 steps of a hot crystal.

mod common;

use std::path::Path;

use common::*;
use rand::SeedableRng;
use sintermd::io::read_lammps_data;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, nve_step, thermo};
use sintermd::neighbor::{ListKind, NeighborList, NeighborSettings};
use sintermd::potential::morse::{MorsePairSpec, MorseSpec};
use sintermd::potential::{
    Configuration, ForceOutput, Potential, PotentialSpec, build_potential, lammps,
};
use sintermd::structure::{Component, CubicLattice, LatticeBlock};
use sintermd::system::{SpeciesTable, System};

/// Copper (Girifalco & Weizer 1959) and a made-up partner, every pair given, shifted.
const BINARY: [&str; 3] = [
    "1 1 0.3429 1.3588 2.866",
    "1 2 0.3 1.35 2.95 5.5",
    "2 2 0.3323 1.369 3.115 6.5",
];

fn binary(species: &SpeciesTable) -> Box<dyn Potential> {
    lammps::build(
        "morse 6.0",
        &BINARY.map(String::from),
        &["shift yes".to_string()],
        species,
        Path::new("."),
    )
    .unwrap()
}

/// Energies and forces with a half list (no skin), in a rayon pool of `threads`.
fn half_list_output(system: &System, pot: &mut dyn Potential, threads: usize) -> ForceOutput {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut list = NeighborList::with_kind(pot.cutoff(), 0.0, ListKind::Half);
        list.build(&system.simbox, &system.positions).unwrap();
        let mut out = ForceOutput::default();
        pot.compute(
            Configuration {
                positions: &system.positions,
                types: &system.types,
            },
            &list,
            &mut out,
        );
        out
    })
}

fn copper_block(cells: usize, seed: u64) -> System {
    let block = LatticeBlock {
        lattice: CubicLattice::Fcc,
        a: 3.615,
        cells: [cells; 3],
        species: vec![Component {
            species: "Cu".into(),
            fraction: 1.0,
            mass: None,
        }],
        seed,
        boundary: "p p p".into(),
    };
    block.build().unwrap()
}

#[test]
fn forces_are_minus_the_energy_gradient_binary_small_box() {
    let system =
        read_lammps_data(&fixture("morse/binary_small_box.data"), [true; 3], None).unwrap();
    let mut pot = binary(&system.species);
    let worst = check_forces(&system, pot.as_mut(), &[], 1e-5, 1e-6);
    eprintln!("largest |F + dE/dx| = {worst:.2e} eV/A");
    let worst = check_virial(&system, pot.as_mut(), 1e-6, 1e-5);
    eprintln!("largest |W + dE/de| = {worst:.2e} eV");
}

#[test]
fn forces_are_minus_the_energy_gradient_free_cluster() {
    let system = read_lammps_data(&fixture("morse/cu_cluster.data"), [false; 3], None).unwrap();
    let mut pot = lammps::build(
        "morse 6.0",
        &["1 1 0.3429 1.3588 2.866".to_string()],
        &["shift yes".to_string()],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let worst = check_forces(&system, pot.as_mut(), &[], 1e-5, 1e-6);
    eprintln!("largest |F + dE/dx| = {worst:.2e} eV/A");
}

#[test]
fn half_list_sums_are_bitwise_identical_across_thread_pools() {
    // 4000 atoms: above the size at which the half-list loop runs its blocks in parallel.
    let mut system = copper_block(10, 3);
    for (k, x) in system.positions.iter_mut().enumerate() {
        x.x += 0.02 * ((k * 7919) % 13) as f64 / 13.0;
        x.y -= 0.03 * ((k * 104_729) % 11) as f64 / 11.0;
    }
    system.wrap_positions();
    let mut pot = lammps::build(
        "morse 6.0",
        &["1 1 0.3429 1.3588 2.866".to_string()],
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let one = half_list_output(&system, pot.as_mut(), 1);
    for threads in [2, 3, 4] {
        assert_eq!(
            half_list_output(&system, pot.as_mut(), threads),
            one,
            "{threads} threads"
        );
    }
}

#[test]
fn ron_spec_builds_the_same_potential_as_lammps_words() {
    let mut system =
        read_lammps_data(&fixture("morse/binary_small_box.data"), [true; 3], None).unwrap();
    let pair = |a: &str, b: &str, d0, alpha, r0, cutoff| MorsePairSpec {
        species: (a.into(), b.into()),
        d0,
        alpha,
        r0,
        cutoff,
    };
    let names = &system.species.names;
    let (a, b) = (names[0].as_str(), names[1].as_str());
    let spec = PotentialSpec::Morse(MorseSpec {
        pairs: vec![
            pair(a, a, 0.3429, 1.3588, 2.866, 6.0),
            pair(a, b, 0.3, 1.35, 2.95, 5.5),
            pair(b, b, 0.3323, 1.369, 3.115, 6.5),
        ],
        shift: true,
    });
    let text = ron::to_string(&spec).unwrap();
    let spec: PotentialSpec = ron::from_str(&text).unwrap();
    let mut from_ron = build_potential(&spec, &system.species, Path::new(".")).unwrap();
    let mut from_words = binary(&system.species);
    assert_eq!(
        evaluate(&mut system, from_ron.as_mut()),
        evaluate(&mut system, from_words.as_mut())
    );
}

#[test]
fn nve_hot_crystal_conserves_energy_over_10000_steps() {
    // Copper: 256 atoms, fcc a = 3.615 A, started at 600 K; shifted Morse cut at 8 A (where the
    // force is below 1e-3 eV/A); dt = 0.25 fs (the bonds vibrate with periods near 0.2 ps, and
    // Verlet's energy fluctuation grows as (omega dt)^2); the list as the style declares (half).
    let mut system = copper_block(4, 0);
    maxwell_boltzmann(&mut system, 600.0, &mut SimRng::seed_from_u64(5));
    let pot = lammps::build(
        "morse 8.0",
        &["1 1 0.3429 1.3588 2.866".to_string()],
        &["shift yes".to_string()],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let mut engine = ForceEngine::new(pot, NeighborSettings::default()).unwrap();
    let mut state = SimulationState::new(system, 0);
    engine.compute(&mut state.system, 0).unwrap();
    let total = |s: &SimulationState, e: &ForceEngine| {
        e.output().energy + thermo::kinetic_energy(&s.system)
    };
    let e0 = total(&state, &engine);
    let mut worst: f64 = 0.0;
    let mut ke_sum = 0.0;
    let steps = 10_000;
    for _ in 0..steps {
        nve_step(&mut state, &mut engine, 0.00025).unwrap();
        worst = worst.max((total(&state, &engine) - e0).abs());
        ke_sum += thermo::kinetic_energy(&state.system);
    }
    let ke_mean = ke_sum / steps as f64;
    let t = thermo::temperature(ke_mean, thermo::degrees_of_freedom(state.system.len()));
    eprintln!(
        "max |E - E0| = {worst:.3e} eV, mean KE = {ke_mean:.3} eV (T = {t:.1} K): ratio {:.2e}",
        worst / ke_mean
    );
    assert!(t > 150.0, "the crystal froze (T = {t} K)");
    assert!(
        worst < 1e-4 * ke_mean,
        "energy drift {worst} eV exceeds 1e-4 of the kinetic energy {ke_mean} eV"
    );
}
