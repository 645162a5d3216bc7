//! Power-law fit of neck growth: r^n = K t.
//!
//! Taking logarithms, ln r = (1/n) ln t + (1/n) ln K: an ordinary least-squares line
//! y = A + B x through (x, y) = (ln t, ln r) over the chosen time window gives n = 1 / B and
//! K = exp(n A). The standard error of the slope is s_B = sqrt(SSR / (m - 2) / S_xx) for m points,
//! and that of n follows by error propagation, s_n = s_B / B^2.

use serde::Serialize;

use crate::error::{Error, Result};

/// Result of fitting r^n = K t.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PowerLawFit {
    /// Exponent n.
    pub exponent: f64,
    /// Standard error of n.
    pub exponent_error: f64,
    /// Slope B = 1/n of ln r against ln t.
    pub slope: f64,
    /// Standard error of the slope.
    pub slope_error: f64,
    /// Prefactor K [A^n / s].
    pub prefactor: f64,
    /// First time of the window [s].
    pub t_min: f64,
    /// Last time of the window [s].
    pub t_max: f64,
    /// Points used.
    pub points: usize,
}

impl PowerLawFit {
    /// The fitted neck radius r(t) = (K t)^(1/n) [A] at time `t` [s].
    pub fn radius_at(&self, t: f64) -> f64 {
        (self.prefactor * t).powf(1.0 / self.exponent)
    }
}

/// Fits r^n = K t to the points with `t_min <= t <= t_max` and t, r > 0 (`times` [s], `radii`
/// [A]). Needs at least three points and a non-zero slope.
pub fn fit_power_law(times: &[f64], radii: &[f64], t_min: f64, t_max: f64) -> Result<PowerLawFit> {
    let points: Vec<(f64, f64)> = times
        .iter()
        .zip(radii)
        .filter(|&(&t, &r)| t >= t_min && t <= t_max && t > 0.0 && r > 0.0)
        .map(|(&t, &r)| (t.ln(), r.ln()))
        .collect();
    let m = points.len();
    if m < 3 {
        return Err(Error::invalid(format!(
            "fit: only {m} points in the window [{t_min:e}, {t_max:e}] s; need at least 3"
        )));
    }
    let mf = m as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / mf;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / mf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if !(sxx > 0.0) {
        return Err(Error::invalid(
            "fit: all points of the window share one time",
        ));
    }
    let slope = sxy / sxx;
    if slope == 0.0 {
        return Err(Error::invalid(
            "fit: the neck radius does not change in the window",
        ));
    }
    let intercept = mean_y - slope * mean_x;
    let ssr: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let slope_error = (ssr / (mf - 2.0) / sxx).sqrt();
    let exponent = 1.0 / slope;
    let (t_lo, t_hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
    Ok(PowerLawFit {
        exponent,
        exponent_error: slope_error / (slope * slope),
        slope,
        slope_error,
        prefactor: (exponent * intercept).exp(),
        t_min: t_lo.exp(),
        t_max: t_hi.exp(),
        points: m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_power_law_is_recovered() {
        // r^7 = 3 t.
        let t: Vec<f64> = (0..30).map(|k| 10f64.powf(-6.0 + 0.2 * k as f64)).collect();
        let r: Vec<f64> = t.iter().map(|&t| (3.0 * t).powf(1.0 / 7.0)).collect();
        let f = fit_power_law(&t, &r, 0.0, f64::INFINITY).unwrap();
        assert!((f.exponent - 7.0).abs() < 1e-10);
        assert!((f.prefactor - 3.0).abs() < 1e-8);
        assert!(f.exponent_error < 1e-8);
        assert!((f.radius_at(2.0) - 6f64.powf(1.0 / 7.0)).abs() < 1e-10);
    }

    #[test]
    fn error_matches_textbook_formula() {
        // y = x + noise on 4 points: slope error by hand.
        let x = [0.0f64, 1.0, 2.0, 3.0];
        let y = [0.1f64, 0.9, 2.1, 2.9];
        let t: Vec<f64> = x.iter().map(|v| v.exp()).collect();
        let r: Vec<f64> = y.iter().map(|v| v.exp()).collect();
        let f = fit_power_law(&t, &r, 0.0, f64::INFINITY).unwrap();
        // slope 0.96, intercept 0.06, residuals 0.04,-0.12,0.12,-0.04: SSR = 0.032, Sxx = 5.
        assert!((f.slope - 0.96).abs() < 1e-12);
        let se = (0.032f64 / 2.0 / 5.0).sqrt();
        assert!((f.slope_error - se).abs() < 1e-12);
        assert!((f.exponent_error - se / 0.96f64.powi(2)).abs() < 1e-12);
        assert!(fit_power_law(&t, &r, 10.0, 20.0).is_err());
    }
}
