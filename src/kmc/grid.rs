//! A single fcc lattice laid out as a dense grid, so that neighbour site indices are arithmetic.
//!
//! Sites of an fcc lattice of parameter a are the points (a/2)(x, y, z) of a cubic grid with
//! integer x + y + z even (crystal frame). A box of the grid with corner (x0, y0, z0) (x0 + y0 +
//! z0 even) and dimensions Nx x Ny x Nz, Nx and Ny odd, numbers the grid point with local
//! coordinates (u, v, w) = (x - x0, y - y0, z - z0) by
//!
//! L = u + Nx v + Nx Ny w.
//!
//! With Nx and Nx Ny odd, L is even exactly when u + v + w is, so the lattice sites are the even
//! L and site index i = L / 2 numbers them without gaps. A nearest-neighbour vector
//! (du, dv, dw) (two components +-1, one 0) changes L by du + Nx dv + Nx Ny dw, a sum of two odd
//! numbers: even, so every site has the same 12 neighbour index offsets
//! (du + Nx dv + Nx Ny dw) / 2. A grid that keeps one layer of non-sites around the sites in use
//! never needs a bounds check for a neighbour.
//!
//! The layout replaces a neighbour table (48 bytes per site) by 12 constants: the KMC state of a
//! site then fits in one byte (see [`super::grid_engine`]).

use super::lattice::{FccLattice, SiteSet};
use super::pair::bounds;
use crate::error::{Error, Result};
use crate::system::{SimBox, Vec3};

/// The 12 nearest-neighbour vectors of fcc in units of a/2, in the order every neighbour row of
/// a grid site follows.
pub const FCC_NEIGHBOR_VECTORS: [[i64; 3]; 12] = [
    [1, 1, 0],
    [1, -1, 0],
    [-1, 1, 0],
    [-1, -1, 0],
    [1, 0, 1],
    [1, 0, -1],
    [-1, 0, 1],
    [-1, 0, -1],
    [0, 1, 1],
    [0, 1, -1],
    [0, -1, 1],
    [0, -1, -1],
];

/// Largest deviation of a site from the lattice accepted when placing it on the grid, in units
/// of a/2.
const ON_LATTICE_TOLERANCE: f64 = 1e-6;

/// A box of an fcc lattice numbered as a dense grid.
#[derive(Clone, Debug, PartialEq)]
pub struct FccGrid {
    /// The lattice.
    pub lattice: FccLattice,
    /// Crystal coordinates (units a/2) of local grid point (0, 0, 0); their sum is even.
    pub corner: [i64; 3],
    /// Grid points along the crystal axes; the first two are odd.
    pub dims: [usize; 3],
    /// Index offsets of the 12 neighbours, in [`FCC_NEIGHBOR_VECTORS`] order.
    pub offsets: [isize; 12],
}

impl FccGrid {
    /// The smallest grid of `lattice` holding every crystal point in `[lo, hi]` (inclusive,
    /// units a/2) with one layer to spare on every side.
    pub fn spanning(lattice: FccLattice, lo: [i64; 3], hi: [i64; 3]) -> Result<Self> {
        let mut corner = [lo[0] - 1, lo[1] - 1, lo[2] - 1];
        if (corner[0] + corner[1] + corner[2]).rem_euclid(2) != 0 {
            corner[0] -= 1;
        }
        let mut dims = [0usize; 3];
        for k in 0..3 {
            let span = hi[k] + 2 - corner[k];
            if span <= 0 {
                return Err(Error::invalid("fcc grid: empty range"));
            }
            dims[k] = span as usize;
        }
        for d in &mut dims[..2] {
            if *d % 2 == 0 {
                *d += 1;
            }
        }
        dims[0]
            .checked_mul(dims[1])
            .and_then(|p| p.checked_mul(dims[2]))
            .filter(|&p| p / 2 < u32::MAX as usize)
            .ok_or_else(|| Error::invalid("fcc grid: too many sites"))?;
        let (nx, nxy) = (dims[0] as isize, (dims[0] * dims[1]) as isize);
        let offsets = FCC_NEIGHBOR_VECTORS.map(|v| {
            let l = v[0] as isize + nx * v[1] as isize + nxy * v[2] as isize;
            debug_assert!(l % 2 == 0);
            l / 2
        });
        Ok(FccGrid {
            lattice,
            corner,
            dims,
            offsets,
        })
    }

    /// Number of grid sites (lattice points of the box, whether in use or not).
    pub fn len(&self) -> usize {
        (self.dims[0] * self.dims[1] * self.dims[2]).div_ceil(2)
    }

    /// True when the grid has no site.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Site index of the crystal point `c` (units a/2), or None when it is not a lattice site
    /// of the box.
    pub fn index(&self, c: [i64; 3]) -> Option<usize> {
        if (c[0] + c[1] + c[2]).rem_euclid(2) != 0 {
            return None;
        }
        let mut l = 0usize;
        let mut scale = 1usize;
        for ((&x, &x0), &n) in c.iter().zip(&self.corner).zip(&self.dims) {
            let u = x - x0;
            if u < 0 || u as usize >= n {
                return None;
            }
            l += u as usize * scale;
            scale *= n;
        }
        Some(l / 2)
    }

    /// Crystal coordinates (units a/2) of site `i`.
    pub fn coords(&self, i: usize) -> [i64; 3] {
        let l = 2 * i;
        let (nx, ny) = (self.dims[0], self.dims[1]);
        let u = l % nx;
        let v = (l / nx) % ny;
        let w = l / (nx * ny);
        [
            self.corner[0] + u as i64,
            self.corner[1] + v as i64,
            self.corner[2] + w as i64,
        ]
    }

    /// World position of site `i` [A].
    pub fn position(&self, i: usize) -> Vec3 {
        self.crystal_to_world(self.coords(i))
    }

    /// World position of the crystal point `c` (units a/2) [A].
    pub fn crystal_to_world(&self, c: [i64; 3]) -> Vec3 {
        let c = Vec3::new(c[0] as f64, c[1] as f64, c[2] as f64) * (0.5 * self.lattice.a);
        self.lattice.origin + self.lattice.rotation * c
    }

    /// Crystal coordinates (units a/2) of the lattice site at world position `x`, or None when
    /// `x` is not on the lattice.
    pub fn lattice_point(lattice: &FccLattice, x: &Vec3) -> Option<[i64; 3]> {
        let c = lattice.rotation.transpose() * (x - lattice.origin) * (2.0 / lattice.a);
        let r = c.map(f64::round);
        if (c - r).amax() > ON_LATTICE_TOLERANCE {
            return None;
        }
        let p = [r.x as i64, r.y as i64, r.z as i64];
        ((p[0] + p[1] + p[2]).rem_euclid(2) == 0).then_some(p)
    }

    /// The grid covering `positions` (sites of `lattice`) with a spare layer, and each
    /// position's site index. Errors name the first position that is not a lattice site.
    pub fn covering(lattice: &FccLattice, positions: &[Vec3]) -> Result<(Self, Vec<usize>)> {
        let coords = positions
            .iter()
            .enumerate()
            .map(|(k, x)| {
                Self::lattice_point(lattice, x).ok_or_else(|| {
                    Error::invalid(format!(
                        "site {} at {:?} A is not on the fcc lattice",
                        k + 1,
                        x.as_slice()
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if coords.is_empty() {
            return Err(Error::invalid("fcc grid: no sites"));
        }
        let mut lo = [i64::MAX; 3];
        let mut hi = [i64::MIN; 3];
        for c in &coords {
            for k in 0..3 {
                lo[k] = lo[k].min(c[k]);
                hi[k] = hi[k].max(c[k]);
            }
        }
        let grid = Self::spanning(lattice.clone(), lo, hi)?;
        let index = coords
            .iter()
            .map(|&c| {
                // The grid spans lo..hi of these coordinates, so every one is inside it.
                grid.index(c).ok_or_else(|| {
                    Error::invalid(format!("site {c:?} lies outside its spanning fcc grid"))
                })
            })
            .collect::<Result<_>>()?;
        Ok((grid, index))
    }

    /// The site set of the grid: every grid site, with neighbours the 12 lattice neighbours that
    /// are `in_use`, listed in [`FCC_NEIGHBOR_VECTORS`] order; sites not in use have none. Sites
    /// in use must not lie on the grid's outer layer.
    pub fn site_set(&self, in_use: &[bool]) -> Result<SiteSet> {
        let n = self.len();
        if in_use.len() != n {
            return Err(Error::invalid(format!(
                "{} in-use flags for {n} grid sites",
                in_use.len()
            )));
        }
        let positions: Vec<Vec3> = (0..n).map(|i| self.position(i)).collect();
        let mut rows = vec![Vec::new(); n];
        for (i, row) in rows.iter_mut().enumerate() {
            if !in_use[i] {
                continue;
            }
            if !self.is_interior(i) {
                return Err(Error::invalid(format!(
                    "grid site {i} is in use but lies on the grid's outer layer"
                )));
            }
            for &d in &self.offsets {
                let j = (i as isize + d) as usize;
                if in_use[j] {
                    row.push(j as u32);
                }
            }
        }
        let (lo, hi) = bounds(&positions, self.lattice.neighbor_cutoff());
        let simbox = SimBox::new(lo, hi, [false; 3])?;
        SiteSet::from_rows(
            positions,
            simbox,
            self.lattice.neighbor_cutoff(),
            self.lattice.nearest_neighbor_distance(),
            &rows,
        )
    }

    /// True when site `i` is not on the outer layer of the grid (all its neighbours are grid
    /// sites).
    pub fn is_interior(&self, i: usize) -> bool {
        let c = self.coords(i);
        (0..3).all(|k| {
            let u = c[k] - self.corner[k];
            u >= 1 && (u as usize) + 1 < self.dims[k]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Matrix3;

    fn lattice() -> FccLattice {
        FccLattice {
            a: 3.89,
            rotation: crate::structure::orientation::orientation_matrix(
                [1, 1, 0],
                [-1, 1, 0],
                [0, 0, 1],
            )
            .unwrap(),
            origin: Vec3::new(0.3, -1.0, 2.0),
        }
    }

    #[test]
    fn indices_round_trip_and_offsets_are_neighbours() {
        let grid = FccGrid::spanning(lattice(), [-3, -2, -4], [4, 5, 3]).unwrap();
        assert!(grid.dims[0] % 2 == 1 && grid.dims[1] % 2 == 1);
        assert_eq!((grid.corner.iter().sum::<i64>()).rem_euclid(2), 0);
        let nn = grid.lattice.nearest_neighbor_distance();
        for i in 0..grid.len() {
            let c = grid.coords(i);
            assert_eq!((c[0] + c[1] + c[2]).rem_euclid(2), 0, "site {i}");
            assert_eq!(grid.index(c), Some(i));
            if grid.is_interior(i) {
                for (k, &d) in grid.offsets.iter().enumerate() {
                    let j = (i as isize + d) as usize;
                    let v = FCC_NEIGHBOR_VECTORS[k];
                    assert_eq!(grid.coords(j), [c[0] + v[0], c[1] + v[1], c[2] + v[2]]);
                    let r = (grid.position(j) - grid.position(i)).norm();
                    assert!((r - nn).abs() < 1e-9);
                }
            }
        }
        assert_eq!(grid.index([0, 0, 1]), None);
    }

    #[test]
    fn covering_grid_reproduces_a_neighbour_table() {
        let lat = FccLattice {
            a: 4.0,
            rotation: Matrix3::identity(),
            origin: Vec3::zeros(),
        };
        let positions = lat.sites_in(Vec3::repeat(-6.0), Vec3::repeat(6.0), |x| x.norm() < 6.0);
        let (grid, index) = FccGrid::covering(&lat, &positions).unwrap();
        let mut in_use = vec![false; grid.len()];
        for &i in &index {
            in_use[i] = true;
        }
        let from_grid = grid.site_set(&in_use).unwrap();
        let b = SimBox::new([-8.0; 3], [8.0; 3], [false; 3]).unwrap();
        let table = SiteSet::with_cutoff(positions, b, lat.neighbor_cutoff(), 2.0).unwrap();
        for (k, &i) in index.iter().enumerate() {
            let mut a: Vec<usize> = from_grid.neighbors(i).iter().map(|&j| j as usize).collect();
            let mut b: Vec<usize> = table
                .neighbors(k)
                .iter()
                .map(|&j| index[j as usize])
                .collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "site {k}");
        }
        assert!(FccGrid::covering(&lat, &[Vec3::new(0.1, 0.0, 0.0)]).is_err());
    }
}
