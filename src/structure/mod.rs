//! Building structures: lattice blocks now; Wulff particles and assemblies build on these.

pub mod alloy;
pub mod lattice;

use std::path::Path;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

pub use lattice::{CubicLattice, block_sites};

use crate::error::{Error, Result};
use crate::io::{read_lammps_data, read_xyz};
use crate::md::SimRng;
use crate::system::{SimBox, SpeciesTable, System, Vec3, element_mass, parse_boundary};

/// One species of a lattice block and its fraction of the sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Species name (an element symbol, or any name when `mass` is given).
    pub species: String,
    /// Fraction of the sites (the fractions of all components sum to 1).
    #[serde(default = "one")]
    pub fraction: f64,
    /// Mass [g/mol]; looked up by element symbol when absent.
    #[serde(default)]
    pub mass: Option<f64>,
}

fn one() -> f64 {
    1.0
}

/// A block of whole conventional cells of a cubic lattice filling an orthorhombic box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatticeBlock {
    /// The lattice.
    pub lattice: CubicLattice,
    /// Lattice parameter [A].
    pub a: f64,
    /// Number of conventional cells along x, y, z.
    pub cells: [usize; 3],
    /// Species and their fractions; placed at random with exact counts when there are several.
    pub species: Vec<Component>,
    /// Seed for the random placement of species.
    #[serde(default)]
    pub seed: u64,
    /// LAMMPS-style boundary, default "p p p".
    #[serde(default = "periodic_boundary")]
    pub boundary: String,
}

fn periodic_boundary() -> String {
    "p p p".to_string()
}

/// Where the atoms of a run come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StructureSpec {
    /// A LAMMPS data file (atom_style atomic).
    DataFile {
        /// Path, relative to the input file.
        path: String,
        /// LAMMPS-style boundary, default "p p p".
        #[serde(default = "periodic_boundary")]
        boundary: String,
        /// Names of the atom types in order (default: from the Masses comments).
        #[serde(default)]
        species: Option<Vec<String>>,
    },
    /// An extended XYZ file (first frame).
    Xyz {
        /// Path, relative to the input file.
        path: String,
        /// LAMMPS-style boundary; default from the file's `pbc`.
        #[serde(default)]
        boundary: Option<String>,
    },
    /// A block of lattice cells.
    Lattice(LatticeBlock),
}

impl StructureSpec {
    /// Builds the system; relative paths are resolved against `base_dir`.
    pub fn build(&self, base_dir: &Path) -> Result<System> {
        match self {
            StructureSpec::DataFile {
                path,
                boundary,
                species,
            } => {
                let p = base_dir.join(path);
                read_lammps_data(&p, parse_boundary(boundary)?, species.as_deref())
            }
            StructureSpec::Xyz { path, boundary } => {
                let p = base_dir.join(path);
                let periodic = boundary.as_deref().map(parse_boundary).transpose()?;
                read_xyz(&p, periodic)
            }
            StructureSpec::Lattice(block) => block.build(),
        }
    }
}

impl LatticeBlock {
    /// The atoms of the block, in a box of exactly the block's size.
    pub fn build(&self) -> Result<System> {
        if !(self.a > 0.0) || self.cells.contains(&0) {
            return Err(Error::invalid(
                "lattice: a must be positive and cells at least 1",
            ));
        }
        if self.species.is_empty() {
            return Err(Error::invalid("lattice: give at least one species"));
        }
        let names: Vec<String> = self.species.iter().map(|c| c.species.clone()).collect();
        let masses = self
            .species
            .iter()
            .map(|c| {
                c.mass.or_else(|| element_mass(&c.species)).ok_or_else(|| {
                    Error::invalid(format!(
                        "lattice: species {} is not an element: give its mass",
                        c.species
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let table = SpeciesTable::new(names, masses)?;
        let sites = block_sites(self.lattice, self.a, self.cells);
        let fractions: Vec<f64> = self.species.iter().map(|c| c.fraction).collect();
        let counts = alloy::exact_counts(&fractions, sites.len())?;
        let mut rng = SimRng::seed_from_u64(self.seed);
        let types = if counts.len() == 1 {
            vec![0; sites.len()]
        } else {
            alloy::random_assignment(&counts, &mut rng)
        };
        let hi = [0, 1, 2].map(|k| self.cells[k] as f64 * self.a);
        let simbox = SimBox::new([0.0; 3], hi, parse_boundary(&self.boundary)?)?;
        let mut system = System::new(simbox, table);
        for (i, (x, t)) in sites.into_iter().zip(types).enumerate() {
            system.push(i as u64 + 1, t, x, Vec3::zeros());
        }
        Ok(system)
    }
}
