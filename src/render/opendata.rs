//! Open data: each month's published register as CSV, Excel workbook and JSON, and a
//! data dictionary.
//!
//! The county office imports these into its own systems, and residents open the CSV in
//! Excel or WPS, so the CSV is UTF-8 *with* a BOM (otherwise Excel on Chinese Windows
//! reads it as GBK and shows mojibake), has CRLF line ends, the canonical Chinese headers
//! of SPEC.md in its order, and cells that cannot run as formulas. Only the published
//! fields listed in [`FIELDS`] ever go out: values of private and unknown columns
//! (`HazardRecord::withheld`) are not even reachable from here.

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Disclosure, HazardEntry, MonthReport};

use super::urls;
use super::OutputFile;

mod xlsx;

pub(crate) use xlsx::width as column_width;

/// Where the data dictionary is written.
pub const DICTIONARY_PATH: &str = "data/dictionary.json";

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Free text.
    Text,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A decimal number.
    Number,
    /// A whole number.
    Integer,
    /// Yes or no (`是`/`否` in CSV, `true`/`false` in JSON).
    Boolean,
    /// One of a fixed set of Chinese labels ([`Field::allowed`]).
    Enum,
}

impl FieldType {
    /// The Chinese name shown on the data-dictionary page.
    pub fn label(self) -> &'static str {
        match self {
            FieldType::Text => "文本",
            FieldType::Date => "日期（YYYY-MM-DD）",
            FieldType::Number => "数字",
            FieldType::Integer => "整数",
            FieldType::Boolean => "是/否",
            FieldType::Enum => "限定取值",
        }
    }
}

/// One published field of the open data: its JSON key, CSV header, type, allowed values
/// and meaning. The page engineer renders the data-dictionary page from [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The JSON key (stable, English).
    pub key: &'static str,
    /// The CSV header (canonical Chinese, as in SPEC.md).
    pub header: &'static str,
    /// The kind of value.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// The only values an [`FieldType::Enum`] field takes; empty otherwise.
    pub allowed: &'static [&'static str],
    /// Always filled in.
    pub required: bool,
    /// Computed by gongkai rather than copied from the register.
    pub derived: bool,
    /// What the field means, in Chinese.
    pub meaning: &'static str,
}

const fn field(
    key: &'static str,
    header: &'static str,
    kind: FieldType,
    meaning: &'static str,
) -> Field {
    Field {
        key,
        header,
        kind,
        allowed: &[],
        required: false,
        derived: false,
        meaning,
    }
}

const fn required(mut f: Field) -> Field {
    f.required = true;
    f
}

const fn allowed(mut f: Field, values: &'static [&'static str]) -> Field {
    f.allowed = values;
    f
}

const fn derived(mut f: Field) -> Field {
    f.derived = true;
    f.required = true;
    f
}

/// Every published field, in the column order of the CSV (SPEC.md's table, then the
/// derived columns).
pub const FIELDS: &[Field] = &[
    required(field("id", "编号", FieldType::Text, "隐患编号，在同一月份内唯一，跨月份保持不变，可用来追踪同一隐患的整改过程。")),
    required(field("title", "隐患名称", FieldType::Text, "隐患的名称或描述。")),
    required(field("unit", "单位名称", FieldType::Text, "存在隐患的生产经营单位。")),
    field("locality", "所在村", FieldType::Text, "隐患所在的村（社区）。"),
    field("sector", "行业领域", FieldType::Text, "生产经营单位所属的行业领域。"),
    allowed(field("level", "隐患等级", FieldType::Enum, "隐患等级：重大事故隐患或一般事故隐患。"), &["重大", "一般"]),
    allowed(field("source", "隐患来源", FieldType::Enum, "发现隐患的途径。"), &["企业自查", "执法检查", "群众举报", "上级交办"]),
    required(field("supervised", "挂牌督办", FieldType::Boolean, "是否由政府或有关部门挂牌督办。")),
    field("supervisor", "督办单位", FieldType::Text, "挂牌督办的单位。"),
    field("basis", "判定依据", FieldType::Text, "判定为重大事故隐患所依据的标准及条款。"),
    field("found", "发现日期", FieldType::Date, "发现（排查出）隐患的日期。"),
    field("measures", "整改措施", FieldType::Text, "“五到位”之措施：整改的具体措施。"),
    field("owner", "责任人", FieldType::Text, "“五到位”之责任：整改责任人。"),
    field("funds", "整改资金（万元）", FieldType::Number, "“五到位”之资金：落实的整改资金，单位万元。"),
    field("deadline", "整改时限", FieldType::Date, "“五到位”之时限：应完成整改的日期。"),
    field("extended", "延期至", FieldType::Date, "经批准延期后的整改时限；填写后按此日期计算是否逾期。"),
    field("plan", "应急预案", FieldType::Text, "“五到位”之预案：整改完成前的应急预案或应急措施。"),
    required(allowed(field("status", "整改状态", FieldType::Enum, "本月公开时的整改状态。已销号指整改完成并经审核签字销号。"), &["未整改", "整改中", "已整改", "已销号"])),
    field("progress", "整改进度", FieldType::Text, "整改进展情况。"),
    field("done", "完成日期", FieldType::Date, "整改完成的日期。"),
    field("closed", "销号日期", FieldType::Date, "审核签字销号的日期。"),
    field("approver", "销号审核人", FieldType::Text, "审核签字同意销号的人员。"),
    field("notes", "备注", FieldType::Text, "其他说明。"),
    derived(field("overdue", "是否逾期", FieldType::Boolean, "截至当月公开日（site.toml 中的 disclosure_day），隐患未整改完成且已超过整改时限（有延期的按延期时限）。")),
    derived(field("overdue_days", "逾期天数", FieldType::Integer, "截至当月公开日已超过整改时限的天数；未逾期为 0。")),
];

/// Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV
/// injection"): such cells get a leading `'`.
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Makes `cell` safe to open in Excel/WPS: a value starting with `=`, `+`, `-`, `@`, tab
/// or carriage return is prefixed with `'` so it stays text.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_LEADS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A month's hazard as published: exactly the fields of [`FIELDS`], in that order, with
/// the keys of the JSON. Built from the record field by field so nothing unlisted can
/// slip out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedHazard {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub locality: Option<String>,
    pub sector: Option<String>,
    pub level: Option<&'static str>,
    pub source: Option<&'static str>,
    pub supervised: bool,
    pub supervisor: Option<String>,
    pub basis: Option<String>,
    pub found: Option<String>,
    pub measures: Option<String>,
    pub owner: Option<String>,
    pub funds: Option<f64>,
    pub deadline: Option<String>,
    pub extended: Option<String>,
    pub plan: Option<String>,
    pub status: &'static str,
    pub progress: Option<String>,
    pub done: Option<String>,
    pub closed: Option<String>,
    pub approver: Option<String>,
    pub notes: Option<String>,
    pub overdue: bool,
    pub overdue_days: i64,
}

impl PublishedHazard {
    /// The published view of one month's entry.
    pub fn from_entry(entry: &HazardEntry) -> Self {
        let r = &entry.record;
        let date = |d: Option<chrono::NaiveDate>| d.map(iso_date);
        PublishedHazard {
            id: r.id.clone(),
            title: r.title.clone(),
            unit: r.unit.clone(),
            locality: r.locality.clone(),
            sector: r.sector.clone(),
            level: r.level.map(|l| l.label()),
            source: r.source.map(|s| s.label()),
            supervised: r.supervised,
            supervisor: r.supervisor.clone(),
            basis: r.basis.clone(),
            found: date(r.found),
            measures: r.measures.clone(),
            owner: r.owner.clone(),
            funds: r.funds.filter(|f| f.is_finite()),
            deadline: date(r.deadline),
            extended: date(r.extended),
            plan: r.plan.clone(),
            status: r.status.label(),
            progress: r.progress.clone(),
            done: date(r.done),
            closed: date(r.closed),
            approver: r.approver.clone(),
            notes: r.notes.clone(),
            overdue: entry.is_overdue(),
            overdue_days: entry.overdue_days.unwrap_or(0).max(0),
        }
    }

    /// The CSV cells, in [`FIELDS`] order, before formula neutralisation.
    pub fn cells(&self) -> Vec<String> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
        vec![
            self.id.clone(),
            self.title.clone(),
            self.unit.clone(),
            text(&self.locality),
            text(&self.sector),
            self.level.unwrap_or_default().to_string(),
            self.source.unwrap_or_default().to_string(),
            yes_no(self.supervised),
            text(&self.supervisor),
            text(&self.basis),
            text(&self.found),
            text(&self.measures),
            text(&self.owner),
            // Rust prints f64 in the shortest form that reads back exactly, never in
            // exponent notation: 12.5, 3, 0.05.
            self.funds.map(|f| f.to_string()).unwrap_or_default(),
            text(&self.deadline),
            text(&self.extended),
            text(&self.plan),
            self.status.to_string(),
            text(&self.progress),
            text(&self.done),
            text(&self.closed),
            text(&self.approver),
            text(&self.notes),
            yes_no(self.overdue),
            self.overdue_days.to_string(),
        ]
    }
}

/// The JSON document of one month.
#[derive(Debug, Serialize)]
struct MonthDocument<'a> {
    /// `2024-05`
    month: String,
    /// The day figures are computed as of.
    due: String,
    disclosure_day: u32,
    issuer: &'a str,
    site: &'a str,
    dictionary: &'static str,
    count: usize,
    hazards: Vec<PublishedHazard>,
}

/// The data dictionary document.
#[derive(Debug, Serialize)]
struct DictionaryDocument<'a> {
    issuer: &'a str,
    description: &'static str,
    csv: &'static str,
    fields: &'static [Field],
}

/// Every open-data file of the site: `data/YYYY-MM.csv`, `data/YYYY-MM.xlsx` and
/// `data/YYYY-MM.json` per month, and [`DICTIONARY_PATH`].
pub fn render(site: &Disclosure) -> Vec<OutputFile> {
    // A county has twelve months of 10,000 rows: the months are made side by side
    // (in month order, so the output does not depend on the threads).
    let mut files: Vec<OutputFile> = site
        .months
        .par_iter()
        .flat_map_iter(|month| {
            let hazards: Vec<PublishedHazard> = month
                .entries
                .iter()
                .map(PublishedHazard::from_entry)
                .collect();
            [
                OutputFile {
                    path: urls::data_csv_path(month.month),
                    bytes: month_csv(&hazards),
                    source: None,
                },
                OutputFile {
                    path: urls::data_xlsx_path(month.month),
                    // Writing to memory fails only on a sheet name Excel refuses, and
                    // `2024-05` is not one; an empty file would be caught by tests.
                    bytes: xlsx::month_xlsx(
                        &hazards,
                        &month.month.to_string(),
                        &site.config.issuer,
                        month.due,
                    )
                    .unwrap_or_default(),
                    source: None,
                },
                OutputFile {
                    path: urls::data_json_path(month.month),
                    bytes: month_json(site, month, hazards),
                    source: None,
                },
            ]
        })
        .collect();
    files.push(OutputFile {
        path: DICTIONARY_PATH.to_string(),
        bytes: dictionary_json(site),
        source: None,
    });
    files
}

/// The CSV of a month: BOM, CRLF, canonical headers, neutralised cells.
pub fn month_csv(hazards: &[PublishedHazard]) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut bytes);
        // Writing to a Vec cannot fail, and every record has FIELDS.len() cells.
        let _ = writer.write_record(FIELDS.iter().map(|f| f.header));
        for hazard in hazards {
            let _ = writer.write_record(hazard.cells().iter().map(|c| neutralise(c)));
        }
        let _ = writer.flush();
    }
    bytes
}

fn month_json(site: &Disclosure, month: &MonthReport, hazards: Vec<PublishedHazard>) -> Vec<u8> {
    let document = MonthDocument {
        month: month.month.to_string(),
        due: iso_date(month.due),
        disclosure_day: site.config.disclosure_day,
        issuer: &site.config.issuer,
        site: &site.config.title,
        dictionary: "dictionary.json",
        count: hazards.len(),
        hazards,
    };
    // Compact: these are for import (a county's 10,000-row month would be several
    // megabytes larger pretty-printed); the dictionary is for people and is indented.
    let mut bytes = serde_json::to_vec(&document).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `2024-05-12` (integer formatting: chrono's `format` parses its pattern per call,
/// and a county's open data formats some 600,000 dates).
fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn dictionary_json(site: &Disclosure) -> Vec<u8> {
    to_json(&DictionaryDocument {
        issuer: &site.config.issuer,
        description: "每月重大事故隐患清单及整改情况的开放数据。每月一个 CSV 文件（UTF-8 带 BOM，可直接用 Excel、WPS 打开）和一个 JSON 文件，字段含义如下。以等号、加号、减号、@ 开头的 CSV 单元格前加了英文单引号，以防被表格软件当作公式执行。",
        csv: "data/YYYY-MM.csv",
        fields: FIELDS,
    })
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_leads_only() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+86 123"), "'+86 123");
        assert_eq!(neutralise("-3"), "'-3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("东庄村"), "东庄村");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn fields_are_unique_and_headers_canonical() {
        let mut keys: Vec<_> = FIELDS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FIELDS.len());
        assert_eq!(FIELDS[0].header, "编号");
        assert_eq!(FIELDS[FIELDS.len() - 2].header, "是否逾期");
        for f in FIELDS {
            assert_eq!(
                f.kind == FieldType::Enum,
                !f.allowed.is_empty(),
                "{}",
                f.key
            );
            assert!(!f.meaning.is_empty());
        }
    }

    #[test]
    fn cells_match_fields_and_json_keys() {
        let hazard = PublishedHazard {
            id: "NZ-1".into(),
            title: "t".into(),
            unit: "u".into(),
            locality: None,
            sector: None,
            level: Some("重大"),
            source: None,
            supervised: true,
            supervisor: None,
            basis: None,
            found: Some("2024-05-01".into()),
            measures: None,
            owner: None,
            funds: Some(12.5),
            deadline: None,
            extended: None,
            plan: None,
            status: "整改中",
            progress: None,
            done: None,
            closed: None,
            approver: None,
            notes: None,
            overdue: false,
            overdue_days: 0,
        };
        assert_eq!(hazard.cells().len(), FIELDS.len());
        let json = serde_json::to_value(&hazard).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(hazard.cells()[13], "12.5");
        assert_eq!(hazard.cells()[7], "是");
    }

    #[test]
    fn csv_has_bom_crlf_and_quotes() {
        let bytes = month_csv(&[]);
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with("是否逾期,逾期天数\r\n"));
        assert!(text.contains("整改资金（万元）"));
    }
}
