//! Resolving times again, record by record, with the decisions a bundle's clock already made.
//!
//! `timeline` streams (see `crate::stream`): the first pass loads with the analysis retention
//! and resolves the bundle; the second reads every input again and needs each record's UTC
//! time exactly as the first pass (or an all-in-memory load) would give it. [`BundleClock`]
//! holds the bundle-wide decisions (zone, boots, snapshot time); [`InputClock`] adds an
//! input's year base and gives one event's time — the same rules as `resolve_bundle`, without
//! the notes (the first pass wrote them).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use postmortem_parsers::RawTime;

use super::{boot_of, resolve, BootAnchor, Lines, Notes, Zone};
use crate::event::Event;
use crate::evidence::{Input, InputStatus};

/// What `resolve_bundle` decided for a bundle, for resolving more of its records later.
#[derive(Clone, Debug)]
pub struct BundleClock {
    pub(super) zone: Zone,
    pub(super) year: Option<i32>,
    pub(super) boot: Option<DateTime<Utc>>,
    pub(super) anchors: Vec<BootAnchor>,
    pub(super) captured: Option<DateTime<Utc>>,
}

/// One input's clock: gives any record of that input the time the bundle's clock gives it.
#[derive(Clone, Debug)]
pub struct InputClock {
    bundle: Arc<BundleClock>,
    /// The year of the input's first year-less line (shift 0).
    base: Option<i32>,
    /// The time of the rows of a snapshot without one of their own.
    snapshot: Option<DateTime<Utc>>,
    /// Only parsed inputs are resolved (a failed input's events stay undated).
    parsed: bool,
}

impl BundleClock {
    /// The clock of `input`, an input of this bundle after `resolve_bundle_keeping_clock`.
    pub fn input(self: &Arc<Self>, input: &Input) -> InputClock {
        let snapshot = input
            .format
            .is_some_and(|f| f.is_snapshot())
            .then(|| self.captured.or(input.mtime.map(|m| m.time)))
            .flatten();
        InputClock {
            bundle: Arc::clone(self),
            base: input.years.base(self.year, input.mtime.map(|m| m.time), self.zone.tz),
            snapshot,
            parsed: input.status == InputStatus::Parsed,
        }
    }

    /// Whether the zone of zone-less times changes its offset between `from` and `to`
    /// (a daylight-saving change in between), sampled daily; more than ten years is taken
    /// as yes.
    pub fn zone_changes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        use chrono::{Offset, TimeZone};
        let offset = |t: DateTime<Utc>| self.zone.tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        if to - from > Duration::days(3660) {
            return true;
        }
        let first = offset(from);
        let mut t = from;
        while t < to {
            t += Duration::hours(12);
            if offset(t.min(to)) != first {
                return true;
            }
        }
        false
    }
}

impl InputClock {
    /// The UTC time of `event` (read from this input, its `year_shift` set by the loader).
    pub fn time_of(&self, event: &Event) -> Option<DateTime<Utc>> {
        if !self.parsed {
            return None;
        }
        let line = Lines::one(event.line);
        let time = resolve(
            event.raw_time,
            self.base,
            event.year_shift,
            self.bundle.zone,
            line,
            &mut Notes::default(),
        );
        if time.is_some() || event.raw_time != RawTime::None {
            return time;
        }
        // Dated for the whole bundle: snapshot rows first, then times since boot.
        if self.snapshot.is_some() && event.source != "git" {
            return self.snapshot;
        }
        let mono = event.int_field("monotonic_us")?;
        let (boot, _) = boot_of(&self.bundle.anchors, self.bundle.boot, event.str_field("boot_id"))?;
        Some(boot + Duration::microseconds(mono))
    }
}
