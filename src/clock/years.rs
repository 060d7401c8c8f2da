//! Years for year-less (RFC3164) times, decided as the input streams past.
//!
//! The rule (plaso's): walking the input, the year goes up where the month drops by two or
//! more (Dec → Jan), so small reorderings do not roll it; an out-of-order December right
//! after a January that had rolled goes back one. Each year-less line therefore gets a
//! *shift* — years after the input's first year-less line — the moment it is read, and only
//! the base year waits for the end of the input: `--year` (the first line's year) or the
//! file's mtime (the last line's year). The loader observes every year-less line, kept as an
//! event or not, so the years never depend on which events are kept.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

/// The state of the year rule over one input's year-less lines.
///
/// Invariant: `shift` is the shift of the last line observed; `last` is its (month, day);
/// `count` is the number of lines observed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YearTracker {
    last: Option<(u32, u32)>,
    shift: i32,
    count: u64,
}

impl YearTracker {
    /// Observes the next year-less line (in file order) and returns its year shift.
    pub fn observe(&mut self, month: u32, day: u32) -> i32 {
        if let Some((last_month, _)) = self.last {
            if month + 1 < last_month {
                self.shift += 1;
            } else if self.shift > 0 && last_month == 1 && month == 12 {
                self.shift -= 1;
            }
        }
        self.last = Some((month, day));
        self.count += 1;
        self.shift
    }

    /// Year-less lines observed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The year of the first year-less line (shift 0): `year` when given, else from the
    /// mtime taken as the time of the last line (the year before when the last line's date
    /// is after the mtime's day). `None` when neither is known or no line was observed.
    pub fn base(&self, year: Option<i32>, mtime: Option<DateTime<Utc>>, tz: Tz) -> Option<i32> {
        let (last_month, last_day) = self.last?;
        match (year, mtime) {
            (Some(y), _) => Some(y),
            (None, Some(mtime)) => {
                let local = mtime.with_timezone(&tz);
                let last_year = if (last_month, last_day) <= (local.month(), local.day()) {
                    local.year()
                } else {
                    local.year() - 1
                };
                Some(last_year - self.shift)
            }
            (None, None) => None,
        }
    }

    /// The years of the first and the last year-less line, given the base.
    pub fn range(&self, base: i32) -> (i32, i32) {
        (base, base + self.shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shifts(months: &[u32]) -> Vec<i32> {
        let mut t = YearTracker::default();
        months.iter().map(|&m| t.observe(m, 1)).collect()
    }

    #[test]
    fn drops_of_two_months_roll_and_small_reorders_do_not() {
        assert_eq!(shifts(&[11, 12, 1, 2]), vec![0, 0, 1, 1]);
        assert_eq!(shifts(&[3, 2, 3]), vec![0, 0, 0]);
        // A late December line right after the rolled January goes back a year.
        assert_eq!(shifts(&[12, 1, 12, 1]), vec![0, 1, 0, 1]);
    }

    #[test]
    fn base_from_year_or_from_the_mtime_of_the_last_line() {
        let mut t = YearTracker::default();
        for m in [12, 1] {
            t.observe(m, 5);
        }
        assert_eq!(t.base(Some(2024), None, Tz::UTC), Some(2024));
        let mtime: DateTime<Utc> = "2026-01-06T00:00:00Z".parse().unwrap();
        assert_eq!(t.base(None, Some(mtime), Tz::UTC), Some(2025));
        // The last line (Jan 5) after the mtime's day (Jan 4) belongs to the year before.
        let early: DateTime<Utc> = "2026-01-04T00:00:00Z".parse().unwrap();
        assert_eq!(t.base(None, Some(early), Tz::UTC), Some(2024));
        assert_eq!(YearTracker::default().base(Some(2024), None, Tz::UTC), None);
        assert_eq!(t.range(2025), (2025, 2026));
    }
}
