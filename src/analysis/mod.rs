//! Structure analysis: pure functions of a configuration, used by run observers and tests.
//!
//! - [`com`]: centres of mass, radius of gyration, centre-to-centre distance, rigid fits;
//! - [`rdf`]: radial distribution functions, total and per species pair;
//! - [`coordination`]: coordination numbers;
//! - [`cna`]: adaptive common-neighbour analysis (fcc / hcp / bcc / icosahedral / other);
//! - [`neck`]: the neck between two particles;
//! - [`gap`]: the gap between two particles' facing facets: layers, zones, adatom fates;
//! - [`shells`]: the interior and the surface shell of a particle (depth below its hull);
//! - [`phase`]: the phase check of a particle (crystalline, premelted surface, molten);
//! - [`msd`]: mean-square displacement of surface-shell and interior atoms.
//!
//! Positions are unwrapped with the image counts wherever a quantity depends on absolute positions
//! (centres of mass, displacements); pair distances use the periodic images of the box.

pub mod cna;
pub mod com;
pub mod coordination;
pub mod gap;
pub mod msd;
pub mod neck;
pub mod phase;
pub mod rdf;
pub mod shells;

use crate::error::Result;
use crate::neighbor::NeighborList;
use crate::system::{System, Vec3};

/// Positions wrapped into the box and a neighbour list of radius `radius` [A] over them, for
/// analyses that need pair distances (the system itself is not modified).
pub struct PairView {
    /// Wrapped positions [A].
    pub positions: Vec<Vec3>,
    /// Full neighbour list within `radius`.
    pub list: NeighborList,
}

impl PairView {
    /// Builds the view of `system` for pairs closer than `radius` [A].
    pub fn new(system: &System, radius: f64) -> Result<Self> {
        let positions = wrapped_positions(system);
        let mut list = NeighborList::new(radius, 0.0);
        list.build(&system.simbox, &positions)?;
        Ok(PairView { positions, list })
    }

    /// The distances [A] from atom `i` to its neighbours within the radius, with their indices,
    /// sorted by distance (ties by index).
    pub fn sorted_neighbors(&self, i: usize) -> Vec<(f64, usize, Vec3)> {
        let mut v: Vec<(f64, usize, Vec3)> = self
            .list
            .iter_row(i, &self.positions)
            .map(|nb| (nb.r2.sqrt(), nb.j, nb.delta))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v
    }
}

/// Positions [A] wrapped into the box along its periodic axes (the system is not modified).
pub fn wrapped_positions(system: &System) -> Vec<Vec3> {
    system
        .positions
        .iter()
        .map(|x| {
            let mut x = *x;
            system.simbox.wrap(&mut x, &mut [0; 3]);
            x
        })
        .collect()
}

/// Unwrapped positions [A]: position + image * box length.
pub fn unwrapped_positions(system: &System) -> Vec<Vec3> {
    system
        .positions
        .iter()
        .zip(&system.images)
        .map(|(x, img)| system.simbox.unwrap(x, img))
        .collect()
}

/// Unwrapped positions [A] of the atoms `members` (indices into `system`), in that order.
pub fn unwrapped_members(system: &System, members: &[u32]) -> Vec<Vec3> {
    members
        .iter()
        .map(|&i| {
            let i = i as usize;
            system
                .simbox
                .unwrap(&system.positions[i], &system.images[i])
        })
        .collect()
}
