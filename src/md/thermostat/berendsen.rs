//! Berendsen weak-coupling thermostat (Berendsen et al., J. Chem. Phys. 81, 3684 (1984)).
//!
//! **Not canonical.** After each velocity-Verlet step the group's velocities are scaled by
//! lambda = sqrt(1 + (dt/tau) (T_target/T - 1)), which relaxes the temperature exponentially
//! with time constant tau but suppresses the kinetic-energy fluctuations of the canonical
//! ensemble and, without momentum removal, pumps energy into the slowest modes (the "flying ice
//! cube"). Use it to heat or cool quickly (with a temperature ramp), then switch to a canonical
//! thermostat (Nosé–Hoover, Langevin, CSVR) for anything measured. Same as LAMMPS `fix nve` +
//! `fix temp/berendsen`.

use serde::{Deserialize, Serialize};

use super::{
    Coupling, TemperatureRamp, Thermostat, ThermostatWork, all_group, check_positive,
    kinetic_energy_of, scale_velocities, work_of,
};
use crate::error::{Error, Result};
use crate::md::thermo::temperature;
use crate::md::{ForceEngine, IntegratorState, SimulationState, nve_step};

/// Berendsen parameters in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BerendsenSpec {
    /// Target temperature [K] (at the stage start when `end_temperature` is given).
    pub temperature: f64,
    /// Target at the stage end [K], for a linear ramp.
    #[serde(default)]
    pub end_temperature: Option<f64>,
    /// Relaxation time tau [ps], larger than the timestep. Default 0.1 ps.
    #[serde(default = "default_tau")]
    pub tau: f64,
    /// The group thermostatted (default `all`).
    #[serde(default = "all_group")]
    pub group: String,
}

fn default_tau() -> f64 {
    super::csvr::DEFAULT_TAU
}

/// Berendsen's velocity scaling factor lambda = sqrt(1 + (dt/tau) (T_target/T - 1)) for current
/// temperature `current` and `target` [K], timestep `dt` and relaxation time `tau` [ps].
pub fn scale_factor(current: f64, target: f64, dt: f64, tau: f64) -> f64 {
    (1.0 + dt / tau * (target / current - 1.0)).max(0.0).sqrt()
}

impl Thermostat for BerendsenSpec {
    fn name(&self) -> &'static str {
        "Berendsen"
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn temperatures(&self) -> (f64, Option<f64>) {
        (self.temperature, self.end_temperature)
    }

    fn check(&self, timestep: f64, _ramp: &TemperatureRamp) -> Result<()> {
        check_positive(self.name(), "tau", self.tau)?;
        if self.tau <= timestep {
            return Err(Error::invalid(format!(
                "thermostat Berendsen: tau {} must exceed the timestep {timestep}",
                self.tau
            )));
        }
        Ok(())
    }

    fn ensemble(&self, _timestep: f64) -> String {
        format!(
            "Berendsen weak coupling (tau {} ps; not canonical)",
            self.tau
        )
    }

    fn start(&self) -> IntegratorState {
        IntegratorState::Berendsen(ThermostatWork::default())
    }

    /// Velocity Verlet, then the scaling of the group's velocities towards the target
    /// temperature of the step reached.
    fn step(
        &self,
        coupling: &Coupling,
        state: &mut SimulationState,
        engine: &mut ForceEngine,
    ) -> Result<()> {
        let dt = coupling.timestep;
        let members = &coupling.members;
        nve_step(state, engine, dt)?;
        let target = coupling.target(state.stage_step);
        let kinetic = kinetic_energy_of(&state.system, members);
        if !(kinetic > 0.0) {
            return Err(Error::Physics(
                "thermostat Berendsen: the thermostatted atoms have zero temperature and cannot \
                 be rescaled; give initial velocities (velocities: (temperature: ..., seed: ...))"
                    .to_string(),
            ));
        }
        let lambda = scale_factor(temperature(kinetic, coupling.dof), target, dt, self.tau);
        scale_velocities(&mut state.system, members, lambda);
        *work_of(state)? += (lambda * lambda - 1.0) * kinetic;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxes_exponentially() {
        // T' = lambda^2 T = T + (dt/tau)(T0 - T): the gap shrinks by (1 - dt/tau) per step.
        let (dt, tau) = (0.001, 0.1);
        let mut t = 100.0;
        for _ in 0..100 {
            let l = scale_factor(t, 1000.0, dt, tau);
            t *= l * l;
        }
        let expected = 1000.0 - 900.0 * (1.0f64 - dt / tau).powi(100);
        assert!((t - expected).abs() < 1e-9, "{t} vs {expected}");
    }
}
