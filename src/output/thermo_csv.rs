//! `thermo.csv`: one row of thermodynamic quantities per observation.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Frame, Observer, Trigger};
use crate::error::{Error, Result};

/// Header of `thermo.csv`, units in brackets.
pub const THERMO_HEADER: &str =
    "step,time[ps],temperature[K],potential[eV],kinetic[eV],total[eV],pressure[bar],conserved[eV]";

/// Writes `thermo.csv`.
pub struct ThermoCsv {
    path: PathBuf,
    out: BufWriter<File>,
    trigger: Trigger,
}

impl ThermoCsv {
    /// Creates the file with its header.
    pub fn create(path: &Path, trigger: Trigger) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        let mut out = BufWriter::new(file);
        writeln!(out, "{THERMO_HEADER}").map_err(|e| Error::io(path, e))?;
        Ok(ThermoCsv {
            path: path.to_path_buf(),
            out,
            trigger,
        })
    }
}

impl Observer for ThermoCsv {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let t = frame.thermo;
        let pressure = t.pressure.map(|p| format!("{p:?}")).unwrap_or_default();
        writeln!(
            self.out,
            "{},{:?},{:?},{:?},{:?},{:?},{},{:?}",
            t.step, t.time, t.temperature, t.potential, t.kinetic, t.total, pressure, t.conserved
        )
        .and_then(|_| self.out.flush())
        .map_err(|e| Error::io(&self.path, e))
    }
}
