//! Crystal orientation: which crystal directions lie along the x, y and z axes of the output, and
//! the rotations MD structures and KMC lattices are turned by ([`orientation_matrix`],
//! [`axis_rotation`]), including the [`Turn`] of the second particle of a pair (MD and KMC alike).

use nalgebra::{Matrix3, Rotation3, Unit};
use serde::{Deserialize, Serialize};

use super::lattice::Lattice;
use crate::error::{Error, Result};
use crate::system::Vec3;

/// How the crystal is turned in the output frame. Without one, the conventional cell's edges lie
/// along x, y, z.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Orientation {
    /// Crystal directions `[uvw]` (on the Miller cell; see
    /// [`Lattice::miller_cell`]) along x, y and z, as LAMMPS's `orient`: mutually orthogonal and
    /// right-handed, e.g. `Axes(x: (1, -1, 0), y: (1, 1, -2), z: (1, 1, 1))`.
    Axes {
        /// Direction along x.
        x: [i32; 3],
        /// Direction along y.
        y: [i32; 3],
        /// Direction along z.
        z: [i32; 3],
    },
    /// The crystal turned by `degrees` (right-handed) about `axis` (Cartesian, crystal frame).
    Rotation {
        /// Rotation axis (any length but zero).
        axis: [f64; 3],
        /// Angle [degrees].
        degrees: f64,
    },
}

impl Orientation {
    /// The rotation taking crystal-frame vectors to the output frame.
    pub fn rotation(&self, lattice: &Lattice) -> Result<Rotation3<f64>> {
        match self {
            Orientation::Axes { x, y, z } => {
                let dirs = [*x, *y, *z].map(|d| lattice.direction(d));
                if dirs.iter().any(|d| d.norm() < 1e-12) {
                    return Err(Error::invalid("orientation: an axis is the zero vector"));
                }
                let u = dirs.map(|d| d.normalize());
                for (p, q, name) in [(0, 1, "x and y"), (0, 2, "x and z"), (1, 2, "y and z")] {
                    if u[p].dot(&u[q]).abs() > 1e-9 {
                        return Err(Error::invalid(format!(
                            "orientation: axes {name} ({:?} and {:?}) are not orthogonal",
                            [x, y, z][p],
                            [x, y, z][q]
                        )));
                    }
                }
                if u[0].cross(&u[1]).dot(&u[2]) < 0.0 {
                    return Err(Error::invalid(
                        "orientation: axes x, y, z are left-handed (reverse one of them)",
                    ));
                }
                let m = Matrix3::from_rows(&[u[0].transpose(), u[1].transpose(), u[2].transpose()]);
                Ok(Rotation3::from_matrix_unchecked(m))
            }
            Orientation::Rotation { axis, degrees } => {
                let v = Vec3::new(axis[0], axis[1], axis[2]);
                if !(v.norm() > 0.0) || !v.iter().all(|c| c.is_finite()) || !degrees.is_finite() {
                    return Err(Error::invalid(
                        "orientation: rotation needs a non-zero axis and a finite angle",
                    ));
                }
                Ok(Rotation3::from_matrix_unchecked(axis_rotation(
                    &v, *degrees,
                )))
            }
        }
    }

    /// Periods of an oriented periodic block along x, y, z [A]: the lengths of the axis vectors
    /// (lattice translations). Only [`Orientation::Axes`] keeps a block periodic.
    pub fn block_periods(&self, lattice: &Lattice) -> Result<[f64; 3]> {
        match self {
            Orientation::Axes { x, y, z } => Ok([*x, *y, *z].map(|d| lattice.direction(d).norm())),
            Orientation::Rotation { .. } => Err(Error::invalid(
                "a lattice block can only be oriented by crystal axes (Axes), which keep it periodic",
            )),
        }
    }
}

/// Crystal directions (Miller indices of the cubic cell) along world x, y, z, as LAMMPS `lattice ...
/// orient` (the orientation of a KMC fcc lattice).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatticeAxes {
    /// Direction along world x.
    pub x: [i64; 3],
    /// Direction along world y.
    pub y: [i64; 3],
    /// Direction along world z.
    pub z: [i64; 3],
}

impl Default for LatticeAxes {
    fn default() -> Self {
        LatticeAxes {
            x: [1, 0, 0],
            y: [0, 1, 0],
            z: [0, 0, 1],
        }
    }
}

impl LatticeAxes {
    /// The rotation matrix of these axes (see [`orientation_matrix`]).
    pub fn matrix(&self) -> Result<Matrix3<f64>> {
        orientation_matrix(self.x, self.y, self.z)
    }
}

/// Rotation matrix (crystal to world) whose rows are the crystal directions along world x, y, z,
/// as LAMMPS `lattice ... orient x ... orient y ... orient z ...`. The directions must be
/// mutually orthogonal and right-handed.
pub fn orientation_matrix(x: [i64; 3], y: [i64; 3], z: [i64; 3]) -> Result<Matrix3<f64>> {
    let v = |m: [i64; 3]| Vec3::new(m[0] as f64, m[1] as f64, m[2] as f64);
    let (vx, vy, vz) = (v(x), v(y), v(z));
    if vx.norm() == 0.0 || vy.norm() == 0.0 || vz.norm() == 0.0 {
        return Err(Error::invalid("orientation: directions must be non-zero"));
    }
    if vx.dot(&vy) != 0.0 || vx.dot(&vz) != 0.0 || vy.dot(&vz) != 0.0 {
        return Err(Error::invalid(format!(
            "orientation: directions {x:?}, {y:?}, {z:?} are not mutually orthogonal"
        )));
    }
    if vx.cross(&vy).dot(&vz) < 0.0 {
        return Err(Error::invalid(format!(
            "orientation: directions {x:?}, {y:?}, {z:?} are left-handed"
        )));
    }
    // Rows are the unit crystal directions along the world axes: R^T maps world to crystal.
    let rows = Matrix3::from_rows(&[
        vx.normalize().transpose(),
        vy.normalize().transpose(),
        vz.normalize().transpose(),
    ]);
    Ok(rows)
}

/// How the second particle of a pair is turned relative to its untwisted, untilted placement, in
/// one vocabulary for an MD pair ([`crate::structure::PairGeometry`], contact axis x) and a KMC
/// pair ([`crate::kmc::pair::PairSpec`], contact axis `axis`): twisted by `twist` about the
/// contact axis, then tilted by `tilt` about `tilt_axis`, both through the particle's centre
/// [degrees, right-hand rule]. RON: `second: (twist: 30, tilt: 5)`, every field optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Turn {
    /// Rotation about the contact axis [degrees].
    pub twist: f64,
    /// Rotation about `tilt_axis`, after the twist [degrees]; between -90 and 90, so that the
    /// particle's contact side still faces the first particle.
    #[serde(deserialize_with = "tilt_degrees")]
    pub tilt: f64,
    /// Axis of the tilt (world frame; any length but zero). Default z, (0, 0, 1).
    pub tilt_axis: [f64; 3],
}

/// Reads `tilt` as a number of degrees; the form of sintermd before 2026-12,
/// `tilt: (axis: ..., degrees: ...)`, is refused with the new spelling.
fn tilt_degrees<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tilt {
        Degrees(f64),
        Old {
            #[allow(dead_code)]
            axis: [f64; 3],
            #[allow(dead_code)]
            degrees: f64,
        },
    }
    match Tilt::deserialize(d)? {
        Tilt::Degrees(t) => Ok(t),
        Tilt::Old { .. } => Err(serde::de::Error::custom(
            "`tilt: (axis: A, degrees: D)` is now written `tilt: D, tilt_axis: A` \
             (and `twist_degrees: T` is `twist: T`)",
        )),
    }
}

impl Default for Turn {
    fn default() -> Self {
        Turn {
            twist: 0.0,
            tilt: 0.0,
            tilt_axis: [0.0, 0.0, 1.0],
        }
    }
}

impl Turn {
    /// Whether the turn leaves the particle as it is (no twist, no tilt).
    pub fn is_identity(&self) -> bool {
        self.twist == 0.0 && self.tilt == 0.0
    }

    /// Checks the numbers: twist finite, tilt strictly between -90 and 90 degrees, tilt axis
    /// finite and non-zero.
    pub fn validate(&self) -> Result<()> {
        if !self.twist.is_finite() {
            return Err(Error::invalid(format!(
                "pair: twist {} must be finite",
                self.twist
            )));
        }
        if !(self.tilt.abs() < 90.0) {
            return Err(Error::invalid(format!(
                "pair: tilt {} must be between -90 and 90 degrees",
                self.tilt
            )));
        }
        let axis = Vec3::from(self.tilt_axis);
        if !axis.iter().all(|c| c.is_finite()) || !(axis.norm() > 0.0) {
            return Err(Error::invalid(format!(
                "pair: tilt_axis {:?} must be finite and non-zero",
                self.tilt_axis
            )));
        }
        Ok(())
    }

    /// The rotation matrix of the turn about `contact_axis` (any length but zero): the twist
    /// about it, then the tilt about `tilt_axis`. A zero angle contributes an exact identity, so
    /// an untwisted, untilted turn is exactly the identity. Validates the turn first.
    pub fn matrix(&self, contact_axis: &Vec3) -> Result<Matrix3<f64>> {
        self.validate()?;
        let mut rot = Matrix3::identity();
        if self.twist != 0.0 {
            rot = axis_rotation(contact_axis, self.twist) * rot;
        }
        if self.tilt != 0.0 {
            rot = axis_rotation(&Vec3::from(self.tilt_axis), self.tilt) * rot;
        }
        Ok(rot)
    }
}

/// Rotation by `degrees` about `axis` (any non-zero vector, normalised here; right-hand rule).
pub fn axis_rotation(axis: &Vec3, degrees: f64) -> Matrix3<f64> {
    let rot = Rotation3::from_axis_angle(&Unit::new_normalize(*axis), degrees.to_radians());
    *rot.matrix()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::lattice::LatticeKind;

    #[test]
    fn turn_twists_about_the_contact_axis_then_tilts() {
        let t: Turn =
            crate::io::ron::parse_ron("(twist: 30, tilt: 5)", std::path::Path::new("t.ron"))
                .unwrap();
        assert_eq!(t.tilt_axis, [0.0, 0.0, 1.0]);
        assert_eq!((t.twist, t.tilt), (30.0, 5.0));
        let x = Vec3::x();
        let m = t.matrix(&x).unwrap();
        let expected = axis_rotation(&Vec3::z(), 5.0) * axis_rotation(&x, 30.0);
        assert_eq!(m, expected);
        // The twist leaves the contact axis alone; the tilt then turns it about z.
        assert!((m * x - axis_rotation(&Vec3::z(), 5.0) * x).norm() < 1e-15);
        // No angle: the exact identity; one angle: exactly that rotation.
        assert_eq!(Turn::default().matrix(&x).unwrap(), Matrix3::identity());
        assert!(Turn::default().is_identity());
        let twist = Turn {
            twist: 17.0,
            ..Turn::default()
        };
        assert_eq!(twist.matrix(&x).unwrap(), axis_rotation(&x, 17.0));
        assert!(
            crate::io::ron::parse_ron::<Turn>("(twist: 1, spin: 2)", std::path::Path::new("t.ron"))
                .is_err()
        );
        let old = crate::io::ron::parse_ron::<Turn>(
            "(tilt: (axis: (0, 0, 1), degrees: 10))",
            std::path::Path::new("t.ron"),
        )
        .unwrap_err();
        assert!(old.to_string().contains("tilt_axis"), "{old}");
    }

    #[test]
    fn turn_validation_names_the_bad_number() {
        let bad = |t: Turn| t.matrix(&Vec3::x()).unwrap_err().to_string();
        let d = Turn::default;
        assert!(
            bad(Turn {
                twist: f64::NAN,
                ..d()
            })
            .contains("twist")
        );
        assert!(bad(Turn { tilt: 90.0, ..d() }).contains("between -90 and 90"));
        assert!(
            bad(Turn {
                tilt: f64::INFINITY,
                ..d()
            })
            .contains("tilt")
        );
        let zero_axis = Turn {
            tilt: 5.0,
            tilt_axis: [0.0; 3],
            ..d()
        };
        assert!(bad(zero_axis).contains("tilt_axis"));
    }

    #[test]
    fn axes_map_directions_onto_x_y_z() {
        let l = Lattice::new(LatticeKind::Fcc, 4.0, None).unwrap();
        let o = Orientation::Axes {
            x: [1, -1, 0],
            y: [1, 1, -2],
            z: [1, 1, 1],
        };
        let r = o.rotation(&l).unwrap();
        let z = r * Vec3::new(1.0, 1.0, 1.0).normalize();
        assert!((z - Vec3::z()).norm() < 1e-12);
        let bad = Orientation::Axes {
            x: [1, 0, 0],
            y: [1, 1, 0],
            z: [0, 0, 1],
        };
        assert!(
            bad.rotation(&l)
                .unwrap_err()
                .to_string()
                .contains("not orthogonal")
        );
        let left = Orientation::Axes {
            x: [0, 1, 0],
            y: [1, 0, 0],
            z: [0, 0, 1],
        };
        assert!(left.rotation(&l).unwrap_err().to_string().contains("left"));
    }
}
