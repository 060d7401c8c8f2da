//! The kernel's OOM killer, filesystem and I/O errors, and systemd's unit messages, in every
//! place kernel lines appear: syslog/kern.log, dmesg (monotonic, `-T`, `-r`, iso) and the
//! journal. Lines marked "§2" are verbatim from linux-and-ci-formats.md §2 (public files cited
//! there); report lines around them (stack, Mem-Info) are constructed in the kernel's shape.

use postmortem_parsers::dmesg::{DmesgParser, REASON_NO_STAMP};
use postmortem_parsers::journal::JournalParser;
use postmortem_parsers::kernel::{classify, KernelLine};
use postmortem_parsers::syslog::SyslogParser;
use postmortem_parsers::{parse_text, split_lines, LineParser, RawTime, Record, Sink};
use proptest::prelude::*;

fn sorted(mut sink: Sink<'_>) -> (Vec<Record<'_>>, Sink<'_>) {
    let mut r = std::mem::take(&mut sink.records);
    r.sort_by_key(|r| r.line);
    (r, sink)
}

fn syslog(text: &str) -> (Vec<Record<'_>>, Sink<'_>) {
    sorted(parse_text(&mut SyslogParser::default(), text))
}

fn dmesg(text: &str) -> (Vec<Record<'_>>, Sink<'_>) {
    sorted(parse_text(&mut DmesgParser::default(), text))
}

/// A modern (5.x–6.x) OOM report as rsyslog writes it: §2's CentOS 8 lines around a
/// constructed stack and Mem-Info dump, then an unrelated kernel line and a systemd line.
const REPORT: &str = "\
Sep  7 14:18:32 VM-12-2-centos kernel: systemd invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
Sep  7 14:18:32 VM-12-2-centos kernel: CPU: 0 PID: 1 Comm: systemd Not tainted 4.18.0-348.7.1.el8_5.x86_64 #1
Sep  7 14:18:32 VM-12-2-centos kernel: Call Trace:
Sep  7 14:18:32 VM-12-2-centos kernel: dump_stack+0x5c/0x80
Sep  7 14:18:32 VM-12-2-centos kernel: oom_kill_process.cold.33+0xb/0x10
Sep  7 14:18:32 VM-12-2-centos sshd[999]: Connection closed by 1.2.3.4 port 22 [preauth]
Sep  7 14:18:32 VM-12-2-centos kernel: Mem-Info:
Sep  7 14:18:32 VM-12-2-centos kernel: active_anon:416190 inactive_anon:2144 isolated_anon:0
Sep  7 14:18:32 VM-12-2-centos kernel: Tasks state (memory values in pages):
Sep  7 14:18:32 VM-12-2-centos kernel: [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
Sep  7 14:18:32 VM-12-2-centos kernel: [   2092]     0  2092   636502   416639  3903488        0             0 node
Sep  7 14:18:32 VM-12-2-centos kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/pm2-root.service,task=node,pid=2092,uid=0
Sep  7 14:18:32 VM-12-2-centos kernel: Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB, shmem-rss:0kB, UID:0 pgtables:38108kB oom_score_adj:0
Sep  7 14:18:32 VM-12-2-centos kernel: oom_reaper: reaped process 2092 (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
Sep  7 14:18:33 VM-12-2-centos kernel: EXT4-fs error (device vda1): ext4_find_entry:1455: inode #2: comm node: reading directory lblock 0
Sep  7 14:18:33 VM-12-2-centos systemd[1]: pm2-root.service: A process of this unit has been killed by the OOM killer.
Sep  7 14:18:33 VM-12-2-centos systemd[1]: pm2-root.service: Main process exited, code=killed, status=9/KILL
Sep  7 14:18:33 VM-12-2-centos systemd[1]: pm2-root.service: Failed with result 'oom-kill'.
";

#[test]
fn one_event_per_kill_with_its_report_as_detail() {
    let (r, sink) = syslog(REPORT);
    assert_eq!(sink.counts.total(), 18);
    assert_eq!(sink.counts.events, 6, "{:?}", r.iter().map(|r| r.kind).collect::<Vec<_>>());
    assert_eq!(sink.counts.continuation, 12);
    let kinds: Vec<&str> = r.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        ["ssh-disconnect", "oom-kill", "fs-error", "unit-oom-kill", "unit-exited", "unit-failed"]
    );
    let oom = &r[1];
    // The event is cited by its kill line; the report began on line 1.
    assert_eq!(oom.line, 13);
    assert_eq!(oom.source, "kernel");
    assert!(oom.message.starts_with("Out of memory: Killed process 2092 (node) total-vm:2546008kB"));
    assert_eq!(oom.pid, Some(2092));
    assert_eq!(oom.str_field("comm"), Some("node"));
    assert_eq!(oom.int_field("uid"), Some(0));
    assert_eq!(oom.str_field("memcg"), Some("/system.slice/pm2-root.service"));
    assert_eq!(oom.str_field("unit"), Some("pm2-root.service"));
    assert_eq!(oom.int_field("rss_kb"), Some(1_665_620 + 936));
    assert_eq!(oom.int_field("anon_rss_kb"), Some(1_665_620));
    assert_eq!(oom.int_field("total_vm_kb"), Some(2_546_008));
    assert_eq!(oom.int_field("oom_score_adj"), Some(0));
    assert_eq!(oom.str_field("constraint"), Some("CONSTRAINT_NONE"));
    assert_eq!(oom.str_field("invoker"), Some("systemd"));
    assert_eq!(oom.str_field("gfp_mask"), Some("0x6200ca"));
    assert_eq!(oom.int_field("report_line"), Some(1));
    assert_eq!(oom.int_field("reaped"), Some(1));
    assert_eq!(oom.reason_text(), "Out of memory");
    // Detail: the invoked line first, the report in order (the sshd line is not in it),
    // the reaper line last.
    assert_eq!(oom.continuation.len(), 12);
    assert!(oom.continuation[0].starts_with("systemd invoked oom-killer"));
    assert_eq!(oom.continuation[2], "Call Trace:");
    assert!(oom.continuation[11].starts_with("oom_reaper: reaped process 2092"));
    assert_eq!(r[2].str_field("device"), Some("vda1"));
    assert_eq!(r[3].str_field("unit"), Some("pm2-root.service"));
    assert_eq!(r[3].str_field("pm2_user"), Some("root"));
    assert_eq!(r[5].str_field("result"), Some("oom-kill"));
}

trait Reason {
    fn reason_text(&self) -> &str;
}
impl Reason for Record<'_> {
    fn reason_text(&self) -> &str {
        self.str_field("reason").unwrap_or("")
    }
}

#[test]
fn dmesg_memcg_kills_and_a_new_report() {
    // §2, [issue reportportal/kubernetes#203]: dmesg, Ubuntu 5.4.0-77, memcg OOM.
    let text = "\
[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986
[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB
[ 7093.543707] uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986
[ 7093.543711] CPU: 4 PID: 63635 Comm: uwsgi Not tainted 5.4.0-77-generic #86-Ubuntu
";
    let (r, sink) = dmesg(text);
    assert_eq!((sink.counts.events, sink.counts.continuation), (2, 2));
    assert_eq!(r[0].kind, "oom-kill");
    assert_eq!(r[0].time, RawTime::None);
    assert_eq!(r[0].int_field("monotonic_us"), Some(7_063_247_407));
    assert_eq!(r[0].str_field("reason"), Some("Memory cgroup out of memory"));
    assert_eq!(r[0].int_field("oom_score_adj"), Some(986));
    assert_eq!(r[0].int_field("reaped"), Some(1));
    // A report whose kill is not in the evidence.
    assert_eq!(r[1].kind, "oom-invoked");
    assert_eq!(r[1].line, 3);
    assert_eq!(r[1].str_field("invoker"), Some("uwsgi"));
    assert_eq!(r[1].pid, None);
}

#[test]
fn older_kernels() {
    // §2.2, [issue genular/pandora#49] (4.x): choose-then-kill.
    let text = "\
May 07 21:43:54 doom kernel: mem invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null),  order=0, oom_score_adj=0
May 07 21:43:54 doom kernel: Out of memory: Kill process 27438 (R) score 31 or sacrifice child
May 07 21:43:54 doom kernel: Killed process 27438 (R) total-vm:38349780kB, anon-rss:1041924kB, file-rss:4kB, shmem-rss:0kB
";
    let (r, _) = syslog(text);
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].kind, r[0].pid, r[0].line), ("oom-kill", Some(27438), 3));
    assert_eq!(r[0].int_field("score"), Some(31));
    assert_eq!(r[0].int_field("order"), Some(0));
    assert_eq!(r[0].str_field("comm"), Some("R"));
    // RHEL backport ([issue kubernetes/kubernetes#50632]) and 2.6's short kill line.
    let k = classify("Killed process 799153 (node), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB");
    let Some(KernelLine::OomKilled(k)) = k else { panic!("{k:?}") };
    assert_eq!((k.pid, k.comm, k.uid, k.anon_rss_kb), (799153, "node", Some(1000), Some(68308)));
    let k = classify("Out of memory: Killed process 4242 (java).");
    assert!(matches!(k, Some(KernelLine::OomKilled(ref k)) if k.pid == 4242 && k.comm == "java"));
    // Old memcg: the cgroup from `Task in … killed as a result of limit of …`.
    let text = "\
Jan 10 10:00:00 h kernel: java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0
Jan 10 10:00:00 h kernel: Task in /13 killed as a result of limit of /13
Jan 10 10:00:00 h kernel: Memory cgroup out of memory: Kill process 5 (java) score 999 or sacrifice child
Jan 10 10:00:00 h kernel: Killed process 5 (java) total-vm:100kB, anon-rss:50kB, file-rss:1kB
";
    let (r, _) = syslog(text);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].str_field("memcg"), Some("/13"));
    assert_eq!(r[0].int_field("rss_kb"), Some(51));
}

#[test]
fn comm_with_spaces_and_slashes() {
    // §2: task= is the victim's comm, which may hold `/` and spaces.
    let (r, _) = syslog("2024-07-20T19:51:03.968882+02:00 sibirocobombus kernel: [ 3275.028363] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/monit.service,task=/home/alex/farm,pid=12041,uid=1000\n");
    assert_eq!(r[0].kind, "oom-kill");
    assert_eq!(r[0].str_field("comm"), Some("/home/alex/farm"));
    assert_eq!(r[0].int_field("monotonic_us"), Some(3_275_028_363));
    assert_eq!(r[0].str_field("unit"), Some("monit.service"));
    assert_eq!(r[0].time, RawTime::Exact { local: r[0].time_local(), offset_secs: 7200 });
    let k = classify("Out of memory: Killed process 77 (CPU 2/KVM) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
    assert!(matches!(k, Some(KernelLine::OomKilled(ref k)) if k.comm == "CPU 2/KVM"));
    // memcg summary with oom_memcg (§2, kern.log via grep).
    let (r, _) = dmesg("[23135.515731] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=d373ef13,mems_allowed=0,oom_memcg=/docker/d373ef13,task_memcg=/docker/d373ef13,task=python,pid=143087,uid=0\n");
    assert_eq!(r[0].str_field("oom_memcg"), Some("/docker/d373ef13"));
    assert_eq!(r[0].str_field("memcg"), Some("/docker/d373ef13"));
    assert_eq!(r[0].str_field("unit"), None);
}

trait LocalTime {
    fn time_local(&self) -> chrono::NaiveDateTime;
}
impl LocalTime for Record<'_> {
    fn time_local(&self) -> chrono::NaiveDateTime {
        match self.time {
            RawTime::Exact { local, .. } | RawTime::Local { local, .. } => local,
            _ => panic!("no time"),
        }
    }
}

#[test]
fn dmesg_stamps() {
    // §2, [issue inducer/relate#1383]: dmesg -T, the 6.8+ task table.
    let text = "\
[Mon Dec  8 17:51:31 2025] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name
[Mon Dec  8 17:51:31 2025] [    375]     0   375    14010     2008      160     1848         0   102400      256          -250 systemd-journal
<3>[12345.678901] Buffer I/O error on dev sda1, logical block 0, async page read
2025-12-08T17:51:31,123456+01:00 blk_update_request: I/O error, dev sda, sector 2048 op 0x1:(WRITE) flags 0x0
  a continuation of it
";
    let (r, sink) = dmesg(text);
    assert_eq!(sink.counts.total(), 5);
    assert_eq!((sink.counts.events, sink.counts.continuation), (4, 1));
    assert!(matches!(r[0].time, RawTime::Local { file_offset: None, .. }));
    assert_eq!(r[0].time_local().to_string(), "2025-12-08 17:51:31");
    assert_eq!(
        (r[2].kind, r[2].str_field("device"), r[2].int_field("level")),
        ("io-error", Some("sda1"), Some(3))
    );
    assert_eq!((r[3].kind, r[3].str_field("device")), ("io-error", Some("sda")));
    assert_eq!(r[3].time, RawTime::Exact { local: r[3].time_local(), offset_secs: 3600 });
    assert_eq!(r[3].time_local().to_string(), "2025-12-08 17:51:31.123456");
    assert_eq!(r[3].continuation, ["  a continuation of it"]);
    let sink = parse_text(&mut DmesgParser::default(), "no stamp\n[ 1.0] x\n");
    assert_eq!(sink.unparsed[0].reason, REASON_NO_STAMP);
}

#[test]
fn no_space_and_segfaults_anywhere() {
    let (r, _) = syslog(
        "Feb 17 14:20:01 web-01 rsyslogd: file '/var/log/syslog': write error: No space left on device\n\
         Feb 17 14:20:02 web-01 kernel: node[4242]: segfault at 0 ip 00007f sp 00007ffd error 4 in libc.so.6[7f+195000]\n",
    );
    assert_eq!((r[0].source, r[0].kind), ("syslog", "no-space"));
    assert_eq!((r[1].kind, r[1].pid, r[1].str_field("comm")), ("segfault", Some(4242), Some("node")));
}

#[test]
fn journal_kernel_entries_fold_too() {
    // journald strips dmesg stamps; -o json kernel entries (constructed around §2 lines).
    let text = r#"{"SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"kernel","MESSAGE":"node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0","__REALTIME_TIMESTAMP":"1771338600000000","_HOSTNAME":"web-01"}
{"SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"kernel","MESSAGE":"Mem-Info:","__REALTIME_TIMESTAMP":"1771338600000100","_HOSTNAME":"web-01"}
{"SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"kernel","MESSAGE":"Out of memory: Killed process 2092 (node) total-vm:2546008kB, anon-rss:1665620kB, file-rss:936kB, shmem-rss:0kB, UID:1000 pgtables:38108kB oom_score_adj:0","__REALTIME_TIMESTAMP":"1771338600000200","_HOSTNAME":"web-01"}
{"SYSLOG_IDENTIFIER":"systemd","MESSAGE":"pm2-deploy.service: Failed with result 'oom-kill'.","__REALTIME_TIMESTAMP":"1771338601000000","_HOSTNAME":"web-01","_PID":"1"}
-- Boot 9a8b7c6d5e4f40318293a4b5c6d7e8f9 --
Feb 17 14:30:05 web-01 kernel: node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
"#;
    let (r, sink) = sorted(parse_text(&mut JournalParser::default(), text));
    assert_eq!(sink.counts.total(), 6);
    let kinds: Vec<&str> = r.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["oom-kill", "unit-failed", "oom-invoked"]);
    assert_eq!((r[0].line, r[0].int_field("uid")), (3, Some(1000)));
    assert_eq!(r[1].str_field("pm2_user"), Some("deploy"));
}

/// The records (as debug text, sorted: OOM events are pushed when their report ends) and the
/// lines accounted when the input is cut before `cut`.
fn two_pass(lines: &[String], cut: usize, mk: fn() -> Box<dyn LineParser>) -> (Vec<String>, u64) {
    let (records, total) = postmortem_parsers::parse_in_two(mk().as_mut(), lines, cut);
    let mut out: Vec<String> = records.iter().map(|r| format!("{r:?}")).collect();
    out.sort();
    (out, total)
}

fn kernel_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Sep  7 14:18:32 h kernel: node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0".to_string()),
        Just("Sep  7 14:18:32 h kernel: Call Trace:".to_string()),
        Just("Sep  7 14:18:32 h kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task_memcg=/a.service,task=node,pid=7,uid=0".to_string()),
        Just("Sep  7 14:18:32 h kernel: Out of memory: Killed process 7 (node) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0".to_string()),
        Just("Sep  7 14:18:32 h kernel: oom_reaper: reaped process 7 (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB".to_string()),
        Just("Sep  7 14:18:33 h systemd[1]: a.service: Failed with result 'oom-kill'.".to_string()),
        Just("Sep  7 14:18:33 h kernel: EXT4-fs error (device vda1): x".to_string()),
        Just("\tcontinued".to_string()),
        "[ -~]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn dmesg_never_panics(text in any::<String>()) {
        let sink = parse_text(&mut DmesgParser::default(), &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn oom_reports_do_not_depend_on_cuts(lines in prop::collection::vec(kernel_like(), 0..25)) {
        let mk: fn() -> Box<dyn LineParser> = || Box::<SyslogParser>::default();
        let (whole, n) = two_pass(&lines, lines.len(), mk);
        prop_assert_eq!(n, lines.len() as u64);
        for cut in 0..=lines.len() {
            let (split, n) = two_pass(&lines, cut, mk);
            prop_assert_eq!(n, lines.len() as u64);
            prop_assert_eq!(&split, &whole);
        }
    }
}

#[test]
fn reboots_are_events() {
    // Constructed in the shapes of §1.1 (journal) and an Ubuntu syslog.
    let (r, _) = syslog(
        "Mar 13 03:59:58 projectium systemd-logind[612]: System is rebooting.\n\
         Mar 13 03:59:59 projectium systemd[1]: Reached target System Reboot.\n\
         Mar 13 04:00:22 projectium kernel: [    0.000000] Linux version 6.8.0-52-generic (buildd@lcy02-amd64-046) #53-Ubuntu SMP\n",
    );
    let kinds: Vec<&str> = r.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["system-shutdown", "system-shutdown", "kernel-boot"]);
    assert_eq!(r[2].int_field("monotonic_us"), Some(0));
}
