//! `analyze --format html`: one self-contained file whose Content-Security-Policy admits exactly
//! its own style and script, whose data element nothing in the evidence can break out of, which
//! carries the same report as `--format json` and every event with its provenance, and which is
//! byte-identical for the same evidence. (The page's behaviour in a browser: tests/browser.)

mod common;

use chrono::DateTime;
use common::*;
use postmortem::report::html::{csp_hash, DATA_ID};
use serde_json::Value;

const HOSTILE: &str = "tests/fixtures/hostile-html";

fn html_of(bundle: &std::path::Path) -> String {
    let out = postmortem(["analyze", bundle.to_str().unwrap(), "--format", "html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("{open} not in the page")) + open.len();
    let len = text[start..].find(close).unwrap_or_else(|| panic!("{close} after {open}"));
    &text[start..start + len]
}

fn data_text(html: &str) -> &str {
    between(html, &format!("<script type=\"application/json\" id=\"{DATA_ID}\">"), "</script>")
}

fn data(html: &str) -> Value {
    serde_json::from_str(data_text(html)).expect("the data element holds JSON")
}

/// The inline script: the last `<script>` element.
fn script(html: &str) -> &str {
    let start = html.rfind("<script>").expect("an inline script") + "<script>".len();
    &html[start..start + html[start..].find("</script>").expect("closed")]
}

fn csp(html: &str) -> &str {
    between(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">")
}

#[test]
fn csp_allows_only_the_pages_own_style_and_script() {
    let html = html_of(&sample());
    let policy = csp(&html);
    let style = between(&html, "<style>", "</style>");
    assert!(policy.starts_with("default-src 'none'; "), "{policy}");
    assert!(policy.contains(&format!("script-src '{}'", csp_hash(script(&html)))), "{policy}");
    assert!(policy.contains(&format!("style-src '{}'", csp_hash(style))), "{policy}");
    assert!(policy.contains("base-uri 'none'") && policy.contains("form-action 'none'"), "{policy}");
    for loose in ["unsafe-inline", "unsafe-eval", "http:", "https:", "*"] {
        assert!(!policy.contains(loose), "{loose} in {policy}");
    }
    // Exactly two scripts (the data and the code) and nothing loaded from anywhere.
    assert_eq!(html.matches("<script").count(), 2);
    let markup = html.replace(data_text(&html), "");
    for remote in [" src=", " href=", "http://", "https://", "@import", "url("] {
        assert!(!markup.contains(remote), "{remote} in the page");
    }
}

#[test]
fn the_script_builds_no_markup_from_text() {
    let html = html_of(&sample());
    let code = script(&html);
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
        "setAttribute",
    ] {
        assert!(!code.contains(sink), "{sink} in the script");
    }
    let markup = html.replace(data_text(&html), "");
    let handler = regex::Regex::new(r"(?i)<[^>]*\son[a-z]+\s*=").unwrap();
    assert!(!handler.is_match(&markup), "an inline event handler in the markup");
}

#[test]
fn hostile_evidence_stays_inside_the_data_element() {
    let html = html_of(&root().join(HOSTILE));
    let text = data_text(&html);
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!text.contains(c), "{c:?} unescaped in the data element");
    }
    assert_eq!(html.matches("</script>").count(), 2, "evidence closed a script element");
    assert!(!html.contains("<img") && !html.contains("<svg"), "evidence became markup");
    // The names arrive intact, as data.
    let data = data(&html);
    let users = data["strings"]["user"].as_array().unwrap();
    assert!(users.contains(&"<img src=x onerror=alert(1)>".into()), "{users:?}");
    assert!(users.contains(&"<script>alert(2)</script>".into()), "{users:?}");
    let lanes: Vec<&str> =
        data["lanes"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert!(lanes.contains(&"<svg/onload=alert(3)> (production)"), "{lanes:?}");
}

#[test]
fn the_page_carries_the_json_report_and_every_event_with_its_provenance() {
    let html = html_of(&sample());
    let data = data(&html);
    let json = postmortem(["analyze", sample().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(data["report"], report);

    let events = jsonl(&postmortem(["timeline", sample().to_str().unwrap(), "--format", "jsonl"]));
    let columns = &data["events"];
    let strings = &data["strings"];
    let column = |name: &str| columns[name].as_array().unwrap().clone();
    let (lane, kind, file, line, message) =
        (column("lane"), column("kind"), column("file"), column("line"), column("message"));
    assert_eq!(message.len(), events.len());
    let mut time = columns["t0"].as_i64().unwrap();
    let deltas = column("dt");
    for (i, e) in events.iter().enumerate() {
        let name =
            |table: &str, column: &[Value]| strings[table][column[i].as_u64().unwrap() as usize].clone();
        assert_eq!(name("kind", &kind), e["kind"], "event {i}");
        assert_eq!(name("file", &file), e["file"], "event {i}");
        assert_eq!(name("sha256", &file), e["sha256"], "event {i}");
        assert_eq!(line[i], e["line"], "event {i}");
        assert_eq!(message[i], e["message"], "event {i}");
        assert_eq!(data["lanes"][lane[i].as_u64().unwrap() as usize]["label"], e["source"], "event {i}");
        match e["time"].as_str() {
            Some(t) => {
                time += deltas[i].as_i64().unwrap();
                assert_eq!(time, DateTime::parse_from_rfc3339(t).unwrap().timestamp_micros(), "event {i}");
            }
            None => assert!(i >= deltas.len(), "undated events come last"),
        }
    }
    // Each event's line as written: the file's physical line, rebuilt from prefix + message.
    let raw = column("raw");
    let mut checked = 0;
    for (i, e) in events.iter().enumerate() {
        let written = match &raw[i] {
            Value::Null => continue,
            Value::Array(prefix) => {
                format!("{}{}", prefix[0].as_str().unwrap(), message[i].as_str().unwrap())
            }
            other => other.as_str().unwrap().to_string(),
        };
        let file = sample().join(e["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let physical = text.lines().nth(e["line"].as_u64().unwrap() as usize - 1).unwrap();
        match written.strip_suffix('…') {
            Some(cut) if physical.len() > 4096 => assert!(physical.starts_with(cut), "event {i}"),
            _ => assert_eq!(written, physical, "event {i}"),
        }
        checked += 1;
    }
    assert!(checked * 10 >= events.len() * 9, "raw lines for {checked} of {} events", events.len());

    // Each finding's evidence, as event indices citing the same lines as the report.
    for (f, finding) in report["root_causes"].as_array().unwrap().iter().enumerate() {
        for (n, cited) in finding["evidence"].as_array().unwrap().iter().enumerate() {
            let i = data["refs"]["root_causes"][f][n].as_u64().unwrap() as usize;
            assert_eq!((&events[i]["file"], &events[i]["line"]), (&cited["file"], &cited["line"]));
        }
    }
}

#[test]
fn same_evidence_same_bytes_and_out_writes_report_html() {
    let first = html_of(&sample());
    assert_eq!(first, html_of(&sample()));
    let dir = tempfile::tempdir().unwrap();
    let out = postmortem(["analyze", sample().to_str().unwrap(), "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("report.html"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("report.html")).unwrap(), first);
    // The same evidence under another path: still the same bytes (no absolute path leaks).
    let copy = dir.path().join("elsewhere");
    for file in sample_files() {
        std::fs::create_dir_all(copy.join(&file).parent().unwrap()).unwrap();
        std::fs::copy(sample().join(&file), copy.join(&file)).unwrap();
    }
    assert_eq!(html_of(&copy), first);
}

/// Large evidence (forced here with a low limit): the page draws the events the analysis
/// reads, with their lines as written, and counts every other record per lane and kind, so
/// that drawn + counted is the whole timeline and the findings still cite the same lines.
#[test]
fn large_evidence_draws_what_the_analysis_reads_and_counts_the_rest() {
    let s = sample();
    let s = s.to_str().unwrap();
    let out = postmortem(["analyze", s, "--format", "html", "--every-event-limit", "10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = data(&stdout(&out));
    let report: Value =
        serde_json::from_slice(&postmortem(["analyze", s, "--format", "json"]).stdout).unwrap();
    assert_eq!(data["report"], report, "the same analysis whatever the page draws");

    let every = jsonl(&postmortem(["timeline", s, "--format", "jsonl"]));
    let drawn = data["events"]["message"].as_array().unwrap().len();
    let not_drawn = &data["not_drawn"];
    assert!(drawn > 0 && drawn < every.len(), "{drawn} of {}", every.len());
    assert_eq!(drawn as u64 + not_drawn["total"].as_u64().unwrap(), every.len() as u64);

    // Per (source, kind): drawn + counted = the timeline's events of that kind.
    let mut by_kind: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for e in &every {
        *by_kind
            .entry((e["source"].as_str().unwrap().into(), e["kind"].as_str().unwrap().into()))
            .or_default() += 1;
    }
    let strings = &data["strings"];
    for i in 0..drawn {
        let lane = data["events"]["lane"][i].as_u64().unwrap() as usize;
        let source = data["lanes"][lane]["label"].as_str().unwrap().to_string();
        let kind = strings["kind"][data["events"]["kind"][i].as_u64().unwrap() as usize].as_str().unwrap();
        *by_kind.get_mut(&(source, kind.to_string())).expect("a drawn event is in the timeline") -= 1;
    }
    for k in not_drawn["kinds"].as_array().unwrap() {
        let key = (k[0].as_str().unwrap().to_string(), k[1].as_str().unwrap().to_string());
        assert_eq!(by_kind.remove(&key), Some(k[2].as_i64().unwrap()), "{key:?}");
    }
    assert!(by_kind.values().all(|&n| n == 0), "kinds neither drawn nor counted: {by_kind:?}");
    // Each lane's count is the sum of its source's kinds.
    for lane in not_drawn["lanes"].as_array().unwrap() {
        let label = &data["lanes"][lane[0].as_u64().unwrap() as usize]["label"];
        let kinds = not_drawn["kinds"].as_array().unwrap().iter().filter(|k| &k[0] == label);
        assert_eq!(lane[1].as_u64(), Some(kinds.map(|k| k[2].as_u64().unwrap()).sum()), "{label}");
    }
    assert!(not_drawn["lanes"].as_array().unwrap().len() >= 3, "{not_drawn}");

    // The findings cite the same lines through the drawn events, each with its line as
    // written as the page of every event has it.
    let default = data_of_default(s);
    assert!(default.get("not_drawn").is_none(), "small evidence: every event drawn, nothing counted");
    let raw_of = |d: &Value, file: &Value, line: &Value| {
        let e = &d["events"];
        (0..e["line"].as_array().unwrap().len())
            .find(|&i| {
                &e["line"][i] == line
                    && &d["strings"]["file"][e["file"][i].as_u64().unwrap() as usize] == file
            })
            .map(|i| e["raw"][i].clone())
    };
    let mut lines_kept = 0;
    for (f, finding) in report["root_causes"].as_array().unwrap().iter().enumerate() {
        for (n, cited) in finding["evidence"].as_array().unwrap().iter().enumerate() {
            let i = data["refs"]["root_causes"][f][n].as_u64().unwrap() as usize;
            let file = strings["file"][data["events"]["file"][i].as_u64().unwrap() as usize].clone();
            assert_eq!((&file, &data["events"]["line"][i]), (&cited["file"], &cited["line"]));
            let raw = &data["events"]["raw"][i];
            assert_eq!(
                Some(raw.clone()),
                raw_of(&default, &file, &cited["line"]),
                "finding {f} evidence {n}"
            );
            lines_kept += usize::from(!raw.is_null());
        }
    }
    assert!(lines_kept >= 5, "{lines_kept} cited lines as written");
}

fn data_of_default(bundle: &str) -> Value {
    data(&html_of(std::path::Path::new(bundle)))
}
