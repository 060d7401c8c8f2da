//! Deterministic synthetic evidence for postmortem: incident bundles shaped like the samples
//! (`samples/*`), one per root cause, and one big mixed bundle for the performance work.
//!
//! Everything is a function of the [`Spec`] (or the seed and size): no clock, no randomness
//! but the seeded [`Rng`], no hash-map order. The same spec writes byte-identical files.
//!
//! The host is the runbook's `projectium` (Europe/Berlin): PM2 runs as `gitea-runner` with the
//! seven processes of `samples/inventory.toml`; CI is Gitea act_runner; people log in over ssh
//! and `sudo -u gitea-runner`. Times are written the way each program writes them: pm2.log,
//! app logs and auth.log in zone-less local time (the PM2 banner says `GMT+0100`/`GMT+0200`,
//! the manifest says Europe/Berlin), CI logs in UTC, kern.log / journal / nginx with offsets.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, UNIX_EPOCH};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use sha2::{Digest, Sha256};

/// The host every bundle comes from.
pub const HOST: &str = "projectium";
/// The host's zone, written to every manifest.
pub const TIMEZONE: &str = "Europe/Berlin";

// ---------------------------------------------------------------------------------------------
// Spec
// ---------------------------------------------------------------------------------------------

/// The root cause a bundle's evidence shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// A CI workflow step ran `pm2 delete all`.
    Pm2DeleteAll,
    /// A CI workflow step ran `pm2 stop all`.
    Pm2StopAll,
    /// The kernel's OOM killer killed a PM2 process until PM2 gave up.
    OomKiller,
    /// The root filesystem filled up; an app crashed with ENOSPC.
    DiskFull,
    /// A person deleted or stopped a process by hand, no workflow running.
    ManualIntervention,
    /// A bad release crashed until PM2 marked it errored.
    CrashLoop,
    /// No incident: a quiet day with a routine, by-name deploy.
    None,
}

impl Cause {
    /// Every cause, in the order `bundles` cycles through them.
    pub const ALL: [Cause; 7] = [
        Cause::Pm2DeleteAll,
        Cause::Pm2StopAll,
        Cause::OomKiller,
        Cause::DiskFull,
        Cause::ManualIntervention,
        Cause::CrashLoop,
        Cause::None,
    ];

    /// The rule id the analysis should report (`rules/root-causes.toml`); `none` for no incident.
    pub fn id(&self) -> &'static str {
        match self {
            Cause::Pm2DeleteAll => "pm2-delete-all",
            Cause::Pm2StopAll => "pm2-stop-all",
            Cause::OomKiller => "oom-killer",
            Cause::DiskFull => "disk-full",
            Cause::ManualIntervention => "manual-intervention",
            Cause::CrashLoop => "crash-loop",
            Cause::None => "none",
        }
    }

    /// The cause with this id.
    pub fn from_id(id: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// What one bundle shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Everything random derives from it (with the cause and the start).
    pub seed: u64,
    /// The root cause the evidence shows.
    pub cause: Cause,
    /// The incident: the first process down (for `None`, the routine deploy). Cut to seconds.
    pub start: DateTime<Utc>,
    /// About how many background lines (web traffic, ssh brute force, app output, journal)
    /// to add over the six hours before the incident and its aftermath.
    pub noise_lines: usize,
}

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and the same on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True `percent` times out of 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn mix(a: u64, b: u64) -> u64 {
    let mut r = Rng::new(a ^ b.rotate_left(29) ^ 0xD1B5_4A32_D192_ED03);
    r.next_u64()
}

// ---------------------------------------------------------------------------------------------
// Time: Europe/Berlin without a zone database (EU rule: summer time from the last Sunday of
// March 01:00 UTC to the last Sunday of October 01:00 UTC)
// ---------------------------------------------------------------------------------------------

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().expect("date");
    }
    d
}

/// Europe/Berlin's offset from UTC at `t`, in seconds.
pub fn berlin_offset(t: DateTime<Utc>) -> i64 {
    let y = t.year();
    let start = last_sunday(y, 3).and_hms_opt(1, 0, 0).expect("time").and_utc();
    let end = last_sunday(y, 10).and_hms_opt(1, 0, 0).expect("time").and_utc();
    if t >= start && t < end {
        7200
    } else {
        3600
    }
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + Duration::seconds(berlin_offset(t))
}

fn offset(t: DateTime<Utc>, colon: bool) -> String {
    let h = berlin_offset(t) / 3600;
    if colon {
        format!("+{h:02}:00")
    } else {
        format!("+{h:02}00")
    }
}

fn summer(t: DateTime<Utc>) -> bool {
    berlin_offset(t) == 7200
}

/// `2026-02-17T15:31:04` (pm2.log, app logs; local).
fn pm2_ts(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `Feb  7 15:31:04` (RFC 3164 syslog; local, no year).
fn syslog_ts(t: DateTime<Utc>) -> String {
    local(t).format("%b %e %H:%M:%S").to_string()
}

/// `2026-02-17T15:31:04.123456+01:00` (rsyslog ISO, kern.log).
fn iso_ts(t: DateTime<Utc>) -> String {
    format!("{}{}", local(t).format("%Y-%m-%dT%H:%M:%S%.6f"), offset(t, true))
}

/// `2026-02-17T15:31:04+0100` (journalctl -o short-iso).
fn journal_ts(t: DateTime<Utc>) -> String {
    format!("{}{}", local(t).format("%Y-%m-%dT%H:%M:%S"), offset(t, false))
}

/// `17/Feb/2026:15:31:04 +0100` (nginx).
fn nginx_ts(t: DateTime<Utc>) -> String {
    format!("{} {}", local(t).format("%d/%b/%Y:%H:%M:%S"), offset(t, false))
}

/// `2026/02/17 15:31:04` (nginx error.log; local).
fn nginx_error_ts(t: DateTime<Utc>) -> String {
    local(t).format("%Y/%m/%d %H:%M:%S").to_string()
}

/// `2026-02-17T14:31:04.0127736Z` (act_runner; UTC, 100 ns).
fn ci_ts(t: DateTime<Utc>) -> String {
    format!("{}.{:07}Z", t.format("%Y-%m-%dT%H:%M:%S"), t.timestamp_subsec_nanos() / 100)
}

/// `2026-02-17T14:31:04Z` (manifest).
fn utc_ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn secs(t: DateTime<Utc>) -> DateTime<Utc> {
    t - Duration::nanoseconds(t.timestamp_subsec_nanos().into())
}

fn s(n: i64) -> Duration {
    Duration::seconds(n)
}

fn ms(n: i64) -> Duration {
    Duration::milliseconds(n)
}

// ---------------------------------------------------------------------------------------------
// The host: processes, people, addresses
// ---------------------------------------------------------------------------------------------

/// One PM2 process of the runbook's inventory.
struct ProcInfo {
    name: &'static str,
    cluster: bool,
    script: &'static str,
    dir: &'static str,
    version: &'static str,
    port: Option<u16>,
}

const PROCS: [ProcInfo; 7] = [
    ProcInfo {
        name: "flyer-crawler-api",
        cluster: true,
        script: "dist/server.js",
        dir: "/var/www/flyer-crawler.projectium.com",
        version: "1.6.2",
        port: Some(3001),
    },
    ProcInfo {
        name: "flyer-crawler-worker",
        cluster: false,
        script: "dist/worker.js",
        dir: "/var/www/flyer-crawler.projectium.com",
        version: "1.6.2",
        port: None,
    },
    ProcInfo {
        name: "flyer-crawler-analytics-worker",
        cluster: false,
        script: "dist/analytics.js",
        dir: "/var/www/flyer-crawler.projectium.com",
        version: "1.6.2",
        port: None,
    },
    ProcInfo {
        name: "flyer-crawler-api-test",
        cluster: false,
        script: "dist/server.js",
        dir: "/var/www/flyer-crawler-test.projectium.com",
        version: "1.6.2",
        port: Some(3002),
    },
    ProcInfo {
        name: "flyer-crawler-worker-test",
        cluster: false,
        script: "dist/worker.js",
        dir: "/var/www/flyer-crawler-test.projectium.com",
        version: "1.6.2",
        port: None,
    },
    ProcInfo {
        name: "flyer-crawler-analytics-worker-test",
        cluster: false,
        script: "dist/analytics.js",
        dir: "/var/www/flyer-crawler-test.projectium.com",
        version: "1.6.2",
        port: None,
    },
    ProcInfo {
        name: "stock-alert-api",
        cluster: false,
        script: "dist/server.js",
        dir: "/var/www/stock-alert.projectium.com",
        version: "2.3.1",
        port: Some(3010),
    },
];

const PROD_FLYER: [&str; 3] = ["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker"];
const TEST_FLYER: [&str; 3] =
    ["flyer-crawler-api-test", "flyer-crawler-worker-test", "flyer-crawler-analytics-worker-test"];

fn info(name: &str) -> &'static ProcInfo {
    PROCS.iter().find(|p| p.name == name).expect("a known process")
}

/// A person with an account on the host.
#[derive(Clone, Copy)]
struct Person {
    user: &'static str,
    uid: u32,
    ip: &'static str,
    key: &'static str,
}

const ONCALL: [Person; 2] = [
    Person {
        user: "alice.oncall",
        uid: 1001,
        ip: "198.51.100.23",
        key: "ED25519 SHA256:Jq3mXv0m2kQ9yq0Yw8qj1tT0oV7f2hB1wq3U2c1sZ5E",
    },
    Person {
        user: "carol.oncall",
        uid: 1004,
        ip: "198.51.100.61",
        key: "ED25519 SHA256:Vb8kR2mQx7TzP0sLw4Hc9nYd3Ea6Fu1Jg5Ki2Oq8Mr0",
    },
];

const BOB: Person = Person {
    user: "bob",
    uid: 1003,
    ip: "203.0.113.41",
    key: "ED25519 SHA256:p7Vd2Qw0bJm5cK8sE1rT4yU9iO3aZ6xN2gH5jL8fW0Q",
};

const ATTACKERS: [&str; 8] = [
    "218.92.0.112",
    "80.94.95.116",
    "185.220.101.4",
    "203.0.113.77",
    "61.177.172.140",
    "141.98.11.29",
    "45.148.10.183",
    "183.81.169.238",
];

const GUESSED_USERS: [&str; 10] =
    ["admin", "user", "test", "oracle", "git", "ubuntu", "postgres", "ftpuser", "deploy", "pi"];

const CLIENTS: [&str; 6] =
    ["198.51.100.7", "198.51.100.90", "203.0.113.50", "192.0.2.144", "198.51.100.131", "203.0.113.219"];

const AGENTS: [&str; 5] = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:136.0) Gecko/20100101 Firefox/136.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Mobile Safari/537.36",
];

const CITIES: [&str; 6] = ["berlin", "dresden", "leipzig", "hamburg", "koeln", "muenchen"];
const CHAINS: [&str; 5] = ["netto", "lidl", "aldi-nord", "rewe", "penny"];
const SYMBOLS: [&str; 5] = ["SAP", "SIE", "ALV", "DTE", "BAS"];

const COMMITS: [&str; 10] = [
    "feat(api): cache store listings for 5 minutes",
    "fix(worker): retry flyer downloads on 503",
    "chore(deps): bump express to 4.21.2",
    "feat(api): paginate store search results",
    "refactor(worker): batch store lookups",
    "feat(analytics): weekly price rollups in memory",
    "fix(api): warm the route cache on boot",
    "feat(worker): keep original flyer PDFs for re-OCR",
    "ci: clean slate for test deploys",
    "feat(api): store opening hours endpoint",
];

fn hex(rng: &mut Rng, n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        out.push_str(&format!("{:016x}", rng.next_u64()));
    }
    out.truncate(n);
    out
}

// ---------------------------------------------------------------------------------------------
// Logs being assembled (small bundles are built in memory, then written)
// ---------------------------------------------------------------------------------------------

/// Lines of one file with their instants; rendered in time order (stable for equal times).
#[derive(Default)]
struct Log {
    lines: Vec<(DateTime<Utc>, u64, String)>,
    seq: u64,
}

impl Log {
    fn push(&mut self, t: DateTime<Utc>, line: String) {
        self.seq += 1;
        self.lines.push((t, self.seq, line));
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn render(mut self) -> (Vec<u8>, DateTime<Utc>) {
        self.lines.sort_by_key(|a| (a.0, a.1));
        let last = self.lines.last().map(|l| secs(l.0)).unwrap_or(DateTime::UNIX_EPOCH);
        let mut out = Vec::new();
        for (_, _, line) in &self.lines {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        (out, last)
    }
}

/// A file of the bundle: its bytes, when it was last written, where it was on the host.
struct FileOut {
    bytes: Vec<u8>,
    mtime: DateTime<Utc>,
    original: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Online,
    Stopped,
    Errored,
}

struct Proc {
    name: &'static str,
    id: u32,
    pid: u64,
    status: Status,
    restarts: u32,
    since: DateTime<Utc>,
}

/// One SSH session.
struct Session {
    who: Person,
    pid: u64,
    port: u64,
    number: u64,
}

// ---------------------------------------------------------------------------------------------
// The world of one bundle
// ---------------------------------------------------------------------------------------------

/// When a process went down and came back (`None`: not yet).
type Downs = Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>;

/// Per process, the intervals it was out.
type Outages<'a> = BTreeMap<&'a str, Vec<(DateTime<Utc>, DateTime<Utc>)>>;

struct World {
    rng: Rng,
    t0: DateTime<Utc>,
    boot: DateTime<Utc>,
    daemon: DateTime<Utc>,
    journal_since: DateTime<Utc>,
    procs: Vec<Proc>,
    next_id: u32,
    /// Per process: (down at, back at) from the PM2 log.
    downs: BTreeMap<&'static str, Downs>,
    pm2log: Log,
    auth: Log,
    access: Log,
    nginx_error: Log,
    journal: Log,
    kern: Log,
    ci: BTreeMap<String, Log>,
    app: BTreeMap<String, Log>,
    history: BTreeMap<String, Log>,
    files: BTreeMap<String, FileOut>,
    /// auth.log / nginx could not be written (disk full): auth lines go to the journal only.
    gap: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pid: u64,
    session: u64,
    task: u64,
    nginx_conn: u64,
    end: DateTime<Utc>,
    oncall: Person,
}

impl World {
    fn new(spec: &Spec) -> World {
        let t0 = secs(spec.start);
        let mut rng =
            Rng::new(mix(mix(spec.seed, spec.cause as u64 + 1), t0.timestamp() as u64 ^ 0xC0FF_EE00));
        let daemon = t0 - Duration::hours(rng.between(50, 80)) - s(rng.between(0, 3599));
        let boot = daemon - s(rng.between(60, 150));
        let oncall = *rng.pick(&ONCALL);
        let pid = rng.between(2000, 3000) as u64;
        let session = rng.between(3000, 9000) as u64;
        let task = rng.between(1000, 4000) as u64;
        let nginx_conn = rng.between(10_000, 900_000) as u64;
        // journalctl --since the full hour before the incident (local).
        let since = t0 - Duration::hours(1);
        let journal_since = since - s(local(since).minute() as i64 * 60 + local(since).second() as i64);
        World {
            rng,
            t0,
            boot,
            daemon,
            journal_since,
            procs: Vec::new(),
            next_id: 0,
            downs: BTreeMap::new(),
            pm2log: Log::default(),
            auth: Log::default(),
            access: Log::default(),
            nginx_error: Log::default(),
            journal: Log::default(),
            kern: Log::default(),
            ci: BTreeMap::new(),
            app: BTreeMap::new(),
            history: BTreeMap::new(),
            files: BTreeMap::new(),
            gap: None,
            pid,
            session,
            task,
            nginx_conn,
            end: t0,
            oncall,
        }
    }

    /// A pid for a process started at `t`: pids grow with time since boot.
    fn pid_at(&mut self, t: DateTime<Utc>) -> u64 {
        let since_boot = (t - self.boot).num_seconds().max(0) as u64;
        self.pid + since_boot / 3 + self.rng.below(3)
    }

    fn seen(&mut self, t: DateTime<Utc>) {
        if t > self.end {
            self.end = t;
        }
    }

    fn jitter_ms(&mut self, lo: i64, hi: i64) -> Duration {
        ms(self.rng.between(lo, hi))
    }

    // --- writers per file format ---

    fn pm2(&mut self, t: DateTime<Utc>, level: &str, msg: &str) {
        self.seen(t);
        self.pm2log.push(t, format!("{}: PM2 {level}: {msg}", pm2_ts(t)));
    }

    fn in_gap(&self, t: DateTime<Utc>) -> bool {
        self.gap.is_some_and(|(a, b)| t >= a && t < b)
    }

    /// A line of auth.log (and of the journal when the journal covers it).
    fn auth(&mut self, t: DateTime<Utc>, prog: &str, msg: &str) {
        self.seen(t);
        if t >= self.journal_since {
            self.journal.push(t, format!("{} {HOST} {prog}: {msg}", journal_ts(t)));
        }
        if !self.in_gap(t) {
            self.auth.push(t, format!("{} {HOST} {prog}: {msg}", syslog_ts(t)));
        }
    }

    fn journal(&mut self, t: DateTime<Utc>, prog: &str, msg: &str) {
        self.seen(t);
        if t >= self.journal_since {
            self.journal.push(t, format!("{} {HOST} {prog}: {msg}", journal_ts(t)));
        }
    }

    fn kernel(&mut self, t: DateTime<Utc>, msg: &str) {
        let since_boot = t - self.boot;
        let mono = since_boot.num_microseconds().unwrap_or(0);
        self.kern.push(
            t,
            format!("{} {HOST} kernel: [{:>5}.{:06}] {msg}", iso_ts(t), mono / 1_000_000, mono % 1_000_000),
        );
    }

    fn history(&mut self, user: &str, t: DateTime<Utc>, command: &str) {
        self.history.entry(user.to_string()).or_default().push(t, format!("#{}\n{command}", t.timestamp()));
    }

    fn app_log(&mut self, process: &str, stream: &str, t: DateTime<Utc>, text: &str) {
        let path = format!("pm2/logs/{process}-{stream}.log");
        self.app.entry(path).or_default().push(t, format!("{}: {text}", pm2_ts(t)));
    }

    fn ci(&mut self, file: &str, t: DateTime<Utc>, text: &str) {
        // act_runner stamps to 100 ns; the steps here are drawn in whole milliseconds.
        let t = t + Duration::nanoseconds(self.rng.below(10_000) as i64 * 100);
        self.seen(t);
        self.ci.entry(file.to_string()).or_default().push(t, format!("{} {text}", ci_ts(t)));
    }

    // --- PM2 ---

    fn proc_mut(&mut self, name: &str) -> &mut Proc {
        self.procs.iter_mut().find(|p| p.name == name).expect("a running process")
    }

    fn id_of(&self, name: &str) -> u32 {
        self.procs.iter().find(|p| p.name == name).map(|p| p.id).expect("a known process")
    }

    fn mark_down(&mut self, name: &'static str, t: DateTime<Utc>) {
        self.downs.entry(name).or_default().push((t, None));
    }

    fn mark_up(&mut self, name: &'static str, t: DateTime<Utc>) {
        if let Some(last) = self.downs.entry(name).or_default().last_mut() {
            if last.1.is_none() {
                last.1 = Some(t);
            }
        }
    }

    fn banner(&mut self, t: DateTime<Utc>) {
        let sep = "=".repeat(79);
        let zone = if summer(t) {
            "GMT+0200 (Central European Summer Time)"
        } else {
            "GMT+0100 (Central European Standard Time)"
        };
        let time = format!("Time                 : {} {zone}", local(t).format("%a %b %d %Y %H:%M:%S"));
        let lines: [&str; 17] = [
            &sep,
            "--- New PM2 Daemon started ----------------------------------------------------",
            &time,
            "PM2 version          : 6.0.14",
            "Node.js version      : 20.19.5",
            "Current arch         : x64",
            "PM2 home             : /home/gitea-runner/.pm2",
            "PM2 PID file         : /home/gitea-runner/.pm2/pm2.pid",
            "RPC socket file      : /home/gitea-runner/.pm2/rpc.sock",
            "BUS socket file      : /home/gitea-runner/.pm2/pub.sock",
            "Application log path : /home/gitea-runner/.pm2/logs",
            "Worker Interval      : 30000",
            "Process dump file    : /home/gitea-runner/.pm2/dump.pm2",
            "Concurrent actions   : 2",
            "SIGTERM timeout      : 1600",
            "Runtime Binary       : /usr/bin/node",
            &sep,
        ];
        for line in lines {
            self.pm2(t, "log", line);
        }
    }

    /// `pm2 start` (or PM2 restarting it): a new id unless the process is still listed.
    fn start(&mut self, t: DateTime<Utc>, name: &'static str) -> u32 {
        let pid = self.pid_at(t);
        let id = match self.procs.iter_mut().find(|p| p.name == name) {
            Some(p) => {
                if p.status != Status::Online {
                    p.restarts += 1;
                }
                p.pid = pid;
                p.status = Status::Online;
                p.since = t;
                p.id
            }
            None => {
                let id = self.next_id;
                self.next_id += 1;
                self.procs.push(Proc { name, id, pid, status: Status::Online, restarts: 0, since: t });
                id
            }
        };
        let mode = if info(name).cluster { "cluster" } else { "fork" };
        self.pm2(t, "log", &format!("App [{name}:{id}] starting in -{mode} mode-"));
        let online = t + s(self.rng.between(0, 1));
        self.pm2(online, "log", &format!("App [{name}:{id}] online"));
        self.mark_up(name, online);
        if name.contains("worker") {
            self.app_log(name, "out", online, &format!("Worker started (pid {pid})"));
        } else if let Some(port) = info(name).port {
            self.app_log(name, "out", online, &format!("{name} listening on :{port} (pid {pid})"));
        }
        id
    }

    /// `pm2 stop NAME` / `pm2 delete NAME`: PM2 stops it (SIGINT), maybe escalating to SIGKILL.
    fn stop(&mut self, t: DateTime<Utc>, name: &'static str, delete: bool, escalate: bool) {
        let (id, pid) = {
            let p = self.proc_mut(name);
            p.status = Status::Stopped;
            (p.id, p.pid)
        };
        self.pm2(t, "log", &format!("Stopping app:{name} id:{id}"));
        if info(name).cluster {
            self.pm2(t, "log", &format!("App name:{name} id:{id} disconnected"));
        }
        let exit_at = if escalate {
            for i in 0..5 {
                self.pm2(
                    t + ms(i * 330),
                    "log",
                    &format!("pid={pid} msg=failed to kill - retrying in 100ms"),
                );
            }
            let k = t + ms(1650);
            self.pm2(
                k,
                "log",
                &format!("Process with pid {pid} still alive after 1600ms, sending it SIGKILL now..."),
            );
            self.pm2(k, "log", &format!("App [{name}:{id}] exited with code [0] via signal [SIGKILL]"));
            k
        } else {
            self.pm2(t, "log", &format!("App [{name}:{id}] exited with code [0] via signal [SIGINT]"));
            t
        };
        self.pm2(exit_at, "log", &format!("pid={pid} msg=process killed"));
        self.mark_down(name, t);
        if delete {
            self.procs.retain(|p| p.name != name);
        }
    }

    /// The process died on its own (exit code, signal).
    fn died(&mut self, t: DateTime<Utc>, name: &'static str, code: u32, signal: &str) {
        let id = {
            let p = self.proc_mut(name);
            p.status = Status::Stopped;
            p.id
        };
        if info(name).cluster && signal == "SIGINT" {
            self.pm2(t, "log", &format!("App name:{name} id:{id} disconnected"));
        }
        self.pm2(t, "log", &format!("App [{name}:{id}] exited with code [{code}] via signal [{signal}]"));
        self.mark_down(name, t);
    }

    fn errored(&mut self, t: DateTime<Utc>, name: &'static str, unstable: u32) {
        let script = format!("{}/{}", info(name).dir, info(name).script);
        self.proc_mut(name).status = Status::Errored;
        self.pm2(
            t,
            "log",
            &format!("Script {script} had too many unstable restarts ({unstable}). Stopped. \"errored\""),
        );
    }

    /// Brief-down-free intervals during which `name` was out (flaps within 60 s merged; only
    /// outages longer than 60 s, as the analysis counts them).
    fn outages(&self, name: &str) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let far = self.end + Duration::days(1);
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (down, up) in self.downs.get(name).map(Vec::as_slice).unwrap_or(&[]) {
            let up = up.unwrap_or(far);
            match merged.last_mut() {
                Some(last) if *down - last.1 <= s(60) => last.1 = last.1.max(up),
                _ => merged.push((*down, up)),
            }
        }
        merged.retain(|(a, b)| *b - *a > s(60));
        merged
    }

    // --- people ---

    fn ssh_login(&mut self, t: DateTime<Utc>, who: Person) -> Session {
        let pid = self.pid_at(t);
        let port = self.rng.between(40000, 60999) as u64;
        self.session += self.rng.between(1, 9) as u64;
        let number = self.session;
        let user = who.user;
        self.auth(
            t,
            &format!("sshd[{pid}]"),
            &format!("Accepted publickey for {user} from {} port {port} ssh2: {}", who.ip, who.key),
        );
        self.auth(
            t,
            &format!("sshd[{pid}]"),
            &format!("pam_unix(sshd:session): session opened for user {user}(uid={}) by (uid=0)", who.uid),
        );
        self.auth(t, "systemd-logind[612]", &format!("New session {number} of user {user}."));
        self.journal(
            t,
            "systemd[1]",
            &format!("Started session-{number}.scope - Session {number} of User {user}."),
        );
        Session { who, pid, port, number }
    }

    fn ssh_logout(&mut self, t: DateTime<Utc>, session: &Session) {
        let Session { who, pid, port, number } = *session;
        let sshd = format!("sshd[{pid}]");
        self.auth(
            t,
            &sshd,
            &format!("Received disconnect from {} port {port}:11: disconnected by user", who.ip),
        );
        self.auth(t, &sshd, &format!("Disconnected from user {} {} port {port}", who.user, who.ip));
        self.auth(t, &sshd, &format!("pam_unix(sshd:session): session closed for user {}", who.user));
        self.auth(
            t,
            "systemd-logind[612]",
            &format!("Session {number} logged out. Waiting for processes to exit."),
        );
        self.auth(t, "systemd-logind[612]", &format!("Removed session {number}."));
        self.journal(t, "systemd[1]", &format!("session-{number}.scope: Deactivated successfully."));
    }

    /// `sudo [-u USER] COMMAND` by `who`: auth.log's sudo lines (closed a second later unless
    /// `until` says when the shell ended).
    fn sudo(
        &mut self,
        t: DateTime<Utc>,
        who: Person,
        as_user: &str,
        command: &str,
        until: Option<DateTime<Utc>>,
    ) {
        let (uid, target) = if as_user == "root" { (0, "root") } else { (997, as_user) };
        let user = who.user;
        let pid = self.pid_at(t);
        let line = format!("{user:>8} : TTY=pts/0 ; PWD=/home/{user} ; USER={target} ; COMMAND={command}");
        if t >= self.journal_since && self.in_gap(t) {
            // Only the journal has it; journald names sudo with its pid.
            self.journal(t, &format!("sudo[{pid}]"), &line);
            return;
        }
        self.auth(t, "sudo", &line);
        self.auth(
            t,
            "sudo",
            &format!(
                "pam_unix(sudo:session): session opened for user {target}(uid={uid}) by {user}(uid={})",
                who.uid
            ),
        );
        let close = until.unwrap_or(t + s(1));
        self.auth(close, "sudo", &format!("pam_unix(sudo:session): session closed for user {target}"));
    }

    // --- CI ---

    /// The act_runner job log up to the step that restarts PM2; returns when that step starts.
    fn ci_prelude(
        &mut self,
        file: &str,
        job: &str,
        task: u64,
        end: DateTime<Utc>,
        build: bool,
        commit: (&str, &str),
    ) -> DateTime<Utc> {
        // Written from a provisional start, then moved so the last step ends just before `end`.
        let before = self.ci.remove(file);
        let start = end - Duration::minutes(5);
        let (sha, msg) = commit;
        let mut t = start;
        self.ci(
            file,
            t,
            &format!(
                "{HOST}(version:v0.2.11) received task {task} of job {job}, be triggered by event: push"
            ),
        );
        let step = |w: &mut World, t: &mut DateTime<Utc>, lo: i64, hi: i64| *t += w.jitter_ms(lo, hi);
        step(self, &mut t, 1, 3);
        self.ci(file, t, "workflow prepared");
        step(self, &mut t, 1, 3);
        self.ci(file, t, "evaluating expression 'success()'");
        step(self, &mut t, 1, 3);
        self.ci(file, t, "expression 'success()' evaluated to 'true'");
        step(self, &mut t, 5, 20);
        self.ci(file, t, "⭐ Run Main Checkout");
        let checkout = t;
        step(self, &mut t, 900, 1300);
        self.ci(
            file,
            t,
            &format!(
                "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +{sha}:refs/remotes/origin/main"
            ),
        );
        step(self, &mut t, 1100, 1800);
        self.ci(file, t, &format!("HEAD is now at {} {msg}", &sha[..7]));
        step(self, &mut t, 50, 120);
        self.ci(
            file,
            t,
            &format!(
                "  ✅  Success - Main Checkout [{:.3}s]",
                (t - checkout).num_milliseconds() as f64 / 1000.0
            ),
        );
        step(self, &mut t, 1, 3);
        self.ci(file, t, "⭐ Run Main Install dependencies");
        let install = t;
        let took = self.rng.between(24, 40);
        t += s(took) + self.jitter_ms(0, 900);
        let packages = self.rng.between(405, 445);
        self.ci(
            file,
            t,
            &format!("added {packages} packages, and audited {} packages in {took}s", packages + 1),
        );
        step(self, &mut t, 80, 150);
        self.ci(
            file,
            t,
            &format!(
                "  ✅  Success - Main Install dependencies [{:.3}s]",
                (t - install).num_milliseconds() as f64 / 1000.0
            ),
        );
        if build {
            step(self, &mut t, 1, 3);
            self.ci(file, t, "⭐ Run Main Build");
            let b = t;
            step(self, &mut t, 400, 600);
            self.ci(file, t, "> flyer-crawler@1.6.2 build");
            step(self, &mut t, 1, 3);
            self.ci(file, t, "> tsc -p tsconfig.build.json && node scripts/copy-assets.mjs");
            t += s(self.rng.between(28, 42));
            let assets = self.rng.between(30, 40);
            self.ci(file, t, &format!("copied {assets} assets to dist/"));
            step(self, &mut t, 80, 150);
            self.ci(
                file,
                t,
                &format!("  ✅  Success - Main Build [{:.3}s]", (t - b).num_milliseconds() as f64 / 1000.0),
            );
        }
        let shift = end - t - ms(1);
        let written = self.ci.remove(file).unwrap_or_default();
        let mut log = before.unwrap_or_default();
        for (at, _, line) in written.lines {
            let text = line.split_once(' ').map(|(_, rest)| rest).unwrap_or("");
            let at = at + shift;
            log.push(at, format!("{} {text}", ci_ts(at)));
        }
        self.ci.insert(file.to_string(), log);
        start + shift
    }

    fn ci_finish(
        &mut self,
        file: &str,
        job: &str,
        task: u64,
        started: DateTime<Utc>,
        step: &str,
        t: DateTime<Utc>,
    ) {
        let mut t = t;
        self.ci(file, t, "[PM2] Saving current process list...");
        t += self.jitter_ms(10, 30);
        self.ci(file, t, "[PM2] Successfully saved in /home/gitea-runner/.pm2/dump.pm2");
        t += self.jitter_ms(10, 30);
        self.ci(
            file,
            t,
            &format!(
                "  ✅  Success - Main {step} [{:.3}s]",
                (t - started).num_milliseconds() as f64 / 1000.0
            ),
        );
        t += self.jitter_ms(5, 15);
        self.ci(file, t, &format!("Cleaning up container for job {job}"));
        t += self.jitter_ms(40, 60);
        self.ci(file, t, "🏁  Job succeeded");
        let first = self.ci[file].lines.iter().map(|l| l.0).min().expect("a line");
        self.journal(
            secs(first),
            "act_runner[812]",
            &format!(
                "time=\"{}\" level=info msg=\"task {task} repo is projectium/flyer-crawler https://gitea.projectium.com https://gitea.projectium.com\"",
                local(first).format("%Y-%m-%dT%H:%M:%S").to_string() + &offset(first, true)
            ),
        );
        let end = secs(t);
        self.journal(
            end,
            "act_runner[812]",
            &format!(
                "time=\"{}\" level=info msg=\"runner: {HOST}, task {task} finished with result success\"",
                local(end).format("%Y-%m-%dT%H:%M:%S").to_string() + &offset(end, true)
            ),
        );
    }

    fn commit(&mut self) -> (String, &'static str) {
        (hex(&mut self.rng, 40), *self.rng.pick(&COMMITS))
    }

    #[allow(clippy::too_many_arguments)]
    fn workflow(
        &mut self,
        job: &str,
        title: &str,
        dir: &str,
        build: bool,
        step: &str,
        commands: &[&str],
        at: DateTime<Utc>,
    ) {
        let mut y = format!(
            "name: {title}\n\non:\n  push:\n    branches: [main]\n  workflow_dispatch:\n\njobs:\n  {job}:\n    runs-on: {HOST}\n    steps:\n      - name: Checkout\n        uses: actions/checkout@v4\n\n      - name: Install dependencies\n        run: |\n          cd {dir}\n          npm ci --omit=dev\n"
        );
        if build {
            y.push_str(&format!(
                "\n      - name: Build\n        run: |\n          cd {dir}\n          npm run build\n"
            ));
        }
        y.push_str(&format!("\n      - name: {step}\n        run: |\n          cd {dir}\n"));
        for c in commands {
            y.push_str(&format!("          {c}\n"));
        }
        let path = format!("repo/.gitea/workflows/{job}.yml");
        let original = format!("{dir}/.gitea/workflows/{job}.yml");
        self.files.insert(path, FileOut { bytes: y.into_bytes(), mtime: secs(at), original: Some(original) });
    }

    /// A routine, by-name deploy of flyer-crawler production (delete + start by name): every
    /// process is back within a second or two.
    fn deploy_by_name(&mut self, at: DateTime<Utc>, names: &[&'static str]) -> DateTime<Utc> {
        self.task += self.rng.between(3, 40) as u64;
        let task = self.task;
        let job = "deploy-to-prod";
        let file = format!("ci/{job}-{job}-{task}.log");
        let commit = self.commit();
        let step_start = at - self.jitter_ms(700, 1900);
        let start = self.ci_prelude(&file, job, task, step_start, true, (&commit.0, commit.1));
        let mut t = step_start;
        self.ci(&file, t, "⭐ Run Main Restart PM2 (prod)");
        t = t.max(at);
        for name in names {
            t += self.jitter_ms(150, 400);
            let id = self.id_of(name);
            self.ci(
                &file,
                t,
                &format!("[PM2] Applying action deleteProcessId on app [{name}](ids: [ {id} ])"),
            );
            self.stop(secs(t), name, true, false);
            t += self.jitter_ms(300, 500);
            self.ci(&file, t, &format!("[PM2] [{name}]({id}) ✓"));
        }
        t += self.jitter_ms(500, 700);
        self.ci(&file, t, &format!("[PM2][WARN] Applications {} not running, starting...", names.join(", ")));
        t += self.jitter_ms(600, 800);
        for name in names {
            self.start(secs(t), name);
            self.ci(&file, t, &format!("[PM2] App [{name}] launched (1 instances)"));
            t += self.jitter_ms(8, 12);
        }
        t += self.jitter_ms(500, 700);
        self.ci_finish(&file, job, task, step_start, "Restart PM2 (prod)", t);
        let mut cmds: Vec<String> = names.iter().map(|n| format!("pm2 delete {n} || true")).collect();
        cmds.push(format!("pm2 start ecosystem.config.cjs --only {}", names.join(",")));
        cmds.push("pm2 save".to_string());
        let cmds: Vec<&str> = cmds.iter().map(String::as_str).collect();
        self.workflow(
            job,
            "Deploy to Production",
            info(names[0]).dir,
            true,
            "Restart PM2 (prod)",
            &cmds,
            start,
        );
        t
    }

    // --- snapshots ---

    /// The runbook's incident-state file (pm2 list, df, free, git log) at `t`.
    fn incident_state(&mut self, t: DateTime<Utc>, disk_percent: u32, low_memory: bool) {
        let mut out = String::from("=== PM2 List ===\n");
        out.push_str("┌────┬────────────────────────────────────────┬─────────────┬─────────┬─────────┬──────────┬────────┬──────┬───────────┬──────────┬──────────┬──────────────┬──────────┐\n");
        out.push_str("│ id │ name                                   │ namespace   │ version │ mode    │ pid      │ uptime │ ↺    │ status    │ cpu      │ mem      │ user         │ watching │\n");
        out.push_str("├────┼────────────────────────────────────────┼─────────────┼─────────┼─────────┼──────────┼────────┼──────┼───────────┼──────────┼──────────┼──────────────┼──────────┤\n");
        let mut rows: Vec<&Proc> = self.procs.iter().collect();
        rows.sort_by_key(|p| p.name);
        let mut lines = Vec::new();
        for p in rows {
            let i = info(p.name);
            let online = p.status == Status::Online;
            let status = match p.status {
                Status::Online => "online",
                Status::Stopped => "stopped",
                Status::Errored => "errored",
            };
            let (pid, uptime, cpu, mem) = if online {
                let up = (t - p.since).num_seconds().max(0);
                let uptime = match up {
                    u if u < 60 => format!("{u}s"),
                    u if u < 3600 => format!("{}m", u / 60),
                    u if u < 86400 => format!("{}h", u / 3600),
                    u => format!("{}D", u / 86400),
                };
                let cpu = format!("{}.{}%", self.rng.between(0, 1), self.rng.between(0, 9));
                let mem = format!("{}.{}mb", self.rng.between(60, 140), self.rng.between(0, 9));
                (p.pid.to_string(), uptime, cpu, mem)
            } else {
                ("0".to_string(), "0".to_string(), "0%".to_string(), "0b".to_string())
            };
            lines.push(format!(
                "│ {:<3}│ {:<39}│ {:<12}│ {:<8}│ {:<8}│ {:<9}│ {:<7}│ {:<5}│ {:<10}│ {:<9}│ {:<9}│ {:<13}│ {:<9}│\n",
                p.id,
                p.name,
                "default",
                i.version,
                if i.cluster { "cluster" } else { "fork" },
                pid,
                uptime,
                p.restarts,
                status,
                cpu,
                mem,
                "gitea-runner",
                "disabled"
            ));
        }
        for l in lines {
            out.push_str(&l);
        }
        out.push_str("└────┴────────────────────────────────────────┴─────────────┴─────────┴─────────┴──────────┴────────┴──────┴───────────┴──────────┴──────────┴──────────────┴──────────┘\n\n");
        let used = 78 * disk_percent / 100;
        let avail = if disk_percent >= 100 { 0 } else { (78 - used).saturating_sub(4) };
        let avail = if avail == 0 { "0".to_string() } else { format!("{avail}G") };
        out.push_str("=== Disk Space ===\nFilesystem      Size  Used Avail Use% Mounted on\n");
        out.push_str(
            "udev            3.9G     0  3.9G   0% /dev\ntmpfs           795M  1.1M  794M   1% /run\n",
        );
        out.push_str(&format!(
            "/dev/vda1        78G {:>5} {:>5} {:>4} /\n",
            format!("{used}G"),
            avail,
            format!("{disk_percent}%")
        ));
        out.push_str(
            "tmpfs           3.9G     0  3.9G   0% /dev/shm\n/dev/vdb1        49G   12G   35G  26% /home\n\n",
        );
        out.push_str("=== Memory ===\n               total        used        free      shared  buff/cache   available\n");
        if low_memory {
            out.push_str("Mem:           7.8Gi       7.1Gi       212Mi        52Mi       498Mi       394Mi\nSwap:          2.0Gi       2.0Gi          0B\n\n");
        } else {
            out.push_str("Mem:           7.8Gi       2.0Gi       3.0Gi        52Mi       2.8Gi       5.5Gi\nSwap:          2.0Gi          0B       2.0Gi\n\n");
        }
        out.push_str("=== Recent Git Commits ===\n");
        for _ in 0..5 {
            let sha = hex(&mut self.rng, 7);
            let msg = *self.rng.pick(&COMMITS);
            out.push_str(&format!("{sha} {msg}\n"));
        }
        let name = format!("incident-state-{}.txt", local(t).format("%Y%m%d-%H%M%S"));
        self.files.insert(
            format!("commands/{name}"),
            FileOut {
                bytes: out.into_bytes(),
                mtime: secs(t + s(1)),
                original: Some(format!("/tmp/{name}")),
            },
        );
    }

    fn snapshot_command(&mut self, user: &str, t: DateTime<Utc>, sudo: bool) {
        let pm2 = if sudo { "sudo -u gitea-runner pm2" } else { "pm2" };
        self.history(
            user,
            t,
            &format!("{{ echo \"=== PM2 List ===\"; {pm2} list; echo \"\"; echo \"=== Disk Space ===\"; df -h; echo \"\"; echo \"=== Memory ===\"; free -h; echo \"\"; echo \"=== Recent Git Commits ===\"; git -C /var/www/flyer-crawler.projectium.com log --oneline -5; }} > /tmp/incident-state-$(date +%Y%m%d-%H%M%S).txt"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

impl World {
    /// The daemon's start days before, the seven apps, an old PM2 hiccup.
    fn prologue(&mut self) {
        let d = self.daemon;
        self.banner(d);
        for (i, p) in PROCS.iter().enumerate() {
            self.start(d + s(1 + i as i64 / 4), p.name);
        }
        if self.rng.chance(60) {
            let t = d + Duration::hours(self.rng.between(3, 30)) + s(self.rng.between(0, 3599));
            self.pm2(t, "error", "Error caught while calling pidusage");
            let mut block = String::from("TypeError: Cannot read properties of undefined (reading 'pid')\n");
            block.push_str("    at /usr/lib/node_modules/pm2/lib/God/ActionMethods.js:71:22\n");
            block.push_str("    at Array.forEach (<anonymous>)");
            self.pm2log.push(t, block);
        }
        // An older shell history line for every user that will appear.
        let old = self.daemon - Duration::days(self.rng.between(1, 9));
        self.history("gitea-runner", old, "pm2 list");
    }

    fn oncall_shell_login(&mut self, login: DateTime<Utc>) -> (Session, DateTime<Utc>) {
        let who = self.oncall;
        let session = self.ssh_login(login, who);
        let shell = login + s(self.rng.between(30, 80));
        (session, shell)
    }

    fn scenario(&mut self, cause: Cause) {
        let t0 = self.t0;
        let restore = t0 + s(self.rng.between(600, 2400));
        match cause {
            Cause::Pm2DeleteAll => self.all_action(restore, true),
            Cause::Pm2StopAll => self.all_action(restore, false),
            Cause::OomKiller => self.oom(restore),
            Cause::DiskFull => self.disk_full(restore),
            Cause::ManualIntervention => self.manual(restore),
            Cause::CrashLoop => self.crash_loop(restore),
            Cause::None => {
                let prev = t0 - Duration::hours(self.rng.between(20, 28));
                self.deploy_by_name(prev, &PROD_FLYER);
                let end = self.deploy_by_name(t0, &PROD_FLYER);
                let quiet = self.rng.between(20, 50);
                self.seen(end + Duration::minutes(quiet));
            }
        }
    }

    /// A CI step runs `pm2 delete all` (deploy to test) or `pm2 stop all` (deploy to prod).
    fn all_action(&mut self, restore: DateTime<Utc>, delete: bool) {
        let t0 = self.t0;
        self.task += self.rng.between(3, 40) as u64;
        let task = self.task;
        let (job, title, dir, build, step) = if delete {
            (
                "deploy-to-test",
                "Deploy to Test Environment",
                info(TEST_FLYER[0]).dir,
                false,
                "Restart PM2 (test)",
            )
        } else {
            ("deploy-to-prod", "Deploy to Production", info(PROD_FLYER[0]).dir, true, "Restart PM2 (prod)")
        };
        let file = format!("ci/{job}-{job}-{task}.log");
        let commit = self.commit();
        let step_start = t0 - self.jitter_ms(900, 2100);
        let start = self.ci_prelude(&file, job, task, step_start, build, (&commit.0, commit.1));
        let t = step_start;
        self.ci(&file, t, &format!("⭐ Run Main {step}"));
        let mut t = t0 + self.jitter_ms(5, 60);
        let ids: Vec<String> = self.procs.iter().map(|p| p.id.to_string()).collect();
        let action = if delete { "deleteProcessId" } else { "stopProcessId" };
        self.ci(
            &file,
            t,
            &format!("[PM2] Applying action {action} on app [all](ids: [ {} ])", ids.join(", ")),
        );
        let names: Vec<&'static str> = self.procs.iter().map(|p| p.name).collect();
        let escalate_one = self.rng.below(names.len() as u64) as usize;
        let mut at = t0;
        for (i, name) in names.iter().enumerate() {
            let id = self.id_of(name);
            let escalate = i == escalate_one && self.rng.chance(50);
            self.stop(secs(at), name, delete, escalate);
            let took = if escalate { 1700 } else { self.rng.between(90, 400) };
            at += ms(took);
            t = t.max(at);
            self.ci(&file, t, &format!("[PM2] [{name}]({id}) ✓"));
        }
        let prod_back = if delete {
            // The workflow then starts the test apps: back within seconds (new ids).
            t += s(2) + self.jitter_ms(0, 900);
            self.ci(
                &file,
                t,
                &format!("[PM2][WARN] Applications {} not running, starting...", TEST_FLYER.join(", ")),
            );
            t += s(1) + self.jitter_ms(0, 600);
            for name in TEST_FLYER {
                self.start(secs(t), name);
                self.ci(&file, t, &format!("[PM2] App [{name}] launched (1 instances)"));
                t += self.jitter_ms(5, 12);
            }
            Vec::from(PROD_FLYER)
        } else {
            // Migrations, then the flyer-crawler production apps by name (within the grace).
            t += s(1) + self.jitter_ms(0, 500);
            self.ci(&file, t, "> flyer-crawler@1.6.2 db:migrate");
            self.ci(&file, t + ms(1), "> node dist/db/migrate.js");
            let took = self.rng.between(20, 38);
            t += s(took);
            let (n, tenths) = (self.rng.between(40, 79), self.rng.between(0, 9));
            self.ci(&file, t, &format!("applied 00{n}_store_search_index.sql ({took}.{tenths}s)"));
            for name in PROD_FLYER {
                t += self.jitter_ms(200, 1200);
                let id = self.id_of(name);
                self.ci(
                    &file,
                    t,
                    &format!("[PM2] Applying action restartProcessId on app [{name}](ids: [ {id} ])"),
                );
                self.start(secs(t), name);
                t += self.jitter_ms(200, 600);
                self.ci(&file, t, &format!("[PM2] [{name}]({id}) ✓"));
            }
            Vec::new()
        };
        t += self.jitter_ms(400, 700);
        self.ci_finish(&file, job, task, step_start, step, t);
        let commands: &[&str] = if delete {
            &[
                "# clean slate so stale test processes do not pile up",
                "pm2 delete all || true",
                "pm2 start ecosystem-test.config.cjs",
                "pm2 save",
            ]
        } else {
            &[
                "# stop the apps so the migration runs without open connections",
                "pm2 stop all",
                "npm run db:migrate",
                "pm2 restart flyer-crawler-api flyer-crawler-worker flyer-crawler-analytics-worker",
                "pm2 save",
            ]
        };
        self.workflow(job, title, dir, build, step, commands, start);

        // On-call notices, snapshots the state, restores in the runbook's priority order.
        let login = restore - s(self.rng.between(240, 480));
        let (session, shell) = self.oncall_shell_login(login);
        let who = self.oncall;
        self.history("gitea-runner", shell + s(15), "pm2 list");
        let snap = shell + s(self.rng.between(30, 70));
        self.history(
            "gitea-runner",
            snap - s(1),
            "pm2 jlist > /tmp/pm2-incident-$(date +%Y%m%d-%H%M%S).json",
        );
        self.snapshot_command("gitea-runner", snap, false);
        let disk = self.rng.between(35, 70) as u32;
        self.incident_state(snap, disk, false);
        let mut r = restore;
        if delete {
            self.history("gitea-runner", r - s(12), "cd /var/www/flyer-crawler.projectium.com");
            self.history("gitea-runner", r, "pm2 start ecosystem.config.cjs");
            for name in prod_back {
                self.start(r, name);
            }
            r += s(self.rng.between(15, 30));
            self.history(
                "gitea-runner",
                r,
                "curl -s http://localhost:3001/api/health/ready | jq '.data.status'",
            );
            r += s(self.rng.between(20, 60));
            self.history("gitea-runner", r - s(8), "cd /var/www/stock-alert.projectium.com");
            self.history("gitea-runner", r, "pm2 start ecosystem.config.cjs");
            self.start(r, "stock-alert-api");
        } else {
            self.history("gitea-runner", r - s(10), "cd /var/www/stock-alert.projectium.com");
            self.history("gitea-runner", r, "pm2 start ecosystem.config.cjs");
            self.start(r, "stock-alert-api");
            r += s(self.rng.between(20, 40));
            self.history(
                "gitea-runner",
                r,
                "curl -s https://stock-alert.projectium.com/api/health/ready | jq '.data.status'",
            );
            r += s(self.rng.between(20, 60));
            self.history("gitea-runner", r - s(8), "cd /var/www/flyer-crawler-test.projectium.com");
            self.history("gitea-runner", r, "pm2 start ecosystem-test.config.cjs");
            for name in TEST_FLYER {
                self.start(r, name);
            }
        }
        r += s(self.rng.between(20, 40));
        self.history("gitea-runner", r, "pm2 save");
        self.history("gitea-runner", r + s(6), "pm2 list");
        let logout = r + s(self.rng.between(120, 400));
        self.sudo(shell, who, "gitea-runner", "/bin/bash -l", Some(logout - s(5)));
        self.ssh_logout(logout, &session);
    }

    /// The kernel's OOM killer kills a PM2 process; PM2 restarts it; after a few kills PM2
    /// marks it errored; on-call restarts it.
    fn oom(&mut self, restore: DateTime<Utc>) {
        let t0 = self.t0;
        let prev = t0 - Duration::hours(self.rng.between(20, 28));
        self.deploy_by_name(prev, &PROD_FLYER);
        let victim =
            *self.rng.pick(&["flyer-crawler-api", "flyer-crawler-worker", "flyer-crawler-analytics-worker"]);
        // The app saw it coming.
        let mut t = t0 - Duration::minutes(self.rng.between(8, 15));
        let mut rss = 1.6;
        while t < t0 - s(30) {
            self.app_log(
                victim,
                "error",
                t,
                &format!("WARN heap: rss {rss:.1} GB above soft limit 1.5 GB, continuing"),
            );
            rss += 0.4 + self.rng.between(0, 5) as f64 / 10.0;
            t += s(self.rng.between(60, 180));
        }
        for i in 0..self.rng.between(4, 12) {
            let t = self.t0 - Duration::hours(2) + Duration::minutes(i * 10 + self.rng.between(0, 9));
            let src = self.rng.between(1, 254);
            let spt = self.rng.between(1024, 65000);
            let dpt = *self.rng.pick(&[22, 23, 445, 3389, 5432, 6379, 8080]);
            let at = t + self.jitter_ms(0, 999);
            self.kernel(
                at,
                &format!("[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:3a:91:7c:fe:54:00:3a:91:7c:08:00 SRC=162.216.149.{src} DST=192.0.2.44 LEN=44 TOS=0x00 PREC=0x00 TTL=242 ID=54321 PROTO=TCP SPT={spt} DPT={dpt} WINDOW=1024 RES=0x00 SYN URGP=0"),
            );
        }
        let kills = self.rng.between(3, 5);
        let mut t = t0;
        for k in 0..kills {
            let pid = self.procs.iter().find(|p| p.name == victim).map(|p| p.pid).expect("victim");
            let at = t + self.jitter_ms(100, 900);
            self.oom_report(at, pid, k == 0);
            self.journal(
                t,
                "systemd[1]",
                "pm2-gitea-runner.service: A process of this unit has been killed by the OOM killer.",
            );
            self.died(t, victim, 0, "SIGKILL");
            if k + 1 < kills {
                self.start(t + s(1), victim);
                t += s(self.rng.between(20, 50));
            } else {
                self.errored(t + s(1), victim, (kills - 1) as u32);
            }
        }
        // On-call: looks, snapshots, restarts the process.
        let who = self.oncall;
        let login = restore - s(self.rng.between(240, 480));
        let session = self.ssh_login(login, who);
        let mut c = login + s(self.rng.between(20, 40));
        self.history(who.user, c, "free -h");
        c += s(self.rng.between(10, 30));
        self.history(who.user, c, "sudo -u gitea-runner pm2 list");
        self.sudo(c, who, "gitea-runner", "/usr/bin/pm2 list", None);
        c += s(self.rng.between(15, 40));
        self.snapshot_command(who.user, c, true);
        self.sudo(c, who, "gitea-runner", "/usr/bin/pm2 list", None);
        let disk = self.rng.between(35, 70) as u32;
        self.incident_state(c, disk, true);
        c += s(self.rng.between(20, 60));
        self.history(who.user, c, "sudo journalctl -k --since '-1h' | grep -i 'killed process'");
        self.sudo(c, who, "root", "/usr/bin/journalctl -k --since -1h", None);
        self.history(who.user, restore, &format!("sudo -u gitea-runner pm2 restart {victim}"));
        self.sudo(restore, who, "gitea-runner", &format!("/usr/bin/pm2 restart {victim}"), None);
        self.start(restore, victim);
        let save = restore + s(self.rng.between(30, 90));
        self.history(who.user, save, "sudo -u gitea-runner pm2 save");
        self.sudo(save, who, "gitea-runner", "/usr/bin/pm2 save", None);
        let logout = save + s(self.rng.between(60, 300));
        self.ssh_logout(logout, &session);
    }

    /// The OOM killer's report in kern.log, its `Killed process` at `t`.
    fn oom_report(&mut self, t: DateTime<Utc>, pid: u64, full: bool) {
        let us = |n: i64| Duration::microseconds(n);
        let rss = 1_540_000 + self.rng.between(0, 20_000);
        let t_start = t - us(70);
        self.kernel(t_start, "node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0");
        self.kernel(
            t_start + us(12),
            &format!("CPU: 1 PID: {pid} Comm: node Not tainted 6.8.0-51-generic #52-Ubuntu"),
        );
        if full {
            self.kernel(t_start + us(13), "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3-debian-1.16.3-2 04/01/2014");
        }
        self.kernel(t_start + us(14), "Call Trace:");
        self.kernel(t_start + us(15), " <TASK>");
        if full {
            self.kernel(t_start + us(16), " dump_stack_lvl+0x76/0xa0");
            self.kernel(t_start + us(17), " dump_header+0x47/0x1f0");
        }
        self.kernel(t_start + us(18), " oom_kill_process+0x118/0x280");
        if full {
            self.kernel(t_start + us(19), " out_of_memory+0x103/0x350");
            self.kernel(t_start + us(20), " __alloc_pages_slowpath.constprop.0+0xc8b/0xe70");
        }
        self.kernel(t_start + us(21), " </TASK>");
        self.kernel(t_start + us(40), "Mem-Info:");
        self.kernel(t_start + us(41), "active_anon:1712342 inactive_anon:214552 isolated_anon:0 active_file:118 inactive_file:96 isolated_file:0 unevictable:0 dirty:0 writeback:0 slab_reclaimable:18544 slab_unreclaimable:24410 mapped:412 shmem:5220 pagetables:9870 free:27203 free_pcp:61 free_cma:0");
        if full {
            self.kernel(t_start + us(42), "Free swap  = 0kB");
            self.kernel(t_start + us(43), "Total swap = 2097148kB");
            self.kernel(t_start + us(44), "2097022 pages RAM");
        }
        self.kernel(t_start + us(50), "Tasks state (memory values in pages):");
        self.kernel(t_start + us(51), "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name");
        self.kernel(t_start + us(52), "[   1950]   997  1950   298012    17650    17610       40         0   141200        0             0 PM2 v6.0.14: Go");
        self.kernel(
            t_start + us(53),
            &format!("[{pid:>7}]   997 {pid:>5}  {:>7}  {rss:>7}  {:>7}       40         0 {:>8}        0             0 node", rss + 350_000, rss - 40, rss * 8),
        );
        self.kernel(t - us(20), &format!("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/pm2-gitea-runner.service,task=node,pid={pid},uid=997"));
        let vm = (rss + 350_000) * 4;
        self.kernel(
            t,
            &format!("Out of memory: Killed process {pid} (node) total-vm:{vm}kB, anon-rss:{}kB, file-rss:1284kB, shmem-rss:0kB, UID:997 pgtables:{}kB oom_score_adj:0", rss * 4, rss * 8 / 1000),
        );
        self.kernel(
            t + ms(41),
            &format!(
                "oom_reaper: reaped process {pid} (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"
            ),
        );
    }

    /// `/` fills up; an app dies with ENOSPC until PM2 marks it errored; on-call frees space.
    fn disk_full(&mut self, restore: DateTime<Utc>) {
        let t0 = self.t0;
        let prev = t0 - Duration::hours(self.rng.between(20, 28));
        self.deploy_by_name(prev, &PROD_FLYER);
        let victim = *self.rng.pick(&["flyer-crawler-api", "flyer-crawler-worker"]);
        let full = t0 - s(self.rng.between(5, 90));
        let freed = restore - s(self.rng.between(60, 120));
        self.gap = Some((full + s(1), freed + s(10)));
        self.journal(full, "rsyslogd[702]", "file '/var/log/syslog': write error - see https://www.rsyslog.com/solving-rsyslog-write-errors/ for help OS error: No space left on device [v8.2112.0 try https://www.rsyslog.com/e/2027 ]");
        self.journal(full, "rsyslogd[702]", "action 'action-8-builtin:omfile' (module 'builtin:omfile') message lost, could not be processed. Check for additional error messages before this one. [v8.2112.0 try https://www.rsyslog.com/e/2027 ]");
        let (what, at) = if victim == "flyer-crawler-api" {
            ("RouteCache.persist", "/var/www/flyer-crawler.projectium.com/dist/cache/route-cache.js:48:8")
        } else {
            ("FlyerStore.saveOriginal", "/var/www/flyer-crawler.projectium.com/dist/worker/store.js:112:14")
        };
        let crashes = self.rng.between(5, 9);
        let mut t = t0;
        for k in 0..crashes {
            self.app_log(
                victim,
                "error",
                t,
                &format!("Uncaught exception, shutting down: Error: ENOSPC: no space left on device, write\n    at Object.writeFileSync (node:fs:2372:20)\n    at {what} ({at})"),
            );
            self.died(t, victim, 1, "SIGINT");
            if k + 1 < crashes {
                let back = t + s(self.rng.between(0, 1));
                self.start(back, victim);
                t = back + s(self.rng.between(1, 2));
            } else {
                self.errored(t, victim, crashes as u32);
            }
        }
        // On-call: df, snapshot, du, delete old files, restart.
        let who = self.oncall;
        let login = restore - s(self.rng.between(240, 480));
        let session = self.ssh_login(login, who);
        let mut c = login + s(self.rng.between(20, 40));
        self.history(who.user, c, "df -h");
        c += s(self.rng.between(10, 25));
        self.history(
            who.user,
            c,
            "sudo -u gitea-runner pm2 jlist > ~/pm2-incident-$(date +%Y%m%d-%H%M%S).json",
        );
        self.sudo(c, who, "gitea-runner", "/usr/bin/pm2 jlist", None);
        c += s(self.rng.between(5, 15));
        self.snapshot_command(who.user, c, true);
        self.incident_state(c, 100, false);
        c += s(self.rng.between(20, 40));
        self.history(
            who.user,
            c,
            "sudo du -xsh /var/www/flyer-crawler.projectium.com/storage /var/log /var/lib/postgresql",
        );
        self.sudo(
            c,
            who,
            "root",
            "/usr/bin/du -xsh /var/www/flyer-crawler.projectium.com/storage /var/log /var/lib/postgresql",
            None,
        );
        self.history(who.user, freed, "sudo find /var/www/flyer-crawler.projectium.com/storage/originals -name '*.pdf' -mtime +7 -delete");
        self.sudo(freed, who, "root", "/usr/bin/find /var/www/flyer-crawler.projectium.com/storage/originals -name *.pdf -mtime +7 -delete", None);
        self.journal(freed + s(10), "rsyslogd[702]", "action 'action-8-builtin:omfile' resumed (module 'builtin:omfile') [v8.2112.0 try https://www.rsyslog.com/e/2359 ]");
        self.history(who.user, freed + s(20), "sudo df -h /");
        self.history(who.user, restore, &format!("sudo -u gitea-runner pm2 restart {victim}"));
        self.sudo(restore, who, "gitea-runner", &format!("/usr/bin/pm2 restart {victim}"), None);
        self.start(restore, victim);
        let check = restore + s(self.rng.between(15, 30));
        if victim == "flyer-crawler-api" {
            self.history(who.user, check, "curl -s http://localhost:3001/api/health/ready | jq .data.status");
        } else {
            self.history(
                who.user,
                check,
                "sudo -u gitea-runner pm2 logs flyer-crawler-worker --lines 20 --nostream",
            );
        }
        let save = check + s(self.rng.between(10, 30));
        self.history(who.user, save, "sudo -u gitea-runner pm2 save");
        self.sudo(save, who, "gitea-runner", "/usr/bin/pm2 save", None);
        let logout = save + s(self.rng.between(60, 300));
        self.ssh_logout(logout, &session);
    }

    /// bob logs in at night and deletes (or stops) a process by hand; on-call restores it.
    fn manual(&mut self, restore: DateTime<Utc>) {
        let t0 = self.t0;
        let prev = t0 - Duration::hours(self.rng.between(20, 28));
        self.deploy_by_name(prev, &PROD_FLYER);
        let victim = *self.rng.pick(&["flyer-crawler-api", "stock-alert-api"]);
        let verb = *self.rng.pick(&["delete", "stop"]);
        if victim == "flyer-crawler-api" {
            for i in 0..3 {
                let t = t0 - Duration::minutes(30 - i * 8) + s(self.rng.between(0, 59));
                let ms_ = self.rng.between(3000, 6500);
                self.app_log(victim, "error", t, &format!("WARN slow query {ms_}ms: SELECT * FROM flyer_items WHERE store_id = $1 ORDER BY valid_from DESC"));
            }
        }
        let login = t0 - s(self.rng.between(240, 600));
        let session = self.ssh_login(login, BOB);
        let mut c = login + s(self.rng.between(30, 60));
        self.history("bob", c, "sudo -u gitea-runner pm2 list");
        self.sudo(c, BOB, "gitea-runner", "/usr/bin/pm2 list", None);
        c += s(self.rng.between(20, 45));
        self.history("bob", c, &format!("sudo -u gitea-runner pm2 logs {victim} --lines 30 --nostream"));
        self.sudo(c, BOB, "gitea-runner", &format!("/usr/bin/pm2 logs {victim} --lines 30 --nostream"), None);
        let restart_at = t0 - s(self.rng.between(90, 150));
        if c < restart_at && self.rng.chance(60) {
            self.history("bob", restart_at, &format!("sudo -u gitea-runner pm2 restart {victim}"));
            self.sudo(restart_at, BOB, "gitea-runner", &format!("/usr/bin/pm2 restart {victim}"), None);
            self.stop(restart_at, victim, false, false);
            self.start(restart_at, victim);
        }
        self.history("bob", t0, &format!("sudo -u gitea-runner pm2 {verb} {victim}"));
        self.sudo(t0, BOB, "gitea-runner", &format!("/usr/bin/pm2 {verb} {victim}"), None);
        self.stop(t0, victim, verb == "delete", false);
        let out = t0 + s(self.rng.between(20, 60));
        self.history("bob", out, "exit");
        self.ssh_logout(out, &session);

        let ahead = self.rng.between(240, 480);
        let (session, shell) = self.oncall_shell_login(restore - s(ahead));
        let who = self.oncall;
        self.history("gitea-runner", shell + s(10), "pm2 list");
        let snap = shell + s(self.rng.between(30, 60));
        self.snapshot_command("gitea-runner", snap, false);
        let disk = self.rng.between(35, 70) as u32;
        self.incident_state(snap, disk, false);
        let dir = info(victim).dir;
        self.history("gitea-runner", restore - s(15), &format!("cd {dir}"));
        self.history("gitea-runner", restore, &format!("pm2 start ecosystem.config.cjs --only {victim}"));
        self.start(restore, victim);
        let save = restore + s(self.rng.between(20, 40));
        self.history("gitea-runner", save, "pm2 save");
        let logout = save + s(self.rng.between(60, 300));
        self.sudo(shell, who, "gitea-runner", "/bin/bash -l", Some(logout - s(5)));
        self.ssh_logout(logout, &session);
    }

    /// A by-name deploy ships a bad release: the process crashes on start until PM2 gives up;
    /// on-call rolls back.
    fn crash_loop(&mut self, restore: DateTime<Utc>) {
        let t0 = self.t0;
        let victim = *self.rng.pick(&["flyer-crawler-api", "flyer-crawler-worker", "stock-alert-api"]);
        let deployed = t0 - s(self.rng.between(8, 40));
        self.deploy_by_name(deployed, &[victim]);
        let crashes = self.rng.between(5, 15);
        let mut t = t0;
        let (err, frame1, frame2) = match victim {
            "flyer-crawler-worker" => (
                "TypeError: Cannot read properties of undefined (reading 'id')",
                "    at resolveStore (/var/www/flyer-crawler.projectium.com/dist/worker/stores.js:41:29)",
                "    at processBatch (/var/www/flyer-crawler.projectium.com/dist/worker/batch.js:88:31)",
            ),
            "flyer-crawler-api" => (
                "TypeError: Cannot read properties of undefined (reading 'ttl')",
                "    at createCache (/var/www/flyer-crawler.projectium.com/dist/cache/index.js:17:40)",
                "    at bootstrap (/var/www/flyer-crawler.projectium.com/dist/server.js:52:11)",
            ),
            _ => (
                "ReferenceError: quoteFeed is not defined",
                "    at startPolling (/var/www/stock-alert.projectium.com/dist/feed.js:23:5)",
                "    at main (/var/www/stock-alert.projectium.com/dist/server.js:71:3)",
            ),
        };
        for k in 0..crashes {
            for line in [err, frame1, frame2] {
                self.app_log(victim, "error", t, line);
            }
            self.died(t, victim, 1, "SIGINT");
            if k + 1 < crashes {
                let back = t + s(4);
                self.start(back, victim);
                t = back + s(self.rng.between(3, 4));
            } else {
                self.errored(t, victim, crashes as u32);
            }
        }
        let ahead = self.rng.between(240, 480);
        let (session, shell) = self.oncall_shell_login(restore - s(ahead));
        let who = self.oncall;
        self.history("gitea-runner", shell + s(10), "pm2 list");
        self.history("gitea-runner", shell + s(25), &format!("pm2 logs {victim} --lines 50 --nostream"));
        let snap = shell + s(self.rng.between(40, 70));
        self.snapshot_command("gitea-runner", snap, false);
        let disk = self.rng.between(35, 70) as u32;
        self.incident_state(snap, disk, false);
        let dir = info(victim).dir;
        let previous = hex(&mut self.rng, 7);
        self.history("gitea-runner", restore - s(90), &format!("cd {dir}"));
        self.history("gitea-runner", restore - s(80), &format!("git checkout {previous} -- ."));
        self.history("gitea-runner", restore - s(60), "npm run build");
        self.history("gitea-runner", restore, &format!("pm2 restart {victim}"));
        self.start(restore, victim);
        let save = restore + s(self.rng.between(30, 60));
        self.history("gitea-runner", save, "pm2 save");
        let logout = save + s(self.rng.between(60, 300));
        self.sudo(shell, who, "gitea-runner", "/bin/bash -l", Some(logout - s(5)));
        self.ssh_logout(logout, &session);
    }
}

// ---------------------------------------------------------------------------------------------
// Background: web traffic, health checks, ssh brute force, cron, app output, journal
// ---------------------------------------------------------------------------------------------

/// One normal request: (client, method+path, status, bytes, referer, agent, upstream process).
fn request(rng: &mut Rng) -> (String, String, u16, u64, &'static str, String, Option<&'static str>) {
    let client = rng.pick(&CLIENTS).to_string();
    let agent = rng.pick(&AGENTS).to_string();
    match rng.below(10) {
        0..=3 => {
            let path = match rng.below(3) {
                0 => format!("/api/stores?city={}", rng.pick(&CITIES)),
                1 => format!("/api/flyers/latest?store={}", rng.between(1, 400)),
                _ => format!("/api/stores?city={}&page={}", rng.pick(&CITIES), rng.between(1, 5)),
            };
            let bytes = rng.between(900, 9000) as u64;
            (
                client,
                format!("GET {path} HTTP/2.0"),
                200,
                bytes,
                "https://flyer-crawler.projectium.com/",
                agent,
                Some("flyer-crawler-api"),
            )
        }
        4..=5 => {
            let path = format!(
                "/flyers/{}-{}-2026-w{:02}",
                rng.pick(&CHAINS),
                rng.pick(&CITIES),
                rng.between(1, 52)
            );
            let bytes = rng.between(12000, 40000) as u64;
            let agent = if rng.chance(40) {
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)".to_string()
            } else {
                agent
            };
            (client, format!("GET {path} HTTP/1.1"), 200, bytes, "-", agent, Some("flyer-crawler-api"))
        }
        6..=7 => {
            let path = if rng.chance(50) {
                "/alerts".to_string()
            } else {
                format!("/api/alerts?symbol={}", rng.pick(&SYMBOLS))
            };
            let bytes = rng.between(600, 3000) as u64;
            (client, format!("GET {path} HTTP/1.1"), 200, bytes, "-", agent, Some("stock-alert-api"))
        }
        8 => {
            let asset = *rng.pick(&["/assets/app.js", "/assets/app.css", "/favicon.ico", "/assets/logo.svg"]);
            let status = if rng.chance(50) { 304 } else { 200 };
            let bytes = if status == 304 { 0 } else { rng.between(2000, 90000) as u64 };
            (
                client,
                format!("GET {asset} HTTP/2.0"),
                status,
                bytes,
                "https://flyer-crawler.projectium.com/",
                agent,
                None,
            )
        }
        _ => {
            let probe = *rng.pick(&[
                "/wp-login.php",
                "/.env",
                "/.git/config",
                "/phpmyadmin/",
                "/admin/config.php",
                "/cgi-bin/luci",
            ]);
            let ip = format!(
                "{}.{}.{}.{}",
                rng.between(23, 220),
                rng.between(0, 255),
                rng.between(0, 255),
                rng.between(1, 254)
            );
            (ip, format!("GET {probe} HTTP/1.1"), 404, 162, "-", "Mozilla/5.0 zgrab/0.x".to_string(), None)
        }
    }
}

impl World {
    fn down_at(&self, name: &str, t: DateTime<Utc>, outages: &Outages<'_>) -> bool {
        outages.get(name).is_some_and(|v| v.iter().any(|(a, b)| t >= *a && t < *b))
    }

    #[allow(clippy::too_many_arguments)]
    fn access_line(
        &mut self,
        t: DateTime<Utc>,
        client: &str,
        req: &str,
        status: u16,
        bytes: u64,
        referer: &str,
        agent: &str,
    ) {
        if self.in_gap(t) {
            return;
        }
        self.access.push(
            t,
            format!("{client} - - [{}] \"{req}\" {status} {bytes} \"{referer}\" \"{agent}\"", nginx_ts(t)),
        );
    }

    fn refused(&mut self, t: DateTime<Utc>, client: &str, req: &str, process: &str, host: &str) {
        if self.in_gap(t) {
            return;
        }
        let port = info(process).port.unwrap_or(3001);
        let server = if process.starts_with("stock") {
            "stock-alert.projectium.com"
        } else {
            "flyer-crawler.projectium.com"
        };
        let path = req.split(' ').nth(1).unwrap_or("/");
        self.nginx_conn += self.rng.between(1, 300) as u64;
        let worker = 1187 + self.rng.below(2);
        self.nginx_error.push(
            t,
            format!(
                "{} [error] {worker}#{worker}: *{} connect() failed (111: Connection refused) while connecting to upstream, client: {client}, server: {server}, request: \"{req}\", upstream: \"http://127.0.0.1:{port}{path}\", host: \"{host}\"",
                nginx_error_ts(t),
                self.nginx_conn
            ),
        );
    }

    fn background(&mut self, noise: usize) {
        let from = self.t0 - Duration::hours(6);
        let end = self.end + s(self.rng.between(30, 120));
        self.end = end;
        let outages: Outages<'_> = PROCS.iter().map(|p| (p.name, self.outages(p.name))).collect();

        // Health checks every minute from half an hour before.
        let mut t = self.t0 - Duration::minutes(30);
        t = t - s(t.second() as i64) + s(30);
        while t <= end {
            if self.down_at("flyer-crawler-api", t, &outages) {
                self.access_line(
                    t,
                    "127.0.0.1",
                    "GET /api/health/ready HTTP/1.1",
                    502,
                    157,
                    "-",
                    "curl/8.5.0",
                );
                self.refused(
                    t,
                    "127.0.0.1",
                    "GET /api/health/ready HTTP/1.1",
                    "flyer-crawler-api",
                    "localhost",
                );
            } else {
                self.access_line(
                    t,
                    "127.0.0.1",
                    "GET /api/health/ready HTTP/1.1",
                    200,
                    15,
                    "-",
                    "curl/8.5.0",
                );
            }
            t += s(60);
        }

        // Cron, hourly at :17.
        let mut h = from - s(from.minute() as i64 * 60 + from.second() as i64) + s(17 * 60 + 1);
        while h <= end {
            let pid = self.pid_at(h);
            self.auth(
                h,
                &format!("CRON[{pid}]"),
                "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
            );
            self.auth(
                h,
                &format!("CRON[{}]", pid + 1),
                "(root) CMD (cd / && run-parts --report /etc/cron.hourly)",
            );
            self.auth(
                h + s(1),
                &format!("CRON[{pid}]"),
                "pam_unix(cron:session): session closed for user root",
            );
            h += Duration::hours(1);
        }

        let span = (end - from).num_seconds().max(1);
        let n_nginx = noise * 45 / 100;
        let n_auth = noise * 30 / 100;
        let n_app = noise * 15 / 100;
        let n_journal = noise - n_nginx - n_auth - n_app;
        let times = |rng: &mut Rng, n: usize| -> Vec<DateTime<Utc>> {
            let mut v: Vec<DateTime<Utc>> =
                (0..n).map(|_| from + s(rng.between(0, span - 1)) + ms(rng.between(0, 999))).collect();
            v.sort();
            v
        };
        for t in times(&mut self.rng, n_nginx) {
            let t = secs(t);
            let (client, req, status, bytes, referer, agent, upstream) = request(&mut self.rng);
            match upstream {
                Some(p) if self.down_at(p, t, &outages) => {
                    self.access_line(t, &client, &req, 502, 157, referer, &agent);
                    let host = if p.starts_with("stock") {
                        "stock-alert.projectium.com"
                    } else {
                        "flyer-crawler.projectium.com"
                    };
                    self.refused(t, &client, &req, p, host);
                }
                _ => self.access_line(t, &client, &req, status, bytes, referer, &agent),
            }
        }
        let mut left = n_auth;
        let auth_times = times(&mut self.rng, n_auth.div_ceil(3));
        for t in auth_times {
            if left == 0 {
                break;
            }
            let t = secs(t);
            let ip = *self.rng.pick(&ATTACKERS);
            let pid = self.pid_at(t);
            let port = self.rng.between(30000, 65000);
            let sshd = format!("sshd[{pid}]");
            if self.rng.chance(60) {
                let user = *self.rng.pick(&GUESSED_USERS);
                self.auth(t, &sshd, &format!("Invalid user {user} from {ip} port {port}"));
                self.auth(
                    t + s(2),
                    &sshd,
                    &format!("Failed password for invalid user {user} from {ip} port {port} ssh2"),
                );
                self.auth(
                    t + s(3),
                    &sshd,
                    &format!("Connection closed by invalid user {user} {ip} port {port} [preauth]"),
                );
                left = left.saturating_sub(3);
            } else {
                self.auth(t, &sshd, &format!("Failed password for root from {ip} port {port} ssh2"));
                self.auth(
                    t + s(1),
                    &sshd,
                    &format!("Connection closed by authenticating user root {ip} port {port} [preauth]"),
                );
                left = left.saturating_sub(2);
            }
        }
        for t in times(&mut self.rng, n_app) {
            let t = secs(t);
            match self.rng.below(3) {
                0 => {
                    let path = format!("/api/stores?city={}", self.rng.pick(&CITIES));
                    let took = self.rng.between(4, 180);
                    self.app_log("flyer-crawler-api", "out", t, &format!("GET {path} 200 {took}ms"));
                }
                1 => {
                    let chain = *self.rng.pick(&CHAINS);
                    let city = *self.rng.pick(&CITIES);
                    let items = self.rng.between(40, 900);
                    self.app_log(
                        "flyer-crawler-worker",
                        "out",
                        t,
                        &format!("crawled flyer {chain}-{city} ({items} items)"),
                    );
                }
                _ => {
                    let sym = *self.rng.pick(&SYMBOLS);
                    let price = self.rng.between(2000, 30000);
                    self.app_log(
                        "stock-alert-api",
                        "out",
                        t,
                        &format!("quote {sym} {}.{:02} EUR", price / 100, price % 100),
                    );
                }
            }
        }
        let since = self.journal_since;
        let jspan = (end - since).num_seconds().max(1);
        let mut left = n_journal;
        while left > 0 {
            let t = since + s(self.rng.between(0, jspan - 1));
            if self.rng.chance(50) {
                let unit = "sysstat-collect.service - system activity accounting tool";
                self.journal(t, "systemd[1]", &format!("Starting {unit}..."));
                self.journal(t, "systemd[1]", "sysstat-collect.service: Deactivated successfully.");
                self.journal(t, "systemd[1]", &format!("Finished {unit}."));
            } else {
                let pid = self.pid_at(t);
                let cron = format!("CRON[{pid}]");
                self.journal(
                    t,
                    &cron,
                    "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                );
                self.journal(
                    t,
                    &format!("CRON[{}]", pid + 1),
                    "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
                );
                self.journal(t + s(1), &cron, "pam_unix(cron:session): session closed for user root");
            }
            left = left.saturating_sub(3);
        }
    }

    fn journal_header(&self) -> String {
        let begin = self.boot;
        let end = self.end;
        let zone = |t| if summer(t) { "CEST" } else { "CET" };
        format!(
            "-- Journal begins at {} {}, ends at {} {}. --",
            local(begin).format("%a %Y-%m-%d %H:%M:%S"),
            zone(begin),
            local(end).format("%a %Y-%m-%d %H:%M:%S"),
            zone(end)
        )
    }

    fn finish(mut self, captured_at: DateTime<Utc>) -> (BTreeMap<String, FileOut>, DateTime<Utc>) {
        let mut files = std::mem::take(&mut self.files);
        let mut put = |path: &str, log: Log, original: Option<&str>| {
            if log.is_empty() {
                return;
            }
            let (bytes, mtime) = log.render();
            files.insert(path.to_string(), FileOut { bytes, mtime, original: original.map(str::to_string) });
        };
        put("pm2/pm2.log", std::mem::take(&mut self.pm2log), Some("/home/gitea-runner/.pm2/pm2.log"));
        put("var/log/auth.log", std::mem::take(&mut self.auth), Some("/var/log/auth.log"));
        put("var/log/nginx/access.log", std::mem::take(&mut self.access), Some("/var/log/nginx/access.log"));
        put(
            "var/log/nginx/error.log",
            std::mem::take(&mut self.nginx_error),
            Some("/var/log/nginx/error.log"),
        );
        put("var/log/kern.log", std::mem::take(&mut self.kern), Some("/var/log/kern.log"));
        for (path, log) in std::mem::take(&mut self.ci) {
            put(&path, log, None);
        }
        for (path, log) in std::mem::take(&mut self.app) {
            let original = format!("/home/gitea-runner/.pm2/logs/{}", path.trim_start_matches("pm2/logs/"));
            put(&path, log, Some(&original));
        }
        for (user, log) in std::mem::take(&mut self.history) {
            let path = format!("home/{user}/.bash_history");
            let original = format!("/{path}");
            put(&path, log, Some(&original));
        }
        let mut journal = std::mem::take(&mut self.journal);
        let header = self.journal_header();
        journal.lines.push((DateTime::UNIX_EPOCH, 0, header));
        let (bytes, _) = journal.render();
        files.insert(
            "commands/journalctl.txt".to_string(),
            FileOut { bytes, mtime: captured_at - s(30), original: None },
        );
        (files, self.journal_since)
    }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

struct ManifestEntry {
    path: String,
    original: Option<String>,
    size: u64,
    sha256: String,
    mtime: DateTime<Utc>,
}

fn manifest_json(
    captured_at: DateTime<Utc>,
    entries: &[ManifestEntry],
    commands: &[(String, String)],
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{{\n  \"host\": {},\n  \"timezone\": {},\n  \"captured_at\": {},\n  \"files\": [\n",
        json_str(HOST),
        json_str(TIMEZONE),
        json_str(&utc_ts(captured_at))
    ));
    for (i, e) in entries.iter().enumerate() {
        out.push_str("    {\n");
        out.push_str(&format!("      \"path\": {},\n", json_str(&e.path)));
        if let Some(o) = &e.original {
            out.push_str(&format!("      \"original_path\": {},\n", json_str(o)));
        }
        out.push_str(&format!("      \"size\": {},\n", e.size));
        out.push_str(&format!("      \"sha256\": {},\n", json_str(&e.sha256)));
        out.push_str(&format!("      \"mtime\": {}\n", json_str(&utc_ts(e.mtime))));
        out.push_str(if i + 1 < entries.len() { "    },\n" } else { "    }\n" });
    }
    out.push_str("  ],\n  \"commands\": [\n");
    for (i, (command, output)) in commands.iter().enumerate() {
        out.push_str(&format!(
            "    {{\n      \"command\": {},\n      \"exit_code\": 0,\n      \"output\": {}\n    }}{}\n",
            json_str(command),
            json_str(output),
            if i + 1 < commands.len() { "," } else { "" }
        ));
    }
    out.push_str("  ]\n}\n");
    out
}

fn set_mtime(path: &Path, t: DateTime<Utc>) -> io::Result<()> {
    let secs = t.timestamp().max(0) as u64;
    let when = UNIX_EPOCH + StdDuration::from_secs(secs);
    let f = File::options().write(true).open(path)?;
    f.set_modified(when)
}

/// Writes the bundle `spec` describes into `dir` (created if missing; files it writes are
/// replaced, others left alone).
pub fn write_bundle(spec: &Spec, dir: &Path) -> io::Result<()> {
    let mut w = World::new(spec);
    w.prologue();
    w.scenario(spec.cause);
    w.background(spec.noise_lines);
    let captured_at = w.end + s(120);
    let (files, since) = w.finish(captured_at);
    let mut entries = Vec::new();
    for (path, file) in &files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&full, &file.bytes)?;
        set_mtime(&full, file.mtime)?;
        entries.push(ManifestEntry {
            path: path.clone(),
            original: file.original.clone(),
            size: file.bytes.len() as u64,
            sha256: sha256_hex(&file.bytes),
            mtime: file.mtime,
        });
    }
    let commands = vec![(
        format!("journalctl --since '{}' -o short-iso", local(since).format("%Y-%m-%d %H:%M")),
        "commands/journalctl.txt".to_string(),
    )];
    let manifest = manifest_json(captured_at, &entries, &commands);
    fs::create_dir_all(dir)?;
    let path = dir.join("manifest.json");
    fs::write(&path, manifest)?;
    set_mtime(&path, captured_at)
}

/// The first incident of `bundles`: 2026-01-05 13:00 UTC.
pub fn first_incident() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(13, 0, 0)).expect("date").and_utc()
}

/// The spec of the `index`-th (0-based) bundle of `bundles`: causes cycle (with `None`),
/// incidents one day apart from [`first_incident`].
pub fn nth_spec(index: usize, seed: u64, noise_lines: usize) -> Spec {
    Spec {
        seed: mix(seed, index as u64),
        cause: Cause::ALL[index % Cause::ALL.len()],
        start: first_incident() + Duration::days(index as i64),
        noise_lines,
    }
}

/// The directory name of the `index`-th bundle: `bundle-0001-pm2-delete-all`.
pub fn bundle_name(index: usize, cause: Cause) -> String {
    format!("bundle-{:04}-{}", index + 1, cause.id())
}

/// Writes `count` bundles into `out` (see [`nth_spec`], [`bundle_name`]); returns their paths.
pub fn write_bundles(count: usize, seed: u64, noise_lines: usize, out: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        let spec = nth_spec(i, seed, noise_lines);
        let dir = out.join(bundle_name(i, spec.cause));
        write_bundle(&spec, &dir)?;
        paths.push(dir);
    }
    Ok(paths)
}

// ---------------------------------------------------------------------------------------------
// The big bundle (streamed)
// ---------------------------------------------------------------------------------------------

/// The incident inside the big bundle (`pm2-delete-all`): 2026-03-02 13:00 UTC.
pub fn big_incident() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(13, 0, 0)).expect("date").and_utc()
}

/// A writer that counts and hashes what goes through it.
struct Sink {
    out: BufWriter<File>,
    hasher: Sha256,
    bytes: u64,
}

impl Sink {
    fn create(path: &Path) -> io::Result<Sink> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(Sink {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    fn line(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.hasher.update(text.as_bytes());
        self.hasher.update(b"\n");
        self.bytes += text.len() as u64 + 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<(u64, String)> {
        self.out.flush()?;
        let digest = self.hasher.finalize();
        Ok((self.bytes, digest.iter().map(|b| format!("{b:02x}")).collect()))
    }
}

/// Caches a formatted timestamp per second (formatting dominates the generator otherwise).
struct Stamp {
    second: i64,
    text: String,
    f: fn(DateTime<Utc>) -> String,
}

impl Stamp {
    fn new(f: fn(DateTime<Utc>) -> String) -> Stamp {
        Stamp { second: i64::MIN, text: String::new(), f }
    }

    fn at(&mut self, t: DateTime<Utc>) -> &str {
        if t.timestamp() != self.second {
            self.second = t.timestamp();
            self.text = (self.f)(t);
        }
        &self.text
    }
}

/// The part of the big bundle's timeline every file agrees on.
struct BigPlan {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    t0: DateTime<Utc>,
    flyer_back: DateTime<Utc>,
    stock_back: DateTime<Utc>,
    login: DateTime<Utc>,
    logout: DateTime<Utc>,
    task: u64,
}

impl BigPlan {
    fn api_down(&self, t: DateTime<Utc>) -> bool {
        t >= self.t0 && t < self.flyer_back
    }

    fn stock_down(&self, t: DateTime<Utc>) -> bool {
        t >= self.t0 && t < self.stock_back
    }
}

/// Streams one file: noise lines from `noise` (which may write several lines) until `target`
/// bytes, their time advancing with the bytes written from `plan.from` to `until`; `specials`
/// (sorted) are written where their time falls.
fn stream(
    sink: &mut Sink,
    target: u64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    specials: &mut [(DateTime<Utc>, String)],
    mut noise: impl FnMut(&mut Sink, DateTime<Utc>) -> io::Result<()>,
) -> io::Result<()> {
    specials.sort_by_key(|s| s.0);
    let mut next = 0;
    let span = (until - from).num_milliseconds().max(1) as f64;
    let start_bytes = sink.bytes;
    // Bytes "spent" by noise calls that wrote nothing (a process that is down), so time moves.
    let mut idle = 0u64;
    loop {
        let done = sink.bytes - start_bytes + idle;
        if done >= target {
            break;
        }
        let t = from + ms((span * done as f64 / target as f64) as i64);
        while next < specials.len() && specials[next].0 <= t {
            sink.line(&specials[next].1)?;
            next += 1;
        }
        let before = sink.bytes;
        noise(sink, t)?;
        if sink.bytes == before {
            idle += 80;
        }
    }
    for (_, line) in &specials[next..] {
        sink.line(line)?;
    }
    Ok(())
}

/// Writes one big mixed bundle of about `size_bytes` into `dir`, streamed (never held in
/// memory): auth.log.1 (RFC 3164) and auth.log (rsyslog ISO) with ssh brute force and cron,
/// pm2.log, two app logs, a journal (short-iso, kernel lines), nginx access, a CI job log,
/// and a manifest. Inside: a `pm2 delete all` incident at [`big_incident`], restored after
/// 20–30 minutes.
pub fn write_big(seed: u64, size_bytes: u64, dir: &Path) -> io::Result<()> {
    let mut rng = Rng::new(mix(seed, 0xB16_B16));
    let t0 = big_incident();
    let days = (size_bytes / (32 << 20)).clamp(1, 28) as i64;
    let from = t0 - Duration::days(days);
    let to = t0 + Duration::hours(1);
    let flyer_back = t0 + Duration::minutes(rng.between(20, 26)) + s(rng.between(0, 59));
    let stock_back = flyer_back + s(rng.between(40, 120));
    let login = t0 + Duration::minutes(rng.between(8, 14));
    let logout = stock_back + Duration::minutes(rng.between(3, 8));
    let plan =
        BigPlan { from, to, t0, flyer_back, stock_back, login, logout, task: rng.between(1000, 9000) as u64 };

    // The fixed files first; the byte budget of the streamed ones is what remains.
    let ci = big_ci(&plan, &mut rng);
    let ci_path = format!("ci/deploy-to-test-deploy-to-test-{}.log", plan.task);
    let mut entries: Vec<ManifestEntry> = Vec::new();
    {
        let full = dir.join(&ci_path);
        fs::create_dir_all(full.parent().expect("parent"))?;
        let bytes = ci.as_bytes();
        fs::write(&full, bytes)?;
        entries.push(ManifestEntry {
            path: ci_path.clone(),
            original: None,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            mtime: t0 + s(8),
        });
    }
    let budget = size_bytes.saturating_sub(ci.len() as u64 + 4096).max(64 << 10);
    let share = |percent: u64| budget * percent / 100;

    let midpoint = from + (to - from) / 2;
    type Job<'a> = (&'a str, Option<&'a str>, u64, u64);
    let jobs: [Job<'_>; 7] = [
        ("var/log/nginx/access.log", Some("/var/log/nginx/access.log"), share(35), 1),
        ("var/log/auth.log.1", Some("/var/log/auth.log.1"), share(12), 2),
        ("var/log/auth.log", Some("/var/log/auth.log"), share(12), 3),
        ("commands/journalctl.txt", None, share(15), 4),
        (
            "pm2/logs/flyer-crawler-api-out.log",
            Some("/home/gitea-runner/.pm2/logs/flyer-crawler-api-out.log"),
            share(10),
            5,
        ),
        (
            "pm2/logs/flyer-crawler-worker-out.log",
            Some("/home/gitea-runner/.pm2/logs/flyer-crawler-worker-out.log"),
            share(8),
            6,
        ),
        ("pm2/pm2.log", Some("/home/gitea-runner/.pm2/pm2.log"), share(8), 7),
    ];
    for (path, original, target, which) in jobs {
        let mut rng = Rng::new(mix(seed, which));
        let full = dir.join(path);
        let mut sink = Sink::create(&full)?;
        let mtime = match which {
            1 => big_access(&mut sink, &plan, target, &mut rng)?,
            2 => big_auth(&mut sink, &plan, target, &mut rng, from, midpoint, false)?,
            3 => big_auth(&mut sink, &plan, target, &mut rng, midpoint, to, true)?,
            4 => big_journal(&mut sink, &plan, target, &mut rng)?,
            5 => big_app(&mut sink, &plan, target, &mut rng, true)?,
            6 => big_app(&mut sink, &plan, target, &mut rng, false)?,
            _ => big_pm2(&mut sink, &plan, target, &mut rng)?,
        };
        let (size, sha256) = sink.finish()?;
        set_mtime(&full, mtime)?;
        entries.push(ManifestEntry {
            path: path.to_string(),
            original: original.map(str::to_string),
            size,
            sha256,
            mtime,
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let captured_at = to + s(300);
    let commands = vec![(
        format!("journalctl --since '{}' -o short-iso", local(from).format("%Y-%m-%d %H:%M")),
        "commands/journalctl.txt".to_string(),
    )];
    let manifest = manifest_json(captured_at, &entries, &commands);
    let path = dir.join("manifest.json");
    fs::write(&path, manifest)?;
    set_mtime(&path, captured_at)
}

fn big_ci(plan: &BigPlan, rng: &mut Rng) -> String {
    let t0 = plan.t0;
    let task = plan.task;
    let mut lines: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut t = t0 - s(50) + ms(rng.between(0, 999));
    let mut put = |t: DateTime<Utc>, text: &str| lines.push((t, format!("{} {text}", ci_ts(t))));
    put(
        t,
        &format!(
            "{HOST}(version:v0.2.11) received task {task} of job deploy-to-test, be triggered by event: push"
        ),
    );
    t += ms(1);
    put(t, "workflow prepared");
    t += ms(1);
    put(t, "⭐ Run Main Checkout");
    t += ms(1100);
    let sha = hex(rng, 40);
    put(t, &format!("[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +{sha}:refs/remotes/origin/main"));
    t += ms(1500);
    put(t, &format!("HEAD is now at {} ci: clean slate for test deploys", &sha[..7]));
    put(t + ms(80), "  ✅  Success - Main Checkout [2.681s]");
    put(t + ms(81), "⭐ Run Main Install dependencies");
    put(t0 - s(3), "added 412 packages in 38s");
    put(t0 - s(3) + ms(100), "  ✅  Success - Main Install dependencies [40.112s]");
    put(t0 - s(2), "⭐ Run Main Restart PM2 (test)");
    put(t0 + ms(12), "[PM2] Applying action deleteProcessId on app [all](ids: [ 0, 1, 2, 3, 4, 5, 6 ])");
    for (i, p) in PROCS.iter().enumerate() {
        put(t0 + ms(50 + 100 * i as i64), &format!("[PM2] [{}]({i}) ✓", p.name));
    }
    put(t0 + s(3), &format!("[PM2][WARN] Applications {} not running, starting...", TEST_FLYER.join(", ")));
    for (i, name) in TEST_FLYER.iter().enumerate() {
        put(t0 + s(5) + ms(10 * i as i64), &format!("[PM2] App [{name}] launched (1 instances)"));
    }
    put(t0 + s(6), "[PM2] Saving current process list...");
    put(t0 + s(6) + ms(20), "[PM2] Successfully saved in /home/gitea-runner/.pm2/dump.pm2");
    put(t0 + s(6) + ms(40), "  ✅  Success - Main Restart PM2 (test) [8.041s]");
    put(t0 + s(6) + ms(50), "Cleaning up container for job deploy-to-test");
    put(t0 + s(6) + ms(100), "🏁  Job succeeded");
    lines.sort_by_key(|l| l.0);
    let mut out = String::new();
    for (_, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn big_access(sink: &mut Sink, plan: &BigPlan, target: u64, rng: &mut Rng) -> io::Result<DateTime<Utc>> {
    let mut stamp = Stamp::new(nginx_ts);
    let mut next_health = plan.from - s(plan.from.second() as i64) + s(30);
    let mut last = plan.from;
    let mut specials = Vec::new();
    stream(sink, target, plan.from, plan.to, &mut specials, |sink, t| {
        while next_health <= t {
            let h = next_health;
            let (status, bytes) = if plan.api_down(h) { (502, 157) } else { (200, 15) };
            let line = format!(
                "127.0.0.1 - - [{}] \"GET /api/health/ready HTTP/1.1\" {status} {bytes} \"-\" \"curl/8.5.0\"",
                stamp.at(h)
            );
            sink.line(&line)?;
            next_health += s(60);
        }
        let t = secs(t);
        last = t;
        let (client, req, status, bytes, referer, agent, upstream) = request(rng);
        let down = match upstream {
            Some("flyer-crawler-api") => plan.api_down(t),
            Some(_) => plan.stock_down(t),
            None => false,
        };
        let (status, bytes) = if down { (502, 157) } else { (status, bytes) };
        let line =
            format!("{client} - - [{}] \"{req}\" {status} {bytes} \"{referer}\" \"{agent}\"", stamp.at(t));
        sink.line(&line)
    })?;
    Ok(last)
}

#[allow(clippy::too_many_arguments)]
fn big_auth(
    sink: &mut Sink,
    plan: &BigPlan,
    target: u64,
    rng: &mut Rng,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    iso: bool,
) -> io::Result<DateTime<Utc>> {
    let f: fn(DateTime<Utc>) -> String = if iso { iso_ts } else { syslog_ts };
    let mut stamp = Stamp::new(f);
    let mut pid: u64 = 20_000 + rng.below(5000);
    let mut next_cron = from - s(from.minute() as i64 * 60 + from.second() as i64) + s(17 * 60 + 1);
    let mut specials: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut last = from;
    if plan.login >= from && plan.login < to {
        let who = ONCALL[0];
        let line = |t: DateTime<Utc>, prog: &str, msg: String| (t, format!("{} {HOST} {prog}: {msg}", f(t)));
        let sshd = "sshd[88210]";
        specials.push(line(
            plan.login,
            sshd,
            format!("Accepted publickey for {} from {} port 50122 ssh2: {}", who.user, who.ip, who.key),
        ));
        specials.push(line(
            plan.login,
            sshd,
            format!(
                "pam_unix(sshd:session): session opened for user {}(uid={}) by (uid=0)",
                who.user, who.uid
            ),
        ));
        specials.push(line(
            plan.login,
            "systemd-logind[612]",
            format!("New session 9041 of user {}.", who.user),
        ));
        let su = plan.login + s(45);
        specials.push(line(
            su,
            "sudo",
            format!(
                "{} : TTY=pts/0 ; PWD=/home/{} ; USER=gitea-runner ; COMMAND=/bin/bash -l",
                who.user, who.user
            ),
        ));
        specials.push(line(
            su,
            "sudo",
            format!(
                "pam_unix(sudo:session): session opened for user gitea-runner(uid=997) by {}(uid={})",
                who.user, who.uid
            ),
        ));
        specials.push(line(
            plan.logout - s(5),
            "sudo",
            "pam_unix(sudo:session): session closed for user gitea-runner".to_string(),
        ));
        specials.push(line(
            plan.logout,
            sshd,
            format!("Disconnected from user {} {} port 50122", who.user, who.ip),
        ));
        specials.push(line(
            plan.logout,
            sshd,
            format!("pam_unix(sshd:session): session closed for user {}", who.user),
        ));
        specials.push(line(plan.logout, "systemd-logind[612]", "Removed session 9041.".to_string()));
    }
    stream(sink, target, from, to, &mut specials, |sink, t| {
        let t = secs(t);
        while next_cron <= t {
            let c = next_cron;
            pid += 2;
            let st = stamp.at(c).to_string();
            sink.line(&format!("{st} {HOST} CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"))?;
            sink.line(&format!(
                "{st} {HOST} CRON[{}]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)",
                pid + 1
            ))?;
            sink.line(&format!(
                "{st} {HOST} CRON[{pid}]: pam_unix(cron:session): session closed for user root"
            ))?;
            next_cron += Duration::hours(1);
        }
        last = t;
        pid += 1 + rng.below(7);
        let ip = *rng.pick(&ATTACKERS);
        let port = rng.between(30000, 65000);
        let st = stamp.at(t).to_string();
        if rng.chance(60) {
            let user = *rng.pick(&GUESSED_USERS);
            sink.line(&format!("{st} {HOST} sshd[{pid}]: Invalid user {user} from {ip} port {port}"))?;
            sink.line(&format!(
                "{st} {HOST} sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2"
            ))?;
            sink.line(&format!("{st} {HOST} sshd[{pid}]: Connection closed by invalid user {user} {ip} port {port} [preauth]"))
        } else {
            sink.line(&format!(
                "{st} {HOST} sshd[{pid}]: Failed password for root from {ip} port {port} ssh2"
            ))?;
            sink.line(&format!("{st} {HOST} sshd[{pid}]: Connection closed by authenticating user root {ip} port {port} [preauth]"))
        }
    })?;
    Ok(last.max(specials.last().map(|s| s.0).unwrap_or(last)))
}

fn big_journal(sink: &mut Sink, plan: &BigPlan, target: u64, rng: &mut Rng) -> io::Result<DateTime<Utc>> {
    let mut stamp = Stamp::new(journal_ts);
    let zone = |t| if summer(t) { "CEST" } else { "CET" };
    sink.line(&format!(
        "-- Journal begins at {} {}, ends at {} {}. --",
        local(plan.from).format("%a %Y-%m-%d %H:%M:%S"),
        zone(plan.from),
        local(plan.to).format("%a %Y-%m-%d %H:%M:%S"),
        zone(plan.to)
    ))?;
    let line =
        |t: DateTime<Utc>, prog: &str, msg: String| (t, format!("{} {HOST} {prog}: {msg}", journal_ts(t)));
    let run_start = plan.t0 - s(50);
    let run_end = plan.t0 + s(7);
    let iso = |t: DateTime<Utc>| local(t).format("%Y-%m-%dT%H:%M:%S").to_string() + &offset(t, true);
    let mut specials = vec![
        line(run_start, "act_runner[812]", format!("time=\"{}\" level=info msg=\"task {} repo is projectium/flyer-crawler https://gitea.projectium.com https://gitea.projectium.com\"", iso(run_start), plan.task)),
        line(run_end, "act_runner[812]", format!("time=\"{}\" level=info msg=\"runner: {HOST}, task {} finished with result success\"", iso(run_end), plan.task)),
        line(plan.login, "systemd[1]", "Started session-9041.scope - Session 9041 of User alice.oncall.".to_string()),
        line(plan.logout, "systemd[1]", "session-9041.scope: Deactivated successfully.".to_string()),
    ];
    let mut last = plan.from;
    let mut pid: u64 = 40_000;
    stream(sink, target, plan.from, plan.to, &mut specials, |sink, t| {
        let t = secs(t);
        last = t;
        let st = stamp.at(t).to_string();
        match rng.below(6) {
            0 | 1 => {
                let src = format!("{}.{}.{}.{}", rng.between(23, 220), rng.between(0, 255), rng.between(0, 255), rng.between(1, 254));
                let dpt = *rng.pick(&[22, 23, 445, 3389, 5432, 6379, 8080]);
                let spt = rng.between(1024, 65000);
                sink.line(&format!("{st} {HOST} kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:3a:91:7c:fe:54:00:3a:91:7c:08:00 SRC={src} DST=192.0.2.44 LEN=44 TOS=0x00 PREC=0x00 TTL=242 ID=54321 PROTO=TCP SPT={spt} DPT={dpt} WINDOW=1024 RES=0x00 SYN URGP=0"))
            }
            2 => sink.line(&format!("{st} {HOST} kernel: TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.")),
            3 => {
                pid += 1 + rng.below(9);
                sink.line(&format!("{st} {HOST} CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"))
            }
            4 => {
                sink.line(&format!("{st} {HOST} systemd[1]: Starting sysstat-collect.service - system activity accounting tool..."))?;
                sink.line(&format!("{st} {HOST} systemd[1]: sysstat-collect.service: Deactivated successfully."))
            }
            _ => sink.line(&format!("{st} {HOST} systemd[1]: Finished sysstat-collect.service - system activity accounting tool.")),
        }
    })?;
    Ok(last)
}

fn big_app(
    sink: &mut Sink,
    plan: &BigPlan,
    target: u64,
    rng: &mut Rng,
    api: bool,
) -> io::Result<DateTime<Utc>> {
    let mut stamp = Stamp::new(pm2_ts);
    let mut last = plan.from;
    let mut specials = Vec::new();
    let name = if api { "flyer-crawler-api" } else { "flyer-crawler-worker" };
    specials.push((
        plan.flyer_back + s(1),
        format!("{}: {name} started (pid 91{:03})", pm2_ts(plan.flyer_back + s(1)), rng.below(1000)),
    ));
    stream(sink, target, plan.from, plan.to, &mut specials, |sink, t| {
        let t = secs(t);
        if plan.api_down(t) {
            // Deleted: nothing to log.
            return Ok(());
        }
        last = t;
        let st = stamp.at(t).to_string();
        if api {
            let city = *rng.pick(&CITIES);
            let took = rng.between(3, 200);
            sink.line(&format!("{st}: GET /api/stores?city={city} 200 {took}ms"))
        } else {
            let chain = *rng.pick(&CHAINS);
            let city = *rng.pick(&CITIES);
            let items = rng.between(40, 900);
            sink.line(&format!("{st}: crawled flyer {chain}-{city} ({items} items)"))
        }
    })?;
    Ok(last.max(plan.flyer_back + s(1)))
}

fn big_pm2(sink: &mut Sink, plan: &BigPlan, target: u64, rng: &mut Rng) -> io::Result<DateTime<Utc>> {
    let mut stamp = Stamp::new(pm2_ts);
    let d = plan.from - s(60);
    // The banner and the seven apps, then the incident.
    let mut w = World::new(&Spec {
        seed: rng.next_u64(),
        cause: Cause::Pm2DeleteAll,
        start: plan.t0,
        noise_lines: 0,
    });
    w.daemon = d;
    w.banner(d);
    for p in PROCS.iter() {
        w.start(d + s(1), p.name);
    }
    let t0 = plan.t0;
    let names: Vec<&'static str> = w.procs.iter().map(|p| p.name).collect();
    for (i, name) in names.iter().enumerate() {
        w.stop(t0 + ms(100 * i as i64), name, true, false);
    }
    for name in TEST_FLYER {
        w.start(t0 + s(5), name);
    }
    for name in PROD_FLYER {
        w.start(plan.flyer_back, name);
    }
    w.start(plan.stock_back, "stock-alert-api");
    let (bytes, last) = std::mem::take(&mut w.pm2log).render();
    let text = String::from_utf8(bytes).expect("utf-8");
    let mut lines = text.lines();
    // The banner goes first (its 17 lines and the starts at d+1 s), the rest where it falls.
    let mut specials: Vec<(DateTime<Utc>, String)> = Vec::new();
    for line in lines.by_ref().take(17) {
        sink.line(line)?;
    }
    for line in lines {
        let when = line
            .get(..19)
            .and_then(|s| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok())
            .map(|n| {
                let guess = n.and_utc();
                guess - s(berlin_offset(guess))
            })
            .unwrap_or(plan.from);
        specials.push((when, line.to_string()));
    }
    stream(sink, target, plan.from, plan.to, &mut specials, |sink, t| {
        let st = stamp.at(t).to_string();
        sink.line(&format!("{st}: PM2 error: Error caught while calling pidusage"))?;
        sink.line("TypeError: Cannot read properties of undefined (reading 'pid')")?;
        sink.line("    at /usr/lib/node_modules/pm2/lib/God/ActionMethods.js:71:22")?;
        sink.line("    at Array.forEach (<anonymous>)")?;
        let _ = rng.below(2);
        Ok(())
    })?;
    Ok(last)
}
