//! Timestamp grammars shared by several formats (nom, over `&str`).
//!
//! ```text
//! iso_datetime  = date ("T" | " ") time [fraction] [zone]
//! date          = 4DIGIT "-" 2DIGIT "-" 2DIGIT
//! time          = 2DIGIT ":" 2DIGIT ":" 2DIGIT
//! fraction      = ("." | ",") 1*9DIGIT          ; more digits are read and truncated
//! zone          = "Z" | ("+" | "-") 2DIGIT [[":"] 2DIGIT]
//! bsd_timestamp = month " " (" " DIGIT | 1*2DIGIT) " " time [fraction]
//! ```

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use nom::{
    branch::alt,
    bytes::complete::{take_while1, take_while_m_n},
    character::complete::{char, one_of},
    combinator::{opt, recognize},
    sequence::{preceded, tuple},
    IResult,
};

/// Exactly `n` ASCII digits (`n` ≤ 9) as a number. Every timestamp of every line goes
/// through here: a byte loop, not a generic `take_while` plus `str::parse`.
fn digits(n: usize) -> impl Fn(&str) -> IResult<&str, u32> {
    move |input: &str| match input.as_bytes().get(..n) {
        Some(d) if d.iter().all(u8::is_ascii_digit) => {
            // ASCII digits: `n` is a char boundary.
            Ok((&input[n..], d.iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0'))))
        }
        _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit))),
    }
}

/// `YYYY-MM-DD`, validated as a real date.
pub fn date(input: &str) -> IResult<&str, NaiveDate> {
    let (rest, (y, _, m, _, d)) = tuple((digits(4), char('-'), digits(2), char('-'), digits(2)))(input)?;
    match NaiveDate::from_ymd_opt(y as i32, m, d) {
        Some(date) => Ok((rest, date)),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    }
}

/// `HH:MM:SS` plus an optional `.fraction` (or `,fraction`), validated.
pub fn time(input: &str) -> IResult<&str, NaiveTime> {
    let (rest, (h, _, m, _, s)) = tuple((digits(2), char(':'), digits(2), char(':'), digits(2)))(input)?;
    let (rest, frac) = opt(preceded(one_of(".,"), take_while1(|c: char| c.is_ascii_digit())))(rest)?;
    let nanos = frac.map(fraction_nanos).unwrap_or(0);
    // A leap second (:60) is folded into :59 with nanos ≥ 1e9, as chrono represents it.
    let built = if s == 60 {
        NaiveTime::from_hms_nano_opt(h, m, 59, 1_000_000_000 + nanos.min(999_999_999))
    } else {
        NaiveTime::from_hms_nano_opt(h, m, s, nanos)
    };
    match built {
        Some(t) => Ok((rest, t)),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    }
}

/// Nanoseconds of a fraction's digits (`"5"` → 500 ms); digits past the ninth are dropped.
fn fraction_nanos(digits: &str) -> u32 {
    let mut nanos = 0u32;
    for i in 0..9 {
        let d = digits.as_bytes().get(i).map(|b| (b - b'0') as u32).unwrap_or(0);
        nanos = nanos * 10 + d;
    }
    nanos
}

/// A zone designator: `Z` → 0, `±HH`, `±HHMM`, `±HH:MM` → seconds east of UTC.
pub fn zone(input: &str) -> IResult<&str, i32> {
    alt((nom::combinator::value(0, one_of("Zz")), |i| {
        let (rest, (sign, h, m)) =
            tuple((one_of("+-"), digits(2), opt(preceded(opt(char(':')), digits(2)))))(i)?;
        let secs = (h * 3600 + m.unwrap_or(0) * 60) as i32;
        if h > 23 || m.unwrap_or(0) > 59 {
            return Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify)));
        }
        Ok((rest, if sign == '-' { -secs } else { secs }))
    }))(input)
}

/// An ISO-8601 / RFC3339 date-time with `T` or a space, an optional fraction and an
/// optional zone. Returns the wall-clock time and the offset if one was written.
pub fn iso_datetime(input: &str) -> IResult<&str, (NaiveDateTime, Option<i32>)> {
    let (rest, (d, _, t, z)) = tuple((date, one_of("T "), time, opt(zone)))(input)?;
    Ok((rest, (d.and_time(t), z)))
}

/// A three-letter English month abbreviation (any case) → 1..=12.
pub fn month_abbrev(input: &str) -> IResult<&str, u32> {
    let (rest, word) = take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic())(input)?;
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    match MONTHS.iter().position(|m| m.eq_ignore_ascii_case(word)) {
        Some(i) => Ok((rest, i as u32 + 1)),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    }
}

/// An RFC3164 timestamp `Mmm dd HH:MM:SS[.frac]` (day space- or zero-padded, or one digit).
/// Returns (month, day, time). The day is checked to be 1..=31 only: 29 February is
/// decided by the clock once the year is known.
pub fn bsd_timestamp(input: &str) -> IResult<&str, (u32, u32, NaiveTime)> {
    let (rest, (month, _, day, _, t)) = tuple((
        month_abbrev,
        char(' '),
        alt((preceded(char(' '), digits(1)), digits(2), digits(1))),
        char(' '),
        time,
    ))(input)?;
    if !(1..=31).contains(&day) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    Ok((rest, (month, day, t)))
}

/// The text of an ISO date-time, recognised but not converted (for sniffing).
pub fn iso_datetime_text(input: &str) -> IResult<&str, &str> {
    recognize(iso_datetime)(input)
}

/// Skips one or more spaces.
pub fn spaces(input: &str) -> IResult<&str, &str> {
    take_while1(|c| c == ' ')(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn iso_variants() {
        assert_eq!(
            iso_datetime("2026-04-10T04:46:09.476922+00:00 Ubuntu"),
            Ok((" Ubuntu", (dt("2026-04-10 04:46:09.476922"), Some(0))))
        );
        assert_eq!(
            iso_datetime("2024-01-15T10:23:45: PM2"),
            Ok((": PM2", (dt("2024-01-15 10:23:45"), None)))
        );
        assert_eq!(iso_datetime("2019-06-07T12:34:56+0400 x").unwrap().1 .1, Some(4 * 3600));
        assert_eq!(iso_datetime("2019-06-07T12:34:56-05 x").unwrap().1 .1, Some(-5 * 3600));
        assert_eq!(iso_datetime("2019-06-07 12:34:56Z").unwrap().1 .1, Some(0));
        assert_eq!(
            iso_datetime("2026-02-17T14:31:06.1234567Z").unwrap().1 .0,
            dt("2026-02-17 14:31:06.123456700")
        );
        assert!(iso_datetime("2026-02-30T00:00:00").is_err());
        assert!(iso_datetime("2026-02-10T25:00:00").is_err());
    }

    #[test]
    fn bsd_variants() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s).unwrap();
        assert_eq!(bsd_timestamp("Sep  7 01:02:03 h"), Ok((" h", (9, 7, t(1, 2, 3)))));
        assert_eq!(bsd_timestamp("Dec 10 06:55:46 h"), Ok((" h", (12, 10, t(6, 55, 46)))));
        assert_eq!(bsd_timestamp("jan 01 00:00:00 h").unwrap().1 .0, 1);
        assert!(bsd_timestamp("Foo 10 06:55:46").is_err());
        assert!(bsd_timestamp("Dec 32 06:55:46").is_err());
        assert_eq!(bsd_timestamp("Feb 29 23:59:59.123 x").unwrap().1 .1, 29);
    }
}
