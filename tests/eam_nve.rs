//! Energy conservation of EAM dynamics: 10,000 velocity-Verlet steps (2 fs) of a free
//! Pt85Fe15 particle at 1473 K with the Zhou 2004 potential. (Release mode: `cargo test
//! --release`; the 4,033-atom benchmark particle is checked the same way by running
//! inputs/bench/eam_ptfe_np.ron for 10,000 steps.)

mod common;

use std::path::Path;

use common::lammps_fixture::fixture;
use rand::SeedableRng;
use sintermd::io::read_lammps_data;
use sintermd::md::thermo::kinetic_energy;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, nve_step};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps::build;

#[test]
fn pt_fe_particle_conserves_energy_over_10000_steps() {
    let mut system =
        read_lammps_data(&fixture("eam/ptfe_zhou04_particle.data"), [false; 3], None).unwrap();
    maxwell_boltzmann(&mut system, 1473.0, &mut SimRng::seed_from_u64(1473));
    let potential = build(
        "eam/alloy",
        &["* * potentials/PtFe_Zhou04.eam.alloy Pt Fe".to_string()],
        &[],
        &system.species,
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
    let mut engine = ForceEngine::new(potential, NeighborSettings::default()).unwrap();
    let mut state = SimulationState::new(system, 0);
    engine.compute(&mut state.system, 0).unwrap();
    let steps = 10_000;
    let window = 1000;
    let (mut first, mut last, mut ke_sum) = (0.0, 0.0, 0.0);
    let mut total = Vec::with_capacity(steps);
    for step in 0..steps {
        nve_step(&mut state, &mut engine, 0.002).unwrap();
        let ke = kinetic_energy(&state.system);
        let e = engine.output().energy + ke;
        total.push(e);
        ke_sum += ke;
        if step < window {
            first += e / window as f64;
        }
        if step >= steps - window {
            last += e / window as f64;
        }
    }
    let ke_mean = ke_sum / steps as f64;
    let drift = (last - first).abs() / ke_mean;
    let spread = total
        .iter()
        .map(|e| (e - total[0]).abs())
        .fold(0.0, f64::max)
        / ke_mean;
    println!(
        "{} atoms, {steps} steps: drift {drift:.2e} of the kinetic energy ({ke_mean:.3} eV), \
         largest excursion {spread:.2e}; {} list builds",
        state.system.len(),
        engine.list().builds()
    );
    assert!(drift < 1e-4, "drift {drift:e} of the kinetic energy");
}
