//! Finite-difference check of forces for any potential: F = -dE/dx against a fourth-order
//! central difference of the total energy, E(x + 2h), E(x + h), E(x - h), E(x - 2h).

use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::system::System;

/// Outcome of a finite-difference check.
#[derive(Clone, Debug)]
pub struct FdReport {
    /// Largest |F_analytic - F_fd| [eV/A].
    pub max_error: f64,
    /// Atom and component of the largest error.
    pub worst: (usize, usize),
    /// Largest |F| among the checked components [eV/A].
    pub max_force: f64,
    /// Number of components checked.
    pub checked: usize,
}

/// Energy and forces of `system` with a freshly built neighbour list.
pub fn energy_forces(potential: &mut dyn Potential, system: &System) -> ForceOutput {
    let mut list = NeighborList::new(potential.cutoff(), 0.5);
    list.build(&system.simbox, &system.positions)
        .expect("neighbour list");
    let mut out = ForceOutput::default();
    potential.compute(
        Configuration {
            positions: &system.positions,
            types: &system.types,
        },
        &list,
        &mut out,
    );
    out
}

/// Compares the forces of `potential` on `atoms` (all three components) with finite differences
/// of its energy, displacing one coordinate at a time by `h` [A]. Positions must lie inside the
/// box along periodic axes (displacements are small enough not to matter).
pub fn check_forces(
    potential: &mut dyn Potential,
    system: &System,
    atoms: impl IntoIterator<Item = usize>,
    h: f64,
) -> FdReport {
    let reference = energy_forces(potential, system);
    let mut moved = system.clone();
    let mut report = FdReport {
        max_error: 0.0,
        worst: (0, 0),
        max_force: 0.0,
        checked: 0,
    };
    for i in atoms {
        for c in 0..3 {
            let x0 = system.positions[i][c];
            let mut energy_at = |dx: f64| {
                moved.positions[i][c] = x0 + dx;
                energy_forces(potential, &moved).energy
            };
            let (e2p, e1p, e1m, e2m) = (
                energy_at(2.0 * h),
                energy_at(h),
                energy_at(-h),
                energy_at(-2.0 * h),
            );
            moved.positions[i][c] = x0;
            let fd = -(-e2p + 8.0 * e1p - 8.0 * e1m + e2m) / (12.0 * h);
            let analytic = reference.forces[i][c];
            let err = (analytic - fd).abs();
            if err > report.max_error {
                report.max_error = err;
                report.worst = (i, c);
            }
            report.max_force = report.max_force.max(analytic.abs());
            report.checked += 1;
        }
    }
    report
}
