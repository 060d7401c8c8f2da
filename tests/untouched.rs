//! Evidence is never changed: after `analyze`, `timeline`, `inputs` and `batch` on a copy of
//! a sample bundle (plain, and packed as .tar.gz and .zip), every file has the same bytes,
//! mode and modification time, and no file appeared or vanished. Every file of the evidence is
//! opened read-only: under strace, and as an unprivileged user on write-protected evidence.

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
    // The same bundle as a zip, written with the zip crate (no zip tool needed).
    let mut zip = zip::ZipWriter::new(fs::File::create(evidence.join("bundle.zip")).unwrap());
    for rel in sample_files() {
        zip.start_file(format!("2026-02-17-pm2-delete-all/{rel}"), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &fs::read(sample().join(&rel)).unwrap()).unwrap();
    }
    zip.finish().unwrap();
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

#[test]
fn write_protected_evidence_is_read_whole_by_an_unprivileged_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let Some(as_nobody) = postmortem_as_nobody(dir.path()) else { return };
    let evidence = evidence(dir.path());
    for (path, _) in snapshot(&evidence).iter().chain([(&evidence, &Default::default())]) {
        let mode = if path.is_dir() { 0o555 } else { 0o444 };
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
    let as_root = postmortem(["inputs", evidence.to_str().unwrap(), "--format", "jsonl"]);
    let as_nobody =
        as_nobody().args(["inputs", evidence.to_str().unwrap(), "--format", "jsonl"]).output().unwrap();
    assert!(as_nobody.status.success(), "{}", String::from_utf8_lossy(&as_nobody.stderr));
    let listing = jsonl(&as_nobody);
    assert!(listing.len() > 30, "the directory and both archives are read: {}", listing.len());
    assert!(listing.iter().all(|i| i["format"] != "failed"), "nothing needed write access: {listing:#?}");
    assert_eq!(as_nobody.stdout, as_root.stdout, "the same inputs as root reads");
}
