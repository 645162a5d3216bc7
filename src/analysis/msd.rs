//! Mean-square displacement of surface-shell and interior atoms, from unwrapped positions, with
//! each particle's centre-of-mass motion removed.
//!
//! Atoms are classed once, at the reference frame, per particle ([`super::shells`]): the
//! **interior** lies deeper than 2 nearest-neighbour distances below the particle's hull (below
//! its outer three atomic layers); the **surface shell** is the rest: the outermost layer (facet,
//! edge and corner atoms, adatoms) and the two layers beneath it. Each atom's displacement is taken
//! relative to its particle's centre of mass,
//!
//! ```text
//! MSD = < | (x_i(t) - x_i(0)) - (R_p(t) - R_p(0)) |^2 >,
//! ```
//!
//! R_p the (mass-weighted) centre of mass of atom i's particle p, so that a particle drifting or
//! pulled towards its neighbour does not read as diffusion: the interior of a solid particle
//! stays at its vibrational plateau (2 <u^2>, about 0.05-0.1 A^2 for Pt near 1500 K), a molten
//! one climbs.

use super::com::centre_of_mass;
use super::shells::Shells;
use super::unwrapped_positions;
use crate::system::{System, Vec3};

/// Mean-square displacements since a reference frame.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct MsdTracker {
    /// Unwrapped positions at the reference frame [A].
    reference: Vec<Vec3>,
    /// Each particle's atoms, split into interior and surface shell at the reference frame.
    particles: Vec<Shells>,
    /// Each particle's centre of mass at the reference frame [A].
    centres: Vec<Vec3>,
}

/// One MSD measurement [A^2].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MsdSample {
    /// Over the atoms of every particle.
    pub all: f64,
    /// Over surface-shell atoms (NaN if there are none).
    pub surface: f64,
    /// Over interior atoms (NaN if there are none).
    pub interior: f64,
}

impl MsdTracker {
    /// Takes `system` as the reference, with its particles split into shells (see
    /// [`super::shells::particle_shells`]). Atoms in no particle are left out.
    pub fn new(system: &System, particles: Vec<Shells>) -> Self {
        let centres = particles
            .iter()
            .map(|p| centre_of_mass(system, Some(&members(p))))
            .collect();
        MsdTracker {
            reference: unwrapped_positions(system),
            particles,
            centres,
        }
    }

    /// Number of surface-shell atoms.
    pub fn surface_atoms(&self) -> usize {
        self.particles.iter().map(|p| p.surface.len()).sum()
    }

    /// Number of interior atoms.
    pub fn interior_atoms(&self) -> usize {
        self.particles.iter().map(|p| p.interior.len()).sum()
    }

    /// MSD of `system` relative to the reference, each particle's centre-of-mass displacement
    /// removed.
    pub fn measure(&self, system: &System) -> MsdSample {
        let x = unwrapped_positions(system);
        let (mut sums, mut counts) = ([0.0; 2], [0usize; 2]);
        for (p, c0) in self.particles.iter().zip(&self.centres) {
            let drift = centre_of_mass(system, Some(&members(p))) - c0;
            for (k, atoms) in [&p.interior, &p.surface].into_iter().enumerate() {
                for &i in atoms {
                    let i = i as usize;
                    sums[k] += (x[i] - self.reference[i] - drift).norm_squared();
                    counts[k] += 1;
                }
            }
        }
        let mean = |k: usize| {
            if counts[k] > 0 {
                sums[k] / counts[k] as f64
            } else {
                f64::NAN
            }
        };
        MsdSample {
            all: (sums[0] + sums[1]) / (counts[0] + counts[1]).max(1) as f64,
            surface: mean(1),
            interior: mean(0),
        }
    }
}

/// All atoms of a particle, sorted.
fn members(p: &Shells) -> Vec<u32> {
    let mut m: Vec<u32> = p.interior.iter().chain(&p.surface).copied().collect();
    m.sort_unstable();
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{SimBox, SpeciesTable};

    #[test]
    fn rigid_translations_of_particles_are_not_displacements() {
        let b = SimBox::new([-50.0; 3], [50.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Pt"]).unwrap());
        for k in 0..8u64 {
            let x = Vec3::new((k % 2) as f64, ((k / 2) % 2) as f64, (k / 4) as f64) * 2.8;
            s.push(k + 1, 0, x, Vec3::zeros());
            s.push(k + 9, 0, x + Vec3::new(10.0, 0.0, 0.0), Vec3::zeros());
        }
        // Two particles (even and odd indices), one interior atom each.
        let shells = |first: u32| Shells {
            interior: vec![first],
            surface: (1..8).map(|k| first + 2 * k).collect(),
        };
        let tracker = MsdTracker::new(&s, vec![shells(0), shells(1)]);
        assert_eq!((tracker.interior_atoms(), tracker.surface_atoms()), (2, 14));
        // The particles approach each other by 1.5 A each: no MSD.
        for (i, x) in s.positions.iter_mut().enumerate() {
            x.x += if i % 2 == 0 { 1.5 } else { -1.5 };
        }
        let m = tracker.measure(&s);
        assert!(
            m.all < 1e-24 && m.interior < 1e-24 && m.surface < 1e-24,
            "{m:?}"
        );
        // One surface atom of particle 1 moves 0.8 A: the particle's centre moves 0.1 A with it.
        s.positions[2].y += 0.8;
        let m = tracker.measure(&s);
        let surface = (0.7f64.powi(2) + 6.0 * 0.1f64.powi(2)) / 14.0;
        let interior = 0.1f64.powi(2) / 2.0;
        assert!((m.surface - surface).abs() < 1e-12, "{m:?}");
        assert!((m.interior - interior).abs() < 1e-12, "{m:?}");
    }
}
