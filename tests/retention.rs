//! `analyze` keeps only the events its rules and reports read (`analysis::interest`): every
//! sample's reports — JSON, Markdown, notifications — and its `inputs` accounting (counts,
//! spans, time assumptions) must be byte-identical to those made with every event kept.

use std::path::{Path, PathBuf};

use postmortem::analysis::{self, interest, AnalyzeOptions};
use postmortem::clock::TimeOptions;
use postmortem::evidence::{LoadOptions, Retention};
use postmortem::inventory::Inventory;
use postmortem::report::analysis::AnalyzeFormat;
use postmortem::report::inputs::InputsFormat;
use postmortem::report::markdown::RunInfo;
use postmortem::report::notify::{self, Stage};

/// Every report of one bundle, and how many events were kept.
fn reports(bundle: &Path, retention: Retention) -> (Vec<String>, usize) {
    let load = LoadOptions { retention, ..LoadOptions::default() };
    let timeline = postmortem::timeline::build(&[bundle.to_path_buf()], &load, &TimeOptions::default());
    let inventory = Inventory::for_timeline(None, &timeline);
    let rules = analysis::rules::load(&[]).expect("the embedded rules load");
    let analysis = analysis::analyze(&timeline, &inventory, &rules, &AnalyzeOptions::default());
    let mut texts = Vec::new();
    let info = RunInfo { options: Vec::new() };
    for format in [AnalyzeFormat::Json, AnalyzeFormat::Md, AnalyzeFormat::Text] {
        let mut out = Vec::new();
        postmortem::report::analysis::write(&mut out, &timeline, &analysis, format, 120, &info).unwrap();
        texts.push(String::from_utf8(out).unwrap());
    }
    for stage in [Stage::Investigating, Stage::Update, Stage::Resolved] {
        let mut out = Vec::new();
        notify::write(&mut out, &timeline, &analysis, &inventory, stage).unwrap();
        texts.push(String::from_utf8(out).unwrap());
    }
    let mut out = Vec::new();
    postmortem::report::inputs::write(&mut out, &timeline, InputsFormat::Jsonl, 120).unwrap();
    texts.push(String::from_utf8(out).unwrap());
    (texts, timeline.events.len())
}

fn bundles() -> Vec<PathBuf> {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in [samples.clone(), samples.join("confusers")] {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "confusers") {
                dirs.push(path);
            }
        }
    }
    dirs.sort();
    dirs
}

/// The real public logs of `../shared/corpus` (sshd brute force, syslog of many programs,
/// plaso's odd shapes): background lines the samples have few of.
fn corpus() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut dirs: Vec<PathBuf> = ["loghub-linux", "loghub-openssh", "plaso", "lnav", "beats"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    assert!(!dirs.is_empty(), "the public corpus is next to the repository: {}", root.display());
    dirs.sort();
    dirs
}

#[test]
fn every_sample_reports_the_same_with_only_the_events_analysis_reads() {
    let rules = analysis::rules::load(&[]).unwrap();
    let mut dropped_somewhere = false;
    let bundles = bundles();
    assert!(bundles.len() >= 17, "samples and confusers: {bundles:?}");
    for bundle in bundles.into_iter().chain(corpus()) {
        let (all, kept_all) = reports(&bundle, Retention::All);
        let (some, kept_some) = reports(&bundle, interest::retention(&rules));
        for (a, b) in all.iter().zip(&some) {
            assert_eq!(a, b, "{}: a report differs when background events are not kept", bundle.display());
        }
        assert!(kept_some <= kept_all);
        dropped_somewhere |= kept_some < kept_all;
    }
    assert!(dropped_somewhere, "no sample has background events: the test would prove nothing");
}

#[test]
fn a_process_seen_only_in_lines_not_kept_still_makes_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("pm2/logs");
    std::fs::create_dir_all(&logs).unwrap();
    // Plain app output only: every line is background (`app-log`), none is kept.
    std::fs::write(
        logs.join("orders-api-out.log"),
        "2026-02-17T14:00:00: GET /orders 200 12ms\n2026-02-17T14:00:01: GET /orders 200 9ms\n",
    )
    .unwrap();
    let rules = analysis::rules::load(&[]).unwrap();
    let load = LoadOptions { retention: interest::retention(&rules), ..LoadOptions::default() };
    let timeline = postmortem::timeline::build(&[dir.path().to_path_buf()], &load, &TimeOptions::default());
    assert!(timeline.events.is_empty(), "app output is background: {:?}", timeline.events);
    let inventory = Inventory::for_timeline(None, &timeline);
    let processes: Vec<&String> = inventory.applications.iter().flat_map(|a| &a.processes).collect();
    assert_eq!(processes, ["orders-api"]);
    // The span still covers the lines not kept.
    let (first, last) = timeline.evidence_span().expect("dated lines");
    assert_eq!(
        (first.to_rfc3339(), last.to_rfc3339()),
        ("2026-02-17T14:00:00+00:00".into(), "2026-02-17T14:00:01+00:00".into())
    );
}

/// `timeline --source S` keeps only S's records: its events (times, order, every field) are
/// exactly those of the whole timeline with source S, for every source of every sample.
#[test]
fn keeping_only_some_sources_changes_none_of_their_events() {
    for bundle in bundles() {
        let build = |retention| {
            let load = LoadOptions { retention, ..LoadOptions::default() };
            postmortem::timeline::build(std::slice::from_ref(&bundle), &load, &TimeOptions::default())
        };
        let all = build(Retention::All);
        let mut sources: Vec<&str> = all.events.iter().map(|e| e.source).collect();
        sources.sort_unstable();
        sources.dedup();
        for source in sources {
            let only = build(Retention::OnlySources(vec![source.to_string()].into()));
            let json = |events: Vec<&postmortem::event::Event>| -> Vec<String> {
                events.iter().map(|e| serde_json::to_string(e).unwrap()).collect()
            };
            let want = json(all.events.iter().filter(|e| e.source == source).collect());
            let got = json(only.events.iter().filter(|e| e.source == source).collect());
            assert_eq!(got, want, "{} --source {source}", bundle.display());
        }
    }
}
