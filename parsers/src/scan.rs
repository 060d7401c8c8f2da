//! Byte-level shortcuts for the hot paths of line parsers (every line of a large log goes
//! through them). Each returns exactly what the `str` method it stands for returns; it only
//! skips work that cannot change the result.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// ASCII white space as [`char::is_whitespace`] defines it.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// [`str::find`] of a `&str` needle in a line: a memchr for the needle's first byte, then a
/// comparison. On a line's few hundred bytes this beats building a searcher per call (both
/// `str::find`'s two-way searcher and `memmem::find` cost hundreds of instructions to set up).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return Some(0) };
    memchr::memchr_iter(first, hay).find(|&i| hay[i + 1..].starts_with(rest))
}

/// [`str::rfind`] of a `&str` needle, as [`find`] reads forward.
pub(crate) fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return Some(hay.len()) };
    memchr::memrchr_iter(first, hay).find(|&i| hay[i + 1..].starts_with(rest))
}

/// [`str::rsplit_once`] with a `&str` delimiter, through [`rfind`].
pub(crate) fn rsplit_once<'a>(s: &'a str, delimiter: &str) -> Option<(&'a str, &'a str)> {
    let at = rfind(s, delimiter)?;
    Some((&s[..at], &s[at + delimiter.len()..]))
}

/// [`str::trim`], with ASCII white space skipped on bytes; the Unicode scan runs only when a
/// non-ASCII character is next to the cut (it may be white space).
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let Some(start) = b.iter().position(|&c| !ascii_space(c)) else { return &s[s.len()..] };
    // A non-space byte exists, so `rposition` finds one.
    let end = b.iter().rposition(|&c| !ascii_space(c)).unwrap_or(start);
    if !b[start].is_ascii() || !b[end].is_ascii() {
        return s.trim();
    }
    // `start` and `end` are ASCII bytes: char boundaries.
    &s[start..=end]
}

/// `s.trim().is_empty()`, decided on bytes unless the first non-space character is not ASCII.
pub(crate) fn is_blank(s: &str) -> bool {
    match s.as_bytes().iter().find(|&&c| !ascii_space(c)) {
        None => true,
        Some(c) if c.is_ascii() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// The number written by the ASCII digits `b` (at most 9): `None` when `b` is empty or holds
/// anything else. For fields at fixed positions (`b[11..13]`), read without a parser.
pub(crate) fn number(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u32::from(d);
    }
    Some(n)
}

/// `YYYY-MM-DD` (`T` / SP) `HH:MM:SS` at the start of `b`, as [`crate::timefmt::date`] and
/// [`crate::timefmt::time`] read it without a fraction: the date-time, or `None` when the
/// bytes have another shape or an impossible value. A leap second (`:60`) is `None` too:
/// callers leave it to the grammar, which folds it into `:59`.
pub(crate) fn iso_date_time(b: &[u8]) -> Option<NaiveDateTime> {
    let shaped = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !shaped {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(&b[0..4])? as i32, number(&b[5..7])?, number(&b[8..10])?)?;
    let (h, m, s) = (number(&b[11..13])?, number(&b[14..16])?, number(&b[17..19])?);
    if s > 59 {
        return None;
    }
    Some(date.and_time(NaiveTime::from_hms_opt(h, m, s)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_str_trim() {
        let cases = [
            "",
            " ",
            "a",
            " a ",
            "a\r",
            "\u{a0}a",
            "a\u{2003}",
            "\u{b}x\u{c}",
            "\u{85}",
            "x y",
            "\u{1f}a\u{1f}",
            "\t\n",
            "é",
            "aé ",
            "  at x ",
            " \u{a0}",
            "\u{a0} ",
            "  \u{2003}x",
            "x\u{2003}  ",
            "\t\r\n x \t",
        ];
        for s in cases {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn fixed_date_times_read_like_the_grammar() {
        let cases = [
            "2026-02-17T14:31:05",
            "2026-02-17 14:31:05",
            "2026-02-30T14:31:05",
            "2026-02-17T24:00:00",
            "2026-02-17T14:60:00",
            "2026-02-17T14:31:60",
            "2026-02-17X14:31:05",
            "2026-2-17T14:31:05",
            "2026-02-17T14:31:0",
            "+026-02-17T14:31:05",
            "2024-02-29 00:00:00",
        ];
        for c in cases {
            let grammar = nom::sequence::tuple((
                crate::timefmt::date,
                nom::character::complete::one_of::<_, _, nom::error::Error<&str>>("T "),
                crate::timefmt::time,
            ))(c)
            .ok()
            .map(|(_, (d, _, t))| d.and_time(t));
            match iso_date_time(c.as_bytes()) {
                Some(fixed) => assert_eq!(Some(fixed), grammar, "{c:?}"),
                None => assert!(grammar.is_none() || c.ends_with(":60"), "{c:?}"),
            }
        }
        assert_eq!(number(b"0042"), Some(42));
        assert_eq!(number(b"4a"), None);
        assert_eq!(number(b""), None);
    }

    proptest::proptest! {
        #[test]
        fn same_as_str_trim_on_any_text(s in "[ \\t\\r\\n\\x0b\\x0c\\u{85}\\u{a0}\\u{2003}\\u{3000}ax\\u{e9}]{0,12}|\\PC*") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
            proptest::prop_assert_eq!(is_blank(&s), s.trim().is_empty());
        }

        #[test]
        fn finds_as_str_finds(hay in "[ab,=é]{0,24}", needle in "[ab,=é]{0,4}") {
            proptest::prop_assert_eq!(find(&hay, &needle), hay.find(needle.as_str()));
            proptest::prop_assert_eq!(rfind(&hay, &needle), hay.rfind(needle.as_str()));
            proptest::prop_assert_eq!(rsplit_once(&hay, &needle), hay.rsplit_once(needle.as_str()));
        }
    }
}
