//! MD to KMC handoff: an fcc lattice fitted to each particle of an MD configuration, the atoms
//! mapped onto the sites of those lattices, and the KMC result written back as atoms.
//!
//! # Fitting a lattice to a particle
//! 1. The nearest-neighbour distance d0 is the median distance of an atom to its nearest
//!    neighbour; atoms with exactly 12 neighbours closer than (1 + sqrt 2)/2 d0 (between the
//!    first and second fcc shells) are interior atoms.
//! 2. A first orientation comes from the 12 bonds of the interior atom nearest the particle's
//!    centroid: one bond and one at 60 degrees to it are matched to the ideal bonds (110) and each
//!    of the four ideal bonds at 60 degrees to it; the match whose rotation best aligns all 12
//!    bonds is kept.
//! 3. Iterated closest points with a similarity transform: every atom goes to the nearest lattice
//!    point p of the current lattice (crystal coordinates in units of a/2, integers with an even
//!    sum); then the scale s = a/2, rotation R and origin o minimising
//!    sum_i |x_i - o - s R p_i|^2 over the interior atoms within the mapping tolerance are found
//!    in closed form (Umeyama, IEEE TPAMI 13, 376 (1991): SVD of the cross-covariance). Repeated
//!    until the assignments no longer change.
//!
//! # Sites and mapping
//! The sites are those of particle 1's lattice on particle 1's side of the contact plane and
//! those of particle 2's lattice on the other side ([`super::lattice::bicrystal_sites`]), inside
//! a capsule around the segment joining the particles' centres that holds every atom with
//! `margin` to spare. The contact plane is perpendicular to that segment, where as many atoms of
//! particle 1 lie beyond it as atoms of particle 2 before it. Each atom maps to its nearest site;
//! its distance to it is within the tolerance or not. Atoms are placed closest first; an atom
//! whose nearest site is already taken (a collision) goes to the nearest free site (resolved).

use std::collections::HashMap;

use nalgebra::Matrix3;
use serde::Serialize;

use super::grid::FCC_NEIGHBOR_VECTORS;
use super::lattice::{FccLattice, SiteSet, sort_spatially};
use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::structure::lattice::gcd;
use crate::system::{SimBox, Vec3};

/// Ratio of the interior-atom cutoff to the nearest-neighbour distance: between the first fcc
/// shell (1) and the second (sqrt 2).
const SHELL_SPLIT: f64 = 1.207_106_781_186_547_6;

/// Most iterations of the closest-point fit.
const MAX_FIT_ITERATIONS: usize = 50;

/// A lattice fitted to the atoms of a particle.
#[derive(Clone, Debug, Serialize)]
pub struct FittedLattice {
    /// Lattice parameter [A].
    pub a: f64,
    /// Rotation from the crystal frame to the world frame, by rows.
    pub rotation: [[f64; 3]; 3],
    /// World position of a lattice site [A].
    pub origin: [f64; 3],
    /// Crystal directions along world x, y and z as the nearest low-index directions (indices up
    /// to 4), with the angle [degrees] between each and the exact one.
    pub axes: [LowIndexDirection; 3],
    /// Atoms of the particle.
    pub atoms: usize,
    /// Interior atoms (12 neighbours) used in the final fit.
    pub fitted_atoms: usize,
    /// Root-mean-square distance of the fitted atoms to their lattice points [A].
    pub rms_residual: f64,
    /// Closest-point iterations until the assignments were stable.
    pub iterations: usize,
}

/// A crystal direction and how far it is from a given world axis.
#[derive(Clone, Debug, Serialize)]
pub struct LowIndexDirection {
    /// Miller indices [u v w].
    pub indices: [i64; 3],
    /// Angle between this direction and the exact crystal direction of the world axis
    /// [degrees].
    pub off_degrees: f64,
}

impl FittedLattice {
    /// The lattice.
    pub fn lattice(&self) -> FccLattice {
        FccLattice {
            a: self.a,
            rotation: Matrix3::from_fn(|r, c| self.rotation[r][c]),
            origin: Vec3::from(self.origin),
        }
    }
}

/// The nearest fcc lattice point to crystal coordinates `c` (units a/2): integers with an even
/// sum. Rounding each coordinate gives the nearest point of the cubic grid; when its sum is odd,
/// the coordinate with the largest rounding error is rounded the other way.
pub fn nearest_fcc_point(c: &Vec3) -> [i64; 3] {
    let mut p = [c.x.round(), c.y.round(), c.z.round()];
    if (p[0] + p[1] + p[2]).rem_euclid(2.0) != 0.0 {
        let k = (0..3)
            .max_by(|&i, &j| (c[i] - p[i]).abs().total_cmp(&(c[j] - p[j]).abs()))
            // A range of three coordinates is never empty.
            .expect("three coordinates");
        p[k] += if c[k] > p[k] { 1.0 } else { -1.0 };
    }
    p.map(|x| x as i64)
}

/// The 24 proper rotations of the cube (signed permutation matrices of determinant +1).
pub fn cubic_rotations() -> Vec<Matrix3<f64>> {
    let perms = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut out = Vec::with_capacity(24);
    for p in perms {
        for signs in 0..8 {
            let m = Matrix3::from_fn(|r, c| {
                if c == p[r] {
                    if signs >> r & 1 == 1 { -1.0 } else { 1.0 }
                } else {
                    0.0
                }
            });
            if m.determinant() > 0.0 {
                out.push(m);
            }
        }
    }
    out
}

/// Angle [degrees] of a rotation matrix: theta = atan2(sin, cos) with cos = (tr m - 1) / 2 and
/// sin = |(m32 - m23, m13 - m31, m21 - m12)| / 2, accurate near 0 (where acos is not).
fn rotation_angle(m: &Matrix3<f64>) -> f64 {
    let cos = 0.5 * (m.trace() - 1.0);
    let sin = 0.5
        * Vec3::new(
            m[(2, 1)] - m[(1, 2)],
            m[(0, 2)] - m[(2, 0)],
            m[(1, 0)] - m[(0, 1)],
        )
        .norm();
    sin.atan2(cos).to_degrees()
}

/// Misorientation [degrees] between two cubic crystals with rotations `r1`, `r2` (crystal to
/// world): the smallest rotation angle of r1^T r2 S over the cube's symmetries S.
pub fn misorientation_degrees(r1: &Matrix3<f64>, r2: &Matrix3<f64>) -> f64 {
    let d = r1.transpose() * r2;
    cubic_rotations()
        .iter()
        .map(|s| rotation_angle(&(d * s)))
        .fold(f64::INFINITY, f64::min)
}

/// Rotation, scale and translation (R, s, t) minimising sum_i |x_i - t - s R p_i|^2 (Umeyama
/// 1991): with centroids and the cross-covariance H = sum (x_i - x0)(p_i - p0)^T = U D V^T,
/// R = U S V^T with S = diag(1, 1, sign det(U V^T)), s = tr(D S) / sum |p_i - p0|^2,
/// t = x0 - s R p0.
pub fn similarity_fit(p: &[Vec3], x: &[Vec3]) -> Result<(Matrix3<f64>, f64, Vec3)> {
    if p.len() < 4 || p.len() != x.len() {
        return Err(Error::invalid(
            "lattice fit: need at least 4 matched points",
        ));
    }
    let n = p.len() as f64;
    let p0 = p.iter().sum::<Vec3>() / n;
    let x0 = x.iter().sum::<Vec3>() / n;
    let mut h = Matrix3::zeros();
    let mut var = 0.0;
    for (a, b) in p.iter().zip(x) {
        h += (b - x0) * (a - p0).transpose();
        var += (a - p0).norm_squared();
    }
    if !(var > 0.0) {
        return Err(Error::invalid(
            "lattice fit: matched points are all at one place",
        ));
    }
    let svd = h.svd(true, true);
    let (u, vt) = (
        svd.u
            .ok_or_else(|| Error::invalid("lattice fit: SVD failed"))?,
        svd.v_t
            .ok_or_else(|| Error::invalid("lattice fit: SVD failed"))?,
    );
    let sign = (u * vt).determinant().signum();
    let s_mat = Matrix3::from_diagonal(&Vec3::new(1.0, 1.0, sign));
    let r = u * s_mat * vt;
    let d = svd.singular_values;
    let scale = (d[0] + d[1] + sign * d[2]) / var;
    Ok((r, scale, x0 - scale * r * p0))
}

/// A free box around `positions` with `pad` [A] to spare.
fn free_box(positions: &[Vec3], pad: f64) -> Result<SimBox> {
    let mut lo = Vec3::repeat(f64::INFINITY);
    let mut hi = Vec3::repeat(f64::NEG_INFINITY);
    for x in positions {
        lo = lo.inf(x);
        hi = hi.sup(x);
    }
    SimBox::new(
        (lo - Vec3::repeat(pad)).into(),
        (hi + Vec3::repeat(pad)).into(),
        [false; 3],
    )
}

/// Nearest-neighbour distance (median over atoms) and each atom's neighbour rows within
/// `SHELL_SPLIT` times it.
fn shells(positions: &[Vec3]) -> Result<(f64, Vec<Vec<u32>>)> {
    let simbox = free_box(positions, 1.0)?;
    let volume_per_atom = simbox.volume() / positions.len() as f64;
    // The box overestimates the volume per atom, so this cutoff reaches past the first shell.
    let probe = 1.5 * volume_per_atom.cbrt();
    let mut list = NeighborList::new(probe, 0.0);
    list.build(&simbox, positions)?;
    let mut nearest: Vec<f64> = (0..positions.len())
        .filter_map(|i| {
            list.iter_row(i, positions)
                .map(|nb| nb.r2)
                .min_by(f64::total_cmp)
        })
        .map(f64::sqrt)
        .collect();
    if nearest.is_empty() {
        return Err(Error::invalid("lattice fit: the atoms have no neighbours"));
    }
    nearest.sort_by(f64::total_cmp);
    let d0 = nearest[nearest.len() / 2];
    let rc = SHELL_SPLIT * d0;
    let mut list = NeighborList::new(rc, 0.0);
    list.build(&simbox, positions)?;
    let rows = (0..positions.len())
        .map(|i| list.row(i).neighbors().collect())
        .collect();
    Ok((d0, rows))
}

/// The rotation (crystal to world) best aligning the unit bonds `bonds` with ideal fcc bonds,
/// from one bond and one at about 60 degrees to it.
fn orientation_from_bonds(bonds: &[Vec3]) -> Result<Matrix3<f64>> {
    let ideal: Vec<Vec3> = FCC_NEIGHBOR_VECTORS
        .iter()
        .map(|v| Vec3::new(v[0] as f64, v[1] as f64, v[2] as f64).normalize())
        .collect();
    let b1 = bonds[0];
    let b2 = *bonds[1..]
        .iter()
        .min_by(|a, b| {
            (a.dot(&b1) - 0.5)
                .abs()
                .total_cmp(&(b.dot(&b1) - 0.5).abs())
        })
        .ok_or_else(|| Error::invalid("lattice fit: too few bonds"))?;
    let frame = |a: Vec3, b: Vec3| {
        let e1 = a.normalize();
        let e2 = (b - b.dot(&e1) * e1).normalize();
        Matrix3::from_columns(&[e1, e2, e1.cross(&e2)])
    };
    let measured = frame(b1, b2);
    let va = ideal[0];
    let score = |r: &Matrix3<f64>| -> f64 {
        bonds
            .iter()
            .map(|b| {
                let c = r.transpose() * b;
                ideal.iter().map(|v| v.dot(&c)).fold(f64::MIN, f64::max)
            })
            .sum()
    };
    ideal
        .iter()
        .filter(|v| (v.dot(&va) - 0.5).abs() < 1e-9)
        .map(|&vb| measured * frame(va, vb).transpose())
        .max_by(|a, b| score(a).total_cmp(&score(b)))
        .ok_or_else(|| Error::invalid("lattice fit: no ideal bond pair"))
}

/// Crystal coordinates (units a/2) of world position `x` in `lattice`.
pub fn crystal_coordinates(lattice: &FccLattice, x: &Vec3) -> Vec3 {
    lattice.rotation.transpose() * (x - lattice.origin) * (2.0 / lattice.a)
}

/// The nearest low-index crystal direction (indices up to 4) to the unit crystal-frame vector
/// `c`.
pub fn low_index_direction(c: &Vec3) -> LowIndexDirection {
    let mut best = ([0, 0, 1], f64::INFINITY);
    for u in -4i64..=4 {
        for v in -4i64..=4 {
            for w in -4i64..=4 {
                if (u, v, w) == (0, 0, 0) {
                    continue;
                }
                let d = Vec3::new(u as f64, v as f64, w as f64).normalize();
                let angle = d.dot(c).clamp(-1.0, 1.0).acos();
                // Prefer the lowest indices among equal angles.
                if angle < best.1 - 1e-9 {
                    best = ([u, v, w], angle);
                }
            }
        }
    }
    let g = gcd(gcd(best.0[0].abs(), best.0[1].abs()), best.0[2].abs()).max(1);
    LowIndexDirection {
        indices: best.0.map(|x| x / g),
        off_degrees: best.1.to_degrees(),
    }
}

/// Fits an fcc lattice to the atoms at `positions` (one particle, unwrapped) with mapping
/// tolerance `tolerance` in nearest-neighbour spacings.
pub fn fit_fcc_lattice(positions: &[Vec3], tolerance: f64) -> Result<FittedLattice> {
    if positions.len() < 13 {
        return Err(Error::invalid(format!(
            "lattice fit: {} atoms are too few (at least 13)",
            positions.len()
        )));
    }
    let (mut lattice, interior) = seed_lattice(positions)?;
    let mut assignment: Vec<[i64; 3]> = Vec::new();
    let mut iterations = 0;
    let mut fitted = Vec::new();
    for it in 1..=MAX_FIT_ITERATIONS {
        iterations = it;
        let next: Vec<[i64; 3]> = positions
            .iter()
            .map(|x| nearest_fcc_point(&crystal_coordinates(&lattice, x)))
            .collect();
        let tol = tolerance * lattice.nearest_neighbor_distance();
        let residual = |i: usize, p: &[i64; 3]| {
            let c = Vec3::new(p[0] as f64, p[1] as f64, p[2] as f64) * (0.5 * lattice.a);
            (positions[i] - lattice.origin - lattice.rotation * c).norm()
        };
        fitted = interior
            .iter()
            .copied()
            .filter(|&i| residual(i, &next[i]) <= tol)
            .collect();
        if fitted.len() < 4 {
            return Err(Error::invalid(
                "lattice fit: fewer than 4 interior atoms lie near the lattice",
            ));
        }
        if next == assignment {
            break;
        }
        assignment = next;
        let p: Vec<Vec3> = fitted
            .iter()
            .map(|&i| {
                let q = assignment[i];
                Vec3::new(q[0] as f64, q[1] as f64, q[2] as f64)
            })
            .collect();
        let x: Vec<Vec3> = fitted.iter().map(|&i| positions[i]).collect();
        let (r, s, t) = similarity_fit(&p, &x)?;
        lattice = FccLattice {
            a: 2.0 * s,
            rotation: r,
            origin: t,
        };
    }
    let rms = (fitted
        .iter()
        .map(|&i| {
            let q = assignment[i];
            let c = Vec3::new(q[0] as f64, q[1] as f64, q[2] as f64) * (0.5 * lattice.a);
            (positions[i] - lattice.origin - lattice.rotation * c).norm_squared()
        })
        .sum::<f64>()
        / fitted.len() as f64)
        .sqrt();
    let axes = [Vec3::x(), Vec3::y(), Vec3::z()]
        .map(|w| low_index_direction(&(lattice.rotation.transpose() * w)));
    let r = lattice.rotation;
    Ok(FittedLattice {
        a: lattice.a,
        rotation: [0, 1, 2].map(|i| [r[(i, 0)], r[(i, 1)], r[(i, 2)]]),
        origin: lattice.origin.into(),
        axes,
        atoms: positions.len(),
        fitted_atoms: fitted.len(),
        rms_residual: rms,
        iterations,
    })
}

/// The starting lattice of a fit and the interior atoms (those with 12 nearest neighbours): the
/// lattice of the interior atom nearest the centroid, oriented by its bonds, with the nearest-
/// neighbour distance of the atoms.
fn seed_lattice(positions: &[Vec3]) -> Result<(FccLattice, Vec<usize>)> {
    let (d0, rows) = shells(positions)?;
    let interior: Vec<usize> = (0..positions.len())
        .filter(|&i| rows[i].len() == 12)
        .collect();
    if interior.is_empty() {
        return Err(Error::invalid(
            "lattice fit: no atom has 12 nearest neighbours: is this an fcc particle?",
        ));
    }
    let centroid = positions.iter().sum::<Vec3>() / positions.len() as f64;
    let seed = *interior
        .iter()
        .min_by(|&&i, &&j| {
            (positions[i] - centroid)
                .norm_squared()
                .total_cmp(&(positions[j] - centroid).norm_squared())
        })
        // Invariant: `interior` is not empty (an error above otherwise).
        .expect("interior atoms");
    let bonds: Vec<Vec3> = rows[seed]
        .iter()
        .map(|&j| (positions[j as usize] - positions[seed]).normalize())
        .collect();
    let lattice = FccLattice {
        a: d0 * 2f64.sqrt(),
        rotation: orientation_from_bonds(&bonds)?,
        origin: positions[seed],
    };
    Ok((lattice, interior))
}

/// Site lookup by position: a hash of cubic cells.
struct SiteCells {
    cell: f64,
    cells: HashMap<[i64; 3], Vec<u32>>,
}

impl SiteCells {
    fn new(positions: &[Vec3], cell: f64) -> Self {
        let mut cells: HashMap<[i64; 3], Vec<u32>> = HashMap::new();
        for (i, x) in positions.iter().enumerate() {
            cells.entry(Self::key(x, cell)).or_default().push(i as u32);
        }
        SiteCells { cell, cells }
    }

    fn key(x: &Vec3, cell: f64) -> [i64; 3] {
        [0, 1, 2].map(|k| (x[k] / cell).floor() as i64)
    }

    /// The site nearest to `x` passing `free` within `reach` cells (Chebyshev), with its
    /// distance.
    fn nearest(
        &self,
        positions: &[Vec3],
        x: &Vec3,
        reach: i64,
        free: impl Fn(u32) -> bool,
    ) -> Option<(u32, f64)> {
        let c = Self::key(x, self.cell);
        let mut best: Option<(u32, f64)> = None;
        for dx in -reach..=reach {
            for dy in -reach..=reach {
                for dz in -reach..=reach {
                    let Some(list) = self.cells.get(&[c[0] + dx, c[1] + dy, c[2] + dz]) else {
                        continue;
                    };
                    for &s in list {
                        if !free(s) {
                            continue;
                        }
                        let d = (positions[s as usize] - x).norm();
                        if best.is_none_or(|(bs, bd)| d < bd || (d == bd && s < bs)) {
                            best = Some((s, d));
                        }
                    }
                }
            }
        }
        best
    }
}

/// How the atoms of an MD configuration were mapped onto KMC sites.
#[derive(Clone, Debug, Serialize)]
pub struct MappingReport {
    /// Atoms mapped.
    pub atoms: usize,
    /// Tolerance [A] (the given fraction of particle 1's nearest-neighbour spacing).
    pub tolerance: f64,
    /// Atoms whose nearest site is within the tolerance.
    pub within_tolerance: usize,
    /// within_tolerance / atoms.
    pub fraction_within_tolerance: f64,
    /// Atoms farther than the tolerance from every site (mapped to the nearest anyway).
    pub beyond_tolerance: usize,
    /// Atoms beyond the tolerance within 2 nearest-neighbour spacings of the contact plane.
    pub beyond_near_contact: usize,
    /// Atoms beyond the tolerance with fewer than 12 neighbours (surface atoms).
    pub beyond_at_surface: usize,
    /// Atoms by distance to their nearest site, in bins of 0.05 nearest-neighbour spacings (the
    /// last bin holds 0.7 and beyond).
    pub distance_histogram: Vec<usize>,
    /// Atoms whose nearest site another atom, closer to it, had taken.
    pub collisions: usize,
    /// Colliding atoms placed on the nearest free site instead.
    pub resolved: usize,
    /// Largest distance of an atom from the nearest site [A].
    pub max_distance: f64,
    /// Root-mean-square distance of the atoms from their nearest sites [A].
    pub rms_distance: f64,
    /// Largest displacement of a resolved atom to its site [A] (0 without collisions).
    pub max_resolved_displacement: f64,
    /// The fitted lattice of each particle.
    pub particles: Vec<FittedLattice>,
    /// Misorientation between the two particles' lattices [degrees].
    pub misorientation_degrees: f64,
    /// Sites made (both lattices, capsule around the particles).
    pub sites: usize,
    /// Point on the contact plane [A] and its unit normal (particle 1 to particle 2).
    pub contact_point: [f64; 3],
    /// Unit normal of the contact plane.
    pub axis: [f64; 3],
}

/// Sites of two fcc lattices: those of `first` in `[lo, hi]` where `in_second` is false and
/// those of `second` where it is true, both passing `inside`. A site of `second` closer than 0.75
/// nearest-neighbour spacings (of `first`) to a site of `first` is dropped, so that no two sites
/// overlap at the boundary.
pub fn bicrystal_sites_by(
    first: &FccLattice,
    second: &FccLattice,
    lo: Vec3,
    hi: Vec3,
    inside: &dyn Fn(&Vec3) -> bool,
    in_second: &dyn Fn(&Vec3) -> bool,
) -> Vec<Vec3> {
    let mut sites = first.sites_in(lo, hi, |x| inside(x) && !in_second(x));
    let others = second.sites_in(lo, hi, |x| inside(x) && in_second(x));
    let nn = first.nearest_neighbor_distance();
    let min_d = 0.75 * nn;
    let cells = SiteCells::new(&sites, nn);
    let kept: Vec<Vec3> = others
        .into_iter()
        .filter(|x| {
            cells
                .nearest(&sites, x, 1, |_| true)
                .is_none_or(|(_, d)| d >= min_d)
        })
        .collect();
    sites.extend(kept);
    sites
}

/// Sites for two particles and the site of every atom.
#[derive(Debug)]
pub struct Mapping {
    /// The sites (spatially sorted).
    pub sites: SiteSet,
    /// Site of each atom (in the order of the positions given).
    pub site_of_atom: Vec<u32>,
    /// Centres of mass of the particles (unweighted centroids) [A].
    pub centers: [Vec3; 2],
    /// Equivalent radius of the particles: the radius of a sphere holding the mean atom count at
    /// the lattice's site density [A].
    pub particle_radius: f64,
    /// The report.
    pub report: MappingReport,
}

/// Fits a lattice to each particle and maps every atom onto the sites of a bicrystal holding
/// both. `positions` are unwrapped atom positions; `particles` the atom indices of particle 1
/// and 2 (atoms in neither are mapped too); `tolerance` and `margin` in nearest-neighbour
/// spacings of particle 1.
pub fn map_two_particles(
    positions: &[Vec3],
    particles: [&[u32]; 2],
    tolerance: f64,
    margin: f64,
) -> Result<Mapping> {
    if !(tolerance > 0.0 && tolerance < 0.5) {
        return Err(Error::invalid(format!(
            "mapping tolerance {tolerance} must lie in (0, 0.5) nearest-neighbour spacings"
        )));
    }
    if !(margin >= 1.0) {
        return Err(Error::invalid(format!(
            "site margin {margin} must be at least 1 nearest-neighbour spacing"
        )));
    }
    let (fits, centers) = fit_particles(positions, particles, tolerance)?;
    let (l1, l2) = (fits[0].lattice(), fits[1].lattice());
    let axis = (centers[1] - centers[0])
        .try_normalize(1e-12)
        .ok_or_else(|| Error::invalid("the two particles have the same centre"))?;
    let nn = l1.nearest_neighbor_distance();
    let contact_point = centers[0] + contact_offset(positions, particles, centers[0], axis) * axis;
    let frame = PairFrame {
        centers,
        axis,
        contact_point,
    };
    let sites = bicrystal_around(positions, particles, [&l1, &l2], &frame, margin * nn)?;
    let placed = place_atoms(positions, &sites, nn)?;
    let report = mapping_report(
        positions,
        &placed,
        tolerance * nn,
        nn,
        &frame,
        fits,
        sites.len(),
    )?;
    let density = l1.density();
    let mean_atoms = 0.5 * (particles[0].len() + particles[1].len()) as f64;
    Ok(Mapping {
        sites,
        site_of_atom: placed.site_of_atom,
        centers,
        particle_radius: (3.0 * mean_atoms / (4.0 * std::f64::consts::PI * density)).cbrt(),
        report,
    })
}

/// The centres of the two particles and the line between them, and the contact point on it.
struct PairFrame {
    /// Centroids of particle 1 and 2 [A].
    centers: [Vec3; 2],
    /// Unit vector from centre 1 to centre 2.
    axis: Vec3,
    /// Where the contact plane crosses the axis [A].
    contact_point: Vec3,
}

/// The lattice fitted to each particle (atom indices `particles` into `positions`) and the
/// particles' centroids [A].
fn fit_particles(
    positions: &[Vec3],
    particles: [&[u32]; 2],
    tolerance: f64,
) -> Result<(Vec<FittedLattice>, [Vec3; 2])> {
    let mut fits = Vec::new();
    let mut centers = [Vec3::zeros(); 2];
    for (k, atoms) in particles.iter().enumerate() {
        let x: Vec<Vec3> = atoms.iter().map(|&i| positions[i as usize]).collect();
        let fit = fit_fcc_lattice(&x, tolerance)
            .map_err(|e| Error::invalid(format!("particle {}: {e}", k + 1)))?;
        centers[k] = x.iter().sum::<Vec3>() / x.len().max(1) as f64;
        fits.push(fit);
    }
    Ok((fits, centers))
}

/// Distance along `axis` from `center` (particle 1's) to the contact plane [A]: the plane with as
/// many atoms of particle 1 beyond it as of particle 2 before it (found by bisection).
fn contact_offset(positions: &[Vec3], particles: [&[u32]; 2], center: Vec3, axis: Vec3) -> f64 {
    let proj = |i: u32| (positions[i as usize] - center).dot(&axis);
    let mut s1: Vec<f64> = particles[0].iter().map(|&i| proj(i)).collect();
    let mut s2: Vec<f64> = particles[1].iter().map(|&i| proj(i)).collect();
    s1.sort_by(f64::total_cmp);
    s2.sort_by(f64::total_cmp);
    let misplaced = |s: f64| {
        let beyond = s1.len() - s1.partition_point(|&x| x <= s);
        let before = s2.partition_point(|&x| x < s);
        beyond as i64 - before as i64
    };
    let (mut lo_s, mut hi_s) = (
        s1.first()
            .copied()
            .unwrap_or(0.0)
            .min(s2.first().copied().unwrap_or(0.0)),
        s1.last()
            .copied()
            .unwrap_or(0.0)
            .max(s2.last().copied().unwrap_or(0.0)),
    );
    for _ in 0..100 {
        let mid = 0.5 * (lo_s + hi_s);
        if misplaced(mid) > 0 {
            lo_s = mid;
        } else {
            hi_s = mid;
        }
    }
    0.5 * (lo_s + hi_s)
}

/// The sites of the bicrystal of `lattices` around the atoms: every site within `margin` [A] of
/// the farthest atom from the segment between the centres, each from the lattice of the particle
/// of its nearest atom (far from every atom, the side of the contact plane decides), sorted
/// along a space-filling curve.
fn bicrystal_around(
    positions: &[Vec3],
    particles: [&[u32]; 2],
    lattices: [&FccLattice; 2],
    frame: &PairFrame,
    margin: f64,
) -> Result<SiteSet> {
    let [l1, l2] = lattices;
    let PairFrame {
        centers,
        axis,
        contact_point,
    } = *frame;
    let nn = l1.nearest_neighbor_distance();
    let length = (centers[1] - centers[0]).norm();
    let distance_to_segment = |x: &Vec3| {
        let s = (x - centers[0]).dot(&axis).clamp(0.0, length);
        (x - (centers[0] + s * axis)).norm()
    };
    let reach = positions
        .iter()
        .map(distance_to_segment)
        .fold(0.0, f64::max)
        + margin;
    let inside = |x: &Vec3| distance_to_segment(x) <= reach;
    let lo = centers[0].inf(&centers[1]) - Vec3::repeat(reach);
    let hi = centers[0].sup(&centers[1]) + Vec3::repeat(reach);
    // Each place in space belongs to the particle of the nearest atom (of either particle), so
    // that the boundary between the two lattices follows the atoms through the neck; far from
    // every atom, the contact plane decides.
    let mut owner = vec![0u8; positions.len()];
    for (k, atoms) in particles.iter().enumerate() {
        for &i in atoms.iter() {
            owner[i as usize] = k as u8 + 1;
        }
    }
    let atom_cells = SiteCells::new(positions, nn);
    let in_second = |x: &Vec3| match atom_cells.nearest(positions, x, 2, |i| owner[i as usize] != 0)
    {
        Some((i, _)) => owner[i as usize] == 2,
        None => (x - contact_point).dot(&axis) > 0.0,
    };
    let mut site_positions = bicrystal_sites_by(l1, l2, lo, hi, &inside, &in_second);
    sort_spatially(&mut site_positions, l1.a);
    let simbox = free_box(&site_positions, l1.neighbor_cutoff())?;
    SiteSet::with_cutoff(
        site_positions,
        simbox,
        l1.neighbor_cutoff().max(l2.neighbor_cutoff()),
        nn,
    )
}

/// Atoms placed on sites: each atom's nearest site and its distance [A], and the site it got.
struct Placed {
    nearest: Vec<(u32, f64)>,
    site_of_atom: Vec<u32>,
    /// Atoms whose nearest site was taken.
    collisions: usize,
    /// Of those, atoms placed on a free site nearby.
    resolved: usize,
    /// Largest distance of such an atom to its site [A].
    max_resolved: f64,
}

/// Places every atom on a site, closest first: on its nearest site, or when that is taken on the
/// nearest free one (searching up to 4 cells of `nn` away).
fn place_atoms(positions: &[Vec3], sites: &SiteSet, nn: f64) -> Result<Placed> {
    let cells = SiteCells::new(&sites.positions, nn);
    let nearest: Vec<(u32, f64)> = positions
        .iter()
        .map(|x| {
            cells
                .nearest(&sites.positions, x, 2, |_| true)
                .ok_or_else(|| Error::invalid("an atom lies outside the sites"))
        })
        .collect::<Result<_>>()?;
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|&i, &j| nearest[i].1.total_cmp(&nearest[j].1).then(i.cmp(&j)));
    let mut taken = vec![false; sites.len()];
    let mut site_of_atom = vec![u32::MAX; positions.len()];
    let (mut collisions, mut resolved, mut max_resolved) = (0, 0, 0.0f64);
    for &i in &order {
        let (s, _) = nearest[i];
        let s = if !taken[s as usize] {
            s
        } else {
            collisions += 1;
            let (free, d) = (2..=4)
                .find_map(|reach| {
                    cells.nearest(&sites.positions, &positions[i], reach, |s| {
                        !taken[s as usize]
                    })
                })
                .ok_or_else(|| Error::invalid("no free site near a colliding atom"))?;
            resolved += 1;
            max_resolved = max_resolved.max(d);
            free
        };
        taken[s as usize] = true;
        site_of_atom[i] = s;
    }
    Ok(Placed {
        nearest,
        site_of_atom,
        collisions,
        resolved,
        max_resolved,
    })
}

/// The report of a mapping: distances to the sites against the tolerance `tol` [A] (in bins of
/// 0.05 `nn`), where the atoms beyond it are, collisions, the fitted lattices `fits` and their
/// misorientation, the number of `sites`.
fn mapping_report(
    positions: &[Vec3],
    placed: &Placed,
    tol: f64,
    nn: f64,
    frame: &PairFrame,
    fits: Vec<FittedLattice>,
    sites: usize,
) -> Result<MappingReport> {
    let nearest = &placed.nearest;
    let (axis, contact_point) = (frame.axis, frame.contact_point);
    let within = nearest.iter().filter(|n| n.1 <= tol).count();
    let n = positions.len().max(1) as f64;
    // Distances in nearest-neighbour spacings, in bins of 0.05, and where the atoms beyond the
    // tolerance are.
    let mut distance_histogram = vec![0usize; 15];
    for &(_, d) in nearest {
        let k = ((d / nn) / 0.05).floor() as usize;
        distance_histogram[k.min(14)] += 1;
    }
    let beyond_near_contact = (0..positions.len())
        .filter(|&i| {
            nearest[i].1 > tol && (positions[i] - contact_point).dot(&axis).abs() <= 2.0 * nn
        })
        .count();
    let (_, rows) = shells(positions)?;
    let surface: Vec<bool> = rows.iter().map(|r| r.len() < 12).collect();
    let beyond_adatoms_or_surface = (0..positions.len())
        .filter(|&i| nearest[i].1 > tol && surface[i])
        .count();
    Ok(MappingReport {
        atoms: positions.len(),
        tolerance: tol,
        within_tolerance: within,
        fraction_within_tolerance: within as f64 / n,
        beyond_tolerance: positions.len() - within,
        beyond_near_contact,
        beyond_at_surface: beyond_adatoms_or_surface,
        distance_histogram,
        collisions: placed.collisions,
        resolved: placed.resolved,
        max_distance: nearest.iter().map(|x| x.1).fold(0.0, f64::max),
        rms_distance: (nearest.iter().map(|x| x.1 * x.1).sum::<f64>() / n).sqrt(),
        max_resolved_displacement: placed.max_resolved,
        misorientation_degrees: misorientation_degrees(
            &fits[0].lattice().rotation,
            &fits[1].lattice().rotation,
        ),
        particles: fits,
        sites,
        contact_point: contact_point.into(),
        axis: axis.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::orientation::{axis_rotation, orientation_matrix};

    #[test]
    fn nearest_fcc_points_have_even_sums() {
        // (1, 0, 0) has an odd sum; z has the largest rounding error and goes up: |c - (1, 0, 1)|^2
        // = 0.66 < |c - (1, 1, 0)|^2 = 0.86.
        assert_eq!(nearest_fcc_point(&Vec3::new(0.9, 0.1, 0.2)), [1, 0, 1]);
        assert_eq!(nearest_fcc_point(&Vec3::new(0.9, 0.05, -0.2)), [1, 0, -1]);
        assert_eq!(nearest_fcc_point(&Vec3::new(2.1, -0.9, 0.95)), [2, -1, 1]);
    }

    #[test]
    fn cubic_group_and_misorientation() {
        let g = cubic_rotations();
        assert_eq!(g.len(), 24);
        let r = orientation_matrix([1, 1, 0], [-1, 1, 0], [0, 0, 1]).unwrap();
        // 90 degrees about a cube axis is a symmetry: no misorientation.
        let q = axis_rotation(&Vec3::z(), 90.0) * r;
        assert!(misorientation_degrees(&r, &q) < 1e-6);
        let t = axis_rotation(&Vec3::new(1.0, 2.0, 3.0), 7.0) * r;
        assert!((misorientation_degrees(&r, &t) - 7.0).abs() < 1e-6);
    }

    #[test]
    fn similarity_fit_recovers_a_transform() {
        let r = axis_rotation(&Vec3::new(0.3, -1.0, 0.5), 23.0);
        let p: Vec<Vec3> = (0..10)
            .map(|k| Vec3::new(k as f64, (k * k % 7) as f64, (k * 3 % 5) as f64))
            .collect();
        let t = Vec3::new(1.0, -2.0, 0.5);
        let x: Vec<Vec3> = p.iter().map(|q| t + 1.9 * r * q).collect();
        let (rf, s, tf) = similarity_fit(&p, &x).unwrap();
        assert!((rf - r).abs().max() < 1e-12);
        assert!((s - 1.9).abs() < 1e-12);
        assert!((tf - t).norm() < 1e-12);
    }
}
