//! Sweeps: one base input, axes over its fields, one run per point, on this machine or as a
//! Slurm job array, collected into one table.
//!
//! ```ron
//! (
//!     base: File("../ptfe_neck_quick.ron"),
//!     axes: [
//!         (name: "temperature", path: "stages[2].thermostat.temperature", values: [1073.0, 1273.0, 1473.0]),
//!         (name: "gap", path: "structure.geometry.gap", values: [5.5, 10.0]),
//!     ],
//!     replicas: 2,
//!     slurm: (time: "04:00:00", cpus_per_task: 2, mem: "4G"),
//! )
//! ```
//!
//! The base is a study input (`sintermd run`, [`Input`]) or a KMC input (`sintermd kmc`,
//! [`KmcInput`]), told apart by its text ([`Program::of_text`]); the plan records which in
//! `sweep.json`, and every point runs that program.
//!
//! `sintermd sweep plan` writes `points/NNNN/input.ron` (the base input with the point's values,
//! valid on its own), `manifest.csv` and `submit.sbatch` ([`slurm`]); `sweep run` runs the points
//! here ([`local`]); `sweep status` tells how far each is ([`status`]); `sweep collect` gathers
//! their `summary.json` into `results.csv`, plots and a report ([`collect`]).

pub mod collect;
pub mod local;
pub mod ron_edit;
pub mod slurm;
pub mod status;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::{Input, KmcInput};
use crate::io::read_text;
use crate::io::ron::{base_dir, parse_ron};
pub use crate::output::csv_cell;
pub use slurm::SlurmSpec;

/// A sweep file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The input every point starts from.
    pub base: BaseSpec,
    /// The fields to vary. Axes combine as a product (the first varies slowest); axes with the
    /// same `zip` label advance together.
    pub axes: Vec<AxisSpec>,
    /// Runs of every point, with seeds derived from the base's (default 1).
    #[serde(default = "one")]
    pub replicas: u64,
    /// The seed fields replica `r` adds `r` to (default `["seed"]`).
    #[serde(default = "default_replica_seeds")]
    pub replica_seeds: Vec<String>,
    /// Settings of `submit.sbatch`.
    #[serde(default)]
    pub slurm: SlurmSpec,
}

fn one() -> u64 {
    1
}

fn default_replica_seeds() -> Vec<String> {
    vec!["seed".into()]
}

/// Where the base input comes from.
#[derive(Clone, Debug, Deserialize)]
pub enum BaseSpec {
    /// An input file, relative to the sweep file's folder: a study input or a KMC input.
    File(PathBuf),
    /// A study input written in the sweep file.
    Inline(Box<Input>),
    /// A KMC input written in the sweep file.
    InlineKmc(Box<KmcInput>),
}

/// The program a sweep's points run: the kind of its base input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Program {
    /// `sintermd run`: a study ([`Input`]), resumed from its checkpoints.
    #[default]
    Run,
    /// `sintermd kmc`: a two-particle KMC run ([`KmcInput`]), which has no checkpoints: a point
    /// that did not finish runs again from the start.
    Kmc,
}

/// Top-level fields only a study input has.
const STUDY_FIELDS: [&str; 8] = [
    "structure",
    "potential",
    "neighbor",
    "velocities",
    "groups",
    "masses",
    "stages",
    "safety",
];
/// Top-level fields only a KMC input has.
const KMC_FIELDS: [&str; 5] = ["sites", "species", "particles", "model", "engine"];

impl Program {
    /// The `sintermd` subcommand.
    pub fn command(self) -> &'static str {
        match self {
            Program::Run => "run",
            Program::Kmc => "kmc",
        }
    }

    /// What an input of this kind is, for messages.
    fn input_kind(self) -> &'static str {
        match self {
            Program::Run => "a study input for `sintermd run`",
            Program::Kmc => "a KMC input for `sintermd kmc`",
        }
    }

    /// Checks `text`, read from `path`, as an input of this kind.
    pub fn check(self, text: &str, path: &Path) -> Result<()> {
        match self {
            Program::Run => Input::parse(text, path).map(|_| ()),
            Program::Kmc => KmcInput::parse(text, path).map(|_| ()),
        }
    }

    /// The kind of the input `text` read from `path`, and the folder its relative paths start
    /// from: a study input if it reads as one, else a KMC input if it reads as one. Text that
    /// is neither gives the error of the kind it resembles most: the kind more of whose own
    /// top-level fields it has (`structure`, `stages`, ... for a study; `sites`, `particles`,
    /// ... for KMC), on a tie the kind whose reading failed further down the text, and on a
    /// tie again a study.
    pub fn of_text(text: &str, path: &Path) -> Result<(Program, PathBuf)> {
        let study = match Input::parse(text, path) {
            Ok(input) => return Ok((Program::Run, input.base_dir(path))),
            Err(e) => e,
        };
        let kmc = match KmcInput::parse(text, path) {
            Ok(input) => return Ok((Program::Kmc, input.base_dir(path))),
            Err(e) => e,
        };
        let fields = ron_edit::field_names(text);
        let count = |own: &[&str]| fields.iter().filter(|f| own.contains(&f.as_str())).count();
        // How far the reading got: the line of a syntax or type error; a text that reads but
        // fails a check (no line) got furthest.
        let line = |e: &Error| match e {
            Error::Parse {
                line: Some(line), ..
            } => *line,
            _ => usize::MAX,
        };
        let score = |own: &[&str], e: &Error| (count(own), line(e));
        let (kind, error) = if score(&KMC_FIELDS, &kmc) > score(&STUDY_FIELDS, &study) {
            (Program::Kmc, kmc)
        } else {
            (Program::Run, study)
        };
        let other = match kind {
            Program::Run => Program::Kmc,
            Program::Kmc => Program::Run,
        };
        let note = format!(
            " (read as {}, which the text resembles most; nor is it {})",
            kind.input_kind(),
            other.input_kind()
        );
        Err(match error {
            Error::Parse {
                path,
                line,
                message,
            } => Error::Parse {
                path,
                line,
                message: message + &note,
            },
            other => Error::file(path, format!("{other}{note}")),
        })
    }
}

/// One swept field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    /// Column name in `manifest.csv` and `results.csv` (default: the path's last field).
    #[serde(default)]
    pub name: Option<String>,
    /// The field, e.g. `stages[2].thermostat.temperature` (see [`ron_edit`]).
    pub path: String,
    /// The values (numbers, strings, booleans), or:
    #[serde(default)]
    pub values: Option<Vec<ron::Value>>,
    /// Evenly spaced values from `from` to `to` inclusive (integers when both ends are).
    #[serde(default)]
    pub range: Option<RangeSpec>,
    /// Axes with the same label take their values together (zipped) instead of as a product.
    #[serde(default)]
    pub zip: Option<String>,
}

/// `count` values from `from` to `to`, inclusive.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    pub from: ron::Value,
    pub to: ron::Value,
    pub count: usize,
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Index, from 0 (the Slurm array index).
    pub id: usize,
    /// The value of each axis, as RON text.
    pub values: Vec<String>,
    /// Replica index, from 0.
    pub replica: u64,
}

impl Point {
    /// The point's folder under the sweep folder: `points/NNNN`.
    pub fn folder(&self) -> String {
        point_folder(self.id)
    }
}

/// `points/NNNN` for point `id`.
pub fn point_folder(id: usize) -> String {
    format!("points/{id:04}")
}

/// A sweep read from its file, with its base input's text.
pub struct Sweep {
    pub spec: SweepSpec,
    /// The sweep file.
    pub path: PathBuf,
    /// The program its points run (the kind of its base input).
    pub program: Program,
    /// The base input's text and the folder its relative file names are read from.
    pub base_text: String,
    pub base_dir: PathBuf,
    /// The axes' names and values.
    pub axes: Vec<(String, Vec<String>)>,
}

/// The base input of a sweep file at `path`: its text (an inline base written as input
/// files are), the program it is an input of, and the folder its relative paths start from.
fn base_input(base: &BaseSpec, path: &Path) -> Result<(String, Program, PathBuf)> {
    Ok(match base {
        BaseSpec::File(file) => {
            let full = base_dir(path).join(file);
            let text = read_text(&full)?;
            let (program, dir) = Program::of_text(&text, &full)?;
            (text, program, dir)
        }
        BaseSpec::Inline(input) => (
            inline_text(input.as_ref(), path)?,
            Program::Run,
            input.base_dir(path),
        ),
        BaseSpec::InlineKmc(input) => (
            inline_text(input.as_ref(), path)?,
            Program::Kmc,
            input.base_dir(path),
        ),
    })
}

/// An inline base input of the sweep file at `path`, written as input files are (variants
/// holding structs unwrapped, options bare).
fn inline_text(input: &impl Serialize, path: &Path) -> Result<String> {
    let config = ron::ser::PrettyConfig::default().extensions(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    );
    ron::ser::to_string_pretty(input, config).map_err(|e| Error::file(path, format!("base: {e}")))
}

/// Each axis's name (its own, else the last part of its path) and values, listed values as the
/// sweep file's `text` writes them; names must differ.
fn named_axes(specs: &[AxisSpec], text: &str, path: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let mut axes = Vec::new();
    for (k, axis) in specs.iter().enumerate() {
        let name = axis.name.clone().unwrap_or_else(|| {
            axis.path
                .rsplit(['.', '['])
                .next()
                .unwrap_or(&axis.path)
                .trim_end_matches(']')
                .to_string()
        });
        let label = format!("axis {} ({name})", k + 1);
        let mut values =
            axis_values(axis).map_err(|e| Error::file(path, format!("{label}: {e}")))?;
        // As written: a value read into a `ron::Value` loses the difference between a tuple and
        // a list, and variant names.
        if axis.values.is_some() {
            for (i, value) in values.iter_mut().enumerate() {
                if let Some(written) =
                    ron_edit::get_written(text, &format!("axes[{k}].values[{i}]"))
                {
                    *value = written;
                }
            }
        }
        if axes.iter().any(|(n, _): &(String, Vec<String>)| *n == name) {
            return Err(Error::file(
                path,
                format!("{label}: another axis is also named {name}; give each its own `name`"),
            ));
        }
        axes.push((name, values));
    }
    Ok(axes)
}

impl Sweep {
    /// Reads and checks the sweep file at `path`: every axis path and value is tried on the base
    /// input before anything is written.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&read_text(path)?, path)
    }

    /// [`Sweep::read`] of the text of the sweep file at `path`: the base input, the axes, and
    /// a check that the listed values, the first points and the Slurm script can be made.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let spec: SweepSpec = parse_ron(text, path)?;
        let (base_text, program, base_dir) = base_input(&spec.base, path)?;
        let base_dir = absolute(&base_dir)?;
        if spec.axes.is_empty() && spec.replicas <= 1 {
            return Err(Error::file(
                path,
                "no axes and no replicas: a sweep needs at least one axis or replicas > 1",
            ));
        }
        if spec.replicas == 0 {
            return Err(Error::file(path, "replicas must be at least 1"));
        }
        let axes = named_axes(&spec.axes, text, path)?;
        let sweep = Sweep {
            spec,
            path: path.to_path_buf(),
            program,
            base_text,
            base_dir,
            axes,
        };
        sweep.check_axis_values()?;
        let points = sweep.points()?;
        for p in points.iter().take(2) {
            sweep.input_text(p)?;
        }
        slurm::submit_script(
            &sweep.spec.slurm,
            program,
            Path::new("/sweep"),
            points.len(),
        )
        .map_err(|e| Error::file(path, e.to_string()))?;
        Ok(sweep)
    }

    /// Every listed value must make a valid input (a range's values are all alike: its ends
    /// stand for it). (`parse` also makes the first point and its first derived replica;
    /// `plan` makes every point's input before it writes any.)
    fn check_axis_values(&self) -> Result<()> {
        let path = &self.path;
        for (k, (name, values)) in self.axes.iter().enumerate() {
            let axis = &self.spec.axes[k];
            let tried: Vec<&String> = match axis.range {
                Some(_) => values.first().into_iter().chain(values.last()).collect(),
                None => values.iter().collect(),
            };
            for v in tried {
                let text = ron_edit::set(&self.base_text, &axis.path, v).map_err(|e| {
                    Error::file(
                        path,
                        format!("axis {} ({name}), field {}: {e}", k + 1, axis.path),
                    )
                })?;
                self.check_input(&text).map_err(|e| {
                    Error::file(
                        path,
                        format!("axis {} ({name}), field {} = {v}: {e}", k + 1, axis.path),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Checks `text` as an input of the sweep's program, giving the parser's message without a
    /// file name.
    fn check_input(&self, text: &str) -> Result<()> {
        self.program.check(text, Path::new("input")).map_err(|e| {
            let message = e.to_string();
            Error::invalid(
                message
                    .strip_prefix("input:")
                    .map(|m| format!("line {}", m.trim_start()))
                    .unwrap_or(message),
            )
        })
    }

    /// The points: axes grouped by `zip` label, groups combined as a product (the first
    /// slowest), replicas innermost.
    pub fn points(&self) -> Result<Vec<Point>> {
        // Groups of axis indices, in order of first appearance.
        let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
        for (k, axis) in self.spec.axes.iter().enumerate() {
            match axis.zip.as_ref().and_then(|z| {
                groups
                    .iter_mut()
                    .find(|(label, _)| label.as_ref() == Some(z))
            }) {
                Some((_, members)) => members.push(k),
                None => groups.push((axis.zip.clone(), vec![k])),
            }
        }
        let mut lengths = Vec::new();
        for (label, members) in &groups {
            let n = self.axes[members[0]].1.len();
            if let Some(&other) = members.iter().find(|&&m| self.axes[m].1.len() != n) {
                return Err(Error::file(
                    &self.path,
                    format!(
                        "zipped axes (zip: {:?}) must have as many values each: {} has {n}, {} has {}",
                        label.as_deref().unwrap_or(""),
                        self.axes[members[0]].0,
                        self.axes[other].0,
                        self.axes[other].1.len()
                    ),
                ));
            }
            lengths.push(n);
        }
        let total = lengths
            .iter()
            .try_fold(self.spec.replicas, |n, &l| n.checked_mul(l as u64))
            .filter(|&n| n <= MAX_POINTS as u64)
            .ok_or_else(|| {
                Error::file(
                    &self.path,
                    format!("the sweep has more than {MAX_POINTS} points (axes x replicas)"),
                )
            })?;
        let combinations: usize = lengths.iter().product();
        let mut points = Vec::with_capacity(total as usize);
        for c in 0..combinations {
            // Mixed-radix digits, the first group slowest.
            let mut values = vec![String::new(); self.axes.len()];
            let mut rest = c;
            for (g, (_, members)) in groups.iter().enumerate().rev() {
                let i = rest % lengths[g];
                rest /= lengths[g];
                for &m in members {
                    values[m] = self.axes[m].1[i].clone();
                }
            }
            for replica in 0..self.spec.replicas {
                points.push(Point {
                    id: points.len(),
                    values: values.clone(),
                    replica,
                });
            }
        }
        Ok(points)
    }

    /// The input of `point`: the base with the point's values, its replica's seeds, and
    /// `paths_from` so that it reads the base's files from wherever it is.
    pub fn input_text(&self, point: &Point) -> Result<String> {
        let mut text = self.base_text.clone();
        for (k, value) in point.values.iter().enumerate() {
            let axis = &self.spec.axes[k];
            text = ron_edit::set(&text, &axis.path, value).map_err(|e| {
                Error::file(
                    &self.path,
                    format!(
                        "axis {} ({}), field {}: {e}",
                        k + 1,
                        self.axes[k].0,
                        axis.path
                    ),
                )
            })?;
        }
        if point.replica > 0 {
            for field in &self.spec.replica_seeds {
                let base = match ron_edit::get(&text, field) {
                    Some(v) => v.trim().parse::<u64>().map_err(|_| {
                        Error::file(
                            &self.path,
                            format!("replica_seeds: {field} is {v}, not a whole number"),
                        )
                    })?,
                    None => 0,
                };
                text = ron_edit::set(&text, field, &base.wrapping_add(point.replica).to_string())
                    .map_err(|e| {
                    Error::file(&self.path, format!("replica_seeds: {field}: {e}"))
                })?;
            }
        }
        let dir = ron::to_string(&self.base_dir.display().to_string())
            .map_err(|e| Error::invalid(e.to_string()))?;
        text = ron_edit::set(&text, "paths_from", &dir)
            .map_err(|e| Error::file(&self.path, format!("paths_from: {e}")))?;
        self.check_input(&text).map_err(|e| {
            Error::file(
                &self.path,
                format!("point {} ({}): {e}", point.id, self.describe(point)),
            )
        })?;
        Ok(text)
    }

    /// `name = value, ...` of a point.
    pub fn describe(&self, point: &Point) -> String {
        let mut parts: Vec<String> = self
            .axes
            .iter()
            .zip(&point.values)
            .map(|((name, _), v)| format!("{name} = {v}"))
            .collect();
        if self.spec.replicas > 1 {
            parts.push(format!("replica {}", point.replica));
        }
        parts.join(", ")
    }

    /// Writes the sweep's folder: every point's input, `manifest.csv`, `submit.sbatch` and
    /// `sweep.json`. A folder that holds a planned sweep is refused unless it is the same sweep.
    pub fn plan(&self, out: &Path) -> Result<Vec<Point>> {
        let points = self.points()?;
        let plan = Plan {
            sweep_file: absolute(&self.path)?.display().to_string(),
            program: self.program,
            axes: self.axes.iter().map(|(n, _)| n.clone()).collect(),
            replicas: self.spec.replicas,
            points: points.len(),
        };
        let plan_path = out.join(PLAN_FILE);
        if plan_path.exists() {
            let old: Plan = serde_json::from_str(&read_text(&plan_path)?)
                .map_err(|e| Error::file(&plan_path, e.to_string()))?;
            if old != plan {
                return Err(Error::file(
                    out,
                    "the folder holds another sweep's plan; choose another --out",
                ));
            }
        }
        let texts = points
            .iter()
            .map(|p| {
                Ok(format!(
                    "// Point {} of {}: {}\n{}",
                    p.id,
                    plan.sweep_file,
                    self.describe(p),
                    self.input_text(p)?
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        // A point that has started keeps the input it started with.
        for (p, text) in points.iter().zip(&texts) {
            let dir = out.join(p.folder());
            if let Ok(old) = std::fs::read_to_string(dir.join("input.ron"))
                && old != *text
                && status::point_state(&dir) != status::PointState::Pending
            {
                return Err(Error::file(
                    dir.join("input.ron"),
                    "this point has run with another input than the sweep now gives; plan the \
                     changed sweep into another folder",
                ));
            }
        }
        let logs = out.join("logs");
        std::fs::create_dir_all(&logs).map_err(|e| Error::io(&logs, e))?;
        for (p, text) in points.iter().zip(texts) {
            let dir = out.join(p.folder());
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            let path = dir.join("input.ron");
            if std::fs::read_to_string(&path).ok().as_ref() != Some(&text) {
                crate::io::write_text(&path, &text)?;
            }
        }
        let mut manifest = String::from("point,folder");
        for (name, _) in &self.axes {
            manifest.push(',');
            manifest.push_str(&csv_cell(name));
        }
        manifest.push_str(",replica\n");
        for p in &points {
            manifest.push_str(&format!("{},{}", p.id, p.folder()));
            for v in &p.values {
                manifest.push(',');
                manifest.push_str(&csv_cell(&plain(v)));
            }
            manifest.push_str(&format!(",{}\n", p.replica));
        }
        crate::io::write_text(&out.join(MANIFEST_FILE), &manifest)?;
        let sbatch = slurm::submit_script(
            &self.spec.slurm,
            self.program,
            &absolute(out)?,
            points.len(),
        )?;
        crate::io::write_text(&out.join(SUBMIT_FILE), &sbatch)?;
        crate::io::write_json(&plan_path, &plan)?;
        Ok(points)
    }
}

/// `sweep.json`: what `plan` made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub sweep_file: String,
    /// The program every point runs (`run` in plans made before KMC sweeps).
    #[serde(default)]
    pub program: Program,
    pub axes: Vec<String>,
    pub replicas: u64,
    pub points: usize,
}

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// The plan's record in a sweep folder.
pub const PLAN_FILE: &str = "sweep.json";
/// Point id and axis values.
pub const MANIFEST_FILE: &str = "manifest.csv";
/// The Slurm job array.
pub const SUBMIT_FILE: &str = "submit.sbatch";

/// Reads `sweep.json` of a planned sweep folder.
pub fn read_plan(dir: &Path) -> Result<Plan> {
    let path = dir.join(PLAN_FILE);
    if !path.exists() {
        return Err(Error::file(
            dir,
            "not a planned sweep (no sweep.json): run `sintermd sweep plan SWEEP.ron --out DIR` first",
        ));
    }
    serde_json::from_str(&read_text(&path)?).map_err(|e| Error::file(&path, e.to_string()))
}

/// The rows of `manifest.csv` (header, then rows): point, folder, axis values, replica.
pub fn read_manifest(dir: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let path = dir.join(MANIFEST_FILE);
    let text = read_text(&path)?;
    let mut rows = text.lines().filter(|l| !l.is_empty()).map(csv_cells);
    let header = rows.next().unwrap_or_default();
    if header.len() < 3 || header[0] != "point" {
        return Err(Error::file(
            &path,
            "not a sweep manifest (its header must start with point,folder and end with replica)",
        ));
    }
    Ok((header, rows.collect()))
}

/// The cells of one CSV line, quotes as [`csv_cell`] writes them.
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(s) = cells.last_mut() {
                    s.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => {
                if let Some(s) = cells.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    cells
}

/// The values of an axis as RON text.
fn axis_values(axis: &AxisSpec) -> std::result::Result<Vec<String>, String> {
    let text = |v: &ron::Value| ron::to_string(v).map_err(|e| e.to_string());
    match (&axis.values, &axis.range) {
        (Some(values), None) if values.len() > MAX_POINTS => {
            Err(format!("values: more than {MAX_POINTS}"))
        }
        (Some(values), None) if !values.is_empty() => values.iter().map(text).collect(),
        (None, Some(r)) => range_values(r),
        (Some(_), None) => Err("values: the list is empty".into()),
        (Some(_), Some(_)) => Err("give either values or range, not both".into()),
        (None, None) => {
            Err("give the values: values: [...] or range: (from: a, to: b, count: n)".into())
        }
    }
}

fn range_values(r: &RangeSpec) -> std::result::Result<Vec<String>, String> {
    if r.count == 0 || r.count > MAX_POINTS {
        return Err(format!("range: count must be between 1 and {MAX_POINTS}"));
    }
    let number = |v: &ron::Value| match v {
        ron::Value::Number(n) => Ok((
            n.into_f64(),
            !matches!(n, ron::Number::F32(_) | ron::Number::F64(_)),
        )),
        other => Err(format!("range: {other:?} is not a number")),
    };
    let ((from, fi), (to, ti)) = (number(&r.from)?, number(&r.to)?);
    let step = if r.count > 1 {
        (to - from) / (r.count - 1) as f64
    } else {
        0.0
    };
    if fi && ti {
        if r.count > 1 && step.fract() != 0.0 {
            return Err(format!(
                "range: {} integers cannot be spaced evenly from {from} to {to}",
                r.count
            ));
        }
        return Ok((0..r.count)
            .map(|k| format!("{}", (from + step * k as f64) as i64))
            .collect());
    }
    Ok((0..r.count)
        .map(|k| {
            let v = if k + 1 == r.count {
                to
            } else {
                from + step * k as f64
            };
            format!("{v:?}")
        })
        .collect())
}

/// RON value text as a plain CSV value: strings without their quotes.
fn plain(value: &str) -> String {
    ron::from_str::<String>(value).unwrap_or_else(|_| value.to_string())
}

/// `path` made absolute against the working directory.
fn absolute(path: &Path) -> Result<PathBuf> {
    // The folder of a file named without one is the working directory.
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    std::path::absolute(path).map_err(|e| Error::io(path, e))
}
