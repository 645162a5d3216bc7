//! The RON input file of `sintermd run`: typed serde structures, unknown fields rejected.
//!
//! ```ron
//! (
//!     structure: Lattice(lattice: Fcc, a: 5.26, cells: (5, 5, 5), species: [(species: "Ar")]),
//!     potential: Lammps(pair_style: "lj/cut 8.5", pair_coeff: ["1 1 0.0104 3.40"]),
//!     velocities: (temperature: 60.0, seed: 7),
//!     stages: [Md(steps: 1000, timestep: 0.002)],
//!     output: (thermo_every: 10, trajectory_every: 100),
//! )
//! ```
//! Options may be written bare (`velocities: (...)`, no `Some`), and enum variants holding a
//! struct take its fields directly (`Md(steps: 10, ...)`).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::read_text;
use crate::md::minimize::FireSettings;
use crate::neighbor::NeighborSettings;
use crate::output::ObserverSpec;
use crate::potential::PotentialSpec;
use crate::structure::StructureSpec;

/// A whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Where the atoms come from.
    pub structure: StructureSpec,
    /// The interatomic potential.
    pub potential: PotentialSpec,
    /// Neighbour-list settings.
    #[serde(default)]
    pub neighbor: NeighborSettings,
    /// Initial velocities; when absent, those of the structure (zero for a lattice).
    #[serde(default)]
    pub velocities: Option<VelocitySpec>,
    /// Seed of the run's random-number generator (thermostats and other stochastic parts).
    #[serde(default)]
    pub seed: u64,
    /// Stages, run in order.
    pub stages: Vec<StageSpec>,
    /// What to write.
    #[serde(default)]
    pub output: OutputSpec,
}

/// Maxwell-Boltzmann initial velocities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VelocitySpec {
    /// Temperature [K].
    pub temperature: f64,
    /// Seed of the draw.
    pub seed: u64,
}

/// One stage of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StageSpec {
    /// Molecular dynamics.
    Md(MdStage),
    /// Energy minimisation (FIRE); velocities are zero afterwards.
    Minimize(MinimizeStage),
}

/// A minimisation stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimizeStage {
    /// Name used in logs and file names.
    #[serde(default)]
    pub name: Option<String>,
    /// FIRE settings (LAMMPS `min_style fire` defaults).
    #[serde(default)]
    pub fire: FireSettings,
}

/// A molecular-dynamics stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MdStage {
    /// Name used in logs.
    #[serde(default)]
    pub name: Option<String>,
    /// Number of steps.
    pub steps: u64,
    /// Timestep [ps].
    pub timestep: f64,
    /// Analyses run during the stage, each writing `<stage name>_<analysis>.csv` and figures.
    #[serde(default)]
    pub observers: Vec<ObserverSpec>,
}

/// Output files and intervals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSpec {
    /// Write a row of `thermo.csv` every this many steps (0: only first and last).
    pub thermo_every: u64,
    /// Write a frame of `trajectory.xyz` every this many steps (0: no trajectory).
    pub trajectory_every: u64,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            thermo_every: 100,
            trajectory_every: 1000,
        }
    }
}

/// Parses RON text with sintermd's extensions (implicit `Some`, unwrapped variant structs).
pub fn parse_ron<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    let options = ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    );
    options.from_str(text).map_err(|e| {
        let line = e.span.start.line;
        Error::parse(path, line, e.code.to_string())
    })
}

/// Reads a RON file.
pub fn read_ron<T: DeserializeOwned>(path: &Path) -> Result<T> {
    parse_ron(&read_text(path)?, path)
}

impl Input {
    /// Reads and checks an input file.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&read_text(path)?, path)
    }

    /// Parses and checks the text of an input file read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let input: Input = parse_ron(text, path)?;
        input.check().map_err(|e| e.in_file(path))?;
        Ok(input)
    }

    /// Checks values serde cannot.
    pub fn check(&self) -> Result<()> {
        if self.stages.is_empty() {
            return Err(Error::invalid(
                "no stages: add e.g. stages: [Md(steps: 1000, timestep: 0.002)]",
            ));
        }
        for s in &self.stages {
            match s {
                StageSpec::Md(md) => {
                    if !(md.timestep > 0.0) || !md.timestep.is_finite() {
                        return Err(Error::invalid(format!(
                            "stage timestep {} must be positive",
                            md.timestep
                        )));
                    }
                }
                StageSpec::Minimize(m) => {
                    if !(m.fire.timestep > 0.0) || !(m.fire.ftol >= 0.0) {
                        return Err(Error::invalid(
                            "Minimize: timestep must be positive and ftol >= 0",
                        ));
                    }
                }
            }
        }
        if let Some(v) = &self.velocities
            && !(v.temperature >= 0.0)
        {
            return Err(Error::invalid("velocities: temperature must be >= 0"));
        }
        Ok(())
    }
}

/// The directory relative paths in `input` are resolved against.
pub fn base_dir(input: &Path) -> PathBuf {
    input.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl StageSpec {
    /// Number of MD steps the stage takes.
    pub fn steps(&self) -> u64 {
        match self {
            StageSpec::Md(md) => md.steps,
            StageSpec::Minimize(_) => 0,
        }
    }

    /// The stage's name, or `stage<k+1>` for stage index `k`.
    pub fn name(&self, k: usize) -> String {
        let given = match self {
            StageSpec::Md(md) => md.name.clone(),
            StageSpec::Minimize(m) => m.name.clone(),
        };
        given.unwrap_or_else(|| format!("stage{}", k + 1))
    }
}
