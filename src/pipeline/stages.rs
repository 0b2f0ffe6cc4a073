//! The two stages of a run after loading: every rule and the model
//! ([`Pipeline::check`]), then rendering with the leak scan ([`Pipeline::render_into`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Pipeline, Sink, Streamed};
use crate::check::rules;
use crate::diag::{Finding, Findings};
use crate::load::{LoadedSite, RegisterFile};
use crate::model::{self, Disclosure};
use crate::render::{self, OutputFile};
use crate::scan;

/// The ledger's options for this run.
fn ledger_options<'a>(
    root: &'a std::path::Path,
    options: &'a render::RenderOptions,
    config: &crate::config::SiteConfig,
) -> crate::ledger::Options<'a> {
    crate::ledger::Options {
        root,
        today: options.today,
        disclosure_day: config.disclosure_day,
        sealing: options.sealing,
        previous_out: options.previous_out.as_deref(),
    }
}

/// The ledger ([`crate::ledger::run`]) with findings of its own, for running beside the
/// rules: it reads only the registers and the archive. Seeing only its own findings, it
/// may make a seal the rules' errors would have held back; such a run fails before
/// anything is written, so the seal is dropped unwritten and the outcome is the same.
///
/// With `kept` (a pipeline that keeps its inputs), the archive of the last run is used
/// again unless it changed ([`super::archive`]).
fn ledger_beside_rules(
    root: &std::path::Path,
    options: &render::RenderOptions,
    config: &crate::config::SiteConfig,
    registers: &[&RegisterFile],
    kept: Option<&mut Option<super::archive::KeptArchive>>,
) -> (crate::ledger::Ledger, Findings, Duration) {
    let started = Instant::now();
    let mut findings = Findings::default();
    let opts = ledger_options(root, options, config);
    let ledger = match kept {
        None => crate::ledger::run(&opts, registers, &mut findings),
        Some(kept) => {
            let archive = super::archive::current(kept, root);
            crate::ledger::run_on(&opts, archive.as_deref(), registers, &mut findings)
        }
    };
    (ledger, findings, started.elapsed())
}

impl Pipeline {
    /// Runs every rule over the cached inputs and, when they find no error, builds the
    /// model from them (in the order [`load::load_site`] reads them).
    ///
    /// A pipeline that keeps its inputs builds the model from a copy of them while the
    /// rules run on the originals (on another core); the model is dropped if the rules
    /// find an error. The copy shares the register rows (`Arc`), so it costs pointers,
    /// not rows. A one-shot pipeline moves its inputs into the model after the rules.
    #[allow(clippy::type_complexity)]
    pub(super) fn check(&mut self) -> Result<(Disclosure, Findings, usize, usize), Findings> {
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
            let timeline = crate::calendar::check_parts(
                root,
                &config,
                &register_refs,
                &notices.value,
                &tasks.value,
                self.options.today,
                &mut findings,
            );
            let row_findings = &mut self.row_findings;
            let kept_archive = &mut self.kept_archive;
            let (options, config_ref) = (&self.options, &config);
            // The model does not depend on the findings: it is built beside the rules
            // and used only when they pass. The ledger reads only the registers and the
            // archive, so it runs beside them too (see `ledger_beside_rules`).
            let (
                ((rule_findings, rules_took), (ledger, ledger_findings, ledger_took)),
                (disclosure, assemble_took, model_took),
            ) = rayon::join(
                || {
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
                            ledger_beside_rules(
                                root,
                                options,
                                config_ref,
                                &register_refs,
                                Some(kept_archive),
                            )
                        },
                    )
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
            self.stats.ledger = ledger_took;
            findings.extend(rule_findings.items);
            findings.extend(ledger_findings.items);
            findings.sort();
            if findings.has_errors() {
                return Err(findings);
            }
            let mut disclosure = disclosure;
            disclosure.timeline = timeline;
            disclosure.ledger = Arc::new(ledger);
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
        let register_refs: Vec<&RegisterFile> = site.registers.iter().collect();
        let ((timeline, rules_took), (ledger, ledger_findings, ledger_took)) = rayon::join(
            || {
                let started = Instant::now();
                rules::check_site(&site, &mut findings);
                let timeline =
                    crate::calendar::check_site(&site, self.options.today, &mut findings);
                (timeline, started.elapsed())
            },
            || {
                ledger_beside_rules(
                    &self.root,
                    &self.options,
                    &site.config,
                    &register_refs,
                    None,
                )
            },
        );
        drop(register_refs);
        self.stats.rules = rules_took;
        self.stats.ledger = ledger_took;
        findings.extend(ledger_findings.items);
        findings.sort();
        if findings.has_errors() {
            return Err(findings);
        }
        let model_start = Instant::now();
        let mut disclosure = model::build(site);
        disclosure.timeline = timeline;
        disclosure.ledger = Arc::new(ledger);
        self.stats.model = model_start.elapsed();
        Ok((disclosure, findings, files_read, rows_read))
    }

    /// Renders the checked model page by page (in parallel), scans each file for leaks
    /// and active content while it is hot and hands the clean ones to `sink`. A render
    /// error (a broken template) is reported as an error finding; the model is kept, so
    /// fixing the template re-renders only. After the first problem no more files reach
    /// the sink, but every file is still scanned so the report is complete.
    pub(super) fn render_into(&mut self, sink: &dyn Sink) -> Result<Streamed, Findings> {
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
        if crate::diag::timings::wanted() {
            eprintln!("plan (with data files): {:.2?}", start.elapsed());
        }
        sink.planned(plan.pages().len() + plan.planned_files());
        // Nothing personal and no active content may reach the output, in a preview
        // either.
        let scanner = scan::Scanner::new(&checked.disclosure);
        let problems: Mutex<scan::Problems> = Mutex::default();
        let scan_nanos = AtomicU64::new(0);
        let streamed = plan.stream(|file: OutputFile| {
            let scan_start = Instant::now();
            let check = scanner.check_file(&file);
            scan_nanos.fetch_add(scan_start.elapsed().as_nanos() as u64, Ordering::Relaxed);
            let mut problems = problems.lock().unwrap_or_else(PoisonError::into_inner);
            problems.add(check);
            if !problems.is_empty() {
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
        let problems = problems
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if !problems.is_empty() {
            return Err(failed(problems.into_findings()));
        }
        Ok(Streamed {
            findings: checked.findings.clone(),
            files_read: checked.files_read,
            rows_read: checked.rows_read,
        })
    }
}
