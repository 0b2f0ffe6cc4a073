//! Unit tests of reading one register file from bytes.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::*;
use crate::diag::Severity;
use crate::hazard::{Level, Source};

fn config() -> SiteConfig {
    let mut findings = Findings::default();
    SiteConfig::parse(
        "title = \"t\"\nissuer = \"i\"\nbase_url = \"https://x/\"\n",
        &mut findings,
    )
    .expect("config")
}

fn may() -> YearMonth {
    YearMonth::new(2024, 5).unwrap()
}

fn read(text: &str) -> (Option<RegisterFile>, Vec<Finding>) {
    read_register(
        text.as_bytes().to_vec(),
        PathBuf::from("content/registers/2024-05/a.csv"),
        may(),
        &config(),
    )
}

const HEADER: &str = "编号,隐患名称,单位名称,隐患等级,隐患来源,挂牌督办,督办单位,发现日期,整改资金（万元）,整改状态,举报人";

#[test]
fn reads_a_plain_row() {
    let text = format!(
        "南庄镇重大事故隐患台账（2024年5月）\n{HEADER}\nNZ-1,配电室无应急照明,南庄机械厂,重大隐患,自查,是,,2024/5/12,１２.５,整改中,张三\n"
    );
    let (file, findings) = read(&text);
    assert!(findings.is_empty(), "{findings:?}");
    let file = file.unwrap();
    assert_eq!((file.header_row, file.data_rows), (2, 1));
    assert_eq!(file.encoding, "UTF-8");
    assert_eq!(file.unpublished_columns, vec!["举报人"]);
    let r = &file.records[0];
    assert_eq!(r.id, "NZ-1");
    assert_eq!(r.level, Some(Level::Major));
    assert_eq!(r.source, Some(Source::SelfInspection));
    assert!(r.supervised);
    assert_eq!(r.supervisor, None);
    assert_eq!(r.found, NaiveDate::from_ymd_opt(2024, 5, 12));
    assert_eq!(r.funds, Some(12.5));
    assert_eq!(r.status, Status::InProgress);
    assert_eq!(r.withheld, vec!["张三"]);
    assert_eq!(r.origin.row, 3);
}

#[test]
fn supervising_body_in_either_column() {
    let text = format!("{HEADER}\n1,a,b,,,县安委办,,,,未整改,\n2,a,b,,,否,市应急局,,,未整改,\n3,a,b,,,,,,,未整改,\n");
    let (file, findings) = read(&text);
    assert!(findings.is_empty(), "{findings:?}");
    let r = file.unwrap().records;
    assert_eq!(
        (r[0].supervised, r[0].supervisor.as_deref()),
        (true, Some("县安委办"))
    );
    assert_eq!(
        (r[1].supervised, r[1].supervisor.as_deref()),
        (true, Some("市应急局"))
    );
    assert_eq!((r[2].supervised, r[2].supervisor.as_deref()), (false, None));
}

#[test]
fn bad_cells_are_errors_with_column_and_snippet_but_the_row_is_kept() {
    let text = format!("{HEADER}\nNZ-2,a,b,较大,媒体,,,2024-13-01,十万,差不多,\n");
    let (file, findings) = read(&text);
    let file = file.unwrap();
    assert_eq!(file.records.len(), 1);
    let r = &file.records[0];
    assert_eq!(
        (r.level, r.source, r.found, r.funds),
        (None, None, None, None)
    );
    assert_eq!(r.status, Status::NotStarted);
    let got: Vec<_> = findings
        .iter()
        .map(|f| (f.code, f.row, f.column.as_deref(), f.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("unknown-status", Some(2), Some("整改状态"), Some("差不多")),
            ("unknown-level", Some(2), Some("隐患等级"), Some("较大")),
            ("unknown-source", Some(2), Some("隐患来源"), Some("媒体")),
            ("bad-date", Some(2), Some("发现日期"), Some("2024-13-01")),
            (
                "bad-number",
                Some(2),
                Some("整改资金（万元）"),
                Some("十万")
            ),
        ]
    );
    for f in &findings {
        assert_eq!(f.severity, Severity::Error);
        let s = f.snippet.as_ref().unwrap();
        assert_eq!(
            &s.text[s.offset..s.offset + s.len],
            f.value.as_deref().unwrap()
        );
        assert!(f.help.as_deref().is_some_and(|h| !h.is_empty()));
    }
}

#[test]
fn missing_required_values() {
    let text = format!("{HEADER}\n,a,b,,,,,,,未整改,\nNZ-3,,,,,,,,,,\n");
    let (file, findings) = read(&text);
    let file = file.unwrap();
    assert_eq!(file.data_rows, 2);
    // The row without 编号 is left out; the one with it is kept.
    assert_eq!(file.records.len(), 1);
    assert_eq!(file.records[0].id, "NZ-3");
    let got: Vec<_> = findings
        .iter()
        .map(|f| (f.code, f.severity, f.row, f.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("missing-value", Severity::Error, Some(2), Some("编号")),
            ("missing-value", Severity::Error, Some(3), Some("隐患名称")),
            ("missing-value", Severity::Error, Some(3), Some("单位名称")),
            ("status-blank", Severity::Warning, Some(3), Some("整改状态")),
        ]
    );
}

#[test]
fn no_header_names_what_is_missing() {
    let (file, findings) = read("台账\n编号,单位名称\n1,b\n");
    assert!(file.is_none());
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!((f.code, f.row), ("register-no-header", Some(2)));
    assert!(f.message.contains("隐患名称"), "{}", f.message);
    assert!(!f.message.contains("「编号」"), "{}", f.message);

    let (file, findings) = read("\r\n,,,\r\n");
    assert!(file.is_none());
    assert_eq!(findings[0].code, "register-empty");
    let (_, findings) = read("");
    assert_eq!(findings[0].code, "register-empty");
    let (_, findings) = read_register(
        vec![b'a', 0x81, 0x20],
        PathBuf::from("x.csv"),
        may(),
        &config(),
    );
    assert_eq!(findings[0].code, "register-undecodable");
}

#[test]
fn duplicate_and_missing_columns() {
    let (file, findings) = read("编号,隐患名称,隐患描述\n1,a,b\n");
    assert!(file.is_some());
    let codes: Vec<_> = findings
        .iter()
        .map(|f| (f.code, f.column.as_deref()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("register-duplicate-column", Some("隐患描述")),
            ("register-missing-column", None),
            ("register-no-status-column", None),
        ]
    );
    assert_eq!(findings[2].severity, Severity::Warning);
    assert!(findings[0].message.contains("隐患名称") && findings[0].message.contains("隐患描述"));
}

#[test]
fn footer_lines_are_not_hazards() {
    let text = format!(
        "{HEADER}\n1,a,b,,,,,,,未整改,\n合计,,,,,,,,3.5,,\n填表人：王五  联系电话：13800000000,,,,\n注：本表每月25日前报送,,\n"
    );
    let (file, findings) = read(&text);
    let notes: Vec<(&str, Option<usize>, &str)> = findings
        .iter()
        .map(|f| (f.code, f.row, f.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![
            ("register-total-skipped", Some(3), "第 3 行是合计/小计行，不是隐患，已跳过"),
            (
                "register-footer-skipped",
                Some(4),
                "第 4、5 行是表尾（填表人、审核人、联系电话、填报日期、注、说明等），不是隐患，已跳过；其内容不会公开"
            ),
        ]
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Note));
    let file = file.unwrap();
    assert_eq!((file.data_rows, file.records.len()), (1, 1));
}

/// The report: a footer spread over several cells under the table used to fail
/// with three 必填项没有填写 errors.
#[test]
fn footer_over_several_cells_with_a_note_below() {
    let text = format!(
        "{HEADER}\n1,a,b,,,,,,,未整改,\n填表人：李四,,审核人：王五,,,联系电话：0311-8888888,,,,,\n说明：1.本表每月25日前报送,,,\n2.隐患等级按标准判定,,,\n"
    );
    let (file, findings) = read(&text);
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    let footer = findings
        .iter()
        .find(|f| f.code == "register-footer-skipped")
        .unwrap();
    assert!(
        footer.message.starts_with("第 3–5 行是表尾"),
        "{}",
        footer.message
    );
    let file = file.unwrap();
    assert_eq!(file.records.len(), 1);
    let dump = format!("{:?}", file.records);
    assert!(!dump.contains("0311-8888888") && !dump.contains("李四"));
}

#[test]
fn excel_and_month_names() {
    assert!(is_ignored("~$台账.xlsx") && is_ignored(".DS_Store"));
    assert!(!is_ignored("东庄村.csv"));
    let mut findings = Findings::default();
    assert_eq!(
        month_from_name("2024-5", Path::new("x"), &mut findings),
        None
    );
    assert_eq!(month_from_name("五月", Path::new("x"), &mut findings), None);
    assert_eq!(
        month_from_name("2024-05", Path::new("x"), &mut findings),
        Some(may())
    );
    assert_eq!(findings.items.len(), 2);
    assert!(findings.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("2024-05"));
}

#[test]
fn two_row_header_template_rows_and_repeated_header() {
    let text = "台账\r\n\
序号,编号,隐患名称,单位名称,五到位落实情况,,,,,整改状态\r\n\
,,,,整改措施,责任人,整改资金（万元）,整改时限,应急预案,\r\n\
1,NZ-1,a,b,停产整改,张三,2,2024-06-30,有,整改中\r\n\
序号,编号,隐患名称,单位名称,五到位落实情况,,,,,整改状态\r\n\
2,NZ-2,c,d,,,,,,未整改\r\n\
3,,,,,,,,,\r\n\
4,,,,,,,,,\r\n";
    let (file, findings) = read(text);
    assert!(findings.is_empty(), "{findings:?}");
    let file = file.unwrap();
    assert_eq!((file.header_row, file.data_rows), (2, 2));
    assert_eq!(file.unpublished_columns, vec!["序号"]);
    let r = &file.records[0];
    assert_eq!(
        (r.origin.row, r.measures.as_deref(), r.owner.as_deref()),
        (4, Some("停产整改"), Some("张三"))
    );
    assert_eq!(
        (r.funds, r.deadline),
        (Some(2.0), NaiveDate::from_ymd_opt(2024, 6, 30))
    );
    assert_eq!(r.withheld, vec!["1"]);
    assert_eq!(
        (file.records[1].id.as_str(), file.records[1].origin.row),
        ("NZ-2", 6)
    );
}

#[test]
fn ids_in_scientific_notation_are_refused_with_the_fix() {
    let text = format!("{HEADER}\n2.02401E+09,a,b,,,,,,,未整改,\nNZ-1E+5,c,d,,,,,,,未整改,\n");
    let (file, findings) = read(&text);
    let errors: Vec<_> = findings.iter().filter(|f| f.is_error()).collect();
    assert_eq!(errors.len(), 1, "{findings:?}");
    assert_eq!((errors[0].code, errors[0].row), ("id-scientific", Some(2)));
    assert!(errors[0].help.as_deref().unwrap().contains("文本"));
    assert!(is_scientific("1E+15") && is_scientific("2.02401e+09"));
    assert!(!is_scientific("NZ-1E+5") && !is_scientific("2024010001") && !is_scientific("E+5"));
    assert_eq!(file.unwrap().records.len(), 2);
}
