//! The columns of a hazard register (SPEC.md's table): canonical headers, aliases, and
//! how a file's header row maps onto them.
//!
//! Matching is on [`normalize_header`] (NFKC, white space removed), so `整改资金（万元）`,
//! `整改资金(万元)` and `整改 资金（万元）` are one header. A column that is private
//! (`SiteConfig::is_private_column`) or not in the table is never published: its header
//! goes to `unpublished_columns` and its values to the record's `withheld`.

use std::sync::LazyLock;

use csv::StringRecord;

use crate::config::SiteConfig;
use crate::diag::normalize_header;
use crate::load::table::Row;
use crate::load::values::{LEVEL_VALUES, SOURCE_VALUES, STATUS_VALUES};

/// A field of [`HazardRecord`](crate::hazard::HazardRecord) that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Id,
    Title,
    Unit,
    Locality,
    Sector,
    Level,
    Source,
    Supervised,
    Supervisor,
    Basis,
    Found,
    Measures,
    Owner,
    Funds,
    Deadline,
    Extended,
    Plan,
    Status,
    Progress,
    Done,
    Closed,
    Approver,
    Notes,
}

/// Headers as SPEC.md writes them: the canonical one first, then the aliases.
const HEADERS: &[(Field, &[&str])] = &[
    (Field::Id, &["编号", "隐患编号"]),
    (
        Field::Title,
        &["隐患名称", "隐患描述", "隐患内容", "存在问题"],
    ),
    (Field::Unit, &["单位名称", "企业名称", "生产经营单位"]),
    (Field::Locality, &["所在村", "属地", "村（社区）", "所属村"]),
    (Field::Sector, &["行业领域", "行业", "领域"]),
    (Field::Level, &["隐患等级", "等级"]),
    (Field::Source, &["隐患来源", "来源", "发现方式"]),
    (Field::Supervised, &["挂牌督办"]),
    (Field::Supervisor, &["督办单位"]),
    (Field::Basis, &["判定依据"]),
    (Field::Found, &["发现日期", "排查日期"]),
    (Field::Measures, &["整改措施"]),
    (Field::Owner, &["责任人", "整改责任人"]),
    (Field::Funds, &["整改资金（万元）", "整改资金", "资金"]),
    (
        Field::Deadline,
        &["整改时限", "整改期限", "完成时限", "最迟整改完成时间"],
    ),
    (Field::Extended, &["延期至", "延期时限"]),
    (Field::Plan, &["应急预案", "预案", "应急措施"]),
    (Field::Status, &["整改状态", "状态"]),
    (Field::Progress, &["整改进度", "进展情况"]),
    (Field::Done, &["完成日期", "整改完成日期"]),
    (Field::Closed, &["销号日期"]),
    (Field::Approver, &["销号审核人", "审核人"]),
    (Field::Notes, &["备注"]),
];

/// Number of fields.
const FIELD_COUNT: usize = 23;

/// The fields a row must name to be taken for the header.
pub const REQUIRED_FOR_HEADER: [Field; 2] = [Field::Id, Field::Title];

/// Normalised header → field, built once.
static LOOKUP: LazyLock<Vec<(String, Field)>> = LazyLock::new(|| {
    HEADERS
        .iter()
        .flat_map(|(field, names)| names.iter().map(|n| (normalize_header(n), *field)))
        .collect()
});

impl Field {
    /// The header SPEC.md gives the field.
    pub fn canonical(self) -> &'static str {
        self.names()[0]
    }

    /// Every accepted header, canonical first.
    pub fn aliases(self) -> &'static [&'static str] {
        self.names()
    }

    fn names(self) -> &'static [&'static str] {
        HEADERS
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, names)| *names)
            .unwrap_or(&[""])
    }

    /// The field a header names, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = normalize_header(header);
        if key.is_empty() {
            return None;
        }
        LOOKUP.iter().find(|(k, _)| *k == key).map(|(_, f)| *f)
    }

    /// Code, message and help for a value of this field that cannot be read.
    pub fn unreadable(self, value: &str) -> (&'static str, String, String) {
        let name = self.canonical();
        match self {
            Field::Level => (
                "unknown-level",
                format!("隐患等级「{value}」无法识别"),
                format!("隐患等级请填写：{LEVEL_VALUES}。"),
            ),
            Field::Source => (
                "unknown-source",
                format!("隐患来源「{value}」无法识别"),
                format!("隐患来源请填写以下之一：{SOURCE_VALUES}。"),
            ),
            Field::Status => (
                "unknown-status",
                format!("整改状态「{value}」无法识别"),
                format!("整改状态请填写以下之一：{STATUS_VALUES}。"),
            ),
            Field::Funds => (
                "bad-number",
                format!("{name}「{value}」不是有效的数字"),
                "请只填写以万元为单位的非负数字，例如 12.5（可写作 12.5万元）；不要写“元”或其他文字，说明可写在备注中。"
                    .to_string(),
            ),
            _ => (
                "bad-date",
                format!("{name}「{value}」不是有效的日期"),
                "请写成 2024-05-12、2024/5/12 或 2024年5月12日 这样的完整日期（年、月、日都要有，且日期真实存在）。"
                    .to_string(),
            ),
        }
    }
}

/// Number of cells of `record` that name a known field.
pub fn known_count(record: &StringRecord) -> usize {
    record.iter().filter_map(Field::from_header).count()
}

/// True when some cell of `record` names `field`.
pub fn has_field(record: &StringRecord, field: Field) -> bool {
    record.iter().any(|c| Field::from_header(c) == Some(field))
}

/// True when `record` can be the header row: it names the id and title columns.
pub fn is_header(record: &StringRecord) -> bool {
    REQUIRED_FOR_HEADER.iter().all(|f| has_field(record, *f))
}

/// When the row under the header is a second header row (Excel's merged group
/// headers: `五到位落实情况` spanning `整改措施`, `责任人` … in the row below), the
/// header the two make together: the lower cell where it has one, else the upper.
/// `None` when `next` is an ordinary row.
pub fn two_row_header(header: &StringRecord, next: &StringRecord) -> Option<StringRecord> {
    let mut named = 0;
    for (i, cell) in next
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
    {
        // A workbook's header cell merged down over both rows is read into both.
        if header.get(i) == Some(cell) {
            continue;
        }
        // Any other cell that is not a column name makes this an ordinary row.
        Field::from_header(cell)?;
        named += 1;
    }
    if named == 0 {
        return None;
    }
    let width = header.len().max(next.len());
    let combined: StringRecord = (0..width)
        .map(|i| {
            let lower = next.get(i).unwrap_or("");
            if lower.trim().is_empty() {
                header.get(i).unwrap_or("")
            } else {
                lower
            }
        })
        .collect();
    is_header(&combined).then_some(combined)
}

/// What a column of a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Fills a published field.
    Field(Field),
    /// Private or unknown: never published.
    Withheld,
    /// No header; values found under it are withheld too.
    Unnamed,
}

/// How a file's columns map onto fields.
#[derive(Debug, Clone)]
pub struct Layout {
    fields: [Option<usize>; FIELD_COUNT],
    headers: Vec<String>,
    columns: Vec<Column>,
    /// Fields named by two columns: (field, first header, second header), as written.
    pub duplicates: Vec<(Field, String, String)>,
}

impl Layout {
    /// Maps the header row's columns.
    pub fn new(header: &Row, config: &SiteConfig) -> Layout {
        let mut layout = Layout {
            fields: [None; FIELD_COUNT],
            headers: Vec::with_capacity(header.record.len()),
            columns: Vec::with_capacity(header.record.len()),
            duplicates: Vec::new(),
        };
        for (i, cell) in header.record.iter().enumerate() {
            let written = cell.trim().to_string();
            let key = normalize_header(cell);
            let column = if key.is_empty() {
                Column::Unnamed
            } else if config.is_private_column(&key) {
                Column::Withheld
            } else {
                match Field::from_header(cell) {
                    Some(field) => match layout.fields[field as usize] {
                        Some(first) => {
                            layout.duplicates.push((
                                field,
                                layout.headers[first].clone(),
                                written.clone(),
                            ));
                            Column::Withheld
                        }
                        None => {
                            layout.fields[field as usize] = Some(i);
                            Column::Field(field)
                        }
                    },
                    None => Column::Withheld,
                }
            };
            layout.headers.push(written);
            layout.columns.push(column);
        }
        layout
    }

    /// The column index of `field`, when the file has it.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.fields[field as usize]
    }

    /// The header of `field` as written in the file, or the canonical one.
    pub fn header_of(&self, field: Field) -> String {
        self.index(field)
            .and_then(|i| self.headers.get(i))
            .cloned()
            .unwrap_or_else(|| field.canonical().to_string())
    }

    /// True when every published column of the row is empty: a numbered but unused
    /// template row (only `序号` filled in), not a hazard.
    pub fn has_no_published_value(&self, row: &Row) -> bool {
        self.fields
            .iter()
            .flatten()
            .all(|&i| row.cell(i).trim().is_empty())
    }

    /// True when the row repeats the header (as when tables are pasted together).
    pub fn is_repeated_header(&self, row: &Row) -> bool {
        let names = |field: Field| {
            self.index(field).is_some_and(|i| {
                let cell = row.cell(i);
                // Ids are nearly always ASCII; skip the normalisation for them.
                !cell.is_ascii() && Field::from_header(cell) == Some(field)
            })
        };
        names(Field::Id) && names(Field::Title)
    }

    /// The non-blank values of a row's withheld columns, including cells under no
    /// header and cells beyond the header's last column.
    pub fn withheld(&self, row: &Row) -> Vec<String> {
        row.record
            .iter()
            .enumerate()
            .filter(|(i, _)| !matches!(self.columns.get(*i), Some(Column::Field(_))))
            .map(|(_, cell)| cell.trim())
            .filter(|cell| !cell.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The headers of unpublished columns as written: every private or unknown column,
    /// and (as `第N列（无表头）`) every column without a header that holds a value.
    pub fn unpublished(&self, rows: &[Row]) -> Vec<String> {
        let mut out: Vec<String> = self
            .columns
            .iter()
            .zip(&self.headers)
            .filter(|(c, _)| **c == Column::Withheld)
            .map(|(_, h)| h.clone())
            .collect();
        let widest = rows.iter().map(|r| r.record.len()).max().unwrap_or(0);
        for i in 0..widest.max(self.columns.len()) {
            let unnamed = matches!(self.columns.get(i), Some(Column::Unnamed) | None);
            if unnamed && rows.iter().any(|r| !r.cell(i).trim().is_empty()) {
                out.push(format!("第{}列（无表头）", i + 1));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            number: 3,
            span: 0..0,
            record: StringRecord::from(cells.to_vec()),
        }
    }

    fn config() -> SiteConfig {
        let mut findings = crate::diag::Findings::default();
        SiteConfig::parse(
            "title = \"t\"\nissuer = \"i\"\nbase_url = \"https://x/\"\n[register]\nprivate_columns = [\"联系人手机\"]\n",
            &mut findings,
        )
        .expect("config")
    }

    #[test]
    fn every_alias_maps_to_its_field() {
        assert_eq!(HEADERS.len(), FIELD_COUNT);
        for (i, (field, names)) in HEADERS.iter().enumerate() {
            assert_eq!(*field as usize, i);
            for name in *names {
                assert_eq!(Field::from_header(name), Some(*field), "{name}");
            }
        }
        assert_eq!(Field::from_header(" 整改资金(万元) "), Some(Field::Funds));
        assert_eq!(Field::from_header("整改 资金（万元）"), Some(Field::Funds));
        assert_eq!(Field::from_header("村(社区)"), Some(Field::Locality));
        assert_eq!(
            Field::from_header("最迟整改完成时间"),
            Some(Field::Deadline)
        );
        assert_eq!(Field::from_header("序号"), None);
        assert_eq!(Field::from_header(""), None);
    }

    #[test]
    fn layout_sorts_columns() {
        let header = row(&[
            "隐患编号",
            "隐患描述",
            "企业名称",
            "举报人",
            "联系人手机",
            "序号",
            "",
            "责任人",
            "整改责任人",
        ]);
        let layout = Layout::new(&header, &config());
        assert_eq!(layout.index(Field::Id), Some(0));
        assert_eq!(layout.index(Field::Owner), Some(7));
        assert_eq!(layout.header_of(Field::Title), "隐患描述");
        assert_eq!(layout.header_of(Field::Notes), "备注");
        assert_eq!(
            layout.duplicates,
            vec![(Field::Owner, "责任人".to_string(), "整改责任人".to_string())]
        );
        let data = [row(&[
            "1", "a", "b", "张三", "139", "7", "x", "王", "", "extra",
        ])];
        assert_eq!(
            layout.unpublished(&data),
            vec![
                "举报人",
                "联系人手机",
                "序号",
                "整改责任人",
                "第7列（无表头）",
                "第10列（无表头）"
            ]
        );
        assert_eq!(
            layout.withheld(&data[0]),
            vec!["张三", "139", "7", "x", "extra"]
        );
    }

    #[test]
    fn two_row_headers_and_skipped_rows() {
        let upper = StringRecord::from(vec![
            "编号",
            "隐患名称",
            "单位名称",
            "五到位落实情况",
            "",
            "备注",
        ]);
        let lower = StringRecord::from(vec!["", "", "", "整改措施", "责任人", ""]);
        let combined = two_row_header(&upper, &lower).unwrap();
        assert_eq!(
            combined.iter().collect::<Vec<_>>(),
            vec!["编号", "隐患名称", "单位名称", "整改措施", "责任人", "备注"]
        );
        let data = StringRecord::from(vec!["1", "a", "b", "措施", "", ""]);
        assert_eq!(two_row_header(&upper, &data), None);
        assert_eq!(
            two_row_header(&upper, &StringRecord::from(vec!["", ""])),
            None
        );

        let layout = Layout::new(&row(&["序号", "编号", "隐患名称"]), &config());
        assert!(layout.has_no_published_value(&row(&["3", " ", ""])));
        assert!(!layout.has_no_published_value(&row(&["3", "", "a"])));
        assert!(layout.is_repeated_header(&row(&["序号", "隐患编号", "隐患名称"])));
        assert!(!layout.is_repeated_header(&row(&["1", "NZ-1", "隐患名称"])));
    }

    #[test]
    fn header_detection() {
        assert!(is_header(&StringRecord::from(vec!["编号", "隐患名称"])));
        assert!(is_header(&StringRecord::from(vec![
            "隐患编号",
            "存在问题",
            "单位名称"
        ])));
        assert!(!is_header(&StringRecord::from(vec!["编号", "单位名称"])));
        assert!(!is_header(&StringRecord::from(vec![
            "南庄镇重大事故隐患台账（2024年5月）"
        ])));
    }
}
