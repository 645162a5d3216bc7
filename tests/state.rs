//! The whole simulation state is one serialisable value: written out and read back mid-run, it
//! continues exactly as the uninterrupted run.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, nve_step};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::structure::{Component, CubicLattice, LatticeBlock};

fn engine(state: &SimulationState) -> ForceEngine {
    let pot = lammps::build(
        "lj/cut 8.5",
        &["1 1 0.0104 3.40".to_string()],
        &[],
        &state.system.species,
        Path::new("."),
    )
    .unwrap();
    ForceEngine::new(pot, NeighborSettings::default()).unwrap()
}

#[test]
fn restart_from_serialised_state_is_exact() {
    let block = LatticeBlock {
        lattice: CubicLattice::Fcc,
        a: 5.6,
        cells: [4, 4, 4],
        species: vec![Component {
            species: "Ar".into(),
            fraction: 1.0,
            mass: None,
        }],
        seed: 0,
        boundary: "p p p".into(),
    };
    let mut system = block.build().unwrap();
    maxwell_boltzmann(&mut system, 200.0, &mut SimRng::seed_from_u64(3));
    let mut state = SimulationState::new(system, 99);
    let mut eng = engine(&state);
    eng.compute(&mut state.system, 0).unwrap();
    for _ in 0..50 {
        nve_step(&mut state, &mut eng, 0.004).unwrap();
    }
    // Draw from the generator so its position is part of what must survive.
    let _: f64 = state.rng.random();
    // A checkpoint is taken right after a list rebuild (see ForceEngine::refresh).
    eng.refresh(&mut state.system, state.step).unwrap();

    let text = ron::to_string(&state).unwrap();
    let mut restored: SimulationState = ron::from_str(&text).unwrap();
    assert_eq!(restored.system, state.system);
    assert_eq!(restored.step, 50);

    let mut eng2 = engine(&restored);
    eng2.compute(&mut restored.system, restored.step).unwrap();
    assert!(
        restored.system.forces == state.system.forces,
        "recomputed forces differ"
    );
    for _ in 0..50 {
        nve_step(&mut state, &mut eng, 0.004).unwrap();
        nve_step(&mut restored, &mut eng2, 0.004).unwrap();
    }
    assert_eq!(restored.system.positions, state.system.positions);
    assert_eq!(restored.system.velocities, state.system.velocities);
    assert_eq!(restored.time.to_bits(), state.time.to_bits());
    let (a, b): (u64, u64) = (state.rng.random(), restored.rng.random());
    assert_eq!(a, b, "random-number generator state was not restored");
}
