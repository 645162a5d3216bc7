//! Thermostats: NVT molecular dynamics, one thermostat per module.
//!
//! | thermostat | samples | conserved quantity | default coupling |
//! |---|---|---|---|
//! | [`nose_hoover`]: Nosé–Hoover chains (MTK integration) | canonical | H_NHC (chain energy) | damping 100 timesteps |
//! | [`langevin`]: BAOAB Langevin | canonical, exact configurations for harmonic forces | KE + PE - heat exchanged | friction 1 ps^-1 |
//! | [`csvr`]: stochastic velocity rescaling (Bussi–Donadio–Parrinello) | canonical | KE + PE - work of the thermostat | tau 0.1 ps |
//! | [`berendsen`]: weak coupling | **not canonical** (suppresses energy fluctuations); for quick heating only | KE + PE - work | tau 0.1 ps |
//!
//! Each module is one unit: its parameters (the `...Spec` read from inputs), its state between
//! steps (a variant of [`IntegratorState`], saved in checkpoints) and its step, behind the
//! [`Thermostat`] trait. [`ThermostatSpec`] is the one enum over them, as written in inputs;
//! a stage pairs it with a [`Coupling`] (the atoms acted on, their degrees of freedom, the
//! target temperature, the stage's timestep and length), which is all a step needs besides the
//! simulation state and the force engine.
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
use crate::md::{ForceEngine, IntegratorState, SimulationState};
use crate::potential::deterministic_sum;
use crate::system::{Members, System, group::ALL};
use crate::units::MVV2E;

/// A thermostat in an input file (one per MD stage; absent: NVE): one variant per thermostat
/// module, holding that module's parameters.
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
    /// The thermostat this variant holds.
    pub fn thermostat(&self) -> &dyn Thermostat {
        match self {
            ThermostatSpec::NoseHoover(s) => s,
            ThermostatSpec::Langevin(s) => s,
            ThermostatSpec::Csvr(s) => s,
            ThermostatSpec::Berendsen(s) => s,
        }
    }

    /// Name of the thermostat, as written in inputs.
    pub fn name(&self) -> &'static str {
        self.thermostat().name()
    }

    /// The group the thermostat acts on.
    pub fn group(&self) -> &str {
        self.thermostat().group()
    }

    /// The target temperature over the stage.
    pub fn ramp(&self) -> TemperatureRamp {
        let (start, end) = self.thermostat().temperatures();
        TemperatureRamp {
            start,
            end: end.unwrap_or(start),
        }
    }

    /// Checks the parameters for a stage with time step `timestep` [ps]: the temperatures
    /// (>= 0 K for every thermostat), then the thermostat's own parameters.
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
        self.thermostat().check(timestep, &ramp)
    }
}

/// One thermostat: implemented by each module's parameters (`...Spec`), which own the module's
/// state (a variant of [`IntegratorState`]) and step.
pub trait Thermostat {
    /// Name, as written in inputs.
    fn name(&self) -> &'static str;

    /// The group acted on.
    fn group(&self) -> &str;

    /// Target temperature at the stage start and, for a ramp, at its end [K].
    fn temperatures(&self) -> (f64, Option<f64>);

    /// Checks the thermostat's own parameters for timestep `timestep` [ps] and target `ramp`
    /// (whose temperatures are known to be finite and >= 0 K).
    fn check(&self, timestep: f64, ramp: &TemperatureRamp) -> Result<()>;

    /// Whether, acting on every atom, it keeps the total momentum: scaling all velocities by one
    /// factor does, independent random forces on each atom do not (see [`crate::md::dof`]).
    fn keeps_total_momentum(&self) -> bool {
        true
    }

    /// The ensemble and the thermostat's parameters for a stage of timestep `timestep` [ps],
    /// for reports: `NVT, Langevin BAOAB (friction 1 /ps)`.
    fn ensemble(&self, timestep: f64) -> String;

    /// The thermostat's state at the stage start: at rest, no work done.
    fn start(&self) -> IntegratorState;

    /// Advances `state` by one step of `coupling.timestep` [ps], thermostat and velocity Verlet
    /// together. Forces in `state.system` must be those of the current positions; the state's
    /// integrator must be the one [`Thermostat::start`] made.
    fn step(
        &self,
        coupling: &Coupling,
        state: &mut SimulationState,
        engine: &mut ForceEngine,
    ) -> Result<()>;

    /// Energy held by the thermostat or exchanged with the outside since the stage start [eV]
    /// (LAMMPS `ecouple`). Default: minus the accumulated work of a Langevin, CSVR or
    /// Berendsen state, 0 for any other.
    fn coupling_energy(&self, _coupling: &Coupling, state: &SimulationState) -> f64 {
        exchanged_energy(state)
    }
}

/// What a thermostat acts on in one stage, shared by every thermostat's step.
#[derive(Clone, Debug)]
pub struct Coupling {
    /// The atoms of the thermostatted group.
    pub members: Members,
    /// Their degrees of freedom N_f ([`crate::md::dof`]).
    pub dof: f64,
    /// The target temperature over the stage.
    pub ramp: TemperatureRamp,
    /// The stage's timestep [ps].
    pub timestep: f64,
    /// The stage's number of steps (the length of the ramp).
    pub stage_steps: u64,
}

impl Coupling {
    /// Target temperature [K] at step `stage_step` of the stage ([`TemperatureRamp::at`]).
    pub fn target(&self, stage_step: u64) -> f64 {
        self.ramp.at(stage_step, self.stage_steps)
    }

    /// The target and the atoms, for reports: `1473 K, on all atoms, 3069 degrees of freedom`
    /// or `300 K -> 1473 K, on 256 atoms, 768 degrees of freedom`.
    pub fn describe(&self) -> String {
        let r = &self.ramp;
        let target = if r.start == r.end {
            format!("{} K", r.start)
        } else {
            format!("{} K -> {} K", r.start, r.end)
        };
        let dof = self.dof;
        match &self.members {
            Members::All => format!("{target}, on all atoms, {dof} degrees of freedom"),
            Members::Indices(v) => {
                format!("{target}, on {} atoms, {dof} degrees of freedom", v.len())
            }
        }
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

/// The accumulated work of `state` [eV] (kinetic energy given by the thermostat and by
/// momentum removal), or an error if the stage has no thermostat state.
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

/// Minus the accumulated work of a Langevin, CSVR or Berendsen state [eV]; 0 for any other
/// state.
pub(crate) fn exchanged_energy(state: &SimulationState) -> f64 {
    match &state.integrator {
        IntegratorState::Langevin(w) | IntegratorState::Csvr(w) | IntegratorState::Berendsen(w) => {
            -w.work
        }
        _ => 0.0,
    }
}

/// `Ok` if `value` is positive and finite, else an error naming thermostat `name`'s parameter
/// `what`.
pub(crate) fn check_positive(name: &str, what: &str, value: f64) -> Result<()> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "thermostat {name}: {what} {value} must be positive"
        )))
    }
}

/// The default group of every thermostat: every atom.
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
