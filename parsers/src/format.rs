//! The formats postmortem reads, with their stable ids and how each is recognised.

use crate::dmesg::DmesgParser;
use crate::journal::JournalParser;
use crate::pm2_log::Pm2LogParser;
use crate::record::LineParser;
use crate::syslog::SyslogParser;

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
}

impl Format {
    /// Every format, in a stable order.
    pub const ALL: &'static [Format] = &[Format::Pm2Log, Format::Syslog, Format::Journal, Format::Dmesg];

    /// True for snapshots: outputs of a command at one moment (`pm2 jlist`, `df`), whose
    /// rows carry no time of their own.
    pub fn is_snapshot(self) -> bool {
        false
    }

    /// The stable id (`pm2-log`, `syslog`).
    pub fn id(self) -> &'static str {
        match self {
            Format::Pm2Log => "pm2-log",
            Format::Syslog => "syslog",
            Format::Journal => "journal",
            Format::Dmesg => "dmesg",
        }
    }

    /// The format with this id.
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.id() == id)
    }

    /// What the format is, for `postmortem formats`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Pm2Log => "PM2 daemon log (~/.pm2/pm2.log), every prefix generation from PM2 0.x to 7.x",
            Format::Syslog => {
                "syslog text: auth.log, secure, syslog, messages, kern.log (RFC3164, rsyslog ISO-8601, RFC5424)"
            }
            Format::Journal => "journalctl output: short* text modes, with-unit, -o json, -o export",
            Format::Dmesg => "the kernel ring buffer as dmesg prints it (monotonic, -T, -r, --time-format iso)",
        }
    }

    /// How the sniffer recognises it, for `postmortem formats`.
    pub fn recognised_by(self) -> &'static str {
        match self {
            Format::Pm2Log => {
                "lines start `YYYY-MM-DDTHH:mm:ss: PM2 log|info|warn|error: `, `[YYYY-MM-DD HH:mm:ss] PM2 …`, \
                 `[…Z] PM2 …` or, for PM2 ≤ 2.9, `YYYY-MM-DD HH:mm:ss: ` followed by a PM2 message; \
                 file name pm2.log / pm2__*.log as a hint"
            }
            Format::Syslog => {
                "lines start `Mmm dd HH:MM:SS host tag[pid]:`, `<ISO-8601> host tag[pid]:` or `<PRI>1 ` (RFC5424); \
                 file names auth.log, secure, syslog, messages, kern.log as a hint"
            }
            Format::Journal => {
                "syslog-like lines plus something only journalctl writes: `-- Boot …/Reboot/Logs begin/Journal \
                 begins/No entries --` lines, JSON objects with `__REALTIME_TIMESTAMP`, `__CURSOR=` export \
                 entries, `Tue 2026-02-17 14:30:00 UTC host …`, epoch `1771338600.260000 host …` or \
                 `[  812.814801] host …` monotonic stamps; file names journal*, journalctl* as a hint"
            }
            Format::Dmesg => {
                "lines start `[  812.814801] `, `<3>[  812.814801] `, `[Mon Dec  8 17:51:31 2025] ` or \
                 `2025-12-08T17:51:31,123456+01:00 ` followed by a kernel message (not `host ident:`); \
                 file names dmesg* as a hint"
            }
        }
    }

    /// A fresh parser for one input of this format. `path` is the input's path in the bundle
    /// (`/`-separated): some formats take context from it (an app log's process name, a
    /// history file's user, a snapshot's time).
    pub fn parser(self, path: &str) -> Box<dyn LineParser + Send> {
        let _ = path;
        match self {
            Format::Pm2Log => Box::<Pm2LogParser>::default(),
            Format::Syslog => Box::<SyslogParser>::default(),
            Format::Journal => Box::<JournalParser>::default(),
            Format::Dmesg => Box::<DmesgParser>::default(),
        }
    }

    /// The event kinds this format's parser can emit, with their meanings.
    pub fn kinds(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Format::Pm2Log => crate::pm2_log::KINDS.to_vec(),
            Format::Syslog => crate::syslog::KINDS
                .iter()
                .chain(crate::auth::KINDS)
                .chain(crate::systemd::KINDS)
                .chain(crate::kernel::KINDS)
                .copied()
                .collect(),
            Format::Journal => crate::journal::KINDS
                .iter()
                .chain(crate::auth::KINDS)
                .chain(crate::systemd::KINDS)
                .chain(crate::kernel::KINDS)
                .copied()
                .collect(),
            Format::Dmesg => crate::kernel::KINDS.to_vec(),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
