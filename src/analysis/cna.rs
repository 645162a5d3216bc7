//! Adaptive common-neighbour analysis (a-CNA; Stukowski, Modelling Simul. Mater. Sci. Eng. 20,
//! 045021 (2012)), classifying each atom as fcc, hcp, bcc, icosahedral or other, as OVITO's
//! `CommonNeighborAnalysisModifier` in adaptive mode does.
//!
//! For the 12-neighbour structures the atom's 12 nearest neighbours are taken and a local cutoff
//! r_cut = (1 + sqrt 2)/2 * (mean of their distances) decides which of them are bonded to each
//! other. For each neighbour j the signature (n_cn, n_b, n_lc) counts the common neighbours of i
//! and j among the 12, the bonds among those common neighbours, and the bonds in the longest
//! chain of connected bonds. fcc: 12 x (4,2,1); hcp: 6 x (4,2,1) + 6 x (4,2,2); icosahedral:
//! 12 x (5,5,5). Failing those, the 14 nearest neighbours are taken with
//! r_cut = (1 + sqrt 2)/2 * (2/sqrt 3 * sum of the 8 nearest + sum of the next 6) / 14, and bcc is
//! 8 x (6,6,6) + 6 x (4,4,4).

use serde::Serialize;

use super::PairView;
use crate::system::Vec3;

/// Local structure of an atom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Structure {
    /// None of the others.
    Other,
    /// Face-centred cubic.
    Fcc,
    /// Hexagonal close-packed.
    Hcp,
    /// Body-centred cubic.
    Bcc,
    /// Icosahedral.
    Ico,
}

impl Structure {
    /// All structures, in output order.
    pub const ALL: [Structure; 5] = [
        Structure::Other,
        Structure::Fcc,
        Structure::Hcp,
        Structure::Bcc,
        Structure::Ico,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Structure::Other => "other",
            Structure::Fcc => "fcc",
            Structure::Hcp => "hcp",
            Structure::Bcc => "bcc",
            Structure::Ico => "ico",
        }
    }
}

/// Counts of each structure, in [`Structure::ALL`] order.
pub fn structure_counts(types: &[Structure]) -> [usize; 5] {
    let mut out = [0; 5];
    for t in types {
        // Invariant: Structure::ALL lists all five variants.
        out[Structure::ALL.iter().position(|s| s == t).unwrap()] += 1;
    }
    out
}

/// The structure of every atom. The view's radius must reach each atom's 14th neighbour in the
/// structures to be recognised (about 1.5 nearest-neighbour distances).
pub fn adaptive_cna(view: &PairView) -> Vec<Structure> {
    use rayon::prelude::*;
    (0..view.positions.len())
        .into_par_iter()
        .map(|i| classify(&view.sorted_neighbors(i)))
        .collect()
}

/// Classifies one atom from its neighbours sorted by distance: (distance, index, separation).
pub fn classify(neighbors: &[(f64, usize, Vec3)]) -> Structure {
    if neighbors.len() >= 12 {
        let nn = &neighbors[..12];
        let mean = nn.iter().map(|n| n.0).sum::<f64>() / 12.0;
        let cutoff = 0.5 * (1.0 + 2f64.sqrt()) * mean;
        let sig = signatures(nn, cutoff);
        let count = |s: (usize, usize, usize)| sig.iter().filter(|&&x| x == s).count();
        let (c421, c422, c555) = (count((4, 2, 1)), count((4, 2, 2)), count((5, 5, 5)));
        if c421 == 12 {
            return Structure::Fcc;
        }
        if c421 == 6 && c422 == 6 {
            return Structure::Hcp;
        }
        if c555 == 12 {
            return Structure::Ico;
        }
    }
    if neighbors.len() >= 14 {
        let nn = &neighbors[..14];
        let weighted = 2.0 / 3f64.sqrt() * nn[..8].iter().map(|n| n.0).sum::<f64>()
            + nn[8..].iter().map(|n| n.0).sum::<f64>();
        let cutoff = 0.5 * (1.0 + 2f64.sqrt()) * weighted / 14.0;
        let sig = signatures(nn, cutoff);
        let c666 = sig.iter().filter(|&&x| x == (6, 6, 6)).count();
        let c444 = sig.iter().filter(|&&x| x == (4, 4, 4)).count();
        if c666 == 8 && c444 == 6 {
            return Structure::Bcc;
        }
    }
    Structure::Other
}

/// The CNA signature (common neighbours, bonds among them, longest bond chain) of each neighbour,
/// with bonds between neighbours shorter than `cutoff` [A].
fn signatures(nn: &[(f64, usize, Vec3)], cutoff: f64) -> Vec<(usize, usize, usize)> {
    let m = nn.len();
    let c2 = cutoff * cutoff;
    // bonded[a][b]: neighbours a and b of the central atom are bonded to each other.
    let mut bonded = vec![vec![false; m]; m];
    for a in 0..m {
        for b in a + 1..m {
            let close = (nn[a].2 - nn[b].2).norm_squared() < c2;
            bonded[a][b] = close;
            bonded[b][a] = close;
        }
    }
    (0..m)
        .map(|j| {
            let common: Vec<usize> = (0..m).filter(|&k| k != j && bonded[j][k]).collect();
            let mut bonds = Vec::new();
            for (x, &k) in common.iter().enumerate() {
                for &l in &common[x + 1..] {
                    if bonded[k][l] {
                        bonds.push((k, l));
                    }
                }
            }
            (common.len(), bonds.len(), longest_chain(&bonds))
        })
        .collect()
}

/// Number of bonds in the largest cluster of bonds connected through shared atoms.
fn longest_chain(bonds: &[(usize, usize)]) -> usize {
    let mut unused: Vec<(usize, usize)> = bonds.to_vec();
    let mut best = 0;
    while let Some(first) = unused.pop() {
        let mut atoms = vec![first.0, first.1];
        let mut size = 1;
        loop {
            let before = unused.len();
            unused.retain(|&(a, b)| {
                if atoms.contains(&a) || atoms.contains(&b) {
                    atoms.push(a);
                    atoms.push(b);
                    size += 1;
                    false
                } else {
                    true
                }
            });
            if unused.len() == before {
                break;
            }
        }
        best = best.max(size);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains() {
        assert_eq!(longest_chain(&[]), 0);
        assert_eq!(longest_chain(&[(0, 1), (2, 3)]), 1);
        assert_eq!(longest_chain(&[(0, 1), (1, 2), (5, 6)]), 2);
        assert_eq!(longest_chain(&[(0, 1), (2, 3), (1, 2)]), 3);
    }
}
