//! FIRE minimisation: an LJ crystal with displaced atoms relaxes back to the perfect lattice energy,
//! and a free cluster's energy goes down until the forces vanish.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use sintermd::md::ForceEngine;
use sintermd::md::minimize::{FireSettings, fire_minimize};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::structure::{Component, CubicLattice, LatticeBlock};

fn argon(boundary: &str, cells: usize, a: f64) -> sintermd::system::System {
    LatticeBlock {
        lattice: CubicLattice::Fcc,
        a,
        cells: [cells; 3],
        species: vec![Component {
            species: "Ar".into(),
            fraction: 1.0,
            mass: None,
        }],
        seed: 0,
        boundary: boundary.into(),
    }
    .build()
    .unwrap()
}

fn engine(system: &sintermd::system::System) -> ForceEngine {
    let pot = lammps::build(
        "lj/cut 8.5",
        &["1 1 0.0104 3.40".to_string()],
        &["shift yes".to_string()],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    ForceEngine::new(pot, NeighborSettings::default()).unwrap()
}

#[test]
fn displaced_crystal_relaxes_to_the_lattice_energy() {
    let mut perfect = argon("p p p", 4, 5.30);
    let mut eng = engine(&perfect);
    let e_perfect = eng.compute(&mut perfect, 0).unwrap().energy;
    let mut s = perfect.clone();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    for x in &mut s.positions {
        for k in 0..3 {
            x[k] += rng.random_range(-0.2..0.2);
        }
    }
    let report = fire_minimize(
        &mut s,
        &mut eng,
        &FireSettings {
            ftol: 1e-8,
            ..Default::default()
        },
    )
    .unwrap();
    eprintln!("{report:?}");
    assert_eq!(report.stopped_by, "force");
    assert!(report.initial_energy > e_perfect + 0.1);
    assert!(
        (report.final_energy - e_perfect).abs() < 1e-9,
        "relaxed to {} not {e_perfect}",
        report.final_energy
    );
    assert!(s.velocities.iter().all(|v| v.norm() == 0.0));
}

#[test]
fn free_cluster_energy_decreases_to_a_minimum() {
    let mut s = argon("f f f", 3, 5.6);
    let mut eng = engine(&s);
    let report = fire_minimize(
        &mut s,
        &mut eng,
        &FireSettings {
            ftol: 1e-6,
            ..Default::default()
        },
    )
    .unwrap();
    eprintln!("{report:?}");
    assert!(report.final_energy < report.initial_energy);
    assert!(report.final_force_norm < 1e-6);
}
