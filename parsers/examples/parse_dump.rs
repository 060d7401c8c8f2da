//! Runs one parser over files as the loader feeds it (lossy UTF-8, `\n`-split lines), for
//! measurements and output comparisons.
//!
//! `cargo run --release -p postmortem-parsers --example parse_dump -- [--format ID] [--quiet]
//! [--skim] [--repeat N] FILE…` prints every record (Debug format), glimpse, unparsed line and
//! carried continuation, and the line counts, of each file; `--format` takes a format id
//! (`journal`, the default, `syslog`, …); with `--skim`, the sink skims every auth kind and
//! plain syslog messages (parsers hand those over as glimpses, as under `analyze`); with
//! `--quiet`, only the counts (under `valgrind --tool=callgrind`, where printing would
//! dominate); `--repeat N` parses each file N times in one process, as the criterion benches
//! do (for `perf stat -e task-clock`: CPU time, not the wall-clock time a shared machine
//! blurs).

use std::sync::Arc;

use postmortem_parsers::syslog::{MESSAGE, SOURCE_AUTH, SOURCE_SYSLOG};
use postmortem_parsers::{auth, split_lines, Format, Sink};

/// What to do with each file.
struct Options {
    format: Format,
    quiet: bool,
    repeat: usize,
    /// The (source, kind) pairs the sink skims; empty: none.
    skimmed: Arc<[(&'static str, &'static str)]>,
}

fn main() {
    let mut options = Options { format: Format::Journal, quiet: false, repeat: 1, skimmed: Arc::new([]) };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quiet" => options.quiet = true,
            "--skim" => {
                let auth = auth::KINDS.iter().map(|(kind, _)| (SOURCE_AUTH, *kind));
                options.skimmed = auth.chain([(SOURCE_SYSLOG, MESSAGE)]).collect();
            }
            "--repeat" => options.repeat = args.next().and_then(|n| n.parse().ok()).expect("--repeat N"),
            "--format" => {
                let id = args.next().expect("--format ID");
                options.format = Format::from_id(&id).unwrap_or_else(|| panic!("unknown format {id}"));
            }
            path => dump(&options, path),
        }
    }
}

/// Parses `text` as the loader does, into a sink skimming `options.skimmed`.
fn parse<'t>(options: &Options, path: &str, text: &'t str) -> Sink<'t> {
    let mut parser = options.format.parser(path);
    let mut sink = Sink::skimming(options.skimmed.clone());
    sink.records.reserve(text.len() / 160);
    for (i, line) in split_lines(text).enumerate() {
        parser.parse_line(i as u64 + 1, line, &mut sink);
    }
    parser.finish(&mut sink);
    sink
}

fn dump(options: &Options, path: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = String::from_utf8_lossy(&bytes);
    for _ in 1..options.repeat {
        std::hint::black_box(parse(options, path, std::hint::black_box(&text)).counts);
    }
    let sink = parse(options, path, &text);
    println!("== {path}: {:?}", sink.counts);
    if options.quiet {
        return;
    }
    for rec in &sink.records {
        println!("{rec:?}");
    }
    for g in &sink.glimpses {
        println!("{g:?}");
    }
    for u in &sink.unparsed {
        println!("{u:?}");
    }
    for c in &sink.carried_continuation {
        println!("carried {c:?}");
    }
}
