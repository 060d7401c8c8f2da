//! `manifest.json`: what the collector (or a person) knew about a bundle when it was made.
//!
//! ```json
//! {"host": "web-1", "timezone": "Europe/Berlin", "captured_at": "2026-02-17T15:02:00Z",
//!  "files": [{"path": "var/log/auth.log", "original_path": "/var/log/auth.log",
//!             "size": 1234, "sha256": "…", "mtime": "2026-02-17T15:01:58Z"}],
//!  "commands": [{"command": "pm2 jlist", "exit_code": 0, "duration_ms": 310,
//!                "output": "commands/pm2-jlist.json"}]}
//! ```
//! Its `mtime`s replace the filesystem's (copying evidence destroys those).
//!
//! `postmortem collect` writes the same format with a few more keys, all optional for a
//! reader: each command's `argv`, `stderr` and `error`, a file's `original_size` when only
//! its tail was kept, the `pm2_daemon` it found (or did not), and `missing`: every tool,
//! file or directory it looked for and could not read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The file name a bundle's manifest has at the bundle's root.
pub const MANIFEST_NAME: &str = "manifest.json";

/// A parsed manifest.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Manifest {
    /// What wrote the manifest (`postmortem collect 0.1.0`), when a tool did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collector: Option<String>,
    /// The host the evidence came from.
    pub host: Option<String>,
    /// The host's IANA zone (`Europe/Berlin`), for zone-less local times.
    pub timezone: Option<String>,
    /// When the bundle was captured.
    pub captured_at: Option<DateTime<Utc>>,
    /// Per-file metadata.
    pub files: Vec<ManifestFile>,
    /// Commands the collector ran and where their output is.
    pub commands: Vec<ManifestCommand>,
    /// The PM2 daemon the collector found, or why it ran no pm2 command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pm2_daemon: Option<ManifestDaemon>,
    /// Tools, files and directories the collector looked for and could not read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<ManifestMissing>,
}

/// Whether a PM2 daemon was running when the bundle was collected.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ManifestDaemon {
    /// The `PM2_HOME` looked at.
    pub pm2_home: String,
    /// Whether a daemon was running (pm2 commands were run only then).
    pub running: bool,
    /// The daemon's pid, from `pm2.pid`, when it names a live process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// What was found, in words (`no PM2 daemon running: no pm2.pid`).
    pub detail: String,
}

/// Something the collector wanted and could not get; never fatal.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ManifestMissing {
    /// A path on the host, or a tool's name.
    pub what: String,
    /// Why it is missing (`not installed`, `permission denied …`, `no such file …`).
    pub reason: String,
}

/// One file of the bundle as the manifest describes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ManifestFile {
    /// Path inside the bundle, `/`-separated, relative to the manifest's directory.
    pub path: String,
    /// Where the file was on the host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_path: Option<String>,
    /// Size in bytes when captured (of what the bundle holds).
    pub size: Option<u64>,
    /// The file's size on the host when only its last `size` bytes were kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_size: Option<u64>,
    /// SHA-256 when captured.
    pub sha256: Option<String>,
    /// Modification time on the host.
    pub mtime: Option<DateTime<Utc>>,
}

/// A command the collector ran.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ManifestCommand {
    /// The command line.
    pub command: String,
    /// The exact arguments, program first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// Its exit code.
    pub exit_code: Option<i32>,
    /// How long it ran.
    pub duration_ms: Option<u64>,
    /// Path of its captured output inside the bundle.
    pub output: Option<String>,
    /// The start of what it wrote to stderr, when anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    /// Why it could not run (`not installed`), when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Manifest {
    /// Parses a manifest; the error says what is wrong in a way a person can fix.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("manifest.json is not valid: {e}"))
    }

    /// The manifest entry for a path inside the bundle (relative to the manifest).
    pub fn file(&self, path: &str) -> Option<&ManifestFile> {
        let path = normalize(path);
        self.files.iter().find(|f| normalize(&f.path) == path)
    }
}

fn normalize(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_start_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_finds_files() {
        let m = Manifest::parse(
            br#"{"host":"web-1","timezone":"Europe/Berlin","captured_at":"2026-02-17T15:02:00Z",
                "files":[{"path":"./var/log/auth.log","mtime":"2026-02-17T15:01:58+01:00"}],
                "commands":[{"command":"pm2 jlist","exit_code":0,"output":"cmd/jlist.json"}]}"#,
        )
        .unwrap();
        assert_eq!(m.timezone.as_deref(), Some("Europe/Berlin"));
        let f = m.file("var/log/auth.log").unwrap();
        assert_eq!(f.mtime.unwrap().to_rfc3339(), "2026-02-17T14:01:58+00:00");
        assert!(m.file("auth.log").is_none());
        assert!(Manifest::parse(b"{").unwrap_err().contains("manifest.json is not valid"));
    }
}
