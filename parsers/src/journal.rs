//! systemd journal exports: every `journalctl` text output, `-o json` and `-o export`, decided
//! one physical line at a time (outputs may even be mixed in one file).
//!
//! ```text
//! line        = blank / special / json / export-line / text / continuation
//! blank       = *WSP                                       ; structural (ends an export entry)
//! special     = "-- " text " --"                           ; structural; see below
//!             ; "-- Boot " id " --" / "-- Reboot --"  → next boot section (boot index + 1)
//!             ; "-- Logs begin at … --" / "-- Journal begins at … --" / "-- No entries --"
//! text        = stamp SP host SP tag-part
//! stamp       = bsd_timestamp                              ; short, short-precise → NoYear
//!             / iso_datetime                               ; short-iso[-precise] (+0000) → Exact
//!             / wday SP date SP time SP zone-word          ; short-full, with-unit
//!             / 1*DIGIT "." 1*DIGIT                        ; short-unix: epoch seconds → Exact UTC
//!             / "[" *SP 1*DIGIT "." 1*DIGIT "]"            ; short-monotonic: seconds since boot
//! zone-word   = "UTC" / "GMT" / "Z" / "UT"                 ; → Exact, offset 0
//!             / ("+" / "-") 2DIGIT [2DIGIT]                ; numeric "abbreviation" → Exact
//!             / 1*ALPHA                                    ; CET, PST: ambiguous → Local + zone_abbrev
//! tag-part    = ident ["[" pid "]"] ":" (SP msg / EOL)     ; ident = text up to the first ": "
//!             / msg                                        ; (may hold spaces or "/")
//! msg         = "[" size " blob data]"                     ; Int field blob_bytes (size "16B")
//!             / text
//! continuation= 1*(SP / HTAB) text                         ; after a record: indented MESSAGE line
//! json        = "{" … "}"                                  ; one journal entry (see below)
//! export-line = key "=" value                              ; -o export field
//!             / key                                        ; binary field: next bytes are
//!                                                          ; u64-LE length + data + LF
//! key         = (UPPER / "_") *(UPPER / DIGIT / "_")
//! ```
//!
//! Text records: fields `ident`, `unit` (a with-unit ident such as `pm2-root.service`, or the
//! `UNIT: ` prefix of a `systemd` message), `zone_abbrev`, `monotonic_us` and `boot`
//! (short-monotonic: 0-based boot section, counted from `-- Boot`/`-- Reboot` separators that
//! follow records), `boot_id` (from the last `-- Boot <id> --`), `blob_bytes`, then the
//! fields of [`crate::auth::classify`] for authentication bodies. A monotonic time is
//! [`RawTime::None`]: a later stage dates it when the boot time is known. An indented line
//! continues the previous record; its indentation up to the previous record's message column
//! is removed. Other header-less lines are unparsed.
//!
//! JSON entries (`-o json`): every value is a string, a repeated field an array (its first
//! value is used), `MESSAGE` may be an array of byte values (decoded lossily as UTF-8). ANSI
//! CSI sequences (`ESC [ … final`) are removed from messages. `__REALTIME_TIMESTAMP` (µs since
//! the epoch) → [`RawTime::Exact`] UTC; `_HOSTNAME` → host; `SYSLOG_IDENTIFIER`, else `_COMM`
//! → `ident`; `_PID`, else `SYSLOG_PID` → pid. Fields: `ident`, `unit` (`UNIT`, else
//! `USER_UNIT`, else `_SYSTEMD_UNIT`), `systemd_unit` (`_SYSTEMD_UNIT`), `priority`,
//! `transport`, `boot_id`, `monotonic_us`. A multi-line message: its first line is the
//! message, the others are the record's continuation entries. `json-pretty` is not supported
//! (its lines are unparsed).
//!
//! Export entries (`-o export`): the entry's first line is the event line (the record is pushed
//! when the entry ends at a blank line, at a line that is not an export field, or at
//! [`LineParser::finish`]); its other field lines, and the lines of binary data, are
//! [`Sink::continuation_dropped`] (their content is folded into the record). Field mapping as
//! for JSON. A bare `KEY` line starts an entry only once an export entry has been seen. Binary
//! data is only seen lossily decoded: its length prefix is decoded when its 8 bytes are ASCII
//! (otherwise the rest of that line is taken as the value), and the data is complete once its
//! length is reached, counting each U+FFFD as one raw byte (the usual invalid byte).
//!
//! Not supported: `-o verbose`, `-o cat`, `json-pretty`, `json-sse`/`json-seq`.
//!
//! Speed: the plain lines of the `short*` modes (`stamp SP host SP ident[pid]: msg`, most of
//! any journal) are read by a byte-level reader of that shape, the grammar above deciding
//! every other line; each identifier's classifiers are chosen once. Property tests check both
//! against what they shortcut (the grammar; every message through every classifier).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use nom::{
    bytes::complete::{take_while, take_while1},
    character::complete::{char, digit1},
    sequence::tuple,
    IResult,
};

use crate::ansi::strip as strip_ansi;
use crate::auth;
use crate::kernel::{self, OomAssembler};
use crate::messages::{classify_into, classify_non_auth};
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::scan;
use crate::systemd::{self, is_unit};
use crate::timefmt::{bsd_timestamp, date, iso_datetime, month_abbrev, time};

/// `message`: a journal entry with no more specific meaning.
pub const MESSAGE: &str = "message";

/// Source of records whose body an authentication program wrote (see [`crate::auth`]).
pub const SOURCE_AUTH: &str = "auth";
/// Source of records whose ident (or JSON `_TRANSPORT`) is `kernel`.
pub const SOURCE_KERNEL: &str = "kernel";
/// Source of every other journal record.
pub const SOURCE_JOURNAL: &str = "journal";

/// Event kinds this parser emits (besides those of [`crate::auth::KINDS`]), with what each means.
pub const KINDS: &[(&str, &str)] =
    &[(MESSAGE, "a journal entry with no more specific meaning (source journal or kernel)")];

/// Unparsed reason: an indented line before any record.
pub const REASON_NO_RECORD: &str = "indented journal line before the first record";
/// Unparsed reason: a line that is none of the journal shapes.
pub const REASON_NOT_JOURNAL: &str = "no journal header";
/// Unparsed reason: a header-shaped line whose date or time is out of range.
pub const REASON_BAD_TIME: &str = "journal timestamp out of range";
/// Unparsed reason: a `{` line that is not a JSON object.
pub const REASON_BAD_JSON: &str = "malformed journal JSON entry";

/// Largest binary export field accepted from a length prefix (larger: prefix distrusted).
const MAX_BINARY: u64 = 64 << 20;

/// Parser for `journalctl` output (all `short*` modes, `with-unit`, `json`, `export`).
#[derive(Debug, Default)]
pub struct JournalParser {
    /// A record has been emitted (indented lines continue it).
    seen_record: bool,
    /// Byte column of the last text record's message (continuation indentation).
    msg_col: usize,
    /// 0-based boot section.
    boot: i64,
    /// The current boot section has records (a separator then starts a new one).
    boot_has_records: bool,
    /// Boot id from the last `-- Boot <id> --` separator.
    boot_id: Option<String>,
    /// An export entry has been seen (bare `KEY` lines start entries).
    export_mode: bool,
    /// The export entry being read.
    export: Option<ExportEntry>,
    /// Folds kernel OOM reports into one event per kill.
    oom: OomAssembler,
    /// How each identifier's messages are classified.
    routes: Routes,
    /// The date of the last short-iso stamp.
    dates: DateMemo,
}

/// An export entry being read (owned: it may span windows).
#[derive(Debug)]
struct ExportEntry {
    line: u64,
    entry: Entry,
    binary: Option<Binary>,
}

/// A binary export field being read.
#[derive(Debug)]
struct Binary {
    key: String,
    /// Lossy text of the lines after the `KEY` line, joined with `\n`.
    buf: String,
    /// Lines appended so far.
    lines: usize,
}

/// The journal fields a record is built from (JSON object or export entry).
#[derive(Debug, Default)]
struct Entry {
    realtime: Option<String>,
    monotonic: Option<String>,
    host: Option<String>,
    ident: Option<String>,
    comm: Option<String>,
    pid: Option<String>,
    syslog_pid: Option<String>,
    priority: Option<String>,
    systemd_unit: Option<String>,
    unit: Option<String>,
    user_unit: Option<String>,
    transport: Option<String>,
    boot_id: Option<String>,
    message: Option<String>,
}

impl Entry {
    /// Stores `value` for `key` (first value wins; unknown keys are ignored).
    fn set(&mut self, key: &str, value: String) {
        let slot = match key {
            "__REALTIME_TIMESTAMP" => &mut self.realtime,
            "__MONOTONIC_TIMESTAMP" => &mut self.monotonic,
            "_HOSTNAME" => &mut self.host,
            "SYSLOG_IDENTIFIER" => &mut self.ident,
            "_COMM" => &mut self.comm,
            "_PID" => &mut self.pid,
            "SYSLOG_PID" => &mut self.syslog_pid,
            "PRIORITY" => &mut self.priority,
            "_SYSTEMD_UNIT" => &mut self.systemd_unit,
            "UNIT" => &mut self.unit,
            "USER_UNIT" => &mut self.user_unit,
            "_TRANSPORT" => &mut self.transport,
            "_BOOT_ID" => &mut self.boot_id,
            "MESSAGE" => &mut self.message,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
}

impl LineParser for JournalParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if self.export.is_some() && self.export_line(text, sink) {
            return;
        }
        // A line starting with a letter or digit is none of the shapes tested below before
        // the text header (blank, special, JSON, indented): the plain syslog-type lines of
        // `short*` modes are read at once.
        if text.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) {
            if let Some(h) = short_header(text, &mut self.dates) {
                self.text_line(line_no, h, sink);
                return;
            }
        }
        if scan::is_blank(text) {
            sink.structural();
            return;
        }
        if let Some(inner) = special(text) {
            self.oom.close(sink);
            self.separator(inner);
            sink.structural();
            return;
        }
        if text.starts_with('{') {
            match json_entry(text) {
                Some(entry) => {
                    let rec = self.entry_record(line_no, entry);
                    self.mark_record();
                    self.msg_col = usize::MAX;
                    self.emit(rec, sink, false);
                }
                None => sink.unparsed(line_no, REASON_BAD_JSON),
            }
            return;
        }
        if text.starts_with([' ', '\t']) {
            if !self.seen_record {
                sink.unparsed(line_no, REASON_NO_RECORD);
            } else {
                let indent = text.len() - text.trim_start_matches(' ').len();
                let cut = indent.min(self.msg_col);
                sink.continuation(text.get(cut..).unwrap_or(text));
            }
            return;
        }
        match header(text) {
            Some(Ok(h)) => self.text_line(line_no, h, sink),
            Some(Err(reason)) => sink.unparsed(line_no, reason),
            None => {
                if let Some(kind) = export_start(text, self.export_mode) {
                    self.export_mode = true;
                    let mut ex = ExportEntry { line: line_no, entry: Entry::default(), binary: None };
                    match kind {
                        ExportLine::Field(k, v) => ex.entry.set(k, v.to_string()),
                        ExportLine::Binary(k) => {
                            ex.binary = Some(Binary { key: k.to_string(), buf: String::new(), lines: 0 })
                        }
                    }
                    self.export = Some(ex);
                    sink.event_pending();
                } else {
                    sink.unparsed(line_no, REASON_NOT_JOURNAL);
                }
            }
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_export(sink);
        self.oom.close(sink);
    }
}

impl JournalParser {
    /// Makes a record's line decision; kernel records go through the OOM assembler.
    /// `counted`: the record's lines were already counted (an export entry).
    fn emit<'a>(&mut self, mut rec: Record<'a>, sink: &mut Sink<'a>, counted: bool) {
        if rec.source == SOURCE_KERNEL {
            kernel::take_stamp(&mut rec);
            if counted {
                self.oom.feed_counted(rec, sink);
            } else {
                self.oom.feed(rec, sink);
            }
        } else if counted {
            sink.push_pending(rec);
        } else if sink.skims(rec.source, rec.kind) && rec.field("monotonic_us").is_none() {
            // Counted, not kept (a record with a time since boot may date a boot: kept).
            sink.glimpse(rec.line, rec.time, rec.source, rec.kind, rec.process);
        } else {
            sink.event(rec);
        }
    }

    fn mark_record(&mut self) {
        self.seen_record = true;
        self.boot_has_records = true;
    }

    /// A `-- … --` line: a boot separator starts a new boot section.
    fn separator(&mut self, inner: &str) {
        let boot = if inner == "Reboot" {
            Some(None)
        } else {
            inner.strip_prefix("Boot ").map(|id| Some(id.trim()))
        };
        if let Some(id) = boot {
            if self.boot_has_records {
                self.boot = self.boot.saturating_add(1);
                self.boot_has_records = false;
            }
            self.boot_id = id.filter(|s| !s.is_empty()).map(str::to_string);
        }
    }

    /// Inside an export entry: reads `text` as part of it. Returns false when the line is not
    /// part of the entry (the entry has been pushed; the caller decides the line).
    fn export_line<'a>(&mut self, text: &'a str, sink: &mut Sink<'a>) -> bool {
        let Some(ex) = self.export.as_mut() else { return false };
        if let Some(bin) = ex.binary.as_mut() {
            if bin.lines > 0 {
                bin.buf.push('\n');
            }
            bin.buf.push_str(text);
            bin.lines += 1;
            if let Some(value) = binary_value(&bin.buf) {
                let key = std::mem::take(&mut bin.key);
                ex.entry.set(&key, value);
                ex.binary = None;
            }
            sink.continuation_dropped();
            return true;
        }
        if text.is_empty() {
            self.flush_export(sink);
            sink.structural();
            return true;
        }
        match export_start(text, true) {
            Some(ExportLine::Field(k, v)) => ex.entry.set(k, v.to_string()),
            Some(ExportLine::Binary(k)) => {
                ex.binary = Some(Binary { key: k.to_string(), buf: String::new(), lines: 0 })
            }
            None => {
                self.flush_export(sink);
                return false;
            }
        }
        sink.continuation_dropped();
        true
    }

    /// Pushes the export entry being read, if any.
    fn flush_export(&mut self, sink: &mut Sink<'_>) {
        if let Some(mut ex) = self.export.take() {
            if let Some(bin) = ex.binary.take() {
                // Cut short: keep what was read after the length prefix.
                let value = bin.buf.get(8..).unwrap_or("").to_string();
                ex.entry.set(&bin.key, value);
            }
            let rec = self.entry_record(ex.line, ex.entry);
            self.mark_record();
            self.msg_col = usize::MAX;
            self.emit(rec, sink, true);
        }
    }

    /// The record of a JSON or export entry.
    fn entry_record(&self, line_no: u64, e: Entry) -> Record<'static> {
        let time = e
            .realtime
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .and_then(DateTime::from_timestamp_micros)
            .map_or(RawTime::None, |t| RawTime::Exact { local: t.naive_utc(), offset_secs: 0 });
        let message = strip_ansi(e.message.as_deref().unwrap_or(""));
        let mut lines = message.split('\n');
        let first = lines.next().unwrap_or("");
        let ident = e.ident.as_deref().or(e.comm.as_deref());
        let pid = e.pid.as_deref().or(e.syslog_pid.as_deref()).and_then(|p| p.trim().parse::<u64>().ok());
        let unit = e.unit.as_deref().or(e.user_unit.as_deref()).or(e.systemd_unit.as_deref());
        let monotonic = e.monotonic.as_deref().and_then(|m| m.trim().parse::<i64>().ok());
        let kernel = ident == Some("kernel") || e.transport.as_deref() == Some("kernel");

        let mut rec = Record::new(line_no, time, SOURCE_JOURNAL, MESSAGE, first);
        rec.host = e.host.as_deref().map(Cow::Borrowed);
        rec.pid = pid;
        let header = [
            ident.map(|v| ("ident", FieldValue::from(v))),
            unit.map(|v| ("unit", FieldValue::from(v))),
            e.systemd_unit.as_deref().map(|v| ("systemd_unit", FieldValue::from(v))),
            e.priority.as_deref().map(|v| ("priority", FieldValue::from(v))),
            e.transport.as_deref().map(|v| ("transport", FieldValue::from(v))),
            e.boot_id.as_deref().map(|v| ("boot_id", FieldValue::from(v))),
            monotonic.map(|v| ("monotonic_us", FieldValue::Int(v))),
        ];
        rec.fields.extend(header.into_iter().flatten());
        if kernel {
            rec.source = SOURCE_KERNEL;
        }
        if !kernel {
            classify_into(&mut rec, ident, first);
        }
        rec.continuation.extend(lines.map(Cow::Borrowed));
        rec.into_owned()
    }

    /// Builds the record of a text line and makes the line's decision. The identifier's
    /// route decides which classifiers read the message (see [`Route`]); the result is what
    /// [`classify_into`] gives (`tests::routed_records_are_the_classifiers`).
    fn text_line<'a>(&mut self, line_no: u64, h: TextHeader<'a>, sink: &mut Sink<'a>) {
        self.msg_col = h.body_col;
        self.mark_record();
        let route = h.ident.map(|i| self.routes.get(i));
        let kernel = route.is_some_and(|r| r.kernel);
        let unit = match (h.ident, route) {
            (Some(ident), Some(r)) if r.unit => Some(ident),
            (_, Some(r)) if r.systemd_pid1 => unit_prefix(h.body),
            _ => None,
        };
        let mut rec = Record {
            line: line_no,
            time: h.time,
            source: if kernel { SOURCE_KERNEL } else { SOURCE_JOURNAL },
            kind: MESSAGE,
            host: Some(Cow::Borrowed(h.host)),
            process: None,
            pm_id: None,
            pid: h.pid,
            user: None,
            message: Cow::Borrowed(h.body),
            // Room for the header fields and a classifier's few: one allocation per record.
            fields: Vec::with_capacity(TEXT_FIELDS),
            continuation: Vec::new(),
        };
        // Pushed one by one (not an array of options flattened): every text line comes here.
        let fields = &mut rec.fields;
        if let Some(v) = h.ident {
            fields.push(("ident", FieldValue::from(v)));
        }
        if let Some(v) = unit {
            fields.push(("unit", FieldValue::from(v)));
        }
        if let Some(v) = h.zone_abbrev {
            fields.push(("zone_abbrev", FieldValue::from(v)));
        }
        if let Some(v) = h.monotonic_us {
            fields.push(("monotonic_us", FieldValue::Int(v)));
            fields.push(("boot", FieldValue::Int(self.boot)));
        }
        if let Some(v) = &self.boot_id {
            fields.push(("boot_id", FieldValue::Str(Cow::Owned(v.clone()))));
        }
        if let Some((n, size)) = blob(h.body) {
            fields.push(match n {
                Some(n) => ("blob_bytes", FieldValue::Int(n)),
                None => ("blob_size", FieldValue::from(size)),
            });
        }
        match (route, unit) {
            (Some(r), _) if r.kernel => {}
            (Some(r), _) if r.auth.may_classify(h.body) => classify_into(&mut rec, h.ident, h.body),
            (Some(r), Some(unit)) if r.systemd_pid1 => {
                // `UNIT: what` from systemd: `systemd::classify` would find the same prefix and
                // read the rest with `unit_message` (no lifecycle or shutdown message starts
                // with a unit and `": "`); otherwise as `classify_non_auth`.
                match systemd::unit_message(unit, &h.body[unit.len() + 2..]) {
                    Some(ev) => systemd::apply(&mut rec, ev),
                    None if kernel::has_no_space(h.body) => rec.kind = kernel::NO_SPACE,
                    None => {}
                }
            }
            (Some(_), _) => classify_non_auth(&mut rec, h.ident, h.body),
            (None, _) => classify_into(&mut rec, h.ident, h.body),
        }
        self.emit(rec, sink, false);
    }
}

/// Fields a text record has room for before it grows (header fields and a classifier's).
const TEXT_FIELDS: usize = 4;

/// How the messages of one identifier are classified: decided once per identifier (a
/// journal has few), then looked up for every line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Route {
    /// `kernel`: the OOM assembler reads the message (no other classifier).
    kernel: bool,
    /// The identifier is itself a unit name (`with-unit` output: `pm2-root.service[5555]`).
    unit: bool,
    /// `systemd` (PID 1 or a user manager): the message may start with `UNIT: `.
    systemd_pid1: bool,
    /// Which messages [`crate::auth::classify`] may read.
    auth: AuthRoute,
}

/// Which messages of an identifier [`crate::auth::classify`] may classify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthRoute {
    /// Any message: an authentication program (sshd, sudo, `x(pam_unix)`, …), or one whose
    /// own lines auth reads (cron, logind): see [`crate::auth::reads_beyond_pam_lines`].
    Any,
    /// Only a PAM line (`pam_…(service:type): …`, after spaces or tabs): every other program.
    PamLine,
}

impl AuthRoute {
    /// Whether [`crate::auth::classify`] may return an event for `body` (when false it
    /// returns `None`: the classification skips it).
    fn may_classify(self, body: &str) -> bool {
        match self {
            AuthRoute::Any => true,
            AuthRoute::PamLine => body.trim_start_matches([' ', '\t']).starts_with("pam_"),
        }
    }
}

impl Route {
    /// The route of `ident`'s messages.
    fn of(ident: &str) -> Route {
        let auth_reads = auth::reads_beyond_pam_lines(ident);
        Route {
            kernel: ident == "kernel",
            unit: is_unit(ident),
            systemd_pid1: ident == "systemd",
            auth: if auth_reads { AuthRoute::Any } else { AuthRoute::PamLine },
        }
    }
}

/// The routes of the identifiers seen so far (a memo: it changes no result).
#[derive(Debug, Default)]
struct Routes {
    /// At most [`Routes::MAX`] identifiers with their routes, in the order first seen.
    known: Vec<(Box<str>, Route)>,
}

impl Routes {
    /// Identifiers remembered (a journal's programs); later ones are routed afresh on every
    /// line, as every line was before routes.
    const MAX: usize = 64;

    /// The route of `ident`.
    fn get(&mut self, ident: &str) -> Route {
        if let Some((_, route)) = self.known.iter().find(|(known, _)| **known == *ident) {
            return *route;
        }
        let route = Route::of(ident);
        if self.known.len() < Self::MAX {
            self.known.push((ident.into(), route));
        }
        route
    }
}

/// The inside of a `-- … --` special line.
fn special(text: &str) -> Option<&str> {
    if !text.starts_with("--") {
        return None;
    }
    let t = text.trim_end();
    t.strip_prefix("-- ")?.strip_suffix(" --").map(str::trim).or_else(|| (t == "-- --").then_some(""))
}

/// The `UNIT: ` prefix of a systemd message about a unit (before its first `": "`).
fn unit_prefix(body: &str) -> Option<&str> {
    let unit = &body[..find_colon_space(body)?];
    is_unit(unit).then_some(unit)
}

/// `[16B blob data]`: (bytes when the size is plain bytes, size text).
fn blob(body: &str) -> Option<(Option<i64>, &str)> {
    let size = body.strip_prefix('[')?.strip_suffix(" blob data]")?;
    if size.is_empty() || size.contains(' ') {
        return None;
    }
    let bytes = size.strip_suffix('B').and_then(|n| n.parse::<i64>().ok());
    Some((bytes, size))
}

// ---------------------------------------------------------------------------------------
// JSON

/// One `-o json` line as an [`Entry`]; `None` when it is not a JSON object.
fn json_entry(text: &str) -> Option<Entry> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let serde_json::Value::Object(map) = value else { return None };
    let mut e = Entry::default();
    for (k, v) in map {
        if let Some(s) = json_text(&v) {
            e.set(&k, s);
        }
    }
    Some(e)
}

/// A journal JSON value as text: a string, a byte array (lossy UTF-8), or the first value of
/// a repeated field. `null` (a field too large to show) is `None`.
fn json_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) if items.iter().all(Value::is_number) && !items.is_empty() => {
            let bytes: Vec<u8> =
                items.iter().map(|n| n.as_u64().map_or(0xFF, |b| b.min(255) as u8)).collect();
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        Value::Array(items) => items.iter().find_map(json_text),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Export

/// What an export line is.
enum ExportLine<'a> {
    /// `KEY=value`.
    Field(&'a str, &'a str),
    /// A bare `KEY`: binary data follows.
    Binary(&'a str),
}

/// An export field name: `(UPPER / "_") *(UPPER / DIGIT / "_")`.
fn is_export_key(k: &str) -> bool {
    k.bytes().next().is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && k.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// An export field line (`bare` allows a bare `KEY`).
fn export_start(text: &str, bare: bool) -> Option<ExportLine<'_>> {
    match text.split_once('=') {
        Some((k, v)) if is_export_key(k) => Some(ExportLine::Field(k, v)),
        None if bare && is_export_key(text) => Some(ExportLine::Binary(text)),
        _ => None,
    }
}

/// The value of a binary field once enough of it has been read: `None` while more is needed.
fn binary_value(buf: &str) -> Option<String> {
    let prefix = buf.as_bytes().get(..8)?;
    let data = buf.get(8..);
    if !prefix.is_ascii() || data.is_none() {
        // The length prefix was mangled by lossy decoding: take the rest of the line.
        let start = buf.char_indices().nth(8).map_or(buf.len(), |(i, _)| i);
        return Some(buf.get(start..).unwrap_or("").to_string());
    }
    let data = data.unwrap_or("");
    let mut len = [0u8; 8];
    len.copy_from_slice(prefix);
    let len = u64::from_le_bytes(len);
    if len > MAX_BINARY {
        return Some(data.to_string());
    }
    // Lossy decoding turned each invalid byte into U+FFFD (3 bytes): count it as one.
    let len = len as usize;
    let mut raw = 0usize;
    if len == 0 {
        return Some(String::new());
    }
    for (i, c) in data.char_indices() {
        raw += if c == char::REPLACEMENT_CHARACTER { 1 } else { c.len_utf8() };
        if raw >= len {
            return Some(data.get(..i + c.len_utf8()).unwrap_or(data).to_string());
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Text header grammar

type Res<'a, T> = IResult<&'a str, T>;

/// A parsed text line.
#[derive(Debug, PartialEq)]
struct TextHeader<'a> {
    time: RawTime,
    zone_abbrev: Option<&'a str>,
    monotonic_us: Option<i64>,
    host: &'a str,
    ident: Option<&'a str>,
    pid: Option<u64>,
    body: &'a str,
    /// Byte offset of the body in the line.
    body_col: usize,
}

/// What a stamp parse found: the rest, the time, a zone abbreviation, monotonic µs.
type Stamp<'a> = (&'a str, RawTime, Option<&'a str>, Option<i64>);

/// The text header of a plain `short`, `short-precise`, `short-iso` or `short-iso-precise`
/// line, read at fixed positions and by byte scans:
///
/// ```text
/// plain-line = (bsd_timestamp / iso-stamp) SP host SP ident ["[" 1*DIGIT "]"] ":" SP msg
/// iso-stamp  = date ("T" / SP) time [fraction] ("Z" / ("+" / "-") 2DIGIT [":"] 2DIGIT)
///                                                  ; read by iso_fixed
/// host       = 1*(any byte but SP)
/// ident      = 1*(any byte but SP / ":" / "[" / "]")
/// ```
///
/// `None` for every other line (another stamp, two spaces, an ident with spaces, a pid that
/// does not fit in 64 bits, no `": "`, …): [`header`] then decides, and reads these lines the
/// same way (`tests::plain_lines_read_like_the_grammar`).
fn short_header<'a>(line: &'a str, dates: &mut DateMemo) -> Option<TextHeader<'a>> {
    let (rest, time) = if line.as_bytes().first()?.is_ascii_digit() {
        iso_fixed(line, dates)?
    } else {
        let (rest, (month, day, time)) = bsd_timestamp(line).ok()?;
        (rest, RawTime::NoYear { month, day, time })
    };
    // Byte offsets into `line` from here; every cut is next to an ASCII byte.
    let b = line.as_bytes();
    let host_at = line.len() - rest.len() + 1;
    if rest.as_bytes().first() != Some(&b' ') || matches!(b.get(host_at), None | Some(b' ')) {
        return None;
    }
    let host_end = host_at + b[host_at..].iter().position(|&c| c == b' ')?;
    let ident_at = host_end + 1;
    let ident_len = b[ident_at..].iter().position(|c| matches!(c, b' ' | b':' | b'[' | b']'))?;
    if ident_len == 0 {
        return None;
    }
    let mut at = ident_at + ident_len;
    let mut pid = None;
    if b[at] == b'[' {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || b.get(at + 1 + digits) != Some(&b']') {
            return None;
        }
        pid = Some(line[at + 1..at + 1 + digits].parse::<u64>().ok()?);
        at += digits + 2;
    }
    if b.get(at..at + 2) != Some(b": ") {
        return None;
    }
    Some(TextHeader {
        time,
        zone_abbrev: None,
        monotonic_us: None,
        host: &line[host_at..host_end],
        ident: Some(&line[ident_at..ident_at + ident_len]),
        pid,
        body: &line[at + 2..],
        body_col: at + 2,
    })
}

/// The text header of a line: `None` when the line does not start with a journal stamp,
/// `Some(Err)` when it does but the stamp is out of range.
fn header(line: &str) -> Option<Result<TextHeader<'_>, &'static str>> {
    let (rest, time, zone_abbrev, monotonic_us) = match stamp(line)? {
        Ok(s) => s,
        Err(e) => return Some(Err(e)),
    };
    let rest = rest.strip_prefix(' ')?;
    let rest = rest.trim_start_matches(' ');
    let (host, after) = rest.split_once(' ').unwrap_or((rest, ""));
    if host.is_empty() {
        return None;
    }
    let (ident, pid, body) = tag_part(after);
    let body_col = line.len() - body.len();
    Some(Ok(TextHeader { time, zone_abbrev, monotonic_us, host, ident, pid, body, body_col }))
}

/// `ident ["[" pid "]"] ":" SP msg`, or a message alone.
fn tag_part(s: &str) -> (Option<&str>, Option<u64>, &str) {
    let (tag, body) = match find_colon_space(s) {
        Some(i) => (&s[..i], &s[i + 2..]),
        None => match s.strip_suffix(':') {
            Some(tag) if !tag.contains(' ') => (tag, ""),
            _ => return (None, None, s),
        },
    };
    if tag.is_empty() {
        return (None, None, body);
    }
    let (ident, pid) = match tag.strip_suffix(']').and_then(|t| t.rsplit_once('[')) {
        Some((name, pid)) if !name.is_empty() => match pid.parse::<u64>() {
            Ok(p) => (name, Some(p)),
            Err(_) => (tag, None),
        },
        _ => (tag, None),
    };
    (Some(ident), pid, body)
}

/// The first `": "` of `s` (a scan for `:`, not a substring searcher built per line).
fn find_colon_space(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    memchr::memchr_iter(b':', b).find(|&i| b.get(i + 1) == Some(&b' '))
}

/// The stamp at the start of a line (any text mode).
fn stamp(line: &str) -> Option<Result<Stamp<'_>, &'static str>> {
    let first = line.as_bytes().first()?;
    match first {
        b'[' => monotonic(line).ok().map(|(rest, us)| Ok((rest, RawTime::None, None, Some(us)))),
        b'0'..=b'9' => {
            if let Some((rest, time)) = iso_fixed(line, &mut DateMemo::default()) {
                return Some(Ok((rest, time, None, None)));
            }
            if let Ok((rest, (local, zone))) = iso_datetime(line) {
                return Some(Ok((rest, RawTime::written(local, zone), None, None)));
            }
            if iso_shaped(line) {
                return Some(Err(REASON_BAD_TIME));
            }
            let (rest, (secs, _, frac)) = epoch(line).ok()?;
            Some(epoch_time(secs, frac).map(|t| (rest, t, None, None)).ok_or(REASON_BAD_TIME))
        }
        _ => {
            if let Ok((rest, (month, day, t))) = bsd_timestamp(line) {
                return Some(Ok((rest, RawTime::NoYear { month, day, time: t }, None, None)));
            }
            if let Some(rest) = weekday_shaped(line) {
                return Some(full_stamp(rest).ok_or(REASON_BAD_TIME));
            }
            // `Mmm dd HH:…` with an out-of-range day or time.
            let shaped = month_abbrev(line).is_ok_and(|(r, _)| {
                r.starts_with(' ') && r.trim_start_matches(' ').starts_with(|c: char| c.is_ascii_digit())
            });
            shaped.then_some(Err(REASON_BAD_TIME))
        }
    }
}

/// The short-iso stamps (`2026-02-02T14:00:00+0100 `, `-precise`'s `…:00.123456+01:00 `, a
/// `Z`) read at fixed byte positions, when followed by the space before the host: (the rest
/// from that space, the time). `None` for any other shape or value (a leap second, an
/// out-of-range zone): [`iso_datetime`] then decides, and reads these shapes the same way.
fn iso_fixed<'a>(line: &'a str, dates: &mut DateMemo) -> Option<(&'a str, RawTime)> {
    let b = line.as_bytes();
    let local = dates.date_time(b)?;
    let mut at = 19;
    let mut nanos = 0;
    if matches!(b.get(at), Some(b'.' | b',')) {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        // ASCII digits: the cut is on a char boundary.
        nanos = frac_units(&line[at + 1..at + 1 + digits], 9);
        at += 1 + digits;
    }
    let offset = match *b.get(at)? {
        b'Z' | b'z' => {
            at += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let zh = scan::number(b.get(at + 1..at + 3)?)?;
            let colon = usize::from(b.get(at + 3) == Some(&b':'));
            let zm = scan::number(b.get(at + 3 + colon..at + 5 + colon)?)?;
            if zh > 23 || zm > 59 {
                return None;
            }
            at += 5 + colon;
            let secs = (zh * 3600 + zm * 60) as i32;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    if b.get(at) != Some(&b' ') {
        return None;
    }
    let local = local.with_nanosecond(nanos)?;
    Some((&line[at..], RawTime::Exact { local, offset_secs: offset }))
}

/// The last date [`iso_fixed`] read, with its text: the lines of a journal mostly share their
/// date, and comparing ten bytes costs less than checking a date (a memo: it changes no
/// result).
#[derive(Clone, Copy, Debug, Default)]
struct DateMemo(Option<([u8; 10], NaiveDate)>);

impl DateMemo {
    /// [`scan::iso_date_time`] of `b`: `YYYY-MM-DD` (`T` / SP) `HH:MM:SS`, the date taken from
    /// the memo when `b` starts with its text.
    fn date_time(&mut self, b: &[u8]) -> Option<NaiveDateTime> {
        match self.0 {
            Some((text, date)) if b.get(..10) == Some(&text[..]) => {
                let shaped = b.len() >= 19 && matches!(b[10], b'T' | b' ') && b[13] == b':' && b[16] == b':';
                if !shaped {
                    return None;
                }
                let (h, m, s) =
                    (scan::number(&b[11..13])?, scan::number(&b[14..16])?, scan::number(&b[17..19])?);
                // A leap second is left to the grammar, as `scan::iso_date_time` leaves it.
                if s > 59 {
                    return None;
                }
                Some(date.and_time(NaiveTime::from_hms_opt(h, m, s)?))
            }
            _ => {
                let local = scan::iso_date_time(b)?;
                self.0 = Some((b.get(..10)?.try_into().ok()?, local.date()));
                Some(local)
            }
        }
    }
}

/// `YYYY-MM-` shape (an ISO stamp whose values are wrong).
fn iso_shaped(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// `[` *SP digits `.` digits `]` → µs.
fn monotonic(input: &str) -> Res<'_, i64> {
    let (rest, (_, _, secs, _, frac, _)) =
        tuple((char('['), take_while(|c| c == ' '), digit1, char('.'), digit1, char(']')))(input)?;
    let secs: i64 = secs.parse().map_err(|_| verify_err(input))?;
    let us = secs.checked_mul(1_000_000).and_then(|s| s.checked_add(frac_units(frac, 6) as i64));
    Ok((rest, us.ok_or_else(|| verify_err(input))?))
}

/// `digits "." digits` (epoch seconds).
fn epoch(input: &str) -> Res<'_, (&str, char, &str)> {
    tuple((digit1, char('.'), digit1))(input)
}

/// Epoch seconds and fraction → Exact UTC.
fn epoch_time(secs: &str, frac: &str) -> Option<RawTime> {
    let secs: i64 = secs.parse().ok()?;
    let t = DateTime::from_timestamp(secs, frac_units(frac, 9))?;
    Some(RawTime::Exact { local: t.naive_utc(), offset_secs: 0 })
}

/// The first `digits` digits of a fraction, right-padded with zeros.
fn frac_units(frac: &str, digits: usize) -> u32 {
    let b = frac.as_bytes();
    (0..digits).fold(0u32, |acc, i| acc * 10 + b.get(i).map_or(0, |d| u32::from(d.wrapping_sub(b'0') % 10)))
}

/// `Www YYYY-` (a short-full stamp, maybe out of range): the text after the weekday.
fn weekday_shaped(input: &str) -> Option<&str> {
    let b = input.as_bytes();
    let shaped = b.len() >= 9
        && b[..3].iter().all(u8::is_ascii_alphabetic)
        && b[3] == b' '
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-';
    shaped.then(|| input.get(4..)).flatten()
}

/// `YYYY-MM-DD HH:MM:SS[.f] ZONE` after the weekday.
fn full_stamp(input: &str) -> Option<Stamp<'_>> {
    let (rest, (d, _, t, _, zone)) = tuple((
        date,
        char(' '),
        time,
        char(' '),
        take_while1::<_, _, nom::error::Error<&str>>(|c: char| c != ' '),
    ))(input)
    .ok()?;
    let local = NaiveDateTime::new(d, t);
    if matches!(zone, "UTC" | "GMT" | "Z" | "UT") {
        return Some((rest, RawTime::Exact { local, offset_secs: 0 }, None, None));
    }
    if let Ok(("", offset_secs)) = crate::timefmt::zone(zone) {
        return Some((rest, RawTime::Exact { local, offset_secs }, None, None));
    }
    if zone.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some((rest, RawTime::Local { local, file_offset: None }, Some(zone), None));
    }
    None
}

fn verify_err(input: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whenever the fixed-position reading finds a stamp, it is the grammar's and the
        /// header's space follows it.
        #[test]
        fn fixed_iso_stamp_reads_like_the_grammar(
            stamp in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
            tail in "([.,][0-9]{0,10})?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?|[+-][0-9:]{0,5})? ?[a-z ]{0,4}",
        ) {
            let line = format!("{stamp}{tail}");
            if let Some((rest, time)) = iso_fixed(&line, &mut DateMemo::default()) {
                let (g_rest, (local, zone)) = iso_datetime(&line).unwrap();
                let zone = zone.unwrap();
                proptest::prop_assert_eq!((rest, time), (g_rest, RawTime::Exact { local, offset_secs: zone }));
                proptest::prop_assert!(rest.starts_with(' '));
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Fast paths against what they shortcut: the header grammar, `scan::iso_date_time`,
    // `auth::classify`, `systemd::classify` and `classify_into`.

    use proptest::prelude::*;

    /// Stamps of every text mode, in and out of range, every zone form and broken ones.
    fn any_stamp() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "20[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]([.,][0-9]{0,10})?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?|[+-][0-9:]{0,5})?",
            2 => "2026-03-1[01]T1[45]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{6})?\\+0[01]00",
            3 => "(Jan|Feb|Mar|feb|FEB|Foo) ( [0-9]|[0-3][0-9]|[0-9]) [0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,7})?",
            1 => "(Tue|Xyz) 2026-0[0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] (UTC|CET|\\+04|Z|\\+0x)",
            1 => "[0-9]{1,10}\\.[0-9]{1,6}",
            1 => "\\[ *[0-9]{1,6}\\.[0-9]{1,6}\\]",
        ]
    }

    /// Identifiers: auth programs (any case, path, PAM module), cron and logind, systemd,
    /// the kernel, units, and odd ones.
    fn any_ident() -> impl Strategy<Value = String> {
        let names = prop_oneof![
            Just("sshd"),
            Just("sshd-session"),
            Just("sudo"),
            Just("su"),
            Just("login"),
            Just("useradd"),
            Just("groupadd"),
            Just("passwd"),
            Just("pam"),
            Just("unix_chkpwd"),
            Just("systemd-logind"),
            Just("cron"),
            Just("CRON"),
            Just("crond"),
            Just("anacron"),
            Just("systemd"),
            Just("systemd-oomd"),
            Just("systemd-shutdown"),
            Just("kernel"),
            Just("act_runner"),
            Just("pm2-root.service"),
            Just("session-5.scope"),
            Just("node"),
            Just("gdm-password"),
            Just("polkitd"),
            Just("doas"),
        ];
        prop_oneof![
            6 => (names, "(|/usr/sbin/|/x/)", "(|\\(pam_unix\\)|\\(x\\))", any::<bool>()).prop_map(
                |(name, dir, module, upper)| {
                    let name = if upper { name.to_ascii_uppercase() } else { name.to_string() };
                    format!("{dir}{name}{module}")
                }
            ),
            1 => "(-- root| sshd|sshd |)",
            2 => "[a-z\\[\\]:. /()\u{e9}-]{1,8}",
        ]
    }

    /// Messages: what the classifiers read (auth, cron, logind, PAM lines after spaces or
    /// tabs, systemd unit and lifecycle messages, no-space, blobs) and anything else.
    fn any_body() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ \\t]{0,2}pam_(unix|systemd)\\((cron|sshd|sudo):session\\): session (opened|closed) for user root(\\(uid=0\\) by \\(uid=0\\))?",
            "(Accepted publickey|Failed password) for (root|bob) from 203\\.0\\.113\\.7 port 22 ssh2",
            "Invalid user admin from 10\\.0\\.0\\.1 port 5",
            " +bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
            "\\((root|bob)\\) CMD \\((run-parts /etc/cron\\.hourly|ls)\\)",
            "(New session [0-9]{1,3} of user (bob|alice\\.oncall)\\.|Removed session [0-9]\\.|System is rebooting\\.)",
            "(pm2-root\\.service|a b\\.service|x\\.slice|foo|Started x\\.service): (Main process exited, code=(exited|killed), status=9/KILL|Failed with result 'oom-kill'\\.|A process of this unit has been killed by the OOM killer\\.|Deactivated successfully\\.|Consumed 1s CPU time\\.|Scheduled restart job, restart counter is at 3\\.)",
            "(Started|Stopping|Starting) (pm2-root\\.service - PM2|Session 5 of User bob|x\\.scope)(\\.|\\.\\.\\.)?",
            "(Reached target (Reboot|System Shutdown)\\.|Killed /user\\.slice/x\\.scope due to memory pressure|Sending SIGTERM to remaining processes\\.\\.\\.)",
            "write: No space left on device",
            "\\[(16B|2K) blob data\\]",
            "[ -~]{0,30}",
            "\\PC{0,12}",
        ]
    }

    /// Text lines of every mode, with odd spacing, odd pids, odd colons, cut anywhere.
    fn any_text_line() -> impl Strategy<Value = String> {
        (
            any_stamp(),
            "( |  |\\t)",
            "(|[a-z0-9.-]{1,12}|h\u{f4}te|\u{1F600})",
            "( |  )",
            any_ident(),
            "(|\\[[0-9]{1,7}\\]|\\[\\]|\\[\\+1\\]|\\[99999999999999999999\\]|\\[1a\\]|\\[1\\]x|\\[1\\]\\[2\\])",
            "(: |:| : |:  |)",
            any_body(),
            0.0..1.2f64,
        )
            .prop_map(|(stamp, sp1, host, sp2, ident, pid, colon, body, cut)| {
                let line = format!("{stamp}{sp1}{host}{sp2}{ident}{pid}{colon}{body}");
                // Cut at a char boundary at or before `cut` of the length (≥ 1: whole).
                let mut at = ((line.len() as f64 * cut) as usize).min(line.len());
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                line[..at].to_string()
            })
    }

    /// The record of a text line as built before identifiers were routed: every message
    /// through `classify_into`, the unit found by splitting the message again.
    fn reference_record(line_no: u64, h: TextHeader<'_>) -> Record<'_> {
        let mut rec = Record::new(line_no, h.time, SOURCE_JOURNAL, MESSAGE, h.body);
        rec.host = Some(Cow::Borrowed(h.host));
        rec.pid = h.pid;
        let unit = h.ident.filter(|i| is_unit(i)).or_else(|| {
            (h.ident == Some("systemd"))
                .then(|| h.body.split_once(": ").map(|(u, _)| u).filter(|u| is_unit(u)))
                .flatten()
        });
        let header = [
            h.ident.map(|v| ("ident", FieldValue::from(v))),
            unit.map(|v| ("unit", FieldValue::from(v))),
            h.zone_abbrev.map(|v| ("zone_abbrev", FieldValue::from(v))),
            h.monotonic_us.map(|v| ("monotonic_us", FieldValue::Int(v))),
            h.monotonic_us.map(|_| ("boot", FieldValue::Int(0))),
        ];
        rec.fields.extend(header.into_iter().flatten());
        if let Some((n, size)) = blob(h.body) {
            rec.fields.push(match n {
                Some(n) => ("blob_bytes", FieldValue::Int(n)),
                None => ("blob_size", FieldValue::from(size)),
            });
        }
        if h.ident == Some("kernel") {
            rec.source = SOURCE_KERNEL;
        } else {
            classify_into(&mut rec, h.ident, h.body);
        }
        rec
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The plain-line reader finds what the header grammar finds, or leaves the line to it.
        #[test]
        fn plain_lines_read_like_the_grammar(lines in prop::collection::vec(any_text_line(), 1..6)) {
            let mut dates = DateMemo::default();
            for line in &lines {
                if let Some(fast) = short_header(line, &mut dates) {
                    prop_assert_eq!(Some(Ok(fast)), header(line), "{:?}", line);
                }
            }
        }

        /// Every non-kernel text record is the one built with every message going through
        /// `classify_into` (the routes skip only what the classifiers decline).
        #[test]
        fn routed_records_are_the_classifiers(lines in prop::collection::vec(any_text_line(), 1..6)) {
            let mut parser = JournalParser::default();
            for (i, line) in lines.iter().enumerate() {
                let Some(Ok(h)) = header(line) else { continue };
                let mut sink = Sink::new();
                parser.parse_line(i as u64 + 1, line, &mut sink);
                if h.ident == Some("kernel") {
                    continue;
                }
                prop_assert_eq!(&sink.records, &vec![reference_record(i as u64 + 1, h)], "{:?}", line);
            }
        }

        /// A route that skips `auth::classify` for a message skips only a `None`.
        #[test]
        fn routes_skip_only_what_auth_declines(ident in any_ident(), body in any_body()) {
            if !Route::of(&ident).auth.may_classify(&body) {
                prop_assert!(auth::classify(&ident, &body).is_none(), "{:?} {:?}", ident, body);
            }
        }

        /// `unit_message` after the journal's `unit_prefix` is `systemd::classify`.
        #[test]
        fn unit_messages_read_like_systemd_classify(body in any_body()) {
            if let Some(unit) = unit_prefix(&body) {
                let what = &body[unit.len() + 2..];
                prop_assert_eq!(systemd::unit_message(unit, what), systemd::classify("systemd", &body));
            }
        }

        /// The date memo reads what `scan::iso_date_time` reads, whatever it remembers.
        #[test]
        fn remembered_dates_read_like_scan(
            stamps in prop::collection::vec("20(2[0-9]|00)-0[0-3]-[0-3][0-9]([T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]x?|T1|)", 1..12),
        ) {
            let mut dates = DateMemo::default();
            for s in &stamps {
                prop_assert_eq!(dates.date_time(s.as_bytes()), scan::iso_date_time(s.as_bytes()), "{:?}", s);
            }
        }
    }

    /// The lines of the sample journals take the plain-line reader.
    #[test]
    fn sample_lines_are_plain() {
        let mut dates = DateMemo::default();
        for line in [
            // samples/2026-03-10-oom-killer/commands/journalctl.txt
            "2026-03-10T15:22:31+0100 projectium systemd[1]: pm2-gitea-runner.service: A process of this unit has been killed by the OOM killer.",
            "2026-03-10T15:38:20+0100 projectium systemd-logind[612]: New session 5342 of user alice.oncall.",
            // linux-and-ci-formats.md §1.1 (short, short-precise)
            "Feb 17 14:30:00 web-01 systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL",
            "Feb 17 14:30:00.001300 web-01 kernel: Out of memory: Killed process 2092 (node)",
            // Constructed: a Z zone, a precise offset with a colon, no pid.
            "2026-02-02T14:00:00Z h k: m",
            "2026-02-02T14:00:00.123456+01:00 h CRON: m",
        ] {
            let fast = short_header(line, &mut dates);
            assert!(fast.is_some(), "{line}");
            assert_eq!(fast.map(Ok), header(line));
        }
        for line in
            ["Feb 17 14:30:00 web-01  two-spaces: m", "Feb 17 14:30:00 web-01 a b: m", "Feb 17 14:30:00 h x:"]
        {
            assert!(short_header(line, &mut dates).is_none(), "{line}: the grammar's");
        }
    }

    #[test]
    fn fixed_iso_stamps() {
        for line in [
            "2026-02-02T14:00:00+0100 h k: m",
            "2026-02-02T14:00:00.123456+01:00 h k: m",
            "2026-02-02 14:00:00Z h",
        ] {
            assert!(iso_fixed(line, &mut DateMemo::default()).is_some(), "{line}");
        }
        for line in ["2026-02-02T14:00:00+01 h", "2026-02-02T14:00:00+2400 h", "2026-02-02T14:00:60Z h"] {
            assert!(iso_fixed(line, &mut DateMemo::default()).is_none(), "{line}: the grammar's");
        }
    }

    #[test]
    fn tag_part_forms() {
        assert_eq!(tag_part("kernel: x: y"), (Some("kernel"), None, "x: y"));
        assert_eq!(
            tag_part("/etc/mysql/debian-start[682964]: m"),
            (Some("/etc/mysql/debian-start"), Some(682964), "m")
        );
        assert_eq!(tag_part("no tag here"), (None, None, "no tag here"));
        assert_eq!(tag_part("a b[x]: m"), (Some("a b[x]"), None, "m"));
    }

    #[test]
    fn binary_values() {
        assert_eq!(binary_value("\u{3}\0\0\0\0\0\0\0ab"), None);
        assert_eq!(binary_value("\u{3}\0\0\0\0\0\0\0ab\n").as_deref(), Some("ab\n"));
        assert_eq!(binary_value("\u{3}\0\0"), None);
    }

    #[test]
    fn ansi_is_stripped() {
        assert_eq!(strip_ansi("\x1b[32minfo\x1b[39m: x"), "info: x");
        assert_eq!(strip_ansi("a\x1b["), "a");
    }

    #[test]
    fn fractions() {
        assert_eq!(frac_units("814801", 6), 814801);
        assert_eq!(frac_units("5", 6), 500000);
        assert_eq!(frac_units("1234567", 6), 123456);
    }
}
