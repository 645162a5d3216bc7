//! Thermostats, momentum removal and groups in RON inputs: the example input parses, a short run
//! writes the conserved quantity and the right temperature to thermo.csv, and bad input ends
//! with one error naming the file and the problem.

use std::path::Path;

use sintermd::input::{Input, StageSpec};
use sintermd::md::thermostat::ThermostatSpec;
use sintermd::run::run_file;
use sintermd::units::BOLTZMANN;

fn error_of(name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad_inputs")
        .join(name);
    match run_file(&path, dir.path()) {
        Ok(_) => panic!("{name} ran without error"),
        Err(e) => e.to_string(),
    }
}

fn assert_error(name: &str, expected: &[&str]) {
    let e = error_of(name);
    assert!(!e.contains('\n'), "{name}: error is not one line: {e}");
    for text in expected {
        assert!(e.contains(text), "{name}: error {e:?} lacks {text:?}");
    }
}

#[test]
fn bad_thermostat_inputs_are_named() {
    assert_error(
        "thermostat_unknown.ron",
        &["thermostat_unknown.ron:6:", "NoseHover"],
    );
    assert_error(
        "thermostat_negative_friction.ron",
        &[
            "thermostat_negative_friction.ron",
            "stage 1 (\"hold\"): thermostat Langevin: friction -1 must be positive",
        ],
    );
    assert_error(
        "thermostat_unknown_group.ron",
        &["thermostat_unknown_group.ron: stage 1: unknown group \"particle9\" (groups: all)"],
    );
    assert_error(
        "thermostat_bad_yoshida_order.ron",
        &["yoshida_order 4 must be 1, 3, 5 or 7"],
    );
    assert_error(
        "thermostat_without_velocities.ron",
        &["thermostat Csvr", "no kinetic energy", "velocities"],
    );
    assert_error(
        "momentum_unknown_field.ron",
        &["momentum_unknown_field.ron:6:", "angluar"],
    );
    assert_error(
        "thermostat_empty_group.ron",
        &["stage 2: thermostat NoseHoover: group \"far\" has no atoms"],
    );
    assert_error(
        "group_named_all.ron",
        &["group_named_all.ron", "group \"all\" is built in"],
    );
}

#[test]
fn example_input_parses_with_every_thermostat() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/lj_nvt_example.ron");
    let input = Input::read(&path).unwrap();
    let names: Vec<&str> = input
        .stages
        .iter()
        .map(|s| match s {
            StageSpec::Md(md) => md.thermostat.as_ref().map_or("none", ThermostatSpec::name),
            StageSpec::Minimize(_) => "minimize",
        })
        .collect();
    assert_eq!(names, ["Berendsen", "NoseHoover", "Csvr", "Langevin"]);
    assert_eq!(input.groups.len(), 1);
}

/// A free crystallite heated with momentum removal, then NVE: thermo.csv's temperature uses
/// 3N - 6 degrees of freedom, its last column is the conserved quantity, and the group defined
/// in the input is usable.
#[test]
fn short_run_writes_conserved_quantity_and_dof_aware_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nvt.ron");
    std::fs::write(
        &input,
        r#"(
    structure: Lattice(lattice: Fcc, a: 5.26, cells: (3, 3, 3), species: [(species: "Ar")],
                       boundary: "f f f"),
    potential: Lammps(pair_style: "lj/cut 8.5", pair_coeff: ["1 1 0.0104 3.40"],
                      pair_modify: ["shift yes"]),
    velocities: (temperature: 20.0, seed: 3),
    groups: [(name: "corner", select: Region(Block(lo: (0, 0, 0), hi: (6, 6, 6))))],
    stages: [
        Md(steps: 40, timestep: 0.005,
           thermostat: NoseHoover(temperature: 30.0, group: "corner"),
           momentum: [(angular: true, every: 10)]),
        Md(steps: 40, timestep: 0.005, momentum: [(angular: true, every: 10)]),
    ],
    output: (thermo_every: 10, trajectory_every: 0),
)"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let summary = run_file(&input, &out).unwrap();
    assert_eq!(summary.steps, 80);
    let csv = std::fs::read_to_string(out.join("thermo.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "step,time[ps],temperature[K],potential[eV],kinetic[eV],total[eV],pressure[bar],conserved[eV]"
    );
    let natoms = 108.0;
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 8, "{line}");
        let num = |k: usize| f[k].parse::<f64>().unwrap();
        let (step, temperature, kinetic, total, conserved) =
            (num(0), num(2), num(4), num(5), num(7));
        let expected = 2.0 * kinetic / ((3.0 * natoms - 6.0) * BOLTZMANN);
        assert!((temperature / expected - 1.0).abs() < 1e-12, "{line}");
        assert!(f[6].is_empty(), "a free cluster has no pressure");
        if step > 40.0 {
            // NVE stage: the conserved quantity is the total energy.
            assert_eq!(conserved, total, "{line}");
        }
        rows += 1;
    }
    assert_eq!(rows, 9);
}
