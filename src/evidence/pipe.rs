//! Decompression on its own thread: the thread that reads a compressed input (inflating gzip or
//! zstd, walking a tar, hashing the stored bytes) hands the plain bytes in chunks through a
//! bounded channel to a thread that parses them, so the two overlap instead of taking turns.
//!
//! Memory stays bounded: at most [`DEPTH`] chunks of [`CHUNK`] bytes wait in the channel. An
//! input that fits in one chunk is parsed on the reading thread (no thread for a small member
//! of an archive of thousands). A read error part way through (a truncated gzip) reaches the
//! parser after the bytes read before it, exactly as when it reads the stream itself.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver};

use super::{parse_stream, Input, LoadOptions};

/// Bytes per chunk handed over.
const CHUNK: usize = 1 << 20;

/// Chunks that may wait in the channel.
const DEPTH: usize = 4;

/// Parses `reader` into `input` like `parse_stream`, reading on this thread and parsing on
/// another when the input is larger than one chunk.
pub(super) fn parse_stream_pipelined(
    reader: &mut dyn Read,
    input: &mut Input,
    options: &LoadOptions,
) -> io::Result<()> {
    let (first, error) = read_chunk(reader);
    if first.len() < CHUNK || error.is_some() {
        // The whole input (or all of it before an error): parsed here.
        let mut head = io::Cursor::new(first).chain(Failing(error));
        return parse_stream(&mut head, input, options);
    }
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(DEPTH);
        let parsing = scope.spawn(move || {
            let mut pipe = Pipe { rx, chunk: Vec::new(), at: 0 };
            parse_stream(&mut pipe, input, options)
        });
        let mut chunk = first;
        loop {
            if chunk.is_empty() || tx.send(Ok(chunk)).is_err() {
                // The end, or the parser stopped reading (an input it skips).
                break;
            }
            let error;
            (chunk, error) = read_chunk(reader);
            if let Some(e) = error {
                if !chunk.is_empty() {
                    let _ = tx.send(Ok(chunk));
                }
                let _ = tx.send(Err(e));
                break;
            }
        }
        drop(tx);
        match parsing.join() {
            Ok(result) => result,
            // Parsers never panic; if one did, it does so here as it would have inline.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Up to [`CHUNK`] bytes of `reader` (fewer only at its end), and the error that stopped it
/// (`read_to_end` keeps the bytes read before an error).
fn read_chunk(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut chunk = Vec::with_capacity(CHUNK);
    let error = reader.take(CHUNK as u64).read_to_end(&mut chunk).err();
    (chunk, error)
}

/// The parsing end of the channel, as a reader.
struct Pipe {
    rx: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => (self.chunk, self.at) = (chunk, 0),
                Ok(Err(e)) => return Err(e),
                // The reading end is done: the end of the input.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A reader that is empty, or fails once with the error it holds.
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}
