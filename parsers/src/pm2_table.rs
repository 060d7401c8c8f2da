//! `pm2 list` / `pm2 ls` / `pm2 status` box tables, as saved to a file or met inside other text
//! (CI job logs, incident-state files).
//!
//! PM2 draws its process list with cli-table (≤ 4.x: cli-table-redemption, ≥ 5: cli-tableau):
//!
//! ```text
//! ┌────┬──────────┬─────────────┬─────────┬─────────┬──────────┬────────┬──────┬───────────┬──────────┬──────────┬──────────┬──────────┐
//! │ id │ name     │ namespace   │ version │ mode    │ pid      │ uptime │ ↺    │ status    │ cpu      │ mem      │ user     │ watching │
//! ├────┼──────────┼─────────────┼─────────┼─────────┼──────────┼────────┼──────┼───────────┼──────────┼──────────┼──────────┼──────────┤
//! │ 0  │ api      │ default     │ 1.0.0   │ fork    │ 11867    │ 5m     │ 3    │ online    │ 0.3%     │ 49.6mb   │ root     │ disabled │
//! └────┴──────────┴─────────────┴─────────┴─────────┴──────────┴────────┴──────┴───────────┴──────────┴──────────┴──────────┴──────────┘
//! Module
//! ┌────┬───────────────┬─────────┬───────┬──────────┬──────┬──────────┬──────────┬──────────┐
//! │ id │ module        │ version │ pid   │ status   │ ↺    │ cpu      │ mem      │ user     │
//! ```
//!
//! ```text
//! line      = border / row / other
//! border    = *WSP corner *(corner / "─" / "-" / "=" / SP)   ; corner: ┌ ┬ ┐ ├ ┼ ┤ └ ┴ ┘ +
//! row       = *WSP sep 1*(cell sep) *WSP                      ; sep: "│" or "|" (the row's first)
//! header    = row whose cells are all column names, with a name column and a status column
//! column    = "id" / "name" / "app name" / "app" / "module" / "namespace" / "version"
//!           / "mode" / "exec mode" / "pid" / "target pid" / "uptime"
//!           / "↺" / "restart" / "restarts" / "restarted" / "status" / "cpu" / "mem" / "memory"
//!           / "user" / "watching" / "port" / "port(s)"            ; case-insensitive
//! ```
//!
//! Column sets seen: PM2 ≤ 4 `│ App name │ id │ version │ mode │ pid │ status │ restart │ uptime │
//! cpu │ mem │ user │ watching │` (older ones without version/user, or `App Name`, `PID`,
//! `Restarted`, `memory`), PM2 ≥ 5 `│ id │ name │ namespace │ version │ mode │ pid │ uptime │ ↺ │
//! status │ cpu │ mem │ user │ watching │`, the condensed layout of a terminal narrower than 120
//! columns `│ id │ name │ mode │ ↺ │ status │ cpu │ memory │` (≤ 2.x: `│ Name │ mode │ status │ ↺ │
//! cpu │ memory │`). Any subset and order is read: the header row decides. The ASCII fallback
//! (`+----+` borders, `|` separators) is read the same way; a cell wider than its column (the
//! runbook's `flyer-crawler-analytics-worker-test| 5  |`) is fine since cells are split on the
//! separator, not by position.
//!
//! Module tables: a header with a `module` column (`│ id │ module │ version │ pid │ status │ ↺ │
//! cpu │ mem │ user │`, ≤ 4 `│ Module │ version │ target PID │ status │ restart │ cpu │ memory │`),
//! or any process header right after a `Module` / `Modules` / `Module activated` title line (the
//! condensed module table `│ id │ name │ status │ cpu │ mem │`). Their rows have `module`.
//!
//! Cell values: ANSI colour codes (PM2 colours ids, statuses, headers and borders) are removed
//! first. `N/A` and empty cells are absent. `cpu` loses its `%`. A pid of `0` is absent. The
//! tracing/monitoring markers PM2 puts before a name (`☵ `, `◉ `) are removed. cli-table cuts a
//! cell too wide for its column with `…` (`flyer-crawler-an…`, an id `…` past 99): the value is
//! kept as written and the row is `truncated`; a cut id gives no `pm_id`.
//!
//! Other box tables (`pm2 describe`'s key/value table, the `Container` and `Intensive Processes`
//! tables, any row right after a top border that is not a process header, a row whose cell count
//! differs from its header's) are [`TableLine::Other`]. A line that is neither a border nor a row
//! closes the current table.
//!
//! [`Pm2ListParser`] reads a file that is a saved `pm2 list` output: every process row is a
//! `snapshot-process` record (the kind of [`crate::pm2_snapshot`]); borders, headers, blank lines,
//! `[PM2]` CLI lines, module titles and PM2's `Use \`pm2 show …\`` hints are structural; other box
//! table lines are unparsed ([`REASON_OTHER_TABLE`]), any other line too ([`REASON_NOT_TABLE`]).

use std::borrow::Cow;

use chrono::NaiveDateTime;
use nom::{bytes::complete::take_while1, character::complete::one_of, sequence::pair, IResult};

use crate::ansi::strip as strip_ansi;
use crate::pm2_snapshot::{process_message, snapshot_time_from_name, SNAPSHOT_PROCESS, SOURCE};
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};

/// Event kinds this parser emits, with what each means (the same kind as [`crate::pm2_snapshot`]).
pub const KINDS: &[(&str, &str)] = &[(
    SNAPSHOT_PROCESS,
    "One process row of a saved `pm2 list` table (snapshot \"list\"): fields status, restart_time, \
     exec_mode, uptime, cpu, mem, namespace, version, watching, module, truncated, snapshot",
)];

/// Unparsed reason: a box-table line that is not a row of a PM2 process table.
pub const REASON_OTHER_TABLE: &str = "box-table line that is not a pm2 process row";
/// Unparsed reason: a line that is not part of a `pm2 list` output.
pub const REASON_NOT_TABLE: &str = "not a pm2 list table line";

/// File-name globs of saved `pm2 list` outputs.
pub const NAME_HINTS: &[&str] = &["pm2-list*.txt", "pm2-ls*.txt", "pm2-status*.txt", "pm2-list*.log"];

/// What a header cell names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// `id`: the pm_id.
    Id,
    /// `name`, `App name`, `Name`, `module`: the app (or module) name.
    Name,
    /// `namespace`.
    Namespace,
    /// `version`: the app's package.json version.
    Version,
    /// `mode`: `fork` or `cluster`.
    Mode,
    /// `pid`, `target PID`.
    Pid,
    /// `uptime` (`5m`, `2D`, `0`).
    Uptime,
    /// `↺`, `restart`, `Restarted`: the restart counter.
    Restarts,
    /// `status`.
    Status,
    /// `cpu` (`0.3%`).
    Cpu,
    /// `mem`, `memory` (`49.6mb`, `251.965 MB`).
    Mem,
    /// `user`.
    User,
    /// `watching`.
    Watching,
    /// A known column whose value is not read (`port`).
    Ignored,
}

/// Which kind of PM2 table a header opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// The applications table.
    Apps,
    /// The modules table (`pm2-logrotate`, …).
    Modules,
}

/// One process row of a PM2 table, cells as written (ANSI codes removed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableRow<'a> {
    /// The `id` cell (`"0"`, or `"…"` when cut).
    pub id: Option<Cow<'a, str>>,
    /// The name (tracing/monitoring markers removed; a cut name keeps its `…`).
    pub name: Option<Cow<'a, str>>,
    /// The status (`online`, `errored`, `stopped`, …).
    pub status: Option<Cow<'a, str>>,
    /// The pid (absent when `0` or `N/A`).
    pub pid: Option<u64>,
    /// The restart counter.
    pub restarts: Option<i64>,
    /// The uptime as written (`5m`).
    pub uptime: Option<Cow<'a, str>>,
    /// The cpu percentage without `%` (`0.3`).
    pub cpu: Option<Cow<'a, str>>,
    /// The memory as written (`49.6mb`).
    pub mem: Option<Cow<'a, str>>,
    /// The user.
    pub user: Option<Cow<'a, str>>,
    /// The mode as written (`fork`, `cluster`).
    pub mode: Option<Cow<'a, str>>,
    /// The app version.
    pub version: Option<Cow<'a, str>>,
    /// The namespace.
    pub namespace: Option<Cow<'a, str>>,
    /// The watching cell (`disabled`, `enabled`).
    pub watching: Option<Cow<'a, str>>,
    /// The row belongs to a module table.
    pub module: bool,
    /// Some cell was cut by the table (ends with `…`).
    pub truncated: bool,
}

/// What one line of text is, for a [`TableReader`].
// Rows are the common case and are consumed at once: not worth a box per row.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableLine<'a> {
    /// A border or separator line (`┌──┬`, `├──┼`, `└──┴`, `+----+`).
    Border,
    /// A header row of a PM2 process or module table; the reader now knows its columns.
    Header(TableKind),
    /// A process row of the current table.
    Row(TableRow<'a>),
    /// A box-table line that is not part of a PM2 process table (see the module doc).
    Other,
    /// Not a table line.
    NotTable,
}

impl TableRow<'_> {
    /// Detaches the row from the line it borrows.
    pub fn into_owned(self) -> TableRow<'static> {
        let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        TableRow {
            id: own(self.id),
            name: own(self.name),
            status: own(self.status),
            pid: self.pid,
            restarts: self.restarts,
            uptime: own(self.uptime),
            cpu: own(self.cpu),
            mem: own(self.mem),
            user: own(self.user),
            mode: own(self.mode),
            version: own(self.version),
            namespace: own(self.namespace),
            watching: own(self.watching),
            module: self.module,
            truncated: self.truncated,
        }
    }
}

impl TableLine<'_> {
    /// Detaches the line from the text it borrows.
    pub fn into_owned(self) -> TableLine<'static> {
        match self {
            TableLine::Border => TableLine::Border,
            TableLine::Header(k) => TableLine::Header(k),
            TableLine::Row(r) => TableLine::Row(r.into_owned()),
            TableLine::Other => TableLine::Other,
            TableLine::NotTable => TableLine::NotTable,
        }
    }
}

/// Reads PM2 tables one line at a time; keeps the current header's columns.
#[derive(Clone, Debug, Default)]
pub struct TableReader {
    columns: Vec<Column>,
    kind: Option<TableKind>,
    /// A `Module(s)` title was the previous line.
    module_next: bool,
    /// A top border was the previous table line: the next row is a header or another table.
    after_top: bool,
}

impl TableReader {
    /// A reader with no table open.
    pub fn new() -> Self {
        TableReader::default()
    }

    /// The columns of the current table (empty when none is open).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// What `text` (one line, no line ending) is, given the lines read before it.
    pub fn line<'a>(&mut self, text: &'a str) -> TableLine<'a> {
        match strip_ansi(text) {
            Cow::Borrowed(clean) => self.classify(clean.trim()),
            Cow::Owned(clean) => self.classify(clean.trim()).into_owned(),
        }
    }

    /// [`TableReader::line`] on a line without ANSI codes and surrounding blanks.
    fn classify<'a>(&mut self, trimmed: &'a str) -> TableLine<'a> {
        if let Some(kind) = border(trimmed) {
            match kind {
                BorderKind::Top => {
                    self.close();
                    self.after_top = true;
                }
                BorderKind::Bottom => {
                    self.close();
                    self.module_next = false;
                }
                BorderKind::Middle => {}
                BorderKind::Ascii => {
                    if self.columns.is_empty() {
                        self.after_top = true;
                    }
                }
            }
            return TableLine::Border;
        }
        let Some(cells) = row_cells(trimmed) else {
            self.close();
            self.module_next = is_module_title(trimmed);
            return TableLine::NotTable;
        };
        let after_top = std::mem::take(&mut self.after_top);
        match header(&cells) {
            HeaderKind::Process(columns, module_col) => {
                let kind = if module_col || self.module_next { TableKind::Modules } else { TableKind::Apps };
                self.columns = columns;
                self.kind = Some(kind);
                self.module_next = false;
                return TableLine::Header(kind);
            }
            HeaderKind::Foreign => {
                self.close();
                return TableLine::Other;
            }
            HeaderKind::None => {}
        }
        if after_top {
            // A table whose first row is not a process header (`pm2 describe`).
            self.close();
            return TableLine::Other;
        }
        if self.columns.is_empty() || cells.len() != self.columns.len() {
            return TableLine::Other;
        }
        TableLine::Row(build_row(&self.columns, cells, self.kind == Some(TableKind::Modules)))
    }

    fn close(&mut self) {
        self.columns.clear();
        self.kind = None;
        self.after_top = false;
    }
}

/// True when `line` is a header row of a PM2 process table (`│ name …│ status │`,
/// `| App name | id |mode | status | cpu |`): a strong signature of a `pm2 list` output.
pub fn sniff_line(line: &str) -> bool {
    let clean = strip_ansi(line);
    match row_cells(clean.trim()) {
        Some(cells) => matches!(header(&cells), HeaderKind::Process(cols, _) if cols.len() >= 3),
        None => false,
    }
}

/// Parser for a saved `pm2 list` / `pm2 ls` output (see the module doc).
#[derive(Debug, Default)]
pub struct Pm2ListParser {
    reader: TableReader,
    /// Wall time written in the file name (`pm2-list-20260217-143500.txt`).
    name_time: Option<NaiveDateTime>,
}

impl Pm2ListParser {
    /// A parser for the file at `path`: a `-YYYYMMDD-HHMMSS.` stamp in its name
    /// ([`snapshot_time_from_name`]) becomes every record's [`RawTime::Local`] time.
    pub fn for_path(path: &str) -> Self {
        Pm2ListParser { reader: TableReader::default(), name_time: snapshot_time_from_name(path) }
    }
}

impl LineParser for Pm2ListParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        match self.reader.line(text) {
            TableLine::Border | TableLine::Header(_) => sink.structural(),
            TableLine::Row(row) => sink.event(row_record(line_no, row, self.name_time)),
            TableLine::Other => sink.unparsed(line_no, REASON_OTHER_TABLE),
            TableLine::NotTable => {
                let clean = strip_ansi(text);
                let t = clean.trim();
                if t.is_empty() || t.starts_with("[PM2]") || is_module_title(t) || t.starts_with("Use `pm2 ")
                {
                    sink.structural();
                } else {
                    sink.unparsed(line_no, REASON_NOT_TABLE);
                }
            }
        }
    }
}

/// The `snapshot-process` record of a table row.
pub fn row_record(line_no: u64, row: TableRow<'_>, name_time: Option<NaiveDateTime>) -> Record<'_> {
    let time = name_time.map_or(RawTime::None, |local| RawTime::Local { local, file_offset: None });
    let pm_id = row.id.filter(|id| !id.contains('…'));
    let message = process_message(row.name.as_deref(), pm_id.as_deref(), row.status.as_deref(), row.restarts);
    let mut rec = Record::new(line_no, time, SOURCE, SNAPSHOT_PROCESS, message);
    rec.pid = row.pid;
    rec.user = row.user;
    let exec_mode = row.mode.map(|m| match exec_mode(&m) {
        Some(norm) => FieldValue::from(norm),
        None => FieldValue::Str(m),
    });
    let fields = [
        row.status.clone().map(|v| ("status", FieldValue::Str(v))),
        row.restarts.map(|n| ("restart_time", FieldValue::Int(n))),
        exec_mode.map(|v| ("exec_mode", v)),
        row.uptime.map(|v| ("uptime", FieldValue::Str(v))),
        row.cpu.map(|v| ("cpu", FieldValue::Str(v))),
        row.mem.map(|v| ("mem", FieldValue::Str(v))),
        row.namespace.map(|v| ("namespace", FieldValue::Str(v))),
        row.version.map(|v| ("version", FieldValue::Str(v))),
        row.watching.map(|v| ("watching", FieldValue::Str(v))),
        row.module.then_some(("module", FieldValue::Int(1))),
        row.truncated.then_some(("truncated", FieldValue::Int(1))),
        Some(("snapshot", FieldValue::from("list"))),
    ];
    rec.fields.extend(fields.into_iter().flatten());
    rec.process = row.name;
    rec.pm_id = pm_id;
    rec
}

/// `fork` → `fork_mode`, `cluster` (or a cut prefix of it, `clust`) → `cluster_mode`.
fn exec_mode(mode: &str) -> Option<&'static str> {
    let m = mode.trim_end_matches('…');
    if m.len() >= 4 && "cluster_mode".starts_with(m) {
        Some("cluster_mode")
    } else if m.len() >= 2 && "fork_mode".starts_with(m) {
        Some("fork_mode")
    } else {
        None
    }
}

/// `Module`, `Modules`, ` Module activated`: the title PM2 prints before a module table.
fn is_module_title(t: &str) -> bool {
    matches!(t, "Module" | "Modules" | "Module activated")
}

// ---------------------------------------------------------------------------------------
// Grammar

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BorderKind {
    Top,
    Middle,
    Bottom,
    Ascii,
}

fn border_char(c: char) -> bool {
    matches!(c, '┌' | '┬' | '┐' | '├' | '┼' | '┤' | '└' | '┴' | '┘' | '─' | '+' | '-' | '=' | ' ')
}

/// `corner *(border char)`, with at least one horizontal line.
fn border_line(input: &str) -> IResult<&str, (char, &str)> {
    pair(one_of("┌├└+"), take_while1(border_char))(input)
}

/// The kind of a border line (`trimmed`: without surrounding blanks).
fn border(trimmed: &str) -> Option<BorderKind> {
    let (rest, (corner, body)) = border_line(trimmed).ok()?;
    if !rest.is_empty() || !body.contains(['─', '-']) {
        return None;
    }
    Some(match corner {
        '┌' => BorderKind::Top,
        '├' => BorderKind::Middle,
        '└' => BorderKind::Bottom,
        _ => BorderKind::Ascii,
    })
}

/// The trimmed cells of a `sep cell sep … sep` row (`trimmed`: without surrounding blanks).
fn row_cells(trimmed: &str) -> Option<Vec<Cow<'_, str>>> {
    let sep = trimmed.chars().next().filter(|c| matches!(c, '│' | '|'))?;
    let inner = trimmed.strip_prefix(sep)?.strip_suffix(sep)?;
    let cells: Vec<Cow<'_, str>> = inner.split(sep).map(|c| Cow::Borrowed(c.trim())).collect();
    (cells.len() >= 2).then_some(cells)
}

/// What a row's cells say about it as a header.
enum HeaderKind {
    /// A PM2 process table header: its columns, and whether it has a `module` column.
    Process(Vec<Column>, bool),
    /// The header of another PM2 table (containers, intensive processes, module settings).
    Foreign,
    /// Not a header.
    None,
}

fn header(cells: &[Cow<'_, str>]) -> HeaderKind {
    let mut columns = Vec::with_capacity(cells.len());
    let mut module = false;
    let mut foreign = false;
    for cell in cells {
        let lower = cell.to_lowercase();
        let col = match lower.as_str() {
            "id" => Column::Id,
            "name" | "app name" | "app" => Column::Name,
            "module" => {
                module = true;
                Column::Name
            }
            "namespace" => Column::Namespace,
            "version" => Column::Version,
            "mode" | "exec mode" => Column::Mode,
            "pid" | "target pid" => Column::Pid,
            "uptime" => Column::Uptime,
            "↺" | "restart" | "restarts" | "restarted" => Column::Restarts,
            "status" => Column::Status,
            "cpu" => Column::Cpu,
            "mem" | "memory" => Column::Mem,
            "user" => Column::User,
            "watching" => Column::Watching,
            "port" | "port(s)" => Column::Ignored,
            "image" | "cmd" | "uid" | "net i/o ⇵" | "fs i/o ⇵" | "key" | "value" => {
                foreign = true;
                Column::Ignored
            }
            _ => return HeaderKind::None,
        };
        columns.push(col);
    }
    if foreign {
        return HeaderKind::Foreign;
    }
    if columns.contains(&Column::Name) && columns.contains(&Column::Status) {
        HeaderKind::Process(columns, module)
    } else {
        HeaderKind::None
    }
}

/// A row from its cells under `columns` (same length).
fn build_row<'a>(columns: &[Column], cells: Vec<Cow<'a, str>>, module: bool) -> TableRow<'a> {
    let mut row = TableRow { module, ..TableRow::default() };
    for (col, cell) in columns.iter().zip(cells) {
        if cell.ends_with('…') {
            row.truncated = true;
        }
        if cell.is_empty() || cell == "N/A" {
            continue;
        }
        match col {
            Column::Id => row.id = Some(cell),
            Column::Name => row.name = Some(strip_markers(cell)),
            Column::Namespace => row.namespace = Some(cell),
            Column::Version => row.version = Some(cell),
            Column::Mode => row.mode = Some(cell),
            Column::Pid => row.pid = cell.parse::<u64>().ok().filter(|&p| p != 0),
            Column::Uptime => row.uptime = Some(cell),
            Column::Restarts => row.restarts = cell.parse::<i64>().ok(),
            Column::Status => row.status = Some(cell),
            Column::Cpu => row.cpu = Some(strip_percent(cell)),
            Column::Mem => row.mem = Some(cell),
            Column::User => row.user = Some(cell),
            Column::Watching => row.watching = Some(cell),
            Column::Ignored => {}
        }
    }
    row
}

/// Removes PM2's `☵ ` (tracing) and `◉ ` (monitored) name markers.
fn strip_markers(name: Cow<'_, str>) -> Cow<'_, str> {
    let mut s: &str = &name;
    while let Some(rest) = s.strip_prefix("◉ ").or_else(|| s.strip_prefix("☵ ")) {
        s = rest.trim_start();
    }
    if s.len() == name.len() {
        return name;
    }
    let cut = name.len() - s.len();
    match name {
        Cow::Borrowed(b) => Cow::Borrowed(&b[cut..]),
        Cow::Owned(o) => Cow::Owned(o[cut..].to_string()),
    }
}

/// `0.3%` → `0.3`.
fn strip_percent(cpu: Cow<'_, str>) -> Cow<'_, str> {
    match cpu {
        Cow::Borrowed(b) => Cow::Borrowed(b.strip_suffix('%').unwrap_or(b).trim_end()),
        Cow::Owned(o) => Cow::Owned(o.strip_suffix('%').unwrap_or(&o).trim_end().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders() {
        assert_eq!(border("┌────┬───┐"), Some(BorderKind::Top));
        assert_eq!(border("├────┼───┤"), Some(BorderKind::Middle));
        assert_eq!(border("└──────────────┴─────────┴────────"), Some(BorderKind::Bottom));
        assert_eq!(border("+-----+----+"), Some(BorderKind::Ascii));
        assert_eq!(border("+"), None);
        assert_eq!(border("+ a"), None);
        assert_eq!(border("++"), None);
    }

    #[test]
    fn cells() {
        assert_eq!(row_cells("│ a │ b │").unwrap(), ["a", "b"]);
        assert_eq!(row_cells("| a|b |").unwrap(), ["a", "b"]);
        assert!(row_cells("│ a │").is_none());
        assert!(row_cells("│ a │ b").is_none());
        assert!(row_cells("|").is_none());
    }

    #[test]
    fn ansi() {
        assert_eq!(strip_ansi("\x1b[1m\x1b[36m0\x1b[39m\x1b[22m"), "0");
        assert_eq!(strip_ansi("a\x1b"), "a");
        assert_eq!(strip_ansi("a\x1b[3"), "a");
    }

    #[test]
    fn modes() {
        assert_eq!(exec_mode("fork"), Some("fork_mode"));
        assert_eq!(exec_mode("clust"), Some("cluster_mode"));
        assert_eq!(exec_mode("cluster_mode"), Some("cluster_mode"));
        assert_eq!(exec_mode("x"), None);
    }

    #[test]
    fn markers() {
        assert_eq!(strip_markers(Cow::Borrowed("◉ ☵ api")), "api");
        assert_eq!(strip_markers(Cow::Borrowed("api")), "api");
    }
}
