//! Observers in checkpoints: each observer's whole state (accumulators, the rows it keeps for its
//! plots, the lengths of its files) saved as bytes, and rebuilt from them when a run resumes.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Observer, ThermoCsv, Trajectory, analysis};
use crate::error::{Error, Result};

/// Which observer a saved state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObserverKind {
    Thermo,
    Trajectory,
    CentreOfMass,
    Shape,
    Neck,
    Rdf,
    TrackedAtoms,
    Msd,
    Structure,
    Phase,
    Gap,
}

/// An observer's state in a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedObserver {
    pub kind: ObserverKind,
    /// The observer, serialised (files as path and length).
    pub state: Vec<u8>,
}

/// An observer rebuilt from its checkpoint record: its files are opened again, in `dir`, cut back
/// to their recorded lengths.
pub trait Reopen: Observer + DeserializeOwned + 'static {
    /// Opens the observer's files again in the run's folder `dir`.
    fn reopen(&mut self, dir: &Path) -> Result<()>;
}

impl SavedObserver {
    /// Saves `observer` as `kind`.
    pub fn of<T: Serialize>(kind: ObserverKind, observer: &T) -> Result<Self> {
        let state = postcard::to_allocvec(observer)
            .map_err(|e| Error::invalid(format!("cannot save the {kind:?} observer: {e}")))?;
        Ok(SavedObserver { kind, state })
    }

    /// The observer, its files open again in `dir`.
    pub fn restore(&self, dir: &Path) -> Result<Box<dyn Observer>> {
        match self.kind {
            ObserverKind::Thermo => self.reopened::<ThermoCsv>(dir),
            ObserverKind::Trajectory => self.reopened::<Trajectory>(dir),
            _ => analysis::restore(self, dir),
        }
    }

    /// Decodes the state as a `T` and reopens its files in `dir`.
    pub(super) fn reopened<T: Reopen>(&self, dir: &Path) -> Result<Box<dyn Observer>> {
        let mut observer: T = postcard::from_bytes(&self.state).map_err(|e| {
            Error::invalid(format!(
                "the checkpoint's {:?} observer cannot be read: {e}",
                self.kind
            ))
        })?;
        observer.reopen(dir)?;
        Ok(Box::new(observer))
    }
}
