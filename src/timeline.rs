//! The merged timeline: every bundle loaded (in parallel), times resolved, events merged
//! into one deterministic order, then filtered.
//!
//! Order: dated events by (UTC time, file, line); undated events after them, by (file,
//! line). The key is total, so the order never depends on the thread count.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::clock::{resolve_bundle_keeping_clock, BundleClock, TimeOptions};
use crate::event::Event;
use crate::evidence::{self, Bundle, InputStatus, LoadOptions};

/// The merged, sorted events of all evidence, with the inputs they came from.
#[derive(Debug)]
pub struct Timeline {
    /// The bundles read, with their inputs (events moved out into `events`).
    pub bundles: Vec<Bundle>,
    /// All events in timeline order.
    pub events: Vec<Event>,
}

/// Loads every evidence argument, resolves times, and merges the events.
pub fn build(paths: &[PathBuf], load: &LoadOptions, time: &TimeOptions) -> Timeline {
    build_keeping_clocks(paths, load, time).0
}

/// [`build`], also returning each bundle's clock (for resolving the records not kept later:
/// the streamed timeline's second pass, see `crate::stream`).
pub fn build_keeping_clocks(
    paths: &[PathBuf],
    load: &LoadOptions,
    time: &TimeOptions,
) -> (Timeline, Vec<BundleClock>) {
    let mut bundles: Vec<Bundle> = paths.par_iter().map(|p| evidence::load(p, load)).collect();
    evidence::count_once(&mut bundles);
    let clocks: Vec<BundleClock> =
        bundles.par_iter_mut().map(|b| resolve_bundle_keeping_clock(b, time)).collect();
    let mut events: Vec<Event> = Vec::new();
    for bundle in &mut bundles {
        for input in &mut bundle.inputs {
            // The clock set the span of the records not kept; the events widen it.
            input.span = input
                .events
                .iter()
                .filter_map(|e| e.time)
                .fold(input.span, |span, t| Some(span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t)))));
            events.append(&mut input.events);
        }
    }
    events.par_sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    (Timeline { bundles, events }, clocks)
}

/// The total order of the timeline.
fn order_key(e: &Event) -> (bool, Option<DateTime<Utc>>, &str, u64) {
    (e.time.is_none(), e.time, e.provenance.file.as_str(), e.line)
}

impl Timeline {
    /// Whether any input was parsed into events or at least recognised as evidence.
    pub fn has_usable_evidence(&self) -> bool {
        self.bundles.iter().flat_map(|b| &b.inputs).any(|i| i.status == InputStatus::Parsed)
    }

    /// The first and last dated instant of the evidence, kept events or not.
    pub fn evidence_span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.bundles
            .iter()
            .flat_map(|b| &b.inputs)
            .filter_map(|i| i.span)
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }

    /// The records read and not kept (see `evidence::Retention`), by (source, kind), over the
    /// inputs whose events count (a copy counted once is not).
    pub fn not_kept(&self) -> BTreeMap<(&'static str, &'static str), u64> {
        let mut counts = BTreeMap::new();
        let counted = self.bundles.iter().flat_map(|b| &b.inputs).filter(|i| i.status == InputStatus::Parsed);
        for n in counted.flat_map(|i| &i.not_kept) {
            *counts.entry((n.source, n.kind)).or_insert(0) += n.count;
        }
        counts
    }

    /// Every record the evidence holds: the events kept and the records not kept.
    pub fn records(&self) -> u64 {
        self.events.len() as u64 + self.not_kept().values().sum::<u64>()
    }

    /// Events passing `filter`, in timeline order.
    pub fn filtered<'t>(&'t self, filter: &'t Filter) -> impl Iterator<Item = &'t Event> + 't {
        self.events.iter().filter(move |e| filter.matches(e))
    }
}

/// What `timeline` keeps.
#[derive(Debug, Default)]
pub struct Filter {
    /// Keep events at or after this instant (undated events are dropped when set).
    pub since: Option<DateTime<Utc>>,
    /// Keep events at or before this instant (undated events are dropped when set).
    pub until: Option<DateTime<Utc>>,
    /// Keep events of these sources (empty: all).
    pub sources: Vec<String>,
    /// Keep events whose PM2 app name matches one of these globs (`--app`: a process name or
    /// glob, or an application's name, which stands for its processes).
    pub app: Option<globset::GlobSet>,
    /// Keep events whose message matches this regex.
    pub grep: Option<regex::Regex>,
}

impl Filter {
    /// Whether `e` passes.
    pub fn matches(&self, e: &Event) -> bool {
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = e.time else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t > u) {
                return false;
            }
        }
        if !self.sources.is_empty() && !self.sources.iter().any(|s| s == e.source) {
            return false;
        }
        if let Some(app) = &self.app {
            match &e.process {
                Some(p) if app.is_match(p) => {}
                _ => return false,
            }
        }
        if let Some(re) = &self.grep {
            if !re.is_match(&e.message) {
                return false;
            }
        }
        true
    }
}
