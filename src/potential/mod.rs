//! Interatomic potentials behind one small interface.
//!
//! A [`Potential`] reads positions and species through a [`Configuration`] and a
//! [`NeighborList`] of the kind it declares (full or half, [`Potential::neighbor_list_kind`]),
//! and fills a [`ForceOutput`]: total and per-atom energy [eV], forces [eV/A] and virial [eV].
//! Every implementation must give bitwise identical results for any number of threads: each
//! atom's sums run in a fixed order (neighbour-list order, or the half-list schedule's), and
//! totals are reduced over per-atom arrays in fixed-size chunks ([`deterministic_sum`]).
//!
//! Layers, each importing only those above it: [`args`] (the words of LAMMPS pair commands);
//! [`pair`] (the pair loops and the per-type-pair parameter table); the styles [`lj`],
//! [`morse`], [`eam`], [`meam`]; [`lammps`] (the style registry, which builds a style from a
//! `pair_style` line) and `spec` (RON inputs). Pair potentials supply only a
//! [`pair::PairKernel`] and a [`pair::PairTable`] of their parameters; the neighbour loops,
//! cutoff test, per-atom energies and virial are written once in [`pair`].

pub mod args;
pub mod eam;
pub mod lammps;
pub mod lanes;
pub mod lj;
pub mod meam;
pub mod morse;
pub mod pair;
mod spec;

use rayon::prelude::*;

pub use spec::{PotentialSpec, build_potential};

use crate::neighbor::{ListKind, NeighborList};
use crate::system::Vec3;

/// What a potential reads: positions [A] and species indices of the atoms.
#[derive(Clone, Copy, Debug)]
pub struct Configuration<'a> {
    /// Positions [A] (wrapped as when the neighbour list was built, plus motion since).
    pub positions: &'a [Vec3],
    /// Species index of each atom.
    pub types: &'a [u32],
}

/// Energies, forces and virial of one configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForceOutput {
    /// Total potential energy [eV].
    pub energy: f64,
    /// Potential energy of each atom [eV] (LAMMPS `compute pe/atom` convention: pair energies
    /// split equally between the two atoms).
    pub per_atom_energy: Vec<f64>,
    /// Force on each atom [eV/A].
    pub forces: Vec<Vec3>,
    /// Virial of each atom [eV] (xx yy zz xy xz yz), LAMMPS `compute stress/atom` without the
    /// kinetic part and without dividing by a volume. Empty for potentials that sum the virial
    /// without per-atom parts (EAM, to save 48 bytes per atom; see
    /// [`ForceOutput::resize_without_per_atom_virials`]).
    pub per_atom_virial: Vec<[f64; 6]>,
    /// Total virial W = sum over pairs of r_ij (x) f_ij [eV] (xx yy zz xy xz yz).
    pub virial: [f64; 6],
}

impl ForceOutput {
    /// Sizes the per-atom arrays for `n` atoms and zeroes everything.
    pub fn reset(&mut self, n: usize) {
        self.energy = 0.0;
        self.virial = [0.0; 6];
        self.per_atom_energy.clear();
        self.per_atom_energy.resize(n, 0.0);
        self.forces.clear();
        self.forces.resize(n, Vec3::zeros());
        self.per_atom_virial.clear();
        self.per_atom_virial.resize(n, [0.0; 6]);
    }

    /// Sizes the per-atom arrays for `n` atoms without clearing them (for potentials that
    /// overwrite every element).
    pub fn resize(&mut self, n: usize) {
        self.per_atom_energy.resize(n, 0.0);
        self.forces.resize(n, Vec3::zeros());
        self.per_atom_virial.resize(n, [0.0; 6]);
    }

    /// Sizes the forces and per-atom energies for `n` atoms without clearing them, and frees
    /// the per-atom virials: for potentials that overwrite every force and energy and sum the
    /// virial themselves (then [`ForceOutput::sum_energies`]).
    pub fn resize_without_per_atom_virials(&mut self, n: usize) {
        self.per_atom_energy.resize(n, 0.0);
        self.forces.resize(n, Vec3::zeros());
        self.per_atom_virial = Vec::new();
    }

    /// Sets `energy` from the per-atom energies, in an order independent of threads.
    pub fn sum_energies(&mut self) {
        self.energy = deterministic_sum(&self.per_atom_energy, |&e| e);
    }

    /// Sets `energy` and `virial` from the per-atom arrays, in an order independent of threads.
    pub fn sum_per_atom(&mut self) {
        self.sum_energies();
        for k in 0..6 {
            self.virial[k] = deterministic_sum(&self.per_atom_virial, |v| v[k]);
        }
    }

    /// Index of the first atom whose force (or, with `energies`, energy) is not finite.
    pub fn first_non_finite(&self, energies: bool) -> Option<usize> {
        /// Atoms checked together with a plain loop: no per-atom synchronisation.
        const CHUNK: usize = 4096;
        let finite = |k: usize| {
            let f = &self.forces[k];
            f.x.is_finite()
                && f.y.is_finite()
                && f.z.is_finite()
                && (!energies || self.per_atom_energy[k].is_finite())
        };
        let n = self.forces.len();
        let chunk = (0..n.div_ceil(CHUNK)).into_par_iter().position_first(|c| {
            let range = c * CHUNK..((c + 1) * CHUNK).min(n);
            // Non-short-circuit `&`, so that the loops vectorise.
            let forces = self.forces[range.clone()].iter().fold(true, |ok, f| {
                ok & f.x.is_finite() & f.y.is_finite() & f.z.is_finite()
            });
            let energy = !energies
                || self.per_atom_energy[range]
                    .iter()
                    .fold(true, |ok, e| ok & e.is_finite());
            !(forces && energy)
        })?;
        (chunk * CHUNK..n).find(|&k| !finite(k))
    }
}

/// An interatomic potential.
pub trait Potential: Send + Sync {
    /// The style, as a LAMMPS user would name it (e.g. `lj/cut`).
    fn name(&self) -> &str;

    /// Largest interaction distance [A]; the neighbour list holds at least this.
    fn cutoff(&self) -> f64;

    /// The neighbour list the potential wants from a [`crate::md::ForceEngine`]: full (default)
    /// or half. Whatever it declares, `compute` must also accept a full list (tests and
    /// analyses build full lists).
    fn neighbor_list_kind(&self) -> ListKind {
        ListKind::Full
    }

    /// The mass of each species that the potential's files give [g/mol] (None where a file gives
    /// none, or for potentials without files). LAMMPS's file-based styles (eam, eam/alloy,
    /// eam/fs, meam) set the atom types' masses from their files, and so does a run.
    fn file_masses(&self) -> Vec<Option<f64>> {
        Vec::new()
    }

    /// How far [A] the force on an atom reaches: it depends on the positions of atoms within
    /// this distance only, once the halo values ([`Potential::halo_width`]) of those atoms are
    /// known (with every atom within it known, a rank of a domain decomposition computes the
    /// force completely, see [`crate::domain`]). Pair potentials and EAM: the cutoff.
    fn ghost_range(&self) -> f64 {
        self.cutoff()
    }

    /// Numbers per atom that the force pass reads from an atom's neighbours and that depend
    /// on the neighbours' own surroundings (EAM: 1, the embedding slope F'(rho)); 0 (the
    /// default) for potentials without such a pass. A domain decomposition exchanges them
    /// between ranks (LAMMPS's forward communication) between [`Potential::compute_halo`] and
    /// [`Potential::compute_after_halo`], so that ghosts need only reach [`Potential::ghost_range`].
    fn halo_width(&self) -> usize {
        0
    }

    /// First part of an evaluation split for a domain decomposition: computes every atom's
    /// halo values ([`Potential::halo_width`] per atom, atom after atom), exact for the atoms
    /// whose neighbours within the cutoff are all in `config`, and keeps them for
    /// [`Potential::halo`]. Does nothing for potentials without halo values.
    fn compute_halo(&mut self, _config: Configuration<'_>, _list: &NeighborList) {}

    /// The halo values of the last [`Potential::compute_halo`], to be completed by the caller
    /// (values of atoms whose neighbourhood the caller does not see, from whoever sees it).
    fn halo(&mut self) -> &mut [f64] {
        &mut []
    }

    /// Second part of a split evaluation: as [`Potential::compute`] (with `energies`) or
    /// [`Potential::compute_forces`], using the halo values as completed by the caller, for the
    /// same `config` and `list` as [`Potential::compute_halo`]. Potentials without halo values
    /// just evaluate.
    fn compute_after_halo(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        if energies {
            self.compute(config, list, out);
        } else {
            self.compute_forces(config, list, out);
        }
    }

    /// Asks for (or stops asking for) per-atom virials in the output of [`Potential::compute`]:
    /// potentials that only sum the virial by default (EAM) fill `per_atom_virial` while asked.
    /// Potentials that always fill it ignore the call.
    fn set_per_atom_virials(&mut self, _wanted: bool) {}

    /// Computes energies, forces and virial of `config` into `out` (resized as needed). Takes
    /// `&mut self` so that a potential can keep scratch arrays between calls.
    fn compute(&mut self, config: Configuration<'_>, list: &NeighborList, out: &mut ForceOutput);

    /// Like [`Potential::compute`], but only `out.forces` must be set: energies and virials may
    /// be left stale (as LAMMPS skips them on steps without thermodynamic output). The forces
    /// are the same as those of `compute`, bit for bit.
    fn compute_forces(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
    ) {
        self.compute(config, list, out);
    }
}

/// Number of elements summed serially before partial sums are combined.
const SUM_CHUNK: usize = 1024;

/// Sums `f(x)` over `items` in fixed-size chunks combined in order: the result is the same for any
/// number of threads, and the error grows more slowly than a plain serial sum.
pub fn deterministic_sum<T: Sync>(items: &[T], f: impl Fn(&T) -> f64 + Sync) -> f64 {
    let partial: Vec<f64> = items
        .par_chunks(SUM_CHUNK)
        .map(|c| c.iter().map(&f).sum::<f64>())
        .collect();
    partial.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_finite_finds_the_first_bad_atom_across_chunks() {
        let mut out = ForceOutput::default();
        out.resize(10_000);
        assert_eq!(out.first_non_finite(true), None);
        out.forces[9_000].y = f64::NAN;
        assert_eq!(out.first_non_finite(false), Some(9_000));
        out.per_atom_energy[5_000] = f64::INFINITY;
        assert_eq!(out.first_non_finite(false), Some(9_000));
        assert_eq!(out.first_non_finite(true), Some(5_000));
        out.forces[4_095].z = f64::NEG_INFINITY;
        assert_eq!(out.first_non_finite(false), Some(4_095));
        out.forces[7].x = f64::NAN;
        assert_eq!(out.first_non_finite(true), Some(7));
    }
}
