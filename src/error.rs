//! Errors a user can act on: every message names the file (and line) or the quantity at fault.

use std::path::{Path, PathBuf};

/// The error type of every fallible operation in sintermd.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file was read but its content is malformed; `line` is 1-based when known.
    #[error("{}", fmt_parse(path, *line, message))]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// Input that parses but does not make sense (unknown species, bad parameter, ...).
    #[error("{0}")]
    Invalid(String),
    /// The simulation reached a state it cannot continue from (NaN forces, overlapping atoms).
    #[error("{0}")]
    Physics(String),
    /// The run stopped on a signal after writing a checkpoint; the message says how to resume.
    #[error("{0}")]
    Interrupted(String),
}

fn fmt_parse(path: &Path, line: Option<usize>, message: &str) -> String {
    match line {
        Some(l) => format!("{}:{}: {}", path.display(), l, message),
        None => format!("{}: {}", path.display(), message),
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A parse error in `path` at 1-based `line`.
    pub fn parse(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.into(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// A parse error in `path` with no line number.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    /// Invalid input, described by `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    /// A parse error of a piece of a text that starts `lines` lines into it, with its line
    /// counted in the whole text.
    pub fn shifted(self, lines: usize) -> Self {
        match self {
            Error::Parse {
                path,
                line,
                message,
            } => Error::Parse {
                path,
                line: line.map(|l| l + lines),
                message,
            },
            other => other,
        }
    }

    /// Names `path` in an error from parsing its text: invalid-input messages and parse errors
    /// that carry only a line get the path.
    pub fn at_path(self, path: &Path) -> Self {
        match self {
            Error::Invalid(m) => Error::file(path, m),
            Error::Parse { line, message, .. } => Error::Parse {
                path: path.to_path_buf(),
                line,
                message,
            },
            other => other,
        }
    }

    /// Prefixes the message with the file it came from, unless it already names a file.
    pub fn in_file(self, path: &Path) -> Self {
        match self {
            Error::Invalid(m) => Error::file(path, m),
            Error::Physics(m) => Error::Physics(format!("{}: {m}", path.display())),
            other => other,
        }
    }
}

/// Result with sintermd's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
