//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the tests that
//! replay their corpora without a fuzzing engine (`tests/fuzz_replay.rs`).
//!
//! Each function takes arbitrary bytes, runs them through the code the loader runs, and
//! panics when an invariant of [`crate::LineParser`] breaks:
//! - every physical line is accounted exactly once
//!   (`events + continuation + structural + unparsed == lines`);
//! - every record starts on a line that exists;
//! - the records do not depend on where the input is cut into windows (the loader reads
//!   large inputs in windows and carries continuation lines across the cut).
//!
//! Continuation lines before any record are counted as continuation and carried over to the
//! caller, who has no record to attach them to: accounted, their text not kept.
//!
//! Not part of the crate's API: hidden from its documentation, kept public so the fuzz crate
//! (outside the workspace) and the replay tests call the very same code.

use crate::format::Format;
use crate::record::{parse_in_two, parse_text, split_lines, LineCounts};
use crate::sniff::{sniff, SNIFF_BYTES};

/// The path a format's parser is made for while fuzzing: one that format is usually found
/// at, since some parsers read their file name (a PM2 app log's app, a history's user).
pub fn typical_path(format: Format) -> &'static str {
    match format {
        Format::Pm2Log => "home/deploy/.pm2/pm2.log",
        Format::Syslog => "var/log/auth.log",
        Format::Journal => "journal/journalctl.txt",
        Format::Dmesg => "dmesg.txt",
        Format::CiLog => "ci/deploy/1_build.txt",
        Format::Workflow => "repo/.github/workflows/deploy.yml",
        Format::ShellHistory => "home/deploy/.bash_history",
        Format::Nginx => "var/log/nginx/access.log",
        Format::Pm2Jlist => "pm2-jlist.json",
        Format::Pm2List => "pm2-list.txt",
        Format::Git => "repo/.git/logs/HEAD",
        Format::Pm2AppLog => "home/deploy/.pm2/logs/api-error-0.log",
        Format::HostSnapshot => "incident-state.txt",
        Format::Pm2Ecosystem => "app/ecosystem.config.js",
    }
}

/// Parses `bytes` as `format` the way the loader does (lossy UTF-8, `\n`-split lines, a
/// trailing `\r` dropped), whole and cut in two windows, and checks the invariants (see the
/// module doc). Returns the line counts.
///
/// # Panics
/// When an invariant breaks: that is the bug the fuzzer looks for.
pub fn parse_bytes(format: Format, bytes: &[u8]) -> LineCounts {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<String> = split_lines(&text).map(str::to_owned).collect();
    let path = typical_path(format);

    let mut whole = format.parser(path);
    let sink = parse_text(whole.as_mut(), &text);
    assert_eq!(sink.counts.total(), lines.len() as u64, "{format}: every line is accounted exactly once");
    for record in &sink.records {
        assert!(
            (1..=lines.len() as u64).contains(&record.line),
            "{format}: record at line {} of {}",
            record.line,
            lines.len()
        );
    }
    for unparsed in &sink.unparsed {
        assert!((1..=lines.len() as u64).contains(&unparsed.line), "{format}: unparsed line out of range");
    }

    let cut = lines.len() / 2;
    let mut halves = format.parser(path);
    let (records, total) = parse_in_two(halves.as_mut(), &lines, cut);
    assert_eq!(total, lines.len() as u64, "{format}: cut at line {cut}, every line accounted once");
    assert_eq!(records, sink.records, "{format}: records do not depend on a window cut at line {cut}");
    sink.counts
}

/// Parses `data[1..]` as the format `data[0]` selects (modulo the number of formats).
pub fn parse_any(data: &[u8]) {
    if let Some((&selector, bytes)) = data.split_first() {
        let format = Format::ALL[selector as usize % Format::ALL.len()];
        parse_bytes(format, bytes);
    }
}

/// File names the sniffer may be given with content: none, misleading, and each format's.
const SNIFF_PATHS: &[&str] = &[
    "",
    "evidence.txt",
    "var/log/syslog",
    "var/log/nginx/error.log",
    "home/deploy/.zsh_history",
    "bundle/manifest.json",
    "ecosystem.config.json",
];

/// Sniffs `data[1..]` under a path `data[0]` selects (one of a few fixed names or a format's
/// typical path), then, like the loader, parses it with the format sniffed.
pub fn sniff_and_parse(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let choices = SNIFF_PATHS.len() + Format::ALL.len();
    let selector = selector as usize % choices;
    let path = match SNIFF_PATHS.get(selector) {
        Some(path) => path,
        None => typical_path(Format::ALL[selector - SNIFF_PATHS.len()]),
    };
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let sniffed = sniff(head, path);
    assert!(!sniffed.reason.is_empty(), "the sniffer always says why");
    if let Some(format) = sniffed.format {
        parse_bytes(format, bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_bytes_counts_every_line_of_a_real_pm2_log() {
        let log = b"2026-02-17T14:31:02: PM2 log: Stopping app:api id:0\n\
                    2026-02-17T14:31:02: PM2 log: App [api:0] exited with code [0] via signal [SIGINT]\n\
                    \x20   at Object.<anonymous> (/srv/api/index.js:1:1)\n";
        let counts = parse_bytes(Format::Pm2Log, log);
        assert_eq!(counts.total(), 3);
        assert_eq!(counts.events, 2);
        assert_eq!(counts.continuation, 1, "a stack frame continues the exit record");
    }

    #[test]
    fn every_format_selector_and_sniff_path_runs() {
        for selector in 0..=u8::MAX {
            parse_any(&[selector, b'x', b'\n', b'\r', b'\n']);
            sniff_and_parse(&[selector, b'#', b'1', b'\n', b'l', b's']);
        }
    }
}
