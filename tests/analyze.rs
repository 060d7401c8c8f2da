//! `postmortem analyze` and `postmortem rules` through the binary: the verdict on the shipped
//! sample bundle, the JSON report contract, user rules, bad options, determinism.

mod common;

use common::*;
use serde_json::Value;

fn report(extra: &[&str]) -> Value {
    let sample = sample();
    let mut args = vec!["analyze", sample.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = postmortem(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn the_sample_incident_is_pm2_delete_all_from_the_workflow() {
    let r = report(&[]);
    assert_eq!(r["schema"], "postmortem/report/v1");
    assert_eq!(r["severity"], "P1");
    assert_eq!(r["incident"]["start"], "2026-02-17T14:31:04.000000Z");
    assert_eq!(r["incident"]["end"], "2026-02-17T15:01:15.000000Z");
    // Production apps of two applications were down; the test apps came back within seconds.
    let down: Vec<&str> = r["incident"]["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["process"].as_str().unwrap())
        .collect();
    assert_eq!(
        down,
        ["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker", "stock-alert-api"]
    );
    let stock = &r["incident"]["processes"][3];
    assert_eq!((stock["restored"].as_bool(), stock["downtime_seconds"].as_i64()), (Some(true), Some(1809)));

    let top = &r["root_causes"][0];
    assert_eq!(top["id"], "pm2-delete-all");
    assert!(top["confidence"].as_f64().unwrap() >= 0.8, "{top}");
    let cited: Vec<(String, u64)> = top["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap().to_string(), e["line"].as_u64().unwrap()))
        .collect();
    assert!(cited.contains(&("ci/deploy-to-test-deploy-to-test-1234.log".into(), 13)), "{cited:?}");
    assert!(cited.contains(&("repo/.gitea/workflows/deploy-to-test.yml".into(), 24)), "{cited:?}");
    assert_eq!(r["root_causes"].as_array().unwrap().len(), 1, "{}", r["root_causes"]);
    // Every other rule says why not.
    let ruled_out = r["ruled_out"].as_array().unwrap();
    assert_eq!(ruled_out.len(), 10);
    assert!(ruled_out.iter().all(|f| f["why"].as_str().unwrap().starts_with("missing: ")));
    let oom = ruled_out.iter().find(|f| f["id"] == "oom-killer").unwrap();
    assert!(oom["why"].as_str().unwrap().contains("OOM kill"), "{oom}");

    let timing: Vec<(&str, Option<&str>)> = r["timing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["event"].as_str().unwrap(), t["time"].as_str()))
        .collect();
    assert_eq!(
        timing,
        [
            ("last-healthy", Some("2026-02-17T14:30:30.000000Z")),
            ("deploy-started", Some("2026-02-17T14:30:21.031254Z")),
            ("first-failure", Some("2026-02-17T14:31:04.000000Z")),
            ("detected", Some("2026-02-17T14:31:30.000000Z")),
            ("investigation-started", Some("2026-02-17T14:54:12.000000Z")),
            ("restored", Some("2026-02-17T15:01:15.000000Z")),
        ]
    );
    assert_eq!(r["response"][0]["user"], "alice.oncall");
    assert_eq!(r["inputs"].as_array().unwrap().len(), 11);
}

#[test]
fn grace_decides_what_counts_as_an_outage() {
    // With a 2-hour grace every process "came back in time": no process outage, so severity
    // none; the health checks that kept failing still open the window, from the first one.
    let r = report(&["--grace", "2h"]);
    assert_eq!(r["severity"], "none");
    assert!(r["incident"]["processes"].as_array().unwrap().is_empty());
    assert_eq!(r["incident"]["start"], "2026-02-17T14:31:30.000000Z");
}

#[test]
fn user_rules_add_and_replace_whole_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("local.toml");
    std::fs::write(
        &rules,
        r#"
[[rule]]
id = "pm2-delete-all"
title = "replaced: needs a reboot to convict"
  [[rule.evidence]]
  what = "a reboot"
  pattern = { kind = "reboot" }
  weight = 0.9
  required = true

[[rule]]
id = "health-checks-failed"
title = "health checks failed during the incident"
  [[rule.evidence]]
  what = "a failed health check"
  pattern = { source = "nginx", kind = "health-check", fields = { status = ">=500" } }
  within = "0..end"
  weight = 0.6
"#,
    )
    .unwrap();
    let r = report(&["--rules", rules.to_str().unwrap()]);
    let ids: Vec<&str> =
        r["root_causes"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["health-checks-failed"]);
    let replaced = r["ruled_out"].as_array().unwrap().iter().find(|f| f["id"] == "pm2-delete-all").unwrap();
    assert_eq!(replaced["why"], "missing: a reboot");

    let out = postmortem(["rules", "--rules", rules.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("health-checks-failed  (") && text.contains("local.toml"), "{text}");
    assert!(text.contains("executed-pm2-command"), "{text}");
}

#[test]
fn bad_options_and_rules_are_usage_errors() {
    let sample = sample();
    let out = postmortem(["analyze", sample.to_str().unwrap(), "--grace", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--grace \"soon\" is not a duration"), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bad.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"x\"\ntitle = \"t\"\n[[rule.evidence]]\nwhat = \"w\"\nmatcher = \"psychic\"\nweight = 0.5\n").unwrap();
    let out = postmortem(["analyze", sample.to_str().unwrap(), "--rules", rules.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown matcher \"psychic\""), "{}", stderr(&out));
}

#[test]
fn reports_are_byte_identical_across_runs_and_thread_counts() {
    let sample = sample();
    let run = |jobs: &str, format: &str| {
        postmortem(["--jobs", jobs, "analyze", sample.to_str().unwrap(), "--format", format]).stdout
    };
    assert_eq!(run("1", "json"), run("4", "json"));
    assert_eq!(run("1", "text"), run("2", "text"));
    let text = String::from_utf8(run("2", "text")).unwrap();
    assert!(text.starts_with("Severity: P1"), "{text}");
    assert!(text.contains("1. pm2-delete-all"), "{text}");
}
