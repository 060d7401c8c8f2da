//! `postmortem inventory` and `--inventory`: the runbook's process inventory, ecosystem files
//! found in the evidence, inference, bad files as usage errors, and `--app APPLICATION`.

mod common;

use common::*;

fn inventory(extra: &[&str]) -> Vec<serde_json::Value> {
    let sample = sample();
    let mut args = vec!["inventory", sample.to_str().unwrap(), "--format", "jsonl"];
    args.extend_from_slice(extra);
    let out = postmortem(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}

#[test]
fn the_runbook_inventory_sets_restoration_order() {
    let file = root().join("samples/inventory.toml");
    let apps = inventory(&["--inventory", file.to_str().unwrap()]);
    let order: Vec<(String, String, u64)> = apps
        .iter()
        .map(|a| {
            (
                a["application"].as_str().unwrap().to_string(),
                a["environment"].as_str().unwrap().to_string(),
                a["priority"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("flyer-crawler".to_string(), "production".to_string(), 1),
            ("stock-alert".to_string(), "production".to_string(), 2),
            ("flyer-crawler".to_string(), "test".to_string(), 3),
        ]
    );
    assert_eq!(apps[0]["config"], "ecosystem.config.cjs");
    assert_eq!(apps[0]["health"], "http://localhost:3001/api/health/ready");
}

#[test]
fn without_a_file_ecosystem_files_then_names_decide() {
    let apps = inventory(&[]);
    let test = apps.iter().find(|a| a["environment"] == "test").unwrap();
    assert_eq!(test["source"], "ecosystem file repo/ecosystem-test.config.cjs");
    assert_eq!(test["directory"], "/var/www/flyer-crawler-test.projectium.com");
    let prod = apps
        .iter()
        .find(|a| a["application"] == "flyer-crawler" && a["environment"] == "production")
        .unwrap();
    assert_eq!(prod["source"], "inferred from process names");
    assert_eq!(prod["processes"].as_array().unwrap().len(), 3);
}

#[test]
fn a_bad_inventory_file_is_a_usage_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("inv.toml");
    std::fs::write(&bad, "[[application]]\nname = \"x\"\nprocesses = [\"x\"]\nprority = 1\n").unwrap();
    let out = postmortem(["timeline", sample().to_str().unwrap(), "--inventory", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("inv.toml:4:1") && err.contains("prority"), "{err}");
    let missing = postmortem(["inputs", sample().to_str().unwrap(), "--inventory", "/nonexistent.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no such file"), "{}", stderr(&missing));
}

#[test]
fn app_filter_takes_an_application_name() {
    let file = root().join("samples/inventory.toml");
    let sample = sample();
    let out = postmortem([
        "timeline",
        sample.to_str().unwrap(),
        "--inventory",
        file.to_str().unwrap(),
        "--app",
        "stock-alert",
        "--format",
        "jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = jsonl(&out);
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["process"] == "stock-alert-api"), "{events:#?}");
}
