//! The lint rules as data: stable id, level, what each finds, why (the runbook's root cause or
//! checklist item it comes from) and the fix. `--list-rules`, `--help`, SARIF's rule table and
//! docs/lint-rules.md all say what this table says.

/// How serious a finding is. Every finding makes `postmortem lint` exit 1; the level is for
/// SARIF viewers and for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Takes processes down that the deploy does not own, or hides that it did.
    Error,
    /// A risk the runbook's checklists ask to remove.
    Warning,
}

impl Level {
    /// `error` / `warning`, as SARIF spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One lint rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (never renamed; a retired rule's id is not reused).
    pub id: &'static str,
    /// A few words, for `--help`.
    pub title: &'static str,
    /// Its level.
    pub level: Level,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Why it matters, citing the runbook.
    pub why: &'static str,
    /// The fix, in general (a finding may say it more precisely).
    pub help: &'static str,
}

/// `pm2 stop|restart|reload|delete all`.
pub const PM2_ALL: Rule = Rule {
    id: "pm2-all",
    title: "`pm2 stop|restart|reload|delete all`",
    level: Level::Error,
    summary: "`pm2 stop|restart|reload|delete all`: acts on every PM2 process of the host",
    why: "Runbook root causes \"`pm2 stop all` in workflow\" and \"`pm2 delete all` in workflow\" (Dangerous \
          Patterns: \"affects ALL applications\"): one deploy takes down every application and environment that \
          shares the PM2 daemon (the 2026-02-17 incident).",
    help: "name the processes this deploy owns, e.g. `pm2 delete app-api app-worker` (a test deploy: only its \
           `-test` processes); never `all`",
};

/// `pm2 kill`.
pub const PM2_KILL: Rule = Rule {
    id: "pm2-kill",
    title: "`pm2 kill` in a deploy",
    level: Level::Error,
    summary: "`pm2 kill` in a deploy: stops the PM2 daemon and every process",
    why: "Runbook, Dangerous Commands: \"pm2 kill — Kills PM2 daemon and all processes\"; a killed daemon takes \
          every application down until someone resurrects it (root cause pm2-daemon-killed).",
    help: "restart only this deploy's processes by name (`pm2 reload app-api app-worker`) and leave the daemon \
           running",
};

/// `pm2 update`.
pub const PM2_UPDATE: Rule = Rule {
    id: "pm2-update",
    title: "`pm2 update` in a deploy",
    level: Level::Warning,
    summary: "`pm2 update` in a deploy: restarts the daemon and with it every process",
    why: "Runbook, Dangerous Commands: \"pm2 update — Updates PM2 in place (may cause brief outage)\": the daemon \
          is killed and every saved process of every application restarts, with new ids.",
    help: "update PM2 by hand in a maintenance window (after `pm2 save`), not from a deploy",
};

/// `pm2 delete $(pm2 jlist …)`, `… | xargs pm2 delete`, loops over pm2's listing.
pub const PM2_UNFILTERED_BULK: Rule = Rule {
    id: "pm2-unfiltered-bulk",
    title: "`pm2 delete $(pm2 jlist …)`, jlist loops: no name filter",
    level: Level::Error,
    summary: "a pm2 action on every id or name that `pm2 jlist`/`pm2 list` prints, without a name filter",
    why: "Runbook, Dangerous Patterns: `pm2 delete $(pm2 jlist | jq … select(.pm2_env.status == \"errored\") …)` \
          is \"no name filtering\": a status filter still reaches other applications' processes. The Workflow \
          Review Checklist asks that \"all PM2 delete commands filter by process name pattern\".",
    help: "filter by name before acting, e.g. `pm2 jlist | jq -r '.[] | select(.name | endswith(\"-test\")) | \
           .pm_id'`, or act on an explicit list of names",
};

/// A test deploy whose pm2 commands reach processes that are not `-test`.
pub const TEST_DEPLOY_NOT_FILTERED: Rule = Rule {
    id: "test-deploy-not-filtered",
    title: "a test deploy acting on processes not named `-test`",
    level: Level::Error,
    summary: "a test deploy whose pm2 command acts on processes not named `-test`",
    why:
        "Workflow Review Checklist: \"Test deployments filter by `-test` suffix\". A test deploy that starts \
          the production ecosystem file or names a production process changes production (the 2026-02-17 \
          incident started in deploy-to-test).",
    help:
        "name only `-test` processes (`pm2 restart app-api-test app-worker-test`), or use the test ecosystem \
           file (`pm2 start ecosystem-test.config.cjs`)",
};

/// A production deploy without an explicit list of process names.
pub const PRODUCTION_NO_WHITELIST: Rule = Rule {
    id: "production-no-whitelist",
    title: "a production deploy without an explicit list of names",
    level: Level::Warning,
    summary: "a production deploy starts or stops processes without naming them (an ecosystem file without \
              `--only`, `pm2 resurrect`)",
    why: "Workflow Review Checklist: \"Production deployments use whitelist array\"; Pre-Deployment Checklist: \
          \"Verify process names are explicitly listed\". An ecosystem file or the saved list may hold other \
          applications' or environments' processes.",
    help: "list the processes: `pm2 start ecosystem.config.cjs --only app-api,app-worker`",
};

/// A deploy workflow that two runs can execute at once.
pub const NO_CONCURRENCY: Rule = Rule {
    id: "no-concurrency",
    title: "a deploy without a concurrency group or lock",
    level: Level::Warning,
    summary: "a deploy workflow job without a `concurrency:` group (GitHub) or a lock (Gitea, which ignores \
              `concurrency:` up to 1.25)",
    why: "Runbook root cause \"Concurrent deployments — Implement deployment locks\"; Pre-Deployment Checklist: \
          \"Check for concurrent deployment risks\". Two overlapping deploys interleave their pm2 commands and \
          `pm2 save`s.",
    help: "GitHub: `concurrency: {group: deploy-${{ github.workflow }}, cancel-in-progress: false}`; Gitea (≤ \
           1.25 ignores that key): run the deploy under a lock, `flock /tmp/deploy-APP.lock ./deploy.sh` or \
           `exec 9>/tmp/deploy-APP.lock; flock 9` first in the step",
};

/// `pm2 save` after processes were removed and only some started again.
pub const SAVE_AFTER_PARTIAL_START: Rule = Rule {
    id: "save-after-partial-start",
    title: "`pm2 save` after deleting and restarting only some",
    level: Level::Error,
    summary: "`pm2 save` after processes were deleted and only some started again: saves the reduced list",
    why: "Runbook, Dangerous Commands: \"pm2 save — Overwrites saved process list\". After `pm2 delete …` and a \
          start of only some processes (`--only`, by name, another ecosystem file), the save makes the loss \
          permanent: `pm2 resurrect` and the next boot bring back only those (the 2026-02-17 incident saved \
          the test apps alone).",
    help: "start again every process the deploy deleted before `pm2 save` (or do not save in the deploy); never \
           save after `delete all`",
};

/// A workflow file that cannot be read as a workflow.
pub const PARSE_ERROR: Rule = Rule {
    id: "parse-error",
    title: "a workflow file that cannot be read",
    level: Level::Error,
    summary: "a workflow file that is not valid YAML or has no `jobs:`: nothing in it was checked",
    why:
        "A file lint cannot read cannot be vouched for; the CI server would reject it or run something else.",
    help: "fix the YAML at the position given (e.g. check it with `yamllint`), then lint again",
};

/// Every rule, in the order `--list-rules` shows them.
pub const RULES: &[&Rule] = &[
    &PM2_ALL,
    &PM2_KILL,
    &PM2_UPDATE,
    &PM2_UNFILTERED_BULK,
    &TEST_DEPLOY_NOT_FILTERED,
    &PRODUCTION_NO_WHITELIST,
    &NO_CONCURRENCY,
    &SAVE_AFTER_PARTIAL_START,
    &PARSE_ERROR,
];

/// The rule ids with their summaries, one per line, for `postmortem lint --help`.
pub fn help_list() -> String {
    RULES.iter().map(|r| format!("  {:<25} {}\n", r.id, r.title)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let doc = include_str!("../../docs/lint-rules.md");
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        for id in &ids {
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{id}");
            assert!(doc.contains(&format!("## `{id}`")), "docs/lint-rules.md has no section for {id}");
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
