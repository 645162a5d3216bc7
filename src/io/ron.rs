//! RON files as sintermd reads them: the extensions every input uses (implicit `Some`, unwrapped
//! variant structs), errors naming the file and line, and the folder relative paths in a file
//! are resolved against.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::read_text;
use crate::error::{Error, Result};

/// Parses RON text with sintermd's extensions (implicit `Some`, unwrapped variant structs);
/// errors name `path` and the line.
pub fn parse_ron<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    let options = ::ron::Options::default().with_default_extension(
        ::ron::extensions::Extensions::IMPLICIT_SOME
            | ::ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    );
    options.from_str(text).map_err(|e| {
        let line = e.span.start.line;
        Error::parse(path, line, e.code.to_string())
    })
}

/// Reads a RON file.
pub fn read_ron<T: DeserializeOwned>(path: &Path) -> Result<T> {
    parse_ron(&read_text(path)?, path)
}

/// The directory relative paths in the file at `input` are resolved against (its parent).
pub fn base_dir(input: &Path) -> PathBuf {
    input.parent().map(Path::to_path_buf).unwrap_or_default()
}
