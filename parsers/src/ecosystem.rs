//! PM2 ecosystem files (`ecosystem.config.{js,cjs,mjs}`, JSON), read without running
//! JavaScript: a tolerant scanner for the object literals of `module.exports = { apps: [...] }`,
//! `export default {...}`, JSON `{"apps": [...]}` or a bare array. Each app's name, script,
//! cwd, exec_mode, instances and max_memory_restart (bytes, 1024-based like PM2). Reference:
//! pm2.md §4.
//!
//! As evidence it is a *document* format: [`EcosystemParser`] buffers the file's lines and
//! decides them in `finish`: one `ecosystem-app` event (undated) per app, on the line where its
//! name is written; every other line structural. A file without an `apps` array: its first
//! line is unparsed ([`REASON_NO_APPS`]), the rest structural.

use std::borrow::Cow;

use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};

/// Source of ecosystem records (PM2 configuration).
pub const SOURCE: &str = "pm2";
/// `ecosystem-app`: one app declared in an ecosystem file.
pub const ECOSYSTEM_APP: &str = "ecosystem-app";
/// The kinds of this module.
pub const KINDS: &[(&str, &str)] = &[(
    ECOSYSTEM_APP,
    "an app declared in an ecosystem file: name, script, cwd, exec_mode, instances, max_memory_restart (bytes)",
)];
/// Unparsed reason: the file holds no `apps` array postmortem can read.
pub const REASON_NO_APPS: &str = "no readable `apps` array in this ecosystem file";
/// File names of ecosystem files.
pub const NAME_HINTS: &[&str] = &[
    "ecosystem*.config.js",
    "ecosystem*.config.cjs",
    "ecosystem*.config.mjs",
    "ecosystem*.config.json",
    "ecosystem*.json",
    "processes.json",
];

/// One entry of an ecosystem file's `apps` array: the keys postmortem uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemApp {
    /// `name`, or PM2's default: the script's base name without its extension.
    pub name: String,
    /// `script` (alias `exec`).
    pub script: Option<String>,
    pub cwd: Option<String>,
    /// `fork` or `cluster` (a `_mode` suffix removed); other values as written.
    pub exec_mode: Option<String>,
    pub instances: Option<Instances>,
    /// `max_memory_restart` in bytes: `^\d+(G|M|K)?$` read 1024-based like PM2, or a plain
    /// number of bytes. Anything else (an expression, `1GB`) is `None`.
    pub max_memory_restart: Option<u64>,
}

/// `instances` as PM2 reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instances {
    /// A fixed number of instances.
    Count(u32),
    /// `'max'` or `0`: one per CPU.
    Max,
    /// `-n`: the CPU count minus n.
    MaxMinus(u32),
}

impl Instances {
    /// Reads the text form of [`EcosystemApp::record`]'s `instances` field (`4`, `max`, `-1`).
    pub fn parse(text: &str) -> Option<Instances> {
        match text.trim() {
            "max" | "0" => Some(Instances::Max),
            t => match t.strip_prefix('-') {
                Some(n) => n.parse().ok().map(Instances::MaxMinus),
                None => t.parse().ok().map(Instances::Count),
            },
        }
    }
}

/// The apps of an ecosystem file, in file order, one per name (`None`: no `apps` array).
pub fn parse_apps(text: &str) -> Option<Vec<EcosystemApp>> {
    let entries = scan::find_apps(text)?;
    let mut apps: Vec<EcosystemApp> = Vec::new();
    for entry in &entries {
        if let Some(app) = ecosystem_app(entry) {
            if !apps.iter().any(|a| a.name == app.name) {
                apps.push(app);
            }
        }
    }
    Some(apps)
}

/// Parser for an ecosystem file given as evidence (see the module doc).
#[derive(Debug, Default)]
pub struct EcosystemParser {
    /// The lines fed so far (a document is decided at the end).
    lines: Vec<String>,
}

impl EcosystemParser {
    /// A parser for the file at `path` (the path says nothing more than the content).
    pub fn for_path(_path: &str) -> Self {
        EcosystemParser::default()
    }
}

impl LineParser for EcosystemParser {
    fn parse_line<'a>(&mut self, _line_no: u64, text: &'a str, _sink: &mut Sink<'a>) {
        self.lines.push(text.to_string());
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        let lines = std::mem::take(&mut self.lines);
        if lines.is_empty() {
            return;
        }
        let text = lines.join("\n");
        let Some(apps) = parse_apps(&text) else {
            sink.unparsed(1, REASON_NO_APPS);
            for _ in 1..lines.len() {
                sink.structural();
            }
            return;
        };
        // Each app on the first line after the previous app's that names it (quoted).
        let mut at: Vec<Option<usize>> = Vec::with_capacity(apps.len());
        let mut from = 0;
        for app in &apps {
            let quoted = [format!("'{}'", app.name), format!("\"{}\"", app.name), format!("`{}`", app.name)];
            let found = (from..lines.len()).find(|&i| quoted.iter().any(|q| lines[i].contains(q.as_str())));
            if let Some(i) = found {
                from = i + 1;
            }
            at.push(found);
        }
        let mut events: Vec<(usize, Record<'static>)> = Vec::new();
        for (app, line) in apps.into_iter().zip(at) {
            let line = line.unwrap_or(0);
            events.push((line, app.record(line as u64 + 1)));
        }
        for i in 0..lines.len() {
            let here: Vec<usize> = (0..events.len()).filter(|&e| events[e].0 == i).collect();
            if here.is_empty() {
                sink.structural();
            } else {
                sink.event_pending();
            }
        }
        for (_, rec) in events {
            sink.push_pending(rec);
        }
    }
}

impl EcosystemApp {
    /// The record of this app, starting at `line`.
    pub fn record(&self, line: u64) -> Record<'static> {
        let mut rec =
            Record::new(line, RawTime::None, SOURCE, ECOSYSTEM_APP, format!("app {} declared", self.name));
        rec.process = Some(Cow::Owned(self.name.clone()));
        let s = |k: &'static str, v: &Option<String>| v.clone().map(|v| (k, FieldValue::Str(Cow::Owned(v))));
        let instances = self.instances.map(|i| match i {
            Instances::Count(n) => n.to_string(),
            Instances::Max => "max".to_string(),
            Instances::MaxMinus(n) => format!("-{n}"),
        });
        let fields = [
            s("script", &self.script),
            s("cwd", &self.cwd),
            s("exec_mode", &self.exec_mode),
            s("instances", &instances),
            self.max_memory_restart
                .map(|b| ("max_memory_restart", FieldValue::Int(b.min(i64::MAX as u64) as i64))),
        ];
        rec.fields.extend(fields.into_iter().flatten());
        rec
    }
}

fn ecosystem_app(entry: &scan::Value) -> Option<EcosystemApp> {
    let scan::Value::Object(_) = entry else { return None };
    let script = entry.get_str("script").or_else(|| entry.get_str("exec")).map(str::to_string);
    let name = match entry.get_str("name") {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => {
            let script = script.as_deref()?;
            let base = script.rsplit(['/', '\\']).next().unwrap_or(script);
            let stem = match base.rfind('.') {
                Some(i) if i > 0 => &base[..i],
                _ => base,
            };
            if stem.is_empty() {
                return None;
            }
            stem.to_string()
        }
    };
    let exec_mode = entry.get_str("exec_mode").map(|m| {
        let m = m.trim();
        match m.strip_suffix("_mode").unwrap_or(m) {
            short @ ("fork" | "cluster") => short.to_string(),
            _ => m.to_string(),
        }
    });
    Some(EcosystemApp {
        name,
        script,
        cwd: entry.get_str("cwd").map(str::to_string),
        exec_mode,
        instances: entry.get("instances").and_then(parse_instances),
        max_memory_restart: entry.get("max_memory_restart").and_then(parse_memory),
    })
}

fn parse_instances(v: &scan::Value) -> Option<Instances> {
    let n: i64 = match v {
        scan::Value::Num(n) if n.fract() == 0.0 && n.abs() <= f64::from(u32::MAX) => *n as i64,
        scan::Value::Str(s) if s.trim() == "max" => 0,
        scan::Value::Str(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(match n {
        0 => Instances::Max,
        n if n < 0 => Instances::MaxMinus(u32::try_from(-n).ok()?),
        n => Instances::Count(u32::try_from(n).ok()?),
    })
}

/// PM2's `max_memory_restart`: `^\d+(G|M|K)?$`, 1024-based; a number is bytes.
fn parse_memory(v: &scan::Value) -> Option<u64> {
    match v {
        scan::Value::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1.8e19 => Some(*n as u64),
        scan::Value::Str(s) => {
            let (digits, unit) = match s.as_bytes().last()? {
                b'G' => (&s[..s.len() - 1], 1u64 << 30),
                b'M' => (&s[..s.len() - 1], 1 << 20),
                b'K' => (&s[..s.len() - 1], 1 << 10),
                _ => (s.as_str(), 1),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u64>().ok()?.checked_mul(unit)
        }
        _ => None,
    }
}

/// A tolerant scanner for the object literals of ecosystem files: JavaScript (CommonJS or ES
/// module) or JSON. It never runs code and never fails: whatever it cannot read as a literal
/// becomes [`Value::Other`].
pub(crate) mod scan {
    /// A literal value; `Other` holds the source text of anything else (an expression).
    #[derive(Debug, Clone, PartialEq)]
    pub enum Value {
        Str(String),
        Num(f64),
        Bool(bool),
        Null,
        Array(Vec<Value>),
        Object(Vec<(String, Value)>),
        Other(String),
    }

    impl Value {
        /// The first value of `key` in an object.
        pub fn get(&self, key: &str) -> Option<&Value> {
            match self {
                Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                _ => None,
            }
        }

        pub fn get_str(&self, key: &str) -> Option<&str> {
            match self.get(key)? {
                Value::Str(s) => Some(s),
                _ => None,
            }
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Str(String),
        /// A template literal; `true` when it has `${…}` substitutions.
        Template(String, bool),
        Num(String),
        Ident(String),
        Spread,
        Punct(u8),
    }

    struct Token {
        tok: Tok,
        start: usize,
        end: usize,
    }

    /// Nesting deeper than this is skipped as text, so no input can exhaust the stack.
    const MAX_DEPTH: usize = 64;

    /// The entries of the file's apps array (see `Inventory::from_ecosystem`).
    pub fn find_apps(text: &str) -> Option<Vec<Value>> {
        let toks = tokenize(text);
        let mut p = Parser { toks: &toks, pos: 0, text };
        let is_key = |i: usize| {
            matches!(&toks[i].tok, Tok::Ident(s) | Tok::Str(s) if s == "apps")
                && matches!(toks.get(i + 1).map(|t| &t.tok), Some(Tok::Punct(b':')))
                && (i == 0 || matches!(toks[i - 1].tok, Tok::Punct(b'{') | Tok::Punct(b',')))
        };
        for i in 0..toks.len() {
            if !is_key(i) {
                continue;
            }
            p.pos = i + 2;
            match p.value(0) {
                Value::Array(items) => return Some(items),
                Value::Other(name) if is_ident(&name) => {
                    if let Some(items) = p.array_assigned_to(&name) {
                        return Some(items);
                    }
                }
                _ => {}
            }
        }
        // A bare array: JSON `[...]`, `module.exports = [...]`, `export default [...]`.
        let exports = |w: &[Token]| {
            matches!((&w[0].tok, &w[1].tok, &w[2].tok, &w[3].tok),
                (Tok::Ident(m), Tok::Punct(b'.'), Tok::Ident(e), Tok::Punct(b'='))
                    if m == "module" && e == "exports")
        };
        let default = |w: &[Token]| matches!((&w[0].tok, &w[1].tok), (Tok::Ident(a), Tok::Ident(b)) if a == "export" && b == "default");
        let start = match toks.first().map(|t| &t.tok) {
            Some(Tok::Punct(b'[')) => Some(0),
            _ => toks
                .windows(4)
                .position(exports)
                .map(|i| i + 4)
                .or_else(|| toks.windows(2).position(default).map(|i| i + 2)),
        };
        let start = start?;
        if !matches!(toks.get(start).map(|t| &t.tok), Some(Tok::Punct(b'['))) {
            return None;
        }
        p.pos = start;
        match p.value(0) {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    fn is_ident(s: &str) -> bool {
        !s.is_empty()
            && !s.as_bytes()[0].is_ascii_digit()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    }

    fn tokenize(text: &str) -> Vec<Token> {
        let b = text.as_bytes();
        let mut toks = Vec::new();
        let mut i = 0;
        if text.starts_with("#!") {
            i = text.find('\n').unwrap_or(text.len());
        }
        while i < b.len() {
            let c = b[i];
            let start = i;
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => i += 1,
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    i = text[i..].find('\n').map_or(b.len(), |n| i + n);
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                }
                b'\'' | b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != c && b[i] != b'\n' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    let end = i.min(b.len());
                    toks.push(Token { tok: Tok::Str(unescape(&text[start + 1..end])), start, end });
                    i = (end + 1).min(b.len());
                    if let Some(t) = toks.last_mut() {
                        t.end = i;
                    }
                }
                b'`' => {
                    i += 1;
                    let mut interpolated = false;
                    let mut depth = 0usize;
                    while i < b.len() {
                        match b[i] {
                            b'\\' => i += 1,
                            b'$' if depth == 0 && b.get(i + 1) == Some(&b'{') => {
                                interpolated = true;
                                depth = 1;
                                i += 1;
                            }
                            b'{' if depth > 0 => depth += 1,
                            b'}' if depth > 0 => depth -= 1,
                            b'`' if depth == 0 => break,
                            _ => {}
                        }
                        i += 1;
                    }
                    let end = i.min(b.len());
                    let body = if interpolated { String::new() } else { unescape(&text[start + 1..end]) };
                    i = (end + 1).min(b.len());
                    toks.push(Token { tok: Tok::Template(body, interpolated), start, end: i });
                }
                b'0'..=b'9' => {
                    i += 1;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric()
                            || b[i] == b'_'
                            || b[i] == b'.'
                            || (matches!(b[i], b'+' | b'-') && matches!(b[i - 1], b'e' | b'E')))
                    {
                        i += 1;
                    }
                    toks.push(Token { tok: Tok::Num(text[start..i].to_string()), start, end: i });
                }
                b'.' if text[i..].starts_with("...") => {
                    i += 3;
                    toks.push(Token { tok: Tok::Spread, start, end: i });
                }
                _ if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
                    {
                        i += 1;
                    }
                    toks.push(Token { tok: Tok::Ident(text[start..i].to_string()), start, end: i });
                }
                _ => {
                    i += 1;
                    toks.push(Token { tok: Tok::Punct(c), start, end: i });
                }
            }
        }
        toks
    }

    fn unescape(s: &str) -> String {
        if !s.contains('\\') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some('0') => out.push('\0'),
                Some('\n') => {}
                Some('u') => {
                    let rest = chars.as_str();
                    let (hex, used) = if let Some(r) = rest.strip_prefix('{') {
                        let close = r.find('}').unwrap_or(r.len());
                        (&r[..close], close + 2)
                    } else {
                        (rest.get(..4).unwrap_or(rest), 4)
                    };
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => {
                            out.push(ch);
                            chars = rest.get(used.min(rest.len())..).unwrap_or("").chars();
                        }
                        None => out.push('u'),
                    }
                }
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    struct Parser<'a> {
        toks: &'a [Token],
        pos: usize,
        text: &'a str,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<&Tok> {
            self.toks.get(self.pos).map(|t| &t.tok)
        }

        fn peek_at(&self, n: usize) -> Option<&Tok> {
            self.toks.get(self.pos + n).map(|t| &t.tok)
        }

        fn at_terminator(&self) -> bool {
            matches!(self.peek(), None | Some(Tok::Punct(b',' | b'}' | b']' | b')' | b';')))
        }

        /// One value; an expression (anything not a plain literal) is skipped up to the next
        /// `,` `}` `]` `)` `;` outside brackets and returned as `Other(text)`.
        fn value(&mut self, depth: usize) -> Value {
            let start = self.pos;
            if depth > MAX_DEPTH {
                return self.expression(start);
            }
            let v = match self.peek() {
                None => return Value::Other(String::new()),
                Some(Tok::Punct(b'{')) => self.object(depth + 1),
                Some(Tok::Punct(b'[')) => self.array(depth + 1),
                Some(Tok::Str(s)) | Some(Tok::Template(s, false)) => {
                    let v = Value::Str(s.clone());
                    self.pos += 1;
                    v
                }
                Some(Tok::Num(n)) => {
                    let v = number(n);
                    self.pos += 1;
                    v
                }
                Some(Tok::Punct(b'-')) if matches!(self.peek_at(1), Some(Tok::Num(_))) => {
                    let Some(Tok::Num(n)) = self.peek_at(1) else { unreachable!() };
                    let v = match number(n) {
                        Value::Num(x) => Value::Num(-x),
                        other => other,
                    };
                    self.pos += 2;
                    v
                }
                Some(Tok::Ident(id)) if matches!(id.as_str(), "true" | "false" | "null" | "undefined") => {
                    let v = match id.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => Value::Null,
                    };
                    self.pos += 1;
                    v
                }
                Some(_) => return self.expression(start),
            };
            if self.at_terminator() {
                v
            } else {
                self.expression(start)
            }
        }

        /// Skips from `start` to the next terminator outside brackets; the text skipped.
        fn expression(&mut self, start: usize) -> Value {
            self.pos = start;
            let mut depth = 0usize;
            while let Some(tok) = self.peek() {
                match tok {
                    Tok::Punct(b',' | b'}' | b']' | b')' | b';') if depth == 0 => break,
                    Tok::Punct(b'{' | b'[' | b'(') => depth += 1,
                    Tok::Punct(b'}' | b']' | b')') => depth -= 1,
                    _ => {}
                }
                self.pos += 1;
            }
            if self.pos == start {
                return Value::Other(String::new());
            }
            let (from, to) = (self.toks[start].start, self.toks[self.pos - 1].end);
            Value::Other(self.text[from..to].trim().to_string())
        }

        fn object(&mut self, depth: usize) -> Value {
            self.pos += 1; // `{`
            let mut entries = Vec::new();
            loop {
                let key_at = self.pos;
                let key = match self.peek() {
                    None | Some(Tok::Punct(b']' | b')' | b';')) => break,
                    Some(Tok::Punct(b'}')) => {
                        self.pos += 1;
                        break;
                    }
                    Some(Tok::Punct(b',')) => {
                        self.pos += 1;
                        continue;
                    }
                    Some(Tok::Spread) => {
                        self.pos += 1;
                        self.expression(self.pos);
                        continue;
                    }
                    Some(Tok::Ident(k))
                    | Some(Tok::Str(k))
                    | Some(Tok::Num(k))
                    | Some(Tok::Template(k, false)) => Some(k.clone()),
                    // `[computed]: value` and anything unexpected: skip the entry.
                    Some(_) => None,
                };
                let Some(key) = key else {
                    self.expression(key_at);
                    if self.pos == key_at {
                        self.pos += 1;
                    }
                    continue;
                };
                self.pos += 1;
                match self.peek() {
                    Some(Tok::Punct(b':')) => {
                        self.pos += 1;
                        let v = self.value(depth);
                        entries.push((key, v));
                    }
                    Some(Tok::Punct(b',' | b'}')) => entries.push((key.clone(), Value::Other(key))),
                    // methods, getters, `key = default`: skip.
                    _ => {
                        self.expression(key_at);
                    }
                }
            }
            Value::Object(entries)
        }

        fn array(&mut self, depth: usize) -> Value {
            self.pos += 1; // `[`
            let mut items = Vec::new();
            loop {
                match self.peek() {
                    None | Some(Tok::Punct(b'}' | b')' | b';')) => break,
                    Some(Tok::Punct(b']')) => {
                        self.pos += 1;
                        break;
                    }
                    Some(Tok::Punct(b',')) => self.pos += 1,
                    Some(Tok::Spread) => {
                        self.pos += 1;
                        self.expression(self.pos);
                    }
                    Some(_) => items.push(self.value(depth)),
                }
            }
            Value::Array(items)
        }

        /// The array literal assigned to `name` (`const name = [...]`, `name = [...]`).
        fn array_assigned_to(&mut self, name: &str) -> Option<Vec<Value>> {
            let toks = self.toks;
            let at = (0..toks.len().saturating_sub(2)).find(|&i| {
                matches!(&toks[i].tok, Tok::Ident(n) if n == name)
                    && matches!(toks[i + 1].tok, Tok::Punct(b'='))
                    && matches!(toks[i + 2].tok, Tok::Punct(b'['))
            })?;
            self.pos = at + 2;
            match self.value(0) {
                Value::Array(items) => Some(items),
                _ => None,
            }
        }
    }

    fn number(raw: &str) -> Value {
        let clean: String = raw.chars().filter(|&c| c != '_').collect();
        let lower = clean.to_ascii_lowercase();
        let radix = |p: &str, r: u32| lower.strip_prefix(p).and_then(|d| u64::from_str_radix(d, r).ok());
        let parsed = radix("0x", 16)
            .or_else(|| radix("0o", 8))
            .or_else(|| radix("0b", 2))
            .map(|n| n as f64)
            .or_else(|| clean.parse::<f64>().ok().filter(|x| x.is_finite()));
        match parsed {
            Some(x) => Value::Num(x),
            None => Value::Other(raw.to_string()),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn apps(text: &str) -> Vec<Value> {
            find_apps(text).expect("apps")
        }

        #[test]
        fn literals_comments_and_expressions() {
            let v = apps(
                "// header\nmodule.exports = { /* c */ apps: [ { name: 'a\\'b', n: -2, h: 0x10, \
                 s: `t`, e: process.env.X || 3, f() { return 1 }, ...rest, [k]: 1, m: { x: [1, {y: 2}] }, \
                 u: undefined, } ], }",
            );
            let a = &v[0];
            assert_eq!(a.get_str("name"), Some("a'b"));
            assert_eq!(a.get("n"), Some(&Value::Num(-2.0)));
            assert_eq!(a.get("h"), Some(&Value::Num(16.0)));
            assert_eq!(a.get_str("s"), Some("t"));
            assert_eq!(a.get("e"), Some(&Value::Other("process.env.X || 3".into())));
            assert_eq!(a.get("u"), Some(&Value::Null));
            assert!(matches!(a.get("m"), Some(Value::Object(_))));
            assert!(a.get("f").is_none());
        }

        #[test]
        fn apps_by_reference_and_bare_arrays() {
            let v = apps("const list = [{name: 'x'}];\nmodule.exports = { apps: list };");
            assert_eq!(v[0].get_str("name"), Some("x"));
            assert_eq!(apps("[{\"name\": \"j\"}]")[0].get_str("name"), Some("j"));
            assert_eq!(apps("export default [{name: 'm'}]")[0].get_str("name"), Some("m"));
            assert!(find_apps("module.exports = {}").is_none());
        }

        #[test]
        fn garbage_never_panics() {
            for text in [
                "",
                "{",
                "[",
                "apps:",
                "{apps:[",
                "{apps:[{name:'a",
                "'unterminated",
                "`${`",
                "/*",
                "\\u{zz",
                "{apps:[{name:'\\u{110000}'}]}",
                "{apps:[{a:-}]}",
                "))]]}}",
                "{apps:[...]}",
                "{apps:[{name: 1e}]}",
                "{apps:[{'é': 'ü\\u00e9'}]}",
            ] {
                let _ = find_apps(text);
            }
            let deep = "{apps:".to_string() + &"[".repeat(10_000);
            let _ = find_apps(&deep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory() {
        let m = |s: &str| parse_memory(&scan::Value::Str(s.into()));
        assert_eq!(m("1G"), Some(1 << 30));
        assert_eq!(m("300M"), Some(300 << 20));
        assert_eq!(m("512K"), Some(512 << 10));
        assert_eq!(m("2048"), Some(2048));
        assert_eq!(m("1GB"), None);
        assert_eq!(m("1g"), None);
        assert_eq!(m("G"), None);
        assert_eq!(m("-1M"), None);
        assert_eq!(m("99999999999999999999G"), None);
        assert_eq!(parse_memory(&scan::Value::Num(1024.0)), Some(1024));
    }

    #[test]
    fn instances() {
        use scan::Value::*;
        assert_eq!(parse_instances(&Str("max".into())), Some(Instances::Max));
        assert_eq!(parse_instances(&Num(0.0)), Some(Instances::Max));
        assert_eq!(parse_instances(&Num(-1.0)), Some(Instances::MaxMinus(1)));
        assert_eq!(parse_instances(&Str("4".into())), Some(Instances::Count(4)));
        assert_eq!(parse_instances(&Num(1.5)), None);
        assert_eq!(parse_instances(&Other("os.cpus().length".into())), None);
    }
}
