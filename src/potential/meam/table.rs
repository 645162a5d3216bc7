//! The pair function on a radial grid, interpolated as LAMMPS `pair_style meam` does.
//!
//! LAMMPS evaluates phi at n = 1000 points r_k = k dr, dr = 1.1 rc / n, and interpolates with
//! cubic pieces y(p) = y_k + c1_k p + c2_k p^2 + c3_k p^3 on [r_k, r_k+1], p = r/dr - k. The
//! slopes c1 are finite differences of the tabulated values (fourth-order centred inside, lower
//! order at the ends, 0 at the last point); c2 and c3 make the piece match y and c1 at both ends
//! (a cubic Hermite interpolant, continuous with a continuous first derivative). The force uses
//! the exact derivative of the piece. Matching LAMMPS to 1e-10 needs this same interpolant, not
//! the analytic phi.

/// Number of table points (LAMMPS `nr`).
pub const TABLE_POINTS: usize = 1000;

/// A tabulated function of r with LAMMPS's MEAM interpolation.
#[derive(Clone, Debug, PartialEq)]
pub struct RadialTable {
    /// Grid spacing dr [A].
    spacing: f64,
    inv_spacing: f64,
    /// Per interval k: y_k, c1_k, c2_k, c3_k (value coefficients in p), then c1/dr, 2 c2/dr,
    /// 3 c3/dr (derivative coefficients, precomputed as LAMMPS does).
    coefficients: Vec<[f64; 7]>,
}

impl RadialTable {
    /// Tables `values[k]` = f(k `spacing`) [units of f], spacing in [A].
    pub fn new(values: &[f64], spacing: f64) -> Self {
        let n = values.len();
        assert!(n >= 5, "a radial table needs at least 5 points");
        let y = values;
        let mut slope = vec![0.0; n];
        slope[0] = y[1] - y[0];
        slope[1] = 0.5 * (y[2] - y[0]);
        slope[n - 2] = 0.5 * (y[n - 1] - y[n - 3]);
        slope[n - 1] = 0.0;
        for k in 2..n - 2 {
            slope[k] = ((y[k - 2] - y[k + 2]) + 8.0 * (y[k + 1] - y[k - 1])) / 12.0;
        }
        let coefficients = (0..n)
            .map(|k| {
                let (c2, c3) = if k + 1 < n {
                    let dy = y[k + 1] - y[k];
                    (
                        3.0 * dy - 2.0 * slope[k] - slope[k + 1],
                        slope[k] + slope[k + 1] - 2.0 * dy,
                    )
                } else {
                    (0.0, 0.0)
                };
                let c1 = slope[k];
                [
                    y[k],
                    c1,
                    c2,
                    c3,
                    c1 / spacing,
                    2.0 * c2 / spacing,
                    3.0 * c3 / spacing,
                ]
            })
            .collect();
        RadialTable {
            spacing,
            inv_spacing: 1.0 / spacing,
            coefficients,
        }
    }

    /// Grid spacing [A].
    pub fn spacing(&self) -> f64 {
        self.spacing
    }

    /// Interpolated value and derivative d/dr [per A] at `r` [A] (r >= 0). Beyond the table the
    /// last interval is used with p clamped to 1, as LAMMPS does.
    #[inline]
    pub fn evaluate(&self, r: f64) -> (f64, f64) {
        let x = r * self.inv_spacing;
        let last = self.coefficients.len() - 2;
        let k = (x as usize).min(last);
        let p = (x - k as f64).min(1.0);
        let [c0, c1, c2, c3, d1, d2, d3] = self.coefficients[k];
        let value = ((c3 * p + c2) * p + c1) * p + c0;
        let slope = (d3 * p + d2) * p + d1;
        (value, slope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_nodes_and_smooth_functions() {
        let dr = 0.01;
        let f = |r: f64| (-(r - 2.0) * (r - 2.0)).exp() * r.sin();
        let df = |r: f64| (-(r - 2.0) * (r - 2.0)).exp() * (r.cos() - 2.0 * (r - 2.0) * r.sin());
        let values: Vec<f64> = (0..500).map(|k| f(k as f64 * dr)).collect();
        let t = RadialTable::new(&values, dr);
        for k in [3usize, 100, 250, 400] {
            let (v, _) = t.evaluate(k as f64 * dr);
            assert!((v - values[k]).abs() < 1e-14);
        }
        for &r in &[0.333, 1.2345, 2.5, 4.0] {
            let (v, d) = t.evaluate(r);
            assert!((v - f(r)).abs() < 1e-8, "{r}");
            assert!((d - df(r)).abs() < 1e-5, "{r}: {d} {}", df(r));
        }
    }

    #[test]
    fn derivative_is_that_of_the_interpolant() {
        let values: Vec<f64> = (0..50).map(|k| ((k * 7919) % 13) as f64).collect();
        let t = RadialTable::new(&values, 0.1);
        for &r in &[0.05, 0.777, 2.31, 4.66] {
            let h = 1e-7;
            let fd = (t.evaluate(r + h).0 - t.evaluate(r - h).0) / (2.0 * h);
            assert!((t.evaluate(r).1 - fd).abs() < 1e-5, "{r}");
        }
    }
}
