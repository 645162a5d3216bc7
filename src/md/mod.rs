//! Molecular dynamics: the force engine, integrators, thermostats, momentum control, initial
//! velocities and thermodynamic output.
//!
//! A stage is stepped by a [`StageIntegrator`], which composes velocity Verlet
//! ([`verlet::half_kick`], [`verlet::drift`]) with the stage's thermostat
//! ([`thermostat`]) and momentum removal ([`momentum`]); [`nve_step`] is the plain NVE step.

pub mod dof;
mod engine;
pub mod guard;
pub mod integrator;
pub mod minimize;
pub mod momentum;
pub mod state;
pub mod thermo;
pub mod thermostat;
pub mod velocity;
pub mod verlet;

pub use engine::{EngineRecord, ForceEngine, OVERLAP_DISTANCE};
pub use guard::{BlowUpGuard, SafetySettings};
pub use integrator::StageIntegrator;
pub use state::{IntegratorState, SimRng, SimulationState};
pub use thermo::ThermoSample;

use crate::error::Result;

/// Advances `state` by one velocity-Verlet step of `dt` [ps] (NVE). Forces in `state.system`
/// must be those of the current positions (call `engine.compute` once before the first step).
pub fn nve_step(state: &mut SimulationState, engine: &mut ForceEngine, dt: f64) -> Result<()> {
    nve_step_with(state, engine, dt, true)
}

/// [`nve_step`], computing energies and virials at the new positions only if `energies` (the
/// trajectory is the same either way).
pub fn nve_step_with(
    state: &mut SimulationState,
    engine: &mut ForceEngine,
    dt: f64,
    energies: bool,
) -> Result<()> {
    verlet::half_kick(&mut state.system, dt);
    verlet::drift(&mut state.system, dt);
    advance_clock(state, dt);
    if energies {
        engine.compute(&mut state.system, state.step)?;
    } else {
        engine.compute_forces(&mut state.system, state.step)?;
    }
    verlet::half_kick(&mut state.system, dt);
    Ok(())
}

/// Counts one step of `dt` [ps]: step, stage step and time.
pub(crate) fn advance_clock(state: &mut SimulationState, dt: f64) {
    state.step += 1;
    state.stage_step += 1;
    state.time = state.stage_start_time + state.stage_step as f64 * dt;
}
