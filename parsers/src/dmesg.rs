//! The kernel ring buffer as `dmesg` prints it.
//!
//! ```text
//! line      = [level] stamp message / continuation
//! level     = "<" 1*DIGIT ">"                              ; dmesg -r, /dev/kmsg
//! stamp     = "[" *SP secs "." frac "]" SP                 ; default: seconds since boot
//!           / "[" wday SP month SP day SP time SP year "]" SP   ; dmesg -T (local time)
//!           / date "T" time "," frac offset SP             ; dmesg --time-format iso
//! continuation = a line without a stamp after a record     ; multi-line kernel messages
//! ```
//!
//! Monotonic stamps give records [`RawTime::None`] with `monotonic_us` (microseconds since
//! boot): a later stage dates them when the bundle says when the machine booted. `dmesg -T`
//! times are the machine's local wall clock, computed from the boot time — wrong after a
//! suspend — and are [`RawTime::Local`]. Every record goes through
//! [`crate::kernel::OomAssembler`], so an OOM report is one `oom-kill` event.

use chrono::{NaiveDate, NaiveDateTime};
use nom::{
    character::complete::{char, digit1, space0, space1},
    combinator::{map_res, opt},
    sequence::{delimited, pair, terminated, tuple},
    IResult,
};

use crate::kernel::{self, monotonic_stamp, OomAssembler};
use crate::record::{LineParser, RawTime, Record, Sink};
use crate::timefmt::{month_abbrev, time};

/// Unparsed reason: a line without a dmesg stamp before the first record.
pub const REASON_NO_STAMP: &str = "no dmesg timestamp before the first record";

/// Parser for `dmesg` output (`[ secs.usecs]`, `-T`, `-r`, `--time-format iso`).
#[derive(Debug, Default)]
pub struct DmesgParser {
    /// A record has been seen (stamp-less lines continue it).
    seen_record: bool,
    /// Folds OOM reports into one event per kill.
    oom: OomAssembler,
}

impl LineParser for DmesgParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if text.trim().is_empty() {
            sink.structural();
            return;
        }
        match stamped(text) {
            Some((level, time, mono, message)) => {
                self.seen_record = true;
                let mut rec = Record::new(line_no, time, kernel::SOURCE, "message", message);
                if let Some(us) = mono {
                    rec.push_field("monotonic_us", us);
                }
                if let Some(level) = level {
                    rec.push_field("level", level);
                }
                self.oom.feed(rec, sink);
            }
            None if self.seen_record => {
                if !self.oom.continuation(text, sink) {
                    sink.continuation(text);
                }
            }
            None => sink.unparsed(line_no, REASON_NO_STAMP),
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.oom.close(sink);
    }
}

/// True for a line only `dmesg` writes: a stamp followed by a message that is not
/// `host ident:` shaped (journalctl -o short-monotonic writes `[ secs] host ident[pid]: msg`).
pub fn sniff_line(line: &str) -> bool {
    match stamped(line) {
        Some((_, RawTime::None, Some(_), msg)) => !journal_shaped(msg),
        Some((_, _, _, msg)) => line.starts_with('[') && !journal_shaped(msg) || line.starts_with('<'),
        None => false,
    }
}

/// `host ident[pid]: …` or `host ident: …`: the shape of a journalctl line after its stamp.
fn journal_shaped(msg: &str) -> bool {
    let mut words = msg.splitn(3, ' ');
    let (Some(host), Some(tag)) = (words.next(), words.next()) else { return false };
    !host.is_empty() && !host.ends_with(':') && tag.ends_with(':') && tag.len() > 1
}

/// File names that suggest dmesg output.
pub const NAME_HINTS: &[&str] = &["dmesg*", "*.dmesg", "kmsg*"];

type Stamped<'a> = (Option<i64>, RawTime, Option<i64>, &'a str);

/// The level, time, monotonic microseconds and message of a stamped line.
fn stamped(line: &str) -> Option<Stamped<'_>> {
    let (rest, level) = opt(level)(line).ok()?;
    if let Ok((msg, us)) = monotonic_stamp(rest) {
        return Some((level, RawTime::None, Some(us), msg));
    }
    if let Ok((msg, local)) = human_stamp(rest) {
        return Some((level, RawTime::Local { local, file_offset: None }, None, msg));
    }
    if let Ok((msg, (local, offset))) = iso_stamp(rest) {
        return Some((level, RawTime::Exact { local, offset_secs: offset }, None, msg));
    }
    None
}

fn level(input: &str) -> IResult<&str, i64> {
    delimited(char('<'), map_res(digit1, str::parse), char('>'))(input)
}

/// `[Mon Dec  8 17:51:31 2025] `
fn human_stamp(input: &str) -> IResult<&str, NaiveDateTime> {
    let (rest, (_, _wday, _, month, _, day, _, t, _, year, _)) = tuple((
        char('['),
        nom::character::complete::alpha1,
        space1,
        month_abbrev,
        space1,
        map_res(digit1, str::parse::<u32>),
        space1,
        time,
        space1,
        map_res(digit1, str::parse::<i32>),
        pair(char(']'), opt(char(' '))),
    ))(input)?;
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => Ok((rest, d.and_time(t))),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    }
}

/// `2025-12-08T17:51:31,123456+01:00 ` (dmesg's ISO format uses a comma before the fraction).
fn iso_stamp(input: &str) -> IResult<&str, (NaiveDateTime, i32)> {
    let (rest, (d, _, t, zone)) =
        tuple((crate::timefmt::date, char('T'), time, terminated(crate::timefmt::zone, space0)))(input)?;
    Ok((rest, (d.and_time(t), zone)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_tells_dmesg_from_journal_monotonic() {
        assert!(sniff_line("[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi)"));
        assert!(sniff_line("[Mon Dec  8 17:51:31 2025] [    375]     0   375    14010 systemd-journal"));
        assert!(sniff_line("<3>[12345.678901] EXT4-fs error (device sda1): x"));
        assert!(!sniff_line("[  812.814801] web-01 kernel: Out of memory: Killed process 2092 (node)"));
        assert!(!sniff_line("Feb 17 14:30:00 web-01 kernel: x"));
    }
}
