//! Coordination numbers: neighbours within a cutoff.

use super::{PairView, wrapped_positions};
use crate::neighbor::CellGrid;
use crate::system::System;

/// Number of neighbours of each atom closer than `cutoff` [A] (the view's radius must be at
/// least `cutoff`).
pub fn coordination_numbers(view: &PairView, cutoff: f64) -> Vec<u32> {
    let c2 = cutoff * cutoff;
    (0..view.positions.len())
        .map(|i| {
            view.list
                .iter_row(i, &view.positions)
                .filter(|nb| nb.r2 < c2)
                .count() as u32
        })
        .collect()
}

/// Typical nearest-neighbour distance [A]: the median over atoms of each atom's 6th-nearest
/// neighbour distance (atoms with fewer than 6 neighbours in the view are skipped; when no atom
/// has 6, the median nearest distance).
///
/// In a perfect fcc, hcp or bcc crystal this is the nearest-neighbour distance exactly. In a hot
/// or disordered system the nearest distance of each atom lies well inside its first shell (the
/// shell is broad), while the 6th of its ~12 first-shell neighbours sits near the shell's middle,
/// so bond cutoffs derived from it (e.g. (1 + sqrt 2)/2 of it, halfway to the fcc second shell)
/// do not cut into the first shell.
pub fn median_nearest_neighbor_distance(view: &PairView) -> Option<f64> {
    median_kth_distance(0..view.positions.len(), |i, r2| {
        r2.extend(view.list.iter_row(i, &view.positions).map(|nb| nb.r2));
    })
}

/// [`median_nearest_neighbor_distance`] of the neighbours within `radius` [A], over an evenly
/// spaced sample of at most `samples` atoms (all of them when there are fewer), found through a
/// cell grid: no neighbour list, so the memory is a few words per atom whatever the radius.
pub fn sampled_nearest_neighbor_distance(
    system: &System,
    radius: f64,
    samples: usize,
) -> Option<f64> {
    let n = system.len();
    if n == 0 || samples == 0 || !(radius > 0.0) {
        return None;
    }
    let positions = wrapped_positions(system);
    let grid = CellGrid::build(&system.simbox, &positions, radius, 0.5 * radius);
    let order = grid.atoms_in_cell_order();
    let radius2 = radius * radius;
    let sample = (0..n.min(samples)).map(|k| if n <= samples { k } else { k * n / samples });
    median_kth_distance(sample, |i, r2| {
        let xi = positions[i];
        grid.for_each_stencil_run(grid.cell_of(i), false, |run, s, _| {
            let shift = system.simbox.translation(s);
            for &j in &order[run] {
                let j = j as usize;
                if j == i && s == [0; 3] {
                    continue;
                }
                let d2 = (positions[j] + shift - xi).norm_squared();
                if d2 < radius2 {
                    r2.push(d2);
                }
            }
        });
    })
}

/// The median over `atoms` of the 6th-nearest neighbour distance [A] (atoms with fewer than 6
/// skipped; when none has 6, of the nearest distance), `row(i, r2)` appending the squared
/// distances [A^2] of atom i's neighbours to `r2`.
fn median_kth_distance(
    atoms: impl Iterator<Item = usize> + Clone,
    mut row: impl FnMut(usize, &mut Vec<f64>),
) -> Option<f64> {
    const RANK: usize = 6;
    let mut kth_nearest = |k: usize| -> Vec<f64> {
        let mut buffer = Vec::new();
        atoms
            .clone()
            .filter_map(|i| {
                buffer.clear();
                row(i, &mut buffer);
                if buffer.len() < k {
                    return None;
                }
                let (_, kth, _) = buffer.select_nth_unstable_by(k - 1, f64::total_cmp);
                Some(kth.sqrt())
            })
            .collect()
    };
    let mut d = kth_nearest(RANK);
    if d.is_empty() {
        d = kth_nearest(1);
    }
    if d.is_empty() {
        return None;
    }
    d.sort_by(f64::total_cmp);
    Some(d[d.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{CubicLattice, block_sites};
    use crate::system::{SimBox, SpeciesTable, Vec3};

    /// A periodic fcc block of `cells`^3 unit cells (a = 4 A), sites shaken by up to `shake` A.
    fn fcc(cells: usize, shake: f64) -> System {
        let a = 4.0;
        let l = cells as f64 * a;
        let b = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Cu"]).unwrap());
        for (k, x) in block_sites(CubicLattice::Fcc, a, [cells; 3])
            .into_iter()
            .enumerate()
        {
            let t = k as f64;
            let jitter = Vec3::new((t * 0.7).sin(), (t * 1.3).cos(), (t * 2.9).sin()) * shake;
            s.push(k as u64 + 1, 0, x + jitter, Vec3::zeros());
        }
        s
    }

    #[test]
    fn sampled_distance_is_the_full_median_for_small_systems_and_close_for_large() {
        let small = fcc(4, 0.1);
        let full = median_nearest_neighbor_distance(&PairView::new(&small, 6.0).unwrap()).unwrap();
        let sampled = sampled_nearest_neighbor_distance(&small, 6.0, small.len()).unwrap();
        assert_eq!(full, sampled);
        // A sample of a quarter of the atoms: the median moves by a tiny fraction.
        let part = sampled_nearest_neighbor_distance(&small, 6.0, small.len() / 4).unwrap();
        assert!((part - full).abs() < 0.02 * full, "{part} vs {full}");
        // A perfect crystal: the nearest-neighbour distance a / sqrt 2 exactly.
        let perfect = sampled_nearest_neighbor_distance(&fcc(5, 0.0), 6.0, 37).unwrap();
        assert!((perfect - 4.0 / 2f64.sqrt()).abs() < 1e-12, "{perfect}");
        assert_eq!(sampled_nearest_neighbor_distance(&small, 0.0, 10), None);
    }
}
