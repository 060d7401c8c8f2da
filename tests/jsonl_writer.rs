//! The hand-written JSON line (`report::jsonl`) against the definition of the event contract
//! (`Serialize for Event`, through serde_json): byte-identical for every event of every sample,
//! the hostile fixtures (control characters, markup, odd encodings) and the public corpus.

use std::path::PathBuf;

use postmortem::clock::TimeOptions;
use postmortem::evidence::LoadOptions;
use postmortem::report::jsonl;

fn evidence() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = Vec::new();
    for dir in [root.join("samples"), root.join("samples/confusers"), root.join("tests/fixtures")] {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.path().is_dir() && entry.file_name() != "confusers" {
                dirs.push(entry.path());
            }
        }
    }
    let corpus = root.join("../shared/corpus");
    dirs.extend(
        ["loghub-linux", "loghub-openssh", "plaso", "lnav", "beats"]
            .iter()
            .map(|d| corpus.join(d))
            .filter(|d| d.is_dir()),
    );
    dirs.sort();
    dirs
}

#[test]
fn every_event_is_written_as_serde_json_writes_it() {
    let (mut events, mut escaped) = (0, 0);
    for dir in evidence() {
        let timeline = postmortem::timeline::build(
            std::slice::from_ref(&dir),
            &LoadOptions::default(),
            &TimeOptions::default(),
        );
        // One writer across the timeline, as the streamed timeline uses it: rows of different
        // inputs interleave, so its provenance members are rendered again and again.
        let mut writer = jsonl::Writer::default();
        for e in &timeline.events {
            let mut ours = Vec::new();
            writer.event(&mut ours, e);
            let reference = serde_json::to_vec(e).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&reference),
                "{} line {}",
                e.provenance.file,
                e.line
            );
            events += 1;
            escaped += usize::from(reference.windows(2).any(|w| w[0] == b'\\'));
        }
    }
    assert!(events > 5_000, "{events} events compared");
    assert!(escaped > 100, "{escaped} events with escapes compared");
}
