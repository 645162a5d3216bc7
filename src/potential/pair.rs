//! The neighbour loop shared by all pair potentials.
//!
//! A pair potential is a [`PairKernel`]: squared distance in, energy and `-(1/r) dV/dr` out. The
//! loop runs over the full neighbour list in parallel over atoms; each atom accumulates only its
//! own force, energy and virial, so no two threads write the same memory and the sums run in list
//! order whatever the number of threads. The price is that every pair is evaluated twice (once
//! from each side).

use rayon::prelude::*;

use super::{Configuration, ForceOutput};
use crate::neighbor::NeighborList;

/// Atoms per rayon work unit in force loops.
pub const ATOM_CHUNK: usize = 64;

/// A radial pair interaction between species.
pub trait PairKernel: Send + Sync {
    /// Squared cutoff [A^2] of the species pair `(a, b)`; 0 when they do not interact.
    fn cutoff_squared(&self, a: u32, b: u32) -> f64;

    /// Pair energy V(r) [eV] and `-(1/r) dV/dr` [eV/A^2] of species `(a, b)` at squared
    /// distance `r2` [A^2], for `r2` below the cutoff.
    fn energy_force(&self, a: u32, b: u32, r2: f64) -> (f64, f64);
}

/// Energies, forces and virial of a pair potential (LAMMPS conventions: each atom gets half of
/// each pair's energy and virial).
pub fn compute_pair<K: PairKernel>(
    kernel: &K,
    config: Configuration<'_>,
    list: &NeighborList,
    out: &mut ForceOutput,
) {
    let n = config.positions.len();
    out.reset(n);
    let ForceOutput {
        per_atom_energy,
        forces,
        per_atom_virial,
        ..
    } = out;
    forces
        .par_chunks_mut(ATOM_CHUNK)
        .zip(per_atom_energy.par_chunks_mut(ATOM_CHUNK))
        .zip(per_atom_virial.par_chunks_mut(ATOM_CHUNK))
        .enumerate()
        .for_each(|(chunk, ((f, e), w))| {
            let first = chunk * ATOM_CHUNK;
            for k in 0..f.len() {
                let i = first + k;
                let ti = config.types[i];
                let mut fi = crate::system::Vec3::zeros();
                let mut ei = 0.0;
                let mut wi = [0.0; 6];
                for nb in list.iter_row(i, config.positions) {
                    let tj = config.types[nb.j];
                    if nb.r2 >= kernel.cutoff_squared(ti, tj) {
                        continue;
                    }
                    let (energy, fpair) = kernel.energy_force(ti, tj, nb.r2);
                    let d = nb.delta;
                    // Force on i is fpair * (x_i - x_j) = -fpair * delta.
                    fi -= fpair * d;
                    ei += 0.5 * energy;
                    let h = 0.5 * fpair;
                    wi[0] += h * d.x * d.x;
                    wi[1] += h * d.y * d.y;
                    wi[2] += h * d.z * d.z;
                    wi[3] += h * d.x * d.y;
                    wi[4] += h * d.x * d.z;
                    wi[5] += h * d.y * d.z;
                }
                f[k] = fi;
                e[k] = ei;
                w[k] = wi;
            }
        });
    out.sum_per_atom();
}
