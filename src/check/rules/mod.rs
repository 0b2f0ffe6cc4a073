//! The cross-row and cross-month rules of SPEC.md.
//!
//! Loading has already judged every cell on its own (unreadable dates, unknown statuses,
//! missing required values). The rules here need a whole row, a whole month, or several
//! months: duplicate ids, status consistency, date order, 五到位, overdue, gaps between
//! months, and — the heart of the tool — hazards that vanish from the register without
//! having been closed (how concealment, 瞒报, looks in data).
//!
//! Everything is indexed by id per month in hash maps (Fx hashing: ids are short and
//! the input is the office's own), so the cost is linear in the number of rows: twelve
//! months of ten thousand rows are checked in a few tens of milliseconds.
//!
//! `row.rs` has the rules of one row, `months.rs` those from one month to the next; this
//! module indexes the months, checks gaps between them and what will not be published,
//! and keeps the row findings of unchanged files for the preview ([`RowFindings`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::config::SiteConfig;
use crate::diag::{Finding, Findings};
use crate::hazard::{HazardRecord, YearMonth};
use crate::load::{DisclosureMode, LoadedSite, Notice, Page, RegisterFile};
use crate::schema::Field;

mod incomplete;
mod months;
mod row;

use months::{check_reappearances, check_successions};
use row::check_row;

/// More missing months than this in one gap are reported as one range, not month by
/// month (a mistyped folder name such as `2204-05` would otherwise flood the report).
const GAP_LIST_LIMIT: i32 = 12;

/// Applies every rule that looks beyond a single cell to a loaded site, adding the
/// findings (errors, warnings and notes) to `findings`.
pub fn check_site(site: &LoadedSite, findings: &mut Findings) {
    let registers: Vec<&RegisterFile> = site.registers.iter().collect();
    check_parts(
        SiteParts {
            config: &site.config,
            registers: &registers,
            notices: &site.notices,
            pages: &site.pages,
        },
        findings,
    );
}

/// What the rules read of a site, borrowed from wherever it is kept (the preview keeps
/// its register files shared, not in a [`LoadedSite`]).
#[derive(Debug, Clone, Copy)]
pub struct SiteParts<'a> {
    /// The settings (the disclosure day).
    pub config: &'a SiteConfig,
    /// Every register file, sorted by month then path (as in [`LoadedSite`]).
    pub registers: &'a [&'a RegisterFile],
    /// Every notice, sorted by path.
    pub notices: &'a [Notice],
    /// Every standing page, sorted by path.
    pub pages: &'a [Page],
}

/// [`check_site`] on borrowed parts; the findings are the same, in the same order.
pub fn check_parts(site: SiteParts<'_>, findings: &mut Findings) {
    check_all(site, None, findings);
}

/// The findings of the rules that look at one row alone, per register file, kept from
/// one check to the next so a preview rebuild checks only the rows of files read again.
///
/// An entry is keyed by the file's shared allocation and holds a reference to it, so
/// the address cannot be reused by another file while the entry exists: a file read
/// again is a new allocation and misses. The due date (from the month and the
/// disclosure day in the settings) is part of the key, as the overdue rule depends on it.
#[derive(Debug, Default)]
pub struct RowFindings {
    by_file: FxHashMap<usize, (Arc<RegisterFile>, NaiveDate, Vec<Finding>)>,
}

impl RowFindings {
    /// Number of files whose row findings are kept.
    pub fn len(&self) -> usize {
        self.by_file.len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.by_file.is_empty()
    }
}

/// [`check_parts`] for register files kept shared, reusing the per-row findings of
/// files that are the same allocation as at the last call (`cache`), and forgetting
/// the files no longer there. `registers` must be the files of `site.registers`.
pub fn check_parts_cached(
    site: SiteParts<'_>,
    registers: &[Arc<RegisterFile>],
    cache: &mut RowFindings,
    findings: &mut Findings,
) {
    let shared: FxHashMap<usize, &Arc<RegisterFile>> = registers
        .iter()
        .map(|file| (Arc::as_ptr(file) as usize, file))
        .collect();
    let mut next = RowFindings::default();
    check_all(site, Some((&shared, cache, &mut next)), findings);
    *cache = next;
}

/// The one-row rules over every row of `file`.
fn check_rows(file: &RegisterFile, month: YearMonth, due: NaiveDate, findings: &mut Findings) {
    for record in &file.records {
        check_row(record, month, due, findings);
    }
}

type RowCacheParts<'c, 'a> = (
    &'c FxHashMap<usize, &'a Arc<RegisterFile>>,
    &'c mut RowFindings,
    &'c mut RowFindings,
);

fn check_all(
    site: SiteParts<'_>,
    mut cache: Option<RowCacheParts<'_, '_>>,
    findings: &mut Findings,
) {
    let months = index_months(site.registers, findings);
    check_gaps(&months, findings);
    let disclosure_day = site.config.disclosure_day;
    for month in months.values() {
        let due = month.month.due_date(disclosure_day);
        for &file in &month.files {
            let key = std::ptr::from_ref(file) as usize;
            let Some((shared, old, next)) = cache.as_mut() else {
                check_rows(file, month.month, due, findings);
                continue;
            };
            let Some(&arc) = shared.get(&key) else {
                check_rows(file, month.month, due, findings);
                continue;
            };
            let rows = match old.by_file.remove(&key) {
                Some((kept, kept_due, rows)) if Arc::ptr_eq(&kept, arc) && kept_due == due => rows,
                _ => {
                    let mut rows = Findings::default();
                    check_rows(file, month.month, due, &mut rows);
                    rows.items
                }
            };
            findings.extend(rows.iter().cloned());
            next.by_file.insert(key, (Arc::clone(arc), due, rows));
        }
    }
    let unreported = incomplete::check_incomplete_months(&months, findings);
    check_successions(&months, &unreported, findings);
    check_reappearances(&months, findings);
    check_unpublished(site, findings);
}

/// One month's register: every row of every file of the month, in file order, and the
/// first row of each id.
struct MonthIndex<'a> {
    month: YearMonth,
    rows: Vec<&'a HazardRecord>,
    by_id: FxHashMap<&'a str, &'a HazardRecord>,
    /// Data rows left out by the loader because of errors in them: a hazard that seems
    /// to vanish may be one of these.
    unread_rows: usize,
    /// The files of the month, in order (their rows are `rows`, in the same order).
    files: Vec<&'a RegisterFile>,
}

impl<'a> MonthIndex<'a> {
    /// The rows in file order, each id once (later duplicates are an error already).
    fn distinct(&self) -> impl Iterator<Item = &'a HazardRecord> + '_ {
        self.rows.iter().copied().filter(|record| {
            self.by_id
                .get(record.id.as_str())
                .is_some_and(|first| std::ptr::eq(*first, *record))
        })
    }
}

/// Groups the rows by month and reports duplicate ids within a month (across its files
/// too). Later duplicates stay out of `by_id`, so the other rules see each id once.
fn index_months<'a>(
    registers: &[&'a RegisterFile],
    findings: &mut Findings,
) -> BTreeMap<YearMonth, MonthIndex<'a>> {
    let mut months: BTreeMap<YearMonth, MonthIndex<'a>> = BTreeMap::new();
    for &file in registers {
        let index = months.entry(file.month).or_insert_with(|| MonthIndex {
            month: file.month,
            rows: Vec::new(),
            by_id: FxHashMap::default(),
            unread_rows: 0,
            files: Vec::new(),
        });
        index.files.push(file);
        index.unread_rows += file.data_rows.saturating_sub(file.records.len());
        for record in &file.records {
            index.rows.push(record);
            match index.by_id.get(record.id.as_str()) {
                Some(first) => findings.push(duplicate_id(file.month, first, record)),
                None => {
                    index.by_id.insert(record.id.as_str(), record);
                }
            }
        }
    }
    months
}

fn duplicate_id(month: YearMonth, first: &HazardRecord, again: &HazardRecord) -> Finding {
    at_row(
        Finding::error(
            "duplicate-id",
            format!(
                "编号 {} 在 {} 的台账中出现了两次：{}，又见于 {}",
                again.id,
                month,
                place(first),
                place(again)
            ),
        ),
        again,
    )
    .in_column(Field::Id.canonical())
    .with_value(again.id.clone())
    .with_help(
        "同一个月的台账（包括该月文件夹中的所有文件）中每个隐患只能列一次。\
         如果是同一隐患，请删去重复的一行；如果是不同隐患，请给其中一个换一个新编号。",
    )
}

/// A month with no register between the first and the latest month is a gap in the
/// disclosure.
fn check_gaps(months: &BTreeMap<YearMonth, MonthIndex<'_>>, findings: &mut Findings) {
    let present: Vec<YearMonth> = months.keys().copied().collect();
    for pair in present.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let missing = month_distance(before, after) - 1;
        if missing <= 0 {
            continue;
        }
        if missing > GAP_LIST_LIMIT {
            findings.push(
                Finding::error(
                    "month-gap",
                    format!(
                        "{} 与 {} 之间有 {} 个月没有隐患台账，信息公开中断",
                        before, after, missing
                    ),
                )
                .with_value(format!("{}—{}", before.next(), after.prev()))
                .with_help(format!(
                    "请检查 content/registers/ 下的文件夹名是否写错（应为 年-月，如 {}）；\
                     确实缺少的月份，请把该月台账放在 content/registers/年-月/ 文件夹中。",
                    before.next()
                )),
            );
            continue;
        }
        let mut month = before.next();
        while month < after {
            findings.push(
                Finding::error(
                    "month-gap",
                    format!(
                        "缺少 {} 的隐患台账：{} 与 {} 之间这个月没有公开",
                        month, before, after
                    ),
                )
                .with_value(month.to_string())
                .with_help(format!(
                    "隐患清单须每月公开一次。请把 {} 的台账放在 content/registers/{}/ 文件夹中；\
                     该月没有新隐患时，也要列出仍未销号的隐患及其整改进度。",
                    month.to_chinese(),
                    month
                )),
            );
            month = month.next();
        }
    }
}

/// Months from `a` to `b` (positive when `b` is later).
fn month_distance(a: YearMonth, b: YearMonth) -> i32 {
    (b.year - a.year) * 12 + b.month as i32 - a.month as i32
}

/// Notes on what will not be published: notices that are drafts or not 主动公开, draft
/// pages, and each register file's private and unknown columns.
fn check_unpublished(site: SiteParts<'_>, findings: &mut Findings) {
    for notice in site.notices.iter().filter(|n| !n.is_published()) {
        let mut reasons = Vec::new();
        if notice.draft {
            reasons.push("是草稿（草稿 = true）".to_string());
        }
        let mode = match notice.disclosure {
            DisclosureMode::Active => None,
            DisclosureMode::OnRequest => Some("依申请公开"),
            DisclosureMode::Withheld => Some("不予公开"),
        };
        if let Some(mode) = mode {
            reasons.push(format!("公开属性为“{mode}”"));
        }
        findings.push(
            Finding::note(
                "notice-unpublished",
                format!(
                    "通知《{}》不会发布：{}；网站的任何页面、订阅、站点地图和下载中都不会出现它",
                    notice.title,
                    reasons.join("，")
                ),
            )
            .in_file(notice.path.clone())
            .with_help(
                "只有公开属性为“主动公开”且不是草稿的通知才会发布。如需发布，\
                 请把公开属性改为“主动公开”并删去草稿标记。",
            ),
        );
    }
    for page in site.pages.iter().filter(|p| p.draft) {
        findings.push(
            Finding::note(
                "page-unpublished",
                format!("页面《{}》是草稿，不会发布", page.title),
            )
            .in_file(page.path.clone())
            .with_help("如需发布，请删去草稿标记（草稿 = true 或 draft = true）。"),
        );
    }
    for file in site.registers {
        if file.unpublished_columns.is_empty() {
            continue;
        }
        findings.push(
            Finding::note(
                "columns-unpublished",
                format!("以下列不会公开：{}", file.unpublished_columns.join("、")),
            )
            .in_file(file.path.clone())
            .at_row(file.header_row)
            .with_help(
                "举报人、身份证号、联系电话等个人信息列始终不公开；其他不在标准列中的列也不公开。\
                 如某列应当公开，请把表头改为标准列名（如“整改措施”“责任人”）。",
            ),
        );
    }
}

/// `隐患 NZ-3（配电室无应急照明）`
fn describe(record: &HazardRecord) -> String {
    format!("隐患 {}（{}）", record.id, record.title)
}

/// `content/registers/2024-05/东庄村.csv 第 7 行`
fn place(record: &HazardRecord) -> String {
    match &record.origin.sheet {
        Some(sheet) => format!(
            "{} 工作表「{sheet}」第 {} 行",
            display_path(&record.origin.file),
            record.origin.row
        ),
        None => format!(
            "{} 第 {} 行",
            display_path(&record.origin.file),
            record.origin.row
        ),
    }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn at_row(finding: Finding, record: &HazardRecord) -> Finding {
    let finding = finding
        .in_file(record.origin.file.clone())
        .at_row(record.origin.row);
    match &record.origin.sheet {
        Some(sheet) => finding.at_cell(sheet.clone()),
        None => finding,
    }
}

fn has_notes(record: &HazardRecord) -> bool {
    record
        .notes
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::SiteConfig;
    use crate::hazard::{RowOrigin, Status};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    /// The model's test row, with the dates a closed hazard needs and its place.
    fn record(id: &str, status: Status, file: &str, row: usize) -> HazardRecord {
        HazardRecord {
            title: format!("{id} 的隐患"),
            found: Some(date(2024, 4, 1)),
            deadline: Some(date(2024, 12, 31)),
            done: status.is_rectified().then(|| date(2024, 5, 1)),
            closed: (status == Status::Closed).then(|| date(2024, 5, 2)),
            approver: (status == Status::Closed).then(|| "李四".to_string()),
            origin: RowOrigin {
                file: PathBuf::from(file),
                row,
                sheet: None,
            },
            ..crate::hazard::HazardRecord::sample(id, status)
        }
    }

    fn file(month: YearMonth, name: &str, records: Vec<HazardRecord>) -> RegisterFile {
        RegisterFile {
            path: PathBuf::from(name),
            month,
            encoding: "UTF-8",
            header_row: 1,
            data_rows: records.len(),
            unpublished_columns: Vec::new(),
            records: records.into_iter().map(std::sync::Arc::new).collect(),
        }
    }

    fn site(registers: Vec<RegisterFile>) -> LoadedSite {
        let mut findings = Findings::default();
        let config = SiteConfig::parse("title = \"t\"\nissuer = \"i\"\n", &mut findings).unwrap();
        LoadedSite {
            root: PathBuf::from("."),
            config,
            registers,
            notices: Vec::new(),
            pages: Vec::new(),
            tasks: Vec::new(),
            files_read: 1,
        }
    }

    fn codes(site: &LoadedSite) -> Vec<&'static str> {
        let mut findings = Findings::default();
        check_site(site, &mut findings);
        findings.items.iter().map(|f| f.code).collect()
    }

    #[test]
    fn month_distance_spans_years() {
        assert_eq!(month_distance(ym(2023, 11), ym(2024, 2)), 3);
        assert_eq!(month_distance(ym(2024, 2), ym(2024, 2)), 0);
    }

    #[test]
    fn long_gap_is_one_finding() {
        let f = "a.csv";
        let s = site(vec![
            file(ym(2024, 5), f, vec![record("A", Status::Closed, f, 2)]),
            file(ym(2204, 5), f, vec![record("B", Status::Closed, f, 2)]),
        ]);
        assert_eq!(codes(&s), vec!["month-gap"]);
    }

    #[test]
    fn duplicate_is_reported_once_and_not_as_vanished() {
        let (a, b) = ("a.csv", "b.csv");
        let s = site(vec![
            file(ym(2024, 5), a, vec![record("A", Status::InProgress, a, 2)]),
            file(ym(2024, 5), b, vec![record("A", Status::Closed, b, 3)]),
            file(ym(2024, 6), a, vec![record("A", Status::InProgress, a, 2)]),
        ]);
        assert_eq!(codes(&s), vec!["duplicate-id"]);
    }

    #[test]
    fn overdue_counts_from_extension() {
        let f = "a.csv";
        let mut r = record("A", Status::InProgress, f, 2);
        r.deadline = Some(date(2024, 5, 1));
        r.extended = Some(date(2024, 5, 30));
        let s = site(vec![file(ym(2024, 5), f, vec![r.clone()])]);
        assert!(codes(&s).is_empty());
        r.extended = Some(date(2024, 5, 20));
        let s = site(vec![file(ym(2024, 5), f, vec![r])]);
        let mut findings = Findings::default();
        check_site(&s, &mut findings);
        assert_eq!(findings.items.len(), 1);
        let note = &findings.items[0];
        assert_eq!(note.code, "overdue");
        assert_eq!(note.column.as_deref(), Some("延期至"));
        assert!(note.message.contains("已逾期 5 天"), "{}", note.message);
    }
}
