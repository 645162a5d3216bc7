//! Checkpoint files: everything a run needs to continue exactly where it was, written atomically
//! into the run's folder, the last two kept.
//!
//! # Format
//! `checkpoint.bin` (the newest) and `checkpoint.prev.bin` (the one before) are binary files:
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `SINTRMD\n` |
//! | 4 | format version, little-endian u32 ([`FORMAT_VERSION`]) |
//! | 8 | payload length in bytes, little-endian u64 |
//! | 32 | SHA-256 of the payload |
//! | n | payload: the run's state in [postcard](https://postcard.jamesmunns.com) |
//!
//! Postcard is a maintained serde format with a frozen, documented wire format (version 1.0);
//! it is compact (variable-length integers) and stores every `f64` as its 8 bytes, so positions,
//! velocities and accumulators come back bit for bit. The checksum catches a file cut short or
//! damaged; the version refuses a file of another format instead of misreading it.
//!
//! # Writing
//! The run's appended files are synced to disk; the payload is streamed to `checkpoint.bin.tmp`
//! (never held whole in memory; the header, with its length and checksum, is written last at
//! the file's start), which is synced to disk; `checkpoint.bin`, if any,
//! becomes `checkpoint.prev.bin`; the temporary file is renamed to `checkpoint.bin`; the folder is
//! synced. A crash at any moment leaves at least one complete checkpoint.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The newest checkpoint of a run folder.
pub const CHECKPOINT_FILE: &str = "checkpoint.bin";
/// The checkpoint before it.
pub const PREVIOUS_CHECKPOINT_FILE: &str = "checkpoint.prev.bin";
/// Checkpoints being written.
const TEMPORARY_FILE: &str = "checkpoint.bin.tmp";
const MAGIC: &[u8; 8] = b"SINTRMD\n";
/// Version of the checkpoint format; a file of another version is refused. 2: the phase check
/// (its observer, the run's verdicts) and the centre-of-mass observer's contact axis.
pub const FORMAT_VERSION: u32 = 3;
const HEADER: usize = 8 + 4 + 8 + 32;

/// What writing a checkpoint cost.
#[derive(Clone, Copy, Debug)]
pub struct Written {
    /// Size of the file [bytes].
    pub bytes: u64,
    /// Wall-clock time to serialise, write and sync it [s].
    pub seconds: f64,
}

/// `value` as checkpoint file bytes (header and payload).
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let payload = postcard::to_allocvec(value)
        .map_err(|e| Error::invalid(format!("cannot encode the checkpoint: {e}")))?;
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(&header(payload.len() as u64, &Sha256::digest(&payload)));
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// The header of a checkpoint whose payload has `len` bytes and SHA-256 `digest`.
fn header(len: u64, digest: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(digest);
    bytes
}

/// Reads back checkpoint file bytes; errors name `path` and say what is wrong.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], path: &Path) -> Result<T> {
    let bad = |what: String| Error::file(path, what);
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(bad("not a sintermd checkpoint".into()));
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "checkpoint format version {version}; this sintermd reads version {FORMAT_VERSION}"
        )));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let len = u64::from_le_bytes(len);
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        return Err(bad(format!(
            "the checkpoint is cut short or overlong ({} payload bytes, {len} expected)",
            payload.len()
        )));
    }
    if Sha256::digest(payload).as_slice() != &bytes[20..52] {
        return Err(bad(
            "the checkpoint is damaged (its checksum does not match)".into(),
        ));
    }
    postcard::from_bytes(payload).map_err(|e| {
        bad(format!(
            "the checkpoint cannot be read by this sintermd: {e}"
        ))
    })
}

/// Writes `value` as the newest checkpoint in `dir`, keeping the previous one (see the module
/// documentation for the steps).
pub fn write<T: Serialize>(dir: &Path, value: &T) -> Result<Written> {
    let start = Instant::now();
    sync_files(dir)?;
    let tmp = dir.join(TEMPORARY_FILE);
    let bytes = stream_to(&tmp, value)?;
    let newest = dir.join(CHECKPOINT_FILE);
    if newest.exists() {
        let previous = dir.join(PREVIOUS_CHECKPOINT_FILE);
        std::fs::rename(&newest, &previous).map_err(|e| Error::io(&previous, e))?;
    }
    std::fs::rename(&tmp, &newest).map_err(|e| Error::io(&newest, e))?;
    sync_dir(dir)?;
    Ok(Written {
        bytes,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Writes the checkpoint file of `value` at `path` and syncs it, streaming the payload through
/// a buffer (memory does not grow with the system); returns the file's size [bytes]. The same
/// bytes as [`encode`].
fn stream_to<T: Serialize>(path: &Path, value: &T) -> Result<u64> {
    let io = |e: std::io::Error| Error::io(path, e);
    let mut out = BufWriter::new(File::create(path).map_err(io)?);
    out.write_all(&[0u8; HEADER]).map_err(io)?;
    let mut hashing = Hashing {
        inner: out,
        hasher: Sha256::new(),
        len: 0,
        failure: None,
    };
    if let Err(e) = postcard::to_io(value, &mut hashing) {
        // Postcard reports a failed write as a full buffer: the writer kept the real error.
        return Err(match hashing.failure.take() {
            Some(failure) => io(failure),
            None => Error::invalid(format!("cannot encode the checkpoint: {e}")),
        });
    }
    let Hashing {
        inner: mut out,
        hasher,
        len,
        ..
    } = hashing;
    out.seek(SeekFrom::Start(0)).map_err(io)?;
    out.write_all(&header(len, &hasher.finalize()))
        .map_err(io)?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(HEADER as u64 + len)
}

/// A writer that passes bytes on, counting them and hashing them (SHA-256), and keeps the
/// first write error.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
    failure: Option<std::io::Error>,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                self.len += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.keep(e)),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| self.keep(e))
    }
}

impl<W> Hashing<W> {
    /// Keeps the first error that is not an interruption (writers retry those) and returns an
    /// error of the same kind for the caller.
    fn keep(&mut self, e: std::io::Error) -> std::io::Error {
        let kind = e.kind();
        if kind != std::io::ErrorKind::Interrupted {
            self.failure.get_or_insert(e);
        }
        kind.into()
    }
}

/// Syncs every file in `dir` to disk first, so that a checkpoint on disk never records more
/// rows or frames than the files on disk hold (after a crash of the machine, not only of the
/// run).
fn sync_files(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_file())
            && let Ok(file) = File::open(&path)
        {
            file.sync_data().map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Makes the renames in `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// The newest readable checkpoint in `dir` and its path, or None when there is none. A newest
/// checkpoint that cannot be read is reported in `warnings` and the previous one is used.
pub fn read_newest<T: DeserializeOwned>(
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<Option<(T, PathBuf)>> {
    let mut last_error = None;
    for name in [CHECKPOINT_FILE, PREVIOUS_CHECKPOINT_FILE] {
        let path = dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        match decode(&bytes, &path) {
            Ok(value) => return Ok(Some((value, path))),
            Err(e) => {
                if name == CHECKPOINT_FILE {
                    warnings.push(format!("{e}; trying the previous checkpoint"));
                }
                last_error = Some(e);
            }
        }
    }
    match last_error {
        Some(e) => Err(Error::invalid(format!(
            "no readable checkpoint in {}: {e}",
            dir.display()
        ))),
        None => Ok(None),
    }
}

/// When to write checkpoints: every `every` steps, every `interval` of wall-clock time, and
/// whenever a stop was requested (by a signal).
#[derive(Clone, Debug)]
pub struct Policy {
    every: Option<u64>,
    interval: Option<Duration>,
    last: Instant,
    stop: super::StopFlag,
}

impl Policy {
    /// Checkpoints every `every` steps (None: not by steps) and every `minutes` of wall-clock
    /// time (0: not by time), and when `stop` is raised.
    pub fn new(every: Option<u64>, minutes: f64, stop: super::StopFlag) -> Result<Self> {
        if every == Some(0) {
            return Err(Error::invalid(
                "output: checkpoint_every must be at least 1 (leave it out for none)",
            ));
        }
        if !(minutes >= 0.0 && minutes.is_finite()) {
            return Err(Error::invalid(
                "output: checkpoint_minutes must be >= 0 (0: no checkpoints by time)",
            ));
        }
        let interval = match minutes {
            0.0 => None,
            m => Some(Duration::try_from_secs_f64(m * 60.0).map_err(|_| {
                Error::invalid(format!("output: checkpoint_minutes {m} is too large"))
            })?),
        };
        Ok(Policy {
            every,
            interval,
            last: Instant::now(),
            stop,
        })
    }

    /// Whether to write a checkpoint after `step`.
    pub fn due(&self, step: u64) -> bool {
        self.stop.requested().is_some()
            || self.every.is_some_and(|n| step.is_multiple_of(n))
            || self.interval.is_some_and(|t| self.last.elapsed() >= t)
    }

    /// Whether to write a checkpoint now in a stage without steps (KMC): when a stop was
    /// requested or the time interval has passed.
    pub fn due_by_time(&self) -> bool {
        self.stop.requested().is_some() || self.interval.is_some_and(|t| self.last.elapsed() >= t)
    }

    /// Restarts the clock after a checkpoint was written.
    pub fn written(&mut self) {
        self.last = Instant::now();
    }

    /// The stop flag.
    pub fn stop(&self) -> &super::StopFlag {
        &self.stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device that takes bytes into a buffer and fails when they are flushed, as a full disk.
    struct FullDisk(Vec<u8>);

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("no space left on device"))
        }
    }

    #[test]
    fn a_failed_flush_keeps_its_error() {
        let mut hashing = Hashing {
            inner: FullDisk(Vec::new()),
            hasher: Sha256::new(),
            len: 0,
            failure: None,
        };
        assert!(postcard::to_io(&vec![1.0f64; 4], &mut hashing).is_err());
        let kept = hashing.failure.expect("the flush error is kept");
        assert!(kept.to_string().contains("no space"), "{kept}");
    }

    #[test]
    fn a_checkpoint_reads_back_and_damage_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let value = (
            vec![1.0f64, -0.1, f64::MIN_POSITIVE],
            "state".to_string(),
            7u64,
        );
        let written = write(dir.path(), &value).unwrap();
        let path = dir.path().join(CHECKPOINT_FILE);
        // Streamed to the file: the same bytes as encoded in memory.
        assert_eq!(std::fs::read(&path).unwrap(), encode(&value).unwrap());
        assert_eq!(written.bytes, std::fs::metadata(&path).unwrap().len());
        let back: (Vec<f64>, String, u64) = decode(&std::fs::read(&path).unwrap(), &path).unwrap();
        assert_eq!(back, value);

        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let e = decode::<(Vec<f64>, String, u64)>(&bytes, &path).unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
        let e = decode::<(Vec<f64>, String, u64)>(&bytes[..bytes.len() - 3], &path).unwrap_err();
        assert!(e.to_string().contains("cut short"), "{e}");
        let mut other = std::fs::read(&path).unwrap();
        other[8] = 9;
        let e = decode::<(Vec<f64>, String, u64)>(&other, &path).unwrap_err();
        assert!(e.to_string().contains("version 9"), "{e}");
    }

    #[test]
    fn the_last_two_are_kept_and_a_damaged_newest_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        for k in 1..=3u64 {
            write(dir.path(), &k).unwrap();
        }
        let mut warnings = Vec::new();
        let (newest, _) = read_newest::<u64>(dir.path(), &mut warnings)
            .unwrap()
            .unwrap();
        assert_eq!((newest, warnings.len()), (3, 0));
        std::fs::write(dir.path().join(CHECKPOINT_FILE), b"garbage").unwrap();
        let (older, path) = read_newest::<u64>(dir.path(), &mut warnings)
            .unwrap()
            .unwrap();
        assert_eq!(older, 2);
        assert!(path.ends_with(PREVIOUS_CHECKPOINT_FILE));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(!dir.path().join(TEMPORARY_FILE).exists());
        let empty = tempfile::tempdir().unwrap();
        assert!(
            read_newest::<u64>(empty.path(), &mut warnings)
                .unwrap()
                .is_none()
        );
    }
}
