//! Open data end to end: the fixture town (GBK registers, title lines, aliases, private
//! columns) loaded, checked and modelled by the library, with formula-like cells added,
//! then `render::opendata::render`. The CSV is read back with the `csv` crate and
//! compared with the model field by field, formatted here independently of the code
//! under test.

mod common;

use std::collections::BTreeMap;

use common::TempSite;
use gongkai::check::rules;
use gongkai::diag::Findings;
use gongkai::hazard::HazardRecord;
use gongkai::load::{self, LoadedSite};
use gongkai::model::{self, Disclosure, HazardEntry};
use gongkai::render::opendata::{self, FIELDS};

/// SPEC.md's canonical headers in its order, then the derived columns.
const HEADERS: [&str; 25] = [
    "编号",
    "隐患名称",
    "单位名称",
    "所在村",
    "行业领域",
    "隐患等级",
    "隐患来源",
    "挂牌督办",
    "督办单位",
    "判定依据",
    "发现日期",
    "整改措施",
    "责任人",
    "整改资金（万元）",
    "整改时限",
    "延期至",
    "应急预案",
    "整改状态",
    "整改进度",
    "完成日期",
    "销号日期",
    "销号审核人",
    "备注",
    "是否逾期",
    "逾期天数",
];

struct Fixture {
    _site: TempSite,
    /// Every value of a private or unknown column, from the loaded registers.
    withheld: Vec<String>,
    disclosure: Disclosure,
    /// Output path → bytes.
    files: BTreeMap<String, Vec<u8>>,
}

fn load_checked(site: &TempSite) -> LoadedSite {
    let mut findings = Findings::default();
    let loaded = load::load_site(site.root(), &mut findings).expect("site loads");
    rules::check_site(&loaded, &mut findings);
    let errors: Vec<_> = findings.items.iter().filter(|f| f.is_error()).collect();
    assert!(errors.is_empty(), "fixture has errors: {errors:#?}");
    loaded
}

/// The town, with a formula in a GBK register cell and more formula-like values put
/// into the loaded records (tab and CR cannot survive the loader's trimming).
fn fixture() -> Fixture {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "已安装,",
        "=HYPERLINK(\"http://evil.example\"，\"点我\"),",
    );
    let mut loaded = load_checked(&site);
    let march = loaded
        .registers
        .iter_mut()
        .find(|r| {
            r.month.to_string() == "2025-03" && r.path.to_string_lossy().ends_with("执法队.csv")
        })
        .expect("March 执法队 register");
    let record = std::sync::Arc::make_mut(&mut march.records[0]);
    record.notes = Some("\t=1+1".to_string());
    record.basis = Some("\r@SUM(A1:A9)".to_string());
    record.supervisor = Some("+县应急管理局".to_string());
    record.measures = Some("-停止浇筑，\"专家\"论证, 再搭设".to_string());

    let withheld: Vec<String> = loaded
        .registers
        .iter()
        .flat_map(|r| &r.records)
        .flat_map(|r| r.withheld.clone())
        .collect();
    let disclosure = model::build(loaded);
    let files = opendata::render(&disclosure)
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    Fixture {
        _site: site,
        withheld,
        disclosure,
        files,
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// What the CSV must hold for `entry`, before neutralisation.
fn expected_cells(entry: &HazardEntry) -> Vec<String> {
    let r: &HazardRecord = &entry.record;
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    vec![
        r.id.clone(),
        r.title.clone(),
        r.unit.clone(),
        text(&r.locality),
        text(&r.sector),
        r.level.map(|l| l.label().to_string()).unwrap_or_default(),
        r.source.map(|s| s.label().to_string()).unwrap_or_default(),
        yes_no(r.supervised),
        text(&r.supervisor),
        text(&r.basis),
        date(r.found),
        text(&r.measures),
        text(&r.owner),
        r.funds.map(|f| f.to_string()).unwrap_or_default(),
        date(r.deadline),
        date(r.extended),
        text(&r.plan),
        r.status.label().to_string(),
        text(&r.progress),
        date(r.done),
        date(r.closed),
        text(&r.approver),
        text(&r.notes),
        yes_no(entry.overdue_days.is_some()),
        entry.overdue_days.unwrap_or(0).to_string(),
    ]
}

fn is_formula_lead(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn safe(cell: String) -> String {
    if is_formula_lead(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Reads a CSV as written: checks and strips the BOM, returns header and rows.
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let body = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .expect("CSV starts with a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_round_trip_equals_model() {
    let fx = fixture();
    assert_eq!(fx.disclosure.months.len(), 3);
    for month in &fx.disclosure.months {
        let path = format!("data/{}.csv", month.month);
        let bytes = &fx.files[&path];
        let text = std::str::from_utf8(bytes).unwrap();
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{path}: every line ends in CRLF"
        );
        let (header, rows) = read_csv(bytes);
        assert_eq!(header, HEADERS, "{path}");
        assert_eq!(rows.len(), month.entries.len(), "{path}");
        for (row, entry) in rows.iter().zip(&month.entries) {
            let expected: Vec<String> = expected_cells(entry).into_iter().map(safe).collect();
            assert_eq!(row, &expected, "{path}, hazard {}", entry.record.id);
        }
    }
    // Chinese labels and normalised values really arrive.
    let (_, rows) = read_csv(&fx.files["data/2025-01.csv"]);
    let jc002 = rows.iter().find(|r| r[0] == "JC-002").unwrap();
    assert_eq!(jc002[5], "重大");
    assert_eq!(jc002[6], "企业自查");
    assert_eq!(jc002[10], "2025-01-03");
    assert_eq!(jc002[13], "2.5");
    assert_eq!(jc002[17], "整改中");
}

#[test]
fn every_formula_leading_cell_is_neutralised() {
    let fx = fixture();
    let mut neutralised = Vec::new();
    for (path, bytes) in fx.files.iter().filter(|(p, _)| p.ends_with(".csv")) {
        let (header, rows) = read_csv(bytes);
        for cell in header.iter().chain(rows.iter().flatten()) {
            assert!(
                !is_formula_lead(cell),
                "{path}: cell {cell:?} would run as a formula"
            );
            if cell.starts_with('\'') {
                neutralised.push(cell.clone());
            }
        }
    }
    for injected in [
        "'=HYPERLINK(\"http://evil.example\"，\"点我\")",
        "'\t=1+1",
        "'\r@SUM(A1:A9)",
        "'+县应急管理局",
        "'-停止浇筑，\"专家\"论证, 再搭设",
    ] {
        assert!(
            neutralised.iter().any(|c| c == injected),
            "{injected:?} not found neutralised in {neutralised:?}"
        );
    }
}

#[test]
fn json_parses_and_matches_model() {
    let fx = fixture();
    let keys: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
    for month in &fx.disclosure.months {
        let path = format!("data/{}.json", month.month);
        let doc: serde_json::Value = serde_json::from_slice(&fx.files[&path]).expect("valid JSON");
        assert_eq!(doc["month"], month.month.to_string());
        assert_eq!(doc["due"], month.due.format("%Y-%m-%d").to_string());
        assert_eq!(doc["disclosure_day"], 25);
        assert_eq!(doc["issuer"], "示例县甲乡人民政府");
        let hazards = doc["hazards"].as_array().unwrap();
        assert_eq!(doc["count"], hazards.len());
        assert_eq!(hazards.len(), month.entries.len());
        for (h, entry) in hazards.iter().zip(&month.entries) {
            let r = &entry.record;
            let mut got: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
            let mut want = keys.clone();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{path}: keys of {}", r.id);
            assert_eq!(h["id"], r.id);
            assert_eq!(h["title"], r.title);
            assert_eq!(h["status"], r.status.label());
            assert_eq!(
                h["level"],
                r.level
                    .map(|l| l.label())
                    .map_or(serde_json::Value::Null, Into::into)
            );
            assert_eq!(h["supervised"], r.supervised);
            assert_eq!(
                h["found"],
                r.found
                    .map(|d| d.to_string())
                    .map_or(serde_json::Value::Null, Into::into)
            );
            assert_eq!(h["funds"].as_f64(), r.funds);
            assert_eq!(
                h["notes"],
                r.notes.clone().map_or(serde_json::Value::Null, Into::into),
                "JSON is not neutralised"
            );
            assert_eq!(h["overdue"], entry.overdue_days.is_some());
            assert_eq!(h["overdue_days"], entry.overdue_days.unwrap_or(0));
        }
    }
}

#[test]
fn dictionary_describes_every_published_column() {
    let fx = fixture();
    let doc: serde_json::Value =
        serde_json::from_slice(&fx.files[opendata::DICTIONARY_PATH]).expect("valid JSON");
    let fields = doc["fields"].as_array().unwrap();
    let headers: Vec<&str> = fields
        .iter()
        .map(|f| f["header"].as_str().unwrap())
        .collect();
    assert_eq!(headers, HEADERS);
    let status = fields.iter().find(|f| f["key"] == "status").unwrap();
    assert_eq!(
        status["allowed"],
        serde_json::json!(["未整改", "整改中", "已整改", "已销号"])
    );
    for f in fields {
        assert!(!f["meaning"].as_str().unwrap().is_empty());
        assert!(f["type"].is_string());
    }
}

#[test]
fn no_withheld_value_anywhere() {
    let fx = fixture();
    assert!(
        fx.withheld.iter().any(|v| v == "李举报"),
        "fixture withholds: {:?}",
        fx.withheld
    );
    assert!(fx.withheld.iter().any(|v| v.contains("13912345678")));
    // CSV, workbook and JSON per month, and the dictionary.
    let expected_files = fx.disclosure.months.len() * 3 + 1;
    assert_eq!(fx.files.len(), expected_files);
    for (path, bytes) in &fx.files {
        let text = if path.ends_with(".xlsx") {
            workbook_text(bytes)
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        assert!(!text.is_empty(), "{path} is empty");
        for value in &fx.withheld {
            assert!(
                !text.contains(value.as_str()),
                "{path} contains withheld {value:?}"
            );
        }
        assert!(!text.contains("举报人"), "{path} names a private column");
    }
}

/// Every part of a workbook, inflated, one after the other.
fn workbook_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_string(&mut text).unwrap();
    }
    assert!(text.contains("<worksheet"), "a worksheet");
    text
}

#[test]
fn output_is_deterministic() {
    let a = fixture();
    let b = fixture();
    assert_eq!(a.files, b.files);
}
