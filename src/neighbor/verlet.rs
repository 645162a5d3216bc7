//! Verlet neighbour lists: for every atom, the atoms (and periodic images) within the list radius
//! `cutoff + skin`, kept until some atom has moved more than half the skin.

use rayon::prelude::*;

use super::cell::CellGrid;
use super::schedule::HalfListSchedule;
use crate::error::{Error, Result};
use crate::system::{SimBox, Vec3};

/// Atoms per parallel work unit when building lists. Fixed, so that the list (and everything
/// computed from it) does not depend on the number of threads.
const BUILD_CHUNK: usize = 256;

/// Candidates whose distances are computed together.
const RUN: usize = 128;

/// Whether some atom of `positions` is more than `distance` [A] from its place in `reference`
/// (or the two differ in length): the test for a list rebuild, with half the skin.
pub fn moved_beyond(reference: &[Vec3], positions: &[Vec3], distance: f64) -> bool {
    if reference.len() != positions.len() {
        return true;
    }
    let limit = distance * distance;
    positions
        .par_iter()
        .zip(reference.par_iter())
        .with_min_len(1024)
        .any(|(x, r)| (x - r).norm_squared() > limit)
}

/// Which entries a [`NeighborList`] holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListKind {
    /// Every pair twice, once in the row of each atom; rows sorted by `(j, image)`.
    #[default]
    Full,
    /// Every pair once, in the row of the atom that owns it ([`NeighborList::owns`]); rows in
    /// the (fixed) order the cell search finds them. For potentials that visit each pair once
    /// and write to both atoms: half the entries, built in about half the time.
    Half,
}

/// A neighbour list in compressed-row form, stored in blocks of [`BUILD_CHUNK`] consecutive atoms
/// (each block its own arrays, refilled in place at every build: a rebuild needs no second copy
/// of the list). Each entry is one `u32`: the neighbour's index shifted left by
/// [`Row::image_bits`] bits, its image code in the low bits (none without periodic axes), so
/// that an entry costs 4 bytes, as a LAMMPS list entry.
///
/// Row `i` holds the neighbours `j` of atom `i` within `cutoff + skin`, each with the periodic
/// image it is seen through: its separation is `positions[j] + shift(image) - positions[i]`. An
/// atom can appear several times in a row (several images, in boxes shorter than twice the list
/// radius) and even in its own row (its own images). The list is the same whatever the number
/// of threads that built it.
///
/// A full list ([`ListKind::Full`], the default) holds each pair twice, once from each side,
/// rows sorted by `(j, image)`; [`NeighborList::owns`] picks one of the two entries for
/// potentials that want each pair once, and the owned entries of a row are its tail
/// ([`NeighborList::owned_row`]). A half list ([`ListKind::Half`]) holds only the owned
/// entries. Either way [`NeighborList::schedule`] gives an order in which loops over owned
/// entries may write to both atoms in parallel, deterministically.
#[derive(Clone, Debug, Default)]
pub struct NeighborList {
    cutoff: f64,
    skin: f64,
    kind: ListKind,
    /// Rows of atoms `b * BUILD_CHUNK..`, block `b`.
    blocks: Vec<RowBlock>,
    /// Bits of an entry that hold the image code.
    image_bits: u32,
    /// Atoms and entries of the last build; whether there was one.
    atoms: usize,
    entries: usize,
    built: bool,
    shifts: Vec<Vec3>,
    zero_image: u16,
    reference: Vec<Vec3>,
    builds: u64,
    schedule: HalfListSchedule,
    /// Half lists: the cell of each atom at the build and the grid's cell counts (ownership is
    /// decided by cell offsets, see [`NeighborList::owns`]).
    build_cells: Vec<u32>,
    cell_counts: [usize; 3],
    shift_counts: [usize; 3],
}

/// One neighbour entry seen from atom `i`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    /// Index of the neighbour atom.
    pub j: usize,
    /// Periodic image code of this entry (see [`NeighborList::shift`]).
    pub image: u16,
    /// Separation `x_j (imaged) - x_i` [A].
    pub delta: Vec3,
    /// Squared distance [A^2].
    pub r2: f64,
}

impl NeighborList {
    /// An empty full list for an interaction `cutoff` [A] and a `skin` [A].
    pub fn new(cutoff: f64, skin: f64) -> Self {
        Self::with_kind(cutoff, skin, ListKind::Full)
    }

    /// An empty list of `kind` for an interaction `cutoff` [A] and a `skin` [A].
    pub fn with_kind(cutoff: f64, skin: f64, kind: ListKind) -> Self {
        NeighborList {
            cutoff,
            skin,
            kind,
            ..Default::default()
        }
    }

    /// Full or half list.
    pub fn kind(&self) -> ListKind {
        self.kind
    }

    /// Interaction cutoff [A].
    pub fn cutoff(&self) -> f64 {
        self.cutoff
    }

    /// Skin [A].
    pub fn skin(&self) -> f64 {
        self.skin
    }

    /// List radius `cutoff + skin` [A].
    pub fn radius(&self) -> f64 {
        self.cutoff + self.skin
    }

    /// Number of times the list has been built.
    pub fn builds(&self) -> u64 {
        self.builds
    }

    /// The positions of the last build [A] (empty before the first).
    pub fn reference(&self) -> &[Vec3] {
        &self.reference
    }

    /// Builds the list from `reference`, the positions of an earlier list's last build, and
    /// takes over that list's build count: the result is that list, entry for entry (a build
    /// depends on the box and the positions alone).
    pub fn rebuild_as(&mut self, simbox: &SimBox, reference: &[Vec3], builds: u64) -> Result<()> {
        self.build(simbox, reference)?;
        self.builds = builds;
        Ok(())
    }

    /// Number of atoms the list was built for.
    pub fn len(&self) -> usize {
        self.atoms
    }

    /// True before the first build.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total number of entries (twice the number of pairs in a full list, the number of pairs
    /// in a half list).
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Builds the list for `positions` [A], which must lie inside the box along periodic axes
    /// (call [`crate::system::System::wrap_positions`] first).
    pub fn build(&mut self, simbox: &SimBox, positions: &[Vec3]) -> Result<()> {
        let n = positions.len();
        if n >= u32::MAX as usize {
            return Err(Error::invalid("too many atoms for one neighbour list"));
        }
        let range = self.radius();
        if !(range > 0.0) {
            return Err(Error::invalid("neighbour list radius must be positive"));
        }
        // Cells half the list radius wide: the 5x5x5 stencil holds about 40 % fewer candidates
        // than 3x3x3 cells one radius wide.
        let grid = CellGrid::build(simbox, positions, range, 0.5 * range);
        let counts = grid.shift_counts();
        let total_shifts: usize = counts.iter().product();
        if total_shifts > u16::MAX as usize {
            return Err(Error::invalid(format!(
                "periodic box {:?} is too small for list radius {range} A",
                simbox.lengths().as_slice()
            )));
        }
        // Checked before the list changes: a refused build leaves the last one as it was.
        let image_bits = usize::BITS - (total_shifts - 1).leading_zeros();
        if n > 1 && ((n - 1) as u64) >> (32 - image_bits) != 0 {
            return Err(Error::invalid(format!(
                "too many atoms for one neighbour list: {n} atoms with {total_shifts} periodic \
                 images (at most {} atoms)",
                1u64 << (32 - image_bits)
            )));
        }
        let max_shift = grid.axes.map(|a| a.max_shift);
        self.shifts = (0..total_shifts)
            .map(|code| simbox.translation(decode(code, counts, max_shift)))
            .collect();
        self.zero_image = (total_shifts / 2) as u16;
        self.image_bits = image_bits;

        let half = self.kind == ListKind::Half;
        // The blocks of the last build are refilled (their arrays keep their capacity).
        self.blocks
            .resize_with(n.div_ceil(BUILD_CHUNK), RowBlock::default);
        // The half-list schedule (serial) is built while the other threads find rows.
        let blocks = &mut self.blocks;
        let shifts = &self.shifts;
        let ((), schedule) = rayon::join(
            || {
                find_rows(
                    &grid,
                    positions,
                    shifts,
                    range,
                    (counts, max_shift),
                    (half, image_bits),
                    blocks,
                )
            },
            || HalfListSchedule::build(simbox, positions, range),
        );
        self.atoms = n;
        self.entries = self.blocks.iter().map(|b| b.entries.len()).sum();
        self.built = true;
        if half {
            self.build_cells.clear();
            self.build_cells
                .extend((0..n).map(|i| grid.cell_of(i) as u32));
            self.cell_counts = grid.counts();
            self.shift_counts = counts;
        }
        self.schedule = schedule;
        self.reference.clear();
        self.reference.extend_from_slice(positions);
        self.builds += 1;
        Ok(())
    }

    /// True when the list must be rebuilt: never built, a different atom count, or some atom has
    /// moved more than half the skin since the last build.
    pub fn needs_rebuild(&self, positions: &[Vec3]) -> bool {
        !self.built || moved_beyond(&self.reference, positions, 0.5 * self.skin)
    }

    /// The first of atoms `0..atoms` (in index order) with a neighbour closer than
    /// [`super::OVERLAP_DISTANCE`] at `positions` [A]: the atom, the neighbour and their distance.
    pub fn first_overlap(&self, atoms: usize, positions: &[Vec3]) -> Option<(usize, usize, f64)> {
        let limit = super::OVERLAP_DISTANCE * super::OVERLAP_DISTANCE;
        // In parallel over atoms; the first atom in index order is reported.
        let i = (0..atoms)
            .into_par_iter()
            .with_min_len(1024)
            .find_first(|&i| self.iter_row(i, positions).any(|nb| nb.r2 < limit))?;
        self.iter_row(i, positions)
            .find(|nb| nb.r2 < limit)
            .map(|nb| (i, nb.j, nb.r2.sqrt()))
    }

    /// Row `i`: every entry.
    #[inline]
    pub fn row(&self, i: usize) -> Row<'_> {
        self.row_tail(i, false)
    }

    /// The entries of row `i` that `i` owns ([`NeighborList::owns`], the tail of the row; the
    /// whole row of a half list).
    #[inline]
    pub fn owned_row(&self, i: usize) -> Row<'_> {
        self.row_tail(i, true)
    }

    /// Row `i` from its first entry, or with `owned` from its first owned entry.
    #[inline]
    fn row_tail(&self, i: usize, owned: bool) -> Row<'_> {
        let block = &self.blocks[i / BUILD_CHUNK];
        let l = i % BUILD_CHUNK;
        let first = if owned {
            block.owned[l]
        } else {
            block.starts[l]
        };
        Row {
            entries: &block.entries[first as usize..block.starts[l + 1] as usize],
            image_bits: self.image_bits,
        }
    }

    /// Translations [A] of all image codes, indexed by code.
    pub fn shifts(&self) -> &[Vec3] {
        &self.shifts
    }

    /// The parallel schedule for loops over owned entries that write to both atoms.
    pub fn schedule(&self) -> &HalfListSchedule {
        &self.schedule
    }

    /// The neighbours of atom `i` with their separations, computed from `positions` [A].
    pub fn iter_row<'a>(
        &'a self,
        i: usize,
        positions: &'a [Vec3],
    ) -> impl Iterator<Item = Neighbor> + 'a {
        let xi = positions[i];
        self.row(i).iter().map(move |(j, image)| {
            let delta = positions[j as usize] + self.shifts[image as usize] - xi;
            Neighbor {
                j: j as usize,
                image,
                delta,
                r2: delta.norm_squared(),
            }
        })
    }

    /// Translation [A] of periodic image `image`.
    #[inline]
    pub fn shift(&self, image: u16) -> Vec3 {
        self.shifts[image as usize]
    }

    /// Translation in whole box lengths of periodic image `image` (for tests and diagnostics).
    pub fn shift_cells(&self, image: u16, simbox: &SimBox) -> [i64; 3] {
        let s = self.shifts[image as usize];
        let l = simbox.lengths();
        [0, 1, 2].map(|k| {
            if simbox.periodic[k] {
                (s[k] / l[k]).round() as i64
            } else {
                0
            }
        })
    }

    /// The image code of the reverse entry: atom `j` sees atom `i` through `mirror_image(image)`.
    #[inline]
    pub fn mirror_image(&self, image: u16) -> u16 {
        2 * self.zero_image - image
    }

    /// True for exactly one of the two entries of each pair. Full list: `(i, j, image)` with
    /// `j > i`, or `j == i` and a lexicographically positive image shift. Half list: the entry
    /// whose cell offset `cell(j) + shift - cell(i)` (in cells, cells as at the last build) is
    /// lexicographically positive, or zero with `j > i`; these are the entries the list holds.
    #[inline]
    pub fn owns(&self, i: usize, j: usize, image: u16) -> bool {
        match self.kind {
            ListKind::Full => j > i || (j == i && image > self.zero_image),
            ListKind::Half => {
                let cell = |a: usize| {
                    let c = self.build_cells[a] as usize;
                    let [_, ny, nz] = self.cell_counts;
                    [c / (ny * nz), (c / nz) % ny, c % nz].map(|x| x as i64)
                };
                let max_shift = self.shift_counts.map(|c| (c as i64 - 1) / 2);
                let s = decode(image as usize, self.shift_counts, max_shift);
                let (ci, cj) = (cell(i), cell(j));
                let offset = [0, 1, 2].map(|k| cj[k] + s[k] * self.cell_counts[k] as i64 - ci[k]);
                offset > [0; 3] || (offset == [0; 3] && j > i)
            }
        }
    }
}

/// Entries of one row of a [`NeighborList`]: neighbour index and image code packed in a `u32`.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    entries: &'a [u32],
    image_bits: u32,
}

impl<'a> Row<'a> {
    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True for a row without entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries as stored: `j << image_bits | image`.
    #[inline]
    pub fn packed(&self) -> &'a [u32] {
        self.entries
    }

    /// Bits of an entry that hold the image code (0 without periodic axes).
    #[inline]
    pub fn image_bits(&self) -> u32 {
        self.image_bits
    }

    /// The entries as (neighbour index, image code).
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (u32, u16)> + use<'a> {
        let (bits, mask) = (self.image_bits, (1u32 << self.image_bits) - 1);
        self.entries
            .iter()
            .map(move |&e| (e >> bits, (e & mask) as u16))
    }

    /// The neighbour indices.
    #[inline]
    pub fn neighbors(&self) -> impl Iterator<Item = u32> + use<'a> {
        let bits = self.image_bits;
        self.entries.iter().map(move |&e| e >> bits)
    }
}

/// The rows of [`BUILD_CHUNK`] consecutive atoms (fewer in the last block).
#[derive(Clone, Debug, Default)]
struct RowBlock {
    /// Row `l` (atom `first + l`) is `starts[l]..starts[l + 1]` of `entries`.
    starts: Vec<u32>,
    /// First owned entry of each row.
    owned: Vec<u32>,
    /// Packed entries (see [`Row`]).
    entries: Vec<u32>,
}

/// Fills `blocks` (one per [`BUILD_CHUNK`] atoms, built in parallel) with the rows of every
/// atom: the atoms within `range` [A] found through the full stencil of `grid` (rows then sorted
/// by `(j, image)`, owned entries the tail), or with `half` through the half stencil (each pair
/// once, in the order found, all owned). `shape` is the image-shift counts and maximum shifts.
///
/// The search over one block stays one closure on purpose: it is the hot kernel of the list
/// build (a vectorised distance pass, then a branch-free compaction into a reused row buffer),
/// and splitting it into functions would put its buffers and loop bounds behind calls the
/// compiler need not inline. Only the setup (cell order) is factored out; each atom's stencil
/// runs come from [`CellGrid::for_each_stencil_run`] (once per cell change, not stored for all
/// cells: on a sparse grid that table outgrew the list).
fn find_rows(
    grid: &CellGrid,
    positions: &[Vec3],
    shifts: &[Vec3],
    range: f64,
    (counts, max_shift): ([usize; 3], [i64; 3]),
    (half, image_bits): (bool, u32),
    blocks: &mut [RowBlock],
) {
    let n = positions.len();
    let range2 = range * range;
    let zero_code = shifts.len() / 2;
    let CellOrder {
        order,
        slot_of,
        xs,
        ys,
        zs,
    } = CellOrder::new(grid, positions);
    blocks.par_iter_mut().enumerate().for_each(|(b, block)| {
        let RowBlock {
            starts,
            owned,
            entries,
        } = block;
        starts.clear();
        starts.push(0);
        owned.clear();
        entries.clear();
        let mut row: Vec<u64> = Vec::new();
        // The block's entries as (j << 16 | image), copied into the block's arrays at the
        // end: their capacity then grows to the block's size at once, without the slack of
        // growing row by row.
        let mut keys: Vec<u64> = Vec::new();
        let mut r2 = [0.0f64; RUN];
        // The stencil runs of the last atom's cell (recomputed when the cell changes).
        let mut runs: Vec<StencilRun> = Vec::new();
        let mut runs_cell = usize::MAX;
        for i in b * BUILD_CHUNK..((b + 1) * BUILD_CHUNK).min(n) {
            let xi = positions[i];
            let cell = grid.cell_of(i);
            if cell != runs_cell {
                runs.clear();
                grid.for_each_stencil_run(cell, half, |r, s, home| {
                    let code = encode(s, counts, max_shift) as u16;
                    runs.push((r.start as u32, r.end as u32, code, home));
                });
                runs_cell = cell;
            }
            let candidates: usize = runs.iter().map(|&(a, b, _, _)| (b - a) as usize).sum();
            // Every slot up to `len` is written before it is read: grow, never clear.
            if row.len() < candidates {
                row.resize(candidates, 0);
            }
            let mut len = 0;
            for &(first, end, code, home) in &runs {
                let shift = shifts[code as usize];
                let (cx, cy, cz) = (xi.x - shift.x, xi.y - shift.y, xi.z - shift.z);
                // A half list takes from the home cell only the atoms after this one; a full
                // list skips the atom's own slot in its own cell, unshifted.
                let first = if home {
                    slot_of[i] as usize + 1
                } else {
                    first as usize
                };
                let own = if !half && code as usize == zero_code {
                    slot_of[i] as usize
                } else {
                    usize::MAX
                };
                let tag = u64::from(code);
                let mut start = first;
                while start < end as usize {
                    let stop = (start + RUN).min(end as usize);
                    // Distances first (a loop the compiler vectorises), then the close
                    // candidates compacted without branches.
                    for ((d, x), (y, z)) in r2
                        .iter_mut()
                        .zip(&xs[start..stop])
                        .zip(ys[start..stop].iter().zip(&zs[start..stop]))
                    {
                        let (dx, dy, dz) = (x - cx, y - cy, z - cz);
                        *d = dx * dx + dy * dy + dz * dz;
                    }
                    for k in start..stop {
                        row[len] = (u64::from(order[k]) << 16) | tag;
                        len += usize::from(r2[k - start] < range2 && k != own);
                    }
                    start = stop;
                }
            }
            let found = &mut row[..len];
            // Entries owned by i: all of a half row; the tail of a sorted full row, from
            // the first entry with j > i, or j == i and an image above the zero image.
            let first_owned = if half {
                0
            } else {
                found.sort_unstable();
                let own_key = ((i as u64) << 16) | zero_code as u64;
                found.partition_point(|&k| k <= own_key)
            };
            owned.push((keys.len() + first_owned) as u32);
            keys.extend_from_slice(found);
            starts.push(keys.len() as u32);
        }
        entries.reserve_exact(keys.len());
        entries.extend(
            keys.iter()
                .map(|&k| (((k >> 16) as u32) << image_bits) | (k & 0xffff) as u32),
        );
    });
}

/// The atoms in cell order, so that each stencil cell is a contiguous run: the order, each
/// atom's slot in it, and the coordinates [A] in that order.
struct CellOrder<'a> {
    order: &'a [u32],
    slot_of: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    zs: Vec<f64>,
}

impl<'a> CellOrder<'a> {
    /// The cell order of `grid` over `positions`.
    fn new(grid: &'a CellGrid, positions: &[Vec3]) -> Self {
        let order = grid.atoms_in_cell_order();
        let mut slot_of = vec![0u32; positions.len()];
        for (k, &a) in order.iter().enumerate() {
            slot_of[a as usize] = k as u32;
        }
        let xs: Vec<f64> = order.iter().map(|&a| positions[a as usize].x).collect();
        let ys: Vec<f64> = order.iter().map(|&a| positions[a as usize].y).collect();
        let zs: Vec<f64> = order.iter().map(|&a| positions[a as usize].z).collect();
        CellOrder {
            order,
            slot_of,
            xs,
            ys,
            zs,
        }
    }
}

/// A run of a cell's stencil: first and end slot in cell order, image code, and whether the run
/// starts at the home cell.
type StencilRun = (u32, u32, u16, bool);

fn encode(s: [i64; 3], counts: [usize; 3], max_shift: [i64; 3]) -> usize {
    let c = [0, 1, 2].map(|k| (s[k] + max_shift[k]) as usize);
    (c[0] * counts[1] + c[1]) * counts[2] + c[2]
}

fn decode(code: usize, counts: [usize; 3], max_shift: [i64; 3]) -> [i64; 3] {
    let cz = code % counts[2];
    let cy = (code / counts[2]) % counts[1];
    let cx = code / (counts[1] * counts[2]);
    [
        cx as i64 - max_shift[0],
        cy as i64 - max_shift[1],
        cz as i64 - max_shift[2],
    ]
}
