//! A sweep on a real Slurm (issue 16): the tiny Lennard-Jones sweep, with two long points whose
//! one-minute time limit runs out mid-run, is submitted with `sbatch submit.sbatch`. Slurm
//! signals the long tasks before their limit; they write checkpoints, requeue themselves and
//! continue from their checkpoints. `sacct` must show the requeues, and `sweep collect` must give
//! the table a local `sweep run` of the same sweep gives (the timing columns aside).
//!
//! Needs a Slurm cluster this machine can submit to (`.ci/run` starts one with
//! `ci/slurm/start.sh`). Where `sinfo` cannot reach one the test says so and passes, unless
//! `SINTERMD_REQUIRE_SLURM=1` (set by `.ci/run`) makes that a failure.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::cli::{results_without_timings, sintermd_ok};

/// Runs a command, returning its standard output, or None when it cannot run or fails.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tiny sweep with a steps axis: two short points, and two long ones that outlast the signal
/// Slurm sends 10-40 s after a one-minute task starts (600,000 steps: about 55 s on one core of
/// this project's machine, 100-150 s on slower ones, i.e. one to five requeues; at 250,000
/// steps a fast core finished them in 22 s, before any signal).
fn sweep_file(dir: &Path) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("inputs/sweeps/lj_tiny.ron")).unwrap();
    let text = text
        .replace(
            "    replicas: 2,\n",
            "    replicas: 1,\n",
        )
        .replace(
            "    axes: [\n",
            "    axes: [\n        (name: \"steps\", path: \"stages[0].steps\", values: [2000, 600000]),\n",
        )
        // A solid cluster: at the sweep's 45 K the long runs would lose atoms to evaporation.
        .replace("values: [25.0, 45.0]", "values: [15.0, 25.0]")
        .replace(
            "slurm: (job_name: \"lj-tiny\", time: \"00:10:00\", cpus_per_task: 1, signal_lead_s: 60)",
            "slurm: (job_name: \"lj-tiny-slurm\", time: \"00:01:00\", cpus_per_task: 1, signal_lead_s: 20)",
        );
    assert!(
        text.contains("values: [2000, 600000]")
            && text.contains("00:01:00")
            && text.contains("[15.0, 25.0]")
    );
    let path = dir.join("slurm_sweep.ron");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_sweep_runs_as_a_slurm_job_array_and_requeued_tasks_resume() {
    if output("sinfo", &["-h", "-o", "%t"]).is_none() {
        let required = std::env::var("SINTERMD_REQUIRE_SLURM").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "SINTERMD_REQUIRE_SLURM=1 but no Slurm is reachable (sinfo failed)"
        );
        eprintln!("skipped: no Slurm cluster is reachable (sinfo failed); .ci/run starts one");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sweep = sweep_file(dir.path());
    let on_slurm = dir.path().join("slurm");
    sintermd_ok(&[
        "sweep",
        "plan",
        sweep.to_str().unwrap(),
        "--out",
        on_slurm.to_str().unwrap(),
    ]);
    let submitted = output(
        "sbatch",
        &[
            "--parsable",
            on_slurm.join("submit.sbatch").to_str().unwrap(),
        ],
    )
    .expect("sbatch failed");
    let job = submitted.trim().split(';').next().unwrap().to_string();
    eprintln!("submitted job array {job}");

    // Bounded polling until no task of the array is queued or running.
    let start = Instant::now();
    loop {
        let queued = output("squeue", &["-h", "-j", &job, "-o", "%i %T"]).unwrap_or_default();
        if queued.trim().is_empty() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "the job array did not finish within 10 minutes:\n{queued}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    eprintln!(
        "job array {job} ended after {:.0} s",
        start.elapsed().as_secs_f64()
    );

    // Accounting: every instance of every task, requeued ones included (-D).
    let mut sacct = String::new();
    for _ in 0..30 {
        sacct = output(
            "sacct",
            &[
                "-j",
                &job,
                "-D",
                "-X",
                "-n",
                "-P",
                "--format=JobID,JobName,State,ExitCode,Start,End,Elapsed",
            ],
        )
        .unwrap_or_default();
        if sacct.lines().filter(|l| l.contains("COMPLETED")).count() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    eprintln!("sacct -j {job} -D -X:\n{sacct}");
    // Kept for `.ci/run`, which prints it.
    let record = Path::new(env!("CARGO_TARGET_TMPDIR")).join("slurm-sacct.txt");
    std::fs::write(
        &record,
        format!(
            "sacct -j {job} -D -X --format=JobID,JobName,State,ExitCode,Start,End,Elapsed\n{sacct}"
        ),
    )
    .unwrap();
    let requeued: Vec<&str> = sacct.lines().filter(|l| l.contains("REQUEUED")).collect();
    assert!(!requeued.is_empty(), "no task was requeued:\n{sacct}");
    for task in 0..4 {
        let id = format!("{job}_{task}|");
        assert!(
            sacct
                .lines()
                .any(|l| l.starts_with(&id) && l.contains("|COMPLETED|0:0|")),
            "task {task} did not complete:\n{sacct}"
        );
    }
    let status = sintermd_ok(&["sweep", "status", on_slurm.to_str().unwrap()]);
    assert!(status.contains("4 points: 4 done"), "{status}");
    // A requeued task continued from its checkpoint.
    let logs: String = std::fs::read_dir(on_slurm.join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(logs.contains("checkpointed: requeueing"), "{logs}");
    assert!(logs.contains("resuming from"), "{logs}");
    sintermd_ok(&["sweep", "collect", on_slurm.to_str().unwrap()]);

    // The same sweep on this machine.
    let here = dir.path().join("here");
    sintermd_ok(&[
        "sweep",
        "plan",
        sweep.to_str().unwrap(),
        "--out",
        here.to_str().unwrap(),
    ]);
    sintermd_ok(&["sweep", "run", here.to_str().unwrap(), "--jobs", "2"]);
    sintermd_ok(&["sweep", "collect", here.to_str().unwrap()]);
    let (a, b) = (
        results_without_timings(&on_slurm),
        results_without_timings(&here),
    );
    assert_eq!(a.len(), 5);
    assert_eq!(a, b, "results.csv from Slurm differs from the local run's");
}
