//! The slab neck of two particles on sites: KMC's neck measurement.
//!
//! The slab neck is the set of occupied sites in the contact plane. (MD analyses measure the
//! bond neck instead, the cross-section of bonds through the narrowest plane,
//! [`crate::analysis::neck`]; the two differ on the same atoms, so the `Kmc` stage of a run
//! reports both at the hand-off.) On a crystal that plane is the
//! lattice plane (of particle 1's lattice) perpendicular to the contact axis nearest to the
//! contact point; the slab of one plane spacing d around it holds exactly that plane. On a mesh it
//! is a slab one site spacing thick centred on the contact point. Each occupied site in the slab
//! stands for the area 1 / sigma, where sigma = rho d is the areal density of sites in a slab of
//! thickness d cut from a site density rho (fcc: 4 / a^3; mesh: sites per box volume):
//!
//! A = N_neck / sigma,   r = sqrt(A / pi),
//!
//! reported as r [A] and r / R with R the particle radius. Only sites within R of the axis are
//! looked at (a neck cannot be wider than the particles).

use serde::{Deserialize, Serialize};

use super::lattice::{FccLattice, SiteSet};
use crate::error::{Error, Result};
use crate::system::Vec3;

/// Neck radius r = sqrt(A / pi) [A] of a neck of area `area` [A^2].
pub fn neck_radius(area: f64) -> f64 {
    (area / std::f64::consts::PI).sqrt()
}

/// The sites of the contact slab and what one occupied site there stands for.
#[derive(Clone, Debug)]
pub struct SlabNeckProbe {
    slab_sites: Vec<u32>,
    /// Areal density sigma of sites in the slab [1/A^2].
    pub areal_density: f64,
    /// Slab thickness [A].
    pub thickness: f64,
    /// Centre of the slab [A].
    pub plane_point: Vec3,
    /// Unit normal of the slab (the contact axis).
    pub axis: Vec3,
    /// Particle radius R [A].
    pub particle_radius: f64,
}

/// One neck measurement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlabNeckSample {
    /// Simulated time [s].
    pub time: f64,
    /// Events executed so far.
    pub events: u64,
    /// Occupied sites in the contact slab.
    pub neck_sites: usize,
    /// Neck area [A^2].
    pub area: f64,
    /// Neck radius r [A].
    pub radius: f64,
    /// r / R.
    pub radius_over_particle: f64,
}

impl SlabNeckProbe {
    /// A probe of the slab of `thickness` [A] centred on `plane_point` with unit normal `axis`,
    /// for sites of number density `density` [1/A^3], between particles of radius
    /// `particle_radius` [A].
    pub fn slab(
        sites: &SiteSet,
        plane_point: Vec3,
        axis: Vec3,
        thickness: f64,
        density: f64,
        particle_radius: f64,
    ) -> Result<Self> {
        if !(thickness > 0.0) || !(density > 0.0) || !(particle_radius > 0.0) {
            return Err(Error::invalid(
                "neck: slab thickness, site density and particle radius must be positive",
            ));
        }
        let axis = axis.normalize();
        let half = 0.5 * thickness;
        let r2 = particle_radius * particle_radius;
        let slab_sites = (0..sites.len())
            .filter(|&i| {
                let d = sites.positions[i] - plane_point;
                let s = d.dot(&axis);
                s.abs() < half && (d - s * axis).norm_squared() <= r2
            })
            .map(|i| i as u32)
            .collect();
        Ok(SlabNeckProbe {
            slab_sites,
            areal_density: density * thickness,
            thickness,
            plane_point,
            axis,
            particle_radius,
        })
    }

    /// The probe for a crystal: the lattice plane of `lattice` perpendicular to `axis` nearest to
    /// `contact`. Errors when the axis is not a lattice direction.
    pub fn crystal(
        sites: &SiteSet,
        lattice: &FccLattice,
        contact: Vec3,
        axis: Vec3,
        particle_radius: f64,
    ) -> Result<Self> {
        let axis = axis.normalize();
        let d = lattice.plane_spacing(&axis).ok_or_else(|| {
            Error::invalid("neck: the contact axis is not a lattice direction of particle 1")
        })?;
        // Lattice planes lie at origin . axis + k d.
        let s = (lattice.origin - contact).dot(&axis);
        let offset = s - (s / d).round() * d;
        Self::slab(
            sites,
            contact + offset * axis,
            axis,
            d,
            lattice.density(),
            particle_radius,
        )
    }

    /// The probe for a mesh: a slab one site spacing thick centred on `contact`, with the mesh's
    /// site density.
    pub fn mesh(sites: &SiteSet, contact: Vec3, axis: Vec3, particle_radius: f64) -> Result<Self> {
        Self::slab(
            sites,
            contact,
            axis,
            sites.spacing,
            sites.box_density(),
            particle_radius,
        )
    }

    /// Sites of the slab.
    pub fn slab_sites(&self) -> &[u32] {
        &self.slab_sites
    }

    /// Measures the neck for `occupancy` (non-zero = occupied) at `time` [s] after `events`.
    pub fn measure(&self, occupancy: &[u8], time: f64, events: u64) -> SlabNeckSample {
        let neck_sites = self
            .slab_sites
            .iter()
            .filter(|&&i| occupancy[i as usize] != 0)
            .count();
        let area = neck_sites as f64 / self.areal_density;
        let radius = neck_radius(area);
        SlabNeckSample {
            time,
            events,
            neck_sites,
            area,
            radius,
            radius_over_particle: radius / self.particle_radius,
        }
    }
}
