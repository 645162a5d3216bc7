//! The close-neighbour list MEAM works on, rebuilt at every evaluation from the Verlet list.
//!
//! Row i keeps the neighbours (with their periodic images) within the screening radius, in the
//! Verlet list's (j, image) order, with separations computed once and exactly antisymmetric:
//! the entry that owns the pair (`NeighborList::owns`) computes x_j + shift - x_i and its mirror
//! takes the negative. Each entry knows the index of its mirror (the same pair seen from j), so
//! per-pair results computed by the owner can be read from either side, and contributions that
//! one atom's work assigns to another can be gathered by the receiver without write conflicts.

use rayon::prelude::*;

use crate::neighbor::NeighborList;
use crate::potential::pair::ATOM_CHUNK;
use crate::system::Vec3;

/// One close neighbour of an atom.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CloseEntry {
    /// Separation x_j - x_i [A].
    pub delta: Vec3,
    /// Squared distance [A^2].
    pub r2: f64,
    /// Distance [A].
    pub r: f64,
    /// Neighbour atom index.
    pub j: u32,
    /// Element of the neighbour.
    pub element: u16,
    /// Periodic image code of the entry in the Verlet list.
    pub image: u16,
    /// True for the one entry of the pair that computes the pair's shared quantities.
    pub owned: bool,
    /// True when the pair interacts (r < rc); otherwise the neighbour can only screen.
    pub interacting: bool,
}

/// Close-neighbour rows of all atoms, in compressed-row form.
#[derive(Clone, Debug, Default)]
pub struct CloseList {
    /// Row i is `entries[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<usize>,
    /// All entries.
    pub entries: Vec<CloseEntry>,
    /// Index of the mirror of each entry.
    pub mirror: Vec<u32>,
    /// Element of each atom (`u16::MAX` for atoms the potential ignores; their rows are empty).
    pub atom_element: Vec<u16>,
    /// Scratch: the rows of each block of atoms, and each row's length.
    blocks: Vec<(Vec<CloseEntry>, Vec<usize>)>,
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

        // Rows, block by block in parallel.
        let nblocks = n.div_ceil(ATOM_CHUNK);
        self.blocks.resize_with(nblocks, Default::default);
        self.blocks
            .par_iter_mut()
            .enumerate()
            .for_each(|(b, (rows, lengths))| {
                rows.clear();
                lengths.clear();
                for i in b * ATOM_CHUNK..((b + 1) * ATOM_CHUNK).min(n) {
                    let before = rows.len();
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
                                rows.push(CloseEntry {
                                    delta,
                                    r2,
                                    r: r2.sqrt(),
                                    j: j as u32,
                                    element,
                                    image,
                                    owned,
                                    interacting: r2 < cut2,
                                });
                            }
                        }
                    }
                    lengths.push(rows.len() - before);
                }
            });
        self.offsets.clear();
        self.offsets.push(0);
        let mut total = 0;
        for (_, lengths) in &self.blocks {
            for &l in lengths {
                total += l;
                self.offsets.push(total);
            }
        }
        self.entries.clear();
        self.entries.resize(total, CloseEntry::default());
        let targets = split_rows(&mut self.entries, &self.offsets, ATOM_CHUNK);
        targets
            .into_par_iter()
            .zip(self.blocks.par_iter())
            .for_each(|(target, (rows, _))| target.copy_from_slice(rows));
        self.link_mirrors(list);
    }

    /// Sets `mirror` for every entry in one sequential sweep. Row j lists its neighbours i < j
    /// first, in increasing i: exactly the mirrors of the entries (i -> j) owned by the rows
    /// i < j, met in that order when the rows are swept in order. Several images of one pair
    /// appear in opposite orders on the two sides (the mirror image code reverses the order), and
    /// an atom's own images are found by search in its row.
    fn link_mirrors(&mut self, list: &NeighborList) {
        let n = self.len();
        self.mirror.clear();
        self.mirror.resize(self.entries.len(), u32::MAX);
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
                        debug_assert_eq!(
                            self.entries[m].j as usize, i,
                            "close list is not symmetric"
                        );
                        self.mirror[e + t] = m as u32;
                        self.mirror[m] = (e + t) as u32;
                    }
                    self.cursor[j] += count;
                    e = end;
                } else {
                    if j == i && entry.owned {
                        let key = (i as u32, list.mirror_image(entry.image));
                        let found = self.entries[row.clone()]
                            .binary_search_by(|x| (x.j, x.image).cmp(&key))
                            .expect("close list: an image of an atom has no mirror");
                        let m = row.start + found;
                        self.mirror[e] = m as u32;
                        self.mirror[m] = e as u32;
                    }
                    e += 1;
                }
            }
        }
        debug_assert!(self.mirror.iter().all(|&m| m != u32::MAX));
    }

    /// Number of atoms.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True before the first build.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry range of row i.
    #[inline]
    pub fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }
}

/// Splits per-entry `data` into consecutive mutable slices, one per block of `atoms_per_block`
/// rows (row i spans `offsets[i]..offsets[i + 1]`), so that blocks of atoms can write their own
/// entries in parallel.
pub fn split_rows<'a, T>(
    mut data: &'a mut [T],
    offsets: &[usize],
    atoms_per_block: usize,
) -> Vec<&'a mut [T]> {
    let n = offsets.len() - 1;
    let mut out = Vec::with_capacity(n.div_ceil(atoms_per_block));
    let mut start = 0;
    let mut first = 0;
    while first < n {
        let last = (first + atoms_per_block).min(n);
        let (head, tail) = data.split_at_mut(offsets[last] - start);
        out.push(head);
        data = tail;
        start = offsets[last];
        first = last;
    }
    out
}
