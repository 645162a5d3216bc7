//! The gap between two particles' facing facets: each atom's height above its facet plane, the
//! atoms in each layer above the facets (the steps that grow on them), where each atom is (in
//! its particle, on its facet, in the gap, in the neck) and what became of the adatoms.
//!
//! Frame: as in [`super::neck`], the axis u runs from particle 1's centre of mass c1 to particle
//! 2's, c2, a distance D apart; s = (x - c1) . u is an atom's axial coordinate. Particle 1's
//! facing facet faces +u, particle 2's faces -u.
//!
//! - **Facet plane.** H_p, the height of particle p's facet plane above its centre of mass along
//!   its outward normal, is the mean height of the atoms of the facet's outermost complete layer
//!   (the groups `facet1` and `facet2` that a pair assembly records) at the start of the stage.
//!   The plane then moves with its particle's centre: its atoms may leave it, the plane stays.
//!   Particle 1's plane is at s1 = H_1, particle 2's at s2 = D - H_2; the plane separation is
//!   s2 - s1.
//! - **Layer spacing** d_p: the median depth, below an atom of the facet layer, of its bonded
//!   neighbours in the particle that lie deeper than a quarter of the nearest-neighbour distance
//!   (the next layer down: a/2 on fcc (100), a/sqrt 3 on (111)), at the start of the stage.
//! - **Height** of an atom of particle p above its own facet: h = s - s1 for particle 1,
//!   s2 - s for particle 2.
//! - **Layers.** Layer k >= 1 of facet p holds the atoms, of either particle, whose height above
//!   that facet lies in ((k - 1/2) d_p, (k + 1/2) d_p] and which sit on p's side of the midplane
//!   between the two facet planes. Adatoms on a flat facet fill layer 1; a step that grows
//!   towards the other particle fills layers 2, 3, ...
//! - **Zone** of an atom of a particle, from its height above its own facet: [`Zone::Body`] below
//!   the facet's outermost layer (h <= -d/2: inside, or on another facet), [`Zone::Facet`] in
//!   that layer or one layer above it (-d/2 < h <= 3d/2: the facet's atoms and its adatoms),
//!   [`Zone::Gap`] higher (h > 3d/2, out in the gap), and [`Zone::Neck`] whatever its height when
//!   it is bonded to atoms of both particles (the bridging atoms of [`super::neck`]).
//! - **Adatom fates** over a stage ([`Fate`]): the atoms followed are each particle's atoms above
//!   its facet plane at the start (h > d/2: the adatoms and anything higher), and every atom
//!   that later enters the gap or the neck. Each ends the stage in one of four classes: it never
//!   left its particle's side (stays on its facet), it is in the gap at the end (crosses into the
//!   gap), it is bonded to both particles at the end (joins the neck), or it was in the gap or
//!   the neck and is back on its side at the end (returns).

use serde::{Deserialize, Serialize};

use super::com::centre_of_mass;
use super::{PairView, unwrapped_positions};
use crate::error::{Error, Result};
use crate::system::{System, Vec3};

/// Where an atom of a particle is, relative to its particle's facing facet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Zone {
    /// Below the facet's outermost layer: inside the particle, or on another of its facets.
    Body,
    /// In the facet's outermost layer or one layer above it (an adatom).
    Facet,
    /// Two layers or more above its facet: out in the gap.
    Gap,
    /// Bonded to atoms of both particles.
    Neck,
}

impl Zone {
    /// The zone of an atom at height `h` above its facet [A] with layer spacing `d` [A],
    /// `bridging` when it is bonded to both particles.
    pub fn of(h: f64, d: f64, bridging: bool) -> Zone {
        if bridging {
            Zone::Neck
        } else if h > 1.5 * d {
            Zone::Gap
        } else if h > -0.5 * d {
            Zone::Facet
        } else {
            Zone::Body
        }
    }
}

/// The facet planes and layer spacings of the two particles, fixed at the start of a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetPlanes {
    /// H_p: height of each facet plane above its particle's centre of mass, along the facet's
    /// outward normal [A].
    pub height: [f64; 2],
    /// d_p: layer spacing of each facet [A].
    pub spacing: [f64; 2],
}

impl FacetPlanes {
    /// Measures the planes of the facets `facets` (atom indices of each facet's outermost
    /// layer) of particles `particles`, with bonds shorter than `bond_cutoff` [A] (see the
    /// module documentation).
    pub fn measure(
        system: &System,
        particles: [&[u32]; 2],
        facets: [&[u32]; 2],
        bond_cutoff: f64,
    ) -> Result<Self> {
        let axial = Axial::of(system, particles)?;
        let membership = membership(system.len(), particles);
        let view = PairView::new(system, bond_cutoff)?;
        let mut height = [0.0; 2];
        let mut spacing = [0.0; 2];
        for p in 0..2 {
            if facets[p].is_empty() {
                return Err(Error::invalid(format!(
                    "gap analysis: the facet of particle {} has no atoms",
                    p + 1
                )));
            }
            let up = |i: usize| axial.up(p, i);
            height[p] =
                facets[p].iter().map(|&i| up(i as usize)).sum::<f64>() / facets[p].len() as f64;
            // A quarter of the nearest-neighbour distance, which the bond cutoff is (1 + sqrt 2)/2
            // times (see `super::neck`).
            let deep = 0.25 * bond_cutoff * 2.0 / (1.0 + 2f64.sqrt());
            let mut depths: Vec<f64> = Vec::new();
            for &i in facets[p] {
                let i = i as usize;
                for nb in view.list.iter_row(i, &view.positions) {
                    let depth = up(i) - up(nb.j);
                    if membership[nb.j] == p as u8 + 1
                        && nb.r2 < bond_cutoff * bond_cutoff
                        && depth > deep
                    {
                        depths.push(depth);
                    }
                }
            }
            spacing[p] = median(&mut depths).ok_or_else(|| {
                Error::invalid(format!(
                    "gap analysis: no atom of particle {}'s facet layer has a bonded neighbour \
                     below it",
                    p + 1
                ))
            })?;
        }
        Ok(FacetPlanes { height, spacing })
    }
}

/// One measurement of the gap.
#[derive(Clone, Debug, PartialEq)]
pub struct GapSample {
    /// Distance between the particles' centres of mass [A].
    pub centre_distance: f64,
    /// Distance between the two facet planes along the axis [A].
    pub plane_separation: f64,
    /// Atoms in layers 1, 2, ... above each facet.
    pub layers: [Vec<usize>; 2],
    /// Each atom's height above its own particle's facet [A] (NaN for atoms of neither).
    pub heights: Vec<f64>,
    /// Each atom's axial coordinate from the midplane between the facet planes [A].
    pub axial: Vec<f64>,
    /// The unit vector of the axis, from particle 1 to particle 2.
    pub axis: Vec3,
}

/// Measures the gap between `particles` with their facet `planes`, counting `layers` layers
/// above each facet.
pub fn measure_gap(
    system: &System,
    particles: [&[u32]; 2],
    planes: &FacetPlanes,
    layers: usize,
) -> Result<GapSample> {
    let axial = Axial::of(system, particles)?;
    let s1 = planes.height[0];
    let s2 = axial.distance - planes.height[1];
    let mid = 0.5 * (s1 + s2);
    let mut heights = vec![f64::NAN; system.len()];
    for (p, members) in particles.iter().enumerate() {
        for &i in *members {
            heights[i as usize] = axial.up(p, i as usize) - planes.height[p];
        }
    }
    let mut counts = [vec![0usize; layers], vec![0usize; layers]];
    for &s in &axial.s {
        let (p, h) = if s < mid { (0, s - s1) } else { (1, s2 - s) };
        let k = (h / planes.spacing[p]).round();
        if k >= 1.0 && (k as usize) <= layers {
            counts[p][k as usize - 1] += 1;
        }
    }
    Ok(GapSample {
        centre_distance: axial.distance,
        plane_separation: s2 - s1,
        layers: counts,
        heights,
        axial: axial.s.iter().map(|s| s - mid).collect(),
        axis: axial.u,
    })
}

/// What became of a followed atom by the end of a stage (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fate {
    /// Never in the gap or the neck.
    StaysOnFacet,
    /// In the gap at the end.
    CrossesIntoGap,
    /// Bonded to both particles at the end.
    JoinsNeck,
    /// In the gap or the neck at some time, back on its particle's side at the end.
    Returns,
}

impl Fate {
    /// Every fate, in the order tables list them.
    pub const ALL: [Fate; 4] = [
        Fate::StaysOnFacet,
        Fate::CrossesIntoGap,
        Fate::JoinsNeck,
        Fate::Returns,
    ];

    /// Words for tables and legends.
    pub fn name(self) -> &'static str {
        match self {
            Fate::StaysOnFacet => "stays on its facet",
            Fate::CrossesIntoGap => "crosses into the gap",
            Fate::JoinsNeck => "joins the neck",
            Fate::Returns => "returns",
        }
    }

    /// A key for machine-readable outputs.
    pub fn key(self) -> &'static str {
        match self {
            Fate::StaysOnFacet => "stays_on_facet",
            Fate::CrossesIntoGap => "crosses_into_gap",
            Fate::JoinsNeck => "joins_neck",
            Fate::Returns => "returns",
        }
    }
}

/// The record of one followed atom over a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AtomHistory {
    /// The atom's index.
    pub atom: usize,
    /// Its particle (0 or 1).
    pub particle: usize,
    /// Followed from the stage's start (an adatom then), or from when it first entered the gap
    /// or the neck.
    pub from_start: bool,
    /// Time of the first observation that saw it in the gap [ps].
    pub first_gap: Option<f64>,
    /// Time of the first observation that saw it in the neck [ps].
    pub first_neck: Option<f64>,
    /// Its zone at the latest observation.
    pub last: Zone,
    /// Highest height above its facet observed [A].
    pub max_height: f64,
}

impl AtomHistory {
    /// A record started at time `t` [ps] in `zone` at height `h` [A].
    pub fn new(atom: usize, particle: usize, from_start: bool, zone: Zone, h: f64, t: f64) -> Self {
        let mut history = AtomHistory {
            atom,
            particle,
            from_start,
            first_gap: None,
            first_neck: None,
            last: zone,
            max_height: h,
        };
        history.record(zone, h, t);
        history
    }

    /// Adds an observation at time `t` [ps].
    pub fn record(&mut self, zone: Zone, h: f64, t: f64) {
        match zone {
            Zone::Gap => {
                self.first_gap.get_or_insert(t);
            }
            Zone::Neck => {
                self.first_neck.get_or_insert(t);
            }
            Zone::Body | Zone::Facet => {}
        }
        self.last = zone;
        self.max_height = self.max_height.max(h);
    }

    /// Its fate given the observations so far.
    pub fn fate(&self) -> Fate {
        match self.last {
            Zone::Neck => Fate::JoinsNeck,
            Zone::Gap => Fate::CrossesIntoGap,
            Zone::Body | Zone::Facet if self.first_gap.is_some() || self.first_neck.is_some() => {
                Fate::Returns
            }
            Zone::Body | Zone::Facet => Fate::StaysOnFacet,
        }
    }
}

/// Axial coordinates of a pair's atoms.
struct Axial {
    /// s of every atom [A].
    s: Vec<f64>,
    /// Distance between the centres [A].
    distance: f64,
    /// Unit axis from particle 1 to particle 2.
    u: Vec3,
}

impl Axial {
    fn of(system: &System, particles: [&[u32]; 2]) -> Result<Self> {
        if particles.iter().any(|p| p.is_empty()) {
            return Err(Error::invalid("gap analysis needs two non-empty particles"));
        }
        let c1 = centre_of_mass(system, Some(particles[0]));
        let c2 = centre_of_mass(system, Some(particles[1]));
        let distance = (c2 - c1).norm();
        if distance == 0.0 {
            return Err(Error::invalid(
                "gap analysis: the two particles have the same centre",
            ));
        }
        let u = (c2 - c1) / distance;
        let s = unwrapped_positions(system)
            .iter()
            .map(|x| (x - c1).dot(&u))
            .collect();
        Ok(Axial { s, distance, u })
    }

    /// Height of atom `i` above particle `p`'s centre along p's outward normal [A].
    fn up(&self, p: usize, i: usize) -> f64 {
        if p == 0 {
            self.s[i]
        } else {
            self.distance - self.s[i]
        }
    }
}

/// 1 or 2 for the atoms of each particle, 0 for the others.
pub(crate) fn membership(n: usize, particles: [&[u32]; 2]) -> Vec<u8> {
    let mut m = vec![0u8; n];
    for (p, members) in particles.iter().enumerate() {
        members.iter().for_each(|&i| m[i as usize] = p as u8 + 1);
    }
    m
}

/// The median of `v` (the lower of the two middle values), None when empty.
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[(v.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{CubicLattice, block_sites};
    use crate::system::{SimBox, SpeciesTable};

    const A: f64 = 3.92;

    /// Two fcc slabs of 6 x 6 cells (x, y), `layers` (100) planes thick along z, facing
    /// each other across `gap` A between their outermost planes; particle 1 below.
    fn slabs(layers: usize, gap: f64) -> (System, Vec<u32>, Vec<u32>, Vec<u32>, Vec<u32>) {
        let cells = layers.div_ceil(2);
        let sites: Vec<Vec3> = block_sites(CubicLattice::Fcc, A, [6, 6, cells])
            .into_iter()
            .filter(|x| x.z < (layers as f64 - 0.5) * A / 2.0)
            .collect();
        let top = (layers - 1) as f64 * A / 2.0;
        let b = SimBox::new([-60.0; 3], [80.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Pt"]).unwrap());
        let (mut p1, mut p2, mut f1, mut f2) = (vec![], vec![], vec![], vec![]);
        for x in &sites {
            let i = s.len() as u32;
            s.push(i as u64 + 1, 0, *x, Vec3::zeros());
            p1.push(i);
            if (x.z - top).abs() < 1e-9 {
                f1.push(i);
            }
        }
        for x in &sites {
            let i = s.len() as u32;
            // Mirrored: particle 2's outermost plane at top + gap.
            let y = Vec3::new(x.x, x.y, 2.0 * top + gap - x.z);
            s.push(i as u64 + 1, 0, y, Vec3::zeros());
            p2.push(i);
            if (x.z - top).abs() < 1e-9 {
                f2.push(i);
            }
        }
        (s, p1, p2, f1, f2)
    }

    #[test]
    fn facet_planes_layers_and_zones_of_two_slabs() {
        let gap = 10.0;
        let (mut s, p1, p2, f1, f2) = slabs(6, gap);
        let cut = 0.5 * (1.0 + 2f64.sqrt()) * A / 2f64.sqrt();
        let planes = FacetPlanes::measure(&s, [&p1, &p2], [&f1, &f2], cut).unwrap();
        for p in 0..2 {
            assert!((planes.spacing[p] - A / 2.0).abs() < 1e-9, "{planes:?}");
        }
        // The centre of each slab is 2.5 layer spacings below its top plane.
        assert!(
            (planes.height[0] - 2.5 * A / 2.0).abs() < 1e-9,
            "{planes:?}"
        );
        let g = measure_gap(&s, [&p1, &p2], &planes, 3).unwrap();
        assert!((g.plane_separation - gap).abs() < 1e-9);
        assert_eq!(g.layers, [vec![0, 0, 0], vec![0, 0, 0]]);

        // An adatom one spacing above facet 1, an atom of particle 1 two spacings up (in the
        // gap, in layer 2 of facet 1), and one of particle 2 one spacing above facet 2.
        let top = 5.0 * A / 2.0;
        let (adatom, flier) = (p1[0] as usize, p1[1] as usize);
        s.positions[adatom] = Vec3::new(1.0, 1.0, top + A / 2.0);
        s.positions[flier] = Vec3::new(5.0, 5.0, top + 2.0 * A / 2.0);
        let other = p2[0] as usize;
        s.positions[other] = Vec3::new(9.0, 9.0, top + gap - A / 2.0);
        let g = measure_gap(&s, [&p1, &p2], &planes, 3).unwrap();
        assert_eq!(g.layers, [vec![1, 1, 0], vec![1, 0, 0]], "{:?}", g.layers);
        // Three spacings up it is past the midplane (5 A): layer 2 of facet 2.
        s.positions[flier] = Vec3::new(5.0, 5.0, top + 3.0 * A / 2.0);
        let g3 = measure_gap(&s, [&p1, &p2], &planes, 3).unwrap();
        assert_eq!(g3.layers, [vec![1, 0, 0], vec![1, 1, 0]], "{:?}", g3.layers);
        let d = planes.spacing[0];
        // Moving three atoms shifts the centres a little: heights agree to that.
        let zone = |i: usize| Zone::of(g.heights[i], d, false);
        assert_eq!(zone(adatom), Zone::Facet);
        assert_eq!(zone(flier), Zone::Gap);
        assert_eq!(zone(other), Zone::Facet);
        let bottom = p1
            .iter()
            .map(|&i| i as usize)
            .find(|&i| s.positions[i].z.abs() < 1e-9 && i != adatom && i != flier)
            .unwrap();
        assert_eq!(zone(bottom), Zone::Body);
        assert_eq!(Zone::of(-5.0, d, true), Zone::Neck);
    }

    #[test]
    fn fates_follow_the_last_zone_and_the_excursions() {
        let mut stays = AtomHistory::new(1, 0, true, Zone::Facet, 2.0, 0.0);
        stays.record(Zone::Body, -2.0, 1.0);
        assert_eq!(stays.fate(), Fate::StaysOnFacet);
        let mut back = AtomHistory::new(2, 0, true, Zone::Facet, 2.0, 0.0);
        back.record(Zone::Gap, 4.0, 1.0);
        assert_eq!(back.fate(), Fate::CrossesIntoGap);
        back.record(Zone::Facet, 2.0, 2.0);
        assert_eq!(back.fate(), Fate::Returns);
        assert_eq!((back.first_gap, back.max_height), (Some(1.0), 4.0));
        let neck = AtomHistory::new(3, 1, false, Zone::Neck, 5.0, 3.0);
        assert_eq!((neck.fate(), neck.first_neck), (Fate::JoinsNeck, Some(3.0)));
    }
}
