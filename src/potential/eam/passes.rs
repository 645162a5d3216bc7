//! The three passes of an EAM evaluation (Daw & Baskes, Phys. Rev. B 29, 6443 (1984)):
//!
//! 1. density: rho_i = sum_j rho_{t_j -> t_i}(r_ij);
//! 2. embedding: F_i(rho_i) and its derivative F'_i;
//! 3. force: for each pair, with phi = (r phi)/r,
//!    dE/dr_ij = F'_i rho'_{j->i}(r) + F'_j rho'_{i->j}(r) + phi'(r), and
//!    f_i = -dE/dr_ij (x_i - x_j)/r_ij.
//!
//! The pair passes visit each pair once (the owned tail of each neighbour-list row) and add its
//! contribution to both atoms, block colour by block colour ([`HalfListSchedule`]): blocks of
//! one colour run in parallel and never share an atom, so there are no races and every sum is
//! formed in the same order for any number of threads.
//!
//! [`HalfListSchedule`]: crate::neighbor::HalfListSchedule

// Index loops over the small fixed arrays of a pair (force, virial) read most plainly here.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use super::packed::PairTables;
use super::spline::{SplineTable, derivative, locate, value};
use crate::neighbor::NeighborList;
use crate::neighbor::schedule::COLOURS;
use crate::potential::Configuration;
use crate::system::Vec3;

/// Atoms per work unit in per-atom loops.
const ATOM_CHUNK: usize = 512;

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

/// A raw pointer that may be shared between threads; every use must write disjoint elements.
#[derive(Clone, Copy)]
struct SharedMut<T>(*mut T);
// SAFETY: used only by the scheduled passes, whose blocks of one colour touch disjoint atoms.
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

/// Below this many atoms the pair passes run on the calling thread: the 27 synchronisations
/// per pass would cost more than they save. (The order of sums is the same either way.)
const PARALLEL_ATOMS: usize = 1000;

/// Runs `visit(i)` for every atom, colour by colour, blocks of a colour in parallel.
fn for_each_scheduled_atom(list: &NeighborList, visit: impl Fn(usize) + Sync) {
    let schedule = list.schedule();
    let parallel = list.len() >= PARALLEL_ATOMS && rayon::current_num_threads() > 1;
    for colour in 0..COLOURS {
        let blocks = schedule.colour_blocks(colour);
        if parallel && blocks.len() > 1 {
            blocks.into_par_iter().for_each(|b| {
                for &i in schedule.block_atoms(b) {
                    visit(i as usize);
                }
            });
        } else {
            for b in blocks {
                for &i in schedule.block_atoms(b) {
                    visit(i as usize);
                }
            }
        }
    }
}

/// Entries of a row gathered at a time by [`for_each_close_pair`].
const GATHER: usize = 64;

/// Calls `visit(j, d, r2)` for the entries of a row (`neighbors`, `images`) of the atom at `xi`
/// that lie within the cutoff, with `d = x_j + shift - x_i` [A] and `r2 = |d|^2` [A^2].
/// Distances are computed for a chunk of entries first and the close ones compacted without
/// branches, so the work per close pair runs without mispredicted cutoff tests.
#[inline(always)]
fn for_each_close_pair(
    xi: Vec3,
    neighbors: &[u32],
    images: &[u16],
    positions: &[Vec3],
    shifts: &[Vec3],
    cutoff_squared: f64,
    mut visit: impl FnMut(usize, Vec3, f64),
) {
    let mut close_j = [0u32; GATHER];
    let mut close_d = [Vec3::zeros(); GATHER];
    let mut close_r2 = [0.0f64; GATHER];
    for (nb, im) in neighbors.chunks(GATHER).zip(images.chunks(GATHER)) {
        let mut n = 0;
        for (&j, &image) in nb.iter().zip(im) {
            let d = positions[j as usize] + shifts[image as usize] - xi;
            let r2 = d.norm_squared();
            // n <= k < GATHER, so the mask never changes n; it lets the compiler drop checks.
            let slot = n & (GATHER - 1);
            close_j[slot] = j;
            close_d[slot] = d;
            close_r2[slot] = r2;
            n += usize::from(r2 < cutoff_squared);
        }
        for k in 0..n {
            visit(close_j[k] as usize, close_d[k], close_r2[k]);
        }
    }
}

/// Pass 1: the host density of every atom, `rho_i = sum_j rho_{t_j -> t_i}(r_ij)`, into
/// `density` (resized and zeroed here).
pub fn density_pass<T: PairTables>(
    tables: &T,
    grid: DistanceGrid,
    config: Configuration<'_>,
    list: &NeighborList,
    density: &mut Vec<f64>,
) {
    let n = config.positions.len();
    density.clear();
    density.resize(n, 0.0);
    let rho = SharedMut(density.as_mut_ptr());
    let (positions, types) = (config.positions, config.types);
    let (neighbors, images, shifts) = (list.all_neighbors(), list.all_images(), list.shifts());
    for_each_scheduled_atom(list, |i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let mut sum = 0.0;
        let range = list.owned_range(i);
        for_each_close_pair(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            |j, _, r2| {
                let (m, p) = locate(r2.sqrt(), grid.inverse_dr, grid.points);
                let tj = if T::BY_SPECIES { types[j] } else { 0 };
                let (at_i, at_j) = tables.densities(ti, tj, m, p);
                sum += at_i;
                // SAFETY: j is in this block or an adjacent one, which no other thread is
                // visiting (see HalfListSchedule).
                unsafe { *rho.at(j) += at_j };
            },
        );
        // SAFETY: as above, i is in the block being visited.
        unsafe { *rho.at(i) += sum };
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

/// Force [eV/A], energy [eV] and virial [eV] (xx yy zz xy xz yz) summed on one atom.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C)]
pub struct AtomSums {
    /// Force [eV/A].
    pub force: [f64; 3],
    /// Energy [eV].
    pub energy: f64,
    /// Virial [eV].
    pub virial: [f64; 6],
}

/// `fpair = -(dE/dr)/r` [eV/A^2] and the pair energy phi [eV] of atoms i and j (species `ti`,
/// `tj`, embedding slopes `fp_i`, `fp_j`) at squared distance `r2` [A^2]:
/// dE/dr = F'_i rho'_{j->i}(r) + F'_j rho'_{i->j}(r) + phi'(r), phi = (r phi)/r.
#[inline(always)]
fn pair_force<T: PairTables>(
    tables: &T,
    grid: DistanceGrid,
    (ti, tj): (u32, u32),
    (fp_i, fp_j): (f64, f64),
    r2: f64,
) -> (f64, f64) {
    let r = r2.sqrt();
    let (m, p) = locate(r, grid.inverse_dr, grid.points);
    let t = tables.terms(ti, tj, m, p);
    let recip = 1.0 / r;
    let phi = t.r_phi * recip;
    let phi_slope = t.r_phi_slope * recip - phi * recip;
    let de_dr = fp_i * t.density_slope_at_i + fp_j * t.density_slope_at_j + phi_slope;
    (-de_dr * recip, phi)
}

/// Pass 3: forces [eV/A], pair energies (half to each atom) [eV] and per-atom virials [eV],
/// added to `sums`, from the embedding slopes `slope`.
pub fn force_pass<T: PairTables>(
    tables: &T,
    grid: DistanceGrid,
    config: Configuration<'_>,
    list: &NeighborList,
    slope: &[f64],
    sums: &mut [AtomSums],
) {
    let (positions, types) = (config.positions, config.types);
    let (neighbors, images, shifts) = (list.all_neighbors(), list.all_images(), list.shifts());
    let shared = SharedMut(sums.as_mut_ptr());
    for_each_scheduled_atom(list, |i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let fp_i = slope[i];
        let mut own = AtomSums::default();
        let range = list.owned_range(i);
        for_each_close_pair(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            |j, d, r2| {
                let tj = if T::BY_SPECIES { types[j] } else { 0 };
                let (fpair, phi) = pair_force(tables, grid, (ti, tj), (fp_i, slope[j]), r2);
                // Force on j is fpair (x_j - x_i) = fpair d, on i the opposite.
                let f = [fpair * d.x, fpair * d.y, fpair * d.z];
                let half_phi = 0.5 * phi;
                let h = 0.5 * fpair;
                let w = [
                    h * d.x * d.x,
                    h * d.y * d.y,
                    h * d.z * d.z,
                    h * d.x * d.y,
                    h * d.x * d.z,
                    h * d.y * d.z,
                ];
                // SAFETY: j is in this block or an adjacent one, which no other thread is
                // visiting (see HalfListSchedule).
                let sj = unsafe { shared.at(j) };
                for k in 0..3 {
                    own.force[k] -= f[k];
                    sj.force[k] += f[k];
                }
                own.energy += half_phi;
                sj.energy += half_phi;
                for k in 0..6 {
                    own.virial[k] += w[k];
                    sj.virial[k] += w[k];
                }
            },
        );
        // SAFETY: i is in the block being visited.
        let si = unsafe { shared.at(i) };
        for k in 0..3 {
            si.force[k] += own.force[k];
        }
        si.energy += own.energy;
        for k in 0..6 {
            si.virial[k] += own.virial[k];
        }
    });
}

/// Pass 3 for forces alone [eV/A], added to `forces`: the same sums in the same order as
/// [`force_pass`], without energies and virials.
pub fn force_only_pass<T: PairTables>(
    tables: &T,
    grid: DistanceGrid,
    config: Configuration<'_>,
    list: &NeighborList,
    slope: &[f64],
    forces: &mut [Vec3],
) {
    let (positions, types) = (config.positions, config.types);
    let (neighbors, images, shifts) = (list.all_neighbors(), list.all_images(), list.shifts());
    let shared = SharedMut(forces.as_mut_ptr());
    for_each_scheduled_atom(list, |i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let fp_i = slope[i];
        let mut own = [0.0; 3];
        let range = list.owned_range(i);
        for_each_close_pair(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            |j, d, r2| {
                let tj = if T::BY_SPECIES { types[j] } else { 0 };
                let (fpair, _) = pair_force(tables, grid, (ti, tj), (fp_i, slope[j]), r2);
                let f = [fpair * d.x, fpair * d.y, fpair * d.z];
                // SAFETY: j is in this block or an adjacent one, which no other thread is
                // visiting (see HalfListSchedule).
                let fj = unsafe { shared.at(j) };
                for k in 0..3 {
                    own[k] -= f[k];
                    fj[k] += f[k];
                }
            },
        );
        // SAFETY: i is in the block being visited.
        let fi = unsafe { shared.at(i) };
        for k in 0..3 {
            fi[k] += own[k];
        }
    });
}
