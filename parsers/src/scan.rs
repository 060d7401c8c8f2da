//! Byte-level shortcuts for the hot paths of line parsers (every line of a large log goes
//! through them). Each returns exactly what the `str` method it stands for returns; it only
//! skips work that cannot change the result.

/// ASCII white space as [`char::is_whitespace`] defines it.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_str_trim() {
        let cases = [
            "", " ", "a", " a ", "a\r", "\u{a0}a", "a\u{2003}", "\u{b}x\u{c}", "\u{85}", "x y", "\u{1f}a\u{1f}",
            "\t\n", "é", "aé ", "  at x ", " \u{a0}", "\u{a0} ", "  \u{2003}x", "x\u{2003}  ", "\t\r\n x \t",
        ];
        for s in cases {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn same_as_str_trim_on_any_text(s in "[ \\t\\r\\n\\x0b\\x0c\\u{85}\\u{a0}\\u{2003}\\u{3000}ax\\u{e9}]{0,12}|\\PC*") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
            proptest::prop_assert_eq!(is_blank(&s), s.trim().is_empty());
        }
    }
}
