//! Running the `sintermd` binary from a test, and reading the one error line a bad input gives.

use std::process::{Command, Output};

/// Runs `sintermd ARGS...` in the repository root.
pub fn sintermd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// The single `error: ` line of a run that must fail with exit status 1 and no panic.
pub fn error_line(out: &Output) -> String {
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

/// Runs `sintermd ARGS...`, which must succeed; returns its standard error and output.
pub fn sintermd_ok(args: &[&str]) -> String {
    let out = sintermd(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    stderr + &String::from_utf8_lossy(&out.stdout)
}

/// The rows of a sweep's `results.csv` in `dir`, cells split, without the columns that time the
/// runs (they differ from run to run).
pub fn results_without_timings(dir: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let keep: Vec<usize> = rows[0]
        .iter()
        .enumerate()
        .filter(|(_, h)| **h != "wall_time_s" && !h.ends_with("atom_steps_per_second"))
        .map(|(k, _)| k)
        .collect();
    rows.iter()
        .map(|r| keep.iter().map(|&k| r[k].to_string()).collect())
        .collect()
}
