//! Observers: things that look at the simulation at chosen steps and write what they see.
//!
//! Every observer implements [`Observer`] (look at a [`Frame`], finish at the end) and is called
//! when its [`Trigger`] fires. Files are flushed as they are written, so a run that stops early
//! keeps everything up to its last observation.

mod analysis;
pub mod append;
mod csv;
pub mod folder;
mod saved;
mod thermo_csv;
mod trajectory;

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

pub use analysis::ObserverSpec;
pub use csv::{CsvFile, csv_cell};
pub use folder::OutputFolder;
pub use saved::{ObserverKind, Reopen, SavedObserver};
pub use thermo_csv::{ThermoCsv, pressure_is_defined};
pub use trajectory::{RunRecord, Trajectory, TrajectoryFormatSpec};

use crate::analysis::PairView;
use crate::analysis::cna::{Structure, adaptive_cna};
use crate::analysis::phase::ParticlePhase;
use crate::error::Result;
use crate::md::{SimulationState, ThermoSample};
use crate::potential::ForceOutput;
use crate::report::Figure;
use crate::system::System;

/// What an observer sees at one step.
pub struct Frame<'a> {
    /// The whole state (system, step, time, ...).
    pub state: &'a SimulationState,
    /// The force evaluation at the current positions.
    pub forces: &'a ForceOutput,
    /// Thermodynamic quantities at this step.
    pub thermo: &'a ThermoSample,
    /// Analyses several observers of this step use, made once.
    pub shared: SharedAnalyses,
}

/// Analyses of one frame that several observers use (the local structure: `Structure` and
/// `Phase`), made by the first observer that asks and kept for the others of the same step.
#[derive(Default)]
pub struct SharedAnalyses {
    structure: RefCell<Option<LocalStructure>>,
}

/// A pair view of one radius [A] and the adaptive CNA of every atom over it.
type LocalStructure = (f64, Rc<PairView>, Rc<[Structure]>);

impl SharedAnalyses {
    /// The pair view of radius `radius` [A] of `system` (the frame's) and the adaptive CNA of
    /// every atom over it.
    pub fn structure(
        &self,
        system: &System,
        radius: f64,
    ) -> Result<(Rc<PairView>, Rc<[Structure]>)> {
        if let Some((r, view, cna)) = &*self.structure.borrow()
            && *r == radius
        {
            return Ok((view.clone(), cna.clone()));
        }
        let view = Rc::new(PairView::new(system, radius)?);
        let cna: Rc<[Structure]> = adaptive_cna(&view).into();
        *self.structure.borrow_mut() = Some((radius, view.clone(), cna.clone()));
        Ok((view, cna))
    }
}

/// When an observer fires, counting steps from the start of what it observes (the run, or its
/// stage).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// Every this many steps, and at the first and last step.
    Every(u64),
    /// At steps spaced evenly in log(step): `per_decade` per factor of ten (step 0 included),
    /// and at the last step.
    LogSpaced { per_decade: u32 },
    /// Only at the first and last step.
    Ends,
    /// Only at the last step.
    End,
    /// Never.
    Never,
}

impl Trigger {
    /// Whether to fire at `step`; `first` and `last` mark the first and last step observed.
    pub fn fires(&self, step: u64, first: bool, last: bool) -> bool {
        match *self {
            Trigger::Every(n) => first || last || (n > 0 && step.is_multiple_of(n)),
            Trigger::LogSpaced { per_decade } => {
                if first || last || step == 0 {
                    return true;
                }
                // Fire when floor(per_decade log10 step) changes from step - 1.
                let k = |s: u64| ((s as f64).log10() * per_decade as f64 + 1e-9).floor() as i64;
                step == 1 || k(step) != k(step - 1)
            }
            Trigger::Ends => first || last,
            Trigger::End => last,
            Trigger::Never => false,
        }
    }

    /// For observers of a continuous time (KMC): the first time [s] strictly after `t` [s] at
    /// which the trigger fires. `LogSpaced` fires on the same grid as for steps, the times
    /// 10^(k / per_decade) (after t = 0: the smallest positive number); `Every(n)` at the
    /// multiples of n; the others only where the observer ends, which is not a time known in
    /// advance (infinity).
    pub fn next_time(&self, t: f64) -> f64 {
        match *self {
            Trigger::LogSpaced { per_decade } => {
                if !(t > 0.0) {
                    return f64::MIN_POSITIVE;
                }
                let pd = per_decade as f64;
                let mut k = (t.log10() * pd).floor() + 1.0;
                let mut next = 10f64.powf(k / pd);
                while next <= t {
                    k += 1.0;
                    next = 10f64.powf(k / pd);
                }
                next
            }
            Trigger::Every(n) if n > 0 => {
                let n = n as f64;
                let mut next = ((t / n).floor() + 1.0) * n;
                while next <= t {
                    next += n;
                }
                next
            }
            Trigger::Every(_) | Trigger::Ends | Trigger::End | Trigger::Never => f64::INFINITY,
        }
    }
}

/// Something that observes the run.
pub trait Observer {
    /// When to call [`Observer::observe`].
    fn trigger(&self) -> Trigger;
    /// Looks at one frame.
    fn observe(&mut self, frame: &Frame<'_>) -> Result<()>;
    /// Called once after the last frame; returns the figures it wrote.
    fn finish(&mut self) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }
    /// Results worth a line in the report (and, by key, in `summary.json`).
    fn notes(&self) -> Vec<Note> {
        Vec::new()
    }
    /// The phase check of each particle at the last observation (see
    /// [`crate::analysis::phase`]), for the report, `summary.json` and the molten warning.
    fn phases(&self) -> Vec<ParticlePhase> {
        Vec::new()
    }
    /// The observer's whole state for a checkpoint (see [`SavedObserver::restore`]).
    fn save(&self) -> Result<SavedObserver>;
}

/// A result an observer reports at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Machine-readable key, e.g. `neck_formed_ps`.
    pub key: &'static str,
    /// The value, if there is one.
    pub value: Option<f64>,
    /// A sentence for the report.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::Trigger;

    #[test]
    fn log_spaced_times_step_past_the_current_time() {
        let log = |per_decade| Trigger::LogSpaced { per_decade };
        assert_eq!(log(10).next_time(0.0), f64::MIN_POSITIVE);
        let t = log(10).next_time(1.0);
        assert!((t - 10f64.powf(0.1)).abs() < 1e-12);
        let t = log(1).next_time(3.0e-7);
        assert!((t - 1e-6).abs() < 1e-18);
        assert!(log(1).next_time(1e-6) > 1e-6);
        assert_eq!(Trigger::Every(5).next_time(5.0), 10.0);
        assert_eq!(Trigger::Ends.next_time(1.0), f64::INFINITY);
    }
}
