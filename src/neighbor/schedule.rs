//! A conflict-free, thread-count-independent order for loops that visit each pair once and write
//! to both of its atoms (half-list loops with "Newton's third law").
//!
//! Atoms are grouped into blocks of a grid whose cells are at least one list radius wide, so the
//! two atoms of any list entry lie in the same block or in adjacent blocks: a loop over the atoms
//! of one block writes only into that block and its 26 neighbours. Blocks are coloured by their
//! grid coordinates modulo 3 (27 colours): two different blocks of one colour are at least three
//! blocks apart along some axis, so their neighbourhoods are disjoint. A loop runs the colours
//! one after the other and, within a colour, the blocks in parallel; each block's atoms are
//! visited in ascending order. Every atom thus receives its contributions in an order fixed by
//! the schedule alone, and sums are bitwise identical for any number of threads.
//!
//! Along a periodic axis the number of blocks is a multiple of 3 (or is 1 or 2), so that the
//! colouring is consistent across the boundary. The schedule describes the atoms at the
//! positions the list was built from; the list's entries do not change until the next build, so
//! it stays valid.

use crate::system::{SimBox, Vec3};

/// Number of colours (block coordinates modulo 3 along the three axes).
pub const COLOURS: usize = 27;

/// Blocks of atoms grouped by colour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HalfListSchedule {
    /// Atom indices grouped by block, ascending within a block.
    atoms: Vec<u32>,
    /// `atoms[blocks[b].0..blocks[b].1]` are the atoms of block `b`.
    blocks: Vec<(u32, u32)>,
    /// Blocks of colour `c` are `colour_start[c]..colour_start[c + 1]`.
    colour_start: [usize; COLOURS + 1],
}

/// Geometry of the block grid along one axis.
#[derive(Clone, Copy, Debug)]
struct BlockAxis {
    origin: f64,
    width: f64,
    count: usize,
    periodic: bool,
}

impl BlockAxis {
    fn new(simbox: &SimBox, positions: &[Vec3], radius: f64, k: usize) -> Self {
        if simbox.periodic[k] {
            let length = simbox.hi[k] - simbox.lo[k];
            let mut axis = BlockAxis {
                origin: simbox.lo[k],
                width: length,
                count: ((length / radius).floor() as usize).max(1),
                periodic: true,
            };
            axis.set_count(axis.count, length);
            axis
        } else {
            let (lo, hi) = positions
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x[k]), hi.max(x[k]))
                });
            let extent = if lo.is_finite() { hi - lo } else { 0.0 };
            let mut axis = BlockAxis {
                origin: if lo.is_finite() { lo } else { 0.0 },
                width: f64::INFINITY,
                count: ((extent / radius).floor() as usize).max(1),
                periodic: false,
            };
            axis.set_count(axis.count, extent);
            axis
        }
    }

    /// Sets the number of blocks spanning `extent` (a multiple of 3 along a periodic axis when
    /// more than 2, so that colours repeat consistently across the boundary).
    fn set_count(&mut self, count: usize, extent: f64) {
        let mut count = count.max(1);
        if self.periodic && count > 2 {
            count -= count % 3;
        }
        self.count = count;
        self.width = if count > 1 {
            extent / count as f64
        } else {
            f64::INFINITY
        };
    }

    fn block_of(&self, x: f64) -> usize {
        if self.count == 1 {
            return 0;
        }
        let c = ((x - self.origin) / self.width).floor();
        if c < 0.0 {
            0
        } else {
            (c as usize).min(self.count - 1)
        }
    }

    fn extent(&self) -> f64 {
        if self.count > 1 {
            self.width * self.count as f64
        } else {
            0.0
        }
    }
}

impl HalfListSchedule {
    /// The schedule for atoms at `positions` (wrapped along periodic axes) and a list radius
    /// `radius` [A].
    pub fn build(simbox: &SimBox, positions: &[Vec3], radius: f64) -> Self {
        let n = positions.len();
        let mut axes = [0, 1, 2].map(|k| BlockAxis::new(simbox, positions, radius, k));
        // At most a few blocks per atom: far-flung atoms along free axes must not create
        // millions of empty blocks. Blocks only grow, so they stay wider than the radius.
        let limit = (2 * n).max(64);
        while axes.iter().map(|a| a.count).product::<usize>() > limit {
            let k = (0..3).max_by_key(|&k| axes[k].count).unwrap();
            let extent = axes[k].extent();
            let count = axes[k].count / 2;
            axes[k].set_count(count, extent);
        }
        let counts = axes.map(|a| a.count);
        let nblocks = counts[0] * counts[1] * counts[2];
        let block_of: Vec<usize> = positions
            .iter()
            .map(|x| {
                let c = [0, 1, 2].map(|k| axes[k].block_of(x[k]));
                (c[0] * counts[1] + c[1]) * counts[2] + c[2]
            })
            .collect();
        let mut start = vec![0usize; nblocks + 1];
        for &b in &block_of {
            start[b + 1] += 1;
        }
        for b in 0..nblocks {
            start[b + 1] += start[b];
        }
        let mut fill = start.clone();
        let mut atoms = vec![0u32; n];
        for (i, &b) in block_of.iter().enumerate() {
            atoms[fill[b]] = i as u32;
            fill[b] += 1;
        }
        let colour_of = |b: usize| {
            let cz = b % counts[2];
            let cy = (b / counts[2]) % counts[1];
            let cx = b / (counts[1] * counts[2]);
            (cx % 3) + 3 * (cy % 3) + 9 * (cz % 3)
        };
        let mut blocks = Vec::new();
        let mut colour_start = [0; COLOURS + 1];
        for colour in 0..COLOURS {
            for b in 0..nblocks {
                if colour_of(b) == colour && start[b + 1] > start[b] {
                    blocks.push((start[b] as u32, start[b + 1] as u32));
                }
            }
            colour_start[colour + 1] = blocks.len();
        }
        HalfListSchedule {
            atoms,
            blocks,
            colour_start,
        }
    }

    /// Index range (into [`HalfListSchedule::block_atoms`]) of the blocks of colour `colour`.
    pub fn colour_blocks(&self, colour: usize) -> std::ops::Range<usize> {
        self.colour_start[colour]..self.colour_start[colour + 1]
    }

    /// The atoms of block `block`, ascending.
    pub fn block_atoms(&self, block: usize) -> &[u32] {
        let (a, b) = self.blocks[block];
        &self.atoms[a as usize..b as usize]
    }

    /// Number of non-empty blocks.
    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_atom_once_and_colours_never_touch() {
        let b = SimBox::new([0.0; 3], [20.0, 9.0, 30.0], [true, true, false]).unwrap();
        let mut x = Vec::new();
        for k in 0..1500 {
            let f = k as f64;
            x.push(Vec3::new(
                (f * 7.31) % 20.0,
                (f * 3.17) % 9.0,
                (f * 0.61) % 40.0 - 5.0,
            ));
        }
        let radius = 2.1;
        let s = HalfListSchedule::build(&b, &x, radius);
        let mut seen = vec![0; x.len()];
        let mut block_of = vec![usize::MAX; x.len()];
        let mut colour_of_block = Vec::new();
        for colour in 0..COLOURS {
            for blk in s.colour_blocks(colour) {
                colour_of_block.push(colour);
                let atoms = s.block_atoms(blk);
                assert!(atoms.windows(2).all(|w| w[0] < w[1]));
                for &i in atoms {
                    seen[i as usize] += 1;
                    block_of[i as usize] = blk;
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        // Two blocks of one colour never write to a common atom: the atoms each block's pairs
        // reach (its own and their neighbours) are disjoint.
        let mut writer = vec![usize::MAX; x.len()];
        let pairs = crate::neighbor::all_neighbors(&b, &x, radius);
        for colour in 0..COLOURS {
            writer.iter_mut().for_each(|w| *w = usize::MAX);
            for &(i, j, _) in &pairs {
                let bi = block_of[i];
                if colour_of_block[bi] != colour {
                    continue;
                }
                for k in [i, j] {
                    assert!(
                        writer[k] == usize::MAX || writer[k] == bi,
                        "atom {k}: blocks {} and {bi}",
                        writer[k]
                    );
                    writer[k] = bi;
                }
            }
        }
        assert!(s.blocks() > 27);
    }
}
