//! `postmortem analyze`: the verdict as text for people, or as the JSON report contract
//! (`postmortem/report/v1`, documented in the README).

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::analysis::outage::DownHow;
use crate::analysis::rules::Finding;
use crate::analysis::timing::TimingRow;
use crate::analysis::Analysis;
use crate::event::Event;
use crate::evidence::InputStatus;
use crate::report::markdown::RunInfo;
use crate::report::table;
use crate::timeline::Timeline;

/// Output format of `postmortem analyze`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AnalyzeFormat {
    /// Severity, processes down, ranked findings with their evidence lines, the timing table.
    Text,
    /// The `postmortem/report/v1` JSON contract.
    Json,
    /// The runbook's Incident Report Template, filled (Markdown).
    Md,
    /// One self-contained HTML file: a swimlane timeline and the report's sections.
    Html,
}

/// The contract's schema id.
pub const SCHEMA: &str = "postmortem/report/v1";

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn short(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `file:line` of an event.
fn cite(e: &Event) -> String {
    format!("{}:{}", e.provenance.file, e.line)
}

/// Writes the analysis.
pub fn write<W: Write>(
    out: &mut W,
    timeline: &Timeline,
    analysis: &Analysis,
    format: AnalyzeFormat,
    width: usize,
    info: &RunInfo,
) -> io::Result<()> {
    match format {
        AnalyzeFormat::Md => crate::report::markdown::write(out, timeline, analysis, info),
        AnalyzeFormat::Html => crate::report::html::write(out, timeline, analysis, info),
        AnalyzeFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json_report(timeline, analysis))?;
            out.write_all(b"\n")
        }
        AnalyzeFormat::Text => text(out, timeline, analysis, width),
    }
}

/// The JSON report (contract `postmortem/report/v1`).
pub fn json_report(timeline: &Timeline, analysis: &Analysis) -> Value {
    let events = &timeline.events;
    let evidence = |f: &Finding| -> Vec<Value> {
        f.evidence
            .iter()
            .map(|&i| {
                let e = &events[i];
                json!({"time": e.time.map(time), "file": e.provenance.file, "line": e.line, "text": e.message})
            })
            .collect()
    };
    let processes: Vec<Value> = analysis
        .outages
        .iter()
        .map(|o| {
            json!({
                "process": o.process,
                "application": o.application,
                "environment": o.environment.as_str(),
                "down_at": time(o.down_at),
                "up_at": o.up_at.map(time),
                "restored": o.restored(),
                "downtime_seconds": o.downtime_seconds,
            })
        })
        .collect();
    let inputs: Vec<Value> = timeline
        .bundles
        .iter()
        .flat_map(|b| &b.inputs)
        .filter(|i| i.status == InputStatus::Parsed)
        .map(|i| {
            json!({
                "path": i.file,
                "format": i.format.map(|f| f.id()),
                "sha256": i.sha256,
                "lines": i.counts.total(),
                "events": i.event_count,
                "unparsed": i.counts.unparsed,
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "severity": analysis.severity.as_str(),
        "incident": {
            "start": analysis.window.map(|w| time(w.start)),
            "end": analysis.window.and_then(|w| w.end).map(time),
            "processes": processes,
        },
        "root_causes": analysis.root_causes.iter().map(|f| json!({
            "id": f.id,
            "title": f.title,
            "confidence": f.confidence,
            "evidence": evidence(f),
            "missing": f.missing,
            "prevention": f.prevention,
        })).collect::<Vec<_>>(),
        "ruled_out": analysis.ruled_out.iter().map(|f| json!({
            "id": f.id,
            "confidence": f.confidence,
            "why": f.why_not,
        })).collect::<Vec<_>>(),
        "timing": analysis.timing.iter().map(|r| timing_json(r, events)).collect::<Vec<_>>(),
        "response": analysis.response.iter().map(|a| {
            let e = &events[a.event];
            json!({"time": e.time.map(time), "user": e.user, "file": e.provenance.file, "line": e.line, "text": e.message})
        }).collect::<Vec<_>>(),
        "restoration": analysis.restoration.iter().map(|r| json!({
            "application": r.application,
            "environment": r.environment.as_str(),
            "processes": r.processes,
            "directory": r.directory,
            "config": r.config,
            "health": r.health,
        })).collect::<Vec<_>>(),
        "verification": analysis.verification.iter().map(|c| json!({
            "item": c.item,
            "state": c.state.as_str(),
            "why": c.why,
        })).collect::<Vec<_>>(),
        "inputs": inputs,
        "assumptions": assumptions(timeline),
    })
}

fn timing_json(row: &TimingRow, events: &[Event]) -> Value {
    let e = row.at.map(|i| &events[i]);
    json!({"event": row.event, "time": e.and_then(|e| e.time).map(time), "source": e.map(cite)})
}

/// Every input's assumptions, prefixed with its file.
fn assumptions(timeline: &Timeline) -> Vec<String> {
    timeline
        .bundles
        .iter()
        .flat_map(|b| &b.inputs)
        .flat_map(|i| i.assumptions.iter().map(move |a| format!("{}: {a}", i.file)))
        .collect()
}

fn text<W: Write>(out: &mut W, timeline: &Timeline, analysis: &Analysis, width: usize) -> io::Result<()> {
    // Process names, users, messages and file names come from the evidence.
    let out = &mut crate::report::safe::TerminalLines::new(out);
    let events = &timeline.events;
    writeln!(out, "Severity: {} — {}", analysis.severity.as_str(), analysis.severity.meaning())?;
    match analysis.window {
        Some(w) => {
            let end = match w.end {
                Some(end) => {
                    format!("{} (restored after {})", short(end), minutes((end - w.start).num_seconds()))
                }
                None => format!("not restored by the end of the evidence ({})", short(w.evidence_end)),
            };
            writeln!(out, "Incident (UTC): {} – {end}", short(w.start))?;
        }
        None => writeln!(out, "Incident: none found")?,
    }
    if !analysis.outages.is_empty() {
        writeln!(out, "\nProcesses down:")?;
        let mut rows = vec![[
            "process",
            "application",
            "environment",
            "down at (UTC)",
            "how",
            "back at (UTC)",
            "downtime",
        ]
        .map(String::from)
        .to_vec()];
        for o in &analysis.outages {
            let how = match &o.how {
                DownHow::Stopped => "stopped by PM2".to_string(),
                DownHow::Died(cause) => format!("died ({cause})"),
            };
            rows.push(vec![
                o.process.clone(),
                o.application.clone(),
                o.environment.as_str().to_string(),
                format!("{}\n{}", short(o.down_at), cite(&events[o.down_event])),
                how,
                o.up_at.map(short).unwrap_or_else(|| "not restored".into()),
                minutes(o.downtime_seconds),
            ]);
        }
        writeln!(out, "{}", table::render(rows, width))?;
    }
    writeln!(out, "\nRoot causes:")?;
    if analysis.root_causes.is_empty() {
        writeln!(out, "  none reached confidence 0.5 (see Ruled out for what each rule missed)")?;
    }
    for (n, f) in analysis.root_causes.iter().enumerate() {
        writeln!(out, "  {}. {} — {} (confidence {:.2})", n + 1, f.id, f.title, f.confidence)?;
        for what in &f.found {
            writeln!(out, "     found:   {what}")?;
        }
        for what in &f.missing {
            writeln!(out, "     missing: {what}")?;
        }
        writeln!(out, "     evidence:")?;
        for &i in &f.evidence {
            let e = &events[i];
            let t = e.time.map(short).unwrap_or_else(|| "undated".into());
            writeln!(out, "       {t}  {}  {}", cite(e), first_line(&e.summary(), width))?;
        }
        if let Some(p) = &f.prevention {
            writeln!(out, "     prevention: {p}")?;
        }
    }
    writeln!(out, "\nRuled out:")?;
    for f in &analysis.ruled_out {
        writeln!(out, "  - {} ({:.2}): {}", f.id, f.confidence, f.why_not)?;
    }
    writeln!(out, "\nTiming (runbook Step 5):")?;
    let mut rows = vec![["time (UTC)", "event", "source"].map(String::from).to_vec()];
    for r in &analysis.timing {
        let e = r.at.map(|i| &events[i]);
        rows.push(vec![
            e.and_then(|e| e.time).map(short).unwrap_or_else(|| "—".into()),
            r.event.to_string(),
            e.map(cite).unwrap_or_else(|| "not in the evidence".into()),
        ]);
    }
    writeln!(out, "{}", table::render(rows, width))?;
    if !analysis.response.is_empty() {
        writeln!(out, "\nResponse (after the incident began):")?;
        for a in &analysis.response {
            let e = &events[a.event];
            let t = e.time.map(short).unwrap_or_default();
            let who = e.user.as_deref().unwrap_or("?");
            writeln!(out, "  {t}  {who}  {}  {}", cite(e), first_line(&e.summary(), width))?;
        }
    }
    let assumed = assumptions(timeline);
    if !assumed.is_empty() {
        writeln!(out, "\nAssumptions:")?;
        for a in assumed {
            writeln!(out, "  - {a}")?;
        }
    }
    Ok(())
}

/// `45 s`, `28 min`, `3 h 5 min`.
fn minutes(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// The message's first line, cut to fit a terminal line.
fn first_line(message: &str, width: usize) -> String {
    let line = message.lines().next().unwrap_or("");
    let max = width.saturating_sub(60).max(40);
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}
