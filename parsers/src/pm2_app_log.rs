//! PM2 per-app logs (`~/.pm2/logs/NAME-out.log`, `NAME-error.log`, `NAME-out-N.log`, rotated
//! `NAME-out__2026-02-17_00-00-00.log`) and `pm2 logs` output.
//!
//! By default PM2 stores the raw bytes an app writes: no time, no tag. Options add a date
//! prefix (`time: true`, `log_date_format`) or write JSON (`log_type: 'json'`). `pm2 logs`
//! shows the stored lines behind a `<pm_id>|<name> | ` tag, in sections headed by the file.
//!
//! ```text
//! line        = blank / logs-header / daemon-line / [app-tag] stored      ; ANSI CSI removed first
//! blank       = *WSP                                         ; structural
//! logs-header = "[TAILING] " text                            ; structural
//!             / path " last " 1*DIGIT " lines:"              ; structural; the path's file name
//!                                                            ; gives the section's app/stream
//! daemon-line = *SP "PM2" 1*SP "|" text                      ; pm2.log lines of `pm2 logs`: handed
//!                                                            ; to crate::pm2_log (source `pm2`)
//! app-tag     = *SP 1*DIGIT "|" name 1*SP "|" (SP / EOL)     ; `0|api      | ` → pm_id, process
//! stored      = json / [prefix] message
//! json        = "{" … "}"                                    ; log_type json, one object per line:
//!               ; {"message":"…","timestamp":"…","type":"out","process_id":0,"app_name":"api"}
//! prefix      = stamp ":" (SP / EOL)                         ; `format(log_date_format) + ": "`
//! stamp       = date ("T" / SP) hh ":" mm [":" ss [fraction]] [[SP] zone]
//! ```
//!
//! Accepted date prefixes (`date`, `fraction` and numeric `zone` are [`crate::timefmt`]'s):
//!
//! | PM2 option | line | time |
//! |---|---|---|
//! | `time: true` (`YYYY-MM-DDTHH:mm:ss`) | `2026-11-28T07:02:11: tick 0` | Local |
//! | `YYYY-MM-DD HH:mm:ss`, `…ss.SSS` | `2026-11-28 07:02:11.123: x` | Local |
//! | `YYYY-MM-DD HH:mm:ss Z` | `2026-11-27 20:33:12 -05:00: line A` | Exact |
//! | `YYYY-MM-DDTHH:mm:ssZ` / `ZZ` | `2026-02-17T14:35:00+01:00: x`, `…+0100: x` | Exact |
//! | `YYYY-MM-DD HH:mm Z` | `2026-02-17 14:35 +01:00: x` | Exact |
//! | `…[Z]` (a literal `Z`) | `2026-02-17T14:35:00.000Z: x` | Local (dayjs prints local time) |
//!
//! Other dayjs formats (`DD/MM/YYYY …`, month names) are not read: such lines stay undated
//! with the prefix in their message. A prefix-shaped stamp with an impossible date or time is
//! unparsed ([`REASON_BAD_TIME`]). JSON `timestamp` takes the same stamps, except that its `Z`
//! is real (`new Date().toISOString()`, UTC).
//!
//! # Records and continuation
//!
//! Every record has source [`SOURCE`] (`app`). Without a prefix a line is [`RawTime::None`].
//! A line continues the previous record (when there is one) if it is:
//!
//! * a stack frame (`    at …`, with or without a prefix: fork mode prefixes every line);
//! * the tail of a Node crash report: `}`, `})`, `]`, `Emitted 'error' event …`,
//!   `Node.js v20.11.0`, `Require stack:`, `- /path`;
//! * inside a V8 fatal-error block (after `<--- Last few GCs --->` or `FATAL ERROR: …`): GC
//!   trace lines `[pid:0x…]`, `<--- JS stacktrace --->`, native frames, `----- Native stack
//!   trace -----`, and the block's `FATAL ERROR:` line;
//! * unprefixed, and the last record's line was prefixed: cluster mode prefixes only the first
//!   line of each write, so the next [`MAX_CONTINUATION`] unprefixed lines continue it (after
//!   that the file is taken to have lost its prefixes, e.g. `time` was switched off);
//! * unprefixed and indented (space or tab), e.g. `  code: 'EADDRINUSE',` of an inspected error.
//!
//! In `pm2 logs` output a line continues only a record with the same tag (pm_id and stream):
//! streamed output interleaves apps. Every other line starts a record: in an unprefixed file
//! every line is its own undated event. A prefix with an empty message is structural. A `{` line that is not a PM2 JSON
//! object (no `message` plus `app_name`/`process_id`/`type`) is an ordinary line, e.g. pino.
//!
//! # Kinds
//!
//! From the message (the line after its prefix), first match wins: [`APP_HEAP_OOM`],
//! [`APP_EADDRINUSE`], [`APP_ENOSPC`], [`APP_ENOMEM`], [`APP_ECONNREFUSED`] (errno names as
//! whole words), [`APP_UNCAUGHT`], else [`APP_ERROR_LOG`] for the error stream and
//! [`APP_LOG`] otherwise. `app-uncaught` is decided two ways (field `detected_by`):
//! `uncaught-label` (`Uncaught TypeError: …`, `Uncaught Exception: …`, `uncaughtException`),
//! `unhandled-rejection` (`[UnhandledPromiseRejection: …`, `Unhandled Rejection …`), or
//! `stack-trace`: a stack header (`TypeError: …`, `Error [ERR_X]: …`) whose next line is a
//! `    at …` frame. Such a header record is held until that next line decides it. A caught
//! error logged with its stack (`console.error(err)`) looks exactly the same, hence the field.
//!
//! Fields, in this order: `stream` (`out`/`error`) and `instance` (Int, the `-N` of the file
//! name) when known, then the kind's: `address` and `port` (Int) for `app-eaddrinuse` and
//! `app-econnrefused`; `error_type`, `error_code`, `error`, `detected_by` for `app-uncaught`.
//! `process` is the app name and `pm_id` the id, when known: from a JSON object's `app_name` /
//! `process_id`, else a `pm2 logs` tag (a name cut to 8 characters by `--nostream` is
//! completed from the section's file name), else the file name. The file name's `-N` is the
//! pm_id when the file was written (PM2 appends `-<pm_id>` when `merge_logs` is off). For
//! `pm2 logs` lines the stream is taken from the colour (green out, red error) or the section.

use std::borrow::Cow;

use chrono::{NaiveDateTime, NaiveTime};
use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1, take_while_m_n},
    character::complete::{char, one_of},
    combinator::{map, map_res, opt, peek, value},
    sequence::{preceded, terminated, tuple},
    IResult,
};

use crate::ansi::strip as strip_ansi;
use crate::pm2_log::Pm2LogParser;
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::scan;
use crate::timefmt::{date, time, zone};

/// Source of every record of this parser (the daemon lines of `pm2 logs` keep `pm2`).
pub const SOURCE: &str = "app";

/// A line of an app's stdout (or of an unknown stream) with no more specific meaning.
pub const APP_LOG: &str = "app-log";
/// A line of an app's stderr (`-error.log`) with no more specific meaning.
pub const APP_ERROR_LOG: &str = "app-error-log";
/// `EADDRINUSE`: the app could not listen.
pub const APP_EADDRINUSE: &str = "app-eaddrinuse";
/// `ENOSPC`: no space left on a device.
pub const APP_ENOSPC: &str = "app-enospc";
/// `ENOMEM`: the kernel refused memory.
pub const APP_ENOMEM: &str = "app-enomem";
/// `ECONNREFUSED`: a dependency (database, cache, API) refused the connection.
pub const APP_ECONNREFUSED: &str = "app-econnrefused";
/// V8 ran out of heap.
pub const APP_HEAP_OOM: &str = "app-heap-oom";
/// An uncaught exception or unhandled rejection (see the module docs for `detected_by`).
pub const APP_UNCAUGHT: &str = "app-uncaught";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (APP_LOG, "A line the app wrote to stdout (or to an unknown stream); fields stream, instance"),
    (APP_ERROR_LOG, "A line the app wrote to stderr (the -error.log file); fields stream, instance"),
    (
        APP_EADDRINUSE,
        "`listen EADDRINUSE`: the port is taken (often an old instance still running); fields \
         address (as written), port (Int)",
    ),
    (APP_ENOSPC, "`ENOSPC`: a write failed, no space left on the device"),
    (APP_ENOMEM, "`ENOMEM`: the kernel refused memory (spawn, mmap, read)"),
    (
        APP_ECONNREFUSED,
        "`connect ECONNREFUSED`: a dependency refused the connection; fields address (as written), \
         port (Int)",
    ),
    (
        APP_HEAP_OOM,
        "V8 heap exhausted (`<--- Last few GCs --->`, `FATAL ERROR: … JavaScript heap out of \
         memory`, `Reached heap limit`); the GC trace and native stack are its continuation",
    ),
    (
        APP_UNCAUGHT,
        "An uncaught exception or unhandled rejection; fields error_type, error_code, error, \
         detected_by (uncaught-label | unhandled-rejection | stack-trace: a stack header followed \
         by `at` frames, which a logged caught error also gives)",
    ),
];

/// Unparsed reason: a date prefix whose date or time is impossible.
pub const REASON_BAD_TIME: &str = "app log date prefix out of range";

/// File-name globs of PM2 app logs (default paths, `-N` instances, pm2-logrotate archives).
pub const NAME_HINTS: &[&str] =
    &["*-out.log", "*-error.log", "*-out-*.log", "*-error-*.log", "*-out__*.log", "*-error__*.log"];

/// Unprefixed lines that continue a prefixed record at most (cluster mode writes).
pub const MAX_CONTINUATION: u32 = 1000;

/// Which output stream of the app a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// stdout (`-out.log`, JSON `type` `out`).
    Out,
    /// stderr (`-error.log`, JSON `type` `err`).
    Error,
}

impl Stream {
    /// The `stream` field value: `out` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Out => "out",
            Stream::Error => "error",
        }
    }
}

/// What a PM2 app log file name says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppLogFile {
    /// The app name as PM2 wrote it in the file name (`_` and spaces became `-`).
    pub process: String,
    /// The stream the file holds.
    pub stream: Stream,
    /// The `-N` before `.log` (the pm_id when `merge_logs` is off), if any.
    pub instance: Option<u32>,
}

/// Reads a PM2 app log file name (the last `/`-separated part of `path`):
/// `NAME-out.log`, `NAME-error.log` (also `-err`), `NAME-out-N.log`, pm2-logrotate's
/// `NAME-out__2026-02-17_00-00-00.log`, and `.gz`/`.N` suffixes of copies. Names may contain
/// dashes (`flyer-crawler-api-out.log` → `flyer-crawler-api`). `None` for other names.
pub fn app_log_file(path: &str) -> Option<AppLogFile> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut stem = name.strip_suffix(".gz").or_else(|| name.strip_suffix(".zst")).unwrap_or(name);
    // logrotate's `api-out.log.1`.
    if let Some((s, n)) = stem.rsplit_once('.') {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            stem = s;
        }
    }
    let mut stem = stem.strip_suffix(".log")?;
    if let Some((s, date)) = stem.rsplit_once("__") {
        if !date.is_empty() && date.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'_') {
            stem = s;
        }
    }
    let mut instance = None;
    if let Some((s, n)) = stem.rsplit_once('-') {
        if (1..=9).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && stream_suffix(s).is_some() {
            instance = n.parse().ok();
            stem = s;
        }
    }
    let (process, stream) = stream_suffix(stem)?;
    (!process.is_empty()).then(|| AppLogFile { process: process.to_string(), stream, instance })
}

/// `NAME-out` / `NAME-error` / `NAME-err` → (NAME, stream).
fn stream_suffix(stem: &str) -> Option<(&str, Stream)> {
    if let Some(n) = stem.strip_suffix("-out") {
        return Some((n, Stream::Out));
    }
    stem.strip_suffix("-error").or_else(|| stem.strip_suffix("-err")).map(|n| (n, Stream::Error))
}

/// True when `line` is a strong signature of a PM2 app log or `pm2 logs` output: the
/// `[TAILING] Tailing last` header, a `0|api      | ` tag, a PM2 JSON object, or a
/// `time: true` prefix (`2026-11-28T07:02:11: ` not followed by pm2.log's `PM2 ` level tag) or
/// a prefix with a zone (`2026-11-27 20:33:12 -05:00: `). The space-separated prefix without
/// a zone is left out: PM2 ≤ 2.9 wrote it in pm2.log too.
pub fn sniff_line(line: &str) -> bool {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    if line.starts_with("[TAILING] Tailing last ") {
        return true;
    }
    if app_tag(line).is_some() {
        return true;
    }
    if line.starts_with("{\"message\":") && line.contains("\"app_name\":") {
        return true;
    }
    match stamp(line) {
        Ok((rest, (_, z))) if prefix_sep(rest).is_ok() => {
            let t_form = line.as_bytes().get(10) == Some(&b'T');
            let msg = prefix_sep(rest).map(|(m, _)| m).unwrap_or("");
            matches!(z, Zone::Offset(_)) || (t_form && !msg.starts_with("PM2 "))
        }
        _ => false,
    }
}

/// Parser for one PM2 app log file or `pm2 logs` capture (see the module docs).
#[derive(Debug, Default)]
pub struct Pm2AppLogParser {
    /// What the file name says.
    file: Option<AppLogFile>,
    /// The `pm2 logs` section being read.
    section: Section,
    /// A record has been started (continuation lines have something to continue).
    seen_record: bool,
    /// The last record's line had a date prefix: unprefixed lines so far that continued it.
    open_cont: Option<u32>,
    /// Inside a V8 fatal-error block.
    in_oom: bool,
    /// The block's `FATAL ERROR:` line has been seen.
    oom_fatal: bool,
    /// A stack-header record waiting for its next line (`event_pending` already counted).
    held: Option<Held>,
    /// The `pm2 logs` tag (pm_id, stream) of the last record: `None` for an untagged line.
    /// Lines of another tag never continue it (streamed `pm2 logs` interleaves apps).
    last_tag: Option<(String, Option<Stream>)>,
    /// The parser for the pm2.log lines of `pm2 logs` output.
    daemon: Pm2LogParser,
    /// Process names of the file (or `pm2 logs` section) already given with a glimpse: an
    /// untagged line's name is given once, not copied per line.
    glimpsed_names: Vec<String>,
}

/// Which `pm2 logs` section the lines belong to.
#[derive(Debug, Default)]
enum Section {
    /// No `<path> last N lines:` header seen: the file name decides.
    #[default]
    None,
    /// Under `…/pm2.log last N lines:`.
    Daemon,
    /// Under an app file's header (`None`: a file name that is not an app log's).
    App(Option<AppLogFile>),
}

/// A stack-header record and the fields it gets when a frame follows.
#[derive(Debug)]
struct Held {
    record: Record<'static>,
    header: Vec<(&'static str, FieldValue<'static>)>,
}

/// The decision about one line.
// Consumed at once; boxing the record would cost an allocation per line.
#[allow(clippy::large_enum_variant)]
enum Decision<'b> {
    Event(Record<'b>),
    /// A plain output line of a kind the sink skims: its time, kind and (new) process name.
    Glimpse(RawTime, &'static str, Option<Cow<'b, str>>),
    /// A stack header: counted now, pushed when the next line decides its kind.
    Hold(Record<'b>, Vec<(&'static str, FieldValue<'b>)>),
    /// Continuation text, and whether it is a stack frame.
    Continuation(Cow<'b, str>, bool),
    Structural,
    Unparsed(&'static str),
    /// A pm2.log line: the daemon parser decides.
    Daemon,
}

/// The app a line is about.
struct Ctx<'b> {
    process: Option<Cow<'b, str>>,
    pm_id: Option<Cow<'b, str>>,
    stream: Option<Stream>,
    instance: Option<u32>,
}

impl Pm2AppLogParser {
    /// A parser for the file at `path` (a `/`-separated path as found in the bundle): the app
    /// name, stream and instance come from its file name (see [`app_log_file`]).
    pub fn for_path(path: &str) -> Self {
        Pm2AppLogParser { file: app_log_file(path), ..Default::default() }
    }

    /// What the file name said, if it is an app log's.
    pub fn file(&self) -> Option<&AppLogFile> {
        self.file.as_ref()
    }

    fn decide<'b>(
        &mut self,
        line_no: u64,
        line: &'b str,
        colour: Option<Stream>,
        skims: &mut dyn FnMut(&'static str) -> bool,
    ) -> Decision<'b> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let trimmed = scan::trim(line);
        if trimmed.is_empty() {
            return Decision::Structural;
        }
        if trimmed.starts_with("[TAILING] ") {
            self.end_block();
            return Decision::Structural;
        }
        if let Some(path) = logs_file_header(trimmed) {
            // A new file: nothing before the header is continued.
            self.end_block();
            self.seen_record = false;
            self.last_tag = None;
            let name = path.rsplit('/').next().unwrap_or(path);
            self.section = if name == "pm2.log" || name.starts_with("pm2__") {
                Section::Daemon
            } else {
                Section::App(app_log_file(path))
            };
            return Decision::Structural;
        }
        let tag = app_tag(line);
        if tag.is_none() && (daemon_tag(line) || matches!(self.section, Section::Daemon)) {
            self.end_block();
            self.seen_record = true;
            return Decision::Daemon;
        }
        // A tagged line's context is needed now (its stream decides what it continues); an
        // untagged line's only when it starts a record (most lines of a stack trace do not).
        let (ctx, body) = match tag {
            Some((id, name, body)) => (Some(self.ctx(Some((id, name)), colour)), body),
            None => (None, line),
        };
        if scan::is_blank(body) {
            return Decision::Structural;
        }
        let key = tag.zip(ctx.as_ref()).map(|((id, _, _), ctx)| (id, ctx.stream));
        let same_source = match (&self.last_tag, key) {
            (None, None) => true,
            (Some((last_id, last_stream)), Some((id, stream))) => last_id == id && *last_stream == stream,
            _ => false,
        };
        let d = self.stored(line_no, body, ctx, colour, same_source, skims);
        if matches!(d, Decision::Event(_) | Decision::Hold(..) | Decision::Glimpse(..)) {
            match key {
                Some((id, stream)) => match self.last_tag.as_mut() {
                    Some(last) => {
                        last.0.clear();
                        last.0.push_str(id);
                        last.1 = stream;
                    }
                    None => self.last_tag = Some((id.to_string(), stream)),
                },
                None => self.last_tag = None,
            }
        }
        d
    }

    /// Forgets the multi-line state (a new `pm2 logs` section, a daemon line).
    fn end_block(&mut self) {
        self.open_cont = None;
        self.in_oom = false;
    }

    fn ctx<'b>(&self, tag: Option<(&'b str, &'b str)>, colour: Option<Stream>) -> Ctx<'b> {
        let file = match &self.section {
            Section::App(f) => f.as_ref(),
            _ => self.file.as_ref(),
        };
        match tag {
            Some((id, name)) => {
                // The file's app when the tag names it (maybe cut short by `--nostream`).
                let file = file.filter(|f| f.process.starts_with(name));
                let process = match file {
                    Some(f) if f.process.len() > name.len() => Cow::Owned(f.process.clone()),
                    _ => Cow::Borrowed(name),
                };
                Ctx {
                    process: Some(process),
                    pm_id: Some(Cow::Borrowed(id)),
                    stream: colour.or(file.map(|f| f.stream)),
                    instance: file.and_then(|f| f.instance),
                }
            }
            // An untagged line's colours are the app's own: they say nothing of the stream.
            None => Ctx {
                process: file.map(|f| Cow::Owned(f.process.clone())),
                pm_id: file.and_then(|f| f.instance).map(|n| Cow::Owned(n.to_string())),
                stream: file.map(|f| f.stream),
                instance: file.and_then(|f| f.instance),
            },
        }
    }

    /// A line as PM2 stored it (after any `pm2 logs` tag); `ctx`: the tag's context, `None`
    /// for an untagged line (made from the file or section when a record needs it).
    fn stored<'b>(
        &mut self,
        line_no: u64,
        body: &'b str,
        ctx: Option<Ctx<'b>>,
        colour: Option<Stream>,
        same_source: bool,
        skims: &mut dyn FnMut(&'static str) -> bool,
    ) -> Decision<'b> {
        let mut ctx = ctx;
        if body.starts_with('{') {
            let json_ctx = ctx.get_or_insert_with(|| self.ctx(None, colour));
            if let Some(record) = json_record(line_no, body, json_ctx) {
                self.seen_record = true;
                self.end_block();
                return Decision::Event(record);
            }
        }
        let (time, msg, prefixed) = match prefix(body) {
            Some(Ok((msg, time))) => (time, msg, true),
            Some(Err(reason)) => return Decision::Unparsed(reason),
            None => (RawTime::None, body, false),
        };
        if prefixed && scan::is_blank(msg) {
            return Decision::Structural;
        }
        if self.seen_record && same_source {
            if self.in_oom {
                match oom_line(msg) {
                    Some(true) if !self.oom_fatal => {
                        self.oom_fatal = true;
                        return Decision::Continuation(Cow::Borrowed(msg), false);
                    }
                    Some(false) => return Decision::Continuation(Cow::Borrowed(msg), false),
                    _ => self.in_oom = false,
                }
            }
            let frame = is_frame(msg);
            if frame || is_crash_tail(msg) {
                if let Some(n) = self.open_cont.as_mut() {
                    *n = n.saturating_add(1);
                }
                return Decision::Continuation(Cow::Borrowed(msg), frame);
            }
            if !prefixed {
                if let Some(n) = self.open_cont.as_mut() {
                    if *n < MAX_CONTINUATION {
                        *n += 1;
                        return Decision::Continuation(Cow::Borrowed(msg), false);
                    }
                }
                if msg.starts_with([' ', '\t']) {
                    return Decision::Continuation(Cow::Borrowed(msg), false);
                }
            }
        }
        self.seen_record = true;
        self.open_cont = prefixed.then_some(0);
        self.in_oom = false;
        let classified = classify(msg);
        let header = if classified.is_none() { stack_header(msg) } else { None };
        if classified.is_none() && header.is_none() {
            // Plain output: the kind `new_record` would give, without building the record
            // when the sink only counts it.
            let (stream, process) = match &ctx {
                Some(c) => (c.stream, c.process.clone()),
                None => self.untagged_name(),
            };
            let kind = plain_kind(stream);
            if skims(kind) {
                return Decision::Glimpse(time, kind, process);
            }
        }
        let ctx = ctx.unwrap_or_else(|| self.ctx(None, colour));
        let mut record = new_record(line_no, time, msg, ctx);
        match (classified, header) {
            (Some((kind, fields)), _) => {
                if kind == APP_HEAP_OOM {
                    self.in_oom = true;
                    self.oom_fatal = oom_line(msg) == Some(true);
                }
                record.kind = kind;
                record.fields.extend(fields);
                Decision::Event(record)
            }
            (None, Some(h)) => Decision::Hold(record, h.fields(STACK_TRACE)),
            (None, None) => Decision::Event(record),
        }
    }

    /// An untagged line's stream, and its process name unless a glimpse already gave it (the
    /// loader only needs each name of the records it does not keep once).
    fn untagged_name<'b>(&mut self) -> (Option<Stream>, Option<Cow<'b, str>>) {
        let file = match &self.section {
            Section::App(f) => f.as_ref(),
            _ => self.file.as_ref(),
        };
        let stream = file.map(|f| f.stream);
        let fresh = file.map(|f| &f.process).filter(|p| !self.glimpsed_names.contains(p)).cloned();
        if let Some(name) = &fresh {
            self.glimpsed_names.push(name.clone());
        }
        (stream, fresh.map(Cow::Owned))
    }

    fn apply<'a>(&mut self, d: Decision<'a>, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if let Decision::Continuation(cont, frame) = d {
            if let Some(held) = self.held.take() {
                let mut record = held.record;
                if frame {
                    record.kind = APP_UNCAUGHT;
                    record.fields.extend(held.header);
                }
                sink.push_pending(record);
            }
            sink.continuation(cont);
            return;
        }
        self.flush_held(sink);
        match d {
            Decision::Event(record) => sink.event(record),
            Decision::Glimpse(time, kind, process) => sink.glimpse(line_no, time, SOURCE, kind, process),
            Decision::Hold(record, header) => {
                sink.event_pending();
                let header = header.into_iter().map(|(k, v)| (k, v.into_owned())).collect();
                self.held = Some(Held { record: record.into_owned(), header });
            }
            Decision::Structural => sink.structural(),
            Decision::Unparsed(reason) => sink.unparsed(line_no, reason),
            Decision::Daemon => self.daemon.parse_line(line_no, text, sink),
            Decision::Continuation(..) => {}
        }
    }

    fn flush_held(&mut self, sink: &mut Sink<'_>) {
        if let Some(held) = self.held.take() {
            sink.push_pending(held.record);
        }
    }
}

impl LineParser for Pm2AppLogParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        let mut skims = |kind| sink.skims(SOURCE, kind);
        if memchr::memchr(0x1b, text.as_bytes()).is_some() {
            let colour = leading_colour(text);
            let clean = strip_ansi(text);
            let d = self.decide(line_no, &clean, colour, &mut skims);
            let d = owned_decision(d);
            self.apply(d, line_no, text, sink);
        } else {
            let d = self.decide(line_no, text, None, &mut skims);
            self.apply(d, line_no, text, sink);
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_held(sink);
        self.daemon.finish(sink);
    }
}

/// Detaches a decision made on a cleaned copy of the line.
fn owned_decision(d: Decision<'_>) -> Decision<'static> {
    match d {
        Decision::Event(r) => Decision::Event(r.into_owned()),
        Decision::Glimpse(t, k, p) => Decision::Glimpse(t, k, p.map(|p| Cow::Owned(p.into_owned()))),
        Decision::Hold(r, h) => {
            Decision::Hold(r.into_owned(), h.into_iter().map(|(k, v)| (k, v.into_owned())).collect())
        }
        Decision::Continuation(t, frame) => Decision::Continuation(Cow::Owned(t.into_owned()), frame),
        Decision::Structural => Decision::Structural,
        Decision::Unparsed(r) => Decision::Unparsed(r),
        Decision::Daemon => Decision::Daemon,
    }
}

/// The kind of a plain output line of `stream`.
fn plain_kind(stream: Option<Stream>) -> &'static str {
    if stream == Some(Stream::Error) {
        APP_ERROR_LOG
    } else {
        APP_LOG
    }
}

fn new_record<'b>(line_no: u64, time: RawTime, msg: &'b str, ctx: Ctx<'b>) -> Record<'b> {
    let kind = plain_kind(ctx.stream);
    let mut r = Record::new(line_no, time, SOURCE, kind, msg);
    r.process = ctx.process;
    r.pm_id = ctx.pm_id;
    if let Some(s) = ctx.stream {
        r.push_field("stream", s.as_str());
    }
    if let Some(n) = ctx.instance {
        r.push_field("instance", i64::from(n));
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Date prefix

/// The zone written after a stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Zone {
    /// None written.
    None,
    /// A literal `Z` (dayjs `[Z]`): the time is still local.
    LiteralZ,
    /// A numeric offset (dayjs `Z`/`ZZ`), seconds east of UTC.
    Offset(i32),
}

fn two_digits(input: &str) -> IResult<&str, u32> {
    map_res(take_while_m_n(2, 2, |c: char| c.is_ascii_digit()), str::parse::<u32>)(input)
}

/// `HH:mm` without seconds (dayjs `HH:mm`).
fn hh_mm(input: &str) -> IResult<&str, NaiveTime> {
    map_res(tuple((two_digits, char(':'), two_digits)), |(h, _, m)| {
        NaiveTime::from_hms_opt(h, m, 0).ok_or(())
    })(input)
}

/// `date ("T" / SP) hh ":" mm [":" ss [fraction]] [[SP] zone]`.
fn stamp(input: &str) -> IResult<&str, (NaiveDateTime, Zone)> {
    let (rest, (d, _, t)) = tuple((date, one_of("T "), alt((time, hh_mm))))(input)?;
    let (rest, z) = opt(preceded(
        opt(char(' ')),
        alt((value(Zone::LiteralZ, one_of("Zz")), map(preceded(peek(one_of("+-")), zone), Zone::Offset))),
    ))(rest)?;
    Ok((rest, (d.and_time(t), z.unwrap_or(Zone::None))))
}

/// `":" (SP / EOL)` after a stamp.
fn prefix_sep(input: &str) -> IResult<&str, ()> {
    let (rest, _) = char(':')(input)?;
    if rest.is_empty() {
        return Ok((rest, ()));
    }
    value((), char(' '))(rest)
}

/// The date prefix of a stored line: `None` when there is none, `Some(Err)` when a
/// prefix-shaped stamp is out of range, else the message and its time.
fn prefix(body: &str) -> Option<Result<(&str, RawTime), &'static str>> {
    match time_true_prefix(body) {
        Some(plain) => Some(Ok(plain)),
        None => prefix_grammar(body),
    }
}

/// [`prefix`] by the grammar alone.
fn prefix_grammar(body: &str) -> Option<Result<(&str, RawTime), &'static str>> {
    match stamp(body) {
        Ok((rest, (local, z))) => {
            let (msg, ()) = prefix_sep(rest).ok()?;
            let time = match z {
                Zone::Offset(offset_secs) => RawTime::Exact { local, offset_secs },
                _ => RawTime::Local { local, file_offset: None },
            };
            Some(Ok((msg, time)))
        }
        Err(_) => stamp_shaped(body).then_some(Err(REASON_BAD_TIME)),
    }
}

/// The prefix of `time: true` (`YYYY-MM-DDTHH:mm:ss: `) or its space form, by far the most
/// common, read at fixed byte positions: (message, time). `None` for every other shape and
/// for impossible values (a leap second too): [`stamp`]'s grammar decides those, and reads
/// these two shapes exactly the same way (no fraction, no zone, `":" (SP / EOL)`).
fn time_true_prefix(body: &str) -> Option<(&str, RawTime)> {
    let b = body.as_bytes();
    if b.len() < 20 || b[19] != b':' || (b.len() > 20 && b[20] != b' ') {
        return None;
    }
    let local = scan::iso_date_time(b)?;
    // `b[20]` is a space (ASCII) when present: 21 is a char boundary.
    Some((body.get(21..).unwrap_or(""), RawTime::Local { local, file_offset: None }))
}

/// `dddd-dd-dd[T ]dd:dd` then stamp characters up to a `": "` separator (values unchecked).
fn stamp_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 16 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shaped = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    if !shaped {
        return false;
    }
    for i in 16..b.len().min(48) {
        let c = b[i];
        if c == b':' && matches!(b.get(i + 1), None | Some(b' ')) {
            return true;
        }
        if !(c.is_ascii_digit() || matches!(c, b':' | b'.' | b',' | b'+' | b'-' | b' ' | b'Z' | b'z')) {
            return false;
        }
    }
    false
}

/// A JSON `timestamp`: the same stamps, but a `Z` is real (`toISOString()`).
fn json_time(s: &str) -> Option<RawTime> {
    let (rest, (local, z)) = stamp(s.trim()).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(match z {
        Zone::LiteralZ => RawTime::Exact { local, offset_secs: 0 },
        Zone::Offset(offset_secs) => RawTime::Exact { local, offset_secs },
        Zone::None => RawTime::Local { local, file_offset: None },
    })
}

// ---------------------------------------------------------------------------------------------
// `pm2 logs` decoration

/// `*SP 1*DIGIT "|" name 1*SP "|" (SP / EOL)` → (pm_id, name, stored line).
fn app_tag(line: &str) -> Option<(&str, &str, &str)> {
    // Most lines fail at the `|` after the digits (a date prefix): checked on bytes first.
    let b = line.as_bytes();
    let start = b.iter().position(|&c| c != b' ')?;
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=9).contains(&digits) || b.get(start + digits) != Some(&b'|') {
        return None;
    }
    let (rest, (_, id, _, name_part, _)) = tuple((
        nom::bytes::complete::take_while(|c| c == ' '),
        take_while_m_n(1, 9, |c: char| c.is_ascii_digit()),
        char::<_, nom::error::Error<&str>>('|'),
        take_while1(|c| c != '|'),
        char('|'),
    ))(line)
    .ok()?;
    let name = name_part.trim_end_matches(' ');
    if name.is_empty() || name.len() == name_part.len() || name_part.len() > 72 {
        return None;
    }
    let body = if rest.is_empty() { rest } else { rest.strip_prefix(' ')? };
    Some((id, name, body))
}

/// `*SP "PM2" 1*WSP "|"`: a pm2.log line of `pm2 logs` / `pm2 report`.
fn daemon_tag(line: &str) -> bool {
    let r: IResult<&str, _> = tuple((
        nom::bytes::complete::take_while(|c| c == ' '),
        tag("PM2"),
        take_while1(|c| c == ' ' || c == '\t'),
        char('|'),
    ))(line);
    r.is_ok()
}

/// `<path> last N lines:` → the path.
fn logs_file_header(trimmed: &str) -> Option<&str> {
    let (path, n) = trimmed.strip_suffix(" lines:")?.rsplit_once(" last ")?;
    let numeric = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    (numeric && (path.contains('/') || path.ends_with(".log"))).then_some(path)
}

/// The stream a `pm2 logs` colour says: green (32) out, red (31) error.
fn leading_colour(text: &str) -> Option<Stream> {
    let mut rest = text;
    let mut found = None;
    while let Some(csi) = rest.strip_prefix("\x1b[") {
        let end = csi.bytes().position(|b| !(b.is_ascii_digit() || b == b';'))?;
        if csi.as_bytes().get(end) != Some(&b'm') {
            break;
        }
        for p in csi.get(..end).unwrap_or("").split(';') {
            match p {
                "31" | "91" => found = Some(Stream::Error),
                "32" | "92" => found = Some(Stream::Out),
                _ => {}
            }
        }
        rest = csi.get(end + 1..).unwrap_or("");
    }
    found
}

// ---------------------------------------------------------------------------------------------
// JSON (`log_type: 'json'`)

/// A PM2 JSON line as a record; `None` when the line is not one.
fn json_record(line_no: u64, body: &str, ctx: &Ctx<'_>) -> Option<Record<'static>> {
    use serde_json::Value;
    let value: Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    let message = obj.get("message")?.as_str()?;
    if !["app_name", "process_id", "type"].iter().any(|k| obj.contains_key(*k)) {
        return None;
    }
    let stream = match obj.get("type").and_then(Value::as_str) {
        Some("out") => Some(Stream::Out),
        Some("err" | "error") => Some(Stream::Error),
        _ => ctx.stream,
    };
    let process = match obj.get("app_name").and_then(Value::as_str) {
        Some(name) => Some(Cow::Owned(name.to_string())),
        None => ctx.process.clone(),
    };
    let pm_id = match obj.get("process_id") {
        Some(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        Some(Value::String(s)) => Some(Cow::Owned(s.clone())),
        _ => ctx.pm_id.clone(),
    };
    let time = obj.get("timestamp").and_then(Value::as_str).and_then(json_time).unwrap_or(RawTime::None);
    let clean = strip_ansi(message);
    let text = clean.strip_suffix('\n').unwrap_or(&clean);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    let ctx = Ctx { process, pm_id, stream, instance: ctx.instance };
    let mut record = new_record(line_no, time, first, ctx);
    match classify(first) {
        Some((kind, fields)) => {
            record.kind = kind;
            record.fields.extend(fields);
        }
        None => {
            if let Some(h) = stack_header(first).filter(|_| rest.first().is_some_and(|l| is_frame(l))) {
                record.kind = APP_UNCAUGHT;
                record.fields.extend(h.fields(STACK_TRACE));
            }
        }
    }
    record.continuation.extend(rest.into_iter().map(Cow::Borrowed));
    Some(record.into_owned())
}

// ---------------------------------------------------------------------------------------------
// Classification

const UNCAUGHT_LABEL: &str = "uncaught-label";
const UNHANDLED_REJECTION: &str = "unhandled-rejection";
const STACK_TRACE: &str = "stack-trace";

/// The kind and kind fields of a message, `None` for an ordinary line.
#[allow(clippy::type_complexity)]
fn classify(msg: &str) -> Option<(&'static str, Vec<(&'static str, FieldValue<'_>)>)> {
    // Every app line comes through here: one pass over the message finds every phrase the
    // kinds below look for, instead of one substring search per phrase.
    let marks = Marks::of(msg);
    if marks.heap_oom || msg.trim_start().starts_with("<--- Last few GCs") {
        return Some((APP_HEAP_OOM, Vec::new()));
    }
    let [addr_in_use, no_space, no_mem, conn_refused] = marks.errno;
    if let Some(end) = addr_in_use {
        return Some((APP_EADDRINUSE, address_fields(&msg[end..])));
    }
    if no_space.is_some() {
        return Some((APP_ENOSPC, Vec::new()));
    }
    if no_mem.is_some() {
        return Some((APP_ENOMEM, Vec::new()));
    }
    if let Some(end) = conn_refused {
        return Some((APP_ECONNREFUSED, address_fields(&msg[end..])));
    }
    uncaught_label(msg, &marks).map(|fields| (APP_UNCAUGHT, fields))
}

/// The errno names [`classify`] reads, in its order of precedence.
const ERRNOS: [&[u8]; 4] = [b"EADDRINUSE", b"ENOSPC", b"ENOMEM", b"ECONNREFUSED"];

/// What one pass over a message finds for [`classify`].
#[derive(Debug, Default, PartialEq, Eq)]
struct Marks {
    /// V8's fatal heap messages: `JavaScript heap out of memory`, `Reached heap limit`,
    /// `fatal javascript oom` (any case).
    heap_oom: bool,
    /// For each of [`ERRNOS`]: the end of its first occurrence as a whole word.
    errno: [Option<usize>; 4],
    /// `uncaught exception` / `uncaughtexception`, any case.
    uncaught: bool,
    /// `[UnhandledPromiseRejection:`, or `unhandled rejection` / `unhandledrejection` in any case.
    unhandled: bool,
}

/// Whether a phrase of [`Marks`] may start with the bytes `a`, `b`: `Ja`, `Re`, `fa`, `EA`,
/// `EN`, `EC`, `un`, `[U` (case as the phrase allows). Branch-free, so that a block of
/// positions is tested at once (vectorised) and only a block with a candidate is searched.
#[inline(always)]
fn may_start(a: u8, b: u8) -> bool {
    let (la, lb) = (a | 0x20, b | 0x20);
    (a == b'J') & (b == b'a')
        | (a == b'R') & (b == b'e')
        | (la == b'f') & (lb == b'a')
        | (a == b'E') & ((b == b'A') | (b == b'N') | (b == b'C'))
        | (la == b'u') & (lb == b'n')
        | (a == b'[') & (b == b'U')
}

impl Marks {
    fn of(msg: &str) -> Marks {
        const BLOCK: usize = 32;
        let b = msg.as_bytes();
        let mut m = Marks::default();
        // Every phrase has at least two bytes: it starts at a position with a next byte.
        let starts = b.len().saturating_sub(1);
        let mut block = 0;
        while block < starts {
            let end = (block + BLOCK).min(starts);
            // The block's bytes and the byte after it, zero-padded (zero starts no phrase), as
            // a fixed-size array: the test below compiles to vector compares.
            let mut pair = [0u8; BLOCK + 1];
            pair[..end + 1 - block].copy_from_slice(&b[block..=end]);
            let (x, y) = (&pair[..BLOCK], &pair[1..]);
            if x.iter().zip(y).fold(false, |hit, (&a, &c)| hit | may_start(a, c)) {
                for i in block..end {
                    m.read_at(b, i);
                }
            }
            block = end;
        }
        m
    }

    /// Notes the phrase starting at `b[i]`, if any.
    fn read_at(&mut self, b: &[u8], i: usize) {
        let at = &b[i..];
        match b[i] {
            b'J' => self.heap_oom |= at.starts_with(b"JavaScript heap out of memory"),
            b'R' => self.heap_oom |= at.starts_with(b"Reached heap limit"),
            b'f' | b'F' => self.heap_oom |= starts_with_ci(at, b"fatal javascript oom"),
            b'E' => {
                for (slot, word) in self.errno.iter_mut().zip(ERRNOS) {
                    if slot.is_none() && at.starts_with(word) && whole_word(b, i, i + word.len()) {
                        *slot = Some(i + word.len());
                    }
                }
            }
            b'[' => self.unhandled |= at.starts_with(b"[UnhandledPromiseRejection:"),
            b'u' | b'U' => {
                self.uncaught |=
                    starts_with_ci(at, b"uncaught exception") || starts_with_ci(at, b"uncaughtexception");
                self.unhandled |=
                    starts_with_ci(at, b"unhandled rejection") || starts_with_ci(at, b"unhandledrejection");
            }
            _ => {}
        }
    }
}

/// `hay` starts with `needle` (given in lower case), ASCII case ignored.
fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.get(..needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle))
}

/// `b[start..end]` is not preceded or followed by a word character (alphanumeric or `_`).
fn whole_word(b: &[u8], start: usize, end: usize) -> bool {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (start == 0 || !is_word(b[start - 1])) && b.get(end).is_none_or(|&c| !is_word(c))
}

/// A line of a V8 fatal-error block: `Some(true)` for its `FATAL ERROR:` line.
fn oom_line(msg: &str) -> Option<bool> {
    let t = msg.trim_start();
    if t.starts_with("FATAL ERROR:") {
        return Some(true);
    }
    let block = msg.starts_with([' ', '\t'])
        || t.starts_with("<---")
        || t.starts_with("-----")
        || t.starts_with("====")
        || t.starts_with("Security context:")
        || t.starts_with('#')
        || gc_trace(t)
        || native_frame(t);
    block.then_some(false)
}

/// `[pid:0xhex]` GC trace line.
fn gc_trace(t: &str) -> bool {
    let r: IResult<&str, _> = tuple((char('['), take_while1(|c: char| c.is_ascii_digit()), tag(":0x")))(t);
    r.is_ok()
}

/// `12: 0xb8e1a0 node::Abort() [node]`.
fn native_frame(t: &str) -> bool {
    let r: IResult<&str, _> = tuple((take_while1(|c: char| c.is_ascii_digit()), tag(": 0x")))(t);
    r.is_ok()
}

/// `    at …` stack frame.
fn is_frame(msg: &str) -> bool {
    msg.starts_with([' ', '\t']) && msg.trim_start().starts_with("at ")
}

/// Lines of a Node crash report that follow its stack.
fn is_crash_tail(msg: &str) -> bool {
    let t = scan::trim(msg);
    // The first byte of each shape below (`- /` is at the start of `msg`, hence of `t`).
    if !matches!(t.as_bytes().first(), Some(b'}' | b']' | b'E' | b'N' | b'R' | b'-' | b'.')) {
        return false;
    }
    matches!(t, "}" | "})" | "]" | "};")
        || t.starts_with("Emitted 'error' event")
        || t.strip_prefix("Node.js v").is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        || t == "Require stack:"
        || msg.starts_with("- /")
        || (msg.starts_with([' ', '\t']) && t.starts_with("... "))
}

/// `address` and `port` from the text after `EADDRINUSE` / `ECONNREFUSED`:
/// `: address already in use :::3001`, ` 127.0.0.1:5432`, ` /tmp/app.sock`.
fn address_fields(after: &str) -> Vec<(&'static str, FieldValue<'_>)> {
    let rest = after.strip_prefix(':').unwrap_or(after).trim_start();
    let rest = rest.strip_prefix("address already in use").map_or(rest, str::trim_start);
    let token = rest.split([' ', '\t']).next().unwrap_or("");
    let token = token.trim_end_matches([',', ';', ')', '\'', '"']);
    let starts_ok = token.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '[' | '/'));
    if !starts_ok || !token.contains([':', '/', '.']) {
        return Vec::new();
    }
    let mut fields = vec![("address", FieldValue::from(token))];
    if let Some((_, port)) = token.rsplit_once(':') {
        if (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(p) = port.parse::<i64>() {
                fields.push(("port", FieldValue::Int(p)));
            }
        }
    }
    fields
}

/// A stack header: `Type [" [" code "]"] ":" (SP message / EOL)`, `Type` ending in `Error`.
struct Header<'m> {
    error_type: &'m str,
    code: Option<&'m str>,
    message: &'m str,
}

impl<'m> Header<'m> {
    fn fields(&self, detected_by: &'static str) -> Vec<(&'static str, FieldValue<'m>)> {
        let mut f = vec![("error_type", FieldValue::from(self.error_type))];
        if let Some(code) = self.code {
            f.push(("error_code", FieldValue::from(code)));
        }
        f.push(("error", FieldValue::from(self.message)));
        f.push(("detected_by", FieldValue::from(detected_by)));
        f
    }
}

fn stack_header(msg: &str) -> Option<Header<'_>> {
    // Most messages fail the type name (1 to 64 name characters ending in `Error`): checked
    // on bytes before the grammar.
    let is_name = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.');
    let name_len = msg.bytes().take(65).take_while(is_name).count();
    if !(1..=64).contains(&name_len) || !msg.as_bytes()[..name_len].ends_with(b"Error") {
        return None;
    }
    let (rest, (error_type, code, _)) = tuple((
        take_while_m_n(1, 64, |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')),
        opt(preceded(tag(" ["), terminated(take_while1(|c| c != ']'), char(']')))),
        char::<_, nom::error::Error<&str>>(':'),
    ))(msg)
    .ok()?;
    if !error_type.ends_with("Error") || !error_type.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let message = if rest.is_empty() { rest } else { rest.strip_prefix(' ')? };
    Some(Header { error_type, code, message })
}

/// The first stack header in a message, at its start or after a space (first 256 bytes).
fn find_header(msg: &str) -> Option<Header<'_>> {
    let limit = msg.len().min(256);
    std::iter::once(0)
        .chain(memchr::memchr_iter(b' ', &msg.as_bytes()[..limit]).map(|i| i + 1))
        .find_map(|at| msg.get(at..).and_then(stack_header))
}

/// Uncaught-exception and unhandled-rejection labels (`marks`: what [`Marks::of`] found in `msg`).
fn uncaught_label<'m>(msg: &'m str, marks: &Marks) -> Option<Vec<(&'static str, FieldValue<'m>)>> {
    let detected_by = if let Some(h) = msg.strip_prefix("Uncaught ").and_then(stack_header) {
        return Some(h.fields(UNCAUGHT_LABEL));
    } else if marks.uncaught {
        UNCAUGHT_LABEL
    } else if marks.unhandled {
        UNHANDLED_REJECTION
    } else {
        return None;
    };
    Some(match find_header(msg) {
        Some(h) => h.fields(detected_by),
        None => vec![("detected_by", FieldValue::from(detected_by))],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let f = |p| app_log_file(p).map(|f| (f.process, f.stream, f.instance));
        assert_eq!(f("/root/.pm2/logs/api-out.log"), Some(("api".into(), Stream::Out, None)));
        assert_eq!(
            f("flyer-crawler-api-error-3.log"),
            Some(("flyer-crawler-api".into(), Stream::Error, Some(3)))
        );
        assert_eq!(f("api-out__2026-02-17_00-00-00.log.gz"), Some(("api".into(), Stream::Out, None)));
        assert_eq!(f("api-out.log.1"), Some(("api".into(), Stream::Out, None)));
        assert_eq!(f("check-out-out.log"), Some(("check-out".into(), Stream::Out, None)));
        assert_eq!(f("pm2.log"), None);
        assert_eq!(f("-out.log"), None);
        assert_eq!(f("api-3.log"), None);
    }

    #[test]
    fn stamps() {
        assert!(matches!(prefix("2026-11-28T07:02:11: tick 0"), Some(Ok(("tick 0", RawTime::Local { .. })))));
        assert!(matches!(
            prefix("2026-02-17 14:35 +01:00: x"),
            Some(Ok(("x", RawTime::Exact { offset_secs: 3600, .. })))
        ));
        assert!(matches!(prefix("2026-02-17T14:35:00Z: x"), Some(Ok(("x", RawTime::Local { .. })))));
        assert_eq!(prefix("2026-02-30T14:35:00: x"), Some(Err(REASON_BAD_TIME)));
        assert_eq!(prefix("2026-02-17 14:35:00.123 INFO x"), None);
        assert_eq!(prefix("2026-02-17 14:35:00"), None);
    }

    /// The phrase tests as plain substring searches: the specification [`Marks::of`] meets.
    fn marks_by_search(msg: &str) -> Marks {
        let ci = |needle: &str| msg.to_ascii_lowercase().contains(needle);
        let word_end = |word: &str| {
            msg.match_indices(word)
                .map(|(at, _)| (at, at + word.len()))
                .find(|&(at, end)| whole_word(msg.as_bytes(), at, end))
        };
        Marks {
            heap_oom: msg.contains("JavaScript heap out of memory")
                || msg.contains("Reached heap limit")
                || ci("fatal javascript oom"),
            errno: ["EADDRINUSE", "ENOSPC", "ENOMEM", "ECONNREFUSED"]
                .map(|w| word_end(w).map(|(_, end)| end)),
            uncaught: ci("uncaught exception") || ci("uncaughtexception"),
            unhandled: msg.contains("[UnhandledPromiseRejection:")
                || ci("unhandled rejection")
                || ci("unhandledrejection"),
        }
    }

    proptest::proptest! {
        #[test]
        fn marks_are_what_substring_searches_find(
            parts in proptest::collection::vec(
                "EADDRINUSE|ENOSPC|ENOMEM|ECONNREFUSED|Uncaught Exception|uncaughtException|UNHANDLED rejection|\
                 unhandledRejection|\\[UnhandledPromiseRejection:|JavaScript heap out of memory|Reached heap limit|\
                 FATAL javascript OOM|_|[ a-zA-Z:\\[\\]]{0,40}|\\PC{0,8}",
                0..6,
            )
        ) {
            let msg = parts.concat();
            proptest::prop_assert_eq!(Marks::of(&msg), marks_by_search(&msg));
        }

        #[test]
        fn fixed_prefix_reads_like_the_grammar(
            stamp in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
            tail in ":( .{0,8})?|[:.,Z +][0-9:. +Z]{0,8}",
        ) {
            let line = format!("{stamp}{tail}");
            if let Some(fixed) = time_true_prefix(&line) {
                proptest::prop_assert_eq!(Some(Ok(fixed)), prefix_grammar(&line));
            }
        }
    }

    #[test]
    fn words_and_headers() {
        assert_eq!(Marks::of("a EADDRINUSEX b"), Marks::default());
        assert_eq!(Marks::of("code: 'ENOSPC'").errno, [None, Some(13), None, None]);
        assert_eq!(Marks::of("_ENOMEM ENOMEM").errno, [None, None, Some(14), None]);
        assert!(Marks::of("x UNCAUGHT Exception").uncaught);
        assert!(Marks::of("[UnhandledPromiseRejection: x").unhandled);
        assert!(Marks::of("FATAL JavaScript OOM").heap_oom);
        assert!(!Marks::of("uncaught").uncaught);
        let h = stack_header("Error [ERR_X]: boom").unwrap();
        assert_eq!((h.error_type, h.code, h.message), ("Error", Some("ERR_X"), "boom"));
        assert!(stack_header("Exception: boom").is_none());
        assert!(stack_header("Error:boom").is_none());
        assert_eq!(find_header("Uncaught Exception: TypeError: x").unwrap().error_type, "TypeError");
    }

    #[test]
    fn tags() {
        assert_eq!(app_tag("0|api      | tick"), Some(("0", "api", "tick")));
        assert_eq!(app_tag("12|my-long- | x"), Some(("12", "my-long-", "x")));
        assert_eq!(app_tag("0|api      | "), Some(("0", "api", "")));
        assert_eq!(app_tag("0|api| x"), None);
        assert!(daemon_tag("PM2        | 2026-11-28T07:02:27: PM2 log: x"));
        assert!(!daemon_tag("PM2 log: x"));
        assert_eq!(leading_colour("\x1b[31m0|api | \x1b[39mx"), Some(Stream::Error));
        assert_eq!(strip_ansi("\x1b[32m0|api | \x1b[39mx"), "0|api | x");
    }
}
