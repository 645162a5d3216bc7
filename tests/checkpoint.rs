//! Checkpoints and exact resume (issue 15): a run interrupted anywhere (inside
//! `EquilibrateParticles`, at a random step of the NVT sintering stage with every observer,
//! between stages, inside the KMC stage; by a stop request, by SIGTERM, by SIGKILL) and resumed
//! writes the same files, byte for byte, as the run that was never interrupted, with 1 or 2
//! threads on either side. A changed input or potential file is refused; a damaged newest
//! checkpoint falls back to the one before.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use common::cli::{error_line, sintermd};
use sintermd::Error;
use sintermd::input::Input;
use sintermd::io::ron::base_dir;
use sintermd::run::{RunOptions, RunSummary, StopFlag, run_input_opts};

const INPUT: &str = "tests/inputs/checkpoint.ron";
const SIGTERM: i32 = 15;

/// Held by tests that start processes and by the test that keeps an HDF5 file open: a child
/// started while the file is open inherits its descriptor, and with it HDF5's lock on the file.
static PROCESSES: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    PROCESSES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The test input's text with `edit` applied (pairs of from, to).
fn input_text(edits: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(INPUT).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} not in {INPUT}");
        text = text.replace(from, to);
    }
    text
}

/// Runs `text` (resolved against the test input's folder) into `out` on `threads` threads.
fn run(
    text: &str,
    out: &Path,
    options: &RunOptions,
    threads: usize,
) -> sintermd::Result<RunSummary> {
    let input = Input::parse(text, Path::new(INPUT)).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        run_input_opts(
            &input,
            &base_dir(Path::new(INPUT)),
            out,
            options,
            Some((INPUT, text)),
        )
    })
}

/// Runs `text` into `out`, raising the stop flag as soon as `when` holds for the folder; returns
/// the run's result.
fn run_interrupted(
    text: &str,
    out: &Path,
    threads: usize,
    when: impl Fn(&Path) -> bool + Send + 'static,
) -> sintermd::Result<RunSummary> {
    stopped_when(out, when, |options| run(text, out, options, threads))
}

/// Calls `go` with options whose stop flag is raised as soon as `when` holds for the folder
/// `out`; returns what `go` returned.
fn stopped_when(
    out: &Path,
    when: impl Fn(&Path) -> bool + Send + 'static,
    go: impl FnOnce(&RunOptions) -> sintermd::Result<RunSummary>,
) -> sintermd::Result<RunSummary> {
    let stop = StopFlag::new();
    let watcher = {
        let (stop, out) = (stop.clone(), out.to_path_buf());
        std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(120) {
                if when(&out) {
                    stop.raise(SIGTERM);
                    return;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let options = RunOptions {
        stop,
        ..RunOptions::default()
    };
    let result = go(&options);
    watcher.join().unwrap();
    result
}

/// Continues the run in `out`.
fn resume(text: &str, out: &Path, threads: usize) -> RunSummary {
    let options = RunOptions {
        resume: true,
        ..RunOptions::default()
    };
    run(text, out, &options, threads).unwrap()
}

/// Lines of a text file (0 when it does not exist yet).
fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// The uninterrupted run of the test input, on one thread.
fn reference() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("reference");
        run(&input_text(&[]), &out, &RunOptions::default(), 1).unwrap();
        (dir, out)
    })
    .1
}

/// The files of a run that must be identical byte for byte: data, CSV and trajectory files.
fn result_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            [".csv", ".xyz", ".lammpstrj", ".data", ".h5md"]
                .iter()
                .any(|ext| n.ends_with(ext))
        })
        .collect();
    names.sort();
    names
}

/// Asserts that `resumed` holds the same files as `reference`, each identical, and the same
/// physics in summary.json.
fn assert_same_run(reference: &Path, resumed: &Path) {
    let names = result_files(reference);
    assert!(names.len() > 15, "{names:?}");
    assert_eq!(names, result_files(resumed));
    for name in names.iter().filter(|n| !n.ends_with(".h5md")) {
        let (a, b) = (
            std::fs::read(reference.join(name)).unwrap(),
            std::fs::read(resumed.join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs after the resume");
    }
    let summary = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
    };
    let (a, b) = (summary(reference), summary(resumed));
    for key in [
        "status",
        "atoms",
        "steps",
        "time_ps",
        "neighbor_builds",
        "final",
        "neck_formed_ps",
    ] {
        assert_eq!(a[key], b[key], "summary.json: {key}");
    }
    assert_eq!(b["status"], "done");
    assert!(
        b["provenance"]["resumed"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
}

/// The message of a run stopped by a stop request.
fn interrupted(result: sintermd::Result<RunSummary>) -> String {
    match result {
        Err(Error::Interrupted(message)) => message,
        Err(e) => panic!("the run failed: {e}"),
        Ok(_) => panic!("the run finished before the stop request"),
    }
}

/// A pseudo-random number in `0..n` from the clock, printed so that a failure can be replayed.
fn random_below(n: usize) -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as usize;
    let k = nanos % n;
    eprintln!("random choice: {k} of {n}");
    k
}

#[test]
fn a_stop_at_a_random_step_of_the_nvt_stage_resumes_bit_for_bit_on_other_threads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    // The neck analysis writes a row every 20 steps: stop after a random one of them.
    let rows = 2 + random_below(35);
    let text = input_text(&[]);
    let message = interrupted(run_interrupted(&text, &out, 1, move |d| {
        lines(&d.join("sinter_neck.csv")) >= rows
    }));
    assert!(message.contains("in stage 3 (\"sinter\")"), "{message}");
    assert!(message.contains("--resume"), "{message}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["status"], "interrupted");
    assert!(out.join("checkpoint.bin").is_file());
    resume(&text, &out, 2);
    assert_same_run(reference(), &out);
}

#[test]
fn stops_inside_equilibrate_particles_resume_bit_for_bit() {
    let text = input_text(&[]);
    for (particle, threads) in [(1, 2), (2, 1)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let rows = 2 + random_below(12);
        let message = interrupted(run_interrupted(&text, &out, threads, move |d| {
            lines(&d.join(format!("equilibrate_particle{particle}_thermo.csv"))) >= rows
        }));
        assert!(
            message.contains("in stage 1 (\"equilibrate\")"),
            "{message}"
        );
        resume(&text, &out, 3 - threads);
        assert_same_run(reference(), &out);
    }
}

#[test]
fn a_stop_inside_the_kmc_stage_resumes_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let text = input_text(&[]);
    // The KMC stage writes its first snapshot when it starts.
    let message = interrupted(run_interrupted(&text, &out, 2, |d| {
        d.join("kmc_snapshots.xyz").exists()
    }));
    assert!(message.contains("in stage 5 (\"kmc\")"), "{message}");
    resume(&text, &out, 1);
    assert_same_run(reference(), &out);
}

#[test]
fn a_stop_between_stages_resumes_bit_for_bit() {
    // A first stage without steps, and the stop requested before the run starts: the run stops
    // at the first stage boundary.
    let text = input_text(&[(
        "stages: [\n",
        "stages: [\n        Minimize(name: \"premin\", fire: (ftol: 1e-2, max_iterations: 20)),\n",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let uninterrupted = dir.path().join("reference");
    run(&text, &uninterrupted, &RunOptions::default(), 2).unwrap();

    let out = dir.path().join("run");
    let stop = StopFlag::new();
    stop.raise(SIGTERM);
    let options = RunOptions {
        stop,
        ..RunOptions::default()
    };
    let message = interrupted(run(&text, &out, &options, 1));
    assert!(
        message.contains("before stage 2 (\"equilibrate\")"),
        "{message}"
    );
    resume(&text, &out, 1);
    assert_same_run(&uninterrupted, &out);
}

#[cfg(feature = "hdf5")]
#[test]
fn an_h5md_trajectory_is_cut_back_and_continued() {
    let _serial = serial();
    let text = input_text(&[(
        "trajectory_formats: [Xyz, Dump]",
        "trajectory_formats: [H5md]",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let uninterrupted = dir.path().join("reference");
    run(&text, &uninterrupted, &RunOptions::default(), 2).unwrap();
    let out = dir.path().join("run");
    let rows = 5 + random_below(25);
    interrupted(run_interrupted(&text, &out, 2, move |d| {
        lines(&d.join("sinter_neck.csv")) >= rows
    }));
    resume(&text, &out, 2);
    assert_same_run(&uninterrupted, &out);
    let a = sintermd::io::read_frames(&uninterrupted.join("trajectory.h5md")).unwrap();
    let b = sintermd::io::read_frames(&out.join("trajectory.h5md")).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
}

/// The test input as a file in `dir` (potential path made absolute), with `edits`.
fn input_file(dir: &Path, edits: &[(&str, &str)]) -> PathBuf {
    let root = env!("CARGO_MANIFEST_DIR");
    let potential = format!("{root}/potentials/PtFe_Zhou04.eam.alloy");
    let mut all = vec![("../../potentials/PtFe_Zhou04.eam.alloy", potential.as_str())];
    all.extend_from_slice(edits);
    let path = dir.join("input.ron");
    std::fs::write(&path, input_text(&all)).unwrap();
    path
}

/// Runs `sintermd run INPUT --out OUT ARGS` to the end; returns its standard error.
fn run_binary(input: &Path, out: &Path, args: &[&str]) -> String {
    let mut all = vec![
        "run",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let result = sintermd(&all);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{stderr}");
    stderr
}

/// Starts `sintermd run INPUT --out OUT`, waits until `when` holds for the folder, sends
/// `signal`; returns the exit status and standard error.
fn signal_binary(
    input: &Path,
    out: &Path,
    signal: i32,
    when: impl Fn(&Path) -> bool,
) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args([
            "run",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--threads", "1"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !when(out) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never got there"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
    // SAFETY: kill sends a signal to the child we started; it has no memory effects here.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let result = child.wait_with_output().unwrap();
    (
        result.status.code(),
        String::from_utf8_lossy(&result.stderr).into_owned(),
    )
}

#[test]
fn sigterm_stops_with_a_checkpoint_and_sigkill_resumes_from_the_last_periodic_one() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let input = input_file(
        dir.path(),
        &[(
            "trajectory_formats: [Xyz, Dump]",
            "trajectory_formats: [Xyz, Dump], checkpoint_every: 50",
        )],
    );
    let reference = dir.path().join("reference");
    run_binary(&input, &reference, &["--threads", "2"]);

    // SIGTERM at a random step of the sintering stage.
    let out = dir.path().join("term");
    let rows = 2 + random_below(35);
    let (code, stderr) = signal_binary(&input, &out, SIGTERM, |d| {
        lines(&d.join("sinter_neck.csv")) >= rows
    });
    assert_eq!(code, Some(75), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("SIGTERM received") && last.contains("--resume"),
        "{stderr}"
    );
    let resumed = run_binary(&input, &out, &["--resume", "--threads", "2"]);
    assert!(resumed.contains("resuming from"), "{resumed}");
    assert_same_run(&reference, &out);

    // SIGKILL: no warning, no final checkpoint; the run continues from the last periodic one,
    // past the rows and frames written after it.
    let out = dir.path().join("kill");
    let rows = 3 + random_below(30);
    let (code, _) = signal_binary(&input, &out, libc::SIGKILL, |d| {
        lines(&d.join("sinter_neck.csv")) >= rows
    });
    assert_eq!(code, None, "killed by a signal");
    // A damaged newest checkpoint: the run falls back to the one before, saying so.
    let newest = out.join("checkpoint.bin");
    let mut bytes = std::fs::read(&newest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&newest, bytes).unwrap();
    let resumed = run_binary(&input, &out, &["--resume", "--threads", "1"]);
    // (The phase check may warn about the particles, too.)
    let warnings: Vec<&str> = resumed
        .lines()
        .filter(|l| l.starts_with("warning: ") && l.contains("checkpoint"))
        .collect();
    assert_eq!(warnings.len(), 1, "{resumed}");
    assert!(warnings[0].contains("checksum"), "{resumed}");
    assert!(resumed.contains("checkpoint.prev.bin"), "{resumed}");
    assert_same_run(&reference, &out);

    // Resuming a finished run changes nothing.
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let again = run_binary(&input, &out, &["--resume"]);
    assert!(again.contains("nothing to resume"), "{again}");
    assert_eq!(before, std::fs::read(out.join("summary.json")).unwrap());
}

#[test]
fn a_changed_input_or_potential_file_is_refused_and_nothing_is_touched() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let potential = dir.path().join("PtFe.eam.alloy");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("potentials/PtFe_Zhou04.eam.alloy"),
        &potential,
    )
    .unwrap();
    let potential = potential.to_str().unwrap().to_string();
    let input = input_file(dir.path(), &[]);
    let text = std::fs::read_to_string(&input).unwrap().replace(
        &format!(
            "{}/potentials/PtFe_Zhou04.eam.alloy",
            env!("CARGO_MANIFEST_DIR")
        ),
        &potential,
    );
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("run");
    let (code, stderr) = signal_binary(&input, &out, SIGTERM, |d| {
        lines(&d.join("sinter_neck.csv")) >= 3
    });
    assert_eq!(code, Some(75), "{stderr}");
    let listing = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = listing();
    let resume_with = |i: &Path| {
        sintermd(&[
            "run",
            i.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--resume",
        ])
    };

    // The sintering temperature changed.
    let changed = dir.path().join("changed.ron");
    std::fs::write(
        &changed,
        text.replace(
            "Langevin(temperature: 900.0)",
            "Langevin(temperature: 950.0)",
        ),
    )
    .unwrap();
    let line = error_line(&resume_with(&changed));
    assert!(
        line.contains("the input changed since this checkpoint"),
        "{line}"
    );
    assert!(line.contains("checkpoint.bin"), "{line}");
    assert!(before == listing(), "a refused resume touched the folder");

    // Only the checkpoint interval changed: allowed (checked below by resuming with it).
    let interval = dir.path().join("interval.ron");
    std::fs::write(
        &interval,
        text.replace(
            "trajectory_formats: [Xyz, Dump]",
            "trajectory_formats: [Xyz, Dump], checkpoint_minutes: 30",
        ),
    )
    .unwrap();

    // The potential file changed.
    let mut bytes = std::fs::read(&potential).unwrap();
    let k = bytes.len() - 10;
    bytes[k] = if bytes[k] == b'1' { b'2' } else { b'1' };
    let original = std::fs::read(&potential).unwrap();
    std::fs::write(&potential, &bytes).unwrap();
    let line = error_line(&resume_with(&input));
    assert!(
        line.contains("potential file") && line.contains("changed"),
        "{line}"
    );
    assert!(before == listing(), "a refused resume touched the folder");

    std::fs::write(&potential, original).unwrap();
    run_binary(&interval, &out, &["--resume"]);
}

#[test]
fn resume_without_a_checkpoint_starts_from_scratch() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let input = input_file(
        dir.path(),
        &[
            ("steps: 800", "steps: 40"),
            ("events: 1000000", "events: 1000"),
        ],
    );
    let out = dir.path().join("run");
    // A run killed before its first checkpoint leaves files but no checkpoint.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thermo.csv"), "step\n0\n").unwrap();
    let stderr = run_binary(&input, &out, &["--resume"]);
    assert!(
        stderr.contains("no checkpoint") && stderr.contains("from scratch"),
        "{stderr}"
    );
    assert!(lines(&out.join("thermo.csv")) > 2);

    // Results of something else and no checkpoint: refused, nothing touched.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("summary.json"), "{\"status\": \"failed\"}").unwrap();
    std::fs::write(other.join("thermo.csv"), "step\n0\n").unwrap();
    let line = error_line(&sintermd(&[
        "run",
        input.to_str().unwrap(),
        "--out",
        other.to_str().unwrap(),
        "--resume",
    ]));
    assert!(
        line.contains("no checkpoint to resume") && line.contains("--force"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(other.join("thermo.csv")).unwrap(),
        "step\n0\n"
    );
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let _serial = serial();
    // A structure whose JSON (about 270 kB) is larger than a pipe's buffer.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("grid.data");
    let n = 20;
    let mut text = format!(
        "grid\n\n{} atoms\n1 atom types\n\n0 {l} xlo xhi\n0 {l} ylo yhi\n0 {l} zlo zhi\n\nMasses\n\n1 1.0\n\nAtoms # atomic\n\n",
        n * n * n,
        l = 1.5 * n as f64
    );
    for k in 0..n * n * n {
        let (x, y, z) = (k % n, (k / n) % n, k / (n * n));
        text.push_str(&format!(
            "{} 1 {} {} {}\n",
            k + 1,
            1.5 * x as f64,
            1.5 * y as f64,
            1.5 * z as f64
        ));
    }
    std::fs::write(&data, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["eval", "--structure", data.to_str().unwrap()])
        .args(["--pair-style", "lj/cut 2.5", "--pair-coeff", "1 1 1.0 1.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `| head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut byte).unwrap();
    drop(stdout);
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    use std::os::unix::process::ExitStatusExt;
    assert!(
        result.status.success() || result.status.signal() == Some(libc::SIGPIPE),
        "{:?}: {stderr}",
        result.status
    );
}

#[test]
fn a_meam_run_stopped_at_a_random_step_resumes_bit_for_bit() {
    // A free Pt85Fe15 cluster under the study's 2NN MEAM, NVT, with analyses.
    let text = r#"(
        structure: Lattice(lattice: Fcc, a: 3.878, cells: (4, 4, 4), boundary: "f f f",
            species: [(species: "Pt", fraction: 0.85), (species: "Fe", fraction: 0.15)], seed: 4),
        potential: Lammps(pair_style: "meam", pair_coeff: ["* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe"]),
        velocities: (temperature: 1400.0, seed: 8),
        seed: 12,
        stages: [Md(name: "hot", steps: 400, timestep: 0.002,
            thermostat: Csvr(temperature: 1400.0),
            observers: [Structure(every: 50), Msd(every: 20), Rdf(every: 40)])],
        output: (thermo_every: 10, trajectory_every: 25, trajectory_formats: [Xyz, Dump]),
    )"#;
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = Input::parse(text, Path::new("meam.ron")).unwrap();
    let go = |out: &Path, options: &RunOptions| {
        run_input_opts(&input, base, out, options, Some(("meam.ron", text)))
    };
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference");
    go(&reference, &RunOptions::default()).unwrap();

    let out = dir.path().join("run");
    let rows = 3 + random_below(35);
    let message = interrupted(stopped_when(
        &out,
        move |d| lines(&d.join("thermo.csv")) >= rows,
        |options| go(&out, options),
    ));
    assert!(message.contains("in stage 1 (\"hot\")"), "{message}");
    let resumed = RunOptions {
        resume: true,
        ..RunOptions::default()
    };
    go(&out, &resumed).unwrap();
    let names = result_files(&reference);
    assert_eq!(names, result_files(&out));
    assert!(names.len() >= 6, "{names:?}");
    for name in &names {
        assert!(
            std::fs::read(reference.join(name)).unwrap() == std::fs::read(out.join(name)).unwrap(),
            "{name} differs after the resume"
        );
    }
}
