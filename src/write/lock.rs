//! One build at a time per output folder, and the litter of killed builds removed.
//!
//! A build holds an exclusive lock on `.<out>.lock` beside the output (an OS file lock via
//! `fs4`: released by the OS when the process dies, so a killed build never leaves a
//! stale lock). A second build into the same output waits for the first, saying so.
//! Holding the lock, a build knows every `<out>.tmp-<pid>` and `<out>.old-<pid>` folder
//! beside the output belongs to a build that died, and removes it.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

/// The lock on an output folder; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    /// Leftover temp folders removed when the lock was taken.
    pub removed: Vec<PathBuf>,
}

/// The lock file of output `out`: `.<out>.lock` beside it (hidden: staff upload the
/// output folder, not its neighbours).
pub fn lock_path(out: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(out.file_name().unwrap_or_default());
    name.push(".lock");
    out.with_file_name(name)
}

impl OutputLock {
    /// Takes the lock on `out` (resolved, absolute), calling `waiting` once if another
    /// build holds it, then removes the temp folders killed builds left beside it.
    pub fn acquire(out: &Path, waiting: impl FnOnce()) -> io::Result<OutputLock> {
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let path = lock_path(out);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                io::Error::new(e.kind(), format!("无法创建锁文件 {}：{e}", path.display()))
            })?;
        if !FileExt::try_lock_exclusive(&file)? {
            waiting();
            FileExt::lock_exclusive(&file)?;
        }
        let removed = remove_leftovers(out);
        Ok(OutputLock { file, removed })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = FileExt::unlock(&self.file);
    }
}

/// Removes `<out>.tmp-*` and `<out>.old-*` beside `out` (the caller holds the lock, so
/// none of them is in use). Returns what it removed.
fn remove_leftovers(out: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return removed;
    };
    for entry in entries.flatten() {
        let other = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = other.strip_prefix(name.as_ref()) else {
            continue;
        };
        let leftover = ["tmp-", "old-"].iter().any(|tag| {
            rest.strip_prefix('.')
                .and_then(|r| r.strip_prefix(tag))
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if leftover && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let path = entry.path();
            if std::fs::remove_dir_all(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_and_leftovers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(dir.path().join("public.tmp-99999/pages")).unwrap();
        std::fs::create_dir_all(dir.path().join("public.old-12")).unwrap();
        std::fs::create_dir_all(dir.path().join("public.tmp-notapid")).unwrap();
        std::fs::create_dir_all(dir.path().join("publicity.tmp-1")).unwrap();
        let first = OutputLock::acquire(&out, || panic!("nobody holds it")).unwrap();
        assert_eq!(
            first.removed,
            [
                dir.path().join("public.old-12"),
                dir.path().join("public.tmp-99999")
            ]
        );
        assert!(dir.path().join("public.tmp-notapid").exists());
        assert!(dir.path().join("publicity.tmp-1").exists());
        let (tx, rx) = std::sync::mpsc::channel();
        let out2 = out.clone();
        let second = std::thread::spawn(move || {
            OutputLock::acquire(&out2, || tx.send(()).unwrap()).map(|_| ())
        });
        rx.recv().expect("the second build is told it waits");
        drop(first);
        second.join().unwrap().unwrap();
    }
}
