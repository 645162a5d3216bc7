//! `sintermd sweep collect DIR`: one table of a sweep's results (`results.csv`: one row per
//! point, every point, whatever its state), plots of the neck radius of every point against time
//! and of each outcome against each swept parameter, and `report.html`; for a study whose runs
//! measure the neck, the onset's distribution over each condition's replicas (`onset.csv`, see
//! [`onset`]).
//!
//! A study's points are read here; a KMC sweep's (the growth-law exponent n, the final neck,
//! the speed) in [`kmc`].

pub mod kmc;
mod onset;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::status::{PointState, point_state};
use super::{Plan, Program, csv_cell, point_folder, read_manifest, read_plan};
use crate::error::Result;
use crate::report::Figure;
use crate::report::{Plot, Section, Series, write_report};
use crate::run::RunSummary;

/// Outcomes always given a column (empty where a run has none), in this order; others that
/// runs record follow, sorted.
pub const OUTCOMES: [&str; 15] = [
    "neck_formed_ps",
    "final_neck_radius_A",
    "final_min_gap_A",
    "shrinkage",
    "final_centre_distance_A",
    "com_drift_A",
    "final_fcc_fraction",
    "final_hcp_fraction",
    "final_bcc_fraction",
    "final_ico_fraction",
    "final_other_fraction",
    "final_interior_crystalline_fraction",
    "final_lindemann_index",
    "kmc_exponent",
    "kmc_final_neck_radius_A",
];

/// Outcomes plotted against each swept parameter (where runs have them).
const PLOTTED: [&str; 6] = [
    "neck_formed_ps",
    "final_neck_radius_A",
    "final_min_gap_A",
    "shrinkage",
    "final_fcc_fraction",
    "kmc_exponent",
];

/// What `collect` wrote.
#[derive(Clone, Debug)]
pub struct Collected {
    /// `results.csv`.
    pub table: PathBuf,
    /// Rows (one per point).
    pub rows: usize,
    /// Points not done: id and state.
    pub missing: Vec<(usize, String)>,
    /// Figures written.
    pub figures: usize,
}

/// Writes `results.csv`, the plots and `report.html` of the sweep in `dir`.
pub fn collect(dir: &Path) -> Result<Collected> {
    let plan = read_plan(dir)?;
    let (header, manifest) = read_manifest(dir)?;
    // Manifest columns: point, folder, axes..., replica (read_manifest checks there are 3).
    let axes: Vec<String> = header[2..header.len() - 1].to_vec();
    let states: Vec<PointState> = (0..plan.points)
        .map(|id| point_state(&dir.join(point_folder(id))))
        .collect();
    let points = Points {
        plan,
        axes,
        manifest,
        states,
    };
    let (table, figures, facts) = match points.plan.program {
        Program::Run => {
            let runs = StudyRuns::read(&points, dir);
            let mut figures = runs.write_figures(&points, dir)?;
            let conditions = onset::conditions(&points, &runs.summaries);
            let mut facts = Vec::new();
            if !conditions.is_empty() {
                crate::io::write_text(&dir.join("onset.csv"), &onset::table(&points, &conditions))?;
                figures.push(onset::figure(&points, &conditions, dir)?);
                facts = onset::facts(&points, &conditions);
            }
            (runs.results_table(&points), figures, facts)
        }
        Program::Kmc => {
            let runs = kmc::KmcRuns::read(&points, dir);
            (
                runs.results_table(&points),
                runs.write_figures(&points, dir)?,
                runs.facts(&points),
            )
        }
    };
    let table_path = dir.join("results.csv");
    crate::io::write_text(&table_path, &table)?;

    let missing: Vec<(usize, String)> = points
        .states
        .iter()
        .enumerate()
        .filter(|(_, s)| **s != PointState::Done)
        .map(|(id, s)| (id, s.describe()))
        .collect();
    points.write_report(dir, &missing, &figures, facts)?;
    Ok(Collected {
        table: table_path,
        rows: points.plan.points,
        missing,
        figures: figures.len(),
    })
}

/// What a sweep folder records of its points, whatever they run.
struct Points {
    plan: Plan,
    /// The swept parameters, as the manifest names them.
    axes: Vec<String>,
    /// Manifest rows: point, folder, one value per axis, replica.
    manifest: Vec<Vec<String>>,
    states: Vec<PointState>,
}

impl Points {
    /// Point `id`'s value of axis `k`, as the manifest writes it (empty if missing).
    fn axis_value(&self, id: usize, k: usize) -> Option<&String> {
        self.manifest.get(id).and_then(|r| r.get(2 + k))
    }

    /// Every point's value of axis `k` as a number, where it is one.
    fn axis_numbers(&self, k: usize) -> Vec<Option<f64>> {
        (0..self.plan.points)
            .map(|id| self.axis_value(id, k).and_then(|v| v.parse().ok()))
            .collect()
    }

    /// The point's name in figures and the report: `id: axis=value ...`.
    fn label(&self, id: usize) -> String {
        let parts: Vec<String> = self
            .axes
            .iter()
            .enumerate()
            .map(|(k, a)| format!("{a}={}", self.axis_value(id, k).map_or("", String::as_str)))
            .collect();
        format!("{id}: {}", parts.join(" "))
    }

    /// The columns every table starts with: point, the axes, replica, status.
    fn first_columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = vec!["point".into()];
        columns.extend(self.axes.iter().cloned());
        columns.extend(["replica".into(), "status".into()]);
        columns
    }

    /// Point `id`'s cells of [`Points::first_columns`].
    fn first_cells(&self, id: usize) -> Vec<String> {
        let mut cells = vec![id.to_string()];
        for k in 0..self.axes.len() {
            cells.push(self.axis_value(id, k).cloned().unwrap_or_default());
        }
        let row = self.manifest.get(id);
        cells.push(row.and_then(|r| r.last()).cloned().unwrap_or_default());
        cells.push(self.states[id].word().to_string());
        cells
    }

    /// Writes `report.html` into `dir`: the sweep's facts, the points not done (`missing`), the
    /// program's own `facts` and the `figures`.
    fn write_report(
        &self,
        dir: &Path,
        missing: &[(usize, String)],
        figures: &[Figure],
        facts: Vec<String>,
    ) -> Result<()> {
        let plan = &self.plan;
        let done = self
            .states
            .iter()
            .filter(|s| **s == PointState::Done)
            .count();
        let mut lines = vec![
            format!(
                "{} points of `sintermd {}` ({} axes: {}; {} replica(s)), {done} done; results.csv has one row per point",
                plan.points,
                plan.program.command(),
                self.axes.len(),
                self.axes.join(", "),
                plan.replicas
            ),
            format!("sweep file: {}", plan.sweep_file),
        ];
        if missing.is_empty() {
            lines.push("every point is done".into());
        } else {
            lines.push(format!("{} point(s) not done:", missing.len()));
            lines.extend(
                missing
                    .iter()
                    .map(|(id, s)| format!("{}: {s}", self.label(*id))),
            );
        }
        lines.extend(facts);
        let sweep_text = std::fs::read_to_string(&plan.sweep_file).unwrap_or_default();
        let sections = [Section {
            title: "Sweep".into(),
            facts: lines,
            figures: figures.to_vec(),
        }];
        write_report(
            dir,
            "sintermd sweep report",
            &plan.sweep_file,
            &sweep_text,
            &sections,
        )
    }
}

/// The summaries of a study's points.
struct StudyRuns {
    /// Each point's run summary, where it has a readable one.
    summaries: Vec<Option<RunSummary>>,
}

impl StudyRuns {
    /// The summaries of `points` in the sweep folder `dir`.
    fn read(points: &Points, dir: &Path) -> Self {
        StudyRuns {
            summaries: (0..points.plan.points)
                .map(|id| RunSummary::read(&dir.join(point_folder(id))))
                .collect(),
        }
    }

    /// The outcome columns: [`OUTCOMES`], then any other outcome a run records, sorted.
    fn outcome_keys(&self) -> Vec<String> {
        let mut outcome_keys: Vec<String> = OUTCOMES.iter().map(|s| s.to_string()).collect();
        let extra: BTreeSet<String> = self
            .summaries
            .iter()
            .flatten()
            .flat_map(|s| s.outcomes.keys().cloned())
            .filter(|k| !OUTCOMES.contains(&k.as_str()))
            .collect();
        outcome_keys.extend(extra);
        outcome_keys
    }

    /// The MD stages whose speed the runs record, in the order they first appear.
    fn rate_stages(&self) -> Vec<String> {
        let mut stages: Vec<String> = Vec::new();
        for s in self.summaries.iter().flatten() {
            for rate in &s.stages {
                if !stages.contains(&rate.stage) {
                    stages.push(rate.stage.clone());
                }
            }
        }
        stages
    }

    /// The text of `results.csv`: a header, then one row per point.
    fn results_table(&self, points: &Points) -> String {
        let outcome_keys = self.outcome_keys();
        let rate_stages = self.rate_stages();
        let mut columns = points.first_columns();
        columns.extend(outcome_keys.iter().cloned());
        columns.extend(
            [
                "steps",
                "atoms",
                "final_temperature_K",
                "final_potential_eV",
            ]
            .map(String::from),
        );
        // Each MD stage's speed: stages of different sizes and kinds have different rates.
        columns.extend(
            rate_stages
                .iter()
                .map(|stage| format!("{stage}_atom_steps_per_second")),
        );
        columns.extend(
            [
                "wall_time_s",
                "sintermd_version",
                "input_sha256",
                "seed",
                "error",
            ]
            .map(String::from),
        );
        let rows =
            (0..points.plan.points).map(|id| self.row(points, id, &outcome_keys, &rate_stages));
        csv_table(&columns, rows)
    }

    /// Point `id`'s cells (before CSV quoting), in the order of the table's columns.
    fn row(
        &self,
        points: &Points,
        id: usize,
        outcome_keys: &[String],
        rate_stages: &[String],
    ) -> Vec<String> {
        let states = &points.states;
        let mut cells = points.first_cells(id);
        let s = self.summaries[id]
            .as_ref()
            .filter(|_| states[id] != PointState::Running);
        for key in outcome_keys {
            cells.push(number(s.and_then(|s| s.outcomes.get(key).copied())));
        }
        cells.push(s.map(|s| s.steps.to_string()).unwrap_or_default());
        cells.push(s.map(|s| s.atoms.to_string()).unwrap_or_default());
        cells.push(number(s.map(|s| s.final_thermo.temperature)));
        cells.push(number(s.map(|s| s.final_thermo.potential)));
        for stage in rate_stages {
            cells.push(number(s.and_then(|s| {
                s.stages
                    .iter()
                    .find(|r| &r.stage == stage)
                    .map(|r| r.atom_steps_per_second)
            })));
        }
        cells.push(number(s.map(|s| s.wall_time_s)));
        cells.push(
            s.map(|s| s.provenance.sintermd_version.clone())
                .unwrap_or_default(),
        );
        cells.push(
            s.map(|s| s.provenance.input_sha256.clone())
                .unwrap_or_default(),
        );
        cells.push(s.map(|s| s.provenance.seed.to_string()).unwrap_or_default());
        cells.push(match &states[id] {
            PointState::Failed(e) => e.clone(),
            _ => String::new(),
        });
        cells
    }

    /// Writes the figures into `dir`: the neck radius of every point against time, then each
    /// plotted outcome against each numeric axis.
    fn write_figures(&self, points: &Points, dir: &Path) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        let neck = Plot::new("Neck radius of every point", "time [ps]", "neck radius [A]");
        figures.extend(curves_figure(
            points,
            dir,
            neck,
            neck_curve,
            "sweep_neck_radius",
            |curves| format!("neck radius against time, {curves} point(s) (MD neck analysis)"),
        )?);
        for (k, axis) in points.axes.iter().enumerate() {
            let xs = points.axis_numbers(k);
            if xs.iter().all(Option::is_none) {
                continue;
            }
            for key in PLOTTED {
                let (x, y): (Vec<f64>, Vec<f64>) = (0..points.plan.points)
                    .filter_map(|id| {
                        let y = self.summaries[id].as_ref()?.outcomes.get(key).copied()?;
                        Some((xs[id]?, y))
                    })
                    .unzip();
                if x.is_empty() {
                    continue;
                }
                let stem = dir.join(format!("sweep_{key}_vs_{}", file_part(axis)));
                Plot::new(format!("{key} against {axis}"), axis, key)
                    .with(Series::points(key, x, y))
                    .write(&stem)?;
                figures.push(Figure {
                    png: stem.with_extension("png"),
                    caption: format!("{key} of every finished point against {axis}"),
                });
            }
        }
        Ok(figures)
    }
}

/// A CSV table: the header `columns`, then `rows` (cells quoted where needed).
fn csv_table(columns: &[String], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut table = columns.join(",");
    table.push('\n');
    for cells in rows {
        let cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        table.push_str(&cells.join(","));
        table.push('\n');
    }
    table
}

/// A number as a table cell: Rust's shortest exact form, empty when absent.
fn number(v: Option<f64>) -> String {
    v.map(|x| format!("{x:?}")).unwrap_or_default()
}

/// Time [ps] and neck radius [A] of the MD neck analysis in a point's folder (its
/// `<stage>_neck.csv`), if it has one.
/// `plot` with one line per point, read by `curve` from the point's folder, written into `dir` as
/// `stem` (.png, .svg); its figure with `caption(number of lines)`, or None when no point has a
/// curve.
fn curves_figure(
    points: &Points,
    dir: &Path,
    mut plot: Plot,
    curve: impl Fn(&Path) -> Option<(Vec<f64>, Vec<f64>)>,
    stem: &str,
    caption: impl Fn(usize) -> String,
) -> Result<Option<Figure>> {
    let mut curves = 0;
    for id in 0..points.plan.points {
        if let Some((t, y)) = curve(&dir.join(point_folder(id))) {
            plot = plot.with(Series::line(points.label(id), t, y));
            curves += 1;
        }
    }
    if curves == 0 {
        return Ok(None);
    }
    let stem = dir.join(stem);
    plot.write(&stem)?;
    Ok(Some(Figure {
        png: stem.with_extension("png"),
        caption: caption(curves),
    }))
}

fn neck_curve(dir: &Path) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("_neck.csv"))
        .collect();
    names.sort();
    names.iter().find_map(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        csv_columns(&text, "time[ps]", "neck_radius[A]")
    })
}

/// The numbers of the columns headed `x` and `y` of a CSV text, rows where both are numbers;
/// None without both columns or rows.
fn csv_columns(text: &str, x: &str, y: &str) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (i, j) = (column(x)?, column(y)?);
    let (xs, ys): (Vec<f64>, Vec<f64>) = lines
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some((
                cells.get(i)?.parse::<f64>().ok()?,
                cells.get(j)?.parse::<f64>().ok()?,
            ))
        })
        .unzip();
    (!xs.is_empty()).then_some((xs, ys))
}

/// `name` with every character other than letters, digits, `-` and `_` replaced by `_`.
fn file_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
