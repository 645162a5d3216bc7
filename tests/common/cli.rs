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
