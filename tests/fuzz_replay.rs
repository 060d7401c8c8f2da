//! Replays the committed fuzz corpora and every past crash (`fuzz/corpus/TARGET/*`,
//! `fuzz/regressions/TARGET/*`) through the very functions the fuzz targets call, as ordinary
//! tests: no fuzzing engine in CI. Those functions assert the parsers' invariants themselves
//! (every line accounted once, records independent of where the input is cut), so a replayed
//! input fails here exactly as it failed under the fuzzer.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use postmortem_parsers::fuzzing::{parse_any, parse_bytes, sniff_and_parse};
use postmortem_parsers::Format;

mod common;

/// The rules loader's target: any text is rules or an error, never a panic.
fn rules(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = postmortem::analysis::rules::parse(text, "fuzz.toml");
    }
}

/// What a fuzz target runs on one input.
type Entry = fn(&[u8]);

/// Each fuzz target (its file is `fuzz/fuzz_targets/NAME.rs`) and the function it calls.
const TARGETS: &[(&str, Entry)] = &[
    ("parse_any", parse_any),
    ("pm2_log", |d| {
        parse_bytes(Format::Pm2Log, d);
    }),
    ("syslog", |d| {
        parse_bytes(Format::Syslog, d);
    }),
    ("journal", |d| {
        parse_bytes(Format::Journal, d);
    }),
    ("ci_log", |d| {
        parse_bytes(Format::CiLog, d);
    }),
    ("workflow_file", |d| {
        parse_bytes(Format::Workflow, d);
    }),
    ("sniff", sniff_and_parse),
    ("rules", rules),
    ("evidence", postmortem::evidence::fuzz_load),
];

fn fuzz_dir() -> PathBuf {
    common::root().join("fuzz")
}

/// The files directly in `dir`, sorted (none when it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Runs every corpus and regression input of `target`; returns how many ran.
fn replay(target: &str) -> usize {
    let (_, run) = TARGETS.iter().find(|(name, _)| *name == target).expect("a known target");
    let mut inputs = files_in(&fuzz_dir().join("corpus").join(target));
    inputs.extend(files_in(&fuzz_dir().join("regressions").join(target)));
    let mut failures = Vec::new();
    for path in &inputs {
        let bytes = fs::read(path).expect("readable corpus file");
        if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: these inputs panic (reproduce with `cargo fuzz run {target} FILE`):\n{}",
        failures.join("\n")
    );
    inputs.len()
}

/// One test per target, named after it (in a module of their own, apart from the functions).
macro_rules! replay_tests {
    ($($name:ident),*) => {
        mod replay {
            $(
                #[test]
                fn $name() {
                    let target = stringify!($name);
                    let ran = super::replay(target);
                    assert!(ran >= 5, "fuzz/corpus/{target} should hold a seed corpus; found {ran} inputs");
                }
            )*
        }
    };
}

replay_tests!(parse_any, pm2_log, syslog, journal, ci_log, workflow_file, sniff, rules, evidence);

#[test]
fn every_fuzz_target_is_replayed() {
    let mut on_disk: Vec<String> = files_in(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let mut replayed: Vec<String> = TARGETS.iter().map(|(name, _)| name.to_string()).collect();
    replayed.sort();
    assert_eq!(on_disk, replayed, "each fuzz target needs its entry in TARGETS and a replay test");
}

#[test]
fn committed_corpus_stays_small() {
    fn size(dir: &Path) -> u64 {
        fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(
                |e| {
                    if e.path().is_dir() {
                        size(&e.path())
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                },
            )
            .sum()
    }
    let total = size(&fuzz_dir().join("corpus")) + size(&fuzz_dir().join("regressions"));
    assert!(total < 2 << 20, "fuzz corpora hold {total} bytes; minimize them with `cargo fuzz cmin`");
}
