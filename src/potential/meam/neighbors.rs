//! The close-neighbour list MEAM works on, rebuilt at every evaluation from the Verlet list.
//!
//! Row i keeps the neighbours (with their periodic images) within the screening radius, in the
//! Verlet list's (j, image) order, with separations computed once and exactly antisymmetric:
//! the entry that owns the pair (`NeighborList::owns`) computes x_j + shift - x_i and its mirror
//! takes the negative. Every interacting pair (r < rc) gets one index, in the order of the
//! owners' rows, which [`PairLinks`] records on both of its entries, so per-pair results
//! computed once by the owner are read from either side.
//!
//! Atoms are processed in fixed blocks of [`BLOCK`] atoms. The rows of a block are stored
//! together (entry indices are local to the block of the row, `i / BLOCK`); the pairs of a block
//! are contiguous, so that blocks can write their own pairs in parallel.

use rayon::prelude::*;

use crate::neighbor::NeighborList;
use crate::system::Vec3;

/// Atoms per parallel work unit.
pub const BLOCK: usize = crate::potential::pair::ATOM_CHUNK;

/// Pair index of an entry that does not interact (rc <= r < screening radius).
pub const NO_PAIR: u32 = u32::MAX;

/// Slots the separation arrays of a block hold past its last entry, so that a load of four
/// lanes starting at any entry of any row stays inside them (the lanes past the row are
/// ignored).
pub const ROW_PADDING: usize = 3;

/// One close neighbour of an atom (its separation is stored by component in [`BlockRows`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CloseEntry {
    /// Neighbour atom index.
    pub j: u32,
    /// For an owned interacting entry, the pair's index among the pairs of its block (the
    /// global index is in [`PairLinks`]); else [`NO_PAIR`].
    pub pair: u32,
    /// Element of the neighbour.
    pub element: u16,
    /// Periodic image code of the entry in the Verlet list.
    pub image: u16,
    /// True for the one entry of the pair that computes the pair's shared quantities.
    pub owned: bool,
    /// True when the pair interacts (r < rc); otherwise the neighbour can only screen.
    pub interacting: bool,
}

/// The rows of one block of atoms.
#[derive(Clone, Debug, Default)]
pub struct BlockRows {
    /// Entries of the block's rows, one row after the other (the first [`BlockRows::len`]
    /// slots; the arrays are longer, by at least [`ROW_PADDING`]; the slots past `len` are
    /// scratch).
    pub entries: Vec<CloseEntry>,
    /// x components of the entries' separations x_j - x_i [A] (component arrays, so that the
    /// screening search can sweep them).
    pub x: Vec<f64>,
    /// y components of the separations [A].
    pub y: Vec<f64>,
    /// z components of the separations [A].
    pub z: Vec<f64>,
    /// Squared distances [A^2].
    pub r2: Vec<f64>,
    /// Row k of the block is `entries[offsets[k]..offsets[k + 1]]`.
    offsets: Vec<usize>,
    /// Entries in use (the arrays may be longer: slots past `len` are scratch).
    len: usize,
    pairs: usize,
}

impl BlockRows {
    /// Number of entries of the block's rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the block has no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes the entry and separation arrays at least `slots` long, growing them by half at
    /// least (their contents are overwritten by the rebuild).
    fn reserve_slots(&mut self, slots: usize) {
        if self.entries.len() < slots {
            let slots = slots.max(self.entries.len() * 3 / 2);
            self.entries.resize(slots, CloseEntry::default());
            self.x.resize(slots, 0.0);
            self.y.resize(slots, 0.0);
            self.z.resize(slots, 0.0);
            self.r2.resize(slots, 0.0);
        }
    }

    /// Separation x_j - x_i [A] of entry `e` of the block.
    #[inline]
    pub fn delta(&self, e: usize) -> Vec3 {
        Vec3::new(self.x[e], self.y[e], self.z[e])
    }

    /// Fills the rows of `atoms` from the Verlet `list`: the neighbours closer than
    /// sqrt(`keep2`) [A], interacting below sqrt(`cut2`) [A], owned interacting entries numbered
    /// within the block. Every Verlet entry is written at the cursor, which only advances for
    /// the kept ones (no unpredictable branch on the distance). The arrays grow with what is
    /// kept, not with the Verlet list (whose radius adds the skin: about 40 % of its entries
    /// are kept), with room for one more row and [`ROW_PADDING`].
    #[inline(never)]
    fn fill(
        &mut self,
        positions: &[Vec3],
        element_of: &[Option<u16>],
        list: &NeighborList,
        atoms: std::ops::Range<usize>,
        keep2: f64,
        cut2: f64,
    ) {
        let shifts = list.shifts();
        self.offsets.clear();
        self.offsets.push(0);
        let mut len = 0;
        let mut pairs = 0u32;
        for i in atoms {
            if element_of[i].is_some() {
                let xi = positions[i];
                let row = list.row(i);
                let end = len + row.len();
                self.reserve_slots(end + ROW_PADDING);
                let entries = &mut self.entries[len..end];
                let (xs, ys, zs) = (
                    &mut self.x[len..end],
                    &mut self.y[len..end],
                    &mut self.z[len..end],
                );
                let r2s = &mut self.r2[len..end];
                let mut k = 0;
                for (j, image) in row.iter() {
                    let Some(element) = element_of[j as usize] else {
                        continue;
                    };
                    let owned = list.owns(i, j as usize, image);
                    let delta = if owned {
                        positions[j as usize] + shifts[image as usize] - xi
                    } else {
                        -(xi + shifts[list.mirror_image(image) as usize] - positions[j as usize])
                    };
                    let r2 = delta.norm_squared();
                    let interacting = r2 < cut2;
                    let counted = interacting & owned;
                    entries[k] = CloseEntry {
                        j,
                        pair: if counted { pairs } else { NO_PAIR },
                        element,
                        image,
                        owned,
                        interacting,
                    };
                    xs[k] = delta.x;
                    ys[k] = delta.y;
                    zs[k] = delta.z;
                    r2s[k] = r2;
                    // cut2 < keep2: a counted pair is kept.
                    pairs += u32::from(counted);
                    k += usize::from(r2 < keep2);
                }
                len += k;
            }
            self.offsets.push(len);
        }
        // The padding past the last row (an empty block's arrays included).
        self.reserve_slots(len + ROW_PADDING);
        self.len = len;
        self.pairs = pairs as usize;
    }

    /// Range of the block's k-th row.
    #[inline]
    pub fn local_row(&self, k: usize) -> std::ops::Range<usize> {
        self.offsets[k]..self.offsets[k + 1]
    }
}

/// Close-neighbour rows of all atoms, stored by block.
#[derive(Clone, Debug, Default)]
pub struct CloseList {
    /// Rows by block of [`BLOCK`] atoms.
    pub blocks: Vec<BlockRows>,
    /// Element of each atom (`u16::MAX` for atoms the potential ignores; their rows are empty).
    pub atom_element: Vec<u16>,
    /// Pairs of block b are `block_pairs[b]..block_pairs[b + 1]`.
    pub block_pairs: Vec<usize>,
}

impl CloseList {
    /// Rebuilds the rows for `positions` [A] from the Verlet `list`. `element_of[i]` is the MEAM
    /// element of atom i (None for atoms the potential ignores); neighbours closer than
    /// `screening_radius` [A] are kept, and those closer than `cutoff` [A] interact. Owned
    /// interacting entries are numbered within their block ([`PairLinks`] links both sides).
    pub fn rebuild(
        &mut self,
        positions: &[Vec3],
        element_of: &[Option<u16>],
        list: &NeighborList,
        screening_radius: f64,
        cutoff: f64,
    ) {
        let n = positions.len();
        let keep2 = screening_radius * screening_radius;
        let cut2 = cutoff * cutoff;
        self.atom_element.clear();
        self.atom_element
            .extend(element_of.iter().map(|e| e.unwrap_or(u16::MAX)));

        // Rows, block by block in parallel; owned interacting entries are numbered within the
        // block for now.
        let nblocks = n.div_ceil(BLOCK);
        self.blocks.resize_with(nblocks, Default::default);
        self.blocks.truncate(nblocks);
        self.blocks
            .par_iter_mut()
            .with_max_len(1)
            .enumerate()
            .for_each(|(b, rows)| {
                let atoms = b * BLOCK..((b + 1) * BLOCK).min(n);
                rows.fill(positions, element_of, list, atoms, keep2, cut2);
            });
        self.block_pairs.clear();
        self.block_pairs.push(0);
        // Invariant: `block_pairs` holds the 0 pushed just above.
        for rows in &self.blocks {
            self.block_pairs
                .push(self.block_pairs.last().unwrap() + rows.pairs);
        }
    }

    /// Number of atoms.
    pub fn len(&self) -> usize {
        self.atom_element.len()
    }

    /// True before the first build.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of interacting pairs.
    pub fn pairs(&self) -> usize {
        self.block_pairs.last().copied().unwrap_or(0)
    }

    /// The rows of the block of atom i.
    #[inline]
    pub fn block_of(&self, i: usize) -> &BlockRows {
        &self.blocks[i / BLOCK]
    }

    /// Range of row i in the entries of its block (`i / BLOCK`).
    #[inline]
    pub fn local_row(&self, i: usize) -> std::ops::Range<usize> {
        let rows = &self.blocks[i / BLOCK];
        rows.offsets[i % BLOCK]..rows.offsets[i % BLOCK + 1]
    }

    /// The rows of the block of atom i, and the range of row i in them.
    #[inline]
    pub fn row(&self, i: usize) -> (&BlockRows, std::ops::Range<usize>) {
        (&self.blocks[i / BLOCK], self.local_row(i))
    }

    /// Atom range of block b.
    #[inline]
    pub fn block_atoms(&self, b: usize) -> std::ops::Range<usize> {
        b * BLOCK..((b + 1) * BLOCK).min(self.len())
    }
}

/// The global index of the pair of every interacting entry, on both of the pair's entries.
#[derive(Clone, Debug, Default)]
pub struct PairLinks {
    /// Per block, per entry: the global pair index ([`NO_PAIR`] for a non-interacting entry).
    per_block: Vec<Vec<u32>>,
    cursor: Vec<usize>,
}

impl PairLinks {
    /// Global index of the pair of entry `e` of block `b` ([`NO_PAIR`] if it does not interact).
    #[inline]
    pub fn pair(&self, b: usize, e: usize) -> u32 {
        self.per_block[b][e]
    }

    /// Links the two entries of every interacting pair of `close`, in one sequential sweep.
    /// Row j lists its neighbours i < j first, in increasing i: exactly the mirrors of the
    /// entries (i -> j) of the rows i < j, met in that order when the rows are swept in order.
    /// Several images of one pair appear in opposite orders on the two sides (the mirror image
    /// code reverses the order); an atom's own images are found by search in its row. It only
    /// reads `close`, so it can run beside the screening pass.
    pub fn link(&mut self, close: &CloseList, list: &NeighborList) {
        let n = close.len();
        self.per_block.resize_with(close.blocks.len(), Vec::new);
        self.per_block.truncate(close.blocks.len());
        for (links, rows) in self.per_block.iter_mut().zip(&close.blocks) {
            links.clear();
            links.resize(rows.len(), NO_PAIR);
        }
        self.cursor.clear();
        self.cursor
            .extend((0..n).map(|i| close.blocks[i / BLOCK].offsets[i % BLOCK]));
        for i in 0..n {
            let bi = i / BLOCK;
            let rows = &close.blocks[bi];
            let first_pair = close.block_pairs[bi] as u32;
            let row = close.local_row(i);
            let mut e = row.start;
            while e < row.end {
                let entry = &rows.entries[e];
                let j = entry.j as usize;
                if j > i {
                    let mut end = e + 1;
                    while end < row.end && rows.entries[end].j as usize == j {
                        end += 1;
                    }
                    let count = end - e;
                    let bj = j / BLOCK;
                    let first = self.cursor[j];
                    for t in 0..count {
                        let owner = &rows.entries[e + t];
                        if owner.interacting {
                            let pair = first_pair + owner.pair;
                            let m = first + count - 1 - t;
                            debug_assert_eq!(close.blocks[bj].entries[m].j as usize, i);
                            self.per_block[bi][e + t] = pair;
                            self.per_block[bj][m] = pair;
                        }
                    }
                    self.cursor[j] += count;
                    e = end;
                } else {
                    if j == i && entry.owned && entry.interacting {
                        let key = (i as u32, list.mirror_image(entry.image));
                        let m = row
                            .clone()
                            .find(|&m| (rows.entries[m].j, rows.entries[m].image) == key)
                            // Invariant: the close list is symmetric (j in i's rows at image
                            // n, i in j's at -n), built from one pair search.
                            .expect("close list: an image of an atom has no mirror");
                        let pair = first_pair + entry.pair;
                        self.per_block[bi][e] = pair;
                        self.per_block[bi][m] = pair;
                    }
                    e += 1;
                }
            }
        }
    }
}

/// Splits `data` at the increasing positions `bounds` (first 0, last `data.len()`).
pub fn split_at<'a, T>(mut data: &'a mut [T], bounds: &[usize]) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(bounds.len().saturating_sub(1));
    for w in bounds.windows(2) {
        let (head, tail) = data.split_at_mut(w[1] - w[0]);
        out.push(head);
        data = tail;
    }
    out
}
