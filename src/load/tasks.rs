//! Task lists (`content/tasks/NAME.csv` + optional `NAME.toml`), after seed 002's annex.

pub mod deadline;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use csv::StringRecord;
use serde::Serialize;

use crate::diag::{normalize_header, relative_path};
use crate::diag::{Finding, Findings, Snippet};
use crate::hazard::RowOrigin;
use crate::load::frontmatter::{parse_toml, Value};
use crate::load::notice::files::{content_files, read_text, slugify};
use crate::load::table::{cell_span, Row, Table};
use crate::load::values::text_value;

use deadline::{parse_deadline, DeadlineError};

/// Where task lists live, relative to the site root.
pub const TASKS_DIR: &str = "content/tasks";

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

impl TaskStatus {
    /// Reads 状态 as offices write it: 已完成 / 完成 / 已办结, 推进中 / 进行中 / 正在推进,
    /// 未开始 / 未启动, 长期坚持 / 长期 / 常态化.
    pub fn parse(text: &str) -> Option<TaskStatus> {
        Some(match normalize_header(text).as_str() {
            "已完成" | "完成" | "已办结" | "办结" | "已落实" => TaskStatus::Done,
            "推进中" | "进行中" | "正在推进" | "正在进行" | "持续推进" | "整改中" => {
                TaskStatus::InProgress
            }
            "未开始" | "未启动" | "尚未开始" => TaskStatus::NotStarted,
            "长期坚持" | "长期" | "常态化" => TaskStatus::Ongoing,
            _ => return None,
        })
    }

    /// 已完成 / 推进中 / 未开始 / 长期坚持
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Done => "已完成",
            TaskStatus::InProgress => "推进中",
            TaskStatus::NotStarted => "未开始",
            TaskStatus::Ongoing => "长期坚持",
        }
    }
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

impl Task {
    /// 逾期: past a dated deadline on `today` and neither 已完成 nor 长期坚持.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        match self.deadline {
            TaskDeadline::Date(deadline) => {
                today > deadline
                    && !matches!(self.status, Some(TaskStatus::Done | TaskStatus::Ongoing))
            }
            TaskDeadline::Ongoing | TaskDeadline::None => false,
        }
    }
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

impl TaskList {
    /// How many tasks are 逾期 on `today`.
    pub fn overdue(&self, today: NaiveDate) -> usize {
        self.tasks.iter().filter(|t| t.is_overdue(today)).count()
    }
}

/// A column of a task list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Number,
    Task,
    Measures,
    Owner,
    Deadline,
    Progress,
    Status,
}

impl Column {
    /// The column a header names, after width and white-space normalisation.
    fn from_header(header: &str) -> Option<Column> {
        Some(match normalize_header(header).as_str() {
            "序号" => Column::Number,
            "任务" | "国家要求" | "工作任务" | "重点任务" | "任务内容" => {
                Column::Task
            }
            "措施" | "细化措施" | "具体措施" | "工作措施" => Column::Measures,
            "责任单位" | "牵头单位" | "责任部门" => Column::Owner,
            "完成时限" | "时限" | "完成时间" => Column::Deadline,
            "工作进度" | "进展情况" | "进度" => Column::Progress,
            "状态" | "完成状态" => Column::Status,
            _ => return None,
        })
    }
}

/// A header row names the task column (or the measures column) and at least one other.
fn is_header(record: &StringRecord) -> bool {
    let columns: Vec<Column> = record.iter().filter_map(Column::from_header).collect();
    columns.len() >= 2 && (columns.contains(&Column::Task) || columns.contains(&Column::Measures))
}

/// Loads every task list in `content/tasks/` (`NAME.csv` with an optional `NAME.toml`).
/// Returns the lists (sorted by path) and the number of files read.
pub fn load_task_lists(root: &Path, findings: &mut Findings) -> (Vec<TaskList>, usize) {
    let dir = root.join(TASKS_DIR);
    let paths = content_files(root, &dir, &["csv", "txt"], &["toml"], false, findings);
    warn_orphan_settings(root, &dir, &paths, findings);
    let mut lists = Vec::new();
    let mut files_read = 0;
    let mut slugs: HashMap<String, PathBuf> = HashMap::new();
    for path in &paths {
        files_read += 1;
        let rel = relative_path(root, path);
        let settings_path = path.with_extension("toml");
        let settings = if settings_path.is_file() {
            files_read += 1;
            read_settings(root, &settings_path, findings)
        } else {
            ListSettings::default()
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(slug) = slugify(&stem) else {
            findings.push(
                Finding::error(
                    "slug-invalid",
                    format!("文件名“{stem}”中没有可用于网址的文字"),
                )
                .in_file(&rel)
                .with_help("请用汉字、英文字母或数字给任务清单文件命名。"),
            );
            continue;
        };
        if let Some(first) = slugs.get(&slug) {
            findings.push(
                Finding::error(
                    "slug-duplicate",
                    format!(
                        "网址名“{slug}”与 {} 相同，两个任务清单会生成同一个网页",
                        first.display()
                    ),
                )
                .in_file(&rel)
                .with_help("请给其中一个文件改名。"),
            );
            continue;
        }
        slugs.insert(slug.clone(), rel.clone());
        let Some(text) = read_text(root, path, findings) else {
            continue;
        };
        let tasks = read_tasks(&text, &rel, settings.year, findings);
        lists.push(TaskList {
            slug,
            path: rel,
            title: settings.title.unwrap_or(stem),
            year: settings.year,
            source_document: settings.source_document,
            tasks,
        });
    }
    (lists, files_read)
}

/// A `NAME.toml` without its `NAME.csv` is most likely a renamed list: say so.
fn warn_orphan_settings(root: &Path, dir: &Path, lists: &[PathBuf], findings: &mut Findings) {
    let settings = content_files(
        root,
        dir,
        &["toml"],
        &["csv", "txt"],
        false,
        &mut Findings::default(),
    );
    for path in settings {
        if !lists.iter().any(|l| l.with_extension("toml") == path) {
            findings.push(
                Finding::warning("task-settings-orphan", "找不到与此设置文件同名的任务清单（.csv），设置未使用")
                    .in_file(relative_path(root, &path))
                    .with_help("设置文件要与任务清单同名，例如 大检查.csv 配 大检查.toml；请改名或删除此文件。"),
            );
        }
    }
}

/// What `NAME.toml` says about a list.
#[derive(Debug, Default)]
struct ListSettings {
    title: Option<String>,
    year: Option<i32>,
    source_document: Option<String>,
}

/// Reads `NAME.toml`: 标题/title, 年份/year, 来源文件/source_document.
fn read_settings(root: &Path, path: &Path, findings: &mut Findings) -> ListSettings {
    let rel = relative_path(root, path);
    let mut settings = ListSettings::default();
    let Some(text) = read_text(root, path, findings) else {
        return settings;
    };
    let entries = match parse_toml(text.trim_start_matches('\u{feff}'), 1) {
        Ok(entries) => entries,
        Err(err) => {
            let mut finding = Finding::error(
                "task-settings-syntax",
                err.message.replace("头部信息", "任务清单设置"),
            )
            .in_file(&rel)
            .at_row(err.line)
            .with_help(err.help);
            if let Some(line) = err.text {
                finding = finding.with_value(line);
            }
            findings.push(finding);
            return settings;
        }
    };
    for entry in entries {
        let key = normalize_header(&entry.key).to_ascii_lowercase();
        let text = entry.value.as_text().filter(|s| !s.trim().is_empty());
        match key.as_str() {
            "title" | "标题" => settings.title = text,
            "source_document" | "来源文件" | "来源" => settings.source_document = text,
            "year" | "年份" => {
                let year = match &entry.value {
                    Value::Number(n) | Value::Text(n) => {
                        let n = normalize_header(n);
                        n.strip_suffix('年').unwrap_or(&n).parse::<i32>().ok()
                    }
                    _ => None,
                }
                .filter(|y| (1949..=2200).contains(y));
                if year.is_none() {
                    findings.push(
                        Finding::error(
                            "task-settings-year",
                            format!(
                                "年份应为四位数的年份，现为“{}”",
                                text.clone().unwrap_or_default()
                            ),
                        )
                        .in_file(&rel)
                        .at_row(entry.line)
                        .in_column(entry.key.clone())
                        .with_help("请写成 年份 = 2024（不加引号）。"),
                    );
                }
                settings.year = year;
            }
            _ => findings.push(
                Finding::warning(
                    "task-settings-unknown-key",
                    format!("任务清单设置中有不认识的项“{}”，已忽略", entry.key),
                )
                .in_file(&rel)
                .at_row(entry.line)
                .with_value(entry.key.clone())
                .with_help("可用的项：标题（title）、年份（year）、来源文件（source_document）。"),
            ),
        }
    }
    settings
}

/// Reads the rows of a task list's decoded CSV. Rows with an error are reported and
/// left out.
pub fn read_tasks(text: &str, rel: &Path, year: Option<i32>, findings: &mut Findings) -> Vec<Task> {
    let table = Table::read(text, is_header);
    let Some(header) = table.header_row() else {
        findings.push(
            Finding::error("task-no-header", "找不到任务清单的表头行")
                .in_file(rel)
                .with_help(
                    "表头应包含“任务”（或 国家要求、工作任务）等列名，以及 措施、责任单位、完成时限、\
                     工作进度、状态 中的至少一列；请检查表头是否在前 20 行内。",
                ),
        );
        return Vec::new();
    };
    let mut columns: HashMap<Column, (usize, String)> = HashMap::new();
    for (index, cell) in header.record.iter().enumerate() {
        let Some(column) = Column::from_header(cell) else {
            continue;
        };
        if let Some((_, first)) = columns.get(&column) {
            findings.push(
                Finding::warning(
                    "task-duplicate-column",
                    format!("列“{}”与列“{first}”是同一列，只读取“{first}”", cell.trim()),
                )
                .in_file(rel)
                .at_row(header.number)
                .in_column(cell.trim())
                .with_help("请删去或改名其中一列。"),
            );
            continue;
        }
        columns.insert(column, (index, cell.trim().to_string()));
    }
    let reader = RowReader {
        text,
        rel,
        delimiter: table.delimiter,
        columns: &columns,
        year,
    };
    let mut tasks: Vec<Task> = Vec::new();
    // A 任务 cell merged over several rows in Excel is exported only on its first row:
    // an empty cell under a task continues the last task written.
    let mut carried: Option<String> = None;
    for row in table.data_rows() {
        if let Some(task) = reader.cell(row, Column::Task) {
            carried = Some(task.to_string());
        }
        if let Some(task) = reader.task(row, carried.clone(), findings) {
            tasks.push(task);
        }
    }
    tasks
}

/// Reads the cells of one row.
struct RowReader<'a> {
    text: &'a str,
    rel: &'a Path,
    delimiter: u8,
    columns: &'a HashMap<Column, (usize, String)>,
    year: Option<i32>,
}

impl RowReader<'_> {
    fn cell<'r>(&self, row: &'r Row, column: Column) -> Option<&'r str> {
        let (index, _) = self.columns.get(&column)?;
        text_value(row.cell(*index))
    }

    fn finding(&self, row: &Row, column: Column, finding: Finding) -> Finding {
        let mut finding = finding.in_file(self.rel).at_row(row.number);
        if let Some((index, header)) = self.columns.get(&column) {
            finding = finding.in_column(header.clone());
            let raw = row.text(self.text);
            if let Some(span) = cell_span(raw, self.delimiter, *index) {
                finding = finding.with_snippet(Snippet {
                    text: raw.to_string(),
                    offset: span.start,
                    len: span.len(),
                });
            }
        }
        finding
    }

    fn task(&self, row: &Row, carried: Option<String>, findings: &mut Findings) -> Option<Task> {
        // Template rows with nothing but a 序号 are left over, not tasks.
        let has_content = self
            .columns
            .keys()
            .any(|c| *c != Column::Number && self.cell(row, *c).is_some());
        if !has_content {
            return None;
        }
        let mut ok = true;
        let task = if self.columns.contains_key(&Column::Task) {
            carried
        } else {
            self.cell(row, Column::Measures).map(str::to_string)
        };
        if task.is_none() {
            ok = false;
            findings.push(
                self.finding(
                    row,
                    Column::Task,
                    Finding::error("task-missing", "这一行没有填写任务")
                        .with_help("请在“任务”列填写任务内容；如果这一行是多余的，请删除。"),
                ),
            );
        }
        let deadline_text = self.cell(row, Column::Deadline).map(str::to_string);
        let deadline = match parse_deadline(deadline_text.as_deref().unwrap_or(""), self.year) {
            Ok(deadline) => Some(deadline),
            Err(err) => {
                let shown = deadline_text.clone().unwrap_or_default();
                let finding = match err {
                    DeadlineError::NeedsYear => Finding::error(
                        "task-deadline-year",
                        format!("完成时限“{shown}”没有写年份，而任务清单没有设定年份"),
                    )
                    .with_help(format!(
                        "请在与清单同名的设置文件 {} 中写一行 年份 = 2024（改为清单所属的年份），或把时限写全，如 2024年6月底前。",
                        self.rel.with_extension("toml").display()
                    )),
                    DeadlineError::Unreadable => Finding::error(
                        "task-deadline",
                        format!("无法识别完成时限“{shown}”"),
                    )
                    .with_help(
                        "每格只写一个时限，例如 2024-06-30、6月底前、6月30日前、年底前、上半年、\
                         第三季度、3月中旬前 或 长期坚持。",
                    ),
                };
                findings.push(self.finding(row, Column::Deadline, finding.with_value(shown)));
                ok = false;
                None
            }
        };
        let status = match self.cell(row, Column::Status) {
            None => None,
            Some(text) => match TaskStatus::parse(text) {
                Some(status) => Some(status),
                None => {
                    findings.push(
                        self.finding(
                            row,
                            Column::Status,
                            Finding::error("task-status", format!("无法识别状态“{text}”"))
                                .with_value(text)
                                .with_help("状态请填写 已完成、推进中、未开始 或 长期坚持。"),
                        ),
                    );
                    ok = false;
                    None
                }
            },
        };
        if !ok {
            return None;
        }
        Some(Task {
            number: self.cell(row, Column::Number).map(str::to_string),
            task: task?,
            measures: self.cell(row, Column::Measures).map(str::to_string),
            owner: self.cell(row, Column::Owner).map(str::to_string),
            deadline_text,
            deadline: deadline?,
            progress: self.cell(row, Column::Progress).map(str::to_string),
            status,
            origin: RowOrigin {
                file: self.rel.to_path_buf(),
                row: row.number,
                sheet: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    const LIST: &str = "朔州市安全生产大检查任务清单\r\n\
序号,国家要求,细化措施,责任单位,完成时限,工作进度,状态\r\n\
1,一、严格落实地方党政领导责任,1. 各级党委政府研究安全生产,各级党委、政府,5月底前,已研究部署,已完成\r\n\
2,,2. 健全领导干部包保制度,各级党委、政府,6月底前,,推进中\r\n\
3,二、压实部门监管责任,\"3. 制定安全监管\r\n权力清单\",各有关部门,长期坚持,,\r\n\
4,,,,,,\r\n\
5,三、重奖激励隐患举报,5. 公开举报电话,各负有安全监管职责部门,2023年1月底前,,未开始\r\n";

    fn read(text: &str, year: Option<i32>) -> (Vec<Task>, Findings) {
        let mut findings = Findings::default();
        let tasks = read_tasks(
            text,
            Path::new("content/tasks/大检查.csv"),
            year,
            &mut findings,
        );
        (tasks, findings)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_the_seed_annex_shape() {
        let (tasks, findings) = read(LIST, Some(2022));
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        assert_eq!(tasks.len(), 4, "the row with only a 序号 is skipped");
        assert_eq!(tasks[0].task, "一、严格落实地方党政领导责任");
        assert_eq!(tasks[0].deadline, TaskDeadline::Date(day(2022, 5, 31)));
        assert_eq!(tasks[0].status, Some(TaskStatus::Done));
        assert_eq!(tasks[0].origin.row, 3);
        // The merged 国家要求 cell continues.
        assert_eq!(tasks[1].task, "一、严格落实地方党政领导责任");
        assert_eq!(tasks[1].progress, None);
        assert_eq!(
            tasks[2].measures.as_deref(),
            Some("3. 制定安全监管\r\n权力清单")
        );
        assert_eq!(tasks[2].deadline, TaskDeadline::Ongoing);
        assert_eq!(
            tasks[3].origin.row, 7,
            "a quoted line break stays one Excel row"
        );
        assert_eq!(tasks[3].deadline, TaskDeadline::Date(day(2023, 1, 31)));
        assert_eq!(tasks[3].deadline_text.as_deref(), Some("2023年1月底前"));
    }

    #[test]
    fn relative_deadline_without_year_is_an_error_naming_the_toml() {
        let (tasks, findings) = read(LIST, None);
        assert_eq!(tasks.len(), 2, "two rows need a year");
        let f = &findings.items[0];
        assert_eq!(
            (f.code, f.row, f.severity),
            ("task-deadline-year", Some(3), Severity::Error)
        );
        assert_eq!(f.column.as_deref(), Some("完成时限"));
        assert!(f
            .help
            .as_deref()
            .unwrap()
            .contains("content/tasks/大检查.toml"));
        assert!(f.help.as_deref().unwrap().contains("年份 = 2024"));
        let snippet = f.snippet.as_ref().unwrap();
        assert_eq!(
            &snippet.text[snippet.offset..snippet.offset + snippet.len],
            "5月底前"
        );
    }

    #[test]
    fn bad_cells_name_row_and_column() {
        let text =
            "任务,完成时限,状态\n排查,5月10月底前,推进中\n宣传,6月底前,差不多\n,6月底前,推进中\n";
        let (tasks, findings) = read(text, Some(2024));
        // Row 4 continues row 3's task although row 3 had an error.
        assert_eq!(tasks.len(), 1);
        assert_eq!((tasks[0].task.as_str(), tasks[0].origin.row), ("宣传", 4));
        let got: Vec<_> = findings
            .items
            .iter()
            .map(|f| (f.code, f.row, f.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("task-deadline", Some(2), Some("完成时限")),
                ("task-status", Some(3), Some("状态")),
            ]
        );
        let (tasks, findings) = read("任务,完成时限\n,6月底前\n", Some(2024));
        assert!(tasks.is_empty());
        assert_eq!(
            (findings.items[0].code, findings.items[0].row),
            ("task-missing", Some(2))
        );
    }

    #[test]
    fn missing_header_is_an_error() {
        let (tasks, findings) = read("名称,日期\n甲,乙\n", Some(2024));
        assert!(tasks.is_empty());
        assert_eq!(findings.items[0].code, "task-no-header");
    }

    #[test]
    fn overdue() {
        let (tasks, _) = read(LIST, Some(2022));
        let today = day(2022, 7, 1);
        assert!(!tasks[0].is_overdue(today), "已完成");
        assert!(tasks[1].is_overdue(today), "推进中, due 6-30");
        assert!(
            !tasks[1].is_overdue(day(2022, 6, 30)),
            "due today is not late"
        );
        assert!(!tasks[2].is_overdue(day(2030, 1, 1)), "长期坚持");
        assert!(!tasks[3].is_overdue(today));
        let list = TaskList {
            slug: "x".into(),
            path: "content/tasks/x.csv".into(),
            title: "x".into(),
            year: Some(2022),
            source_document: None,
            tasks,
        };
        assert_eq!(list.overdue(day(2023, 2, 1)), 2);
    }

    #[test]
    fn status_values() {
        assert_eq!(TaskStatus::parse(" 已完成 "), Some(TaskStatus::Done));
        assert_eq!(TaskStatus::parse("进行中"), Some(TaskStatus::InProgress));
        assert_eq!(TaskStatus::parse("未开始"), Some(TaskStatus::NotStarted));
        assert_eq!(TaskStatus::parse("长期坚持"), Some(TaskStatus::Ongoing));
        assert_eq!(TaskStatus::parse("好"), None);
        assert_eq!(TaskStatus::Done.label(), "已完成");
    }
}
