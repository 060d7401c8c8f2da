//! The `timeline`, `inputs` and `formats` commands on the shipped sample bundle.

mod common;

use common::*;
use serde_json::Value;

fn events(extra: &[&str]) -> Vec<Value> {
    let sample = sample();
    let mut args = vec!["timeline", sample.to_str().unwrap(), "--format", "jsonl"];
    args.extend_from_slice(extra);
    let out = postmortem(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}

fn find<'a>(events: &'a [Value], kind: &str, process: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind && e["process"] == process).collect()
}

#[test]
fn event_contract_keys_are_in_order() {
    let out = postmortem(["timeline", sample().to_str().unwrap(), "--format", "jsonl"]);
    let text = stdout(&out);
    let first = text.lines().next().expect("at least one event");
    let keys = [
        "\"time\":",
        "\"source\":",
        "\"kind\":",
        "\"host\":",
        "\"process\":",
        "\"pm_id\":",
        "\"pid\":",
        "\"user\":",
        "\"message\":",
        "\"fields\":",
        "\"file\":",
        "\"line\":",
        "\"sha256\":",
    ];
    let positions: Vec<usize> =
        keys.iter().map(|k| first.find(k).unwrap_or_else(|| panic!("{k} in {first}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first}");
}

#[test]
fn pm2_delete_all_sequence_is_in_utc_with_causes() {
    let events = events(&[]);
    // pm2.log says 15:31:04 local; the banner says GMT+0100.
    let exit = find(&events, "app-exit", "flyer-crawler-api");
    let incident = exit
        .iter()
        .find(|e| e["time"].as_str().unwrap().starts_with("2026-02-17"))
        .expect("api exit on the 17th");
    assert_eq!(incident["time"], "2026-02-17T14:31:04.000000Z");
    assert_eq!(incident["pm_id"], "0");
    assert_eq!(incident["fields"]["cause"], "stopped");
    assert_eq!(incident["file"], "pm2/pm2.log");
    assert_eq!(incident["sha256"], sha256_file(&sample().join("pm2/pm2.log")));
    let worker = find(&events, "app-exit", "flyer-crawler-worker");
    let escalated =
        worker.iter().find(|e| e["fields"]["cause"] == "escalated").expect("the worker needed SIGKILL");
    assert_eq!(escalated["fields"]["signal"], "SIGKILL");
    // The earlier crash of stock-alert-api is a crash, restarted by PM2.
    let crash = find(&events, "app-exit", "stock-alert-api");
    assert_eq!(crash[0]["fields"]["cause"], "crash");
    assert_eq!(crash[0]["time"], "2026-02-14T02:17:22.000000Z");
}

#[test]
fn auth_events_use_the_manifest_zone_and_year() {
    let events = events(&["--source", "auth"]);
    assert!(events.iter().all(|e| e["source"] == "auth"));
    let login = events
        .iter()
        .find(|e| e["kind"] == "ssh-login" && e["user"] == "alice.oncall")
        .expect("the on-call login");
    // Feb 17 15:54:12 in Europe/Berlin (manifest), year from the manifest mtime.
    assert_eq!(login["time"], "2026-02-17T14:54:12.000000Z");
    assert_eq!(login["pid"], 52210);
    assert_eq!(login["host"], "projectium");
    assert_eq!(login["fields"]["ip"], "198.51.100.23");
    assert_eq!(login["fields"]["key_type"], "ED25519");
    let sudo = events.iter().find(|e| e["kind"] == "sudo" && e["user"] == "alice.oncall").expect("sudo");
    assert_eq!(sudo["fields"]["target_user"], "gitea-runner");
    // A 7-digit pid and a user name with '_' parse.
    assert!(events.iter().any(|e| e["pid"] == 1048576 && e["user"] == "deploy_bot"));
}

#[test]
fn tz_option_does_not_override_the_banner_but_moves_syslog() {
    let events = events(&["--tz", "UTC"]);
    let exit = find(&events, "app-exit", "flyer-crawler-api");
    assert!(exit.iter().any(|e| e["time"] == "2026-02-17T14:31:04.000000Z"), "banner offset kept");
    let login = events.iter().find(|e| e["kind"] == "ssh-login" && e["user"] == "alice.oncall").unwrap();
    assert_eq!(login["time"], "2026-02-17T15:54:12.000000Z");
}

#[test]
fn filters_select_by_time_app_and_message() {
    let all = events(&[]);
    let window = events(&["--since", "2026-02-17 14:31", "--until", "2026-02-17T14:32:00Z"]);
    assert!(!window.is_empty() && window.len() < all.len());
    assert!(window.iter().all(|e| {
        let t = e["time"].as_str().unwrap();
        ("2026-02-17T14:31:00".."2026-02-17T14:32:00.000001").contains(&t)
    }));
    let test_apps = events(&["--app", "*-test"]);
    assert!(!test_apps.is_empty());
    assert!(test_apps.iter().all(|e| e["process"].as_str().unwrap().ends_with("-test")));
    let grep = events(&["--grep", "^Stopping app:"]);
    assert_eq!(grep.len(), 7, "one stop request per process");
}

#[test]
fn output_is_sorted_and_identical_for_any_thread_count() {
    let sample = sample();
    let run = |jobs: &str| {
        let out = postmortem(["--jobs", jobs, "timeline", sample.to_str().unwrap(), "--format", "jsonl"]);
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
    let times: Vec<String> = jsonl(&postmortem(["timeline", sample.to_str().unwrap(), "--format", "jsonl"]))
        .iter()
        .filter_map(|e| e["time"].as_str().map(String::from))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn inputs_account_for_every_line_and_hash_every_file() {
    let out = postmortem(["inputs", sample().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inputs = jsonl(&out);
    let files: Vec<&str> = inputs.iter().map(|i| i["file"].as_str().unwrap()).collect();
    assert_eq!(files, sample_files());
    for input in &inputs {
        let path = sample().join(input["file"].as_str().unwrap());
        assert_eq!(input["sha256"], sha256_file(&path));
        if input["format"] == "manifest" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let l = &input["lines"];
        assert_eq!(l["total"], text.lines().count());
        let sum: u64 =
            ["event", "continuation", "structural", "unparsed"].iter().map(|k| l[k].as_u64().unwrap()).sum();
        assert_eq!(l["total"], sum);
        assert_eq!(l["unparsed"], 0, "{input}");
        assert_eq!(input["mtime"]["source"], "manifest");
        // Files whose lines carry no zone must say how their times were read.
        if ["pm2/pm2.log", "var/log/auth.log", "var/log/nginx/error.log"]
            .contains(&input["file"].as_str().unwrap())
        {
            assert!(!input["assumptions"].as_array().unwrap().is_empty(), "times were assumed: say how");
        }
    }
    let auth = inputs.iter().find(|i| i["file"] == "var/log/auth.log").unwrap();
    let words = auth["assumptions"].to_string();
    assert!(words.contains("Europe/Berlin") && words.contains("manifest"), "{words}");
    assert!(words.contains("year 2026"), "{words}");
}

#[test]
fn table_output_shows_undated_section_and_fits() {
    let out = postmortem(["timeline", sample().to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("flyer-crawler-api:0"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 160), "lines fit the default width");
    assert!(text.contains("dated events"));
}

#[test]
fn csv_has_the_contract_columns() {
    let out = postmortem(["timeline", sample().to_str().unwrap(), "--format", "csv"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time,source,kind,host,process,pm_id,pid,user,message,fields,file,line,sha256"
    );
    assert_eq!(lines.count(), events(&[]).len());
}

#[test]
fn formats_lists_ids_and_kinds() {
    let out = postmortem(["formats"]);
    let text = stdout(&out);
    assert!(text.contains("pm2-log") && text.contains("syslog"));
    assert!(text.contains("app-exit") && text.contains("ssh-login"));
}

#[test]
fn bad_input_is_a_clear_error_with_the_right_exit_code() {
    let missing = postmortem(["timeline", "/nonexistent/evidence"]);
    assert_eq!(missing.status.code(), Some(3));
    let err = stderr(&missing);
    assert!(err.contains("no such file or directory") && err.contains("no usable evidence"), "{err}");
    assert!(!err.contains("panicked"));

    let bad_tz = postmortem(["timeline", sample().to_str().unwrap(), "--tz", "Mars/Olympus"]);
    assert_eq!(bad_tz.status.code(), Some(2));
    assert!(stderr(&bad_tz).contains("IANA"));

    let bad_time = postmortem(["timeline", sample().to_str().unwrap(), "--since", "yesterday"]);
    assert_eq!(bad_time.status.code(), Some(2));

    let bad_as = postmortem(["timeline", sample().to_str().unwrap(), "--as", "*.log=nginx-ish"]);
    assert_eq!(bad_as.status.code(), Some(2));
    assert!(stderr(&bad_as).contains("known formats"));

    // A missing input next to a good one: the good one still goes through.
    let mixed =
        postmortem(["timeline", "/nonexistent/x.log", sample().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(mixed.status.code(), Some(0));
    assert!(!jsonl(&mixed).is_empty());
    assert!(stderr(&mixed).contains("/nonexistent/x.log"));
}

#[test]
fn unrecognised_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "the site was slow\n").unwrap();
    let out = postmortem(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(3));
    let inputs = jsonl(&out);
    assert_eq!(inputs[0]["format"], "skipped");
    assert!(inputs[0]["reason"].as_str().unwrap().contains("no known format"));
    // --as forces it.
    let forced =
        postmortem(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl", "--as", "*.txt=syslog"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(jsonl(&forced)[0]["format"], "syslog");
}

#[test]
fn reports_do_not_depend_on_where_or_when_the_bundle_was_copied() {
    // A fresh copy has new file-system times and a different absolute path.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("bundle");
    for rel in sample_files() {
        let to = copy.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sample().join(&rel), &to).unwrap();
    }
    for command in
        [&["inputs", "--format", "jsonl"][..], &["timeline", "--format", "jsonl"][..], &["timeline"][..]]
    {
        let run = |path: &std::path::Path| {
            let mut args = vec![command[0], path.to_str().unwrap()];
            args.extend_from_slice(&command[1..]);
            postmortem(&args).stdout
        };
        assert_eq!(run(&sample()), run(&copy), "{command:?}");
    }
}
