//! Hazard registers: the columns of SPEC.md, their aliases, and one row to a
//! [`HazardRecord`](crate::hazard::HazardRecord).

use std::path::Path;

use crate::check::Findings;
use crate::config::SiteConfig;

use super::RegisterFile;

/// Loads every register under `content/registers/` (`YYYY-MM/*.csv` and `YYYY-MM.csv`),
/// in parallel. Returns them sorted by month then path, and the number of files read.
pub fn load_registers(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
) -> (Vec<RegisterFile>, usize) {
    let _ = (root, config, findings);
    todo!("register loading")
}
