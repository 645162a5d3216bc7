//! Velocity Verlet (NVE), exactly as LAMMPS `fix nve`:
//! v += (dt/2) f/m; x += dt v; (new forces); v += (dt/2) f/m.

use rayon::prelude::*;

use crate::system::System;
use crate::units::FTM2V;

/// Fewest atoms per parallel task: below this an update runs on the calling thread, which is
/// cheaper than waking the other threads for a few microseconds of work.
const MIN_ATOMS_PER_TASK: usize = 1024;

/// Half kick: v += (dt/2) f/m, with `dt` [ps], f [eV/A], m [g/mol], v [A/ps].
pub fn half_kick(system: &mut System, dt: f64) {
    let dtf = 0.5 * dt * FTM2V;
    let masses = &system.species.masses;
    system
        .velocities
        .par_iter_mut()
        .zip(system.forces.par_iter())
        .zip(system.types.par_iter())
        .with_min_len(MIN_ATOMS_PER_TASK)
        .for_each(|((v, f), &t)| {
            let dtfm = dtf / masses[t as usize];
            *v += dtfm * f;
        });
}

/// Drift: x += dt v, with `dt` [ps].
pub fn drift(system: &mut System, dt: f64) {
    system
        .positions
        .par_iter_mut()
        .zip(system.velocities.par_iter())
        .with_min_len(MIN_ATOMS_PER_TASK)
        .for_each(|(x, v)| *x += dt * v);
}
