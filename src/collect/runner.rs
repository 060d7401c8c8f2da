//! The side effects of `collect` on the host, kept thin: list a directory, read a small
//! file, look at the PM2 daemon, run one command into a file, copy one file's tail. Every
//! result comes back as data; nothing here decides what to collect (that is `plan.rs`) and
//! nothing here writes anywhere but the destination path it is handed.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::plan::{self, CommandSpec, DaemonState};

/// The names in a directory, sorted.
pub fn dir_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// A small text file (`/etc/passwd`, `pm2.pid`); `None` when it cannot be read.
pub fn small_text(path: &Path) -> Option<String> {
    let mut text = String::new();
    File::open(path).ok()?.take(1 << 20).read_to_string(&mut text).ok()?;
    Some(text)
}

/// Whether a PM2 daemon runs for `pm2_home`, looking only (pm2.pid, /proc, rpc.sock).
pub fn observe_daemon(pm2_home: &Path) -> DaemonState {
    let pid_text = small_text(&pm2_home.join("pm2.pid"));
    let alive = |pid: u32| Path::new("/proc").join(pid.to_string()).exists();
    plan::daemon_state(pid_text.as_deref(), alive, pm2_home.join("rpc.sock").exists())
}

/// How a command ran.
#[derive(Debug)]
pub struct CommandRun {
    /// Its exit code (`None` when it did not run or a signal ended it).
    pub exit_code: Option<i32>,
    /// Wall time it took.
    pub duration_ms: u64,
    /// The start of its stderr, trimmed.
    pub stderr: String,
    /// Why it could not be started.
    pub error: Option<String>,
}

/// How much of a command's stderr the manifest keeps.
const STDERR_KEPT: usize = 2048;

/// Runs a command with no stdin, its stdout into `stdout_to`.
pub fn run_command(spec: &CommandSpec, stdout_to: &Path) -> io::Result<CommandRun> {
    let stdout = File::create(stdout_to)?;
    let started = Instant::now();
    let mut command = Command::new(&spec.argv[0]);
    command.args(&spec.argv[1..]).stdin(Stdio::null()).stdout(stdout).stderr(Stdio::piped());
    command.envs(spec.env.iter().map(|(k, v)| (k, v)));
    let output = command.output();
    let duration_ms = started.elapsed().as_millis() as u64;
    Ok(match output {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stderr);
            let mut stderr = text.trim().to_string();
            if stderr.len() > STDERR_KEPT {
                let cut = (0..=STDERR_KEPT).rev().find(|&i| stderr.is_char_boundary(i)).unwrap_or(0);
                stderr.truncate(cut);
                stderr.push('…');
            }
            CommandRun { exit_code: out.status.code(), duration_ms, stderr, error: None }
        }
        Err(e) => {
            let error = if e.kind() == io::ErrorKind::NotFound {
                format!("{} is not installed (not on PATH)", spec.argv[0])
            } else {
                format!("cannot run {}: {e}", spec.argv[0])
            };
            CommandRun { exit_code: None, duration_ms, stderr: String::new(), error: Some(error) }
        }
    })
}

/// A host file as copied.
#[derive(Debug)]
pub struct Copied {
    /// Its size on the host when opened.
    pub original_size: u64,
    /// Bytes copied (the tail when the file was larger than the limit).
    pub copied: u64,
    /// Its modification time on the host.
    pub mtime: Option<DateTime<Utc>>,
}

/// Copies a regular file (its last `tail` bytes, when given) to `to`. Opening read-only
/// leaves the file and its times as they were.
pub fn copy_file(path: &Path, tail: Option<u64>, to: &Path) -> io::Result<Copied> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    let original_size = meta.len();
    let keep = tail.map_or(original_size, |t| t.min(original_size));
    file.seek(SeekFrom::Start(original_size - keep))?;
    // A log may grow while it is read: copy what was there when it was opened.
    let copied = io::copy(&mut file.take(keep), &mut File::create(to)?)?;
    Ok(Copied { original_size, copied, mtime: meta.modified().ok().map(DateTime::<Utc>::from) })
}

/// Where `/etc/localtime` points, for the zone name in its path.
pub fn localtime_target() -> Option<PathBuf> {
    fs::read_link("/etc/localtime").ok()
}

/// The host name, from the kernel.
pub fn hostname() -> Option<String> {
    small_text(Path::new("/proc/sys/kernel/hostname")).map(|h| h.trim().to_string()).filter(|h| !h.is_empty())
}
