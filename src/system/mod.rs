//! The atomic system: atoms in struct-of-arrays form inside a [`SimBox`].
//!
//! Every per-atom quantity is its own array, indexed by the atom's position in the system
//! (0-based); `ids` keeps the user's atom ids (LAMMPS ids) for output.

pub mod budget;
pub mod group;
mod simbox;
mod species;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use group::{GroupSpec, Members, Region, Selection, define_groups};
pub use simbox::{SimBox, parse_boundary};
pub use species::{SpeciesTable, element_mass};

use crate::error::{Error, Result};

/// A 3-vector of f64 (position [A], velocity [A/ps], force [eV/A], ...).
pub type Vec3 = nalgebra::Vector3<f64>;

/// The smallest and largest coordinate along axis `k` of `positions` [A] ((inf, -inf) when
/// there are none).
pub fn span_along(positions: &[Vec3], k: usize) -> (f64, f64) {
    positions
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x[k]), hi.max(x[k]))
        })
}

/// Atoms, their species and their box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// The simulation box.
    pub simbox: SimBox,
    /// Names and masses of the species.
    pub species: SpeciesTable,
    /// User-facing atom ids (LAMMPS atom ids), unique.
    pub ids: Vec<u64>,
    /// Species index of each atom into `species` (LAMMPS type minus one).
    pub types: Vec<u32>,
    /// Positions [A].
    pub positions: Vec<Vec3>,
    /// Velocities [A/ps].
    pub velocities: Vec<Vec3>,
    /// Forces at the current positions [eV/A].
    pub forces: Vec<Vec3>,
    /// Periodic image counts: the unwrapped position is `position + image * box length`.
    pub images: Vec<[i32; 3]>,
    /// Named groups of atoms: sorted atom indices (see [`group`]).
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<u32>>,
}

impl System {
    /// An empty system in `simbox` with the given species.
    pub fn new(simbox: SimBox, species: SpeciesTable) -> Self {
        System {
            simbox,
            species,
            ids: Vec::new(),
            types: Vec::new(),
            positions: Vec::new(),
            velocities: Vec::new(),
            forces: Vec::new(),
            images: Vec::new(),
            groups: BTreeMap::new(),
        }
    }

    /// Number of atoms.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// True when the system has no atoms.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Appends an atom of species `ty` at `position` [A] with `velocity` [A/ps].
    pub fn push(&mut self, id: u64, ty: u32, position: Vec3, velocity: Vec3) {
        self.ids.push(id);
        self.types.push(ty);
        self.positions.push(position);
        self.velocities.push(velocity);
        self.forces.push(Vec3::zeros());
        self.images.push([0; 3]);
    }

    /// Mass of atom `i` [g/mol].
    pub fn mass(&self, i: usize) -> f64 {
        self.species.masses[self.types[i] as usize]
    }

    /// Mass of every atom [g/mol].
    pub fn atom_masses(&self) -> Vec<f64> {
        self.types
            .iter()
            .map(|&t| self.species.masses[t as usize])
            .collect()
    }

    /// Checks the invariants a simulation relies on: equal array lengths, valid species indices,
    /// unique ids and finite coordinates.
    pub fn validate(&self) -> Result<()> {
        let n = self.len();
        if self.ids.len() != n
            || self.types.len() != n
            || self.velocities.len() != n
            || self.forces.len() != n
            || self.images.len() != n
        {
            return Err(Error::invalid("per-atom arrays have different lengths"));
        }
        if let Some((i, &t)) = self
            .types
            .iter()
            .enumerate()
            .find(|&(_, &t)| t as usize >= self.species.len())
        {
            return Err(Error::invalid(format!(
                "atom {} has type {} but only {} species are defined",
                self.ids[i],
                t + 1,
                self.species.len()
            )));
        }
        let mut sorted = self.ids.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::invalid(format!("atom id {} appears twice", w[0])));
        }
        for (i, (x, v)) in self.positions.iter().zip(&self.velocities).enumerate() {
            if !x.iter().chain(v.iter()).all(|c| c.is_finite()) {
                return Err(Error::invalid(format!(
                    "atom {} has a non-finite position or velocity",
                    self.ids[i]
                )));
            }
        }
        for (name, members) in &self.groups {
            if members.iter().any(|&m| m as usize >= n) {
                return Err(Error::invalid(format!(
                    "group {name} refers to an atom index beyond the {n} atoms"
                )));
            }
        }
        Ok(())
    }

    /// Wraps every position into the box along periodic axes, updating the image counts.
    pub fn wrap_positions(&mut self) {
        let b = &self.simbox;
        for (x, img) in self.positions.iter_mut().zip(self.images.iter_mut()) {
            b.wrap(x, img);
        }
    }

    /// Total mass [g/mol].
    pub fn total_mass(&self) -> f64 {
        self.types
            .iter()
            .map(|&t| self.species.masses[t as usize])
            .sum()
    }
}
