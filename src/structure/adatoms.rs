//! Adatoms: one extra atomic layer on a facet, at the lattice sites the next plane would occupy,
//! of which a chosen fraction is kept at random.
//!
//! The layer on a facet with outward normal `n` whose outermost atomic plane is at `n . x = p`
//! is the set of lattice sites
//! - in the next lattice plane outward, `n . x = q` with `q` the first plane position beyond `p`;
//! - all of whose nearest-neighbour sites at or below the plane `p` are atoms of the particle:
//!   the site sits wholly over the facet, in a hollow of its outermost plane (4-fold hollows on
//!   fcc {100}, 3-fold fcc-stacking hollows on fcc {111}), not over an edge.

use std::collections::BTreeSet;

use rand::seq::SliceRandom;

use super::lattice::{Lattice, SiteLabel};
use crate::error::{Error, Result};
use crate::system::Vec3;

/// Says whether a site belongs to the particle.
pub type Membership<'a> = &'a dyn Fn(SiteLabel) -> bool;

/// Tolerance for comparing plane positions [A].
const PLANE_TOL: f64 = 1e-6;

/// The full adatom layer on the facet with Miller indices `miller` and outward unit normal
/// `normal` (crystal frame) of the particle whose sites are `core` (in any order; `is_core` says
/// whether a site is one of them), sorted by label; and the position `q` of its plane along
/// `normal` [A].
pub fn adatom_layer(
    lattice: &Lattice,
    core: &[SiteLabel],
    is_core: Membership<'_>,
    miller: [i32; 3],
    normal: &Vec3,
) -> (Vec<SiteLabel>, f64) {
    let proj = |s: SiteLabel| normal.dot(&lattice.site(s));
    let p = core
        .iter()
        .map(|&s| proj(s))
        .fold(f64::NEG_INFINITY, f64::max);
    let q = lattice.next_plane_above(miller, p);
    let offsets = lattice.neighbor_offsets();
    let d_nn = lattice.nearest_neighbor_distance();
    let neighbors = |s: SiteLabel| {
        let (c, b) = s;
        offsets[b as usize]
            .iter()
            .map(move |&(dc, b2)| ([c[0] + dc[0], c[1] + dc[1], c[2] + dc[2]], b2))
    };
    let mut candidates: BTreeSet<SiteLabel> = BTreeSet::new();
    for &s in core {
        if proj(s) < q - d_nn - PLANE_TOL {
            continue;
        }
        for t in neighbors(s) {
            if (proj(t) - q).abs() < PLANE_TOL && !is_core(t) {
                candidates.insert(t);
            }
        }
    }
    let layer = candidates
        .into_iter()
        .filter(|&t| {
            neighbors(t)
                .filter(|&u| proj(u) <= p + PLANE_TOL)
                .all(is_core)
        })
        .collect();
    (layer, q)
}

/// Number of adatoms kept from a layer of `layer_len` sites: round(fraction * layer_len).
pub fn kept_count(fraction: f64, layer_len: usize) -> usize {
    (fraction * layer_len as f64).round() as usize
}

/// Keeps round(`fraction` * len) sites of `layer` chosen at random by `rng`, in label order.
pub fn keep_fraction<R: rand::Rng>(
    layer: &[SiteLabel],
    fraction: f64,
    rng: &mut R,
) -> Result<Vec<SiteLabel>> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(Error::invalid(format!(
            "adatoms: fraction {fraction} must be between 0 and 1"
        )));
    }
    let mut order: Vec<usize> = (0..layer.len()).collect();
    order.shuffle(rng);
    let mut kept: Vec<usize> = order[..kept_count(fraction, layer.len())].to_vec();
    kept.sort_unstable();
    Ok(kept.into_iter().map(|k| layer[k]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::lattice::LatticeKind;

    #[test]
    fn layer_on_a_cube_face_fills_the_hollows() {
        // fcc cube of 2k+1 = 7 (100) planes per axis, centred on a site: the layer on (100) sits
        // at x = 4 (units a/2), over the 5 x 5 interior of the 7 x 7 face grid, on the sites
        // whose (y + z) has the parity of 4: 13 sites.
        let a = 2.0;
        let l = Lattice::new(LatticeKind::Fcc, a, None).unwrap();
        let mut core = Vec::new();
        for i in -2..=2 {
            for j in -2..=2 {
                for k in -2..=2 {
                    for b in 0..4u8 {
                        let x = l.site(([i, j, k], b));
                        if x.iter().all(|c| c.abs() <= 3.0 + 1e-9) {
                            core.push(([i, j, k], b));
                        }
                    }
                }
            }
        }
        core.sort();
        let set: std::collections::HashSet<_> = core.iter().copied().collect();
        let (layer, q) = adatom_layer(&l, &core, &|s| set.contains(&s), [1, 0, 0], &Vec3::x());
        assert!((q - 4.0).abs() < 1e-12);
        assert_eq!(layer.len(), 13);
        for s in &layer {
            let x = l.site(*s);
            assert!((x.x - 4.0).abs() < 1e-12 && x.y.abs() <= 2.0 && x.z.abs() <= 2.0);
        }
        let mut rng = <crate::md::SimRng as rand::SeedableRng>::seed_from_u64(3);
        assert_eq!(keep_fraction(&layer, 0.2, &mut rng).unwrap().len(), 3);
        assert!(keep_fraction(&layer, 1.2, &mut rng).is_err());
    }
}
