//! Log-log plot of neck radius against time with the power-law fit, as PNG and SVG (drawn by the
//! shared [`crate::report::plot`] module, whose embedded font renders anywhere).

use std::path::Path;

use super::fit::PowerLawFit;
use super::neck::NeckSample;
use crate::error::Result;
use crate::report::plot::{Plot, Series};

/// Writes `stem.png` and `stem.svg` in `dir`: the samples with t > 0 and r > 0 as points, the
/// fit (if any) as a line over its window. Returns false (and writes nothing) with fewer than two
/// such samples.
pub fn plot_neck_growth(
    dir: &Path,
    stem: &str,
    title: &str,
    samples: &[NeckSample],
    fit: Option<&PowerLawFit>,
) -> Result<bool> {
    let (t, r): (Vec<f64>, Vec<f64>) = samples
        .iter()
        .filter(|s| s.time > 0.0 && s.radius > 0.0)
        .map(|s| (s.time, s.radius))
        .unzip();
    if t.len() < 2 {
        return Ok(false);
    }
    let mut plot =
        Plot::new(title, "time [s]", "neck radius r [A]").with(Series::points("KMC", t, r));
    if let Some(f) = fit {
        let n = 50;
        let (ft, fr): (Vec<f64>, Vec<f64>) = (0..=n)
            .map(|k| {
                let t = f.t_min * (f.t_max / f.t_min).powf(k as f64 / n as f64);
                (t, f.radius_at(t))
            })
            .unzip();
        plot = plot.with(Series::line(
            format!(
                "fit r^n = K t: n = {:.2} +/- {:.2} ({:.1e} to {:.1e} s)",
                f.exponent, f.exponent_error, f.t_min, f.t_max
            ),
            ft,
            fr,
        ));
    }
    plot.log_x = true;
    plot.log_y = true;
    plot.write(&dir.join(stem))?;
    Ok(true)
}
