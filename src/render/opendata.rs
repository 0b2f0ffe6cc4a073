//! Open data: each month's published register as CSV, Excel workbook and JSON, and a
//! data dictionary.
//!
//! The county office imports these into its own systems, and residents open the CSV in
//! Excel or WPS, so the CSV is UTF-8 *with* a BOM (otherwise Excel on Chinese Windows
//! reads it as GBK and shows mojibake), has CRLF line ends, the canonical Chinese headers
//! of SPEC.md in its order, and cells that cannot run as formulas. Only the published
//! fields listed in [`FIELDS`] ever go out: values of private and unknown columns
//! (`HazardRecord::withheld`) are not even reachable from here.

use std::sync::LazyLock;

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::Serialize;

use crate::hazard::{HazardRecord, YearMonth};
use crate::model::{Disclosure, HazardEntry, MonthReport};
use crate::schema::{self, iso_date, Cell, Kind};

use super::urls;
use super::OutputFile;

mod xlsx;

pub(crate) use xlsx::same_bytes_on_every_platform;
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

impl FieldType {
    /// The open-data type of a schema column's kind.
    fn of(kind: Kind) -> FieldType {
        match kind {
            Kind::Text => FieldType::Text,
            Kind::Date => FieldType::Date,
            Kind::Number => FieldType::Number,
            Kind::Supervised => FieldType::Boolean,
            Kind::Level | Kind::Source | Kind::Status => FieldType::Enum,
        }
    }
}

/// The columns gongkai computes, after the register's.
const DERIVED: [Field; 2] = [
    Field {
        key: "overdue",
        header: "是否逾期",
        kind: FieldType::Boolean,
        allowed: &[],
        required: true,
        derived: true,
        meaning: "截至当月公开日（site.toml 中的 disclosure_day），隐患未整改完成且已超过整改时限（有延期的按延期时限）。",
    },
    Field {
        key: "overdue_days",
        header: "逾期天数",
        kind: FieldType::Integer,
        allowed: &[],
        required: true,
        derived: true,
        meaning: "截至当月公开日已超过整改时限的天数；未逾期为 0。",
    },
];

/// Every published field, in the column order of the CSV: the register schema's
/// published columns ([`schema::published`]), then the derived columns.
pub static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(|| {
    schema::published()
        .map(|c| Field {
            key: c.key,
            header: c.headers[0],
            kind: FieldType::of(c.kind),
            allowed: c.kind.labels(),
            required: c.required || c.filled,
            derived: false,
            meaning: c.meaning,
        })
        .chain(DERIVED)
        .collect()
});

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
/// the keys of the JSON. Read from the record through the schema's published columns,
/// so nothing unlisted can slip out.
#[derive(Debug, Clone, Copy)]
pub struct PublishedHazard<'a> {
    record: &'a HazardRecord,
    overdue: bool,
    overdue_days: i64,
}

impl<'a> PublishedHazard<'a> {
    /// The published view of one month's entry.
    pub fn from_entry(entry: &'a HazardEntry) -> Self {
        PublishedHazard {
            record: &entry.record,
            overdue: entry.is_overdue(),
            overdue_days: entry.overdue_days.unwrap_or(0).max(0),
        }
    }

    /// The CSV cells, in [`FIELDS`] order, before formula neutralisation.
    pub fn cells(&self) -> Vec<String> {
        let mut cells = schema::published_cells(self.record);
        cells.push(yes_no(self.overdue));
        cells.push(self.overdue_days.to_string());
        cells
    }
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

impl Serialize for PublishedHazard<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(FIELDS.len()))?;
        for column in schema::published() {
            match column.get(self.record) {
                Cell::Empty => map.serialize_entry(column.key, &None::<()>)?,
                Cell::Text(text) => map.serialize_entry(column.key, text)?,
                Cell::Date(date) => map.serialize_entry(column.key, &iso_date(date))?,
                Cell::Number(number) => map.serialize_entry(column.key, &number)?,
                Cell::Yes(yes) => map.serialize_entry(column.key, &yes)?,
                Cell::Label(label) => map.serialize_entry(column.key, label)?,
            }
        }
        map.serialize_entry(DERIVED[0].key, &self.overdue)?;
        map.serialize_entry(DERIVED[1].key, &self.overdue_days)?;
        map.end()
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
    hazards: Vec<PublishedHazard<'a>>,
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
/// `data/YYYY-MM.json` per month ([`month_files`]), and [`DICTIONARY_PATH`].
pub fn render(site: &Disclosure) -> Vec<OutputFile> {
    // A county has twelve months of 10,000 rows: the months are made side by side
    // (in month order, so the output does not depend on the threads).
    let mut files: Vec<OutputFile> = site
        .months
        .par_iter()
        .flat_map_iter(|month| month_files(site, month))
        .collect();
    files.push(dictionary(site));
    files
}

/// The paths of a month's open data, in the order of [`month_files`].
pub fn month_paths(month: YearMonth) -> [String; 3] {
    [
        urls::data_csv_path(month),
        urls::data_xlsx_path(month),
        urls::data_json_path(month),
    ]
}

/// A month's open data: CSV, workbook and JSON (the paths of [`month_paths`]).
pub fn month_files(site: &Disclosure, month: &MonthReport) -> [OutputFile; 3] {
    let hazards: Vec<PublishedHazard> = month
        .entries
        .iter()
        .map(PublishedHazard::from_entry)
        .collect();
    let [csv_path, xlsx_path, json_path] = month_paths(month.month);
    [
        OutputFile {
            path: csv_path,
            bytes: month_csv(&hazards),
            source: None,
        },
        OutputFile {
            path: xlsx_path,
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
            path: json_path,
            bytes: month_json(site, month, hazards),
            source: None,
        },
    ]
}

/// The data dictionary, [`DICTIONARY_PATH`].
pub fn dictionary(site: &Disclosure) -> OutputFile {
    OutputFile {
        path: DICTIONARY_PATH.to_string(),
        bytes: dictionary_json(site),
        source: None,
    }
}

/// The CSV of a month: BOM, CRLF, canonical headers, neutralised cells.
pub fn month_csv(hazards: &[PublishedHazard<'_>]) -> Vec<u8> {
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

fn month_json<'a>(
    site: &'a Disclosure,
    month: &MonthReport,
    hazards: Vec<PublishedHazard<'a>>,
) -> Vec<u8> {
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

fn dictionary_json(site: &Disclosure) -> Vec<u8> {
    to_json(&DictionaryDocument {
        issuer: &site.config.issuer,
        description: "每月重大事故隐患清单及整改情况的开放数据。每月一个 CSV 文件（UTF-8 带 BOM，可直接用 Excel、WPS 打开）和一个 JSON 文件，字段含义如下。以等号、加号、减号、@ 开头的 CSV 单元格前加了英文单引号，以防被表格软件当作公式执行。",
        csv: "data/YYYY-MM.csv",
        fields: &FIELDS,
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
        for f in FIELDS.iter() {
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
        let entry = HazardEntry {
            record: std::sync::Arc::new(HazardRecord {
                level: Some(crate::hazard::Level::Major),
                supervised: true,
                found: chrono::NaiveDate::from_ymd_opt(2024, 5, 1),
                funds: Some(12.5),
                ..HazardRecord::sample("NZ-1", crate::hazard::Status::InProgress)
            }),
            ..crate::model::test_entry("NZ-1", crate::hazard::Status::InProgress, false)
        };
        let hazard = PublishedHazard::from_entry(&entry);
        assert_eq!(hazard.cells().len(), FIELDS.len());
        let json = serde_json::to_value(hazard).unwrap();
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
