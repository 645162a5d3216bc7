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

/// Runs `visit(scratch, i)` for every atom, colour by colour, blocks of a colour in parallel,
/// with `scratch` made by `init` once per work unit (not per atom) and reused.
fn for_each_scheduled_atom<S>(
    list: &NeighborList,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, usize) + Sync,
) {
    let schedule = list.schedule();
    let parallel = list.len() >= PARALLEL_ATOMS && rayon::current_num_threads() > 1;
    let mut serial_scratch = None;
    for colour in 0..COLOURS {
        let blocks = schedule.colour_blocks(colour);
        if parallel && blocks.len() > 1 {
            blocks.into_par_iter().for_each_init(&init, |scratch, b| {
                for &i in schedule.block_atoms(b) {
                    visit(scratch, i as usize);
                }
            });
        } else {
            let scratch = serial_scratch.get_or_insert_with(&init);
            for b in blocks {
                for &i in schedule.block_atoms(b) {
                    visit(scratch, i as usize);
                }
            }
        }
    }
}

/// Entries of a row gathered at a time, and the size of the batches the pair work runs in.
const GATHER: usize = 64;

/// The close pairs of one chunk of a row: neighbour, separation `x_j + shift - x_i` [A] (by
/// component) and squared distance [A^2], for the first `len` slots.
struct CloseBatch {
    len: usize,
    j: [u32; GATHER],
    dx: [f64; GATHER],
    dy: [f64; GATHER],
    dz: [f64; GATHER],
    r2: [f64; GATHER],
}

impl CloseBatch {
    fn new() -> Self {
        CloseBatch {
            len: 0,
            j: [0; GATHER],
            dx: [0.0; GATHER],
            dy: [0.0; GATHER],
            dz: [0.0; GATHER],
            r2: [0.0; GATHER],
        }
    }
}

/// Calls `visit(batch)` with the entries of a row (`neighbors`, `images`) of the atom at `xi`
/// that lie within the cutoff, up to [`GATHER`] at a time (with their separations if
/// `SEPARATIONS`). Distances are computed for a chunk of entries first and the close ones
/// compacted without branches; the pair work then runs in stages over the whole batch, which
/// keeps several pairs in flight at once instead of one long chain of dependent operations per
/// pair.
///
/// Every neighbour index must be below `positions.len()` and every image code below
/// `shifts.len()`, as they are in a list built for these atoms (checked by the callers).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn for_each_close_batch<const SEPARATIONS: bool>(
    xi: Vec3,
    neighbors: &[u32],
    images: &[u16],
    positions: &[Vec3],
    shifts: &[Vec3],
    cutoff_squared: f64,
    batch: &mut CloseBatch,
    mut visit: impl FnMut(&CloseBatch),
) {
    for (nb, im) in neighbors.chunks(GATHER).zip(images.chunks(GATHER)) {
        let mut n = 0;
        for (&j, &image) in nb.iter().zip(im) {
            debug_assert!((j as usize) < positions.len() && (image as usize) < shifts.len());
            // SAFETY: in bounds, as the callers check (see above).
            let (xj, s) = unsafe {
                (
                    positions.get_unchecked(j as usize),
                    shifts.get_unchecked(image as usize),
                )
            };
            let dx = xj.x + s.x - xi.x;
            let dy = xj.y + s.y - xi.y;
            let dz = xj.z + s.z - xi.z;
            let r2 = dx * dx + dy * dy + dz * dz;
            // n <= k < GATHER, so the mask never changes n; it lets the compiler drop checks.
            let slot = n & (GATHER - 1);
            batch.j[slot] = j;
            if SEPARATIONS {
                batch.dx[slot] = dx;
                batch.dy[slot] = dy;
                batch.dz[slot] = dz;
            }
            batch.r2[slot] = r2;
            n += usize::from(r2 < cutoff_squared);
        }
        batch.len = n;
        if n > 0 {
            visit(batch);
        }
    }
}

/// Checks what [`for_each_close_batch`] relies on: a list built for these atoms.
fn check_list(list: &NeighborList, positions: &[Vec3]) {
    assert_eq!(
        list.len(),
        positions.len(),
        "neighbour list built for {} atoms, evaluated with {}",
        list.len(),
        positions.len()
    );
}

/// Distance, grid interval and fraction of each pair of a batch (stage 1 of the pair work).
struct Located {
    r: [f64; GATHER],
    m: [usize; GATHER],
    p: [f64; GATHER],
}

/// Per-thread work space of the pair passes.
struct Scratch {
    batch: CloseBatch,
    at: Located,
    /// Two values per pair (densities at i and j, or fpair and phi).
    first: [f64; GATHER],
    second: [f64; GATHER],
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            batch: CloseBatch::new(),
            at: Located {
                r: [0.0; GATHER],
                m: [0; GATHER],
                p: [0.0; GATHER],
            },
            first: [0.0; GATHER],
            second: [0.0; GATHER],
        }
    }
}

#[inline(always)]
fn locate_batch(batch: &CloseBatch, grid: DistanceGrid, out: &mut Located) {
    let n = batch.len;
    for k in 0..n {
        out.r[k] = batch.r2[k].sqrt();
    }
    for k in 0..n {
        let (m, p) = locate(out.r[k], grid.inverse_dr, grid.points);
        out.m[k] = m;
        out.p[k] = p;
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
    check_list(list, config.positions);
    density.clear();
    density.resize(n, 0.0);
    let rho = SharedMut(density.as_mut_ptr());
    let (positions, types) = (config.positions, config.types);
    let (neighbors, images, shifts) = (list.all_neighbors(), list.all_images(), list.shifts());
    for_each_scheduled_atom(list, Scratch::new, |scratch, i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let mut sum = 0.0;
        let range = list.owned_range(i);
        let Scratch {
            batch,
            at,
            first: at_i,
            second: at_j,
        } = scratch;
        for_each_close_batch::<false>(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            batch,
            |b| {
                let n = b.len;
                locate_batch(b, grid, at);
                for k in 0..n {
                    let tj = if T::BY_SPECIES {
                        types[b.j[k] as usize]
                    } else {
                        0
                    };
                    (at_i[k], at_j[k]) = tables.densities(ti, tj, at.m[k], at.p[k]);
                }
                for k in 0..n {
                    sum += at_i[k];
                    // SAFETY: j is in this block or an adjacent one, which no other thread is
                    // visiting (see HalfListSchedule).
                    unsafe { *rho.at(b.j[k] as usize) += at_j[k] };
                }
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

/// `fpair = -(dE/dr)/r` [eV/A^2] and the pair energy phi [eV] of every pair of a batch around
/// atom i (species `ti`, embedding slope `fp_i`), into `fpair` and `phi`:
/// dE/dr = F'_i rho'_{j->i}(r) + F'_j rho'_{i->j}(r) + phi'(r), phi = (r phi)/r.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn batch_forces<T: PairTables>(
    tables: &T,
    grid: DistanceGrid,
    types: &[u32],
    slope: &[f64],
    (ti, fp_i): (u32, f64),
    b: &CloseBatch,
    at: &mut Located,
    (fpair, phi): (&mut [f64; GATHER], &mut [f64; GATHER]),
) {
    let n = b.len;
    locate_batch(b, grid, at);
    for k in 0..n {
        let j = b.j[k] as usize;
        let tj = if T::BY_SPECIES { types[j] } else { 0 };
        let t = tables.terms(ti, tj, at.m[k], at.p[k]);
        let recip = 1.0 / at.r[k];
        let phi_k = t.r_phi * recip;
        let phi_slope = t.r_phi_slope * recip - phi_k * recip;
        let de_dr = fp_i * t.density_slope_at_i + slope[j] * t.density_slope_at_j + phi_slope;
        fpair[k] = -de_dr * recip;
        phi[k] = phi_k;
    }
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
    check_list(list, positions);
    let shared = SharedMut(sums.as_mut_ptr());
    for_each_scheduled_atom(list, Scratch::new, |scratch, i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let mut own = AtomSums::default();
        let range = list.owned_range(i);
        let Scratch {
            batch,
            at,
            first: fpair,
            second: phi,
        } = scratch;
        for_each_close_batch::<true>(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            batch,
            |b| {
                batch_forces(
                    tables,
                    grid,
                    types,
                    slope,
                    (ti, slope[i]),
                    b,
                    at,
                    (fpair, phi),
                );
                for k in 0..b.len {
                    let d = Vec3::new(b.dx[k], b.dy[k], b.dz[k]);
                    // Force on j is fpair (x_j - x_i) = fpair d, on i the opposite.
                    let f = [fpair[k] * d.x, fpair[k] * d.y, fpair[k] * d.z];
                    let half_phi = 0.5 * phi[k];
                    let h = 0.5 * fpair[k];
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
                    let sj = unsafe { shared.at(b.j[k] as usize) };
                    for c in 0..3 {
                        own.force[c] -= f[c];
                        sj.force[c] += f[c];
                    }
                    own.energy += half_phi;
                    sj.energy += half_phi;
                    for c in 0..6 {
                        own.virial[c] += w[c];
                        sj.virial[c] += w[c];
                    }
                }
            },
        );
        // SAFETY: i is in the block being visited.
        let si = unsafe { shared.at(i) };
        for c in 0..3 {
            si.force[c] += own.force[c];
        }
        si.energy += own.energy;
        for c in 0..6 {
            si.virial[c] += own.virial[c];
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
    check_list(list, positions);
    let shared = SharedMut(forces.as_mut_ptr());
    for_each_scheduled_atom(list, Scratch::new, |scratch, i| {
        let ti = if T::BY_SPECIES { types[i] } else { 0 };
        let mut own = [0.0; 3];
        let range = list.owned_range(i);
        let Scratch {
            batch,
            at,
            first: fpair,
            second: phi,
        } = scratch;
        for_each_close_batch::<true>(
            positions[i],
            &neighbors[range.clone()],
            &images[range],
            positions,
            shifts,
            grid.cutoff_squared,
            batch,
            |b| {
                batch_forces(
                    tables,
                    grid,
                    types,
                    slope,
                    (ti, slope[i]),
                    b,
                    at,
                    (fpair, phi),
                );
                for k in 0..b.len {
                    let f = [fpair[k] * b.dx[k], fpair[k] * b.dy[k], fpair[k] * b.dz[k]];
                    // SAFETY: j is in this block or an adjacent one, which no other thread is
                    // visiting (see HalfListSchedule).
                    let fj = unsafe { shared.at(b.j[k] as usize) };
                    for c in 0..3 {
                        own[c] -= f[c];
                        fj[c] += f[c];
                    }
                }
            },
        );
        // SAFETY: i is in the block being visited.
        let fi = unsafe { shared.at(i) };
        for c in 0..3 {
            fi[c] += own[c];
        }
    });
}
