//! `timeline --format timesketch|timesketch-jsonl` and output safety (CSV injection,
//! terminal escapes), through the binary.

mod common;

use std::collections::HashMap;
use std::path::Path;

use chrono::DateTime;
use common::*;
use serde_json::Value;

fn timeline(evidence: &Path, format: &str) -> std::process::Output {
    let out = postmortem(["timeline", evidence.to_str().unwrap(), "--format", format]);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// A minimal RFC 4180 reader: rows of cells (quoted cells may hold `,`, `""` and newlines).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted && cell.is_empty() && row.is_empty(), "CSV ends with a complete row");
    rows
}

/// CSV rows as maps from header to cell.
fn csv_records(out: &std::process::Output) -> Vec<HashMap<String, String>> {
    let rows = parse_csv(&stdout(out));
    let (header, rows) = rows.split_first().expect("a header");
    rows.iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "every row has every column: {r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

fn dated_contract_events(evidence: &Path) -> Vec<Value> {
    jsonl(&timeline(evidence, "jsonl")).into_iter().filter(|e| !e["time"].is_null()).collect()
}

fn check_time(datetime: &str, timestamp: i64, contract_time: &str) {
    let parsed = DateTime::parse_from_rfc3339(datetime).unwrap_or_else(|e| panic!("{datetime}: {e}"));
    assert!(datetime.ends_with("+00:00") && datetime.len() == 32, "{datetime}");
    assert_eq!(parsed.timestamp_micros(), timestamp, "{datetime}");
    assert_eq!(parsed, DateTime::parse_from_rfc3339(contract_time).unwrap());
}

#[test]
fn timesketch_csv_has_required_columns_for_every_dated_event() {
    let contract = dated_contract_events(&sample());
    let records = csv_records(&timeline(&sample(), "timesketch"));
    assert_eq!(records.len(), contract.len(), "one row per dated event");
    assert!(contract.len() > 100);
    for (r, e) in records.iter().zip(&contract) {
        for key in ["message", "datetime", "timestamp_desc"] {
            assert!(!r[key].is_empty(), "{key} empty in {r:?}");
        }
        check_time(
            &r["datetime"],
            r["timestamp"].parse().expect("integer timestamp"),
            e["time"].as_str().unwrap(),
        );
        assert_eq!(r["file"], e["file"].as_str().unwrap());
        assert_eq!(r["line"], e["line"].to_string());
        assert_eq!(r["kind"], e["kind"].as_str().unwrap());
    }
}

#[test]
fn timesketch_jsonl_has_required_keys_for_every_dated_event() {
    let contract = dated_contract_events(&sample());
    let rows = jsonl(&timeline(&sample(), "timesketch-jsonl"));
    assert_eq!(rows.len(), contract.len(), "one row per dated event");
    for (r, e) in rows.iter().zip(&contract) {
        for key in ["message", "datetime", "timestamp_desc"] {
            assert!(r[key].as_str().is_some_and(|s| !s.is_empty()), "{key} empty in {r}");
        }
        let timestamp = r["timestamp"].as_i64().expect("integer timestamp");
        check_time(r["datetime"].as_str().unwrap(), timestamp, e["time"].as_str().unwrap());
        for key in ["source", "kind", "host", "process", "pm_id", "pid", "user", "file", "line", "sha256"] {
            assert_eq!(r[key], e[key], "{key} of {r}");
        }
        // Every field, as its own prefixed key, with its JSON type kept (lists stay arrays).
        let fields = e["fields"].as_object().unwrap();
        for (k, v) in fields {
            assert_eq!(&r[format!("field_{k}")], v, "field {k} of {r}");
        }
        let field_keys = r.as_object().unwrap().keys().filter(|k| k.starts_with("field_")).count();
        assert_eq!(field_keys, fields.len(), "{r}");
    }
}

#[test]
fn timesketch_field_columns_carry_the_event_values() {
    let csv = csv_records(&timeline(&sample(), "timesketch"));
    let exit = csv.iter().find(|r| r["file"] == "pm2/pm2.log" && r["line"] == "41").expect("pm2.log:41");
    assert_eq!(exit["kind"], "app-exit");
    assert_eq!(exit["field_exit_code"], "0");
    assert_eq!(exit["field_signal"], "SIGINT");
    assert_eq!(exit["datetime"], "2026-02-17T14:31:04.000000+00:00");
    assert_eq!(exit["timestamp_desc"], "Log Line Time");
    // Columns are the sorted union of the field keys.
    let text = stdout(&timeline(&sample(), "timesketch"));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let fields: Vec<&str> = header.iter().copied().filter(|h| h.starts_with("field_")).collect();
    assert!(fields.windows(2).all(|w| w[0] < w[1]), "{fields:?}");
    assert_eq!(&header[..4], ["message", "datetime", "timestamp", "timestamp_desc"]);

    let rows = jsonl(&timeline(&sample(), "timesketch-jsonl"));
    let exit = rows.iter().find(|r| r["file"] == "pm2/pm2.log" && r["line"] == 41).expect("pm2.log:41");
    assert_eq!(exit["field_exit_code"], 0);
    assert_eq!(exit["field_signal"], "SIGINT");
    assert_eq!(exit["timestamp"], 1_771_338_664_000_000i64);
}

const HYPERLINK: &str = "=HYPERLINK(\"http://evil\")";

/// A scratch bundle with attacker-controlled text: a sudo command, an ssh user name and an
/// nginx request that are spreadsheet formulas, and a syslog line full of escape sequences.
fn hostile_bundle() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("var/log");
    std::fs::create_dir_all(log.join("nginx")).unwrap();
    let auth = format!(
        "Feb 17 09:02:30 projectium sudo: deploy_bot : TTY=pts/1 ; PWD=/home/deploy_bot ; USER=root ; \
         COMMAND={HYPERLINK}\n\
         Feb 17 09:03:00 projectium sshd[123]: Invalid user {HYPERLINK} from 203.0.113.9 port 4242\n"
    );
    std::fs::write(log.join("auth.log"), auth).unwrap();
    std::fs::write(
        log.join("syslog"),
        "Feb 17 09:04:00 projectium myapp[77]: \x1b[31mred\x1b[0m \x1b]8;;http://osc-target\x1b\\click\
         \x1b]8;;\x1b\\ \x1b]0;title\x07 \x1b[2J\rdone\n",
    )
    .unwrap();
    std::fs::write(
        log.join("nginx/access.log"),
        "203.0.113.9 - - [17/Feb/2026:15:30:30 +0100] \"=HYPERLINK(1) HTTP/1.1\" 400 15 \"-\" \"curl/8.5.0\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn csv_exports_neutralise_formulas_and_jsonl_keeps_them() {
    let bundle = hostile_bundle();
    let events = jsonl(&timeline(bundle.path(), "jsonl"));
    let by_kind = |kind: &str| events.iter().find(|e| e["kind"] == kind).unwrap_or_else(|| panic!("{kind}"));
    assert_eq!(by_kind("sudo")["fields"]["command"], HYPERLINK);
    assert_eq!(by_kind("ssh-invalid-user")["user"], HYPERLINK);
    assert_eq!(by_kind("http-request")["fields"]["request"], "=HYPERLINK(1) HTTP/1.1");

    let neutral = format!("'{HYPERLINK}");
    let csv = csv_records(&timeline(bundle.path(), "csv"));
    let invalid = csv.iter().find(|r| r["kind"] == "ssh-invalid-user").unwrap();
    assert_eq!(invalid["user"], neutral);

    let ts = csv_records(&timeline(bundle.path(), "timesketch"));
    let row = |kind: &str| ts.iter().find(|r| r["kind"] == kind).unwrap_or_else(|| panic!("{kind}"));
    assert_eq!(row("sudo")["field_command"], neutral);
    assert_eq!(row("ssh-invalid-user")["user"], neutral);
    assert_eq!(row("http-request")["field_request"], "'=HYPERLINK(1) HTTP/1.1");
    // No cell of either CSV starts a formula.
    for r in csv.iter().chain(&ts) {
        for (k, v) in r {
            assert!(!v.starts_with(['=', '+', '@']), "{k}={v:?}");
        }
    }

    let tsj = jsonl(&timeline(bundle.path(), "timesketch-jsonl"));
    let sudo = tsj.iter().find(|r| r["kind"] == "sudo").unwrap();
    assert_eq!(sudo["field_command"], HYPERLINK);
}

#[test]
fn table_output_has_no_escape_sequences() {
    let bundle = hostile_bundle();
    let events = jsonl(&timeline(bundle.path(), "jsonl"));
    let syslog = events.iter().find(|e| e["source"] == "syslog").expect("the syslog line");
    assert!(syslog["message"].as_str().unwrap().contains('\x1b'), "the evidence keeps its escapes");

    let out = timeline(bundle.path(), "table");
    let text = stdout(&out);
    assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("click"), "the visible text of a hyperlink stays: {text}");
    assert!(!text.contains("osc-target"), "the hyperlink target is dropped: {text}");
}
