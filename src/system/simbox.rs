//! The simulation box: orthorhombic, periodic or free per axis.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::system::Vec3;

/// An orthorhombic box `[lo, hi)` with periodic or free boundaries chosen per axis.
///
/// Along a free axis atoms may sit anywhere (inside or outside `[lo, hi)`): the bounds only
/// describe the region written to output files. Wrapping and the minimum image apply only along
/// periodic axes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimBox {
    /// Lower corner [A].
    pub lo: [f64; 3],
    /// Upper corner [A].
    pub hi: [f64; 3],
    /// Periodicity of x, y, z.
    pub periodic: [bool; 3],
}

impl SimBox {
    /// The box around `points` [A] with `margin` [A] on every side and the given periodicity
    /// (from 0 to 1 A along every axis when there are no points); errors if an edge is not
    /// positive.
    pub fn around(
        points: impl IntoIterator<Item = Vec3>,
        margin: f64,
        periodic: [bool; 3],
    ) -> Result<Self> {
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for p in points {
            for k in 0..3 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        if !lo[0].is_finite() {
            return SimBox::new([0.0; 3], [1.0; 3], periodic);
        }
        SimBox::new(lo.map(|v| v - margin), hi.map(|v| v + margin), periodic)
    }

    /// A box from `lo` to `hi` [A] with the given periodicity; errors if an edge is not positive.
    pub fn new(lo: [f64; 3], hi: [f64; 3], periodic: [bool; 3]) -> Result<Self> {
        for k in 0..3 {
            if !(hi[k] - lo[k] > 0.0) || !lo[k].is_finite() || !hi[k].is_finite() {
                return Err(Error::invalid(format!(
                    "box edge {} has lo {} >= hi {}",
                    ["x", "y", "z"][k],
                    lo[k],
                    hi[k]
                )));
            }
        }
        Ok(SimBox { lo, hi, periodic })
    }

    /// Translation [A] of the periodic image `cells` box lengths away along each axis.
    pub fn translation(&self, cells: [i64; 3]) -> Vec3 {
        let l = self.lengths();
        Vec3::new(
            cells[0] as f64 * l.x,
            cells[1] as f64 * l.y,
            cells[2] as f64 * l.z,
        )
    }

    /// Edge lengths [A].
    pub fn lengths(&self) -> Vec3 {
        Vec3::new(
            self.hi[0] - self.lo[0],
            self.hi[1] - self.lo[1],
            self.hi[2] - self.lo[2],
        )
    }

    /// Volume [A^3].
    pub fn volume(&self) -> f64 {
        let l = self.lengths();
        l.x * l.y * l.z
    }

    /// True when every axis is periodic (the volume, hence the pressure, is well defined).
    pub fn fully_periodic(&self) -> bool {
        self.periodic.iter().all(|&p| p)
    }

    /// Maps `x` into `[lo, hi)` along periodic axes and counts the crossings in `image`.
    pub fn wrap(&self, x: &mut Vec3, image: &mut [i32; 3]) {
        for k in 0..3 {
            if !self.periodic[k] {
                continue;
            }
            let len = self.hi[k] - self.lo[k];
            let shift = ((x[k] - self.lo[k]) / len).floor();
            if shift != 0.0 {
                x[k] -= shift * len;
                image[k] += shift as i32;
            }
            // Round-off can leave x == hi after the shift; keep the half-open interval.
            if x[k] >= self.hi[k] {
                x[k] -= len;
                image[k] += 1;
            }
            if x[k] < self.lo[k] {
                x[k] = self.lo[k];
            }
        }
    }

    /// The shortest periodic image of the separation `d` [A]; free axes are left unchanged.
    pub fn minimum_image(&self, mut d: Vec3) -> Vec3 {
        for k in 0..3 {
            if self.periodic[k] {
                let len = self.hi[k] - self.lo[k];
                d[k] -= len * (d[k] / len).round();
            }
        }
        d
    }

    /// The position `x` [A] unwrapped by its image counts.
    pub fn unwrap(&self, x: &Vec3, image: &[i32; 3]) -> Vec3 {
        let l = self.lengths();
        Vec3::new(
            x.x + image[0] as f64 * l.x,
            x.y + image[1] as f64 * l.y,
            x.z + image[2] as f64 * l.z,
        )
    }

    /// LAMMPS-style boundary string, e.g. `"p p f"`.
    pub fn boundary_string(&self) -> String {
        self.periodic
            .iter()
            .map(|&p| if p { "p" } else { "f" })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Parses a LAMMPS `boundary` style string: three of `p` (periodic) or `f`/`s`/`m` (free).
pub fn parse_boundary(text: &str) -> Result<[bool; 3]> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() != 3 {
        return Err(Error::invalid(format!(
            "boundary \"{text}\" must have three words, one per axis (p = periodic, f = free)"
        )));
    }
    let mut out = [false; 3];
    for (k, w) in words.iter().enumerate() {
        out[k] = match *w {
            "p" => true,
            "f" | "s" | "m" => false,
            other => {
                return Err(Error::invalid(format!(
                    "boundary \"{text}\": unknown style \"{other}\" (use p or f)"
                )));
            }
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_minimum_image() {
        let b = SimBox::new([0.0; 3], [10.0, 10.0, 10.0], [true, true, false]).unwrap();
        let mut x = Vec3::new(-0.5, 25.0, -3.0);
        let mut img = [0; 3];
        b.wrap(&mut x, &mut img);
        assert_eq!(x, Vec3::new(9.5, 5.0, -3.0));
        assert_eq!(img, [-1, 2, 0]);
        assert_eq!(b.unwrap(&x, &img), Vec3::new(-0.5, 25.0, -3.0));
        let d = b.minimum_image(Vec3::new(6.0, -7.0, 8.0));
        assert_eq!(d, Vec3::new(-4.0, 3.0, 8.0));
    }

    #[test]
    fn boundary_strings() {
        assert_eq!(parse_boundary("p p f").unwrap(), [true, true, false]);
        assert!(parse_boundary("p p").is_err());
        assert!(parse_boundary("p x p").is_err());
    }
}
