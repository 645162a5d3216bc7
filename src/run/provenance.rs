//! What a run records about itself, so that a result can be traced to the program, the command,
//! the input and the potential files that made it (`summary.json`, `report.html`, H5MD
//! `/parameters`).

use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::input::Input;
use crate::output::RunRecord;

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A potential file and its checksum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PotentialFile {
    /// The path as the input names it.
    pub path: String,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
}

/// The provenance of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// sintermd's version.
    pub sintermd_version: String,
    /// The command line, word by word.
    pub command_line: Vec<String>,
    /// When the run started (UTC, RFC 3339).
    pub start_time: String,
    /// SHA-256 of the input file's text (hex).
    pub input_sha256: String,
    /// The run's random seed (`seed`).
    pub seed: u64,
    /// The seed of the initial velocities, where drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub velocity_seed: Option<u64>,
    /// Worker threads.
    pub threads: usize,
    /// The potential's files with their checksums.
    pub potential_files: Vec<PotentialFile>,
    /// When and how the run was resumed from checkpoints, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resumed: Vec<String>,
}

impl Provenance {
    /// The provenance of a run of `input` (whose file's text is `text`) starting now; potential
    /// file names resolve against `base`.
    pub fn now(input: &Input, text: &str, base: &Path) -> Result<Self> {
        let potential_files = input
            .potential
            .files(base)
            .into_iter()
            .map(|path| {
                let full = base.join(&path);
                let bytes = std::fs::read(&full).map_err(|e| Error::io(&full, e))?;
                Ok(PotentialFile {
                    path,
                    sha256: sha256_hex(&bytes),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Provenance {
            sintermd_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line: std::env::args().collect(),
            start_time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            input_sha256: sha256_hex(text.as_bytes()),
            seed: input.seed,
            velocity_seed: input.velocities.as_ref().map(|v| v.seed),
            threads: rayon::current_num_threads(),
            potential_files,
            resumed: Vec::new(),
        })
    }

    /// What a trajectory file records: the input text and the potential files.
    pub fn record(&self, input_text: &str) -> RunRecord {
        RunRecord {
            input: input_text.to_string(),
            potential_files: self
                .potential_files
                .iter()
                .map(|f| (f.path.clone(), f.sha256.clone()))
                .collect(),
        }
    }

    /// One line for the report.
    pub fn report_line(&self) -> String {
        let files: Vec<String> = self
            .potential_files
            .iter()
            .map(|f| {
                format!(
                    "{} (sha256 {})",
                    f.path,
                    &f.sha256[..12.min(f.sha256.len())]
                )
            })
            .collect();
        let resumed = if self.resumed.is_empty() {
            String::new()
        } else {
            format!("; resumed {}", self.resumed.join("; "))
        };
        format!(
            "sintermd {} started {} on {} threads as `{}`; input sha256 {}; seed {}{}; potential files: {}{}",
            self.sintermd_version,
            self.start_time,
            self.threads,
            self.command_line.join(" "),
            &self.input_sha256[..12.min(self.input_sha256.len())],
            self.seed,
            self.velocity_seed
                .map(|s| format!(", velocity seed {s}"))
                .unwrap_or_default(),
            if files.is_empty() {
                "none".to_string()
            } else {
                files.join(", ")
            },
            resumed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
