//! Nosé–Hoover chains with the Martyna–Tuckerman–Klein integration.
//!
//! Equations of motion (Martyna, Klein, Tuckerman, J. Chem. Phys. 97, 2635 (1992)) for the atoms
//! of the thermostatted group and a chain of M thermostats with positions xi_k and velocities
//! v_k:
//!
//! dv_i/dt = F_i/m_i - v_1 v_i,
//! dv_1/dt = (2 KE - N_f kT) / Q_1 - v_1 v_2,
//! dv_k/dt = (Q_{k-1} v_{k-1}^2 - kT) / Q_k - v_k v_{k+1},   v_{M+1} = 0,
//! dxi_k/dt = v_k,
//!
//! with masses Q_1 = N_f kT tau^2, Q_k = kT tau^2 (tau: the damping time). They conserve
//!
//! H = KE + PE + sum_k Q_k v_k^2 / 2 + N_f kT xi_1 + kT sum_{k>=2} xi_k.
//!
//! Integration (Martyna, Tuckerman, Tobias, Klein, Mol. Phys. 87, 1117 (1996)): the chain and
//! the velocity scaling it causes are propagated for dt/2 before and after the velocity-Verlet
//! step, each half split into `loops` x `yoshida_order` substeps with Suzuki–Yoshida weights.
//! With `yoshida_order: 1, loops: 1` this is exactly LAMMPS `fix nvt` (`tchain` = `chain`,
//! `tloop` = `loops`); the tests compare trajectories with LAMMPS.
//!
//! Glossary: xi_k = `positions[k]` [dimensionless], v_k = `velocities[k]` [1/ps], Q_k =
//! `masses[k]` [eV ps^2], G_k = the chain forces [1/ps^2], N_f = `dof`.

use serde::{Deserialize, Serialize};

use super::{
    Coupling, TemperatureRamp, Thermostat, all_group, check_positive, exchanged_energy,
    kinetic_energy_of, scale_velocities,
};
use crate::error::{Error, Result};
use crate::md::{ForceEngine, IntegratorState, SimulationState, advance_clock, verlet};
use crate::units::BOLTZMANN;

/// Nosé–Hoover chain parameters in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoseHooverSpec {
    /// Target temperature [K] (at the stage start when `end_temperature` is given).
    pub temperature: f64,
    /// Target at the stage end [K], for a linear ramp.
    #[serde(default)]
    pub end_temperature: Option<f64>,
    /// Damping time tau [ps]: the period of the thermostat's oscillation. Default: 100
    /// timesteps (LAMMPS's recommendation).
    #[serde(default)]
    pub damping: Option<f64>,
    /// Number of thermostats in the chain (default 3).
    #[serde(default = "three")]
    pub chain: usize,
    /// Number of substeps of each half step (default 1).
    #[serde(default = "one")]
    pub loops: usize,
    /// Order of the Suzuki–Yoshida factorisation of each substep: 1, 3, 5 or 7 (default 3).
    #[serde(default = "three")]
    pub yoshida_order: usize,
    /// The group thermostatted (default `all`).
    #[serde(default = "all_group")]
    pub group: String,
}

fn three() -> usize {
    3
}

fn one() -> usize {
    1
}

/// Default damping time: this many timesteps.
pub const DEFAULT_DAMPING_STEPS: f64 = 100.0;

/// The chain's variables, carried in [`IntegratorState::NoseHooverChain`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoseHooverChainState {
    /// Thermostat positions xi_k [dimensionless].
    pub positions: Vec<f64>,
    /// Thermostat velocities v_k [1/ps].
    pub velocities: Vec<f64>,
    /// Kinetic energy given to the system by momentum removal during the stage [eV].
    pub work: f64,
}

impl NoseHooverChainState {
    /// A chain of `length` thermostats at rest.
    pub fn new(length: usize) -> Self {
        NoseHooverChainState {
            positions: vec![0.0; length],
            velocities: vec![0.0; length],
            work: 0.0,
        }
    }
}

/// The parameters of a Nosé–Hoover chain resolved for a stage's timestep (defaults filled in,
/// Suzuki–Yoshida weights looked up).
#[derive(Clone, Debug, PartialEq)]
pub struct NoseHooverChain {
    /// Damping time tau [ps].
    pub damping: f64,
    /// Chain length M.
    pub chain: usize,
    /// Substeps per half step.
    pub loops: usize,
    /// Suzuki–Yoshida weights of each substep.
    pub weights: &'static [f64],
}

impl NoseHooverSpec {
    /// The damping time tau [ps] for timestep `dt` [ps]: as given, else
    /// [`DEFAULT_DAMPING_STEPS`] timesteps.
    pub fn damping_time(&self, dt: f64) -> f64 {
        self.damping.unwrap_or(DEFAULT_DAMPING_STEPS * dt)
    }
}

impl NoseHooverChain {
    /// Parameters from an input, for timestep `dt` [ps].
    pub fn from_spec(spec: &NoseHooverSpec, dt: f64) -> Result<Self> {
        Ok(NoseHooverChain {
            damping: spec.damping_time(dt),
            chain: spec.chain,
            loops: spec.loops,
            weights: suzuki_yoshida_weights(spec.yoshida_order)?,
        })
    }
}

/// Weights w_j (summing to 1) of the Suzuki–Yoshida factorisation of order 1, 3, 5 or 7, as
/// used by Martyna et al. (1996), Table 1; order 7 is Yoshida's solution A (Phys. Lett. A 150,
/// 262 (1990)).
pub fn suzuki_yoshida_weights(order: usize) -> Result<&'static [f64]> {
    const W3: f64 = 1.351_207_191_959_657_8; // 1 / (2 - 2^(1/3))
    const W5: f64 = 0.414_490_771_794_375_7; // 1 / (4 - 4^(1/3))
    const W7: [f64; 3] = [
        0.784_513_610_477_560,
        0.235_573_213_359_357,
        -1.177_679_984_178_87,
    ];
    const W7_MIDDLE: f64 = 1.0 - 2.0 * (W7[0] + W7[1] + W7[2]);
    match order {
        1 => Ok(&[1.0]),
        3 => Ok(&[W3, 1.0 - 2.0 * W3, W3]),
        5 => Ok(&[W5, W5, 1.0 - 4.0 * W5, W5, W5]),
        7 => Ok(&[W7[0], W7[1], W7[2], W7_MIDDLE, W7[2], W7[1], W7[0]]),
        _ => Err(Error::invalid(format!(
            "thermostat NoseHoover: yoshida_order {order} must be 1, 3, 5 or 7"
        ))),
    }
}

/// Thermostat masses [eV ps^2]: Q_1 = N_f kT tau^2, Q_k = kT tau^2 for k >= 2 (Martyna et al.
/// 1992), with `kt` [eV], `dof` = N_f and `damping` = tau [ps].
pub fn chain_masses(kt: f64, dof: f64, damping: f64, length: usize) -> Vec<f64> {
    let q = kt * damping * damping;
    (0..length)
        .map(|k| if k == 0 { dof * q } else { q })
        .collect()
}

/// Energy stored in the chain [eV]: sum_k Q_k v_k^2 / 2 + N_f kT xi_1 + kT sum_{k>=2} xi_k.
pub fn chain_energy(chain: &NoseHooverChainState, masses: &[f64], kt: f64, dof: f64) -> f64 {
    let kinetic: f64 = masses
        .iter()
        .zip(&chain.velocities)
        .map(|(q, v)| 0.5 * q * v * v)
        .sum();
    let potential: f64 = chain
        .positions
        .iter()
        .enumerate()
        .map(|(k, xi)| if k == 0 { dof * kt * xi } else { kt * xi })
        .sum();
    kinetic + potential
}

/// Force on thermostat k [1/ps^2]: G_1 = (2 KE - N_f kT)/Q_1, G_k = (Q_{k-1} v_{k-1}^2 - kT)/Q_k,
/// with `twice_kinetic` = 2 KE [eV].
fn chain_force(k: usize, v: &[f64], q: &[f64], twice_kinetic: f64, kt: f64, dof: f64) -> f64 {
    if q[k] <= 0.0 {
        return 0.0;
    }
    if k == 0 {
        (twice_kinetic - dof * kt) / q[0]
    } else {
        (q[k - 1] * v[k - 1] * v[k - 1] - kt) / q[k]
    }
}

/// Propagates the chain over `duration` [ps] (one substep of Martyna et al. 1996, eqs. 29-33):
/// thermostat velocities from the top of the chain down, the scaling of the atoms' velocities,
/// the thermostat positions, then the velocities back up. `twice_kinetic` (2 KE [eV]) is updated
/// for the scaling; returns the factor by which the atoms' velocities are scaled.
fn chain_substep(
    chain: &mut NoseHooverChainState,
    q: &[f64],
    twice_kinetic: &mut f64,
    kt: f64,
    dof: f64,
    duration: f64,
) -> f64 {
    let m = chain.velocities.len();
    let v = &mut chain.velocities;
    let damping_by_next = |v: &[f64], k: usize| {
        if k + 1 < m {
            (-0.25 * duration * v[k + 1]).exp()
        } else {
            1.0
        }
    };
    for k in (0..m).rev() {
        let a = damping_by_next(v, k);
        let g = chain_force(k, v, q, *twice_kinetic, kt, dof);
        v[k] = (v[k] * a + 0.5 * duration * g) * a;
    }
    let scale = (-duration * v[0]).exp();
    *twice_kinetic *= scale * scale;
    for (xi, vk) in chain.positions.iter_mut().zip(v.iter()) {
        *xi += duration * vk;
    }
    for k in 0..m {
        let a = damping_by_next(v, k);
        let g = chain_force(k, v, q, *twice_kinetic, kt, dof);
        v[k] = (v[k] * a + 0.5 * duration * g) * a;
    }
    scale
}

/// Propagates the chain over `duration` [ps] in `params.loops` x `params.weights.len()`
/// substeps, for atoms of kinetic energy `kinetic` [eV]; returns the factor by which their
/// velocities are scaled.
pub fn propagate_chain(
    chain: &mut NoseHooverChainState,
    params: &NoseHooverChain,
    masses: &[f64],
    kinetic: f64,
    kt: f64,
    dof: f64,
    duration: f64,
) -> f64 {
    let mut twice_kinetic = 2.0 * kinetic;
    let mut scale = 1.0;
    for _ in 0..params.loops {
        for w in params.weights {
            let substep = w * duration / params.loops as f64;
            scale *= chain_substep(chain, masses, &mut twice_kinetic, kt, dof, substep);
        }
    }
    scale
}

/// The chain variables of `state`, or an error if the stage was not set up for this thermostat.
pub fn chain_state(state: &mut SimulationState) -> Result<&mut NoseHooverChainState> {
    match &mut state.integrator {
        IntegratorState::NoseHooverChain(c) => Ok(c),
        other => Err(Error::invalid(format!(
            "a Nosé–Hoover step needs a chain state, found {other:?}"
        ))),
    }
}

/// Half a step of the chain (dt/2) and the scaling of the group's velocities, with `kt` [eV].
fn half_step(
    state: &mut SimulationState,
    params: &NoseHooverChain,
    coupling: &Coupling,
    kt: f64,
) -> Result<()> {
    let (members, dof) = (&coupling.members, coupling.dof);
    let kinetic = kinetic_energy_of(&state.system, members);
    let masses = chain_masses(kt, dof, params.damping, params.chain);
    let chain = chain_state(state)?;
    let duration = 0.5 * coupling.timestep;
    let scale = propagate_chain(chain, params, &masses, kinetic, kt, dof, duration);
    scale_velocities(&mut state.system, members, scale);
    Ok(())
}

impl Thermostat for NoseHooverSpec {
    fn name(&self) -> &'static str {
        "NoseHoover"
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn temperatures(&self) -> (f64, Option<f64>) {
        (self.temperature, self.end_temperature)
    }

    fn check(&self, _timestep: f64, ramp: &TemperatureRamp) -> Result<()> {
        if !(ramp.start > 0.0 && ramp.end > 0.0) {
            return Err(Error::invalid(
                "thermostat NoseHoover: temperatures must be > 0 K (the chain's masses are \
                 proportional to T); quench to 0 K with Langevin, Csvr or Berendsen",
            ));
        }
        if let Some(d) = self.damping {
            check_positive(self.name(), "damping", d)?;
        }
        if self.chain == 0 || self.loops == 0 {
            return Err(Error::invalid(
                "thermostat NoseHoover: chain and loops must be at least 1",
            ));
        }
        suzuki_yoshida_weights(self.yoshida_order)?;
        Ok(())
    }

    fn ensemble(&self, timestep: f64) -> String {
        format!(
            "NVT, Nosé–Hoover chain of {} (damping {} ps, {} x {} substeps)",
            self.chain,
            self.damping_time(timestep),
            self.loops,
            self.yoshida_order
        )
    }

    fn start(&self) -> IntegratorState {
        IntegratorState::NoseHooverChain(NoseHooverChainState::new(self.chain))
    }

    /// Chain half step, velocity Verlet, chain half step. The target temperature is that of
    /// the step being reached.
    fn step(
        &self,
        coupling: &Coupling,
        state: &mut SimulationState,
        engine: &mut ForceEngine,
    ) -> Result<()> {
        let dt = coupling.timestep;
        let params = NoseHooverChain::from_spec(self, dt)?;
        let kt = BOLTZMANN * coupling.target(state.stage_step + 1);
        half_step(state, &params, coupling, kt)?;
        verlet::half_kick(&mut state.system, dt);
        verlet::drift(&mut state.system, dt);
        advance_clock(state, dt);
        engine.compute(&mut state.system, state.step)?;
        verlet::half_kick(&mut state.system, dt);
        half_step(state, &params, coupling, kt)
    }

    /// The chain's energy at the current target, minus the work of momentum removal.
    fn coupling_energy(&self, coupling: &Coupling, state: &SimulationState) -> f64 {
        match &state.integrator {
            IntegratorState::NoseHooverChain(c) => {
                let kt = BOLTZMANN * coupling.target(state.stage_step);
                let damping = self.damping_time(coupling.timestep);
                let masses = chain_masses(kt, coupling.dof, damping, self.chain);
                chain_energy(c, &masses, kt, coupling.dof) - c.work
            }
            _ => exchanged_energy(state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one() {
        for order in [1, 3, 5, 7] {
            let w = suzuki_yoshida_weights(order).unwrap();
            assert_eq!(w.len(), order);
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-14, "order {order}");
        }
        // The third-order weights cancel the third-order error: sum w^3 = 0.
        let w = suzuki_yoshida_weights(3).unwrap();
        assert!(w.iter().map(|x| x.powi(3)).sum::<f64>().abs() < 1e-14);
        assert!(suzuki_yoshida_weights(2).is_err());
    }

    /// The chain coupled to a bath of `dof` free particles (no forces) conserves
    /// KE + chain energy; Suzuki–Yoshida substeps make the conservation much tighter. Timestep
    /// tau/100, the default.
    #[test]
    fn chain_alone_conserves_its_energy() {
        let (kt, dof, damping) = (0.05, 30.0, 0.1);
        let masses = chain_masses(kt, dof, damping, 4);
        let drift = |order: usize, loops: usize| {
            let params = NoseHooverChain {
                damping,
                chain: 4,
                loops,
                weights: suzuki_yoshida_weights(order).unwrap(),
            };
            let mut chain = NoseHooverChainState::new(4);
            let mut kinetic = 3.0 * dof * kt; // three times too hot
            let e0 = kinetic + chain_energy(&chain, &masses, kt, dof);
            let mut worst: f64 = 0.0;
            for _ in 0..2000 {
                let s = propagate_chain(&mut chain, &params, &masses, kinetic, kt, dof, 0.001);
                kinetic *= s * s;
                let e = kinetic + chain_energy(&chain, &masses, kt, dof);
                worst = worst.max((e - e0).abs());
            }
            // The thermostat has pulled the kinetic energy towards N_f kT / 2.
            assert!(kinetic < 2.0 * dof * kt);
            worst / e0
        };
        let coarse = drift(1, 1);
        let fine = drift(3, 2);
        // Measured: 1.2e-4 and 7e-8 (a second-order scheme versus a fourth-order one).
        assert!(coarse < 1e-3, "order 1: {coarse}");
        assert!(
            fine < coarse / 100.0,
            "order 3 x 2 loops: {fine} vs {coarse}"
        );
    }

    #[test]
    fn masses_follow_martyna_klein_tuckerman() {
        let q = chain_masses(0.1, 297.0, 0.2, 3);
        assert!((q[0] - 297.0 * 0.1 * 0.04).abs() < 1e-15);
        assert!((q[1] - 0.004).abs() < 1e-15 && (q[2] - 0.004).abs() < 1e-15);
    }
}
