//! `postmortem batch`: every bundle analyzed, bad bundles reported and skipped, a summary
//! whose numbers match the per-bundle reports computed independently here, identical output
//! for any --jobs, and --merge of sharded batches equal to one batch.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The sample bundles (not the confusers directory) copied into `dir`, plus two bad ones.
fn batch_input(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("manifest.json").is_file() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            copy_dir(&path, &dir.join(&name));
            names.push(name);
        }
    }
    std::fs::write(dir.join("zz-corrupt.tar.gz"), b"\x1f\x8b\x08\x00 this is not gzip").unwrap();
    std::fs::create_dir_all(dir.join("zz-empty")).unwrap();
    std::fs::write(dir.join("zz-empty/notes.txt"), "nothing to see\n").unwrap();
    names.sort();
    names
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn batch(args: &[&str]) -> std::process::Output {
    let out = postmortem(args);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    out
}

fn summary_rows(dir: &Path) -> BTreeMap<(String, String), Vec<String>> {
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            ((cells[0].clone(), cells[1].clone()), cells[2..].to_vec())
        })
        .collect()
}

#[test]
fn a_batch_matches_its_bundles_and_survives_bad_ones() {
    let input = tempfile::tempdir().unwrap();
    let names = batch_input(input.path());
    let out_dir = tempfile::tempdir().unwrap();
    let o = out_dir.path().join("one");
    let run = batch(&[
        "batch",
        input.path().to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
        "--quiet",
        "--jobs",
        "2",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // Independently: each bundle's own report.
    let mut severity: BTreeMap<String, usize> = BTreeMap::new();
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    let mut durations: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for name in &names {
        let r: Value = serde_json::from_slice(
            &postmortem(["analyze", input.path().join(name).to_str().unwrap(), "--format", "json"]).stdout,
        )
        .unwrap();
        *severity.entry(r["severity"].as_str().unwrap().to_string()).or_default() += 1;
        if let Some(start) = r["incident"]["start"].as_str() {
            let cause = r["root_causes"][0]["id"].as_str().unwrap_or("unknown").to_string();
            *causes.entry(cause.clone()).or_default() += 1;
            let end = r["incident"]["end"].as_str();
            let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
            let last = r["incident"]["processes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    parse(p["down_at"].as_str().unwrap())
                        + chrono::Duration::seconds(p["downtime_seconds"].as_i64().unwrap())
                })
                .max();
            let stop = end.map(parse).or(last).unwrap();
            durations.entry(cause).or_default().push((stop - parse(start)).num_seconds());
        }
        // Every bundle has its reports.
        assert!(o.join(name).join("report.md").is_file(), "{name}");
        assert!(o.join(name).join("report.json").is_file(), "{name}");
    }
    let rows = summary_rows(&o);
    assert_eq!(rows[&("bundles".into(), "all".into())][0], (names.len() + 2).to_string());
    assert_eq!(rows[&("severity".into(), "failed".into())][0], "2");
    for (sev, n) in &severity {
        assert_eq!(rows[&("severity".into(), sev.clone())][0], n.to_string(), "{sev}");
    }
    for (cause, n) in &causes {
        assert_eq!(rows[&("top_cause".into(), cause.clone())][0], n.to_string(), "{cause}");
        let total: i64 = durations[cause].iter().sum();
        assert_eq!(rows[&("duration_by_cause".into(), cause.clone())][3], total.to_string(), "{cause}");
    }
    // Both bad bundles are reported with a reason.
    let md = std::fs::read_to_string(o.join("summary.md")).unwrap();
    assert!(md.contains("| zz-corrupt.tar.gz | failed |"), "{md}");
    assert!(md.contains("| zz-empty | failed | no recognised evidence"), "{md}");
    // --fail-on-error turns them into exit 1.
    let strict = batch(&[
        "batch",
        input.path().to_str().unwrap(),
        "--out",
        out_dir.path().join("s").to_str().unwrap(),
        "--quiet",
        "--fail-on-error",
    ]);
    assert_eq!(strict.status.code(), Some(1));

    // Same bytes whatever --jobs is.
    let t = out_dir.path().join("three");
    batch(&["--jobs", "3", "batch", input.path().to_str().unwrap(), "--out", t.to_str().unwrap(), "--quiet"]);
    for f in ["summary.md", "summary.csv", "bundles.jsonl", "2026-02-17-pm2-delete-all/report.md"] {
        assert_eq!(std::fs::read(o.join(f)).unwrap(), std::fs::read(t.join(f)).unwrap(), "{f}");
    }
}

#[test]
fn merged_shards_equal_one_batch() {
    let input = tempfile::tempdir().unwrap();
    let names = batch_input(input.path());
    let shards = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for (i, name) in names.iter().enumerate() {
        let shard = shards[i % 2].path().join(name);
        std::fs::rename(input.path().join(name), shard).unwrap();
    }
    std::fs::rename(input.path().join("zz-empty"), shards[0].path().join("zz-empty")).unwrap();
    std::fs::rename(input.path().join("zz-corrupt.tar.gz"), shards[1].path().join("zz-corrupt.tar.gz"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = |n: &str| -> PathBuf { out.path().join(n) };
    for (i, shard) in shards.iter().enumerate() {
        batch(&[
            "batch",
            shard.path().to_str().unwrap(),
            "--out",
            dir(&format!("s{i}")).to_str().unwrap(),
            "--quiet",
        ]);
    }
    batch(&[
        "batch",
        shards[0].path().to_str().unwrap(),
        shards[1].path().to_str().unwrap(),
        "--out",
        dir("all").to_str().unwrap(),
        "--quiet",
    ]);
    let merged = batch(&[
        "batch",
        "--merge",
        dir("s0").to_str().unwrap(),
        dir("s1").to_str().unwrap(),
        "--out",
        dir("merged").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
    for f in ["summary.csv", "summary.md", "bundles.jsonl"] {
        assert_eq!(
            std::fs::read_to_string(dir("all").join(f)).unwrap(),
            std::fs::read_to_string(dir("merged").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[cfg(feature = "parquet")]
#[test]
fn findings_are_hive_partitioned_parquet() {
    use polars::prelude::*;
    let input = tempfile::tempdir().unwrap();
    batch_input(input.path());
    let out = tempfile::tempdir().unwrap();
    batch(&["batch", input.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--quiet"]);
    let part = out.path().join("findings/month=2026-02/part-0.parquet");
    let df = ParquetReader::new(std::fs::File::open(part).unwrap()).finish().unwrap();
    assert_eq!(df.column("id").unwrap().str().unwrap().get(0), Some("pm2-delete-all"));
    assert_eq!(df.column("rank").unwrap().u32().unwrap().get(0), Some(1));
    let summary = ParquetReader::new(std::fs::File::open(out.path().join("summary.parquet")).unwrap())
        .finish()
        .unwrap();
    assert!(summary.height() > 10);
}
