//! The total order of the timeline as a fixed-size key, and rows carrying it.
//!
//! The in-memory timeline sorts stably by (undated last, UTC time, file, line), so exact ties
//! keep bundle order, then input order, then the input's own order (its events by line, in
//! the order the parser gave them). [`Key`] spells all of that out — (undated, time, file's
//! rank among all file names, line, bundle, input, record number) — so that it is unique per
//! event and any correct merge of sorted streams gives the same sequence as that sort.

use chrono::{DateTime, Utc};

/// Where an event goes in the timeline; compares as the in-memory sort orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// Undated events go after every dated one.
    pub undated: bool,
    /// Seconds of the UTC time (0 when undated).
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// The rank of the event's file name among every input's file name (orders as the names).
    pub file: u32,
    /// The line.
    pub line: u64,
    /// The evidence argument's index.
    pub bundle: u32,
    /// The input's index in its bundle.
    pub input: u32,
    /// The record's number in its input, in the order the parser gave them.
    pub seq: u64,
}

/// Bytes of an encoded [`Key`].
pub const KEY_BYTES: usize = 41;

impl Key {
    /// The key of an event at `time` (or undated); the rest identifies it.
    pub fn new(time: Option<DateTime<Utc>>, file: u32, line: u64, bundle: u32, input: u32, seq: u64) -> Key {
        let (secs, nanos) = time.map_or((0, 0), |t| (t.timestamp(), t.timestamp_subsec_nanos()));
        Key { undated: time.is_none(), secs, nanos, file, line, bundle, input, seq }
    }

    /// The time, when dated.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        if self.undated {
            None
        } else {
            DateTime::from_timestamp(self.secs, self.nanos)
        }
    }

    /// The fixed-size encoding (for spilled runs).
    pub fn encode(&self) -> [u8; KEY_BYTES] {
        let mut b = [0u8; KEY_BYTES];
        b[0] = u8::from(self.undated);
        b[1..9].copy_from_slice(&self.secs.to_le_bytes());
        b[9..13].copy_from_slice(&self.nanos.to_le_bytes());
        b[13..17].copy_from_slice(&self.file.to_le_bytes());
        b[17..25].copy_from_slice(&self.line.to_le_bytes());
        b[25..29].copy_from_slice(&self.bundle.to_le_bytes());
        b[29..33].copy_from_slice(&self.input.to_le_bytes());
        b[33..41].copy_from_slice(&self.seq.to_le_bytes());
        b
    }

    /// Reads [`Key::encode`]'s bytes back.
    pub fn decode(b: &[u8; KEY_BYTES]) -> Key {
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(x)
        };
        Key {
            undated: b[0] != 0,
            secs: u64_at(1) as i64,
            nanos: u32_at(9),
            file: u32_at(13),
            line: u64_at(17),
            bundle: u32_at(25),
            input: u32_at(29),
            seq: u64_at(33),
        }
    }
}

/// Rendered rows in key order, as a producer hands them to the merge: one buffer, not one
/// allocation per row.
#[derive(Debug, Default)]
pub struct Rows {
    keys: Vec<Key>,
    ends: Vec<usize>,
    data: Vec<u8>,
}

impl Rows {
    /// Empty, with room for about `bytes` of rows.
    pub fn with_capacity(bytes: usize) -> Rows {
        Rows {
            keys: Vec::with_capacity(bytes / 256),
            ends: Vec::with_capacity(bytes / 256),
            data: Vec::with_capacity(bytes),
        }
    }

    /// Appends a row (its key not below the last one's).
    pub fn push(&mut self, key: Key, row: &[u8]) {
        self.keys.push(key);
        self.data.extend_from_slice(row);
        self.ends.push(self.data.len());
    }

    /// Appends a row rendered by `render` straight into the buffer (its key not below the
    /// last one's); when `render` fails, nothing is added.
    pub fn push_with<E>(
        &mut self,
        key: Key,
        render: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let start = self.data.len();
        if let Err(e) = render(&mut self.data) {
            self.data.truncate(start);
            return Err(e);
        }
        self.keys.push(key);
        self.ends.push(self.data.len());
        Ok(())
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Bytes of row text held.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    /// Row `i`: its key and text.
    pub fn get(&self, i: usize) -> (Key, &[u8]) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (self.keys[i], &self.data[start..self.ends[i]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_round_trip_and_order_as_the_timeline_sorts() {
        let t = |s| Some(Utc.timestamp_opt(s, 5).unwrap());
        let early = Key::new(t(-10), 3, 9, 1, 2, 7);
        let later = Key::new(t(10), 0, 1, 0, 0, 0);
        let undated = Key::new(None, 0, 0, 0, 0, 0);
        assert!(early < later && later < undated);
        assert!(Key::new(t(10), 0, 1, 0, 0, 1) > later, "the record number breaks ties last");
        for k in [early, later, undated] {
            assert_eq!(Key::decode(&k.encode()), k);
        }
        assert_eq!(early.time(), t(-10));
        assert_eq!(undated.time(), None);
    }
}
