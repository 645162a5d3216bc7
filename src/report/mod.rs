//! Plots and the run report: PNG/SVG figures and `report.html` in every output folder.

pub mod plot;

pub use plot::{Plot, Series};
