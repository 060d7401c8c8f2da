//! systemd's messages about units (from PID 1, a user manager, or `systemd-oomd`), wherever
//! they appear: syslog files and the journal.
//!
//! ```text
//! unit-message = unit ": " what                ; most messages name the unit first
//!              / ("Started" / "Stopped" / "Starting" / "Stopping") SP (unit [" - " desc] / desc) "."
//! what         = "Main process exited, code=" ("exited" / "killed" / "dumped") ", status=" int "/" name
//!              / "Failed with result '" result "'."
//!              / "A process of this unit has been killed by the OOM killer."
//!              / "The kernel OOM killer killed some processes in this unit."
//!              / "Scheduled restart job, restart counter is at " int "."
//!              / "Deactivated successfully." / "Succeeded."
//!              / "Consumed " timespan " CPU time" [… ", " size " memory peak" …] "."
//!              / "Unit process " int " (" comm ") remains running after unit stopped."
//! oomd         = "Killed " cgroup " due to " reason            ; systemd-oomd
//! ```
//!
//! Older systemd prints the unit's Description instead of its name after `Started` /
//! `Stopped`; then `unit` is unknown and the text is kept in `description`. A unit named
//! `pm2-<user>.service` is the PM2 daemon's unit (`pm2 startup`): `pm2_user` is set.

use std::borrow::Cow;

use crate::kernel::unit_of_cgroup;
use crate::record::{FieldValue, Record};

/// `unit-exited`: a unit's main process exited (code, status, signal).
pub const UNIT_EXITED: &str = "unit-exited";
/// `unit-failed`: a unit failed (result: exit-code, signal, oom-kill, timeout, …).
pub const UNIT_FAILED: &str = "unit-failed";
/// `unit-oom-kill`: the kernel OOM killer killed a process of the unit.
pub const UNIT_OOM_KILL: &str = "unit-oom-kill";
/// `unit-restart-scheduled`: systemd will restart the unit (restart counter).
pub const UNIT_RESTART_SCHEDULED: &str = "unit-restart-scheduled";
/// `unit-started`: a unit was started.
pub const UNIT_STARTED: &str = "unit-started";
/// `unit-starting`: a unit is being started.
pub const UNIT_STARTING: &str = "unit-starting";
/// `unit-stopped`: a unit was stopped.
pub const UNIT_STOPPED: &str = "unit-stopped";
/// `unit-stopping`: a unit is being stopped.
pub const UNIT_STOPPING: &str = "unit-stopping";
/// `unit-deactivated`: a unit ended successfully.
pub const UNIT_DEACTIVATED: &str = "unit-deactivated";
/// `unit-consumed`: resources a unit used over its run (CPU time, memory peak).
pub const UNIT_CONSUMED: &str = "unit-consumed";
/// `unit-process-remains`: a process outlived its unit's stop.
pub const UNIT_PROCESS_REMAINS: &str = "unit-process-remains";
/// `oomd-kill`: systemd-oomd (userspace) killed a cgroup under memory pressure.
pub const OOMD_KILL: &str = "oomd-kill";
/// `system-shutdown`: the machine is going down (reboot, power-off).
pub const SYSTEM_SHUTDOWN: &str = "system-shutdown";

/// The kinds of this module, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (UNIT_EXITED, "a unit's main process exited: unit, code (exited/killed/dumped), status, signal"),
    (UNIT_FAILED, "a unit failed: unit, result ('exit-code', 'signal', 'oom-kill', 'timeout', …)"),
    (UNIT_OOM_KILL, "the kernel OOM killer killed a process of the unit: unit"),
    (UNIT_RESTART_SCHEDULED, "systemd scheduled a restart of the unit: unit, restart_counter"),
    (UNIT_STARTED, "a unit was started: unit (or only description on older systemd)"),
    (UNIT_STARTING, "a unit is being started: unit or description"),
    (UNIT_STOPPED, "a unit was stopped: unit or description"),
    (UNIT_STOPPING, "a unit is being stopped: unit or description"),
    (UNIT_DEACTIVATED, "a unit ended successfully (Deactivated successfully / Succeeded)"),
    (UNIT_CONSUMED, "what a unit used: cpu_time, memory_peak (as written)"),
    (UNIT_PROCESS_REMAINS, "a process of the unit still ran after the unit stopped: pid, comm"),
    (OOMD_KILL, "systemd-oomd killed a cgroup under memory pressure: cgroup, unit"),
    (SYSTEM_SHUTDOWN, "the machine is going down: logind's `System is rebooting/powering down`, systemd's Reboot/Shutdown targets"),
];

/// What a systemd message says about a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitEvent<'a> {
    /// The event kind (one of this module's constants).
    pub kind: &'static str,
    /// The unit's name, when the message names it.
    pub unit: Option<&'a str>,
    /// Kind-specific fields.
    pub fields: Vec<(&'static str, FieldValue<'a>)>,
}

/// True for the idents whose messages this module reads.
pub fn is_systemd_ident(ident: &str) -> bool {
    matches!(ident, "systemd" | "systemd-oomd" | "systemd-logind" | "systemd-shutdown")
}

/// Classifies a message of `systemd` or `systemd-oomd`.
pub fn classify<'a>(ident: &str, body: &'a str) -> Option<UnitEvent<'a>> {
    if ident == "systemd-oomd" {
        let rest = body.strip_prefix("Killed ")?;
        let (cgroup, _) = rest.split_once(" due to ")?;
        return Some(UnitEvent {
            kind: OOMD_KILL,
            unit: unit_of_cgroup(cgroup),
            fields: vec![("cgroup", cgroup.into())],
        });
    }
    let shutdown = |what: &'a str| {
        Some(UnitEvent { kind: SYSTEM_SHUTDOWN, unit: None, fields: vec![("what", what.into())] })
    };
    match (ident, body.trim_end_matches('.')) {
        ("systemd-logind", b @ ("System is rebooting" | "System is powering down" | "System is halting")) => {
            return shutdown(b)
        }
        ("systemd-shutdown", b) if b.starts_with("Sending SIGTERM") || b.starts_with("Rebooting") => {
            return shutdown(b)
        }
        (
            "systemd",
            b @ ("Reached target Reboot"
            | "Reached target System Reboot"
            | "Reached target Power-Off"
            | "Reached target System Power Off"
            | "Reached target Shutdown"
            | "Reached target System Shutdown"),
        ) => return shutdown(b),
        _ => {}
    }
    if ident != "systemd" {
        return None;
    }
    if let Some(ev) = lifecycle(body) {
        return Some(ev);
    }
    let (unit, what) = split_once_short(body, ": ")?;
    if !is_unit(unit) {
        return None;
    }
    unit_message(unit, what)
}

/// Classifies `what` systemd says about `unit` in a `UNIT: what` message (the `unit-message`
/// rule). [`classify`] reads such a message of `systemd` this way once it has checked `unit`
/// with [`is_unit`]; a caller that has split and checked the prefix already may call this.
pub fn unit_message<'a>(unit: &'a str, what: &'a str) -> Option<UnitEvent<'a>> {
    let ev = |kind, fields| Some(UnitEvent { kind, unit: Some(unit), fields });
    if let Some(rest) = what.strip_prefix("Main process exited, code=") {
        let (code, status) = rest.split_once(", status=")?;
        let status = status.trim_end_matches('.');
        let mut fields = vec![("code", code.into()), ("status", status.into())];
        if let Some((n, name)) = status.split_once('/') {
            if let Ok(n) = n.parse::<i64>() {
                fields.push(("status_code", FieldValue::Int(n)));
            }
            if code != "exited" {
                fields.push(("signal", FieldValue::Str(format!("SIG{name}").into())));
            }
        }
        return ev(UNIT_EXITED, fields);
    }
    if let Some(rest) = what.strip_prefix("Failed with result '") {
        let (result, _) = rest.split_once('\'')?;
        return ev(UNIT_FAILED, vec![("result", result.into())]);
    }
    if what.starts_with("A process of this unit has been killed by the OOM killer")
        || what.starts_with("The kernel OOM killer killed some processes in this unit")
    {
        return ev(UNIT_OOM_KILL, Vec::new());
    }
    if let Some(rest) = what.strip_prefix("Scheduled restart job, restart counter is at ") {
        let n = rest.trim_end_matches('.').parse::<i64>().ok()?;
        return ev(UNIT_RESTART_SCHEDULED, vec![("restart_counter", FieldValue::Int(n))]);
    }
    if what.starts_with("Deactivated successfully") || what == "Succeeded." {
        return ev(UNIT_DEACTIVATED, Vec::new());
    }
    if let Some(rest) = what.strip_prefix("Consumed ") {
        let mut fields = Vec::new();
        if let Some((cpu, _)) = rest.split_once(" CPU time") {
            fields.push(("cpu_time", cpu.into()));
        }
        if let Some(peak) =
            rest.split(", ").find_map(|p| p.trim_end_matches('.').strip_suffix(" memory peak"))
        {
            fields.push(("memory_peak", peak.into()));
        }
        return ev(UNIT_CONSUMED, fields);
    }
    if let Some(rest) = what.strip_prefix("Unit process ") {
        let (pid, rest) = rest.split_once(" (")?;
        let (comm, _) = rest.rsplit_once(") remains running")?;
        let pid = pid.parse::<i64>().ok()?;
        return ev(
            UNIT_PROCESS_REMAINS,
            vec![("remaining_pid", FieldValue::Int(pid)), ("comm", comm.into())],
        );
    }
    None
}

/// `Started UNIT - DESC.`, `Started DESC.`, and the Stopped/Starting/Stopping forms.
fn lifecycle(body: &str) -> Option<UnitEvent<'_>> {
    let (kind, rest) = [
        ("Started ", UNIT_STARTED),
        ("Stopped ", UNIT_STOPPED),
        ("Starting ", UNIT_STARTING),
        ("Stopping ", UNIT_STOPPING),
    ]
    .into_iter()
    .find_map(|(p, k)| body.strip_prefix(p).map(|r| (k, r)))?;
    let rest = rest.strip_suffix("...").or_else(|| rest.strip_suffix('.')).unwrap_or(rest);
    let (unit, description) = match split_once_short(rest, " - ") {
        Some((u, d)) if is_unit(u) => (Some(u), Some(d)),
        _ if is_unit(rest) => (Some(rest), None),
        _ => (None, Some(rest)),
    };
    let fields = description.map(|d| vec![("description", d.into())]).unwrap_or_default();
    Some(UnitEvent { kind, unit, fields })
}

/// `s.split_once(sep)` for the short ASCII separators of these messages (`": "`, `" - "`):
/// a scan for the separator's first byte, not a substring searcher built for every message.
fn split_once_short<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let (b, sep) = (s.as_bytes(), sep.as_bytes());
    let at = memchr::memchr_iter(*sep.first()?, b).find(|&i| b[i..].starts_with(sep))?;
    // `sep` is ASCII: both cuts are char boundaries.
    Some((&s[..at], &s[at + sep.len()..]))
}

/// A unit name: `name.suffix` with a systemd unit type suffix (`.service`, `.scope`,
/// `.slice`, `.socket`, `.target`, `.mount`, `.automount`, `.timer`, `.path`, `.device`,
/// `.swap`) and no spaces.
pub fn is_unit(s: &str) -> bool {
    // Each suffix holds one `.`, first: `s` ends with one exactly when its last `.` (not its
    // first byte) starts one. Read from the end, without eleven comparisons.
    let b = s.as_bytes();
    let Some(dot) = b.iter().rposition(|&c| c == b'.').filter(|&i| i > 0) else { return false };
    matches!(
        &b[dot..],
        b".service"
            | b".scope"
            | b".slice"
            | b".socket"
            | b".target"
            | b".mount"
            | b".automount"
            | b".timer"
            | b".path"
            | b".device"
            | b".swap"
    ) && b[..dot].iter().fold(true, |none, &c| none & (c != b' '))
}

/// The user a `pm2-<user>.service` unit runs PM2 for.
pub fn pm2_user(unit: &str) -> Option<&str> {
    unit.strip_prefix("pm2-")?.strip_suffix(".service").filter(|u| !u.is_empty())
}

/// Applies a unit event to a record: kind, `unit` (unless already set), `pm2_user`, fields.
pub fn apply<'a>(rec: &mut Record<'a>, ev: UnitEvent<'a>) {
    rec.kind = ev.kind;
    if let Some(unit) = ev.unit {
        if rec.field("unit").is_none() {
            rec.push_field("unit", unit);
        }
    }
    // Borrowed from the line when the unit is (no copy per message about a PM2 unit).
    let user = match rec.field("unit") {
        Some(FieldValue::Str(Cow::Borrowed(unit))) => pm2_user(unit).map(Cow::Borrowed),
        Some(FieldValue::Str(Cow::Owned(unit))) => pm2_user(unit).map(|u| Cow::Owned(u.to_string())),
        _ => None,
    };
    if let Some(user) = user {
        rec.push_field("pm2_user", FieldValue::Str(user));
    }
    rec.fields.extend(ev.fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(body: &str) -> Option<&'static str> {
        classify("systemd", body).map(|e| e.kind)
    }

    #[test]
    fn reference_lines() {
        let e =
            classify("systemd", "pm2-root.service: Main process exited, code=killed, status=9/KILL").unwrap();
        assert_eq!(e.kind, UNIT_EXITED);
        assert_eq!(e.unit, Some("pm2-root.service"));
        assert_eq!(
            e.fields,
            vec![
                ("code", "killed".into()),
                ("status", "9/KILL".into()),
                ("status_code", FieldValue::Int(9)),
                ("signal", FieldValue::Str("SIGKILL".into()))
            ]
        );
        assert_eq!(kind("pm2-root.service: Failed with result 'oom-kill'."), Some(UNIT_FAILED));
        assert_eq!(
            kind("pm2-root.service: A process of this unit has been killed by the OOM killer."),
            Some(UNIT_OOM_KILL)
        );
        assert_eq!(
            kind("studio-compositor.service: The kernel OOM killer killed some processes in this unit."),
            Some(UNIT_OOM_KILL)
        );
        assert_eq!(
            kind("pm2-root.service: Scheduled restart job, restart counter is at 1."),
            Some(UNIT_RESTART_SCHEDULED)
        );
        assert_eq!(kind("pm2-root.service: Deactivated successfully."), Some(UNIT_DEACTIVATED));
        assert_eq!(kind("session-19.scope: Succeeded."), Some(UNIT_DEACTIVATED));
        let c = classify(
            "systemd",
            "owned.service: Consumed 5.1s CPU time, 12M memory peak, 0B memory swap peak.",
        )
        .unwrap();
        assert_eq!(c.fields, vec![("cpu_time", "5.1s".into()), ("memory_peak", "12M".into())]);
        let s = classify("systemd", "Started claude-bot.service - Claude Code Discord bot.").unwrap();
        assert_eq!((s.kind, s.unit), (UNIT_STARTED, Some("claude-bot.service")));
        let old = classify("systemd", "Started PM2 process manager.").unwrap();
        assert_eq!((old.kind, old.unit), (UNIT_STARTED, None));
        assert_eq!(old.fields, vec![("description", "PM2 process manager".into())]);
        assert_eq!(kind("Stopping pm2-root.service - PM2 process manager..."), Some(UNIT_STOPPING));
        let r = classify(
            "systemd",
            "pm2-root.service: Unit process 54314 (python) remains running after unit stopped.",
        )
        .unwrap();
        assert_eq!(r.fields, vec![("remaining_pid", FieldValue::Int(54314)), ("comm", "python".into())]);
        assert_eq!(kind("Reached target Multi-User System."), None);
        assert_eq!(kind("Reached target System Reboot."), Some(SYSTEM_SHUTDOWN));
        assert_eq!(classify("systemd-logind", "System is rebooting.").map(|e| e.kind), Some(SYSTEM_SHUTDOWN));
        assert_eq!(classify("systemd-logind", "New session 4 of user bob.").map(|e| e.kind), None);
        let o = classify(
            "systemd-oomd",
            "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope due to memory pressure for /user.slice being 51.07% > 50.00% for > 20s with reclaim activity",
        )
        .unwrap();
        assert_eq!((o.kind, o.unit), (OOMD_KILL, Some("app-x.scope")));
    }

    proptest::proptest! {
        /// `is_unit` is its definition: no space, and one of the suffixes after something.
        #[test]
        fn units_as_defined(s in "[a-z -]{0,4}(\\.(service|scope|slice|socket|target|mount|automount|timer|path|device|swap|servic|x))*\\.?|\\PC{0,10}") {
            const SUFFIXES: [&str; 11] = [
                ".service", ".scope", ".slice", ".socket", ".target", ".mount", ".automount", ".timer", ".path",
                ".device", ".swap",
            ];
            let defined = !s.contains(' ') && SUFFIXES.iter().any(|suf| s.len() > suf.len() && s.ends_with(suf));
            proptest::prop_assert_eq!(is_unit(&s), defined);
        }

        /// `split_once_short` is `str::split_once`.
        #[test]
        fn short_splits_as_split_once(s in "[a-z:\\- ]{0,12}|\\PC{0,10}", sep in "(: | - |:)") {
            proptest::prop_assert_eq!(split_once_short(&s, &sep), s.split_once(sep.as_str()));
        }
    }

    #[test]
    fn pm2_units() {
        assert_eq!(pm2_user("pm2-root.service"), Some("root"));
        assert_eq!(pm2_user("pm2-deploy.service"), Some("deploy"));
        assert_eq!(pm2_user("pm2-.service"), None);
        assert_eq!(pm2_user("nginx.service"), None);
    }
}
