//! Load: from the files a township office really has to typed values.
//!
//! Everything here is about *reading*: decoding (UTF-8, BOM, GBK/GB18030), finding the
//! header under title lines, matching header aliases, parsing dates, numbers and the
//! office's ways of writing statuses. Problems with a single file or cell are reported
//! here as findings with file, row and column; rules that look across rows, files or
//! months live in `check`.

pub mod frontmatter;
pub mod guard;
pub mod notice;
pub mod register;
pub mod table;
pub mod tasks;
pub mod text;
pub mod values;
pub mod workbook;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diag::Findings;
use crate::hazard::{HazardRecord, YearMonth};

pub use notice::{DisclosureMode, Notice, Page};
pub use tasks::{Task, TaskDeadline, TaskList, TaskStatus};

/// One register file of a month, read.
#[derive(Debug, Clone)]
pub struct RegisterFile {
    /// Relative to the site root, `/`-separated, e.g. `content/registers/2024-05/东庄村.csv`.
    pub path: PathBuf,
    /// The month this file belongs to (from its folder or file name).
    pub month: YearMonth,
    /// The encoding it was decoded from: `UTF-8`, `UTF-8 (BOM)`, `GBK`, `GB18030`, `UTF-16LE`…
    pub encoding: &'static str,
    /// The row of the header (1-based, as in Excel).
    pub header_row: usize,
    /// Number of data rows read (blank rows not counted).
    pub data_rows: usize,
    /// Headers of columns that are read but never published (private and unknown), as
    /// written in the file.
    pub unpublished_columns: Vec<String>,
    /// The hazards, in file order. A row with a bad cell is kept (the bad field left empty,
    /// the error reported) so cross-month rules see it; only rows without 编号 are left out.
    /// Each record is shared (`Arc`) with the model built from it, so a preview that
    /// keeps its inputs between rebuilds holds the rows once.
    pub records: Vec<Arc<HazardRecord>>,
}

/// Everything read from a site folder.
#[derive(Debug, Clone)]
pub struct LoadedSite {
    /// The site root.
    pub root: PathBuf,
    pub config: SiteConfig,
    /// All register files, sorted by month then path.
    pub registers: Vec<RegisterFile>,
    /// All notices, published or not (the model filters), sorted by path.
    pub notices: Vec<Notice>,
    /// Standing pages from `content/pages/`, sorted by path.
    pub pages: Vec<Page>,
    /// Task lists from `content/tasks/`, sorted by path.
    pub tasks: Vec<TaskList>,
    /// How many files were read, for the summary line.
    pub files_read: usize,
}

impl LoadedSite {
    /// Number of register data rows read, for the summary line.
    pub fn rows_read(&self) -> usize {
        self.registers.iter().map(|r| r.data_rows).sum()
    }
}

/// Loads a whole site folder: `site.toml`, every register, notice, page and task list.
///
/// Returns `None` only when nothing sensible can be loaded (no `site.toml`); every
/// problem is in `findings`. Files are read in parallel; the result is sorted so it does
/// not depend on the order the work finished in.
pub fn load_site(root: &Path, findings: &mut Findings) -> Option<LoadedSite> {
    let config = SiteConfig::load(root, findings)?;
    let (registers, register_files) = register::load_registers(root, &config, findings);
    let (notices, notice_files) = notice::load_notices(root, &config, findings);
    let (pages, page_files) = notice::load_pages(root, findings);
    let (tasks, task_files) = tasks::load_task_lists(root, findings);
    Some(LoadedSite {
        root: root.to_path_buf(),
        config,
        registers,
        notices,
        pages,
        tasks,
        files_read: 1 + register_files + notice_files + page_files + task_files,
    })
}
