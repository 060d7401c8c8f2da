//! The Markdown incident report of every sample bundle, as snapshots (insta): a change to any
//! report shows up as a reviewed diff. Plus what must hold in every report whatever the
//! wording: placeholders the evidence cannot fill stay visible; nothing depends on where the
//! bundle lies; `--out DIR` writes every file.

mod common;

use common::*;

fn bundles() -> Vec<String> {
    let mut out = Vec::new();
    for dir in [root().join("samples"), root().join("samples/confusers")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.join("manifest.json").is_file() {
                out.push(path.strip_prefix(root().join("samples")).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn markdown(bundle: &str) -> String {
    let path = root().join("samples").join(bundle);
    let inventory = root().join("samples/inventory.toml");
    let out = postmortem([
        "analyze",
        path.to_str().unwrap(),
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert!(out.status.success(), "{bundle}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn markdown_reports_of_every_sample() {
    for bundle in bundles() {
        let report = markdown(&bundle);
        // Placeholders the evidence cannot fill stay visible.
        for placeholder in ["| Incident Commander | [Name] |", "[Number/description]", "| [Name] | [Date] |"]
        {
            assert!(report.contains(placeholder), "{bundle}: {placeholder}");
        }
        insta::assert_snapshot!(bundle.replace('/', "__"), report);
    }
}

#[test]
fn report_does_not_depend_on_where_the_bundle_lies() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("elsewhere");
    for rel in sample_files() {
        let to = copy.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sample().join(&rel), &to).unwrap();
    }
    let run = |p: &std::path::Path| postmortem(["analyze", p.to_str().unwrap(), "--format", "md"]).stdout;
    assert_eq!(run(&sample()), run(&copy));
}

#[test]
fn out_dir_writes_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = postmortem(["analyze", sample().to_str().unwrap(), "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names = vec!["report.md", "report.json", "timeline.jsonl", "timeline.csv"];
    if cfg!(feature = "parquet") {
        names.push("timeline.parquet");
    }
    for name in names {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert!(!bytes.is_empty(), "{name}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(json["root_causes"][0]["id"], "pm2-delete-all");
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.starts_with("# Incident Report: `pm2 delete all` removed every PM2 process")
            || md.starts_with("# Incident Report: \\`pm2 delete all\\`"),
        "{md}"
    );
}

/// Large evidence (forced here with a low limit): the reports are the same, the timeline files
/// are streamed from a new read of the evidence and hold every event, byte for byte what
/// `timeline` writes; Parquet (sorted in memory) is left out, saying why.
#[test]
fn out_dir_of_large_evidence_streams_the_timeline_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = sample();
    let s = s.to_str().unwrap();
    let out = postmortem(["analyze", s, "--out", dir.path().to_str().unwrap(), "--every-event-limit", "10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert_eq!(read("timeline.jsonl"), postmortem(["timeline", s, "--format", "jsonl"]).stdout);
    assert_eq!(read("timeline.csv"), postmortem(["timeline", s, "--format", "timesketch"]).stdout);
    assert_eq!(read("report.json"), postmortem(["analyze", s, "--format", "json"]).stdout);
    assert_eq!(read("report.md"), postmortem(["analyze", s, "--format", "md"]).stdout);
    assert!(String::from_utf8(read("report.html")).unwrap().contains("\"not_drawn\":"));
    assert!(!dir.path().join("timeline.parquet").exists());
    if cfg!(feature = "parquet") {
        assert!(stderr(&out).contains("timeline.parquet not written"), "{}", stderr(&out));
    }
}

#[test]
fn notification_drafts_of_the_sample_incidents() {
    let inventory = root().join("samples/inventory.toml");
    for bundle in ["2026-02-17-pm2-delete-all", "2026-03-10-oom-killer"] {
        for stage in ["investigating", "update", "resolved"] {
            let path = root().join("samples").join(bundle);
            let out = postmortem([
                "notify",
                path.to_str().unwrap(),
                "--inventory",
                inventory.to_str().unwrap(),
                "--stage",
                stage,
            ]);
            assert!(out.status.success(), "{bundle} {stage}: {}", stderr(&out));
            insta::assert_snapshot!(format!("notify__{bundle}__{stage}"), stdout(&out));
        }
    }
}
