//! Runs one parser over files as the loader feeds it (lossy UTF-8, `\n`-split lines), for
//! measurements and output comparisons.
//!
//! `cargo run --release -p postmortem-parsers --example parse_dump -- [--format ID] [--quiet]
//! [--repeat N] FILE…` prints every record (Debug format), glimpse, unparsed line and carried
//! continuation, and the line counts, of each file; `--format` takes a format id (`journal`,
//! the default, `syslog`, …); with `--quiet`, only the counts (under `valgrind
//! --tool=callgrind`, where printing would dominate); `--repeat N` parses each file N times
//! in one process, as the criterion benches do (for `perf stat -e task-clock`: CPU time, not
//! the wall-clock time a shared machine blurs).

use postmortem_parsers::{parse_text, Format};

fn main() {
    let mut quiet = false;
    let mut repeat = 1;
    let mut format = Format::Journal;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quiet" => quiet = true,
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).expect("--repeat N"),
            "--format" => {
                let id = args.next().expect("--format ID");
                format = Format::from_id(&id).unwrap_or_else(|| panic!("unknown format {id}"));
            }
            path => dump(format, path, quiet, repeat),
        }
    }
}

fn dump(format: Format, path: &str, quiet: bool, repeat: usize) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = String::from_utf8_lossy(&bytes);
    for _ in 1..repeat {
        let mut parser = format.parser(path);
        std::hint::black_box(parse_text(parser.as_mut(), std::hint::black_box(&text)).counts);
    }
    let mut parser = format.parser(path);
    let sink = parse_text(parser.as_mut(), &text);
    println!("== {path}: {:?}", sink.counts);
    if quiet {
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
