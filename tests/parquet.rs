//! `timeline --format parquet` read back with polars: the typed schema, one row per event
//! (undated ones too, with a null time), exact text.
#![cfg(feature = "parquet")]

mod common;

use common::*;
use polars::prelude::*;

#[test]
fn parquet_has_the_typed_schema_and_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let out = postmortem([
        "timeline",
        sample().to_str().unwrap(),
        "--format",
        "parquet",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let df = ParquetReader::new(std::fs::File::open(&path).unwrap()).finish().unwrap();
    let jsonl = jsonl(&postmortem(["timeline", sample().to_str().unwrap(), "--format", "jsonl"]));
    assert_eq!(df.height(), jsonl.len());
    let schema = df.schema();
    assert_eq!(schema.get("time"), Some(&DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))));
    for text in ["source", "kind", "host", "process", "pm_id", "user", "message", "fields", "file", "sha256"]
    {
        assert_eq!(schema.get(text), Some(&DataType::String), "{text}");
    }
    assert_eq!(schema.get("pid"), Some(&DataType::UInt64));
    assert_eq!(schema.get("line"), Some(&DataType::UInt64));
    // Undated events (the workflow's commands) keep their row with a null time.
    let undated = jsonl.iter().filter(|e| e["time"].is_null()).count();
    assert!(undated > 0);
    assert_eq!(df.column("time").unwrap().null_count(), undated);
    // The first event, exactly.
    let message = df.column("message").unwrap().str().unwrap().get(0).unwrap().to_string();
    assert_eq!(message, jsonl[0]["message"].as_str().unwrap());
}

#[test]
fn parquet_needs_an_output_file() {
    let out = postmortem(["timeline", sample().to_str().unwrap(), "--format", "parquet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output FILE"), "{}", stderr(&out));
}
