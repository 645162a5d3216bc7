//! The neck onset as a distribution: the points of a study sweep grouped by condition (their
//! axis values; the replicas of a condition differ only in their seeds), with per condition the
//! replicas done, how many had a neck onset (a bridge that lasted, see the `Neck` analysis), the
//! median, smallest and largest onset time, and how many onsets came by diffusion and by capture.
//! Written as `onset.csv`, a figure and report lines.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Points, csv_table, number};
use crate::error::Result;
use crate::report::{Figure, Plot, Series};
use crate::run::RunSummary;
use crate::sweep::status::PointState;

/// One condition's onsets.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Condition {
    /// The axis values, in the axes' order.
    pub values: Vec<String>,
    /// Finished replicas that ran the neck analysis.
    pub replicas: usize,
    /// Onset times of the replicas with an onset [ps], ascending.
    pub onsets: Vec<f64>,
    /// Onsets by diffusion and by capture.
    pub diffusion: usize,
    pub capture: usize,
}

impl Condition {
    /// `axis=value ...`.
    fn name(&self, points: &Points) -> String {
        let parts: Vec<String> = points
            .axes
            .iter()
            .zip(&self.values)
            .map(|(a, v)| format!("{a}={v}"))
            .collect();
        parts.join(" ")
    }

    /// The median onset time [ps] over the replicas with an onset (the mean of the middle two
    /// for an even count).
    pub fn median(&self) -> Option<f64> {
        let n = self.onsets.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.onsets[n / 2]),
            _ => Some(0.5 * (self.onsets[n / 2 - 1] + self.onsets[n / 2])),
        }
    }
}

/// The conditions of the done points of `points` whose summaries (`summaries`, by point) record
/// the neck analysis (`final_neck_radius_A`), in the order of their first point.
pub(super) fn conditions(points: &Points, summaries: &[Option<RunSummary>]) -> Vec<Condition> {
    let mut order: Vec<Vec<String>> = Vec::new();
    let mut by: BTreeMap<Vec<String>, Condition> = BTreeMap::new();
    for (id, summary) in summaries.iter().enumerate() {
        let Some(s) = summary
            .as_ref()
            .filter(|_| points.states[id] == PointState::Done)
        else {
            continue;
        };
        if !s.outcomes.contains_key("final_neck_radius_A") {
            continue;
        }
        let values: Vec<String> = (0..points.axes.len())
            .map(|k| points.axis_value(id, k).cloned().unwrap_or_default())
            .collect();
        let c = by.entry(values.clone()).or_insert_with(|| {
            order.push(values.clone());
            Condition {
                values,
                ..Default::default()
            }
        });
        c.replicas += 1;
        if let Some(&t) = s.outcomes.get("neck_onset_ps") {
            c.onsets.push(t);
            match s.outcomes.get("neck_onset_by_diffusion") {
                Some(&v) if v > 0.5 => c.diffusion += 1,
                Some(_) => c.capture += 1,
                None => {}
            }
        }
    }
    order
        .into_iter()
        .filter_map(|v| by.remove(&v))
        .map(|mut c| {
            c.onsets.sort_by(f64::total_cmp);
            c
        })
        .collect()
}

/// The text of `onset.csv`.
pub(super) fn table(points: &Points, conditions: &[Condition]) -> String {
    let mut columns: Vec<String> = points.axes.clone();
    columns.extend(
        [
            "replicas",
            "with_onset",
            "fraction_with_onset",
            "median_onset_ps",
            "min_onset_ps",
            "max_onset_ps",
            "by_diffusion",
            "by_capture",
            "onset_times_ps",
        ]
        .map(String::from),
    );
    let rows = conditions.iter().map(|c| {
        let mut cells = c.values.clone();
        cells.extend([
            c.replicas.to_string(),
            c.onsets.len().to_string(),
            number(Some(c.onsets.len() as f64 / c.replicas.max(1) as f64)),
            number(c.median()),
            number(c.onsets.first().copied()),
            number(c.onsets.last().copied()),
            c.diffusion.to_string(),
            c.capture.to_string(),
            c.onsets
                .iter()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        cells
    });
    csv_table(&columns, rows)
}

/// One report line per condition.
pub(super) fn facts(points: &Points, conditions: &[Condition]) -> Vec<String> {
    conditions
        .iter()
        .map(|c| {
            let median = c
                .median()
                .map_or("no onset".into(), |m| format!("median onset {m:.2} ps"));
            format!(
                "neck onset, {}: {} of {} replica(s) ({median}; {} by diffusion, {} by capture)",
                c.name(points),
                c.onsets.len(),
                c.replicas,
                c.diffusion,
                c.capture
            )
        })
        .collect()
}

/// The onset times of every condition against the condition's number, written to `dir`.
pub(super) fn figure(points: &Points, conditions: &[Condition], dir: &Path) -> Result<Figure> {
    let mut plot = Plot::new(
        "Neck onset of every replica, by condition",
        "condition",
        "onset time [ps]",
    );
    for (k, c) in conditions.iter().enumerate() {
        plot = plot.with(Series::points(
            format!(
                "{}: {} ({}/{})",
                k + 1,
                c.name(points),
                c.onsets.len(),
                c.replicas
            ),
            vec![(k + 1) as f64; c.onsets.len()],
            c.onsets.clone(),
        ));
    }
    let stem = dir.join("sweep_neck_onset");
    plot.write(&stem)?;
    Ok(Figure {
        png: stem.with_extension("png"),
        caption: "Onset time of the neck (the first bridge that lasted) of each replica, one \
                  column per condition; the legend gives replicas with an onset / replicas done."
            .into(),
    })
}
