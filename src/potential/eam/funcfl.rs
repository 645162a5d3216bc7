//! The DYNAMO `funcfl` format (LAMMPS `pair_style eam`): one element per file.
//!
//! Layout (numbers after line 3 may wrap across lines freely):
//! 1. comment;
//! 2. atomic number, mass [g/mol] (then lattice constant and lattice, ignored);
//! 3. `Nrho drho Nr dr cutoff`;
//! 4. `Nrho` values of the embedding energy F(rho) [eV] at rho = 0, drho, ...;
//! 5. `Nr` values of the effective charge Z(r) [sqrt(eV Hartree-Bohr units)] at r = 0, dr, ...;
//! 6. `Nr` values of the electron density rho(r) at r = 0, dr, ...
//!
//! The pair energy of two funcfl atoms is `phi(r) = 27.2 * 0.529 * Z_i(r) Z_j(r) / r` [eV]
//! (Hartree [eV] times Bohr radius [A], with LAMMPS's rounded constants), which is also how
//! LAMMPS mixes different funcfl elements.

use std::path::Path;

use super::reader::{TableReader, field_f64, field_usize};
use crate::error::Result;
use crate::io::read_text;

/// Hartree energy times Bohr radius [eV A], as LAMMPS writes it (27.2 * 0.529).
pub const HARTREE_BOHR: f64 = 27.2 * 0.529;

/// One funcfl file, as read.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncflFile {
    /// The first line.
    pub comment: String,
    /// Atomic number.
    pub atomic_number: u32,
    /// Mass [g/mol].
    pub mass: f64,
    /// Density grid spacing.
    pub drho: f64,
    /// Distance grid spacing [A].
    pub dr: f64,
    /// Cutoff [A].
    pub cutoff: f64,
    /// Embedding energy F [eV] at rho = k drho.
    pub embedding: Vec<f64>,
    /// Effective charge Z at r = k dr.
    pub charge: Vec<f64>,
    /// Electron density at r = k dr.
    pub density: Vec<f64>,
}

impl FuncflFile {
    /// Reads a funcfl file.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(path, &read_text(path)?)
    }

    /// Parses the text of a funcfl file that came from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let mut r = TableReader::new(path, text);
        let comment = r.line("comment line")?.trim().to_string();
        let w = r.words("line with atomic number and mass")?;
        let atomic_number = field_usize(&r, &w, 0, "atomic number")? as u32;
        let mass = field_f64(&r, &w, 1, "mass")?;
        let w = r.words("line \"Nrho drho Nr dr cutoff\"")?;
        let nrho = field_usize(&r, &w, 0, "Nrho")?;
        let drho = field_f64(&r, &w, 1, "drho")?;
        let nr = field_usize(&r, &w, 2, "Nr")?;
        let dr = field_f64(&r, &w, 3, "dr")?;
        let cutoff = field_f64(&r, &w, 4, "cutoff")?;
        if nrho < 5 || nr < 5 || !(drho > 0.0) || !(dr > 0.0) || !(cutoff > 0.0) {
            return Err(r.error(format!(
                "need Nrho >= 5, Nr >= 5 and positive drho, dr, cutoff (got {nrho} {drho} {nr} {dr} {cutoff})"
            )));
        }
        if !(mass > 0.0) {
            return Err(r.error(format!("mass {mass} must be positive")));
        }
        let embedding = r.numbers(nrho, "embedding table F(rho)")?;
        let charge = r.numbers(nr, "effective charge table Z(r)")?;
        let density = r.numbers(nr, "density table rho(r)")?;
        Ok(FuncflFile {
            comment,
            atomic_number,
            mass,
            drho,
            dr,
            cutoff,
            embedding,
            charge,
            density,
        })
    }

    /// Number of density grid points.
    pub fn nrho(&self) -> usize {
        self.embedding.len()
    }

    /// Number of distance grid points.
    pub fn nr(&self) -> usize {
        self.density.len()
    }
}

/// Resamples `table` (spacing `spacing`) at `x` with LAMMPS's four-point Lagrange interpolation
/// (`pair_eam.cpp` `file2array`), used to bring several funcfl files onto one grid: the stencil
/// starts one point below the interval holding x, is kept inside the table, and the fraction is
/// capped at 2 (so values past the table are extrapolated at most one interval).
pub fn resample(table: &[f64], spacing: f64, x: f64) -> f64 {
    let n = table.len() as i64;
    let sixth = 1.0 / 6.0;
    let mut p = x / spacing + 1.0;
    // 1-based index of the second stencil point, as in LAMMPS.
    let k = (p as i64).min(n - 2).max(2);
    p -= k as f64;
    p = p.min(2.0);
    let c1 = -sixth * p * (p - 1.0) * (p - 2.0);
    let c2 = 0.5 * (p * p - 1.0) * (p - 2.0);
    let c3 = -0.5 * p * (p + 1.0) * (p - 2.0);
    let c4 = sixth * p * (p * p - 1.0);
    // Invariant: the readers refuse tables of fewer than 5 points, so 1 <= k and k + 2 < n.
    let k = k as usize - 1;
    c1 * table[k - 1] + c2 * table[k] + c3 * table[k + 1] + c4 * table[k + 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_is_exact_for_cubics_and_at_grid_points() {
        let f = |x: f64| 2.0 * x * x * x - x + 1.0;
        let t: Vec<f64> = (0..20).map(|k| f(k as f64 * 0.5)).collect();
        for x in [0.0, 1.3, 2.5, 7.77, 8.5] {
            assert!((resample(&t, 0.5, x) - f(x)).abs() < 1e-9, "{x}");
        }
        assert_eq!(resample(&t, 0.5, 3.0), t[6]);
    }

    #[test]
    fn bad_files_name_the_problem() {
        let p = Path::new("X.eam");
        let e = FuncflFile::parse(p, "c\n29 63.5\n10 0.1 10\n").unwrap_err();
        assert_eq!(e.to_string(), "X.eam:3: missing dr");
        let e = FuncflFile::parse(p, "c\n29 63.5\n5 0.1 5 0.1 1.0\n1 2 3 4 5\n1 2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "X.eam:5: file ends in the middle of the effective charge table Z(r)"
        );
    }
}
