//! LAMMPS's cubic interpolation of EAM tables (`pair_eam.cpp`, `interpolate` and the lookups in
//! `compute`), reproduced operation for operation so that energies agree with LAMMPS to round-off.
//!
//! A table holds `n` values `f_m = f(x_0 + m delta)`, m = 0..n-1 (LAMMPS numbers them 1..n). The
//! slope at each point is a five-point central difference (one-sided three-point and two-point
//! rules at the ends):
//!
//! s_0 = f_1 - f_0,   s_1 = (f_2 - f_0)/2,   s_m = ((f_{m-2} - f_{m+2}) + 8 (f_{m+1} - f_{m-1}))/12,
//! s_{n-2} = (f_{n-1} - f_{n-3})/2,   s_{n-1} = f_{n-1} - f_{n-2}   (slopes per grid step).
//!
//! Between points m and m+1, with p in [0, 1] the fraction of the step, the cubic Hermite
//! interpolant is `f(p) = ((c3 p + c4) p + c5) p + c6` with c6 = f_m, c5 = s_m,
//! c4 = 3 (f_{m+1} - f_m) - 2 s_m - s_{m+1}, c3 = s_m + s_{m+1} - 2 (f_{m+1} - f_m), and its
//! derivative with respect to x is `((c0 p + c1) p + c2)` with c0 = 3 c3 / delta,
//! c1 = 2 c4 / delta, c2 = c5 / delta. The last point has c3 = c4 = 0.
//!
//! Lookup ([`locate`]): `p = x / delta + 1`, `m = trunc(p)` (1-based), clamped to `n - 1`, then
//! `p -= m` clamped to at most 1. Beyond the last point the table therefore holds the value and
//! slope of the last interval's end: distances past the table see a constant function, and
//! densities past the table are extrapolated linearly by the embedding pass (see
//! [`super::Eam`]).

use crate::error::{Error, Result};

/// The seven LAMMPS coefficients of one interval: `[c0, c1, c2]` give the derivative
/// (per unit of x), `[c3, c4, c5, c6]` the value.
pub type Coefficients = [f64; 7];

/// A tabulated function with LAMMPS's cubic-spline coefficients.
#[derive(Clone, Debug, PartialEq)]
pub struct SplineTable {
    /// Grid spacing (A for distances, density units for densities).
    pub delta: f64,
    /// One coefficient set per grid point.
    pub coefficients: Vec<Coefficients>,
}

impl SplineTable {
    /// Coefficients for `values` tabulated at spacing `delta`, as LAMMPS's `interpolate`.
    /// Needs at least 5 values.
    pub fn new(values: &[f64], delta: f64) -> Result<Self> {
        let n = values.len();
        if n < 5 {
            return Err(Error::invalid(format!(
                "an EAM table needs at least 5 points (got {n})"
            )));
        }
        if !(delta > 0.0) || !delta.is_finite() {
            return Err(Error::invalid(format!(
                "an EAM table spacing must be positive (got {delta})"
            )));
        }
        let f = values;
        let mut slope = vec![0.0; n];
        slope[0] = f[1] - f[0];
        slope[1] = 0.5 * (f[2] - f[0]);
        slope[n - 2] = 0.5 * (f[n - 1] - f[n - 3]);
        slope[n - 1] = f[n - 1] - f[n - 2];
        for m in 2..n - 2 {
            slope[m] = ((f[m - 2] - f[m + 2]) + 8.0 * (f[m + 1] - f[m - 1])) / 12.0;
        }
        let mut coefficients = vec![[0.0; 7]; n];
        for m in 0..n {
            let c = &mut coefficients[m];
            c[6] = f[m];
            c[5] = slope[m];
            if m + 1 < n {
                c[4] = 3.0 * (f[m + 1] - f[m]) - 2.0 * slope[m] - slope[m + 1];
                c[3] = slope[m] + slope[m + 1] - 2.0 * (f[m + 1] - f[m]);
            }
            c[2] = c[5] / delta;
            c[1] = 2.0 * c[4] / delta;
            c[0] = 3.0 * c[3] / delta;
        }
        Ok(SplineTable {
            delta,
            coefficients,
        })
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.coefficients.len()
    }

    /// True for a table without points (never produced by [`SplineTable::new`]).
    pub fn is_empty(&self) -> bool {
        self.coefficients.is_empty()
    }

    /// Value and derivative at `x`, looked up as LAMMPS does for distances (see [`locate`]).
    pub fn evaluate(&self, x: f64) -> (f64, f64) {
        let (m, p) = locate(x, 1.0 / self.delta, self.len());
        let c = &self.coefficients[m];
        (value(c, p), derivative(c, p))
    }
}

/// Interval index (0-based) and fraction `p` of `x` on a grid of `n` points with inverse spacing
/// `inverse_delta`, exactly as LAMMPS: `p = x/delta + 1`, `m = trunc(p)` clamped to
/// `1..=n-1` (1-based), `p -= m`, `p = min(p, 1)`. Below the grid (negative x) p is negative
/// and the first interval's cubic is extrapolated, as in LAMMPS.
#[inline(always)]
pub fn locate(x: f64, inverse_delta: f64, n: usize) -> (usize, f64) {
    let p = x * inverse_delta + 1.0;
    let m = (p as i64).clamp(1, n as i64 - 1);
    let p = (p - m as f64).min(1.0);
    ((m - 1) as usize, p)
}

/// Value of an interval's cubic at fraction `p`.
#[inline(always)]
pub fn value(c: &Coefficients, p: f64) -> f64 {
    ((c[3] * p + c[4]) * p + c[5]) * p + c[6]
}

/// Derivative (per unit of x) of an interval's cubic at fraction `p`.
#[inline(always)]
pub fn derivative(c: &Coefficients, p: f64) -> f64 {
    (c[0] * p + c[1]) * p + c[2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_cubics_in_the_interior_and_the_grid_values() {
        // The five-point slope is exact for cubics, so the interpolant is exact there.
        let f = |x: f64| 0.3 * x * x * x - x * x + 2.0 * x - 0.5;
        let df = |x: f64| 0.9 * x * x - 2.0 * x + 2.0;
        let delta = 0.1;
        let values: Vec<f64> = (0..50).map(|m| f(m as f64 * delta)).collect();
        let t = SplineTable::new(&values, delta).unwrap();
        for k in 30..400 {
            let x = 0.2 + k as f64 * 0.01;
            let (v, d) = t.evaluate(x);
            assert!((v - f(x)).abs() < 1e-12, "x {x}: {v} vs {}", f(x));
            assert!((d - df(x)).abs() < 1e-10, "x {x}: {d} vs {}", df(x));
        }
        for (m, v) in values.iter().enumerate() {
            assert!((t.evaluate(m as f64 * delta).0 - v).abs() < 1e-12);
        }
    }

    #[test]
    fn holds_the_last_value_past_the_table() {
        let values: Vec<f64> = (0..10).map(|m| (m * m) as f64).collect();
        let t = SplineTable::new(&values, 0.5).unwrap();
        assert_eq!(t.evaluate(4.5).0, 81.0);
        assert_eq!(t.evaluate(100.0).0, 81.0);
        assert_eq!(t.evaluate(100.0).1, t.evaluate(4.5).1);
    }

    #[test]
    fn locate_matches_lammps_clamping() {
        assert_eq!(locate(0.0, 10.0, 100), (0, 0.0));
        let (m, p) = locate(0.25, 10.0, 100);
        assert_eq!(m, 2);
        assert!((p - 0.5).abs() < 1e-12);
        assert_eq!(locate(50.0, 10.0, 100), (98, 1.0));
        let (m, p) = locate(-0.05, 10.0, 100);
        assert_eq!(m, 0);
        assert!((p + 0.5).abs() < 1e-12);
        assert!(SplineTable::new(&[1.0, 2.0, 3.0], 1.0).is_err());
    }
}
