//! Sorted runs on disk: what the streamed timeline writes when rows cannot wait in memory.
//!
//! A run is a file of (key, length, row text) records in key order, in a temporary directory
//! of this process ([`SpillDir`]: made when the first run is written, removed with everything
//! in it when dropped — at the end and on errors). A reader unlinks its file as soon as it has opened
//! it, so a run's disk space is freed once it is read, whatever happens after.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use super::key::{Key, KEY_BYTES};

/// The temporary directory of one streamed timeline; removed, with everything in it, when
/// dropped.
#[derive(Debug)]
pub struct SpillDir {
    path: PathBuf,
}

/// Writes sorted runs into a [`SpillDir`] (shared by the producers); the directory is made
/// when the first run is written, so a timeline that never spills never touches the disk.
#[derive(Debug)]
pub struct Runs {
    dir: PathBuf,
    created: OnceLock<Result<(), (io::ErrorKind, String)>>,
    next: AtomicU64,
}

impl SpillDir {
    /// A private directory to be made under `parent`, and the writer of its runs.
    pub fn new(parent: &Path) -> (SpillDir, Runs) {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let path = parent.join(format!("postmortem-timeline-{}-{}", std::process::id(), stamp.as_nanos()));
        (
            SpillDir { path: path.clone() },
            Runs { dir: path, created: OnceLock::new(), next: AtomicU64::new(0) },
        )
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

impl Runs {
    /// Writes `rows` (already in key order) as a run; returns its path.
    pub fn write_run<'r>(&self, rows: impl Iterator<Item = (Key, &'r [u8])>) -> io::Result<PathBuf> {
        let mut run = self.run()?;
        for (key, row) in rows {
            run.push(key, row)?;
        }
        run.finish()
    }

    /// A run to write row by row.
    pub fn run(&self) -> io::Result<RunWriter> {
        let created = self.created.get_or_init(|| {
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new().mode(0o700).create(&self.dir).map_err(|e| {
                let parent = self.dir.parent().unwrap_or(&self.dir);
                (e.kind(), format!("cannot create a temporary directory in {}: {e}", parent.display()))
            })
        });
        if let Err((kind, why)) = created {
            return Err(io::Error::new(*kind, why.clone()));
        }
        let path = self.dir.join(format!("run-{}", self.next.fetch_add(1, Ordering::Relaxed)));
        let out = BufWriter::with_capacity(1 << 18, File::create(&path)?);
        Ok(RunWriter { path, out })
    }

    /// How many runs were written.
    pub fn written(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}

/// A run being written.
#[derive(Debug)]
pub struct RunWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl RunWriter {
    /// Appends a row (keys in order).
    pub fn push(&mut self, key: Key, row: &[u8]) -> io::Result<()> {
        self.out.write_all(&key.encode())?;
        let len = u32::try_from(row.len()).map_err(|_| io::Error::other("a timeline row over 4 GiB"))?;
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(row)
    }

    /// Ends the run; returns its path.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.flush()?;
        Ok(self.path)
    }
}

/// Reads a run back, row by row.
#[derive(Debug)]
pub struct RunReader {
    reader: BufReader<File>,
    row: Vec<u8>,
    key: Option<Key>,
}

impl RunReader {
    /// Opens the run at `path` (and unlinks it) and reads its first row.
    pub fn open(path: &Path) -> io::Result<RunReader> {
        let file = File::open(path)?;
        fs::remove_file(path)?;
        let mut reader =
            RunReader { reader: BufReader::with_capacity(1 << 16, file), row: Vec::new(), key: None };
        reader.advance()?;
        Ok(reader)
    }

    /// The current row, `None` at the end.
    pub fn current(&self) -> Option<(Key, &[u8])> {
        self.key.map(|k| (k, self.row.as_slice()))
    }

    /// Moves to the next row.
    pub fn advance(&mut self) -> io::Result<()> {
        let mut head = [0u8; KEY_BYTES + 4];
        match self.reader.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.key = None;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        let mut key = [0u8; KEY_BYTES];
        key.copy_from_slice(&head[..KEY_BYTES]);
        let len = u32::from_le_bytes([head[41], head[42], head[43], head[44]]) as usize;
        self.row.resize(len, 0);
        self.reader.read_exact(&mut self.row)?;
        self.key = Some(Key::decode(&key));
        Ok(())
    }
}
