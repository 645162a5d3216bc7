//! Bad EAM input gets a one-line error naming the file (and line) and the problem. The bad files
//! are in tests/fixtures/eam/bad.

mod common;

use std::path::Path;

use common::lammps_fixture::fixture;
use sintermd::potential::lammps::build;
use sintermd::system::SpeciesTable;

fn error(style: &str, coeffs: &[&str], species: &[&str]) -> String {
    let coeffs: Vec<String> = coeffs.iter().map(|c| c.to_string()).collect();
    let species = SpeciesTable::elements(species).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match build(style, &coeffs, &[], &species, root) {
        Ok(_) => panic!("{style} {coeffs:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn truncated_funcfl_file() {
    let e = error(
        "eam",
        &["1 1 tests/fixtures/eam/bad/truncated.eam"],
        &["Pt"],
    );
    let path = fixture("eam/bad/truncated.eam");
    assert_eq!(
        e,
        format!(
            "{}:5: file ends in the middle of the density table rho(r)",
            path.display()
        )
    );
}

#[test]
fn word_in_a_setfl_table() {
    let e = error(
        "eam/alloy",
        &["* * tests/fixtures/eam/bad/word.eam.alloy Pt"],
        &["Pt"],
    );
    let path = fixture("eam/bad/word.eam.alloy");
    assert_eq!(
        e,
        format!(
            "{}:8: density table of Pt: \"abc\" is not a number",
            path.display()
        )
    );
}

#[test]
fn missing_file() {
    let e = error(
        "eam/alloy",
        &["* * potentials/NoSuch.eam.alloy Pt"],
        &["Pt"],
    );
    assert!(
        e.contains("potentials/NoSuch.eam.alloy: No such file"),
        "{e}"
    );
}

#[test]
fn element_not_in_the_file() {
    let e = error(
        "eam/alloy",
        &["* * potentials/PtFe_Zhou04.eam.alloy Pt Cu"],
        &["Pt", "Cu"],
    );
    assert!(
        e.ends_with("PtFe_Zhou04.eam.alloy: no element Cu in this file (it has Pt Fe)"),
        "{e}"
    );
}

#[test]
fn wrong_number_of_elements() {
    let e = error(
        "eam/alloy",
        &["* * potentials/PtFe_Zhou04.eam.alloy Pt"],
        &["Pt", "Fe"],
    );
    assert_eq!(
        e,
        "pair_coeff \"* * potentials/PtFe_Zhou04.eam.alloy Pt\": 1 element names for 2 atom types"
    );
    let e = error(
        "eam/fs",
        &["1 1 potentials/PtFe_Zhou04.eam.alloy Pt"],
        &["Pt"],
    );
    assert!(
        e.contains("pair_style eam/fs needs one line pair_coeff * * FILE"),
        "{e}"
    );
}

#[test]
fn funcfl_type_without_a_file() {
    let pt = common::test_potential("Pt_johnson.eam");
    let e = error("eam", &[&format!("1 1 {pt}")], &["Pt", "Fe"]);
    assert_eq!(
        e,
        "pair_style eam: no pair_coeff 2 2 FILE for atom type 2 (Fe)"
    );
    let e = error("eam", &["1 1 potentials/Cu_Zhou04.eam.alloy"], &["Pt"]);
    assert!(
        e.ends_with("Cu_Zhou04.eam.alloy:2: atomic number: \"Zhou,\" is not a whole number"),
        "{e}"
    );
    let e = error(
        "eam",
        &["1 2 potentials/Cu_Zhou04.eam.alloy"],
        &["Pt", "Fe"],
    );
    assert_eq!(
        e,
        "pair_coeff \"1 2 potentials/Cu_Zhou04.eam.alloy\": pair_style eam sets only I I pairs; mixed pairs follow from the files"
    );
}

#[test]
fn style_arguments_and_modifiers_are_rejected() {
    let coeffs = vec!["* * potentials/Cu_Zhou04.eam.alloy Cu".to_string()];
    let species = SpeciesTable::elements(&["Cu"]).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e = build("eam/alloy 5.0", &coeffs, &[], &species, root)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(e, "pair_style eam/alloy takes no arguments (got \"5.0\")");
    let e = build(
        "eam/alloy",
        &coeffs,
        &["shift yes".to_string()],
        &species,
        root,
    )
    .err()
    .unwrap()
    .to_string();
    assert_eq!(
        e,
        "pair_modify \"shift yes\" is not supported for eam/alloy"
    );
}
