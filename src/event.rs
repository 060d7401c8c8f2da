//! The normalized event: the one shape every later stage (timeline, analysis, reports) reads.
//!
//! Its JSON form is the **event contract** documented in the README: one object per line,
//! keys in a fixed order, times in UTC with microseconds.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use postmortem_parsers::{FieldValue, RawTime, Record};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// Where an event came from: the input's display path and the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provenance {
    /// Path relative to the evidence argument (`auth.log`, `bundle.tar.gz!/var/log/auth.log`).
    pub file: String,
    /// Lower-case hex SHA-256 of the input's bytes.
    pub sha256: String,
}

/// A field value owned by an event.
pub type Value = FieldValue<'static>;

/// One event of the timeline.
#[derive(Clone, Debug)]
pub struct Event {
    /// The instant in UTC; `None` for undated records.
    pub time: Option<DateTime<Utc>>,
    /// The time as written, kept until the clock has resolved it.
    pub raw_time: RawTime,
    /// Source id from the documented list (`pm2`, `auth`, `syslog`, `kernel`, …).
    pub source: &'static str,
    /// Kind id, kebab-case (`app-exit`, `ssh-login`, …).
    pub kind: &'static str,
    /// Host name written in the evidence.
    pub host: Option<String>,
    /// PM2 app name.
    pub process: Option<String>,
    /// PM2 id as text.
    pub pm_id: Option<String>,
    /// OS process id.
    pub pid: Option<u64>,
    /// The user the event is about.
    pub user: Option<String>,
    /// The message text.
    pub message: String,
    /// Format-specific details, in the parser's order; continuation lines are `detail`.
    pub fields: Vec<(&'static str, Value)>,
    /// The input it came from.
    pub provenance: Arc<Provenance>,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// For a year-less time: years after the input's first year-less line (set by the
    /// loader, see `clock::YearTracker`); 0 otherwise.
    pub year_shift: i32,
    /// The record's first physical line as written, when the loader was asked to keep it
    /// (`LoadOptions::raw_lines`, for the HTML report).
    pub raw: Option<Box<str>>,
}

/// The field key under which a record's continuation lines are kept.
pub const DETAIL_FIELD: &str = "detail";

impl Event {
    /// Builds an owned event from a parser record.
    pub fn from_record(record: Record<'_>, provenance: &Arc<Provenance>) -> Event {
        let mut fields: Vec<(&'static str, Value)> =
            record.fields.into_iter().map(|(k, v)| (k, v.into_owned())).collect();
        if !record.continuation.is_empty() {
            let lines = record.continuation.into_iter().map(|l| l.into_owned().into()).collect();
            fields.push((DETAIL_FIELD, FieldValue::List(lines)));
        }
        Event {
            time: None,
            raw_time: record.time,
            source: record.source,
            kind: record.kind,
            host: record.host.map(|s| s.into_owned()),
            process: record.process.map(|s| s.into_owned()),
            pm_id: record.pm_id.map(|s| s.into_owned()),
            pid: record.pid,
            user: record.user.map(|s| s.into_owned()),
            message: record.message.into_owned(),
            fields,
            provenance: Arc::clone(provenance),
            line: record.line,
            year_shift: 0,
            raw: None,
        }
    }

    /// Makes this event the one [`Event::from_record`] builds from `record`, reusing the
    /// allocations it already has (its strings, its fields): a load that hands its events out
    /// as it reads (`evidence::Tap`) builds millions of short-lived events.
    pub fn refill(&mut self, record: Record<'_>, provenance: &Arc<Provenance>) {
        let Record {
            line,
            time,
            source,
            kind,
            host,
            process,
            pm_id,
            pid,
            user,
            message,
            fields,
            continuation,
        } = record;
        (self.time, self.raw_time, self.source, self.kind) = (None, time, source, kind);
        set_text(&mut self.host, host);
        set_text(&mut self.process, process);
        set_text(&mut self.pm_id, pm_id);
        self.pid = pid;
        set_text(&mut self.user, user);
        self.message.clear();
        self.message.push_str(&message);
        // The fields, then the continuation lines as `detail`, each into the slot there.
        let detail = (!continuation.is_empty()).then_some((DETAIL_FIELD, FieldValue::List(continuation)));
        let mut n = 0;
        for (key, value) in fields.into_iter().chain(detail) {
            match self.fields.get_mut(n) {
                Some(slot) => {
                    slot.0 = key;
                    set_value(&mut slot.1, value);
                }
                None => self.fields.push((key, value.into_owned())),
            }
            n += 1;
        }
        self.fields.truncate(n);
        if !Arc::ptr_eq(&self.provenance, provenance) {
            self.provenance = Arc::clone(provenance);
        }
        (self.line, self.year_shift, self.raw) = (line, 0, None);
    }

    /// Appends continuation lines that arrived in a later window of the same input.
    pub fn append_detail<I: IntoIterator<Item = String>>(&mut self, lines: I) {
        let mut lines = lines.into_iter().peekable();
        if lines.peek().is_none() {
            return;
        }
        if let Some((_, FieldValue::List(existing))) =
            self.fields.iter_mut().find(|(k, _)| *k == DETAIL_FIELD)
        {
            existing.extend(lines.map(Into::into));
            return;
        }
        self.fields.push((DETAIL_FIELD, FieldValue::List(lines.map(Into::into).collect())));
    }

    /// The value of a field, if set.
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The text of a string field.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.field(key).and_then(FieldValue::as_str)
    }

    /// The value of an integer field.
    pub fn int_field(&self, key: &str) -> Option<i64> {
        match self.field(key) {
            Some(FieldValue::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// The fields as one JSON object, in their stored order (as the event contract writes them).
    pub fn fields_json(&self) -> String {
        serde_json::to_string(&FieldsJson(&self.fields)).unwrap_or_else(|_| "{}".into())
    }

    /// What the event says, in one line for a person: a sudo record as `sudo COMMAND`, any
    /// other event as the first line of its message.
    pub fn summary(&self) -> String {
        match (self.kind, self.str_field("command")) {
            ("sudo", Some(command)) => match self.str_field("target_user") {
                Some(target) => format!("sudo -u {target} {command}"),
                None => format!("sudo {command}"),
            },
            _ => self.message.lines().next().unwrap_or("").to_string(),
        }
    }

    /// The time as RFC3339 UTC with microseconds and `Z`, as the contract writes it.
    pub fn time_text(&self) -> Option<String> {
        self.time.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
    }
}

/// Sets an optional text, reusing the string already there.
fn set_text(slot: &mut Option<String>, value: Option<std::borrow::Cow<'_, str>>) {
    match (slot.as_mut(), value) {
        (Some(text), Some(value)) => {
            text.clear();
            text.push_str(&value);
        }
        (_, value) => *slot = value.map(std::borrow::Cow::into_owned),
    }
}

/// Sets a field value, reusing the owned strings already there.
fn set_value(slot: &mut Value, value: FieldValue<'_>) {
    use std::borrow::Cow;
    match (slot, value) {
        (FieldValue::Str(Cow::Owned(text)), FieldValue::Str(value)) => {
            text.clear();
            text.push_str(&value);
        }
        (FieldValue::List(items), FieldValue::List(values)) => {
            items.truncate(values.len());
            for (i, value) in values.into_iter().enumerate() {
                match items.get_mut(i) {
                    Some(Cow::Owned(text)) => {
                        text.clear();
                        text.push_str(&value);
                    }
                    Some(item) => *item = Cow::Owned(value.into_owned()),
                    None => items.push(Cow::Owned(value.into_owned())),
                }
            }
        }
        (slot, value) => *slot = value.into_owned(),
    }
}

/// Serializes fields as a JSON object in their stored order.
struct FieldsJson<'e>(&'e [(&'static str, Value)]);

struct ValueJson<'e>(&'e Value);

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            FieldValue::Str(v) => s.serialize_str(v),
            FieldValue::Int(n) => s.serialize_i64(*n),
            FieldValue::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item.as_ref())?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for FieldsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &ValueJson(v))?;
        }
        map.end()
    }
}

impl Serialize for Event {
    /// The event contract: keys in this exact order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(13))?;
        map.serialize_entry("time", &self.time_text())?;
        map.serialize_entry("source", self.source)?;
        map.serialize_entry("kind", self.kind)?;
        map.serialize_entry("host", &self.host)?;
        map.serialize_entry("process", &self.process)?;
        map.serialize_entry("pm_id", &self.pm_id)?;
        map.serialize_entry("pid", &self.pid)?;
        map.serialize_entry("user", &self.user)?;
        map.serialize_entry("message", &self.message)?;
        map.serialize_entry("fields", &FieldsJson(&self.fields))?;
        map.serialize_entry("file", &self.provenance.file)?;
        map.serialize_entry("line", &self.line)?;
        map.serialize_entry("sha256", &self.provenance.sha256)?;
        map.end()
    }
}

/// Renders a field value as plain text (lists joined with `; `), for tables and CSV.
pub fn value_text(value: &Value) -> String {
    match value {
        FieldValue::Str(s) => s.to_string(),
        FieldValue::Int(n) => n.to_string(),
        FieldValue::List(items) => items.join("; "),
    }
}

/// The documented sources, with what each covers.
pub const SOURCES: &[(&str, &str)] = &[
    ("pm2", "the PM2 daemon log (pm2.log) and PM2 snapshots (pm2 jlist, dump.pm2, pm2 list)"),
    ("auth", "authentication: sshd, sudo, su, PAM sessions, logind, cron sessions"),
    ("syslog", "other syslog messages"),
    ("journal", "other systemd journal entries (journalctl text, json, export)"),
    ("kernel", "kernel messages (OOM killer, filesystem and I/O errors, segfaults)"),
    ("ci", "CI job logs (GitHub Actions, Gitea act_runner), incl. the pm2 CLI output inside them"),
    ("workflow", "CI workflow files: the workflow and every run: command with its position"),
    ("shell", "shell history (bash, zsh)"),
    ("nginx", "nginx access and error logs"),
    ("app", "PM2 app logs (stdout/stderr of the apps) and `pm2 logs` output"),
    ("host", "host snapshots: disk usage per mount, memory"),
    ("git", "git history: commits and reflog entries (checkouts, pulls, resets on the server)"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use std::borrow::Cow;

    /// The parts of a record, owned; `borrow` says whether its texts are lent.
    #[derive(Clone, Debug)]
    struct Parts {
        line: u64,
        kind: usize,
        texts: [Option<String>; 4],
        pid: Option<u64>,
        message: String,
        fields: Vec<(usize, u8, String, i64, Vec<String>)>,
        continuation: Vec<String>,
        borrow: bool,
    }

    const KEYS: [&str; 4] = ["ip", "port", "files", "command"];
    const KINDS: [(&str, &str); 3] = [("auth", "ssh-failed"), ("pm2", "app-exit"), ("nginx", "http-request")];

    fn parts() -> impl Strategy<Value = Parts> {
        let text = || proptest::option::of("[a-z0-9 ]{0,12}");
        let field = (
            0..KEYS.len(),
            0u8..3,
            "[ -~]{0,20}",
            any::<i64>(),
            proptest::collection::vec("[a-z]{0,6}", 0..4),
        );
        (
            any::<u64>(),
            0..KINDS.len(),
            [text(), text(), text(), text()],
            proptest::option::of(any::<u64>()),
            "\\PC{0,40}",
            proptest::collection::vec(field, 0..6),
            proptest::collection::vec("[ -~]{0,10}", 0..3),
            any::<bool>(),
        )
            .prop_map(|(line, kind, texts, pid, message, fields, continuation, borrow)| Parts {
                line,
                kind,
                texts,
                pid,
                message,
                fields,
                continuation,
                borrow,
            })
    }

    fn lent(borrow: bool, s: &str) -> Cow<'_, str> {
        if borrow {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(s.to_string())
        }
    }

    fn record(p: &Parts) -> Record<'_> {
        let text = |s| lent(p.borrow, s);
        let (source, kind) = KINDS[p.kind];
        let mut r = Record::new(p.line, RawTime::None, source, kind, text(&p.message));
        let [host, process, pm_id, user] = &p.texts;
        (r.host, r.process, r.pm_id, r.user) = (
            host.as_deref().map(text),
            process.as_deref().map(text),
            pm_id.as_deref().map(text),
            user.as_deref().map(text),
        );
        r.pid = p.pid;
        for (key, which, s, n, list) in &p.fields {
            let value = match which {
                0 => FieldValue::Str(text(s)),
                1 => FieldValue::Int(*n),
                _ => FieldValue::List(list.iter().map(|s| text(s)).collect()),
            };
            r.fields.push((KEYS[*key], value));
        }
        r.continuation = p.continuation.iter().map(|s| text(s)).collect();
        r
    }

    proptest! {
        #[test]
        fn a_refilled_event_is_the_one_from_record_builds(first in parts(), second in parts()) {
            let (a, b) = (
                Arc::new(Provenance { file: "a.log".into(), sha256: "aa".into() }),
                Arc::new(Provenance { file: "b.log".into(), sha256: "bb".into() }),
            );
            let mut reused = Event::from_record(record(&first), &a);
            (reused.time, reused.year_shift, reused.raw) =
                (Some(Utc.with_ymd_and_hms(2026, 2, 17, 1, 2, 3).unwrap()), 3, Some("line".into()));
            reused.refill(record(&second), &b);
            let fresh = Event::from_record(record(&second), &b);
            prop_assert_eq!(format!("{reused:?}"), format!("{fresh:?}"));
        }
    }

    #[test]
    fn json_keys_in_contract_order() {
        let prov = Arc::new(Provenance { file: "pm2.log".into(), sha256: "ab".into() });
        let mut rec = Record::new(41, RawTime::None, "pm2", "app-exit", "App [api:0] exited");
        rec.process = Some("api".into());
        rec.pm_id = Some("0".into());
        rec.push_field("exit_code", 1i64);
        rec.push_field("signal", "SIGINT");
        rec.continuation.push("    at x".into());
        let mut ev = Event::from_record(rec, &prov);
        ev.time = Some(Utc.with_ymd_and_hms(2026, 2, 17, 14, 31, 6).unwrap());
        ev.append_detail(["    at y".to_string()]);
        let json = serde_json::to_string(&ev).unwrap();
        assert_eq!(
            json,
            r#"{"time":"2026-02-17T14:31:06.000000Z","source":"pm2","kind":"app-exit","host":null,"process":"api","pm_id":"0","pid":null,"user":null,"message":"App [api:0] exited","fields":{"exit_code":1,"signal":"SIGINT","detail":["    at x","    at y"]},"file":"pm2.log","line":41,"sha256":"ab"}"#
        );
    }
}
