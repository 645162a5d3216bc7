//! Line plots written as PNG and SVG, with text drawn from an embedded font so that plots render
//! on machines without fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::io::write_atomic_with;

/// DejaVu Sans reduced to ASCII, Greek and a few symbols (see font/LICENSE).
static FONT: &[u8] = include_bytes!("font/DejaVuSans-subset.ttf");
static REGISTER: Once = Once::new();

pub(super) fn register_font() {
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
    /// Error of each y value (drawn as a vertical bar y +/- error on a linear y axis), if any.
    pub y_error: Option<Vec<f64>>,
    /// How the line is drawn (markers ignore it).
    pub dash: Dash,
}

/// The pattern of a line, to tell apart curves whose colours are close (and in print).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dash {
    /// Continuous.
    #[default]
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dashes, close together.
    Dotted,
}

impl Dash {
    /// Dash length and gap [pixels], for a broken line.
    fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((12, 6)),
            Dash::Dotted => Some((3, 4)),
        }
    }
}

impl Series {
    /// A line series.
    pub fn line(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Self {
        Series {
            label: label.into(),
            x,
            y,
            points: false,
            y_error: None,
            dash: Dash::Solid,
        }
    }

    /// The series drawn as a dashed line.
    pub fn dashed(self) -> Self {
        Series {
            dash: Dash::Dashed,
            ..self
        }
    }

    /// The series drawn as a dotted line.
    pub fn dotted(self) -> Self {
        Series {
            dash: Dash::Dotted,
            ..self
        }
    }

    /// A series drawn as markers.
    pub fn points(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Self {
        Series {
            label: label.into(),
            x,
            y,
            points: true,
            y_error: None,
            dash: Dash::Solid,
        }
    }

    /// Markers with error bars: y +/- `error` (NaN: no bar).
    pub fn points_with_errors(
        label: impl Into<String>,
        x: Vec<f64>,
        y: Vec<f64>,
        error: Vec<f64>,
    ) -> Self {
        Series {
            y_error: Some(error),
            ..Series::points(label, x, y)
        }
    }

    /// The error bars' ends (x, y - error, y + error), where y and a finite error are given.
    fn error_bars(&self) -> Vec<(f64, f64, f64)> {
        let Some(errors) = &self.y_error else {
            return Vec::new();
        };
        self.x
            .iter()
            .zip(&self.y)
            .zip(errors)
            .filter(|((x, y), e)| x.is_finite() && y.is_finite() && e.is_finite())
            .map(|((&x, &y), &e)| (x, y - e.abs(), y + e.abs()))
            .collect()
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
        write_panels(stem, std::slice::from_ref(self))
    }

    /// Data range of `axis` (0: x, 1: y) with a margin, error bars included on a linear y
    /// axis; positive values only on a log axis.
    fn range(&self, axis: usize, log: bool) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|s| if axis == 0 { s.x.clone() } else { s.y.clone() });
        let bars = self
            .series
            .iter()
            .filter(|_| axis == 1 && !log)
            .flat_map(|s| s.error_bars().into_iter().flat_map(|(_, lo, hi)| [lo, hi]));
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.chain(bars) {
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

    /// The drawn points of each series (finite, positive on log axes).
    fn points(&self, s: &Series) -> Vec<(f64, f64)> {
        s.x.iter()
            .zip(&s.y)
            .filter(|(x, y)| {
                x.is_finite()
                    && y.is_finite()
                    && (!self.log_x || **x > 0.0)
                    && (!self.log_y || **y > 0.0)
            })
            .map(|(&x, &y)| (x, y))
            .collect()
    }

    fn has_legend(&self) -> bool {
        self.series.iter().any(|s| !s.label.is_empty())
    }

    /// Where the legend goes and the y range that leaves room for it: the first corner of the
    /// plot area (upper right, upper left, lower right, lower left) where it covers no drawn point,
    /// line or error bar; if every corner would hide data, the upper right with the y range stretched
    /// upward until the data stay below the legend.
    fn legend_layout(&self, area_px: (u32, u32), x: (f64, f64), y: (f64, f64)) -> LegendLayout {
        // The plot area inside the margins, axis labels and title (see `draw`).
        let width = (area_px.0 as f64 - 125.0).max(50.0);
        let height = (area_px.1 as f64 - 120.0).max(50.0);
        let chars = self.series.iter().map(|s| s.label.chars().count()).max();
        let legend_w = 9.0 * chars.unwrap_or(0) as f64 + 70.0;
        let rows = self.series.iter().filter(|s| !s.label.is_empty()).count();
        if rows == 0 {
            return LegendLayout {
                position: SeriesLabelPosition::UpperRight,
                y_max: y.1,
            };
        }
        let legend_h = 22.0 * rows as f64 + 25.0;
        let box_w = (legend_w / width).min(1.0);
        let box_h = (legend_h / height).min(1.0);
        let frac = |v: f64, (lo, hi): (f64, f64), log: bool| {
            if log {
                (v.ln() - lo.ln()) / (hi.ln() - lo.ln())
            } else {
                (v - lo) / (hi - lo)
            }
        };
        let mut samples = Vec::new();
        for s in &self.series {
            let pts: Vec<(f64, f64)> = self
                .points(s)
                .into_iter()
                .map(|(px, py)| (frac(px, x, self.log_x), frac(py, y, self.log_y)))
                .collect();
            samples.extend(&pts);
            if !s.points {
                samples.extend(line_samples(&pts, 0.004));
            }
            if !self.log_y {
                for (bar_x, lo, hi) in s.error_bars() {
                    if !self.log_x || bar_x > 0.0 {
                        let u = frac(bar_x, x, self.log_x);
                        let bar = [(u, frac(lo, y, false)), (u, frac(hi, y, false))];
                        samples.extend(bar);
                        samples.extend(line_samples(&bar, 0.004));
                    }
                }
            }
        }
        let corners = [
            (SeriesLabelPosition::UpperRight, (1.0 - box_w, 1.0 - box_h)),
            (SeriesLabelPosition::UpperLeft, (0.0, 1.0 - box_h)),
            (SeriesLabelPosition::LowerRight, (1.0 - box_w, 0.0)),
            (SeriesLabelPosition::LowerLeft, (0.0, 0.0)),
        ];
        for (position, (u0, v0)) in corners {
            let hidden = samples
                .iter()
                .any(|&(u, v)| u >= u0 && u <= u0 + box_w && v >= v0 && v <= v0 + box_h);
            if !hidden {
                return LegendLayout {
                    position,
                    y_max: y.1,
                };
            }
        }
        // Stretch: the data (and the current top margin) keep the lower 1 - box_h of the height.
        let keep = (1.0 - box_h).max(0.2);
        let y_max = if self.log_y {
            (y.0.ln() + (y.1.ln() - y.0.ln()) / keep).exp()
        } else {
            y.0 + (y.1 - y.0) / keep
        };
        LegendLayout {
            position: SeriesLabelPosition::UpperRight,
            y_max,
        }
    }

    /// Draws the plot on `root`: the axes (linear or logarithmic), their ticks and labels,
    /// then the series and the legend.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let (x0, x1) = self.range(0, self.log_x);
        let (y0, mut y1) = self.range(1, self.log_y);
        let legend = self.legend_layout(root.dim_in_pixel(), (x0, x1), (y0, y1));
        y1 = legend.y_max;
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(&self.title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80);
        let log_axis = |lo: f64, hi: f64| {
            let (bold, light) = log_ticks(lo, hi);
            (lo..hi)
                .log_scale()
                .with_key_points(bold)
                .with_light_points(light)
        };
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
                let x_label = |v: &f64| linear_tick_label(*v, x1 - x0);
                let y_label = |v: &f64| linear_tick_label(*v, y1 - y0);
                if self.log_x {
                    mesh.x_label_formatter(&log_label);
                } else {
                    mesh.x_label_formatter(&x_label);
                }
                if self.log_y {
                    mesh.y_label_formatter(&log_label);
                } else {
                    mesh.y_label_formatter(&y_label);
                }
                mesh.draw()?;
                self.draw_series(&mut chart, legend.position)?;
            }};
        }
        match (self.log_x, self.log_y) {
            (false, false) => finish!(builder.build_cartesian_2d(x0..x1, y0..y1)?),
            (true, false) => finish!(builder.build_cartesian_2d(log_axis(x0, x1), y0..y1)?),
            (false, true) => finish!(builder.build_cartesian_2d(x0..x1, log_axis(y0, y1))?),
            (true, true) => {
                finish!(builder.build_cartesian_2d(log_axis(x0, x1), log_axis(y0, y1))?)
            }
        }
        Ok(())
    }

    /// Draws every series on `chart` (points as markers, else lines; a one-point line as a
    /// marker) and, where a series has a label, the legend at `position`.
    fn draw_series<'a, DB: DrawingBackend + 'a, X, Y>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
        position: SeriesLabelPosition,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>>
    where
        X: Ranged<ValueType = f64>,
        Y: Ranged<ValueType = f64>,
    {
        for (k, s) in self.series.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let pts = self.points(s);
            let legend_color = color;
            if !self.log_y {
                // A vertical line with 8-pixel caps at both ends.
                let cap = |x: f64, y: f64| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(-4, 0), (4, 0)], color.stroke_width(1))
                };
                for (x, lo, hi) in s.error_bars() {
                    if !self.log_x || x > 0.0 {
                        chart.draw_series([PathElement::new(
                            vec![(x, lo), (x, hi)],
                            color.stroke_width(1),
                        )])?;
                        chart.draw_series([cap(x, lo), cap(x, hi)])?;
                    }
                }
            }
            // A series without a label (a guide line) gets no legend entry.
            let labelled = !s.label.is_empty();
            // A line of one point would not show: draw it as a marker.
            if s.points || pts.len() == 1 {
                let drawn =
                    chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
                if labelled {
                    drawn
                        .label(&s.label)
                        .legend(move |(x, y)| Circle::new((x + 10, y), 3, legend_color.filled()));
                }
            } else if let Some((dash, gap)) = s.dash.pattern() {
                let drawn = chart.draw_series(DashedLineSeries::new(
                    pts,
                    dash,
                    gap,
                    color.stroke_width(2),
                ))?;
                if labelled {
                    drawn.label(&s.label).legend(move |(x, y)| {
                        DashedPathElement::new(
                            vec![(x, y), (x + 20, y)],
                            dash,
                            gap,
                            legend_color.stroke_width(2),
                        )
                    });
                }
            } else {
                let drawn = chart.draw_series(LineSeries::new(pts, color.stroke_width(2)))?;
                if labelled {
                    drawn.label(&s.label).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], legend_color.stroke_width(2))
                    });
                }
            }
        }
        if self.has_legend() {
            chart
                .configure_series_labels()
                .position(position)
                .label_font(("sans-serif", 15))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()?;
        }
        Ok(())
    }
}

/// Where a plot's legend goes, and the top of the y range that makes room for it.
struct LegendLayout {
    position: SeriesLabelPosition,
    y_max: f64,
}

/// Points every `step` (in plot-area fractions) along the straight segments between `pts`, so
/// that a line crossing a corner counts as covering it.
fn line_samples(pts: &[(f64, f64)], step: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for w in pts.windows(2) {
        let ((u0, v0), (u1, v1)) = (w[0], w[1]);
        let n = ((u1 - u0).hypot(v1 - v0) / step).ceil().min(10_000.0) as usize;
        for k in 1..n {
            let f = k as f64 / n as f64;
            out.push((u0 + f * (u1 - u0), v0 + f * (v1 - v0)));
        }
    }
    out
}

/// Labelled (bold) and unlabelled (light) ticks of a log axis over [lo, hi], lo > 0: powers of
/// ten over wide ranges (every second or third over very wide ones), 1-2-5 steps over one or two
/// decades, and evenly spaced round values when the range holds fewer than three of those (a
/// neck radius from 13 to 19 A gets 14, 16, 18).
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let decades = (hi / lo).log10();
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let in_range = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let with = |mantissas: &[f64], every: i32| -> Vec<f64> {
        (k0..=k1)
            .filter(|k| k.rem_euclid(every) == 0)
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(in_range)
            .collect()
    };
    let light = if decades <= 8.0 {
        with(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 1)
    } else {
        with(&[1.0], 1)
    };
    let bold = if decades > 3.0 {
        with(&[1.0], (decades / 8.0).ceil() as i32)
    } else {
        with(&[1.0, 2.0, 5.0], 1)
    };
    if bold.len() >= 3 {
        return (bold, light);
    }
    // Under about half a decade: round values in linear steps of 1, 2 or 5 times a power of ten.
    let raw = (hi - lo) / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| (hi - lo) / s <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let ticks: Vec<f64> = ((lo / step).ceil() as i64..=(hi / step).floor() as i64)
        .map(|k| k as f64 * step)
        .filter(|v| *v > 0.0)
        .collect();
    (ticks.clone(), ticks)
}

/// Writes `stem.png` and `stem.svg` with the plots stacked top to bottom, each with its own axes
/// (one plot: 900 x 600 pixels; several: 900 x 300 each).
pub fn write_panels(stem: &Path, panels: &[Plot]) -> Result<()> {
    register_font();
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    let size = if panels.len() <= 1 {
        (900, 600)
    } else {
        (900, 300 * panels.len() as u32)
    };
    write_atomic_with(&png, |tmp| {
        render(BitMapBackend::new(tmp, size).into_drawing_area(), panels)
            .map_err(|e| plot_error(&png, e))
    })?;
    write_atomic_with(&svg, |tmp| {
        render(SVGBackend::new(tmp, size).into_drawing_area(), panels)
            .map_err(|e| plot_error(&svg, e))
    })
}

/// A failed plot write as one line naming the file.
pub(super) fn plot_error(path: &Path, e: impl std::fmt::Display) -> Error {
    let message = e.to_string();
    Error::file(
        path,
        format!(
            "cannot write the plot: {}",
            message.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
    )
}

fn render<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    panels: &[Plot],
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    for (area, plot) in root
        .split_evenly((panels.len().max(1), 1))
        .iter()
        .zip(panels)
    {
        plot.draw(area)?;
    }
    root.present()
}

/// A tick label on a linear axis spanning `span`: as many decimals as ticks about a tenth of the
/// span apart need, and "0" for values that are zero to round-off (never "-0.0").
fn linear_tick_label(v: f64, span: f64) -> String {
    if !(span > 0.0) || !v.is_finite() {
        return format!("{v}");
    }
    let step = span / 10.0;
    if v.abs() < 1e-6 * step {
        return "0".into();
    }
    if step < 1e-3 || v.abs() >= 1e6 {
        return tick_label(v);
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{v:.decimals$}")
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
        assert_eq!(linear_tick_label(-1e-17, 4.0), "0");
        assert_eq!(linear_tick_label(0.25, 2.0), "0.2");
        assert_eq!(linear_tick_label(-20580.0, 30.0), "-20580");
        assert_eq!(linear_tick_label(3e-4, 6e-4), "3e-4");
    }

    #[test]
    fn narrow_log_ranges_get_labelled_ticks() {
        // The KMC neck radius of 13 to 19 A: no power of ten inside, yet three labels or more.
        let (bold, _) = log_ticks(13.0 / 1.2, 19.0 * 1.2);
        assert!(bold.len() >= 3, "{bold:?}");
        assert!(bold.iter().all(|&v| (13.0 / 1.2..=19.0 * 1.2).contains(&v)));
        // One decade and a half: 1-2-5 steps.
        assert_eq!(log_ticks(3.0, 90.0).0, vec![5.0, 10.0, 20.0, 50.0]);
        // Ten decades: every second power of ten.
        let (bold, _) = log_ticks(1e-9, 2e1);
        assert_eq!(bold, vec![1e-8, 1e-6, 1e-4, 1e-2, 1.0]);
    }

    #[test]
    fn legends_move_off_the_data() {
        let x: Vec<f64> = (0..100).map(|i| i as f64).collect();
        // A rising line fills the upper right corner: the legend goes to the upper left.
        let rising = Plot::new("", "x", "y").with(Series::line("a", x.clone(), x.clone()));
        let (xr, yr) = (rising.range(0, false), rising.range(1, false));
        let layout = rising.legend_layout((900, 600), xr, yr);
        assert_eq!(layout.position, SeriesLabelPosition::UpperLeft);
        assert_eq!(layout.y_max, yr.1);
        // A fast oscillation reaches every corner: the y range is stretched instead.
        let wave: Vec<f64> = x.iter().map(|v| (v * 0.7).sin()).collect();
        let wavy = Plot::new("", "x", "y").with(Series::line("sin", x, wave));
        let (xr, yr) = (wavy.range(0, false), wavy.range(1, false));
        let layout = wavy.legend_layout((900, 600), xr, yr);
        assert_eq!(layout.position, SeriesLabelPosition::UpperRight);
        assert!(layout.y_max > yr.1 + 0.1);
    }

    #[test]
    fn error_bars_widen_the_y_range_and_are_drawn() {
        let p = Plot::new("n", "d [A]", "n").with(Series::points_with_errors(
            "n",
            vec![45.0, 60.0, 75.0],
            vec![3.0, 3.5, 4.0],
            vec![0.5, f64::NAN, 1.0],
        ));
        let (lo, hi) = p.range(1, false);
        assert!(lo < 2.5 && hi > 5.0, "{lo} {hi}");
        let dir = tempfile::tempdir().unwrap();
        p.write(&dir.path().join("n")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("n.svg")).unwrap();
        // Two bars, each a line and two caps, beside the lines of a plot of the same range.
        let bare = Plot::new("n", "d [A]", "n").with(Series::points(
            "n",
            vec![45.0, 60.0, 75.0, 45.0, 75.0],
            vec![3.0, 3.5, 4.0, 2.5, 5.0],
        ));
        assert_eq!(bare.range(1, false), (lo, hi));
        bare.write(&dir.path().join("bare")).unwrap();
        let lines = |t: &str| t.matches("<polyline").count();
        let bare_svg = std::fs::read_to_string(dir.path().join("bare.svg")).unwrap();
        assert_eq!(lines(&svg), lines(&bare_svg) + 6);
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

    #[test]
    fn plots_are_written_atomically_and_a_failed_write_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let plot = Plot::new("T", "t [ps]", "T [K]").with(Series::line(
            "T",
            vec![0.0, 1.0],
            vec![300.0, 310.0],
        ));
        plot.write(&dir.path().join("thermo")).unwrap();
        let names = |d: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(dir.path()), ["thermo.png", "thermo.svg"]);
        let old_png = std::fs::read(dir.path().join("thermo.png")).unwrap();
        // A folder where the SVG goes: the rename fails (even for root), the PNG is replaced
        // whole and no temporary file stays behind.
        std::fs::remove_file(dir.path().join("thermo.svg")).unwrap();
        std::fs::create_dir(dir.path().join("thermo.svg")).unwrap();
        let e = plot
            .write(&dir.path().join("thermo"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("thermo.svg") && !e.contains('\n'), "{e}");
        assert_eq!(names(dir.path()), ["thermo.png", "thermo.svg"]);
        assert_eq!(
            std::fs::read(dir.path().join("thermo.png")).unwrap(),
            old_png
        );
        // A file where the folder goes: nothing can be created, the error names the PNG.
        let blocked = dir.path().join("thermo.png").join("plot");
        let e = plot.write(&blocked).unwrap_err().to_string();
        assert!(
            e.starts_with(&blocked.with_extension("png").display().to_string()),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
    }
}
