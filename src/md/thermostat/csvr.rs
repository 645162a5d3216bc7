//! Canonical sampling through velocity rescaling (CSVR; Bussi, Donadio & Parrinello, J. Chem.
//! Phys. 126, 014101 (2007)).
//!
//! The kinetic energy K of the group follows the stochastic equation
//! dK = (K_target - K) dt/tau + 2 sqrt(K K_target / N_f) dW/sqrt(tau), K_target = N_f kT / 2,
//! whose stationary distribution is the canonical one, P(K) ~ K^(N_f/2 - 1) exp(-K/kT). Over a
//! time t it is solved exactly (their eq. A7): with c = exp(-t/tau), R_1 a standard normal and
//! S a chi-squared variable of N_f - 1 degrees of freedom,
//!
//! K' = (sqrt(c K) + sqrt((1 - c) K_target / N_f) R_1)^2 + (1 - c) (K_target / N_f) S,
//!
//! and the velocities are scaled by alpha = sqrt(K'/K), with the sign of the first bracket (so
//! that the update is the projection of an Ornstein–Uhlenbeck step on the velocities, as in
//! Bussi's reference code). The thermostat is applied for dt/2 before and after each
//! velocity-Verlet step. The work it does is accumulated, and KE + PE - work is conserved up to
//! the integration error ("effective energy", their eq. 6).
//!
//! Glossary: K = `kinetic`, K_target = `target`, N_f = `dof`, c = `decay`, R_1 = `first_noise`,
//! S = `other_noise`.

use rand::RngExt;
use rand_distr::{ChiSquared, StandardNormal};
use serde::{Deserialize, Serialize};

use super::{
    Coupling, TemperatureRamp, Thermostat, ThermostatWork, all_group, check_positive,
    kinetic_energy_of, scale_velocities, work_of,
};
use crate::error::{Error, Result};
use crate::md::{ForceEngine, IntegratorState, SimRng, SimulationState, advance_clock, verlet};
use crate::system::Members;
use crate::units::BOLTZMANN;

/// CSVR parameters in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvrSpec {
    /// Target temperature [K] (at the stage start when `end_temperature` is given).
    pub temperature: f64,
    /// Target at the stage end [K], for a linear ramp.
    #[serde(default)]
    pub end_temperature: Option<f64>,
    /// Relaxation time of the kinetic energy tau [ps]. Default 0.1 ps (50 to 100 timesteps);
    /// sampled averages do not depend on it, only how fast they converge.
    #[serde(default = "default_tau")]
    pub tau: f64,
    /// The group thermostatted (default `all`).
    #[serde(default = "all_group")]
    pub group: String,
}

/// Default relaxation time [ps].
pub const DEFAULT_TAU: f64 = 0.1;

fn default_tau() -> f64 {
    DEFAULT_TAU
}

/// The new kinetic energy K' [eV] and the sign of the scaling, from the current `kinetic` K and
/// `target` K_target [eV], `dof` N_f, `decay` c = exp(-t/tau) and the noises R_1 and S (Bussi et
/// al. 2007, eq. A7).
pub fn resampled_kinetic_energy(
    kinetic: f64,
    target: f64,
    dof: f64,
    decay: f64,
    first_noise: f64,
    other_noise: f64,
) -> (f64, f64) {
    let per_dof = (1.0 - decay) * target / dof;
    let along = (decay * kinetic).sqrt() + per_dof.sqrt() * first_noise;
    (along * along + per_dof * other_noise, along.signum())
}

/// Draws R_1 and S (chi-squared with N_f - 1 degrees of freedom) from `rng`, in this order.
fn draw_noises(rng: &mut SimRng, dof: f64) -> (f64, f64) {
    let first = rng.sample::<f64, _>(StandardNormal);
    let others = if dof > 1.0 {
        // Invariant: dof > 1 here, so the chi-squared parameter is positive and finite.
        let chi2 = ChiSquared::new(dof - 1.0).expect("dof - 1 > 0");
        rng.sample(chi2)
    } else {
        0.0
    };
    (first, others)
}

/// Rescales the velocities of `members` as CSVR over `duration` [ps] with relaxation time `tau`
/// [ps], `dof` degrees of freedom and `kt` [eV]; returns the change of kinetic energy [eV].
pub fn rescale(
    state: &mut SimulationState,
    members: &Members,
    dof: f64,
    kt: f64,
    tau: f64,
    duration: f64,
) -> Result<f64> {
    let kinetic = kinetic_energy_of(&state.system, members);
    if !(kinetic > 0.0) {
        return Err(Error::Physics(
            "thermostat Csvr: the thermostatted atoms have no kinetic energy to rescale; give \
             initial velocities (velocities: (temperature: ..., seed: ...))"
                .to_string(),
        ));
    }
    let (r1, s) = draw_noises(&mut state.rng, dof);
    let decay = (-duration / tau).exp();
    let target = 0.5 * dof * kt;
    let (new_kinetic, sign) = resampled_kinetic_energy(kinetic, target, dof, decay, r1, s);
    scale_velocities(
        &mut state.system,
        members,
        sign * (new_kinetic / kinetic).sqrt(),
    );
    Ok(new_kinetic - kinetic)
}

impl Thermostat for CsvrSpec {
    fn name(&self) -> &'static str {
        "Csvr"
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn temperatures(&self) -> (f64, Option<f64>) {
        (self.temperature, self.end_temperature)
    }

    fn check(&self, _timestep: f64, _ramp: &TemperatureRamp) -> Result<()> {
        check_positive(self.name(), "tau", self.tau)
    }

    fn ensemble(&self, _timestep: f64) -> String {
        format!("NVT, stochastic velocity rescaling (tau {} ps)", self.tau)
    }

    fn start(&self) -> IntegratorState {
        IntegratorState::Csvr(ThermostatWork::default())
    }

    /// CSVR for dt/2, velocity Verlet, CSVR for dt/2. The target temperature is that of the
    /// step being reached.
    fn step(
        &self,
        coupling: &Coupling,
        state: &mut SimulationState,
        engine: &mut ForceEngine,
    ) -> Result<()> {
        let dt = coupling.timestep;
        let (members, dof, tau) = (&coupling.members, coupling.dof, self.tau);
        let kt = BOLTZMANN * coupling.target(state.stage_step + 1);
        let work = rescale(state, members, dof, kt, tau, 0.5 * dt)?;
        *work_of(state)? += work;
        verlet::half_kick(&mut state.system, dt);
        verlet::drift(&mut state.system, dt);
        advance_clock(state, dt);
        engine.compute(&mut state.system, state.step)?;
        verlet::half_kick(&mut state.system, dt);
        let work = rescale(state, members, dof, kt, tau, 0.5 * dt)?;
        *work_of(state)? += work;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Iterating the exact solution from any start gives the canonical (Gamma) distribution of K:
    /// mean N_f kT / 2 and variance N_f (kT)^2 / 2.
    #[test]
    fn resampling_has_the_canonical_stationary_distribution() {
        let (dof, kt) = (12.0, 0.1);
        let target = 0.5 * dof * kt;
        let mut rng = SimRng::seed_from_u64(11);
        let mut k = 5.0 * target;
        let (mut sum, mut sum2, mut count) = (0.0, 0.0, 0.0);
        for step in 0..200_000 {
            let (r1, s) = draw_noises(&mut rng, dof);
            let (new_k, _) = resampled_kinetic_energy(k, target, dof, 0.5, r1, s);
            k = new_k;
            if step >= 100 {
                sum += k;
                sum2 += k * k;
                count += 1.0;
            }
        }
        let mean = sum / count;
        let variance = sum2 / count - mean * mean;
        // About 200,000 / 3 independent samples: 0.2 % on the mean, 1 % on the variance.
        assert!(
            (mean / target - 1.0).abs() < 0.01,
            "mean {mean} vs {target}"
        );
        let canonical = 0.5 * dof * kt * kt;
        assert!(
            (variance / canonical - 1.0).abs() < 0.04,
            "variance {variance} vs {canonical}"
        );
    }

    #[test]
    fn no_coupling_keeps_the_kinetic_energy() {
        let (k, sign) = resampled_kinetic_energy(2.0, 1.0, 10.0, 1.0, 0.7, 3.0);
        assert!((k - 2.0).abs() < 1e-15 && sign == 1.0);
    }
}
