//! The k-way merge: one heap over every stream of rows (a producer's channel, a sorted run on
//! disk), written out in key order on one thread.
//!
//! A file's producer starts when the merge reaches the lowest key the file can have (from the
//! first pass), or earlier to keep the cores busy ([`Shared::readers`] producers running); a
//! stream stands in the heap by a *bound* (no row of it is below) until its next row is
//! needed, and only then does the merge wait for it. Every row written is checked to come
//! after the one before: a broken promise stops the timeline with an error.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::io;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use super::key::{Key, Rows};
use super::producer::{self, FileJob, Msg};
use super::spill::RunReader;
use super::{Shared, StreamError};

/// Messages a producer may have sent and the merge not yet read.
const CHANNEL_MESSAGES: usize = 4;

/// What the merge found besides the rows.
#[derive(Debug, Default)]
pub struct Merged {
    /// Undated events the format left out.
    pub left_out: Vec<usize>,
    /// Field keys of the rows (Timesketch CSV's columns).
    pub field_keys: BTreeSet<&'static str>,
    /// Rows written.
    pub rows: u64,
}

/// One stream of rows.
enum Source {
    /// A file whose producer has not started.
    NotStarted(Box<FileJob>),
    /// A producer's channel and the rows received last.
    Live { rx: Receiver<Msg>, rows: Rows, at: usize },
    /// A sorted run on disk.
    Run(RunReader),
    /// Finished.
    Done,
}

/// A heap entry: a stream's next row (`ready`), or a bound below everything it still holds.
type Entry = Reverse<(Key, bool, usize)>;

/// Merges the rows of every file of `jobs`, handing each to `emit` in key order.
pub fn merge(
    jobs: Vec<FileJob>,
    shared: &Arc<Shared>,
    emit: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> Result<Merged, StreamError> {
    let mut start_order: Vec<usize> = (0..jobs.len()).collect();
    start_order.sort_by_key(|&i| jobs[i].lower);
    let mut heap: BinaryHeap<Entry> =
        jobs.iter().enumerate().map(|(i, j)| Reverse((j.lower, false, i))).collect();
    let mut sources: Vec<Source> = jobs.into_iter().map(|j| Source::NotStarted(Box::new(j))).collect();
    let mut merge = Merge { shared, running: 0, next_start: 0, start_order, merged: Merged::default() };
    let mut last: Option<Key> = None;
    while let Some(Reverse((key, ready, id))) = heap.pop() {
        if ready {
            let row = match &sources[id] {
                Source::Live { rows, at, .. } => rows.get(*at).1,
                Source::Run(run) => run.current().map(|(_, row)| row).unwrap_or_default(),
                Source::NotStarted(_) | Source::Done => unreachable!("a ready entry has a row"),
            };
            if last.is_some_and(|l| key <= l) {
                return Err(StreamError::Order(
                    "a row came out of order; nothing after it was written (please report this)".into(),
                ));
            }
            last = Some(key);
            emit(row).map_err(StreamError::Write)?;
            merge.merged.rows += 1;
            match &mut sources[id] {
                Source::Live { rows, at, .. } => {
                    *at += 1;
                    heap.push(Reverse(if *at < rows.len() {
                        (rows.get(*at).0, true, id)
                    } else {
                        (key, false, id)
                    }));
                }
                Source::Run(run) => {
                    run.advance().map_err(StreamError::Temp)?;
                    match run.current() {
                        Some((next, _)) => heap.push(Reverse((next, true, id))),
                        None => sources[id] = Source::Done,
                    }
                }
                Source::NotStarted(_) | Source::Done => {}
            }
            continue;
        }
        // A bound reached: this stream's next rows are needed now.
        if matches!(sources[id], Source::NotStarted(_)) {
            merge.start(&mut sources, id)?;
        }
        merge.start_more(&mut sources)?;
        let msg = match &sources[id] {
            Source::Live { rx, .. } => rx.recv(),
            _ => continue,
        };
        match msg {
            Ok(Msg::Rows(received)) => {
                let next = if received.is_empty() { (key, false, id) } else { (received.get(0).0, true, id) };
                if let Source::Live { rows, at, .. } = &mut sources[id] {
                    (*rows, *at) = (received, 0);
                }
                heap.push(Reverse(next));
            }
            Ok(Msg::Run(path)) => {
                let run = RunReader::open(&path).map_err(StreamError::Temp)?;
                if let Some((first, _)) = run.current() {
                    heap.push(Reverse((first, true, sources.len())));
                    sources.push(Source::Run(run));
                }
                heap.push(Reverse((key, false, id)));
            }
            Ok(Msg::Done { left_out, field_keys }) => {
                merge.merged.left_out.resize(left_out.len(), 0);
                merge.merged.left_out.iter_mut().zip(left_out).for_each(|(total, n)| *total += n);
                merge.merged.field_keys.extend(field_keys);
                merge.running -= 1;
                sources[id] = Source::Done;
            }
            Ok(Msg::Failed(why)) => return Err(StreamError::Failed(why)),
            Err(_) => {
                return Err(StreamError::Failed(
                    "a reader stopped before its end (please report this)".into(),
                ))
            }
        }
    }
    Ok(merge.merged)
}

/// The merge's bookkeeping of producers.
struct Merge<'s> {
    shared: &'s Arc<Shared>,
    running: usize,
    next_start: usize,
    start_order: Vec<usize>,
    merged: Merged,
}

impl Merge<'_> {
    /// Starts the producer of file `id`.
    fn start(&mut self, sources: &mut [Source], id: usize) -> Result<(), StreamError> {
        if !matches!(sources[id], Source::NotStarted(_)) {
            return Ok(());
        }
        let Source::NotStarted(job) = std::mem::replace(&mut sources[id], Source::Done) else {
            return Ok(());
        };
        let (tx, rx) = sync_channel(CHANNEL_MESSAGES);
        let shared = Arc::clone(self.shared);
        std::thread::Builder::new()
            .name(format!("timeline-{id}"))
            .spawn(move || producer::run(*job, shared, tx))
            .map_err(|e| StreamError::Failed(format!("cannot start a reader thread: {e}")))?;
        sources[id] = Source::Live { rx, rows: Rows::default(), at: 0 };
        self.running += 1;
        Ok(())
    }

    /// Starts producers ahead of need, in the order of their files' lowest keys, while fewer
    /// than `readers` run.
    fn start_more(&mut self, sources: &mut [Source]) -> Result<(), StreamError> {
        while self.running < self.shared.readers && self.next_start < self.start_order.len() {
            let id = self.start_order[self.next_start];
            self.next_start += 1;
            self.start(sources, id)?;
        }
        Ok(())
    }
}
