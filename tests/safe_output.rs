//! Attacker-written evidence cannot hurt the reader of a report: hostile user names, commands,
//! messages and file names (terminal escapes that rewrite the clipboard or clear the screen,
//! spreadsheet formulas, Markdown links to `javascript:`, HTML tags) go through every output
//! format: terminal text (timeline table, analyze, inputs, notify, errors), CSV, Markdown,
//! JSON and JSONL. Text formats neutralise them; machine formats keep them exactly.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

/// OSC 52: writes "rm -rf ~" to the reader's clipboard.
const CLIPBOARD: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
/// CSI 2J: clears the screen, hiding what came before.
const CLEAR: &str = "\u{1b}[2J";
/// A user name that is a spreadsheet formula.
const FORMULA_USER: &str = "=cmd|'/C_calc'!A0";
/// A responder whose name carries terminal escapes.
const ESCAPED_USER: &str = "alice\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J";
/// A command with HTML, a Markdown link to `javascript:` and an OSC 8 hyperlink.
const COMMAND: &str = "/usr/bin/pm2 restart all <script>alert(1)</script> [docs](javascript:alert(1)) \
                       \u{1b}]8;;http://evil.example/\u{7}click\u{1b}]8;;\u{7}";
/// A file name with terminal escapes in it.
const HOSTILE_FILE: &str = "var/log/\u{1b}[2Jsyslog";

/// The sample incident with hostile names and lines planted where the analysis cites them.
fn hostile_bundle(dir: &Path) -> std::path::PathBuf {
    let bundle = dir.join("2026-02-17-pm2-delete-all");
    let copied = std::process::Command::new("cp").arg("-a").arg(sample()).arg(&bundle).status().unwrap();
    assert!(copied.success());
    let auth = bundle.join("var/log/auth.log");
    let mut text = fs::read_to_string(&auth)
        .unwrap()
        .replace("alice.oncall", ESCAPED_USER)
        .replace("deploy_bot", FORMULA_USER);
    text.push_str(&format!(
        "Feb 17 15:56:10 projectium sudo: {ESCAPED_USER} : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND={COMMAND}\n"
    ));
    fs::write(&auth, text).unwrap();
    fs::write(
        bundle.join(HOSTILE_FILE),
        format!("Feb 17 15:56:20 projectium kernel: message {CLEAR}{CLIPBOARD} with <b>html</b>\n"),
    )
    .unwrap();
    // A broken file with a hostile name: its error goes to the terminal.
    fs::write(bundle.join(format!("var/log/{CLEAR}cut.log.gz")), [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
    bundle
}

/// Runs postmortem; returns (stdout, stderr) as bytes.
fn run(args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = postmortem(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (out.stdout, out.stderr)
}

/// Asserts text meant for a terminal holds no escape, BEL or C1 control, and still shows
/// the hostile text's visible part.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let bad: Vec<char> =
        text.chars().filter(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{80}'..='\u{9f}')).collect();
    assert!(bad.is_empty(), "{what}: control characters {bad:?} reach the terminal:\n{text}");
}

#[test]
fn terminal_outputs_carry_no_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(dir.path());
    let b = bundle.to_str().unwrap();
    let (table, errors) = run(&["timeline", b]);
    assert_terminal_safe("timeline table", &table);
    assert_terminal_safe("errors", &errors);
    let errors = String::from_utf8(errors).unwrap();
    assert!(errors.contains("cut.log.gz: cannot read"), "the broken file is still reported: {errors}");
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("alice"), "the visible part of the name stays: {table}");
    for args in [vec!["analyze", b], vec!["inputs", b], vec!["notify", b], vec!["inventory", b]] {
        let (out, err) = run(&args);
        assert_terminal_safe(&args.join(" "), &out);
        assert_terminal_safe(&format!("{} (stderr)", args.join(" ")), &err);
    }
}

/// The cells of an RFC 4180 CSV text, row by row.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![]];
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',', false) => rows.last_mut().unwrap().push(std::mem::take(&mut cell)),
            ('\n', false) => {
                rows.last_mut().unwrap().push(std::mem::take(&mut cell));
                rows.push(vec![]);
            }
            (c, _) => cell.push(c),
        }
    }
    rows.retain(|r| !r.is_empty());
    rows
}

#[test]
fn csv_cells_never_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(dir.path());
    let (csv, _) = run(&["timeline", bundle.to_str().unwrap(), "--format", "csv"]);
    let rows = csv_rows(&String::from_utf8(csv).unwrap());
    let header = &rows[0];
    let user = header.iter().position(|h| h == "user").expect("a user column");
    let width = header.len();
    let mut formula_users = 0;
    for row in &rows[1..] {
        assert_eq!(row.len(), width, "hostile text does not break the rows: {row:?}");
        for cell in row {
            let dangerous = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!dangerous, "a cell a spreadsheet would evaluate: {cell:?} in {row:?}");
        }
        if row[user] == format!("'{FORMULA_USER}") {
            formula_users += 1;
        }
    }
    assert!(formula_users > 0, "the formula user is kept, neutralised with a leading '");
}

#[test]
fn markdown_report_renders_hostile_text_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(dir.path());
    let (md, _) = run(&["analyze", bundle.to_str().unwrap(), "--format", "md"]);
    let md = String::from_utf8(md).unwrap();
    assert_terminal_safe("report.md", md.as_bytes());
    assert!(md.contains("alice"), "the responder is in the report:\n{md}");
    for (i, _) in md.match_indices("](javascript:") {
        assert!(md[..i].ends_with('\\'), "a live javascript: link at {i}:\n{md}");
    }
    for (i, _) in md.match_indices("<script") {
        assert!(md[..i].ends_with('\\'), "a live <script> tag at {i}:\n{md}");
    }
    let setext = md.lines().find(|l| l.starts_with('='));
    assert_eq!(setext, None, "a line starting with = (a setext heading) in:\n{md}");
}

#[test]
fn json_outputs_keep_hostile_text_exactly_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = hostile_bundle(dir.path());
    let b = bundle.to_str().unwrap();
    let (jsonl_bytes, _) = run(&["timeline", b, "--format", "jsonl"]);
    let (report, _) = run(&["analyze", b, "--format", "json"]);
    for (what, bytes) in [("timeline.jsonl", &jsonl_bytes), ("report.json", &report)] {
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07),
            "{what}: raw control bytes (JSON escapes them)"
        );
    }
    let events: Vec<Value> =
        String::from_utf8(jsonl_bytes).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let users: Vec<&str> = events.iter().filter_map(|e| e["user"].as_str()).collect();
    assert!(users.contains(&ESCAPED_USER), "JSONL keeps the evidence exactly: {users:?}");
    assert!(users.contains(&FORMULA_USER), "no ' added outside CSV: {users:?}");
    assert!(events.iter().any(|e| e["file"] == HOSTILE_FILE), "the hostile file name is kept exactly");
    assert!(
        events.iter().any(|e| e["message"].as_str().is_some_and(|m| m.contains(COMMAND))),
        "the command is kept exactly"
    );
    let report: Value = serde_json::from_slice(&report).expect("report.json is JSON");
    assert!(report.to_string().contains("alice\\u001b]52"), "the report keeps the name, escaped as JSON");
}
