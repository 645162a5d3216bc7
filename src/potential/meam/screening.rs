//! Many-body screening of MEAM pairs, and the radial cutoff function.
//!
//! An atom k screens the pair i-j when it lies inside an ellipse through i and j (Baskes,
//! Mater. Chem. Phys. 50, 152 (1997); Lee & Baskes, Phys. Rev. B 62, 8564 (2000)). With
//! X_ik = (r_ik/r_ij)^2 and X_jk = (r_jk/r_ij)^2 the ellipse parameter is
//!
//!   C = (2 (X_ik + X_jk) - (X_ik - X_jk)^2 - 1) / (1 - (X_ik - X_jk)^2),
//!
//! and the triplet screening factor is S_ikj = f_c((C - Cmin) / (Cmax - Cmin)), with the
//! smooth step f_c(x) = [1 - (1 - x)^4]^2 on 0 < x < 1 (0 below, 1 above). The pair screening
//! is the product over all k, S_ij = prod_k S_ikj, and the pair is also cut off smoothly at
//! r_c: its weight in every sum is S_ij f_c((r_c - r_ij) / delr).
//!
//! Glossary (LAMMPS / paper names): `ellipse_parameter` = C_ikj, `ellipse_screening` = S_ikj
//! (`Csijk`), `smooth_step` = f_c (`fcut`), `pair_screening` = S_ij (`scrfcn`), its radial
//! derivative `dscrfcn`, `screening_bound` = the squared-distance bound `ebound` beyond which an
//! atom cannot screen.

use rayon::prelude::*;

use super::model::MeamModel;
use super::neighbors::{CloseList, ROW_PADDING, split_at};
use crate::potential::lanes::{KernelPath, Lanes, Portable};

/// Smooth step f_c(x) = [1 - (1 - x)^4]^2 for 0 < x < 1, 0 for x <= 0, 1 for x >= 1
/// (dimensionless; Baskes 1997).
#[inline]
pub fn smooth_step(x: f64) -> f64 {
    if x >= 1.0 {
        1.0
    } else if x <= 0.0 {
        0.0
    } else {
        let a = 1.0 - x;
        let a4 = (a * a) * (a * a);
        let b = 1.0 - a4;
        b * b
    }
}

/// f_c(x) and its derivative df_c/dx = 8 (1 - x)^3 [1 - (1 - x)^4].
#[inline]
pub fn smooth_step_with_derivative(x: f64) -> (f64, f64) {
    if x >= 1.0 {
        (1.0, 0.0)
    } else if x <= 0.0 {
        (0.0, 0.0)
    } else {
        let a = 1.0 - x;
        let a3 = a * a * a;
        let b = 1.0 - a * a3;
        (b * b, 8.0 * b * a3)
    }
}

/// Screening factor S_ikj = f_c((C - Cmin) / (Cmax - Cmin)) of one atom at ellipse parameter
/// `c` (dimensionless).
#[inline]
pub fn ellipse_screening(c: f64, c_min: f64, c_max: f64) -> f64 {
    smooth_step((c - c_min) / (c_max - c_min))
}

/// Ellipse parameter C from the squared distance ratios `x_ik` = (r_ik/r_ij)^2 and `x_jk` =
/// (r_jk/r_ij)^2; `None` when 1 - (x_ik - x_jk)^2 <= 0, where the ellipse construction does not
/// apply and k cannot screen.
#[inline]
pub fn ellipse_parameter(x_ik: f64, x_jk: f64) -> Option<f64> {
    let d = x_ik - x_jk;
    let a = 1.0 - d * d;
    if a <= 0.0 {
        None
    } else {
        Some((2.0 * (x_ik + x_jk) + a - 2.0) / a)
    }
}

/// Derivatives of C with respect to r_ij, r_ik and r_jk, each divided by that distance:
/// ((1/r_ij) dC/dr_ij, (1/r_ik) dC/dr_ik, (1/r_jk) dC/dr_jk) [1/A^2], from the squared
/// distances [A^2]. With R = r_ij^2, a = r_ik^2 - r_jk^2 and D = (R^2 - a^2)^2:
/// (1/r_ij) dC/dr_ij = -4 (R^2 (r_ik^2 + r_jk^2) + a^2 (r_ik^2 + r_jk^2) - 2 R a^2) / D,
/// (1/r_ik) dC/dr_ik = 4 R (R^2 + r_ik^4 + 2 r_ik^2 r_jk^2 - 3 r_jk^4 - 2 R a) / D,
/// (1/r_jk) dC/dr_jk = 4 R (R^2 - 3 r_ik^4 + 2 r_ik^2 r_jk^2 + r_jk^4 + 2 R a) / D.
#[inline]
pub fn ellipse_parameter_derivatives(r_ij2: f64, r_ik2: f64, r_jk2: f64) -> [f64; 3] {
    let r_ij4 = r_ij2 * r_ij2;
    let r_ik4 = r_ik2 * r_ik2;
    let r_jk4 = r_jk2 * r_jk2;
    let a = r_ik2 - r_jk2;
    let b = r_ik2 + r_jk2;
    let a2 = a * a;
    let denom = r_ij4 - a2;
    let inv = 1.0 / (denom * denom);
    [
        -4.0 * (-2.0 * r_ij2 * a2 + r_ij4 * b + a2 * b) * inv,
        4.0 * r_ij2 * (r_ij4 + r_ik4 + 2.0 * r_ik2 * r_jk2 - 3.0 * r_jk4 - 2.0 * r_ij2 * a) * inv,
        4.0 * r_ij2 * (r_ij4 - 3.0 * r_ik4 + 2.0 * r_ik2 * r_jk2 + r_jk4 + 2.0 * r_ij2 * a) * inv,
    ]
}

/// Squared-distance factor beyond which an atom cannot screen: if r_ik^2 or r_jk^2 exceeds
/// `screening_bound(Cmax) * r_ij^2`, k has C >= Cmax or lies where the ellipse construction does
/// not apply (|X_ik - X_jk| >= 1).
///
/// On the boundary C = Cmax, with d = X_ik - X_jk, X_ik = (1 + Cmax)/4 - (Cmax - 1) d^2/4 + d/2.
/// Its largest value over |d| < 1 is Cmax^2 / (4 (Cmax - 1)), at d = 1/(Cmax - 1), for Cmax > 2
/// (the bound LAMMPS uses for every Cmax), and 1 (as d -> 1) for Cmax <= 2, where LAMMPS's bound
/// is looser (infinite at Cmax = 1). The bound only filters atoms that cannot screen, so the
/// tighter one gives the same result.
pub fn screening_bound(c_max: f64) -> f64 {
    if c_max > 2.0 {
        c_max * c_max / (4.0 * (c_max - 1.0))
    } else {
        1.0
    }
}

/// Bound on X_ik + X_jk = (r_ik^2 + r_jk^2) / r_ij^2 for an atom that can screen: inside the
/// ellipse (|d| < 1, C < Cmax), X_ik + X_jk < (1 + Cmax - (Cmax - 1) d^2) / 2, at most
/// max(1, (1 + Cmax)/2). Geometrically, k lies within sqrt(Cmax)/2 r_ij of the pair's midpoint
/// (for Cmax >= 1): a tighter filter than the distance bounds, used before computing C.
pub fn screening_sum_bound(c_max: f64) -> f64 {
    f64::max(1.0, (1.0 + c_max) / 2.0)
}

/// Radial cutoff of a pair: f_c((r_c - r) / delr) and its derivative with respect to r [1/A],
/// given `inv_delr` = 1 / delr [1/A].
#[inline]
pub fn radial_cutoff(r: f64, r_c: f64, inv_delr: f64) -> (f64, f64) {
    let (f, df) = smooth_step_with_derivative((r_c - r) * inv_delr);
    (f, -df * inv_delr)
}

/// One screening atom of a partially screened pair, kept between the screening and force passes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScreeningTriplet {
    /// Entry of the screening atom k in the row of i (index in the block of i).
    pub k_entry: u32,
    /// The screening atom k.
    pub k_atom: u32,
    /// (1/S_ikj) dS_ikj/dC (1/r_ik) dC/dr_ik [1/A^2]: times S_ij f_c, the derivative of the
    /// pair weight with respect to r_ik, divided by r_ik.
    pub d_ik: f64,
    /// The same with respect to r_jk, divided by r_jk [1/A^2].
    pub d_jk: f64,
}

/// Limits of the ellipse for one triplet: (Cmin, Cmax).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EllipseLimits {
    /// Below this C the atom screens completely.
    pub c_min: f64,
    /// Above this C the atom does not screen.
    pub c_max: f64,
}

/// A candidate screening atom of one pair, as seen from i.
#[derive(Clone, Copy, Debug, Default)]
pub struct Candidate {
    /// Entry of k in the close-neighbour row of i.
    pub k_entry: u32,
    /// Squared distance i-k [A^2].
    pub r_ik2: f64,
    /// Squared distance j-k [A^2].
    pub r_jk2: f64,
    /// Ellipse limits of the triplet (i, j; k).
    pub limits: EllipseLimits,
}

/// Screening of the pair i-j at squared distance `r_ij2` by the `candidates` (atoms already
/// known to lie within the screening bound of both i and j), taken in order until one screens
/// completely.
///
/// Returns S_ij and, when the pair is partially screened (0 < S_ij), the radial derivative sum
/// sum_k (1/S_ikj) dS_ikj/dC (1/r_ij) dC/dr_ij [1/A^2]; `triplets` receives the derivative
/// factors for each partially screening atom. A fully screening atom (C <= Cmin) gives S_ij = 0
/// and no triplets.
pub fn pair_screening(
    r_ij2: f64,
    candidates: impl IntoIterator<Item = Candidate>,
    triplets: &mut Vec<ScreeningTriplet>,
) -> (f64, f64) {
    let start = triplets.len();
    let inv = 1.0 / r_ij2;
    let mut s_ij = 1.0;
    let mut radial = 0.0;
    for cand in candidates {
        let x_ik = cand.r_ik2 * inv;
        let x_jk = cand.r_jk2 * inv;
        let d = x_ik - x_jk;
        let a = 1.0 - d * d;
        if a <= 0.0 {
            continue;
        }
        // C = num / a; most atoms are outside the ellipse (C >= Cmax): test without dividing.
        let num = 2.0 * (x_ik + x_jk) + a - 2.0;
        let EllipseLimits { c_min, c_max } = cand.limits;
        if num >= c_max * a {
            continue;
        }
        let c = num / a;
        if c <= c_min {
            triplets.truncate(start);
            return (0.0, 0.0);
        }
        let width = c_max - c_min;
        let (s_ikj, ds_ikj) = smooth_step_with_derivative((c - c_min) / width);
        s_ij *= s_ikj;
        let g = ds_ikj / (width * s_ikj);
        let [d_ij, d_ik, d_jk] = ellipse_parameter_derivatives(r_ij2, cand.r_ik2, cand.r_jk2);
        radial += g * d_ij;
        triplets.push(ScreeningTriplet {
            k_entry: cand.k_entry,
            k_atom: 0,
            d_ik: g * d_ik,
            d_jk: g * d_jk,
        });
    }
    (s_ij, radial)
}

/// What the screening pass computes for one interacting pair (at its owner).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairState {
    /// Distance [A].
    pub r: f64,
    /// Screening S_ij (before the radial cutoff).
    pub screening: f64,
    /// Pair weight S_ij f_c(r_ij): screening times radial cutoff.
    pub weight: f64,
    /// (1/r_ij) d(S_ij f_c)/dr_ij at fixed positions of the screening atoms [1/A^2]; zero when
    /// the weight is exactly 0 or 1.
    pub dweight: f64,
    /// First of the pair's partially screening triplets in the triplet list.
    pub triplet_start: u32,
    /// Number of partially screening triplets.
    pub triplet_count: u32,
    /// Atomic partial densities l = 0..3 each atom receives from the other: `[0]` from j at i,
    /// `[1]` from i at j (computed only for a nonzero weight).
    pub atomic: [[f64; 4]; 2],
}

/// The partially screening triplets of all pairs, and for each atom the triplets in which it is
/// the screening atom. Triplets are stored by block of owners; a triplet's global index is
/// `block_offsets[b]` plus its index in block b.
#[derive(Clone, Debug, Default)]
pub struct TripletList {
    /// Triplets of each block, by pair.
    pub blocks: Vec<Vec<ScreeningTriplet>>,
    /// Global index of the first triplet of each block (and the total at the end).
    pub block_offsets: Vec<usize>,
    /// Triplets screened by atom a are `by_screener[screener_offsets[a]..screener_offsets[a + 1]]`.
    pub screener_offsets: Vec<usize>,
    /// Global triplet indices grouped by screening atom, in triplet order.
    pub by_screener: Vec<u32>,
}

impl TripletList {
    /// Global indices of the triplets in which atom `a` screens.
    #[inline]
    pub fn screened_by(&self, a: usize) -> &[u32] {
        &self.by_screener[self.screener_offsets[a]..self.screener_offsets[a + 1]]
    }

    /// Total number of triplets.
    pub fn len(&self) -> usize {
        self.block_offsets.last().copied().unwrap_or(0)
    }

    /// True when no pair is partially screened.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Numbers the blocks' triplets (global index = block offset + index in the block).
    fn number(&mut self) {
        self.block_offsets.clear();
        self.block_offsets.push(0);
        // Invariant: `block_offsets` holds the 0 pushed just above.
        for t in &self.blocks {
            self.block_offsets
                .push(self.block_offsets.last().unwrap() + t.len());
        }
    }

    /// Indexes the triplets by screening atom for `atoms` atoms (a counting sort, in triplet
    /// order). Only the gather needs it, so it can run beside the density pass.
    pub fn index_screeners(&mut self, atoms: usize) {
        self.screener_offsets.clear();
        self.screener_offsets.resize(atoms + 1, 0);
        for t in self.blocks.iter().flatten() {
            self.screener_offsets[t.k_atom as usize + 1] += 1;
        }
        for a in 0..atoms {
            self.screener_offsets[a + 1] += self.screener_offsets[a];
        }
        self.by_screener.clear();
        self.by_screener.resize(self.len(), 0);
        let mut fill = self.screener_offsets.clone();
        for (k, t) in self.blocks.iter().flatten().enumerate() {
            let a = t.k_atom as usize;
            self.by_screener[fill[a]] = k as u32;
            fill[a] += 1;
        }
    }
}

/// The screening pass: for every interacting pair, at the entry that owns it, S_ij f_c, its
/// radial derivative, the partially screening atoms and (for a nonzero weight) the atomic
/// partial densities the two atoms receive from each other. Blocks of atoms write their own
/// pairs and triplets. The candidate screeners are searched for on the lanes of `path` (the
/// same result on either); a path this CPU cannot run runs as [`KernelPath::Portable`].
pub fn screen_pairs(
    model: &MeamModel,
    close: &CloseList,
    pairs: &mut [PairState],
    triplets: &mut TripletList,
    path: KernelPath,
) {
    triplets.blocks.resize_with(close.blocks.len(), Vec::new);
    triplets.blocks.truncate(close.blocks.len());
    let path = if path.is_available() {
        path
    } else {
        KernelPath::Portable
    };
    let pair_slices = split_at(pairs, &close.block_pairs);
    pair_slices
        .into_par_iter()
        .zip(triplets.blocks.par_iter_mut())
        .with_max_len(1)
        .enumerate()
        // SAFETY: `path` is what this CPU runs; the rows' arrays are padded (`ROW_PADDING`).
        .for_each(|(b, (out, trip))| unsafe {
            match path {
                #[cfg(target_arch = "x86_64")]
                KernelPath::Avx2Fma => screen_block_avx2(model, close, b, out, trip),
                _ => screen_block::<Portable>(model, close, b, out, trip),
            }
        });
    triplets.number();
}

/// [`screen_block`] with AVX2 + FMA lanes.
///
/// # Safety
/// As [`screen_block`]; the CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline(never)]
unsafe fn screen_block_avx2(
    model: &MeamModel,
    close: &CloseList,
    b: usize,
    out: &mut [PairState],
    trip: &mut Vec<ScreeningTriplet>,
) {
    unsafe { screen_block::<crate::potential::lanes::Avx2Fma>(model, close, b, out, trip) }
}

/// The screening pass for the atoms of block `b`: their owned pairs (`out`, the block's pairs)
/// and their partially screening triplets (`trip`).
///
/// Long by design: the hot loop of the screening pass, where each pair's screening product and
/// its candidate triplets are found in one sweep over the pair's neighbours; split, the sweep
/// would run twice or pass its partial products between functions, at a cost in speed, and the
/// product's order (which fixes its rounding) must not change.
///
/// # Safety
/// The lanes `L` must be available on this CPU ([`KernelPath::is_available`]), and the block's
/// separation arrays must hold [`ROW_PADDING`] slots past its last entry (as
/// [`super::neighbors::CloseList::rebuild`] makes them).
#[inline(always)]
unsafe fn screen_block<L: Lanes>(
    model: &MeamModel,
    close: &CloseList,
    b: usize,
    out: &mut [PairState],
    trip: &mut Vec<ScreeningTriplet>,
) {
    let n_el = model.len();
    trip.clear();
    let rows = &close.blocks[b];
    let mut candidates: Vec<Candidate> = Vec::new();
    for i in close.block_atoms(b) {
        let row = close.local_row(i);
        let entries = &rows.entries[row.clone()];
        let ei = close.atom_element[i] as usize;
        let (xs, ys, zs) = (
            &rows.x[row.clone()],
            &rows.y[row.clone()],
            &rows.z[row.clone()],
        );
        let r2s = &rows.r2[row.clone()];
        debug_assert!(rows.x.len() >= row.end + ROW_PADDING);
        // The row's arrays from its first entry, read four lanes at a time (up to ROW_PADDING
        // slots past its end).
        let lane_rows = [&rows.x, &rows.y, &rows.z, &rows.r2].map(|a| a[row.start..].as_ptr());
        for (pos, e) in entries.iter().enumerate() {
            if !(e.owned && e.interacting) {
                continue;
            }
            let slot = &mut out[e.pair as usize];
            let r_ij2 = r2s[pos];
            let r = r_ij2.sqrt();
            let inv_r = 1.0 / r;
            *slot = PairState {
                r,
                ..Default::default()
            };
            let ej = e.element as usize;
            let pair = ei * n_el + ej;
            let bound = model.screening_bound[pair] * r_ij2;
            let sum_bound = model.screening_sum_bound[pair] * r_ij2;
            let limits = &model.limits[pair * n_el..(pair + 1) * n_el];
            // Which atoms of the row lie within both bounds: a sweep over the row's coordinate
            // arrays four entries at a time, to a bit mask, then the few inside ones, in row
            // order, for pair_screening (which stops at the first atom that screens
            // completely). The lanes compute r_jk^2 with the same operations as `r_jk2_of`.
            let (ex, ey, ez) = (xs[pos], ys[pos], zs[pos]);
            let r_jk2_of = |q: usize| {
                let (dx, dy, dz) = (xs[q] - ex, ys[q] - ey, zs[q] - ez);
                dx * dx + dy * dy + dz * dz
            };
            candidates.clear();
            let (lx, ly, lz) = unsafe { (L::splat(ex), L::splat(ey), L::splat(ez)) };
            let (lb, ls) = unsafe { (L::splat(bound), L::splat(sum_bound)) };
            for base in (0..row.len()).step_by(64) {
                let end = row.len().min(base + 64);
                let mut mask = 0u64;
                for at in (base..end).step_by(4) {
                    // SAFETY: entries at..at + 4 lie within the row or the padding after it.
                    let inside = unsafe {
                        let [px, py, pz, pr] = lane_rows.map(|p| p.add(at));
                        let (dx, dy, dz) = (
                            L::sub(L::load(px), lx),
                            L::sub(L::load(py), ly),
                            L::sub(L::load(pz), lz),
                        );
                        let r_jk2 = L::add(L::add(L::mul(dx, dx), L::mul(dy, dy)), L::mul(dz, dz));
                        let r_ik2 = L::load(pr);
                        L::less_equal(r_ik2, lb)
                            & L::less_equal(r_jk2, lb)
                            & L::less_equal(L::add(r_ik2, r_jk2), ls)
                    };
                    mask |= u64::from(inside) << (at - base);
                }
                // Lanes past the row's end.
                if end - base < 64 {
                    mask &= (1u64 << (end - base)) - 1;
                }
                while mask != 0 {
                    let q = base + mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    if q != pos {
                        candidates.push(Candidate {
                            k_entry: (row.start + q) as u32,
                            r_ik2: r2s[q],
                            r_jk2: r_jk2_of(q),
                            limits: limits[entries[q].element as usize],
                        });
                    }
                }
            }
            let start = trip.len();
            let (s, radial) = pair_screening(r_ij2, candidates.iter().copied(), trip);
            if s == 0.0 {
                continue;
            }
            for t in &mut trip[start..] {
                t.k_atom = entries[t.k_entry as usize - row.start].j;
            }
            let (fc, dfc) = radial_cutoff(r, model.cutoff, 1.0 / model.cutoff_width);
            let weight = s * fc;
            let from_j = model.atomic_densities(ej, r);
            let from_i = if ei == ej {
                from_j
            } else {
                model.atomic_densities(ei, r)
            };
            *slot = PairState {
                r,
                screening: s,
                weight,
                dweight: if weight != 1.0 {
                    weight * radial + s * dfc * inv_r
                } else {
                    0.0
                },
                triplet_start: start as u32,
                triplet_count: (trip.len() - start) as u32,
                atomic: [from_j, from_i],
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c_of(r_ij2: f64, r_ik2: f64, r_jk2: f64) -> f64 {
        ellipse_parameter(r_ik2 / r_ij2, r_jk2 / r_ij2).unwrap()
    }

    #[test]
    fn smooth_step_limits_and_derivative() {
        assert_eq!(smooth_step(-0.1), 0.0);
        assert_eq!(smooth_step(1.2), 1.0);
        for &x in &[0.05, 0.3, 0.5, 0.77, 0.99] {
            let h = 1e-6;
            let (f, df) = smooth_step_with_derivative(x);
            assert!((f - smooth_step(x)).abs() < 1e-15);
            let fd = (smooth_step(x + h) - smooth_step(x - h)) / (2.0 * h);
            assert!((df - fd).abs() < 1e-8, "x {x}: {df} vs {fd}");
        }
    }

    #[test]
    fn ellipse_parameter_of_known_geometries() {
        // k at the midpoint of i-j: X = 1/4 each, C = 0.
        assert!(c_of(4.0, 1.0, 1.0).abs() < 1e-15);
        // fcc second neighbours screened by a common first neighbour: X = 1/2, C = 1.
        assert!((c_of(2.0, 1.0, 1.0) - 1.0).abs() < 1e-15);
        // Equilateral triangle: X = 1, C = 3.
        assert!((c_of(1.0, 1.0, 1.0) - 3.0).abs() < 1e-15);
        assert_eq!(ellipse_parameter(2.5, 0.5), None);
    }

    #[test]
    fn ellipse_derivatives_match_finite_differences() {
        let (rij, rik, rjk) = (2.9f64, 2.1f64, 2.4f64);
        let c = |a: f64, b: f64, d: f64| c_of(a * a, b * b, d * d);
        let h = 1e-6;
        let d_ij = (c(rij + h, rik, rjk) - c(rij - h, rik, rjk)) / (2.0 * h) / rij;
        let d_ik = (c(rij, rik + h, rjk) - c(rij, rik - h, rjk)) / (2.0 * h) / rik;
        let d_jk = (c(rij, rik, rjk + h) - c(rij, rik, rjk - h)) / (2.0 * h) / rjk;
        let [dij, a, b] = ellipse_parameter_derivatives(rij * rij, rik * rik, rjk * rjk);
        assert!((dij - d_ij).abs() < 1e-7);
        assert!((a - d_ik).abs() < 1e-7, "{a} {d_ik}");
        assert!((b - d_jk).abs() < 1e-7, "{b} {d_jk}");
    }

    #[test]
    fn screening_bound_encloses_the_ellipse() {
        // On the perpendicular bisector C = 4 X - 1 (X = X_ik = X_jk): C = Cmax at X = (1 + Cmax)/4,
        // inside the bound Cmax^2 / (4 (Cmax - 1)).
        for &cmax in &[1.0, 1.5, 2.0, 2.8, 4.0] {
            assert!((1.0 + cmax) / 4.0 <= screening_bound(cmax) + 1e-15);
        }
        assert!((screening_bound(2.8) - 2.8 * 2.8 / 7.2).abs() < 1e-15);
        // The sum bound: on the boundary C = Cmax, X_ik + X_jk = (1 + Cmax - (Cmax - 1) d^2)/2.
        for &cmax in &[0.5, 1.0, 2.0, 2.8, 4.0] {
            for k in 0..2000 {
                let d = -1.0 + k as f64 / 1000.0;
                let sum = (1.0 + cmax - (cmax - 1.0) * d * d) / 2.0;
                assert!(sum <= screening_sum_bound(cmax) + 1e-15);
            }
        }
        // Scan the ellipse boundary over |d| < 1: X_ik never exceeds the bound.
        for &cmax in &[0.5, 1.0, 1.5, 2.0, 2.5, 2.8, 4.0] {
            let bound = screening_bound(cmax);
            let mut largest = f64::MIN;
            for k in 0..=20000 {
                let d = -1.0 + 2.0 * k as f64 / 20000.0;
                let x = (1.0 + cmax) / 4.0 - (cmax - 1.0) * d * d / 4.0 + d / 2.0;
                largest = largest.max(x);
            }
            assert!(largest <= bound + 1e-12, "Cmax {cmax}: {largest} > {bound}");
            assert!(
                largest > bound - 1e-3,
                "Cmax {cmax}: bound {bound} is loose ({largest})"
            );
        }
    }

    #[test]
    fn partial_full_and_no_screening() {
        let lim = EllipseLimits {
            c_min: 0.36,
            c_max: 2.8,
        };
        let cand = |rik2, rjk2| Candidate {
            k_entry: 7,
            r_ik2: rik2,
            r_jk2: rjk2,
            limits: lim,
        };
        let mut t = Vec::new();
        // C = 1 for this geometry: partial screening with one triplet.
        let (s, _) = pair_screening(2.0, [cand(1.0, 1.0)], &mut t);
        assert!((s - ellipse_screening(1.0, 0.36, 2.8)).abs() < 1e-15);
        assert!(s > 0.0 && s < 1.0);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].k_entry, 7);
        // C = 0 (midpoint): fully screened, triplets dropped.
        let (s, d) = pair_screening(4.0, [cand(1.0, 1.0)], &mut t);
        assert_eq!((s, d), (0.0, 0.0));
        assert_eq!(t.len(), 1);
        // C = 3 > Cmax: no screening.
        let (s, d) = pair_screening(1.0, [cand(1.0, 1.0)], &mut t);
        assert_eq!((s, d), (1.0, 0.0));
    }
}
