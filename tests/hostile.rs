//! Hostile evidence through the binary: what a broken or compromised server leaves behind
//! (bad bytes, huge or cut lines, broken archives, bombs, links out of the bundle, FIFOs,
//! unreadable files, absurd clocks, copies, a flood of tiny files). Every case must be read
//! without a panic or a hang, reported in words, and lose no line: for every input read,
//! `events + continuation + structural + unparsed` equals the physical lines of its content,
//! counted here independently of the tool.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A PM2 daemon log line at `time` saying app `app` (id `id`) went online.
fn pm2_line(time: &str, app: &str, id: u32) -> String {
    format!("{time}: PM2 log: App [{app}:{id}] online\n")
}

/// Physical lines of `bytes` as the tool defines them: `\n`-terminated, plus an
/// unterminated last line.
fn physical_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// `postmortem inputs --format jsonl` of `path`, asserting it ran (exit 0, or the documented
/// 3 when nothing in it is usable evidence: the listing says why).
fn inputs(path: &Path) -> Vec<Value> {
    let out = postmortem(["inputs", path.to_str().unwrap(), "--format", "jsonl"]);
    assert!(matches!(out.status.code(), Some(0 | 3)), "inputs {}: {}", path.display(), stderr(&out));
    jsonl(&out)
}

/// The input named `file` in an `inputs` listing.
fn input<'a>(listing: &'a [Value], file: &str) -> &'a Value {
    listing.iter().find(|i| i["file"] == file).unwrap_or_else(|| panic!("no input {file} in {listing:#?}"))
}

/// Asserts the input's classes add up to its total and the total to `expected` lines.
fn assert_lines(input: &Value, expected: u64) {
    let lines = &input["lines"];
    let sum: u64 =
        ["event", "continuation", "structural", "unparsed"].iter().map(|k| lines[k].as_u64().unwrap()).sum();
    assert_eq!(lines["total"].as_u64(), Some(sum), "{input}");
    assert_eq!(sum, expected, "lines accounted for {}: {input}", input["file"]);
}

/// Asserts nothing was lost from a directory of plain files: every parsed input accounts
/// every physical line of its file on disk.
fn assert_nothing_lost(dir: &Path) -> Vec<Value> {
    let listing = inputs(dir);
    for input in &listing {
        if input["format"] == "skipped" || input["format"] == "failed" || input["format"] == "manifest" {
            continue;
        }
        let file = input["file"].as_str().unwrap();
        if file.contains('!') || file.ends_with(".gz") || file.ends_with(".zst") {
            continue; // inside containers: the container tests count those
        }
        let bytes = fs::read(dir.join(file)).unwrap();
        assert_lines(input, physical_lines(&bytes));
    }
    listing
}

/// Runs the binary, killing it (and failing) if it has not finished within a minute: a
/// loader that opens a FIFO would block forever.
fn postmortem_or_hang<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_or_hang(Command::new(env!("CARGO_BIN_EXE_postmortem")).args(args))
}

fn run_or_hang(command: &mut Command) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("postmortem hung (killed after a minute)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    Output { status, stdout: reader.join().unwrap().unwrap(), stderr }
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

#[test]
fn invalid_utf8_crlf_and_nul_bytes_are_read_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    log.extend_from_slice(pm2_line("2026-02-17T14:31:00", "api", 0).replace('\n', "\r\n").as_bytes());
    log.extend_from_slice(b"2026-02-17T14:31:01: PM2 log: App [caf\xe9\xff:1] online\r\n");
    log.extend_from_slice(b"2026-02-17T14:31:02: PM2 log: App [web:2] on\0\0\0line\n");
    log.extend_from_slice(&[0u8; 64]);
    log.push(b'\n');
    log.extend_from_slice(pm2_line("2026-02-17T14:31:03", "worker", 3).as_bytes());
    write(&dir.path().join("pm2/pm2.log"), &log);

    let listing = assert_nothing_lost(dir.path());
    let pm2 = input(&listing, "pm2/pm2.log");
    assert_eq!(pm2["format"], "pm2-log", "NUL bytes in a log do not make it binary: {pm2}");
    assert_lines(pm2, 5);
    assert_eq!(pm2["lines"]["event"], 4, "{pm2}");

    let out = postmortem(["timeline", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = jsonl(&out);
    let messages: Vec<&str> = events.iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(events.len(), 4, "{messages:?}");
    assert!(messages.iter().all(|m| !m.ends_with('\r')), "CR is not part of a message: {messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("caf\u{fffd}\u{fffd}")),
        "invalid UTF-8 becomes U+FFFD: {messages:?}"
    );
}

#[test]
fn a_64_mib_line_without_newline_is_cut_to_the_window_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pm2.log");
    let mut file = fs::File::create(&path).unwrap();
    file.write_all(pm2_line("2026-02-17T14:31:00", "api", 0).as_bytes()).unwrap();
    file.write_all(pm2_line("2026-02-17T14:31:01", "web", 1).as_bytes()).unwrap();
    file.write_all(b"2026-02-17T14:31:02: PM2 log: ").unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..64 {
        file.write_all(&chunk).unwrap();
    }
    drop(file);

    let listing = inputs(dir.path());
    let pm2 = input(&listing, "pm2.log");
    assert_lines(pm2, 3);
    assert_eq!(pm2["truncated_lines"], serde_json::json!([3]), "{pm2}");
    assert_eq!(pm2["sha256"], sha256_file(&path), "the hash covers the whole line");
    assert_eq!(pm2["size"], fs::metadata(&path).unwrap().len());
    let table = postmortem(["inputs", dir.path().to_str().unwrap()]);
    assert!(
        stdout(&table).contains("line 3 was longer than the read window and was cut"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn empty_files_and_a_file_ending_mid_line() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("empty/pm2.log"), "");
    write(&dir.path().join("blank/notes.txt"), "");
    let mut cut = pm2_line("2026-02-17T14:31:00", "api", 0);
    cut.push_str("2026-02-17T14:3");
    write(&dir.path().join("pm2/pm2.log"), &cut);

    let listing = assert_nothing_lost(dir.path());
    assert_lines(input(&listing, "empty/pm2.log"), 0);
    let pm2 = input(&listing, "pm2/pm2.log");
    assert_lines(pm2, 2);
    assert_eq!(pm2["lines"]["event"], 1, "the cut line is accounted, not an event: {pm2}");

    // An empty file no name can place: no usable evidence, exit 3, told what to do.
    let only_empty = dir.path().join("blank");
    let out = postmortem(["analyze", only_empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("postmortem inputs"), "{}", stderr(&out));
}

/// The sample's pm2.log: real evidence to compress and cut.
fn sample_pm2_log() -> Vec<u8> {
    fs::read(sample().join("pm2/pm2.log")).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// A zstd frame holding `bytes` in one raw block, then `rle_blocks` RLE blocks of 128 KiB of
/// `fill`: zstd's own way of writing a repeated byte, a few bytes per block.
fn zstd_frame(bytes: &[u8], fill: u8, rle_blocks: usize) -> Vec<u8> {
    fn block_header(size: usize, kind: u32, last: bool) -> [u8; 3] {
        let h = ((size as u32) << 3) | (kind << 1) | u32::from(last);
        [h as u8, (h >> 8) as u8, (h >> 16) as u8]
    }
    assert!(bytes.len() <= 128 << 10);
    // Magic, frame header descriptor (no content size, no checksum), window 128 KiB.
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
    frame.extend_from_slice(&block_header(bytes.len(), 0, rle_blocks == 0));
    frame.extend_from_slice(bytes);
    for i in 0..rle_blocks {
        frame.extend_from_slice(&block_header(128 << 10, 1, i + 1 == rle_blocks));
        frame.push(fill);
    }
    frame
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, options).unwrap();
    zip.write_all(bytes).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn our_zstd_frames_decode_to_what_they_hold() {
    // The bomb test below relies on this hand-made frame being valid zstd.
    let frame = zstd_frame(b"head\n", b'x', 2);
    let mut decoded = Vec::new();
    ruzstd::decoding::StreamingDecoder::new(&frame[..]).unwrap().read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded.len(), 5 + (256 << 10));
    assert!(decoded.starts_with(b"head\nxxx"));
}

#[test]
fn truncated_gzip_zstd_and_zip_are_reported_and_the_rest_is_analyzed() {
    let dir = tempfile::tempdir().unwrap();
    let log = sample_pm2_log();
    let half = |v: Vec<u8>| v[..v.len() / 2].to_vec();
    write(&dir.path().join("cut/pm2.log.gz"), half(gzip(&log)));
    write(&dir.path().join("cut/pm2.log.zst"), half(zstd_frame(&log[..log.len().min(100_000)], b'\n', 0)));
    write(&dir.path().join("cut/pm2-logs.zip"), half(zip_of("pm2.log", &log)));
    write(&dir.path().join("intact/auth.log"), fs::read(sample().join("var/log/auth.log")).unwrap());

    let out = postmortem_or_hang(["timeline", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "the intact file is still evidence: {}", stderr(&out));
    let err = stderr(&out);
    for name in ["cut/pm2.log.gz", "cut/pm2.log.zst", "cut/pm2-logs.zip"] {
        let line = err.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name} reported: {err}"));
        assert!(line.contains("corrupt or truncated"), "{line}");
    }
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    let events = jsonl(&out);
    assert!(events.iter().any(|e| e["file"] == "intact/auth.log"), "the rest of the bundle is analyzed");
    // What could be decompressed before the cut is kept, line by line.
    assert!(events.iter().any(|e| e["file"] == "cut/pm2.log.gz"), "lines before the cut are read");

    let listing = inputs(dir.path());
    let gz = input(&listing, "cut/pm2.log.gz");
    assert_eq!(gz["format"], "failed");
    assert_eq!(gz["sha256"], sha256_file(&dir.path().join("cut/pm2.log.gz")), "hashed as stored");
}

#[test]
fn a_decompression_bomb_is_stopped_with_the_limit_named_and_the_rest_analyzed() {
    let dir = tempfile::tempdir().unwrap();
    // 5 bytes of zstd per 128 KiB: 1 GiB of 'x' after one real line, from about 40 KiB.
    let first = pm2_line("2026-02-17T14:31:00", "api", 0);
    let bomb = zstd_frame(first.as_bytes(), b'x', 8192);
    assert!(bomb.len() < 64 << 10);
    write(&dir.path().join("bomb/pm2.log.zst"), &bomb);
    write(&dir.path().join("pm2/pm2.log"), pm2_line("2026-02-17T14:32:00", "web", 1));

    let out = postmortem_or_hang(["timeline", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err.lines().find(|l| l.contains("bomb/pm2.log.zst")).expect("the bomb is reported by name");
    assert!(
        line.contains("decompression bomb") && line.contains("1000:1") && line.contains("64 MiB"),
        "{line}"
    );
    assert!(line.contains("decompress it yourself"), "says what to do: {line}");
    let events = jsonl(&out);
    let mut files: Vec<&str> = events.iter().map(|e| e["file"].as_str().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["bomb/pm2.log.zst", "pm2/pm2.log"], "the line before the bomb and the rest are read");
}

/// A tar header for `name` written byte by byte: the tar crate refuses `..` in paths, an
/// attacker's tar does not.
fn raw_tar_entry(tar: &mut Vec<u8>, name: &str, kind: tar::EntryType, link: &str, body: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
    header.as_gnu_mut().unwrap().linkname[..link.len()].copy_from_slice(link.as_bytes());
    header.set_entry_type(kind);
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(1_771_340_000);
    header.set_cksum();
    tar.extend_from_slice(header.as_bytes());
    tar.extend_from_slice(body);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
}

#[test]
fn tar_members_escaping_the_archive_and_links_are_reported_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let mut tar = Vec::new();
    let climbing = pm2_line("2026-02-17T14:31:00", "api", 0);
    let absolute = pm2_line("2026-02-17T14:31:01", "web", 1);
    raw_tar_entry(&mut tar, "../../etc/cron.d/pm2.log", tar::EntryType::Regular, "", climbing.as_bytes());
    raw_tar_entry(&mut tar, "/var/log/pm2.log", tar::EntryType::Regular, "", absolute.as_bytes());
    raw_tar_entry(&mut tar, "shadow.log", tar::EntryType::Symlink, "/etc/shadow", b"");
    raw_tar_entry(&mut tar, "copy.log", tar::EntryType::Link, "/var/log/pm2.log", b"");
    raw_tar_entry(&mut tar, "pipe", tar::EntryType::Fifo, "", b"");
    tar.extend_from_slice(&[0; 1024]);
    write(&dir.path().join("evidence.tar"), &tar);

    let listing = inputs(dir.path());
    let climbing_input = input(&listing, "evidence.tar!/../../etc/cron.d/pm2.log");
    assert_eq!(climbing_input["format"], "pm2-log");
    assert_lines(climbing_input, 1);
    let note = climbing_input["assumptions"].to_string();
    assert!(note.contains("never extracted"), "{note}");
    assert!(input(&listing, "evidence.tar!//var/log/pm2.log")["assumptions"]
        .to_string()
        .contains("never extracted"));
    let symlink = input(&listing, "evidence.tar!/shadow.log");
    assert_eq!(symlink["format"], "skipped");
    assert!(symlink["reason"]
        .as_str()
        .unwrap()
        .contains("symbolic link in the archive to /etc/shadow: not followed"));
    let hard = input(&listing, "evidence.tar!/copy.log");
    assert!(
        hard["reason"].as_str().unwrap().starts_with("hard link in the archive to /var/log/pm2.log"),
        "{hard}"
    );
    assert!(input(&listing, "evidence.tar!/pipe")["reason"].as_str().unwrap().contains("FIFO"));
    assert!(!Path::new("/etc/cron.d/pm2.log").exists(), "nothing is ever extracted");
}

#[test]
fn links_in_a_directory_are_followed_only_inside_it_and_copies_count_once() {
    let base = tempfile::tempdir().unwrap();
    let outside = base.path().join("outside/secret.log");
    write(&outside, pm2_line("2026-02-17T14:00:00", "secret", 9));
    let dir = base.path().join("bundle");
    let log = pm2_line("2026-02-17T14:31:00", "api", 0) + &pm2_line("2026-02-17T14:31:05", "web", 1);
    write(&dir.join("pm2/pm2.log"), &log);
    write(&dir.join("backup/pm2.log"), &log);
    std::os::unix::fs::symlink(&outside, dir.join("escape.log")).unwrap();
    std::os::unix::fs::symlink("pm2/pm2.log", dir.join("inside.log")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("parent")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("missing.log", dir.join("dangling.log")).unwrap();
    fs::hard_link(dir.join("pm2/pm2.log"), dir.join("hardlink.log")).unwrap();

    let listing = assert_nothing_lost(&dir);
    let reason = |file: &str| input(&listing, file)["reason"].as_str().unwrap().to_string();
    assert!(reason("escape.log").contains("outside the evidence: not followed"), "{}", reason("escape.log"));
    assert!(reason("parent").contains("symbolic link to .., outside the evidence"), "{}", reason("parent"));
    assert!(reason("loop").contains("symbolic link to the directory .: not followed"), "{}", reason("loop"));
    assert!(reason("dangling.log").contains("cannot follow it"), "{}", reason("dangling.log"));
    // backup/ sorts first: it is the one counted; every other copy names it.
    assert_eq!(input(&listing, "backup/pm2.log")["format"], "pm2-log");
    for copy in ["hardlink.log", "inside.log", "pm2/pm2.log"] {
        assert!(
            reason(copy).starts_with("same content as backup/pm2.log (SHA-256"),
            "{copy}: {}",
            reason(copy)
        );
    }
    let out = postmortem(["timeline", dir.to_str().unwrap(), "--format", "jsonl"]);
    let events = jsonl(&out);
    assert_eq!(events.len(), 2, "the copies' events are counted once: {events:#?}");
    assert!(events.iter().all(|e| e["process"] != "secret"), "nothing read from outside the bundle");
}

#[test]
fn fifos_and_devices_are_skipped_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("pm2/pm2.log"), pm2_line("2026-02-17T14:31:00", "api", 0));
    let fifo = dir.path().join("pm2/pipe.log");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let device = dir.path().join("null.log");
    let has_device =
        Command::new("mknod").arg(&device).args(["c", "1", "3"]).status().is_ok_and(|s| s.success());

    let out = postmortem_or_hang(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = jsonl(&out);
    let pipe = input(&listing, "pm2/pipe.log");
    assert_eq!(pipe["format"], "skipped");
    assert_eq!(pipe["reason"], "a FIFO (named pipe): skipped, never opened");
    if has_device {
        assert_eq!(input(&listing, "null.log")["reason"], "a character device: skipped, never opened");
    } else {
        eprintln!("note: mknod failed (not root?); the device case was not checked");
    }
    // The FIFO given directly is not opened either.
    let out = postmortem_or_hang(["inputs", fifo.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(jsonl(&out)[0]["reason"], "a FIFO (named pipe): skipped, never opened");
}

#[test]
fn unreadable_files_and_directories_are_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let Some(as_nobody) = postmortem_as_nobody(dir.path()) else { return };
    let bundle = dir.path().join("bundle");
    write(&bundle.join("pm2/pm2.log"), pm2_line("2026-02-17T14:31:00", "api", 0));
    write(&bundle.join("secret/auth.log"), "Feb 17 14:30:00 web1 sshd[1]: Accepted publickey for deploy\n");
    write(&bundle.join("private.log"), pm2_line("2026-02-17T14:31:01", "web", 1));
    for (path, mode) in [
        (bundle.clone(), 0o755),
        (bundle.join("pm2"), 0o755),
        (bundle.join("pm2/pm2.log"), 0o644),
        (bundle.join("secret"), 0o700),
        (bundle.join("private.log"), 0o600),
    ] {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    }
    let run = |args: &[&str]| run_or_hang(as_nobody().args(args));
    let out = run(&["inputs", bundle.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = jsonl(&out);
    let private = input(&listing, "private.log");
    assert_eq!(private["format"], "failed");
    assert_eq!(private["reason"], "cannot open: permission denied (run as a user who can read it)");
    let secret = input(&listing, "secret");
    assert_eq!(secret["reason"], "cannot list directory: permission denied (run as a user who can read it)");
    assert_eq!(input(&listing, "pm2/pm2.log")["format"], "pm2-log");

    let out = run(&["timeline", bundle.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("private.log: cannot open: permission denied"), "{}", stderr(&out));
    assert_eq!(jsonl(&out).len(), 1);

    // Nothing readable at all: the documented exit code and what to do.
    let out = run(&["analyze", bundle.join("secret").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("permission denied"), "{}", stderr(&out));
}

#[test]
fn times_in_1970_and_2100_and_clocks_going_backwards_keep_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let log = [
        pm2_line("2026-02-17T14:31:00", "api", 0),
        pm2_line("1970-01-01T00:00:00", "epoch", 1),
        pm2_line("2100-12-31T23:59:59", "future", 2),
        pm2_line("2026-02-17T14:30:00", "backwards", 3),
        pm2_line("2026-02-17T14:29:00", "backwards", 4),
    ]
    .concat();
    write(&dir.path().join("pm2/pm2.log"), &log);
    write(&dir.path().join("var/log/syslog"), "Jan  1 00:00:00 web1 CRON[1]: (root) CMD (true)\n");
    assert_nothing_lost(dir.path());

    let out = postmortem(["timeline", dir.path().to_str().unwrap(), "--format", "jsonl", "--tz", "UTC"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = jsonl(&out);
    assert_eq!(events.len(), 6);
    let times: Vec<&str> = events.iter().filter_map(|e| e["time"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "the timeline is in time order whatever the file order");
    assert!(times[0].starts_with("1970-01-01T00:00:00"), "{times:?}");
    assert!(times.last().unwrap().starts_with("2100-12-31T23:59:59"), "{times:?}");
    let out = postmortem(["analyze", dir.path().to_str().unwrap(), "--format", "json", "--tz", "UTC"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_hundred_thousand_tiny_files_are_all_read() {
    let dir = tempfile::tempdir().unwrap();
    const FILES: u32 = 100_000;
    for i in 0..FILES {
        let path = dir.path().join(format!("d{:03}/pm2-{i}.log", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        fs::write(&path, pm2_line("2026-02-17T14:31:00", &format!("app{i}"), i)).unwrap();
    }
    let out = postmortem_or_hang(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = jsonl(&out);
    assert_eq!(listing.len(), FILES as usize);
    assert!(listing.iter().all(|i| i["format"] == "pm2-log" && i["lines"]["event"] == 1));
}

#[test]
fn samples_lose_no_line() {
    let bundles = sample_bundles();
    let mut checked = 0;
    for bundle in bundles {
        let listing = assert_nothing_lost(&bundle);
        checked += listing.iter().filter(|i| i["lines"]["total"].as_u64() > Some(0)).count();
    }
    assert!(checked > 50, "only {checked} sample inputs had lines");
}

/// Runs postmortem expecting failure: the documented exit code, one line per message, no
/// panic or backtrace. Returns standard error.
fn fails_with(code: i32, args: &[&str]) -> String {
    let out = postmortem(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("postmortem: ")), "one-line messages: {err}");
    err
}

#[test]
fn errors_say_what_failed_and_what_to_do_with_the_documented_exit_code() {
    let sample = sample();
    let s = sample.to_str().unwrap();
    let err = fails_with(3, &["analyze", "/nonexistent/evidence"]);
    assert!(err.contains("/nonexistent/evidence: cannot read /nonexistent/evidence: no such file or directory (check the path)"), "{err}");
    assert!(err.contains("run `postmortem inputs`"), "{err}");

    let err = fails_with(2, &["analyze", s, "--tz", "Mars/Olympus"]);
    assert!(err.contains("\"Mars/Olympus\" is not an IANA time zone name (try Europe/Berlin"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("rules.toml");
    write(&broken, "[[rule]]\nid = \"half-written\"\n");
    let err = fails_with(2, &["analyze", s, "--rules", broken.to_str().unwrap()]);
    assert!(
        err.contains("rules.toml") && err.contains("missing field `title`") && err.contains("fix the file"),
        "{err}"
    );
    let err = fails_with(2, &["analyze", s, "--rules", dir.path().join("missing.toml").to_str().unwrap()]);
    assert!(err.contains("missing.toml: no such file or directory (check the path)"), "{err}");

    let err =
        fails_with(2, &["batch", "/nonexistent/bundles", "--out", dir.path().join("out").to_str().unwrap()]);
    assert!(
        err.contains("cannot list the batch paths /nonexistent/bundles: no such file or directory"),
        "{err}"
    );

    let out = dir.path().join("no/such/dir/timeline.csv");
    let err = fails_with(1, &["timeline", s, "--format", "csv", "--output", out.to_str().unwrap()]);
    assert!(err.contains("cannot write") && err.contains("timeline.csv"), "{err}");
}

#[test]
fn the_same_file_given_twice_is_counted_once() {
    let log = sample().join("pm2/pm2.log");
    let l = log.to_str().unwrap();
    let once = jsonl(&postmortem(["timeline", l, "--format", "jsonl"]));
    let twice = jsonl(&postmortem(["timeline", l, l, "--format", "jsonl"]));
    assert!(!once.is_empty());
    assert_eq!(once, twice, "the second copy adds no event");
    let listing = inputs_of(&[l, l]);
    assert_eq!(listing.len(), 2, "both arguments are listed");
    assert_eq!(listing[1]["format"], "skipped");
    assert!(
        listing[1]["reason"].as_str().unwrap().starts_with("same content as pm2.log (SHA-256 "),
        "{}",
        listing[1]
    );
    assert_lines(&listing[1], physical_lines(&fs::read(&log).unwrap()));
}

/// `postmortem inputs --format jsonl` of several arguments.
fn inputs_of(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["inputs"];
    all.extend_from_slice(args);
    all.extend(["--format", "jsonl"]);
    let out = postmortem(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}
