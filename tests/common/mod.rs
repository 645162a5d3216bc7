//! Helpers shared by the integration tests: LAMMPS reference fixtures and the comparison with
//! them, for every potential ([`lammps_fixture`]), and finite-difference checks of forces and
//! virials for any potential ([`fd`]).
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod clusters;
pub mod fd;
pub mod lammps_fixture;

pub use fd::{check_forces, check_virial, evaluate};
pub use lammps_fixture::{
    Reference, Snapshot, compare_with_lammps, deviations, fixture, load_reference, root,
    test_potential,
};

use sintermd::system::Vec3;

/// Vec3 from an array.
pub fn v3(a: [f64; 3]) -> Vec3 {
    Vec3::new(a[0], a[1], a[2])
}
