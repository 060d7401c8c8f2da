//! PM2 per-app logs: the recorded PM2 7.0.4 run (`pm2-observed-run.md` §A.2–A.3, and the
//! `pm2 logs --nostream` fixture of the pm2.log tests), the formats of `pm2.md` §3, constructed
//! Node failure output (marked as such), and property tests: no input panics, every line is
//! accounted once, results do not depend on where the input is cut.

use chrono::{NaiveDate, NaiveDateTime};
use postmortem_parsers::pm2_app_log::{
    app_log_file, sniff_line, Pm2AppLogParser, Stream, KINDS, MAX_CONTINUATION, REASON_BAD_TIME,
};
use postmortem_parsers::{parse_text, split_lines, RawTime, Record, Sink};
use proptest::prelude::*;

const NOSTREAM: &str = include_str!("fixtures/pm2/observed-7.0.4-pm2-logs-nostream.txt");

fn parse<'t>(path: &str, text: &'t str) -> Sink<'t> {
    let sink = parse_text(&mut Pm2AppLogParser::for_path(path), text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64, "every line accounted once");
    sink
}

fn one<'t>(path: &str, line: &'t str) -> Record<'t> {
    let sink = parse(path, line);
    assert_eq!(sink.records.len(), 1, "{line}: {:?}", sink.records);
    sink.records.into_iter().next().unwrap()
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn local(s: &str) -> RawTime {
    RawTime::Local { local: dt(s), file_offset: None }
}

fn exact(s: &str, offset_secs: i32) -> RawTime {
    RawTime::Exact { local: dt(s), offset_secs }
}

fn kinds<'r>(records: &'r [Record]) -> Vec<&'r str> {
    records.iter().map(|r| r.kind).collect()
}

fn is_kind(kind: &str) -> bool {
    KINDS.iter().any(|(k, _)| *k == kind)
}

// ---------------------------------------------------------------------------------------------
// File names (pm2.md §3.1)

/// (process, stream, instance) a file name gives.
type Named<'a> = Option<(&'a str, Stream, Option<u32>)>;

#[test]
fn file_names_give_process_stream_instance() {
    let cases: &[(&str, Named)] = &[
        ("/root/.pm2/logs/api-out.log", Some(("api", Stream::Out, None))),
        ("/root/.pm2/logs/api-error.log", Some(("api", Stream::Error, None))),
        // §3.1 observed: merge_logs off → `-<pm_id>`.
        ("/tmp/pm2home/logs/mem-out-2.log", Some(("mem", Stream::Out, Some(2)))),
        ("/tmp/pm2home/logs/api-error-3.log", Some(("api", Stream::Error, Some(3)))),
        // Names with dashes (the runbook's apps).
        ("logs/flyer-crawler-api-out.log", Some(("flyer-crawler-api", Stream::Out, None))),
        ("logs/flyer-crawler-api-error-1.log", Some(("flyer-crawler-api", Stream::Error, Some(1)))),
        // pm2-logrotate archives (pm2.md §1.1), compressed or not.
        ("api-out__2026-02-17_00-00-00.log", Some(("api", Stream::Out, None))),
        ("api-error__2024-01-15_00-00-00.log.gz", Some(("api", Stream::Error, None))),
        ("mem-out-4__2026-02-17_00-00-00.log", Some(("mem", Stream::Out, Some(4)))),
        // §3.1 observed: `my_app.v2` → `my-app.v2-out.log`.
        ("my-app.v2-out.log", Some(("my-app.v2", Stream::Out, None))),
        ("pm2.log", None),
        ("api.log", None),
        ("syslog", None),
    ];
    for (path, want) in cases {
        let got = app_log_file(path);
        let got = got.as_ref().map(|f| (f.process.as_str(), f.stream, f.instance));
        assert_eq!(got, *want, "{path}");
        let p = Pm2AppLogParser::for_path(path);
        assert_eq!(p.file().map(|f| f.process.as_str()), want.map(|w| w.0));
    }
    assert!(Pm2AppLogParser::default().file().is_none());
}

// ---------------------------------------------------------------------------------------------
// Stored lines (pm2-observed-run.md §A.3)

#[test]
fn observed_time_true_fork_out() {
    // §A.3 `api-out.log` (time: true, fork mode).
    let text = "2026-11-28T07:02:10: api boot\n2026-11-28T07:02:11: tick 0\n2026-11-28T07:02:11: tick 1\n";
    let sink = parse("/tmp/pm2home/logs/api-out.log", text);
    assert_eq!(sink.counts.events, 3);
    let r = &sink.records;
    assert_eq!(kinds(r), ["app-log"; 3]);
    assert_eq!(r[0].message, "api boot");
    assert_eq!(r[0].time, local("2026-11-28 07:02:10"));
    assert_eq!(r[2].time, local("2026-11-28 07:02:11"));
    assert_eq!(r[2].message, "tick 1");
    for rec in r {
        assert_eq!(rec.source, "app");
        assert_eq!(rec.process.as_deref(), Some("api"));
        assert_eq!(rec.pm_id, None);
        assert_eq!(rec.str_field("stream"), Some("out"));
        assert_eq!(rec.int_field("instance"), None);
    }
}

#[test]
fn observed_fork_error_every_line_prefixed() {
    // §A.3 `api-error.log`: one console.error('warn line\nsecond line'), fork mode.
    let text = "2026-11-28T07:02:12: warn line\n2026-11-28T07:02:12: second line\n";
    let sink = parse("/tmp/pm2home/logs/api-error.log", text);
    assert_eq!(kinds(&sink.records), ["app-error-log", "app-error-log"]);
    assert_eq!(sink.records[1].message, "second line");
    assert_eq!(sink.records[1].str_field("stream"), Some("error"));
}

#[test]
fn observed_raw_lines_are_undated_events() {
    // §A.3 `crash-error.log` (no time option).
    let sink = parse("crash-error.log", "crash: fatal config error\ncrash: fatal config error\n");
    assert_eq!(sink.counts.events, 2);
    for r in &sink.records {
        assert_eq!(r.time, RawTime::None);
        assert_eq!(r.kind, "app-error-log");
        assert_eq!(r.message, "crash: fatal config error");
        assert_eq!(r.process.as_deref(), Some("crash"));
    }
}

#[test]
fn observed_cluster_one_prefix_per_write() {
    // §A.3 `cl-out-0.log` / `cl-error-0.log`: log_date_format 'YYYY-MM-DD HH:mm:ss Z', cluster.
    let out = "2026-11-27 20:33:12 -05:00: line A\nline B\n";
    let sink = parse("/tmp/pm2home/logs/cl-out-0.log", out);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 1));
    let r = &sink.records[0];
    assert_eq!(r.time, exact("2026-11-27 20:33:12", -5 * 3600));
    assert_eq!(r.message, "line A");
    assert_eq!(r.continuation, ["line B"]);
    assert_eq!(r.process.as_deref(), Some("cl"));
    assert_eq!(r.pm_id.as_deref(), Some("0"));
    assert_eq!(r.int_field("instance"), Some(0));

    let err = "2026-11-27 20:33:12 -05:00: Error: boom
    at Object.<anonymous> (/tmp/pm2run/apps/ml.js:1:46)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
";
    let sink = parse("/tmp/pm2home/logs/cl-error-0.log", err);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 2));
    let r = &sink.records[0];
    assert_eq!(r.kind, "app-uncaught");
    assert_eq!(r.message, "Error: boom");
    assert_eq!(r.str_field("error_type"), Some("Error"));
    assert_eq!(r.str_field("error"), Some("boom"));
    assert_eq!(r.str_field("detected_by"), Some("stack-trace"));
    assert_eq!(r.continuation.len(), 2);
    assert_eq!(r.continuation[0], "    at Object.<anonymous> (/tmp/pm2run/apps/ml.js:1:46)");
    let keys: Vec<_> = r.fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["stream", "instance", "error_type", "error", "detected_by"]);
}

#[test]
fn observed_json_log_type() {
    // §A.3 `js-out.log` (log_type: 'json').
    let line = r#"{"message":"line A\nline B\n","timestamp":"2026-11-28T01:33:12.291Z","type":"out","process_id":2,"app_name":"js"}"#;
    let r = one("/tmp/pm2home/logs/js-out.log", line);
    assert_eq!(r.kind, "app-log");
    assert_eq!(r.message, "line A");
    assert_eq!(r.continuation, ["line B"]);
    assert_eq!(r.time, exact("2026-11-28 01:33:12.291", 0));
    assert_eq!(r.process.as_deref(), Some("js"));
    assert_eq!(r.pm_id.as_deref(), Some("2"));
    assert_eq!(r.str_field("stream"), Some("out"));
    // Constructed: an err object with a dayjs timestamp and an uncaught stack.
    let line = r#"{"message":"TypeError: x is not a function\n    at f (/srv/a.js:1:1)\n","timestamp":"2026-02-17 14:35:00 +01:00","type":"err","process_id":"1","app_name":"api"}"#;
    let r = one("", line);
    assert_eq!(r.kind, "app-uncaught");
    assert_eq!(r.time, exact("2026-02-17 14:35:00", 3600));
    assert_eq!(r.str_field("stream"), Some("error"));
    assert_eq!(r.str_field("error_type"), Some("TypeError"));
    assert_eq!(r.continuation, ["    at f (/srv/a.js:1:1)"]);
    // Constructed: a JSON line an app wrote itself (pino) is an ordinary undated line.
    let pino = r#"{"level":30,"time":1531171074631,"msg":"hello world","pid":657,"hostname":"x"}"#;
    let r = one("api-out.log", pino);
    assert_eq!((r.kind, r.time, r.message.as_ref()), ("app-log", RawTime::None, pino));
}

// ---------------------------------------------------------------------------------------------
// Date prefixes (pm2.md §3.2; constructed lines in the documented formats)

#[test]
fn date_prefix_formats() {
    let cases: &[(&str, RawTime, &str)] = &[
        ("2026-02-17T14:35:00: a", local("2026-02-17 14:35:00"), "a"),
        ("2026-02-17 14:35:00: a", local("2026-02-17 14:35:00"), "a"),
        ("2026-02-17 14:35:00.123: a", local("2026-02-17 14:35:00.123"), "a"),
        ("2026-02-17T14:35:00+01:00: a", exact("2026-02-17 14:35:00", 3600), "a"),
        ("2026-02-17T14:35:00+0100: a", exact("2026-02-17 14:35:00", 3600), "a"),
        ("2026-02-17 14:35:00 +01:00: a", exact("2026-02-17 14:35:00", 3600), "a"),
        // log_date_format "YYYY-MM-DD HH:mm Z" (no seconds).
        ("2026-02-17 14:35 +01:00: a", exact("2026-02-17 14:35:00", 3600), "a"),
        ("2026-02-17 14:35 -05:30: a: b", exact("2026-02-17 14:35:00", -(5 * 3600 + 1800)), "a: b"),
        // A literal `[Z]` in a dayjs format: still local time.
        ("2026-02-17T14:35:00.000Z: a", local("2026-02-17 14:35:00"), "a"),
    ];
    for (line, time, msg) in cases {
        let r = one("api-out.log", line);
        assert_eq!((r.time, r.message.as_ref()), (*time, *msg), "{line}");
    }
    // Not PM2 prefixes: the app's own timestamps stay in the message, undated.
    for line in ["2026-02-17 14:35:00.123 INFO started", "2026-02-17T14:35:00Z started", "[2026-02-17] x"] {
        let r = one("api-out.log", line);
        assert_eq!((r.time, r.message.as_ref()), (RawTime::None, line));
    }
    // A prefix with nothing after it is structural.
    let sink = parse("api-out.log", "2026-02-17T14:35:00: \n2026-02-17T14:35:00:\n");
    assert_eq!(sink.counts.structural, 2);
    // Impossible dates are unparsed.
    let sink = parse("api-out.log", "2026-02-30T14:35:00: a\n2026-02-17 25:00:00 +01:00: b\n");
    assert_eq!(sink.counts.unparsed, 2);
    assert!(sink.unparsed.iter().all(|u| u.reason == REASON_BAD_TIME));
}

#[test]
fn prefixed_file_continuation_and_limit() {
    // Constructed: a cluster-mode write of many lines, then a record in fork mode.
    let mut text = String::from("2026-02-17T14:35:00: dump\n");
    for i in 0..MAX_CONTINUATION + 2 {
        text.push_str(&format!("row {i}\n"));
    }
    let sink = parse("api-out.log", &text);
    assert_eq!(sink.counts.continuation, u64::from(MAX_CONTINUATION));
    assert_eq!(sink.counts.events, 3);
    assert_eq!(sink.records[0].continuation.len(), MAX_CONTINUATION as usize);
    assert_eq!(sink.records[1].time, RawTime::None);
    assert_eq!(sink.records[1].message, format!("row {MAX_CONTINUATION}"));
}

#[test]
fn unprefixed_file_lines_are_events_indented_continue() {
    // Constructed: raw stdout of an app (no time option).
    let text = "Server listening on 3001\nconfig: {\n  port: 3001,\n}\nready\n";
    let sink = parse("api-out.log", text);
    assert_eq!(kinds(&sink.records), ["app-log", "app-log", "app-log"]);
    assert_eq!(sink.records[1].continuation, ["  port: 3001,", "}"]);
    assert_eq!(sink.records[2].message, "ready");
    // An indented first line has nothing to continue: it is an event.
    let sink = parse("api-out.log", "    at x (/a.js:1:1)\n");
    assert_eq!(sink.counts.events, 1);
}

// ---------------------------------------------------------------------------------------------
// Node failures (constructed from Node's message templates)

#[test]
fn errno_kinds_and_fields() {
    let r = one("api-error.log", "Error: listen EADDRINUSE: address already in use :::3001");
    assert_eq!(r.kind, "app-eaddrinuse");
    assert_eq!((r.str_field("address"), r.int_field("port")), (Some(":::3001"), Some(3001)));
    let keys: Vec<_> = r.fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["stream", "address", "port"]);
    let r = one("api-error.log", "Error: listen EADDRINUSE 0.0.0.0:3000");
    assert_eq!((r.str_field("address"), r.int_field("port")), (Some("0.0.0.0:3000"), Some(3000)));
    let r = one("", "Error: listen EADDRINUSE: address already in use /tmp/app.sock");
    assert_eq!((r.str_field("address"), r.int_field("port")), (Some("/tmp/app.sock"), None));
    assert_eq!(r.kind, "app-eaddrinuse");

    let r = one("api-error.log", "Error: ENOSPC: no space left on device, write");
    assert_eq!(r.kind, "app-enospc");
    let r = one("api-error.log", "Error: spawn ENOMEM");
    assert_eq!(r.kind, "app-enomem");

    let r = one("api-error.log", "Error: connect ECONNREFUSED 127.0.0.1:5432");
    assert_eq!(r.kind, "app-econnrefused");
    assert_eq!((r.str_field("address"), r.int_field("port")), (Some("127.0.0.1:5432"), Some(5432)));
    let r = one("", "[ioredis] Unhandled error event: Error: connect ECONNREFUSED ::1:6379");
    assert_eq!((r.kind, r.int_field("port")), ("app-econnrefused", Some(6379)));
    let r = one("", "AggregateError [ECONNREFUSED]: ");
    assert_eq!((r.kind, r.str_field("address")), ("app-econnrefused", None));
    // Whole words only.
    let r = one("api-out.log", "counter XENOSPC ENOMEMORY");
    assert_eq!(r.kind, "app-log");
}

#[test]
fn node_crash_report_eaddrinuse() {
    // Constructed: Node 20's report of an unhandled 'error' event, stderr, no time option.
    let text = "node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::3001
    at Server.setupListenHandle [as _listen2] (node:net:1872:16)
    at listenInCluster (node:net:1920:12)
Emitted 'error' event on Server instance at:
    at emitErrorNT (node:net:1899:8)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {
  code: 'EADDRINUSE',
  errno: -98,
  syscall: 'listen',
  address: '::',
  port: 3001
}

Node.js v20.11.0
";
    let sink = parse("/root/.pm2/logs/flyer-crawler-api-error.log", text);
    assert_eq!(kinds(&sink.records), ["app-error-log", "app-eaddrinuse"]);
    assert_eq!(sink.counts.structural, 2);
    assert_eq!(sink.records[0].continuation.len(), 2);
    let r = &sink.records[1];
    assert_eq!(r.line, 5);
    assert_eq!(r.process.as_deref(), Some("flyer-crawler-api"));
    assert_eq!(r.int_field("port"), Some(3001));
    assert_eq!(r.continuation.len(), 12);
    assert_eq!(r.continuation.last().map(|c| c.as_ref()), Some("Node.js v20.11.0"));
}

#[test]
fn uncaught_exceptions() {
    // Constructed: Node's uncaught-exception report (no "Uncaught" word in it).
    let text = "/srv/app/server.js:10
    throw new TypeError('bad config');
    ^

TypeError: bad config
    at Object.<anonymous> (/srv/app/server.js:10:11)
    at Module._compile (node:internal/modules/cjs/loader:1256:14)

Node.js v18.19.0
";
    let sink = parse("api-error.log", text);
    assert_eq!(kinds(&sink.records), ["app-error-log", "app-uncaught"]);
    let r = &sink.records[1];
    assert_eq!((r.str_field("error_type"), r.str_field("error")), (Some("TypeError"), Some("bad config")));
    assert_eq!(r.str_field("detected_by"), Some("stack-trace"));
    assert_eq!(r.continuation.len(), 3);

    // Labels.
    let r = one("", "Uncaught TypeError: Cannot read properties of undefined (reading 'x')");
    assert_eq!(r.kind, "app-uncaught");
    assert_eq!(r.str_field("error_type"), Some("TypeError"));
    assert_eq!(r.str_field("error"), Some("Cannot read properties of undefined (reading 'x')"));
    assert_eq!(r.str_field("detected_by"), Some("uncaught-label"));
    let r = one("", "Uncaught Exception: Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers");
    assert_eq!(r.str_field("error_code"), Some("ERR_HTTP_HEADERS_SENT"));
    assert_eq!(r.str_field("error_type"), Some("Error"));
    let r = one("", "process.on uncaughtException: something broke");
    assert_eq!((r.kind, r.str_field("error_type")), ("app-uncaught", None));
    let r = one("", "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"x\".] {");
    assert_eq!(r.str_field("detected_by"), Some("unhandled-rejection"));

    // Fork mode with time: every frame has a prefix, still one record.
    let text = "2026-02-17T14:35:00: RangeError: Maximum call stack size exceeded\n2026-02-17T14:35:00:     at f (/srv/a.js:2:3)\n2026-02-17T14:35:01: next\n";
    let sink = parse("api-error.log", text);
    assert_eq!(kinds(&sink.records), ["app-uncaught", "app-error-log"]);
    assert_eq!(sink.records[0].continuation, ["    at f (/srv/a.js:2:3)"]);
    assert_eq!(sink.records[0].time, local("2026-02-17 14:35:00"));

    // A stack header with no frame after it stays an ordinary line, in order.
    let sink = parse("api-out.log", "Error: not really\nnext\nTypeError: last line");
    assert_eq!(kinds(&sink.records), ["app-log", "app-log", "app-log"]);
    let lines: Vec<_> = sink.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2, 3]);
}

#[test]
fn heap_oom_block() {
    // Constructed: V8's fatal heap report as Node 18/20 print it.
    let text = "<--- Last few GCs --->

[2092:0x6a4a7e0]   123456 ms: Scavenge (reduce) 2046.9 (2080.4) -> 2046.3 (2081.4) MB, 5.2 / 0.0 ms  (average mu = 0.133, current mu = 0.010) allocation failure;
[2092:0x6a4a7e0]   123470 ms: Mark-Compact (reduce) 2047.1 (2081.4) -> 2046.6 (2081.9) MB, 1.1 / 0.0 ms

<--- JS stacktrace --->

FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory
----- Native stack trace -----

 1: 0xb8e1a0 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]
 2: 0xf06f70 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]
api restarted
";
    let sink = parse("api-error.log", text);
    assert_eq!(kinds(&sink.records), ["app-heap-oom", "app-error-log"]);
    assert_eq!(sink.records[0].continuation.len(), 7);
    assert_eq!(sink.records[1].message, "api restarted");
    // The FATAL line alone.
    let r = one("", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory");
    assert_eq!(r.kind, "app-heap-oom");
    // Two FATAL lines are two OOMs.
    let sink = parse("", "FATAL ERROR: Reached heap limit\n 1: 0xb8e1a0 node::Abort() [node]\nFATAL ERROR: Reached heap limit\n");
    assert_eq!(kinds(&sink.records), ["app-heap-oom", "app-heap-oom"]);
}

// ---------------------------------------------------------------------------------------------
// `pm2 logs` output (pm2-observed-run.md §A.2)

#[test]
fn observed_nostream_output() {
    let sink = parse("pm2-logs.txt", NOSTREAM);
    assert_eq!(sink.counts.unparsed, 0);
    let daemon: Vec<_> = sink.records.iter().filter(|r| r.source == "pm2").collect();
    let app: Vec<_> = sink.records.iter().filter(|r| r.source == "app").collect();
    assert_eq!(daemon.len(), 8);
    assert_eq!(daemon[1].kind, "app-start");
    assert_eq!(app.len(), 17);
    // `3|slowstop | got SIGINT, ignoring` under slowstop-out.log.
    let s = app[0];
    assert_eq!((s.process.as_deref(), s.pm_id.as_deref()), (Some("slowstop"), Some("3")));
    assert_eq!((s.kind, s.message.as_ref(), s.time), ("app-log", "got SIGINT, ignoring", RawTime::None));
    assert_eq!(s.str_field("stream"), Some("out"));
    let a = app[1];
    assert_eq!((a.process.as_deref(), a.pm_id.as_deref()), (Some("api"), Some("0")));
    assert_eq!((a.message.as_ref(), a.time), ("tick 3", local("2026-11-28 07:02:24")));
    assert!(app[1..9].iter().all(|r| r.kind == "app-log"));
    assert!(app[9..].iter().all(|r| r.kind == "app-error-log" && r.str_field("stream") == Some("error")));
    assert_eq!(app[16].message, "second line");
    assert_eq!(app[16].time, local("2026-11-28 07:02:28"));
    // Headers and blank lines are structural.
    assert_eq!(sink.counts.structural, 1 + 1 + 1 + 6 + 1 + 1 + 1 + 1);
}

#[test]
fn nostream_cut_names_colours_and_raw_sections() {
    // Constructed after pm2.md §3.3: a name cut to 8 characters is completed from the section
    // header; the colours (green out, red err) are stripped and say the stream.
    let text = "\x1b[90m[TAILING] Tailing last 15 lines for [all] processes (change the value with --lines option)\x1b[39m
\x1b[90m/home/u/.pm2/logs/flyer-crawler-api-error-12.log last 15 lines:\x1b[39m
\x1b[31m12|flyer-cr | \x1b[39mError: connect ECONNREFUSED 127.0.0.1:5432
\x1b[31m12|flyer-cr | \x1b[39m    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)

\x1b[32m0|api      | \x1b[39m2026-11-28T07:02:24: tick 3
\x1b[31m0|api      | \x1b[39mboom
PM2        | 2026-11-28T07:02:27: PM2 log: App [mem:4] online
";
    let sink = parse("", text);
    assert_eq!(sink.counts.unparsed, 0);
    let r = &sink.records;
    assert_eq!(kinds(r), ["app-econnrefused", "app-log", "app-error-log", "app-online"]);
    assert_eq!(r[0].process.as_deref(), Some("flyer-crawler-api"));
    assert_eq!(r[0].pm_id.as_deref(), Some("12"));
    assert_eq!(r[0].int_field("instance"), Some(12));
    assert_eq!(r[0].int_field("port"), Some(5432));
    assert_eq!(r[0].continuation, ["    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"]);
    // The api lines are outside the section's app: the tag decides, the colour gives the stream.
    assert_eq!((r[1].process.as_deref(), r[1].str_field("stream")), (Some("api"), Some("out")));
    assert_eq!(r[1].time, local("2026-11-28 07:02:24"));
    assert_eq!(r[2].str_field("stream"), Some("error"));
    assert_eq!(r[3].source, "pm2");

    // `--raw`: bare lines under headers take the section's file.
    let raw = "/root/.pm2/logs/api-out-1.log last 2 lines:\nready\n/root/.pm2/pm2.log last 1 lines:\n2026-11-28T07:02:27: PM2 log: App [api:1] online\n";
    let sink = parse("", raw);
    assert_eq!(kinds(&sink.records), ["app-log", "app-online"]);
    assert_eq!(sink.records[0].process.as_deref(), Some("api"));
    assert_eq!(sink.records[0].pm_id.as_deref(), Some("1"));
    // A section starting mid-stack does not continue the previous section's record.
    let raw = "/root/.pm2/logs/a-out.log last 1 lines:\nready\n/root/.pm2/logs/b-error.log last 1 lines:\n    at x (/b.js:1:1)\n";
    let sink = parse("", raw);
    assert_eq!(kinds(&sink.records), ["app-log", "app-error-log"]);
    assert_eq!(sink.records[1].process.as_deref(), Some("b"));
}

#[test]
fn observed_nostream_cut_anywhere() {
    let lines: Vec<String> = split_lines(NOSTREAM).map(str::to_string).collect();
    let (whole, _) = two_pass(&lines, lines.len());
    assert_eq!(whole.len(), 25);
    for cut in 0..=lines.len() {
        assert_eq!(two_pass(&lines, cut).0, whole, "cut at {cut}");
    }
}

#[test]
fn ansi_in_app_lines_is_stripped() {
    // Constructed: an app's own colours do not decide the stream.
    let r = one("api-out.log", "2026-02-17T14:35:00: \x1b[31merror\x1b[39m: db down");
    assert_eq!(r.message, "error: db down");
    assert_eq!((r.kind, r.str_field("stream")), ("app-log", Some("out")));
    assert_eq!(r.time, local("2026-02-17 14:35:00"));
}

// ---------------------------------------------------------------------------------------------
// Line endings, empty input, sniffing

#[test]
fn crlf_no_final_newline_empty() {
    let text = "2026-11-28T07:02:10: api boot\r\n2026-11-27 20:33:12 -05:00: line A\r\nline B";
    let sink = parse("api-out.log", text);
    assert_eq!(sink.counts.events, 2);
    assert_eq!(sink.records[0].message, "api boot");
    assert_eq!(sink.records[1].continuation, ["line B"]);
    let sink = parse("api-out.log", "");
    assert_eq!((sink.counts.total(), sink.records.len()), (0, 0));
    let sink = parse("api-out.log", "\n\n");
    assert_eq!(sink.counts.structural, 2);
}

#[test]
fn sniffing() {
    let yes = [
        "[TAILING] Tailing last 15 lines for [all] processes (change the value with --lines option)",
        "0|api      | 2026-11-28T07:02:24: tick 3",
        "3|slowstop | got SIGINT, ignoring",
        "2026-11-28T07:02:10: api boot",
        "2026-11-27 20:33:12 -05:00: line A",
        r#"{"message":"line A\nline B\n","timestamp":"2026-11-28T01:33:12.291Z","type":"out","process_id":2,"app_name":"js"}"#,
    ];
    for l in yes {
        assert!(sniff_line(l), "{l}");
    }
    let no = [
        "2026-11-28T07:02:10: PM2 log: App [api:0] online",
        "2017-03-21 14:16:26: Stopping app:iotmonitagent id:0",
        "[2018-05-07 16:21:11] PM2 error: Error: spawn node ENOENT",
        "PM2        | 2026-11-28T07:02:27: PM2 log: App [mem:4] online",
        "Feb 17 14:30:00 web-01 kernel: Out of memory",
        "2026-02-17T14:30:00+0000 web-01 systemd[1]: x",
        "2026-04-10T04:46:09.476922+00:00 Ubuntu sshd[1]: x",
        "crash: fatal config error",
        "",
    ];
    for l in no {
        assert!(!sniff_line(l), "{l}");
    }
}

#[test]
fn kinds_are_documented() {
    let text = "Error: listen EADDRINUSE :::1\nENOSPC\nENOMEM\nconnect ECONNREFUSED 1.2.3.4:5\nReached heap limit\nUncaught TypeError: x\nplain";
    for r in parse("a-error.log", text).records.iter().chain(parse("a-out.log", "x").records.iter()) {
        assert!(is_kind(r.kind), "{}", r.kind);
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn app_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("    at f (/a.js:1:1)".to_string()),
        Just("Error: boom".to_string()),
        Just("TypeError: x".to_string()),
        Just("Uncaught RangeError: y".to_string()),
        Just("<--- Last few GCs --->".to_string()),
        Just("FATAL ERROR: Reached heap limit".to_string()),
        Just(" 1: 0xb8e1a0 node::Abort() [node]".to_string()),
        Just("}".to_string()),
        Just("Node.js v20.11.0".to_string()),
        Just("[TAILING] Tailing last 15 lines for [all] processes".to_string()),
        Just("/root/.pm2/logs/api-error-2.log last 15 lines:".to_string()),
        Just("/root/.pm2/pm2.log last 15 lines:".to_string()),
        Just("PM2        | 2026-11-28T07:02:10: PM2 log: ===============================================================================".to_string()),
        Just("PM2        | 2026-11-28T07:02:10: PM2 log: --- New PM2 Daemon started ----------------------------------------------------".to_string()),
        Just("PM2        | 2026-11-28T07:02:10: PM2 log: App [api:0] online".to_string()),
        Just(r#"{"message":"a\n    at b\n","timestamp":"2026-11-28T01:33:12.291Z","type":"err","process_id":2,"app_name":"js"}"#.to_string()),
        Just("\x1b[31m0|api      | \x1b[39mError: connect ECONNREFUSED 127.0.0.1:5432".to_string()),
        "(2026-02-17T14:35:0[0-9]: |2026-02-17 14:35 \\+01:00: |[0-9]\\|[a-z]{1,9} +\\| )?[ -~]{0,20}",
        "( {0,4}at )?[a-zA-Z ]{0,12}(Error)?: ?[ -~]{0,10}",
        any::<String>(),
    ]
}

/// Feeds `lines` in two sinks cut at `cut`, attaching the second sink's carried continuation
/// to the first sink's last record.
fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    postmortem_parsers::parse_in_two(
        &mut Pm2AppLogParser::for_path("/root/.pm2/logs/api-error-1.log"),
        lines,
        cut,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>(), path in "[a-z/_.-]{0,20}") {
        let sink = parse_text(&mut Pm2AppLogParser::for_path(&path), &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(app_like(), 0..30)) {
        let lines: Vec<String> = raw.iter().flat_map(|r| r.split('\n').map(str::to_string)).collect();
        let (whole, n) = two_pass(&lines, lines.len());
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(&lines, cut);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }
}

#[test]
fn date_helper_sanity() {
    assert_eq!(
        dt("2026-11-28 07:02:10"),
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(7, 2, 10).unwrap()
    );
}
