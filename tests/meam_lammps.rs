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

use common::lammps_fixture::{
    Deviations, deviations_with_virial_floor, eval_output, fixture, load_flat_reference,
};
use sintermd::potential::lammps;

/// Deviations from LAMMPS (virial relative to at least 1 eV) and the largest force component
/// of the reference, at least 1 eV/A.
fn compare(name: &str) -> (Deviations, f64) {
    let fx = load_flat_reference(&fixture(&format!("meam/{name}.json")));
    let mut system = fx.system();
    let potential = lammps::build(
        "meam",
        std::slice::from_ref(&fx.pair_coeff),
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    let ours = eval_output(&mut system, potential);
    let reference = fx.snapshot();
    assert_eq!(ours.forces.len(), reference.natoms, "{name}: atom count");
    let dev = deviations_with_virial_floor(&ours, &reference, 1.0);
    let force_scale = fx
        .forces
        .iter()
        .flatten()
        .map(|c| c.abs())
        .fold(1.0, f64::max);
    eprintln!(
        "{name:36} {:5} atoms  E = {:.10} eV  dE/E {:.1e}  dE_atom {:.1e} eV  dF {:.1e} eV/A  \
         dW/W {:.1e}",
        reference.natoms,
        fx.energy,
        dev.energy_relative,
        dev.per_atom_energy,
        dev.force,
        dev.virial_relative
    );
    (dev, force_scale)
}

fn check_acceptance(name: &str) {
    let (d, _) = compare(name);
    assert!(
        d.energy_relative < 1e-8,
        "{name}: energy off by {:.3e} relative",
        d.energy_relative
    );
    assert!(
        d.per_atom_energy < 1e-7,
        "{name}: per-atom energy off by {:.3e} eV",
        d.per_atom_energy
    );
    assert!(d.force < 1e-7, "{name}: force off by {:.3e} eV/A", d.force);
    assert!(
        d.virial_relative < 1e-8,
        "{name}: virial off by {:.3e} relative",
        d.virial_relative
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
        let (d, force_scale) = compare(&format!("synthetic/{name}"));
        assert!(
            d.energy_relative < 1e-10,
            "{name}: energy off by {:.3e}",
            d.energy_relative
        );
        assert!(
            d.force < 1e-10 * force_scale,
            "{name}: force off by {:.3e}",
            d.force
        );
        assert!(
            d.virial_relative < 1e-10,
            "{name}: virial off by {:.3e}",
            d.virial_relative
        );
    }
}
