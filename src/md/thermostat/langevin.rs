//! Langevin dynamics with the BAOAB splitting.
//!
//! dv = (F/m) dt - gamma v dt + sqrt(2 gamma kT / m) dW, split as (Leimkuhler & Matthews, Appl.
//! Math. Res. Express 2013, 34; J. Chem. Phys. 138, 174102 (2013)):
//!
//! B: v += (dt/2) F/m;  A: x += (dt/2) v;  O: v = c1 v + c2 sqrt(kT/m) R;  A: x += (dt/2) v;
//! (new forces);  B: v += (dt/2) F/m,
//!
//! with c1 = exp(-gamma dt), c2 = sqrt(1 - c1^2) and R a standard normal vector per atom. The
//! O step solves the Ornstein–Uhlenbeck part exactly, so the friction `gamma` may be any size.
//! BAOAB samples configurations with errors O(dt^2) of unusually small prefactor, and exactly for
//! harmonic forces at any stable timestep; the kinetic temperature measured after the final B has
//! an O(dt^2) bias (below 0.1 % at the usual metal timesteps).
//!
//! The random numbers are drawn from the state's generator, three per member atom in index
//! order, so the trajectory does not depend on the number of threads. The heat given to the
//! system by the O steps is accumulated so that KE + PE - heat is a conserved quantity whose drift
//! measures the integration error.

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::{
    Coupling, TemperatureRamp, Thermostat, ThermostatWork, all_group, check_positive, work_of,
};
use crate::error::Result;
use crate::md::{ForceEngine, IntegratorState, SimRng, SimulationState, advance_clock, verlet};
use crate::system::{Members, System, Vec3};
use crate::units::{BOLTZMANN, MVV2E};

/// Langevin parameters in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangevinSpec {
    /// Target temperature [K] (at the stage start when `end_temperature` is given).
    pub temperature: f64,
    /// Target at the stage end [K], for a linear ramp.
    #[serde(default)]
    pub end_temperature: Option<f64>,
    /// Friction gamma [1/ps] (LAMMPS's `damp` is 1/gamma). Default 1 ps^-1: weak enough to
    /// leave diffusion nearly untouched, strong enough to equilibrate in a few ps.
    #[serde(default = "default_friction")]
    pub friction: f64,
    /// The group thermostatted (default `all`).
    #[serde(default = "all_group")]
    pub group: String,
}

/// Default friction [1/ps].
pub const DEFAULT_FRICTION: f64 = 1.0;

fn default_friction() -> f64 {
    DEFAULT_FRICTION
}

/// Coefficients of the exact Ornstein–Uhlenbeck step over `dt` [ps] with friction `friction`
/// [1/ps]: (c1, c2) = (exp(-gamma dt), sqrt(1 - exp(-2 gamma dt))).
pub fn ornstein_uhlenbeck_coefficients(friction: f64, dt: f64) -> (f64, f64) {
    let c1 = (-friction * dt).exp();
    // 1 - c1^2 = -expm1(-2 gamma dt), accurate for small gamma dt.
    (c1, (-(-2.0 * friction * dt).exp_m1()).sqrt())
}

/// The O step on `members`: v = c1 v + c2 sqrt(kT/m) R with standard normals R drawn from `rng`
/// in member order, `kt` [eV]. Returns the change of kinetic energy [eV].
pub fn friction_and_noise(
    system: &mut System,
    members: &Members,
    rng: &mut SimRng,
    c1: f64,
    c2: f64,
    kt: f64,
) -> f64 {
    let n = system.len();
    let mut heat = 0.0;
    for i in members.iter(n) {
        let m = system.mass(i);
        let sigma = (kt / (m * MVV2E)).sqrt();
        let r = Vec3::new(
            rng.sample::<f64, _>(StandardNormal),
            rng.sample::<f64, _>(StandardNormal),
            rng.sample::<f64, _>(StandardNormal),
        );
        let v = &mut system.velocities[i];
        let before = v.norm_squared();
        *v = c1 * *v + (c2 * sigma) * r;
        heat += 0.5 * MVV2E * m * (v.norm_squared() - before);
    }
    heat
}

impl Thermostat for LangevinSpec {
    fn name(&self) -> &'static str {
        "Langevin"
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn temperatures(&self) -> (f64, Option<f64>) {
        (self.temperature, self.end_temperature)
    }

    fn check(&self, _timestep: f64, _ramp: &TemperatureRamp) -> Result<()> {
        check_positive(self.name(), "friction", self.friction)
    }

    /// The random and friction forces act on each atom independently.
    fn keeps_total_momentum(&self) -> bool {
        false
    }

    fn ensemble(&self, _timestep: f64) -> String {
        format!("NVT, Langevin BAOAB (friction {} /ps)", self.friction)
    }

    fn start(&self) -> IntegratorState {
        IntegratorState::Langevin(ThermostatWork::default())
    }

    /// One BAOAB step on the group; the target temperature is that of the step being reached.
    fn step(
        &self,
        coupling: &Coupling,
        state: &mut SimulationState,
        engine: &mut ForceEngine,
    ) -> Result<()> {
        let dt = coupling.timestep;
        let kt = BOLTZMANN * coupling.target(state.stage_step + 1);
        let (c1, c2) = ornstein_uhlenbeck_coefficients(self.friction, dt);
        verlet::half_kick(&mut state.system, dt);
        verlet::drift(&mut state.system, 0.5 * dt);
        let heat = friction_and_noise(
            &mut state.system,
            &coupling.members,
            &mut state.rng,
            c1,
            c2,
            kt,
        );
        *work_of(state)? += heat;
        verlet::drift(&mut state.system, 0.5 * dt);
        advance_clock(state, dt);
        engine.compute(&mut state.system, state.step)?;
        verlet::half_kick(&mut state.system, dt);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{SimBox, SpeciesTable};
    use rand::SeedableRng;

    /// Repeated O steps on free atoms sample the Maxwell–Boltzmann distribution.
    #[test]
    fn ornstein_uhlenbeck_step_thermalises() {
        let species = SpeciesTable::elements(&["Pt"]).unwrap();
        let simbox = SimBox::new([0.0; 3], [10.0; 3], [false; 3]).unwrap();
        let mut s = System::new(simbox, species);
        for i in 0..200 {
            s.push(i + 1, 0, Vec3::zeros(), Vec3::zeros());
        }
        let kt = BOLTZMANN * 1000.0;
        let (c1, c2) = ornstein_uhlenbeck_coefficients(2.0, 0.1);
        let mut rng = SimRng::seed_from_u64(5);
        let mut sum = 0.0;
        let mut count = 0.0;
        for k in 0..3000 {
            friction_and_noise(&mut s, &Members::All, &mut rng, c1, c2, kt);
            if k >= 100 {
                sum += crate::md::thermo::kinetic_energy(&s);
                count += 1.0;
            }
        }
        let mean_t = 2.0 * sum / count / (3.0 * 200.0 * BOLTZMANN);
        // 2900 samples of 600 squares, correlation time 1/(2 gamma dt) = 2.5 samples:
        // relative error about sqrt(2 / 600 * 5 / 2900) = 0.24 %.
        assert!((mean_t / 1000.0 - 1.0).abs() < 0.01, "T = {mean_t}");
    }

    #[test]
    fn coefficients() {
        let (c1, c2) = ornstein_uhlenbeck_coefficients(1.0, 0.002);
        assert!((c1 - (-0.002f64).exp()).abs() < 1e-16);
        assert!((c1 * c1 + c2 * c2 - 1.0).abs() < 1e-15);
    }
}
