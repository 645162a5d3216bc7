//! Crystal lattices as a conventional cubic cell and its basis.

use serde::{Deserialize, Serialize};

use crate::system::Vec3;

/// Cubic Bravais lattices with a conventional cubic cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CubicLattice {
    /// Simple cubic, 1 atom per cell.
    Sc,
    /// Body-centred cubic, 2 atoms per cell.
    Bcc,
    /// Face-centred cubic, 4 atoms per cell.
    Fcc,
    /// Diamond, 8 atoms per cell.
    Diamond,
}

impl CubicLattice {
    /// Basis of the conventional cell in fractions of the lattice parameter.
    pub fn basis(self) -> &'static [[f64; 3]] {
        match self {
            CubicLattice::Sc => &[[0.0, 0.0, 0.0]],
            CubicLattice::Bcc => &[[0.0, 0.0, 0.0], [0.5, 0.5, 0.5]],
            CubicLattice::Fcc => &[
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 0.0, 0.5],
                [0.0, 0.5, 0.5],
            ],
            CubicLattice::Diamond => &[
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 0.0, 0.5],
                [0.0, 0.5, 0.5],
                [0.25, 0.25, 0.25],
                [0.75, 0.75, 0.25],
                [0.75, 0.25, 0.75],
                [0.25, 0.75, 0.75],
            ],
        }
    }

    /// Nearest-neighbour distance in units of the lattice parameter.
    pub fn nearest_neighbor_distance(self) -> f64 {
        match self {
            CubicLattice::Sc => 1.0,
            CubicLattice::Bcc => 3f64.sqrt() / 2.0,
            CubicLattice::Fcc => 1.0 / 2f64.sqrt(),
            CubicLattice::Diamond => 3f64.sqrt() / 4.0,
        }
    }
}

/// Sites of `cells` conventional cells of `lattice` with lattice parameter `a` [A], starting at
/// the origin, ordered cell by cell (x slowest) and by basis within a cell.
pub fn block_sites(lattice: CubicLattice, a: f64, cells: [usize; 3]) -> Vec<Vec3> {
    let basis = lattice.basis();
    let mut out = Vec::with_capacity(cells.iter().product::<usize>() * basis.len());
    for i in 0..cells[0] {
        for j in 0..cells[1] {
            for k in 0..cells[2] {
                for b in basis {
                    out.push(Vec3::new(
                        (i as f64 + b[0]) * a,
                        (j as f64 + b[1]) * a,
                        (k as f64 + b[2]) * a,
                    ));
                }
            }
        }
    }
    out
}
