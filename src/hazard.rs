//! The vocabulary of a hazard register: months, levels, sources, statuses and one
//! register row as read from a CSV file.
//!
//! These types are shared by every stage of the pipeline. They carry no knowledge of
//! where the values came from (that is `load`) or of what follows from them (that is
//! `check` and `model`).

use std::fmt;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A calendar month, the unit of disclosure: `content/registers/2024-05/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    /// Makes a month, or `None` when `month` is not 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// Reads `2024-05` (the folder and file names of registers).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        YearMonth::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month before this one.
    pub fn prev(self) -> Self {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid date")
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// The day the month's register is due (`disclosure_day` in `site.toml`, 25 by
    /// default), clamped to the month's length. Overdue and cumulative figures are
    /// computed as of this day, as seed 001's annex asks ("截至当月25日的累计情况").
    pub fn due_date(self, disclosure_day: u32) -> NaiveDate {
        let day = disclosure_day.clamp(1, 31).min(self.last_day().day());
        NaiveDate::from_ymd_opt(self.year, self.month, day).expect("clamped day")
    }

    /// `2024年5月`, as the site writes it.
    pub fn to_chinese(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// 隐患等级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// 重大（重大隐患、重大事故隐患）
    Major,
    /// 一般（一般隐患、一般事故隐患）
    General,
}

impl Level {
    /// The canonical Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Level::Major => "重大",
            Level::General => "一般",
        }
    }
}

/// 隐患来源: the four sources of seed 001's annex table, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Source {
    /// 企业自查
    SelfInspection,
    /// 执法检查
    Enforcement,
    /// 群众举报
    PublicReport,
    /// 上级交办
    Assigned,
}

impl Source {
    /// All sources in the order of the annex table.
    pub const ALL: [Source; 4] = [
        Source::SelfInspection,
        Source::Enforcement,
        Source::PublicReport,
        Source::Assigned,
    ];

    /// The canonical Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Source::SelfInspection => "企业自查",
            Source::Enforcement => "执法检查",
            Source::PublicReport => "群众举报",
            Source::Assigned => "上级交办",
        }
    }
}

/// 整改状态. The order is the order a hazard moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Status {
    /// 未整改
    NotStarted,
    /// 整改中
    InProgress,
    /// 已整改 (rectified, awaiting 销号)
    Rectified,
    /// 已销号 (closed with sign-off)
    Closed,
}

impl Status {
    /// All statuses in order.
    pub const ALL: [Status; 4] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Rectified,
        Status::Closed,
    ];

    /// The canonical Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未整改",
            Status::InProgress => "整改中",
            Status::Rectified => "已整改",
            Status::Closed => "已销号",
        }
    }

    /// Open hazards (未整改, 整改中) still need work and may not vanish.
    pub fn is_open(self) -> bool {
        matches!(self, Status::NotStarted | Status::InProgress)
    }

    /// Rectified or closed: counts as 已完成整改 in the annex table.
    pub fn is_rectified(self) -> bool {
        !self.is_open()
    }
}

/// The five things that must be in place for a hazard not fixed at once (五到位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum FivePart {
    /// 措施
    Measures,
    /// 责任
    Owner,
    /// 资金
    Funds,
    /// 时限
    Deadline,
    /// 预案
    Plan,
}

impl FivePart {
    /// All five parts in the customary order 措施、责任、资金、时限、预案.
    pub const ALL: [FivePart; 5] = [
        FivePart::Measures,
        FivePart::Owner,
        FivePart::Funds,
        FivePart::Deadline,
        FivePart::Plan,
    ];

    /// The short Chinese label (措施, 责任, 资金, 时限, 预案).
    pub fn label(self) -> &'static str {
        match self {
            FivePart::Measures => "措施",
            FivePart::Owner => "责任",
            FivePart::Funds => "资金",
            FivePart::Deadline => "时限",
            FivePart::Plan => "预案",
        }
    }
}

/// Where a value came from: the file (relative to the site root, `/`-separated) and the
/// row as the user sees it in Excel (1-based, counting title lines and the header).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RowOrigin {
    pub file: PathBuf,
    pub row: usize,
    /// The worksheet, when the file is a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// One row of a month's hazard register, every value parsed and normalised.
///
/// Only fields of SPEC.md's table appear here; they are all publishable. Values of
/// private and unknown columns are kept apart in `withheld` so the output can be
/// scanned for them, and are never rendered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardRecord {
    /// 编号: unique within the month, stable across months.
    pub id: String,
    /// 隐患名称
    pub title: String,
    /// 单位名称
    pub unit: String,
    /// 所在村
    pub locality: Option<String>,
    /// 行业领域
    pub sector: Option<String>,
    /// 隐患等级
    pub level: Option<Level>,
    /// 隐患来源
    pub source: Option<Source>,
    /// 挂牌督办: true when marked 是 or when a supervising body is named.
    pub supervised: bool,
    /// 督办单位 (or the body named in the 挂牌督办 column).
    pub supervisor: Option<String>,
    /// 判定依据
    pub basis: Option<String>,
    /// 发现日期
    pub found: Option<NaiveDate>,
    /// 整改措施 (五到位)
    pub measures: Option<String>,
    /// 责任人 (五到位)
    pub owner: Option<String>,
    /// 整改资金（万元） (五到位)
    pub funds: Option<f64>,
    /// 整改时限 (五到位)
    pub deadline: Option<NaiveDate>,
    /// 延期至: an approved later deadline.
    pub extended: Option<NaiveDate>,
    /// 应急预案 (五到位)
    pub plan: Option<String>,
    /// 整改状态
    pub status: Status,
    /// 整改进度
    pub progress: Option<String>,
    /// 完成日期
    pub done: Option<NaiveDate>,
    /// 销号日期
    pub closed: Option<NaiveDate>,
    /// 销号审核人
    pub approver: Option<String>,
    /// 备注
    pub notes: Option<String>,
    /// Values of the schema's columns that have no typed field here
    /// (`schema::Stored::Extra`), by the column's key, in table order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(&'static str, Value)>,
    /// Where this row is in the input.
    #[serde(skip)]
    pub origin: RowOrigin,
    /// Non-empty values of this row's private and unknown columns. Never published;
    /// kept so the output can be checked for them.
    #[serde(skip)]
    pub withheld: Vec<String>,
    /// The header of each value of `withheld`, in the same order (`第N列（无表头）`
    /// for a cell under no header), so a leak names the column it came from.
    #[serde(skip)]
    pub withheld_columns: Vec<String>,
    /// Parts of 五到位 whose cell is filled in but could not be read (资金 that is not a
    /// number, 时限 that is not a date). Their error names the cell already; they are
    /// not also called blank by [`HazardRecord::five_missing`].
    #[serde(skip)]
    pub five_unreadable: Vec<FivePart>,
}

/// A value of a column without a typed field of its own ([`HazardRecord::extra`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Number(f64),
}

impl HazardRecord {
    /// A record with the required fields and every part of 五到位 but 时限 filled in,
    /// for tests and examples: `HazardRecord { deadline: …, ..HazardRecord::sample(id,
    /// status) }` sets what a test is about and nothing else, so a new field touches no
    /// test.
    pub fn sample(id: &str, status: Status) -> HazardRecord {
        HazardRecord {
            id: id.to_string(),
            title: format!("{id} 隐患"),
            unit: "某公司".to_string(),
            locality: None,
            sector: None,
            level: None,
            source: None,
            supervised: false,
            supervisor: None,
            basis: None,
            found: None,
            measures: Some("措施".to_string()),
            owner: Some("张三".to_string()),
            funds: Some(1.0),
            deadline: None,
            extended: None,
            plan: Some("预案".to_string()),
            status,
            progress: None,
            done: None,
            closed: None,
            approver: None,
            notes: None,
            extra: Vec::new(),
            origin: RowOrigin {
                file: PathBuf::from("a.csv"),
                row: 3,
                sheet: None,
            },
            withheld: Vec::new(),
            withheld_columns: Vec::new(),
            five_unreadable: Vec::new(),
        }
    }

    /// The value of a column without a typed field, by its key.
    pub fn extra(&self, key: &str) -> Option<&Value> {
        self.extra.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The deadline that counts: the approved extension if there is one.
    pub fn effective_deadline(&self) -> Option<NaiveDate> {
        self.extended.or(self.deadline)
    }

    /// The parts of 五到位 that are not filled in, in customary order. A part whose
    /// cell holds an unreadable value is not among them (see `five_unreadable`).
    pub fn five_missing(&self) -> Vec<FivePart> {
        FivePart::ALL
            .into_iter()
            .filter(|part| !self.five_unreadable.contains(part))
            .filter(|part| match part {
                FivePart::Measures => self.measures.is_none(),
                FivePart::Owner => self.owner.is_none(),
                FivePart::Funds => self.funds.is_none(),
                FivePart::Deadline => self.deadline.is_none(),
                FivePart::Plan => self.plan.is_none(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_parse_and_step() {
        let m = YearMonth::parse("2024-12").unwrap();
        assert_eq!(m.next(), YearMonth::new(2025, 1).unwrap());
        assert_eq!(m.next().prev(), m);
        assert_eq!(m.to_string(), "2024-12");
        assert!(YearMonth::parse("2024-13").is_none());
        assert!(YearMonth::parse("24-05").is_none());
    }

    #[test]
    fn due_date_is_clamped_to_month_length() {
        let feb = YearMonth::new(2024, 2).unwrap();
        assert_eq!(
            feb.due_date(31),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            feb.due_date(25),
            NaiveDate::from_ymd_opt(2024, 2, 25).unwrap()
        );
    }
}
