//! Notices, standing pages and task lists read from fixture folders: the values loaded and
//! every finding's file, line and severity.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gongkai::config::SiteConfig;
use gongkai::diag::{Findings, Severity};
use gongkai::load::notice::{load_notices, load_pages, parse_notice};
use gongkai::load::tasks::{load_task_lists, read_tasks};
use gongkai::load::{DisclosureMode, TaskDeadline, TaskStatus};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn config() -> SiteConfig {
    let mut findings = Findings::default();
    SiteConfig::parse(
        "title = \"南庄镇安全生产信息公开\"\nissuer = \"文水县南庄镇人民政府\"\n",
        &mut findings,
    )
    .expect("test config parses")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// (file, row, severity, code) of every finding, sorted.
fn summary(findings: &Findings) -> Vec<(String, Option<usize>, Severity, &'static str)> {
    let mut all: Vec<_> = findings
        .items
        .iter()
        .map(|f| {
            let file = f
                .file
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, f.row, f.severity, f.code)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn notices_are_loaded_with_their_findings() {
    let mut findings = Findings::default();
    let (notices, files) = load_notices(&fixture("notices"), &config(), &mut findings);
    // 13 Markdown files; hidden files, backups and swap files are not read.
    assert_eq!(files, 13);
    let slugs: Vec<&str> = notices.iter().map(|n| n.slug.as_str()).collect();
    assert_eq!(
        slugs,
        vec![
            "排查工作动态",
            "隐患排查整治方案",
            "gbk通知",
            "依申请公开的批复",
            "关于开展重大事故隐患专项排查整治的通知",
            "2024-02-dongtai",
            "草稿-三月计划",
            "未知项",
        ]
    );

    let n = |slug: &str| notices.iter().find(|n| n.slug == slug).unwrap();
    let main = n("关于开展重大事故隐患专项排查整治的通知");
    assert_eq!(main.title, "关于开展重大事故隐患专项排查整治的通知");
    assert_eq!(main.date, day(2024, 2, 1));
    assert_eq!(main.doc_number.as_deref(), Some("南政发〔2024〕3号"));
    assert_eq!(main.issuer, "文水县南庄镇人民政府");
    assert_eq!(
        main.index_number.as_deref(),
        Some("11141128MB1234567X/2024-00003")
    );
    assert_eq!(main.category, "政策文件");
    assert_eq!(main.body_line, 10);
    assert!(
        main.body.contains("各村（社区）、镇直各单位：\n"),
        "CRLF normalised"
    );
    assert!(main.is_published());
    assert_eq!(
        main.path,
        PathBuf::from("content/notices/2024/关于开展重大事故隐患专项排查整治的通知.md")
    );

    let toml = n("2024-02-dongtai");
    assert_eq!(
        (toml.date, toml.category.as_str()),
        (day(2024, 2, 28), "工作动态")
    );
    assert_eq!(
        toml.issuer, "文水县南庄镇人民政府",
        "site issuer by default"
    );

    assert!(!n("草稿-三月计划").is_published(), "draft");
    let on_request = n("依申请公开的批复");
    assert_eq!(on_request.disclosure, DisclosureMode::OnRequest);
    assert_eq!(on_request.date, day(2024, 3, 5));
    assert!(!on_request.is_published());
    let gbk = n("gbk通知");
    assert_eq!(gbk.title, "关于公布安全生产举报电话的公告");
    assert_eq!(gbk.date, day(2024, 3, 10));

    let e = Severity::Error;
    let w = Severity::Warning;
    let f = |p: &str| format!("content/notices/{p}");
    assert_eq!(
        summary(&findings),
        vec![
            (
                f("2023/隐患排查整治方案.md"),
                Some(4),
                w,
                "doc-number-format"
            ),
            (f("2024/gbk通知.md"), None, w, "content-encoding"),
            (f("2024/排查工作动态.md"), Some(6), w, "slug-changed"),
            (
                f("2024/附件.docx"),
                None,
                Severity::Note,
                "attachment-not-linked"
            ),
            (f("errors/乱码.md"), None, e, "content-encoding"),
            (f("errors/日期有误.md"), Some(3), e, "front-matter-bad-date"),
            (
                f("errors/未知项.md"),
                Some(3),
                w,
                "front-matter-unknown-key"
            ),
            (f("errors/格式有误.md"), Some(3), e, "front-matter-syntax"),
            (
                f("errors/缺少公开属性.md"),
                Some(1),
                e,
                "front-matter-missing-disclosure"
            ),
            (f("errors/隐患排查整治方案.md"), None, e, "slug-duplicate"),
        ]
    );
    // Same file name in two folders: one slug, an error naming both files. (The two
    // 排查工作动态.md do not collide: the 2024 one sets its own slug.)
    let dup = findings
        .items
        .iter()
        .find(|f| f.code == "slug-duplicate")
        .unwrap();
    assert!(
        dup.message
            .contains("content/notices/2023/隐患排查整治方案.md"),
        "{}",
        dup.message
    );
    assert!(dup
        .help
        .as_deref()
        .unwrap()
        .contains("content/notices/errors/隐患排查整治方案.md"));
    let missing = findings
        .items
        .iter()
        .find(|f| f.code == "front-matter-missing-disclosure")
        .unwrap();
    assert!(missing.help.as_deref().unwrap().contains("主动公开"));
    let doc = findings
        .items
        .iter()
        .find(|f| f.code == "doc-number-format")
        .unwrap();
    assert_eq!(doc.value.as_deref(), Some("南政发[2023]第014号"));
}

#[test]
fn standing_pages() {
    let mut findings = Findings::default();
    let (pages, files) = load_pages(&fixture("notices"), &mut findings);
    assert_eq!(files, 3, "sub-folders of content/pages are not read");
    let got: Vec<_> = pages
        .iter()
        .map(|p| (p.slug.as_str(), p.title.as_str(), p.date, p.draft))
        .collect();
    assert_eq!(
        got,
        vec![
            ("about", "关于本站", Some(day(2024, 1, 1)), true),
            ("信息公开指南", "南庄镇政府信息公开指南", None, false),
        ]
    );
    assert_eq!(pages[1].body, "一、主动公开\n");
    let w = Severity::Warning;
    assert_eq!(
        summary(&findings),
        vec![
            (
                "content/pages/about.md".into(),
                Some(5),
                w,
                "front-matter-unused-key"
            ),
            (
                "content/pages/无标题.md".into(),
                Some(1),
                Severity::Error,
                "front-matter-missing-field"
            ),
        ]
    );
}

#[test]
fn task_lists() {
    let mut findings = Findings::default();
    let (lists, files) = load_task_lists(&fixture("tasks"), &mut findings);
    assert_eq!(files, 5, "three CSV files and two settings files");
    let names: Vec<_> = lists
        .iter()
        .map(|l| (l.slug.as_str(), l.title.as_str(), l.year))
        .collect();
    assert_eq!(
        names,
        vec![
            ("三年行动", "克虎镇重大事故隐患三年行动任务清单", Some(2024)),
            ("大检查任务清单", "朔州市安全生产大检查任务清单", Some(2022)),
            ("无年份", "无年份", None),
        ]
    );

    // The GBK list with a title line, merged 国家要求 cells and a quoted line break.
    let big = &lists[1];
    assert_eq!(big.source_document.as_deref(), Some("朔安发〔2022〕12号"));
    let rows: Vec<_> = big
        .tasks
        .iter()
        .map(|t| {
            (
                t.origin.row,
                t.number.as_deref(),
                t.task.as_str(),
                t.deadline,
                t.status,
            )
        })
        .collect();
    let first = "一、严格落实地方党政领导责任";
    let second = "二、压实部门安全监管责任";
    assert_eq!(
        rows,
        vec![
            (
                3,
                Some("1"),
                first,
                TaskDeadline::Date(day(2022, 5, 31)),
                Some(TaskStatus::Done)
            ),
            (
                4,
                Some("2"),
                first,
                TaskDeadline::Date(day(2022, 6, 30)),
                Some(TaskStatus::InProgress)
            ),
            (
                5,
                Some("3"),
                second,
                TaskDeadline::Ongoing,
                Some(TaskStatus::Ongoing)
            ),
            (
                6,
                Some("4"),
                second,
                TaskDeadline::Date(day(2023, 1, 31)),
                Some(TaskStatus::NotStarted)
            ),
        ]
    );
    assert_eq!(
        big.tasks[2].measures.as_deref(),
        Some("3. 制定安全监管权力清单,\r\n明确监管事项")
    );
    assert_eq!(big.tasks[0].owner.as_deref(), Some("各级党委、政府"));
    assert_eq!(big.tasks[0].progress.as_deref(), Some("已专题研究"));
    assert!(big.tasks[1].is_overdue(day(2022, 7, 1)));
    assert_eq!(big.overdue(day(2023, 2, 1)), 2);

    assert_eq!(
        lists[0].tasks[0].deadline,
        TaskDeadline::Date(day(2024, 6, 30))
    );
    // 无年份: the dated row is read, the 年底前 row needs a year.
    assert_eq!(lists[2].tasks.len(), 1);
    assert_eq!(lists[2].tasks[0].progress.as_deref(), Some("已排查 30 家"));

    let e = Severity::Error;
    let t = |p: &str| format!("content/tasks/{p}");
    assert_eq!(
        summary(&findings),
        vec![
            (
                t("三年行动.toml"),
                Some(3),
                Severity::Warning,
                "task-settings-unknown-key"
            ),
            (
                t("大检查任务清单.csv"),
                None,
                Severity::Warning,
                "content-encoding"
            ),
            (t("大检查任务清单.csv"), Some(7), e, "task-deadline"),
            (t("大检查任务清单.csv"), Some(8), e, "task-status"),
            (t("无年份.csv"), Some(3), e, "task-deadline-year"),
            (
                t("旧清单.toml"),
                None,
                Severity::Warning,
                "task-settings-orphan"
            ),
            (t("说明.docx"), None, Severity::Note, "content-not-read"),
        ]
    );
    let year = findings
        .items
        .iter()
        .find(|f| f.code == "task-deadline-year")
        .unwrap();
    assert_eq!(year.column.as_deref(), Some("时限"));
    assert_eq!(year.value.as_deref(), Some("年底前"));
    assert!(year
        .help
        .as_deref()
        .unwrap()
        .contains("content/tasks/无年份.toml"));
    let bad = findings
        .items
        .iter()
        .find(|f| f.code == "task-deadline")
        .unwrap();
    assert_eq!(
        (bad.column.as_deref(), bad.value.as_deref()),
        (Some("完成时限"), Some("5月10月底前"))
    );
}

#[test]
fn the_shared_example_site_notices_load() {
    let root = fixture("sites/town");
    let mut findings = Findings::default();
    let (notices, files) = load_notices(&root, &config(), &mut findings);
    assert_eq!(files, 3);
    assert!(findings.items.is_empty(), "{:?}", findings.items);
    let published: Vec<_> = notices
        .iter()
        .filter(|n| n.is_published())
        .map(|n| n.slug.as_str())
        .collect();
    assert_eq!(published, vec!["关于公开举报电话的通知"]);
}

/// A thousand-row task list loads quickly and completely.
#[test]
fn a_long_task_list() {
    let mut text = String::from("序号,任务,措施,责任单位,完成时限,工作进度,状态\n");
    for i in 1..=5000 {
        text.push_str(&format!(
            "{i},任务{i},措施{i},镇安委办,{}月底前,进行中,推进中\n",
            i % 12 + 1
        ));
    }
    let mut findings = Findings::default();
    let start = std::time::Instant::now();
    let tasks = read_tasks(
        &text,
        Path::new("content/tasks/x.csv"),
        Some(2024),
        &mut findings,
    );
    let elapsed = start.elapsed();
    assert_eq!(tasks.len(), 5000);
    assert!(findings.items.is_empty());
    assert_eq!(tasks[4999].origin.row, 5001);
    assert!(elapsed.as_secs() < 5, "{elapsed:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text as a notice: findings, never a panic.
    #[test]
    fn any_text_as_a_notice_never_panics(body in "\\PC*", fence in prop::sample::select(vec!["", "---\n", "+++\n", "\u{feff}---\r\n"])) {
        let text = format!("{fence}{body}");
        let mut findings = Findings::default();
        let _ = parse_notice(&text, Path::new("content/notices/x.md"), "镇政府", &mut findings);
    }

    /// Front-matter-shaped text with arbitrary keys and values.
    #[test]
    fn arbitrary_front_matter_never_panics(
        lines in prop::collection::vec(("[a-z标题日期文号公开属性草稿slug：:=＝ ]{0,8}", "\\PC{0,20}"), 0..8),
        toml in any::<bool>(),
    ) {
        let (fence, sep) = if toml { ("+++", " = ") } else { ("---", ": ") };
        let mut text = format!("{fence}\n");
        for (k, v) in &lines {
            text.push_str(&format!("{k}{sep}{v}\n"));
        }
        text.push_str(&format!("{fence}\n正文\n"));
        let mut findings = Findings::default();
        let notice = parse_notice(&text, Path::new("content/notices/x.md"), "镇政府", &mut findings);
        if let Some(n) = notice {
            prop_assert!(!n.slug.contains('/') && !n.slug.contains(".."));
        }
    }

    /// Any text as a task list: findings, never a panic.
    #[test]
    fn any_text_as_a_task_list_never_panics(body in "\\PC*", year in prop::option::of(1990i32..2100)) {
        let text = format!("任务,完成时限,状态\n{body}");
        let mut findings = Findings::default();
        let _ = read_tasks(&text, Path::new("content/tasks/x.csv"), year, &mut findings);
    }
}
