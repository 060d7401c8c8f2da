//! CI workflow run logs: GitHub Actions job logs (as downloaded, or as printed by
//! `gh run view --log`) and Gitea/Forgejo act_runner job logs, decided one physical line at a
//! time (a file is one shape, but shapes may be mixed).
//!
//! ```text
//! line        = gh-line / stamped / logrus / untimed
//! stamped     = stamp [SP text]                    ; GitHub runner and Gitea: `…:33.5446073Z text`
//! stamp       = date "T" time zone                 ; 7 fractional digits + "Z" as written by both
//! gh-line     = job HTAB step HTAB (stamped / text) ; `gh run view --log`; step may be
//!                                                  ; `UNKNOWN STEP` (newer gh)
//! logrus      = "time=" value *(SP key "=" value)  ; act_runner daemon: time="…" level=info msg="…"
//! value       = DQUOTE *(escaped-char) DQUOTE / 1*(VCHAR except SP)   ; Go %q quoting
//! untimed     = *CHAR                              ; continues the previous record (a runner
//!                                                  ; message holding `\n`, e.g. `##[error]`)
//! ```
//!
//! The `text` of a line (ANSI CSI/OSC sequences removed) is then read as:
//!
//! ```text
//! text   = "##[group]Run " title         ; ci-step; the lines up to "##[endgroup]" are its header:
//!        ;   ESC "[36;1m" script-line ESC "[0m"   → ci-command (one per non-blank script line)
//!        ;   "shell: " … / "with:" / "env:" / 2SP key ": " value  → continuation (dropped);
//!        ;   `with:` inputs of an action are folded into the ci-step's `with` list
//!        / "##[group]" title / "::group::" title                 ; ci-group
//!        / "##[endgroup]" / "::endgroup::"                       ; structural
//!        / "##[error]" msg / "::error" [SP props] "::" msg       ; ci-error (`exit_code` from
//!        ;                                  `Process completed with exit code N.`)
//!        / "##[warning]" msg / "::warning…::" msg                ; ci-warning
//!        / "##[notice]" msg / "::notice…::" msg                  ; ci-notice
//!        / "##[debug]" msg                                       ; ci-debug
//!        / "[command]" command                                   ; ci-command (echoed by an action)
//!        / "Post job cleanup."                                   ; ci-post-cleanup
//!        / "HEAD is now at " sha [SP subject]                    ; ci-checkout
//!        / "Terminate orphan process: pid (" pid ") (" name ")"  ; ci-orphan-kill
//!        / runner "(version:" v ") received task " n " of job " job ", be triggered by event: " ev
//!                                                                ; ci-job-start (act_runner)
//!        / "⭐ Run " stage SP step                               ; ci-step (act)
//!        / *SP ("✅" / "❌") 1*SP ("Success" / "Failure") " - " stage SP step [" [" duration "]"]
//!                                                                ; ci-step-end (act)
//!        / "🏁" 1*SP "Job " outcome                              ; ci-job-end (act)
//!        / pm2-cli                                               ; see crate::pm2_cli
//!        / ""                                                    ; structural (blank, stamped)
//!        / other                                                 ; ci-output
//! ```
//!
//! Examples:
//!
//! ```text
//! 2025-04-23T06:09:05.6163710Z ##[group]Run pushd code
//! 2025-04-23T06:09:05.6164675Z \x1b[36;1mpushd code\x1b[0m
//! 2025-04-23T06:09:05.6218745Z shell: /usr/bin/bash -e {0}
//! 2025-04-23T06:09:05.6219714Z ##[endgroup]
//! job-19  UNKNOWN STEP    2025-07-04T14:32:14.2636988Z ##[group]Runner Image Provisioner
//! 2026-05-22T10:19:05.1339218Z ⭐ Run Main  Checkout
//! 2026-05-22T10:24:08.6358306Z   ❌  Failure - Main 🚀 Deploy to QNAP
//! time="2024-03-01T10:00:00Z" level=info msg="[CI/deploy]   ✅  Success - Main Checkout [1.2s]"
//! ```
//!
//! # Steps and context
//!
//! A `##[group]Run …` line starts a step; whether it runs a script or an action is known only
//! from the lines after it, so its `ci-step` record is pushed when the header shows it (a script
//! line, `shell:`, or `##[endgroup]`): with no script line, it is an action and carries field
//! `action` (the title without `Run `) and `with` (its `with:` inputs as `key: value` texts,
//! masked `***` kept). The current step (GitHub: the group title, e.g. `Run pm2 delete all`;
//! act: the step name, prefixed with the stage when not `Main`, e.g. `Post Checkout`;
//! `Post job cleanup.` sets `Post job cleanup`) is kept and put in field `step` on every later
//! record, as are `job` (GitHub: `Complete job name: …`, the `gh` column, or the file path; act:
//! the `received task … of job …` line or the `[workflow/job]` prefix of a logrus `msg`) and
//! `workflow` (act: that prefix, or a `GITEA-ACTIONS-TASK-…_WORKFLOW-<name>_JOB-…` container name,
//! as act sanitised it). In `gh run view --log` lines, the step column is the step, unless it
//! is `UNKNOWN STEP`. The commit is a field of `ci-checkout` (`commit`, `subject`) and of the
//! 40-hex output line after `[command]/usr/bin/git log -1 --format=%H`.
//!
//! # Times and text
//!
//! Stamps are [`RawTime::Exact`] (the runner writes UTC `Z`), truncated to microseconds (the 7th
//! fractional digit is dropped). A logrus `time=` without a zone is [`RawTime::Local`], an
//! unreadable one [`RawTime::None`]. Untimed lines continue the previous record (or are unparsed
//! before any record). Gitea stores a message's newlines as the two characters `\n`; they are
//! **kept as written** (a literal backslash-n in output cannot be told apart). A logrus `msg`
//! is unquoted: its first line is the message and its other lines are continuation entries of
//! the record. Secrets masked as `***` are kept. Box-drawing tables (`pm2 list`) stay
//! `ci-output`.

use std::borrow::Cow;

use chrono::{NaiveDateTime, Timelike};
use memchr::memchr;
use nom::{
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, space0, space1},
    sequence::tuple,
    IResult,
};

use crate::ansi::strip as strip_ansi;
use crate::pm2_cli;
use crate::record::{FieldValue, LineParser, RawTime, Record, Sink};
use crate::timefmt::{date, iso_datetime, time, zone};

/// Source of every record of this parser.
pub const SOURCE: &str = "ci";

/// A step starts.
pub const CI_STEP: &str = "ci-step";
/// An act step ends.
pub const CI_STEP_END: &str = "ci-step-end";
/// A command: a `run:` script line, or a `[command]` line echoed by an action.
pub const CI_COMMAND: &str = "ci-command";
/// A line the step printed.
pub const CI_OUTPUT: &str = "ci-output";
/// A log group other than a step header.
pub const CI_GROUP: &str = "ci-group";
/// An error annotation.
pub const CI_ERROR: &str = "ci-error";
/// A warning annotation.
pub const CI_WARNING: &str = "ci-warning";
/// A notice annotation.
pub const CI_NOTICE: &str = "ci-notice";
/// A debug line.
pub const CI_DEBUG: &str = "ci-debug";
/// `Post job cleanup.`
pub const CI_POST_CLEANUP: &str = "ci-post-cleanup";
/// `HEAD is now at <sha> <subject>`.
pub const CI_CHECKOUT: &str = "ci-checkout";
/// The runner kills a process left behind by the job.
pub const CI_ORPHAN_KILL: &str = "ci-orphan-kill";
/// act_runner received the job.
pub const CI_JOB_START: &str = "ci-job-start";
/// act: the job ended.
pub const CI_JOB_END: &str = "ci-job-end";

/// Event kinds this parser emits (besides those of [`crate::pm2_cli::KINDS`], which keep
/// source `ci`), with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (
        CI_STEP,
        "a step starts: GitHub `##[group]Run …` (field `step`; an action step also `action` and \
         `with`), act `⭐ Run <stage> <step>` (fields `step`, `stage`)",
    ),
    (
        CI_STEP_END,
        "act step end `✅ Success - …` / `❌ Failure - …`: fields `step`, `stage`, `outcome` \
         (success/failure), `duration` (as written, when present)",
    ),
    (
        CI_COMMAND,
        "a command: a line of a `run:` script (GitHub echoes it in the step header) or a \
         `[command]…` line an action echoed; field `command`",
    ),
    (CI_OUTPUT, "a line the current step printed"),
    (CI_GROUP, "a `##[group]` / `::group::` title that is not a step header; field `group`"),
    (
        CI_ERROR,
        "`##[error]` / `::error::` annotation; field `exit_code` for `Process completed with exit code N.`",
    ),
    (CI_WARNING, "`##[warning]` / `::warning::` annotation"),
    (CI_NOTICE, "`##[notice]` / `::notice::` annotation"),
    (CI_DEBUG, "`##[debug]` line"),
    (CI_POST_CLEANUP, "`Post job cleanup.`: a post step (action cleanup) starts"),
    (CI_CHECKOUT, "`HEAD is now at <sha> <subject>`: fields `commit`, `subject`"),
    (
        CI_ORPHAN_KILL,
        "`Terminate orphan process: pid (N) (name)`: the runner killed a process the job left \
         running (a PM2 daemon started by a job dies here); record pid, field `comm`",
    ),
    (
        CI_JOB_START,
        "act_runner `<runner>(version:<v>) received task <n> of job <job>, be triggered by event: <e>`: \
         fields `runner`, `runner_version`, `task_id`, `event`, `job`",
    ),
    (CI_JOB_END, "act `🏁 Job succeeded|failed`: field `outcome` (success/failure)"),
];

/// Unparsed reason: a line without a timestamp before any record.
pub const REASON_NO_RECORD: &str = "CI log line without a timestamp before any record";

/// The step column `gh run view --log` writes when it does not know the step.
const UNKNOWN_STEP: &str = "UNKNOWN STEP";

/// Most `with:` inputs folded into one ci-step record.
const MAX_WITH: usize = 64;

/// File-name globs of CI job logs: GitHub's log archive names each job `0_<job>.txt` … and
/// downloads are often saved with `job` or `workflow` in the name.
pub const NAME_HINTS: &[&str] = &["0_*.txt", "*job*.log", "*job*.txt", "*workflow*.log", "*-run-*-logs*"];

/// Where the parser is inside a `##[group]Run` step header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Phase {
    /// Not in a step header.
    #[default]
    Body,
    /// After `##[group]Run`: script lines until `shell:`/`with:`/`env:`/`##[endgroup]`.
    Script,
    /// In a `with:` block.
    With,
    /// After `shell:` or in an `env:` block.
    Other,
}

/// A `##[group]Run` step whose record waits for its header to show what it is.
#[derive(Debug)]
struct PendingStep {
    line: u64,
    time: RawTime,
    title: String,
    step: String,
    job: Option<String>,
    with: Vec<String>,
    script_lines: usize,
}

/// Parser for CI job logs (GitHub Actions, `gh run view --log`, Gitea act_runner).
#[derive(Debug, Default)]
pub struct CiLogParser {
    /// A record has been emitted (untimed lines continue it).
    seen_record: bool,
    /// A `gh run view --log` line has been seen (untimed gh lines keep their columns).
    gh_seen: bool,
    /// The current step.
    step: Option<String>,
    /// The job (file path, `Complete job name:`, `received task … of job …`).
    job: Option<String>,
    /// The workflow (act prefix or container name).
    workflow: Option<String>,
    /// Inside a step header.
    phase: Phase,
    /// The step header being read.
    pending: Option<PendingStep>,
    /// The last command was `git log -1 --format=%H`: its 40-hex output is the commit.
    expect_sha: bool,
}

/// A line split into its prefix and text.
struct Parts<'a> {
    time: RawTime,
    /// The text after the timestamp, ANSI codes still in.
    raw: Cow<'a, str>,
    /// `gh` columns.
    job_col: Option<&'a str>,
    step_col: Option<&'a str>,
    /// logrus `level`.
    level: Option<&'a str>,
    /// logrus `msg` lines after the first.
    extra: Vec<String>,
}

enum Shape<'a> {
    Timed(Parts<'a>),
    Untimed(&'a str),
}

impl CiLogParser {
    /// A parser for the log at `path` (`/`-separated, as in the bundle). GitHub's log archive
    /// names a job's whole log `<n>_<job>.txt` and a step's log `<job>/<n>_<step>.txt`: the job
    /// (and step) are taken from these names, and the log's own lines override them.
    pub fn for_path(path: &str) -> Self {
        let mut p = CiLogParser::default();
        let mut comps = path.rsplit('/');
        let name = comps.next().unwrap_or("");
        let parent = comps.next().filter(|d| !d.is_empty());
        let Some(stem) = name.strip_suffix(".txt") else { return p };
        let Some((n, rest)) = stem.split_once('_') else { return p };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
            return p;
        }
        match parent {
            // `logs_<id>/` is how the archive is usually unpacked: its members are jobs.
            Some(dir) if n != "0" && !dir.starts_with("logs") => {
                p.job = Some(dir.to_string());
                p.step = Some(rest.to_string());
            }
            _ => p.job = Some(rest.to_string()),
        }
        p
    }
}

impl LineParser for CiLogParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        match self.shape(text) {
            Shape::Untimed(t) => {
                self.flush_pending(sink);
                self.expect_sha = false;
                if self.seen_record {
                    sink.continuation(t);
                } else if t.trim().is_empty() {
                    sink.structural();
                } else {
                    sink.unparsed(line_no, REASON_NO_RECORD);
                }
            }
            Shape::Timed(parts) => self.timed(line_no, parts, sink),
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_pending(sink);
    }
}

impl CiLogParser {
    /// Splits a line into its shape.
    fn shape<'a>(&mut self, text: &'a str) -> Shape<'a> {
        if let Ok((rest, t)) = stamp(text) {
            return Shape::Timed(Parts {
                time: t,
                raw: Cow::Borrowed(rest),
                job_col: None,
                step_col: None,
                level: None,
                extra: Vec::new(),
            });
        }
        if let Some((job, step, col3)) = gh_columns(text) {
            if let Ok((rest, t)) = stamp(col3) {
                self.gh_seen = true;
                return Shape::Timed(Parts {
                    time: t,
                    raw: Cow::Borrowed(rest),
                    job_col: Some(job),
                    step_col: Some(step),
                    level: None,
                    extra: Vec::new(),
                });
            }
            if self.gh_seen {
                return Shape::Untimed(col3);
            }
        }
        if text.starts_with("time=") {
            if let Some(mut parts) = logrus(text) {
                if let Some((wf, job, rest)) = act_prefix(&parts.raw) {
                    self.workflow = Some(wf.to_string());
                    self.job = Some(job.to_string());
                    parts.raw = sub(&parts.raw, rest);
                }
                return Shape::Timed(parts);
            }
        }
        Shape::Untimed(text)
    }

    /// A timestamped line.
    fn timed<'a>(&mut self, line_no: u64, parts: Parts<'a>, sink: &mut Sink<'a>) {
        let cyan = parts.raw.starts_with("\x1b[36;1m") || parts.raw.starts_with("\x1b[36m");
        let text = strip_ansi_cow(&parts.raw);
        if self.phase != Phase::Body && self.header_line(line_no, &parts, &text, cyan, sink) {
            return;
        }
        self.body(line_no, parts, text, sink);
    }

    /// A line inside a step header. Returns false when the header has ended and the line is
    /// body text.
    // `text` is a `Cow` on purpose: its variant decides whether slices of it borrow the input.
    #[allow(clippy::ptr_arg)]
    fn header_line<'a>(
        &mut self,
        line_no: u64,
        parts: &Parts<'a>,
        text: &Cow<'a, str>,
        cyan: bool,
        sink: &mut Sink<'a>,
    ) -> bool {
        let t: &str = text;
        if t == "##[endgroup]" {
            self.flush_pending(sink);
            self.phase = Phase::Body;
            sink.structural();
            return true;
        }
        if t == "with:" || t == "env:" {
            self.phase = if t == "with:" { Phase::With } else { Phase::Other };
            sink.continuation_dropped();
            return true;
        }
        if t.starts_with("shell: ") || t == "shell:" {
            if let Some(p) = self.pending.as_mut() {
                p.script_lines = p.script_lines.max(1);
            }
            self.flush_pending(sink);
            self.phase = Phase::Other;
            sink.continuation_dropped();
            return true;
        }
        match self.phase {
            Phase::Script if cyan || !t.starts_with("##[") => {
                if let Some(p) = self.pending.as_mut() {
                    p.script_lines += 1;
                }
                self.flush_pending(sink);
                if t.trim().is_empty() {
                    sink.continuation_dropped();
                } else {
                    let mut rec = Record::new(line_no, parts.time, SOURCE, CI_COMMAND, sub(text, t));
                    rec.push_field("command", sf(text, t));
                    self.context(&mut rec, parts);
                    self.emit(rec, sink);
                }
                true
            }
            Phase::With | Phase::Other if t.starts_with(' ') => {
                if self.phase == Phase::With {
                    if let Some(p) = self.pending.as_mut() {
                        if p.with.len() < MAX_WITH {
                            p.with.push(t.trim().to_string());
                        }
                    }
                }
                sink.continuation_dropped();
                true
            }
            _ => {
                self.flush_pending(sink);
                self.phase = Phase::Body;
                false
            }
        }
    }

    /// A body line: everything but step-header lines.
    fn body<'a>(&mut self, line_no: u64, parts: Parts<'a>, text: Cow<'a, str>, sink: &mut Sink<'a>) {
        self.flush_pending(sink);
        let expect_sha = std::mem::take(&mut self.expect_sha);
        let t: &str = &text;
        if t.is_empty() {
            sink.structural();
            return;
        }
        // `##[…]` and `::…::` workflow commands.
        if let Some((name, msg)) = hash_command(t).or_else(|| colon_command(t)) {
            let kind = match name {
                "group" => {
                    if let Some(title) = msg.strip_prefix("Run ").filter(|_| t.starts_with("##[")) {
                        if !title.trim().is_empty() {
                            self.start_step(line_no, &parts, msg, sink);
                            return;
                        }
                    }
                    CI_GROUP
                }
                "endgroup" => {
                    sink.structural();
                    return;
                }
                "error" => CI_ERROR,
                "warning" => CI_WARNING,
                "notice" => CI_NOTICE,
                "debug" => CI_DEBUG,
                _ => CI_OUTPUT,
            };
            let message = if kind == CI_OUTPUT { t } else { msg };
            let mut rec = Record::new(line_no, parts.time, SOURCE, kind, sub(&text, message));
            if kind == CI_GROUP {
                rec.push_field("group", sf(&text, msg));
            }
            if kind == CI_ERROR {
                if let Some(code) = exit_code(msg) {
                    rec.push_field("exit_code", code);
                }
            }
            self.context(&mut rec, &parts);
            return self.emit_with_extra(rec, parts.extra, sink);
        }
        if let Some(cmd) = t.strip_prefix("[command]") {
            self.expect_sha = cmd.contains("git log -1 --format=%H");
            let mut rec = Record::new(line_no, parts.time, SOURCE, CI_COMMAND, sub(&text, cmd));
            rec.push_field("command", sf(&text, cmd));
            self.context(&mut rec, &parts);
            return self.emit_with_extra(rec, parts.extra, sink);
        }
        if t == "Post job cleanup." {
            self.step = Some("Post job cleanup".to_string());
            let mut rec = Record::new(line_no, parts.time, SOURCE, CI_POST_CLEANUP, sub(&text, t));
            self.context(&mut rec, &parts);
            return self.emit_with_extra(rec, parts.extra, sink);
        }
        let mut rec = Record::new(line_no, parts.time, SOURCE, CI_OUTPUT, sub(&text, t));
        if let Ok((_, (sha, subject))) = head_is_now_at(t) {
            rec.kind = CI_CHECKOUT;
            rec.push_field("commit", sf(&text, sha));
            if !subject.is_empty() {
                rec.push_field("subject", sf(&text, subject));
            }
        } else if let Ok((_, (pid, comm))) = orphan(t) {
            rec.kind = CI_ORPHAN_KILL;
            rec.pid = pid.parse().ok();
            rec.push_field("comm", sf(&text, comm));
        } else if let Some(js) = job_start(t) {
            rec.kind = CI_JOB_START;
            if parts.job_col.is_none() {
                self.job = Some(js.job.to_string());
            }
            rec.push_field("runner", sf(&text, js.runner));
            rec.push_field("runner_version", sf(&text, js.version));
            match js.task.parse::<i64>() {
                Ok(n) => rec.push_field("task_id", n),
                Err(_) => rec.push_field("task_id", sf(&text, js.task)),
            }
            rec.push_field("event", sf(&text, js.event));
        } else if let Ok((_, (stage, name))) = act_step(t) {
            let step = stage_step(stage, name);
            self.step = Some(step.clone());
            rec.kind = CI_STEP;
            rec.push_field("step", step);
            rec.push_field("stage", sf(&text, stage));
        } else if let Ok((_, (ok, stage, name, duration))) = act_step_end(t) {
            rec.kind = CI_STEP_END;
            rec.push_field("step", stage_step(stage, name));
            rec.push_field("stage", sf(&text, stage));
            rec.push_field("outcome", if ok { "success" } else { "failure" });
            if let Some(d) = duration {
                rec.push_field("duration", sf(&text, d));
            }
        } else if let Ok((_, outcome)) = act_job_end(t) {
            rec.kind = CI_JOB_END;
            let outcome = match outcome {
                "succeeded" => Cow::Borrowed("success"),
                "failed" => Cow::Borrowed("failure"),
                other => sub(&text, other),
            };
            rec.push_field("outcome", FieldValue::Str(outcome));
        } else if let Some(cli) = pm2_cli::classify(t) {
            rec.kind = cli.kind;
            rec.message = sub(&text, cli.message);
            rec.process = cli.process.map(|p| sub(&text, p));
            rec.pm_id = cli.pm_id.map(|p| sub(&text, p));
            for (k, v) in cli.fields {
                rec.push_field(k, owned_or_sub(&text, v));
            }
        } else {
            if expect_sha && t.len() == 40 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
                rec.push_field("commit", sf(&text, t));
            }
            self.side_effects(t, &parts);
        }
        self.context(&mut rec, &parts);
        self.emit_with_extra(rec, parts.extra, sink);
    }

    /// Context an output line gives: the job name, the workflow name.
    fn side_effects(&mut self, t: &str, parts: &Parts<'_>) {
        if let Some(job) = t.strip_prefix("Complete job name: ") {
            if parts.job_col.is_none() && !job.trim().is_empty() {
                self.job = Some(job.trim().to_string());
            }
        }
        if let Some(i) = t.find("GITEA-ACTIONS-TASK-") {
            let name = t[i..].split(' ').next().unwrap_or("");
            if let (Some(w), Some(j)) = (name.find("_WORKFLOW-"), name.rfind("_JOB-")) {
                if w + "_WORKFLOW-".len() <= j {
                    let wf = &name[w + "_WORKFLOW-".len()..j];
                    if !wf.is_empty() {
                        self.workflow = Some(wf.to_string());
                    }
                }
            }
        }
    }

    /// `##[group]Run <title>`: the step's record waits for its header.
    fn start_step<'a>(&mut self, line_no: u64, parts: &Parts<'a>, msg: &str, sink: &mut Sink<'a>) {
        let step = msg.to_string();
        self.step = Some(step.clone());
        let step = parts.step_col.filter(|s| *s != UNKNOWN_STEP).map_or(step, str::to_string);
        self.pending = Some(PendingStep {
            line: line_no,
            time: parts.time,
            title: msg.to_string(),
            step,
            job: parts.job_col.map(str::to_string),
            with: Vec::new(),
            script_lines: 0,
        });
        self.phase = Phase::Script;
        self.expect_sha = false;
        sink.event_pending();
    }

    /// Pushes the step header record, if one waits.
    fn flush_pending(&mut self, sink: &mut Sink<'_>) {
        let Some(p) = self.pending.take() else { return };
        let mut rec = Record::new(p.line, p.time, SOURCE, CI_STEP, p.title.clone());
        rec.push_field("step", p.step);
        if p.script_lines == 0 {
            let action = p.title.strip_prefix("Run ").unwrap_or(&p.title).to_string();
            rec.push_field("action", action);
            if !p.with.is_empty() {
                rec.push_field("with", FieldValue::List(p.with.into_iter().map(Cow::Owned).collect()));
            }
        }
        if let Some(job) = p.job.or_else(|| self.job.clone()) {
            rec.push_field("job", job);
        }
        if let Some(wf) = &self.workflow {
            rec.push_field("workflow", wf.clone());
        }
        self.seen_record = true;
        sink.push_pending(rec);
    }

    /// Appends `step`, `job`, `workflow` (and a logrus `level`) to a record.
    fn context<'a>(&self, rec: &mut Record<'a>, parts: &Parts<'a>) {
        if let Some(level) = parts.level {
            rec.push_field("level", level);
        }
        if rec.field("step").is_none() {
            match parts.step_col.filter(|s| *s != UNKNOWN_STEP) {
                Some(s) => rec.push_field("step", s),
                None => {
                    if let Some(s) = &self.step {
                        rec.push_field("step", s.clone());
                    }
                }
            }
        }
        match parts.job_col {
            Some(j) => rec.push_field("job", j),
            None => {
                if let Some(j) = &self.job {
                    rec.push_field("job", j.clone());
                }
            }
        }
        if let Some(w) = &self.workflow {
            rec.push_field("workflow", w.clone());
        }
    }

    fn emit<'a>(&mut self, rec: Record<'a>, sink: &mut Sink<'a>) {
        self.seen_record = true;
        sink.event(rec);
    }

    fn emit_with_extra<'a>(&mut self, mut rec: Record<'a>, extra: Vec<String>, sink: &mut Sink<'a>) {
        rec.continuation.extend(extra.into_iter().map(Cow::Owned));
        self.emit(rec, sink);
    }
}

/// `Main` steps are named as is; `Pre`/`Post` steps get their stage in front.
fn stage_step(stage: &str, name: &str) -> String {
    if stage == "Main" {
        name.to_string()
    } else {
        format!("{stage} {name}")
    }
}

// ---------------------------------------------------------------------------------------
// Line grammars

/// `date "T" time zone [SP]`: the runner's stamp, time truncated to microseconds.
fn stamp(input: &str) -> IResult<&str, RawTime> {
    let (rest, (d, _, t, off)) = tuple((date, char('T'), time, zone))(input)?;
    let rest = match rest.strip_prefix(' ') {
        Some(r) => r,
        None if rest.is_empty() => rest,
        None => return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Space))),
    };
    Ok((rest, RawTime::Exact { local: d.and_time(micros(t)), offset_secs: off }))
}

fn micros(t: chrono::NaiveTime) -> chrono::NaiveTime {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// `job HTAB step HTAB rest`.
fn gh_columns(text: &str) -> Option<(&str, &str, &str)> {
    let a = memchr(b'\t', text.as_bytes())?;
    let b = a + 1 + memchr(b'\t', &text.as_bytes()[a + 1..])?;
    Some((&text[..a], &text[a + 1..b], &text[b + 1..]))
}

/// `##[name]rest`.
fn hash_command(t: &str) -> Option<(&str, &str)> {
    let (rest, (_, name, _)) = tuple((
        tag::<_, _, nom::error::Error<&str>>("##["),
        take_while1(|c: char| c.is_ascii_alphanumeric()),
        char(']'),
    ))(t)
    .ok()?;
    Some((name, rest))
}

/// `::name[ props]::rest` for the commands act_runner keeps raw.
fn colon_command(t: &str) -> Option<(&str, &str)> {
    let rest = t.strip_prefix("::")?;
    let end = rest.find("::")?;
    let head = &rest[..end];
    let name = head.split(' ').next().unwrap_or("");
    matches!(name, "group" | "endgroup" | "error" | "warning" | "notice").then_some((name, &rest[end + 2..]))
}

/// `Process completed with exit code N.`
fn exit_code(msg: &str) -> Option<i64> {
    msg.strip_prefix("Process completed with exit code ")?.strip_suffix('.')?.parse().ok()
}

/// `HEAD is now at <sha> [<subject>]`.
fn head_is_now_at(t: &str) -> IResult<&str, (&str, &str)> {
    let (rest, (_, sha)) = tuple((tag("HEAD is now at "), take_while1(|c: char| c.is_ascii_hexdigit())))(t)?;
    if sha.len() < 7 || !(rest.is_empty() || rest.starts_with(' ')) {
        return Err(nom::Err::Error(nom::error::Error::new(t, nom::error::ErrorKind::Verify)));
    }
    Ok(("", (sha, rest.trim_start())))
}

/// `Terminate orphan process: pid (N) (name)`.
fn orphan(t: &str) -> IResult<&str, (&str, &str)> {
    let (rest, (_, pid, _)) = tuple((tag("Terminate orphan process: pid ("), digit1, tag(") (")))(t)?;
    match rest.strip_suffix(')') {
        Some(name) => Ok(("", (pid, name))),
        None => Err(nom::Err::Error(nom::error::Error::new(rest, nom::error::ErrorKind::Char))),
    }
}

struct JobStart<'t> {
    runner: &'t str,
    version: &'t str,
    task: &'t str,
    job: &'t str,
    event: &'t str,
}

/// `<runner>(version:<v>) received task <n> of job <job>, be triggered by event: <event>`.
fn job_start(t: &str) -> Option<JobStart<'_>> {
    let (runner, rest) = t.split_once("(version:")?;
    let (version, rest) = rest.split_once(") received task ")?;
    let (task, rest) = rest.split_once(" of job ")?;
    let (job, event) = rest.rsplit_once(", be triggered by event: ")?;
    Some(JobStart { runner, version, task, job, event })
}

/// `⭐ Run <stage> <step>`.
fn act_step(t: &str) -> IResult<&str, (&str, &str)> {
    let (rest, (_, _, _, stage, _)) = tuple((
        tag("\u{2B50}"),
        space1,
        tag("Run "),
        take_while1(|c: char| c.is_ascii_alphabetic()),
        space1,
    ))(t.trim_start())?;
    Ok(("", (stage, rest.trim())))
}

/// `✅  Success - <stage> <step> [<duration>]` / `❌  Failure - …`.
#[allow(clippy::type_complexity)]
fn act_step_end(t: &str) -> IResult<&str, (bool, &str, &str, Option<&str>)> {
    let (rest, (_, mark, _)) =
        tuple((space0, take_while1(|c| c == '\u{2705}' || c == '\u{274C}'), space1))(t)?;
    let ok = mark.starts_with('\u{2705}');
    let word = if ok { "Success - " } else { "Failure - " };
    let (rest, (_, stage, _)) =
        tuple((tag(word), take_while1(|c: char| c.is_ascii_alphabetic()), space1))(rest)?;
    let rest = rest.trim_end();
    let (name, duration) = match rest.rfind(" [") {
        Some(i) if rest.ends_with(']') => {
            let d = &rest[i + 2..rest.len() - 1];
            if !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
                (&rest[..i], Some(d))
            } else {
                (rest, None)
            }
        }
        _ => (rest, None),
    };
    Ok(("", (ok, stage, name.trim(), duration)))
}

/// `🏁  Job succeeded|failed`.
fn act_job_end(t: &str) -> IResult<&str, &str> {
    let (rest, _) = tuple((tag("\u{1F3C1}"), space1, tag("Job ")))(t.trim_start())?;
    Ok(("", rest.trim()))
}

/// A logrus text line: `time="…" level=… msg="…" key=value…`.
fn logrus(text: &str) -> Option<Parts<'_>> {
    let mut rest = text;
    let (mut time_v, mut level, mut msg) = (None, None, None);
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = &rest[..eq];
        if key.is_empty() || key.contains([' ', '"']) {
            return None;
        }
        let (value, after) = logrus_value(&rest[eq + 1..])?;
        match key {
            "time" => time_v = Some(value),
            "level" => level = Some(value),
            "msg" => msg = Some(value),
            _ => {}
        }
        rest = after.trim_start_matches(' ');
    }
    let time_v = time_v?;
    let time = match iso_datetime(&time_v) {
        Ok(("", (dt, Some(off)))) => RawTime::Exact { local: micro_dt(dt), offset_secs: off },
        Ok(("", (dt, None))) => RawTime::Local { local: micro_dt(dt), file_offset: None },
        _ => RawTime::None,
    };
    let level = match level {
        Some(Cow::Borrowed(l)) => Some(l),
        _ => None,
    };
    let msg = msg.unwrap_or(Cow::Borrowed(""));
    let (raw, extra) = match memchr(b'\n', msg.as_bytes()) {
        None => (msg, Vec::new()),
        Some(_) => {
            let mut lines = msg.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string());
            let first = lines.next().unwrap_or_default();
            (Cow::Owned(first), lines.collect())
        }
    };
    Some(Parts { time, raw, job_col: None, step_col: None, level, extra })
}

fn micro_dt(dt: NaiveDateTime) -> NaiveDateTime {
    dt.date().and_time(micros(dt.time()))
}

/// One logrus value: a Go-quoted string or a bare word. Returns the value and what follows.
fn logrus_value(input: &str) -> Option<(Cow<'_, str>, &str)> {
    let Some(body) = input.strip_prefix('"') else {
        let end = input.find(' ').unwrap_or(input.len());
        return Some((Cow::Borrowed(&input[..end]), &input[end..]));
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut has_escape = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                has_escape = true;
                i += 2;
            }
            b'"' => break,
            _ => i += 1,
        }
    }
    if i >= bytes.len() {
        return None;
    }
    let inner = &body[..i];
    let after = &body[i + 1..];
    if !has_escape {
        return Some((Cow::Borrowed(inner), after));
    }
    Some((Cow::Owned(go_unquote(inner)), after))
}

/// Undoes Go's `%q` escapes (unknown escapes are kept as written).
fn go_unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Option<char> {
            let digits: String = chars.clone().take(n).collect();
            if digits.len() != n {
                return None;
            }
            let v = u32::from_str_radix(&digits, 16).ok()?;
            for _ in 0..n {
                chars.next();
            }
            Some(char::from_u32(v).unwrap_or('\u{FFFD}'))
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' | '"' | '\'' => out.push(e),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                match hex(&mut chars, n) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// Splits act's `[workflow/job] ` prefix off a logrus message.
fn act_prefix(t: &str) -> Option<(&str, &str, &str)> {
    let inner_end = t.strip_prefix('[')?.find("] ")? + 1;
    let inner = &t[1..inner_end];
    let (wf, job) = inner.rsplit_once('/')?;
    if wf.is_empty() || job.is_empty() {
        return None;
    }
    Some((wf, job, &t[inner_end + 2..]))
}

// ---------------------------------------------------------------------------------------
// Text helpers

/// `part` (a slice of `base`'s text) with `base`'s lifetime when `base` borrows the input.
fn sub<'a>(base: &Cow<'a, str>, part: &str) -> Cow<'a, str> {
    if let Cow::Borrowed(b) = base {
        let start = (part.as_ptr() as usize).wrapping_sub(b.as_ptr() as usize);
        if let Some(s) = start.checked_add(part.len()).and_then(|end| b.get(start..end)) {
            return Cow::Borrowed(s);
        }
    }
    Cow::Owned(part.to_string())
}

/// [`sub`] as a string field value.
fn sf<'a>(base: &Cow<'a, str>, part: &str) -> FieldValue<'a> {
    FieldValue::Str(sub(base, part))
}

/// A field value of a classifier result, re-borrowed from `base` where possible.
fn owned_or_sub<'a>(base: &Cow<'a, str>, v: FieldValue<'_>) -> FieldValue<'a> {
    match v {
        FieldValue::Str(s) => FieldValue::Str(sub(base, &s)),
        FieldValue::Int(n) => FieldValue::Int(n),
        FieldValue::List(l) => FieldValue::List(l.iter().map(|s| sub(base, s)).collect()),
    }
}

/// `raw` without ANSI escape sequences, borrowing when there are none.
fn strip_ansi_cow<'a>(raw: &Cow<'a, str>) -> Cow<'a, str> {
    match strip_ansi(raw) {
        Cow::Borrowed(_) => raw.clone(),
        Cow::Owned(s) => Cow::Owned(s),
    }
}

// ---------------------------------------------------------------------------------------
// Sniffing

/// `YYYY-MM-DDTHH:MM:SS.fffffffZ ` exactly as the GitHub runner and Gitea write it; the rest.
fn runner_stamp(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    if b.len() < 29 {
        return None;
    }
    const SHAPE: &[u8; 29] = b"dddd-dd-ddTdd:dd:dd.dddddddZ ";
    for (c, s) in b.iter().zip(SHAPE.iter()) {
        let ok = if *s == b'd' { c.is_ascii_digit() } else { c == s };
        if !ok {
            return None;
        }
    }
    line.get(29..)
}

/// True when `line` is a strong signature of a CI job log: a runner stamp followed by a
/// `##[`/`::group::`/`[command]/` marker, act's `⭐ Run ` / `🏁  Job ` markers or the
/// act_runner `received task` line; a `gh run view --log` line (two tab-separated columns,
/// then a runner stamp); or an act_runner logrus line (`time="…`) carrying act's `⭐ Run ` or
/// `🏁  Job ` marker.
pub fn sniff_line(line: &str) -> bool {
    let rest = match runner_stamp(line) {
        Some(r) => r,
        None => match gh_columns(line) {
            Some((job, step, col3)) => {
                return !job.is_empty() && !step.is_empty() && runner_stamp(col3).is_some()
            }
            None => {
                return line.starts_with("time=\"")
                    && (line.contains("\u{2B50} Run ") || line.contains("\u{1F3C1}  Job "))
            }
        },
    };
    let t = rest.trim_start();
    rest.starts_with("##[")
        || rest.starts_with("::group::")
        || rest.starts_with("[command]/")
        || t.starts_with("\u{2B50} Run ")
        || t.starts_with("\u{1F3C1}  Job ")
        || (rest.contains("(version:") && rest.contains(") received task ") && rest.contains(" of job "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi() {
        assert_eq!(strip_ansi("\x1b[36;1mpm2 delete all\x1b[0m"), "pm2 delete all");
        assert_eq!(strip_ansi("a\x1b["), "a");
        assert_eq!(strip_ansi("a\x1b]0;title\x07b"), "ab");
        assert_eq!(strip_ansi("a\x1b\u{e9}b"), "a\u{e9}b");
        assert_eq!(strip_ansi("a\x1b[\u{e9}b"), "a\u{e9}b");
    }

    #[test]
    fn unquote() {
        assert_eq!(go_unquote(r#"a\nb\"c\\d\u00e9\x41"#), "a\nb\"c\\d\u{e9}A");
        assert_eq!(go_unquote(r"\u12"), r"\u12");
        assert_eq!(go_unquote("x\\"), "x\\");
    }

    #[test]
    fn act_prefix_split() {
        assert_eq!(act_prefix("[CI/deploy] x"), Some(("CI", "deploy", "x")));
        assert_eq!(act_prefix("[PM2] x"), None);
    }
}
