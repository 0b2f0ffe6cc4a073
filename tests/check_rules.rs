//! The cross-row and cross-month rules (`check::rules::check_site`), one test per rule:
//! each fires with the right severity, file, row, column and message, and a clean site
//! gets no finding at all.

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use gongkai::check::rules::check_site;
use gongkai::config::SiteConfig;
use gongkai::diag::{Finding, Findings, Severity};
use gongkai::hazard::{HazardRecord, RowOrigin, Source, Status, YearMonth};
use gongkai::load::{DisclosureMode, LoadedSite, Notice, RegisterFile};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

/// A clean open hazard: 五到位 complete, deadline at the end of the year.
fn rec(id: &str) -> HazardRecord {
    HazardRecord {
        title: format!("{id}号隐患"),
        unit: "某化工有限公司".to_string(),
        locality: Some("东庄村".to_string()),
        sector: Some("危险化学品".to_string()),
        source: Some(Source::SelfInspection),
        found: Some(date(2024, 4, 1)),
        measures: Some("更换报警器".to_string()),
        funds: Some(1.5),
        deadline: Some(date(2024, 12, 31)),
        plan: Some("有".to_string()),
        origin: RowOrigin {
            file: PathBuf::new(),
            row: 0,
            sheet: None,
        },
        ..HazardRecord::sample(id, Status::InProgress)
    }
}

fn rectified(id: &str) -> HazardRecord {
    HazardRecord {
        status: Status::Rectified,
        done: Some(date(2024, 4, 20)),
        ..rec(id)
    }
}

fn closed(id: &str) -> HazardRecord {
    HazardRecord {
        status: Status::Closed,
        closed: Some(date(2024, 4, 22)),
        approver: Some("李副县长".to_string()),
        ..rectified(id)
    }
}

/// The file of `month` named `name`; rows are numbered from 3 (title line, header).
fn file(month: YearMonth, name: &str, records: Vec<HazardRecord>) -> RegisterFile {
    let path = PathBuf::from(format!("content/registers/{month}/{name}"));
    let records: Vec<HazardRecord> = records
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.origin = RowOrigin {
                file: path.clone(),
                row: i + 3,
                sheet: None,
            };
            r
        })
        .collect();
    RegisterFile {
        path,
        month,
        encoding: "UTF-8",
        header_row: 2,
        data_rows: records.len(),
        unpublished_columns: Vec::new(),
        records: records.into_iter().map(std::sync::Arc::new).collect(),
    }
}

fn site(registers: Vec<RegisterFile>) -> LoadedSite {
    let mut findings = Findings::default();
    let config = SiteConfig::parse(
        "title = \"南庄镇安全生产信息公开\"\nissuer = \"文水县南庄镇人民政府\"\n",
        &mut findings,
    )
    .unwrap();
    LoadedSite {
        root: PathBuf::from("."),
        config,
        registers,
        notices: Vec::new(),
        pages: Vec::new(),
        tasks: Vec::new(),
        files_read: 1,
    }
}

fn check(site: &LoadedSite) -> Vec<Finding> {
    let mut findings = Findings::default();
    check_site(site, &mut findings);
    findings.items
}

/// The only finding with `code`; fails when there is none or more than one.
fn only(findings: &[Finding], code: &str) -> Finding {
    let matching: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(matching.len(), 1, "expected one {code}, got {findings:#?}");
    matching[0].clone()
}

fn file_of(f: &Finding) -> String {
    f.file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Two months, every hazard accounted for: nothing to say.
fn clean() -> LoadedSite {
    site(vec![
        file(
            ym(2024, 5),
            "东庄村.csv",
            vec![rec("NZ-1"), rectified("NZ-2"), rec("NZ-3")],
        ),
        file(ym(2024, 5), "西庄村.csv", vec![rec("NZ-4")]),
        file(
            ym(2024, 6),
            "全镇.csv",
            vec![
                rectified("NZ-1"),
                closed("NZ-2"),
                rec("NZ-3"),
                closed("NZ-4"),
            ],
        ),
        file(
            ym(2024, 7),
            "全镇.csv",
            vec![rectified("NZ-1"), rec("NZ-3")],
        ),
    ])
}

#[test]
fn clean_site_has_no_findings() {
    assert_eq!(check(&clean()), Vec::<Finding>::new());
}

#[test]
fn duplicate_id_across_files_of_a_month() {
    let s = site(vec![
        file(ym(2024, 5), "东庄村.csv", vec![rec("NZ-1"), rec("NZ-2")]),
        file(ym(2024, 5), "西庄村.csv", vec![rec("NZ-3"), rec("NZ-1")]),
    ]);
    let findings = check(&s);
    let f = only(&findings, "duplicate-id");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(file_of(&f), "content/registers/2024-05/西庄村.csv");
    assert_eq!(f.row, Some(4));
    assert_eq!(f.column.as_deref(), Some("编号"));
    assert_eq!(f.value.as_deref(), Some("NZ-1"));
    assert!(
        f.message
            .contains("content/registers/2024-05/东庄村.csv 第 3 行"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("content/registers/2024-05/西庄村.csv 第 4 行"),
        "{}",
        f.message
    );
    assert!(f.help.as_deref().unwrap().contains("新编号"));
    // The same id in different months is the normal case, not a duplicate.
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn rectified_without_done_date_and_closed_without_sign_off() {
    let mut no_done = rectified("NZ-1");
    no_done.done = None;
    let mut no_date = closed("NZ-2");
    no_date.closed = None;
    let mut no_approver = closed("NZ-3");
    no_approver.approver = None;
    let s = site(vec![file(
        ym(2024, 5),
        "a.csv",
        vec![no_done, no_date, no_approver],
    )]);
    let findings = check(&s);
    for (code, row, column) in [
        ("status-done-missing", 3, "完成日期"),
        ("status-closed-date-missing", 4, "销号日期"),
        ("status-approver-missing", 5, "销号审核人"),
    ] {
        let f = only(&findings, code);
        assert_eq!(f.severity, Severity::Error, "{code}");
        assert_eq!(file_of(&f), "content/registers/2024-05/a.csv");
        assert_eq!(
            (f.row, f.column.as_deref()),
            (Some(row), Some(column)),
            "{code}"
        );
        assert!(
            f.message.contains(&format!("NZ-{}", row - 2)),
            "{}",
            f.message
        );
    }
    assert_eq!(findings.len(), 3, "{findings:#?}");
}

#[test]
fn open_hazard_vanishing_is_an_error() {
    let s = site(vec![
        file(ym(2024, 5), "东庄村.csv", vec![rec("NZ-1"), rec("NZ-7")]),
        file(ym(2024, 6), "东庄村.csv", vec![rec("NZ-1")]),
    ]);
    let findings = check(&s);
    let f = only(&findings, "vanished-hazard");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(file_of(&f), "content/registers/2024-05/东庄村.csv");
    assert_eq!((f.row, f.column.as_deref()), (Some(4), Some("编号")));
    assert_eq!(f.value.as_deref(), Some("NZ-7"));
    for part in [
        "NZ-7",
        "NZ-7号隐患",
        "2024-05",
        "content/registers/2024-05/东庄村.csv 第 4 行",
        "2024-06",
        "整改中",
    ] {
        assert!(f.message.contains(part), "{part} not in {}", f.message);
    }
    let help = f.help.unwrap();
    assert!(help.contains("2024年6月") && help.contains("已销号") && help.contains("销号审核人"));
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn vanished_hazard_mentions_rows_the_loader_could_not_read() {
    let mut june = file(ym(2024, 6), "东庄村.csv", vec![rec("NZ-1")]);
    june.data_rows = 3; // two rows had errors and were left out (reported by the loader)
    let s = site(vec![
        file(ym(2024, 5), "东庄村.csv", vec![rec("NZ-1"), rec("NZ-7")]),
        june,
    ]);
    let f = only(&check(&s), "vanished-hazard");
    assert!(f
        .help
        .unwrap()
        .contains("2024-06 的台账有 2 行因有错误未能读取"));
}

#[test]
fn latest_month_and_closed_hazards_do_not_vanish() {
    // NZ-2 is closed in June and leaves in July: fine. July is the latest month.
    let s = site(vec![
        file(ym(2024, 5), "a.csv", vec![rec("NZ-1"), rec("NZ-2")]),
        file(ym(2024, 6), "a.csv", vec![rec("NZ-1"), closed("NZ-2")]),
        file(ym(2024, 7), "a.csv", vec![rec("NZ-1"), rec("NZ-3")]),
    ]);
    assert_eq!(check(&s), Vec::<Finding>::new());
}

#[test]
fn rectified_hazard_leaving_without_sign_off_is_a_warning() {
    let s = site(vec![
        file(ym(2024, 5), "a.csv", vec![rectified("NZ-1")]),
        file(ym(2024, 6), "a.csv", vec![rec("NZ-2")]),
    ]);
    let findings = check(&s);
    let f = only(&findings, "rectified-left-unclosed");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(file_of(&f), "content/registers/2024-05/a.csv");
    assert_eq!((f.row, f.column.as_deref()), (Some(3), Some("编号")));
    assert!(f.message.contains("已整改") && f.message.contains("2024-06"));
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn closed_hazard_reopened_needs_a_note() {
    let months = |reopened: HazardRecord| {
        site(vec![
            file(ym(2024, 5), "a.csv", vec![closed("NZ-1"), rec("NZ-2")]),
            file(ym(2024, 6), "a.csv", vec![rec("NZ-2")]),
            file(ym(2024, 7), "b.csv", vec![rec("NZ-2"), reopened]),
        ])
    };
    let findings = check(&months(rec("NZ-1")));
    let f = only(&findings, "closed-reopened");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(file_of(&f), "content/registers/2024-07/b.csv");
    assert_eq!((f.row, f.column.as_deref()), (Some(4), Some("整改状态")));
    assert!(
        f.message.contains("2024-05") && f.message.contains("已销号"),
        "{}",
        f.message
    );
    assert!(f
        .message
        .contains("content/registers/2024-05/a.csv 第 3 行"));
    assert_eq!(findings.len(), 1, "{findings:#?}");

    let noted = HazardRecord {
        notes: Some("2024年7月复查发现问题反弹，重新整改".to_string()),
        ..rec("NZ-1")
    };
    assert_eq!(check(&months(noted)), Vec::<Finding>::new());
}

#[test]
fn status_moving_backwards_needs_a_note() {
    let s = |again: HazardRecord| {
        site(vec![
            file(ym(2024, 5), "a.csv", vec![rectified("NZ-1")]),
            file(ym(2024, 6), "a.csv", vec![again]),
        ])
    };
    let back = HazardRecord {
        status: Status::NotStarted,
        ..rec("NZ-1")
    };
    let findings = check(&s(back.clone()));
    let f = only(&findings, "status-backwards");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(file_of(&f), "content/registers/2024-06/a.csv");
    assert_eq!((f.row, f.column.as_deref()), (Some(3), Some("整改状态")));
    assert_eq!(f.value.as_deref(), Some("未整改"));
    assert!(f.message.contains("已整改") && f.message.contains("未整改"));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let noted = HazardRecord {
        notes: Some("验收未通过".to_string()),
        ..back
    };
    assert_eq!(check(&s(noted)), Vec::<Finding>::new());
}

#[test]
fn id_given_to_another_hazard_is_a_warning() {
    let other = HazardRecord {
        title: "液氨储罐区未设置气体泄漏报警装置".to_string(),
        unit: "另一家冷库有限公司".to_string(),
        ..rec("NZ-1")
    };
    let renamed = HazardRecord {
        title: "NZ-2号隐患（名称已改写）".to_string(),
        ..rec("NZ-2")
    };
    let s = site(vec![
        file(ym(2024, 5), "a.csv", vec![rec("NZ-1"), rec("NZ-2")]),
        file(ym(2024, 6), "a.csv", vec![other, renamed]),
    ]);
    let findings = check(&s);
    let f = only(&findings, "id-reused");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(file_of(&f), "content/registers/2024-06/a.csv");
    assert_eq!((f.row, f.column.as_deref()), (Some(3), Some("编号")));
    assert!(f.message.contains("NZ-1号隐患") && f.message.contains("另一家冷库有限公司"));
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn open_hazard_missing_five_parts() {
    let mut open = rec("NZ-1");
    open.funds = None;
    open.plan = None;
    let mut done = rectified("NZ-2");
    done.funds = None;
    let s = site(vec![file(ym(2024, 5), "a.csv", vec![open, done])]);
    let findings = check(&s);
    let f = only(&findings, "five-incomplete");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        (f.row, f.column.as_deref()),
        (Some(3), Some("整改资金（万元）"))
    );
    assert!(f.message.contains("资金、预案"), "{}", f.message);
    assert!(f.message.contains("应急预案"), "{}", f.message);
    assert!(!f.message.contains("措施、"), "{}", f.message);
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn overdue_is_a_note_not_a_warning() {
    // Due day 2024-05-25; deadline 05-10 → 15 days overdue. NZ-2 extended past it.
    let late = HazardRecord {
        deadline: Some(date(2024, 5, 10)),
        ..rec("NZ-1")
    };
    let extended = HazardRecord {
        deadline: Some(date(2024, 5, 10)),
        extended: Some(date(2024, 6, 30)),
        ..rec("NZ-2")
    };
    let rectified_late = HazardRecord {
        deadline: Some(date(2024, 4, 10)),
        done: Some(date(2024, 4, 9)),
        ..rectified("NZ-3")
    };
    let s = site(vec![file(
        ym(2024, 5),
        "a.csv",
        vec![late, extended, rectified_late],
    )]);
    let findings = check(&s);
    let f = only(&findings, "overdue");
    assert_eq!(f.severity, Severity::Note);
    assert_eq!((f.row, f.column.as_deref()), (Some(3), Some("整改时限")));
    assert_eq!(f.value.as_deref(), Some("2024-05-10"));
    assert!(f.message.contains("15 天"), "{}", f.message);
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn missing_month_between_first_and_latest() {
    let s = site(vec![
        file(ym(2024, 5), "a.csv", vec![rec("NZ-1")]),
        file(ym(2024, 6), "a.csv", vec![rec("NZ-1")]),
        file(ym(2024, 9), "a.csv", vec![rec("NZ-1")]),
    ]);
    let findings = check(&s);
    let gaps: Vec<&Finding> = findings.iter().filter(|f| f.code == "month-gap").collect();
    assert_eq!(gaps.len(), 2, "{findings:#?}");
    let f = gaps[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!((f.file.as_ref(), f.row), (None, None));
    assert_eq!(f.value.as_deref(), Some("2024-07"));
    assert!(f.message.contains("2024-07"), "{}", f.message);
    assert!(f
        .help
        .as_deref()
        .unwrap()
        .contains("content/registers/2024-07/"));
    assert_eq!(gaps[1].value.as_deref(), Some("2024-08"));
    // Across a gap there is no "next month" to vanish from: the gap is the error.
    assert_eq!(findings.len(), 2, "{findings:#?}");
}

#[test]
fn dates_out_of_order() {
    let done_early = HazardRecord {
        found: Some(date(2024, 5, 10)),
        done: Some(date(2024, 5, 1)),
        ..rectified("NZ-1")
    };
    let deadline_early = HazardRecord {
        found: Some(date(2024, 5, 10)),
        deadline: Some(date(2023, 6, 30)),
        extended: Some(date(2024, 12, 31)),
        ..rec("NZ-2")
    };
    let s = site(vec![file(
        ym(2024, 5),
        "a.csv",
        vec![done_early, deadline_early],
    )]);
    let findings = check(&s);
    let order: Vec<(Severity, Option<usize>, Option<&str>)> = findings
        .iter()
        .filter(|f| f.code == "date-order")
        .map(|f| (f.severity, f.row, f.column.as_deref()))
        .collect();
    assert_eq!(
        order,
        vec![
            (Severity::Warning, Some(3), Some("完成日期")),
            (Severity::Warning, Some(4), Some("整改时限")),
        ]
    );
    assert!(findings[0].message.contains("2024-05-01") && findings[0].message.contains("发现日期"));
    assert_eq!(findings.len(), 2, "{findings:#?}");
}

fn notice(slug: &str, disclosure: DisclosureMode, draft: bool) -> Notice {
    Notice {
        slug: slug.to_string(),
        path: PathBuf::from(format!("content/notices/{slug}.md")),
        title: format!("关于{slug}的通知"),
        date: date(2024, 5, 1),
        published: None,
        doc_number: None,
        issuer: "文水县南庄镇人民政府".to_string(),
        index_number: None,
        category: "通知公告".to_string(),
        disclosure,
        draft,
        body: String::new(),
        body_line: 6,
        attachments: Vec::new(),
    }
}

#[test]
fn unpublished_notices_and_columns_are_noted() {
    let mut s = clean();
    s.notices = vec![
        notice("published", DisclosureMode::Active, false),
        notice("draft", DisclosureMode::Active, true),
        notice("request", DisclosureMode::OnRequest, false),
    ];
    s.registers[0].unpublished_columns = vec!["举报人".to_string(), "举报人电话".to_string()];
    let findings = check(&s);
    assert!(
        findings.iter().all(|f| f.severity == Severity::Note),
        "{findings:#?}"
    );
    let notices: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.code == "notice-unpublished")
        .collect();
    assert_eq!(notices.len(), 2, "{findings:#?}");
    assert_eq!(file_of(notices[0]), "content/notices/draft.md");
    assert!(notices[0].message.contains("草稿"));
    assert_eq!(file_of(notices[1]), "content/notices/request.md");
    assert!(notices[1].message.contains("依申请公开"));
    let f = only(&findings, "columns-unpublished");
    assert_eq!(file_of(&f), "content/registers/2024-05/东庄村.csv");
    assert_eq!(f.row, Some(2));
    assert!(
        f.message.contains("以下列不会公开：举报人、举报人电话"),
        "{}",
        f.message
    );
}

/// Twelve months of ten thousand rows, each hazard listed every month: the rules are
/// linear (hash maps by id), so this takes milliseconds in release builds. The bound
/// here is loose enough for an unoptimised test build on a busy machine.
#[test]
fn twelve_months_of_ten_thousand_rows_is_fast() {
    let registers: Vec<RegisterFile> = (1..=12)
        .map(|m| {
            let records = (0..10_000).map(|i| rec(&format!("NZ-{i}"))).collect();
            file(ym(2024, m), "全镇.csv", records)
        })
        .collect();
    let s = site(registers);
    let start = Instant::now();
    let findings = check(&s);
    let elapsed = start.elapsed();
    assert!(findings.is_empty(), "{} findings", findings.len());
    eprintln!("check_site: 120000 rows in {elapsed:?}");
    assert!(elapsed.as_secs_f64() < 3.0, "took {elapsed:?}");
}
