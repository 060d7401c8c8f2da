//! `cargo xtask`: the project's own automation, in Rust so it runs wherever cargo does.
//!
//! `cargo xtask test` installs what the tests need when it is missing, then runs the test
//! suite and the lints exactly as CI does. It is what `.ci/run` calls on a fresh machine.

mod browser;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

mod pm2;

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("-h" | "--help" | "help") | None => {
            println!(
                "usage: cargo xtask test\n\n  test   install what the tests need when missing (rustfmt, clippy; PM2 from \
                 tests/e2e and playwright-core from tests/browser with npm ci; Debian's chromium with apt-get),\n         \
                 then run fmt --check, cargo test --workspace (PM2 end-to-end included), clippy -D warnings and the \
                 browser test of the HTML report"
            );
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}; try `cargo xtask help`")),
    };
    if let Err(e) = result {
        eprintln!("xtask: {e}");
        exit(1);
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: $ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().map(|o| o.status.success()).unwrap_or(false)
}

/// Makes sure a rustup component is there (clippy, rustfmt), installing it when missing.
fn ensure_component(cargo_subcommand: &str, component: &str) -> Result<(), String> {
    if succeeds("cargo", &[cargo_subcommand, "--version"]) {
        return Ok(());
    }
    run("rustup", &["component", "add", component])
}

fn test() -> Result<(), String> {
    ensure_component("clippy", "clippy")?;
    ensure_component("fmt", "rustfmt")?;
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    pm2::prepare_e2e()?;
    run("cargo", &["test", "--workspace"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    browser::test()?;
    Ok(())
}
