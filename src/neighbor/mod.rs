//! Neighbour search: cell (bin) lists built in O(N) and Verlet lists with a skin.
//!
//! [`NeighborList`] is the one list every potential reads; [`NeighborSettings`] says how often it
//! is checked, as LAMMPS's `neighbor` and `neigh_modify` commands do.

mod brute;
mod cell;
pub mod schedule;
mod verlet;

use serde::{Deserialize, Serialize};

pub use brute::all_neighbors;
pub(crate) use cell::CellGrid;
pub use schedule::HalfListSchedule;
pub use verlet::{ListKind, Neighbor, NeighborList, Row, moved_beyond};

use crate::error::Error;

/// Two atoms closer than this [A] are reported as overlapping.
pub const OVERLAP_DISTANCE: f64 = 0.1;

/// The error for atoms `a` and `b` (ids) at `distance` [A], closer than [`OVERLAP_DISTANCE`].
pub fn overlap_error(a: u64, b: u64, distance: f64) -> Error {
    Error::Physics(format!(
        "atoms {a} and {b} overlap (distance {distance:.4} A < {OVERLAP_DISTANCE} A)"
    ))
}

/// How the neighbour list is maintained (LAMMPS `neighbor SKIN bin` + `neigh_modify every N check yes`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NeighborSettings {
    /// Skin added to the interaction cutoff [A]. Default 1.0 (LAMMPS metal default).
    pub skin: f64,
    /// Check whether a rebuild is needed every this many steps. Default 1.
    pub every: u64,
}

impl Default for NeighborSettings {
    fn default() -> Self {
        NeighborSettings {
            skin: 1.0,
            every: 1,
        }
    }
}
