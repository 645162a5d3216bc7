//! The close-neighbour list MEAM works on, rebuilt at every evaluation from the Verlet list.
//!
//! Row i keeps the neighbours (with their periodic images) within the screening radius, in the
//! Verlet list's (j, image) order, with separations computed once and exactly antisymmetric:
//! the entry that owns the pair (`NeighborList::owns`) computes x_j + shift - x_i and its mirror
//! takes the negative. Every interacting pair (r < rc) gets one index, in the order of the
//! owners' rows; both of its entries carry it, so per-pair results computed once by the owner
//! are read from either side.
//!
//! Atoms are processed in fixed blocks of [`BLOCK`] atoms; the entries and the pairs of a block
//! are contiguous, so that blocks can write their own entries and pairs in parallel.

use rayon::prelude::*;

use crate::neighbor::NeighborList;
use crate::system::Vec3;

/// Atoms per parallel work unit.
pub const BLOCK: usize = crate::potential::pair::ATOM_CHUNK;

/// Pair index of an entry that does not interact (rc <= r < screening radius).
pub const NO_PAIR: u32 = u32::MAX;

/// One close neighbour of an atom.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CloseEntry {
    /// Separation x_j - x_i [A].
    pub delta: Vec3,
    /// Squared distance [A^2].
    pub r2: f64,
    /// Neighbour atom index.
    pub j: u32,
    /// Index of the pair when it interacts (r < rc), else [`NO_PAIR`].
    pub pair: u32,
    /// Element of the neighbour.
    pub element: u16,
    /// True for the one entry of the pair that computes the pair's shared quantities.
    pub owned: bool,
}

impl CloseEntry {
    /// True when the pair interacts (r < rc); otherwise the neighbour can only screen.
    #[inline]
    pub fn interacting(&self) -> bool {
        self.pair != NO_PAIR
    }
}

/// Scratch rows of one block while the list is built.
#[derive(Clone, Debug, Default)]
struct BlockRows {
    entries: Vec<CloseEntry>,
    images: Vec<u16>,
    lengths: Vec<usize>,
    pairs: usize,
}

/// Close-neighbour rows of all atoms, in compressed-row form.
#[derive(Clone, Debug, Default)]
pub struct CloseList {
    /// Row i is `entries[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<usize>,
    /// All entries.
    pub entries: Vec<CloseEntry>,
    /// Element of each atom (`u16::MAX` for atoms the potential ignores; their rows are empty).
    pub atom_element: Vec<u16>,
    /// Pairs of block b are `block_pairs[b]..block_pairs[b + 1]`.
    pub block_pairs: Vec<usize>,
    /// Image code of each entry (to link the two entries of each pair).
    images: Vec<u16>,
    blocks: Vec<BlockRows>,
    cursor: Vec<usize>,
}

impl CloseList {
    /// Rebuilds the rows for `positions` [A] from the Verlet `list`. `element_of[i]` is the MEAM
    /// element of atom i (None for atoms the potential ignores); neighbours closer than
    /// `screening_radius` [A] are kept, and those closer than `cutoff` [A] interact.
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
        self.blocks.resize_with(n.div_ceil(BLOCK), Default::default);
        self.blocks
            .par_iter_mut()
            .enumerate()
            .for_each(|(b, rows)| {
                rows.entries.clear();
                rows.images.clear();
                rows.lengths.clear();
                rows.pairs = 0;
                for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                    let before = rows.entries.len();
                    if element_of[i].is_some() {
                        let xi = positions[i];
                        for (&j, &image) in list.neighbors_of(i).iter().zip(list.images_of(i)) {
                            let j = j as usize;
                            let Some(element) = element_of[j] else {
                                continue;
                            };
                            let owned = list.owns(i, j, image);
                            let delta = if owned {
                                positions[j] + list.shift(image) - xi
                            } else {
                                -(xi + list.shift(list.mirror_image(image)) - positions[j])
                            };
                            let r2 = delta.norm_squared();
                            if r2 < keep2 {
                                let pair = if r2 < cut2 && owned {
                                    rows.pairs += 1;
                                    (rows.pairs - 1) as u32
                                } else {
                                    NO_PAIR
                                };
                                rows.entries.push(CloseEntry {
                                    delta,
                                    r2,
                                    j: j as u32,
                                    pair,
                                    element,
                                    owned,
                                });
                                rows.images.push(image);
                            }
                        }
                    }
                    rows.lengths.push(rows.entries.len() - before);
                }
            });
        self.offsets.clear();
        self.offsets.push(0);
        self.block_pairs.clear();
        self.block_pairs.push(0);
        let mut total = 0;
        for rows in &self.blocks {
            for &l in &rows.lengths {
                total += l;
                self.offsets.push(total);
            }
            self.block_pairs
                .push(self.block_pairs.last().unwrap() + rows.pairs);
        }
        self.entries.clear();
        self.entries.resize(total, CloseEntry::default());
        self.images.clear();
        self.images.resize(total, 0);
        let entry_slices = split_blocks(&mut self.entries, &self.offsets);
        let image_slices = split_blocks(&mut self.images, &self.offsets);
        let block_pairs = &self.block_pairs;
        entry_slices
            .into_par_iter()
            .zip(image_slices)
            .zip(self.blocks.par_iter())
            .enumerate()
            .for_each(|(b, ((entries, images), rows))| {
                entries.copy_from_slice(&rows.entries);
                images.copy_from_slice(&rows.images);
                let first = block_pairs[b] as u32;
                for e in entries.iter_mut().filter(|e| e.pair != NO_PAIR) {
                    e.pair += first;
                }
            });
        self.link_pairs(list, cut2);
    }

    /// Gives every non-owned interacting entry the pair index of its owner, in one sequential
    /// sweep. Row j lists its neighbours i < j first, in increasing i: exactly the mirrors of the
    /// entries (i -> j) owned by the rows i < j, met in that order when the rows are swept in
    /// order. Several images of one pair appear in opposite orders on the two sides (the mirror
    /// image code reverses the order); an atom's own images are found by search in its row.
    fn link_pairs(&mut self, list: &NeighborList, cut2: f64) {
        let n = self.len();
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.offsets[..n]);
        for i in 0..n {
            let row = self.row(i);
            let mut e = row.start;
            while e < row.end {
                let entry = self.entries[e];
                let j = entry.j as usize;
                if j > i {
                    let mut end = e + 1;
                    while end < row.end && self.entries[end].j as usize == j {
                        end += 1;
                    }
                    let count = end - e;
                    let first = self.cursor[j];
                    for t in 0..count {
                        let m = first + count - 1 - t;
                        debug_assert_eq!(self.entries[m].j as usize, i, "rows are not symmetric");
                        self.entries[m].pair = self.entries[e + t].pair;
                    }
                    self.cursor[j] += count;
                    e = end;
                } else {
                    if j == i && entry.owned && entry.r2 < cut2 {
                        let key = (i as u32, list.mirror_image(self.images[e]));
                        let found = (row.start..row.end)
                            .find(|&m| (self.entries[m].j, self.images[m]) == key)
                            .expect("close list: an image of an atom has no mirror");
                        self.entries[found].pair = entry.pair;
                    }
                    e += 1;
                }
            }
        }
    }

    /// Number of atoms.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True before the first build.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of interacting pairs.
    pub fn pairs(&self) -> usize {
        self.block_pairs.last().copied().unwrap_or(0)
    }

    /// Number of blocks of [`BLOCK`] atoms.
    pub fn blocks(&self) -> usize {
        self.block_pairs.len().saturating_sub(1)
    }

    /// Entry range of row i.
    #[inline]
    pub fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }

    /// Atom range of block b.
    #[inline]
    pub fn block_atoms(&self, b: usize) -> std::ops::Range<usize> {
        b * BLOCK..((b + 1) * BLOCK).min(self.len())
    }
}

/// Splits per-item `data` into consecutive mutable slices, one per block of [`BLOCK`] atoms, where
/// `offsets[i]..offsets[i + 1]` are the items of atom i (entries: the row offsets; per-pair or
/// per-triplet data: any per-atom or per-block prefix sums, see [`split_at`]).
pub fn split_blocks<'a, T>(data: &'a mut [T], offsets: &[usize]) -> Vec<&'a mut [T]> {
    let n = offsets.len() - 1;
    let bounds: Vec<usize> = (0..=n.div_ceil(BLOCK))
        .map(|b| offsets[(b * BLOCK).min(n)])
        .collect();
    split_at(data, &bounds)
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
