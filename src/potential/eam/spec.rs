//! EAM potentials in RON inputs, with species named rather than numbered:
//!
//! ```ron
//! potential: Eam(Alloy(file: "potentials/PtFe_Zhou04.eam.alloy")),
//! potential: Eam(FinnisSinclair(file: "CuZr_mm.eam.fs", elements: ["Cu", "Zr"])),
//! potential: Eam(Funcfl(files: [("Cu", "Cu_u3.eam"), ("Pt", "Pt_u3.eam")])),
//! ```
//! For setfl and Finnis–Sinclair files, `elements` gives the file element of each species in
//! order and defaults to the species names.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Eam;
use super::funcfl::FuncflFile;
use super::setfl::{SetflFile, SetflLayout};
use super::tables::EamTables;
use crate::error::{Error, Result};
use crate::system::SpeciesTable;

/// An EAM potential in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EamSpec {
    /// A setfl file (LAMMPS `eam/alloy`).
    Alloy {
        /// Path, relative to the input file.
        file: String,
        /// File element of each species (default: the species names).
        #[serde(default)]
        elements: Option<Vec<String>>,
    },
    /// A Finnis–Sinclair file (LAMMPS `eam/fs`).
    FinnisSinclair {
        /// Path, relative to the input file.
        file: String,
        /// File element of each species (default: the species names).
        #[serde(default)]
        elements: Option<Vec<String>>,
    },
    /// One funcfl file per species (LAMMPS `eam`).
    Funcfl {
        /// (species, path) for every species.
        files: Vec<(String, String)>,
    },
}

impl EamSpec {
    /// Builds the potential for `species`; paths are relative to `base_dir`.
    pub fn build(&self, species: &SpeciesTable, base_dir: &Path) -> Result<Eam> {
        match self {
            EamSpec::Alloy { file, elements } => setfl(
                file,
                elements,
                species,
                base_dir,
                SetflLayout::Alloy,
                "eam/alloy",
            ),
            EamSpec::FinnisSinclair { file, elements } => setfl(
                file,
                elements,
                species,
                base_dir,
                SetflLayout::FinnisSinclair,
                "eam/fs",
            ),
            EamSpec::Funcfl { files } => {
                let mut read: Vec<(String, FuncflFile)> = Vec::new();
                let mut assignment = vec![None; species.len()];
                for (name, path) in files {
                    let s = species.require(name)?;
                    let k = match read.iter().position(|(p, _)| p == path) {
                        Some(k) => k,
                        None => {
                            read.push((path.clone(), FuncflFile::read(&base_dir.join(path))?));
                            read.len() - 1
                        }
                    };
                    assignment[s] = Some(k);
                }
                let assignment = assignment
                    .iter()
                    .enumerate()
                    .map(|(s, a)| {
                        a.ok_or_else(|| {
                            Error::invalid(format!(
                                "Eam Funcfl: no file for species {}",
                                species.names[s]
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let files: Vec<FuncflFile> = read.into_iter().map(|(_, f)| f).collect();
                Eam::new("eam", EamTables::from_funcfl(&files, &assignment)?)
            }
        }
    }
}

fn setfl(
    file: &str,
    elements: &Option<Vec<String>>,
    species: &SpeciesTable,
    base_dir: &Path,
    layout: SetflLayout,
    style: &str,
) -> Result<Eam> {
    let path = base_dir.join(file);
    let data = SetflFile::read(&path, layout)?;
    let names = elements.as_ref().unwrap_or(&species.names);
    if names.len() != species.len() {
        return Err(Error::invalid(format!(
            "Eam: {} elements given for {} species",
            names.len(),
            species.len()
        )));
    }
    let map = names
        .iter()
        .map(|e| {
            data.element_index(e)
                .ok_or_else(|| Error::file(&path, format!("no element {e} in this file")))
        })
        .collect::<Result<Vec<_>>>()?;
    Eam::new(
        style,
        EamTables::from_setfl(&data, &map).map_err(|e| e.in_file(&path))?,
    )
}
