//! The runbook's communication templates filled from the evidence (`report::notify`), through
//! the library API, on two shipped samples: `pm2 delete all` (P1, all restored) and the OOM
//! killer (P2, not restored).

use std::path::PathBuf;

use postmortem::analysis::{self, AnalyzeOptions};
use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem::inventory::Inventory;
use postmortem::report::notify::{self, Stage};

/// The three templates of a sample, with the sample inventory.
fn notices(sample: &str) -> [String; 3] {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let timeline = postmortem::timeline::build(
        &[root.join("samples").join(sample)],
        &LoadOptions::default(),
        &TimeOptions::default(),
    );
    let path = root.join("samples/inventory.toml");
    let text = std::fs::read_to_string(&path).expect("samples/inventory.toml");
    let file = Inventory::from_toml(&text, &path).expect("the sample inventory parses");
    let inventory = Inventory::for_timeline(Some(file), &timeline);
    let rules = analysis::rules::load(&[]).expect("the embedded rules load");
    let analysis = analysis::analyze(&timeline, &inventory, &rules, &AnalyzeOptions::default());
    [Stage::Investigating, Stage::Update, Stage::Resolved].map(|stage| {
        let mut out = Vec::new();
        notify::write(&mut out, &timeline, &analysis, &inventory, stage).expect("writes to memory");
        String::from_utf8(out).expect("utf-8")
    })
}

/// Asserts every line of `expected` is a whole line of `text`.
fn has_lines(text: &str, expected: &[&str]) {
    for line in expected {
        assert!(text.lines().any(|l| l == *line), "missing line {line:?} in:\n{text}");
    }
}

/// The labels of a template, in the runbook's order: each must appear after the previous.
fn in_order(text: &str, labels: &[&str]) {
    let mut from = 0;
    for label in labels {
        let at = text[from..]
            .find(label)
            .unwrap_or_else(|| panic!("{label:?} missing or out of order in:\n{text}"));
        from += at + 1;
    }
}

const INVESTIGATING: &[&str] = &[
    "Subject: [",
    "\nStatus: INVESTIGATING\n",
    "\nTime Detected: ",
    "\nAffected Systems: ",
    "\nSummary:\n",
    "\nImpact:\n",
    "\nCurrent Actions:\n",
    "\nNext Update: In 15 minutes or upon status change\n",
    "\nIncident Commander: [Name]\n",
];

const UPDATE: &[&str] = &[
    " - UPDATE #N\n",
    "\nStatus: ",
    "\nTime: ",
    "\nProgress Since Last Update:\n",
    "\nCurrent State:\n",
    "\nRoot Cause: ",
    "\nNext Steps:\n",
    "\nETA to Resolution: ",
    "\nNext Update: In [X] minutes\n",
];

const RESOLVED: &[&str] = &[
    "\nStatus: ",
    "\nTime Resolved: ",
    "\nTotal Downtime: ",
    "\nSummary:\n",
    "\nRoot Cause:\n",
    "\nImpact Summary:\n",
    "- Estimated user impact: [description]\n",
    "\nImmediate Actions Taken:\n",
    "\nFollow-up Actions:\n",
    "- Owner: [Name] - Due: [Date]\n",
    "2. [ ] Post-incident review scheduled for [Date]\n",
    "\nPost-Incident Review: [Link or scheduled time]\n",
];

#[test]
fn pm2_delete_all_p1_restored() {
    let [investigating, update, resolved] = notices("2026-02-17-pm2-delete-all");

    in_order(&investigating, INVESTIGATING);
    has_lines(
        &investigating,
        &[
            "Subject: [P1 INCIDENT] PM2 Process Isolation Failure - Multiple Apps Down",
            "Status: INVESTIGATING",
            "Time Detected: 2026-02-17 14:31 UTC",
            "Affected Systems: flyer-crawler-prod, stock-alert-prod",
            "All of them were back online by 2026-02-17 15:01 UTC.",
            "Likely cause (from the evidence): `pm2 delete all` removed every PM2 process \
             (pm2-delete-all, confidence 0.87).",
            "- flyer-crawler.projectium.com: UP (as of 2026-02-17 15:10 UTC)",
            "- stock-alert.projectium.com: UP (as of 2026-02-17 15:10 UTC)",
            "- flyer-crawler-test.projectium.com: UP (as of 2026-02-17 15:10 UTC)",
            "- 2026-02-17 14:54 UTC alice.oncall: logged in over SSH from 198.51.100.23 (var/log/auth.log:17)",
            "- Investigating root cause",
            "Incident Commander: [Name]",
        ],
    );
    // Everything is back: nothing left to restore.
    assert!(!investigating.contains("Restoring critical production processes"), "{investigating}");

    in_order(&update, UPDATE);
    has_lines(
        &update,
        &[
            "Subject: [P1 INCIDENT] PM2 Process Isolation Failure - UPDATE #N",
            "Status: RESOLVED",
            "Time: 2026-02-17 15:10 UTC",
            "- stock-alert-api back online at 2026-02-17 15:01 UTC (pm2/pm2.log:80)",
            "- flyer-crawler.projectium.com: UP (as of 2026-02-17 15:10 UTC)",
            "- stock-alert.projectium.com: UP (as of 2026-02-17 15:10 UTC)",
            "Root Cause: `pm2 delete all` removed every PM2 process (pm2-delete-all, confidence 0.87)",
            "ETA to Resolution: resolved at 2026-02-17 15:01 UTC",
            "Next Update: In [X] minutes",
        ],
    );

    in_order(&resolved, RESOLVED);
    has_lines(
        &resolved,
        &[
            "Subject: [RESOLVED] PM2 Process Isolation Failure",
            "Status: RESOLVED",
            "Time Resolved: 2026-02-17 15:01 UTC",
            "Total Downtime: 30 minutes",
            "All PM2 processes have been restored. Services are operating normally.",
            "`pm2 delete all` removed every PM2 process (pm2-delete-all, confidence 0.87)",
            "- flyer-crawler.projectium.com: Down for 27 minutes",
            "- stock-alert.projectium.com: Down for 30 minutes",
            "1. 2026-02-17 14:54 UTC alice.oncall: logged in over SSH from 198.51.100.23 (var/log/auth.log:17)",
            "1. [ ] Use whitelist-based deletion: delete the environment's processes by name \
             - Owner: [Name] - Due: [Date]",
        ],
    );
    // Only applications with an outage have an impact line.
    assert!(!resolved.contains("flyer-crawler-test.projectium.com"), "{resolved}");
}

#[test]
fn oom_killer_p2_not_restored() {
    let [investigating, update, resolved] = notices("2026-03-10-oom-killer");

    in_order(&investigating, INVESTIGATING);
    has_lines(
        &investigating,
        &[
            "Subject: [P2 INCIDENT] PM2 Process Failure - flyer-crawler-prod Down",
            "Time Detected: 2026-03-10 14:30 UTC",
            "Affected Systems: flyer-crawler-prod",
            "Still down at the end of the evidence (2026-03-10 14:41 UTC): flyer-crawler-analytics-worker.",
            "- flyer-crawler.projectium.com: DOWN (as of 2026-03-10 14:41 UTC)",
            "- stock-alert.projectium.com: UP (as of 2026-03-10 14:41 UTC)",
            "- flyer-crawler-test.projectium.com: UP (as of 2026-03-10 14:41 UTC)",
            "- Restoring critical production processes",
            "Incident Commander: [Name]",
        ],
    );

    in_order(&update, UPDATE);
    has_lines(
        &update,
        &[
            "Subject: [P2 INCIDENT] PM2 Process Failure - UPDATE #N",
            "Status: IDENTIFIED",
            "Time: 2026-03-10 14:41 UTC",
            "- [Process restored]",
            "- flyer-crawler.projectium.com: DOWN (as of 2026-03-10 14:41 UTC)",
            "- stock-alert.projectium.com: UP (as of 2026-03-10 14:41 UTC)",
            "Root Cause: The kernel's OOM killer killed a PM2 process (oom-killer, confidence 0.86)",
            "- Restore flyer-crawler-analytics-worker (runbook: Process Restoration)",
            "ETA to Resolution: [If known]",
        ],
    );

    in_order(&resolved, RESOLVED);
    has_lines(
        &resolved,
        &[
            "Subject: [NOT RESOLVED] PM2 Process Failure",
            "Status: NOT RESOLVED (processes still down as of 2026-03-10 14:41 UTC)",
            "Time Resolved: YYYY-MM-DD HH:MM UTC",
            "Total Downtime: at least 10 minutes (not restored by 2026-03-10 14:41 UTC)",
            "The kernel's OOM killer killed a PM2 process (oom-killer, confidence 0.86)",
            "- flyer-crawler.projectium.com: Down for at least 10 minutes (not restored by 2026-03-10 14:41 UTC)",
        ],
    );
    assert!(!resolved.contains("Services are operating normally"), "{resolved}");
    assert!(!resolved.contains("stock-alert.projectium.com"), "{resolved}");
}

#[test]
fn same_evidence_same_bytes() {
    let a = notices("2026-02-17-pm2-delete-all");
    let b = notices("2026-02-17-pm2-delete-all");
    assert_eq!(a, b);
    let root = env!("CARGO_MANIFEST_DIR");
    for text in &a {
        assert!(!text.contains(root), "no absolute path: {text}");
    }
}
