//! `trajectory.xyz`: extended XYZ frames, readable by OVITO and ASE.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Frame, Observer, Trigger};
use crate::error::{Error, Result};
use crate::io::xyz::write_xyz_frame;

/// Appends frames to an extended XYZ file.
pub struct TrajectoryXyz {
    path: PathBuf,
    out: BufWriter<File>,
    trigger: Trigger,
}

impl TrajectoryXyz {
    /// Creates (truncates) the file.
    pub fn create(path: &Path, trigger: Trigger) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(TrajectoryXyz {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
            trigger,
        })
    }
}

impl Observer for TrajectoryXyz {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let info = [
            ("Step", frame.state.step.to_string()),
            ("Time", format!("{:?}", frame.state.time)),
        ];
        write_xyz_frame(&mut self.out, &frame.state.system, &info)
            .and_then(|_| self.out.flush())
            .map_err(|e| Error::io(&self.path, e))
    }
}
