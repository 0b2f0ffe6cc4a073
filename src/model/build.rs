//! From a checked [`LoadedSite`] to the [`Disclosure`] the site is rendered from.
//!
//! One pass over the months in ascending order: each month's entries get their derived
//! facts as of the month's due day, are compared with the previous month (is_new,
//! changes) and folded into the cumulative annex figures. Every figure is computed once.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::hazard::{HazardRecord, YearMonth};
use crate::load::{LoadedSite, RegisterFile};

use super::history::{self, PreviousIndex};
use super::stats::{self, Cumulative};
use super::{Disclosure, HazardEntry, MonthReport, RegisterFileInfo};

/// Builds the model of the site. Run only when the check found no errors: it assumes
/// ids are unique within a month and months have no gaps, and stays well-defined (no
/// panic) if they are not.
pub fn build(site: LoadedSite) -> Disclosure {
    let LoadedSite {
        config,
        registers,
        notices,
        pages,
        tasks,
        ..
    } = site;

    let mut by_month: BTreeMap<YearMonth, Vec<RegisterFile>> = BTreeMap::new();
    for file in registers {
        by_month.entry(file.month).or_default().push(file);
    }

    let mut months: Vec<MonthReport> = Vec::with_capacity(by_month.len());
    let mut cumulative = Cumulative::default();
    for (month, files) in by_month {
        let due = month.due_date(config.disclosure_day);
        let report = {
            // Only the calendar month before counts as "the previous month".
            let previous = months.last().filter(|p| p.month == month.prev());
            let previous_index = history::index(previous);
            let previous_entries = previous.map(|p| p.entries.as_slice()).unwrap_or(&[]);
            let files_info = files.iter().map(file_info).collect();
            let mut records: Vec<HazardRecord> =
                files.into_iter().flat_map(|f| f.records).collect();
            records.sort_by(|a, b| compare_ids(&a.id, &b.id));
            let entries: Vec<HazardEntry> = records
                .into_iter()
                .map(|record| entry(record, due, &previous_index))
                .collect();
            let changes = history::changes(&previous_index, previous_entries, &entries);
            cumulative.update(&entries);
            let stats = stats::month_stats(&entries, &cumulative);
            MonthReport {
                month,
                due,
                files: files_info,
                entries,
                stats,
                changes,
            }
        };
        months.push(report);
    }

    let hazards = history::histories(&months);

    let mut notices: Vec<_> = notices.into_iter().filter(|n| n.is_published()).collect();
    notices.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    let mut pages: Vec<_> = pages.into_iter().filter(|p| !p.draft).collect();
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));

    Disclosure {
        config,
        months,
        hazards,
        notices,
        pages,
        tasks,
    }
}

fn file_info(file: &RegisterFile) -> RegisterFileInfo {
    RegisterFileInfo {
        name: file_name(&file.path),
        encoding: file.encoding,
        rows: file.data_rows,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned())
}

/// A record with its derived facts as of `due`.
fn entry(record: HazardRecord, due: NaiveDate, previous: &PreviousIndex<'_>) -> HazardEntry {
    let effective_deadline = record.effective_deadline();
    let open = record.status.is_open();
    let (overdue_days, days_left) = match effective_deadline {
        Some(deadline) if open && deadline < due => (Some((due - deadline).num_days()), None),
        Some(deadline) if open => (None, Some((deadline - due).num_days())),
        _ => (None, None),
    };
    // Rectified hazards count to 完成日期 (销号日期 if that is all there is). A date after
    // the due day (found late in the month) counts as zero days, not negative.
    let end = if open {
        Some(due)
    } else {
        record.done.or(record.closed)
    };
    let days_open = record
        .found
        .zip(end)
        .map(|(found, end)| (end - found).num_days().max(0));
    HazardEntry {
        five_missing: record.five_missing(),
        is_new: !previous.contains_key(record.id.as_str()),
        effective_deadline,
        overdue_days,
        days_left,
        days_open,
        record,
    }
}

/// Natural order of ids: digit runs compare by value, so `NZ-2` < `NZ-10`. Ids equal
/// by value (`NZ-02`, `NZ-2`) fall back to plain string order, so the order is total.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (cx, rx) = split_run(x);
        let (cy, ry) = split_run(y);
        let digits = |s: &str| s.as_bytes()[0].is_ascii_digit();
        let order = if digits(cx) && digits(cy) {
            let (tx, ty) = (cx.trim_start_matches('0'), cy.trim_start_matches('0'));
            tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
        } else {
            cx.cmp(cy)
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (rx, ry);
    }
}

/// Splits off the leading run of ASCII digits or of non-digits. `s` is not empty.
fn split_run(s: &str) -> (&str, &str) {
    let first_digit = s.as_bytes()[0].is_ascii_digit();
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() != first_digit)
        .map_or(s.len(), |(i, _)| i);
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_natural_order() {
        let mut ids = vec![
            "NZ-10", "NZ-2", "NZ-1", "DZ-3", "NZ-02", "NZ-2a", "南庄-1", "7",
        ];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(
            ids,
            vec!["7", "DZ-3", "NZ-1", "NZ-02", "NZ-2", "NZ-2a", "NZ-10", "南庄-1"]
        );
        assert_eq!(compare_ids("A", "A"), Ordering::Equal);
        assert_eq!(compare_ids("", "A"), Ordering::Less);
    }
}
