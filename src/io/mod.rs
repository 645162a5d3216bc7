//! Reading and writing structures, trajectories and results: LAMMPS data files, extended XYZ,
//! LAMMPS dump, H5MD (with the `hdf5` feature), CSV and JSON; RON input files ([`ron`]).

pub mod dump;
#[cfg(feature = "hdf5")]
pub mod h5md;
pub mod lammps_data;
pub mod ron;
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

/// Writes `value` as pretty-printed JSON, atomically (see [`write_atomic`]).
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::invalid(e.to_string()))?;
    write_text(path, &text)
}

/// Writes a whole text file atomically (see [`write_atomic`]), naming it in the error.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, text.as_bytes())
}

/// Writes a whole file atomically: the bytes go to a temporary file in the same folder, which
/// is then renamed over `path` (see [`write_atomic_with`]). The error names `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |tmp| {
        std::fs::File::create(tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|e| Error::io(path, e))
    })
}

/// Writes a whole file atomically through `write`, which is given a temporary path in the same
/// folder as `path` (ending in the same file name, so that writers that pick the format from
/// the extension keep working) and creates the whole file there; it is then renamed over `path`.
/// A reader (or a later run) sees the old file or the new one, never a half-written one; a
/// failed write leaves the old file as it was and no temporary file behind. Errors from `write`
/// should name `path`; a failed rename does.
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::file(path, "cannot write: the path names no file"))?;
    let tmp = path.with_file_name(format!(
        ".tmp{}.{}",
        std::process::id(),
        name.to_string_lossy()
    ));
    let written =
        write(&tmp).and_then(|()| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if written.is_err() {
        // Best effort: the temporary file may not exist, and the write's error is what matters.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A two-atom Pt-Fe frame for the trajectory writers' tests: a box with a lower corner off the
/// origin and a free axis, unsorted ids, an image flag, a position that needs every digit.
#[cfg(test)]
pub(crate) fn test_frame() -> System {
    use crate::system::{SimBox, SpeciesTable, Vec3};
    let species = SpeciesTable::elements(&["Pt", "Fe"]).unwrap();
    let simbox = SimBox::new([-1.0, 0.0, 0.0], [9.0, 11.0, 12.0], [true, true, false]).unwrap();
    let mut s = System::new(simbox, species);
    s.push(7, 1, Vec3::new(0.5, 1.0, 2.0), Vec3::new(0.1, -0.2, 3.0));
    s.push(3, 0, Vec3::new(1.0 / 3.0, 1e-17, 11.5), Vec3::zeros());
    s.images[0] = [1, -2, 0];
    s
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

/// One frame of a trajectory: the system at a step and time.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Atoms, box, species.
    pub system: System,
    /// MD step.
    pub step: u64,
    /// Time [ps].
    pub time: f64,
}

/// Trajectory file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrajectoryFormat {
    /// Extended XYZ (`.xyz`, `.extxyz`).
    Xyz,
    /// LAMMPS `dump custom` text (`.lammpstrj`, `.dump`).
    Dump,
    /// H5MD (`.h5md`, `.h5`).
    H5md,
    /// A LAMMPS data file (`.data`, `.lmp`): one frame.
    LammpsData,
}

impl TrajectoryFormat {
    /// The format a file name implies, or an error naming the extensions known.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("xyz" | "extxyz") => Ok(TrajectoryFormat::Xyz),
            Some("lammpstrj" | "dump") => Ok(TrajectoryFormat::Dump),
            Some("h5md" | "h5") => Ok(TrajectoryFormat::H5md),
            Some("data" | "lmp") => Ok(TrajectoryFormat::LammpsData),
            _ => Err(Error::file(
                path,
                "unknown format: name it .xyz/.extxyz, .lammpstrj/.dump, .h5md/.h5 or .data/.lmp",
            )),
        }
    }
}

/// The error for H5MD in a build without the `hdf5` feature.
pub fn h5md_unavailable(path: &Path) -> Error {
    Error::file(
        path,
        "H5MD needs sintermd built with the hdf5 feature: apt-get install libhdf5-dev, then cargo build --release --features hdf5",
    )
}

/// Reads every frame of a trajectory (a data file gives one frame at step 0).
pub fn read_frames(path: &Path) -> Result<Vec<Snapshot>> {
    match TrajectoryFormat::from_path(path)? {
        TrajectoryFormat::Xyz => {
            xyz::parse_xyz_frames(&read_text(path)?).map_err(|e| e.at_path(path))
        }
        TrajectoryFormat::Dump => {
            dump::parse_dump(&read_text(path)?, None).map_err(|e| e.at_path(path))
        }
        TrajectoryFormat::LammpsData => Ok(vec![Snapshot {
            system: read_lammps_data(path, [true; 3], None)?,
            step: 0,
            time: 0.0,
        }]),
        #[cfg(feature = "hdf5")]
        TrajectoryFormat::H5md => h5md::read_h5md(path),
        #[cfg(not(feature = "hdf5"))]
        TrajectoryFormat::H5md => Err(h5md_unavailable(path)),
    }
}

/// Frame `k` of `frames` (0 = first; negative counts from the end, -1 = last).
pub fn pick_frame(mut frames: Vec<Snapshot>, k: i64) -> Result<Snapshot> {
    let n = frames.len();
    let index = if k < 0 {
        n.checked_sub(k.unsigned_abs() as usize)
    } else {
        Some(k as usize).filter(|&i| i < n)
    };
    match index {
        Some(i) => Ok(frames.swap_remove(i)),
        None => Err(Error::invalid(format!(
            "frame {k} does not exist: the file has {n} frame(s)"
        ))),
    }
}

/// Writes frames as a trajectory in the format the name implies (a data file takes the last).
pub fn write_frames(path: &Path, frames: &[Snapshot]) -> Result<()> {
    let Some(last) = frames.last() else {
        return Err(Error::file(path, "no frames to write"));
    };
    match TrajectoryFormat::from_path(path)? {
        TrajectoryFormat::Xyz => {
            let text: String = frames
                .iter()
                .map(|f| xyz::format_xyz_frame(&f.system, &xyz::step_info(f.step, f.time), &[]))
                .collect();
            write_text(path, &text)
        }
        TrajectoryFormat::Dump => {
            let text: String = frames
                .iter()
                .map(|f| dump::format_dump_frame(&f.system, f.step, f.time))
                .collect();
            write_text(path, &text)
        }
        TrajectoryFormat::LammpsData => write_lammps_data(
            path,
            &last.system,
            &format!(
                "step {} (t = {} ps), written by sintermd",
                last.step, last.time
            ),
        ),
        #[cfg(feature = "hdf5")]
        TrajectoryFormat::H5md => {
            let mut w = h5md::H5mdWriter::create(path, &last.system, &h5md::Provenance::default())?;
            for f in frames {
                w.write_frame(&f.system, f.step, f.time, None)?;
            }
            Ok(())
        }
        #[cfg(not(feature = "hdf5"))]
        TrajectoryFormat::H5md => Err(h5md_unavailable(path)),
    }
}
