//! Kinetic Monte Carlo of nanoparticle coalescence with the bond-counting model
//! (docs/science.md, section 2): surface diffusion on an fcc lattice or an amorphous mesh of sites,
//! carrying a sintering study from MD's nanoseconds to seconds.
//!
//! - [`lattice`]: site sets with fixed-stride neighbour tables; fcc lattices;
//! - [`mesh`]: amorphous meshes: the site file, g(r) and its first minimum, neighbour counts;
//! - [`mesh_stage`]: the `WriteMesh` stage of `sintermd run` (an MD structure becomes a mesh);
//! - [`model`]: the bond-counting rates nu exp(-n E0 / kT);
//! - [`classes`]: rate classes and the partial-sum tree (the event catalogue);
//! - [`events`]: the rejection-free engine (selection, hop, incremental updates, checks);
//! - [`grid`], [`grid_engine`]: one fcc lattice as a dense grid with arithmetic neighbours, and
//!   the engine specialised to it (same trajectories, smaller working set);
//! - [`engine`]: either engine behind one interface;
//! - [`shapes`]: particle shapes (spheres; Wulff shapes plug in here);
//! - [`pair`]: two particles touching, with a gap, or joined by one atom, optionally tilted;
//! - [`neck`]: neck radius from the occupied sites of the contact plane;
//! - [`fit`]: the fit of r^n = K t;
//! - [`plot`]: the log-log plot;
//! - [`input`]: the RON input of `sintermd kmc`;
//! - [`run`]: the driver and its output folder;
//! - [`handoff`]: MD to KMC: fcc lattices fitted to particles, atoms mapped onto their sites;
//! - [`stage`]: the `Kmc` stage of `sintermd run` (MD, then KMC, then back to atoms).

pub mod classes;
pub mod engine;
pub mod events;
pub mod fit;
pub mod grid;
pub mod grid_engine;
pub mod handoff;
pub mod input;
pub mod lattice;
pub mod mesh;
pub mod mesh_stage;
pub mod model;
pub mod neck;
pub mod pair;
pub mod plot;
pub mod run;
pub mod shapes;
pub mod stage;

pub use engine::{Engine, EngineChoice};
pub use events::{KmcEngine, KmcRng};
pub use input::KmcInput;
pub use run::{KmcSummary, run_kmc, run_kmc_file, run_kmc_with};
