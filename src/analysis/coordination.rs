//! Coordination numbers: neighbours within a cutoff.

use super::PairView;

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
    const RANK: usize = 6;
    let kth_nearest = |k: usize| -> Vec<f64> {
        let mut buffer = Vec::new();
        (0..view.positions.len())
            .filter_map(|i| {
                buffer.clear();
                buffer.extend(view.list.iter_row(i, &view.positions).map(|nb| nb.r2));
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
