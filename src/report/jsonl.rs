//! The event contract's JSON line, written straight into a byte buffer.
//!
//! `timeline --format jsonl` writes one line per event, millions of them: going through
//! serde's serializer costs a call per key and value and scans every string byte by byte.
//! This writer produces exactly the bytes `serde_json::to_writer(event)` produces (the
//! `Serialize` impl in `crate::event` stays the definition; `tests` below and
//! `tests/jsonl_writer.rs` hold the two to each other), scanning strings eight bytes at a
//! time for the few bytes JSON escapes.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use postmortem_parsers::FieldValue;

use crate::event::{Event, Provenance, Value};

/// Writes events one after another, rendering what every row of an input repeats — its
/// `file` and `sha256` members — once per provenance instead of once per row.
#[derive(Debug, Default)]
pub struct Writer {
    /// The members of the provenance last written.
    tail: Option<Tail>,
}

/// A provenance's members, rendered: `,"file":…,"line":` then, from `sha_at` on,
/// `,"sha256":…}` (the row's line number goes between).
#[derive(Debug)]
struct Tail {
    provenance: Arc<Provenance>,
    bytes: Vec<u8>,
    sha_at: usize,
}

impl Tail {
    fn of(provenance: &Arc<Provenance>) -> Tail {
        let mut bytes = b",\"file\":".to_vec();
        string(&mut bytes, &provenance.file);
        bytes.extend_from_slice(b",\"line\":");
        let sha_at = bytes.len();
        bytes.extend_from_slice(b",\"sha256\":");
        string(&mut bytes, &provenance.sha256);
        bytes.push(b'}');
        Tail { provenance: Arc::clone(provenance), bytes, sha_at }
    }
}

impl Writer {
    /// Appends `e` as its contract JSON object (no line break) to `out`.
    pub fn event(&mut self, out: &mut Vec<u8>, e: &Event) {
        out.reserve(256 + e.message.len());
        out.extend_from_slice(b"{\"time\":");
        match e.time {
            Some(t) => time(out, t),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"source\":");
        string(out, e.source);
        out.extend_from_slice(b",\"kind\":");
        string(out, e.kind);
        out.extend_from_slice(b",\"host\":");
        opt_string(out, e.host.as_deref());
        out.extend_from_slice(b",\"process\":");
        opt_string(out, e.process.as_deref());
        out.extend_from_slice(b",\"pm_id\":");
        opt_string(out, e.pm_id.as_deref());
        out.extend_from_slice(b",\"pid\":");
        match e.pid {
            Some(pid) => unsigned(out, pid),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"user\":");
        opt_string(out, e.user.as_deref());
        out.extend_from_slice(b",\"message\":");
        string(out, &e.message);
        out.extend_from_slice(b",\"fields\":");
        fields(out, &e.fields);
        if self.tail.as_ref().is_some_and(|t| !Arc::ptr_eq(&t.provenance, &e.provenance)) {
            self.tail = None;
        }
        let tail = self.tail.get_or_insert_with(|| Tail::of(&e.provenance));
        out.extend_from_slice(&tail.bytes[..tail.sha_at]);
        unsigned(out, e.line);
        out.extend_from_slice(&tail.bytes[tail.sha_at..]);
    }
}

/// The fields as one object, in their stored order.
fn fields(out: &mut Vec<u8>, fields: &[(&'static str, Value)]) {
    out.push(b'{');
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, key);
        out.push(b':');
        match value {
            FieldValue::Str(s) => string(out, s),
            FieldValue::Int(n) => signed(out, *n),
            FieldValue::List(items) => {
                out.push(b'[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    string(out, item);
                }
                out.push(b']');
            }
        }
    }
    out.push(b'}');
}

/// `"2026-02-17T14:31:06.000000Z"`: RFC 3339 in UTC with microseconds, as
/// `to_rfc3339_opts(SecondsFormat::Micros, true)` writes it.
fn time(out: &mut Vec<u8>, t: DateTime<Utc>) {
    let year = t.year();
    // A leap second (nanoseconds ≥ 1e9) and years of other widths: chrono's own text.
    if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
        string(out, &t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
        return;
    }
    let mut b = *b"\"0000-00-00T00:00:00.000000Z\"";
    put_digits(&mut b[1..5], year as u32);
    put_digits(&mut b[6..8], t.month());
    put_digits(&mut b[9..11], t.day());
    put_digits(&mut b[12..14], t.hour());
    put_digits(&mut b[15..17], t.minute());
    put_digits(&mut b[18..20], t.second());
    put_digits(&mut b[21..27], t.nanosecond() / 1000);
    out.extend_from_slice(&b);
}

/// Writes `n` as decimal digits filling `slot` (zero-padded; `n` fits).
fn put_digits(slot: &mut [u8], mut n: u32) {
    for d in slot.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn unsigned(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    unsigned(out, n.unsigned_abs());
}

/// `s` as a JSON string, escaped as serde_json escapes: `"`, `\` and the control characters
/// below U+0020 (`\b \t \n \f \r` by name, the others as `\u00XX`); everything else as is.
pub fn string(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    out.reserve(rest.len() + 2);
    out.push(b'"');
    loop {
        let clean = clean_prefix(rest);
        out.extend_from_slice(&rest[..clean]);
        let Some(&b) = rest.get(clean) else { break };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]),
        }
        rest = &rest[clean + 1..];
    }
    out.push(b'"');
}

/// How many bytes at the start of `bytes` need no escape: eight at a time, then one by one.
fn clean_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(word) = bytes[at..].first_chunk::<8>() {
        if needs_escape(u64::from_le_bytes(*word)) {
            break;
        }
        at += 8;
    }
    while at < bytes.len() && !escaped(bytes[at]) {
        at += 1;
    }
    at
}

/// Whether JSON escapes byte `b`.
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether any byte of `word` is `"`, `\` or below 0x20 (exact: no false alarm when none is;
/// the classic "has a zero byte" test, see Hacker's Delight 6-1).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x;
    (below_space | zero_in(quote) | zero_in(backslash)) & HIGH != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde_string(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).unwrap()
    }

    fn ours(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        string(&mut out, s);
        out
    }

    #[test]
    fn every_byte_value_escapes_as_serde_json_does() {
        for b in 0u8..=0x7f {
            let s = format!("ab{}cdefghij{}k", b as char, b as char);
            assert_eq!(ours(&s), serde_string(&s), "byte {b:#04x}");
        }
        for s in ["", "\"", "\\", "é\u{1}ü", "\u{7f}\u{80}\u{2028}", "12345678\"", "1234567\n"] {
            assert_eq!(ours(s), serde_string(s), "{s:?}");
        }
    }

    #[test]
    fn a_writer_renders_each_rows_own_provenance() {
        use postmortem_parsers::{RawTime, Record};
        let inputs = [
            Arc::new(Provenance { file: "var/log/a\"b\\c.log".into(), sha256: "aa".into() }),
            Arc::new(Provenance { file: "pm2.log".into(), sha256: "bb".into() }),
        ];
        let mut writer = Writer::default();
        // The same input twice in a row, then the other, then the first again (a copy of
        // its provenance: equal, not the same allocation).
        let order = [&inputs[0], &inputs[0], &inputs[1], &Arc::new((*inputs[0]).clone())];
        for (line, provenance) in (1..).zip(order) {
            let record = Record::new(line, RawTime::None, "pm2", "app-exit", "exited");
            let e = Event::from_record(record, provenance);
            let mut out = Vec::new();
            writer.event(&mut out, &e);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&e).unwrap(), "line {line}");
        }
    }

    #[test]
    fn the_word_test_is_exact() {
        for b in 0u8..=0xff {
            for pos in 0..8 {
                let mut word = [b'a'; 8];
                word[pos] = b;
                let expected = b < 0x20 || b == b'"' || b == b'\\';
                assert_eq!(needs_escape(u64::from_le_bytes(word)), expected, "byte {b:#04x} at {pos}");
            }
        }
    }

    proptest! {
        #[test]
        fn strings_as_serde_json_writes_them(s in "(?s).{0,64}", t in proptest::collection::vec(any::<char>(), 0..40)) {
            prop_assert_eq!(ours(&s), serde_string(&s));
            let t: String = t.into_iter().collect();
            prop_assert_eq!(ours(&t), serde_string(&t));
        }

        #[test]
        fn numbers_as_serde_json_writes_them(n in any::<i64>(), u in any::<u64>()) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            signed(&mut a, n);
            unsigned(&mut b, u);
            prop_assert_eq!(a, serde_json::to_vec(&n).unwrap());
            prop_assert_eq!(b, serde_json::to_vec(&u).unwrap());
        }

        #[test]
        fn times_as_the_contract_writes_them(secs in -70_000_000_000i64..300_000_000_000, nanos in 0u32..2_000_000_000) {
            if let Some(t) = DateTime::from_timestamp(secs, nanos) {
                let mut out = Vec::new();
                time(&mut out, t);
                let text = t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                prop_assert_eq!(out, serde_string(&text));
            }
        }
    }
}
