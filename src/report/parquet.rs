//! `timeline --format parquet`: the events as a typed Parquet table (polars), for DuckDB,
//! pandas, Spark. Columns: `time` (Datetime µs, UTC; null for undated events), `source`,
//! `kind`, `host`, `process`, `pm_id`, `pid` (u64), `user`, `message`, `fields` (the event's
//! fields as a JSON object, exact), `file`, `line` (u64), `sha256`. Text is kept exactly.

use std::io;
use std::path::Path;

use crate::event::Event;

/// Whether this build can write Parquet (the `parquet` cargo feature, on by default).
pub const AVAILABLE: bool = cfg!(feature = "parquet");

/// Writes `events` to a Parquet file at `path`; returns the rows written.
#[cfg(feature = "parquet")]
pub fn write(path: &Path, events: &[&Event]) -> io::Result<usize> {
    use polars::prelude::*;

    let text = |name: &str, f: &dyn Fn(&Event) -> Option<String>| -> Column {
        Series::new(name.into(), events.iter().map(|e| f(e)).collect::<Vec<Option<String>>>()).into()
    };
    let time = Series::new(
        "time".into(),
        events.iter().map(|e| e.time.map(|t| t.timestamp_micros())).collect::<Vec<_>>(),
    )
    .cast(&DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)))
    .map_err(io::Error::other)?;
    let columns: Vec<Column> = vec![
        time.into(),
        text("source", &|e| Some(e.source.to_string())),
        text("kind", &|e| Some(e.kind.to_string())),
        text("host", &|e| e.host.clone()),
        text("process", &|e| e.process.clone()),
        text("pm_id", &|e| e.pm_id.clone()),
        Series::new("pid".into(), events.iter().map(|e| e.pid).collect::<Vec<Option<u64>>>()).into(),
        text("user", &|e| e.user.clone()),
        text("message", &|e| Some(e.message.clone())),
        text("fields", &|e| Some(e.fields_json())),
        text("file", &|e| Some(e.provenance.file.clone())),
        Series::new("line".into(), events.iter().map(|e| e.line).collect::<Vec<u64>>()).into(),
        text("sha256", &|e| Some(e.provenance.sha256.clone())),
    ];
    let mut df = DataFrame::new(events.len(), columns).map_err(io::Error::other)?;
    let file = std::fs::File::create(path)?;
    ParquetWriter::new(file).finish(&mut df).map_err(io::Error::other)?;
    Ok(events.len())
}

/// Without the `parquet` feature: says how to get it.
#[cfg(not(feature = "parquet"))]
pub fn write(_path: &Path, _events: &[&Event]) -> io::Result<usize> {
    Err(io::Error::other(
        "this postmortem was built without Parquet support: rebuild with `--features parquet`",
    ))
}
