//! Host snapshots: the `df`/`free` samples of linux-and-ci-formats.md §6 (generated with
//! coreutils 9.1 and procps-ng 4.0.2, plus the older layouts quoted there), the runbook's
//! incident-state file (`runbook.md`, "Step 4: Document Initial State"), constructed variants
//! (marked), its embedded `pm2 list` table and `git log --oneline` sections, and property tests:
//! no input panics, every line is accounted once, results do not depend on where the input is
//! cut.

use chrono::NaiveDateTime;
use postmortem_parsers::host_snapshot::{
    sniff_line, HostSnapshotParser, KINDS, REASON_BAD_DF_ROW, REASON_NOT_SNAPSHOT,
};
use postmortem_parsers::pm2_table::Pm2ListParser;
use postmortem_parsers::{parse_text, split_lines, RawTime, Record, Sink};
use proptest::prelude::*;

fn parse<'t>(path: &str, text: &'t str) -> Sink<'t> {
    let sink = parse_text(&mut HostSnapshotParser::for_path(path), text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64, "every line accounted once");
    for r in &sink.records {
        match r.kind {
            "snapshot-process" => assert_eq!(r.source, "pm2"),
            "commit" | "reflog" => assert_eq!(r.source, "git"),
            _ => {
                assert_eq!(r.source, "host");
                assert!(KINDS.iter().any(|(k, _)| *k == r.kind), "{}", r.kind);
            }
        }
    }
    sink
}

fn kinds<'r>(records: &'r [Record]) -> Vec<&'r str> {
    records.iter().map(|r| r.kind).collect()
}

fn s<'r>(r: &'r Record, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn local(s: &str) -> RawTime {
    RawTime::Local {
        local: NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap(),
        file_offset: None,
    }
}

// §6 `df -h` (coreutils 9.1), verbatim.
const DF_H: &str = "\
Filesystem               Size  Used Avail Use% Mounted on
devtmpfs                  12G     0   12G   0% /dev
/dev/vda                 252G   14G   78G  15% /
";

// §6 `free -h` (procps-ng 4.0.2), verbatim.
const FREE_H: &str = "               total        used        free      shared  buff/cache   available
Mem:            23Gi       925Mi        20Gi       8.6Mi       2.8Gi        22Gi
Swap:             0B          0B          0B
";

#[test]
fn df_h_reference() {
    let sink = parse("df.txt", DF_H);
    assert_eq!((sink.counts.events, sink.counts.structural), (2, 1));
    let r = &sink.records;
    assert_eq!(kinds(r), ["disk-usage", "disk-usage"]);
    assert_eq!(r[0].time, RawTime::None);
    assert_eq!(s(&r[0], "filesystem"), Some("devtmpfs"));
    assert_eq!(s(&r[0], "mount"), Some("/dev"));
    assert_eq!(
        (s(&r[0], "size"), s(&r[0], "used"), s(&r[0], "avail")),
        (Some("12G"), Some("0"), Some("12G"))
    );
    assert_eq!(r[0].int_field("use_percent"), Some(0));
    assert_eq!(s(&r[1], "filesystem"), Some("/dev/vda"));
    assert_eq!(s(&r[1], "mount"), Some("/"));
    assert_eq!(
        (s(&r[1], "size"), s(&r[1], "used"), s(&r[1], "avail")),
        (Some("252G"), Some("14G"), Some("78G"))
    );
    assert_eq!(r[1].int_field("use_percent"), Some(15));
    assert_eq!(s(&r[1], "units"), Some("Size"));
    assert_eq!(r[1].message, "/dev/vda                 252G   14G   78G  15% /");
    let keys: Vec<_> = r[1].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["filesystem", "mount", "size", "used", "avail", "use_percent", "units"]);
}

#[test]
fn df_variants() {
    // §6 headers of `df -hT` and `df -P`; the rows are constructed.
    let text = "\
Filesystem              Type      Size  Used Avail Use% Mounted on
/dev/vda                ext4      252G  252G     0 100% /
tmpfs                   tmpfs     2.4G     0  2.4G    - /run/user/1000
Filesystem              1024-blocks     Used Available Capacity Mounted on
/dev/vda                 264091648 14680064  81788928      15% /mnt/My Data
";
    let sink = parse("", text);
    assert_eq!(sink.counts.unparsed, 0);
    let r = &sink.records;
    assert_eq!(s(&r[0], "fs_type"), Some("ext4"));
    assert_eq!(r[0].int_field("use_percent"), Some(100));
    assert_eq!(r[1].int_field("use_percent"), None);
    assert_eq!(s(&r[1], "mount"), Some("/run/user/1000"));
    assert_eq!(s(&r[2], "units"), Some("1024-blocks"));
    assert_eq!(s(&r[2], "avail"), Some("81788928"));
    assert_eq!(s(&r[2], "mount"), Some("/mnt/My Data"));

    // Constructed: `df -i` and `df -k`.
    let text = "\
Filesystem      Inodes  IUsed   IFree IUse% Mounted on
/dev/vda      16777216 524288 16252928    4% /
Filesystem     1K-blocks     Used Available Use% Mounted on
/dev/vda       264091648 14680064  81788928  16% /
";
    let r = parse("", text).records;
    assert_eq!(s(&r[0], "inodes"), Some("16777216"));
    assert_eq!(s(&r[0], "inodes_used"), Some("524288"));
    assert_eq!(s(&r[0], "inodes_free"), Some("16252928"));
    assert_eq!(r[0].int_field("inode_use_percent"), Some(4));
    assert_eq!(r[0].int_field("use_percent"), None);
    assert_eq!(s(&r[1], "units"), Some("1K-blocks"));
    assert_eq!(r[1].int_field("use_percent"), Some(16));
}

#[test]
fn df_wrapped_device_names() {
    // Constructed after §6's note on old coreutils: a long device name alone on its line.
    let text = "\
Filesystem           1K-blocks      Used Available Use% Mounted on
/dev/mapper/VolGroup00-LogVol00
                      37425852   4159912  31333076  12% /
/dev/sda1               101086     12538     83329  14% /boot
/dev/mapper/lonely
";
    let sink = parse("df-k.txt", text);
    assert_eq!((sink.counts.events, sink.counts.continuation, sink.counts.structural), (3, 1, 1));
    let r = &sink.records;
    assert_eq!(kinds(r), ["disk-usage", "disk-usage", "snapshot-line"]);
    assert_eq!(r[0].line, 2);
    assert_eq!(s(&r[0], "filesystem"), Some("/dev/mapper/VolGroup00-LogVol00"));
    assert_eq!(s(&r[0], "size"), Some("37425852"));
    assert_eq!(r[0].int_field("use_percent"), Some(12));
    assert_eq!(r[0].message, "/dev/mapper/VolGroup00-LogVol00 37425852   4159912  31333076  12% /");
    assert_eq!(s(&r[1], "mount"), Some("/boot"));
    // A device line with no numbers after it (end of input) is kept as a plain line.
    assert_eq!(r[2].message, "/dev/mapper/lonely");
}

#[test]
fn free_h_reference() {
    let sink = parse("free.txt", FREE_H);
    assert_eq!((sink.counts.events, sink.counts.continuation, sink.counts.structural), (1, 1, 1));
    let r = &sink.records[0];
    assert_eq!(r.kind, "memory");
    assert_eq!(r.line, 2);
    assert_eq!((s(r, "total"), s(r, "used"), s(r, "free")), (Some("23Gi"), Some("925Mi"), Some("20Gi")));
    assert_eq!(s(r, "available"), Some("22Gi"));
    assert_eq!(r.int_field("available_bytes"), Some(22 << 30));
    assert_eq!((s(r, "swap_total"), s(r, "swap_used")), (Some("0B"), Some("0B")));
    let keys: Vec<_> = r.fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["total", "used", "free", "available", "available_bytes", "swap_total", "swap_used"]);
}

#[test]
fn free_m_and_old_layouts() {
    // §6 `free -m`, verbatim: bare numbers have no unit without the command.
    let free_m = "               total        used        free      shared  buff/cache   available
Mem:           24105         925       20652           8        2827       23179
";
    let r = &parse("", free_m).records[0];
    assert_eq!(s(r, "available"), Some("23179"));
    assert_eq!(r.int_field("available_bytes"), None);
    // With the command echoed as in §6 (`$ free -m`), MiB.
    let with_cmd = format!("$ free -m\n{free_m}");
    let sink = parse("", &with_cmd);
    assert_eq!(sink.counts.structural, 2);
    assert_eq!(sink.records[0].int_field("available_bytes"), Some(23179 << 20));

    // §6 procps ≤ 3.3.9: no available column; `-/+ buffers/cache:` gives it.
    let old = "             total       used       free     shared    buffers     cached
Mem:         15298       8184       7114          0        201       1250
-/+ buffers/cache:       6732       8566
Swap:            0          0          0
";
    let sink = parse("", old);
    assert_eq!((sink.counts.events, sink.counts.continuation), (1, 2));
    let r = &sink.records[0];
    assert_eq!((s(r, "total"), s(r, "used"), s(r, "available")), (Some("15298"), Some("8184"), Some("8566")));
    assert_eq!(s(r, "swap_used"), Some("0"));
    let old_cmd = format!("# free -m\n{old}");
    let r = &parse("", &old_cmd).records[0];
    assert_eq!(r.int_field("available_bytes"), Some(8566 << 20));

    // §6 procps 3.3.10: `G` without `i` (a `Mem:` row with no header: the modern columns).
    let r = &parse("", "Mem:           7.7G        1.1G        5.3G         11M        1.2G        6.3G")
        .records[0];
    assert_eq!(s(r, "available"), Some("6.3G"));
    assert_eq!(r.int_field("available_bytes"), Some((6.3 * (1u64 << 30) as f64).round() as i64));
    // Constructed: de_DE decimal comma, and `free --si -h`.
    let r = &parse("", "Mem:  23Gi  925Mi  20Gi  8,6Mi  2,8Gi  21,5Gi").records[0];
    assert_eq!(r.int_field("available_bytes"), Some((21.5 * (1u64 << 30) as f64) as i64));
    let r = &parse("", "$ free --si -h\nMem:  24G  1G  20G  9M  3G  22G").records[0];
    assert_eq!(r.int_field("available_bytes"), Some(22_000_000_000));
}

/// The runbook's incident-state file (`runbook.md`, "Step 4: Document Initial State"):
/// `=== … ===` sections around `pm2 list`, `df -h`, `free -h` and `git log --oneline -5`.
/// Constructed: the `pm2 list` table is PM2 ≥ 5's layout (`pm2-ls.js` widths, as in
/// tests/pm2_snapshot.rs `NEW_TABLE`) with the runbook's app names; the first two git lines
/// are linux-and-ci-formats.md §4's `--oneline` sample, the other three constructed.
const PM2_TABLE: &str = "\
┌────┬──────────────────────────────┬─────────────┬─────────┬─────────┬──────────┬────────┬──────┬───────────┬──────────┬──────────┬──────────┬──────────┐
│ id │ name                         │ namespace   │ version │ mode    │ pid      │ uptime │ ↺    │ status    │ cpu      │ mem      │ user     │ watching │
├────┼──────────────────────────────┼─────────────┼─────────┼─────────┼──────────┼────────┼──────┼───────────┼──────────┼──────────┼──────────┼──────────┤
│ 0  │ flyer-crawler-api            │ default     │ 0.9.1   │ cluster │ 0        │ 0      │ 15   │ errored   │ 0%       │ 0b       │ root     │ disabled │
│ 1  │ flyer-crawler-worker         │ default     │ 0.9.1   │ fork    │ 48211    │ 3h     │ 2    │ online    │ 0.3%     │ 152.4mb  │ root     │ disabled │
│ 2  │ flyer-crawler-api-test       │ default     │ N/A     │ fork    │ 0        │ 0      │ 0    │ stopped   │ 0%       │ 0b       │ root     │ disabled │
└────┴──────────────────────────────┴─────────────┴─────────┴─────────┴──────────┴────────┴──────┴───────────┴──────────┴──────────┴──────────┴──────────┘
";

fn incident() -> String {
    format!(
        "=== PM2 List ===
{PM2_TABLE}
=== Disk Space ===
Filesystem               Size  Used Avail Use% Mounted on
devtmpfs                  12G     0   12G   0% /dev
/dev/vda                 252G  252G     0 100% /

=== Memory ===
               total        used        free      shared  buff/cache   available
Mem:            23Gi        22Gi       200Mi       8.6Mi       800Mi       512Mi
Swap:          2.0Gi       2.0Gi          0B

=== Recent Git Commits ===
1148f25 Rename app.js; drop ecosystem file
73dde49 Merge branch 'feature'
dd6ba4e Increase PM2 max_memory_restart
5c1e0a2 Add analytics worker to ecosystem.config.cjs
9f3b7d4 ci: deploy on push to main
"
    )
}

#[test]
fn incident_state_file() {
    let text = incident();
    let sink = parse("/tmp/incident-state-20260217-143500.txt", &text);
    assert_eq!(sink.counts.unparsed, 0);
    let r = &sink.records;
    assert_eq!(
        kinds(r),
        [
            "snapshot-process",
            "snapshot-process",
            "snapshot-process",
            "disk-usage",
            "disk-usage",
            "memory",
            "commit",
            "commit",
            "commit",
            "commit",
            "commit"
        ]
    );
    // pm2 list rows: snapshot-process records dated with the file-name time.
    for rec in &r[..6] {
        assert_eq!(rec.time, local("2026-02-17 14:35:00"));
    }
    let procs: Vec<_> = r[..3]
        .iter()
        .map(|p| {
            (p.line, p.process.as_deref(), p.pm_id.as_deref(), s(p, "status"), p.int_field("restart_time"))
        })
        .collect();
    assert_eq!(
        procs,
        [
            (5, Some("flyer-crawler-api"), Some("0"), Some("errored"), Some(15)),
            (6, Some("flyer-crawler-worker"), Some("1"), Some("online"), Some(2)),
            (7, Some("flyer-crawler-api-test"), Some("2"), Some("stopped"), Some(0)),
        ]
    );
    assert_eq!((r[0].pid, r[1].pid), (None, Some(48211)));
    assert_eq!(r[1].user.as_deref(), Some("root"));
    assert_eq!(s(&r[0], "exec_mode"), Some("cluster_mode"));
    assert_eq!(s(&r[1], "cpu"), Some("0.3"));
    assert_eq!(s(&r[1], "mem"), Some("152.4mb"));
    assert_eq!(s(&r[2], "version"), None, "N/A is absent");
    assert_eq!(s(&r[0], "snapshot"), Some("list"));
    assert_eq!(s(&r[0], "section"), Some("PM2 List"));
    assert_eq!(r[0].fields.last().map(|(k, _)| *k), Some("section"));
    assert_eq!(s(&r[3], "section"), None);
    assert_eq!(r[4].int_field("use_percent"), Some(100));
    assert_eq!(s(&r[5], "available"), Some("512Mi"));
    assert_eq!(r[5].int_field("available_bytes"), Some(512 << 20));
    assert_eq!(s(&r[5], "swap_used"), Some("2.0Gi"));
    // git log --oneline: commit records, undated (oneline carries no date; the file name's
    // time is not given to them).
    let commits: Vec<_> = r[6..].iter().map(|c| (c.line, s(c, "commit"), s(c, "subject"))).collect();
    assert_eq!(
        commits,
        [
            (21, Some("1148f25"), Some("Rename app.js; drop ecosystem file")),
            (22, Some("73dde49"), Some("Merge branch 'feature'")),
            (23, Some("dd6ba4e"), Some("Increase PM2 max_memory_restart")),
            (24, Some("5c1e0a2"), Some("Add analytics worker to ecosystem.config.cjs")),
            (25, Some("9f3b7d4"), Some("ci: deploy on push to main")),
        ]
    );
    assert!(r[6..].iter().all(|c| c.time == RawTime::None && c.message == s(c, "subject").unwrap()));
    // Counts: 3 + 2 df + 1 free + 5 commits; 4 section headers, 3 pm2 borders + 1 header,
    // 3 blank lines, df and free headers; the Swap line.
    assert_eq!(sink.counts.events, 11);
    assert_eq!(sink.counts.structural, 4 + 4 + 3 + 2);
    assert_eq!(sink.counts.continuation, 1);

    // Without a stamp in the name the host and pm2 records are undated; CRLF and no final
    // newline (the last commit is still pushed at finish).
    let crlf = text.replace('\n', "\r\n");
    let crlf = crlf.trim_end_matches("\r\n");
    let sink = parse("incident-state.txt", crlf);
    assert_eq!(sink.records.len(), 11);
    assert!(sink.records.iter().all(|r| r.time == RawTime::None));
    assert_eq!(s(&sink.records[10], "subject"), Some("ci: deploy on push to main"));
    assert_eq!(s(&sink.records[5], "swap_used"), Some("2.0Gi"));
}

#[test]
fn pm2_rows_as_pm2_table_makes_them() {
    // The section's rows are the records Pm2ListParser makes of the same table saved alone,
    // plus the `section` field (lines shifted by the section header).
    let text = incident();
    let host = parse("incident-state-20260217-143500.txt", &text).records;
    let alone = parse_text(&mut Pm2ListParser::for_path("pm2-list-20260217-143500.txt"), PM2_TABLE).records;
    assert_eq!(alone.len(), 3);
    for (h, mut a) in host.into_iter().take(3).zip(alone) {
        a.line += 1;
        a.fields.push(("section", "PM2 List".into()));
        assert_eq!(h, a);
    }
}

#[test]
fn embedded_sections_edges() {
    // Constructed: the git section ends at the next section (its held commit is pushed
    // there, in line order), a rejected line ends the held commit and is kept whole, and a
    // non-process box table in the PM2 section stays a snapshot-line.
    let text = "\
=== Recent Git Commits ===
fatal: not a git repository (or any of the parent directories): .git
1148f25 Rename app.js; drop ecosystem file
warning: refname 'HEAD' is ambiguous.
73dde49 Merge branch 'feature'
=== PM2 List ===
[PM2] Spawning PM2 daemon with pm2_home=/root/.pm2
┌────┬─────┐
│ key │ value │
│ 0  │ api  │
=== Memory ===
Mem:            23Gi        22Gi       200Mi       8.6Mi       800Mi       512Mi
";
    let sink = parse("incident-state-20260217-143500.txt", text);
    assert_eq!(sink.counts.unparsed, 0);
    let r = &sink.records;
    assert_eq!(
        kinds(r),
        [
            "snapshot-line",
            "commit",
            "snapshot-line",
            "commit",
            "snapshot-line",
            "snapshot-line",
            "snapshot-line",
            "memory"
        ]
    );
    let lines: Vec<_> = r.iter().map(|x| x.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 7, 9, 10, 12]);
    assert_eq!(s(&r[0], "section"), Some("Recent Git Commits"));
    assert_eq!(r[2].message, "warning: refname 'HEAD' is ambiguous.");
    assert_eq!(s(&r[3], "commit"), Some("73dde49"));
    assert_eq!(s(&r[4], "section"), Some("PM2 List"));
    assert_eq!(r[5].message, "│ key │ value │");
    // A pm2 table outside the PM2 section is not read as one.
    let other = format!("=== Other ===\n{PM2_TABLE}");
    let sink = parse("", &other);
    assert_eq!(kinds(&sink.records), ["snapshot-line"; 4]);
}

#[test]
fn other_sections_and_unparsed() {
    // Constructed: a section the runbook does not name keeps its lines; the df section's
    // error line is kept too.
    let text = "=== Uptime ===\n 14:35:00 up 3 days,  load average: 9.12, 8.01, 7.55\n=== Disk Space ===\ndf: /mnt/nfs: Stale file handle\n";
    let sink = parse("", text);
    assert_eq!(kinds(&sink.records), ["snapshot-line", "snapshot-line"]);
    assert_eq!(s(&sink.records[0], "section"), Some("Uptime"));
    assert_eq!(s(&sink.records[1], "section"), Some("Disk Space"));
    // Outside any section, unknown lines are unparsed.
    let text = "hello\nFilesystem Size Used Avail Use% Mounted on\n/dev/vda 1G x\n";
    let sink = parse("", text);
    let reasons: Vec<_> = sink.unparsed.iter().map(|u| u.reason).collect();
    assert_eq!(reasons, [REASON_NOT_SNAPSHOT, REASON_BAD_DF_ROW]);
    // Empty input.
    let sink = parse("df.txt", "");
    assert_eq!((sink.counts.total(), sink.records.len()), (0, 0));
}

#[test]
fn time_from_file_name_only() {
    assert_eq!(
        HostSnapshotParser::for_path("incident-state-20260217-143500.txt").time(),
        local("2026-02-17 14:35:00")
    );
    assert_eq!(
        HostSnapshotParser::for_path("bundle/df-20260217-000001.txt").time(),
        local("2026-02-17 00:00:01")
    );
    assert_eq!(HostSnapshotParser::for_path("incident-state-20260230-143500.txt").time(), RawTime::None);
    assert_eq!(HostSnapshotParser::for_path("df.txt").time(), RawTime::None);
    assert_eq!(HostSnapshotParser::default().time(), RawTime::None);
}

#[test]
fn sniffing() {
    let yes = [
        "Filesystem               Size  Used Avail Use% Mounted on",
        "Filesystem     1K-blocks     Used Available Use% Mounted on",
        "Filesystem      Inodes  IUsed   IFree IUse% Mounted on",
        "Filesystem              1024-blocks     Used Available Capacity Mounted on",
        "               total        used        free      shared  buff/cache   available",
        "             total       used       free     shared    buffers     cached",
        "Mem:            23Gi       925Mi        20Gi       8.6Mi       2.8Gi        22Gi",
        "=== PM2 List ===",
        "=== Disk Space ===",
        "=== Recent Git Commits ===",
    ];
    for l in yes {
        assert!(sniff_line(l), "{l}");
    }
    let no = [
        "=== Deploy ===",
        "2026-11-28T07:02:10: PM2 log: ===============================================================================",
        "Feb 17 14:30:00 web-01 kernel: Mem-Info:",
        "Mem: low",
        "Filesystem check done",
        "",
    ];
    for l in no {
        assert!(!sniff_line(l), "{l}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn snapshot_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("=== Disk Space ===".to_string()),
        Just("=== PM2 List ===".to_string()),
        Just("Filesystem               Size  Used Avail Use% Mounted on".to_string()),
        Just("Filesystem           1K-blocks      Used Available Use% Mounted on".to_string()),
        Just("/dev/mapper/VolGroup00-LogVol00".to_string()),
        Just("                      37425852   4159912  31333076  12% /".to_string()),
        Just("/dev/vda                 252G   14G   78G  15% /".to_string()),
        Just("               total        used        free      shared  buff/cache   available".to_string()),
        Just("Mem:            23Gi       925Mi        20Gi       8.6Mi       2.8Gi        22Gi".to_string()),
        Just("Swap:             0B          0B          0B".to_string()),
        Just("-/+ buffers/cache:       6732       8566".to_string()),
        Just("$ free -m".to_string()),
        Just("└────┴──────┘".to_string()),
        Just("=== Recent Git Commits ===".to_string()),
        Just("=== Memory ===".to_string()),
        Just("1148f25 Rename app.js; drop ecosystem file".to_string()),
        Just("73dde49 Merge branch 'feature'".to_string()),
        Just("fatal: not a git repository".to_string()),
        Just("    body line".to_string()),
        Just(PM2_TABLE.trim_end().to_string()),
        Just("│ 1  │ flyer-crawler-worker         │ default     │ 0.9.1   │ fork    │ 48211    │ 3h     │ 2    │ online    │ 0.3%     │ 152.4mb  │ root     │ disabled │".to_string()),
        "[a-z0-9/ %.]{0,24}",
        any::<String>(),
    ]
}

fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    postmortem_parsers::parse_in_two(
        &mut HostSnapshotParser::for_path("incident-state-20260217-143500.txt"),
        lines,
        cut,
    )
}

#[test]
fn incident_state_cut_anywhere() {
    let text = incident();
    let lines: Vec<String> = split_lines(&text).map(str::to_string).collect();
    let (whole, _) = two_pass(&lines, lines.len());
    assert_eq!(whole.len(), 11);
    for cut in 0..=lines.len() {
        assert_eq!(two_pass(&lines, cut).0, whole, "cut at {cut}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse_text(&mut HostSnapshotParser::default(), &text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(snapshot_like(), 0..30)) {
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
