//! Syslog headers: RFC3164 (BSD), rsyslog ISO-8601 (RSYSLOG_FileFormat), RFC5424, ChromeOS,
//! macOS; one physical line at a time, forms mixed freely within a file. Bodies from
//! authentication programs are classified by [`crate::auth`].
//!
//! ```text
//! line        = [pri] (rfc5424 / iso-line / bsd-line)        ; else: see "other lines"
//! pri         = "<" 1*3DIGIT ">"                             ; value <= 191 → facility, severity
//! rfc5424     = version SP (iso_datetime / "-") SP host SP app SP procid SP msgid SP sd [SP msg]
//!                                                            ; requires pri; "-" is nil
//! sd          = "-" / 1*("[" sd-id *(SP name "=" DQUOTE value DQUOTE) "]")
//! iso-line    = iso_datetime (SP rest / EOL)                 ; zone: Exact, none: Local
//! bsd-line    = bsd_timestamp [":"] (SP rest / EOL)          ; NoYear
//! rest        = *SP ( "---" text                             ; no host ("--- last message …")
//!             / [chromeos-sev SP] tag-part                   ; ISO only: no host, a severity
//!             / tag-part                                     ; no host: first token is a tag
//!             / host 1*SP ("---" text / "last message repeated" text / tag-part) )
//! tag-part    = tag *SP msg / *SP msg
//! tag         = name ["[" pid "]"] [SP "<" asl-level ">"] [":"]    ; then SP or EOL
//!             / name SP version ":"                          ; "syslogd 1.4.1: restart."
//!             / word SP name "[" pid "]:"                    ; "-- root[2421]: ROOT LOGIN"
//! name        = 1*(any char but SP, "[", ":")                ; "/sbin/anacron", "sshd(pam_unix)"
//! pid         = 1*DIGIT                                      ; any size (u64)
//! chromeos-sev= "EMERG" / "ALERT" / "CRIT" / "ERR" / "WARNING" / "NOTICE" / "INFO" / "DEBUG"
//! asl-level   = "Emergency" / "Alert" / "Critical" / "Error" / "Warning" / "Notice" / "Info"
//!             / "Debug"                                      ; macOS syslogd
//! ```
//!
//! Every line goes through here, so the commonest shape (a BSD or ISO timestamp, one space, a
//! host, a `name[pid]:` or `name:` tag) is read over bytes at fixed places first
//! (`read_header`), and the grammar above reads everything else; both give the same header
//! (`tests::read_header_is_the_grammar`, and `SyslogParser::grammar_only` for whole records).
//!
//! A first token is taken as the tag, not the host, when it is tag-shaped: `name[pid]:` or
//! `name:` (`Jun 13 16:33:35 haproxy[73411]: …`, plaso's `Nov 18 08:30:20 kernel: …`). A
//! colon-less tag after a host is accepted (`hostname log_tag this is debug`, rsyslog's
//! SysklogdFileFormat): RFC3164's TAG ends at the first character that cannot be in a name.
//!
//! Repeated-message lines are their own kind, `message-repeated` (field `count`):
//! `last message repeated N times` (syslogd; with or without host, with or without `---`
//! around it) and rsyslog's `message repeated N times: [msg]` (field `repeated_message`,
//! and when the program is an authentication one, `repeated_kind` plus the inner event's
//! fields).
//!
//! Other lines:
//! - blank (or whitespace-only): structural;
//! - a line shaped like a header whose timestamp is wrong (unknown month name such as
//!   `MMM` or `août`, day or time out of range): unparsed, with the reason;
//! - before any record of this parser: unparsed (`no syslog header before the first record`);
//! - after a record: a continuation of it (tab-indented bodies, plaso's multi-line messages).
//!   A sudo `USER : (command continued) rest` line is a continuation too, and extends the
//!   previous sudo record's `command` field (joined with one space: sudo split at a space).
//!
//! rsyslog's `*ForwardFormat` files concatenate records without newlines
//! (`…this is debug<14>2021-03-06T04:07:33…`): once a `<PRI>` header has been seen, a line is
//! split at each `<PRI>` followed by a timestamp; the first part is the line's own decision
//! (event or continuation) and the rest are pushed with [`Sink::push_pending`]. A bare `<PRI>`
//! ending the line (a record cut off) is dropped.

use std::borrow::Cow;

use nom::{
    branch::alt,
    bytes::complete::{tag, take_till1, take_while1, take_while_m_n},
    character::complete::{char, digit1},
    combinator::{eof, map, map_res, opt, peek, recognize, verify},
    multi::{many1_count, many_m_n},
    sequence::{delimited, pair, preceded, terminated, tuple},
    IResult,
};

use crate::auth::{self, AuthEvent};
use crate::kernel::{self, OomAssembler};
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::timefmt::{bsd_timestamp, iso_datetime, month_abbrev};
use crate::{messages, systemd};

/// `message`: a syslog record with no more specific meaning.
pub const MESSAGE: &str = "message";
/// `message-repeated`: syslogd's `last message repeated N times` or rsyslog's
/// `message repeated N times: [msg]`.
pub const MESSAGE_REPEATED: &str = "message-repeated";

/// Source of records from authentication programs (see [`crate::auth`]).
pub const SOURCE_AUTH: &str = "auth";
/// Source of records whose tag is `kernel`.
pub const SOURCE_KERNEL: &str = "kernel";
/// Source of every other syslog record.
pub const SOURCE_SYSLOG: &str = "syslog";

/// Event kinds this parser emits (besides those of `auth`), with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (MESSAGE, "a syslog record with no more specific meaning (source syslog or kernel)"),
    (
        MESSAGE_REPEATED,
        "syslogd's 'last message repeated N times' or rsyslog's 'message repeated N times: [msg]' (count)",
    ),
];

/// Unparsed reason: a line without a header before any record.
pub const REASON_NO_HEADER: &str = "no syslog header before the first record";
/// Unparsed reason: a header-shaped line whose month is not an English abbreviation.
pub const REASON_BAD_MONTH: &str = "unknown month name in syslog timestamp";
/// Unparsed reason: a header-shaped line whose date or time is out of range.
pub const REASON_BAD_TIME: &str = "syslog timestamp out of range";

/// Parser for syslog-shaped files (auth.log, secure, syslog, messages, kern.log).
#[derive(Debug, Default)]
pub struct SyslogParser {
    /// A record has been emitted by this instance (later header-less lines continue it).
    seen_record: bool,
    /// A `<PRI>` header was seen: lines may hold several concatenated records.
    forward: bool,
    /// The last sudo record, held back until the next line shows whether a
    /// `(command continued)` line extends it. Owned, so it survives the window it came from:
    /// results never depend on where the caller's windows end.
    pending_sudo: Option<Record<'static>>,
    /// Folds kernel OOM reports into one event per kill.
    oom: OomAssembler,
    /// The last record line was a kernel line (a header-less line after it may belong to an
    /// open OOM report).
    last_kernel: bool,
    /// Read every line by the grammars alone (see [`SyslogParser::grammar_only`]).
    grammar_only: bool,
}

impl LineParser for SyslogParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if text.trim().is_empty() {
            self.flush_sudo(sink);
            sink.structural();
            return;
        }
        let split = if self.forward || text.starts_with('<') { next_embedded(text, 1) } else { None };
        let (first, mut tail) = match split {
            Some((end, next)) => (&text[..end], next.map(|n| &text[n..])),
            None => (text, None),
        };
        match self.header(first) {
            Some(h) => {
                self.forward |= h.pri.is_some();
                self.emit(line_no, &h, sink, false);
            }
            None => {
                self.flush_sudo(sink);
                match malformed(first) {
                    Some(reason) => sink.unparsed(line_no, reason),
                    None if !self.seen_record => sink.unparsed(line_no, REASON_NO_HEADER),
                    None if self.last_kernel && self.oom.continuation(first, sink) => {}
                    None => sink.continuation(first),
                }
            }
        }
        // Records concatenated after the first one (rsyslog ForwardFormat).
        while let Some(seg) = tail {
            let (this, next) = match next_embedded(seg, 1) {
                Some((end, next)) => (&seg[..end], next.map(|n| &seg[n..])),
                None => (seg, None),
            };
            if let Some(h) = self.header(this) {
                self.emit(line_no, &h, sink, true);
            }
            tail = next;
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_sudo(sink);
        self.oom.close(sink);
    }

    /// Settled: a record was read, nothing is held back (sudo record, open OOM report) and no
    /// `<PRI>` header switched on splitting concatenated records. `last_kernel` does not
    /// matter then: it only routes header-less lines to an open OOM report.
    fn is_settled(&self) -> bool {
        self.seen_record && !self.forward && self.pending_sudo.is_none() && !self.oom.is_open()
    }
}

impl SyslogParser {
    /// A parser for a window in the middle of a file: as one that has read a record and
    /// settled (see [`LineParser::is_settled`]).
    pub fn resumed() -> Self {
        SyslogParser { seen_record: true, ..SyslogParser::default() }
    }

    /// A parser that reads every line by the grammars alone, without the byte-level readers
    /// that answer for the commonest headers and authentication bodies first: the
    /// specification those readers are tested against (its records are the same).
    #[doc(hidden)]
    pub fn grammar_only() -> Self {
        SyslogParser { grammar_only: true, ..SyslogParser::default() }
    }

    /// The header of a line: by [`read_header`] when it can tell, else by the grammar.
    fn header<'a>(&self, line: &'a str) -> Option<Header<'a>> {
        if self.grammar_only {
            return header(line);
        }
        read_header(line).or_else(|| header(line))
    }

    /// Turns a header into a record and makes this line's decision (or, for a record
    /// embedded after the first one on the line, pushes it without counting the line).
    fn emit<'a>(&mut self, line_no: u64, h: &Header<'a>, sink: &mut Sink<'a>, embedded: bool) {
        let ev = h.ident.and_then(|ident| classify_body(ident, h.body, self.grammar_only));
        if let Some(Body::Auth(ev)) = &ev {
            if ev.kind == auth::SUDO_CONTINUED && self.join_sudo(h, ev, sink, embedded) {
                return;
            }
        }
        self.flush_sudo(sink);
        if !embedded {
            if let Some((source, kind)) = quick_kind(h, &ev) {
                if sink.skims(source, kind) {
                    self.seen_record = true;
                    self.last_kernel = false;
                    sink.glimpse(line_no, h.time, source, kind, None);
                    return;
                }
            }
        }
        let mut rec = build(line_no, h, ev);
        self.seen_record = true;
        self.last_kernel = rec.source == SOURCE_KERNEL;
        if rec.source == SOURCE_KERNEL {
            kernel::take_stamp(&mut rec);
            if embedded {
                sink.push_pending(rec);
            } else {
                self.oom.feed(rec, sink);
            }
        } else if embedded {
            sink.push_pending(rec);
        } else if sudo_key(&rec).is_some() {
            sink.event_pending();
            self.pending_sudo = Some(rec.into_owned());
        } else {
            sink.event(rec);
        }
    }

    /// Pushes the held-back sudo record, if any.
    fn flush_sudo(&mut self, sink: &mut Sink<'_>) {
        if let Some(rec) = self.pending_sudo.take() {
            sink.push_pending(rec);
        }
    }

    /// A `(command continued)` line: a continuation of the previous sudo record of the same
    /// user when there is one (extending its `command`). Returns false when it stands alone.
    fn join_sudo<'a>(
        &mut self,
        h: &Header<'a>,
        ev: &AuthEvent<'a>,
        sink: &mut Sink<'a>,
        embedded: bool,
    ) -> bool {
        let Some(FieldValue::Str(rest)) = ev.field("command") else { return false };
        let key = key_of(ev.user, h.pid, h.host);
        let Some(last) = self.pending_sudo.as_mut().filter(|p| sudo_key(p) == Some(key)) else {
            return false;
        };
        if let Some((_, FieldValue::Str(command))) = last.fields.iter_mut().find(|(k, _)| *k == "command") {
            *command = Cow::Owned(format!("{command} {rest}"));
        }
        last.continuation.push(Cow::Owned(rest.to_string()));
        if !embedded {
            sink.continuation_dropped();
        }
        true
    }
}

/// What a body turned out to be.
enum Body<'a> {
    /// An authentication event.
    Auth(AuthEvent<'a>),
    /// A repeated-message line: count, inner message, inner auth event.
    Repeated(i64, Option<&'a str>, Option<AuthEvent<'a>>),
}

fn classify_body<'a>(ident: &str, body: &'a str, grammar_only: bool) -> Option<Body<'a>> {
    let classify = if grammar_only { auth::classify_grammar } else { auth::classify };
    if let Some((count, inner)) = repeated(body) {
        let ev = inner.and_then(|inner| classify(ident, inner));
        return Some(Body::Repeated(count, inner, ev));
    }
    classify(ident, body).map(Body::Auth)
}

/// The (source, kind) [`build`] gives a header and its classified body, when it is known
/// without building the record: an authentication event that is not sudo's (sudo records
/// wait for a continuation line), or a plain message of a program no other classifier
/// claims. `None` for kernel lines (the OOM assembler reads them all) and anything else.
fn quick_kind(h: &Header<'_>, ev: &Option<Body<'_>>) -> Option<(&'static str, &'static str)> {
    let ident = h.ident?;
    if ident == "kernel" {
        return None;
    }
    match ev {
        Some(Body::Auth(ev)) if !matches!(ev.kind, auth::SUDO | auth::SUDO_FAILED | auth::SUDO_DENIED) => {
            Some((SOURCE_AUTH, ev.kind))
        }
        Some(_) => None,
        None if systemd::is_systemd_ident(ident) || kernel::has_no_space(h.body) => None,
        None => Some((SOURCE_SYSLOG, MESSAGE)),
    }
}

/// The record for a header and its classified body.
#[inline]
fn build<'a>(line_no: u64, h: &Header<'a>, ev: Option<Body<'a>>) -> Record<'a> {
    // Bodies without a tag may still be repeated-message lines.
    let ev = match ev {
        None if h.ident.is_none() => repeated(h.body).map(|(n, inner)| Body::Repeated(n, inner, None)),
        ev => ev,
    };
    let (pri_fac, pri_sev) = match h.pri {
        Some(p) => (Some(FACILITIES[(p / 8) as usize]), Some(SEVERITIES[(p % 8) as usize])),
        None => (None, h.level),
    };
    let header_fields = [
        h.ident.map(|v| ("ident", v)),
        pri_fac.map(|v| ("facility", v)),
        pri_sev.map(|v| ("severity", v)),
        h.procid.map(|v| ("procid", v)),
        h.msgid.map(|v| ("msgid", v)),
        h.sd.map(|v| ("structured_data", v)),
    ];
    let n_front = header_fields.iter().filter(|f| f.is_some()).count();

    let is_kernel = h.ident == Some("kernel");
    let plain = if is_kernel { SOURCE_KERNEL } else { SOURCE_SYSLOG };
    let (source, kind, user, fields) = match ev {
        Some(Body::Auth(ev)) => (SOURCE_AUTH, ev.kind, ev.user, with_front(&header_fields, ev.into_vec())),
        Some(Body::Repeated(count, inner, ev)) => {
            let own = 1 + inner.is_some() as usize + ev.as_ref().map_or(0, |e| 1 + e.len());
            let mut fields = Vec::with_capacity(n_front + own);
            fields.push(("count", FieldValue::Int(count)));
            if let Some(inner) = inner {
                fields.push(("repeated_message", FieldValue::Str(Cow::Borrowed(inner))));
            }
            let (source, user) = match ev {
                Some(ev) => {
                    fields.push(("repeated_kind", FieldValue::Str(Cow::Borrowed(ev.kind))));
                    let user = ev.user;
                    fields.extend(ev.into_fields());
                    (SOURCE_AUTH, user)
                }
                None => (plain, None),
            };
            (source, MESSAGE_REPEATED, user, with_front(&header_fields, fields))
        }
        None => {
            // A kernel line has room for its time since boot (`kernel::take_stamp`).
            let fields = Vec::with_capacity(n_front + usize::from(is_kernel));
            (plain, MESSAGE, None, with_front(&header_fields, fields))
        }
    };
    // Built at once, in place: a record is large, and every move of it is a copy.
    let mut rec = Record {
        line: line_no,
        time: h.time,
        source,
        kind,
        host: h.host.map(Cow::Borrowed),
        process: None,
        pm_id: None,
        pid: h.pid,
        user: user.map(Cow::Borrowed),
        message: Cow::Borrowed(h.body),
        fields,
        continuation: Vec::new(),
    };
    if rec.kind == MESSAGE && !is_kernel {
        messages::classify_non_auth(&mut rec, h.ident, h.body);
    }
    rec
}

/// The header's text fields (`front`, those that are there) followed by `fields`, in
/// `fields`' own vector (the byte-level readers size it with room for the `ident` field).
#[inline]
fn with_front<'a>(
    front: &[Option<(&'static str, &'a str)>; 6],
    mut fields: Vec<(&'static str, FieldValue<'a>)>,
) -> Vec<(&'static str, FieldValue<'a>)> {
    for (at, &(key, value)) in front.iter().flatten().enumerate() {
        fields.insert(at, (key, FieldValue::Str(Cow::Borrowed(value))));
    }
    fields
}

/// The sudo-join key of a record: `Some` for sudo-family records.
fn sudo_key(rec: &Record<'_>) -> Option<u64> {
    matches!(rec.kind, auth::SUDO | auth::SUDO_FAILED | auth::SUDO_DENIED)
        .then(|| key_of(rec.user.as_deref(), rec.pid, rec.host.as_deref()))
}

/// FNV-1a over (user, pid, host): a sudo record's identity without keeping its text.
fn key_of(user: Option<&str>, pid: Option<u64>, host: Option<&str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(user.unwrap_or("").as_bytes());
    eat(&pid.unwrap_or(u64::MAX).to_le_bytes());
    eat(host.unwrap_or("").as_bytes());
    h
}

/// RFC5424 facility names by code.
const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];

/// RFC5424 severity names by code.
const SEVERITIES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

// ---------------------------------------------------------------------------------------
// Header grammar

type Res<'a, T> = IResult<&'a str, T>;

/// A parsed header: everything of a line but the classification of its body.
#[derive(Clone, Debug, PartialEq)]
struct Header<'a> {
    time: RawTime,
    pri: Option<u8>,
    host: Option<&'a str>,
    ident: Option<&'a str>,
    pid: Option<u64>,
    /// RFC5424 PROCID that is not a number.
    procid: Option<&'a str>,
    msgid: Option<&'a str>,
    sd: Option<&'a str>,
    /// Severity written as a word (ChromeOS, macOS `<Level>`).
    level: Option<&'static str>,
    body: &'a str,
}

impl<'a> Header<'a> {
    fn new(time: RawTime) -> Self {
        Header {
            time,
            pri: None,
            host: None,
            ident: None,
            pid: None,
            procid: None,
            msgid: None,
            sd: None,
            level: None,
            body: "",
        }
    }
}

/// `"<" 1*3DIGIT ">"`, value ≤ 191.
fn pri(input: &str) -> Res<'_, u8> {
    verify(
        map_res(
            delimited(char('<'), take_while_m_n(1, 3, |c: char| c.is_ascii_digit()), char('>')),
            str::parse::<u8>,
        ),
        |p| *p <= 191,
    )(input)
}

/// A whole line's header, or `None` when the line does not start with one.
fn header(line: &str) -> Option<Header<'_>> {
    let (after_pri, pri) = opt(pri)(line).ok()?;
    if pri.is_some() {
        if let Ok((_, mut h)) = rfc5424(after_pri) {
            h.pri = pri;
            return Some(h);
        }
    }
    let (rest, time, iso) = if let Ok((rest, (local, zone))) = iso_datetime(after_pri) {
        (rest, RawTime::written(local, zone), true)
    } else {
        let (rest, (month, day, time)) = bsd_timestamp(after_pri).ok()?;
        // plaso's `Feb 29 01:15:43: --- …` has a colon after the time.
        (rest.strip_prefix(':').unwrap_or(rest), RawTime::NoYear { month, day, time }, false)
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let mut h = after_time(rest, time, iso);
    h.pri = pri;
    Some(h)
}

/// The commonest header shapes, read at fixed places over bytes (every line goes through
/// here) rather than by [`header`]'s grammar:
///
/// ```text
/// read-header = (bsd_timestamp / iso_datetime) SP host 1*SP name ["[" 1*19DIGIT "]"] ":" (SP / EOL)
/// host        = 1*(any char but SP, "[", ":")       ; not "---"…, not a ChromeOS severity
/// ```
///
/// `Sep  7 14:18:32 web1 sshd[812]: Accepted …`, `2026-02-17T08:15:02.123456+00:00 web1 CRON[9]: …`.
/// `None` for any other line (`<PRI>`, no host, a colon after the time, `[pid] <Level>`, …),
/// which the grammar reads; where this answers, the grammar gives the same header.
fn read_header(line: &str) -> Option<Header<'_>> {
    let (rest, time, iso) = if line.as_bytes().first()?.is_ascii_digit() {
        let (rest, (local, zone)) = iso_datetime(line).ok()?;
        (rest, RawTime::written(local, zone), true)
    } else {
        let (rest, (month, day, time)) = bsd_timestamp(line).ok()?;
        (rest, RawTime::NoYear { month, day, time }, false)
    };
    let rest = rest.strip_prefix(' ')?;
    // Every cut below is at an ASCII byte (SP, `[`, `]`, `:`): a char boundary.
    let host_end = rest.bytes().position(|c| matches!(c, b' ' | b'[' | b':'))?;
    let host = &rest[..host_end];
    if host_end == 0 || rest.as_bytes()[host_end] != b' ' || host.starts_with("---") {
        return None;
    }
    if iso && chromeos_severity(host).is_some() {
        return None;
    }
    let after = trim_spaces(&rest[host_end..]);
    let b = after.as_bytes();
    let name_end = b.iter().position(|&c| matches!(c, b' ' | b'[' | b':'))?;
    if name_end == 0 || after.starts_with("---") || after.starts_with("last message repeated ") {
        return None;
    }
    let (pid, colon) = if b[name_end] == b'[' {
        let digits = b[name_end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=19).contains(&digits) || b.get(name_end + 1 + digits) != Some(&b']') {
            return None;
        }
        let pid =
            b[name_end + 1..name_end + 1 + digits].iter().fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
        (Some(pid), name_end + digits + 2)
    } else {
        (None, name_end)
    };
    if b.get(colon) != Some(&b':') || !matches!(b.get(colon + 1), None | Some(b' ')) {
        return None;
    }
    let mut h = Header::new(time);
    h.host = Some(host);
    h.ident = Some(&after[..name_end]);
    h.pid = pid;
    h.body = trim_body(&after[colon + 1..]);
    Some(h)
}

/// Host, tag and body after the timestamp.
fn after_time(rest: &str, time: RawTime, iso: bool) -> Header<'_> {
    let mut h = Header::new(time);
    let rest = rest.trim_start_matches(' ');
    if rest.starts_with("---") {
        h.body = trim_body(rest);
        return h;
    }
    let (first, after_first) = split_token(rest);
    if iso {
        if let Some(sev) = chromeos_severity(first) {
            let after = after_first.trim_start_matches(' ');
            if tag_shaped(split_token(after).0) {
                h.level = Some(sev);
                tag_part(after, &mut h);
                return h;
            }
        }
    }
    if tag_shaped(first) {
        tag_part(rest, &mut h);
        return h;
    }
    h.host = (!first.is_empty()).then_some(first);
    let after = after_first.trim_start_matches(' ');
    if after.starts_with("---") || after.starts_with("last message repeated ") {
        h.body = trim_body(after);
        return h;
    }
    tag_part(after, &mut h);
    h
}

/// The first space-delimited token and what follows it.
fn split_token(s: &str) -> (&str, &str) {
    match s.find(' ') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// Leading spaces (rsyslog keeps the space after the colon), trailing whitespace.
fn trim_body(s: &str) -> &str {
    let s = trim_spaces(s);
    // Most bodies end in a printable ASCII byte: nothing to trim, no char to decode.
    match s.as_bytes().last() {
        Some(&c) if c.is_ascii_graphic() => s,
        _ => s.trim_end(),
    }
}

/// `s` without its leading spaces (ASCII bytes: the cut is a char boundary).
fn trim_spaces(s: &str) -> &str {
    &s[s.bytes().take_while(|&c| c == b' ').count()..]
}

/// A token that can only be a tag: `name[pid]:` or `name:`.
fn tag_shaped(token: &str) -> bool {
    matches!(simple_tag(token), Ok(("", t)) if t.colon)
}

/// What [`simple_tag`] read.
#[derive(Clone, Copy, Debug)]
struct Tag<'a> {
    name: &'a str,
    pid: Option<u64>,
    level: Option<&'static str>,
    colon: bool,
}

fn tag_name(input: &str) -> Res<'_, &str> {
    take_while1(|c| c != ' ' && c != '[' && c != ':')(input)
}

fn pid(input: &str) -> Res<'_, u64> {
    delimited(char('['), map_res(digit1, str::parse::<u64>), char(']'))(input)
}

/// `name ["[" pid "]" [SP "<" asl-level ">"]] [":"]`, followed by SP or the end.
///
/// Written over bytes (every line's tag, and every host token, goes through here): `name` is
/// one or more characters other than SP, `[` and `:`; a `[…]` that is not a `u64` is not a
/// pid and stays in the input (then nothing but SP or the end may follow the name).
fn simple_tag(input: &str) -> Res<'_, Tag<'_>> {
    let b = input.as_bytes();
    let name_len = memchr::memchr3(b' ', b'[', b':', b).unwrap_or(b.len());
    if name_len == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::TakeWhile1)));
    }
    // Every index below follows an ASCII byte: char boundaries.
    let mut at = name_len;
    let mut pid = None;
    if b.get(at) == Some(&b'[') {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && b.get(at + 1 + digits) == Some(&b']') {
            if let Ok(p) = input[at + 1..at + 1 + digits].parse::<u64>() {
                pid = Some(p);
                at += digits + 2;
            }
        }
    }
    let mut level = None;
    if pid.is_some() && b.get(at) == Some(&b' ') {
        if let Ok((rest, l)) = asl_level(&input[at + 1..]) {
            level = Some(l);
            at = input.len() - rest.len();
        }
    }
    let colon = b.get(at) == Some(&b':');
    at += colon as usize;
    if at < b.len() && b[at] != b' ' {
        return Err(nom::Err::Error(nom::error::Error::new(&input[at..], nom::error::ErrorKind::Tag)));
    }
    Ok((&input[at..], Tag { name: &input[..name_len], pid, level, colon }))
}

/// The two tags with a space: `syslogd 1.4.1:` and `-- root[2421]:`.
fn spaced_tag(input: &str) -> Res<'_, (&str, Option<u64>)> {
    let version = recognize(pair(digit1, many1_count(pair(char('.'), digit1))));
    let (input, t) = alt((
        map(terminated(recognize(tuple((tag_name, char(' '), version))), char(':')), |t| (t, None)),
        map(terminated(pair(recognize(tuple((tag_name, char(' '), tag_name))), pid), char(':')), |(t, p)| {
            (t, Some(p))
        }),
    ))(input)?;
    let (input, _) = peek(alt((eof, tag(" "))))(input)?;
    Ok((input, t))
}

/// Tag and body.
fn tag_part<'a>(s: &'a str, h: &mut Header<'a>) {
    let body = match simple_tag(s) {
        Ok((rest, t)) if t.pid.is_some() || t.colon => {
            h.ident = Some(t.name);
            h.pid = t.pid;
            h.level = t.level.or(h.level);
            rest
        }
        Ok((rest, t)) => match spaced_tag(s) {
            Ok((rest, (name, pid))) => {
                h.ident = Some(name);
                h.pid = pid;
                rest
            }
            Err(_) => {
                h.ident = Some(t.name);
                rest
            }
        },
        Err(_) => {
            // `foo[bar]: msg` (a non-numeric pid), or a body starting with "[" / ":".
            match take_till1::<_, _, nom::error::Error<&str>>(|c| c == ' ' || c == ':')(s) {
                Ok((rest, name)) if !name.starts_with('[') => {
                    h.ident = Some(name);
                    rest.strip_prefix(':').unwrap_or(rest)
                }
                _ => s,
            }
        }
    };
    h.body = trim_body(body);
}

fn chromeos_severity(token: &str) -> Option<&'static str> {
    Some(match token {
        "EMERG" => "emerg",
        "ALERT" => "alert",
        "CRIT" => "crit",
        "ERR" | "ERROR" => "err",
        "WARNING" | "WARN" => "warning",
        "NOTICE" => "notice",
        "INFO" => "info",
        "DEBUG" => "debug",
        _ => return None,
    })
}

/// macOS syslogd's `<Level>` after the pid.
fn asl_level(input: &str) -> Res<'_, &'static str> {
    let (input, word) =
        delimited(char('<'), take_while1(|c: char| c.is_ascii_alphabetic()), char('>'))(input)?;
    let level = match word {
        "Emergency" => "emerg",
        "Alert" => "alert",
        "Critical" => "crit",
        "Error" => "err",
        "Warning" => "warning",
        "Notice" => "notice",
        "Info" => "info",
        "Debug" => "debug",
        _ => return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    };
    Ok((input, level))
}

/// `version SP (iso_datetime / "-") SP host SP app SP procid SP msgid SP sd [SP msg]`.
fn rfc5424(input: &str) -> Res<'_, Header<'_>> {
    let (input, _version) = terminated(take_while_m_n(1, 2, |c: char| c.is_ascii_digit()), char(' '))(input)?;
    let (input, time) = alt((
        map(char('-'), |_| RawTime::None),
        map(iso_datetime, |(local, zone)| RawTime::written(local, zone)),
    ))(input)?;
    let nil_or = |i| map(preceded(char(' '), take_till1(|c| c == ' ')), |t: &str| (t != "-").then_some(t))(i);
    let (input, (host, app, procid, msgid)) = tuple((nil_or, nil_or, nil_or, nil_or))(input)?;
    let (input, sd) = preceded(
        char(' '),
        alt((map(char('-'), |_| None), map(recognize(many1_count(sd_element)), Some))),
    )(input)?;
    if !(input.is_empty() || input.starts_with(' ')) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    let msg = input.strip_prefix(' ').unwrap_or(input);
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    let mut h = Header::new(time);
    h.host = host;
    h.ident = app;
    match procid.map(str::parse::<u64>) {
        Some(Ok(p)) => h.pid = Some(p),
        Some(Err(_)) => h.procid = procid,
        None => {}
    }
    h.msgid = msgid;
    h.sd = sd;
    h.body = trim_body(msg);
    Ok(("", h))
}

/// One `[id param="value" …]` element; `\"`, `\]` and `\\` are escapes inside values.
fn sd_element(input: &str) -> Res<'_, &str> {
    if !input.starts_with('[') {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Char)));
    }
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in input.char_indices().skip(1) {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return Ok((&input[i + 1..], &input[..i + 1])),
            _ => {}
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Char)))
}

/// `1*DIGIT " time" ["s"]`.
fn times(input: &str) -> Res<'_, i64> {
    terminated(map_res(digit1, str::parse::<i64>), pair(tag(" time"), opt(char('s'))))(input)
}

/// Repeated-message bodies → (count, inner message).
fn repeated(body: &str) -> Option<(i64, Option<&str>)> {
    // Every form starts with `l`, `-` or `m`: most bodies are decided by their first byte.
    if !matches!(body.as_bytes().first(), Some(b'l' | b'-' | b'm')) {
        return None;
    }
    let syslogd = map(preceded(tag("last message repeated "), times), |n| (n, None));
    let dashed = map(delimited(tag("--- last message repeated "), times, tag(" ---")), |n| (n, None));
    let r: Res<'_, (i64, Option<&str>)> = terminated(alt((syslogd, dashed)), eof)(body);
    if let Ok((_, v)) = r {
        return Some(v);
    }
    // rsyslog: `message repeated N times: [ msg]`
    let (inner, n) =
        delimited(tag::<_, _, nom::error::Error<&str>>("message repeated "), times, tag(": ["))(body).ok()?;
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    Some((n, Some(inner.trim())))
}

/// A line shaped like a header whose timestamp does not parse: a reason for it.
///
/// `word SP{1,2} day SP time` with an unknown month word, or a date/time out of range;
/// also an ISO-shaped timestamp out of range.
fn malformed(line: &str) -> Option<&'static str> {
    let line = opt(pri)(line).map(|(rest, _)| rest).unwrap_or(line);
    let d = |n| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    // What may follow a header's time: its fraction, zone, the host, or nothing.
    let end = |i| peek(alt((eof, tag(" "), tag("."), tag(","), tag(":"), tag("Z"), tag("+"), tag("-"))))(i);
    let hms = recognize(tuple((d(2), char(':'), d(2), char(':'), d(2))));
    let bsd_shape: Res<'_, &str> = terminated(
        terminated(
            // (not take_while_m_n: nom 7 counts bytes as chars there for non-ASCII text)
            verify(take_while1(|c: char| c.is_alphabetic()), |w: &str| (3..=12).contains(&w.chars().count())),
            tuple((many_m_n(1, 2, char(' ')), take_while_m_n(1, 2, |c: char| c.is_ascii_digit()), char(' '))),
        ),
        pair(hms, end),
    )(line);
    if let Ok((_, month)) = bsd_shape {
        let known = month_abbrev(month).is_ok_and(|(r, _)| r.is_empty());
        return Some(if known { REASON_BAD_TIME } else { REASON_BAD_MONTH });
    }
    let hms = recognize(tuple((d(2), char(':'), d(2), char(':'), d(2))));
    let iso_shape: Res<'_, _> =
        tuple((d(4), char('-'), d(2), char('-'), d(2), alt((char('T'), char(' '))), hms, end))(line);
    iso_shape.is_ok().then_some(REASON_BAD_TIME)
}

/// The next embedded record in `line` at or after byte `from`: `<PRI>` followed by an ISO
/// or BSD timestamp and a space, or a bare `<PRI>` ending the line. Returns where the
/// current record ends and where the next one starts (`None` for a bare trailing `<PRI>`).
fn next_embedded(line: &str, from: usize) -> Option<(usize, Option<usize>)> {
    let bytes = line.as_bytes();
    let mut at = from;
    while let Some(off) = memchr::memchr(b'<', bytes.get(at..)?) {
        let pos = at + off;
        let cand = &line[pos..];
        if let Ok((rest, _)) = pri(cand) {
            if rest.is_empty() {
                return Some((pos, None));
            }
            let stamped = iso_datetime(rest).map(|(r, _)| r).or_else(|_| bsd_timestamp(rest).map(|(r, _)| r));
            if stamped.is_ok_and(|r| r.starts_with(' ')) {
                return Some((pos, Some(pos)));
            }
        }
        at = pos + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use proptest::prelude::*;

    /// The combinator grammar the byte-level [`simple_tag`] replaced, as its specification.
    fn simple_tag_combinators(input: &str) -> Res<'_, Tag<'_>> {
        let (input, name) = tag_name(input)?;
        let (input, pid) = opt(pid)(input)?;
        let (input, level) =
            if pid.is_some() { opt(preceded(char(' '), asl_level))(input)? } else { (input, None) };
        let (input, colon) = opt(char(':'))(input)?;
        let (input, _) = peek(alt((eof, tag(" "))))(input)?;
        Ok((input, Tag { name, pid, level, colon: colon.is_some() }))
    }

    fn pid(input: &str) -> Res<'_, u64> {
        delimited(char('['), map_res(digit1, str::parse::<u64>), char(']'))(input)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn simple_tag_is_the_combinator_grammar(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("sshd"), Just("CRON"), Just("[123]"), Just("[99999999999999999999]"),
                    Just("[x]"), Just(":"), Just(" "), Just(" <Notice>"), Just(" <Bogus>"),
                    Just("é"), Just("["), Just("]"), Just("0"), Just("msg"),
                ],
                1..6,
            ).prop_map(|v| v.concat())
        ) {
            let got = simple_tag(&text).ok().map(|(rest, t)| (rest, t.name, t.pid, t.level, t.colon));
            let want =
                simple_tag_combinators(&text).ok().map(|(rest, t)| (rest, t.name, t.pid, t.level, t.colon));
            prop_assert_eq!(got, want);
        }
    }

    /// Syslog lines built from the pieces of headers (timestamps, spacing, hosts, tags) and
    /// bodies (sshd, PAM, sudo, kernel, repeated messages), with the odd values that send a
    /// line down another path of the grammar.
    fn syslog_line() -> impl Strategy<Value = String> {
        let time = prop::sample::select(vec![
            "Dec 10 06:55:46",
            "Feb  7 01:02:03",
            "Feb 7 01:02:03",
            "Mar 23 23:01:18.123",
            "Dec 10 06:55:46:",
            "Feb 29 01:15:43",
            "Dec 32 06:55:46",
            "MMM 22 07:54:32",
            "2026-02-16T14:30:00.000000+01:00",
            "2026-02-16T14:30:00Z",
            "2026-02-16T14:30:00",
            "2019-06-07 12:34:56+0400",
            "2026-02-30T00:00:00",
            "2026-02-16T14:30:00.1234567890-05",
            "<38>Dec 10 06:55:46",
            "<13>1 2026-02-16T14:30:00Z",
            "2026-02-16T14:30:60",
            "",
        ]);
        let sep = prop::sample::select(vec![" ", " ", " ", "  ", "", "\t"]);
        let host = prop::sample::select(vec![
            "LabSZ",
            "projectium",
            "web-1.example.com",
            "INFO",
            "ERR",
            "---",
            "host[1]",
            "h:x",
            "é",
            "",
            "kernel:",
            "sshd[1]:",
            "-",
        ]);
        let tag = prop::sample::select(vec![
            "sshd[24200]:",
            "sshd:",
            "CRON[1]:",
            "sudo:",
            "su:",
            "kernel:",
            "systemd-logind[612]:",
            "systemd[1]:",
            "sshd[99999999999999999999]:",
            "sshd[1234567890123456789]:",
            "sshd[12]",
            "sshd[x]:",
            "sshd[]:",
            "sshd[1] <Notice>:",
            "sshd[1]:x",
            "sshd(pam_unix)[5]:",
            "-- root[2421]:",
            "syslogd 1.4.1:",
            "last message repeated 2 times",
            "--- last message repeated 1 time ---",
            "log_tag",
            "é[3]:",
            ":",
            "[1]:",
        ]);
        let body = prop::sample::select(vec![
            "Failed password for invalid user admin from 173.234.31.186 port 38926 ssh2",
            "Accepted publickey for deploy_bot from 192.0.2.10 port 41822 ssh2: RSA SHA256:3bD0n8yq",
            "Invalid user webmaster from 173.234.31.186",
            "Connection closed by authenticating user root 61.177.172.140 port 50127 [preauth]",
            "Received disconnect from 139.59.209.18: 11: Bye Bye [preauth]",
            "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root",
            "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
            "pam_unix(sudo:session): session closed for user root",
            "session opened for user test by (uid=508)",
            "deploy_bot : TTY=pts/1 ; PWD=/home/deploy_bot ; USER=root ; COMMAND=/usr/bin/find /var -name x",
            "deploy_bot : (command continued) -exec rm -rf {} ;",
            "(root) CMD (cd / && run-parts --report /etc/cron.hourly)",
            "New session 4180 of user deploy_bot.",
            "Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB",
            "[997.390602] sda2: rw=0, want=65, limit=2",
            "message repeated 3 times: [ Failed password for root from 1.2.3.4 port 22 ssh2]",
            "write error: No space left on device",
            "Started Session 1 of user root.",
            "reverse mapping checking getaddrinfo for x [1.2.3.4] failed - POSSIBLE BREAK-IN ATTEMPT!",
            "  trailing spaces and a tab\t",
            "é \u{a0}",
            "",
        ]);
        (time, sep.clone(), host, sep.clone(), tag, sep, body)
            .prop_map(|(t, s1, h, s2, tag, s3, b)| format!("{t}{s1}{h}{s2}{tag}{s3}{b}"))
    }

    /// Everything a parser's sinks hold, plain and skimming every auth kind and plain
    /// messages, as text.
    fn parsed(mut parser: SyslogParser, mut skimming: SyslogParser, text: &str) -> String {
        let plain = crate::parse_text(&mut parser, text);
        let kinds: Vec<(&'static str, &'static str)> =
            auth::KINDS.iter().map(|(k, _)| (SOURCE_AUTH, *k)).chain([(SOURCE_SYSLOG, MESSAGE)]).collect();
        let mut skimmed = Sink::skimming(kinds.into());
        for (i, line) in crate::split_lines(text).enumerate() {
            skimming.parse_line(i as u64 + 1, line, &mut skimmed);
        }
        skimming.finish(&mut skimmed);
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            plain.records,
            plain.unparsed,
            plain.counts,
            plain.carried_continuation,
            skimmed.records,
            skimmed.glimpses,
            skimmed.counts
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10000))]

        #[test]
        fn read_header_is_the_grammar(line in syslog_line(), cut in 0usize..200) {
            for line in [line.as_str(), &line[..(0..=cut.min(line.len())).rev().find(|&c| line.is_char_boundary(c)).unwrap_or(0)]] {
                if let Some(h) = read_header(line) {
                    prop_assert_eq!(Some(h), header(line), "{:?}", line);
                }
            }
        }

        #[test]
        fn parser_is_the_grammar_only_parser(lines in proptest::collection::vec(syslog_line(), 1..6)) {
            let text = lines.join("\n");
            prop_assert_eq!(
                parsed(SyslogParser::default(), SyslogParser::default(), &text),
                parsed(SyslogParser::grammar_only(), SyslogParser::grammar_only(), &text),
                "{:?}", text
            );
        }
    }

    /// The header reader answers for the common shapes (else the property above would hold
    /// trivially), as the grammar does.
    #[test]
    fn read_header_answers_for_common_lines() {
        for line in [
            "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
            "Feb  7 01:02:03 projectium sudo: deploy_bot : TTY=pts/1 ; COMMAND=/bin/true",
            "2026-02-16T14:30:00.000000+01:00 projectium sshd[21966]: Failed password for root",
            "2026-02-16T14:30:00 host kernel: [1.0] x",
            "Sep  7 14:18:32 VM-12-2-centos kernel:",
        ] {
            let h = read_header(line);
            assert!(h.is_some(), "{line}");
            assert_eq!(h, header(line), "{line}");
        }
    }

    fn hms(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    #[test]
    fn bsd_header() {
        let h = header("Sep  7 14:18:32 VM-12-2-centos kernel: msg").unwrap();
        assert_eq!(h.time, RawTime::NoYear { month: 9, day: 7, time: hms(14, 18, 32) });
        assert_eq!((h.host, h.ident, h.pid, h.body), (Some("VM-12-2-centos"), Some("kernel"), None, "msg"));
    }

    #[test]
    fn no_host() {
        let h = header("Jun 13 16:33:35 haproxy[73411]: Proxy started.").unwrap();
        assert_eq!((h.host, h.ident, h.pid, h.body), (None, Some("haproxy"), Some(73411), "Proxy started."));
    }

    #[test]
    fn spaced_tags() {
        let h = header("Jun 19 04:09:11 combo syslogd 1.4.1: restart.").unwrap();
        assert_eq!((h.ident, h.body), (Some("syslogd 1.4.1"), "restart."));
        let h = header("Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2").unwrap();
        assert_eq!((h.host, h.ident, h.pid), (Some("combo"), Some("-- root"), Some(2421)));
        let h = header("Mar  6 04:07:28 hostname log_tag this is debug").unwrap();
        assert_eq!((h.ident, h.body), (Some("log_tag"), "this is debug"));
    }

    #[test]
    fn pri_values() {
        assert_eq!(pri("<191>"), Ok(("", 191)));
        assert!(pri("<192>").is_err());
        assert!(pri("<>").is_err());
    }

    #[test]
    fn embedded_split() {
        let line = "<15>Mar  6 04:07:23 h t a<14>Mar  6 04:07:23 h t b<30>";
        let (end, next) = next_embedded(line, 1).unwrap();
        assert_eq!((&line[..end], next), ("<15>Mar  6 04:07:23 h t a", Some(end)));
        let seg = &line[end..];
        let (end2, next2) = next_embedded(seg, 1).unwrap();
        assert_eq!((&seg[..end2], next2), ("<14>Mar  6 04:07:23 h t b", None));
        assert_eq!(next_embedded("a <b> <12>x", 0), None);
    }

    #[test]
    fn repeated_forms() {
        assert_eq!(repeated("last message repeated 2 times"), Some((2, None)));
        assert_eq!(repeated("--- last message repeated 1 time ---"), Some((1, None)));
        assert_eq!(repeated("message repeated 5 times: [ x y]"), Some((5, Some("x y"))));
        assert_eq!(repeated("last message repeated many times"), None);
    }

    #[test]
    fn malformed_shapes() {
        assert_eq!(malformed("MMM 22 07:54:32 host x: y"), Some(REASON_BAD_MONTH));
        assert_eq!(malformed("août 19 11:08:37 nlaptop symphorien[4961]: test"), Some(REASON_BAD_MONTH));
        assert_eq!(malformed("Feb 30x"), None);
        assert_eq!(malformed("Jan  5 13:54:43x h"), None);
        assert_eq!(malformed("Jan 55 13:54:43.1 h"), Some(REASON_BAD_TIME));
        assert_eq!(malformed("Dec 32 06:55:46 h"), Some(REASON_BAD_TIME));
        assert_eq!(malformed("2026-02-30T00:00:00 h"), Some(REASON_BAD_TIME));
        assert_eq!(malformed("\tmany syslog parsers."), None);
        assert_eq!(malformed("with another line"), None);
    }
}
