//! Thermostatted trajectories are bitwise identical for any number of threads (random numbers
//! are drawn serially in atom order from the state's generator), and a run saved mid-stage and
//! restored continues exactly: the thermostat's state (chain variables, accumulated work, the
//! generator) is part of the serialised `SimulationState`.

mod thermostat_support;

use sintermd::md::thermostat::{CsvrSpec, LangevinSpec, NoseHooverSpec, ThermostatSpec};
use sintermd::md::{IntegratorState, SimulationState, StageIntegrator};
use thermostat_support::*;

const DT: f64 = 0.01;

fn thermostats() -> Vec<ThermostatSpec> {
    vec![
        ThermostatSpec::Langevin(LangevinSpec {
            temperature: 150.0,
            end_temperature: Some(100.0),
            friction: 2.0,
            group: "all".into(),
        }),
        ThermostatSpec::Csvr(CsvrSpec {
            temperature: 150.0,
            end_temperature: Some(100.0),
            tau: 0.05,
            group: "all".into(),
        }),
        ThermostatSpec::NoseHoover(NoseHooverSpec {
            temperature: 150.0,
            end_temperature: Some(100.0),
            damping: Some(0.1),
            chain: 3,
            loops: 1,
            yoshida_order: 3,
            group: "all".into(),
        }),
    ]
}

/// 40 steps of 1,372 liquid argon atoms (more than one chunk of every reduction) in a pool of
/// `threads` threads, with momentum removal every 10 steps.
fn trajectory(spec: &ThermostatSpec, threads: usize) -> SimulationState {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let system = argon_block(7, 5.8);
        let mut engine = argon_engine(&system);
        let mut state = start(system, &mut engine, 120.0, 21, 22);
        run_stage(
            &mut state,
            &mut engine,
            DT,
            40,
            Some(spec),
            &[remove_all(false, 10)],
            40,
        );
        state
    })
}

#[test]
fn one_and_two_threads_give_the_same_trajectory() {
    for spec in thermostats() {
        let one = trajectory(&spec, 1);
        let two = trajectory(&spec, 2);
        assert_eq!(one.system.len(), 1372);
        assert!(
            one.system.positions == two.system.positions
                && one.system.velocities == two.system.velocities,
            "{} trajectory differs between 1 and 2 threads",
            spec.name()
        );
        assert_eq!(one.integrator, two.integrator, "{}", spec.name());
        assert_eq!(
            ron::to_string(&one.rng).unwrap(),
            ron::to_string(&two.rng).unwrap()
        );
        assert_ne!(one.integrator, IntegratorState::VelocityVerlet);
    }
}

#[test]
fn a_saved_state_continues_exactly() {
    for spec in thermostats() {
        let system = argon_liquid();
        let mut engine = argon_engine(&system);
        let mut state = start(system, &mut engine, 120.0, 31, 32);
        let steps = 60;
        let integrator = StageIntegrator::new(
            DT,
            steps,
            Some(&spec),
            &[remove_all(false, 7)],
            &state.system,
        )
        .unwrap();
        integrator.begin(&mut state);
        for _ in 0..30 {
            integrator.step(&mut state, &mut engine).unwrap();
        }
        // Checkpoint right after a list rebuild, as the foundation's restart test does.
        engine.refresh(&mut state.system, state.step).unwrap();
        let text = ron::to_string(&state).unwrap();
        let mut restored: SimulationState = ron::from_str(&text).unwrap();
        assert_eq!(restored.integrator, state.integrator);
        let mut engine2 = argon_engine(&restored.system);
        engine2
            .compute(&mut restored.system, restored.step)
            .unwrap();
        for _ in 30..steps {
            integrator.step(&mut state, &mut engine).unwrap();
            integrator.step(&mut restored, &mut engine2).unwrap();
        }
        assert!(
            restored.system.positions == state.system.positions
                && restored.system.velocities == state.system.velocities,
            "{}: the restored run diverged",
            spec.name()
        );
        assert_eq!(restored.integrator, state.integrator);
        let (a, b) = (
            integrator.measure(&state, engine.output()),
            integrator.measure(&restored, engine2.output()),
        );
        assert_eq!(a.conserved.to_bits(), b.conserved.to_bits());
    }
}
