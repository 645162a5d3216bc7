//! Line plots written as PNG and SVG, with text drawn from an embedded font so that plots render
//! on machines without fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

/// DejaVu Sans reduced to ASCII, Greek and a few symbols (see font/LICENSE).
static FONT: &[u8] = include_bytes!("font/DejaVuSans-subset.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The font is compiled in and known to parse; a failure leaves text undrawn, not a crash.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// x values.
    pub x: Vec<f64>,
    /// y values (NaN values are skipped).
    pub y: Vec<f64>,
    /// Draw markers instead of a line.
    pub points: bool,
}

impl Series {
    /// A line series.
    pub fn line(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Self {
        Series {
            label: label.into(),
            x,
            y,
            points: false,
        }
    }

    /// A series drawn as markers.
    pub fn points(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Self {
        Series {
            label: label.into(),
            x,
            y,
            points: true,
        }
    }
}

/// A plot: axes labels (with units), curves, optional logarithmic axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    /// Title above the plot.
    pub title: String,
    /// x-axis label, with unit.
    pub x_label: String,
    /// y-axis label, with unit.
    pub y_label: String,
    /// Curves.
    pub series: Vec<Series>,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis.
    pub log_y: bool,
}

impl Plot {
    /// A linear plot.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Plot {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            log_x: false,
            log_y: false,
        }
    }

    /// Adds a curve.
    pub fn with(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }

    /// Writes `stem.png` and `stem.svg`.
    pub fn write(&self, stem: &Path) -> Result<()> {
        register_font();
        let png = stem.with_extension("png");
        let svg = stem.with_extension("svg");
        {
            let root = BitMapBackend::new(&png, (900, 600)).into_drawing_area();
            self.draw(&root)
                .map_err(|e| Error::invalid(format!("{}: {e}", png.display())))?;
            root.present()
                .map_err(|e| Error::invalid(format!("{}: {e}", png.display())))?;
        }
        let root = SVGBackend::new(&svg, (900, 600)).into_drawing_area();
        self.draw(&root)
            .map_err(|e| Error::invalid(format!("{}: {e}", svg.display())))?;
        root.present()
            .map_err(|e| Error::invalid(format!("{}: {e}", svg.display())))?;
        Ok(())
    }

    fn range(&self, axis: usize, log: bool) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|s| if axis == 0 { s.x.iter() } else { s.y.iter() });
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values {
            if v.is_finite() && (!log || v > 0.0) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !lo.is_finite() {
            return if log { (1.0, 10.0) } else { (0.0, 1.0) };
        }
        if log {
            return (lo / 1.2, hi * 1.2);
        }
        let pad = if hi > lo {
            0.05 * (hi - lo)
        } else {
            lo.abs().max(1.0) * 0.05
        };
        (lo - pad, hi + pad)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let (x0, x1) = self.range(0, self.log_x);
        let (y0, y1) = self.range(1, self.log_y);
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(&self.title, ("sans-serif", 24))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80);
        macro_rules! finish {
            ($chart:expr) => {{
                let mut chart = $chart;
                let mut mesh = chart.configure_mesh();
                mesh.x_desc(&self.x_label)
                    .y_desc(&self.y_label)
                    .label_style(("sans-serif", 15))
                    .axis_desc_style(("sans-serif", 17))
                    .light_line_style(RGBColor(235, 235, 235));
                // Log axes tick at values like 1e-5, which the default f64 formatting writes as
                // 9.999999999999999e-6.
                let log_label = |v: &f64| tick_label(*v);
                if self.log_x {
                    mesh.x_label_formatter(&log_label);
                }
                if self.log_y {
                    mesh.y_label_formatter(&log_label);
                }
                mesh.draw()?;
                for (k, s) in self.series.iter().enumerate() {
                    let color = Palette99::pick(k).to_rgba();
                    let pts: Vec<(f64, f64)> =
                        s.x.iter()
                            .zip(&s.y)
                            .filter(|(x, y)| {
                                x.is_finite()
                                    && y.is_finite()
                                    && (!self.log_x || **x > 0.0)
                                    && (!self.log_y || **y > 0.0)
                            })
                            .map(|(&x, &y)| (x, y))
                            .collect();
                    let legend_color = color;
                    if s.points {
                        chart
                            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?
                            .label(&s.label)
                            .legend(move |(x, y)| {
                                Circle::new((x + 10, y), 3, legend_color.filled())
                            });
                    } else {
                        chart
                            .draw_series(LineSeries::new(pts, color.stroke_width(2)))?
                            .label(&s.label)
                            .legend(move |(x, y)| {
                                PathElement::new(
                                    vec![(x, y), (x + 20, y)],
                                    legend_color.stroke_width(2),
                                )
                            });
                    }
                }
                if self.series.len() > 1 || self.series.iter().any(|s| !s.label.is_empty()) {
                    chart
                        .configure_series_labels()
                        .position(SeriesLabelPosition::UpperRight)
                        .label_font(("sans-serif", 15))
                        .background_style(WHITE.mix(0.85))
                        .border_style(BLACK)
                        .draw()?;
                }
            }};
        }
        match (self.log_x, self.log_y) {
            (false, false) => finish!(builder.build_cartesian_2d(x0..x1, y0..y1)?),
            (true, false) => finish!(builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1)?),
            (false, true) => finish!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale())?),
            (true, true) => {
                finish!(builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?)
            }
        }
        Ok(())
    }
}

/// A short tick label: up to 3 decimals for 0.01 <= |v| < 10^4, else 3 significant digits in
/// exponent form, trailing zeros dropped ("0.5", "20", "1e-5", "2.5e6").
fn tick_label(v: f64) -> String {
    fn trim(s: &str) -> &str {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            s
        }
    }
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if (1e-2..1e4).contains(&v.abs()) {
        trim(&format!("{v:.3}")).to_string()
    } else {
        let s = format!("{v:.2e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        format!("{}e{exponent}", trim(mantissa))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(9.999999999999999e-6), "1e-5");
        assert_eq!(tick_label(2.5e6), "2.5e6");
        assert_eq!(tick_label(20.0), "20");
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(0.0), "0");
    }

    #[test]
    fn writes_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let x: Vec<f64> = (1..50).map(|i| i as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| v.sqrt()).collect();
        let mut p = Plot::new("Neck radius", "time [ps]", "r [Å]").with(Series::line(
            "r",
            x.clone(),
            y.clone(),
        ));
        p.series.push(Series::points("data", x, y));
        p.log_x = true;
        p.log_y = true;
        p.write(&dir.path().join("neck")).unwrap();
        let png = std::fs::read(dir.path().join("neck.png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = std::fs::read_to_string(dir.path().join("neck.svg")).unwrap();
        assert!(svg.contains("<svg") && svg.contains("Neck radius"));
    }
}
