//! Observers that run the [`crate::analysis`] functions during a stage and write one CSV each
//! (units in the header) plus figures for the report. File names start with the stage's prefix.

mod com;
mod msd;
mod neck;
mod rdf;
mod shape;
mod structure;
mod tracked;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::append::rebase;
use super::csv::{CsvFile, write_csv};
use super::{Figure, Frame, Note, Observer, ObserverKind, Reopen, SavedObserver, Trigger};
use crate::analysis::PairView;
use crate::analysis::cna::{Structure, adaptive_cna, structure_counts};
use crate::analysis::com::{centre_of_mass, radius_of_gyration};
use crate::analysis::coordination::{coordination_numbers, median_nearest_neighbor_distance};
use crate::analysis::msd::MsdTracker;
use crate::analysis::neck::{NeckGeometry, measure_neck};
use crate::analysis::rdf::{RdfAccumulator, RdfNormalization};
use crate::error::{Error, Result};
use crate::report::{Plot, Series};
use crate::system::{System, Vec3};
use com::ComObserver;
use msd::MsdObserver;
use neck::NeckObserver;
use rdf::RdfObserver;
use shape::ShapeObserver;
use structure::StructureObserver;
use tracked::TrackedObserver;

/// An analysis to run during a stage, as written in the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ObserverSpec {
    /// Centre of mass of the whole system and of each group, and their displacements
    /// (`com.csv`).
    CentreOfMass {
        /// Interval [steps].
        every: u64,
        /// Groups (default: every group of the system).
        #[serde(default)]
        groups: Option<Vec<String>>,
    },
    /// Radius of gyration of the system and of each group, and the distance between the centres of
    /// mass of the two particles, when the system has both groups: shrinkage (`shape.csv`).
    Shape {
        /// Interval [steps].
        every: u64,
        /// Groups (default: every group of the system).
        #[serde(default)]
        groups: Option<Vec<String>>,
        /// The two particles' groups (default `("particle1", "particle2")`).
        #[serde(default = "default_particles")]
        particles: (String, String),
    },
    /// The neck between two particles (`neck.csv`; see `analysis::neck` for definitions).
    Neck {
        /// Interval [steps].
        every: u64,
        /// The two particle groups.
        #[serde(default = "default_particles")]
        particles: (String, String),
        /// Bridging atoms needed to call the neck formed.
        #[serde(default = "one")]
        min_bridging: usize,
    },
    /// g(r), total and per species pair, averaged over the frames of a window (`rdf.csv`).
    Rdf {
        /// Interval between frames [steps].
        every: u64,
        /// Largest distance [A].
        #[serde(default = "default_rdf_cutoff")]
        cutoff: f64,
        /// Number of bins.
        #[serde(default = "default_bins")]
        bins: usize,
        /// Stage steps (first, last) of the averaging window (default: the whole stage).
        #[serde(default)]
        window: Option<(u64, u64)>,
        /// Density g(r) is normalised by: Auto (default), Box, Material or FiniteSphere (see
        /// `analysis::rdf`).
        #[serde(default)]
        normalization: RdfNormalization,
    },
    /// Positions of chosen atoms (by id) over time, unwrapped (`tracked.csv`).
    TrackedAtoms {
        /// Interval [steps].
        every: u64,
        /// Atom ids.
        ids: Vec<u64>,
    },
    /// Mean-square displacement of surface and interior atoms (`msd.csv`).
    Msd {
        /// Interval [steps].
        every: u64,
        /// Atoms with fewer bonded neighbours than this at the stage start are surface atoms.
        #[serde(default = "default_bulk_coordination")]
        bulk_coordination: u32,
    },
    /// Mean coordination and adaptive-CNA fractions (fcc/hcp/bcc/ico/other) (`structure.csv`).
    Structure {
        /// Interval [steps].
        every: u64,
    },
}

fn default_particles() -> (String, String) {
    ("particle1".into(), "particle2".into())
}
fn one() -> usize {
    1
}
fn default_rdf_cutoff() -> f64 {
    8.0
}
fn default_bins() -> usize {
    200
}
fn default_bulk_coordination() -> u32 {
    11
}

impl ObserverSpec {
    /// Checks the settings against a stage of `steps` steps before anything is written: the
    /// interval, and that an Rdf window selects at least one observed frame.
    pub fn check(&self, steps: u64) -> Result<()> {
        let every = match self {
            ObserverSpec::CentreOfMass { every, .. }
            | ObserverSpec::Shape { every, .. }
            | ObserverSpec::Neck { every, .. }
            | ObserverSpec::Rdf { every, .. }
            | ObserverSpec::TrackedAtoms { every, .. }
            | ObserverSpec::Msd { every, .. }
            | ObserverSpec::Structure { every } => *every,
        };
        if every == 0 {
            return Err(Error::invalid(
                "observer interval `every` must be at least 1",
            ));
        }
        if let ObserverSpec::Rdf {
            window: Some((from, to)),
            cutoff,
            bins,
            ..
        } = self
        {
            if !(*cutoff > 0.0 && cutoff.is_finite()) || *bins == 0 || *bins > 1_000_000 {
                return Err(Error::invalid(
                    "Rdf: cutoff must be positive and finite, bins between 1 and 1000000",
                ));
            }
            // Frames are observed at stage step 0, every `every` steps and at the last step.
            let next = from.div_ceil(every).saturating_mul(every);
            let selected = from <= to
                && (*from == 0 || (next <= *to && next <= steps) || (*from..=*to).contains(&steps));
            if !selected {
                return Err(Error::invalid(format!(
                    "Rdf: window ({from}, {to}) selects no frame of a stage of {steps} steps \
                     observed every {every} steps (the window is (first, last) stage step, \
                     first <= last)"
                )));
            }
        }
        Ok(())
    }

    /// Checks that the groups the observer names exist in `system` (the system its stage will
    /// start from), so that a misspelt group is reported before the output folder is touched.
    pub fn check_groups(&self, system: &System) -> Result<()> {
        match self {
            ObserverSpec::CentreOfMass { groups, .. } | ObserverSpec::Shape { groups, .. } => {
                resolve_groups(system, groups).map(drop)
            }
            ObserverSpec::Neck { particles, .. } => resolve_groups(
                system,
                &Some(vec![particles.0.clone(), particles.1.clone()]),
            )
            .map(drop),
            ObserverSpec::Rdf { .. }
            | ObserverSpec::TrackedAtoms { .. }
            | ObserverSpec::Msd { .. }
            | ObserverSpec::Structure { .. } => Ok(()),
        }
    }

    /// Creates the observer, writing files named `prefix` + its file name into `dir`.
    pub fn build(&self, system: &System, dir: &Path, prefix: &str) -> Result<Box<dyn Observer>> {
        let path = |name: &str| dir.join(format!("{prefix}{name}"));
        let check_every = every_trigger;
        Ok(match self {
            ObserverSpec::CentreOfMass { every, groups } => Box::new(ComObserver::new(
                system,
                check_every(*every)?,
                resolve_groups(system, groups)?,
                path("com"),
            )?),
            ObserverSpec::Shape {
                every,
                groups,
                particles,
            } => Box::new(shape_observer(
                system,
                *every,
                groups,
                particles,
                path("shape"),
            )?),
            ObserverSpec::Neck {
                every,
                particles,
                min_bridging,
            } => Box::new(NeckObserver::new(
                system,
                check_every(*every)?,
                (particles.0.clone(), particles.1.clone()),
                *min_bridging,
                path("neck"),
            )?),
            ObserverSpec::Rdf {
                every,
                cutoff,
                bins,
                window,
                normalization,
            } => {
                if !(*cutoff > 0.0) || *bins == 0 {
                    return Err(Error::invalid(
                        "Rdf: cutoff must be positive and bins at least 1",
                    ));
                }
                Box::new(RdfObserver {
                    trigger: check_every(*every)?,
                    window: *window,
                    normalization: *normalization,
                    accumulator: RdfAccumulator::new(*cutoff, *bins, system.species.len()),
                    names: system.species.names.clone(),
                    stem: path("rdf"),
                })
            }
            ObserverSpec::TrackedAtoms { every, ids } => Box::new(TrackedObserver::new(
                system,
                check_every(*every)?,
                ids,
                path("tracked"),
            )?),
            ObserverSpec::Msd {
                every,
                bulk_coordination,
            } => Box::new(MsdObserver::new(
                system,
                check_every(*every)?,
                *bulk_coordination,
                path("msd"),
            )?),
            ObserverSpec::Structure { every } => Box::new(StructureObserver::new(
                system,
                check_every(*every)?,
                path("structure"),
            )?),
        })
    }
}

/// The trigger of an observer run every `every` steps (at least 1).
fn every_trigger(every: u64) -> Result<Trigger> {
    if every == 0 {
        Err(Error::invalid(
            "observer interval `every` must be at least 1",
        ))
    } else {
        Ok(Trigger::Every(every))
    }
}

/// The shape observer of `groups` every `every` steps, writing `stem`; with the pair's two
/// particle groups where `particles` names existing groups.
fn shape_observer(
    system: &System,
    every: u64,
    groups: &Option<Vec<String>>,
    particles: &(String, String),
    stem: PathBuf,
) -> Result<ShapeObserver> {
    let pair = resolve_groups(
        system,
        &Some(vec![particles.0.clone(), particles.1.clone()]),
    )
    .ok()
    .map(|mut g| (g.remove(0), g.remove(0)));
    ShapeObserver::new(
        every_trigger(every)?,
        resolve_groups(system, groups)?,
        pair,
        stem,
    )
}

/// Rebuilds a saved analysis observer, its files open again in `dir` (see
/// [`SavedObserver::restore`]).
pub(super) fn restore(saved: &SavedObserver, dir: &Path) -> Result<Box<dyn Observer>> {
    match saved.kind {
        ObserverKind::CentreOfMass => saved.reopened::<ComObserver>(dir),
        ObserverKind::Shape => saved.reopened::<ShapeObserver>(dir),
        ObserverKind::Neck => saved.reopened::<NeckObserver>(dir),
        ObserverKind::Rdf => saved.reopened::<RdfObserver>(dir),
        ObserverKind::TrackedAtoms => saved.reopened::<TrackedObserver>(dir),
        ObserverKind::Msd => saved.reopened::<MsdObserver>(dir),
        ObserverKind::Structure => saved.reopened::<StructureObserver>(dir),
        ObserverKind::Thermo | ObserverKind::Trajectory => Err(Error::invalid(format!(
            "{:?} is not an analysis observer",
            saved.kind
        ))),
    }
}

/// The named groups, or all groups of the system when None; errors name a missing group.
fn resolve_groups(
    system: &System,
    groups: &Option<Vec<String>>,
) -> Result<Vec<(String, Vec<u32>)>> {
    match groups {
        None => Ok(system
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                system
                    .groups
                    .get(n)
                    .map(|g| (n.clone(), g.clone()))
                    .ok_or_else(|| {
                        let known: Vec<&str> = system.groups.keys().map(String::as_str).collect();
                        Error::invalid(format!(
                            "unknown group {n} (groups: {})",
                            if known.is_empty() {
                                "none".into()
                            } else {
                                known.join(", ")
                            }
                        ))
                    })
            })
            .collect(),
    }
}

fn file_stem(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn csv_path(stem: &Path) -> PathBuf {
    stem.with_extension("csv")
}

/// Writes `plot` to `stem` and returns its figure entry.
fn figure(plot: Plot, stem: PathBuf, caption: String) -> Result<Figure> {
    plot.write(&stem)?;
    Ok(Figure {
        png: stem.with_extension("png"),
        caption,
    })
}
