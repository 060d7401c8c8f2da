//! Parser throughput (MB/s) on realistic lines, and the whole pipeline on the sample bundle.
//!
//! `cargo bench --bench parsers`. Each parser is fed ~4 MB of lines taken from the shipped
//! sample bundles (repeated), one core, through `LineParser` exactly as the loader feeds it;
//! `journal-big` is ~4 MB of a large server's journal made like the corpus generator's.

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
    let big_journal = ("journal-big", Format::Journal, "commands/journalctl.txt", big_journal(4 << 20));
    let cases = cases.into_iter().map(|(name, format, rel)| (name, format, rel, repeated(rel, 4 << 20)));
    for (name, format, rel, text) in cases.chain([big_journal]) {
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
                // As the loader does: room for the window's lines, not growth by doubling.
                sink.glimpses.reserve(text.len() / 160);
                sink.records.reserve(text.len() / 160);
                for (i, line) in split_lines(black_box(&text)).enumerate() {
                    parser.parse_line(i as u64 + 1, line, &mut sink);
                }
                black_box(sink.counts)
            })
        });
    }
    group.finish();
}

/// About `size` bytes of a large server's `journalctl -o short-iso` output, as the corpus
/// generator writes it for `postmortem-corpus big` (`big_journal` in corpus/src/lib.rs): a
/// line every few seconds, a third of them firewall blocks, then SYN-flood warnings, cron
/// sessions and sysstat's systemd units, all in one host's short-iso lines.
fn big_journal(size: usize) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(size + 512);
    text.push_str(
        "-- Journal begins at Mon 2026-02-02 14:00:00 CET, ends at Mon 2026-03-02 15:00:00 CET. --\n",
    );
    let start =
        chrono::NaiveDate::from_ymd_opt(2026, 2, 2).and_then(|d| d.and_hms_opt(14, 0, 0)).expect("date");
    // A fixed linear congruential sequence: the same text on every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let (mut secs, mut pid) = (0i64, 40_000u64);
    while text.len() < size {
        secs += 1 + next(4) as i64;
        let stamp = (start + chrono::Duration::seconds(secs)).format("%Y-%m-%dT%H:%M:%S+0100");
        let head = format!("{stamp} projectium");
        let _ = match next(6) {
            0 | 1 => writeln!(
                text,
                "{head} kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:3a:91:7c:fe:54:00:3a:91:7c:08:00 SRC={}.{}.{}.{} DST=192.0.2.44 LEN=44 TOS=0x00 PREC=0x00 TTL=242 ID=54321 PROTO=TCP SPT={} DPT={} WINDOW=1024 RES=0x00 SYN URGP=0",
                23 + next(198),
                next(256),
                next(256),
                1 + next(254),
                1024 + next(63_977),
                [22, 23, 445, 3389, 5432, 6379, 8080][next(7) as usize],
            ),
            2 => writeln!(
                text,
                "{head} kernel: TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters."
            ),
            3 => {
                pid += 1 + next(9);
                writeln!(
                    text,
                    "{head} CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
                )
            }
            4 => writeln!(
                text,
                "{head} systemd[1]: Starting sysstat-collect.service - system activity accounting tool...\n\
                 {head} systemd[1]: sysstat-collect.service: Deactivated successfully."
            ),
            _ => writeln!(
                text,
                "{head} systemd[1]: Finished sysstat-collect.service - system activity accounting tool."
            ),
        };
    }
    text
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
            let mut writer = postmortem::report::jsonl::Writer::default();
            for e in &timeline.events {
                postmortem::report::timeline::jsonl_row(&mut writer, &mut out, black_box(e));
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
