//! Garbage never exits 0 and earlier results are never lost (issue 14): each reproduction of the
//! issue is a case in `tests/bad_inputs` with the message it must give.

use std::path::Path;
use std::process::{Command, Output};

fn sintermd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// The single `error: ` line of a run that must fail with exit status 1 and no panic.
fn error_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "expected one error line: {stderr}");
    errors[0].to_string()
}

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
        &["blow-up at step 1: temperature", "max_temperature"],
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
