//! `postmortem collect` through the binary, without a PM2 daemon: a fake PM2_HOME, an app
//! directory with git history, an ecosystem file and a workflow, and a PATH whose `pm2`
//! leaves a mark if anything runs it. The bundle must be readable by `inputs`/`analyze`,
//! record everything it could not get, and leave the evidence untouched.

mod common;

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{sha256_file, stderr, stdout};

/// The entries of a `.tar.gz`, path → bytes.
fn entries(bundle: &Path) -> Vec<(String, Vec<u8>)> {
    let gz = flate2::read::GzDecoder::new(fs::File::open(bundle).expect("bundle exists"));
    let mut archive = tar::Archive::new(gz);
    let mut out = Vec::new();
    for entry in archive.entries().expect("a tar") {
        let mut entry = entry.expect("an entry");
        let path = entry.path().expect("a path").to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("readable entry");
        out.push((path, bytes));
    }
    out
}

fn manifest_of(bundle: &Path) -> serde_json::Value {
    let all = entries(bundle);
    let (_, bytes) = all.iter().find(|(p, _)| p == "manifest.json").expect("manifest.json in the bundle");
    serde_json::from_slice(bytes).expect("manifest is JSON")
}

/// A host-like layout in a temp dir.
struct Host {
    dir: tempfile::TempDir,
}

impl Host {
    fn new() -> Host {
        let host = Host { dir: tempfile::tempdir().expect("temp dir") };
        let pm2 = host.pm2_home();
        fs::create_dir_all(pm2.join("logs")).unwrap();
        fs::write(
            pm2.join("pm2.log"),
            "2026-11-28T06:01:02: PM2 log: App [shop-api:0] starting in -fork mode-\n\
             2026-11-28T06:01:02: PM2 log: App [shop-api:0] online\n",
        )
        .unwrap();
        fs::write(pm2.join("logs/shop-api-out.log"), "listening on 3000\n").unwrap();

        let app = host.app_dir();
        fs::create_dir_all(app.join(".github/workflows")).unwrap();
        fs::write(
            app.join("ecosystem.config.cjs"),
            "module.exports = { apps: [{ name: 'shop-api', script: 'api.js' }] };\n",
        )
        .unwrap();
        fs::write(
            app.join(".github/workflows/deploy.yml"),
            "on: push\njobs:\n  d:\n    runs-on: x\n    steps:\n      - run: pm2 delete all\n",
        )
        .unwrap();
        fs::write(app.join("README.md"), "not collected\n").unwrap();
        let git = |args: &[&str]| common::git(&app, args);
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "deploy config"]);

        // A `pm2` that leaves a mark: collect must not run it without a daemon.
        let bin = host.bin();
        fs::create_dir_all(&bin).unwrap();
        let fake = bin.join("pm2");
        fs::write(&fake, format!("#!/bin/sh\ntouch {}\necho '[]'\n", host.mark().display())).unwrap();
        fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
        host
    }

    fn pm2_home(&self) -> PathBuf {
        self.dir.path().join("home/.pm2")
    }

    fn app_dir(&self) -> PathBuf {
        self.dir.path().join("www/shop")
    }

    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    fn mark(&self) -> PathBuf {
        self.dir.path().join("pm2-was-run")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out/bundle.tar.gz")
    }

    /// Runs collect with this host's PM2_HOME and `path` as PATH.
    fn collect(&self, path: &str, extra: &[&str]) -> Output {
        fs::create_dir_all(self.dir.path().join("out")).unwrap();
        Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .arg("collect")
            .arg("--out")
            .arg(self.out())
            .arg("--app-dir")
            .arg(self.app_dir())
            .args(extra)
            .env("PM2_HOME", self.pm2_home())
            .env("PATH", path)
            .output()
            .expect("the binary runs")
    }

    fn path_with_tools(&self) -> String {
        format!("{}:{}", self.bin().display(), std::env::var("PATH").unwrap_or_default())
    }
}

#[test]
fn without_a_daemon_collect_runs_no_pm2_and_leaves_pm2_home_untouched() {
    let host = Host::new();
    let pm2_log = host.pm2_home().join("pm2.log");
    let before = (fs::read(&pm2_log).unwrap(), fs::metadata(&pm2_log).unwrap().modified().unwrap());
    let home_before = fs::read_dir(host.pm2_home()).unwrap().count();

    // The same app directory named twice is collected once.
    let again = format!("{}/.", host.app_dir().display());
    let out = host.collect(&host.path_with_tools(), &["--since", "2h", "--app-dir", &again]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    assert!(
        stderr(&out).contains("no PM2 daemon running: no pm2.pid; ran no pm2 command"),
        "{}",
        stderr(&out)
    );

    assert!(!host.mark().exists(), "collect ran pm2 without a daemon");
    assert!(!host.pm2_home().join("pm2.pid").exists());
    assert_eq!(fs::read_dir(host.pm2_home()).unwrap().count(), home_before);
    assert_eq!(fs::read(&pm2_log).unwrap(), before.0);
    assert_eq!(fs::metadata(&pm2_log).unwrap().modified().unwrap(), before.1);
    // Only the bundle is left in its directory: no scratch, no partial file.
    let left: Vec<_> =
        fs::read_dir(host.dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["bundle.tar.gz"]);

    let manifest = manifest_of(&host.out());
    let daemon = &manifest["pm2_daemon"];
    assert_eq!(daemon["running"], false);
    assert_eq!(daemon["pm2_home"], host.pm2_home().display().to_string());
    assert!(manifest["commands"].as_array().unwrap().iter().all(|c| c["argv"][0] != "pm2"));
    assert!(manifest["captured_at"].as_str().unwrap().ends_with('Z'));
    assert!(manifest["collector"].as_str().unwrap().starts_with("postmortem collect "));

    // pm2.log under files/ with its original path, its hash and its mtime.
    let rel = |p: &Path| format!("files/{}", p.display().to_string().trim_start_matches('/'));
    let files = manifest["files"].as_array().unwrap();
    let entry = files.iter().find(|f| f["path"] == rel(&pm2_log)).expect("pm2.log in the manifest");
    assert_eq!(entry["original_path"], pm2_log.display().to_string());
    assert_eq!(entry["sha256"], sha256_file(&pm2_log));
    assert_eq!(entry["size"], before.0.len());
    let stored = entries(&host.out());
    let bytes = &stored.iter().find(|(p, _)| *p == rel(&pm2_log)).expect("pm2.log in the archive").1;
    assert_eq!(bytes, &before.0);

    // The app directory: ecosystem and workflow kept, other files not; git log and reflog run.
    let app = host.app_dir().canonicalize().unwrap();
    let has = |p: &Path| files.iter().any(|f| f["path"] == rel(p));
    assert!(has(&app.join("ecosystem.config.cjs")));
    assert!(has(&app.join(".github/workflows/deploy.yml")));
    assert!(!has(&app.join("README.md")));
    assert!(has(&host.pm2_home().join("logs/shop-api-out.log")));
    let commands = manifest["commands"].as_array().unwrap();
    let git_logs: Vec<_> = commands.iter().filter(|c| c["argv"].to_string().contains("\"log\"")).collect();
    assert_eq!(git_logs.len(), 1, "{git_logs:?}");
    let git_log = git_logs[0];
    assert_eq!(git_log["exit_code"], 0);
    let git_out = git_log["output"].as_str().unwrap();
    let log_text = &stored.iter().find(|(p, _)| p == git_out).expect("git log output stored").1;
    assert!(String::from_utf8_lossy(log_text).contains("deploy config"));
    // The journal window starts 2 h back.
    let journal =
        commands.iter().find(|c| c["output"] == "commands/journalctl.json" || c["argv"][0] == "journalctl");
    assert!(journal.expect("journalctl planned")["command"].as_str().unwrap().contains("--since @"));
}

#[test]
fn the_bundle_reads_back_with_formats_named() {
    let host = Host::new();
    let out = host.collect(&host.path_with_tools(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inputs = common::postmortem([
        "inputs".as_ref(),
        host.out().as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert!(inputs.status.success(), "inputs failed: {}", stderr(&inputs));
    let rows: Vec<serde_json::Value> =
        stdout(&inputs).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let format_of = |suffix: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not among the inputs: {rows:?}"))["format"]
            .clone()
    };
    assert_eq!(format_of(".pm2/pm2.log"), "pm2-log");
    assert_eq!(format_of("ecosystem.config.cjs"), "pm2-ecosystem");
    assert_eq!(format_of("workflows/deploy.yml"), "workflow");
    assert_eq!(format_of("git-log.txt"), "git");
    // The manifest's times replace the archive's: pm2.log's mtime comes from the manifest.
    let pm2_log = rows.iter().find(|r| r["file"].as_str().unwrap().ends_with(".pm2/pm2.log")).unwrap();
    assert_eq!(pm2_log["mtime"]["source"], "manifest");
}

#[test]
fn missing_tools_and_a_stale_pid_file_are_recorded_not_fatal() {
    let host = Host::new();
    // A pid file left by a dead daemon (pid above any pid_max) and no socket.
    fs::write(host.pm2_home().join("pm2.pid"), "2147483647\n").unwrap();
    // Only git and the marking pm2 on PATH: df, free, journalctl … are "not installed".
    let only = host.dir.path().join("only");
    fs::create_dir_all(&only).unwrap();
    let git = String::from_utf8(Command::new("sh").args(["-c", "command -v git"]).output().unwrap().stdout)
        .unwrap();
    std::os::unix::fs::symlink(git.trim(), only.join("git")).unwrap();
    std::os::unix::fs::symlink(host.bin().join("pm2"), only.join("pm2")).unwrap();

    let out = host.collect(&only.display().to_string(), &["--app-dir", "/nonexistent/app"]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    assert!(!host.mark().exists(), "collect ran pm2 for a dead daemon");
    let manifest = manifest_of(&host.out());
    assert!(manifest["pm2_daemon"]["detail"]
        .as_str()
        .unwrap()
        .contains("pm2.pid names pid 2147483647, which is not running"));
    let missing = manifest["missing"].as_array().unwrap();
    assert!(missing.iter().any(|m| m["what"] == "/nonexistent/app"
        && m["reason"].as_str().is_some_and(|r| r.starts_with("no such file or directory"))));
    assert!(
        missing.iter().any(|m| m["what"] == "df" && m["reason"] == "df is not installed (not on PATH)"),
        "{missing:?}"
    );
    let df =
        manifest["commands"].as_array().unwrap().iter().find(|c| c["command"] == "df -h").unwrap().clone();
    assert_eq!(df["error"], "df is not installed (not on PATH)");
    assert!(df.get("output").is_none_or(|o| o.is_null()));
}

#[test]
fn refuses_bad_outputs_and_unknown_users_with_advice() {
    let host = Host::new();
    let out = host.collect(&host.path_with_tools(), &["--user", "no-such-user-here"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no user \"no-such-user-here\" in /etc/passwd"), "{}", stderr(&out));

    let inside = host.pm2_home().join("bundle.tar.gz");
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["collect", "--out"])
        .arg(&inside)
        .env("PM2_HOME", host.pm2_home())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("which collect reads evidence from"), "{}", stderr(&out));
    assert!(!inside.exists());

    fs::create_dir_all(host.dir.path().join("out")).unwrap();
    fs::write(host.out(), "earlier bundle").unwrap();
    let out = host.collect(&host.path_with_tools(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(fs::read(host.out()).unwrap(), b"earlier bundle");

    let out = host.collect(&host.path_with_tools(), &["--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the time \"yesterday\""), "{}", stderr(&out));
}
