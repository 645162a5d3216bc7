//! Observers that run the [`crate::analysis`] functions during a stage and write one CSV each
//! (units in the header) plus figures for the report. File names start with the stage's prefix.

mod com;
mod gap;
mod msd;
mod neck;
mod phase;
mod rdf;
mod shape;
mod structure;
mod tracked;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::append::rebase;
use super::csv::{CsvFile, write_csv};
use super::pressure_is_defined;
use super::{Figure, Frame, Note, Observer, ObserverKind, Reopen, SavedObserver, Trigger};
use crate::analysis::PairView;
use crate::analysis::cna::{Structure, structure_counts};
use crate::analysis::com::{centre_of_mass, radius_of_gyration};
use crate::analysis::coordination::{coordination_numbers, median_nearest_neighbor_distance};
use crate::analysis::msd::MsdTracker;
use crate::analysis::neck::{NeckGeometry, measure_neck};
use crate::analysis::phase::{
    LINDEMANN_MOLTEN, LINDEMANN_SOLID, LindemannTracker, ParticlePhase, shell_order,
};
use crate::analysis::rdf::{RdfAccumulator, RdfNormalization};
use crate::analysis::shells::{particle_groups, particle_shells};
use crate::error::{Error, Result};
use crate::report::{Plot, Series};
use crate::system::{System, Vec3};
use com::ComObserver;
use gap::GapObserver;
use msd::MsdObserver;
use neck::NeckObserver;
use phase::PhaseObserver;
use rdf::RdfObserver;
use shape::{NamedGroup, ShapeObserver};
use structure::StructureObserver;
use tracked::TrackedObserver;

/// An analysis to run during a stage, as written in the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ObserverSpec {
    /// Centre of mass of the whole system and of each group, and their displacements
    /// (`com.csv`); when the system has both particles' groups, also the signed displacements
    /// along the contact axis (the line between the particles' centres at the stage start) and
    /// the change of the centre distance.
    CentreOfMass {
        /// Interval [steps].
        every: u64,
        /// Groups (default: every group of the system).
        #[serde(default)]
        groups: Option<Vec<String>>,
        /// The two particles' groups (default `("particle1", "particle2")`).
        #[serde(default = "default_particles")]
        particles: (String, String),
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
        /// How long a bridge must last to be the neck's onset [ps] (default 1).
        #[serde(default = "default_persistence")]
        persistence: f64,
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
    /// The gap between the particles' facing facets (see `analysis::gap`): atoms per layer
    /// above each facet and in the gap and the neck (`gap.csv`), the adatoms followed and their
    /// fates (`gap_adatoms.csv`), and side views of the gap region (`gap_snapshot_*.png`). The
    /// facets' groups are those a pair assembly makes.
    Gap {
        /// Interval [steps].
        every: u64,
        /// The two particle groups.
        #[serde(default = "default_particles")]
        particles: (String, String),
        /// The groups of the facing facets' outermost layers.
        #[serde(default = "default_facets")]
        facets: (String, String),
        /// Layers counted above each facet (default 3).
        #[serde(default = "default_layers")]
        layers: usize,
        /// Stage times of the snapshots [ps], each taken at the first observation at or after
        /// it (default: the start, the first bridge across the gap and the end).
        #[serde(default)]
        snapshots: Option<Vec<f64>>,
    },
    /// Positions of chosen atoms (by id) over time, unwrapped (`tracked.csv`).
    TrackedAtoms {
        /// Interval [steps].
        every: u64,
        /// Atom ids.
        ids: Vec<u64>,
    },
    /// Mean-square displacement of surface-shell and interior atoms, each particle's
    /// centre-of-mass motion removed (`msd.csv`; see `analysis::msd`).
    Msd {
        /// Interval [steps].
        every: u64,
        /// No longer used: the interior is geometric now (see `analysis::shells`). Given, it is
        /// an error that says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bulk_coordination: Option<u32>,
    },
    /// Mean coordination and adaptive-CNA fractions (fcc/hcp/bcc/ico/other) (`structure.csv`).
    Structure {
        /// Interval [steps].
        every: u64,
    },
    /// Phase check of each particle: crystalline fractions of its interior and surface shell,
    /// Lindemann indices, and the verdict (crystalline, premelted surface, partly crystalline,
    /// molten) at the stage's end (`phase.csv`; see `analysis::phase`). Added to every MD stage
    /// of a particle study that does not list it (see [`ObserverSpec::default_phase`]).
    Phase {
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
fn default_persistence() -> f64 {
    1.0
}
fn default_facets() -> (String, String) {
    ("facet1".into(), "facet2".into())
}
fn default_layers() -> usize {
    3
}
fn default_rdf_cutoff() -> f64 {
    8.0
}
fn default_bins() -> usize {
    200
}
/// Observations the default phase check makes in a stage without a `Structure` analysis.
const PHASE_OBSERVATIONS: u64 = 10;

impl ObserverSpec {
    /// Checks the settings against a stage of `steps` steps before anything is written: the
    /// interval, and that an Rdf window selects at least one observed frame.
    pub fn check(&self, steps: u64) -> Result<()> {
        let every = match self {
            ObserverSpec::CentreOfMass { every, .. }
            | ObserverSpec::Shape { every, .. }
            | ObserverSpec::Neck { every, .. }
            | ObserverSpec::Gap { every, .. }
            | ObserverSpec::Rdf { every, .. }
            | ObserverSpec::TrackedAtoms { every, .. }
            | ObserverSpec::Msd { every, .. }
            | ObserverSpec::Structure { every }
            | ObserverSpec::Phase { every } => *every,
        };
        if every == 0 {
            return Err(Error::invalid(
                "observer interval `every` must be at least 1",
            ));
        }
        match self {
            ObserverSpec::Neck { persistence, .. }
                if !(*persistence >= 0.0 && persistence.is_finite()) =>
            {
                return Err(Error::invalid(format!(
                    "Neck: persistence {persistence} ps must be zero or positive"
                )));
            }
            ObserverSpec::Gap { layers, .. } if *layers == 0 || *layers > 50 => {
                return Err(Error::invalid(format!(
                    "Gap: layers {layers} must be between 1 and 50"
                )));
            }
            ObserverSpec::Gap {
                snapshots: Some(t), ..
            } if t.iter().any(|t| !(t.is_finite() && *t >= 0.0)) => {
                return Err(Error::invalid(
                    "Gap: snapshot times must be zero or positive [ps]",
                ));
            }
            _ => {}
        }
        if let ObserverSpec::Msd {
            bulk_coordination: Some(_),
            ..
        } = self
        {
            return Err(Error::invalid(
                "Msd: bulk_coordination is no longer used: the interior is now the atoms deeper than \
                 2 nearest-neighbour distances below their particle's hull (below its outer \
                 three atomic layers); remove bulk_coordination",
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
            ObserverSpec::Gap {
                particles, facets, ..
            } => gap_groups(system, particles, facets).map(drop),
            ObserverSpec::Rdf { .. }
            | ObserverSpec::TrackedAtoms { .. }
            | ObserverSpec::Msd { .. }
            | ObserverSpec::Structure { .. }
            | ObserverSpec::Phase { .. } => Ok(()),
        }
    }

    /// Creates the observer, writing files named `prefix` + its file name into `dir`.
    pub fn build(&self, system: &System, dir: &Path, prefix: &str) -> Result<Box<dyn Observer>> {
        let path = |name: &str| dir.join(format!("{prefix}{name}"));
        let check_every = every_trigger;
        Ok(match self {
            ObserverSpec::CentreOfMass {
                every,
                groups,
                particles,
            } => Box::new(ComObserver::new(
                system,
                check_every(*every)?,
                resolve_groups(system, groups)?,
                resolve_pair(system, particles),
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
                persistence,
            } => Box::new(NeckObserver::new(
                system,
                check_every(*every)?,
                (particles.0.clone(), particles.1.clone()),
                (*min_bridging, *persistence),
                path("neck"),
            )?),
            ObserverSpec::Gap {
                every,
                particles,
                facets,
                layers,
                snapshots,
            } => Box::new(GapObserver::new(
                system,
                check_every(*every)?,
                gap_groups(system, particles, facets)?,
                *layers,
                snapshots.clone(),
                path("gap"),
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
            ObserverSpec::Msd { every, .. } => {
                Box::new(MsdObserver::new(system, check_every(*every)?, path("msd"))?)
            }
            ObserverSpec::Structure { every } => Box::new(StructureObserver::new(
                system,
                check_every(*every)?,
                path("structure"),
            )?),
            ObserverSpec::Phase { every } => Box::new(PhaseObserver::new(
                system,
                check_every(*every)?,
                path("phase"),
            )?),
        })
    }

    /// The phase check a particle-study stage of `steps` steps with `observers` gets when it
    /// lists none: observed with its `Structure` analysis (at the smallest interval, if several),
    /// so that the two share each frame's CNA; without one, [`PHASE_OBSERVATIONS`] times in the
    /// stage. None when the stage lists a `Phase` already.
    pub fn default_phase(steps: u64, observers: &[ObserverSpec]) -> Option<ObserverSpec> {
        if observers
            .iter()
            .any(|o| matches!(o, ObserverSpec::Phase { .. }))
        {
            return None;
        }
        let every = observers
            .iter()
            .filter_map(|o| match o {
                ObserverSpec::Structure { every } => Some(*every),
                _ => None,
            })
            .min()
            .unwrap_or((steps / PHASE_OBSERVATIONS).max(1));
        Some(ObserverSpec::Phase { every })
    }
}

/// The atoms of two groups each: a pair's particles, or their facets.
type GroupPair = [Vec<u32>; 2];

/// The particle and facet groups of a `Gap` analysis; a missing facet group is reported with
/// where such groups come from.
fn gap_groups(
    system: &System,
    particles: &(String, String),
    facets: &(String, String),
) -> Result<(GroupPair, GroupPair)> {
    let pair = |names: &(String, String)| {
        resolve_groups(system, &Some(vec![names.0.clone(), names.1.clone()]))
            .map(|mut g| [std::mem::take(&mut g[0].1), std::mem::take(&mut g[1].1)])
    };
    let p = pair(particles)?;
    let f = pair(facets).map_err(|e| {
        Error::invalid(format!(
            "Gap: {e}; the facet groups (facet1, facet2) are made when a pair is assembled \
             (structure: Build(Pair(...)))"
        ))
    })?;
    Ok((p, f))
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
    ShapeObserver::new(
        every_trigger(every)?,
        resolve_groups(system, groups)?,
        resolve_pair(system, particles),
        stem,
    )
}

/// The two particle groups named by `particles`, when `system` has both.
fn resolve_pair(system: &System, particles: &(String, String)) -> Option<(NamedGroup, NamedGroup)> {
    resolve_groups(
        system,
        &Some(vec![particles.0.clone(), particles.1.clone()]),
    )
    .ok()
    .map(|mut g| (g.remove(0), g.remove(0)))
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
        ObserverKind::Phase => saved.reopened::<PhaseObserver>(dir),
        ObserverKind::Gap => saved.reopened::<GapObserver>(dir),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::phase::{Phase, Surface};
    use crate::md::{SimulationState, ThermoSample};
    use crate::potential::ForceOutput;
    use crate::structure::{CubicLattice, block_sites};
    use crate::system::{SimBox, SpeciesTable};

    /// Runs the observer of `spec` (files in `dir`) over `frames`, one step apart, and finishes it.
    fn observe(spec: &ObserverSpec, frames: &[System], dir: &Path) -> Box<dyn Observer> {
        observe_all(spec, frames, dir).0
    }

    /// [`observe`], with the figures the observer's `finish` returned.
    fn observe_all(
        spec: &ObserverSpec,
        frames: &[System],
        dir: &Path,
    ) -> (Box<dyn Observer>, Vec<Figure>) {
        let mut observer = spec.build(&frames[0], dir, "t_").unwrap();
        for (k, system) in frames.iter().enumerate() {
            let mut state = SimulationState::new(system.clone(), 1);
            state.step = k as u64;
            state.time = 0.1 * k as f64;
            let forces = ForceOutput::default();
            let thermo = ThermoSample::measure(system, &forces, state.step, state.time);
            let frame = Frame {
                state: &state,
                forces: &forces,
                thermo: &thermo,
                shared: Default::default(),
            };
            observer.observe(&frame).unwrap();
        }
        let figures = observer.finish().unwrap();
        (observer, figures)
    }

    /// A ball of fcc sites (a = 3.92 A, radius `radius` A, Pt) about `centre`, each shaken by
    /// up to `shake` A along a direction fixed by `seed`.
    fn ball(centre: Vec3, radius: f64, shake: f64, seed: f64) -> Vec<Vec3> {
        let cells = (2.0 * radius / 3.92).ceil() as usize + 1;
        let half = Vec3::repeat(cells as f64 * 3.92 / 2.0);
        block_sites(CubicLattice::Fcc, 3.92, [cells; 3])
            .into_iter()
            .map(|x| x - half)
            .filter(|x| x.norm() <= radius)
            .enumerate()
            .map(|(k, x)| {
                let t = k as f64 + seed;
                let jitter = Vec3::new((t * 0.7).sin(), (t * 1.3).cos(), (t * 2.9 + seed).sin());
                centre + x + shake * jitter
            })
            .collect()
    }

    /// A system of particles (each its group `particle<k>`) in a free box.
    fn particles(parts: &[Vec<Vec3>]) -> System {
        let b = SimBox::new([-60.0; 3], [60.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Pt"]).unwrap());
        for (p, atoms) in parts.iter().enumerate() {
            let first = s.len() as u32;
            for x in atoms {
                s.push(s.len() as u64 + 1, 0, *x, Vec3::zeros());
            }
            s.groups.insert(
                format!("particle{}", p + 1),
                (first..s.len() as u32).collect(),
            );
        }
        s
    }

    fn column(csv: &str, name: &str) -> Vec<f64> {
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let k = header.iter().position(|h| *h == name).unwrap();
        lines
            .map(|l| l.split(',').nth(k).unwrap().parse().unwrap_or(f64::NAN))
            .collect()
    }

    #[test]
    fn a_crystal_is_crystalline_and_a_shaken_one_molten() {
        let dir = tempfile::tempdir().unwrap();
        let spec = ObserverSpec::Phase { every: 1 };
        let crystal = particles(&[ball(Vec3::zeros(), 14.0, 0.0, 0.0)]);
        let phases = observe(&spec, &[crystal.clone(), crystal], dir.path()).phases();
        assert_eq!(phases.len(), 1);
        let p = &phases[0];
        assert_eq!(p.phase, Phase::Crystalline, "{}", p.describe());
        assert_eq!(p.surface, Some(Surface::Ordered), "{}", p.describe());
        assert_eq!(p.interior_crystalline_fraction, Some(1.0));
        assert_eq!(p.lindemann_interior, Some(0.0));
        assert!(p.interior_atoms > 100 && p.surface_atoms > p.interior_atoms);
        // Every atom shaken by up to 0.9 A, differently in each frame: no local order left,
        // atoms displaced by a third of their distance.
        let frames: Vec<System> = (0..3)
            .map(|k| particles(&[ball(Vec3::zeros(), 14.0, 0.9, 17.0 * k as f64)]))
            .collect();
        let phases = observe(&spec, &frames, dir.path()).phases();
        let p = &phases[0];
        assert_eq!(p.phase, Phase::Molten, "{}", p.describe());
        assert!(
            p.interior_crystalline_fraction.unwrap() < 0.2,
            "{}",
            p.describe()
        );
        assert!(p.lindemann_interior.unwrap() > 0.15, "{}", p.describe());
        let csv = std::fs::read_to_string(dir.path().join("t_phase.csv")).unwrap();
        assert_eq!(column(&csv, "particle1_interior_crystalline").len(), 3);
        assert!(dir.path().join("t_phase.png").exists());
        assert!(dir.path().join("t_phase_lindemann.png").exists());
    }

    #[test]
    fn approaching_particles_move_in_opposite_directions_along_the_contact_axis() {
        let dir = tempfile::tempdir().unwrap();
        let axis = Vec3::new(1.0, 2.0, 2.0) / 3.0;
        let (a, b) = (
            ball(Vec3::zeros(), 6.0, 0.0, 0.0),
            ball(20.0 * axis, 6.0, 0.0, 0.0),
        );
        let shift = |atoms: &[Vec3], by: Vec3| atoms.iter().map(|x| x + by).collect::<Vec<_>>();
        // Particle 1 moves 0.6 A towards particle 2 (and 0.4 A sideways), particle 2 0.6 A back.
        let side = Vec3::new(2.0, -1.0, 0.0).normalize() * 0.4;
        let frames = [
            particles(&[a.clone(), b.clone()]),
            particles(&[shift(&a, 0.6 * axis + side), shift(&b, -0.6 * axis)]),
        ];
        let spec = ObserverSpec::CentreOfMass {
            every: 1,
            groups: None,
            particles: default_particles(),
        };
        observe(&spec, &frames, dir.path());
        let csv = std::fs::read_to_string(dir.path().join("t_com.csv")).unwrap();
        let along1 = column(&csv, "particle1_along_axis[A]");
        let along2 = column(&csv, "particle2_along_axis[A]");
        let all = column(&csv, "all_along_axis[A]");
        let change = column(&csv, "centre_distance_change[A]");
        assert_eq!((along1[0], along2[0], change[0]), (0.0, 0.0, 0.0));
        assert!((along1[1] - 0.6).abs() < 1e-9, "{along1:?}");
        assert!((along2[1] + 0.6).abs() < 1e-9, "{along2:?}");
        assert!(all[1].abs() < 1e-9, "{all:?}");
        let d = (20.0 * axis - 1.2 * axis - side).norm() - 20.0;
        assert!((change[1] - d).abs() < 1e-9, "{change:?}");
        // The old columns stay, magnitudes included.
        let magnitude = column(&csv, "particle1_displacement[A]");
        assert!((magnitude[1] - (0.6f64.powi(2) + 0.4f64.powi(2)).sqrt()).abs() < 1e-9);
        assert!(dir.path().join("t_com.png").exists());
    }

    /// Two fcc (100) slabs of 6 x 6 cells and six planes, facing across 10 A between their
    /// outermost planes (particle 1 below, its top plane at z = `TOP`), with their facet groups.
    fn facing_slabs() -> System {
        let sites: Vec<Vec3> = block_sites(CubicLattice::Fcc, 3.92, [6, 6, 3]);
        let mirrored: Vec<Vec3> = sites
            .iter()
            .map(|x| Vec3::new(x.x, x.y, 2.0 * TOP + 10.0 - x.z))
            .collect();
        let mut s = particles(&[sites.clone(), mirrored]);
        let top = |offset: usize| {
            (0..sites.len())
                .filter(|&k| (sites[k].z - TOP).abs() < 1e-9)
                .map(|k| (k + offset) as u32)
                .collect::<Vec<u32>>()
        };
        s.groups.insert("facet1".into(), top(0));
        s.groups.insert("facet2".into(), top(sites.len()));
        s
    }
    const TOP: f64 = 5.0 * 3.92 / 2.0;

    #[test]
    fn the_gap_analysis_follows_adatoms_to_their_fates_and_the_neck_onset_is_classified() {
        let dir = tempfile::tempdir().unwrap();
        let base = facing_slabs();
        let n1 = base.groups["particle1"].len();
        // Atoms of the bottom plane of particle 1 (a, b, c, e) and of particle 2's back plane (d)
        // moved into place; d = 1.96 A (one spacing) below facet 2, c between d and e.
        let bottom: Vec<usize> = (0..n1).filter(|&i| base.positions[i].z < 1e-9).collect();
        let (a, b, c, e) = (bottom[0], bottom[1], bottom[2], bottom[3]);
        let d = (n1..base.len())
            .find(|&i| base.positions[i].z > 2.0 * TOP + 10.0 - 1e-9)
            .unwrap();
        let at = |s: &mut System, i: usize, x: f64, y: f64, h: f64| {
            s.positions[i] = Vec3::new(x, y, TOP + h)
        };
        let mut f0 = base.clone();
        at(&mut f0, a, 2.0, 2.0, 1.96);
        at(&mut f0, b, 20.0, 2.0, 1.96);
        let mut f1 = f0.clone();
        at(&mut f1, a, 2.0, 2.0, 3.92);
        let mut f2 = f0.clone();
        at(&mut f2, e, 12.0, 12.0, 1.96);
        at(&mut f2, c, 12.0, 12.0, 5.2);
        at(&mut f2, d, 12.0, 12.0, 10.0 - 1.96);
        let frames = [f0, f1, f2];
        let spec = ObserverSpec::Gap {
            every: 1,
            particles: default_particles(),
            facets: default_facets(),
            layers: 3,
            snapshots: None,
        };
        let (observer, figures) = observe_all(&spec, &frames, dir.path());
        let value = |notes: &[Note], key: &str| notes.iter().find(|n| n.key == key).unwrap().value;
        let notes = observer.notes();
        assert_eq!(value(&notes, "adatoms_followed"), Some(4.0));
        assert_eq!(value(&notes, "adatoms_stay_on_facet"), Some(1.0));
        assert_eq!(value(&notes, "adatoms_cross_into_gap"), Some(0.0));
        assert_eq!(value(&notes, "adatoms_join_neck"), Some(2.0));
        assert_eq!(value(&notes, "adatoms_return"), Some(1.0));
        let csv = std::fs::read_to_string(dir.path().join("t_gap.csv")).unwrap();
        assert_eq!(column(&csv, "facet1_layer1"), [2.0, 1.0, 3.0]);
        assert_eq!(column(&csv, "facet1_layer2"), [0.0, 1.0, 0.0]);
        assert_eq!(column(&csv, "facet2_layer1"), [0.0, 0.0, 1.0]);
        assert_eq!(column(&csv, "facet2_layer2"), [0.0, 0.0, 1.0]);
        assert_eq!(column(&csv, "gap_atoms"), [0.0, 1.0, 0.0]);
        assert_eq!(column(&csv, "neck_atoms"), [0.0, 0.0, 2.0]);
        let fates = std::fs::read_to_string(dir.path().join("t_gap_adatoms.csv")).unwrap();
        let fate_of = |i: usize| {
            let id = frames[0].ids[i].to_string();
            let row = fates
                .lines()
                .find(|l| l.starts_with(&format!("{id},")))
                .unwrap();
            row.split(',').nth(4).unwrap().to_string()
        };
        assert_eq!(fate_of(a), "returns");
        assert_eq!(fate_of(b), "stays_on_facet");
        assert_eq!(fate_of(c), "joins_neck");
        assert_eq!(fate_of(d), "joins_neck");
        // Snapshots: the start, the first bridge, the end (the same frame as the bridge).
        let snapshots = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|f| {
                let name = f.as_ref().unwrap().file_name().into_string().unwrap();
                name.starts_with("t_gap_snapshot_") && name.ends_with(".png")
            })
            .count();
        assert_eq!(
            snapshots, 2,
            "the bridge's and the end's snapshot share a file"
        );
        assert_eq!(
            figures
                .iter()
                .filter(|f| f.png.to_string_lossy().contains("snapshot"))
                .count(),
            2
        );
        assert!(dir.path().join("t_gap_adatoms.png").exists());

        // The bridge's atoms came from the bottom of their particles: diffusion. With a bridge
        // seen once, a persistence of 0 makes it the onset, of 0.25 ps (> 1 frame) not.
        let neck = |persistence: f64| ObserverSpec::Neck {
            every: 1,
            particles: default_particles(),
            min_bridging: 1,
            persistence,
        };
        let notes = observe(&neck(0.0), &frames, dir.path()).notes();
        assert_eq!(value(&notes, "neck_onset_ps"), Some(0.2));
        assert_eq!(value(&notes, "neck_onset_by_diffusion"), Some(1.0));
        let notes = observe(&neck(0.25), &frames, dir.path()).notes();
        assert_eq!(value(&notes, "neck_formed_ps"), Some(0.2));
        assert_eq!(value(&notes, "neck_onset_ps"), None);
        // Particle 2 moved whole until the facets are 3 A apart: capture, the centres 7 A closer.
        let mut closer = base.clone();
        let n = closer.len();
        (n1..n).for_each(|i| closer.positions[i].z -= 7.0);
        let notes = observe(&neck(0.0), &[base.clone(), closer], dir.path()).notes();
        assert_eq!(value(&notes, "neck_onset_ps"), Some(0.1));
        assert_eq!(value(&notes, "neck_onset_by_diffusion"), Some(0.0));
        let before = value(&notes, "centre_distance_change_before_onset_A").unwrap();
        assert!((before + 7.0).abs() < 1e-9, "{before}");
    }

    #[test]
    fn the_default_phase_check_follows_the_structure_analysis() {
        let structure = |every| ObserverSpec::Structure { every };
        assert_eq!(
            ObserverSpec::default_phase(1500, &[structure(500), structure(250)]),
            Some(ObserverSpec::Phase { every: 250 })
        );
        assert_eq!(
            ObserverSpec::default_phase(1500, &[]),
            Some(ObserverSpec::Phase { every: 150 })
        );
        assert_eq!(
            ObserverSpec::default_phase(5, &[]),
            Some(ObserverSpec::Phase { every: 1 })
        );
        assert_eq!(
            ObserverSpec::default_phase(100, &[ObserverSpec::Phase { every: 7 }]),
            None
        );
    }
}
