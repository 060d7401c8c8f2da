//! Which format an input is, decided from its content first and its name second.
//!
//! The sniffer looks at the first [`SNIFF_LINES`] non-blank lines and counts, per format,
//! the lines whose start matches that format's line grammar. Content decides when one
//! format matches a fair share of them; the file name is only a hint for inputs whose
//! content cannot decide (empty, or only continuation lines).

use crate::format::Format;
use crate::record::split_lines;
use crate::timefmt::{bsd_timestamp, iso_datetime};

/// How many non-blank lines the sniffer samples.
pub const SNIFF_LINES: usize = 64;

/// How many bytes of an input the sniffer needs at most.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The sniffer's answer: a format (or none) and why, in words for `postmortem inputs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    /// The format, if one was recognised.
    pub format: Option<Format>,
    /// Why this format (or why none), e.g. `"content: 12 of 12 lines look like pm2-log"`.
    pub reason: String,
}

/// Decides the format of an input from its first bytes (`head`, at most [`SNIFF_BYTES`]
/// are read) and its path (a hint only).
pub fn sniff(head: &[u8], path: &str) -> Sniffed {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    // journalctl -o export writes binary fields with a little-endian length (NUL bytes).
    if head.starts_with(b"__CURSOR=") || head.starts_with(b"__REALTIME_TIMESTAMP=") {
        return Sniffed {
            format: Some(Format::Journal),
            reason: "content: journalctl -o export entries".into(),
        };
    }
    if head.iter().take(8192).any(|&b| b == 0) {
        // A log cut by a crash holds runs of NUL bytes (blocks allocated, never written):
        // the text around them still decides, by content only. Anything else is binary.
        let text: Vec<u8> = head.iter().copied().filter(|&b| b != 0).collect();
        return match sniff(&text, "") {
            Sniffed { format: Some(format), reason } => {
                Sniffed { format: Some(format), reason: format!("{reason} (NUL bytes ignored)") }
            }
            Sniffed { format: None, .. } => {
                Sniffed { format: None, reason: "binary content (NUL bytes)".into() }
            }
        };
    }
    let text = String::from_utf8_lossy(head);
    // The last line may be cut by the byte limit: drop it unless the head is the whole input.
    let complete = match text.rfind('\n') {
        Some(i) if head.len() == SNIFF_BYTES => &text[..i],
        _ => &text[..],
    };
    for (format, matches) in DOCUMENTS {
        if matches(complete) {
            return Sniffed { format: Some(*format), reason: format!("content: a {format} document") };
        }
    }
    let mut sampled = 0usize;
    let mut scores = [0usize; 2];
    let mut journal_only = 0usize;
    let mut other = [0usize; LINE_SIGNATURES.len()];
    for line in split_lines(complete).filter(|l| !l.trim().is_empty()).take(SNIFF_LINES) {
        sampled += 1;
        if looks_like_pm2_log(line) {
            scores[0] += 1;
        } else if looks_like_syslog(line) {
            scores[1] += 1;
        } else if looks_like_journal_only(line) {
            journal_only += 1;
        } else if let Some(i) = LINE_SIGNATURES.iter().position(|(_, matches)| matches(line)) {
            other[i] += 1;
        }
    }
    // journalctl's short modes are syslog-shaped; a line only journalctl writes decides.
    if journal_only > 0 && (journal_only + scores[1]) * 5 >= sampled && scores[0] * 2 < sampled {
        return Sniffed {
            format: Some(Format::Journal),
            reason: format!(
                "content: {journal_only} of {sampled} sampled lines only journalctl writes, {} syslog-shaped",
                scores[1]
            ),
        };
    }
    let mut best =
        if scores[0] >= scores[1] { (Format::Pm2Log, scores[0]) } else { (Format::Syslog, scores[1]) };
    for (i, (format, _)) in LINE_SIGNATURES.iter().enumerate() {
        if other[i] > best.1 {
            best = (*format, other[i]);
        }
    }
    let (best, score) = best;
    // A fair share: stack traces and continuations may outnumber record lines in a sample.
    if score > 0 && score * 5 >= sampled {
        return Sniffed {
            format: Some(best),
            reason: format!("content: {score} of {sampled} sampled lines look like {best}"),
        };
    }
    if let Some(format) = by_name(path) {
        return Sniffed {
            format: Some(format),
            reason: format!(
                "file name (content undecided: {score} of {sampled} sampled lines matched a format)"
            ),
        };
    }
    let reason = if sampled == 0 {
        "empty or blank".to_string()
    } else {
        format!("no known format in the first {sampled} non-blank lines")
    };
    Sniffed { format: None, reason }
}

/// A test of one line (or of a whole head) for a format's signature.
type Signature = (Format, fn(&str) -> bool);

/// Formats recognised from one line each, tried in this order on lines that are not
/// pm2.log, syslog or journal lines. The format with most matching lines wins.
const LINE_SIGNATURES: &[Signature] = &[
    (Format::CiLog, crate::ci_log::sniff_line),
    (Format::Nginx, crate::nginx::sniff_line),
    (Format::ShellHistory, crate::shell_history::sniff_line),
    (Format::Pm2Jlist, crate::pm2_snapshot::sniff_line),
    (Format::Pm2List, crate::pm2_table::sniff_line),
    (Format::Workflow, crate::workflow_file::sniff_line),
    (Format::Git, crate::git::sniff_line),
    (Format::Dmesg, crate::dmesg::sniff_line),
    (Format::HostSnapshot, crate::host_snapshot::sniff_line),
    (Format::Pm2AppLog, crate::pm2_app_log::sniff_line),
];

/// Formats recognised from the whole head of an input (documents, not lines), tried first.
const DOCUMENTS: &[Signature] = &[
    (Format::Git, looks_like_git),
    (Format::HostSnapshot, looks_like_incident_state),
    (Format::Workflow, crate::workflow_file::sniff_text),
    (Format::Pm2Jlist, looks_like_pm2_json),
    (Format::CiLog, looks_like_ci_log),
    (Format::Pm2Ecosystem, looks_like_ecosystem),
];

/// File-name patterns of the formats beyond pm2.log, syslog and the journal (see [`glob`]).
/// More specific patterns first: the first match wins.
const NAME_HINTS: &[(Format, &[&str])] = &[
    (Format::Pm2Ecosystem, crate::ecosystem::NAME_HINTS),
    (Format::Workflow, crate::workflow_file::NAME_HINTS),
    (Format::Git, crate::git::NAME_HINTS),
    (Format::Pm2Jlist, crate::pm2_snapshot::NAME_HINTS),
    (Format::Pm2List, crate::pm2_table::NAME_HINTS),
    (Format::HostSnapshot, crate::host_snapshot::NAME_HINTS),
    (Format::Pm2AppLog, crate::pm2_app_log::NAME_HINTS),
    (Format::ShellHistory, crate::shell_history::NAME_HINTS),
    (Format::Dmesg, crate::dmesg::NAME_HINTS),
    (Format::Nginx, crate::nginx::NAME_HINTS),
    (Format::CiLog, crate::ci_log::NAME_HINTS),
];

/// The runbook's incident-state file starts with one of its `=== Section ===` headers (its
/// `pm2 list` table must not make it a pm2-list file).
fn looks_like_incident_state(head: &str) -> bool {
    split_lines(head).find(|l| !l.trim().is_empty()).is_some_and(|l| {
        let l = l.trim();
        l.starts_with("=== ") && l.ends_with(" ===") && crate::host_snapshot::sniff_line(l)
    })
}

/// A JavaScript module exporting an object with an `apps` array (`module.exports = {` or
/// `export default {`), or JSON whose first key is `apps`.
fn looks_like_ecosystem(head: &str) -> bool {
    let exports = head.contains("module.exports") || head.contains("export default");
    let json_apps =
        head.trim_start().strip_prefix('{').is_some_and(|r| r.trim_start().starts_with("\"apps\""));
    (exports && (head.contains("apps:") || head.contains("apps :") || head.contains("\"apps\""))) || json_apps
}

/// git output starts with a commit header or a reflog line.
fn looks_like_git(head: &str) -> bool {
    split_lines(head).find(|l| !l.trim().is_empty()).is_some_and(crate::git::sniff_line)
}

/// A JSON array of PM2 processes (`pm2 jlist`, pretty-printed or not, dump.pm2), possibly
/// after the `[PM2] …` lines the CLI prints when it had to start the daemon.
fn looks_like_pm2_json(head: &str) -> bool {
    let body = split_lines(head).map(str::trim).find(|l| !l.is_empty() && !l.starts_with("[PM2]"));
    body.is_some_and(|l| l.starts_with('[') || l.starts_with('{'))
        && (head.contains("\"pm2_env\"") || head.contains("\"pm_exec_path\""))
}

/// A CI job log: at least one line only CI runners write, and most lines stamped the
/// runner's way (`2026-10-07T22:56:33.5446508Z `, 7 fractional digits).
fn looks_like_ci_log(head: &str) -> bool {
    let lines: Vec<&str> = split_lines(head).filter(|l| !l.trim().is_empty()).take(SNIFF_LINES).collect();
    let stamped = lines.iter().filter(|l| runner_stamped(l)).count();
    !lines.is_empty() && stamped * 2 >= lines.len() && lines.iter().any(|l| crate::ci_log::sniff_line(l))
}

/// `YYYY-MM-DDTHH:MM:SS.fffffffZ ` at the start of a line (optionally after gh's two
/// tab-separated columns).
fn runner_stamped(line: &str) -> bool {
    let line = line.rsplit('\t').next().unwrap_or(line);
    let b = line.as_bytes();
    b.len() >= 29
        && b[10] == b'T'
        && b[19] == b'.'
        && b[27] == b'Z'
        && b[20..27].iter().all(u8::is_ascii_digit)
        && b[..4].iter().all(u8::is_ascii_digit)
}

/// `pattern` matches `path`: `*` is any run of characters; a pattern without `/` is matched
/// against the file name, one with `/` against the end of the path. Case-insensitive.
pub fn glob(pattern: &str, path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    let subject = if pattern.contains('/') {
        path.as_str()
    } else {
        path.rsplit(['/', '\\', '!']).next().unwrap_or(&path)
    };
    let pattern = pattern.to_ascii_lowercase();
    if pattern.contains('/') {
        // Anchor at a path-component boundary anywhere in the path.
        return (0..=subject.len())
            .filter(|&i| i == 0 || subject.as_bytes()[i - 1] == b'/')
            .any(|i| subject.is_char_boundary(i) && wildcard(&pattern, &subject[i..]));
    }
    wildcard(&pattern, subject)
}

/// `*`-only wildcard match of the whole text.
fn wildcard(pattern: &str, text: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else { return pattern == text };
    let Some(mut text) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = rest.split('*').collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return text.ends_with(part) && text.len() >= part.len();
        }
        match text.find(part) {
            Some(at) => text = &text[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The format a file name suggests, if any.
pub fn by_name(path: &str) -> Option<Format> {
    if let Some(format) = by_known_name(path) {
        return Some(format);
    }
    NAME_HINTS.iter().find(|(_, globs)| globs.iter().any(|g| glob(g, path))).map(|(f, _)| *f)
}

/// pm2.log, journal and syslog file names (with rotation suffixes and compression).
fn by_known_name(path: &str) -> Option<Format> {
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path).to_ascii_lowercase();
    let stem = name.trim_end_matches(".gz").trim_end_matches(".zst");
    let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if stem == "pm2.log" || stem == "pm2" || name.starts_with("pm2__") {
        return Some(Format::Pm2Log);
    }
    if name.starts_with("journal") {
        return Some(Format::Journal);
    }
    const SYSLOG_NAMES: [&str; 7] = ["auth.log", "auth", "secure", "syslog", "messages", "kern.log", "kern"];
    if SYSLOG_NAMES.contains(&stem) {
        return Some(Format::Syslog);
    }
    None
}

/// A line starting with one of pm2.log's prefixes.
fn looks_like_pm2_log(line: &str) -> bool {
    let line = line.strip_prefix("PM2        | ").unwrap_or(line);
    let (line, old) = match line.strip_prefix("PM2: ") {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let (rest, bracketed) = match line.strip_prefix('[') {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let Ok((rest, (_, zone))) = iso_datetime(rest) else { return false };
    let rest = if bracketed {
        match rest.strip_prefix(']') {
            Some(r) => r,
            None => return false,
        }
    } else {
        match rest.strip_prefix(':') {
            Some(r) => r,
            None => return false,
        }
    };
    if zone.is_some() && !bracketed {
        return false;
    }
    if rest.starts_with(" PM2 ") {
        return true;
    }
    // PM2 ≤ 2.9 had no level tag: accept it only with a message PM2 writes.
    const OLD_MESSAGES: [&str; 6] =
        ["App ", "Stopping app:", "Starting execution", "pid=", "Process ", "Script "];
    old || OLD_MESSAGES.iter().any(|m| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(m)))
}

/// A line only journalctl writes: a `-- … --` separator, a JSON entry, an export field, or a
/// header stamped with a weekday + date, epoch seconds or a monotonic `[secs.usecs]`.
fn looks_like_journal_only(line: &str) -> bool {
    if line.starts_with("-- ") && line.ends_with(" --") {
        return true;
    }
    if line.starts_with('{') {
        return line.contains("\"__REALTIME_TIMESTAMP\"") || line.contains("\"__CURSOR\"");
    }
    if line.starts_with("__CURSOR=") || line.starts_with("__REALTIME_TIMESTAMP=") {
        return true;
    }
    // `Tue 2026-02-17 14:30:00 UTC host …`
    if let Some((day, rest)) = line.split_once(' ') {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        if DAYS.contains(&day) && iso_datetime(rest).is_ok() {
            return true;
        }
    }
    // `[  812.814801] host ident: …` (dmesg writes `[  812.814801] msg`)
    if line.starts_with('[') && crate::dmesg::sniff_line(line) {
        return false;
    }
    // `1771338600.260000 host …` and `[  812.814801] host …`
    let stamp = line.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(s, _)| s.trim_start());
    let stamp = stamp.or_else(|| line.split_once(' ').map(|(s, _)| s));
    stamp.and_then(|s| s.split_once('.')).is_some_and(|(secs, micros)| {
        !secs.is_empty()
            && secs.bytes().all(|b| b.is_ascii_digit())
            && micros.len() == 6
            && micros.bytes().all(|b| b.is_ascii_digit())
            && (line.starts_with('[') || secs.len() >= 9)
    })
}

/// A line starting with a syslog header (RFC3164, ISO-8601 + host, or RFC5424 `<PRI>1 `).
fn looks_like_syslog(line: &str) -> bool {
    let (line, pri) = match line.strip_prefix('<') {
        Some(rest) => match rest.find('>') {
            Some(i) if (1..=3).contains(&i) && rest[..i].bytes().all(|b| b.is_ascii_digit()) => {
                (&rest[i + 1..], true)
            }
            _ => return false,
        },
        None => (line, false),
    };
    if let Some(rest) = line.strip_prefix("1 ") {
        return iso_datetime(rest).is_ok();
    }
    let rest = if let Ok((rest, _)) = bsd_timestamp(line) {
        rest
    } else if let Ok((rest, _)) = iso_datetime(line) {
        rest
    } else {
        return false;
    };
    // One space, then `host tag:` or a bare `tag[pid]:` (no host). With a PRI the header is
    // certain enough (rsyslog's forward formats may omit the colon).
    let Some(rest) = rest.strip_prefix(' ') else { return false };
    let mut words = rest.split(' ');
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    if pri {
        return is_host(first);
    }
    is_tag(first, true) || (is_host(first) && is_tag(second, false))
}

/// A host name or address: letters, digits, `.`, `-`, `_`, and `:` inside (IPv6).
fn is_host(word: &str) -> bool {
    !word.is_empty()
        && !word.ends_with(':')
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
}

/// A syslog tag: `name:`, `name[pid]:` or `name[pid]` (`need_pid`: only the forms with a pid).
fn is_tag(word: &str, need_pid: bool) -> bool {
    let (word, colon) = match word.strip_suffix(':') {
        Some(w) => (w, true),
        None => (word, false),
    };
    let (name, pid) = match word.strip_suffix(']').and_then(|w| w.split_once('[')) {
        Some((name, pid)) => (name, Some(pid)),
        None => (word, None),
    };
    let has_pid = pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    // Without a valid pid, only a plain `name:` is a tag.
    if !has_pid && (pid.is_some() || need_pid || !colon) {
        return false;
    }
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/' | b'(' | b')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pm2_prefixes_of_every_generation() {
        for line in [
            "2024-01-15T10:23:45: PM2 log: App [api:0] online",
            "[2018-05-07 16:21:11] PM2 error: Error: spawn node ENOENT",
            "[2018-08-15T23:22:51.130Z] PM2 log: Deleting process 0",
            "2017-03-21 14:16:26: Stopping app:iotmonitagent id:0",
            "PM2: 2016-05-10 20:38:47: App name:app id:1 online",
        ] {
            assert!(looks_like_pm2_log(line), "{line}");
            assert!(!looks_like_syslog(line), "{line}");
        }
        // An app log with `time: true` is not pm2.log.
        assert!(!looks_like_pm2_log("2026-11-28T07:02:11: tick 0"));
    }

    #[test]
    fn syslog_headers() {
        for line in [
            "Mar 22 07:13:10 node0 sshd[16182]: Accepted publickey for id_17 from 1.2.3.4 port 1 ssh2",
            "2026-04-10T04:46:09.476922+00:00 Ubuntu sudo: vboxuser : TTY=pts/1",
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - msg",
            "Jun 13 16:33:35 haproxy[73411]: hello",
            "<15>2021-03-06T04:07:33.194677+00:00 hostname log_tag this is debug",
            "2026-09-27T15:34:54.928732+00:00 Ubuntu sudo: vboxuser : TTY=/dev/pts/0",
        ] {
            assert!(looks_like_syslog(line), "{line}");
            assert!(!looks_like_pm2_log(line), "{line}");
        }
    }

    #[test]
    fn journal_output_is_told_from_syslog() {
        let short = "Feb 17 14:30:00 web-01 kernel: Linux version 6.8.0\n-- Boot 9a8b7c6d5e4f40318293a4b5c6d7e8f9 --\nFeb 17 14:40:00 web-01 kernel: x\n";
        assert_eq!(sniff(short.as_bytes(), "x.txt").format, Some(Format::Journal));
        for line in [
            r#"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1771338600001300","MESSAGE":"x"}"#,
            "Tue 2026-02-17 14:30:00 UTC web-01 systemd[1]: pm2-root.service: Consumed 1h CPU time.",
            "1771338600.260000 web-01 systemd[1]: pm2-root.service: Main process exited",
            "[812385.814801] web-01 systemd[1]: pm2-root.service: Main process exited",
            "[    2.345678] web-01 kernel: Linux version 6.8.0-45-generic",
        ] {
            assert_eq!(sniff(line.as_bytes(), "x.txt").format, Some(Format::Journal), "{line}");
        }
        assert_eq!(sniff(b"__CURSOR=s=2;i=b\nMESSAGE\n\x15\x00\x00", "x").format, Some(Format::Journal));
        // Plain syslog stays syslog.
        let auth =
            "Feb 17 15:54:12 projectium sshd[52210]: Accepted publickey for a from 1.2.3.4 port 1 ssh2\n";
        assert_eq!(sniff(auth.as_bytes(), "x.txt").format, Some(Format::Syslog));
    }

    #[test]
    fn ci_job_logs_are_not_syslog() {
        for line in [
            "2026-10-07T22:56:33.5446508Z with:",
            "2026-10-07T22:56:33.5446753Z   repository: ProfJJK-CoChem/CoChem-TORQ",
            "2026-10-07T22:56:33.5446073Z ##[group]Run actions/checkout@11bd7190",
            "2026-10-07T22:56:33.5446073Z Current runner version: '2.328.0'",
        ] {
            assert!(!looks_like_syslog(line), "{line}");
        }
    }

    #[test]
    fn dmesg_is_told_from_journal_monotonic() {
        let dmesg = "[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115)\n\
                     [ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi)\n\
                     [ 7093.543711] CPU: 4 PID: 63635 Comm: uwsgi Not tainted 5.4.0-77-generic\n";
        assert_eq!(sniff(dmesg.as_bytes(), "x.txt").format, Some(Format::Dmesg));
        let journal = "[    2.345678] web-01 kernel: Linux version 6.8.0-45-generic\n";
        assert_eq!(sniff(journal.as_bytes(), "x.txt").format, Some(Format::Journal));
        assert_eq!(sniff(b"", "evidence/dmesg.txt").format, Some(Format::Dmesg));
    }

    #[test]
    fn every_format_is_recognised_by_content() {
        let cases: [(&str, Format); 9] = [
            (
                "2026-10-07T22:56:33.5446073Z ##[group]Run actions/checkout@v4\n\
                 2026-10-07T22:56:33.5446508Z with:\n2026-10-07T22:56:33.5447000Z ##[endgroup]\n",
                Format::CiLog,
            ),
            (
                "1.2.3.4 - - [17/Feb/2026:14:31:05 +0100] \"GET /api/health/ready HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"\n",
                Format::Nginx,
            ),
            (
                "2026/02/17 14:31:05 [error] 1234#1234: *5678 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4\n",
                Format::Nginx,
            ),
            ("#1708180000\npm2 delete all\n#1708180010\npm2 list\n", Format::ShellHistory),
            ("[PM2] Spawning PM2 daemon with pm2_home=/root/.pm2\n[{\"pid\":1,\"name\":\"api\",\"pm2_env\":{}}]", Format::Pm2Jlist),
            (
                "┌────┬────────┬──────────┬──────┬───────────┬──────────┬──────────┐\n\
                 │ id │ name   │ mode     │ ↺    │ status    │ cpu      │ memory   │\n",
                Format::Pm2List,
            ),
            ("name: Deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n", Format::Workflow),
            (
                "commit 0123456789abcdef0123456789abcdef01234567\nAuthor: A <a@b>\nDate:   Tue Feb 17 14:30:00 2026 +0100\n",
                Format::Git,
            ),
            ("a1b2c3d HEAD@{2026-02-17 14:30:00 +0100}: pull: Fast-forward\n", Format::Git),
        ];
        for (text, format) in cases {
            let got = sniff(text.as_bytes(), "x.txt");
            assert_eq!(got.format, Some(format), "{text}: {}", got.reason);
        }
    }

    #[test]
    fn globs() {
        assert!(glob("dmesg*", "a/b/DMESG-T.txt"));
        assert!(glob("*.bash_history", "home/bob/.bash_history"));
        assert!(glob(".github/workflows/*.yml", "repo/.github/workflows/deploy.yml"));
        assert!(!glob(".github/workflows/*.yml", "repo/github/workflows/deploy.yml"));
        assert!(glob("*-out-*.log", "logs/api-out-0.log"));
        assert!(!glob("*-out-*.log", "logs/api-out.log"));
        assert!(glob("dump.pm2", "x/.pm2/dump.pm2"));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn content_beats_name_and_name_is_a_fallback() {
        let pm2 = b"2024-01-15T10:23:45: PM2 log: App [api:0] online\n";
        assert_eq!(sniff(pm2, "logs/auth.log").format, Some(Format::Pm2Log));
        assert_eq!(sniff(b"    at foo (x.js:1:1)\n", "x/pm2.log").format, Some(Format::Pm2Log));
        assert_eq!(sniff(b"", "var/log/auth.log.2.gz").format, Some(Format::Syslog));
        let none = sniff(b"hello world\n", "notes.txt");
        assert_eq!(none.format, None);
        assert!(none.reason.contains("no known format"), "{}", none.reason);
        assert_eq!(sniff(b"\x00\x01ELF", "pm2.log").format, None);
    }

    #[test]
    fn nul_blocks_of_a_crash_do_not_hide_a_log() {
        let mut head =
            b"Feb 17 14:30:00 web1 sshd[1]: Accepted publickey for deploy from 10.0.0.1\n".to_vec();
        head.extend_from_slice(&[0; 4096]);
        head.extend_from_slice(b"Feb 17 14:35:00 web1 systemd[1]: Started Session 2 of user deploy.\n");
        let sniffed = sniff(&head, "auth.log");
        assert_eq!(sniffed.format, Some(Format::Syslog), "{}", sniffed.reason);
        assert!(sniffed.reason.ends_with("(NUL bytes ignored)"), "{}", sniffed.reason);
        // Binary stays binary, whatever its name says.
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", "auth.log").format, None);
    }
}
