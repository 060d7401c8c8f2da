//! The bundle being written: a `.tar.gz` with `files/…`, `commands/…` and `manifest.json`,
//! and the manifest that records every entry, command and miss as it happens.
//!
//! Each item is first copied into a scratch directory next to the output (so a log that
//! grows while it is read still has one exact size and hash), then appended to the archive.
//! The archive is written to `OUT.partial` and renamed to `OUT` only when complete; the
//! scratch directory is removed whatever happens.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;

use super::plan::{self, CommandSpec, FileSpec};
use super::runner;
use super::CollectError;
use crate::evidence::manifest::{Manifest, ManifestCommand, ManifestFile, ManifestMissing, MANIFEST_NAME};
use crate::evidence::window::HashingReader;

/// A path removed when dropped: the scratch directory always, the partial archive unless it
/// was renamed to its final name.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = if self.0.is_dir() { fs::remove_dir_all(&self.0) } else { fs::remove_file(&self.0) };
    }
}

/// What one command left: its exit code and where its output is while the bundle is open.
#[derive(Debug)]
pub struct Captured {
    /// The exit code, when it ran to an exit.
    pub exit_code: Option<i32>,
    /// Its stdout, readable until the bundle is finished.
    pub scratch: PathBuf,
}

/// An archive being written and its manifest.
pub struct BundleWriter {
    tar: tar::Builder<GzEncoder<BufWriter<File>>>,
    out: PathBuf,
    partial: RemoveOnDrop,
    scratch: RemoveOnDrop,
    next: usize,
    entries: BTreeSet<String>,
    /// The manifest so far; written last.
    pub manifest: Manifest,
}

impl BundleWriter {
    /// Starts `out` (written as `out.partial` until [`BundleWriter::finish`]).
    pub fn create(out: &Path, manifest: Manifest) -> Result<BundleWriter, CollectError> {
        let partial = with_suffix(out, ".partial");
        let scratch = with_suffix(out, ".scratch");
        fs::create_dir_all(&scratch)
            .map_err(|source| CollectError::Write { path: scratch.clone(), source })?;
        let scratch = RemoveOnDrop(scratch);
        let file =
            File::create(&partial).map_err(|source| CollectError::Write { path: partial.clone(), source })?;
        let partial = RemoveOnDrop(partial);
        let tar = tar::Builder::new(GzEncoder::new(BufWriter::new(file), Compression::default()));
        Ok(BundleWriter {
            tar,
            out: out.to_path_buf(),
            partial,
            scratch,
            next: 0,
            entries: BTreeSet::new(),
            manifest,
        })
    }

    fn scratch_path(&mut self) -> PathBuf {
        self.next += 1;
        self.scratch.0.join(self.next.to_string())
    }

    /// Records something the collector could not get.
    pub fn missing(&mut self, what: impl Into<String>, reason: impl Into<String>) {
        self.manifest.missing.push(ManifestMissing { what: what.into(), reason: reason.into() });
    }

    /// Runs a command and stores its stdout (also when it failed: its output may still
    /// tell something; a command that could not start is recorded without output).
    pub fn add_command(&mut self, spec: &CommandSpec) -> Result<Captured, CollectError> {
        let scratch = self.scratch_path();
        let run = runner::run_command(spec, &scratch)
            .map_err(|source| CollectError::Write { path: scratch.clone(), source })?;
        let mut record = ManifestCommand {
            command: spec.command_line(),
            argv: spec.argv.clone(),
            exit_code: run.exit_code,
            duration_ms: Some(run.duration_ms),
            output: None,
            stderr: (!run.stderr.is_empty()).then_some(run.stderr),
            error: run.error.clone(),
        };
        if let Some(error) = run.error {
            self.missing(spec.argv[0].clone(), error);
        } else {
            let (size, sha256) = self.append(&spec.output, &scratch, Utc::now())?;
            record.output = Some(spec.output.clone());
            self.manifest.files.push(ManifestFile {
                path: spec.output.clone(),
                size: Some(size),
                sha256: Some(sha256),
                mtime: Some(second(Utc::now())),
                ..ManifestFile::default()
            });
        }
        self.manifest.commands.push(record);
        Ok(Captured { exit_code: run.exit_code, scratch })
    }

    /// Copies a host file into `files/<its path>`; returns where its copy is readable until
    /// the bundle is finished, or `None` (recorded as missing when it was asked for by name
    /// or exists but cannot be read).
    pub fn add_file(&mut self, spec: &FileSpec) -> Result<Option<PathBuf>, CollectError> {
        let archive_path = plan::archive_file_path(&spec.path);
        if self.entries.contains(&archive_path) {
            return Ok(None);
        }
        let scratch = self.scratch_path();
        let copied = match runner::copy_file(&spec.path, spec.tail, &scratch) {
            Ok(c) => c,
            Err(e) => {
                if spec.expected || e.kind() != io::ErrorKind::NotFound {
                    self.missing(spec.path.display().to_string(), crate::evidence::io_words(&e));
                }
                return Ok(None);
            }
        };
        let mtime = copied.mtime.map(second);
        let (size, sha256) = self.append(&archive_path, &scratch, mtime.unwrap_or_else(Utc::now))?;
        self.manifest.files.push(ManifestFile {
            path: archive_path,
            original_path: Some(spec.path.display().to_string()),
            size: Some(size),
            original_size: (copied.copied < copied.original_size).then_some(copied.original_size),
            sha256: Some(sha256),
            mtime,
        });
        Ok(Some(scratch))
    }

    /// Appends a scratch file as `path`, hashing it on the way.
    fn append(
        &mut self,
        path: &str,
        scratch: &Path,
        mtime: DateTime<Utc>,
    ) -> Result<(u64, String), CollectError> {
        let write_err = |source| CollectError::Write { path: self.partial.0.clone(), source };
        let file = File::open(scratch)
            .map_err(|source| CollectError::Write { path: scratch.to_path_buf(), source })?;
        let size = file
            .metadata()
            .map_err(|source| CollectError::Write { path: scratch.to_path_buf(), source })?
            .len();
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o644);
        header.set_mtime(mtime.timestamp().max(0) as u64);
        let mut reader = HashingReader::new(file);
        self.tar.append_data(&mut header, path, &mut reader).map_err(write_err)?;
        let (sha256, _) =
            reader.finish().map_err(|source| CollectError::Write { path: scratch.to_path_buf(), source })?;
        self.entries.insert(path.to_string());
        Ok((size, sha256))
    }

    /// Writes `manifest.json` last, closes the archive and moves it to its name.
    pub fn finish(mut self) -> Result<Manifest, CollectError> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CollectError::Write { path, source }
        };
        let json = serde_json::to_vec_pretty(&self.manifest).expect("a manifest always serializes");
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(Utc::now().timestamp().max(0) as u64);
        self.tar
            .append_data(&mut header, MANIFEST_NAME, json.as_slice())
            .map_err(write_err(&self.partial.0))?;
        let gz = self.tar.into_inner().map_err(write_err(&self.partial.0))?;
        let buffered = gz.finish().map_err(write_err(&self.partial.0))?;
        buffered
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(write_err(&self.partial.0))?;
        fs::rename(&self.partial.0, &self.out).map_err(write_err(&self.out))?;
        Ok(self.manifest)
    }
}

/// A time to the second, as the manifest writes times.
pub fn second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
