//! Byte-level shortcuts for the hot paths of line parsers (every line of a large log goes
//! through them). Each returns exactly what the `str` method it stands for returns; it only
//! skips work that cannot change the result.

/// An ASCII byte that is not white space as [`char::is_whitespace`] defines it.
fn solid_ascii(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// [`str::trim`], without its Unicode scan when both ends are already solid ASCII (a line
/// almost always starts and ends that way).
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) if solid_ascii(first) && solid_ascii(last) => s,
        _ => s.trim(),
    }
}

/// `s.trim().is_empty()`: decided by the first byte when it is solid ASCII.
pub(crate) fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&b) if solid_ascii(b) => false,
        _ => s.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_str_trim() {
        let cases = [
            "", " ", "a", " a ", "a\r", "\u{a0}a", "a\u{2003}", "\u{b}x\u{c}", "\u{85}", "x y", "\u{1f}a\u{1f}",
            "\t\n", "é", "aé ",
        ];
        for s in cases {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
    }
}
