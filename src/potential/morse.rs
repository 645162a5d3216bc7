//! Morse pair potential, truncated (and optionally shifted) at a per-pair cutoff, as LAMMPS
//! `pair_style morse`:
//!
//! V(r) = D0 [ exp(-2 alpha (r - r0)) - 2 exp(-alpha (r - r0)) ] - V_shift   for r < r_c,
//! 0 beyond, with V_shift = V(r_c) unshifted when shifting is on (`pair_modify shift yes`), else
//! 0 (P. M. Morse, Phys. Rev. 34, 57 (1929)). D0 [eV] is the well depth, r0 [A] the minimum,
//! alpha [1/A] the stiffness.
//!
//! LAMMPS words: `pair_style morse RC` and `pair_coeff I J D0 alpha r0 [cutoff]`. Morse does not
//! mix: every species pair must be given (LAMMPS: "All pair coeffs are not set"). The pair loop
//! is the half-list one ([`compute_pair_half`]): each pair is evaluated once.

use serde::{Deserialize, Serialize};

use super::args::{LammpsPair, number};
use super::pair::{
    Mixing, PairCoeffs, PairKernel, PairTable, compute_pair_half, global_cutoff, read_pair_coeffs,
    read_pair_modify,
};
use super::{Configuration, ForceOutput, Potential};
use crate::error::{Error, Result};
use crate::neighbor::{ListKind, NeighborList};
use crate::system::SpeciesTable;

/// Morse energy [eV] at distance `r` [A] for depth `d0` [eV], stiffness `alpha` [1/A] and
/// minimum `r0` [A] (unshifted).
pub fn morse_energy(d0: f64, alpha: f64, r0: f64, r: f64) -> f64 {
    let e = (-alpha * (r - r0)).exp();
    d0 * (e * e - 2.0 * e)
}

/// Morse `-(1/r) dV/dr` [eV/A^2] at distance `r` [A].
pub fn morse_force_over_r(d0: f64, alpha: f64, r0: f64, r: f64) -> f64 {
    let e = (-alpha * (r - r0)).exp();
    2.0 * d0 * alpha * (e * e - e) / r
}

/// Parameters of one species pair in a RON input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MorsePairSpec {
    /// The two species, by name.
    pub species: (String, String),
    /// Well depth D0 [eV].
    pub d0: f64,
    /// Stiffness alpha [1/A].
    pub alpha: f64,
    /// Distance of the minimum r0 [A].
    pub r0: f64,
    /// Cutoff [A].
    pub cutoff: f64,
}

/// A Morse potential in a RON input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MorseSpec {
    /// Every species pair, like and unlike (Morse does not mix).
    pub pairs: Vec<MorsePairSpec>,
    /// Shift energies to zero at the cutoff.
    #[serde(default)]
    pub shift: bool,
}

/// Parameters of one species pair: D0 [eV], alpha [1/A], r0 [A], cutoff [A].
#[derive(Clone, Copy, Debug)]
struct PairParams {
    d0: f64,
    alpha: f64,
    r0: f64,
    cutoff: f64,
}

impl PairParams {
    fn new(d0: f64, alpha: f64, r0: f64, cutoff: f64) -> Result<Self> {
        if d0 < 0.0 || !(alpha > 0.0) || !(r0 > 0.0) || !(cutoff > 0.0) {
            return Err(Error::invalid(format!(
                "morse: need D0 >= 0, alpha > 0, r0 > 0, cutoff > 0 (got {d0}, {alpha}, {r0}, \
                 {cutoff})"
            )));
        }
        Ok(PairParams {
            d0,
            alpha,
            r0,
            cutoff,
        })
    }
}

impl PairCoeffs for PairParams {
    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn mix(_: &Self, _: &Self, _: Mixing) -> Option<Self> {
        None
    }
}

/// Precomputed coefficients of one species pair (as LAMMPS's d0, alpha, r0, morse1, offset).
#[derive(Clone, Copy, Debug)]
struct Coefficients {
    d0: f64,
    alpha: f64,
    r0: f64,
    /// 2 D0 alpha [eV/A].
    force: f64,
    offset: f64,
    cutoff2: f64,
}

/// Multi-species Morse.
#[derive(Clone, Debug)]
pub struct Morse {
    ntypes: usize,
    coefficients: Vec<Coefficients>,
    cutoff: f64,
}

impl Morse {
    fn from_table(table: PairTable<PairParams>, shift: bool, names: &[String]) -> Result<Self> {
        let ntypes = table.ntypes();
        // Morse does not mix, so the rule is never used.
        let table = table.complete("morse", Mixing::Geometric, names)?;
        let coefficients = table
            .iter()
            .map(|p| {
                let offset = if shift {
                    let alpha_dr = -p.alpha * (p.cutoff - p.r0);
                    p.d0 * ((2.0 * alpha_dr).exp() - 2.0 * alpha_dr.exp())
                } else {
                    0.0
                };
                Coefficients {
                    d0: p.d0,
                    alpha: p.alpha,
                    r0: p.r0,
                    force: 2.0 * p.d0 * p.alpha,
                    offset,
                    cutoff2: p.cutoff * p.cutoff,
                }
            })
            .collect();
        let cutoff = table.iter().map(|p| p.cutoff).fold(0.0, f64::max);
        Ok(Morse {
            ntypes,
            coefficients,
            cutoff,
        })
    }

    /// Builds the potential from a RON specification for the species of a system.
    pub fn from_spec(spec: &MorseSpec, species: &SpeciesTable) -> Result<Self> {
        let mut table = PairTable::new(species.len());
        for p in &spec.pairs {
            let a = species.require(&p.species.0)?;
            let b = species.require(&p.species.1)?;
            table.set(a, b, PairParams::new(p.d0, p.alpha, p.r0, p.cutoff)?);
        }
        Self::from_table(table, spec.shift, &species.names)
    }

    /// Builds the potential from `pair_style morse RC`, `pair_coeff I J D0 alpha r0 [rc]` and
    /// `pair_modify shift yes|no`.
    pub fn from_lammps(pair: &LammpsPair<'_>, species: &SpeciesTable) -> Result<Self> {
        let global_cut = global_cutoff(pair)?;
        let usage = "I J D0 alpha r0 [cutoff]";
        let table = read_pair_coeffs(pair, species.len(), (3, 4), usage, |a| {
            let cutoff = match a.get(3) {
                Some(r) => number(r, "pair_coeff cutoff")?,
                None => global_cut,
            };
            PairParams::new(
                number(a[0], "pair_coeff D0")?,
                number(a[1], "pair_coeff alpha")?,
                number(a[2], "pair_coeff r0")?,
                cutoff,
            )
        })?;
        let modify = read_pair_modify(pair)?;
        Self::from_table(table, modify.shift, &species.names)
    }
}

impl PairKernel for Morse {
    #[inline]
    fn cutoff_squared(&self, a: u32, b: u32) -> f64 {
        self.coefficients[a as usize * self.ntypes + b as usize].cutoff2
    }

    #[inline]
    fn energy_force(&self, a: u32, b: u32, r2: f64) -> (f64, f64) {
        let c = &self.coefficients[a as usize * self.ntypes + b as usize];
        let r = r2.sqrt();
        let dexp = (-c.alpha * (r - c.r0)).exp();
        let force = c.force * (dexp * dexp - dexp) / r;
        let energy = c.d0 * (dexp * dexp - 2.0 * dexp) - c.offset;
        (energy, force)
    }
}

impl Potential for Morse {
    fn name(&self) -> &str {
        "morse"
    }

    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn neighbor_list_kind(&self) -> ListKind {
        ListKind::Half
    }

    fn compute(&mut self, config: Configuration<'_>, list: &NeighborList, out: &mut ForceOutput) {
        compute_pair_half(self, config, list, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn species() -> SpeciesTable {
        SpeciesTable::new(vec!["A".into(), "B".into()], vec![1.0, 1.0]).unwrap()
    }

    fn pair(a: &str, b: &str, d0: f64, cutoff: f64) -> MorsePairSpec {
        MorsePairSpec {
            species: (a.into(), b.into()),
            d0,
            alpha: 1.5,
            r0: 2.5,
            cutoff,
        }
    }

    #[test]
    fn minimum_at_r0() {
        assert!((morse_energy(0.3, 1.5, 2.5, 2.5) + 0.3).abs() < 1e-15);
        assert_eq!(morse_force_over_r(0.3, 1.5, 2.5, 2.5), 0.0);
    }

    #[test]
    fn kernel_matches_pure_functions() {
        let spec = MorseSpec {
            pairs: vec![
                pair("A", "A", 0.3, 6.0),
                pair("A", "B", 0.2, 5.0),
                pair("B", "B", 0.1, 5.5),
            ],
            shift: true,
        };
        let m = Morse::from_spec(&spec, &species()).unwrap();
        let (e, f) = m.energy_force(1, 0, 2.2 * 2.2);
        let expected = morse_energy(0.2, 1.5, 2.5, 2.2) - morse_energy(0.2, 1.5, 2.5, 5.0);
        assert!((e - expected).abs() < 1e-14);
        assert!((f - morse_force_over_r(0.2, 1.5, 2.5, 2.2)).abs() < 1e-13);
        assert_eq!(m.cutoff(), 6.0);
    }

    #[test]
    fn unlike_pairs_are_not_mixed() {
        let spec = MorseSpec {
            pairs: vec![pair("A", "A", 0.3, 6.0), pair("B", "B", 0.1, 5.5)],
            shift: false,
        };
        let err = Morse::from_spec(&spec, &species()).unwrap_err();
        assert!(err.to_string().contains("A-B"), "{err}");
    }
}
