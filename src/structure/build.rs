//! The builder's input (`sintermd build BUILD.ron -o FILE`, or `structure: Build(...)` in a run):
//! one particle, a pair of particles, or a lattice block, and the files it writes.
//!
//! ```ron
//! Pair(
//!     first: (
//!         lattice: Fcc, a: 3.878,
//!         species: [(species: "Pt", fraction: 0.85), (species: "Fe", fraction: 0.15)],
//!         shape: Wulff({(1, 0, 0): 1.0, (1, 1, 1): 1.6}),
//!         size: Atoms(2000),
//!         adatoms: [(facet: (1, 0, 0), fraction: 0.2)],
//!         seed: 1,
//!     ),
//!     geometry: (facets: ((1, 0, 0), (1, 0, 0)), gap: 5.5, offset: (0.0, 1.939)),
//! )
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CrystalBlock;
use super::assembly::{PairGeometry, assemble};
use super::particle::{Particle, ParticleSpec, bounding_box};
use crate::error::{Error, Result};
use crate::io::lammps_data::format_lammps_data;
use crate::io::xyz::{ExtraColumn, format_xyz_frame};
use crate::io::{StructureFormat, read_structure, write_text};
use crate::system::{System, parse_boundary};

/// What to build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BuildSpec {
    /// One particle, centred in a box.
    Particle(SingleParticle),
    /// Two particles with chosen facets facing each other across a gap.
    Pair(Box<PairSpec>),
    /// A periodic block of lattice cells.
    Lattice(CrystalBlock),
}

/// One particle in a box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleParticle {
    /// The particle.
    pub particle: ParticleSpec,
    /// Empty space between the atoms and every face of the box [A].
    #[serde(default = "default_vacuum")]
    pub vacuum: f64,
    /// LAMMPS-style boundary, default "p p p".
    #[serde(default = "periodic")]
    pub boundary: String,
}

fn default_vacuum() -> f64 {
    15.0
}

fn periodic() -> String {
    "p p p".into()
}

/// Two particles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// The first particle.
    pub first: ParticleSpec,
    /// The second particle; when absent, a copy of the first (same atoms and arrangement).
    #[serde(default)]
    pub second: Option<ParticleSpec>,
    /// Relaxed atoms of the first particle (e.g. the `final.data` of its equilibration run, with
    /// the atom ids it was built with); path relative to the build file.
    #[serde(default)]
    pub first_relaxed: Option<String>,
    /// Relaxed atoms of the second particle (for a copy: of the copy's own equilibration).
    #[serde(default)]
    pub second_relaxed: Option<String>,
    /// How the two are placed.
    pub geometry: PairGeometry,
}

impl PairSpec {
    /// The two particles, with their relaxed atoms where files are given (a copy without its own
    /// relaxed file shares the first particle's); relative paths are resolved against `base_dir`.
    pub fn particles(&self, base_dir: &Path) -> Result<(Particle, Particle)> {
        let built_first = self.first.build()?;
        let built_second = match &self.second {
            Some(s) => s.build()?,
            None => built_first.clone(),
        };
        let first = match &self.first_relaxed {
            Some(path) => relaxed(&built_first, path, base_dir)?,
            None => built_first.clone(),
        };
        let second = match (&self.second_relaxed, &self.second, &self.first_relaxed) {
            (Some(path), _, _) => relaxed(&built_second, path, base_dir)?,
            (None, None, Some(_)) => first.clone(),
            (None, _, _) => built_second,
        };
        Ok((first, second))
    }
}

/// What a build made, for the user.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BuildReport {
    /// Atoms in all.
    pub atoms: usize,
    /// Atoms of each species.
    pub species: Vec<(String, usize)>,
    /// Atoms, adatoms and species counts of each particle.
    pub particles: Vec<ParticleReport>,
    /// Gap of a pair, measured as asked [A].
    pub gap: Option<f64>,
    /// Angle between the facing facets of a pair [degrees].
    pub facet_angle: Option<f64>,
    /// Closest distance between atoms of the two particles, when within gap + 2 nn [A].
    pub closest_approach: Option<f64>,
}

/// One particle of a build.
#[derive(Clone, Debug, Serialize)]
pub struct ParticleReport {
    /// Atoms, adatoms included.
    pub atoms: usize,
    /// Adatoms.
    pub adatoms: usize,
    /// Atoms of each species.
    pub species: Vec<(String, usize)>,
    /// Shape scale: distance of the lowest-energy planes from the centre [A].
    pub scale: f64,
    /// Fraction of the geometric shape's surface on each facet family.
    pub area_fractions: Vec<([i32; 3], f64)>,
}

/// A built structure and its report.
#[derive(Clone, Debug)]
pub struct Built {
    /// The atoms, with groups "particle1", "particle2" (or "particle1" alone) and "adatoms".
    pub system: System,
    /// What was made.
    pub report: BuildReport,
}

fn species_counts(system: &System, members: Option<&[u32]>) -> Vec<(String, usize)> {
    let mut counts = vec![0usize; system.species.len()];
    match members {
        Some(m) => m
            .iter()
            .for_each(|&i| counts[system.types[i as usize] as usize] += 1),
        None => system.types.iter().for_each(|&t| counts[t as usize] += 1),
    }
    system.species.names.iter().cloned().zip(counts).collect()
}

fn particle_report(p: &Particle) -> ParticleReport {
    ParticleReport {
        atoms: p.system.len(),
        adatoms: p.adatoms.len(),
        species: species_counts(&p.system, None),
        scale: p.scale,
        area_fractions: p.area_fractions(),
    }
}

/// Reads relaxed atoms for `particle` from `path` (relative to `base_dir`).
fn relaxed(particle: &Particle, path: &str, base_dir: &Path) -> Result<Particle> {
    let p = base_dir.join(path);
    let system = read_structure(&p, None)?;
    particle
        .with_relaxed_atoms(&system)
        .map_err(|e| Error::file(&p, e.to_string()))
}

impl BuildSpec {
    /// Builds the structure; relative paths are resolved against `base_dir`.
    pub fn build(&self, base_dir: &Path) -> Result<Built> {
        match self {
            BuildSpec::Lattice(block) => {
                let system = block.build()?;
                let report = BuildReport {
                    atoms: system.len(),
                    species: species_counts(&system, None),
                    ..Default::default()
                };
                Ok(Built { system, report })
            }
            BuildSpec::Particle(single) => {
                let p = single.particle.build()?;
                let mut system = p.system.clone();
                if !(single.vacuum >= 0.0) || !single.vacuum.is_finite() {
                    return Err(Error::invalid(format!(
                        "particle: vacuum {} must be zero or positive",
                        single.vacuum
                    )));
                }
                system.simbox = bounding_box(
                    &system.positions,
                    single.vacuum,
                    parse_boundary(&single.boundary)?,
                )?;
                system
                    .groups
                    .insert("particle1".into(), (0..system.len() as u32).collect());
                let report = BuildReport {
                    atoms: system.len(),
                    species: species_counts(&system, None),
                    particles: vec![particle_report(&p)],
                    ..Default::default()
                };
                Ok(Built { system, report })
            }
            BuildSpec::Pair(pair) => {
                let (first, second) = pair.particles(base_dir)?;
                let assembly = assemble(&first, &second, &pair.geometry)?;
                let report = BuildReport {
                    atoms: assembly.system.len(),
                    species: species_counts(&assembly.system, None),
                    particles: vec![particle_report(&first), particle_report(&second)],
                    gap: Some(assembly.gap),
                    facet_angle: Some(assembly.angle),
                    closest_approach: assembly.closest_approach,
                };
                Ok(Built {
                    system: assembly.system,
                    report,
                })
            }
        }
    }
}

/// Particle number of each atom (1, 2, ... from the groups "particle1", "particle2", ...; 0 for
/// atoms in none).
pub fn particle_ids(system: &System) -> Vec<i64> {
    let mut ids = vec![0i64; system.len()];
    for (name, members) in &system.groups {
        if let Some(k) = name
            .strip_prefix("particle")
            .and_then(|s| s.parse::<i64>().ok())
        {
            members.iter().for_each(|&i| ids[i as usize] = k);
        }
    }
    ids
}

/// 1 for the atoms of group "adatoms", 0 for the others.
pub fn adatom_flags(system: &System) -> Vec<i64> {
    let mut flags = vec![0i64; system.len()];
    if let Some(members) = system.groups.get("adatoms") {
        members.iter().for_each(|&i| flags[i as usize] = 1);
    }
    flags
}

/// The text of a built structure in the format `path` names: extended XYZ with `particle` and
/// `adatom` columns, or a LAMMPS data file (atom_style atomic) whose title line gives each
/// particle's id range.
pub fn format_built(path: &Path, system: &System) -> String {
    match StructureFormat::from_path(path) {
        StructureFormat::Xyz => {
            let particle = particle_ids(system);
            let adatom = adatom_flags(system);
            format_xyz_frame(
                system,
                &[],
                &[
                    ExtraColumn {
                        name: "particle",
                        values: &particle,
                    },
                    ExtraColumn {
                        name: "adatom",
                        values: &adatom,
                    },
                ],
            )
        }
        StructureFormat::LammpsData => {
            let mut title = String::from("sintermd build");
            for (name, members) in &system.groups {
                if name.starts_with("particle")
                    && let (Some(f), Some(l)) = (members.first(), members.last())
                {
                    title.push_str(&format!(
                        "; {name}: ids {}-{}",
                        system.ids[*f as usize], system.ids[*l as usize]
                    ));
                }
            }
            format_lammps_data(system, &title)
        }
    }
}

/// Writes a built structure to `path` (see [`format_built`]).
pub fn write_built(path: &Path, system: &System) -> Result<()> {
    write_text(path, &format_built(path, system))
}
