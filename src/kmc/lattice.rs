//! Site sets: the places atoms may sit on in KMC, and which of them are neighbours.
//!
//! A [`SiteSet`] is a list of site positions with a fixed-stride neighbour table: the neighbours
//! of site `i` are `table[i * stride .. i * stride + count[i]]` (u32 site indices). An fcc lattice
//! has stride 12; a mesh has the largest neighbour count of its sites. Neighbours are the sites
//! closer than a cutoff: 0.9 a on an fcc lattice (between the first shell at a/sqrt(2) and the
//! second at a, so exactly 12), the first minimum of g(r) on an amorphous mesh (see
//! [`super::mesh`]).
//!
//! [`FccLattice`] generates the sites of an fcc lattice with a lattice parameter, an orientation
//! (a rotation from the crystal frame to the world frame) and an origin.

use nalgebra::Matrix3;

use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::structure::lattice::gcd;
use crate::system::{SimBox, Vec3};

/// Largest number of neighbours a site may have (the event code keeps candidate destinations in
/// a fixed array of this size).
pub const MAX_NEIGHBORS: usize = 64;

/// Neighbour cutoff of an fcc lattice in units of the lattice parameter: between the first shell
/// (1/sqrt(2) = 0.707) and the second (1.0).
pub const FCC_CUTOFF_FACTOR: f64 = 0.9;

/// Sites and their neighbour table.
#[derive(Clone, Debug)]
pub struct SiteSet {
    /// Site positions [A].
    pub positions: Vec<Vec3>,
    /// Box the sites live in (periodic axes wrap neighbour searches; free axes only bound output).
    pub simbox: SimBox,
    /// Nearest-neighbour spacing [A]: a/sqrt(2) on fcc, the first g(r) peak on a mesh.
    pub spacing: f64,
    /// Neighbour cutoff used [A].
    pub cutoff: f64,
    stride: usize,
    counts: Vec<u8>,
    table: Vec<u32>,
}

impl SiteSet {
    /// Sites at `positions` [A] (inside `simbox` along its periodic axes) with neighbours closer
    /// than `cutoff` [A]. Errors when the periodic box is so small that a site would see itself or
    /// another site twice, or when a site has more than [`MAX_NEIGHBORS`] neighbours.
    pub fn with_cutoff(
        positions: Vec<Vec3>,
        simbox: SimBox,
        cutoff: f64,
        spacing: f64,
    ) -> Result<Self> {
        if !(cutoff > 0.0) || !cutoff.is_finite() {
            return Err(Error::invalid(format!(
                "neighbour cutoff {cutoff} A must be positive"
            )));
        }
        let l = simbox.lengths();
        for k in 0..3 {
            if simbox.periodic[k] && l[k] <= 2.0 * cutoff {
                return Err(Error::invalid(format!(
                    "periodic box edge {} = {} A is not longer than twice the neighbour cutoff {cutoff} A",
                    ["x", "y", "z"][k],
                    l[k]
                )));
            }
        }
        let mut list = NeighborList::new(cutoff, 0.0);
        list.build(&simbox, &positions)?;
        let rows: Vec<Vec<u32>> = (0..positions.len())
            .map(|i| list.row(i).neighbors().collect())
            .collect();
        Self::from_rows(positions, simbox, cutoff, spacing, &rows)
    }

    /// Sites with explicit neighbour rows (0-based site indices). Rows must be symmetric.
    pub fn from_rows(
        positions: Vec<Vec3>,
        simbox: SimBox,
        cutoff: f64,
        spacing: f64,
        rows: &[Vec<u32>],
    ) -> Result<Self> {
        let n = positions.len();
        if rows.len() != n {
            return Err(Error::invalid(format!(
                "{} neighbour rows for {n} sites",
                rows.len()
            )));
        }
        if n >= u32::MAX as usize {
            return Err(Error::invalid("too many sites"));
        }
        let stride = rows.iter().map(Vec::len).max().unwrap_or(0);
        if stride > MAX_NEIGHBORS {
            return Err(Error::invalid(format!(
                "a site has {stride} neighbours, more than the {MAX_NEIGHBORS} allowed: the neighbour cutoff {cutoff} A is too long"
            )));
        }
        let mut counts = Vec::with_capacity(n);
        let mut table = vec![u32::MAX; n * stride];
        for (i, row) in rows.iter().enumerate() {
            counts.push(row.len() as u8);
            for (k, &j) in row.iter().enumerate() {
                if j as usize >= n || j as usize == i {
                    return Err(Error::invalid(format!(
                        "site {} lists neighbour {} (sites are 1..{n}, not itself)",
                        i + 1,
                        j as u64 + 1
                    )));
                }
                if row[..k].contains(&j) {
                    return Err(Error::invalid(format!(
                        "site {} lists neighbour {} twice",
                        i + 1,
                        j + 1
                    )));
                }
                table[i * stride + k] = j;
            }
        }
        let set = SiteSet {
            positions,
            simbox,
            spacing,
            cutoff,
            stride,
            counts,
            table,
        };
        set.check_symmetric()?;
        Ok(set)
    }

    fn check_symmetric(&self) -> Result<()> {
        for i in 0..self.len() {
            for &j in self.neighbors(i) {
                if !self.neighbors(j as usize).contains(&(i as u32)) {
                    return Err(Error::invalid(format!(
                        "site {} lists {} as a neighbour but not the other way round",
                        i + 1,
                        j + 1
                    )));
                }
            }
        }
        Ok(())
    }

    /// Number of sites.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// True when there are no sites.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Row length of the neighbour table (the largest neighbour count).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Neighbours of site `i`.
    #[inline]
    pub fn neighbors(&self, i: usize) -> &[u32] {
        let start = i * self.stride;
        &self.table[start..start + self.counts[i] as usize]
    }

    /// Number of neighbours of site `i`.
    #[inline]
    pub fn neighbor_count(&self, i: usize) -> u8 {
        self.counts[i]
    }

    /// Number of neighbours of every site.
    pub fn neighbor_counts(&self) -> &[u8] {
        &self.counts
    }

    /// Number density of sites [1/A^3] over the box (meaningful for a periodic mesh).
    pub fn box_density(&self) -> f64 {
        self.len() as f64 / self.simbox.volume()
    }
}

/// An fcc lattice: lattice parameter, orientation and origin.
#[derive(Clone, Debug, PartialEq)]
pub struct FccLattice {
    /// Lattice parameter [A].
    pub a: f64,
    /// Rotation from the crystal frame (cube axes) to the world frame: world = origin + R * crystal.
    pub rotation: Matrix3<f64>,
    /// World position of a lattice site [A].
    pub origin: Vec3,
}

/// Basis of the conventional fcc cell in units of the lattice parameter.
const FCC_BASIS: [[f64; 3]; 4] = [
    [0.0, 0.0, 0.0],
    [0.5, 0.5, 0.0],
    [0.5, 0.0, 0.5],
    [0.0, 0.5, 0.5],
];

impl FccLattice {
    /// Nearest-neighbour distance a/sqrt(2) [A].
    pub fn nearest_neighbor_distance(&self) -> f64 {
        self.a / 2f64.sqrt()
    }

    /// Neighbour cutoff 0.9 a [A] (12 neighbours).
    pub fn neighbor_cutoff(&self) -> f64 {
        FCC_CUTOFF_FACTOR * self.a
    }

    /// Number density of sites 4/a^3 [1/A^3].
    pub fn density(&self) -> f64 {
        4.0 / self.a.powi(3)
    }

    /// The lattice sites inside the world-frame box `[lo, hi]` [A] for which `keep` is true.
    pub fn sites_in(&self, lo: Vec3, hi: Vec3, mut keep: impl FnMut(&Vec3) -> bool) -> Vec<Vec3> {
        // Bounding box of the world box in crystal cell coordinates.
        let inv = self.rotation.transpose() / self.a;
        let mut clo = Vec3::repeat(f64::INFINITY);
        let mut chi = Vec3::repeat(f64::NEG_INFINITY);
        for corner in 0..8 {
            let p = Vec3::new(
                if corner & 1 == 0 { lo.x } else { hi.x },
                if corner & 2 == 0 { lo.y } else { hi.y },
                if corner & 4 == 0 { lo.z } else { hi.z },
            );
            let c = inv * (p - self.origin);
            clo = clo.inf(&c);
            chi = chi.sup(&c);
        }
        let range = |k: usize| (clo[k].floor() as i64 - 1)..=(chi[k].ceil() as i64);
        let mut out = Vec::new();
        for i in range(0) {
            for j in range(1) {
                for k in range(2) {
                    for b in &FCC_BASIS {
                        let c = Vec3::new(i as f64 + b[0], j as f64 + b[1], k as f64 + b[2]);
                        let x = self.origin + self.rotation * (c * self.a);
                        let inside = (0..3).all(|d| x[d] >= lo[d] && x[d] <= hi[d]);
                        if inside && keep(&x) {
                            out.push(x);
                        }
                    }
                }
            }
        }
        out
    }

    /// The world direction `dir` as reduced integer Miller indices [u v w] of the crystal frame,
    /// or None when it is not a lattice direction with indices up to 12.
    pub fn miller_direction(&self, dir: &Vec3) -> Option<[i64; 3]> {
        let c = self.rotation.transpose() * dir.normalize();
        let big = c.amax();
        for scale in 1..=12 {
            let v = c * (scale as f64 / big);
            let r = v.map(f64::round);
            if (v - r).amax() < 1e-6 {
                let mut m = [r.x as i64, r.y as i64, r.z as i64];
                // m is not zero, and when m[0] = m[1] = 0 it is (0, 0, +-1) (scale 1), so g >= 1.
                let g = gcd(gcd(m[0].abs(), m[1].abs()), m[2].abs());
                for x in &mut m {
                    *x /= g;
                }
                return Some(m);
            }
        }
        None
    }

    /// Spacing of the lattice planes perpendicular to the world direction `dir` [A]:
    /// a / |uvw| when u, v, w are all odd, a / (2 |uvw|) otherwise (fcc selection rule).
    pub fn plane_spacing(&self, dir: &Vec3) -> Option<f64> {
        let m = self.miller_direction(dir)?;
        let norm = ((m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) as f64).sqrt();
        let all_odd = m.iter().all(|x| x % 2 != 0);
        Some(if all_odd {
            self.a / norm
        } else {
            self.a / (2.0 * norm)
        })
    }

    /// Length of the shortest lattice translation along the world direction `dir` [A]:
    /// (a/2)|uvw| when u + v + w is even, a |uvw| otherwise.
    pub fn repeat_length(&self, dir: &Vec3) -> Option<f64> {
        let m = self.miller_direction(dir)?;
        let norm = ((m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) as f64).sqrt();
        Some(if (m[0] + m[1] + m[2]) % 2 == 0 {
            0.5 * self.a * norm
        } else {
            self.a * norm
        })
    }
}

/// Sites of two fcc lattices meeting at a plane (a bicrystal): the sites of `first` in `[lo, hi]`
/// on the plane's back side ((x - plane_point) . normal <= 0) and those of `second` on its front
/// side, both passing `inside`. A site of `second` closer than 0.75 nearest-neighbour spacings
/// (of `first`) to a site of `first` is dropped, so that no two sites overlap at the interface.
/// When the two lattices coincide the result is one crystal.
pub fn bicrystal_sites(
    first: &FccLattice,
    second: &FccLattice,
    lo: Vec3,
    hi: Vec3,
    inside: &dyn Fn(&Vec3) -> bool,
    plane_point: Vec3,
    normal: Vec3,
) -> Vec<Vec3> {
    let side = |x: &Vec3| (x - plane_point).dot(&normal);
    let mut sites = first.sites_in(lo, hi, |x| inside(x) && side(x) <= 0.0);
    let behind = second.sites_in(lo, hi, |x| inside(x) && side(x) > 0.0);
    let min_d = 0.75 * first.nearest_neighbor_distance();
    let near_plane: Vec<Vec3> = sites
        .iter()
        .filter(|x| side(x) > -2.0 * min_d)
        .copied()
        .collect();
    sites.extend(behind.into_iter().filter(|x| {
        side(x) > 2.0 * min_d
            || near_plane
                .iter()
                .all(|y| (x - y).norm_squared() >= min_d * min_d)
    }));
    sites
}

/// Sorts `positions` along a Z-order (Morton) curve through cells of edge `cell` [A], so that
/// sites close in space are close in memory: the neighbour table rows and per-site states an event
/// touches then share cache lines. Ties keep their order (the sort is stable), so the result is
/// deterministic.
pub fn sort_spatially(positions: &mut [Vec3], cell: f64) {
    if positions.is_empty() || !(cell > 0.0) {
        return;
    }
    let lo = positions
        .iter()
        .fold(Vec3::repeat(f64::INFINITY), |a, x| a.inf(x));
    let key = |x: &Vec3| -> u64 {
        let mut code = 0u64;
        let c = [0, 1, 2].map(|k| (((x[k] - lo[k]) / cell) as u64).min((1 << 21) - 1));
        for bit in 0..21 {
            for (k, ck) in c.iter().enumerate() {
                code |= ((ck >> bit) & 1) << (3 * bit + k);
            }
        }
        code
    };
    positions.sort_by_cached_key(key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::orientation::orientation_matrix;

    fn cube(a: f64) -> FccLattice {
        FccLattice {
            a,
            rotation: Matrix3::identity(),
            origin: Vec3::zeros(),
        }
    }

    #[test]
    fn fcc_sites_have_twelve_neighbours() {
        let lat = cube(3.89);
        let l = 4.0 * lat.a;
        let sites = lat.sites_in(Vec3::zeros(), Vec3::repeat(l - 1e-6), |_| true);
        assert_eq!(sites.len(), 256);
        let b = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
        let set = SiteSet::with_cutoff(
            sites,
            b,
            lat.neighbor_cutoff(),
            lat.nearest_neighbor_distance(),
        )
        .unwrap();
        assert_eq!(set.stride(), 12);
        assert!(set.neighbor_counts().iter().all(|&c| c == 12));
    }

    #[test]
    fn plane_spacings_and_repeats() {
        let lat = cube(4.0);
        let d = |v: [f64; 3]| lat.plane_spacing(&Vec3::from(v)).unwrap();
        assert!((d([1.0, 0.0, 0.0]) - 2.0).abs() < 1e-12);
        assert!((d([1.0, 1.0, 0.0]) - 4.0 / 8f64.sqrt()).abs() < 1e-12);
        assert!((d([1.0, 1.0, 1.0]) - 4.0 / 3f64.sqrt()).abs() < 1e-12);
        let t = |v: [f64; 3]| lat.repeat_length(&Vec3::from(v)).unwrap();
        assert!((t([1.0, 0.0, 0.0]) - 4.0).abs() < 1e-12);
        assert!((t([1.0, 1.0, 0.0]) - 4.0 / 2f64.sqrt()).abs() < 1e-12);
        assert!((t([1.0, 1.0, 1.0]) - 4.0 * 3f64.sqrt()).abs() < 1e-12);
        assert!(lat.miller_direction(&Vec3::new(1.0, 0.3333, 0.0)).is_none());
    }

    #[test]
    fn orientation_rows_are_crystal_directions() {
        let r = orientation_matrix([1, 1, 0], [-1, 1, 0], [0, 0, 1]).unwrap();
        let lat = FccLattice {
            a: 4.0,
            rotation: r,
            origin: Vec3::zeros(),
        };
        // World x is crystal [110].
        assert_eq!(lat.miller_direction(&Vec3::x()), Some([1, 1, 0]));
        assert!(orientation_matrix([1, 1, 0], [1, 0, 0], [0, 0, 1]).is_err());
        assert!(orientation_matrix([1, 0, 0], [0, 0, 1], [0, 1, 0]).is_err());
    }

    #[test]
    fn asymmetric_rows_are_rejected() {
        let b = SimBox::new([0.0; 3], [10.0; 3], [false; 3]).unwrap();
        let pos = vec![Vec3::zeros(), Vec3::x(), Vec3::y()];
        let e = SiteSet::from_rows(pos, b, 1.5, 1.0, &[vec![1], vec![], vec![]]).unwrap_err();
        assert!(e.to_string().contains("not the other way round"), "{e}");
    }
}
