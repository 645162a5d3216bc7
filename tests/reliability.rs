//! Garbage never exits 0 and earlier results are never lost (issue 14): each reproduction of the
//! issue is a case in `tests/bad_inputs` with the message it must give.

mod common;

use std::path::Path;

use common::cli::{error_line, sintermd};

fn assert_contains(line: &str, expected: &[&str]) {
    for e in expected {
        assert!(line.contains(e), "{line:?} lacks {e:?}");
    }
}

/// Runs `tests/bad_inputs/<name>` into a fresh folder; returns the error line and the folder.
fn run_bad(name: &str, expected: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let input = format!("tests/bad_inputs/{name}");
    let line = error_line(&sintermd(&[
        "run",
        &input,
        "--out",
        out_dir.to_str().unwrap(),
    ]));
    assert_contains(&line, &[&input]);
    assert_contains(&line, expected);
    (line, dir)
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn a_blown_up_nose_hoover_run_stops_and_keeps_what_it_wrote() {
    let (line, dir) = run_bad(
        "blowup_nose_hoover.ron",
        &[
            "blow-up at step 1: atom ",
            "moved",
            "max_displacement",
            "blowup.xyz",
        ],
    );
    let out = dir.path().join("out");
    let s = summary(&out);
    assert_eq!(s["status"], "failed");
    assert_eq!(
        s["error"].as_str().unwrap(),
        line.trim_start_matches("error: ")
            .split(": ")
            .skip(1)
            .collect::<Vec<_>>()
            .join(": ")
    );
    assert_eq!(s["steps"], 1);
    // Rows and frames written before the blow-up stay: step 0 and step 1 were observed.
    let thermo = std::fs::read_to_string(out.join("thermo.csv")).unwrap();
    assert_eq!(thermo.lines().count(), 2, "{thermo}");
    let frame = std::fs::read_to_string(out.join("blowup.xyz")).unwrap();
    assert!(
        frame.starts_with("256\n") && frame.contains("Step=1"),
        "{frame}"
    );
    assert!(!out.join("final.data").exists());
}

#[test]
fn an_infinite_timestep_stops_at_the_first_non_finite_position() {
    run_bad(
        "blowup_huge_timestep.ron",
        &["blow-up at step 1: atom 1 position", "is not finite"],
    );
}

#[test]
fn free_boundaries_stop_on_the_displacement_ceiling() {
    run_bad(
        "blowup_free_boundary.ron",
        &["blow-up at step 1: atom ", "moved"],
    );
}

#[test]
fn lost_atoms_stop_the_run_as_in_lammps() {
    run_bad(
        "blowup_lost_atoms.ron",
        &[
            "blow-up at step 2: atom ",
            "is lost",
            "outside the non-periodic box",
        ],
    );
}

#[test]
fn the_temperature_ceiling_stops_a_run() {
    run_bad(
        "blowup_temperature.ron",
        &[
            "blow-up at step 1: temperature 1.2273e6 K is above 100000 K",
            "max_temperature",
            "fastest: atom",
        ],
    );
}

#[test]
fn a_folder_with_results_is_refused_then_force_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let ok = sintermd(&["run", "tests/inputs/determinism.ron", "--out", o]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    std::fs::write(out.join("mine.txt"), "keep me").unwrap();
    let before = std::fs::read(out.join("thermo.csv")).unwrap();

    // A second run, and a failing one, refuse the folder and touch nothing.
    let line = error_line(&sintermd(&[
        "run",
        "tests/inputs/determinism.ron",
        "--out",
        o,
    ]));
    assert_contains(&line, &["already holds a run's results", "--force"]);
    let line = error_line(&sintermd(&[
        "run",
        "tests/bad_inputs/bad_pair_coeff.ron",
        "--out",
        o,
    ]));
    assert!(!line.contains("already holds"), "{line}");
    assert_eq!(std::fs::read(out.join("thermo.csv")).unwrap(), before);

    // --force clears sintermd's own files (as the old summary listed them), keeps the user's.
    std::fs::write(out.join("stale_rdf.csv"), "old").unwrap();
    let mut s = summary(&out);
    s["files"]
        .as_array_mut()
        .unwrap()
        .push("stale_rdf.csv".into());
    std::fs::write(out.join("summary.json"), s.to_string()).unwrap();
    let ok = sintermd(&["run", "tests/inputs/determinism.ron", "--out", o, "--force"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(!out.join("stale_rdf.csv").exists());
    assert!(out.join("mine.txt").exists());
    assert_eq!(summary(&out)["status"], "done");
}

#[test]
fn a_run_that_fails_at_its_start_leaves_the_folder_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    error_line(&sintermd(&[
        "run",
        "tests/bad_inputs/bad_pair_coeff.ron",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(!out.exists());
}

#[test]
fn stage_names_that_escape_the_folder_are_refused() {
    run_bad(
        "stage_name_escapes.ron",
        &[
            "stage 1 (\"../../escaped\")",
            "cannot be part of a file name",
        ],
    );
}

#[test]
fn two_stages_with_one_name_are_refused() {
    run_bad(
        "stage_names_repeated.ron",
        &["stage 2 (\"heat\")", "also named \"heat\""],
    );
}

#[test]
fn a_file_that_cannot_be_written_ends_the_run_naming_it() {
    // A folder where final.data should go: the write fails even for root (a read-only folder
    // does not stop root), and the run reports it in one line and records the failure.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("final.data")).unwrap();
    let line = error_line(&sintermd(&[
        "run",
        "tests/inputs/determinism.ron",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_contains(&line, &["final.data"]);
    let s = summary(&out);
    assert_eq!(s["status"], "failed");
    assert!(s["error"].as_str().unwrap().contains("final.data"));
}

#[test]
fn absurd_sizes_are_refused_with_the_estimate() {
    run_bad(
        "cells_overflow.ron",
        &[
            "cells [18446744073709551615, 1, 1] would hold about 7.379e19 atoms",
            "index",
        ],
    );
    run_bad(
        "cells_too_many.ron",
        &["cells [6300, 6300, 6300] would hold about 1.000e12 atoms"],
    );
    run_bad(
        "cells_beyond_memory.ron",
        &["would hold about 4.000e9 atoms, needing about 8.2 TB of memory"],
    );
    run_bad(
        "lattice_tiny.ron",
        &["lattice parameter a = 1e-300 A must be between 0.5 and 100.0 A"],
    );
}

#[test]
fn unphysical_settings_are_refused() {
    run_bad(
        "velocities_too_hot.ron",
        &["velocities: temperature 1e308 K must be >= 0 and at most 100000.0 K"],
    );
    run_bad("timestep_zero.ron", &["timestep 0 must be positive"]);
    run_bad(
        "rdf_empty_window.ron",
        &["stage 1 (\"nve\"): Rdf: window (40, 10) selects no frame"],
    );
    run_bad(
        "trajectory_too_large.ron",
        &[
            "trajectory_every 1 would write about 1000002 frames",
            "max_trajectory_gb",
        ],
    );
}

#[test]
fn a_wrong_element_fails_before_the_folder_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let line = error_line(&sintermd(&[
        "run",
        "tests/bad_inputs/wrong_element.ron",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_contains(&line, &["Cu_Zhou04.eam.alloy: no element Pt in this file"]);
    assert!(!out.exists());
}

#[test]
fn malformed_data_files_name_file_line_and_problem() {
    let cases = [
        (
            "velocities_one_line.ron",
            "velocities_one_line.data:49: the header says 32 atoms but the Velocities section has 1 lines",
        ),
        (
            "velocities_deleted_line.ron",
            "velocities_deleted_line.data:49: the header says 32 atoms but the Velocities section has 31 lines",
        ),
        (
            "velocities_duplicated.ron",
            "velocities_duplicated.data:52: a second velocity for atom 1 (first at line 51)",
        ),
        (
            "velocities_infinite.ron",
            "velocities_infinite.data:53: atom 3: velocity is not finite",
        ),
        (
            "velocities_nan.ron",
            "velocities_nan.data:53: atom 3: velocity is not finite",
        ),
        (
            "atoms_duplicate_id.ron",
            "atoms_duplicate_id.data:17: atom id 1 appears twice (first at line 16)",
        ),
        (
            "masses_missing_line.ron",
            "masses_missing_line.data:10: the header says 2 atom types but the Masses section has 1 lines",
        ),
    ];
    for (input, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let line = error_line(&sintermd(&[
            "run",
            &format!("tests/bad_inputs/{input}"),
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ]));
        assert_contains(&line, &[expected]);
    }
}

#[test]
fn atoms_outside_a_free_box_are_an_error_in_eval() {
    let eval = |file: &str| {
        sintermd(&[
            "eval",
            "--structure",
            &format!("tests/bad_inputs/data/{file}"),
            "--boundary",
            "f f f",
            "--pair-style",
            "lj/cut 4.0",
            "--pair-coeff",
            "1 1 0.0104 3.40",
        ])
    };
    let line = error_line(&eval("atoms_outside_box.data"));
    assert_contains(
        &line,
        &["atoms_outside_box.data:18: atom 3: x = -3.5 is outside the non-periodic box [0, 10.52]"],
    );
    assert!(eval("ar32.data").status.success());
}

#[test]
fn too_many_threads_is_an_error() {
    let line = error_line(&sintermd(&[
        "run",
        "inputs/lj_quickstart.ron",
        "--threads",
        "100000",
    ]));
    assert_contains(&line, &["--threads 100000 is more than 8 times the"]);
}

#[test]
fn absurd_kmc_inputs_are_refused() {
    let cases = [
        (
            "bad_a_tiny.ron",
            "sites: lattice parameter a = 0.001 A must be between 0.5 and 100.0 A",
        ),
        (
            "bad_a_huge.ron",
            "sites: lattice parameter a = 1e308 A must be between",
        ),
        ("bad_sphere_huge.ron", "would hold about 1.359e17 atoms"),
        (
            "bad_bond_energy.ron",
            "model: bond_energy -0.1 eV must be positive",
        ),
        (
            "bad_snapshots.ron",
            "output: snapshots_per_decade 4294967295 is more than 1000",
        ),
    ];
    for (input, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = format!("tests/kmc_inputs/{input}");
        let line = error_line(&sintermd(&[
            "kmc",
            &path,
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ]));
        assert_contains(&line, &[&path, expected]);
    }
}

#[test]
fn a_failed_kmc_run_records_the_failure_and_the_files_it_wrote() {
    // A folder where final.xyz should go: the event loop runs, then the write fails (even for
    // root).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("final.xyz")).unwrap();
    let out_arg = out.to_str().unwrap();
    let input = "tests/kmc_inputs/tiny_crystal.ron";
    let line = error_line(&sintermd(&["kmc", input, "--out", out_arg]));
    assert_contains(&line, &["final.xyz: Is a directory"]);
    let s = summary(&out);
    assert_eq!(s["status"], "failed");
    assert!(s["error"].as_str().unwrap().contains("final.xyz"), "{s}");
    assert_eq!(s["seed"], 3);
    let files: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in [
        "neck.csv",
        "neck_fit.png",
        "neck_fit.svg",
        "snapshots.xyz",
        "summary.json",
    ] {
        assert!(files.contains(&f), "{f} not in {files:?}");
    }
    assert!(!files.contains(&"final.xyz"), "{files:?}");
    // The failed run's results are not overwritten by accident; --force clears the files it
    // listed (a stand-in the next run does not write shows that) and runs.
    let line = error_line(&sintermd(&["kmc", input, "--out", out_arg]));
    assert_contains(&line, &["already holds a run's results"]);
    std::fs::remove_dir(out.join("final.xyz")).unwrap();
    let mut failed = s.clone();
    failed["files"]
        .as_array_mut()
        .unwrap()
        .push("stale_plot.png".into());
    std::fs::write(out.join("summary.json"), failed.to_string()).unwrap();
    std::fs::write(out.join("stale_plot.png"), "old").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let ok = sintermd(&["kmc", input, "--out", out_arg, "--force"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(!out.join("stale_plot.png").exists());
    assert!(out.join("notes.txt").exists());
    let s = summary(&out);
    assert_eq!(s["status"], "done");
    assert!(
        s["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "final.xyz")
    );
    assert!(
        !s["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "notes.txt")
    );
}

#[test]
fn a_gap_analysis_without_layers_is_refused_before_the_folder_is_touched() {
    let (_, dir) = run_bad(
        "gap_bad_layers.ron",
        &[
            "stage 2 (\"sinter\")",
            "Gap: layers 0 must be between 1 and 50",
        ],
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_unknown_observer_group_is_reported_before_the_folder_is_touched() {
    let (_, dir) = run_bad(
        "observer_unknown_group.ron",
        &["stage 2 (\"cool\")", "unknown group nope (groups: none)"],
    );
    assert!(!dir.path().join("out").exists());
    // Even with --force, a folder holding an earlier run's results keeps them as they were.
    let out = dir.path().join("old");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thermo.csv"), "old rows").unwrap();
    std::fs::write(out.join("summary.json"), r#"{"files": ["thermo.csv"]}"#).unwrap();
    let line = error_line(&sintermd(&[
        "run",
        "tests/bad_inputs/observer_unknown_group.ron",
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]));
    assert_contains(&line, &["unknown group nope"]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["summary.json", "thermo.csv"]);
    assert_eq!(
        std::fs::read_to_string(out.join("thermo.csv")).unwrap(),
        "old rows"
    );
}
