//! The application inventory: which PM2 processes form which application, in which
//! environment, where it lives and how to bring it back.
//!
//! Three sources, in this precedence (see [`Inventory::resolve`]):
//!
//! 1. an inventory file (TOML, [`Inventory::from_toml`]; `samples/inventory.toml` is the
//!    runbook's process inventory written that way):
//!    ```toml
//!    [[application]]
//!    name = "flyer-crawler"
//!    environment = "production"      # "production" | "test" | anything else
//!    processes = ["flyer-crawler-api", "stock-alert-*"]   # exact names or `*` globs
//!    directory = "/var/www/flyer-crawler.projectium.com"
//!    config = "ecosystem.config.cjs"
//!    site = "https://flyer-crawler.projectium.com"
//!    health = "http://localhost:3001/api/health/ready"
//!    priority = 1                    # restoration order, lowest first
//!    ```
//! 2. PM2 ecosystem files (`ecosystem*.config.{cjs,js,mjs,json}`), read by a tolerant scanner
//!    that never runs JavaScript (`postmortem_parsers::ecosystem`, [`Inventory::from_ecosystem`]);
//!    one file is one application.
//! 3. inference from the process names seen in the evidence ([`Inventory::infer`]).
//!
//! Order is deterministic everywhere: applications sort by priority (none last), then name,
//! then environment (production, test, others by name).

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

use postmortem_parsers::ecosystem;

use crate::event::Event;
use crate::timeline::Timeline;
pub use postmortem_parsers::ecosystem::{EcosystemApp, Instances};
use serde::Deserialize;

/// The applications known for a host, in restoration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Sorted by priority (none last), name, environment.
    pub applications: Vec<Application>,
    /// Where the inventory as a whole came from: for [`Inventory::resolve`], the
    /// highest-precedence source that contributed (the file if one was given, else the first
    /// ecosystem file used, else `Inferred`). Each application carries its own source.
    pub source: InventorySource,
}

/// One application: a set of PM2 processes deployed and restored together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// e.g. `flyer-crawler`. (name, environment) identifies an application.
    pub name: String,
    pub environment: Environment,
    /// PM2 process names or `*` globs (`stock-alert-*`), in restoration order.
    pub processes: Vec<String>,
    /// The directory to run `pm2 start <config>` in.
    pub directory: Option<String>,
    /// The ecosystem file name, relative to `directory`.
    pub config: Option<String>,
    /// Public URL.
    pub site: Option<String>,
    /// Health-check URL.
    pub health: Option<String>,
    /// Restoration order, lowest first; `None` comes after every numbered application.
    pub priority: Option<u32>,
    pub source: InventorySource,
    /// The apps as an ecosystem file declares them (empty for other sources).
    pub apps: Vec<EcosystemApp>,
}

/// The environment an application runs in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Environment {
    Production,
    Test,
    /// Any other name an inventory file gives (`staging`), as written.
    Other(String),
}

/// Where an inventory or an application came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InventorySource {
    /// An inventory file (`--inventory FILE`).
    File(PathBuf),
    /// An ecosystem file found in the evidence.
    Ecosystem(PathBuf),
    /// Guessed from process names.
    Inferred,
}

/// Why an inventory or ecosystem file could not be read. Each message says what is wrong and
/// what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InventoryError {
    #[error(
        "{}:{line}:{column}: invalid inventory TOML: {message}; fix the file \
         (format: samples/inventory.toml)",
        path.display()
    )]
    Toml { path: PathBuf, line: usize, column: usize, message: String },
    #[error(
        "{}: application {application:?}: {message} (format: samples/inventory.toml)",
        path.display()
    )]
    Invalid { path: PathBuf, application: String, message: String },
    #[error("{}: unreadable ecosystem file: {message}", path.display())]
    Ecosystem { path: PathBuf, message: String },
}

impl Environment {
    /// `production`/`prod` and `test` (any case) are the known ones; anything else is
    /// [`Environment::Other`], trimmed, as written.
    pub fn parse(text: &str) -> Environment {
        let t = text.trim();
        if t.eq_ignore_ascii_case("production") || t.eq_ignore_ascii_case("prod") {
            Environment::Production
        } else if t.eq_ignore_ascii_case("test") {
            Environment::Test
        } else {
            Environment::Other(t.to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Environment::Production => "production",
            Environment::Test => "test",
            Environment::Other(s) => s,
        }
    }

    fn rank(&self) -> (u8, &str) {
        match self {
            Environment::Production => (0, ""),
            Environment::Test => (1, ""),
            Environment::Other(s) => (2, s),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Application {
    /// Whether `process` is one of this application's processes (exact name or `*` glob).
    pub fn matches(&self, process: &str) -> bool {
        self.processes.iter().any(|p| glob_match(p, process))
    }

    /// The most specific of this application's patterns matching `process`: an exact name
    /// scores highest, then the glob with the most literal characters.
    fn match_score(&self, process: &str) -> Option<usize> {
        self.processes
            .iter()
            .filter(|p| glob_match(p, process))
            .map(|p| if p.contains('*') { p.len() - p.matches('*').count() } else { usize::MAX })
            .max()
    }

    fn order(&self, other: &Application) -> Ordering {
        let pri = |a: &Application| (a.priority.is_none(), a.priority);
        pri(self)
            .cmp(&pri(other))
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| self.environment.rank().cmp(&other.environment.rank()))
    }
}

impl Inventory {
    /// Reads an inventory file. `path` is only used in messages and [`InventorySource::File`].
    ///
    /// Rules: every `[[application]]` needs a non-empty `name` and at least one non-empty
    /// process; `environment` defaults to production; unknown keys are errors (they are
    /// usually typos); two applications with the same name and environment are an error.
    pub fn from_toml(text: &str, path: &Path) -> Result<Inventory, InventoryError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            InventoryError::Toml {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let source = InventorySource::File(path.to_path_buf());
        let mut applications: Vec<Application> = Vec::new();
        for app in doc.application {
            let invalid = |message: &str| InventoryError::Invalid {
                path: path.to_path_buf(),
                application: app.name.clone(),
                message: message.to_string(),
            };
            if app.name.trim().is_empty() {
                return Err(invalid("empty name; give every [[application]] a name"));
            }
            if app.processes.is_empty() {
                return Err(invalid("no processes; list its PM2 process names in processes = [...]"));
            }
            if app.processes.iter().any(|p| p.trim().is_empty()) {
                return Err(invalid("an empty process name; remove it from processes"));
            }
            let environment = app.environment.as_deref().map_or(Environment::Production, Environment::parse);
            if applications.iter().any(|a| a.name == app.name && a.environment == environment) {
                return Err(invalid(&format!(
                    "listed twice for environment {environment}; merge the two entries"
                )));
            }
            applications.push(Application {
                name: app.name.trim().to_string(),
                environment,
                processes: dedup(app.processes.iter().map(|p| p.trim().to_string())),
                directory: app.directory,
                config: app.config,
                site: app.site,
                health: app.health,
                priority: app.priority,
                source: source.clone(),
                apps: Vec::new(),
            });
        }
        applications.sort_by(Application::order);
        Ok(Inventory { applications, source })
    }

    /// Reads one ecosystem file (CommonJS, ES module or JSON) without running it; the file is
    /// one application.
    ///
    /// - apps: the first `apps: [...]` array (or `apps: NAME` with `NAME = [...]` in the
    ///   file), else a bare top-level array (`processes.json`, `module.exports = [...]`);
    ///   entries that are not object literals, or have neither `name` nor `script`, are
    ///   skipped. Values that are expressions (`process.env.PORT || 3000`) count as absent.
    /// - environment: `test` when the file name starts `ecosystem-test.` or every app name
    ///   ends `-test`; otherwise production.
    /// - name: each app name loses a `-test` suffix, then one of `-analytics-worker`, `-api`,
    ///   `-worker`; the result is the longest common `-`-separated prefix of those, or the
    ///   first app's (stripped) name when they share none.
    /// - directory: the apps' `cwd` when all of them give the same one; config: the file name.
    pub fn from_ecosystem(text: &str, path: &Path) -> Result<Application, InventoryError> {
        let err = |message: &str| InventoryError::Ecosystem {
            path: path.to_path_buf(),
            message: message.to_string(),
        };
        let apps = ecosystem::parse_apps(text).ok_or_else(|| {
            err("no `apps` array found; expected `module.exports = { apps: [ { name: ... } ] }` \
                 or JSON `{\"apps\": [...]}`; list its processes in an inventory file instead")
        })?;
        Inventory::from_apps(apps, path)
    }

    /// The application of one ecosystem file's apps (the rules of [`Inventory::from_ecosystem`]).
    pub fn from_apps(apps: Vec<EcosystemApp>, path: &Path) -> Result<Application, InventoryError> {
        let err = |message: &str| InventoryError::Ecosystem {
            path: path.to_path_buf(),
            message: message.to_string(),
        };
        if apps.is_empty() {
            return Err(err(
                "the `apps` array holds no app with a name or script; list its processes in an \
                 inventory file instead",
            ));
        }
        let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let test = file_name.starts_with("ecosystem-test.") || apps.iter().all(|a| a.name.ends_with("-test"));
        let directory = match apps[0].cwd.as_deref() {
            Some(cwd) if apps.iter().all(|a| a.cwd.as_deref() == Some(cwd)) => Some(cwd.to_string()),
            _ => None,
        };
        Ok(Application {
            name: common_app_name(&apps),
            environment: if test { Environment::Test } else { Environment::Production },
            processes: apps.iter().map(|a| a.name.clone()).collect(),
            directory,
            config: (!file_name.is_empty()).then_some(file_name),
            site: None,
            health: None,
            priority: None,
            source: InventorySource::Ecosystem(path.to_path_buf()),
            apps,
        })
    }

    /// The applications of the ecosystem files among the evidence: their `ecosystem-app`
    /// events, grouped by file (one file, one application), in file order.
    pub fn from_events(events: &[Event]) -> Vec<Application> {
        let mut files: Vec<(&str, Vec<EcosystemApp>)> = Vec::new();
        for e in events.iter().filter(|e| e.kind == ecosystem::ECOSYSTEM_APP) {
            let Some(name) = e.process.clone() else { continue };
            let app = EcosystemApp {
                name,
                script: e.str_field("script").map(str::to_string),
                cwd: e.str_field("cwd").map(str::to_string),
                exec_mode: e.str_field("exec_mode").map(str::to_string),
                instances: e.str_field("instances").and_then(Instances::parse),
                max_memory_restart: e.int_field("max_memory_restart").and_then(|n| u64::try_from(n).ok()),
            };
            let file = e.provenance.file.as_str();
            match files.iter_mut().find(|(f, _)| *f == file) {
                Some((_, apps)) => apps.push(app),
                None => files.push((file, vec![app])),
            }
        }
        files.sort_by(|a, b| a.0.cmp(b.0));
        files
            .into_iter()
            .filter_map(|(file, apps)| Inventory::from_apps(apps, Path::new(file)).ok())
            .collect()
    }

    /// The inventory of a timeline: the file given with `--inventory`, then the ecosystem files
    /// in the evidence, then inference from every process name the evidence mentions (the
    /// events', and those of the records not kept as events).
    pub fn for_timeline(file: Option<Inventory>, timeline: &Timeline) -> Inventory {
        let events = &timeline.events;
        let not_kept = timeline.bundles.iter().flat_map(|b| &b.inputs).flat_map(|i| &i.processes_not_kept);
        let mut seen: Vec<&str> = events
            .iter()
            .filter(|e| e.kind != ecosystem::ECOSYSTEM_APP)
            .filter_map(|e| e.process.as_deref())
            .chain(not_kept.map(String::as_str))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        Inventory::resolve(file, Inventory::from_events(events), &seen)
    }

    /// Guesses applications from process names:
    ///
    /// - names starting `pm2-` (PM2 modules such as `pm2-logrotate`) are tooling: skipped;
    /// - a name ending `-test` is in the test environment, and loses that suffix;
    /// - names ending `-api`, `-worker` or `-analytics-worker` group under the prefix before
    ///   that suffix (`flyer-crawler-api` → `flyer-crawler`);
    /// - any other name is an application of its own, named after the process.
    ///
    /// Processes within an application: api, worker, analytics-worker, then others by name.
    pub fn infer(process_names: &[&str]) -> Inventory {
        let mut applications: Vec<Application> = Vec::new();
        let mut names: Vec<&str> = process_names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
        names.sort_unstable();
        names.dedup();
        for process in names {
            if Inventory::is_tooling(process) {
                continue;
            }
            let (name, environment) = infer_app(process);
            match applications.iter_mut().find(|a| a.name == name && a.environment == environment) {
                Some(app) => app.processes.push(process.to_string()),
                None => applications.push(Application {
                    name,
                    environment,
                    processes: vec![process.to_string()],
                    directory: None,
                    config: None,
                    site: None,
                    health: None,
                    priority: None,
                    source: InventorySource::Inferred,
                    apps: Vec::new(),
                }),
            }
        }
        for app in &mut applications {
            app.processes.sort_by_cached_key(|p| (role_rank(p), p.clone()));
        }
        applications.sort_by(Application::order);
        Inventory { applications, source: InventorySource::Inferred }
    }

    /// Combines the sources: every application of the inventory file; then each ecosystem
    /// application (taken in path, then name order) with only its processes that no earlier
    /// application covers, dropped when none is left (so a file entry wins and duplicate
    /// ecosystem files count once); then [`Inventory::infer`] over the seen processes still
    /// not covered. Tooling (`pm2-*`) is never inferred.
    pub fn resolve(
        file: Option<Inventory>,
        ecosystems: Vec<Application>,
        seen_processes: &[&str],
    ) -> Inventory {
        let mut source = InventorySource::Inferred;
        let mut applications: Vec<Application> = Vec::new();
        if let Some(file) = file {
            source = file.source;
            applications = file.applications;
        }
        let mut ecosystems = ecosystems;
        ecosystems.sort_by(|a, b| source_key(&a.source).cmp(&source_key(&b.source)).then_with(|| a.order(b)));
        for mut eco in ecosystems {
            let covered = |p: &str| applications.iter().any(|a| a.matches(p));
            eco.processes.retain(|p| !covered(p));
            eco.apps.retain(|a| !covered(&a.name));
            if eco.processes.is_empty() {
                continue;
            }
            if source == InventorySource::Inferred {
                source = eco.source.clone();
            }
            applications.push(eco);
        }
        let rest: Vec<&str> = seen_processes
            .iter()
            .copied()
            .filter(|p| !applications.iter().any(|a| a.matches(p.trim())))
            .collect();
        applications.extend(Inventory::infer(&rest).applications);
        applications.sort_by(Application::order);
        Inventory { applications, source }
    }

    /// The application `process` belongs to. When several match, the most specific pattern
    /// wins (an exact name, then the glob with the most literal characters), then the first
    /// application in order.
    pub fn application_of(&self, process: &str) -> Option<&Application> {
        let mut best: Option<(usize, &Application)> = None;
        for app in &self.applications {
            if let Some(score) = app.match_score(process) {
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, app));
                }
            }
        }
        best.map(|(_, app)| app)
    }

    /// Whether a process is PM2 tooling (a module such as `pm2-logrotate`: its name starts
    /// `pm2-`) rather than part of an application.
    pub fn is_tooling(process: &str) -> bool {
        process.starts_with("pm2-")
    }

    /// Whether a file name looks like an ecosystem file: `ecosystem*.config.{cjs,js,mjs,json}`.
    pub fn is_ecosystem_file(path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
        let Some(stem) = [".config.cjs", ".config.js", ".config.mjs", ".config.json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
        else {
            return false;
        };
        stem.starts_with("ecosystem")
    }
}

/// The inventory file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    application: Vec<FileApp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApp {
    name: String,
    environment: Option<String>,
    processes: Vec<String>,
    directory: Option<String>,
    config: Option<String>,
    site: Option<String>,
    health: Option<String>,
    priority: Option<u32>,
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `*` matches any run of characters (including none); every other character is literal
/// (PM2 names may hold `?`, `[`).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

const ROLE_SUFFIXES: [&str; 3] = ["-analytics-worker", "-api", "-worker"];

/// Application name and environment of one process name (the inference rule).
fn infer_app(process: &str) -> (String, Environment) {
    let base = infer_app_base(process);
    let environment = if base.len() < process.len() { Environment::Test } else { Environment::Production };
    (strip_role(base).to_string(), environment)
}

/// The name without a `-test` suffix (unless nothing would be left).
fn infer_app_base(process: &str) -> &str {
    process.strip_suffix("-test").filter(|b| !b.is_empty()).unwrap_or(process)
}

fn strip_role(base: &str) -> &str {
    ROLE_SUFFIXES.iter().find_map(|s| base.strip_suffix(s).filter(|p| !p.is_empty())).unwrap_or(base)
}

fn role_rank(process: &str) -> u8 {
    let base = process.strip_suffix("-test").unwrap_or(process);
    if base.ends_with("-analytics-worker") {
        2
    } else if base.ends_with("-api") {
        0
    } else if base.ends_with("-worker") {
        1
    } else {
        3
    }
}

fn source_key(source: &InventorySource) -> (u8, Option<&Path>) {
    match source {
        InventorySource::File(p) => (0, Some(p)),
        InventorySource::Ecosystem(p) => (1, Some(p)),
        InventorySource::Inferred => (2, None),
    }
}

/// The ecosystem application name rule (see [`Inventory::from_ecosystem`]).
fn common_app_name(apps: &[EcosystemApp]) -> String {
    let bases: Vec<&str> = apps.iter().map(|a| strip_role(infer_app_base(&a.name))).collect();
    let mut common: Vec<&str> = bases[0].split('-').collect();
    for base in &bases[1..] {
        let n = common.iter().zip(base.split('-')).take_while(|(a, b)| *a == b).count();
        common.truncate(n);
    }
    let name = common.join("-");
    let best = [name.as_str(), bases[0], &apps[0].name].into_iter().find(|n| !n.is_empty());
    best.unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("stock-alert-*", "stock-alert-api"));
        assert!(glob_match("stock-alert-*", "stock-alert-"));
        assert!(!glob_match("stock-alert-*", "stock-alert"));
        assert!(glob_match("*-test", "flyer-crawler-api-test"));
        assert!(glob_match("a*b*c", "aXbYbc"));
        assert!(!glob_match("a*b*c", "aXbYbd"));
        assert!(glob_match("a?[b]", "a?[b]"));
        assert!(!glob_match("a?", "ab"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 1), (1, 1));
        assert_eq!(line_col("", 10), (1, 1));
    }

    #[test]
    fn inference_names() {
        assert_eq!(
            infer_app("flyer-crawler-analytics-worker-test"),
            ("flyer-crawler".into(), Environment::Test)
        );
        assert_eq!(infer_app("-test"), ("-test".into(), Environment::Production));
        assert_eq!(infer_app("api"), ("api".into(), Environment::Production));
        assert_eq!(infer_app("-api"), ("-api".into(), Environment::Production));
    }

    #[test]
    fn ecosystem_files() {
        assert!(Inventory::is_ecosystem_file(Path::new("/x/ecosystem.config.cjs")));
        assert!(Inventory::is_ecosystem_file(Path::new("ecosystem-test.config.mjs")));
        assert!(Inventory::is_ecosystem_file(Path::new("ecosystem.config.json")));
        assert!(!Inventory::is_ecosystem_file(Path::new("ecosystem.json")));
        assert!(!Inventory::is_ecosystem_file(Path::new("my-ecosystem.config.js")));
    }
}
