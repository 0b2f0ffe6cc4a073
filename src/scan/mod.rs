//! The leak scanner: after rendering and before anything is written, every output file
//! is searched for personal data that must never be published (seed 002 items 50–52:
//! reporters are protected).
//!
//! What counts as a leak:
//! - a mainland ID-card number (18 digits with a valid check digit, or the old 15-digit
//!   form), a mobile number, a bank-card-like number (see [`numbers`]);
//! - any value of a private or unpublished register column (see [`private`]).
//!
//! Numbers the site publishes on purpose (the hotline phones and 12350 of `site.toml`)
//! and the entries of `[publish] allow` are let through. A leak is an error finding
//! naming the output file and, where it can be traced, the input file, row and column it
//! came from; the build then writes nothing.
//!
//! Speed: one linear pass per file for numbers and one Aho-Corasick pass for private
//! values, files in parallel (rayon); an HTML page is tokenised once for its visible
//! text and its active content together ([`Scanner::check_file`]). HTML is also scanned as a reader sees it (tags of
//! inline formatting and character references removed, [`html::visible_text`]) so
//! `<b>138</b>0013 8000` or `&#49;38…` cannot hide a number. Nothing is allocated per
//! page unless something is found: the visible text goes into a per-thread buffer.

pub mod html;
pub mod numbers;
pub mod private;
#[doc(hidden)]
pub mod reference;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::diag::{Finding, Findings};
use crate::hazard::HazardRecord;
use crate::load::{Notice, Page, TaskList};
use crate::model::Disclosure;
use crate::render::OutputFile;
use crate::schema::COLUMNS;

use numbers::NumberKind;
use private::{PrivateMatcher, PrivateValue};

/// Where a value came from in the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Relative to the site root, `/`-separated.
    pub file: PathBuf,
    /// Excel row (registers, task lists); `None` for notices and settings.
    pub row: Option<usize>,
    /// The column header or front-matter field.
    pub column: Option<String>,
}

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeakKind {
    /// A personal number.
    Number(NumberKind),
    /// The value of a private or unpublished register column.
    Private,
}

/// One leak: a personal value in one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub kind: LeakKind,
    /// The output file, relative to the output root.
    pub output: String,
    /// The value found (digits for numbers).
    pub value: String,
    /// Byte offset in the output file (in its visible text for HTML hits found only
    /// there).
    pub offset: usize,
    /// Where the value came from, when it could be traced.
    pub origin: Option<Origin>,
    /// For a private value: the first public register cell that holds it (the cell to
    /// edit), when one does.
    pub shown_in: Option<Origin>,
}

/// What [`Scanner::check_file`] found in one output file. The file may be published
/// when both are empty ([`FileCheck::is_clean`]).
#[derive(Debug, Default)]
pub struct FileCheck {
    /// Personal values in the file, as [`Scanner::scan_file`] finds them.
    pub leaks: Vec<Leak>,
    /// For an HTML page: its active content or missing Content-Security-Policy, as
    /// [`html::active_content`] reports it.
    pub active: Option<Finding>,
}

impl FileCheck {
    /// Nothing found: the file may be published.
    pub fn is_clean(&self) -> bool {
        self.leaks.is_empty() && self.active.is_none()
    }
}

/// What the checks of many files found, gathered into the findings a build reports.
#[derive(Debug, Default)]
pub struct Problems {
    leaks: Vec<Leak>,
    other: Vec<Finding>,
}

impl Problems {
    /// Adds the check of one file.
    pub fn add(&mut self, check: FileCheck) {
        self.leaks.extend(check.leaks);
        self.other.extend(check.active);
    }

    /// Adds a finding that keeps the site from being published (a page that could not
    /// be rendered).
    pub fn push(&mut self, finding: Finding) {
        self.other.push(finding);
    }

    /// Nothing found so far.
    pub fn is_empty(&self) -> bool {
        self.leaks.is_empty() && self.other.is_empty()
    }

    /// One finding per leaked value ([`leak_findings`], naming the first output files
    /// in path order whatever order the files were checked in), then the others.
    pub fn into_findings(mut self) -> Vec<Finding> {
        self.leaks
            .sort_by(|a, b| (&a.output, a.offset).cmp(&(&b.output, b.offset)));
        let mut findings = leak_findings(&self.leaks);
        findings.extend(self.other);
        findings
    }
}

/// The scanner for one site: what is private, what is public, and where values came
/// from. Build it once per build; it is `Sync`, files are scanned in parallel.
#[derive(Debug, Clone)]
pub struct Scanner {
    origins: Vec<Origin>,
    /// Digits of numbers that may be published.
    allowed_numbers: HashSet<String>,
    /// Digits of every personal-looking number in the input → the first origin.
    number_origins: HashMap<String, usize>,
    private: PrivateMatcher,
    /// Private value (index) → origin of the first public register cell holding it.
    private_shown: HashMap<usize, usize>,
}

impl Scanner {
    /// The scanner for a checked site: private values are the withheld cells of every
    /// register row in the model, public numbers come from `site.toml`.
    pub fn new(site: &Disclosure) -> Scanner {
        let records: Vec<&HazardRecord> = site
            .months
            .iter()
            .flat_map(|m| m.entries.iter().map(|e| &*e.record))
            .collect();
        Scanner::from_parts(
            &site.config,
            &records,
            &site.notices,
            &site.pages,
            &site.tasks,
        )
    }

    /// The scanner from the parts of a site (for callers without a model).
    pub fn from_parts(
        config: &SiteConfig,
        records: &[&HazardRecord],
        notices: &[Notice],
        pages: &[Page],
        tasks: &[TaskList],
    ) -> Scanner {
        let mut builder = Builder::new(config);
        for &record in records {
            builder.add_record(record);
        }
        builder.note_published_names(records);
        for record in records {
            builder.add_withheld(record);
        }
        for notice in notices {
            let origin = builder.origin(notice.path.clone(), None, None);
            for text in [
                Some(notice.title.as_str()),
                Some(notice.body.as_str()),
                notice.doc_number.as_deref(),
                notice.index_number.as_deref(),
                Some(notice.issuer.as_str()),
            ]
            .into_iter()
            .flatten()
            {
                builder.trace_numbers(text, origin);
            }
        }
        for page in pages {
            let origin = builder.origin(page.path.clone(), None, None);
            builder.trace_numbers(&page.title, origin);
            builder.trace_numbers(&page.body, origin);
        }
        for list in tasks {
            for task in &list.tasks {
                let origin = builder.origin(task.origin.file.clone(), Some(task.origin.row), None);
                for text in [
                    Some(task.task.as_str()),
                    task.measures.as_deref(),
                    task.owner.as_deref(),
                    task.progress.as_deref(),
                    task.number.as_deref(),
                ]
                .into_iter()
                .flatten()
                {
                    builder.trace_numbers(text, origin);
                }
            }
        }
        let mut scanner = builder.finish();
        scanner.locate_private(records);
        scanner
    }

    /// Finds, for each private value, the first published register cell that holds it
    /// (a reporter's name repeated in 备注), so that a leak names the cell a clerk must
    /// edit beside the private column the value came from. Nothing to do, and no cost,
    /// when the registers have no private values.
    fn locate_private(&mut self, records: &[&HazardRecord]) {
        if self.private.values().is_empty() {
            return;
        }
        let matcher = &self.private;
        let found: Vec<(usize, &HazardRecord, &'static str)> = records
            .par_iter()
            .flat_map_iter(|&record| {
                COLUMNS
                    .iter()
                    .filter(|c| c.published)
                    .filter_map(move |c| Some((c.headers[0], c.get(record).as_text()?)))
                    .flat_map(move |(column, text)| {
                        matcher
                            .scan(text.as_bytes())
                            .into_iter()
                            .map(move |hit| (hit.value, record, column))
                    })
            })
            .collect();
        for (value, record, column) in found {
            if self.private_shown.contains_key(&value) {
                continue;
            }
            self.origins.push(Origin {
                file: record.origin.file.clone(),
                row: Some(record.origin.row),
                column: Some(column.to_string()),
            });
            self.private_shown.insert(value, self.origins.len() - 1);
        }
    }

    /// Number of private values searched for (for the summary and tests).
    pub fn private_values(&self) -> usize {
        self.private.values().len()
    }

    /// Scans every file in parallel. Leaks are sorted by output path, then offset.
    pub fn scan(&self, files: &[OutputFile]) -> Vec<Leak> {
        let mut leaks: Vec<Leak> = files.par_iter().flat_map(|f| self.scan_file(f)).collect();
        leaks.sort_by(|a, b| (&a.output, a.offset).cmp(&(&b.output, b.offset)));
        leaks
    }

    /// Everything that keeps one output file off the site, in one pass over an HTML
    /// page: the personal values in it ([`Scanner::scan_file`]) and its active content
    /// ([`html::active_content`]). The page is tokenised once; its visible text is
    /// collected and its tags checked in the same walk. This is what a build and the
    /// preview server run on every file.
    pub fn check_file(&self, file: &OutputFile) -> FileCheck {
        self.check(file, true)
    }

    /// Scans one file for leaks only. Binary files (images, fonts) are skipped.
    pub fn scan_file(&self, file: &OutputFile) -> Vec<Leak> {
        self.check(file, false).leaks
    }

    /// [`Scanner::check_file`], the active-content check only when `active`.
    fn check(&self, file: &OutputFile, active: bool) -> FileCheck {
        if crate::attach::text::is_scanned(&file.path) {
            return self.check_document(file);
        }
        let binary = is_binary(&file.path, &file.bytes);
        let page = active && html::is_page(&file.path);
        let markup = !binary && html::is_markup(&file.path);
        let mut leaks = if binary {
            Vec::new()
        } else {
            self.scan_text(&file.path, &file.bytes)
        };
        if !(page || markup) {
            return FileCheck {
                leaks,
                active: None,
            };
        }
        let Ok(text) = simdutf8::basic::from_utf8(&file.bytes) else {
            return FileCheck {
                leaks,
                active: None,
            };
        };
        if !markup {
            // An HTML file with a NUL byte: not scanned for leaks, still checked.
            return FileCheck {
                leaks,
                active: html::check_page(text).finding(file),
            };
        }
        let mut safety = html::PageSafety::default();
        VISIBLE.with(|buffer| {
            // A page's visible text goes into this thread's buffer, reused from page to
            // page (taken out so a nested call could not find it borrowed).
            let mut visible = buffer.take();
            visible.clear();
            if page {
                html::scan_page(text, &mut visible, &mut safety);
            } else {
                html::visible_text_into(text, &mut visible);
            }
            let found = self.scan_text(&file.path, &visible);
            if !found.is_empty() {
                let seen: HashSet<(LeakKind, String)> =
                    leaks.iter().map(|l| (l.kind, l.value.clone())).collect();
                leaks.extend(
                    found
                        .into_iter()
                        .filter(|l| !seen.contains(&(l.kind, l.value.clone()))),
                );
            }
            // A huge page should not pin its buffer for the rest of the build.
            if visible.capacity() <= MAX_KEPT_BUFFER {
                buffer.set(visible);
            }
        });
        FileCheck {
            leaks,
            active: if page { safety.finding(file) } else { None },
        }
    }

    /// A PDF, Word or Excel attachment: its text is scanned as a page's is. One that
    /// cannot be read is refused (what it says cannot be vouched for); one without
    /// text (a scan) was listed in a note when the notice was loaded.
    fn check_document(&self, file: &OutputFile) -> FileCheck {
        match crate::attach::text::extract(std::path::Path::new(&file.path), &file.bytes) {
            Ok(text) => FileCheck {
                leaks: self.scan_text(&file.path, text.as_bytes()),
                active: None,
            },
            Err(why) => {
                let mut finding = Finding::error(
                    "attachment-unreadable",
                    format!(
                        "附件 {} 无法读取其中的文字（{why}），不能确认其中没有个人信息",
                        file.path
                    ),
                )
                .with_help("请用 WPS 或 Office 打开后重新另存，或改用 PDF（文字版）。");
                if let Some(source) = &file.source {
                    finding = finding.in_file(source.clone());
                }
                FileCheck {
                    leaks: Vec::new(),
                    active: Some(finding),
                }
            }
        }
    }

    pub(crate) fn scan_text(&self, output: &str, text: &[u8]) -> Vec<Leak> {
        let mut leaks = Vec::new();
        let mut seen = HashSet::new();
        for hit in numbers::scan(text) {
            if self.allowed_numbers.contains(&hit.digits) || !seen.insert(hit.digits.clone()) {
                continue;
            }
            let origin = self
                .number_origins
                .get(&hit.digits)
                .map(|&i| self.origins[i].clone());
            leaks.push(Leak {
                kind: LeakKind::Number(hit.kind),
                output: output.to_string(),
                value: hit.digits,
                offset: hit.offset,
                origin,
                shown_in: None,
            });
        }
        for hit in self.private.scan(text) {
            let value = &self.private.values()[hit.value];
            if !seen.insert(value.value.clone()) {
                continue;
            }
            leaks.push(Leak {
                kind: LeakKind::Private,
                output: output.to_string(),
                value: value.value.clone(),
                offset: hit.offset,
                origin: Some(self.origins[value.origin].clone()),
                shown_in: self
                    .private_shown
                    .get(&hit.value)
                    .map(|&i| self.origins[i].clone()),
            });
        }
        leaks
    }
}

/// Collects origins, public values and private values while the scanner is built.
struct Builder<'a> {
    config: &'a SiteConfig,
    origins: Vec<Origin>,
    origin_index: HashMap<Origin, usize>,
    number_origins: HashMap<String, usize>,
    /// Values published in their own right in identifying columns (编号, 单位, 村,
    /// 行业, 督办单位, 责任人, 审核人): an unpublished column repeating one of them
    /// (a 检查单位 column equal to the unit) is no leak. Only those equal to some
    /// unpublished value are kept ([`Builder::note_published_names`]).
    published_names: FxHashSet<&'a str>,
    private: Vec<PrivateValue>,
    allowed_values: HashSet<String>,
}

impl<'a> Builder<'a> {
    fn new(config: &'a SiteConfig) -> Builder<'a> {
        let mut builder = Builder {
            config,
            origins: Vec::new(),
            origin_index: HashMap::new(),
            number_origins: HashMap::new(),
            published_names: FxHashSet::default(),
            private: Vec::new(),
            allowed_values: config
                .publish
                .allow
                .iter()
                .map(|v| v.trim().to_string())
                .collect(),
        };
        let settings = builder.origin(PathBuf::from(CONFIG_FILE), None, None);
        for text in [
            Some(config.title.as_str()),
            Some(config.issuer.as_str()),
            config.hotline.address.as_deref(),
            config.hotline.hours.as_deref(),
            config.hotline.email.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            builder.trace_numbers(text, settings);
        }
        builder
    }

    fn origin(&mut self, file: PathBuf, row: Option<usize>, column: Option<&str>) -> usize {
        let origin = Origin {
            file,
            row,
            column: column.map(str::to_string),
        };
        if let Some(&i) = self.origin_index.get(&origin) {
            return i;
        }
        self.origins.push(origin.clone());
        self.origin_index.insert(origin, self.origins.len() - 1);
        self.origins.len() - 1
    }

    /// Remembers where each personal-looking number in `text` came from.
    fn trace_numbers(&mut self, text: &str, origin: usize) {
        for hit in numbers::scan(text.as_bytes()) {
            self.number_origins.entry(hit.digits).or_insert(origin);
        }
    }

    /// [`Builder::trace_numbers`] for a register cell: its origin (file, row, column)
    /// is recorded only when the cell holds a personal-looking number, since a county
    /// has over a million cells and almost none of them do.
    fn trace_cell(&mut self, text: &str, record: &HazardRecord, column: &str) {
        let hits = numbers::scan(text.as_bytes());
        if hits.is_empty() {
            return;
        }
        let origin = self.origin(
            record.origin.file.clone(),
            Some(record.origin.row),
            Some(column),
        );
        for hit in hits {
            self.number_origins.entry(hit.digits).or_insert(origin);
        }
    }

    /// Traces the numbers of the record's traced columns (the schema's `traced`) to
    /// their cells.
    fn add_record(&mut self, record: &'a HazardRecord) {
        for column in COLUMNS.iter().filter(|c| c.traced) {
            if let Some(text) = column.get(record).as_text() {
                self.trace_cell(text, record, column.headers[0]);
            }
        }
    }

    /// Fills `published_names` with the identifying values (the schema's `names`
    /// columns: 编号, 单位, 村, 行业, 督办单位, 责任人, 审核人) that some unpublished cell repeats: only those matter
    /// to [`Builder::add_withheld`]. Collecting the withheld values first keeps the set
    /// small: a province has millions of identifying cells and few, if any, withheld
    /// values.
    fn note_published_names(&mut self, records: &[&'a HazardRecord]) {
        let withheld: FxHashSet<&str> = records
            .iter()
            .flat_map(|r| r.withheld.iter().map(|v| v.trim()))
            .filter(|v| !v.is_empty())
            .collect();
        if withheld.is_empty() {
            return;
        }
        for record in records {
            for name in COLUMNS
                .iter()
                .filter(|c| c.names)
                .filter_map(|c| c.get(record).as_text())
            {
                let name = name.trim();
                if withheld.contains(name) {
                    self.published_names.insert(name);
                }
            }
        }
    }

    fn add_withheld(&mut self, record: &HazardRecord) {
        const COLUMN: &str = "未公开的列";
        for (i, value) in record.withheld.iter().enumerate() {
            let value = value.trim();
            let column = record
                .withheld_columns
                .get(i)
                .map_or(COLUMN, String::as_str);
            self.trace_cell(value, record, column);
            if value.is_empty()
                || self.published_names.contains(value)
                || self.allowed_values.contains(value)
                || is_harmless(value)
            {
                continue;
            }
            let origin = self.origin(
                record.origin.file.clone(),
                Some(record.origin.row),
                Some(column),
            );
            self.private.push(PrivateValue {
                value: value.to_string(),
                origin,
            });
        }
    }

    fn finish(self) -> Scanner {
        let allowed_numbers = self
            .config
            .public_numbers()
            .into_iter()
            .chain(
                self.config
                    .publish
                    .allow
                    .iter()
                    .map(|v| numbers::digits_of(v)),
            )
            .filter(|d| d.len() >= 5)
            .collect();
        Scanner {
            origins: self.origins,
            allowed_numbers,
            number_origins: self.number_origins,
            private: PrivateMatcher::new(self.private),
            private_shown: HashMap::new(),
        }
    }
}

/// Unpublished cells that identify nobody: words of the register's own vocabulary
/// (statuses, levels, sources, yes/no) and short numbers, dates and amounts (fewer than
/// seven digits and nothing else but punctuation). Personal numbers have more digits.
fn is_harmless(value: &str) -> bool {
    const VOCABULARY: &[&str] = &[
        "是",
        "否",
        "未整改",
        "整改中",
        "已整改",
        "已销号",
        "重大",
        "一般",
        "重大隐患",
        "一般隐患",
        "重大事故隐患",
        "一般事故隐患",
        "企业自查",
        "执法检查",
        "群众举报",
        "上级交办",
        "无",
        "暂无",
        "匿名",
        "不详",
    ];
    if VOCABULARY.contains(&value) {
        return true;
    }
    let numeric = value.chars().all(|c| {
        c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace() || "年月日".contains(c)
    });
    let groups: Vec<usize> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    let digits: usize = groups.iter().sum();
    let is_date = matches!(groups.as_slice(), [4, 1..=2, 1..=2]);
    numeric && (digits < 7 || is_date)
}

/// Images, fonts, archives: not text, not scanned.
fn is_binary(path: &str, bytes: &[u8]) -> bool {
    const BINARY: &[&str] = &[
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf",
        ".zip", ".gz", ".pdf",
    ];
    BINARY
        .iter()
        .any(|ext| html::ends_with_ignore_case(path, ext))
        || memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some()
}

thread_local! {
    /// The visible text of the page being scanned on this thread.
    static VISIBLE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Largest visible-text buffer kept for the next page (pages are far smaller).
const MAX_KEPT_BUFFER: usize = 16 << 20;

/// Everything publication safety checks in a rendered site, before it is written: one
/// error finding per leaked value (with the output files it appears in) and one per
/// page with active content or without the Content-Security-Policy. Empty when the
/// output may be published.
pub fn check_site_output(site: &Disclosure, files: &[OutputFile]) -> Findings {
    let scanner = Scanner::new(site);
    let leaks = scanner.scan(files);
    let mut findings = Findings::default();
    findings.extend(leak_findings(&leaks));
    findings.extend(html::active_content(files));
    findings.sort();
    findings
}

/// One error finding per distinct leaked value, naming up to three output files and
/// the input it came from. Values are masked in the message: the report itself may end
/// up in a log or a screenshot.
pub fn leak_findings(leaks: &[Leak]) -> Vec<Finding> {
    let mut grouped: BTreeMap<(LeakKind, &str), Vec<&Leak>> = BTreeMap::new();
    for leak in leaks {
        grouped
            .entry((leak.kind, leak.value.as_str()))
            .or_default()
            .push(leak);
    }
    grouped
        .into_iter()
        .map(|((kind, value), leaks)| leak_finding(kind, value, &leaks))
        .collect()
}

fn leak_finding(kind: LeakKind, value: &str, leaks: &[&Leak]) -> Finding {
    let mut outputs: Vec<&str> = leaks.iter().map(|l| l.output.as_str()).collect();
    // Pages first: the page a resident would read is what a clerk needs to see named,
    // before the month's data files that carry the same cell.
    outputs.sort_by_key(|o| (!o.ends_with(".html"), *o));
    outputs.dedup();
    let shown_outputs = if outputs.len() > 3 {
        format!("{} 等 {} 个文件", outputs[..3].join("、"), outputs.len())
    } else {
        outputs.join("、")
    };
    let origin = leaks.iter().find_map(|l| l.origin.as_ref());
    let from = match origin {
        Some(o) => {
            let mut s = format!("，来自 {}", o.file.display());
            if let Some(row) = o.row {
                s.push_str(&format!(" 第 {row} 行"));
            }
            if let Some(column) = &o.column {
                s.push_str(&format!("「{column}」"));
            }
            s
        }
        None => "（未能追溯到输入文件，可能来自主题模板或 static/ 文件夹）".to_string(),
    };
    let from = match leaks.iter().find_map(|l| l.shown_in.as_ref()) {
        Some(o) => format!(
            "{from}，出现在公开的 {} 第 {} 行「{}」",
            o.file.display(),
            o.row.unwrap_or_default(),
            o.column.as_deref().unwrap_or_default()
        ),
        None => from,
    };
    let (code, what, masked, help) = match kind {
        LeakKind::Number(n) => (
            n.code(),
            format!("疑似{}", n.label()),
            numbers::mask(value),
            "个人号码不得公开：请在输入文件中删除或打码（如 138****8000）后重新生成。如确属应公开的号码（如单位值班手机），请把它加入 site.toml 的 [publish] allow 列表。",
        ),
        LeakKind::Private => (
            "leak-private-value",
            "不公开列（如举报人、举报人电话）中的内容".to_string(),
            mask_text(value),
            "举报人等不公开信息不得出现在网站上（举报人信息严格保密）：请从公开的列（备注、整改进度等）、通知和页面中删除它后重新生成。如确属误报（该文字本应公开），请把它加入 site.toml 的 [publish] allow 列表。",
        ),
    };
    let message = format!(
        "输出文件 {shown_outputs} 中出现{what}「{masked}」{from}；为保护个人信息，未生成网站"
    );
    let mut finding = Finding::error(code, message)
        .with_value(masked)
        .with_help(help);
    if let Some(o) = origin {
        finding = finding.in_file(o.file.clone());
        if let Some(row) = o.row {
            finding = finding.at_row(row);
        }
        if let Some(column) = &o.column {
            finding = finding.in_column(column.clone());
        }
    }
    finding
}

/// `王*明`, `李*`: the first and last character kept.
fn mask_text(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_digit() || "-+ ()".contains(c))
    {
        return numbers::mask(&numbers::digits_of(value));
    }
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        0 | 1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat((n - 2).min(6)), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests;
