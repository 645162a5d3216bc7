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
/// `compute temp` default), at least 1.
pub fn degrees_of_freedom(natoms: usize) -> f64 {
    (3.0 * natoms as f64 - 3.0).max(1.0)
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
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
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
}

impl ThermoSample {
    /// Measures `system` with its latest force evaluation `forces`.
    pub fn measure(system: &System, forces: &ForceOutput, step: u64, time: f64) -> Self {
        let kinetic = kinetic_energy(system);
        let dof = degrees_of_freedom(system.len());
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
        }
    }
}
