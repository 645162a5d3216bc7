//! sintermd: classical molecular dynamics with kinetic Monte Carlo for metal nanoparticle
//! sintering.
//!
//! Units are LAMMPS "metal" everywhere (see [`units`]): A, eV, ps, g/mol, K, bar.
//!
//! The crate reads like its architecture:
//! - [`system`]: atoms (struct of arrays), species, the box, groups;
//! - [`neighbor`]: cell lists and Verlet lists;
//! - [`potential`]: the potential interface and its styles (Lennard-Jones, ...);
//! - [`md`]: force engine, integrators, thermostats, momentum removal, velocities,
//!   thermodynamics, the serialisable state;
//! - [`structure`]: lattices and structure sources;
//! - [`kmc`]: kinetic Monte Carlo of coalescence (bond counting on lattices and meshes);
//! - [`io`]: LAMMPS data files, extended XYZ;
//! - [`input`]: the RON input schema;
//! - [`output`]: observers and the files they write;
//! - [`run`]: the `run` and `eval` drivers;
//! - [`cli`]: the command line.

// `!(x > 0.0)` is how this crate rejects NaN along with out-of-range values; keep it readable.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod cli;
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
