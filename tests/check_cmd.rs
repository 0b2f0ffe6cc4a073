//! `gongkai check` end to end: the real binary on a fixture site made the way offices
//! make them (GBK with title lines and CRLF, UTF-8 with BOM, aliases, Chinese dates,
//! Excel serial dates, full-width digits, private columns), clean and with one rule
//! broken at a time.

mod common;

use common::{check_json, findings_of, gongkai, TempSite};
use serde_json::Value;

/// Finds the one finding of `severity` in `file` (a suffix of the path) whose column
/// contains `column`, optionally at `row`, and returns it; panics with the whole report
/// otherwise.
fn expect_finding<'a>(
    report: &'a Value,
    severity: &str,
    file: &str,
    row: Option<u64>,
    column: Option<&str>,
) -> &'a Value {
    findings_of(report, severity)
        .into_iter()
        .find(|f| {
            f["file"].as_str().is_some_and(|p| p.ends_with(file))
                && row.is_none_or(|r| f["row"] == r)
                && column.is_none_or(|c| f["column"].as_str().is_some_and(|col| col.contains(c)))
        })
        .unwrap_or_else(|| {
            panic!(
                "no {severity} in {file} row {row:?} column {column:?}:\n{}",
                serde_json::to_string_pretty(report).unwrap()
            )
        })
}

#[test]
fn clean_site_passes_with_notes_only() {
    let site = TempSite::copy_of("town");
    let (code, report) = check_json(site.root());
    assert_eq!(
        report["summary"]["errors"],
        0,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(
        report["summary"]["warnings"],
        0,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(code, 0);
    // 3 + 2 + 4 + 1 + 3 + 2 data rows; site.toml + 6 registers + 3 notices.
    assert_eq!(report["summary"]["rows"], 15);
    assert_eq!(report["summary"]["files"], 10);
    // Staff are told which columns will not be published, per file.
    let notes = findings_of(&report, "note");
    let unpublished = notes
        .iter()
        .find(|f| {
            f["file"].as_str().unwrap().ends_with("2025-01/甲村.csv")
                && f["message"].as_str().unwrap().contains("举报人电话")
        })
        .expect("a note lists the unpublished columns of 甲村.csv");
    assert!(unpublished["message"].as_str().unwrap().contains("举报人"));
}

#[test]
fn human_report_ends_with_summary_line() {
    let site = TempSite::copy_of("town");
    let out = gongkai(&["check", "--root", site.root().to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    let last = stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("读取文件 10 个、台账 15 行；错误 0 个，警告 0 个"),
        "{last}"
    );
}

#[test]
fn bad_date_names_file_row_column_and_shows_cell() {
    let site = TempSite::copy_of("town");
    // Row 4 of a file with a title line, a 填报单位 line and the header.
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "2025年3月20日",
        "2025年13月20日",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let f = expect_finding(
        &report,
        "error",
        "2025-03/甲村.csv",
        Some(4),
        Some("完成日期"),
    );
    assert_eq!(f["value"], "2025年13月20日");

    let out = gongkai(&["check", "--root", site.root().to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("第 4 行"), "{stdout}");
    assert!(stdout.contains("2025年13月20日"), "{stdout}");
    assert!(!out.status.success());
}

#[test]
fn bad_date_in_gbk_file_is_reported_in_chinese() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-01/甲村.csv", "2025/1/20", "下月底");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let f = expect_finding(
        &report,
        "error",
        "2025-01/甲村.csv",
        Some(5),
        Some("整改期限"),
    );
    assert_eq!(f["value"], "下月底");
}

#[test]
fn unparseable_number_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-03/执法队.csv", ",0.3,", ",三千元,");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(
        &report,
        "error",
        "2025-03/执法队.csv",
        Some(3),
        Some("整改资金"),
    );
}

#[test]
fn unknown_status_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-02/执法队.csv", "已整改", "处理中");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(
        &report,
        "error",
        "2025-02/执法队.csv",
        Some(2),
        Some("整改状态"),
    );
}

#[test]
fn duplicate_id_in_a_month_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-03/执法队.csv", "ZF-003", "JC-004");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    // Reported once, at the later of the two rows, naming both places.
    let dup: Vec<&Value> = findings_of(&report, "error")
        .into_iter()
        .filter(|f| f["value"] == "JC-004")
        .collect();
    assert_eq!(
        dup.len(),
        1,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    let message = dup[0]["message"].as_str().unwrap();
    assert!(message.contains("执法队.csv 第 3 行"), "{message}");
    assert!(message.contains("甲村.csv 第 6 行"), "{message}");
}

#[test]
fn rectified_without_done_date_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-02/执法队.csv",
        "已按论证方案搭设,2025-02-20",
        "已按论证方案搭设,",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(
        &report,
        "error",
        "2025-02/执法队.csv",
        Some(2),
        Some("完成日期"),
    );
}

#[test]
fn closed_without_approver_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-03/执法队.csv", "吴审核", "");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(
        &report,
        "error",
        "2025-03/执法队.csv",
        Some(2),
        Some("审核人"),
    );
}

#[test]
fn vanished_hazard_is_an_error_naming_hazard_and_months() {
    let site = TempSite::copy_of("town");
    // JC-004 is 未整改 in 2025-02; drop it from 2025-03 without closing it.
    let path = site.path("content/registers/2025-03/甲村.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("JC-004")).collect();
    std::fs::write(&path, kept.join("\n")).unwrap();

    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let vanished: Vec<&Value> = findings_of(&report, "error")
        .into_iter()
        .filter(|f| f["message"].as_str().unwrap().contains("JC-004"))
        .collect();
    assert_eq!(
        vanished.len(),
        1,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    let message = vanished[0]["message"].as_str().unwrap();
    assert!(
        message.contains("2025-02") || message.contains("2025年2月"),
        "{message}"
    );
    assert!(
        message.contains("2025-03") || message.contains("2025年3月"),
        "{message}"
    );
}

#[test]
fn gap_in_disclosure_names_the_month() {
    let site = TempSite::copy_of("town");
    std::fs::rename(
        site.path("content/registers/2025-02"),
        site.root().join("2025-02-moved"),
    )
    .unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let gap = findings_of(&report, "error").into_iter().find(|f| {
        f["file"].is_null()
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("2025-02") || m.contains("2025年2月"))
    });
    assert!(
        gap.is_some(),
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
}

#[test]
fn closed_hazard_reappearing_open_is_a_warning() {
    let site = TempSite::copy_of("town");
    // Reopened in the latest month, so it cannot also vanish afterwards.
    site.edit(
        "content/registers/2025-03/执法队.csv",
        "\n",
        "\nZF-002,粉尘涉爆车间除尘系统未设置锁气卸灰装置,示例县木业加工厂,丙村,冶金工贸,重大,上级交办,,,45660,加装锁气卸灰装置,周厂长,1.2,2025-03-20,粉尘爆炸应急预案,整改中,再次发现,,,,\n",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(
        code,
        0,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    let f = expect_finding(
        &report,
        "warning",
        "2025-03/执法队.csv",
        Some(2),
        Some("整改状态"),
    );
    assert!(f["message"].as_str().unwrap().contains("ZF-002"));
}

#[test]
fn open_hazard_missing_five_in_place_is_a_warning() {
    let site = TempSite::copy_of("town");
    site.edit("content/registers/2025-03/执法队.csv", "燃气泄漏处置卡", "");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 0);
    let f = expect_finding(&report, "warning", "2025-03/执法队.csv", Some(3), None);
    assert!(f["message"].as_str().unwrap().contains("预案"), "{f}");
}

#[test]
fn undecodable_register_is_an_error_naming_the_file() {
    let site = TempSite::copy_of("town");
    std::fs::write(
        site.path("content/registers/2025-03/坏文件.csv"),
        [
            0xff_u8, 0xfe, 0x00, 0xd8, 0x81, 0x30, 0xff, 0xff, 0x00, 0x00, 0x9f,
        ],
    )
    .unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(&report, "error", "2025-03/坏文件.csv", None, None);
}

#[test]
fn empty_register_is_an_error_naming_the_file() {
    let site = TempSite::copy_of("town");
    std::fs::write(site.path("content/registers/2025-03/空.csv"), "").unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(&report, "error", "2025-03/空.csv", None, None);
}

#[test]
fn notice_without_disclosure_attribute_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/notices/2025/关于公开举报电话的通知.md",
        "disclosure = \"主动公开\"\n",
        "",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    expect_finding(&report, "error", "关于公开举报电话的通知.md", None, None);
}

#[test]
fn doc_number_breaking_gbt_9704_is_a_warning() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/notices/2025/关于公开举报电话的通知.md",
        "甲政发〔2025〕3号",
        "甲政发[2025]第03号",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 0);
    expect_finding(&report, "warning", "关于公开举报电话的通知.md", None, None);
}

#[test]
fn missing_site_toml_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gongkai(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("site.toml"), "{stdout}");
}

#[test]
fn register_linked_from_outside_the_site_is_refused_by_check() {
    let site = TempSite::copy_of("town");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.csv");
    std::fs::write(&secret, "编号,隐患名称,单位名称\nX-1,外部文件,外部单位\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.path("content/registers/2025-03/外部.csv")).unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let f = expect_finding(&report, "error", "2025-03/外部.csv", None, None);
    assert!(f["message"].as_str().unwrap().contains("网站文件夹"), "{f}");
}

/// `--today` and `GONGKAI_TODAY` are read by build, check and serve alike; a value that
/// is not a date is refused with a Chinese message naming it, before anything is read or
/// written (a script that meant to pin the date must not get the clock instead).
#[test]
fn a_bad_today_is_refused_by_every_command_that_takes_it() {
    let site = TempSite::copy_of("town");
    let root = site.root().to_str().unwrap();
    let out = site.path("public");
    for cmd in ["check", "build", "serve"] {
        let run = gongkai(&[cmd, "--root", root, "--today", "2026-02-30"]);
        assert_eq!(run.status.code(), Some(2), "{cmd}");
        assert_eq!(
            String::from_utf8_lossy(&run.stderr),
            "错误：--today 的值「2026-02-30」不是有效的日期。请写成 年-月-日，例如 --today 2026-10-26。\n",
            "{cmd}"
        );
    }
    let run = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .env("GONGKAI_TODAY", "下个月")
        .args(["build", "--root", root])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr)
            .contains("环境变量 GONGKAI_TODAY 的值「下个月」不是有效的日期"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!out.exists(), "nothing is written");
    // A good value is taken (the flag wins over a bad environment value).
    let run = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .env("GONGKAI_TODAY", "下个月")
        .args(["check", "--root", root, "--today", "2025-04-01"])
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
