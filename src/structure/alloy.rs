//! Random substitutional alloys with exact compositions.

use rand::seq::SliceRandom;

use crate::error::{Error, Result};

/// Exact counts for `n` sites from fractions: round(fraction * n) for every species but the
/// first, which takes the rest. Errors if fractions are negative or do not sum to 1 (within 1e-6).
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

    #[test]
    fn counts_are_exact() {
        assert_eq!(exact_counts(&[0.85, 0.15], 1000).unwrap(), vec![850, 150]);
        assert_eq!(exact_counts(&[0.8, 0.2], 7).unwrap(), vec![6, 1]);
        assert!(exact_counts(&[0.8, 0.3], 7).is_err());
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let t = random_assignment(&[6, 1], &mut rng);
        assert_eq!(t.iter().filter(|&&x| x == 1).count(), 1);
    }
}
