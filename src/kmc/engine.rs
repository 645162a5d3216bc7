//! The interface of a KMC engine: the general table engine ([`super::events::KmcEngine`]: any
//! site set, species, per-hop mode) and the fcc-grid engine ([`super::grid_engine::GridEngine`]:
//! one species, per-atom rates, one fcc lattice) implement [`Engine`]; the event loops
//! ([`Engine::run`], [`Engine::run_until`]) are written once, here. Both engines run the same
//! model; on the same grid they give the same trajectory.

use serde::{Deserialize, Serialize};

use super::lattice::SiteSet;
use super::model::BondCountingModel;
use super::random::KmcRng;
use crate::system::{SpeciesTable, System, Vec3};

/// The event chosen at one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Site of the atom that moves.
    pub site: u32,
    /// Its destination, or None for a null event.
    pub destination: Option<u32>,
}

/// Counters and clock of a run, serialisable with the generator for restarts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmcClock {
    /// Simulated time [s].
    pub time: f64,
    /// Events executed (hops and null events).
    pub events: u64,
    /// Null events (the chosen atom had no qualifying destination).
    pub null_events: u64,
}

/// Which engine an input asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineChoice {
    /// The fcc-grid engine where it applies (one species, per-atom rates, one fcc lattice), the
    /// table engine otherwise.
    #[default]
    Auto,
    /// Always the table engine.
    Table,
}

/// A rejection-free KMC engine of the bond-counting model: its state, its clock, and one event
/// at a time ([`Engine::step`]); the loops over events are provided.
pub trait Engine {
    /// "table" or "fcc-grid".
    fn kind(&self) -> &'static str;

    /// Executes one event: selection, waiting time, hop. Returns the event, or None (and leaves
    /// everything unchanged) when no atom can move.
    fn step(&mut self) -> Option<Selection>;

    /// Clock and counters.
    fn clock(&self) -> &KmcClock;

    /// The generator.
    fn rng(&self) -> &KmcRng;

    /// Occupancy of every site (0 empty, s + 1 for species s).
    fn occupancy(&self) -> Vec<u8>;

    /// Occupied-neighbour count of every site.
    fn coordination(&self) -> Vec<u8>;

    /// The sites.
    fn sites(&self) -> &SiteSet;

    /// The model.
    fn model(&self) -> &BondCountingModel;

    /// Total rate R [1/s].
    fn total_rate(&self) -> f64;

    /// Number of atoms.
    fn atoms(&self) -> usize;

    /// Checks every cached quantity against a recomputation.
    fn check_consistency(&self) -> std::result::Result<(), String>;

    /// Runs up to `n` events; returns how many ran (fewer when nothing can move).
    fn run(&mut self, n: u64) -> u64 {
        for k in 0..n {
            if self.step().is_none() {
                return k;
            }
        }
        n
    }

    /// Runs events until `events` have run in total or the time reaches `time_limit` [s].
    /// Returns false when nothing can move.
    fn run_until(&mut self, events: u64, time_limit: f64) -> bool {
        while self.clock().events < events && self.clock().time < time_limit {
            if self.step().is_none() {
                return false;
            }
        }
        true
    }
}

/// The occupied sites as an atomic structure (ids 1.., zero velocities) in the sites' box.
pub fn occupied_system(engine: &dyn Engine, species: &SpeciesTable) -> System {
    let sites = engine.sites();
    let mut system = System::new(sites.simbox.clone(), species.clone());
    let mut id = 0;
    for (i, &s) in engine.occupancy().iter().enumerate() {
        if s != 0 {
            id += 1;
            system.push(id, s as u32 - 1, sites.positions[i], Vec3::zeros());
        }
    }
    system
}
