//! Cell (bin) lists: atoms sorted into a grid of cells at least one list cutoff wide, built in
//! O(N) by counting sort.
//!
//! Along a periodic axis the grid divides the box exactly; a stencil offset that leaves the grid
//! re-enters on the other side with a periodic image shift, so that every (cell, image) pair is
//! visited once even with fewer than three cells per side, and boxes shorter than the cutoff are
//! handled by a wider stencil. Along a free axis the grid spans the atoms' extent, wherever they are.

use crate::system::{SimBox, Vec3};

/// Geometry of a cell grid along one axis.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AxisGrid {
    /// Coordinate of the lower edge of cell 0 [A].
    pub origin: f64,
    /// Cell edge [A].
    pub width: f64,
    /// Number of cells.
    pub cells: usize,
    /// Stencil half-width in cells.
    pub reach: i64,
    /// Periodic axis: offsets wrap around with an image shift.
    pub periodic: bool,
    /// Box length [A] (periodic axes).
    pub length: f64,
    /// Largest image shift a stencil offset can produce (0 for free axes).
    pub max_shift: i64,
}

impl AxisGrid {
    fn cell_of(&self, x: f64) -> usize {
        let c = ((x - self.origin) / self.width).floor();
        if c < 0.0 {
            0
        } else {
            (c as usize).min(self.cells - 1)
        }
    }

    /// The cell and image shift reached from cell `c` by `offset`, or None past a free edge.
    fn step(&self, c: usize, offset: i64) -> Option<(usize, i64)> {
        let t = c as i64 + offset;
        let n = self.cells as i64;
        if self.periodic {
            Some((t.rem_euclid(n) as usize, t.div_euclid(n)))
        } else if (0..n).contains(&t) {
            Some((t as usize, 0))
        } else {
            None
        }
    }
}

/// Atoms binned into a 3-d grid of cells, in compressed (CSR) form.
#[derive(Clone, Debug)]
pub(crate) struct CellGrid {
    pub axes: [AxisGrid; 3],
    /// `start[c]..start[c + 1]` indexes `atoms` for cell `c`.
    start: Vec<usize>,
    /// Atom indices sorted by cell, ascending within a cell.
    atoms: Vec<u32>,
    /// Cell of each atom.
    cell_of_atom: Vec<usize>,
}

impl CellGrid {
    /// Bins `positions` (already wrapped along periodic axes) into cells at least `cell_size`
    /// [A] wide, with stencils reaching `range` [A] (`cell_size <= range`).
    pub fn build(simbox: &SimBox, positions: &[Vec3], range: f64, cell_size: f64) -> Self {
        let n = positions.len();
        let mut axes = [0, 1, 2].map(|k| axis_grid(simbox, positions, range, cell_size, k));
        limit_cell_count(&mut axes, n, range);
        let ncells: usize = axes.iter().map(|a| a.cells).product();
        let cell_of_atom: Vec<usize> = positions
            .iter()
            .map(|x| {
                let c = [0, 1, 2].map(|k| axes[k].cell_of(x[k]));
                (c[0] * axes[1].cells + c[1]) * axes[2].cells + c[2]
            })
            .collect();
        let mut start = vec![0usize; ncells + 1];
        for &c in &cell_of_atom {
            start[c + 1] += 1;
        }
        for c in 0..ncells {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut atoms = vec![0u32; n];
        for (i, &c) in cell_of_atom.iter().enumerate() {
            atoms[fill[c]] = i as u32;
            fill[c] += 1;
        }
        CellGrid {
            axes,
            start,
            atoms,
            cell_of_atom,
        }
    }

    /// Number of image shifts per axis (`2 * max_shift + 1`).
    pub fn shift_counts(&self) -> [usize; 3] {
        self.axes.map(|a| (2 * a.max_shift + 1) as usize)
    }

    /// Atom indices sorted by cell (ascending within a cell).
    pub fn atoms_in_cell_order(&self) -> &[u32] {
        &self.atoms
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.start.len() - 1
    }

    /// Cell of atom `i`.
    pub fn cell_of(&self, i: usize) -> usize {
        self.cell_of_atom[i]
    }

    /// Calls `visit(range, shift, home)` for the stencil of cell `c` as contiguous runs: stencil
    /// cells consecutive along z with the same image shift are merged into one index range of
    /// [`CellGrid::atoms_in_cell_order`]. Every (cell, image shift) pair of the stencil is
    /// covered once.
    ///
    /// With `half`, only the offsets `(ox, oy, oz)` that are lexicographically non-negative are
    /// visited: of an offset and its opposite, exactly one is, so each pair of atoms in different
    /// cells (or images) is found once. The zero offset (the home cell itself, unshifted) is the
    /// start of the run with `home == true`; a caller takes from it only the atoms after the
    /// centre atom. Without `half`, `home` is always false.
    pub fn for_each_stencil_run(
        &self,
        c: usize,
        half: bool,
        mut visit: impl FnMut(std::ops::Range<usize>, [i64; 3], bool),
    ) {
        let nz = self.axes[2].cells;
        let ny = self.axes[1].cells;
        let home = [c / (ny * nz), (c / nz) % ny, c % nz];
        let [ax, ay, az] = self.axes;
        for ox in -ax.reach..=ax.reach {
            if half && ox < 0 {
                continue;
            }
            let Some((cx, sx)) = ax.step(home[0], ox) else {
                continue;
            };
            for oy in -ay.reach..=ay.reach {
                if half && ox == 0 && oy < 0 {
                    continue;
                }
                let Some((cy, sy)) = ay.step(home[1], oy) else {
                    continue;
                };
                let home_column = half && ox == 0 && oy == 0;
                let first_oz = if home_column { 0 } else { -az.reach };
                let column = (cx * ny + cy) * nz;
                // (first cell, last cell, shift, starts at the home cell)
                let mut run: Option<(usize, usize, i64, bool)> = None;
                for oz in first_oz..=az.reach {
                    let Some((cz, sz)) = az.step(home[2], oz) else {
                        continue;
                    };
                    let at_home = home_column && oz == 0;
                    run = match run {
                        Some((first, last, s, h)) if s == sz && cz == last + 1 => {
                            Some((first, cz, s, h))
                        }
                        Some((first, last, s, h)) => {
                            let r = self.start[column + first]..self.start[column + last + 1];
                            if !r.is_empty() {
                                visit(r, [sx, sy, s], h);
                            }
                            Some((cz, cz, sz, at_home))
                        }
                        None => Some((cz, cz, sz, at_home)),
                    };
                }
                if let Some((first, last, s, h)) = run {
                    let r = self.start[column + first]..self.start[column + last + 1];
                    if !r.is_empty() {
                        visit(r, [sx, sy, s], h);
                    }
                }
            }
        }
    }

    /// Number of cells along each axis.
    pub fn counts(&self) -> [usize; 3] {
        self.axes.map(|a| a.cells)
    }
}

fn axis_grid(
    simbox: &SimBox,
    positions: &[Vec3],
    range: f64,
    cell_size: f64,
    k: usize,
) -> AxisGrid {
    if simbox.periodic[k] {
        let length = simbox.hi[k] - simbox.lo[k];
        let cells = ((length / cell_size).floor() as usize).max(1);
        let width = length / cells as f64;
        let reach = (range / width).ceil().max(1.0) as i64;
        let max_shift = (reach + cells as i64 - 1) / cells as i64;
        AxisGrid {
            origin: simbox.lo[k],
            width,
            cells,
            reach,
            periodic: true,
            length,
            max_shift,
        }
    } else {
        let (lo, hi) = positions
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x[k]), hi.max(x[k]))
            });
        let (lo, extent) = if lo.is_finite() {
            (lo, hi - lo)
        } else {
            (0.0, 0.0)
        };
        let cells = ((extent / cell_size).floor() as usize).max(1);
        let width = (extent / cells as f64).max(cell_size);
        AxisGrid {
            origin: lo,
            width,
            cells,
            reach: (range / width).ceil().max(1.0) as i64,
            periodic: false,
            length: 0.0,
            max_shift: 0,
        }
    }
}

/// Coarsens the grid so that a few far-flung atoms along free axes cannot create millions of
/// empty cells: at most about 8 cells per atom (cells only grow, so they stay wider than `range`).
fn limit_cell_count(axes: &mut [AxisGrid; 3], natoms: usize, range: f64) {
    let limit = (8 * natoms).max(4096);
    while axes.iter().map(|a| a.cells).product::<usize>() > limit {
        // Three axes: never empty.
        let k = (0..3).max_by_key(|&k| axes[k].cells).unwrap();
        let a = &mut axes[k];
        let cells = (a.cells / 2).max(1);
        if a.periodic {
            a.width = a.length / cells as f64;
            a.reach = (range / a.width).ceil().max(1.0) as i64;
            a.max_shift = (a.reach + cells as i64 - 1) / cells as i64;
        } else {
            a.width *= a.cells as f64 / cells as f64;
            a.reach = (range / a.width).ceil().max(1.0) as i64;
        }
        a.cells = cells;
    }
}
