//! Bad MEAM input gets a one-line error naming the file and the problem (files in
//! tests/fixtures/meam/bad).

use std::path::Path;

use sintermd::potential::lammps;
use sintermd::system::SpeciesTable;

const LIB: &str = "potentials/FePt_Kim2006.library.meam";
const PAR: &str = "potentials/FePt_Kim2006.meam";

fn error_of(pair_coeff: &str, species: &[&str]) -> String {
    let species = SpeciesTable::elements(species).unwrap();
    match lammps::build(
        "meam",
        &[pair_coeff.to_string()],
        &[],
        &species,
        Path::new("."),
    ) {
        Ok(_) => panic!("pair_coeff \"{pair_coeff}\" was accepted"),
        Err(e) => e.to_string(),
    }
}

fn assert_error(pair_coeff: &str, species: &[&str], expected: &str) {
    let err = error_of(pair_coeff, species);
    assert!(!err.contains('\n'), "multi-line error: {err}");
    assert!(
        err.contains(expected),
        "error \"{err}\" should contain \"{expected}\""
    );
}

#[test]
fn the_good_files_load() {
    let species = SpeciesTable::elements(&["Pt", "Fe"]).unwrap();
    let coeff = format!("* * {LIB} Pt Fe {PAR} Pt Fe");
    let p = lammps::build("meam", &[coeff], &[], &species, Path::new(".")).unwrap();
    assert_eq!(p.name(), "meam");
    // rc = 4.4 A, screening bound of Cmax = 2.8: 4.4 * sqrt(2.8^2 / 7.2) = 4.591 A.
    assert!((p.cutoff() - 4.4 * (2.8f64 * 2.8 / 7.2).sqrt()).abs() < 1e-5);
}

#[test]
fn parameter_file_errors() {
    let bad = "tests/fixtures/meam/bad";
    assert_error(
        &format!("* * {LIB} Pt Fe {bad}/unknown_keyword.meam Pt Fe"),
        &["Pt", "Fe"],
        "tests/fixtures/meam/bad/unknown_keyword.meam:3: unknown MEAM parameter keyword \"rcut\"",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe {bad}/bad_index.meam Pt Fe"),
        &["Pt", "Fe"],
        "bad_index.meam:2: Cmin: element index 3 is outside 1..2",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe {bad}/bad_lattice.meam Pt Fe"),
        &["Pt", "Fe"],
        "bad_lattice.meam:1: lattce: unknown lattice \"l10\"",
    );
}

#[test]
fn library_file_errors() {
    let bad = "tests/fixtures/meam/bad";
    assert_error(
        &format!("* * {bad}/short_entry.library.meam Pt NULL Pt"),
        &["Pt"],
        "short_entry.library.meam:2: library entry has only 12 of its 19 words",
    );
    assert_error(
        &format!("* * {bad}/bad_ibar.library.meam Pt NULL Pt"),
        &["Pt"],
        "bad_ibar.library.meam: MEAM: element Pt has ibar = 2; supported: 0, 1, 3, 4, -5",
    );
    assert_error(
        &format!("* * {LIB} Pt Cu {PAR} Pt Cu"),
        &["Pt", "Cu"],
        "FePt_Kim2006.library.meam: no MEAM library entry for Cu",
    );
}

#[test]
fn pair_coeff_errors() {
    assert_error(
        &format!("1 1 {LIB} Pt Fe {PAR} Pt Fe"),
        &["Pt", "Fe"],
        "meam needs pair_coeff * * LIBRARY",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe {PAR} Pt"),
        &["Pt", "Fe"],
        "2 species but 1 element names after the parameter file",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe {PAR} Fe Pt"),
        &["Pt", "Fe"],
        "species 1 is Pt but is mapped to MEAM element Fe",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe {PAR} Pt Ni"),
        &["Pt", "Fe"],
        "species 2 (Fe) is mapped to Ni, which is not among the MEAM elements Pt Fe",
    );
    assert_error(
        &format!("* * missing.library.meam Pt Fe {PAR} Pt Fe"),
        &["Pt", "Fe"],
        "MEAM library file ./missing.library.meam not found",
    );
    assert_error(
        &format!("* * {LIB} Pt Fe nofile.meam Pt Fe"),
        &["Pt", "Fe"],
        "no MEAM parameter file (or NULL) found",
    );
}
