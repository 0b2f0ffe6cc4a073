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

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::check::{rules, Finding, Findings};
use crate::config::{SiteConfig, CONFIG_FILE};
use crate::hazard;
use crate::load::{self, LoadedSite, Notice, Page, RegisterFile, TaskList};
use crate::model::{self, Disclosure};
use crate::render::{self, OutputFile, RenderOptions};
use crate::scan;

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
    const CONTENT: [Input; 4] = [Input::Registers, Input::Notices, Input::Pages, Input::Tasks];

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
                _ => None,
            },
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

/// True when two loads of `site.toml` gave the same settings, every field compared
/// (through their serialized form: the settings have no field left out of it).
fn same_config(a: &Option<SiteConfig>, b: &Option<SiteConfig>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => match (serde_json::to_string(a), serde_json::to_string(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        _ => false,
    }
}

/// A file modified less than this long before a stamp was taken may be modified again
/// within the same timestamp tick (coarse kernel clocks, 2 s on FAT drives) without its
/// stamp changing; such a stamp is never trusted (as git treats "racily clean" files).
const RACY_WINDOW: Duration = Duration::from_secs(3);

/// Every file under one input's folder: relative path, length and modification time.
/// An input whose stamp is unchanged (and was not racy) has not changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Stamp {
    entries: Vec<(PathBuf, u64, Option<SystemTime>)>,
    /// Some file was modified within [`RACY_WINDOW`] of taking the stamp (or has no
    /// readable time): the stamp cannot vouch for its content.
    racy: bool,
}

impl Stamp {
    fn take(root: &Path, input: Input) -> Stamp {
        let now = SystemTime::now();
        let mut stamp = Stamp::default();
        let locations: &[&str] = match input {
            Input::Theme => &["themes", "templates", "static"],
            other => &[other.location()],
        };
        for location in locations {
            let walker = WalkDir::new(root.join(location))
                .follow_links(true)
                .sort_by_file_name();
            // Unreadable entries are left out: the loader reports them, and the stamp
            // changes when they become readable.
            for entry in walker.into_iter().flatten() {
                if entry.file_type().is_dir() {
                    continue;
                }
                let meta = entry.metadata().ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let recent = modified
                    .is_none_or(|m| now.duration_since(m).map_or(true, |age| age < RACY_WINDOW));
                stamp.racy |= recent;
                stamp.entries.push((
                    load::relative_path(root, entry.path()),
                    meta.as_ref().map_or(0, |m| m.len()),
                    modified,
                ));
            }
        }
        stamp
    }

    /// True when what was read at `self` is still what `now` describes.
    fn still_valid(&self, now: &Stamp) -> bool {
        !self.racy && self.entries == now.entries
    }
}

/// One cached input: what its loader returned, its findings and the stamp it was read at.
#[derive(Debug, Clone)]
struct Slot<T> {
    stamp: Stamp,
    value: T,
    findings: Vec<Finding>,
    files: usize,
}

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
    /// Building the model.
    pub model: Duration,
    /// Rendering.
    pub render: Duration,
    /// Scanning the output for personal data.
    pub scan: Duration,
    /// The whole run.
    pub total: Duration,
}

/// One register file as last read, to be reused while it has not changed.
#[derive(Debug, Clone)]
struct CachedRegister {
    len: u64,
    modified: Option<SystemTime>,
    /// Modified long enough before it was read that an edit would change the time.
    trusted: bool,
    month: hazard::YearMonth,
    /// Shared with the registers slot, so the cache costs no second copy of the rows.
    file: Option<Arc<RegisterFile>>,
    findings: Vec<Finding>,
    /// The bytes read, kept only while the file is not trusted: a file saved just
    /// before it was read (a folder copied in, then `gongkai serve`) is compared byte
    /// for byte on the next run instead of being decoded and parsed again.
    bytes: Option<Arc<Vec<u8>>>,
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

        if content_changed || self.checked.is_none() {
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

    /// Reloads `site.toml` when it changed. Returns true when it was reloaded.
    fn refresh_config(&mut self, dirty: &[Input], reloaded: &mut Vec<Input>) -> bool {
        let stamp = Stamp::take(&self.root, Input::Config);
        if let Some(slot) = &self.config {
            if slot.stamp.still_valid(&stamp) && !dirty.contains(&Input::Config) {
                return false;
            }
        }
        let mut findings = Findings::default();
        let value = SiteConfig::load(&self.root, &mut findings);
        reloaded.push(Input::Config);
        // Read again but the same settings (a racy stamp: the site was copied in just
        // before): the other inputs, read with these settings, need not be read again.
        let same = self.config.as_ref().is_some_and(|old| {
            same_config(&old.value, &value)
                && format!("{:?}", old.findings) == format!("{:?}", findings.items)
        });
        self.config = Some(Slot {
            stamp,
            value,
            findings: findings.items,
            files: 1,
        });
        !same
    }

    /// Reloads one content input when it changed, or when the settings changed (the
    /// loaders read private columns and the default issuer from them). Returns true
    /// when it was reloaded.
    fn refresh_content(
        &mut self,
        input: Input,
        config_changed: bool,
        dirty: &[Input],
        reloaded: &mut Vec<Input>,
    ) -> bool {
        let Some(config) = self.config.as_ref().and_then(|slot| slot.value.clone()) else {
            // Without settings nothing else can be read; forget what was.
            self.registers = None;
            self.notices = None;
            self.pages = None;
            self.tasks = None;
            return true;
        };
        let stamp = Stamp::take(&self.root, input);
        let current = match input {
            Input::Registers => self.registers.as_ref().map(|s| &s.stamp),
            Input::Notices => self.notices.as_ref().map(|s| &s.stamp),
            Input::Pages => self.pages.as_ref().map(|s| &s.stamp),
            Input::Tasks => self.tasks.as_ref().map(|s| &s.stamp),
            Input::Config | Input::Theme => return false,
        };
        let valid = current.is_some_and(|old| old.still_valid(&stamp));
        if !config_changed && valid && !dirty.contains(&input) {
            return false;
        }
        let root = self.root.clone();
        let mut findings = Findings::default();
        match input {
            Input::Registers => {
                if config_changed {
                    // Private columns and aliases come from the settings.
                    self.register_cache.clear();
                }
                let (value, files) = self.load_registers(&config, &mut findings);
                // Every file the very same as before (read again but found byte for byte
                // equal, e.g. a second event of one save): nothing to check or model again.
                let same = !config_changed
                    && self.registers.as_ref().is_some_and(|old| {
                        old.files == files
                            && old.value.len() == value.len()
                            && old.value.iter().zip(&value).all(|(a, b)| Arc::ptr_eq(a, b))
                            && format!("{:?}", old.findings) == format!("{:?}", findings.items)
                    });
                self.registers = Some(Slot {
                    stamp,
                    value,
                    findings: findings.items,
                    files,
                });
                if same {
                    return false;
                }
            }
            Input::Notices => {
                let (value, files) = if self.keep_inputs {
                    load::notice::load_notices_cached(
                        &root,
                        &config,
                        &mut findings,
                        &mut self.notice_cache,
                    )
                } else {
                    load::notice::load_notices(&root, &config, &mut findings)
                };
                // Every notice read again exactly as before (a racy stamp), with the
                // same findings (those about other files in the folder too): no change.
                let same = self.keep_inputs
                    && !config_changed
                    && self.notice_cache.unchanged()
                    && self
                        .notices
                        .as_ref()
                        .is_some_and(|old| old.files == files && old.findings == findings.items);
                self.notices = Some(Slot {
                    stamp,
                    value,
                    findings: findings.items,
                    files,
                });
                if same {
                    return false;
                }
            }
            Input::Pages => {
                let (value, files) = load::notice::load_pages(&root, &mut findings);
                self.pages = Some(Slot {
                    stamp,
                    value,
                    findings: findings.items,
                    files,
                });
            }
            Input::Tasks => {
                let (value, files) = load::tasks::load_task_lists(&root, &mut findings);
                self.tasks = Some(Slot {
                    stamp,
                    value,
                    findings: findings.items,
                    files,
                });
            }
            Input::Config | Input::Theme => {}
        }
        reloaded.push(input);
        true
    }

    /// Loads every register as [`load::register::load_registers`] does, reading again
    /// only the files that are new, changed (length, modification time), were racy
    /// when read, or that the watcher named; the others come from the cache. Files
    /// are read in parallel; the result and its findings are in the same order.
    fn load_registers(
        &mut self,
        config: &SiteConfig,
        findings: &mut Findings,
    ) -> (Vec<Arc<RegisterFile>>, usize) {
        let root = self.root.clone();
        let files = load::register::discover(&root, findings);
        let now = SystemTime::now();
        let dirty = std::mem::take(&mut self.dirty_paths);
        let mut cache = std::mem::take(&mut self.register_cache);
        let stale: Vec<(PathBuf, hazard::YearMonth, u64, Option<SystemTime>)> = files
            .iter()
            .filter_map(|(path, month)| {
                let meta = std::fs::metadata(path).ok();
                let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let fresh = cache.get(path).is_some_and(|c| {
                    c.trusted && c.month == *month && c.len == len && c.modified == modified
                }) && !dirty.iter().any(|d| d == path);
                (!fresh).then(|| (path.clone(), *month, len, modified))
            })
            .collect();
        let read: Vec<(PathBuf, CachedRegister)> = stale
            .into_par_iter()
            .map(|(path, month, len, modified)| {
                // Length and time come from before the read: an edit after them changes
                // the time (the file is old enough when trusted), so it is seen next run.
                let trusted = modified
                    .is_some_and(|m| now.duration_since(m).is_ok_and(|age| age >= RACY_WINDOW));
                let Ok(bytes) = std::fs::read(&path) else {
                    // Unreadable: the loader says why.
                    let (file, findings) =
                        load::register::read_register_file(&root, &path, month, config);
                    let cached = CachedRegister {
                        len,
                        modified,
                        trusted: false,
                        month,
                        file: file.map(Arc::new),
                        findings,
                        bytes: None,
                    };
                    return (path, cached);
                };
                let keep = |bytes: Arc<Vec<u8>>| (!trusted).then_some(bytes);
                // The same bytes as last read (kept because they were not trusted then):
                // the same rows and findings, without decoding them again.
                if let Some(old) = cache
                    .get(&path)
                    .filter(|c| c.month == month && c.bytes.as_ref().is_some_and(|b| **b == bytes))
                {
                    let cached = CachedRegister {
                        len,
                        modified,
                        trusted,
                        month,
                        file: old.file.clone(),
                        findings: old.findings.clone(),
                        bytes: old.bytes.clone().and_then(keep),
                    };
                    return (path, cached);
                }
                let kept = (!trusted).then(|| Arc::new(bytes.clone()));
                let rel = load::relative_path(&root, &path);
                let (file, findings) = load::register::read_register(bytes, rel, month, config);
                let cached = CachedRegister {
                    len,
                    modified,
                    trusted,
                    month,
                    file: file.map(Arc::new),
                    findings,
                    bytes: kept,
                };
                (path, cached)
            })
            .collect();
        cache.extend(read);
        // Files that are gone are forgotten.
        cache.retain(|path, _| files.iter().any(|(p, _)| p == path));
        let mut registers = Vec::with_capacity(files.len());
        for (path, _) in &files {
            if let Some(cached) = cache.get(path) {
                findings.extend(cached.findings.iter().cloned());
                registers.extend(cached.file.clone());
            }
        }
        self.rows_loaded = registers.iter().map(|r| r.data_rows).sum();
        registers.sort_by(|a, b| (a.month, &a.path).cmp(&(b.month, &b.path)));
        self.register_cache = cache;
        (registers, files.len())
    }

    /// Runs every rule over the cached inputs and, when they find no error, builds the
    /// model from them (in the order [`load::load_site`] reads them).
    ///
    /// A pipeline that keeps its inputs builds the model from a copy of them while the
    /// rules run on the originals (on another core); the model is dropped if the rules
    /// find an error. A one-shot pipeline moves its inputs into the model after the rules.
    #[allow(clippy::type_complexity)]
    fn check(&mut self) -> Result<(Disclosure, Findings, usize, usize), Findings> {
        let mut findings = Findings::default();
        let config_slot = self.config.as_ref();
        if let Some(slot) = config_slot {
            findings.extend(slot.findings.iter().cloned());
        }
        let config = match config_slot.and_then(|s| s.value.clone()) {
            // `gongkai build --base-url` overrides site.toml for the whole site.
            Some(mut config) => {
                if let Some(base_url) = &self.options.base_url {
                    config.base_url.clone_from(base_url);
                }
                config
            }
            None => {
                findings.sort();
                return Err(findings);
            }
        };
        let (Some(registers), Some(notices), Some(pages), Some(tasks)) = (
            self.registers.as_ref(),
            self.notices.as_ref(),
            self.pages.as_ref(),
            self.tasks.as_ref(),
        ) else {
            // Unreachable when a config was read: every slot is filled after it.
            findings.push(Finding::error(
                "pipeline-incomplete",
                "内部错误：部分内容未读取，请重新运行",
            ));
            return Err(findings);
        };
        let mut files_read = 1;
        for (slot_findings, files) in [
            (&registers.findings, registers.files),
            (&notices.findings, notices.files),
            (&pages.findings, pages.files),
            (&tasks.findings, tasks.files),
        ] {
            findings.extend(slot_findings.iter().cloned());
            files_read += files;
        }
        self.files_checked = Some(files_read);
        let rows_read: usize = registers.value.iter().map(|r| r.data_rows).sum();
        if self.keep_inputs {
            let register_refs: Vec<&RegisterFile> =
                registers.value.iter().map(|r| r.as_ref()).collect();
            let parts = rules::SiteParts {
                config: &config,
                registers: &register_refs,
                notices: &notices.value,
                pages: &pages.value,
            };
            let root = &self.root;
            let row_findings = &mut self.row_findings;
            // The model does not depend on the findings: it is built beside the rules
            // and used only when they pass.
            let ((rule_findings, rules_took), (disclosure, assemble_took, model_took)) =
                rayon::join(
                    || {
                        let started = Instant::now();
                        let mut rule_findings = Findings::default();
                        rules::check_parts_cached(
                            parts,
                            &registers.value,
                            row_findings,
                            &mut rule_findings,
                        );
                        (rule_findings, started.elapsed())
                    },
                    || {
                        let started = Instant::now();
                        let site = LoadedSite {
                            root: root.clone(),
                            config: config.clone(),
                            registers: registers
                                .value
                                .iter()
                                .map(|r| RegisterFile::clone(r))
                                .collect(),
                            notices: notices.value.clone(),
                            pages: pages.value.clone(),
                            tasks: tasks.value.clone(),
                            files_read,
                        };
                        let assembled = started.elapsed();
                        let disclosure = model::build(site);
                        (disclosure, assembled, started.elapsed() - assembled)
                    },
                );
            self.stats.rules = rules_took;
            self.stats.assemble = assemble_took;
            self.stats.model = model_took;
            findings.extend(rule_findings.items);
            findings.sort();
            if findings.has_errors() {
                return Err(findings);
            }
            return Ok((disclosure, findings, files_read, rows_read));
        }
        // One run only: the inputs move into the model (a later run reads them again),
        // so each register file has one owner and is not copied.
        self.register_cache.clear();
        let site = LoadedSite {
            root: self.root.clone(),
            config,
            registers: self
                .registers
                .take()
                .map_or_else(Vec::new, |slot| slot.value)
                .into_iter()
                .map(|r| Arc::try_unwrap(r).unwrap_or_else(|r| RegisterFile::clone(&r)))
                .collect(),
            notices: self.notices.take().map_or_else(Vec::new, |s| s.value),
            pages: self.pages.take().map_or_else(Vec::new, |s| s.value),
            tasks: self.tasks.take().map_or_else(Vec::new, |s| s.value),
            files_read,
        };
        let rules_start = Instant::now();
        rules::check_site(&site, &mut findings);
        findings.sort();
        self.stats.rules = rules_start.elapsed();
        if findings.has_errors() {
            return Err(findings);
        }
        let model_start = Instant::now();
        let disclosure = model::build(site);
        self.stats.model = model_start.elapsed();
        Ok((disclosure, findings, files_read, rows_read))
    }

    /// Renders the checked model page by page (in parallel), scans each file for leaks
    /// and active content while it is hot and hands the clean ones to `sink`. A render
    /// error (a broken template) is reported as an error finding; the model is kept, so
    /// fixing the template re-renders only. After the first problem no more files reach
    /// the sink, but every file is still scanned so the report is complete.
    fn render_into(&mut self, sink: &dyn Sink) -> Result<Streamed, Findings> {
        let Some(checked) = &self.checked else {
            return Err(Findings::default());
        };
        let failed = |extra: Vec<Finding>| {
            let mut findings = checked.findings.clone();
            findings.extend(extra);
            findings.sort();
            findings
        };
        let render_failed = |err: &render::RenderError| {
            failed(vec![Finding::error(
                "render-failed",
                render::error_chain(err),
            )
            .with_help("请按上面的说明修改主题或模板文件；保存后会重新生成。")])
        };
        let start = Instant::now();
        let plan =
            render::plan(&checked.disclosure, &self.options).map_err(|e| render_failed(&e))?;
        if std::env::var_os("GONGKAI_TIMINGS").is_some() {
            eprintln!("plan (with data files): {:.2?}", start.elapsed());
        }
        sink.planned(plan.pages().len() + plan.planned_files());
        // Nothing personal and no active content may reach the output, in a preview
        // either.
        let scanner = scan::Scanner::new(&checked.disclosure);
        let problems: Mutex<(Vec<scan::Leak>, Vec<Finding>)> = Mutex::default();
        let scan_nanos = AtomicU64::new(0);
        let streamed = plan.stream(|file: OutputFile| {
            let scan_start = Instant::now();
            let check = scanner.check_file(&file);
            scan_nanos.fetch_add(scan_start.elapsed().as_nanos() as u64, Ordering::Relaxed);
            let mut problems = problems.lock().unwrap_or_else(PoisonError::into_inner);
            problems.0.extend(check.leaks);
            problems.1.extend(check.active);
            if !problems.0.is_empty() || !problems.1.is_empty() {
                return Ok(());
            }
            drop(problems);
            sink.accept(file)
        });
        self.stats.scan = Duration::from_nanos(scan_nanos.load(Ordering::Relaxed));
        self.stats.render = start.elapsed().saturating_sub(self.stats.scan);
        match streamed {
            Ok(()) => {}
            Err(render::StreamError::Render(err)) => return Err(render_failed(&err)),
            Err(render::StreamError::Sink(err)) => {
                return Err(failed(vec![Finding::error(
                    "write-failed",
                    format!("写入输出文件时出错：{err}"),
                )
                .with_help("请检查输出文件夹所在磁盘的空间和写入权限后重新生成。")]));
            }
        }
        let (mut leaks, active) = problems
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if !leaks.is_empty() || !active.is_empty() {
            leaks.sort_by(|a, b| (&a.output, a.offset).cmp(&(&b.output, b.offset)));
            let mut extra = scan::leak_findings(&leaks);
            extra.extend(active);
            return Err(failed(extra));
        }
        Ok(Streamed {
            findings: checked.findings.clone(),
            files_read: checked.files_read,
            rows_read: checked.rows_read,
        })
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
        ] {
            assert!(is_editor_litter(name), "{name}");
        }
        for name in ["甲村.csv", "通知.md", "site.toml", "4913.csv", "base.html"] {
            assert!(!is_editor_litter(name), "{name}");
        }
    }

    fn backdate(path: &Path, secs: u64) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(secs))
            .unwrap();
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
        std::fs::write(month.join("a.csv"), "xy").unwrap();
        backdate(&month.join("a.csv"), 30);
        let edited = Stamp::take(dir.path(), Input::Registers);
        assert!(!old.still_valid(&edited));
        std::fs::rename(&month, dir.path().join("content/registers/2025-02")).unwrap();
        assert!(!edited.still_valid(&Stamp::take(dir.path(), Input::Registers)));
        assert_eq!(Stamp::take(dir.path(), Input::Notices), Stamp::default());
    }

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
        std::fs::File::options()
            .write(true)
            .open(&edited)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let built = pipeline.run().expect("edited fixture builds");
        assert!(built
            .files
            .iter()
            .any(|f| String::from_utf8_lossy(&f.bytes).contains("已责令整治")));
    }

    #[test]
    fn missing_site_toml_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let findings = build_once(dir.path(), RenderOptions::new(dir.path())).unwrap_err();
        assert!(findings.items.iter().any(|f| f.code == "config-missing"));
    }
}
