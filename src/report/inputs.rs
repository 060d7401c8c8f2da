//! `postmortem inputs`: what was read, how, and what was assumed.

use std::io::{self, Write};

use serde_json::json;

use crate::evidence::{Input, InputStatus};
use crate::report::table;
use crate::timeline::Timeline;

/// Output format of `postmortem inputs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputsFormat {
    /// A table, then the assumptions and unparsed lines per input.
    Table,
    /// One JSON object per input, one per line.
    Jsonl,
}

fn status_text(input: &Input) -> (String, String) {
    match &input.status {
        InputStatus::Parsed => {
            (input.format.map(|f| f.id().to_string()).unwrap_or_default(), input.format_reason.clone())
        }
        InputStatus::Archive => ("archive".into(), input.format_reason.clone()),
        InputStatus::Manifest => ("manifest".into(), input.format_reason.clone()),
        InputStatus::Skipped(why) => ("skipped".into(), why.clone()),
        InputStatus::Failed(why) => ("failed".into(), why.clone()),
    }
}

/// Writes the inputs of every bundle.
pub fn write<W: Write>(
    out: &mut W,
    timeline: &Timeline,
    format: InputsFormat,
    width: usize,
) -> io::Result<()> {
    let inputs = timeline.bundles.iter().flat_map(|b| &b.inputs);
    match format {
        InputsFormat::Jsonl => {
            for input in inputs {
                let (format, reason) = status_text(input);
                let value = json!({
                    "file": input.file,
                    "format": format,
                    "reason": reason,
                    "sha256": input.sha256,
                    "size": input.size,
                    "lines": {
                        "total": input.counts.total(),
                        "event": input.counts.events,
                        "continuation": input.counts.continuation,
                        "structural": input.counts.structural,
                        "unparsed": input.counts.unparsed,
                    },
                    "events": input.event_count,
                    "first": input.span.map(|s| s.0.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
                    "last": input.span.map(|s| s.1.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
                    "mtime": input.mtime.filter(|_| input.status == InputStatus::Parsed).map(|m| json!({"time": m.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "source": m.source.label()})),
                    "assumptions": input.assumptions,
                    "unparsed": input.unparsed.iter().map(|u| json!({"line": u.line, "reason": u.reason})).collect::<Vec<_>>(),
                    "truncated_lines": input.truncated_lines,
                });
                serde_json::to_writer(&mut *out, &value)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        InputsFormat::Table => {
            // File names (archive members) and reasons come from the evidence.
            let out = &mut crate::report::safe::TerminalLines::new(out);
            let mut rows = vec![[
                "input",
                "format",
                "sha256",
                "lines: total = event + cont + struct + unparsed",
                "events",
                "first – last (UTC)",
            ]
            .map(String::from)
            .to_vec()];
            let mut notes = Vec::new();
            for input in inputs {
                let (format, reason) = status_text(input);
                let c = &input.counts;
                rows.push(vec![
                    input.file.clone(),
                    format,
                    input.sha256.get(..16).map(|s| format!("{s}…")).unwrap_or_default(),
                    if c.total() > 0 {
                        format!(
                            "{} = {} + {} + {} + {}",
                            c.total(),
                            c.events,
                            c.continuation,
                            c.structural,
                            c.unparsed
                        )
                    } else {
                        String::new()
                    },
                    input.event_count.to_string(),
                    input
                        .span
                        .map(|(a, b)| {
                            format!("{} – {}", a.format("%Y-%m-%d %H:%M:%S"), b.format("%Y-%m-%d %H:%M:%S"))
                        })
                        .unwrap_or_default(),
                ]);
                let mut lines = vec![format!("  format: {reason}")];
                lines.extend(input.assumptions.iter().map(|a| format!("  assumed: {a}")));
                // Only parsed inputs' mtimes matter (years); a manifest's or an archive's own
                // file-system time would only make the output differ between checkouts.
                if let Some(m) = input.mtime.filter(|_| input.status == InputStatus::Parsed) {
                    lines.push(format!(
                        "  mtime: {} ({})",
                        m.time.format("%Y-%m-%dT%H:%M:%SZ"),
                        m.source.label()
                    ));
                }
                for u in input.unparsed.iter().take(20) {
                    lines.push(format!("  unparsed line {}: {}", u.line, u.reason));
                }
                if input.counts.unparsed > 20 {
                    lines.push(format!(
                        "  … {} more unparsed lines (see --format jsonl)",
                        input.counts.unparsed - 20
                    ));
                }
                for t in &input.truncated_lines {
                    lines.push(format!("  line {t} was longer than the read window and was cut"));
                }
                notes.push(format!("{} (sha256 {})\n{}", input.file, input.sha256, lines.join("\n")));
            }
            writeln!(out, "{}", table::render(rows, width))?;
            for n in notes {
                writeln!(out, "\n{n}")?;
            }
            Ok(())
        }
    }
}
