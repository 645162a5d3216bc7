//! Power-law fit of neck growth: r^n = K t.
//!
//! Taking logarithms, ln r = (1/n) ln t + (1/n) ln K: an ordinary least-squares line
//! y = A + B x through (x, y) = (ln t, ln r) over the chosen time window gives n = 1 / B and
//! K = exp(n A). The standard error of the slope is s_B = sqrt(SSR / (m - 2) / S_xx) for m points,
//! and that of n follows by error propagation, s_n = s_B / B^2.
//!
//! A least-squares line exists for any three points, but it describes neck growth only when the
//! neck grows: [`fit_power_law`] refuses (with the reason) a window with fewer than
//! [`MIN_FIT_POINTS`] points, one where the radius grows by less than [`MIN_RADIUS_GROWTH`]
//! (r_last / r_first - 1), a slope that is not positive (n <= 0: the neck shrinks or stalls) and an
//! exponent above [`MAX_EXPONENT`] (the classical mechanisms give n = 2 to 7; larger values mean
//! the radius barely moved over many decades of time). A refused fit is reported as "no fit" with
//! that reason, never as a number.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Fewest points a fit accepts.
pub const MIN_FIT_POINTS: usize = 5;
/// Least relative growth of the neck radius across the window, r_last / r_first - 1.
pub const MIN_RADIUS_GROWTH: f64 = 0.1;
/// Largest exponent n a fit accepts.
pub const MAX_EXPONENT: f64 = 20.0;

/// Result of fitting r^n = K t.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
/// [A]). Refuses windows and results that do not describe growth (see the module documentation);
/// the error says why.
pub fn fit_power_law(times: &[f64], radii: &[f64], t_min: f64, t_max: f64) -> Result<PowerLawFit> {
    let points: Vec<(f64, f64)> = times
        .iter()
        .zip(radii)
        .filter(|&(&t, &r)| t >= t_min && t <= t_max && t > 0.0 && r > 0.0)
        .map(|(&t, &r)| (t.ln(), r.ln()))
        .collect();
    let m = points.len();
    if m < MIN_FIT_POINTS {
        return Err(Error::invalid(format!(
            "only {m} points in the window [{t_min:e}, {t_max:e}] s; need at least {MIN_FIT_POINTS}"
        )));
    }
    // The earliest and the latest point (samples need not come sorted); there are at least
    // MIN_FIT_POINTS points (checked above).
    let by_time = |a: &&(f64, f64), b: &&(f64, f64)| a.0.total_cmp(&b.0);
    let earliest = *points.iter().min_by(by_time).expect("points");
    let latest = *points.iter().max_by(by_time).expect("points");
    let (first, last) = (earliest.1.exp(), latest.1.exp());
    let growth = last / first - 1.0;
    if growth < MIN_RADIUS_GROWTH {
        return Err(Error::invalid(format!(
            "the neck radius goes from {first:.3} to {last:.3} A across the window \
             ({:+.1} %, less than the {:.0} % a growth law needs)",
            100.0 * growth,
            100.0 * MIN_RADIUS_GROWTH
        )));
    }
    let mf = m as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / mf;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / mf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if !(sxx > 0.0) {
        return Err(Error::invalid("all points of the window share one time"));
    }
    let slope = sxy / sxx;
    if !(slope > 0.0) {
        return Err(Error::invalid(format!(
            "ln r falls with ln t across the window (slope {slope:.3e}), so n would be \
             {:.3}: the neck does not grow as a power law",
            1.0 / slope
        )));
    }
    if 1.0 / slope > MAX_EXPONENT {
        return Err(Error::invalid(format!(
            "n = {:.1} is above {MAX_EXPONENT}: the neck radius barely changes over the \
             window's {:.1} decades of time",
            1.0 / slope,
            (latest.0 - earliest.0) / std::f64::consts::LN_10
        )));
    }
    let intercept = mean_y - slope * mean_x;
    let ssr: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let slope_error = (ssr / (mf - 2.0) / sxx).sqrt();
    let exponent = 1.0 / slope;
    let (t_lo, t_hi) = (earliest.0, latest.0);
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
        // y = x + noise on 5 points: slope error by hand.
        let x = [0.0f64, 1.0, 2.0, 3.0, 4.0];
        let y = [0.1f64, 0.9, 2.1, 2.9, 4.0];
        let t: Vec<f64> = x.iter().map(|v| v.exp()).collect();
        let r: Vec<f64> = y.iter().map(|v| v.exp()).collect();
        let f = fit_power_law(&t, &r, 0.0, f64::INFINITY).unwrap();
        // Sxx = 10, Sxy = 9.8: slope 0.98, intercept 2.0 - 0.98 * 2 = 0.04; residuals
        // 0.06, -0.12, 0.10, -0.08, 0.04: SSR = 0.036.
        assert!((f.slope - 0.98).abs() < 1e-12);
        let se = (0.036f64 / 3.0 / 10.0).sqrt();
        assert!((f.slope_error - se).abs() < 1e-12);
        assert!((f.exponent_error - se / 0.98f64.powi(2)).abs() < 1e-12);
        assert!(fit_power_law(&t, &r, 10.0, 20.0).is_err());
    }

    fn refusal(t: &[f64], r: &[f64]) -> String {
        fit_power_law(t, r, 0.0, f64::INFINITY)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn too_few_points_are_refused() {
        let t = [1.0, 2.0, 4.0, 8.0];
        let r = [1.0, 2.0, 3.0, 4.0];
        assert!(refusal(&t, &r).contains("only 4 points"));
    }

    #[test]
    fn a_shrinking_or_stalled_neck_is_refused() {
        let t: Vec<f64> = (0..8).map(|k| 10f64.powi(k - 6)).collect();
        // Grows overall by 20 % but falls along the fitted line (a dip then a late jump).
        let r = [10.0, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 12.0];
        assert!(
            refusal(&t, &r).contains("falls with ln t"),
            "{}",
            refusal(&t, &r)
        );
        // Shrinks: refused for too little growth before the slope is looked at.
        let shrinking: Vec<f64> = (0..8).map(|k| 10.0 - k as f64 * 0.1).collect();
        assert!(refusal(&t, &shrinking).contains("less than the 10 %"));
        // Barely grows (2 % over 7 decades): refused, not reported as n ~ 800.
        let flat: Vec<f64> = (0..8).map(|k| 10.0 + k as f64 * 0.03).collect();
        assert!(refusal(&t, &flat).contains("less than the 10 %"));
    }

    #[test]
    fn absurd_exponents_are_refused() {
        // r^30 = t over 12 decades: r grows by 150 %, yet n = 30 is no growth law.
        let t: Vec<f64> = (0..13).map(|k| 10f64.powi(k - 6)).collect();
        let r: Vec<f64> = t.iter().map(|&t| t.powf(1.0 / 30.0)).collect();
        assert!(refusal(&t, &r).contains("above 20"), "{}", refusal(&t, &r));
    }
}
