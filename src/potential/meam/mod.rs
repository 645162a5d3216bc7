//! The modified embedded-atom method (MEAM) with second-nearest-neighbour terms (2NN MEAM), as
//! LAMMPS `pair_style meam` computes it.
//!
//! E = sum_i F_i(rhobar_i) + 1/2 sum_i sum_{j != i} S_ij f_c(r_ij) phi_ij(r_ij),
//!
//! with angular background densities rhobar (Baskes, Phys. Rev. B 46, 2727 (1992)), many-body
//! screening S_ij (Baskes, Mater. Chem. Phys. 50, 152 (1997)), second-neighbour pair functions
//! (Lee & Baskes, Phys. Rev. B 62, 8564 (2000); Lee, Baskes, Kim & Cho, Phys. Rev. B 64, 184102
//! (2001)); the Fe-Pt parameters of Kim, Koo & Lee, J. Mater. Res. 21, 199 (2006) ship in
//! `potentials/`. Files and conventions are those of the LAMMPS documentation of
//! `pair_style meam` (library file + parameter file).
//!
//! Modules, one concept each: [`lattice`] (reference structures), [`params`] (the parameter set
//! and its defaults), [`reader`] (the two files), [`rose`] (universal energy curve, ZBL),
//! [`embedding`] (F), [`density`] (partial densities, Gamma, G and the density pass),
//! [`screening`] (S_ij, f_c and the screening pass), [`reference`] (phi from the reference
//! structures), [`table`] (phi on LAMMPS's grid), [`model`] (derived constants),
//! [`neighbors`] (the close-neighbour rows) and [`force`] (the force pass).
//!
//! An evaluation runs its passes over fixed blocks of atoms in parallel, each block writing only
//! its own data, so that the result is the same for any number of threads:
//! 1. close-neighbour rows from the Verlet list ([`neighbors`]);
//! 2. screening of every interacting pair, once, by its owner, with the pair's atomic densities
//!    ([`screening::screen_pairs`]), while the two entries of each pair are linked;
//! 3. densities and embedding energies ([`density::density_pass`]);
//! 4. pair and screening forces, once per pair and per screening triplet ([`force::force_pass`]);
//! 5. the gather of each atom's energy, force and virial ([`force::gather`]).
//!
//! Glossary (paper / LAMMPS -> here): S_ij `scrfcn` -> `PairState::screening` (times f_c:
//! `PairState::weight`); `dscrfcn` -> `PairState::dweight`; rho_a^(l) `rhoa` ->
//! `MeamModel::atomic_densities`; `arho1..3b` -> [`density::PartialDensities`]; `frhop` ->
//! `AtomDensity::embedding_derivative`; `phir` -> [`table::RadialTable`]; `ebound` ->
//! `screening_bound`; `rho_ref_meam` -> `rho_ref`; `eltind` pair tables -> `MeamModel::pair_table`.

// Tensor components are written with explicit indices, as in the equations.
#![allow(clippy::needless_range_loop)]

pub mod density;
pub mod embedding;
pub mod force;
pub mod lattice;
pub mod model;
pub mod neighbors;
pub mod params;
pub mod reader;
pub mod reference;
pub mod rose;
pub mod screening;
pub mod table;

use std::path::{Path, PathBuf};

use super::args::LammpsPair;
use super::lanes::KernelPath;
use super::{Configuration, ForceOutput, Potential};
use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::system::{SpeciesTable, element_mass};

use density::AtomDensity;
use force::ForceRecords;
use model::MeamModel;
use neighbors::{BLOCK, CloseList, PairLinks};
use params::MeamParams;
use screening::{PairState, TripletList};

/// Extra radius [A] of the neighbour list beyond the screening radius, so that every pair the
/// close rows keep is present in both directions of the Verlet list even with a zero skin.
const LIST_MARGIN: f64 = 1e-6;

/// Scratch arrays kept between evaluations.
#[derive(Clone, Debug, Default)]
struct Workspace {
    element_of: Vec<Option<u16>>,
    close: CloseList,
    links: PairLinks,
    pairs: Vec<PairState>,
    triplets: TripletList,
    states: Vec<AtomDensity>,
    embedding: Vec<f64>,
    records: ForceRecords,
}

/// A MEAM potential ready to evaluate.
#[derive(Clone, Debug)]
pub struct Meam {
    model: MeamModel,
    /// MEAM element of each species (None: the species does not interact).
    element_of_species: Vec<Option<u16>>,
    /// The lanes the screening search runs on.
    path: KernelPath,
    work: Workspace,
}

impl Meam {
    /// Reads a library file and a parameter file (`None` for LAMMPS's `NULL`) for `elements`
    /// (in the order the parameter file numbers them) and maps species `s` to element
    /// `species_elements[s]` (None: not a MEAM atom).
    pub fn from_files(
        library: &Path,
        elements: &[&str],
        parameters: Option<&Path>,
        species_elements: &[Option<usize>],
    ) -> Result<Self> {
        let lib = reader::read_library(library, elements)?;
        let mut params = MeamParams::with_defaults(lib);
        if let Some(path) = parameters {
            reader::read_parameters(path, &mut params)?;
        }
        let params = params.complete().map_err(|e| match parameters {
            Some(p) => e.in_file(p),
            None => e.in_file(library),
        })?;
        Ok(Self::new(params, species_elements))
    }

    /// A potential from completed parameters and the species-to-element map.
    pub fn new(params: MeamParams, species_elements: &[Option<usize>]) -> Self {
        Meam {
            model: MeamModel::new(params),
            element_of_species: species_elements
                .iter()
                .map(|e| e.map(|x| x as u16))
                .collect(),
            path: KernelPath::detect(),
            work: Workspace::default(),
        }
    }

    /// The lane implementation the screening search runs on (the fastest this CPU has, unless
    /// set).
    pub fn kernel_path(&self) -> KernelPath {
        self.path
    }

    /// Chooses the lane implementation of the screening search (results are the same bit for
    /// bit); an error if this CPU cannot run it.
    pub fn set_kernel_path(&mut self, path: KernelPath) -> Result<()> {
        self.path = path.require("MEAM")?;
        Ok(())
    }

    /// The prepared model (parameters, tables).
    pub fn model(&self) -> &MeamModel {
        &self.model
    }

    /// Builds the potential from `pair_style meam` and `pair_coeff * * LIB El1 El2 ... PARAM
    /// map1 map2 ...` (PARAM may be `NULL`; a map word is an element name or `NULL`, one per
    /// species). Relative file names are resolved against `base_dir`.
    pub fn from_lammps(
        pair: &LammpsPair<'_>,
        species: &SpeciesTable,
        base_dir: &Path,
    ) -> Result<Self> {
        let coeff = the_coeff_line(pair)?;
        let resolve = |w: &str| -> PathBuf {
            let p = Path::new(w);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir.join(p)
            }
        };
        let library = resolve(coeff[2]);
        if !library.is_file() {
            return Err(Error::invalid(format!(
                "pair_coeff: MEAM library file {} not found",
                library.display()
            )));
        }
        let par_idx = parameter_file_index(coeff, &resolve)?;
        let elements = distinct_elements(&coeff[3..par_idx])?;
        let species_elements = map_species(&coeff[par_idx + 1..], &elements, species)?;
        let parameters = (coeff[par_idx] != "NULL").then(|| resolve(coeff[par_idx]));
        Self::from_files(
            &library,
            &elements,
            parameters.as_deref(),
            &species_elements,
        )
    }
}

/// The words of `pair_coeff * * LIBRARY El1 [El2 ...] PARAMETERS|NULL map1 [map2 ...]`.
const COEFF_USAGE: &str = "pair_coeff * * LIBRARY El1 [El2 ...] PARAMETERS|NULL map1 [map2 ...]";

/// The one `pair_coeff` line of `pair_style meam` (no style arguments), checked to start
/// `* * LIBRARY` and to have room for an element, a parameter file and a map.
fn the_coeff_line<'p, 'a>(pair: &'p LammpsPair<'a>) -> Result<&'p [&'a str]> {
    if pair.style_args.first() == Some(&"ms") {
        return Err(Error::invalid(
            "pair_style meam ms: multi-state MEAM (the ms keyword) is not supported",
        ));
    }
    if !pair.style_args.is_empty() {
        return Err(Error::invalid(format!(
            "pair_style meam takes no arguments, got \"{}\"",
            pair.style_args.join(" ")
        )));
    }
    let [coeff] = pair.coeffs.as_slice() else {
        return Err(Error::invalid(format!(
            "pair_style meam needs exactly one pair_coeff line, got {}",
            pair.coeffs.len()
        )));
    };
    if coeff.len() < 6 || coeff[0] != "*" || coeff[1] != "*" {
        return Err(Error::invalid(format!(
            "pair_coeff \"{}\": meam needs {COEFF_USAGE}",
            coeff.join(" ")
        )));
    }
    Ok(coeff)
}

/// Index in `coeff` of the parameter file. As LAMMPS: the first word after at least one
/// element that is NULL or names an existing file (`resolve` gives a word's path).
fn parameter_file_index(coeff: &[&str], resolve: &dyn Fn(&str) -> PathBuf) -> Result<usize> {
    (4..coeff.len())
        .find(|&k| coeff[k] == "NULL" || resolve(coeff[k]).is_file())
        .ok_or_else(|| {
            Error::invalid(format!(
                "pair_coeff \"{}\": no MEAM parameter file (or NULL) found after the element \
                 names; meam needs {COEFF_USAGE}",
                coeff.join(" ")
            ))
        })
}

/// The library's element names as listed, refused if one is named twice.
fn distinct_elements<'a>(names: &[&'a str]) -> Result<Vec<&'a str>> {
    for (k, e) in names.iter().enumerate() {
        if names[..k].contains(e) {
            return Err(Error::invalid(format!(
                "pair_coeff: element {e} is named twice in the MEAM element list"
            )));
        }
    }
    Ok(names.to_vec())
}

/// The MEAM element of each species from the map words after the parameter file (`NULL`: the
/// species does not interact). A species named as a chemical element must map to that element,
/// and at least one species must interact.
fn map_species(
    maps: &[&str],
    elements: &[&str],
    species: &SpeciesTable,
) -> Result<Vec<Option<usize>>> {
    if maps.len() != species.len() {
        return Err(Error::invalid(format!(
            "pair_coeff: {} species but {} element names after the parameter file ({})",
            species.len(),
            maps.len(),
            maps.join(" ")
        )));
    }
    let mut species_elements = Vec::with_capacity(maps.len());
    for (s, &m) in maps.iter().enumerate() {
        if m == "NULL" {
            species_elements.push(None);
            continue;
        }
        let Some(e) = elements.iter().position(|&x| x == m) else {
            return Err(Error::invalid(format!(
                "pair_coeff: species {} ({}) is mapped to {m}, which is not among the MEAM \
                 elements {}",
                s + 1,
                species.names[s],
                elements.join(" ")
            )));
        };
        let name = &species.names[s];
        if element_mass(name).is_some() && element_mass(m).is_some() && name != m {
            return Err(Error::invalid(format!(
                "pair_coeff: species {} is {name} but is mapped to MEAM element {m}",
                s + 1
            )));
        }
        species_elements.push(Some(e));
    }
    if species_elements.iter().all(Option::is_none) {
        return Err(Error::invalid(
            "pair_coeff: every species is mapped to NULL; nothing interacts",
        ));
    }
    Ok(species_elements)
}

/// One interacting pair and its screening, for diagnostics and tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenedPair {
    /// First atom (the pair's owner in the neighbour list).
    pub i: usize,
    /// Second atom.
    pub j: usize,
    /// Distance [A].
    pub r: f64,
    /// Many-body screening S_ij.
    pub screening: f64,
    /// Pair weight S_ij f_c(r_ij).
    pub weight: f64,
}

impl Meam {
    /// Screening of every interacting pair (r < rc) of `config`, each pair once.
    pub fn screened_pairs(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
    ) -> Vec<ScreenedPair> {
        self.prepare(config, list);
        let w = &self.work;
        let mut pairs = Vec::new();
        for i in 0..w.close.len() {
            let (rows, range) = w.close.row(i);
            for e in range {
                let entry = &rows.entries[e];
                if entry.owned && entry.interacting {
                    let p = &w.pairs[w.links.pair(i / BLOCK, e) as usize];
                    pairs.push(ScreenedPair {
                        i,
                        j: entry.j as usize,
                        r: p.r,
                        screening: p.screening,
                        weight: p.weight,
                    });
                }
            }
        }
        pairs
    }

    /// The close-neighbour rows and the screening pass for `config`.
    fn prepare(&mut self, config: Configuration<'_>, list: &NeighborList) {
        let w = &mut self.work;
        w.element_of.clear();
        w.element_of.extend(
            config
                .types
                .iter()
                .map(|&t| self.element_of_species.get(t as usize).copied().flatten()),
        );
        w.close.rebuild(
            config.positions,
            &w.element_of,
            list,
            self.model.screening_radius,
            self.model.cutoff,
        );
        w.pairs.resize(w.close.pairs(), PairState::default());
        // The two sides of each pair are linked (a sequential sweep) while the pairs are
        // screened by their owners.
        let (model, close, path) = (&self.model, &w.close, self.path);
        let (links, pairs, triplets) = (&mut w.links, &mut w.pairs, &mut w.triplets);
        rayon::join(
            || links.link(close, list),
            || screening::screen_pairs(model, close, pairs, triplets, path),
        );
    }
}

impl Potential for Meam {
    fn name(&self) -> &str {
        "meam"
    }

    fn file_masses(&self) -> Vec<Option<f64>> {
        let elements = &self.model.params.elements;
        self.element_of_species
            .iter()
            .map(|e| e.map(|e| elements[usize::from(e)].mass))
            .collect()
    }

    fn cutoff(&self) -> f64 {
        self.model.screening_radius + LIST_MARGIN
    }

    /// Twice the cutoff: the force on an atom depends on the densities of the atoms within the
    /// cutoff (neighbours, and pairs it screens), and those on the atoms within the cutoff of
    /// them (their neighbours and screeners).
    fn ghost_range(&self) -> f64 {
        2.0 * self.cutoff()
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

impl Meam {
    /// One evaluation: forces always; energies and virials only with `energies` (the forces
    /// are the same bit for bit either way).
    fn evaluate(
        &mut self,
        config: Configuration<'_>,
        list: &NeighborList,
        out: &mut ForceOutput,
        energies: bool,
    ) {
        let n = config.positions.len();
        self.prepare(config, list);
        let w = &mut self.work;
        w.states.resize(n, AtomDensity::default());
        w.embedding.resize(n, 0.0);
        // The screening-atom index (sequential) is built while the densities are summed.
        let (model, close, links, pairs) = (&self.model, &w.close, &w.links, &w.pairs);
        let (states, embedding, triplets) = (&mut w.states, &mut w.embedding, &mut w.triplets);
        rayon::join(
            || triplets.index_screeners(n),
            || density::density_pass(model, close, links, pairs, states, embedding),
        );
        w.records.resize(w.pairs.len(), w.triplets.len());
        force::force_pass(
            &self.model,
            &w.close,
            &w.pairs,
            &w.triplets,
            &w.states,
            &mut w.records,
            energies,
        );
        let inputs = force::GatherInputs {
            close: &w.close,
            links: &w.links,
            triplets: &w.triplets,
            records: &w.records,
            embedding: &w.embedding,
        };
        if energies {
            force::gather(&inputs, out);
        } else {
            force::gather_forces(&inputs, out);
        }
    }
}
