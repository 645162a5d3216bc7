//! The one harness of every potential's LAMMPS reference tests (lj, morse, eam, meam): the
//! fixtures (JSON written by the `make_fixtures.py` script beside each of them, through the
//! reference environment's LAMMPS), the analytic test potentials they were made with, and the
//! comparison of our energies, per-atom energies, forces and virial with LAMMPS's.
//! Everything is inside the repository: a missing file names the script that makes it.
//!
//! Two JSON layouts exist: [`Reference`] (tests/fixtures/lammps_oracle.py: a data file beside
//! the JSON, an initial snapshot and optionally one after an NVE run) and [`FlatReference`]
//! (tests/fixtures/meam/make_fixtures.py: one snapshot at the top level, with the configuration
//! in the JSON or a data file named there).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sintermd::io::read_lammps_data;
use sintermd::potential::{ForceOutput, Potential};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The script that makes a file under tests/fixtures: `make_potentials.py` for the EAM test
/// potentials, else the `make_fixtures.py` of the file's first folder.
fn maker_of(rel: &str) -> String {
    let dir = rel.split('/').next().unwrap_or(rel);
    if rel.starts_with("eam/potentials/") {
        "tests/fixtures/eam/make_potentials.py".to_string()
    } else {
        format!("tests/fixtures/{dir}/make_fixtures.py")
    }
}

/// A file under tests/fixtures, which must exist: a missing one fails the test with a message
/// naming the file and the script that makes it.
pub fn fixture(rel: &str) -> PathBuf {
    let path = root().join("tests/fixtures").join(rel);
    assert!(
        path.exists(),
        "fixture tests/fixtures/{rel} is missing: it is made by {} (see its first lines for how to run it)",
        maker_of(rel)
    );
    path
}

/// An analytic EAM test potential in tests/fixtures/eam/potentials (written by
/// tests/fixtures/eam/make_potentials.py), as the path relative to the repository root that the
/// LAMMPS fixtures' `pair_coeff` lines use.
pub fn test_potential(name: &str) -> String {
    let rel = format!("eam/potentials/{name}");
    fixture(&rel);
    format!("tests/fixtures/{rel}")
}

/// One snapshot of a reference JSON.
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

/// A reference JSON: the initial snapshot and, after an NVE run, the final one.
#[derive(Debug, Deserialize)]
pub struct Reference {
    pub pair_style: String,
    #[serde(default)]
    pub pair_coeff: Vec<String>,
    /// `pair_modify` lines applied after the `pair_coeff` lines (none in older fixtures).
    #[serde(default)]
    pub pair_modify: Vec<String>,
    pub boundary: String,
    pub initial: Snapshot,
    #[serde(default, rename = "final")]
    pub final_state: Option<Snapshot>,
    #[serde(default)]
    pub nve_steps: Option<u64>,
    #[serde(default)]
    pub dt: Option<f64>,
}

/// Reads a reference JSON.
pub fn load_reference(path: &Path) -> Reference {
    load_json(path)
}

fn load_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (LAMMPS fixtures are made by the make_fixtures.py in their folder)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A one-snapshot reference with its configuration (tests/fixtures/meam's layout).
#[derive(Debug, Deserialize)]
pub struct FlatReference {
    /// The `pair_coeff` line our potential files need (one line).
    pub pair_coeff: String,
    pub energy: f64,
    pub per_atom_energy: Vec<f64>,
    pub forces: Vec<[f64; 3]>,
    pub virial: [f64; 6],
    /// A data file (relative to the repository root) holding the configuration, periodic
    /// along all axes; else the fields below.
    #[serde(default)]
    pub data_file: Option<String>,
    pub species: Vec<String>,
    pub masses: Vec<f64>,
    /// Box bounds [A] per axis (lo, hi), periodic along all axes.
    #[serde(default, rename = "box")]
    pub bounds: Option<[[f64; 2]; 3]>,
    /// Atom types, 1-based.
    #[serde(default)]
    pub types: Vec<u32>,
    /// Positions [A] as LAMMPS holds them (wrapped).
    #[serde(default)]
    pub positions: Vec<[f64; 3]>,
}

/// Reads a one-snapshot reference JSON.
pub fn load_flat_reference(path: &Path) -> FlatReference {
    load_json(path)
}

impl FlatReference {
    /// The configuration LAMMPS evaluated, atoms in the order of the reference's arrays.
    pub fn system(&self) -> System {
        if let Some(data) = &self.data_file {
            return read_lammps_data(&root().join(data), [true; 3], None).unwrap();
        }
        let species = SpeciesTable::new(self.species.clone(), self.masses.clone()).unwrap();
        let b = self.bounds.expect("a box or a data file");
        let simbox = SimBox::new(
            [b[0][0], b[1][0], b[2][0]],
            [b[0][1], b[1][1], b[2][1]],
            [true; 3],
        )
        .unwrap();
        let mut system = System::new(simbox, species);
        for (k, (t, p)) in self.types.iter().zip(&self.positions).enumerate() {
            system.push(
                k as u64 + 1,
                t - 1,
                Vec3::new(p[0], p[1], p[2]),
                Vec3::zeros(),
            );
        }
        system
    }

    /// The reference numbers as a [`Snapshot`] (no kinetic energy; positions as given).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            natoms: self.forces.len(),
            energy: self.energy,
            kinetic_energy: 0.0,
            per_atom_energy: self.per_atom_energy.clone(),
            forces: self.forces.clone(),
            positions: self.positions.clone(),
            virial: self.virial,
        }
    }
}

/// Energies, forces and virial of `system` as `sintermd eval` computes them
/// ([`sintermd::run::eval::evaluate`]: the list the potential declares, no skin; positions
/// wrapped into the box).
pub fn eval_output(system: &mut System, potential: Box<dyn Potential>) -> ForceOutput {
    let report = sintermd::run::eval::evaluate(system, potential).unwrap();
    ForceOutput {
        energy: report.energy,
        per_atom_energy: report.per_atom_energy,
        forces: report
            .forces
            .iter()
            .map(|f| Vec3::new(f[0], f[1], f[2]))
            .collect(),
        per_atom_virial: Vec::new(),
        virial: report.virial,
    }
}

/// Largest deviation of any position component from a LAMMPS snapshot's [A], atoms in the same
/// order.
pub fn position_deviation(positions: &[sintermd::system::Vec3], lammps: &Snapshot) -> f64 {
    assert_eq!(positions.len(), lammps.positions.len());
    positions
        .iter()
        .zip(&lammps.positions)
        .map(|(a, b)| {
            (a.x - b[0])
                .abs()
                .max((a.y - b[1]).abs())
                .max((a.z - b[2]).abs())
        })
        .fold(0.0, f64::max)
}

/// Largest deviations of `ours` from a LAMMPS snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Deviations {
    /// |dE| / |E|.
    pub energy_relative: f64,
    /// Largest |de_i| [eV].
    pub per_atom_energy: f64,
    /// Largest |dF| over components [eV/A].
    pub force: f64,
    /// Largest |dW| / largest |W| over the six components.
    pub virial_relative: f64,
}

/// Compares `ours` with a LAMMPS snapshot, atoms in the same order.
pub fn deviations(ours: &ForceOutput, lammps: &Snapshot) -> Deviations {
    deviations_with_virial_floor(ours, lammps, 1e-300)
}

/// As [`deviations`], the virial's deviation taken relative to the larger of `floor` [eV] and
/// the largest |W| (a floor keeps the relative deviation meaningful for near-zero virials, as
/// in a perfect crystal at its equilibrium spacing).
pub fn deviations_with_virial_floor(
    ours: &ForceOutput,
    lammps: &Snapshot,
    floor: f64,
) -> Deviations {
    assert_eq!(ours.forces.len(), lammps.natoms);
    let max_abs = |it: &mut dyn Iterator<Item = f64>| it.fold(0.0f64, |m, v| m.max(v.abs()));
    let force = max_abs(
        &mut ours
            .forces
            .iter()
            .zip(&lammps.forces)
            .flat_map(|(a, b)| [a.x - b[0], a.y - b[1], a.z - b[2]]),
    );
    let per_atom_energy = max_abs(
        &mut ours
            .per_atom_energy
            .iter()
            .zip(&lammps.per_atom_energy)
            .map(|(a, b)| a - b),
    );
    let w_scale = max_abs(&mut lammps.virial.iter().copied()).max(floor);
    let virial_relative =
        max_abs(&mut ours.virial.iter().zip(&lammps.virial).map(|(a, b)| a - b)) / w_scale;
    Deviations {
        energy_relative: (ours.energy - lammps.energy).abs() / lammps.energy.abs(),
        per_atom_energy,
        force,
        virial_relative,
    }
}

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
