//! Across months: what changed since the previous month, and each hazard's history.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::hazard::Status;

use super::{HazardEntry, HazardHistory, HistoryPoint, MonthChanges, MonthReport};

/// The previous month's entries by id (empty for the first month).
pub(crate) type PreviousIndex<'a> = HashMap<&'a str, &'a HazardEntry>;

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
        if status == Status::Closed && !before.is_some_and(|b| b.record.status == Status::Closed) {
            changes.closed.push(id.clone());
        }
        if entry.is_overdue() && !before.is_some_and(|b| b.is_overdue()) {
            changes.became_overdue.push(id.clone());
        }
    }
    let listed: HashSet<&str> = entries.iter().map(|e| e.record.id.as_str()).collect();
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
    let mut by_id: HashMap<&str, HazardHistory> = HashMap::new();
    for report in months {
        for entry in &report.entries {
            let record = &entry.record;
            let history = by_id
                .entry(record.id.as_str())
                .or_insert_with(|| HazardHistory {
                    id: record.id.clone(),
                    latest_month: report.month,
                    points: Vec::new(),
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
