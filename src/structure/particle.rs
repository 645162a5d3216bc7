//! Particles cut from a lattice: Wulff polyhedra, convenience polyhedra and spheres, sized by atom
//! count, by volume or by diameter, alloyed, decorated with adatoms and oriented.
//!
//! Construction, in the crystal frame: the Wulff point (the particle's centre) is at the origin,
//! on a lattice site unless `centre` says otherwise; the shape at scale `s` keeps the sites `x` with `n_i . x <= s d_i + 1e-5 A` for
//! every plane `i` (`|x| <= s` for a sphere), where `d_i` are the plane distances of the unit
//! shape (the lowest-energy planes at 1, so `s` is their distance from the centre [A]). This is
//! WulffPack's rule for the same lattice and centre. The scale comes from the size:
//! - `VolumeOfAtoms(n)`: the polyhedron's volume is `n` atomic volumes (WulffPack's `natoms`;
//!   the atom count then differs from `n` by however the lattice falls on the surface);
//! - `Diameter(d)`: the volume is that of a sphere of diameter `d`;
//! - `Atoms(n)`: the atom count (adatoms included) is as close to `n` as the shape allows: the
//!   sites are taken in order of the scale at which the surface reaches them, whole symmetry
//!   shells at a time, and the shell boundary giving the nearest total is chosen.
//!
//! Then the adatom layers are laid (see [`super::adatoms`]), the species placed, and the
//! particle turned by its orientation. A facet is a face of the geometric polyhedron; its
//! outermost atomic plane is the largest `n . x` over the particle's atoms before adatoms.

use std::collections::{BTreeMap, HashMap, HashSet};

use nalgebra::{Matrix3, Rotation3};
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::adatoms::{Membership, adatom_layer, keep_fraction, kept_count};
use super::alloy::{Component, Placement, assign_species, species_table};
use super::lattice::{Lattice, LatticeKind, PointGroup, SiteLabel};
use super::orientation::Orientation;
use super::wulff::{WulffPolyhedron, miller_text, reduced};
pub use crate::analysis::com::kabsch_rotation;
use crate::error::{Error, Result};
use crate::md::SimRng;
use crate::system::{SimBox, System, Vec3};

/// Sites within this distance outside a plane count as inside [A] (WulffPack uses the same).
pub const SURFACE_TOL: f64 = 1e-5;

/// The shape of a particle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Shape {
    /// Wulff construction from surface energies per family, e.g.
    /// `Wulff({(1, 0, 0): 1.0, (1, 1, 1): 0.9})`; each family is expanded by the lattice's point
    /// group (cubic m-3m, tetragonal 4/mmm for L1_0, hexagonal 6/mmm for hcp with three-index
    /// Miller indices on a1, a2, c).
    Wulff(BTreeMap<(i32, i32, i32), f64>),
    /// Cube bounded by {100} (cubic and L1_0 lattices).
    Cube,
    /// Octahedron bounded by {111} (cubic and L1_0 lattices).
    Octahedron,
    /// Archimedean truncated octahedron: {100} at 2/sqrt(3) the distance of {111} (cubic and
    /// L1_0 lattices).
    TruncatedOctahedron,
    /// Sphere.
    Sphere,
}

/// How large a particle is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Size {
    /// As close to this many atoms (adatoms included) as the shape allows.
    Atoms(usize),
    /// Shape volume of this many atoms (WulffPack's `natoms`).
    VolumeOfAtoms(usize),
    /// Shape volume of a sphere of this diameter [A].
    Diameter(f64),
}

/// An adatom layer on one facet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdatomSpec {
    /// Miller indices of the facet (crystal frame), e.g. `(1, 0, 0)`.
    pub facet: [i32; 3],
    /// Fraction of the full layer kept (at random), e.g. 0.2.
    pub fraction: f64,
}

/// A particle to build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticleSpec {
    /// The lattice.
    pub lattice: LatticeKind,
    /// Lattice parameter a [A].
    pub a: f64,
    /// Lattice parameter c [A] (hcp, L1_0).
    #[serde(default)]
    pub c: Option<f64>,
    /// Species (and fractions of a random alloy).
    pub species: Vec<Component>,
    /// How the species fill the sites.
    #[serde(default)]
    pub placement: Placement,
    /// The shape.
    pub shape: Shape,
    /// The size.
    pub size: Size,
    /// Adatom layers.
    #[serde(default)]
    pub adatoms: Vec<AdatomSpec>,
    /// Orientation of the crystal (default: cell edges along x, y, z).
    #[serde(default)]
    pub orientation: Option<Orientation>,
    /// Centre of the particle (the Wulff point) in fractions of the conventional cell, from a
    /// lattice site: (0, 0, 0) (the default) centres it on an atom, as WulffPack does; e.g.
    /// (0.25, 0.25, 0.25), an fcc tetrahedral hole, gives cubes an even number of planes.
    #[serde(default)]
    pub centre: [f64; 3],
    /// Seed of the random choices (adatoms kept, then species placed).
    #[serde(default)]
    pub seed: u64,
}

/// A facet of a built particle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    /// Family as given in the surface energies.
    pub family: [i32; 3],
    /// Miller indices of this facet (crystal frame).
    pub miller: [i32; 3],
    /// Outward unit normal (particle frame).
    pub normal: Vec3,
    /// Position of the outermost atomic plane along `normal`: `n . x` of its atoms [A].
    pub plane: f64,
    /// Distance from the outermost plane to the next lattice plane outward (where adatoms sit) [A].
    pub spacing: f64,
    /// Area of the face of the geometric polyhedron at the particle's scale [A^2].
    pub area: f64,
    /// Indices of the atoms in the outermost plane (kept in checkpoints: a pair assembled after
    /// a resume measures its facet gap on them).
    pub plane_atoms: Vec<u32>,
}

/// A built particle.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Particle {
    /// Atoms (the shape's sites, then adatoms; ids 1..N), in a free box around them; group
    /// "adatoms" lists the adatoms.
    pub system: System,
    /// The lattice.
    pub lattice: Lattice,
    /// Rotation from the crystal frame to the particle frame.
    pub rotation: Matrix3<f64>,
    /// Scale of the shape: distance of the lowest-energy planes (radius of a sphere) [A].
    pub scale: f64,
    /// Facets (empty for a sphere).
    pub facets: Vec<Facet>,
    /// Indices of the adatoms.
    pub adatoms: Vec<u32>,
}

/// The geometric body a particle is cut from.
enum Body {
    Polyhedron(WulffPolyhedron),
    Sphere,
}

impl Body {
    fn gauge(&self, x: &Vec3) -> f64 {
        match self {
            Body::Polyhedron(p) => p.gauge(x),
            Body::Sphere => x.norm(),
        }
    }

    fn excess(&self, x: &Vec3, s: f64) -> f64 {
        match self {
            Body::Polyhedron(p) => p.excess(x, s),
            Body::Sphere => x.norm() - s,
        }
    }

    fn unit_volume(&self) -> f64 {
        match self {
            Body::Polyhedron(p) => p.volume,
            Body::Sphere => 4.0 / 3.0 * std::f64::consts::PI,
        }
    }

    fn extent(&self) -> f64 {
        match self {
            Body::Polyhedron(p) => p.extent(),
            Body::Sphere => 1.0,
        }
    }
}

/// A lattice site near the particle.
struct Candidate {
    label: SiteLabel,
    position: Vec3,
    gauge: f64,
}

impl ParticleSpec {
    /// The lattice of the particle.
    pub fn lattice(&self) -> Result<Lattice> {
        Lattice::new(self.lattice, self.a, self.c)
    }

    /// The unit Wulff polyhedron of the shape (None for a sphere).
    pub fn polyhedron(&self) -> Result<Option<WulffPolyhedron>> {
        let lattice = self.lattice()?;
        let convenience = |families: &[([i32; 3], f64)]| {
            if !lattice.is_cubic_like() {
                return Err(Error::invalid(format!(
                    "shape {:?} needs a cubic (or L1_0) lattice; use Wulff with hexagonal families for hcp",
                    self.shape
                )));
            }
            WulffPolyhedron::from_surface_energies(&lattice, PointGroup::Cubic, families)
        };
        Ok(Some(match &self.shape {
            Shape::Wulff(energies) => {
                let list: Vec<([i32; 3], f64)> = energies
                    .iter()
                    .map(|(&(h, k, l), &g)| ([h, k, l], g))
                    .collect();
                WulffPolyhedron::from_surface_energies(&lattice, lattice.point_group(), &list)?
            }
            Shape::Cube => convenience(&[([1, 0, 0], 1.0)])?,
            Shape::Octahedron => convenience(&[([1, 1, 1], 1.0)])?,
            Shape::TruncatedOctahedron => {
                convenience(&[([1, 0, 0], 2.0 / 3f64.sqrt()), ([1, 1, 1], 1.0)])?
            }
            Shape::Sphere => return Ok(None),
        }))
    }

    /// Builds the particle: the lattice and shape, the core sites for the size, the adatom
    /// layers, the species, the orientation, and the facets.
    pub fn build(&self) -> Result<Particle> {
        let lattice = self.lattice()?;
        let body = match self.polyhedron()? {
            Some(p) => Body::Polyhedron(p),
            None => Body::Sphere,
        };
        let table = species_table(&self.species)?;
        self.check_adatoms(&body)?;
        let faces = match &body {
            Body::Polyhedron(p) => p.faces.clone(),
            Body::Sphere => Vec::new(),
        };
        let adatom_faces = self.adatom_faces(&faces)?;

        let layers_of = |core: &[SiteLabel], is_core: Membership<'_>| {
            adatom_faces
                .iter()
                .map(|&f| {
                    let plane = &faces[f].plane;
                    adatom_layer(&lattice, core, is_core, plane.miller, &plane.normal).0
                })
                .collect::<Vec<Vec<SiteLabel>>>()
        };
        let total_of = |core: &[SiteLabel], is_core: Membership<'_>| -> usize {
            if self.adatoms.is_empty() {
                return core.len();
            }
            core.len()
                + layers_of(core, is_core)
                    .iter()
                    .zip(&self.adatoms)
                    .map(|(l, ad)| kept_count(ad.fraction, l.len()))
                    .sum::<usize>()
        };
        let CoreSites {
            sites: core,
            scale,
            origin,
        } = self.core_sites(&lattice, &body, &total_of)?;
        let core_labels: Vec<SiteLabel> = core.iter().map(|c| c.0).collect();

        let mut rng = SimRng::seed_from_u64(self.seed);
        let core_set: HashSet<SiteLabel> = core_labels.iter().copied().collect();
        let layers = layers_of(&core_labels, &|t| core_set.contains(&t));
        let adatom_sites = self.adatom_sites(&layers, &mut rng)?;

        let sites: Vec<SiteLabel> = core_labels
            .iter()
            .chain(adatom_sites.iter())
            .copied()
            .collect();
        let types = self.site_species(&lattice, &sites, &mut rng)?;

        let rotation = match &self.orientation {
            Some(o) => o.rotation(&lattice)?,
            None => Rotation3::identity(),
        };
        let positions: Vec<Vec3> = sites
            .iter()
            .map(|&s| rotation * (lattice.site(s) - origin))
            .collect();
        let facets = particle_facets(&faces, &core, &rotation, &origin, &lattice, scale);

        let mut system = System::new(bounding_box(&positions, 1.0, [false; 3])?, table);
        for (i, (x, t)) in positions.into_iter().zip(types).enumerate() {
            system.push(i as u64 + 1, t, x, Vec3::zeros());
        }
        let adatoms: Vec<u32> = (core.len()..sites.len()).map(|i| i as u32).collect();
        if !adatoms.is_empty() {
            system.groups.insert("adatoms".into(), adatoms.clone());
        }
        Ok(Particle {
            system,
            lattice,
            rotation: *rotation.matrix(),
            scale,
            facets,
            adatoms,
        })
    }

    /// The species (type index) of each of `sites`, placed by the species' placement on the
    /// lattice's sublattices, drawn with `rng`.
    fn site_species(
        &self,
        lattice: &Lattice,
        sites: &[SiteLabel],
        rng: &mut SimRng,
    ) -> Result<Vec<u32>> {
        let sub_of_basis = lattice.sublattice_of_basis();
        let sublattices: Vec<usize> = sites.iter().map(|s| sub_of_basis[s.1 as usize]).collect();
        assign_species(
            &self.species,
            self.placement,
            lattice.sublattice_count(),
            &sublattices,
            rng,
        )
    }

    /// Checks the adatom layers: each fraction in 0..=1, and a facetted body to lay them on.
    fn check_adatoms(&self, body: &Body) -> Result<()> {
        for ad in &self.adatoms {
            if !(0.0..=1.0).contains(&ad.fraction) {
                return Err(Error::invalid(format!(
                    "adatoms on {}: fraction {} must be between 0 and 1",
                    miller_text(ad.facet),
                    ad.fraction
                )));
            }
            if let Body::Sphere = body {
                return Err(Error::invalid(
                    "adatoms need a facet, and a sphere has none",
                ));
            }
        }
        Ok(())
    }

    /// For each adatom layer, the index in `faces` of the facet it lies on.
    fn adatom_faces(&self, faces: &[super::wulff::WulffFace]) -> Result<Vec<usize>> {
        self.adatoms
            .iter()
            .map(|ad| {
                let m = reduced(ad.facet);
                faces
                    .iter()
                    .position(|f| f.plane.miller == m)
                    .ok_or_else(|| {
                        let list: Vec<String> =
                            faces.iter().map(|f| miller_text(f.plane.miller)).collect();
                        Error::invalid(format!(
                            "adatoms: the particle has no {} facet; its facets are {}",
                            miller_text(ad.facet),
                            list.join(", ")
                        ))
                    })
            })
            .collect()
    }

    /// The core sites for the size (see [`CoreSites`]). `total_of` counts the atoms, adatoms
    /// included, that a core would give.
    fn core_sites(
        &self,
        lattice: &Lattice,
        body: &Body,
        total_of: &dyn Fn(&[SiteLabel], Membership<'_>) -> usize,
    ) -> Result<CoreSites> {
        let volume_scale = |volume: f64| (volume / body.unit_volume()).cbrt();
        if !self.centre.iter().all(|f| (-1.0..=1.0).contains(f)) {
            return Err(Error::invalid(format!(
                "centre {:?} must be fractions of the cell between -1 and 1 (the lattice repeats \
                 every cell)",
                self.centre
            )));
        }
        let estimate = match self.size {
            Size::Atoms(n) | Size::VolumeOfAtoms(n) => n as f64,
            // A bad diameter is reported below.
            Size::Diameter(d) if d > 0.0 && d.is_finite() => {
                std::f64::consts::PI * d.powi(3) / 6.0 / lattice.atomic_volume()
            }
            Size::Diameter(_) => 0.0,
        };
        crate::system::budget::check_atom_count(&format!("size {:?}", self.size), estimate)?;
        let cell = lattice.cell_lengths();
        let origin = Vec3::new(
            self.centre[0] * cell[0],
            self.centre[1] * cell[1],
            self.centre[2] * cell[2],
        );
        let (core, scale): (Vec<(SiteLabel, Vec3)>, f64) = match self.size {
            Size::Atoms(n) => {
                if n == 0 {
                    return Err(Error::invalid("size: Atoms must be at least 1"));
                }
                closest_count(lattice, &origin, body, n, volume_scale, total_of)
            }
            Size::VolumeOfAtoms(n) => {
                if n == 0 {
                    return Err(Error::invalid("size: VolumeOfAtoms must be at least 1"));
                }
                let s = volume_scale(n as f64 * lattice.atomic_volume());
                (sites_at_scale(lattice, &origin, body, s), s)
            }
            Size::Diameter(d) => {
                if !(d > 0.0) || !d.is_finite() {
                    return Err(Error::invalid(format!(
                        "size: Diameter {d} must be positive"
                    )));
                }
                let s = volume_scale(std::f64::consts::PI * d.powi(3) / 6.0);
                (sites_at_scale(lattice, &origin, body, s), s)
            }
        };
        if core.is_empty() {
            return Err(Error::invalid("the particle is too small to hold an atom"));
        }
        Ok(CoreSites {
            sites: core,
            scale,
            origin,
        })
    }

    /// The adatom sites: from each layer (one per adatom spec) its fraction, drawn with `rng`,
    /// each site once.
    fn adatom_sites(&self, layers: &[Vec<SiteLabel>], rng: &mut SimRng) -> Result<Vec<SiteLabel>> {
        let mut adatom_sites: Vec<SiteLabel> = Vec::new();
        for (layer, ad) in layers.iter().zip(&self.adatoms) {
            if layer.is_empty() {
                return Err(Error::invalid(format!(
                    "adatoms: the {} facet is too small to hold a site of a new layer",
                    miller_text(ad.facet)
                )));
            }
            for s in keep_fraction(layer, ad.fraction, rng)? {
                if !adatom_sites.contains(&s) {
                    adatom_sites.push(s);
                }
            }
        }
        Ok(adatom_sites)
    }
}

/// A particle's core (the sites before adatoms) as [`ParticleSpec::build`] cuts it.
struct CoreSites {
    /// Label and crystal-frame position relative to the centre [A] of each site.
    sites: Vec<(SiteLabel, Vec3)>,
    /// The shape's scale [A].
    scale: f64,
    /// The centre's position in the lattice [A].
    origin: Vec3,
}

/// The particle's facets, one per face of the polyhedron: the outermost plane of the `core`
/// atoms (crystal frame, relative to the centre, Å), its spacing to the next lattice plane
/// (Å), its area at `scale` (Å²) and its atoms; normals turned by `rotation`. `origin` is the
/// centre's position in the lattice (Å).
fn particle_facets(
    faces: &[super::wulff::WulffFace],
    core: &[(SiteLabel, Vec3)],
    rotation: &Rotation3<f64>,
    origin: &Vec3,
    lattice: &Lattice,
    scale: f64,
) -> Vec<Facet> {
    faces
        .iter()
        .map(|f| {
            let n = f.plane.normal;
            let proj: Vec<f64> = core.iter().map(|c| n.dot(&c.1)).collect();
            let p = proj.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let plane_atoms = proj
                .iter()
                .enumerate()
                .filter(|&(_, &v)| v >= p - 1e-6)
                .map(|(i, _)| i as u32)
                .collect();
            Facet {
                family: f.plane.family,
                miller: f.plane.miller,
                normal: rotation * n,
                plane: p,
                spacing: {
                    let p_lattice = p + n.dot(origin);
                    lattice.next_plane_above(f.plane.miller, p_lattice) - p_lattice
                },
                area: f.area * scale * scale,
                plane_atoms,
            }
        })
        .collect()
}

/// A box around `positions` with `margin` [A] on every side.
pub fn bounding_box(positions: &[Vec3], margin: f64, periodic: [bool; 3]) -> Result<SimBox> {
    SimBox::around(positions.iter().copied(), margin, periodic)
}

/// Lattice sites with gauge at most `s_max`, in lattice order (cell x, y, z, then basis).
fn sites_within(lattice: &Lattice, origin: &Vec3, body: &Body, s_max: f64) -> Vec<Candidate> {
    let l = lattice.cell_lengths();
    let reach = s_max * body.extent() + SURFACE_TOL;
    let range = l.map(|len| ((reach / len).ceil() as i32) + 1);
    let nb = lattice.basis().len();
    let mut out = Vec::new();
    for i in -range[0]..=range[0] {
        for j in -range[1]..=range[1] {
            for k in -range[2]..=range[2] {
                for b in 0..nb {
                    let label = ([i, j, k], b as u8);
                    let position = lattice.site(label) - origin;
                    let gauge = body.gauge(&position);
                    if gauge <= s_max + SURFACE_TOL {
                        out.push(Candidate {
                            label,
                            position,
                            gauge,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The sites inside the shape at scale `s`, in lattice order.
fn sites_at_scale(lattice: &Lattice, origin: &Vec3, body: &Body, s: f64) -> Vec<(SiteLabel, Vec3)> {
    sites_within(lattice, origin, body, s)
        .into_iter()
        .filter(|c| body.excess(&c.position, s) <= SURFACE_TOL)
        .map(|c| (c.label, c.position))
        .collect()
}

/// The sites of the shell boundary whose total (by `total_of`) is closest to `n` (ties: the
/// smaller), in lattice order, and the scale of the outermost shell.
fn closest_count(
    lattice: &Lattice,
    origin: &Vec3,
    body: &Body,
    n: usize,
    volume_scale: impl Fn(f64) -> f64,
    total_of: &dyn Fn(&[SiteLabel], Membership<'_>) -> usize,
) -> (Vec<(SiteLabel, Vec3)>, f64) {
    let mut s_max =
        volume_scale(n as f64 * lattice.atomic_volume()) * 1.2 + 2.0 * lattice.cell_lengths()[0];
    loop {
        let candidates = sites_within(lattice, origin, body, s_max);
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&i, &j| {
            candidates[i]
                .gauge
                .total_cmp(&candidates[j].gauge)
                .then(i.cmp(&j))
        });
        // Shell boundaries: counts c such that the c-th and (c+1)-th sites (by gauge) differ by
        // more than the tolerance; only shells entirely below s_max are complete.
        let tol = 1e-9 * s_max.max(1.0);
        let ends: Vec<usize> = (1..=order.len())
            .filter(|&c| {
                let g = candidates[order[c - 1]].gauge;
                g < s_max - tol && (c == order.len() || candidates[order[c]].gauge - g > tol)
            })
            .collect();
        // The first c sites (by gauge) are the sites with gauge up to that of the c-th, as c
        // ends a shell.
        let cache = std::cell::RefCell::new(HashMap::new());
        let total = |k: usize| {
            *cache.borrow_mut().entry(k).or_insert_with(|| {
                let c = ends[k];
                let labels: Vec<SiteLabel> =
                    order[..c].iter().map(|&i| candidates[i].label).collect();
                let limit = candidates[order[c - 1]].gauge + 0.5 * tol;
                total_of(&labels, &|t| {
                    body.gauge(&(lattice.site(t) - origin)) <= limit
                })
            })
        };
        if ends.is_empty() || total(ends.len() - 1) < n {
            s_max *= 1.3;
            continue;
        }
        // First boundary reaching n (totals grow with the scale, nearly monotonically), then the
        // nearest total among its neighbours.
        let (mut lo, mut hi) = (0usize, ends.len() - 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if total(mid) >= n {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let window = lo.saturating_sub(3)..(lo + 4).min(ends.len());
        let best = window
            .map(|k| (total(k).abs_diff(n), ends[k], k))
            .min()
            // Invariant: lo < ends.len() (ends is not empty, checked above), so the window holds
            // at least lo.
            .expect("window is not empty");
        let c = best.1;
        let mut idx: Vec<usize> = order[..c].to_vec();
        idx.sort_unstable();
        let scale = candidates[order[c - 1]].gauge;
        return (
            idx.into_iter()
                .map(|i| (candidates[i].label, candidates[i].position))
                .collect(),
            scale,
        );
    }
}

impl Particle {
    /// Indices of the atoms that are not adatoms.
    pub fn core_atoms(&self) -> Vec<u32> {
        let ad: HashSet<u32> = self.adatoms.iter().copied().collect();
        (0..self.system.len() as u32)
            .filter(|i| !ad.contains(i))
            .collect()
    }

    /// The facet with Miller indices `miller` (crystal frame).
    pub fn facet(&self, miller: [i32; 3]) -> Result<&Facet> {
        let m = reduced(miller);
        self.facets.iter().find(|f| f.miller == m).ok_or_else(|| {
            let list: Vec<String> = self.facets.iter().map(|f| miller_text(f.miller)).collect();
            Error::invalid(format!(
                "the particle has no {} facet; its facets are {}",
                miller_text(miller),
                if list.is_empty() {
                    "none (a sphere)".to_string()
                } else {
                    list.join(", ")
                }
            ))
        })
    }

    /// Fraction of the geometric shape's surface on each facet family (families in order of
    /// first appearance).
    pub fn area_fractions(&self) -> Vec<([i32; 3], f64)> {
        let total: f64 = self.facets.iter().map(|f| f.area).sum();
        let mut out: Vec<([i32; 3], f64)> = Vec::new();
        for f in &self.facets {
            match out.iter_mut().find(|e| e.0 == f.family) {
                Some(e) => e.1 += f.area / total,
                None => out.push((f.family, f.area / total)),
            }
        }
        out
    }

    /// Nearest-neighbour distance of the lattice [A].
    pub fn nearest_neighbor_distance(&self) -> f64 {
        self.lattice.nearest_neighbor_distance()
    }

    /// This particle with the atoms of `relaxed` (e.g. after equilibration), matched by atom id:
    /// positions (unwrapped by their image flags) and velocities come from `relaxed`; the facets
    /// follow the rigid motion that best maps the built atoms (adatoms left out) onto the relaxed
    /// ones (Kabsch fit), and each outermost plane is re-measured as the mean `n . x` of the
    /// atoms that formed it when built.
    pub fn with_relaxed_atoms(&self, relaxed: &System) -> Result<Particle> {
        let n = self.system.len();
        if relaxed.len() != n {
            return Err(Error::invalid(format!(
                "the relaxed particle has {} atoms, the particle built from its spec {n}",
                relaxed.len()
            )));
        }
        let index: HashMap<u64, usize> = relaxed
            .ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i))
            .collect();
        let mut system = System::new(self.system.simbox.clone(), self.system.species.clone());
        for i in 0..n {
            let id = self.system.ids[i];
            let &j = index.get(&id).ok_or_else(|| {
                Error::invalid(format!("the relaxed particle has no atom with id {id}"))
            })?;
            let name = &self.system.species.names[self.system.types[i] as usize];
            let rname = &relaxed.species.names[relaxed.types[j] as usize];
            if name != rname {
                return Err(Error::invalid(format!(
                    "atom {id} is {name} in the built particle but {rname} in the relaxed one"
                )));
            }
            let x = relaxed
                .simbox
                .unwrap(&relaxed.positions[j], &relaxed.images[j]);
            system.push(id, self.system.types[i], x, relaxed.velocities[j]);
        }
        system.groups = self.system.groups.clone();
        let core = self.core_atoms();
        let from: Vec<Vec3> = core
            .iter()
            .map(|&i| self.system.positions[i as usize])
            .collect();
        let to: Vec<Vec3> = core.iter().map(|&i| system.positions[i as usize]).collect();
        let r = kabsch_rotation(&from, &to);
        let facets = self
            .facets
            .iter()
            .map(|f| {
                let normal = r * f.normal;
                let plane = f
                    .plane_atoms
                    .iter()
                    .map(|&i| normal.dot(&system.positions[i as usize]))
                    .sum::<f64>()
                    / f.plane_atoms.len() as f64;
                Facet {
                    normal,
                    plane,
                    ..f.clone()
                }
            })
            .collect();
        system.simbox = bounding_box(&system.positions, 1.0, [false; 3])?;
        Ok(Particle {
            system,
            lattice: self.lattice,
            rotation: r * self.rotation,
            scale: self.scale,
            facets,
            adatoms: self.adatoms.clone(),
        })
    }
}
