//! Whether an input's records come in time order, watched as they stream past.
//!
//! The streamed timeline (`crate::stream`) merges inputs as sorted streams. Most logs are
//! written in time order; some hold records back (a sudo line completed after the next one,
//! an OOM report assembled over several lines) or go backwards. The loader shows every record
//! (kept or not) to the input's [`OrderCheck`] in the order the parser gave them; it records
//! how late the latest record came behind the furthest one before it, comparing the times as
//! written (with their year shift), so the clock's later decisions cannot be needed yet.
//!
//! What it cannot see — a zone's daylight-saving change moving resolved times, times of
//! different kinds mixed in one input — it reports as [`Order::Unknown`], and the streamed
//! timeline sorts such an input in full instead of trusting its order.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use postmortem_parsers::{FieldValue, RawTime, Record};

/// How a time as written becomes UTC: times of one way keep their order through the clock,
/// up to a zone's daylight-saving changes for the zoned ones.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Way {
    /// An explicit offset: exact.
    Exact,
    /// A local time with the offset a file states (a PM2 banner): that offset, or the zone.
    Banner(i32),
    /// A zone-less local time: the zone.
    Zoned,
    /// A year-less time: the input's year base, then the zone.
    NoYear,
    /// Microseconds since boot (alone on the line), per boot id.
    SinceBoot(Option<String>),
}

impl Way {
    /// Whether the clock reads these times through the bundle's zone (which may change its
    /// offset in the middle of an input).
    fn zoned(&self) -> bool {
        matches!(self, Way::Banner(_) | Way::Zoned | Way::NoYear)
    }
}

/// The order of an input's records, as far as the times as written tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// No record came before one read earlier (by time, then line).
    InOrder,
    /// Records came at most this much later than their place (zero: same time, earlier line).
    Late(Duration),
    /// Times of different ways mixed, or going back further than a reorder window.
    Unknown,
}

/// Watches the order of one input's dated records.
#[derive(Clone, Debug, Default)]
pub struct OrderCheck {
    way: Option<Way>,
    mixed: bool,
    /// The furthest (time, line) seen so far.
    furthest: Option<(NaiveDateTime, u64)>,
    /// How late the latest record came, when one came late.
    late: Option<Duration>,
    days: DayCache,
}

/// The comparable value of a time as written within its way; year-less times in leap years
/// four years apart per year shift (so 29 February exists and a later shift stays later).
fn value(raw: &RawTime, shift: i32, days: &mut DayCache) -> Option<NaiveDateTime> {
    match *raw {
        RawTime::None => None,
        RawTime::Exact { local, offset_secs } => Some(utc_of(local, offset_secs)),
        RawTime::Local { local, .. } => Some(local),
        RawTime::NoYear { month, day, time } => {
            days.date(2000 + 4 * shift.clamp(0, 20), month, day).map(|d| d.and_time(time))
        }
    }
}

/// The UTC wall time of `local` written at `offset_secs` east of UTC.
pub(super) fn utc_of(local: NaiveDateTime, offset_secs: i32) -> NaiveDateTime {
    if offset_secs == 0 {
        return local; // the usual case: no date arithmetic
    }
    local - Duration::seconds(offset_secs.into())
}

/// The last calendar day looked up: consecutive records nearly always share their day, and
/// checking a date is dearer than comparing three numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct DayCache(Option<((i32, u32, u32), Option<NaiveDate>)>);

impl DayCache {
    /// `NaiveDate::from_ymd_opt(year, month, day)`, remembered.
    pub(super) fn date(&mut self, year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        match self.0 {
            Some((key, date)) if key == (year, month, day) => date,
            _ => {
                let date = NaiveDate::from_ymd_opt(year, month, day);
                self.0 = Some(((year, month, day), date));
                date
            }
        }
    }
}

impl OrderCheck {
    /// Watches one record (kept or not), in the order the parser gave them; `shift` is its
    /// year shift.
    pub fn observe(&mut self, record: &Record<'_>, shift: i32) {
        self.observe_time(record.time, record.line, shift, || {
            let Some(FieldValue::Int(us)) = record.field("monotonic_us") else { return None };
            Some((*us, record.field("boot_id").and_then(FieldValue::as_str).map(str::to_string)))
        });
    }

    /// Watches a record given as a glimpse (its time and line; glimpses carry no time since
    /// boot).
    pub fn observe_glimpse(&mut self, time: RawTime, line: u64, shift: i32) {
        self.observe_time(time, line, shift, || None);
    }

    /// Watches a record's time as written at `line`; `since_boot` gives an undated record's
    /// microseconds since boot and boot id, if it has them.
    fn observe_time(
        &mut self,
        time: RawTime,
        line: u64,
        shift: i32,
        since_boot: impl FnOnce() -> Option<(i64, Option<String>)>,
    ) {
        let (way, at) = match time {
            RawTime::None => {
                // Undated unless it counts from a boot (dated for the whole bundle later).
                let Some((us, boot)) = since_boot() else { return };
                (
                    Way::SinceBoot(boot),
                    Some(chrono::DateTime::UNIX_EPOCH.naive_utc() + Duration::microseconds(us)),
                )
            }
            RawTime::Exact { .. } => (Way::Exact, value(&time, shift, &mut self.days)),
            RawTime::Local { file_offset: Some(fo), .. } => {
                (Way::Banner(fo.offset_secs), value(&time, shift, &mut self.days))
            }
            RawTime::Local { file_offset: None, .. } => (Way::Zoned, value(&time, shift, &mut self.days)),
            RawTime::NoYear { .. } => (Way::NoYear, value(&time, shift, &mut self.days)),
        };
        let Some(at) = at else {
            self.mixed = true;
            return;
        };
        match &self.way {
            None => self.way = Some(way),
            Some(known) if *known != way => self.mixed = true,
            Some(_) => {}
        }
        let here = (at, line);
        match self.furthest {
            Some(furthest) if here < furthest => {
                let behind = furthest.0 - at;
                self.late = Some(self.late.map_or(behind, |l| l.max(behind)));
            }
            _ => self.furthest = Some(here),
        }
    }

    /// The order seen, trusting it up to `window` of lateness.
    pub fn order(&self, window: Duration) -> Order {
        match self.late {
            _ if self.mixed => Order::Unknown,
            None => Order::InOrder,
            Some(late) if late <= window => Order::Late(late),
            Some(_) => Order::Unknown,
        }
    }

    /// Whether the input's dated times go through the bundle's zone (so a daylight-saving
    /// change of that zone inside the input's span can reorder them).
    pub fn zoned(&self) -> bool {
        self.mixed || self.way.as_ref().is_some_and(Way::zoned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use postmortem_parsers::FileOffset;

    proptest::proptest! {
        #[test]
        fn remembered_days_and_utc_are_chronos(
            days in proptest::collection::vec((1996i32..2004, 0u32..14, 0u32..33), 1..40),
            secs in -100_000_000i64..100_000_000,
            offset in -50_400i32..50_400,
        ) {
            let mut cache = DayCache::default();
            for (y, m, d) in days {
                proptest::prop_assert_eq!(cache.date(y, m, d), NaiveDate::from_ymd_opt(y, m, d));
                proptest::prop_assert_eq!(cache.date(y, m, d), NaiveDate::from_ymd_opt(y, m, d), "remembered");
            }
            let local = chrono::DateTime::from_timestamp(secs, 0).unwrap().naive_utc();
            proptest::prop_assert_eq!(utc_of(local, offset), local - Duration::seconds(offset.into()));
            proptest::prop_assert_eq!(utc_of(local, 0), local);
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn exact(s: &str) -> RawTime {
        RawTime::Exact { local: at(s), offset_secs: 3600 }
    }

    fn check(times: &[(RawTime, u64)]) -> OrderCheck {
        let mut c = OrderCheck::default();
        for (t, line) in times {
            c.observe(&Record::new(*line, *t, "syslog", "message", "m"), 0);
        }
        c
    }

    const WINDOW: i64 = 60;

    #[test]
    fn in_order_late_and_backwards() {
        let w = Duration::seconds(WINDOW);
        let in_order = check(&[
            (exact("2026-02-17 10:00:00"), 1),
            (exact("2026-02-17 10:00:00"), 2),
            (RawTime::None, 3),
        ]);
        assert_eq!(in_order.order(w), Order::InOrder);
        assert!(!in_order.zoned());
        // A record completed after the next one, same second: late by nothing, but late.
        let held = check(&[(exact("2026-02-17 10:00:00"), 2), (exact("2026-02-17 10:00:00"), 1)]);
        assert_eq!(held.order(w), Order::Late(Duration::zero()));
        let late = check(&[(exact("2026-02-17 10:00:30"), 1), (exact("2026-02-17 10:00:00"), 2)]);
        assert_eq!(late.order(w), Order::Late(Duration::seconds(30)));
        let back = check(&[(exact("2026-02-17 11:00:00"), 1), (exact("2026-02-17 10:00:00"), 2)]);
        assert_eq!(back.order(w), Order::Unknown);
    }

    #[test]
    fn ways_of_reading_must_not_mix_and_zoned_ones_say_so() {
        let w = Duration::seconds(WINDOW);
        let local = RawTime::Local { local: at("2026-02-17 10:00:00"), file_offset: None };
        let banner = RawTime::Local {
            local: at("2026-02-17 10:00:01"),
            file_offset: Some(FileOffset { offset_secs: 3600, line: 1 }),
        };
        let mixed = check(&[(local, 1), (banner, 2)]);
        assert_eq!(mixed.order(w), Order::Unknown);
        assert!(check(&[(local, 1)]).zoned());
        let noyear =
            |month, day| RawTime::NoYear { month, day, time: NaiveTime::from_hms_opt(12, 0, 0).unwrap() };
        // Across New Year the shift keeps the order.
        let mut c = OrderCheck::default();
        c.observe(&Record::new(1, noyear(12, 31), "syslog", "message", "m"), 0);
        c.observe(&Record::new(2, noyear(1, 1), "syslog", "message", "m"), 1);
        assert_eq!(c.order(w), Order::InOrder);
        assert!(c.zoned());
    }
}
