//! The shipped sample bundle tells the whole story of the 2026-02-17 incident across every
//! evidence source: the commit that changed the workflow, the workflow's `pm2 delete all`
//! (file, line, column), the CI run that executed it and the pm2 CLI's own words, the PM2
//! daemon stopping every app, nginx failing health checks, and the on-call snapshots.

mod common;

use common::*;
use serde_json::Value;

fn events() -> Vec<Value> {
    let out = postmortem(["timeline", sample().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}

fn one<'a>(events: &'a [Value], pred: impl Fn(&Value) -> bool, what: &str) -> &'a Value {
    let found: Vec<&Value> = events.iter().filter(|e| pred(e)).collect();
    assert_eq!(found.len(), 1, "{what}: {found:#?}");
    found[0]
}

#[test]
fn every_source_of_the_incident_is_in_the_timeline() {
    let ev = events();
    // The commit that introduced `pm2 delete all`, a minute before the run.
    let commit =
        one(&ev, |e| e["kind"] == "commit" && e["fields"]["touches_workflow"] == 1, "workflow commit");
    assert_eq!(commit["time"], "2026-02-17T14:29:58.000000Z");
    assert_eq!(commit["fields"]["files"][0], ".gitea/workflows/deploy-to-test.yml");
    // The dangerous command, where it is written.
    let cmd = one(&ev, |e| e["kind"] == "workflow-command" && e["fields"]["pm2_all"] == 1, "pm2 delete all");
    assert_eq!(cmd["fields"]["command"], "pm2 delete all || true");
    assert_eq!((cmd["fields"]["line_no"].as_i64(), cmd["fields"]["column"].as_i64()), (Some(24), Some(11)));
    assert_eq!(cmd["fields"]["step"], "Restart PM2 (test)");
    assert_eq!(cmd["time"], Value::Null);
    // The run that executed it: the pm2 CLI says what it did, to which ids.
    let action = one(&ev, |e| e["kind"] == "pm2-cli-action", "pm2 CLI action");
    assert_eq!(action["time"], "2026-02-17T14:31:04.012773Z");
    assert_eq!(action["fields"]["action"], "deleteProcessId");
    assert_eq!(action["fields"]["target"], "all");
    assert_eq!(action["fields"]["ids"].as_array().unwrap().len(), 7);
    assert_eq!(action["fields"]["step"], "Restart PM2 (test)");
    // The daemon's side: production stopped by PM2 within the same two seconds.
    let stopped: Vec<&Value> = ev
        .iter()
        .filter(|e| {
            e["kind"] == "app-exit" && e["time"].as_str().unwrap_or("").starts_with("2026-02-17T14:31:0")
        })
        .collect();
    assert_eq!(stopped.len(), 7);
    assert!(stopped.iter().any(|e| e["process"] == "flyer-crawler-api" && e["fields"]["cause"] == "stopped"));
    // The users' side: health checks fail from 14:31:30 until 14:59:30.
    let failing: Vec<&str> = ev
        .iter()
        .filter(|e| e["kind"] == "health-check" && e["fields"]["status"] == 502)
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    assert_eq!(failing.first(), Some(&"2026-02-17T14:31:30.000000Z"));
    assert_eq!(failing.len(), 3);
    let refused = ev.iter().filter(|e| e["kind"] == "upstream-refused").count();
    assert_eq!(refused, 3);
    // The on-call snapshots at 15:56 Berlin: only the test apps run.
    let snap: Vec<&Value> =
        ev.iter().filter(|e| e["kind"] == "snapshot-process" && e["fields"]["snapshot"] == "jlist").collect();
    assert_eq!(snap.len(), 3);
    assert!(snap.iter().all(|e| e["time"] == "2026-02-17T14:56:00.000000Z"));
    assert!(snap.iter().all(|e| e["process"].as_str().unwrap().ends_with("-test")));
    // The incident-state file's pm2 list agrees; its git section names the deployed commits.
    let listed =
        ev.iter().filter(|e| e["kind"] == "snapshot-process" && e["fields"]["snapshot"] == "list").count();
    assert_eq!(listed, 3);
    assert!(ev.iter().any(|e| e["kind"] == "commit" && e["fields"]["commit"] == "7e6d5c4"));
    let root = one(&ev, |e| e["kind"] == "disk-usage" && e["fields"]["mount"] == "/", "root fs");
    assert_eq!(root["fields"]["use_percent"], 55);
}

#[test]
fn every_input_is_recognised_and_fully_accounted() {
    let out = postmortem(["inputs", sample().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inputs = jsonl(&out);
    let formats: Vec<(&str, &str)> =
        inputs.iter().map(|i| (i["file"].as_str().unwrap(), i["format"].as_str().unwrap())).collect();
    assert_eq!(
        formats,
        [
            ("ci/deploy-to-test-deploy-to-test-1234.log", "ci-log"),
            ("commands/incident-state-20260217-155600.txt", "host-snapshot"),
            ("commands/journalctl.txt", "journal"),
            ("commands/pm2-incident-20260217-155600.json", "pm2-jlist"),
            ("git/git-log.txt", "git"),
            ("manifest.json", "manifest"),
            ("pm2/pm2.log", "pm2-log"),
            ("repo/.gitea/workflows/deploy-to-test.yml", "workflow"),
            ("repo/ecosystem-test.config.cjs", "pm2-ecosystem"),
            ("var/log/auth.log", "syslog"),
            ("var/log/nginx/access.log", "nginx"),
            ("var/log/nginx/error.log", "nginx"),
        ]
    );
    for i in inputs.iter().filter(|i| i["format"] != "manifest") {
        assert_eq!(i["lines"]["unparsed"], 0, "{}", i["file"]);
        // Every file's hash matches the one the collector wrote in the manifest.
        assert_eq!(i["sha256"], sha256_file(&sample().join(i["file"].as_str().unwrap())), "{}", i["file"]);
    }
}
