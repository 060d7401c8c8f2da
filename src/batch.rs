//! Many evidence bundles at once: each analyzed on its own (in parallel), its reports written
//! under the output directory, and a fleet summary across them.
//!
//! A bundle is a directory directly under a batch path, or an archive there. Bundles are
//! independent, so a fleet can shard them across machines and merge the results
//! ([`BundleResult`]s are written to `bundles.jsonl`; `merge` reads them back). Results never
//! depend on the number of threads: bundles are sorted by name, and every summary number is
//! computed from the sorted results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::analysis::{self, rules::Rule, AnalyzeOptions};
use crate::clock::TimeOptions;
use crate::evidence::{InputStatus, LoadOptions};
use crate::inventory::Inventory;
use crate::timeline::{self, Timeline};

/// What one bundle came to (one line of `bundles.jsonl`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BundleResult {
    /// The bundle's name (its directory or archive name).
    pub bundle: String,
    /// `null` when analyzed; otherwise why it was skipped.
    pub failure: Option<String>,
    /// P1, P2, P3, none.
    pub severity: Option<String>,
    /// Incident start.
    pub start: Option<DateTime<Utc>>,
    /// Incident end (`null`: not restored, or no incident).
    pub end: Option<DateTime<Utc>>,
    /// Incident duration in seconds (to the end of the evidence when not restored).
    pub duration_seconds: Option<i64>,
    /// Root causes, most confident first: (id, confidence).
    pub root_causes: Vec<(String, f64)>,
    /// Per application and environment: downtime in seconds (the longest of its processes).
    pub downtime: Vec<(String, String, i64)>,
    /// Events read.
    pub events: usize,
}

impl BundleResult {
    /// The top root cause, if any.
    pub fn top_cause(&self) -> Option<&str> {
        self.root_causes.first().map(|(id, _)| id.as_str())
    }

    /// `YYYY-MM` of the incident start.
    pub fn month(&self) -> Option<String> {
        self.start.map(|t| t.format("%Y-%m").to_string())
    }
}

/// The bundles under each batch path, sorted by name (directories and archive files).
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for root in paths {
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let file_type = entry.file_type()?;
            if file_type.is_dir() || (file_type.is_file() && is_archive(&name)) {
                found.push((name, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_archive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".tar", ".tar.gz", ".tgz", ".zip", ".tar.zst"].iter().any(|s| n.ends_with(s))
}

/// Everything a batch needs to analyze one bundle.
pub struct BatchOptions<'a> {
    /// Loading options.
    pub load: &'a LoadOptions,
    /// Clock options.
    pub time: &'a TimeOptions,
    /// The `--inventory` file, if given (applies to every bundle).
    pub inventory: Option<&'a Inventory>,
    /// Root-cause rules.
    pub rules: &'a [Rule],
    /// Grace and look-back.
    pub analyze: &'a AnalyzeOptions,
}

/// Analyzes one bundle; the timeline and analysis come back for its reports.
pub fn analyze_bundle(
    name: &str,
    path: &Path,
    options: &BatchOptions<'_>,
) -> (BundleResult, Option<(Timeline, analysis::Analysis)>) {
    let timeline = timeline::build(&[path.to_path_buf()], options.load, options.time);
    let failed_input = timeline.bundles.iter().flat_map(|b| &b.inputs).find_map(|i| match &i.status {
        InputStatus::Failed(why) if i.file.is_empty() || !timeline.has_usable_evidence() => {
            Some(format!("{}: {why}", if i.file.is_empty() { name } else { &i.file }))
        }
        _ => None,
    });
    if !timeline.has_usable_evidence() {
        let why =
            failed_input.unwrap_or_else(|| "no recognised evidence (run `postmortem inputs` on it)".into());
        return (failure(name, why), None);
    }
    let inventory = Inventory::for_timeline(options.inventory.cloned(), &timeline);
    let a = analysis::analyze(&timeline, &inventory, options.rules, options.analyze);
    let mut downtime: BTreeMap<(String, String), i64> = BTreeMap::new();
    for o in &a.outages {
        let d = downtime.entry((o.application.clone(), o.environment.as_str().to_string())).or_default();
        *d = (*d).max(o.downtime_seconds);
    }
    let result = BundleResult {
        bundle: name.to_string(),
        failure: None,
        severity: Some(a.severity.as_str().to_string()),
        start: a.window.map(|w| w.start),
        end: a.window.and_then(|w| w.end),
        duration_seconds: a.window.map(|w| (w.end_or_evidence() - w.start).num_seconds()),
        root_causes: a.root_causes.iter().map(|f| (f.id.clone(), f.confidence)).collect(),
        downtime: downtime.into_iter().map(|((app, env), d)| (app, env, d)).collect(),
        events: timeline.events.len(),
    };
    (result, Some((timeline, a)))
}

fn failure(name: &str, why: String) -> BundleResult {
    BundleResult {
        bundle: name.to_string(),
        failure: Some(why),
        severity: None,
        start: None,
        end: None,
        duration_seconds: None,
        root_causes: Vec::new(),
        downtime: Vec::new(),
        events: 0,
    }
}

/// Count, median, p90 and total of a set of durations (seconds).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// How many.
    pub count: usize,
    /// Median (nearest rank).
    pub median: i64,
    /// 90th percentile (nearest rank).
    pub p90: i64,
    /// Sum.
    pub total: i64,
}

impl Stats {
    /// The statistics of `values` (empty: all zero).
    pub fn of(values: &[i64]) -> Stats {
        let mut v = values.to_vec();
        v.sort_unstable();
        let rank = |p: f64| -> i64 {
            if v.is_empty() {
                return 0;
            }
            let k = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
            v[k - 1]
        };
        Stats { count: v.len(), median: rank(0.5), p90: rank(0.9), total: v.iter().sum() }
    }
}

/// The fleet summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Bundles seen (analyzed + failed).
    pub bundles: usize,
    /// Severity → bundles.
    pub severity: BTreeMap<String, usize>,
    /// Top root cause → incidents (`unknown` when none reached 0.5).
    pub causes: BTreeMap<String, usize>,
    /// Root cause (any rank) → incidents.
    pub causes_any_rank: BTreeMap<String, usize>,
    /// (application, environment) → downtime statistics.
    pub downtime_by_application: BTreeMap<(String, String), Stats>,
    /// Top cause → incident duration statistics.
    pub duration_by_cause: BTreeMap<String, Stats>,
    /// Mean time to restore, over restored incidents (seconds).
    pub mttr_seconds: Option<i64>,
    /// `YYYY-MM` → incidents.
    pub per_month: BTreeMap<String, usize>,
    /// (bundle, why) of the bundles that could not be analyzed.
    pub failed: Vec<(String, String)>,
}

/// Builds the summary from results (any order: they are sorted first).
pub fn summarize(results: &[BundleResult]) -> Summary {
    let mut results: Vec<&BundleResult> = results.iter().collect();
    results.sort_by(|a, b| a.bundle.cmp(&b.bundle));
    let mut s = Summary {
        bundles: results.len(),
        severity: BTreeMap::new(),
        causes: BTreeMap::new(),
        causes_any_rank: BTreeMap::new(),
        downtime_by_application: BTreeMap::new(),
        duration_by_cause: BTreeMap::new(),
        mttr_seconds: None,
        per_month: BTreeMap::new(),
        failed: Vec::new(),
    };
    let mut downtimes: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    let mut durations: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut restored = Vec::new();
    for r in results {
        if let Some(why) = &r.failure {
            s.failed.push((r.bundle.clone(), why.clone()));
            *s.severity.entry("failed".into()).or_default() += 1;
            continue;
        }
        *s.severity.entry(r.severity.clone().unwrap_or_else(|| "none".into())).or_default() += 1;
        let Some(duration) = r.duration_seconds else { continue };
        let cause = r.top_cause().unwrap_or("unknown").to_string();
        *s.causes.entry(cause.clone()).or_default() += 1;
        for (id, _) in &r.root_causes {
            *s.causes_any_rank.entry(id.clone()).or_default() += 1;
        }
        durations.entry(cause).or_default().push(duration);
        if r.end.is_some() {
            restored.push(duration);
        }
        if let Some(m) = r.month() {
            *s.per_month.entry(m).or_default() += 1;
        }
        for (app, env, d) in &r.downtime {
            downtimes.entry((app.clone(), env.clone())).or_default().push(*d);
        }
    }
    s.downtime_by_application = downtimes.into_iter().map(|(k, v)| (k, Stats::of(&v))).collect();
    s.duration_by_cause = durations.into_iter().map(|(k, v)| (k, Stats::of(&v))).collect();
    if !restored.is_empty() {
        s.mttr_seconds = Some(restored.iter().sum::<i64>() / restored.len() as i64);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_statistics() {
        assert_eq!(Stats::of(&[]), Stats { count: 0, median: 0, p90: 0, total: 0 });
        assert_eq!(Stats::of(&[30]), Stats { count: 1, median: 30, p90: 30, total: 30 });
        let s = Stats::of(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        assert_eq!((s.median, s.p90, s.total), (5, 9, 55));
    }
}
