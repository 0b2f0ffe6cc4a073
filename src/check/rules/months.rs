//! The rules from one month to the next: a hazard that vanishes from the register
//! without 销号 (瞒报), one that leaves 已整改 but not closed, one that comes back, and an
//! id used again for a different hazard.

use std::collections::BTreeMap;

use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{at_row, describe, has_notes, place, MonthIndex};
use crate::diag::{Finding, Findings};
use crate::hazard::{HazardRecord, Status, YearMonth};
use crate::schema::Field;

/// Month M to month M+1: an open hazard of M that is absent from M+1 has vanished
/// (error); a rectified one that left without 销号 is a warning. Only checked when M+1
/// has a register (the latest month has no successor; a gap is its own error). The
/// hazards of `unreported` files (villages yet to report the next month) are left to
/// the one finding that says so (`incomplete.rs`).
pub(super) fn check_successions(
    months: &BTreeMap<YearMonth, MonthIndex<'_>>,
    unreported: &FxHashSet<&Path>,
    findings: &mut Findings,
) {
    for month in months.values() {
        let next_month = month.month.next();
        let Some(next) = months.get(&next_month) else {
            continue;
        };
        for record in month.distinct() {
            if next.by_id.contains_key(record.id.as_str())
                || unreported.contains(record.origin.file.as_path())
            {
                continue;
            }
            let finding = if record.status.is_open() {
                vanished(record, month.month, next_month)
            } else if record.status == Status::Rectified {
                left_unclosed(record, month.month, next_month)
            } else {
                continue;
            };
            findings.push(with_unread_hint(finding, next));
        }
    }
}

/// When the next month has rows the loader could not read, the hazard may be among
/// them: say so, so staff fix those rows first instead of re-adding a listed hazard.
fn with_unread_hint(mut finding: Finding, next: &MonthIndex<'_>) -> Finding {
    if next.unread_rows > 0 {
        if let Some(help) = finding.help.as_mut() {
            help.push_str(&format!(
                "另外，{} 的台账有 {} 行因有错误未能读取；如果这一隐患就在其中，请先按其他错误提示改正那些行。",
                next.month, next.unread_rows
            ));
        }
    }
    finding
}

fn vanished(record: &HazardRecord, month: YearMonth, next: YearMonth) -> Finding {
    at_row(
        Finding::error(
            "vanished-hazard",
            format!(
                "{}在 {} 的台账中为“{}”（{}），但 {} 的台账中没有这一隐患，也没有销号记录",
                describe(record),
                month,
                record.status.label(),
                place(record),
                next
            ),
        ),
        record,
    )
    .in_column(Field::Id.canonical())
    .with_value(record.id.clone())
    .with_help(format!(
        "隐患销号前每月都要列入台账，不得瞒报、漏报。请在 {} 的台账中再列出编号 {} 并填写当前整改状态；\
         如已整改并经审核销号，请在该月台账中填写整改状态“已销号”、完成日期、销号日期和销号审核人。",
        next.to_chinese(),
        record.id
    ))
}

fn left_unclosed(record: &HazardRecord, month: YearMonth, next: YearMonth) -> Finding {
    at_row(
        Finding::warning(
            "rectified-left-unclosed",
            format!(
                "{}在 {} 的台账中为“已整改”（{}），但 {} 的台账中没有这一隐患，也没有销号记录",
                describe(record),
                month,
                place(record),
                next
            ),
        ),
        record,
    )
    .in_column(Field::Id.canonical())
    .with_value(record.id.clone())
    .with_help(format!(
        "已整改的隐患须经审核签字销号后才能移出台账：请在 {} 的台账中列出编号 {}，\
         填写整改状态“已销号”、销号日期和销号审核人。",
        next.to_chinese(),
        record.id
    ))
}

/// Across all months: a closed hazard listed again as open, or any status moving
/// backwards, needs a 备注 saying why.
pub(super) fn check_reappearances(
    months: &BTreeMap<YearMonth, MonthIndex<'_>>,
    findings: &mut Findings,
) {
    let mut last_seen: FxHashMap<&str, (YearMonth, &HazardRecord)> = FxHashMap::default();
    for month in months.values() {
        for record in month.distinct() {
            let previous = last_seen.insert(record.id.as_str(), (month.month, record));
            let Some((prev_month, prev)) = previous else {
                continue;
            };
            if is_other_hazard(prev, record) {
                findings.push(id_reused(prev_month, prev, month.month, record));
                continue;
            }
            if record.status >= prev.status || has_notes(record) {
                continue;
            }
            let reopened = prev.status == Status::Closed && record.status.is_open();
            let (code, what, help) = if reopened {
                (
                    "closed-reopened",
                    "已销号的隐患又被列为未完成整改",
                    "如果隐患复发或销号有误，请在“备注”列说明原因；如果是另一个新隐患，请使用新编号。",
                )
            } else {
                (
                    "status-backwards",
                    "整改状态倒退",
                    "如果整改出现反复，请在“备注”列说明原因；如果是填写错误，请改正整改状态。",
                )
            };
            findings.push(
                at_row(
                    Finding::warning(
                        code,
                        format!(
                            "{}{}：{} 为“{}”（{}），{} 为“{}”，{}为空",
                            describe(record),
                            what,
                            prev_month,
                            prev.status.label(),
                            place(prev),
                            month.month,
                            record.status.label(),
                            Field::Notes.canonical()
                        ),
                    ),
                    record,
                )
                .in_column(Field::Status.canonical())
                .with_value(record.status.label())
                .with_help(help),
            );
        }
    }
}

/// Both name and unit differ from the last listing: most likely the id was given to
/// another hazard, which would hide the first one's fate (it seems still listed).
fn is_other_hazard(before: &HazardRecord, now: &HazardRecord) -> bool {
    let same = |a: &str, b: &str| {
        let key = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        a == b || key(a) == key(b)
    };
    !same(&before.title, &now.title) && !same(&before.unit, &now.unit)
}

fn id_reused(
    before_month: YearMonth,
    before: &HazardRecord,
    month: YearMonth,
    now: &HazardRecord,
) -> Finding {
    at_row(
        Finding::warning(
            "id-reused",
            format!(
                "编号 {} 在 {} 是“{}”（{}，{}），在 {} 却是“{}”（{}）：隐患名称和单位名称都不同",
                now.id,
                before_month,
                before.title,
                before.unit,
                place(before),
                month,
                now.title,
                now.unit
            ),
        ),
        now,
    )
    .in_column(Field::Id.canonical())
    .with_value(now.id.clone())
    .with_help(
        "同一编号应始终指同一个隐患，编号不能重复使用。如果这是新发现的隐患，请给它一个新编号，\
         并把原隐患按实际状态继续列出或办理销号；如果只是改写了名称，可忽略此提示。",
    )
}
