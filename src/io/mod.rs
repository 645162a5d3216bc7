//! Reading and writing structures, trajectories and results: LAMMPS data files, extended XYZ,
//! LAMMPS dump, H5MD (with the `hdf5` feature), CSV and JSON.

pub mod dump;
#[cfg(feature = "hdf5")]
pub mod h5md;
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

/// Writes a whole text file, naming it in the error.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
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
