//! One producer per evidence file: reads it again (second pass), dates, filters and renders
//! its events, and hands them to the merge in key order.
//!
//! Each input of the file is released according to what the first pass saw of its order
//! ([`Release`]): straight through when it was in order, through a reorder window when its
//! records came at most a little late, or only at its end (an external sort) when its order
//! is unknown. Rows waiting go to disk as a sorted run whenever the rows waiting in all
//! producers pass the sort budget. Every row released is checked against the last one: an
//! input whose order differs from the first pass's stops the timeline with an error instead
//! of coming out in a wrong order.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

use chrono::Duration;

use super::key::{Key, Rows};
use super::{Shared, TMP_HINT};
use crate::clock::InputClock;
use crate::event::{value_text, Event, Provenance};
use crate::evidence::{self, Input, LoadOptions, Tap};
use crate::report::timeline::{self as rows, TimelineFormat};
use crate::report::{jsonl, safe};

/// Rows handed to the merge at once.
const BATCH_BYTES: usize = 256 << 10;

/// When an input's rows may leave its producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// As they come (the input was in time order).
    Now,
    /// Once the input's time has passed them by this much (records came at most this late).
    Behind(Duration),
    /// At the input's end, sorted (order unknown: an external sort).
    AtEnd,
}

/// An input of the first pass, as its producer needs it.
#[derive(Debug)]
pub struct InputJob {
    /// Its display name (how the second read is matched to it).
    pub file: String,
    /// Its index in its bundle.
    pub index: u32,
    /// Its file name's rank among every input's.
    pub rank: u32,
    /// Whether its events are in the timeline (not a copy counted once).
    pub emits: bool,
    /// Its final provenance (with the hash).
    pub provenance: Arc<Provenance>,
    /// Its clock.
    pub clock: InputClock,
    /// When its rows may leave.
    pub release: Release,
}

/// One file entry of a bundle to read again, with its inputs.
#[derive(Debug)]
pub struct FileJob {
    /// The bundle's index.
    pub bundle: u32,
    /// The file on disk.
    pub path: PathBuf,
    /// Its display name.
    pub display: String,
    /// Its inputs from the first pass, in order.
    pub inputs: Vec<InputJob>,
    /// Several inputs with events (an archive): each goes to disk whole before the next is
    /// read, so that the merge never waits on an input this file has not reached yet.
    pub spill_all: bool,
    /// No key of this file is below this one.
    pub lower: Key,
}

/// What a producer sends to the merge.
#[derive(Debug)]
pub enum Msg {
    /// Rows in key order (continuing the rows sent before).
    Rows(Rows),
    /// A sorted run on disk, to be merged as a stream of its own.
    Run(PathBuf),
    /// The file is done: undated events left out per format, field keys seen (Timesketch CSV).
    Done { left_out: Vec<usize>, field_keys: BTreeSet<&'static str> },
    /// The file cannot be streamed: why.
    Failed(String),
}

/// A row waiting in a producer.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Waiting(Key, Box<[u8]>);

/// The state of one producer (lives inside its loader's tap).
struct Producer {
    job: FileJob,
    shared: Arc<Shared>,
    tx: SyncSender<Msg>,
    /// Next input of `job.inputs` a new second-pass input may match.
    cursor: usize,
    /// The input being read.
    current: Option<usize>,
    seq: u64,
    last_released: Option<Key>,
    furthest: Option<Key>,
    waiting: BinaryHeap<Reverse<Waiting>>,
    waiting_bytes: usize,
    out: Rows,
    row: Vec<u8>,
    /// Undated events left out, per format.
    left_out: Vec<usize>,
    field_keys: BTreeSet<&'static str>,
    /// Renders JSONL rows (the provenance's members once per input).
    jsonl: jsonl::Writer,
    /// Stopped (the merge is gone, or an error was sent): events are dropped.
    stopped: bool,
}

/// Reads `job`'s file again on this thread, sending its rows on `tx`.
pub fn run(job: FileJob, shared: Arc<Shared>, tx: SyncSender<Msg>) {
    let (path, display) = (job.path.clone(), job.display.clone());
    let done = tx.clone();
    let producer = std::sync::Mutex::new(Producer::new(job, Arc::clone(&shared), tx));
    let producer = Arc::new(producer);
    let tapped = Arc::clone(&producer);
    let tap = Tap::new(move |input: &Input, events: &mut [Event], ended: bool| {
        let mut p = tapped.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        p.take(input, events, ended);
    });
    // The first pass hashed every input: rows take its hashes.
    let options = LoadOptions { tap: Some(tap), hash: false, ..shared.load.clone() };
    evidence::load_one(&path, display, &options);
    let mut p = producer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !p.stopped {
        if let Some(i) = p.current {
            let file = p.job.inputs[i].file.clone();
            p.fail(format!("{file}: the second read ended in the middle of the input"));
        } else {
            p.send_rows();
            let left_out = std::mem::take(&mut p.left_out);
            let msg = Msg::Done { left_out, field_keys: std::mem::take(&mut p.field_keys) };
            let _ = done.send(msg);
        }
    }
}

impl Producer {
    /// A producer of `job`'s rows, sending on `tx`.
    fn new(job: FileJob, shared: Arc<Shared>, tx: SyncSender<Msg>) -> Producer {
        let formats = shared.formats.len();
        Producer {
            job,
            shared,
            tx,
            cursor: 0,
            current: None,
            seq: 0,
            last_released: None,
            furthest: None,
            waiting: BinaryHeap::new(),
            waiting_bytes: 0,
            out: Rows::with_capacity(BATCH_BYTES + (BATCH_BYTES >> 2)),
            row: Vec::new(),
            left_out: vec![0; formats],
            field_keys: BTreeSet::new(),
            jsonl: jsonl::Writer::default(),
            stopped: false,
        }
    }

    /// The tap: the next events of `input`.
    fn take(&mut self, input: &Input, events: &mut [Event], ended: bool) {
        if self.stopped {
            return;
        }
        let i = match self.current {
            Some(i) => i,
            None => match self.job.inputs[self.cursor..].iter().position(|j| j.file == input.file) {
                Some(offset) => {
                    let i = self.cursor + offset;
                    self.current = Some(i);
                    (self.seq, self.last_released, self.furthest) = (0, None, None);
                    i
                }
                None => {
                    return self.fail(format!(
                        "{}: read again, it is not the input read first (the evidence changed while it was read: \
                         copy it somewhere it stays still and run again)",
                        input.file
                    ))
                }
            },
        };
        for event in events {
            self.seq += 1;
            if self.job.inputs[i].emits {
                self.event(i, event);
            }
            if self.stopped {
                return;
            }
        }
        if ended {
            self.end_input();
            self.current = None;
            self.cursor = i + 1;
        }
    }

    /// Dates, filters, renders and places one event of input `i`.
    fn event(&mut self, i: usize, e: &mut Event) {
        let shared = Arc::clone(&self.shared);
        let job = &self.job.inputs[i];
        e.time = job.clock.time_of(e);
        e.provenance = Arc::clone(&job.provenance);
        if !shared.filter.matches(e) {
            return;
        }
        if e.time.is_none() {
            for (left_out, format) in self.left_out.iter_mut().zip(&shared.formats) {
                *left_out += usize::from(format.dated_only());
            }
            if shared.formats.iter().all(|f| f.dated_only()) {
                return;
            }
        }
        let key = Key::new(e.time, job.rank, e.line, self.job.bundle, job.index, self.seq);
        if self.last_released.is_some_and(|last| key < last) {
            let file = job.file.clone();
            return self.fail(format!(
                "{file} line {}: its records came in another order than on the first read \
                 (the evidence changed while it was read?); nothing was written out of order. \
                 Run again, or use --format table or parquet, which sort in memory",
                e.line
            ));
        }
        let release = job.release;
        if release == Release::Now && !key.undated {
            // Rendered straight into the batch the merge receives.
            let (keys, jsonl) = (&mut self.field_keys, &mut self.jsonl);
            if let Err(err) = self.out.push_with(key, |row| render(row, e, &shared.formats, keys, jsonl)) {
                return self.fail(format!("cannot write a row: {err}"));
            }
            return self.released(key);
        }
        self.row.clear();
        if let Err(err) = render(&mut self.row, e, &shared.formats, &mut self.field_keys, &mut self.jsonl) {
            return self.fail(format!("cannot write a row: {err}"));
        }
        let row: Box<[u8]> = self.row.as_slice().into();
        self.waiting_bytes += row.len();
        shared.waiting.fetch_add(row.len(), Ordering::Relaxed);
        self.waiting.push(Reverse(Waiting(key, row)));
        if let Release::Behind(late) = release {
            if !key.undated && self.furthest.is_none_or(|f| key > f) {
                self.furthest = Some(key);
            }
            self.release_behind(late);
        }
        if shared.waiting.load(Ordering::Relaxed) > shared.budget {
            self.spill();
        }
    }

    /// Releases the waiting rows the input's time has passed by more than `late`.
    fn release_behind(&mut self, late: Duration) {
        let Some(horizon) = self.furthest.and_then(|f| f.time()).map(|t| t - late) else { return };
        while let Some(Reverse(Waiting(key, _))) = self.waiting.peek() {
            if key.time().is_none_or(|t| t >= horizon) {
                break;
            }
            let Some(Reverse(Waiting(key, row))) = self.waiting.pop() else { break };
            self.unwait(row.len());
            self.out.push(key, &row);
            self.released(key);
        }
    }

    /// The row of `key` was just put in the batch: it is the last released, and a full
    /// batch goes to the merge.
    fn released(&mut self, key: Key) {
        self.last_released = Some(key);
        if self.out.bytes() >= BATCH_BYTES {
            self.send_rows();
        }
    }

    fn unwait(&mut self, bytes: usize) {
        self.waiting_bytes -= bytes;
        self.shared.waiting.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// The waiting rows, sorted, emptying the heap.
    fn take_waiting(&mut self) -> Vec<Waiting> {
        let mut rows: Vec<Waiting> =
            std::mem::take(&mut self.waiting).into_iter().map(|Reverse(w)| w).collect();
        rows.sort_unstable_by_key(|w| w.0);
        let bytes = self.waiting_bytes;
        self.unwait(bytes);
        rows
    }

    /// Writes the waiting rows to disk as a sorted run and hands it to the merge. Every key
    /// in it is at or after the last row released, so the merge has written nothing after it.
    fn spill(&mut self) {
        self.send_rows();
        if self.waiting.is_empty() {
            return;
        }
        let rows = self.take_waiting();
        match self.shared.spill.write_run(rows.iter().map(|Waiting(k, r)| (*k, &r[..]))) {
            Ok(path) => self.send(Msg::Run(path)),
            Err(e) => self.fail(format!("cannot write a temporary file: {e} ({TMP_HINT})")),
        }
    }

    /// The input ended: everything waiting goes out, sorted.
    fn end_input(&mut self) {
        if self.job.spill_all {
            self.spill();
            return;
        }
        for Waiting(key, row) in self.take_waiting() {
            self.out.push(key, &row);
            self.released(key);
        }
        self.send_rows();
    }

    fn send_rows(&mut self) {
        if !self.out.is_empty() {
            let rows =
                std::mem::replace(&mut self.out, Rows::with_capacity(BATCH_BYTES + (BATCH_BYTES >> 2)));
            self.send(Msg::Rows(rows));
        }
    }

    fn send(&mut self, msg: Msg) {
        if self.tx.send(msg).is_err() {
            self.stopped = true;
        }
    }

    fn fail(&mut self, why: String) {
        self.send(Msg::Failed(why));
        self.stopped = true;
        self.take_waiting();
    }
}

/// Appends `e`'s row to `out`: one part per format, each its length (4 bytes) and its text
/// (empty when the format leaves an undated event out; Timesketch CSV: its row before the
/// field columns are known, noting its field keys in `keys`). See `super::parts`.
fn render(
    out: &mut Vec<u8>,
    e: &Event,
    formats: &[TimelineFormat],
    keys: &mut BTreeSet<&'static str>,
    jsonl: &mut jsonl::Writer,
) -> std::io::Result<()> {
    for &format in formats {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        if e.time.is_some() || !format.dated_only() {
            match format {
                TimelineFormat::Timesketch => timesketch_row(out, e, keys),
                TimelineFormat::Jsonl => rows::jsonl_row(jsonl, out, e),
                format => rows::write_row(out, e, format)?,
            }
        }
        let len = u32::try_from(out.len() - at - 4).map_err(std::io::Error::other)?;
        out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
    Ok(())
}

/// A Timesketch CSV row before the field columns are known: the fixed cells as CSV, then
/// each field's key and cell (see `merge::write_timesketch_csv`).
fn timesketch_row(out: &mut Vec<u8>, e: &Event, keys: &mut BTreeSet<&'static str>) {
    let Some(t) = e.time else { return };
    let mut fixed = Vec::new();
    let _ = rows::write_csv_row(&mut fixed, rows::timesketch_cells(t, e).iter().map(String::as_str));
    fixed.pop(); // the line break: field cells follow
    put(out, &fixed);
    out.extend_from_slice(&(e.fields.len() as u32).to_le_bytes());
    for (k, v) in &e.fields {
        keys.insert(k);
        put(out, k.as_bytes());
        put(out, safe::csv_cell(&value_text(v)).as_bytes());
    }
}

/// Appends `bytes` with their length.
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc::{sync_channel, Receiver};

    use chrono::NaiveDateTime;
    use postmortem_parsers::{RawTime, Record};

    use super::*;
    use crate::clock::{resolve_bundle_keeping_clock, TimeOptions};
    use crate::evidence::{tests_support, Bundle};
    use crate::stream::spill::SpillDir;
    use crate::timeline::Filter;

    /// A producer of one input "f" released as `release`, and the merge's end of its channel.
    fn producer(release: Release, spill: &Path) -> (Producer, Receiver<Msg>, Input) {
        let mut bundle = Bundle { argument: "b".into(), inputs: Vec::new(), manifest: None };
        let clock = Arc::new(resolve_bundle_keeping_clock(&mut bundle, &TimeOptions::default()));
        let input = tests_support::input("f");
        let job = InputJob {
            file: "f".into(),
            index: 0,
            rank: 0,
            emits: true,
            provenance: Arc::new(Provenance { file: "f".into(), sha256: "ab".into() }),
            clock: clock.input(&input),
            release,
        };
        let lower = Key::new(None, 0, 0, 0, 0, 0);
        let job = FileJob {
            bundle: 0,
            path: "f".into(),
            display: "f".into(),
            inputs: vec![job],
            spill_all: false,
            lower,
        };
        let shared = Arc::new(Shared {
            filter: Filter::default(),
            formats: vec![TimelineFormat::Jsonl],
            load: LoadOptions::default(),
            spill: SpillDir::new(spill).1,
            budget: usize::MAX,
            waiting: AtomicUsize::new(0),
            readers: 2,
        });
        let (tx, rx) = sync_channel(16);
        let p = Producer::new(job, shared, tx);
        (p, rx, input)
    }

    fn event(line: u64, at: &str) -> Event {
        let local = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
        let prov = Arc::new(Provenance { file: "f".into(), sha256: String::new() });
        Event::from_record(
            Record::new(line, RawTime::Exact { local, offset_secs: 0 }, "syslog", "message", "m"),
            &prov,
        )
    }

    /// Lines in the order the producer released them; the failure, if one was sent.
    fn released(rx: &Receiver<Msg>) -> (Vec<u64>, Option<String>) {
        let (mut lines, mut failed) = (Vec::new(), None);
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Rows(rows) => lines.extend((0..rows.len()).map(|i| rows.get(i).0.line)),
                Msg::Failed(why) => failed = Some(why),
                Msg::Run(_) | Msg::Done { .. } => {}
            }
        }
        (lines, failed)
    }

    #[test]
    fn an_input_promised_in_order_that_is_not_stops_with_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut p, rx, input) = producer(Release::Now, tmp.path());
        p.take(&input, &mut [event(1, "2026-02-17 10:00:05"), event(2, "2026-02-17 10:00:01")], true);
        let (lines, failed) = released(&rx);
        assert_eq!(
            lines,
            Vec::<u64>::new(),
            "the row before is held in the batch, never sent after an error"
        );
        assert!(failed.is_some_and(|why| why.contains("f line 2") && why.contains("another order")));
        assert!(p.stopped);
    }

    #[test]
    fn a_reorder_window_puts_late_records_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut p, rx, input) = producer(Release::Behind(Duration::seconds(3)), tmp.path());
        let mut events = vec![
            event(1, "2026-02-17 10:00:02"),
            event(2, "2026-02-17 10:00:00"),
            event(3, "2026-02-17 10:00:04"),
            event(4, "2026-02-17 10:00:03"),
            event(5, "2026-02-17 10:00:09"),
        ];
        p.take(&input, &mut events, true);
        let (lines, failed) = released(&rx);
        assert_eq!(failed, None);
        assert_eq!(lines, [2, 1, 4, 3, 5]);
    }
}
