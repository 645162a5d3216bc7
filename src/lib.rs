//! sintermd: classical molecular dynamics with kinetic Monte Carlo for metal nanoparticle
//! sintering.
//!
//! Units are LAMMPS "metal" everywhere (see [`units`]): A, eV, ps, g/mol, K, bar.
//!
//! The crate reads like its architecture, in layers from the bottom up (a module imports only
//! modules listed before it):
//! - [`error`], [`units`], [`system`]: errors, units, atoms (struct of arrays), species, the
//!   box, groups;
//! - [`neighbor`]: cell lists and Verlet lists;
//! - [`analysis`]: pure functions of a configuration (g(r), CNA, centres of mass, neck, ...);
//! - [`io`]: LAMMPS data files, extended XYZ, LAMMPS dump, H5MD (whose observables use
//!   [`analysis`]), RON input files;
//! - [`potential`]: the potential interface, the style registry and the styles (Lennard-Jones,
//!   Morse, EAM, MEAM);
//! - [`md`]: force engine, integrators, thermostats, momentum removal, velocities,
//!   thermodynamics, the serialisable state;
//! - [`structure`]: lattices, orientations and structure sources (particles, pairs, blocks);
//! - [`kmc`]: kinetic Monte Carlo of coalescence as an engine library (bond counting on lattices
//!   and meshes, the MD hand-off);
//! - [`report`]: plots, figures and `report.html`;
//! - [`output`]: observers and the files they write;
//! - [`input`]: the RON input schema;
//! - [`run`]: the `run`, `kmc` and `eval` drivers and the stages of a run;
//! - [`sweep`]: sweeps of runs;
//! - [`cli`]: the command line.

// `!(x > 0.0)` is how this crate rejects NaN along with out-of-range values; keep it readable.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod cli;
pub mod domain;
pub mod error;
pub mod input;
pub mod io;
pub mod kmc;
pub mod md;
pub mod neighbor;
pub mod output;
pub mod potential;
pub mod report;
pub mod run;
pub mod structure;
pub mod sweep;
pub mod system;
pub mod units;

pub use error::{Error, Result};
