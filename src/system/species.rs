//! Species (atom types): names and masses.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The species present in a system, indexed 0.. (LAMMPS type `i + 1`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeciesTable {
    /// Name of each species (an element symbol where known, else the LAMMPS type number).
    pub names: Vec<String>,
    /// Mass of each species [g/mol].
    pub masses: Vec<f64>,
}

impl SpeciesTable {
    /// A table from parallel lists of names and masses [g/mol].
    pub fn new(names: Vec<String>, masses: Vec<f64>) -> Result<Self> {
        if names.len() != masses.len() {
            return Err(Error::invalid(format!(
                "{} species names but {} masses",
                names.len(),
                masses.len()
            )));
        }
        for (n, &m) in names.iter().zip(&masses) {
            if !(m > 0.0) || !m.is_finite() {
                return Err(Error::invalid(format!(
                    "species {n} has mass {m}: masses must be positive"
                )));
            }
        }
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(Error::invalid(format!("species {n} is named twice")));
            }
        }
        Ok(SpeciesTable { names, masses })
    }

    /// A table of elements, masses looked up by symbol.
    pub fn elements(symbols: &[&str]) -> Result<Self> {
        let masses = symbols
            .iter()
            .map(|s| {
                element_mass(s).ok_or_else(|| {
                    Error::invalid(format!("unknown element {s}: give its mass explicitly"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Self::new(symbols.iter().map(|s| s.to_string()).collect(), masses)
    }

    /// Number of species.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are no species.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Index of the species called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Index of `name`, or an error naming the species that exist.
    pub fn require(&self, name: &str) -> Result<usize> {
        self.index_of(name).ok_or_else(|| {
            Error::invalid(format!(
                "unknown species {name} (the system has {})",
                self.names.join(", ")
            ))
        })
    }
}

/// Standard atomic weight [g/mol] of an element symbol (IUPAC conventional values), if known.
pub fn element_mass(symbol: &str) -> Option<f64> {
    const TABLE: &[(&str, f64)] = &[
        ("H", 1.008),
        ("He", 4.0026),
        ("Li", 6.94),
        ("Be", 9.0122),
        ("B", 10.81),
        ("C", 12.011),
        ("N", 14.007),
        ("O", 15.999),
        ("F", 18.998),
        ("Ne", 20.180),
        ("Na", 22.990),
        ("Mg", 24.305),
        ("Al", 26.982),
        ("Si", 28.085),
        ("P", 30.974),
        ("S", 32.06),
        ("Cl", 35.45),
        ("Ar", 39.948),
        ("K", 39.098),
        ("Ca", 40.078),
        ("Ti", 47.867),
        ("V", 50.942),
        ("Cr", 51.996),
        ("Mn", 54.938),
        ("Fe", 55.845),
        ("Co", 58.933),
        ("Ni", 58.693),
        ("Cu", 63.546),
        ("Zn", 65.38),
        ("Ga", 69.723),
        ("Ge", 72.630),
        ("Kr", 83.798),
        ("Zr", 91.224),
        ("Nb", 92.906),
        ("Mo", 95.95),
        ("Ru", 101.07),
        ("Rh", 102.91),
        ("Pd", 106.42),
        ("Ag", 107.87),
        ("Cd", 112.41),
        ("In", 114.82),
        ("Sn", 118.71),
        ("Xe", 131.29),
        ("Hf", 178.49),
        ("Ta", 180.95),
        ("W", 183.84),
        ("Re", 186.21),
        ("Os", 190.23),
        ("Ir", 192.22),
        ("Pt", 195.08),
        ("Au", 196.97),
        ("Pb", 207.2),
    ];
    TABLE.iter().find(|(s, _)| *s == symbol).map(|&(_, m)| m)
}
