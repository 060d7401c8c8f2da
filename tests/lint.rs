//! `postmortem lint` through the binary: the fixtures under tests/fixtures/lint (bad and good
//! GitHub and Gitea workflows, shell scripts), the workflows shipped in samples/, the three
//! output formats, exit codes and determinism.

mod common;

use common::{postmortem, root, stderr, stdout};
use serde_json::Value;

/// Runs `postmortem lint ARGS` from the repository root (so paths in findings are relative).
fn lint(args: &[&str]) -> std::process::Output {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    std::process::Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(&all)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// `line:col rule` of every finding in the JSON output, for one file.
fn found(o: &std::process::Output, file: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(&stdout(o)).expect("JSON output");
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| format!("{}:{} {}", f["line"], f["column"], f["rule"].as_str().unwrap()))
        .collect()
}

fn json_of(paths: &[&str]) -> std::process::Output {
    let mut args = paths.to_vec();
    args.extend(["--format", "json"]);
    lint(&args)
}

const BAD_GITHUB: &str = "tests/fixtures/lint/bad/.github/workflows/deploy.yml";
const BAD_GITEA: &str = "tests/fixtures/lint/bad/.gitea/workflows/deploy-to-test.yml";
const BAD_SCRIPT: &str = "tests/fixtures/lint/bad/scripts/deploy-prod.sh";
const BAD_SHEBANG: &str = "tests/fixtures/lint/bad/scripts/restart-everything";

#[test]
fn bad_github_workflow() {
    let o = json_of(&[BAD_GITHUB]);
    assert_eq!(o.status.code(), Some(1));
    // The build job runs on a throwaway GitHub-hosted runner: its `pm2 kill` reaches no server.
    assert_eq!(
        found(&o, BAD_GITHUB),
        vec![
            "14:3 no-concurrency",
            "19:14 pm2-unfiltered-bulk",
            "23:11 production-no-whitelist",
            "24:11 pm2-update",
            "31:13 pm2-all",
        ]
    );
}

#[test]
fn bad_gitea_workflow() {
    let o = json_of(&[BAD_GITEA]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        found(&o, BAD_GITEA),
        vec![
            "7:3 no-concurrency",
            "13:13 pm2-unfiltered-bulk",
            "19:14 test-deploy-not-filtered",
            "19:41 save-after-partial-start"
        ]
    );
    let text = stdout(&lint(&[BAD_GITEA]));
    assert!(
        text.contains(&format!("{BAD_GITEA}:7:3: no-concurrency: deploy job relies on `concurrency:`, which Gitea up to 1.25 ignores")),
        "{text}"
    );
}

#[test]
fn bad_shell_scripts() {
    let o = json_of(&["tests/fixtures/lint/bad/scripts"]);
    assert_eq!(o.status.code(), Some(1));
    // Comments and the `cat <<EOF` body mentioning `pm2 delete all` are not commands; the body
    // of `ssh … <<'REMOTE'` is. The `\` continuation carries `--only` into the start.
    assert_eq!(found(&o, BAD_SCRIPT), vec!["15:1 save-after-partial-start", "19:42 pm2-unfiltered-bulk"]);
    // No extension, found by its `#!/bin/sh` line.
    assert_eq!(found(&o, BAD_SHEBANG), vec!["3:16 pm2-kill", "3:43 production-no-whitelist"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files: Vec<&str> = doc["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(files, vec![BAD_SCRIPT, BAD_SHEBANG], "README.txt is not linted");
}

#[test]
fn good_files_are_clean() {
    let o = lint(&["tests/fixtures/lint/good"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "postmortem lint: 4 files checked, no problems found (2 findings waived by comments)\n"
    );
    // Without its waiver comments the same script has two findings.
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/lint/good/scripts/restart-host.sh")).unwrap();
    let bare: String =
        text.lines().map(|l| l.split("# postmortem-lint").next().unwrap().to_string() + "\n").collect();
    let path = dir.path().join("restart-host.sh");
    std::fs::write(&path, bare).unwrap();
    let o = lint(&[path.to_str().unwrap(), "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
    assert_eq!(doc["waived"], 0);
}

#[test]
fn broken_yaml_is_a_finding_not_a_pass() {
    let file = "tests/fixtures/lint/broken/.github/workflows/broken.yml";
    let o = json_of(&[file]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(found(&o, file), vec!["6:7 parse-error"]);
}

/// The workflows shipped with the sample bundles, as the incidents left them.
#[test]
fn sample_workflows() {
    let cases: &[(&str, &[&str])] = &[
        (
            "samples/2026-02-17-pm2-delete-all/repo/.gitea/workflows/deploy-to-test.yml",
            &["9:3 no-concurrency", "24:11 pm2-all", "26:11 save-after-partial-start"],
        ),
        (
            "samples/2026-03-03-pm2-stop-all/repo/.gitea/workflows/deploy-to-prod.yml",
            &["9:3 no-concurrency", "29:11 pm2-all"],
        ),
        (
            "samples/2026-05-12-pm2-restart-all/repo/.gitea/workflows/deploy-to-prod.yml",
            &["9:3 no-concurrency", "31:11 pm2-all"],
        ),
        // The repository already holds the fixed file (the runner ran a cached old one): only
        // the missing lock remains.
        (
            "samples/2026-04-15-stale-workflow/repo/.gitea/workflows/deploy-to-test.yml",
            &["9:3 no-concurrency"],
        ),
        (
            "samples/2026-04-02-concurrent-deployments/repo/.gitea/workflows/deploy-to-prod.yml",
            &["9:3 no-concurrency", "32:11 production-no-whitelist"],
        ),
        (
            "samples/2026-04-02-concurrent-deployments/repo/.gitea/workflows/deploy-to-test.yml",
            &["9:3 no-concurrency"],
        ),
        (
            "samples/2026-03-10-oom-killer/repo/.gitea/workflows/deploy-to-prod.yml",
            &["9:3 no-concurrency", "32:11 production-no-whitelist"],
        ),
        ("samples/2026-04-20-crash-loop/repo/.gitea/workflows/deploy-worker.yml", &["10:3 no-concurrency"]),
        (
            "samples/confusers/deploy-restart-by-name/repo/.gitea/workflows/deploy-to-prod.yml",
            &["8:3 no-concurrency"],
        ),
    ];
    let o = json_of(&["samples"]);
    assert_eq!(o.status.code(), Some(1));
    for (file, expected) in cases {
        assert_eq!(found(&o, file), *expected, "{file}");
    }
    let text = stdout(&lint(&["samples/2026-02-17-pm2-delete-all"]));
    let first = text.lines().nth(2).unwrap();
    assert_eq!(
        first,
        "samples/2026-02-17-pm2-delete-all/repo/.gitea/workflows/deploy-to-test.yml:24:11: pm2-all: \
         `pm2 delete all` deletes every PM2 process on the host, of every application"
    );
    assert!(text
        .lines()
        .nth(3)
        .unwrap()
        .starts_with("    help: name the processes this deploy owns: `pm2 delete "));
}

#[test]
fn json_report_structure() {
    let o = json_of(&["tests/fixtures/lint/bad"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["schema"], "postmortem/lint/v1");
    assert_eq!(doc["files"].as_array().unwrap().len(), 4);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 13);
    for f in findings {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["file", "line", "column", "rule", "level", "message", "help"]);
        assert!(f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1);
        assert!(matches!(f["level"].as_str(), Some("error" | "warning")));
        assert!(!f["help"].as_str().unwrap().is_empty());
    }
}

#[test]
fn sarif_report_structure() {
    let o = lint(&["tests/fixtures/lint/bad", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "postmortem");
    let rules: Vec<&str> =
        driver["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let listed = stdout(&lint(&["--list-rules"]));
    for id in &rules {
        assert!(listed.contains(&format!("{id} (")), "--list-rules lacks {id}");
    }
    for r in driver["rules"].as_array().unwrap() {
        assert!(!r["help"]["text"].as_str().unwrap().is_empty());
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 13);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().starts_with("tests/fixtures/lint/bad/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    let first = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        first["artifactLocation"]["uri"],
        "tests/fixtures/lint/bad/.gitea/workflows/deploy-to-test.yml"
    );
    assert_eq!(
        (first["region"]["startLine"].as_u64(), first["region"]["startColumn"].as_u64()),
        (Some(7), Some(3))
    );
}

#[test]
fn exit_codes_and_usage_errors() {
    assert_eq!(lint(&["tests/fixtures/lint/good"]).status.code(), Some(0));
    assert_eq!(lint(&[BAD_SHEBANG]).status.code(), Some(1));
    let missing = lint(&["no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).starts_with("postmortem: no/such/dir: "), "{}", stderr(&missing));
    let not_a_script = lint(&["tests/fixtures/lint/bad/scripts/README.txt"]);
    assert_eq!(not_a_script.status.code(), Some(2));
    assert!(stderr(&not_a_script).contains("not a workflow or a shell script"));
    let empty = lint(&["samples/2026-05-05-pm2-daemon-killed"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no workflow files"), "{}", stderr(&empty));
    assert_eq!(lint(&[]).status.code(), Some(2), "a PATH is required");
    assert_eq!(lint(&[".", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(lint(&["--list-rules"]).status.code(), Some(0));
}

#[test]
fn help_teaches_the_rules_and_exit_codes() {
    let help = stdout(&postmortem(["lint", "--help"]));
    for id in [
        "pm2-all",
        "pm2-kill",
        "pm2-update",
        "pm2-unfiltered-bulk",
        "test-deploy-not-filtered",
        "production-no-whitelist",
        "no-concurrency",
        "save-after-partial-start",
        "parse-error",
    ] {
        assert!(help.contains(id), "--help lacks {id}");
    }
    assert!(help.contains("Exit codes: 0 nothing found, 1 findings, 2 bad"), "{help}");
}

#[test]
fn output_is_sorted_and_deterministic() {
    let args = ["tests/fixtures/lint", "samples", "--format", "json"];
    let a = lint(&args);
    let b = lint(&args);
    assert_eq!(a.stdout, b.stdout);
    let doc: Value = serde_json::from_str(&stdout(&a)).unwrap();
    let keys: Vec<(String, u64, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // The same file named twice (directly and through its directory) is linted once.
    let twice = lint(&[BAD_GITEA, "tests/fixtures/lint/bad/.gitea", "--format", "json"]);
    assert_eq!(found(&twice, BAD_GITEA).len(), 4);
}

#[test]
fn directory_links_are_not_followed_and_gitea_is_known_from_the_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join("repo/.gitea/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::copy(root().join(BAD_GITEA), workflows.join("deploy-to-test.yml")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("repo/loop")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["lint", "repo", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(found(&o, "repo/.gitea/workflows/deploy-to-test.yml").len(), 4);
    // Named from inside its directory, the file is still a Gitea workflow.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["lint", "deploy-to-test.yml"])
        .current_dir(&workflows)
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with(
        "deploy-to-test.yml:7:3: no-concurrency: deploy job relies on `concurrency:`, which Gitea"
    ));
}

#[test]
fn paths_are_shown_as_given_without_a_leading_dot_slash() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["lint", "."])
        .current_dir(root().join("tests/fixtures/lint/bad"))
        .output()
        .unwrap();
    let text = stdout(&o);
    assert!(text.starts_with(".gitea/workflows/deploy-to-test.yml:7:3: no-concurrency: "), "{text}");
    assert!(text.lines().all(|l| !l.starts_with("./")), "{text}");
}
