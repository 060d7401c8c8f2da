//! Kernel evidence through the binary: an OOM kill in kern.log, dmesg times since boot dated
//! from the kern.log line that carries both clocks, and `--boot-time` when nothing does.

mod common;

use common::*;
use serde_json::Value;

/// kern.log (rsyslog ISO stamps keep dmesg's `[secs]`): the §2 summary line of
/// linux-and-ci-formats.md, then a constructed kill line of the same victim.
const KERN_LOG: &str = "\
2024-07-20T19:51:03.968882+02:00 sibirocobombus kernel: [ 3275.028363] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/pm2-alex.service,task=node,pid=12041,uid=1000
2024-07-20T19:51:03.969001+02:00 sibirocobombus kernel: [ 3275.028401] Out of memory: Killed process 12041 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB, shmem-rss:0kB, UID:1000 pgtables:38108kB oom_score_adj:0
";

/// dmesg of the same boot (constructed): one second later by the monotonic clock.
const DMESG: &str = "\
[ 3276.028363] EXT4-fs error (device vda1): ext4_find_entry:1455: inode #2: comm node: reading directory lblock 0
";

fn timeline(dir: &std::path::Path, extra: &[&str]) -> (Vec<Value>, String) {
    let mut args = vec!["timeline", dir.to_str().unwrap(), "--format", "jsonl"];
    args.extend_from_slice(extra);
    let out = postmortem(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (jsonl(&out), stderr(&out))
}

#[test]
fn oom_kill_is_one_event_and_dmesg_is_dated_from_kern_log() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kern.log"), KERN_LOG).unwrap();
    std::fs::write(dir.path().join("dmesg.txt"), DMESG).unwrap();
    let (events, _) = timeline(dir.path(), &[]);
    assert_eq!(events.len(), 2, "{events:#?}");
    let oom = &events[0];
    assert_eq!(oom["kind"], "oom-kill");
    assert_eq!(oom["pid"], 12041);
    assert_eq!(oom["line"], 2, "cited by its kill line");
    assert_eq!(oom["time"], "2024-07-20T17:51:03.969001Z");
    assert_eq!(oom["fields"]["unit"], "pm2-alex.service");
    assert_eq!(oom["fields"]["rss_kb"], 1_666_556);
    assert!(oom["fields"]["detail"][0].as_str().unwrap().starts_with("oom-kill:constraint="));
    // Boot = 17:51:03.969001 − 3275.028401 s (the kill line, which the event keeps); the
    // dmesg line is 3276.028363 s after it.
    let fs = &events[1];
    assert_eq!(fs["kind"], "fs-error");
    assert_eq!(fs["time"], "2024-07-20T17:51:04.968963Z");
    let out = postmortem(["inputs", dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("times since boot dated with the boot at"), "{text}");
    assert!(text.contains("kern.log line 2"), "{text}");
}

#[test]
fn dmesg_alone_needs_boot_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dmesg.txt"), DMESG).unwrap();
    let (events, _) = timeline(dir.path(), &[]);
    assert_eq!(events[0]["time"], Value::Null);
    let out = postmortem(["inputs", dir.path().to_str().unwrap()]);
    assert!(stdout(&out).contains("pass --boot-time"), "{}", stdout(&out));
    let (events, _) = timeline(dir.path(), &["--boot-time", "2024-07-20T16:56:28Z"]);
    assert_eq!(events[0]["time"], "2024-07-20T17:51:04.028363Z");
}
