//! `mpirun -n P sintermd run INPUT` (cargo feature `mpi`): runs on 1, 2 and 4 ranks agree with
//! the run without MPI to round-off (LJ, EAM and MEAM, periodic and free; the staged study with
//! every analysis, on LJ and on EAM), the same rank count gives the same files bit for bit, and a run stopped
//! with a checkpoint resumes bit for bit on the same rank count and to round-off on another.
//!
//! Needs an MPI library and `mpirun` (Debian: libopenmpi-dev openmpi-bin); `.ci/run` installs
//! them and runs `cargo test --release --features mpi --test mpi`.
#![cfg(feature = "mpi")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sintermd")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `sintermd run input --out out --threads 1`, under `mpirun -n ranks` (without mpirun when
/// `ranks` is 0); returns the exit code and stderr.
fn run(ranks: usize, input: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args: Vec<String> = Vec::new();
    let mut cmd = if ranks == 0 {
        Command::new(bin())
    } else {
        args.extend(["-n".into(), ranks.to_string(), "--oversubscribe".into()]);
        args.push(bin().into());
        Command::new("mpirun")
    };
    args.extend(
        [
            "run",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            "1",
        ]
        .map(String::from),
    );
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = cmd
        .args(&args)
        // OpenMPI refuses to start as root (CI containers) without these.
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .output()
        .expect("mpirun (Debian: openmpi-bin) must be installed for the mpi feature's tests");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn run_ok(ranks: usize, input: &Path, out: &Path) {
    let (code, stderr) = run(ranks, input, out, &[]);
    assert_eq!(
        code,
        Some(0),
        "{ranks} ranks, {}: {stderr}",
        input.display()
    );
}

/// The numbers of a CSV file (header skipped; empty fields skipped).
fn numbers(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .skip(1)
        .flat_map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| !f.is_empty())
        .map(|f| f.parse::<f64>().unwrap())
        .collect()
}

/// Largest difference between two thermo files relative to the largest magnitude of each
/// column's value (both files must have the same rows).
fn thermo_difference(a: &Path, b: &Path) -> f64 {
    let (x, y) = (numbers(a), numbers(b));
    assert_eq!(x.len(), y.len(), "{} and {}", a.display(), b.display());
    assert!(!x.is_empty());
    x.iter()
        .zip(&y)
        .map(|(p, q)| (p - q).abs() / p.abs().max(q.abs()).max(1e-300))
        .fold(0.0, f64::max)
}

fn write_input(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, text).unwrap();
    path
}

fn potential_file(name: &str) -> String {
    root().join("potentials").join(name).display().to_string()
}

/// Small systems of every potential and boundary kind.
fn inputs(dir: &Path) -> Vec<(PathBuf, f64)> {
    let data = root()
        .join("inputs/bench/ptfe_np_4k.data")
        .display()
        .to_string();
    let lib = potential_file("FePt_Kim2006.library.meam");
    let par = potential_file("FePt_Kim2006.meam");
    let cu = potential_file("Cu_Zhou04.eam.alloy");
    let ptfe = potential_file("PtFe_Zhou04.eam.alloy");
    // (input, tolerance on thermo after its steps: round-off, grown by the dynamics over the
    // liquid's 1,000 steps)
    vec![
        // Two free LJ particles through the whole study (equilibrate, assemble, sinter).
        (root().join("tests/inputs/pair_pipeline.ron"), 1e-10),
        (
            write_input(
                dir,
                "lj_periodic",
                r#"(
                structure: Lattice(lattice: Fcc, a: 5.8, cells: (6, 6, 6), species: [(species: "Ar")]),
                potential: Lammps(pair_style: "lj/cut 8.5", pair_coeff: ["1 1 0.0104 3.40"]),
                velocities: (temperature: 240.0, seed: 7),
                stages: [Md(steps: 1000, timestep: 0.004, thermostat: NoseHoover(temperature: 200.0))],
                output: (thermo_every: 20, trajectory_every: 0),
            )"#,
            ),
            1e-10,
        ),
        (
            write_input(
                dir,
                "eam_periodic",
                &format!(
                    r#"(
                structure: Lattice(lattice: Fcc, a: 3.615, cells: (6, 6, 6), species: [(species: "Cu")]),
                potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * {cu} Cu"]),
                velocities: (temperature: 1200.0, seed: 3),
                stages: [Md(steps: 100, timestep: 0.002)],
                output: (thermo_every: 10, trajectory_every: 0),
            )"#
                ),
            ),
            1e-11,
        ),
        (
            write_input(
                dir,
                "eam_free",
                &format!(
                    r#"(
                structure: DataFile(path: "{data}", boundary: "f f f"),
                potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * {ptfe} Pt Fe"]),
                velocities: (temperature: 1473.0, seed: 1473),
                stages: [Md(steps: 60, timestep: 0.002, thermostat: Langevin(temperature: 1473.0))],
                output: (thermo_every: 10, trajectory_every: 0),
            )"#
                ),
            ),
            1e-11,
        ),
        (
            write_input(
                dir,
                "meam_free",
                &format!(
                    r#"(
                structure: DataFile(path: "{data}", boundary: "f f f"),
                potential: Lammps(pair_style: "meam", pair_coeff: ["* * {lib} Pt Fe {par} Pt Fe"]),
                velocities: (temperature: 1473.0, seed: 2026),
                stages: [Md(steps: 30, timestep: 0.002)],
                output: (thermo_every: 10, trajectory_every: 0),
            )"#
                ),
            ),
            1e-11,
        ),
        (
            write_input(
                dir,
                "meam_periodic",
                &format!(
                    r#"(
                structure: Lattice(lattice: Fcc, a: 3.92, cells: (4, 4, 4), species: [(species: "Pt")]),
                potential: Lammps(pair_style: "meam", pair_coeff: ["* * {lib} Pt Fe {par} Pt"]),
                velocities: (temperature: 1000.0, seed: 9),
                stages: [Md(steps: 40, timestep: 0.002)],
                output: (thermo_every: 10, trajectory_every: 0),
            )"#
                ),
            ),
            1e-11,
        ),
    ]
}

#[test]
fn one_two_and_four_ranks_agree_with_the_run_without_mpi() {
    let dir = tempfile::tempdir().unwrap();
    for (input, tolerance) in inputs(dir.path()) {
        let name = input.file_stem().unwrap().to_string_lossy().into_owned();
        let plain = dir.path().join(format!("{name}_plain"));
        run_ok(0, &input, &plain);
        for ranks in [1, 2, 4] {
            let out = dir.path().join(format!("{name}_{ranks}"));
            run_ok(ranks, &input, &out);
            let d = thermo_difference(&plain.join("thermo.csv"), &out.join("thermo.csv"));
            eprintln!("{name}: {ranks} ranks against no MPI: thermo differs by {d:.2e} relative");
            if ranks == 1 {
                // One rank is the plain program.
                assert_eq!(d, 0.0, "{name}: one rank must be the run without MPI");
            }
            assert!(
                d <= tolerance,
                "{name}, {ranks} ranks: thermo differs by {d:e}"
            );
        }
        // The same rank count again: the same files bit for bit.
        let again = dir.path().join(format!("{name}_2_again"));
        run_ok(2, &input, &again);
        for file in ["thermo.csv", "final.data"] {
            assert_eq!(
                std::fs::read(dir.path().join(format!("{name}_2")).join(file)).unwrap(),
                std::fs::read(again.join(file)).unwrap(),
                "{name}: two runs on 2 ranks differ in {file}"
            );
        }
    }
}

/// The staged study (two EAM particles equilibrated, assembled, sintered with every analysis,
/// continued by KMC), stopped with SIGUSR1 (which mpirun forwards to every rank) inside the
/// sintering stage, resumed on 2 and on 4 ranks.
#[test]
fn a_study_stopped_on_two_ranks_resumes_on_two_and_four() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("tests/inputs/checkpoint.ron");
    let whole = dir.path().join("whole");
    run_ok(2, &input, &whole);
    let plain = dir.path().join("plain");
    run_ok(0, &input, &plain);
    let d = thermo_difference(&plain.join("thermo.csv"), &whole.join("thermo.csv"));
    eprintln!("study: 2 ranks against no MPI: thermo differs by {d:.2e} relative");
    assert!(
        d <= 1e-8,
        "study on 2 ranks differs from the plain run by {d:e}"
    );

    let stopped = dir.path().join("stopped");
    let child = Command::new("mpirun")
        .args(["-n", "2", "--oversubscribe", bin(), "run"])
        .arg(&input)
        .arg("--out")
        .arg(&stopped)
        .args(["--threads", "1"])
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the sintering stage has written a few thermo rows.
    let thermo = stopped.join("thermo.csv");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&thermo).map_or(0, |t| t.lines().count()) < 4 {
        assert!(
            started.elapsed().as_secs() < 120,
            "the sintering stage never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: kill sends a signal to the child we started; no memory effects here.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGUSR1) }, 0);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SIGUSR1 received") && stderr.contains("--resume"),
        "{stderr}"
    );
    let on_four = dir.path().join("on_four");
    copy_dir(&stopped, &on_four);

    let (code, stderr) = run(2, &input, &stopped, &["--resume"]);
    assert_eq!(code, Some(0), "{stderr}");
    for file in [
        "thermo.csv",
        "final.data",
        "sinter_neck.csv",
        "sinter_com.csv",
    ] {
        assert_eq!(
            std::fs::read(whole.join(file)).unwrap(),
            std::fs::read(stopped.join(file)).unwrap(),
            "resumed on 2 ranks: {file} differs from the uninterrupted run"
        );
    }
    let (code, stderr) = run(4, &input, &on_four, &["--resume"]);
    assert_eq!(code, Some(0), "{stderr}");
    let d = thermo_difference(&whole.join("thermo.csv"), &on_four.join("thermo.csv"));
    eprintln!("study: stopped on 2 ranks, resumed on 4: thermo differs by {d:.2e} relative");
    assert!(d <= 1e-10, "resumed on 4 ranks: thermo differs by {d:e}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Commands other than `run` do not use MPI ranks: under mpirun each rank would write the same
/// files, so they are refused on every rank before anything is written.
#[test]
fn other_commands_under_mpirun_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kmc");
    let output = Command::new("mpirun")
        .args(["-n", "2", "--oversubscribe", bin(), "kmc"])
        .arg(root().join("inputs/kmc_crystal_pair.ron"))
        .arg("--out")
        .arg(&out)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("only `sintermd run` uses MPI ranks"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing may be written");
}
