//! Thermostats against LAMMPS: a Nosé–Hoover chain with a temperature ramp (`fix nvt temp 100
//! 150 0.1 tchain 3 tloop 1`) on periodic argon, and Berendsen heating with linear and angular
//! momentum removal (`fix temp/berendsen` + `fix momentum 10 linear 1 1 1 angular`, 3N - 6
//! degrees of freedom) on a free argon cluster: 200 steps, temperature, energies and the
//! conserved quantity (LAMMPS `econserve`) every 20 steps within 1e-11 relative, final positions
//! and velocities within 1e-10 (measured: 1e-14, round-off).
//! Fixtures: tests/fixtures/thermostat (made by make_fixtures.py there).

mod common;
mod thermostat_support;

use std::path::Path;

use common::*;
use serde::Deserialize;
use sintermd::io::read_lammps_data;
use sintermd::md::momentum::MomentumSpec;
use sintermd::md::thermostat::{BerendsenSpec, NoseHooverSpec, ThermostatSpec};
use sintermd::md::{ForceEngine, SimulationState, StageIntegrator};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::system::{Vec3, parse_boundary};

#[derive(Deserialize)]
struct Row {
    step: u64,
    temperature: f64,
    potential: f64,
    kinetic: f64,
    conserved: f64,
}

#[derive(Deserialize)]
struct Trajectory {
    data: String,
    boundary: String,
    dt: f64,
    steps: u64,
    thermo: Vec<Row>,
    positions: Vec<[f64; 3]>,
    velocities: Vec<[f64; 3]>,
}

/// Runs the fixture's case with `thermostat` and `momentum`; returns the largest differences
/// (relative for thermo values, absolute [A] and [A/ps] for positions and velocities).
fn compare(name: &str, thermostat: ThermostatSpec, momentum: &[MomentumSpec]) -> [f64; 3] {
    let path = fixture(&format!("thermostat/{name}.json"));
    let reference: Trajectory =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let periodic = parse_boundary(&reference.boundary).unwrap();
    let system =
        read_lammps_data(&fixture(&format!("lj/{}", reference.data)), periodic, None).unwrap();
    let potential = lammps::build(
        "lj/cut 8.5",
        &["1 1 0.0104 3.40".to_string()],
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let settings = NeighborSettings {
        skin: 1.0,
        every: 1,
    };
    let mut engine = ForceEngine::new(potential, settings).unwrap();
    let mut state = SimulationState::new(system, 0);
    engine.compute(&mut state.system, 0).unwrap();
    let integrator = StageIntegrator::new(
        reference.dt,
        reference.steps,
        Some(&thermostat),
        momentum,
        &state.system,
    )
    .unwrap();
    integrator.begin(&mut state);
    let mut worst_thermo: f64 = 0.0;
    let mut rows = reference.thermo.iter().peekable();
    for step in 0..=reference.steps {
        if step > 0 {
            integrator.step(&mut state, &mut engine).unwrap();
        }
        if let Some(row) = rows.next_if(|r| r.step == step) {
            let ours = integrator.measure(&state, engine.output());
            for (a, b) in [
                (ours.temperature, row.temperature),
                (ours.potential, row.potential),
                (ours.kinetic, row.kinetic),
                (ours.conserved, row.conserved),
            ] {
                worst_thermo = worst_thermo.max((a - b).abs() / b.abs());
            }
        }
    }
    assert!(rows.next().is_none(), "every reference row was compared");
    let simbox = &state.system.simbox;
    let dx = state
        .system
        .positions
        .iter()
        .zip(&reference.positions)
        .map(|(x, r)| simbox.minimum_image(x - Vec3::from(*r)).amax())
        .fold(0.0, f64::max);
    let dv = state
        .system
        .velocities
        .iter()
        .zip(&reference.velocities)
        .map(|(v, r)| (v - Vec3::from(*r)).amax())
        .fold(0.0, f64::max);
    eprintln!(
        "{name}: largest relative difference in T, PE, KE, conserved {worst_thermo:.1e}; \
         positions {dx:.1e} A, velocities {dv:.1e} A/ps"
    );
    [worst_thermo, dx, dv]
}

#[test]
fn nose_hoover_chain_with_ramp_matches_lammps_fix_nvt() {
    let spec = ThermostatSpec::NoseHoover(NoseHooverSpec {
        temperature: 100.0,
        end_temperature: Some(150.0),
        damping: Some(0.1),
        chain: 3,
        loops: 1,
        yoshida_order: 1,
        group: "all".into(),
    });
    let [thermo, dx, dv] = compare("nvt_periodic", spec, &[]);
    assert!(thermo < 1e-11, "thermo differs by {thermo:e} relative");
    assert!(
        dx < 1e-8 && dv < 1e-8,
        "trajectory differs: {dx:e} A, {dv:e} A/ps"
    );
}

#[test]
fn berendsen_with_momentum_removal_matches_lammps() {
    let spec = ThermostatSpec::Berendsen(BerendsenSpec {
        temperature: 50.0,
        end_temperature: Some(100.0),
        tau: 0.05,
        group: "all".into(),
    });
    let momentum = [thermostat_support::remove_all(true, 10)];
    let [thermo, dx, dv] = compare("berendsen_cluster", spec, &momentum);
    assert!(thermo < 1e-11, "thermo differs by {thermo:e} relative");
    assert!(
        dx < 1e-8 && dv < 1e-8,
        "trajectory differs: {dx:e} A, {dv:e} A/ps"
    );
}
