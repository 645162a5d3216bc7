//! Two-particle assemblies for sintering: chosen facets facing each other across a gap.
//!
//! Frame: the joining axis is x. Particle 1 is turned so that its chosen facet's outward normal
//! points along +x; particle 2 so that its chosen facet's normal points along -x (it is first
//! turned like particle 1, then by 180 degrees about z, so that two copies of one particle face
//! each other through a two-fold axis), then turned by `second`, a [`Turn`] about the contact axis
//! x: twisted about x by `twist`, then tilted by `tilt` about `tilt_axis` (default z). Both turn
//! about the centroids of their non-adatom atoms, which lie on the x axis (particle 2's is moved
//! sideways by `offset` in y and z). The gap's midplane is x = 0. Any tilt axis works: the gap
//! is measured on the turned atoms, and a tilt between -90 and 90 degrees (see [`Turn`]) keeps
//! particle 2's facing facet facing -x, whatever the axis.
//!
//! **Gap.** With `gap_between: Facets` (the default) the gap is the distance along x between the
//! outermost atomic planes of the two facing facets, adatoms not counted: particle 1's plane
//! is at x = -gap/2 and the nearest point of particle 2's plane (over its atoms) is at x = +gap/2.
//! A facet's plane lies at the mean height, along its normal, of the atoms of its outermost
//! complete layer as they are at assembly (on a built particle, exactly its lattice plane; on an
//! equilibrated one, the layer's mean position at that temperature). A mean over a layer hardly
//! moves with temperature, where the outermost single atom protrudes further the hotter the
//! particle: pairs equilibrated at different temperatures and placed with one facet gap start
//! at the same facet separation.
//! Without tilt the planes are parallel and the gap is their separation; with a tilt it is the
//! closest approach of particle 2's facet plane (a tilt beyond the angle between that facet and
//! its neighbours brings other atoms closer). Adatoms sit one plane spacing outside their facet,
//! inside the gap: with adatoms on both facing (100) facets of fcc particles, the adatom layers
//! are `gap - a` apart. With `gap_between: OutermostAtoms` the gap is
//! the distance along x between the outermost atoms (adatoms included) of the two particles.
//!
//! The assembly is refused when two atoms of different particles would be closer than 0.8 times
//! the nearest-neighbour distance.

use nalgebra::{Matrix3, Rotation3, Vector3};
use serde::{Deserialize, Serialize};

use super::orientation::Turn;
use super::particle::{Particle, bounding_box};
use crate::error::{Error, Result};
use crate::md::momentum::{remove_angular_momentum, remove_linear_momentum};
use crate::neighbor::NeighborList;
use crate::system::{Members, SpeciesTable, System, Vec3, parse_boundary};

/// Atoms of different particles may come no closer than this fraction of the nearest-neighbour
/// distance.
pub const MIN_SEPARATION: f64 = 0.8;

/// What the gap is measured between.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GapReference {
    /// The outermost atomic planes of the facing facets (adatoms not counted).
    #[default]
    Facets,
    /// The outermost atoms along the joining axis (adatoms included).
    OutermostAtoms,
}

/// How two particles are placed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairGeometry {
    /// Miller indices (crystal frame) of the facing facets of particle 1 and particle 2.
    pub facets: ([i32; 3], [i32; 3]),
    /// Gap [A] (see the module documentation).
    pub gap: f64,
    /// What the gap is measured between.
    #[serde(default)]
    pub gap_between: GapReference,
    /// Turn of particle 2 about its centroid: twist about the joining axis x, then tilt about
    /// `tilt_axis` (default z), e.g. `second: (twist: 30, tilt: 5)`. Default: none.
    #[serde(default)]
    pub second: Turn,
    /// Sideways shift of particle 2 along y and z [A].
    #[serde(default)]
    pub offset: [f64; 2],
    /// Empty space between the atoms and every face of the box [A].
    #[serde(default = "default_vacuum")]
    pub vacuum: f64,
    /// LAMMPS-style boundary of the box, default "p p p".
    #[serde(default = "periodic")]
    pub boundary: String,
    /// Remove each particle's linear and angular momentum (for particles with velocities).
    #[serde(default = "yes")]
    pub remove_momentum: bool,
}

fn default_vacuum() -> f64 {
    15.0
}

fn periodic() -> String {
    "p p p".into()
}

fn yes() -> bool {
    true
}

/// An assembled pair.
#[derive(Clone, Debug)]
pub struct Assembly {
    /// The atoms: particle 1 (ids 1..N1), then particle 2; groups "particle1", "particle2",
    /// "adatoms", and "facet1" and "facet2": the atoms of each facing facet's outermost complete
    /// layer (the layer its plane is measured on; see [`crate::analysis::gap`]).
    pub system: System,
    /// The gap, measured as asked [A].
    pub gap: f64,
    /// Mean x of the atoms of each facing outermost plane [A].
    pub planes: [f64; 2],
    /// Distance along x between the outermost atoms of the two particles, adatoms included [A].
    pub outermost_gap: f64,
    /// Angle between the facing facets' planes [degrees].
    pub angle: f64,
    /// Closest distance between atoms of different particles, if below gap + 2 nearest-neighbour
    /// distances [A].
    pub closest_approach: Option<f64>,
}

/// The rotation taking unit vector `n` to +x (by 180 degrees about z when `n` is -x).
fn align_to_x(n: &Vec3) -> Rotation3<f64> {
    if n.dot(&Vec3::x()) < -1.0 + 1e-12 {
        Rotation3::from_axis_angle(&Vector3::z_axis(), std::f64::consts::PI)
    } else {
        Rotation3::rotation_between(n, &Vec3::x()).unwrap_or_else(Rotation3::identity)
    }
}

fn centroid(positions: &[Vec3], members: &[u32]) -> Vec3 {
    members.iter().map(|&i| positions[i as usize]).sum::<Vec3>() / members.len().max(1) as f64
}

/// Places `first` and `second` as `geometry` says: checks the geometry, turns and shifts the
/// particles, merges their species and atoms, and checks that no atoms come too close.
pub fn assemble(first: &Particle, second: &Particle, geometry: &PairGeometry) -> Result<Assembly> {
    let g = geometry;
    let periodic = check_geometry(g)?;
    let fa = first
        .facet(g.facets.0)
        .map_err(|e| Error::invalid(format!("particle 1: {e}")))?;
    let fb = second
        .facet(g.facets.1)
        .map_err(|e| Error::invalid(format!("particle 2: {e}")))?;
    let turn = g.second.matrix(&Vec3::x())?;
    let placed = place(first, second, fa, fb, g, turn);
    let (xa, xb) = (&placed.xa, &placed.xb);

    // Each particle's own velocities, without its linear and angular momentum if asked.
    let still = |p: &Particle| {
        let mut s = p.system.clone();
        if g.remove_momentum {
            remove_linear_momentum(&mut s, &Members::All);
            remove_angular_momentum(&mut s, &Members::All);
        }
        s.velocities
    };
    let (va, vb) = (still(first), still(second));
    let (species, map_b) = merged_species(first, second)?;

    let all: Vec<Vec3> = xa.iter().chain(xb.iter()).copied().collect();
    let na = xa.len();
    let simbox = bounding_box(&all, g.vacuum, periodic)?;
    let mut system = System::new(simbox, species);
    for (i, x) in xa.iter().enumerate() {
        system.push(
            i as u64 + 1,
            first.system.types[i],
            *x,
            placed.rot_a * va[i],
        );
    }
    for (i, x) in xb.iter().enumerate() {
        system.push(
            (na + i) as u64 + 1,
            map_b[second.system.types[i] as usize],
            *x,
            placed.rot_b * vb[i],
        );
    }
    system
        .groups
        .insert("particle1".into(), (0..na as u32).collect());
    system
        .groups
        .insert("particle2".into(), (na as u32..all.len() as u32).collect());
    let adatoms: Vec<u32> = first
        .adatoms
        .iter()
        .copied()
        .chain(second.adatoms.iter().map(|&i| i + na as u32))
        .collect();
    if !adatoms.is_empty() {
        system.groups.insert("adatoms".into(), adatoms);
    }
    system
        .groups
        .insert("facet1".into(), fa.plane_atoms.clone());
    system.groups.insert(
        "facet2".into(),
        fb.plane_atoms.iter().map(|&i| i + na as u32).collect(),
    );
    system.validate()?;

    let closest_approach = check_separation(first, second, xa, xb, g.gap)?;
    let mean_x = |pts: &[Vec3], idx: &[u32]| {
        idx.iter().map(|&i| pts[i as usize].x).sum::<f64>() / idx.len() as f64
    };
    Ok(Assembly {
        gap: placed.gap,
        planes: [mean_x(xa, &fa.plane_atoms), mean_x(xb, &fb.plane_atoms)],
        outermost_gap: placed.outermost_gap,
        angle: placed.angle,
        closest_approach,
        system,
    })
}

/// Checks the geometry's numbers (gap positive, vacuum not negative, the turn of particle 2 as
/// [`Turn::validate`] asks, offset finite) and reads its boundary: whether each axis is periodic.
fn check_geometry(g: &PairGeometry) -> Result<[bool; 3]> {
    if !(g.gap > 0.0) || !g.gap.is_finite() {
        return Err(Error::invalid(format!(
            "pair: gap {} must be positive",
            g.gap
        )));
    }
    if !(g.vacuum >= 0.0) || !g.vacuum.is_finite() {
        return Err(Error::invalid(format!(
            "pair: vacuum {} must be zero or positive",
            g.vacuum
        )));
    }
    g.second.validate()?;
    if !g.offset.iter().all(|v| v.is_finite()) {
        return Err(Error::invalid("pair: offset must be finite"));
    }
    parse_boundary(&g.boundary)
}

/// The two particles turned and shifted into place.
struct Placement {
    /// Rotation of particle 1: its facing facet's normal to +x.
    rot_a: Rotation3<f64>,
    /// Rotation of particle 2: its facing facet's normal to -x, then twist and tilt.
    rot_b: Rotation3<f64>,
    /// Positions of particle 1's atoms [A].
    xa: Vec<Vec3>,
    /// Positions of particle 2's atoms [A].
    xb: Vec<Vec3>,
    /// The gap, measured as asked [A].
    gap: f64,
    /// The gap between the outermost atoms [A].
    outermost_gap: f64,
    /// Angle between the facing facets' planes [degrees].
    angle: f64,
}

/// Height [A] of facet `f`'s plane along its normal: the mean of its outermost layer's atoms at
/// their present positions in `p`.
fn facet_height(p: &Particle, f: &super::particle::Facet) -> f64 {
    let x = &p.system.positions;
    f.plane_atoms
        .iter()
        .map(|&i| f.normal.dot(&x[i as usize]))
        .sum::<f64>()
        / f.plane_atoms.len().max(1) as f64
}

/// Turns each particle about its core centroid so that facet `fa` of `first` faces +x and
/// facet `fb` of `second` faces -x (then twist and tilt), and shifts them along x so that the
/// gap is `g.gap` (particle 2 also sideways by `g.offset`); `turn` is the matrix of `g.second`
/// about x.
fn place(
    first: &Particle,
    second: &Particle,
    fa: &super::particle::Facet,
    fb: &super::particle::Facet,
    g: &PairGeometry,
    turn: Matrix3<f64>,
) -> Placement {
    let core_a = first.core_atoms();
    let core_b = second.core_atoms();
    let ca = centroid(&first.system.positions, &core_a);
    let cb = centroid(&second.system.positions, &core_b);
    let rot_a = align_to_x(&fa.normal);
    let rot_b = Rotation3::from_matrix_unchecked(turn)
        * Rotation3::from_axis_angle(&Vector3::z_axis(), std::f64::consts::PI)
        * align_to_x(&fb.normal);

    let mut xa: Vec<Vec3> = first
        .system
        .positions
        .iter()
        .map(|x| rot_a * (x - ca))
        .collect();
    let mut xb: Vec<Vec3> = second
        .system
        .positions
        .iter()
        .map(|x| rot_b * (x - cb))
        .collect();
    // Particle 2's facing plane: its plane atoms projected onto the plane n . x = height.
    let height_b = facet_height(second, fb);
    let plane_b_points: Vec<Vec3> = fb
        .plane_atoms
        .iter()
        .map(|&i| {
            let x = second.system.positions[i as usize];
            rot_b * (x - fb.normal * (fb.normal.dot(&x) - height_b) - cb)
        })
        .collect();
    let min_x = |v: &[Vec3]| v.iter().map(|x| x.x).fold(f64::INFINITY, f64::min);
    let max_x = |v: &[Vec3]| v.iter().map(|x| x.x).fold(f64::NEG_INFINITY, f64::max);
    let (face_a, face_b) = match g.gap_between {
        GapReference::Facets => (
            facet_height(first, fa) - fa.normal.dot(&ca),
            min_x(&plane_b_points),
        ),
        GapReference::OutermostAtoms => (max_x(&xa), min_x(&xb)),
    };
    let shift_a = Vec3::new(-0.5 * g.gap - face_a, 0.0, 0.0);
    let shift_b = Vec3::new(0.5 * g.gap - face_b, g.offset[0], g.offset[1]);
    xa.iter_mut().for_each(|x| *x += shift_a);
    xb.iter_mut().for_each(|x| *x += shift_b);

    let normal_b = rot_b * fb.normal;
    let angle = (-normal_b.x).clamp(-1.0, 1.0).acos().to_degrees();
    let gap = match g.gap_between {
        GapReference::Facets => min_x(&plane_b_points) + shift_b.x - (face_a + shift_a.x),
        GapReference::OutermostAtoms => min_x(&xb) - max_x(&xa),
    };
    let outermost_gap = min_x(&xb) - max_x(&xa);
    Placement {
        rot_a,
        rot_b,
        xa,
        xb,
        gap,
        outermost_gap,
        angle,
    }
}

/// The pair's species: those of particle 1, then any new ones of particle 2 (a species in both
/// must have one mass); with, per species of particle 2, its index in the pair's table.
fn merged_species(first: &Particle, second: &Particle) -> Result<(SpeciesTable, Vec<u32>)> {
    let mut names = first.system.species.names.clone();
    let mut masses = first.system.species.masses.clone();
    let mut map_b = Vec::new();
    for (name, &m) in second
        .system
        .species
        .names
        .iter()
        .zip(&second.system.species.masses)
    {
        match names.iter().position(|n| n == name) {
            Some(k) => {
                if (masses[k] - m).abs() > 1e-12 * m {
                    return Err(Error::invalid(format!(
                        "species {name} has mass {} in particle 1 but {m} in particle 2",
                        masses[k]
                    )));
                }
                map_b.push(k as u32);
            }
            None => {
                names.push(name.clone());
                masses.push(m);
                map_b.push((names.len() - 1) as u32);
            }
        }
    }
    Ok((SpeciesTable::new(names, masses)?, map_b))
}

/// Checks that no atom of particle 2 (positions `xb`, Å) comes closer to one of particle 1
/// (`xa`) than [`MIN_SEPARATION`] nearest-neighbour distances; returns the closest distance (Å)
/// if below `gap` + 2 nearest-neighbour distances.
fn check_separation(
    first: &Particle,
    second: &Particle,
    xa: &[Vec3],
    xb: &[Vec3],
    gap: f64,
) -> Result<Option<f64>> {
    let na = xa.len();
    let d_nn = first
        .nearest_neighbor_distance()
        .min(second.nearest_neighbor_distance());
    let closest_approach = closest_between(xa, xb, gap.max(0.0) + 2.0 * d_nn)?;
    if let Some((i, j, d)) = closest_approach
        && d < MIN_SEPARATION * d_nn
    {
        return Err(Error::invalid(format!(
            "pair: atom {} of particle 1 and atom {} of particle 2 would be {d:.3} A apart, closer than {MIN_SEPARATION} x the nearest-neighbour distance {d_nn:.3} A; widen the gap, or move particle 2 sideways with offset",
            i + 1,
            na + j + 1
        )));
    }
    Ok(closest_approach.map(|c| c.2))
}

/// The closest pair `(i, j, distance)` between points `a[i]` and `b[j]` closer than `range` [A].
fn closest_between(a: &[Vec3], b: &[Vec3], range: f64) -> Result<Option<(usize, usize, f64)>> {
    let (amax, bmin) = (
        a.iter().map(|x| x.x).fold(f64::NEG_INFINITY, f64::max),
        b.iter().map(|x| x.x).fold(f64::INFINITY, f64::min),
    );
    let near_a: Vec<usize> = (0..a.len()).filter(|&i| a[i].x >= bmin - range).collect();
    let near_b: Vec<usize> = (0..b.len()).filter(|&j| b[j].x <= amax + range).collect();
    if near_a.is_empty() || near_b.is_empty() {
        return Ok(None);
    }
    let points: Vec<Vec3> = near_a
        .iter()
        .map(|&i| a[i])
        .chain(near_b.iter().map(|&j| b[j]))
        .collect();
    let simbox = bounding_box(&points, 1.0, [false; 3])?;
    let mut list = NeighborList::new(range, 0.0);
    list.build(&simbox, &points)?;
    let mut best: Option<(usize, usize, f64)> = None;
    for (ka, &i) in near_a.iter().enumerate() {
        for k in list.row(ka).neighbors() {
            let k = k as usize;
            if k < near_a.len() {
                continue;
            }
            let j = near_b[k - near_a.len()];
            let d = (a[i] - b[j]).norm();
            if best.is_none_or(|bst| d < bst.2) {
                best = Some((i, j, d));
            }
        }
    }
    Ok(best)
}
