//! The bond-counting model of surface diffusion (docs/science.md, section 2).
//!
//! An atom with at least one empty neighbour site can hop. Its activation energy is
//! E_A = sum over its occupied neighbours j of E(s_i, s_j) — with one species, E_A = n E0 for
//! n occupied neighbours — and its rate is
//!
//! P = nu exp(-E_A / (k_B T)),   nu = k_B T / h by default,
//!
//! independent of the destination and of the final state. By default this is the rate of the
//! atom (one event per atom); the destination is drawn uniformly among the empty neighbours where
//! the atom keeps at least `min_neighbours_after_hop` occupied neighbours, and when none
//! qualifies the event is a null event (time advances, nothing moves). In the per-hop mode every
//! qualifying destination is its own event of rate P, so an atom's total rate is m P for m
//! qualifying destinations, and there are no null events.
//!
//! Glossary: E0 = `bond_energy`, nu = `attempt_frequency`, n = coordination (occupied neighbour
//! count), kT = `thermal_energy`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::units::{BOLTZMANN, PLANCK};

/// Picoseconds per second: rates are kept in 1/s and times in s, while the unit system is metal
/// (ps).
pub const PS_PER_SECOND: f64 = 1e12;

/// How rates attach to events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateMode {
    /// One event per mobile atom with rate P (the reference model).
    #[default]
    PerAtom,
    /// One event per (atom, qualifying destination) with rate P each.
    PerHop,
}

/// The attempt frequency nu.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum AttemptFrequency {
    /// nu = k_B T / h.
    #[default]
    KtOverH,
    /// A fixed value [1/s].
    PerSecond(f64),
}

/// The model as written in an input file; every constant has the reference default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelSpec {
    /// Temperature [K]. Default 400.
    pub temperature: f64,
    /// Bond energy E0 [eV] of one occupied neighbour. Default 0.1.
    pub bond_energy: f64,
    /// Species-dependent bond energies E(s, t) [eV], a symmetric matrix over the species in input
    /// order (e.g. [[E_AA, E_AB], [E_AB, E_BB]]); overrides `bond_energy` when given.
    pub bond_energies: Option<Vec<Vec<f64>>>,
    /// Attempt frequency. Default k_B T / h.
    pub attempt_frequency: AttemptFrequency,
    /// Per-atom (default) or per-hop events.
    pub mode: RateMode,
    /// Occupied neighbours an atom must keep at its destination. Default 2; 0 allows detachment.
    pub min_neighbours_after_hop: u8,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            temperature: 400.0,
            bond_energy: 0.1,
            bond_energies: None,
            attempt_frequency: AttemptFrequency::KtOverH,
            mode: RateMode::PerAtom,
            min_neighbours_after_hop: 2,
        }
    }
}

/// The model with its constants resolved, for `n_species` species.
#[derive(Clone, Debug, PartialEq)]
pub struct BondCountingModel {
    /// k_B T [eV].
    pub thermal_energy: f64,
    /// nu [1/s].
    pub attempt_frequency: f64,
    /// Bond energies E(s, t) [eV], row-major `n_species x n_species`.
    pub bond_energies: Vec<f64>,
    /// Number of species.
    pub n_species: usize,
    /// Per-atom or per-hop events.
    pub mode: RateMode,
    /// Occupied neighbours an atom must keep at its destination.
    pub min_neighbours_after_hop: u8,
}

/// Thermal energy k_B T [eV] at `temperature` [K].
pub fn thermal_energy(temperature: f64) -> f64 {
    BOLTZMANN * temperature
}

/// The attempt frequency k_B T / h [1/s] at `temperature` [K] (k_B in eV/K, h in eV ps; the
/// quotient is in 1/ps and is converted to 1/s).
pub fn thermal_attempt_frequency(temperature: f64) -> f64 {
    BOLTZMANN * temperature / PLANCK * PS_PER_SECOND
}

/// Arrhenius rate nu exp(-E_A / kT) [1/s] for an activation energy `barrier` [eV], attempt
/// frequency `nu` [1/s] and thermal energy `kt` [eV].
pub fn arrhenius_rate(nu: f64, barrier: f64, kt: f64) -> f64 {
    nu * (-barrier / kt).exp()
}

impl ModelSpec {
    /// Resolves the constants for `n_species` species, checking every value.
    pub fn build(&self, n_species: usize) -> Result<BondCountingModel> {
        if !(self.temperature > 0.0) || !self.temperature.is_finite() {
            return Err(Error::invalid(format!(
                "model: temperature {} K must be positive",
                self.temperature
            )));
        }
        let bond_energies = match &self.bond_energies {
            None => {
                if !(self.bond_energy > 0.0) || !self.bond_energy.is_finite() {
                    return Err(Error::invalid(format!(
                        "model: bond_energy {} eV must be positive and finite (a bond holds atoms \
                         together)",
                        self.bond_energy
                    )));
                }
                vec![self.bond_energy; n_species * n_species]
            }
            Some(m) => {
                if m.len() != n_species || m.iter().any(|row| row.len() != n_species) {
                    return Err(Error::invalid(format!(
                        "model: bond_energies must be a {n_species} x {n_species} matrix, one row per species"
                    )));
                }
                for (s, row) in m.iter().enumerate() {
                    for (t, &e) in row.iter().enumerate() {
                        if !(e >= 0.0)
                            || !e.is_finite()
                            || Some(&e) != m.get(t).and_then(|r| r.get(s))
                        {
                            return Err(Error::invalid(format!(
                                "model: bond_energies must be finite, >= 0 and symmetric (E[{s}][{t}] = {}, E[{t}][{s}] = {})",
                                e, m[t][s]
                            )));
                        }
                    }
                }
                m.iter().flatten().copied().collect()
            }
        };
        let attempt_frequency = match self.attempt_frequency {
            AttemptFrequency::KtOverH => thermal_attempt_frequency(self.temperature),
            AttemptFrequency::PerSecond(nu) => {
                if !(nu > 0.0) || !nu.is_finite() {
                    return Err(Error::invalid(format!(
                        "model: attempt frequency {nu} 1/s must be positive"
                    )));
                }
                nu
            }
        };
        Ok(BondCountingModel {
            thermal_energy: thermal_energy(self.temperature),
            attempt_frequency,
            bond_energies,
            n_species,
            mode: self.mode,
            min_neighbours_after_hop: self.min_neighbours_after_hop,
        })
    }
}

impl BondCountingModel {
    /// Activation energy E_A = sum_t n_t E(s, t) [eV] of an atom of species `species` with
    /// `counts[t]` occupied neighbours of species t.
    pub fn activation_energy(&self, species: usize, counts: &[u8]) -> f64 {
        let row = &self.bond_energies[species * self.n_species..(species + 1) * self.n_species];
        row.iter().zip(counts).map(|(e, &n)| e * n as f64).sum()
    }

    /// Hop rate P = nu exp(-E_A / kT) [1/s] of an atom of species `species` with `counts[t]`
    /// occupied neighbours of species t.
    pub fn hop_rate(&self, species: usize, counts: &[u8]) -> f64 {
        arrhenius_rate(
            self.attempt_frequency,
            self.activation_energy(species, counts),
            self.thermal_energy,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_defaults() {
        let m = ModelSpec::default().build(1).unwrap();
        // kT/h at 400 K: 8.617343e-5 * 400 / 4.135667403e-3 ps^-1 = 8.3347e12 1/s.
        assert!((m.attempt_frequency - 8.617343e-5 * 400.0 / 4.135667403e-3 * 1e12).abs() < 1.0);
        assert!((m.attempt_frequency / 8.3347e12 - 1.0).abs() < 1e-4);
        let p3 = m.hop_rate(0, &[3]);
        let expected = m.attempt_frequency * (-0.3f64 / (8.617343e-5 * 400.0)).exp();
        assert!((p3 / expected - 1.0).abs() < 1e-14);
    }

    #[test]
    fn alloy_energies() {
        let spec = ModelSpec {
            bond_energies: Some(vec![vec![0.1, 0.2], vec![0.2, 0.3]]),
            ..Default::default()
        };
        let m = spec.build(2).unwrap();
        assert!((m.activation_energy(0, &[2, 1]) - 0.4).abs() < 1e-15);
        assert!((m.activation_energy(1, &[2, 1]) - 0.7).abs() < 1e-15);
        let bad = ModelSpec {
            bond_energies: Some(vec![vec![0.1, 0.2], vec![0.25, 0.3]]),
            ..Default::default()
        };
        assert!(bad.build(2).unwrap_err().to_string().contains("symmetric"));
    }
}
