//! Shell text → the simple commands it runs, each word with its source position.
//!
//! This recognises commands; it does not run them. What it reads (and documents in
//! docs/lint-rules.md):
//!
//! - Input is a sequence of command lines (a workflow step's commands from
//!   `postmortem_parsers::workflow_file`, or a script's from `workflow_file::script_commands`):
//!   blank and `#` lines are already gone and `\` continuations joined.
//! - A line is split into simple commands at `;`, `&&`, `||`, `|`, `&`, `(`, `)` and newlines
//!   outside quotes; `'…'`, `"…"`, `\x`, `$(…)`, `${…}` and backticks stay inside their word. A
//!   `#` at the start of a word ends the line. Redirections (`> f`, `2>&1`, `< <(…)`) are kept
//!   apart from the words.
//! - A quote left open at the end of a line continues on the next lines (a multi-line string).
//! - Heredoc bodies (`<<EOF` … `EOF`) are data, except when they feed a shell or `ssh`
//!   (`ssh host <<EOF`, `bash <<EOF`, `ssh host bash -s <<EOF`): then each body line is a command.
//! - `ssh host "…"`, `bash -c "…"` / `sh -c`, `su -c "…"` and `eval "…"`: the quoted command is
//!   read as commands too (what runs on the server).
//! - Wrappers run their command too: `flock [options] FILE cmd…`, `timeout DURATION cmd…`,
//!   `nice cmd…` (and `flock FILE -c STRING`).
//! - Loops: `for VAR in WORDS`, `… | while read VAR` (and `done < <(…)`) are tracked so a rule can
//!   tell what a loop iterates over and whether its body tests something before acting.
//! - Reserved words that start a command (`if`, `then`, `do`, `else`, `!`, `{`, …) are skipped.

use postmortem_parsers::command::program_words;

/// A 1-based line and 1-based column (in characters) in the linted file.
pub type Position = (u64, u64);

/// Where a part of a [`Line`]'s text came from.
#[derive(Clone, Debug)]
struct Segment {
    /// Character offset in the line's text where this part starts.
    offset: usize,
    /// Source position of that character.
    at: Position,
}

/// One command line as the shell reads it, with the source position of each of its parts.
#[derive(Clone, Debug)]
pub struct Line {
    text: String,
    segments: Vec<Segment>,
}

impl Line {
    /// A command line whose first character is at `at`.
    pub fn new(text: impl Into<String>, at: Position) -> Line {
        Line { text: text.into(), segments: vec![Segment { offset: 0, at }] }
    }

    /// Appends the next source line (a quoted string continues on it).
    fn join(&mut self, next: &Line) {
        self.text.push('\n');
        let base = self.text.chars().count();
        self.segments.extend(next.segments.iter().map(|s| Segment { offset: base + s.offset, at: s.at }));
        self.text.push_str(&next.text);
    }

    /// The source position of the character at `offset`, checked against the source: when
    /// the text there does not start with `probe` (a `\n` escape or a joined continuation
    /// moved it), the probe's first occurrence on that source line, else the segment start.
    fn locate(&self, offset: usize, probe: &str, source: &[&str]) -> Position {
        let seg = self.segments.iter().rev().find(|s| s.offset <= offset).unwrap_or(&self.segments[0]);
        let (line, column) = (seg.at.0, seg.at.1 + (offset - seg.offset) as u64);
        let Some(src) = (line as usize).checked_sub(1).and_then(|i| source.get(i)) else { return seg.at };
        let probe: String = probe.chars().take(8).collect();
        let from = src.char_indices().nth((column as usize).saturating_sub(1)).map(|(b, _)| b);
        if probe.is_empty() || from.is_some_and(|b| src[b..].starts_with(&probe)) {
            return (line, column);
        }
        let start =
            src.char_indices().nth((seg.at.1 as usize).saturating_sub(1)).map_or(src.len(), |(b, _)| b);
        match src[start..].find(&probe) {
            Some(b) => (line, src[..start + b].chars().count() as u64 + 1),
            None => seg.at,
        }
    }
}

/// How a simple command is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    /// First of its line, or after `;`, `&`, a newline, `(` or `)`.
    Seq,
    /// After `|`: it reads the previous command's output.
    Pipe,
    /// After `&&` or `||`.
    Cond,
}

/// A word: its text with quotes removed (`$(…)` kept as written), as written, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Quotes and escapes removed.
    pub text: String,
    /// As written.
    pub raw: String,
    /// Character offset in the line.
    pub offset: usize,
}

/// One simple command of a line.
#[derive(Clone, Debug)]
struct Simple {
    words: Vec<Word>,
    /// Raw targets of `<`, `>`, `<<<` redirections.
    redirects: Vec<String>,
    /// The delimiter of a `<<` heredoc.
    heredoc: Option<String>,
    sep: Sep,
}

/// A line split into simple commands.
#[derive(Debug)]
struct Lexed {
    commands: Vec<Simple>,
    /// A quote was still open at the end of the text.
    open_quote: bool,
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    out: Vec<Simple>,
    cur: Simple,
    open_quote: bool,
}

fn simple(sep: Sep) -> Simple {
    Simple { words: Vec::new(), redirects: Vec::new(), heredoc: None, sep }
}

fn lex(text: &str) -> Lexed {
    let mut lx = Lexer {
        chars: text.chars().collect(),
        i: 0,
        out: Vec::new(),
        cur: simple(Sep::Seq),
        open_quote: false,
    };
    lx.run();
    Lexed { commands: lx.out, open_quote: lx.open_quote }
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn end(&mut self, next: Sep) {
        let done = std::mem::replace(&mut self.cur, simple(next));
        if !done.words.is_empty() || done.heredoc.is_some() || !done.redirects.is_empty() {
            self.out.push(done);
        } else if done.sep != Sep::Seq && next == Sep::Seq {
            // `a | (b)`: keep the pipe on what follows the empty group.
            self.cur.sep = done.sep;
        }
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' => self.i += 1,
                '#' => break,
                '\n' | ';' | '(' | ')' => {
                    self.i += 1;
                    self.end(Sep::Seq);
                }
                '&' if self.peek(1) == Some('&') => {
                    self.i += 2;
                    self.end(Sep::Cond);
                }
                '&' if self.peek(1) == Some('>') => self.redirect(),
                '&' => {
                    self.i += 1;
                    self.end(Sep::Seq);
                }
                '|' if self.peek(1) == Some('|') => {
                    self.i += 2;
                    self.end(Sep::Cond);
                }
                '|' => {
                    self.i += 1 + usize::from(self.peek(1) == Some('&'));
                    self.end(Sep::Pipe);
                }
                '<' | '>' if self.peek(1) == Some('(') => {
                    let w = self.word();
                    self.cur.words.push(w);
                }
                '<' | '>' => self.redirect(),
                _ => {
                    let w = self.word();
                    let fd = !w.raw.is_empty() && w.raw.bytes().all(|b| b.is_ascii_digit());
                    if fd && matches!(self.peek(0), Some('<' | '>')) {
                        self.redirect();
                    } else if !w.raw.is_empty() {
                        self.cur.words.push(w);
                    } else {
                        self.i += 1; // a character no rule takes: skip it
                    }
                }
            }
        }
        self.end(Sep::Seq);
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(0), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    /// At `<`, `>` or `&>`: a redirection, a heredoc or a here-string.
    fn redirect(&mut self) {
        let rest: String = self.chars[self.i..].iter().take(3).collect();
        if rest.starts_with("<<<") {
            self.i += 3;
        } else if rest.starts_with("<<") {
            self.i += 2 + usize::from(self.peek(2) == Some('-'));
            self.skip_blanks();
            let delim = self.word();
            self.cur.heredoc = Some(delim.text);
            return;
        } else {
            if self.peek(0) == Some('&') {
                self.i += 1;
            }
            self.i += 1;
            if matches!(self.peek(0), Some('>' | '&' | '|')) {
                self.i += 1;
            }
        }
        self.skip_blanks();
        let target = self.word();
        self.cur.redirects.push(target.raw);
    }

    /// Reads one word from the current position.
    fn word(&mut self) -> Word {
        let offset = self.i;
        let mut text = String::new();
        if matches!(self.peek(0), Some('<' | '>')) && self.peek(1) == Some('(') {
            self.i += 1;
            self.balanced(&mut text, '(', ')');
        }
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\n' | '\r' | ';' | '&' | '|' | '(' | ')' | '<' | '>' => break,
                '\'' => {
                    self.i += 1;
                    match self.chars[self.i..].iter().position(|&q| q == '\'') {
                        Some(n) => {
                            text.extend(&self.chars[self.i..self.i + n]);
                            self.i += n + 1;
                        }
                        None => {
                            text.extend(&self.chars[self.i..]);
                            self.i = self.chars.len();
                            self.open_quote = true;
                        }
                    }
                }
                '"' => {
                    self.i += 1;
                    self.double_quoted(&mut text);
                }
                '\\' => {
                    text.extend(self.peek(1));
                    self.i = (self.i + 2).min(self.chars.len());
                }
                '`' => {
                    text.push('`');
                    self.i += 1;
                    while let Some(c) = self.peek(0) {
                        self.i += 1;
                        text.push(c);
                        if c == '`' {
                            break;
                        }
                    }
                }
                '$' if matches!(self.peek(1), Some('(' | '{')) => {
                    text.push('$');
                    self.i += 1;
                    let open = self.peek(0).unwrap_or('(');
                    self.balanced(&mut text, open, if open == '(' { ')' } else { '}' });
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        let raw = self.chars[offset..self.i].iter().collect();
        Word { text, raw, offset }
    }

    /// The rest of a `"…"` string (the opening quote consumed).
    fn double_quoted(&mut self, text: &mut String) {
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '"' => return,
                '\\' if matches!(self.peek(0), Some('"' | '\\' | '$' | '`')) => {
                    text.extend(self.peek(0));
                    self.i += 1;
                }
                '$' if self.peek(0) == Some('(') => {
                    text.push('$');
                    self.balanced(text, '(', ')');
                }
                _ => text.push(c),
            }
        }
        self.open_quote = true;
    }

    /// From an opening `open` to its matching `close`, quotes inside respected; copied as written.
    fn balanced(&mut self, text: &mut String, open: char, close: char) {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek(0) {
            self.i += 1;
            text.push(c);
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, c) if c == open => depth += 1,
                (None, c) if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Walking a script
// ---------------------------------------------------------------------------------------------

/// One simple command that runs, ready for the rules.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// Its words (quotes removed), from the command word on; reserved words dropped.
    pub words: Vec<Word>,
    /// The source position of each word.
    pub positions: Vec<Position>,
    /// The raw text of the earlier commands of its pipeline (`pm2 jlist | jq …` before `xargs`).
    pub upstream: String,
    /// Indices into [`Script::loops`] of the loops around it, outermost first.
    pub loops: Vec<usize>,
    /// It runs on another machine through `ssh` (a quoted remote command, an `ssh` heredoc or
    /// `ssh host cmd`).
    pub remote: bool,
}

impl Invocation {
    /// The words' texts.
    pub fn texts(&self) -> Vec<String> {
        self.words.iter().map(|w| w.text.clone()).collect()
    }
}

/// A `for` or `while` loop.
#[derive(Clone, Debug, Default)]
pub struct Loop {
    /// The loop variable (`for app in …`, `while read -r id`).
    pub var: Option<String>,
    /// The words of `for VAR in WORDS` when all are literal (no `$`, glob or substitution).
    pub items: Option<Vec<String>>,
    /// What the loop iterates over, as written: the `in` words, the pipeline feeding `while`,
    /// and the redirection of its `done` (`done < <(pm2 jlist | …)`).
    pub source: String,
    /// The body tests a process name before acting: a condition (`if`, `[[`, `[`, `test`,
    /// `case` and its patterns, `grep`) that mentions `name` or `-test`.
    pub name_guard: bool,
}

/// The commands of one script (a workflow job's steps, or a shell file).
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Every simple command that runs, in order.
    pub invocations: Vec<Invocation>,
    /// Every loop met.
    pub loops: Vec<Loop>,
}

/// Reserved words that can start a simple command and are not its program.
const RESERVED: &[&str] = &["if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"];
/// Words that end a compound command.
const CLOSERS: &[&str] = &["fi", "done", "esac", "}", ";;"];
/// Programs a heredoc or `-c` string is a script for.
const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh"];
/// Most lines a quoted string is followed across (an unclosed quote does not swallow a file).
const MAX_STRING_LINES: usize = 200;
/// Deepest nesting of `ssh "…"` / `bash -c "…"` read.
const MAX_NESTING: usize = 4;

/// A heredoc started on a line: its delimiter, and whether its body runs as commands (and
/// then whether remotely).
struct Heredoc {
    delim: String,
    runs_remote: Option<bool>,
}

struct Walker<'s> {
    source: &'s [&'s str],
    script: Script,
    open: Vec<usize>,
}

/// Reads `lines` (the command lines of one step or script) into `script`; `source` is the
/// linted file's lines, used to check positions; `remote`: the lines run through ssh.
pub fn walk(lines: &[Line], source: &[&str], remote: bool, script: &mut Script) {
    let mut w = Walker { source, script: std::mem::take(script), open: Vec::new() };
    w.lines(lines, remote, 0);
    *script = w.script;
}

impl Walker<'_> {
    fn lines(&mut self, lines: &[Line], remote: bool, depth: usize) {
        let mut i = 0;
        while i < lines.len() {
            let mut line = lines[i].clone();
            let mut lexed = lex(&line.text);
            i += 1;
            let mut joined = 0;
            while lexed.open_quote && i < lines.len() && joined < MAX_STRING_LINES {
                joined += 1;
                line.join(&lines[i]);
                lexed = lex(&line.text);
                i += 1;
            }
            let mut heredoc: Option<Heredoc> = None;
            self.commands(&line, &lexed.commands, remote, depth, &mut heredoc);
            if let Some(doc) = heredoc {
                let end =
                    lines[i..].iter().position(|l| l.text.trim() == doc.delim).map_or(lines.len(), |n| i + n);
                if let Some(remote) = doc.runs_remote.filter(|_| depth < MAX_NESTING) {
                    self.lines(&lines[i..end], remote, depth + 1);
                }
                i = end + 1;
            }
        }
    }

    /// The simple commands of one line; `heredoc` is set when one of them starts a heredoc.
    fn commands(
        &mut self,
        line: &Line,
        commands: &[Simple],
        remote: bool,
        depth: usize,
        heredoc: &mut Option<Heredoc>,
    ) {
        let mut upstream = String::new();
        for cmd in commands {
            if cmd.sep != Sep::Pipe {
                upstream.clear();
            }
            self.command(line, cmd, &upstream, remote, depth, heredoc);
            if !upstream.is_empty() {
                upstream.push_str(" | ");
            }
            upstream.extend(cmd.words.iter().map(|w| format!("{} ", w.raw)));
        }
    }

    fn command(
        &mut self,
        line: &Line,
        cmd: &Simple,
        upstream: &str,
        remote: bool,
        depth: usize,
        heredoc: &mut Option<Heredoc>,
    ) {
        let all = &cmd.words;
        let skip = all.iter().take_while(|w| RESERVED.contains(&w.raw.as_str())).count();
        let head = all.first().map_or("", |w| w.raw.as_str());
        let words = &all[skip..];
        let first = words.first().map_or("", |w| w.raw.as_str());
        self.note_name_guard(head, first, all);
        if self.structure(first, words, cmd, heredoc) {
            return;
        }
        if matches!(head, "while" | "until") {
            let var = (first == "read").then(|| words.last().map(|w| w.text.clone())).flatten();
            self.open_loop(Loop { var, items: None, source: upstream.to_string(), name_guard: false });
        }
        let texts: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
        let program = program_words(&texts);
        let start = texts.len() - program.len();
        let via_ssh = texts[..start].iter().any(|w| w.rsplit('/').next() == Some("ssh"));
        let remote = remote || via_ssh;
        if let Some(delim) = &cmd.heredoc {
            let shell = match program.first().map(|p| p.rsplit('/').next().unwrap_or(p)) {
                None => via_ssh,
                Some(p) => (SHELLS.contains(&p) || p == "su") && !program.iter().any(|a| a == "-c"),
            };
            *heredoc = Some(Heredoc { delim: delim.clone(), runs_remote: shell.then_some(remote) });
        }
        if let Some((nested, at)) = nested_script(&words[start..], via_ssh) {
            if depth < MAX_NESTING {
                let origin = &words[start + at];
                let quote = usize::from(origin.raw.starts_with(['"', '\'']));
                let (l, c) = line.locate(origin.offset + quote, &nested, self.source);
                let inner = Line::new(nested, (l, c));
                self.lines(&[inner], remote, depth + 1);
            }
            return;
        }
        self.push(line, words, upstream, remote);
        // `flock FILE cmd…`, `timeout 60 cmd…`: the wrapped command runs too.
        let mut at = start;
        for _ in 0..MAX_NESTING {
            let Some(skip) = wrapped_command(&texts[at..]) else { break };
            at += skip;
            at = texts.len() - program_words(&texts[at..]).len();
            self.push(line, &words[at..], upstream, remote);
        }
    }

    /// A condition inside a loop body (`if`, `[[`, `[`, `test`, `case` and its patterns,
    /// `grep`) that mentions `name` or `-test` marks the innermost loop as filtered by name.
    fn note_name_guard(&mut self, head: &str, first: &str, all: &[Word]) {
        let conditional = matches!(head, "if" | "elif")
            || matches!(first, "[[" | "[" | "test" | "case" | "grep" | "egrep")
            || first.contains('*'); // a `case` pattern: `*-test)`
        if !conditional || matches!(head, "while" | "until") {
            return;
        }
        let text: String = all.iter().map(|w| w.raw.to_lowercase() + " ").collect();
        if text.contains("name") || text.contains("-test") {
            if let Some(&l) = self.open.last() {
                self.script.loops[l].name_guard = true;
            }
        }
    }

    /// Loop headers, `done` and other closers: recorded, and `true` (nothing runs).
    fn structure(
        &mut self,
        first: &str,
        words: &[Word],
        cmd: &Simple,
        heredoc: &mut Option<Heredoc>,
    ) -> bool {
        match first {
            "for" | "select" => {
                let var = words.get(1).map(|w| w.text.clone());
                let items: Vec<&Word> = match words.iter().position(|w| w.raw == "in") {
                    Some(at) => words[at + 1..].iter().collect(),
                    None => Vec::new(),
                };
                let literal =
                    !items.is_empty() && items.iter().all(|w| !w.raw.contains(['$', '`', '*', '?', '[']));
                let source = items.iter().map(|w| w.raw.as_str()).collect::<Vec<_>>().join(" ");
                let items = literal.then(|| items.iter().map(|w| w.text.clone()).collect());
                self.open_loop(Loop { var, items, source, name_guard: false });
                true
            }
            "done" => {
                if let Some(l) = self.open.pop() {
                    for r in &cmd.redirects {
                        self.script.loops[l].source.push(' ');
                        self.script.loops[l].source.push_str(r);
                    }
                }
                true
            }
            _ if CLOSERS.contains(&first) || words.is_empty() => {
                if let Some(delim) = &cmd.heredoc {
                    *heredoc = Some(Heredoc { delim: delim.clone(), runs_remote: None });
                }
                true
            }
            _ => false,
        }
    }

    fn push(&mut self, line: &Line, words: &[Word], upstream: &str, remote: bool) {
        let positions = words.iter().map(|w| line.locate(w.offset, &w.raw, self.source)).collect();
        let loops = self.open.clone();
        self.script.invocations.push(Invocation {
            words: words.to_vec(),
            positions,
            upstream: upstream.to_string(),
            loops,
            remote,
        });
    }

    fn open_loop(&mut self, l: Loop) {
        self.script.loops.push(l);
        self.open.push(self.script.loops.len() - 1);
    }
}

/// Where the command run by a wrapper starts: `flock [options] FILE cmd…`, `timeout [options]
/// DURATION cmd…`, `nice [-n N] cmd…` (`None`: not a wrapper, or nothing wrapped).
fn wrapped_command(program: &[String]) -> Option<usize> {
    let name = program.first().map(|p| p.rsplit('/').next().unwrap_or(p))?;
    let (with_value, operands): (&[&str], usize) = match name {
        "flock" => (&["-w", "--timeout", "-E", "--conflict-exit-code"], 1),
        "timeout" => (&["-s", "--signal", "-k", "--kill-after"], 1),
        "nice" => (&["-n", "--adjustment"], 0),
        _ => return None,
    };
    let mut i = 1;
    while let Some(opt) = program.get(i).filter(|o| o.starts_with('-')) {
        if matches!(opt.as_str(), "-c" | "--command") {
            return None; // a command string: see `nested_script`
        }
        i += 1 + usize::from(with_value.contains(&opt.as_str()));
    }
    let at = i + operands;
    (at < program.len()).then_some(at)
}

/// A command string another command runs: ssh's remote command (its words joined, as ssh
/// does), `bash|sh -c STRING`, `su … -c STRING`, `flock FILE -c STRING`, `eval STRING`. With the index of the word it
/// starts in.
fn nested_script(program: &[Word], via_ssh: bool) -> Option<(String, usize)> {
    let name = program.first().map(|w| w.text.rsplit('/').next().unwrap_or(&w.text).to_string())?;
    if via_ssh && program.iter().any(|w| w.text.contains([' ', ';', '&', '|', '\n'])) {
        let joined = program.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        return Some((joined, 0));
    }
    if name == "eval" {
        let joined = program[1..].iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        return (!joined.is_empty()).then_some((joined, 1.min(program.len() - 1)));
    }
    if SHELLS.contains(&name.as_str()) || name == "su" || name == "flock" {
        let c = program.iter().position(|w| {
            w.text == "-c" || (w.text.starts_with('-') && !w.text.starts_with("--") && w.text.ends_with('c'))
        })?;
        let script = program.get(c + 1)?;
        return Some((script.text.clone(), c + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        lex(text).commands.iter().map(|c| c.words.iter().map(|w| w.text.clone()).collect()).collect()
    }

    fn script(lines: &[&str]) -> Script {
        let source: Vec<&str> = lines.to_vec();
        let lines: Vec<Line> =
            lines.iter().enumerate().map(|(i, l)| Line::new(*l, (i as u64 + 1, 1))).collect();
        let mut s = Script::default();
        walk(&lines, &source, false, &mut s);
        s
    }

    fn programs(s: &Script) -> Vec<String> {
        s.invocations.iter().map(|i| i.texts().join(" ")).collect()
    }

    #[test]
    fn splits_at_operators_outside_quotes() {
        assert_eq!(
            words("cd /srv && pm2 delete 'a b' || true; echo \"x;y\" | tee f & wait"),
            vec![
                vec!["cd", "/srv"],
                vec!["pm2", "delete", "a b"],
                vec!["true"],
                vec!["echo", "x;y"],
                vec!["tee", "f"],
                vec!["wait"]
            ]
        );
        // Substitutions stay in their word; redirections are not words; a comment ends the line.
        assert_eq!(
            words("pm2 delete $(pm2 jlist | jq -r '.[] | .pm_id') 2>&1 >/dev/null # all of them"),
            vec![vec!["pm2", "delete", "$(pm2 jlist | jq -r '.[] | .pm_id')"]]
        );
        assert_eq!(words("echo a#b \\; c"), vec![vec!["echo", "a#b", ";", "c"]]);
        assert!(lex("echo 'open").open_quote);
        assert!(!lex("echo \"closed\"").open_quote);
    }

    #[test]
    fn heredoc_bodies_are_data_unless_a_shell_reads_them() {
        let s = script(&[
            "cat <<EOF > notes.txt",
            "pm2 delete all",
            "EOF",
            "ssh deploy@web <<'EOF'",
            "pm2 kill",
            "EOF",
            "pm2 save",
        ]);
        assert_eq!(programs(&s), vec!["cat", "ssh deploy@web", "pm2 kill", "pm2 save"]);
        assert!(s.invocations[2].remote);
        assert_eq!(s.invocations[2].positions[0], (5, 1));
        assert!(!s.invocations[3].remote);
    }

    #[test]
    fn nested_commands_of_ssh_and_bash_c() {
        let s = script(&[
            "ssh -p 22 deploy@web \"cd /srv && pm2 delete all\"",
            "sudo -u app bash -lc 'pm2 kill'",
        ]);
        assert_eq!(programs(&s), vec!["cd /srv", "pm2 delete all", "pm2 kill"]);
        assert!(s.invocations[1].remote);
        assert_eq!(s.invocations[1].positions[0], (1, 34));
        assert_eq!(s.invocations[2].positions[0], (2, 23));
    }

    #[test]
    fn wrapped_commands_run_too() {
        let s = script(&[
            "flock -w 10 /tmp/deploy.lock pm2 restart api",
            "timeout 60 sudo pm2 kill",
            "flock /tmp/l -c 'pm2 save'",
        ]);
        assert_eq!(
            programs(&s),
            vec![
                "flock -w 10 /tmp/deploy.lock pm2 restart api",
                "pm2 restart api",
                "timeout 60 sudo pm2 kill",
                "pm2 kill",
                "pm2 save"
            ]
        );
        assert_eq!(s.invocations[1].positions[0], (1, 30));
    }

    #[test]
    fn loops_and_guards() {
        let s = script(&[
            "for app in api worker; do pm2 delete \"$app\"; done",
            "pm2 jlist | jq -r '.[].name' | while read -r name; do",
            "  if [[ \"$name\" == *-test ]]; then pm2 delete \"$name\"; fi",
            "done",
            "while read id; do pm2 stop $id; done < <(pm2 jlist | jq -r '.[].pm_id')",
        ]);
        assert_eq!(s.loops.len(), 3);
        assert_eq!(s.loops[0].items, Some(vec!["api".to_string(), "worker".to_string()]));
        assert_eq!(s.loops[1].var.as_deref(), Some("name"));
        assert!(s.loops[1].source.contains("pm2 jlist"));
        assert!(s.loops[1].name_guard);
        assert!(!s.loops[2].name_guard);
        assert!(s.loops[2].source.contains("<(pm2 jlist"), "{}", s.loops[2].source);
        let delete = s.invocations.iter().find(|i| i.texts() == ["pm2", "delete", "$name"]).unwrap();
        assert_eq!(delete.loops, vec![1]);
        assert_eq!(delete.positions[0], (3, 36));
    }

    #[test]
    fn multi_line_strings_are_one_command() {
        let s = script(&["echo \"pm2 delete all", "pm2 kill\"", "pm2 save"]);
        assert_eq!(programs(&s), vec!["echo pm2 delete all\npm2 kill", "pm2 save"]);
        assert_eq!(s.invocations[1].positions[0], (3, 1));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in ["", "\"", "'", "$(", "`", "<<", "2>", "&>", ")))", "$(${`'\"", "é ü $(é)", "\\"] {
            let _ = script(&[text, text]);
        }
    }
}
