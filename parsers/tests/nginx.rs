//! nginx access and error logs: the reference lines of the task brief, real lines quoted in
//! public GitHub texts (cited at each use; the corpus has no nginx file), the lnav
//! `logfile_syslog_with_access_log.0` access messages (through `parse_access`), constructed
//! lines (marked as such), and property tests: no input panics, every line is accounted once,
//! results do not depend on where the input is cut.

use chrono::{NaiveDate, NaiveDateTime};
use postmortem_parsers::nginx::{
    is_health_path, parse_access, sniff_line, NginxParser, HEALTH_CHECK, HTTP_5XX, HTTP_REQUEST, KINDS,
    NAME_HINTS, NGINX_ERROR, NO_LIVE_UPSTREAMS, REASON_BAD_TIME, REASON_NOT_NGINX, SOURCE, UPSTREAM_REFUSED,
    UPSTREAM_TIMEOUT,
};
use postmortem_parsers::{parse_in_two, parse_text, split_lines, RawTime, Record, Sink};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn parse(text: &str) -> Sink<'_> {
    parse_text(&mut NginxParser::default(), text)
}

fn rec(line: &'static str) -> Record<'static> {
    let sink = parse(line);
    assert_eq!(sink.counts.events, 1, "{line}: {:?}", sink.unparsed);
    sink.records.into_iter().next().unwrap()
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap()
}

fn keys(r: &Record<'_>) -> Vec<&'static str> {
    r.fields.iter().map(|(k, _)| *k).collect()
}

// Reference lines of the task brief.
const ACCESS_502: &str =
    r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET /api/health/ready HTTP/1.1" 502 157 "-" "curl/8.5.0""#;
const ERROR_REFUSED: &str = r#"2026/02/17 14:31:05 [error] 1234#1234: *5678 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: example.com, request: "GET /api/health/ready HTTP/1.1", upstream: "http://127.0.0.1:3001/api/health/ready", host: "example.com""#;

#[test]
fn brief_access_line() {
    let r = rec(ACCESS_502);
    assert_eq!(r.line, 1);
    assert_eq!(r.time, RawTime::Exact { local: dt(2026, 2, 17, 14, 31, 5), offset_secs: 3600 });
    assert_eq!(r.source, SOURCE);
    // Precedence: a 5xx health check is a health-check (its status tells it failed).
    assert_eq!(r.kind, HEALTH_CHECK);
    assert_eq!(r.message, r#""GET /api/health/ready HTTP/1.1" 502 157 "-" "curl/8.5.0""#);
    assert_eq!(r.user, None);
    assert_eq!(s(&r, "client"), Some("1.2.3.4"));
    assert_eq!(s(&r, "method"), Some("GET"));
    assert_eq!(s(&r, "path"), Some("/api/health/ready"));
    assert_eq!(int(&r, "status"), Some(502));
    assert_eq!(int(&r, "bytes"), Some(157));
    assert_eq!(s(&r, "referer"), None);
    assert_eq!(s(&r, "user_agent"), Some("curl/8.5.0"));
    assert_eq!(keys(&r), ["client", "method", "path", "status", "bytes", "user_agent"]);
}

#[test]
fn brief_error_line() {
    let r = rec(ERROR_REFUSED);
    assert_eq!(r.time, RawTime::Local { local: dt(2026, 2, 17, 14, 31, 5), file_offset: None });
    assert_eq!(r.kind, UPSTREAM_REFUSED);
    assert_eq!(r.pid, Some(1234));
    assert!(r
        .message
        .starts_with("connect() failed (111: Connection refused) while connecting to upstream, client: "));
    assert_eq!(s(&r, "level"), Some("error"));
    assert_eq!(int(&r, "pid"), Some(1234));
    assert_eq!(int(&r, "connection"), Some(5678));
    assert_eq!(s(&r, "client"), Some("1.2.3.4"));
    assert_eq!(s(&r, "server"), Some("example.com"));
    assert_eq!(s(&r, "request"), Some("GET /api/health/ready HTTP/1.1"));
    assert_eq!(s(&r, "upstream"), Some("http://127.0.0.1:3001/api/health/ready"));
    assert_eq!(s(&r, "host"), Some("example.com"));
    assert_eq!(int(&r, "errno"), Some(111));
    assert_eq!(
        keys(&r),
        ["level", "pid", "connection", "client", "server", "request", "upstream", "host", "errno"]
    );
}

#[test]
fn access_kinds_and_variants() {
    // Real line: docker-compose output quoted in a public GitHub Markdown file (official nginx
    // image, Nov 2018; the `nginx_1     | ` prefix removed): combined + "$http_x_forwarded_for".
    let r = rec(
        r#"172.18.0.1 - - [11/Nov/2018:19:28:50 +0000] "GET /api/values/all HTTP/1.1" 502 559 "http://localhost:3050/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36" "-""#,
    );
    assert_eq!(r.kind, HTTP_5XX);
    assert_eq!(r.time, RawTime::Exact { local: dt(2018, 11, 11, 19, 28, 50), offset_secs: 0 });
    assert_eq!(s(&r, "referer"), Some("http://localhost:3050/"));
    assert!(s(&r, "user_agent").unwrap().starts_with("Mozilla/5.0 (Windows NT 10.0;"));
    assert_eq!(s(&r, "upstream"), None);
    // Same source: a 304 with 0 bytes, a 101 websocket upgrade.
    let r = rec(
        r#"172.18.0.1 - - [11/Nov/2018:19:31:18 +0000] "GET / HTTP/1.1" 304 0 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36" "-""#,
    );
    assert_eq!((r.kind, int(&r, "status"), int(&r, "bytes")), (HTTP_REQUEST, Some(304), Some(0)));
    let r = rec(
        r#"172.18.0.1 - - [11/Nov/2018:19:28:51 +0000] "GET /sockjs-node/info?t-1541964531477 HTTP/1.1" 200 90 "http://localhost:3050/" "Mozilla/5.0" "-""#,
    );
    assert_eq!(s(&r, "path"), Some("/sockjs-node/info?t-1541964531477"));

    // Constructed: common format (no referer/UA), a remote user, a negative offset.
    let r = rec(r#"10.0.0.7 - alice [17/Feb/2026:08:00:00 -0500] "POST /api/login HTTP/2.0" 200 512"#);
    assert_eq!(r.time, RawTime::Exact { local: dt(2026, 2, 17, 8, 0, 0), offset_secs: -5 * 3600 });
    assert_eq!(r.user.as_deref(), Some("alice"));
    assert_eq!(keys(&r), ["client", "method", "path", "status", "bytes"]);
    assert_eq!(r.kind, HTTP_REQUEST);
    // Constructed: a 5xx that is not a health check; a 200 health check; IPv6 client.
    let r = rec(r#"::1 - - [17/Feb/2026:14:31:06 +0000] "GET /api/users?id=1 HTTP/1.1" 503 0 "-" "-""#);
    assert_eq!((r.kind, s(&r, "client"), s(&r, "user_agent")), (HTTP_5XX, Some("::1"), None));
    let r = rec(
        r#"127.0.0.1 - - [17/Feb/2026:14:31:07 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.28""#,
    );
    assert_eq!((r.kind, int(&r, "status")), (HEALTH_CHECK, Some(200)));
    // Constructed: extra fields after combined: forwarded-for, request time, upstream address.
    let r = rec(
        r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET /api/orders HTTP/1.1" 502 157 "-" "curl/8.5.0" "203.0.113.9" 0.002 127.0.0.1:3001"#,
    );
    assert_eq!((r.kind, s(&r, "upstream")), (HTTP_5XX, Some("127.0.0.1:3001")));
    assert_eq!(keys(&r).last(), Some(&"upstream"));
    let r = rec(
        r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET / HTTP/1.1" 200 5 "-" "ua" rt=0.010 upstream="127.0.0.1:3001, 127.0.0.1:3002" urt=0.009"#,
    );
    assert_eq!(s(&r, "upstream"), Some("127.0.0.1:3001, 127.0.0.1:3002"));
    let r = rec(
        r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET / HTTP/1.1" 200 5 "-" "ua" upstream_addr=unix:/run/app.sock"#,
    );
    assert_eq!(s(&r, "upstream"), Some("unix:/run/app.sock"));
    // Constructed: Apache-style `-` bytes.
    let r = rec(r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "HEAD / HTTP/1.0" 304 -"#);
    assert_eq!(int(&r, "bytes"), None);
}

#[test]
fn malformed_requests_still_parse() {
    // Constructed in the shape nginx logs a TLS ClientHello sent to a plain-HTTP port (bytes
    // escaped as \xHH; status 400).
    let r = rec(
        r#"192.168.14.193 - - [06/Mar/2022:04:01:00 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\x5Cu\x90\xF4hr\x9E>" 400 157 "-" "-""#,
    );
    assert_eq!((r.kind, int(&r, "status"), int(&r, "bytes")), (HTTP_REQUEST, Some(400), Some(157)));
    assert_eq!(s(&r, "method"), None);
    assert_eq!(s(&r, "path"), None);
    assert_eq!(s(&r, "request"), Some(r"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\x5Cu\x90\xF4hr\x9E>"));
    // Constructed: an empty request nginx logs as "-" (connection closed before a request).
    let r = rec(r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "-" 400 0 "-" "-""#);
    assert_eq!((int(&r, "status"), s(&r, "request"), s(&r, "method")), (Some(400), None, None));
    assert_eq!(keys(&r), ["client", "status", "bytes"]);
    // Constructed: a raw quote inside the request (not nginx's escaping) does not lose the line.
    let r = rec(r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET /a"b HTTP/1.1" 404 10 "-" "x""#);
    assert_eq!((s(&r, "path"), int(&r, "status")), (Some("/a\"b"), Some(404)));
    // Constructed: an escaped quote (Apache style) and non-ASCII in the path.
    let r = rec(r#"1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET /é\"x HTTP/1.1" 200 1 "-" "ü""#);
    assert_eq!((s(&r, "path"), s(&r, "user_agent")), (Some(r#"/é\"x"#), Some("ü")));
}

#[test]
fn error_kinds() {
    // Real line: a test fixture in a public Go repository (nginx stats parser), 2015.
    let r = rec(
        r#"2015/07/14 08:42:57 [error] 28386#28386: *38698 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: localhost, request: "GET /1.0/ HTTP/1.0", upstream: "uwsgi://127.0.0.1:3131", host: "localhost:5000""#,
    );
    assert_eq!(r.kind, UPSTREAM_TIMEOUT);
    assert_eq!((int(&r, "errno"), s(&r, "upstream")), (Some(110), Some("uwsgi://127.0.0.1:3131")));
    assert_eq!(r.pid, Some(28386));
    // Real line prefix: quoted in a public Python script's docstring (2026).
    let r = rec("2026/05/08 02:04:42 [error] 1#1: *4183 no live upstreams while connecting to upstream");
    assert_eq!((r.kind, int(&r, "connection")), (NO_LIVE_UPSTREAMS, Some(4183)));
    assert_eq!(r.message, "no live upstreams while connecting to upstream");
    assert_eq!(s(&r, "client"), None);
    // Real line: a public Markdown note (2017): [crit], errno 13, referrer → referer.
    let r = rec(
        r#"2017/03/31 06:03:21 [crit] 1915#0: *8 connect() to 127.0.0.1:3000 failed (13: Permission denied) while connecting to upstream, client: 223.38.60.90, server: _, request: "GET /poweredby.png HTTP/1.1", upstream: "http://127.0.0.1:3000/poweredby.png", host: "104.197.6.69", referrer: "http://104.197.6.69/""#,
    );
    assert_eq!((r.kind, s(&r, "level"), int(&r, "errno")), (NGINX_ERROR, Some("crit"), Some(13)));
    assert_eq!(s(&r, "server"), Some("_"));
    assert_eq!(s(&r, "referer"), Some("http://104.197.6.69/"));
    // Real line: docker-compose output (same source as the 2018 access lines); empty server.
    let r = rec(
        r#"2018/11/11 19:28:50 [error] 6#6: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: , request: "GET /api/values/current HTTP/1.1", upstream: "http://172.18.0.7:5000/values/current", host: "localhost:3050", referrer: "http://localhost:3050/""#,
    );
    assert_eq!(r.kind, UPSTREAM_REFUSED);
    assert_eq!(s(&r, "server"), None);
    assert_eq!(s(&r, "host"), Some("localhost:3050"));
    // Real line: a public GitHub issue text quoting Frigate's container log (2026): subrequest.
    let r = rec(
        r#"2026/03/03 22:57:31 [error] 354#354: *6 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /api/version HTTP/1.1", subrequest: "/auth", upstream: "http://127.0.0.1:5001/auth", host: "127.0.0.1:5000""#,
    );
    assert_eq!((r.kind, s(&r, "subrequest")), (UPSTREAM_REFUSED, Some("/auth")));
    // Constructed: startup errors without a connection number; a unix-socket refusal.
    let r = rec("2026/02/17 14:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)");
    assert_eq!((r.kind, int(&r, "errno"), int(&r, "connection")), (NGINX_ERROR, Some(98), None));
    assert_eq!(r.message, "bind() to 0.0.0.0:80 failed (98: Address already in use)");
    let r = rec("2026/02/17 14:00:00 [error] 9#9: *1 connect() to unix:/run/app.sock failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4");
    assert_eq!(r.kind, UPSTREAM_REFUSED);
}

#[test]
fn lnav_access_messages_inside_syslog() {
    // lnav test/logfile_syslog_with_access_log.0: lines 2-3 wrap access messages (no time).
    let text = std::fs::read_to_string(format!("{CORPUS}/lnav/logfile_syslog_with_access_log.0")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let msg = lines[1].split_once("tomcat.log: ").unwrap().1;
    let a = parse_access(msg).unwrap();
    assert_eq!(
        (a.client, a.method, a.path),
        ("127.0.0.1", Some("GET"), Some("/includes/js/combined-javascript.js"))
    );
    assert_eq!((a.status, a.bytes, a.time), (200, Some(65508), None));
    assert_eq!(a.kind(), HTTP_REQUEST);
    let r = a.record(2, RawTime::None);
    assert_eq!((r.line, r.source, int(&r, "status")), (2, SOURCE, Some(200)));
    let msg = lines[2].split_once("tomcat.log: ").unwrap().1;
    assert_eq!(parse_access(msg).unwrap().status, 404);
    // The syslog lines themselves are not nginx lines.
    assert!(lines.iter().all(|l| !sniff_line(l)));
    assert!(parse_access(lines[3]).is_none());
}

#[test]
fn mixed_file_crlf_no_final_newline_and_bad_lines() {
    // Constructed mix: access, error, blank, garbage, out-of-range times.
    let text = format!(
        "{ACCESS_502}\r\n{ERROR_REFUSED}\r\n\r\nnginx: [emerg] could not open\r\n\
         1.2.3.4 - - [30/Feb/2026:14:31:05 +0100] \"GET / HTTP/1.1\" 200 1\r\n\
         2026/02/17 25:31:05 [error] 1#1: x\r\n1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] \"GET / HTTP/1.1\" 200 1"
    );
    let sink = parse(&text);
    assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    assert_eq!(sink.counts.total(), 7);
    assert_eq!((sink.counts.events, sink.counts.structural, sink.counts.unparsed), (3, 1, 3));
    let reasons: Vec<_> = sink.unparsed.iter().map(|u| (u.line, u.reason)).collect();
    assert_eq!(reasons, [(4, REASON_NOT_NGINX), (5, REASON_BAD_TIME), (6, REASON_BAD_TIME)]);
    assert_eq!(sink.records[2].line, 7);
    assert_eq!(s(&sink.records[0], "user_agent"), Some("curl/8.5.0"));
    assert_eq!(s(&sink.records[1], "host"), Some("example.com"));
    // Empty input.
    assert_eq!(parse("").counts.total(), 0);
}

#[test]
fn sniffing_and_consts() {
    assert!(sniff_line(ACCESS_502));
    assert!(sniff_line(ERROR_REFUSED));
    assert!(sniff_line(
        "2026/02/17 14:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\r"
    ));
    for not in [
        r#"127.0.0.1 - - "GET /bad.foo HTTP/1.1" 404 65508 4.386"#,
        "Mar 24 14:02:50 bigproduct-web1 tomcat.log: 127.0.0.1 - - \"GET /bad.foo HTTP/1.1\" 404 65508 4.386",
        "Feb 17 14:30:00 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL",
        "2024-01-15T10:23:45: PM2 log: App [api:0] online",
        "2026/02/17 14:00:00 [whatever] 1#1: x",
        "#1708180000",
        "",
    ] {
        assert!(!sniff_line(not), "{not}");
    }
    assert!(is_health_path("/api/health/ping"));
    assert!(!is_health_path("/api/users"));
    assert!(NAME_HINTS.contains(&"access.log*"));
    assert_eq!(KINDS.len(), 7);
    let _ = NginxParser::for_path("var/log/nginx/access.log");
}

// ---------------------------------------------------------------------------------------
// Properties

fn nginx_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(ACCESS_502.to_string()),
        Just(ERROR_REFUSED.to_string()),
        "[0-9.]{1,15} - [a-z-]{1,5} \\[17/Feb/2026:14:3[0-9]:0[0-9] [+-]0[0-9]00\\] \"[ -~]{0,20}\" [1-5][0-9]{2} ([0-9]{1,5}|-)( \"[ -~]{0,8}\"){0,3}( [ -~]{0,10})?",
        "2026/02/1[0-9] 1[0-9]:3[0-9]:00 \\[(error|warn|crit)\\] [0-9]{1,5}#[0-9]{1,5}:( \\*[0-9]{1,5})? [ -~]{0,40}(, client: [0-9.]{1,9}(, server: [a-z]{0,5})?)?",
        "[ -~]{0,40}",
        any::<String>(),
    ]
}

fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    parse_in_two(&mut NginxParser::default(), lines, cut)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        for line in split_lines(&text) {
            let _ = sniff_line(line);
            let _ = parse_access(line);
        }
    }

    #[test]
    fn generated_lines_are_accounted(raw in prop::collection::vec(nginx_like(), 0..30)) {
        let text = raw.join("\n");
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert_eq!(sink.counts.events, sink.records.len() as u64);
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(nginx_like(), 0..30)) {
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
