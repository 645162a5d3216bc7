//! The whole simulation state as one serialisable value, for checkpoints, exact restarts and
//! hand-offs between stages and modules.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::thermostat::{NoseHooverChainState, ThermostatWork};
use crate::system::System;

/// Random-number generator used throughout sintermd (seeded explicitly, carried in the state).
pub type SimRng = ChaCha8Rng;

/// Everything needed to continue a run exactly: atoms and box, counters, integrator and
/// thermostat state, random-number generator state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationState {
    /// Atoms and box (positions, velocities, forces at the current positions).
    pub system: System,
    /// Steps taken since the start of the run.
    pub step: u64,
    /// Simulated time since the start of the run [ps].
    pub time: f64,
    /// Index of the stage being run.
    pub stage: usize,
    /// Steps taken in the current stage.
    pub stage_step: u64,
    /// Time at which the current stage started [ps].
    pub stage_start_time: f64,
    /// Integrator state of the current stage.
    pub integrator: IntegratorState,
    /// Random-number generator.
    pub rng: SimRng,
}

impl SimulationState {
    /// A state at step 0 for `system`, with a generator seeded from `seed`.
    pub fn new(system: System, seed: u64) -> Self {
        SimulationState {
            system,
            step: 0,
            time: 0.0,
            stage: 0,
            stage_step: 0,
            stage_start_time: 0.0,
            integrator: IntegratorState::VelocityVerlet,
            rng: SimRng::seed_from_u64(seed),
        }
    }
}

/// State carried by the integrator between steps: none for NVE, else the thermostat's own state
/// (one variant per thermostat module, made by its [`Thermostat::start`]). Set afresh at each
/// stage start by [`crate::md::StageIntegrator::begin`].
///
/// Checkpoints store this enum by variant index (postcard): add variants at the end, never
/// reorder them.
///
/// [`Thermostat::start`]: crate::md::thermostat::Thermostat::start
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IntegratorState {
    /// Plain velocity Verlet: no extra state.
    VelocityVerlet,
    /// Nosé–Hoover chain: the chain's positions and velocities.
    NoseHooverChain(NoseHooverChainState),
    /// Langevin (BAOAB): the heat exchanged with the bath (the random numbers come from the
    /// state's generator).
    Langevin(ThermostatWork),
    /// Stochastic velocity rescaling: the thermostat's accumulated work.
    Csvr(ThermostatWork),
    /// Berendsen: the thermostat's accumulated work.
    Berendsen(ThermostatWork),
}
