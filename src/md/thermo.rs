//! Thermodynamic quantities computed from a system's velocities and a force evaluation.

use rayon::prelude::*;

use crate::potential::{ForceOutput, deterministic_sum};
use crate::system::System;
use crate::units::{BOLTZMANN, MVV2E, NKTV2P};

/// Kinetic energy [eV]: sum of m v^2 / 2.
pub fn kinetic_energy(system: &System) -> f64 {
    let masses = &system.species.masses;
    let per_atom: Vec<f64> = system
        .velocities
        .par_iter()
        .zip(system.types.par_iter())
        .map(|(v, &t)| masses[t as usize] * v.norm_squared())
        .collect();
    0.5 * MVV2E * deterministic_sum(&per_atom, |&x| x)
}

/// Degrees of freedom of `natoms` atoms with the total momentum fixed: 3N - 3 (LAMMPS
/// `compute temp` default), at least 1. Stages with thermostats or momentum removal count them
/// by the rule of [`crate::md::dof`].
pub fn degrees_of_freedom(natoms: usize) -> f64 {
    super::dof::degrees_of_freedom(
        natoms,
        super::dof::MomentumConstraints {
            linear: true,
            angular: false,
        },
    )
}

/// Temperature [K] of kinetic energy `ke` [eV] shared by `dof` degrees of freedom.
pub fn temperature(ke: f64, dof: f64) -> f64 {
    2.0 * ke / (dof * BOLTZMANN)
}

/// Pressure [bar] from kinetic energy `ke` [eV], the virial trace of `forces` and `volume` [A^3]:
/// P = (2 KE + W_xx + W_yy + W_zz) / (3 V), as LAMMPS `compute pressure` with the same
/// temperature definition.
pub fn pressure(ke: f64, forces: &ForceOutput, volume: f64) -> f64 {
    let w = forces.virial[0] + forces.virial[1] + forces.virial[2];
    (2.0 * ke + w) / (3.0 * volume) * NKTV2P
}

/// One row of thermodynamic output.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThermoSample {
    /// Step number.
    pub step: u64,
    /// Time [ps].
    pub time: f64,
    /// Temperature [K].
    pub temperature: f64,
    /// Potential energy [eV].
    pub potential: f64,
    /// Kinetic energy [eV].
    pub kinetic: f64,
    /// Total energy [eV].
    pub total: f64,
    /// Pressure [bar]; None unless every axis is periodic.
    pub pressure: Option<f64>,
    /// The integrator's conserved quantity [eV]: total energy plus the energy held by or given
    /// to the thermostat and momentum removal during the stage (LAMMPS `econserve`); equal to
    /// `total` in NVE.
    pub conserved: f64,
}

impl ThermoSample {
    /// Measures `system` with its latest force evaluation `forces`, as in NVE: 3N - 3 degrees
    /// of freedom, conserved quantity = total energy.
    pub fn measure(system: &System, forces: &ForceOutput, step: u64, time: f64) -> Self {
        Self::measure_with(
            system,
            forces,
            step,
            time,
            degrees_of_freedom(system.len()),
            0.0,
        )
    }

    /// Measures `system` with `dof` degrees of freedom for the temperature and
    /// `coupling_energy` [eV] added to the total energy for the conserved quantity (see
    /// [`crate::md::StageIntegrator::measure`]).
    pub fn measure_with(
        system: &System,
        forces: &ForceOutput,
        step: u64,
        time: f64,
        dof: f64,
        coupling_energy: f64,
    ) -> Self {
        let kinetic = kinetic_energy(system);
        let pressure = system
            .simbox
            .fully_periodic()
            .then(|| pressure(kinetic, forces, system.simbox.volume()));
        ThermoSample {
            step,
            time,
            temperature: temperature(kinetic, dof),
            potential: forces.energy,
            kinetic,
            total: forces.energy + kinetic,
            pressure,
            conserved: forces.energy + kinetic + coupling_energy,
        }
    }
}
