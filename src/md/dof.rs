//! Degrees of freedom: how many independent momentum components share the kinetic energy of a
//! set of atoms, hence the temperature T = 2 KE / (N_f k_B) and the thermostats' targets.
//!
//! # The rule
//! For a set of N atoms (the whole system, or a group a thermostat acts on):
//!
//! N_f = 3N - 3 [linear momentum held fixed] - 3 [angular momentum held fixed], at least 1.
//!
//! - The **linear momentum** of the set is held fixed when the stage removes it periodically
//!   (`momentum: [(group: <the set>, linear: true, every: N >= 1)]`), or when the set is the
//!   whole system and the stage's dynamics conserve total momentum: Newton's third law does, and
//!   so do the thermostats that scale all velocities by one factor (Nosé–Hoover, CSVR,
//!   Berendsen acting on every atom) as long as the momentum is zero, which
//!   `velocities: (...)` guarantees. (An external field, such as atoms tethered to fixed sites,
//!   breaks this; see [`crate::md::StageIntegrator::new_in_external_field`].) This is LAMMPS's `compute temp` convention (3N - 3) for
//!   plain NVE and NVT runs. Langevin dynamics (random and friction forces on each atom) and
//!   thermostats acting on part of the system do not conserve it.
//! - The **angular momentum** of the set is held fixed when the stage removes it periodically
//!   (`angular: true, every: N >= 1`), or when the stage removes it at its start (`every: 0`),
//!   the set is the whole system, no axis is periodic (a free cluster: forces conserve angular
//!   momentum) and the dynamics conserve momentum as above.
//!
//! So a periodic liquid or crystal under NVE, Nosé–Hoover, CSVR or Berendsen has 3N - 3; under
//! Langevin it has 3N (its centre of mass is thermalised too) unless its momentum is removed
//! every few steps; a free cluster with angular momentum removed has 3N - 6. A group thermostat
//! uses the group's own count by the same rule (3 N_group unless the stage removes that group's
//! momentum periodically). Periodic removal counts as holding the momentum at zero whatever its
//! interval; remove it every step or every few steps when a stochastic thermostat acts.

use crate::system::Members;

use super::momentum::MomentumSpec;

/// Which momenta of a set of atoms are held fixed, each removing 3 degrees of freedom.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MomentumConstraints {
    /// The linear momentum is fixed.
    pub linear: bool,
    /// The angular momentum about the centre of mass is fixed.
    pub angular: bool,
}

/// N_f = 3N - 3 [linear] - 3 [angular], at least 1, for `atoms` atoms.
pub fn degrees_of_freedom(atoms: usize, constraints: MomentumConstraints) -> f64 {
    let removed = 3 * (constraints.linear as usize + constraints.angular as usize);
    ((3 * atoms).saturating_sub(removed) as f64).max(1.0)
}

/// What a stage does to momentum: the facts the rule of this module looks at.
#[derive(Clone, Copy, Debug)]
pub struct MomentumDynamics<'a> {
    /// The equations of motion conserve the total linear momentum of the whole system (and,
    /// with no periodic axis, its angular momentum): the forces are internal (no external
    /// field), no Langevin thermostat acts, and any other thermostat acts on every atom.
    pub conserves_momentum: bool,
    /// No axis of the box is periodic.
    pub free_box: bool,
    /// The stage's momentum removals, each with the atoms it acts on.
    pub removals: &'a [(Members, MomentumSpec)],
}

/// The momenta of the set `members` that the stage holds fixed (see the module documentation).
pub fn momentum_constraints(members: &Members, dynamics: &MomentumDynamics) -> MomentumConstraints {
    let mine = || dynamics.removals.iter().filter(|(m, _)| m == members);
    let periodic_linear = mine().any(|(_, s)| s.linear && s.every >= 1);
    let periodic_angular = mine().any(|(_, s)| s.angular && s.every >= 1);
    let whole = members.is_all();
    let conserved = whole && dynamics.conserves_momentum;
    let angular_zeroed_at_start = mine().any(|(_, s)| s.angular);
    MomentumConstraints {
        linear: periodic_linear || conserved,
        angular: periodic_angular || (conserved && dynamics.free_box && angular_zeroed_at_start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removal(
        members: Members,
        linear: bool,
        angular: bool,
        every: u64,
    ) -> (Members, MomentumSpec) {
        let spec = MomentumSpec {
            group: "g".into(),
            linear,
            angular,
            every,
        };
        (members, spec)
    }

    #[test]
    fn counts() {
        let none = MomentumConstraints::default();
        let lin = MomentumConstraints {
            linear: true,
            angular: false,
        };
        let both = MomentumConstraints {
            linear: true,
            angular: true,
        };
        assert_eq!(degrees_of_freedom(100, none), 300.0);
        assert_eq!(degrees_of_freedom(100, lin), 297.0);
        assert_eq!(degrees_of_freedom(100, both), 294.0);
        assert_eq!(degrees_of_freedom(1, both), 1.0);
    }

    #[test]
    fn the_rule() {
        let all = Members::All;
        let group = Members::Indices(vec![1, 2, 3]);
        let nvt = |removals| MomentumDynamics {
            conserves_momentum: true,
            free_box: false,
            removals,
        };
        let langevin = |removals| MomentumDynamics {
            conserves_momentum: false,
            free_box: true,
            removals,
        };
        // Periodic NVE/NVT: 3N - 3; Langevin: 3N.
        assert!(momentum_constraints(&all, &nvt(&[])).linear);
        assert!(!momentum_constraints(&all, &langevin(&[])).linear);
        // Langevin with periodic removal holds both.
        let r = [removal(Members::All, true, true, 1)];
        let c = momentum_constraints(&all, &langevin(&r));
        assert!(c.linear && c.angular);
        // Removal at the start only does not hold them under Langevin.
        let r = [removal(Members::All, true, true, 0)];
        let c = momentum_constraints(&all, &langevin(&r));
        assert!(!c.linear && !c.angular);
        // Free cluster, deterministic thermostat, angular removed at the start: 3N - 6.
        let free = MomentumDynamics {
            conserves_momentum: true,
            free_box: true,
            removals: &r,
        };
        let c = momentum_constraints(&all, &free);
        assert!(c.linear && c.angular);
        // ... but not in a periodic box, where forces do not conserve angular momentum.
        assert!(!momentum_constraints(&all, &nvt(&r)).angular);
        // A group: only its own periodic removal counts.
        assert_eq!(
            momentum_constraints(&group, &nvt(&[])),
            MomentumConstraints::default()
        );
        let r = [removal(group.clone(), true, false, 10)];
        let c = momentum_constraints(&group, &nvt(&r));
        assert!(c.linear && !c.angular);
    }
}
