//! The tiled storage order of an fcc grid's sites: the order in which the fcc-grid engine
//! ([`super::grid_engine`]) keeps its per-site arrays.
//!
//! A grid ([`super::grid::FccGrid`]) numbers its sites row by row (x fastest), so the 12
//! neighbours of a site lie in three xy planes up to Nx Ny / 2 indices apart, and an array over
//! the sites is touched wherever a row meets the particles' surfaces: at every row, so the whole
//! array (the volume) is in use. Here the grid points are cut into tiles of 4 x 4 x 4 points (32
//! lattice sites) stored one after another, so that
//! - a site's neighbours lie in its own tile or the adjacent ones, a few cache lines apart;
//! - the part of an array that KMC touches is the tiles along the surface, which grows with the
//!   surface, not the volume: the cost of an event no longer grows with the particle.
//!
//! A site's position in this order is its *cell*. Within a tile, the site at local point
//! (u, v, w) (each 0..4, u + v + w even) has local index u / 2 + 2 v + 8 w; tiles follow each
//! other x fastest. The cell of a neighbour is the cell plus an offset that depends only on the
//! direction and on the local index (whether the step leaves the tile): a table of 32 x 12
//! offsets replaces the grid's 12 constant ones. Cells of the tiles' points outside the grid are
//! padding, never sites.

use super::grid::{FCC_NEIGHBOR_VECTORS, FccGrid};

/// Grid points along each edge of a tile.
const EDGE: usize = 4;

/// Lattice sites per tile (half of its 4^3 points).
pub const TILE_SITES: usize = EDGE * EDGE * EDGE / 2;

/// The cells of a grid's sites and the neighbour offsets between cells.
#[derive(Clone, Debug, PartialEq)]
pub struct TiledLayout {
    /// Grid points along each axis (as the grid's `dims`).
    dims: [usize; 3],
    /// Tiles along each axis.
    tiles: [usize; 3],
    /// Cell offset of neighbour k ([`FCC_NEIGHBOR_VECTORS`] order) of a site of local index l:
    /// `deltas[l][k]`; entries 12..16 are 0 (see [`TiledLayout::neighbor_deltas`]).
    deltas: [[isize; 16]; TILE_SITES],
}

/// Local index of the tile point (u, v, w) (u + v + w even).
fn local_index(u: usize, v: usize, w: usize) -> usize {
    u / 2 + 2 * v + 8 * w
}

/// The tile point (u, v, w) of local index `l`.
fn local_point(l: usize) -> [usize; 3] {
    let (v, w) = ((l >> 1) & 3, l >> 3);
    [2 * (l & 1) + ((v + w) & 1), v, w]
}

impl TiledLayout {
    /// The layout of `grid`'s sites.
    pub fn new(grid: &FccGrid) -> Self {
        let dims = grid.dims;
        let tiles = dims.map(|n| n.div_ceil(EDGE));
        let tile_stride = [1, tiles[0], tiles[0] * tiles[1]].map(|s| (s * TILE_SITES) as isize);
        let mut deltas = [[0isize; 16]; TILE_SITES];
        for (l, row) in deltas.iter_mut().enumerate() {
            let p = local_point(l);
            for (k, v) in FCC_NEIGHBOR_VECTORS.iter().enumerate() {
                let mut tile_step = 0;
                let mut q = [0usize; 3];
                for a in 0..3 {
                    let x = p[a] as i64 + v[a];
                    tile_step += x.div_euclid(EDGE as i64) as isize * tile_stride[a];
                    q[a] = x.rem_euclid(EDGE as i64) as usize;
                }
                row[k] = tile_step + local_index(q[0], q[1], q[2]) as isize - l as isize;
            }
        }
        TiledLayout {
            dims,
            tiles,
            deltas,
        }
    }

    /// Number of cells (the grid's sites and the padding of the tiles at its far edges).
    pub fn len(&self) -> usize {
        self.tiles[0] * self.tiles[1] * self.tiles[2] * TILE_SITES
    }

    /// True when there is no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell of the grid point (u, v, w) (local grid coordinates, u + v + w even).
    fn cell_of_point(&self, u: usize, v: usize, w: usize) -> usize {
        let tile = (u / EDGE) + self.tiles[0] * ((v / EDGE) + self.tiles[1] * (w / EDGE));
        tile * TILE_SITES + local_index(u % EDGE, v % EDGE, w % EDGE)
    }

    /// Cell of grid site `site`.
    pub fn cell(&self, site: usize) -> usize {
        let l = 2 * site;
        let (nx, ny) = (self.dims[0], self.dims[1]);
        self.cell_of_point(l % nx, (l / nx) % ny, l / (nx * ny))
    }

    /// Grid site of cell `cell`, or None for padding.
    pub fn site(&self, cell: usize) -> Option<usize> {
        let tile = cell / TILE_SITES;
        let p = local_point(cell % TILE_SITES);
        let t = [
            tile % self.tiles[0],
            (tile / self.tiles[0]) % self.tiles[1],
            tile / (self.tiles[0] * self.tiles[1]),
        ];
        let q: [usize; 3] = std::array::from_fn(|a| t[a] * EDGE + p[a]);
        (q.iter().zip(&self.dims).all(|(&x, &n)| x < n))
            .then(|| (q[0] + self.dims[0] * (q[1] + self.dims[1] * q[2])) / 2)
    }

    /// Cell offsets of the 12 neighbours ([`FCC_NEIGHBOR_VECTORS`] order) of the site in `cell`,
    /// padded with four zeros so that a direction masked to 4 bits indexes it without a bounds
    /// check. Valid for sites off the grid's outer layer (their neighbours are grid sites).
    #[inline(always)]
    pub fn neighbor_deltas(&self, cell: usize) -> &[isize; 16] {
        &self.deltas[cell % TILE_SITES]
    }

    /// Calls `f(site, cell)` for every grid site, in cell order.
    pub fn for_each_site(&self, mut f: impl FnMut(usize, usize)) {
        let [nx, ny, nz] = self.dims;
        let mut cell = 0;
        for tw in 0..self.tiles[2] {
            for tv in 0..self.tiles[1] {
                for tu in 0..self.tiles[0] {
                    for l in 0..TILE_SITES {
                        let p = local_point(l);
                        let (u, v, w) = (tu * EDGE + p[0], tv * EDGE + p[1], tw * EDGE + p[2]);
                        if u < nx && v < ny && w < nz {
                            f((u + nx * (v + ny * w)) / 2, cell);
                        }
                        cell += 1;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmc::lattice::FccLattice;
    use crate::system::Vec3;
    use nalgebra::Matrix3;

    #[test]
    fn cells_are_a_bijection_and_deltas_reach_the_neighbours() {
        let lattice = FccLattice {
            a: 4.0,
            rotation: Matrix3::identity(),
            origin: Vec3::zeros(),
        };
        // Dimensions that are not multiples of the tile edge, odd corner coordinates.
        let grid = FccGrid::spanning(lattice, [-3, -6, -1], [7, 4, 9]).unwrap();
        let layout = TiledLayout::new(&grid);
        assert!(layout.len() >= grid.len());
        for l in 0..TILE_SITES {
            let p = local_point(l);
            assert_eq!(local_index(p[0], p[1], p[2]), l);
            assert_eq!((p[0] + p[1] + p[2]) % 2, 0);
        }
        let mut seen = vec![false; layout.len()];
        let mut count = 0;
        layout.for_each_site(|site, cell| {
            assert_eq!(layout.cell(site), cell);
            assert_eq!(layout.site(cell), Some(site));
            assert!(!seen[cell]);
            seen[cell] = true;
            count += 1;
        });
        assert_eq!(count, grid.len());
        for (cell, &s) in seen.iter().enumerate() {
            if !s {
                assert_eq!(layout.site(cell), None);
            }
        }
        for i in (0..grid.len()).filter(|&i| grid.is_interior(i)) {
            let cell = layout.cell(i);
            for (k, &d) in layout.neighbor_deltas(cell)[..12].iter().enumerate() {
                let j = (i as isize + grid.offsets[k]) as usize;
                assert_eq!(
                    (cell as isize + d) as usize,
                    layout.cell(j),
                    "site {i}, k {k}"
                );
            }
        }
    }
}
