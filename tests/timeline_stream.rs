//! The streamed timeline (two passes and a merge, `postmortem::stream`) writes exactly what
//! sorting every event in memory writes: every sample, every streamed format, the filters,
//! and evidence whose order is hostile (backwards, ties, a DST fold, a year rollover, an
//! archive of overlapping members, more rows than the sort budget). Temporary files never
//! outlive a run.

mod common;

use std::io::Write;
use std::path::Path;

use common::{postmortem, sample, sample_bundles, stderr};
use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem::report::timeline::TimelineFormat;
use postmortem::stream::{self, StreamOptions};
use postmortem::timeline::{self, Filter};

/// The formats the timeline streams.
const STREAMED: [&str; 4] = ["jsonl", "csv", "timesketch", "timesketch-jsonl"];

/// Runs `timeline ARGS` streamed (temporary files in a fresh directory, checked empty
/// afterwards) and in memory; asserts both give the same bytes, messages and exit code, and
/// returns the streamed output.
fn same_both_ways(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().expect("temp dir");
    let tmp_arg = tmp.path().to_str().expect("utf-8 temp path");
    let streamed = postmortem([&["timeline", "--tmp-dir", tmp_arg][..], args].concat());
    let in_memory = postmortem([&["timeline", "--in-memory"][..], args].concat());
    assert_eq!(streamed.status.code(), in_memory.status.code(), "{args:?}: {}", stderr(&streamed));
    assert_eq!(stderr(&streamed), stderr(&in_memory), "{args:?}: messages");
    assert!(
        streamed.stdout == in_memory.stdout,
        "{args:?}: streamed output differs from the in-memory sort:\n{}",
        first_difference(&streamed.stdout, &in_memory.stdout)
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("temp dir readable").collect();
    assert!(left.is_empty(), "{args:?}: temporary files left behind: {left:?}");
    String::from_utf8(streamed.stdout).expect("utf-8 output")
}

/// The first differing line of two outputs, for failure messages.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => return "no line differs".into(),
            (x, y) => return format!("line {n}:\n  streamed:  {x:?}\n  in memory: {y:?}"),
        }
    }
    unreachable!()
}

/// The `time` of every JSONL row, in output order.
fn times(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON row");
            v["time"].as_str().unwrap_or("undated").to_string()
        })
        .collect()
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write evidence");
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn every_sample_in_every_streamed_format_is_the_in_memory_timeline() {
    let bundles = sample_bundles();
    assert!(bundles.len() >= 10, "the samples are there: {bundles:?}");
    for bundle in bundles {
        for format in STREAMED {
            same_both_ways(&[arg(&bundle), "--format", format]);
        }
        // Every input spilled: each row waits past a one-byte budget.
        same_both_ways(&[arg(&bundle), "--format", "jsonl", "--sort-budget", "1"]);
    }
}

#[test]
fn filters_and_unparsed_lines_are_the_same_streamed() {
    let s = sample();
    let s = arg(&s);
    for extra in [
        &["--since", "2026-02-17 14:00", "--until", "2026-02-17 15:00"][..],
        &["--source", "pm2", "--source", "auth"],
        &["--app", "flyer-crawler-api"],
        &["--grep", "(?i)restart|delete"],
        &["--show-unparsed"],
        &["--tz", "America/New_York", "--year", "2025"],
    ] {
        for format in ["jsonl", "timesketch"] {
            same_both_ways(&[&[s, "--format", format][..], extra].concat());
        }
    }
    // Two arguments, the same bundle twice (copies counted once) and another.
    let other = sample_bundles().into_iter().find(|b| b.ends_with("2026-03-10-oom-killer")).expect("sample");
    same_both_ways(&[s, arg(&other), s, "--format", "csv"]);
}

#[test]
fn a_file_going_backwards_in_time_is_sorted_and_spilled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::new();
    for i in (0..3000).rev() {
        let (m, s) = (i / 60, i % 60);
        text.push_str(&format!("2026-02-17T{:02}:{m:02}:{s:02}+00:00 web1 app[42]: step {i}\n", 10 + m / 60));
    }
    write_file(&dir.path().join("var/log/syslog"), &text);
    let out = same_both_ways(&[arg(dir.path()), "--format", "jsonl", "--sort-budget", "20000"]);
    let t = times(&out);
    assert_eq!(t.len(), 3000);
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "sorted by time");
    assert!(out.lines().next().is_some_and(|l| l.contains("step 0")), "the last line written comes first");

    // The library says the rows went to disk in runs, not all through memory.
    let streamed = stream_with_budget(dir.path(), 20_000, TimelineFormat::Jsonl);
    assert!(streamed.runs >= 2, "{streamed:?}");
    assert_eq!(streamed.rows, 3000);
}

/// Streams `dir` as the CLI does, with a sort budget, into memory.
fn stream_with_budget(dir: &Path, budget: usize, format: TimelineFormat) -> stream::Streamed {
    let evidence = vec![dir.to_path_buf()];
    let first =
        LoadOptions { retention: postmortem::analysis::interest::retention(&[]), ..LoadOptions::default() };
    let (timeline, clocks) = timeline::build_keeping_clocks(&evidence, &first, &TimeOptions::default());
    let tmp = tempfile::tempdir().expect("temp dir");
    let options = StreamOptions { sort_budget: budget, tmp_dir: Some(tmp.path().to_path_buf()) };
    let mut out = Vec::new();
    let streamed = stream::write(
        &mut out,
        &evidence,
        &timeline,
        clocks,
        &LoadOptions::default(),
        Filter::default(),
        format,
        &options,
    )
    .expect("streams");
    assert_eq!(std::fs::read_dir(tmp.path()).expect("readable").count(), 0, "temporary files removed");
    streamed
}

#[test]
fn equal_times_keep_file_then_line_then_argument_order() {
    let one = tempfile::tempdir().expect("temp dir");
    let two = tempfile::tempdir().expect("temp dir");
    for (dir, host) in [(&one, "alpha"), (&two, "beta")] {
        for name in ["a/syslog", "b/syslog"] {
            let mut text = String::new();
            for i in 0..50 {
                text.push_str(&format!("2026-02-17T10:00:{:02}+00:00 {host} app[1]: {name} {i}\n", i / 10));
            }
            write_file(&dir.path().join(name), &text);
        }
    }
    // The same file names in both arguments: ties go to the first argument.
    let out = same_both_ways(&[arg(one.path()), arg(two.path()), "--format", "jsonl"]);
    let first: Vec<&str> = out.lines().take(4).collect();
    assert!(first[0].contains("alpha") && first[0].contains("a/syslog 0"), "{first:?}");
    assert!(first[1].contains("beta") && first[1].contains("a/syslog 0"), "{first:?}");
    same_both_ways(&[arg(one.path()), arg(two.path()), "--format", "timesketch", "--sort-budget", "1"]);
}

#[test]
fn a_zone_less_file_across_the_dst_fold_comes_out_as_sorted_in_memory() {
    // 2026-10-25 in Berlin: 02:00–02:59 happens twice; the clock takes the earlier instant,
    // so the file's second pass through that hour goes back in UTC.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::new();
    for (hour, minutes) in [(1, 0..60), (2, 0..60), (2, 0..60), (3, 0..60)] {
        for m in minutes.step_by(5) {
            text.push_str(&format!("2026-10-25T{hour:02}:{m:02}:00 web1 cron[7]: tick {hour}:{m:02}\n"));
        }
    }
    write_file(&dir.path().join("var/log/syslog"), &text);
    for format in STREAMED {
        same_both_ways(&[arg(dir.path()), "--format", format, "--tz", "Europe/Berlin"]);
    }
    let out = same_both_ways(&[
        arg(dir.path()),
        "--format",
        "jsonl",
        "--tz",
        "Europe/Berlin",
        "--sort-budget",
        "1",
    ]);
    let t = times(&out);
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "sorted by time: {t:?}");
}

#[test]
fn a_year_rollover_in_rfc3164_streams_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::new();
    for (day, h) in [("Dec 31", 22), ("Dec 31", 23), ("Jan  1", 0), ("Jan  1", 1)] {
        for m in 0..30 {
            text.push_str(&format!("{day} {h:02}:{m:02}:00 web1 sshd[9]: Accepted publickey for deploy from 10.0.0.{m} port 22 ssh2\n"));
        }
    }
    write_file(&dir.path().join("var/log/auth.log"), &text);
    let out = same_both_ways(&[arg(dir.path()), "--format", "jsonl", "--year", "2025"]);
    let t = times(&out);
    assert!(t.first().is_some_and(|t| t.starts_with("2025-12-31")), "{t:?}");
    assert!(t.last().is_some_and(|t| t.starts_with("2026-01-01")), "{t:?}");
    same_both_ways(&[arg(dir.path()), "--format", "csv", "--year", "2025", "--sort-budget", "1"]);
}

#[test]
fn an_archive_of_overlapping_members_is_merged_across_members() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("logs.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).expect("create"),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, offset) in [("var/log/syslog", 0), ("var/log/syslog.1", 1)] {
        let mut text = String::new();
        for i in 0..200 {
            let s = i * 2 + offset;
            text.push_str(&format!(
                "2026-02-17T10:{:02}:{:02}+00:00 web1 app[3]: {name} {i}\n",
                s / 60,
                s % 60
            ));
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_771_322_400);
        tar.append_data(&mut header, name, text.as_bytes()).expect("append");
    }
    tar.into_inner().expect("tar").finish().expect("gzip").flush().expect("flush");
    let out = same_both_ways(&[arg(&path), "--format", "jsonl"]);
    let files: Vec<bool> = out.lines().take(4).map(|l| l.contains("syslog.1")).collect();
    assert_eq!(files, [false, true, false, true], "members interleave by time");
    same_both_ways(&[arg(&path), "--format", "timesketch-jsonl", "--sort-budget", "1"]);
}

#[test]
fn undated_events_are_last_and_left_out_with_the_same_note() {
    // Times since boot with nothing to date that boot stay undated; the ISO file is dated.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut dmesg = String::new();
    for i in 0..40 {
        dmesg.push_str(&format!("[{:>5}.{:06}] eth0: link up {i}\n", 100 - i, i));
    }
    write_file(&dir.path().join("commands/dmesg.txt"), &dmesg);
    write_file(&dir.path().join("var/log/syslog"), "2026-02-17T10:00:00+00:00 web1 app[1]: dated\n");
    let out = same_both_ways(&[arg(dir.path()), "--format", "jsonl", "--sort-budget", "1"]);
    let t = times(&out);
    assert_eq!(t.len(), 41);
    assert!(t[0].starts_with("2026-02-17") && t[1..].iter().all(|t| t == "undated"), "{t:?}");
    for format in STREAMED {
        same_both_ways(&[arg(dir.path()), "--format", format]);
    }
    let note = stderr(&postmortem(["timeline", arg(dir.path()), "--format", "timesketch"]));
    assert!(note.contains("40 undated events left out"), "{note}");
}

#[test]
fn a_truncated_gzip_gives_the_same_lines_before_the_cut() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!(
            "2026-02-17T10:{:02}:{:02}+00:00 web1 app[5]: line {i}\n",
            i / 60 % 60,
            i % 60
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("compress");
    let bytes = gz.finish().expect("gzip");
    write_file(&dir.path().join("var/log/syslog"), "2026-02-17T10:00:30+00:00 web1 app[5]: plain\n");
    std::fs::write(dir.path().join("var/log/syslog.2.gz"), &bytes[..bytes.len() * 2 / 3]).expect("write");
    let out = same_both_ways(&[arg(dir.path()), "--format", "jsonl"]);
    assert!(out.lines().count() > 2, "lines before the cut are kept");
}

#[test]
fn an_unwritable_temp_dir_is_needed_only_to_spill_and_then_says_what_to_do() {
    let s = sample();
    let missing = tempfile::tempdir().expect("temp dir").path().join("gone");
    let missing = arg(&missing);
    // Nothing waits past the budget: no temporary file, no error.
    let ok = postmortem(["timeline", arg(&s), "--format", "jsonl", "--tmp-dir", missing]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let failed =
        postmortem(["timeline", arg(&s), "--format", "jsonl", "--tmp-dir", missing, "--sort-budget", "1"]);
    assert_eq!(failed.status.code(), Some(1));
    let err = stderr(&failed);
    assert!(err.contains("cannot create a temporary directory") && err.contains("give --tmp-dir"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
