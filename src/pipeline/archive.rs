//! The preview's copy of the site's `archive/` (the seals), kept from run to run: a
//! county's is 35 MB to read, hash and parse, and a save in the preview changes a
//! register, not a seal. Before each run [`KeptArchive::changed`] says whether the
//! files still are the ones read; [`current`] hands the kept copy to the ledger or reads
//! the folder again.

use std::path::Path;
use std::sync::Arc;

use super::inputs::Stamp;
use crate::ledger::chain::Archive;
use crate::ledger::seal::ARCHIVE_DIR;

/// The archive as last read, with the stamp of its files when it was read.
#[derive(Debug)]
pub(super) struct KeptArchive {
    stamp: Stamp,
    pub(super) archive: Arc<Archive>,
}

impl KeptArchive {
    /// True when the files of `archive/` are no longer (or cannot be shown to be) the
    /// ones this was read from. When they are, the stamp is renewed (one taken after
    /// the folder was copied in vouches for nothing; a later one may).
    pub(super) fn changed(&mut self, root: &Path) -> bool {
        let now = stamp(root);
        if self.still_holds(root, &now) {
            self.stamp = now;
            return false;
        }
        true
    }

    /// True when `archive/`, stamped `now`, still holds what this was read from: the
    /// stamp vouches for it, or (a stamp taken just after the folder was copied in,
    /// which cannot) the same files are there and every seal file still has the bytes
    /// read, compared rather than hashed and parsed again.
    fn still_holds(&self, root: &Path, now: &Stamp) -> bool {
        if self.stamp.still_valid(now) {
            return true;
        }
        if self.stamp.entries != now.entries || !self.archive.problems.is_empty() {
            return false;
        }
        let dir = root.join(ARCHIVE_DIR);
        self.archive.seals.iter().all(|seal| {
            std::fs::read(dir.join(seal.file_name())).is_ok_and(|bytes| *bytes == *seal.bytes)
        })
    }
}

/// The archive for this run: the kept one (checked by [`KeptArchive::changed`] before
/// the run, and dropped if it changed), or the folder read now and kept.
pub(super) fn current(
    kept: &mut Option<KeptArchive>,
    root: &Path,
) -> std::io::Result<Arc<Archive>> {
    if let Some(kept) = kept {
        return Ok(Arc::clone(&kept.archive));
    }
    // Taken before reading, so a change while the files are read shows next time.
    let stamp = stamp(root);
    let read = Archive::read(root).map(Arc::new);
    if let Ok(archive) = &read {
        *kept = Some(KeptArchive {
            stamp,
            archive: Arc::clone(archive),
        });
    }
    read
}

fn stamp(root: &Path) -> Stamp {
    Stamp::of(root, &[ARCHIVE_DIR])
}
