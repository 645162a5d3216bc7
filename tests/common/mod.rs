//! Helpers shared by the integration tests: LAMMPS reference fixtures ([`lammps_fixture`]),
//! finite-difference checks of forces and virials for any potential ([`fd`]), and comparisons
//! with tolerances.
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod clusters;
pub mod fd;
pub mod lammps_fixture;

pub use fd::{check_forces, check_virial, evaluate};
pub use lammps_fixture::{
    Reference, Snapshot, deviations, fixture, load_reference, root, test_potential,
};

use sintermd::potential::ForceOutput;
use sintermd::system::Vec3;

/// Checks `ours` against a LAMMPS snapshot: energy within `rel` relative; per-atom energies,
/// forces and virial within `rel` of the largest magnitude of each. Returns the relative
/// deviations (energy, per-atom energy, force, virial) for reporting.
pub fn compare_with_lammps(ours: &ForceOutput, lammps: &Snapshot, rel: f64) -> [f64; 4] {
    let d = deviations(ours, lammps);
    let scale =
        |v: &mut dyn Iterator<Item = f64>| v.fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    let dpe = d.per_atom_energy / scale(&mut lammps.per_atom_energy.iter().copied());
    let df = d.force / scale(&mut lammps.forces.iter().flatten().copied());
    assert!(
        d.energy_relative <= rel,
        "energy {} vs LAMMPS {}: relative error {:e}",
        ours.energy,
        lammps.energy,
        d.energy_relative
    );
    assert!(dpe <= rel, "per-atom energy relative error {dpe:e}");
    assert!(df <= rel, "force relative error {df:e}");
    assert!(
        d.virial_relative <= rel,
        "virial {:?} vs LAMMPS {:?}: relative error {:e}",
        ours.virial,
        lammps.virial,
        d.virial_relative
    );
    [d.energy_relative, dpe, df, d.virial_relative]
}

/// Vec3 from an array.
pub fn v3(a: [f64; 3]) -> Vec3 {
    Vec3::new(a[0], a[1], a[2])
}
