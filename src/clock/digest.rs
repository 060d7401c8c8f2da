//! The times of the events an input did not keep, folded as they stream past.
//!
//! `analyze` keeps in memory only the events its rules and reports can look at; the rest
//! (sshd brute-force noise, access-log lines, plain app output) are counted and their times
//! folded here: per written hour (and per way of reading it), how many lines, which lines,
//! and the earliest and latest time. That is enough for the clock to give the input its
//! exact span and the same assumptions it would give with every event kept, in memory that
//! grows with the hours an input covers, not with its lines.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime, Timelike};
use postmortem_parsers::RawTime;

use super::order::{utc_of, DayCache};

/// Physical lines a resolution stands for: one line, or a run of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lines {
    /// The first line (1-based).
    pub first: u64,
    /// The last line.
    pub last: u64,
    /// How many lines.
    pub count: u64,
}

impl Lines {
    /// One line.
    pub fn one(line: u64) -> Lines {
        Lines { first: line, last: line, count: 1 }
    }

    /// Both runs as one.
    pub fn merge(self, other: Lines) -> Lines {
        Lines {
            first: self.first.min(other.first),
            last: self.last.max(other.last),
            count: self.count + other.count,
        }
    }

    /// `line 7` or `lines 7–90 (12 lines)`, for notes.
    pub fn words(&self) -> String {
        if self.count == 1 {
            format!("line {}", self.first)
        } else {
            format!("lines {}–{} ({} lines)", self.first, self.last, self.count)
        }
    }
}

/// How a group of written times is read: the clock resolves every time of a group the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    /// Times with an explicit offset: exact whatever the clock decides.
    Exact,
    /// Zone-less local times of one written hour, with the file's own offset (value, line).
    Local { file_offset: Option<(i32, u64)>, hour: NaiveDateTime },
    /// Year-less times of one written hour, with their year shift.
    NoYear { shift: i32, month: u32, day: u32, hour: u32 },
}

/// A record not kept that carries both a wall time and a time since boot (kern.log keeps
/// the dmesg stamp): the one of its group and boot that puts the boot earliest, for dating
/// the times since boot of the evidence (see `clock::date_monotonic`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootStamp {
    /// Its time as written.
    pub raw: RawTime,
    /// Microseconds since boot.
    pub monotonic_us: i64,
    /// The boot id, when the format gives one.
    pub boot_id: Option<String>,
    /// Its line.
    pub line: u64,
}

/// One group: its lines and its earliest and latest written time.
#[derive(Clone, Debug)]
pub struct Group {
    /// The lines of the group.
    pub lines: Lines,
    /// The earliest time as written.
    pub min: RawTime,
    /// The latest time as written.
    pub max: RawTime,
    /// For a year-less group, years after the input's first year-less line.
    pub shift: i32,
    /// Per boot, the record that dates that boot earliest.
    pub boot_stamps: Vec<BootStamp>,
    /// `order` of `min` and of `max`, kept so that each record is compared, not re-read.
    min_at: NaiveDateTime,
    max_at: NaiveDateTime,
}

/// The folded times of an input's events that were not kept.
///
/// Invariant: every group's `min`/`max` are the extremes of its lines' times under
/// [`order`], and groups never mix ways of reading (see `Key`), so resolving a group's
/// `min` and `max` gives the earliest and latest instant of all its lines.
#[derive(Clone, Debug, Default)]
pub struct TimeDigest {
    groups: BTreeMap<Key, Group>,
    /// The group of the last record observed, not yet in `groups`: consecutive records
    /// nearly always share their hour, so most records touch no map.
    current: Option<(Key, Group)>,
    days: DayCache,
}

/// The written time as a comparable wall-clock value within its group (UTC for exact ones;
/// year-less ones in leap year 2000 so that 29 February exists).
fn order(raw: &RawTime, days: &mut DayCache) -> Option<NaiveDateTime> {
    match *raw {
        RawTime::None => None,
        RawTime::Exact { local, offset_secs } => Some(utc_of(local, offset_secs)),
        RawTime::Local { local, .. } => Some(local),
        RawTime::NoYear { month, day, time } => days.date(2000, month, day).map(|d| d.and_time(time)),
    }
}

impl TimeDigest {
    /// Folds in the time of one event not kept; `shift` is its year shift (year-less times),
    /// `boot` its time since boot and boot id when it has them. Undated times are not
    /// folded: they have no place in a span.
    pub fn observe(&mut self, raw: RawTime, line: u64, shift: i32, boot: Option<(i64, Option<&str>)>) {
        let Some(at) = order(&raw, &mut self.days) else { return };
        let key = match raw {
            RawTime::None => return,
            RawTime::Exact { .. } => Key::Exact,
            RawTime::Local { file_offset, .. } => Key::Local {
                file_offset: file_offset.map(|f| (f.offset_secs, f.line)),
                hour: at
                    .with_minute(0)
                    .and_then(|t| t.with_second(0))
                    .and_then(|t| t.with_nanosecond(0))
                    .unwrap_or(at),
            },
            RawTime::NoYear { month, day, time } => Key::NoYear { shift, month, day, hour: time.hour() },
        };
        if self.current.as_ref().is_none_or(|(k, _)| *k != key) {
            self.flush();
            let group = self.groups.remove(&key).unwrap_or(Group {
                lines: Lines { first: line, last: line, count: 0 },
                min: raw,
                max: raw,
                shift,
                boot_stamps: Vec::new(),
                min_at: at,
                max_at: at,
            });
            self.current = Some((key, group));
        }
        let Some((_, group)) = self.current.as_mut() else { return };
        group.lines = group.lines.merge(Lines { first: line, last: line, count: 1 });
        if at < group.min_at {
            (group.min, group.min_at) = (raw, at);
        }
        if at > group.max_at {
            (group.max, group.max_at) = (raw, at);
        }
        if let Some((monotonic_us, boot_id)) = boot {
            let boot_at = at - Duration::microseconds(monotonic_us);
            let stamp = || BootStamp { raw, monotonic_us, boot_id: boot_id.map(str::to_string), line };
            match group.boot_stamps.iter_mut().find(|s| s.boot_id.as_deref() == boot_id) {
                Some(s) => {
                    let known = order(&s.raw, &mut DayCache::default())
                        .map(|t| t - Duration::microseconds(s.monotonic_us));
                    if known.is_none_or(|k| boot_at < k) {
                        *s = stamp();
                    }
                }
                None => group.boot_stamps.push(stamp()),
            }
        }
    }

    /// Moves the current group into the map.
    fn flush(&mut self) {
        if let Some((key, group)) = self.current.take() {
            self.groups.insert(key, group);
        }
    }

    /// The groups, in a deterministic order.
    pub fn groups(&mut self) -> impl Iterator<Item = &Group> {
        self.flush();
        self.groups.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn noyear(month: u32, day: u32, h: u32, m: u32) -> RawTime {
        RawTime::NoYear { month, day, time: NaiveTime::from_hms_opt(h, m, 0).unwrap() }
    }

    #[test]
    fn groups_by_hour_keep_extremes_and_line_runs() {
        let mut d = TimeDigest::default();
        d.observe(noyear(3, 1, 10, 30), 1, 0, None);
        d.observe(noyear(3, 1, 10, 5), 2, 0, None);
        d.observe(noyear(3, 1, 10, 59), 3, 0, None);
        d.observe(noyear(3, 1, 11, 0), 4, 0, None);
        d.observe(RawTime::None, 5, 0, None);
        let groups: Vec<&Group> = d.groups().collect();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].lines, Lines { first: 1, last: 3, count: 3 });
        assert_eq!(groups[0].min, noyear(3, 1, 10, 5));
        assert_eq!(groups[0].max, noyear(3, 1, 10, 59));
        assert_eq!(groups[1].lines, Lines::one(4));
    }

    #[test]
    fn a_year_shift_separates_groups() {
        let mut d = TimeDigest::default();
        d.observe(noyear(1, 1, 0, 0), 1, 0, None);
        d.observe(noyear(1, 1, 0, 0), 2, 1, None);
        assert_eq!(d.groups().map(|g| g.shift).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(Lines { first: 2, last: 9, count: 4 }.words(), "lines 2–9 (4 lines)");
        assert_eq!(Lines::one(3).words(), "line 3");
    }

    #[test]
    fn boot_stamps_keep_the_earliest_boot_per_boot_id() {
        let mut d = TimeDigest::default();
        // 10:00:00 with 10 s since boot → boot 09:59:50; 10:00:20 with 35 s → boot 09:59:45.
        d.observe(noyear(3, 1, 10, 0), 1, 0, Some((10_000_000, None)));
        let t = RawTime::NoYear { month: 3, day: 1, time: NaiveTime::from_hms_opt(10, 0, 20).unwrap() };
        d.observe(t, 2, 0, Some((35_000_000, None)));
        d.observe(t, 3, 0, Some((5_000_000, Some("b2"))));
        let g = d.groups().next().unwrap();
        assert_eq!(g.boot_stamps.len(), 2);
        assert_eq!((g.boot_stamps[0].line, g.boot_stamps[0].monotonic_us), (2, 35_000_000));
        assert_eq!(g.boot_stamps[1].boot_id.as_deref(), Some("b2"));
    }
}
