//! Shell history files as evidence: bash (with or without `HISTTIMEFORMAT`), zsh extended
//! history, and plain one-command-per-line history.
//!
//! ```text
//! line          = bash-stamp / zsh-entry / command-line
//! bash-stamp    = "#" 1*DIGIT                  ; alone on its line: epoch seconds (bash writes
//!                                                ; it before each command when HISTTIMEFORMAT is set)
//! zsh-entry     = ": " 1*18DIGIT ":" 1*18DIGIT ";" command
//!                                                ; EXTENDED_HISTORY: start epoch, elapsed seconds
//! command-line  = *CHAR                          ; plain history: one command per line
//! ```
//!
//! Examples (plaso `test_data/bash_history`, and zsh's own format):
//!
//! ```text
//! #1380630977
//! /usr/lib/plaso
//! #1623364236
//! binary argument1 "--params=\
//! param1=foo,
//! " argument2
//! : 1708180000:3;pm2 restart all
//! : 1708180010:0;for i in 1 2; do\
//! echo $i\
//! done
//! ```
//!
//! # Decisions per line
//!
//! * **bash**: a `#<epoch>` line starts a command: it is the record's line
//!   ([`Sink::event_pending`]), and every following line up to the next `#<epoch>` line (or the
//!   end of the input) is a line of that command ([`Sink::continuation_dropped`]: its text is
//!   folded into the record). A command may so span several lines (bash with `lithist`, or a
//!   quoted string with newlines); blank lines around the command are dropped from it. The record
//!   is pushed at the next `#<epoch>` line or at [`LineParser::finish`]. The `#<epoch>` line is
//!   chosen as the record's line because it carries the time; the command lines are its content.
//!   A `#<epoch>` line whose epoch is out of range is unparsed ([`REASON_BAD_EPOCH`]), and the
//!   lines after it are then read as plain history.
//! * **zsh**: a `: <start>:<elapsed>;<command>` line is one record. zsh writes a newline inside a
//!   command as a backslash at the end of the line: such a line continues on the next one (the
//!   record is pending until a line that does not end with `\`; the later lines are
//!   [`Sink::continuation_dropped`]). The joined command has the backslashes replaced by newlines.
//! * **plain**: any other non-blank line before the first `#<epoch>` line (a file without
//!   timestamps, or the commands bash wrote before `HISTTIMEFORMAT` was set, as in plaso's
//!   `bash_history_desync`) is one undated command ([`RawTime::None`]). In a file the path names a
//!   zsh history, a trailing backslash continues the command as for zsh entries.
//! * A blank line outside a command is [`Sink::structural`].
//!
//! Epochs are seconds since 1970 UTC → [`RawTime::Exact`] with offset 0.
//!
//! # Records
//!
//! Source [`SOURCE`], kind [`SHELL_COMMAND`]. The `message` is the command's first line, the
//! record's `continuation` its other lines; `user` is the user whose history it is, read from the
//! path (see [`user_from_path`]). Fields, in this order:
//!
//! * `command` — the whole command (lines joined with `\n`);
//! * `shell` — `bash` (a `#<epoch>` stamp, or a bash file name), `zsh` (an extended entry, or a
//!   zsh file name); absent when neither says;
//! * `duration` — Int, zsh's elapsed seconds;
//! * `pm2_all` — Int 1 when the command stops, restarts, reloads or deletes every PM2 app or
//!   kills the PM2 daemon (see [`is_pm2_all`]);
//! * `privileged` — Int 1 when the command runs through `sudo` (see [`is_privileged`]).
//!
//! Not handled: zsh "metafied" bytes (zsh stores non-ASCII bytes as `0x83` + byte ^ 0x20; the
//! lossy UTF-8 decoding of the input has already turned them into U+FFFD).

use std::borrow::Cow;

use chrono::DateTime;
use nom::{
    bytes::complete::{tag, take_while1},
    character::complete::char,
    combinator::{all_consuming, map_opt},
    sequence::{preceded, tuple},
    IResult,
};

use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};

/// Source of every record of this parser.
pub const SOURCE: &str = "shell";

/// Kind: one command from a shell history.
pub const SHELL_COMMAND: &str = "shell-command";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[(
    SHELL_COMMAND,
    "A command from a shell history (bash/zsh/plain); fields `command`, `shell`, `duration` \
     (zsh, seconds), `pm2_all` (1: stops/restarts/reloads/deletes all PM2 apps or kills the \
     daemon), `privileged` (1: run through sudo); user from the history file's path",
)];

/// Unparsed reason: a `#<digits>` or `: <digits>:<digits>;` stamp whose epoch is out of range.
pub const REASON_BAD_EPOCH: &str = "history timestamp out of range";

/// File-name globs of shell history files.
pub const NAME_HINTS: &[&str] = &["*.bash_history", "*.zsh_history", "*_history", ".history"];

/// Which grammar a pending command follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// After a `#<epoch>` line: lines up to the next stamp.
    Bash,
    /// A line ending with a backslash: continued by the next line.
    ZshContinued,
}

/// A command whose record waits for more lines (owned: it may span windows).
#[derive(Debug)]
struct Pending {
    line: u64,
    time: RawTime,
    shell: Option<&'static str>,
    duration: Option<i64>,
    /// The command's lines, already unescaped.
    lines: Vec<String>,
    style: Style,
}

/// Parser for shell history files (bash, zsh extended, plain).
#[derive(Debug, Default)]
pub struct ShellHistoryParser {
    /// The user whose history this is (from the path).
    user: Option<String>,
    /// The shell the file name names.
    path_shell: Option<&'static str>,
    /// A command still being read.
    pending: Option<Pending>,
}

impl ShellHistoryParser {
    /// A parser for the history file at `path` (a `/`-separated path as found in the bundle):
    /// the user comes from a `home/<user>/` or `root/` directory in it, the shell from the file
    /// name (`.bash_history` → bash, `.zsh_history` → zsh).
    pub fn for_path(path: &str) -> Self {
        let name = path.rsplit('/').next().unwrap_or(path);
        let path_shell = if name.contains("bash_history") {
            Some("bash")
        } else if name.contains("zsh_history") || name == ".zhistory" {
            Some("zsh")
        } else {
            None
        };
        ShellHistoryParser { user: user_from_path(path).map(str::to_string), path_shell, pending: None }
    }

    /// Pushes the pending command, if any.
    fn flush(&mut self, sink: &mut Sink<'_>) {
        if let Some(p) = self.pending.take() {
            let mut lines = p.lines;
            if p.style == Style::Bash {
                // Blank lines around a bash command are not part of it.
                while lines.last().is_some_and(|l| l.trim().is_empty()) {
                    lines.pop();
                }
                let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
                lines.drain(..lead);
            }
            let command = lines.join("\n");
            let rec = self.record(p.line, p.time, p.shell, p.duration, Cow::Owned(command));
            sink.push_pending(rec.into_owned());
        }
    }

    /// The record of one command.
    fn record<'a>(
        &self,
        line: u64,
        time: RawTime,
        shell: Option<&'static str>,
        duration: Option<i64>,
        command: Cow<'a, str>,
    ) -> Record<'a> {
        let (message, rest): (Cow<'a, str>, Vec<Cow<'a, str>>) = match &command {
            Cow::Borrowed(c) => (Cow::Borrowed(*c), Vec::new()),
            Cow::Owned(c) => {
                let mut it = c.split('\n');
                let first = it.next().unwrap_or("").to_string();
                (Cow::Owned(first), it.map(|l| Cow::Owned(l.to_string())).collect())
            }
        };
        let pm2_all = is_pm2_all(&command);
        let privileged = is_privileged(&command);
        let mut rec = Record::new(line, time, SOURCE, SHELL_COMMAND, message);
        rec.user = self.user.clone().map(Cow::Owned);
        rec.continuation = rest;
        rec.push_field("command", FieldValue::Str(command));
        if let Some(sh) = shell {
            rec.push_field("shell", sh);
        }
        if let Some(d) = duration {
            rec.push_field("duration", d);
        }
        if pm2_all {
            rec.push_field("pm2_all", 1i64);
        }
        if privileged {
            rec.push_field("privileged", 1i64);
        }
        rec
    }

    /// A one-line command, or the first line of a backslash-continued one.
    fn command_line<'a>(
        &mut self,
        line_no: u64,
        time: RawTime,
        shell: Option<&'static str>,
        duration: Option<i64>,
        cmd: &'a str,
        sink: &mut Sink<'a>,
    ) {
        match cmd.strip_suffix('\\') {
            Some(head) if shell == Some("zsh") => {
                self.pending = Some(Pending {
                    line: line_no,
                    time,
                    shell,
                    duration,
                    lines: vec![head.to_string()],
                    style: Style::ZshContinued,
                });
                sink.event_pending();
            }
            _ => {
                let rec = self.record(line_no, time, shell, duration, Cow::Borrowed(cmd));
                sink.event(rec);
            }
        }
    }
}

impl LineParser for ShellHistoryParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if let Some(p) = self.pending.as_mut() {
            match p.style {
                Style::ZshContinued => {
                    let (piece, more) = match text.strip_suffix('\\') {
                        Some(head) => (head, true),
                        None => (text, false),
                    };
                    p.lines.push(piece.to_string());
                    sink.continuation_dropped();
                    if !more {
                        self.flush(sink);
                    }
                    return;
                }
                Style::Bash => {
                    if bash_stamp(text).is_none() {
                        p.lines.push(text.to_string());
                        sink.continuation_dropped();
                        return;
                    }
                    self.flush(sink);
                }
            }
        }
        if let Some(digits) = bash_stamp(text) {
            match digits.parse::<i64>().ok().filter(|_| digits.len() <= 18).and_then(epoch_time) {
                Some(time) => {
                    self.pending = Some(Pending {
                        line: line_no,
                        time,
                        shell: Some("bash"),
                        duration: None,
                        lines: Vec::new(),
                        style: Style::Bash,
                    });
                    sink.event_pending();
                }
                None => sink.unparsed(line_no, REASON_BAD_EPOCH),
            }
            return;
        }
        if let Ok((cmd, (start, elapsed))) = zsh_prefix(text) {
            match epoch_time(start) {
                Some(time) => self.command_line(line_no, time, Some("zsh"), Some(elapsed), cmd, sink),
                None => sink.unparsed(line_no, REASON_BAD_EPOCH),
            }
            return;
        }
        if text.trim().is_empty() {
            sink.structural();
            return;
        }
        let shell = self.path_shell;
        self.command_line(line_no, RawTime::None, shell, None, text, sink);
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush(sink);
    }
}

/// Up to 18 ASCII digits as an i64 (more digits: `None`).
fn epoch_digits(input: &str) -> IResult<&str, i64> {
    map_opt(take_while1(|c: char| c.is_ascii_digit()), |d: &str| {
        if d.len() > 18 {
            None
        } else {
            d.parse::<i64>().ok()
        }
    })(input)
}

/// `#<digits>` alone on a line: the digits (not checked for range), or `None`.
fn bash_stamp(text: &str) -> Option<&str> {
    let stamp: IResult<&str, &str> =
        all_consuming(preceded(char('#'), take_while1(|c: char| c.is_ascii_digit())))(text);
    stamp.ok().map(|(_, d)| d)
}

/// `: <start>:<elapsed>;` → (start, elapsed); the rest is the command.
fn zsh_prefix(input: &str) -> IResult<&str, (i64, i64)> {
    let (rest, (_, start, _, elapsed, _)) =
        tuple((tag(": "), epoch_digits, char(':'), epoch_digits, char(';')))(input)?;
    Ok((rest, (start, elapsed)))
}

/// Epoch seconds → an exact UTC time, when in chrono's range.
fn epoch_time(secs: i64) -> Option<RawTime> {
    DateTime::from_timestamp(secs, 0).map(|t| RawTime::Exact { local: t.naive_utc(), offset_secs: 0 })
}

/// The user whose history `path` is: the directory after the last `home` directory, or
/// `root` for a path through a `root` directory (whichever comes last). `None` when the path
/// says neither.
///
/// `home/bob/.bash_history` → `bob`; `bundle/root/.zsh_history` → `root`.
pub fn user_from_path(path: &str) -> Option<&str> {
    let parts: Vec<&str> = path.split('/').collect();
    // Directories only: the last component is the file.
    let dirs = &parts[..parts.len().saturating_sub(1)];
    let mut user = None;
    for (i, d) in dirs.iter().enumerate() {
        if *d == "home" {
            if let Some(u) = dirs.get(i + 1).filter(|u| !u.is_empty()) {
                user = Some(*u);
            }
        } else if *d == "root" && (i == 0 || dirs[i - 1] != "home") {
            user = Some("root");
        }
    }
    user
}

/// Whether `line` is a strong sign of a shell history: a bash `#<10 digits>` stamp alone on
/// its line, or a zsh extended entry `: <digits>:<digits>;…`.
///
/// One line cannot show that a command follows a bash stamp; the 10-digit epoch (2001–2286)
/// alone on a line is still specific: no log format writes that.
pub fn sniff_line(line: &str) -> bool {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if let Some(d) = line.strip_prefix('#') {
        return d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit());
    }
    zsh_prefix(line).is_ok()
}

pub use crate::command::{is_pm2_all, is_privileged};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_from_paths() {
        assert_eq!(user_from_path("home/bob/.bash_history"), Some("bob"));
        assert_eq!(user_from_path("root/.zsh_history"), Some("root"));
        assert_eq!(user_from_path("bundle/host1/home/alice/.zsh_history"), Some("alice"));
        assert_eq!(user_from_path("/root/.bash_history"), Some("root"));
        assert_eq!(user_from_path("home/root/.bash_history"), Some("root"));
        assert_eq!(user_from_path(".bash_history"), None);
        assert_eq!(user_from_path("home/.bash_history"), None);
        assert_eq!(user_from_path("var/log/root"), None);
    }

    #[test]
    fn stamps() {
        assert_eq!(bash_stamp("#1380630977"), Some("1380630977"));
        assert_eq!(bash_stamp("#1380630977 x"), None);
        assert_eq!(bash_stamp("#"), None);
        assert_eq!(bash_stamp("#x1"), None);
        assert_eq!(zsh_prefix(": 1708180000:0;ls -la"), Ok(("ls -la", (1708180000, 0))));
        assert!(sniff_line("#1708180000"));
        assert!(sniff_line(": 1708180000:12;pm2 kill"));
        assert!(!sniff_line("#123"));
        assert!(!sniff_line("# 1708180000"));
        assert!(!sniff_line("Feb 17 14:30:00 web-01 kernel: x"));
    }
}
