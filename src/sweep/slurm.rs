//! `submit.sbatch`: a sweep as one Slurm job array. Task `i` runs point `i`:
//!
//! ```text
//! sintermd run points/NNNN/input.ron --out points/NNNN --resume --threads $SLURM_CPUS_PER_TASK
//! ```
//!
//! in the background, passes on the signal Slurm sends `signal_lead_s` seconds before the time
//! limit (`--signal=B:USR1@LEAD`, to the batch shell), so that the run writes a checkpoint and
//! exits with status 75, and then requeues itself (`scontrol requeue`): the next start of the
//! task continues from the checkpoint. A task whose point is finished returns at once.
//!
//! A KMC sweep's task runs
//!
//! ```text
//! sintermd kmc points/NNNN/input.ron --out points/NNNN --force
//! ```
//!
//! `sintermd kmc` writes no checkpoints: the task returns at once when the point's
//! `summary.json` says `done`, and otherwise runs the point from the start (`--force` clears
//! what an unfinished run left). Its script asks for no signal before the time limit (there is
//! nothing to save), so a KMC point must finish within `time`.

use std::path::Path;

use serde::Deserialize;

use super::Program;
use crate::error::{Error, Result};
use crate::run::stop::INTERRUPTED_EXIT_CODE;

/// Slurm settings of a sweep.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlurmSpec {
    /// Job name (default `sintermd-sweep`).
    pub job_name: String,
    /// `--partition`, `--account`, `--qos`, when given.
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    /// Wall-time limit of each task, in Slurm's forms (`MM`, `HH:MM:SS`, `D-HH:MM:SS`, ...).
    pub time: String,
    /// Memory of each task (`--mem`, e.g. `4G`), when given.
    pub mem: Option<String>,
    /// Cores of each task, passed to sintermd as `--threads` (default 1).
    pub cpus_per_task: u32,
    /// MPI ranks of each point (default 1: no MPI). With more, each point is one `srun` of that
    /// many tasks (`--ntasks`), each with `cpus_per_task` threads: a sintermd built with the
    /// `mpi` feature splits every force evaluation over them (README, "MPI").
    pub ntasks: u32,
    /// Tasks running at once (`--array=0-N%MAX`), when given.
    pub max_running: Option<usize>,
    /// Seconds before the time limit at which Slurm signals the task to checkpoint (default
    /// 300; unused by KMC sweeps, which have no checkpoints).
    pub signal_lead_s: u64,
    /// Modules to load (`module load NAME`) before the run.
    pub modules: Vec<String>,
    /// Further `#SBATCH` lines, written as given (e.g. `#SBATCH --constraint=avx2`).
    pub extra: Vec<String>,
    /// Shell lines run before sintermd (e.g. `export OMP_NUM_THREADS=1`).
    pub setup: Vec<String>,
    /// The sintermd program on the cluster (default: the one that planned the sweep).
    pub sintermd: Option<String>,
}

impl Default for SlurmSpec {
    fn default() -> Self {
        SlurmSpec {
            job_name: "sintermd-sweep".into(),
            partition: None,
            account: None,
            qos: None,
            time: "24:00:00".into(),
            mem: None,
            cpus_per_task: 1,
            ntasks: 1,
            max_running: None,
            signal_lead_s: 300,
            modules: Vec::new(),
            extra: Vec::new(),
            setup: Vec::new(),
            sintermd: None,
        }
    }
}

/// Seconds of a Slurm time limit: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`.
pub fn time_limit_seconds(time: &str) -> Option<u64> {
    let (days, rest) = match time.split_once('-') {
        Some((d, r)) => (d.parse::<u64>().ok()?, Some(r)),
        None => (0, None),
    };
    let parts: Vec<u64> = rest
        .unwrap_or(time)
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    // (hours, minutes, seconds)
    let (h, m, s) = match (rest.is_some(), parts.as_slice()) {
        (false, [m]) => (0, *m, 0),
        (false, [m, s]) => (0, *m, *s),
        (false, [h, m, s]) | (true, [h, m, s]) => (*h, *m, *s),
        (true, [h]) => (*h, 0, 0),
        (true, [h, m]) => (*h, *m, 0),
        _ => return None,
    };
    days.checked_mul(86400)?
        .checked_add(h.checked_mul(3600)?)?
        .checked_add(m.checked_mul(60)?)?
        .checked_add(s)
}

/// Single-quoted for the shell.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The job-array script for `points` points of the sweep folder `dir` (absolute), each run by
/// `program`: the `#SBATCH` header, then the task's commands.
pub fn submit_script(
    spec: &SlurmSpec,
    program: Program,
    dir: &Path,
    points: usize,
) -> Result<String> {
    check_spec(spec, program, points)?;
    let bad = |m: String| Error::invalid(format!("slurm: {m}"));
    let sintermd = match &spec.sintermd {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .map_err(|e| Error::invalid(format!("cannot find this program's path: {e}")))?
            .display()
            .to_string(),
    };
    let dir_text = dir.display().to_string();
    if dir_text.contains(|c: char| c.is_whitespace() || c == '%' || c == '\'') {
        return Err(bad(format!(
            "the sweep folder {dir_text:?} holds a space, quote or %, which Slurm's --output \
             cannot take; plan into another folder"
        )));
    }
    let mut s = sbatch_header(spec, program, points, &dir_text);
    s.push_str(&task_setup(spec, &dir_text, &sintermd));
    s.push_str(&match program {
        Program::Run => run_commands(spec.ntasks),
        Program::Kmc => kmc_commands(),
    });
    Ok(s)
}

/// Checks the Slurm settings for a sweep of `points` points run by `program`: a valid time
/// limit, a signal lead inside it (a study's), at least one CPU and one running task, header
/// values without spaces or quotes, `extra` lines that are `#SBATCH` lines, and at least one
/// point.
fn check_spec(spec: &SlurmSpec, program: Program, points: usize) -> Result<()> {
    let bad = |m: String| Error::invalid(format!("slurm: {m}"));
    let limit = time_limit_seconds(&spec.time).ok_or_else(|| {
        bad(format!(
            "time {:?} is not a Slurm time (MM, HH:MM:SS, D-HH:MM:SS, ...)",
            spec.time
        ))
    })?;
    if program == Program::Run && (spec.signal_lead_s == 0 || spec.signal_lead_s >= limit) {
        return Err(bad(format!(
            "signal_lead_s {} must be between 1 and the time limit ({limit} s)",
            spec.signal_lead_s
        )));
    }
    if spec.cpus_per_task == 0 {
        return Err(bad("cpus_per_task must be at least 1".into()));
    }
    if spec.ntasks == 0 {
        return Err(bad("ntasks must be at least 1".into()));
    }
    if spec.ntasks > 1 && program == Program::Kmc {
        return Err(bad(
            "ntasks > 1 asks for MPI ranks, which only `sintermd run` uses (KMC runs on one core)"
                .into(),
        ));
    }
    if spec.max_running == Some(0) {
        return Err(bad("max_running must be at least 1".into()));
    }
    for line in [&spec.job_name, &spec.time]
        .into_iter()
        .chain(spec.partition.iter())
        .chain(spec.account.iter())
        .chain(spec.qos.iter())
        .chain(spec.mem.iter())
        .chain(spec.modules.iter())
    {
        if line.is_empty() || line.contains(|c: char| c.is_whitespace() || c == '\'') {
            return Err(bad(format!("{line:?}: empty, or holds spaces or quotes")));
        }
    }
    if let Some(line) = spec.extra.iter().find(|l| !l.starts_with("#SBATCH ")) {
        return Err(bad(format!(
            "extra line {line:?} does not start with \"#SBATCH \""
        )));
    }
    if points == 0 {
        return Err(bad("the sweep has no points".into()));
    }
    Ok(())
}

/// The script's first lines: the shebang, a comment, and the `#SBATCH` options (the array of
/// `points` tasks, logs under `dir_text`/logs; for a study, the signal before the time limit).
fn sbatch_header(spec: &SlurmSpec, program: Program, points: usize, dir_text: &str) -> String {
    let mut s = String::from("#!/bin/bash\n");
    s.push_str(&format!(
        "# A sweep planned by `sintermd sweep plan`: task i runs point i (points/NNNN) with\n# `sintermd {}`.\n",
        program.command()
    ));
    match program {
        Program::Run => {
            s.push_str(
                "# Submit with `sbatch submit.sbatch`; a requeued or resubmitted task continues\n",
            );
            s.push_str("# from its checkpoint, a finished one returns at once.\n");
        }
        Program::Kmc => {
            s.push_str(
                "# Submit with `sbatch submit.sbatch`; KMC runs have no checkpoints: a requeued or\n",
            );
            s.push_str(
                "# resubmitted task runs its point again from the start unless it is done.\n",
            );
        }
    }
    s.push_str(&format!("#SBATCH --job-name={}\n", spec.job_name));
    let array = match spec.max_running {
        Some(m) => format!("0-{}%{m}", points - 1),
        None => format!("0-{}", points - 1),
    };
    s.push_str(&format!("#SBATCH --array={array}\n"));
    s.push_str(&format!("#SBATCH --cpus-per-task={}\n", spec.cpus_per_task));
    s.push_str(&format!("#SBATCH --ntasks={}\n", spec.ntasks));
    s.push_str(&format!("#SBATCH --time={}\n", spec.time));
    if let Some(m) = &spec.mem {
        s.push_str(&format!("#SBATCH --mem={m}\n"));
    }
    for (flag, value) in [
        ("partition", &spec.partition),
        ("account", &spec.account),
        ("qos", &spec.qos),
    ] {
        if let Some(v) = value {
            s.push_str(&format!("#SBATCH --{flag}={v}\n"));
        }
    }
    s.push_str("#SBATCH --requeue\n");
    if program == Program::Run {
        s.push_str(&format!("#SBATCH --signal=B:USR1@{}\n", spec.signal_lead_s));
    }
    s.push_str("#SBATCH --open-mode=append\n");
    s.push_str(&format!("#SBATCH --output={dir_text}/logs/%A_%a.out\n"));
    for line in &spec.extra {
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// The task's first commands: enter `dir_text`, load modules, run the setup lines, name the
/// program (`sintermd`) and the task's point.
fn task_setup(spec: &SlurmSpec, dir_text: &str, sintermd: &str) -> String {
    let mut s = String::new();
    s.push_str("set -u\n");
    s.push_str(&format!("cd {} || exit 1\n", quoted(dir_text)));
    for m in &spec.modules {
        s.push_str(&format!("module load {m}\n"));
    }
    for line in &spec.setup {
        s.push_str(line);
        s.push('\n');
    }
    s.push_str(&format!("sintermd={}\n", quoted(sintermd)));
    s.push_str("point=$(printf 'points/%04d' \"$SLURM_ARRAY_TASK_ID\")\n");
    s.push_str(
        "echo \"sintermd sweep task $SLURM_ARRAY_TASK_ID (job $SLURM_JOB_ID, start ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -Is)\"\n",
    );
    s
}

/// Waits for the run started in the background (`pid`), through the early returns of `wait`
/// that trapped signals cause, and leaves its exit status in `status`.
const WAIT_FOR_RUN: &str = "pid=$!\nwait \"$pid\"\nstatus=$?\n\
# A trapped signal ends `wait` early (status > 128): wait again for the run's own status\n\
# (bash keeps it even once the run has ended; 127: nothing left to wait for).\n\
while [ \"$status\" -gt 128 ]; do\n    wait \"$pid\"\n    next=$?\n    [ \"$next\" -eq 127 ] && break\n    status=$next\ndone\n";

/// A study task's commands: run the point with `--resume` (under `srun` on `ntasks` MPI ranks
/// when more than one), pass Slurm's signals on, and requeue after a checkpoint at the time
/// limit.
fn run_commands(ntasks: u32) -> String {
    let mut s = String::new();
    s.push_str(
        "# Slurm signals this shell (USR1) before the time limit: pass the signal on, so that\n",
    );
    s.push_str("# the run writes a checkpoint and exits 75, then requeue. A TERM (scancel,\n");
    s.push_str("# preemption) also checkpoints the run, but leaves the task ended.\n");
    s.push_str("pid=\nlimit=0\n");
    s.push_str("trap 'limit=1; [ -n \"$pid\" ] && kill -USR1 \"$pid\" 2>/dev/null' USR1\n");
    s.push_str("trap '[ -n \"$pid\" ] && kill -TERM \"$pid\" 2>/dev/null' TERM\n");
    if ntasks > 1 {
        // srun passes the signals on to every rank; only rank 0 acts on them.
        s.push_str(&format!(
            "srun --ntasks={ntasks} --cpus-per-task=\"${{SLURM_CPUS_PER_TASK:-1}}\" "
        ));
    }
    s.push_str(
        "\"$sintermd\" run \"$point/input.ron\" --out \"$point\" --resume --threads \"${SLURM_CPUS_PER_TASK:-1}\" &\n",
    );
    s.push_str(WAIT_FOR_RUN);
    s.push_str(&format!(
        "if [ \"$status\" -eq {INTERRUPTED_EXIT_CODE} ] && [ \"$limit\" -eq 1 ]; then\n    # The array task by its own name: the last task to start carries the array's job id.\n    task=\"${{SLURM_ARRAY_JOB_ID}}_${{SLURM_ARRAY_TASK_ID}}\"\n    echo \"checkpointed: requeueing $task\"\n    scontrol requeue \"$task\" || echo \"requeue of $task failed: resubmit submit.sbatch to continue\"\nfi\n"
    ));
    s.push_str("exit \"$status\"\n");
    s
}

/// A KMC task's commands: return at once when the point is done, else run it from the start
/// (`--force`), passing a TERM on.
fn kmc_commands() -> String {
    let mut s = String::new();
    s.push_str(
        "# `sintermd kmc` writes no checkpoints: a finished point (its summary.json says done)\n",
    );
    s.push_str(
        "# returns at once, any other runs from the start (--force clears an unfinished run).\n",
    );
    s.push_str(&format!(
        "if grep -q {} \"$point/summary.json\" 2>/dev/null; then\n",
        quoted(KMC_DONE_LINE)
    ));
    s.push_str("    echo \"$point is done\"\n    exit 0\nfi\n");
    s.push_str("pid=\n");
    s.push_str("trap '[ -n \"$pid\" ] && kill -TERM \"$pid\" 2>/dev/null' TERM\n");
    s.push_str("\"$sintermd\" kmc \"$point/input.ron\" --out \"$point\" --force &\n");
    s.push_str(WAIT_FOR_RUN);
    s.push_str("exit \"$status\"\n");
    s
}

/// The line of a finished KMC run's `summary.json` (pretty JSON, `status` its first field at
/// the top level) that the script looks for.
pub const KMC_DONE_LINE: &str = "^  \"status\": \"done\",$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slurm_time_limits() {
        assert_eq!(time_limit_seconds("30"), Some(1800));
        assert_eq!(time_limit_seconds("2:30"), Some(150));
        assert_eq!(time_limit_seconds("04:00:00"), Some(14400));
        assert_eq!(time_limit_seconds("1-12"), Some(129600));
        assert_eq!(time_limit_seconds("1-0:30"), Some(88200));
        assert_eq!(time_limit_seconds("2-01:00:05"), Some(176405));
        assert_eq!(time_limit_seconds("4h"), None);
        assert_eq!(time_limit_seconds("1:2:3:4"), None);
    }

    #[test]
    fn the_script_passes_the_settings_on() {
        let spec = SlurmSpec {
            partition: Some("cpu".into()),
            mem: Some("4G".into()),
            cpus_per_task: 4,
            max_running: Some(3),
            modules: vec!["gcc/12".into()],
            extra: vec!["#SBATCH --constraint=avx2".into()],
            sintermd: Some("/opt/sintermd".into()),
            time: "02:00:00".into(),
            ..SlurmSpec::default()
        };
        let s = submit_script(&spec, Program::Run, Path::new("/scratch/sweep"), 6).unwrap();
        for line in [
            "#SBATCH --array=0-5%3",
            "#SBATCH --cpus-per-task=4",
            "#SBATCH --time=02:00:00",
            "#SBATCH --mem=4G",
            "#SBATCH --partition=cpu",
            "#SBATCH --requeue",
            "#SBATCH --signal=B:USR1@300",
            "#SBATCH --constraint=avx2",
            "module load gcc/12",
            "sintermd='/opt/sintermd'",
            "cd '/scratch/sweep'",
            "scontrol requeue",
        ] {
            assert!(
                s.lines()
                    .any(|l| l == line || l.trim() == line || l.contains(line)),
                "{line}\n{s}"
            );
        }
        assert!(s.contains("--resume --threads \"${SLURM_CPUS_PER_TASK:-1}\""));
        let e = submit_script(
            &SlurmSpec {
                time: "5".into(),
                signal_lead_s: 300,
                ..SlurmSpec::default()
            },
            Program::Run,
            Path::new("/x"),
            1,
        )
        .unwrap_err();
        assert!(e.to_string().contains("signal_lead_s"), "{e}");
        // MPI points: one srun of `ntasks` ranks.
        let mpi = SlurmSpec {
            ntasks: 4,
            cpus_per_task: 2,
            ..spec
        };
        let s = submit_script(&mpi, Program::Run, Path::new("/scratch/sweep"), 6).unwrap();
        assert!(s.contains("#SBATCH --ntasks=4\n"), "{s}");
        assert!(
            s.contains(
                "srun --ntasks=4 --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-1}\" \"$sintermd\" run"
            ),
            "{s}"
        );
        let e = submit_script(&mpi, Program::Kmc, Path::new("/x"), 1).unwrap_err();
        assert!(e.to_string().contains("ntasks"), "{e}");
    }

    #[test]
    fn a_kmc_script_runs_unfinished_points_from_the_start() {
        let spec = SlurmSpec {
            sintermd: Some("/opt/sintermd".into()),
            ..SlurmSpec::default()
        };
        let s = submit_script(&spec, Program::Kmc, Path::new("/scratch/kmc"), 3).unwrap();
        assert!(s.contains("#SBATCH --array=0-2\n"), "{s}");
        assert!(s.contains("#SBATCH --requeue\n"), "{s}");
        assert!(!s.contains("--signal") && !s.contains("scontrol"), "{s}");
        assert!(
            s.contains("\"$sintermd\" kmc \"$point/input.ron\" --out \"$point\" --force &\n"),
            "{s}"
        );
        assert!(!s.contains("--resume"), "{s}");
        assert!(
            s.contains("grep -q '^  \"status\": \"done\",$' \"$point/summary.json\""),
            "{s}"
        );
    }
}
