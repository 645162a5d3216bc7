//! The engine a run uses: the general table engine ([`KmcEngine`]: any site set, species,
//! per-hop mode) or the fcc-grid engine ([`GridEngine`]: one species, per-atom rates, one fcc
//! lattice), behind one interface. Both run the same model; on the same grid they give the same
//! trajectory.

use serde::{Deserialize, Serialize};

use super::events::{KmcClock, KmcEngine, KmcRng, Selection};
use super::grid_engine::GridEngine;
use super::lattice::SiteSet;
use super::model::BondCountingModel;

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

/// A KMC engine of either kind.
#[derive(Clone, Debug)]
pub enum Engine {
    /// The general engine with a neighbour table.
    Table(Box<KmcEngine>),
    /// The engine specialised to one fcc lattice.
    FccGrid(Box<GridEngine>),
}

macro_rules! dispatch {
    ($self:expr, $e:ident => $body:expr) => {
        match $self {
            Engine::Table($e) => $body,
            Engine::FccGrid($e) => $body,
        }
    };
}

impl Engine {
    /// "table" or "fcc-grid".
    pub fn kind(&self) -> &'static str {
        match self {
            Engine::Table(_) => "table",
            Engine::FccGrid(_) => "fcc-grid",
        }
    }

    /// Executes one event (None when no atom can move).
    pub fn step(&mut self) -> Option<Selection> {
        dispatch!(self, e => e.step())
    }

    /// Runs up to `n` events; returns how many ran.
    pub fn run(&mut self, n: u64) -> u64 {
        dispatch!(self, e => e.run(n))
    }

    /// Runs until `events` events in total or the time `time_limit` [s]; false when nothing can
    /// move.
    pub fn run_until(&mut self, events: u64, time_limit: f64) -> bool {
        dispatch!(self, e => e.run_until(events, time_limit))
    }

    /// Clock and counters.
    pub fn clock(&self) -> &KmcClock {
        dispatch!(self, e => e.clock())
    }

    /// The generator.
    pub fn rng(&self) -> &KmcRng {
        dispatch!(self, e => e.rng())
    }

    /// Occupancy of every site (0 empty, s + 1 for species s).
    pub fn occupancy(&self) -> Vec<u8> {
        dispatch!(self, e => e.occupancy())
    }

    /// Occupied-neighbour count of every site.
    pub fn coordination(&self) -> Vec<u8> {
        dispatch!(self, e => e.coordination())
    }

    /// The sites.
    pub fn sites(&self) -> &SiteSet {
        dispatch!(self, e => e.sites())
    }

    /// The model.
    pub fn model(&self) -> &BondCountingModel {
        dispatch!(self, e => e.model())
    }

    /// Total rate [1/s].
    pub fn total_rate(&self) -> f64 {
        dispatch!(self, e => e.total_rate())
    }

    /// Number of atoms.
    pub fn atoms(&self) -> usize {
        dispatch!(self, e => e.atoms())
    }

    /// Checks every cached quantity against a recomputation.
    pub fn check_consistency(&self) -> std::result::Result<(), String> {
        dispatch!(self, e => e.check_consistency())
    }
}
