//! Physical constants of the LAMMPS "metal" unit system, the one unit system used inside sintermd.
//!
//! | quantity    | unit            |
//! |-------------|-----------------|
//! | distance    | angstrom (A)    |
//! | energy      | electron-volt (eV) |
//! | time        | picosecond (ps) |
//! | mass        | gram/mole (g/mol) |
//! | temperature | kelvin (K)      |
//! | velocity    | A/ps            |
//! | force       | eV/A            |
//! | pressure    | bar             |
//!
//! The values are exactly those LAMMPS uses for `units metal` (`update.cpp`), so that trajectories
//! agree with LAMMPS to round-off.

/// Boltzmann constant [eV/K].
pub const BOLTZMANN: f64 = 8.617343e-5;

/// Converts mass * velocity^2 [g/mol * A^2/ps^2] to energy [eV].
pub const MVV2E: f64 = 1.0364269e-4;

/// Converts force / mass [eV/A / (g/mol)] to acceleration [A/ps^2].
pub const FTM2V: f64 = 1.0 / 1.0364269e-4;

/// Converts energy / volume [eV/A^3] to pressure [bar].
pub const NKTV2P: f64 = 1.6021765e6;

/// Planck constant [eV ps].
pub const PLANCK: f64 = 4.135667403e-3;
