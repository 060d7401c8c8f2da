//! journalctl outputs: every sample of linux-and-ci-formats.md §1.1–1.3 (generated with
//! systemd 252), the lnav `-o json` corpus file, constructed JSON/export entries (marked as
//! such), and property tests: no input panics, every line is accounted once, results do not
//! depend on where the input is cut.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use postmortem_parsers::journal::{JournalParser, REASON_BAD_JSON, REASON_NO_RECORD};
use postmortem_parsers::{auth, parse_in_two, parse_text, split_lines, RawTime, Record, Sink};
use proptest::prelude::*;

fn parse(text: &str) -> Sink<'_> {
    parse_text(&mut JournalParser::default(), text)
}

fn rec(line: &'static str) -> Record<'static> {
    let sink = parse(line);
    assert_eq!(sink.counts.events, 1, "{line}: {:?}", sink.unparsed);
    sink.records.into_iter().next().unwrap()
}

/// The records in line order (a kernel OOM event is pushed when its report ends).
fn by_line<'a>(sink: &Sink<'a>) -> Vec<Record<'a>> {
    let mut r = sink.records.clone();
    r.sort_by_key(|r| r.line);
    r
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn dt(d: (i32, u32, u32), t: (u32, u32, u32, u32)) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(d.0, d.1, d.2)
        .unwrap()
        .and_time(NaiveTime::from_hms_micro_opt(t.0, t.1, t.2, t.3).unwrap())
}

fn utc(d: (i32, u32, u32), t: (u32, u32, u32, u32)) -> RawTime {
    RawTime::Exact { local: dt(d, t), offset_secs: 0 }
}

const SHORT: &str = "\
Feb 17 14:30:00 web-01 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/pm2-root.service,task=node,pid=2092,uid=0
Feb 17 14:30:00 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL
Feb 17 14:30:06 web-01 pm2[5555]: [16B blob data]
Feb 17 14:30:07 web-01 pm2[5555]: line one
                                  line two
-- Boot 9a8b7c6d5e4f40318293a4b5c6d7e8f9 --
Feb 17 14:40:00 web-01 kernel: Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115) #45-Ubuntu SMP PREEMPT_DYNAMIC
";

#[test]
fn short_sample() {
    let sink = parse(SHORT);
    assert_eq!(sink.counts.events, 5);
    assert_eq!(sink.counts.continuation, 1);
    assert_eq!(sink.counts.structural, 1);
    assert_eq!(sink.counts.total(), 7);
    let r = &by_line(&sink);
    assert_eq!(
        r[0].time,
        RawTime::NoYear { month: 2, day: 17, time: NaiveTime::from_hms_opt(14, 30, 0).unwrap() }
    );
    // The OOM summary alone is the kill event (its victim in fields).
    assert_eq!(r[0].source, "kernel");
    assert_eq!(r[0].kind, "oom-kill");
    assert_eq!(r[0].host.as_deref(), Some("web-01"));
    assert_eq!(r[0].pid, Some(2092));
    assert_eq!(s(&r[0], "unit"), Some("pm2-root.service"));
    assert!(r[0].message.starts_with("oom-kill:constraint="));
    assert_eq!(r[1].source, "journal");
    assert_eq!(r[1].kind, "unit-exited");
    assert_eq!(s(&r[1], "signal"), Some("SIGKILL"));
    assert_eq!(s(&r[1], "ident"), Some("systemd"));
    assert_eq!(s(&r[1], "unit"), Some("pm2-root.service"));
    assert_eq!(r[1].pid, Some(1));
    assert_eq!(r[2].message, "[16B blob data]");
    assert_eq!(int(&r[2], "blob_bytes"), Some(16));
    assert_eq!(r[3].message, "line one");
    assert_eq!(r[3].continuation, ["line two"]);
    assert_eq!(s(&r[4], "boot_id"), Some("9a8b7c6d5e4f40318293a4b5c6d7e8f9"));
    assert_eq!(s(&r[3], "boot_id"), None);
}

#[test]
fn iso_precise_full_unix() {
    let r =
        rec("2026-02-17T14:30:00+0000 web-01 systemd[1]: pm2-root.service: Failed with result 'oom-kill'.");
    assert_eq!(r.time, utc((2026, 2, 17), (14, 30, 0, 0)));
    assert_eq!(r.message, "pm2-root.service: Failed with result 'oom-kill'.");
    let r = rec("2026-02-17T15:40:00.260000+0100 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL");
    assert_eq!(r.time, RawTime::Exact { local: dt((2026, 2, 17), (15, 40, 0, 260000)), offset_secs: 3600 });
    let r = rec("2026-02-17T14:30:00.260000+0000 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL");
    assert_eq!(r.time, utc((2026, 2, 17), (14, 30, 0, 260000)));
    let r = rec("Feb 17 14:30:00.001300 web-01 kernel: Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB, shmem-rss:0kB, UID:0 pgtables:38108kB oom_score_adj:0");
    assert_eq!(
        r.time,
        RawTime::NoYear { month: 2, day: 17, time: NaiveTime::from_hms_micro_opt(14, 30, 0, 1300).unwrap() }
    );
    assert_eq!(r.source, "kernel");
    let r = rec("1771338600.260000 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL");
    assert_eq!(r.time, utc((2026, 2, 17), (14, 30, 0, 260000)));
    let r = rec(
        "Tue 2026-02-17 14:30:00 UTC web-01 systemd[1]: pm2-root.service: Consumed 1h 2min 3.456s CPU time.",
    );
    assert_eq!(r.time, utc((2026, 2, 17), (14, 30, 0, 0)));
    assert_eq!(s(&r, "zone_abbrev"), None);
    // Constructed: a zone abbreviation other than UTC stays local.
    let r = rec("Tue 2026-02-17 15:30:00 CET web-01 systemd[1]: x");
    assert_eq!(r.time, RawTime::Local { local: dt((2026, 2, 17), (15, 30, 0, 0)), file_offset: None });
    assert_eq!(s(&r, "zone_abbrev"), Some("CET"));
    // Constructed: numeric abbreviations (Asia/Dubai prints "+04") are exact.
    let r = rec("Tue 2026-02-17 18:30:00 +04 web-01 systemd[1]: x");
    assert_eq!(r.time, RawTime::Exact { local: dt((2026, 2, 17), (18, 30, 0, 0)), offset_secs: 4 * 3600 });
}

#[test]
fn monotonic_and_boots() {
    let text = "\
[812385.814801] web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL
-- Boot 9a8b7c6d5e4f40318293a4b5c6d7e8f9 --
[    2.345678] web-01 kernel: Linux version 6.8.0-45-generic ...
-- Reboot --
[    1.000000] web-01 kernel: again
";
    let sink = parse(text);
    assert_eq!((sink.counts.events, sink.counts.structural, sink.counts.total()), (3, 2, 5));
    let r = &sink.records;
    assert_eq!(r[0].time, RawTime::None);
    assert_eq!(int(&r[0], "monotonic_us"), Some(812_385_814_801));
    assert_eq!(int(&r[0], "boot"), Some(0));
    assert_eq!(int(&r[1], "monotonic_us"), Some(2_345_678));
    assert_eq!(int(&r[1], "boot"), Some(1));
    assert_eq!(s(&r[1], "boot_id"), Some("9a8b7c6d5e4f40318293a4b5c6d7e8f9"));
    assert_eq!(int(&r[2], "boot"), Some(2));
    assert_eq!(s(&r[2], "boot_id"), None);
}

#[test]
fn with_unit_and_continuation() {
    let text = "\
Tue 2026-02-17 14:30:07 UTC web-01 pm2-root.service[5555]: line one
                                                           line two
";
    let sink = parse(text);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 1));
    let r = &sink.records[0];
    assert_eq!(s(r, "unit"), Some("pm2-root.service"));
    assert_eq!(r.pid, Some(5555));
    assert_eq!(r.continuation, ["line two"]);
}

#[test]
fn special_lines() {
    let text = "\
-- Logs begin at Wed 2016-11-30 08:49:56 CET, end at Thu 2016-12-01 08:49:56 CET. --
-- Journal begins at Thu 2021-06-10 06:17:06 MST, ends at Fri 2021-06-11 20:34:01 MST. --
-- No entries --

   indented before any record
";
    let sink = parse(text);
    assert_eq!(sink.counts.structural, 4);
    assert_eq!(sink.counts.unparsed, 1);
    assert_eq!(sink.unparsed[0].reason, REASON_NO_RECORD);
    // A separator before any record does not start a new boot section.
    let sink = parse("-- Boot abc --\n[    1.000000] h kernel: x\n");
    assert_eq!(int(&sink.records[0], "boot"), Some(0));
}

#[test]
fn auth_bodies_are_classified() {
    // Constructed from the §3 sshd template in short-iso.
    let r = rec("2026-02-17T14:30:00+0000 web-01 sshd[1234]: Accepted publickey for deploy from 203.0.113.7 port 51234 ssh2: ED25519 SHA256:abc");
    assert_eq!(r.source, "auth");
    assert_eq!(r.kind, auth::SSH_LOGIN);
    assert_eq!(r.user.as_deref(), Some("deploy"));
    assert_eq!(s(&r, "ident"), Some("sshd"));
    assert_eq!(r.pid, Some(1234));
    let r =
        rec("Feb 17 14:30:00 web-01 /etc/mysql/debian-start[682964]: Upgrading MySQL tables if necessary.");
    assert_eq!(s(&r, "ident"), Some("/etc/mysql/debian-start"));
    assert_eq!(r.pid, Some(682964));
}

#[test]
fn lnav_json_corpus() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/lnav/logfile_journald.json"
    ))
    .unwrap();
    let sink = parse(&text);
    assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    assert_eq!(sink.records.len(), 2);
    let msgs = ["GPS Reference longitude: 7.358143333", "GPS Reference latitude: 46.908706667"];
    for (r, m) in sink.records.iter().zip(msgs) {
        assert_eq!(r.host.as_deref(), Some("imx6ul-medusa"));
        assert_eq!(s(r, "ident"), Some("python"));
        assert_eq!(r.pid, Some(184));
        assert_eq!(r.time, utc((2018, 8, 21), (14, 4, 21, 221373)));
        assert_eq!(r.message, m);
        assert_eq!(s(r, "unit"), Some("medusa-GpsLocator.service"));
        assert_eq!(s(r, "transport"), Some("stdout"));
        assert_eq!(s(r, "boot_id"), Some("0dc874d3fbd44bdbb6fbcfaa27481492"));
    }
    assert_eq!(s(&sink.records[0], "priority"), Some("1"));
}

#[test]
fn json_byte_arrays_and_multiline() {
    // §1.2 MESSAGE arrays (other keys constructed).
    let text = r#"{"_SYSTEMD_UNIT":"pm2-root.service","MESSAGE":[98,97,100,32,117,116,102,56,32,255,254,32,104,101,114,101,27,91,51,49,109],"__REALTIME_TIMESTAMP":"1771338606000000","_PID":"5555","SYSLOG_IDENTIFIER":"pm2"}
{"MESSAGE":[27,91,51,50,109,105,110,102,111,27,91,51,57,109,58,32,108,105,115,116,101,110,105,110,103,32,111,110,32,58,51,48,48,48],"_COMM":"node","SYSLOG_PID":"77"}
{"MESSAGE":"line one\nline two","_HOSTNAME":"web-01"}
{"_HOSTNAME":"web-01","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"Out of memory: Killed process 2092 (node) total-vm:2546008kB, ...","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","_BOOT_ID":"0f3c8a5e9d2b4c7a8e1f203a4b5c6d7e","PRIORITY":"3","__REALTIME_TIMESTAMP":"1771338600001300","__MONOTONIC_TIMESTAMP":"812385554801"}
{"MESSAGE":"x", broken
{"_SYSTEMD_UNIT":"init.scope","UNIT":"pm2-root.service","SYSLOG_IDENTIFIER":"systemd","_PID":"1","MESSAGE":"pm2-root.service: Deactivated successfully."}
"#;
    let sink = parse(text);
    assert_eq!((sink.counts.events, sink.counts.unparsed, sink.counts.total()), (5, 1, 6));
    assert_eq!(sink.unparsed[0].reason, REASON_BAD_JSON);
    let r = &by_line(&sink);
    assert_eq!(r[0].message, "bad utf8 \u{FFFD}\u{FFFD} here");
    assert_eq!(r[0].time, utc((2026, 2, 17), (14, 30, 6, 0)));
    assert_eq!(s(&r[0], "unit"), Some("pm2-root.service"));
    assert_eq!(r[1].message, "info: listening on :3000");
    assert_eq!(s(&r[1], "ident"), Some("node"));
    assert_eq!(r[1].pid, Some(77));
    assert_eq!(r[1].time, RawTime::None);
    assert_eq!(r[2].message, "line one");
    assert_eq!(r[2].continuation, ["line two"]);
    assert_eq!(r[3].source, "kernel");
    assert_eq!(r[3].kind, "oom-kill");
    assert_eq!(r[3].time, utc((2026, 2, 17), (14, 30, 0, 1300)));
    assert_eq!(int(&r[3], "monotonic_us"), Some(812_385_554_801));
    assert_eq!(s(&r[4], "unit"), Some("pm2-root.service"));
    assert_eq!(s(&r[4], "systemd_unit"), Some("init.scope"));
}

#[test]
fn export_entries() {
    // §1.2 export entry, then a constructed binary entry (21-byte length prefix).
    let text = "__CURSOR=s=2dbc2dcb2b9c4d4b87238756ad3fb52b;i=b;b=9a8b7c6d5e4f40318293a4b5c6d7e8f9;m=23cace;t=64b060bcaf000;x=c039938092f2c1a4
__REALTIME_TIMESTAMP=1771339200000000
__MONOTONIC_TIMESTAMP=2345678
_BOOT_ID=9a8b7c6d5e4f40318293a4b5c6d7e8f9
_HOSTNAME=web-01
_TRANSPORT=kernel
PRIORITY=5
MESSAGE=Linux version 6.8.0-45-generic ...

MESSAGE
\u{15}\0\0\0\0\0\0\0bad utf8 \u{FFFD}\u{FFFD} here\x1b[31m
_HOSTNAME=web-01
SYSLOG_IDENTIFIER=pm2

MESSAGE
\u{9}\0\0\0\0\0\0\0two
lines
_PID=9
";
    let sink = parse(text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64);
    assert_eq!(sink.counts.events, 3);
    assert_eq!(sink.counts.structural, 2);
    assert_eq!(sink.counts.unparsed, 0);
    let r = &sink.records;
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].line, 1);
    assert_eq!(r[0].time, utc((2026, 2, 17), (14, 40, 0, 0)));
    assert_eq!(r[0].source, "kernel");
    assert_eq!(r[0].host.as_deref(), Some("web-01"));
    assert_eq!(r[0].message, "Linux version 6.8.0-45-generic ...");
    assert_eq!(s(&r[0], "priority"), Some("5"));
    assert_eq!(int(&r[0], "monotonic_us"), Some(2345678));
    assert_eq!(r[1].line, 10);
    assert_eq!(r[1].message, "bad utf8 \u{FFFD}\u{FFFD} here");
    assert_eq!(s(&r[1], "ident"), Some("pm2"));
    assert_eq!(r[2].message, "two");
    assert_eq!(r[2].continuation, ["lines"]);
    assert_eq!(r[2].pid, Some(9));
}

// ---------------------------------------------------------------------------------------
// Properties

fn journal_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("-- Boot 9a8b --".to_string()),
        Just("-- Reboot --".to_string()),
        Just("                  cont".to_string()),
        Just("MESSAGE".to_string()),
        Just("\u{3}\0\0\0\0\0\0\0ab".to_string()),
        Just("_PID=3".to_string()),
        Just(r#"{"MESSAGE":"a\nb","_PID":"1"}"#.to_string()),
        "[A-Z_]{1,6}(=[a-z ]{0,5})?",
        "(Feb 17 14:30:00|2026-02-17T14:30:00\\+0000|\\[ *[0-9]{1,3}\\.[0-9]{6}\\]|1771338600\\.26|Tue 2026-02-17 14:30:00 (UTC|CET)) [a-z]{1,4} [a-z]{1,5}(\\[[0-9]{1,3}\\])?: [ -~]{0,20}",
        // The plain short-iso lines of a large journal (constructed after the corpus
        // generator's), whose identifiers and dates the parser remembers across lines.
        "2026-0[23]-0[12]T1[45]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{6})?\\+0100 projectium (kernel: (\\[UFW BLOCK\\] IN=eth0 OUT=|node invoked oom-killer: gfp_mask=0x0, order=0|Out of memory: Killed process 9 \\(node\\) total-vm:1kB)|systemd\\[1\\]: (pm2-root\\.service: (Deactivated successfully\\.|Failed with result 'oom-kill'\\.)|Started x\\.scope - X\\.)|CRON\\[4[0-9]\\]: (pam_unix\\(cron:session\\): session opened for user root|\\(root\\) CMD \\(ls\\))|sshd\\[7\\]: Accepted password for bob from 10\\.0\\.0\\.1 port 22 ssh2)",
        any::<String>(),
    ]
}

/// Feeds `lines` in two sinks cut at `cut`, attaching the second sink's carried
/// continuation to the first sink's last record.
fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    parse_in_two(&mut JournalParser::default(), lines, cut)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(journal_like(), 0..30)) {
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
fn bad_lines_are_unparsed_with_reasons() {
    use postmortem_parsers::journal::{REASON_BAD_TIME, REASON_NOT_JOURNAL};
    // Constructed: out-of-range stamps in three modes, and a line of no journal shape.
    let text = "Feb 30 25:00:00 h x: y\n2026-02-30T00:00:00+0000 h x: y\nTue 2026-13-01 00:00:00 UTC h x: y\nhello world\n";
    let sink = parse(text);
    assert_eq!(sink.counts.unparsed, 4);
    let reasons: Vec<_> = sink.unparsed.iter().map(|u| u.reason).collect();
    assert_eq!(reasons, [REASON_BAD_TIME, REASON_BAD_TIME, REASON_BAD_TIME, REASON_NOT_JOURNAL]);
}
