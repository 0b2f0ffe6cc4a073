//! Model: the checked input turned into what the site shows.
//!
//! Per month its hazards with derived facts (overdue, days open, 五到位), its statistics
//! in the shape of seed 001's annex table, and what changed since the previous month;
//! per hazard its history month by month. Built once ([`build()`]), read by every page.

mod build;
mod history;
mod stats;

pub use build::{build, compare_ids};
pub use stats::{SUPERVISED_LABEL, UNFILLED};

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::hazard::{FivePart, HazardRecord, Status, YearMonth};
use crate::load::{Notice, Page, TaskList};

/// Everything the site is rendered from. Holds only publishable material: notices that
/// are not 主动公开 and drafts are already gone.
#[derive(Debug, Clone, Serialize)]
pub struct Disclosure {
    pub config: SiteConfig,
    /// Months in ascending order, first to latest, without gaps (a gap is a check error).
    pub months: Vec<MonthReport>,
    /// Every hazard ever listed, by id.
    pub hazards: BTreeMap<String, HazardHistory>,
    /// Published notices, newest first (date, then slug).
    pub notices: Vec<Notice>,
    /// Published standing pages, by slug.
    pub pages: Vec<Page>,
    /// Task lists, by slug.
    pub tasks: Vec<TaskList>,
    /// The seals and corrections of the published record (set by the pipeline after the
    /// ledger ran; empty for a model built alone).
    #[serde(skip)]
    pub ledger: std::sync::Arc<crate::ledger::Ledger>,
}

/// One month's disclosure.
#[derive(Debug, Clone, Serialize)]
pub struct MonthReport {
    pub month: YearMonth,
    /// The day figures are computed as of (`disclosure_day` of the month).
    pub due: NaiveDate,
    /// The register files the month was read from.
    pub files: Vec<RegisterFileInfo>,
    /// The hazards listed this month, ordered by id.
    pub entries: Vec<HazardEntry>,
    pub stats: MonthStats,
    pub changes: MonthChanges,
}

/// What the site says about one register file (no private data).
#[derive(Debug, Clone, Serialize)]
pub struct RegisterFileInfo {
    /// File name only, e.g. `东庄村.csv`.
    pub name: String,
    pub encoding: &'static str,
    pub rows: usize,
}

/// A hazard as listed in one month, with what follows from it as of the month's due day.
#[derive(Debug, Clone, Serialize)]
pub struct HazardEntry {
    /// The row as read, shared with the register file it came from.
    pub record: Arc<HazardRecord>,
    /// The deadline that counts (extension if any).
    pub effective_deadline: Option<NaiveDate>,
    /// Open and past its effective deadline at the due day: how many days.
    pub overdue_days: Option<i64>,
    /// Open and not yet due: days left until the effective deadline.
    pub days_left: Option<i64>,
    /// Days from 发现日期 to the due day (open) or to 完成日期 (rectified).
    pub days_open: Option<i64>,
    /// 五到位 parts not filled in (empty when complete).
    pub five_missing: Vec<FivePart>,
    /// First listed this month.
    pub is_new: bool,
}

impl HazardEntry {
    /// Open and past its deadline.
    pub fn is_overdue(&self) -> bool {
        self.overdue_days.is_some()
    }
}

/// Found and, of those, rectified: one line of seed 001's annex table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FoundRectified {
    pub found: usize,
    pub rectified: usize,
}

/// One row of the annex table ("总体情况"): a source or 挂牌督办.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnexRow {
    /// e.g. 企业自查, 执法检查, 群众举报, 上级交办, 挂牌督办
    pub label: &'static str,
    /// Cumulative as of the due day: every hazard listed in this or any earlier month.
    pub cumulative: FoundRectified,
    /// This month's register only.
    pub this_month: FoundRectified,
}

/// Figures for a group of hazards (a village, a sector, or the whole month).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupStats {
    /// The village or sector name; empty for the whole month. `未填写` for hazards with
    /// the field blank.
    pub name: String,
    /// Hazards listed.
    pub listed: usize,
    /// Open (未整改, 整改中).
    pub open: usize,
    /// Rectified or closed (已整改, 已销号).
    pub rectified: usize,
    /// Closed (已销号).
    pub closed: usize,
    /// Open and past deadline.
    pub overdue: usize,
    /// Under 挂牌督办.
    pub supervised: usize,
    /// Level 重大.
    pub major: usize,
    /// rectified / listed, 0.0..=1.0 (0 when nothing is listed).
    pub rate: f64,
}

/// A month's statistics.
#[derive(Debug, Clone, Serialize)]
pub struct MonthStats {
    /// The whole month.
    pub total: GroupStats,
    /// By status, in [`Status::ALL`] order: (status, count).
    pub by_status: Vec<(Status, usize)>,
    /// Seed 001's annex: four sources then 挂牌督办. Hazards without a source are counted
    /// in `unknown_source`.
    pub annex: Vec<AnnexRow>,
    /// Hazards with 隐患来源 blank, cumulative as of the due day (counted like the
    /// annex rows: by each hazard's latest record).
    pub unknown_source: FoundRectified,
    /// Hazards with 隐患来源 blank in this month's register.
    pub unknown_source_this_month: FoundRectified,
    /// By 所在村, sorted by name, `未填写` last.
    pub by_locality: Vec<GroupStats>,
    /// By 行业领域, sorted by name, `未填写` last.
    pub by_sector: Vec<GroupStats>,
}

/// What changed since the previous month (ids, sorted).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthChanges {
    /// Listed for the first time.
    pub new: Vec<String>,
    /// Open last month, rectified (已整改) this month.
    pub rectified: Vec<String>,
    /// Not closed last month, 已销号 this month.
    pub closed: Vec<String>,
    /// Not overdue last month (or not listed), overdue now.
    pub became_overdue: Vec<String>,
    /// Listed last month, not this month (only closed ones may leave; others are a check
    /// error and never reach the model).
    pub left: Vec<String>,
}

/// A hazard across months.
#[derive(Debug, Clone, Serialize)]
pub struct HazardHistory {
    pub id: String,
    /// The latest month it is listed in.
    pub latest_month: YearMonth,
    /// One point per month it is listed in, ascending.
    pub points: Vec<HistoryPoint>,
}

/// The hazard's state in one month.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryPoint {
    pub month: YearMonth,
    pub status: Status,
    pub progress: Option<String>,
    pub effective_deadline: Option<NaiveDate>,
    pub overdue_days: Option<i64>,
    pub done: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
}

impl Disclosure {
    /// The latest month, if any register was read.
    pub fn latest(&self) -> Option<&MonthReport> {
        self.months.last()
    }

    /// The month report for `month`.
    pub fn month(&self, month: YearMonth) -> Option<&MonthReport> {
        self.months
            .binary_search_by(|m| m.month.cmp(&month))
            .ok()
            .map(|i| &self.months[i])
    }

    /// The entry of hazard `id` in `month`.
    pub fn entry(&self, month: YearMonth, id: &str) -> Option<&HazardEntry> {
        self.month(month)?.entry(id)
    }
}

impl MonthReport {
    /// The entry of hazard `id`, found by binary search (entries are in
    /// [`compare_ids`] order), so pages may look hazards up freely.
    pub fn entry(&self, id: &str) -> Option<&HazardEntry> {
        self.entries
            .binary_search_by(|e| compare_ids(&e.record.id, id))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The open hazards past their deadline, in id order.
    pub fn overdue(&self) -> impl Iterator<Item = &HazardEntry> {
        self.entries.iter().filter(|e| e.is_overdue())
    }
}

impl HazardHistory {
    /// The latest point (the hazard's state in [`HazardHistory::latest_month`]).
    pub fn latest(&self) -> Option<&HistoryPoint> {
        self.points.last()
    }
}

/// An entry for unit tests: `overdue` sets one day overdue.
#[cfg(test)]
pub(crate) fn test_entry(id: &str, status: Status, overdue: bool) -> HazardEntry {
    HazardEntry {
        record: HazardRecord::sample(id, status).into(),
        effective_deadline: None,
        overdue_days: overdue.then_some(1),
        days_left: None,
        days_open: None,
        five_missing: Vec::new(),
        is_new: false,
    }
}
