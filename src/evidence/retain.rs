//! Which parsed records an input keeps as events.
//!
//! `timeline` keeps every event (of the sources asked for with `--source`). `analyze`, `batch`, `notify`, `inventory` and `inputs` keep
//! only those their rules and reports can look at: the high-volume kinds nothing reads one
//! by one (see `analysis::interest`) are counted, and their times folded into the input's
//! [`TimeDigest`](crate::clock::TimeDigest), so spans and time assumptions stay exact while
//! memory follows the key events, not the lines.

use std::sync::Arc;

/// What an input keeps.
#[derive(Clone, Debug, Default)]
pub enum Retention {
    /// Every record becomes an event.
    #[default]
    All,
    /// Records of these (source, kind) pairs are counted, not kept.
    Except(Arc<[(&'static str, &'static str)]>),
    /// Only records of these sources are kept (`timeline --source`).
    OnlySources(Arc<[String]>),
}

impl Retention {
    /// The (source, kind) pairs parsers may hand over as glimpses (see
    /// `postmortem_parsers::Sink::skimming`): those counted, not kept.
    pub fn skimmed(&self) -> Arc<[(&'static str, &'static str)]> {
        match self {
            Retention::Except(pairs) => Arc::clone(pairs),
            Retention::All | Retention::OnlySources(_) => Arc::from([]),
        }
    }

    /// Whether a record of `source` and `kind` is kept as an event.
    pub fn keeps(&self, source: &str, kind: &str) -> bool {
        match self {
            Retention::All => true,
            Retention::Except(pairs) => !pairs.iter().any(|&(s, k)| s == source && k == kind),
            Retention::OnlySources(sources) => sources.iter().any(|s| s == source),
        }
    }
}
