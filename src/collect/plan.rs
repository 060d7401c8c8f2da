//! What `collect` gathers and where it goes in the bundle, decided without touching the host.
//!
//! Every function here is pure: it takes what the runner observed (a directory listing, the
//! text of `/etc/passwd`, the output of `pm2 jlist`, whether `pm2.pid` names a live process)
//! and returns the commands to run, the files to copy and their paths inside the archive.
//! The runner (`runner.rs`) does the reading and running; these decisions are unit-tested.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, Utc};

/// How much of the end of `pm2.log` (and each rotated one) is kept.
pub const PM2_LOG_TAIL: u64 = 64 << 20;

/// How much of the end of each PM2 app log is kept by default (`--app-log-mib`).
pub const DEFAULT_APP_LOG_TAIL: u64 = 16 << 20;

/// A command to run read-only and whose stdout goes into the bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// Where its stdout goes inside the archive (`commands/pm2-jlist.json`).
    pub output: String,
    /// Program and arguments.
    pub argv: Vec<String>,
    /// Environment variables set for it (`PM2_HOME`).
    pub env: Vec<(String, String)>,
}

impl CommandSpec {
    fn new(output: impl Into<String>, argv: &[&str]) -> CommandSpec {
        CommandSpec {
            output: output.into(),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    /// The command line as a person would type it (for the manifest and progress lines).
    pub fn command_line(&self) -> String {
        let quote = |a: &String| {
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=@:%+,".contains(c)) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        };
        let env = self.env.iter().map(|(k, v)| format!("{k}={}", quote(v)));
        env.chain(self.argv.iter().map(quote)).collect::<Vec<_>>().join(" ")
    }
}

/// A file to copy into the bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// Its absolute path on the host.
    pub path: PathBuf,
    /// Keep only this many bytes from its end (logs); `None` keeps all of it.
    pub tail: Option<u64>,
    /// Whether its absence is worth recording (a file asked for by name, not one found by
    /// listing a directory).
    pub expected: bool,
}

impl FileSpec {
    fn whole(path: PathBuf, expected: bool) -> FileSpec {
        FileSpec { path, tail: None, expected }
    }
}

/// Whether a PM2 daemon is running, decided from `$PM2_HOME/pm2.pid` and `rpc.sock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaemonState {
    /// `pm2.pid` names a live process and the RPC socket exists: pm2 commands are safe.
    Running {
        /// The daemon's pid.
        pid: u32,
    },
    /// Running any pm2 command would start a daemon (and write a banner into pm2.log).
    NotRunning {
        /// What was found, in words.
        reason: String,
    },
}

/// Decides whether a daemon runs: the pid file's text (if it could be read), whether that
/// pid is a live process, whether the RPC socket exists.
pub fn daemon_state(
    pid_text: Option<&str>,
    is_alive: impl Fn(u32) -> bool,
    socket_exists: bool,
) -> DaemonState {
    let not = |reason: &str| DaemonState::NotRunning { reason: format!("no PM2 daemon running: {reason}") };
    let Some(text) = pid_text else { return not("no pm2.pid") };
    let Ok(pid) = text.trim().parse::<u32>() else { return not("pm2.pid does not hold a pid") };
    if !is_alive(pid) {
        return not(&format!("pm2.pid names pid {pid}, which is not running"));
    }
    if !socket_exists {
        return not(&format!("pid {pid} from pm2.pid is alive but there is no rpc.sock"));
    }
    DaemonState::Running { pid }
}

/// The PM2 commands of the runbook's Initial Assessment; none unless a daemon runs.
pub fn pm2_commands(daemon: &DaemonState, pm2_home: &Path) -> Vec<CommandSpec> {
    if !matches!(daemon, DaemonState::Running { .. }) {
        return Vec::new();
    }
    let env = vec![("PM2_HOME".to_string(), pm2_home.display().to_string())];
    vec![
        CommandSpec { env: env.clone(), ..CommandSpec::new("commands/pm2-jlist.json", &["pm2", "jlist"]) },
        CommandSpec { env, ..CommandSpec::new("commands/pm2-list.txt", &["pm2", "list"]) },
    ]
}

/// Where the journal of the window goes in the bundle.
pub const JOURNAL_WINDOW_OUTPUT: &str = "commands/journalctl.json";

/// The host's state (disk, memory, clock, the PM2 systemd unit) and the journal: the window
/// from `since`, plus the kernel messages of this and the previous boot from before the window
/// (the window's own kernel lines are already in `journalctl.json`).
pub fn system_commands(since: DateTime<Utc>, pm2_user: &str) -> Vec<CommandSpec> {
    let since_arg = format!("@{}", since.timestamp());
    let unit = format!("pm2-{pm2_user}");
    vec![
        CommandSpec::new("commands/df-h.txt", &["df", "-h"]),
        CommandSpec::new("commands/df-i.txt", &["df", "-i"]),
        CommandSpec::new("commands/free-h.txt", &["free", "-h"]),
        CommandSpec::new("commands/uptime.txt", &["uptime"]),
        CommandSpec::new("commands/timedatectl.txt", &["timedatectl"]),
        CommandSpec::new("commands/systemctl-status-pm2.txt", &["systemctl", "status", &unit, "--no-pager"]),
        CommandSpec::new(
            JOURNAL_WINDOW_OUTPUT,
            &["journalctl", "-o", "json", "--no-pager", "--since", &since_arg],
        ),
        CommandSpec::new(
            "commands/journalctl-kernel-this-boot.json",
            &["journalctl", "-k", "-b", "0", "-o", "json", "--no-pager", "--until", &since_arg],
        ),
        CommandSpec::new(
            "commands/journalctl-kernel-previous-boot.json",
            &["journalctl", "-k", "-b", "-1", "-o", "json", "--no-pager", "--until", &since_arg],
        ),
    ]
}

/// `git log` and `git reflog` of one app directory, under `commands/git/<dir>/`.
pub fn git_commands(dir: &Path) -> Vec<CommandSpec> {
    let d = dir.display().to_string();
    let base = format!("commands/git/{}", relative_archive_path(dir));
    // safe.directory: a responder (often root) reads repositories owned by the deploy user.
    let git = |args: &[&str]| {
        let mut argv = vec!["git", "-c", "safe.directory=*", "-C", &d];
        argv.extend_from_slice(args);
        argv.into_iter().map(String::from).collect::<Vec<_>>()
    };
    vec![
        CommandSpec {
            output: format!("{base}/git-log.txt"),
            argv: git(&["log", "--pretty=fuller", "--name-status", "-n", "50"]),
            env: Vec::new(),
        },
        CommandSpec {
            output: format!("{base}/git-reflog.txt"),
            argv: git(&["reflog", "--date=iso"]),
            env: Vec::new(),
        },
    ]
}

/// Where a host file goes inside the archive: its absolute path under `files/`
/// (`/var/log/auth.log` → `files/var/log/auth.log`).
pub fn archive_file_path(original: &Path) -> String {
    format!("files/{}", relative_archive_path(original))
}

/// An absolute path without its root, `/`-separated; `.`/`..` dropped so an entry never
/// leaves its directory in the archive.
fn relative_archive_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// One PM2 process as `pm2 jlist` describes it (only what collect needs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pm2App {
    /// The process name.
    pub name: String,
    /// Its working directory (`pm_cwd`): the app directory.
    pub cwd: Option<PathBuf>,
    /// Its stdout log (`pm_out_log_path`).
    pub out_log: Option<PathBuf>,
    /// Its stderr log (`pm_err_log_path`).
    pub err_log: Option<PathBuf>,
}

/// The processes of a `pm2 jlist` output. The CLI may print warnings before the JSON
/// (`[PM2] In-memory PM2 is out-of-date …`), so the JSON is the first line from which the rest
/// reads as an array; unreadable output gives no apps (the raw output is in the bundle anyway).
pub fn apps_from_jlist(output: &[u8]) -> Vec<Pm2App> {
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', output).map(|i| i + 1));
    let array_from = |i: usize| match serde_json::from_slice::<serde_json::Value>(&output[i..]) {
        Ok(serde_json::Value::Array(items)) => Some(items),
        _ => None,
    };
    let Some(items) = line_starts.filter(|&i| output.get(i) == Some(&b'[')).find_map(array_from) else {
        return Vec::new();
    };
    let path = |env: &serde_json::Value, key: &str| env.get(key).and_then(|v| v.as_str()).map(PathBuf::from);
    items
        .iter()
        .map(|item| {
            let env = item.get("pm2_env").unwrap_or(&serde_json::Value::Null);
            Pm2App {
                name: item.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                cwd: path(env, "pm_cwd"),
                out_log: path(env, "pm_out_log_path"),
                err_log: path(env, "pm_err_log_path"),
            }
        })
        .collect()
}

/// The app directories: `--app-dir`s first, then each process's `pm_cwd`, without repeats.
pub fn app_dirs(explicit: &[PathBuf], apps: &[Pm2App]) -> Vec<PathBuf> {
    let mut seen = BTreeSet::new();
    explicit
        .iter()
        .chain(apps.iter().filter_map(|a| a.cwd.as_ref()))
        .filter(|d| seen.insert(d.to_path_buf()))
        .cloned()
        .collect()
}

/// The sub-directories of an app directory whose files are CI workflows.
pub const WORKFLOW_DIRS: [&str; 3] = [".github/workflows", ".gitea/workflows", ".forgejo/workflows"];

/// Whether a file name is a PM2 ecosystem file (`ecosystem.config.cjs`, `ecosystem-test.config.js`,
/// `ecosystem.json`, `ecosystem.yml`).
pub fn is_ecosystem_file(name: &str) -> bool {
    name.starts_with("ecosystem")
        && [".js", ".cjs", ".mjs", ".json", ".yml", ".yaml"].iter().any(|e| name.ends_with(e))
}

/// Whether a file name in a workflow directory is a workflow.
pub fn is_workflow_file(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}

/// The files of one app directory worth keeping: its ecosystem files (`root_names`: the
/// names directly in it) and its workflows (`workflows`: each workflow directory with the
/// names in it).
pub fn app_dir_files(dir: &Path, root_names: &[String], workflows: &[(&str, Vec<String>)]) -> Vec<FileSpec> {
    let mut files: Vec<FileSpec> = root_names
        .iter()
        .filter(|n| is_ecosystem_file(n))
        .map(|n| FileSpec::whole(dir.join(n), false))
        .collect();
    for (sub, names) in workflows {
        files.extend(
            names
                .iter()
                .filter(|n| is_workflow_file(n))
                .map(|n| FileSpec::whole(dir.join(sub).join(n), false)),
        );
    }
    files
}

/// The files of `$PM2_HOME`: `pm2.log` and its rotations (`pm2.log.1`, pm2-logrotate's
/// `pm2__2026-02-17_00-00-00.log`) with their tails, and the saved process list (`dump.pm2`).
pub fn pm2_home_files(pm2_home: &Path, names: &[String]) -> Vec<FileSpec> {
    let mut files =
        vec![FileSpec { path: pm2_home.join("pm2.log"), tail: Some(PM2_LOG_TAIL), expected: true }];
    let mut rest: Vec<&String> = names.iter().filter(|n| n.as_str() != "pm2.log").collect();
    rest.sort();
    for name in rest {
        if name.starts_with("pm2.log") || (name.starts_with("pm2__") && name.contains(".log")) {
            files.push(FileSpec { path: pm2_home.join(name), tail: Some(PM2_LOG_TAIL), expected: false });
        } else if name == "dump.pm2" || name == "dump.pm2.bak" {
            files.push(FileSpec::whole(pm2_home.join(name), false));
        }
    }
    files
}

/// The PM2 app logs: every `*.log*` in `$PM2_HOME/logs` (current and rotated), plus the logs
/// jlist names elsewhere (an ecosystem's `out_file`), each with its last `tail` bytes.
pub fn app_log_files(logs_dir: &Path, names: &[String], apps: &[Pm2App], tail: u64) -> Vec<FileSpec> {
    let mut paths = BTreeSet::new();
    paths.extend(names.iter().filter(|n| n.contains(".log")).map(|n| logs_dir.join(n)));
    // `/dev/null` is how an ecosystem turns a log off.
    paths.extend(
        apps.iter()
            .flat_map(|a| [&a.out_log, &a.err_log])
            .flatten()
            .filter(|p| !p.starts_with("/dev"))
            .cloned(),
    );
    paths.into_iter().map(|path| FileSpec { path, tail: Some(tail), expected: false }).collect()
}

/// `/var/log/auth.log` and its rotations, from the names in `/var/log`.
pub fn auth_log_files(var_log: &Path, names: &[String]) -> Vec<FileSpec> {
    let mut found: Vec<&String> = names.iter().filter(|n| n.starts_with("auth.log")).collect();
    found.sort();
    let mut files = vec![FileSpec::whole(var_log.join("auth.log"), true)];
    files.extend(
        found
            .into_iter()
            .filter(|n| n.as_str() != "auth.log")
            .map(|n| FileSpec::whole(var_log.join(n), false)),
    );
    files
}

/// The users an auth log shows logging in (sshd's `Accepted … for USER`, pam's
/// `session opened for user USER`), sorted.
pub fn logged_in_users(auth_text: &str) -> BTreeSet<String> {
    let mut users = BTreeSet::new();
    for line in auth_text.lines() {
        let user = if let Some(i) = line.find("Accepted ") {
            line[i..].split_once(" for ").and_then(|(_, rest)| rest.split_whitespace().next())
        } else if let Some(i) = line.find("session opened for user ") {
            line[i + "session opened for user ".len()..].split(|c: char| c.is_whitespace() || c == '(').next()
        } else {
            None
        };
        if let Some(u) = user.filter(|u| !u.is_empty() && *u != "invalid") {
            users.insert(u.to_string());
        }
    }
    users
}

/// A user's home directory from the text of `/etc/passwd`.
pub fn home_of(passwd: &str, user: &str) -> Option<PathBuf> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 7 && fields[0] == user && !fields[5].is_empty()).then(|| PathBuf::from(fields[5]))
    })
}

/// The shell history files of a home directory.
pub fn history_files(home: &Path) -> Vec<FileSpec> {
    [".bash_history", ".zsh_history", ".history"]
        .iter()
        .map(|n| FileSpec::whole(home.join(n), false))
        .collect()
}

/// The host's IANA zone: `timedatectl`'s `Time zone:` line, else the target of the
/// `/etc/localtime` link (`…/zoneinfo/Europe/Berlin`: what libc and Node.js, so PM2, use),
/// else Debian's `/etc/timezone`.
pub fn timezone(
    timedatectl: Option<&str>,
    etc_timezone: Option<&str>,
    localtime_target: Option<&Path>,
) -> Option<String> {
    let from_timedatectl = timedatectl.and_then(|t| {
        t.lines().find_map(|l| l.trim().strip_prefix("Time zone:")).and_then(|r| r.split_whitespace().next())
    });
    let from_file = etc_timezone.map(str::trim).filter(|t| !t.is_empty() && !t.contains(char::is_whitespace));
    let from_link = localtime_target.and_then(|p| {
        let s = p.to_str()?;
        s.split_once("zoneinfo/").map(|(_, zone)| zone)
    });
    from_timedatectl.or(from_link).or(from_file).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_daemon_runs_only_with_a_live_pid_and_a_socket() {
        let alive = |pid| pid == 42;
        assert_eq!(daemon_state(Some("42\n"), alive, true), DaemonState::Running { pid: 42 });
        let reason = |s: DaemonState| match s {
            DaemonState::NotRunning { reason } => reason,
            other => panic!("expected not running, got {other:?}"),
        };
        assert_eq!(reason(daemon_state(None, alive, true)), "no PM2 daemon running: no pm2.pid");
        assert!(reason(daemon_state(Some("7"), alive, true)).contains("pid 7, which is not running"));
        assert!(reason(daemon_state(Some("42"), alive, false)).contains("no rpc.sock"));
        assert!(reason(daemon_state(Some("garbage"), alive, true)).contains("does not hold a pid"));
    }

    #[test]
    fn no_pm2_command_without_a_daemon() {
        let home = Path::new("/home/deploy/.pm2");
        let not = DaemonState::NotRunning { reason: "x".into() };
        assert!(pm2_commands(&not, home).is_empty());
        let cmds = pm2_commands(&DaemonState::Running { pid: 1 }, home);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].command_line(), "PM2_HOME=/home/deploy/.pm2 pm2 jlist");
        assert_eq!(cmds[0].output, "commands/pm2-jlist.json");
    }

    #[test]
    fn journal_window_and_kernel_boots_do_not_overlap() {
        let since = DateTime::parse_from_rfc3339("2026-02-17T14:00:00Z").unwrap().with_timezone(&Utc);
        let cmds = system_commands(since, "deploy");
        let line = |out: &str| cmds.iter().find(|c| c.output == out).unwrap().command_line();
        assert_eq!(line("commands/journalctl.json"), "journalctl -o json --no-pager --since @1771336800");
        assert_eq!(
            line("commands/journalctl-kernel-previous-boot.json"),
            "journalctl -k -b -1 -o json --no-pager --until @1771336800"
        );
        assert_eq!(line("commands/systemctl-status-pm2.txt"), "systemctl status pm2-deploy --no-pager");
    }

    #[test]
    fn archive_paths_keep_the_original_path_under_files() {
        assert_eq!(archive_file_path(Path::new("/var/log/auth.log")), "files/var/log/auth.log");
        assert_eq!(archive_file_path(Path::new("/a/../../etc/x")), "files/a/etc/x");
        let git = git_commands(Path::new("/var/www/shop"));
        assert_eq!(git[0].output, "commands/git/var/www/shop/git-log.txt");
        assert_eq!(git[1].command_line(), "git -c 'safe.directory=*' -C /var/www/shop reflog --date=iso");
    }

    #[test]
    fn jlist_gives_names_directories_and_logs() {
        let out = br#"[PM2] In-memory PM2 is out-of-date
[{"name":"shop-api","pm2_env":{"pm_cwd":"/var/www/shop","pm_out_log_path":"/root/.pm2/logs/shop-api-out.log",
 "pm_err_log_path":"/dev/null"}},{"name":"bare"}]"#;
        let apps = apps_from_jlist(out);
        assert_eq!(apps.len(), 2);
        assert_eq!(apps[0].cwd.as_deref(), Some(Path::new("/var/www/shop")));
        assert_eq!(apps[1], Pm2App { name: "bare".into(), ..Pm2App::default() });
        assert!(apps_from_jlist(b"[PM2] error").is_empty());

        let dirs = app_dirs(&[PathBuf::from("/srv/billing"), PathBuf::from("/var/www/shop")], &apps);
        assert_eq!(dirs, vec![PathBuf::from("/srv/billing"), PathBuf::from("/var/www/shop")]);

        let logs = app_log_files(
            Path::new("/root/.pm2/logs"),
            &names(&["a-out.log", "a-out__2026.log", "x.txt"]),
            &apps,
            9,
        );
        let paths: Vec<_> = logs.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "/root/.pm2/logs/a-out.log",
                "/root/.pm2/logs/a-out__2026.log",
                "/root/.pm2/logs/shop-api-out.log"
            ]
        );
        assert!(logs.iter().all(|f| f.tail == Some(9)));
    }

    #[test]
    fn app_directories_give_ecosystems_and_workflows() {
        let files = app_dir_files(
            Path::new("/srv/app"),
            &names(&["ecosystem.config.cjs", "ecosystem-test.config.js", "package.json", "ecosystem"]),
            &[(".gitea/workflows", names(&["deploy.yml", "README.md"]))],
        );
        let paths: Vec<_> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "/srv/app/ecosystem.config.cjs",
                "/srv/app/ecosystem-test.config.js",
                "/srv/app/.gitea/workflows/deploy.yml"
            ]
        );
    }

    #[test]
    fn pm2_home_and_auth_logs_with_rotations() {
        let home = pm2_home_files(
            Path::new("/h/.pm2"),
            &names(&[
                "pm2.pid",
                "rpc.sock",
                "pm2.log",
                "pm2.log.1",
                "pm2__2026-02-17_00-00-00.log",
                "dump.pm2",
                "logs",
            ]),
        );
        let paths: Vec<_> = home.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "/h/.pm2/pm2.log",
                "/h/.pm2/dump.pm2",
                "/h/.pm2/pm2.log.1",
                "/h/.pm2/pm2__2026-02-17_00-00-00.log"
            ]
        );
        assert!(home[0].expected && home[0].tail == Some(PM2_LOG_TAIL));
        assert_eq!(home[1].tail, None);

        let auth = auth_log_files(Path::new("/var/log"), &names(&["syslog", "auth.log.2.gz", "auth.log.1"]));
        let paths: Vec<_> = auth.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(paths, ["/var/log/auth.log", "/var/log/auth.log.1", "/var/log/auth.log.2.gz"]);
    }

    #[test]
    fn users_homes_histories_and_zone() {
        let auth = "Feb 17 15:31:06 web sshd[1]: Accepted publickey for gitea-runner from 10.0.0.1 port 22 ssh2\n\
                    Feb 17 15:32:00 web sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)\n\
                    Feb 17 15:33:00 web sshd[2]: Failed password for invalid user admin from 10.0.0.9\n";
        let users: Vec<_> = logged_in_users(auth).into_iter().collect();
        assert_eq!(users, ["gitea-runner", "root"]);
        let journal_line =
            r#"{"__REALTIME_TIMESTAMP":"1","MESSAGE":"Accepted password for bob from 10.0.0.2 port 5 ssh2"}"#;
        assert_eq!(logged_in_users(journal_line).into_iter().collect::<Vec<_>>(), ["bob"]);

        let passwd = "root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/bash\n";
        assert_eq!(home_of(passwd, "deploy"), Some(PathBuf::from("/home/deploy")));
        assert_eq!(home_of(passwd, "nobody"), None);
        assert_eq!(history_files(Path::new("/root"))[0].path, PathBuf::from("/root/.bash_history"));

        let td = "               Local time: Tue 2026-02-17 15:00:00 CET\n                Time zone: Europe/Berlin (CET, +0100)\n";
        assert_eq!(timezone(Some(td), Some("Etc/UTC\n"), None).as_deref(), Some("Europe/Berlin"));
        assert_eq!(timezone(None, Some("Etc/UTC\n"), None).as_deref(), Some("Etc/UTC"));
        let berlin = Path::new("/usr/share/zoneinfo/Europe/Berlin");
        assert_eq!(timezone(None, Some("Etc/UTC\n"), Some(berlin)).as_deref(), Some("Europe/Berlin"));
        let link = Path::new("/usr/share/zoneinfo/America/New_York");
        assert_eq!(
            timezone(Some("Failed to connect to bus"), None, Some(link)).as_deref(),
            Some("America/New_York")
        );
        assert_eq!(timezone(None, None, None), None);
    }
}
