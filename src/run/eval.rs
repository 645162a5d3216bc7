//! `sintermd eval`: energy, per-atom energies, forces and virial of one configuration, as JSON,
//! in the shape of the LAMMPS reference fixtures.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::md::ForceEngine;
use crate::neighbor::NeighborSettings;
use crate::potential::Potential;
use crate::system::System;

/// One configuration's energies and forces, atoms in the system's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Number of atoms.
    pub natoms: usize,
    /// Potential energy [eV].
    pub energy: f64,
    /// Per-atom potential energy [eV].
    pub per_atom_energy: Vec<f64>,
    /// Forces [eV/A].
    pub forces: Vec<[f64; 3]>,
    /// Virial [eV]: xx yy zz xy xz yz.
    pub virial: [f64; 6],
}

/// Evaluates `potential` on `system` (positions are wrapped into the box along periodic axes).
pub fn evaluate(system: &mut System, potential: Box<dyn Potential>) -> Result<EvalReport> {
    let mut engine = ForceEngine::new(
        potential,
        NeighborSettings {
            skin: 0.0,
            every: 1,
        },
    )?;
    let out = engine.compute(system, 0)?;
    Ok(EvalReport {
        natoms: system.len(),
        energy: out.energy,
        per_atom_energy: out.per_atom_energy.clone(),
        forces: system.forces.iter().map(|f| [f.x, f.y, f.z]).collect(),
        virial: out.virial,
    })
}
