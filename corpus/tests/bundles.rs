//! Generated bundles through the real analyzer (the `postmortem` library): every cause gets
//! its verdict, every line of every input is understood, and the same spec gives the same
//! bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, TimeZone, Utc};
use postmortem::analysis::{self, AnalyzeOptions};
use postmortem::clock::TimeOptions;
use postmortem::evidence::{InputStatus, LoadOptions};
use postmortem::inventory::Inventory;
use postmortem::timeline::{self, Timeline};
use postmortem_corpus::{nth_spec, write_big, write_bundle, write_bundles, Cause, Spec};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("postmortem-corpus").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` with its bytes, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

struct Verdict {
    timeline: Timeline,
    severity: String,
    causes: Vec<(String, f64)>,
}

fn analyze(dir: &Path) -> Verdict {
    let timeline = timeline::build(&[dir.to_path_buf()], &LoadOptions::default(), &TimeOptions::default());
    let inventory = Inventory::for_timeline(None, &timeline);
    let rules = analysis::rules::load(&[]).expect("the embedded rules");
    let a = analysis::analyze(&timeline, &inventory, &rules, &AnalyzeOptions::default());
    let severity = format!("{:?}", a.severity);
    let causes = a.root_causes.iter().map(|f| (f.id.clone(), f.confidence)).collect();
    Verdict { timeline, severity, causes }
}

/// Every input parsed, none with an unparsed line.
fn assert_all_parsed(dir: &Path, timeline: &Timeline) {
    let mut problems = Vec::new();
    for bundle in &timeline.bundles {
        for input in &bundle.inputs {
            if input.counts.unparsed > 0 {
                problems.push(format!(
                    "{}: {} unparsed: {:?}",
                    input.file, input.counts.unparsed, input.unparsed
                ));
            }
            if matches!(input.status, InputStatus::Skipped(_) | InputStatus::Failed(_)) {
                problems.push(format!("{}: {:?}", input.file, input.status));
            }
        }
    }
    assert!(problems.is_empty(), "{}:\n{}", dir.display(), problems.join("\n"));
}

fn spec(seed: u64, cause: Cause, day: i64) -> Spec {
    Spec {
        seed,
        cause,
        start: Utc.with_ymd_and_hms(2026, 1, 5, 13, 0, 0).unwrap() + Duration::days(day),
        noise_lines: 300,
    }
}

#[test]
fn every_cause_gets_its_verdict() {
    let root = scratch("verdicts");
    let mut failures = Vec::new();
    // Several seeds and dates per cause (winter and summer time, the runbook's months).
    for (n, cause) in Cause::ALL.into_iter().enumerate() {
        for (k, (seed, day)) in
            [(1u64, 0i64), (7, 45), (42, 100), (1234, 170), (99, 300)].into_iter().enumerate()
        {
            let spec = spec(seed + n as u64, cause, day + n as i64);
            let dir = root.join(format!("{}-{k}", cause.id()));
            write_bundle(&spec, &dir).unwrap();
            let v = analyze(&dir);
            assert_all_parsed(&dir, &v.timeline);
            let top = v.causes.first().map(|c| c.0.as_str());
            let ok = match cause {
                Cause::None => v.causes.is_empty() && v.severity == "None",
                _ => top == Some(cause.id()) && v.severity != "None",
            };
            if !ok {
                failures.push(format!(
                    "{} (seed {}, {}): {} {:?}",
                    cause.id(),
                    spec.seed,
                    spec.start,
                    v.severity,
                    v.causes
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_same_spec_writes_the_same_bytes() {
    let root = scratch("determinism");
    for cause in Cause::ALL {
        let a = root.join(format!("{}-a", cause.id()));
        let b = root.join(format!("{}-b", cause.id()));
        let c = root.join(format!("{}-c", cause.id()));
        write_bundle(&spec(5, cause, 3), &a).unwrap();
        write_bundle(&spec(5, cause, 3), &b).unwrap();
        write_bundle(&spec(6, cause, 3), &c).unwrap();
        let (fa, fb, fc) = (files(&a), files(&b), files(&c));
        assert_eq!(fa, fb, "{}: same seed, different bytes", cause.id());
        assert_ne!(fa, fc, "{}: different seeds, same bytes", cause.id());
    }
}

#[test]
fn the_manifest_describes_every_file() {
    let dir = scratch("manifest");
    write_bundle(&spec(3, Cause::OomKiller, 10), &dir).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["host"], "projectium");
    assert_eq!(manifest["timezone"], "Europe/Berlin");
    let on_disk = files(&dir);
    let listed: Vec<&str> =
        manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    let expected: Vec<&str> = on_disk.keys().map(String::as_str).filter(|p| *p != "manifest.json").collect();
    assert_eq!(listed, expected);
    for f in manifest["files"].as_array().unwrap() {
        let bytes = &on_disk[f["path"].as_str().unwrap()];
        assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
        assert!(f["mtime"].as_str().unwrap().ends_with('Z'));
    }
    for needed in ["pm2/pm2.log", "var/log/auth.log", "var/log/nginx/access.log", "var/log/kern.log"] {
        assert!(on_disk.contains_key(needed), "{needed} missing");
    }
    let pm2 = String::from_utf8(on_disk["pm2/pm2.log"].clone()).unwrap();
    assert!(pm2.contains("GMT+0100 (Central European Standard Time)"), "{pm2}");
}

#[test]
fn noise_scales_with_noise_lines() {
    let root = scratch("noise");
    let size = |noise: usize| {
        let dir = root.join(format!("n{noise}"));
        write_bundle(&Spec { noise_lines: noise, ..spec(8, Cause::Pm2DeleteAll, 0) }, &dir).unwrap();
        files(&dir).values().map(|b| b.len()).sum::<usize>()
    };
    let (small, big) = (size(0), size(5000));
    assert!(big > small + 5000 * 60, "{small} → {big}");
}

#[test]
fn bundles_cycle_through_the_causes_a_day_apart() {
    let root = scratch("bundles");
    let paths = write_bundles(8, 11, 50, &root).unwrap();
    let names: Vec<String> =
        paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names[0], "bundle-0001-pm2-delete-all");
    assert_eq!(names[6], "bundle-0007-none");
    assert_eq!(names[7], "bundle-0008-pm2-delete-all");
    assert_eq!(nth_spec(1, 11, 50).start - nth_spec(0, 11, 50).start, Duration::days(1));
    assert_eq!(nth_spec(0, 11, 50).start, Utc.with_ymd_and_hms(2026, 1, 5, 13, 0, 0).unwrap());
}

#[test]
fn the_big_bundle_has_its_size_and_its_incident() {
    let dir = scratch("big");
    let size: u64 = 2_000_000;
    write_big(17, size, &dir).unwrap();
    let total: u64 = files(&dir).values().map(|b| b.len() as u64).sum();
    let lo = size * 8 / 10;
    let hi = size * 12 / 10;
    assert!((lo..=hi).contains(&total), "{total} bytes for {size}");
    let v = analyze(&dir);
    assert_all_parsed(&dir, &v.timeline);
    assert_eq!(
        v.causes.first().map(|c| c.0.as_str()),
        Some("pm2-delete-all"),
        "{} {:?}",
        v.severity,
        v.causes
    );
    // Both auth.log generations are there.
    let formats: BTreeMap<String, String> = v.timeline.bundles[0]
        .inputs
        .iter()
        .map(|i| (i.file.clone(), i.format.map(|f| f.id().to_string()).unwrap_or_default()))
        .collect();
    assert!(formats.keys().any(|f| f.ends_with("auth.log.1")), "{formats:?}");

    let again = scratch("big-again");
    write_big(17, size, &again).unwrap();
    assert_eq!(files(&dir), files(&again));
}
