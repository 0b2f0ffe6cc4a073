//! Notices, standing pages and task lists read from fixture folders: the values loaded and
//! every finding's file, line and severity.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gongkai::check::{Findings, Severity};
use gongkai::config::SiteConfig;
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
                "content-not-read"
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
