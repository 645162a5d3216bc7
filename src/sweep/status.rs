//! `sintermd sweep status DIR`: how far each point of a sweep has come.

use std::path::Path;

use serde::Deserialize;

use crate::error::Result;
use crate::output::folder::is_locked;

/// Where one point stands.
#[derive(Clone, Debug, PartialEq)]
pub enum PointState {
    /// Not started.
    Pending,
    /// A run holds the point's folder now.
    Running,
    /// Finished.
    Done,
    /// Stopped with an error (its line).
    Failed(String),
    /// Stopped with a checkpoint (by a signal, or killed after one), at this main-system step;
    /// `--resume` continues it.
    Checkpointed(u64),
    /// Started and stopped before its first checkpoint (a KMC run, which has none: before its
    /// end); the next run starts it again.
    Stopped,
}

impl PointState {
    /// One word (and the detail) for tables.
    pub fn describe(&self) -> String {
        match self {
            PointState::Pending => "pending".into(),
            PointState::Running => "running".into(),
            PointState::Done => "done".into(),
            PointState::Failed(e) => format!("failed: {e}"),
            PointState::Checkpointed(step) => format!("checkpointed at step {step}"),
            PointState::Stopped => {
                "stopped without a checkpoint (runs again from the start)".into()
            }
        }
    }

    /// The state's word alone.
    pub fn word(&self) -> &'static str {
        match self {
            PointState::Pending => "pending",
            PointState::Running => "running",
            PointState::Done => "done",
            PointState::Failed(_) => "failed",
            PointState::Checkpointed(_) => "checkpointed",
            PointState::Stopped => "stopped",
        }
    }
}

/// What every `summary.json` (of `sintermd run` and of `sintermd kmc`) says of how the run
/// ended.
#[derive(Deserialize)]
struct SummaryStatus {
    status: String,
    #[serde(default)]
    error: Option<String>,
}

/// Where the point whose folder is `dir` stands (a study's or a KMC run's).
pub fn point_state(dir: &Path) -> PointState {
    if is_locked(dir) {
        return PointState::Running;
    }
    let summary = std::fs::read_to_string(dir.join("summary.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<SummaryStatus>(&text).ok());
    match summary.as_ref().map(|s| s.status.as_str()) {
        Some("done") => return PointState::Done,
        Some("failed") => {
            let error = summary
                .and_then(|s| s.error)
                .unwrap_or_else(|| "no error recorded".into());
            return PointState::Failed(error);
        }
        _ => {}
    }
    if let Some(step) = crate::run::checkpoint_step(dir) {
        return PointState::Checkpointed(step);
    }
    // The first file a study (thermo.csv) or a KMC run (snapshots.xyz) writes.
    if dir.join("thermo.csv").exists() || dir.join("snapshots.xyz").exists() {
        PointState::Stopped
    } else {
        PointState::Pending
    }
}

/// The states of every point of the sweep in `dir`, in order.
pub fn states(dir: &Path) -> Result<Vec<PointState>> {
    let plan = super::read_plan(dir)?;
    Ok((0..plan.points)
        .map(|id| point_state(&dir.join(super::point_folder(id))))
        .collect())
}

/// Counts of each state word, in a fixed order, leaving out those with none.
pub fn counts(states: &[PointState]) -> Vec<(&'static str, usize)> {
    [
        "done",
        "running",
        "checkpointed",
        "stopped",
        "pending",
        "failed",
    ]
    .into_iter()
    .map(|w| (w, states.iter().filter(|s| s.word() == w).count()))
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// The table `sweep status` prints: one line per point (id, axis values, state), then counts.
pub fn report(dir: &Path) -> Result<String> {
    let states = states(dir)?;
    let (header, rows) = super::read_manifest(dir)?;
    // Columns: point, folder, axes..., replica.
    let axes = header.len().saturating_sub(3);
    let mut out = String::new();
    for (id, state) in states.iter().enumerate() {
        let values: Vec<String> = rows
            .get(id)
            .map(|r| {
                (0..axes)
                    .map(|k| {
                        format!(
                            "{}={}",
                            header[2 + k],
                            r.get(2 + k).map_or("", String::as_str)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{}  {}  {}\n",
            super::point_folder(id),
            values.join(" "),
            state.describe()
        ));
    }
    let counts: Vec<String> = counts(&states)
        .into_iter()
        .map(|(w, n)| format!("{n} {w}"))
        .collect();
    out.push_str(&format!("{} points: {}\n", states.len(), counts.join(", ")));
    Ok(out)
}
