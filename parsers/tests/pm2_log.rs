//! Integration tests of the pm2.log parser, with lines from the PM2 reference (`pm2.md`) and the
//! recorded PM2 7.0.4 run (`pm2-observed-run.md`, fixtures under `tests/fixtures/pm2/`).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use postmortem_parsers::pm2_log::{Pm2LogParser, KINDS};
use postmortem_parsers::{
    parse_text, split_lines, FieldValue, FileOffset, LineParser, RawTime, Record, Sink,
};
use proptest::prelude::*;

const OBSERVED: &str = include_str!("fixtures/pm2/observed-7.0.4-pm2.log");
const OBSERVED_LOGS: &str = include_str!("fixtures/pm2/observed-7.0.4-pm2-logs-nostream.txt");

const IST: i32 = 5 * 3600 + 30 * 60;

fn parse(text: &str) -> Sink<'_> {
    let sink = parse_text(&mut Pm2LogParser::default(), text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64, "every line accounted once");
    sink
}

/// Parses one line that must give exactly one record.
fn one(line: &str) -> Record<'_> {
    let sink = parse(line);
    assert_eq!(sink.records.len(), 1, "{line}: {:?}", sink.records);
    assert_eq!(sink.counts.events, 1);
    sink.records.into_iter().next().unwrap()
}

/// Prefixes each message with the 7.x prefix `2026-11-28T07:02:NN: PM2 log: `.
fn log(msgs: &[&str]) -> String {
    msgs.iter().map(|m| format!("2026-11-28T07:02:10: PM2 log: {m}\n")).collect()
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn int(r: &Record, key: &str) -> i64 {
    match r.field(key) {
        Some(FieldValue::Int(n)) => *n,
        other => panic!("{key} of {r:?} is {other:?}"),
    }
}

fn text<'r>(r: &'r Record, key: &str) -> &'r str {
    r.field(key).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("{key} missing in {r:?}"))
}

fn app<'r>(r: &'r Record) -> (&'r str, &'r str) {
    (r.process.as_deref().expect("process"), r.pm_id.as_deref().expect("pm_id"))
}

/// `(process, pm_id, cause, by)` of every app-exit, in order.
fn exits<'r>(records: &'r [Record]) -> Vec<(&'r str, &'r str, &'r str, Option<&'r str>)> {
    records
        .iter()
        .filter(|r| r.kind == "app-exit")
        .map(|r| {
            let (p, i) = app(r);
            (p, i, text(r, "cause"), r.field("by").and_then(|v| v.as_str()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Prefixes

#[test]
fn prefix_current_form() {
    let r = one("2026-11-28T07:02:11: PM2 error: Error [ERR_STREAM_DESTROYED]: Cannot call write after a stream was destroyed");
    assert_eq!(r.time, RawTime::Local { local: dt("2026-11-28 07:02:11"), file_offset: None });
    assert_eq!(r.source, "pm2");
    assert_eq!(r.kind, "log-stream-error");
    assert_eq!(text(&r, "level"), "error");
    assert_eq!(r.message, "Error [ERR_STREAM_DESTROYED]: Cannot call write after a stream was destroyed");
    assert_eq!(r.line, 1);
}

#[test]
fn prefix_2_10_bracketed() {
    let r = one("[2018-05-07 16:21:11] PM2 error: Error: spawn node ENOENT");
    assert_eq!(r.time, RawTime::Local { local: dt("2018-05-07 16:21:11"), file_offset: None });
    assert_eq!(r.kind, "spawn-error");
    assert_eq!(text(&r, "level"), "error");
    assert_eq!(text(&r, "command"), "node");
    assert_eq!(text(&r, "error"), "ENOENT");
}

#[test]
fn prefix_3_0_fake_z_is_local() {
    let r = one("[2018-08-15T23:22:51.130Z] PM2 log: Deleting process 0");
    assert_eq!(r.time, RawTime::Local { local: dt("2018-08-15 23:22:51.130"), file_offset: None });
    assert_eq!(r.kind, "app-delete");
    assert_eq!(r.pm_id.as_deref(), Some("0"));
    assert_eq!(text(&r, "level"), "log");
}

#[test]
fn prefix_2_9_without_level() {
    let r = one("2017-03-21 14:16:26: Stopping app:iotmonitagent id:0");
    assert_eq!(r.time, RawTime::Local { local: dt("2017-03-21 14:16:26"), file_offset: None });
    assert_eq!(r.kind, "app-stop-requested");
    assert_eq!(app(&r), ("iotmonitagent", "0"));
    assert!(r.field("level").is_none(), "no level tag before 2.10");
}

#[test]
fn prefix_very_old_pm2_tag() {
    let r = one("PM2: 2016-05-10 20:38:47: App name:app id:1 online");
    assert_eq!(r.time, RawTime::Local { local: dt("2016-05-10 20:38:47"), file_offset: None });
    assert_eq!(r.kind, "app-online");
    assert_eq!(app(&r), ("app", "1"));
}

#[test]
fn prefix_0_x_numeric_offset_is_exact() {
    let r = one("2014-11-29T11:36:35+08:00: [[[[ PM2/God daemon launched ]]]]");
    assert_eq!(r.time, RawTime::Exact { local: dt("2014-11-29 11:36:35"), offset_secs: 8 * 3600 });
    assert_eq!(r.kind, "daemon-start");
}

#[test]
fn prefix_custom_format_with_offset_is_exact() {
    let r = one("2026-11-27 20:33:12 -05:00: PM2 log: App [api:0] online");
    assert_eq!(r.time, RawTime::Exact { local: dt("2026-11-27 20:33:12"), offset_secs: -5 * 3600 });
    assert_eq!((r.kind, text(&r, "level")), ("app-online", "log"));
}

#[test]
fn invalid_date_is_not_a_prefix() {
    let sink = parse("2026-02-30T07:02:10: PM2 log: App [api:0] online");
    assert_eq!(sink.counts.unparsed, 1);
    assert_eq!(sink.unparsed[0].reason, "no pm2.log prefix");
}

// ---------------------------------------------------------------------------------------------
// Banner and zone offset

const BANNER_1: &str = "\
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:10: PM2 log: --- New PM2 Daemon started ----------------------------------------------------
2026-11-28T07:02:10: PM2 log: Time                 : Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)
2026-11-28T07:02:10: PM2 log: PM2 version          : 7.0.4
2026-11-28T07:02:10: PM2 log: Node.js version      : 20.20.2
2026-11-28T07:02:10: PM2 log: Current arch         : x64
2026-11-28T07:02:10: PM2 log: PM2 home             : /tmp/pm2home
2026-11-28T07:02:10: PM2 log: PM2 PID file         : /tmp/pm2home/pm2.pid
2026-11-28T07:02:10: PM2 log: RPC socket file      : /tmp/pm2home/rpc.sock
2026-11-28T07:02:10: PM2 log: BUS socket file      : /tmp/pm2home/pub.sock
2026-11-28T07:02:10: PM2 log: Application log path : /tmp/pm2home/logs
2026-11-28T07:02:10: PM2 log: Worker Interval      : 2000
2026-11-28T07:02:10: PM2 log: Process dump file    : /tmp/pm2home/dump.pm2
2026-11-28T07:02:10: PM2 log: Concurrent actions   : 2
2026-11-28T07:02:10: PM2 log: SIGTERM timeout      : 1600
2026-11-28T07:02:10: PM2 log: Runtime Binary       : /usr/bin/node
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:10: PM2 log: App [api:0] starting in -fork mode-
";

#[test]
fn daemon_start_banner_folds_fields_and_sets_offset() {
    let sink = parse(BANNER_1);
    assert_eq!(sink.counts.events, 2);
    assert_eq!(sink.counts.structural, 16);
    assert_eq!(sink.records.len(), 2);
    let d = &sink.records[0];
    let offset = Some(FileOffset { offset_secs: IST, line: 3 });
    assert_eq!(d.kind, "daemon-start");
    assert_eq!(d.line, 2);
    assert_eq!(d.time, RawTime::Local { local: dt("2026-11-28 07:02:10"), file_offset: offset });
    assert_eq!(text(d, "level"), "log");
    assert_eq!(text(d, "banner_time"), "Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)");
    assert_eq!(text(d, "pm2_version"), "7.0.4");
    assert_eq!(text(d, "node_version"), "20.20.2");
    assert_eq!(text(d, "arch"), "x64");
    assert_eq!(text(d, "pm2_home"), "/tmp/pm2home");
    assert_eq!(text(d, "pid_file"), "/tmp/pm2home/pm2.pid");
    assert_eq!(text(d, "rpc_socket"), "/tmp/pm2home/rpc.sock");
    assert_eq!(text(d, "bus_socket"), "/tmp/pm2home/pub.sock");
    assert_eq!(text(d, "log_path"), "/tmp/pm2home/logs");
    assert_eq!(int(d, "worker_interval"), 2000);
    assert_eq!(text(d, "dump_file"), "/tmp/pm2home/dump.pm2");
    assert_eq!(int(d, "concurrent_actions"), 2);
    assert_eq!(int(d, "sigterm_timeout"), 1600);
    assert_eq!(text(d, "runtime_binary"), "/usr/bin/node");
    let start = &sink.records[1];
    assert_eq!(start.kind, "app-start");
    assert_eq!(start.time, RawTime::Local { local: dt("2026-11-28 07:02:10"), file_offset: offset });
}

#[test]
fn banner_closed_by_next_line_or_finish() {
    // No closing separator: the next ordinary line closes the banner, and is a record itself.
    let text_ = "\
2019-11-08T09:56:34: PM2 log: --- New PM2 Daemon started ----------------------------------------------------
2019-11-08T09:56:34: PM2 log: Time                 : Fri Nov 08 2019 09:56:34 GMT-0500 (Eastern Standard Time)
2019-11-08T09:56:34: PM2 log: PM2 version          : 4.1.2
2019-11-08T09:56:35: PM2 log: App [api:0] online
";
    let sink = parse(text_);
    assert_eq!(sink.records.iter().map(|r| r.kind).collect::<Vec<_>>(), ["daemon-start", "app-online"]);
    assert_eq!(text(&sink.records[0], "pm2_version"), "4.1.2");
    let offset = Some(FileOffset { offset_secs: -5 * 3600, line: 2 });
    assert_eq!(
        sink.records[1].time,
        RawTime::Local { local: dt("2019-11-08 09:56:35"), file_offset: offset }
    );

    // Input ends inside the banner: `finish` pushes it.
    let sink = parse("2019-11-08T09:56:34: PM2 log: --- New PM2 Daemon started ---\n2019-11-08T09:56:34: PM2 log: PM2 version          : 4.1.2\n");
    assert_eq!(sink.records.len(), 1);
    assert_eq!(sink.counts.events, 1);
    assert_eq!(sink.counts.structural, 1);
    assert_eq!(text(&sink.records[0], "pm2_version"), "4.1.2");
    assert_eq!(sink.records[0].time, RawTime::Local { local: dt("2019-11-08 09:56:34"), file_offset: None });
}

#[test]
fn field_grammar_only_inside_a_banner() {
    // After the banner closed, a `Key : value`-looking message is an ordinary record.
    let mut t = BANNER_1.to_string();
    t.push_str("2026-11-28T07:02:11: PM2 log: PM2 version          : 9.9.9\n");
    let sink = parse(&t);
    let last = sink.records.last().unwrap();
    assert_eq!(last.kind, "daemon-message");
    assert_eq!(last.message, "PM2 version          : 9.9.9");
    assert_eq!(text(&sink.records[0], "pm2_version"), "7.0.4");
}

#[test]
fn each_banner_sets_its_own_offset() {
    let t = "\
2026-11-28T07:02:09: PM2 log: App [api:0] online
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:10: PM2 log: --- New PM2 Daemon started ----------------------------------------------------
2026-11-28T07:02:10: PM2 log: Time                 : Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:11: PM2 log: App [api:0] online
2026-11-27T20:33:00: PM2 log: ===============================================================================
2026-11-27T20:33:00: PM2 log: --- New PM2 Daemon started ----------------------------------------------------
2026-11-27T20:33:00: PM2 log: Time                 : Fri Nov 27 2026 20:33:00 GMT-0500 (Eastern Standard Time)
2026-11-27T20:33:00: PM2 log: ===============================================================================
2026-11-27T20:33:01: PM2 log: App [api:0] online
";
    let sink = parse(t);
    let offsets: Vec<_> = sink
        .records
        .iter()
        .map(|r| match r.time {
            RawTime::Local { file_offset, .. } => file_offset,
            other => panic!("{other:?}"),
        })
        .collect();
    let ist = Some(FileOffset { offset_secs: IST, line: 4 });
    let est = Some(FileOffset { offset_secs: -5 * 3600, line: 9 });
    assert_eq!(offsets, [None, ist, ist, est, est]);
}

#[test]
fn daemon_error_banner() {
    let t = "\
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:10: PM2 log: --- PM2 global error caught ---------------------------------------------------
2026-11-28T07:02:10: PM2 log: Time                 : Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)
2026-11-28T07:02:10: PM2 error: listen EADDRINUSE: address already in use /tmp/pm2home/rpc.sock
2026-11-28T07:02:10: PM2 error: Error: listen EADDRINUSE: address already in use /tmp/pm2home/rpc.sock
    at Server.setupListenHandle [as _listen2] (node:net:1817:16)
    at listenInCluster (node:net:1865:12)
2026-11-28T07:02:10: PM2 log: ===============================================================================
2026-11-28T07:02:10: PM2 error: [PM2] Resurrecting PM2
2026-11-28T07:02:12: PM2 log: PM2 successfully forked
";
    let sink = parse(t);
    assert_eq!(sink.counts.events, 3);
    assert_eq!(sink.counts.structural, 3);
    assert_eq!(sink.counts.continuation, 4);
    let e = &sink.records[0];
    assert_eq!(e.kind, "daemon-error");
    assert_eq!(e.line, 2);
    assert_eq!(text(e, "error"), "listen EADDRINUSE: address already in use /tmp/pm2home/rpc.sock");
    assert_eq!(text(e, "banner_time"), "Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)");
    assert_eq!(
        e.continuation,
        [
            "Error: listen EADDRINUSE: address already in use /tmp/pm2home/rpc.sock",
            "    at Server.setupListenHandle [as _listen2] (node:net:1817:16)",
            "    at listenInCluster (node:net:1865:12)",
        ]
    );
    assert_eq!(sink.records[1].kind, "daemon-respawn");
    assert_eq!(text(&sink.records[1], "level"), "error");
    assert_eq!(sink.records[2].kind, "daemon-message");
    let ist = Some(FileOffset { offset_secs: IST, line: 3 });
    assert_eq!(sink.records[2].time, RawTime::Local { local: dt("2026-11-28 07:02:12"), file_offset: ist });
}

// ---------------------------------------------------------------------------------------------
// Message templates

#[test]
fn app_start_and_online() {
    let r = one("2026-11-28T07:02:10: PM2 log: App [mem:2] starting in -cluster mode-");
    assert_eq!((r.kind, app(&r)), ("app-start", ("mem", "2")));
    assert_eq!(text(&r, "mode"), "cluster");
    let r = one("2026-11-28T07:02:10: PM2 log: App [api:0] starting in -fork mode-");
    assert_eq!(text(&r, "mode"), "fork");
    let r = one(
        "2015-10-23 08:11:40: Starting execution sequence in -fork mode- for app name:pm2-logrotate id:0",
    );
    assert_eq!((r.kind, app(&r)), ("app-start", ("pm2-logrotate", "0")));
    assert_eq!(text(&r, "mode"), "fork");

    let r = one("2026-11-28T07:02:10: PM2 log: App [crash:1] online");
    assert_eq!((r.kind, app(&r)), ("app-online", ("crash", "1")));
    let r = one("[2018-07-11T15:07:19.309Z] PM2 log: App name:GbGameServer id:0 online");
    assert_eq!((r.kind, app(&r)), ("app-online", ("GbGameServer", "0")));
}

#[test]
fn names_are_greedy_up_to_the_last_colon() {
    let r = one("2026-11-28T07:02:10: PM2 log: App [my api: v2]:3] online");
    assert_eq!(app(&r), ("my api: v2]", "3"));
    let r = one("2026-11-28T07:02:10: PM2 log: App [a:b:_old_12] exited with code [0] via signal [SIGINT]");
    assert_eq!(app(&r), ("a:b", "_old_12"));
    let r = one("2026-11-28T07:02:10: PM2 log: Stopping app:worker id:7 id:_old_4");
    assert_eq!(app(&r), ("worker id:7", "_old_4"));
    let r = one("2026-11-28T07:02:10: PM2 log: App name:odd name id:1 id:2 disconnected");
    assert_eq!((r.kind, app(&r)), ("app-disconnected", ("odd name id:1", "2")));
    // No valid id: not the template.
    assert_eq!(one("2026-11-28T07:02:10: PM2 log: App [api] online").kind, "daemon-message");
}

#[test]
fn app_exit_forms() {
    let r = one("2026-11-28T07:02:11: PM2 log: App [crash:1] exited with code [1] via signal [SIGINT]");
    assert_eq!((r.kind, app(&r)), ("app-exit", ("crash", "1")));
    assert_eq!(int(&r, "exit_code"), 1);
    assert_eq!(text(&r, "signal"), "SIGINT");
    assert_eq!(text(&r, "cause"), "crash");
    assert_eq!(r.pid, None);

    let r = one("[2018-07-11T17:15:00.608Z] PM2 log: App [GbGameServer] with id [0] and pid [19884], exited with code [0] via signal [SIGINT]");
    assert_eq!((r.kind, app(&r), r.pid), ("app-exit", ("GbGameServer", "0"), Some(19884)));
    assert_eq!(int(&r, "exit_code"), 0);
    assert_eq!(text(&r, "cause"), "clean-exit");

    let r = one("2015-06-01 10:00:00: App name:api id:0 exited with code 255");
    assert_eq!((r.kind, app(&r)), ("app-exit", ("api", "0")));
    assert_eq!(int(&r, "exit_code"), 255);
    assert!(r.field("signal").is_none());
    assert_eq!(text(&r, "cause"), "crash");

    let r = one("2026-11-28T07:02:11: PM2 log: App [api:0] exited with code [null] via signal [SIGTERM]");
    assert_eq!(text(&r, "exit_code"), "null");
    assert_eq!(text(&r, "cause"), "external-signal");
    let r = one("2026-11-28T07:02:11: PM2 log: App [api:0] exited with code [undefined] via signal [SIGINT]");
    assert_eq!(text(&r, "exit_code"), "undefined");
    assert_eq!(text(&r, "cause"), "unknown");
    let r = one("2026-11-28T07:02:11: PM2 log: App [api:0] exited with code [-1] via signal [SIGINT]");
    assert_eq!((int(&r, "exit_code"), text(&r, "cause")), (-1, "crash"));
    let r = one("2026-11-28T07:02:11: PM2 log: App [api:0] exited with code [0] via signal [SIGABRT]");
    assert_eq!(text(&r, "cause"), "external-signal");
}

#[test]
fn stop_kill_family() {
    let r = one("2026-11-28T07:02:24: PM2 log: Stopping app:slowstop id:3");
    assert_eq!((r.kind, app(&r)), ("app-stop-requested", ("slowstop", "3")));
    assert!(r.field("by").is_none());

    let r = one("2026-11-28T07:02:13: PM2 log: pid=11869 msg=process tree killed (1 pids)");
    assert_eq!((r.kind, r.pid, int(&r, "pids")), ("app-killed", Some(11869), 1));
    let r = one("2020-01-01T00:00:00: PM2 log: pid=4242 msg=process killed");
    assert_eq!((r.kind, r.pid), ("app-killed", Some(4242)));
    assert!(r.field("pids").is_none());
    let r = one("2016-01-01 00:00:00: Process with pid 77 killed");
    assert_eq!((r.kind, r.pid), ("app-killed", Some(77)));

    let r = one("2026-11-28T07:02:24: PM2 log: pid=11870 msg=failed to kill - retrying in 100ms");
    assert_eq!((r.kind, r.pid, int(&r, "retry_ms")), ("app-kill-retry", Some(11870), 100));
    let r = one("2016-01-01 00:00:00: Process with pid 77 still not killed, retrying...");
    assert_eq!((r.kind, r.pid), ("app-kill-retry", Some(77)));

    let r = one("2026-11-28T07:02:25: PM2 log: Process with pid 11870 still alive after 800ms, sending SIGKILL to 1 remaining pids...");
    assert_eq!(
        (r.kind, r.pid, int(&r, "after_ms"), int(&r, "pids")),
        ("app-kill-escalated", Some(11870), 800, 1)
    );
    let r = one("2022-01-01T00:00:00: PM2 log: Process with pid 900 still alive after 1600ms, sending it SIGKILL now...");
    assert_eq!((r.kind, r.pid, int(&r, "after_ms")), ("app-kill-escalated", Some(900), 1600));
    assert!(r.field("pids").is_none());

    let r = one("2022-01-01T00:00:00: PM2 log: Process with pid 900 could not be killed");
    assert_eq!((r.kind, r.pid), ("app-kill-failed", Some(900)));
    let r = one("2022-01-01T00:00:00: PM2 error: app=api id=0 pid=900 could not be stopped");
    assert_eq!((r.kind, app(&r), r.pid), ("app-kill-failed", ("api", "0"), Some(900)));
    assert_eq!(text(&r, "level"), "error");

    let r = one("2026-11-28T07:02:26: PM2 error: app=crash id=1 does not have a pid");
    assert_eq!((r.kind, app(&r)), ("app-no-pid", ("crash", "1")));
    let r = one("2026-11-28T07:02:26: PM2 error: app=mem id=NaN does not have a pid");
    assert_eq!((r.kind, app(&r)), ("app-no-pid", ("mem", "NaN")));

    // Near misses stay daemon messages.
    assert_eq!(
        one("2022-01-01T00:00:00: PM2 error: Process with pid 12 already exists").kind,
        "daemon-message"
    );
    assert_eq!(one("2022-01-01T00:00:00: PM2 log: pid=abc msg=process killed").kind, "daemon-message");
}

#[test]
fn crash_loop_errored_and_memory_restart() {
    let t = log(&[
        "App [crash:1] exited with code [1] via signal [SIGINT]",
        "Script /tmp/pm2run/apps/crash.js had too many unstable restarts (5). Stopped. \"errored\"",
        "Script /srv/my app/server.js had too many unstable restarts (16). Stopped. \"errored\"",
    ]);
    let sink = parse(&t);
    let e = &sink.records[1];
    assert_eq!(e.kind, "app-errored");
    assert_eq!(text(e, "script"), "/tmp/pm2run/apps/crash.js");
    assert_eq!(int(e, "restarts"), 5);
    assert_eq!(app(e), ("crash", "1"), "attributed to the exit line right before");
    let e = &sink.records[2];
    assert_eq!((e.kind, text(e, "script"), int(e, "restarts")), ("app-errored", "/srv/my app/server.js", 16));
    assert_eq!((e.process.as_deref(), e.pm_id.as_deref()), (None, None), "no exit right before");

    let r = one("2026-11-28T07:02:12: PM2 log: [PM2][WORKER] Process 2 restarted because it exceeds --max-memory-restart value (current_memory=92651520 max_memory_limit=62914560 [octets])");
    assert_eq!((r.kind, r.pm_id.as_deref()), ("memory-restart", Some("2")));
    assert_eq!(r.process, None);
    assert_eq!(int(&r, "current_memory"), 92651520);
    assert_eq!(int(&r, "max_memory_limit"), 62914560);
    let r = one("2015-01-01 00:00:00: [PM2][WORKER] Process 0 restarted because it exceeds --max-memory-restart value");
    assert_eq!((r.kind, r.pm_id.as_deref()), ("memory-restart", Some("0")));
    assert!(r.field("current_memory").is_none());
}

#[test]
fn reload_delete_disconnect_delay() {
    let r = one("2026-11-28T07:02:13: PM2 log: -reload- New worker listening");
    assert_eq!((r.kind, text(&r, "reload")), ("app-reload", "reload"));
    let r = one("2026-11-28T07:02:13: PM2 log: -softReload- New worker listening");
    assert_eq!((r.kind, text(&r, "reload")), ("app-reload", "softReload"));
    let r = one("2026-11-28T07:02:13: PM2 log: -softReload- Old worker disconnected");
    assert_eq!((r.kind, text(&r, "reload")), ("app-reload", "softReload"));
    let r = one("2026-11-28T07:02:13: PM2 log: Process 4 in a stopped status, starting it");
    assert_eq!((r.kind, text(&r, "reload"), r.pm_id.as_deref()), ("app-reload", "fork", Some("4")));

    let r = one("2026-11-28T07:02:41: PM2 log: Deleting process 3");
    assert_eq!((r.kind, r.pm_id.as_deref()), ("app-delete", Some("3")));
    let r = one("2026-11-28T07:02:13: PM2 log: App name:mem id:_old_2 disconnected");
    assert_eq!((r.kind, app(&r)), ("app-disconnected", ("mem", "_old_2")));
    let r = one("2026-11-28T07:02:13: PM2 log: App [api:0] will restart in 1500ms");
    assert_eq!((r.kind, app(&r), int(&r, "delay_ms")), ("app-restart-delay", ("api", "0"), 1500));
    let r = one("2026-11-28T07:02:13: PM2 log: [PM2][WORKER] Reset the restart delay, as app api has been up for more than 30000ms");
    assert_eq!((r.kind, r.process.as_deref(), int(&r, "up_ms")), ("app-backoff-reset", Some("api"), 30000));
}

#[test]
fn daemon_lifecycle_lines() {
    let kinds = |t: &str| parse(t).records.iter().map(|r| r.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds(&log(&[
            "PM2 successfully stopped",
            "pm2 has been killed by signal, dumping process list before exit...",
            "Exited peacefully",
            "[PM2] Exited peacefully",
            "Could not send SIGQUIT to CLI",
            "Reloading logs...",
            "Reloading logs for process id 3",
            "[Watch] Start watching api",
            "Change detected on path src/index.js for app api - restarting",
            "[Watch] Stop watching api",
            "[PM2][WORKER] Registering a cron job on: 2",
            "[PM2] Deregistering a cron job on: 2",
            "Application api has been restarted via CRON",
            "Process could not be forked properly, check your system health",
            "Starting Profiler.start",
        ])),
        [
            "daemon-kill",
            "daemon-signal",
            "daemon-exit",
            "daemon-exit",
            "daemon-message",
            "logs-reload",
            "logs-reload",
            "watch-start",
            "watch-restart",
            "watch-stop",
            "cron-register",
            "cron-deregister",
            "cron-restart",
            "spawn-error",
            "daemon-message",
        ]
    );
    let r =
        one("2026-11-28T07:02:13: PM2 log: Change detected on path src/index.js for app my api - restarting");
    assert_eq!((r.process.as_deref(), text(&r, "path")), (Some("my api"), "src/index.js"));
    let r = one("2026-11-28T07:02:13: PM2 log: Reloading logs for process id 3");
    assert_eq!(r.pm_id.as_deref(), Some("3"));
    let r = one("2026-11-28T07:02:13: PM2 log: [PM2][WORKER] Registering a cron job on: 2");
    assert_eq!(r.pm_id.as_deref(), Some("2"));
    let r = one("2026-11-28T07:02:13: PM2 warn: Starting Profiler.start");
    assert_eq!((r.kind, text(&r, "level")), ("daemon-message", "warn"));
}

#[test]
fn spawn_error_with_stack() {
    let t = "\
2026-11-28T07:02:13: PM2 error: Error: spawn node ENOENT
    at ChildProcess._handle.onexit (node:internal/child_process:287:19)
    at onErrorNT (node:internal/child_process:483:16)
2026-11-28T07:02:13: PM2 error: Process could not be forked properly, check your system health
";
    let sink = parse(t);
    assert_eq!(sink.counts.events, 2);
    assert_eq!(sink.counts.continuation, 2);
    let r = &sink.records[0];
    assert_eq!((r.kind, text(r, "command"), text(r, "error")), ("spawn-error", "node", "ENOENT"));
    assert_eq!(r.continuation.len(), 2);
    assert_eq!(r.continuation[0], "    at ChildProcess._handle.onexit (node:internal/child_process:287:19)");
    assert_eq!(sink.records[1].kind, "spawn-error");
}

// ---------------------------------------------------------------------------------------------
// Exit causes: the sequences of pm2.md §1.5

#[test]
fn cause_crash_loop() {
    let t = log(&[
        "App [crash:1] starting in -fork mode-",
        "App [crash:1] online",
        "App [crash:1] exited with code [1] via signal [SIGINT]",
        "App [crash:1] starting in -fork mode-",
        "App [crash:1] online",
        "App [crash:1] exited with code [1] via signal [SIGINT]",
        "Script /tmp/pm2run/apps/crash.js had too many unstable restarts (5). Stopped. \"errored\"",
    ]);
    let sink = parse(&t);
    assert_eq!(exits(&sink.records), [("crash", "1", "crash", None), ("crash", "1", "crash", None)]);
}

#[test]
fn cause_memory_limit_cluster() {
    let t = log(&[
        "[PM2][WORKER] Process 2 restarted because it exceeds --max-memory-restart value (current_memory=92651520 max_memory_limit=62914560 [octets])",
        "App [mem:2] starting in -cluster mode-",
        "App [mem:2] online",
        "-reload- New worker listening",
        "Stopping app:mem id:_old_2",
        "App name:mem id:_old_2 disconnected",
        "App [mem:_old_2] exited with code [0] via signal [SIGINT]",
        "pid=11869 msg=process tree killed (1 pids)",
    ]);
    let sink = parse(&t);
    assert_eq!(exits(&sink.records), [("mem", "_old_2", "stopped", Some("max-memory-restart"))]);
    let stop = sink.records.iter().find(|r| r.kind == "app-stop-requested").unwrap();
    assert_eq!(text(stop, "by"), "max-memory-restart");
}

#[test]
fn cause_memory_limit_fork() {
    let t = log(&[
        "[PM2][WORKER] Process 0 restarted because it exceeds --max-memory-restart value (current_memory=92651520 max_memory_limit=62914560 [octets])",
        "Process 0 in a stopped status, starting it",
        "Stopping app:api id:0",
        "App [api:0] exited with code [0] via signal [SIGINT]",
        "pid=1 msg=process tree killed (1 pids)",
        "App [api:0] starting in -fork mode-",
        "App [api:0] online",
        "Stopping app:api id:0",
        "App [api:0] exited with code [0] via signal [SIGINT]",
    ]);
    let sink = parse(&t);
    assert_eq!(
        exits(&sink.records),
        [("api", "0", "stopped", Some("max-memory-restart")), ("api", "0", "stopped", None)],
        "the memory reason is used once"
    );
}

#[test]
fn cause_external_sigkill() {
    let t = log(&[
        "App [api:0] exited with code [0] via signal [SIGKILL]",
        "App [api:0] starting in -fork mode-",
        "App [api:0] online",
    ]);
    assert_eq!(exits(&parse(&t).records), [("api", "0", "external-signal", None)]);
}

#[test]
fn cause_slow_stop_escalated() {
    let mut msgs = vec!["Stopping app:slowstop id:3"];
    msgs.extend(["pid=11870 msg=failed to kill - retrying in 100ms"; 7]);
    msgs.extend([
        "Process with pid 11870 still alive after 800ms, sending SIGKILL to 1 remaining pids...",
        "App [slowstop:3] exited with code [0] via signal [SIGKILL]",
        "pid=11870 msg=process tree killed (1 pids)",
    ]);
    assert_eq!(exits(&parse(&log(&msgs)).records), [("slowstop", "3", "escalated", None)]);
}

#[test]
fn cause_stop_with_sigkill_but_no_escalation_is_stopped() {
    let t = log(&[
        "Process with pid 1 still alive after 800ms, sending SIGKILL to 1 remaining pids...",
        "Stopping app:api id:0",
        "App [api:0] exited with code [0] via signal [SIGKILL]",
    ]);
    assert_eq!(
        exits(&parse(&t).records),
        [("api", "0", "stopped", None)],
        "escalation before the stop does not count"
    );
}

#[test]
fn cause_pm2_kill() {
    let t = log(&[
        "Stopping app:api id:0",
        "Stopping app:mem id:2",
        "Stopping app:mem id:4",
        "App [api:0] exited with code [0] via signal [SIGINT]",
        "App name:mem id:4 disconnected",
        "App [mem:4] exited with code [0] via signal [SIGINT]",
        "App name:mem id:2 disconnected",
        "App [mem:2] exited with code [0] via signal [SIGINT]",
        "pid=12670 msg=process tree killed (1 pids)",
        "pid=12845 msg=process tree killed (1 pids)",
        "pid=12894 msg=process tree killed (1 pids)",
        "PM2 successfully stopped",
    ]);
    let sink = parse(&t);
    assert_eq!(
        exits(&sink.records),
        [("api", "0", "stopped", None), ("mem", "4", "stopped", None), ("mem", "2", "stopped", None)]
    );
    assert_eq!(sink.records.last().unwrap().kind, "daemon-kill");
}

#[test]
fn cause_daemon_sigterm() {
    let t = log(&[
        "pm2 has been killed by signal, dumping process list before exit...",
        "Deleting process 0",
        "Stopping app:api id:0",
        "App [api:0] exited with code [0] via signal [SIGINT]",
        "Deleting process 1",
        "Stopping app:mem id:1",
        "App name:mem id:1 disconnected",
        "App [mem:1] exited with code [0] via signal [SIGINT]",
        "Deleting process 2",
        "App [crash:2] exited with code [1] via signal [SIGINT]",
        "Exited peacefully",
        "App [api:0] exited with code [0] via signal [SIGINT]",
    ]);
    let sink = parse(&t);
    assert_eq!(
        exits(&sink.records),
        [
            ("api", "0", "stopped", Some("daemon-shutdown")),
            ("mem", "1", "stopped", Some("daemon-shutdown")),
            ("crash", "2", "stopped", Some("daemon-shutdown")),
            ("api", "0", "clean-exit", None),
        ]
    );
    let stops: Vec<_> = sink.records.iter().filter(|r| r.kind == "app-stop-requested").collect();
    assert!(stops.iter().all(|r| text(r, "by") == "daemon-shutdown"));
}

#[test]
fn cause_watch_and_clean_exit_and_stop_cleared() {
    let t = log(&[
        "Change detected on path src/a.js for app api - restarting",
        "Stopping app:api id:0",
        "App [api:0] exited with code [0] via signal [SIGINT]",
        // The stop was cleared by that exit: the app ending by itself later is a clean exit.
        "App [api:0] exited with code [0] via signal [SIGINT]",
        // A stop of another id or name does not cover this one.
        "Stopping app:api id:1",
        "App [api:0] exited with code [2] via signal [SIGINT]",
        // `does not have a pid` ends a stop that will never see an exit.
        "Stopping app:crash id:5",
        "app=crash id=5 does not have a pid",
        "App [crash:5] exited with code [1] via signal [SIGINT]",
    ]);
    assert_eq!(
        exits(&parse(&t).records),
        [
            ("api", "0", "stopped", Some("watch")),
            ("api", "0", "clean-exit", None),
            ("api", "0", "crash", None),
            ("crash", "5", "crash", None),
        ]
    );
}

#[test]
fn new_daemon_forgets_pending_stops() {
    let mut t = log(&["Stopping app:api id:0"]);
    t.push_str(BANNER_1);
    t.push_str(&log(&["App [api:0] exited with code [0] via signal [SIGKILL]"]));
    assert_eq!(exits(&parse(&t).records), [("api", "0", "external-signal", None)]);
}

// ---------------------------------------------------------------------------------------------
// Unprefixed lines

#[test]
fn unprefixed_before_any_record_is_unparsed_then_continuation() {
    let t = "\
    at Object.<anonymous> (/x.js:1:1)

2026-11-28T07:02:10: PM2 error: Trace: boom
    at God.logAndGenerateError (/pm2/lib/God.js:554:13)
";
    let sink = parse(t);
    assert_eq!(sink.counts.unparsed, 1);
    assert_eq!(sink.unparsed[0].line, 1);
    assert_eq!(sink.unparsed[0].reason, "no pm2.log prefix");
    assert_eq!(sink.counts.structural, 1);
    assert_eq!(sink.records[0].continuation, ["    at God.logAndGenerateError (/pm2/lib/God.js:554:13)"]);
}

#[test]
fn seen_record_is_parser_state_across_chunks() {
    let mut p = Pm2LogParser::default();
    let mut first = Sink::new();
    p.parse_line(1, "2026-11-28T07:02:10: PM2 error: Error: boom", &mut first);
    let mut second = Sink::new();
    p.parse_line(2, "    at x (/y.js:1:1)", &mut second);
    p.finish(&mut second);
    assert_eq!(second.counts.continuation, 1);
    assert_eq!(second.counts.unparsed, 0);
    assert_eq!(second.carried_continuation, ["    at x (/y.js:1:1)"]);
}

#[test]
fn v8_heap_oom_block() {
    let t = "\
2026-11-28T07:02:10: PM2 log: App [api:0] online

<--- Last few GCs --->

[12345:0x5581a3c0]    98765 ms: Mark-sweep 2040.1 (2082.4) -> 2039.8 (2083.1) MB, 1500.2 / 0.0 ms  (average mu = 0.1, current mu = 0.02) allocation failure


<--- JS stacktrace --->

FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory
 1: 0xb09c10 node::Abort() [node]
FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal.
";
    let sink = parse(t);
    let kinds: Vec<_> = sink.records.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["app-online", "v8-heap-oom"]);
    let oom = &sink.records[1];
    assert_eq!(oom.time, RawTime::None);
    assert_eq!(oom.line, 3);
    assert_eq!(oom.message, "<--- Last few GCs --->");
    assert_eq!(oom.continuation.len(), 5);
    assert!(oom.continuation[2].starts_with("FATAL ERROR: Ineffective"));
    assert_eq!(sink.counts.structural, 5);

    // A FATAL ERROR with no banner before it starts its own record.
    let t = "2026-11-28T07:02:10: PM2 log: App [api:0] online\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n";
    let sink = parse(t);
    assert_eq!(sink.records[1].kind, "v8-heap-oom");
}

#[test]
fn node_warnings() {
    let t = "\
(node:1234) Warning: Accessing non-existent property 'padLevels' of module exports inside circular dependency
(Use `node --trace-warnings ...` to show where the warning was created)
[2018-07-11T15:07:19.310Z] PM2 error: (node:14912) [DEP0007] DeprecationWarning: worker.suicide is deprecated. Please use worker.exitedAfterDisconnect.
";
    let sink = parse(t);
    assert_eq!(sink.counts.unparsed, 0, "a Node warning starts a record even first in the file");
    let w = &sink.records[0];
    assert_eq!((w.kind, w.pid, w.time), ("node-warning", Some(1234), RawTime::None));
    assert_eq!(text(w, "warning"), "Warning");
    assert_eq!(w.continuation, ["(Use `node --trace-warnings ...` to show where the warning was created)"]);
    let w = &sink.records[1];
    assert_eq!((w.kind, w.pid), ("node-warning", Some(14912)));
    assert_eq!(
        (text(w, "warning"), text(w, "code"), text(w, "level")),
        ("DeprecationWarning", "DEP0007", "error")
    );
    assert_eq!(w.time, RawTime::Local { local: dt("2018-07-11 15:07:19.310"), file_offset: None });
}

// ---------------------------------------------------------------------------------------------
// `pm2 logs` / `pm2 report` output

#[test]
fn pm2_logs_tag_and_ansi() {
    let r = one("PM2        | 2026-11-28T07:02:27: PM2 log: App [mem:4] online");
    assert_eq!((r.kind, app(&r)), ("app-online", ("mem", "4")));
    assert_eq!(r.message, "App [mem:4] online");

    let coloured = "\x1b[34mPM2        | \x1b[39m2026-11-28T07:02:27: PM2 log: App [mem:_old_4] exited with code [0] via signal [SIGINT]";
    let r = one(coloured);
    assert_eq!((r.kind, app(&r)), ("app-exit", ("mem", "_old_4")));
    assert_eq!(r.time, RawTime::Local { local: dt("2026-11-28 07:02:27"), file_offset: None });
    assert_eq!(text(&r, "cause"), "clean-exit");

    // Coloured lines keep the parser state (the stop) and continuation order.
    let t = "\x1b[34mPM2        | \x1b[39m2026-11-28T07:02:27: PM2 log: Stopping app:mem id:_old_4\n\
             \x1b[34mPM2        | \x1b[39m2026-11-28T07:02:27: PM2 log: App [mem:_old_4] exited with code [0] via signal [SIGINT]\n\
             \x1b[31m    at x (/y.js:1:1)\x1b[39m\n";
    let sink = parse(t);
    assert_eq!(exits(&sink.records), [("mem", "_old_4", "stopped", None)]);
    assert_eq!(sink.records[1].continuation, ["    at x (/y.js:1:1)"]);
}

#[test]
fn observed_pm2_logs_output() {
    let sink = parse(OBSERVED_LOGS);
    assert_eq!(sink.counts.events, 8);
    assert_eq!(sink.records[0].kind, "memory-restart");
    assert_eq!(int(&sink.records[0], "current_memory"), 82259968);
    assert_eq!(exits(&sink.records), [("mem", "_old_4", "stopped", Some("max-memory-restart"))]);
    // The app lines of `pm2 logs` are not pm2.log: each is unparsed with its reason.
    let app_lines: Vec<u64> = split_lines(OBSERVED_LOGS)
        .enumerate()
        .filter(|(_, l)| l.starts_with("0|api") || l.starts_with("3|slowstop"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(app_lines.len(), 17);
    assert_eq!(sink.unparsed.iter().map(|u| u.line).collect::<Vec<_>>(), app_lines);
    assert!(sink.unparsed.iter().all(|u| u.reason == "pm2 logs line of an app, not pm2.log"));
    assert_eq!(sink.counts.continuation, 0);
}

// ---------------------------------------------------------------------------------------------
// The recorded PM2 7.0.4 run

#[test]
fn observed_run_every_line_accounted() {
    let sink = parse(OBSERVED);
    let lines: Vec<&str> = split_lines(OBSERVED).collect();
    assert_eq!(lines.len(), 159);
    assert_eq!(sink.counts.total(), 159);
    assert_eq!(sink.counts.unparsed, 0, "{:?}", sink.unparsed);
    // Two banners: 2 × (2 separators + 14 fields) structural lines.
    assert_eq!(sink.counts.structural, 32);
    // The only unprefixed lines are the `[...]` elision markers of the reference document.
    assert_eq!(sink.counts.continuation, 3);
    let carried: Vec<&str> =
        sink.records.iter().flat_map(|r| r.continuation.iter().map(|c| c.as_ref())).collect();
    assert_eq!(
        carried,
        [
            "[... memory-restart cycle repeats for ids 2 and 4 every ~1 s ...]",
            "[...]",
            "[... pm2 resurrect, pm2 update ...]"
        ]
    );
    assert_eq!(sink.counts.events, 124);
    assert_eq!(sink.records.len(), 124);
    // No record is a catch-all: every line of this run matches a template.
    assert!(
        sink.records.iter().all(|r| r.kind != "daemon-message"),
        "{:?}",
        sink.records.iter().find(|r| r.kind == "daemon-message")
    );
    // Every time carries the +05:30 of the banner before it.
    for r in &sink.records {
        match r.time {
            RawTime::Local { file_offset: Some(FileOffset { offset_secs, line }), .. } => {
                assert_eq!(offset_secs, IST);
                assert_eq!(line, if r.line < 126 { 3 } else { 127 });
            }
            other => panic!("line {}: {other:?}", r.line),
        }
    }
}

#[test]
fn observed_run_kinds_and_causes() {
    let sink = parse(OBSERVED);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &sink.records {
        *kinds.entry(r.kind).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("daemon-start", 2),
        ("app-start", 17),
        ("app-online", 17),
        ("app-exit", 20),
        ("log-stream-error", 1),
        ("app-errored", 1),
        ("memory-restart", 6),
        ("app-reload", 6),
        ("app-stop-requested", 14),
        ("app-disconnected", 10),
        ("app-killed", 14),
        ("app-kill-retry", 7),
        ("app-kill-escalated", 1),
        ("app-no-pid", 1),
        ("daemon-kill", 1),
        ("daemon-signal", 1),
        ("app-delete", 4),
        ("daemon-exit", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);

    let causes = exits(&sink.records);
    let mm = Some("max-memory-restart");
    let ds = Some("daemon-shutdown");
    assert_eq!(
        causes,
        [
            ("crash", "1", "crash", None),
            ("crash", "1", "crash", None),
            ("crash", "1", "crash", None),
            ("crash", "1", "crash", None),
            ("crash", "1", "crash", None),
            ("mem", "_old_2", "stopped", mm),
            // Right after the `[... memory-restart cycle repeats ...]` elision of the reference
            // document: the `Stopping app:mem id:_old_4` before this exit was left out, so in
            // this excerpt nothing says PM2 stopped it.
            ("mem", "_old_4", "clean-exit", None),
            ("api", "0", "external-signal", None),
            ("mem", "_old_2", "stopped", mm),
            ("mem", "_old_4", "stopped", mm),
            ("mem", "_old_2", "stopped", mm),
            ("slowstop", "3", "escalated", None),
            ("mem", "_old_4", "stopped", mm),
            ("api", "0", "stopped", None),
            ("api", "0", "stopped", None),
            ("mem", "4", "stopped", None),
            ("mem", "2", "stopped", None),
            ("api", "0", "stopped", ds),
            ("mem", "1", "stopped", ds),
            ("mem", "3", "stopped", ds),
        ]
    );
    let errored = sink.records.iter().find(|r| r.kind == "app-errored").unwrap();
    assert_eq!(app(errored), ("crash", "1"));
}

#[test]
fn observed_run_in_chunks_matches_whole() {
    let whole = parse(OBSERVED);
    let lines: Vec<&str> = split_lines(OBSERVED).collect();
    for chunk in [1, 2, 7, 16, 50] {
        let mut p = Pm2LogParser::default();
        let mut records: Vec<Record> = Vec::new();
        let mut total = 0;
        for (c, part) in lines.chunks(chunk).enumerate() {
            let mut sink = Sink::new();
            for (i, line) in part.iter().enumerate() {
                p.parse_line((c * chunk + i) as u64 + 1, line, &mut sink);
            }
            if (c + 1) * chunk >= lines.len() {
                p.finish(&mut sink);
            }
            total += sink.counts.total();
            if let Some(last) = records.last_mut() {
                last.continuation.append(&mut sink.carried_continuation);
            }
            records.extend(sink.records);
        }
        assert_eq!(total, lines.len() as u64);
        assert_eq!(records, whole.records, "chunk size {chunk}");
    }
}

#[test]
fn kinds_are_documented() {
    let mut seen = std::collections::BTreeSet::new();
    for (kind, meaning) in KINDS {
        assert!(seen.insert(*kind), "duplicate {kind}");
        assert!(!meaning.is_empty());
        assert!(kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()), "{kind}");
    }
    let sample = [OBSERVED, OBSERVED_LOGS].concat();
    for r in parse(&sample).records {
        assert!(seen.contains(r.kind), "undocumented kind {}", r.kind);
    }
    for k in [
        "daemon-error",
        "daemon-respawn",
        "node-warning",
        "v8-heap-oom",
        "spawn-error",
        "watch-restart",
        "daemon-message",
    ] {
        assert!(seen.contains(k), "{k}");
    }
}

#[test]
fn hostile_lines_do_not_panic() {
    let lines = [
        "2026-11-28T07:02:10: PM2 log: App [",
        "2026-11-28T07:02:10: PM2 log: App []] online",
        "2026-11-28T07:02:10: PM2 log: App [:] exited with code [] via signal []",
        "2026-11-28T07:02:10: PM2 log: App [x:1] exited with code [99999999999999999999999] via signal [SIGINT]",
        "2026-11-28T07:02:10: PM2 log: pid=99999999999999999999999 msg=process killed",
        "2026-11-28T07:02:10: PM2 log: Script  had too many unstable restarts (",
        "2026-11-28T07:02:10: PM2 log: --- New PM2 Daemon started ---",
        "2026-11-28T07:02:10: PM2 log: Time : GMT+9999",
        "2026-11-28T07:02:10: PM2 log: Time : GMT",
        "\x1b[",
        "\x1b",
        "\x1b[999999999999999",
        "PM2 |",
        "PM2",
        "(node:",
        "(node:99999999999999999999999) Warning: x",
        "9|",
        "é|ü | ä",
        "[2026-11-28T07:02:10.1234567890Z] PM2 info: Ünïcödé ✓",
    ];
    let t = lines.join("\n");
    let sink = parse(&t);
    assert_eq!(sink.counts.total(), lines.len() as u64);
    let r = sink.records.iter().find(|r| r.kind == "app-exit").unwrap();
    assert_eq!(text(r, "exit_code"), "99999999999999999999999");
    assert_eq!(text(r, "cause"), "unknown");
}

// ---------------------------------------------------------------------------------------------
// Property tests

/// Pieces that reach the parser's states: prefixes, templates, banner lines, unprefixed forms.
fn fragment() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "2026-11-28T07:02:10: PM2 log: ",
        "2026-11-28T07:02:10: PM2 error: ",
        "[2018-08-15T23:22:51.130Z] PM2 log: ",
        "2017-03-21 14:16:26: ",
        "PM2: 2016-05-10 20:38:47: ",
        "PM2        | ",
        "\x1b[34m",
        "===============================================================================",
        "--- New PM2 Daemon started ---",
        "--- PM2 global error caught ---",
        "Time                 : Sat Nov 28 2026 07:02:10 GMT+0530 (India Standard Time)",
        "App [",
        "api:0] ",
        "mem:_old_2",
        "] exited with code [",
        "] via signal [",
        "SIGKILL]",
        "online",
        "Stopping app:api id:0",
        "Process with pid 1 still alive after 800ms, sending SIGKILL to 1 remaining pids...",
        "pm2 has been killed by signal, dumping process list before exit...",
        "pid=1 msg=process tree killed (1 pids)",
        "Script /x.js had too many unstable restarts (5). Stopped. \"errored\"",
        "[PM2][WORKER] Process 2 restarted because it exceeds --max-memory-restart value",
        " (current_memory=",
        "<--- Last few GCs --->",
        "(node:12) Warning: ",
        "    at x (y.js:1:1)",
        ":",
        "]",
        " ",
        "é",
        "",
    ]);
    prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let sink = parse_text(&mut Pm2LogParser::default(), &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn arbitrary_lines_are_all_accounted(lines in prop::collection::vec(prop_oneof![fragment(), ".{0,40}"], 0..40)) {
        let mut p = Pm2LogParser::default();
        let mut sink = Sink::new();
        for (i, line) in lines.iter().enumerate() {
            p.parse_line(i as u64 + 1, line, &mut sink);
        }
        p.finish(&mut sink);
        prop_assert_eq!(sink.counts.total(), lines.len() as u64);
        prop_assert_eq!(sink.counts.events, sink.records.len() as u64);
        for r in &sink.records {
            prop_assert_eq!(r.source, "pm2");
            prop_assert!(KINDS.iter().any(|(k, _)| *k == r.kind));
        }
    }
}

#[test]
fn parser_is_send_for_the_format_factory() {
    fn assert_send<T: Send + Default + LineParser>() {}
    assert_send::<Pm2LogParser>();
}
