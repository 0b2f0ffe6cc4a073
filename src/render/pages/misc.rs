//! The remaining pages: the reporting hotline, task lists, open-data downloads and 404.

use chrono::NaiveDate;
use serde::Serialize;

use super::{PageJob, Section, SiteContext};
use crate::load::{Task, TaskDeadline, TaskList, TaskStatus};
use crate::render::opendata::{self, FIELDS};
use crate::render::urls;
use crate::render::views::{DateView, MonthSummary};

/// One task of a list, with 逾期 judged against today.
#[derive(Debug, Clone, Serialize)]
struct TaskView {
    number: Option<String>,
    task: String,
    measures: Option<String>,
    owner: Option<String>,
    deadline_text: Option<String>,
    deadline: Option<DateView>,
    progress: Option<String>,
    status: Option<&'static str>,
    status_key: &'static str,
    overdue_days: Option<i64>,
}

/// Counts of a task list.
#[derive(Debug, Clone, Default, Serialize)]
struct TaskFigures {
    total: usize,
    done: usize,
    in_progress: usize,
    not_started: usize,
    ongoing: usize,
    unknown: usize,
    overdue: usize,
}

/// Hotline, task list, data and 404 pages.
pub fn pages(ctx: &SiteContext) -> Vec<PageJob<'static>> {
    let mut jobs = vec![hotline(ctx), data(ctx), not_found(ctx)];
    jobs.extend(ctx.site.tasks.iter().map(|list| task_page(ctx, list)));
    jobs
}

fn hotline(ctx: &SiteContext) -> PageJob<'static> {
    let c = ctx.context(urls::HOTLINE, "举报电话", Section::Hotline, Vec::new());
    ctx.job(
        urls::HOTLINE.to_string(),
        "hotline.html",
        "举报电话页".to_string(),
        c,
    )
}

fn data(ctx: &SiteContext) -> PageJob<'static> {
    let mut c = ctx.context(urls::DATA, "开放数据", Section::Data, Vec::new());
    let months: Vec<MonthSummary> = ctx
        .site
        .months
        .iter()
        .rev()
        .map(MonthSummary::new)
        .collect();
    c.insert("months", &months);
    c.insert("fields", &fields());
    c.insert("dictionary_path", opendata::DICTIONARY_PATH);
    ctx.job(
        urls::DATA.to_string(),
        "data.html",
        "开放数据页".to_string(),
        c,
    )
}

/// A field of the data dictionary, ready to print.
#[derive(Debug, Clone, Serialize)]
struct FieldView {
    key: &'static str,
    header: &'static str,
    kind: &'static str,
    allowed: String,
    required: bool,
    derived: bool,
    meaning: &'static str,
}

fn fields() -> Vec<FieldView> {
    FIELDS
        .iter()
        .map(|f| FieldView {
            key: f.key,
            header: f.header,
            kind: f.kind.label(),
            allowed: f.allowed.join("、"),
            required: f.required,
            derived: f.derived,
            meaning: f.meaning,
        })
        .collect()
}

fn not_found(ctx: &SiteContext) -> PageJob<'static> {
    let c = ctx.context(urls::NOT_FOUND, "找不到该页面", Section::Other, Vec::new());
    ctx.job(
        urls::NOT_FOUND.to_string(),
        "404.html",
        "404 页面".to_string(),
        c,
    )
}

fn task_page(ctx: &SiteContext, list: &TaskList) -> PageJob<'static> {
    let path = urls::task_path(&list.slug);
    let mut c = ctx.context(&path, &list.title, Section::Other, Vec::new());
    let tasks: Vec<TaskView> = list.tasks.iter().map(|t| task_view(t, ctx.today)).collect();
    let mut figures = TaskFigures {
        total: tasks.len(),
        ..TaskFigures::default()
    };
    for (task, view) in list.tasks.iter().zip(&tasks) {
        match task.status {
            Some(TaskStatus::Done) => figures.done += 1,
            Some(TaskStatus::InProgress) => figures.in_progress += 1,
            Some(TaskStatus::NotStarted) => figures.not_started += 1,
            Some(TaskStatus::Ongoing) => figures.ongoing += 1,
            None => figures.unknown += 1,
        }
        if view.overdue_days.is_some() {
            figures.overdue += 1;
        }
    }
    c.insert("list_year", &list.year);
    c.insert("source_document", &list.source_document);
    c.insert("tasks", &tasks);
    c.insert("figures", &figures);
    c.insert("today", &DateView::opt(ctx.today));
    let mut job = ctx.job(
        path,
        "tasks.html",
        format!("任务清单 {}", list.path.display()),
        c,
    );
    job.source = Some(list.path.clone());
    job
}

fn task_view(task: &Task, today: Option<NaiveDate>) -> TaskView {
    let deadline = match task.deadline {
        TaskDeadline::Date(d) => Some(d),
        TaskDeadline::Ongoing | TaskDeadline::None => None,
    };
    let overdue_days = match (deadline, today) {
        (Some(d), Some(today)) if today > d && task.status != Some(TaskStatus::Done) => {
            Some((today - d).num_days())
        }
        _ => None,
    };
    let (status, status_key) = match task.status {
        Some(TaskStatus::Done) => (Some("已完成"), "done"),
        Some(TaskStatus::InProgress) => (Some("推进中"), "in-progress"),
        Some(TaskStatus::NotStarted) => (Some("未开始"), "not-started"),
        Some(TaskStatus::Ongoing) => (Some("长期坚持"), "ongoing"),
        None => (None, "unknown"),
    };
    TaskView {
        number: task.number.clone(),
        task: task.task.clone(),
        measures: task.measures.clone(),
        owner: task.owner.clone(),
        deadline_text: task.deadline_text.clone(),
        deadline: DateView::opt(deadline),
        progress: task.progress.clone(),
        status,
        status_key,
        overdue_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazard::RowOrigin;

    fn task(deadline: TaskDeadline, status: Option<TaskStatus>) -> Task {
        Task {
            number: Some("1".into()),
            task: "开展排查".into(),
            measures: None,
            owner: Some("镇安委办".into()),
            deadline_text: Some("6月底前".into()),
            deadline,
            progress: None,
            status,
            origin: RowOrigin {
                file: "content/tasks/a.csv".into(),
                row: 2,
                sheet: None,
            },
        }
    }

    #[test]
    fn overdue_only_when_past_and_not_done() {
        let june = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        let today = NaiveDate::from_ymd_opt(2024, 7, 25);
        let late = task_view(
            &task(TaskDeadline::Date(june), Some(TaskStatus::InProgress)),
            today,
        );
        assert_eq!(late.overdue_days, Some(25));
        let done = task_view(
            &task(TaskDeadline::Date(june), Some(TaskStatus::Done)),
            today,
        );
        assert_eq!(done.overdue_days, None);
        let ongoing = task_view(&task(TaskDeadline::Ongoing, None), today);
        assert_eq!(ongoing.overdue_days, None);
        let no_months = task_view(&task(TaskDeadline::Date(june), None), None);
        assert_eq!(no_months.overdue_days, None);
        let on_the_day = task_view(
            &task(TaskDeadline::Date(june), Some(TaskStatus::NotStarted)),
            Some(june),
        );
        assert_eq!(on_the_day.overdue_days, None);
    }
}
