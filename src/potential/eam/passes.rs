//! The three passes of an EAM evaluation (Daw & Baskes, Phys. Rev. B 29, 6443 (1984)):
//!
//! 1. density: rho_i = sum_j rho_{t_j -> t_i}(r_ij);
//! 2. embedding: F_i(rho_i) and its derivative F'_i;
//! 3. force: for each pair, with phi = (r phi)/r,
//!    dE/dr_ij = F'_i rho'_{j->i}(r) + F'_j rho'_{i->j}(r) + phi'(r), and
//!    f_i = -dE/dr_ij (x_i - x_j)/r_ij.
//!
//! The pair passes visit each pair once (the owned entries of each neighbour-list row) and add
//! its contribution to both atoms, block by block in the order of the list's
//! [`HalfListSchedule`]: blocks that could touch a common atom never run at the same time and
//! always run in the same order, so there are no races and every sum is formed in the same order
//! for any number of threads.
//!
//! Within a row the work runs four pairs at a time ([`Lanes`]): the distances of a chunk of
//! entries are computed and the pairs within the cutoff compacted into a batch; then, four
//! pairs at a time, the distance is located on the grid, the four pairs' coefficient rows are
//! loaded and transposed, and the cubics evaluated with fused multiply-adds. The centre atom's
//! own sums are kept per lane and added up at the end of its row, ((l0 + l1) + (l2 + l3)); the
//! neighbours' shares are added to them lane by lane, in pair order. Both lane implementations
//! follow exactly these steps, so their results are identical bit for bit.
//!
//! [`HalfListSchedule`]: crate::neighbor::HalfListSchedule

use rayon::prelude::*;

use super::packed::{PairRows, PairTables};
use super::spline::{SplineTable, derivative, locate, value};
use crate::neighbor::NeighborList;
use crate::potential::lanes::{KernelPath, Lanes, Portable};

/// Atoms per work unit in per-atom loops.
const ATOM_CHUNK: usize = 512;

/// Below this many atoms the pair passes run on the calling thread. (The order of sums is the
/// same either way.)
const PARALLEL_ATOMS: usize = 1000;

/// Entries of a row whose distances are computed before the close ones are evaluated.
const GATHER: usize = 64;

/// The distance grid and cutoff the pair passes use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DistanceGrid {
    /// Squared cutoff [A^2].
    pub cutoff_squared: f64,
    /// 1 / dr [1/A].
    pub inverse_dr: f64,
    /// Number of grid points.
    pub points: usize,
}

/// A position or force `[x, y, z, 0]` padded to four lanes and 32-byte aligned, so that one
/// vector load fetches it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(32))]
pub struct Padded(pub [f64; 4]);

impl Padded {
    /// `[x, y, z, 0]`.
    pub fn new(x: f64, y: f64, z: f64) -> Self {
        Padded([x, y, z, 0.0])
    }
}

/// What the pair passes read.
#[derive(Clone, Copy, Debug)]
pub struct PairInput<'a, T> {
    /// Distance tables.
    pub tables: &'a T,
    /// Their grid and the cutoff.
    pub grid: DistanceGrid,
    /// Species of each atom.
    pub types: &'a [u32],
    /// Neighbour list built for these atoms (full or half).
    pub list: &'a NeighborList,
    /// Positions [A].
    pub positions: &'a [Padded],
    /// Translations [A] of the list's image codes.
    pub shifts: &'a [Padded],
    /// Lane implementation; must be available on this CPU.
    pub path: KernelPath,
}

impl<T: PairTables> PairInput<'_, T> {
    /// Checks what the unchecked loads of the passes rely on: a list built for these atoms, a
    /// species per atom that the tables cover, and a grid no longer than the tables.
    fn check(&self) {
        assert_eq!(
            self.list.len(),
            self.positions.len(),
            "neighbour list built for {} atoms, evaluated with {}",
            self.list.len(),
            self.positions.len()
        );
        assert_eq!(self.list.shifts().len(), self.shifts.len());
        assert_eq!(self.types.len(), self.positions.len());
        assert!(self.grid.points >= 2 && self.grid.points <= self.tables.points());
        if T::BY_SPECIES {
            let species = self.tables.species();
            assert!(
                self.types.iter().all(|&t| (t as usize) < species),
                "an atom's species is beyond the potential's {species}"
            );
        }
        assert!(self.path.is_available(), "{:?} not available", self.path);
    }

    fn parallel(&self) -> bool {
        self.positions.len() >= PARALLEL_ATOMS
    }
}

/// A raw pointer that may be shared between threads; every use must write disjoint elements.
#[derive(Clone, Copy)]
struct SharedMut<T>(*mut T);
// SAFETY: used only by the scheduled passes, whose concurrent blocks touch disjoint atoms.
unsafe impl<T> Send for SharedMut<T> {}
unsafe impl<T> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    /// # Safety
    /// `k` must be in bounds, and no other thread may access element `k` meanwhile.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    unsafe fn at(&self, k: usize) -> &mut T {
        unsafe { &mut *self.0.add(k) }
    }
}

/// The pairs of one chunk of a row that lie within the cutoff, compacted: neighbour, squared
/// distance [A^2] and separation `x_j + shift - x_i` [A] by component. Slots past the count hold
/// unspecified values, except that every `j` is an atom index (of an earlier pair of the same
/// pass, or zero).
#[repr(C, align(32))]
struct CloseBatch {
    r2: [f64; GATHER],
    dx: [f64; GATHER],
    dy: [f64; GATHER],
    dz: [f64; GATHER],
    j: [u32; GATHER],
}

impl CloseBatch {
    fn new() -> Self {
        CloseBatch {
            r2: [0.0; GATHER],
            dx: [0.0; GATHER],
            dy: [0.0; GATHER],
            dz: [0.0; GATHER],
            j: [0; GATHER],
        }
    }

    /// The neighbours of lanes `g..g + 4`.
    #[inline(always)]
    fn lanes_j(&self, g: usize) -> [usize; 4] {
        four(|l| self.j[(g + l) & (GATHER - 1)] as usize)
    }
}

/// Fills `batch` with the entries (packed as in [`crate::neighbor::Row`], with `image_bits`
/// bits of image code; at most [`GATHER`]) of the row of the atom at `xi` that lie within the
/// cutoff, in row order, with their separations if `SEPARATIONS`; returns their number.
/// Distances are computed four entries at a time.
///
/// # Safety
/// Every neighbour index must be below `positions.len()` and every image code below
/// `shifts.len()` (a list built for these atoms, [`PairInput::check`]); `L` must run on this CPU.
#[inline(always)]
unsafe fn close_pairs<L: Lanes, const SEPARATIONS: bool>(
    xi: &Padded,
    entries: &[u32],
    image_bits: u32,
    positions: &[Padded],
    shifts: &[Padded],
    cutoff_squared: f64,
    batch: &mut CloseBatch,
) -> usize {
    unsafe {
        // Without periodic axes every entry has the one (zero) image: its codes are not read.
        if shifts.len() == 1 {
            close_pairs_in::<L, SEPARATIONS, true>(
                xi,
                entries,
                image_bits,
                positions,
                shifts,
                cutoff_squared,
                batch,
            )
        } else {
            close_pairs_in::<L, SEPARATIONS, false>(
                xi,
                entries,
                image_bits,
                positions,
                shifts,
                cutoff_squared,
                batch,
            )
        }
    }
}

/// [`close_pairs`], for a list with a single image (`ONE_IMAGE`) or any number.
///
/// # Safety
/// As [`close_pairs`]; with `ONE_IMAGE`, `shifts` must have one element.
#[inline(always)]
unsafe fn close_pairs_in<L: Lanes, const SEPARATIONS: bool, const ONE_IMAGE: bool>(
    xi: &Padded,
    entries: &[u32],
    image_bits: u32,
    positions: &[Padded],
    shifts: &[Padded],
    cutoff_squared: f64,
    batch: &mut CloseBatch,
) -> usize {
    debug_assert!(entries.len() <= GATHER);
    debug_assert!(!ONE_IMAGE || shifts.len() == 1);
    unsafe {
        // The one shift (+0.0 by component), added as any other so that the sums are the same.
        let only_shift = if ONE_IMAGE {
            L::load(shifts.get_unchecked(0).0.as_ptr())
        } else {
            L::splat(0.0)
        };
        let (x0, y0, z0) = (L::splat(xi.0[0]), L::splat(xi.0[1]), L::splat(xi.0[2]));
        let cut = L::splat(cutoff_squared);
        let len = entries.len();
        let mask = (1u32 << image_bits) - 1;
        let mut n = 0;
        let mut k = 0;
        while k < len {
            let valid = (len - k).min(4);
            // Lanes past the row repeat its first entry of the group and are masked out.
            let e = [
                k,
                k + usize::from(valid > 1),
                k + 2 * usize::from(valid > 2),
                k + 3 * usize::from(valid > 3),
            ];
            let packed = four(|l| *entries.get_unchecked(e[l]));
            // One image: no image bits (the shift is known to be 0).
            let j = if ONE_IMAGE {
                packed
            } else {
                four(|l| packed[l] >> image_bits)
            };
            // Written out (not `map`) so that the vector operations stay inlined.
            let at = |l: usize| -> L::V {
                debug_assert!((j[l] as usize) < positions.len());
                let x = L::load(positions.get_unchecked(j[l] as usize).0.as_ptr());
                let s = if ONE_IMAGE {
                    only_shift
                } else {
                    let s = shifts.get_unchecked((packed[l] & mask) as usize);
                    L::load(s.0.as_ptr())
                };
                L::add(x, s)
            };
            let [x, y, z, _] = L::transpose([at(0), at(1), at(2), at(3)]);
            let (dx, dy, dz) = (L::sub(x, x0), L::sub(y, y0), L::sub(z, z0));
            let r2 = L::mul_add(dz, dz, L::mul_add(dy, dy, L::mul(dx, dx)));
            let close = L::less_than(r2, cut) & ((1 << valid) - 1);
            // n <= k <= GATHER - 4 here, so the four-lane stores stay in the arrays.
            L::compress_store(r2, close, batch.r2.as_mut_ptr().add(n));
            if SEPARATIONS {
                L::compress_store(dx, close, batch.dx.as_mut_ptr().add(n));
                L::compress_store(dy, close, batch.dy.as_mut_ptr().add(n));
                L::compress_store(dz, close, batch.dz.as_mut_ptr().add(n));
            }
            L::compress_store_u32(j, close, batch.j.as_mut_ptr().add(n));
            n += close.count_ones() as usize;
            k += 4;
        }
        n
    }
}

/// Interval (0-based) and fraction of four distances `r` [A] on the grid, as LAMMPS locates
/// them ([`super::spline::locate`]): `p = r/dr + 1`, `m = trunc(p)` clamped to `1..=n-1`,
/// `p = min(p - m, 1)`.
#[inline(always)]
unsafe fn locate_lanes<L: Lanes>(r: L::V, grid: DistanceGrid) -> ([usize; 4], L::V) {
    unsafe {
        let one = L::splat(1.0);
        let p = L::mul_add(r, L::splat(grid.inverse_dr), one);
        let (m, whole) = L::truncate_clamp(p, 1, grid.points as i32 - 1);
        (four(|l| (m[l] - 1) as usize), L::min(L::sub(p, whole), one))
    }
}

/// Loads the coefficient rows of four pairs and turns them into (c3, c4, c5, c6) by lane.
#[inline(always)]
unsafe fn coefficients<L: Lanes>(rows: [&[f64; 4]; 4]) -> [L::V; 4] {
    unsafe {
        L::transpose([
            L::load(rows[0].as_ptr()),
            L::load(rows[1].as_ptr()),
            L::load(rows[2].as_ptr()),
            L::load(rows[3].as_ptr()),
        ])
    }
}

/// Value of the cubics `((c3 p + c4) p + c5) p + c6`.
#[inline(always)]
unsafe fn cubic<L: Lanes>(c: [L::V; 4], p: L::V) -> L::V {
    unsafe { L::mul_add(L::mul_add(L::mul_add(c[0], p, c[1]), p, c[2]), p, c[3]) }
}

/// Derivative of the cubics with respect to r: `((3 c3 p + 2 c4) p + c5) / dr`.
#[inline(always)]
unsafe fn cubic_slope<L: Lanes>(c: [L::V; 4], p: L::V, inverse_dr: f64) -> L::V {
    unsafe {
        let a = L::mul(L::splat(3.0), c[0]);
        let b = L::mul(L::splat(2.0), c[1]);
        L::mul(
            L::mul_add(L::mul_add(a, p, b), p, c[2]),
            L::splat(inverse_dr),
        )
    }
}

/// `[f(0), f(1), f(2), f(3)]`, written out so that it is always inlined (unlike `array::map`).
#[inline(always)]
fn four<T>(mut f: impl FnMut(usize) -> T) -> [T; 4] {
    [f(0), f(1), f(2), f(3)]
}

/// ((l0 + l1) + (l2 + l3)).
#[inline(always)]
unsafe fn lane_sum<L: Lanes>(v: L::V) -> f64 {
    let a = unsafe { L::to_array(v) };
    (a[0] + a[1]) + (a[2] + a[3])
}

/// The coefficient rows of the four pairs of a group.
///
/// # Safety
/// Every `j` must be an atom of the input and every species below the tables' number
/// ([`PairInput::check`]), every `m + 1` below the number of grid points ([`locate_lanes`]).
#[inline(always)]
unsafe fn group_rows<'t, T: PairTables>(
    input: &PairInput<'t, T>,
    ti: u32,
    j: [usize; 4],
    m: [usize; 4],
) -> [PairRows<'t>; 4] {
    four(|l| unsafe {
        let tj = if T::BY_SPECIES {
            *input.types.get_unchecked(j[l])
        } else {
            0
        };
        input.tables.rows(ti, tj, m[l])
    })
}

/// Density pass over one row: adds rho_{t_j -> t_i} to `rho[i]` and rho_{t_i -> t_j} to
/// `rho[j]` for every owned pair (i, j) within the cutoff.
///
/// # Safety
/// As [`close_pairs`]; no other thread may touch the densities of i or its neighbours.
#[inline(always)]
unsafe fn density_of_atom<L: Lanes, T: PairTables>(
    input: &PairInput<'_, T>,
    i: usize,
    rho: SharedMut<f64>,
    batch: &mut CloseBatch,
) {
    unsafe {
        let ti = if T::BY_SPECIES { input.types[i] } else { 0 };
        let row = input.list.owned_row(i);
        let (entries, image_bits) = (row.packed(), row.image_bits());
        let mut own = L::splat(0.0);
        let mut start = 0;
        while start < entries.len() {
            let stop = (start + GATHER).min(entries.len());
            let n = close_pairs::<L, false>(
                &input.positions[i],
                &entries[start..stop],
                image_bits,
                input.positions,
                input.shifts,
                input.grid.cutoff_squared,
                batch,
            );
            start = stop;
            let mut g = 0;
            while g < n {
                let valid = (n - g).min(4);
                let r = L::sqrt(L::load(batch.r2.as_ptr().add(g)));
                let (m, p) = locate_lanes::<L>(r, input.grid);
                let j = batch.lanes_j(g);
                let rows = group_rows(input, ti, j, m);
                let at_i = cubic::<L>(coefficients::<L>(four(|l| rows[l].density_at_i)), p);
                let at_i = L::first_lanes(at_i, valid);
                own = L::add(own, at_i);
                let at_j = if T::SYMMETRIC {
                    at_i
                } else {
                    let v = cubic::<L>(coefficients::<L>(four(|l| rows[l].density_at_j)), p);
                    L::first_lanes(v, valid)
                };
                let at_j = L::to_array(at_j);
                for l in 0..valid {
                    *rho.at(j[l]) += at_j[l];
                }
                g += 4;
            }
        }
        *rho.at(i) += lane_sum::<L>(own);
    }
}

/// Where the force pass writes: forces [eV/A], and with energies the pair energies [eV] of the
/// atoms and the virial [eV] of each block of the schedule; when `atom_virial` is not null,
/// also the virial of each atom (half of each of its pairs').
#[derive(Clone, Copy)]
struct ForceTargets {
    forces: SharedMut<Padded>,
    energy: SharedMut<f64>,
    block_virial: SharedMut<[f64; 6]>,
    atom_virial: SharedMut<[f64; 6]>,
}

/// Force pass over one row: for every owned pair (i, j) within the cutoff, with g = (dE/dr)/r
/// and d = x_j - x_i, adds g d to the force on i and -g d to that on j; with `ENERGIES`, phi/2
/// to the energy of each and the pair's virial -g d (x) d to that of i's block `block` (the
/// virial is only ever summed: one sum per block, not 48 bytes per atom).
///
/// Long by design: the innermost SIMD loop of the EAM force pass. Its lane registers (the
/// centre atom's force, energy and virial sums) live across the whole row, and the order of
/// every lane operation fixes the results bit for bit on both lane implementations; split into
/// functions, those sums would go through memory and the kernel would slow down.
///
/// # Safety
/// As [`close_pairs`]; no other thread may touch the sums of i or its neighbours, or the
/// virial of block `block`.
#[inline(always)]
unsafe fn force_of_atom<L: Lanes, T: PairTables, const ENERGIES: bool>(
    input: &PairInput<'_, T>,
    slope: &[f64],
    i: usize,
    block: usize,
    out: ForceTargets,
    batch: &mut CloseBatch,
) {
    unsafe {
        let ti = if T::BY_SPECIES { input.types[i] } else { 0 };
        let row = input.list.owned_row(i);
        let (entries, image_bits) = (row.packed(), row.image_bits());
        let inverse_dr = input.grid.inverse_dr;
        let zero = L::splat(0.0);
        let fp_i = L::splat(slope[i]);
        let mut own_force = [zero; 3];
        let mut own_energy = zero;
        let mut own_virial = [zero; 6];
        let mut start = 0;
        while start < entries.len() {
            let stop = (start + GATHER).min(entries.len());
            let n = close_pairs::<L, true>(
                &input.positions[i],
                &entries[start..stop],
                image_bits,
                input.positions,
                input.shifts,
                input.grid.cutoff_squared,
                batch,
            );
            start = stop;
            let mut g = 0;
            while g < n {
                let valid = (n - g).min(4);
                let r = L::sqrt(L::load(batch.r2.as_ptr().add(g)));
                let (m, p) = locate_lanes::<L>(r, input.grid);
                let j = batch.lanes_j(g);
                let rows = group_rows(input, ti, j, m);
                let density_i = coefficients::<L>(four(|l| rows[l].density_at_i));
                let slope_i = cubic_slope::<L>(density_i, p, inverse_dr);
                let slope_j = if T::SYMMETRIC {
                    slope_i
                } else {
                    let density_j = coefficients::<L>(four(|l| rows[l].density_at_j));
                    cubic_slope::<L>(density_j, p, inverse_dr)
                };
                let r_phi = coefficients::<L>(four(|l| rows[l].r_phi));
                let fp_j = L::from_array(four(|l| *slope.get_unchecked(j[l])));
                let recip = L::div(L::splat(1.0), r);
                let phi = L::mul(cubic::<L>(r_phi, p), recip);
                let phi_slope = L::mul(L::sub(cubic_slope::<L>(r_phi, p, inverse_dr), phi), recip);
                let de_dr = L::mul_add(fp_i, slope_i, L::mul_add(fp_j, slope_j, phi_slope));
                let g_lanes = L::mul(de_dr, recip);
                let d = [
                    L::load(batch.dx.as_ptr().add(g)),
                    L::load(batch.dy.as_ptr().add(g)),
                    L::load(batch.dz.as_ptr().add(g)),
                ];
                // Lanes past the batch hold unspecified values: every sum masks them out.
                let f = [
                    L::first_lanes(L::mul(g_lanes, d[0]), valid),
                    L::first_lanes(L::mul(g_lanes, d[1]), valid),
                    L::first_lanes(L::mul(g_lanes, d[2]), valid),
                ];
                for c in 0..3 {
                    own_force[c] = L::add(own_force[c], f[c]);
                }
                let by_pair = L::transpose([f[0], f[1], f[2], zero]);
                for l in 0..valid {
                    let fj = out.forces.at(j[l]).0.as_mut_ptr();
                    L::store(fj, L::sub(L::load(fj), by_pair[l]));
                }
                if ENERGIES {
                    let half_phi = L::first_lanes(L::mul(L::splat(0.5), phi), valid);
                    own_energy = L::add(own_energy, half_phi);
                    let h = L::mul(L::splat(-1.0), g_lanes);
                    let hd = [L::mul(h, d[0]), L::mul(h, d[1]), L::mul(h, d[2])];
                    let w = [
                        L::first_lanes(L::mul(hd[0], d[0]), valid),
                        L::first_lanes(L::mul(hd[1], d[1]), valid),
                        L::first_lanes(L::mul(hd[2], d[2]), valid),
                        L::first_lanes(L::mul(hd[0], d[1]), valid),
                        L::first_lanes(L::mul(hd[0], d[2]), valid),
                        L::first_lanes(L::mul(hd[1], d[2]), valid),
                    ];
                    for c in 0..6 {
                        own_virial[c] = L::add(own_virial[c], w[c]);
                    }
                    let e = L::to_array(half_phi);
                    for l in 0..valid {
                        *out.energy.at(j[l]) += e[l];
                    }
                    if !out.atom_virial.0.is_null() {
                        let by_component = w.map(|c| L::to_array(c));
                        for l in 0..valid {
                            let v = out.atom_virial.at(j[l]);
                            for c in 0..6 {
                                v[c] += 0.5 * by_component[c][l];
                            }
                        }
                    }
                }
                g += 4;
            }
        }
        let by_lane = L::transpose([own_force[0], own_force[1], own_force[2], zero]);
        let total = L::add(
            L::add(by_lane[0], by_lane[1]),
            L::add(by_lane[2], by_lane[3]),
        );
        let fi = out.forces.at(i).0.as_mut_ptr();
        L::store(fi, L::add(L::load(fi), total));
        if ENERGIES {
            *out.energy.at(i) += lane_sum::<L>(own_energy);
            let own = own_virial.map(|c| lane_sum::<L>(c));
            let v = out.block_virial.at(block);
            for c in 0..6 {
                v[c] += own[c];
            }
            if !out.atom_virial.0.is_null() {
                let v = out.atom_virial.at(i);
                for c in 0..6 {
                    v[c] += 0.5 * own[c];
                }
            }
        }
    }
}

/// The density pass over the atoms of one block, with lanes `L`.
///
/// # Safety
/// As [`density_of_atom`] for every atom of `atoms`.
#[inline(always)]
unsafe fn density_block<L: Lanes, T: PairTables>(
    input: &PairInput<'_, T>,
    rho: SharedMut<f64>,
    batch: &mut CloseBatch,
    atoms: &[u32],
) {
    for &i in atoms {
        unsafe { density_of_atom::<L, T>(input, i as usize, rho, batch) };
    }
}

/// [`density_block`] with AVX2 + FMA lanes.
///
/// # Safety
/// As [`density_block`]; the CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn density_block_avx2<T: PairTables>(
    input: &PairInput<'_, T>,
    rho: SharedMut<f64>,
    batch: &mut CloseBatch,
    atoms: &[u32],
) {
    unsafe { density_block::<crate::potential::lanes::Avx2Fma, T>(input, rho, batch, atoms) }
}

/// The force pass over the atoms of one block, with lanes `L`.
///
/// # Safety
/// As [`force_of_atom`] for every atom of `atoms`, the atoms of block `block`.
#[inline(always)]
unsafe fn force_block<L: Lanes, T: PairTables, const ENERGIES: bool>(
    input: &PairInput<'_, T>,
    slope: &[f64],
    out: ForceTargets,
    batch: &mut CloseBatch,
    block: usize,
    atoms: &[u32],
) {
    for &i in atoms {
        unsafe { force_of_atom::<L, T, ENERGIES>(input, slope, i as usize, block, out, batch) };
    }
}

/// [`force_block`] with AVX2 + FMA lanes.
///
/// # Safety
/// As [`force_block`]; the CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn force_block_avx2<T: PairTables, const ENERGIES: bool>(
    input: &PairInput<'_, T>,
    slope: &[f64],
    out: ForceTargets,
    batch: &mut CloseBatch,
    block: usize,
    atoms: &[u32],
) {
    unsafe {
        force_block::<crate::potential::lanes::Avx2Fma, T, ENERGIES>(
            input, slope, out, batch, block, atoms,
        )
    }
}

/// Pass 1: the host density of every atom, `rho_i = sum_j rho_{t_j -> t_i}(r_ij)`, into
/// `density` (resized and zeroed here).
pub fn density_pass<T: PairTables>(input: &PairInput<'_, T>, density: &mut Vec<f64>) {
    input.check();
    density.clear();
    density.resize(input.positions.len(), 0.0);
    let rho = SharedMut(density.as_mut_ptr());
    let path = input.path;
    input
        .list
        .schedule()
        .for_each_block(input.parallel(), CloseBatch::new, |batch, atoms| {
            // SAFETY: the list is checked above, `path` is available (checked above), and the
            // schedule never runs two blocks that share an atom at the same time.
            unsafe {
                match path {
                    #[cfg(target_arch = "x86_64")]
                    KernelPath::Avx2Fma => density_block_avx2(input, rho, batch, atoms),
                    _ => density_block::<Portable, T>(input, rho, batch, atoms),
                }
            }
        });
}

/// Pass 2: embedding energy F(rho_i) [eV] into `energy` and its derivative F'(rho_i) into
/// `slope`, per atom (`embedding[species]`). Past the last tabulated density `rho_max`, the
/// slope stays that of the table's end and the energy is extrapolated linearly (LAMMPS).
pub fn embedding_pass(
    embedding: &[SplineTable],
    rho_max: f64,
    density: &[f64],
    types: &[u32],
    energy: &mut [f64],
    slope: &mut Vec<f64>,
) {
    slope.clear();
    slope.resize(density.len(), 0.0);
    energy
        .par_chunks_mut(ATOM_CHUNK)
        .zip(slope.par_chunks_mut(ATOM_CHUNK))
        .enumerate()
        .with_min_len(1024 / ATOM_CHUNK)
        .for_each(|(chunk, (e, s))| {
            let first = chunk * ATOM_CHUNK;
            for k in 0..e.len() {
                let i = first + k;
                let rho = density[i];
                let table = &embedding[types[i] as usize];
                let (m, p) = locate(rho, 1.0 / table.delta, table.len());
                let c = &table.coefficients[m];
                let fp = derivative(c, p);
                let mut f = value(c, p);
                if rho > rho_max {
                    f += fp * (rho - rho_max);
                }
                s[k] = fp;
                e[k] = f;
            }
        });
}

/// Pair energies [eV] of the atoms and the total virial [eV] (xx yy zz xy xz yz), filled by
/// [`force_pass`] when asked for.
pub struct PairSums<'a> {
    /// Pair energy of each atom (half of each of its pairs).
    pub energy: &'a mut Vec<f64>,
    /// Pair virial of all atoms, W = sum over pairs of -g d (x) d: summed per block of the
    /// schedule, then over the blocks in index order (the same for any number of threads).
    pub virial: &'a mut [f64; 6],
    /// When given, the virial of each atom too (half of each of its pairs'; resized and zeroed
    /// here), for sums over a subset of the atoms (a rank's own, [`crate::domain`]).
    pub atom_virial: Option<&'a mut Vec<[f64; 6]>>,
}

/// Pass 3: forces [eV/A] into `forces` (resized and zeroed here) from the embedding slopes
/// `slope`; with `sums`, also the pair energies (resized and zeroed here) and the virial. The
/// forces are the same bit for bit with or without `sums`.
pub fn force_pass<T: PairTables>(
    input: &PairInput<'_, T>,
    slope: &[f64],
    forces: &mut Vec<Padded>,
    mut sums: Option<PairSums<'_>>,
) {
    input.check();
    let n = input.positions.len();
    assert_eq!(slope.len(), n);
    forces.clear();
    forces.resize(n, Padded::default());
    let schedule = input.list.schedule();
    let mut block_virial: Vec<[f64; 6]> = Vec::new();
    let (energy, virial, atom_virial) = match &mut sums {
        Some(s) => {
            s.energy.clear();
            s.energy.resize(n, 0.0);
            block_virial.resize(schedule.blocks(), [0.0; 6]);
            let atom_virial = match &mut s.atom_virial {
                Some(v) => {
                    v.clear();
                    v.resize(n, [0.0; 6]);
                    v.as_mut_ptr()
                }
                None => std::ptr::null_mut(),
            };
            (
                s.energy.as_mut_ptr(),
                block_virial.as_mut_ptr(),
                atom_virial,
            )
        }
        None => (
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ),
    };
    let energies = !energy.is_null();
    let out = ForceTargets {
        forces: SharedMut(forces.as_mut_ptr()),
        energy: SharedMut(energy),
        block_virial: SharedMut(virial),
        atom_virial: SharedMut(atom_virial),
    };
    let path = input.path;
    schedule.for_each_indexed_block(input.parallel(), CloseBatch::new, |batch, b, atoms| {
        // SAFETY: as in `density_pass`; the energy array and the block sums exist when
        // `energies`, and block b's sum is written by this call only.
        unsafe {
            match (path, energies) {
                #[cfg(target_arch = "x86_64")]
                (KernelPath::Avx2Fma, false) => {
                    force_block_avx2::<T, false>(input, slope, out, batch, b, atoms)
                }
                #[cfg(target_arch = "x86_64")]
                (KernelPath::Avx2Fma, true) => {
                    force_block_avx2::<T, true>(input, slope, out, batch, b, atoms)
                }
                (_, false) => force_block::<Portable, T, false>(input, slope, out, batch, b, atoms),
                (_, true) => force_block::<Portable, T, true>(input, slope, out, batch, b, atoms),
            }
        }
    });
    if let Some(s) = sums {
        *s.virial = [0.0; 6];
        for w in &block_virial {
            for (total, part) in s.virial.iter_mut().zip(w) {
                *total += part;
            }
        }
    }
}
