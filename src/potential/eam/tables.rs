//! The tables an EAM potential runs on, after LAMMPS's conversion of the file(s) to one grid
//! (`pair_eam*.cpp` `file2array`): embedding energies on a density grid, densities and r*phi on
//! a distance grid, and which table each species (pair) uses.

use super::funcfl::{FuncflFile, HARTREE_BOHR, resample};
use super::setfl::{SetflFile, SetflLayout, pair_index};
use crate::error::{Error, Result};

/// Tabulated EAM functions on common grids, with the species-to-table maps.
#[derive(Clone, Debug, PartialEq)]
pub struct EamTables {
    /// Density grid spacing.
    pub drho: f64,
    /// Number of density grid points.
    pub nrho: usize,
    /// Largest tabulated density; beyond it the embedding energy is extrapolated linearly.
    pub rho_max: f64,
    /// Distance grid spacing [A].
    pub dr: f64,
    /// Number of distance grid points.
    pub nr: usize,
    /// Interaction cutoff [A].
    pub cutoff: f64,
    /// Embedding energy tables F [eV] at rho = k drho.
    pub embedding: Vec<Vec<f64>>,
    /// Density tables at r = k dr.
    pub density: Vec<Vec<f64>>,
    /// r * phi tables [eV A] at r = k dr.
    pub pair: Vec<Vec<f64>>,
    /// Number of species.
    pub nspecies: usize,
    /// Embedding table of each species.
    pub embedding_of: Vec<usize>,
    /// Density table for the density an atom of species `s` contributes at an atom of species
    /// `t`, at index `s * nspecies + t`.
    pub density_of: Vec<usize>,
    /// Pair table of species `a` and `b` at index `a * nspecies + b` (symmetric).
    pub pair_of: Vec<usize>,
    /// Mass of each species as its file gives it [g/mol]: LAMMPS's eam styles set the atom
    /// types' masses from the files.
    pub masses: Vec<f64>,
}

impl EamTables {
    /// Tables for a setfl or Finnis–Sinclair file, with species `k` mapped to file element
    /// `elements[k]` (LAMMPS `pair_coeff * * file E1 E2 ...`).
    pub fn from_setfl(file: &SetflFile, elements: &[usize]) -> Result<Self> {
        file.check()?;
        let ns = elements.len();
        let nel = file.elements.len();
        if let Some(&e) = elements.iter().find(|&&e| e >= nel) {
            return Err(Error::invalid(format!(
                "element index {e} outside the file's {nel} elements"
            )));
        }
        let mut density_of = vec![0; ns * ns];
        let mut pair_of = vec![0; ns * ns];
        for s in 0..ns {
            for t in 0..ns {
                density_of[s * ns + t] = match file.layout {
                    SetflLayout::Alloy => elements[s],
                    SetflLayout::FinnisSinclair => elements[s] * nel + elements[t],
                };
                pair_of[s * ns + t] = pair_index(elements[s], elements[t]);
            }
        }
        let nrho = file.nrho();
        Ok(EamTables {
            drho: file.drho,
            nrho,
            rho_max: (nrho - 1) as f64 * file.drho,
            dr: file.dr,
            nr: file.nr(),
            cutoff: file.cutoff,
            embedding: file.embedding.clone(),
            density: file.density.clone(),
            pair: file.pair.clone(),
            nspecies: ns,
            embedding_of: elements.to_vec(),
            density_of,
            pair_of,
            masses: elements.iter().map(|&e| file.elements[e].mass).collect(),
        })
    }

    /// Tables for funcfl files, with species `k` using `files[assignment[k]]`, brought onto one
    /// grid as LAMMPS does: the largest spacings and the largest extents of the files in use;
    /// `nr = round(r_extent / dr)`, `nrho = round(rho_extent / drho)` points; every table
    /// resampled with [`resample`]; unlike pairs mixed as `r phi = 27.2 * 0.529 Z_i Z_j`. The
    /// cutoff is the largest of all `files` (LAMMPS takes every file named in a `pair_coeff`).
    pub fn from_funcfl(files: &[FuncflFile], assignment: &[usize]) -> Result<Self> {
        if files.is_empty() || assignment.iter().any(|&a| a >= files.len()) {
            return Err(Error::invalid("funcfl: a species has no file"));
        }
        let active = |k: usize| assignment.contains(&k);
        let (mut dr, mut drho, mut r_extent, mut rho_extent) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for (k, f) in files.iter().enumerate() {
            if !active(k) {
                continue;
            }
            dr = dr.max(f.dr);
            drho = drho.max(f.drho);
            r_extent = r_extent.max((f.nr() - 1) as f64 * f.dr);
            rho_extent = rho_extent.max((f.nrho() - 1) as f64 * f.drho);
        }
        // LAMMPS truncates x + 0.5 to an int.
        let nr = (r_extent / dr + 0.5) as usize;
        let nrho = (rho_extent / drho + 0.5) as usize;
        if nr < 5 || nrho < 5 {
            return Err(Error::invalid(
                "funcfl: the common grid has fewer than 5 points",
            ));
        }
        let embedding = files
            .iter()
            .map(|f| {
                (0..nrho)
                    .map(|m| resample(&f.embedding, f.drho, m as f64 * drho))
                    .collect()
            })
            .collect();
        let density = files
            .iter()
            .map(|f| {
                (0..nr)
                    .map(|m| resample(&f.density, f.dr, m as f64 * dr))
                    .collect()
            })
            .collect();
        let mut pair = Vec::new();
        for (a, fa) in files.iter().enumerate() {
            for fb in &files[..=a] {
                pair.push(
                    (0..nr)
                        .map(|m| {
                            let r = m as f64 * dr;
                            let za = resample(&fa.charge, fa.dr, r);
                            let zb = resample(&fb.charge, fb.dr, r);
                            HARTREE_BOHR * za * zb
                        })
                        .collect(),
                );
            }
        }
        let ns = assignment.len();
        let mut density_of = vec![0; ns * ns];
        let mut pair_of = vec![0; ns * ns];
        for s in 0..ns {
            for t in 0..ns {
                density_of[s * ns + t] = assignment[s];
                pair_of[s * ns + t] = pair_index(assignment[s], assignment[t]);
            }
        }
        Ok(EamTables {
            drho,
            nrho,
            rho_max: rho_extent,
            dr,
            nr,
            cutoff: files.iter().map(|f| f.cutoff).fold(0.0, f64::max),
            embedding,
            density,
            pair,
            nspecies: ns,
            embedding_of: assignment.to_vec(),
            density_of,
            pair_of,
            masses: assignment.iter().map(|&k| files[k].mass).collect(),
        })
    }
}
