//! Findings for people (compiler-style text), for tools (JSON `postmortem/lint/v1`) and for code
//! scanning (SARIF 2.1.0), and the rule list of `--list-rules`.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::rules::RULES;
use super::Report;

/// Output formats of `postmortem lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// `file:line:col: rule-id: message` and an indented `help:` line per finding.
    Text,
    /// One JSON document: schema, files checked, findings.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, IDEs).
    Sarif,
}

/// Writes `report` in `format`.
pub fn write(out: &mut dyn Write, report: &Report, format: LintFormat) -> io::Result<()> {
    match format {
        LintFormat::Text => {
            for f in &report.findings {
                writeln!(out, "{}:{}:{}: {}: {}", f.file, f.line, f.column, f.rule.id, f.message)?;
                writeln!(out, "    help: {}", f.help)?;
            }
            Ok(())
        }
        LintFormat::Json => json_document(out, &json_report(report)),
        LintFormat::Sarif => json_document(out, &sarif(report)),
    }
}

/// The one-line summary for standard error: `3 problems in 2 of 5 files`.
pub fn summary(report: &Report) -> String {
    let files = report.files.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let waived = match report.waived {
        0 => String::new(),
        n => format!(" ({} waived by comments)", plural(n, "finding")),
    };
    if report.findings.is_empty() {
        return format!("{} checked, no problems found{waived}", plural(files, "file"));
    }
    let mut with: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    with.dedup();
    format!(
        "{} in {} of {}{waived}",
        plural(report.findings.len(), "problem"),
        with.len(),
        plural(files, "file")
    )
}

fn json_document(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn json_report(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({"file": f.file, "line": f.line, "column": f.column, "rule": f.rule.id,
                   "level": f.rule.level.as_str(), "message": f.message, "help": f.help})
        })
        .collect();
    json!({"schema": "postmortem/lint/v1", "files": report.files, "findings": findings, "waived": report.waived})
}

fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.why},
                "help": {"text": r.help},
                "defaultConfiguration": {"level": r.level.as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = RULES.iter().position(|r| r.id == f.rule.id).unwrap_or(0);
            json!({
                "ruleId": f.rule.id,
                "ruleIndex": index,
                "level": f.rule.level.as_str(),
                "message": {"text": format!("{} (help: {})", f.message, f.help)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(&f.file)},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "postmortem",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// A relative path as a URI reference: `/`-separated, anything but unreserved characters
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `--list-rules`: every rule with its level, what it finds, why and the fix.
pub fn write_rules(out: &mut dyn Write) -> io::Result<()> {
    for (i, r) in RULES.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} ({})", r.id, r.level.as_str())?;
        writeln!(out, "  finds: {}", r.summary)?;
        writeln!(out, "  why:   {}", r.why)?;
        writeln!(out, "  fix:   {}", r.help)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            uri("repo/.gitea/workflows/deploy to test.yml"),
            "repo/.gitea/workflows/deploy%20to%20test.yml"
        );
        assert_eq!(uri("a/é.sh"), "a/%C3%A9.sh");
    }
}
