//! `postmortem inventory`: the applications, their processes and how to bring them back.

use std::io::{self, Write};

use serde_json::json;

use crate::inventory::{Inventory, InventorySource};
use crate::report::inputs::InputsFormat;
use crate::report::table;

/// Where an application's description came from, in words.
fn source_text(source: &InventorySource) -> String {
    match source {
        InventorySource::File(p) => format!("inventory file {}", p.display()),
        InventorySource::Ecosystem(p) => format!("ecosystem file {}", p.display()),
        InventorySource::Inferred => "inferred from process names".into(),
    }
}

/// Writes the applications in restoration order.
pub fn write<W: Write>(
    out: &mut W,
    inventory: &Inventory,
    format: InputsFormat,
    width: usize,
) -> io::Result<()> {
    match format {
        InputsFormat::Jsonl => {
            for app in &inventory.applications {
                let value = json!({
                    "application": app.name,
                    "environment": app.environment.as_str(),
                    "priority": app.priority,
                    "processes": app.processes,
                    "directory": app.directory,
                    "config": app.config,
                    "site": app.site,
                    "health": app.health,
                    "source": source_text(&app.source),
                });
                serde_json::to_writer(&mut *out, &value)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        InputsFormat::Table => {
            // Process names and commands come from the evidence.
            let out = &mut crate::report::safe::TerminalLines::new(out);
            let mut rows =
                vec![["priority", "application", "environment", "processes", "start with", "health", "from"]
                    .map(String::from)
                    .to_vec()];
            for app in &inventory.applications {
                let start = match (&app.directory, &app.config) {
                    (Some(d), Some(c)) => format!("cd {d} && pm2 start {c}"),
                    (None, Some(c)) => format!("pm2 start {c}"),
                    (Some(d), None) => d.clone(),
                    (None, None) => String::new(),
                };
                rows.push(vec![
                    app.priority.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                    app.name.clone(),
                    app.environment.as_str().to_string(),
                    app.processes.join(", "),
                    start,
                    app.health.clone().unwrap_or_default(),
                    source_text(&app.source),
                ]);
            }
            writeln!(out, "{}", table::render(rows, width))
        }
    }
}
