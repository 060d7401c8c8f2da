//! Walking a directory bundle without opening anything but directories: regular files to
//! load, everything else noted with why (unreadable directories, FIFOs, sockets, devices,
//! symbolic links leaving the bundle, to directories or dangling).

use std::fs;
use std::path::{Path, PathBuf};

use super::{io_words, Input};

/// What the walk found at one path of a directory bundle.
pub(super) enum Found {
    /// A regular file (or a symbolic link to one inside the bundle) to load.
    File(PathBuf),
    /// Something not read, with the reason already written: an unreadable directory, a
    /// symbolic link leaving the bundle, a FIFO or a device.
    Noted(Box<Input>),
}

/// Recursively lists what is under `dir` as (path relative to `root`, what it is).
///
/// Never opens anything but directories: FIFOs, sockets and devices are noted and skipped (a
/// FIFO's open would block forever), symbolic links are followed only to regular files inside
/// the bundle (`canonical_root`), never to directories (no loops) nor out of the bundle.
pub(super) fn walk(canonical_root: &Path, root: &Path, dir: &Path, found: &mut Vec<(String, Found)>) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let rel = relative(root, dir);
            let why = format!("cannot list directory: {}", io_words(&e));
            found.push((rel.clone(), Found::Noted(Box::new(Input::failed(rel, why)))));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = relative(root, &path);
        let Ok(file_type) = entry.file_type() else { continue };
        if file_type.is_dir() && entry.file_name() == ".git" {
            // A repository's .git: only its reflogs are evidence (see `git_internal`).
            let logs = path.join("logs");
            if fs::symlink_metadata(&logs).is_ok_and(|m| m.is_dir()) {
                walk(canonical_root, root, &logs, found);
            }
        } else if file_type.is_dir() {
            walk(canonical_root, root, &path, found);
        } else if file_type.is_file() {
            found.push((rel, Found::File(path)));
        } else if file_type.is_symlink() {
            match symlink_inside(canonical_root, &path) {
                Ok(()) => found.push((rel, Found::File(path))),
                Err(why) => found.push((rel.clone(), Found::Noted(Box::new(Input::skipped(rel, why))))),
            }
        } else {
            let why = special_file(&file_type).unwrap_or("not a regular file");
            found.push((
                rel.clone(),
                Found::Noted(Box::new(Input::skipped(rel, format!("{why}: skipped, never opened")))),
            ));
        }
    }
}

/// `Ok` when the symbolic link at `path` resolves to a regular file inside the bundle;
/// otherwise why it is not followed.
fn symlink_inside(canonical_root: &Path, path: &Path) -> Result<(), String> {
    let written = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
    let target = match fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) => return Err(format!("symbolic link to {written}: cannot follow it ({})", io_words(&e))),
    };
    if !target.starts_with(canonical_root) {
        return Err(format!("symbolic link to {written}, outside the evidence: not followed"));
    }
    match fs::metadata(&target) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) if m.is_dir() => Err(format!(
            "symbolic link to the directory {written}: not followed (its files are read where they are)"
        )),
        Ok(m) => Err(format!(
            "symbolic link to {written}, {}: skipped, never opened",
            special_file(&m.file_type()).unwrap_or("not a regular file")
        )),
        Err(e) => Err(format!("symbolic link to {written}: cannot follow it ({})", io_words(&e))),
    }
}

/// What a file that is neither a regular file, a directory nor a symbolic link is.
pub(super) fn special_file(file_type: &fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        } else if file_type.is_socket() {
            return Some("a socket");
        } else if file_type.is_block_device() {
            return Some("a block device");
        } else if file_type.is_char_device() {
            return Some("a character device");
        }
    }
    let _ = file_type;
    None
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}
