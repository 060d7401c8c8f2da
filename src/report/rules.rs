//! `postmortem rules`: the root-cause rules loaded and the matchers they may use.

use std::io::{self, Write};

use crate::analysis::matchers::NAMES;
use crate::analysis::rules::{Finder, Rule, THRESHOLD};

/// Writes every rule with its evidence items, then the matchers.
pub fn write<W: Write>(out: &mut W, rules: &[Rule]) -> io::Result<()> {
    writeln!(
        out,
        "Root-cause rules (confidence = 0 if a required item is missing, else 1 - Π(1 - weight) over the items \
         found; ≥ {THRESHOLD} is a root cause):\n"
    )?;
    for rule in rules {
        writeln!(out, "{}  ({})\n  {}", rule.id, rule.origin, rule.title)?;
        if let Some(e) = &rule.runbook_evidence {
            writeln!(out, "  runbook evidence: {e}")?;
        }
        for item in &rule.evidence {
            let how = match &item.finder {
                Finder::Matcher { name, args } if args.is_empty() => format!("matcher {name}"),
                Finder::Matcher { name, args } => format!("matcher {name} {}", inline(args)),
                Finder::Pattern(_) => "pattern".to_string(),
            };
            writeln!(
                out,
                "    {} {:.2}  {}  [{how}]",
                if item.required { "required" } else { "        " },
                item.weight,
                item.what
            )?;
        }
        if let Some(p) = &rule.prevention {
            writeln!(out, "  prevention: {p}")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Matchers:")?;
    for (name, what) in NAMES {
        writeln!(out, "  {name:<28} {what}")?;
    }
    Ok(())
}

fn inline(args: &toml::Table) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => format!("{k}={s:?}"),
            toml::Value::Integer(n) => format!("{k}={n}"),
            toml::Value::Boolean(b) => format!("{k}={b}"),
            other => format!("{k}={other:?}"),
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}
