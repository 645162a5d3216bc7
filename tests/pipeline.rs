//! The sintering protocol from one input: build a pair, equilibrate each particle on its own,
//! assemble them with the gap (momenta removed), sinter with every analysis; the files, the
//! report and the bookkeeping (the whole system's centre of mass stays put).

use std::process::Command;

fn run(input: &str, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", input, "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    lines
        .map(|l| l.split(',').nth(k).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn pair_protocol_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("tests/inputs/pair_pipeline.ron", dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |f: &str| {
        std::fs::read_to_string(dir.path().join(f)).unwrap_or_else(|_| panic!("{f} missing"))
    };
    for p in ["particle1", "particle2"] {
        for f in [
            "thermo.csv",
            "final.data",
            "shape.csv",
            "thermo_temperature.png",
        ] {
            let name = format!("equilibrate_{p}_{f}");
            assert!(dir.path().join(&name).exists(), "{name} missing");
        }
    }
    for f in [
        "sinter_neck.png",
        "sinter_com.png",
        "sinter_rdf.png",
        "sinter_structure.png",
        "sinter_msd.csv",
        "sinter_tracked.csv",
        "report.html",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    // Each particle was equilibrated from its own velocities: the two runs differ.
    assert_ne!(
        read("equilibrate_particle1_thermo.csv"),
        read("equilibrate_particle2_thermo.csv")
    );
    // Sintering starts with zero total momentum: the whole system's centre of mass stays put.
    let com = read("sinter_com.csv");
    let drift = column(&com, "all_displacement[A]")
        .into_iter()
        .fold(0.0, f64::max);
    assert!(drift < 0.01, "centre of mass moved {drift} A");
    // Along the contact axis the particles move towards each other: particle 1 forwards,
    // particle 2 backwards, their centres closer by the difference.
    let along1 = column(&com, "particle1_along_axis[A]");
    let along2 = column(&com, "particle2_along_axis[A]");
    let change = column(&com, "centre_distance_change[A]");
    let (a1, a2, dc) = (
        *along1.last().unwrap(),
        *along2.last().unwrap(),
        *change.last().unwrap(),
    );
    assert!(a1 > 0.0 && a2 < 0.0 && dc < 0.0, "{a1} {a2} {dc}");
    assert!((dc - (a2 - a1)).abs() < 0.05 * dc.abs(), "{a1} {a2} {dc}");
    // Shrinkage is measured between the two particles (whatever other groups exist), and the
    // neck observer's centre distance is the same quantity.
    let shape = read("sinter_shape.csv");
    let shrink = column(&shape, "particle1_particle2_centre_distance[A]");
    let neck_distance = column(&read("sinter_neck.csv"), "centre_distance[A]");
    assert!((shrink[0] - neck_distance[0]).abs() < 1e-9);
    // The gap closes into a neck in this quick LJ case.
    let neck = read("sinter_neck.csv");
    let radius = column(&neck, "neck_radius[A]");
    assert_eq!(radius[0], 0.0);
    assert!(*radius.last().unwrap() > 0.0);
    let summary: serde_json::Value = serde_json::from_str(&read("summary.json")).unwrap();
    assert!(summary["neck_formed_ps"].as_f64().unwrap() > 0.0);
    assert_eq!(summary["atoms"], 624);
    // The phase check runs by default in both MD stages: a verdict per stage and particle, the
    // particles named as in the run, and the per-particle files of the equilibration.
    let phases = summary["phases"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = phases
        .iter()
        .map(|p| {
            (
                p["stage"].as_str().unwrap(),
                p["particle"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("equilibrate", "particle1"),
            ("equilibrate", "particle2"),
            ("sinter", "particle1"),
            ("sinter", "particle2")
        ]
    );
    for p in phases {
        assert!(
            p["verdict"].is_string() && p["interior_atoms"].as_u64().unwrap() > 0,
            "{p}"
        );
    }
    for f in [
        "equilibrate_particle1_phase.csv",
        "equilibrate_particle2_phase.png",
        "sinter_phase.csv",
        "sinter_phase.png",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    // Speeds are per stage: one stage's rate in each entry, no run-wide mixture.
    let stages: Vec<&str> = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["equilibrate", "sinter"]);
    assert!(summary["atom_steps_per_second"].is_null());
    let report = read("report.html");
    for s in [
        "Stage 1: equilibrate",
        "Stage 2: assemble",
        "Stage 3: sinter",
        "particle2: Kinetic temperature",
        "neck between particle1 and particle2 formed",
        "phase check, particle1: ",
        "atom-steps/s of each MD stage: equilibrate ",
    ] {
        assert!(report.contains(s), "report lacks {s:?}");
    }
}

#[test]
fn equilibrate_needs_a_pair_structure() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.ron");
    std::fs::write(
        &input,
        r#"(
            structure: Lattice(lattice: Fcc, a: 5.26, cells: (3, 3, 3), species: [(species: "Ar")]),
            potential: Lammps(pair_style: "lj/cut 8.5", pair_coeff: ["1 1 0.0104 3.40"]),
            stages: [EquilibrateParticles(steps: 10, timestep: 0.002), Assemble()],
        )"#,
    )
    .unwrap();
    let out = run(input.to_str().unwrap(), &dir.path().join("o"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.ron") && err.contains("stage 1") && err.contains("Build(Pair(...))"),
        "{err}"
    );
}
