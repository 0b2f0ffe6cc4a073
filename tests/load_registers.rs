//! Reading hazard registers as offices produce them, through the public API: every
//! encoding Excel/WPS writes, title lines, aliases, every date form, private columns,
//! and a precise finding (file, row, column, severity) for everything that is wrong.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gongkai::config::SiteConfig;
use gongkai::diag::{Finding, Findings, Severity};
use gongkai::hazard::{HazardRecord, Level, Source, Status, YearMonth};
use gongkai::load::register::{load_registers, read_register};
use gongkai::load::RegisterFile;
use proptest::prelude::*;

const SITE_TOML: &str = r#"
title = "南庄镇安全生产信息公开"
issuer = "文水县南庄镇人民政府"
base_url = "https://www.example.gov.cn/nz/aqsc/"
[register]
private_columns = ["举报人"]
"#;

fn fixtures(set: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/registers")
        .join(set)
}

fn config() -> SiteConfig {
    SiteConfig::parse(SITE_TOML, &mut Findings::default()).expect("site.toml")
}

/// A temp site whose `content/registers/2024-05/` holds a copy of a fixture set.
fn site_with(set: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), SITE_TOML).unwrap();
    let month = dir.path().join("content/registers/2024-05");
    std::fs::create_dir_all(&month).unwrap();
    for entry in std::fs::read_dir(fixtures(set)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), month.join(entry.file_name())).unwrap();
    }
    dir
}

fn load(root: &Path) -> (Vec<RegisterFile>, usize, Findings) {
    let mut findings = Findings::default();
    let (registers, files) = load_registers(root, &config(), &mut findings);
    findings.sort();
    (registers, files, findings)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn file<'a>(registers: &'a [RegisterFile], name: &str) -> &'a RegisterFile {
    registers
        .iter()
        .find(|r| r.path.file_name().unwrap() == name)
        .unwrap_or_else(|| panic!("{name} not loaded"))
}

fn record<'a>(file: &'a RegisterFile, id: &str) -> &'a HazardRecord {
    file.records
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} not in {}", file.path.display()))
}

#[test]
fn good_registers_load_with_every_value_read() {
    let site = site_with("good");
    let (registers, files, findings) = load(site.path());
    // Only the notes saying which footer and totals lines were skipped.
    assert!(
        findings.items.iter().all(|f| f.severity == Severity::Note
            && matches!(f.code, "register-footer-skipped" | "register-total-skipped")),
        "{:#?}",
        findings.items
    );
    assert_eq!(files, 6);
    assert_eq!(registers.len(), 6);
    let paths: Vec<_> = registers.iter().map(|r| r.path.clone()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by (month, path)");

    let encodings: Vec<(&str, &str)> = [
        ("东庄村.csv", "UTF-8"),
        ("西庄村.csv", "GBK"),
        ("北庄村.csv", "UTF-8 (BOM)"),
        ("吉祥村.csv", "GB18030"),
        ("执法队.txt", "UTF-16LE"),
        ("老表格.csv", "UTF-8"),
    ]
    .into_iter()
    .map(|(name, _)| (name, file(&registers, name).encoding))
    .collect();
    assert_eq!(
        encodings,
        vec![
            ("东庄村.csv", "UTF-8"),
            ("西庄村.csv", "GBK"),
            ("北庄村.csv", "UTF-8 (BOM)"),
            ("吉祥村.csv", "GB18030"),
            ("执法队.txt", "UTF-16LE"),
            ("老表格.csv", "UTF-8"),
        ]
    );
    for r in &registers {
        assert_eq!(r.month, YearMonth::new(2024, 5).unwrap());
    }
}

#[test]
fn aliases_dates_blank_rows_and_private_columns() {
    let site = site_with("good");
    let (registers, _, _) = load(site.path());
    let dz = file(&registers, "东庄村.csv");
    assert_eq!(
        dz.path,
        PathBuf::from("content/registers/2024-05/东庄村.csv")
    );
    assert_eq!((dz.header_row, dz.data_rows), (3, 8));
    assert_eq!(
        dz.unpublished_columns,
        vec!["举报人", "身份证号码", "联系电话", "第28列（无表头）"]
    );
    let ids: Vec<(&str, usize)> = dz
        .records
        .iter()
        .map(|r| (r.id.as_str(), r.origin.row))
        .collect();
    // Title lines, the header, an empty line and a row of empty cells all count; the
    // quoted two-line title of DZ-003 is one row.
    assert_eq!(
        ids,
        vec![
            ("DZ-001", 4),
            ("DZ-002", 7),
            ("DZ-003", 8),
            ("DZ-004", 9),
            ("DZ-005", 10),
            ("DZ-006", 11),
            ("DZ-007", 12),
            ("DZ-008", 13),
        ]
    );
    // Every date form in 排查日期 reads as the same day.
    for r in &dz.records {
        assert_eq!(r.found, date(2024, 5, 12), "{}", r.id);
        assert_eq!(r.origin.file, dz.path);
    }

    let r = record(dz, "DZ-001");
    assert_eq!(r.title, "配电室无应急照明");
    assert_eq!(r.unit, "东庄机械厂");
    assert_eq!(r.locality.as_deref(), Some("东庄村"));
    assert_eq!(r.sector.as_deref(), Some("工贸"));
    assert_eq!(r.level, Some(Level::Major));
    assert_eq!(r.source, Some(Source::SelfInspection));
    assert_eq!((r.supervised, r.supervisor.as_deref()), (true, None));
    assert_eq!(r.funds, Some(12.5));
    assert_eq!(r.deadline, date(2024, 6, 30));
    assert_eq!(r.owner.as_deref(), Some("李四"));
    assert_eq!(r.plan.as_deref(), Some("停电应急处置方案"));
    assert_eq!(r.status, Status::InProgress);
    assert_eq!(r.progress.as_deref(), Some("已采购灯具"));
    assert_eq!(
        r.withheld,
        vec!["张三", "110101199001011234", "13912345678"]
    );

    let r = record(dz, "DZ-002");
    assert_eq!(r.level, Some(Level::General));
    assert_eq!(r.source, Some(Source::Enforcement));
    assert_eq!(
        (r.supervised, r.supervisor.as_deref()),
        (true, Some("县安委办"))
    );
    assert_eq!(r.funds, Some(1234.5));
    assert_eq!(r.deadline, date(2024, 6, 30));
    assert_eq!(r.extended, date(2024, 7, 31));
    assert_eq!(r.effective_deadline(), date(2024, 7, 31));
    assert_eq!(r.status, Status::NotStarted);
    assert!(r.withheld.is_empty());

    let r = record(dz, "DZ-003");
    assert_eq!(r.title, "液氨储罐区\n未设置围堰");
    assert_eq!(r.source, Some(Source::PublicReport));
    assert!(r.supervised);
    assert_eq!(r.funds, Some(3.0));
    assert_eq!(r.status, Status::Rectified);
    assert_eq!(r.done, date(2024, 5, 20));
    assert_eq!(r.notes.as_deref(), Some("有\"引号\"的备注"));
    assert_eq!(r.withheld, vec!["钱九"]);

    let r = record(dz, "DZ-004");
    assert_eq!(r.level, Some(Level::General));
    assert_eq!(r.source, Some(Source::Assigned));
    assert_eq!(
        (r.supervised, r.supervisor.as_deref()),
        (true, Some("市应急管理局"))
    );
    assert_eq!(r.funds, Some(0.8));
    assert_eq!(r.status, Status::Closed);
    assert_eq!(r.done, date(2024, 5, 18), "Excel serial 45430");
    assert_eq!(r.closed, date(2024, 5, 25));
    assert_eq!(r.approver.as_deref(), Some("王五"));

    let r = record(dz, "DZ-005");
    assert_eq!(
        (r.level, r.source),
        (Some(Level::Major), Some(Source::PublicReport))
    );
    assert_eq!(
        (r.supervised, r.funds, r.plan.as_deref()),
        (false, None, None)
    );
    assert_eq!(r.status, Status::InProgress);

    let r = record(dz, "DZ-006");
    assert_eq!(
        (r.funds, r.status, r.done),
        (Some(0.0), Status::Rectified, date(2024, 5, 15))
    );
    assert_eq!((r.closed, r.notes.as_deref()), (None, None));

    let r = record(dz, "DZ-007");
    assert_eq!(
        (r.level, r.source),
        (Some(Level::General), Some(Source::Assigned))
    );
    assert_eq!((r.status, r.done), (Status::Rectified, date(2024, 5, 16)));
    assert!(!r.supervised);
    assert_eq!(r.withheld, vec!["多出的值"]);

    let r = record(dz, "DZ-008");
    assert!(r.supervised);
    assert_eq!((r.status, r.closed), (Status::Closed, date(2024, 5, 19)));
    assert_eq!(r.plan, None, "`-` is blank");
}

#[test]
fn other_encodings_and_layouts() {
    let site = site_with("good");
    let (registers, _, _) = load(site.path());

    let xz = file(&registers, "西庄村.csv");
    assert_eq!((xz.header_row, xz.data_rows), (2, 2));
    assert!(xz.unpublished_columns.is_empty());
    let r = record(xz, "XZ-001");
    assert_eq!(r.origin.row, 3);
    assert_eq!(r.title, "锅炉房未设置可燃气体报警装置");
    assert_eq!(r.found, date(2024, 4, 28));
    assert_eq!(r.funds, Some(2.5));
    assert_eq!(r.deadline, date(2024, 6, 30));
    assert_eq!((r.supervised, r.level), (true, Some(Level::Major)));
    let r = record(xz, "XZ-002");
    assert_eq!(r.origin.row, 5);
    assert_eq!((r.status, r.done), (Status::Rectified, date(2024, 5, 9)));
    assert_eq!(r.plan.as_deref(), Some("触电应急措施"));

    let bz = file(&registers, "北庄村.csv");
    let r = record(bz, "BZ-001");
    assert_eq!((bz.header_row, r.origin.row), (1, 2));
    assert_eq!(r.title, "脚手架未设置连墙件");
    assert_eq!(r.funds, Some(123.0));
    assert_eq!(r.deadline, date(2024, 7, 1));
    assert_eq!(r.extended, date(2024, 8, 1));
    assert_eq!(r.source, Some(Source::Assigned));

    let jx = file(&registers, "吉祥村.csv");
    assert_eq!(record(jx, "JX-001").unit, "𠮷祥饭店");

    let zf = file(&registers, "执法队.txt");
    let r = record(zf, "ZF-001");
    assert_eq!((zf.header_row, r.origin.row), (2, 3));
    assert_eq!(r.measures.as_deref(), Some("降低堆垛高度,设置限高线"));
    assert_eq!(r.level, Some(Level::General));

    let cr = file(&registers, "老表格.csv");
    let r = record(cr, "CR-001");
    assert_eq!((r.origin.row, r.status), (3, Status::Closed));
}

fn summary(f: &Finding) -> (String, Option<usize>, Option<&str>, Severity, &'static str) {
    let file = f
        .file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    (file, f.row, f.column.as_deref(), f.severity, f.code)
}

#[test]
fn every_error_names_file_row_and_column() {
    let site = site_with("errors");
    // A badly named month folder and file, and lock/hidden files that must be ignored.
    let registers = site.path().join("content/registers");
    std::fs::create_dir_all(registers.join("2024-5")).unwrap();
    std::fs::write(registers.join("2024-5/a.csv"), "编号,隐患名称\n").unwrap();
    std::fs::write(registers.join("五月.csv"), "编号,隐患名称\n").unwrap();
    std::fs::write(registers.join("2024-05/~$台账.xlsx"), b"lock").unwrap();
    std::fs::write(registers.join("2024-05/.hidden.csv"), b"\xff\x00").unwrap();

    let (loaded, files, findings) = load(site.path());
    assert_eq!(
        files, 6,
        "every CSV of 2024-05 is read, and the workbook (not a real one) is tried"
    );
    let m = "content/registers/2024-05/";
    let got: Vec<_> = findings.items.iter().map(summary).collect();
    let err = Severity::Error;
    #[rustfmt::skip]
    let want = vec![
        (format!("{m}乱码.csv"), None, None, err, "register-undecodable"),
        (format!("{m}台账.xlsx"), None, None, err, "workbook-corrupt"),
        (format!("{m}无表头.csv"), Some(2), None, err, "register-no-header"),
        (format!("{m}空文件.csv"), None, None, err, "register-empty"),
        (format!("{m}重复列.csv"), Some(1), Some("隐患描述"), err, "register-duplicate-column"),
        (format!("{m}重复列.csv"), Some(1), None, Severity::Warning, "register-no-status-column"),
        (format!("{m}错误.csv"), Some(3), Some("发现日期"), err, "bad-date"),
        (format!("{m}错误.csv"), Some(4), Some("整改资金（万元）"), err, "bad-number"),
        (format!("{m}错误.csv"), Some(5), Some("隐患等级"), err, "unknown-level"),
        (format!("{m}错误.csv"), Some(6), Some("隐患来源"), err, "unknown-source"),
        (format!("{m}错误.csv"), Some(7), Some("整改状态"), err, "unknown-status"),
        (format!("{m}错误.csv"), Some(8), Some("编号"), err, "missing-value"),
        (format!("{m}错误.csv"), Some(9), Some("隐患名称"), err, "missing-value"),
        (format!("{m}错误.csv"), Some(10), Some("整改状态"), Severity::Warning, "status-blank"),
        ("content/registers/2024-5".to_string(), None, None, err, "register-month-name"),
        ("content/registers/五月.csv".to_string(), None, None, err, "register-month-name"),
    ];
    assert_eq!(got, want);

    // Messages are Chinese, carry the value and a help text; cell findings point at it.
    for f in &findings.items {
        assert!(f.help.as_deref().is_some_and(|h| !h.is_empty()), "{f:?}");
        if let (Some(snippet), Some(value)) = (&f.snippet, &f.value) {
            assert_eq!(
                &snippet.text[snippet.offset..snippet.offset + snippet.len],
                value
            );
        }
    }
    let by_code = |code: &str| findings.items.iter().find(|f| f.code == code).unwrap();
    assert_eq!(by_code("bad-date").value.as_deref(), Some("2024年13月5日"));
    assert!(by_code("unknown-status")
        .help
        .as_deref()
        .unwrap()
        .contains("已销号"));
    assert!(by_code("register-no-header").message.contains("隐患名称"));
    assert!(by_code("workbook-corrupt").message.contains("已损坏"));
    assert!(by_code("register-month-name")
        .help
        .as_deref()
        .unwrap()
        .contains("2024-05"));

    // Rows with a bad cell keep their record (so a hazard cannot look vanished); the
    // row without 编号 cannot.
    let bad = file(&loaded, "错误.csv");
    assert_eq!(bad.encoding, "GBK");
    assert_eq!(bad.data_rows, 8);
    let ids: Vec<&str> = bad.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["E-001", "E-002", "E-003", "E-004", "E-005", "E-007", "E-008"]
    );
    assert_eq!(record(bad, "E-001").found, None);
    assert_eq!(record(bad, "E-008").status, Status::NotStarted);
}

#[test]
fn single_file_month_and_no_registers() {
    let dir = tempfile::tempdir().unwrap();
    let (registers, files, findings) = load(dir.path());
    assert!(registers.is_empty() && files == 0 && findings.items.is_empty());

    let folder = dir.path().join("content/registers");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        fixtures("good").join("北庄村.csv"),
        folder.join("2024-06.csv"),
    )
    .unwrap();
    std::fs::copy(
        fixtures("good").join("西庄村.csv"),
        folder.join("2024-04.csv"),
    )
    .unwrap();
    let (registers, files, findings) = load(dir.path());
    assert!(findings.items.is_empty(), "{:?}", findings.items);
    assert_eq!(files, 2);
    let months: Vec<String> = registers.iter().map(|r| r.month.to_string()).collect();
    assert_eq!(months, vec!["2024-04", "2024-06"]);
    assert_eq!(
        registers[1].path,
        PathBuf::from("content/registers/2024-06.csv")
    );
}

fn read_bytes(bytes: Vec<u8>) {
    let (file, findings) = read_register(
        bytes,
        PathBuf::from("content/registers/2024-05/x.csv"),
        YearMonth::new(2024, 5).unwrap(),
        &config(),
    );
    // Whatever the input, every finding says where it is, and records stay in order.
    for f in &findings {
        assert!(f.file.is_some());
        if let Some(s) = &f.snippet {
            assert!(s.offset + s.len <= s.text.len());
            assert!(s.text.is_char_boundary(s.offset) && s.text.is_char_boundary(s.offset + s.len));
        }
    }
    if let Some(file) = file {
        assert!(file
            .records
            .windows(2)
            .all(|w| w[0].origin.row < w[1].origin.row));
        assert!(file.records.iter().all(|r| r.origin.row > file.header_row));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_bytes(bytes);
    }

    #[test]
    fn csv_like_text_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("编号".to_string()), Just("隐患名称".to_string()), Just("单位名称".to_string()),
                Just("整改状态".to_string()), Just("发现日期".to_string()), Just("整改资金".to_string()),
                Just("挂牌督办".to_string()), Just("举报人".to_string()), Just(",".to_string()),
                Just("\t".to_string()), Just("\"".to_string()), Just("\r\n".to_string()),
                Just("\n".to_string()), Just("\r".to_string()), Just("２０２４年５月１２日".to_string()),
                Just("已整改".to_string()), Just("无".to_string()), "[ -~]{0,6}", "\\PC{0,3}",
            ],
            0..80,
        ),
        gbk in any::<bool>(),
    ) {
        let text = parts.concat();
        let bytes = if gbk {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        read_bytes(bytes);
    }
}

/// Twelve months of ten thousand rows (about 30 MB, half of it GBK). Run with
/// `cargo test --release --test load_registers -- --ignored --nocapture` to measure.
#[test]
#[ignore = "timing; run in release mode"]
fn twelve_months_of_ten_thousand_rows() {
    let dir = tempfile::tempdir().unwrap();
    let header = "序号,编号,隐患名称,单位名称,所在村,行业领域,隐患等级,隐患来源,挂牌督办,发现日期,整改措施,责任人,整改资金（万元）,整改时限,应急预案,整改状态,整改进度,完成日期,备注,举报人\r\n";
    let mut bytes_total = 0;
    for month in 1..=12u32 {
        let folder = dir
            .path()
            .join(format!("content/registers/2024-{month:02}"));
        std::fs::create_dir_all(&folder).unwrap();
        for part in 0..2 {
            let mut text = format!("南庄镇重大事故隐患台账（2024年{month}月）,,,,\r\n{header}");
            for i in 0..5_000 {
                let n = part * 5_000 + i;
                text.push_str(&format!(
                    "{n},NZ-{n:05},第{n}号车间配电箱未接地、电缆老化破损，存在触电和火灾风险,南庄镇第{i}机械制造有限公司,东庄村,工贸,{},企业自查,否,2024/{month}/{},\"更换电缆，重新接地，加装漏电保护器，并组织全员安全培训\",张{i},１２.５,2024年12月31日,触电事故现场处置方案,整改中,已完成{}%,,\"复查时发现，仍需跟踪\",李{i}\r\n",
                    if n % 10 == 0 { "重大" } else { "一般隐患" },
                    1 + n % 28,
                    n % 100,
                ));
            }
            let bytes = if part == 0 {
                encoding_rs::GB18030.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            };
            bytes_total += bytes.len();
            std::fs::write(folder.join(format!("part{part}.csv")), bytes).unwrap();
        }
    }
    // The best of three runs: the machine may be busy with other work.
    let mut best = std::time::Duration::MAX;
    let mut result = None;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        result = Some(load(dir.path()));
        best = best.min(started.elapsed());
    }
    let (registers, files, findings) = result.unwrap();
    let elapsed = best;
    println!(
        "loaded {files} files, {:.1} MB, {} rows in {elapsed:?}",
        bytes_total as f64 / 1e6,
        registers.iter().map(|r| r.records.len()).sum::<usize>()
    );
    assert!(
        findings.items.is_empty(),
        "{:?}",
        &findings.items[..3.min(findings.items.len())]
    );
    assert_eq!(files, 24);
    assert_eq!(
        registers.iter().map(|r| r.records.len()).sum::<usize>(),
        120_000
    );
    assert_eq!(registers[0].records[0].funds, Some(12.5));
}
