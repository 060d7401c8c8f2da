//! `analyze --format md`: the runbook's Incident Report Template, filled from the evidence.
//!
//! What the evidence cannot know (owners, dates, the incident commander, user impact) stays
//! a visible placeholder in the runbook's own words. Log text is escaped ([`safe::markdown`]).
//! Nothing here depends on the clock, paths or the command line: reruns are byte-identical.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::analysis::outage::DownHow;
use crate::analysis::restore::Check;
use crate::analysis::Analysis;
use crate::event::Event;
use crate::evidence::InputStatus;
use crate::report::safe::markdown as esc;
use crate::timeline::Timeline;

/// What produced the report, for its appendix: options that change results, by name.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// `(option, value)` pairs (`grace`, `60s`), in a fixed order.
    pub options: Vec<(String, String)>,
}

fn hm(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn duration(secs: i64) -> String {
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (h, m) {
        (0, 0) => format!("{secs} seconds"),
        (0, m) => format!("{m} minutes"),
        (h, m) => format!("{h} hours {m} minutes"),
    }
}

/// `file:line` as a code span: nothing renders inside one, so only a backtick (which would
/// end it) and line breaks are replaced.
fn cite(e: &Event) -> String {
    let file: String =
        e.provenance.file.chars().map(|c| if c == '`' || c.is_control() { '\'' } else { c }).collect();
    format!("`{file}:{}`", e.line)
}

/// Writes the report.
pub fn write<W: Write>(out: &mut W, timeline: &Timeline, a: &Analysis, info: &RunInfo) -> io::Result<()> {
    let events = &timeline.events;
    let title = match a.root_causes.first() {
        Some(f) => f.title.clone(),
        None if a.window.is_some() => "PM2 outage, root cause not determined".into(),
        None => "No outage found in the evidence".into(),
    };
    writeln!(out, "# Incident Report: {}\n", esc(&title))?;

    writeln!(out, "## Overview\n")?;
    writeln!(out, "| Field              | Value |\n| ------------------ | ----- |")?;
    match a.window {
        Some(w) => {
            let secs = (w.end_or_evidence() - w.start).num_seconds();
            let d = match w.end {
                Some(_) => duration(secs),
                None => format!("{} (not restored by the end of the evidence)", duration(secs)),
            };
            writeln!(out, "| Date               | {} |", day(w.start))?;
            writeln!(out, "| Duration           | {d} |")?;
        }
        None => {
            writeln!(out, "| Date               | YYYY-MM-DD |")?;
            writeln!(out, "| Duration           | none |")?;
        }
    }
    writeln!(out, "| Severity           | {} ({}) |", a.severity.as_str(), a.severity.meaning())?;
    writeln!(out, "| Incident Commander | [Name] |")?;
    let status = match a.window {
        Some(w) if w.end.is_some() => "Resolved",
        Some(_) => "Ongoing at the end of the evidence",
        None => "No incident",
    };
    writeln!(out, "| Status             | {status} |\n")?;

    writeln!(out, "## Timeline\n")?;
    writeln!(out, "| Time (UTC) | Event | Source |\n| ---------- | ----- | ------ |")?;
    for (t, what, e) in key_events(timeline, a) {
        writeln!(out, "| {} {} | {} | {} |", day(t), hm(t), what, cite(e))?;
    }
    writeln!(out)?;

    writeln!(out, "## Impact\n")?;
    if a.outages.is_empty() {
        writeln!(out, "- No PM2 process was down longer than the grace period.")?;
    } else {
        writeln!(out, "| Process | Application | Environment | Down (UTC) | Back (UTC) | Downtime |")?;
        writeln!(out, "| ------- | ----------- | ----------- | ---------- | ---------- | -------- |")?;
        for o in &a.outages {
            writeln!(
                out,
                "| {} | {} | {} | {} {} | {} | {} |",
                esc(&o.process),
                esc(&o.application),
                o.environment.as_str(),
                day(o.down_at),
                hm(o.down_at),
                o.up_at.map(|t| format!("{} {}", day(t), hm(t))).unwrap_or_else(|| "not restored".into()),
                duration(o.downtime_seconds),
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "- **Users affected**: [Number/description]")?;
    writeln!(out, "- **Revenue impact**: [If applicable]")?;
    writeln!(out, "- **SLA impact**: [If applicable]\n")?;

    writeln!(out, "## Root Cause\n")?;
    match a.root_causes.first() {
        Some(f) => {
            writeln!(out, "**{}** (`{}`, confidence {:.2})\n", esc(&f.title), f.id, f.confidence)?;
            for what in &f.found {
                writeln!(out, "- found: {}", esc(what))?;
            }
            writeln!(out, "\nEvidence:\n")?;
            for &i in &f.evidence {
                let e = &events[i];
                let t = e.time.map(|t| format!("{} {}", day(t), hm(t))).unwrap_or_else(|| "undated".into());
                writeln!(out, "- {t} {} — {}", cite(e), esc(&e.summary()))?;
            }
            writeln!(out, "\n[Detailed technical explanation]\n")?;
        }
        None => writeln!(
            out,
            "Not determined from the evidence: no rule reached confidence 0.5 (the appendix lists what \
             each missed).\n\n[Detailed technical explanation]\n"
        )?,
    }

    writeln!(out, "## Resolution\n")?;
    if a.response.is_empty() {
        writeln!(out, "- No responder action in the evidence. [What was done to resolve the incident]")?;
    }
    for act in &a.response {
        let e = &events[act.event];
        let t = e.time.map(|t| format!("{} {}", day(t), hm(t))).unwrap_or_default();
        let who = e.user.as_deref().map(esc).unwrap_or_else(|| "?".into());
        writeln!(out, "- {t} {who}: {} ({})", esc(&e.summary()), cite(e))?;
    }
    writeln!(out)?;
    if !a.restoration.is_empty() {
        writeln!(out, "### Restoration plan (processes still down at the end of the evidence)\n")?;
        writeln!(
            out,
            "Run in this order; check each application's health before the next. Never an `all` command.\n"
        )?;
        writeln!(out, "```bash")?;
        for (n, step) in a.restoration.iter().enumerate() {
            writeln!(out, "# {}. {} ({})", n + 1, step.application, step.environment.as_str())?;
            writeln!(out, "cd {}", step.directory.as_deref().unwrap_or("[directory]"))?;
            let config = step.config.as_deref().unwrap_or("[ecosystem file]");
            if step.whole {
                writeln!(out, "pm2 start {config}")?;
            } else {
                for p in &step.processes {
                    writeln!(out, "pm2 start {config} --only {p}")?;
                }
            }
            match &step.health {
                Some(h) => writeln!(out, "curl -s {h} | jq '.data.status'   # expect \"healthy\"")?,
                None => writeln!(out, "# check its health: [health URL]")?,
            }
        }
        writeln!(out, "pm2 save\npm2 list\n```\n")?;
    }
    writeln!(out, "### Verification checklist (against the latest evidence)\n")?;
    for c in &a.verification {
        let mark = match c.state {
            Check::Met => "[x]",
            Check::Unmet | Check::Unknown => "[ ]",
        };
        writeln!(out, "- {mark} {} — {}: {}", c.item, c.state.as_str(), esc(&c.why))?;
    }
    writeln!(out)?;

    writeln!(out, "## Contributing Factors\n")?;
    let others: Vec<_> = a.root_causes.iter().skip(1).collect();
    if others.is_empty() {
        writeln!(out, "1. [Factor]")?;
    }
    for (n, f) in others.iter().enumerate() {
        writeln!(out, "{}. {} (`{}`, confidence {:.2})", n + 1, esc(&f.title), f.id, f.confidence)?;
    }
    writeln!(out)?;

    writeln!(out, "## Action Items\n")?;
    writeln!(out, "| Action | Owner | Due Date | Status |\n| ------ | ----- | -------- | ------ |")?;
    let mut any = false;
    for f in &a.root_causes {
        if let Some(p) = &f.prevention {
            writeln!(out, "| {} (`{}`) | [Name] | [Date] | [ ] |", esc(p), f.id)?;
            any = true;
        }
    }
    if !any {
        writeln!(out, "| [Action] | [Name] | [Date] | [ ] |")?;
    }
    writeln!(out)?;

    writeln!(out, "## Lessons Learned\n")?;
    writeln!(out, "### 5 Whys\n")?;
    writeln!(out, "```text")?;
    for line in five_whys(timeline, a) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "```\n")?;
    writeln!(out, "### What Went Well\n\n- [Item]\n")?;
    writeln!(out, "### What Could Be Improved\n\n- [Item]\n")?;

    appendix(out, timeline, a, info)
}

/// The timeline's key events: the timing rows, the outages' falls and returns, the top
/// finding's evidence, in time order, each once.
fn key_events<'t>(timeline: &'t Timeline, a: &Analysis) -> Vec<(DateTime<Utc>, String, &'t Event)> {
    let events = &timeline.events;
    // (time, event, rank, words): at equal times and events the timing row's words win, then
    // the outage's, then the evidence's.
    let mut rows: Vec<(DateTime<Utc>, usize, u8, String)> = Vec::new();
    let timing_words = |id: &str| match id {
        "last-healthy" => "Last successful health check",
        "deploy-started" => "Deployment workflow started",
        "first-failure" => "First failure",
        "detected" => "First failed health check",
        "investigation-started" => "Investigation started",
        "restored" => "Last process restored",
        _ => "",
    };
    for r in &a.timing {
        if let Some(i) = r.at {
            if let Some(t) = events[i].time {
                rows.push((t, i, 0, format!("{}: {}", timing_words(r.event), esc(&events[i].summary()))));
            }
        }
    }
    for o in &a.outages {
        let how = match &o.how {
            DownHow::Stopped => "stopped by PM2".to_string(),
            DownHow::Died(c) => format!("died ({c})"),
        };
        rows.push((o.down_at, o.down_event, 1, format!("{} down: {how}", esc(&o.process))));
        if let (Some(t), Some(i)) = (o.up_at, o.up_event) {
            rows.push((t, i, 1, format!("{} back online", esc(&o.process))));
        }
    }
    if let Some(f) = a.root_causes.first() {
        for &i in f.evidence.iter().take(8) {
            if let Some(t) = events[i].time {
                rows.push((t, i, 2, format!("Evidence ({}): {}", f.id, esc(&events[i].summary()))));
            }
        }
    }
    rows.sort();
    rows.dedup_by(|x, y| x.1 == y.1);
    rows.into_iter().map(|(t, i, _, w)| (t, w, &events[i])).collect()
}

/// Rules whose finding says *why* a mechanism ran (they go deeper in the 5 Whys).
const ORIGIN_RULES: [&str; 3] = ["stale-workflow", "concurrent-deployments", "manual-intervention"];

/// The 5 Whys, as far as the evidence goes; the rest is for the review to continue.
fn five_whys(timeline: &Timeline, a: &Analysis) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(w) = a.window else {
        lines.push("Problem: none found in the evidence".into());
        return lines;
    };
    let apps: std::collections::BTreeSet<String> =
        a.outages.iter().map(|o| format!("{} ({})", o.application, o.environment.as_str())).collect();
    lines.push(format!(
        "Problem: {} — {} down from {} {} UTC",
        a.severity.as_str(),
        if apps.is_empty() {
            "health checks failing".to_string()
        } else {
            apps.into_iter().collect::<Vec<_>>().join(", ")
        },
        day(w.start),
        hm(w.start)
    ));
    lines.push(String::new());
    let mut whys: Vec<String> = Vec::new();
    let mechanism = a.root_causes.iter().find(|f| !ORIGIN_RULES.contains(&f.id.as_str()));
    let origin = a.root_causes.iter().find(|f| ORIGIN_RULES.contains(&f.id.as_str()));
    for f in [mechanism, origin].into_iter().flatten() {
        let cite = f
            .evidence
            .iter()
            .map(|&i| &timeline.events[i])
            .find(|e| e.time.is_some())
            .map(|e| format!(" ({}:{})", e.provenance.file, e.line))
            .unwrap_or_default();
        whys.push(format!("{}{cite}", f.title.replace('`', "")));
    }
    for (n, why) in whys.iter().enumerate() {
        lines.push(format!("Why {}: {why}", n + 1));
    }
    for n in whys.len() + 1..=5 {
        lines.push(format!("Why {n}: [continue in the review: the evidence stops here]"));
    }
    lines.push(String::new());
    lines.push("Root Cause: [agree in the review]".into());
    let prevention = a
        .root_causes
        .first()
        .and_then(|f| f.prevention.clone())
        .unwrap_or_else(|| "[Preventive Measure]".into());
    lines.push(format!("Preventive Measure: {prevention}"));
    lines
}

fn appendix<W: Write>(out: &mut W, timeline: &Timeline, a: &Analysis, info: &RunInfo) -> io::Result<()> {
    writeln!(out, "## Appendix\n")?;
    writeln!(out, "### Evidence\n")?;
    writeln!(out, "| Input | Format | SHA-256 | Lines | Events | Unparsed |\n| ----- | ------ | ------- | ----- | ------ | -------- |")?;
    for i in timeline.bundles.iter().flat_map(|b| &b.inputs).filter(|i| i.status == InputStatus::Parsed) {
        writeln!(
            out,
            "| {} | {} | `{}` | {} | {} | {} |",
            esc(&i.file),
            i.format.map(|f| f.id()).unwrap_or(""),
            i.sha256,
            i.counts.total(),
            i.event_count,
            i.counts.unparsed
        )?;
    }
    let assumptions: Vec<String> = timeline
        .bundles
        .iter()
        .flat_map(|b| &b.inputs)
        .flat_map(|i| i.assumptions.iter().map(move |x| format!("{}: {x}", i.file)))
        .collect();
    if !assumptions.is_empty() {
        writeln!(out, "\n### Assumptions\n")?;
        for x in assumptions {
            writeln!(out, "- {}", esc(&x))?;
        }
    }
    writeln!(out, "\n### Rules evaluated\n")?;
    writeln!(out, "| Rule | Confidence | Verdict |\n| ---- | ---------- | ------- |")?;
    for f in &a.root_causes {
        writeln!(out, "| `{}` | {:.2} | root cause |", f.id, f.confidence)?;
    }
    for f in &a.ruled_out {
        writeln!(out, "| `{}` | {:.2} | ruled out: {} |", f.id, f.confidence, esc(&f.why_not))?;
    }
    writeln!(out, "\n### Produced by\n")?;
    writeln!(out, "- postmortem {}", env!("CARGO_PKG_VERSION"))?;
    for (k, v) in &info.options {
        writeln!(out, "- {k}: {}", esc(v))?;
    }
    Ok(())
}
