//! The timeline as a table, JSONL (the event contract), CSV or a Timesketch import file.
//!
//! Text from the evidence is escaped for where it goes (see [`safe`]): CSV cells against
//! formula injection, table cells against terminal escape sequences. JSONL keeps it exact.

use std::collections::BTreeSet;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::event::{value_text, Event, Value};
use crate::report::safe;
use crate::report::table;

/// The one CSV cell function (quoting and formula neutralisation), kept under its old path.
pub use crate::report::safe::csv_cell;

/// Output format of `postmortem timeline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TimelineFormat {
    /// A table fitted to the terminal; undated events in their own section.
    Table,
    /// One JSON event per line (the event contract).
    Jsonl,
    /// CSV with the contract's columns; `fields` as a JSON object.
    Csv,
    /// Timesketch CSV import: message, datetime, timestamp, timestamp_desc, the contract's
    /// columns and one `field_<key>` column per field key; dated events only.
    Timesketch,
    /// Timesketch JSONL import: as `timesketch`, each field a top-level `field_<key>`.
    #[value(name = "timesketch-jsonl")]
    TimesketchJsonl,
    /// A typed Parquet table (needs --output FILE); see `report::parquet`.
    Parquet,
}

impl TimelineFormat {
    /// Whether the format leaves undated events out (Timesketch needs a time on every row).
    pub fn dated_only(self) -> bool {
        matches!(self, TimelineFormat::Timesketch | TimelineFormat::TimesketchJsonl)
    }
}

/// Writes events in `format`.
pub fn write<'e, W: Write>(
    out: &mut W,
    events: impl Iterator<Item = &'e Event>,
    format: TimelineFormat,
    width: usize,
) -> io::Result<()> {
    write_counted(out, events, format, width).map(|_| ())
}

/// Writes events in `format`; returns how many undated events it left out (only the
/// Timesketch formats leave any out: `--format jsonl` has them). Writes nothing to stderr.
pub fn write_counted<'e, W: Write>(
    out: &mut W,
    events: impl Iterator<Item = &'e Event>,
    format: TimelineFormat,
    width: usize,
) -> io::Result<usize> {
    match format {
        TimelineFormat::Parquet => {
            Err(io::Error::other("--format parquet writes a file, not a stream: give --output FILE"))
        }
        TimelineFormat::Jsonl => {
            // One row buffer and one writer for every event (`write_row` makes them per call).
            let (mut row, mut writer) = (Vec::new(), super::jsonl::Writer::default());
            for e in events {
                row.clear();
                jsonl_row(&mut writer, &mut row, e);
                out.write_all(&row)?;
            }
            Ok(0)
        }
        TimelineFormat::Csv => {
            write_preamble(out, format)?;
            for e in events {
                write_row(out, e, format)?;
            }
            Ok(0)
        }
        TimelineFormat::Table => write_table(out, events, width).map(|_| 0),
        TimelineFormat::Timesketch | TimelineFormat::TimesketchJsonl => {
            let mut undated = 0;
            let dated: Vec<(DateTime<Utc>, &Event)> = events
                .filter_map(|e| {
                    undated += usize::from(e.time.is_none());
                    e.time.map(|t| (t, e))
                })
                .collect();
            if format == TimelineFormat::Timesketch {
                write_timesketch_csv(out, &dated)?;
            } else {
                write_timesketch_jsonl(out, &dated)?;
            }
            Ok(undated)
        }
    }
}

const CSV_HEADER: &str = "time,source,kind,host,process,pm_id,pid,user,message,fields,file,line,sha256";

/// Whether `format` is written one event per row, each row depending on its event only
/// (what the streamed timeline can write as it merges; the table fits its columns to every
/// row, and the Timesketch CSV has a column per field key of every event).
pub fn is_row_format(format: TimelineFormat) -> bool {
    matches!(format, TimelineFormat::Jsonl | TimelineFormat::Csv | TimelineFormat::TimesketchJsonl)
}

/// What a row format writes before its rows (the CSV header).
pub fn write_preamble<W: Write>(out: &mut W, format: TimelineFormat) -> io::Result<()> {
    match format {
        TimelineFormat::Csv => writeln!(out, "{CSV_HEADER}"),
        _ => Ok(()),
    }
}

/// Writes `e` as one row of a row format (see [`is_row_format`]); an undated event has no
/// row in `timesketch-jsonl`.
pub fn write_row<W: Write>(out: &mut W, e: &Event, format: TimelineFormat) -> io::Result<()> {
    match (format, e.time) {
        (TimelineFormat::Jsonl, _) => {
            let mut row = Vec::with_capacity(512);
            jsonl_row(&mut super::jsonl::Writer::default(), &mut row, e);
            out.write_all(&row)
        }
        (TimelineFormat::Csv, _) => write_csv_row(out, csv_cells(e).iter().map(String::as_str)),
        (TimelineFormat::TimesketchJsonl, Some(t)) => {
            serde_json::to_writer(&mut *out, &TimesketchRow(t, e))?;
            out.write_all(b"\n")
        }
        (TimelineFormat::TimesketchJsonl, None) => Ok(()),
        _ => Err(io::Error::other("not a row format")),
    }
}

/// Appends `e` as one `--format jsonl` row (the event contract's object and a line break).
pub fn jsonl_row(writer: &mut super::jsonl::Writer, out: &mut Vec<u8>, e: &Event) {
    writer.event(out, e);
    out.push(b'\n');
}

/// The cells of one `--format csv` row.
fn csv_cells(e: &Event) -> Vec<String> {
    let mut cells = vec![e.time_text().unwrap_or_default()];
    cells.extend(contract_cells(e));
    cells.extend([e.message.clone(), e.fields_json()]);
    cells.extend(provenance_cells(e));
    cells
}

/// The contract's columns from `source` to `user`, as cells.
fn contract_cells(e: &Event) -> [String; 7] {
    [
        e.source.to_string(),
        e.kind.to_string(),
        e.host.clone().unwrap_or_default(),
        e.process.clone().unwrap_or_default(),
        e.pm_id.clone().unwrap_or_default(),
        e.pid.map(|p| p.to_string()).unwrap_or_default(),
        e.user.clone().unwrap_or_default(),
    ]
}

/// File, line and SHA-256, as cells.
fn provenance_cells(e: &Event) -> [String; 3] {
    [e.provenance.file.clone(), e.line.to_string(), e.provenance.sha256.clone()]
}

/// One CSV row, every cell through [`safe::csv_cell`].
pub(crate) fn write_csv_row<'c, W: Write>(
    out: &mut W,
    cells: impl Iterator<Item = &'c str>,
) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(safe::csv_cell(cell).as_bytes())?;
    }
    out.write_all(b"\n")
}

/// Timesketch's `timestamp_desc`: what the time of the row is.
pub fn timestamp_desc(e: &Event) -> &'static str {
    match (e.source, e.kind) {
        ("git", "commit") => "Commit Time",
        ("git", "reflog") => "Reflog Time",
        ("host", _) | ("pm2", "snapshot-process") => "Snapshot Time",
        ("shell", _) => "Shell History Time",
        _ => "Log Line Time",
    }
}

/// `2026-02-17T14:31:04.000000+00:00`, the form Timesketch reads.
fn timesketch_datetime(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

const TIMESKETCH_COLUMNS: [&str; 14] = [
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    "source",
    "kind",
    "host",
    "process",
    "pm_id",
    "pid",
    "user",
    "file",
    "line",
    "sha256",
];

/// The prefix of the columns (CSV) or keys (JSONL) that hold the event's fields.
pub const FIELD_PREFIX: &str = "field_";

fn write_timesketch_csv<W: Write>(out: &mut W, events: &[(DateTime<Utc>, &Event)]) -> io::Result<()> {
    let keys: BTreeSet<&str> = events.iter().flat_map(|(_, e)| e.fields.iter().map(|(k, _)| *k)).collect();
    write_timesketch_header(out, keys.iter().copied())?;
    for (t, e) in events {
        let mut cells = timesketch_cells(*t, e);
        cells.extend(keys.iter().map(|k| e.field(k).map(value_text).unwrap_or_default()));
        write_csv_row(out, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

/// The Timesketch CSV header: the fixed columns, then one per field key (in `keys` order).
pub(crate) fn write_timesketch_header<'k, W: Write>(
    out: &mut W,
    keys: impl Iterator<Item = &'k str>,
) -> io::Result<()> {
    let field_columns: Vec<String> = keys.map(|k| format!("{FIELD_PREFIX}{k}")).collect();
    write_csv_row(out, TIMESKETCH_COLUMNS.into_iter().chain(field_columns.iter().map(String::as_str)))
}

/// The cells of a Timesketch CSV row before its field columns.
pub(crate) fn timesketch_cells(t: DateTime<Utc>, e: &Event) -> Vec<String> {
    let mut cells = vec![
        e.message.clone(),
        timesketch_datetime(t),
        t.timestamp_micros().to_string(),
        timestamp_desc(e).to_string(),
    ];
    cells.extend(contract_cells(e));
    cells.extend(provenance_cells(e));
    cells
}

fn write_timesketch_jsonl<W: Write>(out: &mut W, events: &[(DateTime<Utc>, &Event)]) -> io::Result<()> {
    for (_, e) in events {
        write_row(out, e, TimelineFormat::TimesketchJsonl)?;
    }
    Ok(())
}

/// One Timesketch JSONL object: the fixed keys in [`TIMESKETCH_COLUMNS`] order, then
/// `field_<key>` per field in the event's order (lists as arrays, numbers as numbers).
struct TimesketchRow<'e>(DateTime<Utc>, &'e Event);

struct FieldValueJson<'e>(&'e Value);

impl Serialize for FieldValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use postmortem_parsers::FieldValue;
        match self.0 {
            FieldValue::Str(v) => s.serialize_str(v),
            FieldValue::Int(n) => s.serialize_i64(*n),
            FieldValue::List(items) => s.collect_seq(items.iter().map(|i| i.as_ref())),
        }
    }
}

impl Serialize for TimesketchRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let TimesketchRow(t, e) = self;
        let mut map = s.serialize_map(Some(TIMESKETCH_COLUMNS.len() + e.fields.len()))?;
        map.serialize_entry("message", &e.message)?;
        map.serialize_entry("datetime", &timesketch_datetime(*t))?;
        map.serialize_entry("timestamp", &t.timestamp_micros())?;
        map.serialize_entry("timestamp_desc", timestamp_desc(e))?;
        map.serialize_entry("source", e.source)?;
        map.serialize_entry("kind", e.kind)?;
        map.serialize_entry("host", &e.host)?;
        map.serialize_entry("process", &e.process)?;
        map.serialize_entry("pm_id", &e.pm_id)?;
        map.serialize_entry("pid", &e.pid)?;
        map.serialize_entry("user", &e.user)?;
        map.serialize_entry("file", &e.provenance.file)?;
        map.serialize_entry("line", &e.line)?;
        map.serialize_entry("sha256", &e.provenance.sha256)?;
        for (k, v) in &e.fields {
            map.serialize_entry(&format!("{FIELD_PREFIX}{k}"), &FieldValueJson(v))?;
        }
        map.end()
    }
}

/// Fields shown in the table's message column, after the message.
fn key_fields(e: &Event) -> String {
    e.fields
        .iter()
        .filter(|(k, v)| *k != crate::event::DETAIL_FIELD && !(*k == "level" && v.as_str() == Some("log")))
        .map(|(k, v)| format!("{k}={}", value_text(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2026-02-17 14:31:04`, with the fraction only when the evidence had one.
fn table_time(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    if t.nanosecond() == 0 {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }
}

fn write_table<'e, W: Write>(
    out: &mut W,
    events: impl Iterator<Item = &'e Event>,
    width: usize,
) -> io::Result<()> {
    let header = ["time (UTC)", "source", "kind", "process", "message", "where"].map(String::from).to_vec();
    let mut dated = vec![header.clone()];
    let mut undated = vec![header];
    for e in events {
        let who = match (&e.process, &e.pm_id, &e.user) {
            (Some(p), Some(id), _) => format!("{p}:{id}"),
            (Some(p), None, _) => p.clone(),
            (None, _, Some(u)) => format!("user {u}"),
            _ => e.pid.map(|p| format!("pid {p}")).unwrap_or_default(),
        };
        // Every cell through `safe::terminal`; the message and its fields separately, so the
        // line break between them stays.
        let message = safe::terminal(&e.message);
        let fields = key_fields(e);
        let message = if fields.is_empty() {
            message.into_owned()
        } else {
            format!("{message}\n{}", safe::terminal(&fields))
        };
        let row = vec![
            e.time.map(table_time).unwrap_or_default(),
            safe::terminal(e.source).into_owned(),
            safe::terminal(e.kind).into_owned(),
            safe::terminal(&who).into_owned(),
            message,
            safe::terminal(&format!("{}:{}", e.provenance.file, e.line)).into_owned(),
        ];
        if e.time.is_some() {
            dated.push(row)
        } else {
            undated.push(row)
        }
    }
    let (n_dated, n_undated) = (dated.len() - 1, undated.len() - 1);
    if n_dated > 0 {
        writeln!(out, "{}", table::render(dated, width))?;
    }
    if n_undated > 0 {
        writeln!(out, "\nUndated ({n_undated} events, in file order):")?;
        writeln!(out, "{}", table::render(undated, width))?;
    }
    writeln!(out, "{n_dated} dated events, {n_undated} undated")?;
    Ok(())
}

/// Lists every unparsed line kept, with file, line, reason and text (terminal-safe).
pub fn write_unparsed<W: Write>(out: &mut W, timeline: &crate::timeline::Timeline) -> io::Result<()> {
    let inputs = timeline.bundles.iter().flat_map(|b| &b.inputs);
    let total: u64 = timeline.bundles.iter().flat_map(|b| &b.inputs).map(|i| i.counts.unparsed).sum();
    writeln!(out, "\nUnparsed lines: {total}")?;
    for input in inputs {
        for u in &input.unparsed {
            let (file, text) = (safe::terminal(&input.file), safe::terminal(&u.text));
            writeln!(out, "{file}:{}: {}: {text}", u.line, u.reason)?;
        }
        let kept = input.unparsed.len() as u64;
        if input.counts.unparsed > kept {
            let file = safe::terminal(&input.file);
            writeln!(out, "{file}: … {} more not kept", input.counts.unparsed - kept)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;
    use postmortem_parsers::{RawTime, Record};

    use super::*;
    use crate::event::Provenance;

    fn event(line: u64, dated: bool, message: &str) -> Event {
        let prov = Arc::new(Provenance { file: "pm2.log".into(), sha256: "ab".into() });
        let mut rec = Record::new(line, RawTime::None, "pm2", "app-exit", message);
        rec.push_field("exit_code", -1i64);
        rec.push_field("signal", "SIGKILL");
        rec.continuation.push("    at x".into());
        let mut e = Event::from_record(rec, &prov);
        e.time = dated.then(|| Utc.with_ymd_and_hms(2026, 2, 17, 14, 31, 4).unwrap());
        e
    }

    fn export(format: TimelineFormat, events: &[Event]) -> (String, usize) {
        let mut out = Vec::new();
        let undated = write_counted(&mut out, events.iter(), format, 80).unwrap();
        (String::from_utf8(out).unwrap(), undated)
    }

    #[test]
    fn timesketch_leaves_undated_out_and_counts_them() {
        let events = [event(1, true, "=1+1"), event(2, false, "undated"), event(3, false, "x")];
        let (csv, undated) = export(TimelineFormat::Timesketch, &events);
        assert_eq!(undated, 2);
        assert_eq!(
            csv,
            "message,datetime,timestamp,timestamp_desc,source,kind,host,process,pm_id,pid,user,file,line,\
             sha256,field_detail,field_exit_code,field_signal\n\
             '=1+1,2026-02-17T14:31:04.000000+00:00,1771338664000000,Log Line Time,pm2,app-exit,,,,,,\
             pm2.log,1,ab,    at x,-1,SIGKILL\n"
        );
        let (jsonl, undated) = export(TimelineFormat::TimesketchJsonl, &events);
        assert_eq!(undated, 2);
        assert_eq!(
            jsonl,
            "{\"message\":\"=1+1\",\"datetime\":\"2026-02-17T14:31:04.000000+00:00\",\
             \"timestamp\":1771338664000000,\"timestamp_desc\":\"Log Line Time\",\"source\":\"pm2\",\
             \"kind\":\"app-exit\",\"host\":null,\"process\":null,\"pm_id\":null,\"pid\":null,\
             \"user\":null,\"file\":\"pm2.log\",\"line\":1,\"sha256\":\"ab\",\"field_exit_code\":-1,\
             \"field_signal\":\"SIGKILL\",\"field_detail\":[\"    at x\"]}\n"
        );
        assert_eq!(export(TimelineFormat::Jsonl, &events).1, 0);
    }

    #[test]
    fn csv_neutralises_every_cell_and_table_strips_escapes() {
        let events = [event(1, true, "@SUM(A1)"), event(2, false, "\x1b]0;t\x07\x1b[31mred\rx")];
        let (csv, _) = export(TimelineFormat::Csv, &events);
        assert!(csv.contains("\n2026-02-17T14:31:04.000000Z,pm2,app-exit,,,,,,'@SUM(A1),"), "{csv}");
        let (table, _) = export(TimelineFormat::Table, &events);
        assert!(!table.contains(['\x1b', '\x07', '\r']) && table.contains("redx"), "{table}");
    }
}
