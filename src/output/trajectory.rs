//! Trajectory files: extended XYZ (`trajectory.xyz`, OVITO and ASE), LAMMPS dump
//! (`trajectory.lammpstrj`: OVITO, ASE, LAMMPS `read_dump`) and H5MD (`trajectory.h5md`, with the
//! `hdf5` feature: h5py, MDAnalysis).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Frame, Observer, Trigger};
use crate::error::{Error, Result};
use crate::input::TrajectoryFormatSpec;
use crate::io::dump::format_dump_frame;
use crate::io::xyz::{format_xyz_frame, step_info};
use crate::system::System;

/// What a trajectory file records about the run (H5MD keeps it in `/parameters`).
#[derive(Clone, Debug, Default)]
pub struct RunRecord {
    /// The input file's text.
    pub input: String,
    /// Potential files: name and SHA-256 checksum (hex).
    pub potential_files: Vec<(String, String)>,
}

enum Writer {
    Text {
        out: BufWriter<File>,
        format: TrajectoryFormatSpec,
    },
    #[cfg(feature = "hdf5")]
    H5md(Box<crate::io::h5md::H5mdWriter>),
}

/// Appends frames to a trajectory file.
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
                let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
                Writer::Text {
                    out: BufWriter::new(file),
                    format,
                }
            }
            #[cfg(feature = "hdf5")]
            TrajectoryFormatSpec::H5md => {
                let provenance = crate::io::h5md::Provenance {
                    input: record.input.clone(),
                    potential_files: record.potential_files.clone(),
                };
                Writer::H5md(Box::new(crate::io::h5md::H5mdWriter::create(
                    &path,
                    system,
                    &provenance,
                )?))
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

impl Observer for Trajectory {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let (system, step, time) = (&frame.state.system, frame.state.step, frame.state.time);
        match &mut self.writer {
            Writer::Text { out, format } => {
                let text = match format {
                    TrajectoryFormatSpec::Dump => format_dump_frame(system, step, time),
                    _ => format_xyz_frame(system, &step_info(step, time), &[]),
                };
                out.write_all(text.as_bytes())
                    .and_then(|_| out.flush())
                    .map_err(|e| Error::io(&self.path, e))
            }
            #[cfg(feature = "hdf5")]
            Writer::H5md(w) => w.write_frame(system, step, time, Some(frame.thermo)),
        }
    }
}
