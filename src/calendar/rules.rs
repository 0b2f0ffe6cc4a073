//! What the check says about time: months missing past their due date, a month about to
//! be published late, notices published more than 20 working days after they were made
//! (政府信息公开条例 第二十六条), and — as notes, so the office can chase them — open
//! hazards due within 7 days and tasks due within 14.

use chrono::NaiveDate;

use super::duty::{DutyInput, Timeline};
use super::workdays::WorkCalendar;
use crate::diag::{Finding, Findings};
use crate::load::{TaskDeadline, TaskStatus};

/// The 条例's limit: published within 20 working days of being made.
pub const NOTICE_WORKING_DAYS: u32 = 20;
/// Open hazards whose deadline falls within this many days are listed.
pub const HAZARD_SOON_DAYS: i64 = 7;
/// Tasks whose deadline falls within this many days are listed.
pub const TASK_SOON_DAYS: i64 = 14;

/// `2024年7月25日`
pub fn chinese_date(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// Adds every timeliness finding of the site to `findings`.
pub fn check_timeliness(input: &DutyInput<'_>, timeline: &Timeline, findings: &mut Findings) {
    let today = timeline.today;
    let calendar = WorkCalendar::official();
    check_months(timeline, findings);
    for notice in input.notices.iter().filter(|n| n.is_published()) {
        let Some(&published) = timeline.notices.get(&notice.slug) else {
            continue;
        };
        let written = if notice.published.is_some() {
            "头部信息中的发布日期"
        } else if input.record.notices.contains_key(&notice.slug) {
            "发布记录（published.toml）中的发布日期"
        } else {
            "本次生成即发布，发布日期为今天"
        };
        if published < notice.date {
            findings.push(
                Finding::warning(
                    "notice-published-before-made",
                    format!(
                        "通知《{}》的发布日期 {} 早于成文日期 {}（{written}）",
                        notice.title,
                        chinese_date(published),
                        chinese_date(notice.date)
                    ),
                )
                .in_file(notice.path.clone())
                .with_help("请核对成文日期和发布日期。"),
            );
            continue;
        }
        let count = calendar.working_days_between(notice.date, published);
        if count.days <= NOTICE_WORKING_DAYS {
            continue;
        }
        findings.push(
            Finding::warning(
                "notice-late",
                format!(
                    "通知《{}》成文日期 {}，发布日期 {}（{written}），相隔 {} 个工作日，超过《政府信息公开条例》第二十六条规定的 {} 个工作日{}",
                    notice.title,
                    chinese_date(notice.date),
                    chinese_date(published),
                    count.days,
                    NOTICE_WORKING_DAYS,
                    count.caveat()
                ),
            )
            .in_file(notice.path.clone())
            .with_value(published.to_string())
            .with_help(format!(
                "属于主动公开范围的政府信息，应当自形成或者变更之日起 20 个工作日内公开（工作日按国务院放假调休安排计算，成文日期 {} 起最晚为 {}）。\
                 如果实际发布日期不同，请在头部信息中写“发布日期”。",
                chinese_date(notice.date),
                chinese_date(calendar.add_working_days(notice.date, NOTICE_WORKING_DAYS))
            )),
        );
    }
    check_due_soon(input, today, findings);
}

fn check_months(timeline: &Timeline, findings: &mut Findings) {
    let today = timeline.today;
    for duty in &timeline.months {
        let Some(days) = duty.days_late(today) else {
            continue;
        };
        if duty.is_missing() {
            findings.push(
                Finding::warning(
                    "month-missing",
                    format!(
                        "{}的隐患台账应于{}前公开，至今（{}）尚未公开，已逾期 {} 天",
                        duty.month.to_chinese(),
                        chinese_date(duty.due),
                        chinese_date(today),
                        days
                    ),
                )
                .with_value(duty.month.to_string())
                .with_help(format!(
                    "隐患清单须每月公开一次。请尽快把 {} 的台账放在 content/registers/{}/ 文件夹中并重新生成网站；\
                     在此之前，网站首页和月份列表会写明该月尚未公开、已逾期多少天。",
                    duty.month.to_chinese(),
                    duty.month
                )),
            );
        } else if !duty.recorded {
            findings.push(
                Finding::warning(
                    "month-late",
                    format!(
                        "{}的隐患台账应于{}前公开，本次公开已晚 {} 天",
                        duty.month.to_chinese(),
                        chinese_date(duty.due),
                        days
                    ),
                )
                .with_value(duty.month.to_string())
                .with_help(
                    "网站上该月会如实标明“逾期公开”和公开日期。如果该月台账其实早已按时公开（例如在原网站上），\
                     请在 published.toml 的 [months] 中写明实际公开日期。",
                ),
            );
        }
    }
}

/// Notes: open hazards of the latest month due within [`HAZARD_SOON_DAYS`], tasks not done
/// due within [`TASK_SOON_DAYS`] (today included, overdue ones not: they are reported as
/// overdue already).
fn check_due_soon(input: &DutyInput<'_>, today: NaiveDate, findings: &mut Findings) {
    let latest = input.registers.iter().map(|f| f.month).max();
    let latest_files = input.registers.iter().filter(|f| Some(f.month) == latest);
    for record in latest_files.flat_map(|f| f.records.iter()) {
        if !record.status.is_open() {
            continue;
        }
        let (deadline, column) = match (record.extended, record.deadline) {
            (Some(extended), _) => (extended, "延期至"),
            (None, Some(deadline)) => (deadline, "整改时限"),
            (None, None) => continue,
        };
        let left = (deadline - today).num_days();
        if !(0..=HAZARD_SOON_DAYS).contains(&left) {
            continue;
        }
        findings.push(
            Finding::note(
                "hazard-due-soon",
                format!(
                    "隐患 {}（{}，{}）{}为 {}，{}",
                    record.id,
                    record.title,
                    record.unit,
                    column,
                    chinese_date(deadline),
                    days_left(left)
                ),
            )
            .in_file(record.origin.file.clone())
            .at_row(record.origin.row)
            .in_column(column)
            .with_value(deadline.to_string())
            .with_help(
                "请督促责任单位按时完成整改；确需延期的，按规定审批后在“延期至”列填写新的时限。",
            ),
        );
    }
    for list in input.tasks {
        for task in &list.tasks {
            let TaskDeadline::Date(deadline) = task.deadline else {
                continue;
            };
            if matches!(task.status, Some(TaskStatus::Done | TaskStatus::Ongoing)) {
                continue;
            }
            let left = (deadline - today).num_days();
            if !(0..=TASK_SOON_DAYS).contains(&left) {
                continue;
            }
            findings.push(
                Finding::note(
                    "task-due-soon",
                    format!(
                        "任务清单《{}》中的任务“{}”完成时限为 {}，{}",
                        list.title,
                        task.task,
                        chinese_date(deadline),
                        days_left(left)
                    ),
                )
                .in_file(task.origin.file.clone())
                .at_row(task.origin.row)
                .in_column("完成时限")
                .with_value(
                    task.deadline_text
                        .clone()
                        .unwrap_or_else(|| deadline.to_string()),
                )
                .with_help("请督促责任单位按时完成；完成后把“状态”改为“已完成”。"),
            );
        }
    }
}

fn days_left(left: i64) -> String {
    if left == 0 {
        "今天到期".to_string()
    } else {
        format!("还有 {left} 天到期")
    }
}
