//! The streamed timeline: every event of the evidence in timeline order, in memory bounded
//! by the files being read, not by their size.
//!
//! 1. **First pass** (the caller): the evidence is loaded as `analyze` loads it (background
//!    records counted and folded, not kept), and its clock resolved
//!    (`timeline::build_keeping_clocks`). Every input now knows its zone, year base and boots,
//!    and whether its records came in time order (`clock::OrderCheck`). The inventory
//!    (`--app`) and the unparsed lines (`--show-unparsed`) come from this pass.
//! 2. **Second pass** ([`producer`]): each evidence file is read again, with the same
//!    windows, parser and record order, on a thread of its own; each event is dated with its
//!    input's clock (`clock::InputClock`, the first pass's decisions), filtered, rendered as its
//!    output row and given its [`Key`](key::Key) — the in-memory sort's order made unique.
//! 3. **Merge** ([`merge`]): one heap over the producers' streams and any sorted runs they
//!    spilled, written in key order.
//!
//! Invariant: the output is byte-identical to sorting every event in memory
//! (`tests/timeline_stream.rs` holds every sample, every row format and hostile orders to it).
//! An input in order streams straight through; one whose records came a little late waits in
//! a reorder window; one of unknown order (or read through a zone that changes its offset
//! inside its span, or a snapshot, or one of several inputs of an archive) is sorted whole,
//! in memory up to the sort budget and in runs on disk beyond it. Nothing is ever written out
//! of order: a broken promise stops the timeline with an error.

mod key;
mod merge;
mod producer;
mod spill;

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use chrono::Duration;

use crate::clock::order::Order;
use crate::clock::BundleClock;
use crate::evidence::{self, Input, InputStatus, LoadOptions};
use crate::report::timeline::{self as rows, TimelineFormat};
use crate::timeline::{Filter, Timeline};
use key::Key;
use producer::{FileJob, InputJob, Release};
use spill::{RunReader, Runs, SpillDir};

/// Rows that may wait in memory across all producers before they go to disk (default).
pub const DEFAULT_SORT_BUDGET: usize = 128 << 20;

/// How late a record may come (behind the latest before it) for its input still to stream
/// through a reorder window rather than be sorted whole.
pub fn reorder_window() -> Duration {
    Duration::seconds(60)
}

/// How the streamed timeline may use memory and disk.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Bytes of rendered rows that may wait in memory (see [`DEFAULT_SORT_BUDGET`]).
    pub sort_budget: usize,
    /// Where temporary files go (default: the system's temporary directory).
    pub tmp_dir: Option<PathBuf>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions { sort_budget: DEFAULT_SORT_BUDGET, tmp_dir: None }
    }
}

/// What to do when temporary files cannot be written.
const TMP_HINT: &str = "give --tmp-dir a writable directory with room, or free some space";

/// Why the streamed timeline stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Writing the output failed.
    #[error("cannot write the timeline: {0}")]
    Write(io::Error),
    /// A temporary file could not be made or read.
    #[error("temporary files: {0} ({TMP_HINT})")]
    Temp(io::Error),
    /// A second read did not match the first, or a reader failed.
    #[error("{0}")]
    Failed(String),
    /// A row came out of order (never written).
    #[error("{0}")]
    Order(String),
}

/// What a streamed timeline wrote.
#[derive(Debug)]
pub struct Streamed {
    /// Undated events the format left out.
    pub left_out: usize,
    /// Rows written.
    pub rows: u64,
    /// Sorted runs that went to disk.
    pub runs: u64,
}

/// What the producers share.
pub(crate) struct Shared {
    filter: Filter,
    /// The formats rendered, each row holding one part per format (see [`parts`]).
    formats: Vec<TimelineFormat>,
    /// The second pass's load options (the in-memory path's retention).
    load: LoadOptions,
    spill: Runs,
    budget: usize,
    /// Bytes of rows waiting in all producers.
    waiting: AtomicUsize,
    /// Producers kept running ahead of need.
    readers: usize,
}

/// Whether `format` can be streamed (every format but the terminal table and Parquet).
pub fn streams(format: TimelineFormat) -> bool {
    rows::is_row_format(format) || format == TimelineFormat::Timesketch
}

/// Writes the events of `timeline` (the first pass over `arguments`, with the `clocks` it
/// resolved with, one per bundle) that pass `filter`, in timeline order, as `format`,
/// reading the evidence a second time with `load`.
#[allow(clippy::too_many_arguments)]
pub fn write<W: Write>(
    out: &mut W,
    arguments: &[PathBuf],
    timeline: &Timeline,
    clocks: Vec<BundleClock>,
    load: &LoadOptions,
    filter: Filter,
    format: TimelineFormat,
    options: &StreamOptions,
) -> Result<Streamed, StreamError> {
    let mut outputs = [Output { format, out }];
    let mut streamed = write_all(&mut outputs, arguments, timeline, clocks, load, filter, options)?;
    Ok(streamed.remove(0))
}

/// One output of [`write_all`]: a format and where it goes.
pub struct Output<'w> {
    /// The format written.
    pub format: TimelineFormat,
    /// Where.
    pub out: &'w mut dyn Write,
}

/// [`write`] into several outputs at once, from one more read of the evidence: each event is
/// rendered in every format and goes to every output (`analyze --out` writes its JSONL and
/// Timesketch CSV timelines so).
pub fn write_all(
    outputs: &mut [Output<'_>],
    arguments: &[PathBuf],
    timeline: &Timeline,
    clocks: Vec<BundleClock>,
    load: &LoadOptions,
    filter: Filter,
    options: &StreamOptions,
) -> Result<Vec<Streamed>, StreamError> {
    let formats: Vec<TimelineFormat> = outputs.iter().map(|o| o.format).collect();
    assert!(formats.iter().all(|f| streams(*f)), "{formats:?} are not all streamed");
    let jobs = plan(arguments, timeline, clocks)?;
    let parent = options.tmp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let (_dir, runs) = SpillDir::new(&parent);
    let shared = Arc::new(Shared {
        filter,
        formats,
        load: load.clone(),
        spill: runs,
        budget: options.sort_budget,
        waiting: AtomicUsize::new(0),
        readers: rayon::current_num_threads().max(2),
    });
    // Where each format's part of a row goes: straight out (rows copied once more into big
    // writes: the caller's buffer may be small), or, for Timesketch CSV, whose header needs
    // every field key, to a temporary run written out at the end.
    enum Sink<'a, 'w> {
        Direct(io::BufWriter<&'a mut (dyn Write + 'w)>),
        Timesketch(spill::RunWriter, &'a mut (dyn Write + 'w)),
    }
    let count = outputs.len();
    let mut sinks = Vec::new();
    for output in outputs.iter_mut() {
        sinks.push(if output.format == TimelineFormat::Timesketch {
            Sink::Timesketch(shared.spill.run().map_err(StreamError::Temp)?, &mut *output.out)
        } else {
            let mut out = io::BufWriter::with_capacity(1 << 20, &mut *output.out);
            rows::write_preamble(&mut out, output.format).map_err(StreamError::Write)?;
            Sink::Direct(out)
        });
    }
    let undated = Key::new(None, 0, 0, 0, 0, 0);
    let merged = merge::merge(jobs, &shared, &mut |row| {
        for (sink, part) in sinks.iter_mut().zip(parts(row)) {
            match sink {
                Sink::Direct(out) => out.write_all(part)?,
                Sink::Timesketch(all, _) if !part.is_empty() => all
                    .push(undated, part)
                    .map_err(|e| io::Error::new(e.kind(), format!("a temporary file: {e} ({TMP_HINT})")))?,
                Sink::Timesketch(..) => {}
            }
        }
        Ok(())
    })?;
    for sink in sinks {
        match sink {
            Sink::Direct(mut out) => out.flush().map_err(StreamError::Write)?,
            Sink::Timesketch(all, mut out) => {
                let all = all.finish().map_err(StreamError::Temp)?;
                write_timesketch_csv(&mut out, &all, &merged.field_keys)?;
            }
        }
    }
    let runs = shared.spill.written();
    Ok((0..count)
        .map(|i| Streamed { left_out: merged.left_out.get(i).copied().unwrap_or(0), rows: merged.rows, runs })
        .collect())
}

/// The parts of a rendered row, one per format (each its length, 4 bytes, and its text).
fn parts(row: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = row;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (part, after) = take(rest);
        rest = after;
        Some(part)
    })
}

/// The Timesketch CSV: the header (now that every field key is known), then each merged row
/// with its field cells in the header's order.
fn write_timesketch_csv<W: Write>(
    out: &mut W,
    merged: &std::path::Path,
    keys: &BTreeSet<&'static str>,
) -> Result<(), StreamError> {
    rows::write_timesketch_header(out, keys.iter().copied()).map_err(StreamError::Write)?;
    let mut run = RunReader::open(merged).map_err(StreamError::Temp)?;
    let mut line = Vec::new();
    while let Some((_, row)) = run.current() {
        let (fixed, rest) = take(row);
        let n = rest.get(..4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        let mut rest = rest.get(4..).unwrap_or_default();
        let mut cells: Vec<Option<&[u8]>> = vec![None; keys.len()];
        for _ in 0..n {
            let (k, after_key) = take(rest);
            let (v, after_value) = take(after_key);
            rest = after_value;
            let k = std::str::from_utf8(k).unwrap_or_default();
            if let Some(i) = keys.iter().position(|known| *known == k) {
                // The first field of a key wins, as `Event::field` finds it.
                cells[i].get_or_insert(v);
            }
        }
        line.clear();
        line.extend_from_slice(fixed);
        for cell in cells {
            line.push(b',');
            line.extend_from_slice(cell.unwrap_or_default());
        }
        line.push(b'\n');
        out.write_all(&line).map_err(StreamError::Write)?;
        run.advance().map_err(StreamError::Temp)?;
    }
    Ok(())
}

/// Splits a length-prefixed piece off `bytes`.
fn take(bytes: &[u8]) -> (&[u8], &[u8]) {
    let len = bytes.get(..4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let rest = bytes.get(4..).unwrap_or_default();
    rest.split_at(len.min(rest.len()))
}

/// Which files to read again, with their inputs as the first pass saw them.
fn plan(
    arguments: &[PathBuf],
    timeline: &Timeline,
    clocks: Vec<BundleClock>,
) -> Result<Vec<FileJob>, StreamError> {
    let mut names: Vec<&str> =
        timeline.bundles.iter().flat_map(|b| &b.inputs).map(|i| i.file.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let rank = |name: &str| names.binary_search(&name).map_or(0, |r| r as u32);
    let changed = |what: String| {
        StreamError::Failed(format!(
            "{what}: the evidence changed between its two reads; copy it somewhere it stays still and run again"
        ))
    };
    let mut jobs = Vec::new();
    for (b, ((argument, bundle), clock)) in arguments.iter().zip(&timeline.bundles).zip(clocks).enumerate() {
        let clock = Arc::new(clock);
        let mut next = 0;
        for (display, path) in evidence::entries(argument) {
            let first = next;
            if bundle.inputs.get(next).is_none_or(|i| i.file != display) {
                return Err(changed(display));
            }
            next += 1;
            let Some(path) = path else { continue };
            let prefix = format!("{display}!/");
            while bundle.inputs.get(next).is_some_and(|i| i.file.starts_with(&prefix)) {
                next += 1;
            }
            let mut inputs: Vec<InputJob> = (first..next)
                .map(|i| {
                    let input = &bundle.inputs[i];
                    InputJob {
                        file: input.file.clone(),
                        index: i as u32,
                        rank: rank(&input.file),
                        emits: matches!(input.status, InputStatus::Parsed | InputStatus::Failed(_)),
                        provenance: Arc::new(crate::event::Provenance {
                            file: input.file.clone(),
                            sha256: input.sha256.clone(),
                        }),
                        clock: clock.input(input),
                        release: release_of(input, &clock),
                    }
                })
                .collect();
            let has_events = |i: &Input| {
                matches!(i.status, InputStatus::Parsed | InputStatus::Failed(_)) && i.event_count > 0
            };
            let with_events: Vec<usize> = (first..next).filter(|&i| has_events(&bundle.inputs[i])).collect();
            let lowest = |i: usize| {
                let input = &bundle.inputs[i];
                Key::new(input.span.map(|s| s.0), rank(&input.file), 0, b as u32, i as u32, 0)
            };
            let Some(lower) = with_events.iter().map(|&i| lowest(i)).min() else { continue };
            let spill_all = with_events.len() > 1;
            if spill_all {
                inputs.iter_mut().for_each(|job| job.release = Release::AtEnd);
            }
            jobs.push(FileJob {
                bundle: b as u32,
                path,
                display,
                inputs,
                spill_all: with_events.len() > 1,
                lower,
            });
        }
        if next != bundle.inputs.len() {
            return Err(changed(bundle.argument.clone()));
        }
    }
    Ok(jobs)
}

/// When an input's rows may leave its producer, from what the first pass saw of its order.
fn release_of(input: &Input, clock: &BundleClock) -> Release {
    if input.status != InputStatus::Parsed || input.format.is_some_and(|f| f.is_snapshot()) {
        return Release::AtEnd;
    }
    let day = Duration::days(1);
    let zone_moves = input.order.zoned()
        && input.span.is_some_and(|(from, to)| clock.zone_changes_between(from - day, to + day));
    match input.order.order(reorder_window()) {
        _ if zone_moves => Release::AtEnd,
        Order::InOrder => Release::Now,
        Order::Late(late) => Release::Behind(late),
        Order::Unknown => Release::AtEnd,
    }
}
