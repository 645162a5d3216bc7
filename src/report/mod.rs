//! Plots and the run report: PNG/SVG figures and `report.html` in every output folder.

pub mod html;
pub mod plot;
pub mod snapshot;

pub use html::{Section, write_report};
pub use plot::{Dash, Plot, Series, write_panels};
pub use snapshot::{Disc, Snapshot};

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A figure a run wrote (an observer or a stage), for the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The PNG file (an SVG with the same stem sits beside it).
    pub png: PathBuf,
    /// One-line caption.
    pub caption: String,
}
