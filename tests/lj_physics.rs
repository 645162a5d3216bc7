//! Lennard-Jones physics checks: forces are the negative gradient of the energy (central finite
//! differences), and NVE conserves energy over 10,000 steps of a liquid.

mod common;

use std::path::Path;

use common::*;
use rand::SeedableRng;
use sintermd::io::read_lammps_data;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, nve_step, thermo};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::structure::{Component, CubicLattice, LatticeBlock};

fn kob_andersen_shifted(
    species: &sintermd::system::SpeciesTable,
) -> Box<dyn sintermd::potential::Potential> {
    let coeffs = ["1 1 0.1 2.5 6.25", "1 2 0.15 2.0 5.0", "2 2 0.05 2.2 5.5"].map(String::from);
    lammps::build(
        "lj/cut 6.25",
        &coeffs,
        &["shift yes".to_string()],
        species,
        Path::new("."),
    )
    .unwrap()
}

#[test]
fn forces_are_minus_the_energy_gradient_kob_andersen() {
    let system = read_lammps_data(&fixture("lj/kob_andersen.data"), [true; 3], None).unwrap();
    let mut pot = kob_andersen_shifted(&system.species);
    let atoms: Vec<usize> = (0..system.len()).step_by(7).collect();
    let worst = check_forces(&system, pot.as_mut(), &atoms, 1e-5, 1e-6);
    eprintln!("largest |F + dE/dx| = {worst:.2e} eV/A");
}

#[test]
fn forces_are_minus_the_energy_gradient_free_cluster() {
    let system = read_lammps_data(&fixture("lj/argon_cluster.data"), [false; 3], None).unwrap();
    let coeffs = ["1 1 0.0104 3.40".to_string()];
    let mut pot = lammps::build(
        "lj/cut 8.5",
        &coeffs,
        &["shift yes".to_string()],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let worst = check_forces(&system, pot.as_mut(), &[], 1e-5, 1e-7);
    eprintln!("largest |F + dE/dx| = {worst:.2e} eV/A");
}

#[test]
fn nve_liquid_conserves_energy_over_10000_steps() {
    // Liquid argon: 500 atoms at 5.8 A fcc spacing (expanded), started at 240 K; shifted lj/cut
    // at 2.5 sigma; dt = 2 fs.
    let block = LatticeBlock {
        lattice: CubicLattice::Fcc,
        a: 5.8,
        cells: [5, 5, 5],
        species: vec![Component {
            species: "Ar".into(),
            fraction: 1.0,
            mass: None,
        }],
        seed: 0,
        boundary: "p p p".into(),
    };
    let mut system = block.build().unwrap();
    maxwell_boltzmann(&mut system, 240.0, &mut SimRng::seed_from_u64(11));
    let pot = lammps::build(
        "lj/cut 8.5",
        &["1 1 0.0104 3.40".to_string()],
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
        nve_step(&mut state, &mut engine, 0.002).unwrap();
        worst = worst.max((total(&state, &engine) - e0).abs());
        ke_sum += thermo::kinetic_energy(&state.system);
    }
    let ke_mean = ke_sum / steps as f64;
    let t = thermo::temperature(ke_mean, thermo::degrees_of_freedom(state.system.len()));
    eprintln!(
        "max |E - E0| = {worst:.3e} eV, mean KE = {ke_mean:.3} eV (T = {t:.1} K): ratio {:.2e}",
        worst / ke_mean
    );
    assert!(
        t > 100.0,
        "the liquid froze (T = {t} K): the test would not be testing a liquid"
    );
    assert!(
        worst < 1e-4 * ke_mean,
        "energy drift {worst} eV exceeds 1e-4 of the kinetic energy {ke_mean} eV"
    );
}
