//! Turning times as written into UTC instants, and saying what was assumed to do it.
//!
//! Rules (also in the README):
//! - An explicit offset on the line is exact.
//! - A zone-less local time uses, in order: the offset the file itself states for it (a PM2
//!   daemon banner; read with the given zone when that zone uses the banner's offset, so DST
//!   changes after the banner are followed), `--tz`, the manifest's `timezone`, UTC. An ambiguous local time (DST
//!   fold) takes the earlier instant; a nonexistent one (DST gap) is moved forward past the
//!   gap. Each case is recorded.
//! - A year-less time gets its year from `--year` (the year of the input's first such line)
//!   or else from the input's mtime (the year of its last such line). Walking the input, the
//!   year goes up where the month drops by two or more (Dec → Jan), so small reorderings do
//!   not roll it.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use postmortem_parsers::RawTime;
use rayon::prelude::*;

use crate::evidence::{Bundle, Input, InputStatus};
pub use digest::{BootStamp, Lines, TimeDigest};
pub use years::YearTracker;

mod digest;
pub mod order;
mod replay;
mod years;

pub use order::OrderCheck;
pub use replay::{BundleClock, InputClock};

/// The time options a person gives.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeOptions {
    /// `--tz`: the zone of zone-less local times without a banner.
    pub tz: Option<Tz>,
    /// `--year`: the year of each input's first year-less line.
    pub year: Option<i32>,
    /// `--boot-time`: when the machine booted, for times written as seconds since boot
    /// that no evidence of the same boot anchors.
    pub boot: Option<DateTime<Utc>>,
}

/// The zone used for zone-less local times, and why.
#[derive(Clone, Copy, Debug)]
struct Zone {
    tz: Tz,
    why: &'static str,
    /// The zone was given (`--tz`, manifest), not the UTC default.
    named: bool,
}

/// Whether `tz` uses `offset` (seconds east) in the year of `local`: in January or July.
fn zone_has_offset(tz: Tz, local: NaiveDateTime, offset: i32) -> bool {
    [1, 7].iter().any(|&month| {
        NaiveDate::from_ymd_opt(local.year(), month, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|n| tz.offset_from_utc_datetime(&n).fix().local_minus_utc() == offset)
            .unwrap_or(false)
    })
}

/// Resolves every event time of a bundle to UTC and records the assumptions per input.
pub fn resolve_bundle(bundle: &mut Bundle, options: &TimeOptions) {
    resolve_bundle_keeping_clock(bundle, options);
}

/// [`resolve_bundle`], returning the decisions it made (zone, boots), with which the times of
/// records not kept can be resolved later exactly as the kept ones were (see [`BundleClock`]).
pub fn resolve_bundle_keeping_clock(bundle: &mut Bundle, options: &TimeOptions) -> BundleClock {
    let mut bundle_notes = Vec::new();
    let zone = bundle_zone(bundle, options, &mut bundle_notes);
    bundle.inputs.par_iter_mut().for_each(|input| {
        if input.status == InputStatus::Parsed {
            resolve_input(input, zone, options.year);
        }
    });
    date_snapshots(bundle);
    let anchors = date_monotonic(bundle, options.boot);
    if let Some(first) = bundle.inputs.iter_mut().find(|i| i.status == InputStatus::Parsed) {
        first.assumptions.splice(0..0, bundle_notes);
    }
    BundleClock {
        zone,
        year: options.year,
        boot: options.boot,
        anchors,
        captured: bundle.manifest.as_ref().and_then(|m| m.captured_at),
    }
}

/// The zone of the bundle's zone-less times: `--tz`, the manifest's, or UTC (noting why).
fn bundle_zone(bundle: &Bundle, options: &TimeOptions, bundle_notes: &mut Vec<String>) -> Zone {
    match (options.tz, bundle.manifest.as_ref().and_then(|m| m.timezone.as_deref())) {
        (Some(tz), _) => Zone { tz, why: "--tz", named: true },
        (None, Some(name)) => match name.parse::<Tz>() {
            Ok(tz) => Zone { tz, why: "the manifest's timezone", named: true },
            Err(_) => {
                bundle_notes.push(format!(
                    "the manifest's timezone {name:?} is not an IANA zone name; zone-less times read as UTC"
                ));
                Zone { tz: Tz::UTC, why: "default (no usable zone given)", named: false }
            }
        },
        (None, None) => Zone { tz: Tz::UTC, why: "default (no --tz, no manifest timezone)", named: false },
    }
}

/// Snapshots (`pm2 jlist`, `pm2 list`, `df`, `free`) say *when* nowhere on their lines. Their
/// undated events take, in order: the time in the file name (set by the parser), the
/// manifest's `captured_at`, the file's mtime. The choice is an assumption of the input.
fn date_snapshots(bundle: &mut Bundle) {
    let captured = bundle.manifest.as_ref().and_then(|m| m.captured_at);
    // Rows of a snapshot, not records that carry (or lack) a time of their own (git lines in
    // an incident-state file stay as git wrote them).
    let row = |e: &crate::event::Event| e.time.is_none() && e.raw_time == RawTime::None && e.source != "git";
    for input in bundle.inputs.iter_mut().filter(|i| i.status == InputStatus::Parsed) {
        if !input.format.is_some_and(|f| f.is_snapshot()) || input.events.is_empty() {
            continue;
        }
        let undated = input.events.iter().filter(|e| row(e)).count();
        if undated == 0 {
            if input.events.iter().any(|e| matches!(e.raw_time, RawTime::Local { .. })) {
                input.assumptions.push("snapshot time taken from the file name (host-local time)".into());
            }
            continue;
        }
        let (time, why) = match (captured, input.mtime) {
            (Some(t), _) => (t, "the manifest's captured_at".to_string()),
            (None, Some(m)) => (m.time, format!("the {} mtime", m.source.label())),
            (None, None) => {
                input.assumptions.push(format!(
                    "{undated} snapshot rows left undated: no time in the file name, no manifest captured_at, no file time"
                ));
                continue;
            }
        };
        for e in input.events.iter_mut().filter(|e| row(e)) {
            e.time = Some(time);
        }
        input.assumptions.push(format!(
            "{undated} snapshot rows without a time of their own taken at {} ({why})",
            time.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
}

/// A boot instant estimated from an event that has both a wall time and a time since boot.
#[derive(Clone, Debug)]
struct BootAnchor {
    boot: DateTime<Utc>,
    boot_id: Option<String>,
    file: String,
    line: u64,
}

/// Two estimates of a boot closer than this are the same boot (rsyslog stamps on receipt).
const SAME_BOOT: i64 = 30;

/// Dates events that carry only `monotonic_us` (dmesg, journalctl short-monotonic): boot
/// time = wall time − time since boot of an event that has both (kern.log keeps the dmesg
/// stamp; journal JSON has both). Events with a `boot_id` use an anchor of that boot;
/// others use the latest boot in the evidence (dmesg shows the running boot), or
/// `--boot-time`. Returns the anchors it used.
fn date_monotonic(bundle: &mut Bundle, boot_option: Option<DateTime<Utc>>) -> Vec<BootAnchor> {
    let anchors = boot_anchors(bundle);
    for input in bundle.inputs.iter_mut().filter(|i| i.status == InputStatus::Parsed) {
        let mut used: Vec<(String, u64)> = Vec::new();
        let mut left = 0u64;
        for e in input.events.iter_mut().filter(|e| e.time.is_none()) {
            let Some(mono) = e.int_field("monotonic_us") else { continue };
            let Some((boot, why)) = boot_of(&anchors, boot_option, e.str_field("boot_id")) else {
                left += 1;
                continue;
            };
            e.time = Some(boot + Duration::microseconds(mono));
            let text = format!("{} from {why}", boot.format("%Y-%m-%dT%H:%M:%S%.6fZ"));
            match used.iter_mut().find(|(t, _)| *t == text) {
                Some((_, n)) => *n += 1,
                None => used.push((text, 1)),
            }
        }
        for (text, n) in used {
            input.assumptions.push(format!(
                "{n} times since boot dated with the boot at {text}: wall time minus time since boot \
                 (dmesg times drift after a suspend)"
            ));
        }
        if left > 0 {
            input.assumptions.push(format!(
                "{left} times since boot left undated: no evidence of when that boot began \
                 (add kern.log or journal JSON of the same boot, or pass --boot-time)"
            ));
        }
    }
    anchors
}

/// The boots the evidence dates: per event (kept, or a digest's boot stamp) carrying both
/// clocks, the earliest estimate per boot.
fn boot_anchors(bundle: &Bundle) -> Vec<BootAnchor> {
    let mut anchors: Vec<BootAnchor> = Vec::new();
    for input in bundle.inputs.iter().filter(|i| i.status == InputStatus::Parsed) {
        let from_events = input.events.iter().filter_map(|e| {
            let (Some(time), Some(mono)) = (e.time, e.int_field("monotonic_us")) else { return None };
            Some((time, mono, e.str_field("boot_id"), e.line))
        });
        let not_kept =
            input.boot_stamps.iter().map(|(t, s)| (*t, s.monotonic_us, s.boot_id.as_deref(), s.line));
        for (time, mono, boot_id, line) in from_events.chain(not_kept) {
            let boot = time - Duration::microseconds(mono);
            let boot_id = boot_id.map(str::to_string);
            // Keep the earliest estimate per boot: delivery delays only make wall times later.
            match anchors
                .iter_mut()
                .find(|a| a.boot_id == boot_id && (a.boot - boot).num_seconds().abs() <= SAME_BOOT)
            {
                Some(a) if boot < a.boot => *a = BootAnchor { boot, boot_id, file: input.file.clone(), line },
                Some(_) => {}
                None => anchors.push(BootAnchor { boot, boot_id, file: input.file.clone(), line }),
            }
        }
    }
    anchors
}

/// The boot a time since boot of boot `id` counts from, and why: an anchor of that boot;
/// without an id `--boot-time`, else the latest boot in the evidence.
fn boot_of(
    anchors: &[BootAnchor],
    boot_option: Option<DateTime<Utc>>,
    id: Option<&str>,
) -> Option<(DateTime<Utc>, String)> {
    let by_id = id.and_then(|id| anchors.iter().find(|a| a.boot_id.as_deref() == Some(id)));
    match (by_id, boot_option) {
        (Some(a), _) => Some((a.boot, format!("{} line {} (same boot id)", a.file, a.line))),
        (None, Some(b)) if id.is_none() => Some((b, "--boot-time".to_string())),
        (None, None) if id.is_none() => anchors
            .iter()
            .max_by_key(|a| a.boot)
            .map(|a| (a.boot, format!("{} line {} (the latest boot in the evidence)", a.file, a.line))),
        _ => None,
    }
}

fn resolve_input(input: &mut Input, zone: Zone, year: Option<i32>) {
    let base = input.years.base(year, input.mtime.map(|m| m.time), zone.tz);
    let mut notes = Notes::default();
    for event in &mut input.events {
        event.time =
            resolve(event.raw_time, base, event.year_shift, zone, Lines::one(event.line), &mut notes);
    }
    // The events not kept: each group's earliest and latest time bound the input's span.
    let mut span: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    let mut digest = std::mem::take(&mut input.digest);
    for group in digest.groups() {
        let first = resolve(group.min, base, group.shift, zone, group.lines, &mut notes);
        let last = resolve(group.max, base, group.shift, zone, group.lines, &mut Notes::default());
        for t in first.into_iter().chain(last) {
            span = Some(span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
        }
        for stamp in &group.boot_stamps {
            let lines = Lines::one(stamp.line);
            if let Some(t) = resolve(stamp.raw, base, group.shift, zone, lines, &mut Notes::default()) {
                input.boot_stamps.push((t, stamp.clone()));
            }
        }
    }
    input.span = span;
    input.assumptions.extend(notes.into_words(zone));
    input.assumptions.extend(years_words(input, year, base));
}

/// Resolves one written time standing for `lines` (one event, or a group of events not
/// kept); `shift` is the year shift of a year-less time, `base` the year of shift 0.
fn resolve(
    raw: RawTime,
    base: Option<i32>,
    shift: i32,
    zone: Zone,
    lines: Lines,
    notes: &mut Notes,
) -> Option<DateTime<Utc>> {
    match raw {
        RawTime::None => None,
        RawTime::Exact { local, offset_secs } => {
            Some((local - Duration::seconds(offset_secs.into())).and_utc())
        }
        // A banner offset the zone also uses (its standard or summer offset) means the
        // daemon ran in that zone: read with the zone, so lines after a DST change are right.
        RawTime::Local { local, file_offset: Some(fo) }
            if zone.named && zone_has_offset(zone.tz, local, fo.offset_secs) =>
        {
            notes.banner_in_zone(fo.offset_secs, fo.line, lines);
            to_utc(local, zone.tz, lines, notes)
        }
        RawTime::Local { local, file_offset: Some(fo) } => {
            notes.banner(fo.offset_secs, fo.line, lines);
            Some((local - Duration::seconds(fo.offset_secs.into())).and_utc())
        }
        RawTime::Local { local, file_offset: None } => {
            notes.zoned(lines);
            to_utc(local, zone.tz, lines, notes)
        }
        RawTime::NoYear { month, day, time } => {
            let year = base.map(|b| b + shift);
            match year.and_then(|y| NaiveDate::from_ymd_opt(y, month, day)) {
                Some(date) => {
                    notes.zoned(lines);
                    to_utc(date.and_time(time), zone.tz, lines, notes)
                }
                None => {
                    if let Some(y) = year {
                        notes
                            .other(lines, format!("{month:02}-{day:02} does not exist in {y}; left undated"));
                    }
                    None
                }
            }
        }
    }
}

fn years_words(input: &Input, year: Option<i32>, base: Option<i32>) -> Vec<String> {
    let count = input.years.count();
    let Some(base) = base else {
        if count > 0 {
            return vec![format!(
                "{count} year-less lines left undated: no --year and no file time (pass --year YYYY)"
            )];
        }
        return Vec::new();
    };
    let (first, last) = input.years.range(base);
    let span = if first == last { format!("{first}") } else { format!("{first}–{last}") };
    let why = match (year, input.mtime) {
        (Some(y), _) => format!("--year {y} taken as the year of the first year-less line"),
        (None, Some(m)) => format!(
            "the {} mtime {} taken as the time of the last year-less line",
            m.source.label(),
            m.time.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        (None, None) => unreachable!("a base year needs --year or an mtime"),
    };
    vec![format!("year-less syslog times: year {span} ({why})")]
}

/// Converts a local wall-clock time in `tz` to UTC, noting folds and gaps.
fn to_utc(local: NaiveDateTime, tz: Tz, lines: Lines, notes: &mut Notes) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => {
            notes.other(
                lines,
                format!("local time {local} happens twice in {tz} (DST fold); took the earlier instant"),
            );
            Some(earlier.with_timezone(&Utc))
        }
        LocalResult::None => {
            // In a DST gap: read it with the offset in force just before the gap.
            let before = tz.offset_from_utc_datetime(&(local - Duration::hours(3)));
            let offset = before.fix().local_minus_utc();
            notes.other(
                lines,
                format!("local time {local} does not exist in {tz} (DST gap); read with the offset before the gap"),
            );
            Some((local - Duration::seconds(offset.into())).and_utc())
        }
    }
}

/// What the clock had to assume for one input, gathered while resolving (events in file
/// order, then the groups of events not kept; the words come out in line order).
#[derive(Default)]
struct Notes {
    /// (offset, banner line, lines) per banner used.
    banners: Vec<(i32, u64, Lines)>,
    /// The same, for banners whose offset the chosen zone uses (read with the zone).
    banners_in_zone: Vec<(i32, u64, Lines)>,
    /// Zone-less times read in the chosen zone.
    zoned: Option<Lines>,
    /// Notes about particular lines.
    other: Vec<(Lines, String)>,
}

/// Adds `lines` to the entry of the same banner, or starts one.
fn add_banner(banners: &mut Vec<(i32, u64, Lines)>, offset: i32, banner_line: u64, lines: Lines) {
    match banners.iter_mut().find(|b| b.0 == offset && b.1 == banner_line) {
        Some(b) => b.2 = b.2.merge(lines),
        None => banners.push((offset, banner_line, lines)),
    }
}

impl Notes {
    fn banner(&mut self, offset: i32, banner_line: u64, lines: Lines) {
        add_banner(&mut self.banners, offset, banner_line, lines);
    }

    fn banner_in_zone(&mut self, offset: i32, banner_line: u64, lines: Lines) {
        add_banner(&mut self.banners_in_zone, offset, banner_line, lines);
    }

    fn zoned(&mut self, lines: Lines) {
        self.zoned = Some(self.zoned.map_or(lines, |z| z.merge(lines)));
    }

    fn other(&mut self, lines: Lines, text: String) {
        self.other.push((lines, text));
    }

    fn into_words(mut self, zone: Zone) -> Vec<String> {
        let mut words = Vec::new();
        self.banners.sort_by_key(|b| b.2.first);
        self.banners_in_zone.sort_by_key(|b| b.2.first);
        for (offset, banner_line, lines) in self.banners {
            words.push(format!(
                "{} local times (lines {}–{}) read with the offset {} of the PM2 daemon banner on line {banner_line}",
                lines.count,
                lines.first,
                lines.last,
                offset_text(offset)
            ));
        }
        for (offset, banner_line, lines) in self.banners_in_zone {
            words.push(format!(
                "{} local times (lines {}–{}) read as {} (from {}): the PM2 daemon banner on line \
                 {banner_line} says {}, an offset of that zone, so daylight-saving changes after it are followed",
                lines.count,
                lines.first,
                lines.last,
                zone.tz,
                zone.why,
                offset_text(offset)
            ));
        }
        if let Some(lines) = self.zoned {
            let hint = if zone.tz == Tz::UTC && zone.why.starts_with("default") {
                " — pass --tz ZONE if the host's clock was not on UTC"
            } else {
                ""
            };
            words.push(format!(
                "{} zone-less local times (lines {}–{}) read as {} (from {}){hint}",
                lines.count, lines.first, lines.last, zone.tz, zone.why
            ));
        }
        self.other.sort_by_key(|(lines, _)| lines.first);
        words.extend(self.other.into_iter().map(|(lines, text)| format!("{}: {text}", lines.words())));
        words
    }
}

/// `+05:30` from seconds east of UTC.
pub fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Provenance;
    use crate::evidence::{Mtime, MtimeSource, Retention};
    use chrono::NaiveTime;
    use postmortem_parsers::{FileOffset, Record};
    use std::sync::Arc;

    fn input_with(times: &[RawTime], mtime: Option<&str>) -> Input {
        let prov = Arc::new(Provenance { file: "f".into(), sha256: "s".into() });
        let mut input = crate::evidence::tests_support::input("f");
        input.mtime = mtime.map(|m| Mtime { time: m.parse().unwrap(), source: MtimeSource::Filesystem });
        for (i, t) in times.iter().enumerate() {
            input.take(Record::new(i as u64 + 1, *t, "syslog", "message", "m"), &prov, &Retention::All);
        }
        input
    }

    fn noyear(month: u32, day: u32) -> RawTime {
        RawTime::NoYear { month, day, time: NaiveTime::from_hms_opt(12, 0, 0).unwrap() }
    }

    fn times(input: &Input) -> Vec<String> {
        input.events.iter().map(|e| e.time_text().unwrap_or_else(|| "-".into())).collect()
    }

    #[test]
    fn year_from_mtime_is_the_last_lines_year_and_rolls_over() {
        let mut input =
            input_with(&[noyear(12, 30), noyear(12, 31), noyear(1, 1)], Some("2027-01-02T00:00:00Z"));
        resolve_input(&mut input, Zone { tz: Tz::UTC, why: "test", named: false }, None);
        assert_eq!(
            times(&input),
            ["2026-12-30T12:00:00.000000Z", "2026-12-31T12:00:00.000000Z", "2027-01-01T12:00:00.000000Z"]
        );
        assert!(input.assumptions.iter().any(|a| a.contains("year 2026–2027")), "{:?}", input.assumptions);
    }

    #[test]
    fn year_option_sets_the_first_line_and_small_reorders_do_not_roll() {
        let mut input = input_with(&[noyear(4, 30), noyear(5, 1), noyear(4, 30)], None);
        resolve_input(&mut input, Zone { tz: Tz::UTC, why: "test", named: false }, Some(2019));
        assert_eq!(
            times(&input),
            ["2019-04-30T12:00:00.000000Z", "2019-05-01T12:00:00.000000Z", "2019-04-30T12:00:00.000000Z"]
        );
    }

    #[test]
    fn last_line_after_mtime_day_belongs_to_the_previous_year() {
        // Rotated just after New Year: the last line is from December of the year before.
        let mut input = input_with(&[noyear(12, 31)], Some("2027-01-01T00:05:00Z"));
        resolve_input(&mut input, Zone { tz: Tz::UTC, why: "test", named: false }, None);
        assert_eq!(times(&input), ["2026-12-31T12:00:00.000000Z"]);
    }

    #[test]
    fn no_year_at_all_leaves_undated_and_says_so() {
        let mut input = input_with(&[noyear(3, 1)], None);
        resolve_input(&mut input, Zone { tz: Tz::UTC, why: "test", named: false }, None);
        assert_eq!(times(&input), ["-"]);
        assert!(input.assumptions[0].contains("pass --year"), "{:?}", input.assumptions);
    }

    #[test]
    fn banner_offset_wins_and_zone_handles_dst() {
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let mut input = input_with(
            &[
                RawTime::Local {
                    local: local("2026-11-28 07:02:10"),
                    file_offset: Some(FileOffset { offset_secs: 19800, line: 3 }),
                },
                RawTime::Local { local: local("2026-10-25 02:30:00"), file_offset: None },
                RawTime::Local { local: local("2026-03-29 02:30:00"), file_offset: None },
                RawTime::Exact { local: local("2026-02-17 14:31:06"), offset_secs: -5 * 3600 },
            ],
            None,
        );
        resolve_input(&mut input, Zone { tz: berlin, why: "--tz", named: true }, None);
        assert_eq!(
            times(&input),
            [
                "2026-11-28T01:32:10.000000Z",
                "2026-10-25T00:30:00.000000Z",
                "2026-03-29T01:30:00.000000Z",
                "2026-02-17T19:31:06.000000Z"
            ]
        );
        let all = input.assumptions.join("\n");
        assert!(all.contains("offset +05:30 of the PM2 daemon banner on line 3"), "{all}");
        assert!(all.contains("DST fold"), "{all}");
        assert!(all.contains("DST gap"), "{all}");
    }

    #[test]
    fn a_banner_offset_of_the_zone_follows_daylight_saving() {
        // A daemon started in winter (banner GMT+0100) keeps logging after the March change.
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let banner = Some(FileOffset { offset_secs: 3600, line: 3 });
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let times_of = |zone: Zone| {
            let mut input = input_with(
                &[
                    RawTime::Local { local: local("2026-03-28 12:00:00"), file_offset: banner },
                    RawTime::Local { local: local("2026-04-02 12:00:00"), file_offset: banner },
                ],
                None,
            );
            resolve_input(&mut input, zone, None);
            (times(&input), input.assumptions.join("\n"))
        };
        let (with_zone, words) = times_of(Zone { tz: berlin, why: "--tz", named: true });
        assert_eq!(with_zone, ["2026-03-28T11:00:00.000000Z", "2026-04-02T10:00:00.000000Z"]);
        assert!(words.contains("daylight-saving changes after it are followed"), "{words}");
        // Without a zone the banner's fixed offset is all there is.
        let (fixed, _) = times_of(Zone { tz: Tz::UTC, why: "default", named: false });
        assert_eq!(fixed, ["2026-03-28T11:00:00.000000Z", "2026-04-02T11:00:00.000000Z"]);
    }
}
