//! A file that a run appends to (thermo rows, trajectory frames, analysis rows), flushed after
//! every write and counting its bytes, so that a checkpoint can record where it stands and a
//! resumed run can cut it back to exactly that point.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An output file written by appending. Serialises as its path and length: a checkpoint's record
/// of it, which [`AppendFile::reopen`] turns back into an open file of exactly that length.
#[derive(Debug, Serialize, Deserialize)]
pub struct AppendFile {
    path: PathBuf,
    /// Bytes written so far (the file's length).
    len: u64,
    /// The open file: `None` in a record read from a checkpoint, until reopened.
    #[serde(skip)]
    out: Option<BufWriter<File>>,
}

impl AppendFile {
    /// Creates (truncates) `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(AppendFile {
            path: path.to_path_buf(),
            len: 0,
            out: Some(BufWriter::new(file)),
        })
    }

    /// Appends `bytes` and flushes them to the operating system.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let out = self.out.as_mut().ok_or_else(|| {
            Error::file(
                &self.path,
                "written to before it was reopened (a bug in sintermd)",
            )
        })?;
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(&self.path, e))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True while nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Opens the file of a checkpoint's record again, now in `dir` (the run's folder, which may
    /// have been moved since), cut back to the recorded length: rows and frames written after the
    /// checkpoint are dropped, so the resumed run writes each exactly once.
    pub fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.path, dir);
        let path = &self.path;
        let mut file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let actual = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if actual < self.len {
            return Err(Error::file(
                path,
                format!(
                    "the file is shorter ({actual} bytes) than at the checkpoint ({} bytes): it \
                     was changed since, so the run cannot continue exactly; start again with \
                     --force",
                    self.len
                ),
            ));
        }
        file.set_len(self.len)
            .and_then(|()| file.seek(SeekFrom::End(0)).map(|_| ()))
            .map_err(|e| Error::io(path, e))?;
        self.out = Some(BufWriter::new(file));
        Ok(())
    }
}

/// Moves `path` into `dir`, keeping its file name: every file of a run lies directly in its
/// folder, and a checkpoint's paths follow the folder when it is resumed from elsewhere.
pub fn rebase(path: &mut PathBuf, dir: &Path) {
    if let Some(name) = path.file_name() {
        *path = dir.join(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopened_file_is_cut_back_to_its_recorded_length() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AppendFile::create(&dir.path().join("a.csv")).unwrap();
        f.write(b"header\nrow 1\n").unwrap();
        let record = postcard::to_allocvec(&f).unwrap();
        f.write(b"row 2 (after the checkpoint)\n").unwrap();
        drop(f);
        let mut back: AppendFile = postcard::from_bytes(&record).unwrap();
        assert!(back.write(b"x").is_err(), "not open before reopen");
        back.reopen(dir.path()).unwrap();
        back.write(b"row 2\n").unwrap();
        drop(back);
        let text = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
        assert_eq!(text, "header\nrow 1\nrow 2\n");
    }

    #[test]
    fn a_file_shorter_than_its_record_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        let mut f = AppendFile::create(&path).unwrap();
        f.write(b"0123456789").unwrap();
        let record = postcard::to_allocvec(&f).unwrap();
        drop(f);
        std::fs::write(&path, b"01").unwrap();
        let mut back: AppendFile = postcard::from_bytes(&record).unwrap();
        let e = back.reopen(dir.path()).unwrap_err().to_string();
        assert!(e.contains("shorter"), "{e}");
    }
}
