//! PM2 process-list snapshots as JSON: `pm2 jlist` output and `~/.pm2/dump.pm2` /
//! `dump.pm2.bak`.
//!
//! ```text
//! document  = *(outside) json-value *(outside / json-value)
//! outside   = blank / "[PM2]" text                  ; structural (CLI banners:
//!                                                   ; `[PM2] Spawning PM2 daemon with pm2_home=…`,
//!                                                   ; `[PM2] PM2 Successfully daemonized`)
//!           / text                                  ; unparsed (REASON_NOT_JSON)
//! json-value= [prefix] "[" JSON-rest                ; from the first "[" followed by "{", "]"
//!                                                   ; or the line end (then alone on its line)
//!           / *WSP "{" JSON-rest                    ; one element (`jq '.[0]'`)
//! jlist-elt = {"pid", "name", "pm2_env": {…}, "pm_id", "monit": {"memory", "cpu"}}
//! dump-elt  = {…pm2_env keys…, "pm_exec_path", …}   ; no pm_id, no instances, no pid/monit
//! ```
//!
//! `pm2 jlist` is `JSON.stringify` of the list on one line (no final newline), possibly after
//! the CLI's daemon-spawn lines; `dump.pm2` is the `pm2_env` objects, pretty-printed; a
//! `pm2 jlist | jq .` file is pretty-printed too. All are read.
//!
//! # A document format: lines are accounted at `finish`
//!
//! Whether a line belongs to valid JSON is only known once the document has been read, so
//! [`Pm2SnapshotParser`] copies the lines it is fed and makes every line's decision in
//! [`LineParser::finish`] (into the sink given to `finish`, so the counts of the earlier sinks
//! are zero). Per JSON value:
//!
//! * the line where a process element starts is [`Sink::event_pending`], once per line, and the
//!   records are pushed with [`Sink::push_pending`]: a one-line `pm2 jlist` is **one event line
//!   giving one record per process** (all with that line number); in pretty-printed JSON each
//!   record has the line of its element's `{`;
//! * the JSON's lines before the first element (`[` alone) are structural, its other lines are
//!   [`Sink::continuation_dropped`] (their content is in the records' fields);
//! * an empty list `[]` is structural; a value holding no process element is unparsed
//!   ([`REASON_NOT_PROCESS_LIST`]);
//! * malformed (or cut) JSON: that line and every line after it are unparsed
//!   ([`REASON_BAD_JSON`], or [`REASON_PRETTYLIST`] for `pm2 prettylist`'s `util.inspect`
//!   output, which is not JSON).
//!
//! # Records
//!
//! One `snapshot-process` record per process (source `pm2`): `process` = name, `pm_id` (as text;
//! a dump has none), `pid` (absent when `0` or missing), `user` = `pm2_env.username`, message
//! `api (0) online, ↺ 3`. Fields, in this order, each only when present: `status`,
//! `restart_time`, `unstable_restarts`, `pm_uptime` (ms since the epoch, UTC), `created_at` (ms;
//! absent when `null`, as after an errored crash loop), `exit_code` (only after a first exit),
//! `exec_mode`, `instances`, `pm_cwd`, `pm_exec_path`, `memory` (bytes), `cpu` (text, `"0.3"`),
//! `max_memory_restart` (bytes), `namespace`, `version` (the app's package.json version),
//! `module` (1 for a PM2 module such as pm2-logrotate), `snapshot` (`"jlist"` or `"dump"`).
//! Numbers are Int (a JSON float is truncated; a digit string is read).
//!
//! # Time
//!
//! A snapshot says nothing about when it was taken: records are [`RawTime::None`] (the
//! integrator dates them from the manifest or the file's mtime). When the file name carries a
//! `-YYYYMMDD-HHMMSS.` stamp (`pm2-incident-20260217-143500.json`, as the runbook's
//! `pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json` writes), [`Pm2SnapshotParser::for_path`]
//! keeps it and every record gets [`RawTime::Local`] with that wall time (`date` prints local
//! time; no file offset).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use nom::{
    bytes::complete::take_while_m_n,
    character::complete::char,
    combinator::map_res,
    sequence::{terminated, tuple},
    IResult,
};
use serde_json::{Map, Value};

use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};

/// Source of snapshot records.
pub const SOURCE: &str = "pm2";
/// `snapshot-process`: one process of a PM2 process-list snapshot.
pub const SNAPSHOT_PROCESS: &str = "snapshot-process";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[(
    SNAPSHOT_PROCESS,
    "One process of a PM2 process-list snapshot (`pm2 jlist`, dump.pm2; `pm2 list` tables in \
     pm2_table): fields status, restart_time, unstable_restarts, pm_uptime, created_at, exit_code, \
     exec_mode, instances, pm_cwd, pm_exec_path, memory, cpu, max_memory_restart, namespace, \
     version, module, snapshot (jlist | dump | list)",
)];

/// Unparsed reason: the JSON could not be read (malformed or cut short).
pub const REASON_BAD_JSON: &str = "malformed pm2 jlist/dump JSON";
/// Unparsed reason: `pm2 prettylist` output (`util.inspect`, not JSON).
pub const REASON_PRETTYLIST: &str = "pm2 prettylist output (util.inspect, not JSON)";
/// Unparsed reason: valid JSON that holds no PM2 process.
pub const REASON_NOT_PROCESS_LIST: &str = "JSON value is not a pm2 process list";
/// Unparsed reason: a line outside the JSON that is neither blank nor a `[PM2]` CLI line.
pub const REASON_NOT_JSON: &str = "text outside the pm2 jlist/dump JSON";

/// File-name globs of JSON snapshots.
pub const NAME_HINTS: &[&str] =
    &["pm2-incident-*.json", "pm2-jlist*.json", "jlist*.json", "*-jlist.json", "dump.pm2", "dump.pm2.bak"];

/// One process of a snapshot (owned: usable by anyone holding a jlist text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotProcess {
    /// App name.
    pub name: Option<String>,
    /// pm_id as text (dump.pm2 has none).
    pub pm_id: Option<String>,
    /// OS pid (absent when 0 or missing).
    pub pid: Option<u64>,
    /// `pm2_env.username`.
    pub user: Option<String>,
    /// `pm2_env.status`.
    pub status: Option<String>,
    /// `pm2_env.restart_time`.
    pub restart_time: Option<i64>,
    /// `pm2_env.unstable_restarts`.
    pub unstable_restarts: Option<i64>,
    /// `pm2_env.pm_uptime`, ms since the epoch (UTC).
    pub pm_uptime: Option<i64>,
    /// `pm2_env.created_at`, ms since the epoch (absent when null).
    pub created_at: Option<i64>,
    /// `pm2_env.exit_code` (present only after a first exit).
    pub exit_code: Option<i64>,
    /// `pm2_env.exec_mode` (`fork_mode`, `cluster_mode`).
    pub exec_mode: Option<String>,
    /// `pm2_env.instances`.
    pub instances: Option<i64>,
    /// `pm2_env.pm_cwd`.
    pub pm_cwd: Option<String>,
    /// `pm2_env.pm_exec_path`.
    pub pm_exec_path: Option<String>,
    /// `monit.memory`, bytes.
    pub memory: Option<i64>,
    /// `monit.cpu` as text (`"0.3"`).
    pub cpu: Option<String>,
    /// `pm2_env.max_memory_restart`, bytes.
    pub max_memory_restart: Option<i64>,
    /// `pm2_env.namespace`.
    pub namespace: Option<String>,
    /// `pm2_env.version` (the app's package.json version).
    pub version: Option<String>,
    /// `pm2_env.pmx_module`: a PM2 module (pm2-logrotate).
    pub module: bool,
    /// `"jlist"` (element with `pm2_env`) or `"dump"` (a bare `pm2_env`).
    pub snapshot: &'static str,
}

impl SnapshotProcess {
    /// The `snapshot-process` record of this process, at `line` with `time`.
    pub fn record(&self, line: u64, time: RawTime) -> Record<'static> {
        let message = process_message(
            self.name.as_deref(),
            self.pm_id.as_deref(),
            self.status.as_deref(),
            self.restart_time,
        );
        let mut rec = Record::new(line, time, SOURCE, SNAPSHOT_PROCESS, message);
        let text = |v: &Option<String>| v.clone().map(|s| FieldValue::Str(Cow::Owned(s)));
        rec.process = self.name.clone().map(Cow::Owned);
        rec.pm_id = self.pm_id.clone().map(Cow::Owned);
        rec.pid = self.pid;
        rec.user = self.user.clone().map(Cow::Owned);
        let fields: [(&'static str, Option<FieldValue<'static>>); 17] = [
            ("status", text(&self.status)),
            ("restart_time", self.restart_time.map(FieldValue::Int)),
            ("unstable_restarts", self.unstable_restarts.map(FieldValue::Int)),
            ("pm_uptime", self.pm_uptime.map(FieldValue::Int)),
            ("created_at", self.created_at.map(FieldValue::Int)),
            ("exit_code", self.exit_code.map(FieldValue::Int)),
            ("exec_mode", text(&self.exec_mode)),
            ("instances", self.instances.map(FieldValue::Int)),
            ("pm_cwd", text(&self.pm_cwd)),
            ("pm_exec_path", text(&self.pm_exec_path)),
            ("memory", self.memory.map(FieldValue::Int)),
            ("cpu", text(&self.cpu)),
            ("max_memory_restart", self.max_memory_restart.map(FieldValue::Int)),
            ("namespace", text(&self.namespace)),
            ("version", text(&self.version)),
            ("module", self.module.then_some(FieldValue::Int(1))),
            ("snapshot", Some(FieldValue::from(self.snapshot))),
        ];
        rec.fields.extend(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        rec
    }

    /// A process from one JSON array element: a jlist element (with `pm2_env`) or a dump.pm2
    /// element (a bare `pm2_env`, recognised by its `pm_exec_path`). `None` for anything else.
    pub fn from_json(value: &Value) -> Option<SnapshotProcess> {
        let top = value.as_object()?;
        let (env, snapshot) = match top.get("pm2_env").and_then(Value::as_object) {
            Some(env) => (env, "jlist"),
            None if top.contains_key("pm_exec_path") => (top, "dump"),
            None => return None,
        };
        let monit = top.get("monit").and_then(Value::as_object);
        let either = |k: &str| top.get(k).filter(|v| !v.is_null()).or_else(|| env.get(k));
        Some(SnapshotProcess {
            name: either("name").and_then(json_text),
            pm_id: either("pm_id").and_then(json_text),
            pid: top.get("pid").and_then(json_int).and_then(|p| u64::try_from(p).ok()).filter(|&p| p != 0),
            user: env_text(env, "username"),
            status: env_text(env, "status"),
            restart_time: env_int(env, "restart_time"),
            unstable_restarts: env_int(env, "unstable_restarts"),
            pm_uptime: env_int(env, "pm_uptime"),
            created_at: env_int(env, "created_at"),
            exit_code: env_int(env, "exit_code"),
            exec_mode: env_text(env, "exec_mode"),
            instances: env_int(env, "instances"),
            pm_cwd: env_text(env, "pm_cwd"),
            pm_exec_path: env_text(env, "pm_exec_path"),
            memory: monit.and_then(|m| m.get("memory")).and_then(json_int),
            cpu: monit.and_then(|m| m.get("cpu")).and_then(json_text),
            max_memory_restart: env_int(env, "max_memory_restart"),
            namespace: env_text(env, "namespace"),
            version: env_text(env, "version"),
            module: matches!(env.get("pmx_module"), Some(Value::Bool(true))),
            snapshot,
        })
    }
}

/// `api (0) online, ↺ 3`: the message of a snapshot record (parts absent when unknown).
pub(crate) fn process_message(
    name: Option<&str>,
    pm_id: Option<&str>,
    status: Option<&str>,
    restarts: Option<i64>,
) -> String {
    let mut m = String::from(name.unwrap_or("?"));
    if let Some(id) = pm_id {
        m.push_str(" (");
        m.push_str(id);
        m.push(')');
    }
    if let Some(s) = status {
        m.push(' ');
        m.push_str(s);
    }
    if let Some(n) = restarts {
        m.push_str(&format!(", ↺ {n}"));
    }
    m
}

fn env_text(env: &Map<String, Value>, key: &str) -> Option<String> {
    env.get(key).and_then(Value::as_str).map(str::to_string)
}

fn env_int(env: &Map<String, Value>, key: &str) -> Option<i64> {
    env.get(key).and_then(json_int)
}

/// A whole number: a JSON integer, a float (truncated), or a string of digits.
fn json_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 9.2e18).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A string, or a number as JSON writes it.
fn json_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// File-name time

/// `-YYYYMMDD-HHMMSS.` → the wall time.
fn name_stamp(input: &str) -> IResult<&str, NaiveDateTime> {
    let digits = |n: usize| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    let (rest, (_, d, _, t)) = terminated(
        tuple((
            char('-'),
            map_res(digits(8), |s: &str| NaiveDate::parse_from_str(s, "%Y%m%d")),
            char('-'),
            map_res(digits(6), |s: &str| chrono::NaiveTime::parse_from_str(s, "%H%M%S")),
        )),
        char('.'),
    )(input)?;
    Ok((rest, d.and_time(t)))
}

/// The local wall time written in a snapshot's file name as `…-YYYYMMDD-HHMMSS.<ext>`
/// (`pm2-incident-20260217-143500.json` → 2026-02-17 14:35:00), the last such stamp of the
/// name (directories are ignored). `None` when the name has none or it is not a real time.
pub fn snapshot_time_from_name(path: &str) -> Option<NaiveDateTime> {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.match_indices('-').filter_map(|(i, _)| name_stamp(&base[i..]).ok().map(|(_, t)| t)).next_back()
}

// ---------------------------------------------------------------------------------------
// Sniffing

/// True when `line` is a strong signature of a PM2 JSON snapshot: a one-line `pm2 jlist`
/// (`[{"pid":`, `[{"pm2_env"`, or a `[{"`/`{"` line holding `"pm2_env":{`), a compact dump
/// (`[{"` with `"pm_exec_path"`), or the `"pm2_env": {` / `"pm_exec_path": "` key line of
/// pretty-printed JSON.
pub fn sniff_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("[{\"pid\":") || t.starts_with("[{\"pm2_env\"") {
        return true;
    }
    if (t.starts_with("[{\"") || t.starts_with("{\"")) && t.contains("\"pm2_env\":{") {
        return true;
    }
    if t.starts_with("[{\"") && t.contains("\"pm_exec_path\"") {
        return true;
    }
    t.starts_with("\"pm2_env\": {") || t.starts_with("\"pm_exec_path\": \"")
}

// ---------------------------------------------------------------------------------------
// The document

/// What a buffered line turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Event,
    Continuation,
    Structural,
    Unparsed(&'static str),
}

/// Lines decided, and the processes found with the index of the line they start on.
struct Document {
    decisions: Vec<Decision>,
    processes: Vec<(usize, SnapshotProcess)>,
    /// A JSON value was read (even an empty list).
    found_json: bool,
    /// Malformed JSON was met.
    bad_json: bool,
}

/// Decides every line of a document (see the module doc).
fn read_document<S: AsRef<str>>(lines: &[S]) -> Document {
    let mut doc = String::new();
    let mut starts = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            doc.push('\n');
        }
        starts.push(doc.len());
        doc.push_str(l.as_ref());
    }
    let line_of = |off: usize| starts.partition_point(|&s| s <= off).saturating_sub(1);
    let mut out = Document {
        decisions: vec![Decision::Structural; lines.len()],
        processes: Vec::new(),
        found_json: false,
        bad_json: false,
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].as_ref();
        let Some(col) = json_start(line) else {
            out.decisions[i] = outside(line);
            i += 1;
            continue;
        };
        let off = starts[i] + col;
        let Some((value, len)) = parse_value(&doc[off..]) else {
            let reason = if lines[i..].iter().any(|l| prettylist_line(l.as_ref())) {
                REASON_PRETTYLIST
            } else {
                REASON_BAD_JSON
            };
            out.bad_json = true;
            for d in &mut out.decisions[i..] {
                *d = Decision::Unparsed(reason);
            }
            break;
        };
        out.found_json = true;
        let last = line_of(off + len.saturating_sub(1)).max(i);
        let elements: Vec<(usize, &Value)> = match &value {
            Value::Array(items) => {
                let offsets = element_offsets(&doc[off..off + len]);
                items.iter().filter(|v| v.is_object()).zip(offsets).map(|(v, o)| (off + o, v)).collect()
            }
            Value::Object(_) => vec![(off, &value)],
            _ => Vec::new(),
        };
        let empty = matches!(&value, Value::Array(items) if items.is_empty());
        let found: Vec<(usize, SnapshotProcess)> = elements
            .into_iter()
            .filter_map(|(o, v)| SnapshotProcess::from_json(v).map(|p| (line_of(o).clamp(i, last), p)))
            .collect();
        if found.is_empty() {
            let d = if empty { Decision::Structural } else { Decision::Unparsed(REASON_NOT_PROCESS_LIST) };
            for slot in &mut out.decisions[i..=last] {
                *slot = d;
            }
        } else {
            let first = found[0].0;
            for (k, slot) in out.decisions[i..=last].iter_mut().enumerate() {
                *slot = if i + k < first { Decision::Structural } else { Decision::Continuation };
            }
            for (l, _) in &found {
                out.decisions[*l] = Decision::Event;
            }
            out.processes.extend(found);
        }
        i = last + 1;
    }
    out
}

/// A line outside any JSON value: blank and `[PM2]` lines are structural.
fn outside(line: &str) -> Decision {
    let t = line.trim();
    if t.is_empty() || t.starts_with("[PM2]") {
        Decision::Structural
    } else {
        Decision::Unparsed(REASON_NOT_JSON)
    }
}

/// Byte column where a JSON value starts on this line, if one does: `{` as the first
/// non-blank character, or the first `[` followed by `{`, `]`, or (alone on the line) nothing.
fn json_start(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    if t.starts_with('{') {
        return Some(lead);
    }
    if t.starts_with("[PM2]") {
        return None;
    }
    for (i, _) in line.match_indices('[') {
        let after = line[i + 1..].trim_start();
        if after.starts_with('{') || after.starts_with(']') || (after.is_empty() && i == lead) {
            return Some(i);
        }
    }
    None
}

/// The first JSON value of `text` and its length in bytes.
fn parse_value(text: &str) -> Option<(Value, usize)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Some((v, stream.byte_offset())),
        _ => None,
    }
}

/// Byte offsets of the objects directly inside the (valid) JSON array `json`.
fn element_offsets(json: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in json.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if depth == 1 && b == b'{' {
                    out.push(i);
                }
                depth += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// A line of `util.inspect` output of a PM2 process (`pm2 prettylist`).
fn prettylist_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("pm2_env: {") || t.starts_with("pm_exec_path: '") || t.starts_with("pm_id: ")
}

/// The processes of the first JSON snapshot in `text` (`pm2 jlist` output, daemon-spawn lines
/// before it allowed; a dump.pm2; pretty-printed JSON). `None` when `text` holds no JSON value
/// or malformed JSON; `Some(vec![])` for an empty list.
pub fn jlist_processes(text: &str) -> Option<Vec<SnapshotProcess>> {
    let lines: Vec<&str> = crate::record::split_lines(text).collect();
    let doc = read_document(&lines);
    if doc.bad_json && doc.processes.is_empty() || !doc.found_json {
        return None;
    }
    Some(doc.processes.into_iter().map(|(_, p)| p).collect())
}

// ---------------------------------------------------------------------------------------
// The parser

/// Parser for `pm2 jlist` output and dump.pm2 files: a document format (see the module doc:
/// its lines are accounted at [`LineParser::finish`]).
#[derive(Debug, Default)]
pub struct Pm2SnapshotParser {
    /// The lines fed so far, with their line numbers.
    lines: Vec<(u64, String)>,
    /// Wall time written in the file name.
    name_time: Option<NaiveDateTime>,
}

impl Pm2SnapshotParser {
    /// A parser for the file at `path`: a `-YYYYMMDD-HHMMSS.` stamp in its name
    /// ([`snapshot_time_from_name`]) becomes every record's [`RawTime::Local`] time.
    pub fn for_path(path: &str) -> Self {
        Pm2SnapshotParser { lines: Vec::new(), name_time: snapshot_time_from_name(path) }
    }
}

impl LineParser for Pm2SnapshotParser {
    /// Keeps the line; decides nothing yet (a document format).
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        let _ = sink;
        self.lines.push((line_no, text.to_string()));
    }

    /// Decides every line fed and pushes the records.
    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        let lines = std::mem::take(&mut self.lines);
        let texts: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
        let doc = read_document(&texts);
        for ((line_no, _), d) in lines.iter().zip(&doc.decisions) {
            match d {
                Decision::Event => sink.event_pending(),
                Decision::Continuation => sink.continuation_dropped(),
                Decision::Structural => sink.structural(),
                Decision::Unparsed(reason) => sink.unparsed(*line_no, reason),
            }
        }
        let time = self.name_time.map_or(RawTime::None, |local| RawTime::Local { local, file_offset: None });
        for (idx, p) in doc.processes {
            let line_no = lines.get(idx).map_or(0, |(n, _)| *n);
            sink.push_pending(p.record(line_no, time));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_starts() {
        assert_eq!(json_start(r#"[{"pid":1}]"#), Some(0));
        assert_eq!(json_start("["), Some(0));
        assert_eq!(json_start("  {"), Some(2));
        assert_eq!(json_start("[PM2] Spawning PM2 daemon with pm2_home=/root/.pm2"), None);
        assert_eq!(json_start("[PM2] Applying action deleteProcessId on app [all](ids: [ 0, 2 ])"), None);
        assert_eq!(json_start("$ pm2 jlist [{\"pid\":1}]"), Some(12));
        assert_eq!(json_start("x ["), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(element_offsets(r#"[{"a":"}{"},{"b":[{}]}]"#), [1, 12]);
        assert_eq!(element_offsets("[\n  {\n  }\n]"), [4]);
    }

    #[test]
    fn stamps() {
        let t = snapshot_time_from_name("/tmp/pm2-incident-20260217-143500.json").unwrap();
        assert_eq!(t.to_string(), "2026-02-17 14:35:00");
        assert!(snapshot_time_from_name("pm2-incident-20260230-143500.json").is_none());
        assert!(snapshot_time_from_name("pm2-incident-20260217-143500").is_none());
    }

    #[test]
    fn trailing_text_after_value() {
        let (v, n) = parse_value("[1]abc").unwrap();
        assert_eq!((v, n), (serde_json::json!([1]), 3));
    }
}
