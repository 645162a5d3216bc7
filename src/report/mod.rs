//! Plots and the run report: PNG/SVG figures and `report.html` in every output folder.

pub mod html;
pub mod plot;

pub use html::{Section, write_report};
pub use plot::{Plot, Series};
