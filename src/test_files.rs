//! File-time helpers for unit tests: stamps and guards decide by modification times,
//! so tests set them instead of sleeping.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// Sets the modification time of the file at `path`.
pub(crate) fn set_modified(path: &Path, time: SystemTime) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(time).unwrap();
}

/// Makes the file at `path` look last modified `secs` seconds ago.
pub(crate) fn backdate(path: &Path, secs: u64) {
    set_modified(path, SystemTime::now() - Duration::from_secs(secs));
}
