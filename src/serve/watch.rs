//! Watching the site folder: one recursive watch on the root (so folders created later
//! are watched too), debounced, and filtered down to the paths that feed the site:
//! `site.toml`, `content/`, `themes/`, `templates/`, `static/`. The output (`public/`),
//! hidden folders and the litter editors leave while saving never trigger a rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};

use crate::pipeline::{is_editor_litter, Input};

/// How long the watcher waits for a burst of events (an editor's save, a copied folder)
/// to end before reporting it. Short, because it is added to every edit's delay: an
/// editor's save is a burst of well under a millisecond, and a burst that outlasts it
/// (a folder copied in slowly) only costs one more rebuild, which the build thread
/// merges with anything that arrives while it runs.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the watcher tells the build thread.
#[derive(Debug)]
pub enum WatchMsg {
    /// Paths that changed (already filtered; never empty).
    Changed(Vec<PathBuf>),
    /// The watcher failed; the message is for the terminal.
    Error(String),
    /// Stop the build thread.
    Stop,
}

/// The running watcher; dropping it stops watching.
pub type Watcher = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// Starts watching `root` (an absolute path) recursively, sending the relevant changes
/// to `tx`.
pub fn start(root: &Path, tx: Sender<WatchMsg>) -> notify::Result<Watcher> {
    let filter_root = root.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let msg = match result {
            Ok(events) => {
                let paths = relevant_paths(&filter_root, &events);
                if paths.is_empty() {
                    return;
                }
                WatchMsg::Changed(paths)
            }
            Err(errors) => WatchMsg::Error(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
        };
        // The build thread is gone only while shutting down.
        let _ = tx.send(msg);
    })?;
    debouncer.watch(root, RecursiveMode::Recursive)?;
    Ok(debouncer)
}

/// The paths of `events` that should trigger a rebuild, deduplicated.
pub fn relevant_paths(root: &Path, events: &[DebouncedEvent]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = events
        .iter()
        .filter(|event| is_change(&event.kind))
        .flat_map(|event| event.paths.iter())
        .filter(|path| is_relevant_path(root, path))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// True for events that may change what a file holds or where it is. Reads (our own
/// pipeline opening files), and access-time updates are not changes: counting them
/// would rebuild forever.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Any | EventKind::Other => true,
    }
}

/// True when `path` is inside a watched part of the site and is neither hidden nor
/// editor litter (`*~`, `.*.swp`, `#*#`, `.#*`, `~$*`, `*.tmp`, `4913`).
pub fn is_relevant_path(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    if Input::of(rel).is_none() {
        return false;
    }
    rel.components().all(|c| {
        let name = c.as_os_str().to_string_lossy();
        !is_editor_litter(&name)
    })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};
    use notify::Event;

    use super::*;

    fn event(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut event = Event::new(kind);
        for path in paths {
            event = event.add_path(PathBuf::from(path));
        }
        DebouncedEvent::new(event, Instant::now())
    }

    #[test]
    fn paths_that_feed_the_site() {
        let root = Path::new("/site");
        for path in [
            "/site/site.toml",
            "/site/content/registers/2025-01/甲村.csv",
            "/site/content/registers/2025-01",
            "/site/content/notices/2025/通知.md",
            "/site/templates/base.html",
            "/site/themes/default/static/site.css",
            "/site/static/logo.png",
        ] {
            assert!(is_relevant_path(root, Path::new(path)), "{path}");
        }
        for path in [
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/README.md",
            "/site/.git/index",
            "/site/content/.hidden/a.md",
            "/site/content/registers/2025-01/甲村.csv~",
            "/site/content/registers/2025-01/~$甲村.csv",
            "/site/content/notices/.通知.md.swp",
            "/site/content/notices/#通知.md#",
            "/site/content/notices/.#通知.md",
            "/site/content/notices/4913",
            "/site/content/notices/通知.md.tmp",
            "/elsewhere/content/notices/a.md",
        ] {
            assert!(!is_relevant_path(root, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        let root = Path::new("/site");
        let events = [
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                &["/site/site.toml"],
            ),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &["/site/site.toml"],
            ),
        ];
        assert!(relevant_paths(root, &events).is_empty());
        let events = [
            event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &["/site/content/notices/a.md"],
            ),
            event(
                EventKind::Create(CreateKind::File),
                &["/site/content/notices/a.md"],
            ),
            event(
                EventKind::Remove(RemoveKind::File),
                &["/site/public/a.html"],
            ),
        ];
        assert_eq!(
            relevant_paths(root, &events),
            vec![PathBuf::from("/site/content/notices/a.md")]
        );
    }

    #[test]
    fn renames_count_either_side() {
        let root = Path::new("/site");
        let events = [event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &[
                "/site/content/registers/2025-02",
                "/site/content/registers/2025-04",
            ],
        )];
        assert_eq!(relevant_paths(root, &events).len(), 2);
        // Saving through a temp file: the temp side alone is litter, the target counts.
        let events = [event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &[
                "/site/content/notices/a.md.tmp",
                "/site/content/notices/a.md",
            ],
        )];
        assert_eq!(
            relevant_paths(root, &events),
            vec![PathBuf::from("/site/content/notices/a.md")]
        );
    }
}
