//! Observers that run the [`crate::analysis`] functions during a stage and write one CSV each
//! (units in the header) plus figures for the report. File names start with the stage's prefix.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::csv::CsvFile;
use super::{Figure, Frame, Note, Observer, Trigger};
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
    /// the first two groups: shrinkage (`shape.csv`).
    Shape {
        /// Interval [steps].
        every: u64,
        /// Groups (default: every group of the system).
        #[serde(default)]
        groups: Option<Vec<String>>,
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
    /// Creates the observer, writing files named `prefix` + its file name into `dir`.
    pub fn build(&self, system: &System, dir: &Path, prefix: &str) -> Result<Box<dyn Observer>> {
        let path = |name: &str| dir.join(format!("{prefix}{name}"));
        let check_every = |every: u64| {
            if every == 0 {
                Err(Error::invalid(
                    "observer interval `every` must be at least 1",
                ))
            } else {
                Ok(Trigger::Every(every))
            }
        };
        Ok(match self {
            ObserverSpec::CentreOfMass { every, groups } => Box::new(ComObserver::new(
                system,
                check_every(*every)?,
                resolve_groups(system, groups)?,
                path("com"),
            )?),
            ObserverSpec::Shape { every, groups } => Box::new(ShapeObserver::new(
                check_every(*every)?,
                resolve_groups(system, groups)?,
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

struct ComObserver {
    trigger: Trigger,
    groups: Vec<(String, Vec<u32>)>,
    origin: Vec<Vec3>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    displacement: Vec<Vec<f64>>,
}

impl ComObserver {
    fn new(
        system: &System,
        trigger: Trigger,
        groups: Vec<(String, Vec<u32>)>,
        stem: PathBuf,
    ) -> Result<Self> {
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        for name in std::iter::once("all").chain(groups.iter().map(|g| g.0.as_str())) {
            for c in ["x", "y", "z", "dx", "dy", "dz", "displacement"] {
                header.push(format!("{name}_{c}[A]"));
            }
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut origin = vec![centre_of_mass(system, None)];
        origin.extend(groups.iter().map(|g| centre_of_mass(system, Some(&g.1))));
        let n = origin.len();
        Ok(ComObserver {
            trigger,
            groups,
            origin,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            displacement: vec![Vec::new(); n],
        })
    }
}

impl Observer for ComObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        let mut centres = vec![centre_of_mass(s, None)];
        centres.extend(self.groups.iter().map(|g| centre_of_mass(s, Some(&g.1))));
        for (k, (c, o)) in centres.iter().zip(&self.origin).enumerate() {
            let d = c - o;
            row.extend([c.x, c.y, c.z, d.x, d.y, d.z, d.norm()]);
            self.displacement[k].push(d.norm());
        }
        self.time.push(frame.state.time);
        self.csv.record(frame.state.step, &row)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut plot = Plot::new(
            "Centre-of-mass displacement",
            "time [ps]",
            "displacement [Å]",
        );
        for (k, name) in std::iter::once("whole system")
            .chain(self.groups.iter().map(|g| g.0.as_str()))
            .enumerate()
        {
            plot = plot.with(Series::line(
                name,
                self.time.clone(),
                self.displacement[k].clone(),
            ));
        }
        let caption = format!(
            "Displacement of the centre of mass of the whole system and of each group ({}).",
            file_stem(self.csv.path())
        );
        Ok(vec![figure(plot, self.stem.clone(), caption)?])
    }
}

struct ShapeObserver {
    trigger: Trigger,
    groups: Vec<(String, Vec<u32>)>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    gyration: Vec<Vec<f64>>,
    centre_distance: Vec<f64>,
}

impl ShapeObserver {
    fn new(trigger: Trigger, groups: Vec<(String, Vec<u32>)>, stem: PathBuf) -> Result<Self> {
        let mut header = vec![
            "step".to_string(),
            "time[ps]".to_string(),
            "all_rg[A]".to_string(),
        ];
        header.extend(groups.iter().map(|g| format!("{}_rg[A]", g.0)));
        if groups.len() >= 2 {
            header.push(format!(
                "{}_{}_centre_distance[A]",
                groups[0].0, groups[1].0
            ));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let n = groups.len() + 1;
        Ok(ShapeObserver {
            trigger,
            groups,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            gyration: vec![Vec::new(); n],
            centre_distance: Vec::new(),
        })
    }
}

impl Observer for ShapeObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        let mut rg = vec![radius_of_gyration(s, None)];
        rg.extend(
            self.groups
                .iter()
                .map(|g| radius_of_gyration(s, Some(&g.1))),
        );
        for (k, v) in rg.iter().enumerate() {
            self.gyration[k].push(*v);
        }
        row.extend(rg);
        if self.groups.len() >= 2 {
            let d = (centre_of_mass(s, Some(&self.groups[1].1))
                - centre_of_mass(s, Some(&self.groups[0].1)))
            .norm();
            self.centre_distance.push(d);
            row.push(d);
        }
        self.time.push(frame.state.time);
        self.csv.record(frame.state.step, &row)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        let mut plot = Plot::new("Radius of gyration", "time [ps]", "Rg [Å]");
        for (k, name) in std::iter::once("whole system")
            .chain(self.groups.iter().map(|g| g.0.as_str()))
            .enumerate()
        {
            plot = plot.with(Series::line(
                name,
                self.time.clone(),
                self.gyration[k].clone(),
            ));
        }
        figures.push(figure(
            plot,
            self.stem
                .with_file_name(format!("{}_rg", file_stem(&self.stem))),
            "Radius of gyration of the system and of each group.".into(),
        )?);
        if !self.centre_distance.is_empty() {
            let plot = Plot::new(
                "Shrinkage: centre-to-centre distance",
                "time [ps]",
                "distance [Å]",
            )
            .with(Series::line(
                format!("{} to {}", self.groups[0].0, self.groups[1].0),
                self.time.clone(),
                self.centre_distance.clone(),
            ));
            figures.push(figure(
                plot,
                self.stem
                    .with_file_name(format!("{}_distance", file_stem(&self.stem))),
                "Distance between the centres of mass of the two particles.".into(),
            )?);
        }
        Ok(figures)
    }
}

struct NeckObserver {
    trigger: Trigger,
    names: (String, String),
    particles: (Vec<u32>, Vec<u32>),
    geometry: NeckGeometry,
    min_bridging: usize,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    radius: Vec<f64>,
    gap: Vec<f64>,
    bridging: Vec<f64>,
    formed_at: Option<f64>,
}

impl NeckObserver {
    fn new(
        system: &System,
        trigger: Trigger,
        names: (String, String),
        min_bridging: usize,
        stem: PathBuf,
    ) -> Result<Self> {
        let groups = resolve_groups(system, &Some(vec![names.0.clone(), names.1.clone()]))?;
        let geometry = NeckGeometry::from_structure(system)?;
        let header = [
            "step",
            "time[ps]",
            "centre_distance[A]",
            "neck_radius[A]",
            "neck_position[A]",
            "crossing_bonds",
            "neck_atoms",
            "min_gap[A]",
            "bridging_atoms",
            "neck_formed",
        ];
        Ok(NeckObserver {
            trigger,
            names,
            particles: (groups[0].1.clone(), groups[1].1.clone()),
            geometry,
            min_bridging: min_bridging.max(1),
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            radius: Vec::new(),
            gap: Vec::new(),
            bridging: Vec::new(),
            formed_at: None,
        })
    }
}

impl Observer for NeckObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let n = measure_neck(
            &frame.state.system,
            &self.particles.0,
            &self.particles.1,
            &self.geometry,
        )?;
        let t = frame.state.time;
        if self.formed_at.is_none() && n.bridging_atoms >= self.min_bridging {
            self.formed_at = Some(t);
        }
        self.time.push(t);
        self.radius.push(n.neck_radius);
        self.gap.push(n.min_gap);
        self.bridging.push(n.bridging_atoms as f64);
        self.csv.record(
            frame.state.step,
            &[
                t,
                n.centre_distance,
                n.neck_radius,
                n.neck_position,
                n.crossing_bonds as f64,
                n.neck_atoms as f64,
                n.min_gap,
                n.bridging_atoms as f64,
                self.formed_at.is_some() as u8 as f64,
            ],
        )
    }

    fn notes(&self) -> Vec<Note> {
        let text = match self.formed_at {
            Some(t) => format!(
                "neck between {} and {} formed at t = {t:.3} ps (first observation with at least {} atom(s) bonded to both)",
                self.names.0, self.names.1, self.min_bridging
            ),
            None => format!(
                "no neck formed between {} and {} during the stage",
                self.names.0, self.names.1
            ),
        };
        vec![Note {
            key: "neck_formed_ps",
            value: self.formed_at,
            text,
        }]
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let formed = match self.formed_at {
            Some(t) => format!(
                "neck formed at t = {t:.3} ps (first observation with at least {} bridging atom(s))",
                self.min_bridging
            ),
            None => "no neck formed during the stage".into(),
        };
        let mut figures = vec![];
        let plot = Plot::new(
            format!("Neck between {} and {}", self.names.0, self.names.1),
            "time [ps]",
            "length [Å]",
        )
        .with(Series::line(
            "neck radius",
            self.time.clone(),
            self.radius.clone(),
        ))
        .with(Series::line(
            "minimum gap",
            self.time.clone(),
            self.gap.clone(),
        ));
        figures.push(figure(
            plot,
            self.stem.clone(),
            format!("Neck radius and minimum gap between the particles; {formed}."),
        )?);
        let plot = Plot::new(
            "Atoms bonded to both particles",
            "time [ps]",
            "bridging atoms",
        )
        .with(Series::line(
            "bridging atoms",
            self.time.clone(),
            self.bridging.clone(),
        ));
        figures.push(figure(
            plot,
            self.stem
                .with_file_name(format!("{}_bridging", file_stem(&self.stem))),
            "Number of atoms bonded to atoms of both particles.".into(),
        )?);
        Ok(figures)
    }
}

struct RdfObserver {
    trigger: Trigger,
    window: Option<(u64, u64)>,
    normalization: RdfNormalization,
    accumulator: RdfAccumulator,
    names: Vec<String>,
    stem: PathBuf,
}

impl Observer for RdfObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        if let Some((from, to)) = self.window
            && !(from..=to).contains(&frame.state.stage_step)
        {
            return Ok(());
        }
        let s = &frame.state.system;
        self.accumulator.add(s, self.normalization)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let g = self.accumulator.result();
        let mut header = vec!["r[A]".to_string(), "g_total".to_string()];
        header.extend(
            g.pairs
                .iter()
                .map(|((a, b), _)| format!("g_{}-{}", self.names[*a], self.names[*b])),
        );
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut csv = CsvFile::create(&csv_path(&self.stem), &header)?;
        for k in 0..g.r.len() {
            let mut row = vec![g.r[k], g.total[k]];
            row.extend(g.pairs.iter().map(|(_, v)| v[k]));
            csv.row(&row)?;
        }
        let mut plot = Plot::new(
            format!("Radial distribution function ({} frames)", g.frames),
            "r [Å]",
            "g(r)",
        )
        .with(Series::line("total", g.r.clone(), g.total.clone()));
        if g.pairs.len() > 1 {
            for ((a, b), v) in &g.pairs {
                plot = plot.with(Series::line(
                    format!("{}-{}", self.names[*a], self.names[*b]),
                    g.r.clone(),
                    v.clone(),
                ));
            }
        }
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            format!(
                "g(r), total and per species pair, averaged over {} frames.",
                g.frames
            ),
        )?])
    }
}

struct TrackedObserver {
    trigger: Trigger,
    atoms: Vec<usize>,
    csv: CsvFile,
}

impl TrackedObserver {
    fn new(system: &System, trigger: Trigger, ids: &[u64], stem: PathBuf) -> Result<Self> {
        let atoms = ids
            .iter()
            .map(|id| {
                system
                    .ids
                    .iter()
                    .position(|x| x == id)
                    .ok_or_else(|| Error::invalid(format!("TrackedAtoms: no atom has id {id}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        for id in ids {
            header.extend(["x", "y", "z"].map(|c| format!("atom{id}_{c}[A]")));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        Ok(TrackedObserver {
            trigger,
            atoms,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
        })
    }
}

impl Observer for TrackedObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        for &i in &self.atoms {
            let x = s.simbox.unwrap(&s.positions[i], &s.images[i]);
            row.extend([x.x, x.y, x.z]);
        }
        self.csv.record(frame.state.step, &row)
    }
}

struct MsdObserver {
    trigger: Trigger,
    tracker: MsdTracker,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    surface: Vec<f64>,
    interior: Vec<f64>,
}

impl MsdObserver {
    fn new(
        system: &System,
        trigger: Trigger,
        bulk_coordination: u32,
        stem: PathBuf,
    ) -> Result<Self> {
        let geometry = NeckGeometry::from_structure(system)?;
        let tracker = MsdTracker::new(system, geometry.bond_cutoff, bulk_coordination)?;
        let header = [
            "step",
            "time[ps]",
            "msd_all[A^2]",
            "msd_surface[A^2]",
            "msd_interior[A^2]",
        ];
        Ok(MsdObserver {
            trigger,
            tracker,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: vec![],
            surface: vec![],
            interior: vec![],
        })
    }
}

impl Observer for MsdObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let m = self.tracker.measure(&frame.state.system);
        self.time.push(frame.state.time);
        self.surface.push(m.surface);
        self.interior.push(m.interior);
        self.csv.record(
            frame.state.step,
            &[frame.state.time, m.all, m.surface, m.interior],
        )
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let plot = Plot::new("Mean-square displacement", "time [ps]", "MSD [Å²]")
            .with(Series::line(
                format!("surface ({} atoms)", self.tracker.surface_atoms()),
                self.time.clone(),
                self.surface.clone(),
            ))
            .with(Series::line(
                "interior",
                self.time.clone(),
                self.interior.clone(),
            ));
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            "Mean-square displacement of surface and interior atoms (classed at the stage start)."
                .into(),
        )?])
    }
}

struct StructureObserver {
    trigger: Trigger,
    bond_cutoff: f64,
    view_radius: f64,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    fractions: Vec<[f64; 5]>,
}

impl StructureObserver {
    fn new(system: &System, trigger: Trigger, stem: PathBuf) -> Result<Self> {
        let view = PairView::new(system, 6.0)?;
        let d = median_nearest_neighbor_distance(&view)
            .ok_or_else(|| Error::invalid("Structure: no atom has a neighbour within 6 A"))?;
        let header = [
            "step",
            "time[ps]",
            "mean_coordination",
            "other",
            "fcc",
            "hcp",
            "bcc",
            "ico",
        ];
        Ok(StructureObserver {
            trigger,
            bond_cutoff: 0.5 * (1.0 + 2f64.sqrt()) * d,
            view_radius: 1.8 * d,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: vec![],
            fractions: vec![],
        })
    }
}

impl Observer for StructureObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let view = PairView::new(s, self.view_radius)?;
        let z = coordination_numbers(&view, self.bond_cutoff);
        let mean_z = z.iter().map(|&c| c as f64).sum::<f64>() / z.len().max(1) as f64;
        let counts = structure_counts(&adaptive_cna(&view));
        let n = s.len().max(1) as f64;
        let f = counts.map(|c| c as f64 / n);
        self.time.push(frame.state.time);
        self.fractions.push(f);
        let mut row = vec![frame.state.time, mean_z];
        row.extend(f);
        self.csv.record(frame.state.step, &row)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut plot = Plot::new(
            "Local structure (adaptive CNA)",
            "time [ps]",
            "fraction of atoms",
        );
        for (k, s) in Structure::ALL.iter().enumerate() {
            plot = plot.with(Series::line(
                s.name(),
                self.time.clone(),
                self.fractions.iter().map(|f| f[k]).collect(),
            ));
        }
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            "Fractions of atoms in fcc, hcp, bcc, icosahedral and other environments.".into(),
        )?])
    }
}
