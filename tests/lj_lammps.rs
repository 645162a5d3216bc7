//! Lennard-Jones against LAMMPS `lj/cut`: energy, per-atom energy, forces and virial within 1e-10
//! relative; a 10-step NVE trajectory within 1e-8 A. Fixtures: tests/fixtures/lj (made by
//! make_fixtures.py there).

mod common;

use common::*;
use sintermd::io::read_lammps_data;
use sintermd::md::{ForceEngine, SimulationState, nve_step};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::system::parse_boundary;

fn load(name: &str) -> (sintermd::system::System, Reference) {
    let reference = load_reference(&fixture(&format!("lj/{name}.json")));
    let periodic = parse_boundary(&reference.boundary).unwrap();
    let system = read_lammps_data(&fixture(&format!("lj/{name}.data")), periodic, None).unwrap();
    (system, reference)
}

fn check_static(name: &str) {
    let (mut system, reference) = load(name);
    let mut pot = lammps::build(
        &reference.pair_style,
        &reference.pair_coeff,
        &[],
        &system.species,
        std::path::Path::new("."),
    )
    .unwrap();
    let out = evaluate(&mut system, pot.as_mut());
    let err = compare_with_lammps(&out, &reference.initial, 1e-10);
    eprintln!(
        "{name}: relative errors energy {:.1e} per-atom {:.1e} force {:.1e} virial {:.1e}",
        err[0], err[1], err[2], err[3]
    );
}

#[test]
fn argon_periodic_matches_lammps() {
    check_static("argon_periodic");
}

#[test]
fn argon_in_box_shorter_than_twice_the_cutoff_matches_lammps() {
    check_static("argon_small_box");
}

#[test]
fn kob_andersen_matches_lammps() {
    check_static("kob_andersen");
}

#[test]
fn free_cluster_matches_lammps() {
    check_static("argon_cluster");
}

fn check_nve(name: &str) {
    let (system, reference) = load(name);
    let fin = reference
        .final_state
        .as_ref()
        .expect("fixture has an NVE run");
    let steps = reference.nve_steps.unwrap();
    let dt = reference.dt.unwrap();
    let pot = lammps::build(
        &reference.pair_style,
        &reference.pair_coeff,
        &[],
        &system.species,
        std::path::Path::new("."),
    )
    .unwrap();
    let mut engine = ForceEngine::new(
        pot,
        NeighborSettings {
            skin: 1.0,
            every: 1,
        },
    )
    .unwrap();
    let mut state = SimulationState::new(system, 0);
    engine.compute(&mut state.system, 0).unwrap();
    for _ in 0..steps {
        nve_step(&mut state, &mut engine, dt).unwrap();
    }
    let b = &state.system.simbox;
    let mut worst: f64 = 0.0;
    for (x, r) in state.system.positions.iter().zip(&fin.positions) {
        let d = b.minimum_image(x - v3(*r));
        worst = worst.max(d.amax());
    }
    eprintln!("{name}: {steps} NVE steps, largest position difference from LAMMPS {worst:.2e} A");
    assert!(worst < 1e-8, "positions differ from LAMMPS by {worst:e} A");
    let de = (engine.output().energy - fin.energy).abs() / fin.energy.abs();
    assert!(de < 1e-9, "final energy differs by {de:e} relative");
}

#[test]
fn nve_trajectory_matches_lammps_periodic() {
    check_nve("argon_periodic");
}

#[test]
fn nve_trajectory_matches_lammps_free_cluster() {
    check_nve("argon_cluster");
}
