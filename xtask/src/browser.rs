//! The HTML report's browser test (tests/browser): installs what it needs when missing —
//! Debian's `chromium` (apt-get, as root) and `playwright-core` from npm, pinned by
//! tests/browser/package-lock.json (`npm ci`; it never downloads a browser of its own) — then
//! builds the binaries and runs the test with node's test runner. Quick when all is present.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use crate::{root, run};

/// Debian's chromium, the browser the test drives.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs chromium and the test's npm packages when missing, builds postmortem, runs the test.
pub fn test() -> Result<(), String> {
    ensure_chromium()?;
    ensure_node()?;
    ensure_node_modules()?;
    // postmortem writes the reports; postmortem-corpus the 100,000-event bundle.
    run("cargo", &["build", "-p", "postmortem", "-p", "postmortem-corpus", "--bins"])?;
    let dir = root().join("tests/browser");
    let mut node = Command::new("node");
    node.args(["--test", "report.test.mjs"])
        .current_dir(&dir)
        .env("POSTMORTEM_BIN", root().join("target/debug/postmortem"))
        .env("POSTMORTEM_CORPUS_BIN", root().join("target/debug/postmortem-corpus"))
        .env("CHROMIUM", CHROMIUM);
    status(&mut node, "(cd tests/browser && node --test report.test.mjs)")
}

/// Runs a prepared command, echoing it as `words`.
fn status(command: &mut Command, words: &str) -> Result<(), String> {
    eprintln!("xtask: $ {words}");
    let status = command.status().map_err(|e| format!("cannot run {words}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{words}` failed ({status})"))
    }
}

/// `apt-get install` with retries while another apt holds the lock.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(packages);
    let mut last = String::new();
    for attempt in 1..=5 {
        let result = run("apt-get", &["update", "-q"]).and_then(|()| {
            let mut apt = Command::new("apt-get");
            apt.args(&args).env("DEBIAN_FRONTEND", "noninteractive");
            status(&mut apt, &format!("apt-get {}", args.join(" ")))
        });
        match result {
            Ok(()) => return Ok(()),
            Err(e) => last = e,
        }
        if attempt < 5 {
            eprintln!(
                "xtask: apt failed (attempt {attempt} of 5; another apt may hold its lock), retrying in 15 s"
            );
            sleep(Duration::from_secs(15));
        }
    }
    Err(format!(
        "{last}; install {} by hand as root (`apt-get install {}`) and rerun",
        packages.join(", "),
        packages.join(" ")
    ))
}

fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    apt_install(&["chromium"])
}

fn ensure_node() -> Result<(), String> {
    if crate::succeeds("node", &["--version"]) && crate::succeeds("npm", &["--version"]) {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

/// `npm ci` when node_modules is missing or older than the lockfile (npm writes its own copy,
/// node_modules/.package-lock.json, on every install).
fn ensure_node_modules() -> Result<(), String> {
    let dir = root().join("tests/browser");
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = modified(&dir.join("package-lock.json"));
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let fresh = match (lock, installed) {
        (Some(lock), Some(installed)) => {
            installed >= lock && dir.join("node_modules/playwright-core").is_dir()
        }
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    status(&mut npm, "(cd tests/browser && npm ci)")
}
