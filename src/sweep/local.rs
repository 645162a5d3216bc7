//! `sintermd sweep run DIR --jobs K`: the points of a planned sweep on this machine, K at a time,
//! each as `sintermd run points/NNNN/input.ron --out points/NNNN --resume` with the machine's
//! cores divided among them. Finished points are skipped, checkpointed ones resumed, failed ones
//! left as they are (and listed). Each run's messages go to `points/NNNN/run.log`.
//!
//! The points of a KMC sweep run as `sintermd kmc points/NNNN/input.ron --out points/NNNN
//! --force` (one thread each): KMC runs have no checkpoints, so a point that did not finish runs
//! again from the start.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::Program;
use super::status::{PointState, point_state};
use crate::error::{Error, Result};
use crate::run::StopFlag;
use crate::run::stop::{INTERRUPTED_EXIT_CODE, signal_name};

/// What `sweep run` did.
#[derive(Clone, Debug, Default)]
pub struct LocalOutcome {
    /// Points finished, by this call or before it.
    pub done: usize,
    /// Points that failed (id and error line).
    pub failed: Vec<(usize, String)>,
    /// Points run by this call.
    pub ran: usize,
}

/// Runs the points of the sweep in `dir` that are not finished, `jobs` at a time with
/// `threads` threads each; stops (sending SIGTERM to the runs, which checkpoint) when `stop` is
/// raised.
pub fn run_points(
    dir: &Path,
    jobs: usize,
    threads: usize,
    stop: &StopFlag,
) -> Result<LocalOutcome> {
    if jobs == 0 || threads == 0 {
        return Err(Error::invalid("--jobs and threads must be at least 1"));
    }
    let plan = super::read_plan(dir)?;
    let program = std::env::current_exe()
        .map_err(|e| Error::invalid(format!("cannot find this program's path: {e}")))?;
    let mut outcome = LocalOutcome::default();
    let mut queue = points_to_run(dir, plan.points, &mut outcome)?;
    let bar = progress_bar(plan.points);
    bar.set_position((outcome.done + outcome.failed.len()) as u64);
    let each = match plan.program {
        Program::Run => format!("{threads} thread(s) each"),
        Program::Kmc => "one thread each (sintermd kmc)".to_string(),
    };
    eprintln!(
        "sintermd sweep: {} points, {} done, {} failed, {} to run, {jobs} at a time with {each}",
        plan.points,
        outcome.done,
        outcome.failed.len(),
        queue.len()
    );
    queue.reverse();
    let mut running: Vec<(usize, Child)> = Vec::new();
    let mut stopping = false;
    loop {
        if !stopping && let Some(signal) = stop.requested() {
            stopping = true;
            for (_, child) in &running {
                // SAFETY: kill only sends a signal to a child this process started.
                unsafe {
                    libc::kill(child.id() as i32, libc::SIGTERM);
                }
            }
            eprintln!(
                "sintermd sweep: {} received: stopping the {} running point(s) with checkpoints",
                signal_name(signal),
                running.len()
            );
        }
        while !stopping && running.len() < jobs {
            let Some(id) = queue.pop() else { break };
            running.push((id, start(&program, plan.program, dir, id, threads)?));
            outcome.ran += 1;
        }
        if running.is_empty() {
            break;
        }
        reap_finished(dir, &mut running, &mut outcome, &bar, stopping)?;
        std::thread::sleep(Duration::from_millis(50));
    }
    bar.finish_and_clear();
    if let Some(signal) = stop.requested() {
        let how = match plan.program {
            Program::Run => "the running points stopped with checkpoints",
            Program::Kmc => {
                "the running points stopped (KMC runs have no checkpoints: they will run again from the start)"
            }
        };
        return Err(Error::Interrupted(format!(
            "{} received: {how}; continue with `sintermd sweep run {} --jobs {jobs}`",
            signal_name(signal),
            dir.display()
        )));
    }
    outcome.failed.sort();
    Ok(outcome)
}

/// The points of the sweep in `dir` (of `points`) still to run, in order; finished and failed
/// ones are counted into `outcome`. A point being written by another run is an error.
fn points_to_run(dir: &Path, points: usize, outcome: &mut LocalOutcome) -> Result<Vec<usize>> {
    let mut queue = Vec::new();
    for id in 0..points {
        match point_state(&dir.join(super::point_folder(id))) {
            PointState::Done => outcome.done += 1,
            PointState::Failed(e) => outcome.failed.push((id, e)),
            PointState::Running => {
                return Err(Error::file(
                    dir.join(super::point_folder(id)),
                    "a run is writing into this point now (another `sweep run`, or a Slurm task); \
                     wait for it to end",
                ));
            }
            PointState::Pending | PointState::Checkpointed(_) | PointState::Stopped => {
                queue.push(id)
            }
        }
    }
    Ok(queue)
}

/// A progress bar over `points` points, drawn only on a terminal.
fn progress_bar(points: usize) -> ProgressBar {
    let bar = ProgressBar::new(points as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} points  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Removes the runs that have ended from `running` and records each point's result in
/// `outcome` (a run stopped with a checkpoint, or by this sweep's stop (`stopping`), counts as
/// neither done nor failed).
fn reap_finished(
    dir: &Path,
    running: &mut Vec<(usize, Child)>,
    outcome: &mut LocalOutcome,
    bar: &ProgressBar,
    stopping: bool,
) -> Result<()> {
    let mut k = 0;
    while k < running.len() {
        let (id, child) = &mut running[k];
        match child.try_wait().map_err(|e| Error::io(dir, e))? {
            Some(status) => {
                let id = *id;
                running.remove(k);
                match point_state(&dir.join(super::point_folder(id))) {
                    PointState::Done => {
                        outcome.done += 1;
                        bar.inc(1);
                    }
                    PointState::Failed(e) => {
                        bar.inc(1);
                        bar.println(format!("point {id} failed: {e}"));
                        outcome.failed.push((id, e));
                    }
                    _ if stopping || status.code() == Some(INTERRUPTED_EXIT_CODE) => {}
                    other => {
                        let e = format!("ended with {status} ({})", other.describe());
                        bar.inc(1);
                        outcome.failed.push((id, e));
                    }
                }
                bar.set_message(format!("{} done", outcome.done));
            }
            None => k += 1,
        }
    }
    Ok(())
}

/// Starts the run of point `id` by `sintermd` (the path of this program) `program`.
fn start(
    sintermd: &Path,
    program: Program,
    dir: &Path,
    id: usize,
    threads: usize,
) -> Result<Child> {
    let folder = super::point_folder(id);
    let log_path = dir.join(&folder).join("run.log");
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| Error::io(&log_path, e))?;
    let err = log.try_clone().map_err(|e| Error::io(&log_path, e))?;
    let input = format!("{folder}/input.ron");
    let mut command = Command::new(sintermd);
    match program {
        Program::Run => command.args([
            "run",
            &input,
            "--out",
            &folder,
            "--resume",
            "--threads",
            &threads.to_string(),
        ]),
        Program::Kmc => command.args(["kmc", &input, "--out", &folder, "--force"]),
    };
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        // Not in this process's group: a Ctrl-C reaches `sweep run`, which stops the runs itself.
        .process_group(0)
        .spawn()
        .map_err(|e| Error::io(sintermd, e))
}
