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
