//! The output folder of a run: guarded so that earlier results are never mixed with new ones or
//! lost by a run that fails at its start, and written file by file atomically.
//!
//! A run touches its folder only after its input, structure and potential have been read and
//! checked ([`OutputFolder::prepare`] is called then). A folder that already holds a run's results
//! (any of [`RESULT_FILES`]) is refused unless `--force` is given, which first deletes sintermd's
//! own files: those listed in the old `summary.json` under `files`, and the fixed names of
//! [`RESULT_FILES`] with their plots. Other files in the folder are left alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Files whose presence says that a folder holds a run's results.
pub const RESULT_FILES: [&str; 13] = [
    "summary.json",
    "thermo.csv",
    "trajectory.xyz",
    "trajectory.lammpstrj",
    "trajectory.h5md",
    "final.data",
    "final.xyz",
    "report.html",
    "blowup.xyz",
    "neck.csv",
    "snapshots.xyz",
    "checkpoint.bin",
    "checkpoint.prev.bin",
];

/// Plots written beside the fixed result files.
const RESULT_PLOTS: [&str; 2] = ["thermo_temperature", "thermo_energy"];

/// The file a run holds locked while it writes into its folder.
pub const LOCK_FILE: &str = "run.lock";

/// A run's output folder, prepared for writing and locked against a second run writing into it
/// at the same time (see [`LOCK_FILE`], [`is_locked`]); the lock goes with the last clone.
#[derive(Clone, Debug)]
pub struct OutputFolder {
    dir: PathBuf,
    /// Entries that were in the folder before the run (not the run's own).
    before: BTreeSet<String>,
    _lock: std::sync::Arc<std::fs::File>,
}

/// Locks `dir` for this process, or says that another run holds it.
fn lock(dir: &Path) -> Result<std::sync::Arc<std::fs::File>> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    // A moment's patience: `sweep status` takes the lock for an instant to see whether it is
    // held.
    for _ in 0..20 {
        match file.try_lock() {
            Ok(()) => return Ok(std::sync::Arc::new(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
    }
    Err(Error::file(
        dir,
        "another sintermd run is writing into this folder (it holds run.lock); wait for it to \
         end, or choose another folder with --out",
    ))
}

/// Whether a run is writing into `dir` now (it holds its lock).
pub fn is_locked(dir: &Path) -> bool {
    // Opened for writing: some file systems (NFS) lock only files open for writing.
    let Ok(file) = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join(LOCK_FILE))
    else {
        return false;
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

impl OutputFolder {
    /// Creates `dir` if needed; refuses a folder holding another run's results unless `force`,
    /// which deletes sintermd's own files there first.
    pub fn prepare(dir: &Path, force: bool) -> Result<Self> {
        let mut held = None;
        if dir.exists() {
            if !dir.is_dir() {
                return Err(Error::file(
                    dir,
                    "the output folder is a file, not a folder",
                ));
            }
            held = Some(lock(dir)?);
            let found: Vec<&str> = RESULT_FILES
                .iter()
                .copied()
                .filter(|f| dir.join(f).is_file())
                .collect();
            if let Some(first) = found.first() {
                if !force {
                    return Err(Error::file(
                        dir,
                        format!(
                            "the output folder already holds a run's results ({first}); choose \
                             another folder with --out, or add --force to delete sintermd's files \
                             there first"
                        ),
                    ));
                }
                clear(dir)?;
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock = match held {
            Some(l) => l,
            None => lock(dir)?,
        };
        let mut before = entries(dir)?;
        before.remove(LOCK_FILE);
        Ok(OutputFolder {
            dir: dir.to_path_buf(),
            before,
            _lock: lock,
        })
    }

    /// The folder of a run being resumed, whose entries before the run were `before`.
    pub fn resume(dir: &Path, before: BTreeSet<String>) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::file(
                dir,
                "the output folder to resume is not a folder",
            ));
        }
        Ok(OutputFolder {
            dir: dir.to_path_buf(),
            before,
            _lock: lock(dir)?,
        })
    }

    /// The entries that were in the folder before the run.
    pub fn before(&self) -> &BTreeSet<String> {
        &self.before
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Names of the files the run has written so far and `summary.json` (sorted), for the
    /// `files` of `summary.json`.
    pub fn files_with_summary(&self) -> Vec<String> {
        let mut files = self.written();
        if !files.iter().any(|f| f == "summary.json") {
            files.push("summary.json".into());
            files.sort();
        }
        files
    }

    /// Names of the files the run has written so far (sorted), for `summary.json`.
    pub fn written(&self) -> Vec<String> {
        entries(&self.dir)
            .map(|now| {
                now.difference(&self.before)
                    .filter(|n| *n != LOCK_FILE)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Names of the entries of `dir`.
fn entries(dir: &Path) -> Result<BTreeSet<String>> {
    let read = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names = BTreeSet::new();
    for entry in read {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            names.insert(name.to_string());
        }
    }
    Ok(names)
}

/// Deletes sintermd's own files in `dir`.
fn clear(dir: &Path) -> Result<()> {
    let mut names: BTreeSet<String> = RESULT_FILES.iter().map(|s| s.to_string()).collect();
    for stem in RESULT_PLOTS {
        names.insert(format!("{stem}.png"));
        names.insert(format!("{stem}.svg"));
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("summary.json"))
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(files) = value.get("files").and_then(|f| f.as_array())
    {
        // Only plain names inside the folder: a damaged summary cannot delete elsewhere.
        names.extend(
            files
                .iter()
                .filter_map(|f| f.as_str())
                .filter(|f| is_plain_file_name(f))
                .map(str::to_string),
        );
    }
    // The lock stays: this run holds it.
    names.remove(LOCK_FILE);
    for name in names {
        let path = dir.join(&name);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// True for a name that stays inside a folder: not empty, no path separator, not `.` or `..`.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.contains("..")
}

/// Checks a name that becomes part of output file names (a stage's name): one line saying why
/// it cannot be used.
pub fn check_name_part(what: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid(format!("{what}: the name is empty")));
    }
    if !is_plain_file_name(name) || name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "{what}: name {name:?} cannot be part of a file name (no '/', '\\', '..' or control \
             characters)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_with_results_is_refused_and_force_clears_only_sintermd_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("thermo.csv"), "old").unwrap();
        std::fs::write(d.join("heat_rdf.csv"), "old").unwrap();
        std::fs::write(
            d.join("summary.json"),
            r#"{"files": ["heat_rdf.csv", "../x"]}"#,
        )
        .unwrap();
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let e = OutputFolder::prepare(d, false).unwrap_err().to_string();
        assert!(e.contains("already holds") && e.contains("--force"), "{e}");
        let folder = OutputFolder::prepare(d, true).unwrap();
        assert!(!d.join("thermo.csv").exists() && !d.join("heat_rdf.csv").exists());
        assert!(d.join("notes.txt").exists());
        std::fs::write(d.join("thermo.csv"), "new").unwrap();
        assert_eq!(folder.written(), vec!["thermo.csv".to_string()]);
    }

    #[test]
    fn names_with_separators_or_dots_are_refused() {
        for bad in ["../../escaped", "a/b", "a\\b", "..", "", "x\ny"] {
            assert!(check_name_part("stage 1", bad).is_err(), "{bad:?}");
        }
        check_name_part("stage 1", "heat-up_2").unwrap();
    }
}
