//! Across months: what changed since the previous month, and each hazard's history.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::hazard::Status;

use super::{HazardEntry, HazardHistory, HistoryPoint, MonthChanges, MonthReport};

/// The previous month's entries by id (empty for the first month).
pub(crate) type PreviousIndex<'a> = FxHashMap<&'a str, &'a HazardEntry>;

/// Indexes a month's entries by id.
pub(crate) fn index(report: Option<&MonthReport>) -> PreviousIndex<'_> {
    report
        .map(|r| {
            r.entries
                .iter()
                .map(|e| (e.record.id.as_str(), e))
                .collect()
        })
        .unwrap_or_default()
}

/// What changed from the previous month (`previous`, indexed) to this month's `entries`
/// (ordered by id, so the lists come out ordered too).
pub(crate) fn changes(
    previous: &PreviousIndex<'_>,
    previous_entries: &[HazardEntry],
    entries: &[HazardEntry],
) -> MonthChanges {
    let mut changes = MonthChanges::default();
    for entry in entries {
        let id = &entry.record.id;
        let status = entry.record.status;
        let before = previous.get(id.as_str());
        if entry.is_new {
            changes.new.push(id.clone());
        }
        if status == Status::Rectified && before.is_some_and(|b| b.record.status.is_open()) {
            changes.rectified.push(id.clone());
        }
        if status == Status::Closed && before.is_none_or(|b| b.record.status != Status::Closed) {
            changes.closed.push(id.clone());
        }
        if entry.is_overdue() && before.is_none_or(|b| !b.is_overdue()) {
            changes.became_overdue.push(id.clone());
        }
    }
    let listed: FxHashSet<&str> = entries.iter().map(|e| e.record.id.as_str()).collect();
    changes.left = previous_entries
        .iter()
        .map(|e| &e.record.id)
        .filter(|id| !listed.contains(id.as_str()))
        .cloned()
        .collect();
    changes
}

/// Every hazard ever listed, with one point per month it is listed in.
pub(crate) fn histories(months: &[MonthReport]) -> BTreeMap<String, HazardHistory> {
    let capacity = months.last().map_or(0, |m| m.entries.len());
    let mut by_id: FxHashMap<&str, HazardHistory> =
        FxHashMap::with_capacity_and_hasher(capacity, Default::default());
    for (i, report) in months.iter().enumerate() {
        // Room for the months still to come (most hazards stay listed a while), but
        // bounded so a long site of short-lived hazards does not reserve too much.
        let room = (months.len() - i).min(12);
        for entry in &report.entries {
            let record = &entry.record;
            let history = by_id
                .entry(record.id.as_str())
                .or_insert_with(|| HazardHistory {
                    id: record.id.clone(),
                    latest_month: report.month,
                    points: Vec::with_capacity(room),
                });
            history.latest_month = report.month;
            history.points.push(HistoryPoint {
                month: report.month,
                status: record.status,
                progress: record.progress.clone(),
                effective_deadline: entry.effective_deadline,
                overdue_days: entry.overdue_days,
                done: record.done,
                closed: record.closed,
            });
        }
    }
    by_id
        .into_iter()
        .map(|(id, history)| (id.to_string(), history))
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::hazard::YearMonth;
    use crate::model::{test_entry, MonthStats};

    fn report(month: u32, entries: Vec<HazardEntry>) -> MonthReport {
        let month = YearMonth::new(2024, month).unwrap();
        MonthReport {
            month,
            due: month.due_date(25),
            files: Vec::new(),
            entries,
            stats: MonthStats {
                total: Default::default(),
                by_status: Vec::new(),
                annex: Vec::new(),
                unknown_source: Default::default(),
                unknown_source_this_month: Default::default(),
                by_locality: Vec::new(),
                by_sector: Vec::new(),
            },
            changes: MonthChanges::default(),
        }
    }

    #[test]
    fn changes_against_previous_month() {
        let before = report(
            5,
            vec![
                test_entry("A", Status::InProgress, true),
                test_entry("B", Status::InProgress, false),
                test_entry("C", Status::Rectified, false),
                test_entry("D", Status::Closed, false),
                test_entry("E", Status::Closed, false),
            ],
        );
        let mut new = test_entry("F", Status::Closed, true);
        new.is_new = true;
        let now = vec![
            test_entry("A", Status::InProgress, true),
            test_entry("B", Status::Rectified, false),
            test_entry("C", Status::Closed, false),
            test_entry("E", Status::Closed, false),
            new,
        ];
        let index = index(Some(&before));
        let c = changes(&index, &before.entries, &now);
        assert_eq!(c.new, ["F"]);
        assert_eq!(c.rectified, ["B"]);
        assert_eq!(c.closed, ["C", "F"]);
        // A was overdue already; F is "overdue" only in this test's fixture.
        assert_eq!(c.became_overdue, ["F"]);
        assert_eq!(c.left, ["D"]);
    }

    #[test]
    fn history_has_a_point_per_listed_month() {
        let mut may = test_entry("A", Status::InProgress, false);
        std::sync::Arc::make_mut(&mut may.record).progress = Some("已订购设备".to_string());
        let mut june = test_entry("A", Status::Rectified, false);
        std::sync::Arc::make_mut(&mut june.record).done = NaiveDate::from_ymd_opt(2024, 6, 3);
        let months = vec![
            report(5, vec![may, test_entry("B", Status::Closed, false)]),
            report(6, vec![june]),
        ];
        let h = histories(&months);
        assert_eq!(h.len(), 2);
        let a = &h["A"];
        assert_eq!(a.latest_month, YearMonth::new(2024, 6).unwrap());
        assert_eq!(a.points.len(), 2);
        assert_eq!(a.points[0].progress.as_deref(), Some("已订购设备"));
        assert_eq!(
            a.latest().unwrap().done,
            NaiveDate::from_ymd_opt(2024, 6, 3)
        );
        assert_eq!(h["B"].latest_month, YearMonth::new(2024, 5).unwrap());
    }
}
