//! Host state snapshots: `df` and `free` output, alone or inside the runbook's incident-state
//! file (`/tmp/incident-state-YYYYMMDD-HHMMSS.txt`, sections `=== PM2 List ===`,
//! `=== Disk Space ===`, `=== Memory ===`, `=== Recent Git Commits ===`).
//!
//! ```text
//! line        = blank / section / command / border / df-header / df-row / df-device
//!             / free-header / free-row / other
//! blank       = *WSP                                     ; structural
//! section     = 3*"=" SP name SP 3*"="                   ; structural: `=== Disk Space ===`
//! command     = ["$ " / "# " / "+ "] ("df" / "free") *(SP arg)  ; structural echo of a command;
//!                                                        ; free's unit options are remembered
//! border      = 1*(box-drawing / "+" / "-" / "=" / "|" / SP)    ; structural (pm2 list borders)
//! df-header   = "Filesystem" [SP "Type"] SP size-col SP used-col SP avail-col SP pct-col
//!               SP "Mounted on"                          ; structural; decides the df mode
//! size-col    = "Size" / "1K-blocks" / "1024-blocks" / N "-blocks" / "Inodes"
//! pct-col     = "Use%" / "IUse%" / "Capacity"
//! df-row      = fs 1*SP [type 1*SP] size 1*SP used 1*SP avail 1*SP pct 1*SP mount
//! df-device   = fs                                       ; old df: a long device name alone,
//!                                                        ; the numbers on the next, indented line
//! pct         = 1*DIGIT "%" / "-"
//! free-header = 1*SP "total" 1*SP "used" 1*SP "free" *(1*SP column)   ; structural
//! free-row    = ("Mem:" / "Swap:" / "-/+ buffers/cache:" / "Total:" / "Low:" / "High:") 1*(1*SP value)
//! value       = number [unit]                            ; 23Gi 925Mi 8.6Mi 0B 7.7G 24105 8,6Mi
//! ```
//!
//! # Records
//!
//! Source [`SOURCE`] (`host`). The lines carry no time: [`HostSnapshotParser::for_path`] takes
//! it from a `YYYYMMDD-HHMMSS` stamp ending the file name (`incident-state-20260217-143500.txt`
//! → [`RawTime::Local`] 2026-02-17 14:35:00, the zone left to the clock); without one every
//! record is [`RawTime::None`].
//!
//! * [`DISK_USAGE`], one per df row: `filesystem`, `mount`, `fs_type` (`df -T`), then `size`,
//!   `used`, `avail` as written and `use_percent` (Int; absent for `-`), or for `df -i`
//!   `inodes`, `inodes_used`, `inodes_free` as written and `inode_use_percent`; then `units`
//!   (the size column's header: `Size`, `1K-blocks`, `1024-blocks`, `Inodes`). A wrapped row
//!   starts at the device line; its numbers line is a dropped continuation. A device line not
//!   followed by an indented numbers line becomes a [`SNAPSHOT_LINE`].
//! * [`MEMORY`], one per `free` snapshot, starting at its `Mem:` line: `total`, `used`, `free`,
//!   `available` as written, `available_bytes` (Int), `swap_total`, `swap_used`. The
//!   `Swap:`/`-/+ buffers/cache:`/`Total:` lines are dropped continuation (folded into
//!   fields). Old procps (no `available` column): `available` is the `-/+ buffers/cache:` free
//!   value. `available_bytes` needs a unit: a suffix (`B`, `K`/`Ki`, `M`/`Mi`, `G`/`Gi`, `T`/`Ti`,
//!   `P`/`Pi`: powers of 1024, or of 1000 after an echoed `free --si`), or for bare numbers the
//!   unit of an echoed `free` command (`-b`, `-k` or none, `-m`, `-g`, `--kilo`, …). Bare
//!   numbers with no echoed command have no `available_bytes`. A decimal comma is read.
//! * [`SNAPSHOT_LINE`], one per other non-blank, non-border line of a section (a box-table line
//!   that is no PM2 process row, error messages, lines of sections the runbook does not name):
//!   the line as `message`, field `section` (the section's name).
//!
//! # Embedded sections
//!
//! ```text
//! === PM2 List ===
//! ┌────┬──────────────────────┬─────────────┬─────────┬─────────┬──────────┬────────┬──────┬───────────┬──────────┬──────────┬──────────┬──────────┐
//! │ id │ name                 │ namespace   │ version │ mode    │ pid      │ uptime │ ↺    │ status    │ cpu      │ mem      │ user     │ watching │
//! ├────┼──────────────────────┼─────────────┼─────────┼─────────┼──────────┼────────┼──────┼───────────┼──────────┼──────────┼──────────┼──────────┤
//! │ 0  │ flyer-crawler-api    │ default     │ 0.9.1   │ cluster │ 0        │ 0      │ 15   │ errored   │ 0%       │ 0b       │ root     │ disabled │
//! └────┴──────────────────────┴─────────────┴─────────┴─────────┴──────────┴────────┴──────┴───────────┴──────────┴──────────┴──────────┴──────────┘
//!
//! === Recent Git Commits ===
//! 1148f25 Rename app.js; drop ecosystem file
//! ```
//!
//! * In a `=== PM2 List ===` section (name compared case-insensitively) every line goes through
//!   a [`TableReader`]: a process row is the `snapshot-process` record (source
//!   [`crate::pm2_snapshot::SOURCE`], `pm2`) that [`crate::pm2_table::row_record`] makes of a
//!   saved `pm2 list` — `process`, `pm_id`, `pid`, `user`, fields `status`, `restart_time`,
//!   `exec_mode`, … `snapshot` (`list`) — plus a last field `section`, dated with the file-name
//!   time above. Borders and headers are structural; any other line is read as elsewhere in a
//!   section (blank: structural, else [`SNAPSHOT_LINE`]).
//! * In a `=== Recent Git Commits ===` section every line goes to an embedded [`GitParser`]:
//!   `git log --oneline` lines (and any other `git log`/`git reflog` form) are its records
//!   (source [`crate::git::SOURCE`], `git`; kind `commit` or `reflog`) with git's own time — an
//!   `--oneline` commit is undated ([`RawTime::None`]): the file-name time is not given to it.
//!   A commit is held until the next one, the section's end or [`LineParser::finish`]. A line
//!   the git parser rejects ends the held commit and becomes a [`SNAPSHOT_LINE`] (`fatal: not
//!   a git repository …`).
//!
//! A line outside any section that is none of the above is unparsed ([`REASON_NOT_SNAPSHOT`],
//! or [`REASON_BAD_DF_ROW`] for a df row without the header's columns).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};
use nom::{
    bytes::complete::{tag, take_while, take_while1},
    sequence::{delimited, tuple},
    IResult,
};

use crate::git::GitParser;
use crate::pm2_table::{row_record, TableLine, TableReader};
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};

/// Source of every record of this parser.
pub const SOURCE: &str = "host";
/// One mount of a `df` snapshot.
pub const DISK_USAGE: &str = "disk-usage";
/// One `free` snapshot.
pub const MEMORY: &str = "memory";
/// A line of an incident-state section kept whole (error messages, lines of other sections, …).
pub const SNAPSHOT_LINE: &str = "snapshot-line";

/// Event kinds this parser emits with source [`SOURCE`], with what each means. The embedded
/// sections also emit those of [`crate::pm2_table::KINDS`] (source `pm2`) and
/// [`crate::git::KINDS`] (source `git`).
pub const KINDS: &[(&str, &str)] = &[
    (
        DISK_USAGE,
        "One df row: fields filesystem, mount, fs_type (df -T), size, used, avail (as written), \
         use_percent (Int); for df -i inodes, inodes_used, inodes_free, inode_use_percent; units \
         (the size column's header)",
    ),
    (
        MEMORY,
        "One free snapshot: fields total, used, free, available (as written), available_bytes \
         (Int, when the unit is known), swap_total, swap_used",
    ),
    (
        SNAPSHOT_LINE,
        "A line of an incident-state section kept whole (a box-table line that is no pm2 process \
         row, an error message, …); field section",
    ),
];

/// Unparsed reason: a line outside any section that is no df/free line.
pub const REASON_NOT_SNAPSHOT: &str = "not a df or free line";
/// Unparsed reason: a line after a df header without the header's columns.
pub const REASON_BAD_DF_ROW: &str = "df row without the header's columns";

/// File-name globs of host snapshots.
pub const NAME_HINTS: &[&str] = &["incident-state-*.txt", "df*.txt", "free*.txt"];

/// Section names of the runbook's incident-state file (what [`sniff_line`] accepts).
pub const RUNBOOK_SECTIONS: &[&str] = &["PM2 List", "Disk Space", "Memory", "Recent Git Commits"];

/// The section whose `pm2 list` table rows become `snapshot-process` records.
pub const PM2_LIST_SECTION: &str = "PM2 List";
/// The section whose lines are read as `git log` output.
pub const GIT_SECTION: &str = "Recent Git Commits";

/// True when `line` is a strong signature of a host snapshot: a df header (`Filesystem …
/// Mounted on` with a `Size`, `1K-blocks`, `1024-blocks` or `Inodes` column), a free header
/// (`total used free` then `shared`/`buffers`/`available`), a `Mem:` row with three or more
/// values, or one of the runbook's section headers ([`RUNBOOK_SECTIONS`]).
pub fn sniff_line(line: &str) -> bool {
    if df_header(line).is_some() || free_header(line).is_some() {
        return true;
    }
    if let Some(name) = section_header(line.trim()) {
        return RUNBOOK_SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(name));
    }
    matches!(free_row(line), Some((FreeRow::Mem, values)) if values.len() >= 3 && values.iter().all(|v| size_shaped(v)))
}

/// Parser for df/free snapshots and incident-state files (see the module docs).
#[derive(Debug)]
pub struct HostSnapshotParser {
    /// The snapshot time from the file name (or none).
    time: RawTime,
    /// The current `=== … ===` section.
    section: Option<String>,
    /// Which table the lines belong to.
    mode: Mode,
    /// Multiplier for bare `free` numbers, from an echoed `free` command.
    free_unit: Option<i64>,
    /// An echoed `free --si`: suffixes are powers of 1000.
    si: bool,
    /// The `free` record being read (its `Mem:` line already counted).
    memory: Option<Record<'static>>,
    /// An old-df device name waiting for its numbers (already counted).
    device: Option<(u64, String)>,
    /// What the current section holds.
    embedded: Embedded,
    /// The `pm2 list` table of a [`PM2_LIST_SECTION`].
    table: TableReader,
    /// The `git log` output of a [`GIT_SECTION`] (holds a commit across lines).
    git: GitParser,
}

impl Default for HostSnapshotParser {
    fn default() -> Self {
        HostSnapshotParser {
            time: RawTime::None,
            section: None,
            mode: Mode::None,
            free_unit: None,
            si: false,
            memory: None,
            device: None,
            embedded: Embedded::None,
            table: TableReader::new(),
            git: GitParser::default(),
        }
    }
}

/// Which embedded parser reads the current section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Embedded {
    None,
    Pm2List,
    Git,
}

#[derive(Debug, Clone)]
enum Mode {
    None,
    Df(DfHeader),
    Free(Vec<String>),
}

/// What a df header says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DfHeader {
    has_type: bool,
    inodes: bool,
    units: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FreeRow {
    Mem,
    Swap,
    BuffersCache,
    Other,
}

impl HostSnapshotParser {
    /// A parser for the snapshot at `path`: a `YYYYMMDD-HHMMSS` stamp ending the file name
    /// (after `-` or `_`, before the extension) dates every record as local time.
    pub fn for_path(path: &str) -> Self {
        HostSnapshotParser { time: snapshot_time(path).unwrap_or(RawTime::None), ..Default::default() }
    }

    /// The time every record gets.
    pub fn time(&self) -> RawTime {
        self.time
    }

    fn flush_memory(&mut self, sink: &mut Sink<'_>) {
        if let Some(r) = self.memory.take() {
            sink.push_pending(r);
        }
    }

    /// Pushes a device line that got no numbers as a plain line.
    fn flush_device(&mut self, sink: &mut Sink<'_>) {
        if let Some((line, text)) = self.device.take() {
            let mut r = Record::new(line, self.time, SOURCE, SNAPSHOT_LINE, text);
            if let Some(s) = &self.section {
                r.push_field("section", FieldValue::Str(Cow::Owned(s.clone())));
            }
            sink.push_pending(r);
        }
    }

    fn snapshot_line<'a>(&self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        match &self.section {
            Some(s) => {
                let r = Record::new(line_no, self.time, SOURCE, SNAPSHOT_LINE, text.trim_end())
                    .with("section", FieldValue::Str(Cow::Owned(s.clone())));
                sink.event(r);
            }
            None => sink.unparsed(line_no, REASON_NOT_SNAPSHOT),
        }
    }

    /// A free row while a `free` record is pending: folds it in. False when it is not one.
    fn fold_free_row(&mut self, text: &str) -> bool {
        let Some(record) = self.memory.as_mut() else { return false };
        let Some((row, values)) = free_row(text) else { return false };
        match row {
            FreeRow::Mem => return false,
            FreeRow::Swap => {
                if let Some(v) = values.first() {
                    record.push_field("swap_total", FieldValue::Str(Cow::Owned(v.to_string())));
                }
                if let Some(v) = values.get(1) {
                    record.push_field("swap_used", FieldValue::Str(Cow::Owned(v.to_string())));
                }
            }
            FreeRow::BuffersCache => {
                // Old procps: `-/+ buffers/cache: used free`; its free is the available memory.
                if record.field("available").is_none() {
                    if let Some(v) = values.get(1) {
                        record.push_field("available", FieldValue::Str(Cow::Owned(v.to_string())));
                        if let Some(n) = size_bytes(v, self.free_unit, self.si) {
                            record.push_field("available_bytes", n);
                        }
                    }
                }
            }
            FreeRow::Other => {}
        }
        true
    }

    fn memory_record(&self, line_no: u64, text: &str, values: &[&str]) -> Record<'static> {
        let default_cols = ["total", "used", "free", "shared", "buff/cache", "available"];
        let cols: Vec<&str> = match &self.mode {
            Mode::Free(c) => c.iter().map(String::as_str).collect(),
            _ => default_cols.to_vec(),
        };
        let get = |name: &str| cols.iter().position(|c| *c == name).and_then(|i| values.get(i)).copied();
        let owned = |v: &str| FieldValue::Str(Cow::Owned(v.to_string()));
        let mut r = Record::new(line_no, self.time, SOURCE, MEMORY, Cow::Owned(text.trim().to_string()));
        for key in ["total", "used", "free"] {
            if let Some(v) = get(key) {
                r.push_field(key, owned(v));
            }
        }
        if let Some(v) = get("available") {
            r.push_field("available", owned(v));
            if let Some(n) = size_bytes(v, self.free_unit, self.si) {
                r.push_field("available_bytes", n);
            }
        }
        r
    }

    fn df_record<'a>(
        &self,
        line_no: u64,
        fs: Cow<'a, str>,
        msg: Cow<'a, str>,
        v: DfValues<'a>,
        h: &DfHeader,
    ) -> Record<'a> {
        let mut r = Record::new(line_no, self.time, SOURCE, DISK_USAGE, msg);
        r.push_field("filesystem", FieldValue::Str(fs));
        r.push_field("mount", v.mount);
        if let Some(t) = v.fs_type {
            r.push_field("fs_type", t);
        }
        let pct = v.pct.strip_suffix('%').and_then(|p| p.parse::<i64>().ok());
        let (a, b, c, d) = if h.inodes {
            ("inodes", "inodes_used", "inodes_free", "inode_use_percent")
        } else {
            ("size", "used", "avail", "use_percent")
        };
        r.push_field(a, v.size);
        r.push_field(b, v.used);
        r.push_field(c, v.avail);
        if let Some(p) = pct {
            r.push_field(d, p);
        }
        r.push_field("units", FieldValue::Str(Cow::Owned(h.units.clone())));
        r
    }
}

impl LineParser for HostSnapshotParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some((dev_line, dev)) = self.device.take() {
            if let Mode::Df(h) = &self.mode {
                if text.starts_with([' ', '\t']) {
                    if let Some(v) = df_values(text.trim(), h.has_type) {
                        let msg = Cow::Owned(format!("{dev} {}", v.text));
                        let r = self.df_record(dev_line, Cow::Owned(dev), msg, v, h);
                        sink.push_pending(r);
                        sink.continuation_dropped();
                        return;
                    }
                }
            }
            self.device = Some((dev_line, dev));
            self.flush_device(sink);
        }
        if self.fold_free_row(text) {
            sink.continuation_dropped();
            return;
        }
        self.flush_memory(sink);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            sink.structural();
            return;
        }
        if let Some(name) = section_header(trimmed) {
            self.end_section(sink);
            self.embedded = if name.eq_ignore_ascii_case(PM2_LIST_SECTION) {
                Embedded::Pm2List
            } else if name.eq_ignore_ascii_case(GIT_SECTION) {
                Embedded::Git
            } else {
                Embedded::None
            };
            self.section = Some(name.to_string());
            self.mode = Mode::None;
            sink.structural();
            return;
        }
        match self.embedded {
            Embedded::Git => {
                self.git_line(line_no, text, sink);
                return;
            }
            Embedded::Pm2List => match self.table.line(text) {
                TableLine::Border | TableLine::Header(_) => {
                    sink.structural();
                    return;
                }
                TableLine::Row(row) => {
                    let mut r = row_record(line_no, row, self.local_time());
                    let section = self.section.clone().unwrap_or_default();
                    r.push_field("section", FieldValue::Str(Cow::Owned(section)));
                    sink.event(r);
                    return;
                }
                TableLine::Other | TableLine::NotTable => {}
            },
            Embedded::None => {}
        }
        if let Some((cmd, args)) = command_echo(trimmed) {
            if cmd == "free" {
                self.free_options(args);
            }
            sink.structural();
            return;
        }
        if let Some(h) = df_header(text) {
            self.mode = Mode::Df(h);
            sink.structural();
            return;
        }
        if let Some(cols) = free_header(text) {
            self.mode = Mode::Free(cols.into_iter().map(str::to_string).collect());
            sink.structural();
            return;
        }
        if is_border(trimmed) {
            sink.structural();
            return;
        }
        if let Some((FreeRow::Mem, values)) = free_row(text) {
            if matches!(self.mode, Mode::Free(_) | Mode::None) {
                self.memory = Some(self.memory_record(line_no, text, &values));
                sink.event_pending();
                return;
            }
        }
        if let Mode::Df(h) = &self.mode {
            if !text.starts_with([' ', '\t']) && !trimmed.contains([' ', '\t']) {
                self.device = Some((line_no, trimmed.to_string()));
                sink.event_pending();
                return;
            }
            let (fs, rest) = trimmed.split_once([' ', '\t']).unwrap_or((trimmed, ""));
            if let Some(v) = df_values(rest.trim_start(), h.has_type) {
                let r = self.df_record(line_no, Cow::Borrowed(fs), Cow::Borrowed(trimmed), v, h);
                sink.event(r);
                return;
            }
            if self.section.is_none() {
                sink.unparsed(line_no, REASON_BAD_DF_ROW);
                return;
            }
        }
        self.snapshot_line(line_no, text, sink);
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_device(sink);
        self.flush_memory(sink);
        self.end_section(sink);
    }
}

impl HostSnapshotParser {
    /// The file-name time as the wall time [`row_record`] takes.
    fn local_time(&self) -> Option<chrono::NaiveDateTime> {
        match self.time {
            RawTime::Local { local, .. } => Some(local),
            _ => None,
        }
    }

    /// Closes the embedded parsers of the section that ends: pushes a held commit.
    fn end_section(&mut self, sink: &mut Sink<'_>) {
        self.git.finish(sink);
        self.git = GitParser::default();
        self.table = TableReader::new();
        self.embedded = Embedded::None;
    }

    /// A line of a [`GIT_SECTION`]: the git parser decides, unless it rejects the line, which
    /// then ends the held commit and is kept as a [`SNAPSHOT_LINE`].
    fn git_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        let mut git = Sink::new();
        self.git.parse_line(line_no, text, &mut git);
        // Continuation text for a record pushed before this line (none today: the git parser
        // folds its continuation lines into the held commit).
        for c in git.carried_continuation.drain(..) {
            match sink.records.last_mut() {
                Some(last) => last.continuation.push(c),
                None => sink.carried_continuation.push(c),
            }
        }
        sink.records.append(&mut git.records);
        if git.counts.unparsed > 0 {
            self.git.finish(sink);
            self.snapshot_line(line_no, text, sink);
        } else {
            sink.counts.add(&git.counts);
        }
    }
}

impl HostSnapshotParser {
    /// Remembers the unit options of an echoed `free` command.
    fn free_options(&mut self, args: &str) {
        let mut unit = Some(1024);
        let mut si = false;
        for a in args.split_whitespace() {
            let u = match a {
                "-b" | "--bytes" => Some(1),
                "-k" | "--kibi" => Some(1 << 10),
                "-m" | "--mebi" => Some(1 << 20),
                "-g" | "--gibi" => Some(1 << 30),
                "--tebi" => Some(1 << 40),
                "--kilo" => Some(1_000),
                "--mega" => Some(1_000_000),
                "--giga" => Some(1_000_000_000),
                "--tera" => Some(1_000_000_000_000),
                "-h" | "--human" => None,
                "--si" => {
                    si = true;
                    continue;
                }
                _ => continue,
            };
            unit = u;
        }
        if si {
            unit = unit.map(|u: i64| match u {
                1024 => 1_000,
                1_048_576 => 1_000_000,
                1_073_741_824 => 1_000_000_000,
                other => other,
            });
        }
        self.free_unit = unit;
        self.si = si;
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar

/// `3*"=" SP name SP 3*"="` → the name.
fn section_header(trimmed: &str) -> Option<&str> {
    let r: IResult<&str, &str> = delimited(
        tuple((take_while_min3('='), take_while1(|c| c == ' '))),
        take_while1(|c| c != '='),
        take_while_min3('='),
    )(trimmed);
    match r {
        Ok(("", name)) => {
            let name = name.trim_end();
            (!name.is_empty()).then_some(name)
        }
        _ => None,
    }
}

fn take_while_min3(ch: char) -> impl Fn(&str) -> IResult<&str, &str> {
    move |input| {
        let (rest, run) = take_while1(|c| c == ch)(input)?;
        if run.len() < 3 {
            return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Many1)));
        }
        Ok((rest, run))
    }
}

/// An echoed `df …` / `free …` command → (command, arguments).
fn command_echo(trimmed: &str) -> Option<(&str, &str)> {
    let t = ["$ ", "# ", "+ "].iter().find_map(|p| trimmed.strip_prefix(p)).unwrap_or(trimmed).trim_start();
    let (cmd, args) = t.split_once(' ').unwrap_or((t, ""));
    if !matches!(cmd, "df" | "free") {
        return None;
    }
    args.split_whitespace().all(|a| a.starts_with(['-', '/'])).then_some((cmd, args))
}

/// A line of table borders (box drawing, `+-=|`) with nothing else.
fn is_border(trimmed: &str) -> bool {
    trimmed.chars().all(|c| matches!(c, '\u{2500}'..='\u{257F}' | '+' | '-' | '=' | '|' | ' '))
}

/// A df header line.
fn df_header(line: &str) -> Option<DfHeader> {
    let t = line.trim();
    let rest = t.strip_prefix("Filesystem")?.strip_suffix("Mounted on")?;
    let mut cols = rest.split_whitespace();
    let mut size = cols.next()?;
    let has_type = size == "Type";
    if has_type {
        size = cols.next()?;
    }
    let pct = cols.nth(2)?;
    let size_ok = matches!(size, "Size" | "Inodes") || size.ends_with("-blocks");
    let pct_ok = matches!(pct, "Use%" | "IUse%" | "Capacity");
    if !size_ok || !pct_ok || cols.next().is_some() {
        return None;
    }
    Some(DfHeader { has_type, inodes: size == "Inodes" || pct == "IUse%", units: size.to_string() })
}

/// The values of a df row after its filesystem.
struct DfValues<'a> {
    fs_type: Option<&'a str>,
    size: &'a str,
    used: &'a str,
    avail: &'a str,
    pct: &'a str,
    mount: &'a str,
    /// The values as written (for the message).
    text: &'a str,
}

/// `[type] size used avail pct mount` (the mount may hold spaces).
fn df_values(s: &str, has_type: bool) -> Option<DfValues<'_>> {
    let mut rest = s;
    let mut next = || -> Option<&str> {
        let (tok, r) = token(rest).ok().map(|(r, t)| (t, r))?;
        rest = r.trim_start_matches([' ', '\t']);
        Some(tok)
    };
    let fs_type = if has_type { Some(next()?) } else { None };
    let (size, used, avail, pct) = (next()?, next()?, next()?, next()?);
    let mount = rest.trim_end();
    let pct_ok = pct == "-"
        || pct.strip_suffix('%').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let sizes_ok = [size, used, avail].iter().all(|v| *v == "-" || size_shaped(v));
    (pct_ok && sizes_ok && !mount.is_empty()).then_some(DfValues {
        fs_type,
        size,
        used,
        avail,
        pct,
        mount,
        text: s.trim_end(),
    })
}

fn token(input: &str) -> IResult<&str, &str> {
    take_while1(|c| c != ' ' && c != '\t')(input)
}

/// A free header → its column names.
fn free_header(line: &str) -> Option<Vec<&str>> {
    if !line.starts_with([' ', '\t']) {
        return None;
    }
    let cols: Vec<&str> = line.split_whitespace().collect();
    let known = ["shared", "buffers", "buff/cache", "available", "cache", "cached"];
    (cols.len() >= 4 && cols[..3] == ["total", "used", "free"] && cols[3..].iter().all(|c| known.contains(c)))
        .then_some(cols)
}

/// A free row → (which, values).
fn free_row(line: &str) -> Option<(FreeRow, Vec<&str>)> {
    let r: IResult<&str, &str> = take_while(|c| c != ':')(line);
    let (rest, label) = r.ok()?;
    let rest = tag::<_, _, nom::error::Error<&str>>(":")(rest).ok()?.0;
    let row = match label {
        "Mem" => FreeRow::Mem,
        "Swap" => FreeRow::Swap,
        "-/+ buffers/cache" => FreeRow::BuffersCache,
        "Total" | "Low" | "High" | "Comm" => FreeRow::Other,
        _ => return None,
    };
    let values: Vec<&str> = rest.split_whitespace().collect();
    (!values.is_empty() && values.iter().all(|v| size_shaped(v))).then_some((row, values))
}

/// `1*DIGIT [("." / ",") 1*DIGIT] [unit]` with unit `B`/`K`/`Ki`/… (df also `k`).
fn size_shaped(v: &str) -> bool {
    split_size(v).is_some()
}

/// (number text, unit letter, `i` present).
fn split_size(v: &str) -> Option<(f64, Option<u8>, bool)> {
    let num_end = v.bytes().position(|b| !(b.is_ascii_digit() || b == b'.' || b == b',')).unwrap_or(v.len());
    let (num, unit) = v.split_at(num_end);
    if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n: f64 = num.replace(',', ".").parse().ok()?;
    let b = unit.as_bytes();
    let (letter, iec) = match b {
        [] => (None, false),
        [u] => (Some(u.to_ascii_uppercase()), false),
        [u, b'i'] => (Some(u.to_ascii_uppercase()), true),
        _ => return None,
    };
    if let Some(l) = letter {
        if !b"BKMGTPE".contains(&l) || (iec && l == b'B') {
            return None;
        }
    }
    Some((n, letter, iec))
}

/// Bytes of a free value: from its unit suffix, or for a bare number from `bare_unit`.
fn size_bytes(v: &str, bare_unit: Option<i64>, si: bool) -> Option<i64> {
    let (n, letter, iec) = split_size(v)?;
    let mult = match letter {
        None => bare_unit? as f64,
        Some(l) => {
            let exp = b"BKMGTPE".iter().position(|&c| c == l)? as i32;
            let base: f64 = if si && !iec { 1000.0 } else { 1024.0 };
            base.powi(exp)
        }
    };
    let bytes = (n * mult).round();
    (bytes.is_finite() && bytes < 9.0e18).then_some(bytes as i64)
}

/// `…-YYYYMMDD-HHMMSS.ext` → local time.
fn snapshot_time(path: &str) -> Option<RawTime> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let b = stem.as_bytes();
    if b.len() < 15 {
        return None;
    }
    let start = b.len() - 15;
    if start > 0 && !matches!(b[start - 1], b'-' | b'_') {
        return None;
    }
    let s = stem.get(start..)?;
    let (d, t) = s.split_once('-')?;
    if d.len() != 8 || t.len() != 6 || !d.bytes().chain(t.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |x: &str| x.parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(d[..4].parse().ok()?, num(&d[4..6])?, num(&d[6..8])?)?;
    let time = NaiveTime::from_hms_opt(num(&t[..2])?, num(&t[2..4])?, num(&t[4..6])?)?;
    Some(RawTime::Local { local: date.and_time(time), file_offset: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_bytes("22Gi", None, false), Some(22 << 30));
        assert_eq!(size_bytes("8.6Mi", None, false), Some((8.6 * 1048576.0_f64).round() as i64));
        assert_eq!(size_bytes("8,6Mi", None, false), size_bytes("8.6Mi", None, false));
        assert_eq!(size_bytes("0B", None, false), Some(0));
        assert_eq!(size_bytes("7.7G", None, false), Some((7.7 * 1073741824.0_f64).round() as i64));
        assert_eq!(size_bytes("23179", None, false), None);
        assert_eq!(size_bytes("23179", Some(1 << 20), false), Some(23179 << 20));
        assert_eq!(size_bytes("2G", None, true), Some(2_000_000_000));
        assert_eq!(size_bytes("Gi", None, false), None);
        assert_eq!(size_bytes("1Bi", None, false), None);
    }

    #[test]
    fn headers() {
        assert_eq!(section_header("=== PM2 List ==="), Some("PM2 List"));
        assert_eq!(section_header("==== x ===="), Some("x"));
        assert_eq!(section_header("======"), None);
        assert_eq!(section_header("== x =="), None);
        let h = df_header("Filesystem              Type      Size  Used Avail Use% Mounted on").unwrap();
        assert!(h.has_type && !h.inodes);
        assert!(df_header("Filesystem      Inodes  IUsed   IFree IUse% Mounted on").unwrap().inodes);
        assert!(df_header("Filesystem mounted").is_none());
        assert_eq!(command_echo("$ free -m"), Some(("free", "-m")));
        assert_eq!(command_echo("free up some memory"), None);
        assert!(is_border("┌────┬──────┐"));
        assert!(!is_border("│ 0  │ api  │"));
    }

    #[test]
    fn stamps_in_names() {
        let t = snapshot_time("/tmp/incident-state-20260217-143500.txt").unwrap();
        assert_eq!(
            t,
            RawTime::Local {
                local: NaiveDate::from_ymd_opt(2026, 2, 17).unwrap().and_hms_opt(14, 35, 0).unwrap(),
                file_offset: None
            }
        );
        assert!(snapshot_time("incident-state-20261317-143500.txt").is_none());
        assert!(snapshot_time("df.txt").is_none());
        assert!(snapshot_time("x20260217-143500.txt").is_none());
    }
}
