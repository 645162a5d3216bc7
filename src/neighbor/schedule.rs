//! A conflict-free, thread-count-independent order for loops that visit each pair once and write
//! to both of its atoms (half-list loops with "Newton's third law").
//!
//! Atoms are grouped into blocks of a grid whose cells are at least one list radius wide, so the
//! two atoms of any list entry lie in the same block or in adjacent blocks: a loop over the atoms
//! of one block writes only into that block and its 26 neighbours. Blocks are coloured by their
//! grid coordinates modulo 3 (27 colours): two different blocks of one colour are at least three
//! blocks apart along some axis, so their neighbourhoods are disjoint.
//!
//! The blocks form one fixed sequence (colour by colour, or two interleaved spatial sweeps on
//! long grids, see `sweep_sequence`). [`HalfListSchedule::for_each_block`] runs it with any
//! number of threads: a thread takes a block only once every earlier block of the sequence that
//! may write to the same atoms (within two blocks along every axis) is finished. Blocks that
//! could touch a common atom thus always run one after the other in sequence order, and each
//! block's atoms are visited in ascending order: every atom receives its contributions in an
//! order fixed by the schedule alone, and sums are bitwise identical for any number of threads.
//! There is no barrier between colours; a thread looks a few blocks ahead for one that is ready
//! and waits only when none is. In a two-sweep sequence a thread first tries the next block of
//! the sweep it is in: taking turns on one sweep, two threads would wait for each other's blocks
//! (before this preference both threads of eam_cu32k waited about a tenth of each pass).
//!
//! Along a periodic axis the number of blocks is a multiple of 3 (or is 1 or 2), so that the
//! colouring is consistent across the boundary. The schedule describes the atoms at the
//! positions the list was built from; the list's entries do not change until the next build, so
//! it stays valid.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    /// The order blocks run in (indices into `blocks`).
    sequence: Vec<u32>,
    /// For each position of the sequence, the position of the next block of the same sweep
    /// ([`NO_SUCCESSOR`] for the last one, and in colour order): where the thread that ran
    /// it goes next, on the neighbouring block whose data are in cache and which it alone
    /// holds up.
    successor: Vec<u32>,
    /// `waits[wait_start[p]..wait_start[p + 1]]`: the earlier positions of the sequence whose
    /// blocks may share an atom with the block at position `p`.
    waits: Vec<u32>,
    wait_start: Vec<u32>,
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
            let (lo, hi) = crate::system::span_along(positions, k);
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
            // Three axes: never empty.
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
        let mut grid_block = Vec::new();
        let mut colour_start = [0; COLOURS + 1];
        for colour in 0..COLOURS {
            for b in 0..nblocks {
                if colour_of(b) == colour && start[b + 1] > start[b] {
                    blocks.push((start[b] as u32, start[b + 1] as u32));
                    grid_block.push(b);
                }
            }
            colour_start[colour + 1] = blocks.len();
        }
        let sizes: Vec<usize> = blocks.iter().map(|&(a, b)| (b - a) as usize).collect();
        let (sequence, successor) = sweep_sequence(counts, &grid_block, &sizes);
        let grid_of: Vec<usize> = sequence.iter().map(|&b| grid_block[b as usize]).collect();
        let (waits, wait_start) = earlier_conflicts(&axes, &grid_of);
        HalfListSchedule {
            atoms,
            blocks,
            colour_start,
            sequence,
            successor,
            waits,
            wait_start,
        }
    }

    /// Calls `visit(scratch, atoms)` for the atoms of every block, with up to the number of
    /// threads of the current rayon pool (one thread unless `parallel`), in an order that makes
    /// every sum a block loop forms the same for any number of threads (see the module doc).
    /// `scratch` is made by `init` once per thread. `visit` may write to the atoms of its block
    /// and of the 26 neighbouring blocks only.
    pub fn for_each_block<S>(
        &self,
        parallel: bool,
        init: impl Fn() -> S + Sync,
        visit: impl Fn(&mut S, &[u32]) + Sync,
    ) {
        self.for_each_indexed_block(parallel, init, |scratch, _, atoms| visit(scratch, atoms));
    }

    /// As [`HalfListSchedule::for_each_block`], with the block's index (below
    /// [`HalfListSchedule::blocks`]; each index is visited once) passed to `visit` before its
    /// atoms, e.g. to keep one sum per block.
    pub fn for_each_indexed_block<S>(
        &self,
        parallel: bool,
        init: impl Fn() -> S + Sync,
        visit: impl Fn(&mut S, usize, &[u32]) + Sync,
    ) {
        let count = self.sequence.len();
        if !parallel || count < 2 || rayon::current_num_threads() < 2 {
            let mut scratch = init();
            for &b in &self.sequence {
                visit(&mut scratch, b as usize, self.block_atoms(b as usize));
            }
            return;
        }
        let claimed: Vec<AtomicBool> = (0..count).map(|_| AtomicBool::new(false)).collect();
        let done: Vec<AtomicBool> = (0..count).map(|_| AtomicBool::new(false)).collect();
        let first_unclaimed = AtomicUsize::new(0);
        // A block is ready when every earlier block it may share an atom with is done.
        let ready = |p: usize| {
            self.waits_for(p)
                .iter()
                .rev()
                .all(|&w| done[w as usize].load(Ordering::Acquire))
        };
        let claim = |p: usize| {
            !claimed[p].load(Ordering::Relaxed)
                && ready(p)
                && claimed[p]
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
        };
        rayon::broadcast(|_| {
            let mut scratch = None;
            let mut idle = 0u32;
            // The next block of the sweep this thread is in, if it has one.
            let mut next = NO_SUCCESSOR;
            loop {
                let mut first = first_unclaimed.load(Ordering::Relaxed);
                while first < count && claimed[first].load(Ordering::Relaxed) {
                    first += 1;
                }
                first_unclaimed.fetch_max(first, Ordering::Relaxed);
                if first >= count {
                    break;
                }
                // The thread's own sweep first (two threads taking turns on one sweep would
                // wait for each other's blocks), else the first ready block among the next few
                // unclaimed ones. A thread never holds a block while waiting, so the loop
                // always ends.
                let own = (next != NO_SUCCESSOR && claim(next as usize)).then_some(next as usize);
                let taken =
                    own.or_else(|| (first..(first + LOOKAHEAD).min(count)).find(|&p| claim(p)));
                match taken {
                    Some(p) => {
                        idle = 0;
                        next = self.successor[p];
                        // Marks the block done even if `visit` panics, so that the other
                        // threads finish.
                        let _finished = SetOnDrop(&done[p]);
                        let b = self.sequence[p] as usize;
                        visit(scratch.get_or_insert_with(&init), b, self.block_atoms(b));
                    }
                    None => {
                        idle += 1;
                        if idle < 64 {
                            std::hint::spin_loop();
                        } else {
                            std::thread::yield_now();
                        }
                    }
                }
            }
        });
    }

    /// The earlier positions of the sequence whose blocks may share an atom with the block at
    /// position `p`.
    fn waits_for(&self, p: usize) -> &[u32] {
        &self.waits[self.wait_start[p] as usize..self.wait_start[p + 1] as usize]
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

/// Sets a flag (with release ordering) when dropped.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// [`HalfListSchedule`]'s successor of a block that has none.
const NO_SUCCESSOR: u32 = u32::MAX;

/// Blocks examined past the first unclaimed one when a thread looks for a ready block.
const LOOKAHEAD: usize = 16;

/// Fewest blocks along the longest axis for the two-sweep sequence. Each half must be long
/// enough that its sweep stays three blocks ahead of the other's: with 6 to 8 layers (a
/// nanoparticle of a few thousand atoms) the halves are 3 or 4 layers deep, the two sweeps
/// keep reaching blocks within two layers of each other, and the threads spent about a quarter
/// of the pass time waiting (4,033-atom Pt-Fe particle, 6 x 6 x 6 blocks, 2 threads), against
/// almost none in colour order.
const SWEEP_MIN_LAYERS: usize = 9;

/// The order of the non-empty blocks (`grid_block[b]`: linear grid index of block `b`, with
/// `sizes[b]` atoms). Along an axis at least [`SWEEP_MIN_LAYERS`] blocks long, two sweeps
/// interleaved: the blocks below and above a split that halves the atoms, each half in
/// lexicographic order with that axis slowest, merged so that both halves advance at the same
/// pace in atoms. Two threads then each work through one half, on neighbouring blocks whose data
/// are in cache, three or more blocks away from the other thread. Shorter grids keep the colour
/// order (`0..`), in which the blocks of one colour never wait for each other. Returns the
/// sequence and, for each of its positions, the position of the next block of the same sweep
/// ([`NO_SUCCESSOR`] for the last one, and everywhere in colour order).
fn sweep_sequence(
    counts: [usize; 3],
    grid_block: &[usize],
    sizes: &[usize],
) -> (Vec<u32>, Vec<u32>) {
    // Three axes: never empty.
    let axis = (0..3).rev().max_by_key(|&k| counts[k]).unwrap();
    if counts[axis] < SWEEP_MIN_LAYERS {
        let n = grid_block.len();
        return ((0..n as u32).collect(), vec![NO_SUCCESSOR; n]);
    }
    let coords = |g: usize| {
        [
            g / (counts[1] * counts[2]),
            (g / counts[2]) % counts[1],
            g % counts[2],
        ]
    };
    let mut layer_atoms = vec![0usize; counts[axis]];
    for (b, &g) in grid_block.iter().enumerate() {
        layer_atoms[coords(g)[axis]] += sizes[b];
    }
    let total: usize = layer_atoms.iter().sum();
    let below = |s: usize| layer_atoms[..s].iter().sum::<usize>();
    // Invariant: counts[axis] >= SWEEP_MIN_LAYERS (9, returned above otherwise), so the range of
    // split layers is not empty.
    let split = (3..=counts[axis] - 3)
        .min_by_key(|&s| below(s).abs_diff(total - below(s)))
        .unwrap();
    // Sweep key: the split axis first, then the other two in order.
    let key = |b: usize| {
        let c = coords(grid_block[b]);
        let (first, second) = match axis {
            0 => (c[1], c[2]),
            1 => (c[0], c[2]),
            _ => (c[0], c[1]),
        };
        (c[axis], first, second)
    };
    let mut halves: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for b in 0..grid_block.len() {
        halves[usize::from(coords(grid_block[b])[axis] >= split)].push(b);
    }
    for h in &mut halves {
        h.sort_by_key(|&b| key(b));
    }
    let work = [0, 1].map(|h| halves[h].iter().map(|&b| sizes[b]).sum::<usize>().max(1));
    let (mut next, mut done) = ([0usize; 2], [0usize; 2]);
    let mut sequence = Vec::with_capacity(grid_block.len());
    let mut successor = vec![NO_SUCCESSOR; grid_block.len()];
    let mut last = [None::<usize>; 2];
    while next[0] < halves[0].len() || next[1] < halves[1].len() {
        // The half that is behind (by fraction of its atoms) goes next.
        let h = if next[1] >= halves[1].len() {
            0
        } else if next[0] >= halves[0].len() {
            1
        } else {
            usize::from(done[1] * work[0] < done[0] * work[1])
        };
        let b = halves[h][next[h]];
        if let Some(p) = last[h] {
            successor[p] = sequence.len() as u32;
        }
        last[h] = Some(sequence.len());
        sequence.push(b as u32);
        done[h] += sizes[b];
        next[h] += 1;
    }
    (sequence, successor)
}

/// For the non-empty blocks in sequence order (`grid_of[p]`: linear grid index of the block at
/// position `p`), the earlier positions within two blocks along every axis (wrapping along
/// periodic axes): the blocks whose writes (own and neighbouring blocks) may meet block `p`'s.
/// CSR form.
fn earlier_conflicts(axes: &[BlockAxis; 3], grid_of: &[usize]) -> (Vec<u32>, Vec<u32>) {
    let counts = axes.map(|a| a.count);
    let total: usize = counts.iter().product();
    let mut sequence_of = vec![u32::MAX; total];
    for (p, &g) in grid_of.iter().enumerate() {
        sequence_of[g] = p as u32;
    }
    // The block coordinates within two of `c` along axis `k` (wrapping along a periodic axis),
    // ascending and each once: the first `len` of the array (no allocation: this runs for every
    // block at every list build).
    let coordinate_range = |k: usize, c: usize| -> ([usize; 5], usize) {
        let n = counts[k] as i64;
        let mut v = [0usize; 5];
        let mut len = 0;
        for o in -2..=2i64 {
            let t = c as i64 + o;
            let t = if axes[k].periodic {
                Some(t.rem_euclid(n))
            } else {
                (0..n).contains(&t).then_some(t)
            };
            if let Some(t) = t {
                v[len] = t as usize;
                len += 1;
            }
        }
        v[..len].sort_unstable();
        let mut unique = 0;
        for i in 0..len {
            if unique == 0 || v[i] != v[unique - 1] {
                v[unique] = v[i];
                unique += 1;
            }
        }
        (v, unique)
    };
    // Block `p`'s earlier neighbours, passed to `f` in grid order.
    let for_each_earlier = |p: usize, f: &mut dyn FnMut(u32)| {
        let g = grid_of[p];
        let c = [
            g / (counts[1] * counts[2]),
            (g / counts[2]) % counts[1],
            g % counts[2],
        ];
        let ranges = [0, 1, 2].map(|k| coordinate_range(k, c[k]));
        let [(xs, nx), (ys, ny), (zs, nz)] = &ranges;
        for &x in &xs[..*nx] {
            for &y in &ys[..*ny] {
                for &z in &zs[..*nz] {
                    let s = sequence_of[(x * counts[1] + y) * counts[2] + z];
                    if (s as usize) < p {
                        f(s);
                    }
                }
            }
        }
    };
    // Counted first, so that the array is allocated once at its size: grown by doubling it
    // held up to twice that (8 MB for 256,000 atoms), while the neighbour list is being built.
    let mut wait_start = Vec::with_capacity(grid_of.len() + 1);
    wait_start.push(0u32);
    for p in 0..grid_of.len() {
        let mut count = 0u32;
        for_each_earlier(p, &mut |_| count += 1);
        wait_start.push(wait_start[p] + count);
    }
    let mut waits = Vec::with_capacity(*wait_start.last().unwrap_or(&0) as usize);
    for p in 0..grid_of.len() {
        let first = waits.len();
        for_each_earlier(p, &mut |s| waits.push(s));
        waits[first..].sort_unstable();
    }
    (waits, wait_start)
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

    /// Every block runs once, and whenever two blocks write to a common atom (one of them owns
    /// a pair with that atom), the later one in the sequence waits for the earlier one.
    fn check_sequence(b: &SimBox, x: &[Vec3], radius: f64) -> HalfListSchedule {
        let s = HalfListSchedule::build(b, x, radius);
        let mut order = s.sequence.clone();
        order.sort_unstable();
        assert_eq!(order, (0..s.blocks() as u32).collect::<Vec<_>>());
        // Successors chain each sweep forward: every position follows at most one other, and
        // there are two chains (the sweeps) or none (colour order).
        let mut follows = vec![false; s.sequence.len()];
        for (p, &q) in s.successor.iter().enumerate() {
            if q != NO_SUCCESSOR {
                assert!(q as usize > p, "{p} -> {q}");
                assert!(!std::mem::replace(&mut follows[q as usize], true));
            }
        }
        let chains = follows.iter().filter(|&&f| !f).count();
        let links = s.successor.iter().filter(|&&q| q != NO_SUCCESSOR).count();
        assert!(links == 0 || chains == 2, "{chains} chains");
        let mut position_of_atom = vec![usize::MAX; x.len()];
        for (p, &blk) in s.sequence.iter().enumerate() {
            for &i in s.block_atoms(blk as usize) {
                position_of_atom[i as usize] = p;
            }
        }
        // The positions whose blocks write to each atom.
        let mut writers = vec![Vec::new(); x.len()];
        for &(i, j, _) in &crate::neighbor::all_neighbors(b, x, radius) {
            let p = position_of_atom[i];
            writers[i].push(p);
            writers[j].push(p);
        }
        for w in &mut writers {
            w.sort_unstable();
            w.dedup();
            for (k, &q) in w.iter().enumerate() {
                for &p in &w[..k] {
                    assert!(
                        s.waits_for(q).contains(&(p as u32)),
                        "{q} does not wait for {p}"
                    );
                }
            }
        }
        s
    }

    #[test]
    fn conflicting_blocks_wait_for_each_other() {
        // Long periodic z (a two-sweep sequence) and a short grid (colour order).
        let long = SimBox::new([0.0; 3], [9.0, 9.0, 40.0], [true, true, true]).unwrap();
        let short = SimBox::new([0.0; 3], [9.0, 10.0, 9.0], [true, false, true]).unwrap();
        for (b, n) in [(&long, 1200), (&short, 400)] {
            let x: Vec<Vec3> = (0..n)
                .map(|k| {
                    let f = k as f64;
                    Vec3::new(
                        (f * 7.31) % b.hi[0],
                        (f * 3.17) % b.hi[1],
                        (f * 0.613) % b.hi[2],
                    )
                })
                .collect();
            let s = check_sequence(b, &x, 2.0);
            assert!(s.blocks() >= 30, "{} blocks", s.blocks());
            // The long grid runs as two sweeps, whose blocks have successors.
            let swept = s.successor.iter().any(|&q| q != NO_SUCCESSOR);
            assert_eq!(swept, std::ptr::eq(b, &long));
        }
    }

    #[test]
    fn blocks_run_once_in_every_thread_count() {
        let b = SimBox::new([0.0; 3], [12.0, 12.0, 30.0], [true; 3]).unwrap();
        let x: Vec<Vec3> = (0..2000)
            .map(|k| {
                let f = k as f64;
                Vec3::new((f * 7.31) % 12.0, (f * 3.17) % 12.0, (f * 0.613) % 30.0)
            })
            .collect();
        let s = HalfListSchedule::build(&b, &x, 2.0);
        for threads in [1, 2, 3, 8] {
            let visits: Vec<std::sync::atomic::AtomicU32> =
                (0..x.len()).map(|_| Default::default()).collect();
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    s.for_each_block(
                        true,
                        || (),
                        |_, atoms| {
                            for &i in atoms {
                                visits[i as usize].fetch_add(1, Ordering::Relaxed);
                            }
                        },
                    )
                });
            assert!(visits.iter().all(|v| v.load(Ordering::Relaxed) == 1));
        }
    }
}
