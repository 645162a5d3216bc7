//! Stepping one MD stage: velocity Verlet composed with the stage's thermostat and momentum
//! removal, and the bookkeeping that goes with them (degrees of freedom, conserved quantity).
//!
//! Order within a step: the thermostat's step ([`Thermostat::step`], which wraps velocity
//! Verlet; plain velocity Verlet without a thermostat), then the momentum removals due at this step, as LAMMPS applies `fix momentum` at the
//! end of a step. Removals also run once at the stage start ([`StageIntegrator::begin`]).
//!
//! The conserved quantity reported in `thermo.csv` is KE + PE + [`StageIntegrator::coupling_energy`]:
//! the chain energy for Nosé–Hoover, minus the accumulated work of the thermostat for the others,
//! minus the kinetic energy taken out by momentum removal (LAMMPS's `ecouple`). It starts afresh
//! at each stage, because each stage starts a fresh thermostat.
//!
//! [`Thermostat::step`]: super::thermostat::Thermostat::step

use super::dof::{MomentumConstraints, MomentumDynamics, degrees_of_freedom, momentum_constraints};
use super::momentum::{MomentumSpec, remove_momentum};
use super::thermostat::{Coupling, ThermostatSpec, exchanged_energy, work_of};
use super::{ForceEngine, IntegratorState, SimulationState, ThermoSample, nve_step};
use crate::error::{Error, Result};
use crate::potential::ForceOutput;
use crate::system::{Members, System};

/// Steps one MD stage.
#[derive(Clone, Debug)]
pub struct StageIntegrator {
    timestep: f64,
    steps: u64,
    /// The thermostat and what it acts on; `None`: NVE.
    thermostat: Option<(ThermostatSpec, Coupling)>,
    removals: Vec<(Members, MomentumSpec)>,
    system_constraints: MomentumConstraints,
    system_dof: f64,
}

impl StageIntegrator {
    /// An integrator for a stage of `steps` steps of `timestep` [ps] on `system`, with an
    /// optional thermostat and momentum removals; groups are looked up in `system.groups`. The
    /// forces are assumed internal (they sum to zero, as every interatomic potential's do).
    pub fn new(
        timestep: f64,
        steps: u64,
        thermostat: Option<&ThermostatSpec>,
        momentum: &[MomentumSpec],
        system: &System,
    ) -> Result<Self> {
        Self::build(timestep, steps, thermostat, momentum, system, true)
    }

    /// As [`StageIntegrator::new`], for forces that include an external field (atoms tethered
    /// to fixed sites, walls): the total momentum is then not conserved, and the
    /// degrees-of-freedom rule does not count it as fixed unless it is removed periodically.
    pub fn new_in_external_field(
        timestep: f64,
        steps: u64,
        thermostat: Option<&ThermostatSpec>,
        momentum: &[MomentumSpec],
        system: &System,
    ) -> Result<Self> {
        Self::build(timestep, steps, thermostat, momentum, system, false)
    }

    fn build(
        timestep: f64,
        steps: u64,
        thermostat: Option<&ThermostatSpec>,
        momentum: &[MomentumSpec],
        system: &System,
        internal_forces: bool,
    ) -> Result<Self> {
        if let Some(t) = thermostat {
            t.check(timestep)?;
        }
        let removals = momentum
            .iter()
            .map(|m| Ok((Members::of_group(system, &m.group)?, m.clone())))
            .collect::<Result<Vec<_>>>()?;
        let members = thermostat
            .map(|t| Members::of_group(system, t.group()))
            .transpose()?
            .unwrap_or(Members::All);
        if let Some(t) = thermostat
            && members.count(system.len()) == 0
        {
            return Err(Error::invalid(format!(
                "thermostat {}: group \"{}\" has no atoms",
                t.name(),
                t.group()
            )));
        }
        let conserves_momentum = internal_forces
            && match thermostat {
                None => true,
                Some(t) => t.thermostat().keeps_total_momentum() && members.is_all(),
            };
        let dynamics = MomentumDynamics {
            conserves_momentum,
            free_box: system.simbox.periodic.iter().all(|p| !p),
            removals: &removals,
        };
        let n = system.len();
        let dof = degrees_of_freedom(members.count(n), momentum_constraints(&members, &dynamics));
        let system_constraints = momentum_constraints(&Members::All, &dynamics);
        let system_dof = degrees_of_freedom(n, system_constraints);
        let thermostat = thermostat.map(|spec| {
            let coupling = Coupling {
                members,
                dof,
                ramp: spec.ramp(),
                timestep,
                stage_steps: steps,
            };
            (spec.clone(), coupling)
        });
        Ok(StageIntegrator {
            timestep,
            steps,
            thermostat,
            removals,
            system_constraints,
            system_dof,
        })
    }

    /// Starts the stage: a fresh integrator state (thermostat at rest, no work done) and the
    /// stage-start momentum removals. Call after setting `state.stage_step = 0`; not when
    /// continuing a stage from a saved state.
    pub fn begin(&self, state: &mut SimulationState) {
        state.integrator = match &self.thermostat {
            None => IntegratorState::VelocityVerlet,
            Some((spec, _)) => spec.thermostat().start(),
        };
        for (members, spec) in &self.removals {
            remove_momentum(&mut state.system, members, spec);
        }
    }

    /// Advances `state` by one step. Forces in `state.system` must be those of the current
    /// positions.
    pub fn step(&self, state: &mut SimulationState, engine: &mut ForceEngine) -> Result<()> {
        match &self.thermostat {
            None => nve_step(state, engine, self.timestep)?,
            Some((spec, coupling)) => spec.thermostat().step(coupling, state, engine)?,
        }
        let mut removed = 0.0;
        for (members, spec) in &self.removals {
            if spec.every > 0 && state.stage_step.is_multiple_of(spec.every) {
                removed += remove_momentum(&mut state.system, members, spec);
            }
        }
        if removed != 0.0
            && let Ok(work) = work_of(state)
        {
            *work += removed;
        }
        Ok(())
    }

    /// One line per fact about the stage's ensemble, for reports: the thermostat and its
    /// parameters, the momentum removals, the degrees of freedom.
    pub fn describe(&self) -> Vec<String> {
        let mut facts = vec![match &self.thermostat {
            None => "ensemble: NVE (velocity Verlet)".to_string(),
            Some((spec, coupling)) => format!(
                "ensemble: {}, {}",
                spec.thermostat().ensemble(self.timestep),
                coupling.describe()
            ),
        }];
        for (_, spec) in &self.removals {
            let what = match (spec.linear, spec.angular) {
                (true, true) => "linear and angular momentum",
                (true, false) => "linear momentum",
                (false, true) => "angular momentum",
                (false, false) => continue,
            };
            let when = match spec.every {
                0 => "at the stage start".to_string(),
                n => format!("at the stage start and every {n} steps"),
            };
            facts.push(format!("{what} of group {} removed {when}", spec.group));
        }
        facts.push(format!(
            "temperature from {} degrees of freedom",
            self.system_dof
        ));
        facts
    }

    /// Timestep [ps].
    pub fn timestep(&self) -> f64 {
        self.timestep
    }

    /// Number of steps of the stage.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Degrees of freedom of the whole system in this stage (see [`crate::md::dof`]); the
    /// temperature in `thermo.csv` uses it.
    pub fn degrees_of_freedom(&self) -> f64 {
        self.system_dof
    }

    /// The momenta of the whole system held fixed in this stage.
    pub fn system_constraints(&self) -> MomentumConstraints {
        self.system_constraints
    }

    /// Degrees of freedom of the thermostatted group, if there is a thermostat.
    pub fn thermostat_degrees_of_freedom(&self) -> Option<f64> {
        self.thermostat.as_ref().map(|(_, coupling)| coupling.dof)
    }

    /// The thermostat's target temperature [K] at `stage_step`, if there is a thermostat.
    pub fn target_temperature(&self, stage_step: u64) -> Option<f64> {
        self.thermostat
            .as_ref()
            .map(|(_, coupling)| coupling.target(stage_step))
    }

    /// Energy held by the thermostat or exchanged with the outside since the stage start [eV]
    /// (LAMMPS `ecouple`): KE + PE + this is the conserved quantity.
    pub fn coupling_energy(&self, state: &SimulationState) -> f64 {
        match &self.thermostat {
            None => exchanged_energy(state),
            Some((spec, coupling)) => spec.thermostat().coupling_energy(coupling, state),
        }
    }

    /// Thermodynamic quantities of `state` with forces `forces`, using this stage's degrees of
    /// freedom and coupling energy.
    pub fn measure(&self, state: &SimulationState, forces: &ForceOutput) -> ThermoSample {
        ThermoSample::measure_with(
            &state.system,
            forces,
            state.step,
            state.time,
            self.system_dof,
            self.coupling_energy(state),
        )
    }
}
