//! nginx access logs (`combined`, `common`, and custom formats that add fields after them) and
//! nginx error logs, decided one line at a time (the two may be mixed in one file).
//!
//! ```text
//! line         = blank / access / error
//! blank        = *WSP                                  ; structural
//! access       = client SP ident SP user SP ["[" clf-time "]" SP] request SP status SP bytes
//!                [SP referer [SP user-agent]] *(SP extra)
//! client       = 1*(not SP)                            ; $remote_addr
//! ident / user = 1*(not SP)                            ; "-" when absent ($remote_user)
//! clf-time     = 2DIGIT "/" month "/" 4DIGIT ":" 2DIGIT ":" 2DIGIT ":" 2DIGIT SP zone
//! request      = quoted                                ; "METHOD target [protocol]", "-", or
//!                                                      ; garbage as nginx escapes it ("\x16\x03…")
//! quoted       = DQUOTE *("\" CHAR / not-DQUOTE) DQUOTE
//! status       = 3DIGIT
//! bytes        = 1*DIGIT / "-"
//! referer      = quoted / "-"                          ; combined only
//! user-agent   = quoted / "-"
//! extra        = quoted / key "=" quoted / 1*(not SP)  ; "$http_x_forwarded_for", $request_time,
//!                                                      ; upstream=$upstream_addr, urt="…", …
//! error        = date SP time SP "[" level "]" SP pid "#" tid ":" [SP "*" conn] SP text context
//! date         = 4DIGIT "/" 2DIGIT "/" 2DIGIT
//! level        = "debug" / "info" / "notice" / "warn" / "error" / "crit" / "alert" / "emerg"
//! context      = [", client: " v] [", server: " v] [", request: " q] [", subrequest: " q]
//!                [", upstream: " q] [", host: " q] [", referrer: " q]
//! ```
//!
//! Examples:
//!
//! ```text
//! 1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] "GET /api/health/ready HTTP/1.1" 502 157 "-" "curl/8.5.0"
//! 2026/02/17 14:31:05 [error] 1234#1234: *5678 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: example.com, request: "GET /api/health/ready HTTP/1.1", upstream: "http://127.0.0.1:3001/api/health/ready", host: "example.com"
//! ```
//!
//! # Access records
//!
//! Time: `clf-time` has an offset → [`RawTime::Exact`]; a line without the bracketed time (an
//! access message inside a syslog line, see [`parse_access`]) is [`RawTime::None`]. `message` is
//! the line after the time (from the request on). `user` is `$remote_user` unless `-`.
//!
//! Kind, in order of precedence: [`HEALTH_CHECK`] when the request path is a health endpoint
//! ([`is_health_path`]) whatever the status — a failed health check is a `health-check` with
//! status 502, so the health series stays in one kind and its status says whether it failed —
//! then [`HTTP_5XX`] for status ≥ 500, else [`HTTP_REQUEST`].
//!
//! Fields, in this order: `client`, `method`, `path` (the request target as written, query
//! included), `request` (only when the request is not `METHOD target [protocol]`: the raw text
//! as nginx escaped it; absent for `-`), `status` (Int), `bytes` (Int; absent for `-`), `referer`,
//! `user_agent` (absent when `-` or empty), `upstream` (from the extra fields: the value of an
//! `upstream=`/`upstream_addr=`/`ups=`/`ua=` field (quotes removed), else the first extra that is an address with a port
//! or a `unix:` socket, as `$upstream_addr` writes it).
//!
//! A request string is read up to its closing quote (nginx escapes `"` inside it as `\x22`; a
//! backslash escape such as Apache's `\"` is skipped). When that is not followed by a status, a
//! later `" <3 digits> ` is taken as the request's end, so a raw quote in the request does not
//! lose the line.
//!
//! # Error records
//!
//! Time: no zone is written → [`RawTime::Local`] (no file offset). `pid` is the worker's pid
//! (also the record's pid). `message` is the text after `pid#tid: ` and `*conn `, context
//! included.
//!
//! Kind: [`UPSTREAM_REFUSED`] for `connect()` … `(111: …)` (ECONNREFUSED; `connect() failed
//! (111: Connection refused)`, `connect() to unix:… failed (111: …)`), [`UPSTREAM_TIMEOUT`] for
//! `upstream timed out`, [`NO_LIVE_UPSTREAMS`] for `no live upstreams`, else [`NGINX_ERROR`].
//!
//! Fields, in this order: `level`, `pid` (Int), `connection` (Int, the `*N` connection number),
//! `client`, `server`, `request`, `subrequest`, `upstream`, `host`, `referer` (from `referrer:`),
//! each when present (quotes removed), and `errno` (Int, the first `(N: …)` of the text).
//!
//! Lines that are neither shape are unparsed ([`REASON_NOT_NGINX`]); a line of either shape
//! whose date or time is out of range is unparsed ([`REASON_BAD_TIME`]).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};
use nom::{
    bytes::complete::{tag, take_while1, take_while_m_n},
    character::complete::char,
    combinator::{map_res, opt},
    sequence::{delimited, terminated, tuple},
    IResult,
};

use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::scan;
use crate::timefmt::{month_abbrev, zone};

/// Source of every record of this parser.
pub const SOURCE: &str = "nginx";

/// Access kind: a request answered with a status ≥ 500 (not a health check).
pub const HTTP_5XX: &str = "http-5xx";
/// Access kind: a request to a health endpoint, any status.
pub const HEALTH_CHECK: &str = "health-check";
/// Access kind: any other request.
pub const HTTP_REQUEST: &str = "http-request";
/// Error kind: nginx could not connect to an upstream: connection refused (errno 111).
pub const UPSTREAM_REFUSED: &str = "upstream-refused";
/// Error kind: an upstream timed out.
pub const UPSTREAM_TIMEOUT: &str = "upstream-timeout";
/// Error kind: every server of an upstream group is marked down.
pub const NO_LIVE_UPSTREAMS: &str = "no-live-upstreams";
/// Error kind: any other error-log line.
pub const NGINX_ERROR: &str = "nginx-error";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (
        HTTP_5XX,
        "An access-log request answered with status >= 500 that is not a health check; fields \
         client, method, path, request, status, bytes, referer, user_agent, upstream",
    ),
    (
        HEALTH_CHECK,
        "An access-log request to a health endpoint (/health, /healthz, /api/health*), whatever \
         its status (takes precedence over http-5xx: check `status`)",
    ),
    (HTTP_REQUEST, "Any other access-log request"),
    (
        UPSTREAM_REFUSED,
        "Error log: connect() to the upstream failed with errno 111 (Connection refused): the app \
         is not listening; fields level, pid, connection, client, server, request, upstream, host, errno",
    ),
    (UPSTREAM_TIMEOUT, "Error log: `upstream timed out` (connecting, or reading the response)"),
    (NO_LIVE_UPSTREAMS, "Error log: `no live upstreams`: every server of the upstream group is down"),
    (NGINX_ERROR, "Any other error-log line (field `level`)"),
];

/// Unparsed reason: a line that is neither an access-log nor an error-log line.
pub const REASON_NOT_NGINX: &str = "no nginx access or error log shape";
/// Unparsed reason: an access or error line whose date or time is out of range.
pub const REASON_BAD_TIME: &str = "nginx timestamp out of range";

/// File-name globs of nginx logs.
pub const NAME_HINTS: &[&str] = &["access.log*", "*access*.log", "error.log*", "nginx/*"];

/// Parser for nginx access and error logs (stateless: every line stands alone).
#[derive(Debug, Default, Clone, Copy)]
pub struct NginxParser {
    /// No state: kept private so the parser is built with [`Default`] or [`NginxParser::for_path`].
    _private: (),
}

impl NginxParser {
    /// A parser for the log at `path`. The path adds nothing: access and error lines are told
    /// apart by their shape.
    pub fn for_path(path: &str) -> Self {
        let _ = path;
        NginxParser::default()
    }
}

impl LineParser for NginxParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if scan::is_blank(text) {
            sink.structural();
            return;
        }
        // An error line starts `dddd/`; checked on bytes before its grammar.
        let maybe_error = text.as_bytes().get(4) == Some(&b'/');
        let result = match if maybe_error { error_line(text) } else { None } {
            Some(r) => r.map(|e| e.record(line_no)),
            None => match access(text) {
                Ok(a) => {
                    let time = a.time.unwrap_or(RawTime::None);
                    let kind = a.kind();
                    if sink.skims(SOURCE, kind) {
                        // Counted, not kept: no record to build.
                        sink.glimpse(line_no, time, SOURCE, kind, None);
                        return;
                    }
                    Ok(a.record(line_no, time))
                }
                Err(reason) => Err(reason),
            },
        };
        match result {
            Ok(rec) => sink.event(rec),
            Err(reason) => sink.unparsed(line_no, reason),
        }
    }
}

/// Whether `line` is an nginx access line (with its bracketed time) or error line.
pub fn sniff_line(line: &str) -> bool {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if let Some(Ok(e)) = error_line(line) {
        return LEVELS.contains(&e.level);
    }
    matches!(access(line), Ok(a) if a.time.is_some())
}

// ---------------------------------------------------------------------------------------
// Access lines

/// One access-log line (or access message) as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Access<'a> {
    /// `$remote_addr`.
    pub client: &'a str,
    /// `$remote_user`, unless `-`.
    pub user: Option<&'a str>,
    /// The bracketed `$time_local`, if the line has one.
    pub time: Option<RawTime>,
    /// The text from the request on (the record's message).
    pub rest: &'a str,
    /// The request string between its quotes, as escaped by nginx.
    pub request: &'a str,
    /// Request method, when the request is `METHOD target [protocol]`.
    pub method: Option<&'a str>,
    /// Request target, query included, when the request is well-formed.
    pub path: Option<&'a str>,
    /// `$status`.
    pub status: i64,
    /// `$body_bytes_sent`, unless `-`.
    pub bytes: Option<i64>,
    /// `$http_referer`, unless `-` or empty.
    pub referer: Option<&'a str>,
    /// `$http_user_agent`, unless `-` or empty.
    pub user_agent: Option<&'a str>,
    /// The upstream address from the extra fields, if one is recognised.
    pub upstream: Option<&'a str>,
}

impl<'a> Access<'a> {
    /// The record's kind: health-check, then http-5xx, then http-request.
    pub fn kind(&self) -> &'static str {
        if self.path.is_some_and(is_health_path) {
            HEALTH_CHECK
        } else if self.status >= 500 {
            HTTP_5XX
        } else {
            HTTP_REQUEST
        }
    }

    /// The record of this access line at `line`, with `time` (the line's own time, or one the
    /// caller read elsewhere, e.g. from a syslog header).
    pub fn record(&self, line: u64, time: RawTime) -> Record<'a> {
        let mut rec = Record::new(line, time, SOURCE, self.kind(), self.rest);
        // Up to 8 fields: one allocation instead of growing from 4.
        rec.fields.reserve_exact(8);
        rec.user = self.user.map(Cow::Borrowed);
        rec.push_field("client", self.client);
        if let Some(m) = self.method {
            rec.push_field("method", m);
        }
        if let Some(p) = self.path {
            rec.push_field("path", p);
        }
        if self.path.is_none() && !self.request.is_empty() && self.request != "-" {
            rec.push_field("request", self.request);
        }
        rec.push_field("status", self.status);
        if let Some(b) = self.bytes {
            rec.push_field("bytes", b);
        }
        if let Some(r) = self.referer {
            rec.push_field("referer", r);
        }
        if let Some(u) = self.user_agent {
            rec.push_field("user_agent", u);
        }
        if let Some(u) = self.upstream {
            rec.push_field("upstream", u);
        }
        rec
    }
}

/// Parses an access-log line or message (`combined`, `common`, with or without the bracketed
/// time, extra fields tolerated). For reuse where access messages are wrapped in another
/// format (a syslog line whose message is an access line). `None` when `message` is not one
/// (or its bracketed time is out of range).
pub fn parse_access(message: &str) -> Option<Access<'_>> {
    access(message).ok()
}

/// Whether a request path (query ignored) is a health endpoint: `/health`, `/healthz` (with or
/// without a trailing `/`), or anything starting with `/api/health` (`/api/health`,
/// `/api/health/ready`, `/api/health/ping`, `/api/healthz`).
pub fn is_health_path(path: &str) -> bool {
    let p = memchr::memchr2(b'?', b'#', path.as_bytes()).map_or(path, |end| &path[..end]);
    let p = if p.len() > 1 { p.strip_suffix('/').unwrap_or(p) } else { p };
    p == "/health" || p == "/healthz" || p.starts_with("/api/health")
}

/// A double-quoted string (backslash escapes skipped); returns the text between the quotes.
fn quoted(input: &str) -> IResult<&str, &str> {
    let (rest, _) = char('"')(input)?;
    let bytes = rest.as_bytes();
    let mut i = 0;
    while let Some(at) = memchr::memchr2(b'\\', b'"', &bytes[i.min(bytes.len())..]) {
        i += at;
        if bytes[i] == b'"' {
            // `"` is ASCII: `i` is a char boundary here.
            return Ok((&rest[i + 1..], &rest[..i]));
        }
        i += 2;
    }
    Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Char)))
}

fn digits_n(n: usize) -> impl Fn(&str) -> IResult<&str, u32> {
    move |input| map_res(take_while_m_n(n, n, |c: char| c.is_ascii_digit()), str::parse::<u32>)(input)
}

/// ` <3 digits> <bytes>` then end or a space.
///
/// Read on bytes: every access line (and every quote of a request with a raw quote) comes
/// through here. The grammar: `SP 3DIGIT SP (1*DIGIT / "-")` (a byte count too large for an
/// i64 fails), followed by the end or a space.
fn status_bytes(input: &str) -> Option<(&str, (u32, Option<i64>))> {
    let b = input.as_bytes();
    if b.len() < 6 || b[0] != b' ' || b[4] != b' ' || !b[1..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let status = b[1..4].iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0'));
    let (end, bytes) = if b[5] == b'-' {
        (6, None)
    } else {
        let digits = &b[5..5 + b[5..].iter().take_while(|c| c.is_ascii_digit()).count()];
        if digits.is_empty() {
            return None;
        }
        let n = digits.iter().try_fold(0i64, |n, &c| n.checked_mul(10)?.checked_add(i64::from(c - b'0')))?;
        (5 + digits.len(), Some(n))
    };
    if !matches!(b.get(end), None | Some(b' ')) {
        return None;
    }
    Some((&input[end..], (status, bytes)))
}

/// The nom reading of [`status_bytes`], kept as its specification for the tests.
#[cfg(test)]
fn status_bytes_grammar(input: &str) -> IResult<&str, (u32, Option<i64>)> {
    let (rest, (_, status, _, bytes)) = tuple((
        char(' '),
        digits_n(3),
        char(' '),
        nom::branch::alt((
            map_res(take_while1(|c: char| c.is_ascii_digit()), |d: &str| d.parse::<i64>().map(Some)),
            nom::combinator::value(None, char('-')),
        )),
    ))(input)?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Space)));
    }
    Ok((rest, (status, bytes)))
}

/// The request string and what follows it up to the bytes: the strict reading first, then a
/// later `"` followed by a status (a raw quote inside the request).
fn request_status(input: &str) -> Option<(&str, &str, u32, Option<i64>)> {
    if let Ok((rest, req)) = quoted(input) {
        if let Some((rest, (status, bytes))) = status_bytes(rest) {
            return Some((req, rest, status, bytes));
        }
    }
    let body = input.strip_prefix('"')?;
    for q in memchr::memchr_iter(b'"', body.as_bytes()) {
        if let Some((rest, (status, bytes))) = status_bytes(&body[q + 1..]) {
            return Some((&body[..q], rest, status, bytes));
        }
    }
    None
}

/// `dd/Mon/yyyy:HH:MM:SS ±zzzz` with its numbers unchecked: (y, m, d, h, mi, s, offset).
type ClfParts = (u32, u32, u32, u32, u32, u32, i32);

fn clf_time(input: &str) -> IResult<&str, ClfParts> {
    let (rest, (d, _, m, _, y, _, h, _, mi, _, s, _, z)) = tuple((
        digits_n(2),
        char('/'),
        month_abbrev,
        char('/'),
        digits_n(4),
        char(':'),
        digits_n(2),
        char(':'),
        digits_n(2),
        char(':'),
        digits_n(2),
        char(' '),
        zone,
    ))(input)?;
    Ok((rest, (y, m, d, h, mi, s, z)))
}

/// The access grammar; `Err` carries the unparsed reason.
fn access(line: &str) -> Result<Access<'_>, &'static str> {
    let (client, user, after_user) = head_fields(line).ok_or(REASON_NOT_NGINX)?;
    let (rest, parts) = match clf_fixed(after_user) {
        Some((rest, parts)) => (rest, Some(parts)),
        None => {
            let stamp: IResult<&str, Option<ClfParts>> =
                opt(terminated(delimited(char('['), clf_time, char(']')), char(' ')))(after_user);
            let Ok((rest, parts)) = stamp else { return Err(REASON_NOT_NGINX) };
            (rest, parts)
        }
    };
    if parts.is_none() && after_user.starts_with('[') {
        return Err(REASON_NOT_NGINX);
    }
    let (request, tail, status, bytes) = request_status(rest).ok_or(REASON_NOT_NGINX)?;
    let time = match parts {
        None => None,
        Some((y, m, d, h, mi, s, z)) => {
            let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(REASON_BAD_TIME)?;
            let t = NaiveTime::from_hms_opt(h, mi, s).ok_or(REASON_BAD_TIME)?;
            Some(RawTime::exact(date, t, z))
        }
    };
    let (method, path) = split_request(request);
    let (referer, user_agent, upstream) = tail_fields(tail);
    Ok(Access {
        client,
        user: (user != "-").then_some(user),
        time,
        rest,
        request,
        method,
        path,
        status: status as i64,
        bytes,
        referer,
        user_agent,
        upstream,
    })
}

/// `client SP ident SP user SP`, each a non-empty run of non-space characters:
/// (client, user, the rest).
fn head_fields(line: &str) -> Option<(&str, &str, &str)> {
    let b = line.as_bytes();
    let field_end = |from: usize| memchr::memchr(b' ', &b[from..]).filter(|&n| n > 0).map(|n| from + n);
    let client_end = field_end(0)?;
    let ident_end = field_end(client_end + 1)?;
    let user_end = field_end(ident_end + 1)?;
    // Space is ASCII: every cut is on a char boundary.
    Some((&line[..client_end], &line[ident_end + 1..user_end], &line[user_end + 1..]))
}

/// `"[" clf-time "]" SP` as nginx writes `$time_local` (`[17/Feb/2026:14:31:05 +0100] `), read
/// at fixed byte positions. `None` for any other shape or an out-of-range zone: the
/// [`clf_time`] grammar then decides (it reads this shape the same way).
fn clf_fixed(s: &str) -> Option<(&str, ClfParts)> {
    let b = s.as_bytes();
    let shaped = b.len() >= 29
        && b[0] == b'['
        && b[3] == b'/'
        && b[7] == b'/'
        && b[12] == b':'
        && b[15] == b':'
        && b[18] == b':'
        && b[21] == b' '
        && matches!(b[22], b'+' | b'-')
        && b[27] == b']'
        && b[28] == b' ';
    if !shaped {
        return None;
    }
    let num = |r: std::ops::Range<usize>| scan::number(&b[r]);
    // Bytes 3 and 7 are `/` (ASCII): 4..7 is a char range.
    let (_, month) = crate::timefmt::month_abbrev(&s[4..7]).ok()?;
    let (zh, zm) = (num(23..25)?, num(25..27)?);
    if zh > 23 || zm > 59 {
        return None;
    }
    let offset = (zh * 3600 + zm * 60) as i32;
    let offset = if b[22] == b'-' { -offset } else { offset };
    let parts = (num(8..12)?, month, num(1..3)?, num(13..15)?, num(16..18)?, num(19..21)?, offset);
    // Byte 28 is a space (ASCII): 29 is a char boundary.
    Some((&s[29..], parts))
}

/// `METHOD target [protocol]` → (method, target); anything else → (None, None).
fn split_request(request: &str) -> (Option<&str>, Option<&str>) {
    let Some((method, target)) = request.split_once(' ') else { return (None, None) };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_') {
        return (None, None);
    }
    let target = match target.rsplit_once(' ') {
        Some((t, proto)) if proto.starts_with("HTTP/") => t,
        _ => target,
    };
    if target.is_empty() || target.starts_with(' ') {
        return (None, None);
    }
    (Some(method), Some(target))
}

/// One field after the bytes: a quoted string (quotes removed) or a bare word.
fn tail_field(input: &str) -> Option<(&str, &str, bool)> {
    let input = input.strip_prefix(' ')?;
    let input = input.trim_start_matches(' ');
    if input.is_empty() {
        return None;
    }
    if let Ok((rest, q)) = quoted(input) {
        return Some((rest, q, true));
    }
    let end = input.find(' ').unwrap_or(input.len());
    // `key="value with spaces"`: the word runs to the closing quote.
    if let Some(eq) = input[..end].find("=\"") {
        if let Ok((rest, _)) = quoted(&input[eq + 1..]) {
            let len = input.len() - rest.len();
            return Some((rest, &input[..len], false));
        }
    }
    Some((&input[end..], &input[..end], false))
}

type Tail<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// Referer, user agent (the first two fields, when quoted or `-`) and the upstream among the
/// fields after them.
fn tail_fields(tail: &str) -> Tail<'_> {
    let useful = |s: &&str| !s.is_empty() && *s != "-";
    let mut rest = tail;
    // 0: expecting the referer, 1: the user agent, 2: extras.
    let mut stage = 0;
    let (mut referer, mut user_agent, mut keyed, mut bare) = (None, None, None, None);
    while let Some((r, value, was_quoted)) = tail_field(rest) {
        rest = r;
        if stage < 2 && (was_quoted || value == "-") {
            let slot = if stage == 0 { &mut referer } else { &mut user_agent };
            *slot = Some(value).filter(useful);
            stage += 1;
            continue;
        }
        stage = 2;
        if let Some((key, v)) = value.split_once('=') {
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            if matches!(key, "upstream" | "upstream_addr" | "ua" | "ups") && useful(&v) {
                keyed = keyed.or(Some(v));
            }
        } else if bare.is_none() && is_address(value) {
            bare = Some(value.trim_end_matches(','));
        }
    }
    (referer, user_agent, keyed.or(bare))
}

/// `host:port` with an IPv4 or `[IPv6]` host, or `unix:/path` — the shapes of `$upstream_addr`
/// (its first entry when it lists several).
fn is_address(value: &str) -> bool {
    let first = value.split([',', ' ']).next().unwrap_or(value);
    if first.starts_with("unix:") {
        return true;
    }
    let Some((host, port)) = first.rsplit_once(':') else { return false };
    let port_ok = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    let v4 = host.split('.').count() == 4
        && host.split('.').all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    let v6 = host.len() > 2 && host.starts_with('[') && host.ends_with(']');
    port_ok && (v4 || v6)
}

// ---------------------------------------------------------------------------------------
// Error lines

/// The error-log levels nginx writes.
const LEVELS: &[&str] = &["debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"];

/// Context keys nginx appends to error lines, in the order it writes them.
const CONTEXT: &[(&str, &str)] = &[
    (", client: ", "client"),
    (", server: ", "server"),
    (", request: ", "request"),
    (", subrequest: ", "subrequest"),
    (", upstream: ", "upstream"),
    (", host: ", "host"),
    (", referrer: ", "referer"),
];

/// One error-log line.
struct ErrorLine<'a> {
    time: RawTime,
    level: &'a str,
    pid: u64,
    connection: Option<i64>,
    message: &'a str,
}

/// `(y, m, d, h, mi, s)` unchecked, level, pid, connection, message.
type ErrorParts<'a> = ((u32, u32, u32, u32, u32, u32), &'a str, u64, Option<i64>);

fn error_head(input: &str) -> IResult<&str, ErrorParts<'_>> {
    let (rest, (y, _, m, _, d, _, h, _, mi, _, s, _)) = tuple((
        digits_n(4),
        char('/'),
        digits_n(2),
        char('/'),
        digits_n(2),
        char(' '),
        digits_n(2),
        char(':'),
        digits_n(2),
        char(':'),
        digits_n(2),
        char(' '),
    ))(input)?;
    let (rest, (level, _, pid, _, _tid, _)) = tuple((
        delimited(char('['), take_while1(|c: char| c.is_ascii_lowercase()), char(']')),
        char(' '),
        map_res(take_while1(|c: char| c.is_ascii_digit()), str::parse::<u64>),
        char('#'),
        take_while1(|c: char| c.is_ascii_digit()),
        char(':'),
    ))(rest)?;
    let (rest, conn) = opt(delimited(
        tag(" *"),
        map_res(take_while1(|c: char| c.is_ascii_digit()), str::parse::<i64>),
        char(' '),
    ))(rest)?;
    let rest = if conn.is_some() { rest } else { rest.strip_prefix(' ').unwrap_or(rest) };
    Ok((rest, ((y, m, d, h, mi, s), level, pid, conn)))
}

/// The error grammar: `None` when the line is not an error line, `Some(Err)` when its time is
/// out of range.
fn error_line(line: &str) -> Option<Result<ErrorLine<'_>, &'static str>> {
    let (message, ((y, m, d, h, mi, s), level, pid, connection)) = error_head(line).ok()?;
    let time = NaiveDate::from_ymd_opt(y as i32, m, d)
        .zip(NaiveTime::from_hms_opt(h, mi, s))
        .map(|(d, t)| RawTime::Local { local: d.and_time(t), file_offset: None });
    Some(time.map(|time| ErrorLine { time, level, pid, connection, message }).ok_or(REASON_BAD_TIME))
}

impl<'a> ErrorLine<'a> {
    fn record(&self, line: u64) -> Record<'a> {
        let (text, context) = split_context(self.message);
        let errno = errno(text);
        let kind = if errno == Some(111) && text.contains("connect()") {
            UPSTREAM_REFUSED
        } else if text.contains("upstream timed out") {
            UPSTREAM_TIMEOUT
        } else if text.contains("no live upstreams") {
            NO_LIVE_UPSTREAMS
        } else {
            NGINX_ERROR
        };
        let mut rec = Record::new(line, self.time, SOURCE, kind, self.message);
        rec.pid = Some(self.pid);
        rec.push_field("level", self.level);
        rec.push_field("pid", FieldValue::Int(self.pid.min(i64::MAX as u64) as i64));
        if let Some(c) = self.connection {
            rec.push_field("connection", c);
        }
        for (key, value) in context.into_iter().flatten().filter(|(_, v)| !v.is_empty()) {
            rec.push_field(key, value);
        }
        if let Some(e) = errno {
            rec.push_field("errno", e);
        }
        rec
    }
}

/// Splits an error message into its text and the `, client: …` context values.
fn split_context(message: &str) -> (&str, [Option<(&'static str, &str)>; 7]) {
    let mut values = [None; 7];
    let Some(start) = scan::find(message, ", client: ") else { return (message, values) };
    let text = &message[..start];
    let mut rest = &message[start..];
    for (i, (pat, key)) in CONTEXT.iter().enumerate() {
        let Some(after) = rest.strip_prefix(pat) else { continue };
        let end =
            CONTEXT[i + 1..].iter().filter_map(|(p, _)| scan::find(after, p)).min().unwrap_or(after.len());
        let raw = &after[..end];
        let value = raw.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(raw);
        values[i] = Some((*key, value));
        rest = &after[end..];
    }
    (text, values)
}

/// The first `(N: ` of an error text: the errno nginx reports.
fn errno(text: &str) -> Option<i64> {
    memchr::memchr_iter(b'(', text.as_bytes()).find_map(|i| {
        let after = &text[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !after[digits..].starts_with(": ") {
            return None;
        }
        after[..digits].parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_paths() {
        for p in
            ["/api/health/ready", "/api/health/ping", "/health", "/healthz", "/api/health", "/health/?x=1"]
        {
            assert!(is_health_path(p), "{p}");
        }
        for p in ["/", "/api/users", "/healthy", "/x/health", "/", ""] {
            assert!(!is_health_path(p), "{p}");
        }
    }

    #[test]
    fn addresses() {
        assert!(is_address("127.0.0.1:3001"));
        assert!(is_address("127.0.0.1:3001,"));
        assert!(is_address("[::1]:3001"));
        assert!(is_address("unix:/run/app.sock"));
        assert!(!is_address("203.0.113.5"));
        assert!(!is_address("0.123"));
        assert!(!is_address("-"));
    }

    #[test]
    fn status_bytes_reads_like_its_grammar() {
        let cases = [
            " 200 123",
            " 200 123 \"-\"",
            " 200 -",
            " 200 - x",
            " 200 -5",
            " 200 12x",
            " 2000 1",
            " 20 1",
            " 200 ",
            " 200",
            "200 1",
            " 200 99999999999999999999",
            " 200 9223372036854775807 ",
            " 50x 1",
            " 502 0",
            " 200 \u{e9}",
            " \u{e9}00 1",
            "",
        ];
        for c in cases {
            assert_eq!(status_bytes(c), status_bytes_grammar(c).ok(), "{c:?}");
        }
    }

    #[test]
    fn fixed_clf_time_reads_like_its_grammar() {
        let cases = [
            "[17/Feb/2026:14:31:05 +0100] x",
            "[17/fEB/2026:14:31:05 -0530] x",
            "[17/Feb/2026:14:31:05 +2400] x",
            "[17/Feb/2026:14:31:05 +0160] x",
            "[17/Xyz/2026:14:31:05 +0100] x",
            "[1x/Feb/2026:14:31:05 +0100] x",
            "[17/Feb/2026:14:31:05 +01:00] x",
            "[17/Feb/2026:14:31:05 Z] x",
            "[99/Feb/2026:99:99:99 +0000] x",
            "[17/Feb/2026:14:31:05 +0100]x",
        ];
        for c in cases {
            let grammar = terminated(delimited(char('['), clf_time, char(']')), char(' '))(c).ok();
            if let Some(fixed) = clf_fixed(c) {
                assert_eq!(Some(fixed), grammar, "{c:?}");
            }
        }
        assert!(clf_fixed("[17/Feb/2026:14:31:05 +0100] x").is_some());
    }

    proptest::proptest! {
        #[test]
        fn byte_readers_read_like_the_grammar(
            head in "[0-9.a-f:]{0,15}( [-a-z]{0,3}){0,3} ?",
            stamp in "\\[[0-3][0-9]/(Jan|feb|MAR|Dec|Xyz|[A-Za-z]{3})/[0-9]{4}:[0-2][0-9]:[0-6][0-9]:[0-6][0-9] \
                      ([+-][0-2][0-9][0-6][0-9]|[+-Z][0-9:]{0,5})\\] ?",
            status in " [0-9]{2,4} ([0-9]{0,22}|-[0-9]?)( |x)?",
        ) {
            let line = format!("{head}{stamp}\"GET / HTTP/1.1\"{status}");
            let field = || terminated(take_while1(|c: char| c != ' '), char::<&str, nom::error::Error<&str>>(' '));
            let grammar = tuple((field(), field(), field()))(line.as_str())
                .ok()
                .map(|(rest, (client, _, user))| (client, user, rest));
            proptest::prop_assert_eq!(head_fields(&line), grammar);
            let at_stamp = &line[line.find('[').unwrap_or(0)..];
            if let Some(fixed) = clf_fixed(at_stamp) {
                let grammar = terminated(delimited(char('['), clf_time, char(']')), char(' '))(at_stamp).ok();
                proptest::prop_assert_eq!(Some(fixed), grammar);
            }
            let at_status = &line[line.rfind('"').map_or(0, |q| q + 1)..];
            proptest::prop_assert_eq!(status_bytes(at_status), status_bytes_grammar(at_status).ok());
        }
    }

    #[test]
    fn errnos() {
        assert_eq!(errno("connect() failed (111: Connection refused) while"), Some(111));
        assert_eq!(errno("open() \"/x\" failed (2: No such file or directory)"), Some(2));
        assert_eq!(errno("upstream (x) no errno"), None);
    }

    #[test]
    fn context_split() {
        let (text, ctx) =
            split_context("a, b, client: 1.2.3.4, server: , request: \"GET / HTTP/1.1\", host: \"h\"");
        assert_eq!(text, "a, b");
        let got: Vec<_> = ctx.into_iter().flatten().collect();
        assert_eq!(
            got,
            [("client", "1.2.3.4"), ("server", ""), ("request", "GET / HTTP/1.1"), ("host", "h")]
        );
    }
}
