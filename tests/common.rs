//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped sample bundle of the runbook's incident.
pub fn sample() -> PathBuf {
    root().join("samples/2026-02-17-pm2-delete-all")
}

/// Every file of the sample bundle, relative and `/`-separated, sorted.
pub fn sample_files() -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("readable sample") {
            let entry = entry.expect("readable entry");
            let name = format!("{rel}{}", entry.file_name().to_string_lossy());
            if entry.file_type().expect("file type").is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut out = Vec::new();
    walk(&sample(), "", &mut out);
    out.sort();
    out
}

/// Runs the postmortem binary.
pub fn postmortem<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_postmortem")).args(args).output().expect("the binary runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 output")
}

/// Parses JSONL output into values.
pub fn jsonl(o: &Output) -> Vec<serde_json::Value> {
    stdout(o).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

/// Lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).expect("readable");
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `git ARGS` in `dir` as a fixed test author; panics when git fails.
#[allow(dead_code)]
pub fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=Deploy Bot", "-c", "user.email=deploy@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs")
        .status
        .success();
    assert!(ok, "git {args:?} in {}", dir.display());
}

/// Every sample bundle directory (`samples/*/`), sorted.
pub fn sample_bundles() -> Vec<PathBuf> {
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .expect("readable samples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    bundles.sort();
    bundles
}

/// Commands running a copy of the binary as the unprivileged user 65534 (`setpriv`), for
/// tests that need permissions to apply (tests run as root). The copy lives in `dir`, which is
/// made traversable. `None`, with a note, when setpriv (util-linux) is missing.
pub fn postmortem_as_nobody(dir: &Path) -> Option<impl Fn() -> Command> {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("note: setpriv (util-linux) is missing; this test needs it to drop root and was not run");
        return None;
    }
    let binary = dir.join("postmortem");
    std::fs::copy(env!("CARGO_BIN_EXE_postmortem"), &binary).expect("copy of the binary");
    for path in [dir, &binary] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    Some(move || {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&binary);
        command
    })
}
