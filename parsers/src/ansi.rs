//! ANSI escape sequences in evidence text (coloured CI output, `pm2 logs`, journal messages):
//! one stripper for every parser.

use std::borrow::Cow;

use memchr::memchr;

/// Removes ANSI escape sequences: CSI (`ESC [ params final`), OSC (`ESC ] … BEL|ESC \`) and
/// two-character escapes.
pub fn strip(s: &str) -> Cow<'_, str> {
    if memchr(0x1b, s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(off) = memchr(0x1b, &b[i..]) {
        out.push_str(&s[i..i + off]);
        let mut j = i + off + 1;
        match b.get(j) {
            Some(b'[') => {
                j += 1;
                while j < b.len() && (0x20..=0x3f).contains(&b[j]) {
                    j += 1;
                }
                if j < b.len() && (0x40..=0x7e).contains(&b[j]) {
                    j += 1;
                }
            }
            Some(b']') => {
                j += 1;
                while j < b.len() && b[j] != 0x07 && b[j] != 0x1b {
                    j += 1;
                }
                if j < b.len() && b[j] == 0x07 {
                    j += 1;
                } else if j + 1 < b.len() && b[j] == 0x1b && b[j + 1] == b'\\' {
                    j += 2;
                }
            }
            Some(c) if c.is_ascii() => j += 1,
            _ => {}
        }
        // ESC [ … stops at ASCII bytes only, so `j` is a char boundary; an OSC runs to an
        // ASCII terminator or the end.
        while !s.is_char_boundary(j) {
            j += 1;
        }
        i = j;
    }
    out.push_str(&s[i..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_short_escapes() {
        assert_eq!(strip("plain"), "plain");
        assert!(matches!(strip("plain"), Cow::Borrowed(_)));
        assert_eq!(strip("\x1b[36;1mpm2 delete all\x1b[0m"), "pm2 delete all");
        assert_eq!(strip("a\x1b]8;;http://x\x07link\x1b]8;;\x07b"), "alinkb");
        assert_eq!(strip("x\x1b(By"), "xBy");
        assert_eq!(strip("end\x1b"), "end");
        assert_eq!(strip("é\x1b[1mü"), "éü");
    }
}
