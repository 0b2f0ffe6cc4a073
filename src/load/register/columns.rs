//! How a file's header row maps onto the columns of the register schema
//! ([`crate::schema`]: canonical headers, aliases, kinds).
//!
//! Matching is on [`normalize_header`] (NFKC, white space removed), so `整改资金（万元）`,
//! `整改资金(万元)` and `整改 资金（万元）` are one header. A column that is private
//! (`SiteConfig::is_private_column`) or not in the table is never published: its header
//! goes to `unpublished_columns` and its values to the record's `withheld`.

use csv::StringRecord;

use crate::config::SiteConfig;
use crate::diag::normalize_header;
use crate::load::table::Row;
use crate::load::values::{LEVEL_VALUES, SOURCE_VALUES, STATUS_VALUES};
use crate::schema::{Kind, COLUMNS};

pub use crate::schema::Field;

/// Number of columns of the schema.
const FIELD_COUNT: usize = COLUMNS.len();

/// The fields a row must name to be taken for the header.
pub const REQUIRED_FOR_HEADER: [Field; 2] = [Field::Id, Field::Title];

/// Code, message and help for a cell of `field` that cannot be read, from the kind of
/// value the schema gives the field.
pub fn unreadable(field: Field, value: &str) -> (&'static str, String, String) {
    let name = field.canonical();
    match field.column().kind {
        Kind::Level => (
            "unknown-level",
            format!("隐患等级「{value}」无法识别"),
            format!("隐患等级请填写：{LEVEL_VALUES}。"),
        ),
        Kind::Source => (
            "unknown-source",
            format!("隐患来源「{value}」无法识别"),
            format!("隐患来源请填写以下之一：{SOURCE_VALUES}。"),
        ),
        Kind::Status => (
            "unknown-status",
            format!("整改状态「{value}」无法识别"),
            format!("整改状态请填写以下之一：{STATUS_VALUES}。"),
        ),
        Kind::Number => (
            "bad-number",
            format!("{name}「{value}」不是有效的数字"),
            "请只填写以万元为单位的非负数字，例如 12.5（可写作 12.5万元）；不要写“元”或其他文字，说明可写在备注中。"
                .to_string(),
        ),
        // Text and yes/no cells always read; what is left is a date.
        Kind::Date | Kind::Text | Kind::Supervised => (
            "bad-date",
            format!("{name}「{value}」不是有效的日期"),
            "请写成 2024-05-12、2024/5/12 或 2024年5月12日 这样的完整日期（年、月、日都要有，且日期真实存在）。"
                .to_string(),
        ),
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

    /// The header of each value [`ColumnLayout::withheld`] returns for `row`, in the
    /// same order.
    pub fn withheld_headers(&self, row: &Row) -> Vec<String> {
        row.record
            .iter()
            .enumerate()
            .filter(|(i, _)| !matches!(self.columns.get(*i), Some(Column::Field(_))))
            .filter(|(_, cell)| !cell.trim().is_empty())
            .map(|(i, _)| match (self.columns.get(i), self.headers.get(i)) {
                (Some(Column::Withheld), Some(header)) if !header.trim().is_empty() => {
                    header.trim().to_string()
                }
                _ => format!("第{}列（无表头）", i + 1),
            })
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
    fn headers_are_matched_after_normalisation() {
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
