//! PM2 daemon log (`$PM2_HOME/pm2.log`, default `~/.pm2/pm2.log`).
//!
//! The daemon prefixes every `console.*` call with a local, zone-less timestamp and a level tag;
//! anything written around `console` (stack-trace lines of a multi-line message, Node warnings,
//! V8's fatal-error banner) has no prefix. The prefix changed across PM2 versions; all of these
//! are read:
//!
//! ```text
//! line         = [logs-tag] (prefix message / unprefixed)
//! logs-tag     = *SP "PM2" 1*SP "|" [SP]          ; `pm2 logs` / `pm2 report` output, after
//!                                                 ; ANSI colour codes (ESC "[" … "m") are removed
//! prefix       = [old-tag] stamp-part [level-tag]
//! old-tag      = "PM2" [":"] SP                   ; pre-1.x:    `PM2: 2016-05-10 20:38:47: `
//! stamp-part   = "[" stamp "]" [":"] SP           ; 2.10:       `[2018-05-07 16:21:11] PM2 error: `
//!                                                 ; 3.0–3.1:    `[2018-08-15T23:22:51.130Z] PM2 log: `
//!              / stamp ":" [SP]                   ; ≤ 2.9:      `2017-03-21 14:16:26: `
//!                                                 ; 3.2 → 7.x:  `2024-01-15T10:23:45: PM2 log: `
//! stamp        = date ("T" / SP) time [fake-z / [SP] zone]
//! fake-z       = "Z" / "z"                        ; 3.0–3.1 wrote a literal Z: the time is LOCAL
//!                                                 ; (a zone is real: PM2 0.x, or a custom
//!                                                 ; PM2_LOG_DATE_FORMAT `YYYY-MM-DD HH:mm:ss Z`)
//! level-tag    = "PM2 " level ":" [SP]
//! level        = "log" / "info" / "warn" / "error"
//!
//! ; only between a banner title and the banner's closing separator:
//! separator    = 20*"="                           ; PM2 writes 79
//! title        = "--- " title-text SP *"-"        ; `--- New PM2 Daemon started ----…`
//! banner-field = key ":" [SP] value               ; `Time                 : Sat Nov 28 …`
//! key          = ALPHA *(ALPHA / DIGIT / "." / SP) ; right-padded to 20 characters by PM2
//! ```
//!
//! `date`, `time` and `zone` are the shared grammars of [`crate::timefmt`].
//!
//! # Time
//!
//! A prefix time is [`RawTime::Local`]: PM2 writes the daemon's wall clock with no zone. Its
//! `file_offset` is the `GMT±hhmm` of the `Time : …` field of the most recent daemon banner
//! (`None` before any banner, and from a `New PM2 Daemon started` title until that banner's `Time`
//! field: a new daemon may run in another zone). The 3.0–3.1 `Z` is ignored. Only a numeric
//! offset written in the prefix itself (PM2 0.x wrote moment's default,
//! `2014-11-29T11:36:35+08:00:`; a custom `PM2_LOG_DATE_FORMAT` may add one) makes the time
//! [`RawTime::Exact`]. Unprefixed records (V8 banner, Node warning) carry [`RawTime::None`].
//!
//! # Exit cause
//!
//! `app-exit` records carry `cause` (see [`KINDS`]). PM2 prints
//! `exited with code [${code}] via signal [${signal || 'SIGINT'}]`, so `SIGINT` is a default label,
//! and a death by signal reports code `0`. The cause is therefore decided from parser state:
//!
//! * `stopped`: a `Stopping app:N id:I` for the same name and id came first (the stop is cleared
//!   by the exit), or the daemon is shutting down after `pm2 has been killed by signal`;
//! * `escalated`: stopped, the signal is `SIGKILL`, and a `still alive after …ms, sending …SIGKILL`
//!   line came after the stop request;
//! * `crash`: no stop pending, a non-zero numeric code;
//! * `external-signal`: no stop pending, code `0` and a real signal other than the default
//!   `SIGINT` label (or code `null`, which Node reports only for a death by signal): something
//!   outside PM2 killed the app (OOM killer, `kill -9`, a container limit);
//! * `clean-exit`: no stop pending, code `0` via the default `SIGINT` label: the app ended itself;
//! * `unknown`: anything else (`undefined` code, unreadable code).
//!
//! `stopped`/`escalated` exits (and `app-stop-requested` records) carry `by` when the log says why
//! PM2 stopped the app: `daemon-shutdown` (after `pm2 has been killed by signal`),
//! `max-memory-restart` (a `[PM2][WORKER] Process I restarted because it exceeds
//! --max-memory-restart` for that id, or for `N` of `_old_N`, came first) or `watch` (a
//! `Change detected on path … for app N` came first). No `by` means a CLI/API command.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{all_consuming, map, map_res, opt, value},
    sequence::{delimited, pair, preceded, terminated, tuple},
    IResult,
};

use crate::ansi::strip as strip_ansi;
use crate::record::{FieldValue, FileOffset, LineParser, RawTime, Record, Sink};
use crate::scan;
use crate::timefmt::{date, time, zone};

const SOURCE: &str = "pm2";

const DAEMON_START: &str = "daemon-start";
const DAEMON_ERROR: &str = "daemon-error";
const DAEMON_RESPAWN: &str = "daemon-respawn";
const DAEMON_KILL: &str = "daemon-kill";
const DAEMON_SIGNAL: &str = "daemon-signal";
const DAEMON_EXIT: &str = "daemon-exit";
const DAEMON_MESSAGE: &str = "daemon-message";
const APP_START: &str = "app-start";
const APP_ONLINE: &str = "app-online";
const APP_EXIT: &str = "app-exit";
const APP_STOP_REQUESTED: &str = "app-stop-requested";
const APP_KILLED: &str = "app-killed";
const APP_KILL_RETRY: &str = "app-kill-retry";
const APP_KILL_ESCALATED: &str = "app-kill-escalated";
const APP_KILL_FAILED: &str = "app-kill-failed";
const APP_NO_PID: &str = "app-no-pid";
const APP_ERRORED: &str = "app-errored";
const MEMORY_RESTART: &str = "memory-restart";
const APP_RESTART_DELAY: &str = "app-restart-delay";
const APP_BACKOFF_RESET: &str = "app-backoff-reset";
const APP_DISCONNECTED: &str = "app-disconnected";
const APP_RELOAD: &str = "app-reload";
const APP_DELETE: &str = "app-delete";
const WATCH_RESTART: &str = "watch-restart";
const WATCH_START: &str = "watch-start";
const WATCH_STOP: &str = "watch-stop";
const CRON_REGISTER: &str = "cron-register";
const CRON_DEREGISTER: &str = "cron-deregister";
const CRON_RESTART: &str = "cron-restart";
const SPAWN_ERROR: &str = "spawn-error";
const LOG_STREAM_ERROR: &str = "log-stream-error";
const LOGS_RELOAD: &str = "logs-reload";
const NODE_WARNING: &str = "node-warning";
const V8_HEAP_OOM: &str = "v8-heap-oom";

/// Event kinds this parser emits, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (
        DAEMON_START,
        "A PM2 daemon started: the `New PM2 Daemon started` banner, its `Key : value` lines folded \
         into fields (pm2_version, node_version, arch, pm2_home, pid_file, rpc_socket, bus_socket, \
         log_path, worker_interval, dump_file, concurrent_actions, sigterm_timeout, runtime_binary, \
         banner_time); also the 0.x `[[[[ PM2/God daemon launched ]]]]` line",
    ),
    (
        DAEMON_ERROR,
        "The daemon caught an uncaught error (`PM2 global error caught` banner); field `error` is \
         the message, the stack is in the continuation",
    ),
    (
        DAEMON_RESPAWN,
        "`[PM2] Resurrecting PM2`: after a global error the daemon respawns itself (`pm2 update`)",
    ),
    (
        DAEMON_KILL,
        "The daemon stopped on `pm2 kill` / `pm2 update` (`PM2 successfully stopped`; ≤ 2.9 the \
         `Stopping PM2` banner; 0.x `PM2 is being killed via kill method`)",
    ),
    (
        DAEMON_SIGNAL,
        "The daemon got SIGTERM/SIGINT/SIGQUIT (systemd stop, reboot, kill): it deletes every app and \
         exits; exits after it have cause `stopped`, by `daemon-shutdown`",
    ),
    (DAEMON_EXIT, "`Exited peacefully`: the daemon finished its signal shutdown and exited"),
    (DAEMON_MESSAGE, "Any other prefixed daemon line (field `level` kept)"),
    (APP_START, "PM2 starts an app instance (`starting in -fork|cluster mode-`); field `mode`"),
    (APP_ONLINE, "An app instance is online"),
    (
        APP_EXIT,
        "An app instance exited; fields `exit_code` (Int, or Str `null`/`undefined` as written), \
         `signal` (as written; `SIGINT` is PM2's default label), `cause` (crash | stopped | \
         escalated | external-signal | clean-exit | unknown), `by` (why PM2 stopped it, when known)",
    ),
    (
        APP_STOP_REQUESTED,
        "PM2 was asked to stop an app (stop/restart/reload/delete/kill/max-memory/watch); field `by` \
         when known",
    ),
    (
        APP_KILLED,
        "PM2 confirmed an app's pid is gone (`msg=process killed` / `process tree killed`); field `pids`",
    ),
    (
        APP_KILL_RETRY,
        "The app survived the stop signal, PM2 polls again (`failed to kill - retrying`); field `retry_ms`",
    ),
    (
        APP_KILL_ESCALATED,
        "The app outlived kill_timeout, PM2 sends SIGKILL (`still alive after …ms`); fields `after_ms`, \
         `pids`",
    ),
    (APP_KILL_FAILED, "PM2 could not kill or stop an app (`could not be killed` / `could not be stopped`)"),
    (APP_NO_PID, "A stop found no pid (`does not have a pid`): the app was already down (stopped/errored)"),
    (
        APP_ERRORED,
        "Crash loop: too many unstable restarts, PM2 gives up (status errored); fields `script` \
         (the script path, not the app name), `restarts`; process/pm_id from the exit line just before",
    ),
    (
        MEMORY_RESTART,
        "The worker restarts an app over max_memory_restart; pm_id, Int fields `current_memory` and \
         `max_memory_limit` in bytes (absent in ≤ 0.12)",
    ),
    (APP_RESTART_DELAY, "An app will be restarted after an exponential-backoff delay; field `delay_ms`"),
    (APP_BACKOFF_RESET, "The backoff restart delay was reset after the app stayed up; field `up_ms`"),
    (APP_DISCONNECTED, "A cluster worker disconnected (comes with every cluster exit)"),
    (
        APP_RELOAD,
        "A reload step; field `reload` = `reload` / `softReload` (cluster, new worker listening, old \
         worker disconnected) or `fork` (`Process I in a stopped status, starting it`: every fork-mode \
         reload, including memory restarts)",
    ),
    (APP_DELETE, "The daemon deletes an app (`Deleting process I`, during a signal shutdown)"),
    (WATCH_RESTART, "Watch mode restarts an app after a file change; field `path`"),
    (WATCH_START, "Watch mode starts watching an app"),
    (WATCH_STOP, "Watch mode stops watching an app"),
    (CRON_REGISTER, "A cron_restart job was registered for a pm_id"),
    (CRON_DEREGISTER, "A cron_restart job was removed for a pm_id"),
    (CRON_RESTART, "An app was restarted by cron_restart (≤ 3.5)"),
    (
        SPAWN_ERROR,
        "PM2 could not spawn an app (`Error: spawn X ENOENT`, `Process could not be forked properly`); \
         fields `command`, `error`",
    ),
    (LOG_STREAM_ERROR, "`ERR_STREAM_DESTROYED` write after a log stream closed (harmless, fast crash loops)"),
    (LOGS_RELOAD, "Log files reopened (SIGUSR2 / `pm2 reloadLogs`)"),
    (NODE_WARNING, "A Node warning `(node:PID) …Warning: …`; pid, fields `warning`, `code`"),
    (
        V8_HEAP_OOM,
        "V8 fatal error / heap OOM banner (`<--- Last few GCs --->`, `FATAL ERROR: …`), unprefixed, \
         usually the daemon's own; the GC trace and stack are its continuation",
    ),
];

/// Lines of an uncaught-error stack folded into a `daemon-error` at most.
const MAX_ERROR_BODY: u32 = 1000;
/// Stop requests remembered at most (oldest dropped), so hostile input cannot grow the state.
const MAX_PENDING: usize = 1024;
/// `max-memory-restart` / watch reasons remembered at most.
const MAX_REASONS: usize = 64;

/// Parser for pm2.log: a state machine over its lines (see the module docs).
///
/// State kept between lines: the banner zone offset, the banner being read, pending stop
/// requests (for `app-exit` causes), and whether the daemon is shutting down.
#[derive(Debug, Default)]
pub struct Pm2LogParser {
    /// Offset from the most recent banner `Time` field.
    offset: Option<FileOffset>,
    /// A record was started by this parser instance (unprefixed lines continue it).
    seen_record: bool,
    /// A banner whose record is pending (`event_pending` already counted).
    banner: Option<Banner>,
    /// Inside a `PM2 global error caught` banner, after its message: lines so far.
    error_body: Option<u32>,
    /// Inside an unprefixed V8 fatal-error block.
    in_oom: bool,
    /// After `pm2 has been killed by signal`, until the daemon exits or a new one starts.
    shutting_down: bool,
    /// Stop requests not yet matched by an exit.
    stops: Vec<PendingStop>,
    /// pm_ids named by `[PM2][WORKER] Process I restarted because it exceeds …`, not yet stopped.
    memory_restarts: Vec<String>,
    /// App names named by `Change detected on path … for app N`, not yet stopped.
    watch_restarts: Vec<String>,
    /// The last `app-exit` line (for the `too many unstable restarts` line right after it).
    last_exit: LastExit,
}

#[derive(Debug)]
struct Banner {
    record: Record<'static>,
    what: BannerKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BannerKind {
    /// `New PM2 Daemon started` → `daemon-start`.
    Start,
    /// `PM2 global error caught` → `daemon-error`.
    Error,
    /// `Stopping PM2` (≤ 2.9) → `daemon-kill`.
    Kill,
}

#[derive(Debug)]
struct PendingStop {
    name: String,
    id: String,
    by: Option<&'static str>,
    escalated: bool,
}

#[derive(Debug, Default)]
struct LastExit {
    /// Line of the last exit; 0 = none.
    line: u64,
    name: String,
    id: String,
}

/// How one line is accounted (exactly one per line).
// Returned by value and consumed at once: boxing the record would cost an allocation per line.
#[allow(clippy::large_enum_variant)]
enum Account<'b> {
    Event(Record<'b>),
    Pending,
    Continuation(&'b str),
    Dropped,
    Structural,
    Unparsed(&'static str),
}

impl LineParser for Pm2LogParser {
    fn parse_line<'a>(&mut self, line_no: u64, text: &'a str, sink: &mut Sink<'a>) {
        if memchr::memchr(0x1b, text.as_bytes()).is_some() {
            // Coloured `pm2 logs` output: parse the cleaned copy, then detach what it made.
            let clean = strip_ansi(text);
            let mut tmp = Sink::new();
            let account = self.handle(line_no, strip_logs_tag(&clean), &mut tmp);
            self.apply(account, line_no, &mut tmp);
            transfer(tmp, sink);
        } else {
            let account = self.handle(line_no, strip_logs_tag(text), sink);
            self.apply(account, line_no, sink);
        }
    }

    fn finish<'a>(&mut self, sink: &mut Sink<'a>) {
        self.flush_banner(sink);
        self.error_body = None;
        self.in_oom = false;
    }
}

impl Pm2LogParser {
    fn apply<'b>(&mut self, account: Account<'b>, line_no: u64, sink: &mut Sink<'b>) {
        match account {
            Account::Event(record) => {
                self.seen_record = true;
                sink.event(record);
            }
            Account::Pending => {
                self.seen_record = true;
                sink.event_pending();
            }
            Account::Continuation(text) => sink.continuation(text),
            Account::Dropped => sink.continuation_dropped(),
            Account::Structural => sink.structural(),
            Account::Unparsed(reason) => sink.unparsed(line_no, reason),
        }
    }

    fn handle<'b>(&mut self, line_no: u64, body: &'b str, sink: &mut Sink<'b>) -> Account<'b> {
        let body = body.strip_prefix('\u{feff}').unwrap_or(body);
        if scan::is_blank(body) {
            return Account::Structural;
        }
        match prefix(body) {
            Ok((msg, p)) => self.prefixed(line_no, p, msg, sink),
            Err(_) => self.unprefixed(line_no, body, sink),
        }
    }

    fn flush_banner<'b>(&mut self, sink: &mut Sink<'b>) {
        if let Some(banner) = self.banner.take() {
            sink.push_pending(banner.record);
        }
    }

    fn raw_time(&self, p: &Prefix) -> RawTime {
        match p.zone {
            Some(offset_secs) => RawTime::Exact { local: p.local, offset_secs },
            None => RawTime::Local { local: p.local, file_offset: self.offset },
        }
    }

    fn prefixed<'b>(&mut self, line_no: u64, p: Prefix, msg: &'b str, sink: &mut Sink<'b>) -> Account<'b> {
        self.in_oom = false;
        if is_separator(msg) {
            self.flush_banner(sink);
            self.error_body = None;
            return Account::Structural;
        }
        let level_is_error = matches!(p.level, None | Some("error"));
        if let Some(what) = self.banner.as_ref().map(|b| b.what) {
            if let Some((key, val)) = banner_field(msg) {
                if what != BannerKind::Error || key.eq_ignore_ascii_case("time") {
                    self.fold_field(line_no, key, val);
                    return Account::Structural;
                }
            }
            if let Some(mut banner) = self.banner.take() {
                if what == BannerKind::Error && level_is_error && banner_title(msg).is_none() {
                    // The error's message: into the record; its stack follows as continuation.
                    banner.record.push_field("error", FieldValue::Str(Cow::Owned(msg.to_owned())));
                    sink.push_pending(banner.record);
                    self.error_body = Some(0);
                    return Account::Dropped;
                }
                sink.push_pending(banner.record);
            }
        }
        if let Some(n) = self.error_body {
            if level_is_error && n < MAX_ERROR_BODY && banner_title(msg).is_none() {
                self.error_body = Some(n + 1);
                return Account::Continuation(msg);
            }
            self.error_body = None;
        }
        let time = self.raw_time(&p);
        if let Some(what) = banner_title(msg) {
            return self.open_banner(what, line_no, time, p.level, msg);
        }
        self.message(line_no, time, p.level, msg)
    }

    fn open_banner<'b>(
        &mut self,
        what: BannerKind,
        line_no: u64,
        mut time: RawTime,
        level: Option<&'static str>,
        msg: &str,
    ) -> Account<'b> {
        let kind = match what {
            BannerKind::Start => {
                self.new_daemon();
                if let RawTime::Local { file_offset, .. } = &mut time {
                    *file_offset = None;
                }
                DAEMON_START
            }
            BannerKind::Error => DAEMON_ERROR,
            BannerKind::Kill => {
                self.daemon_gone();
                DAEMON_KILL
            }
        };
        let mut record = Record::new(line_no, time, SOURCE, kind, msg.to_owned());
        if let Some(level) = level {
            record.push_field("level", level);
        }
        self.banner = Some(Banner { record, what });
        Account::Pending
    }

    /// Folds one `Key : value` banner line into the pending banner record.
    fn fold_field(&mut self, line_no: u64, key: &str, val: &str) {
        let Some(banner) = self.banner.as_mut() else { return };
        let val = val.trim();
        let Some((name, numeric)) = banner_field_name(key) else {
            banner.record.continuation.push(Cow::Owned(format!("{key}: {val}")));
            return;
        };
        if name == "banner_time" {
            if let Some(offset_secs) = gmt_offset(val) {
                let fo = FileOffset { offset_secs, line: line_no };
                self.offset = Some(fo);
                if let RawTime::Local { file_offset, .. } = &mut banner.record.time {
                    *file_offset = Some(fo);
                }
            }
        }
        match val.parse::<i64>() {
            Ok(n) if numeric => banner.record.push_field(name, n),
            _ => banner.record.push_field(name, FieldValue::Str(Cow::Owned(val.to_owned()))),
        }
    }

    /// A new daemon: its predecessor's pending state means nothing any more.
    fn new_daemon(&mut self) {
        self.offset = None;
        self.daemon_gone();
    }

    fn daemon_gone(&mut self) {
        self.shutting_down = false;
        self.stops.clear();
        self.memory_restarts.clear();
        self.watch_restarts.clear();
        self.error_body = None;
    }

    fn unprefixed<'b>(&mut self, line_no: u64, body: &'b str, sink: &mut Sink<'b>) -> Account<'b> {
        self.flush_banner(sink);
        let trimmed = scan::trim(body);
        if trimmed.starts_with("<--- Last few GCs")
            || (!self.in_oom
                && (trimmed.starts_with("<--- JS stacktrace") || trimmed.starts_with("FATAL ERROR:")))
        {
            self.in_oom = true;
            self.error_body = None;
            return Account::Event(Record::new(line_no, RawTime::None, SOURCE, V8_HEAP_OOM, trimmed));
        }
        if let Some(w) = node_warning(trimmed) {
            self.in_oom = false;
            self.error_body = None;
            let mut record = Record::new(line_no, RawTime::None, SOURCE, NODE_WARNING, trimmed);
            w.fill(&mut record);
            return Account::Event(record);
        }
        if is_logs_decoration(trimmed) {
            return Account::Structural;
        }
        if is_logs_app_line(body) {
            return Account::Unparsed("pm2 logs line of an app, not pm2.log");
        }
        if self.seen_record {
            Account::Continuation(body)
        } else {
            Account::Unparsed("no pm2.log prefix")
        }
    }

    /// A prefixed message that is not part of a banner.
    fn message<'b>(
        &mut self,
        line_no: u64,
        time: RawTime,
        level: Option<&'static str>,
        msg: &'b str,
    ) -> Account<'b> {
        let mut r = Record::new(line_no, time, SOURCE, DAEMON_MESSAGE, msg);
        if let Some(level) = level {
            r.push_field("level", level);
        }
        match classify(msg) {
            Msg::Other => {}
            Msg::AppStart { name, id, mode } => {
                set_app(&mut r, APP_START, name, id);
                r.push_field("mode", mode);
            }
            Msg::AppOnline { name, id } => set_app(&mut r, APP_ONLINE, name, id),
            Msg::AppDisconnected { name, id } => set_app(&mut r, APP_DISCONNECTED, name, id),
            Msg::AppExit { name, id, pid, code, signal } => {
                set_app(&mut r, APP_EXIT, name, id);
                r.pid = pid;
                let code = exit_code(code);
                r.push_field("exit_code", code.clone());
                if let Some(signal) = signal {
                    r.push_field("signal", signal);
                }
                let (cause, by) = self.exit_cause(name, id, &code, signal);
                r.push_field("cause", cause);
                if let Some(by) = by {
                    r.push_field("by", by);
                }
                self.last_exit.line = line_no;
                self.last_exit.name.clear();
                self.last_exit.name.push_str(name);
                self.last_exit.id.clear();
                self.last_exit.id.push_str(id);
            }
            Msg::AppRestartDelay { name, id, ms } => {
                set_app(&mut r, APP_RESTART_DELAY, name, id);
                push_int(&mut r, "delay_ms", ms);
            }
            Msg::BackoffReset { name, ms } => {
                r.kind = APP_BACKOFF_RESET;
                r.process = Some(Cow::Borrowed(name));
                push_int(&mut r, "up_ms", ms);
            }
            Msg::AppErrored { script, restarts } => {
                r.kind = APP_ERRORED;
                if self.last_exit.line != 0 && self.last_exit.line + 1 == line_no {
                    r.process = Some(Cow::Owned(self.last_exit.name.clone()));
                    r.pm_id = Some(Cow::Owned(self.last_exit.id.clone()));
                }
                r.push_field("script", script);
                push_int(&mut r, "restarts", restarts);
            }
            Msg::StopRequested { name, id } => {
                set_app(&mut r, APP_STOP_REQUESTED, name, id);
                if let Some(by) = self.stop_requested(name, id) {
                    r.push_field("by", by);
                }
            }
            Msg::NoPid { name, id } => {
                set_app(&mut r, APP_NO_PID, name, id);
                // The stop will never see an exit: the app was already down.
                self.stops.retain(|s| !(s.name == name && s.id == id));
            }
            Msg::CouldNotBeStopped { name, id, pid } => {
                set_app(&mut r, APP_KILL_FAILED, name, id);
                r.pid = pid;
            }
            Msg::Killed { pid, pids } => {
                r.kind = APP_KILLED;
                r.pid = Some(pid);
                push_int(&mut r, "pids", pids);
            }
            Msg::KillRetry { pid, ms } => {
                r.kind = APP_KILL_RETRY;
                r.pid = Some(pid);
                push_int(&mut r, "retry_ms", ms);
            }
            Msg::KillEscalated { pid, after_ms, pids } => {
                r.kind = APP_KILL_ESCALATED;
                r.pid = Some(pid);
                push_int(&mut r, "after_ms", after_ms);
                push_int(&mut r, "pids", pids);
                // The line names only a pid: every stop pending now may be the one escalated.
                for s in &mut self.stops {
                    s.escalated = true;
                }
            }
            Msg::KillFailed { pid } => {
                r.kind = APP_KILL_FAILED;
                r.pid = Some(pid);
            }
            Msg::MemoryRestart { id, current, limit } => {
                r.kind = MEMORY_RESTART;
                r.pm_id = Some(Cow::Borrowed(id));
                push_int(&mut r, "current_memory", current);
                push_int(&mut r, "max_memory_limit", limit);
                remember(&mut self.memory_restarts, id);
            }
            Msg::Reload { variant, id } => {
                r.kind = APP_RELOAD;
                r.pm_id = id.map(Cow::Borrowed);
                r.push_field("reload", variant);
            }
            Msg::Delete { id } => {
                r.kind = APP_DELETE;
                r.pm_id = Some(Cow::Borrowed(id));
            }
            Msg::WatchRestart { path, name } => {
                r.kind = WATCH_RESTART;
                r.process = Some(Cow::Borrowed(name));
                r.push_field("path", path);
                remember(&mut self.watch_restarts, name);
            }
            Msg::WatchStart { name } => {
                r.kind = WATCH_START;
                r.process = Some(Cow::Borrowed(name));
            }
            Msg::WatchStop { name } => {
                r.kind = WATCH_STOP;
                r.process = Some(Cow::Borrowed(name));
            }
            Msg::CronRegister { id } => {
                r.kind = CRON_REGISTER;
                r.pm_id = Some(Cow::Borrowed(id));
            }
            Msg::CronDeregister { id } => {
                r.kind = CRON_DEREGISTER;
                r.pm_id = Some(Cow::Borrowed(id));
            }
            Msg::CronRestart { name } => {
                r.kind = CRON_RESTART;
                r.process = Some(Cow::Borrowed(name));
            }
            Msg::SpawnError { command, error } => {
                r.kind = SPAWN_ERROR;
                if let Some(command) = command {
                    r.push_field("command", command);
                }
                if let Some(error) = error {
                    r.push_field("error", error);
                }
            }
            Msg::LogStreamError => r.kind = LOG_STREAM_ERROR,
            Msg::LogsReload { id } => {
                r.kind = LOGS_RELOAD;
                r.pm_id = id.map(Cow::Borrowed);
            }
            Msg::NodeWarning(w) => {
                r.kind = NODE_WARNING;
                w.fill(&mut r);
            }
            Msg::DaemonStart => {
                self.new_daemon();
                r.kind = DAEMON_START;
            }
            Msg::DaemonKill => {
                self.daemon_gone();
                r.kind = DAEMON_KILL;
            }
            Msg::DaemonSignal => {
                self.shutting_down = true;
                r.kind = DAEMON_SIGNAL;
            }
            Msg::DaemonExit => {
                self.daemon_gone();
                r.kind = DAEMON_EXIT;
            }
            Msg::DaemonRespawn => r.kind = DAEMON_RESPAWN,
        }
        Account::Event(r)
    }

    /// Records a stop request; returns why PM2 stopped the app, when the log says.
    fn stop_requested(&mut self, name: &str, id: &str) -> Option<&'static str> {
        let by = if self.shutting_down {
            Some("daemon-shutdown")
        } else if take_reason(&mut self.memory_restarts, |m| id == m || id.strip_prefix("_old_") == Some(m)) {
            Some("max-memory-restart")
        } else if take_reason(&mut self.watch_restarts, |w| w == name) {
            Some("watch")
        } else {
            None
        };
        if let Some(s) = self.stops.iter_mut().find(|s| s.name == name && s.id == id) {
            s.by = by.or(s.by);
            s.escalated = false;
        } else {
            if self.stops.len() >= MAX_PENDING {
                self.stops.remove(0);
            }
            self.stops.push(PendingStop { name: name.to_owned(), id: id.to_owned(), by, escalated: false });
        }
        by
    }

    /// Decides an exit's cause (module docs) and clears its pending stop.
    fn exit_cause(
        &mut self,
        name: &str,
        id: &str,
        code: &FieldValue<'_>,
        signal: Option<&str>,
    ) -> (&'static str, Option<&'static str>) {
        let sigkill = signal == Some("SIGKILL");
        if let Some(i) = self.stops.iter().position(|s| s.name == name && s.id == id) {
            let stop = self.stops.remove(i);
            let cause = if sigkill && stop.escalated { "escalated" } else { "stopped" };
            let by = stop.by.or(if self.shutting_down { Some("daemon-shutdown") } else { None });
            return (cause, by);
        }
        if self.shutting_down {
            return ("stopped", Some("daemon-shutdown"));
        }
        // A real signal name; `null` and PM2's default label `SIGINT` are not evidence of one.
        let real_signal = signal.filter(|s| *s != "null" && *s != "SIGINT");
        let cause = match code {
            FieldValue::Int(0) => {
                if real_signal.is_some() {
                    "external-signal"
                } else {
                    "clean-exit"
                }
            }
            FieldValue::Int(_) => "crash",
            // Node reports code null only for a death by signal, so even `SIGINT` is real here.
            FieldValue::Str(s) if s == "null" && signal.is_some_and(|s| s != "null") => "external-signal",
            _ => "unknown",
        };
        (cause, None)
    }
}

fn set_app<'b>(r: &mut Record<'b>, kind: &'static str, name: &'b str, id: &'b str) {
    r.kind = kind;
    r.process = Some(Cow::Borrowed(name));
    r.pm_id = Some(Cow::Borrowed(id));
}

fn push_int(r: &mut Record<'_>, key: &'static str, n: Option<i64>) {
    if let Some(n) = n {
        r.push_field(key, n);
    }
}

fn remember(list: &mut Vec<String>, item: &str) {
    if list.iter().any(|x| x == item) {
        return;
    }
    if list.len() >= MAX_REASONS {
        list.remove(0);
    }
    list.push(item.to_owned());
}

fn take_reason(list: &mut Vec<String>, matches: impl Fn(&str) -> bool) -> bool {
    match list.iter().position(|x| matches(x)) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// `exit_code` as written: an Int when it is a number, else the text (`null`, `undefined`).
fn exit_code(code: &str) -> FieldValue<'_> {
    match code.parse::<i64>() {
        Ok(n) => FieldValue::Int(n),
        Err(_) => FieldValue::Str(Cow::Borrowed(code)),
    }
}

// ---------------------------------------------------------------------------------------------
// Prefix grammar

/// What a prefix says.
#[derive(Debug, PartialEq)]
struct Prefix {
    local: NaiveDateTime,
    /// A numeric offset written in the prefix (0.x only); never the 3.0–3.1 fake `Z`.
    zone: Option<i32>,
    level: Option<&'static str>,
}

/// `stamp = date ("T" / SP) time [fake-z / [SP] zone]`
fn stamp(input: &str) -> IResult<&str, (NaiveDateTime, Option<i32>)> {
    let fake_z = value(None, one_of("Zz"));
    let offset = map(preceded(opt(char(' ')), zone), Some);
    let (rest, (d, _, t, z)) = tuple((date, one_of("T "), time, opt(alt((fake_z, offset)))))(input)?;
    Ok((rest, (d.and_time(t), z.flatten())))
}

/// `stamp-part = "[" stamp "]" [":"] SP / stamp ":" [SP]`
fn stamp_part(input: &str) -> IResult<&str, (NaiveDateTime, Option<i32>)> {
    alt((
        terminated(delimited(char('['), stamp, char(']')), pair(opt(char(':')), char(' '))),
        terminated(stamp, pair(char(':'), opt(char(' ')))),
    ))(input)
}

/// `level-tag = "PM2 " level ":" [SP]`
fn level_tag(input: &str) -> IResult<&str, &'static str> {
    delimited(
        tag("PM2 "),
        alt((
            value("log", tag("log")),
            value("info", tag("info")),
            value("warn", tag("warn")),
            value("error", tag("error")),
        )),
        pair(char(':'), opt(char(' '))),
    )(input)
}

/// `old-tag = "PM2" [":"] SP`
fn old_tag(input: &str) -> IResult<&str, ()> {
    value((), tuple((tag("PM2"), opt(char(':')), char(' '))))(input)
}

/// `prefix = [old-tag] stamp-part [level-tag]`; the rest is the message.
fn prefix(input: &str) -> IResult<&str, Prefix> {
    // Every line comes through here, and most either have no prefix (stack frames, V8 output:
    // a prefix starts with `P`, `[` or a digit) or today's `2026-02-17T14:31:02: ` one, read
    // at fixed positions. The grammar decides everything else.
    match input.as_bytes().first() {
        Some(b'P' | b'[') => {}
        Some(b'0'..=b'9') => {
            if let Some(fixed) = fixed_prefix(input) {
                return Ok(fixed);
            }
        }
        _ => return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Alt))),
    }
    prefix_grammar(input)
}

/// [`prefix`] by the grammar alone.
fn prefix_grammar(input: &str) -> IResult<&str, Prefix> {
    let (rest, (_, (local, zone), level)) = tuple((opt(old_tag), stamp_part, opt(level_tag)))(input)?;
    Ok((rest, Prefix { local, zone, level }))
}

/// The prefix PM2 ≥ 3.2 writes (`YYYY-MM-DDTHH:mm:ss: ` and the level tag that may follow it),
/// read at fixed byte positions; the same reading as [`prefix`]'s grammar (no zone, no
/// fraction, the space after `:` optional). `None` for other shapes and impossible values.
fn fixed_prefix(input: &str) -> Option<(&str, Prefix)> {
    let b = input.as_bytes();
    if b.get(19) != Some(&b':') {
        return None;
    }
    let local = scan::iso_date_time(b)?;
    // Bytes 19 and 20 are ASCII: the cuts are on char boundaries.
    let rest = if b.get(20) == Some(&b' ') { &input[21..] } else { &input[20..] };
    let (rest, level) = match fixed_level(rest) {
        Some((rest, level)) => (rest, Some(level)),
        None => (rest, None),
    };
    Some((rest, Prefix { local, zone: None, level }))
}

/// [`level_tag`] on bytes: `"PM2 " level ":" [SP]`.
fn fixed_level(input: &str) -> Option<(&str, &'static str)> {
    let after = input.strip_prefix("PM2 ")?;
    let (level, len) = match after.as_bytes().first()? {
        b'l' if after.starts_with("log:") => ("log", 4),
        b'i' if after.starts_with("info:") => ("info", 5),
        b'w' if after.starts_with("warn:") => ("warn", 5),
        b'e' if after.starts_with("error:") => ("error", 6),
        _ => return None,
    };
    let rest = &after[len..];
    Some((rest.strip_prefix(' ').unwrap_or(rest), level))
}

// ---------------------------------------------------------------------------------------------
// Banner

fn is_separator(msg: &str) -> bool {
    if !msg.starts_with('=') {
        return false;
    }
    let m = msg.trim_end();
    m.len() >= 20 && m.bytes().all(|b| b == b'=')
}

/// A known banner title (`--- New PM2 Daemon started ---…`).
fn banner_title(msg: &str) -> Option<BannerKind> {
    let text = msg.strip_prefix("---")?.trim_matches(|c| c == '-' || c == ' ');
    match text {
        "New PM2 Daemon started" => Some(BannerKind::Start),
        "PM2 global error caught" => Some(BannerKind::Error),
        "Stopping PM2" => Some(BannerKind::Kill),
        _ => None,
    }
}

/// `banner-field = key ":" [SP] value` → (key without its padding, value).
fn banner_field(msg: &str) -> Option<(&str, &str)> {
    let (val, key) = field_key(msg).ok()?;
    let key = key.trim_end();
    let first_alpha = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_alpha && key.len() <= 32).then_some((key, val))
}

/// `key ":" [SP]` (the key with its padding).
fn field_key(input: &str) -> IResult<&str, &str> {
    terminated(
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == ' '),
        pair(char(':'), opt(char(' '))),
    )(input)
}

/// The field name of a banner key, and whether its value is a number.
fn banner_field_name(key: &str) -> Option<(&'static str, bool)> {
    const NAMES: &[(&str, &str, bool)] = &[
        ("Time", "banner_time", false),
        ("PM2 version", "pm2_version", false),
        ("Node.js version", "node_version", false),
        ("Current arch", "arch", false),
        ("PM2 home", "pm2_home", false),
        ("PM2 PID file", "pid_file", false),
        ("RPC socket file", "rpc_socket", false),
        ("BUS socket file", "bus_socket", false),
        ("Application log path", "log_path", false),
        ("Worker Interval", "worker_interval", true),
        ("Process dump file", "dump_file", false),
        ("Concurrent actions", "concurrent_actions", true),
        ("SIGTERM timeout", "sigterm_timeout", true),
        ("Runtime Binary", "runtime_binary", false),
    ];
    NAMES.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(key)).map(|(_, name, num)| (*name, *num))
}

/// The `GMT±hhmm` of a JavaScript `Date.toString()`, in seconds east.
fn gmt_offset(val: &str) -> Option<i32> {
    let at = memchr::memmem::find(val.as_bytes(), b"GMT")?;
    let rest = val.get(at + 3..)?;
    zone(rest).ok().map(|(_, secs)| secs)
}

// ---------------------------------------------------------------------------------------------
// Message templates

/// A message template PM2 writes after the prefix.
enum Msg<'b> {
    Other,
    AppStart { name: &'b str, id: &'b str, mode: &'b str },
    AppOnline { name: &'b str, id: &'b str },
    AppDisconnected { name: &'b str, id: &'b str },
    AppExit { name: &'b str, id: &'b str, pid: Option<u64>, code: &'b str, signal: Option<&'b str> },
    AppRestartDelay { name: &'b str, id: &'b str, ms: Option<i64> },
    BackoffReset { name: &'b str, ms: Option<i64> },
    AppErrored { script: &'b str, restarts: Option<i64> },
    StopRequested { name: &'b str, id: &'b str },
    NoPid { name: &'b str, id: &'b str },
    CouldNotBeStopped { name: &'b str, id: &'b str, pid: Option<u64> },
    Killed { pid: u64, pids: Option<i64> },
    KillRetry { pid: u64, ms: Option<i64> },
    KillEscalated { pid: u64, after_ms: Option<i64>, pids: Option<i64> },
    KillFailed { pid: u64 },
    MemoryRestart { id: &'b str, current: Option<i64>, limit: Option<i64> },
    Reload { variant: &'static str, id: Option<&'b str> },
    Delete { id: &'b str },
    WatchRestart { path: &'b str, name: &'b str },
    WatchStart { name: &'b str },
    WatchStop { name: &'b str },
    CronRegister { id: &'b str },
    CronDeregister { id: &'b str },
    CronRestart { name: &'b str },
    SpawnError { command: Option<&'b str>, error: Option<&'b str> },
    LogStreamError,
    LogsReload { id: Option<&'b str> },
    NodeWarning(NodeWarning<'b>),
    DaemonStart,
    DaemonKill,
    DaemonSignal,
    DaemonExit,
    DaemonRespawn,
}

fn classify(msg: &str) -> Msg<'_> {
    template(msg.trim_end()).unwrap_or(Msg::Other)
}

/// The template `m` is written from, if known.
fn template(m: &str) -> Option<Msg<'_>> {
    if let Some(rest) = m.strip_prefix("App ") {
        app_msg(rest)
    } else if let Some(rest) = m.strip_prefix("Stopping app:") {
        name_id(rest, " id:").map(|(name, id)| Msg::StopRequested { name, id })
    } else if let Some(rest) = m.strip_prefix("pid=") {
        pid_msg(rest).ok().map(|(_, msg)| msg)
    } else if let Some(rest) = m.strip_prefix("Process ") {
        process_msg(rest)
    } else if let Some(rest) = m.strip_prefix("[PM2][WORKER] ") {
        worker_msg(rest)
    } else if let Some(rest) = m.strip_prefix("[PM2] ") {
        match rest {
            "Resurrecting PM2" => Some(Msg::DaemonRespawn),
            "Exited peacefully" => Some(Msg::DaemonExit),
            _ => rest.strip_prefix("Deregistering a cron job on: ").map(|id| Msg::CronDeregister { id }),
        }
    } else if let Some(rest) = m.strip_prefix("[Watch] ") {
        if let Some(name) = rest.strip_prefix("Start watching ") {
            Some(Msg::WatchStart { name })
        } else {
            rest.strip_prefix("Stop watching ").map(|name| Msg::WatchStop { name })
        }
    } else if let Some(rest) = m.strip_prefix("-reload- ") {
        rest.starts_with("New worker").then_some(Msg::Reload { variant: "reload", id: None })
    } else if let Some(rest) = m.strip_prefix("-softReload- ") {
        (rest.starts_with("New worker") || rest.starts_with("Old worker"))
            .then_some(Msg::Reload { variant: "softReload", id: None })
    } else if let Some(rest) = m.strip_prefix("Script ") {
        errored_msg(rest)
    } else if let Some(rest) = m.strip_prefix("Deleting process ") {
        valid_id(rest).then_some(Msg::Delete { id: rest })
    } else if let Some(rest) = m.strip_prefix("Change detected on path ") {
        let (path, tail) = rest.split_once(" for app ")?;
        tail.strip_suffix(" - restarting").map(|name| Msg::WatchRestart { path, name })
    } else if let Some(rest) = m.strip_prefix("app=") {
        app_eq_msg(rest)
    } else if let Some(rest) = m.strip_prefix("Error: spawn ") {
        Some(match rest.rsplit_once(' ') {
            Some((command, error)) if is_errno(error) => {
                Msg::SpawnError { command: Some(command), error: Some(error) }
            }
            _ => Msg::SpawnError { command: Some(rest), error: None },
        })
    } else if m.starts_with("Error [ERR_STREAM_DESTROYED]") {
        Some(Msg::LogStreamError)
    } else if m.starts_with("(node:") {
        node_warning(m).map(Msg::NodeWarning)
    } else if let Some(rest) = m.strip_prefix("Starting execution sequence in -") {
        let (mode, rest) = rest.split_once(" mode- for app name:")?;
        name_id(rest, " id:").map(|(name, id)| Msg::AppStart { name, id, mode })
    } else if let Some(rest) = m.strip_prefix("Reloading logs") {
        match rest {
            "..." => Some(Msg::LogsReload { id: None }),
            _ => rest
                .strip_prefix(" for process id ")
                .filter(|id| valid_id(id))
                .map(|id| Msg::LogsReload { id: Some(id) }),
        }
    } else if let Some(rest) = m.strip_prefix("Application ") {
        rest.strip_suffix(" has been restarted via CRON").map(|name| Msg::CronRestart { name })
    } else {
        match m {
            "PM2 successfully stopped" | "PM2 is being killed via kill method" => Some(Msg::DaemonKill),
            "pm2 has been killed by signal, dumping process list before exit..." => Some(Msg::DaemonSignal),
            "Exited peacefully" => Some(Msg::DaemonExit),
            "[[[[ PM2/God daemon launched ]]]]" => Some(Msg::DaemonStart),
            _ => None,
        }
    }
}

/// `App [N:I] …` (3.2 → 7.x), `App [N] with id [I] and pid [P], exited with code [C] via signal
/// [S]` (< 3.2), `App name:N id:I online | disconnected | exited with code C` (< 3.2, ≤ 0.15).
/// The name is taken greedily: the templates are matched from their right end.
fn app_msg(rest: &str) -> Option<Msg<'_>> {
    let Some(inner) = rest.strip_prefix('[') else {
        let rest = rest.strip_prefix("name:")?;
        if let Some(x) = rest.strip_suffix(" online") {
            return name_id(x, " id:").map(|(name, id)| Msg::AppOnline { name, id });
        }
        if let Some(x) = rest.strip_suffix(" disconnected") {
            return name_id(x, " id:").map(|(name, id)| Msg::AppDisconnected { name, id });
        }
        let (x, code) = rest.rsplit_once(" exited with code ")?;
        let (name, id) = name_id(x, " id:")?;
        return Some(Msg::AppExit { name, id, pid: None, code, signal: None });
    };
    if let Some(x) = inner.strip_suffix("] online") {
        let (name, id) = app_ref(x)?;
        return Some(Msg::AppOnline { name, id });
    }
    if let Some(x) = inner.strip_suffix(" mode-") {
        let (x, mode) = x.rsplit_once("] starting in -")?;
        let (name, id) = app_ref(x)?;
        return Some(Msg::AppStart { name, id, mode });
    }
    if let Some(x) = inner.strip_suffix("ms") {
        let (x, ms) = x.rsplit_once("] will restart in ")?;
        let (name, id) = app_ref(x)?;
        return Some(Msg::AppRestartDelay { name, id, ms: ms.parse().ok() });
    }
    let (x, signal) = inner.strip_suffix(']')?.rsplit_once("] via signal [")?;
    if let Some((x, code)) = x.rsplit_once("] exited with code [") {
        let (name, id) = app_ref(x)?;
        return Some(Msg::AppExit { name, id, pid: None, code, signal: Some(signal) });
    }
    let (x, code) = x.rsplit_once("], exited with code [")?;
    let (x, pid) = x.rsplit_once("] and pid [")?;
    let (name, id) = x.rsplit_once("] with id [")?;
    valid_id(id).then_some(Msg::AppExit { name, id, pid: pid.parse().ok(), code, signal: Some(signal) })
}

/// `N:I` split at the last `:`.
fn app_ref(x: &str) -> Option<(&str, &str)> {
    x.rsplit_once(':').filter(|(_, id)| valid_id(id))
}

/// `N<sep>I` split at the last `sep`.
fn name_id<'b>(x: &'b str, sep: &str) -> Option<(&'b str, &'b str)> {
    x.rsplit_once(sep).filter(|(_, id)| valid_id(id))
}

/// A pm_id: `1*DIGIT` or `_old_` `1*DIGIT` (during a cluster reload).
fn valid_id(id: &str) -> bool {
    let digits = id.strip_prefix("_old_").unwrap_or(id);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn uint(input: &str) -> IResult<&str, u64> {
    map_res(digit1, |s: &str| s.parse::<u64>())(input)
}

fn int(input: &str) -> IResult<&str, i64> {
    map_res(digit1, |s: &str| s.parse::<i64>())(input)
}

/// `pid=` P " msg=" ( "process tree killed (" N " pids)" / "process killed"
/// / "failed to kill - retrying in " N "ms" )
fn pid_msg(input: &str) -> IResult<&str, Msg<'_>> {
    let (rest, pid) = terminated(uint, tag(" msg="))(input)?;
    all_consuming(alt((
        map(delimited(tag("process tree killed ("), int, tag(" pids)")), move |n| Msg::Killed {
            pid,
            pids: Some(n),
        }),
        map(tag("process killed"), move |_| Msg::Killed { pid, pids: None }),
        map(delimited(tag("failed to kill - retrying in "), int, tag("ms")), move |ms| Msg::KillRetry {
            pid,
            ms: Some(ms),
        }),
    )))(rest)
}

/// `Process with pid ` P ( " still alive after " N "ms, sending " ( "it SIGKILL now..."
/// / "SIGKILL to " K " remaining pids..." ) / " could not be killed"
/// / " still not killed, retrying..." / " killed" )
fn pid_process_msg(input: &str) -> IResult<&str, Msg<'_>> {
    let (rest, pid) = preceded(tag("with pid "), uint)(input)?;
    let escalation = alt((
        map(tag("it SIGKILL now..."), |_| None),
        map(delimited(tag("SIGKILL to "), int, tag(" remaining pids...")), Some),
    ));
    all_consuming(alt((
        map(
            tuple((tag(" still alive after "), int, tag("ms, sending "), escalation)),
            move |(_, after_ms, _, pids)| Msg::KillEscalated { pid, after_ms: Some(after_ms), pids },
        ),
        map(tag(" could not be killed"), move |_| Msg::KillFailed { pid }),
        map(tag(" still not killed, retrying..."), move |_| Msg::KillRetry { pid, ms: None }),
        map(tag(" killed"), move |_| Msg::Killed { pid, pids: None }),
    )))(rest)
}

/// After `Process `: the pid templates, `I in a stopped status, starting it` (fork reload),
/// `could not be forked properly…`.
fn process_msg(rest: &str) -> Option<Msg<'_>> {
    if rest.starts_with("with pid ") {
        return pid_process_msg(rest).ok().map(|(_, msg)| msg);
    }
    if rest.starts_with("could not be forked properly") {
        return Some(Msg::SpawnError { command: None, error: None });
    }
    let id = rest.strip_suffix(" in a stopped status, starting it")?;
    valid_id(id).then_some(Msg::Reload { variant: "fork", id: Some(id) })
}

/// `Process ` I ` restarted because it exceeds --max-memory-restart value`
/// [` (current_memory=` N ` max_memory_limit=` N ` [octets])`]
fn memory_msg(input: &str) -> IResult<&str, Msg<'_>> {
    let (rest, id) = delimited(
        tag("Process "),
        take_while1(|c: char| c != ' '),
        tag(" restarted because it exceeds --max-memory-restart value"),
    )(input)?;
    let numbers = all_consuming(delimited(
        tag(" (current_memory="),
        pair(int, preceded(tag(" max_memory_limit="), int)),
        tag(" [octets])"),
    ))(rest);
    let (current, limit) = match numbers {
        Ok((_, (cur, lim))) => (Some(cur), Some(lim)),
        Err(_) => (None, None),
    };
    Ok(("", Msg::MemoryRestart { id, current, limit }))
}

/// After `[PM2][WORKER] `.
fn worker_msg(rest: &str) -> Option<Msg<'_>> {
    if rest.starts_with("Process ") {
        return memory_msg(rest).ok().map(|(_, msg)| msg);
    }
    if let Some(x) = rest.strip_prefix("Reset the restart delay, as app ") {
        let (name, ms) = x.rsplit_once(" has been up for more than ")?;
        return Some(Msg::BackoffReset { name, ms: ms.strip_suffix("ms").and_then(|ms| ms.parse().ok()) });
    }
    rest.strip_prefix("Registering a cron job on: ").map(|id| Msg::CronRegister { id })
}

/// After `Script `: `P had too many unstable restarts (N). Stopped. "errored"`.
fn errored_msg(rest: &str) -> Option<Msg<'_>> {
    let (script, tail) = rest.rsplit_once(" had too many unstable restarts (")?;
    let (n, tail) = tail.split_once(')')?;
    tail.starts_with(". Stopped.").then(|| Msg::AppErrored { script, restarts: n.parse().ok() })
}

/// After `app=`: `N id=I does not have a pid`, `N id=I pid=P could not be stopped`
/// (`id=%d` prints `NaN` for `_old_N`).
fn app_eq_msg(rest: &str) -> Option<Msg<'_>> {
    let id_ok = |id: &str| valid_id(id) || id == "NaN";
    if let Some(x) = rest.strip_suffix(" does not have a pid") {
        let (name, id) = x.rsplit_once(" id=")?;
        return id_ok(id).then_some(Msg::NoPid { name, id });
    }
    let (x, pid) = rest.strip_suffix(" could not be stopped")?.rsplit_once(" pid=")?;
    let (name, id) = x.rsplit_once(" id=")?;
    id_ok(id).then_some(Msg::CouldNotBeStopped { name, id, pid: pid.parse().ok() })
}

/// An errno name (`ENOENT`, `EACCES`).
fn is_errno(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with('E')
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// What a Node warning line says.
struct NodeWarning<'b> {
    pid: u64,
    warning: Option<&'b str>,
    code: Option<&'b str>,
}

impl<'b> NodeWarning<'b> {
    fn fill(&self, r: &mut Record<'b>) {
        r.pid = Some(self.pid);
        if let Some(w) = self.warning {
            r.push_field("warning", w);
        }
        if let Some(c) = self.code {
            r.push_field("code", c);
        }
    }
}

/// `"(node:" pid ")" [SP "[" code "]"] [SP type ":"]`, e.g.
/// `(node:14912) [DEP0007] DeprecationWarning: worker.suicide is deprecated.`
fn node_warning_head(input: &str) -> IResult<&str, (u64, Option<&str>)> {
    pair(
        delimited(tag("(node:"), uint, char(')')),
        opt(preceded(char(' '), delimited(char('['), take_while1(|c: char| c != ']'), char(']')))),
    )(input)
}

fn node_warning(s: &str) -> Option<NodeWarning<'_>> {
    if !s.starts_with("(node:") {
        return None;
    }
    let (rest, (pid, code)) = node_warning_head(s).ok()?;
    let warning = rest
        .trim_start()
        .split_once(':')
        .map(|(t, _)| t)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    Some(NodeWarning { pid, warning, code })
}

// ---------------------------------------------------------------------------------------------
// `pm2 logs` / `pm2 report` output

/// Strips the `PM2        | ` tag of `pm2 logs` / `pm2 report` output; other lines unchanged.
fn strip_logs_tag(text: &str) -> &str {
    let Some(rest) = text.trim_start_matches(' ').strip_prefix("PM2") else { return text };
    let after = rest.trim_start_matches([' ', '\t']);
    if after.len() == rest.len() {
        return text;
    }
    match after.strip_prefix('|') {
        Some(line) => line.strip_prefix(' ').unwrap_or(line),
        None => text,
    }
}

/// `[TAILING] Tailing last …` and `<path> last N lines:` headers of `pm2 logs`.
fn is_logs_decoration(trimmed: &str) -> bool {
    trimmed.starts_with("[TAILING] ")
        || trimmed
            .strip_suffix(" lines:")
            .and_then(|x| x.rsplit_once(" last "))
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An app line of `pm2 logs`: `<pm_id>|<name padded> | <text>`.
fn is_logs_app_line(body: &str) -> bool {
    let t = body.trim_start_matches(' ');
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = t.get(digits..).and_then(|r| r.strip_prefix('|')) else { return false };
    match memchr::memchr(b'|', rest.as_bytes()) {
        Some(at) => {
            digits > 0
                && at <= 64
                && rest.as_bytes().get(at.wrapping_sub(1)) == Some(&b' ')
                && matches!(rest.as_bytes().get(at + 1), None | Some(b' '))
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Detaching records made from a cleaned copy of a line

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

fn into_owned(r: Record<'_>) -> Record<'static> {
    Record {
        line: r.line,
        time: r.time,
        source: r.source,
        kind: r.kind,
        host: r.host.map(owned),
        process: r.process.map(owned),
        pm_id: r.pm_id.map(owned),
        pid: r.pid,
        user: r.user.map(owned),
        message: owned(r.message),
        fields: r.fields.into_iter().map(|(k, v)| (k, v.into_owned())).collect(),
        continuation: r.continuation.into_iter().map(owned).collect(),
    }
}

/// Moves what a temporary sink got into the real one (counts, records, continuation).
fn transfer(tmp: Sink<'_>, sink: &mut Sink<'_>) {
    sink.counts.add(&tmp.counts);
    sink.unparsed.extend(tmp.unparsed);
    for text in tmp.carried_continuation {
        match sink.records.last_mut() {
            Some(last) => last.continuation.push(owned(text)),
            None => sink.carried_continuation.push(owned(text)),
        }
    }
    for record in tmp.records {
        sink.records.push(into_owned(record));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whenever the fixed-position reading finds a prefix, it is the grammar's.
        #[test]
        fn fixed_prefix_reads_like_the_grammar(
            stamp in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
            tail in ":( ?(PM2 (log|info|warn|error|debug|LOG)(: ?|x)?)?.{0,6})?|[:.,Z +][0-9:. +Z]{0,8}",
        ) {
            let line = format!("{stamp}{tail}");
            if let Some(fixed) = fixed_prefix(&line) {
                proptest::prop_assert_eq!(Ok(fixed), prefix_grammar(&line).map_err(|_| ()));
            }
        }

        /// A line that starts with anything but `P`, `[` or a digit has no prefix.
        #[test]
        fn no_prefix_without_its_first_byte(line in "[^P\\[0-9].{0,40}") {
            proptest::prop_assert!(prefix_grammar(&line).is_err());
        }
    }

    #[test]
    fn fixed_prefix_reads_todays_lines() {
        let (msg, p) = fixed_prefix("2026-02-17T14:31:02: PM2 log: App [api:0] online").unwrap();
        assert_eq!((msg, p.level, p.zone), ("App [api:0] online", Some("log"), None));
        assert_eq!(fixed_prefix("2026-02-17T14:31:02:PM2 error:x").unwrap().0, "x");
        assert!(fixed_prefix("2026-02-17T14:31:60: x").is_none(), "leap second: the grammar's");
    }
}
