//! Parser throughput (MB/s) on realistic lines, and the whole pipeline on the sample bundle.
//!
//! `cargo bench --bench parsers`. Each parser is fed ~4 MB of lines taken from the shipped
//! sample bundles (repeated), one core, through `LineParser` exactly as the loader feeds it.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use postmortem::analysis::{interest, rules};
use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem_parsers::{parse_text, split_lines, Format, Sink};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// About `size` bytes of the file's lines (under the repository), repeated.
fn repeated(rel: &str, size: usize) -> String {
    let text = std::fs::read_to_string(root().join(rel)).expect("sample file");
    let mut out = String::with_capacity(size + text.len());
    while out.len() < size {
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn parsers(c: &mut Criterion) {
    let cases = [
        ("syslog-auth", Format::Syslog, "samples/2026-02-17-pm2-delete-all/var/log/auth.log"),
        ("syslog-sshd-noise", Format::Syslog, SSHD_NOISE),
        ("syslog-kern-oom", Format::Syslog, "samples/2026-03-10-oom-killer/var/log/kern.log"),
        ("pm2-log", Format::Pm2Log, "samples/2026-02-17-pm2-delete-all/pm2/pm2.log"),
        ("journal", Format::Journal, "samples/2026-03-10-oom-killer/commands/journalctl.txt"),
        ("nginx-access", Format::Nginx, "samples/2026-02-17-pm2-delete-all/var/log/nginx/access.log"),
        (
            "pm2-app-log",
            Format::Pm2AppLog,
            "samples/2026-03-10-oom-killer/pm2/logs/flyer-crawler-analytics-worker-out.log",
        ),
        (
            "pm2-app-log-stacks",
            Format::Pm2AppLog,
            "samples/2026-04-20-crash-loop/pm2/logs/flyer-crawler-worker-error.log",
        ),
        (
            "ci-log",
            Format::CiLog,
            "samples/2026-02-17-pm2-delete-all/ci/deploy-to-test-deploy-to-test-1234.log",
        ),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, format, rel) in cases {
        let text = repeated(rel, 4 << 20);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut parser = format.parser(rel);
                black_box(parse_text(parser.as_mut(), black_box(&text)).counts)
            })
        });
    }
    group.finish();

    // As `analyze` reads them: records of the kinds no rule reads handed over as glimpses.
    let skimmed = match interest::retention(&rules::load(&[]).expect("embedded rules")) {
        postmortem::evidence::Retention::Except(pairs) => pairs,
        _ => unreachable!("the analysis retention skims background kinds"),
    };
    let mut group = c.benchmark_group("skim");
    for (name, format, rel) in [
        ("syslog-sshd-noise", Format::Syslog, SSHD_NOISE),
        ("nginx-access", Format::Nginx, "samples/2026-02-17-pm2-delete-all/var/log/nginx/access.log"),
    ] {
        let text = repeated(rel, 4 << 20);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut parser = format.parser(rel);
                let mut sink = Sink::skimming(skimmed.clone());
                for (i, line) in split_lines(black_box(&text)).enumerate() {
                    parser.parse_line(i as u64 + 1, line, &mut sink);
                }
                black_box(sink.counts)
            })
        });
    }
    group.finish();
}

/// Real sshd brute-force noise (loghub's OpenSSH sample, next to the repository).
const SSHD_NOISE: &str = "../shared/corpus/loghub-openssh/OpenSSH_2k.log";

fn pipeline(c: &mut Criterion) {
    let sample = root().join("samples/2026-02-17-pm2-delete-all");
    c.bench_function("load+clock+timeline (sample bundle)", |b| {
        b.iter(|| {
            postmortem::timeline::build(
                black_box(std::slice::from_ref(&sample)),
                &LoadOptions::default(),
                &TimeOptions::default(),
            )
        })
    });
}

/// Rendering `timeline --format jsonl` rows: the hand-written writer against serde_json (the
/// definition of the event contract), over every event of the sample bundles.
fn rows(c: &mut Criterion) {
    let samples: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .expect("samples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "confusers"))
        .collect();
    let timeline = postmortem::timeline::build(&samples, &LoadOptions::default(), &TimeOptions::default());
    let bytes: usize = timeline.events.iter().map(|e| serde_json::to_vec(e).expect("json").len() + 1).sum();
    let mut group = c.benchmark_group("jsonl-rows");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("report::jsonl", |b| {
        let mut out = Vec::with_capacity(bytes);
        b.iter(|| {
            out.clear();
            for e in &timeline.events {
                postmortem::report::timeline::jsonl_row(&mut out, black_box(e));
            }
            black_box(out.len())
        })
    });
    group.bench_function("serde_json", |b| {
        let mut out = Vec::with_capacity(bytes);
        b.iter(|| {
            out.clear();
            for e in &timeline.events {
                serde_json::to_writer(&mut out, black_box(e)).expect("json");
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, parsers, pipeline, rows);
criterion_main!(benches);
