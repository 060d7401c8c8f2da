//! git history: every sample of linux-and-ci-formats.md §4 (generated with git 2.47.3),
//! outputs generated with git 2.47.3 for these tests in a scratch repository (marked
//! "generated"; names, dates and hashes are those of the scratch repository), constructed
//! cases (marked as such), and property tests: no input panics, every line is accounted once,
//! results do not depend on where the input is cut.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use postmortem_parsers::git::{
    parse_date, sniff_line, GitParser, COMMIT, NAME_HINTS, REASON_BEFORE_COMMIT, REASON_NOT_GIT, REFLOG,
    SOURCE,
};
use postmortem_parsers::{parse_in_two, parse_text, split_lines, FieldValue, RawTime, Record, Sink};
use proptest::prelude::*;

fn parse(text: &str) -> Sink<'_> {
    parse_text(&mut GitParser::default(), text)
}

fn s<'r>(r: &'r Record<'_>, key: &str) -> Option<&'r str> {
    r.str_field(key)
}

fn int(r: &Record<'_>, key: &str) -> Option<i64> {
    r.int_field(key)
}

fn list(r: &Record<'_>, key: &str) -> Vec<String> {
    match r.field(key) {
        Some(FieldValue::List(v)) => v.iter().map(|c| c.to_string()).collect(),
        other => panic!("{key} is not a list: {other:?}"),
    }
}

fn dt(d: (i32, u32, u32), t: (u32, u32, u32)) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(d.0, d.1, d.2).unwrap().and_time(NaiveTime::from_hms_opt(t.0, t.1, t.2).unwrap())
}

fn exact(d: (i32, u32, u32), t: (u32, u32, u32), offset_secs: i32) -> RawTime {
    RawTime::Exact { local: dt(d, t), offset_secs }
}

/// Every line accounted once, nothing unparsed.
fn clean(sink: &Sink<'_>, text: &str) {
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64);
    assert_eq!(sink.counts.unparsed, 0, "{:?}", sink.unparsed);
}

// §4 `git log` (medium; default). Body blank lines are exactly four spaces.
const MEDIUM: &str = "commit 73dde49af728dd6ea26c421272e476a2c14e97db
Merge: 06f83b5 dd6ba4e
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:00:00 2026 +0000

    Merge branch 'feature'

commit dd6ba4ed1a162a7fe3b72567f701d86685084521
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 13:30:00 2026 +0100

    Increase PM2 max_memory_restart
    
    The app was OOM-killed twice; raise limit to 1G.
    Refs: #42
";

#[test]
fn medium_with_merge() {
    let sink = parse(MEDIUM);
    clean(&sink, MEDIUM);
    assert_eq!(sink.counts.events, 2);
    assert_eq!(sink.counts.structural, 3);
    assert_eq!(sink.counts.continuation, 10);
    let r = &sink.records;
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].source, r[0].kind), (SOURCE, COMMIT));
    assert_eq!(r[0].line, 1);
    assert_eq!(r[0].time, exact((2026, 2, 17), (14, 0, 0), 0));
    assert_eq!(r[0].message, "Merge branch 'feature'");
    assert_eq!(s(&r[0], "commit"), Some("73dde49af728dd6ea26c421272e476a2c14e97db"));
    assert_eq!(list(&r[0], "parents"), ["06f83b5", "dd6ba4e"]);
    assert_eq!(s(&r[0], "author"), Some("Dev One"));
    assert_eq!(s(&r[0], "email"), Some("dev1@example.com"));
    assert_eq!(s(&r[0], "author_time"), Some("Tue Feb 17 14:00:00 2026 +0000"));
    assert_eq!(s(&r[0], "subject"), Some("Merge branch 'feature'"));
    assert!(r[0].continuation.is_empty());
    assert_eq!(r[1].line, 8);
    assert_eq!(r[1].time, exact((2026, 2, 17), (13, 30, 0), 3600));
    assert!(r[1].field("parents").is_none());
    assert_eq!(r[1].message, "Increase PM2 max_memory_restart");
    assert_eq!(r[1].continuation, ["", "The app was OOM-killed twice; raise limit to 1G.", "Refs: #42"]);
    assert!(r[1].field("files").is_none());
    assert_eq!(int(&r[1], "touches_workflow"), None);
    // Field order is stable.
    let keys: Vec<&str> = r[0].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["commit", "parents", "author", "email", "author_time", "subject"]);
}

#[test]
fn fuller_uses_commit_date() {
    // §4 --pretty=fuller header, then a constructed message.
    let text = "commit 73dde49af728dd6ea26c421272e476a2c14e97db
Merge: 06f83b5 dd6ba4e
Author:     Dev One <dev1@example.com>
AuthorDate: Tue Feb 17 14:00:00 2026 +0000
Commit:     Dev One <dev1@example.com>
CommitDate: Tue Feb 17 14:00:00 2026 +0000

    Merge branch 'feature'
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(s(r, "committer"), Some("Dev One"));
    assert_eq!(s(r, "commit_time"), Some("Tue Feb 17 14:00:00 2026 +0000"));
    // Generated (git 2.47.3, --pretty=fuller --name-status): author and commit dates differ.
    let text = "commit 4420bb9c55ffbdfe1fd9fbd0b9ec59f1ce49c706
Author:     Dev One <dev1@example.com>
AuthorDate: Tue Feb 17 13:30:00 2026 +0100
Commit:     deploy <deploy@web-01>
CommitDate: Tue Feb 17 13:45:00 2026 +0000

    Deploy workflow

A\t.github/workflows/deploy.yml
M\tecosystem.config.js
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(r.time, exact((2026, 2, 17), (13, 45, 0), 0));
    assert_eq!(s(r, "author_time"), Some("Tue Feb 17 13:30:00 2026 +0100"));
    assert_eq!(s(r, "committer"), Some("deploy"));
    assert_eq!(s(r, "committer_email"), Some("deploy@web-01"));
    assert_eq!(list(r, "files"), [".github/workflows/deploy.yml", "ecosystem.config.js"]);
    assert_eq!(int(r, "touches_workflow"), Some(1));
    assert_eq!(int(r, "touches_ecosystem"), Some(1));
}

#[test]
fn stat_and_name_status_file_lists() {
    // Generated (git 2.47.3, `git log --stat`).
    let text = "commit f3f5716b4bf3e908a22f82d954d4945542aa2271
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:30:00 2026 +0100

    Rename app.js

 app.js => server.js | 0
 1 file changed, 0 insertions(+), 0 deletions(-)

commit 4420bb9c55ffbdfe1fd9fbd0b9ec59f1ce49c706
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:00:00 2026 +0000

    Deploy workflow
    
    Adds the CI deploy job.
    
    Refs: #42

 .github/workflows/deploy.yml | 1 +
 ecosystem.config.js          | 2 +-
 2 files changed, 2 insertions(+), 1 deletion(-)
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 2);
    assert_eq!(list(&r[0], "files"), ["app.js", "server.js"]);
    assert_eq!(int(&r[0], "files_changed"), Some(1));
    assert_eq!(int(&r[0], "insertions"), Some(0));
    assert_eq!(int(&r[0], "touches_workflow"), None);
    assert_eq!(int(&r[0], "touches_ecosystem"), None);
    assert_eq!(r[1].continuation, ["", "Adds the CI deploy job.", "", "Refs: #42"]);
    assert_eq!(list(&r[1], "files"), [".github/workflows/deploy.yml", "ecosystem.config.js"]);
    assert_eq!((int(&r[1], "insertions"), int(&r[1], "deletions")), (Some(2), Some(1)));
    assert_eq!(int(&r[1], "touches_workflow"), Some(1));
    assert_eq!(int(&r[1], "touches_ecosystem"), Some(1));

    // §4 --stat and --name-status lines, after a constructed header.
    let text = "commit 1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:10:00 2026 +0000

    Rename app.js; drop ecosystem file

 ecosystem.config.js | 1 -
 app.js => server.js | 0
 2 files changed, 1 deletion(-)

commit 1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:10:00 2026 +0000

    Rename app.js; drop ecosystem file

D\tecosystem.config.js
R100\tapp.js\tserver.js
";
    let sink = parse(text);
    clean(&sink, text);
    for r in &sink.records {
        assert_eq!(list(r, "files"), ["ecosystem.config.js", "app.js", "server.js"]);
        assert_eq!(int(r, "touches_ecosystem"), Some(1));
    }
    assert_eq!(int(&sink.records[0], "deletions"), Some(1));
    assert_eq!(int(&sink.records[0], "insertions"), None);
}

#[test]
fn other_file_line_forms() {
    // Constructed: --numstat, --raw, --summary, a brace rename, a quoted path, a .gitea workflow,
    // a -p diff, a second ecosystem file name.
    let text = "commit 1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:10:00 2026 +0000

    Many forms

3\t1\tsrc/{a.js => b.js}
-\t-\tlogo.png
:100644 100644 abc1234 def5678 M\t.gitea/workflows/ci.yaml
 create mode 100644 \"d\\303\\251ploy.sh\"
 rename conf/{old.json => new.json} (100%)
 mode change 100644 => 100755 run.sh
 deploy/ecosystem.prod.config.cjs | Bin 0 -> 12 bytes
diff --git a/app.js b/app.js
index 1111111..2222222 100644
--- a/app.js
+++ b/app.js
@@ -1 +1 @@
-a
+b

commit 2148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:20:00 2026 +0000

    Next
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 2);
    assert_eq!(
        list(&r[0], "files"),
        [
            "src/a.js",
            "src/b.js",
            "logo.png",
            ".gitea/workflows/ci.yaml",
            "déploy.sh",
            "conf/old.json",
            "conf/new.json",
            "run.sh",
            "deploy/ecosystem.prod.config.cjs",
            "app.js",
        ]
    );
    assert_eq!(int(&r[0], "touches_workflow"), Some(1));
    assert_eq!(int(&r[0], "touches_ecosystem"), Some(1));
    assert!(r[0].continuation.is_empty());
    assert_eq!(r[1].message, "Next");
}

#[test]
fn oneline_and_graph() {
    // §4 --oneline and --oneline --graph.
    let text = "1148f25 Rename app.js; drop ecosystem file
73dde49 Merge branch 'feature'
*   73dde49 Merge branch 'feature'
|\\  
| * dd6ba4e (feature) Increase PM2 max_memory_restart
";
    let sink = parse(text);
    clean(&sink, text);
    assert_eq!((sink.counts.events, sink.counts.structural), (4, 1));
    let r = &sink.records;
    assert_eq!(r[0].time, RawTime::None);
    assert_eq!(s(&r[0], "commit"), Some("1148f25"));
    assert_eq!(r[0].message, "Rename app.js; drop ecosystem file");
    assert_eq!(s(&r[2], "commit"), Some("73dde49"));
    assert_eq!(r[2].message, "Merge branch 'feature'");
    assert_eq!(s(&r[3], "refs"), Some("feature"));
    assert_eq!(r[3].message, "Increase PM2 max_memory_restart");

    // Generated (git 2.47.3, `git log --oneline --graph --decorate --stat`).
    let text = "* f3f5716 (HEAD -> main) Rename app.js
|  app.js => server.js | 0
|  1 file changed, 0 insertions(+), 0 deletions(-)
* 4420bb9 Deploy workflow
|  .github/workflows/deploy.yml | 1 +
|  ecosystem.config.js          | 2 +-
|  2 files changed, 2 insertions(+), 1 deletion(-)
* 8696489 Initial commit
   app.js              | 1 +
   ecosystem.config.js | 1 +
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 3);
    assert_eq!(s(&r[0], "refs"), Some("HEAD -> main"));
    assert_eq!(list(&r[0], "files"), ["app.js", "server.js"]);
    assert_eq!(int(&r[1], "touches_workflow"), Some(1));
    assert_eq!(list(&r[2], "files"), ["app.js", "ecosystem.config.js"]);

    // Generated (git 2.47.3, `git log --graph --stat`): a merge in graph form.
    let text = "* commit 6da24e961989245c609dd6314f4bf0551437c140
| Author: Dev One <dev1@example.com>
| Date:   Tue Feb 17 14:20:00 2026 -0500
| 
|     Rename app.js; drop ecosystem file
| 
|  ecosystem.config.js | 1 -
|  app.js => server.js | 0
|  2 files changed, 1 deletion(-)
|   
*   commit 15c8adf3ac08687b5d35a6058db9e164231bfe28
|\\  Merge: 052dda8 bb093af
| | Author: Dev One <dev1@example.com>
| | Date:   Tue Feb 17 14:10:00 2026 +0000
| | 
| |     Merge branch 'feature'
| | 
| * commit bb093af0192a90525f14292cee69e61ff8300bb2
| | Author: Dev One <dev1@example.com>
| | Date:   Tue Feb 17 14:00:00 2026 +0000
| | 
| |     Feature change
| | 
| |  app.js | 1 +
| |  1 file changed, 1 insertion(+)
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].time, exact((2026, 2, 17), (14, 20, 0), -5 * 3600));
    assert_eq!(r[0].message, "Rename app.js; drop ecosystem file");
    assert_eq!(list(&r[0], "files"), ["ecosystem.config.js", "app.js", "server.js"]);
    assert_eq!(list(&r[1], "parents"), ["052dda8", "bb093af"]);
    assert_eq!(r[1].message, "Merge branch 'feature'");
    assert_eq!(s(&r[2], "commit"), Some("bb093af0192a90525f14292cee69e61ff8300bb2"));
    assert_eq!(list(&r[2], "files"), ["app.js"]);

    // Generated (git 2.47.3, `git log --graph --summary --date=relative`; shortened, identity and
    // second path replaced): the last
    // branch's lines carry blank graph columns instead of `|`.
    let text = "| $
* commit 80d160ac60ddbc56e2b94113252613e7e19a2caf
  Author: Dev One <dev1@example.com>
  Date:   28 minutes ago
  
      parsers: record contract, timestamp grammars, sniffing, pm2.log and syslog
      
      LineParser/Sink make line accounting a property of the API: every line is
  
   create mode 100644 .cargo/config.toml
   create mode 100644 .github/workflows/ci.yml
"
    .replace('$', "");
    let sink = parse(&text);
    clean(&sink, &text);
    let r = &sink.records[0];
    assert_eq!(r.time, RawTime::None);
    assert_eq!(s(r, "author_time"), Some("28 minutes ago"));
    assert_eq!(r.message, "parsers: record contract, timestamp grammars, sniffing, pm2.log and syslog");
    assert_eq!(
        r.continuation,
        ["", "LineParser/Sink make line accounting a property of the API: every line is"]
    );
    assert_eq!(list(r, "files"), [".cargo/config.toml", ".github/workflows/ci.yml"]);
    assert_eq!(int(r, "touches_workflow"), Some(1));
}

/// A one-commit log with `Date:   <date>`.
fn dated(date: &str) -> Record<'static> {
    let text = format!(
        "commit dd6ba4ed1a162a7fe3b72567f701d86685084521\nAuthor: Dev One <dev1@example.com>\nDate:   {date}\n\n    x\n"
    );
    let sink = parse(&text);
    clean(&sink, &text);
    assert_eq!(s(&sink.records[0], "author_time"), Some(date));
    sink.records[0].clone().into_owned()
}

#[test]
fn every_date_style() {
    // §4 (reference, git 2.47.3).
    assert_eq!(dated("Tue Feb 17 13:30:00 2026 +0100").time, exact((2026, 2, 17), (13, 30, 0), 3600));
    assert_eq!(dated("2026-02-17 14:10:00 +0000").time, exact((2026, 2, 17), (14, 10, 0), 0));
    assert_eq!(dated("2026-02-17T14:10:00Z").time, exact((2026, 2, 17), (14, 10, 0), 0));
    assert_eq!(dated("1771337400 +0000").time, exact((2026, 2, 17), (14, 10, 0), 0));
    assert_eq!(dated("Tue, 17 Feb 2026 14:10:00 +0000").time, exact((2026, 2, 17), (14, 10, 0), 0));
    // Generated (git 2.47.3, TZ=Europe/Berlin, a commit dated 2026-02-17T14:20:00-0500).
    assert_eq!(dated("Tue Feb 17 14:20:00 2026 -0500").time, exact((2026, 2, 17), (14, 20, 0), -18000));
    assert_eq!(dated("2026-02-17 14:20:00 -0500").time, exact((2026, 2, 17), (14, 20, 0), -18000));
    assert_eq!(dated("2026-02-17T14:20:00-05:00").time, exact((2026, 2, 17), (14, 20, 0), -18000));
    assert_eq!(dated("Tue, 17 Feb 2026 14:20:00 -0500").time, exact((2026, 2, 17), (14, 20, 0), -18000));
    // raw: the wall clock is the epoch shifted by the offset.
    assert_eq!(dated("1771356000 -0500").time, exact((2026, 2, 17), (14, 20, 0), -18000));
    // unix: epoch seconds → UTC.
    assert_eq!(dated("1771356000").time, exact((2026, 2, 17), (19, 20, 0), 0));
    // local: the viewer's zone, not written → Local.
    assert_eq!(
        dated("Tue Feb 17 20:20:00 2026").time,
        RawTime::Local { local: dt((2026, 2, 17), (20, 20, 0)), file_offset: None }
    );
    // human within the year → NoYear; short, relative and an older human date → undated.
    assert_eq!(
        dated("Tue Feb 17 14:20").time,
        RawTime::NoYear { month: 2, day: 17, time: NaiveTime::from_hms_opt(14, 20, 0).unwrap() }
    );
    assert_eq!(dated("2026-02-17").time, RawTime::None);
    assert_eq!(dated("9 months ago").time, RawTime::None);
    assert_eq!(dated("Jan 5 2024").time, RawTime::None);
    // Generated: git pads neither the default nor the rfc day.
    assert_eq!(parse_date("Fri Jan 5 10:00:00 2024 +0000"), exact((2024, 1, 5), (10, 0, 0), 0));
    assert_eq!(parse_date("Fri, 5 Jan 2024 10:00:00 +0000"), exact((2024, 1, 5), (10, 0, 0), 0));
    // Constructed: the brief's examples, and out-of-range values.
    assert_eq!(parse_date("2026-02-17T14:30:00+01:00"), exact((2026, 2, 17), (14, 30, 0), 3600));
    assert_eq!(parse_date("1771335000 +0100"), exact((2026, 2, 17), (14, 30, 0), 3600));
    assert_eq!(parse_date("3 hours ago"), RawTime::None);
    assert_eq!(parse_date("Tue Feb 30 14:30:00 2026 +0100"), RawTime::None);
    assert_eq!(parse_date("Tue Feb 17 25:30:00 2026 +0100"), RawTime::None);
    assert_eq!(parse_date(""), RawTime::None);
}

#[test]
fn relative_dates_keep_text() {
    let r = dated("3 hours ago");
    assert_eq!(r.time, RawTime::None);
    assert_eq!(s(&r, "author_time"), Some("3 hours ago"));
}

#[test]
fn raw_and_tabbed_formats() {
    // §4 --format=raw (merge), then a constructed message.
    let text = "commit 73dde49af728dd6ea26c421272e476a2c14e97db
tree 4cd33772d58bb81ddd16cfea7712cb960ec23f2e
parent 06f83b590f416b196c073d20df44ffbd95fdad86
parent dd6ba4ed1a162a7fe3b72567f701d86685084521
author Dev One <dev1@example.com> 1771336800 +0000
committer Dev One <dev1@example.com> 1771336800 +0000

    Merge branch 'feature'
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(r.time, exact((2026, 2, 17), (14, 0, 0), 0));
    assert_eq!(
        list(r, "parents"),
        ["06f83b590f416b196c073d20df44ffbd95fdad86", "dd6ba4ed1a162a7fe3b72567f701d86685084521"]
    );
    assert_eq!(s(r, "author_time"), Some("1771336800 +0000"));
    assert_eq!(s(r, "committer"), Some("Dev One"));
    assert_eq!(r.message, "Merge branch 'feature'");

    // §4 recommended machine format (the reference abbreviates the parents with "...").
    let text = "73dde49af728dd6ea26c421272e476a2c14e97db\tDev One\tdev1@example.com\t2026-02-17T14:00:00Z\t2026-02-17T14:00:00Z\t06f83b59... dd6ba4ed...\tMerge branch 'feature'
dd6ba4ed1a162a7fe3b72567f701d86685084521\tDev One\tdev1@example.com\t2026-02-17T13:30:00+01:00\t2026-02-17T13:45:00Z\tbd28c51c...\tIncrease PM2 max_memory_restart
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(sink.counts.events, 2);
    assert_eq!(list(&r[0], "parents"), ["06f83b59...", "dd6ba4ed..."]);
    assert_eq!(r[1].time, exact((2026, 2, 17), (13, 45, 0), 0));
    assert_eq!(s(&r[1], "author_time"), Some("2026-02-17T13:30:00+01:00"));
    assert_eq!(s(&r[1], "email"), Some("dev1@example.com"));
    assert_eq!(r[1].message, "Increase PM2 max_memory_restart");

    // Generated (git 2.47.3, --format=raw of a signed commit): the gpgsig block is folded.
    let text = "commit 15bfb303dfe25fb2b837220369d85918eec99811
tree 76cbbb716e5189bc3040c735be816b2c04639f97
parent 15c8adf3ac08687b5d35a6058db9e164231bfe28
author Dev One <dev1@example.com> 1771335000 +0100
committer Dev One <dev1@example.com> 1771335000 +0100
gpgsig -----BEGIN PGP SIGNATURE-----
 
 iIcEABYIAC8WIQQiHE/DvQ1YqTnDevYVENqjEx+rpwUCawpG9xEcZGV2MUBleGFt
 cGxlLmNvbQAKCRAVENqjEx+rp0xGAP9AXLii4MIlNowjlSFOw09Aexyj6Cvq3vrK
 TxoVuG4fdQD/Ri4Z7Xr6/iPzcUkwd1e3OAARQGxS9FAG4YzeMKZTNAA=
 =v1Iv
 -----END PGP SIGNATURE-----

    Signed commit
";
    let sink = parse(text);
    clean(&sink, text);
    assert_eq!(sink.counts.structural, 1);
    let r = &sink.records[0];
    assert_eq!(r.time, exact((2026, 2, 17), (14, 30, 0), 3600));
    assert_eq!(r.message, "Signed commit");
}

#[test]
fn gpg_signed_commits() {
    // §4 GPG (`git log --show-signature`), then a constructed date and message.
    let text = "commit 3f37667de389993002d73844f13741ade8f6397f
gpg: Signature made Sat Nov 28 01:32:25 2026 UTC
gpg:                using EDDSA key 8213A9EB1AE85F2EBAA4B03D435686FCD16D1AC6
gpg: Good signature from \"Dev One <dev1@example.com>\" [ultimate]
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:30:00 2026 +0100

    Signed
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(r.time, exact((2026, 2, 17), (14, 30, 0), 3600));
    assert_eq!(s(r, "signature"), Some("good"));
    assert_eq!(s(r, "signer"), Some("Dev One <dev1@example.com>"));
    assert_eq!(s(r, "signing_key"), Some("8213A9EB1AE85F2EBAA4B03D435686FCD16D1AC6"));
    assert_eq!(s(r, "signed_at"), Some("Sat Nov 28 01:32:25 2026 UTC"));

    // Generated (git 2.47.3, gpg 2.2): a key not certified, and a missing public key.
    let text = "commit f3f5716b4bf3e908a22f82d954d4945542aa2271
gpg: Signature made Sat Nov 28 03:18:18 2026 UTC
gpg:                using EDDSA key 221C4FC3BD0D58A939C37AF61510DAA3131FABA7
gpg:                issuer \"dev1@example.com\"
gpg: Good signature from \"Dev One <dev1@example.com>\" [unknown]
gpg: WARNING: This key is not certified with a trusted signature!
gpg:          There is no indication that the signature belongs to the owner.
Primary key fingerprint: 221C 4FC3 BD0D 58A9 39C3  7AF6 1510 DAA3 131F ABA7
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:30:00 2026 +0100

    Rename app.js
commit f3f5716b4bf3e908a22f82d954d4945542aa2271
gpg: keybox '/tmp/gitdemo-h/g3/pubring.kbx' created
gpg: Signature made Sat Nov 28 03:18:18 2026 UTC
gpg:                using EDDSA key 221C4FC3BD0D58A939C37AF61510DAA3131FABA7
gpg:                issuer \"dev1@example.com\"
gpg: Can't check signature: No public key
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:30:00 2026 +0100

    Rename app.js
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 2);
    assert_eq!(s(&r[0], "key_fingerprint"), Some("221C 4FC3 BD0D 58A9 39C3  7AF6 1510 DAA3 131F ABA7"));
    assert_eq!(s(&r[0], "signature"), Some("good"));
    assert_eq!(s(&r[1], "signature"), Some("no-public-key"));
    assert_eq!(s(&r[1], "signer"), None);
    assert_eq!(r[1].message, "Rename app.js");

    // Generated (git 2.47.3, `--oneline --show-signature`): the subject follows the gpg lines.
    let text = "15bfb30 gpg: Signature made Sat Nov 28 03:13:59 2026 UTC
gpg:                using EDDSA key 221C4FC3BD0D58A939C37AF61510DAA3131FABA7
gpg:                issuer \"dev1@example.com\"
gpg: Good signature from \"Dev One <dev1@example.com>\" [ultimate]
Signed commit
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(r.message, "Signed commit");
    assert_eq!(s(r, "signed_at"), Some("Sat Nov 28 03:13:59 2026 UTC"));
    assert_eq!(s(r, "signature"), Some("good"));

    // Constructed from §4's SSH wording.
    let text = "commit 3f37667de389993002d73844f13741ade8f6397f
Good \"git\" signature for dev1@example.com with ED25519 key SHA256:abcdef
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:30:00 2026 +0100

    Signed
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(s(r, "signature"), Some("good"));
    assert_eq!(s(r, "signer"), Some("dev1@example.com"));
    assert_eq!(s(r, "signing_key"), Some("ED25519 key SHA256:abcdef"));
}

#[test]
fn log_walking_reflog_and_decorations() {
    // Generated (git 2.47.3, `git log -g -1`), decorations constructed from §4's wording.
    let text = "commit 15c8adf3ac08687b5d35a6058db9e164231bfe28 (HEAD -> main, origin/main)
Reflog: HEAD@{0} (Dev One <dev1@example.com>)
Reflog message: reset: moving to HEAD~1
Merge: 052dda8 bb093af
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 14:10:00 2026 +0000

    Merge branch 'feature'
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records[0];
    assert_eq!(s(r, "refs"), Some("HEAD -> main, origin/main"));
    assert_eq!(s(r, "reflog"), Some("HEAD@{0}"));
    assert_eq!(s(r, "reflog_message"), Some("reset: moving to HEAD~1"));
    assert_eq!(list(r, "parents"), ["052dda8", "bb093af"]);
}

#[test]
fn reflog_outputs() {
    // §4 `git reflog --date=iso`, default, iso-strict.
    let text = "1148f25 HEAD@{2026-02-17 14:37:00 +0000}: checkout: moving from tmp to main
1148f25 HEAD@{2026-02-17 14:35:00 +0000}: reset: moving to HEAD~1
dd692b6 HEAD@{2026-02-17 14:30:00 +0000}: pull -q --ff-only: Fast-forward
1148f25 HEAD@{2026-02-17 13:50:00 +0000}: clone: from /tmp/gitdemo
dd692b6 HEAD@{3}: pull -q --ff-only: Fast-forward
1148f25 HEAD@{2026-02-17T14:37:00Z}: checkout: moving from tmp to main
";
    let sink = parse(text);
    clean(&sink, text);
    assert_eq!(sink.counts.events, 6);
    let r = &sink.records;
    assert!(r.iter().all(|r| r.kind == REFLOG && r.source == SOURCE));
    assert_eq!(r[0].time, exact((2026, 2, 17), (14, 37, 0), 0));
    assert_eq!(r[0].message, "checkout: moving from tmp to main");
    assert_eq!(s(&r[0], "ref"), Some("HEAD"));
    assert_eq!(s(&r[0], "selector"), Some("2026-02-17 14:37:00 +0000"));
    assert_eq!(s(&r[0], "new"), Some("1148f25"));
    assert_eq!(s(&r[0], "action"), Some("checkout"));
    assert_eq!(s(&r[0], "detail"), Some("moving from tmp to main"));
    assert_eq!(s(&r[2], "action"), Some("pull"));
    assert_eq!(s(&r[2], "args"), Some("-q --ff-only"));
    assert_eq!(s(&r[2], "detail"), Some("Fast-forward"));
    assert_eq!(s(&r[3], "action"), Some("clone"));
    assert_eq!(s(&r[3], "detail"), Some("from /tmp/gitdemo"));
    assert_eq!(r[4].time, RawTime::None);
    assert_eq!(s(&r[4], "selector"), Some("3"));
    assert_eq!(r[5].time, exact((2026, 2, 17), (14, 37, 0), 0));
    let keys: Vec<&str> = r[2].fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["ref", "selector", "new", "action", "args", "detail"]);

    // Generated (git 2.47.3, `git reflog` and other --date styles): qualifiers and decorations.
    let text = "15c8adf (HEAD -> main) HEAD@{0}: reset: moving to HEAD~1
c25afce HEAD@{1}: commit (amend): Rename app.js; drop ecosystem file (amended)
15c8adf HEAD@{3}: merge feature: Merge made by the 'ort' strategy.
b16cc97 HEAD@{8}: commit (initial): Initial commit
15c8adf HEAD@{0 seconds ago}: reset: moving to HEAD~1
15c8adf HEAD@{Sat Nov 28 03:13:47 2026}: reset: moving to HEAD~1
15c8adf HEAD@{1795835627 +0000}: reset: moving to HEAD~1
15c8adf HEAD@{1795835627}: reset: moving to HEAD~1
15c8adf HEAD@{Sat, 28 Nov 2026 03:13:47 +0000}: reset: moving to HEAD~1
15c8adf HEAD@{Sat Nov 28 03:13:47 2026 +0000}: reset: moving to HEAD~1
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(s(&r[0], "refs"), Some("HEAD -> main"));
    assert_eq!(s(&r[1], "action"), Some("commit (amend)"));
    assert_eq!(s(&r[1], "args"), None);
    assert_eq!(s(&r[1], "detail"), Some("Rename app.js; drop ecosystem file (amended)"));
    assert_eq!(s(&r[2], "action"), Some("merge"));
    assert_eq!(s(&r[2], "args"), Some("feature"));
    assert_eq!(s(&r[3], "action"), Some("commit (initial)"));
    assert_eq!(r[4].time, RawTime::None);
    assert_eq!(r[5].time, RawTime::Local { local: dt((2026, 11, 28), (3, 13, 47)), file_offset: None });
    for r in &r[6..] {
        assert_eq!(r.time, exact((2026, 11, 28), (3, 13, 47), 0), "{}", s(r, "selector").unwrap());
    }

    // Constructed: the brief's shapes, rebase qualifiers and a branch reflog.
    let text = "a1b2c3d HEAD@{2026-02-17 14:30:00 +0100}: pull: Fast-forward
a1b2c3d HEAD@{0}: checkout: moving from main to b
a1b2c3d HEAD@{1}: rebase -i (finish): returning to refs/heads/main
a1b2c3d main@{0}: pull --rebase: Fast-forward
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r[0].time, exact((2026, 2, 17), (14, 30, 0), 3600));
    assert_eq!(r[1].time, RawTime::None);
    assert_eq!(s(&r[2], "action"), Some("rebase (finish)"));
    assert_eq!(s(&r[2], "args"), Some("-i"));
    assert_eq!(s(&r[3], "ref"), Some("main"));
    assert_eq!(s(&r[3], "action"), Some("pull"));
    assert_eq!(s(&r[3], "args"), Some("--rebase"));
}

#[test]
fn raw_reflog_files() {
    // §4 raw .git/logs/HEAD line.
    let line = "1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac dd692b63980f48ad323b580b18eeafc395fbfdda deploy <deploy@web-01> 1771338600 +0000\tpull -q --ff-only: Fast-forward";
    let sink = parse_text(&mut GitParser::for_path("srv/app/.git/logs/HEAD"), line);
    clean(&sink, line);
    let r = &sink.records[0];
    assert_eq!(r.kind, REFLOG);
    assert_eq!(r.time, exact((2026, 2, 17), (14, 30, 0), 0));
    assert_eq!(r.message, "pull -q --ff-only: Fast-forward");
    assert_eq!(s(r, "ref"), Some("HEAD"));
    assert_eq!(s(r, "old"), Some("1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac"));
    assert_eq!(s(r, "new"), Some("dd692b63980f48ad323b580b18eeafc395fbfdda"));
    assert_eq!(s(r, "author"), Some("deploy"));
    assert_eq!(s(r, "email"), Some("deploy@web-01"));
    assert_eq!(s(r, "action"), Some("pull"));
    assert_eq!(s(r, "args"), Some("-q --ff-only"));
    assert_eq!(s(r, "detail"), Some("Fast-forward"));
    let keys: Vec<&str> = r.fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["ref", "old", "new", "author", "email", "action", "args", "detail"]);

    // Generated (git 2.47.3, .git/logs/refs/heads/main): the offset gives the wall clock.
    let text = "0000000000000000000000000000000000000000 869648952c36c62833e9c5a2b088d7aeb43e58aa deploy <deploy@web-01> 1771335900 +0000\tcommit (initial): Initial commit
4420bb9c55ffbdfe1fd9fbd0b9ec59f1ce49c706 f3f5716b4bf3e908a22f82d954d4945542aa2271 deploy <deploy@web-01> 1771335000 +0100\tcommit: Rename app.js
";
    let sink = parse_text(&mut GitParser::for_path(".git/logs/refs/heads/main"), text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(s(&r[0], "ref"), Some("refs/heads/main"));
    assert_eq!(s(&r[0], "action"), Some("commit (initial)"));
    assert_eq!(r[0].time, exact((2026, 2, 17), (13, 45, 0), 0));
    assert_eq!(r[1].time, exact((2026, 2, 17), (14, 30, 0), 3600));
    // Without a path there is no ref; a line without a message is kept (constructed).
    let line = "1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac dd692b63980f48ad323b580b18eeafc395fbfdda Dev One <dev1@example.com> 1771338600 -0130";
    let sink = parse(line);
    clean(&sink, line);
    let r = &sink.records[0];
    assert_eq!(s(r, "ref"), None);
    assert_eq!(s(r, "author"), Some("Dev One"));
    assert_eq!(r.message, "");
    assert_eq!(r.time, exact((2026, 2, 17), (13, 0, 0), -5400));
}

#[test]
fn crlf_no_final_newline_empty_and_ansi() {
    let crlf = MEDIUM.replace('\n', "\r\n");
    let a = parse(MEDIUM);
    let b = parse(&crlf);
    assert_eq!(a.records, b.records);
    assert_eq!(a.counts, b.counts);
    let cut = MEDIUM.trim_end_matches('\n');
    let c = parse(cut);
    assert_eq!(a.records, c.records);
    assert_eq!(c.counts.total(), split_lines(cut).count() as u64);
    let e = parse("");
    assert_eq!((e.records.len(), e.counts.total()), (0, 0));
    // Constructed: `git log --color` output.
    let text = "\x1b[33mcommit dd6ba4ed1a162a7fe3b72567f701d86685084521\x1b[m\x1b[33m (\x1b[m\x1b[1;36mHEAD -> \x1b[m\x1b[1;32mmain\x1b[m\x1b[33m)\x1b[m
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 13:30:00 2026 +0100

    Colour
\x1b[32m1148f25\x1b[m HEAD@{0}: pull: Fast-forward
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(s(&r[0], "commit"), Some("dd6ba4ed1a162a7fe3b72567f701d86685084521"));
    assert_eq!(s(&r[0], "refs"), Some("HEAD -> main"));
    assert_eq!(r[1].message, "pull: Fast-forward");
    assert!(matches!(&r[1].message, Cow::Owned(_)));
}

#[test]
fn unknown_lines_are_unparsed() {
    // Constructed: detail lines with no commit, then text that is not git between commits.
    let text = "Author: Dev One <dev1@example.com>
    orphan body
hello world
commit dd6ba4ed1a162a7fe3b72567f701d86685084521
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 13:30:00 2026 +0100

    Subject

Some stray text!
 ecosystem.config.js | 1 -
";
    let sink = parse(text);
    assert_eq!(sink.counts.total(), split_lines(text).count() as u64);
    let reasons: Vec<_> = sink.unparsed.iter().map(|u| (u.line, u.reason)).collect();
    assert_eq!(
        reasons,
        [(1, REASON_BEFORE_COMMIT), (2, REASON_BEFORE_COMMIT), (3, REASON_NOT_GIT), (10, REASON_NOT_GIT)]
    );
    // The commit stays open across the stray line.
    assert_eq!(list(&sink.records[0], "files"), ["ecosystem.config.js"]);
}

#[test]
fn mixed_log_and_reflog() {
    // Constructed: a reflog line ends the held commit; records stay in line order.
    let text = "commit dd6ba4ed1a162a7fe3b72567f701d86685084521
Author: Dev One <dev1@example.com>
Date:   Tue Feb 17 13:30:00 2026 +0100

    Subject
dd692b6 HEAD@{3}: pull -q --ff-only: Fast-forward
1148f25 Oneline after
";
    let sink = parse(text);
    clean(&sink, text);
    let kinds: Vec<_> = sink.records.iter().map(|r| (r.line, r.kind)).collect();
    assert_eq!(kinds, [(1, COMMIT), (6, REFLOG), (7, COMMIT)]);
}

#[test]
fn sniffing_and_hints() {
    assert!(sniff_line("commit 73dde49af728dd6ea26c421272e476a2c14e97db"));
    assert!(sniff_line("commit 73dde49af728dd6ea26c421272e476a2c14e97db (HEAD -> main, origin/main)"));
    assert!(sniff_line("1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac dd692b63980f48ad323b580b18eeafc395fbfdda deploy <deploy@web-01> 1771338600 +0000\tpull -q --ff-only: Fast-forward"));
    assert!(sniff_line("1148f25 HEAD@{2026-02-17 14:37:00 +0000}: checkout: moving from tmp to main"));
    assert!(sniff_line("dd692b6 HEAD@{3}: pull -q --ff-only: Fast-forward"));
    // Not git: abbreviated commit headers, oneline, syslog, journal, pm2, CI lines.
    assert!(!sniff_line("commit 73dde49"));
    assert!(!sniff_line("1148f25 Rename app.js; drop ecosystem file"));
    assert!(!sniff_line("Feb 17 14:30:00 web-01 systemd[1]: pm2-root.service: Main process exited"));
    assert!(!sniff_line("2026-02-17T14:30:00+0000 web-01 sshd[1234]: Accepted publickey for deploy"));
    assert!(!sniff_line(
        "2024-01-15T10:23:45: PM2 log: App [api:0] exited with code [1] via signal [SIGINT]"
    ));
    assert!(!sniff_line("2026-02-17T14:31:06.1234567Z ##[group]Run actions/checkout@v4"));
    assert!(!sniff_line("    commit 73dde49af728dd6ea26c421272e476a2c14e97db"));
    assert!(!sniff_line(""));
    assert!(NAME_HINTS.contains(&"*.git/logs/HEAD"));
    assert!(NAME_HINTS.iter().any(|h| h.starts_with("git-log")));
}

// ---------------------------------------------------------------------------------------
// Properties

fn git_like() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("    ".to_string()),
        Just("commit 73dde49af728dd6ea26c421272e476a2c14e97db (HEAD -> main)".to_string()),
        Just("Merge: 06f83b5 dd6ba4e".to_string()),
        Just("Author: Dev One <dev1@example.com>".to_string()),
        Just("Date:   Tue Feb 17 13:30:00 2026 +0100".to_string()),
        Just("CommitDate: 2026-02-17T14:00:00Z".to_string()),
        Just("gpg: Good signature from \"Dev One <dev1@example.com>\" [ultimate]".to_string()),
        Just("gpgsig -----BEGIN PGP SIGNATURE-----".to_string()),
        Just(" =v1Iv".to_string()),
        Just(" ecosystem.config.js | 1 -".to_string()),
        Just(" 2 files changed, 1 deletion(-)".to_string()),
        Just("R100\tapp.js\tserver.js".to_string()),
        Just("A\t.github/workflows/deploy.yml".to_string()),
        Just("diff --git a/app.js b/app.js".to_string()),
        Just("15bfb30 gpg: Signature made Sat Nov 28 03:13:59 2026 UTC".to_string()),
        Just("1148f25 HEAD@{2026-02-17 14:35:00 +0000}: reset: moving to HEAD~1".to_string()),
        Just("1148f253be11a30bf0f8a6f4f0e9de2e9b4c29ac dd692b63980f48ad323b580b18eeafc395fbfdda deploy <deploy@web-01> 1771338600 +0000\tpull: Fast-forward".to_string()),
        Just("| * dd6ba4e (feature) Increase".to_string()),
        "    [ -~]{0,12}",
        "[0-9a-f]{7} [ -~]{0,12}",
        "[*|/\\\\ ]{1,6}[ -~]{0,8}",
        any::<String>(),
    ]
}

/// Feeds `lines` in two sinks cut at `cut`, attaching the second sink's carried
/// continuation to the first sink's last record.
fn two_pass(lines: &[String], cut: usize) -> (Vec<Record<'_>>, u64) {
    parse_in_two(&mut GitParser::default(), lines, cut)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert_eq!(sink.counts.events, sink.records.len() as u64);
    }

    #[test]
    fn never_panics_on_git_like_lines(raw in prop::collection::vec(git_like(), 0..40)) {
        let text = raw.join("\n");
        let sink = parse(&text);
        prop_assert_eq!(sink.counts.total(), split_lines(&text).count() as u64);
        prop_assert_eq!(sink.counts.events, sink.records.len() as u64);
        for r in &sink.records {
            let _ = parse_date(&r.message);
        }
    }

    #[test]
    fn cut_anywhere_same_records(raw in prop::collection::vec(git_like(), 0..30)) {
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

#[test]
fn oneline_with_patches() {
    // Constructed in the shape of `git log --oneline -p` (git 2.47.3): each patch ends at the
    // next oneline commit, whose hash-and-space start no diff line has.
    let text = "6da24e9 (HEAD -> main) Rename app.js
diff --git a/app.js b/server.js
similarity index 100%
rename from app.js
rename to server.js
15c8adf Merge branch 'feature'
052dda8 Other
diff --git a/other.txt b/other.txt
new file mode 100644
index 0000000..f2ad6c7
--- /dev/null
+++ b/other.txt
@@ -0,0 +1 @@
+c
";
    let sink = parse(text);
    clean(&sink, text);
    let r = &sink.records;
    assert_eq!(r.len(), 3);
    assert_eq!(list(&r[0], "files"), ["app.js", "server.js"]);
    assert!(r[1].field("files").is_none());
    assert_eq!(list(&r[2], "files"), ["other.txt"]);
    assert_eq!(sink.counts.continuation, 11);
}
