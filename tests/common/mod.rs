//! Helpers shared by the integration tests: LAMMPS reference fixtures, finite-difference force
//! checks, and comparisons with tolerances.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::system::{System, Vec3};

/// Path of a file under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// One snapshot in a reference JSON written by ../shared/oracle/lammps_reference.py.
#[derive(Debug, Deserialize)]
pub struct Snapshot {
    pub natoms: usize,
    pub energy: f64,
    pub kinetic_energy: f64,
    pub per_atom_energy: Vec<f64>,
    pub forces: Vec<[f64; 3]>,
    pub positions: Vec<[f64; 3]>,
    pub virial: [f64; 6],
}

/// A reference JSON: the initial snapshot and, with an NVE run, the final one.
#[derive(Debug, Deserialize)]
pub struct Reference {
    pub pair_style: String,
    pub pair_coeff: Vec<String>,
    pub boundary: String,
    pub initial: Snapshot,
    #[serde(default)]
    pub final_: Option<Snapshot>,
    #[serde(default)]
    pub nve_steps: Option<u64>,
    #[serde(default)]
    pub dt: Option<f64>,
}

/// Reads a reference JSON (the key `final` is mapped to `final_`).
pub fn load_reference(path: &Path) -> Reference {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(f) = value.as_object_mut().and_then(|o| o.remove("final")) {
        value["final_"] = f;
    }
    serde_json::from_value(value).unwrap()
}

/// Energies and forces of `system` with a list built with zero skin (positions are wrapped).
pub fn evaluate(system: &mut System, potential: &mut dyn Potential) -> ForceOutput {
    system.wrap_positions();
    let mut list = NeighborList::new(potential.cutoff(), 0.0);
    list.build(&system.simbox, &system.positions).unwrap();
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

/// Largest absolute value in a slice.
pub fn max_abs(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Checks `ours` against a LAMMPS snapshot: energy within `rel` relative; per-atom energies,
/// forces and virial within `rel` of the largest magnitude of each. Returns the worst relative
/// deviations (energy, per-atom energy, force, virial) for reporting.
pub fn compare_with_lammps(ours: &ForceOutput, lammps: &Snapshot, rel: f64) -> [f64; 4] {
    assert_eq!(ours.forces.len(), lammps.natoms);
    let de = (ours.energy - lammps.energy).abs() / lammps.energy.abs().max(1e-300);
    let scale_e = max_abs(lammps.per_atom_energy.iter().copied()).max(1e-300);
    let dpe = max_abs(
        ours.per_atom_energy
            .iter()
            .zip(&lammps.per_atom_energy)
            .map(|(a, b)| a - b),
    ) / scale_e;
    let scale_f = max_abs(lammps.forces.iter().flatten().copied()).max(1e-300);
    let df = max_abs(
        ours.forces
            .iter()
            .zip(&lammps.forces)
            .flat_map(|(a, b)| [a.x - b[0], a.y - b[1], a.z - b[2]]),
    ) / scale_f;
    let scale_w = max_abs(lammps.virial.iter().copied()).max(1e-300);
    let dw = max_abs(ours.virial.iter().zip(&lammps.virial).map(|(a, b)| a - b)) / scale_w;
    assert!(
        de <= rel,
        "energy {} vs LAMMPS {}: relative error {de:e}",
        ours.energy,
        lammps.energy
    );
    assert!(dpe <= rel, "per-atom energy relative error {dpe:e}");
    assert!(df <= rel, "force relative error {df:e}");
    assert!(
        dw <= rel,
        "virial {:?} vs LAMMPS {:?}: relative error {dw:e}",
        ours.virial,
        lammps.virial
    );
    [de, dpe, df, dw]
}

/// Checks every force component of `potential` on `system` against the central finite difference
/// of the total energy with step `h` [A]: |F + dE/dx| <= `tol` [eV/A] for each component of the
/// atoms in `atoms` (all atoms when empty). Returns the largest deviation.
pub fn check_forces_by_finite_differences(
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
            let mut plus = sys.clone();
            plus.positions[i][k] += h;
            let ep = evaluate(&mut plus, potential).energy;
            let mut minus = sys.clone();
            minus.positions[i][k] -= h;
            let em = evaluate(&mut minus, potential).energy;
            let numeric = -(ep - em) / (2.0 * h);
            let analytic = reference.forces[i][k];
            let dev = (numeric - analytic).abs();
            worst = worst.max(dev);
            assert!(
                dev <= tol,
                "atom {i} component {k}: force {analytic:e} but -dE/dx = {numeric:e} (|diff| {dev:e} > {tol:e})"
            );
        }
    }
    worst
}

/// Vec3 from an array.
pub fn v3(a: [f64; 3]) -> Vec3 {
    Vec3::new(a[0], a[1], a[2])
}
