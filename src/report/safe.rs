//! Output safety: log text is attacker-controlled, so every report escapes it for where it goes.
//!
//! - [`csv_cell`]: one CSV cell, quoted (RFC 4180) and neutralised against formula injection.
//! - [`terminal`]: text for a terminal, without escape sequences or control characters.
//! - [`markdown`]: text that renders as itself in CommonMark / GitHub-flavoured Markdown.
//!
//! Machine formats (JSONL, JSON) need none of this: they keep the evidence exactly.

use std::borrow::Cow;
use std::io::{self, Write};

/// One CSV cell: neutralised against CSV/formula injection (OWASP), then quoted when needed
/// (RFC 4180: a cell holding `,`, `"`, CR or LF is wrapped in `"` with `"` doubled).
///
/// A cell starting with `=`, `+`, `-`, `@`, TAB, CR or LF would be read as a formula (or a
/// DDE call) by spreadsheet programs, so it gets a `'` prepended, which they show as text.
/// Plain numbers (`-1`, `+3.5`) are left alone: they cannot be formulas, and exit codes like
/// `-1` stay numbers. The `'` is visible to other CSV readers; only the CSV exports have it,
/// JSONL keeps the text exact.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let neutralise = text.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) && !is_plain_number(text);
    let quote = text.contains([',', '"', '\n', '\r']);
    if !neutralise && !quote {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 3);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    if quote {
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
    Cow::Owned(out)
}

/// `[+-]digits[.digits]`: a number no spreadsheet evaluates as a formula.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && all_digits(frac)
}

/// A writer of text for a terminal: every line written through it goes through [`terminal`]
/// (line ends kept), so a whole report can be made safe where it is written. A last line
/// without a line end is written when the writer is flushed or dropped.
pub struct TerminalLines<W: Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: Write> TerminalLines<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        TerminalLines { inner, line: Vec::new() }
    }

    fn write_line(&mut self) -> io::Result<()> {
        let newline = self.line.last() == Some(&b'\n');
        let body = &self.line[..self.line.len() - usize::from(newline)];
        self.inner.write_all(terminal(&String::from_utf8_lossy(body)).as_bytes())?;
        if newline {
            self.inner.write_all(b"\n")?;
        }
        self.line.clear();
        Ok(())
    }
}

impl<W: Write> Write for TerminalLines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for chunk in buf.split_inclusive(|&b| b == b'\n') {
            self.line.extend_from_slice(chunk);
            if chunk.ends_with(b"\n") {
                self.write_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.write_line()?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalLines<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Text for a terminal: escape sequences and control characters removed, so that log text
/// cannot move the cursor, recolour, retitle the window, plant OSC 8 hyperlinks, rewrite the
/// clipboard (OSC 52) or hide itself behind a carriage return.
///
/// - `ESC [` … final byte (CSI, e.g. colours): removed whole; so is the C1 form `U+009B`.
/// - `ESC ]` (OSC), `ESC P` (DCS), `ESC X`, `ESC ^`, `ESC _` … up to BEL or ST (`ESC \` or
///   `U+009C`): removed whole, payload included (an OSC 8 link keeps only its visible text).
///   When no terminator follows, only the introducer is removed and the rest stays visible,
///   so a stray `ESC ]` cannot swallow the text after it.
/// - other `ESC` sequences (`ESC c`, `ESC ( B`, …): the escape and its intermediate and final
///   bytes are removed.
/// - TAB and LF become a space; every other C0 or C1 control and DEL is removed.
/// - Unicode bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed:
///   they make text display in an order other than the one it has ("Trojan Source").
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_terminal_care) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\u{1b}' => i = skip_escape(&chars, i),
            '\u{9b}' => i = skip_csi(&chars, i + 1),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => i = skip_string(&chars, i + 1),
            '\t' | '\n' => {
                out.push(' ');
                i += 1;
            }
            c if needs_terminal_care(c) => i += 1,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

fn needs_terminal_care(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Skips the escape sequence starting with the `ESC` at `i`; returns the index after it.
fn skip_escape(chars: &[char], i: usize) -> usize {
    match chars.get(i + 1) {
        None => i + 1,
        Some('[') => skip_csi(chars, i + 2),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars, i + 2),
        Some(_) => {
            // nF / Fp / Fe / Fs: intermediates 0x20–0x2F, then one final byte 0x30–0x7E.
            let mut j = i + 1;
            while chars.get(j).is_some_and(|c| ('\u{20}'..='\u{2f}').contains(c)) {
                j += 1;
            }
            if chars.get(j).is_some_and(|c| ('\u{30}'..='\u{7e}').contains(c)) {
                j += 1;
            }
            j
        }
    }
}

/// Skips a CSI's parameter and intermediate bytes and its final byte, from `j`.
fn skip_csi(chars: &[char], mut j: usize) -> usize {
    while chars.get(j).is_some_and(|c| ('\u{20}'..='\u{3f}').contains(c)) {
        j += 1;
    }
    if chars.get(j).is_some_and(|c| ('\u{40}'..='\u{7e}').contains(c)) {
        j += 1;
    }
    j
}

/// Skips a string sequence (OSC, DCS, SOS, PM, APC) whose payload starts at `body`, through
/// its BEL or ST terminator; unterminated, skips only the introducer (`body`).
fn skip_string(chars: &[char], body: usize) -> usize {
    let mut j = body;
    while j < chars.len() {
        match chars[j] {
            '\u{07}' | '\u{9c}' => return j + 1,
            '\u{1b}' if chars.get(j + 1) == Some(&'\\') => return j + 2,
            _ => j += 1,
        }
    }
    body
}

/// Text that renders as itself in CommonMark and GitHub-flavoured Markdown: no emphasis,
/// links, images, HTML, code, headings, lists, quotes, tables or autolinks.
///
/// Everything is done with backslash escapes (CommonMark allows one before any ASCII
/// punctuation), so the rendered text is exactly the input; wrapping in backticks is not
/// used because the text may hold backticks itself.
///
/// - Anywhere: `` \ ` * _ [ ] < > # | ! ~ & $ @ `` get a backslash (`&` stops entities like
///   `&lt;` from decoding, `$` stops GitHub math, `@` stops e-mail autolinks).
/// - Autolinks: the `:` of `://` is escaped (`http\://evil`) and the `.` after `www`
///   (`www\.evil.com`): GFM's autolink extension triggers on those unescaped characters.
/// - At the start of a line (after any spaces): `+`, `-`, `=` (lists, thematic breaks, setext
///   headings) and the `.` or `)` after leading digits (ordered lists: `1\.`).
///
/// - First, escape sequences and control characters are removed as [`terminal`] removes them
///   (line by line), since a report is read in terminals too.
///
/// Newlines are kept (each line is escaped as a line start); a caller putting the text in a
/// table cell must replace them itself. Platform post-processing outside Markdown (GitHub
/// `@mention` or `#123` references) is not prevented.
pub fn markdown(text: &str) -> String {
    // A report is read in terminals too (`cat report.md`): no escape sequences, line by line.
    let visible: Vec<Cow<'_, str>> = text.split('\n').map(terminal).collect();
    let text = visible.join("\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut leading_digits = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let after_digits = leading_digits;
        leading_digits = false;
        match c {
            '\n' | '\r' => {
                out.push(c);
                line_start = true;
                continue;
            }
            ' ' if line_start => {
                out.push(c);
                continue;
            }
            '0'..='9' if line_start || after_digits => {
                out.push(c);
                line_start = false;
                leading_digits = true;
                continue;
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' | '$' | '@' => {
                out.push('\\');
            }
            '+' | '-' | '=' if line_start => out.push('\\'),
            '.' | ')' if after_digits => out.push('\\'),
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => out.push('\\'),
            '.' if i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www") => {
                out.push('\\')
            }
            _ => {}
        }
        out.push(c);
        line_start = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_plain_cells_are_borrowed() {
        assert!(matches!(csv_cell("sshd"), Cow::Borrowed("sshd")));
        assert_eq!(csv_cell(""), "");
        assert_eq!(csv_cell("a=b"), "a=b");
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assert_eq!(csv_cell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_cell("-"), "'-");
    }

    #[test]
    fn csv_leaves_plain_numbers() {
        assert_eq!(csv_cell("-1"), "-1");
        assert_eq!(csv_cell("+3.5"), "+3.5");
        assert_eq!(csv_cell("-1."), "'-1.");
        assert_eq!(csv_cell("-1e3"), "'-1e3");
    }

    #[test]
    fn terminal_plain_text_is_borrowed() {
        assert!(matches!(terminal("App [api:0] exited — ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_strips_csi_and_osc() {
        assert_eq!(terminal("\x1b[31mred\x1b[0m text"), "red text");
        assert_eq!(terminal("\x1b[2J\x1b[1;1Hclear"), "clear");
        assert_eq!(terminal("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"), "click");
        assert_eq!(terminal("\x1b]8;;http://evil\x1b\\"), "");
        assert_eq!(terminal("\x1b]0;pwned title\x07after"), "after");
        assert_eq!(terminal("\x1b]52;c;ZWNobyBldmls\x07x"), "x");
        assert_eq!(terminal("\u{9b}31mred"), "red");
        assert_eq!(terminal("\u{9d}0;t\u{9c}ok"), "ok");
        assert_eq!(terminal("\x1bPq#0\x1b\\ok"), "ok");
        assert_eq!(terminal("\x1bc\x1b(Breset"), "reset");
    }

    #[test]
    fn terminal_unterminated_string_keeps_the_rest() {
        assert_eq!(terminal("a\x1b]0;rest of line"), "a0;rest of line");
        assert_eq!(terminal("trailing\x1b"), "trailing");
        assert_eq!(terminal("trailing\x1b["), "trailing");
    }

    #[test]
    fn terminal_strips_controls() {
        assert_eq!(terminal("a\tb"), "a b");
        assert_eq!(terminal("a\nb"), "a b");
        assert_eq!(terminal("real\rfake"), "realfake");
        assert_eq!(terminal("x\x08\x08y\x07\x7f\u{85}z"), "xyz");
        assert_eq!(terminal("file\u{202e}gpj.exe"), "filegpj.exe");
        for s in ["\x1b]8;;http://evil\x1b\\", "\x1b[31m", "\x1b", "\u{9b}1m", "a\x1b]x"] {
            assert!(!terminal(s).chars().any(|c| c.is_control()), "{s:?}");
        }
    }

    #[test]
    fn markdown_escapes_links_and_html() {
        assert_eq!(markdown("[click](http://x)"), "\\[click\\](http\\://x)");
        assert_eq!(markdown("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(markdown("![img](x.png)"), "\\!\\[img\\](x.png)");
        assert_eq!(markdown("see https://evil.example/x"), "see https\\://evil.example/x");
        assert_eq!(markdown("see WWW.evil.com"), "see WWW\\.evil.com");
        assert_eq!(markdown("root@evil.com"), "root\\@evil.com");
        assert_eq!(markdown("&lt;b&gt;"), "\\&lt;b\\&gt;");
    }

    #[test]
    fn markdown_escapes_inline_markup() {
        assert_eq!(
            markdown("*a* _b_ `c` ~~d~~ a|b \\ $x$"),
            "\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ a\\|b \\\\ \\$x\\$"
        );
        assert_eq!(markdown("14:31:04 a-b 1.5 x+y"), "14:31:04 a-b 1.5 x+y");
    }

    #[test]
    fn markdown_escapes_line_starts() {
        assert_eq!(markdown("# heading"), "\\# heading");
        assert_eq!(markdown("- item\n+ item\n  - nested"), "\\- item\n\\+ item\n  \\- nested");
        assert_eq!(markdown("1. first\n12) twelfth"), "1\\. first\n12\\) twelfth");
        assert_eq!(markdown("text\n==="), "text\n\\===");
        assert_eq!(markdown("> quote"), "\\> quote");
        assert_eq!(markdown("2026-02-17"), "2026-02-17");
    }

    #[test]
    fn markdown_drops_terminal_escapes_and_keeps_lines() {
        let text = "alice\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\n= x";
        assert_eq!(markdown(text), "alice\n\\= x");
    }

    #[test]
    fn terminal_lines_clean_every_line_and_keep_line_ends() {
        let mut out = Vec::new();
        {
            let mut w = TerminalLines::new(&mut out);
            w.write_all(b"a\x1b]52;c;eA==\x07b\nsplit \x1b[2").unwrap();
            w.write_all(b"Jhere\nlast \x1b[31mred").unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "ab\nsplit here\nlast red");
    }
}
