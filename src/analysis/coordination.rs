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

/// Median nearest-neighbour distance [A] over all atoms that have a neighbour in the view.
pub fn median_nearest_neighbor_distance(view: &PairView) -> Option<f64> {
    let mut d: Vec<f64> = (0..view.positions.len())
        .filter_map(|i| {
            view.list
                .iter_row(i, &view.positions)
                .map(|nb| nb.r2)
                .min_by(f64::total_cmp)
        })
        .map(f64::sqrt)
        .collect();
    if d.is_empty() {
        return None;
    }
    d.sort_by(f64::total_cmp);
    Some(d[d.len() / 2])
}
