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
