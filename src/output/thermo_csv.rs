//! `thermo.csv`: one row of thermodynamic quantities per observation, and plots of temperature
//! and energies.

use std::path::{Path, PathBuf};

use super::csv::CsvFile;
use super::{Figure, Frame, Observer, Trigger};
use crate::error::Result;
use crate::report::{Plot, Series};

/// Header of `thermo.csv`, units in brackets.
pub const THERMO_HEADER: &str =
    "step,time[ps],temperature[K],potential[eV],kinetic[eV],total[eV],pressure[bar],conserved[eV]";

/// Writes `thermo.csv` and, at the end, `thermo_temperature` and `thermo_energy` plots.
pub struct ThermoCsv {
    csv: CsvFile,
    dir: PathBuf,
    trigger: Trigger,
    columns: [Vec<f64>; 6],
}

impl ThermoCsv {
    /// Creates `thermo.csv` in `dir` with its header.
    pub fn create(dir: &Path, trigger: Trigger) -> Result<Self> {
        let header: Vec<&str> = THERMO_HEADER.split(',').collect();
        Ok(ThermoCsv {
            csv: CsvFile::create(&dir.join("thermo.csv"), &header)?,
            dir: dir.to_path_buf(),
            trigger,
            columns: Default::default(),
        })
    }
}

impl Observer for ThermoCsv {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let t = frame.thermo;
        for (c, v) in self.columns.iter_mut().zip([
            t.time,
            t.temperature,
            t.potential,
            t.kinetic,
            t.total,
            t.conserved,
        ]) {
            c.push(v);
        }
        let pressure = t.pressure.map(|p| format!("{p:?}")).unwrap_or_default();
        self.csv.row_text(&[
            t.step.to_string(),
            format!("{:?}", t.time),
            format!("{:?}", t.temperature),
            format!("{:?}", t.potential),
            format!("{:?}", t.kinetic),
            format!("{:?}", t.total),
            pressure,
            format!("{:?}", t.conserved),
        ])
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let [time, temperature, potential, kinetic, total, conserved] = &self.columns;
        let t_stem = self.dir.join("thermo_temperature");
        Plot::new("Temperature", "time [ps]", "temperature [K]")
            .with(Series::line(
                "temperature",
                time.clone(),
                temperature.clone(),
            ))
            .write(&t_stem)?;
        let e_stem = self.dir.join("thermo_energy");
        Plot::new("Energies", "time [ps]", "energy [eV]")
            .with(Series::line("potential", time.clone(), potential.clone()))
            .with(Series::line("kinetic", time.clone(), kinetic.clone()))
            .with(Series::line("total", time.clone(), total.clone()))
            .with(Series::line("conserved", time.clone(), conserved.clone()))
            .write(&e_stem)?;
        Ok(vec![
            Figure {
                png: t_stem.with_extension("png"),
                caption: "Kinetic temperature over the run.".into(),
            },
            Figure {
                png: e_stem.with_extension("png"),
                caption:
                    "Potential, kinetic and total energy, and the integrator's conserved quantity \
                          (total energy plus the thermostat's energy), over the run."
                        .into(),
            },
        ])
    }
}
