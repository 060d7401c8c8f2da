// YAML: saphyr-parser 0.3, maintained successor of yaml-rust2 (same maintainers, YAML 1.2, yaml-test-suite);
// its event parser spans every scalar (line, char column); deps arraydeque + thiserror only, no serde.

//! CI workflow files (`.gitea/workflows/*.yml`, `.github/workflows/*.yaml`, …) as evidence: which
//! commands a deploy runs, in which job and step, on which line, and whether one of them is a
//! `pm2 stop all` / `pm2 delete all` style command that takes every PM2 app down.
//!
//! A workflow file is a YAML document, not a log, so it is parsed as a whole (see
//! [`parse_workflow`]); the [`WorkflowFileParser`] line parser buffers the lines it is fed and
//! **accounts them all at [`LineParser::finish`]** (a document format accounts its lines at
//! finish: `parse_line` makes no decision, `finish` makes exactly one per line fed).
//!
//! The shape read (GitHub-compatible; Gitea reads the same through the act model):
//!
//! ```text
//! workflow     = mapping with keys:
//!   name:        scalar                         ; the workflow's display name
//!   on:          scalar / [scalar…] / {event: filters…}   ; `true:` also read (YAML 1.1 `on`)
//!   concurrency: group-scalar / {group: scalar, cancel-in-progress: bool}
//!   jobs:        {job-id: job…}
//! job          = mapping with keys:
//!   name:, runs-on: (scalar / [labels…] / {group:, labels:}), uses:, concurrency:,
//!   steps:       [step…]
//! step         = mapping with keys:
//!   name:, uses:, run: script,
//!   with: {script: script / command: script}   ; remote scripts of ssh actions
//! script       = any scalar style: plain, 'single', "double", | literal, > folded
//! ```
//!
//! Example (linux-and-ci-formats.md §5.3):
//!
//! ```yaml
//! name: Deploy
//! on:
//!   push:
//!     branches: [main]
//! jobs:
//!   deploy:
//!     runs-on: ubuntu-latest
//!     steps:
//!       - uses: actions/checkout@v4
//!       - name: Reload PM2
//!         run: |
//!           npm ci
//!           pm2 reload ecosystem.config.js --update-env
//! ```
//!
//! Scripts become [`Command`]s, each with the file line and 1-based column (in characters) of
//! its first character:
//! - Every non-empty line of the script that does not start with `#` is a command; a line
//!   ending in an unescaped `\` continues on the next line (joined with one space, position of
//!   the first line). Heredoc bodies are not special: each of their lines is a command (an
//!   `ssh host <<EOF` body is what runs on the server).
//! - Literal blocks (`|`, `|-`, `|+`, `|2`): one script line per source line.
//! - Folded blocks (`>`): folded as YAML folds them, which is what the shell receives, so
//!   consecutive non-indented lines form **one** command (`docker run` / `  -v x:y` / `  img`
//!   is one command), positioned at its first source line; more-indented lines and lines after
//!   a blank line start new commands.
//! - Plain and quoted scalars (`run: pm2 delete all`, `run: "…"`): the first command is at the
//!   scalar's first character (after the quote); further lines (a `\n` escape, a blank line
//!   in a multi-line plain scalar) are placed where their text is found in the scalar's source
//!   lines, else on the line of the previous command.
//!
//! Aliases (`*name`) are not expanded: anchored text is reported once, where it is written.
//! Only the first YAML document of a file is read. A lone CR inside a line is read as a space
//! (YAML would take it as a line break and shift every line number after it).
//!
//! Records (source [`SOURCE`], [`RawTime::None`]): one [`WORKFLOW_FILE`] on the `name:` line (or
//! the first top-level key's line), one [`WORKFLOW_COMMAND`] per command on its first line; when
//! several records start on one line (a flow-style one-liner, a quoted script with `\n`
//! escapes) the first is the line's event and the others are pushed with
//! [`Sink::push_pending`] (no line counted twice). Every other line is structural. A file that
//! is not YAML: its first line is unparsed ([`REASON_BAD_YAML`]), the others structural; valid
//! YAML whose root is not a mapping: the same with [`REASON_NOT_WORKFLOW`].

use std::borrow::Cow;
use std::fmt;

use nom::{
    bytes::complete::{take_while, take_while1},
    character::complete::{char, space1},
    combinator::opt,
    sequence::{pair, tuple},
    IResult,
};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::record::{split_lines, FieldValue, LineParser, RawTime, Record, Sink};

/// Source of every record of this parser.
pub const SOURCE: &str = "workflow";

/// `workflow-file`: the workflow itself (name, triggers, concurrency, jobs).
pub const WORKFLOW_FILE: &str = "workflow-file";
/// `workflow-command`: one shell command of a step's script.
pub const WORKFLOW_COMMAND: &str = "workflow-command";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (WORKFLOW_FILE, "a CI workflow file: its name, triggers, concurrency group and jobs"),
    (
        WORKFLOW_COMMAND,
        "a shell command a workflow step runs (`run:` or an ssh action's `with: script:`), with its file \
         line and column; pm2_all = 1 for `pm2 stop|delete|restart|reload all` and `pm2 kill`",
    ),
];

/// Unparsed reason (first line of the file): the file is not valid YAML.
pub const REASON_BAD_YAML: &str = "workflow file is not valid YAML";
/// Unparsed reason (first line of the file): valid YAML, but its root is not a mapping.
pub const REASON_NOT_WORKFLOW: &str = "YAML root is not a workflow mapping";

/// File-name globs of workflow files (Gitea uses `.gitea/workflows` if it exists, else
/// `.github/workflows`; only `*.yml` and `*.yaml` count).
pub const NAME_HINTS: &[&str] = &[
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitea/workflows/*.yml",
    ".gitea/workflows/*.yaml",
];

/// Deepest YAML nesting accepted (workflows nest a few levels; the YAML crate stops earlier).
const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// A parsed workflow. Lines are 1-based lines of the text parsed, columns 1-based characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// `name:`, if set (GitHub then shows the file path instead).
    pub name: Option<String>,
    /// Line of the `name:` key, else of the first top-level key.
    pub line: u64,
    /// `on:` events in order: a string, a list, or a map's keys; a map event with a `branches`
    /// filter gives one `event:branch` entry per branch (`push:main`).
    pub triggers: Vec<String>,
    /// Workflow-level `concurrency:`.
    pub concurrency: Option<Concurrency>,
    /// `jobs:` in file order.
    pub jobs: Vec<Job>,
}

/// A `concurrency:` setting (workflow or job level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concurrency {
    /// The group, as written (may hold `${{ … }}` expressions).
    pub group: String,
    /// `cancel-in-progress:` when it is a literal boolean (`None`: absent or an expression).
    pub cancel_in_progress: Option<bool>,
    /// Line of the `concurrency:` key.
    pub line: u64,
}

/// One job of `jobs:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The job id (the key under `jobs:`).
    pub id: String,
    /// `name:`, if set.
    pub name: Option<String>,
    /// `runs-on:`: a label, or labels joined with `, ` (a `{group, labels}` map: its labels,
    /// else its group).
    pub runs_on: Option<String>,
    /// `uses:` of a job that calls a reusable workflow.
    pub uses: Option<String>,
    /// Job-level `concurrency:`.
    pub concurrency: Option<Concurrency>,
    /// `steps:` in order.
    pub steps: Vec<Step>,
    /// Line of the job id key.
    pub line: u64,
}

/// One step of a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based position in the job's `steps:` list.
    pub index: u64,
    /// `name:`, if set.
    pub name: Option<String>,
    /// `uses:`, if set.
    pub uses: Option<String>,
    /// `run:`, if set.
    pub run: Option<RunScript>,
    /// `with: script:` / `with: command:` of a `uses:` step (ssh actions such as
    /// `appleboy/ssh-action` run it on the server), with the input's name.
    pub with_script: Option<(String, RunScript)>,
    /// Line where the step's mapping starts (the `- ` line).
    pub line: u64,
}

/// A step's shell script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunScript {
    /// The script as YAML reads it.
    pub script: String,
    /// The commands, in order (see the module documentation).
    pub commands: Vec<Command>,
}

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The command text, trimmed; `\` continuations joined with one space.
    pub text: String,
    /// Line of its first character.
    pub line: u64,
    /// 1-based column (characters) of its first character.
    pub column: u64,
}

/// Why a text is not a workflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkflowError {
    /// Not valid YAML (or nested deeper than the parser accepts).
    Yaml {
        /// 1-based line of the error.
        line: u64,
        /// 1-based column (characters) of the error.
        column: u64,
        /// The YAML parser's message.
        message: String,
    },
    /// Valid YAML whose first document is not a mapping (empty, a scalar, a list).
    NotAMapping,
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkflowError::Yaml { line, column, message } => {
                write!(f, "invalid YAML at line {line} column {column}: {message}")
            }
            WorkflowError::NotAMapping => f.write_str("the YAML document is not a mapping"),
        }
    }
}

impl std::error::Error for WorkflowError {}

impl Workflow {
    /// Every command of every step (`run:` first, then `with:` scripts), in job and step order.
    pub fn commands(&self) -> impl Iterator<Item = (&Job, &Step, &Command)> {
        self.jobs.iter().flat_map(|job| {
            job.steps.iter().flat_map(move |step| {
                let run = step.run.iter().flat_map(|r| r.commands.iter());
                let with = step.with_script.iter().flat_map(|(_, r)| r.commands.iter());
                run.chain(with).map(move |c| (job, step, c))
            })
        })
    }

    /// Whether the workflow or any of its jobs sets `concurrency:`.
    pub fn has_concurrency(&self) -> bool {
        self.concurrency.is_some() || self.jobs.iter().any(|j| j.concurrency.is_some())
    }
}

impl Step {
    /// The name GitHub shows for the step: `name`, else `Run <first line of run>`, else the
    /// `uses` value, else `Step <index>`.
    pub fn display_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        if let Some(run) = &self.run {
            let first = run.script.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            return format!("Run {first}");
        }
        if let Some(uses) = &self.uses {
            return uses.clone();
        }
        format!("Step {}", self.index)
    }
}

// ---------------------------------------------------------------------------------------------
// YAML tree
// ---------------------------------------------------------------------------------------------

/// A position: 1-based line, 0-based character column (the YAML crate's convention).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Pos {
    line: u64,
    col: u64,
}

impl Pos {
    fn of(span: &Span) -> (Pos, Pos) {
        let p = |m: saphyr_parser::Marker| Pos { line: m.line() as u64, col: m.col() as u64 };
        (p(span.start), p(span.end))
    }
}

#[derive(Debug)]
struct Node {
    start: Pos,
    end: Pos,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Scalar(String, ScalarStyle),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Alias,
}

impl Node {
    /// The text of a non-null scalar.
    fn str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, ScalarStyle::Plain)
                if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL") =>
            {
                None
            }
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    fn map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The first entry whose key is `key`.
    fn get(&self, key: &str) -> Option<(&Node, &Node)> {
        self.map()?
            .iter()
            .find(|(k, _)| matches!(&k.kind, Kind::Scalar(s, _) if s == key))
            .map(|(k, v)| (k, v))
    }

    /// The scalar strings of a scalar or of a sequence of scalars.
    fn strings(&self) -> Vec<String> {
        match &self.kind {
            Kind::Seq(items) => items.iter().filter_map(Node::str).map(str::to_string).collect(),
            _ => self.str().map(str::to_string).into_iter().collect(),
        }
    }
}

/// A container being built from events.
struct Frame {
    start: Pos,
    is_map: bool,
    items: Vec<Node>,
}

fn yaml_error(e: &saphyr_parser::ScanError) -> WorkflowError {
    WorkflowError::Yaml {
        line: e.marker().line() as u64,
        column: e.marker().col() as u64 + 1,
        message: e.info().to_string(),
    }
}

/// The first document of `text` as a tree (`None`: no document or an empty one).
fn build_tree(text: &str) -> Result<Option<Node>, WorkflowError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0u32;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| yaml_error(&e))?;
        let (start, end) = Pos::of(&span);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                continue;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(WorkflowError::Yaml {
                        line: start.line,
                        column: start.col + 1,
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Frame { start, is_map, items: Vec::new() });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let kind = if frame.is_map {
                    let mut entries = Vec::with_capacity(frame.items.len() / 2);
                    let mut items = frame.items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        entries.push((k, v));
                    }
                    Kind::Map(entries)
                } else {
                    Kind::Seq(frame.items)
                };
                Node { start: frame.start, end, kind }
            }
            Event::Scalar(value, style, _, _) => {
                Node { start, end, kind: Kind::Scalar(value.into_owned(), style) }
            }
            Event::Alias(_) => Node { start, end, kind: Kind::Alias },
            _ => continue,
        };
        match stack.last_mut() {
            Some(frame) => frame.items.push(node),
            None if documents == 1 && root.is_none() => root = Some(node),
            None => {}
        }
    }
    Ok(root)
}

// ---------------------------------------------------------------------------------------------
// Workflow extraction
// ---------------------------------------------------------------------------------------------

/// The text as the parser reads it: the lines of [`split_lines`] joined with `\n`, a lone CR
/// inside a line read as a space.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in split_lines(text).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_line(&mut out, line);
    }
    out
}

fn push_line(out: &mut String, line: &str) {
    if line.contains('\r') {
        out.extend(line.chars().map(|c| if c == '\r' { ' ' } else { c }));
    } else {
        out.push_str(line);
    }
}

/// Parses a workflow file. Pure: the same text always gives the same result; never panics.
///
/// Lines count as [`split_lines`] does (LF or CRLF; a lone CR inside a line is a space).
pub fn parse_workflow(text: &str) -> Result<Workflow, WorkflowError> {
    parse_normalized(&normalize(text))
}

fn parse_normalized(text: &str) -> Result<Workflow, WorkflowError> {
    // The YAML crate is third-party code: a panic in it is a malformed file, not a crash.
    let tree = std::panic::catch_unwind(|| build_tree(text)).unwrap_or_else(|_| {
        Err(WorkflowError::Yaml { line: 1, column: 1, message: "YAML parser panicked".to_string() })
    })?;
    let Some(root) = tree else { return Err(WorkflowError::NotAMapping) };
    let Some(entries) = root.map() else { return Err(WorkflowError::NotAMapping) };
    let lines: Vec<&str> = text.split('\n').collect();
    let name_entry = root.get("name");
    let line = name_entry.map(|(k, _)| k.start.line).or_else(|| entries.first().map(|(k, _)| k.start.line));
    let triggers = root.get("on").or_else(|| root.get("true")).map(|(_, v)| triggers(v)).unwrap_or_default();
    let jobs = match root.get("jobs") {
        Some((_, jobs)) => jobs.map().unwrap_or(&[]).iter().map(|(k, v)| job(k, v, &lines)).collect(),
        None => Vec::new(),
    };
    Ok(Workflow {
        name: name_entry.and_then(|(_, v)| v.str()).map(str::to_string),
        line: line.unwrap_or(root.start.line),
        triggers,
        concurrency: root.get("concurrency").and_then(|(k, v)| concurrency(k, v)),
        jobs,
    })
}

fn triggers(node: &Node) -> Vec<String> {
    match &node.kind {
        Kind::Map(entries) => {
            let mut out = Vec::new();
            for (k, v) in entries {
                let Some(event) = k.str() else { continue };
                let branches = v.get("branches").map(|(_, b)| b.strings()).unwrap_or_default();
                if branches.is_empty() {
                    out.push(event.to_string());
                } else {
                    out.extend(branches.iter().map(|b| format!("{event}:{b}")));
                }
            }
            out
        }
        _ => node.strings(),
    }
}

fn concurrency(key: &Node, value: &Node) -> Option<Concurrency> {
    let line = key.start.line;
    if let Some(group) = value.str() {
        return Some(Concurrency { group: group.to_string(), cancel_in_progress: None, line });
    }
    let group = value.get("group").and_then(|(_, g)| g.str())?.to_string();
    let cancel_in_progress = value.get("cancel-in-progress").and_then(|(_, c)| match c.str() {
        Some("true" | "True" | "TRUE") => Some(true),
        Some("false" | "False" | "FALSE") => Some(false),
        _ => None,
    });
    Some(Concurrency { group, cancel_in_progress, line })
}

fn job(key: &Node, value: &Node, lines: &[&str]) -> Job {
    let text = |k: &str| value.get(k).and_then(|(_, v)| v.str()).map(str::to_string);
    let runs_on = value.get("runs-on").and_then(|(_, v)| {
        let labels = match v.map() {
            Some(_) => {
                v.get("labels").or_else(|| v.get("group")).map(|(_, l)| l.strings()).unwrap_or_default()
            }
            None => v.strings(),
        };
        (!labels.is_empty()).then(|| labels.join(", "))
    });
    let steps = match value.get("steps") {
        Some((_, Node { kind: Kind::Seq(items), .. })) => {
            items.iter().enumerate().map(|(i, s)| step(i as u64 + 1, s, lines)).collect()
        }
        _ => Vec::new(),
    };
    Job {
        id: key.str().unwrap_or("").to_string(),
        name: text("name"),
        runs_on,
        uses: text("uses"),
        concurrency: value.get("concurrency").and_then(|(k, v)| concurrency(k, v)),
        steps,
        line: key.start.line,
    }
}

fn step(index: u64, node: &Node, lines: &[&str]) -> Step {
    let text = |k: &str| node.get(k).and_then(|(_, v)| v.str()).map(str::to_string);
    let run = node.get("run").and_then(|(_, v)| script(v, lines));
    let with_script = node.get("with").and_then(|(_, with)| {
        ["script", "command"]
            .iter()
            .find_map(|k| with.get(k).and_then(|(_, v)| script(v, lines)).map(|s| (k.to_string(), s)))
    });
    Step { index, name: text("name"), uses: text("uses"), run, with_script, line: node.start.line }
}

// ---------------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------------

/// One script line with the position of its first non-blank character (column 1-based).
struct Piece {
    text: String,
    line: u64,
    column: u64,
}

fn script(node: &Node, lines: &[&str]) -> Option<RunScript> {
    let Kind::Scalar(value, style) = &node.kind else { return None };
    if node.str()?.trim().is_empty() {
        return None;
    }
    let pieces = match style {
        ScalarStyle::Literal => literal_pieces(value, node.start),
        ScalarStyle::Folded => folded_pieces(value, node.start, node.end, lines)
            .unwrap_or_else(|| flow_pieces(value, node, lines)),
        _ => flow_pieces(value, node, lines),
    };
    Some(RunScript { script: value.clone(), commands: commands(pieces) })
}

fn leading_ws(s: &str) -> usize {
    s.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// A literal block: value line `i` is source line `first + i`. The scalar's span starts at the
/// first non-empty content line, at the block's indentation column; the value's leading
/// newlines are the empty lines before it.
fn literal_pieces(value: &str, start: Pos) -> Vec<Piece> {
    let leading = value.bytes().take_while(|b| *b == b'\n').count() as u64;
    let first = start.line.saturating_sub(leading);
    value
        .split('\n')
        .enumerate()
        .map(|(i, l)| Piece {
            text: l.trim().to_string(),
            line: first + i as u64,
            column: start.col + leading_ws(l) as u64 + 1,
        })
        .collect()
}

/// A folded block, folded from its source lines so that each folded line keeps the position
/// of its first source line. `None` when the folding does not reproduce the YAML value
/// (then the flow-scalar placement is used).
fn folded_pieces(value: &str, start: Pos, end: Pos, lines: &[&str]) -> Option<Vec<Piece>> {
    let indent = start.col as usize;
    let mut groups: Vec<(Piece, bool)> = Vec::new(); // (piece, open normal group)
    let mut open = false;
    for line_no in start.line..=end.line {
        let Some(src) = lines.get((line_no as usize).checked_sub(1)?) else { break };
        let spaces = src.chars().take_while(|c| *c == ' ').count();
        let blank = src.trim_matches([' ', '\t']).is_empty();
        if !blank && spaces < indent {
            break; // less indented: the block has ended
        }
        if blank {
            open = false;
            continue;
        }
        let content: String = src.chars().skip(indent).collect();
        let normal = !content.starts_with([' ', '\t']);
        match groups.last_mut() {
            Some((piece, true)) if open && normal => {
                piece.text.push(' ');
                piece.text.push_str(content.trim());
            }
            _ => {
                let column = (indent + leading_ws(&content)) as u64 + 1;
                groups.push((Piece { text: content.trim().to_string(), line: line_no, column }, normal));
            }
        }
        open = normal;
    }
    let ours = groups.iter().map(|(p, _)| p.text.as_str());
    let yaml = value.split('\n').map(str::trim).filter(|l| !l.is_empty());
    ours.eq(yaml).then(|| groups.into_iter().map(|(p, _)| p).collect())
}

/// A plain or quoted scalar: the first line at the scalar's first character, each later line
/// where its text (else its first word) is next found in the scalar's source lines, else on
/// the previous line's position.
fn flow_pieces(value: &str, node: &Node, lines: &[&str]) -> Vec<Piece> {
    let quote = u64::from(!matches!(&node.kind, Kind::Scalar(_, ScalarStyle::Plain)));
    let mut pieces = Vec::new();
    let mut at = (node.start.line, node.start.col + quote + 1);
    for (i, l) in value.split('\n').enumerate() {
        let text = l.trim();
        if i == 0 {
            at.1 += leading_ws(l) as u64;
        } else if !text.is_empty() {
            let word = text.split([' ', '\t']).next().unwrap_or(text);
            if let Some(found) = find_from(lines, at, node.end.line, text)
                .or_else(|| find_from(lines, at, node.end.line, word))
            {
                at = found;
            }
        }
        pieces.push(Piece { text: text.to_string(), line: at.0, column: at.1 });
    }
    pieces
}

/// The first position after `from` (line, 1-based column) where `needle` occurs, on lines up
/// to `last`.
fn find_from(lines: &[&str], from: (u64, u64), last: u64, needle: &str) -> Option<(u64, u64)> {
    if needle.is_empty() {
        return None;
    }
    for line_no in from.0..=last {
        let src = lines.get((line_no as usize).checked_sub(1)?)?;
        // Characters to skip on the first line: up to and including the previous match start.
        let skip = if line_no == from.0 { from.1 as usize } else { 0 };
        let byte = src.char_indices().nth(skip).map_or(src.len(), |(b, _)| b);
        if let Some(found) = src[byte..].find(needle) {
            let column = src[..byte + found].chars().count() as u64 + 1;
            return Some((line_no, column));
        }
    }
    None
}

/// Script lines → commands: blank and `#` lines skipped, `\` continuations joined.
fn commands(pieces: Vec<Piece>) -> Vec<Command> {
    let mut out = Vec::new();
    let mut current: Option<Command> = None;
    for piece in pieces {
        let text = piece.text.as_str();
        if let Some(cmd) = current.as_mut() {
            if text.is_empty() {
                out.extend(current.take());
                continue;
            }
            let (body, more) = strip_continuation(text);
            if !body.is_empty() {
                if !cmd.text.is_empty() {
                    cmd.text.push(' ');
                }
                cmd.text.push_str(body);
            }
            if !more {
                out.extend(current.take());
            }
            continue;
        }
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (body, more) = strip_continuation(text);
        let cmd = Command { text: body.to_string(), line: piece.line, column: piece.column };
        if more {
            current = Some(cmd);
        } else {
            out.push(cmd);
        }
    }
    out.extend(current);
    out.retain(|c| !c.text.is_empty());
    out
}

/// The commands of a shell script read on its own (a `deploy.sh`), by the same rules as a
/// literal `run: |` block: blank and `#` lines skipped, `\` continuations joined; lines and
/// 1-based columns are those of `text` (used by `postmortem lint`).
pub fn script_commands(text: &str) -> Vec<Command> {
    let pieces = split_lines(text)
        .enumerate()
        .map(|(i, l)| Piece {
            text: l.trim().to_string(),
            line: i as u64 + 1,
            column: leading_ws(l) as u64 + 1,
        })
        .collect();
    commands(pieces)
}

/// A line without its continuation backslash (an odd number of trailing `\`), and whether it
/// had one.
fn strip_continuation(text: &str) -> (&str, bool) {
    let slashes = text.bytes().rev().take_while(|b| *b == b'\\').count();
    if slashes % 2 == 1 {
        (text[..text.len() - 1].trim_end(), true)
    } else {
        (text, false)
    }
}

// ---------------------------------------------------------------------------------------------
// pm2 "all" commands
// ---------------------------------------------------------------------------------------------

pub use crate::command::is_pm2_all;

// ---------------------------------------------------------------------------------------------
// Sniffing
// ---------------------------------------------------------------------------------------------

/// A block-mapping key line: indentation (spaces), an optional `- `, the key, `:`, then a
/// space or the end of the line.
fn key_line(line: &str) -> IResult<&str, (usize, &str)> {
    let (rest, (indent, _, key, _)) = tuple((
        take_while(|c| c == ' '),
        opt(pair(char('-'), space1)),
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        char(':'),
    ))(line)?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Ok((rest, (indent.len(), key)))
    } else {
        Err(nom::Err::Error(nom::error::Error::new(rest, nom::error::ErrorKind::Char)))
    }
}

/// True for an indented `runs-on:` key line, which only CI workflows write. A top-level `on:`
/// or `jobs:` line alone is too weak a signature; see [`sniff_text`].
pub fn sniff_line(line: &str) -> bool {
    matches!(key_line(line), Ok((_, (indent, "runs-on")))  if indent > 0)
}

/// True when the head of a file has a top-level `jobs:` line (nothing after the colon but a
/// comment) and an indented `runs-on:` or `steps:` key.
pub fn sniff_text(head: &str) -> bool {
    let mut jobs = false;
    let mut inner = false;
    for line in split_lines(head) {
        match key_line(line) {
            Ok((rest, (0, "jobs"))) if rest.trim_start().is_empty() || rest.trim_start().starts_with('#') => {
                jobs = true
            }
            Ok((_, (indent, "runs-on" | "steps"))) if indent > 0 => inner = true,
            _ => {}
        }
    }
    jobs && inner
}

// ---------------------------------------------------------------------------------------------
// Line parser
// ---------------------------------------------------------------------------------------------

/// Line parser for a workflow file. It buffers the lines it is fed (owned, so windows may be
/// cut anywhere) and decides them all in [`LineParser::finish`]: a document format accounts its
/// lines at finish. `parse_line` accounts nothing; `finish` makes exactly one decision per
/// line fed (see the module documentation for which).
#[derive(Debug, Default)]
pub struct WorkflowFileParser {
    /// File name of the workflow (`deploy.yml`), from [`WorkflowFileParser::for_path`].
    file: Option<String>,
    /// The lines fed, joined with `\n`.
    buf: String,
    /// The line number of each line fed.
    line_nos: Vec<u64>,
}

impl WorkflowFileParser {
    /// A parser for the workflow file at `path` (`/`-separated); its file name (`deploy.yml`,
    /// what Gitea calls the workflow id) goes into the records' `file` field.
    pub fn for_path(path: &str) -> Self {
        let name = path.rsplit('/').next().unwrap_or(path);
        WorkflowFileParser { file: (!name.is_empty()).then(|| name.to_string()), ..Default::default() }
    }

    fn records(&self, wf: &Workflow) -> Vec<(u64, Record<'static>)> {
        let file_line = |l: u64| (l as usize).checked_sub(1).and_then(|i| self.line_nos.get(i)).copied();
        let title = wf.name.clone().or_else(|| self.file.clone());
        let mut out = Vec::new();
        if let Some(line) = file_line(wf.line) {
            let mut r =
                Record::new(line, RawTime::None, SOURCE, WORKFLOW_FILE, title.clone().unwrap_or_default());
            if let Some(t) = &title {
                r.push_field("workflow", t.clone());
            }
            if let Some(f) = &self.file {
                r.push_field("file", f.clone());
            }
            r.push_field("triggers", list(&wf.triggers));
            let group =
                wf.concurrency.as_ref().or_else(|| wf.jobs.iter().find_map(|j| j.concurrency.as_ref()));
            if let Some(c) = group {
                r.push_field("concurrency_group", c.group.clone());
                if let Some(cancel) = c.cancel_in_progress {
                    r.push_field("cancel_in_progress", i64::from(cancel));
                }
            }
            r.push_field("jobs", list(&wf.jobs.iter().map(|j| j.id.clone()).collect::<Vec<_>>()));
            r.push_field("has_concurrency", i64::from(wf.has_concurrency()));
            out.push((line, r));
        }
        for job in &wf.jobs {
            for step in &job.steps {
                let display = step.display_name();
                let run = step.run.iter().map(|r| (None, r));
                let with = step.with_script.iter().map(|(k, r)| (Some(k.as_str()), r));
                for (input, script) in run.chain(with) {
                    for cmd in &script.commands {
                        let Some(line) = file_line(cmd.line) else { continue };
                        let mut r =
                            Record::new(line, RawTime::None, SOURCE, WORKFLOW_COMMAND, cmd.text.clone());
                        if let Some(t) = &title {
                            r.push_field("workflow", t.clone());
                        }
                        if let Some(f) = &self.file {
                            r.push_field("file", f.clone());
                        }
                        r.push_field("job", job.id.clone());
                        r.push_field("step", display.clone());
                        r.push_field("step_index", step.index as i64);
                        r.push_field("command", cmd.text.clone());
                        r.push_field("line_no", line as i64);
                        r.push_field("column", cmd.column as i64);
                        if let Some(input) = input {
                            r.push_field("input", input.to_string());
                        }
                        if is_pm2_all(&cmd.text) {
                            r.push_field("pm2_all", 1i64);
                        }
                        out.push((line, r));
                    }
                }
            }
        }
        out.sort_by_key(|(line, _)| *line); // stable: the file record first on a shared line
        out
    }
}

fn list(items: &[String]) -> FieldValue<'static> {
    FieldValue::List(items.iter().map(|s| Cow::Owned(s.clone())).collect())
}

impl LineParser for WorkflowFileParser {
    /// Buffers the line; no decision is made until [`LineParser::finish`].
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, _sink: &mut Sink<'a>) {
        if !self.line_nos.is_empty() {
            self.buf.push('\n');
        }
        push_line(&mut self.buf, text);
        self.line_nos.push(line_no);
    }

    /// Parses the buffered document and accounts every line fed: command and workflow lines are
    /// events, the others structural; an invalid file's first line is unparsed.
    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        if self.line_nos.is_empty() {
            return;
        }
        let (records, failure) = match parse_normalized(&self.buf) {
            Ok(wf) => (self.records(&wf), None),
            Err(WorkflowError::Yaml { .. }) => (Vec::new(), Some(REASON_BAD_YAML)),
            Err(WorkflowError::NotAMapping) => (Vec::new(), Some(REASON_NOT_WORKFLOW)),
        };
        let mut records = records.into_iter().peekable();
        for (i, &line_no) in self.line_nos.iter().enumerate() {
            let mut any = false;
            while let Some((_, record)) = records.next_if(|(l, _)| *l == line_no) {
                if any {
                    sink.push_pending(record);
                } else {
                    sink.event(record);
                    any = true;
                }
            }
            match failure {
                _ if any => {}
                Some(reason) if i == 0 => sink.unparsed(line_no, reason),
                _ => sink.structural(),
            }
        }
        self.buf.clear();
        self.line_nos.clear();
    }
}
