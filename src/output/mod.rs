//! Observers: things that look at the simulation at chosen steps and write what they see.
//!
//! Every observer implements [`Observer`] (look at a [`Frame`], finish at the end) and is called
//! when its [`Trigger`] fires. Files are flushed as they are written, so a run that stops early
//! keeps everything up to its last observation.

mod thermo_csv;
mod trajectory;

use serde::{Deserialize, Serialize};

pub use thermo_csv::ThermoCsv;
pub use trajectory::TrajectoryXyz;

use crate::error::Result;
use crate::md::{SimulationState, ThermoSample};
use crate::potential::ForceOutput;

/// What an observer sees at one step.
pub struct Frame<'a> {
    /// The whole state (system, step, time, ...).
    pub state: &'a SimulationState,
    /// The force evaluation at the current positions.
    pub forces: &'a ForceOutput,
    /// Thermodynamic quantities at this step.
    pub thermo: &'a ThermoSample,
}

/// When an observer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trigger {
    /// Every this many steps (counted over the whole run), and at the first and last step.
    Every(u64),
    /// Only at the first and last step.
    Ends,
    /// Never.
    Never,
}

impl Trigger {
    /// Whether to fire at run step `step`; `last` marks the final step of the run.
    pub fn fires(&self, step: u64, last: bool) -> bool {
        match *self {
            Trigger::Every(n) => step == 0 || last || (n > 0 && step.is_multiple_of(n)),
            Trigger::Ends => step == 0 || last,
            Trigger::Never => false,
        }
    }
}

/// Something that observes the run.
pub trait Observer {
    /// When to call [`Observer::observe`].
    fn trigger(&self) -> Trigger;
    /// Looks at one frame.
    fn observe(&mut self, frame: &Frame<'_>) -> Result<()>;
    /// Called once after the last frame.
    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}
