//! End to end on a real PM2 (the version pinned in `tests/e2e/package.json`, installed by
//! `cargo xtask test` with `npm ci`): start the apps of `tests/e2e/apps`, break them the way
//! the runbook's incidents did, `postmortem collect` the host, and check what `analyze` and
//! `timeline` conclude from the bundle.
//!
//! Each test has its own `PM2_HOME` in a temp dir; [`Pm2`]'s `Drop` kills the daemon and
//! every app process the test saw, also when an assertion fails. With `POSTMORTEM_E2E=1`
//! (set by `cargo xtask test`) a missing PM2 fails the tests; without it they are skipped
//! with a note.

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use common::{root, stderr, stdout};

/// How long PM2 may take to reach a state the test waits for before the test fails.
const PM2_PATIENCE: Duration = Duration::from_secs(60);

/// The e2e directory (package.json, apps, deploy script).
fn e2e_dir() -> PathBuf {
    root().join("tests/e2e")
}

/// An isolated PM2: its own PM2_HOME and app directories in a temp dir.
struct Pm2 {
    bin: PathBuf,
    home: PathBuf,
    seen_pids: RefCell<BTreeSet<u32>>,
    dir: tempfile::TempDir,
}

impl Pm2 {
    /// The pinned PM2, or `None` (skip) when it is not installed and `POSTMORTEM_E2E` is unset.
    fn new() -> Option<Pm2> {
        let bin = e2e_dir().join("node_modules/.bin/pm2");
        let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
        if !bin.exists() || !node {
            let why = if node { "tests/e2e/node_modules has no pm2" } else { "node is not on PATH" };
            if std::env::var_os("POSTMORTEM_E2E").is_some() {
                panic!(
                    "POSTMORTEM_E2E is set but {why}: run `cargo xtask test` or `npm ci --prefix tests/e2e`"
                );
            }
            eprintln!("note: e2e test skipped: {why} (run `cargo xtask test` to install the pinned PM2)");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("pm2-home");
        Some(Pm2 { bin, home, seen_pids: RefCell::new(BTreeSet::new()), dir })
    }

    /// PATH with the pinned pm2 first (for the deploy script and `collect`).
    fn path(&self) -> String {
        let bin_dir = self.bin.parent().expect("a bin directory");
        format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default())
    }

    /// A command in this PM2's environment. TZ is removed so PM2 writes pm2.log in the
    /// host's zone, the one `collect` records.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("PM2_HOME", &self.home).env("PATH", self.path()).env_remove("TZ").stdin(Stdio::null());
        c
    }

    /// Runs `pm2 ARGS` in `cwd`; it must succeed.
    fn pm2(&self, args: &[&str], cwd: &Path) -> Output {
        let out = self.command(&self.bin).args(args).current_dir(cwd).output().expect("pm2 runs");
        assert!(out.status.success(), "pm2 {args:?} failed: {}{}", stdout(&out), stderr(&out));
        out
    }

    /// The processes per `pm2 jlist` (their pids are remembered for the cleanup).
    fn jlist(&self) -> Vec<Value> {
        let out = self.pm2(&["jlist"], self.dir.path());
        let text = stdout(&out);
        let start = text.find('[').unwrap_or_else(|| panic!("pm2 jlist printed no JSON: {text}"));
        let list: Vec<Value> = serde_json::from_str(&text[start..]).expect("pm2 jlist is JSON");
        self.seen_pids
            .borrow_mut()
            .extend(list.iter().filter_map(|p| p["pid"].as_u64()).map(|p| p as u32).filter(|p| *p > 0));
        list
    }

    /// Polls `pm2 jlist` until `done` holds (at most [`PM2_PATIENCE`]).
    fn wait_for(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let list = self.jlist();
            if done(&list) {
                return list;
            }
            assert!(start.elapsed() < PM2_PATIENCE, "PM2 never reached: {what}; last pm2 jlist: {list:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Copies the apps to `<tmp>/www/{shop,billing}` as git repositories and starts the two
    /// production applications and the test app; waits until all four are online.
    fn deploy_apps(&self) -> (PathBuf, PathBuf) {
        let www = self.dir.path().join("www");
        for app in ["shop", "billing"] {
            let dest = www.join(app);
            fs::create_dir_all(&dest).unwrap();
            for entry in fs::read_dir(e2e_dir().join("apps").join(app)).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), dest.join(entry.file_name())).unwrap();
            }
            for args in [&["init", "-q"][..], &["add", "."], &["commit", "-q", "-m", "release 1.0"]] {
                common::git(&dest, args);
            }
        }
        let (shop, billing) = (www.join("shop"), www.join("billing"));
        self.pm2(&["start", "ecosystem.config.cjs"], &shop);
        self.pm2(&["start", "ecosystem.config.cjs"], &billing);
        self.pm2(&["start", "ecosystem-test.config.cjs"], &shop);
        self.wait_for("four apps online", |l| online(l).len() == 4);
        (shop, billing)
    }

    /// `postmortem collect` of this host into `<tmp>/NAME`, with the pinned pm2 on PATH.
    fn collect(&self, name: &str, app_dirs: &[&Path]) -> PathBuf {
        let out_path = self.dir.path().join(name);
        let mut c = self.command(env!("CARGO_BIN_EXE_postmortem"));
        c.arg("collect").arg("--out").arg(&out_path).arg("--since").arg("1h");
        for d in app_dirs {
            c.arg("--app-dir").arg(d);
        }
        let out = c.output().expect("postmortem runs");
        assert!(out.status.success(), "collect failed: {}", stderr(&out));
        out_path
    }

    /// The daemon's pid, from pm2.pid.
    fn daemon_pid(&self) -> Option<u32> {
        fs::read_to_string(self.home.join("pm2.pid")).ok()?.trim().parse().ok()
    }
}

impl Drop for Pm2 {
    fn drop(&mut self) {
        // `pm2 kill` without a daemon would start one: only when pm2.pid is there.
        let daemon = self.daemon_pid();
        if daemon.is_some() {
            let _ = self.command(&self.bin).arg("kill").stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
        // Then anything left of ours: a pid is killed only while its environment still names
        // this test's PM2_HOME (pids are reused).
        let mark = format!("PM2_HOME={}", self.home.display());
        let ours = |pid: &u32| {
            fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == mark.as_bytes()))
        };
        for pid in daemon.into_iter().chain(self.seen_pids.borrow().iter().copied()).filter(ours) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).stderr(Stdio::null()).status();
        }
    }
}

/// Names of the processes online in a jlist.
fn online(list: &[Value]) -> BTreeSet<String> {
    list.iter()
        .filter(|p| p["pm2_env"]["status"] == "online")
        .filter_map(|p| p["name"].as_str().map(String::from))
        .collect()
}

/// One process of a jlist by name.
fn process<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} not in pm2 jlist: {list:?}"))
}

/// A UTC stamp as GitHub's runner writes it: RFC3339 with 7 fractional digits.
fn runner_stamp() -> String {
    let now = Utc::now();
    format!("{}.{:07}Z", now.format("%Y-%m-%dT%H:%M:%S"), now.timestamp_subsec_nanos() / 100)
}

/// Runs a shell script as a GitHub Actions `run:` step and returns the job log the runner
/// would have written: the step header (`##[group]Run <first line>`, each script line in
/// cyan, `shell:`), then each output line stamped as it arrives.
fn run_as_ci_step(pm2: &Pm2, script: &Path, cwd: &Path) -> String {
    let text = fs::read_to_string(script).expect("the deploy script");
    let lines: Vec<&str> =
        text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).collect();
    let mut log = String::new();
    let mut stamp = |line: &str| log.push_str(&format!("{} {line}\n", runner_stamp()));
    stamp(&format!("##[group]Run {}", lines[0]));
    for line in &lines {
        stamp(&format!("\u{1b}[36;1m{line}\u{1b}[0m"));
    }
    stamp("shell: /usr/bin/bash -e {0}");
    stamp("##[endgroup]");
    let mut child = pm2
        .command("bash")
        .arg("-c")
        .arg(r#"exec 2>&1; exec bash --noprofile --norc -e -o pipefail "$0""#)
        .arg(script)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash runs");
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        stamp(&line.expect("readable output"));
    }
    let status = child.wait().expect("the step ends");
    if let Some(code) = status.code().filter(|c| *c != 0) {
        stamp(&format!("##[error]Process completed with exit code {code}."));
    }
    log
}

/// Runs postmortem and parses its JSON output.
fn json_of(args: &[&std::ffi::OsStr]) -> Value {
    let out = common::postmortem(args);
    assert!(out.status.success(), "postmortem {args:?} failed: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON output")
}

/// Scenario 1: a test deploy runs `pm2 delete all` from CI and starts only the test app.
#[test]
fn a_test_deploy_with_pm2_delete_all_is_a_p1_with_production_down() {
    let Some(pm2) = Pm2::new() else { return };
    let (shop, billing) = pm2.deploy_apps();

    let job_log = run_as_ci_step(&pm2, &e2e_dir().join("deploy-test.sh"), &shop);
    assert!(job_log.contains("Applying action deleteProcessId on app [all]"), "the deploy ran: {job_log}");
    pm2.wait_for("only the test app online", |l| online(l) == BTreeSet::from(["shop-api-test".to_string()]));
    // As an investigator has it after downloading it from the CI server.
    let job_log_path = pm2.dir.path().join("deploy-to-test-42.log");
    fs::write(&job_log_path, &job_log).unwrap();

    let bundle = pm2.collect("incident.tar.gz", &[&shop, &billing]);

    // The captured jlist is read as a snapshot dated by the manifest.
    let inputs =
        common::postmortem(["inputs".as_ref(), bundle.as_os_str(), "--format".as_ref(), "jsonl".as_ref()]);
    let jlist = stdout(&inputs)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["file"].as_str().unwrap().ends_with("commands/pm2-jlist.json"))
        .expect("the captured pm2 jlist among the inputs");
    assert_eq!(jlist["format"], "pm2-jlist");
    assert!(jlist["assumptions"].to_string().contains("the manifest's captured_at"), "{jlist}");

    let report = json_of(&[
        "analyze".as_ref(),
        bundle.as_os_str(),
        job_log_path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(report["severity"], "P1", "{report:#}");
    assert_eq!(report["root_causes"][0]["id"], "pm2-delete-all", "{report:#}");
    let down: BTreeSet<(String, String)> = report["incident"]["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["process"].as_str().unwrap().to_string(), p["environment"].as_str().unwrap().to_string()))
        .collect();
    let production = |n: &str| (n.to_string(), "production".to_string());
    assert_eq!(
        down,
        BTreeSet::from([production("shop-api"), production("shop-worker"), production("billing-api")])
    );
    // The CI log's line is among the evidence, cited by file and line.
    let evidence = report["root_causes"][0]["evidence"].to_string();
    assert!(evidence.contains("deploy-to-test-42.log"), "{evidence}");

    // Prevention: the same script, linted before it ever ran, fails the gate at the line.
    let script = root().join("tests/e2e/deploy-test.sh");
    let lint = common::postmortem(["lint".as_ref(), script.as_os_str()]);
    assert_eq!(lint.status.code(), Some(1), "{}", stderr(&lint));
    let findings = stdout(&lint);
    assert!(
        findings.lines().any(|l| l.ends_with("deploy-test.sh:6:1: pm2-all: `pm2 delete all` deletes every PM2 process on the host, of every application")),
        "{findings}"
    );
}

/// Scenario 2: a production process killed from outside (as the OOM killer would) and
/// restarted by PM2 at once.
#[test]
fn an_external_kill_restarted_within_the_grace_is_no_incident() {
    let Some(pm2) = Pm2::new() else { return };
    let (shop, billing) = pm2.deploy_apps();
    let before = pm2.jlist();
    let victim = process(&before, "shop-worker")["pid"].as_u64().expect("a pid");
    let restarts = process(&before, "shop-worker")["pm2_env"]["restart_time"].as_u64().unwrap_or(0);
    let killed = Command::new("kill").args(["-9", &victim.to_string()]).status().expect("kill runs");
    assert!(killed.success());
    pm2.wait_for("shop-worker restarted", |l| {
        let p = process(l, "shop-worker");
        p["pm2_env"]["status"] == "online"
            && p["pid"].as_u64().is_some_and(|pid| pid != victim)
            && p["pm2_env"]["restart_time"].as_u64().unwrap_or(0) > restarts
    });

    let bundle = pm2.collect("kill.tar.gz", &[&shop, &billing]);
    let timeline =
        common::postmortem(["timeline".as_ref(), bundle.as_os_str(), "--format".as_ref(), "jsonl".as_ref()]);
    assert!(timeline.status.success(), "timeline failed: {}", stderr(&timeline));
    let events = common::jsonl(&timeline);
    let exits: Vec<&Value> = events.iter().filter(|e| e["kind"] == "app-exit").collect();
    let worker_exits: Vec<&&Value> = exits.iter().filter(|e| e["process"] == "shop-worker").collect();
    assert_eq!(worker_exits.len(), 1, "one exit of shop-worker: {worker_exits:?}");
    assert_eq!(worker_exits[0]["fields"]["signal"], "SIGKILL");
    assert_eq!(worker_exits[0]["fields"]["cause"], "external-signal");
    assert!(events.iter().all(|e| e["fields"]["cause"] != "all"), "no event blames an `all` command");

    let report = json_of(&["analyze".as_ref(), bundle.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(report["severity"], "none", "{report:#}");
    assert_eq!(report["incident"]["processes"], Value::Array(Vec::new()), "{report:#}");
}

/// Scenario 3: collect with no daemon running must not start one.
#[test]
fn collect_without_a_daemon_leaves_pm2_log_untouched() {
    let Some(pm2) = Pm2::new() else { return };
    let (shop, _billing) = pm2.deploy_apps();
    let daemon = pm2.daemon_pid().expect("a daemon runs");
    pm2.pm2(&["kill"], &shop);
    assert!(pm2.daemon_pid().is_none(), "pm2 kill removed pm2.pid");
    // `pm2 kill` returns before the daemon has written its last line ("PM2 successfully
    // stopped") and exited: wait for it to be gone, so pm2.log is final.
    let start = Instant::now();
    while Path::new(&format!("/proc/{daemon}")).exists() {
        assert!(start.elapsed() < PM2_PATIENCE, "the PM2 daemon {daemon} did not exit after pm2 kill");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pm2_log = pm2.home.join("pm2.log");
    let bytes = fs::read(&pm2_log).expect("pm2.log written by the daemon");
    let mtime = fs::metadata(&pm2_log).unwrap().modified().unwrap();

    let bundle = pm2.collect("after-kill.tar.gz", &[&shop]);

    assert_eq!(fs::read(&pm2_log).unwrap(), bytes, "pm2.log changed");
    assert_eq!(fs::metadata(&pm2_log).unwrap().modified().unwrap(), mtime, "pm2.log touched");
    assert!(!pm2.home.join("pm2.pid").exists(), "a daemon was started");
    assert!(!pm2.home.join("rpc.sock").exists(), "a daemon was started");

    let manifest = {
        let gz = flate2::read::GzDecoder::new(fs::File::open(&bundle).unwrap());
        let mut archive = tar::Archive::new(gz);
        let entry = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap())
            .find(|e| e.path().unwrap().to_str() == Some("manifest.json"))
            .expect("manifest.json");
        serde_json::from_reader::<_, Value>(entry).unwrap()
    };
    assert_eq!(manifest["pm2_daemon"]["running"], false);
    assert_eq!(manifest["pm2_daemon"]["detail"], "no PM2 daemon running: no pm2.pid; ran no pm2 command");
    assert!(manifest["commands"].as_array().unwrap().iter().all(|c| c["argv"][0] != "pm2"));
    let kept = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["original_path"] == pm2_log.display().to_string());
    assert_eq!(kept.expect("pm2.log in the bundle")["sha256"], common::sha256_file(&pm2_log));
}
