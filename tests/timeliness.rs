//! The calendar of the disclosure duty, end to end with a fixed today (`--today`): a
//! month missing before and after its due date, a month published late, notices at 19,
//! 20 and 21 working days across the 2024 National Day holiday and its make-up days, a
//! year without a known holiday arrangement, what is due soon, and the site stating all
//! of it (footer, home page, month index and pages, 年度公开情况 with CSV).

mod common;

use std::time::{Duration, SystemTime};

use chrono::{Local, NaiveDate, TimeZone};
use common::{findings_of, findings_with_code, gongkai, TempSite};
use serde_json::Value;

fn check_on(site: &TempSite, today: &str) -> Value {
    let out = gongkai(&[
        "check",
        "--root",
        site.root().to_str().unwrap(),
        "--format",
        "json",
        "--today",
        today,
    ]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn build_on(site: &TempSite, today: &str) -> std::path::PathBuf {
    let out = site.path("public");
    let run = gongkai(&[
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        today,
    ]);
    common::assert_success(&run);
    out
}

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn messages<'a>(report: &'a Value, code: &str) -> Vec<&'a str> {
    findings_with_code(report, code)
        .into_iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

/// Sets a file's modification time to noon (local time) of `day`.
fn saved_on(site: &TempSite, rel: &str, day: NaiveDate) {
    let noon = Local
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
        .unwrap();
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(noon.timestamp() as u64);
    let file = std::fs::File::options()
        .write(true)
        .open(site.path(rel))
        .unwrap();
    file.set_modified(time).unwrap();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn missing_month_is_a_warning_only_after_its_due_date() {
    let site = TempSite::copy_of("town");
    // The town's registers end with 2025-03; April's is due on 2025-04-25.
    let report = check_on(&site, "2025-04-25");
    assert!(messages(&report, "month-missing").is_empty(), "{report:#}");
    assert_eq!(report["summary"]["warnings"], 0, "{report:#}");

    let report = check_on(&site, "2025-04-26");
    assert_eq!(
        messages(&report, "month-missing"),
        vec!["2025年4月的隐患台账应于2025年4月25日前公开，至今（2025年4月26日）尚未公开，已逾期 1 天"]
    );
    let finding = &findings_with_code(&report, "month-missing")[0];
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["value"], "2025-04");

    // Two months on, both April and May are missing, each with its own count.
    let report = check_on(&site, "2025-05-30");
    let missing = messages(&report, "month-missing");
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].contains("已逾期 35 天"), "{missing:?}");
    assert!(missing[1].contains("2025年5月") && missing[1].contains("已逾期 5 天"));
}

#[test]
fn missing_month_is_stated_on_the_site_until_it_arrives() {
    let site = TempSite::copy_of("town");
    let out = build_on(&site, "2025-05-10");
    let notice = "2025年4月台账应于4月25日前公开，尚未公开（已逾期 15 天）";
    for page in ["index.html", "disclosure/index.html"] {
        assert!(read(out.join(page)).contains(notice), "{page}");
    }
    // Every page's footer: last update and the next month due, late.
    let hotline = read(out.join("hotline/index.html"));
    assert!(
        hotline.contains("本站最近更新：<time datetime=\"2025-03-21\">2025年3月21日</time>"),
        "{hotline}"
    );
    assert!(hotline.contains("下一期（2025年4月）隐患台账应于<time datetime=\"2025-04-25\">2025年4月25日</time>前公开，尚未公开（已逾期 15 天）"));

    // Before the due date the site says only when it is due.
    let site = TempSite::copy_of("town");
    let out = build_on(&site, "2025-04-20");
    let home = read(out.join("index.html"));
    assert!(!home.contains("尚未公开"), "nothing is late yet");
    assert!(home.contains("下一期（2025年4月）隐患台账应于"));
}

#[test]
fn month_published_late_is_marked_with_its_date_which_does_not_drift() {
    let site = TempSite::copy_of("town");
    // March has no record yet: its files were saved on 2025-03-28, three days late.
    site.write(
        "published.toml",
        "[months]\n\"2025-01\" = 2025-01-24\n\"2025-02\" = 2025-02-25\n\n[notices]\n\"关于公开举报电话的通知\" = 2025-01-08\n",
    );
    for file in ["执法队.csv", "甲村.csv"] {
        saved_on(
            &site,
            &format!("content/registers/2025-03/{file}"),
            day(2025, 3, 27),
        );
    }
    saved_on(
        &site,
        "content/registers/2025-03/甲村.csv",
        day(2025, 3, 28),
    );
    let report = check_on(&site, "2025-04-01");
    assert_eq!(
        messages(&report, "month-late"),
        vec!["2025年3月的隐患台账应于2025年3月25日前公开，本次公开已晚 3 天"]
    );
    let out = build_on(&site, "2025-04-01");
    let march = read(out.join("months/2025-03/index.html"));
    assert!(
        march.contains("<strong class=\"overdue\">逾期公开 3 天</strong>：本月台账应于 <time datetime=\"2025-03-25\">"),
        "{march}"
    );
    assert!(march.contains("于 <time datetime=\"2025-03-28\">2025年3月28日</time> 公开"));
    let february = read(out.join("months/2025-02/index.html"));
    assert!(
        !february.contains("逾期公开"),
        "February was on time (its due day)"
    );
    let index = read(out.join("disclosure/index.html"));
    assert!(index.contains("逾期公开 3 天"));

    // The date is recorded: a later edit of the files and a later build keep it.
    let record = read(site.path("published.toml"));
    assert!(record.contains("\"2025-03\" = 2025-03-28"), "{record}");
    saved_on(
        &site,
        "content/registers/2025-03/甲村.csv",
        day(2025, 4, 20),
    );
    let out = build_on(&site, "2025-04-21");
    let march = read(out.join("months/2025-03/index.html"));
    assert!(march.contains("逾期公开 3 天"));
    // Once recorded, the late month is history shown on the site, not a warning each time.
    let report = check_on(&site, "2025-04-21");
    assert!(messages(&report, "month-late").is_empty());
}

/// A notice made on `made` and published on `published` (front matter).
fn notice(site: &TempSite, slug: &str, made: &str, published: &str) {
    site.write(
        &format!("content/notices/{slug}.md"),
        &format!(
            "---\n标题: 通知{slug}\n成文日期: {made}\n发布日期: {published}\n公开属性: 主动公开\n---\n\n正文。\n"
        ),
    );
}

#[test]
fn notices_are_held_to_20_working_days_on_the_holiday_calendar() {
    let site = TempSite::copy_of("town");
    // Made on Friday 2024-09-20. National Day 2024: 10-1..7 off; Sunday 9-29 and
    // Saturday 10-12 are working days. Working day 19 is 10-22, 20 is 10-23, 21 is
    // 10-24 (Monday to Friday alone would make 10-18 the 20th).
    notice(&site, "d19", "2024-09-20", "2024年10月22日");
    notice(&site, "d20", "2024-09-20", "2024-10-23");
    notice(&site, "d21", "2024-09-20", "2024/10/24");
    let report = check_on(&site, "2025-03-25");
    let late = findings_with_code(&report, "notice-late");
    assert_eq!(late.len(), 1, "{late:#?}");
    let finding = late[0];
    assert!(finding["file"].as_str().unwrap().ends_with("d21.md"));
    assert_eq!(
        finding["message"],
        "通知《通知d21》成文日期 2024年9月20日，发布日期 2024年10月24日（头部信息中的发布日期），相隔 21 个工作日，超过《政府信息公开条例》第二十六条规定的 20 个工作日"
    );
    assert!(finding["help"]
        .as_str()
        .unwrap()
        .contains("最晚为 2024年10月23日"));
}

#[test]
fn unknown_year_counts_monday_to_friday_and_says_so() {
    let site = TempSite::copy_of("town");
    // 2027's arrangement is not in the table: 2027-01-04 → 2027-02-01 is 20 days Mon–Fri,
    // → 2027-02-02 is 21.
    notice(&site, "y20", "2027-01-04", "2027-02-01");
    notice(&site, "y21", "2027-01-04", "2027-02-02");
    let report = check_on(&site, "2027-02-03");
    let late = messages(&report, "notice-late");
    assert_eq!(late.len(), 1, "{late:?}");
    assert!(late[0].starts_with("通知《通知y21》"), "{}", late[0]);
    assert!(late[0].contains("相隔 21 个工作日"), "{}", late[0]);
    assert!(
        late[0].ends_with("（2027 年的国务院放假安排未收录，这些日子按周一至周五计算）"),
        "{}",
        late[0]
    );
}

#[test]
fn default_publication_date_is_the_first_build_and_is_recorded() {
    let site = TempSite::copy_of("town");
    site.write(
        "content/notices/新通知.md",
        "+++\ntitle = \"新通知\"\ndate = 2025-03-03\ndisclosure = \"主动公开\"\n+++\n\n正文。\n",
    );
    // Checking writes nothing; the notice would be published today, 15 working days on.
    let report = check_on(&site, "2025-03-24");
    assert!(messages(&report, "notice-late").is_empty());
    assert!(!read(site.path("published.toml")).contains("新通知"));
    let out = build_on(&site, "2025-03-24");
    assert!(read(site.path("published.toml")).contains("\"新通知\" = 2025-03-24"));
    let annual = read(out.join("annual/2025.csv"));
    assert!(annual.contains("2025,主动公开通知,合计,2\r\n"), "{annual}");
    // A month later the date has not moved, so the notice is not late.
    build_on(&site, "2025-04-24");
    assert!(read(site.path("published.toml")).contains("\"新通知\" = 2025-03-24"));
    let report = check_on(&site, "2025-04-24");
    assert!(messages(&report, "notice-late").is_empty());
}

#[test]
fn hazards_due_within_7_days_and_tasks_within_14_are_noted() {
    let site = TempSite::copy_of("town");
    site.write(
        "content/tasks/整治任务.csv",
        "序号,任务,措施,责任单位,完成时限,工作进度,状态\n\
         1,燃气安全专项整治,入户检查,镇应急办,2025-04-30,推进中,推进中\n\
         2,有限空间作业排查,全面排查,镇安监站,2025-05-20,未开始,未开始\n\
         3,加油站复查,逐站复查,镇安监站,2025-04-28,已完成,已完成\n",
    );
    // ZF-003 (2025-03) is open with 整改时限 2025-04-30.
    let report = check_on(&site, "2025-04-24");
    let hazards = findings_with_code(&report, "hazard-due-soon");
    assert_eq!(hazards.len(), 1, "{hazards:#?}");
    assert_eq!(hazards[0]["severity"], "note");
    assert_eq!(hazards[0]["column"], "整改时限");
    assert!(hazards[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("隐患 ZF-003（"));
    assert!(hazards[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("整改时限为 2025年4月30日，还有 6 天到期"));
    let tasks = messages(&report, "task-due-soon");
    assert_eq!(
        tasks,
        vec![
            "任务清单《整治任务》中的任务“燃气安全专项整治”完成时限为 2025年4月30日，还有 6 天到期"
        ]
    );
    // Eight days before: the hazard is not listed yet, the task (14 days) is.
    let report = check_on(&site, "2025-04-22");
    assert!(messages(&report, "hazard-due-soon").is_empty());
    assert_eq!(messages(&report, "task-due-soon").len(), 1);
    // The text report lists them too, as notes.
    let text = gongkai(&[
        "check",
        "--root",
        site.root().to_str().unwrap(),
        "--today",
        "2025-04-24",
    ]);
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("[hazard-due-soon]") && stdout.contains("[task-due-soon]"));
    assert!(findings_of(&report, "note").len() >= 2);
}

#[test]
fn task_list_counts_overdue_against_today() {
    let site = TempSite::copy_of("town");
    site.write(
        "content/tasks/整治任务.csv",
        "序号,任务,措施,责任单位,完成时限,工作进度,状态\n\
         1,燃气安全专项整治,入户检查,镇应急办,2025-04-30,推进中,推进中\n",
    );
    // The last register is due 2025-03-25; today is 2025-05-10: 10 days overdue.
    let out = build_on(&site, "2025-05-10");
    let page = read(out.join("tasks/整治任务/index.html"));
    assert!(page.contains("逾期10天"), "{page}");
    assert!(page.contains("截至 <time datetime=\"2025-05-10\">"));
}

#[test]
fn annual_page_counts_the_year() {
    let site = TempSite::copy_of("town");
    let out = build_on(&site, "2025-05-10");
    let page = read(out.join("annual/2025/index.html"));
    assert!(page.contains("2025年度公开情况"));
    let csv = read(out.join("annual/2025.csv"));
    assert!(csv.starts_with("\u{feff}年度,类别,项目,数量\r\n"), "{csv}");
    for row in [
        "2025,主动公开通知,合计,1",
        "2025,月度隐患台账,按时公开,3",
        "2025,月度隐患台账,逾期公开,0",
        "2025,月度隐患台账,逾期未公开,1",
    ] {
        assert!(csv.contains(&format!("{row}\r\n")), "{row} in {csv}");
    }
    let index = read(out.join("disclosure/index.html"));
    assert!(index.contains("annual/2025/index.html"));
}
