//! The interior of a particle and its outer shells, by depth below the particle's convex hull:
//! the one definition the phase check ([`super::phase`]) and the mean-square displacement
//! ([`super::msd`]) share.
//!
//! The depth of a point x inside the convex hull of the particle's atoms is its distance to the
//! hull's boundary,
//!
//! ```text
//! depth(x) = min over unit vectors u of ( h(u) - u . x ),   h(u) = max_j u . x_j,
//! ```
//!
//! h being the support function of the atoms (the distance of the outermost plane normal to u).
//! It is evaluated on supporting planes of the particle: the planes normal to [`DIRECTIONS`]
//! directions spread evenly over the sphere (a Fibonacci lattice), and the planes through every
//! triple of the few atoms outermost along each of those directions, each moved out to the
//! outermost atom. Every such plane supports the particle, so the least distance to them is at
//! least the depth; it is the depth itself when the nearest facet's plane is among them, which
//! the triples make so on faceted particles (near a facet's normal the outermost atoms lie on
//! the facet). On round particles the sampled directions alone come within about r a^2 / 2 of
//! it (a ~ 0.1 rad, the spacing of the directions). The cost is a few thousand operations per
//! atom.
//!
//! An atom is in the **interior** when its depth exceeds [`INTERIOR_DEPTH`] = 2 nearest-neighbour
//! distances d (the margin "radius - 2 d" of a sphere, taken below each facet). In an fcc
//! crystal the layers lie 0.71 d apart under a (100) facet and 0.82 d under (111), so the
//! interior starts at the fourth layer (2.12 d, 2.45 d deep) and leaves out the surface layer,
//! the subsurface layer and the one beneath; 2 d keeps that with room for thermal vibration
//! (RMS ~0.07-0.1 d near melting) and for the hull resting on the outermost, vibrating atoms. The
//! third layer is left out on purpose: near melting it still feels the surface (in a 1,974-atom
//! Pt85Fe15 particle under the 2NN MEAM at 1473 K, atoms 1-1.5 d deep have a Lindemann index of
//! 0.12 and those 1.5-2 d deep 0.10, against 0.085-0.09 deeper down). On a facet carrying
//! adatoms the hull rests on the adatoms, which then count as the outermost layer. The other
//! atoms, the **surface shell**, are those outer layers: facet, edge and corner atoms, adatoms,
//! and the two layers beneath them.
//!
//! Unlike a radius taken from the radius of gyration (sqrt(5/3) Rg), the hull follows facets:
//! for the study's 15,402-atom truncated cubes, atoms within sqrt(5/3) Rg - 2 d of the centre
//! include 504 atoms with fewer than 11 neighbours (surface atoms at the facet centres), the hull
//! depth none. Unlike a count of neighbours, it does not depend on the phase: a liquid interior,
//! whose coordination fluctuates, is still the interior.

use rayon::prelude::*;

use crate::system::{System, Vec3};

/// Depth below the hull, in nearest-neighbour distances, beyond which an atom is interior.
pub const INTERIOR_DEPTH: f64 = 2.0;

/// Directions on which the support function is sampled.
pub const DIRECTIONS: usize = 600;

/// Points taken, per sampled direction, to make facet planes from (every triple of them).
const OUTERMOST: usize = 4;

/// The particles of `system`: the groups `particle1`, `particle2`, ... (consecutive from 1) when
/// the system has them (a built pair or particle), else the whole system as one particle named
/// `all` (a particle equilibrated on its own, a cluster read from a file).
pub fn particle_groups(system: &System) -> Vec<(String, Vec<u32>)> {
    let mut out = Vec::new();
    for k in 1.. {
        let name = format!("particle{k}");
        match system.groups.get(&name) {
            Some(members) => out.push((name, members.clone())),
            None => break,
        }
    }
    if out.is_empty() {
        out.push(("all".to_string(), (0..system.len() as u32).collect()));
    }
    out
}

/// Fibonacci-lattice unit vectors: `n` directions spread evenly over the sphere.
fn sphere_directions(n: usize) -> Vec<Vec3> {
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    (0..n)
        .map(|k| {
            let z = 1.0 - 2.0 * (k as f64 + 0.5) / n as f64;
            let s = (1.0 - z * z).max(0.0).sqrt();
            let phi = golden * k as f64;
            Vec3::new(s * phi.cos(), s * phi.sin(), z)
        })
        .collect()
}

/// A plane supporting a set of points: every point has n . x <= offset, some equal.
#[derive(Clone, Copy, Debug)]
struct SupportPlane {
    /// Outward unit normal.
    normal: Vec3,
    /// Largest n . x over the points [A].
    offset: f64,
}

/// Supporting planes of the convex hull of `points` (relative to their centroid): one normal to
/// each sampled direction, and one through every triple of the [`OUTERMOST`] points furthest
/// along each sampled direction (near a facet's normal those lie on the facet, so the plane is
/// the facet's own).
fn support_planes(points: &[Vec3]) -> Vec<SupportPlane> {
    let directions = sphere_directions(DIRECTIONS);
    let support = |n: &Vec3| {
        points
            .iter()
            .map(|x| n.dot(x))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    // Per direction: its plane, and the indices of its outermost points, furthest first.
    let sampled: Vec<(SupportPlane, Vec<u32>)> = directions
        .par_iter()
        .map(|u| {
            let mut top: Vec<(f64, u32)> = Vec::with_capacity(OUTERMOST + 1);
            for (j, x) in points.iter().enumerate() {
                let v = u.dot(x);
                if top.len() < OUTERMOST || v > top[top.len() - 1].0 {
                    let at = top.iter().position(|t| v > t.0).unwrap_or(top.len());
                    top.insert(at, (v, j as u32));
                    top.truncate(OUTERMOST);
                }
            }
            let plane = SupportPlane {
                normal: *u,
                offset: top[0].0,
            };
            (plane, top.into_iter().map(|t| t.1).collect())
        })
        .collect();
    let mut triples: Vec<[u32; 3]> = Vec::new();
    for (_, top) in &sampled {
        for a in 0..top.len() {
            for b in a + 1..top.len() {
                for c in b + 1..top.len() {
                    let mut t = [top[a], top[b], top[c]];
                    t.sort_unstable();
                    triples.push(t);
                }
            }
        }
    }
    triples.sort_unstable();
    triples.dedup();
    let centroid_side: Vec<SupportPlane> = triples
        .par_iter()
        .filter_map(|t| {
            let [p, q, r] = t.map(|i| points[i as usize]);
            let normal = (q - p).cross(&(r - p));
            // Nearly collinear points (along an edge) fix no plane.
            if normal.norm() < 1e-6 * (q - p).norm() * (r - p).norm() {
                return None;
            }
            // Outward: away from the centroid (the origin), which lies inside the hull.
            let n = normal.normalize() * normal.dot(&p).signum();
            Some(SupportPlane {
                normal: n,
                offset: support(&n),
            })
        })
        .collect();
    sampled
        .into_iter()
        .map(|s| s.0)
        .chain(centroid_side)
        .collect()
}

/// Depth [A] of each point below the convex hull of all the points (0 for points on it), see the
/// module doc. Points are positions of one particle [A], unwrapped.
pub fn hull_depths(points: &[Vec3]) -> Vec<f64> {
    if points.len() < 4 {
        return vec![0.0; points.len()];
    }
    let centre = points.iter().sum::<Vec3>() / points.len() as f64;
    let x: Vec<Vec3> = points.iter().map(|p| p - centre).collect();
    let planes = support_planes(&x);
    x.par_iter()
        .map(|xi| {
            planes
                .iter()
                .map(|p| p.offset - p.normal.dot(xi))
                .fold(f64::INFINITY, f64::min)
                .max(0.0)
        })
        .collect()
}

/// Whether each point lies in the interior: deeper than [`INTERIOR_DEPTH`] x `nearest_neighbor`
/// [A] below the hull of the points.
pub fn interior_flags(points: &[Vec3], nearest_neighbor: f64) -> Vec<bool> {
    let limit = INTERIOR_DEPTH * nearest_neighbor;
    hull_depths(points).into_iter().map(|d| d > limit).collect()
}

/// A particle's atoms (indices into the system) split into the interior and the surface shell.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shells {
    /// Atoms deeper than [`INTERIOR_DEPTH`] nearest-neighbour distances below the hull.
    pub interior: Vec<u32>,
    /// The other atoms: the outermost layer and the two beneath it.
    pub surface: Vec<u32>,
}

/// The shells of the particle `members` of `system` (unwrapped positions), with the
/// nearest-neighbour distance `nearest_neighbor` [A]. A `bulk` system (periodic, filled with
/// atoms) has no surface: every atom is interior.
pub fn particle_shells(
    system: &System,
    members: &[u32],
    nearest_neighbor: f64,
    bulk: bool,
) -> Shells {
    if bulk {
        return Shells {
            interior: members.to_vec(),
            surface: Vec::new(),
        };
    }
    let points = super::unwrapped_members(system, members);
    let mut shells = Shells::default();
    for (&i, inside) in members
        .iter()
        .zip(interior_flags(&points, nearest_neighbor))
    {
        if inside {
            shells.interior.push(i);
        } else {
            shells.surface.push(i);
        }
    }
    shells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{CubicLattice, block_sites};

    /// An fcc cube of `cells`^3 unit cells (a = 4 A) plus the closing faces: (100) facets.
    fn fcc_cube(cells: usize) -> Vec<Vec3> {
        let a = 4.0;
        let mut sites = block_sites(CubicLattice::Fcc, a, [cells + 1; 3]);
        let edge = cells as f64 * a + 1e-9;
        sites.retain(|x| x.iter().all(|&c| c <= edge));
        sites
    }

    #[test]
    fn depth_below_the_facets_of_a_cube_is_the_distance_to_the_nearest_face() {
        let points = fcc_cube(6);
        let depths = hull_depths(&points);
        let edge = 24.0;
        for (x, d) in points.iter().zip(&depths) {
            let exact = x
                .iter()
                .map(|&c| c.min(edge - c))
                .fold(f64::INFINITY, f64::min);
            assert!((d - exact).abs() < 1e-9, "{x:?}: depth {d}, exact {exact}");
        }
    }

    #[test]
    fn interior_leaves_out_three_layers_under_100_facets() {
        let points = fcc_cube(6);
        let d = 4.0 / 2f64.sqrt();
        let inside = interior_flags(&points, d);
        // (100) layers are a/2 = 2 A apart: the layers at depth 0, 2 and 4 A (1.41 d) are the
        // surface shell, the one at 6 A (2.12 d) the interior's first.
        for (x, &i) in points.iter().zip(&inside) {
            let depth = x
                .iter()
                .map(|&c| c.min(24.0 - c))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(i, depth > 5.0, "{x:?} at depth {depth}");
        }
    }

    #[test]
    fn points_inside_a_sphere_lie_at_their_distance_from_it() {
        // 3,000 points on a sphere of radius 12 A (its hull is the sphere to 0.01 A), and points
        // inside at radii 0-11 A: their depth is 12 - r, found to about 1 % of the radius (the
        // refinement sees only the points outermost for some sampled direction).
        let mut points: Vec<Vec3> = sphere_directions(3000).iter().map(|u| 12.0 * u).collect();
        let inside: Vec<Vec3> = sphere_directions(50)
            .iter()
            .enumerate()
            .map(|(k, u)| (k as f64 * 0.22) * u)
            .collect();
        points.extend(&inside);
        let depths = hull_depths(&points);
        for (x, d) in inside.iter().zip(&depths[3000..]) {
            let exact = 12.0 - x.norm();
            assert!((d - exact).abs() < 0.2, "r {}: depth {d}", x.norm());
        }
        assert!(depths[..3000].iter().all(|&d| d < 0.05));
    }

    #[test]
    fn particles_are_the_numbered_groups_or_the_whole_system() {
        use crate::system::{SimBox, SpeciesTable};
        let b = SimBox::new([0.0; 3], [10.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Cu"]).unwrap());
        for k in 0..4 {
            s.push(k + 1, 0, Vec3::new(k as f64, 0.0, 0.0), Vec3::zeros());
        }
        assert_eq!(particle_groups(&s), vec![("all".into(), vec![0, 1, 2, 3])]);
        s.groups.insert("particle1".into(), vec![0, 1]);
        s.groups.insert("particle2".into(), vec![2, 3]);
        s.groups.insert("adatoms".into(), vec![3]);
        let p = particle_groups(&s);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1], ("particle2".into(), vec![2, 3]));
    }
}
