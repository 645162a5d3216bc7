//! Sweeps (issue 16) on this machine: planning (expanded inputs valid on their own, manifest,
//! job-array script), bad axes refused before anything is written, `sweep run` with several
//! points at a time (finished points skipped, interrupted ones resumed), `sweep status` and
//! `sweep collect` (one row per point, every point). Sweeps of `sintermd kmc`: planned, run
//! (a stopped point again from the start) and collected into the growth-law exponent; a base
//! that is neither a study nor a KMC input is one error line naming it.

mod common;

use std::path::Path;

use common::cli::{error_line, results_without_timings, sintermd, sintermd_ok};

const TINY: &str = "inputs/sweeps/lj_tiny.ron";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_sweep_is_planned_run_resumed_and_collected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny");
    let o = out.to_str().unwrap();
    sintermd_ok(&["sweep", "plan", TINY, "--out", o]);

    // Zipped temperatures x 2 replicas: 4 points, replica seeds derived.
    let manifest = read(&out.join("manifest.csv"));
    assert_eq!(
        manifest,
        "point,folder,temperature_K,start_temperature_K,replica\n\
         0,points/0000,25.0,25.0,0\n1,points/0001,25.0,25.0,1\n\
         2,points/0002,45.0,45.0,0\n3,points/0003,45.0,45.0,1\n"
    );
    let input = read(&out.join("points/0003/input.ron"));
    let get = |path: &str| sintermd::sweep::ron_edit::get(&input, path).unwrap();
    assert_eq!(get("stages[0].thermostat.temperature"), "45.0");
    assert_eq!(get("velocities.temperature"), "45.0");
    assert_eq!(get("velocities.seed"), "2027");
    assert_eq!(get("seed"), "12");
    let script = read(&out.join("submit.sbatch"));
    for line in [
        "#SBATCH --array=0-3",
        "#SBATCH --cpus-per-task=1",
        "#SBATCH --time=00:10:00",
        "#SBATCH --requeue",
        "#SBATCH --signal=B:USR1@60",
    ] {
        assert!(script.lines().any(|l| l == line), "{line}\n{script}");
    }
    assert!(script.contains("--resume"), "{script}");
    // Every point's input runs on its own, from anywhere.
    sintermd_ok(&[
        "prepare",
        out.join("points/0001/input.ron").to_str().unwrap(),
        "-o",
        dir.path().join("start.data").to_str().unwrap(),
    ]);
    // Planning again is harmless.
    sintermd_ok(&["sweep", "plan", TINY, "--out", o]);

    let status = sintermd_ok(&["sweep", "status", o]);
    assert!(status.contains("4 points: 4 pending"), "{status}");

    // Point 2 run alone first, interrupted by a stop at its start: checkpointed.
    let p2 = out.join("points/0002");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", "input.ron", "--out", ".", "--threads", "1"])
        .current_dir(&p2)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !p2.join("checkpoint.bin").exists() {
        assert!(start.elapsed().as_secs() < 60, "no checkpoint");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // SAFETY: sends SIGTERM to the child started above.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let result = child.wait_with_output().unwrap();
    assert_eq!(
        result.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let status = sintermd_ok(&["sweep", "status", o]);
    assert!(
        status.contains("points/0002") && status.contains("checkpointed at step"),
        "{status}"
    );

    // Two at a time: point 2 resumes, the others start.
    let ran = sintermd_ok(&["sweep", "run", o, "--jobs", "2"]);
    assert!(ran.contains("4 done, 0 failed"), "{ran}");
    assert!(read(&p2.join("run.log")).contains("resuming from"));
    let status = sintermd_ok(&["sweep", "status", o]);
    assert!(status.contains("4 points: 4 done"), "{status}");
    // Nothing left to run.
    let again = sintermd_ok(&["sweep", "run", o, "--jobs", "2"]);
    assert!(again.contains("0 point(s) run now; 4 done"), "{again}");

    let collected = sintermd_ok(&["sweep", "collect", o]);
    assert!(collected.contains("4 rows"), "{collected}");
    // Speeds per MD stage, one column each (left out of the comparisons below).
    let full = read(&out.join("results.csv"));
    let full_header: Vec<&str> = full.lines().next().unwrap().split(',').collect();
    assert!(
        full_header.contains(&"heat_atom_steps_per_second")
            && !full_header.contains(&"atom_steps_per_second"),
        "{full_header:?}"
    );
    let table = results_without_timings(&out);
    assert_eq!(table.len(), 5);
    let header = &table[0];
    for column in [
        "point",
        "temperature_K",
        "replica",
        "status",
        "shrinkage",
        "final_fcc_fraction",
        "com_drift_A",
        "sintermd_version",
        "input_sha256",
        "seed",
    ] {
        assert!(header.iter().any(|h| h == column), "{column}: {header:?}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &table[1..] {
        assert_eq!(row[col("status")], "done");
        assert!(!row[col("final_fcc_fraction")].is_empty(), "{row:?}");
    }
    // Replicas differ (derived seeds), so do temperatures.
    assert_ne!(table[1][col("seed")], table[2][col("seed")]);
    let temperature = |r: usize| -> f64 { table[r][col("final_temperature_K")].parse().unwrap() };
    assert!(temperature(3) > temperature(1), "{table:?}");
    assert!(out.join("report.html").is_file());
    assert!(
        out.join("sweep_final_fcc_fraction_vs_temperature_K.png")
            .is_file()
    );

    // Point 2, interrupted and resumed, equals a run of its input from scratch.
    let fresh = dir.path().join("fresh");
    sintermd_ok(&[
        "run",
        p2.join("input.ron").to_str().unwrap(),
        "--out",
        fresh.to_str().unwrap(),
    ]);
    for name in [
        "thermo.csv",
        "heat_shape.csv",
        "heat_structure.csv",
        "final.data",
    ] {
        assert!(read(&fresh.join(name)) == read(&p2.join(name)), "{name}");
    }
}

#[test]
fn a_missing_point_is_listed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny");
    let o = out.to_str().unwrap();
    sintermd_ok(&["sweep", "plan", TINY, "--out", o]);
    sintermd_ok(&[
        "run",
        out.join("points/0000/input.ron").to_str().unwrap(),
        "--out",
        out.join("points/0000").to_str().unwrap(),
    ]);
    let collected = sintermd_ok(&["sweep", "collect", o]);
    assert!(collected.contains("3 point(s) not done"), "{collected}");
    let table = read(&out.join("results.csv"));
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(
        table.lines().nth(2).unwrap().contains(",pending,"),
        "{table}"
    );
}

fn bad_sweep(text: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/lj_quickstart.ron");
    std::fs::write(&path, text.replace("BASE", base.to_str().unwrap())).unwrap();
    let out = dir.path().join("out");
    let line = error_line(&sintermd(&[
        "sweep",
        "plan",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(line.contains(path.to_str().unwrap()), "{line}");
    for e in expected {
        assert!(line.contains(e), "{line} lacks {e}");
    }
    assert!(!out.exists(), "nothing is written for a bad sweep");
}

#[test]
fn bad_axes_are_one_line_errors_before_anything_is_written() {
    bad_sweep(
        r#"(base: File("BASE"), axes: [(path: "stages[3].steps", values: [10])])"#,
        &[
            "axis 1 (steps)",
            "stages[3].steps",
            "stages has 1 items, no item 3",
        ],
    );
    bad_sweep(
        r#"(base: File("BASE"), axes: [(name: "T", path: "velocities.temperatur", values: [10.0])])"#,
        &["axis 1 (T)", "velocities.temperatur", "temperatur"],
    );
    bad_sweep(
        r#"(base: File("BASE"), axes: [(name: "n", path: "stages[0].steps", values: ["many"])])"#,
        &["axis 1 (n)", "stages[0].steps = \"many\""],
    );
    bad_sweep(
        r#"(base: File("BASE"), axes: [(path: "seed", values: [1, 2]), (name: "v", path: "velocities.seed", values: [1], zip: "a"), (path: "stages[0].steps", values: [1, 2], zip: "a")])"#,
        &["zipped axes", "as many values"],
    );
    bad_sweep(
        r#"(base: File("BASE"), axes: [(path: "seed", range: (from: 1, to: 2, count: 3))])"#,
        &["axis 1 (seed)", "cannot be spaced evenly"],
    );
    bad_sweep(
        r#"(base: File("BASE"), axes: [(path: "seed", values: [1])], slurm: (time: "10 minutes"))"#,
        &["slurm: time"],
    );
}

/// A sweep file in `dir` over the small KMC crystal pair of the CLI test (two 2 nm Pd spheres,
/// 3 x 10^5 events, a fraction of a second each): diameters 20 and 25 A zipped with tilts of
/// the second particle of 0 and 10 degrees (the base has no `second`: the sweep adds it; the
/// tilted pair runs on the table engine).
fn kmc_sweep_file(dir: &Path) -> std::path::PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kmc_inputs/tiny_crystal.ron");
    let text = format!(
        r#"(
    base: File("{}"),
    axes: [
        (name: "diameter_A", path: "particles.shape.diameter", values: [20.0, 25.0], zip: "p"),
        (name: "tilt_deg", path: "particles.second.tilt", values: [0.0, 10.0], zip: "p"),
    ],
    slurm: (time: "00:02:00"),
)"#,
        base.display()
    );
    let path = dir.join("kmc_sweep.ron");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_kmc_sweep_is_planned_run_and_collected() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = kmc_sweep_file(dir.path());
    let out = dir.path().join("kmc");
    let o = out.to_str().unwrap();
    let planned = sintermd_ok(&["sweep", "plan", sweep.to_str().unwrap(), "--out", o]);
    assert!(
        planned.contains("planned 2 points of `sintermd kmc`"),
        "{planned}"
    );
    let plan: serde_json::Value = serde_json::from_str(&read(&out.join("sweep.json"))).unwrap();
    assert_eq!(plan["program"], "kmc");

    // Every point's input is a KMC input with the point's values.
    for (k, (diameter, tilt)) in [(20.0, 0.0), (25.0, 10.0)].into_iter().enumerate() {
        let path = out.join(format!("points/000{k}/input.ron"));
        let input = sintermd::input::KmcInput::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let sintermd::kmc::shapes::ShapeSpec::Sphere { diameter: d } = input.particles.shape;
        assert_eq!((d, input.particles.second.tilt), (diameter, tilt));
        assert_eq!(input.run.events, 300000);
    }
    // The job array runs `sintermd kmc` with --force, without checkpoints or a signal.
    let script = read(&out.join("submit.sbatch"));
    assert!(
        script.contains("\" kmc \"$point/input.ron\" --out \"$point\" --force &"),
        "{script}"
    );
    assert!(
        !script.contains(" run \"$point") && !script.contains("--signal"),
        "{script}"
    );

    // Point 1 stopped part-way (killed, no summary): it runs again from the start.
    std::fs::write(out.join("points/0001/snapshots.xyz"), "1\npart\n").unwrap();
    let status = sintermd_ok(&["sweep", "status", o]);
    assert!(status.contains("1 stopped, 1 pending"), "{status}");
    let ran = sintermd_ok(&["sweep", "run", o, "--jobs", "1"]);
    assert!(ran.contains("2 done, 0 failed"), "{ran}");
    assert!(read(&out.join("points/0001/run.log")).contains("table engine"));
    let status = sintermd_ok(&["sweep", "status", o]);
    assert!(status.contains("2 points: 2 done"), "{status}");
    // The script's test for a finished point matches what `sintermd kmc` writes.
    let grep = std::process::Command::new("grep")
        .args(["-q", sintermd::sweep::slurm::KMC_DONE_LINE])
        .arg(out.join("points/0000/summary.json"))
        .status()
        .unwrap();
    assert!(grep.success());

    let collected = sintermd_ok(&["sweep", "collect", o]);
    assert!(collected.contains("2 rows"), "{collected}");
    let table = read(&out.join("results.csv"));
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{table}");
    let col = |name: &str| {
        rows[0]
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}: {table}"))
    };
    for row in &rows[1..] {
        assert_eq!(row[col("status")], "done");
        assert_eq!(row[col("events")], "300000");
        // The exponent with its error, or why there is no fit.
        let n = row[col("kmc_exponent")];
        if n.is_empty() {
            assert!(!row[col("kmc_no_fit")].is_empty(), "{table}");
        } else {
            assert!(n.parse::<f64>().unwrap() > 0.0, "{table}");
            assert!(!row[col("kmc_exponent_error")].is_empty(), "{table}");
        }
        let r = row[col("kmc_final_radius_over_particle")].parse::<f64>();
        assert!(r.is_ok_and(|r| r > 0.0), "{table}");
    }
    assert_eq!(rows[1][col("engine")], "fcc-grid");
    assert_eq!(rows[2][col("engine")], "table");
    assert!(out.join("sweep_kmc_neck.png").is_file());
    assert!(out.join("report.html").is_file());
    if rows[1..].iter().any(|r| !r[col("kmc_exponent")].is_empty()) {
        assert!(out.join("sweep_kmc_exponent_vs_diameter_A.png").is_file());
    }
}

#[test]
fn a_base_that_is_neither_kind_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kmc = read(&root.join("tests/kmc_inputs/tiny_crystal.ron"));
    let study = read(&root.join("inputs/lj_quickstart.ron"));
    for (name, text, expected) in [
        // A KMC input with a misspelt field: the KMC reading's error.
        (
            "kmc_typo.ron",
            kmc.replace("seed: 3,", "sead: 3,"),
            ["sead", "read as a KMC input for `sintermd kmc`"],
        ),
        // A study input with a misspelt field: the study reading's error.
        (
            "study_typo.ron",
            study.replace("stages:", "stagez:"),
            ["stagez", "read as a study input for `sintermd run`"],
        ),
        // Neither: read as a study.
        (
            "neither.ron",
            "(temperature: 300.0)".to_string(),
            ["temperature", "read as a study input for `sintermd run`"],
        ),
    ] {
        let base = dir.path().join(name);
        std::fs::write(&base, text).unwrap();
        let sweep = dir.path().join("sweep.ron");
        std::fs::write(
            &sweep,
            format!(r#"(base: File("{name}"), axes: [(path: "seed", values: [1, 2])])"#),
        )
        .unwrap();
        let out = dir.path().join("out");
        let line = error_line(&sintermd(&[
            "sweep",
            "plan",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        assert!(line.contains(base.to_str().unwrap()), "{line}");
        for e in expected {
            assert!(line.contains(e), "{line} lacks {e}");
        }
        assert!(!out.exists());
    }
}

#[test]
fn the_neck_onset_is_collected_as_a_distribution_over_replicas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("onset");
    let o = out.to_str().unwrap();
    sintermd_ok(&[
        "sweep",
        "plan",
        "tests/inputs/sweep_onset_lj.ron",
        "--out",
        o,
    ]);
    let ran = sintermd_ok(&["sweep", "run", o, "--jobs", "1"]);
    assert!(ran.contains("4 done, 0 failed"), "{ran}");
    sintermd_ok(&["sweep", "collect", o]);
    let table = read(&out.join("onset.csv"));
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "facet_gap_A",
            "replicas",
            "with_onset",
            "fraction_with_onset",
            "median_onset_ps",
            "min_onset_ps",
            "max_onset_ps",
            "by_diffusion",
            "by_capture",
            "onset_times_ps"
        ]
    );
    assert_eq!(rows.len(), 3, "{table}");
    // 5 A: both replicas stick, by capture (whole clusters drawn together); the median is the
    // mean of the two onset times.
    let near = &rows[1];
    assert_eq!(&near[..4], ["5.0", "2", "2", "1.0"], "{table}");
    assert_eq!(&near[7..9], ["0", "2"], "{table}");
    let times: Vec<f64> = near[9].split(' ').map(|t| t.parse().unwrap()).collect();
    let median: f64 = near[4].parse().unwrap();
    assert!(
        (median - 0.5 * (times[0] + times[1])).abs() < 1e-12,
        "{table}"
    );
    assert!(times.iter().all(|t| *t > 0.0 && *t < 15.0), "{table}");
    // 20 A: no onset in either.
    assert_eq!(&rows[2][..5], ["20.0", "2", "0", "0.0", ""], "{table}");
    let report = read(&out.join("report.html"));
    assert!(
        report.contains("neck onset, facet_gap_A=5.0: 2 of 2 replica(s)"),
        "report lacks the onset lines"
    );
    assert!(out.join("sweep_neck_onset.png").is_file());
    // Each point has its gap analysis: layer counts and adatom fates.
    assert!(out.join("points/0000/sinter_gap.csv").is_file());
    assert!(out.join("points/0000/sinter_gap_adatoms.csv").is_file());
}
