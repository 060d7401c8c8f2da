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

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The file name a bundle's manifest has at the bundle's root.
pub const MANIFEST_NAME: &str = "manifest.json";

/// A parsed manifest.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Manifest {
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
}

/// One file of the bundle as the manifest describes it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ManifestFile {
    /// Path inside the bundle, `/`-separated, relative to the manifest's directory.
    pub path: String,
    /// Where the file was on the host.
    pub original_path: Option<String>,
    /// Size in bytes when captured.
    pub size: Option<u64>,
    /// SHA-256 when captured.
    pub sha256: Option<String>,
    /// Modification time on the host.
    pub mtime: Option<DateTime<Utc>>,
}

/// A command the collector ran.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ManifestCommand {
    /// The command line.
    pub command: String,
    /// Its exit code.
    pub exit_code: Option<i32>,
    /// How long it ran.
    pub duration_ms: Option<u64>,
    /// Path of its captured output inside the bundle.
    pub output: Option<String>,
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
