//! The force pass of MEAM and the final gather.
//!
//! The energy is E = sum_i F_i(rhobar_i) + 1/2 sum_{i != j} S_ij f_c(r_ij) phi_ij(r_ij). Each
//! pair (at the entry that owns it) differentiates its terms: the pair energy, and the change of
//! rhobar at both ends with r_ij, with the direction of x_j - x_i (the angular densities) and
//! with the pair weight S_ij f_c. The weight depends on the screening atoms k as well; those
//! derivatives (from the screening pass) give forces on i, j and k along i-k and j-k.
//!
//! The force pass stores one force per pair and two coefficients per screening triplet; each
//! atom then gathers what concerns it (the pairs in its row, and the triplets it screens). Every
//! sum runs in a fixed order, so the result is the same for any number of threads. Per-atom energies and virials follow LAMMPS: half of a
//! pair term to each of i and j, a third of a screening term to each of i, j and k.

use rayon::prelude::*;

use super::density::{AtomDensity, voigt2_index, voigt3_index};
use super::model::MeamModel;
use super::neighbors::{BLOCK, CloseList, PairLinks, split_at};
use super::params::TAveraging;
use super::screening::{PairState, TripletList};
use crate::potential::ForceOutput;
use crate::system::Vec3;

/// Force [eV/A], energy [eV] and virial [eV] (xx yy zz xy xz yz) destined for one atom.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Contribution {
    /// Force [eV/A].
    pub force: Vec3,
    /// Energy [eV].
    pub energy: f64,
    /// Virial [eV].
    pub virial: [f64; 6],
}

impl Contribution {
    #[inline]
    fn add_virial(&mut self, v: &[f64; 6]) {
        for (a, b) in self.virial.iter_mut().zip(v) {
            *a += b;
        }
    }
}

/// Per-atom virial of a pair force `f` on i (and -f on j) with separation `d` = x_j - x_i: half
/// of -d (x) f, symmetrised [eV].
#[inline]
fn pair_virial(d: Vec3, f: Vec3) -> [f64; 6] {
    [
        -0.5 * d.x * f.x,
        -0.5 * d.y * f.y,
        -0.5 * d.z * f.z,
        -0.25 * (d.x * f.y + d.y * f.x),
        -0.25 * (d.x * f.z + d.z * f.x),
        -0.25 * (d.y * f.z + d.z * f.y),
    ]
}

/// Per-atom virial (a third to each of i, j, k) of screening forces `fi` on i along `d_ik` and
/// `fj` on j along `d_jk` (with their negatives on k) [eV].
#[inline]
fn triplet_virial(d_ik: Vec3, fi: Vec3, d_jk: Vec3, fj: Vec3) -> [f64; 6] {
    let third = 1.0 / 3.0;
    let sixth = 1.0 / 6.0;
    [
        -third * (d_ik.x * fi.x + d_jk.x * fj.x),
        -third * (d_ik.y * fi.y + d_jk.y * fj.y),
        -third * (d_ik.z * fi.z + d_jk.z * fj.z),
        -sixth * (d_ik.x * fi.y + d_jk.x * fj.y + d_ik.y * fi.x + d_jk.y * fj.x),
        -sixth * (d_ik.x * fi.z + d_jk.x * fj.z + d_ik.z * fi.x + d_jk.z * fj.x),
        -sixth * (d_ik.y * fi.z + d_jk.y * fj.z + d_ik.z * fi.y + d_jk.z * fj.y),
    ]
}

/// What one neighbour contributes to an atom's densities, and how that changes with r.
#[derive(Clone, Copy, Debug)]
struct NeighborDensity<'a> {
    /// Atomic partial densities rho_a^(l) of the neighbour's element at r (t-weighted for
    /// ialloy = 1).
    rho: &'a [f64; 4],
    /// d ln rho_a^(l) / dr of the neighbour's element [1/A].
    log_slope: &'a [f64; 4],
    /// Weights t(1..3) of the neighbour's element.
    t: &'a [f64; 3],
}

/// A pair as one of its atoms sees it.
#[derive(Clone, Copy, Debug)]
struct PairView {
    /// Separation from the atom to its neighbour [A].
    u: Vec3,
    /// Distance [A].
    r: f64,
    /// Pair weight S f_c.
    s: f64,
}

/// Derivatives of one atom's rhobar with respect to a pair's distance r, the direction u of the
/// pair (from the atom to its neighbour, at fixed r) and the pair weight S.
#[derive(Clone, Copy, Debug, Default)]
struct RhobarDerivatives {
    /// d rhobar / dr [1/A].
    dr: f64,
    /// d rhobar / du_m at fixed r [1/A].
    du: Vec3,
    /// d rhobar / dS.
    ds: f64,
}

/// Derivatives of the rhobar of an atom in `state` (reference shape factors `shape`) with respect
/// to one of its pairs, `pair`, with neighbour densities `nb`. `with_weight` asks for d/dS too.
/// `VARIABLE_T` = false leaves out the terms through the averaged weights t, which vanish for
/// ialloy = 2 without mixture_ref_t. (Baskes 1992 densities; the t derivatives follow `ialloy`.)
///
/// Long by design: one chain rule through the four partial densities, evaluated inside the
/// force loop for every pair; its terms are summed in LAMMPS's order (which the results follow
/// bit for bit), so it stays one inlined function rather than steps that would reorder them.
#[inline(always)]
fn rhobar_derivatives<const VARIABLE_T: bool>(
    state: &AtomDensity,
    shape: &[f64; 3],
    nb: NeighborDensity<'_>,
    pair: PairView,
    averaging: TAveraging,
    with_weight: bool,
) -> RhobarDerivatives {
    let a = state;
    let PairView { u, r, s } = pair;
    let u = [u.x, u.y, u.z];
    let rho = nb.rho;
    let drho = [0, 1, 2, 3].map(|l| nb.log_slope[l] * rho[l]);
    // Contractions of the angular sums with the pair direction: A1.u, A2.u, A3:uu, A3b.u, and
    // their full contractions p2 = u.A2.u, p3 = A3:uuu.
    let p1: f64 = (0..3).map(|m| a.arho1[m] * u[m]).sum();
    let p3b: f64 = (0..3).map(|m| a.arho3b[m] * u[m]).sum();
    // The components of the symmetric A2 and A3 by their full-tensor indices (the index
    // functions fold to constants once the loops are unrolled).
    let a2 = |m: usize, n: usize| a.arho2[voigt2_index(m, n)];
    let a3 = |m: usize, n: usize, q: usize| a.arho3[voigt3_index(m, n, q)];
    let a2u: [f64; 3] =
        std::array::from_fn(|m| a2(m, 0) * u[0] + a2(m, 1) * u[1] + a2(m, 2) * u[2]);
    let a3uu: [f64; 3] = std::array::from_fn(|m| {
        (0..3)
            .map(|n| (a3(m, n, 0) * u[0] + a3(m, n, 1) * u[1] + a3(m, n, 2) * u[2]) * u[n])
            .sum()
    });
    let p2 = a2u[0] * u[0] + a2u[1] * u[1] + a2u[2] * u[2];
    let p3 = a3uu[0] * u[0] + a3uu[1] * u[1] + a3uu[2] * u[2];
    // Powers of 1/r, so that the terms below need no division.
    let inv_r = 1.0 / r;
    let inv_r2 = inv_r * inv_r;
    let inv_r3 = inv_r2 * inv_r;

    // d rho_l^2 / dr for l = 0..3 (l = 0: rho0 itself).
    let d0 = drho[0] * s;
    let d1 = 2.0 * s * inv_r * (drho[1] - rho[1] * inv_r) * p1;
    let d2 = 2.0 * s * inv_r2 * (drho[2] - 2.0 * rho[2] * inv_r) * p2
        - 2.0 / 3.0 * a.arho2b * drho[2] * s;
    let d3 = 2.0 * s * inv_r3 * (drho[3] - 3.0 * rho[3] * inv_r) * p3
        - 6.0 / 5.0 * s * inv_r * (drho[3] - rho[3] * inv_r) * p3b;

    // d rho_l^2 / du_m at fixed r.
    let c1 = 2.0 * s * inv_r * rho[1];
    let c2 = 4.0 * s * inv_r2 * rho[2];
    let c3 = 6.0 * s * inv_r3 * rho[3];
    let c3b = 6.0 / 5.0 * s * inv_r * rho[3];
    let du1: [f64; 3] = std::array::from_fn(|m| c1 * a.arho1[m]);
    let du2: [f64; 3] = std::array::from_fn(|m| c2 * a2u[m]);
    let du3: [f64; 3] = std::array::from_fn(|m| c3 * a3uu[m] - c3b * a.arho3b[m]);

    // Derivatives of the averaged weights t with r (scaled by the same factor for S).
    let t_change = |scale: f64| -> [f64; 3] {
        match averaging {
            TAveraging::OwnElement => [0.0; 3],
            TAveraging::DensityWeighted => {
                if a.rho0.abs() < 1e-20 {
                    [0.0; 3]
                } else {
                    let f = scale / a.rho0;
                    [0, 1, 2].map(|l| f * (nb.t[l] - state.t[l]))
                }
            }
            TAveraging::SquareWeighted => [0, 1, 2].map(|l| {
                let tsq = state.tsq_sum[l];
                if tsq.abs() < 1e-20 {
                    0.0
                } else {
                    scale / tsq * (nb.t[l] - state.t[l] * nb.t[l] * nb.t[l])
                }
            }),
        }
    };
    let [t1, t2, t3] = state.t;
    let [a1, a2, a3] = state.angular;
    let mut dr = state.dgamma1 * d0 + state.dgamma2 * (t1 * d1 + t2 * d2 + t3 * d3);
    if VARIABLE_T {
        let dt = t_change(drho[0] * s);
        dr += state.dgamma2 * (dt[0] * a1 + dt[1] * a2 + dt[2] * a3)
            - state.dgamma3 * (shape[0] * dt[0] + shape[1] * dt[1] + shape[2] * dt[2]);
    }
    let du = Vec3::new(
        state.dgamma2 * (t1 * du1[0] + t2 * du2[0] + t3 * du3[0]),
        state.dgamma2 * (t1 * du1[1] + t2 * du2[1] + t3 * du3[1]),
        state.dgamma2 * (t1 * du1[2] + t2 * du2[2] + t3 * du3[2]),
    );
    let ds = if with_weight {
        let s0 = rho[0];
        let s1 = 2.0 * inv_r * rho[1] * p1;
        let s2 = 2.0 * inv_r2 * rho[2] * p2 - 2.0 / 3.0 * a.arho2b * rho[2];
        let s3 = 2.0 * inv_r3 * rho[3] * p3 - 6.0 / 5.0 * inv_r * rho[3] * p3b;
        let mut ds = state.dgamma1 * s0 + state.dgamma2 * (t1 * s1 + t2 * s2 + t3 * s3);
        if VARIABLE_T {
            let dts = t_change(rho[0]);
            ds += state.dgamma2 * (dts[0] * a1 + dts[1] * a2 + dts[2] * a3)
                - state.dgamma3 * (shape[0] * dts[0] + shape[1] * dts[1] + shape[2] * dts[2]);
        }
        ds
    } else {
        0.0
    };
    RhobarDerivatives { dr, du, ds }
}

/// Result of the force pass for one pair, with the screening forces of its triplets on i and j
/// already added: the forces each of its two atoms gathers (energy and virial are in
/// [`PairTerms`], apart, so that a step without energies writes and reads 48 bytes per pair).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairForce {
    /// Force on the owner i [eV/A]: the pair and embedding terms plus the screening forces of
    /// the pair's triplets on i.
    pub on_owner: Vec3,
    /// Force on j [eV/A]: the opposite pair and embedding force plus the triplets' screening
    /// forces on j.
    pub on_other: Vec3,
}

/// Energy and virial of one pair, computed by the force pass only when it computes virials.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairTerms {
    /// Pair energy S_ij f_c phi(r_ij) [eV] (half to each atom).
    pub energy: f64,
    /// Virial each of i and j receives [eV]: half of the pair term and a third of each
    /// triplet's.
    pub virial: [f64; 6],
}

/// What the force pass writes for every pair and every screening triplet (i, j; k), in the
/// pairs' and triplets' global order, for the gather to read.
#[derive(Clone, Debug, Default)]
pub struct ForceRecords {
    /// Forces on the two atoms of each pair.
    pub pairs: Vec<PairForce>,
    /// Energy and virial of each pair (stale after a pass without virials).
    pub pair_terms: Vec<PairTerms>,
    /// Force on the screening atom k of each triplet [eV/A], minus the sum of those on i and j.
    pub on_screener: Vec<Vec3>,
    /// The third of each triplet's virial that k receives [eV] (stale after a pass without
    /// virials).
    pub screener_virial: Vec<[f64; 6]>,
}

impl ForceRecords {
    /// Sizes the arrays for `pairs` pairs and `triplets` triplets (contents are overwritten by
    /// the force pass).
    pub fn resize(&mut self, pairs: usize, triplets: usize) {
        self.pairs.resize(pairs, PairForce::default());
        self.pair_terms.resize(pairs, PairTerms::default());
        self.on_screener.resize(triplets, Vec3::zeros());
        self.screener_virial.resize(triplets, [0.0; 6]);
    }
}

/// One block's share of the [`ForceRecords`].
struct BlockRecords<'a> {
    pairs: &'a mut [PairForce],
    pair_terms: &'a mut [PairTerms],
    on_screener: &'a mut [Vec3],
    screener_virial: &'a mut [[f64; 6]],
}

/// The force pass. For every interacting pair at its owning entry: the pair energy, the force
/// from the pair energy and from both atoms' embedding energies, and for each partially
/// screening atom k the screening forces on i and j (and their negative sum on k); with
/// `virials`, the pairs' energies and the pairs' and triplets' virials. Blocks of atoms write
/// their own pairs and triplets of `records` (sized by [`ForceRecords::resize`]).
pub fn force_pass(
    model: &MeamModel,
    close: &CloseList,
    pairs: &[PairState],
    triplets: &TripletList,
    states: &[AtomDensity],
    records: &mut ForceRecords,
    virials: bool,
) {
    let pair_bounds = &close.block_pairs;
    let triplet_bounds = &triplets.block_offsets;
    let outputs = split_at(&mut records.pairs, pair_bounds)
        .into_iter()
        .zip(split_at(&mut records.pair_terms, pair_bounds))
        .zip(split_at(&mut records.on_screener, triplet_bounds))
        .zip(split_at(&mut records.screener_virial, triplet_bounds))
        .map(
            |(((pairs, pair_terms), on_screener), screener_virial)| BlockRecords {
                pairs,
                pair_terms,
                on_screener,
                screener_virial,
            },
        )
        .collect::<Vec<_>>();
    outputs
        .into_par_iter()
        .with_max_len(1)
        .enumerate()
        .for_each(|(b, out)| {
            let block = BlockInputs {
                model,
                close,
                pairs,
                triplets,
                states,
                b,
            };
            if virials {
                force_block::<true>(block, out)
            } else {
                force_block::<false>(block, out)
            }
        });
}

/// What the force pass reads for one block of atoms.
#[derive(Clone, Copy)]
struct BlockInputs<'a> {
    model: &'a MeamModel,
    close: &'a CloseList,
    pairs: &'a [PairState],
    triplets: &'a TripletList,
    states: &'a [AtomDensity],
    /// The block.
    b: usize,
}

/// The force pass for the pairs and triplets owned by the atoms of block `b`; the energies and
/// virials only with `VIRIAL` (else they are left as they were).
///
/// Long by design: this is the hot loop of a MEAM evaluation, and its pair and triplet sums
/// share locals (the pair's derivatives, the running force and virial sums) in an order that
/// fixes every rounding; split into functions, the compiler no longer keeps them in registers
/// and a change of their order would change the results' last bits.
#[inline(never)]
fn force_block<const VIRIAL: bool>(block: BlockInputs<'_>, out: BlockRecords<'_>) {
    let BlockInputs {
        model,
        close,
        pairs,
        triplets,
        states,
        b,
    } = block;
    let BlockRecords {
        pairs: pair_out,
        pair_terms,
        on_screener,
        screener_virial,
    } = out;
    let averaging = model.settings.averaging;
    // The weights t change with the neighbourhood unless each atom keeps its own (ialloy = 2);
    // mixture_ref_t adds a term through them.
    let variable_t = averaging != TAveraging::OwnElement || model.settings.mixture_ref_t;
    let first_pair = close.block_pairs[b];
    let block_triplets = &triplets.blocks[b];
    let rows = &close.blocks[b];
    for i in close.block_atoms(b) {
        let ei = close.atom_element[i];
        if ei == u16::MAX {
            continue;
        }
        let ei = ei as usize;
        let el_i = &model.elements[ei];
        for e in close.local_row(i) {
            let entry = &rows.entries[e];
            if !(entry.owned && entry.interacting) {
                continue;
            }
            let pw = &pairs[first_pair + entry.pair as usize];
            let p = entry.pair as usize;
            if pw.weight == 0.0 {
                pair_out[p] = PairForce::default();
                if VIRIAL {
                    pair_terms[p] = PairTerms::default();
                }
                continue;
            }
            let j = entry.j as usize;
            let ej = entry.element as usize;
            let el_j = &model.elements[ej];
            let (d, r, s) = (rows.delta(e), pw.r, pw.weight);
            let (phi, dphi) = model.pair_energy(ei, ej, r);
            let with_weight = pw.dweight != 0.0;
            // Atom i sees j's element along d; atom j sees i's along -d.
            let view_i = (
                &states[i],
                &el_i.shape,
                NeighborDensity {
                    rho: &pw.atomic[0],
                    log_slope: &el_j.log_slope,
                    t: &el_j.t,
                },
                PairView { u: d, r, s },
            );
            let view_j = (
                &states[j],
                model.partner_shape(ei, ej),
                NeighborDensity {
                    rho: &pw.atomic[1],
                    log_slope: &el_i.log_slope,
                    t: &el_i.t,
                },
                PairView { u: -d, r, s },
            );
            let (at_i, at_j) = if variable_t {
                (
                    rhobar_derivatives::<true>(
                        view_i.0,
                        view_i.1,
                        view_i.2,
                        view_i.3,
                        averaging,
                        with_weight,
                    ),
                    rhobar_derivatives::<true>(
                        view_j.0,
                        view_j.1,
                        view_j.2,
                        view_j.3,
                        averaging,
                        with_weight,
                    ),
                )
            } else {
                (
                    rhobar_derivatives::<false>(
                        view_i.0,
                        view_i.1,
                        view_i.2,
                        view_i.3,
                        averaging,
                        with_weight,
                    ),
                    rhobar_derivatives::<false>(
                        view_j.0,
                        view_j.1,
                        view_j.2,
                        view_j.3,
                        averaging,
                        with_weight,
                    ),
                )
            };
            let (fp_i, fp_j) = (
                states[i].embedding_derivative,
                states[j].embedding_derivative,
            );
            let de_dr = dphi * s + fp_i * at_i.dr + fp_j * at_j.dr;
            let de_ds = if with_weight {
                phi + fp_i * at_i.ds + fp_j * at_j.ds
            } else {
                0.0
            };
            // d/dd at fixed r: i's densities change with u = d, j's with u = -d.
            let de_dd = fp_i * at_i.du - fp_j * at_j.du;
            let force = d * (de_dr / r + de_ds * pw.dweight) + de_dd;
            let mut record = PairForce {
                on_owner: force,
                on_other: -force,
            };
            let mut virial = if VIRIAL {
                pair_virial(d, force)
            } else {
                [0.0; 6]
            };
            // Screening atoms: the weight changes with r_ik and r_jk.
            let start = pw.triplet_start as usize;
            for t in start..start + pw.triplet_count as usize {
                let trip = &block_triplets[t];
                let d_ik = rows.delta(trip.k_entry as usize);
                let d_jk = d_ik - d;
                let on_i = d_ik * (de_ds * s * trip.d_ik);
                let on_j = d_jk * (de_ds * s * trip.d_jk);
                record.on_owner += on_i;
                record.on_other += on_j;
                on_screener[t] = -(on_i + on_j);
                if VIRIAL {
                    let third = triplet_virial(d_ik, on_i, d_jk, on_j);
                    screener_virial[t] = third;
                    for (a, b) in virial.iter_mut().zip(&third) {
                        *a += b;
                    }
                }
            }
            pair_out[p] = record;
            if VIRIAL {
                pair_terms[p] = PairTerms {
                    energy: phi * s,
                    virial,
                };
            }
        }
    }
}

/// What the gather reads: the rows, the pair links, the triplets and the force pass's results.
#[derive(Clone, Copy)]
pub struct GatherInputs<'a> {
    /// Close-neighbour rows.
    pub close: &'a CloseList,
    /// Pair index of every interacting entry.
    pub links: &'a PairLinks,
    /// Screening triplets and their index by screening atom.
    pub triplets: &'a TripletList,
    /// The force pass's results.
    pub records: &'a ForceRecords,
    /// Embedding energy of each atom [eV].
    pub embedding: &'a [f64],
}

/// Sums, for every atom, its embedding energy and the pair and screening contributions of all
/// pairs it belongs to or screens, into `out` (energies, forces, per-atom virials and totals).
/// Totals are summed by block, then over blocks in order.
pub fn gather(inputs: &GatherInputs<'_>, out: &mut ForceOutput) {
    let n = inputs.embedding.len();
    out.reset(n);
    let ForceOutput {
        per_atom_energy,
        forces,
        per_atom_virial,
        ..
    } = out;
    let block_totals: Vec<[f64; 7]> = forces
        .par_chunks_mut(BLOCK)
        .zip(per_atom_energy.par_chunks_mut(BLOCK))
        .zip(per_atom_virial.par_chunks_mut(BLOCK))
        .with_max_len(1)
        .enumerate()
        .map(|(b, ((f, e), w))| {
            let mut sums = [0.0; 7];
            for (k, a) in inputs.close.block_atoms(b).enumerate() {
                let total = gather_atom::<true>(inputs, a);
                f[k] = total.force;
                e[k] = total.energy;
                w[k] = total.virial;
                sums[0] += total.energy;
                for c in 0..6 {
                    sums[c + 1] += total.virial[c];
                }
            }
            sums
        })
        .collect();
    // Totals: by block, then over blocks in order (independent of the number of threads).
    out.energy = block_totals.iter().map(|s| s[0]).sum();
    for c in 0..6 {
        out.virial[c] = block_totals.iter().map(|s| s[c + 1]).sum();
    }
}

/// The forces of [`gather`] alone, bit for bit the same (each atom adds the same terms in the
/// same order); energies and virials in `out` are left stale.
pub fn gather_forces(inputs: &GatherInputs<'_>, out: &mut ForceOutput) {
    out.resize(inputs.embedding.len());
    out.forces
        .par_chunks_mut(BLOCK)
        .with_max_len(1)
        .enumerate()
        .for_each(|(b, f)| {
            for (k, a) in inputs.close.block_atoms(b).enumerate() {
                f[k] = gather_atom::<false>(inputs, a).force;
            }
        });
}

/// Energy, force and virial of atom `a`: its embedding energy, half of each of its pairs, and
/// the screening forces of the triplets it belongs to or screens. With `FULL = false` only the
/// force is summed (energy and virial stay zero; triplet virials need not have been computed),
/// in the same order, so the force is the same bit for bit.
#[inline(never)]
fn gather_atom<const FULL: bool>(inputs: &GatherInputs<'_>, a: usize) -> Contribution {
    let GatherInputs {
        close,
        links,
        triplets,
        records,
        embedding,
    } = *inputs;
    let mut total = Contribution {
        energy: if FULL { embedding[a] } else { 0.0 },
        ..Default::default()
    };
    let (rows, range) = close.row(a);
    for e in range {
        let entry = &rows.entries[e];
        if !entry.interacting {
            continue;
        }
        // A pair of zero weight has a zero force record.
        let p = links.pair(a / BLOCK, e) as usize;
        let pf = &records.pairs[p];
        total.force += if entry.owned {
            pf.on_owner
        } else {
            pf.on_other
        };
        if FULL {
            let terms = &records.pair_terms[p];
            total.energy += 0.5 * terms.energy;
            total.add_virial(&terms.virial);
        }
    }
    for &t in triplets.screened_by(a) {
        let t = t as usize;
        total.force += records.on_screener[t];
        if FULL {
            total.add_virial(&records.screener_virial[t]);
        }
    }
    total
}
