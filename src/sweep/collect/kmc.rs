//! The results of a KMC sweep (`sintermd kmc` points): each point's `summary.json`
//! ([`KmcRecord`]) as one row of `results.csv`, the neck of every point against time, and the
//! growth-law exponent n (with its standard error as a bar), the final r/R and the speed against
//! each numeric axis.
//!
//! Columns after point, axes, replica and status: `kmc_exponent` (n of r^n = K t, named as a
//! study's `Kmc` stage names it) and `kmc_exponent_error`, `kmc_no_fit` (why the fit was
//! refused; empty when there is one), the fit window (`kmc_fit_t_min_s`, `kmc_fit_t_max_s`,
//! `kmc_fit_points`), the final neck (`kmc_final_neck_radius_A`,
//! `kmc_final_radius_over_particle`, `kmc_final_neck_sites`), the pair (`particle_radius_A`,
//! `atoms`, `sites`, `engine`), the clock (`events`, `null_event_fraction`, simulated
//! `kmc_time_s`, `frozen`), the speed (`events_per_second` and `wall_time_s` of the event loop,
//! `total_time_s` of the whole run), `seed` and the `error` of a failed point.

use std::path::Path;

use super::{Points, csv_columns, csv_table, curves_figure, file_part, number};
use crate::error::Result;
use crate::report::{Figure, Plot, Series};
use crate::run::kmc::KmcRecord;
use crate::sweep::point_folder;
use crate::sweep::status::PointState;

/// The columns after [`Points::first_columns`].
const COLUMNS: [&str; 22] = [
    "kmc_exponent",
    "kmc_exponent_error",
    "kmc_no_fit",
    "kmc_fit_t_min_s",
    "kmc_fit_t_max_s",
    "kmc_fit_points",
    "kmc_final_neck_radius_A",
    "kmc_final_radius_over_particle",
    "kmc_final_neck_sites",
    "particle_radius_A",
    "atoms",
    "sites",
    "engine",
    "events",
    "null_event_fraction",
    "kmc_time_s",
    "frozen",
    "events_per_second",
    "wall_time_s",
    "total_time_s",
    "seed",
    "error",
];

/// The summaries of a KMC sweep's points.
pub(super) struct KmcRuns {
    /// Each point's summary, where it has a readable one and no run is writing it.
    records: Vec<Option<KmcRecord>>,
}

impl KmcRuns {
    /// The summaries of `points` in the sweep folder `dir`.
    pub(super) fn read(points: &Points, dir: &Path) -> Self {
        KmcRuns {
            records: (0..points.plan.points)
                .map(|id| {
                    KmcRecord::read(&dir.join(point_folder(id)))
                        .filter(|_| points.states[id] != PointState::Running)
                })
                .collect(),
        }
    }

    /// The text of `results.csv`: a header, then one row per point.
    pub(super) fn results_table(&self, points: &Points) -> String {
        let mut columns = points.first_columns();
        columns.extend(COLUMNS.map(String::from));
        let rows = (0..points.plan.points).map(|id| {
            let mut cells = points.first_cells(id);
            cells.extend(self.cells(points, id));
            cells
        });
        csv_table(&columns, rows)
    }

    /// Point `id`'s cells of [`COLUMNS`] (before CSV quoting).
    fn cells(&self, points: &Points, id: usize) -> Vec<String> {
        let r = self.records[id].as_ref();
        let fit = r.and_then(|r| r.fit.as_ref());
        let ok = fit.and_then(|f| f.as_ref().ok());
        let neck = r.and_then(|r| r.final_neck.as_ref());
        let clock = r.and_then(|r| r.clock.as_ref());
        let text = |v: Option<String>| v.unwrap_or_default();
        let cells = vec![
            number(ok.map(|f| f.exponent)),
            number(ok.map(|f| f.exponent_error)),
            text(fit.and_then(|f| f.as_ref().err().cloned())),
            number(ok.map(|f| f.t_min)),
            number(ok.map(|f| f.t_max)),
            text(ok.map(|f| f.points.to_string())),
            number(neck.map(|n| n.radius)),
            number(neck.map(|n| n.radius_over_particle)),
            text(neck.map(|n| n.neck_sites.to_string())),
            number(r.map(|r| r.pair.particle_radius)),
            text(r.map(|r| r.pair.atoms.to_string())),
            text(r.map(|r| r.pair.sites.to_string())),
            text(r.map(|r| r.pair.engine.clone())),
            text(clock.map(|c| c.events.to_string())),
            number(r.and_then(|r| r.null_event_fraction)),
            number(clock.map(|c| c.time)),
            text(r.and_then(|r| r.frozen).map(|f| f.to_string())),
            number(r.and_then(|r| r.events_per_second)),
            number(r.and_then(|r| r.wall_time_s)),
            number(r.and_then(|r| r.total_time_s)),
            text(r.map(|r| r.seed.to_string())),
            match &points.states[id] {
                PointState::Failed(e) => e.clone(),
                _ => String::new(),
            },
        ];
        debug_assert_eq!(cells.len(), COLUMNS.len());
        cells
    }

    /// One line per finished point for the report: its exponent (or why there is none), final
    /// r/R and time.
    pub(super) fn facts(&self, points: &Points) -> Vec<String> {
        (0..points.plan.points)
            .filter_map(|id| {
                let r = self.records[id].as_ref().filter(|r| r.status == "done")?;
                let fit = match r.fit.as_ref()? {
                    Ok(f) => format!(
                        "n = {:.2} +/- {:.2} (fit over {:.2e} .. {:.2e} s, {} samples)",
                        f.exponent, f.exponent_error, f.t_min, f.t_max, f.points
                    ),
                    Err(e) => format!("no fit: {e}"),
                };
                Some(format!(
                    "{}: {fit}; final r/R = {:.3}; {} events in {:.1} s ({:.1} s in all)",
                    points.label(id),
                    r.final_neck.map_or(f64::NAN, |n| n.radius_over_particle),
                    r.clock.as_ref().map_or(0, |c| c.events),
                    r.wall_time_s.unwrap_or(f64::NAN),
                    r.total_time_s.unwrap_or(f64::NAN),
                ))
            })
            .collect()
    }

    /// Writes the figures into `dir`: r/R of every point against time (log-log), then n +/- its
    /// error, the final r/R and the events per second against each numeric axis.
    pub(super) fn write_figures(&self, points: &Points, dir: &Path) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        let mut neck = Plot::new("Neck of every point", "time [s]", "neck radius r / R");
        neck.log_x = true;
        neck.log_y = true;
        let curve = |folder: &Path| {
            let text = std::fs::read_to_string(folder.join("neck.csv")).ok()?;
            csv_columns(&text, "time_s", "neck_radius_over_R")
        };
        figures.extend(curves_figure(
            points,
            dir,
            neck,
            curve,
            "sweep_kmc_neck",
            |curves| {
                format!(
                    "neck radius over particle radius against time, {curves} point(s) (log-log)"
                )
            },
        )?);
        for (k, axis) in points.axes.iter().enumerate() {
            let xs = points.axis_numbers(k);
            if xs.iter().all(Option::is_none) {
                continue;
            }
            // (x, y, error) of every point with a value.
            let values = |value: &dyn Fn(&KmcRecord) -> Option<(f64, f64)>| {
                let mut out = (Vec::new(), Vec::new(), Vec::new());
                for (id, r) in self.records.iter().enumerate() {
                    if let (Some(x), Some((y, e))) = (xs[id], r.as_ref().and_then(value)) {
                        out.0.push(x);
                        out.1.push(y);
                        out.2.push(e);
                    }
                }
                out
            };
            let exponent = values(&|r| {
                let f = r.fit.as_ref()?.as_ref().ok()?;
                Some((f.exponent, f.exponent_error))
            });
            let no_error = f64::NAN;
            let plotted = [
                (
                    "kmc_exponent",
                    "growth exponent n (r^n = K t)",
                    "the fitted growth exponent n, with its standard error as a bar, of every \
                     point with a fit",
                    exponent,
                ),
                (
                    "kmc_final_radius_over_particle",
                    "final r / R",
                    "the final neck radius over the particle radius of every finished point",
                    values(&|r| Some((r.final_neck?.radius_over_particle, no_error))),
                ),
                (
                    "events_per_second",
                    "events per second",
                    "events per wall-clock second of every finished point's event loop",
                    values(&|r| Some((r.events_per_second?, no_error))),
                ),
            ];
            for (key, y_label, caption, (x, y, e)) in plotted {
                if x.is_empty() {
                    continue;
                }
                let stem = dir.join(format!("sweep_{key}_vs_{}", file_part(axis)));
                Plot::new(format!("{y_label} against {axis}"), axis, y_label)
                    .with(Series::points_with_errors(key, x, y, e))
                    .write(&stem)?;
                figures.push(Figure {
                    png: stem.with_extension("png"),
                    caption: format!("{caption}, against {axis}"),
                });
            }
        }
        Ok(figures)
    }
}
