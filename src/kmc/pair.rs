//! Two particles on a site set: touching, separated by a gap, or joined by a single atom.
//!
//! Particle 1 is centred at `c1`, particle 2 at `c2 = c1 + L axis`. On a crystal, particle 1 sits
//! on an fcc lattice centred on a lattice site. Without tilt or twist, particle 2 is cut from the
//! same lattice and `L` is a whole number of lattice repeats along the axis, so the two particles
//! are translated copies and a neck between them grows as one crystal. With a [`Turn`] (a twist
//! about the contact axis, then a tilt; the type an MD pair's geometry uses too),
//! particle 2 has its own lattice, rotated about its centre: the sites of lattice 1 fill the half
//! space on particle 1's side of the bisecting plane,
//! those of lattice 2 the other half, and a lattice-2 site closer than 0.75 nearest-neighbour
//! spacings to a lattice-1 site is dropped; the neck then holds a grain boundary. On a mesh both
//! particles are cut from the mesh sites and `L` is continuous.
//!
//! The site set covers a capsule around the segment c1-c2 of radius (bounding radius + margin),
//! so the neck and the surfaces have room to grow. The separation `L` is found by scanning
//! candidates: `Touching` is the largest `L` with at least one bond between the particles,
//! `SingleAtom` the smallest `L` with no bond between them but an empty site bonded to both (the
//! one nearest the contact point gets the joining atom), `Gap(g)` the `L` nearest to
//! `2 (extent along the axis) + g`.

use nalgebra::Matrix3;
use serde::{Deserialize, Serialize};

use super::lattice::{FccLattice, SiteSet, bicrystal_sites, sort_spatially};
use super::shapes::{ParticleShape, ShapeSpec};
use crate::error::{Error, Result};
use crate::structure::orientation::Turn;
use crate::system::{SimBox, Vec3};

/// How the two particles meet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Contact {
    /// Not bonded to each other, joined by one atom bonded to both.
    #[default]
    SingleAtom,
    /// Just touching: at least one bond between them.
    Touching,
    /// Surfaces this far apart along the axis [A].
    Gap(f64),
}

/// Two particles as written in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// Shape of each particle.
    pub shape: ShapeSpec,
    /// How they meet. Default `SingleAtom`.
    #[serde(default)]
    pub contact: Contact,
    /// Direction from particle 1 to particle 2 (world frame). Default [1, 0, 0].
    #[serde(default = "x_axis")]
    pub axis: [f64; 3],
    /// Turn of particle 2 about its centre (twist about `axis`, then tilt), in the words of an
    /// MD pair's geometry. Default: none, the same orientation as particle 1.
    #[serde(default)]
    pub second: Turn,
    /// Room around the particles in which sites are made [A]. Default 4 nearest-neighbour
    /// spacings.
    #[serde(default)]
    pub margin: Option<f64>,
}

fn x_axis() -> [f64; 3] {
    [1.0, 0.0, 0.0]
}

/// Where the sites come from.
#[derive(Clone, Debug)]
pub enum SiteSource {
    /// An fcc lattice; its orientation is particle 1's, its origin is moved to particle 1's
    /// centre.
    Fcc(FccLattice),
    /// A fixed mesh of sites.
    Mesh(SiteSet),
}

/// The initial configuration of a two-particle run.
#[derive(Debug)]
pub struct PairConfiguration {
    /// The sites.
    pub sites: SiteSet,
    /// Occupied sites.
    pub occupied: Vec<bool>,
    /// Particle centres [A].
    pub centers: [Vec3; 2],
    /// Unit vector from particle 1 to particle 2.
    pub axis: Vec3,
    /// Centre-to-centre distance [A].
    pub separation: f64,
    /// Midpoint of the centres [A].
    pub contact_point: Vec3,
    /// Equivalent radius R of one particle [A].
    pub particle_radius: f64,
    /// Sites in particle 1 and particle 2.
    pub particle_sites: [usize; 2],
    /// The joining atom's site (SingleAtom contact).
    pub joining_site: Option<u32>,
    /// Bonds between the two particles at the start.
    pub bonds_between: usize,
    /// Lattice of particle 1 (crystals).
    pub lattice: Option<FccLattice>,
}

struct Candidate {
    sites: SiteSet,
    member: Vec<u8>,
    centers: [Vec3; 2],
    lattice: Option<FccLattice>,
}

impl Candidate {
    fn bonds_between(&self) -> usize {
        let mut n = 0;
        for i in 0..self.sites.len() {
            if self.member[i] == 1 {
                n += self
                    .sites
                    .neighbors(i)
                    .iter()
                    .filter(|&&j| self.member[j as usize] == 2)
                    .count();
            }
        }
        n
    }

    /// The empty site bonded to both particles nearest to `point`.
    fn bridge_site(&self, point: &Vec3) -> Option<u32> {
        let mut best: Option<(f64, u32)> = None;
        for i in 0..self.sites.len() {
            if self.member[i] != 0 {
                continue;
            }
            let nb = self.sites.neighbors(i);
            let touches = |p: u8| nb.iter().any(|&j| self.member[j as usize] == p);
            if touches(1) && touches(2) {
                let d = (self.sites.positions[i] - point).norm_squared();
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, i as u32));
                }
            }
        }
        best.map(|(_, i)| i)
    }
}

/// Builds the two-particle configuration of `spec` on `source`.
pub fn build_pair(spec: &PairSpec, source: &SiteSource) -> Result<PairConfiguration> {
    let shape = spec.shape.build()?;
    let axis = Vec3::from(spec.axis);
    if !(axis.norm() > 0.0) || !axis.iter().all(|c| c.is_finite()) {
        return Err(Error::invalid("pair: axis must be a non-zero vector"));
    }
    let axis = axis.normalize();
    let spacing = match source {
        SiteSource::Fcc(l) => l.nearest_neighbor_distance(),
        SiteSource::Mesh(m) => m.spacing,
    };
    let cutoff = match source {
        SiteSource::Fcc(l) => l.neighbor_cutoff(),
        SiteSource::Mesh(m) => m.cutoff,
    };
    let margin = spec.margin.unwrap_or(4.0 * spacing);
    if !(margin >= 0.0) {
        return Err(Error::invalid("pair: margin must be >= 0"));
    }
    let second_rotation = second_rotation(&spec.second, &axis)?;
    let extent = match source {
        SiteSource::Fcc(l) => shape.support(&(l.rotation.transpose() * axis)),
        SiteSource::Mesh(_) => shape.support(&axis),
    };
    if let SiteSource::Fcc(l) = source {
        // Sites of two cubes around the particles, 4 per cubic cell.
        let side = 2.0 * (extent + margin);
        crate::system::budget::check_atom_count(
            &format!(
                "pair: two particles of radius {extent} A on an fcc lattice of a = {} A",
                l.a
            ),
            2.0 * side.powi(3) * 4.0 / l.a.powi(3),
        )?;
    }

    let separations = candidate_separations(
        spec,
        source,
        [extent, cutoff, spacing],
        &axis,
        second_rotation.is_none(),
    )?;
    let assemble = |l: f64| assemble(source, shape.as_ref(), &axis, l, margin, &second_rotation);
    let (candidate, joining_site, separation) =
        make_contact(&spec.contact, &separations, assemble)?;

    let mut occupied: Vec<bool> = candidate.member.iter().map(|&m| m != 0).collect();
    if let Some(b) = joining_site {
        occupied[b as usize] = true;
    }
    let particle_sites = [1, 2].map(|p| candidate.member.iter().filter(|&&m| m == p).count());
    let bonds_between = candidate.bonds_between();
    Ok(PairConfiguration {
        contact_point: 0.5 * (candidate.centers[0] + candidate.centers[1]),
        sites: candidate.sites,
        occupied,
        centers: candidate.centers,
        axis,
        separation,
        particle_radius: shape.equivalent_radius(),
        particle_sites,
        joining_site,
        bonds_between,
        lattice: candidate.lattice,
    })
}

/// Separations [A] of the particle centres to try, increasing: with a `Gap`, the one separation
/// of that gap; otherwise those from overlapping by two cutoffs to three cutoffs apart, in steps
/// of the lattice's repeat length along `axis` when particle 2 `shares_lattice` with particle 1
/// (so that it stays on the same lattice), else of an eighth of the spacing. `sizes` are the
/// particle's extent along the axis, the neighbour cutoff and the site spacing [A].
fn candidate_separations(
    spec: &PairSpec,
    source: &SiteSource,
    sizes: [f64; 3],
    axis: &Vec3,
    shares_lattice: bool,
) -> Result<Vec<f64>> {
    let [extent, cutoff, spacing] = sizes;
    let lo = (2.0 * extent - 2.0 * cutoff).max(0.0);
    let hi = 2.0 * extent + 3.0 * cutoff;
    let step = match (source, shares_lattice) {
        (SiteSource::Fcc(l), true) => l.repeat_length(axis).ok_or_else(|| {
            Error::invalid(format!(
                "pair: axis {:?} is not a lattice direction of particle 1, so the second particle cannot share its lattice (tilt or twist it, or pick a low-index axis)",
                spec.axis
            ))
        })?,
        _ => spacing / 8.0,
    };
    Ok(match spec.contact {
        Contact::Gap(g) => {
            if !(g >= 0.0) {
                return Err(Error::invalid(format!("pair: gap {g} A must be >= 0")));
            }
            vec![((2.0 * extent + g) / step).round() * step]
        }
        _ => {
            let first = (lo / step).floor() as i64;
            let last = (hi / step).ceil() as i64;
            (first..=last).map(|k| k as f64 * step).collect()
        }
    })
}

/// The configuration of `contact`, trying `separations` with `assemble`: a `Gap`'s one (refused
/// when still bonded), the largest at which the particles touch, or the smallest at which they do
/// not and one atom can join them. Returns the configuration, the joining site and the
/// separation [A].
fn make_contact(
    contact: &Contact,
    separations: &[f64],
    assemble: impl Fn(f64) -> Result<Candidate>,
) -> Result<(Candidate, Option<u32>, f64)> {
    match contact {
        Contact::Gap(g) => {
            let l = separations[0];
            let c = assemble(l)?;
            if c.bonds_between() > 0 {
                return Err(Error::invalid(format!(
                    "pair: a gap of {g} A leaves the particles bonded; use a larger gap or Touching"
                )));
            }
            Ok((c, None, l))
        }
        Contact::Touching => {
            let mut found = None;
            for &l in separations.iter().rev() {
                let c = assemble(l)?;
                if c.bonds_between() > 0 {
                    found = Some((c, None, l));
                    break;
                }
            }
            found.ok_or_else(|| {
                Error::invalid("pair: found no separation at which the particles touch")
            })
        }
        Contact::SingleAtom => {
            let mut found = None;
            for &l in separations {
                let c = assemble(l)?;
                if c.bonds_between() > 0 {
                    continue;
                }
                let mid = 0.5 * (c.centers[0] + c.centers[1]);
                if let Some(b) = c.bridge_site(&mid) {
                    found = Some((c, Some(b), l));
                    break;
                }
            }
            found.ok_or_else(|| {
                Error::invalid("pair: found no separation at which one atom can join the particles")
            })
        }
    }
}

/// The rotation of particle 2 (its [`Turn`] about the contact `axis`), or None without one.
fn second_rotation(second: &Turn, axis: &Vec3) -> Result<Option<Matrix3<f64>>> {
    let rot = second.matrix(axis)?;
    Ok((!second.is_identity()).then_some(rot))
}

/// Sites and particle membership (0 none, 1, 2) for centre distance `l`.
fn assemble(
    source: &SiteSource,
    shape: &dyn ParticleShape,
    axis: &Vec3,
    l: f64,
    margin: f64,
    second_rotation: &Option<Matrix3<f64>>,
) -> Result<Candidate> {
    match source {
        SiteSource::Fcc(lattice) => {
            assemble_crystal(lattice, shape, axis, l, margin, second_rotation)
        }
        SiteSource::Mesh(mesh) => {
            if second_rotation.is_some() {
                return Err(Error::invalid(
                    "pair: tilt and twist apply to crystals, not to an amorphous mesh",
                ));
            }
            assemble_mesh(mesh, shape, axis, l, margin)
        }
    }
}

fn assemble_crystal(
    lattice1: &FccLattice,
    shape: &dyn ParticleShape,
    axis: &Vec3,
    l: f64,
    margin: f64,
    second_rotation: &Option<Matrix3<f64>>,
) -> Result<Candidate> {
    let c1 = lattice1.origin;
    let c2 = c1 + l * axis;
    let reach = shape.bounding_radius() + margin;
    let in_capsule = |x: &Vec3| {
        let s = (x - c1).dot(axis).clamp(0.0, l);
        (x - (c1 + s * axis)).norm_squared() <= reach * reach
    };
    let lo = c1.inf(&c2) - Vec3::repeat(reach);
    let hi = c1.sup(&c2) + Vec3::repeat(reach);
    let mid = 0.5 * (c1 + c2);
    let lattice2 = FccLattice {
        a: lattice1.a,
        rotation: second_rotation.unwrap_or_else(Matrix3::identity) * lattice1.rotation,
        origin: c2,
    };
    let mut positions = match second_rotation {
        None => lattice1.sites_in(lo, hi, |x| in_capsule(x)),
        Some(_) => bicrystal_sites(lattice1, &lattice2, lo, hi, &in_capsule, mid, *axis),
    };
    sort_spatially(&mut positions, lattice1.a);
    let (plo, phi) = bounds(&positions, lattice1.neighbor_cutoff());
    let simbox = SimBox::new(plo, phi, [false; 3])?;
    let frame1 = lattice1.rotation.transpose();
    let frame2 = lattice2.rotation.transpose();
    let member = positions
        .iter()
        .map(|x| {
            if shape.contains(&(frame1 * (x - c1)), 0.0) {
                1
            } else if shape.contains(&(frame2 * (x - c2)), 0.0) {
                2
            } else {
                0
            }
        })
        .collect();
    let sites = SiteSet::with_cutoff(
        positions,
        simbox,
        lattice1.neighbor_cutoff(),
        lattice1.nearest_neighbor_distance(),
    )?;
    Ok(Candidate {
        sites,
        member,
        centers: [c1, c2],
        lattice: Some(lattice1.clone()),
    })
}

fn assemble_mesh(
    mesh: &SiteSet,
    shape: &dyn ParticleShape,
    axis: &Vec3,
    l: f64,
    margin: f64,
) -> Result<Candidate> {
    let b = &mesh.simbox;
    let centre = Vec3::from(b.lo) + 0.5 * b.lengths();
    let c1 = centre - 0.5 * l * axis;
    let c2 = centre + 0.5 * l * axis;
    let reach = shape.bounding_radius() + margin.min(mesh.cutoff);
    for c in [c1, c2] {
        for k in 0..3 {
            if c[k] - reach < b.lo[k] || c[k] + reach > b.hi[k] {
                return Err(Error::invalid(format!(
                    "pair: the mesh box {:?} A is too small for two particles of radius {:.2} A along {:?}; replicate the mesh",
                    b.lengths().as_slice(),
                    shape.bounding_radius(),
                    axis.as_slice()
                )));
            }
        }
    }
    let member = mesh
        .positions
        .iter()
        .map(|x| {
            if shape.contains(&(x - c1), 0.0) {
                1
            } else if shape.contains(&(x - c2), 0.0) {
                2
            } else {
                0
            }
        })
        .collect();
    Ok(Candidate {
        sites: mesh.clone(),
        member,
        centers: [c1, c2],
        lattice: None,
    })
}

/// Corners [A] of the box around `positions` [A] padded by `pad` [A] on every side (a box of
/// side 2 `pad` at the origin when there are none).
pub(super) fn bounds(positions: &[Vec3], pad: f64) -> ([f64; 3], [f64; 3]) {
    let mut lo = Vec3::repeat(f64::INFINITY);
    let mut hi = Vec3::repeat(f64::NEG_INFINITY);
    for x in positions {
        lo = lo.inf(x);
        hi = hi.sup(x);
    }
    if positions.is_empty() {
        lo = Vec3::zeros();
        hi = Vec3::zeros();
    }
    (
        (lo - Vec3::repeat(pad)).into(),
        (hi + Vec3::repeat(pad)).into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lattice() -> FccLattice {
        FccLattice {
            a: 3.89,
            rotation: Matrix3::identity(),
            origin: Vec3::zeros(),
        }
    }

    fn spec(contact: Contact) -> PairSpec {
        PairSpec {
            shape: ShapeSpec::Sphere { diameter: 20.0 },
            contact,
            axis: [1.0, 0.0, 0.0],
            second: Turn::default(),
            margin: None,
        }
    }

    #[test]
    fn single_atom_joins_two_separate_spheres() {
        let p = build_pair(&spec(Contact::SingleAtom), &SiteSource::Fcc(lattice())).unwrap();
        assert_eq!(p.bonds_between, 0);
        assert_eq!(p.particle_sites[0], p.particle_sites[1]);
        let b = p.joining_site.unwrap() as usize;
        let nb = p.sites.neighbors(b);
        let near = |c: &Vec3| {
            nb.iter()
                .filter(|&&j| {
                    p.occupied[j as usize] && (p.sites.positions[j as usize] - c).norm() < 10.5
                })
                .count()
        };
        assert!(near(&p.centers[0]) > 0 && near(&p.centers[1]) > 0);
        // The separation is a lattice translation along [100].
        let k = p.separation / 3.89;
        assert!((k - k.round()).abs() < 1e-9);
    }

    #[test]
    fn touching_has_bonds_and_gap_has_none() {
        let t = build_pair(&spec(Contact::Touching), &SiteSource::Fcc(lattice())).unwrap();
        assert!(t.bonds_between > 0);
        let g = build_pair(&spec(Contact::Gap(5.0)), &SiteSource::Fcc(lattice())).unwrap();
        assert_eq!(g.bonds_between, 0);
        assert!(g.joining_site.is_none());
    }

    #[test]
    fn twisted_second_particle_has_its_own_lattice() {
        let mut s = spec(Contact::Touching);
        s.second.twist = 30.0;
        let p = build_pair(&s, &SiteSource::Fcc(lattice())).unwrap();
        assert!(p.bonds_between > 0);
        // No two sites closer than 0.75 nearest-neighbour spacings.
        let min_d = 0.75 * 3.89 / 2f64.sqrt();
        for i in 0..p.sites.len() {
            for &j in p.sites.neighbors(i) {
                let d = (p.sites.positions[i] - p.sites.positions[j as usize]).norm();
                assert!(d >= min_d - 1e-9, "sites {i} and {j} are {d} A apart");
            }
        }
    }
}
