//! Containers: gzip and zstd streams, tar and zip archives, read in place and recursively.
//!
//! Every input (a file on disk or an archive member) is hashed as stored, then peeled:
//! compressed layers are decoded as streams, a tar is walked entry by entry, a zip through
//! its central directory. What remains is a plain stream handed to the parser.

use std::cell::Cell;
use std::fs;
use std::io::{self, Cursor, Read, Seek};
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, Utc};
use flate2::read::GzDecoder;

use super::manifest::Manifest;
use super::progress::ProgressReader;
use super::window::HashingReader;
use super::{
    io_words, is_root_manifest, parse_stream, seal, Input, InputStatus, LoadOptions, Mtime, MtimeSource, Tap,
};

/// How deep archives may nest (a tar in a zip in a tar…) before we stop descending.
const MAX_DEPTH: u32 = 4;

/// Largest manifest read, and largest zip buffered from inside another container.
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
const MAX_NESTED_ZIP_BYTES: u64 = 1 << 30;

/// A decompressed stream may grow past this many bytes only while it stays within
/// [`MAX_EXPANSION_RATIO`] of the compressed bytes it came from.
pub(super) const EXPANSION_FLOOR_BYTES: u64 = 64 << 20;

/// Largest expansion (decompressed : compressed bytes) accepted past the floor. Real logs
/// compress 5–50:1 and deflate cannot exceed about 1032:1 on any input; a stream that expands
/// further is a decompression bomb, and reading stops there.
pub(super) const MAX_EXPANSION_RATIO: u64 = 1000;

/// Why a decompressed stream was cut: it expanded beyond the limits. Carried inside an
/// `io::Error` so the input's reason can say what happened instead of "corrupt".
#[derive(Debug, thiserror::Error)]
#[error(
    "stopped after {} MiB decompressed from {} KiB: more than {MAX_EXPANSION_RATIO}:1 past {} MiB, \
     postmortem's limit against decompression bombs (the lines before the cut were read); if this is \
     genuine evidence, decompress it yourself and pass the plain file",
    .produced >> 20,
    .compressed.div_ceil(1024),
    EXPANSION_FLOOR_BYTES >> 20
)]
pub(super) struct ExpansionLimit {
    produced: u64,
    compressed: u64,
}

/// Counts the bytes read through it into a shared cell (the compressed side of a decoder).
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Fails a decompressed stream with [`ExpansionLimit`] once it expands too far.
struct BombGuard<R> {
    inner: R,
    /// Compressed bytes consumed so far (or known in advance for a zip member).
    compressed: Rc<Cell<u64>>,
    produced: u64,
}

impl<R: Read> Read for BombGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let compressed = self.compressed.get();
        if self.produced > EXPANSION_FLOOR_BYTES
            && self.produced > compressed.saturating_mul(MAX_EXPANSION_RATIO)
        {
            let limit = ExpansionLimit { produced: self.produced, compressed };
            return Err(io::Error::new(io::ErrorKind::InvalidData, limit));
        }
        Ok(n)
    }
}

/// Wraps a decoder's input and output so the output is cut when it expands too far.
fn guarded<R: Read, D: Read>(
    compressed: R,
    decoder: impl FnOnce(Counted<R>) -> io::Result<D>,
) -> io::Result<BombGuard<D>> {
    let count = Rc::new(Cell::new(0));
    let inner = decoder(Counted { inner: compressed, count: Rc::clone(&count) })?;
    Ok(BombGuard { inner, compressed: count, produced: 0 })
}

/// Where an input's bytes come from.
pub(super) enum Source<'r> {
    /// A file on disk (seekable: a zip is read through its central directory).
    File(fs::File),
    /// A member stream of an enclosing archive.
    Stream(&'r mut dyn Read),
}

/// Names and metadata of one input about to be read.
pub(super) struct Member {
    pub display: String,
    pub bundle_path: String,
    pub mtime: Option<Mtime>,
}

/// The container shape of a decoded stream, decided from its first bytes.
enum Shape {
    Tar,
    Zip,
    Plain,
}

fn shape(head: &[u8]) -> Shape {
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        Shape::Tar
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Shape::Zip
    } else {
        Shape::Plain
    }
}

/// A stream whose first bytes were read ahead and are yielded again.
type Peeked<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads up to `n` bytes without losing them: returns them and a reader that yields them again.
fn peek<R: Read>(mut reader: R, n: usize) -> io::Result<(Vec<u8>, Peeked<R>)> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    Ok((head.clone(), Cursor::new(head).chain(reader)))
}

/// Loads one input and, for archives, its members, appending them to `out`.
pub(super) fn load_stream(
    source: Source<'_>,
    member: Member,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) {
    let index = out.len();
    let mut input = Input::new(member.display.clone(), member.bundle_path.clone());
    input.mtime = member.mtime;
    out.push(input);
    let result = match source {
        Source::File(mut file) => {
            let mut magic = [0u8; 4];
            let n = read_up_to(&mut file, &mut magic);
            let rewound = file.rewind();
            match (n, rewound) {
                (Ok(4), Ok(())) if matches!(shape(&magic), Shape::Zip) => {
                    let size = file.metadata().map_or(0, |m| m.len());
                    let loaded = load_zip_file(file, index, options, depth, out);
                    if let Some(p) = &options.progress {
                        p.add(size);
                    }
                    loaded
                }
                (_, Err(e)) | (Err(e), _) => Err(e),
                _ => {
                    let mut counted = ProgressReader::new(&mut file, options.progress.as_ref());
                    load_layers(&mut counted, index, options, depth, out)
                }
            }
        }
        Source::Stream(reader) => load_layers(reader, index, options, depth, out),
    };
    if let Err(e) = result {
        let reason = match e.get_ref().and_then(|inner| inner.downcast_ref::<ExpansionLimit>()) {
            Some(limit) => limit.to_string(),
            None => format!("cannot read: {} (the file may be corrupt or truncated)", io_words(&e)),
        };
        out[index].status = InputStatus::Failed(reason);
    }
    seal(&mut out[index]);
}

fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Hashes the raw bytes, peels compression, then walks a tar or parses a plain stream. The
/// hash covers every stored byte even when peeling fails part way (a truncated gzip).
fn load_layers(
    raw: &mut dyn Read,
    index: usize,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) -> io::Result<()> {
    if !options.hash {
        return peel(raw, index, options, depth, out);
    }
    let mut hashing = HashingReader::new(raw);
    let peeled = peel(&mut hashing, index, options, depth, out);
    let (sha, size) = hashing.finish()?;
    out[index].sha256 = sha;
    out[index].size = size;
    peeled
}

fn peel(
    raw: &mut dyn Read,
    index: usize,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) -> io::Result<()> {
    let (head, stream) = peek(raw, 512)?;
    let mut gzip_mtime = None;
    let compressed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let (head, mut decoded): (Vec<u8>, Box<dyn Read + '_>) = if head.starts_with(&[0x1f, 0x8b]) {
        let (decoded_head, chain) = peek(guarded(stream, |s| Ok(GzDecoder::new(s)))?, 512)?;
        gzip_mtime = chain.get_ref().1.inner.header().map(|h| h.mtime()).filter(|&t| t > 0);
        (decoded_head, Box::new(chain))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let decoder = guarded(stream, |s| {
            ruzstd::decoding::StreamingDecoder::new(s)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}")))
        })?;
        let (decoded_head, chain) = peek(decoder, 512)?;
        (decoded_head, Box::new(chain))
    } else {
        (head, Box::new(stream))
    };
    if let Some(secs) = gzip_mtime {
        let input = &mut out[index];
        if input.mtime.is_none_or(|m| m.source > MtimeSource::GzipHeader) {
            if let Some(time) = DateTime::<Utc>::from_timestamp(secs as i64, 0) {
                input.mtime = Some(Mtime { time, source: MtimeSource::GzipHeader });
            }
        }
    }
    let root_manifest = is_root_manifest(&out[index].bundle_path);
    match shape(&head) {
        _ if root_manifest => read_manifest(&mut decoded, &mut out[index]),
        Shape::Tar if depth < MAX_DEPTH => load_tar(&mut decoded, index, options, depth, out),
        Shape::Zip if depth < MAX_DEPTH => {
            let mut bytes = Vec::new();
            decoded.take(MAX_NESTED_ZIP_BYTES).read_to_end(&mut bytes)?;
            load_zip(Cursor::new(bytes), index, options, depth, out)
        }
        Shape::Tar | Shape::Zip => {
            out[index].status =
                InputStatus::Skipped(format!("archive nested deeper than {MAX_DEPTH} levels"));
            Ok(())
        }
        // Inflating (here or in a container) takes turns with parsing unless they overlap.
        Shape::Plain => {
            let parsed = if (compressed || depth > 0) && super::parallel() {
                super::pipe::parse_stream_pipelined(&mut decoded, &mut out[index], options)
            } else {
                parse_stream(&mut decoded, &mut out[index], options)
            };
            Tap::drain(options.tap.as_ref(), &mut out[index], true);
            parsed
        }
    }
}

fn read_manifest(reader: &mut dyn Read, input: &mut Input) -> io::Result<()> {
    let mut bytes = Vec::new();
    reader.take(MAX_MANIFEST_BYTES).read_to_end(&mut bytes)?;
    input.format_reason = "bundle manifest".into();
    match Manifest::parse(&bytes) {
        Ok(manifest) => {
            input.status = InputStatus::Manifest;
            input.manifest = Some(manifest);
        }
        Err(reason) => input.status = InputStatus::Failed(format!("{reason} (fix or remove it)")),
    }
    Ok(())
}

/// A member of `container` at `path` inside it: displayed as `container!/path`.
fn member(container: &Input, path: &str, mtime: Option<Mtime>) -> Member {
    let path = path.trim_start_matches("./").to_string();
    Member { display: format!("{}!/{}", container.file, path), bundle_path: path, mtime }
}

/// Loads one archive member, noting when its name points outside the archive (`../`, an
/// absolute path): nothing is ever extracted, so the name cannot write anywhere, but a
/// responder should know the archive was built to.
fn load_member(source: Source<'_>, member: Member, options: &LoadOptions, depth: u32, out: &mut Vec<Input>) {
    let escapes = escapes_archive(&member.bundle_path);
    let index = out.len();
    load_stream(source, member, options, depth + 1, out);
    if escapes {
        out[index].assumptions.push(
            "the archive names this member outside itself (`../` or an absolute path); it was read from the \
             archive and never extracted"
                .into(),
        );
    }
}

/// Whether an archive member's path is absolute or climbs out with `..`.
fn escapes_archive(path: &str) -> bool {
    path.starts_with('/') || path.starts_with('\\') || path.split(['/', '\\']).any(|part| part == "..")
}

/// Records a member that is not read (a link, a device) with why.
fn note(out: &mut Vec<Input>, member: Member, reason: String) {
    let mut input = Input::new(member.display, member.bundle_path);
    input.mtime = member.mtime;
    input.status = InputStatus::Skipped(reason);
    out.push(input);
}

fn load_tar(
    reader: &mut dyn Read,
    index: usize,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) -> io::Result<()> {
    out[index].status = InputStatus::Archive;
    out[index].format_reason = "tar archive".into();
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        }
        let path = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        if super::git_internal(&path) {
            continue;
        }
        let mtime = entry
            .header()
            .mtime()
            .ok()
            .and_then(|t| DateTime::<Utc>::from_timestamp(t as i64, 0))
            .map(|time| Mtime { time, source: MtimeSource::TarHeader });
        let member = member(&out[index], &path, mtime);
        if kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse() {
            load_member(Source::Stream(&mut entry), member, options, depth, out);
            continue;
        }
        let target =
            entry.link_name().ok().flatten().map(|t| t.to_string_lossy().into_owned()).unwrap_or_default();
        let reason = if kind.is_symlink() {
            format!("symbolic link in the archive to {target}: not followed")
        } else if kind.is_hard_link() {
            format!("hard link in the archive to {target}: read there, counted once")
        } else if kind.is_fifo() {
            "a FIFO (named pipe) in the archive: skipped".into()
        } else if kind.is_character_special() || kind.is_block_special() {
            "a device in the archive: skipped".into()
        } else {
            format!("tar entry of type {:?}: not a file, skipped", kind.as_byte() as char)
        };
        note(out, member, reason);
    }
    Ok(())
}

fn load_zip_file(
    mut file: fs::File,
    index: usize,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) -> io::Result<()> {
    let (sha, size) = HashingReader::new(&mut file).finish()?;
    file.rewind()?;
    load_zip(file, index, options, depth, out)?;
    out[index].sha256 = sha;
    out[index].size = size;
    Ok(())
}

fn load_zip<R: Read + Seek>(
    reader: R,
    index: usize,
    options: &LoadOptions,
    depth: u32,
    out: &mut Vec<Input>,
) -> io::Result<()> {
    out[index].status = InputStatus::Archive;
    out[index].format_reason = "zip archive".into();
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;
    for i in 0..archive.len() {
        let name = archive.name_for_index(i).unwrap_or_default().to_string();
        if super::git_internal(&name) {
            continue;
        }
        let mut file = match archive.by_index(i) {
            Ok(file) => file,
            Err(e) => {
                // One unreadable member (an unsupported method, a bad header) is that member's
                // failure; the other members are still read.
                let mut input = Input::new(String::new(), String::new());
                let member = member(&out[index], &name, None);
                (input.file, input.bundle_path) = (member.display, member.bundle_path);
                input.status =
                    InputStatus::Failed(format!("cannot read this zip member: {e} (extract it with unzip)"));
                out.push(input);
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        // Zip times are local wall-clock times with no zone: good enough for a year.
        let mtime = file.last_modified().and_then(|t| {
            NaiveDate::from_ymd_opt(t.year().into(), t.month().into(), t.day().into())
                .and_then(|d| d.and_hms_opt(t.hour().into(), t.minute().into(), t.second().into()))
                .map(|n| Mtime { time: n.and_utc(), source: MtimeSource::ZipEntry })
        });
        let member = member(&out[index], &name, mtime);
        if file.is_symlink() {
            note(out, member, "symbolic link in the archive: not followed".into());
            continue;
        }
        let compressed = Rc::new(Cell::new(file.compressed_size()));
        let mut guarded = BombGuard { inner: &mut file, compressed, produced: 0 };
        load_member(Source::Stream(&mut guarded), member, options, depth, out);
    }
    Ok(())
}

fn zip_error(e: zip::result::ZipError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("zip: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths_leaving_the_archive_are_recognised() {
        for path in ["../etc/passwd", "/var/log/auth.log", "a/../../b", "..\\win.ini", "\\abs"] {
            assert!(escapes_archive(path), "{path}");
        }
        for path in ["var/log/auth.log", "a..b/c", "..hidden", "x/.../y"] {
            assert!(!escapes_archive(path), "{path}");
        }
    }

    /// Endless zeros: what a bomb decodes to.
    struct Zeros;

    impl Read for Zeros {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(0);
            Ok(buf.len())
        }
    }

    #[test]
    fn the_bomb_guard_stops_past_the_floor_at_the_ratio() {
        // 1 KiB compressed may give at most the floor; the read past it fails.
        let mut guard = BombGuard { inner: Zeros, compressed: Rc::new(Cell::new(1024)), produced: 0 };
        let err = io::copy(&mut guard, &mut io::sink()).unwrap_err();
        let limit =
            err.get_ref().and_then(|e| e.downcast_ref::<ExpansionLimit>()).expect("an ExpansionLimit");
        assert!(
            limit.produced > EXPANSION_FLOOR_BYTES && limit.produced <= EXPANSION_FLOOR_BYTES + (64 << 10)
        );
        assert!(err.to_string().contains("decompression bombs"), "{err}");
        // An honest ratio passes the floor: 100 MiB from 1 MiB.
        let honest =
            BombGuard { inner: Zeros.take(100 << 20), compressed: Rc::new(Cell::new(1 << 20)), produced: 0 };
        assert_eq!(io::copy(&mut { honest }, &mut io::sink()).unwrap(), 100 << 20);
    }
}
