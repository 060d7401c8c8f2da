//! Evidence inside compressed files and archives is read in place, hashed, and gives the
//! same events as the plain files.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::*;
use serde_json::Value;

/// The sample's events with the file names stripped to what is comparable across packings.
fn comparable(events: &[Value]) -> Vec<(String, String, String, u64)> {
    events
        .iter()
        .map(|e| {
            (
                e["time"].to_string(),
                e["kind"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn timeline_jsonl(path: &Path) -> Vec<Value> {
    let out = postmortem(["timeline", path.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}

fn inputs_jsonl(path: &Path) -> Vec<Value> {
    jsonl(&postmortem(["inputs", path.to_str().unwrap(), "--format", "jsonl"]))
}

fn tar_of_sample(gzip: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for rel in sample_files() {
        let bytes = fs::read(sample().join(&rel)).unwrap();
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_771_340_000);
        header.set_cksum();
        builder.append_data(&mut header, format!("incident/{rel}"), &bytes[..]).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    if !gzip {
        return tar;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

#[test]
fn tar_gz_bundle_gives_the_same_events_with_member_paths() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("bundle.tar.gz");
    fs::write(&archive, tar_of_sample(true)).unwrap();
    let plain = timeline_jsonl(&sample());
    let packed = timeline_jsonl(&archive);
    assert_eq!(comparable(&plain), comparable(&packed));
    assert!(packed.iter().any(|e| e["file"] == "bundle.tar.gz!/incident/pm2/pm2.log"));

    let inputs = inputs_jsonl(&archive);
    assert_eq!(inputs[0]["file"], "bundle.tar.gz");
    assert_eq!(inputs[0]["format"], "archive");
    assert_eq!(inputs[0]["sha256"], sha256_file(&archive));
    let member = inputs.iter().find(|i| i["file"] == "bundle.tar.gz!/incident/var/log/auth.log").unwrap();
    assert_eq!(member["sha256"], sha256_file(&sample().join("var/log/auth.log")));
    // The manifest one directory down is the bundle's root manifest: its mtimes win.
    assert_eq!(member["mtime"]["source"], "manifest");
}

#[test]
fn plain_tar_zip_gz_and_zst_all_read_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let auth = fs::read(sample().join("var/log/auth.log")).unwrap();

    fs::write(dir.path().join("b.tar"), tar_of_sample(false)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&auth).unwrap();
    fs::write(dir.path().join("auth.log.2.gz"), gz.finish().unwrap()).unwrap();
    fs::write(
        dir.path().join("auth.log.3.zst"),
        ruzstd::encoding::compress_to_vec(&auth[..], ruzstd::encoding::CompressionLevel::Fastest),
    )
    .unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("logs/auth.log", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&auth).unwrap();
    fs::write(dir.path().join("logs.zip"), zip.finish().unwrap().into_inner()).unwrap();

    let inputs = inputs_jsonl(dir.path());
    let by_file =
        |f: &str| inputs.iter().find(|i| i["file"] == f).unwrap_or_else(|| panic!("{f} in {inputs:?}"));
    for (file, container) in [
        ("auth.log.2.gz", "auth.log.2.gz"),
        ("auth.log.3.zst", "auth.log.3.zst"),
        ("logs.zip!/logs/auth.log", "logs.zip"),
        ("b.tar!/incident/var/log/auth.log", "b.tar"),
    ] {
        let input = by_file(file);
        if file.starts_with("logs.zip") {
            // The same bytes as the tar member before it: counted once, lines still accounted.
            assert_eq!(input["format"], "skipped", "{file}");
            assert!(input["reason"]
                .as_str()
                .unwrap()
                .starts_with("same content as b.tar!/incident/var/log/auth.log"));
        } else {
            assert_eq!(input["format"], "syslog", "{file}");
        }
        assert_eq!(input["lines"]["total"], 27, "{file}");
        assert_eq!(input["lines"]["unparsed"], 0, "{file}");
        assert_eq!(by_file(container)["sha256"], sha256_file(&dir.path().join(container)), "{file}");
    }
    let gz_events = timeline_jsonl(&dir.path().join("auth.log.2.gz"));
    assert!(gz_events.iter().all(|e| e["file"] == "auth.log.2.gz"));
}

#[test]
fn corrupt_archive_is_reported_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut broken = tar_of_sample(true);
    broken.truncate(broken.len() / 2);
    fs::write(dir.path().join("broken.tar.gz"), broken).unwrap();
    fs::copy(sample().join("pm2/pm2.log"), dir.path().join("pm2.log")).unwrap();
    let out = postmortem(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "the good file still counts");
    let inputs = jsonl(&out);
    let broken = inputs.iter().find(|i| i["file"] == "broken.tar.gz").unwrap();
    assert_eq!(broken["format"], "failed");
    assert!(broken["reason"].as_str().unwrap().contains("corrupt or truncated"), "{broken}");
    assert!(stderr(&out).contains("broken.tar.gz"));
    assert!(inputs.iter().any(|i| i["file"] == "pm2.log" && i["format"] == "pm2-log"));
}
