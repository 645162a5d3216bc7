//! Potentials as they appear in RON inputs, and the one place that turns them into
//! [`Potential`] objects.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Potential;
use super::eam::EamSpec;
use super::lj::{LennardJones, LjSpec};
use super::morse::{Morse, MorseSpec};
use crate::error::Result;
use crate::system::SpeciesTable;

/// A potential in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PotentialSpec {
    /// LAMMPS's own words: `pair_style` and `pair_coeff` lines (types numbered as in the data
    /// file; element names where the style uses them), optional `pair_modify` lines.
    Lammps {
        pair_style: String,
        pair_coeff: Vec<String>,
        #[serde(default)]
        pair_modify: Vec<String>,
    },
    /// Lennard-Jones with species named.
    LennardJones(LjSpec),
    /// Morse with species named.
    Morse(MorseSpec),
    /// An EAM potential file with species named.
    Eam(EamSpec),
}

impl PotentialSpec {
    /// The files the potential reads, as written (relative to `base_dir` unless absolute), each
    /// once in the order named: for LAMMPS words, every `pair_coeff` word that names a file.
    pub fn files(&self, base_dir: &Path) -> Vec<String> {
        let named: Vec<String> = match self {
            PotentialSpec::Lammps { pair_coeff, .. } => pair_coeff
                .iter()
                .flat_map(|c| c.split_whitespace())
                .filter(|w| base_dir.join(w).is_file())
                .map(str::to_string)
                .collect(),
            PotentialSpec::LennardJones(_) | PotentialSpec::Morse(_) => Vec::new(),
            PotentialSpec::Eam(EamSpec::Alloy { file, .. })
            | PotentialSpec::Eam(EamSpec::FinnisSinclair { file, .. }) => vec![file.clone()],
            PotentialSpec::Eam(EamSpec::Funcfl { files }) => {
                files.iter().map(|(_, f)| f.clone()).collect()
            }
        };
        let mut once = Vec::new();
        for f in named {
            if !once.contains(&f) {
                once.push(f);
            }
        }
        once
    }
}

/// Builds the potential described by `spec` for a system with `species`; relative file names
/// are resolved against `base_dir`.
pub fn build_potential(
    spec: &PotentialSpec,
    species: &SpeciesTable,
    base_dir: &Path,
) -> Result<Box<dyn Potential>> {
    match spec {
        PotentialSpec::Lammps {
            pair_style,
            pair_coeff,
            pair_modify,
        } => super::lammps::build(pair_style, pair_coeff, pair_modify, species, base_dir),
        PotentialSpec::LennardJones(lj) => Ok(Box::new(LennardJones::from_spec(lj, species)?)),
        PotentialSpec::Morse(morse) => Ok(Box::new(Morse::from_spec(morse, species)?)),
        PotentialSpec::Eam(eam) => Ok(Box::new(eam.build(species, base_dir)?)),
    }
}
