//! Particle shapes carved out of a site set.
//!
//! A shape answers three questions in its particle's own frame (the crystal frame of its lattice,
//! centred on the particle): is a point inside (optionally with the surface pushed out by
//! `inflate`), how far does the particle reach along a direction (its support function), and what
//! is its equivalent radius (for r/R). Spheres are built here; Wulff polyhedra from the structure
//! builder plug in as another [`ShapeSpec`] variant implementing [`ParticleShape`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::system::Vec3;

/// A particle shape in its own frame.
pub trait ParticleShape: std::fmt::Debug + Send + Sync {
    /// True when `local` [A] (relative to the particle centre, in the particle frame) lies inside
    /// the shape with its surface moved outwards by `inflate` [A].
    fn contains(&self, local: &Vec3, inflate: f64) -> bool;
    /// Largest extent along the unit direction `dir` (particle frame): max over the shape of
    /// x . dir [A].
    fn support(&self, dir: &Vec3) -> f64;
    /// Radius of the sphere of equal volume [A]; the R of r/R.
    fn equivalent_radius(&self) -> f64;
    /// Radius of a sphere about the centre that contains the shape [A].
    fn bounding_radius(&self) -> f64;
}

/// A sphere.
#[derive(Clone, Debug, PartialEq)]
pub struct Sphere {
    /// Radius [A].
    pub radius: f64,
}

impl ParticleShape for Sphere {
    fn contains(&self, local: &Vec3, inflate: f64) -> bool {
        let r = self.radius + inflate;
        local.norm_squared() <= r * r
    }
    fn support(&self, _dir: &Vec3) -> f64 {
        self.radius
    }
    fn equivalent_radius(&self) -> f64 {
        self.radius
    }
    fn bounding_radius(&self) -> f64 {
        self.radius
    }
}

/// Particle shape as written in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ShapeSpec {
    /// A sphere of the given diameter [A].
    Sphere {
        /// Diameter [A].
        diameter: f64,
    },
}

impl ShapeSpec {
    /// The shape, with its parameters checked.
    pub fn build(&self) -> Result<Box<dyn ParticleShape>> {
        match *self {
            ShapeSpec::Sphere { diameter } => {
                if !(diameter > 0.0) || !diameter.is_finite() {
                    return Err(Error::invalid(format!(
                        "sphere diameter {diameter} A must be positive"
                    )));
                }
                Ok(Box::new(Sphere {
                    radius: 0.5 * diameter,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphere() {
        let s = ShapeSpec::Sphere { diameter: 10.0 }.build().unwrap();
        assert!(s.contains(&Vec3::new(4.9, 0.0, 0.0), 0.0));
        assert!(!s.contains(&Vec3::new(5.1, 0.0, 0.0), 0.0));
        assert!(s.contains(&Vec3::new(5.1, 0.0, 0.0), 0.2));
        assert_eq!(s.support(&Vec3::x()), 5.0);
        assert!(ShapeSpec::Sphere { diameter: -1.0 }.build().is_err());
    }
}
