//! Dumps what the syslog parser makes of files (Debug format), or just parses them.
//!
//! `cargo run --release -p postmortem-parsers --example syslog_dump -- dump FILE…` prints every
//! record, glimpse, unparsed entry and count, once with a plain sink and once with a sink that
//! skims every auth kind and plain syslog messages; `… -- parse FILE…` only parses (for
//! callgrind).

use std::sync::Arc;

use postmortem_parsers::syslog::{SyslogParser, MESSAGE, SOURCE_SYSLOG};
use postmortem_parsers::{auth, parse_text, split_lines, LineParser, Sink};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, files) = args.split_first().expect("usage: syslog_dump dump|parse FILE…");
    let mut skimmed: Vec<(&'static str, &'static str)> =
        auth::KINDS.iter().map(|(k, _)| (SOURCE_SYSLOG_AUTH, *k)).collect();
    skimmed.push((SOURCE_SYSLOG, MESSAGE));
    let skimmed: Arc<[(&'static str, &'static str)]> = Arc::from(skimmed);
    for path in files {
        let bytes = std::fs::read(path).expect("readable file");
        let text = String::from_utf8_lossy(&bytes);
        if mode == "parse" {
            let sink = parse_text(&mut SyslogParser::default(), &text);
            println!("{path}: {:?}", sink.counts);
            continue;
        }
        println!("== {path}");
        let sink = parse_text(&mut SyslogParser::default(), &text);
        for r in &sink.records {
            println!("{r:?}");
        }
        println!("unparsed {:?}", sink.unparsed);
        println!("carried {:?}", sink.carried_continuation);
        println!("counts {:?}", sink.counts);
        let mut parser = SyslogParser::default();
        let mut sink = Sink::skimming(skimmed.clone());
        for (i, line) in split_lines(&text).enumerate() {
            parser.parse_line(i as u64 + 1, line, &mut sink);
        }
        parser.finish(&mut sink);
        println!("-- skimmed");
        for r in &sink.records {
            println!("{r:?}");
        }
        for g in &sink.glimpses {
            println!("{g:?}");
        }
        println!("counts {:?}", sink.counts);
    }
}

const SOURCE_SYSLOG_AUTH: &str = postmortem_parsers::syslog::SOURCE_AUTH;
