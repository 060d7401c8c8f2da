//! The public corpus (../shared/corpus) through the whole loader: every syslog-shaped file is
//! recognised by content and fully accounted (syslog, journal, CI job logs, shell history);
//! other formats are skipped with a reason.

mod common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn corpus_files_are_recognised_by_content() {
    let corpus = root().join("../shared/corpus");
    let out = postmortem(["inputs", corpus.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inputs: BTreeMap<String, serde_json::Value> =
        jsonl(&out).into_iter().map(|i| (i["file"].as_str().unwrap().to_string(), i)).collect();
    for (file, input) in &inputs {
        // Not read: licences, CSVs, JSON app logs, dpkg/apt logs, generic app logs; and lnav's
        // French-locale month name (`août`), which no parser reads as a month.
        let skipped = file.contains("LICENSE")
            || file.ends_with(".csv")
            || file.ends_with(".md")
            || ["bunyan", "pino", "generic", "dpkg", "apt_history", "_fr.0"].iter().any(|n| file.contains(n));
        let expected = if file.ends_with("logfile_journald.json") {
            "journal"
        } else if file.contains("bash_history") {
            "shell-history"
        } else if file.contains("gh-actions") {
            "ci-log"
        } else if skipped {
            "skipped"
        } else {
            "syslog"
        };
        assert_eq!(input["format"], expected, "{file}: {}", input["reason"]);
        let l = &input["lines"];
        let sum: u64 =
            ["event", "continuation", "structural", "unparsed"].iter().map(|k| l[k].as_u64().unwrap()).sum();
        assert_eq!(l["total"].as_u64().unwrap(), sum, "{file}");
    }
    // Compressed in place: plaso's syslog.gz has 15 lines, one a deliberately bad month.
    let gz = &inputs["plaso/syslog.gz"];
    assert_eq!(gz["lines"]["total"], 15);
    assert_eq!(gz["unparsed"][0]["reason"], "unknown month name in syslog timestamp");
    assert_eq!(gz["sha256"], sha256_file(&corpus.join("plaso/syslog.gz")));
    // A real GitHub Actions step log: every line accounted, none unparsed.
    let ci = &inputs["gh-actions/CI_37699227832_PYTHON_3_11_TORQ_ACTUAL_CHECKOUT.txt"];
    assert_eq!((ci["lines"]["total"].as_u64(), ci["lines"]["unparsed"].as_u64()), (Some(106), Some(0)));
    // bash history with HISTTIMEFORMAT: four dated commands; the desynchronised copy starts
    // with an undated one.
    assert_eq!(inputs["plaso/bash_history"]["events"], 4);
    assert_eq!(inputs["plaso/bash_history_desync"]["events"], 5);
    // Real `journalctl -o json`: two entries, dated from __REALTIME_TIMESTAMP.
    let journal = &inputs["lnav/logfile_journald.json"];
    assert_eq!((journal["events"].as_u64(), journal["lines"]["unparsed"].as_u64()), (Some(2), Some(0)));
    assert!(journal["first"].as_str().unwrap().ends_with('Z'));
    // loghub: 2000 records each, no line lost.
    for f in ["loghub-openssh/OpenSSH_2k.log", "loghub-linux/Linux_2k.log"] {
        assert_eq!(inputs[f]["events"], 2000, "{f}");
        assert_eq!(inputs[f]["lines"]["unparsed"], 0, "{f}");
    }
}

#[test]
fn show_unparsed_lists_file_line_reason_and_text() {
    let file = root().join("../shared/corpus/lnav/logfile_syslog_with_header.0");
    let out = postmortem(["timeline", file.to_str().unwrap(), "--year", "2007", "--show-unparsed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let first_line = std::fs::read_to_string(&file).unwrap().lines().next().unwrap().to_string();
    assert!(text.contains("Unparsed lines: 2"), "{text}");
    assert!(
        text.contains(&format!(
            "logfile_syslog_with_header.0:1: no syslog header before the first record: {first_line}"
        )),
        "{text}"
    );
}
