//! Evidence loading: walk the paths given, open compressed files and archives in place
//! (streamed, never extracted), hash every input, sniff its format, and feed its lines to
//! the format's parser in bounded windows.
//!
//! The result is one [`Bundle`] per evidence argument, holding every input found in it
//! (parsed, skipped with a reason, or failed with a reason) and their events with raw,
//! unresolved times. The clock resolves times afterwards, once the whole bundle (and its
//! manifest, wherever it sat in an archive) is known.

mod archive;
mod copies;
pub mod manifest;
mod pipe;
mod progress;
pub mod retain;
mod tap;
mod walk;
pub mod window;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use postmortem_parsers::sniff::{sniff, SNIFF_BYTES};
use postmortem_parsers::{
    split_lines, FieldValue, Format, Glimpse, LineCounts, LineParser, RawTime, Record, Sink,
};
use rayon::prelude::*;

use crate::clock::{BootStamp, OrderCheck, TimeDigest, YearTracker};
use crate::event::{Event, Provenance};
pub use copies::count_once;
pub use manifest::Manifest;
pub use progress::Progress;
pub use retain::Retention;
pub use tap::{Tap, TapFn};
use window::Windows;

/// How many unparsed-line entries are kept per input (the count stays exact beyond it).
pub const MAX_UNPARSED_KEPT: usize = 1000;

/// Where an input's modification time came from, most trusted first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MtimeSource {
    /// The bundle's manifest.json.
    Manifest,
    /// The tar member header.
    TarHeader,
    /// The zip entry.
    ZipEntry,
    /// The gzip header's MTIME.
    GzipHeader,
    /// The file system of this machine (copying evidence may have changed it).
    Filesystem,
}

impl MtimeSource {
    /// How reports name it.
    pub fn label(self) -> &'static str {
        match self {
            MtimeSource::Manifest => "manifest",
            MtimeSource::TarHeader => "tar header",
            MtimeSource::ZipEntry => "zip entry",
            MtimeSource::GzipHeader => "gzip header",
            MtimeSource::Filesystem => "file system",
        }
    }
}

/// A modification time and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mtime {
    /// The time.
    pub time: DateTime<Utc>,
    /// Its origin.
    pub source: MtimeSource,
}

/// The identity of a (source, kind) pair of `&'static str`s: same address and length, same text.
type KindId = (usize, usize, usize, usize);

/// What became of an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputStatus {
    /// Parsed with its format's parser.
    Parsed,
    /// An archive; its members are inputs of their own.
    Archive,
    /// The bundle's manifest.json, read for mtimes and the time zone.
    Manifest,
    /// Not evidence postmortem understands; the reason says why.
    Skipped(String),
    /// Could not be read; the reason says what failed and what to do.
    Failed(String),
}

/// One input: a file, or a member of an archive.
#[derive(Debug)]
pub struct Input {
    /// Display path: relative to the evidence argument; `archive!/member` inside archives.
    pub file: String,
    /// Path relative to the bundle root, as a manifest names it.
    pub bundle_path: String,
    /// SHA-256 of the input's bytes as stored (compressed bytes for a `.gz` file).
    pub sha256: String,
    /// Size in bytes as stored.
    pub size: u64,
    /// The format it was parsed as.
    pub format: Option<Format>,
    /// What became of it.
    pub status: InputStatus,
    /// Why this format: the sniffer's words, or `--as`.
    pub format_reason: String,
    /// Modification time, if known.
    pub mtime: Option<Mtime>,
    /// Line counts by class.
    pub counts: LineCounts,
    /// Unparsed lines (at most [`MAX_UNPARSED_KEPT`]).
    pub unparsed: Vec<UnparsedLine>,
    /// Lines longer than the read window, cut to it.
    pub truncated_lines: Vec<u64>,
    /// Events kept (see [`Retention`]), in file order; times are resolved by the clock.
    pub events: Vec<Event>,
    /// The year rule's state over every year-less record read (kept or not).
    pub years: YearTracker,
    /// The times of the records not kept, for the span and the clock's notes.
    pub digest: TimeDigest,
    /// Whether the records (kept or not) came in time order (for the streamed timeline).
    pub order: OrderCheck,
    /// Records not kept that date a boot, with their resolved times (set by the clock).
    pub boot_stamps: Vec<(DateTime<Utc>, BootStamp)>,
    /// Whether the last record read was kept (continuation lines follow their record).
    last_kept: bool,
    /// The PM2 process names of the records not kept, each once (the inventory is inferred
    /// from every name the evidence mentions).
    pub processes_not_kept: Vec<String>,
    /// The records not kept, counted by (source, kind), in first-seen order (what a report
    /// that shows only the kept events says it left out).
    pub not_kept: Vec<NotKept>,
    /// Events a tap has read, to be refilled with the next records (see [`Tap`]).
    spare_events: Vec<Event>,
    /// Retention decisions by (source, kind) identity: an input has few distinct kinds, and
    /// comparing two pointers is cheaper than comparing the strings of every pair.
    keep_cache: Vec<(KindId, bool)>,
    /// Assumptions made reading this input (time zone, year), in words.
    pub assumptions: Vec<String>,
    /// The parsed manifest, when this input is a bundle's manifest.json.
    pub manifest: Option<Manifest>,
    /// Records read, kept or not.
    pub event_count: u64,
    /// Earliest and latest resolved event time.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Input {
    fn new(file: String, bundle_path: String) -> Input {
        Input {
            file,
            bundle_path,
            sha256: String::new(),
            size: 0,
            format: None,
            status: InputStatus::Parsed,
            format_reason: String::new(),
            mtime: None,
            counts: LineCounts::default(),
            unparsed: Vec::new(),
            truncated_lines: Vec::new(),
            events: Vec::new(),
            years: YearTracker::default(),
            digest: TimeDigest::default(),
            order: OrderCheck::default(),
            boot_stamps: Vec::new(),
            last_kept: false,
            processes_not_kept: Vec::new(),
            not_kept: Vec::new(),
            spare_events: Vec::new(),
            keep_cache: Vec::new(),
            assumptions: Vec::new(),
            manifest: None,
            event_count: 0,
            span: None,
        }
    }

    fn failed(file: String, reason: String) -> Input {
        let mut input = Input::new(file.clone(), file);
        input.status = InputStatus::Failed(reason);
        input
    }

    /// `retention.keeps(source, kind)`, remembered per (source, kind) identity.
    fn keeps(&mut self, retention: &Retention, source: &'static str, kind: &'static str) -> bool {
        let id: KindId = (source.as_ptr() as usize, source.len(), kind.as_ptr() as usize, kind.len());
        if let Some(&(_, keep)) = self.keep_cache.iter().find(|(known, _)| *known == id) {
            return keep;
        }
        let keep = retention.keeps(source, kind);
        self.keep_cache.push((id, keep));
        keep
    }

    /// Takes one parsed record, in the order the parser gave them: observes its year,
    /// then keeps it as an event or counts it and folds its time into the digest.
    /// Returns whether it was kept.
    pub fn take(&mut self, record: Record<'_>, provenance: &Arc<Provenance>, retention: &Retention) -> bool {
        let shift = self.count(record.time);
        self.order.observe(&record, shift);
        let monotonic = || match record.field("monotonic_us") {
            Some(FieldValue::Int(us)) => Some(*us),
            _ => None,
        };
        // Times since boot alone need the dating step, which works on events.
        self.last_kept = self.keeps(retention, record.source, record.kind)
            || (record.time == RawTime::None && monotonic().is_some());
        if self.last_kept {
            let mut event = match self.spare_events.pop() {
                Some(mut spare) => {
                    spare.refill(record, provenance);
                    spare
                }
                None => Event::from_record(record, provenance),
            };
            event.year_shift = shift;
            self.events.push(event);
        } else {
            let boot_id = record.field("boot_id").and_then(FieldValue::as_str);
            self.digest.observe(record.time, record.line, shift, monotonic().map(|us| (us, boot_id)));
            self.tally_not_kept(record.source, record.kind);
            if let Some(process) = record.process.as_deref() {
                self.remember_process(process);
            }
        }
        self.last_kept
    }

    /// Takes one glimpsed record (a kind the retention skims): counted, its year observed,
    /// its time folded into the digest, its process remembered — what [`Input::take`] does
    /// with a record it does not keep.
    fn take_glimpse(&mut self, glimpse: Glimpse<'_>) {
        let shift = self.count(glimpse.time);
        self.last_kept = false;
        self.order.observe_glimpse(glimpse.time, glimpse.line, shift);
        self.digest.observe(glimpse.time, glimpse.line, shift, None);
        self.tally_not_kept(glimpse.source, glimpse.kind);
        if let Some(process) = glimpse.process.as_deref() {
            self.remember_process(process);
        }
    }

    /// Counts one record read (kept or not) and gives the year rule its time: the record's
    /// year shift (0 for times with a year).
    fn count(&mut self, time: RawTime) -> i32 {
        self.event_count += 1;
        match time {
            RawTime::NoYear { month, day, .. } => self.years.observe(month, day),
            _ => 0,
        }
    }

    /// Counts one record not kept under its (source, kind). The last entry is checked first:
    /// records of a kind come in runs.
    fn tally_not_kept(&mut self, source: &'static str, kind: &'static str) {
        let same = |n: &NotKept| std::ptr::eq(n.source, source) && std::ptr::eq(n.kind, kind);
        if let Some(last) = self.not_kept.last_mut().filter(|n| same(n)) {
            last.count += 1;
            return;
        }
        let at = self.not_kept.iter().position(|n| same(n) || (n.source == source && n.kind == kind));
        match at {
            Some(i) => self.not_kept[i].count += 1,
            None => self.not_kept.push(NotKept { source, kind, count: 1 }),
        }
    }

    /// Remembers the PM2 process name of a record not kept.
    fn remember_process(&mut self, process: &str) {
        if !self.processes_not_kept.iter().any(|p| p == process) {
            self.processes_not_kept.push(process.to_string());
        }
    }

    fn skipped(file: String, reason: String) -> Input {
        let mut input = Input::new(file.clone(), file);
        input.status = InputStatus::Skipped(reason);
        input
    }
}

/// Records of one (source, kind) an input read and did not keep (see [`Retention`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotKept {
    /// The records' source.
    pub source: &'static str,
    /// Their kind.
    pub kind: &'static str,
    /// How many.
    pub count: u64,
}

/// A line no parser understood, with why and (the start of) its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnparsedLine {
    /// 1-based physical line.
    pub line: u64,
    /// The parser's reason.
    pub reason: &'static str,
    /// The line's text, cut to [`UNPARSED_TEXT_CHARS`] characters.
    pub text: String,
}

/// How much of an unparsed line's text is kept.
pub const UNPARSED_TEXT_CHARS: usize = 200;

/// Everything read from one evidence argument.
#[derive(Debug)]
pub struct Bundle {
    /// The argument as given.
    pub argument: String,
    /// Its inputs, in a deterministic order (sorted paths; archive order inside archives).
    pub inputs: Vec<Input>,
    /// The manifest at the bundle's root, if any.
    pub manifest: Option<Manifest>,
}

/// How to load evidence.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Read window in bytes (memory per input being read).
    pub window: usize,
    /// `--as GLOB=FORMAT`: formats forced by path.
    pub forced: Vec<(globset::GlobMatcher, Format)>,
    /// Which records are kept as events.
    pub retention: Retention,
    /// Keep each event's first line as written (`Event::raw`).
    pub raw_lines: bool,
    /// Hand events to this tap as they are read instead of keeping them (see [`Tap`]).
    pub tap: Option<Tap>,
    /// Hash every input (SHA-256 of its bytes as stored). Off only for a re-read whose hashes
    /// a first read already has (the streamed timeline's second pass): inputs are then left
    /// without `sha256` and `size`.
    pub hash: bool,
    /// Count the bytes of evidence files read here (for a progress bar).
    pub progress: Option<Progress>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            window: window::DEFAULT_WINDOW,
            forced: Vec::new(),
            retention: Retention::All,
            raw_lines: false,
            tap: None,
            hash: true,
            progress: None,
        }
    }
}

impl LoadOptions {
    fn forced_format(&self, display: &str, bundle_path: &str) -> Option<Format> {
        self.forced
            .iter()
            .find(|(glob, _)| glob.is_match(display) || glob.is_match(bundle_path))
            .map(|(_, f)| *f)
    }
}

/// Loads one evidence argument (a file, an archive or a directory).
pub fn load(argument: &Path, options: &LoadOptions) -> Bundle {
    let argument_text = argument.display().to_string();
    let mut bundle = Bundle { argument: argument_text.clone(), inputs: Vec::new(), manifest: None };
    let meta = match fs::metadata(argument) {
        Ok(m) => m,
        Err(e) => {
            bundle.inputs.push(Input::failed(
                argument_text,
                format!("cannot read {}: {}", argument.display(), io_words(&e)),
            ));
            return bundle;
        }
    };
    if meta.is_dir() {
        let loaded: Vec<Vec<Input>> = walk_sorted(argument)
            .into_par_iter()
            .map(|(rel, entry)| match entry {
                walk::Found::File(path) => load_file(&path, rel, options),
                walk::Found::Noted(input) => vec![*input],
            })
            .collect();
        bundle.inputs.extend(loaded.into_iter().flatten());
    } else if !meta.is_file() {
        let why = walk::special_file(&meta.file_type()).unwrap_or("not a regular file");
        bundle.inputs.push(Input::skipped(argument_text, format!("{why}: skipped, never opened")));
    } else {
        let name = argument
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| argument_text.clone());
        bundle.inputs.extend(load_file(argument, name, options));
    }
    bundle.manifest = find_manifest(&mut bundle.inputs);
    bundle
}

/// The entries of a directory argument, sorted by path (the order of its inputs).
fn walk_sorted(argument: &Path) -> Vec<(String, walk::Found)> {
    let mut found = Vec::new();
    let root = fs::canonicalize(argument).unwrap_or_else(|_| argument.to_path_buf());
    walk::walk(&root, argument, argument, &mut found);
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// What [`load`] reads for `argument`, in the order of the bundle's inputs: each entry gives
/// one or more inputs (a file and, for an archive, its members), and is either a file to read
/// with [`load_one`] or `None` for an entry giving one input that is never read (a link
/// leaving the bundle, a FIFO, a path that cannot be read).
pub fn entries(argument: &Path) -> Vec<(String, Option<std::path::PathBuf>)> {
    let display = argument.display().to_string();
    match fs::metadata(argument) {
        Ok(meta) if meta.is_dir() => walk_sorted(argument)
            .into_iter()
            .map(|(rel, entry)| match entry {
                walk::Found::File(path) => (rel, Some(path)),
                walk::Found::Noted(input) => (input.file, None),
            })
            .collect(),
        Ok(meta) if meta.is_file() => {
            let name = argument.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(display);
            vec![(name, Some(argument.to_path_buf()))]
        }
        _ => vec![(display, None)],
    }
}

/// Reads one file entry of [`entries`] again: its inputs, as [`load`] gives them (before the
/// bundle's manifest applies its mtimes).
pub fn load_one(path: &Path, display: String, options: &LoadOptions) -> Vec<Input> {
    load_file(path, display, options)
}

/// True for a path inside a `.git` directory that is not a reflog (`.git/logs/**`): objects,
/// index, packs and refs hold no times, so a bundle's repository is read for its reflogs only.
pub(crate) fn git_internal(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.iter().position(|p| *p == ".git") {
        Some(i) => parts.get(i + 1) != Some(&"logs") || i + 2 >= parts.len(),
        None => false,
    }
}

/// An I/O error in plain words.
pub(crate) fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory (check the path)".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied (run as a user who can read it)".into(),
        _ => e.to_string(),
    }
}

/// Loads one file on disk: a plain input, a compressed one, or an archive of inputs.
fn load_file(path: &Path, display: String, options: &LoadOptions) -> Vec<Input> {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![Input::failed(display, format!("cannot open: {}", io_words(&e)))],
    };
    let metadata = file.metadata();
    if let Ok(m) = &metadata {
        if !m.is_file() {
            // Replaced by something else since the walk looked at it.
            let why = walk::special_file(&m.file_type()).unwrap_or("not a regular file");
            return vec![Input::skipped(display, format!("{why}: skipped"))];
        }
    }
    let mtime = metadata
        .and_then(|m| m.modified())
        .ok()
        .map(|t| Mtime { time: DateTime::<Utc>::from(t), source: MtimeSource::Filesystem });
    let mut out = Vec::new();
    archive::load_stream(
        archive::Source::File(file),
        archive::Member { display: display.clone(), bundle_path: display, mtime },
        options,
        0,
        &mut out,
    );
    out
}

/// Loads `bytes` as if they were one file of a bundle (compressed layers, archives, every
/// member sniffed and parsed), then checks that every parsed input's lines add up.
///
/// The entry point of the `evidence` fuzz target and of the test replaying its corpus; not
/// part of the API.
///
/// # Panics
/// When an input's line accounting does not add up (checked in `parse_stream` in builds with
/// debug assertions, as fuzz and test builds are), or a parsed input has no format or no hash.
#[doc(hidden)]
pub fn fuzz_load(bytes: &[u8]) {
    let options = LoadOptions { window: 4096, ..LoadOptions::default() };
    let mut out = Vec::new();
    let member =
        archive::Member { display: "fuzz-input".into(), bundle_path: "fuzz-input".into(), mtime: None };
    archive::load_stream(archive::Source::Stream(&mut &bytes[..]), member, &options, 0, &mut out);
    let mut bundles = [Bundle { argument: "fuzz-input".into(), inputs: out, manifest: None }];
    count_once(&mut bundles);
    for input in &bundles[0].inputs {
        if input.status == InputStatus::Parsed {
            assert!(input.format.is_some(), "{}: parsed without a format", input.file);
            assert_eq!(input.sha256.len(), 64, "{}: a parsed input is hashed", input.file);
        }
    }
}

/// Parses one plain (decompressed) input stream into `input`.
pub(crate) fn parse_stream(
    reader: &mut dyn Read,
    input: &mut Input,
    options: &LoadOptions,
) -> std::io::Result<()> {
    // Windows are handed out at 1 MiB of whole lines (the capacity still decides which lines
    // are cut): records borrow from the window, so memory follows the handout, not the
    // capacity.
    let mut windows = Windows::new(reader, options.window).soft_limit(tap::WINDOW);
    let forced = options.forced_format(&input.file, &input.bundle_path);
    let mut parser = None;
    let provenance = Arc::new(Provenance { file: input.file.clone(), sha256: String::new() });
    while let Some((first_line, window)) = windows.next_window()? {
        if let (Some(sequential), Some(format)) = (parser.as_mut(), input.format) {
            if parallel() && format.has_resumed_parser() {
                // Every window after the first: in parallel batches, checked in order.
                let window = (first_line, window.to_vec());
                parse_in_parallel(window, &mut windows, input, options, &provenance, sequential)?;
                break;
            }
        }
        let parser = match &mut parser {
            Some(p) => p,
            None => {
                let format = match forced {
                    Some(f) => {
                        input.format_reason = "forced with --as".into();
                        Some(f)
                    }
                    None => {
                        let head = &window[..window.len().min(SNIFF_BYTES)];
                        let sniffed = sniff(head, &input.file);
                        input.format_reason = sniffed.reason;
                        sniffed.format
                    }
                };
                match format {
                    Some(f) => {
                        input.format = Some(f);
                        parser.insert(f.parser(&input.file))
                    }
                    None => {
                        input.status = InputStatus::Skipped(input.format_reason.clone());
                        return Ok(());
                    }
                }
            }
        };
        let text = decode(window);
        let room = MAX_UNPARSED_KEPT.saturating_sub(input.unparsed.len());
        let parsed = parse_window(parser.as_mut(), first_line, &text, room, options);
        absorb(parsed, input, &provenance, &options.retention);
        Tap::drain(options.tap.as_ref(), input, false);
    }
    match &mut parser {
        Some(parser) => {
            let mut sink = Sink::new();
            parser.finish(&mut sink);
            let finished = ParsedWindow { sink, unparsed_texts: Vec::new(), raw: RawLines::default() };
            absorb(finished, input, &provenance, &options.retention);
        }
        None => {
            // Empty input: only the name can say what it was meant to be.
            let sniffed = sniff(b"", &input.file);
            input.format = forced.or(sniffed.format);
            input.format_reason = if forced.is_some() { "forced with --as".into() } else { sniffed.reason };
            if input.format.is_none() {
                input.status = InputStatus::Skipped(input.format_reason.clone());
            }
        }
    }
    if input.status == InputStatus::Parsed {
        debug_assert_eq!(
            input.counts.total(),
            windows.lines(),
            "{}: every line read is accounted",
            input.file
        );
    }
    input.truncated_lines = windows.truncated_lines.clone();
    // Records can be pushed out of line order (a banner completed later): file order it is.
    input.events.sort_by_key(|e| e.line);
    Ok(())
}

/// Windows parsed together in one parallel batch, per worker thread.
const WINDOWS_PER_THREAD: usize = 2;

/// Whether more than one worker thread runs.
pub(crate) fn parallel() -> bool {
    rayon::current_num_threads() > 1
}

/// A window's text: valid UTF-8 (nearly all logs) is borrowed as is — `from_utf8` checks
/// ASCII a word at a time, several times faster than the lossy decoder it falls back to.
fn decode(window: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(window) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(window),
    }
}

/// One window parsed: the records (borrowing its text), the start of its first unparsed lines
/// (at most the room left), and its lines as written when they are kept.
struct ParsedWindow<'t> {
    sink: Sink<'t>,
    unparsed_texts: Vec<String>,
    raw: RawLines<'t>,
}

/// Feeds every line of `text` (starting at `first_line`) to `parser`.
fn parse_window<'t>(
    parser: &mut dyn LineParser,
    first_line: u64,
    text: &'t str,
    room: usize,
    options: &LoadOptions,
) -> ParsedWindow<'t> {
    let mut sink = Sink::skimming(options.retention.skimmed());
    // Room for a typical window's lines (100–300 bytes each), so the lists do not grow (and
    // move their records) a dozen times per window.
    let expected = text.len() / 160;
    if sink.skims_anything() {
        sink.glimpses.reserve(expected);
    } else {
        sink.records.reserve(expected);
    }
    let mut unparsed_texts = Vec::new();
    let mut raw = RawLines { first_line, lines: Vec::new() };
    for (i, line) in split_lines(text).enumerate() {
        if options.raw_lines {
            raw.lines.push(line);
        }
        let before = sink.unparsed.len();
        parser.parse_line(first_line + i as u64, line, &mut sink);
        if sink.unparsed.len() > before && unparsed_texts.len() < room {
            unparsed_texts.push(line.chars().take(UNPARSED_TEXT_CHARS).collect::<String>());
        }
    }
    ParsedWindow { sink, unparsed_texts, raw }
}

/// Parses `first` and the rest of `windows` in parallel batches, each window speculatively
/// with a resumed parser (see `Format::resumed_parser`), absorbing them in file order.
///
/// A window's speculative result is the one reading in order would give when the parser of
/// the window before it ended settled (`LineParser::is_settled`; always, for formats whose
/// lines are independent). When it did not (a record held back across the cut: a sudo line
/// waiting for its continuation, an open OOM report), the window is parsed again in order by
/// that parser. `parser` is the parser that read the window before `first`; on return it is
/// the parser that read the last window (the caller finishes it).
fn parse_in_parallel(
    first: (u64, Vec<u8>),
    windows: &mut Windows<&mut dyn Read>,
    input: &mut Input,
    options: &LoadOptions,
    provenance: &Arc<Provenance>,
    parser: &mut Box<dyn LineParser + Send>,
) -> std::io::Result<()> {
    let Some(format) = input.format else { return Ok(()) };
    let file = input.file.clone();
    let settled = |p: &dyn LineParser| format.is_line_independent() || p.is_settled();
    let mut next = Some(first);
    // Window copies are reused from batch to batch: a fresh 8 MiB buffer per window would be
    // mapped, faulted in and zeroed page by page each time.
    let mut spare: Vec<Vec<u8>> = Vec::new();
    // A read error (a truncated gzip) ends the input after the windows read before it.
    let mut failed = None;
    loop {
        let mut batch: Vec<(u64, Vec<u8>)> = next.take().into_iter().collect();
        while failed.is_none() && batch.len() < WINDOWS_PER_THREAD * rayon::current_num_threads() {
            match windows.next_window() {
                Ok(Some((first_line, window))) => {
                    let mut copy = spare.pop().unwrap_or_default();
                    copy.clear();
                    copy.extend_from_slice(window);
                    batch.push((first_line, copy));
                }
                Ok(None) => break,
                Err(e) => failed = Some(e),
            }
        }
        if batch.is_empty() {
            return failed.map_or(Ok(()), Err);
        }
        let texts: Vec<(u64, std::borrow::Cow<'_, str>)> =
            batch.iter().map(|(n, w)| (*n, decode(w))).collect();
        let room = MAX_UNPARSED_KEPT.saturating_sub(input.unparsed.len());
        let speculated: Vec<(Box<dyn LineParser + Send>, ParsedWindow<'_>)> = texts
            .par_iter()
            .map(|(first_line, text)| {
                let mut resumed = format.resumed_parser(&file).unwrap_or_else(|| format.parser(&file));
                let parsed = parse_window(resumed.as_mut(), *first_line, text, room, options);
                (resumed, parsed)
            })
            .collect();
        for ((resumed, parsed), (first_line, text)) in speculated.into_iter().zip(&texts) {
            if settled(parser.as_ref()) {
                *parser = resumed;
                absorb(parsed, input, provenance, &options.retention);
            } else {
                let room = MAX_UNPARSED_KEPT.saturating_sub(input.unparsed.len());
                let parsed = parse_window(parser.as_mut(), *first_line, text, room, options);
                absorb(parsed, input, provenance, &options.retention);
            }
            Tap::drain(options.tap.as_ref(), input, false);
        }
        drop(texts);
        spare.extend(batch.into_iter().map(|(_, copy)| copy));
    }
}

/// Moves a window's records into the input as events.
fn absorb(parsed: ParsedWindow<'_>, input: &mut Input, provenance: &Arc<Provenance>, retention: &Retention) {
    let ParsedWindow { sink, unparsed_texts: texts, raw } = parsed;
    input.counts.add(&sink.counts);
    if !sink.carried_continuation.is_empty() && input.last_kept {
        if let Some(last) = input.events.last_mut() {
            last.append_detail(sink.carried_continuation.into_iter().map(|c| c.into_owned()));
        }
    }
    let room = MAX_UNPARSED_KEPT.saturating_sub(input.unparsed.len());
    let mut texts = texts.into_iter();
    input.unparsed.extend(sink.unparsed.into_iter().take(room).map(|u| UnparsedLine {
        line: u.line,
        reason: u.reason,
        text: texts.next().unwrap_or_default(),
    }));
    // Records and glimpses, in the order the parser pushed them (the year rule and the digest
    // see every record in that order).
    let mut glimpses = sink.glimpses.into_iter().peekable();
    for (i, record) in sink.records.into_iter().enumerate() {
        while let Some(glimpse) = glimpses.next_if(|g| g.after <= i) {
            input.take_glimpse(glimpse);
        }
        let line = raw.get(record.line);
        if input.take(record, provenance, retention) {
            if let (Some(event), Some(line)) = (input.events.last_mut(), line) {
                event.raw = Some(line.into());
            }
        }
    }
    glimpses.for_each(|glimpse| input.take_glimpse(glimpse));
}

/// The physical lines of the window being read, when raw lines are kept.
#[derive(Default)]
struct RawLines<'t> {
    /// The window's first line number.
    first_line: u64,
    /// Its lines (empty when raw lines are not kept).
    lines: Vec<&'t str>,
}

impl RawLines<'_> {
    /// Line `line` as written, when it is in this window (a record completed in a later
    /// window than its first line has none).
    fn get(&self, line: u64) -> Option<&str> {
        let i = usize::try_from(line.checked_sub(self.first_line)?).ok()?;
        self.lines.get(i).copied()
    }
}

/// Gives every event of `input` its final provenance (the hash is known only at the end).
fn seal(input: &mut Input) {
    let provenance = Arc::new(Provenance { file: input.file.clone(), sha256: input.sha256.clone() });
    for event in &mut input.events {
        event.provenance = Arc::clone(&provenance);
    }
}

/// Finds the manifest at the bundle's root among the inputs and applies its mtimes.
fn find_manifest(inputs: &mut [Input]) -> Option<Manifest> {
    let (root, manifest) = inputs.iter().find_map(|input| {
        let manifest = input.manifest.as_ref()?;
        Some((manifest_root(&input.bundle_path), manifest.clone()))
    })?;
    for input in inputs.iter_mut() {
        let Some(inside) = input.bundle_path.strip_prefix(&root) else { continue };
        if let Some(time) = manifest.file(inside).and_then(|f| f.mtime) {
            input.mtime = Some(Mtime { time, source: MtimeSource::Manifest });
        }
    }
    Some(manifest)
}

/// The directory prefix (with trailing `/`, or empty) of a manifest's bundle path.
fn manifest_root(bundle_path: &str) -> String {
    match bundle_path.rfind('/') {
        Some(i) => bundle_path[..=i].to_string(),
        None => String::new(),
    }
}

/// Whether a bundle path names a manifest at a bundle root: `manifest.json` at the top, or
/// one directory down inside an archive (`bundle-2026-02-17/manifest.json`).
fn is_root_manifest(bundle_path: &str) -> bool {
    let path = bundle_path.trim_start_matches("./");
    path == manifest::MANIFEST_NAME
        || path
            .strip_suffix(manifest::MANIFEST_NAME)
            .and_then(|dir| dir.strip_suffix('/'))
            .is_some_and(|dir| !dir.is_empty() && !dir.contains('/') && !dir.contains('!'))
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// An empty parsed input named `file`, for tests of later stages.
    pub fn input(file: &str) -> super::Input {
        super::Input::new(file.into(), file.into())
    }
}
