//! Outages: per PM2 process, when it went down, how, and when it came back.
//!
//! A state machine over the dated PM2 events of the timeline (in time order): an `app-exit`
//! of its last online instance takes a process down (a cluster reload's `_old_N` worker
//! exiting after its successor came online does not); an `app-online` brings it back. A
//! process that falls again within the grace of coming back is flapping: its outage starts at
//! its first fall. A process back online within the
//! grace period had no outage (a restart). A process still down at the end of the evidence
//! is not restored; its downtime runs to the end of the evidence.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use crate::event::Event;
use crate::inventory::{Environment, Inventory};

/// How a process went down, from the exit event's `cause` (see the event contract).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownHow {
    /// PM2 stopped it on request (`Stopping app` first; cause `stopped` or `escalated`).
    Stopped,
    /// It died: cause `crash`, `external-signal`, `clean-exit` or `unknown`.
    Died(String),
}

/// One process's outage.
#[derive(Clone, Debug)]
pub struct Outage {
    /// PM2 process name.
    pub process: String,
    /// Its application (inventory).
    pub application: String,
    /// Its environment (inventory).
    pub environment: Environment,
    /// When it went down.
    pub down_at: DateTime<Utc>,
    /// Index of the event that took it down.
    pub down_event: usize,
    /// How it went down.
    pub how: DownHow,
    /// When it came back, if it did.
    pub up_at: Option<DateTime<Utc>>,
    /// Index of the event that brought it back.
    pub up_event: Option<usize>,
    /// Downtime in seconds (to the end of the evidence when not restored).
    pub downtime_seconds: i64,
}

impl Outage {
    /// Whether it came back before the evidence ends.
    pub fn restored(&self) -> bool {
        self.up_at.is_some()
    }
}

/// A brief restart: down at, the event, how, back at.
type Brief = (DateTime<Utc>, usize, DownHow, DateTime<Utc>);

/// The outages of the timeline, ordered by time down then process name; `evidence_end` is
/// the last dated instant of the evidence (kept events or not).
pub fn outages(
    events: &[Event],
    evidence_end: Option<DateTime<Utc>>,
    inventory: &Inventory,
    grace: Duration,
) -> Vec<Outage> {
    let mut down: BTreeMap<&str, (DateTime<Utc>, usize, DownHow)> = BTreeMap::new();
    // Instances (pm_ids) online per process: a cluster process is down only when its last
    // instance exits (a reload's `_old_N` worker exits after its successor is online).
    let mut online: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    // A brief restart (down, back within the grace): (down at, event, how, back at). When the
    // process goes down again within the grace of coming back, it was flapping: the outage
    // starts at the first fall (a crash loop's first crash, not its last).
    let mut brief: BTreeMap<&str, Brief> = BTreeMap::new();
    let mut found = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let (Some(t), Some(process)) = (e.time, e.process.as_deref()) else { continue };
        if e.source != "pm2" || Inventory::is_tooling(process) {
            continue;
        }
        match e.kind {
            "app-exit" => {
                let instances = online.entry(process).or_default();
                match e.pm_id.as_deref() {
                    Some(id) => {
                        instances.remove(id);
                    }
                    None => instances.clear(),
                }
                if !instances.is_empty() {
                    continue;
                }
                let flapping = brief.remove(process).filter(|(_, _, _, back)| t - *back <= grace);
                down.entry(process).or_insert_with(|| match flapping {
                    Some((at, idx, how, _)) => (at, idx, how),
                    None => {
                        let how = match e.str_field("cause") {
                            Some("stopped" | "escalated") => DownHow::Stopped,
                            Some(cause) => DownHow::Died(cause.to_string()),
                            None => DownHow::Died("unknown".into()),
                        };
                        (t, i, how)
                    }
                });
            }
            "app-online" => {
                online.entry(process).or_default().insert(e.pm_id.as_deref().unwrap_or(""));
                if let Some((at, idx, how)) = down.remove(process) {
                    if t - at > grace {
                        found.push(outage(process, inventory, at, idx, how, Some((t, i)), t));
                    } else {
                        brief.insert(process, (at, idx, how, t));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(end) = evidence_end {
        for (process, (at, idx, how)) in down {
            found.push(outage(process, inventory, at, idx, how, None, end));
        }
    }
    found.sort_by(|a, b| a.down_at.cmp(&b.down_at).then_with(|| a.process.cmp(&b.process)));
    found
}

fn outage(
    process: &str,
    inventory: &Inventory,
    down_at: DateTime<Utc>,
    down_event: usize,
    how: DownHow,
    up: Option<(DateTime<Utc>, usize)>,
    evidence_end: DateTime<Utc>,
) -> Outage {
    let (application, environment) = match inventory.application_of(process) {
        Some(app) => (app.name.clone(), app.environment.clone()),
        None => {
            let inferred = Inventory::infer(&[process]);
            match inferred.applications.first() {
                Some(app) => (app.name.clone(), app.environment.clone()),
                None => (process.to_string(), Environment::Production),
            }
        }
    };
    let until = up.map(|(t, _)| t).unwrap_or(evidence_end);
    Outage {
        process: process.to_string(),
        application,
        environment,
        down_at,
        down_event,
        how,
        up_at: up.map(|(t, _)| t),
        up_event: up.map(|(_, i)| i),
        downtime_seconds: (until - down_at).num_seconds().max(0),
    }
}
