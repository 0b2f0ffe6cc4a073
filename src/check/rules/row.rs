//! The rules that need one row as a whole: status consistency (已整改 and 已销号 need
//! their dates and sign-off), date order, 五到位 and overdue.

use chrono::NaiveDate;

use super::{at_row, describe};
use crate::diag::{Finding, Findings};
use crate::hazard::{HazardRecord, Status, YearMonth};
use crate::schema::Field;

/// The rules that need one row as a whole: status consistency, date order, 五到位 and
/// overdue.
pub(super) fn check_row(
    record: &HazardRecord,
    month: YearMonth,
    due: NaiveDate,
    findings: &mut Findings,
) {
    check_status_fields(record, findings);
    check_date_order(record, findings);
    if record.status.is_open() {
        check_five(record, findings);
        check_overdue(record, month, due, findings);
    }
}

/// 已整改 needs 完成日期; 已销号 needs 完成日期, 销号日期 and 销号审核人 (SPEC.md's table).
fn check_status_fields(record: &HazardRecord, findings: &mut Findings) {
    let status = record.status;
    if status.is_rectified() && record.done.is_none() {
        findings.push(
            at_row(
                Finding::error(
                    "status-done-missing",
                    format!(
                        "{}的整改状态为“{}”，但没有填写完成日期",
                        describe(record),
                        status.label()
                    ),
                ),
                record,
            )
            .in_column(Field::Done.canonical())
            .with_help(format!(
                "请在“{}”列填写整改完成的日期（如 2024-05-12）；如果尚未整改完成，\
                 请把整改状态改为“整改中”或“未整改”。",
                Field::Done.canonical()
            )),
        );
    }
    if status == Status::Closed {
        if record.closed.is_none() {
            findings.push(
                at_row(
                    Finding::error(
                        "status-closed-date-missing",
                        format!(
                            "{}的整改状态为“已销号”，但没有填写销号日期",
                            describe(record)
                        ),
                    ),
                    record,
                )
                .in_column(Field::Closed.canonical())
                .with_help(format!(
                    "请在“{}”列填写审核签字销号的日期；尚未销号的，请把整改状态改为“已整改”。",
                    Field::Closed.canonical()
                )),
            );
        }
        if record.approver.is_none() {
            findings.push(
                at_row(
                    Finding::error(
                        "status-approver-missing",
                        format!(
                            "{}的整改状态为“已销号”，但没有填写销号审核人",
                            describe(record)
                        ),
                    ),
                    record,
                )
                .in_column(Field::Approver.canonical())
                .with_help(format!(
                    "销号须经审核签字：请在“{}”列填写审核签字的负责人；尚未审核签字的，\
                     请把整改状态改为“已整改”。",
                    Field::Approver.canonical()
                )),
            );
        }
    }
}

/// Dates that contradict each other (a typo in a year is the usual cause).
fn check_date_order(record: &HazardRecord, findings: &mut Findings) {
    let pairs: [(Option<NaiveDate>, &str, Option<NaiveDate>, &str); 4] = [
        (
            record.done,
            Field::Done.canonical(),
            record.found,
            Field::Found.canonical(),
        ),
        (
            record.deadline,
            Field::Deadline.canonical(),
            record.found,
            Field::Found.canonical(),
        ),
        (
            record.extended,
            Field::Extended.canonical(),
            record.deadline,
            Field::Deadline.canonical(),
        ),
        (
            record.closed,
            Field::Closed.canonical(),
            record.done,
            Field::Done.canonical(),
        ),
    ];
    for (later, later_header, earlier, earlier_header) in pairs {
        let (Some(later), Some(earlier)) = (later, earlier) else {
            continue;
        };
        if later < earlier {
            findings.push(
                at_row(
                    Finding::warning(
                        "date-order",
                        format!(
                            "{}的{}（{}）早于{}（{}）",
                            describe(record),
                            later_header,
                            later,
                            earlier_header,
                            earlier
                        ),
                    ),
                    record,
                )
                .in_column(later_header)
                .with_value(later.to_string())
                .with_help(format!(
                    "请核对“{later_header}”和“{earlier_header}”两列的日期，常见原因是年份或月份写错。"
                )),
            );
        }
    }
}

/// An open hazard must have all of 五到位.
fn check_five(record: &HazardRecord, findings: &mut Findings) {
    let missing = record.five_missing();
    let Some(&first) = missing.first() else {
        return;
    };
    let labels: Vec<&str> = missing.iter().map(|p| p.label()).collect();
    let headers: Vec<&str> = missing
        .iter()
        .map(|&p| Field::of_five(p).canonical())
        .collect();
    findings.push(
        at_row(
            Finding::warning(
                "five-incomplete",
                format!(
                    "{}尚未整改完成，五到位不全：缺少{}（“{}”列为空）",
                    describe(record),
                    labels.join("、"),
                    headers.join("”“")
                ),
            ),
            record,
        )
        .in_column(Field::of_five(first).canonical())
        .with_help(
            "未能立即整改的隐患须做到措施、责任、资金、时限、预案“五到位”，请补填上述各列。",
        ),
    );
}

/// Open past its effective deadline at the month's due day: shown on the site, noted
/// here for information (overdue is a fact to publish, not an input error).
fn check_overdue(record: &HazardRecord, month: YearMonth, due: NaiveDate, findings: &mut Findings) {
    let Some(deadline) = record.effective_deadline() else {
        return;
    };
    if deadline >= due {
        return;
    }
    let days = (due - deadline).num_days();
    let column = if record.extended.is_some() {
        Field::Extended.canonical()
    } else {
        Field::Deadline.canonical()
    };
    findings.push(
        at_row(
            Finding::note(
                "overdue",
                format!(
                    "{}已逾期 {} 天：{}为 {}，截至 {}（{}台账截止日）仍为“{}”，网站将标注“逾期”",
                    describe(record),
                    days,
                    column,
                    deadline,
                    due,
                    month.to_chinese(),
                    record.status.label()
                ),
            ),
            record,
        )
        .in_column(column)
        .with_value(deadline.to_string())
        .with_help("请督促责任单位尽快整改；如已批准延期，请在“延期至”列填写新的时限。"),
    );
}
