//! Embedded-atom method (EAM) potentials in LAMMPS's three file formats: `pair_style eam`
//! (DYNAMO funcfl, one file per element, mixed as LAMMPS mixes them), `eam/alloy` (setfl) and
//! `eam/fs` (Finnis–Sinclair), with the Zhou–Johnson–Wadley 2004 generator.
//!
//! E = sum_i F_{t_i}(rho_i) + 1/2 sum_{i != j} phi_{t_i t_j}(r_ij),
//! rho_i = sum_{j != i} rho_{t_j -> t_i}(r_ij)
//! (Daw & Baskes, Phys. Rev. B 29, 6443 (1984); Finnis & Sinclair, Phil. Mag. A 50, 45 (1984)).
//!
//! Tables are interpolated exactly as LAMMPS does ([`spline`]), funcfl files are brought to one
//! grid as LAMMPS does ([`tables`]), and densities past the tabulated range extend the
//! embedding energy linearly, so energies and forces agree with LAMMPS to round-off.
//!
//! Glossary (LAMMPS `pair_eam.cpp` name: ours): `rho`: density, `fp`: embedding slope F',
//! `frho`: embedding table, `rhor`: density table, `z2r`: r*phi table, `rhomax`: `rho_max`,
//! `rhoip`/`rhojp`: density slopes at j / at i, `psip`: dE/dr, `cutforcesq`: squared cutoff.
//!
//! Module map: [`reader`], [`funcfl`], [`setfl`] read files; [`tables`] holds the common grids;
//! [`spline`] is the interpolation; [`packed`] lays tables out for the kernel; [`passes`] are
//! the density, embedding and force passes; [`reference`] is a plain per-atom implementation for
//! cross-checks; [`lammps`] and [`spec`] build potentials from `pair_style` lines and RON;
//! [`zhou2004`] generates setfl files.

pub mod funcfl;
pub mod lammps;
pub mod packed;
pub mod passes;
pub mod reader;
pub mod reference;
pub mod setfl;
pub mod spec;
pub mod spline;
pub mod tables;
pub mod zhou2004;

pub use funcfl::FuncflFile;
pub use setfl::{SetflFile, SetflLayout};
pub use spec::EamSpec;
pub use tables::EamTables;

use self::packed::{MultiSpeciesTables, PairTables, SingleSpeciesTables};
use self::passes::{DistanceGrid, density_pass, embedding_pass, force_pass};
use self::spline::SplineTable;
use super::{Configuration, ForceOutput, Potential};
use crate::error::Result;
use crate::neighbor::NeighborList;

/// The distance tables in the layout the kernel uses.
#[derive(Clone, Debug)]
enum Kernel {
    /// Every species pair shares one density and one pair function.
    Single(SingleSpeciesTables),
    /// Tables depend on the species.
    Multi(MultiSpeciesTables),
}

/// An EAM potential ready to evaluate.
#[derive(Clone, Debug)]
pub struct Eam {
    style: String,
    tables: EamTables,
    kernel: Kernel,
    /// Embedding table of each species.
    embedding: Vec<SplineTable>,
    grid: DistanceGrid,
    /// Scratch: density of each atom.
    density: Vec<f64>,
    /// Scratch: embedding slope F'(rho) of each atom.
    slope: Vec<f64>,
}

impl Eam {
    /// A potential named `style` (e.g. `eam/alloy`) running on `tables`.
    pub fn new(style: &str, tables: EamTables) -> Result<Self> {
        let ns = tables.nspecies;
        let embedding = (0..ns)
            .map(|s| SplineTable::new(&tables.embedding[tables.embedding_of[s]], tables.drho))
            .collect::<Result<Vec<_>>>()?;
        let shared = tables.density_of.iter().all(|&d| d == tables.density_of[0])
            && tables.pair_of.iter().all(|&p| p == tables.pair_of[0]);
        let kernel = if shared {
            Kernel::Single(SingleSpeciesTables::new(&tables)?)
        } else {
            Kernel::Multi(MultiSpeciesTables::new(&tables)?)
        };
        let grid = DistanceGrid {
            cutoff_squared: tables.cutoff * tables.cutoff,
            inverse_dr: 1.0 / tables.dr,
            points: tables.nr,
        };
        Ok(Eam {
            style: style.to_string(),
            tables,
            kernel,
            embedding,
            grid,
            density: Vec::new(),
            slope: Vec::new(),
        })
    }

    /// The tables the potential runs on.
    pub fn tables(&self) -> &EamTables {
        &self.tables
    }

    /// Host density of each atom [density units] at the last evaluation.
    pub fn densities(&self) -> &[f64] {
        &self.density
    }

    /// Evaluates with the plain per-atom implementation ([`reference`]), for cross-checks.
    pub fn compute_reference(
        &self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
    ) -> Result<()> {
        reference::compute(&self.tables, config, list, out)
    }

    #[allow(clippy::too_many_arguments)]
    fn run<T: PairTables>(
        tables: &T,
        grid: DistanceGrid,
        embedding: &[SplineTable],
        rho_max: f64,
        density: &mut Vec<f64>,
        slope: &mut Vec<f64>,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
    ) {
        density_pass(tables, grid, config, list, density);
        embedding_pass(
            embedding,
            rho_max,
            density,
            config.types,
            &mut out.per_atom_energy,
            slope,
        );
        force_pass(
            tables,
            grid,
            config,
            list,
            slope,
            &mut out.forces,
            &mut out.per_atom_energy,
            &mut out.per_atom_virial,
        );
    }
}

impl Potential for Eam {
    fn name(&self) -> &str {
        &self.style
    }

    fn cutoff(&self) -> f64 {
        self.tables.cutoff
    }

    fn compute(&mut self, config: Configuration<'_>, list: &NeighborList, out: &mut ForceOutput) {
        out.reset(config.positions.len());
        let rho_max = self.tables.rho_max;
        match &self.kernel {
            Kernel::Single(t) => Self::run(
                t,
                self.grid,
                &self.embedding,
                rho_max,
                &mut self.density,
                &mut self.slope,
                config,
                list,
                out,
            ),
            Kernel::Multi(t) => Self::run(
                t,
                self.grid,
                &self.embedding,
                rho_max,
                &mut self.density,
                &mut self.slope,
                config,
                list,
                out,
            ),
        }
        out.sum_per_atom();
    }
}
