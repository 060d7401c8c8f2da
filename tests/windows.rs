//! Reading in small windows gives exactly what reading in one window gives: records that
//! straddle a window boundary keep their continuation lines, and line numbers continue.

mod common;

use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem::timeline;

/// Events as JSON, and per input the (event, continuation, structural, unparsed) counts.
type Loaded = (Vec<String>, Vec<(u64, u64, u64, u64)>);

fn events_json(window: usize) -> Loaded {
    let sample =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/2026-02-17-pm2-delete-all");
    let load = LoadOptions { window, ..LoadOptions::default() };
    let t = timeline::build(&[sample], &load, &TimeOptions::default());
    let counts = t
        .bundles
        .iter()
        .flat_map(|b| &b.inputs)
        .map(|i| (i.counts.events, i.counts.continuation, i.counts.structural, i.counts.unparsed))
        .collect();
    (t.events.iter().map(|e| serde_json::to_string(e).unwrap()).collect(), counts)
}

#[test]
fn window_size_does_not_change_results() {
    let reference = events_json(8 << 20);
    assert!(reference.0.iter().any(|e| e.contains("\"detail\":[")), "the sample has a continued record");
    // Windows down to just above the sample's longest line (a one-line `pm2 jlist`, 1.5 KB):
    // a line longer than the window is cut by the documented long-line policy instead.
    let longest = common::sample_files()
        .iter()
        .map(|f| std::fs::read(common::sample().join(f)).unwrap())
        .flat_map(|b| b.split(|&c| c == b'\n').map(<[u8]>::len).collect::<Vec<_>>())
        .max()
        .unwrap();
    for window in [longest + 1, longest + 7, 4096, 65536] {
        let (events, counts) = events_json(window);
        assert_eq!(counts, reference.1, "line counts, window {window}");
        assert_eq!(events.len(), reference.0.len(), "event count, window {window}");
        for (got, want) in events.iter().zip(&reference.0) {
            assert_eq!(got, want, "window {window}");
        }
    }
}

mod hostile {
    use super::*;
    use postmortem::evidence::{self, InputStatus};
    use proptest::prelude::*;

    fn physical_lines(bytes: &[u8]) -> u64 {
        let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        newlines + u64::from(!bytes.is_empty() && bytes.last() != Some(&b'\n'))
    }

    fn line_soup() -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            Just(b"2026-02-17T15:31:04: PM2 log: App [api:0] online".to_vec()),
            Just(b"2026-02-17T15:31:04: PM2 log: ===============================================================================".to_vec()),
            Just(b"2026-02-17T15:31:04: PM2 log: --- New PM2 Daemon started ----".to_vec()),
            Just(b"2026-02-17T15:31:04: PM2 log: Time                 : Tue Feb 17 2026 15:31:04 GMT+0100 (CET)".to_vec()),
            Just(b"Feb 17 15:55:30 projectium sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls".to_vec()),
            Just(b"Feb 17 15:55:30 projectium sudo: alice : (command continued) -la".to_vec()),
            Just(b"    at Object.<anonymous> (/srv/app.js:1:1)".to_vec()),
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 0..80),
        ];
        proptest::collection::vec(line, 0..40).prop_map(|lines| lines.join(&b'\n'))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn any_bytes_are_accounted_line_by_line(bytes in line_soup(), window in 16usize..200) {
            let dir = tempfile::tempdir().unwrap();
            for name in ["pm2.log", "auth.log"] {
                let path = dir.path().join(name);
                std::fs::write(&path, &bytes).unwrap();
                let options = LoadOptions { window, ..LoadOptions::default() };
                let bundle = evidence::load(&path, &options);
                let input = &bundle.inputs[0];
                if input.status == InputStatus::Parsed {
                    prop_assert_eq!(input.counts.total(), physical_lines(&bytes));
                }
            }
        }
    }
}

/// A large access log read in many small windows: parsed in parallel batches with 4 worker
/// threads (the format keeps no state between lines) or in order with one, the events, line
/// counts and unparsed lines (with their text) are the same.
#[test]
fn parallel_windows_of_a_line_independent_format_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for i in 0..3000u32 {
        if i % 500 == 7 {
            log.push_str(&format!("garbage line {i} that no parser knows\n"));
            continue;
        }
        log.push_str(&format!(
            "203.0.113.{} - - [17/Feb/2026:14:{:02}:{:02} +0100] \"GET /api/items?page={i} HTTP/1.1\" {} {} \"-\" \"curl/8.5\"\n",
            i % 250,
            i / 60 % 60,
            i % 60,
            if i % 97 == 0 { 502 } else { 200 },
            1000 + i
        ));
    }
    std::fs::write(dir.path().join("access.log"), log).unwrap();
    let load = LoadOptions { window: 1024, ..LoadOptions::default() };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let t = timeline::build(&[dir.path().to_path_buf()], &load, &TimeOptions::default());
            let input = &t.bundles[0].inputs[0];
            assert_eq!(input.format.map(|f| f.id()), Some("nginx"));
            let unparsed: Vec<(u64, String)> =
                input.unparsed.iter().map(|u| (u.line, u.text.clone())).collect();
            let counts = (input.counts.events, input.counts.unparsed, input.counts.total());
            let events: Vec<String> = t.events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
            (events, counts, unparsed)
        })
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(one.1, (2994, 6, 3000));
    assert_eq!(one.2.len(), 6);
    assert_eq!(one.2[0], (8, "garbage line 7 that no parser knows".to_string()));
    assert_eq!(one, four);
}

/// A syslog file read in small windows: parsed speculatively in parallel batches with 4 worker
/// threads (each window with a resumed parser, kept only when the window before it ended
/// settled, else parsed again in order) or in order with one thread, every event (sudo records
/// extended by their `(command continued)` line across a cut, OOM reports folded across a
/// cut, continuation lines), every count and unparsed line is the same — keeping every event
/// or only those `analyze` keeps.
#[test]
fn parallel_windows_of_syslog_change_nothing() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut log = String::from("garbage before any record\n    and a header-less line\n");
    let sources = [
        "samples/2026-03-10-oom-killer/var/log/kern.log",
        "samples/2026-02-17-pm2-delete-all/var/log/auth.log",
        "../shared/corpus/loghub-linux/Linux_2k.log",
        "../shared/corpus/loghub-openssh/OpenSSH_2k.log",
    ];
    for (i, rel) in sources.iter().cycle().take(8).enumerate() {
        log.push_str(&std::fs::read_to_string(root.join(rel)).unwrap());
        for j in 0..20 {
            log.push_str(&format!(
                "Feb 17 15:55:{j:02} projectium sudo:    alice : TTY=pts/{i} ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/pm2 restart api-{j}\n\
                 Feb 17 15:55:{j:02} projectium sudo:    alice : (command continued) --update-env\n\
                 Feb 17 15:55:{j:02} projectium sshd[4{j}]: Failed password for root from 203.0.113.{j} port 4{j} ssh2\n"
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("auth.log"), &log).unwrap();
    let rules = postmortem::analysis::rules::load(&[]).unwrap();
    for retention in [postmortem::evidence::Retention::All, postmortem::analysis::interest::retention(&rules)]
    {
        for window in [700, 4096, 20_000] {
            let load = LoadOptions { window, retention: retention.clone(), ..LoadOptions::default() };
            let run = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                pool.install(|| {
                    let t = timeline::build(&[dir.path().to_path_buf()], &load, &TimeOptions::default());
                    let input = &t.bundles[0].inputs[0];
                    assert_eq!(input.format.map(|f| f.id()), Some("syslog"));
                    let unparsed: Vec<(u64, String)> =
                        input.unparsed.iter().map(|u| (u.line, u.text.clone())).collect();
                    let counts = (input.counts, input.event_count, input.span, input.assumptions.clone());
                    let events: Vec<String> =
                        t.events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
                    (events, format!("{counts:?}"), unparsed)
                })
            };
            let (one, four) = (run(1), run(4));
            assert!(one.0.iter().any(|e| e.contains("--update-env")), "a sudo record was extended");
            assert!(one.0.iter().any(|e| e.contains("\"oom-kill\"")), "an OOM report was folded");
            assert_eq!(one.2.len(), 2, "the garbage lines: {:?}", one.2);
            assert_eq!(one, four, "window {window}, {retention:?}");
        }
    }
}

/// Compressed inputs larger than one hand-over chunk are inflated on one thread and parsed on
/// another (`evidence::pipe`): a gzip, a truncated gzip and a tar.gz give, with 4 worker
/// threads, exactly what one thread reading them in turn gives — events, counts, unparsed
/// lines, hashes, statuses and the truncation's error.
#[test]
fn inflating_on_its_own_thread_changes_nothing() {
    use std::io::Write;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sshd = std::fs::read_to_string(root.join("../shared/corpus/loghub-openssh/OpenSSH_2k.log")).unwrap();
    let mut log = String::new();
    while log.len() < 3 << 20 {
        log.push_str(&sshd);
    }
    let gzip = |bytes: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(log.as_bytes());
    std::fs::write(dir.path().join("auth.log.1.gz"), &gz).unwrap();
    std::fs::write(dir.path().join("auth.log.2.gz"), &gz[..gz.len() * 3 / 5]).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    for (name, body) in [
        ("var/log/auth.log", log.as_bytes()),
        ("pm2/pm2.log", b"2026-02-17T14:00:00: PM2 log: App [api:0] online\n".as_slice()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, body).unwrap();
    }
    std::fs::write(dir.path().join("bundle.tar.gz"), gzip(&tar.into_inner().unwrap())).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let t = timeline::build(
                &[dir.path().to_path_buf()],
                &LoadOptions::default(),
                &TimeOptions::default(),
            );
            let inputs: Vec<String> = t.bundles[0]
                .inputs
                .iter()
                .map(|i| {
                    let unparsed: Vec<(u64, &str)> =
                        i.unparsed.iter().map(|u| (u.line, u.text.as_str())).collect();
                    format!(
                        "{} {} {:?} {:?} {} {:?}",
                        i.file, i.sha256, i.status, i.counts, i.event_count, unparsed
                    )
                })
                .collect();
            let events: Vec<String> = t.events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
            (inputs, events)
        })
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(one.0.len(), 5, "two gzips, the tar.gz and its two members: {:#?}", one.0);
    assert!(one.0.iter().any(|i| i.contains("auth.log.2.gz") && i.contains("Failed")), "{:#?}", one.0);
    assert!(one.1.len() > 20_000, "the members and the gzips were parsed: {}", one.1.len());
    assert_eq!(one, four);
}
