//! Named matchers: the evidence a pattern over single events cannot express — joins on pids,
//! overlapping runs, commands executed against commands declared. Each returns the indices of
//! the events that make its case (empty: not found).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use postmortem_parsers::command::{pm2_all_action, pm2_changes_processes, runs_pm2};

use super::rules::{duration, in_range};
use super::Context;
use crate::event::Event;

/// The matchers, with what each finds (for `postmortem rules`).
pub const NAMES: &[(&str, &str)] = &[
    (
        "executed-pm2-command",
        "an executed `pm2 <action> all` (args: action = \"delete\" | \"stop\" | \"restart|reload\", origin = \
         \"ci\" | \"interactive\"): PM2 CLI output `<action>ProcessId on app [all]`, a CI command, a shell-history \
         or sudo command; the output of `pm2 kill` does not count",
    ),
    (
        "mass-stop",
        "processes of at least `min_applications` applications went down within `within` (default 30s) of \
         each other",
    ),
    (
        "oom-kill-of-pm2-process",
        "a kernel OOM kill whose victim is a PM2 process: its pid is a PM2 process's (snapshots, PM2's kill \
         lines) or a PM2 process exited by SIGKILL / an outside signal within 2 s of it",
    ),
    (
        "interactive-commands-before",
        "an interactive session (sudo, shell history) ran pm2 commands that change processes, or deploy \
         commands, in the look-back before the first failure while no CI run was active (args: all = true: \
         only `pm2 <action> all`)",
    ),
    ("overlapping-runs", "two CI runs (job logs) overlap in time and both ran pm2"),
    (
        "executed-not-declared",
        "a CI run executed a pm2 action on all apps that no workflow file in the evidence declares",
    ),
    (
        "daemon-killed",
        "the PM2 daemon was killed or stopped: `pm2 kill`/`pm2 update` run, the daemon's kill, signal or \
         exit lines in pm2.log, or the machine shutting down or booting",
    ),
    ("repeated-crashes", "one process exited with a non-zero code at least `min` times (default 3)"),
    (
        "outage-not-crash",
        "an outage that began without a crash: PM2 stopped the process, or something outside killed it",
    ),
];

type Range = Option<(DateTime<Utc>, DateTime<Utc>)>;

/// Runs the matcher `name`.
pub fn run(name: &str, args: &toml::Table, range: Range, ctx: &Context<'_>) -> Vec<usize> {
    match name {
        "executed-pm2-command" => executed_pm2_command(args, range, ctx),
        "mass-stop" => mass_stop(args, range, ctx),
        "oom-kill-of-pm2-process" => oom_kill_of_pm2_process(range, ctx),
        "interactive-commands-before" => interactive_commands_before(args, ctx),
        "overlapping-runs" => overlapping_runs(range, ctx),
        "executed-not-declared" => executed_not_declared(range, ctx),
        "daemon-killed" => daemon_killed(range, ctx),
        "repeated-crashes" => repeated_crashes(args, range, ctx),
        "outage-not-crash" => outage_not_crash(range, ctx),
        _ => Vec::new(),
    }
}

fn arg_str<'a>(args: &'a toml::Table, key: &str) -> Option<&'a str> {
    args.get(key).and_then(toml::Value::as_str)
}

fn arg_int(args: &toml::Table, key: &str, default: i64) -> i64 {
    args.get(key).and_then(toml::Value::as_integer).unwrap_or(default)
}

/// The command an event says was run, for the sources that run commands.
pub fn command_of(e: &Event) -> Option<&str> {
    match (e.source, e.kind) {
        ("ci", "ci-command") | ("shell", "shell-command") | ("auth", "sudo") => e.str_field("command"),
        _ => None,
    }
}

/// Whether an event was made by a person at the server (not a CI run).
fn interactive(e: &Event) -> bool {
    e.source == "shell" || e.source == "auth"
}

/// The all-apps PM2 action an event shows executed: from the PM2 CLI output (`deleteProcessId
/// on app [all]` → `delete`) or from a command line.
fn executed_all_action(e: &Event) -> Option<&'static str> {
    if e.kind == "pm2-cli-action" && e.str_field("target") == Some("all") {
        return match e.str_field("action")? {
            a if a.starts_with("delete") => Some("delete"),
            a if a.starts_with("stop") => Some("stop"),
            a if a.starts_with("restart") => Some("restart"),
            a if a.starts_with("reload") => Some("reload"),
            _ => None,
        };
    }
    command_of(e).and_then(pm2_all_action)
}

/// Events that show the daemon being killed (see [`daemon_killed`]).
fn is_daemon_kill(e: &Event) -> bool {
    matches!(e.kind, "daemon-kill" | "daemon-signal" | "daemon-exit" | "system-shutdown" | "kernel-boot")
        || command_of(e).is_some_and(|c| {
            pm2_all_action(c) == Some("kill") || (runs_pm2(c) && c.split_whitespace().any(|w| w == "update"))
        })
}

fn executed_pm2_command(args: &toml::Table, range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let wanted: Vec<&str> = arg_str(args, "action").unwrap_or("delete").split('|').collect();
    let origin = arg_str(args, "origin");
    let kills: Vec<DateTime<Utc>> =
        ctx.events.iter().filter(|e| is_daemon_kill(e)).filter_map(|e| e.time).collect();
    ctx.events
        .iter()
        .enumerate()
        .filter(|(_, e)| in_range(e, range) && e.time.is_some())
        .filter(|(_, e)| executed_all_action(e).is_some_and(|a| wanted.contains(&a)))
        .filter(|(_, e)| match origin {
            Some("ci") => e.source == "ci",
            Some("interactive") => interactive(e),
            _ => true,
        })
        // `pm2 kill` prints `deleteProcessId on app [all]` too: that is the daemon's end.
        .filter(|(_, e)| {
            let t = e.time.expect("dated");
            e.kind != "pm2-cli-action" || !kills.iter().any(|k| (*k - t).num_seconds().abs() <= 30)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Outage starts (or, with no outages, PM2 exits) in range, grouped into bursts.
fn mass_stop(args: &toml::Table, range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let min_apps = arg_int(args, "min_applications", 2).max(1) as usize;
    let span = arg_str(args, "within").and_then(duration).unwrap_or(Duration::seconds(30));
    // Every PM2 exit counts (a restart-all brings processes back within the grace period).
    let exits: Vec<(DateTime<Utc>, usize, String)> = ctx
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.source == "pm2" && e.kind == "app-exit" && in_range(e, range))
        .filter_map(|(i, e)| {
            let process = e.process.as_deref()?;
            let app = ctx
                .inventory
                .application_of(process)
                .map(|a| format!("{}/{}", a.name, a.environment))
                .unwrap_or_else(|| process.to_string());
            Some((e.time?, i, app))
        })
        .collect();
    // Exits are in time order: a window [first, first + span] slides over them.
    let mut end = 0;
    for first in 0..exits.len() {
        end = end.max(first);
        while end < exits.len() && exits[end].0 - exits[first].0 <= span {
            end += 1;
        }
        let burst = &exits[first..end];
        let apps: BTreeSet<&str> = burst.iter().map(|(_, _, a)| a.as_str()).collect();
        if apps.len() >= min_apps {
            return burst.iter().map(|(_, i, _)| *i).take(12).collect();
        }
    }
    Vec::new()
}

fn oom_kill_of_pm2_process(range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let pm2_pids: BTreeSet<u64> = ctx
        .events
        .iter()
        .filter(|e| e.source == "pm2" && e.kind != "oom-kill")
        .filter_map(|e| e.pid)
        .collect();
    let mut hits = Vec::new();
    for (i, e) in ctx.events.iter().enumerate() {
        if e.kind != "oom-kill" || !in_range(e, range) {
            continue;
        }
        let Some(t) = e.time else { continue };
        let by_pid = e.pid.is_some_and(|p| pm2_pids.contains(&p));
        let exit = ctx.events.iter().position(|x| {
            x.source == "pm2"
                && x.kind == "app-exit"
                && (x.str_field("signal") == Some("SIGKILL")
                    || x.str_field("cause") == Some("external-signal"))
                && x.time.is_some_and(|xt| (xt - t).num_milliseconds().abs() <= 2000)
        });
        if by_pid || exit.is_some() {
            hits.push(i);
            hits.extend(exit);
        }
    }
    hits
}

/// Deploy commands a person may run by hand.
fn is_deploy_command(c: &str) -> bool {
    let c = c.to_ascii_lowercase();
    pm2_changes_processes(&c)
        || [
            "git pull",
            "git checkout",
            "git reset",
            "npm ci",
            "npm install",
            "npm run build",
            "systemctl restart pm2",
        ]
        .iter()
        .any(|p| c.contains(p))
}

fn interactive_commands_before(args: &toml::Table, ctx: &Context<'_>) -> Vec<usize> {
    let Some(window) = ctx.window else { return Vec::new() };
    let from = window.start - ctx.options.lookback;
    let only_all = args.get("all").and_then(toml::Value::as_bool).unwrap_or(false);
    let ci_running =
        ctx.events.iter().any(|e| e.source == "ci" && e.time.is_some_and(|t| t >= from && t <= window.start));
    if ci_running {
        return Vec::new();
    }
    ctx.events
        .iter()
        .enumerate()
        .filter(|(_, e)| interactive(e) && e.time.is_some_and(|t| t >= from && t <= window.start))
        .filter(|(_, e)| {
            command_of(e).is_some_and(|c| {
                if only_all {
                    pm2_all_action(c).is_some()
                } else {
                    is_deploy_command(c)
                }
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// One CI job log: its span and whether it ran pm2.
struct Run {
    first: (DateTime<Utc>, usize),
    last: DateTime<Utc>,
    pm2: bool,
}

fn runs<'a>(ctx: &Context<'a>) -> BTreeMap<&'a str, Run> {
    let mut runs: BTreeMap<&str, Run> = BTreeMap::new();
    for (i, e) in ctx.events.iter().enumerate() {
        let (Some(t), "ci") = (e.time, e.source) else { continue };
        let pm2 = e.kind.starts_with("pm2-cli") || command_of(e).is_some_and(runs_pm2);
        let run =
            runs.entry(e.provenance.file.as_str()).or_insert(Run { first: (t, i), last: t, pm2: false });
        run.last = run.last.max(t);
        if t < run.first.0 {
            run.first = (t, i);
        }
        run.pm2 |= pm2;
    }
    runs
}

fn overlapping_runs(range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let runs: Vec<Run> = runs(ctx).into_values().filter(|r| r.pm2).collect();
    let touches = |r: &Run| range.is_none_or(|(from, to)| r.last >= from && r.first.0 <= to);
    for (a, ra) in runs.iter().enumerate() {
        for rb in &runs[a + 1..] {
            if touches(ra) && touches(rb) && ra.first.0 <= rb.last && rb.first.0 <= ra.last {
                return vec![ra.first.1, rb.first.1];
            }
        }
    }
    Vec::new()
}

fn executed_not_declared(range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let declared: Vec<&str> = ctx
        .events
        .iter()
        .filter(|e| e.kind == "workflow-command")
        .filter_map(|e| e.str_field("command"))
        .collect();
    if declared.is_empty() {
        // Without the workflow file nothing can be compared.
        return Vec::new();
    }
    let declared_all: BTreeSet<&str> = declared.iter().filter_map(|c| pm2_all_action(c)).collect();
    ctx.events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.source == "ci" && in_range(e, range))
        .filter(|(_, e)| {
            executed_all_action(e).is_some_and(|a| {
                let declared =
                    declared_all.contains(a) || (a == "restart" && declared_all.contains("reload"));
                !declared
            })
        })
        .map(|(i, _)| i)
        .collect()
}

fn daemon_killed(range: Range, ctx: &Context<'_>) -> Vec<usize> {
    ctx.events
        .iter()
        .enumerate()
        .filter(|(_, e)| in_range(e, range) && is_daemon_kill(e))
        .map(|(i, _)| i)
        .collect()
}

fn outage_not_crash(range: Range, ctx: &Context<'_>) -> Vec<usize> {
    ctx.outages
        .iter()
        .filter(|o| o.how != super::outage::DownHow::Died("crash".into()))
        .filter(|o| range.is_none_or(|(from, to)| o.down_at >= from && o.down_at <= to))
        .map(|o| o.down_event)
        .collect()
}

fn repeated_crashes(args: &toml::Table, range: Range, ctx: &Context<'_>) -> Vec<usize> {
    let min = arg_int(args, "min", 3).max(1) as usize;
    let mut by_process: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in ctx.events.iter().enumerate() {
        if e.source == "pm2"
            && e.kind == "app-exit"
            && e.str_field("cause") == Some("crash")
            && in_range(e, range)
        {
            if let Some(p) = e.process.as_deref() {
                by_process.entry(p).or_default().push(i);
            }
        }
    }
    by_process.into_values().filter(|v| v.len() >= min).flat_map(|v| v.into_iter().take(5)).collect()
}
