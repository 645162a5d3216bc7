//! Morse against LAMMPS `pair_style morse`: energy, per-atom energy, forces and virial within
//! 1e-10 relative, with the half list the style reads and with a full list; a 10-step NVE
//! trajectory within 1e-8 A. Fixtures: tests/fixtures/morse (made by make_fixtures.py there).

mod common;

use std::path::Path;

use common::*;
use sintermd::io::read_lammps_data;
use sintermd::md::{ForceEngine, SimulationState, nve_step};
use sintermd::neighbor::{ListKind, NeighborList, NeighborSettings};
use sintermd::potential::{Configuration, ForceOutput, Potential, lammps};
use sintermd::system::{System, parse_boundary};

fn load(name: &str) -> (System, Reference, Box<dyn Potential>) {
    let reference = load_reference(&fixture(&format!("morse/{name}.json")));
    let periodic = parse_boundary(&reference.boundary).unwrap();
    let system = read_lammps_data(&fixture(&format!("morse/{name}.data")), periodic, None).unwrap();
    let pot = lammps::build(
        &reference.pair_style,
        &reference.pair_coeff,
        &reference.pair_modify,
        &system.species,
        Path::new("."),
    )
    .unwrap();
    (system, reference, pot)
}

/// Energies and forces with a list of `kind` and no skin.
fn evaluate_with(system: &mut System, pot: &mut dyn Potential, kind: ListKind) -> ForceOutput {
    system.wrap_positions();
    let mut list = NeighborList::with_kind(pot.cutoff(), 0.0, kind);
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
}

fn check_static(name: &str) {
    let (mut system, reference, mut pot) = load(name);
    assert_eq!(pot.neighbor_list_kind(), ListKind::Half);
    for kind in [ListKind::Half, ListKind::Full] {
        let out = evaluate_with(&mut system, pot.as_mut(), kind);
        let err = compare_with_lammps(&out, &reference.initial, 1e-10);
        eprintln!(
            "{name} ({kind:?} list): relative errors energy {:.1e} per-atom {:.1e} force {:.1e} \
             virial {:.1e}",
            err[0], err[1], err[2], err[3]
        );
    }
}

#[test]
fn copper_periodic_matches_lammps() {
    check_static("cu_periodic");
}

#[test]
fn shifted_binary_in_box_shorter_than_twice_the_cutoff_matches_lammps() {
    let (_, reference, _) = load("binary_small_box");
    assert_eq!(reference.pair_modify, ["shift yes"]);
    check_static("binary_small_box");
}

#[test]
fn shifted_free_cluster_matches_lammps() {
    check_static("cu_cluster");
}

fn check_nve(name: &str) {
    let (system, reference, pot) = load(name);
    let fin = reference
        .final_state
        .as_ref()
        .expect("fixture has an NVE run");
    let steps = reference.nve_steps.unwrap();
    let dt = reference.dt.unwrap();
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
    check_nve("cu_periodic");
}

#[test]
fn nve_trajectory_matches_lammps_free_cluster() {
    check_nve("cu_cluster");
}

/// `sintermd eval`'s JSON as a [`ForceOutput`] (no per-atom virials).
fn eval_json(args: &[&str]) -> ForceOutput {
    let text = common::cli::sintermd_ok(args);
    let json = &text[text.find('{').expect("eval prints JSON")..];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let numbers = |x: &serde_json::Value| -> Vec<f64> {
        x.as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .collect()
    };
    let virial = numbers(&v["virial"]);
    ForceOutput {
        energy: v["energy"].as_f64().unwrap(),
        per_atom_energy: numbers(&v["per_atom_energy"]),
        forces: v["forces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let c = numbers(f);
                sintermd::system::Vec3::new(c[0], c[1], c[2])
            })
            .collect(),
        per_atom_virial: Vec::new(),
        virial: [
            virial[0], virial[1], virial[2], virial[3], virial[4], virial[5],
        ],
    }
}

#[test]
fn eval_command_with_lammps_words_and_with_ron_matches_lammps() {
    let (_, reference, _) = load("binary_small_box");
    let data = "tests/fixtures/morse/binary_small_box.data";
    let mut args = vec![
        "eval",
        "--structure",
        data,
        "--pair-style",
        &reference.pair_style,
    ];
    for c in &reference.pair_coeff {
        args.extend(["--pair-coeff", c.as_str()]);
    }
    args.extend(["--pair-modify", "shift yes"]);
    compare_with_lammps(&eval_json(&args), &reference.initial, 1e-10);

    let dir = tempfile::tempdir().unwrap();
    let pot = dir.path().join("morse.ron");
    std::fs::write(
        &pot,
        r#"Morse(pairs: [
            (species: ("Cu", "Cu"), d0: 0.3429, alpha: 1.3588, r0: 2.866, cutoff: 6.0),
            (species: ("Cu", "Ag"), d0: 0.3, alpha: 1.35, r0: 2.95, cutoff: 5.5),
            (species: ("Ag", "Ag"), d0: 0.3323, alpha: 1.369, r0: 3.115, cutoff: 6.5),
        ], shift: true)"#,
    )
    .unwrap();
    let from_ron = eval_json(&[
        "eval",
        "--structure",
        data,
        "--potential",
        pot.to_str().unwrap(),
    ]);
    compare_with_lammps(&from_ron, &reference.initial, 1e-10);
}
