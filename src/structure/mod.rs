//! Building structures: lattices (fcc, bcc, hcp, L1_2, L1_0, ...), Wulff-constructed particles,
//! random and ordered alloys, facet adatoms and two-particle assemblies.
//!
//! - [`lattice`]: cells, bases, sublattices, point groups, lattice planes;
//! - [`orientation`]: crystal axes along x, y, z, or a rotation; the turn of a pair's second particle;
//! - [`alloy`]: species on sites (exact random compositions, sublattice order);
//! - [`wulff`]: the Wulff polyhedron from surface energies;
//! - [`particle`]: particles cut from a lattice, with their facets;
//! - [`adatoms`]: an extra, partly filled atomic layer on a facet;
//! - [`assembly`]: two particles facing each other across a gap;
//! - [`build`]: the `BuildSpec` input and the files `sintermd build` writes.

pub mod adatoms;
pub mod alloy;
pub mod assembly;
pub mod build;
pub mod lattice;
pub mod orientation;
pub mod particle;
pub mod wulff;

use std::path::Path;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

pub use alloy::{Component, Placement};
pub use assembly::{Assembly, GapReference, PairGeometry, assemble};
pub use build::{BuildSpec, Built};
pub use lattice::{CubicLattice, Lattice, LatticeKind, block_sites, lattice_block_sites};
pub use orientation::{Orientation, Turn};
pub use particle::{Facet, Particle, ParticleSpec, Shape, Size};
pub use wulff::WulffPolyhedron;

use crate::error::{Error, Result};
use crate::io::{read_lammps_data, read_xyz};
use crate::md::SimRng;
use crate::system::{SimBox, System, Vec3, parse_boundary};

/// A block of whole conventional cells of a lattice filling an orthorhombic box (the
/// foundation's form, kept for code that builds one directly; see [`CrystalBlock`] for
/// orientations, hcp and L1_0 parameters and ordered alloys).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatticeBlock {
    /// The lattice.
    pub lattice: LatticeKind,
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

/// A block of whole cells of a lattice filling an orthorhombic box, periodic along the axes
/// the boundary makes periodic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrystalBlock {
    /// The lattice.
    pub lattice: LatticeKind,
    /// Lattice parameter a [A].
    pub a: f64,
    /// Lattice parameter c [A] (hcp, L1_0).
    #[serde(default)]
    pub c: Option<f64>,
    /// Number of cells along x, y, z: conventional cells, or with `orientation`, periods of the
    /// axis vectors.
    pub cells: [usize; 3],
    /// Species and their fractions; placed at random with exact counts when there are several.
    pub species: Vec<Component>,
    /// How the species fill the sites.
    #[serde(default)]
    pub placement: Placement,
    /// Crystal axes along x, y, z (an `Axes` orientation keeps the block periodic).
    #[serde(default)]
    pub orientation: Option<Orientation>,
    /// Seed for the random placement of species.
    #[serde(default)]
    pub seed: u64,
    /// LAMMPS-style boundary, default "p p p".
    #[serde(default = "periodic_boundary")]
    pub boundary: String,
}

impl From<&LatticeBlock> for CrystalBlock {
    fn from(b: &LatticeBlock) -> Self {
        CrystalBlock {
            lattice: b.lattice,
            a: b.a,
            c: None,
            cells: b.cells,
            species: b.species.clone(),
            placement: Placement::Random,
            orientation: None,
            seed: b.seed,
            boundary: b.boundary.clone(),
        }
    }
}

impl LatticeBlock {
    /// The atoms of the block, in a box of exactly the block's size.
    pub fn build(&self) -> Result<System> {
        CrystalBlock::from(self).build()
    }
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
    /// Frame `frame` of a trajectory (default -1, the last; 0 is the first): H5MD (`.h5md`,
    /// `.h5`, with the `hdf5` feature), LAMMPS dump (`.lammpstrj`, `.dump`) or extended XYZ
    /// (`.xyz`), with positions, velocities, image counts and box as written.
    Trajectory {
        /// Path, relative to the input file.
        path: String,
        /// The frame (negative: counted from the end).
        #[serde(default = "last_frame")]
        frame: i64,
    },
    /// A block of lattice cells.
    Lattice(CrystalBlock),
    /// A structure from the builder: a particle, a pair of particles or a lattice block.
    Build(Box<BuildSpec>),
}

fn last_frame() -> i64 {
    -1
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
            StructureSpec::Trajectory { path, frame } => {
                let p = base_dir.join(path);
                let frames = crate::io::read_frames(&p)?;
                Ok(crate::io::pick_frame(frames, *frame)
                    .map_err(|e| e.at_path(&p))?
                    .system)
            }
            StructureSpec::Lattice(block) => block.build(),
            StructureSpec::Build(spec) => Ok(spec.build(base_dir)?.system),
        }
    }
}

impl CrystalBlock {
    /// The atoms of the block, in a box of exactly the block's size.
    pub fn build(&self) -> Result<System> {
        if self.cells.contains(&0) {
            return Err(Error::invalid("lattice: cells must be at least 1"));
        }
        let lattice = Lattice::new(self.lattice, self.a, self.c)?;
        let cells = self.cells.iter().map(|&n| n as f64).product::<f64>();
        crate::system::budget::check_atom_count(
            &format!("lattice: cells {:?}", self.cells),
            match &self.orientation {
                None => cells * lattice.basis().len() as f64,
                Some(o) => {
                    let periods = o.block_periods(&lattice)?;
                    cells * periods.iter().product::<f64>() / lattice.atomic_volume()
                }
            },
        )?;
        let table = alloy::species_table(&self.species)?;
        let (sites, hi) = match &self.orientation {
            None => {
                let l = lattice.cell_lengths();
                (
                    lattice_block_sites(&lattice, self.cells),
                    [0, 1, 2].map(|k| self.cells[k] as f64 * l[k]),
                )
            }
            Some(o) => {
                let periods = o.block_periods(&lattice)?;
                let hi = [0, 1, 2].map(|k| self.cells[k] as f64 * periods[k]);
                (oriented_block_sites(&lattice, o, hi)?, hi)
            }
        };
        let sublattices: Vec<usize> = sites.iter().map(|s| s.1).collect();
        let mut rng = SimRng::seed_from_u64(self.seed);
        let types = alloy::assign_species(
            &self.species,
            self.placement,
            lattice.sublattice_count(),
            &sublattices,
            &mut rng,
        )?;
        let simbox = SimBox::new([0.0; 3], hi, parse_boundary(&self.boundary)?)?;
        let mut system = System::new(simbox, table);
        for (i, ((x, _), t)) in sites.into_iter().zip(types).enumerate() {
            system.push(i as u64 + 1, t, x, Vec3::zeros());
        }
        Ok(system)
    }
}

/// Sites (and sublattices) of the rotated lattice inside the box `[0, hi)`, whose edges are
/// multiples of the orientation's axis vectors (lattice translations), so the block is periodic.
fn oriented_block_sites(
    lattice: &Lattice,
    orientation: &Orientation,
    hi: [f64; 3],
) -> Result<Vec<(Vec3, usize)>> {
    let rot = orientation.rotation(lattice)?;
    let l = lattice.cell_lengths();
    // Crystal-frame bounding box of the box's corners.
    let mut lo_c = [f64::INFINITY; 3];
    let mut hi_c = [f64::NEG_INFINITY; 3];
    for corner in 0..8 {
        let y = Vec3::new(
            if corner & 1 == 1 { hi[0] } else { 0.0 },
            if corner & 2 == 2 { hi[1] } else { 0.0 },
            if corner & 4 == 4 { hi[2] } else { 0.0 },
        );
        let x = rot.inverse() * y;
        for k in 0..3 {
            lo_c[k] = lo_c[k].min(x[k]);
            hi_c[k] = hi_c[k].max(x[k]);
        }
    }
    let sub = lattice.sublattice_of_basis();
    let mut out = Vec::new();
    let cell_range =
        |k: usize| ((lo_c[k] / l[k]).floor() as i32 - 1)..=((hi_c[k] / l[k]).ceil() as i32 + 1);
    for i in cell_range(0) {
        for j in cell_range(1) {
            for k in cell_range(2) {
                for (b, &sublattice) in sub.iter().enumerate() {
                    let y = rot * lattice.site(([i, j, k], b as u8));
                    let mut f = [0, 1, 2].map(|q| y[q] / hi[q]);
                    for v in &mut f {
                        if (*v - v.round()).abs() < 1e-9 {
                            *v = v.round();
                        }
                    }
                    if f.iter().all(|v| (0.0..1.0).contains(v)) {
                        out.push((
                            Vec3::new(f[0] * hi[0], f[1] * hi[1], f[2] * hi[2]),
                            sublattice,
                        ));
                    }
                }
            }
        }
    }
    let expected = (hi.iter().product::<f64>() / lattice.atomic_volume()).round() as usize;
    if out.len() != expected {
        return Err(Error::invalid(format!(
            "lattice: the oriented block holds {} sites, not the {expected} its volume needs (are the axes lattice vectors?)",
            out.len()
        )));
    }
    Ok(out)
}
