//! Evidence is never changed: after `analyze`, `timeline`, `inputs` and `batch` on a copy of
//! a sample bundle (plain, and packed as .tar.gz and .zip), every file has the same bytes,
//! mode and modification time, and no file appeared or vanished. Under strace, every file of
//! the evidence is opened read-only.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// path → (sha256, size, mode, mtime in ns) of every file and directory under `root`.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (String, u64, u32, i128)> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (String, u64, u32, i128)>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let meta = fs::symlink_metadata(entry.path()).unwrap();
            let mtime = meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128;
            let sha = if meta.is_file() { sha256_file(&entry.path()) } else { String::new() };
            out.insert(entry.path(), (sha, meta.len(), meta.mode(), mtime));
            if meta.is_dir() {
                walk(&entry.path(), out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &mut out);
    out
}

/// A copy of the sample (mtimes kept) plus the same bundle as .tar.gz and .zip.
fn evidence(dir: &Path) -> PathBuf {
    let evidence = dir.join("evidence");
    fs::create_dir_all(&evidence).unwrap();
    let bundle = evidence.join("2026-02-17-pm2-delete-all");
    assert!(Command::new("cp").arg("-a").arg(sample()).arg(&bundle).status().unwrap().success());
    let packed = Command::new("tar")
        .arg("-czf")
        .arg(evidence.join("bundle.tar.gz"))
        .arg("-C")
        .arg(&evidence)
        .arg("2026-02-17-pm2-delete-all")
        .status()
        .unwrap();
    assert!(packed.success());
    let zipped = Command::new("zip")
        .arg("-qr")
        .arg(evidence.join("bundle.zip"))
        .arg("2026-02-17-pm2-delete-all")
        .current_dir(&evidence)
        .status();
    if !zipped.is_ok_and(|s| s.success()) {
        eprintln!("note: zip is missing; the zip case was not checked");
    }
    evidence
}

#[test]
fn analyze_timeline_inputs_and_batch_leave_the_evidence_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = evidence(dir.path());
    let before = snapshot(&evidence);
    assert!(before.len() > 15, "{before:#?}");
    let e = evidence.to_str().unwrap();
    let bundle = evidence.join("2026-02-17-pm2-delete-all");
    let b = bundle.to_str().unwrap();
    let out_dir = dir.path().join("out");
    let timeline_csv = dir.path().join("timeline.csv");
    let runs: Vec<Vec<&str>> = vec![
        vec!["analyze", b],
        vec!["analyze", e, "--format", "json"],
        vec!["analyze", b, "--format", "md"],
        vec!["timeline", e, "--format", "jsonl"],
        vec!["timeline", b, "--format", "csv", "--output", timeline_csv.to_str().unwrap()],
        vec!["inputs", e],
        vec!["batch", e, "--out", out_dir.to_str().unwrap(), "--quiet"],
    ];
    for args in runs {
        let out = postmortem(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    assert!(
        out_dir.join("2026-02-17-pm2-delete-all/report.md").is_file(),
        "batch wrote its reports elsewhere"
    );
    let after = snapshot(&evidence);
    for (path, was) in &before {
        assert_eq!(after.get(path), Some(was), "{} changed", path.display());
    }
    assert_eq!(
        before.len(),
        after.len(),
        "files appeared in the evidence: {:?}",
        after.keys().filter(|p| !before.contains_key(*p)).collect::<Vec<_>>()
    );
}

#[test]
fn every_evidence_file_is_opened_read_only() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("note: strace is missing; the open-flags check was not run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let evidence = evidence(dir.path());
    let trace = dir.path().join("trace");
    let status = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=open,openat,openat2,creat,truncate,rename,renameat,renameat2,unlink,unlinkat,utimensat",
            "-o",
        ])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_postmortem"))
        .arg("analyze")
        .arg(&evidence)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let root = evidence.to_str().unwrap();
    let calls: Vec<String> = fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter(|l| l.contains(root))
        .map(str::to_string)
        .collect();
    let opened_files = calls.iter().filter(|c| c.contains(".log") || c.contains(".tar.gz")).count();
    assert!(opened_files >= 5, "the trace shows the evidence being read: {calls:#?}");
    for call in &calls {
        let opens = call.contains("open");
        assert!(opens, "only opens touch the evidence: {call}");
        assert!(call.contains("O_RDONLY"), "opened read-only: {call}");
        for flag in ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"] {
            assert!(!call.contains(flag), "{flag}: {call}");
        }
    }
}
