//! Lennard-Jones 12-6 pair potential, truncated (and optionally shifted) at a per-pair cutoff.
//!
//! V(r) = 4 epsilon [ (sigma/r)^12 - (sigma/r)^6 ] - V_shift   for r < r_c, 0 beyond,
//! with V_shift = 4 epsilon [ (sigma/r_c)^12 - (sigma/r_c)^6 ] when shifting is on (LAMMPS
//! `pair_modify shift yes`), else 0. Same as LAMMPS `pair_style lj/cut`.
//!
//! Pairs of different species that are not given are mixed from the like pairs, geometric by
//! default as in LAMMPS.

use serde::{Deserialize, Serialize};

use super::args::{LammpsPair, number};
pub use super::pair::Mixing;
use super::pair::{
    PairCoeffs, PairKernel, PairTable, compute_pair, global_cutoff, read_pair_coeffs,
    read_pair_modify,
};
use super::{Configuration, ForceOutput, Potential};
use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::system::SpeciesTable;

/// Lennard-Jones energy [eV] at distance `r` [A] for well depth `epsilon` [eV] and size `sigma` [A].
pub fn lj_energy(epsilon: f64, sigma: f64, r: f64) -> f64 {
    let s6 = (sigma / r).powi(6);
    4.0 * epsilon * (s6 * s6 - s6)
}

/// Lennard-Jones `-(1/r) dV/dr` [eV/A^2] at distance `r` [A].
pub fn lj_force_over_r(epsilon: f64, sigma: f64, r: f64) -> f64 {
    let s6 = (sigma / r).powi(6);
    24.0 * epsilon * (2.0 * s6 * s6 - s6) / (r * r)
}

/// Parameters of one species pair in a RON input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LjPairSpec {
    /// The two species, by name.
    pub species: (String, String),
    /// Well depth [eV].
    pub epsilon: f64,
    /// Zero-crossing distance [A].
    pub sigma: f64,
    /// Cutoff [A].
    pub cutoff: f64,
}

/// A Lennard-Jones potential in a RON input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LjSpec {
    /// Listed pairs; like pairs of every species are required, unlike pairs are mixed if absent.
    pub pairs: Vec<LjPairSpec>,
    /// Shift energies to zero at the cutoff.
    #[serde(default)]
    pub shift: bool,
    /// Mixing rule for unlisted unlike pairs.
    #[serde(default)]
    pub mixing: Mixing,
}

/// Parameters of one species pair: well depth [eV], size [A], cutoff [A].
#[derive(Clone, Copy, Debug)]
struct PairParams {
    epsilon: f64,
    sigma: f64,
    cutoff: f64,
}

impl PairCoeffs for PairParams {
    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn mix(a: &Self, b: &Self, rule: Mixing) -> Option<Self> {
        Some(match rule {
            Mixing::Geometric => PairParams {
                epsilon: (a.epsilon * b.epsilon).sqrt(),
                sigma: (a.sigma * b.sigma).sqrt(),
                cutoff: (a.cutoff * b.cutoff).sqrt(),
            },
            Mixing::Arithmetic => PairParams {
                epsilon: (a.epsilon * b.epsilon).sqrt(),
                sigma: 0.5 * (a.sigma + b.sigma),
                cutoff: 0.5 * (a.cutoff + b.cutoff),
            },
        })
    }
}

/// Precomputed coefficients of one species pair (as LAMMPS's lj1..lj4, offset).
#[derive(Clone, Copy, Debug, Default)]
struct Coefficients {
    c12_force: f64,
    c6_force: f64,
    c12_energy: f64,
    c6_energy: f64,
    offset: f64,
    cutoff2: f64,
}

/// Multi-species Lennard-Jones.
#[derive(Clone, Debug)]
pub struct LennardJones {
    ntypes: usize,
    coefficients: Vec<Coefficients>,
    cutoff: f64,
}

impl LennardJones {
    fn from_table(
        table: PairTable<PairParams>,
        shift: bool,
        mixing: Mixing,
        names: &[String],
    ) -> Result<Self> {
        let ntypes = table.ntypes();
        let table = table.complete("lj/cut", mixing, names)?;
        let coefficients: Vec<Coefficients> = table
            .iter()
            .map(|p| {
                let s6 = p.sigma.powi(6);
                let offset = if shift && p.cutoff > 0.0 {
                    lj_energy(p.epsilon, p.sigma, p.cutoff)
                } else {
                    0.0
                };
                Coefficients {
                    c12_force: 48.0 * p.epsilon * s6 * s6,
                    c6_force: 24.0 * p.epsilon * s6,
                    c12_energy: 4.0 * p.epsilon * s6 * s6,
                    c6_energy: 4.0 * p.epsilon * s6,
                    offset,
                    cutoff2: p.cutoff * p.cutoff,
                }
            })
            .collect();
        let cutoff = table.iter().map(|p| p.cutoff).fold(0.0, f64::max);
        Ok(LennardJones {
            ntypes,
            coefficients,
            cutoff,
        })
    }

    /// Builds the potential from a RON specification for the species of a system.
    pub fn from_spec(spec: &LjSpec, species: &SpeciesTable) -> Result<Self> {
        let mut table = PairTable::new(species.len());
        for p in &spec.pairs {
            let a = species.require(&p.species.0)?;
            let b = species.require(&p.species.1)?;
            check_params(p.epsilon, p.sigma, p.cutoff)?;
            let params = PairParams {
                epsilon: p.epsilon,
                sigma: p.sigma,
                cutoff: p.cutoff,
            };
            table.set(a, b, params);
        }
        Self::from_table(table, spec.shift, spec.mixing, &species.names)
    }

    /// Builds the potential from `pair_style lj/cut RC`, `pair_coeff I J eps sigma [rc]` and
    /// `pair_modify shift yes|no`, `pair_modify mix geometric|arithmetic`.
    pub fn from_lammps(pair: &LammpsPair<'_>, species: &SpeciesTable) -> Result<Self> {
        let global_cut = global_cutoff(pair)?;
        let table = read_pair_coeffs(
            pair,
            species.len(),
            (2, 3),
            "I J epsilon sigma [cutoff]",
            |a| {
                let epsilon = number(a[0], "pair_coeff epsilon")?;
                let sigma = number(a[1], "pair_coeff sigma")?;
                let cutoff = match a.get(2) {
                    Some(r) => number(r, "pair_coeff cutoff")?,
                    None => global_cut,
                };
                check_params(epsilon, sigma, cutoff)?;
                Ok(PairParams {
                    epsilon,
                    sigma,
                    cutoff,
                })
            },
        )?;
        let modify = read_pair_modify(pair)?;
        Self::from_table(table, modify.shift, modify.mixing, &species.names)
    }
}

fn check_params(epsilon: f64, sigma: f64, cutoff: f64) -> Result<()> {
    if epsilon < 0.0 || !(sigma > 0.0) || !(cutoff > 0.0) {
        return Err(Error::invalid(format!(
            "lj/cut: need epsilon >= 0, sigma > 0, cutoff > 0 (got {epsilon}, {sigma}, {cutoff})"
        )));
    }
    Ok(())
}

impl PairKernel for LennardJones {
    #[inline]
    fn cutoff_squared(&self, a: u32, b: u32) -> f64 {
        self.coefficients[a as usize * self.ntypes + b as usize].cutoff2
    }

    #[inline]
    fn energy_force(&self, a: u32, b: u32, r2: f64) -> (f64, f64) {
        let c = &self.coefficients[a as usize * self.ntypes + b as usize];
        let r2inv = 1.0 / r2;
        let r6inv = r2inv * r2inv * r2inv;
        let force = r6inv * (c.c12_force * r6inv - c.c6_force) * r2inv;
        let energy = r6inv * (c.c12_energy * r6inv - c.c6_energy) - c.offset;
        (energy, force)
    }
}

/// Lennard-Jones reads a full list ([`compute_pair`], the default list kind), not the half-list
/// loop that visits each pair once: its per-atom sums run in full-list row order, and moving it
/// to the half-list loop would change the last bits of every result (other summation order),
/// so runs and `eval` of lj/cut stay bit for bit what they were.
impl Potential for LennardJones {
    fn name(&self) -> &str {
        "lj/cut"
    }

    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn compute(&mut self, config: Configuration<'_>, list: &NeighborList, out: &mut ForceOutput) {
        compute_pair(self, config, list, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_at_two_to_the_sixth() {
        let rmin = 2f64.powf(1.0 / 6.0) * 3.4;
        assert!((lj_energy(0.0104, 3.4, rmin) + 0.0104).abs() < 1e-15);
        assert!(lj_force_over_r(0.0104, 3.4, rmin).abs() < 1e-15);
        assert_eq!(lj_energy(1.0, 1.0, 1.0), 0.0);
    }

    #[test]
    fn kernel_matches_pure_functions() {
        let sp = SpeciesTable::new(vec!["A".into(), "B".into()], vec![1.0, 1.0]).unwrap();
        let spec = LjSpec {
            pairs: vec![
                LjPairSpec {
                    species: ("A".into(), "A".into()),
                    epsilon: 1.0,
                    sigma: 1.0,
                    cutoff: 2.5,
                },
                LjPairSpec {
                    species: ("B".into(), "B".into()),
                    epsilon: 0.5,
                    sigma: 0.88,
                    cutoff: 2.2,
                },
            ],
            shift: true,
            mixing: Mixing::Geometric,
        };
        let lj = LennardJones::from_spec(&spec, &sp).unwrap();
        let (e, f) = lj.energy_force(0, 1, 1.21);
        let (eps, sig, rc) = ((0.5f64).sqrt(), (0.88f64).sqrt(), (2.5f64 * 2.2).sqrt());
        assert!((e - (lj_energy(eps, sig, 1.1) - lj_energy(eps, sig, rc))).abs() < 1e-13);
        assert!((f - lj_force_over_r(eps, sig, 1.1)).abs() < 1e-12);
        assert!((lj.cutoff_squared(1, 0) - rc * rc).abs() < 1e-14);
    }
}
