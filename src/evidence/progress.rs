//! How far a load has read: the bytes of evidence files read so far, as stored on disk.
//!
//! The CLI draws a progress bar from it for long loads (`analyze`/`timeline` of gigabytes).
//! Bytes are counted where the loader reads a file on disk, before any decompression, so the
//! count ends at the sum of the files' sizes whatever their compression.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A shared count of the bytes read (clones count into the same total).
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    /// A count at zero.
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts `n` more bytes.
    pub(super) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// A reader counting what it reads into a [`Progress`] (when there is one).
pub(super) struct ProgressReader<'p, R> {
    inner: R,
    progress: Option<&'p Progress>,
}

impl<'p, R: Read> ProgressReader<'p, R> {
    /// Wraps `inner`, counting into `progress`.
    pub(super) fn new(inner: R, progress: Option<&'p Progress>) -> Self {
        ProgressReader { inner, progress }
    }
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            p.add(n as u64);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::evidence::{load, LoadOptions};

    #[test]
    fn a_load_counts_every_stored_byte_of_its_files_once() {
        let dir = tempfile::tempdir().unwrap();
        let line = "2026-02-17T10:00:00.000000+00:00 host sshd[1]: Connection closed by 192.0.2.1 port 22\n";
        std::fs::write(dir.path().join("auth.log"), line.repeat(5000)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(line.repeat(9000).as_bytes()).unwrap();
        std::fs::write(dir.path().join("auth.log.1.gz"), gz.finish().unwrap()).unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        let stored: u64 = ["auth.log", "auth.log.1.gz"]
            .iter()
            .map(|f| std::fs::metadata(dir.path().join(f)).unwrap().len())
            .sum();

        let progress = Progress::new();
        let options = LoadOptions { progress: Some(progress.clone()), ..LoadOptions::default() };
        let bundle = load(dir.path(), &options);
        assert_eq!(bundle.inputs.iter().map(|i| i.event_count).sum::<u64>(), 14_000);
        assert_eq!(progress.bytes(), stored, "compressed files count as stored, each once");
        // Without hashing (a second read), the same count.
        let again = Progress::new();
        let options = LoadOptions { progress: Some(again.clone()), hash: false, ..LoadOptions::default() };
        load(dir.path(), &options);
        assert_eq!(again.bytes(), stored);
    }
}
