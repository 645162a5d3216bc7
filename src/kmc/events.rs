//! Rejection-free (BKL / residence-time) kinetic Monte Carlo of the bond-counting model.
//!
//! State: the occupancy of every site (0 empty, s + 1 for an atom of species s), the number of
//! occupied neighbours of every site (its coordination, cached and updated incrementally) and,
//! with several species, those counts per species. Every atom that can move sits in one rate
//! class ([`super::classes`]): its class key is its coordination state (the coordination n, or
//! with species the species and the per-species counts) and, in the per-hop mode, its number m of
//! qualifying destinations. All members of a class share one total rate, so selecting an event
//! is a descent of the class tree plus one uniform pick inside the class.
//!
//! One step (Bortz, Kalos & Lebowitz, J. Comput. Phys. 17, 10 (1975)):
//! 1. R = total rate; pick a class with probability weight / R, a member uniformly;
//! 2. pick a destination uniformly among the qualifying empty neighbours (an empty neighbour j
//!    qualifies when the atom keeps at least `min_neighbours_after_hop` occupied neighbours there,
//!    i.e. coordination(j) - 1 >= min, the atom itself being one of j's neighbours); none: a null
//!    event;
//! 3. advance the time by -ln(u) / R [s];
//! 4. move the atom and update only what changed: the coordination of the neighbours of the old
//!    and new sites, and the classes of those sites (per-hop mode: of their neighbours too, whose
//!    destination counts depend on them).
//!
//! Random numbers come from a xoshiro256++ generator seeded explicitly and drawn in a fixed order
//! (class, member, destination, waiting time), so a run is reproducible from its seed.

use rand::SeedableRng;

use super::classes::{NO_CLASS, RateClasses};
use super::engine::{Engine, KmcClock, Selection};
use super::lattice::SiteSet;
use super::model::{BondCountingModel, RateMode};
use super::random::{KmcRng, below, uniform, uniform_open};
use crate::error::{Error, Result};

/// Largest number of rate classes (species x coordination states x destination counts).
const MAX_CLASSES: usize = 1 << 22;

/// One event of the catalogue, computed from scratch (for checks).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CatalogueEntry {
    /// Site of the atom.
    pub site: u32,
    /// Destination (per-hop mode), None for a per-atom event.
    pub destination: Option<u32>,
    /// Rate [1/s].
    pub rate: f64,
}

/// How class keys are laid out.
#[derive(Clone, Copy, Debug)]
struct KeyLayout {
    /// Coordination values per species: stride + 1.
    base: usize,
    n_species: usize,
    per_hop: bool,
    /// Number of coordination states (species x counts).
    states: usize,
}

impl KeyLayout {
    fn new(stride: usize, n_species: usize, per_hop: bool) -> Result<Self> {
        let base = stride + 1;
        let states = if n_species == 1 {
            base
        } else {
            n_species.saturating_mul(base.checked_pow(n_species as u32).unwrap_or(usize::MAX))
        };
        let layout = KeyLayout {
            base,
            n_species,
            per_hop,
            states,
        };
        if layout.classes() > MAX_CLASSES {
            return Err(Error::invalid(format!(
                "{n_species} species with up to {stride} neighbours make too many rate classes"
            )));
        }
        Ok(layout)
    }

    fn classes(&self) -> usize {
        self.states
            .saturating_mul(if self.per_hop { self.base } else { 1 })
    }

    /// Species and per-species counts of coordination state `state`.
    fn decode_state(&self, state: usize) -> (usize, Vec<u8>) {
        if self.n_species == 1 {
            return (0, vec![state as u8]);
        }
        let per = self.states / self.n_species;
        let species = state / per;
        let mut rest = state % per;
        let counts = (0..self.n_species)
            .map(|_| {
                let c = rest % self.base;
                rest /= self.base;
                c as u8
            })
            .collect();
        (species, counts)
    }
}

const OCCUPANT_MASK: u32 = 0xff;
const COORDINATION_SHIFT: u32 = 8;
const ONE_NEIGHBOR: u32 = 1 << COORDINATION_SHIFT;
const COUNT_SHIFT: u32 = 16;

#[inline(always)]
fn occupant(word: u32) -> u32 {
    word & OCCUPANT_MASK
}

#[inline(always)]
fn coordination_of(word: u32) -> u32 {
    (word >> COORDINATION_SHIFT) & 0xff
}

#[inline(always)]
fn neighbor_count_of(word: u32) -> u32 {
    word >> COUNT_SHIFT
}

/// The KMC engine: sites, occupancy, cached coordination, rate classes, generator and clock.
#[derive(Clone, Debug)]
pub struct KmcEngine {
    sites: SiteSet,
    model: BondCountingModel,
    layout: KeyLayout,
    /// Packed per-site state: occupant (0 empty, s + 1) in bits 0-7, coordination in bits 8-15,
    /// neighbour count in bits 16-23; one load serves all three.
    state: Vec<u32>,
    species_coordination: Vec<u8>,
    classes: RateClasses,
    rng: KmcRng,
    clock: KmcClock,
    /// Optional label of the atom on every site ([`NO_LABEL`] on empty sites), carried along by
    /// hops so that atoms keep their identity (see [`KmcEngine::track_atoms`]).
    labels: Option<Vec<u32>>,
}

/// The part of a [`KmcEngine`] that events change, for checkpoints: with the sites and the model
/// (rebuilt from the input), it continues the run event for event.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct KmcEngineState {
    state: Vec<u32>,
    species_coordination: Vec<u8>,
    classes: RateClasses,
    rng: KmcRng,
    clock: KmcClock,
    labels: Option<Vec<u32>>,
}

/// Label of an empty site.
pub const NO_LABEL: u32 = u32::MAX;

impl KmcEngine {
    /// An engine on `sites` with `occupancy` (0 empty, s + 1 for species s) and the generator
    /// seeded from `seed`.
    pub fn new(
        sites: SiteSet,
        occupancy: Vec<u8>,
        model: BondCountingModel,
        seed: u64,
    ) -> Result<Self> {
        if occupancy.len() != sites.len() {
            return Err(Error::invalid(format!(
                "{} occupancy values for {} sites",
                occupancy.len(),
                sites.len()
            )));
        }
        if let Some(&s) = occupancy.iter().find(|&&s| s as usize > model.n_species) {
            return Err(Error::invalid(format!(
                "occupancy value {s} names a species beyond the {} of the model",
                model.n_species
            )));
        }
        let layout = KeyLayout::new(
            sites.stride(),
            model.n_species,
            model.mode == RateMode::PerHop,
        )?;
        let member_rate = (0..layout.classes())
            .map(|key| {
                let (state, m) = if layout.per_hop {
                    (key / layout.base, key % layout.base)
                } else {
                    (key, 1)
                };
                let (species, counts) = layout.decode_state(state);
                model.hop_rate(species, &counts) * m as f64
            })
            .collect();
        let n = sites.len();
        let state = occupancy
            .iter()
            .zip(sites.neighbor_counts())
            .map(|(&o, &c)| o as u32 | (c as u32) << COUNT_SHIFT)
            .collect();
        let mut engine = KmcEngine {
            classes: RateClasses::new(member_rate, n),
            sites,
            model,
            layout,
            state,
            species_coordination: Vec::new(),
            rng: KmcRng::seed_from_u64(seed),
            clock: KmcClock {
                time: 0.0,
                events: 0,
                null_events: 0,
            },
            labels: None,
        };
        let (total, by_species) = engine.fresh_coordination();
        for (w, c) in engine.state.iter_mut().zip(total) {
            *w |= (c as u32) << COORDINATION_SHIFT;
        }
        engine.species_coordination = by_species;
        for i in 0..n {
            let key = engine.class_key(i);
            engine.classes.set_class(i, key);
        }
        engine.classes.refresh_tree();
        Ok(engine)
    }

    /// Gives every atom a label (e.g. its index in an MD system) that moves with it: `labels[i]`
    /// for the atom on site i, [`NO_LABEL`] on empty sites. Errors when the labels do not match
    /// the occupancy.
    pub fn track_atoms(&mut self, labels: Vec<u32>) -> Result<()> {
        if labels.len() != self.state.len() {
            return Err(Error::invalid(format!(
                "{} labels for {} sites",
                labels.len(),
                self.state.len()
            )));
        }
        if let Some(i) =
            (0..labels.len()).find(|&i| (labels[i] == NO_LABEL) != (occupant(self.state[i]) == 0))
        {
            return Err(Error::invalid(format!(
                "site {i}: a label must mark exactly the occupied sites"
            )));
        }
        self.labels = Some(labels);
        Ok(())
    }

    /// The labels of the atoms on every site, when tracked.
    pub fn labels(&self) -> Option<&[u32]> {
        self.labels.as_deref()
    }

    /// Occupant of site `i` (0 empty, s + 1 for species s).
    #[inline]
    pub fn occupant(&self, i: usize) -> u8 {
        occupant(self.state[i]) as u8
    }

    /// The rate classes.
    pub fn classes(&self) -> &RateClasses {
        &self.classes
    }

    /// What events have changed, for a checkpoint.
    pub fn save(&self) -> KmcEngineState {
        KmcEngineState {
            state: self.state.clone(),
            species_coordination: self.species_coordination.clone(),
            classes: self.classes.clone(),
            rng: self.rng.clone(),
            clock: self.clock.clone(),
            labels: self.labels.clone(),
        }
    }

    /// Continues from a checkpoint's `saved` state of an engine on the same sites with the same
    /// model; the class lists come back in their saved order, so events are drawn exactly as
    /// they would have been. Checks the state against a recomputation from its occupancy.
    pub fn restore(&mut self, saved: KmcEngineState) -> Result<()> {
        let n = self.sites.len();
        if saved.state.len() != n
            || saved.labels.as_ref().is_some_and(|l| l.len() != n)
            || saved.species_coordination.len() != self.species_coordination.len()
        {
            return Err(Error::invalid(format!(
                "the checkpoint's KMC state is for {} sites, the stage has {n}",
                saved.state.len()
            )));
        }
        self.state = saved.state;
        self.species_coordination = saved.species_coordination;
        self.classes = saved.classes;
        self.rng = saved.rng;
        self.clock = saved.clock;
        self.labels = saved.labels;
        self.check_consistency()
            .map_err(|e| Error::invalid(format!("the checkpoint's KMC state is inconsistent: {e}")))
    }

    /// Coordination of every site and, with several species, per species, from the occupancy.
    fn fresh_coordination(&self) -> (Vec<u8>, Vec<u8>) {
        let ns = self.model.n_species;
        let n = self.sites.len();
        let mut total = vec![0u8; n];
        let mut by_species = if ns > 1 {
            vec![0u8; n * ns]
        } else {
            Vec::new()
        };
        for i in 0..n {
            for &j in self.sites.neighbors(i) {
                let s = occupant(self.state[j as usize]);
                if s != 0 {
                    total[i] += 1;
                    if ns > 1 {
                        by_species[i * ns + s as usize - 1] += 1;
                    }
                }
            }
        }
        (total, by_species)
    }

    /// Smallest coordination an empty site needs to be a destination.
    #[inline]
    fn min_destination_coordination(&self) -> u32 {
        self.model.min_neighbours_after_hop as u32 + 1
    }

    /// Number of qualifying destinations of the atom on `site`.
    #[inline]
    fn destination_count(&self, site: usize) -> usize {
        let min = self.min_destination_coordination();
        self.sites
            .neighbors(site)
            .iter()
            .filter(|&&j| {
                let w = self.state[j as usize];
                occupant(w) == 0 && coordination_of(w) >= min
            })
            .count()
    }

    /// The class key of `site` from the cached counts, or [`NO_CLASS`] when it holds no mobile
    /// atom.
    #[inline]
    fn class_key(&self, site: usize) -> u32 {
        let w = self.state[site];
        let s = occupant(w);
        if s == 0 {
            return NO_CLASS;
        }
        let n = coordination_of(w);
        if n >= neighbor_count_of(w) {
            return NO_CLASS;
        }
        let state = if self.layout.n_species == 1 {
            n as usize
        } else {
            let ns = self.layout.n_species;
            let per = self.layout.states / ns;
            let counts = &self.species_coordination[site * ns..(site + 1) * ns];
            let mut idx = 0;
            for &c in counts.iter().rev() {
                idx = idx * self.layout.base + c as usize;
            }
            (s as usize - 1) * per + idx
        };
        if self.layout.per_hop {
            let m = self.destination_count(site);
            if m == 0 {
                NO_CLASS
            } else {
                (state * self.layout.base + m) as u32
            }
        } else {
            state as u32
        }
    }

    #[inline]
    fn reclassify(&mut self, site: usize) {
        let key = self.class_key(site);
        self.classes.set_class(site, key);
    }

    /// Chooses the next event (draws the class, member and destination), or None when no atom
    /// can move.
    pub fn select(&mut self) -> Option<Selection> {
        let total = self.classes.total_rate();
        self.select_with_total(total)
    }

    #[inline(always)]
    fn select_with_total(&mut self, total: f64) -> Option<Selection> {
        if !(total > 0.0) {
            return None;
        }
        let class = self.classes.select_class(uniform(&mut self.rng) * total);
        let members = self.classes.members(class);
        let site = members[below(&mut self.rng, members.len())];
        // Qualifying destinations as a bit mask over the row (rows have at most 64 entries), then
        // the k-th set bit for a uniform k.
        let min = self.min_destination_coordination();
        let row = self.sites.neighbors(site as usize);
        let mut mask = 0u64;
        for (k, &j) in row.iter().enumerate() {
            let w = self.state[j as usize];
            mask |= u64::from(occupant(w) == 0 && coordination_of(w) >= min) << k;
        }
        let m = mask.count_ones() as usize;
        let destination = if m == 0 {
            None
        } else {
            for _ in 0..below(&mut self.rng, m) {
                mask &= mask - 1;
            }
            Some(row[mask.trailing_zeros() as usize])
        };
        Some(Selection { site, destination })
    }

    /// Moves the atom on `from` to the empty site `to` and updates coordinations and classes.
    pub fn hop(&mut self, from: usize, to: usize) {
        debug_assert!(occupant(self.state[from]) != 0 && occupant(self.state[to]) == 0);
        let s = occupant(self.state[from]);
        let ns = self.model.n_species;
        if let Some(labels) = self.labels.as_mut() {
            labels[to] = labels[from];
            labels[from] = NO_LABEL;
        }
        {
            let (sites, state) = (&self.sites, &mut self.state[..]);
            state[from] &= !OCCUPANT_MASK;
            state[to] |= s;
            for &j in sites.neighbors(from) {
                state[j as usize] -= ONE_NEIGHBOR;
            }
            for &j in sites.neighbors(to) {
                state[j as usize] += ONE_NEIGHBOR;
            }
        }
        if ns > 1 {
            let t = s as usize - 1;
            for &j in self.sites.neighbors(from) {
                self.species_coordination[j as usize * ns + t] -= 1;
            }
            for &j in self.sites.neighbors(to) {
                self.species_coordination[j as usize * ns + t] += 1;
            }
        }
        if self.layout.per_hop || ns > 1 {
            self.reclassify_around(from, to);
        } else {
            // One species, per-atom rates: the class is the coordination, when below the
            // neighbour count. Only occupied sites (and the vacated one) can change class.
            let key = |w: u32| {
                let n = coordination_of(w);
                if n < neighbor_count_of(w) {
                    n
                } else {
                    NO_CLASS
                }
            };
            let (sites, state, classes) = (&self.sites, &self.state, &mut self.classes);
            classes.set_class(from, NO_CLASS);
            classes.set_class(to, key(state[to]));
            for &j in sites.neighbors(from) {
                let w = state[j as usize];
                if occupant(w) != 0 {
                    classes.set_class(j as usize, key(w));
                }
            }
            for &j in sites.neighbors(to) {
                let w = state[j as usize];
                if occupant(w) != 0 {
                    classes.set_class(j as usize, key(w));
                }
            }
        }
        self.classes.refresh_tree();
    }

    /// Reclassifies the sites whose class a hop from `from` to `to` can change: the two sites,
    /// their neighbours and, in the per-hop mode, the neighbours of those.
    fn reclassify_around(&mut self, from: usize, to: usize) {
        self.reclassify(from);
        self.reclassify(to);
        let sites = &self.sites;
        for &j in sites.neighbors(from).iter().chain(sites.neighbors(to)) {
            let j = j as usize;
            if occupant(self.state[j]) != 0 {
                let key = self.class_key(j);
                self.classes.set_class(j, key);
            }
            if self.layout.per_hop {
                for &k in sites.neighbors(j) {
                    let k = k as usize;
                    if occupant(self.state[k]) != 0 {
                        let key = self.class_key(k);
                        self.classes.set_class(k, key);
                    }
                }
            }
        }
    }

    /// The event catalogue computed from scratch from the occupancy alone (no cached counts, no
    /// class lists): per-atom mode one entry per atom with an empty neighbour, per-hop mode one
    /// per (atom, qualifying destination).
    pub fn brute_force_catalogue(&self) -> Vec<CatalogueEntry> {
        let ns = self.model.n_species;
        let min = self.model.min_neighbours_after_hop as usize;
        let occupancy = self.occupancy();
        let occupied_neighbors = |i: usize| {
            self.sites
                .neighbors(i)
                .iter()
                .filter(|&&j| occupancy[j as usize] != 0)
                .count()
        };
        let mut out = Vec::new();
        for i in 0..self.sites.len() {
            let s = occupancy[i];
            if s == 0 {
                continue;
            }
            let mut counts = vec![0u8; ns];
            let mut has_empty = false;
            for &j in self.sites.neighbors(i) {
                match occupancy[j as usize] {
                    0 => has_empty = true,
                    t => counts[t as usize - 1] += 1,
                }
            }
            if !has_empty {
                continue;
            }
            let rate = self.model.hop_rate(s as usize - 1, &counts);
            match self.model.mode {
                RateMode::PerAtom => out.push(CatalogueEntry {
                    site: i as u32,
                    destination: None,
                    rate,
                }),
                RateMode::PerHop => {
                    for &j in self.sites.neighbors(i) {
                        // After the hop the atom's old site is empty: j's occupied neighbours
                        // minus the atom itself.
                        if occupancy[j as usize] == 0 && occupied_neighbors(j as usize) > min {
                            out.push(CatalogueEntry {
                                site: i as u32,
                                destination: Some(j),
                                rate,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

impl Engine for KmcEngine {
    fn kind(&self) -> &'static str {
        "table"
    }

    /// The sites.
    fn sites(&self) -> &SiteSet {
        &self.sites
    }

    /// The model.
    fn model(&self) -> &BondCountingModel {
        &self.model
    }

    /// Occupancy of every site (0 empty, s + 1 for species s).
    fn occupancy(&self) -> Vec<u8> {
        self.state.iter().map(|&w| occupant(w) as u8).collect()
    }

    /// Occupied-neighbour count of every site (cached).
    fn coordination(&self) -> Vec<u8> {
        self.state
            .iter()
            .map(|&w| coordination_of(w) as u8)
            .collect()
    }

    /// Clock and counters.
    fn clock(&self) -> &KmcClock {
        &self.clock
    }

    /// The generator (for checkpoints).
    fn rng(&self) -> &KmcRng {
        &self.rng
    }

    /// Total rate R [1/s].
    fn total_rate(&self) -> f64 {
        self.classes.total_rate()
    }

    /// Number of atoms.
    fn atoms(&self) -> usize {
        self.state.iter().filter(|&&w| occupant(w) != 0).count()
    }

    /// Executes one event: selection, waiting time, hop. Returns the event, or None (and leaves
    /// everything unchanged) when no atom can move.
    #[inline]
    fn step(&mut self) -> Option<Selection> {
        let total = self.classes.total_rate();
        let sel = self.select_with_total(total)?;
        self.clock.time += -uniform_open(&mut self.rng).ln() / total;
        self.clock.events += 1;
        match sel.destination {
            Some(to) => self.hop(sel.site as usize, to as usize),
            None => self.clock.null_events += 1,
        }
        Some(sel)
    }

    /// Checks every cached quantity against a recomputation from the occupancy: coordinations,
    /// each site's class, the class lists and the partial-sum tree (bit for bit).
    fn check_consistency(&self) -> std::result::Result<(), String> {
        let (total, by_species) = self.fresh_coordination();
        let cached = self.coordination();
        if let Some(i) = (0..total.len()).find(|&i| total[i] != cached[i]) {
            return Err(format!(
                "site {i}: cached coordination {} but {} occupied neighbours",
                cached[i], total[i]
            ));
        }
        for i in 0..self.sites.len() {
            if neighbor_count_of(self.state[i]) != self.sites.neighbor_count(i) as u32 {
                return Err(format!("site {i}: cached neighbour count is wrong"));
            }
        }
        if by_species != self.species_coordination {
            return Err("per-species coordination differs from a recomputation".into());
        }
        for i in 0..self.sites.len() {
            let key = self.class_key(i);
            if key != self.classes.class_of(i) {
                return Err(format!(
                    "site {i}: in class {} but its state gives class {key}",
                    self.classes.class_of(i)
                ));
            }
        }
        self.classes.check()?;
        if let Some(labels) = &self.labels
            && let Some(i) = (0..labels.len())
                .find(|&i| (labels[i] == NO_LABEL) != (occupant(self.state[i]) == 0))
        {
            return Err(format!("site {i}: its label does not match its occupancy"));
        }
        // The catalogue total from scratch agrees with the tree total.
        let brute: f64 = self.brute_force_catalogue().iter().map(|e| e.rate).sum();
        let tree = self.classes.total_rate();
        let scale = brute.abs().max(tree.abs()).max(f64::MIN_POSITIVE);
        if (brute - tree).abs() > 1e-9 * scale {
            return Err(format!(
                "total rate {tree} differs from the brute-force catalogue's {brute}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmc::model::ModelSpec;
    use crate::system::{SimBox, Vec3};

    /// Four sites in a row, atoms on the first three.
    fn chain() -> KmcEngine {
        let positions = (0..4).map(|k| Vec3::new(k as f64, 0.0, 0.0)).collect();
        let simbox = SimBox::new([-1.0; 3], [5.0, 1.0, 1.0], [false; 3]).unwrap();
        let sites = SiteSet::with_cutoff(positions, simbox, 1.5, 1.0).unwrap();
        let spec = ModelSpec {
            min_neighbours_after_hop: 0,
            ..Default::default()
        };
        KmcEngine::new(sites, vec![1, 1, 1, 0], spec.build(1).unwrap(), 0).unwrap()
    }

    #[test]
    fn consistency_check_detects_corruption() {
        let mut e = chain();
        e.check_consistency().unwrap();
        // Only the third atom (one neighbour, one empty neighbour) can move.
        assert_eq!(e.classes.class_of(2), 1);
        assert_eq!(e.classes.class_of(1), NO_CLASS);
        let mut bad = e.clone();
        bad.state[3] += ONE_NEIGHBOR;
        assert!(
            bad.check_consistency()
                .unwrap_err()
                .contains("coordination")
        );
        let mut bad = e.clone();
        bad.classes.set_class(1, 2);
        bad.classes.refresh_tree();
        assert!(bad.check_consistency().unwrap_err().contains("class"));
        // A hop keeps everything consistent and moves the atom to the end.
        e.hop(2, 3);
        e.check_consistency().unwrap();
        assert_eq!(e.occupancy(), vec![1, 1, 0, 1]);
        assert_eq!(e.coordination(), vec![1, 1, 2, 0]);
    }

    #[test]
    fn frozen_system_reports_no_event() {
        let positions = vec![Vec3::zeros(), Vec3::x()];
        let simbox = SimBox::new([-1.0; 3], [2.0; 3], [false; 3]).unwrap();
        let sites = SiteSet::with_cutoff(positions, simbox, 1.5, 1.0).unwrap();
        let model = ModelSpec::default().build(1).unwrap();
        let mut e = KmcEngine::new(sites, vec![1, 1], model, 0).unwrap();
        assert_eq!(e.total_rate(), 0.0);
        assert!(e.step().is_none());
        assert_eq!(e.clock().events, 0);
    }
}
