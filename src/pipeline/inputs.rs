//! What a pipeline watches: the kinds of input ([`Input`]), the stamps that tell whether
//! an input's folder changed since it was read ([`Stamp`]), and the files editors leave
//! beside the real ones ([`is_editor_litter`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::diag::Finding;

/// The kinds of input, each cached on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// `site.toml`
    Config,
    /// `content/registers/`
    Registers,
    /// `content/notices/`
    Notices,
    /// `content/pages/`
    Pages,
    /// `content/tasks/`
    Tasks,
    /// `themes/`, `templates/`, `static/`: read by the renderer on every render.
    Theme,
}

impl Input {
    /// The content inputs, in load order.
    pub(super) const CONTENT: [Input; 4] =
        [Input::Registers, Input::Notices, Input::Pages, Input::Tasks];

    /// The input a path (relative to the site root) belongs to, if any. Paths outside
    /// the watched folders (`public/`, `target/`, notes at the root) belong to none.
    pub fn of(rel: &Path) -> Option<Input> {
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next()?;
        match first.as_ref() {
            CONFIG_FILE => Some(Input::Config),
            "themes" | "templates" | "static" => Some(Input::Theme),
            "content" => match parts.next()?.as_ref() {
                "registers" => Some(Input::Registers),
                "notices" => Some(Input::Notices),
                "pages" => Some(Input::Pages),
                "tasks" => Some(Input::Tasks),
                // The ledger reads corrections with the registers: a changed correction
                // re-checks them (as does a changed seal in archive/).
                "corrections" => Some(Input::Registers),
                _ => None,
            },
            crate::ledger::seal::ARCHIVE_DIR => Some(Input::Registers),
            _ => None,
        }
    }

    /// The folder (or file) of this input, relative to the site root.
    fn location(self) -> &'static str {
        match self {
            Input::Config => CONFIG_FILE,
            Input::Registers => "content/registers",
            Input::Notices => "content/notices",
            Input::Pages => "content/pages",
            Input::Tasks => "content/tasks",
            Input::Theme => "themes",
        }
    }
}

/// True for files editors, office suites and operating systems leave beside the real
/// ones while saving: `x~`, `.x.swp`, `#x#`, `.#x`, `~$x.csv`, `x.tmp`, vim's `4913`
/// probe, hidden files. Changes to them never trigger a rebuild.
pub fn is_editor_litter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".crswap"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// True when two loads of `site.toml` gave the same settings (and neither failed).
pub(super) fn same_config(a: &Option<SiteConfig>, b: &Option<SiteConfig>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

/// A file modified less than this long before a stamp was taken may be modified again
/// within the same timestamp tick (coarse kernel clocks, 2 s on FAT drives) without its
/// stamp changing; such a stamp is never trusted (as git treats "racily clean" files).
pub(super) const RACY_WINDOW: Duration = Duration::from_secs(3);

/// Every file under one input's folder: relative path, length and modification time.
/// An input whose stamp is unchanged (and was not racy) has not changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) entries: Vec<(PathBuf, u64, Option<SystemTime>)>,
    /// Some file was modified within [`RACY_WINDOW`] of taking the stamp (or has no
    /// readable time): the stamp cannot vouch for its content.
    pub(super) racy: bool,
}

impl Stamp {
    pub(super) fn take(root: &Path, input: Input) -> Stamp {
        match input {
            Input::Theme => Stamp::of(root, &["themes", "templates", "static"]),
            other => Stamp::of(root, &[other.location()]),
        }
    }

    /// The stamp of every file under `locations` (folders or files relative to `root`).
    pub(super) fn of(root: &Path, locations: &[&str]) -> Stamp {
        let now = SystemTime::now();
        let mut stamp = Stamp::default();
        for location in locations {
            let walker = WalkDir::new(root.join(location))
                .follow_links(true)
                .sort_by_file_name();
            // Unreadable entries are left out: the loader reports them, and the stamp
            // changes when they become readable.
            for entry in walker.into_iter().flatten() {
                // Lock files Excel/WPS keep while a register is open (`~$东堡村.xlsx`,
                // `.~东堡村.xlsx`) and editors' swap files are never read: opening a
                // workbook does not make the input stale.
                if entry.file_type().is_dir()
                    || is_editor_litter(&entry.file_name().to_string_lossy())
                {
                    continue;
                }
                let meta = entry.metadata().ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let recent = modified
                    .is_none_or(|m| now.duration_since(m).map_or(true, |age| age < RACY_WINDOW));
                stamp.racy |= recent;
                stamp.entries.push((
                    crate::diag::relative_path(root, entry.path()),
                    meta.as_ref().map_or(0, |m| m.len()),
                    modified,
                ));
            }
        }
        stamp
    }

    /// True when what was read at `self` is still what `now` describes.
    pub(super) fn still_valid(&self, now: &Stamp) -> bool {
        !self.racy && self.entries == now.entries
    }
}

/// One cached input: what its loader returned, its findings and the stamp it was read at.
#[derive(Debug, Clone)]
pub(super) struct Slot<T> {
    pub(super) stamp: Stamp,
    pub(super) value: T,
    pub(super) findings: Vec<Finding>,
    pub(super) files: usize,
}

impl<T> Slot<T> {
    /// What a loader returned (`value`, the number of `files` read, its `findings`),
    /// read at `stamp`.
    pub(super) fn new(
        stamp: Stamp,
        value: T,
        findings: crate::diag::Findings,
        files: usize,
    ) -> Self {
        Slot {
            stamp,
            value,
            findings: findings.items,
            files,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::backdate;

    #[test]
    fn input_of_path() {
        assert_eq!(Input::of(Path::new("site.toml")), Some(Input::Config));
        assert_eq!(
            Input::of(Path::new("content/registers/2025-01/甲村.csv")),
            Some(Input::Registers)
        );
        assert_eq!(
            Input::of(Path::new("content/notices/2025/通知.md")),
            Some(Input::Notices)
        );
        assert_eq!(
            Input::of(Path::new("content/pages/a.md")),
            Some(Input::Pages)
        );
        assert_eq!(
            Input::of(Path::new("content/tasks/a.csv")),
            Some(Input::Tasks)
        );
        assert_eq!(
            Input::of(Path::new("templates/base.html")),
            Some(Input::Theme)
        );
        assert_eq!(Input::of(Path::new("static/logo.png")), Some(Input::Theme));
        assert_eq!(Input::of(Path::new("themes/default/x")), Some(Input::Theme));
        assert_eq!(Input::of(Path::new("public/index.html")), None);
        assert_eq!(Input::of(Path::new("content")), None);
        assert_eq!(Input::of(Path::new("README.md")), None);
    }

    #[test]
    fn editor_litter() {
        for name in [
            "甲村.csv~",
            ".甲村.csv.swp",
            "#通知.md#",
            ".#通知.md",
            "~$甲村.csv",
            "甲村.csv.tmp",
            "4913",
            ".DS_Store",
            "~$东堡村.xlsx",
            ".~东堡村.xlsx",
        ] {
            assert!(is_editor_litter(name), "{name}");
        }
        for name in [
            "甲村.csv",
            "东堡村.xlsx",
            "2026-05.xlsx",
            "通知.md",
            "site.toml",
            "4913.csv",
            "base.html",
        ] {
            assert!(!is_editor_litter(name), "{name}");
        }
    }

    #[test]
    fn stamp_sees_edit_add_delete_and_rename() {
        let dir = tempfile::tempdir().unwrap();
        let month = dir.path().join("content/registers/2025-01");
        std::fs::create_dir_all(&month).unwrap();
        std::fs::write(month.join("a.csv"), "x").unwrap();
        let first = Stamp::take(dir.path(), Input::Registers);
        assert!(first.racy, "just written");
        assert!(!first.still_valid(&Stamp::take(dir.path(), Input::Registers)));
        backdate(&month.join("a.csv"), 60);
        let old = Stamp::take(dir.path(), Input::Registers);
        assert!(!old.racy);
        assert!(old.still_valid(&Stamp::take(dir.path(), Input::Registers)));
        // Excel opening a workbook leaves its lock file: nothing to read again.
        std::fs::write(month.join("~$b.xlsx"), "lock").unwrap();
        assert!(old.still_valid(&Stamp::take(dir.path(), Input::Registers)));
        std::fs::write(month.join("a.csv"), "xy").unwrap();
        backdate(&month.join("a.csv"), 30);
        let edited = Stamp::take(dir.path(), Input::Registers);
        assert!(!old.still_valid(&edited));
        std::fs::rename(&month, dir.path().join("content/registers/2025-02")).unwrap();
        assert!(!edited.still_valid(&Stamp::take(dir.path(), Input::Registers)));
        assert_eq!(Stamp::take(dir.path(), Input::Notices), Stamp::default());
    }
}
