//! `postmortem collect`: the runbook's Initial Assessment and Document Initial State as one
//! read-only capture of a PM2 host into an evidence bundle (`.tar.gz`) that `analyze` reads.
//!
//! The archive holds host files under `files/<original path>`, command outputs under
//! `commands/`, and `manifest.json` (see [`crate::evidence::manifest`]): host, timezone,
//! `captured_at`, every file with size, mtime and SHA-256, every command with argv, exit code
//! and duration, the PM2 daemon found, and everything missing (never fatal).
//!
//! It never changes the server: any pm2 command starts a daemon when none runs (and writes a
//! new banner into pm2.log), so pm2 is run only when `pm2.pid` names a live process and
//! `rpc.sock` exists; files are opened read-only; nothing is written but the output archive
//! (and its scratch directory next to it, removed at the end), and never inside a directory
//! the evidence comes from.
//!
//! `plan.rs` decides (pure, unit-tested), `runner.rs` touches the host, `bundle.rs` writes.

pub mod bundle;
pub mod plan;
pub mod runner;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::evidence::manifest::{Manifest, ManifestDaemon};
use bundle::BundleWriter;
use plan::{DaemonState, FileSpec};

/// What stops a collection (everything else is recorded in the manifest and collection goes on).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The bundle could not be written.
    #[error("cannot write {path}: {source} (choose an --out in a writable directory with free space)")]
    Write {
        /// The path being written.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// `--out` exists already.
    #[error("{0} already exists; choose a new --out (collect never overwrites evidence)")]
    Exists(PathBuf),
    /// `--out` lies inside a directory the evidence is read from.
    #[error("--out {out} is inside {evidence}, which collect reads evidence from; write the bundle elsewhere (e.g. /tmp)")]
    IntoEvidence {
        /// The output path.
        out: PathBuf,
        /// The evidence directory.
        evidence: PathBuf,
    },
    /// `--user` names no account.
    #[error("no user {0:?} in /etc/passwd; --user names the account PM2 runs as (e.g. gitea-runner)")]
    UnknownUser(String),
}

/// What to collect and where to put it.
#[derive(Clone, Debug)]
pub struct CollectOptions {
    /// The bundle to write (`.tar.gz`).
    pub out: PathBuf,
    /// App directories besides the daemon's `pm_cwd`s.
    pub app_dirs: Vec<PathBuf>,
    /// Start of the journal window.
    pub since: DateTime<Utc>,
    /// The account PM2 runs as (default: the current user).
    pub user: Option<String>,
    /// Bytes kept from the end of each PM2 app log.
    pub app_log_tail: u64,
}

/// Collects the bundle; `progress` gets one line per step (for stderr). Returns the manifest
/// written.
pub fn collect(options: &CollectOptions, progress: &mut dyn FnMut(&str)) -> Result<Manifest, CollectError> {
    let captured_at = bundle::second(Utc::now());
    if options.out.exists() {
        return Err(CollectError::Exists(options.out.clone()));
    }
    let passwd = runner::small_text(Path::new("/etc/passwd")).unwrap_or_default();
    let (user, home) = pm2_user(options.user.as_deref(), &passwd)?;
    let pm2_home = std::env::var_os("PM2_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".pm2"));
    refuse_evidence_dirs(
        &options.out,
        [pm2_home.as_path(), Path::new("/var/log")]
            .into_iter()
            .chain(options.app_dirs.iter().map(PathBuf::as_path)),
    )?;

    let manifest = Manifest {
        collector: Some(format!("postmortem collect {}", env!("CARGO_PKG_VERSION"))),
        host: runner::hostname(),
        captured_at: Some(captured_at),
        ..Manifest::default()
    };
    let mut bundle = BundleWriter::create(&options.out, manifest)?;

    // 1. PM2, first: the state as it is now, and only through a running daemon.
    let daemon = runner::observe_daemon(&pm2_home);
    let (pid, detail) = match &daemon {
        DaemonState::Running { pid } => (Some(*pid), format!("PM2 daemon running (pid {pid})")),
        DaemonState::NotRunning { reason } => (None, format!("{reason}; ran no pm2 command")),
    };
    progress(&format!("PM2_HOME {}: {detail}", pm2_home.display()));
    bundle.manifest.pm2_daemon = Some(ManifestDaemon {
        pm2_home: pm2_home.display().to_string(),
        running: pid.is_some(),
        pid,
        detail,
    });
    let mut apps = Vec::new();
    for spec in plan::pm2_commands(&daemon, &pm2_home) {
        let captured = run(&mut bundle, &spec, progress)?;
        if spec.output.ends_with("jlist.json") {
            apps = plan::apps_from_jlist(&std::fs::read(&captured.scratch).unwrap_or_default());
        }
    }

    // 2. The host: disk, memory, clock, the pm2 unit, the journal.
    let (mut timedatectl, mut journal) = (None, None);
    for spec in plan::system_commands(options.since, &user) {
        let captured = run(&mut bundle, &spec, progress)?;
        if spec.argv[0] == "timedatectl" && captured.exit_code == Some(0) {
            timedatectl = runner::small_text(&captured.scratch);
        } else if spec.output == plan::JOURNAL_WINDOW_OUTPUT {
            journal = Some(captured.scratch);
        }
    }
    let etc_timezone =
        bundle.add_file(&FileSpec { path: "/etc/timezone".into(), tail: None, expected: false })?;
    let etc_timezone = etc_timezone.and_then(|p| runner::small_text(&p));
    bundle.manifest.timezone = plan::timezone(
        timedatectl.as_deref(),
        etc_timezone.as_deref(),
        runner::localtime_target().as_deref(),
    );

    // 3. PM2's files.
    progress("copying pm2.log, dump.pm2 and the app logs");
    let home_names = listed(&mut bundle, &pm2_home, true);
    let logs_dir = pm2_home.join("logs");
    let log_names = listed(&mut bundle, &logs_dir, false);
    let files = plan::pm2_home_files(&pm2_home, &home_names).into_iter().chain(plan::app_log_files(
        &logs_dir,
        &log_names,
        &apps,
        options.app_log_tail,
    ));
    for spec in files {
        bundle.add_file(&spec)?;
    }

    // 4. Who was on the host: auth logs, then the shell histories of the PM2 user and of
    //    everyone the auth logs or the journal's window show logging in.
    progress("copying /var/log/auth.log* and shell histories");
    let var_log = Path::new("/var/log");
    let mut users = BTreeSet::from([user.clone()]);
    if let Some(file) = journal.and_then(|p| std::fs::File::open(p).ok()) {
        use std::io::BufRead;
        for line in io::BufReader::new(file).lines().map_while(Result::ok) {
            users.extend(plan::logged_in_users(&line));
        }
    }
    for spec in plan::auth_log_files(var_log, &listed(&mut bundle, var_log, true)) {
        let copy = bundle.add_file(&spec)?;
        if let Some(text) =
            copy.filter(|_| !spec.path.to_string_lossy().ends_with(".gz")).and_then(|p| std::fs::read(p).ok())
        {
            users.extend(plan::logged_in_users(&String::from_utf8_lossy(&text)));
        }
    }
    let mut homes = BTreeSet::from([home.clone()]);
    homes.extend(users.iter().filter_map(|u| plan::home_of(&passwd, u)));
    for home in &homes {
        for spec in plan::history_files(home) {
            bundle.add_file(&spec)?;
        }
    }

    // 5. Each app directory: what was deployed, how, and by which workflow.
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in plan::app_dirs(&options.app_dirs, &apps) {
        match dir.canonicalize() {
            Ok(dir) if !dirs.contains(&dir) => dirs.push(dir),
            Ok(_) => {}
            Err(e) => bundle.missing(dir.display().to_string(), crate::evidence::io_words(&e)),
        }
    }
    for dir in dirs {
        progress(&format!("app directory {}: git log, reflog, ecosystem and workflow files", dir.display()));
        for spec in plan::git_commands(&dir) {
            run(&mut bundle, &spec, progress)?;
        }
        let root_names = runner::dir_names(&dir).unwrap_or_default();
        let workflows: Vec<(&str, Vec<String>)> = plan::WORKFLOW_DIRS
            .iter()
            .map(|sub| (*sub, runner::dir_names(&dir.join(sub)).unwrap_or_default()))
            .collect();
        for spec in plan::app_dir_files(&dir, &root_names, &workflows) {
            bundle.add_file(&spec)?;
        }
    }

    let manifest = bundle.finish()?;
    progress(&format!(
        "wrote {}: {} files, {} commands, {} missing",
        options.out.display(),
        manifest.files.len(),
        manifest.commands.len(),
        manifest.missing.len()
    ));
    Ok(manifest)
}

/// Runs one command into the bundle with a progress line.
fn run(
    bundle: &mut BundleWriter,
    spec: &plan::CommandSpec,
    progress: &mut dyn FnMut(&str),
) -> Result<bundle::Captured, CollectError> {
    let captured = bundle.add_command(spec)?;
    let outcome = match (captured.exit_code, bundle.manifest.commands.last().and_then(|c| c.error.as_deref()))
    {
        (_, Some(error)) => error.to_string(),
        (Some(code), None) => format!("exit {code}"),
        (None, None) => "ended by a signal".to_string(),
    };
    progress(&format!("$ {}: {outcome}", spec.command_line()));
    Ok(captured)
}

/// A directory's names. One that cannot be read is recorded as missing; so is one that does
/// not exist when `expected`.
fn listed(bundle: &mut BundleWriter, dir: &Path, expected: bool) -> Vec<String> {
    match runner::dir_names(dir) {
        Ok(names) => names,
        Err(e) => {
            if expected || e.kind() != io::ErrorKind::NotFound {
                bundle.missing(dir.display().to_string(), crate::evidence::io_words(&e));
            }
            Vec::new()
        }
    }
}

/// The PM2 user and their home: `--user` (which must exist), else the current user.
fn pm2_user(user: Option<&str>, passwd: &str) -> Result<(String, PathBuf), CollectError> {
    if let Some(user) = user {
        let home = plan::home_of(passwd, user).ok_or_else(|| CollectError::UnknownUser(user.to_string()))?;
        return Ok((user.to_string(), home));
    }
    let name = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "root".into());
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .or_else(|| plan::home_of(passwd, &name))
        .unwrap_or_else(|| "/root".into());
    Ok((name, home))
}

/// Refuses an `--out` inside a directory collect reads evidence from.
fn refuse_evidence_dirs<'a>(
    out: &Path,
    evidence: impl Iterator<Item = &'a Path>,
) -> Result<(), CollectError> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(parent) = parent.canonicalize() else { return Ok(()) };
    for dir in evidence {
        if let Ok(dir) = dir.canonicalize() {
            if parent.starts_with(&dir) {
                return Err(CollectError::IntoEvidence { out: out.to_path_buf(), evidence: dir });
            }
        }
    }
    Ok(())
}
