//! A batch of 24 generated bundles (known causes) plus two bad ones, through postmortem's batch
//! library: every bad bundle reported, per-cause counts and severities equal to what the
//! generator put in, and the summary's statistics equal to values computed here.

use std::collections::BTreeMap;

use postmortem::analysis::{rules, AnalyzeOptions};
use postmortem::batch::{analyze_bundle, discover, summarize, BatchOptions, Stats};
use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem_corpus::{nth_spec, write_bundles, Cause};

#[test]
fn twenty_four_bundles_and_two_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_bundles(24, 7, 50, dir.path()).unwrap();
    std::fs::write(dir.path().join("zz-broken.tar.gz"), b"\x1f\x8b\x08\x00 not a gzip stream").unwrap();
    std::fs::create_dir_all(dir.path().join("zz-nothing")).unwrap();
    std::fs::write(dir.path().join("zz-nothing/readme.txt"), "no evidence here\n").unwrap();

    let load = LoadOptions::default();
    let time = TimeOptions::default();
    let rules = rules::load(&[]).unwrap();
    let analyze = AnalyzeOptions::default();
    let options =
        BatchOptions { load: &load, time: &time, inventory: None, rules: &rules, analyze: &analyze };
    let bundles = discover(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(bundles.len(), 26);
    let results: Vec<_> = bundles.iter().map(|(name, path)| analyze_bundle(name, path, &options).0).collect();
    let summary = summarize(&results);

    // What the generator put in.
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..24 {
        let cause = nth_spec(i, 7, 50).cause;
        if cause != Cause::None {
            *expected.entry(cause.id().to_string()).or_default() += 1;
        }
    }
    assert_eq!(summary.causes, expected);
    assert_eq!(summary.bundles, 26);
    let failed: Vec<&str> = summary.failed.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(failed, ["zz-broken.tar.gz", "zz-nothing"]);
    assert_eq!(summary.severity.get("failed"), Some(&2));
    let nones = (0..24).filter(|&i| nth_spec(i, 7, 50).cause == Cause::None).count();
    assert_eq!(summary.severity.get("none").copied().unwrap_or(0), nones);

    // Statistics recomputed from the per-bundle results.
    for (cause, stats) in &summary.duration_by_cause {
        let mut d: Vec<i64> = results
            .iter()
            .filter(|r| r.failure.is_none() && r.top_cause() == Some(cause.as_str()))
            .filter_map(|r| r.duration_seconds)
            .collect();
        d.sort_unstable();
        let rank = |p: f64| d[((p * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1];
        assert_eq!(
            *stats,
            Stats { count: d.len(), median: rank(0.5), p90: rank(0.9), total: d.iter().sum() },
            "{cause}"
        );
    }
    let restored: Vec<i64> =
        results.iter().filter(|r| r.end.is_some()).filter_map(|r| r.duration_seconds).collect();
    assert_eq!(summary.mttr_seconds, Some(restored.iter().sum::<i64>() / restored.len() as i64));
}
