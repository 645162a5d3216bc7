//! The KMC parts of the input schema (unknown fields rejected): the RON input of `sintermd kmc`
//! ([`KmcInput`]) and the `Kmc` and `WriteMesh` stages of `sintermd run` ([`KmcStage`],
//! [`WriteMeshStage`]; their runners are in `crate::run::stages`).
//!
//! ```ron
//! (
//!     sites: Fcc(a: 3.89),
//!     species: [(species: "Pd")],
//!     particles: (shape: Sphere(diameter: 75.0), contact: SingleAtom),
//!     model: (temperature: 400.0, bond_energy: 0.1),
//!     seed: 1,
//!     run: (events: 100000000),
//!     output: (samples_per_decade: 10, snapshots_per_decade: 1),
//! )
//! ```
//! On a mesh: `sites: Mesh(path: "glass.mesh", neighbors: FirstMinimum, replicate: (2, 1, 1))`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::read_text;
use crate::io::ron::{base_dir, parse_ron};
use crate::kmc::engine::EngineChoice;
use crate::kmc::lattice::FccLattice;
use crate::kmc::mesh::MeshNeighbors;
use crate::kmc::model::ModelSpec;
use crate::kmc::pair::PairSpec;
use crate::structure::Component;
use crate::structure::orientation::LatticeAxes;
use crate::system::Vec3;

/// A whole KMC run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmcInput {
    /// The sites atoms live on.
    pub sites: SiteSpec,
    /// Species and their fractions of the atoms (placed at random with exact counts).
    pub species: Vec<Component>,
    /// The two particles.
    pub particles: PairSpec,
    /// The bond-counting model (defaults: 400 K, E0 = 0.1 eV, nu = kT/h, per-atom rates, at
    /// least 2 neighbours after a hop).
    #[serde(default)]
    pub model: ModelSpec,
    /// Seed of the KMC generator (and of the species placement).
    #[serde(default)]
    pub seed: u64,
    /// When to stop.
    pub run: RunLimits,
    /// What to write.
    #[serde(default)]
    pub output: KmcOutputSpec,
    /// Engine: `Auto` (default: the fcc-grid engine for one species with per-atom rates on one
    /// fcc lattice, the table engine otherwise) or `Table`. Both give the same trajectory.
    #[serde(default)]
    pub engine: EngineChoice,
    /// The folder relative file names in this input (a mesh's `path`) are read from; default:
    /// the input file's own folder. A relative `paths_from` is taken from the input file's
    /// folder. `sintermd sweep plan` sets it in the inputs it writes (as for a study's input).
    #[serde(default)]
    pub paths_from: Option<PathBuf>,
}

/// Where the sites come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum SiteSpec {
    /// An fcc lattice.
    Fcc {
        /// Lattice parameter [A].
        a: f64,
        /// Crystal directions along world x, y, z (default the cube axes).
        #[serde(default)]
        orientation: LatticeAxes,
    },
    /// A mesh of sites from a site file (see [`crate::kmc::mesh`]).
    Mesh {
        /// Path of the site file, relative to the input file.
        path: String,
        /// How neighbours are found. Default: the first minimum of g(r).
        #[serde(default)]
        neighbors: MeshNeighbors,
        /// Copies of the periodic block along x, y, z. Default (1, 1, 1).
        #[serde(default = "single_copy")]
        replicate: [usize; 3],
    },
}

fn single_copy() -> [usize; 3] {
    [1, 1, 1]
}

/// When a run stops: after `events` events, or at `time` [s], whichever comes first (`events: 0`
/// with a `time` runs until the time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunLimits {
    /// Events (hops and null events).
    pub events: u64,
    /// Simulated time [s].
    #[serde(default)]
    pub time: Option<f64>,
}

/// Most samples or snapshots per decade of time.
pub const MAX_PER_DECADE: u32 = 1000;

/// Output settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KmcOutputSpec {
    /// Neck samples per decade of time. Default 10.
    pub samples_per_decade: u32,
    /// Snapshots (extended XYZ of the occupied sites) per decade of time; 0 for only the first
    /// and last. Default 1.
    pub snapshots_per_decade: u32,
    /// Fit window.
    pub fit: FitWindow,
    /// Seconds between progress lines when standard error is not a terminal. Default 10.
    pub log_every_s: f64,
}

impl Default for KmcOutputSpec {
    fn default() -> Self {
        KmcOutputSpec {
            samples_per_decade: 10,
            snapshots_per_decade: 1,
            fit: FitWindow::default(),
            log_every_s: 10.0,
        }
    }
}

/// The r/R at which the initial stage of sintering ends (the default cap of a fit window).
pub const INITIAL_STAGE_RADIUS_OVER_PARTICLE: f64 = 0.3;

/// The time window of the power-law fit. The default starts once the neck holds 10 sites (a
/// neck radius from fewer sites is the discreteness of a few atoms, not a neck) and ends at the
/// initial stage's r/R of 0.3; `neck_fit_windows.csv` gives n over other windows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FitWindow {
    /// Start [s]; default: the first sample with at least `min_neck_sites` neck sites.
    pub t_min: Option<f64>,
    /// End [s]; default: the last sample.
    pub t_max: Option<f64>,
    /// Neck sites at which the default window starts. Default 10.
    pub min_neck_sites: usize,
    /// Largest r/R in the window: the window ends before the neck first exceeds it. Default 0.3,
    /// the end of the initial stage of sintering (neck size ratio X/D = x/R up to about 0.3,
    /// R. M. German, Sintering Theory and Practice, Wiley 1996): r^n = K t laws such as
    /// Kuczynski's (Trans. AIME 185, 169 (1949)) are derived for necks small against the
    /// particle. `None` for no limit.
    pub max_radius_over_particle: Option<f64>,
}

impl Default for FitWindow {
    fn default() -> Self {
        FitWindow {
            t_min: None,
            t_max: None,
            min_neck_sites: 10,
            max_radius_over_particle: Some(INITIAL_STAGE_RADIUS_OVER_PARTICLE),
        }
    }
}

impl KmcInput {
    /// Reads and checks an input file.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&read_text(path)?, path)
    }

    /// Parses and checks the text of an input file read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let input: KmcInput = parse_ron(text, path)?;
        input.check().map_err(|e| e.in_file(path))?;
        Ok(input)
    }

    /// The folder relative paths of this input, read from the file at `path`, start from (see
    /// [`KmcInput::paths_from`]).
    pub fn base_dir(&self, path: &Path) -> PathBuf {
        let own = base_dir(path);
        match &self.paths_from {
            Some(p) => own.join(p),
            None => own,
        }
    }

    /// Checks values serde cannot.
    pub fn check(&self) -> Result<()> {
        if self.species.is_empty() {
            return Err(Error::invalid(
                "species: give at least one, e.g. [(species: \"Pd\")]",
            ));
        }
        if self.species.len() > 255 {
            return Err(Error::invalid("species: at most 255"));
        }
        let (lo, hi) = crate::structure::lattice::LATTICE_PARAMETER_RANGE;
        if let SiteSpec::Fcc { a, .. } = &self.sites
            && !(lo..=hi).contains(a)
        {
            return Err(Error::invalid(format!(
                "sites: lattice parameter a = {a:?} A must be between {lo:?} and {hi:?} A"
            )));
        }
        for (what, n) in [
            ("samples_per_decade", self.output.samples_per_decade),
            ("snapshots_per_decade", self.output.snapshots_per_decade),
        ] {
            if n > MAX_PER_DECADE {
                return Err(Error::invalid(format!(
                    "output: {what} {n} is more than {MAX_PER_DECADE} (each snapshot is a whole \
                     frame of the atoms: {n} per decade would write gigabytes)"
                )));
            }
        }
        if self.run.events == 0 && self.run.time.is_none() {
            return Err(Error::invalid("run: events must be at least 1"));
        }
        if let Some(t) = self.run.time
            && !(t > 0.0)
        {
            return Err(Error::invalid(format!("run: time {t} s must be positive")));
        }
        if self.output.samples_per_decade == 0 {
            return Err(Error::invalid(
                "output: samples_per_decade must be at least 1",
            ));
        }
        if !(self.output.log_every_s > 0.0) {
            return Err(Error::invalid("output: log_every_s must be positive"));
        }
        Ok(())
    }
}

impl SiteSpec {
    /// The fcc lattice of particle 1 (centred at the origin), for `Fcc` sites.
    pub fn lattice(&self) -> Result<Option<FccLattice>> {
        match self {
            SiteSpec::Fcc { a, orientation } => Ok(Some(FccLattice {
                a: *a,
                rotation: orientation.matrix()?,
                origin: Vec3::zeros(),
            })),
            SiteSpec::Mesh { .. } => Ok(None),
        }
    }
}

/// A `Kmc` stage as written in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmcStage {
    /// Name used in logs and file names.
    #[serde(default)]
    pub name: Option<String>,
    /// Groups holding the atoms of the two particles. Default ("particle1", "particle2").
    #[serde(default = "default_particles")]
    pub particles: (String, String),
    /// Mapping tolerance in nearest-neighbour spacings of particle 1's fitted lattice: an atom
    /// closer than this to its site counts as on the lattice. Default 0.25; in (0, 0.5).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Empty sites kept beyond the outermost atoms, in nearest-neighbour spacings. Default 3.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// The bond-counting model (defaults: 400 K, E0 = 0.1 eV, nu = kT/h).
    #[serde(default)]
    pub model: ModelSpec,
    /// Seed of the KMC generator.
    #[serde(default)]
    pub seed: u64,
    /// When to stop (events and/or simulated time [s]).
    pub run: RunLimits,
    /// Neck samples, snapshots and fit window.
    #[serde(default)]
    pub output: KmcOutputSpec,
}

fn default_particles() -> (String, String) {
    ("particle1".into(), "particle2".into())
}

fn default_tolerance() -> f64 {
    0.25
}

fn default_margin() -> f64 {
    3.0
}

impl KmcStage {
    /// Checks values serde cannot.
    pub fn check(&self) -> Result<()> {
        if !(self.tolerance > 0.0 && self.tolerance < 0.5) {
            return Err(Error::invalid(format!(
                "Kmc: tolerance {} must lie in (0, 0.5) nearest-neighbour spacings",
                self.tolerance
            )));
        }
        if !(self.margin >= 1.0 && self.margin.is_finite()) {
            return Err(Error::invalid(format!(
                "Kmc: margin {} must be at least 1 nearest-neighbour spacing",
                self.margin
            )));
        }
        if self.run.events == 0 && self.run.time.is_none() {
            return Err(Error::invalid("Kmc: run: events must be at least 1"));
        }
        if let Some(t) = self.run.time
            && !(t > 0.0)
        {
            return Err(Error::invalid(format!(
                "Kmc: run: time {t} s must be positive"
            )));
        }
        if self.output.samples_per_decade == 0 || !(self.output.log_every_s > 0.0) {
            return Err(Error::invalid(
                "Kmc: output: samples_per_decade must be at least 1 and log_every_s positive",
            ));
        }
        // Species-dependent energies are checked once the species are known.
        if self.model.bond_energies.is_none() {
            self.model
                .build(1)
                .map_err(|e| Error::invalid(format!("Kmc: {e}")))?;
        }
        Ok(())
    }
}

/// A `WriteMesh` stage as written in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteMeshStage {
    /// Name used in logs and file names.
    #[serde(default)]
    pub name: Option<String>,
    /// Site file name, in the output folder. Default `sites.mesh`.
    #[serde(default = "default_file")]
    pub file: String,
    /// How neighbours are found: `FirstMinimum` of g(r) (default) or `Cutoff(r)` [A].
    #[serde(default)]
    pub neighbors: MeshNeighbors,
    /// Write the Neighbors section (and the cutoff) into the file. Default true.
    #[serde(default = "yes")]
    pub write_neighbors: bool,
}

fn default_file() -> String {
    "sites.mesh".into()
}

fn yes() -> bool {
    true
}

impl WriteMeshStage {
    /// Checks values serde cannot.
    pub fn check(&self) -> Result<()> {
        match self.neighbors {
            MeshNeighbors::FromFile => Err(Error::invalid(
                "WriteMesh: neighbors must be FirstMinimum or Cutoff(r): the mesh is being made, not read",
            )),
            MeshNeighbors::Cutoff(c) if !(c > 0.0 && c.is_finite()) => Err(Error::invalid(
                format!("WriteMesh: neighbour cutoff {c} A must be positive"),
            )),
            _ => {
                if self.file.is_empty() {
                    return Err(Error::invalid("WriteMesh: file name is empty"));
                }
                Ok(())
            }
        }
    }
}
