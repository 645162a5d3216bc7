//! `sintermd kmc` end to end on a small crystal pair: the output folder holds the neck CSV, the
//! plots, the snapshots, the final structure and a summary with events per second and null
//! events; bad inputs fail with one line naming the file and the problem.

use std::path::Path;
use std::process::Command;

fn sintermd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sintermd"))
}

#[test]
fn small_crystal_pair_runs_and_writes_its_folder() {
    let out = std::env::temp_dir().join(format!("sintermd_kmc_cli_{}", std::process::id()));
    let status = sintermd()
        .args(["kmc", "tests/kmc_inputs/tiny_crystal.ron", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    for f in ["neck.csv", "snapshots.xyz", "final.xyz", "summary.json"] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["clock"]["events"], 300000);
    assert!(summary["events_per_second"].as_f64().unwrap() > 0.0);
    assert!(summary["clock"]["null_events"].as_u64().is_some());
    assert!(summary["pair"]["joining_atom"].as_bool().unwrap());
    assert_eq!(summary["atoms_on_edge_sites"], 0);
    let fit = &summary["fit"]["Ok"];
    assert!(
        fit["exponent"].as_f64().unwrap() > 0.0,
        "fit: {}",
        summary["fit"]
    );
    // The window table: two starts x four caps, in the summary and as CSV.
    let windows = summary["fit_windows"].as_array().unwrap();
    assert_eq!(windows.len(), 8, "{}", summary["fit_windows"]);
    let table = std::fs::read_to_string(out.join("neck_fit_windows.csv")).unwrap();
    assert!(table.starts_with("start_neck_sites,max_radius_over_R,n,n_error"));
    assert_eq!(table.lines().count(), 9);
    assert!(
        windows
            .iter()
            .any(|w| w["fit"]["Ok"]["exponent"].as_f64().is_some()),
        "no window gives a fit: {}",
        summary["fit_windows"]
    );
    let csv = std::fs::read_to_string(out.join("neck.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("time_s,events,neck_sites"));
    assert!(rows.len() > 20, "log-spaced samples");
    // The neck starts as the joining atom and grows.
    let sites = |row: &str| row.split(',').nth(2).unwrap().parse::<usize>().unwrap();
    assert_eq!(sites(rows[1]), 1);
    assert!(sites(rows[rows.len() - 1]) > 1);
    // Snapshots: first frame has every atom, at time 0.
    let xyz = std::fs::read_to_string(out.join("snapshots.xyz")).unwrap();
    let atoms = summary["pair"]["atoms"].as_u64().unwrap();
    assert_eq!(
        xyz.lines().next().unwrap().trim().parse::<u64>().unwrap(),
        atoms
    );
    assert!(xyz.lines().nth(1).unwrap().contains("Time=0e0"));
    assert!(out.join("neck_fit.png").exists() && out.join("neck_fit.svg").exists());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn bad_inputs_fail_with_one_line_naming_the_file() {
    let cases = [
        (
            "bad_unknown_field.ron",
            "bad_unknown_field.ron:6: Unexpected field named `temperature`",
        ),
        (
            "bad_diameter.ron",
            "bad_diameter.ron: sphere diameter -5 A must be positive",
        ),
        ("bad_axis.ron", "is not a lattice direction of particle 1"),
        (
            "bad_mesh_path.ron",
            "bad_header.mesh:1: expected the header",
        ),
        ("bad_small_mesh.ron", "too small for two particles"),
    ];
    for (file, expected) in cases {
        let out = sintermd()
            .args(["kmc", &format!("tests/kmc_inputs/{file}"), "--out"])
            .arg(std::env::temp_dir().join("sintermd_kmc_bad"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{file} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{file}: one line, got {err}");
        assert!(err.contains(expected), "{file}: got \"{err}\"");
    }
}

#[test]
fn shipped_kmc_inputs_parse() {
    for name in ["kmc_crystal_pair.ron", "kmc_glass_pair.ron"] {
        let path = Path::new("inputs").join(name);
        sintermd::input::KmcInput::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
