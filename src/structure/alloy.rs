//! Species on lattice sites: random substitutional alloys with exact compositions, and ordered
//! alloys with one species per sublattice.

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::system::{SpeciesTable, element_mass};

/// One species of a structure and, for random alloys, its fraction of the sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Species name (an element symbol, or any name when `mass` is given).
    pub species: String,
    /// Fraction of the sites (random placement; the fractions of all components sum to 1).
    /// Default 1: may be left out when there is one species; must be left out for placement on
    /// sublattices.
    #[serde(default = "one")]
    pub fraction: f64,
    /// Mass [g/mol]; looked up by element symbol when absent.
    #[serde(default)]
    pub mass: Option<f64>,
}

fn one() -> f64 {
    1.0
}

/// How the species fill the sites.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// At random with exact counts: round(fraction * N) sites for every species but the first,
    /// which takes the rest.
    #[default]
    Random,
    /// Species k on sublattice k (ordered alloys: L1_2, L1_0).
    Sublattices,
}

/// The species table (names and masses) of `components`.
pub fn species_table(components: &[Component]) -> Result<SpeciesTable> {
    if components.is_empty() {
        return Err(Error::invalid("give at least one species"));
    }
    let names: Vec<String> = components.iter().map(|c| c.species.clone()).collect();
    let masses = components
        .iter()
        .map(|c| {
            c.mass.or_else(|| element_mass(&c.species)).ok_or_else(|| {
                Error::invalid(format!(
                    "species {} is not an element: give its mass",
                    c.species
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    SpeciesTable::new(names, masses)
}

/// Species index of each site. `site_sublattices[i]` is the sublattice of site `i` (of
/// `sublattice_count`); `rng` shuffles random alloys.
pub fn assign_species<R: rand::Rng>(
    components: &[Component],
    placement: Placement,
    sublattice_count: usize,
    site_sublattices: &[usize],
    rng: &mut R,
) -> Result<Vec<u32>> {
    let n = site_sublattices.len();
    match placement {
        Placement::Random => {
            if components.is_empty() {
                return Err(Error::invalid("give at least one species"));
            }
            let fractions: Vec<f64> = components.iter().map(|c| c.fraction).collect();
            let counts = exact_counts(&fractions, n)?;
            Ok(random_assignment(&counts, rng))
        }
        Placement::Sublattices => {
            if components.len() != sublattice_count {
                return Err(Error::invalid(format!(
                    "placement Sublattices needs one species per sublattice: the lattice has {sublattice_count}, {} are given",
                    components.len()
                )));
            }
            if let Some(c) = components.iter().find(|c| c.fraction != 1.0) {
                return Err(Error::invalid(format!(
                    "species {}: fractions are set by the sublattices; leave them out",
                    c.species
                )));
            }
            Ok(site_sublattices.iter().map(|&s| s as u32).collect())
        }
    }
}

/// Exact counts for `n` sites from fractions: round(fraction * n) for every species but the first,
/// which takes the rest. Errors if fractions are negative or do not sum to 1 (within 1e-6).
pub fn exact_counts(fractions: &[f64], n: usize) -> Result<Vec<usize>> {
    let total: f64 = fractions.iter().sum();
    if fractions.is_empty() || fractions.iter().any(|&f| !(f >= 0.0)) || (total - 1.0).abs() > 1e-6
    {
        return Err(Error::invalid(format!(
            "composition fractions {fractions:?} must be non-negative and sum to 1"
        )));
    }
    let mut counts: Vec<usize> = fractions
        .iter()
        .map(|&f| (f * n as f64).round() as usize)
        .collect();
    let rest: usize = counts[1..].iter().sum();
    if rest > n {
        return Err(Error::invalid(
            "composition rounds to more atoms than sites",
        ));
    }
    counts[0] = n - rest;
    Ok(counts)
}

/// Species index of each of `n` sites for exact `counts`, in an order shuffled by `rng`.
pub fn random_assignment<R: rand::Rng>(counts: &[usize], rng: &mut R) -> Vec<u32> {
    let mut types: Vec<u32> = counts
        .iter()
        .enumerate()
        .flat_map(|(t, &c)| std::iter::repeat_n(t as u32, c))
        .collect();
    types.shuffle(rng);
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn comp(s: &str, f: f64) -> Component {
        Component {
            species: s.into(),
            fraction: f,
            mass: None,
        }
    }

    #[test]
    fn counts_are_exact() {
        assert_eq!(exact_counts(&[0.85, 0.15], 1000).unwrap(), vec![850, 150]);
        assert_eq!(exact_counts(&[0.8, 0.2], 7).unwrap(), vec![6, 1]);
        assert!(exact_counts(&[0.8, 0.3], 7).is_err());
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let t = random_assignment(&[6, 1], &mut rng);
        assert_eq!(t.iter().filter(|&&x| x == 1).count(), 1);
    }

    #[test]
    fn placements() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let subs = [1, 0, 0, 0, 1, 0, 0, 0];
        let pt3fe = [comp("Pt", 1.0), comp("Fe", 1.0)];
        let t = assign_species(&pt3fe, Placement::Sublattices, 2, &subs, &mut rng).unwrap();
        assert_eq!(t, vec![1, 0, 0, 0, 1, 0, 0, 0]);
        let e = assign_species(&pt3fe, Placement::Random, 2, &subs, &mut rng).unwrap_err();
        assert!(e.to_string().contains("sum to 1"), "{e}");
        let with_fraction = [comp("Pt", 0.75), comp("Fe", 0.25)];
        let e =
            assign_species(&with_fraction, Placement::Sublattices, 2, &subs, &mut rng).unwrap_err();
        assert!(e.to_string().contains("leave them out"), "{e}");
        let t = assign_species(&with_fraction, Placement::Random, 2, &subs, &mut rng).unwrap();
        assert_eq!(t.iter().filter(|&&x| x == 1).count(), 2);
    }
}
