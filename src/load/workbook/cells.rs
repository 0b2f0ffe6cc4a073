//! Cell values as the text a register reader expects, read with calamine's streaming
//! cell reader: one cell at a time, bounded by the row, column and cell limits.
//!
//! - A formula cell is read by the value Excel cached when it last calculated; a
//!   formula with no cached value (written by a program that never calculated it) is a
//!   [`CellIssue`], never a guess.
//! - A date cell (a number with a date format) is `2024-05-12`; a text date stays text
//!   for the register's own date parsing.
//! - A number is written as Excel shows it in a General cell: integers without `.0`,
//!   fractions to 15 significant digits. A whole number of 16 or more digits has lost
//!   its last digits inside Excel (it keeps 15), so it is a [`CellIssue`].

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Xlsx};

use super::package::{Region, SheetLayout};
use super::{Refusal, SheetRow};
use crate::load::guard::{MAX_COLUMNS, MAX_TABLE_ROWS};

/// A cell whose value cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellIssue {
    /// 1-based row.
    pub row: usize,
    /// 0-based column.
    pub column: usize,
    pub kind: IssueKind,
}

/// What is wrong with a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// A formula without a cached value.
    NoCachedValue,
    /// A formula whose result is an error value (`#REF!`, `#DIV/0!`…).
    ErrorValue(String),
    /// A whole number of 16 or more digits: Excel kept only the first 15.
    LostDigits(String),
}

impl CellIssue {
    /// Code, message and help for the finding.
    pub fn describe(&self) -> (&'static str, String, &'static str) {
        match &self.kind {
            IssueKind::NoCachedValue => (
                "workbook-formula-uncalculated",
                "这个单元格是公式，但工作簿里没有保存它的计算结果".to_string(),
                "请在 Excel/WPS 中打开工作簿，按 F9 重新计算后保存；或把公式复制后“选择性粘贴 → 数值”。",
            ),
            IssueKind::ErrorValue(error) => (
                "workbook-formula-error",
                format!("这个单元格的公式结果是错误值 {error}"),
                "请在 Excel/WPS 中检查这个公式引用的单元格（常见原因：引用的行或工作表被删除、除数为零），改正后保存。",
            ),
            IssueKind::LostDigits(shown) => (
                "workbook-number-digits-lost",
                format!("这个单元格是 16 位以上的长数字（{shown}），Excel 只保存 15 位，末尾几位已经丢失"),
                "编号、证件号这类长数字要作为文本保存：请把这一列设为“文本”格式，再重新输入完整的数字\
                 （或在数字前加英文单引号 '），然后保存。",
            ),
        }
    }
}

/// Reads the cells of one worksheet into rows, fills merged regions down, and
/// collects the cells whose value cannot be trusted. `budget` is the number of
/// non-blank cells the workbook may still have.
pub(super) fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    layout: &SheetLayout,
    budget: &mut usize,
) -> Result<(Vec<SheetRow>, Vec<CellIssue>), Refusal> {
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|err| super::package::unreadable(&err))?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut issues = Vec::new();
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|err| super::package::unreadable(&err))?
    {
        let (row, column) = cell.pos;
        let (text, issue) = value_text(&cell.value, cell.formula.is_some());
        let Some(text) = text else {
            if let Some(kind) = issue {
                issues.push(CellIssue {
                    row: row as usize + 1,
                    column: column as usize,
                    kind,
                });
            }
            continue;
        };
        if row as usize >= MAX_TABLE_ROWS {
            return Err(too_big(
                name,
                format!("第 {} 行有内容，超过上限 {MAX_TABLE_ROWS} 行", row + 1),
            ));
        }
        if column as usize >= MAX_COLUMNS {
            return Err(too_big(
                name,
                format!("第 {} 列有内容，超过上限 {MAX_COLUMNS} 列", column + 1),
            ));
        }
        if *budget == 0 {
            return Err(too_big(
                name,
                format!("整个工作簿的非空单元格超过 {} 个", super::MAX_CELLS),
            ));
        }
        *budget -= 1;
        if let Some(kind) = issue {
            issues.push(CellIssue {
                row: row as usize + 1,
                column: column as usize,
                kind,
            });
        }
        let cells = rows.entry(row).or_default();
        let column = column as usize;
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
    }
    fill_merges(&mut rows, &layout.merges);
    let rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(row, cells)| SheetRow {
            number: row as usize + 1,
            cells,
        })
        .collect();
    Ok((rows, issues))
}

fn too_big(sheet: &str, what: String) -> Refusal {
    Refusal::new(
        "workbook-too-large",
        format!("工作表「{sheet}」{what}，未读取"),
        "一个月的台账不会有这么多行或列：请检查是否误把整列、整行填上了内容或公式，\
         删除多余的行列后保存；或按村拆分成几个工作簿。",
    )
}

/// A merged region means its top-left value in every row it covers: the value is
/// copied down the region's first column (into blank cells only). Rows below the last
/// row with content are not created, so a region merged over a whole column costs
/// nothing.
fn fill_merges(rows: &mut BTreeMap<u32, Vec<String>>, merges: &[Region]) {
    let Some(&last) = rows.keys().next_back() else {
        return;
    };
    for &((top, left), (bottom, _)) in merges {
        if bottom <= top {
            continue;
        }
        let column = left as usize;
        let Some(value) = rows
            .get(&top)
            .and_then(|cells| cells.get(column))
            .filter(|v| !v.is_empty())
            .cloned()
        else {
            continue;
        };
        for row in top + 1..=bottom.min(last) {
            let cells = rows.entry(row).or_default();
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            if cells[column].is_empty() {
                cells[column].clone_from(&value);
            }
        }
    }
}

/// The text of a value, and what is wrong with it. `None` text for a blank cell.
fn value_text(value: &DataRef<'_>, formula: bool) -> (Option<String>, Option<IssueKind>) {
    match value {
        DataRef::Empty => (None, formula.then_some(IssueKind::NoCachedValue)),
        DataRef::String(s) => (non_blank(s), None),
        DataRef::SharedString(s) => (non_blank(s), None),
        DataRef::Int(i) => (Some(i.to_string()), None),
        DataRef::Float(f) => {
            let text = number_text(*f);
            let lost = f.fract() == 0.0 && f.abs() >= 1e15;
            let issue = lost.then(|| IssueKind::LostDigits(text.clone()));
            (Some(text), issue)
        }
        DataRef::Bool(b) => (Some(if *b { "是" } else { "否" }.to_string()), None),
        DataRef::DateTime(dt) => {
            let text = match dt.as_datetime().filter(|_| dt.is_datetime()) {
                Some(at) if at.time() == chrono::NaiveTime::MIN => {
                    at.format("%Y-%m-%d").to_string()
                }
                Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
                None => number_text(dt.as_f64()),
            };
            (Some(text), None)
        }
        DataRef::DateTimeIso(s) => {
            let text = s.strip_suffix("T00:00:00").unwrap_or(s);
            (Some(text.to_string()), None)
        }
        DataRef::DurationIso(s) => (non_blank(s), None),
        DataRef::Error(e) => (None, Some(IssueKind::ErrorValue(e.to_string()))),
    }
}

fn non_blank(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

/// A number as Excel shows it in a General cell: whole numbers without a fraction,
/// others rounded to 15 significant digits (so `0.1 + 0.2` is `0.3`).
pub(super) fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        return format!("{}", f as i64);
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(2_024_010_001.0), "2024010001");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn values_and_issues() {
        assert_eq!(value_text(&DataRef::Empty, false), (None, None));
        assert_eq!(
            value_text(&DataRef::Empty, true),
            (None, Some(IssueKind::NoCachedValue))
        );
        assert_eq!(value_text(&DataRef::SharedString(" "), false), (None, None));
        let (text, issue) = value_text(&DataRef::Float(110_101_199_001_011_234.0), false);
        assert_eq!(text.as_deref(), Some("110101199001011000"));
        assert!(matches!(issue, Some(IssueKind::LostDigits(_))));
        assert_eq!(
            value_text(&DataRef::Bool(true), false).0.as_deref(),
            Some("是")
        );
    }

    #[test]
    fn merges_fill_down_the_first_column_only() {
        let mut rows = BTreeMap::new();
        rows.insert(1, vec!["甲村".to_string(), "x".to_string()]);
        rows.insert(2, vec![String::new(), "y".to_string()]);
        rows.insert(4, vec![String::new(), "z".to_string()]);
        fill_merges(&mut rows, &[((1, 0), (1_048_575, 1)), ((0, 1), (0, 5))]);
        let firsts: Vec<(u32, &str)> = rows.iter().map(|(r, c)| (*r, c[0].as_str())).collect();
        assert_eq!(
            firsts,
            vec![(1, "甲村"), (2, "甲村"), (3, "甲村"), (4, "甲村")]
        );
        assert_eq!(rows[&2][1], "y");
    }
}
