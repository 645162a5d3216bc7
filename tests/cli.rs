//! The command line: good runs write their files; bad input ends with one readable error line
//! naming the file and the problem, and a non-zero exit, never a panic.

mod common;

use std::path::Path;

use common::cli::{error_line, sintermd};

/// Runs a bad input and checks the error: exit code 1, one line, containing every `expected` text.
fn fails_with(args: &[&str], expected: &[&str]) {
    let line = error_line(&sintermd(args));
    for e in expected {
        assert!(
            line.contains(e),
            "error line {line:?} for {args:?} lacks {e:?}"
        );
    }
}

fn run_bad(name: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("tests/bad_inputs/{name}");
    fails_with(
        &["run", &input, "--out", dir.path().to_str().unwrap()],
        expected,
    );
}

#[test]
fn unknown_field_names_the_file_line_and_field() {
    run_bad(
        "unknown_field.ron",
        &["tests/bad_inputs/unknown_field.ron:4:", "temprature"],
    );
}

#[test]
fn ron_syntax_error_names_the_line() {
    run_bad(
        "syntax_error.ron",
        &["tests/bad_inputs/syntax_error.ron:4:"],
    );
}

#[test]
fn missing_structure_file_is_named() {
    run_bad(
        "missing_data_file.ron",
        &["no_such_file.data", "No such file"],
    );
}

#[test]
fn malformed_data_file_names_file_and_line() {
    run_bad(
        "malformed_data_file.ron",
        &["malformed.data:17:", "\"5,0\""],
    );
}

#[test]
fn unknown_species_is_named() {
    run_bad(
        "unknown_species.ron",
        &["unknown_species.ron", "unknown species Kr"],
    );
}

#[test]
fn unknown_pair_style_is_named() {
    run_bad(
        "unknown_pair_style.ron",
        &["pair_style tersoff/mod is not available"],
    );
}

#[test]
fn pair_coeff_for_missing_type_is_an_error() {
    run_bad(
        "bad_pair_coeff.ron",
        &["bad_pair_coeff.ron", "outside 1..1"],
    );
}

#[test]
fn overlapping_atoms_are_reported() {
    run_bad(
        "overlapping_atoms.ron",
        &["overlapping_atoms.ron", "atoms 2 and 3 overlap"],
    );
}

#[test]
fn infinite_forces_are_reported() {
    run_bad(
        "infinite_forces.ron",
        &["infinite_forces.ron", "atom 1 is not finite"],
    );
}

#[test]
fn an_input_without_stages_is_refused() {
    run_bad("no_stages.ron", &["no_stages.ron", "no stages"]);
}

#[test]
fn missing_input_file_is_named() {
    fails_with(
        &["run", "tests/bad_inputs/absent.ron"],
        &["tests/bad_inputs/absent.ron"],
    );
}

#[test]
fn eval_with_unknown_style_and_missing_structure() {
    fails_with(
        &[
            "eval",
            "--structure",
            "tests/fixtures/lj/argon_small_box.data",
            "--pair-style",
            "eam/cd",
            "--pair-coeff",
            "* * x",
        ],
        &["pair_style eam/cd is not available"],
    );
    fails_with(
        &[
            "eval",
            "--structure",
            "nowhere.data",
            "--pair-style",
            "lj/cut 2.5",
            "--pair-coeff",
            "1 1 1 1",
        ],
        &["nowhere.data"],
    );
}

#[test]
fn eval_writes_the_fixture_keys() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let out = sintermd(&[
        "eval",
        "--structure",
        "tests/fixtures/lj/kob_andersen.data",
        "--pair-style",
        "lj/cut 6.25",
        "--pair-coeff",
        "1 1 0.1 2.5 6.25",
        "--pair-coeff",
        "1 2 0.15 2.0 5.0",
        "--pair-coeff",
        "2 2 0.05 2.2 5.5",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["natoms"], 500);
    assert_eq!(v["forces"].as_array().unwrap().len(), 500);
    assert_eq!(v["per_atom_energy"].as_array().unwrap().len(), 500);
    assert_eq!(v["virial"].as_array().unwrap().len(), 6);
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/lj/kob_andersen.json").unwrap(),
    )
    .unwrap();
    let (e, r) = (
        v["energy"].as_f64().unwrap(),
        reference["initial"]["energy"].as_f64().unwrap(),
    );
    assert!(
        (e - r).abs() < 1e-10 * r.abs(),
        "eval energy {e} vs LAMMPS {r}"
    );
}

#[test]
fn eval_with_a_ron_potential_file() {
    let dir = tempfile::tempdir().unwrap();
    let pot = dir.path().join("pot.ron");
    std::fs::write(&pot, r#"LennardJones(pairs: [(species: ("Ar", "Ar"), epsilon: 0.0104, sigma: 3.4, cutoff: 8.5)])"#).unwrap();
    let out = sintermd(&[
        "eval",
        "--structure",
        "tests/fixtures/lj/argon_small_box.data",
        "--potential",
        pot.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/lj/argon_small_box.json").unwrap(),
    )
    .unwrap();
    let (e, r) = (
        v["energy"].as_f64().unwrap(),
        reference["initial"]["energy"].as_f64().unwrap(),
    );
    assert!((e - r).abs() < 1e-10 * r.abs());
}

#[test]
fn quickstart_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = sintermd(&[
        "run",
        "inputs/lj_quickstart.ron",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["thermo.csv", "trajectory.xyz", "summary.json", "final.data"] {
        assert!(Path::new(&dir.path().join(f)).exists(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["atoms"], 864);
    assert_eq!(summary["steps"], 2000);
    assert!(summary["atom_steps_per_second"].as_f64().unwrap() > 0.0);
    let thermo = std::fs::read_to_string(dir.path().join("thermo.csv")).unwrap();
    assert!(thermo.starts_with(
        "step,time[ps],temperature[K],potential[eV],kinetic[eV],total[eV],pressure[bar]"
    ));
    assert_eq!(thermo.lines().count(), 1 + 2000 / 20 + 1);
}

#[test]
fn stage_observers_write_csv_figures_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = sintermd(&[
        "run",
        "tests/inputs/observers.ron",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "heat_com.csv",
        "heat_com.png",
        "heat_com.svg",
        "heat_shape.csv",
        "heat_shape_rg.png",
        "heat_rdf.csv",
        "heat_rdf.png",
        "heat_structure.csv",
        "heat_structure.png",
        "heat_msd.csv",
        "heat_msd.png",
        "heat_tracked.csv",
        "thermo_energy.png",
        "thermo_temperature.png",
        "report.html",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    let com = std::fs::read_to_string(dir.path().join("heat_com.csv")).unwrap();
    assert!(com.starts_with("step,time[ps],all_x[A]"));
    assert_eq!(com.lines().count(), 1 + 300 / 50 + 1);
    assert!(com.lines().nth(1).unwrap().starts_with("0,0.0,"));
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for f in [
        "heat_rdf.png",
        "thermo_energy.png",
        "heat_structure.png",
        "Stage 1: heat",
    ] {
        assert!(report.contains(f), "report lacks {f}");
    }
}

#[test]
fn unknown_group_in_an_observer_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.ron");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/observers.ron"),
    )
    .unwrap()
    .replace(
        "CentreOfMass(every: 50)",
        "CentreOfMass(every: 50, groups: [\"particle7\"])",
    );
    std::fs::write(&input, text).unwrap();
    fails_with(
        &[
            "run",
            input.to_str().unwrap(),
            "--out",
            dir.path().join("o").to_str().unwrap(),
        ],
        &["bad.ron", "unknown group particle7"],
    );
}

/// Started by an MPI launcher on several ranks, a build without the `mpi` feature stops before
/// writing anything (each rank would run the whole input into the same folder).
#[cfg(not(feature = "mpi"))]
#[test]
fn several_mpi_ranks_without_the_mpi_feature_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", "inputs/lj_quickstart.ron", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("OMPI_COMM_WORLD_SIZE", "2")
        .output()
        .unwrap();
    let line = error_line(&run);
    assert!(
        line.contains("2 ranks") && line.contains("--features mpi"),
        "{line}"
    );
    assert!(!out.exists(), "nothing may be written");
}
