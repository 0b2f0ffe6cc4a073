//! Write: put rendered output in place so readers never see a half-written site.
//!
//! Everything is written into a fresh sibling folder `<out>.tmp-<pid>` (same parent, so
//! the final rename stays on one file system and is atomic), in parallel; only when every
//! file is on disk is the old output renamed aside, the new one renamed into place and
//! the old one deleted. Any failure before the swap removes the temp folder and leaves
//! `out` exactly as it was.

mod guard;
pub mod lock;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

pub use guard::{check_out_dir, check_paths, resolve_out, MARKER_FILE};

/// What [`write_site`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Number of output files written (the marker file not counted).
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Writes `files` as the new content of `out`, atomically (see the module docs).
///
/// Refuses, writing nothing, an `out` that [`check_out_dir`] refuses (without a known
/// site root: a folder holding `site.toml` counts as a site) and any set of paths
/// [`check_paths`] refuses. Error messages are Chinese and name the path.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<WriteStats> {
    write_site_for(out, None, files)
}

/// [`write_site`] for the site at `site_root`, so an `out` at or above the site root, or
/// inside its `content/`, is refused even when it cannot be recognised on its own.
pub fn write_site_for(
    out: &Path,
    site_root: Option<&Path>,
    files: &[OutputFile],
) -> io::Result<WriteStats> {
    check_paths(files)?;
    let out = resolve_out(out)?;
    check_out_dir(&out, site_root)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| context(e, "无法创建输出文件夹的上级文件夹", parent))?;
    }

    let temp = sibling(&out, "tmp");
    if temp.exists() {
        // Left by a crashed run that had our pid; it is ours to remove.
        std::fs::remove_dir_all(&temp)
            .map_err(|e| context(e, "无法删除遗留的临时文件夹", &temp))?;
    }
    if let Err(err) = fill(&temp, files) {
        remove_tree(&temp);
        return Err(err);
    }
    if let Err(err) = swap(&temp, &out) {
        remove_tree(&temp);
        return Err(err);
    }
    Ok(WriteStats {
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
    })
}

/// A site being written file by file as it is rendered (see the module docs): files go
/// into the temp folder beside `out` as they arrive, from any thread;
/// [`SiteWriter::commit`] swaps the folder in. Dropping the writer without committing
/// (an error, a leak found) removes the temp folder: `out` is never touched.
#[derive(Debug)]
pub struct SiteWriter {
    out: PathBuf,
    temp: PathBuf,
    /// Folders already created in the temp folder.
    dirs: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
    /// The output being replaced, when it is one of ours: a file whose bytes are
    /// unchanged is hard-linked from it instead of written again.
    previous: Option<PathBuf>,
    /// Cleared after the first failed link (a file system without hard links, such as
    /// a FAT-formatted USB disk): every later file is simply written.
    linking: std::sync::atomic::AtomicBool,
    /// Files reused from the previous output.
    reused: std::sync::atomic::AtomicUsize,
    done: bool,
}

impl SiteWriter {
    /// Checks `out` as [`write_site_for`] does and creates the empty temp folder.
    pub fn begin(out: &Path, site_root: Option<&Path>) -> io::Result<SiteWriter> {
        let out = resolve_out(out)?;
        check_out_dir(&out, site_root)?;
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| context(e, "无法创建输出文件夹的上级文件夹", parent))?;
        }
        let temp = sibling(&out, "tmp");
        if temp.exists() {
            // Left by a crashed run that had our pid; it is ours to remove.
            std::fs::remove_dir_all(&temp)
                .map_err(|e| context(e, "无法删除遗留的临时文件夹", &temp))?;
        }
        std::fs::create_dir(&temp).map_err(|e| context(e, "无法创建临时输出文件夹", &temp))?;
        // Only a folder this tool wrote (it has the marker) lends its files.
        let previous = out.join(MARKER_FILE).is_file().then(|| out.clone());
        Ok(SiteWriter {
            out,
            temp,
            dirs: std::sync::Mutex::new(std::collections::HashSet::new()),
            files: std::sync::atomic::AtomicUsize::new(0),
            bytes: std::sync::atomic::AtomicU64::new(0),
            linking: std::sync::atomic::AtomicBool::new(previous.is_some()),
            previous,
            reused: std::sync::atomic::AtomicUsize::new(0),
            done: false,
        })
    }

    /// Writes one file into the temp folder. Its path is checked as [`check_paths`]
    /// checks it (the plan has already refused two files with one path).
    pub fn write(&self, file: &OutputFile) -> io::Result<()> {
        check_paths(std::slice::from_ref(file))?;
        let full = self.temp.join(&file.path);
        if let Some(dir) = full.parent() {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .contains(dir);
            if !known {
                std::fs::create_dir_all(dir).map_err(|e| context(e, "无法创建输出文件夹", dir))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(dir.to_path_buf());
            }
        }
        if self.reuse(file, &full) {
            self.reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            std::fs::write(&full, &file.bytes)
                .map_err(|e| context(e, "无法写入输出文件", &full))?;
        }
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bytes.fetch_add(
            file.bytes.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(())
    }

    /// Puts the previous output's copy of `file` at `full` by a hard link when its
    /// bytes are the same. Creating a file costs the file system far more than linking
    /// one (measured in BENCHMARKS.md), and a month's rebuild leaves most pages as
    /// they were; unchanged files also keep their time, so upload tools that compare
    /// times send only what changed. The old copy is never modified: a build that
    /// fails still leaves the previous output whole.
    fn reuse(&self, file: &OutputFile, full: &Path) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let Some(previous) = &self.previous else {
            return false;
        };
        if !self.linking.load(Relaxed) {
            return false;
        }
        let old = previous.join(&file.path);
        // The length first: most changed files differ in it, and it needs no read.
        // `symlink_metadata`: a link someone put in the output is never followed.
        match std::fs::symlink_metadata(&old) {
            Ok(meta) if meta.is_file() && meta.len() == file.bytes.len() as u64 => {}
            _ => return false,
        }
        match std::fs::read(&old) {
            Ok(bytes) if bytes == file.bytes => {}
            _ => return false,
        }
        if std::fs::hard_link(&old, full).is_ok() {
            true
        } else {
            self.linking.store(false, Relaxed);
            false
        }
    }

    /// How many files were reused from the previous output (hard links of unchanged
    /// files) rather than written.
    pub fn reused(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Files and bytes written so far.
    pub fn stats(&self) -> WriteStats {
        WriteStats {
            files: self.files.load(std::sync::atomic::Ordering::Relaxed),
            bytes: self.bytes.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Writes the marker and puts the new site in place of `out`.
    pub fn commit(mut self) -> io::Result<WriteStats> {
        let marker = self.temp.join(MARKER_FILE);
        std::fs::write(&marker, guard::MARKER_TEXT)
            .map_err(|e| context(e, "无法写入输出文件", &marker))?;
        swap(&self.temp, &self.out)?;
        self.done = true;
        Ok(self.stats())
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        if !self.done {
            remove_tree(&self.temp);
        }
    }
}

/// `<out>.<tag>-<pid>`, beside `out`.
fn sibling(out: &Path, tag: &str) -> PathBuf {
    let mut name = OsString::from(out.file_name().unwrap_or_default());
    name.push(format!(".{tag}-{}", std::process::id()));
    out.with_file_name(name)
}

fn context(err: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{what} {}：{err}", path.display()))
}

/// Creates `temp` and writes every file (and the marker) into it.
fn fill(temp: &Path, files: &[OutputFile]) -> io::Result<()> {
    std::fs::create_dir(temp).map_err(|e| context(e, "无法创建临时输出文件夹", temp))?;
    let dirs: BTreeSet<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    // Sorted, so a parent is created before its children and create_dir_all does
    // little work per folder.
    for dir in dirs {
        let full = temp.join(dir);
        std::fs::create_dir_all(&full).map_err(|e| context(e, "无法创建输出文件夹", &full))?;
    }
    files.par_iter().try_for_each(|file| {
        let full = temp.join(&file.path);
        std::fs::write(&full, &file.bytes).map_err(|e| context(e, "无法写入输出文件", &full))
    })?;
    let marker = temp.join(MARKER_FILE);
    std::fs::write(&marker, guard::MARKER_TEXT).map_err(|e| context(e, "无法写入输出文件", &marker))
}

/// Puts `temp` in the place of `out`: old aside, new in, old deleted. If the new one
/// cannot be moved in, the old one is moved back.
fn swap(temp: &Path, out: &Path) -> io::Result<()> {
    let exists = std::fs::symlink_metadata(out).is_ok();
    if !exists {
        return std::fs::rename(temp, out).map_err(|e| context(e, "无法把新生成的网站放到", out));
    }
    let old = sibling(out, "old");
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .map_err(|e| context(e, "无法删除遗留的旧输出文件夹", &old))?;
    }
    std::fs::rename(out, &old).map_err(|e| {
        context(
            e,
            "无法替换输出文件夹（可能有程序正在使用其中的文件，请关闭后重试）",
            out,
        )
    })?;
    if let Err(err) = std::fs::rename(temp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(context(err, "无法把新生成的网站放到", out));
    }
    // The new site is in place; failing to delete the old copy loses nothing.
    remove_tree(&old);
    Ok(())
}

/// Deletes a folder tree, files in parallel: on the virtual disks townships rent,
/// deleting thousands of small files one by one can take longer than writing them.
/// Errors are ignored (the caller only tidies up).
fn remove_tree(dir: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
            source: None,
        }
    }

    /// Every file under `dir`, relative path → bytes.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn leftovers(parent: &Path) -> Vec<String> {
        std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
            .collect()
    }

    #[test]
    fn writes_then_replaces_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stats = write_site(
            &out,
            &[
                file("index.html", "首页"),
                file("months/2024-05/index.html", "五月"),
            ],
        )
        .unwrap();
        assert_eq!(
            stats,
            WriteStats {
                files: 2,
                bytes: 12
            }
        );
        let first = snapshot(&out);
        assert_eq!(first["months/2024-05/index.html"], "五月".as_bytes());
        assert!(first.contains_key(MARKER_FILE));

        write_site(&out, &[file("index.html", "新首页")]).unwrap();
        let second = snapshot(&out);
        assert_eq!(second.len(), 2, "stale files are gone: {:?}", second.keys());
        assert_eq!(second["index.html"], "新首页".as_bytes());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn failure_in_the_middle_leaves_out_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("index.html", "旧"), file("a/b.html", "旧b")]).unwrap();
        let before = snapshot(&out);

        // Many good files and one whose name the file system rejects (too long): the
        // failure happens while the others are being written.
        let mut files: Vec<OutputFile> = (0..200)
            .map(|i| file(&format!("hazards/{i}.html"), "新"))
            .collect();
        files.insert(
            100,
            file(&format!("hazards/{}.html", "长".repeat(200)), "x"),
        );
        let err = write_site(&out, &files).unwrap_err();
        assert!(err.to_string().contains("无法写入输出文件"), "{err}");

        assert_eq!(snapshot(&out), before);
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }

    #[test]
    fn streamed_site_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("index.html", "旧")]).unwrap();
        let before = snapshot(&out);

        // Dropped before commit (a leak was found): nothing changes, nothing is left.
        let writer = SiteWriter::begin(&out, None).unwrap();
        writer.write(&file("index.html", "新")).unwrap();
        writer
            .write(&file("months/2024-05/index.html", "五月"))
            .unwrap();
        assert!(writer.write(&file("../evil", "x")).is_err());
        drop(writer);
        assert_eq!(snapshot(&out), before);
        assert!(leftovers(dir.path()).is_empty());

        let writer = SiteWriter::begin(&out, None).unwrap();
        writer.write(&file("index.html", "新")).unwrap();
        writer
            .write(&file("months/2024-05/index.html", "五月"))
            .unwrap();
        assert_eq!(snapshot(&out), before, "not visible before commit");
        let stats = writer.commit().unwrap();
        assert_eq!(stats, WriteStats { files: 2, bytes: 9 });
        let after = snapshot(&out);
        assert_eq!(after["months/2024-05/index.html"], "五月".as_bytes());
        assert!(after.contains_key(MARKER_FILE));
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let inode = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
        let first = SiteWriter::begin(&out, None).unwrap();
        for f in [
            file("a.html", "甲"),
            file("b.html", "乙"),
            file("c.html", "丙"),
        ] {
            first.write(&f).unwrap();
        }
        assert_eq!(first.reused(), 0, "nothing to reuse the first time");
        first.commit().unwrap();
        let (a, b) = (inode("a.html"), inode("b.html"));
        // Someone put a link in the output: it is never followed.
        std::os::unix::fs::symlink(out.join("a.html"), out.join("d.html")).unwrap();

        // A failed second build leaves every old file as it was.
        let failed = SiteWriter::begin(&out, None).unwrap();
        failed.write(&file("a.html", "甲")).unwrap();
        failed.write(&file("b.html", "改")).unwrap();
        drop(failed);
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), "乙".as_bytes());

        let second = SiteWriter::begin(&out, None).unwrap();
        second.write(&file("a.html", "甲")).unwrap(); // same
        second.write(&file("b.html", "丁")).unwrap(); // same length, other bytes
        second.write(&file("d.html", "甲")).unwrap(); // the old one is a symlink
        assert_eq!(second.reused(), 1);
        second.commit().unwrap();
        assert_eq!(inode("a.html"), a, "unchanged: linked");
        assert_ne!(inode("b.html"), b, "changed: written anew");
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), "丁".as_bytes());
        assert!(!out.join("c.html").exists(), "gone from the site: gone");
        assert!(!std::fs::symlink_metadata(out.join("d.html"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn refused_paths_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let err = write_site(&out, &[file("index.html", "x"), file("../evil", "x")]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(!out.exists());
        let dup = write_site(&out, &[file("a.html", "x"), file("a.html", "y")]);
        assert!(dup.is_err());
        assert!(!out.exists());
    }

    #[test]
    fn refuses_site_root_and_content() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::write(site.join("site.toml"), "title = \"x\"\n").unwrap();
        let before = snapshot(&site);
        for out in [site.clone(), site.join("content"), site.join("content/out")] {
            assert!(
                write_site(&out, &[file("index.html", "x")]).is_err(),
                "{out:?}"
            );
        }
        assert!(write_site_for(dir.path(), Some(&site), &[file("index.html", "x")]).is_err());
        assert_eq!(snapshot(&site), before);
        write_site_for(
            &site.join("public"),
            Some(&site),
            &[file("index.html", "x")],
        )
        .unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_out_replaces_the_real_folder() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("www");
        write_site(&real, &[file("index.html", "旧")]).unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_site(&link, &[file("index.html", "新")]).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read(link.join("index.html")).unwrap(),
            "新".as_bytes()
        );
    }

    #[test]
    fn relative_out_with_dots_is_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x/../public");
        write_site(&out, &[file("index.html", "x")]).unwrap();
        assert!(dir.path().join("public/index.html").is_file());
    }
}
