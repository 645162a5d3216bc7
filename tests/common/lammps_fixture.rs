//! LAMMPS reference fixtures (JSON written by the `make_fixtures.py` script beside each of them,
//! through the reference environment's LAMMPS) and the analytic test potentials they were made
//! with. Everything is inside the repository: a missing file names the script that makes it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sintermd::potential::ForceOutput;

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
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (LAMMPS fixtures are made by the make_fixtures.py in their folder)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
    let w_scale = max_abs(&mut lammps.virial.iter().copied()).max(1e-300);
    let virial_relative =
        max_abs(&mut ours.virial.iter().zip(&lammps.virial).map(|(a, b)| a - b)) / w_scale;
    Deviations {
        energy_relative: (ours.energy - lammps.energy).abs() / lammps.energy.abs(),
        per_atom_energy,
        force,
        virial_relative,
    }
}
