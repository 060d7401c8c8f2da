//! Syslog header forms and authentication message families, one test per family, with the
//! verbatim lines of linux-and-ci-formats.md §2/§3 and the corpus (constructed lines are
//! marked as such), plus property tests: no input panics, every line is accounted once.

use chrono::{NaiveDate, NaiveTime};
use postmortem_parsers::auth::{self, classify};
use postmortem_parsers::syslog::{SyslogParser, REASON_BAD_MONTH, REASON_BAD_TIME, REASON_NO_HEADER};
use postmortem_parsers::{parse_text, split_lines, FieldValue, LineParser, RawTime, Record, Sink};
use proptest::prelude::*;

/// The single record of a one-line input (asserting the line is one event).
fn rec(line: &'static str) -> Record<'static> {
    let sink = parse_text(&mut SyslogParser::default(), line);
    assert_eq!(sink.counts.events, 1, "{line}: {:?}", sink.unparsed);
    assert_eq!(sink.records.len(), 1, "{line}");
    sink.records.into_iter().next().unwrap()
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn no_year(month: u32, day: u32, h: u32, m: u32, sec: u32) -> RawTime {
    RawTime::NoYear { month, day, time: NaiveTime::from_hms_opt(h, m, sec).unwrap() }
}

fn iso(date: (i32, u32, u32), time: (u32, u32, u32, u32)) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2)
        .unwrap()
        .and_time(NaiveTime::from_hms_micro_opt(time.0, time.1, time.2, time.3).unwrap())
}

// ---------------------------------------------------------------------------------------
// Header forms

#[test]
fn rfc3164_header() {
    // §2, CentOS 8 /var/log/messages: space-padded day.
    let r = rec("Sep  7 14:18:32 VM-12-2-centos kernel: Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB, shmem-rss:0kB, UID:0 pgtables:38108kB oom_score_adj:0");
    assert_eq!(r.time, no_year(9, 7, 14, 18, 32));
    assert_eq!(r.host.as_deref(), Some("VM-12-2-centos"));
    assert_eq!(s(&r, "ident"), Some("kernel"));
    assert_eq!((r.source, r.kind, r.pid), ("kernel", "oom-kill", Some(2092)));
    assert!(r.message.starts_with("Out of memory: Killed process 2092 (node)"));
    // Zero-padded day (§3).
    let r = rec(
        "Dec 09 16:08:13 John sshd[1215]: Accepted password for telos from 192.168.250.1 port 63283 ssh2",
    );
    assert_eq!(r.time, no_year(12, 9, 16, 8, 13));
    assert_eq!((r.host.as_deref(), r.pid), (Some("John"), Some(1215)));
}

#[test]
fn fractional_seconds_and_colon_after_time() {
    // plaso/syslog lines 11 and 7.
    let r = rec("Mar 23 23:01:18.123 myhostname.myhost.com somrandomexe[19]: This syslog message has a fractional value for seconds.");
    assert_eq!(
        r.time,
        RawTime::NoYear { month: 3, day: 23, time: NaiveTime::from_hms_milli_opt(23, 1, 18, 123).unwrap() }
    );
    let r = rec("Feb 29 01:15:43: --- testing leap year in parsing, events take place in 2012 ---");
    assert_eq!(r.time, no_year(2, 29, 1, 15, 43));
    assert_eq!((r.host.as_deref(), s(&r, "ident")), (None, None));
    assert_eq!(r.message, "--- testing leap year in parsing, events take place in 2012 ---");
}

#[test]
fn a_tag_shaped_first_token_means_no_host() {
    // §3.3: syslog_loose gives no hostname for this line; neither do we.
    let r = rec("Jun 13 16:33:35 haproxy[73411]: Proxy http started.");
    assert_eq!((r.host.as_deref(), s(&r, "ident"), r.pid), (None, Some("haproxy"), Some(73411)));
    assert_eq!(r.message, "Proxy http started.");
    // plaso/syslog line 17: the kernel line without a host.
    let r = rec("Nov 18 08:30:20 kernel: [997.390602] sda2: rw=0, want=65, limit=2");
    assert_eq!((r.host.as_deref(), s(&r, "ident"), r.source), (None, Some("kernel"), "kernel"));
    // A colon-less word after a host is the tag (rsyslog SysklogdFileFormat).
    let r = rec("Mar  6 04:07:28 hostname log_tag this is debug");
    assert_eq!(
        (r.host.as_deref(), s(&r, "ident"), r.message.as_ref()),
        (Some("hostname"), Some("log_tag"), "this is debug")
    );
    // An IPv6 host is not a tag although it holds colons (constructed).
    let r = rec("Mar  6 04:07:28 2001:db8::1 sshd[7]: Server listening on :: port 22.");
    assert_eq!((r.host.as_deref(), s(&r, "ident")), (Some("2001:db8::1"), Some("sshd")));
}

#[test]
fn tag_without_pid_and_pids_of_any_size() {
    // §3.2 sudo (no pid), §2 a 7-digit pid (constructed line), u64 max.
    let r = rec("2026-04-10T04:46:09.476922+00:00 Ubuntu sudo: vboxuser : TTY=pts/1 ; PWD=/home/vboxuser ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow");
    assert_eq!((s(&r, "ident"), r.pid), (Some("sudo"), None));
    let r = rec("Jan  5 13:54:43 web1 node[2593316]: listening on 3000");
    assert_eq!(r.pid, Some(2_593_316));
    let r = rec("Jan  5 13:54:43 web1 x[18446744073709551615]: m");
    assert_eq!(r.pid, Some(u64::MAX));
    // §3.2 pam_sss line: a 6-digit pid plaso would not parse.
    let r = rec("Jun 26 14:30:04 server sshd[548146]: pam_sss(sshd:auth): authentication success; logname= uid=0 euid=0 tty=ssh ruser= rhost=x.x.x.x user=ipaxxxxxx");
    assert_eq!((r.pid, r.source, r.kind), (Some(548146), "auth", "auth-message"));
}

#[test]
fn odd_tags_and_empty_bodies() {
    // A non-numeric pid stays in the identifier; a body starting with "[" has no tag.
    let r = rec("Jan  5 13:54:43 h foo[bar]: msg");
    assert_eq!((s(&r, "ident"), r.pid, r.message.as_ref()), (Some("foo[bar]"), None, "msg"));
    let r = rec("Jan  5 13:54:43 h [foo] bar");
    assert_eq!((s(&r, "ident"), r.message.as_ref()), (None, "[foo] bar"));
    let r = rec("Jan  5 13:54:43 h");
    assert_eq!((r.host.as_deref(), s(&r, "ident"), r.message.as_ref()), (Some("h"), None, ""));
    let r = rec("Jan  5 13:54:43 h sshd[1]:");
    assert_eq!(
        (s(&r, "ident"), r.pid, r.kind, r.message.as_ref()),
        (Some("sshd"), Some(1), "auth-message", "")
    );
    let r = rec("Jan  5 13:54:43");
    assert_eq!((r.host.as_deref(), r.message.as_ref()), (None, ""));
    // A time glued to text is not a header.
    let sink = parse_text(&mut SyslogParser::default(), "Jan  5 13:54:43x h a: b");
    assert_eq!(sink.unparsed[0].reason, REASON_NO_HEADER);
}

#[test]
fn rsyslog_iso_offsets() {
    let r = rec("2026-04-10T04:46:09.476922+00:00 Ubuntu sudo: vboxuser : TTY=pts/1 ; PWD=/home/vboxuser ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow");
    assert_eq!(r.time, RawTime::Exact { local: iso((2026, 4, 10), (4, 46, 9, 476922)), offset_secs: 0 });
    assert_eq!(r.host.as_deref(), Some("Ubuntu"));
    // beats/syslog-tz-offset.log: +0400 without colon, and no offset at all.
    let r = rec("1986-04-26T01:23:45.101+0400 rmbkmonitor04 shutdown[2649]: shutting down for system halt");
    assert_eq!(
        r.time,
        RawTime::Exact { local: iso((1986, 4, 26), (1, 23, 45, 101_000)), offset_secs: 4 * 3600 }
    );
    let r = rec("2019-06-14T10:40:20.912134 localhost sudo: pam_unix(sudo-i:session): session opened for user root by userauth3(uid=0)");
    assert_eq!(r.time, RawTime::Local { local: iso((2019, 6, 14), (10, 40, 20, 912134)), file_offset: None });
    // Z (constructed) and a negative offset (plaso/syslog_chromeos).
    let r = rec("2026-04-10T04:46:09Z web1 app[1]: hi");
    assert_eq!(r.time, RawTime::Exact { local: iso((2026, 4, 10), (4, 46, 9, 0)), offset_secs: 0 });
    let r =
        rec("2016-10-25T12:37:23.297265-07:00 INFO periodic_scheduler[13707]: cleanup_logs: job completed");
    assert_eq!(
        r.time,
        RawTime::Exact { local: iso((2016, 10, 25), (12, 37, 23, 297265)), offset_secs: -7 * 3600 }
    );
}

#[test]
fn chromeos_and_macos_severity() {
    let r = rec("2016-10-25T12:37:24.987995-07:00 WARNING kernel: [  316.561088] init: debugd main process (10086) killed by TERM signal");
    assert_eq!(
        (r.host.as_deref(), s(&r, "ident"), s(&r, "severity")),
        (None, Some("kernel"), Some("warning"))
    );
    assert_eq!(r.source, "kernel");
    let r =
        rec("Mar 11 19:26:45 osx-machine sockerfilterfw[1985] <Info>: launchd Allow TCP LISTEN (in:0 out:2)");
    assert_eq!(
        (r.pid, s(&r, "severity"), r.message.as_ref()),
        (Some(1985), Some("info"), "launchd Allow TCP LISTEN (in:0 out:2)")
    );
}

#[test]
fn pri_prefix_gives_facility_and_severity() {
    // syslog_loose's test line (§3.3): PRI + RFC3339 + host.
    let r = rec("<34>2020-10-11T22:14:15.00Z mymachine app[323]: a message");
    assert_eq!((s(&r, "facility"), s(&r, "severity")), (Some("auth"), Some("crit")));
    assert_eq!(
        (r.host.as_deref(), s(&r, "ident"), r.pid, r.message.as_ref()),
        (Some("mymachine"), Some("app"), Some(323), "a message")
    );
    let r = rec("<86>Oct 11 22:14:15 host sudo: deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/pm2 stop all");
    assert_eq!((s(&r, "facility"), s(&r, "severity"), r.kind), (Some("authpriv"), Some("info"), "sudo"));
    // Out of range: not a PRI, not a header.
    let sink = parse_text(&mut SyslogParser::default(), "<192>Oct 11 22:14:15 host x: y");
    assert_eq!(sink.unparsed[0].reason, REASON_NO_HEADER);
}

#[test]
fn rfc5424() {
    // RFC 5424 §6.5 examples.
    let r = rec("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed for lonvick on /dev/pts/8");
    assert_eq!(r.time, RawTime::Exact { local: iso((2003, 10, 11), (22, 14, 15, 3000)), offset_secs: 0 });
    assert_eq!(
        (r.host.as_deref(), s(&r, "ident"), r.pid, s(&r, "msgid")),
        (Some("mymachine.example.com"), Some("su"), None, Some("ID47"))
    );
    assert_eq!(r.message, "'su root' failed for lonvick on /dev/pts/8");
    assert_eq!((r.source, r.kind), ("auth", "auth-message"));
    let r = rec(
        r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event"#,
    );
    assert_eq!(
        s(&r, "structured_data"),
        Some(
            r#"[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]"#
        )
    );
    assert_eq!(
        (s(&r, "facility"), s(&r, "severity"), r.message.as_ref()),
        (Some("local4"), Some("notice"), "An application event")
    );
    // Escaped `]` inside a value, nil timestamp, nil app, non-numeric procid, no message.
    let r = rec(r#"<13>1 - host - abc - [a@1 v="x\]y"]"#);
    assert_eq!((r.time, s(&r, "ident"), r.pid, s(&r, "procid")), (RawTime::None, None, None, Some("abc")));
    assert_eq!((s(&r, "structured_data"), r.message.as_ref()), (Some(r#"[a@1 v="x\]y"]"#), ""));
}

#[test]
fn spaced_identifiers_of_old_syslogd_and_login() {
    // loghub Linux_2k.log lines 146 and 899 (ground truth: "syslogd 1.4.1", "-- root").
    let r = rec("Jun 19 04:09:11 combo syslogd 1.4.1: restart.");
    assert_eq!((s(&r, "ident"), r.pid, r.message.as_ref()), (Some("syslogd 1.4.1"), None, "restart."));
    let r = rec("Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2");
    assert_eq!((r.host.as_deref(), s(&r, "ident"), r.pid), (Some("combo"), Some("-- root"), Some(2421)));
    assert_eq!(
        (r.source, r.kind, r.user.as_deref(), s(&r, "tty")),
        ("auth", "login", Some("root"), Some("tty2"))
    );
}

#[test]
fn repeated_messages() {
    let r = rec("Nov 18 01:15:43: --- last message repeated 5 times ---");
    assert_eq!((r.kind, int(&r, "count"), r.host.as_deref()), ("message-repeated", Some(5), None));
    let r = rec("Mar 24 14:26:01 --- last message repeated 2 times ---");
    assert_eq!((r.kind, int(&r, "count")), ("message-repeated", Some(2)));
    // sysklogd with a host (constructed).
    let r = rec("Mar 24 14:26:01 web1 last message repeated 3 times");
    assert_eq!(
        (r.kind, int(&r, "count"), r.host.as_deref(), s(&r, "ident")),
        ("message-repeated", Some(3), Some("web1"), None)
    );
    // rsyslog, loghub OpenSSH_2k.log line 30: the inner sshd event is classified too.
    let r = rec("Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]");
    assert_eq!((r.source, r.kind, int(&r, "count")), ("auth", "message-repeated", Some(5)));
    assert_eq!(s(&r, "repeated_message"), Some("Failed password for root from 5.36.59.76 port 42393 ssh2"));
    assert_eq!(
        (s(&r, "repeated_kind"), s(&r, "ip"), r.user.as_deref()),
        (Some("ssh-failed"), Some("5.36.59.76"), Some("root"))
    );
    // plaso/syslog_rsyslog line 1.
    let r =
        rec("2020-05-31T00:00:45.698463+00:00 localhost rsyslogd:  message repeated 76 times: [-- MARK --]");
    assert_eq!(
        (r.source, s(&r, "repeated_message"), s(&r, "repeated_kind")),
        ("syslog", Some("-- MARK --"), None)
    );
}

// ---------------------------------------------------------------------------------------
// Line accounting

#[test]
fn other_lines() {
    let text = "Header1: abc\n\tindented before any record\n\nNov  3 09:23:38 veridian automount[7998]: lookup failed\n\tcontinued\nplain words continue too\n   \nMMM 22 07:54:32 myhostname.myhost.com anacron[29782]: Normal exit (1 job run)\nDec 32 06:55:46 h x: y\n2026-02-30T00:00:00 h x: y\n";
    let sink = parse_text(&mut SyslogParser::default(), text);
    let c = sink.counts;
    assert_eq!((c.events, c.continuation, c.structural, c.unparsed), (1, 2, 2, 5));
    let unparsed: Vec<(u64, &str)> = sink.unparsed.iter().map(|u| (u.line, u.reason)).collect();
    assert_eq!(
        unparsed,
        [
            (1, REASON_NO_HEADER),
            (2, REASON_NO_HEADER),
            (8, REASON_BAD_MONTH),
            (9, REASON_BAD_TIME),
            (10, REASON_BAD_TIME)
        ]
    );
    assert_eq!(sink.records[0].continuation, ["\tcontinued", "plain words continue too"]);
}

#[test]
fn forward_format_records_on_one_line() {
    // Constructed after plaso's ForwardFormat files: three records, then a cut-off `<PRI>`.
    let text = "<15>Mar  6 04:07:23 h tag one<14>2021-03-06T04:07:33.196352+00:00 h tag two\nmore text<30>Mar  6 04:07:23 h systemd[1]: three<30>";
    let sink = parse_text(&mut SyslogParser::default(), text);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 1));
    let got: Vec<(u64, &str, Option<&str>)> =
        sink.records.iter().map(|r| (r.line, r.message.as_ref(), s(r, "severity"))).collect();
    assert_eq!(got, [(1, "one", Some("debug")), (1, "two", Some("info")), (2, "three", Some("info"))]);
    assert_eq!(sink.records[1].continuation, ["more text"]);
    // Without any `<PRI>` header, `<13>…` inside a message is just text.
    let r = rec("Mar  6 04:07:23 h app: got <13>Mar  6 04:07:23 h x: y from a client");
    assert_eq!(r.message, "got <13>Mar  6 04:07:23 h x: y from a client");
}

// ---------------------------------------------------------------------------------------
// Authentication families

#[test]
fn ssh_login() {
    // §3.2, truncated by journalctl ('>'): the fingerprint is kept as written.
    let r = rec("Mar 22 07:13:10 node0... sshd[16182]: Accepted publickey for id_17 from 202.175.67.228 port 61379 ssh2: RSA SHA256:+RyOc9xgUp/wlBnvz2qe2IJN>");
    assert_eq!((r.source, r.kind, r.user.as_deref()), ("auth", "ssh-login", Some("id_17")));
    assert_eq!(
        (s(&r, "method"), s(&r, "ip"), int(&r, "port")),
        (Some("publickey"), Some("202.175.67.228"), Some(61379))
    );
    assert_eq!(
        (s(&r, "key_type"), s(&r, "fingerprint")),
        (Some("RSA"), Some("SHA256:+RyOc9xgUp/wlBnvz2qe2IJN>"))
    );
    let r = rec(
        "Dec 09 16:08:13 John sshd[1215]: Accepted password for telos from 192.168.250.1 port 63283 ssh2",
    );
    assert_eq!((r.kind, s(&r, "method"), s(&r, "key_type")), ("ssh-login", Some("password"), None));
    // plaso's traps: ED25519 fingerprints, user names with - _ . $, IPv6, sshd-session
    // (constructed lines).
    let r = rec("2026-04-10T04:46:09.476922+00:00 web1 sshd-session[2593316]: Accepted publickey for deploy-bot from 2001:db8::7 port 50022 ssh2: ED25519 SHA256:Xm9GhZ1Jz0n4X7Qk2b0Y2B1i0a6n3uQm0p3e5VwqYbE");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "ip")),
        ("ssh-login", Some("deploy-bot"), Some("2001:db8::7"))
    );
    assert_eq!(
        (s(&r, "key_type"), s(&r, "fingerprint")),
        (Some("ED25519"), Some("SHA256:Xm9GhZ1Jz0n4X7Qk2b0Y2B1i0a6n3uQm0p3e5VwqYbE"))
    );
    for user in ["www_data", "first.last", "HOST$", "a-b_c.d$"] {
        let body = format!("Accepted keyboard-interactive/pam for {user} from 10.0.0.9 port 2222 ssh2");
        let ev = classify("sshd", &body).unwrap();
        assert_eq!((ev.kind, ev.user), ("ssh-login", Some(user)));
        assert_eq!(ev.field("method"), Some(&FieldValue::from("keyboard-interactive/pam")));
    }
    // Certificates: the key type and first fingerprint; the rest stays in the message.
    let ev = classify("sshd", "Accepted publickey for ci from 10.1.1.1 port 8888 ssh2: ED25519-CERT SHA256:abc ID ci@runner (serial 7) CA ED25519 SHA256:def").unwrap();
    assert_eq!(
        (ev.field("key_type"), ev.field("fingerprint")),
        (Some(&FieldValue::from("ED25519-CERT")), Some(&FieldValue::from("SHA256:abc")))
    );
}

#[test]
fn ssh_failed_and_invalid_user() {
    // loghub OpenSSH_2k.log lines 6, 10, and the "Failed none" template.
    let r = rec("Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2");
    assert_eq!(
        (r.kind, r.user.as_deref(), int(&r, "invalid_user")),
        ("ssh-failed", Some("webmaster"), Some(1))
    );
    assert_eq!(
        (s(&r, "method"), s(&r, "ip"), int(&r, "port")),
        (Some("password"), Some("173.234.31.186"), Some(38926))
    );
    let r =
        rec("Dec 10 07:13:43 LabSZ sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2");
    assert_eq!((r.kind, r.user.as_deref(), int(&r, "invalid_user")), ("ssh-failed", Some("root"), Some(0)));
    let r = rec(
        "Dec 10 08:24:40 LabSZ sshd[24363]: Failed none for invalid user 0 from 5.188.10.180 port 49811 ssh2",
    );
    assert_eq!((r.kind, s(&r, "method"), r.user.as_deref()), ("ssh-failed", Some("none"), Some("0")));
    // plaso/syslog_ssh.log: no "ssh2", a short-form IPv6 address.
    let r = rec(
        "Mar 11 22:55:30 ubuntu2015 sshd[3]:  Failed publickey for plaso from 001:db8:a0b:12f0::1 port 8759",
    );
    assert_eq!(
        (r.kind, s(&r, "ip"), int(&r, "port")),
        ("ssh-failed", Some("001:db8:a0b:12f0::1"), Some(8759))
    );
    // beats/auth-test.log line 3, and the newer form with a port (constructed).
    let r = rec("Feb 21 21:56:12 localhost sshd[3430]: Invalid user test from 10.0.2.2");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "ip"), int(&r, "port")),
        ("ssh-invalid-user", Some("test"), Some("10.0.2.2"), None)
    );
    let r = rec("Apr  1 00:00:00 h sshd[9]: Invalid user oracle.backup from 198.51.100.4 port 40022");
    assert_eq!((r.user.as_deref(), int(&r, "port")), (Some("oracle.backup"), Some(40022)));
}

#[test]
fn ssh_disconnect_and_connect() {
    // §3.2 (canonical/multipass#3252).
    let r = rec("Oct 12 11:29:12 primary sshd[1954]: Connection closed by authenticating user root 192.168.64.1 port 50897 [preauth]");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "ip"), int(&r, "port")),
        ("ssh-disconnect", Some("root"), Some("192.168.64.1"), Some(50897))
    );
    assert_eq!((int(&r, "preauth"), int(&r, "invalid_user")), (Some(1), Some(0)));
    // loghub OpenSSH_2k.log: old forms without port.
    let r = rec("Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]");
    assert_eq!(
        (r.kind, s(&r, "ip"), int(&r, "port"), r.user.as_deref()),
        ("ssh-disconnect", Some("173.234.31.186"), None, None)
    );
    let r = rec(
        "Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]",
    );
    assert_eq!(
        (r.kind, s(&r, "ip"), int(&r, "code"), s(&r, "reason"), int(&r, "preauth")),
        ("ssh-disconnect", Some("52.80.34.196"), Some(11), Some("Bye Bye"), Some(1))
    );
    let r = rec("Dec 10 09:11:22 LabSZ sshd[24439]: error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]");
    assert_eq!((r.kind, int(&r, "code")), ("ssh-disconnect", Some(14)));
    let r = rec("Dec 10 09:45:06 LabSZ sshd[24761]: Received disconnect from 119.137.62.142: 11: disconnected by user");
    assert_eq!((s(&r, "reason"), int(&r, "preauth")), (Some("disconnected by user"), Some(0)));
    let r = rec("Dec 10 07:13:56 LabSZ sshd[24227]: Disconnecting: Too many authentication failures for root [preauth]");
    assert_eq!((r.kind, r.user.as_deref()), ("ssh-disconnect", Some("root")));
    let r =
        rec("Dec 10 07:34:33 LabSZ sshd[24301]: Did not receive identification string from 123.235.32.19");
    assert_eq!((r.kind, s(&r, "ip")), ("ssh-disconnect", Some("123.235.32.19")));
    // The newer templates (§3.2 "other OpenSSH templates", constructed).
    let r = rec(
        "Apr  1 00:00:00 h sshd[9]: Received disconnect from 203.0.113.5 port 51234:11: disconnected by user",
    );
    assert_eq!((s(&r, "ip"), int(&r, "port"), int(&r, "code")), (Some("203.0.113.5"), Some(51234), Some(11)));
    let r = rec(
        "Apr  1 00:00:00 h sshd[9]: Disconnected from invalid user admin 203.0.113.5 port 51234 [preauth]",
    );
    assert_eq!(
        (r.user.as_deref(), int(&r, "invalid_user"), int(&r, "preauth")),
        (Some("admin"), Some(1), Some(1))
    );
    let r = rec("Apr  1 00:00:00 h sshd[9]: Disconnected from user deploy 2001:db8::2 port 22");
    assert_eq!(
        (r.user.as_deref(), s(&r, "ip"), int(&r, "preauth")),
        (Some("deploy"), Some("2001:db8::2"), Some(0))
    );
    let r = rec("Apr  1 00:00:00 h sshd[9]: Connection closed by 203.0.113.5 port 51234 [preauth]");
    assert_eq!((s(&r, "ip"), int(&r, "port")), (Some("203.0.113.5"), Some(51234)));
    let r = rec("Apr  1 00:00:00 h sshd[9]: Connection reset by invalid user x 203.0.113.5 port 1 [preauth]");
    assert_eq!((r.kind, s(&r, "reason")), ("ssh-disconnect", Some("connection reset")));
    // ssh-connect: plaso/syslog_ssh.log, and the form with the local end (constructed).
    let r = rec("Mar 11 22:55:31 ubuntu2015 sshd[3]:  Connection from 188.124.3.41 port 32889");
    assert_eq!((r.kind, s(&r, "ip"), int(&r, "port")), ("ssh-connect", Some("188.124.3.41"), Some(32889)));
    let r = rec(
        "Apr  1 00:00:00 h sshd[9]: Connection from 203.0.113.5 port 51234 on 10.0.0.2 port 22 rdomain \"\"",
    );
    assert_eq!((s(&r, "local_ip"), int(&r, "local_port")), (Some("10.0.0.2"), Some(22)));
}

#[test]
fn auth_failures() {
    // loghub OpenSSH_2k.log lines 5 and 9, §3.2 "PAM 3 more".
    let r = rec("Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ");
    assert_eq!(
        (r.kind, s(&r, "service"), s(&r, "ip"), s(&r, "tty"), int(&r, "uid")),
        ("auth-failure", Some("sshd"), Some("173.234.31.186"), Some("ssh"), Some(0))
    );
    assert_eq!((r.user.as_deref(), s(&r, "logname"), s(&r, "ruser")), (None, None, None));
    let r = rec("Dec 10 07:13:31 LabSZ sshd[24227]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root");
    assert_eq!(
        (r.user.as_deref(), s(&r, "rhost"), s(&r, "ip")),
        (Some("root"), Some("5.36.59.76.dynamic-dsl-ip.omantel.net.om"), None)
    );
    let r = rec("Nov 30 01:07:27 localhost sshd[1300]: PAM 3 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.168.182.1");
    assert_eq!((r.kind, int(&r, "count"), s(&r, "ip")), ("auth-failure", Some(3), Some("192.168.182.1")));
    let r = rec("Nov 30 01:07:27 localhost sshd[1300]: PAM service(sshd) ignoring max retries; 4 > 3");
    assert_eq!(r.kind, "auth-message");
    // loghub Linux_2k.log line 4: old PAM ident `sshd(pam_unix)`.
    let r = rec("Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root");
    assert_eq!(
        (r.kind, s(&r, "service"), r.user.as_deref(), s(&r, "ident")),
        ("auth-failure", Some("sshd"), Some("root"), Some("sshd(pam_unix)"))
    );
    // sudo's PAM failure (constructed from the linux-pam format).
    let r = rec("2026-04-10T04:46:09.476922+00:00 web1 sudo: pam_unix(sudo:auth): authentication failure; logname=deploy uid=1000 euid=0 tty=/dev/pts/0 ruser=deploy rhost=  user=deploy");
    assert_eq!(
        (r.kind, s(&r, "service"), s(&r, "logname"), r.user.as_deref(), s(&r, "rhost")),
        ("auth-failure", Some("sudo"), Some("deploy"), Some("deploy"), None)
    );
}

#[test]
fn pam_sessions() {
    let r = rec(
        "Mar 20 09:01:13 host sshd[2712]: pam_unix(sshd:session): session opened for user root by (uid=0)",
    );
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "service"), int(&r, "uid"), s(&r, "by_user"), int(&r, "by_uid")),
        ("session-open", Some("root"), Some("sshd"), None, None, Some(0))
    );
    let r = rec("Oct 12 11:26:28 primary sshd[1869]: pam_unix(sshd:session): session opened for user ubuntu(uid=1000) by (uid=0)");
    assert_eq!((r.user.as_deref(), int(&r, "uid"), int(&r, "by_uid")), (Some("ubuntu"), Some(1000), Some(0)));
    let r = rec("Oct 12 11:34:09 primary sshd[1869]: pam_unix(sshd:session): session closed for user ubuntu");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "service")),
        ("session-close", Some("ubuntu"), Some("sshd"))
    );
    // §3.2 sudo/su/cron sessions (the sudo one from beats/auth-timestamp.log).
    let r = rec("2019-06-14T10:40:20.912134 localhost sudo: pam_unix(sudo-i:session): session opened for user root by userauth3(uid=0)");
    assert_eq!(
        (r.kind, s(&r, "service"), s(&r, "by_user")),
        ("session-open", Some("sudo-i"), Some("userauth3"))
    );
    let r = rec("Jan  5 13:54:43 web1 su: pam_unix(su-l:session): session opened for user root(uid=0) by deploy(uid=1000)");
    assert_eq!(
        (r.user.as_deref(), int(&r, "uid"), s(&r, "by_user"), int(&r, "by_uid")),
        (Some("root"), Some(0), Some("deploy"), Some(1000))
    );
    let r = rec("Jan  5 13:55:01 web1 CRON[1234]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
    assert_eq!((r.source, r.kind, s(&r, "service")), ("auth", "session-open", Some("cron")));
    // systemd's user manager: any program's PAM session lines are auth events.
    let r = rec("Jan  5 13:55:01 web1 systemd[812]: pam_unix(systemd-user:session): session opened for user deploy(uid=1000) by deploy(uid=0)");
    assert_eq!((r.source, r.kind, s(&r, "service")), ("auth", "session-open", Some("systemd-user")));
    // loghub Linux_2k.log: su(pam_unix), login(pam_unix) `by LOGIN(uid=0)`.
    let r = rec("Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)");
    assert_eq!((r.kind, s(&r, "service"), r.user.as_deref()), ("session-open", Some("su"), Some("cyrus")));
    let r = rec("Jul  7 08:06:15 combo login(pam_unix)[2421]: session opened for user root by LOGIN(uid=0)");
    assert_eq!((s(&r, "by_user"), int(&r, "by_uid")), (Some("LOGIN"), Some(0)));
    // passwd (constructed).
    let r = rec("Jan  5 13:54:43 web1 passwd[4242]: pam_unix(passwd:chauthtok): password changed for deploy");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "service")),
        ("password-changed", Some("deploy"), Some("passwd"))
    );
}

#[test]
fn sudo() {
    // §3.2, sudo and sudo-rs.
    let r = rec("2026-04-10T04:46:09.476922+00:00 Ubuntu sudo: vboxuser : TTY=pts/1 ; PWD=/home/vboxuser ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow");
    assert_eq!((r.kind, r.user.as_deref()), ("sudo", Some("vboxuser")));
    assert_eq!(
        (s(&r, "tty"), s(&r, "pwd"), s(&r, "target_user"), s(&r, "command")),
        (Some("pts/1"), Some("/home/vboxuser"), Some("root"), Some("/usr/bin/cat /etc/shadow"))
    );
    let r = rec("2026-09-27T15:34:54.928732+00:00 Ubuntu sudo: vboxuser : TTY=/dev/pts/0 ; PWD=/home/vboxuser/lab11 ; USER=root ; COMMAND=/usr/bin/grep -i failed /var/log/auth.log");
    assert_eq!(
        (s(&r, "tty"), s(&r, "command")),
        (Some("/dev/pts/0"), Some("/usr/bin/grep -i failed /var/log/auth.log"))
    );
    // Right-aligned user, GROUP and ENV, a COMMAND holding " ; " (constructed).
    let r = rec("Jan  5 13:54:43 web1 sudo:     root : TTY=pts/2 ; PWD=/srv/app ; USER=deploy ; GROUP=www-data ; ENV=NODE_ENV=production ; COMMAND=/bin/sh -c cd /srv ; pm2 reload all");
    assert_eq!(
        (r.user.as_deref(), s(&r, "target_group"), s(&r, "env")),
        (Some("root"), Some("www-data"), Some("NODE_ENV=production"))
    );
    assert_eq!(s(&r, "command"), Some("/bin/sh -c cd /srv ; pm2 reload all"));
    // beats/auth-test.log line 8: refused by policy.
    let r = rec("Feb 24 00:13:02 precise32 sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "reason"), s(&r, "command")),
        ("sudo-denied", Some("tsg"), Some("user NOT in sudoers"), Some("/bin/ls"))
    );
    // §3.2 failure form (constructed).
    let r = rec("Jan  5 13:54:43 web1 sudo:   deploy : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/pm2 stop all");
    assert_eq!(
        (r.kind, int(&r, "attempts"), s(&r, "command")),
        ("sudo-failed", Some(3), Some("/usr/bin/pm2 stop all"))
    );
    let r = rec("Jan  5 13:54:43 web1 sudo:   deploy : command not allowed ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/bash");
    assert_eq!(r.kind, "sudo-denied");
    let r = rec("Jan  5 13:54:43 web1 sudo: unable to resolve host web1: Name or service not known");
    assert_eq!((r.source, r.kind), ("auth", "auth-message"));
}

#[test]
fn sudo_command_continued() {
    // sudo's FMT_CONTD (§3.2); constructed lines.
    let text = "Jan  5 13:54:43 web1 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/env NODE_ENV=production\nJan  5 13:54:43 web1 sudo:   deploy : (command continued) pm2 start ecosystem.config.js\nJan  5 13:54:43 web1 sudo:   deploy : (command continued) --update-env\n";
    let sink = parse_text(&mut SyslogParser::default(), text);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 2));
    let r = &sink.records[0];
    assert_eq!(
        s(r, "command"),
        Some("/usr/bin/env NODE_ENV=production pm2 start ecosystem.config.js --update-env")
    );
    assert_eq!(r.continuation, ["pm2 start ecosystem.config.js", "--update-env"]);

    // Each line in its own chunk: the sudo record is held until a line that does not
    // continue it, so the joined command does not depend on where chunks end.
    let mut parser = SyslogParser::default();
    let lines: Vec<&str> = split_lines(text).collect();
    let mut sinks: Vec<Sink> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut sink = Sink::new();
        parser.parse_line(i as u64 + 1, line, &mut sink);
        sinks.push(sink);
    }
    let mut last = Sink::new();
    parser.finish(&mut last);
    assert!(sinks.iter().all(|s| s.records.is_empty() && s.carried_continuation.is_empty()));
    assert_eq!(sinks.iter().map(|s| s.counts.total()).sum::<u64>(), 3);
    assert_eq!(last.records.len(), 1);
    assert_eq!(
        s(&last.records[0], "command"),
        Some("/usr/bin/env NODE_ENV=production pm2 start ecosystem.config.js --update-env")
    );

    // Another user's continuation, or one after a different record, stands alone.
    let text = "Jan  5 13:54:43 web1 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/x\nJan  5 13:54:43 web1 sudo:    alice : (command continued) y\n";
    let sink = parse_text(&mut SyslogParser::default(), text);
    assert_eq!(sink.counts.events, 2);
    assert_eq!((sink.records[1].kind, s(&sink.records[1], "command")), ("sudo-continued", Some("y")));
    assert_eq!(s(&sink.records[0], "command"), Some("/x"));
}

#[test]
fn su() {
    // §3.2 (constructed where the reference marks it unverified).
    let r = rec("Jan  5 13:54:43 web1 su[4242]: (to root) deploy on pts/0");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "target_user"), s(&r, "tty")),
        ("su", Some("deploy"), Some("root"), Some("pts/0"))
    );
    let r = rec("Jan  5 13:54:43 web1 su[4242]: Successful su for root by deploy");
    assert_eq!((r.kind, r.user.as_deref(), s(&r, "target_user")), ("su", Some("deploy"), Some("root")));
    let r = rec("Jan  5 13:54:43 web1 su[4242]: + pts/0 deploy:root");
    assert_eq!(
        (r.kind, r.user.as_deref(), s(&r, "target_user"), s(&r, "tty")),
        ("su", Some("deploy"), Some("root"), Some("pts/0"))
    );
    let r = rec("Jan  5 13:54:43 web1 su[4242]: - pts/0 deploy:root");
    assert_eq!(r.kind, "su-failed");
    let r = rec("Jan  5 13:54:43 web1 su[4242]: FAILED su for root by deploy");
    assert_eq!((r.kind, r.user.as_deref()), ("su-failed", Some("deploy")));
    let r = rec("Jan  5 13:54:43 web1 su[4242]: FAILED SU (to root) deploy on pts/0");
    assert_eq!((r.kind, s(&r, "tty")), ("su-failed", Some("pts/0")));
    let r = rec("Jan  5 13:54:43 web1 su[4242]: pam_authenticate: Authentication failure");
    assert_eq!(r.kind, "su-failed");
}

#[test]
fn logind_sessions() {
    let r = rec("Mar 22 07:13:10 node0... systemd-logind[1464]: New session 61 of user id_17.");
    assert_eq!(
        (r.source, r.kind, r.user.as_deref(), s(&r, "session")),
        ("auth", "logind-session-new", Some("id_17"), Some("61"))
    );
    let r = rec("Mar 22 07:13:06 node0... systemd-logind[1464]: Session 19 logged out. Waiting for processes to exit.");
    assert_eq!((r.kind, s(&r, "session")), ("logind-session-removed", Some("19")));
    let r = rec("Dec 18 10:12:43 test systemd-logind[856]: Removed session c3.");
    assert_eq!((r.kind, s(&r, "session")), ("logind-session-removed", Some("c3")));
    // Other logind lines are plain syslog; systemd's own session lines are unit lifecycle
    // (older systemd names the description, not the unit).
    let r = rec("Mar 22 07:13:10 node0... systemd[1]: Started Session 61 of user id_17.");
    assert_eq!(
        (r.source, r.kind, s(&r, "description")),
        ("syslog", "unit-started", Some("Session 61 of user id_17"))
    );
    let r = rec("Dec 18 10:12:43 test systemd-logind[856]: Watching system buttons on /dev/input/event0 (Power Button)");
    assert_eq!((r.source, r.kind), ("syslog", "message"));
}

#[test]
fn cron() {
    // plaso/syslog_cron.log line 2 and plaso/syslog line 5 (an extra ")").
    let r =
        rec("Mar 11 19:26:39 osx-machine CRON[3]: (root) CMD (sleep $(( 1 * 60 )); touch /tmp/afile.txt)");
    assert_eq!(
        (r.source, r.kind, r.user.as_deref(), s(&r, "command")),
        ("auth", "cron", Some("root"), Some("sleep $(( 1 * 60 )); touch /tmp/afile.txt"))
    );
    let r = rec("Jan 22 07:54:01 myhostname.myhost.com CRON[31067]: (root) CMD (/sbin/status.mycheck))");
    assert_eq!(s(&r, "command"), Some("/sbin/status.mycheck)"));
    // RHEL crond, a user with a dot (constructed).
    let r = rec("Jan  5 13:55:01 web1 crond[1234]: (deploy.bot) CMD (pm2 flush)");
    assert_eq!((r.kind, r.user.as_deref()), ("cron", Some("deploy.bot")));
    // cron daemon lines are not auth events (plaso SysklogdFileFormat line 9).
    let r = rec("Mar  6 04:07:28 hostname cron[18810]: (CRON) INFO (pidfile fd = 3)");
    assert_eq!((r.source, r.kind), ("syslog", "message"));
}

#[test]
fn accounts() {
    // beats/auth-test.log lines 9 and 10.
    let r = rec("Feb 22 11:47:05 localhost groupadd[6991]: new group: name=apache, GID=48");
    assert_eq!((r.kind, s(&r, "group"), int(&r, "gid")), ("group-added", Some("apache"), Some(48)));
    let r = rec("Feb 22 11:47:05 localhost useradd[6995]: new user: name=apache, UID=48, GID=48, home=/usr/share/httpd, shell=/sbin/nologin");
    assert_eq!(
        (r.kind, r.user.as_deref(), int(&r, "uid"), s(&r, "home"), s(&r, "shell")),
        ("user-added", Some("apache"), Some(48), Some("/usr/share/httpd"), Some("/sbin/nologin"))
    );
    let r = rec("Feb 22 11:47:05 localhost useradd[6995]: add 'apache' to group 'wheel'");
    assert_eq!((r.source, r.kind), ("auth", "auth-message"));
}

#[test]
fn classify_is_reusable_without_a_syslog_header() {
    // What the journal parser will call with SYSLOG_IDENTIFIER + MESSAGE.
    let ev = classify("sshd", "Accepted password for deploy from 10.0.0.5 port 4242 ssh2").unwrap();
    assert_eq!((ev.kind, ev.user, ev.len()), ("ssh-login", Some("deploy"), 3));
    let ident = String::from("sshd(pam_unix)");
    let ev = classify(&ident, "session closed for user news").unwrap();
    drop(ident);
    assert_eq!(ev.field("service"), Some(&FieldValue::from("sshd")));
    assert_eq!(classify("nginx", "GET / 200"), None);
    assert!(auth::is_auth_ident("/usr/sbin/sshd"));
    let kinds: Vec<&str> = auth::KINDS.iter().map(|(k, _)| *k).collect();
    for k in ["ssh-login", "ssh-failed", "sudo", "su", "cron", "auth-message", "logind-session-new"] {
        assert!(kinds.contains(&k), "{k}");
    }
}

// ---------------------------------------------------------------------------------------
// Properties

fn header_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(<[0-9]{1,3}>)?(Jan|Feb|Dec|MMM|août) [ 0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,9})?:? ?[ -~]{0,60}",
        "(<[0-9]{1,3}>1 )?[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{0,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)? [ -~]{0,60}",
        "Jan  5 13:54:43 h (sshd|sudo|su|CRON|systemd-logind|useradd|x\\(pam_unix\\))(\\[[0-9]{1,25}\\])?:? [ -~\u{e9}\u{1f600}]{0,80}",
        "Jan  5 13:54:43 h sshd\\[1\\]: (Accepted|Failed|Invalid user|Connection closed by|Received disconnect from|Disconnected from|PAM) [ -~]{0,60}",
        "Jan  5 13:54:43 h sudo: +[a-z]{0,9} : [ -~]{0,40}( ; [A-Z]{2,7}=[ -~]{0,10}){0,5}",
        "[\t ]+[ -~]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse_text(&mut SyslogParser::default(), &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn every_line_is_accounted_once(lines in prop::collection::vec(header_like(), 0..40), cut in 0usize..40) {
        let mut parser = SyslogParser::default();
        let mut a = Sink::new();
        let mut b = Sink::new();
        let mut fed = 0u64;
        for (i, raw) in lines.iter().enumerate() {
            // Each generated string may hold newlines: feed its physical lines.
            for line in raw.split('\n') {
                fed += 1;
                let sink = if i < cut { &mut a } else { &mut b };
                parser.parse_line(fed, line, sink);
            }
        }
        parser.finish(&mut b);
        prop_assert_eq!(a.counts.total() + b.counts.total(), fed);
        for r in a.records.iter().chain(&b.records) {
            prop_assert!(r.line >= 1 && r.line <= fed);
            prop_assert!(!r.kind.is_empty() && ["auth", "kernel", "syslog"].contains(&r.source));
        }
    }
}
