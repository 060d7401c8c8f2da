//! From a merged timeline to a verdict: outages, the incident window, severity, the timing
//! table, the response, and root-cause findings with the evidence lines that support them.
//!
//! Data flows one way: [`outage`] (per-process state machine) → the incident [`Window`] →
//! [`rules`] (the runbook's root-cause table as data, evaluated in parallel, with
//! [`matchers`] for what needs code), [`timing`] (severity, the runbook's Step 5 table,
//! the responders' actions) and [`restore`] (the restoration plan, the verification checklist). Nothing here formats text; `report::analysis` does.

pub mod interest;
pub mod matchers;
pub mod outage;
pub mod restore;
pub mod rules;
pub mod timing;

use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;

use crate::event::Event;
use crate::inventory::Inventory;
use crate::timeline::Timeline;
use outage::Outage;
use rules::{Finding, Rule};
use timing::{Action, Severity, TimingRow};

/// What `analyze` takes beyond the evidence.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// A process back online within this long had no outage (`--grace`, default 60 s).
    pub grace: Duration,
    /// How far before the first failure to look for causes (`--lookback`, default 15 min).
    pub lookback: Duration,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions { grace: Duration::seconds(60), lookback: Duration::minutes(15) }
    }
}

/// The incident window: from the first failure to the last restoration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The first process down or the first failed health check.
    pub start: DateTime<Utc>,
    /// The last process back; `None` while some never came back.
    pub end: Option<DateTime<Utc>>,
    /// The last dated event of the evidence.
    pub evidence_end: DateTime<Utc>,
    /// Index of the event that opened the window.
    pub start_event: usize,
}

impl Window {
    /// The window's end, or the end of the evidence while processes are still down.
    pub fn end_or_evidence(&self) -> DateTime<Utc> {
        self.end.unwrap_or(self.evidence_end)
    }
}

/// What a rule or matcher can see.
pub struct Context<'a> {
    /// The timeline's events: dated ones in time order, then undated ones.
    pub events: &'a [Event],
    /// Processes → applications.
    pub inventory: &'a Inventory,
    /// The outages.
    pub outages: &'a [Outage],
    /// The incident window (`None`: no incident).
    pub window: Option<Window>,
    /// Grace and look-back.
    pub options: &'a AnalyzeOptions,
}

/// The verdict on one timeline.
#[derive(Debug)]
pub struct Analysis {
    /// P1, P2, P3 or none.
    pub severity: Severity,
    /// The incident window, if there was an incident.
    pub window: Option<Window>,
    /// The outages.
    pub outages: Vec<Outage>,
    /// Root causes (confidence ≥ 0.5), most confident first.
    pub root_causes: Vec<Finding>,
    /// Rules that did not reach 0.5, with why.
    pub ruled_out: Vec<Finding>,
    /// The runbook's Step 5 timing table.
    pub timing: Vec<TimingRow>,
    /// What people did after the window began.
    pub response: Vec<Action>,
    /// What to bring back now, in restoration order (empty: nothing is down).
    pub restoration: Vec<restore::RestoreStep>,
    /// The runbook's verification checklist against the latest evidence.
    pub verification: Vec<restore::CheckItem>,
}

/// Analyzes a timeline with the given rules.
pub fn analyze(
    timeline: &Timeline,
    inventory: &Inventory,
    rules: &[Rule],
    options: &AnalyzeOptions,
) -> Analysis {
    let events = &timeline.events;
    let evidence_end = timeline.evidence_span().map(|(_, end)| end);
    let outages = outage::outages(events, evidence_end, inventory, options.grace);
    let window = evidence_end.and_then(|end| window(events, end, &outages, options.grace));
    let ctx = Context { events, inventory, outages: &outages, window, options };
    let mut findings: Vec<Finding> = rules.par_iter().map(|rule| rule.evaluate(&ctx)).collect();
    // Most confident first; ties by id, so the order never depends on threads.
    findings.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then_with(|| a.id.cmp(&b.id)));
    let (root_causes, ruled_out) = findings.into_iter().partition(|f| f.confidence >= rules::THRESHOLD);
    let severity = timing::severity(&outages);
    let timing = timing::timing(&ctx);
    let response = timing::response(&ctx);
    let restoration = restore::plan(&ctx);
    let verification = restore::checklist(&ctx);
    Analysis {
        severity,
        window,
        outages,
        root_causes,
        ruled_out,
        timing,
        response,
        restoration,
        verification,
    }
}

/// The window from the outages and the failed health checks.
///
/// With outages, the window opens at the first one, or at a failed health check shortly before
/// it (within the grace) when no successful check came in between: a check that failed during
/// an earlier brief restart is not the incident's beginning. Without outages, two or more failed
/// checks open it at the first.
fn window(
    events: &[Event],
    evidence_end: DateTime<Utc>,
    outages: &[Outage],
    grace: Duration,
) -> Option<Window> {
    let checks: Vec<(DateTime<Utc>, usize, bool)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == "health-check" || timing::is_failed_health_check(e))
        .filter_map(|(i, e)| e.time.map(|t| (t, i, timing::is_failed_health_check(e))))
        .collect();
    let (start, start_event) = match outages.iter().map(|o| (o.down_at, o.down_event)).min() {
        Some((down, idx)) => {
            // Walk back from the outage through failed checks, stopping at a healthy one.
            let mut start = (down, idx);
            for &(t, i, failed) in checks.iter().rev().filter(|(t, _, _)| *t < down) {
                if !failed || down - t > grace {
                    break;
                }
                start = (t, i);
            }
            start
        }
        None => {
            let failed: Vec<&(DateTime<Utc>, usize, bool)> = checks.iter().filter(|c| c.2).collect();
            match failed.first() {
                Some(&&(t, i, _)) if failed.len() >= 2 => (t, i),
                _ => return None,
            }
        }
    };
    let end = if outages.iter().all(Outage::restored) {
        outages.iter().filter_map(|o| o.up_at).max().or(Some(start))
    } else {
        None
    };
    Some(Window { start, end, evidence_end, start_event })
}
