//! CI job logs: the real GitHub Actions corpus file (one actions/checkout step), the samples of
//! linux-and-ci-formats.md §5.1 (GitHub raw log, `gh run view --log`, multi-line `##[error]`) and
//! §5.2 (a verbatim Gitea act_runner job log), the PM2 CLI lines of pm2-observed-run.md §A.4 and
//! pm2.md §5, constructed logs (marked as such), and property tests: no input panics, every
//! line is accounted once, results do not depend on where the input is cut.

use chrono::{NaiveDate, NaiveTime};
use postmortem_parsers::ci_log::{self, CiLogParser, REASON_NO_RECORD};
use postmortem_parsers::{parse_in_two, parse_text, pm2_cli, split_lines, FieldValue, RawTime, Record, Sink};
use proptest::prelude::*;

fn parse(text: &str) -> Sink<'_> {
    parse_text(&mut CiLogParser::default(), text)
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn list(r: &Record<'_>, key: &str) -> Vec<String> {
    match r.field(key) {
        Some(FieldValue::List(v)) => v.iter().map(|c| c.to_string()).collect(),
        other => panic!("{key}: {other:?}"),
    }
}

fn utc(d: (i32, u32, u32), t: (u32, u32, u32, u32)) -> RawTime {
    RawTime::Exact {
        local: NaiveDate::from_ymd_opt(d.0, d.1, d.2)
            .unwrap()
            .and_time(NaiveTime::from_hms_micro_opt(t.0, t.1, t.2, t.3).unwrap()),
        offset_secs: 0,
    }
}

fn kinds(sink: &Sink<'_>) -> Vec<&'static str> {
    sink.records.iter().map(|r| r.kind).collect()
}

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/corpus/gh-actions/CI_37699227832_PYTHON_3_11_TORQ_ACTUAL_CHECKOUT.txt"
);

const CHECKOUT_STEP: &str = "Run actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683";

#[test]
fn corpus_checkout_step() {
    let text = std::fs::read_to_string(CORPUS).unwrap();
    let sink = parse(&text);
    assert_eq!(split_lines(&text).count(), 106);
    // 27 `with:`/`env:` header lines; 9 `##[endgroup]` + 7 stamped blank lines.
    assert_eq!(sink.counts.events, 63);
    assert_eq!(sink.counts.continuation, 27);
    assert_eq!(sink.counts.structural, 16);
    assert_eq!(sink.counts.unparsed, 0);
    assert_eq!(sink.counts.total(), 106);
    assert_eq!(sink.records.len(), 63);
    assert!(sink.records.iter().all(|r| r.source == "ci"));
    assert!(sink.records.iter().all(|r| s(r, "step") == Some(CHECKOUT_STEP)), "every record is of the step");

    // Line 1: the action step, its `with:` inputs folded in (masked token kept).
    let step = &sink.records[0];
    assert_eq!((step.line, step.kind), (1, "ci-step"));
    assert_eq!(step.time, utc((2026, 10, 7), (22, 56, 33, 544607)));
    assert_eq!(step.message, CHECKOUT_STEP);
    assert_eq!(s(step, "action"), Some("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"));
    let with = list(step, "with");
    assert_eq!(with.len(), 15);
    assert_eq!(with[0], "repository: ProfJJK-CoChem/CoChem-TORQ");
    assert_eq!(with[1], "ref: 79fbb111125e50627a1a2c129888a45496f368d4");
    assert_eq!(with[2], "token: ***");
    assert!(!with.iter().any(|w| w.contains("TOPOS_REQUIRE_REAL_ENGINES")), "env: entries are not inputs");

    let count = |k: &str| sink.records.iter().filter(|r| r.kind == k).count();
    assert_eq!(count("ci-step"), 1);
    assert_eq!(count("ci-group"), 8);
    assert_eq!(count("ci-command"), 20);
    assert_eq!(count("ci-checkout"), 1);
    assert_eq!(count("ci-output"), 33);

    // `[command]` lines (line 33 and 68).
    let cmd = sink.records.iter().find(|r| r.line == 33).unwrap();
    assert_eq!(cmd.kind, "ci-command");
    assert_eq!(s(cmd, "command"), Some("/usr/bin/git version"));
    assert_eq!(cmd.message, "/usr/bin/git version");
    let fetch = sink.records.iter().find(|r| r.line == 68).unwrap();
    assert!(s(fetch, "command")
        .unwrap()
        .ends_with("--depth=1 origin 79fbb111125e50627a1a2c129888a45496f368d4"));
    assert_eq!(fetch.time, utc((2026, 10, 7), (22, 56, 33, 757685)));
    let group = sink.records.iter().find(|r| r.line == 31).unwrap();
    assert_eq!((group.kind, s(group, "group")), ("ci-group", Some("Getting Git version info")));

    // Line 95: HEAD is now at …; line 98: the full sha after `git log -1 --format=%H`.
    let head = sink.records.iter().find(|r| r.kind == "ci-checkout").unwrap();
    assert_eq!(head.line, 95);
    assert_eq!(s(head, "commit"), Some("79fbb11"));
    assert_eq!(s(head, "subject"), Some("Accept exact reviewed TOPOS handoffs into durable TORQ storage"));
    let sha = sink.records.iter().find(|r| r.line == 98).unwrap();
    assert_eq!((sha.kind, s(sha, "commit")), ("ci-output", Some("79fbb111125e50627a1a2c129888a45496f368d4")));
    // Output keeps a tab and leading spaces as written.
    let hint = sink.records.iter().find(|r| r.line == 46).unwrap();
    assert_eq!(hint.message, "hint: \tgit config --global init.defaultBranch <name>");
    let branch = sink.records.iter().find(|r| r.line == 70).unwrap();
    assert_eq!(branch.message, " * branch            79fbb111125e50627a1a2c129888a45496f368d4 -> FETCH_HEAD");
}

#[test]
fn corpus_file_name() {
    assert!(ci_log::sniff_line(
        "2026-10-07T22:56:33.5446073Z ##[group]Run actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
    ));
    let text = std::fs::read_to_string(CORPUS).unwrap();
    let sniffed = split_lines(&text).filter(|l| ci_log::sniff_line(l)).count();
    // The 18 `##[group]`/`##[endgroup]` lines and the 20 `[command]/` lines.
    assert_eq!(sniffed, 18 + 20);
}

// §5.1 (public file, source repository unknown): raw job log.
const RAW_SAMPLE: &str = "2025-04-23T06:09:05.6163710Z ##[group]Run pushd code
2025-04-23T06:09:05.6164675Z \x1b[36;1mpushd code\x1b[0m
2025-04-23T06:09:05.6218745Z shell: /usr/bin/bash -e {0}
2025-04-23T06:09:05.6219714Z ##[endgroup]
2025-04-23T06:09:06.8805278Z Post job cleanup.
";

#[test]
fn raw_sample() {
    let sink = parse(RAW_SAMPLE);
    assert_eq!(
        (sink.counts.events, sink.counts.continuation, sink.counts.structural, sink.counts.total()),
        (3, 1, 1, 5)
    );
    assert_eq!(kinds(&sink), ["ci-step", "ci-command", "ci-post-cleanup"]);
    let r = &sink.records;
    assert_eq!(s(&r[0], "step"), Some("Run pushd code"));
    assert_eq!(s(&r[0], "action"), None, "a script step is not an action");
    assert_eq!(r[0].time, utc((2025, 4, 23), (6, 9, 5, 616371)));
    assert_eq!(s(&r[1], "command"), Some("pushd code"));
    assert_eq!(s(&r[1], "step"), Some("Run pushd code"));
    assert_eq!(r[1].line, 2);
    assert_eq!(s(&r[2], "step"), Some("Post job cleanup"));
}

// §5.1 (public file, source repository unknown): multi-line ##[error], the continuation line has
// no timestamp.
const ERROR_SAMPLE: &str = "2025-06-24T00:01:32.5849873Z ##[error]ReferenceError: document is not defined
 \u{276F} render docs/wizard/node_modules/@testing-library/react/dist/pure.js:257:5
2025-06-24T00:01:32.6284985Z ##[error]Process completed with exit code 1.
";

#[test]
fn error_with_continuation() {
    let sink = parse(ERROR_SAMPLE);
    assert_eq!((sink.counts.events, sink.counts.continuation, sink.counts.total()), (2, 1, 3));
    let r = &sink.records;
    assert_eq!(r[0].kind, "ci-error");
    assert_eq!(r[0].message, "ReferenceError: document is not defined");
    assert_eq!(
        r[0].continuation,
        [" \u{276F} render docs/wizard/node_modules/@testing-library/react/dist/pure.js:257:5"]
    );
    assert_eq!(r[1].kind, "ci-error");
    assert_eq!(r[1].int_field("exit_code"), Some(1));
    assert_eq!(r[0].int_field("exit_code"), None);
}

// §5.1 [issue cli/cli#11172]: `gh run view --log`. The reference renders the separators as
// spaces; gh writes tabs, restored here.
const GH_SAMPLE: &str = "job-24\tUNKNOWN STEP\t2025-07-04T14:32:09.9374263Z Cleaning up orphan processes
job-19\tUNKNOWN STEP\t2025-07-04T14:32:14.2561677Z Current runner version: '2.325.0'
job-19\tUNKNOWN STEP\t2025-07-04T14:32:14.2636988Z ##[group]Runner Image Provisioner
job-19\tUNKNOWN STEP\t2025-07-04T14:32:14.2653007Z ##[endgroup]
";

#[test]
fn gh_run_view_sample() {
    let sink = parse(GH_SAMPLE);
    assert_eq!((sink.counts.events, sink.counts.structural, sink.counts.total()), (3, 1, 4));
    assert_eq!(kinds(&sink), ["ci-output", "ci-output", "ci-group"]);
    let r = &sink.records;
    assert_eq!(s(&r[0], "job"), Some("job-24"));
    assert_eq!(s(&r[0], "step"), None, "UNKNOWN STEP is no step");
    assert_eq!(r[0].message, "Cleaning up orphan processes");
    assert_eq!(r[0].time, utc((2025, 7, 4), (14, 32, 9, 937426)));
    assert_eq!(s(&r[1], "job"), Some("job-19"));
    assert_eq!(s(&r[2], "group"), Some("Runner Image Provisioner"));
    for line in split_lines(GH_SAMPLE) {
        assert!(ci_log::sniff_line(line), "{line}");
    }
}

#[test]
fn gh_run_view_steps() {
    // Constructed: gh with named steps; a script step, then an untimed continuation line.
    let text = "deploy\tReload PM2\t2026-02-17T14:30:00.0000000Z ##[group]Run pm2 reload ecosystem.config.js --update-env
deploy\tReload PM2\t2026-02-17T14:30:00.0000001Z \x1b[36;1mpm2 reload ecosystem.config.js --update-env\x1b[0m
deploy\tReload PM2\t2026-02-17T14:30:00.0000002Z shell: /usr/bin/bash -e {0}
deploy\tReload PM2\t2026-02-17T14:30:00.0000003Z ##[endgroup]
deploy\tReload PM2\t2026-02-17T14:30:01.0000000Z [PM2] Applying action reloadProcessId on app [api](ids: [ 0, 1 ])
deploy\tReload PM2\t2026-02-17T14:30:02.0000000Z ##[error]boom
deploy\tReload PM2\t    at x (y.js:1:1)
";
    let sink = parse(text);
    assert_eq!(sink.counts.total(), 7);
    assert_eq!(kinds(&sink), ["ci-step", "ci-command", "pm2-cli-action", "ci-error"]);
    for r in &sink.records {
        assert_eq!(s(r, "job"), Some("deploy"));
        assert_eq!(s(r, "step"), Some("Reload PM2"));
        assert_eq!(r.source, "ci");
    }
    assert_eq!(sink.records[0].message, "Run pm2 reload ecosystem.config.js --update-env");
    assert_eq!(s(&sink.records[1], "command"), Some("pm2 reload ecosystem.config.js --update-env"));
    assert_eq!(s(&sink.records[2], "action"), Some("reloadProcessId"));
    assert_eq!(s(&sink.records[2], "target"), Some("api"));
    assert_eq!(list(&sink.records[2], "ids"), ["0", "1"]);
    assert_eq!(sink.records[3].continuation, ["    at x (y.js:1:1)"]);
}

// Constructed GitHub job log of a PM2 deploy: set-up lines, an action step without inputs, a
// `run:` step with a multi-line script (a blank script line, shell:, env:), PM2 CLI output
// (pm2-observed-run.md §A.4 / pm2.md §5 texts, one coloured as chalk does), a pm2 list table,
// a failure, the post step and the orphan kill at the end of the job.
const DEPLOY: &str = "2026-02-17T14:29:50.1000000Z Current runner version: '2.325.0'
2026-02-17T14:29:50.1100000Z ##[group]Operating System
2026-02-17T14:29:50.1200000Z Ubuntu
2026-02-17T14:29:50.1300000Z ##[endgroup]
2026-02-17T14:29:50.1400000Z Complete job name: deploy
2026-02-17T14:29:51.0000000Z ##[group]Run actions/setup-node@v4
2026-02-17T14:29:51.0000001Z ##[endgroup]
2026-02-17T14:30:00.0000000Z ##[group]Run pm2 delete all
2026-02-17T14:30:00.0000001Z \x1b[36;1mpm2 delete all\x1b[0m
2026-02-17T14:30:00.0000002Z \x1b[36;1m\x1b[0m
2026-02-17T14:30:00.0000003Z \x1b[36;1mpm2 start ecosystem.config.cjs\x1b[0m
2026-02-17T14:30:00.0000004Z shell: /usr/bin/bash -e {0}
2026-02-17T14:30:00.0000005Z env:
2026-02-17T14:30:00.0000006Z   NODE_ENV: production
2026-02-17T14:30:00.0000007Z ##[endgroup]
2026-02-17T14:30:01.0000000Z [PM2] Applying action deleteProcessId on app [all](ids: [ 0, 1, 2 ])
2026-02-17T14:30:01.1000000Z [PM2] [api](0) \u{2713}
2026-02-17T14:30:01.2000000Z \x1b[32m[PM2] \x1b[39m[worker](1) \u{2713}
2026-02-17T14:30:01.3000000Z [PM2][WARN] Applications api not running, starting...
2026-02-17T14:30:01.4000000Z [PM2][ERROR] No processes saved; DUMP file doesn't exist
2026-02-17T14:30:01.5000000Z [PM2] Spawning PM2 daemon with pm2_home=/home/runner/.pm2
2026-02-17T14:30:02.0000000Z \u{250C}\u{2500}\u{2500}\u{2500}\u{2500}\u{252C}\u{2500}\u{2500}\u{2510}
2026-02-17T14:30:02.1000000Z \u{2502} 0  \u{2502} api  \u{2502}
2026-02-17T14:30:03.0000000Z ##[error]Process completed with exit code 1.
2026-02-17T14:30:03.1000000Z Post job cleanup.
2026-02-17T14:30:03.2000000Z Cleaning up orphan processes
2026-02-17T14:30:03.3000000Z Terminate orphan process: pid (2345) (PM2 v5.3.0: God Daemon (/home/runner/.pm2))
";

#[test]
fn constructed_deploy_job() {
    let sink = parse(DEPLOY);
    assert_eq!(sink.counts.total(), 27);
    assert_eq!(sink.counts.unparsed, 0);
    // Continuations: blank script line, shell:, env:, NODE_ENV. Structural: 3 endgroups… + none blank.
    assert_eq!((sink.counts.continuation, sink.counts.structural), (4, 3));
    assert_eq!(
        kinds(&sink),
        [
            "ci-output",
            "ci-group",
            "ci-output",
            "ci-output",
            "ci-step",
            "ci-step",
            "ci-command",
            "ci-command",
            "pm2-cli-action",
            "pm2-cli-done",
            "pm2-cli-done",
            "pm2-cli-warn",
            "pm2-cli-error",
            "pm2-cli",
            "ci-output",
            "ci-output",
            "ci-error",
            "ci-post-cleanup",
            "ci-output",
            "ci-orphan-kill",
        ]
    );
    let r = &sink.records;
    assert_eq!(s(&r[0], "job"), None, "the job name is known from line 5 on");
    assert_eq!(s(&r[3], "job"), Some("deploy"));
    // The action step without inputs.
    assert_eq!(s(&r[4], "action"), Some("actions/setup-node@v4"));
    assert_eq!(r[4].field("with"), None);
    // The script step: commands carry the step, shell:/env: lines are not commands.
    assert_eq!(r[5].message, "Run pm2 delete all");
    assert_eq!(s(&r[5], "action"), None);
    assert_eq!(s(&r[5], "step"), Some("Run pm2 delete all"));
    assert_eq!(s(&r[5], "job"), Some("deploy"));
    assert_eq!((r[6].line, s(&r[6], "command")), (9, Some("pm2 delete all")));
    assert_eq!((r[7].line, s(&r[7], "command")), (11, Some("pm2 start ecosystem.config.cjs")));
    for c in &r[6..8] {
        assert_eq!(s(c, "step"), Some("Run pm2 delete all"));
        assert_eq!(s(c, "job"), Some("deploy"));
    }
    assert!(!r.iter().any(|x| x.kind == "ci-command" && x.message.contains("shell")));
    // PM2 CLI output keeps source ci and the step.
    assert_eq!(s(&r[8], "action"), Some("deleteProcessId"));
    assert_eq!(s(&r[8], "target"), Some("all"));
    assert_eq!(list(&r[8], "ids"), ["0", "1", "2"]);
    assert_eq!((r[9].process.as_deref(), r[9].pm_id.as_deref()), (Some("api"), Some("0")));
    assert_eq!((r[10].process.as_deref(), r[10].pm_id.as_deref()), (Some("worker"), Some("1")));
    assert_eq!(r[11].message, "Applications api not running, starting...");
    assert_eq!(r[13].message, "Spawning PM2 daemon with pm2_home=/home/runner/.pm2");
    for x in &r[8..17] {
        assert_eq!(x.source, "ci");
        assert_eq!(s(x, "step"), Some("Run pm2 delete all"));
    }
    // The pm2 list table stays output, box-drawing characters and all.
    assert_eq!(r[15].message, "\u{2502} 0  \u{2502} api  \u{2502}");
    assert_eq!(r[16].int_field("exit_code"), Some(1));
    assert_eq!(s(&r[17], "step"), Some("Post job cleanup"));
    assert_eq!(r[19].pid, Some(2345));
    assert_eq!(s(&r[19], "comm"), Some("PM2 v5.3.0: God Daemon (/home/runner/.pm2)"));
    assert_eq!(r[19].time, utc((2026, 2, 17), (14, 30, 3, 300000)));
}

#[test]
fn crlf_and_no_final_newline() {
    let crlf = DEPLOY.replace('\n', "\r\n");
    let a = parse(DEPLOY);
    let b = parse(&crlf);
    assert_eq!(a.records, b.records);
    assert_eq!(a.counts, b.counts);
    let trimmed = DEPLOY.trim_end_matches('\n');
    let c = parse(trimmed);
    assert_eq!(a.records, c.records);
    assert_eq!(c.counts.total(), 27);
    let d = parse(RAW_SAMPLE.trim_end());
    assert_eq!(d.counts.total(), 5);
    assert_eq!(d.records.last().unwrap().kind, "ci-post-cleanup");
}

#[test]
fn empty_and_headerless() {
    let sink = parse("");
    assert_eq!(sink.counts.total(), 0);
    // Constructed: untimed lines before any record; a blank one is structural.
    let sink = parse("hello\n\n2026-02-17T14:30:00.0000000Z x\n\n");
    assert_eq!((sink.counts.unparsed, sink.counts.structural, sink.counts.events), (1, 1, 1));
    assert_eq!(sink.unparsed[0].reason, REASON_NO_RECORD);
    assert_eq!(sink.records[0].continuation, [""]);
    // A stamp alone (trailing space stripped) is a blank line.
    let sink = parse("2026-02-17T14:30:00.0000000Z\n");
    assert_eq!(sink.counts.structural, 1);
}

#[test]
fn pending_step_is_pushed_at_end() {
    // Constructed: the log ends inside a step header.
    let text = "2026-02-17T14:30:00.0000000Z ##[group]Run actions/checkout@v4\n2026-02-17T14:30:00.0000001Z with:\n2026-02-17T14:30:00.0000002Z   ref: main";
    let sink = parse(text);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 2));
    assert_eq!(sink.records.len(), 1);
    assert_eq!(list(&sink.records[0], "with"), ["ref: main"]);
    // Constructed: a log without ANSI codes (copied from a page): script lines are still commands.
    let text = "2026-02-17T14:30:00.0000000Z ##[group]Run ./deploy.sh
2026-02-17T14:30:00.0000001Z ./deploy.sh
2026-02-17T14:30:00.0000002Z pm2 save
2026-02-17T14:30:00.0000003Z shell: /usr/bin/bash -e {0}
2026-02-17T14:30:00.0000004Z ##[endgroup]
2026-02-17T14:30:01.0000000Z [PM2] Saving current process list...
";
    let sink = parse(text);
    assert_eq!(kinds(&sink), ["ci-step", "ci-command", "ci-command", "pm2-cli"]);
    assert_eq!(s(&sink.records[0], "action"), None);
    assert_eq!(s(&sink.records[2], "command"), Some("pm2 save"));
    assert_eq!(sink.records[3].message, "Saving current process list...");
}

// §5.2 verbatim Gitea job log (public file, source repository unknown; act_runner v0.4.0).
const GITEA: &str = "2026-05-22T10:18:48.4315718Z asustor-runner(version:v0.4.0) received task 500 of job deploy, be triggered by event: push
2026-05-22T10:18:48.4320847Z workflow prepared
2026-05-22T10:18:48.4321739Z evaluating expression 'success()'
2026-05-22T10:18:48.4325190Z 🚀  Start image=node:18-bullseye
2026-05-22T10:18:48.4427516Z   🐳  docker pull image=node:18-bullseye platform= username= forcePull=false
2026-05-22T10:19:01.9808283Z Created container name=GITEA-ACTIONS-TASK-500_WORKFLOW-CI-CD-Pipeline_JOB-deploy id=01e4a727... from image node:18-bullseye (platform: )
2026-05-22T10:19:03.7677546Z   ☁  git clone 'https://github.com/actions/checkout' # ref=v4
2026-05-22T10:19:05.1339218Z ⭐ Run Main  Checkout
2026-05-22T10:19:05.9573824Z ::group::Getting Git version info
2026-05-22T10:19:05.9641179Z [command]/usr/bin/git version
2026-05-22T10:19:05.9765082Z ::endgroup::
2026-05-22T10:19:06.1990073Z [command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +942cda486c3ed3e119553a8521db6653f0fd9203:refs/remotes/origin/main
2026-05-22T10:19:10.4896174Z HEAD is now at 942cda48 feat(migration): merge ADR-028 migration architecture refactor into main
2026-05-22T10:24:08.6318421Z ✗ Frontend build failed!
2026-05-22T10:24:08.6358306Z   ❌  Failure - Main 🚀 Deploy to QNAP
2026-05-22T10:24:08.6509404Z exitcode '1': failure
2026-05-22T10:24:08.6851584Z ⭐ Run Post  Checkout
2026-05-22T10:24:09.2723897Z   ✅  Success - Post  Checkout
2026-05-22T10:24:09.2854292Z Cleaning up container for job deploy
2026-05-22T10:24:11.5323408Z 🏁  Job failed
2026-05-22T10:24:11.5426433Z Job 'deploy' failed
";

#[test]
fn gitea_sample() {
    let sink = parse(GITEA);
    assert_eq!(sink.counts.total(), 21);
    assert_eq!((sink.counts.events, sink.counts.structural, sink.counts.unparsed), (20, 1, 0));
    assert_eq!(
        kinds(&sink),
        [
            "ci-job-start",
            "ci-output",
            "ci-output",
            "ci-output",
            "ci-output",
            "ci-output",
            "ci-output",
            "ci-step",
            "ci-group",
            "ci-command",
            "ci-command",
            "ci-checkout",
            "ci-output",
            "ci-step-end",
            "ci-output",
            "ci-step",
            "ci-step-end",
            "ci-output",
            "ci-job-end",
            "ci-output",
        ]
    );
    let r = &sink.records;
    assert_eq!(r[0].time, utc((2026, 5, 22), (10, 18, 48, 431571)));
    assert_eq!(s(&r[0], "runner"), Some("asustor-runner"));
    assert_eq!(s(&r[0], "runner_version"), Some("v0.4.0"));
    assert_eq!(r[0].int_field("task_id"), Some(500));
    assert_eq!(s(&r[0], "event"), Some("push"));
    assert_eq!(s(&r[0], "job"), Some("deploy"));
    assert_eq!(s(&r[4], "workflow"), None);
    assert_eq!(s(&r[5], "workflow"), Some("CI-CD-Pipeline"), "from the container name");
    assert_eq!((s(&r[7], "step"), s(&r[7], "stage")), (Some("Checkout"), Some("Main")));
    assert_eq!(s(&r[8], "group"), Some("Getting Git version info"));
    assert_eq!(s(&r[9], "step"), Some("Checkout"));
    assert_eq!(s(&r[11], "commit"), Some("942cda48"));
    assert_eq!(s(&r[11], "workflow"), Some("CI-CD-Pipeline"));
    assert_eq!(s(&r[13], "step"), Some("\u{1F680} Deploy to QNAP"));
    assert_eq!(s(&r[13], "outcome"), Some("failure"));
    assert_eq!(s(&r[13], "duration"), None);
    assert_eq!(s(&r[15], "step"), Some("Post Checkout"));
    assert_eq!((s(&r[16], "step"), s(&r[16], "outcome")), (Some("Post Checkout"), Some("success")));
    assert_eq!(s(&r[18], "outcome"), Some("failure"));
    assert_eq!(s(&r[18], "job"), Some("deploy"));
    assert!(!r.iter().any(|x| x.kind == "ci-command" && x.line < 9), "act does not echo run: lines");
    assert!(ci_log::sniff_line(split_lines(GITEA).next().unwrap()));
    assert!(ci_log::sniff_line(split_lines(GITEA).nth(7).unwrap()));
}

#[test]
fn gitea_markers_and_escapes() {
    // Constructed from the act templates (`"  \u2705  Success - %s %s [%s]"`) and Gitea's `\n`
    // escaping (kept as written), with a masked secret.
    let text = "2026-05-22T10:19:05.1339218Z \u{2B50} Run Main Install
2026-05-22T10:19:06.0000000Z npm ERR! line one\\nnpm ERR! line two
2026-05-22T10:19:06.1000000Z token=***
2026-05-22T10:19:07.0000000Z   \u{2705}  Success - Main Install [1.2s]
2026-05-22T10:19:08.0000000Z \u{1F3C1}  Job succeeded
";
    let sink = parse(text);
    assert_eq!(kinds(&sink), ["ci-step", "ci-output", "ci-output", "ci-step-end", "ci-job-end"]);
    let r = &sink.records;
    assert_eq!(r[1].message, "npm ERR! line one\\nnpm ERR! line two");
    assert_eq!(s(&r[1], "step"), Some("Install"));
    assert_eq!(r[2].message, "token=***");
    assert_eq!(s(&r[3], "duration"), Some("1.2s"));
    assert_eq!(s(&r[3], "outcome"), Some("success"));
    assert_eq!(s(&r[4], "outcome"), Some("success"));
}

#[test]
fn act_runner_logrus() {
    // Constructed act_runner daemon lines (logrus text format).
    let text = r#"time="2026-05-22T10:18:48Z" level=info msg="Starting runner daemon"
time="2026-05-22T10:19:05+02:00" level=info msg="[CI/CD/deploy] ⭐ Run Main Checkout" dryrun=false
time="2026-05-22T10:19:06.1234567Z" level=error msg="[CI/CD/deploy]   ❌  Failure - Main Checkout [3.1s]\nexit status 1"
time="2026-05-22T10:19:07" level=warning msg=plain
time="yesterday" level=info msg="[CI/CD/deploy] 🏁  Job failed"
"#;
    let sink = parse(text);
    assert_eq!(sink.counts.total(), 5);
    assert_eq!(kinds(&sink), ["ci-output", "ci-step", "ci-step-end", "ci-output", "ci-job-end"]);
    let r = &sink.records;
    assert_eq!(r[0].time, utc((2026, 5, 22), (10, 18, 48, 0)));
    assert_eq!(s(&r[0], "level"), Some("info"));
    assert_eq!(r[0].message, "Starting runner daemon");
    assert_eq!(
        r[1].time,
        RawTime::Exact {
            local: NaiveDate::from_ymd_opt(2026, 5, 22).unwrap().and_hms_opt(10, 19, 5).unwrap(),
            offset_secs: 7200
        }
    );
    assert_eq!(s(&r[1], "step"), Some("Checkout"));
    assert_eq!(s(&r[1], "workflow"), Some("CI/CD"));
    assert_eq!(s(&r[1], "job"), Some("deploy"));
    assert_eq!(r[2].time, utc((2026, 5, 22), (10, 19, 6, 123456)));
    assert_eq!(s(&r[2], "level"), Some("error"));
    assert_eq!(s(&r[2], "duration"), Some("3.1s"));
    assert_eq!(r[2].continuation, ["exit status 1"]);
    assert!(matches!(r[3].time, RawTime::Local { file_offset: None, .. }));
    assert_eq!(r[3].message, "plain");
    assert_eq!(r[4].time, RawTime::None);
    assert_eq!(s(&r[4], "outcome"), Some("failure"));
    assert!(ci_log::sniff_line(split_lines(text).nth(1).unwrap()));
    assert!(!ci_log::sniff_line(split_lines(text).next().unwrap()));
}

#[test]
fn pm2_cli_reference_lines() {
    use pm2_cli::classify;
    // pm2-observed-run.md §A.4 and pm2.md §5 (PM2 7.0.4).
    let c = classify("[PM2] Applying action deleteProcessId on app [all](ids: [ 0, 2, 3, 4 ])").unwrap();
    assert_eq!(c.kind, "pm2-cli-action");
    assert_eq!(c.fields[0], ("action", FieldValue::from("deleteProcessId")));
    assert_eq!(c.fields[1], ("target", FieldValue::from("all")));
    assert_eq!(c.fields[2].1, FieldValue::List(vec!["0".into(), "2".into(), "3".into(), "4".into()]));
    let c = classify("[PM2] Applying action restartProcessId on app [api](ids: [ 0 ])").unwrap();
    assert_eq!(c.fields[1], ("target", FieldValue::from("api")));
    let c = classify("[PM2] [slowstop](3) \u{2713}").unwrap();
    assert_eq!((c.kind, c.process, c.pm_id), ("pm2-cli-done", Some("slowstop"), Some("3")));
    for (line, kind, msg) in [
        ("[PM2] Saving current process list...", "pm2-cli", "Saving current process list..."),
        (
            "[PM2] Successfully saved in /tmp/pm2home/dump.pm2",
            "pm2-cli",
            "Successfully saved in /tmp/pm2home/dump.pm2",
        ),
        ("[PM2] [v] All Applications Stopped", "pm2-cli", "[v] All Applications Stopped"),
        ("[PM2] [v] PM2 Daemon Stopped", "pm2-cli", "[v] PM2 Daemon Stopped"),
        (
            "[PM2] Spawning PM2 daemon with pm2_home=/tmp/pm2home",
            "pm2-cli",
            "Spawning PM2 daemon with pm2_home=/tmp/pm2home",
        ),
        ("[PM2] PM2 Successfully daemonized", "pm2-cli", "PM2 Successfully daemonized"),
        ("[PM2] Resurrecting", "pm2-cli", "Resurrecting"),
        (
            "[PM2] Process /tmp/pm2run/apps/api.js restored",
            "pm2-cli",
            "Process /tmp/pm2run/apps/api.js restored",
        ),
        (
            "[PM2][WARN] PM2 is not managing any process, skipping save...",
            "pm2-cli-warn",
            "PM2 is not managing any process, skipping save...",
        ),
        (
            "[PM2][ERROR] No processes saved; DUMP file doesn't exist",
            "pm2-cli-error",
            "No processes saved; DUMP file doesn't exist",
        ),
        ("[PM2] Done.", "pm2-cli", "Done."),
    ] {
        let c = classify(line).unwrap();
        assert_eq!((c.kind, c.message), (kind, msg), "{line}");
    }
    let c = classify("[PM2][INFO] x").unwrap();
    assert_eq!((c.kind, c.fields.clone()), ("pm2-cli", vec![("channel", FieldValue::from("info"))]));
    assert!(classify(">>>>>>>>>> PM2 updated").is_none());
    assert!(classify("Be sure to have the latest version by doing `npm install pm2@latest -g` before doing this procedure.").is_none());
    assert!(classify("\u{2502} 0  \u{2502} api  \u{2502}").is_none());
}

#[test]
fn sniff_and_paths() {
    for line in [
        "2025-04-23T06:09:05.6163710Z ##[group]Run pushd code",
        "2026-10-07T22:56:33.6504497Z [command]/usr/bin/git version",
        "2026-05-22T10:19:05.9573824Z ::group::Getting Git version info",
        "2026-05-22T10:24:11.5323408Z \u{1F3C1}  Job failed",
        "2026-02-09T15:51:33.3466208Z nix-03-runner-2(version:v7.0.0) received task 1280 of job playwright, be triggered by event: push",
    ] {
        assert!(ci_log::sniff_line(line), "{line}");
    }
    for line in [
        "2026-10-07T22:56:34.4766863Z You are in 'detached HEAD' state.",
        "Feb 17 14:30:00 web-01 systemd[1]: x",
        "2026-02-17T14:30:00.123456+00:00 web-01 sshd[1]: ##[group]",
        "2024-01-15T10:23:45: PM2 log: App [api:0] online",
        "a\tb\tc",
        "",
    ] {
        assert!(!ci_log::sniff_line(line), "{line}");
    }
    assert!(!ci_log::NAME_HINTS.is_empty());
    let line = "2026-02-17T14:30:00.0000000Z x";
    let job_of = |path: &str| {
        let sink = parse_text(&mut CiLogParser::for_path(path), line);
        (s(&sink.records[0], "job").map(str::to_string), s(&sink.records[0], "step").map(str::to_string))
    };
    assert_eq!(job_of("ci/logs_123/0_build.txt"), (Some("build".into()), None));
    assert_eq!(job_of("ci/logs_123/3_deploy.txt"), (Some("deploy".into()), None));
    assert_eq!(job_of("ci/build/1_Set up job.txt"), (Some("build".into()), Some("Set up job".into())));
    assert_eq!(job_of("ci/deploy.log"), (None, None));
    assert_eq!(job_of(""), (None, None));
}

// ---------------------------------------------------------------------------------------
// Properties

fn ci_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2026-02-17T14:30:00.0000000Z ".to_string()),
        Just("2026-02-17T14:30:00.0000000Z ##[group]Run pm2 delete all".to_string()),
        Just("2026-02-17T14:30:00.0000000Z ##[group]Run actions/checkout@v4".to_string()),
        Just("2026-02-17T14:30:00.0000000Z \x1b[36;1mpm2 start x\x1b[0m".to_string()),
        Just("2026-02-17T14:30:00.0000000Z shell: /usr/bin/bash -e {0}".to_string()),
        Just("2026-02-17T14:30:00.0000000Z with:".to_string()),
        Just("2026-02-17T14:30:00.0000000Z env:".to_string()),
        Just("2026-02-17T14:30:00.0000000Z   ref: main".to_string()),
        Just("2026-02-17T14:30:00.0000000Z ##[endgroup]".to_string()),
        Just("2026-02-17T14:30:00.0000000Z ##[error]x".to_string()),
        Just("2026-02-17T14:30:00.0000000Z [command]/usr/bin/git log -1 --format=%H".to_string()),
        Just("2026-02-17T14:30:00.0000000Z 79fbb111125e50627a1a2c129888a45496f368d4".to_string()),
        Just("2026-02-17T14:30:00.0000000Z Post job cleanup.".to_string()),
        Just("2026-02-17T14:30:00.0000000Z Complete job name: d".to_string()),
        Just("2026-02-17T14:30:00.0000000Z \u{2B50} Run Main a".to_string()),
        Just("2026-02-17T14:30:00.0000000Z [PM2] [api](0) \u{2713}".to_string()),
        Just("j\ts\t2026-02-17T14:30:00.0000000Z x".to_string()),
        Just("j\ts\tcont".to_string()),
        Just("time=\"2026-05-22T10:18:48Z\" level=info msg=\"[w/j] a\\nb\"".to_string()),
        "   [ -~]{0,10}",
        any::<String>(),
    ]
}

/// Feeds `lines` in two sinks cut at `cut`, attaching the second sink's carried
/// continuation to the first sink's last record.
fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    parse_in_two(&mut CiLogParser::default(), lines, cut)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        let _ = ci_log::sniff_line(&text);
        let _ = pm2_cli::classify(&text);
    }

    #[test]
    fn never_panics_on_ci_shaped_text(lines in prop::collection::vec(ci_like(), 0..30)) {
        let text = lines.join("\n");
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert_eq!(sink.counts.events as usize, sink.records.len());
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(ci_like(), 0..30)) {
        let lines: Vec<String> = raw.iter().flat_map(|r| r.split('\n').map(str::to_string)).collect();
        let (whole, n) = two_pass(&lines, lines.len());
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(&lines, cut);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }
}
