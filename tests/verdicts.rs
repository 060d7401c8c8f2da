//! One sample bundle per root cause and the confusers that must not convict: each bundle's
//! verdict (severity, the root causes in rank order, what must not be a root cause) through
//! `postmortem analyze --format json`. Each bundle's README tells its story.

mod common;

use common::*;
use serde_json::Value;

fn analyze(bundle: &str, extra: &[&str]) -> Value {
    let path = root().join("samples").join(bundle);
    let mut args = vec!["analyze", path.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = postmortem(&args);
    assert!(out.status.success(), "{bundle}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// (bundle, extra args, severity, root causes in rank order)
const CASES: &[(&str, &[&str], &str, &[&str])] = &[
    ("2026-02-17-pm2-delete-all", &[], "P1", &["pm2-delete-all"]),
    // flyer-crawler was back in 38 s (within the grace): stock-alert alone is P2 …
    ("2026-03-03-pm2-stop-all", &[], "P2", &["pm2-stop-all"]),
    // … and with a 30 s grace both production applications were down: P1.
    ("2026-03-03-pm2-stop-all", &["--grace", "30s"], "P1", &["pm2-stop-all"]),
    ("2026-03-10-oom-killer", &[], "P2", &["oom-killer"]),
    ("2026-03-18-disk-full", &[], "P2", &["disk-full", "crash-loop"]),
    ("2026-03-24-manual-intervention", &[], "P2", &["manual-intervention"]),
    ("2026-04-02-concurrent-deployments", &[], "P2", &["concurrent-deployments"]),
    ("2026-04-15-stale-workflow", &[], "P1", &["stale-workflow", "pm2-delete-all"]),
    ("2026-04-20-crash-loop", &[], "P2", &["crash-loop"]),
    ("2026-04-28-max-memory-restart", &[], "P2", &["max-memory-restart"]),
    // A person ran `pm2 kill`: the person first, the mechanism second; never pm2-delete-all.
    ("2026-05-05-pm2-daemon-killed", &[], "P1", &["manual-intervention", "pm2-daemon-killed"]),
    // The restart brought a broken config to every app: the restart first, the crashes second.
    ("2026-05-12-pm2-restart-all", &[], "P1", &["pm2-restart-all", "crash-loop"]),
    ("confusers/deploy-restart-by-name", &[], "none", &[]),
    ("confusers/kill-then-resurrect", &[], "none", &[]),
    ("confusers/oom-non-pm2", &[], "none", &[]),
    ("confusers/night-restart-one-app", &[], "P2", &["manual-intervention"]),
    // Responders' `pm2 restart all` after the window began is the response, not the cause.
    ("confusers/responders-after-window", &[], "P2", &["crash-loop"]),
    // pm2.log in local time (banner GMT+0100), journal in UTC: the kill and the exit align.
    ("confusers/local-pm2-utc-journal", &["--grace", "2s"], "P2", &["oom-killer"]),
    ("confusers/local-pm2-utc-journal", &[], "none", &[]),
];

#[test]
fn every_bundle_gets_its_verdict() {
    let mut failures = Vec::new();
    for (bundle, extra, severity, causes) in CASES {
        let r = analyze(bundle, extra);
        let got: Vec<&str> =
            r["root_causes"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        if r["severity"] != *severity || got != *causes {
            failures.push(format!(
                "{bundle} {extra:?}: got {} {got:?}, want {severity} {causes:?}",
                r["severity"]
            ));
        }
        // Whatever the verdict, every rule that did not convict says why.
        let explained =
            r["ruled_out"].as_array().unwrap().iter().all(|f| !f["why"].as_str().unwrap().is_empty());
        assert!(explained, "{bundle}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_oom_kill_and_the_exit_it_caused_are_both_cited() {
    let r = analyze("confusers/local-pm2-utc-journal", &["--grace", "2s"]);
    let cited: Vec<String> = r["root_causes"][0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!("{}:{} {}", e["file"].as_str().unwrap(), e["line"], e["time"].as_str().unwrap_or("-"))
        })
        .collect();
    assert!(
        cited.contains(&"commands/journalctl.txt:18 2026-03-06T14:31:04.000000Z".to_string()),
        "{cited:?}"
    );
    assert!(cited.contains(&"pm2/pm2.log:32 2026-03-06T14:31:04.000000Z".to_string()), "{cited:?}");
}

#[test]
fn an_unrestored_process_runs_to_the_end_of_the_evidence() {
    let r = analyze("2026-03-10-oom-killer", &[]);
    assert_eq!(r["incident"]["end"], Value::Null);
    let p = &r["incident"]["processes"][0];
    assert_eq!(
        (p["process"].as_str(), p["restored"].as_bool()),
        (Some("flyer-crawler-analytics-worker"), Some(false))
    );
    assert!(p["downtime_seconds"].as_i64().unwrap() > 0);
    let restored = r["timing"].as_array().unwrap().iter().find(|t| t["event"] == "restored").unwrap();
    assert_eq!(restored["time"], Value::Null);
}
