//! Finite-difference checks of forces, shared by the potentials' tests: any `Potential` on any
//! `System`.
#![allow(dead_code)]

use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::system::System;

/// Energies and forces of `system` (positions wrapped first) with a freshly built list of zero
/// skin.
pub fn evaluate(system: &mut System, potential: &mut dyn Potential) -> ForceOutput {
    system.wrap_positions();
    evaluate_with_skin(system, potential, 0.0)
}

/// Energies and forces of `system` as it is, with a freshly built list of skin `skin` [A].
fn evaluate_with_skin(system: &System, potential: &mut dyn Potential, skin: f64) -> ForceOutput {
    let mut list = NeighborList::new(potential.cutoff(), skin);
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

/// Largest deviation between a force component and minus the central difference of the total
/// energy, `-(E(x + h) - E(x - h)) / 2h`, over the atoms `atoms` (all atoms when empty) and the
/// three axes; `h` in A. Panics, naming the atom and axis, where the deviation exceeds `tol`
/// [eV/A]. Returns the largest deviation [eV/A].
pub fn check_forces(
    system: &System,
    potential: &mut dyn Potential,
    atoms: &[usize],
    h: f64,
    tol: f64,
) -> f64 {
    let mut sys = system.clone();
    let reference = evaluate(&mut sys, potential);
    let all: Vec<usize> = (0..sys.len()).collect();
    let chosen = if atoms.is_empty() { &all[..] } else { atoms };
    let mut worst: f64 = 0.0;
    for &i in chosen {
        for k in 0..3 {
            let energy_at = |shift: f64, potential: &mut dyn Potential| {
                let mut s = sys.clone();
                s.positions[i][k] += shift;
                evaluate(&mut s, potential).energy
            };
            let plus = energy_at(h, potential);
            let minus = energy_at(-h, potential);
            let numeric = -(plus - minus) / (2.0 * h);
            let analytic = reference.forces[i][k];
            let dev = (numeric - analytic).abs();
            worst = worst.max(dev);
            assert!(
                dev <= tol,
                "atom {i} axis {k}: force {analytic:e} but -dE/dx = {numeric:e} (|diff| {dev:e} > {tol:e})"
            );
        }
    }
    worst
}

/// Largest deviation between the virial W_kk and minus the derivative of the energy under a
/// uniform scaling of axis `k` of box and positions, `-dE/d(epsilon_kk)` (central difference with
/// strain `h`), for every periodic axis. Panics above `tol` [eV]. Returns the largest deviation.
pub fn check_virial(system: &System, potential: &mut dyn Potential, h: f64, tol: f64) -> f64 {
    let mut sys = system.clone();
    let reference = evaluate(&mut sys, potential);
    let mut worst: f64 = 0.0;
    for k in 0..3 {
        if !sys.simbox.periodic[k] {
            continue;
        }
        let energy_at = |strain: f64, potential: &mut dyn Potential| {
            let mut s = sys.clone();
            let lo = s.simbox.lo[k];
            s.simbox.hi[k] = lo + (s.simbox.hi[k] - lo) * (1.0 + strain);
            for x in &mut s.positions {
                x[k] = lo + (x[k] - lo) * (1.0 + strain);
            }
            evaluate(&mut s, potential).energy
        };
        let numeric = -(energy_at(h, potential) - energy_at(-h, potential)) / (2.0 * h);
        let dev = (numeric - reference.virial[k]).abs();
        worst = worst.max(dev);
        assert!(
            dev <= tol,
            "virial W_{k}{k} = {:e} but -dE/d(strain) = {numeric:e} (|diff| {dev:e} > {tol:e})",
            reference.virial[k]
        );
    }
    worst
}

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
    evaluate_with_skin(system, potential, 0.5)
}

/// Fourth-order central differences (E(x ± 2h), E(x ± h)), reported rather than asserted:
/// compares the forces of `potential` on `atoms` (all three components) with finite differences
/// of its energy, displacing one coordinate at a time by `h` [A]. Positions must lie inside the
/// box along periodic axes (displacements are small enough not to matter).
pub fn fourth_order_report(
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
