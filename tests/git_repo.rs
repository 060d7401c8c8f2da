//! A repository's `.git` inside a bundle is read for its reflogs only: checkouts, pulls and
//! resets on the server with exact times, the best deploy evidence. Objects, index and refs
//! are not listed as inputs.

mod common;

use common::*;

/// Raw reflog lines as git 2.47 writes them (`<old> <new> Name <email> <epoch> <zone>\t<msg>`).
const HEAD_LOG: &str = "\
0000000000000000000000000000000000000000 0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b gitea-runner <runner@projectium> 1771258360 +0100\tclone: from https://gitea.projectium.com/projectium/flyer-crawler.git
0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b 5f3e2a1c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f gitea-runner <runner@projectium> 1771338622 +0100\tpull --ff-only: Fast-forward
";

#[test]
fn only_reflogs_of_a_git_directory_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let git = dir.path().join("repo/.git");
    std::fs::create_dir_all(git.join("objects/5f")).unwrap();
    std::fs::create_dir_all(git.join("logs/refs/heads")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(git.join("objects/5f/3e2a1c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"), [0x78, 0x01, 0x00, 0xff])
        .unwrap();
    std::fs::write(git.join("logs/HEAD"), HEAD_LOG).unwrap();
    std::fs::write(git.join("logs/refs/heads/main"), HEAD_LOG).unwrap();

    let out = postmortem(["inputs", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = jsonl(&out).iter().map(|i| i["file"].as_str().unwrap().to_string()).collect();
    assert_eq!(files, ["repo/.git/logs/HEAD", "repo/.git/logs/refs/heads/main"]);

    let out = postmortem(["timeline", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let events = jsonl(&out);
    let pull = events
        .iter()
        .find(|e| e["kind"] == "reflog" && e["fields"]["ref"] == "refs/heads/main" && e["line"] == 2)
        .expect("the pull on main");
    // 1771338622 = 2026-02-17T14:30:22Z: the runner's pull, eighteen seconds before the deletion.
    assert_eq!(pull["time"], "2026-02-17T14:30:22.000000Z");
    assert_eq!(pull["fields"]["action"], "pull");
    assert_eq!(pull["fields"]["new"], "5f3e2a1c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f");
}
