//! The whole pipeline in one call (load → check → model → render → leak scan), shared by
//! `build` and `serve`.
//!
//! [`Pipeline`] keeps what it loaded between runs, one slot per kind of input (the
//! settings, the registers, the notices, the pages, the task lists), each stamped with the
//! path, length and modification time of every file under its folder. A run reloads only
//! the slots whose stamp changed or that the watcher marked dirty ([`Pipeline::invalidate`]),
//! so a notice edit does not re-read every register. When no content slot changed (a
//! template or `static/` edit) the checked model of the previous run is reused and only
//! rendering runs again.
//!
//! Soundness comes before speed: a slot is reused only when no file under its folder
//! changed in any way the file system reports, and every cross-file rule (`check_site`)
//! runs again over the whole site whenever any content changed.
//!
//! - `inputs.rs`: the kinds of input, their stamps, editors' litter;
//! - `refresh.rs`: reading again what changed (settings, content, register files);
//! - `stages.rs`: the rules and the model, then rendering with the leak scan.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::check::rules;
use crate::config::SiteConfig;
use crate::diag::Findings;
use crate::load::{self, Notice, Page, RegisterFile, TaskList};
use crate::model::Disclosure;
use crate::render::{OutputFile, RenderOptions};

mod archive;
mod inputs;
mod refresh;
mod stages;

pub use inputs::{is_editor_litter, Input};
use inputs::{Slot, Stamp};
use refresh::CachedRegister;

/// What a successful run produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings and notes (no errors), sorted.
    pub findings: Findings,
    /// Input files read (for the summary line).
    pub files_read: usize,
    /// Register data rows read (for the summary line).
    pub rows_read: usize,
}

/// The result of a run: the output, or every finding (at least one an error) when
/// nothing may be published.
pub type Outcome = Result<Built, Findings>;

/// How long each stage of the last run took, and what it reloaded (for the terminal
/// line and for tests).
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    /// Inputs read again in this run.
    pub reloaded: Vec<Input>,
    /// Loading and checking (zero when the previous model was reused).
    pub load_check: Duration,
    /// Of `load_check`: the guard against links and oversize files.
    pub guard: Duration,
    /// Of `load_check`: stamping the inputs and reading the changed ones.
    pub load: Duration,
    /// Of `load_check`: putting the inputs together for the rules.
    pub assemble: Duration,
    /// Of `load_check`: the rules over the whole site.
    pub rules: Duration,
    /// The ledger: seals, corrections, rewrites between months (one-shot runs).
    pub ledger: Duration,
    /// Building the model.
    pub model: Duration,
    /// Rendering.
    pub render: Duration,
    /// Scanning the output for personal data.
    pub scan: Duration,
    /// The whole run.
    pub total: Duration,
}

impl RunStats {
    /// The stages of the run for the `GONGKAI_TIMINGS=1` line of `build` and `check`:
    /// `load+check … (of which guard, load, rules, ledger …), model …, render …, scan … (summed over
    /// threads), run …`.
    pub fn timings(&self) -> String {
        format!(
            "load+check {:.2?} (of which guard {:.2?}, load {:.2?}, rules {:.2?}, ledger {:.2?}), model {:.2?}, render {:.2?}, scan {:.2?} (summed over threads), run {:.2?}",
            self.load_check, self.guard, self.load, self.rules, self.ledger, self.model, self.render, self.scan, self.total
        )
    }
}

/// The model of the last successful check, reused when only the theme changed.
#[derive(Debug, Clone)]
struct Checked {
    disclosure: std::sync::Arc<Disclosure>,
    findings: Findings,
    files_read: usize,
    rows_read: usize,
}

/// The pipeline with its cache of loaded inputs. Create one per site folder and call
/// [`Pipeline::run`] after every change.
#[derive(Debug)]
pub struct Pipeline {
    root: PathBuf,
    options: RenderOptions,
    config: Option<Slot<Option<SiteConfig>>>,
    registers: Option<Slot<Vec<Arc<RegisterFile>>>>,
    /// Register data rows of the last load (kept for the summary line when the rows
    /// themselves have moved into the model).
    rows_loaded: usize,
    /// Input files of the last check (the slots may have moved into the model).
    files_checked: Option<usize>,
    /// False for a one-shot run (`gongkai build`): the loaded inputs move into the model
    /// instead of being kept, so a county's rows are held once, not twice.
    keep_inputs: bool,
    notices: Option<Slot<Vec<Notice>>>,
    pages: Option<Slot<Vec<Page>>>,
    tasks: Option<Slot<Vec<TaskList>>>,
    theme_stamp: Option<Stamp>,
    /// Inputs the watcher reported a change in, reloaded even if their stamp is equal
    /// (an edit within the file system's timestamp resolution that kept the length).
    dirty: Vec<Input>,
    /// The register files the watcher named since the last run.
    dirty_paths: Vec<PathBuf>,
    /// Each register file as last read, by absolute path.
    register_cache: std::collections::HashMap<PathBuf, CachedRegister>,
    checked: Option<Checked>,
    /// The per-row findings of each register file at the last check, reused for the
    /// files that were not read again.
    row_findings: rules::RowFindings,
    /// The archive the ledger read at the last run, kept while its files are unchanged
    /// (only by a pipeline that keeps its inputs).
    kept_archive: Option<archive::KeptArchive>,
    /// Each notice's text and what it parsed to, so notices read again (a racy stamp,
    /// one notice edited) are parsed again only when their text changed.
    notice_cache: load::notice::NoticeCache,
    /// The size and shape checks of every content file, redone only for files that
    /// changed or that the watcher named (`guard_dirty`).
    guard_cache: load::guard::GuardCache,
    guard_dirty: Vec<PathBuf>,
    stats: RunStats,
}

impl Pipeline {
    /// A pipeline for the site at `root` with the given render options (their
    /// `site_root` is set to `root`).
    pub fn new(root: impl Into<PathBuf>, mut options: RenderOptions) -> Pipeline {
        let root = root.into();
        options.site_root = root.clone();
        Pipeline {
            root,
            options,
            config: None,
            registers: None,
            notices: None,
            pages: None,
            tasks: None,
            theme_stamp: None,
            dirty: Vec::new(),
            dirty_paths: Vec::new(),
            register_cache: std::collections::HashMap::new(),
            rows_loaded: 0,
            files_checked: None,
            keep_inputs: true,
            checked: None,
            row_findings: rules::RowFindings::default(),
            kept_archive: None,
            notice_cache: load::notice::NoticeCache::default(),
            guard_cache: load::guard::GuardCache::default(),
            guard_dirty: Vec::new(),
            stats: RunStats::default(),
        }
    }

    /// A pipeline for one run (`gongkai build`): like [`Pipeline::new`], but what it
    /// reads moves into the model instead of being cached for the next run, so the
    /// register rows are in memory once. Running it again reads everything again.
    pub fn once(root: impl Into<PathBuf>, options: RenderOptions) -> Pipeline {
        Pipeline {
            keep_inputs: false,
            ..Pipeline::new(root, options)
        }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The ledger of the last successful check (seals made, corrections).
    pub fn ledger(&self) -> Option<Arc<crate::ledger::Ledger>> {
        self.checked.as_ref().map(|c| c.disclosure.ledger.clone())
    }

    /// What the last run reloaded and how long it took.
    pub fn stats(&self) -> &RunStats {
        &self.stats
    }

    /// Input files and register rows currently loaded (for the summary line, also
    /// after a failed run).
    pub fn counts(&self) -> (usize, usize) {
        if let Some(files) = self.files_checked {
            return (files, self.rows_loaded);
        }
        let config = usize::from(self.config.is_some());
        let registers = self.registers.as_ref();
        let files = config
            + registers.map_or(0, |s| s.files)
            + self.notices.as_ref().map_or(0, |s| s.files)
            + self.pages.as_ref().map_or(0, |s| s.files)
            + self.tasks.as_ref().map_or(0, |s| s.files);
        (files, self.rows_loaded)
    }

    /// Marks the inputs containing `paths` (absolute, or relative to the root) as
    /// changed, so the next run reloads them whatever their stamps say. Paths outside
    /// the watched folders are ignored. Returns true when any path was relevant.
    pub fn invalidate<P: AsRef<Path>>(&mut self, paths: impl IntoIterator<Item = P>) -> bool {
        let mut any = false;
        for path in paths {
            let path = path.as_ref();
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            if let Some(input) = Input::of(rel) {
                any = true;
                self.guard_dirty.push(self.root.join(rel));
                if input == Input::Registers {
                    self.dirty_paths.push(self.root.join(rel));
                }
                if !self.dirty.contains(&input) {
                    self.dirty.push(input);
                }
            }
        }
        any
    }

    /// The publication record as of the last successful check: the recorded dates plus
    /// those this run gave to months and notices published for the first time. `build`
    /// saves it once the site is written (`calendar::record`).
    pub fn publication_record(&self) -> Option<&crate::calendar::PublicationRecord> {
        self.checked
            .as_ref()
            .map(|checked| &checked.disclosure.timeline.record)
    }

    /// Runs the pipeline, reading again only what changed since the last run, and
    /// returns every output file in memory (the preview and tests).
    pub fn run(&mut self) -> Outcome {
        let files = std::sync::Mutex::new(Vec::new());
        let collect = |file: OutputFile| {
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(file);
            Ok(())
        };
        let streamed = self.run_into(&collect)?;
        let mut files = files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Built {
            files,
            findings: streamed.findings,
            files_read: streamed.files_read,
            rows_read: streamed.rows_read,
        })
    }

    /// Runs the pipeline and hands every output file to `sink` as soon as it is
    /// rendered and scanned (no file is held after the sink has it). On an error
    /// finding (including a leak in any file) the files already handed over must be
    /// discarded: the sink has seen an incomplete site.
    pub fn run_into(&mut self, sink: &dyn Sink) -> Result<Streamed, Findings> {
        let start = Instant::now();
        let result = self.prepare(start).and_then(|()| self.render_into(sink));
        self.stats.total = start.elapsed();
        result
    }

    /// Runs the pipeline up to the model, for a preview that renders pages when they
    /// are asked for ([`crate::serve`]): load what changed, check, model. Nothing is
    /// rendered or scanned here.
    pub fn run_model(&mut self) -> Result<Modelled, Findings> {
        let start = Instant::now();
        let result = self.prepare(start);
        self.stats.total = start.elapsed();
        result?;
        let checked = self.checked.as_ref().ok_or_else(Findings::default)?;
        Ok(Modelled {
            disclosure: std::sync::Arc::clone(&checked.disclosure),
            options: self.options.clone(),
            findings: checked.findings.clone(),
            files_read: checked.files_read,
            rows_read: checked.rows_read,
        })
    }

    /// Loads what changed, checks and models. Errors leave no model.
    fn prepare(&mut self, start: Instant) -> Result<(), Findings> {
        self.stats = RunStats::default();
        self.files_checked = None;
        // Links out of the site folder and oversize files are refused before anything
        // is read, in the preview as in `check` and `build`.
        let guard_dirty = std::mem::take(&mut self.guard_dirty);
        let guarded = if self.keep_inputs {
            crate::load::guard::check_content_cached(
                &self.root,
                &mut self.guard_cache,
                &guard_dirty,
            )
        } else {
            crate::load::guard::check_content(&self.root)
        };
        self.stats.guard = start.elapsed();
        if guarded.has_errors() {
            return Err(guarded);
        }
        let load_start = Instant::now();
        let dirty = std::mem::take(&mut self.dirty);
        let mut reloaded = Vec::new();

        let config_changed = self.refresh_config(&dirty, &mut reloaded);
        let mut content_changed = config_changed;
        for input in Input::CONTENT {
            content_changed |= self.refresh_content(input, config_changed, &dirty, &mut reloaded);
        }
        let theme_stamp = Stamp::take(&self.root, Input::Theme);
        let theme_valid = self
            .theme_stamp
            .as_ref()
            .is_some_and(|old| old.still_valid(&theme_stamp));
        if !theme_valid || dirty.contains(&Input::Theme) {
            reloaded.push(Input::Theme);
        }
        self.theme_stamp = Some(theme_stamp);
        self.stats.reloaded = reloaded;
        self.stats.load = load_start.elapsed();

        // A seal written or altered since the last run (`gongkai build` in another window,
        // a restore from backup) is checked again even when no register changed.
        let archive_changed = self
            .kept_archive
            .as_mut()
            .is_some_and(|kept| kept.changed(&self.root));
        if archive_changed {
            // Read again by the ledger in this run.
            self.kept_archive = None;
        }
        if content_changed || archive_changed || self.checked.is_none() {
            let checked = self.check();
            self.stats.load_check = start.elapsed().saturating_sub(self.stats.model);
            match checked {
                Ok(checked) => {
                    self.checked = Some(Checked {
                        disclosure: std::sync::Arc::new(checked.0),
                        findings: checked.1,
                        files_read: checked.2,
                        rows_read: checked.3,
                    });
                }
                Err(findings) => {
                    self.checked = None;
                    return Err(findings);
                }
            }
        }
        Ok(())
    }
}

/// Where a run puts its output, file by file, from several threads at once: the disk
/// writer of `gongkai build`, the in-memory collector of [`Pipeline::run`].
pub trait Sink: Sync {
    /// Called once before any file: how many files are planned (pages and data files;
    /// the search index comes on top).
    fn planned(&self, _files: usize) {}
    /// Takes one finished, scanned file.
    fn accept(&self, file: OutputFile) -> std::io::Result<()>;
}

impl<F: Fn(OutputFile) -> std::io::Result<()> + Sync> Sink for F {
    fn accept(&self, file: OutputFile) -> std::io::Result<()> {
        self(file)
    }
}

/// A sink that keeps nothing: the whole pipeline, rendering and the leak scan
/// included, with no output (a check that tells everything `build` would refuse).
#[derive(Debug, Clone, Copy, Default)]
pub struct Discard;

impl Sink for Discard {
    fn accept(&self, _file: OutputFile) -> std::io::Result<()> {
        Ok(())
    }
}

/// A checked model, ready to be rendered page by page.
#[derive(Debug, Clone)]
pub struct Modelled {
    /// The model (shared with the pipeline's cache).
    pub disclosure: std::sync::Arc<Disclosure>,
    /// How to render it.
    pub options: RenderOptions,
    /// Warnings and notes (no errors), sorted.
    pub findings: Findings,
    /// Input files read (for the summary line).
    pub files_read: usize,
    /// Register data rows read (for the summary line).
    pub rows_read: usize,
}

/// What a streaming run produced besides the files it handed over.
#[derive(Debug, Clone)]
pub struct Streamed {
    /// Warnings and notes (no errors), sorted.
    pub findings: Findings,
    /// Input files read (for the summary line).
    pub files_read: usize,
    /// Register data rows read (for the summary line).
    pub rows_read: usize,
}

/// Runs the pipeline once on the site at `root`, every file in memory (for tests).
pub fn build_once(root: &Path, options: RenderOptions) -> Outcome {
    Pipeline::once(root, options).run()
}

/// Runs the pipeline once on the site at `root`, handing each file to `sink` as it is
/// made (for `gongkai build`: memory stays flat however large the site).
pub fn build_once_into(
    root: &Path,
    options: RenderOptions,
    sink: &dyn Sink,
) -> Result<Streamed, Findings> {
    Pipeline::once(root, options).run_into(sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::{backdate, set_modified};
    use walkdir::WalkDir;

    #[test]
    fn invalidate_marks_only_relevant_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let mut pipeline = Pipeline::new(dir.path(), RenderOptions::new(dir.path()));
        assert!(!pipeline.invalidate([dir.path().join("public/index.html")]));
        assert!(pipeline.invalidate([dir.path().join("content/notices/a.md")]));
        assert!(pipeline.invalidate(["content/notices/b.md"]));
        assert_eq!(pipeline.dirty, vec![Input::Notices]);
    }

    /// A copy of the fixture town with every file backdated (so no stamp is racy).
    fn old_town() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/town");
        for entry in WalkDir::new(&fixture).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&fixture).unwrap();
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
                backdate(&to, 60);
            }
        }
        dir
    }

    #[test]
    fn register_cache_rereads_only_the_edited_file() {
        let dir = old_town();
        let root = dir.path();
        let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
        let first = pipeline.run().expect("fixture builds");
        assert!(pipeline.register_cache.values().all(|c| c.trusted));
        let edited = root.join("content/registers/2025-03/执法队.csv");
        let text = std::fs::read_to_string(&edited).unwrap();
        assert!(text.contains("已责令整改"));
        std::fs::write(&edited, text.replace("已责令整改", "已责令停业整改")).unwrap();
        backdate(&edited, 30);
        pipeline.invalidate([&edited]);
        let second = pipeline.run().expect("edited fixture builds");
        let shows = |built: &Built, needle: &str| {
            built
                .files
                .iter()
                .any(|f| String::from_utf8_lossy(&f.bytes).contains(needle))
        };
        assert!(!shows(&first, "已责令停业整改"));
        assert!(shows(&second, "已责令停业整改"));
        // The clean build of the edited folder is the same, file by file.
        let clean = build_once(root, RenderOptions::new(root)).unwrap();
        assert_eq!(clean.files.len(), second.files.len());
        for (a, b) in clean.files.iter().zip(&second.files) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
        // A file removed is forgotten.
        std::fs::remove_file(&edited).unwrap();
        pipeline.invalidate([&edited]);
        let _ = pipeline.run();
        assert!(!pipeline.register_cache.contains_key(&edited));
    }

    #[test]
    fn just_saved_register_is_compared_by_its_bytes() {
        let dir = old_town();
        let root = dir.path();
        let edited = root.join("content/registers/2025-03/执法队.csv");
        // Saved just now: its time cannot vouch for its content.
        let text = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, &text).unwrap();
        let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
        pipeline.run().expect("fixture builds");
        let first = pipeline.register_cache[&edited].clone();
        assert!(!first.trusted && first.bytes.is_some());
        // Nothing changed: the same rows, not parsed again.
        pipeline.run().expect("fixture builds");
        let again = &pipeline.register_cache[&edited];
        assert!(Arc::ptr_eq(
            first.file.as_ref().unwrap(),
            again.file.as_ref().unwrap()
        ));
        // Same length and time, other bytes, no word from the watcher: read again.
        let modified = std::fs::metadata(&edited).unwrap().modified().unwrap();
        let changed = text.replacen("已责令整改", "已责令整治", 1);
        assert_eq!(changed.len(), text.len());
        std::fs::write(&edited, &changed).unwrap();
        set_modified(&edited, modified);
        let built = pipeline.run().expect("edited fixture builds");
        assert!(built
            .files
            .iter()
            .any(|f| String::from_utf8_lossy(&f.bytes).contains("已责令整治")));
    }

    #[test]
    fn archive_is_read_again_only_when_its_files_change() {
        let dir = old_town();
        let root = dir.path();
        // Seal the due months as `gongkai build` does.
        let mut opts = RenderOptions::new(root);
        opts.sealing = crate::ledger::Sealing::Due;
        let mut once = Pipeline::once(root, opts);
        once.run_model().expect("fixture checks");
        let sealed = crate::ledger::write_new_seals(root, &once.ledger().unwrap()).unwrap();
        // Written just now, so their stamp cannot vouch for them: the kept archive is
        // compared with the files' bytes instead.
        assert!(!sealed.is_empty());
        let kept = |p: &Pipeline| Arc::clone(&p.kept_archive.as_ref().expect("kept").archive);
        let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
        pipeline.run_model().expect("sealed fixture checks");
        let first = kept(&pipeline);
        assert_eq!(first.seals.len(), sealed.len());
        // A notice edited: the site is checked again, with the same archive, not read
        // again.
        let notice = std::fs::read_dir(root.join("content/notices"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "md"))
            .unwrap();
        let text = std::fs::read_to_string(&notice).unwrap();
        std::fs::write(&notice, format!("{text}\n补充一段。\n")).unwrap();
        backdate(&notice, 30);
        pipeline.run_model().expect("sealed fixture checks");
        assert_eq!(pipeline.stats.reloaded, vec![Input::Notices]);
        assert!(Arc::ptr_eq(&first, &kept(&pipeline)));
        // A seal file altered (its stamp changes): read again, and the tampering found.
        let bytes = std::fs::read(&sealed[0]).unwrap();
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replacen("\"rows\"", "\"rows\" ", 1);
        // No word from the watcher: the stamp alone shows it.
        std::fs::write(&sealed[0], tampered).unwrap();
        let Err(findings) = pipeline.run_model() else {
            panic!("a broken seal is an error");
        };
        assert!(findings.items.iter().any(|f| f.code == "archive-broken"));
    }

    #[test]
    fn discarding_run_finds_what_the_model_run_finds_and_renders() {
        let dir = old_town();
        let root = dir.path();
        let modelled = Pipeline::once(root, RenderOptions::new(root))
            .run_model()
            .expect("fixture checks");
        let streamed = Pipeline::once(root, RenderOptions::new(root))
            .run_into(&Discard)
            .expect("fixture builds");
        assert_eq!(streamed.findings.items, modelled.findings.items);
        assert_eq!(streamed.rows_read, modelled.rows_read);
    }

    #[test]
    fn missing_site_toml_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let findings = build_once(dir.path(), RenderOptions::new(dir.path())).unwrap_err();
        assert!(findings.items.iter().any(|f| f.code == "config-missing"));
    }
}
