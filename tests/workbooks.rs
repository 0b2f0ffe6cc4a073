//! Registers kept as Excel/WPS workbooks: every fixture workbook is made here with
//! rust_xlsxwriter in the shapes offices make (titles, two-row merged headers, merged
//! body cells, 序号, 合计 and footer lines, hidden rows and columns, formulas, dates in
//! every form, long numbers), then read through the public API.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use gongkai::config::SiteConfig;
use gongkai::diag::{Finding, Findings, Severity};
use gongkai::hazard::{Level, Status, YearMonth};
use gongkai::load::register::read_register;
use gongkai::load::RegisterFile;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Formula, Workbook, Worksheet};

const SITE_TOML: &str = r#"
title = "南庄镇安全生产信息公开"
issuer = "文水县南庄镇人民政府"
base_url = "https://www.example.gov.cn/nz/aqsc/"
"#;

fn config() -> SiteConfig {
    SiteConfig::parse(SITE_TOML, &mut Findings::default()).expect("site.toml")
}

fn read_as(bytes: Vec<u8>, name: &str) -> (Option<RegisterFile>, Vec<Finding>) {
    read_register(
        bytes,
        PathBuf::from(format!("content/registers/2024-05/{name}")),
        YearMonth::new(2024, 5).unwrap(),
        &config(),
    )
}

fn read(bytes: Vec<u8>) -> (Option<RegisterFile>, Vec<Finding>) {
    read_as(bytes, "东堡村.xlsx")
}

fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.is_error()).collect()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The register sheet as a county office keeps it: a merged title, 填报单位 and 填报日期
/// lines, a two-row header with 五到位 merged over its five columns, 序号, a unit merged
/// down two rows and a village merged down three, a date cell, a date-formatted number,
/// a text date, a formula, a number stored as text, a long 编号 stored as a number, a
/// hidden row holding a hazard, a hidden column, a 合计 row and a footer.
fn office_sheet(sheet: &mut Worksheet) {
    let center = Format::new().set_align(FormatAlign::Center);
    let date_format = Format::new().set_num_format("yyyy年m月d日");
    sheet.set_name("东堡村").unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            13,
            "东堡村重大事故隐患排查整治台账（2024年5月）",
            &center,
        )
        .unwrap();
    sheet
        .write_string(1, 0, "填报单位：东堡村民委员会")
        .unwrap();
    sheet.write_string(2, 0, "填报日期：2024年5月25日").unwrap();
    for (col, header) in [
        (0, "序号"),
        (1, "编号"),
        (2, "隐患名称"),
        (3, "单位名称"),
        (4, "所在村"),
        (5, "隐患等级"),
        (6, "发现日期"),
        (12, "整改状态"),
        (13, "挂牌督办"),
    ] {
        sheet.merge_range(3, col, 4, col, header, &center).unwrap();
    }
    sheet
        .merge_range(3, 7, 3, 11, "五到位落实情况", &center)
        .unwrap();
    for (col, header) in [
        (7, "整改措施"),
        (8, "责任人"),
        (9, "整改资金（万元）"),
        (10, "整改时限"),
        (11, "应急预案"),
    ] {
        sheet.write_string(4, col, header).unwrap();
    }
    // Row 6: a date cell, a text deadline.
    sheet.write_number(5, 0, 1).unwrap();
    sheet.write_string(5, 1, "DB-001").unwrap();
    sheet.write_string(5, 2, "配电室无应急照明").unwrap();
    sheet
        .merge_range(5, 3, 6, 3, "东堡机械厂", &Format::new())
        .unwrap();
    sheet
        .merge_range(5, 4, 8, 4, "东堡村", &Format::new())
        .unwrap();
    sheet.write_string(5, 5, "重大隐患").unwrap();
    sheet
        .write_datetime_with_format(
            5,
            6,
            ExcelDateTime::from_ymd(2024, 5, 12).unwrap(),
            &date_format,
        )
        .unwrap();
    sheet.write_string(5, 7, "加装应急照明").unwrap();
    sheet.write_string(5, 8, "张三").unwrap();
    sheet.write_number(5, 9, 12.5).unwrap();
    sheet.write_string(5, 10, "2024年6月30日").unwrap();
    sheet.write_string(5, 11, "专人值守").unwrap();
    sheet.write_string(5, 12, "整改中").unwrap();
    sheet.write_string(5, 13, "否").unwrap();
    // Row 7: the 编号 typed as a number, the unit from the merge above, funds by formula.
    sheet.write_number(6, 0, 2).unwrap();
    sheet.write_number(6, 1, 2_024_010_001.0).unwrap();
    sheet.write_string(6, 2, "仓库堆放易燃物").unwrap();
    sheet.write_string(6, 5, "一般隐患").unwrap();
    sheet.write_string(6, 6, "2024-05-13").unwrap();
    sheet
        .write_formula(6, 9, Formula::new("=1+2").set_result("3"))
        .unwrap();
    sheet.write_string(6, 12, "未整改").unwrap();
    // Row 8: a date-formatted number (the serial of 2024-06-15), funds as text.
    sheet.write_number(7, 0, 3).unwrap();
    sheet.write_string(7, 1, "DB-003").unwrap();
    sheet.write_string(7, 2, "消防通道堵塞").unwrap();
    sheet.write_string(7, 3, "东堡超市").unwrap();
    sheet.write_string(7, 5, "重大隐患").unwrap();
    sheet
        .write_number_with_format(7, 10, 45458.0, &date_format)
        .unwrap();
    sheet.write_string(7, 9, "8").unwrap();
    sheet.write_string(7, 12, "已整改").unwrap();
    sheet.write_string(7, 13, "是").unwrap();
    // Row 9, hidden: a hazard all the same.
    sheet.write_number(8, 0, 4).unwrap();
    sheet.write_string(8, 1, "DB-004").unwrap();
    sheet.write_string(8, 2, "燃气管道老化").unwrap();
    sheet.write_string(8, 3, "东堡饭店").unwrap();
    sheet.write_string(8, 12, "未整改").unwrap();
    sheet.set_row_hidden(8).unwrap();
    sheet.set_column_hidden(5).unwrap();
    // 合计 and the footer.
    sheet.merge_range(9, 0, 9, 2, "合计", &center).unwrap();
    sheet
        .write_formula(9, 9, Formula::new("=SUM(J6:J9)").set_result("23.5"))
        .unwrap();
    sheet.write_string(10, 0, "填表人：李四").unwrap();
    sheet.write_string(10, 4, "审核人：王五").unwrap();
    sheet.write_string(10, 8, "联系电话：13912345678").unwrap();
    sheet
        .write_string(11, 0, "说明：1.本表每月25日前报送乡镇安监站。")
        .unwrap();
    sheet
        .write_string(12, 0, "2.隐患等级按判定标准填写。")
        .unwrap();
}

fn office_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    let notes = workbook.add_worksheet();
    notes.set_name("填写说明").unwrap();
    notes.write_string(0, 0, "本工作簿每个村一张表。").unwrap();
    let second = workbook.add_worksheet();
    second.set_name("北庄村").unwrap();
    for (col, header) in ["编号", "隐患名称", "单位名称", "整改状态"]
        .iter()
        .enumerate()
    {
        second.write_string(0, col as u16, *header).unwrap();
    }
    for (col, value) in ["BZ-1", "锅炉无检验", "北庄砖厂", "已销号"]
        .iter()
        .enumerate()
    {
        second.write_string(1, col as u16, *value).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn an_office_workbook_reads_as_the_office_sees_it() {
    let (file, findings) = read(office_workbook());
    assert!(errors(&findings).is_empty(), "{findings:#?}");
    let file = file.expect("read");
    let ids: Vec<&str> = file.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["DB-001", "2024010001", "DB-003", "DB-004", "BZ-1"]
    );
    assert_eq!(file.data_rows, 5);
    assert_eq!(file.encoding, "xlsx");
    let [first, second, third, hidden, north] = &file.records[..] else {
        panic!("five records")
    };
    // Merged body cells: the same value in each row they cover.
    assert_eq!(second.unit, "东堡机械厂");
    assert_eq!(third.locality.as_deref(), Some("东堡村"));
    assert_eq!(hidden.locality.as_deref(), Some("东堡村"));
    // Dates in every form, numbers from formulas and text.
    assert_eq!(first.found, date(2024, 5, 12));
    assert_eq!(first.deadline, date(2024, 6, 30));
    assert_eq!(second.found, date(2024, 5, 13));
    assert_eq!(third.deadline, date(2024, 6, 15));
    assert_eq!(first.funds, Some(12.5));
    assert_eq!(second.funds, Some(3.0));
    assert_eq!(third.funds, Some(8.0));
    // The hidden column (隐患等级) and the two-row header's 五到位 columns.
    assert_eq!(first.level, Some(Level::Major));
    assert_eq!(first.measures.as_deref(), Some("加装应急照明"));
    assert_eq!(first.owner.as_deref(), Some("张三"));
    assert_eq!(first.plan.as_deref(), Some("专人值守"));
    assert_eq!(third.status, Status::Rectified);
    assert!(third.supervised && !first.supervised);
    // Origins name the sheet and the row as Excel shows it.
    assert_eq!(first.origin.row, 6);
    assert_eq!(first.origin.sheet.as_deref(), Some("东堡村"));
    assert_eq!(
        (north.origin.row, north.origin.sheet.as_deref()),
        (2, Some("北庄村"))
    );
    // 序号 is not published; the footer's names and phone are nowhere in the records.
    assert_eq!(file.unpublished_columns, vec!["序号"]);
    let dump = format!("{:?}", file.records);
    for private in ["13912345678", "李四", "王五", "本表每月"] {
        assert!(!dump.contains(private), "{private} leaked");
    }
    let notes: Vec<(&str, Option<&str>, &str)> = findings
        .iter()
        .map(|f| (f.code, f.cell.as_deref(), f.message.as_str()))
        .collect();
    assert!(
        notes.contains(&(
            "workbook-hidden-cells",
            Some("东堡村"),
            "工作表「东堡村」隐藏了第 9 行和F 列；隐藏的行列照常读取和公开"
        )),
        "{notes:#?}"
    );
    assert!(notes.contains(&(
        "register-total-skipped",
        Some("东堡村"),
        "第 10 行是合计/小计行，不是隐患，已跳过"
    )));
    assert!(
        notes
            .iter()
            .any(|(code, cell, message)| *code == "register-footer-skipped"
                && *cell == Some("东堡村")
                && message.starts_with("第 11–13 行是表尾")),
        "{notes:#?}"
    );
    assert!(notes.contains(&(
        "workbook-sheet-skipped",
        None,
        "工作表「填写说明」中没有台账表头，未作为台账读取"
    )));
    assert!(findings.iter().all(|f| f.severity == Severity::Note));
}

/// Code, row, cell and column of a finding.
type Where<'a> = (&'a str, Option<usize>, Option<&'a str>, Option<&'a str>);

#[test]
fn messages_name_the_sheet_and_cell() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    office_sheet(sheet);
    sheet.write_string(6, 6, "2024年13月1日").unwrap();
    sheet.write_number(7, 1, 110_101_199_001_011_234.0).unwrap();
    sheet
        .write_formula(8, 9, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let (_, findings) = read(workbook.save_to_buffer().unwrap());
    let errors: Vec<Where> = errors(&findings)
        .iter()
        .map(|f| (f.code, f.row, f.cell.as_deref(), f.column.as_deref()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("bad-date", Some(7), Some("东堡村!G7"), Some("发现日期")),
            (
                "workbook-number-digits-lost",
                Some(8),
                Some("东堡村!B8"),
                None
            ),
            ("workbook-formula-error", Some(9), Some("东堡村!J9"), None),
        ],
        "{findings:#?}"
    );
    let bad_date = findings.iter().find(|f| f.code == "bad-date").unwrap();
    assert_eq!(
        bad_date.file.as_deref(),
        Some(std::path::Path::new(
            "content/registers/2024-05/东堡村.xlsx"
        ))
    );
    assert_eq!(bad_date.value.as_deref(), Some("2024年13月1日"));
    // The report's heading says where, as Excel names it.
    let mut out = Vec::new();
    let mut all = Findings::default();
    all.extend(findings.iter().cloned());
    gongkai::diag::report::write_text(
        &mut out,
        &all,
        &gongkai::diag::report::Summary::new(&all, 1, 5),
        false,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("content/registers/2024-05/东堡村.xlsx 东堡村!G7 第 7 行「发现日期」列"),
        "{text}"
    );
}

/// Replaces a part of a zip package, keeping the others as they are.
fn rewrite_part(bytes: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    add_parts(bytes, &[], Some((part, &edit)))
}

fn add_parts(
    bytes: &[u8],
    extra: &[(&str, &str)],
    edit: Option<(&str, &dyn Fn(String) -> String)>,
) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        if let Some((target, edit)) = edit {
            if name == target {
                text = edit(text);
            }
        }
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    for (name, text) in extra {
        out.start_file(*name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_formula_without_a_cached_value_is_an_error_naming_the_cell() {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    let bytes = workbook.save_to_buffer().unwrap();
    // As written by a program that never calculated: the formula, no <v>.
    let bytes = rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
        let with = "<f>1+2</f><v>3</v>";
        assert!(xml.contains(with), "{xml}");
        xml.replace(with, "<f>1+2</f>")
    });
    let (_, findings) = read(bytes);
    let errors = errors(&findings);
    assert_eq!(errors.len(), 1, "{findings:#?}");
    assert_eq!(errors[0].code, "workbook-formula-uncalculated");
    assert_eq!(errors[0].cell.as_deref(), Some("东堡村!J7"));
}

#[test]
fn a_hidden_sheet_with_a_register_is_an_error_and_one_without_is_skipped() {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    let hidden = workbook.add_worksheet();
    hidden.set_name("旧表").unwrap();
    hidden.write_string(0, 0, "编号").unwrap();
    hidden.write_string(0, 1, "隐患名称").unwrap();
    hidden.write_string(1, 0, "OLD-1").unwrap();
    hidden.set_hidden(true);
    let (_, findings) = read(workbook.save_to_buffer().unwrap());
    let errors = errors(&findings);
    assert_eq!(errors.len(), 1, "{findings:#?}");
    assert_eq!(errors[0].code, "workbook-hidden-sheet");
    assert_eq!(errors[0].cell.as_deref(), Some("旧表"));
}

#[test]
fn a_workbook_without_a_register_sheet_is_an_error() {
    let mut workbook = Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "本月无隐患")
        .unwrap();
    let (file, findings) = read(workbook.save_to_buffer().unwrap());
    assert!(file.is_none());
    assert_eq!(errors(&findings)[0].code, "register-no-header");
}

// ---- hostile workbooks: each refused with one clear error, reading nothing ----

fn refused(bytes: Vec<u8>, name: &str) -> Finding {
    let (file, findings) = read_as(bytes, name);
    assert!(file.is_none(), "{name} was read");
    let errors = errors(&findings);
    assert_eq!(errors.len(), 1, "{findings:#?}");
    errors[0].clone()
}

#[test]
fn hostile_corrupt_zip() {
    let mut bytes = office_workbook();
    bytes.truncate(bytes.len() / 2);
    assert_eq!(refused(bytes, "a.xlsx").code, "workbook-corrupt");
    assert_eq!(
        refused(b"PK\x03\x04garbage".to_vec(), "a.xlsx").code,
        "workbook-corrupt"
    );
    assert_eq!(
        refused(b"not a zip at all".to_vec(), "a.xlsx").code,
        "workbook-corrupt"
    );
    assert_eq!(refused(Vec::new(), "a.xlsx").code, "workbook-corrupt");
}

#[test]
fn hostile_zip_bomb() {
    // 64 MB of one byte deflates to ~64 KB: a thousand to one.
    let filler = " ".repeat(64 * 1024 * 1024);
    let bytes = add_parts(
        &office_workbook(),
        &[("xl/media/filler.xml", &filler)],
        None,
    );
    assert!(bytes.len() < 1024 * 1024);
    let finding = refused(bytes, "a.xlsx");
    assert_eq!(finding.code, "workbook-too-large");
    assert!(
        finding.message.contains("xl/media/filler.xml"),
        "{}",
        finding.message
    );
}

#[test]
fn hostile_part_that_inflates_past_its_declared_size() {
    let bytes = office_workbook();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let declared = zip.by_name("xl/worksheets/sheet1.xml").unwrap().size() as u32;
    drop(zip);
    // Lie in the central directory: the sheet declares 100 bytes.
    let mut lying = bytes.clone();
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for at in 0..lying.len() - 46 {
        if lying[at..at + 4] == [0x50, 0x4b, 0x01, 0x02]
            && lying[at + 46..].starts_with(name)
            && u32::from_le_bytes(lying[at + 24..at + 28].try_into().unwrap()) == declared
        {
            lying[at + 24..at + 28].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 1);
    let code = refused(lying, "a.xlsx").code;
    assert!(
        matches!(code, "workbook-too-large" | "workbook-corrupt"),
        "{code}"
    );
}

#[test]
fn hostile_million_rows() {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    workbook
        .worksheet_from_index(0)
        .unwrap()
        .write_string(999_999, 1, "x")
        .unwrap();
    let finding = refused(workbook.save_to_buffer().unwrap(), "a.xlsx");
    assert_eq!(finding.code, "workbook-too-large");
    assert!(
        finding.message.contains("第 1000000 行"),
        "{}",
        finding.message
    );
}

#[test]
fn hostile_16384_columns() {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    workbook
        .worksheet_from_index(0)
        .unwrap()
        .write_string(6, 16_383, "x")
        .unwrap();
    let finding = refused(workbook.save_to_buffer().unwrap(), "a.xlsx");
    assert_eq!(finding.code, "workbook-too-large");
    assert!(
        finding.message.contains("第 16384 列"),
        "{}",
        finding.message
    );
}

#[test]
fn hostile_merge_over_the_whole_sheet_costs_nothing() {
    let mut workbook = Workbook::new();
    office_sheet(workbook.add_worksheet());
    let bytes = workbook.save_to_buffer().unwrap();
    let bytes = rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
        xml.replace(
            "<mergeCells count=\"",
            "<mergeCells count=\"1\"><mergeCell ref=\"X1:XFD1048576\"/></mergeCells><!--",
        )
        .replace("</mergeCells>", "-->")
        .replacen("--><!--", "", 0)
    });
    // Whatever the XML now says, reading stays bounded and never panics.
    let _ = read(bytes);
}

#[test]
fn hostile_external_links() {
    let link = r#"<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>"#;
    let bytes = add_parts(
        &office_workbook(),
        &[("xl/externalLinks/externalLink1.xml", link)],
        None,
    );
    assert_eq!(refused(bytes, "a.xlsx").code, "workbook-external-link");
}

#[test]
fn hostile_encrypted() {
    // An encrypted .xlsx is an OLE compound file holding an EncryptedPackage stream.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(4096, 0);
    let finding = refused(bytes.clone(), "a.xlsx");
    assert_eq!(finding.code, "workbook-encrypted");
    assert!(finding.help.unwrap().contains("密码"));
    // The same container without it is an old .xls under a new name.
    bytes[512..544].fill(0);
    assert_eq!(refused(bytes, "a.xlsx").code, "workbook-old-format");
}

#[test]
fn macros_and_old_formats_are_refused_with_advice() {
    let finding = refused(office_workbook(), "a.xlsm");
    assert_eq!(finding.code, "workbook-macro");
    let with_macros = add_parts(&office_workbook(), &[("xl/vbaProject.bin", "x")], None);
    assert_eq!(refused(with_macros, "a.xlsx").code, "workbook-macro");
    for name in ["a.xls", "a.et"] {
        let finding = refused(vec![0; 10], name);
        assert_eq!(finding.code, "workbook-old-format");
        assert!(finding.help.as_deref().unwrap().contains(".xlsx"));
    }
}
