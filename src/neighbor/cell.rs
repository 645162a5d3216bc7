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
        let inside =
            |a: &AxisGrid, h: usize| h as i64 >= a.reach && h as i64 + a.reach < a.cells as i64;
        if inside(&ax, home[0]) && inside(&ay, home[1]) && inside(&az, home[2]) {
            // Every stencil cell lies inside the grid without an image shift: each column
            // (ox, oy) is one run, found by two lookups (the same runs, in the same order, as
            // the general walk below).
            let [hx, hy, hz] = home.map(|h| h as i64);
            for ox in (if half { 0 } else { -ax.reach })..=ax.reach {
                for oy in -ay.reach..=ay.reach {
                    if half && ox == 0 && oy < 0 {
                        continue;
                    }
                    let home_column = half && ox == 0 && oy == 0;
                    let column = (((hx + ox) * ny as i64 + hy + oy) * nz as i64) as usize;
                    let first = if home_column { hz } else { hz - az.reach } as usize;
                    let last = (hz + az.reach) as usize;
                    let r = self.start[column + first]..self.start[column + last + 1];
                    if !r.is_empty() {
                        visit(r, [0; 3], home_column);
                    }
                }
            }
            return;
        }
        self.walk_stencil(home, half, visit);
    }

    /// The general stencil walk of [`CellGrid::for_each_stencil_run`] from the cell with grid
    /// coordinates `home`: steps along each axis with wrap-around and image shifts on periodic
    /// axes, merging runs along z.
    fn walk_stencil(
        &self,
        home: [usize; 3],
        half: bool,
        mut visit: impl FnMut(std::ops::Range<usize>, [i64; 3], bool),
    ) {
        let [ax, ay, az] = self.axes;
        let (ny, nz) = (ay.cells, az.cells);
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
        let (lo, hi) = crate::system::span_along(positions, k);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One stencil run: range in cell order, image shift, starts at the home cell.
    type Run = (std::ops::Range<usize>, [i64; 3], bool);

    /// Runs of a cell by the public entry and by the general walk.
    fn both(grid: &CellGrid, c: usize, half: bool) -> [Vec<Run>; 2] {
        let mut fast = Vec::new();
        grid.for_each_stencil_run(c, half, |r, s, h| fast.push((r, s, h)));
        let [_, ny, nz] = grid.counts();
        let home = [c / (ny * nz), (c / nz) % ny, c % nz];
        let mut general = Vec::new();
        grid.walk_stencil(home, half, |r, s, h| general.push((r, s, h)));
        [fast, general]
    }

    #[test]
    fn interior_cells_give_the_runs_of_the_general_walk() {
        // A jittered lattice filling the box, so that most runs are non-empty and interior
        // cells exist along every axis.
        let mut positions = Vec::new();
        for a in 0..14 {
            for b in 0..12 {
                for c in 0..10 {
                    let j = ((a * 7 + b * 3 + c * 5) % 11) as f64 * 0.07;
                    positions.push(Vec3::new(
                        1.5 * a as f64 + j,
                        1.5 * b as f64 + 0.5 * j,
                        1.5 * c as f64 + 0.3 * j,
                    ));
                }
            }
        }
        let mut interior = 0;
        for periodic in [[true; 3], [false; 3], [true, false, true]] {
            let simbox = SimBox::new([0.0; 3], [21.0, 18.0, 15.0], periodic).unwrap();
            for (range, cell_size) in [(3.0, 3.0), (3.0, 1.5), (4.5, 2.25)] {
                let grid = CellGrid::build(&simbox, &positions, range, cell_size);
                let [nx, ny, nz] = grid.counts();
                for c in 0..nx * ny * nz {
                    for half in [false, true] {
                        let [fast, general] = both(&grid, c, half);
                        assert_eq!(
                            fast, general,
                            "cell {c}, half {half}, periodic {periodic:?}"
                        );
                    }
                    let [hx, hy, hz] = [c / (ny * nz), (c / nz) % ny, c % nz];
                    let inside = |a: &AxisGrid, h: usize| {
                        h as i64 >= a.reach && h as i64 + a.reach < a.cells as i64
                    };
                    let [ax, ay, az] = grid.axes;
                    interior += usize::from(inside(&ax, hx) && inside(&ay, hy) && inside(&az, hz));
                }
            }
        }
        assert!(
            interior > 100,
            "only {interior} interior cells were compared"
        );
    }
}
