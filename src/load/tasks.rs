//! Task lists (`content/tasks/NAME.csv` + optional `NAME.toml`), after seed 002's annex.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::Findings;
use crate::hazard::RowOrigin;

/// 状态 of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TaskStatus {
    /// 已完成
    Done,
    /// 推进中
    InProgress,
    /// 未开始
    NotStarted,
    /// 长期坚持
    Ongoing,
}

/// 完成时限, read relative to the list's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TaskDeadline {
    /// A day (`2024-06-30`; `6月底前` → the last day of June of the list's year).
    Date(NaiveDate),
    /// 长期坚持: no deadline, never overdue.
    Ongoing,
    /// Not given.
    None,
}

/// One task.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// 序号
    pub number: Option<String>,
    /// 任务
    pub task: String,
    /// 措施
    pub measures: Option<String>,
    /// 责任单位
    pub owner: Option<String>,
    /// 完成时限 as written.
    pub deadline_text: Option<String>,
    /// 完成时限 as read.
    pub deadline: TaskDeadline,
    /// 工作进度
    pub progress: Option<String>,
    /// 状态
    pub status: Option<TaskStatus>,
    #[serde(skip)]
    pub origin: RowOrigin,
}

/// One task list.
#[derive(Debug, Clone, Serialize)]
pub struct TaskList {
    /// URL-safe name from the file name.
    pub slug: String,
    /// The CSV, relative to the site root.
    pub path: PathBuf,
    /// Title (from `NAME.toml`, else the file stem).
    pub title: String,
    /// The year deadlines such as `6月底前` are read in.
    pub year: Option<i32>,
    /// The document the list comes from.
    pub source_document: Option<String>,
    pub tasks: Vec<Task>,
}

/// Loads every task list under `content/tasks/`.
pub fn load_task_lists(root: &Path, findings: &mut Findings) -> (Vec<TaskList>, usize) {
    let _ = (root, findings);
    todo!("task loading")
}
