//! The records parsers emit, and the sink they emit them into.
//!
//! A parser is a state machine fed one physical line at a time ([`LineParser::parse_line`]).
//! For every line it is fed it makes exactly one [`LineClass`] decision through the [`Sink`]:
//! the line starts a record, continues the previous record, is structural, or is unparsed
//! (with a reason). The sink counts the decisions, so line accounting is a property of the
//! API rather than of each parser's care.
//!
//! Records borrow from the input line where they can (`Cow::Borrowed`), so parsing a
//! well-formed line allocates only the record's small field vector.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// What a physical line turned out to be. Every line read is exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineClass {
    /// The line starts a record (an event).
    Event,
    /// The line continues the previous record (stack frame, indented continuation).
    Continuation,
    /// The line carries structure, not an event (banner field, separator, blank line).
    Structural,
    /// The line could not be understood; an [`Unparsed`] entry says why.
    Unparsed,
}

/// Per-class line counts of one input. `total()` always equals the lines fed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCounts {
    /// Lines that started a record.
    pub events: u64,
    /// Lines attached to the previous record.
    pub continuation: u64,
    /// Banner fields, separators, blank lines.
    pub structural: u64,
    /// Lines with an [`Unparsed`] entry.
    pub unparsed: u64,
}

impl LineCounts {
    /// All lines counted.
    pub fn total(&self) -> u64 {
        self.events + self.continuation + self.structural + self.unparsed
    }

    /// Adds another input's counts to these.
    pub fn add(&mut self, other: &LineCounts) {
        self.events += other.events;
        self.continuation += other.continuation;
        self.structural += other.structural;
        self.unparsed += other.unparsed;
    }
}

/// A time as written in the evidence, before any zone or year is decided.
///
/// Parsers never guess: a zone-less time stays [`RawTime::Local`], a year-less time stays
/// [`RawTime::NoYear`]. The `postmortem` crate's clock resolves them and records the
/// assumption it made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawTime {
    /// The record carries no time at all (kept in file order, reported as undated).
    None,
    /// An exact instant: wall-clock time plus its explicit UTC offset in seconds east.
    Exact {
        /// Wall-clock time as written.
        local: NaiveDateTime,
        /// Offset from UTC in seconds (east positive); `0` for `Z`.
        offset_secs: i32,
    },
    /// A wall-clock time with no zone in the line itself.
    Local {
        /// Wall-clock time as written.
        local: NaiveDateTime,
        /// An offset the file itself states for this line (a PM2 daemon banner's `GMT+hhmm`),
        /// with the 1-based line it was read from. `None` when the file says nothing.
        file_offset: Option<FileOffset>,
    },
    /// A month/day/time with no year (RFC3164 syslog).
    NoYear {
        /// Month, 1..=12.
        month: u32,
        /// Day of month, 1..=31 (29 February is kept; the clock checks it against the year).
        day: u32,
        /// Time of day.
        time: NaiveTime,
    },
}

/// A UTC offset stated inside the file (not on the line), with where it was stated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileOffset {
    /// Offset from UTC in seconds (east positive).
    pub offset_secs: i32,
    /// 1-based line of the file that stated it.
    pub line: u64,
}

impl RawTime {
    /// An exact time from a date, a time of day and an offset in seconds east of UTC.
    pub fn exact(date: NaiveDate, time: NaiveTime, offset_secs: i32) -> RawTime {
        RawTime::Exact { local: date.and_time(time), offset_secs }
    }

    /// A wall-clock time as the line writes it: exact with its offset (seconds east), local
    /// when the line gives none.
    pub fn written(local: NaiveDateTime, offset_secs: Option<i32>) -> RawTime {
        match offset_secs {
            Some(offset_secs) => RawTime::Exact { local, offset_secs },
            None => RawTime::Local { local, file_offset: None },
        }
    }
}

/// A field value: what `fields` in the event contract may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// Text.
    Str(Cow<'a, str>),
    /// A whole number (exit code, port, bytes).
    Int(i64),
    /// A list of texts (files changed, pids).
    List(Vec<Cow<'a, str>>),
}

impl<'a> From<&'a str> for FieldValue<'a> {
    fn from(s: &'a str) -> Self {
        FieldValue::Str(Cow::Borrowed(s))
    }
}

impl From<String> for FieldValue<'_> {
    fn from(s: String) -> Self {
        FieldValue::Str(Cow::Owned(s))
    }
}

impl From<i64> for FieldValue<'_> {
    fn from(n: i64) -> Self {
        FieldValue::Int(n)
    }
}

impl FieldValue<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> FieldValue<'static> {
        match self {
            FieldValue::Str(s) => FieldValue::Str(Cow::Owned(s.into_owned())),
            FieldValue::Int(n) => FieldValue::Int(n),
            FieldValue::List(v) => {
                FieldValue::List(v.into_iter().map(|s| Cow::Owned(s.into_owned())).collect())
            }
        }
    }

    /// The text of a `Str` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One record (a future event) as a parser understood it.
///
/// `source` and `kind` come from the fixed vocabularies documented in the README's event
/// contract; parsers use `&'static str` constants for them.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<'a> {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// The time as written.
    pub time: RawTime,
    /// Evidence source id (`pm2`, `auth`, `syslog`, `kernel`, …).
    pub source: &'static str,
    /// Event kind, kebab-case (`app-exit`, `ssh-login`, …).
    pub kind: &'static str,
    /// Host name written on the line, if any.
    pub host: Option<Cow<'a, str>>,
    /// The PM2 app name this record is about (cluster instances share it).
    pub process: Option<Cow<'a, str>>,
    /// The PM2 id, as text (`"0"`, `"_old_3"`).
    pub pm_id: Option<Cow<'a, str>>,
    /// OS process id written on the line (syslog `ident[pid]`, `pid=…`).
    pub pid: Option<u64>,
    /// The user the record is about (login user, sudo invoker).
    pub user: Option<Cow<'a, str>>,
    /// The human message: the line without its timestamp/host/tag prefix.
    pub message: Cow<'a, str>,
    /// Format-specific details, in a stable order chosen by the parser.
    pub fields: Vec<(&'static str, FieldValue<'a>)>,
    /// Continuation lines attached to this record, in order, without their line ending.
    pub continuation: Vec<Cow<'a, str>>,
}

impl<'a> Record<'a> {
    /// A record with only the mandatory parts set.
    pub fn new(
        line: u64,
        time: RawTime,
        source: &'static str,
        kind: &'static str,
        message: impl Into<Cow<'a, str>>,
    ) -> Self {
        Record {
            line,
            time,
            source,
            kind,
            host: None,
            process: None,
            pm_id: None,
            pid: None,
            user: None,
            message: message.into(),
            fields: Vec::new(),
            continuation: Vec::new(),
        }
    }

    /// Appends a field (builder style).
    pub fn with(mut self, key: &'static str, value: impl Into<FieldValue<'a>>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// Appends a field in place.
    pub fn push_field(&mut self, key: &'static str, value: impl Into<FieldValue<'a>>) {
        self.fields.push((key, value.into()));
    }

    /// The value of a field, if set.
    pub fn field(&self, key: &str) -> Option<&FieldValue<'a>> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The text of a string field, if set.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.field(key).and_then(FieldValue::as_str)
    }

    /// The value of an integer field, if set.
    pub fn int_field(&self, key: &str) -> Option<i64> {
        match self.field(key) {
            Some(FieldValue::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// Detaches the record from the input it borrows, so a parser can hold it across
    /// windows (a record that later lines may still extend).
    pub fn into_owned(self) -> Record<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Record {
            line: self.line,
            time: self.time,
            source: self.source,
            kind: self.kind,
            host: self.host.map(own),
            process: self.process.map(own),
            pm_id: self.pm_id.map(own),
            pid: self.pid,
            user: self.user.map(own),
            message: own(self.message),
            fields: self.fields.into_iter().map(|(k, v)| (k, v.into_owned())).collect(),
            continuation: self.continuation.into_iter().map(own).collect(),
        }
    }
}

/// A line the parser could not understand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unparsed {
    /// 1-based physical line.
    pub line: u64,
    /// Why, in a few words (`"no syslog timestamp"`, `"line is not UTF-8 text"`).
    pub reason: &'static str,
}

/// Where a parser puts what it decides about each line.
///
/// Each `parse_line` call must call exactly one of [`Sink::event`], [`Sink::continuation`],
/// [`Sink::structural`] or [`Sink::unparsed`] — or [`Sink::event_pending`] when the record
/// for this line will be pushed later (a banner completed by following lines) with
/// [`Sink::push_pending`]. The counts are kept here, so they add up by construction.
#[derive(Debug, Default)]
pub struct Sink<'a> {
    /// Records completed so far, in the order they were pushed.
    pub records: Vec<Record<'a>>,
    /// Records of skimmed kinds (see [`Sink::skimming`]), in the order they were pushed;
    /// each knows how many `records` came before it.
    pub glimpses: Vec<Glimpse<'a>>,
    /// The (source, kind) pairs the consumer only counts; parsers may hand them over as
    /// [`Glimpse`]s instead of building whole records. Empty: every record is wanted.
    skimmed: Arc<[(&'static str, &'static str)]>,
    /// `skims` answers by (source, kind) identity: a parser asks with a few constants.
    skim_cache: Vec<(KindKey, bool)>,
    /// The last record pushed was a glimpse (continuation lines after it are its own).
    last_glimpsed: bool,
    /// Lines that could not be understood.
    pub unparsed: Vec<Unparsed>,
    /// Continuation lines that arrived before any record of this sink: they continue the
    /// last record of the previous chunk (the caller attaches them).
    pub carried_continuation: Vec<Cow<'a, str>>,
    /// The line counts.
    pub counts: LineCounts,
}

/// The identity of a (source, kind) pair of `&'static str` constants: addresses and lengths.
type KindKey = (usize, usize, usize, usize);

/// What a consumer needs of a record it only counts: where it is, when, what, and which PM2
/// process it names. Building a [`Record`] (fields, message, moves) costs several times more
/// than parsing the time, so a parser that knows a line's kind early hands this over instead
/// when the consumer skims that kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Glimpse<'a> {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// The time as written.
    pub time: RawTime,
    /// Evidence source id.
    pub source: &'static str,
    /// Event kind.
    pub kind: &'static str,
    /// The PM2 app name the record is about, if any.
    pub process: Option<Cow<'a, str>>,
    /// How many of the sink's `records` were pushed before this one (the consumer reads both
    /// lists in push order).
    pub after: usize,
}

impl<'a> Sink<'a> {
    /// A new, empty sink.
    pub fn new() -> Self {
        Sink::default()
    }

    /// A new sink whose consumer only counts records of the `skimmed` (source, kind) pairs.
    pub fn skimming(skimmed: Arc<[(&'static str, &'static str)]>) -> Self {
        Sink { skimmed, ..Sink::default() }
    }

    /// Whether the consumer only counts records of some kinds (see [`Sink::skimming`]).
    pub fn skims_anything(&self) -> bool {
        !self.skimmed.is_empty()
    }

    /// Whether the consumer only counts records of `source` and `kind`: the parser may then
    /// call [`Sink::glimpse`] instead of [`Sink::event`].
    pub fn skims(&mut self, source: &'static str, kind: &'static str) -> bool {
        if self.skimmed.is_empty() {
            return false;
        }
        let key: KindKey = (source.as_ptr() as usize, source.len(), kind.as_ptr() as usize, kind.len());
        if let Some(&(_, skims)) = self.skim_cache.iter().find(|(k, _)| *k == key) {
            return skims;
        }
        let skims = self.skimmed.iter().any(|&(s, k)| s == source && k == kind);
        self.skim_cache.push((key, skims));
        skims
    }

    /// The line starts a record of a skimmed kind (see [`Sink::skims`]), given as a glimpse.
    /// Continuation lines after it are counted and dropped with it.
    pub fn glimpse(
        &mut self,
        line: u64,
        time: RawTime,
        source: &'static str,
        kind: &'static str,
        process: Option<Cow<'a, str>>,
    ) {
        self.counts.events += 1;
        self.last_glimpsed = true;
        let after = self.records.len();
        self.glimpses.push(Glimpse { line, time, source, kind, process, after });
    }

    /// The line starts `record`.
    pub fn event(&mut self, record: Record<'a>) {
        self.counts.events += 1;
        self.last_glimpsed = false;
        self.records.push(record);
    }

    /// The line starts a record that the parser will push later with [`Sink::push_pending`].
    pub fn event_pending(&mut self) {
        self.counts.events += 1;
    }

    /// Pushes a record whose line was already counted by [`Sink::event_pending`].
    pub fn push_pending(&mut self, record: Record<'a>) {
        self.last_glimpsed = false;
        self.records.push(record);
    }

    /// The line continues the last record. With no record in this sink, the text is carried
    /// over to the caller, who attaches it to the previous chunk's last record.
    pub fn continuation(&mut self, text: impl Into<Cow<'a, str>>) {
        self.counts.continuation += 1;
        if self.last_glimpsed {
            // The glimpsed record's own line: counted, and dropped with it.
            return;
        }
        match self.records.last_mut() {
            Some(last) => last.continuation.push(text.into()),
            None => self.carried_continuation.push(text.into()),
        }
    }

    /// The line continues the last record, but its text is not worth keeping
    /// (e.g. a banner field already folded into the record's fields).
    pub fn continuation_dropped(&mut self) {
        self.counts.continuation += 1;
    }

    /// The line is structural (separator, banner field, blank line).
    pub fn structural(&mut self) {
        self.counts.structural += 1;
    }

    /// The line could not be understood.
    pub fn unparsed(&mut self, line: u64, reason: &'static str) {
        self.counts.unparsed += 1;
        self.unparsed.push(Unparsed { line, reason });
    }
}

/// A format parser: a state machine over the physical lines of one input, in order.
///
/// Implementations must never panic, whatever the bytes, and must account every line fed
/// exactly once through the sink (see [`Sink`]).
pub trait LineParser {
    /// Parses one physical line. `line_no` is 1-based; `text` has no line ending (a
    /// trailing `\r` is already removed) and is the lossy UTF-8 decoding of the line.
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>);

    /// The input ended: push any record still pending. Accounts no lines.
    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        let _ = sink;
    }

    /// True when the parser holds nothing a later line could extend or depend on, so that
    /// it parses whatever follows exactly as its format's
    /// [`resumed_parser`](crate::Format::resumed_parser) would. The loader parses later
    /// windows with resumed parsers in parallel and keeps a window's result only when the
    /// parser of the window before it ended settled (else it parses that window again, in
    /// order). `false` (the default) is always correct.
    fn is_settled(&self) -> bool {
        false
    }
}

/// Feeds a whole text to a parser, splitting lines on `\n` and dropping a trailing `\r`.
///
/// A convenience for tests and small inputs; the `postmortem` crate streams large inputs
/// in windows and calls [`LineParser::parse_line`] itself.
pub fn parse_text<'a, P: LineParser + ?Sized>(parser: &mut P, text: &'a str) -> Sink<'a> {
    let mut sink = Sink::new();
    sink.records.reserve(text.len() / 160);
    for (i, line) in split_lines(text).enumerate() {
        parser.parse_line(i as u64 + 1, line, &mut sink);
    }
    parser.finish(&mut sink);
    sink
}

/// Feeds `lines` to `parser` in two sinks, cut before line index `cut`, the way the loader
/// feeds windows: the second sink's carried continuation lines are attached to the first
/// sink's last record. Returns all records and the number of lines accounted. For tests that
/// results do not depend on where an input is cut.
pub fn parse_in_two<'a, P: LineParser + ?Sized>(
    parser: &mut P,
    lines: &'a [String],
    cut: usize,
) -> (Vec<Record<'a>>, u64) {
    let mut a = Sink::new();
    let mut b = Sink::new();
    for (i, line) in lines.iter().enumerate() {
        parser.parse_line(i as u64 + 1, line, if i < cut { &mut a } else { &mut b });
    }
    parser.finish(&mut b);
    let total = a.counts.total() + b.counts.total();
    if let Some(last) = a.records.last_mut() {
        last.continuation.append(&mut b.carried_continuation);
    }
    a.records.append(&mut b.records);
    (a.records, total)
}

/// The physical lines of `text`: split on `\n`, a trailing `\r` removed, no empty last line
/// after a final newline.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    // Line ends found by memchr's vectorised search (`str::split` costs more per line).
    let mut ends = memchr::memchr_iter(b'\n', body.as_bytes());
    let (mut start, mut done) = (0, text.is_empty());
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = ends.next().unwrap_or_else(|| {
            done = true;
            body.len()
        });
        // `\n` is ASCII: `start` and `end` are char boundaries.
        let line = &body[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn split_lines_is_split_on_line_feeds(text in "[a\r\n\u{e9}]{0,24}") {
            let body = text.strip_suffix('\n').unwrap_or(&text);
            let expected: Vec<&str> = if text.is_empty() {
                Vec::new()
            } else {
                body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
            };
            proptest::prop_assert_eq!(split_lines(&text).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn split_lines_counts_physical_lines() {
        assert_eq!(split_lines("").count(), 0);
        assert_eq!(split_lines("a").collect::<Vec<_>>(), ["a"]);
        assert_eq!(split_lines("a\n").collect::<Vec<_>>(), ["a"]);
        assert_eq!(split_lines("a\r\n\nb").collect::<Vec<_>>(), ["a", "", "b"]);
        assert_eq!(split_lines("\n").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn glimpses_keep_their_place_and_their_continuation_lines() {
        let skimmed: Arc<[(&'static str, &'static str)]> = Arc::from([("auth", "ssh-failed")]);
        let mut sink = Sink::skimming(skimmed);
        assert!(sink.skims("auth", "ssh-failed"));
        assert!(!sink.skims("auth", "ssh-login"));
        assert!(sink.skims("auth", "ssh-failed"), "the cached answer is the same");
        sink.event(Record::new(1, RawTime::None, "auth", "ssh-login", "a"));
        sink.glimpse(2, RawTime::None, "auth", "ssh-failed", None);
        sink.continuation("belongs to line 2, dropped with it");
        sink.event(Record::new(4, RawTime::None, "auth", "ssh-login", "b"));
        sink.continuation("belongs to line 4");
        assert_eq!(sink.glimpses.len(), 1);
        assert_eq!((sink.glimpses[0].line, sink.glimpses[0].after), (2, 1));
        assert!(sink.records[0].continuation.is_empty());
        assert_eq!(sink.records[1].continuation, ["belongs to line 4"]);
        assert_eq!(sink.counts.events, 3);
        assert_eq!(sink.counts.total(), 5);
        assert!(!Sink::new().skims("auth", "ssh-failed"), "a plain sink skims nothing");
    }

    #[test]
    fn continuation_without_record_is_carried() {
        let mut sink = Sink::new();
        sink.continuation("    at x");
        assert_eq!(sink.carried_continuation.len(), 1);
        sink.event(Record::new(2, RawTime::None, "pm2", "log", "m"));
        sink.continuation("    at y");
        assert_eq!(sink.records[0].continuation, ["    at y"]);
        assert_eq!(sink.counts.total(), 3);
    }
}
