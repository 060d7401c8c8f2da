//! Kernel messages that matter after an incident, wherever kernel lines appear (syslog and
//! kern.log, `dmesg` with or without `-T`, the journal's kernel transport): the OOM killer,
//! filesystem and block-device errors, a full disk, segfaults.
//!
//! ```text
//! kernel-body  = [mono-stamp] message
//! mono-stamp   = "[" *SP 1*DIGIT "." 1*DIGIT "]" SP         ; kern.log keeps dmesg's stamp
//! invoked      = comm " invoked oom-killer: gfp_mask=" hex ["(" flags ")"] … "order=" int
//!                ", oom_score_adj=" int                       ; 2.6: "oomkilladj="
//! summary      = "oom-kill:constraint=" word ",nodemask=" … [",oom_memcg=" path]
//!                [",task_memcg=" path] ",task=" comm ",pid=" int ",uid=" int
//! killed       = [reason ": "] "Killed process " int " (" comm ")" [","] [" UID " int ","]
//!                " total-vm:" int "kB, anon-rss:" int "kB, file-rss:" int "kB"
//!                [", shmem-rss:" int "kB"] [", UID:" int] [" pgtables:" int "kB"]
//!                [" oom_score_adj:" int]                     ; 2.6: "Killed process N (comm)."
//! choose       = reason ": Kill process " int " (" comm ") score " int (" or sacrifice child"
//!                / " and children.")                          ; kernels before ~5.1
//! reaped       = "oom_reaper: reaped process " int " (" comm "), now anon-rss:" …
//! ```
//!
//! `comm` is the kernel's 15-character task name: it may hold spaces, `/` or parentheses, so
//! it is read up to the *last* `) ` / `),` / `).` of the line.
//!
//! One OOM kill spans many lines: the `invoked oom-killer` line, a stack dump, `Mem-Info`, the
//! task table, the `oom-kill:` summary, `Killed process …`, and later `oom_reaper: reaped …`.
//! [`OomAssembler`] folds them into **one** `oom-kill` event per kill: the report lines become
//! its continuation, the facts of the summary and kill lines its fields. The event's line and
//! time are those of the `Killed process` line (the line to cite); `report_line` is where the
//! report began.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;
use nom::{
    bytes::complete::tag,
    character::complete::{char, digit1, space0},
    combinator::{map_res, opt, recognize},
    sequence::{delimited, pair, terminated},
    IResult,
};

use crate::record::{FieldValue, RawTime, Record, Sink};
use crate::scan;

/// Source id of kernel records.
pub const SOURCE: &str = "kernel";

/// `oom-kill`: the kernel's OOM killer killed a process (one event per kill).
pub const OOM_KILL: &str = "oom-kill";
/// `oom-invoked`: the OOM killer ran but the evidence shows no kill (victim already exiting,
/// or the report was cut off).
pub const OOM_INVOKED: &str = "oom-invoked";
/// `oom-reaped`: `oom_reaper` freed a victim's memory, seen apart from its kill.
pub const OOM_REAPED: &str = "oom-reaped";
/// `fs-error`: a filesystem error (`EXT4-fs error`, XFS/BTRFS errors, remount read-only).
pub const FS_ERROR: &str = "fs-error";
/// `io-error`: a block-device I/O error.
pub const IO_ERROR: &str = "io-error";
/// `no-space`: a line saying `No space left on device` (kernel or any program).
pub const NO_SPACE: &str = "no-space";
/// `segfault`: a process died of a segmentation fault (`comm[pid]: segfault at …`).
pub const SEGFAULT: &str = "segfault";
/// `kernel-boot`: the kernel's first line (`Linux version …`): the machine (re)booted.
pub const KERNEL_BOOT: &str = "kernel-boot";

/// The kinds of this module, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (
        OOM_KILL,
        "the kernel OOM killer killed a process: pid, comm, memcg, unit, uid, rss_kb, anon_rss_kb, \
         total_vm_kb, oom_score_adj, invoker, constraint; the report is its detail",
    ),
    (
        OOM_INVOKED,
        "the OOM killer was invoked but no kill is in the evidence (report cut off, victim exiting)",
    ),
    (OOM_REAPED, "oom_reaper freed a killed process's memory (pid, comm), seen apart from its kill"),
    (FS_ERROR, "filesystem error (EXT4-fs error, XFS/BTRFS errors, remounting read-only): device"),
    (IO_ERROR, "block device I/O error: device"),
    (NO_SPACE, "'No space left on device' written by the kernel or any program"),
    (SEGFAULT, "a process died of a segmentation fault: pid, comm"),
    (KERNEL_BOOT, "the kernel's `Linux version …` line: the machine booted here"),
];

/// At most this many report lines are folded into one OOM event; a report longer than that
/// (a lost kill line) is closed as [`OOM_INVOKED`] and later lines are events again.
pub const MAX_REPORT_LINES: usize = 2000;

/// Splits the dmesg stamp that kern.log keeps at the start of a kernel message:
/// `[ 3275.028363] msg` → (Some(3_275_028_363 µs), "msg").
pub fn split_monotonic(body: &str) -> (Option<i64>, &str) {
    match monotonic_stamp(body) {
        Ok((rest, us)) => (Some(us), rest),
        Err(_) => (None, body),
    }
}

/// `"[" *WSP secs "." frac "]" [SP]` → microseconds since boot (`WSP`: space or tab; the
/// fraction's first six digits, right-padded with zeros). Read on bytes: every kernel line of
/// kern.log and dmesg starts with one. [`monotonic_stamp_grammar`] is the same rule in nom
/// (`tests::stamps_read_like_the_grammar` compares them).
pub fn monotonic_stamp(input: &str) -> IResult<&str, i64> {
    let b = input.as_bytes();
    let fail = || nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit));
    if b.first() != Some(&b'[') {
        return Err(fail());
    }
    let secs_at = 1 + b[1..].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    let secs = digits(&b[secs_at..]);
    let frac_at = secs_at + secs.len() + 1;
    if secs.is_empty() || b.get(frac_at - 1) != Some(&b'.') {
        return Err(fail());
    }
    let frac = digits(&b[frac_at..]);
    let end = frac_at + frac.len();
    if frac.is_empty() || b.get(end) != Some(&b']') {
        return Err(fail());
    }
    let end = end + 1 + usize::from(b.get(end + 1) == Some(&b' '));
    let frac_us = (0..6).fold(0i64, |us, i| us * 10 + frac.get(i).map_or(0, |d| i64::from(d - b'0')));
    let secs = secs.iter().try_fold(0i64, |n, d| n.checked_mul(10)?.checked_add(i64::from(d - b'0')));
    match secs.and_then(|s| s.checked_mul(1_000_000)?.checked_add(frac_us)) {
        // ASCII up to `end`: a char boundary.
        Some(us) => Ok((&input[end..], us)),
        None => Err(fail()),
    }
}

/// The ASCII digits at the start of `b`.
fn digits(b: &[u8]) -> &[u8] {
    &b[..b.iter().take_while(|c| c.is_ascii_digit()).count()]
}

/// [`monotonic_stamp`] as a nom grammar: the rule it reads, kept for the tests that check it.
#[doc(hidden)]
pub fn monotonic_stamp_grammar(input: &str) -> IResult<&str, i64> {
    let (rest, (secs, frac)) = delimited(
        pair(char('['), space0),
        pair(terminated(digit1, char('.')), digit1),
        pair(char(']'), opt(char(' '))),
    )(input)?;
    let micros = secs.parse::<i64>().ok().and_then(|s| s.checked_mul(1_000_000)).and_then(|s| {
        let digits: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
        s.checked_add(digits.parse::<i64>().ok()?)
    });
    match micros {
        Some(us) => Ok((rest, us)),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit))),
    }
}

/// Moves a dmesg stamp at the start of a kernel record's message into its `monotonic_us`
/// field (kern.log keeps `[ 3275.028363] ` in front of the text).
pub fn take_stamp(rec: &mut Record<'_>) {
    let (us, skip) = {
        let (us, rest) = split_monotonic(&rec.message);
        (us, rec.message.len() - rest.len())
    };
    let Some(us) = us else { return };
    rec.message = match std::mem::take(&mut rec.message) {
        Cow::Borrowed(b) => Cow::Borrowed(&b[skip..]),
        Cow::Owned(s) => Cow::Owned(s[skip..].to_string()),
    };
    if rec.field("monotonic_us").is_none() {
        rec.push_field("monotonic_us", us);
    }
}

/// What one kernel message says, for the lines this module knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KernelLine<'a> {
    /// `comm invoked oom-killer: …`: an OOM report begins.
    OomInvoked {
        /// The task that ran out of memory (not necessarily the victim).
        invoker: &'a str,
        /// `gfp_mask` value as written.
        gfp_mask: Option<&'a str>,
        /// Allocation order.
        order: Option<i64>,
    },
    /// `oom-kill:constraint=…`: the kill decision's summary.
    OomSummary(OomSummary<'a>),
    /// `Killed process N (comm) total-vm:…`: the kill.
    OomKilled(OomKilled<'a>),
    /// `Kill process N (comm) score S or sacrifice child`: the victim chosen (old kernels).
    OomChose {
        /// Victim pid.
        pid: u64,
        /// Victim comm.
        comm: &'a str,
        /// Badness score.
        score: Option<i64>,
    },
    /// `Task in /x killed as a result of limit of /y` (old memcg OOM).
    OomTaskIn {
        /// The victim's cgroup.
        memcg: &'a str,
    },
    /// `oom_reaper: reaped process N (comm), …` or `oom_reaper: unable to reap pid:N (comm)`.
    OomReaped {
        /// Reaped pid.
        pid: u64,
        /// Reaped comm.
        comm: &'a str,
    },
    /// A filesystem error on a device.
    FsError {
        /// `sda1`, `dm-0`, … when named.
        device: Option<&'a str>,
    },
    /// A block-device I/O error.
    IoError {
        /// `sda`, `nvme0n1`, … when named.
        device: Option<&'a str>,
    },
    /// `No space left on device`.
    NoSpace,
    /// `Linux version …`: the first kernel line of a boot.
    Boot,
    /// `comm[pid]: segfault at …`.
    Segfault {
        /// The faulting process's comm.
        comm: &'a str,
        /// Its pid.
        pid: u64,
    },
}

/// The facts of an `oom-kill:` summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OomSummary<'a> {
    /// `CONSTRAINT_NONE`, `CONSTRAINT_MEMCG`, …
    pub constraint: Option<&'a str>,
    /// The cgroup whose limit was hit (memcg OOM only).
    pub oom_memcg: Option<&'a str>,
    /// The victim's cgroup (`/system.slice/pm2-root.service`).
    pub task_memcg: Option<&'a str>,
    /// Victim comm.
    pub task: &'a str,
    /// Victim pid.
    pub pid: u64,
    /// Victim uid.
    pub uid: Option<i64>,
}

/// The facts of a `Killed process` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OomKilled<'a> {
    /// `Out of memory`, `Memory cgroup out of memory`, … (empty when the line has none).
    pub reason: &'a str,
    /// Victim pid.
    pub pid: u64,
    /// Victim comm.
    pub comm: &'a str,
    /// `total-vm` in kB.
    pub total_vm_kb: Option<i64>,
    /// `anon-rss` in kB.
    pub anon_rss_kb: Option<i64>,
    /// `file-rss` in kB.
    pub file_rss_kb: Option<i64>,
    /// `shmem-rss` in kB.
    pub shmem_rss_kb: Option<i64>,
    /// Victim uid.
    pub uid: Option<i64>,
    /// `pgtables` in kB.
    pub pgtables_kb: Option<i64>,
    /// `oom_score_adj`.
    pub oom_score_adj: Option<i64>,
}

/// Classifies one kernel message (its dmesg stamp already split off).
pub fn classify(body: &str) -> Option<KernelLine<'_>> {
    classify_with(body, Hints::of(body))
}

/// [`classify`], searching `body` only for the phrases `hints` allows.
fn classify_with(body: &str, hints: Hints) -> Option<KernelLine<'_>> {
    if let Some(line) = oom_line(body, hints) {
        return Some(line);
    }
    if let Some(rest) = body.strip_prefix("EXT4-fs error (device ") {
        return Some(KernelLine::FsError { device: rest.split_once(')').map(|(d, _)| d) });
    }
    if let Some(device) = fs_error(body) {
        return Some(KernelLine::FsError { device });
    }
    if let Some(device) = io_error(body, hints) {
        return Some(KernelLine::IoError { device });
    }
    if let Some((comm, pid)) = segfault(body) {
        return Some(KernelLine::Segfault { comm, pid });
    }
    if hints.v && has_no_space(body) {
        return Some(KernelLine::NoSpace);
    }
    if body.starts_with("Linux version ") {
        return Some(KernelLine::Boot);
    }
    None
}

/// Which of the phrases [`classify`] searches for a message may hold, from one scan for a
/// byte or a word each of them contains: most kernel messages (firewall logs, driver
/// chatter) hold none, and are then not searched for each phrase in turn.
#[derive(Clone, Copy, Debug)]
struct Hints {
    /// The message holds a `v`, as [`INVOKED_PHRASE`], [`IO_ERROR_PHRASE`] and [`NO_SPACE_PHRASE`] do.
    v: bool,
    /// The message holds [`KILL_WORD`], as [`KILLED_PHRASE`] and [`KILL_PHRASE`] do.
    kill: bool,
}

impl Hints {
    /// The hints of `body`.
    fn of(body: &str) -> Hints {
        Hints {
            v: memchr::memchr(b'v', body.as_bytes()).is_some(),
            kill: find(&KILL_WORD_NEEDLE, body).is_some(),
        }
    }
}

/// `find(needle, body)` when `may` (a hint) says the needle can be there, else `None`.
fn find_if(may: bool, needle: &Needle, body: &str) -> Option<usize> {
    if may {
        find(needle, body)
    } else {
        None
    }
}

/// True when a message says `No space left on device` (any program writes this for ENOSPC).
pub fn has_no_space(body: &str) -> bool {
    find(&NO_SPACE_NEEDLE, body).is_some()
}

/// A substring searcher built once: every kernel and syslog message is searched for these,
/// and building a searcher costs more than most searches.
type Needle = LazyLock<memmem::Finder<'static>>;

/// `No space left on device`.
const NO_SPACE_PHRASE: &str = "No space left on device";
/// The phrase of an OOM report's first line (after the invoking task's comm).
const INVOKED_PHRASE: &str = " invoked oom-killer: ";
/// The phrase of an OOM kill line.
const KILLED_PHRASE: &str = "Killed process ";
/// The phrase of an old kernel's OOM victim choice.
const KILL_PHRASE: &str = ": Kill process ";
/// The word [`KILLED_PHRASE`] and [`KILL_PHRASE`] share (see [`Hints`]).
const KILL_WORD: &str = "Kill";
/// The phrase of a block device I/O error.
const IO_ERROR_PHRASE: &str = "I/O error, dev ";

static NO_SPACE_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(NO_SPACE_PHRASE));
static INVOKED_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(INVOKED_PHRASE));
static KILLED_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(KILLED_PHRASE));
static KILL_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(KILL_PHRASE));
static KILL_WORD_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(KILL_WORD));
static IO_ERROR_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new(IO_ERROR_PHRASE));
static SEGFAULT_NEEDLE: Needle = LazyLock::new(|| memmem::Finder::new("]: segfault at "));

/// Where `needle` first occurs in `body` (a byte offset, as `str::find` gives).
fn find(needle: &Needle, body: &str) -> Option<usize> {
    needle.find(body.as_bytes())
}

fn oom_line(body: &str, hints: Hints) -> Option<KernelLine<'_>> {
    if let Some(i) = find_if(hints.v, &INVOKED_NEEDLE, body) {
        let rest = &body[i + INVOKED_PHRASE.len()..];
        let gfp_mask = rest.strip_prefix("gfp_mask=").map(|g| &g[..g.find(['(', ',']).unwrap_or(g.len())]);
        return Some(KernelLine::OomInvoked {
            invoker: &body[..i],
            gfp_mask,
            order: int_after(rest, "order="),
        });
    }
    if let Some(rest) = body.strip_prefix("oom-kill:") {
        return summary(rest).map(KernelLine::OomSummary);
    }
    if let Some(rest) = body.strip_prefix("oom_reaper: reaped process ") {
        let (pid, comm, _) = pid_comm(rest)?;
        return Some(KernelLine::OomReaped { pid, comm });
    }
    if let Some(rest) = body.strip_prefix("oom_reaper: unable to reap pid:") {
        let (pid, comm, _) = pid_comm(rest)?;
        return Some(KernelLine::OomReaped { pid, comm });
    }
    if let Some(i) = find_if(hints.kill, &KILLED_NEEDLE, body) {
        let reason = body[..i].trim_end().trim_end_matches(':');
        if !(reason.is_empty() || reason.contains("out of memory") || reason.contains("Out of memory")) {
            return None;
        }
        return killed(reason, &body[i + KILLED_PHRASE.len()..]).map(KernelLine::OomKilled);
    }
    if let Some(i) = find_if(hints.kill, &KILL_NEEDLE, body) {
        let (pid, comm, rest) = pid_comm(&body[i + KILL_PHRASE.len()..])?;
        return Some(KernelLine::OomChose { pid, comm, score: int_after(rest, "score ") });
    }
    if let Some(rest) = body.strip_prefix("Task in ") {
        let (memcg, _) = rest.split_once(" killed as a result of limit of ")?;
        return Some(KernelLine::OomTaskIn { memcg });
    }
    None
}

/// `constraint=…,nodemask=…,…,task_memcg=…,task=comm,pid=N,uid=N` (after `oom-kill:`).
fn summary(rest: &str) -> Option<OomSummary<'_>> {
    let (head, uid) = scan::rsplit_once(rest, ",uid=")?;
    let (head, pid) = scan::rsplit_once(head, ",pid=")?;
    let (head, task) = scan::rsplit_once(head, ",task=")?;
    let value = |key: &str, until: &[&str]| -> Option<&str> {
        let start = scan::find(head, key)? + key.len();
        let v = &head[start..];
        let end = until.iter().filter_map(|u| scan::find(v, u)).min().unwrap_or(v.len());
        Some(&v[..end])
    };
    Some(OomSummary {
        constraint: value("constraint=", &[","]),
        oom_memcg: value(",oom_memcg=", &[",task_memcg="]),
        task_memcg: value(",task_memcg=", &[]),
        task,
        pid: pid.trim().parse().ok()?,
        uid: uid.trim().parse().ok(),
    })
}

/// `N (comm) total-vm:…` / `N (comm), UID N, total-vm:…` / `N (comm).`
fn killed<'a>(reason: &'a str, rest: &'a str) -> Option<OomKilled<'a>> {
    let (pid, comm, tail) = pid_comm(rest)?;
    Some(OomKilled {
        reason,
        pid,
        comm,
        total_vm_kb: int_after(tail, "total-vm:"),
        anon_rss_kb: int_after(tail, "anon-rss:"),
        file_rss_kb: int_after(tail, "file-rss:"),
        shmem_rss_kb: int_after(tail, "shmem-rss:"),
        uid: int_after(tail, "UID:").or_else(|| int_after(tail, "UID ")),
        pgtables_kb: int_after(tail, "pgtables:"),
        oom_score_adj: int_after(tail, "oom_score_adj:"),
    })
}

/// `N (comm)…`: the pid, the comm up to the last `)` followed by a space, comma, period or the
/// end, and what follows it.
fn pid_comm(input: &str) -> Option<(u64, &str, &str)> {
    let parsed: IResult<&str, u64> = terminated(map_res(digit1, str::parse::<u64>), tag(" ("))(input);
    let (rest, pid) = parsed.ok()?;
    let close = rest
        .rmatch_indices(')')
        .map(|(i, _)| i)
        .find(|&i| matches!(rest.as_bytes().get(i + 1), None | Some(b' ' | b',' | b'.')))?;
    Some((pid, &rest[..close], &rest[close + 1..]))
}

/// The integer that follows `key` somewhere in `s` (`-?digits`).
fn int_after(s: &str, key: &str) -> Option<i64> {
    let at = scan::find(s, key)? + key.len();
    let r: IResult<&str, &str> = recognize(pair(opt(char('-')), digit1))(&s[at..]);
    r.ok()?.1.parse().ok()
}

/// XFS/BTRFS errors and read-only remounts.
fn fs_error(body: &str) -> Option<Option<&str>> {
    fn device(rest: &str) -> Option<&str> {
        rest.split_once(')').map(|(d, _)| d.trim_start_matches("device ").trim())
    }
    for prefix in ["EXT4-fs (", "XFS (", "BTRFS error (", "BTRFS critical ("] {
        if let Some(rest) = body.strip_prefix(prefix) {
            let lower = rest.to_ascii_lowercase();
            if prefix.starts_with("BTRFS")
                || lower.contains("remounting filesystem read-only")
                || lower.contains("corruption")
                || lower.contains("i/o error")
                || lower.contains("shutting down filesystem")
                || lower.contains("aborting journal")
            {
                return Some(device(rest));
            }
        }
    }
    None
}

/// `blk_update_request: I/O error, dev sda, sector …`, `I/O error, dev sda, …`,
/// `Buffer I/O error on dev sda1, logical block …`.
fn io_error(body: &str, hints: Hints) -> Option<Option<&str>> {
    if let Some(i) = find_if(hints.v, &IO_ERROR_NEEDLE, body) {
        let rest = &body[i + IO_ERROR_PHRASE.len()..];
        return Some(rest.split(',').next().map(str::trim));
    }
    if let Some(rest) = body.strip_prefix("Buffer I/O error on dev") {
        let rest = rest.trim_start_matches('i').trim_start_matches("ce").trim_start();
        return Some(rest.split(',').next().map(str::trim));
    }
    None
}

/// `comm[pid]: segfault at …`.
fn segfault(body: &str) -> Option<(&str, u64)> {
    let head = &body[..find(&SEGFAULT_NEEDLE, body)?];
    let (comm, pid) = head.rsplit_once('[')?;
    Some((comm, pid.parse().ok()?))
}

/// Sets `rec`'s kind and fields from a kernel message it classifies (not OOM lines: those
/// go through [`OomAssembler`]). Returns the classification for the caller.
pub fn apply(rec: &mut Record<'_>, line: &KernelLine<'_>) {
    match *line {
        KernelLine::FsError { device } => {
            rec.kind = FS_ERROR;
            if let Some(d) = device {
                rec.push_field("device", d.to_string());
            }
        }
        KernelLine::IoError { device } => {
            rec.kind = IO_ERROR;
            if let Some(d) = device {
                rec.push_field("device", d.to_string());
            }
        }
        KernelLine::NoSpace => rec.kind = NO_SPACE,
        KernelLine::Boot => rec.kind = KERNEL_BOOT,
        KernelLine::Segfault { comm, pid } => {
            rec.kind = SEGFAULT;
            rec.pid = Some(pid);
            rec.push_field("comm", comm.to_string());
        }
        _ => {}
    }
}

/// The OOM facts gathered for one kill.
#[derive(Debug, Default)]
struct OomFacts {
    invoker: Option<String>,
    gfp_mask: Option<String>,
    order: Option<i64>,
    constraint: Option<String>,
    oom_memcg: Option<String>,
    memcg: Option<String>,
    comm: Option<String>,
    pid: Option<u64>,
    uid: Option<i64>,
    reason: Option<String>,
    total_vm_kb: Option<i64>,
    anon_rss_kb: Option<i64>,
    file_rss_kb: Option<i64>,
    shmem_rss_kb: Option<i64>,
    pgtables_kb: Option<i64>,
    oom_score_adj: Option<i64>,
    score: Option<i64>,
    report_line: u64,
    killed: bool,
    reaped: bool,
}

impl OomFacts {
    fn summary(&mut self, s: &OomSummary<'_>) {
        self.constraint = s.constraint.map(str::to_string);
        self.oom_memcg = s.oom_memcg.map(str::to_string);
        self.memcg = s.task_memcg.map(str::to_string).or(self.memcg.take());
        self.comm = Some(s.task.to_string());
        self.pid = Some(s.pid);
        self.uid = s.uid.or(self.uid);
    }

    fn killed(&mut self, k: &OomKilled<'_>) {
        self.reason = (!k.reason.is_empty()).then(|| k.reason.to_string());
        self.pid = Some(k.pid);
        self.comm = Some(k.comm.to_string());
        self.total_vm_kb = k.total_vm_kb;
        self.anon_rss_kb = k.anon_rss_kb;
        self.file_rss_kb = k.file_rss_kb;
        self.shmem_rss_kb = k.shmem_rss_kb;
        self.uid = k.uid.or(self.uid);
        self.pgtables_kb = k.pgtables_kb;
        self.oom_score_adj = k.oom_score_adj;
        self.killed = true;
    }

    /// The fields, in their documented order.
    fn into_fields(self, rec: &mut Record<'static>) {
        let rss = match (self.anon_rss_kb, self.file_rss_kb, self.shmem_rss_kb) {
            (None, None, None) => None,
            (a, f, s) => Some(a.unwrap_or(0) + f.unwrap_or(0) + s.unwrap_or(0)),
        };
        let unit = self.memcg.as_deref().and_then(unit_of_cgroup).map(str::to_string);
        let s = |k: &'static str, v: Option<String>| v.map(|v| (k, FieldValue::Str(Cow::Owned(v))));
        let i = |k: &'static str, v: Option<i64>| v.map(|v| (k, FieldValue::Int(v)));
        let fields = [
            s("comm", self.comm),
            i("uid", self.uid),
            s("memcg", self.memcg),
            s("unit", unit),
            i("rss_kb", rss),
            i("anon_rss_kb", self.anon_rss_kb),
            i("file_rss_kb", self.file_rss_kb),
            i("shmem_rss_kb", self.shmem_rss_kb),
            i("total_vm_kb", self.total_vm_kb),
            i("pgtables_kb", self.pgtables_kb),
            i("oom_score_adj", self.oom_score_adj),
            i("score", self.score),
            s("reason", self.reason),
            s("constraint", self.constraint),
            s("oom_memcg", self.oom_memcg),
            s("invoker", self.invoker),
            s("gfp_mask", self.gfp_mask),
            i("order", self.order),
            i("report_line", Some(self.report_line as i64)),
            i("reaped", self.reaped.then_some(1)),
        ];
        rec.fields.extend(fields.into_iter().flatten());
    }
}

/// The systemd unit a cgroup path ends in (`/system.slice/pm2-root.service` →
/// `pm2-root.service`), if its last component is a service or scope.
pub fn unit_of_cgroup(path: &str) -> Option<&str> {
    let last = path.rsplit('/').next()?;
    (last.ends_with(".service") || last.ends_with(".scope")).then_some(last)
}

/// Folds the lines of OOM reports into one event per kill.
///
/// Feed it every kernel record of an input, in order ([`OomAssembler::feed`]); other records
/// do not concern it. Invariants: while a report is open (`open` is `Some`), its first line
/// was counted with [`Sink::event_pending`] and every further line it absorbs with
/// [`Sink::continuation_dropped`] (the text is kept in the open record), so line accounting
/// holds; the open record is owned, so results do not depend on window boundaries; it is
/// pushed exactly once, by [`OomAssembler::close`].
#[derive(Debug, Default)]
pub struct OomAssembler {
    /// The record of the report being assembled and its facts.
    open: Option<(Record<'static>, OomFacts)>,
    /// Report lines absorbed so far (bounded by [`MAX_REPORT_LINES`]).
    absorbed: usize,
    /// The record being fed was already counted by its parser (a multi-line journal export
    /// entry): the assembler then decides nothing about lines, it only folds records.
    precounted: bool,
}

impl OomAssembler {
    /// True while a report is being assembled.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Takes one kernel record (message = the kernel text without any dmesg stamp) and makes
    /// its line's decision.
    pub fn feed<'a>(&mut self, rec: Record<'a>, sink: &mut Sink<'a>) {
        self.precounted = false;
        self.fold(rec, sink);
    }

    /// Like [`OomAssembler::feed`], for a record whose lines its parser already counted
    /// (with [`Sink::event_pending`]).
    pub fn feed_counted<'a>(&mut self, rec: Record<'a>, sink: &mut Sink<'a>) {
        self.precounted = true;
        self.fold(rec, sink);
    }

    fn fold<'a>(&mut self, mut rec: Record<'a>, sink: &mut Sink<'a>) {
        // Classify without copying a borrowed message (the common case): the classification
        // must not borrow `rec`, which moves below.
        let owned;
        let text: &str = match &rec.message {
            Cow::Borrowed(b) => b,
            Cow::Owned(o) => {
                owned = o.clone();
                &owned
            }
        };
        let line = classify(text);
        let killed = self.open.as_ref().is_some_and(|(_, f)| f.killed);
        match line {
            Some(KernelLine::OomInvoked { invoker, gfp_mask, order }) => {
                self.close(sink);
                let facts = OomFacts {
                    invoker: Some(invoker.to_string()),
                    gfp_mask: gfp_mask.map(str::to_string),
                    order,
                    report_line: rec.line,
                    ..OomFacts::default()
                };
                self.start(rec, facts, sink);
            }
            Some(KernelLine::OomSummary(s)) => {
                if self.open.as_ref().is_some_and(|(_, f)| !f.killed && f.pid.is_none()) {
                    self.absorb(&rec, sink, |f| f.summary(&s));
                } else {
                    self.close(sink);
                    let mut facts = OomFacts { report_line: rec.line, ..OomFacts::default() };
                    facts.summary(&s);
                    self.start(rec, facts, sink);
                }
            }
            Some(KernelLine::OomKilled(k)) => {
                let fits =
                    self.open.as_ref().is_some_and(|(_, f)| !f.killed && f.pid.is_none_or(|p| p == k.pid));
                let (line, time, mono) = (rec.line, rec.time, rec.int_field("monotonic_us"));
                let text = rec.message.to_string();
                if fits {
                    self.count_continuation(sink);
                    self.absorbed += 1;
                } else {
                    self.close(sink);
                    let facts = OomFacts { report_line: rec.line, ..OomFacts::default() };
                    self.start(rec, facts, sink);
                }
                let Some((open, facts)) = self.open.as_mut() else { return };
                facts.killed(&k);
                // The kill line is the one to cite: the event takes its line, time and text;
                // the report's first line moves into the detail, before the rest.
                if fits {
                    let first = std::mem::replace(&mut open.message, Cow::Owned(text));
                    open.continuation.insert(0, first);
                }
                open.line = line;
                open.time = time;
                open.kind = OOM_KILL;
                if let Some((_, FieldValue::Int(us))) =
                    open.fields.iter_mut().find(|(k, _)| *k == "monotonic_us")
                {
                    if let Some(mono) = mono {
                        *us = mono;
                    }
                }
            }
            Some(KernelLine::OomChose { pid, comm, score }) if self.open_unkilled() => {
                self.absorb(&rec, sink, |f| {
                    f.pid = Some(pid);
                    f.comm = Some(comm.to_string());
                    f.score = score;
                });
            }
            Some(KernelLine::OomTaskIn { memcg }) if self.open_unkilled() => {
                self.absorb(&rec, sink, |f| f.memcg = Some(memcg.to_string()));
            }
            Some(KernelLine::OomReaped { pid, .. })
                if self.open.as_ref().is_some_and(|(_, f)| f.pid == Some(pid)) =>
            {
                self.absorb(&rec, sink, |f| f.reaped = true);
            }
            Some(KernelLine::OomReaped { pid, comm }) => {
                self.close(sink);
                rec.kind = OOM_REAPED;
                rec.pid = Some(pid);
                rec.push_field("comm", comm.to_string());
                self.push(rec, sink);
            }
            _ if self.open.is_some() && !killed && self.absorbed < MAX_REPORT_LINES => {
                self.absorb(&rec, sink, |_| {});
            }
            other => {
                self.close(sink);
                if let Some(l) = other {
                    apply(&mut rec, &l);
                }
                self.push(rec, sink);
            }
        }
    }

    /// A continuation line (no header) after a line this assembler absorbed: it belongs to
    /// the open report. Returns false, deciding nothing, when no report is open.
    pub fn continuation(&mut self, text: &str, sink: &mut Sink<'_>) -> bool {
        let Some((open, _)) = self.open.as_mut() else { return false };
        open.continuation.push(Cow::Owned(text.to_string()));
        sink.continuation_dropped();
        true
    }

    fn open_unkilled(&self) -> bool {
        self.open.as_ref().is_some_and(|(_, f)| !f.killed)
    }

    fn start<'a>(&mut self, rec: Record<'a>, facts: OomFacts, sink: &mut Sink<'a>) {
        let mut rec = rec.into_owned();
        rec.kind = if facts.pid.is_some() { OOM_KILL } else { OOM_INVOKED };
        if !self.precounted {
            sink.event_pending();
        }
        self.absorbed = 1;
        self.open = Some((rec, facts));
    }

    fn absorb(&mut self, rec: &Record<'_>, sink: &mut Sink<'_>, update: impl FnOnce(&mut OomFacts)) {
        if let Some((open, facts)) = self.open.as_mut() {
            open.continuation.push(Cow::Owned(rec.message.to_string()));
            update(facts);
            self.absorbed += 1;
        }
        self.count_continuation(sink);
    }

    fn count_continuation(&self, sink: &mut Sink<'_>) {
        if !self.precounted {
            sink.continuation_dropped();
        }
    }

    /// A record that is not part of a report.
    fn push<'a>(&self, rec: Record<'a>, sink: &mut Sink<'a>) {
        if self.precounted {
            sink.push_pending(rec);
        } else {
            sink.event(rec);
        }
    }

    /// Pushes the open report's event, if any. Call it at the end of the input.
    pub fn close(&mut self, sink: &mut Sink<'_>) {
        let Some((mut rec, facts)) = self.open.take() else { return };
        if facts.pid.is_some() || facts.killed {
            rec.kind = OOM_KILL;
        }
        rec.pid = facts.pid;
        facts.into_fields(&mut rec);
        sink.push_pending(rec);
    }
}

/// A time-less kernel record (for tests and callers that build records themselves).
pub fn record<'a>(line: u64, time: RawTime, message: &'a str) -> Record<'a> {
    Record::new(line, time, SOURCE, "message", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_comm_takes_the_last_paren() {
        assert_eq!(pid_comm("12 (a (b)) total-vm:1kB"), Some((12, "a (b)", " total-vm:1kB")));
        assert_eq!(pid_comm("7 (CPU 2/KVM)."), Some((7, "CPU 2/KVM", ".")));
        assert_eq!(pid_comm("x (y)"), None);
    }

    #[test]
    fn monotonic_stamps() {
        assert_eq!(split_monotonic("[ 3275.028363] oom"), (Some(3_275_028_363), "oom"));
        assert_eq!(split_monotonic("[0.5] x"), (Some(500_000), "x"));
        assert_eq!(split_monotonic("[abc] x"), (None, "[abc] x"));
        assert_eq!(split_monotonic("[99999999999999999999.1] x").0, None);
    }

    use proptest::prelude::*;

    /// Kernel messages made of the phrases `classify` looks for, whole or cut, among
    /// firewall and driver chatter.
    fn any_kernel_body() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            Just("node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
            Just("Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB"),
            Just("Memory cgroup out of memory: Killed process 7 (a (b)) total-vm:1kB"),
            Just("Out of memory: Kill process 12 (java) score 900 or sacrifice child"),
            Just("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),task_memcg=/system.slice/x.service,task=node,pid=2092,uid=0"),
            Just("oom_reaper: reaped process 2092 (node), now anon-rss:0kB"),
            Just("Task in /a killed as a result of limit of /b"),
            Just("EXT4-fs error (device sda1): ext4_find_entry"),
            Just("XFS (dm-0): Corruption detected"),
            Just("blk_update_request: I/O error, dev sda, sector 8"),
            Just("Buffer I/O error on device sdb1, logical block 0"),
            Just("node[77]: segfault at 0 ip 0 sp 0 error 4"),
            Just("write failed: No space left on device"),
            Just("Linux version 6.8.0-45-generic"),
            Just("[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00 SRC=1.2.3.4 DST=5.6.7.8 LEN=44 PROTO=TCP SPT=1 DPT=22 SYN"),
            Just("TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies."),
            Just("Kill"),
            Just("v"),
        ];
        (prop::collection::vec((part, "[ -~]{0,6}", 0.0..1.3f64), 1..3)).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(p, glue, cut)| {
                    let at = ((p.len() as f64 * cut) as usize).min(p.len());
                    format!("{}{glue}", &p[..at])
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The byte-level dmesg stamp reader reads what the nom grammar reads.
        #[test]
        fn stamps_read_like_the_grammar(
            s in "\\[[ \\t]{0,3}[0-9]{0,21}\\.?[0-9]{0,8}\\]? ?[a-z ]{0,3}|\\[[ -~]{0,8}|\\PC{0,8}",
        ) {
            prop_assert_eq!(monotonic_stamp(&s).ok(), monotonic_stamp_grammar(&s).ok(), "{:?}", s);
        }

        /// Skipping the phrases the hints rule out changes no classification.
        #[test]
        fn hints_skip_only_absent_phrases(body in any_kernel_body()) {
            prop_assert_eq!(classify(&body), classify_with(&body, Hints { v: true, kill: true }), "{:?}", body);
        }
    }

    /// Each hinted phrase holds what its hint looks for (a phrase added without one would
    /// be skipped on lines that hold it).
    #[test]
    fn phrases_hold_their_hints() {
        for phrase in [INVOKED_PHRASE, IO_ERROR_PHRASE, NO_SPACE_PHRASE] {
            assert!(phrase.contains('v'), "{phrase}");
        }
        for phrase in [KILLED_PHRASE, KILL_PHRASE] {
            assert!(phrase.contains(KILL_WORD), "{phrase}");
        }
    }

    #[test]
    fn units_of_cgroups() {
        assert_eq!(unit_of_cgroup("/system.slice/pm2-root.service"), Some("pm2-root.service"));
        assert_eq!(unit_of_cgroup("/user.slice/user-0.slice/session-1.scope"), Some("session-1.scope"));
        assert_eq!(unit_of_cgroup("/docker/d373ef13"), None);
    }
}
