//! Thermostats: NVT molecular dynamics, one scheme per file.
//!
//! | thermostat | samples | conserved quantity | default coupling |
//! |---|---|---|---|
//! | [`nose_hoover`]: Nosé–Hoover chains (MTK integration) | canonical | H_NHC (chain energy) | damping 100 timesteps |
//! | [`langevin`]: BAOAB Langevin | canonical, exact configurations for harmonic forces | KE + PE - heat exchanged | friction 1 ps^-1 |
//! | [`csvr`]: stochastic velocity rescaling (Bussi–Donadio–Parrinello) | canonical | KE + PE - work of the thermostat | tau 0.1 ps |
//! | [`berendsen`]: weak coupling | **not canonical** (suppresses energy fluctuations); for quick heating only | KE + PE - work | tau 0.1 ps |
//!
//! Every thermostat acts on a group (default `all`; atoms outside it follow NVE), with a target
//! temperature that is constant or ramps linearly from `temperature` to `end_temperature` over
//! the stage ([`TemperatureRamp`]). The number of degrees of freedom of the group follows the
//! rule in [`crate::md::dof`]. Random numbers come from the state's generator
//! ([`crate::md::SimRng`]), drawn serially in atom order, so trajectories are the same for any
//! number of threads and continue exactly from a saved state.
//!
//! ```ron
//! thermostat: NoseHoover(temperature: 1473.0),                       // damping 100 dt, chain 3
//! thermostat: Langevin(temperature: 300.0, end_temperature: 1473.0, friction: 1.0),
//! thermostat: Csvr(temperature: 1473.0, tau: 0.1, group: "particle1"),
//! thermostat: Berendsen(temperature: 1000.0, tau: 0.1),
//! ```

pub mod berendsen;
pub mod csvr;
pub mod langevin;
pub mod nose_hoover;

use serde::{Deserialize, Serialize};

pub use berendsen::BerendsenSpec;
pub use csvr::CsvrSpec;
pub use langevin::LangevinSpec;
pub use nose_hoover::{NoseHooverChainState, NoseHooverSpec};

use crate::error::{Error, Result};
use crate::md::{IntegratorState, SimulationState};
use crate::potential::deterministic_sum;
use crate::system::{Members, System, group::ALL};
use crate::units::MVV2E;

/// A thermostat in an input file (one per MD stage; absent: NVE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ThermostatSpec {
    /// Nosé–Hoover chains, Martyna–Tuckerman–Klein integration.
    NoseHoover(NoseHooverSpec),
    /// Langevin dynamics, BAOAB splitting.
    Langevin(LangevinSpec),
    /// Canonical stochastic velocity rescaling (Bussi, Donadio, Parrinello 2007).
    Csvr(CsvrSpec),
    /// Berendsen weak coupling: not canonical, for heating and quick equilibration only.
    Berendsen(BerendsenSpec),
}

impl ThermostatSpec {
    /// Name of the thermostat, as written in inputs.
    pub fn name(&self) -> &'static str {
        match self {
            ThermostatSpec::NoseHoover(_) => "NoseHoover",
            ThermostatSpec::Langevin(_) => "Langevin",
            ThermostatSpec::Csvr(_) => "Csvr",
            ThermostatSpec::Berendsen(_) => "Berendsen",
        }
    }

    /// The group the thermostat acts on.
    pub fn group(&self) -> &str {
        match self {
            ThermostatSpec::NoseHoover(s) => &s.group,
            ThermostatSpec::Langevin(s) => &s.group,
            ThermostatSpec::Csvr(s) => &s.group,
            ThermostatSpec::Berendsen(s) => &s.group,
        }
    }

    /// The target temperature over the stage.
    pub fn ramp(&self) -> TemperatureRamp {
        let (start, end) = match self {
            ThermostatSpec::NoseHoover(s) => (s.temperature, s.end_temperature),
            ThermostatSpec::Langevin(s) => (s.temperature, s.end_temperature),
            ThermostatSpec::Csvr(s) => (s.temperature, s.end_temperature),
            ThermostatSpec::Berendsen(s) => (s.temperature, s.end_temperature),
        };
        TemperatureRamp {
            start,
            end: end.unwrap_or(start),
        }
    }

    /// Checks the parameters for a stage with time step `timestep` [ps].
    pub fn check(&self, timestep: f64) -> Result<()> {
        let name = self.name();
        let ramp = self.ramp();
        for t in [ramp.start, ramp.end] {
            if !(t >= 0.0) || !t.is_finite() {
                return Err(Error::invalid(format!(
                    "thermostat {name}: temperature {t} must be >= 0 K"
                )));
            }
        }
        let positive = |what: &str, value: f64| {
            if value > 0.0 && value.is_finite() {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "thermostat {name}: {what} {value} must be positive"
                )))
            }
        };
        match self {
            ThermostatSpec::NoseHoover(s) => {
                if !(ramp.start > 0.0 && ramp.end > 0.0) {
                    return Err(Error::invalid(
                        "thermostat NoseHoover: temperatures must be > 0 K (the chain's masses \
                         are proportional to T); quench to 0 K with Langevin, Csvr or Berendsen",
                    ));
                }
                if let Some(d) = s.damping {
                    positive("damping", d)?;
                }
                if s.chain == 0 || s.loops == 0 {
                    return Err(Error::invalid(
                        "thermostat NoseHoover: chain and loops must be at least 1",
                    ));
                }
                nose_hoover::suzuki_yoshida_weights(s.yoshida_order)?;
            }
            ThermostatSpec::Langevin(s) => positive("friction", s.friction)?,
            ThermostatSpec::Csvr(s) => positive("tau", s.tau)?,
            ThermostatSpec::Berendsen(s) => {
                positive("tau", s.tau)?;
                if s.tau <= timestep {
                    return Err(Error::invalid(format!(
                        "thermostat Berendsen: tau {} must exceed the timestep {timestep}",
                        s.tau
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Heat accumulated by a stochastic or weak-coupling thermostat, carried in the
/// [`IntegratorState`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThermostatWork {
    /// Kinetic energy given to the system by the thermostat and by momentum removal during the
    /// stage [eV].
    pub work: f64,
}

/// The accumulated work of `state`, or an error if the stage was not set up for it.
pub(crate) fn work_of(state: &mut SimulationState) -> Result<&mut f64> {
    match &mut state.integrator {
        IntegratorState::Langevin(w) | IntegratorState::Csvr(w) | IntegratorState::Berendsen(w) => {
            Ok(&mut w.work)
        }
        IntegratorState::NoseHooverChain(c) => Ok(&mut c.work),
        IntegratorState::VelocityVerlet => Err(Error::invalid(
            "a thermostat step needs a thermostat state, found VelocityVerlet",
        )),
    }
}

pub(crate) fn all_group() -> String {
    ALL.to_string()
}

/// Target temperature of a stage: constant, or a linear ramp from `start` to `end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TemperatureRamp {
    /// Temperature at the stage start [K].
    pub start: f64,
    /// Temperature at the stage end [K].
    pub end: f64,
}

impl TemperatureRamp {
    /// Target [K] at step `step` of a stage of `steps` steps:
    /// T = start + (end - start) step / steps (LAMMPS `fix nvt temp Tstart Tstop`: the target of
    /// the step being taken is that of the step it ends on).
    pub fn at(&self, step: u64, steps: u64) -> f64 {
        if steps == 0 || self.start == self.end {
            return self.start;
        }
        let fraction = step.min(steps) as f64 / steps as f64;
        self.start + fraction * (self.end - self.start)
    }
}

/// Kinetic energy of `members` [eV], sum of m v^2 / 2 reduced in fixed-size chunks (equal to
/// [`crate::md::thermo::kinetic_energy`] for every atom).
pub fn kinetic_energy_of(system: &System, members: &Members) -> f64 {
    let masses = &system.species.masses;
    let twice = |i: usize| masses[system.types[i] as usize] * system.velocities[i].norm_squared();
    let per_atom: Vec<f64> = match members {
        Members::All => return crate::md::thermo::kinetic_energy(system),
        Members::Indices(list) => list.iter().map(|&i| twice(i as usize)).collect(),
    };
    0.5 * MVV2E * deterministic_sum(&per_atom, |&x| x)
}

/// Multiplies the velocities of `members` by `factor`.
pub fn scale_velocities(system: &mut System, members: &Members, factor: f64) {
    match members {
        Members::All => system.velocities.iter_mut().for_each(|v| *v *= factor),
        Members::Indices(list) => {
            for &i in list {
                system.velocities[i as usize] *= factor;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_is_linear_in_the_stage_step() {
        let r = TemperatureRamp {
            start: 300.0,
            end: 1500.0,
        };
        assert_eq!(r.at(0, 100), 300.0);
        assert_eq!(r.at(25, 100), 600.0);
        assert_eq!(r.at(100, 100), 1500.0);
        assert_eq!(r.at(150, 100), 1500.0);
        assert_eq!(r.at(0, 0), 300.0);
    }

    #[test]
    fn bad_parameters_are_named() {
        let spec = ThermostatSpec::NoseHoover(NoseHooverSpec {
            temperature: 300.0,
            end_temperature: Some(0.0),
            damping: None,
            chain: 3,
            loops: 1,
            yoshida_order: 3,
            group: all_group(),
        });
        assert!(
            spec.check(0.002)
                .unwrap_err()
                .to_string()
                .contains("temperatures must be > 0 K")
        );
        let spec = ThermostatSpec::Berendsen(BerendsenSpec {
            temperature: 300.0,
            end_temperature: None,
            tau: 0.001,
            group: all_group(),
        });
        assert_eq!(
            spec.check(0.002).unwrap_err().to_string(),
            "thermostat Berendsen: tau 0.001 must exceed the timestep 0.002"
        );
        let spec = ThermostatSpec::Langevin(LangevinSpec {
            temperature: -1.0,
            end_temperature: None,
            friction: 1.0,
            group: all_group(),
        });
        assert_eq!(
            spec.check(0.002).unwrap_err().to_string(),
            "thermostat Langevin: temperature -1 must be >= 0 K"
        );
    }
}
