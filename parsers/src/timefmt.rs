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

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use nom::{bytes::complete::take_while1, combinator::recognize, IResult};

/// The error every grammar here returns: the input is not this kind of time.
fn reject<T>(input: &str, kind: nom::error::ErrorKind) -> IResult<&str, T> {
    Err(nom::Err::Error(nom::error::Error::new(input, kind)))
}

/// The value of `n` ASCII digits starting at byte `at`, if they are all there.
///
/// Every timestamp of every line goes through here, so the grammars below are written over
/// bytes at fixed offsets rather than as chains of generic combinators (a chain cost about
/// 1,400 instructions per ISO time; this about a tenth). `tests::same_as_combinators` checks
/// them against the combinator versions they replace.
#[inline]
fn digits_at(b: &[u8], at: usize, n: usize) -> Option<u32> {
    crate::scan::number(b.get(at..at + n)?)
}

/// `YYYY-MM-DD`, validated as a real date.
pub fn date(input: &str) -> IResult<&str, NaiveDate> {
    let b = input.as_bytes();
    let (Some(y), Some(b'-'), Some(m), Some(b'-'), Some(d)) =
        (digits_at(b, 0, 4), b.get(4), digits_at(b, 5, 2), b.get(7), digits_at(b, 8, 2))
    else {
        return reject(input, nom::error::ErrorKind::Digit);
    };
    match NaiveDate::from_ymd_opt(y as i32, m, d) {
        // Ten ASCII bytes: a char boundary.
        Some(date) => Ok((&input[10..], date)),
        None => reject(input, nom::error::ErrorKind::Verify),
    }
}

/// `HH:MM:SS` plus an optional `.fraction` (or `,fraction`), validated.
pub fn time(input: &str) -> IResult<&str, NaiveTime> {
    let b = input.as_bytes();
    let (Some(h), Some(b':'), Some(m), Some(b':'), Some(s)) =
        (digits_at(b, 0, 2), b.get(2), digits_at(b, 3, 2), b.get(5), digits_at(b, 6, 2))
    else {
        return reject(input, nom::error::ErrorKind::Digit);
    };
    let mut end = 8;
    let mut nanos = 0;
    if matches!(b.get(8), Some(b'.' | b',')) && b.get(9).is_some_and(u8::is_ascii_digit) {
        end = 9 + b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        nanos = fraction_nanos(&b[9..end]);
    }
    // A leap second (:60) is folded into :59 with nanos ≥ 1e9, as chrono represents it.
    let built = if s == 60 {
        NaiveTime::from_hms_nano_opt(h, m, 59, 1_000_000_000 + nanos.min(999_999_999))
    } else {
        NaiveTime::from_hms_nano_opt(h, m, s, nanos)
    };
    match built {
        // ASCII up to `end`: a char boundary.
        Some(t) => Ok((&input[end..], t)),
        None => reject(input, nom::error::ErrorKind::Verify),
    }
}

/// Nanoseconds of a fraction's digits (`"5"` → 500 ms); digits past the ninth are dropped.
fn fraction_nanos(digits: &[u8]) -> u32 {
    // 10^(9 - n) for n digits read.
    const SCALE: [u32; 10] =
        [1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
    let n = digits.len().min(9);
    let value = digits[..n].iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
    value * SCALE[n]
}

/// A zone designator: `Z` → 0, `±HH`, `±HHMM`, `±HH:MM` → seconds east of UTC.
pub fn zone(input: &str) -> IResult<&str, i32> {
    let b = input.as_bytes();
    let sign = match b.first() {
        Some(b'Z' | b'z') => return Ok((&input[1..], 0)),
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return reject(input, nom::error::ErrorKind::OneOf),
    };
    let Some(h) = digits_at(b, 1, 2) else { return reject(input, nom::error::ErrorKind::Digit) };
    // Minutes: `MM` or `:MM`; a `:` without two digits after it is not part of the zone.
    let (m, end) = match digits_at(b, 3, 2) {
        Some(m) => (m, 5),
        None => match (b.get(3), digits_at(b, 4, 2)) {
            (Some(b':'), Some(m)) => (m, 6),
            _ => (0, 3),
        },
    };
    if h > 23 || m > 59 {
        return reject(input, nom::error::ErrorKind::Verify);
    }
    Ok((&input[end..], sign * (h * 3600 + m * 60) as i32))
}

/// An ISO-8601 / RFC3339 date-time with `T` or a space, an optional fraction and an
/// optional zone. Returns the wall-clock time and the offset if one was written.
pub fn iso_datetime(input: &str) -> IResult<&str, (NaiveDateTime, Option<i32>)> {
    if let Some(read) = iso_fixed(input) {
        return Ok(read);
    }
    let (rest, d) = date(input)?;
    if !matches!(rest.as_bytes().first(), Some(b'T' | b' ')) {
        return reject(rest, nom::error::ErrorKind::OneOf);
    }
    let (rest, t) = time(&rest[1..])?;
    let (rest, z) = match zone(rest) {
        Ok((after, z)) => (after, Some(z)),
        Err(_) => (rest, None),
    };
    Ok((rest, (d.and_time(t), z)))
}

/// `YYYY-MM-DD ("T" / SP) HH:MM:SS [fraction] [zone]` read in one go at fixed offsets, as
/// [`iso_datetime`] reads it: most ISO stamps (a syslog line's, every line). `None` for
/// anything else (a leap second, a value out of range, another shape), which the general
/// path then reads or rejects.
fn iso_fixed(input: &str) -> Option<(&str, (NaiveDateTime, Option<i32>))> {
    let b = input.as_bytes();
    let seconds = crate::scan::iso_date_time(b)?;
    let (mut end, mut nanos) = (19, 0);
    if matches!(b.get(19), Some(b'.' | b',')) {
        let digits = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            nanos = fraction_nanos(&b[20..20 + digits]);
            end = 20 + digits;
        }
    }
    let local = seconds.with_nanosecond(nanos)?;
    // ASCII up to `end`: a char boundary.
    let rest = &input[end..];
    Some(match zone(rest) {
        Ok((after, z)) => (after, (local, Some(z))),
        Err(_) => (rest, (local, None)),
    })
}

/// A three-letter English month abbreviation (any case) → 1..=12.
pub fn month_abbrev(input: &str) -> IResult<&str, u32> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let Some(word) = input.as_bytes().get(..3).filter(|w| w.iter().all(u8::is_ascii_alphabetic)) else {
        return reject(input, nom::error::ErrorKind::TakeWhileMN);
    };
    let lower = [word[0] | 0x20, word[1] | 0x20, word[2] | 0x20];
    match MONTHS.iter().position(|m| **m == lower) {
        Some(i) => Ok((&input[3..], i as u32 + 1)),
        None => reject(input, nom::error::ErrorKind::Verify),
    }
}

/// An RFC3164 timestamp `Mmm dd HH:MM:SS[.frac]` (day space- or zero-padded, or one digit).
/// Returns (month, day, time). The day is checked to be 1..=31 only: 29 February is
/// decided by the clock once the year is known.
pub fn bsd_timestamp(input: &str) -> IResult<&str, (u32, u32, NaiveTime)> {
    let (rest, month) = month_abbrev(input)?;
    let b = rest.as_bytes();
    if b.first() != Some(&b' ') {
        return reject(rest, nom::error::ErrorKind::Char);
    }
    // `" " DIGIT` (space-padded), `2DIGIT`, or `DIGIT`, then a space.
    let day = if b.get(1) == Some(&b' ') {
        digits_at(b, 2, 1).map(|d| (d, 3))
    } else {
        digits_at(b, 1, 2).map(|d| (d, 3)).or_else(|| digits_at(b, 1, 1).map(|d| (d, 2)))
    };
    let Some((day, after_day)) = day else { return reject(input, nom::error::ErrorKind::Digit) };
    if b.get(after_day) != Some(&b' ') {
        return reject(input, nom::error::ErrorKind::Char);
    }
    let (rest, t) = time(&rest[after_day + 1..])?;
    if !(1..=31).contains(&day) {
        return reject(input, nom::error::ErrorKind::Verify);
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
    use proptest::prelude::*;

    /// The combinator grammars the byte-level ones replaced, kept as their specification.
    mod combinators {
        use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
        use nom::{
            branch::alt,
            bytes::complete::{take_while1, take_while_m_n},
            character::complete::{char, one_of},
            combinator::opt,
            sequence::{preceded, tuple},
            IResult,
        };

        fn digits(n: usize) -> impl Fn(&str) -> IResult<&str, u32> {
            move |input: &str| match input.as_bytes().get(..n) {
                Some(d) if d.iter().all(u8::is_ascii_digit) => {
                    Ok((&input[n..], d.iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0'))))
                }
                _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit))),
            }
        }

        fn verify<T>(input: &str) -> IResult<&str, T> {
            Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)))
        }

        pub fn date(input: &str) -> IResult<&str, NaiveDate> {
            let (rest, (y, _, m, _, d)) =
                tuple((digits(4), char('-'), digits(2), char('-'), digits(2)))(input)?;
            match NaiveDate::from_ymd_opt(y as i32, m, d) {
                Some(date) => Ok((rest, date)),
                None => verify(input),
            }
        }

        pub fn time(input: &str) -> IResult<&str, NaiveTime> {
            let (rest, (h, _, m, _, s)) =
                tuple((digits(2), char(':'), digits(2), char(':'), digits(2)))(input)?;
            let (rest, frac) = opt(preceded(one_of(".,"), take_while1(|c: char| c.is_ascii_digit())))(rest)?;
            let nanos = frac.map(|f: &str| super::fraction_nanos(f.as_bytes())).unwrap_or(0);
            let built = if s == 60 {
                NaiveTime::from_hms_nano_opt(h, m, 59, 1_000_000_000 + nanos.min(999_999_999))
            } else {
                NaiveTime::from_hms_nano_opt(h, m, s, nanos)
            };
            match built {
                Some(t) => Ok((rest, t)),
                None => verify(input),
            }
        }

        pub fn zone(input: &str) -> IResult<&str, i32> {
            alt((nom::combinator::value(0, one_of("Zz")), |i| {
                let (rest, (sign, h, m)) =
                    tuple((one_of("+-"), digits(2), opt(preceded(opt(char(':')), digits(2)))))(i)?;
                let secs = (h * 3600 + m.unwrap_or(0) * 60) as i32;
                if h > 23 || m.unwrap_or(0) > 59 {
                    return verify(i);
                }
                Ok((rest, if sign == '-' { -secs } else { secs }))
            }))(input)
        }

        pub fn iso_datetime(input: &str) -> IResult<&str, (NaiveDateTime, Option<i32>)> {
            let (rest, (d, _, t, z)) = tuple((date, one_of("T "), time, opt(zone)))(input)?;
            Ok((rest, (d.and_time(t), z)))
        }

        pub fn month_abbrev(input: &str) -> IResult<&str, u32> {
            let (rest, word) = take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic())(input)?;
            const MONTHS: [&str; 12] =
                ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
            match MONTHS.iter().position(|m| m.eq_ignore_ascii_case(word)) {
                Some(i) => Ok((rest, i as u32 + 1)),
                None => verify(input),
            }
        }

        pub fn bsd_timestamp(input: &str) -> IResult<&str, (u32, u32, NaiveTime)> {
            let (rest, (month, _, day, _, t)) = tuple((
                month_abbrev,
                char(' '),
                alt((preceded(char(' '), digits(1)), digits(2), digits(1))),
                char(' '),
                time,
            ))(input)?;
            if !(1..=31).contains(&day) {
                return verify(input);
            }
            Ok((rest, (month, day, t)))
        }
    }

    /// Text made of the pieces timestamps are made of, often almost one.
    fn timestamp_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("2026-02-17".to_string()),
            Just("1999-12-31".to_string()),
            Just("2024-02-29".to_string()),
            Just("2026-02-30".to_string()),
            Just("14:31:06".to_string()),
            Just("23:59:60".to_string()),
            Just("24:00:00".to_string()),
            Just("Feb".to_string()),
            Just("dEc".to_string()),
            Just("Fox".to_string()),
            Just("Jé".to_string()),
            "[0-9]{1,3}",
            "[-+:.,TZz é]{1,2}",
            "[+-][0-9]{2}(:?[0-9]{2})?",
            "[.,][0-9]{1,12}",
        ];
        proptest::collection::vec(piece, 1..7).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn same_as_combinators(text in timestamp_like()) {
            fn ok<T>(r: IResult<&str, T>) -> Option<(&str, T)> {
                r.ok()
            }
            prop_assert_eq!(ok(date(&text)), ok(combinators::date(&text)));
            prop_assert_eq!(ok(time(&text)), ok(combinators::time(&text)));
            prop_assert_eq!(ok(zone(&text)), ok(combinators::zone(&text)));
            prop_assert_eq!(ok(iso_datetime(&text)), ok(combinators::iso_datetime(&text)));
            prop_assert_eq!(ok(month_abbrev(&text)), ok(combinators::month_abbrev(&text)));
            prop_assert_eq!(ok(bsd_timestamp(&text)), ok(combinators::bsd_timestamp(&text)));
            for cut in ["2026-02-17T", "2026-02-17 ", "Feb  7 ", "Feb 17 ", "Feb 7 "] {
                let joined = format!("{cut}{text}");
                prop_assert_eq!(ok(iso_datetime(&joined)), ok(combinators::iso_datetime(&joined)));
                prop_assert_eq!(ok(bsd_timestamp(&joined)), ok(combinators::bsd_timestamp(&joined)));
            }
        }
    }

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
