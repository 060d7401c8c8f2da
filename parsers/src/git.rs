//! git history as evidence: `git log` output (medium, fuller, raw, oneline, with `--stat`,
//! `--name-status`, `--numstat`, `--raw`, `--summary`, `-p`, `--graph`, `--show-signature`,
//! every `--date=` style), `git reflog` output and the raw reflog files `.git/logs/HEAD` and
//! `.git/logs/refs/**`, decided one physical line at a time (forms may be mixed in one file).
//!
//! ```text
//! line        = [graph] (blank / commit / reflog / raw-reflog / detail / tabbed / oneline)
//! graph       = ("*" / "|" / "/" / "\") *(graph-char [SP])     ; --graph columns, removed
//! commit      = "commit" SP hash [SP "(" decorations ")" / HTAB source]
//!             ; "commit 73dde49af728dd6ea26c421272e476a2c14e97db (HEAD -> main, origin/main)"
//! hash        = 7*64 lowercase-hex
//! header      = "Merge:" 1*SP abbrev *(SP abbrev)                ; parents, before Author
//!             / ("Author:" / "Commit:") 1*SP ident               ; medium, full, fuller
//!             / ("Date:" / "AuthorDate:" / "CommitDate:") 1*SP git-date
//!             / "Reflog:" SP selector SP "(" ident ")" / "Reflog message:" SP text   ; log -g
//!             / "tree" SP hash / "parent" SP hash                ; --format=raw
//!             / ("author" / "committer") SP ident SP epoch SP tz
//!             / ("gpgsig" / "gpgsig-sha256" / "mergetag") SP text *(LF SP text)
//!             / signature
//! signature   = "gpg: " text / "Primary key fingerprint: " text / *SP "Subkey fingerprint: " text
//!             / ("Good" / "Bad") SP DQUOTE "git" DQUOTE " signature" text    ; SSH signatures
//! ident       = name SP "<" email ">"
//! message     = 4SP text                                         ; "    " alone: a blank body line
//! files       = SP path *SP "|" SP (1*DIGIT [SP *("+" / "-")] / "Bin" text)   ; --stat
//!             / SP 1*DIGIT " file" ["s"] " changed" *("," SP 1*DIGIT SP word)  ; stat summary
//!             / SP ("create" / "delete") " mode " mode SP path  / SP "rename " rename " (" n "%)"
//!             / status [score] HTAB path [HTAB path]              ; --name-status: "R100\ta\tb"
//!             / (1*DIGIT / "-") HTAB (1*DIGIT / "-") HTAB path    ; --numstat
//!             / ":" mode SP mode SP hash SP hash SP status [score] HTAB path [HTAB path] ; --raw
//! diff        = "diff --git a/" path " b/" path *(LF diff-line)  ; -p: folded until next commit
//! reflog      = hash SP ["(" decorations ")" SP] ref "@{" selector "}:" [SP msg]
//!             ; "1148f25 HEAD@{2026-02-17 14:37:00 +0000}: checkout: moving from tmp to main"
//! raw-reflog  = hash SP hash SP ident SP epoch SP tz [HTAB msg]  ; .git/logs/HEAD, logs/refs/**
//! msg         = action [SP args] [SP "(" qualifier ")"] ": " detail / text
//! tabbed      = hash HTAB name HTAB email HTAB iso HTAB iso HTAB parents HTAB subject
//!             ; --format='%H%x09%an%x09%ae%x09%aI%x09%cI%x09%P%x09%s'
//! oneline     = hash [SP "(" decorations ")"] SP subject          ; --oneline
//! ```
//!
//! `git-date` is any `--date=` style ([`parse_date`]): default `Tue Feb 17 14:30:00 2026
//! +0100`, `iso`, `iso-strict` (`Z` for +0000), `rfc`, `raw` (`1771335000 +0100`) → Exact;
//! `unix` (`1771335000`) → Exact UTC; `local` and `format:` styles without a zone → Local;
//! `human` this year (`Tue Feb 17 14:20`) → NoYear; `short` (a date alone), `relative`
//! (`3 hours ago`) and older `human` dates (`Jan 5 2024`) → undated. The text is always kept.
//!
//! **Commits** (kind `commit`): one record per commit, held from its `commit`/oneline line
//! ([`Sink::event_pending`]) until the next commit, reflog line or [`LineParser::finish`],
//! because its file lines come after its header and message. Every later line of the commit
//! is a continuation ([`Sink::continuation_dropped`]: header, signature and file lines are
//! folded into fields; message body lines after the subject, their 4-space indent removed,
//! are kept as the record's continuation text). Time: the commit date when known (fuller's
//! `CommitDate`, raw's `committer`, the tabbed `%cI`), else the author date. Message: the
//! subject. Fields, in this order when present: `commit`, `refs` (decorations), `parents`
//! (List: `Merge:`/`parent`/`%P`), `author`, `email`, `author_time` (as written),
//! `committer`, `committer_email`, `commit_time` (as written), `subject`, `reflog`,
//! `reflog_message` (`git log -g`), `signature` (`good`, `bad`, `no-public-key`, `expired`),
//! `signer`, `signing_key`, `key_fingerprint`, `signed_at` (the signing wall-clock time, as
//! written), `files` (List of changed paths, both sides of a rename, first seen first),
//! `files_changed`, `insertions`, `deletions` (stat summary), `touches_workflow` (Int 1 when
//! a path is under `.github/workflows/` or `.gitea/workflows/`), `touches_ecosystem` (Int 1
//! when a file name matches `ecosystem*.config.{js,cjs,json,mjs}`).
//!
//! **Reflog entries** (kind `reflog`): one record per line. Message: the reflog message.
//! Fields: `ref` (`HEAD@{…}`'s ref, or for raw lines the ref of the file from
//! [`GitParser::for_path`]), `selector` (the text in `@{…}`), `refs` (decorations), `old`,
//! `new` (hashes; a formatted line shows only the new one), `author`, `email` (raw lines),
//! `action` (the command word plus a parenthesised qualifier: `checkout`, `commit (amend)`,
//! `rebase (finish)`), `args` (the argv between: `-q --ff-only`, `feature`), `detail` (after
//! the colon). Raw lines are exact (epoch + offset); a formatted line's selector is dated
//! when it is a date, else (`HEAD@{3}`) undated.
//!
//! Blank lines and graph-only lines are structural. Other lines are unparsed: detail-shaped
//! lines before any commit ([`REASON_BEFORE_COMMIT`]) and everything else ([`REASON_NOT_GIT`]).
//! ANSI colour sequences are removed first.
//!
//! Not supported: `git show` tag headers, custom `--format`s other than the tabbed one,
//! `--left-right`/`--boundary` markers. `--stat` abbreviates long paths as `.../tail`; such a
//! path is kept as written (and cannot match `.github/workflows/`).

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use nom::{
    bytes::complete::{tag, take_until, take_while_m_n},
    character::complete::char,
    combinator::{map_res, opt},
    sequence::{preceded, tuple},
    IResult,
};

use crate::ansi::strip as strip_ansi;
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::timefmt::{iso_datetime, month_abbrev, time, zone};

/// Source of every record of this parser.
pub const SOURCE: &str = "git";

/// `commit`: one commit of `git log` output.
pub const COMMIT: &str = "commit";
/// `reflog`: one reflog entry (`git reflog` output or a `.git/logs/…` line).
pub const REFLOG: &str = "reflog";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (COMMIT, "a commit in git log output: author/commit times, parents, changed files"),
    (REFLOG, "a reflog entry: a ref moved (pull, reset, checkout, commit, merge, rebase, clone)"),
];

/// Unparsed reason: a commit detail line (header, message, file line) with no commit before it.
pub const REASON_BEFORE_COMMIT: &str = "git commit detail line before any commit header";
/// Unparsed reason: a line that is none of the git shapes.
pub const REASON_NOT_GIT: &str = "not a git log or reflog line";

/// File-name globs of saved git history (hints for the sniffer).
pub const NAME_HINTS: &[&str] = &[
    "git-log*",
    "git_log*",
    "gitlog*",
    "*.gitlog",
    "git-reflog*",
    "git_reflog*",
    "reflog*",
    "*.git/logs/HEAD",
    "*/logs/HEAD",
    "*logs/refs/*",
];

/// Parser for git log / reflog output and raw reflog files.
#[derive(Debug, Default)]
pub struct GitParser {
    /// The ref a raw reflog file belongs to (from its path).
    ref_name: Option<String>,
    /// The commit being read (held until the next commit starts).
    commit: Option<Commit>,
}

impl GitParser {
    /// A parser for the file at `path`: a `…/logs/HEAD` file gives raw lines the ref `HEAD`,
    /// a `…/logs/refs/heads/main` file the ref `refs/heads/main`.
    pub fn for_path(path: &str) -> Self {
        GitParser { ref_name: ref_from_path(path), commit: None }
    }
}

/// The ref of a reflog file path (`.git/logs/HEAD` → `HEAD`).
fn ref_from_path(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    if let Some(i) = path.rfind("logs/refs/") {
        let r = &path[i + "logs/".len()..];
        return (r.len() > "refs/".len()).then(|| r.to_string());
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let in_logs = path.len() > name.len() && path[..path.len() - name.len()].ends_with("logs/");
    (in_logs && name.ends_with("HEAD") && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .then(|| name.to_string())
}

/// Where in a commit the parser is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between the `commit` line and the first blank line.
    Header,
    /// Message and file lines.
    Message,
    /// A `-p` diff: everything up to the next commit is folded.
    Diff,
}

/// A commit being read (owned: it spans lines and windows).
#[derive(Debug)]
struct Commit {
    line: u64,
    hash: String,
    refs: Option<String>,
    parents: Vec<String>,
    author: Option<String>,
    email: Option<String>,
    author_time: Option<String>,
    author_raw: RawTime,
    committer: Option<String>,
    committer_email: Option<String>,
    commit_time: Option<String>,
    commit_raw: RawTime,
    subject: Option<String>,
    body: Vec<String>,
    reflog: Option<String>,
    reflog_message: Option<String>,
    signature: Option<&'static str>,
    signer: Option<String>,
    signing_key: Option<String>,
    key_fingerprint: Option<String>,
    signed_at: Option<String>,
    files: Vec<String>,
    seen: HashSet<String>,
    files_changed: Option<i64>,
    insertions: Option<i64>,
    deletions: Option<i64>,
    phase: Phase,
    /// A oneline commit whose subject line is still to come (`--oneline --show-signature`).
    await_subject: bool,
    /// Inside a raw-format multi-line header (`gpgsig`, `mergetag`).
    raw_multiline: bool,
    /// Width of the `--graph` prefix of the commit's first line (0: no graph). Lines of the
    /// last branch of a graph have blank columns instead of `|`: that many spaces are removed.
    graph_indent: usize,
}

impl Commit {
    fn new(line: u64, hash: &str, refs: Option<&str>, phase: Phase) -> Self {
        Commit {
            line,
            hash: hash.to_string(),
            refs: refs.map(str::to_string),
            parents: Vec::new(),
            author: None,
            email: None,
            author_time: None,
            author_raw: RawTime::None,
            committer: None,
            committer_email: None,
            commit_time: None,
            commit_raw: RawTime::None,
            subject: None,
            body: Vec::new(),
            reflog: None,
            reflog_message: None,
            signature: None,
            signer: None,
            signing_key: None,
            key_fingerprint: None,
            signed_at: None,
            files: Vec::new(),
            seen: HashSet::new(),
            files_changed: None,
            insertions: None,
            deletions: None,
            phase,
            await_subject: false,
            raw_multiline: false,
            graph_indent: 0,
        }
    }

    fn add_file(&mut self, path: &str) {
        let path = unquote(path.trim());
        if path.is_empty() || path == "/dev/null" {
            return;
        }
        if self.seen.insert(path.to_string()) {
            self.files.push(path.into_owned());
        }
    }

    /// Adds a path that may be a rename (`a => b`, `dir/{a => b}/f`): both sides.
    fn add_rename(&mut self, path: &str) {
        match expand_rename(path) {
            Some((old, new)) => {
                self.add_file(&old);
                self.add_file(&new);
            }
            None => self.add_file(path),
        }
    }

    /// The record, once the commit is complete.
    fn into_record(self) -> Record<'static> {
        let time = if self.commit_raw != RawTime::None { self.commit_raw } else { self.author_raw };
        let subject = self.subject.unwrap_or_default();
        let mut rec = Record::new(self.line, time, SOURCE, COMMIT, subject.clone());
        let s = |k: &'static str, v: Option<String>| v.map(|v| (k, FieldValue::Str(Cow::Owned(v))));
        let list = |k: &'static str, v: Vec<String>| {
            (!v.is_empty()).then(|| (k, FieldValue::List(v.into_iter().map(Cow::Owned).collect())))
        };
        let int = |k: &'static str, v: Option<i64>| v.map(|v| (k, FieldValue::Int(v)));
        let workflow = self.files.iter().any(|f| is_workflow(f)).then_some(1);
        let ecosystem = self.files.iter().any(|f| is_ecosystem(f)).then_some(1);
        let fields = [
            Some(("commit", FieldValue::Str(Cow::Owned(self.hash)))),
            s("refs", self.refs),
            list("parents", self.parents),
            s("author", self.author),
            s("email", self.email),
            s("author_time", self.author_time),
            s("committer", self.committer),
            s("committer_email", self.committer_email),
            s("commit_time", self.commit_time),
            (!subject.is_empty()).then_some(("subject", FieldValue::Str(Cow::Owned(subject)))),
            s("reflog", self.reflog),
            s("reflog_message", self.reflog_message),
            self.signature.map(|v| ("signature", FieldValue::from(v))),
            s("signer", self.signer),
            s("signing_key", self.signing_key),
            s("key_fingerprint", self.key_fingerprint),
            s("signed_at", self.signed_at),
            list("files", self.files),
            int("files_changed", self.files_changed),
            int("insertions", self.insertions),
            int("deletions", self.deletions),
            int("touches_workflow", workflow),
            int("touches_ecosystem", ecosystem),
        ];
        rec.fields.extend(fields.into_iter().flatten());
        rec.continuation = self.body.into_iter().map(Cow::Owned).collect();
        rec
    }
}

/// What one line turned out to be.
enum Decision<'b> {
    /// A complete record (boxed: the other variants are small).
    Event(Box<Record<'b>>),
    /// A commit started (held in the parser).
    Pending,
    /// A line folded into the held commit.
    Folded,
    /// Blank or graph-only.
    Structural,
    /// Not understood.
    Unparsed(&'static str),
}

impl Decision<'_> {
    fn into_owned(self) -> Decision<'static> {
        match self {
            Decision::Event(r) => Decision::Event(Box::new(r.into_owned())),
            Decision::Pending => Decision::Pending,
            Decision::Folded => Decision::Folded,
            Decision::Structural => Decision::Structural,
            Decision::Unparsed(r) => Decision::Unparsed(r),
        }
    }
}

impl LineParser for GitParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        let decision = match strip_ansi(text) {
            Cow::Borrowed(t) => self.decide(line_no, t, sink),
            Cow::Owned(t) => self.decide(line_no, &t, sink).into_owned(),
        };
        match decision {
            Decision::Event(rec) => sink.event(*rec),
            Decision::Pending => sink.event_pending(),
            Decision::Folded => sink.continuation_dropped(),
            Decision::Structural => sink.structural(),
            Decision::Unparsed(reason) => sink.unparsed(line_no, reason),
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush(sink);
    }
}

impl GitParser {
    /// Pushes the held commit, if any.
    fn flush(&mut self, sink: &mut Sink<'_>) {
        if let Some(c) = self.commit.take() {
            sink.push_pending(c.into_record());
        }
    }

    fn start_commit(&mut self, commit: Commit, sink: &mut Sink<'_>) -> Decision<'static> {
        self.flush(sink);
        self.commit = Some(commit);
        Decision::Pending
    }

    fn decide<'b>(&mut self, line_no: u64, text: &'b str, sink: &mut Sink<'_>) -> Decision<'b> {
        // A raw-format signature block: its lines start with one space (" " alone when blank).
        if let Some(c) = self.commit.as_mut() {
            if c.phase == Phase::Header && c.raw_multiline {
                if text.starts_with(' ') {
                    return Decision::Folded;
                }
                c.raw_multiline = false;
            }
        }
        let (t, star) = strip_graph(text);
        let t = match &self.commit {
            Some(c) if c.graph_indent > 0 && t.len() == text.len() => {
                let spaces = t.len() - t.trim_start_matches(' ').len();
                &t[spaces.min(c.graph_indent)..]
            }
            _ => t,
        };
        let graphed = t.len() != text.len();
        if t.trim().is_empty() {
            return self.blank(t);
        }
        // Commit and oneline lines sit right of a graph's `*`.
        let head = if star { t.trim_start() } else { t };
        let graph_indent = if star { text.len() - head.len() } else { 0 };
        if let Some((hash, refs)) = commit_line(head) {
            let mut c = Commit::new(line_no, hash, refs, Phase::Header);
            c.graph_indent = graph_indent;
            return self.start_commit(c, sink);
        }
        if let Some(c) = self.commit.as_mut() {
            // No diff line starts with a hash and a space (base85 data has no spaces): such a
            // line is the next oneline commit or a reflog entry (`git log --oneline -p`).
            if c.phase == Phase::Diff && !hash_then_space(head) {
                if let Some(path) = t.strip_prefix("diff --git ") {
                    add_diff_paths(c, path);
                }
                return Decision::Folded;
            }
        }
        if let Some(rec) = reflog_line(line_no, head) {
            self.flush(sink);
            return Decision::Event(Box::new(rec));
        }
        if let Some(rec) = raw_reflog_line(line_no, t, self.ref_name.as_deref()) {
            self.flush(sink);
            return Decision::Event(Box::new(rec));
        }
        if let Some(c) = self.commit.as_mut() {
            if let Some(d) = commit_detail(c, t, graphed) {
                return d;
            }
        }
        if let Some(c) = tabbed_line(line_no, t) {
            return self.start_commit(c, sink);
        }
        if let Some(mut c) = oneline(line_no, head) {
            c.graph_indent = graph_indent;
            return self.start_commit(c, sink);
        }
        if self.commit.is_none() && detail_shaped(t) {
            return Decision::Unparsed(REASON_BEFORE_COMMIT);
        }
        Decision::Unparsed(REASON_NOT_GIT)
    }

    /// A whitespace-only line: ends a header, is a blank body line (`"    "`), or structural.
    fn blank(&mut self, t: &str) -> Decision<'static> {
        let Some(c) = self.commit.as_mut() else { return Decision::Structural };
        match c.phase {
            Phase::Header if !c.await_subject => {
                c.phase = Phase::Message;
                Decision::Structural
            }
            Phase::Message if t.len() >= 4 && c.subject.is_some() && c.files.is_empty() => {
                c.body.push(String::new());
                Decision::Folded
            }
            _ => Decision::Structural,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Commit lines

/// A line inside the held commit; `None` when it is not part of it.
fn commit_detail<'b>(c: &mut Commit, t: &str, graphed: bool) -> Option<Decision<'b>> {
    let h = if graphed { t.trim_start() } else { t };
    if c.phase == Phase::Header && header_line(c, h) {
        return Some(Decision::Folded);
    }
    if signature_line(c, h) {
        return Some(Decision::Folded);
    }
    if c.await_subject {
        c.subject = Some(h.to_string());
        c.await_subject = false;
        c.phase = Phase::Message;
        return Some(Decision::Folded);
    }
    if let Some(body) = t.strip_prefix("    ") {
        if c.files.is_empty() && c.files_changed.is_none() {
            c.phase = Phase::Message;
            match c.subject {
                None => c.subject = Some(body.to_string()),
                Some(_) => c.body.push(body.to_string()),
            }
            return Some(Decision::Folded);
        }
        return None;
    }
    if c.phase == Phase::Header {
        return None;
    }
    if let Some(path) = t.strip_prefix("diff --git ") {
        c.phase = Phase::Diff;
        add_diff_paths(c, path);
        return Some(Decision::Folded);
    }
    if let Some(path) = t.strip_prefix("diff --cc ").or_else(|| t.strip_prefix("diff --combined ")) {
        c.phase = Phase::Diff;
        c.add_file(path);
        return Some(Decision::Folded);
    }
    if is_notes_header(t) || file_line(c, t) {
        return Some(Decision::Folded);
    }
    None
}

/// `Notes:` / `Notes (ref):` before `git notes` text.
fn is_notes_header(t: &str) -> bool {
    t == "Notes:" || (t.starts_with("Notes (") && t.ends_with("):"))
}

/// A header line of the commit's header block, folded into `c`.
fn header_line(c: &mut Commit, h: &str) -> bool {
    let Some((key, value)) = h.split_once(':').filter(|(k, _)| !k.contains(' ') || *k == "Reflog message")
    else {
        return raw_header_line(c, h);
    };
    let value = value.trim_start_matches(' ');
    match key {
        "Merge" => c.parents.extend(value.split_whitespace().map(str::to_string)),
        "Author" => (c.author, c.email) = ident(value),
        "Commit" => (c.committer, c.committer_email) = ident(value),
        "Date" | "AuthorDate" => {
            c.author_raw = parse_date(value);
            c.author_time = Some(value.to_string());
        }
        "CommitDate" => {
            c.commit_raw = parse_date(value);
            c.commit_time = Some(value.to_string());
        }
        "Reflog" => c.reflog = Some(value.split(" (").next().unwrap_or(value).to_string()),
        "Reflog message" => c.reflog_message = Some(value.to_string()),
        _ => return raw_header_line(c, h),
    }
    true
}

/// A `--format=raw` header line (`tree`, `parent`, `author`, `committer`, `gpgsig`, …).
fn raw_header_line(c: &mut Commit, h: &str) -> bool {
    let (key, value) = h.split_once(' ').unwrap_or((h, ""));
    match key {
        "tree" if is_hash(value) => {}
        "parent" if is_hash(value) => c.parents.push(value.to_string()),
        "author" | "committer" => {
            let Some(id) = ident_epoch(value) else { return false };
            let text = Some(format!("{} {}", id.epoch, id.tz));
            if key == "author" {
                (c.author, c.email) = (Some(id.name.to_string()), id.email.map(str::to_string));
                (c.author_raw, c.author_time) = (id.time, text);
            } else {
                (c.committer, c.committer_email) = (Some(id.name.to_string()), id.email.map(str::to_string));
                (c.commit_raw, c.commit_time) = (id.time, text);
            }
        }
        "gpgsig" | "gpgsig-sha256" | "mergetag" => c.raw_multiline = true,
        "encoding" => {}
        _ => return false,
    }
    true
}

/// A signature verification line (`--show-signature`), folded into `c`.
fn signature_line(c: &mut Commit, h: &str) -> bool {
    if let Some(g) = h.strip_prefix("gpg: ") {
        let g = g.trim_start();
        if let Some(when) = g.strip_prefix("Signature made ") {
            c.signed_at = Some(when.to_string());
        } else if let Some(key) = g.strip_prefix("using ").and_then(|k| k.split_once(" key ")) {
            c.signing_key = Some(key.1.trim().to_string());
        } else if let Some(from) = g.strip_prefix("Good signature from ") {
            c.signature = Some("good");
            c.signer = Some(quoted(from).to_string());
        } else if let Some(from) = g.strip_prefix("BAD signature from ") {
            c.signature = Some("bad");
            c.signer = Some(quoted(from).to_string());
        } else if let Some(from) = g.strip_prefix("Expired signature from ") {
            c.signature = Some("expired");
            c.signer = Some(quoted(from).to_string());
        } else if g.starts_with("Can't check signature: No public key") {
            c.signature = Some("no-public-key");
        }
        return true;
    }
    if let Some(fp) = h.strip_prefix("Primary key fingerprint: ") {
        c.key_fingerprint = Some(fp.trim().to_string());
        return true;
    }
    if h.trim_start().starts_with("Subkey fingerprint: ") {
        return true;
    }
    for (prefix, verdict) in [("Good \"git\" signature", "good"), ("Bad \"git\" signature", "bad")] {
        if let Some(rest) = h.strip_prefix(prefix) {
            c.signature = Some(verdict);
            let rest = rest.trim_start();
            let (who, key) = match rest.strip_prefix("for ") {
                Some(r) => match r.split_once(" with ") {
                    Some((who, key)) => (Some(who), Some(key)),
                    None => (Some(r), None),
                },
                None => (None, rest.strip_prefix("with ")),
            };
            c.signer = who.map(str::to_string);
            c.signing_key = key.map(|k| k.trim().to_string());
            return true;
        }
    }
    false
}

/// The text inside the first pair of double quotes (or all of it).
fn quoted(s: &str) -> &str {
    s.strip_prefix('"').and_then(|r| r.split_once('"')).map_or(s, |(q, _)| q)
}

/// `Name <email>` → (name, email).
fn ident(s: &str) -> (Option<String>, Option<String>) {
    match s.split_once('<') {
        Some((name, rest)) => {
            let email = rest.rsplit_once('>').map_or(rest, |(e, _)| e);
            (Some(name.trim().to_string()), Some(email.to_string()))
        }
        None => (Some(s.trim().to_string()), None),
    }
}

/// An ident with a raw time: `Name <email> 1771335000 +0100`.
struct IdentEpoch<'b> {
    name: &'b str,
    email: Option<&'b str>,
    epoch: &'b str,
    tz: &'b str,
    time: RawTime,
}

fn ident_epoch(s: &str) -> Option<IdentEpoch<'_>> {
    let (rest, tz) = s.rsplit_once(' ')?;
    let (who, epoch) = rest.rsplit_once(' ')?;
    let time = raw_time(epoch, tz)?;
    let (name, email) = match who.split_once('<') {
        Some((name, e)) => (name.trim_end(), Some(e.strip_suffix('>')?)),
        None => (who, None),
    };
    Some(IdentEpoch { name, email, epoch, tz, time })
}

/// Epoch seconds plus a `±HHMM` offset → Exact, wall clock shifted by the offset.
fn raw_time(epoch: &str, tz: &str) -> Option<RawTime> {
    if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let offset_secs = match zone(tz) {
        Ok(("", o)) if tz.len() == 5 => o,
        _ => return None,
    };
    let utc = DateTime::from_timestamp(epoch.parse().ok()?, 0)?.naive_utc();
    let local = utc.checked_add_signed(Duration::seconds(offset_secs.into()))?;
    Some(RawTime::Exact { local, offset_secs })
}

/// `a/X b/Y` of a `diff --git` line: both paths.
fn add_diff_paths(c: &mut Commit, rest: &str) {
    let rest = rest.trim();
    if let Some(a) = rest.strip_prefix("a/") {
        if let Some((old, new)) = a.rsplit_once(" b/") {
            c.add_file(old);
            c.add_file(new);
            return;
        }
    }
    if let Some((old, new)) = rest.strip_prefix('"').and_then(|r| r.split_once("\" \"")) {
        let old = old.strip_prefix("a/").unwrap_or(old);
        let new = new.strip_suffix('"').unwrap_or(new);
        let new = new.strip_prefix("b/").unwrap_or(new);
        c.add_file(&format!("\"{old}\""));
        c.add_file(&format!("\"{new}\""));
    }
}

/// A file line (stat, stat summary, --summary, name-status, numstat, raw), folded into `c`.
fn file_line(c: &mut Commit, t: &str) -> bool {
    if let Some(s) = t.strip_prefix(' ') {
        return stat_line(c, s);
    }
    if let Some(raw) = t.strip_prefix(':') {
        // `:100644 100644 abc1234 def5678 M\tpath`
        let Some((meta, paths)) = raw.split_once('\t') else { return false };
        let parts: Vec<&str> = meta.split(' ').collect();
        if parts.len() != 5 || !parts[..2].iter().all(|m| m.len() == 6 && is_digits(m)) {
            return false;
        }
        paths.split('\t').for_each(|p| c.add_file(p));
        return true;
    }
    let mut cols = t.split('\t');
    let (Some(first), Some(second)) = (cols.next(), cols.next()) else { return false };
    if is_status(first) {
        c.add_file(second);
        cols.for_each(|p| c.add_file(p));
        return true;
    }
    let count = |s: &str| s == "-" || is_digits(s);
    if count(first) && count(second) {
        let Some(path) = cols.next() else { return false };
        c.add_rename(path);
        return true;
    }
    false
}

/// A `--name-status` status: `M`, `A`, `D`, `T`, `U`, `X`, `B`, or `R`/`C` with a score.
fn is_status(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(b'R' | b'C') => b.len() <= 4 && b[1..].iter().all(u8::is_ascii_digit),
        Some(b'A' | b'M' | b'D' | b'T' | b'U' | b'X' | b'B') => b.len() == 1,
        _ => false,
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A `--stat` / `--summary` line after its leading space.
fn stat_line(c: &mut Commit, s: &str) -> bool {
    if let Some((n, changes)) = stat_summary(s) {
        c.files_changed = Some(n);
        for (k, v) in changes {
            match k {
                'i' => c.insertions = Some(v),
                _ => c.deletions = Some(v),
            }
        }
        return true;
    }
    for prefix in ["create mode ", "delete mode "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let Some((mode, path)) = rest.split_once(' ') else { return false };
            if !is_digits(mode) {
                return false;
            }
            c.add_file(path);
            return true;
        }
    }
    if let Some(rest) = s.strip_prefix("rename ").or_else(|| s.strip_prefix("copy ")) {
        let Some((path, score)) = rest.rsplit_once(" (") else { return false };
        if !score.ends_with("%)") {
            return false;
        }
        c.add_rename(path);
        return true;
    }
    if let Some(rest) = s.strip_prefix("mode change ") {
        // `mode change 100644 => 100755 path`
        let Some(path) = rest.splitn(4, ' ').nth(3) else { return false };
        c.add_file(path);
        return true;
    }
    let Some((path, right)) = s.rsplit_once(" | ") else { return false };
    let right = right.trim_start();
    let counted = right.starts_with(|ch: char| ch.is_ascii_digit()) || right.starts_with("Bin");
    if !counted || path.trim().is_empty() {
        return false;
    }
    c.add_rename(path.trim_end());
    true
}

/// ` N files changed, N insertions(+), N deletions(-)` (after the leading space).
fn stat_summary(s: &str) -> Option<(i64, Vec<(char, i64)>)> {
    let mut parts = s.split(", ");
    let first = parts.next()?;
    let n = first.strip_suffix(" files changed").or_else(|| first.strip_suffix(" file changed"))?;
    let n = n.parse().ok()?;
    let mut changes = Vec::new();
    for p in parts {
        let (count, word) = p.split_once(' ')?;
        let count = count.parse().ok()?;
        if word.starts_with("insertion") {
            changes.push(('i', count));
        } else if word.starts_with("deletion") {
            changes.push(('d', count));
        } else {
            return None;
        }
    }
    Some((n, changes))
}

/// `a => b`, `dir/{a => b}/f` → (old, new).
fn expand_rename(path: &str) -> Option<(String, String)> {
    if let Some((pre, rest)) = path.split_once('{') {
        if let Some((inner, post)) = rest.split_once('}') {
            if let Some((a, b)) = inner.split_once(" => ") {
                let join = |mid: &str| {
                    let p = format!("{pre}{mid}{post}").replace("//", "/");
                    p.trim_start_matches('/').to_string()
                };
                return Some((join(a), join(b)));
            }
        }
    }
    let (a, b) = path.split_once(" => ")?;
    Some((a.to_string(), b.to_string()))
}

/// A C-quoted path (`"sp ace\303\251"`) decoded; other paths unchanged.
fn unquote(p: &str) -> Cow<'_, str> {
    let Some(inner) = p.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return Cow::Borrowed(p);
    };
    let mut out = Vec::with_capacity(inner.len());
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let n = b[i + 1];
            let octal = b.get(i + 1..i + 4).filter(|o| o.iter().all(|d| (b'0'..=b'7').contains(d)));
            if let Some(o) = octal {
                let v = o.iter().fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                out.push(v.min(255) as u8);
                i += 4;
                continue;
            }
            out.push(match n {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                other => other,
            });
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A path under a CI workflow directory.
fn is_workflow(path: &str) -> bool {
    path.starts_with(".github/workflows/") || path.starts_with(".gitea/workflows/")
}

/// A file name `ecosystem*.config.{js,cjs,json,mjs}` (a PM2 ecosystem file).
fn is_ecosystem(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some(rest) = name.strip_prefix("ecosystem") else { return false };
    [".config.js", ".config.cjs", ".config.json", ".config.mjs"].iter().any(|suf| rest.ends_with(suf))
}

/// Lines that only make sense inside a commit.
fn detail_shaped(t: &str) -> bool {
    const KEYS: [&str; 8] =
        ["Author:", "Date:", "Merge:", "AuthorDate:", "Commit:", "CommitDate:", "gpg: ", "Primary key"];
    t.starts_with("    ") || KEYS.iter().any(|k| t.starts_with(k)) || {
        let mut c = Commit::new(0, "", None, Phase::Message);
        file_line(&mut c, t)
    }
}

// ---------------------------------------------------------------------------------------
// Line grammars

type Res<'a, T> = IResult<&'a str, T>;

/// Lowercase hex digits, `min..=max` of them.
fn hex(min: usize, max: usize) -> impl Fn(&str) -> Res<'_, &str> {
    move |i| take_while_m_n(min, max, |c: char| matches!(c, '0'..='9' | 'a'..='f'))(i)
}

/// A full object name: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
fn is_hash(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `hash SP …`: the start of a oneline commit or a formatted reflog line.
fn hash_then_space(s: &str) -> bool {
    matches!(hex(7, 64)(s), Ok((rest, _)) if rest.starts_with(' '))
}

/// `commit <hash>[ (decorations)]` → (hash, decorations).
fn commit_line(s: &str) -> Option<(&str, Option<&str>)> {
    let (rest, hash) = preceded(tag("commit "), hex(7, 64))(s).ok()?;
    if rest.is_empty() {
        return Some((hash, None));
    }
    if let Some(d) = rest.strip_prefix(" (").and_then(|r| r.strip_suffix(')')) {
        return Some((hash, Some(d)));
    }
    // `--source`: `commit <hash>\trefs/heads/main`.
    rest.strip_prefix('\t').map(|src| (hash, Some(src.trim())))
}

/// `(decorations) ` at the start of `s` → (decorations, rest).
fn decorations(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('(')?;
    match inner.split_once(") ") {
        Some((d, rest)) if !d.is_empty() => Some((d, rest)),
        _ => inner.strip_suffix(')').filter(|d| !d.is_empty()).map(|d| (d, "")),
    }
}

/// The parts of a formatted reflog line.
struct ReflogLine<'b> {
    new: &'b str,
    refs: Option<&'b str>,
    ref_name: &'b str,
    selector: &'b str,
    msg: &'b str,
}

/// `hash [(decorations) ]ref@{selector}: msg`.
fn reflog_parts(s: &str) -> Option<ReflogLine<'_>> {
    let (rest, (new, _)) = tuple((hex(7, 64), char(' ')))(s).ok()?;
    let (refs, rest) = match decorations(rest) {
        Some((d, r)) => (Some(d), r),
        None => (None, rest),
    };
    let parsed: Res<'_, _> = tuple((take_until("@{"), tag("@{"), take_until("}:"), tag("}:")))(rest);
    let (rest, (ref_name, _, selector, _)) = parsed.ok()?;
    if ref_name.is_empty() || ref_name.contains(' ') || selector.is_empty() {
        return None;
    }
    let msg = match rest.strip_prefix(' ') {
        Some(m) => m,
        None if rest.is_empty() => rest,
        None => return None,
    };
    Some(ReflogLine { new, refs, ref_name, selector, msg })
}

/// A formatted reflog line (`git reflog`, `git log -g --oneline`) as a record.
fn reflog_line(line_no: u64, s: &str) -> Option<Record<'_>> {
    let p = reflog_parts(s)?;
    let time = selector_time(p.selector);
    let mut rec = Record::new(line_no, time, SOURCE, REFLOG, p.msg);
    rec.push_field("ref", p.ref_name);
    rec.push_field("selector", p.selector);
    if let Some(d) = p.refs {
        rec.push_field("refs", d);
    }
    rec.push_field("new", p.new);
    push_action(&mut rec, p.msg);
    Some(rec)
}

/// A reflog selector's time: an index (`0`) is undated; 9+ digits are `--date=unix`.
fn selector_time(sel: &str) -> RawTime {
    if is_digits(sel) && sel.len() < 9 {
        return RawTime::None;
    }
    parse_date(sel)
}

/// The parts of a raw reflog line.
struct RawReflog<'b> {
    old: &'b str,
    new: &'b str,
    id: IdentEpoch<'b>,
    msg: &'b str,
}

/// `old new Name <email> epoch tz[\tmsg]`.
fn raw_reflog_parts(s: &str) -> Option<RawReflog<'_>> {
    let (pre, msg) = s.split_once('\t').unwrap_or((s, ""));
    let (rest, (old, _, new, _)) = tuple((hex(40, 64), char(' '), hex(40, 64), char(' ')))(pre).ok()?;
    if !is_hash(old) || !is_hash(new) {
        return None;
    }
    let id = ident_epoch(rest)?;
    Some(RawReflog { old, new, id, msg })
}

/// A raw reflog line (`.git/logs/HEAD`) as a record.
fn raw_reflog_line<'b>(line_no: u64, s: &'b str, ref_name: Option<&str>) -> Option<Record<'b>> {
    let p = raw_reflog_parts(s)?;
    let mut rec = Record::new(line_no, p.id.time, SOURCE, REFLOG, p.msg);
    if let Some(r) = ref_name {
        rec.push_field("ref", FieldValue::Str(Cow::Owned(r.to_string())));
    }
    rec.push_field("old", p.old);
    rec.push_field("new", p.new);
    rec.push_field("author", p.id.name);
    if let Some(e) = p.id.email {
        rec.push_field("email", e);
    }
    push_action(&mut rec, p.msg);
    Some(rec)
}

/// `action [args] [(qualifier)]: detail` → fields `action`, `args`, `detail`.
fn push_action<'b>(rec: &mut Record<'b>, msg: &'b str) {
    let Some((head, detail)) = msg.split_once(": ").or_else(|| msg.strip_suffix(':').map(|h| (h, ""))) else {
        if !msg.is_empty() {
            rec.push_field("detail", msg);
        }
        return;
    };
    let (word, rest) = head.split_once(' ').unwrap_or((head, ""));
    if word.is_empty() {
        rec.push_field("detail", msg);
        return;
    }
    let qual = rest.find('(').and_then(|i| rest[i..].find(')').map(|j| (i, i + j + 1)));
    match qual {
        Some((i, j)) => {
            let args = format!("{} {}", rest[..i].trim(), rest[j..].trim());
            let args = args.trim();
            rec.push_field("action", format!("{word} {}", &rest[i..j]));
            if !args.is_empty() {
                rec.push_field("args", args.to_string());
            }
        }
        None => {
            rec.push_field("action", word);
            if !rest.trim().is_empty() {
                rec.push_field("args", rest.trim());
            }
        }
    }
    rec.push_field("detail", detail);
}

/// The tabbed machine format `%H\t%an\t%ae\t%aI\t%cI\t%P\t%s` as a commit.
fn tabbed_line(line_no: u64, s: &str) -> Option<Commit> {
    let cols: Vec<&str> = s.splitn(7, '\t').collect();
    let [hash, name, email, adate, cdate, parents, subject] = cols[..] else { return None };
    if !is_hash(hash) {
        return None;
    }
    let author_raw = parse_date(adate);
    if author_raw == RawTime::None {
        return None;
    }
    let mut c = Commit::new(line_no, hash, None, Phase::Message);
    c.author = Some(name.to_string());
    c.email = Some(email.to_string());
    (c.author_raw, c.author_time) = (author_raw, Some(adate.to_string()));
    (c.commit_raw, c.commit_time) = (parse_date(cdate), Some(cdate.to_string()));
    c.parents = parents.split_whitespace().map(str::to_string).collect();
    c.subject = Some(subject.to_string());
    Some(c)
}

/// `hash [(decorations) ]subject` (`--oneline`), or a full hash alone (`git rev-list`).
fn oneline(line_no: u64, s: &str) -> Option<Commit> {
    let (rest, hash) = hex(7, 64)(s).ok()?;
    let subject = match rest.strip_prefix(' ') {
        Some(sub) => sub,
        None if rest.is_empty() && is_hash(hash) => "",
        None => return None,
    };
    let (refs, subject) = match decorations(subject) {
        Some((d, r)) => (Some(d), r),
        None => (None, subject),
    };
    let mut c = Commit::new(line_no, hash, refs, Phase::Message);
    if subject.starts_with("gpg: ") {
        // `--oneline --show-signature`: the signature comes first, the subject on its own line.
        signature_line(&mut c, subject);
        c.await_subject = true;
        c.phase = Phase::Header;
    } else {
        c.subject = Some(subject.to_string());
    }
    Some(c)
}

/// Removes a `--graph` prefix. Returns the rest and whether the prefix holds a `*`.
fn strip_graph(s: &str) -> (&str, bool) {
    if !s.starts_with(['*', '|', '/', '\\']) {
        return (s, false);
    }
    let mut rest = s;
    let mut star = false;
    while let Some(c) = rest.chars().next().filter(|c| matches!(c, '*' | '|' | '/' | '\\' | '_' | '.' | '-'))
    {
        star |= c == '*';
        rest = &rest[1..];
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    (rest, star)
}

// ---------------------------------------------------------------------------------------
// Dates

/// A `git log --date=…` date as written, to a [`RawTime`]:
///
/// | style | example | time |
/// |---|---|---|
/// | default | `Tue Feb 17 14:30:00 2026 +0100` | Exact |
/// | iso | `2026-02-17 14:30:00 +0100` | Exact |
/// | iso-strict | `2026-02-17T14:30:00+01:00`, `…Z` | Exact |
/// | rfc | `Tue, 17 Feb 2026 14:30:00 +0100` | Exact |
/// | raw | `1771335000 +0100` | Exact, wall clock in that offset |
/// | unix | `1771335000` | Exact UTC |
/// | local | `Tue Feb 17 14:30:00 2026` | Local |
/// | human (this year) | `Tue Feb 17 14:30` | NoYear |
/// | short, relative, human (older) | `2026-02-17`, `3 hours ago`, `Jan 5 2024` | None |
pub fn parse_date(s: &str) -> RawTime {
    let s = s.trim();
    if let Some((epoch, tz)) = s.split_once(' ') {
        if let Some(t) = raw_time(epoch, tz) {
            return t;
        }
    }
    if is_digits(s) {
        return raw_time(s, "+0000").unwrap_or(RawTime::None);
    }
    if let Ok((rest, (local, z))) = iso_datetime(s) {
        return match (z, rest) {
            (Some(offset_secs), "") => RawTime::Exact { local, offset_secs },
            (None, "") => RawTime::Local { local, file_offset: None },
            (None, r) => match preceded(char(' '), zone)(r) {
                Ok(("", offset_secs)) => RawTime::Exact { local, offset_secs },
                _ => RawTime::None,
            },
            _ => RawTime::None,
        };
    }
    if let Ok((_, t)) = rfc_date(s) {
        return t;
    }
    if let Ok((_, t)) = default_date(s) {
        return t;
    }
    if let Ok((_, t)) = human_date(s) {
        return t;
    }
    // `short` (`2026-02-17`), `relative`, `format:` styles: not placed on the timeline.
    RawTime::None
}

fn weekday(i: &str) -> Res<'_, &str> {
    take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic())(i)
}

fn day(i: &str) -> Res<'_, u32> {
    map_res(take_while_m_n(1, 2, |c: char| c.is_ascii_digit()), str::parse)(i)
}

fn year(i: &str) -> Res<'_, i32> {
    map_res(take_while_m_n(4, 4, |c: char| c.is_ascii_digit()), str::parse)(i)
}

fn fail(i: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify))
}

/// Builds the time of a full date, with or without an offset.
fn built<'i>(i: &'i str, y: i32, m: u32, d: u32, t: NaiveTime, z: Option<i32>) -> Res<'i, RawTime> {
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| fail(i))?;
    let local = NaiveDateTime::new(date, t);
    Ok(("", RawTime::written(local, z)))
}

/// `Tue, 17 Feb 2026 14:30:00 +0100`.
fn rfc_date(i: &str) -> Res<'_, RawTime> {
    let (rest, (_, _, d, _, m, _, y, _, t, _, z)) = tuple((
        weekday,
        tag(", "),
        day,
        char(' '),
        month_abbrev,
        char(' '),
        year,
        char(' '),
        time,
        char(' '),
        zone,
    ))(i)?;
    if !rest.is_empty() {
        return Err(fail(i));
    }
    built(i, y, m, d, t, Some(z))
}

/// `Tue Feb 17 14:30:00 2026 +0100` (default) or without the offset (local).
fn default_date(i: &str) -> Res<'_, RawTime> {
    let (rest, (_, _, m, _, d, _, t, _, y, z)) = tuple((
        weekday,
        char(' '),
        month_abbrev,
        char(' '),
        day,
        char(' '),
        time,
        char(' '),
        year,
        opt(preceded(char(' '), zone)),
    ))(i)?;
    if !rest.is_empty() {
        return Err(fail(i));
    }
    built(i, y, m, d, t, z)
}

/// `Tue Feb 17 14:30` (`--date=human` within the current year) → NoYear.
fn human_date(i: &str) -> Res<'_, RawTime> {
    let two = |i| map_res(take_while_m_n(2, 2, |c: char| c.is_ascii_digit()), str::parse::<u32>)(i);
    let (rest, (_, _, month, _, d, _, h, _, m)) =
        tuple((weekday, char(' '), month_abbrev, char(' '), day, char(' '), two, char(':'), two))(i)?;
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(time) if rest.is_empty() && (1..=31).contains(&d) => {
            Ok(("", RawTime::NoYear { month, day: d, time }))
        }
        _ => Err(fail(i)),
    }
}

// ---------------------------------------------------------------------------------------
// Sniffing

/// True when `line` is unmistakably git: a `commit <full hash>` header (optionally
/// decorated), a raw reflog line (`old new Name <email> epoch tz`), or a formatted reflog
/// line (`a1b2c3d HEAD@{…}: action: detail`).
pub fn sniff_line(line: &str) -> bool {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if let Some((hash, _)) = commit_line(line) {
        return is_hash(hash);
    }
    raw_reflog_parts(line).is_some() || reflog_parts(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_expand() {
        assert_eq!(expand_rename("app.js => server.js"), Some(("app.js".into(), "server.js".into())));
        assert_eq!(expand_rename("src/{a.js => b.js}"), Some(("src/a.js".into(), "src/b.js".into())));
        assert_eq!(expand_rename("{ => lib}/x.js"), Some(("x.js".into(), "lib/x.js".into())));
        assert_eq!(expand_rename("plain.js"), None);
    }

    #[test]
    fn quoted_paths() {
        assert_eq!(unquote("\"d\\303\\251ploy \\\"x\\\".yml\""), "déploy \"x\".yml");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote("\"a\\"), "\"a\\");
    }

    #[test]
    fn graph_prefixes() {
        assert_eq!(strip_graph("*   73dde49 Merge"), ("  73dde49 Merge", true));
        assert_eq!(strip_graph("| * dd6ba4e (feature) x"), ("dd6ba4e (feature) x", true));
        assert_eq!(strip_graph("|\\  "), (" ", false));
        assert_eq!(strip_graph("| |     body"), ("    body", false));
        assert_eq!(strip_graph("plain"), ("plain", false));
    }

    #[test]
    fn ecosystem_names() {
        assert!(is_ecosystem("ecosystem.config.js"));
        assert!(is_ecosystem("deploy/ecosystem.prod.config.cjs"));
        assert!(!is_ecosystem("ecosystem.js"));
        assert!(!is_ecosystem("my-ecosystem.config.js"));
    }

    #[test]
    fn refs_from_paths() {
        assert_eq!(ref_from_path("srv/app/.git/logs/HEAD").as_deref(), Some("HEAD"));
        assert_eq!(ref_from_path(".git/logs/refs/heads/main").as_deref(), Some("refs/heads/main"));
        assert_eq!(ref_from_path("logs/refs/").as_deref(), None);
        assert_eq!(ref_from_path("git-log.txt"), None);
    }
}
