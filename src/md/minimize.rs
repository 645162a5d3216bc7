//! Energy minimisation with FIRE 2.0 (Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006);
//! Guénolé et al., Comput. Mater. Sci. 175, 109584 (2020)), with the semi-implicit Euler step and
//! the defaults of LAMMPS `min_style fire`.
//!
//! Each iteration: P = F . v over all atoms. While P > 0 for more than `delay` iterations the
//! timestep grows by `dt_grow` (up to `dt_max`) and the mixing parameter alpha shrinks by
//! `alpha_shrink`; when P <= 0 the atoms step back half a step, velocities are zeroed, the
//! timestep shrinks by `dt_shrink` (not below `dt_min`) and alpha is reset. Then
//! v += dt F/m, v = (1 - alpha) v + alpha |v| F/|F| (global norms), x += dt v.
//! Stops when the 2-norm of the force vector is below `ftol`, when the relative energy change of an
//! iteration is below `etol`, or after `max_iterations`.

use serde::{Deserialize, Serialize};

use super::ForceEngine;
use crate::error::{Error, Result};
use crate::system::{System, Vec3};
use crate::units::FTM2V;

/// FIRE settings (LAMMPS defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FireSettings {
    /// Stop when |F| (2-norm over all components) is below this [eV/A]. Default 1e-6.
    pub ftol: f64,
    /// Stop when |dE| / (|E| + eps) of an iteration is below this. Default 0 (off).
    pub etol: f64,
    /// Iteration limit. Default 10,000.
    pub max_iterations: u64,
    /// Initial timestep [ps]. Default 0.001.
    pub timestep: f64,
    /// Largest timestep, in units of the initial one. Default 10.
    pub dt_max: f64,
    /// Smallest timestep, in units of the initial one. Default 0.02.
    pub dt_min: f64,
    /// Iterations with P > 0 before the timestep may grow. Default 20.
    pub delay: u64,
    /// Timestep growth factor. Default 1.1.
    pub dt_grow: f64,
    /// Timestep shrink factor. Default 0.5.
    pub dt_shrink: f64,
    /// Initial mixing parameter. Default 0.25.
    pub alpha0: f64,
    /// Mixing shrink factor. Default 0.99.
    pub alpha_shrink: f64,
}

impl Default for FireSettings {
    fn default() -> Self {
        FireSettings {
            ftol: 1e-6,
            etol: 0.0,
            max_iterations: 10_000,
            timestep: 0.001,
            dt_max: 10.0,
            dt_min: 0.02,
            delay: 20,
            dt_grow: 1.1,
            dt_shrink: 0.5,
            alpha0: 0.25,
            alpha_shrink: 0.99,
        }
    }
}

/// Why a minimisation stopped, and where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MinimizeReport {
    /// Iterations taken.
    pub iterations: u64,
    /// Energy before [eV].
    pub initial_energy: f64,
    /// Energy after [eV].
    pub final_energy: f64,
    /// 2-norm of the force vector after [eV/A].
    pub final_force_norm: f64,
    /// Largest force component after [eV/A].
    pub final_max_force: f64,
    /// The criterion that stopped it: "force", "energy" or "iterations".
    pub stopped_by: String,
}

fn force_norms(forces: &[Vec3]) -> (f64, f64) {
    let norm = forces.iter().map(|f| f.norm_squared()).sum::<f64>().sqrt();
    let max = forces.iter().map(|f| f.amax()).fold(0.0, f64::max);
    (norm, max)
}

/// Minimises the potential energy of `system` in place with FIRE; velocities are zero afterwards.
pub fn fire_minimize(
    system: &mut System,
    engine: &mut ForceEngine,
    settings: &FireSettings,
) -> Result<MinimizeReport> {
    if !(settings.timestep > 0.0) || !(settings.ftol >= 0.0) || !(settings.etol >= 0.0) {
        return Err(Error::invalid(
            "Minimize: timestep must be positive, ftol and etol non-negative",
        ));
    }
    let n = system.len();
    let inv_mass: Vec<f64> = (0..n).map(|i| FTM2V / system.mass(i)).collect();
    let mut v = vec![Vec3::zeros(); n];
    let mut energy = engine.refresh(system, 0)?.energy;
    let initial_energy = energy;
    let (dt_max, dt_min) = (
        settings.dt_max * settings.timestep,
        settings.dt_min * settings.timestep,
    );
    let mut step = FireStep {
        dt: settings.timestep,
        alpha: settings.alpha0,
        positive: 0,
    };
    let mut stopped_by = "iterations";
    let mut iterations = 0;
    while iterations < settings.max_iterations {
        let (fnorm, _) = force_norms(&system.forces);
        if fnorm < settings.ftol {
            stopped_by = "force";
            break;
        }
        iterations += 1;
        let power: f64 = system.forces.iter().zip(&v).map(|(f, v)| f.dot(v)).sum();
        if !step.adapt(power, iterations, settings, (dt_min, dt_max)) {
            // Uphill: step half a step back and stop the atoms.
            for (x, vi) in system.positions.iter_mut().zip(&v) {
                *x -= 0.5 * step.dt * vi;
            }
            v.iter_mut().for_each(|vi| *vi = Vec3::zeros());
        }
        step.advance(system, &mut v, &inv_mass);
        let previous = energy;
        energy = engine.compute(system, iterations)?.energy;
        if settings.etol > 0.0
            && (energy - previous).abs()
                < settings.etol * 0.5 * (energy.abs() + previous.abs() + f64::EPSILON)
        {
            stopped_by = "energy";
            break;
        }
    }
    system
        .velocities
        .iter_mut()
        .for_each(|vi| *vi = Vec3::zeros());
    let (final_force_norm, final_max_force) = force_norms(&system.forces);
    Ok(MinimizeReport {
        iterations,
        initial_energy,
        final_energy: energy,
        final_force_norm,
        final_max_force,
        stopped_by: stopped_by.into(),
    })
}

/// FIRE's adaptive step: time step [ps], mixing factor, and the number of downhill steps in a
/// row.
struct FireStep {
    dt: f64,
    alpha: f64,
    positive: u64,
}

impl FireStep {
    /// Adapts the step to the power `power` (F . v, eV/ps) at iteration `iteration`: after
    /// `delay` downhill steps in a row, grow the time step (up to `dt_range.1`) and shrink the
    /// mixing; uphill, past the first `delay` iterations, shrink the time step (down to
    /// `dt_range.0`) and reset the mixing. Returns whether the step was downhill (power > 0).
    fn adapt(
        &mut self,
        power: f64,
        iteration: u64,
        settings: &FireSettings,
        dt_range: (f64, f64),
    ) -> bool {
        let (dt_min, dt_max) = dt_range;
        if power > 0.0 {
            self.positive += 1;
            if self.positive > settings.delay {
                self.dt = (self.dt * settings.dt_grow).min(dt_max);
                self.alpha *= settings.alpha_shrink;
            }
            true
        } else {
            self.positive = 0;
            if iteration > settings.delay {
                self.dt = (self.dt * settings.dt_shrink).max(dt_min);
                self.alpha = settings.alpha0;
            }
            false
        }
    }

    /// One move: velocities `v` (Å/ps) kicked by the forces (`inv_mass` = force-to-velocity
    /// factor over mass), mixed toward the force direction by `alpha`, then positions drifted
    /// by `dt`.
    fn advance(&self, system: &mut System, v: &mut [Vec3], inv_mass: &[f64]) {
        let (dt, alpha) = (self.dt, self.alpha);
        for ((vi, f), im) in v.iter_mut().zip(&system.forces).zip(inv_mass) {
            *vi += dt * im * f;
        }
        let vnorm = v.iter().map(|x| x.norm_squared()).sum::<f64>().sqrt();
        let fnorm = system
            .forces
            .iter()
            .map(|x| x.norm_squared())
            .sum::<f64>()
            .sqrt();
        if fnorm > 0.0 {
            let scale = alpha * vnorm / fnorm;
            for (vi, f) in v.iter_mut().zip(&system.forces) {
                *vi = (1.0 - alpha) * *vi + scale * f;
            }
        }
        for (x, vi) in system.positions.iter_mut().zip(v.iter()) {
            *x += dt * vi;
        }
    }
}
