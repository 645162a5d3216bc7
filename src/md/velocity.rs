//! Initial velocities.

use rand::RngExt;
use rand_distr::StandardNormal;

use super::thermo::{degrees_of_freedom, kinetic_energy, temperature};
use crate::system::{System, Vec3};
use crate::units::{BOLTZMANN, MVV2E};

/// Draws velocities from the Maxwell-Boltzmann distribution at `temperature` [K], removes the
/// centre-of-mass motion and rescales so that the temperature (3N - 3 degrees of freedom) is
/// exactly `temperature`, as LAMMPS `velocity all create T seed` does. Atoms are drawn in index
/// order, so the result depends only on the generator's state.
pub fn maxwell_boltzmann<R: rand::Rng>(system: &mut System, temperature_k: f64, rng: &mut R) {
    let n = system.len();
    for i in 0..n {
        let sigma = (BOLTZMANN * temperature_k / (system.mass(i) * MVV2E)).sqrt();
        let v = Vec3::new(
            rng.sample::<f64, _>(StandardNormal),
            rng.sample::<f64, _>(StandardNormal),
            rng.sample::<f64, _>(StandardNormal),
        );
        system.velocities[i] = sigma * v;
    }
    remove_com_velocity(system);
    let t = temperature(kinetic_energy(system), degrees_of_freedom(n));
    if t > 0.0 {
        let scale = (temperature_k / t).sqrt();
        for v in &mut system.velocities {
            *v *= scale;
        }
    }
}

/// Subtracts the centre-of-mass velocity [A/ps] so the total momentum is zero.
pub fn remove_com_velocity(system: &mut System) {
    let total_mass = system.total_mass();
    if total_mass <= 0.0 {
        return;
    }
    let mut p = Vec3::zeros();
    for (i, v) in system.velocities.iter().enumerate() {
        p += system.mass(i) * v;
    }
    let vcm = p / total_mass;
    for v in &mut system.velocities {
        *v -= vcm;
    }
}

/// Draws a uniform number in [0, 1): a small helper so callers need not import `RngExt`.
pub fn uniform<R: rand::Rng>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}
