//! Stepping one MD stage: velocity Verlet composed with the stage's thermostat and momentum
//! removal, and the bookkeeping that goes with them (degrees of freedom, conserved quantity).
//!
//! Order within a step: the thermostat's scheme (its own step function, which wraps velocity
//! Verlet), then the momentum removals due at this step, as LAMMPS applies `fix momentum` at the
//! end of a step. Removals also run once at the stage start ([`StageIntegrator::begin`]).
//!
//! The conserved quantity reported in `thermo.csv` is KE + PE + [`StageIntegrator::coupling_energy`]:
//! the chain energy for Nosé–Hoover, minus the accumulated work of the thermostat for the others,
//! minus the kinetic energy taken out by momentum removal (LAMMPS's `ecouple`). It starts afresh
//! at each stage, because each stage starts a fresh thermostat.

use super::dof::{MomentumConstraints, MomentumDynamics, degrees_of_freedom, momentum_constraints};
use super::momentum::{MomentumSpec, remove_momentum};
use super::thermostat::nose_hoover::{self, NoseHooverChain, chain_energy, chain_masses};
use super::thermostat::{
    NoseHooverChainState, TemperatureRamp, ThermostatSpec, ThermostatWork, berendsen, csvr,
    langevin, work_of,
};
use super::{ForceEngine, IntegratorState, SimulationState, ThermoSample, nve_step};
use crate::error::{Error, Result};
use crate::potential::ForceOutput;
use crate::system::{Members, System};
use crate::units::BOLTZMANN;

/// A thermostat resolved for a stage: parameters, atoms, degrees of freedom and target.
#[derive(Clone, Debug)]
enum Scheme {
    /// NVE.
    VelocityVerlet,
    NoseHoover {
        chain: NoseHooverChain,
        members: Members,
        dof: f64,
        ramp: TemperatureRamp,
    },
    Langevin {
        friction: f64,
        members: Members,
        dof: f64,
        ramp: TemperatureRamp,
    },
    Csvr {
        tau: f64,
        members: Members,
        dof: f64,
        ramp: TemperatureRamp,
    },
    Berendsen {
        tau: f64,
        members: Members,
        dof: f64,
        ramp: TemperatureRamp,
    },
}

/// Steps one MD stage.
#[derive(Clone, Debug)]
pub struct StageIntegrator {
    timestep: f64,
    steps: u64,
    scheme: Scheme,
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
                Some(ThermostatSpec::Langevin(_)) => false,
                Some(_) => members.is_all(),
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
        let scheme = match thermostat {
            None => Scheme::VelocityVerlet,
            Some(spec) => {
                let ramp = spec.ramp();
                match spec {
                    ThermostatSpec::NoseHoover(s) => Scheme::NoseHoover {
                        chain: NoseHooverChain::from_spec(s, timestep)?,
                        members,
                        dof,
                        ramp,
                    },
                    ThermostatSpec::Langevin(s) => Scheme::Langevin {
                        friction: s.friction,
                        members,
                        dof,
                        ramp,
                    },
                    ThermostatSpec::Csvr(s) => Scheme::Csvr {
                        tau: s.tau,
                        members,
                        dof,
                        ramp,
                    },
                    ThermostatSpec::Berendsen(s) => Scheme::Berendsen {
                        tau: s.tau,
                        members,
                        dof,
                        ramp,
                    },
                }
            }
        };
        Ok(StageIntegrator {
            timestep,
            steps,
            scheme,
            removals,
            system_constraints,
            system_dof,
        })
    }

    /// Starts the stage: a fresh integrator state (thermostat at rest, no work done) and the
    /// stage-start momentum removals. Call after setting `state.stage_step = 0`; not when
    /// continuing a stage from a saved state.
    pub fn begin(&self, state: &mut SimulationState) {
        state.integrator = match &self.scheme {
            Scheme::VelocityVerlet => IntegratorState::VelocityVerlet,
            Scheme::NoseHoover { chain, .. } => {
                IntegratorState::NoseHooverChain(NoseHooverChainState::new(chain.chain))
            }
            Scheme::Langevin { .. } => IntegratorState::Langevin(ThermostatWork::default()),
            Scheme::Csvr { .. } => IntegratorState::Csvr(ThermostatWork::default()),
            Scheme::Berendsen { .. } => IntegratorState::Berendsen(ThermostatWork::default()),
        };
        for (members, spec) in &self.removals {
            remove_momentum(&mut state.system, members, spec);
        }
    }

    /// Advances `state` by one step. Forces in `state.system` must be those of the current
    /// positions.
    pub fn step(&self, state: &mut SimulationState, engine: &mut ForceEngine) -> Result<()> {
        let dt = self.timestep;
        let steps = self.steps;
        match &self.scheme {
            Scheme::VelocityVerlet => nve_step(state, engine, dt)?,
            Scheme::NoseHoover {
                chain,
                members,
                dof,
                ramp,
            } => nose_hoover::step(state, engine, dt, chain, members, *dof, ramp, steps)?,
            Scheme::Langevin {
                friction,
                members,
                ramp,
                ..
            } => langevin::step(state, engine, dt, *friction, members, ramp, steps)?,
            Scheme::Csvr {
                tau,
                members,
                dof,
                ramp,
            } => csvr::step(state, engine, dt, *tau, members, *dof, ramp, steps)?,
            Scheme::Berendsen {
                tau,
                members,
                dof,
                ramp,
            } => berendsen::step(state, engine, dt, *tau, members, *dof, ramp, steps)?,
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
        let ramp = |r: &TemperatureRamp| {
            if r.start == r.end {
                format!("{} K", r.start)
            } else {
                format!("{} K -> {} K", r.start, r.end)
            }
        };
        let group = |m: &Members, dof: f64| match m {
            Members::All => format!("all atoms, {dof} degrees of freedom"),
            Members::Indices(v) => format!("{} atoms, {dof} degrees of freedom", v.len()),
        };
        let mut facts = vec![match &self.scheme {
            Scheme::VelocityVerlet => "ensemble: NVE (velocity Verlet)".to_string(),
            Scheme::NoseHoover {
                chain,
                members,
                dof,
                ramp: r,
            } => format!(
                "ensemble: NVT, Nosé–Hoover chain of {} (damping {} ps, {} x {} substeps), {}, on {}",
                chain.chain,
                chain.damping,
                chain.loops,
                chain.weights.len(),
                ramp(r),
                group(members, *dof)
            ),
            Scheme::Langevin {
                friction,
                members,
                dof,
                ramp: r,
            } => format!(
                "ensemble: NVT, Langevin BAOAB (friction {friction} /ps), {}, on {}",
                ramp(r),
                group(members, *dof)
            ),
            Scheme::Csvr {
                tau,
                members,
                dof,
                ramp: r,
            } => format!(
                "ensemble: NVT, stochastic velocity rescaling (tau {tau} ps), {}, on {}",
                ramp(r),
                group(members, *dof)
            ),
            Scheme::Berendsen {
                tau,
                members,
                dof,
                ramp: r,
            } => format!(
                "ensemble: Berendsen weak coupling (tau {tau} ps; not canonical), {}, on {}",
                ramp(r),
                group(members, *dof)
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
        match &self.scheme {
            Scheme::VelocityVerlet => None,
            Scheme::NoseHoover { dof, .. }
            | Scheme::Langevin { dof, .. }
            | Scheme::Csvr { dof, .. }
            | Scheme::Berendsen { dof, .. } => Some(*dof),
        }
    }

    /// The thermostat's target temperature [K] at `stage_step`, if there is a thermostat.
    pub fn target_temperature(&self, stage_step: u64) -> Option<f64> {
        match &self.scheme {
            Scheme::VelocityVerlet => None,
            Scheme::NoseHoover { ramp, .. }
            | Scheme::Langevin { ramp, .. }
            | Scheme::Csvr { ramp, .. }
            | Scheme::Berendsen { ramp, .. } => Some(ramp.at(stage_step, self.steps)),
        }
    }

    /// Energy held by the thermostat or exchanged with the outside since the stage start [eV]
    /// (LAMMPS `ecouple`): KE + PE + this is the conserved quantity.
    pub fn coupling_energy(&self, state: &SimulationState) -> f64 {
        match (&self.scheme, &state.integrator) {
            (
                Scheme::NoseHoover {
                    chain, dof, ramp, ..
                },
                IntegratorState::NoseHooverChain(c),
            ) => {
                let kt = BOLTZMANN * ramp.at(state.stage_step, self.steps);
                let masses = chain_masses(kt, *dof, chain.damping, chain.chain);
                chain_energy(c, &masses, kt, *dof) - c.work
            }
            (
                _,
                IntegratorState::Langevin(w)
                | IntegratorState::Csvr(w)
                | IntegratorState::Berendsen(w),
            ) => -w.work,
            _ => 0.0,
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
