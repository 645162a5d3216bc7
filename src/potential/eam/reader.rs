//! Reading the numbers of an EAM potential file: header lines read whole, tables read as a stream
//! of whitespace-separated numbers that may wrap across lines however the writer liked (as
//! LAMMPS reads them). Errors name the file and the 1-based line.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A cursor over the lines and words of a potential file.
pub struct TableReader<'a> {
    path: PathBuf,
    lines: Vec<&'a str>,
    /// Index of the next line to read.
    line: usize,
    /// Words of the current line not yet consumed.
    words: std::str::SplitWhitespace<'a>,
}

impl<'a> TableReader<'a> {
    /// A reader over `text`, which came from `path` (used in error messages).
    pub fn new(path: &Path, text: &'a str) -> Self {
        TableReader {
            path: path.to_path_buf(),
            lines: text.lines().collect(),
            line: 0,
            words: "".split_whitespace(),
        }
    }

    /// An error at the line read last.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::parse(&self.path, self.line.max(1), message)
    }

    /// The next whole line (any words left on the current line are dropped).
    pub fn line(&mut self, what: &str) -> Result<&'a str> {
        self.words = "".split_whitespace();
        match self.lines.get(self.line) {
            Some(l) => {
                self.line += 1;
                Ok(l)
            }
            None => Err(Error::parse(
                &self.path,
                self.lines.len(),
                format!("file ends before the {what}"),
            )),
        }
    }

    /// The next whole line, split into words.
    pub fn words(&mut self, what: &str) -> Result<Vec<&'a str>> {
        Ok(self.line(what)?.split_whitespace().collect())
    }

    /// The next number of the stream, continuing on following lines as needed.
    pub fn number(&mut self, what: &str) -> Result<f64> {
        loop {
            if let Some(w) = self.words.next() {
                return parse_f64(w)
                    .ok_or_else(|| self.error(format!("{what}: \"{w}\" is not a number")));
            }
            match self.lines.get(self.line) {
                Some(l) => {
                    self.words = l.split_whitespace();
                    self.line += 1;
                }
                None => {
                    return Err(Error::parse(
                        &self.path,
                        self.lines.len(),
                        format!("file ends in the middle of the {what}"),
                    ));
                }
            }
        }
    }

    /// The next `n` numbers of the stream.
    pub fn numbers(&mut self, n: usize, what: &str) -> Result<Vec<f64>> {
        // Grown as numbers are read, not allocated from `n`: a corrupt count in a header must
        // end in "file ends in the middle", not in an allocation of that size.
        let mut values = Vec::new();
        for _ in 0..n {
            values.push(self.number(what)?);
        }
        Ok(values)
    }
}

/// Parses a finite floating-point number written in C or Fortran style (`1.5`, `-2e-3`,
/// `1.5D+02`).
pub fn parse_f64(word: &str) -> Option<f64> {
    let v = match word.parse::<f64>() {
        Ok(v) => v,
        Err(_) => word.replace(['D', 'd'], "e").parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

/// Parses a header field of line words `w` at position `k` as a number.
pub fn field_f64(reader: &TableReader<'_>, w: &[&str], k: usize, what: &str) -> Result<f64> {
    let word = w
        .get(k)
        .ok_or_else(|| reader.error(format!("missing {what}")))?;
    parse_f64(word).ok_or_else(|| reader.error(format!("{what}: \"{word}\" is not a number")))
}

/// Parses a header field of line words `w` at position `k` as a count.
pub fn field_usize(reader: &TableReader<'_>, w: &[&str], k: usize, what: &str) -> Result<usize> {
    let word = w
        .get(k)
        .ok_or_else(|| reader.error(format!("missing {what}")))?;
    word.parse::<usize>()
        .map_err(|_| reader.error(format!("{what}: \"{word}\" is not a whole number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_numbers_across_lines_and_names_lines_in_errors() {
        let text = "title\n3 1.5\n1 2\n3\n4 5 x\n";
        let mut r = TableReader::new(Path::new("f.eam"), text);
        assert_eq!(r.line("title").unwrap(), "title");
        let w = r.words("header").unwrap();
        assert_eq!(field_usize(&r, &w, 0, "count").unwrap(), 3);
        assert_eq!(field_f64(&r, &w, 1, "mass").unwrap(), 1.5);
        assert!(
            field_f64(&r, &w, 2, "spacing")
                .unwrap_err()
                .to_string()
                .contains("missing spacing")
        );
        assert_eq!(
            r.numbers(5, "table").unwrap(),
            vec![1.0, 2.0, 3.0, 4.0, 5.0]
        );
        let e = r.number("table").unwrap_err().to_string();
        assert_eq!(e, "f.eam:5: table: \"x\" is not a number");
        let e = r.number("table").unwrap_err().to_string();
        assert_eq!(e, "f.eam:5: file ends in the middle of the table");
        assert_eq!(parse_f64("1.5D+02"), Some(150.0));
        assert_eq!(parse_f64("nan"), None);
    }
}
