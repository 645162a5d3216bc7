//! The random numbers of KMC runs: the generator and the draws the engines make from it.

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Random-number generator of KMC runs (fast, non-cryptographic, serialisable).
pub type KmcRng = Xoshiro256PlusPlus;

/// A uniform number in (0, 1): never 0, so its logarithm is finite.
#[inline]
pub fn uniform_open(rng: &mut KmcRng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A uniform number in [0, 1).
#[inline]
pub fn uniform(rng: &mut KmcRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in [0, n) by multiply-shift (bias below n / 2^64).
#[inline]
pub fn below(rng: &mut KmcRng, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}
