//! Shell history: the plaso corpus files (`test_data/bash_history`, `bash_history_desync`),
//! constructed zsh extended and plain histories (marked as such), and property tests: no
//! input panics, every line is accounted once, results do not depend on where the input is cut.

use chrono::DateTime;
use postmortem_parsers::shell_history::{
    sniff_line, ShellHistoryParser, KINDS, NAME_HINTS, REASON_BAD_EPOCH, SHELL_COMMAND, SOURCE,
};
use postmortem_parsers::{parse_text, split_lines, RawTime, Record, Sink};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}/{name}")).unwrap()
}

fn parse<'a>(path: &str, text: &'a str) -> Sink<'a> {
    parse_text(&mut ShellHistoryParser::for_path(path), text)
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn epoch(secs: i64) -> RawTime {
    RawTime::Exact { local: DateTime::from_timestamp(secs, 0).unwrap().naive_utc(), offset_secs: 0 }
}

/// Commands as (line, command) pairs.
fn commands<'r>(sink: &'r Sink<'_>) -> Vec<(u64, &'r str)> {
    sink.records.iter().map(|r| (r.line, s(r, "command").unwrap())).collect()
}

const MULTI: &str = "binary argument1 \"--params=\\\nparam1=foo,\nparam2=bar\n\" argument2";

#[test]
fn plaso_bash_history() {
    // plaso test_data/bash_history: 11 lines, 4 commands, the last on four lines.
    let text = corpus("plaso/bash_history");
    let sink = parse("home/bob/.bash_history", &text);
    assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    assert_eq!(sink.counts.total(), 11);
    assert_eq!((sink.counts.events, sink.counts.continuation), (4, 7));
    assert_eq!((sink.counts.structural, sink.counts.unparsed), (0, 0));
    assert_eq!(
        commands(&sink),
        [(1, "/usr/lib/plaso"), (3, "/bin/bash"), (5, "/usr/local/bin/splunk -p 8080"), (7, MULTI)]
    );
    let r = &sink.records;
    assert_eq!(r[0].time, epoch(1380630977));
    // 1380630977 = 2013-10-01 12:36:17 UTC.
    assert_eq!(r[0].time, RawTime::Exact { local: dt("2013-10-01 12:36:17"), offset_secs: 0 });
    assert_eq!(r[3].time, epoch(1623364236));
    for rec in r {
        assert_eq!(rec.source, SOURCE);
        assert_eq!(rec.kind, SHELL_COMMAND);
        assert_eq!(rec.user.as_deref(), Some("bob"));
        assert_eq!(s(rec, "shell"), Some("bash"));
        assert_eq!(int(rec, "duration"), None);
        assert_eq!(int(rec, "pm2_all"), None);
        assert_eq!(int(rec, "privileged"), None);
    }
    assert_eq!(r[0].message, "/usr/lib/plaso");
    assert!(r[0].continuation.is_empty());
    assert_eq!(r[3].message, "binary argument1 \"--params=\\");
    assert_eq!(r[3].continuation, ["param1=foo,", "param2=bar", "\" argument2"]);
}

fn dt(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

#[test]
fn plaso_bash_history_desync() {
    // plaso test_data/bash_history_desync: a command before the first #epoch (undated), then
    // the same 11 lines as bash_history.
    let text = corpus("plaso/bash_history_desync");
    let sink = parse("root/.bash_history", &text);
    assert_eq!(sink.counts.total(), 12);
    assert_eq!((sink.counts.events, sink.counts.continuation, sink.counts.unparsed), (5, 7, 0));
    assert_eq!(commands(&sink)[0], (1, "/sbin/reboot"));
    assert_eq!(commands(&sink)[4], (8, MULTI));
    let r = &sink.records;
    assert_eq!(r[0].time, RawTime::None);
    // The file name says bash even for the undated command.
    assert_eq!(s(&r[0], "shell"), Some("bash"));
    assert_eq!(r[0].user.as_deref(), Some("root"));
    assert_eq!(r[1].time, epoch(1380630977));
    assert_eq!(r[1].line, 2);
}

#[test]
fn corpus_crlf_and_no_final_newline() {
    let text = corpus("plaso/bash_history");
    let crlf = text.replace('\n', "\r\n");
    let trimmed = text.trim_end_matches('\n');
    let plain = parse("x/.bash_history", &text);
    for variant in [crlf.as_str(), trimmed] {
        let sink = parse("x/.bash_history", variant);
        assert_eq!(sink.counts, plain.counts);
        assert_eq!(sink.records, plain.records);
    }
}

#[test]
fn zsh_extended_history() {
    // Constructed in zsh's EXTENDED_HISTORY format (`: start:elapsed;command`; an embedded
    // newline written as a backslash at the end of the line).
    let text = "\
: 1708180000:0;cd /srv/app
: 1708180005:12;sudo pm2 restart all
: 1708180030:0;for i in 1 2; do\\
echo $i\\
done
: 1708180040:3;pm2 logs api --lines 100
";
    let sink = parse("root/.zsh_history", text);
    assert_eq!(sink.counts.total(), 6);
    assert_eq!((sink.counts.events, sink.counts.continuation), (4, 2));
    assert_eq!(
        commands(&sink),
        [
            (1, "cd /srv/app"),
            (2, "sudo pm2 restart all"),
            (3, "for i in 1 2; do\necho $i\ndone"),
            (6, "pm2 logs api --lines 100")
        ]
    );
    let r = &sink.records;
    assert_eq!(r[0].time, epoch(1708180000));
    assert_eq!(r[0].time, RawTime::Exact { local: dt("2024-02-17 14:26:40"), offset_secs: 0 });
    assert_eq!(int(&r[0], "duration"), Some(0));
    assert_eq!(int(&r[1], "duration"), Some(12));
    assert_eq!(s(&r[1], "shell"), Some("zsh"));
    assert_eq!(r[1].user.as_deref(), Some("root"));
    assert_eq!(int(&r[1], "pm2_all"), Some(1));
    assert_eq!(int(&r[1], "privileged"), Some(1));
    assert_eq!(r[1].message, "sudo pm2 restart all");
    assert_eq!(r[2].message, "for i in 1 2; do");
    assert_eq!(r[2].continuation, ["echo $i", "done"]);
    assert_eq!(int(&r[3], "pm2_all"), None);
    // Field order is stable.
    let keys: Vec<_> = r[1].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["command", "shell", "duration", "pm2_all", "privileged"]);
}

#[test]
fn plain_history() {
    // Constructed: a history without timestamps, with a blank line.
    let text = "ls -la\npm2 kill\n\nnpx pm2 delete all\r\nsudo -u deploy pm2 stop all";
    let sink = parse("srv/backup/home/deploy/.history", text);
    assert_eq!(sink.counts.total(), 5);
    assert_eq!((sink.counts.events, sink.counts.structural), (4, 1));
    let r = &sink.records;
    assert!(r.iter().all(|r| r.time == RawTime::None && r.user.as_deref() == Some("deploy")));
    assert_eq!(s(&r[0], "shell"), None);
    assert_eq!(int(&r[0], "pm2_all"), None);
    assert_eq!(int(&r[1], "pm2_all"), Some(1));
    assert_eq!(s(&r[2], "command"), Some("npx pm2 delete all"));
    assert_eq!(int(&r[2], "pm2_all"), Some(1));
    assert_eq!(int(&r[2], "privileged"), None);
    assert_eq!((int(&r[3], "pm2_all"), int(&r[3], "privileged")), (Some(1), Some(1)));
    assert_eq!(r[3].line, 5);
    // A plain zsh history continues a trailing backslash; a plain bash one does not.
    let sink = parse("home/a/.zsh_history", "echo a\\\nb\nls\n");
    assert_eq!(commands(&sink), [(1, "echo a\nb"), (3, "ls")]);
    let sink = parse("home/a/.bash_history", "echo a\\\nb\n");
    assert_eq!(commands(&sink), [(1, "echo a\\"), (2, "b")]);
}

#[test]
fn bash_edge_cases() {
    // Constructed: blank lines around a command, a stamp with no command, an out-of-range
    // epoch (its command is then read as plain history), zsh-looking text inside a bash block.
    let text = "#1708180000\n\npm2 stop all\n\n#1708180001\n#1708180002\n: 1:0;x\n#99999999999999999999\necho after\n";
    let sink = parse("", text);
    assert_eq!(sink.counts.total(), 9);
    assert_eq!(sink.counts.unparsed, 1);
    assert_eq!(sink.unparsed[0].line, 8);
    assert_eq!(sink.unparsed[0].reason, REASON_BAD_EPOCH);
    assert_eq!(commands(&sink), [(1, "pm2 stop all"), (5, ""), (6, ": 1:0;x"), (9, "echo after")]);
    assert_eq!(sink.records[0].user, None);
    assert_eq!(int(&sink.records[0], "pm2_all"), Some(1));
    assert_eq!(sink.records[3].time, RawTime::None);
    assert_eq!(s(&sink.records[3], "shell"), None);
    // A lone stamp at the end is still pushed at finish.
    let sink = parse("", "#1708180000");
    assert_eq!((sink.counts.events, sink.records.len()), (1, 1));
    // Empty input.
    let sink = parse("home/bob/.bash_history", "");
    assert_eq!((sink.counts.total(), sink.records.len()), (0, 0));
}

#[test]
fn user_and_shell_from_paths() {
    let one = |path: &str| parse(path, "ls\n").records.remove(0).into_owned();
    let r = one("home/bob/.bash_history");
    assert_eq!((r.user.as_deref(), s(&r, "shell")), (Some("bob"), Some("bash")));
    let r = one("root/.zsh_history");
    assert_eq!((r.user.as_deref(), s(&r, "shell")), (Some("root"), Some("zsh")));
    let r = one("bundle/web-01/home/alice/.python_history");
    assert_eq!((r.user.as_deref(), s(&r, "shell")), (Some("alice"), None));
    let sink = parse_text(&mut ShellHistoryParser::default(), "ls");
    assert_eq!(sink.records[0].user, None);
}

#[test]
fn sniffing_and_consts() {
    let text = corpus("plaso/bash_history");
    assert!(sniff_line(text.lines().next().unwrap()));
    assert!(sniff_line(": 1708180005:12;sudo pm2 restart all"));
    assert!(sniff_line("#1708180000\r"));
    for not in [
        "/usr/lib/plaso",
        "# comment",
        "#!/bin/bash",
        "#12345",
        "Feb 17 14:30:00 web-01 systemd[1]: x",
        "2024-01-15T10:23:45: PM2 log: App [api:0] online",
        ": not zsh",
        "",
    ] {
        assert!(!sniff_line(not), "{not}");
    }
    assert!(NAME_HINTS.contains(&"*.bash_history"));
    assert_eq!(KINDS[0].0, SHELL_COMMAND);
}

// ---------------------------------------------------------------------------------------
// Properties

fn history_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("#1708180000".to_string()),
        Just("#99999999999999999999".to_string()),
        Just(": 1708180000:0;ls\\".to_string()),
        Just("echo \\".to_string()),
        "#[0-9]{1,12}",
        ": [0-9]{1,11}:[0-9]{1,3};[ -~]{0,12}\\\\?",
        "(sudo |npx )?pm2 (stop|kill|restart|delete) (all|api)",
        "[ -~]{0,20}",
        any::<String>(),
    ]
}

/// Feeds `lines` in two sinks cut at `cut`, attaching the second sink's carried
/// continuation to the first sink's last record.
fn two_pass<'a>(path: &str, lines: &'a [String], cut: usize) -> (Vec<Record<'a>>, u64) {
    postmortem_parsers::parse_in_two(&mut ShellHistoryParser::for_path(path), lines, cut)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        for path in ["home/x/.bash_history", "root/.zsh_history"] {
            let sink = parse(path, &text);
            prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        }
    }

    #[test]
    fn counts_add_up(raw in prop::collection::vec(history_like(), 0..30)) {
        let text = raw.join("\n");
        let sink = parse("root/.zsh_history", &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert_eq!(sink.counts.events, sink.records.len() as u64);
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(history_like(), 0..30)) {
        let lines: Vec<String> = raw.iter().flat_map(|r| r.split('\n').map(str::to_string)).collect();
        for path in ["home/x/.bash_history", "root/.zsh_history"] {
            let (whole, n) = two_pass(path, &lines, lines.len());
            prop_assert_eq!(n, lines.len() as u64);
            for cut in 0..=lines.len() {
                let (split, n) = two_pass(path, &lines, cut);
                prop_assert_eq!(n, lines.len() as u64);
                prop_assert_eq!(&split, &whole);
            }
        }
    }
}
