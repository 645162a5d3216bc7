//! Linear and angular momentum of a set of atoms, and their removal.
//!
//! A free particle heated by a thermostat must not drift or spin up: energy that leaks into the
//! centre-of-mass or rigid-rotation modes (the "flying ice cube" of velocity rescaling) is
//! removed by subtracting the centre-of-mass velocity and the rigid rotation
//! `omega x (r - R)`, with `omega = I^-1 L`, as LAMMPS `fix momentum ... linear 1 1 1 angular`.
//!
//! Positions are unwrapped (`x + image * L` along periodic axes) so that a particle crossing a
//! periodic boundary keeps its shape; angular momentum is meaningful only for a set of atoms
//! that does not interact with its own periodic images (a particle in vacuum).
//!
//! Units: mass [g/mol], position [A], velocity [A/ps], linear momentum [g/mol A/ps], angular
//! momentum [g/mol A^2/ps], inertia [g/mol A^2], angular velocity [1/ps]. Sums run serially in
//! atom order, so the results do not depend on the number of threads.

use nalgebra::Matrix3;
use serde::{Deserialize, Serialize};

use crate::system::{Members, System, Vec3, group::ALL};
use crate::units::MVV2E;

/// Momentum removal in an MD stage, for one group.
///
/// ```ron
/// momentum: [(group: "all", linear: true, angular: true, every: 100)]
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentumSpec {
    /// The group whose momentum is removed (default `all`).
    #[serde(default = "all_group")]
    pub group: String,
    /// Remove the group's linear momentum (default true).
    #[serde(default = "yes")]
    pub linear: bool,
    /// Remove the group's angular momentum about its centre of mass (default false; for free
    /// particles).
    #[serde(default)]
    pub angular: bool,
    /// Remove at the stage start and then every this many steps; 0 (default): at the stage start
    /// only. Zero momenta stay zero under the forces and the velocity-scaling thermostats only up
    /// to round-off, which accumulates (|L| ~ 1e-10 after a few thousand steps of a 300-atom
    /// cluster): use e.g. 100 to hold them at round-off level, and 1 under Langevin.
    #[serde(default)]
    pub every: u64,
}

fn all_group() -> String {
    ALL.to_string()
}

fn yes() -> bool {
    true
}

/// Position of atom `i` [A] with its periodic image crossings undone.
pub fn unwrapped_position(system: &System, i: usize) -> Vec3 {
    let lengths = system.simbox.lengths();
    let image = system.images[i];
    let mut x = system.positions[i];
    for k in 0..3 {
        if image[k] != 0 {
            x[k] += image[k] as f64 * lengths[k];
        }
    }
    x
}

/// Total mass of `members` [g/mol].
pub fn total_mass(system: &System, members: &Members) -> f64 {
    members.iter(system.len()).map(|i| system.mass(i)).sum()
}

/// Centre of mass R = sum m_i r_i / M of `members` [A], from unwrapped positions.
pub fn centre_of_mass(system: &System, members: &Members) -> Vec3 {
    let mut moment = Vec3::zeros();
    let mut mass = 0.0;
    for i in members.iter(system.len()) {
        let m = system.mass(i);
        moment += m * unwrapped_position(system, i);
        mass += m;
    }
    if mass > 0.0 { moment / mass } else { moment }
}

/// Linear momentum P = sum m_i v_i of `members` [g/mol A/ps].
pub fn linear_momentum(system: &System, members: &Members) -> Vec3 {
    members.iter(system.len()).fold(Vec3::zeros(), |p, i| {
        p + system.mass(i) * system.velocities[i]
    })
}

/// Angular momentum L = sum m_i (r_i - R) x v_i of `members` about their centre of mass R
/// [g/mol A^2/ps].
pub fn angular_momentum(system: &System, members: &Members) -> Vec3 {
    let centre = centre_of_mass(system, members);
    members.iter(system.len()).fold(Vec3::zeros(), |l, i| {
        let d = unwrapped_position(system, i) - centre;
        l + system.mass(i) * d.cross(&system.velocities[i])
    })
}

/// Inertia tensor I = sum m_i (|d_i|^2 1 - d_i d_i^T), d_i = r_i - R, of `members` about their
/// centre of mass [g/mol A^2].
pub fn inertia_tensor(system: &System, members: &Members) -> Matrix3<f64> {
    let centre = centre_of_mass(system, members);
    members
        .iter(system.len())
        .fold(Matrix3::zeros(), |inertia, i| {
            let d = unwrapped_position(system, i) - centre;
            inertia + system.mass(i) * (Matrix3::identity() * d.norm_squared() - d * d.transpose())
        })
}

/// Angular velocity of the rigid rotation carrying the angular momentum, omega = I^-1 L [1/ps].
/// A singular inertia tensor (one atom, or atoms on a line) is inverted on its non-singular
/// subspace (pseudo-inverse), which is the rotation of least kinetic energy.
pub fn angular_velocity(system: &System, members: &Members) -> Vec3 {
    let inertia = inertia_tensor(system, members);
    let l = angular_momentum(system, members);
    let tolerance = 1e-12 * inertia.trace().abs().max(f64::MIN_POSITIVE);
    match inertia.try_inverse() {
        Some(inv) if inertia.determinant().abs() > tolerance.powi(3) => inv * l,
        _ => inertia
            .pseudo_inverse(tolerance)
            .map(|p| p * l)
            .unwrap_or_else(|_| Vec3::zeros()),
    }
}

/// Kinetic energy of the centre-of-mass motion of `members`, P^2 / 2M [eV].
pub fn translational_kinetic_energy(system: &System, members: &Members) -> f64 {
    let mass = total_mass(system, members);
    if mass > 0.0 {
        0.5 * MVV2E * linear_momentum(system, members).norm_squared() / mass
    } else {
        0.0
    }
}

/// Kinetic energy of the rigid rotation of `members` about their centre of mass, L . omega / 2
/// [eV].
pub fn rotational_kinetic_energy(system: &System, members: &Members) -> f64 {
    let l = angular_momentum(system, members);
    0.5 * MVV2E * l.dot(&angular_velocity(system, members))
}

/// Subtracts the centre-of-mass velocity P/M from every member, making their linear momentum
/// zero. Returns the change of kinetic energy, -P^2/2M [eV].
pub fn remove_linear_momentum(system: &mut System, members: &Members) -> f64 {
    let mass = total_mass(system, members);
    if !(mass > 0.0) {
        return 0.0;
    }
    let p = linear_momentum(system, members);
    let v_centre = p / mass;
    for i in members.iter(system.len()) {
        system.velocities[i] -= v_centre;
    }
    -0.5 * MVV2E * p.dot(&v_centre)
}

/// Subtracts the rigid rotation omega x (r_i - R) from every member, making their angular
/// momentum about the centre of mass zero (their linear momentum is unchanged). Returns the
/// change of kinetic energy, -L . omega / 2 [eV].
pub fn remove_angular_momentum(system: &mut System, members: &Members) -> f64 {
    let centre = centre_of_mass(system, members);
    let l = angular_momentum(system, members);
    let omega = angular_velocity(system, members);
    for i in members.iter(system.len()) {
        let d = unwrapped_position(system, i) - centre;
        system.velocities[i] -= omega.cross(&d);
    }
    -0.5 * MVV2E * l.dot(&omega)
}

/// Applies one momentum removal (`spec.linear`, then `spec.angular`) to `members`; returns the
/// change of kinetic energy [eV].
pub fn remove_momentum(system: &mut System, members: &Members, spec: &MomentumSpec) -> f64 {
    let mut delta = 0.0;
    if spec.linear {
        delta += remove_linear_momentum(system, members);
    }
    if spec.angular {
        delta += remove_angular_momentum(system, members);
    }
    delta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::md::thermo::kinetic_energy;
    use crate::system::{SimBox, SpeciesTable};

    /// A few atoms of two masses with arbitrary velocities.
    fn spinning_blob() -> System {
        let species = SpeciesTable::elements(&["Pt", "Fe"]).unwrap();
        let simbox = SimBox::new([0.0; 3], [20.0; 3], [false; 3]).unwrap();
        let mut s = System::new(simbox, species);
        let xs = [
            [1.0, 2.0, 3.0],
            [4.0, 1.5, 2.5],
            [2.2, 5.1, 0.3],
            [3.3, 3.3, 4.4],
            [0.1, 0.7, 1.9],
        ];
        let vs = [
            [1.0, -2.0, 0.5],
            [0.3, 0.4, -1.2],
            [-0.7, 0.1, 2.0],
            [2.2, -0.3, 0.0],
            [0.0, 1.1, -0.4],
        ];
        for (i, (x, v)) in xs.iter().zip(vs).enumerate() {
            s.push(i as u64 + 1, (i % 2) as u32, Vec3::from(*x), Vec3::from(v));
        }
        s
    }

    #[test]
    fn removal_zeroes_momenta_and_reports_the_energy_removed() {
        let mut s = spinning_blob();
        let all = Members::All;
        let ke0 = kinetic_energy(&s);
        let translational = translational_kinetic_energy(&s, &all);
        let d_lin = remove_linear_momentum(&mut s, &all);
        assert!((d_lin + translational).abs() < 1e-15);
        assert!((kinetic_energy(&s) - (ke0 + d_lin)).abs() < 1e-14);
        assert!(linear_momentum(&s, &all).norm() < 1e-12);

        let rotational = rotational_kinetic_energy(&s, &all);
        assert!(rotational > 1e-4);
        let ke1 = kinetic_energy(&s);
        let d_ang = remove_angular_momentum(&mut s, &all);
        assert!((d_ang + rotational).abs() < 1e-15);
        assert!((kinetic_energy(&s) - (ke1 + d_ang)).abs() < 1e-14);
        assert!(angular_momentum(&s, &all).norm() < 1e-12);
        assert!(linear_momentum(&s, &all).norm() < 1e-12);
    }

    #[test]
    fn a_rigid_rotation_is_removed_completely() {
        let mut s = spinning_blob();
        let omega = Vec3::new(0.3, -0.2, 0.9);
        let all = Members::All;
        let centre = centre_of_mass(&s, &all);
        for i in 0..s.len() {
            s.velocities[i] = omega.cross(&(s.positions[i] - centre));
        }
        assert!((angular_velocity(&s, &all) - omega).norm() < 1e-12);
        remove_angular_momentum(&mut s, &all);
        assert!(s.velocities.iter().all(|v| v.norm() < 1e-12));
    }

    #[test]
    fn unwrapped_positions_keep_a_particle_whole() {
        let mut s = spinning_blob();
        s.simbox.periodic = [true; 3];
        let members = Members::Indices(vec![0, 2]);
        let before = angular_momentum(&s, &members);
        // Move atom 2 across the x boundary, recording the crossing in its image.
        s.positions[2].x += 20.0;
        s.images[2][0] = -1;
        assert!((angular_momentum(&s, &members) - before).norm() < 1e-12);
        assert!((unwrapped_position(&s, 2) - Vec3::new(2.2, 5.1, 0.3)).norm() < 1e-12);
    }

    #[test]
    fn a_group_is_handled_alone() {
        let mut s = spinning_blob();
        let group = Members::Indices(vec![1, 3, 4]);
        let outside = [s.velocities[0], s.velocities[2]];
        remove_momentum(
            &mut s,
            &group,
            &MomentumSpec {
                group: "g".into(),
                linear: true,
                angular: true,
                every: 0,
            },
        );
        assert!(linear_momentum(&s, &group).norm() < 1e-12);
        assert!(angular_momentum(&s, &group).norm() < 1e-12);
        assert_eq!([s.velocities[0], s.velocities[2]], outside);
    }

    #[test]
    fn collinear_atoms_use_the_pseudo_inverse() {
        let species = SpeciesTable::elements(&["Pt"]).unwrap();
        let simbox = SimBox::new([0.0; 3], [20.0; 3], [false; 3]).unwrap();
        let mut s = System::new(simbox, species);
        s.push(1, 0, Vec3::new(1.0, 1.0, 1.0), Vec3::new(0.0, 1.0, 0.0));
        s.push(2, 0, Vec3::new(3.0, 1.0, 1.0), Vec3::new(0.0, -1.0, 0.5));
        let all = Members::All;
        remove_momentum(
            &mut s,
            &all,
            &MomentumSpec {
                group: ALL.into(),
                linear: true,
                angular: true,
                every: 0,
            },
        );
        assert!(angular_momentum(&s, &all).norm() < 1e-12);
        assert!(s.velocities.iter().all(|v| v.iter().all(|c| c.is_finite())));
    }
}
