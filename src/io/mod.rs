//! Reading and writing structures and results: LAMMPS data files, extended XYZ, CSV and JSON.

pub mod lammps_data;
pub mod xyz;

use std::path::Path;

pub use lammps_data::{read_lammps_data, write_lammps_data};
pub use xyz::read_xyz;

use crate::error::{Error, Result};
use crate::system::System;

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Writes a whole text file atomically (see [`write_atomic`]), naming it in the error.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, text.as_bytes())
}

/// Writes a whole file atomically: the bytes go to a temporary file in the same folder, which
/// is then renamed over `path`. A reader (or a later run) sees the old file or the new one,
/// never a half-written one; a failed write leaves the old file as it was and no temporary file
/// behind. The error names `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::file(path, "cannot write: the path names no file"))?;
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        // Best effort: the temporary file may not exist, and the write's error is what matters.
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_files_and_name_the_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_text(&path, "old").unwrap();
        write_text(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        // A folder in the way (even root cannot write through a file or over a folder).
        let blocked = dir.path().join("summary.json").join("x.data");
        let e = write_text(&blocked, "x").unwrap_err().to_string();
        assert!(e.starts_with(&blocked.display().to_string()), "{e}");
        std::fs::create_dir(dir.path().join("final.data")).unwrap();
        let e = write_text(&dir.path().join("final.data"), "x").unwrap_err();
        assert!(e.to_string().contains("final.data"), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "a temporary file was left behind");
    }
}

/// Structure file formats sintermd reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructureFormat {
    /// LAMMPS data file (atom_style atomic).
    LammpsData,
    /// Extended XYZ.
    Xyz,
}

impl StructureFormat {
    /// The format implied by a file name: `.xyz`/`.extxyz` is extended XYZ, anything else
    /// (`.data`, `.lmp`, ...) a LAMMPS data file.
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("xyz") | Some("extxyz") => StructureFormat::Xyz,
            _ => StructureFormat::LammpsData,
        }
    }
}

/// Reads a structure file in the format its name implies. `periodic` sets the boundary (a data
/// file default is fully periodic; an XYZ file's own `pbc` is used when None).
pub fn read_structure(path: &Path, periodic: Option<[bool; 3]>) -> Result<System> {
    match StructureFormat::from_path(path) {
        StructureFormat::LammpsData => read_lammps_data(path, periodic.unwrap_or([true; 3]), None),
        StructureFormat::Xyz => read_xyz(path, periodic),
    }
}

/// Writes a structure file in the format its name implies.
pub fn write_structure(path: &Path, system: &System) -> Result<()> {
    match StructureFormat::from_path(path) {
        StructureFormat::LammpsData => {
            write_lammps_data(path, system, "LAMMPS data file written by sintermd")
        }
        StructureFormat::Xyz => write_text(path, &xyz::format_xyz_frame(system, &[], &[])),
    }
}
