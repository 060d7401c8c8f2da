//! What to do now: the restoration plan for the production (then test) processes the latest
//! evidence shows down, in the inventory's priority order, and the runbook's verification
//! checklist evaluated against the latest snapshot.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::matchers::command_of;
use super::Context;
use crate::event::Event;
use crate::inventory::{Application, Environment, Inventory};

/// One application to bring back.
#[derive(Clone, Debug)]
pub struct RestoreStep {
    /// The application.
    pub application: String,
    /// Its environment.
    pub environment: Environment,
    /// The processes down (every one of the application's, or some).
    pub processes: Vec<String>,
    /// Whether every process of the application is down (start the whole config).
    pub whole: bool,
    /// The directory to run pm2 in (`None`: the inventory does not say).
    pub directory: Option<String>,
    /// The ecosystem file.
    pub config: Option<String>,
    /// The health URL to check after.
    pub health: Option<String>,
}

/// How one checklist item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The evidence shows it.
    Met,
    /// The evidence shows it is not.
    Unmet,
    /// The evidence cannot tell.
    Unknown,
}

impl Check {
    /// `met`, `unmet`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Met => "met",
            Check::Unmet => "unmet",
            Check::Unknown => "unknown",
        }
    }
}

/// One item of the runbook's verification checklist.
#[derive(Clone, Debug)]
pub struct CheckItem {
    /// The runbook's words.
    pub item: &'static str,
    /// How it stands.
    pub state: Check,
    /// Why, citing the evidence.
    pub why: String,
}

/// Restoration order of an application: inventory priority, environment, name.
type AppKey = (Option<u32>, u8, String);

/// The processes down at the end of the evidence, and what to run, in restoration order.
pub fn plan(ctx: &Context<'_>) -> Vec<RestoreStep> {
    let mut down: BTreeSet<String> =
        ctx.outages.iter().filter(|o| !o.restored()).map(|o| o.process.clone()).collect();
    if let Some((_, rows)) = latest_snapshot(ctx.events) {
        for e in rows {
            if let (Some(p), Some(status)) = (&e.process, e.str_field("status")) {
                if status == "online" {
                    down.remove(p);
                } else if !Inventory::is_tooling(p) {
                    down.insert(p.clone());
                }
            }
        }
    }
    let mut by_app: BTreeMap<AppKey, (Option<&Application>, Vec<String>)> = BTreeMap::new();
    for process in down {
        let app = ctx.inventory.application_of(&process);
        let (name, env_rank, priority) = match app {
            Some(a) => (a.name.clone(), env_rank(&a.environment), a.priority),
            None => (process.clone(), 2, None),
        };
        let key = (priority.or(Some(u32::MAX)), env_rank, name);
        by_app.entry(key).or_insert_with(|| (app, Vec::new())).1.push(process);
    }
    by_app
        .into_iter()
        .map(|((_, _, name), (app, mut processes))| {
            // Inside an application: the inventory's order (API first), then by name.
            let order =
                |p: &String| app.and_then(|a| a.processes.iter().position(|q| q == p)).unwrap_or(usize::MAX);
            processes.sort_by(|a, b| order(a).cmp(&order(b)).then_with(|| a.cmp(b)));
            let whole = app.is_some_and(|a| {
                a.processes.iter().all(|p| p.contains('*') || processes.contains(p))
                    && !a.processes.is_empty()
            });
            RestoreStep {
                application: name,
                environment: app.map(|a| a.environment.clone()).unwrap_or(Environment::Production),
                processes,
                whole,
                directory: app.and_then(|a| a.directory.clone()),
                config: app.and_then(|a| a.config.clone()),
                health: app.and_then(|a| a.health.clone()),
            }
        })
        .collect()
}

fn env_rank(env: &Environment) -> u8 {
    match env {
        Environment::Production => 0,
        Environment::Test => 1,
        Environment::Other(_) => 2,
    }
}

/// The rows of the latest PM2 snapshot (jlist, dump or list) and its time.
fn latest_snapshot(events: &[Event]) -> Option<(DateTime<Utc>, Vec<&Event>)> {
    let snapshots =
        || events.iter().filter(|e| e.kind == "snapshot-process" && e.str_field("snapshot") != Some("dump"));
    let latest = snapshots().filter_map(|e| e.time).max()?;
    // One row per process (a jlist and a pm2 list taken together show the same processes).
    let mut seen = BTreeSet::new();
    let rows = snapshots()
        .filter(|e| e.time == Some(latest))
        .filter(|e| seen.insert(e.process.clone().unwrap_or_default()))
        .collect();
    Some((latest, rows))
}

/// A restart count at or above this is "high" (the runbook's checklist).
pub const HIGH_RESTARTS: i64 = 10;

/// The runbook's verification checklist, against the latest snapshot and the evidence after
/// the restoration.
pub fn checklist(ctx: &Context<'_>) -> Vec<CheckItem> {
    let snapshot = latest_snapshot(ctx.events);
    let restored_at = ctx.window.and_then(|w| w.end);
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut items = Vec::new();
    // Expected: the inventory's named processes and every process the evidence shows.
    let mut expected: BTreeSet<String> = ctx
        .inventory
        .applications
        .iter()
        .flat_map(|a| a.processes.iter())
        .filter(|p| !p.contains('*'))
        .cloned()
        .collect();
    expected.extend(ctx.events.iter().filter(|e| e.source == "pm2").filter_map(|e| e.process.clone()));
    expected.retain(|p| !Inventory::is_tooling(p));
    match &snapshot {
        Some((t, rows)) => {
            let online: BTreeSet<&str> = rows
                .iter()
                .filter(|e| e.str_field("status") == Some("online"))
                .filter_map(|e| e.process.as_deref())
                .collect();
            let missing: Vec<&str> =
                expected.iter().map(String::as_str).filter(|p| !online.contains(p)).collect();
            items.push(CheckItem {
                item: "`pm2 list` shows all expected processes as `online`",
                state: if missing.is_empty() { Check::Met } else { Check::Unmet },
                why: if missing.is_empty() {
                    format!("all {} online in the snapshot of {}", online.len(), at(*t))
                } else {
                    format!("not online in the snapshot of {}: {}", at(*t), missing.join(", "))
                },
            });
            let high: Vec<String> = rows
                .iter()
                .filter(|e| e.int_field("restart_time").is_some_and(|n| n >= HIGH_RESTARTS))
                .map(|e| {
                    format!(
                        "{} (↺ {})",
                        e.process.as_deref().unwrap_or("?"),
                        e.int_field("restart_time").unwrap_or(0)
                    )
                })
                .collect();
            let counted = rows.iter().any(|e| e.int_field("restart_time").is_some());
            items.push(CheckItem {
                item: "No processes showing high restart count",
                state: if !high.is_empty() {
                    Check::Unmet
                } else if counted {
                    Check::Met
                } else {
                    Check::Unknown
                },
                why: if !high.is_empty() {
                    high.join(", ")
                } else if counted {
                    format!("every restart count below {HIGH_RESTARTS}")
                } else {
                    "the snapshot has no restart counts".into()
                },
            });
            let bad: Vec<String> = rows
                .iter()
                .filter(|e| matches!(e.str_field("status"), Some("errored" | "stopped")))
                .map(|e| {
                    format!("{} {}", e.process.as_deref().unwrap_or("?"), e.str_field("status").unwrap_or(""))
                })
                .collect();
            items.push(CheckItem {
                item: "No processes showing `errored` or `stopped` status",
                state: if bad.is_empty() { Check::Met } else { Check::Unmet },
                why: if bad.is_empty() {
                    format!("none in the snapshot of {}", at(*t))
                } else {
                    bad.join(", ")
                },
            });
        }
        None => {
            for item in [
                "`pm2 list` shows all expected processes as `online`",
                "No processes showing high restart count",
                "No processes showing `errored` or `stopped` status",
            ] {
                items.push(CheckItem {
                    item,
                    state: Check::Unknown,
                    why: "no PM2 snapshot in the evidence".into(),
                });
            }
        }
    }
    // Only checks made after the incident began say whether it is over.
    let since = ctx.window.map(|w| w.start);
    let last_health = ctx
        .events
        .iter()
        .rfind(|e| e.kind == "health-check" && e.time.is_some_and(|t| since.is_none_or(|s| t >= s)));
    items.push(match last_health {
        Some(e) => {
            let status = e.int_field("status").unwrap_or(0);
            CheckItem {
                item: "Production health check returns `healthy`",
                state: if (200..400).contains(&status) { Check::Met } else { Check::Unmet },
                why: format!(
                    "last health check {} answered {status} ({}:{})",
                    e.time.map(at).unwrap_or_default(),
                    e.provenance.file,
                    e.line
                ),
            }
        }
        None => CheckItem {
            item: "Production health check returns `healthy`",
            state: Check::Unknown,
            why: "no health check in the evidence after the incident began".into(),
        },
    });
    let saves: Vec<&Event> = ctx.events.iter().filter(|e| is_pm2_save(e)).collect();
    let saved_after = restored_at.and_then(|r| saves.iter().find(|e| e.time.is_some_and(|t| t >= r)));
    items.push(match (restored_at, saved_after) {
        (Some(_), Some(e)) => CheckItem {
            item: "PM2 process list saved: `pm2 save`",
            state: Check::Met,
            why: format!("{} ({}:{})", e.time.map(at).unwrap_or_default(), e.provenance.file, e.line),
        },
        (Some(r), None) => CheckItem {
            item: "PM2 process list saved: `pm2 save`",
            state: Check::Unknown,
            why: format!("no `pm2 save` in the evidence after the restore at {}", at(r)),
        },
        (None, _) => CheckItem {
            item: "PM2 process list saved: `pm2 save`",
            state: Check::Unmet,
            why: "not everything is restored yet".into(),
        },
    });
    items
}

/// A `pm2 save` run or its output.
fn is_pm2_save(e: &Event) -> bool {
    e.message.contains("Saving current process list")
        || command_of(e).is_some_and(|c| {
            c.split_whitespace().collect::<Vec<_>>().windows(2).any(|w| w == ["pm2", "save"])
        })
}
