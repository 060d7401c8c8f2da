//! The rules evaluated over one *scope*: a workflow job (its steps in order) or a shell script.
//!
//! Semantics (docs/lint-rules.md says the same for users):
//! - Only pm2 commands that reach the server count: in a job on a GitHub-hosted runner
//!   (`runs-on: ubuntu-*`, `windows-*`, `macos-*`) only those run through `ssh` do.
//! - A scope is a *deploy* when it runs a pm2 command that changes processes (start, stop,
//!   restart, reload, delete, scale, kill, update, resurrect).
//! - Its environment comes from the first of: the job id, the job name, the workflow name, the
//!   file name, whose words say `test`/`tests`/`testing` or `prod`/`production` (both: mixed,
//!   no environment rule applies); else it is a test deploy when every process it names ends in
//!   `-test` (or is in an ecosystem file named test), else production.
//! - Commands are read in order, without following `if`/`else` branches.

use std::collections::BTreeSet;

use postmortem_parsers::command::program_words;

use super::pm2::{self, Action, Pm2Call, Target};
use super::rules::{self, Rule};
use super::shell::{Invocation, Position, Script};
use super::Finding;

/// What is linted as one unit.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The file's display path.
    pub file: &'a str,
    /// Names that may say the environment, most specific first (job id, job name, workflow
    /// name, file name).
    pub names: Vec<String>,
    /// Its commands.
    pub script: Script,
    /// It runs on a GitHub-hosted (throwaway) runner: only ssh'd commands reach a server.
    pub hosted: bool,
    /// For a workflow job: how it is kept from running twice at once.
    pub job: Option<JobLock>,
}

/// A workflow job's protection against concurrent runs.
#[derive(Debug)]
pub struct JobLock {
    /// The file is under `.gitea/`: the `concurrency:` key is ignored (Gitea ≤ 1.25).
    pub gitea: bool,
    /// The workflow or the job sets `concurrency:`.
    pub concurrency: bool,
    /// Where the job's id is written.
    pub at: Position,
}

/// The deploy's environment, and what said so.
#[derive(Debug, PartialEq, Eq)]
enum Env {
    Test(String),
    Production(String),
    Mixed,
}

/// Every finding of the scope.
pub fn check(scope: &Scope) -> Vec<Finding> {
    let calls: Vec<(&Invocation, Pm2Call)> = scope
        .script
        .invocations
        .iter()
        .filter(|inv| !scope.hosted || inv.remote)
        .filter_map(|inv| pm2::parse(inv).map(|c| (inv, c)))
        .collect();
    let mut out = Vec::new();
    let deploy = calls.iter().any(|(_, c)| changes_processes(c));
    if !deploy {
        return out;
    }
    let env = environment(scope, &calls);
    for (inv, call) in &calls {
        let mut finding = |rule: &'static Rule, message: String, help: Option<String>| {
            out.push(Finding::new(scope.file, call.at, rule, message, help))
        };
        if call.targets.contains(&Target::All)
            && matches!(call.action, Action::Stop | Action::Restart | Action::Reload | Action::Delete)
        {
            finding(
                &rules::PM2_ALL,
                format!(
                    "`{}` {} every PM2 process on the host, of every application",
                    call.display(),
                    match call.action {
                        Action::Stop => "stops",
                        Action::Restart => "restarts",
                        Action::Reload => "reloads",
                        _ => "deletes",
                    }
                ),
                Some(format!(
                    "name the processes this deploy owns: `pm2 {} APP-api APP-worker`{}; never `all`",
                    call.verb,
                    if matches!(env, Env::Test(_)) {
                        " (a test deploy: only its `-test` processes)"
                    } else {
                        ""
                    }
                )),
            );
            continue;
        }
        match call.action {
            Action::Kill => finding(
                &rules::PM2_KILL,
                "`pm2 kill` stops the PM2 daemon and every process it runs".into(),
                None,
            ),
            Action::Update => finding(
                &rules::PM2_UPDATE,
                "`pm2 update` restarts the PM2 daemon: every process of every application restarts".into(),
                None,
            ),
            _ => {}
        }
        if let Some(source) = unfiltered_bulk(call, inv, &scope.script) {
            finding(
                &rules::PM2_UNFILTERED_BULK,
                format!(
                    "`pm2 {}` acts on every process listed by `{}`: nothing filters them by name",
                    call.verb,
                    shorten(&source)
                ),
                None,
            );
            continue;
        }
        if let Some((rule, message, help)) = environment_rule(&env, call, inv, &scope.script) {
            finding(rule, message, help);
        }
    }
    out.extend(save_after_partial_start(scope, &calls));
    if let Some(job) = &scope.job {
        out.extend(no_concurrency(scope, job));
    }
    out
}

fn changes_processes(call: &Pm2Call) -> bool {
    call.action.takes_targets() || matches!(call.action, Action::Kill | Action::Update | Action::Resurrect)
}

/// A long source text cut for a message.
fn shorten(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(60) {
        Some((b, _)) => format!("{}…", &text[..b]),
        None => text,
    }
}

/// The words of a name, lower-case: `deploy-to-test.yml` → deploy, to, test, yml.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn says_test(name: &str) -> bool {
    words(name).iter().any(|w| matches!(w.as_str(), "test" | "tests" | "testing"))
}

fn says_production(name: &str) -> bool {
    words(name).iter().any(|w| matches!(w.as_str(), "prod" | "production"))
}

fn environment(scope: &Scope, calls: &[(&Invocation, Pm2Call)]) -> Env {
    for name in &scope.names {
        match (says_test(name), says_production(name)) {
            (true, true) => return Env::Mixed,
            (true, false) => return Env::Test(format!("`{name}` says test")),
            (false, true) => return Env::Production(format!("`{name}` says production")),
            _ => {}
        }
    }
    let mut named = Vec::new();
    for (inv, call) in calls.iter().filter(|(_, c)| changes_processes(c)) {
        named.extend(call.named().into_iter().map(|n| n.ends_with("-test")));
        named.extend(loop_items(call, inv, &scope.script).iter().map(|n| n.ends_with("-test")));
        named.extend(call.targets.iter().filter_map(|t| match t {
            Target::Config(c) => Some(says_test(c)),
            _ => None,
        }));
    }
    if !named.is_empty() && named.iter().all(|t| *t) {
        Env::Test("it manages only `-test` processes".into())
    } else {
        Env::Production("nothing names it a test deploy".into())
    }
}

/// A listing of pm2's processes that `call` acts on without a name filter: a `$(…)` target, the
/// pipe into `xargs pm2 …`, or the loop its variable target comes from.
fn unfiltered_bulk(call: &Pm2Call, inv: &Invocation, script: &Script) -> Option<String> {
    if !call.action.takes_targets() {
        return None;
    }
    let unfiltered = |text: &str| pm2::lists_processes(text) && !pm2::filters_by_name(text);
    for target in &call.targets {
        match target {
            Target::Substitution(s) if unfiltered(s) => return Some(s.clone()),
            Target::Stdin if unfiltered(&inv.upstream) => return Some(inv.upstream.clone()),
            Target::Variable(_) => {
                let from_loop = inv
                    .loops
                    .iter()
                    .map(|&l| &script.loops[l])
                    .find(|l| !l.name_guard && unfiltered(&l.source));
                if let Some(l) = from_loop {
                    return Some(l.source.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// `test-deploy-not-filtered` or `production-no-whitelist` for one call.
fn environment_rule(
    env: &Env,
    call: &Pm2Call,
    inv: &Invocation,
    script: &Script,
) -> Option<(&'static Rule, String, Option<String>)> {
    if !call.action.takes_targets() && call.action != Action::Resurrect {
        return None;
    }
    let whole_configs: Vec<&str> = match &call.only {
        Some(_) => Vec::new(),
        None => call
            .targets
            .iter()
            .filter_map(|t| match t {
                Target::Config(c) => Some(c.as_str()),
                _ => None,
            })
            .collect(),
    };
    match env {
        Env::Test(why) => {
            let mut outside: Vec<String> = call
                .named()
                .into_iter()
                .chain(loop_items(call, inv, script).iter().map(String::as_str))
                .filter(|n| !n.ends_with("-test"))
                .map(|n| format!("`{n}`"))
                .collect();
            outside.extend(
                whole_configs.iter().filter(|c| !says_test(c)).map(|c| format!("every app of `{c}`")),
            );
            if call.action == Action::Resurrect {
                outside.push("every process of the saved list".into());
            }
            (!outside.is_empty()).then(|| {
                (
                    &rules::TEST_DEPLOY_NOT_FILTERED,
                    format!(
                        "test deploy ({why}) runs `{}` on processes not named `-test`: {}",
                        call.display(),
                        outside.join(", ")
                    ),
                    None,
                )
            })
        }
        Env::Production(why) => {
            let what = if call.action == Action::Resurrect {
                "every process of the saved list (dump.pm2), whatever it holds".to_string()
            } else if let Some(c) = whole_configs.first() {
                format!("every app `{c}` defines, not an explicit list")
            } else {
                return None;
            };
            let help = match whole_configs.first() {
                Some(c) => format!("name the apps: `pm2 {} {c} --only APP-api,APP-worker` (the ones this deploy owns)", call.verb),
                None => "start this deploy's processes by name (`pm2 start ecosystem.config.cjs --only APP-api,APP-worker`) \
                         instead of restoring whatever the saved list holds"
                    .to_string(),
            };
            Some((
                &rules::PRODUCTION_NO_WHITELIST,
                format!("production deploy ({why}): `{}` acts on {what}", call.display()),
                Some(help),
            ))
        }
        Env::Mixed => None,
    }
}

/// The literal items of the `for` loop a `$var` target iterates over (`for app in a b; do pm2
/// delete "$app"`), else nothing.
fn loop_items(call: &Pm2Call, inv: &Invocation, script: &Script) -> Vec<String> {
    let vars = call.targets.iter().filter_map(|t| match t {
        Target::Variable(v) => Some(v.trim_start_matches('$').trim_matches(['{', '}'])),
        _ => None,
    });
    let mut out = Vec::new();
    for var in vars {
        let found = inv.loops.iter().rev().map(|&l| &script.loops[l]).find(|l| l.var.as_deref() == Some(var));
        if let Some(items) = found.and_then(|l| l.items.as_ref()) {
            out.extend(items.iter().cloned());
        }
    }
    out
}

/// What a scope has removed from PM2's list and not started again.
#[derive(Default)]
struct Removed {
    /// `delete all`, `kill` or a bulk delete: (command, line).
    everything: Option<(String, u64)>,
    /// Deleted by name (with the loop items of `for app in …; do pm2 delete "$app"`).
    names: BTreeSet<String>,
    /// Line of the first removal.
    first_line: u64,
    /// A start after the removal: (command, line).
    started: Option<(String, u64)>,
}

fn save_after_partial_start(scope: &Scope, calls: &[(&Invocation, Pm2Call)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut removed = Removed::default();
    for (inv, call) in calls {
        let line = call.at.0;
        let bulk = unfiltered_bulk(call, inv, &scope.script).is_some();
        match call.action {
            Action::Kill => removed.everything = Some((call.display(), line)),
            Action::Delete if call.targets.contains(&Target::All) || bulk => {
                removed.everything = Some((call.display(), line))
            }
            Action::Delete => {
                let named =
                    call.named().into_iter().map(String::from).chain(loop_items(call, inv, &scope.script));
                removed.names.extend(named);
            }
            Action::Start if removed.everything.is_some() || !removed.names.is_empty() => {
                if call.only.is_none() && call.targets.iter().any(|t| matches!(t, Target::Config(_))) {
                    removed.names.clear(); // the whole ecosystem file: this app's processes are back
                } else {
                    for n in call.named() {
                        removed.names.remove(n);
                    }
                }
                removed.started = Some((call.display(), line));
            }
            Action::Resurrect => removed = Removed::default(),
            Action::Save => {
                if let Some((start, start_line)) = &removed.started {
                    let lost = match &removed.everything {
                        Some((cmd, l)) => Some(format!("`{cmd}` (line {l}) removed every process")),
                        None if !removed.names.is_empty() => Some(format!(
                            "{} deleted (from line {}) and not started again",
                            removed.names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                            removed.first_line
                        )),
                        None => None,
                    };
                    if let Some(lost) = lost {
                        out.push(Finding::new(
                            scope.file,
                            call.at,
                            &rules::SAVE_AFTER_PARTIAL_START,
                            format!(
                                "`pm2 save` persists a reduced process list: {lost}, then only `{start}` (line \
                                 {start_line}) started; `pm2 resurrect` and the next boot bring back only that"
                            ),
                            None,
                        ));
                    }
                }
                removed = Removed::default();
            }
            _ => {}
        }
        if removed.first_line == 0 && (removed.everything.is_some() || !removed.names.is_empty()) {
            removed.first_line = line;
        }
    }
    out
}

fn no_concurrency(scope: &Scope, job: &JobLock) -> Option<Finding> {
    let locked = scope.script.invocations.iter().any(|inv| {
        let texts = inv.texts();
        program_words(&texts).first().is_some_and(|p| p.rsplit('/').next() == Some("flock"))
    });
    let message = match (job.gitea, job.concurrency) {
        _ if locked => return None,
        (false, true) => return None,
        (false, false) => {
            "deploy job has no `concurrency:` group (workflow or job level) and no `flock`: two runs can deploy at \
             once"
        }
        (true, true) => {
            "deploy job relies on `concurrency:`, which Gitea up to 1.25 ignores; without a lock (`flock`) two runs \
             can deploy at once"
        }
        (true, false) => {
            "deploy job has no lock: Gitea up to 1.25 ignores `concurrency:`, so only a lock (`flock`) keeps two \
             runs from deploying at once"
        }
    };
    let help = if job.gitea {
        "run the deploy under a lock: `exec 9>/tmp/deploy-APP.lock; flock 9` first in the step, or `flock \
         /tmp/deploy-APP.lock ./deploy.sh`"
    } else {
        "add `concurrency: {group: deploy-${{ github.workflow }}, cancel-in-progress: false}` to the workflow"
    };
    Some(Finding::new(
        scope.file,
        job.at,
        &rules::NO_CONCURRENCY,
        message.to_string(),
        Some(help.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::shell::{walk, Line};

    fn findings(name: &str, lines: &[&str]) -> Vec<Finding> {
        let mut script = Script::default();
        let parsed: Vec<Line> =
            lines.iter().enumerate().map(|(i, l)| Line::new(*l, (i as u64 + 1, 1))).collect();
        walk(&parsed, lines, false, &mut script);
        let scope = Scope { file: "f.sh", names: vec![name.to_string()], script, hosted: false, job: None };
        check(&scope)
    }

    fn lint(name: &str, lines: &[&str]) -> Vec<String> {
        findings(name, lines).iter().map(|f| format!("{}:{} {}", f.line, f.column, f.rule.id)).collect()
    }

    #[test]
    fn the_runbook_incident() {
        assert_eq!(
            lint(
                "deploy-to-test",
                &["pm2 delete all || true", "pm2 start ecosystem-test.config.cjs", "pm2 save"]
            ),
            vec!["1:1 pm2-all", "3:1 save-after-partial-start"]
        );
    }

    #[test]
    fn test_deploys_must_stay_in_test() {
        assert_eq!(
            lint(
                "deploy-test",
                &["pm2 restart api-test worker", "pm2 start ecosystem.config.cjs", "pm2 resurrect"]
            ),
            vec![
                "1:1 test-deploy-not-filtered",
                "2:1 test-deploy-not-filtered",
                "3:1 test-deploy-not-filtered"
            ]
        );
        assert!(
            lint("deploy-test", &["pm2 start ecosystem.config.cjs --only api-test,worker-test"]).is_empty()
        );
        // No name signal: managing only -test processes makes it a test deploy.
        assert_eq!(
            lint("deploy", &["for a in api-test web; do pm2 delete \"$a\"; done", "pm2 restart api-test"]),
            Vec::<String>::new(),
            "a name outside -test makes it production, where names are a whitelist"
        );
        assert_eq!(
            lint("deploy", &["pm2 delete api-test", "pm2 start ecosystem.config.js"]),
            vec!["2:1 production-no-whitelist"]
        );
    }

    #[test]
    fn only_changing_commands_decide_the_environment() {
        assert!(lint("deploy", &["pm2 logs api --lines 20", "pm2 restart api-test"]).is_empty());
        assert_eq!(
            lint("deploy", &["pm2 describe api", "pm2 restart api-test", "pm2 resurrect"]),
            vec!["3:1 test-deploy-not-filtered"]
        );
    }

    #[test]
    fn production_whitelists() {
        assert_eq!(
            lint("deploy-prod", &["pm2 startOrReload ecosystem.config.js"]),
            vec!["1:1 production-no-whitelist"]
        );
        assert!(lint("deploy-prod", &["pm2 reload api worker --update-env", "pm2 save"]).is_empty());
        assert!(
            lint("deploy-prod-and-test", &["pm2 start ecosystem.config.js"]).is_empty(),
            "mixed: no env rule"
        );
    }

    #[test]
    fn bulk_actions() {
        assert_eq!(
            lint("x", &["pm2 jlist | jq -r '.[].pm_id' | xargs -n1 pm2 stop"]),
            vec!["1:43 pm2-unfiltered-bulk"]
        );
        assert_eq!(
            lint("x", &["for id in $(pm2 jlist | jq -r '.[].pm_id'); do", "  pm2 delete $id", "done"]),
            vec!["2:3 pm2-unfiltered-bulk"]
        );
        assert!(lint(
            "x",
            &["pm2 jlist | jq -r '.[] | select(.name | test(\"-test$\")) | .pm_id' | xargs pm2 delete"]
        )
        .is_empty());
        assert!(lint(
            "x",
            &[
                "pm2 jlist | jq -r '.[].name' | while read n; do",
                "case \"$n\" in *-test) pm2 delete \"$n\";; esac",
                "done"
            ]
        )
        .is_empty());
        let by_pattern = [
            "for id in $(pm2 jlist | jq -r '.[].name'); do",
            "  case $id in",
            "    *-test) pm2 stop $id ;;",
            "  esac",
            "done",
        ];
        assert!(lint("x", &by_pattern).is_empty());
        // A status test is not a name filter.
        let by_status = [
            "for id in $(pm2 jlist | jq -r '.[].pm_id'); do",
            "  if [ \"$(pm2 show $id)\" ]; then pm2 delete $id; fi",
            "done",
        ];
        assert_eq!(lint("x", &by_status), vec!["2:34 pm2-unfiltered-bulk"]);
    }

    #[test]
    fn save_after_a_partial_start() {
        assert_eq!(
            lint("prod", &["pm2 delete api worker", "pm2 start ecosystem.config.js --only api", "pm2 save"]),
            vec!["3:1 save-after-partial-start"]
        );
        // Everything deleted came back: the same names, or the whole ecosystem file.
        assert!(lint(
            "prod",
            &["pm2 delete worker", "pm2 start ecosystem.config.js --only worker", "pm2 save"]
        )
        .is_empty());
        assert!(lint(
            "prod",
            &[
                "for a in api worker; do pm2 delete $a; done",
                "pm2 start ecosystem.config.js --only api,worker",
                "pm2 save"
            ]
        )
        .is_empty());
        // A removal with no start afterwards is a decommission, not a partial start.
        assert!(lint("prod", &["pm2 delete old-api", "pm2 save"]).is_empty());
        assert_eq!(
            lint("prod", &["pm2 kill", "pm2 start ecosystem.config.js --only api", "pm2 save"]).len(),
            2
        );
    }

    #[test]
    fn kill_update_and_non_deploys() {
        assert_eq!(lint("x", &["npm ci && pm2 kill"]), vec!["1:11 pm2-kill"]);
        assert_eq!(
            findings("x", &["pm2 del all"])[0].message,
            "`pm2 del all` deletes every PM2 process on the host, of every application"
        );
        assert_eq!(lint("x", &["sudo pm2 update"]), vec!["1:6 pm2-update"]);
        assert!(lint("x", &["pm2 list", "pm2 logs --lines 50", "echo pm2 delete all"]).is_empty());
    }
}
