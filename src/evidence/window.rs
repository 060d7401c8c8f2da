//! Reading hostile input in bounded windows of whole lines, hashing every byte read.
//!
//! Modelled on ripgrep's line buffer: one fixed-capacity buffer, an explicit policy for
//! lines longer than it, and no assumption that the input is text.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Default window size: memory per input being read is at most about this much.
pub const DEFAULT_WINDOW: usize = 8 << 20;

/// The buffer's first size; it doubles up to the window size as an input needs.
const INITIAL_BUFFER: usize = 64 << 10;

/// A reader that feeds every byte it passes on into a SHA-256.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader { inner, hasher: Sha256::new(), bytes: 0 }
    }

    /// Reads the rest of the stream (so the hash covers all of it) and returns the
    /// lower-case hex SHA-256 and the total byte count.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((hex(&self.hasher.finalize()), self.bytes))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Yields an input as successive windows, each holding only whole lines.
///
/// Invariants:
/// - `buf[..filled]` holds bytes read but not yet handed out; `buf` starts small and grows
///   (doubling) up to the fixed `capacity` only while an input needs it, so a small input
///   costs a small buffer.
/// - A window always ends at a line end (`\n`) or at the end of input, except when one line
///   is longer than the capacity: then the window is that line's first `capacity` bytes,
///   the rest of the line is skipped, and [`Windows::truncated_lines`] records it.
pub struct Windows<R> {
    reader: R,
    buf: Vec<u8>,
    capacity: usize,
    /// A window is handed out once it holds this many bytes of whole lines (see
    /// [`Windows::soft_limit`]); the capacity alone decides which lines are cut.
    soft: usize,
    /// A read error met after some bytes were read: those are handed out first.
    deferred_error: Option<io::Error>,
    filled: usize,
    /// Bytes at the front of `buf` already handed out in the previous window.
    consumed: usize,
    eof: bool,
    skipping_long_line: bool,
    /// 1-based numbers (counted within the input) of lines cut to the window capacity.
    pub truncated_lines: Vec<u64>,
    lines_before: u64,
}

impl<R: Read> Windows<R> {
    /// Windows of at most `capacity` bytes over `reader`.
    pub fn new(reader: R, capacity: usize) -> Self {
        let capacity = capacity.max(16);
        Windows {
            reader,
            buf: vec![0; capacity.min(INITIAL_BUFFER)],
            capacity,
            soft: capacity,
            deferred_error: None,
            filled: 0,
            consumed: 0,
            eof: false,
            skipping_long_line: false,
            truncated_lines: Vec::new(),
            lines_before: 0,
        }
    }

    /// Hands out a window as soon as it holds `bytes` or more of whole lines, instead of
    /// filling the capacity first: less memory per input being read (the streamed timeline
    /// reads many inputs at once). Lines are cut exactly as without it — only a line that
    /// fills the whole capacity is — so the records read do not change.
    pub fn soft_limit(mut self, bytes: usize) -> Self {
        self.soft = bytes.clamp(16, self.capacity);
        self
    }

    /// The next window, or `None` at the end of input. The first physical line of the
    /// window is line `first_line` (1-based) of the input.
    pub fn next_window(&mut self) -> io::Result<Option<(u64, &[u8])>> {
        // Drop what the previous window handed out.
        if self.consumed > 0 {
            self.buf.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
        }
        loop {
            while !self.eof && self.filled < self.capacity {
                if self.filled >= self.soft
                    && !self.skipping_long_line
                    && memchr::memrchr(b'\n', &self.buf[..self.filled]).is_some()
                {
                    break;
                }
                if self.filled == self.buf.len() {
                    self.buf.resize((self.buf.len() * 2).min(self.capacity), 0);
                }
                // At most a soft window per read, so that one read does not fill the capacity.
                let end = self.buf.len().min(self.filled.saturating_add(self.soft));
                match self.reader.read(&mut self.buf[self.filled..end]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => self.filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    // A stream failing part way (a truncated gzip): what was read before the
                    // failure is handed out as if the input ended there, then the error.
                    Err(e) if self.filled > 0 && !self.skipping_long_line => {
                        self.deferred_error = Some(e);
                        self.eof = true;
                    }
                    Err(e) => return Err(e),
                }
            }
            if self.skipping_long_line {
                match memchr::memchr(b'\n', &self.buf[..self.filled]) {
                    Some(i) => {
                        self.buf.copy_within(i + 1..self.filled, 0);
                        self.filled -= i + 1;
                        self.skipping_long_line = false;
                    }
                    None => {
                        self.filled = 0;
                        if self.eof {
                            return Ok(None);
                        }
                        continue;
                    }
                }
                continue;
            }
            if self.filled == 0 {
                return match self.deferred_error.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            let end = if self.eof {
                self.filled
            } else {
                match memchr::memrchr(b'\n', &self.buf[..self.filled]) {
                    Some(i) => i + 1,
                    None => {
                        // One line fills the whole buffer: hand out its head, skip the rest.
                        self.skipping_long_line = true;
                        self.truncated_lines.push(self.lines_before + 1);
                        self.filled
                    }
                }
            };
            let first = self.lines_before + 1;
            let window = &self.buf[..end];
            self.lines_before += count_lines(window);
            if self.skipping_long_line {
                // The head has no `\n`; count_lines counted it as one line already.
                self.filled = 0;
            } else {
                self.consumed = end;
            }
            return Ok(Some((first, &self.buf[..end])));
        }
    }

    /// Physical lines handed out so far.
    pub fn lines(&self) -> u64 {
        self.lines_before
    }

    /// Gives back the underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

/// Physical lines in a chunk: newlines, plus one for an unterminated last line.
pub fn count_lines(chunk: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', chunk).count() as u64;
    newlines + u64::from(!chunk.is_empty() && chunk.last() != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (first line, bytes) per window, truncated lines, total lines.
    type Windowed = (Vec<(u64, Vec<u8>)>, Vec<u64>, u64);

    fn windows(input: &[u8], cap: usize) -> Windowed {
        let mut w = Windows::new(input, cap);
        let mut out = Vec::new();
        while let Some((first, win)) = w.next_window().unwrap() {
            out.push((first, win.to_vec()));
        }
        (out, w.truncated_lines.clone(), w.lines())
    }

    #[test]
    fn windows_end_on_line_ends_and_number_lines() {
        let (out, truncated, lines) = windows(b"aaa\nbbb\nccc\nd", 16);
        assert!(truncated.is_empty());
        assert_eq!(lines, 4);
        let joined: Vec<u8> = out.iter().flat_map(|(_, w)| w.clone()).collect();
        assert_eq!(joined, b"aaa\nbbb\nccc\nd");
        for (_, w) in &out[..out.len() - 1] {
            assert_eq!(w.last(), Some(&b'\n'));
        }
        // Small capacity: several windows, line numbers continue across them.
        let (out, _, lines) = windows(b"aaaa\nbbbb\ncccc\ndddd\n", 16);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0, 1);
        assert_eq!(out[1].0, 4);
        assert_eq!(lines, 4);
    }

    #[test]
    fn long_line_is_truncated_and_still_one_line() {
        let mut input = vec![b'x'; 100];
        input.extend_from_slice(b"\nnext\n");
        let (out, truncated, lines) = windows(&input, 16);
        assert_eq!(truncated, vec![1]);
        assert_eq!(out[0], (1, vec![b'x'; 16]));
        assert_eq!(out[1], (2, b"next\n".to_vec()));
        assert_eq!(lines, 2);
    }

    /// Yields `data`, then fails: a stream cut short (a truncated gzip).
    struct FailingAfter<'a>(&'a [u8]);

    impl Read for FailingAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "cut"));
            }
            let n = self.0.read(buf)?;
            Ok(n)
        }
    }

    #[test]
    fn lines_read_before_a_failure_are_handed_out_then_the_error() {
        let mut w = Windows::new(FailingAfter(b"one\ntwo\nthr"), 1 << 20);
        assert_eq!(w.next_window().unwrap(), Some((1, &b"one\ntwo\nthr"[..])));
        assert_eq!(w.next_window().unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(w.lines(), 3);
    }

    #[test]
    fn the_buffer_grows_only_as_far_as_the_input_needs() {
        let small = windows(b"a\nb\n", DEFAULT_WINDOW);
        assert_eq!(small.0, vec![(1, b"a\nb\n".to_vec())]);
        let mut w = Windows::new(&b"tiny\n"[..], DEFAULT_WINDOW);
        w.next_window().unwrap();
        assert_eq!(w.buf.len(), INITIAL_BUFFER);
        // A window bigger than the first buffer still ends on a line end, whole lines only.
        let big: Vec<u8> = (0..30_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        let (out, truncated, lines) = windows(&big, 100_000);
        assert!(truncated.is_empty());
        assert_eq!(lines, 30_000);
        assert!(out[0].1.len() > INITIAL_BUFFER && out[0].1.len() <= 100_000);
        assert_eq!(out.iter().flat_map(|(_, w)| w.clone()).collect::<Vec<u8>>(), big);
    }

    #[test]
    fn a_soft_limit_gives_smaller_windows_and_the_same_lines_and_cuts() {
        let mut input: Vec<u8> = (0..5_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        input.extend_from_slice(&[b'x'; 3000]);
        input.extend_from_slice(b"\nafter\n");
        let whole = |w: &mut Windows<&[u8]>| {
            let mut out = Vec::new();
            while let Some((first, win)) = w.next_window().unwrap() {
                out.push((first, win.to_vec()));
            }
            out
        };
        let mut full = Windows::new(&input[..], 2048);
        let mut soft = Windows::new(&input[..], 2048).soft_limit(256);
        let (full_out, soft_out) = (whole(&mut full), whole(&mut soft));
        assert!(soft_out.len() > full_out.len());
        assert!(soft_out.iter().all(|(_, w)| w.len() <= 2048));
        let lines = |out: &[(u64, Vec<u8>)]| -> Vec<Vec<u8>> {
            out.iter()
                .flat_map(|(_, w)| w.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect::<Vec<_>>())
                .collect()
        };
        assert_eq!(
            lines(&soft_out).iter().filter(|l| !l.is_empty()).count(),
            lines(&full_out).iter().filter(|l| !l.is_empty()).count()
        );
        assert_eq!(soft.truncated_lines, full.truncated_lines);
        assert_eq!(soft.truncated_lines, vec![5_001]);
        assert_eq!(soft.lines(), full.lines());
    }

    #[test]
    fn hashing_reader_hashes_everything() {
        let mut r = HashingReader::new(&b"abc"[..]);
        let mut one = [0u8; 1];
        r.read_exact(&mut one).unwrap();
        let (sha, n) = r.finish().unwrap();
        assert_eq!(n, 3);
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
