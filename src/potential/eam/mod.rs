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
//! the density, embedding and force passes, four pairs at a time on
//! [`crate::potential::lanes`]; [`reference`] is
//! a plain per-atom implementation for cross-checks; [`lammps`] and [`spec`] build potentials
//! from `pair_style` lines and RON; [`zhou2004`] generates setfl files.

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
pub use crate::potential::lanes::KernelPath;

use self::passes::{
    DistanceGrid, Padded, PairInput, PairSums, density_pass, embedding_pass, force_pass,
};
use self::spline::SplineTable;
use super::{Configuration, ForceOutput, Potential};
use crate::error::Result;
use crate::neighbor::{ListKind, NeighborList};
use crate::system::Vec3;
use rayon::prelude::*;

/// The distance tables in the layout the kernel uses.
#[derive(Clone, Debug)]
enum Kernel {
    /// Every species pair shares one density and one pair function.
    Single(SingleSpeciesTables),
    /// Tables depend on the species.
    Multi(MultiSpeciesTables),
    /// Placeholder while the tables are lent to an evaluation.
    Empty,
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
    /// Lane implementation of the pair passes.
    path: KernelPath,
    /// Scratch: positions and image translations, padded for the pair passes.
    positions: Vec<Padded>,
    shifts: Vec<Padded>,
    /// Scratch: density of each atom.
    density: Vec<f64>,
    /// Scratch: embedding slope F'(rho) of each atom.
    slope: Vec<f64>,
    /// Scratch: embedding energy of each atom.
    embedding_energy: Vec<f64>,
    /// Scratch: force on each atom (its pair energy and virial go to the output directly).
    forces: Vec<Padded>,
    /// Whether outputs carry per-atom virials ([`Potential::set_per_atom_virials`]).
    per_atom_virials: bool,
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
            path: KernelPath::detect(),
            positions: Vec::new(),
            shifts: Vec::new(),
            density: Vec::new(),
            slope: Vec::new(),
            embedding_energy: Vec::new(),
            forces: Vec::new(),
            per_atom_virials: false,
        })
    }

    /// The lane implementation the pair passes run on (the fastest this CPU has, unless set).
    pub fn kernel_path(&self) -> KernelPath {
        self.path
    }

    /// Chooses the lane implementation of the pair passes (results are the same bit for bit);
    /// an error if this CPU cannot run it.
    pub fn set_kernel_path(&mut self, path: KernelPath) -> Result<()> {
        self.path = path.require("EAM")?;
        Ok(())
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

    /// The density and embedding passes with the tables of type `T`: densities, embedding
    /// energies and slopes of every atom.
    fn run_densities<T: PairTables>(
        &mut self,
        tables: &T,
        config: Configuration<'_>,
        list: &NeighborList,
    ) {
        let n = config.positions.len();
        self.positions.resize(n, Padded::default());
        self.positions
            .par_iter_mut()
            .zip(config.positions.par_iter())
            .with_min_len(1024)
            .for_each(|(p, x)| *p = Padded::new(x.x, x.y, x.z));
        self.shifts.clear();
        self.shifts
            .extend(list.shifts().iter().map(|s| Padded::new(s.x, s.y, s.z)));
        let mut density = std::mem::take(&mut self.density);
        density_pass(&self.pair_input(tables, config, list), &mut density);
        self.density = density;
        self.embedding_energy.resize(n, 0.0);
        embedding_pass(
            &self.embedding,
            self.tables.rho_max,
            &self.density,
            config.types,
            &mut self.embedding_energy,
            &mut self.slope,
        );
    }

    /// What the pair passes read: the tables, the padded positions and shifts of the last
    /// [`Eam::run_densities`], and `config`'s species.
    fn pair_input<'a, T: PairTables>(
        &'a self,
        tables: &'a T,
        config: Configuration<'a>,
        list: &'a NeighborList,
    ) -> PairInput<'a, T> {
        PairInput {
            tables,
            grid: self.grid,
            types: config.types,
            list,
            positions: &self.positions,
            shifts: &self.shifts,
            path: self.path,
        }
    }

    /// The force pass with the tables of type `T` and the slopes in `self.slope`, then the
    /// per-atom results into `out` (only the forces unless `energies`).
    fn run_forces<T: PairTables>(
        &mut self,
        tables: &T,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        let n = config.positions.len();
        out.resize_without_per_atom_virials(n);
        // The pair energies go straight into `out`'s per-atom energies, the virial into its sum.
        let sums = energies.then_some(PairSums {
            energy: &mut out.per_atom_energy,
            virial: &mut out.virial,
            atom_virial: self.per_atom_virials.then_some(&mut out.per_atom_virial),
        });
        let mut forces = std::mem::take(&mut self.forces);
        force_pass(
            &self.pair_input(tables, config, list),
            &self.slope,
            &mut forces,
            sums,
        );
        self.forces = forces;
        let forces = &self.forces;
        if !energies {
            out.forces
                .par_iter_mut()
                .zip(forces.par_iter())
                .with_min_len(1024)
                .for_each(|(f, p)| *f = Vec3::new(p.0[0], p.0[1], p.0[2]));
            return;
        }
        let embedding_energy = &self.embedding_energy;
        out.forces
            .par_iter_mut()
            .zip(out.per_atom_energy.par_iter_mut())
            .enumerate()
            .with_min_len(1024)
            .for_each(|(i, (f, e))| {
                let p = &forces[i].0;
                *f = Vec3::new(p[0], p[1], p[2]);
                // The atom's pair energy plus its embedding energy (the sum is exact in either
                // order: IEEE addition commutes).
                *e += embedding_energy[i];
            });
        out.sum_energies();
    }

    /// Runs `f` with the kernel tables lent out, so that it may borrow `self` mutably.
    fn with_kernel(&mut self, f: impl FnOnce(&mut Self, &Kernel)) {
        let kernel = std::mem::replace(&mut self.kernel, Kernel::Empty);
        f(self, &kernel);
        self.kernel = kernel;
    }

    /// The density and embedding passes (the first part of an evaluation).
    fn density_passes(&mut self, config: Configuration<'_>, list: &NeighborList) {
        self.with_kernel(|eam, kernel| match kernel {
            Kernel::Single(t) => eam.run_densities(t, config, list),
            Kernel::Multi(t) => eam.run_densities(t, config, list),
            Kernel::Empty => unreachable!("the kernel is always restored"),
        });
    }

    /// The force pass and the output (the second part of an evaluation).
    fn force_passes(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        self.with_kernel(|eam, kernel| match kernel {
            Kernel::Single(t) => eam.run_forces(t, config, list, out, energies),
            Kernel::Multi(t) => eam.run_forces(t, config, list, out, energies),
            Kernel::Empty => unreachable!("the kernel is always restored"),
        });
    }

    /// A whole evaluation: the three passes, then the per-atom results into `out`.
    fn evaluate(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        self.density_passes(config, list);
        self.force_passes(config, list, out, energies);
    }
}

impl Potential for Eam {
    fn name(&self) -> &str {
        &self.style
    }

    fn file_masses(&self) -> Vec<Option<f64>> {
        self.tables.masses.iter().map(|&m| Some(m)).collect()
    }

    fn cutoff(&self) -> f64 {
        self.tables.cutoff
    }

    /// The passes visit each pair once: a half list (they also accept a full one).
    fn neighbor_list_kind(&self) -> ListKind {
        ListKind::Half
    }

    /// The embedding slope F'(rho): the force on an atom depends on its neighbours' slopes,
    /// hence on their neighbours' positions (exchanged, the ghosts need only reach the cutoff).
    fn halo_width(&self) -> usize {
        1
    }

    fn compute_halo(&mut self, config: Configuration<'_>, list: &NeighborList) {
        self.density_passes(config, list);
    }

    fn halo(&mut self) -> &mut [f64] {
        &mut self.slope
    }

    fn compute_after_halo(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        self.force_passes(config, list, out, energies);
    }

    fn set_per_atom_virials(&mut self, wanted: bool) {
        self.per_atom_virials = wanted;
    }

    fn compute(&mut self, config: Configuration<'_>, list: &NeighborList, out: &mut ForceOutput) {
        self.evaluate(config, list, out, true);
    }

    fn compute_forces(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
    ) {
        self.evaluate(config, list, out, false);
    }
}
