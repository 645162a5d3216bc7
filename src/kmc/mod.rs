//! Kinetic Monte Carlo of nanoparticle coalescence with the bond-counting model
//! (docs/science.md, section 2): surface diffusion on an fcc lattice or an amorphous mesh of sites,
//! carrying a sintering study from MD's nanoseconds to seconds.
//!
//! An engine library: it knows sites, rates, events, necks and the MD hand-off, and nothing of
//! input files, output folders or reports. Its drivers live above it: `sintermd kmc` in
//! `crate::run::kmc`, the `Kmc` and `WriteMesh` stages of `sintermd run` in `crate::run::stages`
//! (their inputs in `crate::input::kmc`).
//!
//! - [`lattice`]: site sets with fixed-stride neighbour tables; fcc lattices;
//! - [`mesh`]: amorphous meshes: the site file, g(r) and its first minimum, neighbour counts;
//! - [`model`]: the bond-counting rates nu exp(-n E0 / kT);
//! - [`classes`]: rate classes and the partial-sum tree (the event catalogue);
//! - [`events`]: the rejection-free engine (selection, hop, incremental updates, checks);
//! - [`grid`], [`grid_engine`]: one fcc lattice as a dense grid with arithmetic neighbours, and
//!   the engine specialised to it (same trajectories, smaller working set); [`tiles`]: the
//!   tiled order in which that engine stores its per-site arrays;
//! - [`engine`]: the interface both engines implement, with the loops over events, the clock
//!   and the chosen event;
//! - [`random`]: the generator of KMC runs and its uniform draws;
//! - [`shapes`]: particle shapes (spheres; Wulff shapes plug in here);
//! - [`pair`]: two particles touching, with a gap, or joined by one atom, optionally tilted;
//! - [`neck`]: the slab neck: its radius from the occupied sites of the contact plane (MD's bond
//!   neck is [`crate::analysis::neck`]);
//! - [`fit`]: the fit of r^n = K t;
//! - [`handoff`]: MD to KMC: fcc lattices fitted to particles, atoms mapped onto their sites.

pub mod classes;
pub mod engine;
pub mod events;
pub mod fit;
pub mod grid;
pub mod grid_engine;
pub mod handoff;
pub mod lattice;
pub mod mesh;
pub mod model;
pub mod neck;
pub mod pair;
pub mod random;
pub mod shapes;
pub mod tiles;

pub use engine::{Engine, EngineChoice};
pub use events::KmcEngine;
pub use random::KmcRng;
