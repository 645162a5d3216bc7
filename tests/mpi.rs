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
        stderr.contains("SIGUSR1 received")
            && stderr.contains("continue with `mpirun -n 2 sintermd run")
            && stderr.contains("--resume"),
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

/// `sintermd run` as one of several srun tasks without an MPI plugin (each would run the whole
/// input alone, into the same folder) is refused before anything is written.
#[test]
fn srun_tasks_without_an_mpi_plugin_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = Command::new(bin())
        .args(["run", "inputs/lj_quickstart.ron", "--out"])
        .arg(&out)
        .current_dir(root())
        .env("SLURM_STEP_NUM_TASKS", "2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--mpi=pmix"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A sweep whose points are MPI runs (`slurm: (ntasks: 2)`), planned with `sweep plan`, submitted
/// to the real Slurm `.ci/run` starts: every point runs as one `srun` step of 2 tasks (sacct)
/// and the collected table agrees with a local run of the same sweep to round-off.
#[test]
fn a_sweep_of_mpi_points_runs_on_slurm() {
    if command_output("sinfo", &["-h", "-o", "%t"]).is_none() {
        let required = std::env::var("SINTERMD_REQUIRE_SLURM").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "SINTERMD_REQUIRE_SLURM=1 but no Slurm is reachable"
        );
        eprintln!("skipped: no Slurm cluster is reachable (sinfo failed)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("inputs/sweeps/lj_tiny.ron")).unwrap();
    let slurm =
        "slurm: (job_name: \"lj-tiny\", time: \"00:10:00\", cpus_per_task: 1, signal_lead_s: 60)";
    assert!(text.contains(slurm) && text.contains("    replicas: 2,\n"));
    let text = text
        .replace("    replicas: 2,\n", "    replicas: 1,\n")
        .replace(
            slurm,
            "slurm: (job_name: \"lj-tiny-mpi\", time: \"00:10:00\", cpus_per_task: 1, ntasks: 2, \
         signal_lead_s: 60, setup: [\"export SLURM_MPI_TYPE=pmix\", \
         \"export OMPI_ALLOW_RUN_AS_ROOT=1\", \"export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1\"])",
        );
    let sweep = dir.path().join("mpi_sweep.ron");
    std::fs::write(&sweep, text).unwrap();
    let plan = |out: &Path| {
        let status = Command::new(bin())
            .args(["sweep", "plan", sweep.to_str().unwrap(), "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let on_slurm = dir.path().join("slurm");
    plan(&on_slurm);
    let script = std::fs::read_to_string(on_slurm.join("submit.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --ntasks=2") && script.contains("srun --ntasks=2"));
    let submitted = command_output(
        "sbatch",
        &[
            "--parsable",
            on_slurm.join("submit.sbatch").to_str().unwrap(),
        ],
    )
    .expect("sbatch failed");
    let job = submitted.trim().split(';').next().unwrap().to_string();
    let start = std::time::Instant::now();
    while !command_output("squeue", &["-h", "-j", &job, "-o", "%i"])
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        assert!(
            start.elapsed().as_secs() < 600,
            "job {job} did not finish in 10 minutes"
        );
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    // Each point ran as one step of 2 tasks.
    let mut steps = String::new();
    for _ in 0..30 {
        steps = command_output(
            "sacct",
            &["-j", &job, "-n", "-P", "--format=JobID,NTasks,State"],
        )
        .unwrap_or_default();
        if steps
            .lines()
            .filter(|l| l.contains(".0|2|COMPLETED"))
            .count()
            >= 2
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    eprintln!("sacct -j {job}:\n{steps}");
    assert_eq!(
        steps
            .lines()
            .filter(|l| l.contains(".0|2|COMPLETED"))
            .count(),
        2,
        "every point must be one completed srun step of 2 tasks:\n{steps}"
    );
    let status = Command::new(bin())
        .args(["sweep", "collect"])
        .arg(&on_slurm)
        .status()
        .unwrap();
    assert!(status.success());
    // The same sweep run here without MPI.
    let local = dir.path().join("local");
    plan(&local);
    let status = Command::new(bin())
        .args(["sweep", "run"])
        .arg(&local)
        .args(["--jobs", "1", "--threads", "1"])
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new(bin())
        .args(["sweep", "collect"])
        .arg(&local)
        .status()
        .unwrap();
    assert!(status.success());
    let table = |d: &Path| std::fs::read_to_string(d.join("results.csv")).unwrap();
    let (a, b) = (table(&on_slurm), table(&local));
    let header: Vec<&str> = a.lines().next().unwrap().split(',').collect();
    let mut compared = 0;
    for (ra, rb) in a.lines().zip(b.lines()).skip(1) {
        for ((name, x), y) in header.iter().zip(ra.split(',')).zip(rb.split(',')) {
            // The timing columns (as tests/common/cli.rs's `results_without_timings`).
            if *name == "wall_time_s" || name.ends_with("atom_steps_per_second") {
                continue;
            }
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(p), Ok(q)) => {
                    let d = (p - q).abs() / p.abs().max(q.abs()).max(1e-300);
                    assert!(d <= 1e-9, "{name}: {p} on Slurm with MPI, {q} here ({d:e})");
                    compared += 1;
                }
                _ => assert_eq!(x, y, "{name}"),
            }
        }
    }
    assert!(compared > 10, "{a}");
    assert_eq!(a.lines().count(), b.lines().count());
}

/// A grid given in the input (`processors`, as LAMMPS's command) is used: one that does not
/// match the ranks stops the run with the two counts, one that does gives the same physics.
#[test]
fn a_processor_grid_from_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let cu = potential_file("Cu_Zhou04.eam.alloy");
    let text = |grid: &str| {
        format!(
            r#"(
            structure: Lattice(lattice: Fcc, a: 3.615, cells: (6, 6, 6), species: [(species: "Cu")]),
            potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * {cu} Cu"]),
            velocities: (temperature: 1200.0, seed: 3),
            processors: {grid},
            stages: [Md(steps: 50, timestep: 0.002)],
            output: (thermo_every: 10, trajectory_every: 0),
        )"#
        )
    };
    let wrong = write_input(dir.path(), "wrong", &text("(2, 2, 1)"));
    let (code, stderr) = run(2, &wrong, &dir.path().join("wrong"), &[]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("a 2 x 2 x 1 grid has 4 subdomains, but 2 ranks run"),
        "{stderr}"
    );
    let slabs = write_input(dir.path(), "slabs", &text("(1, 1, 2)"));
    run_ok(0, &slabs, &dir.path().join("plain"));
    run_ok(2, &slabs, &dir.path().join("slabs"));
    let d = thermo_difference(
        &dir.path().join("plain/thermo.csv"),
        &dir.path().join("slabs/thermo.csv"),
    );
    assert!(
        d <= 1e-11,
        "a 1 x 1 x 2 grid on 2 ranks: thermo differs by {d:e}"
    );
}
