//! The preview's site rendered page by page when a browser asks for it.
//!
//! A rebuild in the preview stops at the model ([`Pipeline::run_model`]): the plan of
//! the site (every output path → its page job) is made from it at once, and a page is
//! rendered, scanned for leaks and active content, and cached only when it is first
//! requested. So a saved CSV of a county is visible after load, check and model, not
//! after every page of the county is rendered again. Every generation has its own
//! cache: nothing of an older model is ever served for a newer one.
//!
//! The search index is made from the model, whole, the first time a file of it is
//! asked for.
//!
//! [`Pipeline::run_model`]: crate::pipeline::Pipeline::run_model

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use self_cell::self_cell;

use crate::diag::{Finding, Findings};
use crate::model::Disclosure;
use crate::pipeline::Modelled;
use crate::render::{self, search, OutputFile, Plan};
use crate::scan::{self, Scanner};

self_cell!(
    /// The model and the plan made from it (the plan borrows the model).
    struct PlanCell {
        owner: Arc<Disclosure>,
        #[covariant]
        dependent: Plan,
    }
);

/// One file as served: its bytes, or why it may not be shown.
#[derive(Debug, Clone)]
pub enum Served {
    /// Rendered and scanned.
    File(Arc<Vec<u8>>),
    /// Rendering failed or the file would publish something it must not.
    Refused(Arc<Findings>),
}

/// The site of one good model, rendered on demand.
pub struct LazySite {
    cell: PlanCell,
    scanner: Scanner,
    cache: Mutex<HashMap<String, Served>>,
    /// The search index files once made.
    search: Mutex<Option<HashMap<String, Served>>>,
    /// What keeps the site from being published, once every file was checked.
    unpublishable: OnceLock<Arc<Findings>>,
}

impl std::fmt::Debug for LazySite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazySite")
            .field("plan", self.cell.borrow_dependent())
            .finish_non_exhaustive()
    }
}

impl LazySite {
    /// Plans the site of `modelled`. A theme that cannot be loaded or two things with
    /// one output path are errors here, as in a full build.
    pub fn new(modelled: &Modelled) -> Result<LazySite, Findings> {
        let started = std::time::Instant::now();
        let options = modelled.options.clone();
        // The plan and the scanner are independent: made side by side.
        let ((cell, plan_took), (scanner, scanner_took)) = rayon::join(
            || {
                let started = std::time::Instant::now();
                let cell = PlanCell::try_new(Arc::clone(&modelled.disclosure), |site| {
                    render::plan_lazily(site, &options)
                });
                (cell, started.elapsed())
            },
            || {
                let started = std::time::Instant::now();
                (Scanner::new(&modelled.disclosure), started.elapsed())
            },
        );
        let cell = cell.map_err(|err| {
            let mut findings = modelled.findings.clone();
            findings.push(render_failed(&err));
            findings.sort();
            findings
        })?;
        if crate::diag::timings::wanted() {
            eprintln!(
                "preview: plan and scanner {:.2?} (plan {plan_took:.2?}, scanner {scanner_took:.2?})",
                started.elapsed()
            );
        }
        Ok(LazySite {
            cell,
            scanner,
            cache: Mutex::default(),
            search: Mutex::default(),
            unpublishable: OnceLock::new(),
        })
    }

    fn plan(&self) -> &Plan<'_> {
        self.cell.borrow_dependent()
    }

    /// Number of pages and other files planned (the search index not counted; the
    /// data files only once made).
    pub fn len(&self) -> usize {
        self.plan().pages().len() + self.plan().planned_files()
    }

    /// True when nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `path` is a planned page or file (without rendering it).
    pub fn contains(&self, path: &str) -> bool {
        self.plan().page(path).is_some()
            || self.plan().is_static(path)
            || self.data_file(path).is_some_and(|f| f.is_ok())
    }

    /// The non-page file at `path`, making the data files first unless it is a theme
    /// or static file. A failure to make them (a path clash) is the render error.
    fn data_file(&self, path: &str) -> Option<Result<&OutputFile, render::RenderError>> {
        let files = match self.plan().files() {
            Ok(files) => files,
            Err(err) => return Some(Err(err)),
        };
        files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| Ok(&files[i]))
    }

    /// The file at `path`, rendered and scanned on first use; `None` when the site has
    /// no such file.
    pub fn get(&self, path: &str) -> Option<Served> {
        if let Some(served) = lock(&self.cache).get(path) {
            return Some(served.clone());
        }
        let served = if let Some(job) = self.plan().page(path) {
            match self.plan().render(job) {
                Ok(file) => self.checked(file),
                Err(err) => Served::Refused(Arc::new(Findings {
                    items: vec![render_failed(&err)],
                })),
            }
        } else if let Some(file) = self.data_file(path) {
            match file {
                Ok(file) => self.checked(file.clone()),
                Err(err) => Served::Refused(Arc::new(Findings {
                    items: vec![render_failed(&err)],
                })),
            }
        } else if path.starts_with(&format!("{}/", search::INDEX_DIR)) {
            return self.search_file(path);
        } else {
            return None;
        };
        lock(&self.cache).insert(path.to_string(), served.clone());
        Some(served)
    }

    /// What would keep `gongkai build` from publishing this site: every page, data file
    /// and search-index file rendered and scanned as a build does them (the pages are
    /// not cached, so the memory of a county's pages is not held), plus any render
    /// error. Stops early, with `None`, as soon as `keep_going` returns false (a newer
    /// rebuild has begun). The result is kept: a site handed out again after a rebuild
    /// that changed nothing is not checked twice.
    pub fn unpublishable(&self, keep_going: &dyn Fn() -> bool) -> Option<Arc<Findings>> {
        if let Some(done) = self.unpublishable.get() {
            return Some(Arc::clone(done));
        }
        let plan = self.plan();
        let mut problems = scan::Problems::default();
        for job in plan.pages() {
            if !keep_going() {
                return None;
            }
            match plan.render(job) {
                Ok(file) => problems.add(self.scanner.check_file(&file)),
                Err(err) => problems.push(render_failed(&err)),
            }
        }
        match plan.files() {
            Ok(files) => files
                .iter()
                .for_each(|file| problems.add(self.scanner.check_file(file))),
            Err(err) => problems.push(render_failed(&err)),
        }
        match plan.search_index() {
            Ok(files) => files
                .iter()
                .for_each(|file| problems.add(self.scanner.check_file(file))),
            Err(err) => problems.push(render_failed(&err)),
        }
        if !keep_going() {
            return None;
        }
        let mut findings = Findings {
            items: problems.into_findings(),
        };
        findings.sort();
        let findings = Arc::new(findings);
        let _ = self.unpublishable.set(Arc::clone(&findings));
        Some(findings)
    }

    /// Scans one file as a build does.
    fn checked(&self, file: OutputFile) -> Served {
        let check = self.scanner.check_file(&file);
        if check.is_clean() {
            return Served::File(Arc::new(file.bytes));
        }
        let mut problems = scan::Problems::default();
        problems.add(check);
        let mut findings = Findings {
            items: problems.into_findings(),
        };
        findings.sort();
        Served::Refused(Arc::new(findings))
    }

    /// A file of the search index, making the whole index (from the model, no page
    /// rendered) the first time one of its files is asked for.
    fn search_file(&self, path: &str) -> Option<Served> {
        let mut search = lock(&self.search);
        if search.is_none() {
            *search = Some(match self.plan().search_index() {
                Ok(files) => files
                    .into_iter()
                    .map(|file| (file.path.clone(), self.checked(file)))
                    .collect(),
                // Reported on the search page: without the index it finds nothing.
                Err(_) => HashMap::new(),
            });
        }
        search.as_ref().and_then(|files| files.get(path).cloned())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn render_failed(err: &render::RenderError) -> Finding {
    Finding::error("render-failed", render::error_chain(err))
        .with_help("请按上面的说明修改主题或模板文件；保存后会重新生成。")
}
