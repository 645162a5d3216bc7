//! The blow-up guard: a cheap check after every MD step that stops a run whose state has left
//! physics behind, instead of letting it fly on and report success.
//!
//! After each step, in one pass over the atoms (first offending atom in index order, so the
//! verdict does not depend on the thread count):
//! - every position and velocity must be finite (an atom with a NaN position drops out of the
//!   neighbour list, so its force is 0 and the force check alone would not see it);
//! - no atom may move farther than `max_displacement` [A] in one step (default half the
//!   neighbour skin, 0.5 A when the skin is 0);
//! - along a non-periodic axis no atom may be farther than `lost_atom_margin` [A] outside the
//!   box: such an atom is lost, and the run stops as LAMMPS does with "Lost atoms" (atoms are
//!   never dropped silently);
//! - the temperature (with the stage's degrees of freedom) must stay below `max_temperature` [K].
//!
//! Forces and energies are checked by the force engine at every evaluation.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::system::{System, Vec3};

use super::thermo::{kinetic_energy, temperature};

/// Limits a run stops at (input field `safety: (...)`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SafetySettings {
    /// Largest distance an atom may move in one step [A]; default half the neighbour skin
    /// (0.5 A when the skin is 0).
    pub max_displacement: Option<f64>,
    /// Highest temperature the run may reach [K]. Default 100,000 K.
    pub max_temperature: f64,
    /// How far outside the box an atom may go along a non-periodic axis before it counts as
    /// lost [A]. Default 10 A.
    pub lost_atom_margin: f64,
}

impl Default for SafetySettings {
    fn default() -> Self {
        SafetySettings {
            max_displacement: None,
            max_temperature: 1.0e5,
            lost_atom_margin: 10.0,
        }
    }
}

impl SafetySettings {
    /// Checks that every limit is a positive finite number.
    pub fn check(&self) -> Result<()> {
        let positive = |name: &str, v: f64| {
            if v > 0.0 && v.is_finite() {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "safety: {name} {v} must be a positive finite number"
                )))
            }
        };
        if let Some(d) = self.max_displacement {
            positive("max_displacement", d)?;
        }
        positive("max_temperature", self.max_temperature)?;
        positive("lost_atom_margin", self.lost_atom_margin)
    }

    /// The displacement limit [A] for a neighbour skin of `skin` [A].
    pub fn displacement_limit(&self, skin: f64) -> f64 {
        self.max_displacement
            .unwrap_or(if skin > 0.0 { 0.5 * skin } else { 0.5 })
    }
}

/// Watches a system step by step.
#[derive(Clone, Debug)]
pub struct BlowUpGuard {
    max_displacement: f64,
    max_temperature: f64,
    lost_atom_margin: f64,
    /// Positions before the current step [A], in single precision: a displacement is then
    /// known to about 1e-7 of the coordinates (1e-5 A at 100 A), ample for a limit of a
    /// fraction of an angstrom, in half the memory of a copy.
    previous: Vec<[f32; 3]>,
}

impl BlowUpGuard {
    /// A guard with `settings`, for a neighbour skin of `skin` [A].
    pub fn new(settings: &SafetySettings, skin: f64) -> Self {
        BlowUpGuard {
            max_displacement: settings.displacement_limit(skin),
            max_temperature: settings.max_temperature,
            lost_atom_margin: settings.lost_atom_margin,
            previous: Vec::new(),
        }
    }

    /// Remembers the positions before a step.
    pub fn before_step(&mut self, system: &System) {
        self.previous.clear();
        self.previous.extend(
            system
                .positions
                .iter()
                .map(|x| [x.x, x.y, x.z].map(|c| c as f32)),
        );
    }

    /// Checks `system` after step `step`, taken from the positions given to
    /// [`BlowUpGuard::before_step`]; `dof` is the degrees of freedom of the temperature. The
    /// error is one line naming the step, the atom and the quantity.
    pub fn check(&self, system: &System, step: u64, dof: f64) -> Result<()> {
        let b = &system.simbox;
        let limit2 = self.max_displacement * self.max_displacement;
        let moved = self.previous.len() == system.len();
        let problem = |i: usize| -> Option<String> {
            let x = system.positions[i];
            let v = system.velocities[i];
            if !x.iter().all(|c| c.is_finite()) {
                return Some(format!(
                    "position ({}, {}, {}) is not finite",
                    x.x, x.y, x.z
                ));
            }
            if !v.iter().all(|c| c.is_finite()) {
                return Some(format!(
                    "velocity ({}, {}, {}) is not finite",
                    v.x, v.y, v.z
                ));
            }
            if moved {
                let p = self.previous[i].map(f64::from);
                let d = b.minimum_image(x - Vec3::new(p[0], p[1], p[2]));
                if d.norm_squared() > limit2 {
                    return Some(format!(
                        "moved {:.4} A in one step (limit {} A: safety max_displacement)",
                        d.norm(),
                        self.max_displacement
                    ));
                }
            }
            for k in 0..3 {
                let outside = (b.lo[k] - x[k]).max(x[k] - b.hi[k]);
                if !b.periodic[k] && outside > self.lost_atom_margin {
                    return Some(format!(
                        "is lost: {} = {:.4} A is {:.4} A outside the non-periodic box [{}, {}] \
                         (margin {} A: safety lost_atom_margin)",
                        ["x", "y", "z"][k],
                        x[k],
                        outside,
                        b.lo[k],
                        b.hi[k],
                        self.lost_atom_margin
                    ));
                }
            }
            None
        };
        let first = (0..system.len())
            .into_par_iter()
            .with_min_len(1024)
            .find_first(|&i| problem(i).is_some());
        if let Some(i) = first {
            let what = problem(i).unwrap_or_default();
            return Err(Error::Physics(format!(
                "blow-up at step {step}: atom {} {what}",
                system.ids[i]
            )));
        }
        let t = temperature(kinetic_energy(system), dof);
        if !(t <= self.max_temperature) {
            // The fastest atom is the one to look at.
            let fastest = (0..system.len())
                .max_by(|&a, &b| {
                    let ka = system.mass(a) * system.velocities[a].norm_squared();
                    let kb = system.mass(b) * system.velocities[b].norm_squared();
                    ka.total_cmp(&kb)
                })
                .map(|i| format!(" (fastest: atom {})", system.ids[i]))
                .unwrap_or_default();
            return Err(Error::Physics(format!(
                "blow-up at step {step}: temperature {t:.4e} K is above {} K (safety \
                 max_temperature){fastest}",
                self.max_temperature
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{SimBox, SpeciesTable};

    fn system(periodic: bool) -> System {
        let b = SimBox::new([0.0; 3], [10.0; 3], [periodic; 3]).unwrap();
        let mut s = System::new(
            b,
            SpeciesTable::new(vec!["Ar".into()], vec![39.948]).unwrap(),
        );
        s.push(1, 0, Vec3::new(1.0, 1.0, 1.0), Vec3::zeros());
        s.push(2, 0, Vec3::new(5.0, 5.0, 5.0), Vec3::zeros());
        s
    }

    #[test]
    fn a_quiet_step_passes() {
        let mut s = system(false);
        let mut g = BlowUpGuard::new(&SafetySettings::default(), 1.0);
        g.before_step(&s);
        s.positions[1].x += 0.1;
        g.check(&s, 1, 3.0).unwrap();
    }

    #[test]
    fn each_kind_of_blow_up_names_step_atom_and_quantity() {
        let settings = SafetySettings {
            max_displacement: Some(20.0),
            ..SafetySettings::default()
        };
        type Mutation = dyn Fn(&mut System);
        let cases: [(&Mutation, &str); 4] = [
            (&|s| s.positions[1].y = f64::NAN, "atom 2 position"),
            (&|s| s.velocities[1].z = f64::INFINITY, "atom 2 velocity"),
            (&|s| s.positions[0].x += 25.0, "atom 1 moved 25.0000 A"),
            (
                &|s| s.positions[1].z = -10.5,
                "atom 2 is lost: z = -10.5000",
            ),
        ];
        for (mutate, expected) in cases {
            let mut s = system(false);
            let mut g = BlowUpGuard::new(&settings, 1.0);
            g.before_step(&s);
            mutate(&mut s);
            let e = g.check(&s, 7, 3.0).unwrap_err().to_string();
            assert!(e.starts_with("blow-up at step 7: "), "{e}");
            assert!(e.contains(expected), "{e}");
        }
    }

    #[test]
    fn wrapping_is_not_a_jump_and_periodic_atoms_are_never_lost() {
        let mut s = system(true);
        s.positions[0].x = 9.95;
        let mut g = BlowUpGuard::new(&SafetySettings::default(), 1.0);
        g.before_step(&s);
        s.positions[0].x = 0.05;
        g.check(&s, 1, 3.0).unwrap();
    }

    #[test]
    fn a_hot_system_stops_at_the_ceiling() {
        let mut s = system(true);
        s.velocities[0].x = 1.0e4;
        let g = BlowUpGuard::new(&SafetySettings::default(), 1.0);
        let e = g.check(&s, 3, 3.0).unwrap_err().to_string();
        assert!(e.contains("temperature") && e.contains("atom 1"), "{e}");
    }
}
