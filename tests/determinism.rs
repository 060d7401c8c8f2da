//! Same evidence, same bytes out: `report.json`, `report.md`, `timeline.csv` and
//! `timeline.jsonl` are byte-identical across runs, for `--jobs 1` and `--jobs 8`, and for a
//! copy of the evidence somewhere else (no absolute path or wall-clock time leaks out).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// The four outputs, by name, for `evidence` run with `--jobs jobs`.
fn outputs(evidence: &[PathBuf], jobs: &str) -> Vec<(&'static str, Vec<u8>)> {
    let runs: [(&str, &str, &str); 4] = [
        ("report.json", "analyze", "json"),
        ("report.md", "analyze", "md"),
        ("timeline.csv", "timeline", "csv"),
        ("timeline.jsonl", "timeline", "jsonl"),
    ];
    runs.iter()
        .map(|(name, command, format)| {
            let mut args: Vec<String> = vec!["--jobs".into(), jobs.into(), (*command).into()];
            args.extend(evidence.iter().map(|p| p.to_str().unwrap().to_string()));
            args.extend(["--format".into(), (*format).into()]);
            let out = postmortem(&args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            assert!(out.stdout.len() > 100, "{name} has content");
            (*name, out.stdout)
        })
        .collect()
}

fn assert_same(what: &str, a: &[(&str, Vec<u8>)], b: &[(&str, Vec<u8>)]) {
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if x != y {
            let first = x.iter().zip(y).position(|(p, q)| p != q).unwrap_or(x.len().min(y.len()));
            panic!(
                "{name} differs ({what}) at byte {first}:\n{}\n---\n{}",
                String::from_utf8_lossy(&x[first.saturating_sub(200)..(first + 200).min(x.len())]),
                String::from_utf8_lossy(&y[first.saturating_sub(200)..(first + 200).min(y.len())])
            );
        }
    }
}

#[test]
fn every_sample_together_gives_the_same_bytes_for_any_jobs_and_run() {
    let evidence = sample_bundles();
    assert!(evidence.len() > 5);
    let one = outputs(&evidence, "1");
    let eight = outputs(&evidence, "8");
    let eight_again = outputs(&evidence, "8");
    assert_same("--jobs 1 vs --jobs 8", &one, &eight);
    assert_same("two runs with --jobs 8", &eight, &eight_again);
}

#[test]
fn a_copy_elsewhere_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("deeper/path").join(sample().file_name().unwrap());
    fs::create_dir_all(copy.parent().unwrap()).unwrap();
    // cp -a keeps mtimes: they are evidence (years), not something the copy may change.
    let copied = std::process::Command::new("cp").arg("-a").arg(sample()).arg(&copy).status().unwrap();
    assert!(copied.success());
    let here = outputs(&[sample()], "2");
    let there = outputs(std::slice::from_ref(&copy), "3");
    assert_same("the sample and a copy of it elsewhere", &here, &there);
    for (name, bytes) in &there {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(dir.path().to_str().unwrap()), "{name} names the absolute path");
    }
}

#[test]
fn batch_reports_are_byte_identical_for_any_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    fs::create_dir_all(&input).unwrap();
    for bundle in sample_bundles().iter().take(4) {
        let copied = std::process::Command::new("cp").arg("-a").arg(bundle).arg(&input).status().unwrap();
        assert!(copied.success());
    }
    let run = |jobs: &str, out: &Path| {
        let o = postmortem([
            "--jobs",
            jobs,
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let (one, eight) = (dir.path().join("one"), dir.path().join("eight"));
    run("1", &one);
    run("8", &eight);
    let mut compared = 0;
    for bundle in fs::read_dir(&input).unwrap().flatten() {
        for report in ["report.json", "report.md"] {
            let a = fs::read(one.join(bundle.file_name()).join(report)).unwrap();
            let b = fs::read(eight.join(bundle.file_name()).join(report)).unwrap();
            assert!(a == b, "{}/{report} differs between --jobs 1 and 8", bundle.path().display());
            compared += 1;
        }
    }
    assert_eq!(compared, 8);
}
