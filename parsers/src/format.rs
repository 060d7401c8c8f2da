//! The formats postmortem reads, with their stable ids and how each is recognised.
//!
//! Everything about a format lives in one row of [`SPECS`]: id, descriptions, the kinds its
//! parser emits, how to make its parser. Adding a format is adding a variant and a row.

use crate::record::LineParser;

/// An evidence format. Its [`Format::id`] is what `--as GLOB=FORMAT` takes and what
/// `postmortem inputs` reports per input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The PM2 daemon log, `~/.pm2/pm2.log` (and rotated `pm2__*.log`).
    Pm2Log,
    /// Syslog-shaped text: auth.log, secure, syslog, messages, kern.log (RFC3164, ISO, RFC5424).
    Syslog,
    /// `journalctl` output: the text modes (short, -precise, -iso, -full, -unix, -monotonic,
    /// with-unit), `-o json` and `-o export`.
    Journal,
    /// `dmesg` output: monotonic `[secs.usecs]`, `-T`, `-r` and `--time-format iso` stamps.
    Dmesg,
    /// CI job logs: GitHub Actions (downloaded or `gh run view --log`) and Gitea act_runner.
    CiLog,
    /// CI workflow files (`.github/workflows/*.yml`, `.gitea/workflows/*.yml`).
    Workflow,
    /// Shell history: bash (with or without `HISTTIMEFORMAT`) and zsh extended history.
    ShellHistory,
    /// nginx access (combined, common) and error logs.
    Nginx,
    /// PM2 process-list snapshots as JSON: `pm2 jlist` output and `dump.pm2`.
    Pm2Jlist,
    /// `pm2 list` / `pm2 ls` box tables saved to a file.
    Pm2List,
    /// git history: `git log` in its output forms and date styles, `git reflog`, raw
    /// `.git/logs/*` reflogs.
    Git,
    /// PM2 per-app logs (`NAME-out.log`, `NAME-error.log`, cluster `-N`, rotated) and
    /// `pm2 logs --nostream` output.
    Pm2AppLog,
    /// Host state snapshots: `df`, `free`, the runbook's incident-state file.
    HostSnapshot,
    /// PM2 ecosystem files (`ecosystem*.config.{js,cjs,mjs,json}`), read without running them.
    Pm2Ecosystem,
}

/// What the rest of the crate knows about a format.
struct Spec {
    format: Format,
    id: &'static str,
    description: &'static str,
    recognised_by: &'static str,
    kinds: &'static [&'static [(&'static str, &'static str)]],
    parser: fn(&str) -> Box<dyn LineParser + Send>,
    snapshot: bool,
}

/// One row per format, in [`Format::ALL`] order.
const SPECS: &[Spec] = &[
    Spec {
        format: Format::Pm2Log,
        id: "pm2-log",
        description: "PM2 daemon log (~/.pm2/pm2.log), every prefix generation from PM2 0.x to 7.x",
        recognised_by: "lines start `YYYY-MM-DDTHH:mm:ss: PM2 log|info|warn|error: `, `[YYYY-MM-DD HH:mm:ss] PM2 …`, \
                        `[…Z] PM2 …` or, for PM2 ≤ 2.9, `YYYY-MM-DD HH:mm:ss: ` followed by a PM2 message; \
                        file name pm2.log / pm2__*.log as a hint",
        kinds: &[crate::pm2_log::KINDS],
        parser: |_| Box::<crate::pm2_log::Pm2LogParser>::default(),
        snapshot: false,
    },
    Spec {
        format: Format::Syslog,
        id: "syslog",
        description: "syslog text: auth.log, secure, syslog, messages, kern.log (RFC3164, rsyslog ISO-8601, RFC5424)",
        recognised_by: "lines start `Mmm dd HH:MM:SS host tag[pid]:`, `<ISO-8601> host tag[pid]:` or `<PRI>1 ` \
                        (RFC5424); file names auth.log, secure, syslog, messages, kern.log as a hint",
        kinds: &[crate::syslog::KINDS, crate::auth::KINDS, crate::systemd::KINDS, crate::kernel::KINDS],
        parser: |_| Box::<crate::syslog::SyslogParser>::default(),
        snapshot: false,
    },
    Spec {
        format: Format::Journal,
        id: "journal",
        description: "journalctl output: short* text modes, with-unit, -o json, -o export",
        recognised_by: "syslog-like lines plus something only journalctl writes: `-- Boot …/Reboot/Logs begin/Journal \
                        begins/No entries --` lines, JSON objects with `__REALTIME_TIMESTAMP`, `__CURSOR=` export \
                        entries, `Tue 2026-02-17 14:30:00 UTC host …`, epoch `1771338600.260000 host …` or \
                        `[  812.814801] host ident: …` monotonic stamps; file names journal*, journalctl* as a hint",
        kinds: &[crate::journal::KINDS, crate::auth::KINDS, crate::systemd::KINDS, crate::kernel::KINDS],
        parser: |_| Box::<crate::journal::JournalParser>::default(),
        snapshot: false,
    },
    Spec {
        format: Format::Dmesg,
        id: "dmesg",
        description: "the kernel ring buffer as dmesg prints it (monotonic, -T, -r, --time-format iso)",
        recognised_by: "lines start `[  812.814801] `, `<3>[  812.814801] `, `[Mon Dec  8 17:51:31 2025] ` or \
                        `2025-12-08T17:51:31,123456+01:00 ` followed by a kernel message (not `host ident:`); \
                        file names dmesg* as a hint",
        kinds: &[crate::kernel::KINDS],
        parser: |_| Box::<crate::dmesg::DmesgParser>::default(),
        snapshot: false,
    },
    Spec {
        format: Format::CiLog,
        id: "ci-log",
        description: "CI job logs: GitHub Actions (downloaded, gh run view --log) and Gitea act_runner, with the \
                      pm2 CLI output printed inside them",
        recognised_by: "lines start with a 7-digit-fraction `…Z` stamp followed by `##[`, `job<TAB>step<TAB>stamp`, \
                        act_runner markers (`⭐ Run `, `🏁 Job `) or `time=\"…\" level=… msg=`",
        kinds: &[crate::ci_log::KINDS, crate::pm2_cli::KINDS],
        parser: |path| Box::new(crate::ci_log::CiLogParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::Workflow,
        id: "workflow",
        description: "CI workflow files (.github/workflows, .gitea/workflows): triggers, concurrency, jobs, steps, \
                      every run: command with its line and column",
        recognised_by: "a YAML document with top-level `jobs:` and `runs-on:`/`steps:`; paths \
                        .github/workflows/*.y*ml, .gitea/workflows/*.y*ml as a hint",
        kinds: &[crate::workflow_file::KINDS],
        parser: |path| Box::new(crate::workflow_file::WorkflowFileParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::ShellHistory,
        id: "shell-history",
        description: "shell history: bash (#epoch HISTTIMEFORMAT lines or plain) and zsh extended history; \
                      the user from the path",
        recognised_by: "`#1708180000` lines before commands, or zsh `: 1708180000:0;command`; plain history only \
                        by name (*.bash_history, *.zsh_history, *_history)",
        kinds: &[crate::shell_history::KINDS],
        parser: |path| Box::new(crate::shell_history::ShellHistoryParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::Nginx,
        id: "nginx",
        description: "nginx access logs (combined, common, with extra fields) and error logs",
        recognised_by: "`client - user [17/Feb/2026:14:31:05 +0100] \"GET … HTTP/1.1\" 502 …` access lines or \
                        `2026/02/17 14:31:05 [error] pid#tid: …` error lines; access.log*, error.log* as a hint",
        kinds: &[crate::nginx::KINDS],
        parser: |path| Box::new(crate::nginx::NginxParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::Pm2Jlist,
        id: "pm2-jlist",
        description: "PM2 process list as JSON: `pm2 jlist` (one line or pretty-printed) and dump.pm2; one event \
                      per process with its status, restarts, uptime, memory",
        recognised_by: "a JSON array of PM2 process objects (`\"pm2_env\"`, `\"pm_exec_path\"`), possibly after \
                        `[PM2]` lines; names pm2-incident-*.json, jlist*.json, dump.pm2 as a hint",
        kinds: &[crate::pm2_snapshot::KINDS],
        parser: |path| Box::new(crate::pm2_snapshot::Pm2SnapshotParser::for_path(path)),
        snapshot: true,
    },
    Spec {
        format: Format::Pm2List,
        id: "pm2-list",
        description: "`pm2 list` box tables (PM2 ≤ 4 and ≥ 5 column sets, truncated names); one event per row",
        recognised_by: "a box-table header row with `name`/`App name` and `status` columns; names pm2-list*.txt \
                        as a hint",
        kinds: &[crate::pm2_table::KINDS],
        parser: |path| Box::new(crate::pm2_table::Pm2ListParser::for_path(path)),
        snapshot: true,
    },
    Spec {
        format: Format::Git,
        id: "git",
        description: "git history: git log (medium, fuller, raw, --stat, --name-status, --oneline, -p, --graph, \
                      every --date style), git reflog, raw .git/logs/HEAD and logs/refs/**",
        recognised_by: "a first line `commit <40 hex>`, a reflog line `abc1234 HEAD@{…}: action: …` or a raw reflog \
                        line `<old> <new> Name <email> <epoch> <zone>\\t…`; names git-log*, reflog*, .git/logs/* \
                        as a hint",
        kinds: &[crate::git::KINDS],
        parser: |path| Box::new(crate::git::GitParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::Pm2AppLog,
        id: "pm2-app-log",
        description: "PM2 app logs (NAME-out.log, NAME-error.log, cluster NAME-out-N.log, rotated; plain, time: true \
                      prefixes, log_type json) and `pm2 logs --nostream` output; Node failures (EADDRINUSE, ENOSPC, \
                      ENOMEM, ECONNREFUSED, heap out of memory, uncaught exceptions) as kinds",
        recognised_by: "`pm2 logs` lines `0|api     | …` and `[TAILING]` headers by content; app log files by their \
                        names (*-out.log, *-error.log, *-out-N.log, *-out__date.log): the process name comes from it",
        kinds: &[crate::pm2_app_log::KINDS],
        parser: |path| Box::new(crate::pm2_app_log::Pm2AppLogParser::for_path(path)),
        snapshot: false,
    },
    Spec {
        format: Format::HostSnapshot,
        id: "host-snapshot",
        description: "host state snapshots: df -h/-k/-i, free -h/-m (also the old -/+ buffers/cache layout), the \
                      runbook's incident-state file (=== PM2 List === / Disk Space / Memory / Recent Git Commits)",
        recognised_by: "the runbook's `=== … ===` section headers, a df header (`Filesystem … Mounted on`) or a free \
                        header (`total used free shared buff/cache available`); incident-state-*.txt, df*.txt, \
                        free*.txt as a hint",
        kinds: &[crate::host_snapshot::KINDS, crate::pm2_table::KINDS, crate::git::KINDS],
        parser: |path| Box::new(crate::host_snapshot::HostSnapshotParser::for_path(path)),
        snapshot: true,
    },
    Spec {
        format: Format::Pm2Ecosystem,
        id: "pm2-ecosystem",
        description: "PM2 ecosystem files (CommonJS, ES module or JSON), read without running JavaScript: each \
                      app's name, script, cwd, exec_mode, instances, max_memory_restart; they feed the app inventory",
        recognised_by: "`module.exports =` / `export default` with an `apps:` array, or JSON `{\"apps\": [...]}`; \
                        names ecosystem*.config.{js,cjs,mjs,json} as a hint",
        kinds: &[crate::ecosystem::KINDS],
        parser: |path| Box::new(crate::ecosystem::EcosystemParser::for_path(path)),
        snapshot: false,
    },
];

impl Format {
    /// Every format, in a stable order.
    pub const ALL: &'static [Format] = &[
        Format::Pm2Log,
        Format::Syslog,
        Format::Journal,
        Format::Dmesg,
        Format::CiLog,
        Format::Workflow,
        Format::ShellHistory,
        Format::Nginx,
        Format::Pm2Jlist,
        Format::Pm2List,
        Format::Git,
        Format::Pm2AppLog,
        Format::HostSnapshot,
        Format::Pm2Ecosystem,
    ];

    fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.format == self).expect("every format has a spec row")
    }

    /// The stable id (`pm2-log`, `syslog`).
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The format with this id.
    pub fn from_id(id: &str) -> Option<Format> {
        SPECS.iter().find(|s| s.id == id).map(|s| s.format)
    }

    /// What the format is, for `postmortem formats`.
    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// How the sniffer recognises it, for `postmortem formats`.
    pub fn recognised_by(self) -> &'static str {
        self.spec().recognised_by
    }

    /// True for snapshots: outputs of a command at one moment (`pm2 jlist`, `df`), whose
    /// rows carry no time of their own.
    pub fn is_snapshot(self) -> bool {
        self.spec().snapshot
    }

    /// True when this format's parser keeps no state between lines (each line is decided
    /// alone), so that separate windows of one input may be parsed in parallel, each with a
    /// fresh parser, with the same records as one parser reading them in order.
    pub fn is_line_independent(self) -> bool {
        matches!(self, Format::Nginx)
    }

    /// A parser for a window in the middle of an input, as it would be after reading a
    /// record and settling (see [`LineParser::is_settled`]): `Some` for formats whose windows
    /// may be parsed in parallel and checked afterwards (line-independent formats, syslog).
    pub fn resumed_parser(self, path: &str) -> Option<Box<dyn LineParser + Send>> {
        match self {
            Format::Syslog => Some(Box::new(crate::syslog::SyslogParser::resumed())),
            f if f.is_line_independent() => Some(f.parser(path)),
            _ => None,
        }
    }

    /// Whether [`Format::resumed_parser`] gives a parser (without making one).
    pub fn has_resumed_parser(self) -> bool {
        self == Format::Syslog || self.is_line_independent()
    }

    /// A fresh parser for one input of this format. `path` is the input's path in the bundle
    /// (`/`-separated): some formats take context from it (an app log's process name, a
    /// history file's user, a snapshot's time).
    pub fn parser(self, path: &str) -> Box<dyn LineParser + Send> {
        (self.spec().parser)(path)
    }

    /// The event kinds this format's parser can emit, with their meanings.
    pub fn kinds(self) -> Vec<(&'static str, &'static str)> {
        self.spec().kinds.iter().flat_map(|k| k.iter().copied()).collect()
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_one_row_and_a_unique_id() {
        assert_eq!(SPECS.len(), Format::ALL.len());
        for (spec, format) in SPECS.iter().zip(Format::ALL) {
            assert_eq!(spec.format, *format, "rows in ALL order");
            assert_eq!(Format::from_id(spec.id), Some(*format));
            assert!(!format.kinds().is_empty());
        }
    }
}
