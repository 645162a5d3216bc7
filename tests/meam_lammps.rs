//! MEAM (`pair_style meam`) against LAMMPS 22 Jul 2025 on the fixtures of
//! tests/fixtures/meam (made by tests/fixtures/meam/make_fixtures.py, which also checks that LAMMPS
//! gives the same numbers bit for bit with the typed files in potentials/ that the tests read as
//! with the published LAMMPS files).
//!
//! Acceptance tolerances for the Fe-Pt and Cu fixtures: total energy 1e-8 relative, per-atom
//! energies 1e-7 eV, forces 1e-7 eV/A. The synthetic fixtures (made-up elements in unphysical
//! configurations, forces up to 1e4 eV/A) are held to 1e-10 relative to their largest magnitude.

mod common;

use std::path::Path;

use serde_json::Value;
use sintermd::io::read_lammps_data;
use sintermd::potential::lammps;
use sintermd::run::eval::{EvalReport, evaluate};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

fn load(name: &str) -> Value {
    let path = common::fixture(&format!("meam/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn vec3s(v: &Value) -> Vec<[f64; 3]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let c = f64s(p);
            [c[0], c[1], c[2]]
        })
        .collect()
}

/// The fixture's configuration as a System.
fn system_of(fx: &Value) -> System {
    if let Some(data) = fx.get("data_file") {
        return read_lammps_data(Path::new(data.as_str().unwrap()), [true; 3], None).unwrap();
    }
    let names: Vec<String> = fx["species"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let species = SpeciesTable::new(names, f64s(&fx["masses"])).unwrap();
    let bounds: Vec<Vec<f64>> = fx["box"].as_array().unwrap().iter().map(f64s).collect();
    let simbox = SimBox::new(
        [bounds[0][0], bounds[1][0], bounds[2][0]],
        [bounds[0][1], bounds[1][1], bounds[2][1]],
        [true; 3],
    )
    .unwrap();
    let mut system = System::new(simbox, species);
    let types = fx["types"].as_array().unwrap();
    for (k, (t, p)) in types.iter().zip(vec3s(&fx["positions"])).enumerate() {
        let ty = t.as_u64().unwrap() as u32 - 1;
        system.push(k as u64 + 1, ty, Vec3::new(p[0], p[1], p[2]), Vec3::zeros());
    }
    system
}

fn evaluate_with(system: &System, pair_coeff: &str) -> EvalReport {
    let potential = lammps::build(
        "meam",
        &[pair_coeff.to_string()],
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    evaluate(&mut system.clone(), potential).unwrap()
}

/// Largest deviations from LAMMPS: (energy relative, per-atom energy, force, virial relative).
struct Deviation {
    energy_rel: f64,
    per_atom: f64,
    force: f64,
    virial_rel: f64,
    force_scale: f64,
}

fn compare(name: &str) -> Deviation {
    let fx = load(name);
    let system = system_of(&fx);
    let ours = evaluate_with(&system, fx["pair_coeff"].as_str().unwrap());
    let energy = fx["energy"].as_f64().unwrap();
    let per_atom = f64s(&fx["per_atom_energy"]);
    let forces = vec3s(&fx["forces"]);
    let virial = f64s(&fx["virial"]);
    assert_eq!(ours.natoms, forces.len(), "{name}: atom count");
    let max_abs = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    let dev = Deviation {
        energy_rel: (ours.energy - energy).abs() / energy.abs(),
        per_atom: max_abs(&ours.per_atom_energy, &per_atom),
        force: ours
            .forces
            .iter()
            .zip(&forces)
            .map(|(a, b)| max_abs(a, b))
            .fold(0.0, f64::max),
        virial_rel: max_abs(&ours.virial, &virial)
            / virial.iter().map(|v| v.abs()).fold(1.0, f64::max),
        force_scale: forces
            .iter()
            .flat_map(|f| f.iter().map(|c| c.abs()))
            .fold(1.0, f64::max),
    };
    eprintln!(
        "{name:36} {:5} atoms  E = {energy:.10} eV  dE/E {:.1e}  dE_atom {:.1e} eV  dF {:.1e} eV/A  \
         dW/W {:.1e}",
        ours.natoms, dev.energy_rel, dev.per_atom, dev.force, dev.virial_rel
    );
    dev
}

fn check_acceptance(name: &str) {
    let d = compare(name);
    assert!(
        d.energy_rel < 1e-8,
        "{name}: energy off by {:.3e} relative",
        d.energy_rel
    );
    assert!(
        d.per_atom < 1e-7,
        "{name}: per-atom energy off by {:.3e} eV",
        d.per_atom
    );
    assert!(d.force < 1e-7, "{name}: force off by {:.3e} eV/A", d.force);
    assert!(
        d.virial_rel < 1e-8,
        "{name}: virial off by {:.3e} relative",
        d.virial_rel
    );
}

#[test]
fn fept_particle_4k_matches_lammps() {
    check_acceptance("fept/particle_4k");
}

#[test]
fn fept_small_particle_displaced_matches_lammps() {
    check_acceptance("fept/particle_small_displaced");
}

#[test]
fn fept_bulk_phases_match_lammps() {
    for name in ["l12_pt3fe", "l10_fept", "bcc_fe"] {
        check_acceptance(&format!("fept/{name}"));
        check_acceptance(&format!("fept/{name}_displaced"));
    }
}

#[test]
fn cu_matches_lammps() {
    for name in ["fcc", "fcc_displaced", "fcc_compressed_hot"] {
        check_acceptance(&format!("cu/{name}"));
    }
}

#[test]
fn synthetic_lattices_and_switches_match_lammps() {
    for name in [
        "c11",
        "c11_diamond",
        "b2_nn2",
        "b1_nn2",
        "l12_ialloy1",
        "dia_nn2",
        "dia3",
        "ch4",
        "zig",
        "tri",
        "lin",
        "sc",
    ] {
        let d = compare(&format!("synthetic/{name}"));
        assert!(
            d.energy_rel < 1e-10,
            "{name}: energy off by {:.3e}",
            d.energy_rel
        );
        assert!(
            d.force < 1e-10 * d.force_scale,
            "{name}: force off by {:.3e}",
            d.force
        );
        assert!(
            d.virial_rel < 1e-10,
            "{name}: virial off by {:.3e}",
            d.virial_rel
        );
    }
}
