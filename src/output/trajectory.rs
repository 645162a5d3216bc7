//! Trajectory files: extended XYZ (`trajectory.xyz`, OVITO and ASE), LAMMPS dump
//! (`trajectory.lammpstrj`: OVITO, ASE, LAMMPS `read_dump`) and H5MD (`trajectory.h5md`, with the
//! `hdf5` feature: h5py, MDAnalysis).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::append::{AppendFile, rebase};
use super::{Frame, Observer, ObserverKind, Reopen, SavedObserver, Trigger};
#[cfg(feature = "hdf5")]
use crate::error::Error;
use crate::error::Result;
use crate::io::dump::format_dump_frame;
use crate::io::xyz::{format_xyz_frame, step_info};
use crate::system::System;

/// A trajectory file format of `output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrajectoryFormatSpec {
    /// Extended XYZ, `trajectory.xyz`.
    Xyz,
    /// LAMMPS dump, `trajectory.lammpstrj`.
    Dump,
    /// H5MD, `trajectory.h5md`.
    H5md,
}

impl TrajectoryFormatSpec {
    /// Bytes one atom takes in a frame, roughly (measured on the 30,804-atom study system,
    /// benches/trajectory_write.rs: XYZ 172, dump 117, H5MD 26 compressed).
    pub fn bytes_per_atom(self) -> f64 {
        match self {
            TrajectoryFormatSpec::Xyz => 175.0,
            TrajectoryFormatSpec::Dump => 120.0,
            TrajectoryFormatSpec::H5md => 60.0,
        }
    }

    /// The file the format is written to, in the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            TrajectoryFormatSpec::Xyz => "trajectory.xyz",
            TrajectoryFormatSpec::Dump => "trajectory.lammpstrj",
            TrajectoryFormatSpec::H5md => "trajectory.h5md",
        }
    }
}

/// What a trajectory file records about the run (H5MD keeps it in `/parameters`).
#[derive(Clone, Debug, Default)]
pub struct RunRecord {
    /// The input file's text.
    pub input: String,
    /// Potential files: name and SHA-256 checksum (hex).
    pub potential_files: Vec<(String, String)>,
}

/// Where a trajectory's frames go.
#[derive(Debug, Serialize, Deserialize)]
enum Writer {
    /// Extended XYZ or LAMMPS dump text.
    Text {
        out: AppendFile,
        format: TrajectoryFormatSpec,
    },
    /// H5MD: open, or as a checkpoint records it until reopened.
    #[cfg(feature = "hdf5")]
    H5md(H5mdSlot),
}

/// An H5MD writer, serialised as the frame count of each of its series.
#[cfg(feature = "hdf5")]
#[derive(Debug)]
enum H5mdSlot {
    Open(Box<crate::io::h5md::H5mdWriter>),
    Saved(crate::io::h5md::H5mdRecord),
}

#[cfg(feature = "hdf5")]
impl Serialize for H5mdSlot {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            H5mdSlot::Open(w) => w.record().serialize(s),
            H5mdSlot::Saved(r) => r.serialize(s),
        }
    }
}

#[cfg(feature = "hdf5")]
impl<'de> Deserialize<'de> for H5mdSlot {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        crate::io::h5md::H5mdRecord::deserialize(d).map(H5mdSlot::Saved)
    }
}

/// Appends frames to a trajectory file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Trajectory {
    path: PathBuf,
    writer: Writer,
    trigger: Trigger,
}

impl Trajectory {
    /// Creates (truncates) `dir/<the format's file name>` for frames of `system`.
    pub fn create(
        dir: &Path,
        format: TrajectoryFormatSpec,
        system: &System,
        record: &RunRecord,
        trigger: Trigger,
    ) -> Result<Self> {
        let path = dir.join(format.file_name());
        let writer = match format {
            TrajectoryFormatSpec::Xyz | TrajectoryFormatSpec::Dump => {
                let _ = (system, record);
                Writer::Text {
                    out: AppendFile::create(&path)?,
                    format,
                }
            }
            #[cfg(feature = "hdf5")]
            TrajectoryFormatSpec::H5md => {
                let provenance = crate::io::h5md::Provenance {
                    input: record.input.clone(),
                    potential_files: record.potential_files.clone(),
                };
                Writer::H5md(H5mdSlot::Open(Box::new(
                    crate::io::h5md::H5mdWriter::create(&path, system, &provenance)?,
                )))
            }
            #[cfg(not(feature = "hdf5"))]
            TrajectoryFormatSpec::H5md => return Err(crate::io::h5md_unavailable(&path)),
        };
        Ok(Trajectory {
            path,
            writer,
            trigger,
        })
    }
}

impl Reopen for Trajectory {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.path, dir);
        match &mut self.writer {
            Writer::Text { out, .. } => out.reopen(dir),
            #[cfg(feature = "hdf5")]
            Writer::H5md(slot) => {
                if let H5mdSlot::Saved(record) = slot {
                    *slot = H5mdSlot::Open(Box::new(crate::io::h5md::H5mdWriter::reopen(
                        &self.path, record,
                    )?));
                }
                Ok(())
            }
        }
    }
}

impl Observer for Trajectory {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Trajectory, self)
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let (system, step, time) = (&frame.state.system, frame.state.step, frame.state.time);
        match &mut self.writer {
            Writer::Text { out, format } => {
                let text = match format {
                    TrajectoryFormatSpec::Dump => format_dump_frame(system, step, time),
                    _ => format_xyz_frame(system, &step_info(step, time), &[]),
                };
                out.write(text.as_bytes())
            }
            #[cfg(feature = "hdf5")]
            Writer::H5md(H5mdSlot::Open(w)) => {
                w.write_frame(system, step, time, Some(&h5md_thermo(frame.thermo)))
            }
            #[cfg(feature = "hdf5")]
            Writer::H5md(H5mdSlot::Saved(_)) => Err(Error::file(
                &self.path,
                "written to before it was reopened (a bug in sintermd)",
            )),
        }
    }
}

/// The H5MD writer's copy of a thermodynamic sample (the io layer does not know `md`).
#[cfg(feature = "hdf5")]
fn h5md_thermo(t: &crate::md::ThermoSample) -> crate::io::h5md::H5mdThermo {
    crate::io::h5md::H5mdThermo {
        temperature: t.temperature,
        potential_energy: t.potential,
        kinetic_energy: t.kinetic,
        total_energy: t.total,
        conserved_energy: t.conserved,
        pressure: t.pressure,
    }
}
