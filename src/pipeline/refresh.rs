//! Reading again what changed: `site.toml`, each content input whose stamp changed or
//! that the watcher named, and within the registers only the files that changed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::inputs::{same_config, Input, Slot, Stamp, RACY_WINDOW};
use super::Pipeline;
use crate::config::SiteConfig;
use crate::diag::{Finding, Findings};
use crate::hazard;
use crate::load::{self, RegisterFile};

/// One register file as last read, to be reused while it has not changed.
#[derive(Debug, Clone)]
pub(super) struct CachedRegister {
    pub(super) len: u64,
    pub(super) modified: Option<SystemTime>,
    /// Modified long enough before it was read that an edit would change the time.
    pub(super) trusted: bool,
    pub(super) month: hazard::YearMonth,
    /// Shared with the registers slot, so the cache costs no second copy of the rows.
    pub(super) file: Option<Arc<RegisterFile>>,
    pub(super) findings: Vec<Finding>,
    /// The bytes read, kept only while the file is not trusted: a file saved just
    /// before it was read (a folder copied in, then `gongkai serve`) is compared byte
    /// for byte on the next run instead of being decoded and parsed again.
    pub(super) bytes: Option<Arc<Vec<u8>>>,
}

impl Pipeline {
    /// Reloads `site.toml` when it changed. Returns true when it was reloaded.
    pub(super) fn refresh_config(&mut self, dirty: &[Input], reloaded: &mut Vec<Input>) -> bool {
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
        let same = self
            .config
            .as_ref()
            .is_some_and(|old| same_config(&old.value, &value) && old.findings == findings.items);
        self.config = Some(Slot::new(stamp, value, findings, 1));
        !same
    }

    /// Reloads one content input when it changed, or when the settings changed (the
    /// loaders read private columns and the default issuer from them). Returns true
    /// when it was reloaded.
    pub(super) fn refresh_content(
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
                            && old.findings == findings.items
                    });
                self.registers = Some(Slot::new(stamp, value, findings, files));
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
                self.notices = Some(Slot::new(stamp, value, findings, files));
                if same {
                    return false;
                }
            }
            Input::Pages => {
                let (value, files) = load::notice::load_pages(&root, &mut findings);
                self.pages = Some(Slot::new(stamp, value, findings, files));
            }
            Input::Tasks => {
                let (value, files) = load::tasks::load_task_lists(&root, &mut findings);
                self.tasks = Some(Slot::new(stamp, value, findings, files));
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
    pub(super) fn load_registers(
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
                let rel = crate::diag::relative_path(&root, &path);
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
}
