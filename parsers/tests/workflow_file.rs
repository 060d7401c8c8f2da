//! CI workflow files: the §5.3 sample of linux-and-ci-formats.md verbatim, the dangerous
//! commands of shared/runbook.md verbatim inside constructed deploy workflows (the runbook
//! names the workflows — deploy-to-prod.yml, deploy-to-test.yml — but shows no YAML), constructed
//! workflows (marked as such) for every script style, and property tests: no input panics,
//! every line is accounted once, results do not depend on where the input is cut.

use postmortem_parsers::workflow_file::{
    is_pm2_all, parse_workflow, sniff_line, sniff_text, Command, WorkflowError, WorkflowFileParser,
    NAME_HINTS, REASON_BAD_YAML, REASON_NOT_WORKFLOW, SOURCE, WORKFLOW_COMMAND, WORKFLOW_FILE,
};
use postmortem_parsers::{
    parse_in_two, parse_text, split_lines, FieldValue, LineParser, RawTime, Record, Sink,
};
use proptest::prelude::*;

fn parse(text: &str) -> Sink<'_> {
    parse_text(&mut WorkflowFileParser::for_path(".gitea/workflows/deploy-to-prod.yml"), text)
}

fn list(r: &Record<'_>, key: &str) -> Vec<String> {
    match r.field(key) {
        Some(FieldValue::List(v)) => v.iter().map(|s| s.to_string()).collect(),
        other => panic!("{key}: {other:?}"),
    }
}

fn cmd(text: &str, line: u64, column: u64) -> Command {
    Command { text: text.to_string(), line, column }
}

/// The commands of a parsed workflow as (text, line, column).
fn commands(text: &str) -> Vec<(String, u64, u64)> {
    let wf = parse_workflow(text).unwrap();
    wf.commands().map(|(_, _, c)| (c.text.clone(), c.line, c.column)).collect()
}

fn c(text: &str, line: u64, column: u64) -> (String, u64, u64) {
    (text.to_string(), line, column)
}

/// linux-and-ci-formats.md §5.3, verbatim.
const REFERENCE: &str = "\
name: Deploy
on:
  push:
    branches: [main]
    paths: ['src/**']
  workflow_dispatch:
concurrency:                 # workflow level; also allowed at jobs.<id>.concurrency
  group: deploy-${{ github.ref }}      # string form also legal: `concurrency: production`
  cancel-in-progress: true
jobs:
  deploy:
    runs-on: ubuntu-latest   # Gitea: runner label
    steps:
      - uses: actions/checkout@v4
      - name: Reload PM2
        run: |
          npm ci
          pm2 reload ecosystem.config.js --update-env
";

#[test]
fn reference_sample_model() {
    let wf = parse_workflow(REFERENCE).unwrap();
    assert_eq!(wf.name.as_deref(), Some("Deploy"));
    assert_eq!(wf.line, 1);
    assert_eq!(wf.triggers, ["push:main", "workflow_dispatch"]);
    let conc = wf.concurrency.as_ref().unwrap();
    assert_eq!(conc.group, "deploy-${{ github.ref }}");
    assert_eq!(conc.cancel_in_progress, Some(true));
    assert_eq!(conc.line, 7);
    assert_eq!(wf.jobs.len(), 1);
    let job = &wf.jobs[0];
    assert_eq!((job.id.as_str(), job.line), ("deploy", 11));
    assert_eq!(job.runs_on.as_deref(), Some("ubuntu-latest"));
    assert_eq!(job.steps.len(), 2);
    let (checkout, reload) = (&job.steps[0], &job.steps[1]);
    assert_eq!((checkout.index, checkout.line), (1, 14));
    assert_eq!(checkout.uses.as_deref(), Some("actions/checkout@v4"));
    assert!(checkout.run.is_none());
    assert_eq!(checkout.display_name(), "actions/checkout@v4");
    assert_eq!((reload.index, reload.line), (2, 15));
    assert_eq!(reload.display_name(), "Reload PM2");
    let run = reload.run.as_ref().unwrap();
    assert_eq!(run.script, "npm ci\npm2 reload ecosystem.config.js --update-env\n");
    assert_eq!(
        run.commands,
        [cmd("npm ci", 17, 11), cmd("pm2 reload ecosystem.config.js --update-env", 18, 11)]
    );
    assert!(wf.has_concurrency());
}

#[test]
fn reference_sample_records() {
    let sink = parse(REFERENCE);
    assert_eq!(sink.counts.total(), 18);
    assert_eq!((sink.counts.events, sink.counts.structural, sink.counts.unparsed), (3, 15, 0));
    let r = &sink.records;
    assert_eq!(r[0].kind, WORKFLOW_FILE);
    assert_eq!((r[0].line, r[0].source, r[0].time), (1, SOURCE, RawTime::None));
    assert_eq!(r[0].message, "Deploy");
    assert_eq!(r[0].str_field("workflow"), Some("Deploy"));
    assert_eq!(r[0].str_field("file"), Some("deploy-to-prod.yml"));
    assert_eq!(list(&r[0], "triggers"), ["push:main", "workflow_dispatch"]);
    assert_eq!(r[0].str_field("concurrency_group"), Some("deploy-${{ github.ref }}"));
    assert_eq!(r[0].int_field("cancel_in_progress"), Some(1));
    assert_eq!(list(&r[0], "jobs"), ["deploy"]);
    assert_eq!(r[0].int_field("has_concurrency"), Some(1));
    let keys: Vec<_> = r[0].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "workflow",
            "file",
            "triggers",
            "concurrency_group",
            "cancel_in_progress",
            "jobs",
            "has_concurrency"
        ]
    );

    assert_eq!(r[1].kind, WORKFLOW_COMMAND);
    assert_eq!((r[1].line, r[1].message.as_ref()), (17, "npm ci"));
    let keys: Vec<_> = r[1].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["workflow", "file", "job", "step", "step_index", "command", "line_no", "column"]);
    assert_eq!(r[1].str_field("job"), Some("deploy"));
    assert_eq!(r[1].str_field("step"), Some("Reload PM2"));
    assert_eq!(r[1].int_field("step_index"), Some(2));
    assert_eq!(r[1].int_field("line_no"), Some(17));
    assert_eq!(r[1].int_field("column"), Some(11));
    assert_eq!(r[2].str_field("command"), Some("pm2 reload ecosystem.config.js --update-env"));
    assert_eq!(r[2].int_field("pm2_all"), None, "reloading one ecosystem file is not `all`");
}

/// Constructed: a deploy workflow in the runbook's setting (Gitea, prod + test, PM2 app names
/// from the runbook's process table) with the runbook's dangerous commands, verbatim, in
/// several script shapes.
const DEPLOY: &str = "\
# Constructed deploy workflow (runbook: deploy-to-prod.yml)
name: Deploy to Production

on:
  push:
    branches:
      - main
      - release/*
  workflow_dispatch:

concurrency:
  group: deploy-prod
  cancel-in-progress: false

jobs:
  build:
    name: Build
    runs-on: [self-hosted, linux]
    steps:
      - uses: actions/checkout@v4
      - run: npm ci

  deploy:
    needs: build
    runs-on: projectium
    concurrency: prod-deploy
    steps:
      - uses: actions/checkout@v4
      - name: Stop old processes
        run: |
          #!/bin/bash
          set -e

          # DANGEROUS - affects ALL applications
          pm2 stop all
          pm2 delete all || true
          cd /var/www/flyer-crawler.projectium.com && \\
            npm ci --omit=dev \\
            --no-audit
          npx pm2 start ecosystem.config.cjs
      - run: pm2 delete all
      - run: sudo pm2 kill
      - name: Restart (safe)
        run: pm2 restart flyer-crawler-api flyer-crawler-worker flyer-crawler-analytics-worker
";

#[test]
fn deploy_workflow_model() {
    let wf = parse_workflow(DEPLOY).unwrap();
    assert_eq!(wf.name.as_deref(), Some("Deploy to Production"));
    assert_eq!(wf.line, 2);
    assert_eq!(wf.triggers, ["push:main", "push:release/*", "workflow_dispatch"]);
    let conc = wf.concurrency.as_ref().unwrap();
    assert_eq!((conc.group.as_str(), conc.cancel_in_progress, conc.line), ("deploy-prod", Some(false), 11));
    let ids: Vec<_> = wf.jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["build", "deploy"]);
    assert_eq!(wf.jobs[0].name.as_deref(), Some("Build"));
    assert_eq!(wf.jobs[0].runs_on.as_deref(), Some("self-hosted, linux"));
    assert_eq!(wf.jobs[1].runs_on.as_deref(), Some("projectium"));
    let jc = wf.jobs[1].concurrency.as_ref().unwrap();
    assert_eq!((jc.group.as_str(), jc.cancel_in_progress, jc.line), ("prod-deploy", None, 26));
    assert_eq!(wf.jobs[0].steps[1].display_name(), "Run npm ci");
    assert_eq!(wf.jobs[1].steps[1].display_name(), "Stop old processes");
    assert_eq!(wf.jobs[1].steps[2].display_name(), "Run pm2 delete all");
    assert_eq!(
        commands(DEPLOY),
        [
            c("npm ci", 21, 14),
            c("set -e", 32, 11),
            c("pm2 stop all", 35, 11),
            c("pm2 delete all || true", 36, 11),
            c("cd /var/www/flyer-crawler.projectium.com && npm ci --omit=dev --no-audit", 37, 11),
            c("npx pm2 start ecosystem.config.cjs", 40, 11),
            c("pm2 delete all", 41, 14),
            c("sudo pm2 kill", 42, 14),
            c("pm2 restart flyer-crawler-api flyer-crawler-worker flyer-crawler-analytics-worker", 44, 14),
        ]
    );
}

#[test]
fn deploy_workflow_records() {
    let sink = parse(DEPLOY);
    let lines = split_lines(DEPLOY).count() as u64;
    assert_eq!(sink.counts.total(), lines);
    assert_eq!(sink.counts.events, 10);
    assert_eq!(sink.counts.structural, lines - 10);
    let r = &sink.records;
    assert_eq!(list(&r[0], "jobs"), ["build", "deploy"]);
    assert_eq!(r[0].str_field("concurrency_group"), Some("deploy-prod"));
    assert_eq!(r[0].int_field("cancel_in_progress"), Some(0));
    let pm2_all: Vec<_> = r.iter().filter(|r| r.int_field("pm2_all") == Some(1)).map(|r| r.line).collect();
    assert_eq!(pm2_all, [35, 36, 41, 42]);
    let stop = r.iter().find(|r| r.line == 35).unwrap();
    assert_eq!(stop.str_field("job"), Some("deploy"));
    assert_eq!(stop.str_field("step"), Some("Stop old processes"));
    assert_eq!(stop.int_field("step_index"), Some(2));
    assert_eq!(stop.int_field("column"), Some(11));
    let delete = r.iter().find(|r| r.line == 41).unwrap();
    assert_eq!(delete.str_field("step"), Some("Run pm2 delete all"));
    assert_eq!(delete.int_field("step_index"), Some(3));
    assert_eq!(delete.int_field("column"), Some(14));
    // Continuation lines (38, 39) and the comment lines are structural: no record on them.
    assert!(r.iter().all(|r| ![29, 30, 31, 33, 34, 38, 39].contains(&r.line)));
}

#[test]
fn runbook_dangerous_commands() {
    // shared/runbook.md, "Dangerous Patterns" and "Dangerous Commands" (verbatim lines).
    for line in [
        "pm2 stop all",
        "pm2 delete all",
        "pm2 restart all",
        "pm2 stop all         # Stops every PM2 process",
        "pm2 restart all      # Restarts every PM2 process",
        "pm2 delete all       # Removes every PM2 process",
        "pm2 kill             # Kills PM2 daemon and all processes",
    ] {
        assert!(is_pm2_all(line), "{line}");
    }
    // shared/runbook.md, the safe commands (verbatim lines).
    for line in [
        "pm2 restart flyer-crawler-api flyer-crawler-worker flyer-crawler-analytics-worker",
        "pm2 reload flyer-crawler-api",
        "pm2 start ecosystem.config.cjs --only flyer-crawler-api",
        "pm2 show flyer-crawler-api",
        "pm2 logs --lines 50",
        "pm2 save             # Overwrites saved process list",
        "pm2 delete $(pm2 jlist | jq -r '.[] | select(.pm2_env.status == \"errored\") | .pm_id')",
    ] {
        assert!(!is_pm2_all(line), "{line}");
    }
    // Constructed variants.
    for line in [
        "npx pm2 delete all",
        "sudo pm2 stop all",
        "sudo -u deploy pm2 reload all --update-env",
        "pm2 delete all || true",
        "pm2 del all 2>/dev/null; pm2 start ecosystem.config.cjs",
        "npm ci && pm2 kill",
        "./node_modules/.bin/pm2 restart all",
        "ssh deploy@web-01 \"pm2 delete all\"",
        "pm2 delete 'all'",
        "pm2 -s stop all",
    ] {
        assert!(is_pm2_all(line), "{line}");
    }
    for line in
        ["npm install -g pm2", "pm2 list", "pm2 delete api", "echo all; pm2 stop api", "pm2 status all"]
    {
        assert!(!is_pm2_all(line), "{line}");
    }
}

#[test]
fn block_scalar_styles_and_positions() {
    // Constructed: literal with strip/keep chomping, explicit indentation, leading blank line,
    // a header comment, tabs inside the content, CRLF-free.
    let text = "\
on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: |-  # header comment

          echo one
            indented two
          \tprintf tab
      - run: |2
            more indented
          base
      - run: |+
          kept

      - name: folded
        run: >
          docker run --rm
          -v /srv:/srv
          image:latest

          pm2 delete all
            indented stays
          after
";
    assert_eq!(
        commands(text),
        [
            c("echo one", 8, 11),
            c("indented two", 9, 13),
            c("printf tab", 10, 12),
            c("more indented", 12, 13),
            c("base", 13, 11),
            c("kept", 15, 11),
            c("docker run --rm -v /srv:/srv image:latest", 19, 11),
            c("pm2 delete all", 23, 11),
            c("indented stays", 24, 13),
            c("after", 25, 11),
        ]
    );
    let wf = parse_workflow(text).unwrap();
    assert_eq!(wf.name, None);
    assert_eq!(wf.line, 1, "no name: the first key's line");
    assert_eq!(wf.triggers, ["push"]);
    assert_eq!(wf.jobs[0].steps[0].display_name(), "Run echo one");
    assert_eq!(wf.jobs[0].steps[3].display_name(), "folded");
    // Folded: the script YAML gives the shell.
    assert_eq!(
        wf.jobs[0].steps[3].run.as_ref().unwrap().script,
        "docker run --rm -v /srv:/srv image:latest\npm2 delete all\n  indented stays\nafter\n"
    );
    let sink = parse(text);
    assert_eq!(sink.counts.events, 11);
    assert_eq!(sink.records[0].str_field("workflow"), Some("deploy-to-prod.yml"), "no name: the file name");
    let folded = sink.records.iter().find(|r| r.line == 23).unwrap();
    assert_eq!(folded.int_field("pm2_all"), Some(1));
    assert_eq!(folded.str_field("step"), Some("folded"));
}

#[test]
fn flow_and_quoted_scalars() {
    // Constructed: quoted scripts, an escaped newline, a multi-line plain scalar, a
    // multibyte name before a command (columns count characters).
    let text = "\
name: \"Déploiement 🚀\"
on: [push, workflow_dispatch]
jobs:
  d:
    runs-on: x
    steps:
      - run: \"pm2 delete all\"
      - run: 'npm ci'
      - run: \"npm ci\\npm2 stop all\"
      - {name: é, run: pm2 kill}
      - run: echo a
          echo b

          echo c
";
    assert_eq!(
        commands(text),
        [
            c("pm2 delete all", 7, 15),
            c("npm ci", 8, 15),
            c("npm ci", 9, 15),
            c("pm2 stop all", 9, 23),
            c("pm2 kill", 10, 24),
            c("echo a echo b", 11, 14),
            c("echo c", 14, 11),
        ]
    );
    let wf = parse_workflow(text).unwrap();
    assert_eq!(wf.triggers, ["push", "workflow_dispatch"]);
    assert_eq!(wf.name.as_deref(), Some("Déploiement 🚀"));
    // Two commands start on line 9: one event, the other record pushed without a line.
    let sink = parse(text);
    assert_eq!(sink.counts.total(), 14);
    assert_eq!(sink.counts.events, 7);
    assert_eq!(sink.records.len(), 8);
    let on9: Vec<_> = sink.records.iter().filter(|r| r.line == 9).map(|r| r.message.as_ref()).collect();
    assert_eq!(on9, ["npm ci", "pm2 stop all"]);
}

#[test]
fn one_line_flow_workflow() {
    // Constructed: everything on one line: one event, other records pushed without a line.
    let text = "{name: x, on: push, jobs: {a: {runs-on: y, steps: [{run: pm2 kill}]}}}";
    let sink = parse(text);
    assert_eq!((sink.counts.events, sink.counts.total()), (1, 1));
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[0].kind, WORKFLOW_FILE);
    assert_eq!(sink.records[1].int_field("column"), Some(58));
    assert_eq!(sink.records[1].int_field("pm2_all"), Some(1));
}

#[test]
fn uses_only_steps_and_ssh_action_script() {
    // Constructed: steps with `uses:` only, and an ssh action whose `script:` runs remotely.
    let text = "\
name: Deploy to Test
on:
  workflow_dispatch:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - uses: appleboy/ssh-action@v1
        with:
          host: web-01
          script: |
            cd /var/www/flyer-crawler-test.projectium.com
            pm2 delete all
";
    let wf = parse_workflow(text).unwrap();
    let steps = &wf.jobs[0].steps;
    assert_eq!(steps[0].display_name(), "actions/checkout@v4");
    assert_eq!(steps[1].display_name(), "actions/setup-node@v4");
    assert!(steps[1].with_script.is_none());
    let (input, script) = steps[2].with_script.as_ref().unwrap();
    assert_eq!(input, "script");
    assert_eq!(script.commands[1], cmd("pm2 delete all", 17, 13));
    let sink = parse(text);
    assert_eq!(sink.counts.events, 3);
    let r = &sink.records[2];
    assert_eq!(r.str_field("step"), Some("appleboy/ssh-action@v1"));
    assert_eq!(r.str_field("input"), Some("script"));
    assert_eq!(r.int_field("pm2_all"), Some(1));
    assert_eq!(list(&sink.records[0], "triggers"), ["workflow_dispatch"]);
    assert_eq!(sink.records[0].int_field("has_concurrency"), Some(0));
    assert_eq!(sink.records[0].str_field("concurrency_group"), None);
}

#[test]
fn crlf_and_no_final_newline() {
    let crlf = REFERENCE.replace('\n', "\r\n");
    let a = parse(REFERENCE);
    let b = parse(&crlf);
    assert_eq!(a.records, b.records);
    assert_eq!(a.counts, b.counts);
    let trimmed = REFERENCE.trim_end_matches('\n');
    let c = parse(trimmed);
    assert_eq!(a.records, c.records);
    assert_eq!(c.counts.total(), 18);
    assert_eq!(parse_workflow(&crlf).unwrap().jobs[0].steps[1].run.as_ref().unwrap().commands[1].column, 11);
    // Constructed: a byte order mark and an explicit document start.
    let bom = format!("\u{feff}---\n{REFERENCE}");
    let d = parse(&bom);
    assert_eq!(d.counts.total(), 19);
    assert_eq!(d.records[0].line, 2);
    assert_eq!(d.records[2].line, 19);
    assert_eq!(d.records[2].int_field("column"), Some(11));
}

#[test]
fn empty_and_invalid_inputs() {
    let sink = parse("");
    assert_eq!(sink.counts.total(), 0);
    assert!(sink.records.is_empty());

    // Constructed: tab indentation is not YAML.
    let tabs = "name: x\njobs:\n\tdeploy:\n\t\truns-on: y\n";
    assert!(matches!(parse_workflow(tabs), Err(WorkflowError::Yaml { line: 3, .. })));
    let sink = parse(tabs);
    assert_eq!((sink.counts.unparsed, sink.counts.structural, sink.counts.events), (1, 3, 0));
    assert_eq!(sink.unparsed[0].line, 1);
    assert_eq!(sink.unparsed[0].reason, REASON_BAD_YAML);

    // Constructed: unclosed flow sequence.
    let sink = parse("on: [push\njobs: {}\n");
    assert_eq!(sink.unparsed[0].reason, REASON_BAD_YAML);
    assert_eq!(sink.counts.total(), 2);

    // Valid YAML that is not a workflow mapping: a list, a scalar, only comments.
    for text in ["- a\n- b\n", "just text\n", "# only a comment\n\n"] {
        assert_eq!(parse_workflow(text), Err(WorkflowError::NotAMapping), "{text:?}");
        let sink = parse(text);
        assert_eq!(sink.unparsed.len(), 1);
        assert_eq!(sink.unparsed[0].reason, REASON_NOT_WORKFLOW);
        assert_eq!(sink.counts.total(), split_lines(text).count() as u64);
    }

    // Constructed: an empty `run:` is no script; the step shows its index.
    let wf = parse_workflow("jobs:\n  a:\n    steps:\n      - run: |\n      - run:\n").unwrap();
    assert!(wf.jobs[0].steps.iter().all(|s| s.run.is_none()));
    assert_eq!(wf.jobs[0].steps[1].display_name(), "Step 2");

    // Deep nesting is refused, not a crash.
    let deep = format!("a: {}", "[".repeat(10_000));
    assert!(parse_workflow(&deep).is_err());
}

#[test]
fn finish_twice_and_reuse() {
    let mut p = WorkflowFileParser::default();
    let sink = parse_text(&mut p, REFERENCE);
    assert_eq!(sink.counts.total(), 18);
    assert_eq!(sink.records[0].str_field("file"), None);
    let mut again = Sink::new();
    p.finish(&mut again);
    assert_eq!(again.counts.total(), 0);
    let sink = parse_text(&mut p, "name: y\non: push\njobs: {}\n");
    assert_eq!((sink.counts.events, sink.counts.total()), (1, 3));
}

#[test]
fn sniffing() {
    assert!(sniff_text(REFERENCE));
    assert!(sniff_text(DEPLOY));
    assert!(!sniff_text("on: push\njobs:\n"));
    assert!(!sniff_text("jobs: 3\n  steps: 4\n"), "jobs: with a value is not a jobs mapping line");
    // A top-level jobs: line with `runs-on` elsewhere in the head.
    assert!(sniff_text("jobs:\n  a:\n    runs-on: x\n"));
    assert!(sniff_line("    runs-on: ubuntu-latest   # Gitea: runner label"));
    assert!(sniff_line("    runs-on:"));
    assert!(!sniff_line("runs-on: x"), "top level is not a job key");
    assert!(!sniff_line("jobs:"));
    assert!(!sniff_line("on:"));
    assert!(!sniff_line("Feb 17 14:30:00 web-01 kernel: runs-on: x"));
    assert!(!sniff_line("2026-05-22T10:18:48.4315718Z   runs-on: x"));
    assert_eq!(NAME_HINTS.len(), 4);
    assert!(NAME_HINTS.contains(&".gitea/workflows/*.yaml"));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    parse_in_two(&mut WorkflowFileParser::default(), lines, cut)
}

fn workflow_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("name: Deploy".to_string()),
        Just("on: [push]".to_string()),
        Just("jobs:".to_string()),
        Just("  deploy:".to_string()),
        Just("    runs-on: x".to_string()),
        Just("    steps:".to_string()),
        Just("      - run: pm2 delete all".to_string()),
        Just("      - run: |".to_string()),
        Just("      - run: >".to_string()),
        Just("          npm ci \\".to_string()),
        Just("          pm2 stop all".to_string()),
        Just("          # comment".to_string()),
        Just(String::new()),
        Just("\t".to_string()),
        Just("      - run: \"npm ci\\npm2 kill\"".to_string()),
        Just("      - run: |2".to_string()),
        Just("      - {name: é, run: pm2 kill}".to_string()),
        Just("          é ü \\".to_string()),
        Just("      - run: &s pm2 stop all".to_string()),
        Just("      - run: *s".to_string()),
        Just("---".to_string()),
        "[ -~]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        let _ = parse_workflow(&text);
    }

    #[test]
    fn never_panics_on_yamlish_text(lines in prop::collection::vec(workflow_line(), 0..30)) {
        let text = lines.join("\n");
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert!(sink.counts.unparsed <= 1);
    }

    #[test]
    fn cut_anywhere_same_records(lines in prop::collection::vec(workflow_line(), 0..25)) {
        let (whole, n) = two_pass(&lines, lines.len());
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(&lines, cut);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }
}
