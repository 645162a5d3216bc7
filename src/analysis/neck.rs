//! The bond neck between two particles: MD's neck measurement.
//!
//! (KMC measures the slab neck instead, the occupied sites of the contact plane,
//! [`crate::kmc::neck`]; the `Kmc` stage of a run reports both at the hand-off.)
//!
//! Geometry: the particle axis runs from the centre of mass of particle 1 (c1) to that of
//! particle 2 (c2); the axial coordinate of an atom is s = (x - c1) . u, u = (c2 - c1)/|c2 - c1|.
//! Atoms are "bonded" when closer than the bond cutoff (default (1 + sqrt 2)/2 times the median
//! nearest-neighbour distance: between the first and second neighbour shells of fcc).
//!
//! - Neck radius: the cross-section at the narrowest point. Planes perpendicular to the axis are
//!   scanned between c1 and c2 (0.1 A apart); the narrowest is the one crossed by the fewest
//!   bonds. Its area is the number of crossing bonds times the area per crossing bond, measured
//!   in the same frame on the plane through c1 (the body of particle 1, whose area is its atom
//!   count in a slab of 2 d_nn times the atomic volume over the slab thickness); the radius is
//!   sqrt(area / pi). Before contact no bond crosses the gap and the radius is 0; adatoms sitting
//!   in the gap count only once they bond across it.
//! - Neck region: atoms whose axial coordinate lies within one nearest-neighbour distance of the
//!   narrowest plane.
//! - Minimum gap: the smallest distance between an atom of particle 1 and an atom of particle 2.
//! - Bridging atoms: atoms bonded to at least one atom of each particle (membership is fixed at
//!   the start, so an atom of particle 1 that bonds to particle 2 bridges).
//! - Neck formation: the first observation with at least `min_bridging` bridging atoms (default 1).
//!
//! Positions are unwrapped; the particles must not straddle a periodic boundary with each other.

use serde::{Deserialize, Serialize};

use super::coordination::median_nearest_neighbor_distance;
use super::gap::membership;
use super::{PairView, com::centre_of_mass, unwrapped_positions};
use crate::error::{Error, Result};
use crate::system::{System, Vec3};

/// Length scales of the neck measurement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeckGeometry {
    /// Nearest-neighbour distance [A].
    pub nearest_neighbor: f64,
    /// Bond cutoff [A].
    pub bond_cutoff: f64,
    /// Volume per atom [A^3].
    pub atomic_volume: f64,
}

impl NeckGeometry {
    /// Geometry from the structure: d_nn is the median nearest-neighbour distance, the bond
    /// cutoff (1 + sqrt 2)/2 d_nn, the atomic volume that of close packing, d_nn^3 / sqrt 2.
    pub fn from_structure(system: &System) -> Result<Self> {
        let view = PairView::new(system, 6.0)?;
        let d = median_nearest_neighbor_distance(&view)
            .ok_or_else(|| Error::invalid("neck analysis: no atom has a neighbour within 6 A"))?;
        Ok(NeckGeometry {
            nearest_neighbor: d,
            bond_cutoff: 0.5 * (1.0 + 2f64.sqrt()) * d,
            atomic_volume: d.powi(3) / 2f64.sqrt(),
        })
    }
}

/// One neck measurement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeckSample {
    /// Distance between the particles' centres of mass [A].
    pub centre_distance: f64,
    /// Neck radius [A] (0 before contact).
    pub neck_radius: f64,
    /// Axial position of the narrowest plane, from the midpoint of the centres [A].
    pub neck_position: f64,
    /// Bonds crossing the narrowest plane.
    pub crossing_bonds: usize,
    /// Atoms within one nearest-neighbour distance of the narrowest plane.
    pub neck_atoms: usize,
    /// Smallest distance between an atom of particle 1 and one of particle 2 [A].
    pub min_gap: f64,
    /// Atoms bonded to both particles.
    pub bridging_atoms: usize,
    /// Their indices, ascending.
    pub bridging: Vec<u32>,
}

/// Measures the neck between particles `p1` and `p2` (atom indices).
pub fn measure_neck(
    system: &System,
    p1: &[u32],
    p2: &[u32],
    geometry: &NeckGeometry,
) -> Result<NeckSample> {
    if p1.is_empty() || p2.is_empty() {
        return Err(Error::invalid(
            "neck analysis needs two non-empty particles",
        ));
    }
    let x = unwrapped_positions(system);
    let c1 = centre_of_mass(system, Some(p1));
    let c2 = centre_of_mass(system, Some(p2));
    let axis = c2 - c1;
    let distance = axis.norm();
    if distance == 0.0 {
        return Err(Error::invalid(
            "neck analysis: the two particles have the same centre",
        ));
    }
    let u = axis / distance;
    let s: Vec<f64> = x.iter().map(|xi| (xi - c1).dot(&u)).collect();

    let membership = membership(system.len(), [p1, p2]);

    let bonds = bonds_of(system, &x, geometry.bond_cutoff)?;
    let step = 0.1;
    let profile = crossing_profile(&bonds, &s, &membership, distance, step);
    let mid = 0.5 * distance;
    let (best, crossing_bonds) = narrowest_plane(&profile.crossings, step, mid);
    let crossings = profile.crossings;
    let bridge = profile.bridge;
    let plane = best as f64 * step;

    // Area per crossing bond, from the body of particle 1 at its centre plane.
    let slab = 2.0 * geometry.nearest_neighbor;
    let body_atoms = p1
        .iter()
        .filter(|&&i| s[i as usize].abs() < 0.5 * slab)
        .count();
    let body_area = body_atoms as f64 * geometry.atomic_volume / slab;
    let body_crossings = crossings[0].max(1);
    let area_per_bond = body_area / body_crossings as f64;
    let neck_radius = (crossing_bonds as f64 * area_per_bond / std::f64::consts::PI).sqrt();

    let neck_atoms = s
        .iter()
        .filter(|&&si| (si - plane).abs() < geometry.nearest_neighbor)
        .count();
    let bridging: Vec<u32> = (0..bridge.len() as u32)
        .filter(|&i| bridge[i as usize] == [true, true])
        .collect();
    Ok(NeckSample {
        centre_distance: distance,
        neck_radius,
        neck_position: plane - mid,
        crossing_bonds,
        neck_atoms,
        min_gap: min_distance(&x, &s, p1, p2),
        bridging_atoms: bridging.len(),
        bridging,
    })
}

/// Bonds crossing each plane along the axis, and which particles each atom is bonded to.
struct CrossingProfile {
    /// Bonds crossing the plane at axial position k * step from centre 1, for k = 0, 1, ...
    crossings: Vec<usize>,
    /// Per atom: bonded to an atom of particle 1, of particle 2.
    bridge: Vec<[bool; 2]>,
}

/// Crossing counts on planes `step` [A] apart from centre 1 (s = 0) to centre 2 (s =
/// `distance`), by a difference array over the bonds, with each atom's bonds to particles 1
/// and 2 (`membership`: 0 none, 1 or 2). `s` is each atom's axial coordinate [A].
fn crossing_profile(
    bonds: &[(usize, usize)],
    s: &[f64],
    membership: &[u8],
    distance: f64,
    step: f64,
) -> CrossingProfile {
    let planes = (distance / step).ceil() as usize + 1;
    let mut diff = vec![0i64; planes + 1];
    let mut bridge = vec![[false; 2]; s.len()];
    for &(i, j) in bonds {
        let (a, b) = if s[i] <= s[j] {
            (s[i], s[j])
        } else {
            (s[j], s[i])
        };
        // Planes k with a < k*step < b.
        let first = ((a / step).floor() + 1.0).max(0.0);
        let last = ((b / step).ceil() - 1.0).min((planes - 1) as f64);
        if first <= last {
            diff[first as usize] += 1;
            diff[last as usize + 1] -= 1;
        }
        for (p, q) in [(i, j), (j, i)] {
            match membership[q] {
                1 => bridge[p][0] = true,
                2 => bridge[p][1] = true,
                _ => {}
            }
        }
    }
    let mut crossings = Vec::with_capacity(planes);
    let mut running = 0i64;
    for d in diff.iter().take(planes) {
        running += d;
        crossings.push(running as usize);
    }
    CrossingProfile { crossings, bridge }
}

/// The narrowest plane (index, crossing bonds): fewest crossings, ties resolved towards the
/// midpoint `mid` [A]. `crossings` holds at least one value (planes >= 1).
fn narrowest_plane(crossings: &[usize], step: f64, mid: f64) -> (usize, usize) {
    let (best, &count) = crossings
        .iter()
        .enumerate()
        .min_by(|(ka, a), (kb, b)| {
            a.cmp(b).then(
                ((*ka as f64 * step - mid).abs()).total_cmp(&((*kb as f64 * step - mid).abs())),
            )
        })
        .unwrap();
    (best, count)
}

/// Bonded pairs (i < j) closer than `cutoff` [A], over unwrapped positions `x`.
fn bonds_of(system: &System, x: &[Vec3], cutoff: f64) -> Result<Vec<(usize, usize)>> {
    let view = PairView::new(system, cutoff)?;
    let c2 = cutoff * cutoff;
    let mut out = Vec::new();
    for i in 0..x.len() {
        for nb in view.list.iter_row(i, &view.positions) {
            if nb.j > i && nb.r2 < c2 {
                out.push((i, nb.j));
            }
        }
    }
    Ok(out)
}

/// Smallest distance between the two particles: an upper bound from the front atom of particle 1,
/// then an exact search among atoms within that bound of the other particle's axial extent.
fn min_distance(x: &[Vec3], s: &[f64], p1: &[u32], p2: &[u32]) -> f64 {
    let Some(&front) = p1
        .iter()
        .max_by(|&&a, &&b| s[a as usize].total_cmp(&s[b as usize]))
    else {
        return f64::INFINITY;
    };
    let front = front as usize;
    let bound = p2
        .iter()
        .map(|&j| (x[j as usize] - x[front]).norm())
        .fold(f64::INFINITY, f64::min);
    let max1 = p1
        .iter()
        .map(|&i| s[i as usize])
        .fold(f64::NEG_INFINITY, f64::max);
    let min2 = p2
        .iter()
        .map(|&j| s[j as usize])
        .fold(f64::INFINITY, f64::min);
    let near1: Vec<usize> = p1
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| s[i] >= min2 - bound)
        .collect();
    let near2: Vec<usize> = p2
        .iter()
        .map(|&j| j as usize)
        .filter(|&j| s[j] <= max1 + bound)
        .collect();
    let mut best = bound;
    for &i in &near1 {
        for &j in &near2 {
            if (s[j] - s[i]).abs() < best {
                best = best.min((x[i] - x[j]).norm());
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{CubicLattice, block_sites};
    use crate::system::{SimBox, SpeciesTable};

    /// Two fcc spheres of radius `r` whose centres are `d` apart on x, cut from one lattice.
    fn two_spheres(r: f64, d: f64) -> (System, Vec<u32>, Vec<u32>) {
        let a = 3.92;
        let n = (2.0 * (r + d) / a).ceil() as usize + 2;
        let sites = block_sites(CubicLattice::Fcc, a, [n, n, n]);
        let centre = Vec3::repeat(n as f64 * a / 2.0);
        let (ca, cb) = (
            centre - Vec3::new(d / 2.0, 0.0, 0.0),
            centre + Vec3::new(d / 2.0, 0.0, 0.0),
        );
        let b = SimBox::new([-50.0; 3], [n as f64 * a + 50.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Pt"]).unwrap());
        let (mut p1, mut p2) = (Vec::new(), Vec::new());
        for x in sites {
            let (da, db) = ((x - ca).norm(), (x - cb).norm());
            if da <= r || db <= r {
                let idx = s.len() as u32;
                if da <= db {
                    p1.push(idx)
                } else {
                    p2.push(idx)
                }
                s.push(idx as u64 + 1, 0, x, Vec3::zeros());
            }
        }
        (s, p1, p2)
    }

    #[test]
    fn touching_spheres_have_the_neck_of_their_intersection() {
        let (r, d) = (16.0, 28.0);
        let (s, p1, p2) = two_spheres(r, d);
        let g = NeckGeometry::from_structure(&s).unwrap();
        assert!((g.nearest_neighbor - 3.92 / 2f64.sqrt()).abs() < 1e-9);
        let neck = measure_neck(&s, &p1, &p2, &g).unwrap();
        let exact = (r * r - d * d / 4.0).sqrt();
        assert!(
            (neck.neck_radius - exact).abs() < 1.0,
            "neck radius {} vs {exact}",
            neck.neck_radius
        );
        assert!(neck.neck_position.abs() < 2.0);
        assert!(neck.bridging_atoms > 0);
        assert!(neck.min_gap < 3.0);
    }

    #[test]
    fn separated_spheres_have_no_neck() {
        let (s, p1, p2) = two_spheres(12.0, 24.0 + 8.0);
        let g = NeckGeometry::from_structure(&s).unwrap();
        let neck = measure_neck(&s, &p1, &p2, &g).unwrap();
        assert_eq!(neck.neck_radius, 0.0);
        assert_eq!(neck.crossing_bonds, 0);
        assert_eq!(neck.bridging_atoms, 0);
        let brute = p1
            .iter()
            .flat_map(|&i| p2.iter().map(move |&j| (i, j)))
            .map(|(i, j)| (s.positions[i as usize] - s.positions[j as usize]).norm())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(neck.min_gap, brute);
        assert!(neck.min_gap > 8.0, "gap {}", neck.min_gap);
    }
}
