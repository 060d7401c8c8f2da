//! Severity (the runbook's decision tree), the runbook's Step 5 timing table, and what the
//! responders did after the window began.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use postmortem_parsers::command::runs_pm2;

use super::matchers::command_of;
use super::outage::Outage;
use super::Context;
use crate::event::Event;
use crate::inventory::Environment;

/// The runbook's severity classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Production processes of two or more applications down.
    P1,
    /// One production application down.
    P2,
    /// Test environment only.
    P3,
    /// Nothing was down.
    None,
}

impl Severity {
    /// `P1`, `P2`, `P3`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
            Severity::None => "none",
        }
    }

    /// The runbook's words for it.
    pub fn meaning(self) -> &'static str {
        match self {
            Severity::P1 => "CRITICAL: production processes of two or more applications down",
            Severity::P2 => "HIGH: one production application down",
            Severity::P3 => "MEDIUM: test environment only",
            Severity::None => "no process was down longer than the grace period",
        }
    }
}

/// The runbook's decision tree over the outages.
pub fn severity(outages: &[Outage]) -> Severity {
    let production: BTreeSet<&str> = outages
        .iter()
        .filter(|o| o.environment == Environment::Production)
        .map(|o| o.application.as_str())
        .collect();
    match production.len() {
        0 if outages.is_empty() => Severity::None,
        0 => Severity::P3,
        1 => Severity::P2,
        _ => Severity::P1,
    }
}

/// A failed health check or a refused upstream in the web server's logs.
pub fn is_failed_health_check(e: &Event) -> bool {
    (e.kind == "health-check" && e.int_field("status").is_some_and(|s| s >= 500))
        || matches!(e.kind, "upstream-refused" | "no-live-upstreams")
}

/// One row of the timing table.
#[derive(Clone, Debug)]
pub struct TimingRow {
    /// Stable id: `last-healthy`, `deploy-started`, `first-failure`, `detected`,
    /// `investigation-started`, `restored`.
    pub event: &'static str,
    /// The event that shows it, if the evidence has one.
    pub at: Option<usize>,
}

/// The timing rows' ids, in table order.
pub const TIMING_EVENTS: [&str; 6] =
    ["last-healthy", "deploy-started", "first-failure", "detected", "investigation-started", "restored"];

/// The runbook's Step 5 table.
pub fn timing(ctx: &Context<'_>) -> Vec<TimingRow> {
    let Some(window) = ctx.window else {
        return TIMING_EVENTS.iter().map(|&event| TimingRow { event, at: None }).collect();
    };
    let dated = || ctx.events.iter().enumerate().filter_map(|(i, e)| e.time.map(|t| (i, e, t)));
    let before = |t: DateTime<Utc>| t <= window.start;
    let last_healthy = dated()
        .filter(|(_, e, t)| {
            before(*t)
                && e.kind == "health-check"
                && e.int_field("status").is_some_and(|s| (200..400).contains(&s))
        })
        .map(|(i, _, _)| i)
        .next_back()
        .or_else(|| {
            let down: BTreeSet<&str> = ctx.outages.iter().map(|o| o.process.as_str()).collect();
            dated()
                .filter(|(_, e, t)| {
                    *t < window.start
                        && e.kind == "app-online"
                        && e.process.as_deref().is_some_and(|p| down.contains(p))
                })
                .map(|(i, _, _)| i)
                .next_back()
        });
    let lookback_from = window.start - ctx.options.lookback;
    let deploy_started = dated()
        .filter(|(_, e, t)| {
            *t >= lookback_from
                && before(*t)
                && e.source == "ci"
                && matches!(e.kind, "ci-job-start" | "ci-step")
        })
        .map(|(i, _, _)| i)
        .next();
    let detected =
        dated().find(|(_, e, t)| *t >= window.start && is_failed_health_check(e)).map(|(i, _, _)| i);
    let investigation = response_events(ctx).into_iter().next();
    let restored = match window.end {
        Some(_) => ctx.outages.iter().filter_map(|o| o.up_event.map(|i| (o.up_at, i))).max().map(|(_, i)| i),
        None => None,
    };
    vec![
        TimingRow { event: "last-healthy", at: last_healthy },
        TimingRow { event: "deploy-started", at: deploy_started },
        TimingRow { event: "first-failure", at: Some(window.start_event) },
        TimingRow { event: "detected", at: detected },
        TimingRow { event: "investigation-started", at: investigation },
        TimingRow { event: "restored", at: restored },
    ]
}

/// An action a person took after the window began.
#[derive(Clone, Debug)]
pub struct Action {
    /// The event.
    pub event: usize,
}

/// Events of people acting after the window began (strictly after: the command that opened it
/// is the cause, not the response): logins, sudo, shell commands running pm2
/// or anything through sudo.
fn response_events(ctx: &Context<'_>) -> Vec<usize> {
    let Some(window) = ctx.window else { return Vec::new() };
    ctx.events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.time.is_some_and(|t| t > window.start))
        .filter(|(_, e)| match (e.source, e.kind) {
            ("auth", "ssh-login") | ("auth", "sudo") | ("auth", "su") => true,
            ("shell", "shell-command") => command_of(e).is_some_and(runs_pm2),
            _ => false,
        })
        .map(|(i, _)| i)
        .collect()
}

/// What the responders did, for the report's Resolution.
pub fn response(ctx: &Context<'_>) -> Vec<Action> {
    response_events(ctx).into_iter().map(|event| Action { event }).collect()
}
