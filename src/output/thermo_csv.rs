//! `thermo.csv`: one row of thermodynamic quantities per observation, and plots of temperature
//! and energies.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::csv::CsvFile;
use super::{Figure, Frame, Observer, ObserverKind, Reopen, SavedObserver, Trigger};
use crate::analysis::coordination::sampled_nearest_neighbor_distance;
use crate::analysis::rdf::fills_box_at_spacing;
use crate::error::Result;
use crate::report::plot::write_panels;
use crate::report::{Plot, Series};
use crate::system::System;

/// Header of `thermo.csv`, units in brackets.
pub const THERMO_HEADER: &str =
    "step,time[ps],temperature[K],potential[eV],kinetic[eV],total[eV],pressure[bar],conserved[eV]";

/// Radius [A] of the neighbour search that measures the material's density once, to decide
/// whether the atoms fill the box (nearest neighbours of metals and LJ argon lie well within it).
const PRESSURE_CHECK_RADIUS: f64 = 6.0;

/// Atoms whose neighbours measure that density: the median of so many is within a fraction of
/// a percent of the whole system's.
const PRESSURE_CHECK_SAMPLES: usize = 4096;

/// Whether the box's pressure means anything: every axis periodic and the atoms, at their
/// material's density, filling at least half the box ([`fills_box_at_spacing`]). Two particles in
/// a periodic box of vacuum have a virial "pressure" that only measures the box size.
///
/// The density is measured on an evenly spaced sample of [`PRESSURE_CHECK_SAMPLES`] atoms
/// (every atom in smaller systems) without a neighbour list, so the check costs little memory at
/// any size.
pub fn pressure_is_defined(system: &System) -> bool {
    system.simbox.fully_periodic()
        && sampled_nearest_neighbor_distance(system, PRESSURE_CHECK_RADIUS, PRESSURE_CHECK_SAMPLES)
            .is_some_and(|d| fills_box_at_spacing(system, d))
}

/// Writes `thermo.csv` and, at the end, `thermo_temperature` and `thermo_energy` plots.
#[derive(Debug, Serialize, Deserialize)]
pub struct ThermoCsv {
    csv: CsvFile,
    dir: PathBuf,
    prefix: String,
    trigger: Trigger,
    columns: [Vec<f64>; 6],
    /// Stage index of each row: the conserved quantity is defined within a stage.
    stages: Vec<usize>,
    atoms: usize,
    /// Whether the pressure means anything: decided at the first observation (see
    /// [`pressure_is_defined`]).
    pressure_defined: Option<bool>,
}

impl ThermoCsv {
    /// Creates `<prefix>thermo.csv` in `dir` with its header.
    pub fn create(dir: &Path, prefix: &str, trigger: Trigger) -> Result<Self> {
        let header: Vec<&str> = THERMO_HEADER.split(',').collect();
        Ok(ThermoCsv {
            csv: CsvFile::create(&dir.join(format!("{prefix}thermo.csv")), &header)?,
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            trigger,
            columns: Default::default(),
            stages: Vec::new(),
            atoms: 0,
            pressure_defined: None,
        })
    }
}

impl Reopen for ThermoCsv {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        self.dir = dir.to_path_buf();
        self.csv.reopen(dir)
    }
}

impl Observer for ThermoCsv {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Thermo, self)
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
        self.stages.push(frame.state.stage);
        self.atoms = frame.state.system.len();
        let system = &frame.state.system;
        let defined = *self
            .pressure_defined
            .get_or_insert_with(|| pressure_is_defined(system));
        // Left empty when the box is mostly vacuum: two particles in a large periodic box have
        // a "pressure" that only measures the box size.
        let pressure = t
            .pressure
            .filter(|_| defined)
            .map(|p| format!("{p:?}"))
            .unwrap_or_default();
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
        let t_stem = self.dir.join(format!("{}thermo_temperature", self.prefix));
        Plot::new("Temperature", "time [ps]", "temperature [K]")
            .with(Series::line(
                "temperature",
                time.clone(),
                temperature.clone(),
            ))
            .write(&t_stem)?;
        let e_stem = self.dir.join(format!("{}thermo_energy", self.prefix));
        // One panel per energy, each as its deviation from its mean (a -20,000 eV potential
        // energy and a 800 eV kinetic energy share no useful axis).
        // Each stage is its own curve: a minimisation, a KMC stage or an assembly between two
        // MD stages changes the energies at one time, and a line across would look like motion.
        let segments = stage_segments(&self.stages);
        let panel = |name: &str, values: &[f64]| {
            let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
            let mut plot = Plot::new(
                format!("{name} (mean {mean:.3} eV)"),
                "time [ps]",
                "E - mean [eV]",
            );
            for (stage, range) in &segments {
                let label = stage_label(&segments, *stage);
                let deviation = values[range.clone()].iter().map(|v| v - mean).collect();
                plot = plot.with(Series::line(label, time[range.clone()].to_vec(), deviation));
            }
            plot
        };
        // The conserved quantity is defined within a stage: its change since the stage began.
        let mut conserved_panel = Plot::new(
            "Conserved quantity: change since the start of its stage",
            "time [ps]",
            "E - E(stage start) [eV]",
        );
        for (stage, range) in &segments {
            let start = conserved[range.start];
            let change = conserved[range.clone()].iter().map(|v| v - start).collect();
            let label = stage_label(&segments, *stage);
            conserved_panel =
                conserved_panel.with(Series::line(label, time[range.clone()].to_vec(), change));
        }
        write_panels(
            &e_stem,
            &[
                panel("Potential energy", potential),
                panel("Kinetic energy", kinetic),
                panel("Total energy", total),
                conserved_panel,
            ],
        )?;
        let drift = conserved_drift(time, conserved, &self.stages, self.atoms);
        Ok(vec![
            Figure {
                png: t_stem.with_extension("png"),
                caption: "Kinetic temperature over the run.".into(),
            },
            Figure {
                png: e_stem.with_extension("png"),
                caption: format!(
                    "Potential, kinetic and total energy as deviations from their means (in the \
                     panel titles), and the integrator's conserved quantity (total energy plus the \
                     thermostat's energy) as its change since its stage began. {drift}"
                ),
            },
        ])
    }
}

/// Legend label of a stage's curve: none when the run has only one stage.
fn stage_label(segments: &[(usize, std::ops::Range<usize>)], stage: usize) -> String {
    if segments.len() > 1 {
        format!("stage {}", stage + 1)
    } else {
        String::new()
    }
}

/// The runs of equal stage index in `stages`: (stage, row range).
fn stage_segments(stages: &[usize]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < stages.len() {
        let stage = stages[start];
        let end = start + stages[start..].iter().take_while(|&&s| s == stage).count();
        out.push((stage, start..end));
        start = end;
    }
    out
}

/// A sentence on the drift of the conserved quantity in each stage with at least three samples:
/// the slope of a least-squares line [eV/ps] and per atom [eV/ps/atom], and the change from the
/// stage's first to its last sample [eV]. The quantity restarts at every stage (a minimisation,
/// a KMC stage or an assembly changes the system), so drifts are not taken across stages.
fn conserved_drift(time: &[f64], conserved: &[f64], stages: &[usize], atoms: usize) -> String {
    let mut parts = Vec::new();
    for (stage, range) in stage_segments(stages) {
        let (t, e) = (&time[range.clone()], &conserved[range]);
        let n = t.len() as f64;
        if t.len() >= 3 && t[t.len() - 1] > t[0] {
            let (mt, me) = (t.iter().sum::<f64>() / n, e.iter().sum::<f64>() / n);
            let stt: f64 = t.iter().map(|v| (v - mt).powi(2)).sum();
            let ste: f64 = t.iter().zip(e).map(|(a, b)| (a - mt) * (b - me)).sum();
            let slope = ste / stt;
            parts.push(format!(
                "stage {} ({:.4} to {:.4} ps): {:+.3e} eV/ps ({:+.3e} eV/ps per atom), last minus first {:+.3e} eV",
                stage + 1,
                t[0],
                t[t.len() - 1],
                slope,
                slope / atoms.max(1) as f64,
                e[e.len() - 1] - e[0]
            ));
        }
    }
    if parts.is_empty() {
        "Drift of the conserved quantity: too few samples in every stage to measure it.".into()
    } else {
        format!(
            "Drift of the conserved quantity (least-squares slope): {}.",
            parts.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_measured_per_stage() {
        let time = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        // Stage 0 drifts by 0.5 eV/ps; stage 1 jumps by 100 eV and is flat.
        let e = [0.0, 0.5, 1.0, 1.5, 101.0, 101.0, 101.0];
        let text = conserved_drift(&time, &e, &[0, 0, 0, 0, 1, 1, 1], 10);
        assert!(text.contains("stage 1 (0.0000 to 3.0000 ps): +5.000e-1 eV/ps (+5.000e-2"));
        assert!(text.contains("stage 2 (4.0000 to 6.0000 ps): +0.000e0 eV/ps"));
    }
}
