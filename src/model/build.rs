//! From a checked [`LoadedSite`] to the [`Disclosure`] the site is rendered from.
//!
//! One pass over the months in ascending order: each month's entries get their derived
//! facts as of the month's due day, are compared with the previous month (is_new,
//! changes) and folded into the cumulative annex figures. Every figure is computed once.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

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
            // Sized up front: a month is tens of thousands of entries, and growing the
            // vector by doubling would copy them all again and again.
            let mut entries: Vec<HazardEntry> =
                Vec::with_capacity(files.iter().map(|f| f.records.len()).sum());
            for file in files {
                let month_entries = file.records.into_iter();
                entries.extend(month_entries.map(|record| entry(record, due, &previous_index)));
            }
            sort_by_id(&mut entries);
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
        ledger: Default::default(),
    }
}

/// Puts entries in [`compare_ids`] order (stable: a duplicate id keeps file order).
///
/// Sorts indices, then applies the permutation in place: an entry is about a hundred
/// bytes (the row itself is behind an `Arc`), and sorting the entries themselves would
/// move each one many times.
fn sort_by_id(entries: &mut [HazardEntry]) {
    fn id(e: &HazardEntry) -> &str {
        e.record.id.as_str()
    }
    if entries.is_sorted_by(|a, b| compare_ids(id(a), id(b)) != Ordering::Greater) {
        return;
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| compare_ids(id(&entries[a]), id(&entries[b])));
    permute(entries, &mut order);
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`. `order` must
/// be a permutation of `0..items.len()`; it is used up (every slot ends as `k`).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        // Follow the cycle through `start`; `order[k] == k` marks a settled slot.
        let mut k = start;
        while order[k] != k {
            let source = order[k];
            order[k] = k;
            if source == start {
                break;
            }
            items.swap(k, source);
            k = source;
        }
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
fn entry(record: Arc<HazardRecord>, due: NaiveDate, previous: &PreviousIndex<'_>) -> HazardEntry {
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
/// Works on bytes: no byte of a multi-byte UTF-8 character is an ASCII digit, so a
/// digit/non-digit boundary is always a character boundary.
fn split_run(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let first_digit = bytes[0].is_ascii_digit();
    let end = bytes
        .iter()
        .position(|b| b.is_ascii_digit() != first_digit)
        .unwrap_or(bytes.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazard::Status;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn entries_sorted_by_id_keep_file_order_for_ties() {
        let none = PreviousIndex::default();
        let due = date(2024, 5, 25);
        let mut second = HazardRecord::sample("NZ-2", Status::Closed);
        second.origin.row = 9;
        let mut entries: Vec<HazardEntry> = [
            HazardRecord::sample("NZ-10", Status::NotStarted),
            HazardRecord::sample("NZ-2", Status::NotStarted),
            second,
            HazardRecord::sample("NZ-1", Status::NotStarted),
        ]
        .into_iter()
        .map(|r| entry(r.into(), due, &none))
        .collect();
        sort_by_id(&mut entries);
        let ids: Vec<(&str, usize)> = entries
            .iter()
            .map(|e| (e.record.id.as_str(), e.record.origin.row))
            .collect();
        assert_eq!(ids, [("NZ-1", 3), ("NZ-2", 3), ("NZ-2", 9), ("NZ-10", 3)]);
    }

    #[test]
    fn permute_applies_any_permutation() {
        for order in [
            vec![0, 1, 2, 3, 4],
            vec![4, 3, 2, 1, 0],
            vec![1, 2, 3, 4, 0],
            vec![2, 0, 1, 4, 3],
        ] {
            let mut items = vec!['a', 'b', 'c', 'd', 'e'];
            let expected: Vec<char> = order.iter().map(|&i| items[i]).collect();
            permute(&mut items, &mut order.clone());
            assert_eq!(items, expected, "{order:?}");
        }
    }

    #[test]
    fn derived_facts_at_the_due_day() {
        let due = date(2024, 5, 25);
        let none = PreviousIndex::default();
        // Found after the due day (late in the month): zero days open, not negative.
        let mut late = HazardRecord::sample("A", Status::NotStarted);
        late.found = Some(date(2024, 5, 28));
        late.deadline = Some(date(2024, 5, 25));
        let e = entry(late.into(), due, &none);
        assert_eq!(
            (e.days_open, e.overdue_days, e.days_left),
            (Some(0), None, Some(0))
        );
        assert!(e.is_new);
        // No deadline: neither overdue nor days left; 时限 missing from 五到位.
        let mut open = HazardRecord::sample("B", Status::InProgress);
        open.found = Some(date(2024, 5, 1));
        let e = entry(open.into(), due, &none);
        assert_eq!(
            (e.days_open, e.overdue_days, e.days_left),
            (Some(24), None, None)
        );
        assert_eq!(e.five_missing, vec![crate::hazard::FivePart::Deadline]);
        // Closed without 完成日期 (never passes the check) falls back to 销号日期.
        let mut closed = HazardRecord::sample("C", Status::Closed);
        closed.found = Some(date(2024, 5, 1));
        closed.deadline = Some(date(2024, 5, 2));
        closed.closed = Some(date(2024, 5, 11));
        let e = entry(closed.into(), due, &none);
        assert_eq!(
            (e.days_open, e.overdue_days, e.days_left),
            (Some(10), None, None)
        );
    }

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
