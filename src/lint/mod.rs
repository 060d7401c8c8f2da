//! `postmortem lint`: the runbook's Workflow Review and Pre-Deployment checklists as static
//! checks on CI workflow files and shell scripts, before a deploy runs instead of after.
//!
//! [`lint`] finds the files ([`discover`]), reads each as a workflow or a script
//! ([`workflow`]), splits its shell text into commands with positions ([`shell`]), reads the pm2
//! ones ([`pm2`]) and evaluates the rules ([`checks`], table in [`rules`]), minus the waivers
//! written in the file ([`suppress`]); [`output`] writes
//! the findings as text, JSON or SARIF. Findings are sorted by file, line, column and rule, so
//! the same files always give the same bytes. Rule semantics: docs/lint-rules.md.

pub mod checks;
pub mod output;
pub mod pm2;
pub mod rules;
pub mod shell;
pub mod suppress;
pub mod workflow;

use std::fs;
use std::path::{Path, PathBuf};

use rules::Rule;
use shell::Position;

/// One problem found.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The file, as given on the command line (directories joined with the relative path).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// The rule it breaks.
    pub rule: &'static Rule,
    /// What is wrong here.
    pub message: String,
    /// How to fix it (the rule's general fix unless this finding has a more precise one).
    pub help: String,
}

impl Finding {
    /// A finding of `rule` at `at` in `file`.
    pub fn new(
        file: &str,
        at: Position,
        rule: &'static Rule,
        message: String,
        help: Option<String>,
    ) -> Finding {
        Finding {
            file: file.to_string(),
            line: at.0,
            column: at.1,
            rule,
            message,
            help: help.unwrap_or_else(|| rule.help.to_string()),
        }
    }
}

/// What a file is linted as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A CI workflow; `gitea`: under a `.gitea/` directory.
    Workflow {
        /// Gitea reads it (it ignores `concurrency:` up to 1.25).
        gitea: bool,
    },
    /// A shell script.
    Script,
}

/// A file to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Where it is.
    pub path: PathBuf,
    /// How it is shown in findings (`/`-separated).
    pub display: String,
    /// What it is.
    pub kind: Kind,
}

/// The outcome of a lint run.
#[derive(Debug)]
pub struct Report {
    /// The files checked, sorted.
    pub files: Vec<String>,
    /// Every finding, sorted by file, line, column, rule id.
    pub findings: Vec<Finding>,
    /// Findings silenced by `# postmortem-lint: ignore RULE` comments (see [`suppress`]).
    pub waived: usize,
}

/// Why nothing could be linted.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// A path given does not exist or cannot be read.
    #[error("{path}: {why}")]
    Unreadable {
        /// The path.
        path: String,
        /// The reason, in words.
        why: String,
    },
    /// A file given explicitly is neither a workflow nor a shell script.
    #[error(
        "{0}: not a workflow or a shell script (lint reads .yml/.yaml workflow files and .sh/.bash files or files \
         starting with a #!/bin/sh or bash line)"
    )]
    NotLintable(String),
    /// Directories given hold nothing to lint.
    #[error(
        "no workflow files (.github/workflows/*.yml, .gitea/workflows/*.yml) or shell scripts (*.sh, #!/bin/sh or \
         bash) under {0}; give the repository or the files to check"
    )]
    NothingFound(String),
}

/// Lints `paths` (files and directories, read recursively).
pub fn lint(paths: &[PathBuf]) -> Result<Report, LintError> {
    let mut targets = Vec::new();
    for path in paths {
        discover(path, &mut targets)?;
    }
    if targets.is_empty() {
        let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(LintError::NothingFound(given.join(", ")));
    }
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.display == b.display);
    let mut findings = Vec::new();
    let mut waived = 0;
    for t in &targets {
        let bytes = fs::read(&t.path).map_err(|e| unreadable(&t.path, &e))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut found = match t.kind {
            Kind::Workflow { gitea } => workflow::lint_workflow(&t.display, &text, gitea),
            Kind::Script => workflow::lint_script(&t.display, &text),
        };
        waived += suppress::apply(&text, &mut found);
        findings.extend(found);
    }
    findings
        .sort_by(|a, b| (&a.file, a.line, a.column, a.rule.id).cmp(&(&b.file, b.line, b.column, b.rule.id)));
    findings
        .dedup_by(|a, b| (&a.file, a.line, a.column, a.rule.id) == (&b.file, b.line, b.column, b.rule.id));
    Ok(Report { files: targets.into_iter().map(|t| t.display).collect(), findings, waived })
}

fn unreadable(path: &Path, e: &std::io::Error) -> LintError {
    LintError::Unreadable { path: path.display().to_string(), why: crate::evidence::io_words(e) }
}

/// Directories not walked: version control and dependencies.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules"];

/// Adds the files to lint at `path`: a file given explicitly must be lintable; a directory is
/// walked (sorted; `.git`, `node_modules` and links to directories skipped) for workflow files
/// in `.github/workflows/` or `.gitea/workflows/` and shell scripts (`*.sh`, `*.bash`,
/// extension-less files with a sh/bash shebang).
pub fn discover(path: &Path, out: &mut Vec<Target>) -> Result<(), LintError> {
    let meta = fs::metadata(path).map_err(|e| unreadable(path, &e))?;
    let display = display_path(path);
    if !meta.is_dir() {
        let kind = kind_of(path, true)?.ok_or_else(|| LintError::NotLintable(display.clone()))?;
        out.push(Target { path: path.to_path_buf(), display, kind });
        return Ok(());
    }
    let mut entries: Vec<(PathBuf, bool)> = fs::read_dir(path)
        .map_err(|e| unreadable(path, &e))?
        .filter_map(Result::ok)
        // Symbolic links to directories are not followed (no loops); links to files are read.
        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    entries.sort();
    for (entry, is_dir) in entries {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if is_dir {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                discover(&entry, out)?;
            }
        } else if !entry.is_file() {
            continue; // a link to a directory, a socket, a dangling link
        } else if let Some(kind) = kind_of(&entry, false)? {
            let display = display_path(&entry);
            out.push(Target { path: entry, display, kind });
        }
    }
    Ok(())
}

/// How a path is shown: `/`-separated, without a leading `./` (`lint .` shows `.github/…`).
fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
}

/// What `path` is linted as. `explicit`: named on the command line (any `.yml` is then a
/// workflow; in a directory walk only those in a workflows directory are).
fn kind_of(path: &Path, explicit: bool) -> Result<Option<Kind>, LintError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let parent = |p: &Path| p.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let in_workflows = parent(path).as_deref() == Some("workflows")
        && matches!(path.parent().and_then(parent).as_deref(), Some(".github" | ".gitea"));
    match ext.as_deref() {
        Some("yml" | "yaml") if explicit || in_workflows => {
            Ok(Some(Kind::Workflow { gitea: under_gitea(path) }))
        }
        Some("sh" | "bash") => Ok(Some(Kind::Script)),
        None if has_shell_shebang(path).map_err(|e| unreadable(path, &e))? => Ok(Some(Kind::Script)),
        _ => Ok(None),
    }
}

/// Whether `path` (made absolute when possible) is under a `.gitea` directory.
fn under_gitea(path: &Path) -> bool {
    let full = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    full.components().any(|c| c.as_os_str() == ".gitea")
}

/// Whether the file starts with `#!` naming sh, bash, dash, ksh or zsh.
fn has_shell_shebang(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 128];
    let n = fs::File::open(path)?.read(&mut head)?;
    let first = String::from_utf8_lossy(&head[..n]);
    let Some(line) = first.lines().next().and_then(|l| l.strip_prefix("#!")) else { return Ok(false) };
    Ok(line
        .split_whitespace()
        .take(2)
        .any(|w| matches!(w.rsplit('/').next(), Some("sh" | "bash" | "dash" | "ksh" | "zsh"))))
}
