//! A CSV file written row by row and flushed after each row, so that a run that stops early keeps
//! every row written so far.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::append::AppendFile;
use crate::error::Result;

/// A CSV cell, quoted when it holds a comma, quote or newline.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A row of numbers in CSV (shortest round-trip form; NaN as empty).
fn format_row(values: &[f64]) -> String {
    let cells: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_nan() {
                String::new()
            } else {
                format!("{v:?}")
            }
        })
        .collect();
    cells.join(",")
}

/// Writes a whole CSV file (header, then rows of numbers as [`CsvFile::row`]) atomically, for
/// results known only at the end, such as an averaged g(r).
pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<f64>]) -> Result<()> {
    let mut text = header.join(",");
    text.push('\n');
    for row in rows {
        text.push_str(&format_row(row));
        text.push('\n');
    }
    crate::io::write_text(path, &text)
}

/// An open CSV file (serialised in checkpoints as its path and length, see [`AppendFile`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct CsvFile {
    file: AppendFile,
}

impl CsvFile {
    /// Creates `path` with a header row; put units in brackets, e.g. `time[ps]`.
    pub fn create(path: &Path, header: &[&str]) -> Result<Self> {
        let mut csv = CsvFile {
            file: AppendFile::create(path)?,
        };
        csv.write_line(&header.join(","))?;
        Ok(csv)
    }

    /// Writes a row of numbers (shortest round-trip form; NaN as empty).
    pub fn row(&mut self, values: &[f64]) -> Result<()> {
        self.write_line(&format_row(values))
    }

    /// Writes a row that starts with an integer step, then numbers.
    pub fn record(&mut self, step: u64, values: &[f64]) -> Result<()> {
        let mut line = step.to_string();
        for v in values {
            line.push(',');
            if !v.is_nan() {
                line.push_str(&format!("{v:?}"));
            }
        }
        self.write_line(&line)
    }

    /// Writes a row of preformatted cells.
    pub fn row_text(&mut self, cells: &[String]) -> Result<()> {
        self.write_line(&cells.join(","))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Opens the file of a checkpoint's record again in `dir` (see [`AppendFile::reopen`]).
    pub fn reopen(&mut self, dir: &Path) -> Result<()> {
        self.file.reopen(dir)
    }

    fn write_line(&mut self, line: &str) -> Result<()> {
        let mut text = String::with_capacity(line.len() + 1);
        text.push_str(line);
        text.push('\n');
        self.file.write(text.as_bytes())
    }
}
