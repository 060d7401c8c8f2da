//! Workflow files and shell scripts → scopes for the checks.
//!
//! A workflow is read by `postmortem_parsers::workflow_file` (every `run:` and ssh-action
//! `with: script:` command with its line and column); each job is one scope, its steps read in
//! order. A shell script is one scope, its command lines read by
//! `workflow_file::script_commands` (the same line rules as a `run: |` block).

use postmortem_parsers::split_lines;
use postmortem_parsers::workflow_file::{parse_workflow, script_commands, Command, WorkflowError};

use super::checks::{self, JobLock, Scope};
use super::rules;
use super::shell::{walk, Line, Script};
use super::Finding;

/// Runner labels of GitHub-hosted (throwaway) machines.
const HOSTED_LABELS: &[&str] = &["ubuntu-", "windows-", "macos-"];

/// The findings of a workflow file. `gitea`: it is under `.gitea/`.
pub fn lint_workflow(file: &str, text: &str, gitea: bool) -> Vec<Finding> {
    let source: Vec<&str> = split_lines(text).collect();
    let wf = match parse_workflow(text) {
        Ok(wf) if !wf.jobs.is_empty() => wf,
        Ok(_) | Err(WorkflowError::NotAMapping) => {
            let message = "not a workflow: the YAML has no `jobs:` mapping".to_string();
            return vec![Finding::new(file, (1, 1), &rules::PARSE_ERROR, message, None)];
        }
        Err(WorkflowError::Yaml { line, column, message }) => {
            let message = format!("invalid YAML: {message}; nothing in this file was checked");
            return vec![Finding::new(
                file,
                (line.max(1), column.max(1)),
                &rules::PARSE_ERROR,
                message,
                None,
            )];
        }
    };
    let stem = file_stem(file);
    let mut out = Vec::new();
    for job in &wf.jobs {
        let mut script = Script::default();
        for step in &job.steps {
            if let Some(run) = &step.run {
                walk(&lines(&run.commands), &source, false, &mut script);
            }
            if let Some((_, remote)) = &step.with_script {
                walk(&lines(&remote.commands), &source, true, &mut script);
            }
        }
        let names = [Some(job.id.clone()), job.name.clone(), wf.name.clone(), Some(stem.clone())];
        let hosted = job
            .runs_on
            .as_deref()
            .is_some_and(|r| HOSTED_LABELS.iter().any(|l| r.starts_with(l)) && !r.contains(','));
        let indent =
            source.get(job.line as usize - 1).map_or(0, |l| l.chars().take_while(|c| *c == ' ').count());
        let lock = JobLock {
            gitea,
            concurrency: wf.concurrency.is_some() || job.concurrency.is_some(),
            at: (job.line, indent as u64 + 1),
        };
        let scope =
            Scope { file, names: names.into_iter().flatten().collect(), script, hosted, job: Some(lock) };
        out.extend(checks::check(&scope));
    }
    out
}

/// The findings of a shell script.
pub fn lint_script(file: &str, text: &str) -> Vec<Finding> {
    let source: Vec<&str> = split_lines(text).collect();
    let mut script = Script::default();
    walk(&lines(&script_commands(text)), &source, false, &mut script);
    let scope = Scope { file, names: vec![file_stem(file)], script, hosted: false, job: None };
    checks::check(&scope)
}

fn lines(commands: &[Command]) -> Vec<Line> {
    commands.iter().map(|c| Line::new(c.text.clone(), (c.line, c.column))).collect()
}

/// `repo/.gitea/workflows/deploy-to-test.yml` → `deploy-to-test`.
fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(findings: &[Finding]) -> Vec<String> {
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|f| (f.line, f.column, f.rule.id));
        sorted.iter().map(|f| format!("{}:{} {}", f.line, f.column, f.rule.id)).collect()
    }

    #[test]
    fn jobs_are_scopes_and_hosted_runners_do_not_deploy() {
        let yaml = "name: CI\non: push\nconcurrency: deploy\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      \
                    - run: pm2 delete all\n  deploy-test:\n    runs-on: self-hosted\n    steps:\n      - run: |\n          \
                    pm2 restart api\n  ship:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: ssh web \"pm2 kill\"\n";
        assert_eq!(
            ids(&lint_workflow("ci.yml", yaml, false)),
            vec!["13:11 test-deploy-not-filtered", "17:23 pm2-kill"]
        );
        let gitea = ids(&lint_workflow(".gitea/workflows/ci.yml", yaml, true));
        assert_eq!(
            gitea,
            vec![
                "9:3 no-concurrency",
                "13:11 test-deploy-not-filtered",
                "14:3 no-concurrency",
                "17:23 pm2-kill"
            ]
        );
    }

    #[test]
    fn ssh_action_scripts_and_locks() {
        let yaml = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: appleboy/ssh-action@v1\n        \
                    with:\n          script: |\n            exec 9>/tmp/deploy.lock; flock 9\n            pm2 stop all\n";
        assert_eq!(ids(&lint_workflow(".gitea/workflows/d.yml", yaml, true)), vec!["10:13 pm2-all"]);
    }

    proptest::proptest! {
        /// No text makes lint panic, as a workflow or as a script.
        #[test]
        fn never_panics(text in "(\\PC|[\n\"'`$(){}<>|&;#\\\\ -])*") {
            let _ = lint_workflow(".gitea/workflows/x.yml", &text, true);
            let _ = lint_script("x.sh", &text);
            let yaml = format!("jobs:\n  d:\n    steps:\n      - run: |\n          {}\n", text.replace('\n', "\n          "));
            let _ = lint_workflow("x.yml", &yaml, false);
        }
    }

    #[test]
    fn broken_files_are_findings() {
        assert_eq!(ids(&lint_workflow("a.yml", "jobs: [\n", false)).len(), 1);
        assert_eq!(ids(&lint_workflow("a.yml", "services:\n  db: {}\n", false)), vec!["1:1 parse-error"]);
    }
}
