//! `analyze --format html`: the incident report as one self-contained HTML file.
//!
//! The page holds a swimlane timeline (one lane per source and per application, the incident
//! window shaded, the findings' evidence highlighted, zoom, pan, a filter, an event's line and
//! provenance on click) and, under it, the report's sections. It makes no network request: the
//! CSS, the script and the data are inline, and a Content-Security-Policy meta tag allows
//! nothing else (`default-src 'none'`; the one style and the one script by their SHA-256).
//!
//! Evidence text never becomes markup. The data — the JSON report (`postmortem/report/v1`)
//! plus the events as compact columns (string tables for sources, kinds, files, processes,
//! users, hosts; times as microsecond deltas) — is one `<script type="application/json">`
//! element, escaped by [`script_json`] so that nothing in it can close the element, and the
//! script renders it with DOM APIs and `textContent` only. The output depends on the evidence
//! and the options alone: the same evidence gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::analysis::Analysis;
use crate::event::{Event, SOURCES};
use crate::inventory::Inventory;
use crate::report::analysis::json_report;
use crate::report::markdown::RunInfo;
use crate::timeline::Timeline;

/// The page's style sheet.
pub const STYLE: &str = include_str!("html/report.css");
/// The page's script: reads the data element and renders everything.
pub const SCRIPT: &str = include_str!("html/report.js");
/// The page's static markup (between `<body>` and the data element).
const BODY: &str = include_str!("html/body.html");
/// The id of the `<script type="application/json">` element holding the data.
pub const DATA_ID: &str = "pm-data";

/// Writes the HTML report.
pub fn write<W: Write>(
    out: &mut W,
    timeline: &Timeline,
    analysis: &Analysis,
    info: &RunInfo,
) -> io::Result<()> {
    let data = script_json(&data(timeline, analysis, info).to_string());
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>postmortem incident report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{BODY}\
         <script type=\"application/json\" id=\"{DATA_ID}\">{data}</script>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        csp = content_security_policy(),
    )
}

/// The Content-Security-Policy: nothing remote, nothing but the page's own style and script
/// (by hash), images only as `data:` URLs, no `<base>`, no form submission.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// A CSP source expression for an inline element's text: `sha256-` and the base64 digest.
pub fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (RFC 4648), as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// JSON text made safe to sit inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026` (so neither `</script>` nor `<!--` can appear), and U+2028 / U+2029
/// become escapes too. These characters only occur inside JSON strings, where the escapes
/// mean the same characters: the text still parses to the same value.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A string table: each distinct string once, in first-seen order, referenced by index.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }

    /// The index, or -1 for none.
    fn opt(&mut self, s: Option<&str>) -> i64 {
        s.map_or(-1, |s| self.id(s) as i64)
    }
}

/// Microseconds since the Unix epoch.
fn micros(e: &Event) -> Option<i64> {
    e.time.map(|t| t.timestamp_micros())
}

/// Application lane labels (`flyer-crawler (production)`) per process name: the outages'
/// applications first (they come from the analysis' inventory), then the evidence's own
/// (ecosystem files, else inferred from the name). PM2 tooling (`pm2-logrotate`) has none.
fn applications(timeline: &Timeline, analysis: &Analysis) -> BTreeMap<String, String> {
    let mut by_process: BTreeMap<String, String> = analysis
        .outages
        .iter()
        .map(|o| (o.process.clone(), format!("{} ({})", o.application, o.environment.as_str())))
        .collect();
    let inventory = Inventory::for_timeline(None, timeline);
    for p in timeline.events.iter().filter_map(|e| e.process.as_deref()) {
        if by_process.contains_key(p) || Inventory::is_tooling(p) {
            continue;
        }
        if let Some(app) = inventory.application_of(p) {
            by_process.insert(p.to_string(), format!("{} ({})", app.name, app.environment.as_str()));
        }
    }
    by_process
}

/// An event's fields as `[key, value, key, value, …]` indices into two tables: the keys, and
/// the values (as JSON text, so `200` and `"200"` stay apart). Log fields repeat a lot (methods,
/// paths, addresses, levels), so the tables keep the embedded data small.
fn field_pairs(e: &Event, keys: &mut Strings, values: &mut Strings) -> Value {
    let object: serde_json::Map<String, Value> = serde_json::from_str(&e.fields_json()).unwrap_or_default();
    object.iter().flat_map(|(k, v)| [keys.id(k), values.id(&v.to_string())]).collect::<Vec<_>>().into()
}

/// The lanes: the sources present (in the documented order), then the applications by name.
struct Lanes {
    /// `{"label", "kind": "source" | "application"}` per lane, top to bottom.
    list: Vec<Value>,
    /// Source id → lane.
    by_source: BTreeMap<&'static str, usize>,
    /// Process name → its application's lane.
    by_process: BTreeMap<String, usize>,
}

impl Lanes {
    fn new(
        timeline: &Timeline,
        analysis: &Analysis,
        not_drawn: &BTreeMap<(&'static str, &'static str), u64>,
    ) -> Lanes {
        let mut present: BTreeSet<&'static str> = timeline.events.iter().map(|e| e.source).collect();
        present.extend(not_drawn.keys().map(|(source, _)| *source));
        let documented = SOURCES.iter().map(|(id, _)| *id).filter(|s| present.contains(s));
        let undocumented = present.iter().copied().filter(|s| !SOURCES.iter().any(|(id, _)| id == s));
        let mut list = Vec::new();
        let mut by_source = BTreeMap::new();
        for source in documented.chain(undocumented) {
            by_source.insert(source, list.len());
            list.push(json!({"label": source, "kind": "source"}));
        }
        let apps = applications(timeline, analysis);
        let mut app_lane: BTreeMap<&str, usize> = BTreeMap::new();
        for label in apps.values().collect::<BTreeSet<_>>() {
            app_lane.insert(label, list.len());
            list.push(json!({"label": label, "kind": "application"}));
        }
        let by_process =
            apps.iter().map(|(process, label)| (process.clone(), app_lane[label.as_str()])).collect();
        Lanes { list, by_source, by_process }
    }
}

/// The string tables the event columns index into.
#[derive(Default)]
struct Tables {
    kind: Strings,
    file: Strings,
    /// Parallel to `file`: each input's SHA-256.
    sha256: Vec<String>,
    process: Strings,
    user: Strings,
    host: Strings,
    field_key: Strings,
    field_value: Strings,
}

/// Bytes of a line as written kept in the page when it is not `prefix + message`.
const MAX_RAW: usize = 4096;

/// The events as columns, one entry per event in timeline order (`dt`: dated events only,
/// which come first). Optional values are -1 (an index) or null.
#[derive(Default, serde::Serialize)]
struct Columns<'e> {
    /// Microseconds since the Unix epoch of the first dated event.
    t0: i64,
    /// Microseconds since the previous dated event (the first: 0).
    dt: Vec<i64>,
    /// The source's lane.
    lane: Vec<usize>,
    /// The application's lane, or -1.
    app: Vec<i64>,
    kind: Vec<usize>,
    file: Vec<usize>,
    line: Vec<u64>,
    process: Vec<i64>,
    user: Vec<i64>,
    host: Vec<i64>,
    pid: Vec<Option<u64>>,
    message: Vec<&'e str>,
    /// The line as written: null (not kept), `[prefix]` when it is `prefix + message` (the
    /// usual case, stored once), else the whole line.
    raw: Vec<Value>,
    /// Null, or `[key, value, …]` indices (see [`field_pairs`]).
    fields: Vec<Value>,
}

impl<'e> Columns<'e> {
    fn new(events: &'e [Event], lanes: &Lanes, tables: &mut Tables) -> Columns<'e> {
        let t0 = events.iter().find_map(micros).unwrap_or(0);
        let mut c = Columns { t0, ..Columns::default() };
        let mut previous = t0;
        for e in events {
            if let Some(t) = micros(e) {
                c.dt.push(t - previous);
                previous = t;
            }
            c.lane.push(lanes.by_source[e.source]);
            let app = e.process.as_deref().and_then(|p| lanes.by_process.get(p));
            c.app.push(app.map_or(-1, |&l| l as i64));
            c.kind.push(tables.kind.id(e.kind));
            let file = tables.file.id(&e.provenance.file);
            if file == tables.sha256.len() {
                tables.sha256.push(e.provenance.sha256.clone());
            }
            c.file.push(file);
            c.line.push(e.line);
            c.process.push(tables.process.opt(e.process.as_deref()));
            c.user.push(tables.user.opt(e.user.as_deref()));
            c.host.push(tables.host.opt(e.host.as_deref()));
            c.pid.push(e.pid);
            c.message.push(&e.message);
            c.raw.push(match e.raw.as_deref() {
                None => Value::Null,
                Some(raw) => match raw.strip_suffix(e.message.as_str()) {
                    Some(prefix) => json!([prefix]),
                    // A whole document on one line (a one-line `pm2 jlist`) is cut.
                    None if raw.len() > MAX_RAW => {
                        let cut = (0..=MAX_RAW).rev().find(|&i| raw.is_char_boundary(i)).unwrap_or(0);
                        Value::from(format!("{}…", &raw[..cut]))
                    }
                    None => Value::from(raw),
                },
            });
            c.fields.push(if e.fields.is_empty() {
                Value::Null
            } else {
                field_pairs(e, &mut tables.field_key, &mut tables.field_value)
            });
        }
        c
    }
}

/// The page's data: the JSON report, what the page needs beyond it, and the events as columns.
fn data(timeline: &Timeline, analysis: &Analysis, info: &RunInfo) -> Value {
    let not_drawn = timeline.not_kept();
    let lanes = Lanes::new(timeline, analysis, &not_drawn);
    let mut tables = Tables::default();
    let columns = Columns::new(&timeline.events, &lanes, &mut tables);
    let offset = |t: chrono::DateTime<chrono::Utc>| t.timestamp_micros() - columns.t0;
    let title = match analysis.root_causes.first() {
        Some(f) => f.title.replace('`', ""),
        None if analysis.window.is_some() => "PM2 outage, root cause not determined".into(),
        None => "No outage found in the evidence".into(),
    };
    let window = analysis.window.map(|w| {
        json!({"start": offset(w.start), "end": offset(w.end_or_evidence()), "restored": w.end.is_some()})
    });
    // Event indices behind the report's citations, parallel to the report's arrays.
    let refs = json!({
        "root_causes": analysis.root_causes.iter().map(|f| &f.evidence).collect::<Vec<_>>(),
        "found": analysis.root_causes.iter().map(|f| &f.found).collect::<Vec<_>>(),
        "processes": analysis.outages.iter().map(|o| json!([o.down_event, o.up_event])).collect::<Vec<_>>(),
        "timing": analysis.timing.iter().map(|r| r.at).collect::<Vec<_>>(),
        "response": analysis.response.iter().map(|a| a.event).collect::<Vec<_>>(),
    });
    let field_values: Vec<Value> =
        tables.field_value.list.iter().map(|v| serde_json::from_str(v).unwrap_or(Value::Null)).collect();
    let mut data = json!({
        "title": title,
        "version": env!("CARGO_PKG_VERSION"),
        "options": info.options,
        "report": json_report(timeline, analysis),
        "refs": refs,
        "window": window,
        "lanes": lanes.list,
        "strings": {
            "kind": tables.kind.list,
            "file": tables.file.list,
            "sha256": tables.sha256,
            "process": tables.process.list,
            "user": tables.user.list,
            "host": tables.host.list,
            "field_key": tables.field_key.list,
            "field_value": field_values,
        },
        "events": columns,
    });
    if !not_drawn.is_empty() {
        data["not_drawn"] = not_drawn_data(&not_drawn, &lanes);
    }
    data
}

/// The records the analysis read and did not keep (large evidence, see `EVERY_EVENT_LIMIT`
/// in the CLI): the page draws the events the analysis reads and counts these, per lane and
/// per kind: `{"total", "lanes": [[lane, count], …], "kinds": [[source, kind, count], …]}`.
fn not_drawn_data(not_drawn: &BTreeMap<(&'static str, &'static str), u64>, lanes: &Lanes) -> Value {
    let mut per_lane: BTreeMap<usize, u64> = BTreeMap::new();
    for ((source, _), count) in not_drawn {
        *per_lane.entry(lanes.by_source[source]).or_insert(0) += count;
    }
    json!({
        "total": not_drawn.values().sum::<u64>(),
        "lanes": per_lane.into_iter().map(|(lane, count)| json!([lane, count])).collect::<Vec<_>>(),
        "kinds": not_drawn.iter().map(|((source, kind), count)| json!([source, kind, count])).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn script_json_escapes_what_could_end_the_element() {
        let text = serde_json::to_string(&json!(["</script><!-- & \u{2028}\u{2029}"])).unwrap();
        let safe = script_json(&text);
        assert_eq!(safe, r#"["\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029"]"#);
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, json!(["</script><!-- & \u{2028}\u{2029}"]));
    }

    #[test]
    fn assets_cannot_end_their_own_elements() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }
}
