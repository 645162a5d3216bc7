//! Snapshots of atoms: an orthographic projection, atoms drawn as discs of their size in
//! angstroms, far ones first, coloured by class (e.g. particle and species), with equal scales on
//! both axes. Written as PNG and SVG like the plots.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::plot::{plot_error, register_font};
use crate::error::Result;
use crate::io::write_atomic_with;

/// One atom in the picture.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disc {
    /// Horizontal position [A].
    pub x: f64,
    /// Vertical position [A].
    pub y: f64,
    /// Distance from the viewer along the line of sight [A]: larger is farther.
    pub depth: f64,
    /// Index into the snapshot's classes.
    pub class: usize,
}

/// A projection of atoms.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Title above the picture.
    pub title: String,
    /// Horizontal axis label, with unit.
    pub x_label: String,
    /// Vertical axis label, with unit.
    pub y_label: String,
    /// Legend label and colour (RGB) of each class.
    pub classes: Vec<(String, [u8; 3])>,
    /// The atoms.
    pub discs: Vec<Disc>,
    /// Radius of a disc [A].
    pub radius: f64,
}

/// Width of the picture [pixels]; its height follows the data's aspect ratio.
const WIDTH: u32 = 900;
/// Room around the plot area for title, axes and labels [pixels].
const MARGIN: (u32, u32) = (110, 110);

impl Snapshot {
    /// Writes `stem.png` and `stem.svg`.
    pub fn write(&self, stem: &Path) -> Result<()> {
        register_font();
        let (x, y) = self.extent();
        let scale = (WIDTH - MARGIN.0) as f64 / (x.1 - x.0);
        let height = ((y.1 - y.0) * scale) as u32 + MARGIN.1;
        let size = (WIDTH, height.clamp(250, 1600));
        let png = stem.with_extension("png");
        let svg = stem.with_extension("svg");
        write_atomic_with(&png, |tmp| {
            self.draw(BitMapBackend::new(tmp, size).into_drawing_area(), x, y)
                .map_err(|e| plot_error(&png, e))
        })?;
        write_atomic_with(&svg, |tmp| {
            self.draw(SVGBackend::new(tmp, size).into_drawing_area(), x, y)
                .map_err(|e| plot_error(&svg, e))
        })
    }

    /// The ranges of x and y with a disc's radius and a margin around the atoms.
    fn extent(&self) -> ((f64, f64), (f64, f64)) {
        let pad = 2.0 * self.radius.max(0.1);
        let range = |v: &mut dyn Iterator<Item = f64>| {
            let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), a| {
                (lo.min(a), hi.max(a))
            });
            if lo.is_finite() {
                (lo - pad, hi + pad)
            } else {
                (-1.0, 1.0)
            }
        };
        (
            range(&mut self.discs.iter().map(|d| d.x)),
            range(&mut self.discs.iter().map(|d| d.y)),
        )
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
        x: (f64, f64),
        y: (f64, f64),
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(50)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .draw()?;
        let area = chart.plotting_area().dim_in_pixel();
        let px_per_a = area.0 as f64 / (x.1 - x.0);
        let r = (self.radius * px_per_a).round().max(1.0) as i32;
        let mut order: Vec<&Disc> = self.discs.iter().collect();
        order.sort_by(|a, b| b.depth.total_cmp(&a.depth));
        let colour = |class: usize| {
            let [r, g, b] = self.classes.get(class).map(|c| c.1).unwrap_or([128; 3]);
            RGBColor(r, g, b)
        };
        for d in order {
            let fill = colour(d.class);
            chart.draw_series([
                Circle::new((d.x, d.y), r, fill.filled()),
                Circle::new((d.x, d.y), r, BLACK.mix(0.6).stroke_width(1)),
            ])?;
        }
        for (k, (label, _)) in self.classes.iter().enumerate() {
            let fill = colour(k);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(label)
                .legend(move |(px, py)| Circle::new((px + 10, py), 6, fill.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_written_as_png_and_svg_with_the_aspect_of_its_atoms() {
        let dir = tempfile::tempdir().unwrap();
        let discs: Vec<Disc> = (0..40)
            .map(|k| Disc {
                x: (k % 10) as f64 * 2.8,
                y: (k / 10) as f64 * 2.8,
                depth: (k % 3) as f64,
                class: k % 2,
            })
            .collect();
        let snapshot = Snapshot {
            title: "test".into(),
            x_label: "x [Å]".into(),
            y_label: "y [Å]".into(),
            classes: vec![("a".into(), [200, 30, 30]), ("b".into(), [30, 30, 200])],
            discs,
            radius: 1.3,
        };
        let stem = dir.path().join("snap");
        snapshot.write(&stem).unwrap();
        let png = std::fs::read(stem.with_extension("png")).unwrap();
        // PNG header: width and height, big-endian, at bytes 16..24.
        assert_eq!(&png[1..4], b"PNG");
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!(w, WIDTH);
        // 30.4 A wide, 13.6 A tall (with margins): wider than tall.
        assert!(h < w && h >= 250, "{w} x {h}");
        let svg = std::fs::read_to_string(stem.with_extension("svg")).unwrap();
        assert!(
            svg.matches("<circle").count() >= 80,
            "one disc and outline per atom"
        );
    }
}
