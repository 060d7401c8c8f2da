//! PM2 process-list snapshots: `pm2 jlist` / dump.pm2 JSON (pm2_snapshot) and `pm2 list` box
//! tables (pm2_table).
//!
//! Sources: the trimmed real jlist element and the observed errored/cluster facts of
//! `../shared/reference/pm2.md` §2 (PM2 7.0.4), the CLI lines of pm2.md §5 /
//! pm2-observed-run.md A.4, and the runbook's (`../shared/runbook.md`) "Incident Signature"
//! tables, verbatim. Tables in PM2's own layouts are constructed (marked as such) with the
//! column sets and widths of PM2's `lib/API/UX/pm2-ls.js` (≥ 5) and `lib/API/CliUx.js` (≤ 4).
//! Property tests: no input panics, every line is accounted once, results do not depend on
//! where the input is cut.

use chrono::{NaiveDate, NaiveDateTime};
use postmortem_parsers::pm2_snapshot::{
    self, jlist_processes, snapshot_time_from_name, Pm2SnapshotParser, REASON_BAD_JSON, REASON_NOT_JSON,
    REASON_NOT_PROCESS_LIST, REASON_PRETTYLIST,
};
use postmortem_parsers::pm2_table::{
    self, Pm2ListParser, TableKind, TableLine, TableReader, REASON_NOT_TABLE, REASON_OTHER_TABLE,
};
use postmortem_parsers::{parse_text, split_lines, LineParser, RawTime, Record, Sink};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Helpers

fn snap(text: &str) -> Sink<'_> {
    parse_text(&mut Pm2SnapshotParser::default(), text)
}

fn list(text: &str) -> Sink<'_> {
    parse_text(&mut Pm2ListParser::default(), text)
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn keys(r: &Record<'_>) -> Vec<&'static str> {
    r.fields.iter().map(|(k, _)| *k).collect()
}

fn counts(sink: &Sink<'_>) -> (u64, u64, u64, u64) {
    let c = sink.counts;
    (c.events, c.continuation, c.structural, c.unparsed)
}

fn reasons(sink: &Sink<'_>) -> Vec<&'static str> {
    sink.unparsed.iter().map(|u| u.reason).collect()
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, sec: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, sec).unwrap()
}

/// Removes `ESC [ … m` colour codes.
fn strip_colours(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        rest = after.find('m').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------
// jlist fixtures

/// pm2.md §2, "Trimmed real element [observed with PM2 7.0.4]", on one line. Edited only where
/// the reference elides text (not JSON): `[…]` / `{…}` → `[]` / `{}`, the `"…ENV VARS…":"…"`
/// placeholder dropped, `172b30db-…` kept as a string.
const API: &str = r#"{"pid":11867,"name":"api","pm2_env":{"name":"api","log_date_format":"YYYY-MM-DDTHH:mm:ss","time":true,"env":{"NODE_ENV":"production","api":"{}","unique_id":"172b30db-…"},"merge_logs":true,"vizion":true,"autostart":true,"autorestart":true,"exec_mode":"fork_mode","instance_var":"NODE_APP_INSTANCE","pmx":true,"automation":true,"treekill":true,"username":"root","windowsHide":true,"kill_retry_time":100,"namespace":"default","node_args":[],"pm_exec_path":"/tmp/pm2run/apps/api.js","pm_cwd":"/tmp/pm2run/apps","exec_interpreter":"node","instances":1,"pm_out_log_path":"/tmp/pm2home/logs/api-out.log","pm_err_log_path":"/tmp/pm2home/logs/api-error.log","pm_pid_path":"/tmp/pm2home/pids/api-0.pid","km_link":false,"vizion_running":false,"NODE_APP_INSTANCE":0,"NODE_ENV":"production","unique_id":"172b30db-…","status":"online","pm_uptime":1795829530485,"axm_actions":[],"axm_monitor":{},"axm_options":{},"axm_dynamic":{},"created_at":1795829530485,"pm_id":0,"restart_time":0,"unstable_restarts":0,"node_version":"20.20.2"},"pm_id":0,"monit":{"memory":51970048,"cpu":0}}"#;

/// Constructed from pm2.md §2 "Errored app [observed with PM2 7.0.4]": pid 0, monit {0,0},
/// status errored, exit_code 1, restart_time 4, unstable_restarts 0, created_at null (the crash
/// app of pm2-observed-run.md).
const CRASH: &str = r#"{"pid":0,"name":"crash","pm2_env":{"name":"crash","exec_mode":"fork_mode","username":"root","namespace":"default","pm_exec_path":"/tmp/pm2run/apps/crash.js","pm_cwd":"/tmp/pm2run/apps","instances":1,"max_restarts":5,"status":"errored","pm_uptime":1795829531120,"created_at":null,"pm_id":1,"restart_time":4,"unstable_restarts":0,"exit_code":1,"node_version":"20.20.2"},"pm_id":1,"monit":{"memory":0,"cpu":0}}"#;

/// Constructed from pm2.md §2 "Cluster worker [observed with PM2 7.0.4]": exec_mode
/// cluster_mode, instances 2, max_memory_restart 62914560, _pm2_version, prev_restart_delay 0.
const MEM: &str = r#"{"pid":12845,"name":"mem","pm2_env":{"name":"mem","exec_mode":"cluster_mode","username":"root","namespace":"default","pm_exec_path":"/tmp/pm2run/apps/mem.js","pm_cwd":"/tmp/pm2run/apps","instances":2,"max_memory_restart":62914560,"_pm2_version":"7.0.4","prev_restart_delay":0,"status":"online","pm_uptime":1795829552310,"created_at":1795829530490,"pm_id":2,"restart_time":9,"unstable_restarts":0,"exit_code":0,"NODE_APP_INSTANCE":0,"node_version":"20.20.2"},"pm_id":2,"monit":{"memory":92651520,"cpu":0.3}}"#;

fn jlist() -> String {
    format!("[{API},{CRASH},{MEM}]")
}

/// The three records every form of the fixture list must give (line numbers aside).
fn check_three(r: &[Record<'_>], snapshot: &str) {
    assert_eq!(r.len(), 3);
    let api = &r[0];
    assert_eq!((api.source, api.kind), ("pm2", "snapshot-process"));
    assert_eq!(api.time, RawTime::None);
    assert_eq!(api.process.as_deref(), Some("api"));
    assert_eq!(api.user.as_deref(), Some("root"));
    assert_eq!(s(api, "status"), Some("online"));
    assert_eq!(int(api, "restart_time"), Some(0));
    assert_eq!(int(api, "unstable_restarts"), Some(0));
    assert_eq!(int(api, "pm_uptime"), Some(1795829530485));
    assert_eq!(int(api, "created_at"), Some(1795829530485));
    assert_eq!(int(api, "exit_code"), None);
    assert_eq!(s(api, "exec_mode"), Some("fork_mode"));
    assert_eq!(s(api, "pm_cwd"), Some("/tmp/pm2run/apps"));
    assert_eq!(s(api, "pm_exec_path"), Some("/tmp/pm2run/apps/api.js"));
    assert_eq!(s(api, "namespace"), Some("default"));
    assert_eq!(s(api, "snapshot"), Some(snapshot));
    let crash = &r[1];
    assert_eq!(crash.pid, None);
    assert_eq!(s(crash, "status"), Some("errored"));
    assert_eq!(int(crash, "created_at"), None);
    assert_eq!(int(crash, "exit_code"), Some(1));
    assert_eq!(int(crash, "restart_time"), Some(4));
    let mem = &r[2];
    assert_eq!(s(mem, "exec_mode"), Some("cluster_mode"));
    assert_eq!(int(mem, "max_memory_restart"), Some(62914560));
    assert_eq!(int(mem, "exit_code"), Some(0));
}

// ---------------------------------------------------------------------------------------
// jlist

#[test]
fn jlist_one_line() {
    let text = jlist();
    let sink = snap(&text);
    // One line (no final newline, as `pm2 jlist` writes it): one event line, three records.
    assert_eq!(counts(&sink), (1, 0, 0, 0));
    check_three(&sink.records, "jlist");
    let r = &sink.records;
    assert!(r.iter().all(|r| r.line == 1));
    assert_eq!(r[0].pm_id.as_deref(), Some("0"));
    assert_eq!(r[0].pid, Some(11867));
    assert_eq!(r[0].message, "api (0) online, ↺ 0");
    assert_eq!(int(&r[0], "instances"), Some(1));
    assert_eq!(int(&r[0], "memory"), Some(51970048));
    assert_eq!(s(&r[0], "cpu"), Some("0"));
    assert_eq!(int(&r[0], "max_memory_restart"), None);
    assert_eq!(
        keys(&r[0]),
        [
            "status",
            "restart_time",
            "unstable_restarts",
            "pm_uptime",
            "created_at",
            "exec_mode",
            "instances",
            "pm_cwd",
            "pm_exec_path",
            "memory",
            "cpu",
            "namespace",
            "snapshot"
        ]
    );
    assert_eq!(r[1].message, "crash (1) errored, ↺ 4");
    assert_eq!(r[1].pm_id.as_deref(), Some("1"));
    assert_eq!(int(&r[1], "memory"), Some(0));
    assert_eq!(
        keys(&r[1]),
        [
            "status",
            "restart_time",
            "unstable_restarts",
            "pm_uptime",
            "exit_code",
            "exec_mode",
            "instances",
            "pm_cwd",
            "pm_exec_path",
            "memory",
            "cpu",
            "namespace",
            "snapshot"
        ]
    );
    assert_eq!(r[2].pid, Some(12845));
    assert_eq!(int(&r[2], "instances"), Some(2));
    assert_eq!(s(&r[2], "cpu"), Some("0.3"));
    assert_eq!(r[2].message, "mem (2) online, ↺ 9");
}

#[test]
fn jlist_after_daemon_spawn_lines() {
    // pm2.md §2 / §5: with no daemon up, the CLI prints these before the JSON, on stdout.
    let text = format!(
        "[PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home\n[PM2] PM2 Successfully daemonized\n{}",
        jlist()
    );
    let sink = snap(&text);
    assert_eq!(counts(&sink), (1, 0, 2, 0));
    check_three(&sink.records, "jlist");
    assert!(sink.records.iter().all(|r| r.line == 3));
    // CRLF and a final newline change nothing.
    let crlf = text.replace('\n', "\r\n") + "\r\n";
    let sink2 = snap(&crlf);
    assert_eq!(counts(&sink2), (1, 0, 2, 0));
    assert_eq!(sink2.records, sink.records);
}

#[test]
fn jlist_pretty_printed() {
    // `pm2 jlist | jq .` (the runbook's Priority 2 command pipes jlist into jq): two-space
    // indentation, one key per line, as serde_json's pretty printer writes it.
    let value: Value = serde_json::from_str(&jlist()).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let lines: Vec<&str> = pretty.lines().collect();
    let sink = snap(&pretty);
    assert_eq!(sink.counts.total(), lines.len() as u64);
    // `[` is structural; each element's `  {` line is an event; the rest are folded in.
    assert_eq!(counts(&sink), (3, lines.len() as u64 - 4, 1, 0));
    check_three(&sink.records, "jlist");
    let starts: Vec<u64> =
        lines.iter().enumerate().filter(|(_, l)| **l == "  {").map(|(i, _)| i as u64 + 1).collect();
    assert_eq!(sink.records.iter().map(|r| r.line).collect::<Vec<_>>(), starts);
    // Same records as the one-line form, line numbers aside.
    let one = snap_owned(&jlist());
    for (a, b) in sink.records.iter().zip(&one) {
        assert_eq!(Record { line: 0, ..a.clone() }, Record { line: 0, ..b.clone() });
    }
}

fn snap_owned(text: &str) -> Vec<Record<'static>> {
    snap(text).records.into_iter().map(Record::into_owned).collect()
}

#[test]
fn dump_pm2() {
    // dump.pm2 (pm2.md §2): the pm2_env objects with pm_id and instances deleted, pretty-printed.
    // Constructed from the fixture elements.
    let value: Value = serde_json::from_str(&jlist()).unwrap();
    let envs: Vec<Value> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut env = e["pm2_env"].clone();
            let o = env.as_object_mut().unwrap();
            o.remove("pm_id");
            o.remove("instances");
            env
        })
        .collect();
    let dump = serde_json::to_string_pretty(&envs).unwrap();
    let n = dump.lines().count() as u64;
    let sink = parse_text(&mut Pm2SnapshotParser::for_path("root/.pm2/dump.pm2"), &dump);
    assert_eq!(counts(&sink), (3, n - 4, 1, 0));
    check_three(&sink.records, "dump");
    for r in &sink.records {
        assert_eq!((r.pm_id.as_deref(), r.pid), (None, None));
        assert_eq!(int(r, "instances"), None);
        assert_eq!(int(r, "memory"), None);
        assert_eq!(s(r, "cpu"), None);
    }
    assert_eq!(sink.records[0].message, "api online, ↺ 0");
    // Compact dump on one line (dump.pm2.bak of an older PM2): same records.
    let compact = serde_json::to_string(&envs).unwrap();
    assert!(pm2_snapshot::sniff_line(&compact));
    let sink = snap(&compact);
    assert_eq!(counts(&sink), (1, 0, 0, 0));
    check_three(&sink.records, "dump");
}

#[test]
fn name_time_and_for_path() {
    assert_eq!(
        snapshot_time_from_name("/tmp/pm2-incident-20260217-143500.json"),
        Some(dt(2026, 2, 17, 14, 35, 0))
    );
    assert_eq!(
        snapshot_time_from_name("cmd/pm2-jlist-20260217-151400.json"),
        Some(dt(2026, 2, 17, 15, 14, 0))
    );
    // The runbook's incident-state file name (Step 4).
    assert_eq!(
        snapshot_time_from_name("/tmp/incident-state-20260217-143501.txt"),
        Some(dt(2026, 2, 17, 14, 35, 1))
    );
    assert_eq!(
        snapshot_time_from_name("a-20250101-000000.b-20260217-143500.json"),
        Some(dt(2026, 2, 17, 14, 35, 0))
    );
    assert_eq!(snapshot_time_from_name("x-20260217-143500.d/jlist.json"), None);
    assert_eq!(snapshot_time_from_name("pm2-incident-20260217-143500"), None);
    assert_eq!(snapshot_time_from_name("pm2-incident-20261317-143500.json"), None);
    assert_eq!(snapshot_time_from_name("pm2-incident-20260217-256000.json"), None);
    assert_eq!(snapshot_time_from_name("pm2-incident-2026021-143500.json"), None);
    assert_eq!(snapshot_time_from_name("jlist.json"), None);
    assert_eq!(snapshot_time_from_name("é-20260217-143500.json"), Some(dt(2026, 2, 17, 14, 35, 0)));

    let text = jlist();
    let sink = parse_text(&mut Pm2SnapshotParser::for_path("/tmp/pm2-incident-20260217-143500.json"), &text);
    let want = RawTime::Local { local: dt(2026, 2, 17, 14, 35, 0), file_offset: None };
    assert!(sink.records.iter().all(|r| r.time == want));
    let sink = parse_text(&mut Pm2SnapshotParser::for_path("cmd/jlist.json"), &text);
    assert!(sink.records.iter().all(|r| r.time == RawTime::None));
}

#[test]
fn malformed_json() {
    // Constructed: a jlist cut short after the spawn lines; the lines before it stay structural.
    let text = "[PM2] Spawning PM2 daemon with pm2_home=/root/.pm2\n[{\"pid\":1,\"name\":\"api\",\"pm2_env\":{\n\"status\":\"online\"\n";
    let sink = snap(text);
    assert_eq!(counts(&sink), (0, 0, 1, 2));
    assert_eq!(reasons(&sink), [REASON_BAD_JSON, REASON_BAD_JSON]);
    assert_eq!(sink.unparsed[0].line, 2);
    assert!(sink.records.is_empty());
    assert_eq!(jlist_processes(text), None);
    // Bad JSON after a good list: the good list's records stay.
    let text = format!("{}\n[{{\"pid\":\n", jlist());
    let sink = snap(&text);
    assert_eq!(counts(&sink), (1, 0, 0, 1));
    assert_eq!(sink.records.len(), 3);
}

#[test]
fn prettylist_is_not_json() {
    // Constructed `pm2 prettylist` (util.inspect) shape.
    let text =
        "[\n  {\n    pid: 11867,\n    name: 'api',\n    pm2_env: {\n      status: 'online'\n    }\n  }\n]\n";
    let sink = snap(text);
    assert_eq!(sink.counts.unparsed, 9);
    assert!(reasons(&sink).iter().all(|r| *r == REASON_PRETTYLIST));
}

#[test]
fn other_json_and_text() {
    // Constructed: an empty list (a daemon managing nothing) is structural, no record.
    let sink = snap("[]");
    assert_eq!(counts(&sink), (0, 0, 1, 0));
    assert_eq!(jlist_processes("[]"), Some(vec![]));
    // JSON that is no process list; `[1, 2]` does not even start a snapshot (`[` must be
    // followed by `{`, `]` or the line end).
    let sink = snap("[1, 2]\n{\"apps\": []}\n");
    assert_eq!(reasons(&sink), [REASON_NOT_JSON, REASON_NOT_PROCESS_LIST]);
    // An ecosystem-style bare array (processes.json) has no pm2_env / pm_exec_path.
    let sink = snap(r#"[{"name":"api","script":"./server.js","exec_mode":"cluster"}]"#);
    assert_eq!(reasons(&sink), [REASON_NOT_PROCESS_LIST]);
    // pm2-observed-run.md A.4 (`pm2 update`): CLI text that is not a [PM2] line.
    let text = format!("{}\n>>>>>>>>>> PM2 updated\n\n", jlist());
    let sink = snap(&text);
    assert_eq!(counts(&sink), (1, 0, 1, 1));
    assert_eq!(reasons(&sink), [REASON_NOT_JSON]);
    assert_eq!(sink.unparsed[0].line, 2);
    // One element alone (`pm2 jlist | jq '.[0]'`), and an empty input.
    let sink = snap(API);
    assert_eq!((sink.counts.events, sink.records.len()), (1, 1));
    let sink = snap("");
    assert_eq!((sink.counts.total(), sink.records.len()), (0, 0));
}

#[test]
fn mixed_element_shapes() {
    // Constructed: a non-object element and an object that is not a process are skipped; pid
    // missing; pm_id as text; the module flag.
    let text = r#"[{"x":{}},1,{"name":"pm2-logrotate","pm2_env":{"status":"online","pmx_module":true,"version":"2.7.0","restart_time":"0"},"pm_id":"5","monit":{"memory":1.5e3,"cpu":0.1}}]"#;
    let sink = snap(text);
    assert_eq!(sink.records.len(), 1);
    let r = &sink.records[0];
    assert_eq!((r.pid, r.pm_id.as_deref()), (None, Some("5")));
    assert_eq!(int(r, "memory"), Some(1500));
    assert_eq!(int(r, "restart_time"), Some(0));
    assert_eq!(int(r, "module"), Some(1));
    assert_eq!(s(r, "version"), Some("2.7.0"));
    assert_eq!(r.message, "pm2-logrotate (5) online, ↺ 0");
}

#[test]
fn jlist_processes_is_pure() {
    let text = format!("[PM2] PM2 Successfully daemonized\n{}", jlist());
    let procs = jlist_processes(&text).unwrap();
    assert_eq!(procs.len(), 3);
    assert_eq!(procs[0].name.as_deref(), Some("api"));
    assert_eq!(procs[1].created_at, None);
    assert_eq!(procs[1].exit_code, Some(1));
    assert_eq!(procs[2].max_memory_restart, Some(62914560));
    assert_eq!(procs[2].snapshot, "jlist");
    assert_eq!(jlist_processes("hello"), None);
}

#[test]
fn snapshot_sniff() {
    assert!(pm2_snapshot::sniff_line(&jlist()));
    assert!(pm2_snapshot::sniff_line(r#"[{"pm2_env":{"status":"online"}}]"#));
    assert!(pm2_snapshot::sniff_line(r#"    "pm2_env": {"#));
    assert!(pm2_snapshot::sniff_line(r#"    "pm_exec_path": "/srv/app/server.js","#));
    // Not: CLI lines, a pm2.log line, a journal JSON line, syslog, a table header.
    for line in [
        "[PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home",
        "2026-11-28T07:02:10: PM2 log: App [api:0] online",
        r#"{"MESSAGE":"[{\"pid\":1,\"pm2_env\":{}}]","_PID":"1"}"#,
        "Feb 17 14:30:00 web-01 pm2[5555]: [PM2] Resurrecting",
        "│ id │ name │ namespace │ version │ mode │ pid │ uptime │ ↺ │ status │",
        "[",
        "",
    ] {
        assert!(!pm2_snapshot::sniff_line(line), "{line}");
    }
    assert!(pm2_snapshot::NAME_HINTS.contains(&"dump.pm2"));
    assert!(pm2_snapshot::NAME_HINTS.contains(&"pm2-incident-*.json"));
    assert_eq!(pm2_snapshot::KINDS[0].0, "snapshot-process");
}

// ---------------------------------------------------------------------------------------
// pm2 list tables

/// `../shared/runbook.md`, "Incident Signature: Process Isolation Violation", verbatim.
const RUNBOOK: &str = "\
# Expected state (normal):
+-----------------------------------+----+-----+---------+-------+
| App name                          | id |mode | status  | cpu   |
+-----------------------------------+----+-----+---------+-------+
| flyer-crawler-api                 | 0  |clust| online  | 0%    |
| flyer-crawler-worker              | 1  |fork | online  | 0%    |
| flyer-crawler-analytics-worker    | 2  |fork | online  | 0%    |
| flyer-crawler-api-test            | 3  |fork | online  | 0%    |
| flyer-crawler-worker-test         | 4  |fork | online  | 0%    |
| flyer-crawler-analytics-worker-test| 5  |fork | online  | 0%    |
| stock-alert-api                   | 6  |fork | online  | 0%    |
+-----------------------------------+----+-----+---------+-------+

# Incident state (isolation violation):
# All processes missing or errored - not just one app
+-----------------------------------+----+-----+---------+-------+
| App name                          | id |mode | status  | cpu   |
+-----------------------------------+----+-----+---------+-------+
# (empty or all processes errored/stopped)
+-----------------------------------+----+-----+---------+-------+
";

#[test]
fn runbook_tables() {
    let sink = list(RUNBOOK);
    assert_eq!(counts(&sink), (7, 0, 9, 4));
    assert_eq!(sink.counts.total(), split_lines(RUNBOOK).count() as u64);
    assert!(reasons(&sink).iter().all(|r| *r == REASON_NOT_TABLE));
    assert_eq!(sink.unparsed.iter().map(|u| u.line).collect::<Vec<_>>(), [1, 14, 15, 19]);
    let r = &sink.records;
    let names: Vec<_> = r.iter().map(|r| r.process.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "flyer-crawler-api",
            "flyer-crawler-worker",
            "flyer-crawler-analytics-worker",
            "flyer-crawler-api-test",
            "flyer-crawler-worker-test",
            "flyer-crawler-analytics-worker-test",
            "stock-alert-api"
        ]
    );
    assert_eq!(
        r.iter().map(|r| r.pm_id.as_deref().unwrap()).collect::<Vec<_>>(),
        ["0", "1", "2", "3", "4", "5", "6"]
    );
    assert_eq!(r[0].line, 5);
    assert_eq!((r[0].source, r[0].kind, r[0].time), ("pm2", "snapshot-process", RawTime::None));
    assert_eq!(s(&r[0], "exec_mode"), Some("cluster_mode"));
    assert_eq!(s(&r[1], "exec_mode"), Some("fork_mode"));
    assert_eq!(s(&r[5], "status"), Some("online"));
    assert_eq!(s(&r[5], "cpu"), Some("0"));
    assert_eq!(keys(&r[5]), ["status", "exec_mode", "cpu", "snapshot"]);
    assert_eq!(s(&r[5], "snapshot"), Some("list"));
    assert_eq!(r[5].message, "flyer-crawler-analytics-worker-test (5) online");

    // The same text through the reader.
    let mut reader = TableReader::new();
    let kinds: Vec<&str> = RUNBOOK
        .lines()
        .map(|l| match reader.line(l) {
            TableLine::Border => "B",
            TableLine::Header(TableKind::Apps) => "H",
            TableLine::Header(TableKind::Modules) => "M",
            TableLine::Row(_) => "R",
            TableLine::Other => "O",
            TableLine::NotTable => "N",
        })
        .collect();
    assert_eq!(kinds.concat(), "NBHBRRRRRRRBNNNBHBNB");
}

/// Constructed: PM2 ≥ 5 (`pm2-ls.js` app_head widths), the observed run's apps; then the
/// module table with its `Module` title.
const NEW_TABLE: &str = "\
┌─────┬─────────────┬─────────────┬─────────┬─────────┬──────────┬────────┬──────┬───────────┬──────────┬──────────┬──────────┬──────────┐
│ id  │ name        │ namespace   │ version │ mode    │ pid      │ uptime │ ↺    │ status    │ cpu      │ mem      │ user     │ watching │
├─────┼─────────────┼─────────────┼─────────┼─────────┼──────────┼────────┼──────┼───────────┼──────────┼──────────┼──────────┼──────────┤
│ 0   │ api         │ default     │ N/A     │ fork    │ 11867    │ 12s    │ 1    │ online    │ 0.3%     │ 49.6mb   │ root     │ disabled │
│ 1   │ crash       │ default     │ N/A     │ fork    │ 0        │ 0      │ 4    │ errored   │ 0%       │ 0b       │ root     │ disabled │
│ 2   │ mem         │ default     │ 1.2.0   │ cluster │ 12845    │ 2s     │ 9    │ online    │ 0%       │ 88.4mb   │ root     │ disabled │
│ 4   │ mem         │ default     │ 1.2.0   │ cluster │ 12894    │ 1s     │ 8    │ online    │ 0%       │ 78.4mb   │ root     │ disabled │
│ 3   │ slowstop    │ default     │ N/A     │ fork    │ 0        │ 0      │ 0    │ stopped   │ 0%       │ 0b       │ root     │ disabled │
└─────┴─────────────┴─────────────┴─────────┴─────────┴──────────┴────────┴──────┴───────────┴──────────┴──────────┴──────────┴──────────┘
Module
┌────┬───────────────────────────────────────┬────────────────────┬───────┬──────────┬──────┬──────────┬──────────┬──────────┐
│ id │ module                                │ version            │ pid   │ status   │ ↺    │ cpu      │ mem      │ user     │
├────┼───────────────────────────────────────┼────────────────────┼───────┼──────────┼──────┼──────────┼──────────┼──────────┤
│ 5  │ pm2-logrotate                         │ 2.7.0              │ 12901 │ online   │ 0    │ 0.1%     │ 61.2mb   │ root     │
└────┴───────────────────────────────────────┴────────────────────┴───────┴──────────┴──────┴──────────┴──────────┴──────────┘
";

#[test]
fn new_column_set() {
    let sink = list(NEW_TABLE);
    assert_eq!(counts(&sink), (6, 0, 9, 0));
    let r = &sink.records;
    assert_eq!(r[0].process.as_deref(), Some("api"));
    assert_eq!(
        (r[0].pm_id.as_deref(), r[0].pid, r[0].user.as_deref()),
        (Some("0"), Some(11867), Some("root"))
    );
    assert_eq!(r[0].message, "api (0) online, ↺ 1");
    assert_eq!(
        keys(&r[0]),
        ["status", "restart_time", "exec_mode", "uptime", "cpu", "mem", "namespace", "watching", "snapshot"]
    );
    assert_eq!(s(&r[0], "uptime"), Some("12s"));
    assert_eq!(s(&r[0], "cpu"), Some("0.3"));
    assert_eq!(s(&r[0], "mem"), Some("49.6mb"));
    assert_eq!(s(&r[0], "version"), None);
    assert_eq!(s(&r[0], "watching"), Some("disabled"));
    assert_eq!((r[1].pid, s(&r[1], "status"), int(&r[1], "restart_time")), (None, Some("errored"), Some(4)));
    assert_eq!((s(&r[2], "version"), s(&r[2], "exec_mode")), (Some("1.2.0"), Some("cluster_mode")));
    let m = &r[5];
    assert_eq!(
        (m.process.as_deref(), m.pm_id.as_deref(), m.pid),
        (Some("pm2-logrotate"), Some("5"), Some(12901))
    );
    assert_eq!(int(m, "module"), Some(1));
    assert_eq!(int(&r[0], "module"), None);
    assert_eq!(m.line, 14);
}

/// Constructed: PM2 ≤ 4 (`CliUx.js` of 2.x–3.x: `App name` first), an older module table
/// under ` Module activated`, and the hint line PM2 prints after it.
const OLD_TABLE: &str = "\
┌────────────────────┬────┬─────────┬─────────┬───────┬─────────┬─────────┬────────┬──────┬────────────┬───────┬──────────┐
│ App name           │ id │ version │ mode    │ pid   │ status  │ restart │ uptime │ cpu  │ mem        │ user  │ watching │
├────────────────────┼────┼─────────┼─────────┼───────┼─────────┼─────────┼────────┼──────┼────────────┼───────┼──────────┤
│ api                │ 0  │ 1.0.0   │ fork    │ 2092  │ online  │ 3       │ 2h     │ 0%   │ 43.3 MB    │ root  │ disabled │
│ worker             │ 1  │ 1.0.0   │ cluster │ 0     │ errored │ 16      │ 0      │ 0%   │ 0 B        │ root  │ disabled │
└────────────────────┴────┴─────────┴─────────┴───────┴─────────┴─────────┴────────┴──────┴────────────┴───────┴──────────┘
 Module activated
┌───────────────┬─────────┬────────────┬────────┬─────────┬─────┬──────────────┐
│ Module        │ version │ target PID │ status │ restart │ cpu │ memory       │
├───────────────┼─────────┼────────────┼────────┼─────────┼─────┼──────────────┤
│ pm2-logrotate │ 2.2.0   │ N/A        │ online │ 0       │ 0%  │ 51.965 MB    │
└───────────────┴─────────┴────────────┴────────┴─────────┴─────┴──────────────┘
 Use `pm2 show <id|name>` to get more details about an app
";

#[test]
fn old_column_set() {
    let sink = list(OLD_TABLE);
    assert_eq!(counts(&sink), (3, 0, 10, 0));
    let r = &sink.records;
    assert_eq!(
        (r[0].process.as_deref(), r[0].pm_id.as_deref(), r[0].pid),
        (Some("api"), Some("0"), Some(2092))
    );
    assert_eq!((int(&r[0], "restart_time"), s(&r[0], "mem")), (Some(3), Some("43.3 MB")));
    assert_eq!(s(&r[0], "version"), Some("1.0.0"));
    assert_eq!((r[1].pid, s(&r[1], "status"), int(&r[1], "restart_time")), (None, Some("errored"), Some(16)));
    assert_eq!(r[1].message, "worker (1) errored, ↺ 16");
    let m = &r[2];
    assert_eq!((m.process.as_deref(), m.pm_id.as_deref(), m.pid), (Some("pm2-logrotate"), None, None));
    assert_eq!((int(m, "module"), s(m, "mem")), (Some(1), Some("51.965 MB")));
}

/// Constructed: the condensed layout (terminal < 120 columns), a name cut by cli-table, an id
/// past 99 cut to `…` (as in pm2 issue #4475), then a condensed module table.
const CONDENSED: &str = "\
┌────┬────────────────────┬──────────┬──────┬───────────┬──────────┬──────────┐
│ id │ name               │ mode     │ ↺    │ status    │ cpu      │ memory   │
├────┼────────────────────┼──────────┼──────┼───────────┼──────────┼──────────┤
│ 0  │ flyer-crawler-api  │ cluster  │ 3    │ online    │ 0%       │ 120.5mb  │
│ 5  │ flyer-crawler-ana… │ fork     │ 16   │ errored   │ 0%       │ 0b       │
│ …  │ stock-alert-api    │ fork     │ 0    │ online    │ 1.2%     │ 60.1mb   │
└────┴────────────────────┴──────────┴──────┴───────────┴──────────┴──────────┘
Module
┌────┬────────────────────┬──────────┬──────────┬──────────┐
│ id │ name               │ status   │ cpu      │ mem      │
├────┼────────────────────┼──────────┼──────────┼──────────┤
│ 7  │ pm2-logrotate      │ online   │ 0%       │ 40.2mb   │
└────┴────────────────────┴──────────┴──────────┴──────────┘
";

#[test]
fn condensed_and_truncated() {
    let sink = list(CONDENSED);
    assert_eq!(counts(&sink), (4, 0, 9, 0));
    let r = &sink.records;
    assert_eq!(int(&r[0], "truncated"), None);
    assert_eq!(s(&r[0], "mem"), Some("120.5mb"));
    assert_eq!(r[1].process.as_deref(), Some("flyer-crawler-ana…"));
    assert_eq!(int(&r[1], "truncated"), Some(1));
    assert_eq!(r[1].pm_id.as_deref(), Some("5"));
    assert_eq!((r[2].pm_id.as_deref(), int(&r[2], "truncated")), (None, Some(1)));
    assert_eq!(r[2].message, "stock-alert-api online, ↺ 0");
    assert_eq!(int(&r[3], "module"), Some(1));
    assert_eq!(int(&r[2], "module"), None);

    let mut reader = TableReader::new();
    let rows: Vec<_> = CONDENSED
        .lines()
        .filter_map(|l| match reader.line(l) {
            TableLine::Row(r) => Some(r.into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(rows[1].name.as_deref(), Some("flyer-crawler-ana…"));
    assert!(rows[1].truncated && !rows[0].truncated);
    assert_eq!(rows[1].mode.as_deref(), Some("fork"));
    assert_eq!(rows[0].restarts, Some(3));
    assert!(rows[3].module);
}

#[test]
fn ansi_coloured_table() {
    // Constructed with the colours PM2 7 uses when piped with TERM=xterm (pm2.md §3.3): grey
    // borders, bold cyan headers and ids, green/red statuses.
    let g = |s: &str| format!("\x1b[90m{s}\x1b[39m");
    let head = |s: &str| format!("\x1b[36m\x1b[1m{s}\x1b[22m\x1b[39m");
    let id = |s: &str| format!("\x1b[1m\x1b[36m{s}\x1b[39m\x1b[22m");
    let text = [
        g("┌────┬───────────┬───────────┬──────┐"),
        format!(
            "{b} {} {b} {}      {b} {}    {b} {}    {b}",
            head("id"),
            head("name"),
            head("status"),
            head("↺"),
            b = g("│")
        ),
        g("├────┼───────────┼───────────┼──────┤"),
        format!(
            "{b} {}  {b} ◉ api     {b} \x1b[32m\x1b[1monline\x1b[22m\x1b[39m    {b} 3    {b}",
            id("0"),
            b = g("│")
        ),
        format!(
            "{b} {}  {b} crash     {b} \x1b[31m\x1b[1merrored\x1b[22m\x1b[39m   {b} 4    {b}",
            id("1"),
            b = g("│")
        ),
        g("└────┴───────────┴───────────┴──────┘"),
        "\x1b[1mModule\x1b[22m".to_string(),
    ]
    .join("\n");
    let sink = list(&text);
    assert_eq!(counts(&sink), (2, 0, 5, 0));
    let plain = strip_colours(&text);
    let plain_sink = list(&plain);
    assert_eq!(sink.records, plain_sink.records);
    let r = &sink.records;
    assert_eq!((r[0].process.as_deref(), r[0].pm_id.as_deref()), (Some("api"), Some("0")));
    assert_eq!((s(&r[1], "status"), int(&r[1], "restart_time")), (Some("errored"), Some(4)));
    assert!(pm2_table::sniff_line(text.lines().nth(1).unwrap()));
}

#[test]
fn cli_lines_and_other_tables() {
    // pm2-observed-run.md A.4 CLI lines around a list (structural), a `pm2 describe` table
    // (constructed in PM2's describe layout), a Container table header, and free text.
    let text = "\
[PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home
[PM2] PM2 Successfully daemonized
┌────┬──────┬────────┐
│ id │ name │ status │
├────┼──────┼────────┤
│ 0  │ api  │ online │
│ 0  │ api  │
└────┴──────┴────────┘
[PM2][WARN] Current process list is not synchronized with saved list. Type 'pm2 save' to synchronize.
┌───────────────────┬──────────────────┐
│ status            │ online           │
│ name              │ api              │
└───────────────────┴──────────────────┘
┌────┬───────┬────────┬─────┬─────┐
│ id │ image │ status │ cpu │ mem │
├────┼───────┼────────┼─────┼─────┤
│ 8  │ redis │ online │ 0%  │ 3mb │
└────┴───────┴────────┴─────┴─────┘
$ pm2 ls
";
    let sink = list(text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64);
    assert_eq!(counts(&sink), (1, 0, 12, 6));
    assert_eq!(
        sink.unparsed.iter().map(|u| (u.line, u.reason)).collect::<Vec<_>>(),
        [
            (7, REASON_OTHER_TABLE),
            (11, REASON_OTHER_TABLE),
            (12, REASON_OTHER_TABLE),
            (15, REASON_OTHER_TABLE),
            (17, REASON_OTHER_TABLE),
            (19, REASON_NOT_TABLE)
        ]
    );
}

#[test]
fn list_for_path_crlf_no_final_newline() {
    let text = "┌────┬──────┬────────┐\r\n│ id │ name │ status │\r\n├────┼──────┼────────┤\r\n│ 0  │ api  │ online │";
    let sink = parse_text(&mut Pm2ListParser::for_path("/tmp/pm2-list-20260217-143500.txt"), text);
    assert_eq!(counts(&sink), (1, 0, 3, 0));
    let r = &sink.records[0];
    assert_eq!(r.time, RawTime::Local { local: dt(2026, 2, 17, 14, 35, 0), file_offset: None });
    assert_eq!(r.process.as_deref(), Some("api"));
    assert_eq!(r.line, 4);
    assert_eq!(list("").counts.total(), 0);
}

#[test]
fn table_sniff() {
    assert!(pm2_table::sniff_line("| App name                          | id |mode | status  | cpu   |"));
    assert!(pm2_table::sniff_line(NEW_TABLE.lines().nth(1).unwrap()));
    assert!(pm2_table::sniff_line(OLD_TABLE.lines().nth(1).unwrap()));
    assert!(pm2_table::sniff_line(OLD_TABLE.lines().nth(8).unwrap()));
    for line in [
        NEW_TABLE.lines().next().unwrap(),
        NEW_TABLE.lines().nth(3).unwrap(),
        "| Severity          | Criteria                                      | Response Time       | Example |",
        "│ status            │ online                                            │",
        "│ name │ status │",
        "Name         │ mode    │ status  │ ↺ │ cpu │ memory    │",
        "2026-11-28T07:02:10: PM2 log: App [api:0] online",
        &jlist(),
    ] {
        assert!(!pm2_table::sniff_line(line), "{line}");
    }
    assert!(pm2_table::NAME_HINTS.contains(&"pm2-list*.txt"));
}

// ---------------------------------------------------------------------------------------
// Properties

/// Feeds `lines` to a parser in two sinks cut at `cut`.
fn two_pass<P: LineParser>(mut parser: P, lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    postmortem_parsers::parse_in_two(&mut parser, lines, cut)
}

fn snapshot_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(jlist()),
        Just(API.to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("  {".to_string()),
        Just("  },".to_string()),
        Just("  }".to_string()),
        Just(r#"    "pm2_env": {"status": "online", "pm_exec_path": "/a.js"},"#.to_string()),
        Just(r#"    "name": "api","#.to_string()),
        Just(r#"    "pm_exec_path": "/a.js""#.to_string()),
        Just("[PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home".to_string()),
        Just("[]".to_string()),
        any::<String>(),
    ]
}

fn table_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Module".to_string()),
        Just("┌────┬──────┬────────┐".to_string()),
        Just("└────┴──────┴────────┘".to_string()),
        Just("+----+------+--------+".to_string()),
        Just("│ id │ name │ status │".to_string()),
        Just("| App name | id |mode | status  |".to_string()),
        Just("│ 0  │ api… │ online │".to_string()),
        Just("| a | 0 |fork | online |".to_string()),
        Just(
            "\x1b[90m│\x1b[39m 1 \x1b[90m│\x1b[39m é \x1b[90m│\x1b[39m stopped \x1b[90m│\x1b[39m".to_string()
        ),
        "[│| a-z0-9…]{0,20}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn snapshot_never_panics(text in any::<String>()) {
        let sink = snap(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn list_never_panics(text in any::<String>()) {
        let sink = list(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        let mut reader = TableReader::new();
        for line in split_lines(&text) {
            let _ = reader.line(line);
        }
        let _ = pm2_table::sniff_line(&text);
        let _ = pm2_snapshot::sniff_line(&text);
        let _ = snapshot_time_from_name(&text);
    }

    #[test]
    fn snapshot_cut_anywhere(raw in prop::collection::vec(snapshot_like(), 0..20)) {
        let lines: Vec<String> = raw.iter().flat_map(|r| r.split('\n').map(str::to_string)).collect();
        let (whole, n) = two_pass(Pm2SnapshotParser::default(), &lines, lines.len());
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(Pm2SnapshotParser::default(), &lines, cut);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }

    #[test]
    fn list_cut_anywhere(raw in prop::collection::vec(table_like(), 0..30)) {
        let lines: Vec<String> = raw.iter().flat_map(|r| r.split('\n').map(str::to_string)).collect();
        let (whole, n) = two_pass(Pm2ListParser::default(), &lines, lines.len());
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(Pm2ListParser::default(), &lines, cut);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }
}

#[test]
fn corpus_lines_do_not_sniff() {
    // Every text file of ../shared/corpus (syslog, auth, journald JSON, bunyan/pino JSON, CI
    // logs, CSV): no line is taken for a PM2 snapshot or a pm2 list header.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");
    let mut dirs = vec![std::path::PathBuf::from(root)];
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else { continue };
            if path.extension().is_some_and(|e| e == "gz") {
                continue;
            }
            files += 1;
            let text = String::from_utf8_lossy(&bytes);
            for line in split_lines(&text) {
                assert!(!pm2_snapshot::sniff_line(line), "{}: {line}", path.display());
                assert!(!pm2_table::sniff_line(line), "{}: {line}", path.display());
            }
        }
    }
    assert!(files > 0 || !std::path::Path::new(root).exists());
}
