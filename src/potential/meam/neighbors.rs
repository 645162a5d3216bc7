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
    row_lengths: Vec<usize>,
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
        // Pass 1: row lengths, then the rows themselves into place.
        self.row_lengths.clear();
        self.row_lengths.resize(n, 0);
        let entry_of = |i: usize, j: usize, image: u16| -> Option<CloseEntry> {
            let element = element_of[j]?;
            let owned = list.owns(i, j, image);
            let delta = if owned {
                positions[j] + list.shift(image) - positions[i]
            } else {
                -(positions[i] + list.shift(list.mirror_image(image)) - positions[j])
            };
            let r2 = delta.norm_squared();
            (r2 < keep2).then(|| CloseEntry {
                delta,
                r2,
                r: r2.sqrt(),
                j: j as u32,
                element,
                image,
                owned,
                interacting: r2 < cut2,
            })
        };
        self.row_lengths
            .par_iter_mut()
            .enumerate()
            .with_min_len(ATOM_CHUNK)
            .for_each(|(i, len)| {
                *len = if element_of[i].is_none() {
                    0
                } else {
                    list.neighbors_of(i)
                        .iter()
                        .zip(list.images_of(i))
                        .filter(|&(&j, &image)| entry_of(i, j as usize, image).is_some())
                        .count()
                };
            });
        self.offsets.clear();
        self.offsets.push(0);
        let mut total = 0;
        for &l in &self.row_lengths {
            total += l;
            self.offsets.push(total);
        }
        self.entries.clear();
        self.entries.resize(total, CloseEntry::default());
        let rows = split_rows(&mut self.entries, &self.offsets, 1);
        rows.into_par_iter()
            .enumerate()
            .with_min_len(ATOM_CHUNK)
            .for_each(|(i, row)| {
                if element_of[i].is_none() {
                    return;
                }
                let kept = list
                    .neighbors_of(i)
                    .iter()
                    .zip(list.images_of(i))
                    .filter_map(|(&j, &image)| entry_of(i, j as usize, image));
                for (slot, e) in row.iter_mut().zip(kept) {
                    *slot = e;
                }
            });
        // Pass 2: mirrors, by binary search in the neighbour's row (sorted by (j, image)).
        self.mirror.clear();
        self.mirror.resize(total, 0);
        let offsets = &self.offsets;
        let entries = &self.entries;
        let mirrors = split_rows(&mut self.mirror, offsets, 1);
        mirrors
            .into_par_iter()
            .enumerate()
            .with_min_len(ATOM_CHUNK)
            .for_each(|(i, out)| {
                for (k, m) in out.iter_mut().enumerate() {
                    let e = &entries[offsets[i] + k];
                    let j = e.j as usize;
                    let key = (i as u32, list.mirror_image(e.image));
                    let row = &entries[offsets[j]..offsets[j + 1]];
                    let found = row.binary_search_by(|x| (x.j, x.image).cmp(&key));
                    // Both directions of a pair are always present (the separations are exactly
                    // antisymmetric and the Verlet list is symmetric within its skin).
                    debug_assert!(found.is_ok(), "close list: pair {i}-{j} has no mirror");
                    *m = (offsets[j] + found.unwrap_or(k)) as u32;
                }
            });
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
