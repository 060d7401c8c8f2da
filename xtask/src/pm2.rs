//! PM2 for the end-to-end tests (`tests/e2e.rs`): the version pinned in
//! `tests/e2e/package.json` + `package-lock.json`, installed with `npm ci` into
//! `tests/e2e/node_modules` when it is missing or older than the lockfile (Node.js and npm
//! from Debian's packages first, when the machine has no npm).

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::{root, run, succeeds};

/// The variable that tells `tests/e2e.rs` PM2 must be there: with it set, a missing PM2 fails
/// the tests instead of skipping them.
const E2E_VARIABLE: &str = "POSTMORTEM_E2E";

/// Installs the pinned PM2 when needed and sets `POSTMORTEM_E2E=1` for the test run.
pub fn prepare_e2e() -> Result<(), String> {
    let dir = root().join("tests/e2e");
    if !succeeds("npm", &["--version"]) {
        run("apt-get", &["update"])?;
        run("apt-get", &["install", "-y", "--no-install-recommends", "nodejs", "npm"])?;
    }
    if is_stale(&dir) {
        run("npm", &["ci", "--prefix", "tests/e2e", "--no-audit", "--no-fund"])?;
    } else {
        eprintln!("xtask: PM2 for the e2e tests is installed (tests/e2e/node_modules)");
    }
    // xtask runs one thread; the cargo test started next inherits the variable.
    std::env::set_var(E2E_VARIABLE, "1");
    Ok(())
}

/// Whether `npm ci` must run: no pm2 binary, or npm's record of the install
/// (`node_modules/.package-lock.json`) older than the lockfile.
fn is_stale(dir: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let locked = modified(&dir.join("package-lock.json")).unwrap_or(SystemTime::UNIX_EPOCH);
    !dir.join("node_modules/.bin/pm2").exists() || installed.is_none_or(|t| t < locked)
}
