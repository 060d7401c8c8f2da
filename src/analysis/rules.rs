//! Root causes as data: `rules/root-causes.toml` (embedded) plus `--rules FILE`.
//!
//! A rule's evidence items are patterns over events or named matchers
//! ([`super::matchers`]). Confidence = 0 when a required item is missing, else
//! 1 − Π(1 − weight) over the items found. At or above [`THRESHOLD`] a finding is a root
//! cause; below, it is ruled out with what was missing.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use regex::Regex;
use serde::Deserialize;

use super::{matchers, Context};
use crate::event::{value_text, Event};

/// The rules shipped with postmortem.
pub const EMBEDDED: &str = include_str!("../../rules/root-causes.toml");

/// Confidence at which a finding is a root cause.
pub const THRESHOLD: f64 = 0.5;

/// Why a rules file could not be used. Each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// Not TOML, or not the rules schema.
    #[error("{path}: {message}; fix the file (format: rules/root-causes.toml, `postmortem rules` lists what is loaded)")]
    Syntax {
        /// The file.
        path: String,
        /// What the TOML parser said.
        message: String,
    },
    /// A rule that cannot be evaluated.
    #[error("{path}: rule {id:?}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The rule's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// A rules file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDoc {
    #[serde(default)]
    rule: Vec<RuleDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: String,
    title: String,
    #[serde(default)]
    runbook_evidence: Option<String>,
    #[serde(default)]
    prevention: Option<String>,
    #[serde(default)]
    evidence: Vec<EvidenceDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceDoc {
    what: String,
    #[serde(default)]
    matcher: Option<String>,
    #[serde(default)]
    pattern: Option<PatternDoc>,
    #[serde(default)]
    args: toml::Table,
    #[serde(default)]
    within: Option<String>,
    weight: f64,
    #[serde(default)]
    required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternDoc {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    fields: toml::Table,
    #[serde(default)]
    message: Option<String>,
}

/// A root-cause rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id (`pm2-delete-all`).
    pub id: String,
    /// One line for the report.
    pub title: String,
    /// The runbook's "Evidence" column.
    pub runbook_evidence: Option<String>,
    /// The runbook's "Prevention" column.
    pub prevention: Option<String>,
    /// What the rule looks for.
    pub evidence: Vec<EvidenceSpec>,
    /// Where the rule was defined (`embedded` or a file).
    pub origin: String,
}

/// One evidence item of a rule.
#[derive(Debug, Clone)]
pub struct EvidenceSpec {
    /// In words, for the report.
    pub what: String,
    /// How to find it.
    pub finder: Finder,
    /// When, relative to the window.
    pub within: Option<Within>,
    /// Weight in 0..1.
    pub weight: f64,
    /// The rule cannot hold without it.
    pub required: bool,
}

/// A pattern over events, or a named matcher with its arguments.
#[derive(Debug, Clone)]
pub enum Finder {
    /// Events matching a pattern.
    Pattern(Pattern),
    /// A matcher written in Rust.
    Matcher {
        /// Its name (see [`matchers::NAMES`]).
        name: String,
        /// Its arguments.
        args: toml::Table,
    },
}

/// Which events an evidence pattern matches.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Accepted sources (empty: any).
    pub sources: Vec<String>,
    /// Accepted kinds (empty: any).
    pub kinds: Vec<String>,
    /// Per field: a regex over its text, or a numeric comparison.
    pub fields: Vec<(String, FieldTest)>,
    /// A regex over the message.
    pub message: Option<Regex>,
}

/// A test of one field's value.
#[derive(Debug, Clone)]
pub enum FieldTest {
    /// The value's text matches.
    Regex(Regex),
    /// The value is a number that compares so (`>=98`).
    Compare(std::cmp::Ordering, bool, f64),
}

/// A time range relative to the incident window: offsets from its start, or its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Within {
    from: Bound,
    to: Bound,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Start(Duration),
    End(Duration),
}

impl Within {
    /// Parses `-15m..+2m`, `-2m..end`, `-30d..0`.
    pub fn parse(text: &str) -> Option<Within> {
        let (a, b) = text.split_once("..")?;
        Some(Within { from: bound(a)?, to: bound(b)? })
    }

    /// The instants it covers for a window.
    pub fn range(&self, window: &super::Window) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |b: Bound| match b {
            Bound::Start(d) => window.start + d,
            Bound::End(d) => window.end_or_evidence() + d,
        };
        (at(self.from), at(self.to))
    }
}

fn bound(text: &str) -> Option<Bound> {
    let t = text.trim();
    match t.strip_prefix("end") {
        Some("") => Some(Bound::End(Duration::zero())),
        Some(rest) => Some(Bound::End(duration(rest)?)),
        None => Some(Bound::Start(duration(t)?)),
    }
}

/// `30s`, `-15m`, `+2h`, `7d`, `0`.
pub fn duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (sign, t) = match t.as_bytes().first()? {
        b'-' => (-1, &t[1..]),
        b'+' => (1, &t[1..]),
        _ => (1, t),
    };
    if t == "0" {
        return Some(Duration::zero());
    }
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let n: i64 = t[..split].parse().ok()?;
    let unit = match &t[split..] {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(Duration::seconds(sign * n * unit))
}

/// One rule's verdict.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// 0..1.
    pub confidence: f64,
    /// The events that support it (indices into the timeline), each once, in time order.
    pub evidence: Vec<usize>,
    /// The items found, in words.
    pub found: Vec<String>,
    /// The items not found, in words.
    pub missing: Vec<String>,
    /// The rule's prevention advice.
    pub prevention: Option<String>,
    /// Why it is not a root cause (empty for root causes).
    pub why_not: String,
}

/// The embedded rules, then each file's: a rule with an existing id replaces it whole.
pub fn load(files: &[&Path]) -> Result<Vec<Rule>, RulesError> {
    let mut rules = parse(EMBEDDED, "embedded")?;
    for path in files {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RulesError::Syntax {
            path: display.clone(),
            message: crate::evidence::io_words(&e),
        })?;
        for rule in parse(&text, &display)? {
            match rules.iter_mut().find(|r| r.id == rule.id) {
                Some(existing) => *existing = rule,
                None => rules.push(rule),
            }
        }
    }
    Ok(rules)
}

/// Parses one rules file.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Rule>, RulesError> {
    let doc: RulesDoc = toml::from_str(text).map_err(|e| RulesError::Syntax {
        path: origin.to_string(),
        message: e.to_string().replace('\n', " "),
    })?;
    doc.rule.into_iter().map(|r| rule(r, origin)).collect()
}

fn rule(doc: RuleDoc, origin: &str) -> Result<Rule, RulesError> {
    let invalid =
        |message: String| RulesError::Invalid { path: origin.to_string(), id: doc.id.clone(), message };
    if doc.evidence.is_empty() {
        return Err(invalid("a rule needs at least one [[rule.evidence]]".into()));
    }
    let mut evidence = Vec::new();
    for e in doc.evidence {
        if !(0.0..=1.0).contains(&e.weight) {
            return Err(invalid(format!("weight {} of {:?} is not in 0..1", e.weight, e.what)));
        }
        let within = match &e.within {
            Some(w) => Some(Within::parse(w).ok_or_else(|| {
                invalid(format!("within {w:?} must look like \"-15m..+2m\" or \"-2m..end\""))
            })?),
            None => None,
        };
        let finder = match (e.matcher, e.pattern) {
            (Some(name), None) => {
                if !matchers::NAMES.iter().any(|(n, _)| *n == name) {
                    let known: Vec<&str> = matchers::NAMES.iter().map(|(n, _)| *n).collect();
                    return Err(invalid(format!("unknown matcher {name:?}; known: {}", known.join(", "))));
                }
                Finder::Matcher { name, args: e.args }
            }
            (None, Some(p)) => Finder::Pattern(pattern(p).map_err(invalid)?),
            _ => return Err(invalid(format!("{:?}: give either `matcher` or `pattern`", e.what))),
        };
        evidence.push(EvidenceSpec { what: e.what, finder, within, weight: e.weight, required: e.required });
    }
    Ok(Rule {
        id: doc.id,
        title: doc.title,
        runbook_evidence: doc.runbook_evidence,
        prevention: doc.prevention,
        evidence,
        origin: origin.to_string(),
    })
}

fn pattern(doc: PatternDoc) -> Result<Pattern, String> {
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('|').map(|p| p.trim().to_string()).collect()).unwrap_or_default()
    };
    let mut fields = Vec::new();
    for (key, value) in doc.fields {
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => (b as i64).to_string(),
            _ => return Err(format!("field {key:?}: give a string (regex or \">=N\") or a number")),
        };
        fields.push((key, field_test(&text)?));
    }
    let message =
        doc.message.map(|m| Regex::new(&m).map_err(|e| format!("message regex {m:?}: {e}"))).transpose()?;
    Ok(Pattern { sources: split(doc.source), kinds: split(doc.kind), fields, message })
}

fn field_test(text: &str) -> Result<FieldTest, String> {
    use std::cmp::Ordering::*;
    let ops = [(">=", Greater, true), ("<=", Less, true), (">", Greater, false), ("<", Less, false)];
    for (op, ord, or_equal) in ops {
        if let Some(n) = text.strip_prefix(op).and_then(|n| n.trim().parse::<f64>().ok()) {
            return Ok(FieldTest::Compare(ord, or_equal, n));
        }
    }
    Regex::new(text).map(FieldTest::Regex).map_err(|e| format!("field regex {text:?}: {e}"))
}

impl Pattern {
    /// Whether `e` matches.
    pub fn matches(&self, e: &Event) -> bool {
        if !self.sources.is_empty() && !self.sources.iter().any(|s| s == e.source) {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == e.kind) {
            return false;
        }
        if self.message.as_ref().is_some_and(|re| !re.is_match(&e.message)) {
            return false;
        }
        self.fields.iter().all(|(key, test)| {
            let Some(value) = e.field(key) else { return false };
            match test {
                FieldTest::Regex(re) => re.is_match(&value_text(value)),
                FieldTest::Compare(ord, or_equal, n) => value_text(value)
                    .parse::<f64>()
                    .is_ok_and(|v| v.partial_cmp(n) == Some(*ord) || (*or_equal && v == *n)),
            }
        })
    }
}

impl Rule {
    /// Evaluates the rule on a timeline.
    pub fn evaluate(&self, ctx: &Context<'_>) -> Finding {
        let mut finding = Finding {
            id: self.id.clone(),
            title: self.title.clone(),
            confidence: 0.0,
            evidence: Vec::new(),
            found: Vec::new(),
            missing: Vec::new(),
            prevention: self.prevention.clone(),
            why_not: String::new(),
        };
        let Some(window) = ctx.window else {
            finding.why_not = "no incident: no process was down longer than the grace period and no health \
                               check kept failing"
                .into();
            finding.missing = self.evidence.iter().map(|e| e.what.clone()).collect();
            return finding;
        };
        let mut keep = 1.0;
        let mut required_missing = false;
        for item in &self.evidence {
            let range = item.within.map(|w| w.range(&window));
            let hits = match &item.finder {
                Finder::Pattern(p) => ctx
                    .events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| in_range(e, range))
                    .filter(|(_, e)| p.matches(e))
                    .map(|(i, _)| i)
                    .take(MAX_HITS)
                    .collect(),
                Finder::Matcher { name, args } => matchers::run(name, args, range, ctx),
            };
            if hits.is_empty() {
                finding.missing.push(item.what.clone());
                required_missing |= item.required;
            } else {
                keep *= 1.0 - item.weight;
                finding.found.push(item.what.clone());
                finding.evidence.extend(hits);
            }
        }
        finding.evidence.sort_by_key(|&i| (ctx.events[i].time.is_none(), ctx.events[i].time, i));
        finding.evidence.dedup();
        finding.confidence = if required_missing { 0.0 } else { round(1.0 - keep) };
        if finding.confidence < THRESHOLD {
            finding.why_not = if required_missing {
                let required: Vec<&str> =
                    self.evidence.iter().filter(|e| e.required).map(|e| e.what.as_str()).collect();
                let missing: Vec<&str> =
                    required.into_iter().filter(|w| finding.missing.iter().any(|m| m == w)).collect();
                format!("missing: {}", missing.join("; "))
            } else {
                format!("too little evidence (confidence {:.2} < {THRESHOLD})", finding.confidence)
            };
        }
        finding
    }
}

/// At most this many events of one item are cited.
const MAX_HITS: usize = 20;

/// Whether an event falls in an optional range (undated events only when there is none).
pub fn in_range(e: &Event, range: Option<(DateTime<Utc>, DateTime<Utc>)>) -> bool {
    match (range, e.time) {
        (None, _) => true,
        (Some((from, to)), Some(t)) => t >= from && t <= to,
        (Some(_), None) => false,
    }
}

/// Two decimals, so reports do not print float noise.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load_with_the_stable_ids() {
        let rules = load(&[]).unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        for id in [
            "pm2-stop-all",
            "pm2-delete-all",
            "oom-killer",
            "disk-full",
            "manual-intervention",
            "concurrent-deployments",
            "stale-workflow",
            "pm2-restart-all",
            "crash-loop",
            "max-memory-restart",
            "pm2-daemon-killed",
        ] {
            assert!(ids.contains(&id), "{id}");
        }
    }

    #[test]
    fn durations_and_ranges() {
        assert_eq!(duration("-15m"), Some(Duration::minutes(-15)));
        assert_eq!(duration("+2m"), Some(Duration::minutes(2)));
        assert_eq!(duration("30s"), Some(Duration::seconds(30)));
        assert_eq!(duration("0"), Some(Duration::zero()));
        assert_eq!(duration("5x"), None);
        let w = Within::parse("-2m..end").unwrap();
        let start = DateTime::parse_from_rfc3339("2026-02-17T14:31:04Z").unwrap().to_utc();
        let window = super::super::Window {
            start,
            end: None,
            evidence_end: start + Duration::hours(1),
            start_event: 0,
        };
        assert_eq!(w.range(&window), (start - Duration::minutes(2), start + Duration::hours(1)));
        assert!(Within::parse("-2m").is_none());
    }

    #[test]
    fn bad_rules_say_what_to_fix() {
        let e = parse("[[rule]]\nid = \"x\"\ntitle = \"t\"\n", "f.toml").unwrap_err().to_string();
        assert!(e.contains("at least one"), "{e}");
        let e = parse(
            "[[rule]]\nid = \"x\"\ntitle = \"t\"\n[[rule.evidence]]\nwhat = \"w\"\nmatcher = \"nope\"\nweight = 0.5\n",
            "f.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown matcher") && e.contains("executed-pm2-command"), "{e}");
        let e = parse("[[rule]]\nid = 1\n", "f.toml").unwrap_err().to_string();
        assert!(e.starts_with("f.toml:"), "{e}");
    }
}
