//! Mean-square displacement of surface and interior atoms, from unwrapped positions.
//!
//! Atoms are classed once, at the reference frame: an atom with fewer than `bulk_coordination`
//! neighbours within the bond cutoff is a surface atom, the others are interior atoms.

use super::coordination::coordination_numbers;
use super::{PairView, unwrapped_positions};
use crate::error::Result;
use crate::system::{System, Vec3};

/// Mean-square displacements since a reference frame.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct MsdTracker {
    reference: Vec<Vec3>,
    surface: Vec<bool>,
}

/// One MSD measurement [A^2].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MsdSample {
    /// Over all atoms.
    pub all: f64,
    /// Over surface atoms (NaN if there are none).
    pub surface: f64,
    /// Over interior atoms (NaN if there are none).
    pub interior: f64,
}

impl MsdTracker {
    /// Takes `system` as the reference and classes its atoms with `bond_cutoff` [A].
    pub fn new(system: &System, bond_cutoff: f64, bulk_coordination: u32) -> Result<Self> {
        let view = PairView::new(system, bond_cutoff)?;
        let z = coordination_numbers(&view, bond_cutoff);
        Ok(MsdTracker {
            reference: unwrapped_positions(system),
            surface: z.iter().map(|&c| c < bulk_coordination).collect(),
        })
    }

    /// Number of surface atoms.
    pub fn surface_atoms(&self) -> usize {
        self.surface.iter().filter(|&&s| s).count()
    }

    /// MSD of `system` relative to the reference.
    pub fn measure(&self, system: &System) -> MsdSample {
        let x = unwrapped_positions(system);
        let (mut sums, mut counts) = ([0.0; 2], [0usize; 2]);
        for ((xi, ri), &surf) in x.iter().zip(&self.reference).zip(&self.surface) {
            let k = surf as usize;
            sums[k] += (xi - ri).norm_squared();
            counts[k] += 1;
        }
        let mean = |k: usize| {
            if counts[k] > 0 {
                sums[k] / counts[k] as f64
            } else {
                f64::NAN
            }
        };
        MsdSample {
            all: (sums[0] + sums[1]) / (counts[0] + counts[1]).max(1) as f64,
            surface: mean(1),
            interior: mean(0),
        }
    }
}
