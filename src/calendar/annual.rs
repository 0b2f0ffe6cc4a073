//! 年度公开情况: per year, the counts a township needs for its 政府信息公开工作年度报告 —
//! notices published by category, months published on time / late / missing, hazards
//! found, rectified and closed in the year.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::duty::Timeline;
use crate::hazard::{HazardRecord, YearMonth};
use crate::load::Notice;

/// One month in the year's table.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualMonth {
    pub month: YearMonth,
    pub due: NaiveDate,
    pub published: Option<NaiveDate>,
    /// Published after, or missing past, its due date: by how many days.
    pub days_late: Option<i64>,
}

/// The figures of one year.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    /// Notices published in the year (by 发布日期), per 栏目, by name.
    pub notices_by_category: Vec<(String, usize)>,
    pub notices_total: usize,
    /// Months of the year published by their due date.
    pub on_time: Vec<AnnualMonth>,
    /// Months published after their due date.
    pub late: Vec<AnnualMonth>,
    /// Months past their due date without a register.
    pub missing: Vec<AnnualMonth>,
    /// Months published on a date that is not known (neither on time nor late).
    pub undated: Vec<AnnualMonth>,
    /// Hazards whose 发现日期 is in the year.
    pub hazards_found: usize,
    /// Hazards whose 完成日期 is in the year.
    pub hazards_rectified: usize,
    /// Hazards whose 销号日期 is in the year.
    pub hazards_closed: usize,
}

/// The reports of every year the site has a month or a published notice in, ascending.
/// `hazards` are each hazard's latest record (its dates as last reported).
pub fn annual_reports<'a>(
    timeline: &Timeline,
    notices: &[Notice],
    hazards: impl IntoIterator<Item = &'a HazardRecord>,
) -> Vec<AnnualReport> {
    let mut years: BTreeSet<i32> = timeline.months.iter().map(|m| m.month.year).collect();
    years.extend(timeline.notices.values().map(|d| d.year()));
    let mut reports: BTreeMap<i32, AnnualReport> = years
        .into_iter()
        .map(|year| {
            let report = AnnualReport {
                year,
                notices_by_category: Vec::new(),
                notices_total: 0,
                on_time: Vec::new(),
                late: Vec::new(),
                missing: Vec::new(),
                undated: Vec::new(),
                hazards_found: 0,
                hazards_rectified: 0,
                hazards_closed: 0,
            };
            (year, report)
        })
        .collect();
    let mut categories: BTreeMap<i32, BTreeMap<&str, usize>> = BTreeMap::new();
    for notice in notices {
        let Some(date) = timeline.notices.get(&notice.slug) else {
            continue;
        };
        *categories
            .entry(date.year())
            .or_default()
            .entry(notice.category.as_str())
            .or_default() += 1;
    }
    for (year, counts) in categories {
        if let Some(report) = reports.get_mut(&year) {
            report.notices_total = counts.values().sum();
            report.notices_by_category = counts
                .into_iter()
                .map(|(c, n)| (c.to_string(), n))
                .collect();
        }
    }
    for duty in &timeline.months {
        let Some(report) = reports.get_mut(&duty.month.year) else {
            continue;
        };
        let days_late = duty.days_late(timeline.today);
        let month = AnnualMonth {
            month: duty.month,
            due: duty.due,
            published: duty.published,
            days_late,
        };
        match (duty.present, duty.published, days_late) {
            (false, _, _) => report.missing.push(month),
            (true, None, _) => report.undated.push(month),
            (true, Some(_), Some(_)) => report.late.push(month),
            (true, Some(_), None) => report.on_time.push(month),
        }
    }
    for record in hazards {
        let mut count = |date: Option<NaiveDate>, pick: fn(&mut AnnualReport) -> &mut usize| {
            if let Some(report) = date.and_then(|d| reports.get_mut(&d.year())) {
                *pick(report) += 1;
            }
        };
        count(record.found, |r| &mut r.hazards_found);
        count(record.done, |r| &mut r.hazards_rectified);
        count(record.closed, |r| &mut r.hazards_closed);
    }
    reports.into_values().collect()
}

/// The headers of the year's CSV.
pub const CSV_HEADERS: [&str; 4] = ["年度", "类别", "项目", "数量"];

impl AnnualReport {
    /// The rows of the year's CSV (cells as shown, not yet neutralised).
    pub fn csv_rows(&self) -> Vec<[String; 4]> {
        let year = self.year.to_string();
        let row = |kind: &str, item: &str, n: usize| {
            [
                year.clone(),
                kind.to_string(),
                item.to_string(),
                n.to_string(),
            ]
        };
        let mut rows = vec![row("主动公开通知", "合计", self.notices_total)];
        for (category, n) in &self.notices_by_category {
            rows.push(row("主动公开通知", category, *n));
        }
        rows.push(row("月度隐患台账", "按时公开", self.on_time.len()));
        rows.push(row("月度隐患台账", "逾期公开", self.late.len()));
        rows.push(row("月度隐患台账", "逾期未公开", self.missing.len()));
        if !self.undated.is_empty() {
            rows.push(row("月度隐患台账", "公开日期未记录", self.undated.len()));
        }
        rows.push(row("重大事故隐患", "发现", self.hazards_found));
        rows.push(row("重大事故隐患", "整改完成", self.hazards_rectified));
        rows.push(row("重大事故隐患", "销号", self.hazards_closed));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::duty::MonthDuty;
    use crate::hazard::Status;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn duty(m: u32, published: Option<NaiveDate>) -> MonthDuty {
        let month = YearMonth::new(2024, m).unwrap();
        MonthDuty {
            month,
            due: month.due_date(25),
            present: published.is_some(),
            published,
            recorded: true,
        }
    }

    #[test]
    fn months_and_hazards_are_counted_in_their_year() {
        let timeline = Timeline {
            today: day(2024, 12, 5),
            months: vec![
                duty(9, Some(day(2024, 9, 20))),
                duty(10, Some(day(2024, 10, 28))),
                duty(11, None),
            ],
            ..Timeline::default()
        };
        let mut found_2023 = crate::hazard::HazardRecord::sample("A", Status::Closed);
        found_2023.found = Some(day(2023, 12, 1));
        found_2023.done = Some(day(2024, 1, 5));
        found_2023.closed = Some(day(2024, 1, 9));
        let mut open = crate::hazard::HazardRecord::sample("B", Status::InProgress);
        open.found = Some(day(2024, 3, 1));
        let reports = annual_reports(&timeline, &[], [&found_2023, &open]);
        assert_eq!(reports.len(), 1, "2023 has no month and no notice");
        let r = &reports[0];
        assert_eq!((r.on_time.len(), r.late.len(), r.missing.len()), (1, 1, 1));
        assert_eq!(r.late[0].days_late, Some(3));
        assert_eq!(r.missing[0].days_late, Some(10));
        assert_eq!(
            (r.hazards_found, r.hazards_rectified, r.hazards_closed),
            (1, 1, 1)
        );
        let rows = r.csv_rows();
        assert!(rows.iter().all(|row| row.len() == CSV_HEADERS.len()));
        assert!(rows.contains(&[
            "2024".into(),
            "月度隐患台账".into(),
            "逾期公开".into(),
            "1".into()
        ]));
    }
}
