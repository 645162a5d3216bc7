//! Log-log plot of neck radius against time with the power-law fit, as PNG and SVG.
//!
//! Text needs a TrueType font: the first of `$SINTERMD_FONT` and a few usual system paths
//! (DejaVu Sans, Liberation Sans, Arial) that exists is used. Without one the plots are skipped
//! with a message; the CSV holds the same data.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fit::PowerLawFit;
use super::neck::NeckSample;
use crate::error::{Error, Result};

const FONT_PATHS: [&str; 6] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// Registers a sans-serif font with plotters once; false when none was found.
fn font_available() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let env = std::env::var("SINTERMD_FONT").ok();
        let candidates = env.iter().map(String::as_str).chain(FONT_PATHS);
        for path in candidates {
            if let Ok(bytes) = std::fs::read(path) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return true;
                }
            }
        }
        false
    })
}

/// Writes `stem.png` and `stem.svg` in `dir`: the samples with t > 0 and r > 0 as points, the
/// fit (if any) as a line over its window. Returns false (and writes nothing) when no font is
/// available.
pub fn plot_neck_growth(
    dir: &Path,
    stem: &str,
    title: &str,
    samples: &[NeckSample],
    fit: Option<&PowerLawFit>,
) -> Result<bool> {
    if !font_available() {
        return Ok(false);
    }
    let points: Vec<(f64, f64)> = samples
        .iter()
        .filter(|s| s.time > 0.0 && s.radius > 0.0)
        .map(|s| (s.time, s.radius))
        .collect();
    if points.len() < 2 {
        return Ok(false);
    }
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    {
        let root = BitMapBackend::new(&png, (900, 650)).into_drawing_area();
        draw(&root, title, &points, fit).map_err(|e| Error::file(&png, e))?;
        root.present()
            .map_err(|e| Error::file(&png, e.to_string()))?;
    }
    {
        let root = SVGBackend::new(&svg, (900, 650)).into_drawing_area();
        draw(&root, title, &points, fit).map_err(|e| Error::file(&svg, e))?;
        root.present()
            .map_err(|e| Error::file(&svg, e.to_string()))?;
    }
    Ok(true)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    points: &[(f64, f64)],
    fit: Option<&PowerLawFit>,
) -> std::result::Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (t_lo, t_hi) = points
        .iter()
        .fold((f64::INFINITY, 0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (r_lo, r_hi) = points
        .iter()
        .fold((f64::INFINITY, 0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(65)
        .build_cartesian_2d(
            (t_lo / 1.5..t_hi * 1.5).log_scale(),
            (r_lo / 1.3..r_hi * 1.3).log_scale(),
        )
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("time [s]")
        .y_desc("neck radius r [A]")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .y_label_formatter(&|v| {
            if *v >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .label_style(("sans-serif", 15))
        .draw()
        .map_err(e)?;
    chart
        .draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 3, BLUE.mix(0.8).filled())),
        )
        .map_err(e)?
        .label("KMC")
        .legend(|(x, y)| Circle::new((x + 10, y), 3, BLUE.filled()));
    if let Some(f) = fit {
        let n = 50;
        let line: Vec<(f64, f64)> = (0..=n)
            .map(|k| {
                let t = f.t_min * (f.t_max / f.t_min).powf(k as f64 / n as f64);
                (t, f.radius_at(t))
            })
            .collect();
        chart
            .draw_series(LineSeries::new(line, RED.stroke_width(3)))
            .map_err(e)?
            .label(format!(
                "fit r^n = K t: n = {:.2} ± {:.2} ({:.1e}–{:.1e} s)",
                f.exponent, f.exponent_error, f.t_min, f.t_max
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(e)?;
    Ok(())
}
