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
//! NVT stages name a thermostat (see [`crate::md::thermostat`]) and may remove momentum (see
//! [`crate::md::momentum`]); groups they act on are defined under `groups` (see
//! [`crate::system::group`]):
//! ```ron
//! groups: [(name: "particle", select: Region(Sphere(centre: (20.0, 20.0, 20.0), radius: 12.0)))],
//! stages: [
//!     Md(steps: 5000, timestep: 0.002,
//!        thermostat: Berendsen(temperature: 300.0, end_temperature: 1473.0),
//!        momentum: [(group: "particle", linear: true, angular: true, every: 100)]),
//!     Md(steps: 50000, timestep: 0.002, thermostat: NoseHoover(temperature: 1473.0)),
//! ],
//! ```
//! Options may be written bare (`velocities: (...)`, no `Some`), and enum variants holding a
//! struct take its fields directly (`Md(steps: 10, ...)`).

pub mod kmc;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::read_text;
use crate::io::ron::{base_dir, parse_ron};
use crate::md::minimize::FireSettings;
use crate::md::momentum::MomentumSpec;
use crate::md::thermostat::ThermostatSpec;
use crate::md::{SafetySettings, StageIntegrator};
use crate::neighbor::NeighborSettings;
use crate::output::{ObserverSpec, TrajectoryFormatSpec};
use crate::potential::PotentialSpec;
use crate::structure::StructureSpec;
use crate::structure::build::{BuildSpec, PairSpec};
use crate::system::{GroupSpec, System};
pub use kmc::{KmcInput, KmcStage, WriteMeshStage};

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
    /// Named groups of atoms, defined in order when the run starts (besides `all` and the
    /// groups stored with the structure).
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// Masses that replace those of the structure and of the potential's files (LAMMPS's `mass`
    /// command after `pair_coeff`), e.g. `masses: [(species: "Fe", mass: 55.845)]`.
    #[serde(default)]
    pub masses: Vec<MassSpec>,
    /// Stages, run in order.
    pub stages: Vec<StageSpec>,
    /// What to write.
    #[serde(default)]
    pub output: OutputSpec,
    /// Limits at which a run stops as blown up (see [`crate::md::guard`]).
    #[serde(default)]
    pub safety: SafetySettings,
    /// The folder relative file names in this input (potential files, structure files) are read
    /// from; default: the input file's own folder. A relative `paths_from` is taken from the
    /// input file's folder. `sintermd sweep plan` sets it in the inputs it writes, so that they
    /// read the files their base input names.
    #[serde(default)]
    pub paths_from: Option<PathBuf>,
    /// Under MPI (`mpirun -n P`), the grid of subdomains, as LAMMPS's `processors` command,
    /// e.g. `processors: (2, 1, 1)`; its product must be P. Default: the grid with the
    /// least subdomain surface. Without MPI it has no effect.
    #[serde(default)]
    pub processors: Option<(usize, usize, usize)>,
}

/// The mass of one species.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MassSpec {
    /// Species name, as in the structure.
    pub species: String,
    /// Mass [g/mol].
    pub mass: f64,
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
    /// Molecular dynamics of each particle of a `Build(Pair(...))` structure on its own, in its
    /// own free box: the particles start from their built atoms (or the relaxed ones of an
    /// earlier such stage) with Maxwell-Boltzmann velocities at the thermostat's start
    /// temperature (seed: the run's seed + 1 + particle index). Writes
    /// `<stage>_particle<k>_thermo.csv` and the stage's analyses per particle. The main system is
    /// unchanged until an `Assemble` stage places the equilibrated particles.
    EquilibrateParticles(MdStage),
    /// Places the particles of a `Build(Pair(...))` structure (equilibrated, if an
    /// `EquilibrateParticles` stage ran) with the pair geometry, removing each particle's linear and
    /// angular momentum when the geometry says so (the default): the result becomes the system.
    Assemble(AssembleStage),
    /// Writes the atoms of the current system as the sites of a KMC mesh (`sintermd-mesh 1`,
    /// see [`crate::kmc::mesh`]) into the output folder, with g(r), neighbour counts and the
    /// adaptive CNA of the sites (see [`crate::run::stages::write_mesh`]). The system is unchanged.
    WriteMesh(WriteMeshStage),
    /// Maps the two particles onto fcc lattices fitted to them, runs bond-counting KMC on those
    /// sites and puts the atoms back where KMC left them (see [`crate::run::stages::kmc`]): MD, then
    /// KMC, in one input.
    Kmc(KmcStage),
}

/// An assembly stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssembleStage {
    /// Name used in logs and the report.
    #[serde(default)]
    pub name: Option<String>,
    /// Gap [A], replacing the structure's pair geometry's gap.
    #[serde(default)]
    pub gap: Option<f64>,
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
    /// Thermostat; absent: NVE.
    #[serde(default)]
    pub thermostat: Option<ThermostatSpec>,
    /// Momentum removals (at the stage start, and every N steps if asked).
    #[serde(default)]
    pub momentum: Vec<MomentumSpec>,
    /// Analyses run during the stage, each writing `<stage name>_<analysis>.csv` and figures.
    #[serde(default)]
    pub observers: Vec<ObserverSpec>,
}

impl MdStage {
    /// The integrator of this stage for `system` (whose groups the thermostat and momentum
    /// removals may name).
    pub fn integrator(&self, system: &System) -> Result<StageIntegrator> {
        StageIntegrator::new(
            self.timestep,
            self.steps,
            self.thermostat.as_ref(),
            &self.momentum,
            system,
        )
    }
}

/// How messages name stage `index` (0-based): `stage 2`, or `stage 2 ("heat")` when named.
pub fn stage_label(index: usize, stage: &StageSpec) -> String {
    let given = match stage {
        StageSpec::Md(md) | StageSpec::EquilibrateParticles(md) => md.name.as_deref(),
        StageSpec::Minimize(m) => m.name.as_deref(),
        StageSpec::Assemble(a) => a.name.as_deref(),
        StageSpec::WriteMesh(w) => w.name.as_deref(),
        StageSpec::Kmc(k) => k.name.as_deref(),
    };
    match given {
        Some(name) => format!("stage {} (\"{name}\")", index + 1),
        None => format!("stage {}", index + 1),
    }
}

/// Prefixes an invalid-input message with `label`.
pub fn in_stage(label: &str, error: Error) -> Error {
    match error {
        Error::Invalid(m) => Error::invalid(format!("{label}: {m}")),
        other => other,
    }
}

/// Output files and intervals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSpec {
    /// Write a row of `thermo.csv` every this many steps (0: only first and last).
    pub thermo_every: u64,
    /// Write a trajectory frame every this many steps (0: no trajectory).
    pub trajectory_every: u64,
    /// Largest trajectory a run may write [GB]; a run whose estimate is larger is refused
    /// before it starts. Default 20.
    pub max_trajectory_gb: f64,
    /// The trajectory files to write (default `[Xyz]`): `Xyz` (`trajectory.xyz`, extended XYZ),
    /// `Dump` (`trajectory.lammpstrj`, LAMMPS `dump custom` text), `H5md` (`trajectory.h5md`;
    /// needs the `hdf5` build feature).
    pub trajectory_formats: Vec<TrajectoryFormatSpec>,
    /// Write a checkpoint every this many steps (default: none by step count). Checkpoints are
    /// also written every `checkpoint_minutes` and at every stage boundary.
    pub checkpoint_every: Option<u64>,
    /// Write a checkpoint every this many minutes of wall-clock time (default 15; 0: none by
    /// time).
    pub checkpoint_minutes: f64,
    /// Run the phase check (`Phase` analysis: crystalline, premelted surface or molten, per
    /// particle) in every MD stage of a particle study that does not list it (default true; see
    /// [`Input::stage_observers`]).
    pub phase_check: bool,
}

impl OutputSpec {
    /// Checks that a trajectory of `atoms` atoms over `steps` steps stays within
    /// `max_trajectory_gb`.
    pub fn check_size(&self, atoms: usize, steps: u64) -> Result<()> {
        if !(self.max_trajectory_gb > 0.0) {
            return Err(Error::invalid("output: max_trajectory_gb must be positive"));
        }
        if self.trajectory_every == 0 {
            return Ok(());
        }
        let frames = (steps / self.trajectory_every) as f64 + 2.0;
        let per_atom: f64 = self
            .trajectory_formats
            .iter()
            .map(|f| f.bytes_per_atom())
            .sum();
        let bytes = frames * atoms as f64 * per_atom;
        if bytes > self.max_trajectory_gb * 1e9 {
            return Err(Error::invalid(format!(
                "output: trajectory_every {} would write about {frames:.0} frames of {atoms} atoms, \
                 about {}, more than max_trajectory_gb {} GB (write frames less often, or raise \
                 the limit)",
                self.trajectory_every,
                crate::system::budget::human_bytes(bytes),
                self.max_trajectory_gb
            )));
        }
        Ok(())
    }
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            thermo_every: 100,
            trajectory_every: 1000,
            max_trajectory_gb: 20.0,
            trajectory_formats: vec![TrajectoryFormatSpec::Xyz],
            checkpoint_every: None,
            checkpoint_minutes: 15.0,
            phase_check: true,
        }
    }
}

impl Input {
    /// The folder this input's relative file names are read from, for the input file at
    /// `path` (see [`Input::paths_from`]).
    pub fn base_dir(&self, path: &Path) -> PathBuf {
        let own = base_dir(path);
        match &self.paths_from {
            Some(p) => own.join(p),
            None => own,
        }
    }

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
        if let Some((a, b, c)) = self.processors
            && (a == 0 || b == 0 || c == 0)
        {
            return Err(Error::invalid(format!(
                "processors ({a}, {b}, {c}): every count must be at least 1"
            )));
        }
        if self.stages.is_empty() {
            return Err(Error::invalid(
                "no stages: add e.g. stages: [Md(steps: 1000, timestep: 0.002)]",
            ));
        }
        for (k, s) in self.stages.iter().enumerate() {
            match s {
                StageSpec::Md(md) | StageSpec::EquilibrateParticles(md) => {
                    if !(md.timestep > 0.0) || !md.timestep.is_finite() {
                        return Err(Error::invalid(format!(
                            "stage timestep {} must be positive",
                            md.timestep
                        )));
                    }
                    if let Some(t) = &md.thermostat {
                        t.check(md.timestep)
                            .map_err(|e| in_stage(&stage_label(k, s), e))?;
                    }
                    for o in &md.observers {
                        o.check(md.steps)
                            .map_err(|e| in_stage(&stage_label(k, s), e))?;
                    }
                }
                StageSpec::Minimize(m) => {
                    if !(m.fire.timestep > 0.0) || !(m.fire.ftol >= 0.0) {
                        return Err(Error::invalid(
                            "Minimize: timestep must be positive and ftol >= 0",
                        ));
                    }
                }
                StageSpec::WriteMesh(w) => {
                    w.check().map_err(|e| in_stage(&stage_label(k, s), e))?;
                }
                StageSpec::Kmc(kmc) => {
                    kmc.check().map_err(|e| in_stage(&stage_label(k, s), e))?;
                }
                StageSpec::Assemble(a) => {
                    if let Some(g) = a.gap
                        && !(g > 0.0 && g.is_finite())
                    {
                        return Err(in_stage(
                            &stage_label(k, s),
                            Error::invalid(format!("gap {g} must be positive")),
                        ));
                    }
                }
            }
            if matches!(
                s,
                StageSpec::EquilibrateParticles(_) | StageSpec::Assemble(_)
            ) && self.pair().is_none()
            {
                return Err(in_stage(
                    &stage_label(k, s),
                    Error::invalid(
                        "EquilibrateParticles and Assemble need the structure to be a pair of \
                         particles: structure: Build(Pair(...))",
                    ),
                ));
            }
        }
        self.safety.check()?;
        if let Some(v) = &self.velocities
            && !(v.temperature >= 0.0 && v.temperature <= self.safety.max_temperature)
        {
            return Err(Error::invalid(format!(
                "velocities: temperature {:?} K must be >= 0 and at most {:?} K (safety \
                 max_temperature)",
                v.temperature, self.safety.max_temperature
            )));
        }
        Ok(())
    }
}

impl Input {
    /// The analyses MD stage `md` runs: those it lists and, in a particle study, the phase check
    /// when it lists none (unless `output.phase_check` is false; see
    /// [`ObserverSpec::default_phase`]). A stage is of a particle study when it is an
    /// `EquilibrateParticles` stage (`particles_alone`) or the structure builds particles
    /// (`Build(Pair(...))` or `Build(Particle(...))`).
    pub fn stage_observers(&self, md: &MdStage, particles_alone: bool) -> Vec<ObserverSpec> {
        let mut observers = md.observers.clone();
        let builds_particles = matches!(
            &self.structure,
            StructureSpec::Build(b) if matches!(b.as_ref(), BuildSpec::Pair(_) | BuildSpec::Particle(_))
        );
        if self.output.phase_check && (particles_alone || builds_particles) {
            observers.extend(ObserverSpec::default_phase(md.steps, &md.observers));
        }
        observers
    }

    /// The pair of particles the structure builds, if it builds one.
    pub fn pair(&self) -> Option<&PairSpec> {
        match &self.structure {
            StructureSpec::Build(build) => match build.as_ref() {
                BuildSpec::Pair(pair) => Some(pair),
                _ => None,
            },
            _ => None,
        }
    }
}

impl StageSpec {
    /// Number of MD steps the stage takes.
    pub fn steps(&self) -> u64 {
        match self {
            StageSpec::Md(md) => md.steps,
            StageSpec::Minimize(_)
            | StageSpec::EquilibrateParticles(_)
            | StageSpec::Assemble(_)
            | StageSpec::WriteMesh(_)
            | StageSpec::Kmc(_) => 0,
        }
    }

    /// The stage's name, or `stage<k+1>` for stage index `k`.
    pub fn name(&self, k: usize) -> String {
        let given = match self {
            StageSpec::Md(md) | StageSpec::EquilibrateParticles(md) => md.name.clone(),
            StageSpec::Minimize(m) => m.name.clone(),
            StageSpec::Assemble(a) => a.name.clone(),
            StageSpec::WriteMesh(w) => w.name.clone(),
            StageSpec::Kmc(k) => k.name.clone(),
        };
        given.unwrap_or_else(|| format!("stage{}", k + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(structure: &str, output: &str) -> Input {
        let text = format!(
            r#"(
                structure: {structure},
                potential: Lammps(pair_style: "lj/cut 6.0", pair_coeff: ["* * 0.3 2.47"]),
                stages: [Md(steps: 100, timestep: 0.002, observers: [Structure(every: 20)])],
                output: ({output}),
            )"#
        );
        Input::parse(&text, Path::new("test.ron")).unwrap()
    }

    #[test]
    fn particle_studies_get_the_phase_check_unless_turned_off() {
        let pair = r#"Build(Pair(first: (lattice: Fcc, a: 3.92, species: [(species: "Pt")],
                       shape: Sphere, size: Atoms(100)), geometry: (facets: ((1, 0, 0), (1, 0, 0)), gap: 3.0)))"#;
        let lattice =
            r#"Lattice(lattice: Fcc, a: 3.92, cells: (3, 3, 3), species: [(species: "Pt")])"#;
        let phase = ObserverSpec::Phase { every: 20 };
        let study = input(pair, "");
        let StageSpec::Md(md) = &study.stages[0] else {
            unreachable!()
        };
        assert_eq!(study.stage_observers(md, false).last(), Some(&phase));
        let block = input(lattice, "");
        let StageSpec::Md(md) = &block.stages[0] else {
            unreachable!()
        };
        assert_eq!(block.stage_observers(md, false), md.observers);
        // A particle on its own (EquilibrateParticles) is always a particle.
        assert_eq!(block.stage_observers(md, true).last(), Some(&phase));
        let off = input(pair, "phase_check: false");
        let StageSpec::Md(md) = &off.stages[0] else {
            unreachable!()
        };
        assert_eq!(off.stage_observers(md, true), md.observers);
    }
}
