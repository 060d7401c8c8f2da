//! The timeline as a table, JSONL (the event contract) or CSV.

use std::io::{self, Write};

use crate::event::{value_text, Event};
use crate::report::table;

/// Output format of `postmortem timeline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TimelineFormat {
    /// A table fitted to the terminal; undated events in their own section.
    Table,
    /// One JSON event per line (the event contract).
    Jsonl,
    /// CSV with the contract's columns; `fields` as a JSON object.
    Csv,
}

/// Writes events in `format`.
pub fn write<'e, W: Write>(
    out: &mut W,
    events: impl Iterator<Item = &'e Event>,
    format: TimelineFormat,
    width: usize,
) -> io::Result<()> {
    match format {
        TimelineFormat::Jsonl => {
            for e in events {
                serde_json::to_writer(&mut *out, e)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        TimelineFormat::Csv => write_csv(out, events),
        TimelineFormat::Table => write_table(out, events, width),
    }
}

const CSV_HEADER: &str = "time,source,kind,host,process,pm_id,pid,user,message,fields,file,line,sha256";

fn write_csv<'e, W: Write>(out: &mut W, events: impl Iterator<Item = &'e Event>) -> io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for e in events {
        let value = serde_json::to_value(e).map_err(io::Error::other)?;
        let fields = value.get("fields").map(|f| f.to_string()).unwrap_or_default();
        let cells = [
            e.time_text().unwrap_or_default(),
            e.source.to_string(),
            e.kind.to_string(),
            e.host.clone().unwrap_or_default(),
            e.process.clone().unwrap_or_default(),
            e.pm_id.clone().unwrap_or_default(),
            e.pid.map(|p| p.to_string()).unwrap_or_default(),
            e.user.clone().unwrap_or_default(),
            e.message.clone(),
            fields,
            e.provenance.file.clone(),
            e.line.to_string(),
            e.provenance.sha256.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// Quotes a CSV cell when it needs it (RFC 4180).
pub fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
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
        let fields = key_fields(e);
        let message = if fields.is_empty() { e.message.clone() } else { format!("{}\n{fields}", e.message) };
        let row = vec![
            e.time.map(table_time).unwrap_or_default(),
            e.source.to_string(),
            e.kind.to_string(),
            who,
            message,
            format!("{}:{}", e.provenance.file, e.line),
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

/// Lists every unparsed line kept, with file, line, reason and text.
pub fn write_unparsed<W: Write>(out: &mut W, timeline: &crate::timeline::Timeline) -> io::Result<()> {
    let inputs = timeline.bundles.iter().flat_map(|b| &b.inputs);
    let total: u64 = timeline.bundles.iter().flat_map(|b| &b.inputs).map(|i| i.counts.unparsed).sum();
    writeln!(out, "\nUnparsed lines: {total}")?;
    for input in inputs {
        for u in &input.unparsed {
            writeln!(out, "{}:{}: {}: {}", input.file, u.line, u.reason, u.text)?;
        }
        let kept = input.unparsed.len() as u64;
        if input.counts.unparsed > kept {
            writeln!(out, "{}: … {} more not kept", input.file, input.counts.unparsed - kept)?;
        }
    }
    Ok(())
}
