//! A workbook as a register: every visible sheet with a register header is read like
//! a CSV file (the same [`Table`] of rows, so the same header, footer and cell rules),
//! and messages say the sheet and cell (`东堡村!F12`). Sheets without a header are
//! listed in a note; a hidden sheet with one is an error, since hiding a sheet must
//! never hide hazards from the public.

use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::{columns, footer, read_table, Source};
use crate::config::SiteConfig;
use crate::diag::Finding;
use crate::hazard::YearMonth;
use crate::load::table::{Row, Table, HEADER_SEARCH_ROWS};
use crate::load::workbook::{self, cell_address, column_letters, Kind, Sheet};
use crate::load::RegisterFile;

/// Reads a register workbook. Never panics; every problem is a finding.
pub(super) fn read_workbook_register(
    bytes: &[u8],
    rel: PathBuf,
    month: YearMonth,
    kind: Kind,
    config: &SiteConfig,
) -> (Option<RegisterFile>, Vec<Finding>) {
    let mut findings = Vec::new();
    let refused = match kind.refusal() {
        Some(refusal) => Err(refusal),
        None => workbook::read_workbook(bytes),
    };
    let sheets = match refused {
        Ok(sheets) => sheets,
        Err(refusal) => {
            findings.push(
                Finding::error(refusal.code, refusal.message)
                    .in_file(&rel)
                    .with_help(refusal.help),
            );
            return (None, findings);
        }
    };
    let mut file = RegisterFile {
        path: rel.clone(),
        month,
        encoding: "xlsx",
        header_row: 0,
        data_rows: 0,
        unpublished_columns: Vec::new(),
        records: Vec::new(),
    };
    let mut skipped_sheets = Vec::new();
    let mut registers = 0;
    for sheet in &sheets {
        let (text, table) = sheet_table(sheet);
        let Some(header) = table.header_row() else {
            skipped_sheets.push(sheet.name.as_str());
            continue;
        };
        if !sheet.visible {
            findings.push(
                Finding::error(
                    "workbook-hidden-sheet",
                    format!("工作表「{}」被隐藏了，但其中有台账", sheet.name),
                )
                .in_file(&rel)
                .at_cell(sheet.name.clone())
                .with_help(
                    "隐藏工作表不能让其中的隐患不公开。请在 Excel/WPS 中右键工作表标签选择“取消隐藏”；\
                     如果这是不用的旧表，请删除它或移到别的文件。",
                ),
            );
            continue;
        }
        registers += 1;
        let source = Source {
            rel: &rel,
            text: &text,
            delimiter: b',',
            sheet: Some(&sheet.name),
        };
        let read = read_table(&table, header, source, config, &mut findings);
        cell_issues(sheet, header.number, &read.skipped, &rel, &mut findings);
        hidden_note(sheet, &rel, &mut findings);
        if file.header_row == 0 {
            file.header_row = header.number;
        }
        file.data_rows += read.data_rows;
        for column in read.unpublished_columns {
            if !file.unpublished_columns.contains(&column) {
                file.unpublished_columns.push(column);
            }
        }
        file.records.extend(read.records);
    }
    if registers == 0 && findings.iter().all(|f| !f.is_error()) {
        findings.push(
            Finding::error("register-no-header", "工作簿中没有哪个工作表有台账表头")
                .in_file(&rel)
                .with_help(format!(
                    "台账工作表的表头行至少要有「编号」（或“隐患编号”）和「隐患名称」（或“隐患描述”“隐患内容”“存在问题”）两列，\
                     且须在前 {HEADER_SEARCH_ROWS} 行内。请对照标准列名修改表头后保存；\
                     可以用 gongkai template registers 台账.xlsx 生成一个标准模板。"
                )),
        );
        return (None, findings);
    }
    if registers > 0 && !skipped_sheets.is_empty() {
        findings.push(
            Finding::note(
                "workbook-sheet-skipped",
                format!(
                    "工作表「{}」中没有台账表头，未作为台账读取",
                    skipped_sheets.join("」「")
                ),
            )
            .in_file(&rel),
        );
    }
    (Some(file), findings)
}

/// The sheet's rows as a [`Table`], each row also written as a CSV line into the
/// returned text so messages can show it with the bad cell marked.
fn sheet_table(sheet: &Sheet) -> (String, Table) {
    let mut text = String::new();
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        let start = text.len();
        for (i, cell) in row.cells.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            if cell.contains([',', '"', '\n', '\r']) {
                text.push('"');
                text.push_str(&cell.replace('"', "\"\""));
                text.push('"');
            } else {
                text.push_str(cell);
            }
        }
        rows.push(Row {
            number: row.number,
            span: start..text.len(),
            record: StringRecord::from(row.cells.clone()),
        });
        text.push('\n');
    }
    let header = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|row| columns::is_header(&row.record));
    (
        text,
        Table {
            delimiter: b',',
            header,
            rows,
        },
    )
}

/// Errors for cells whose value cannot be trusted, in the rows that were read.
fn cell_issues(
    sheet: &Sheet,
    header_row: usize,
    skipped: &[usize],
    rel: &Path,
    findings: &mut Vec<Finding>,
) {
    for issue in &sheet.issues {
        if issue.row <= header_row || skipped.contains(&issue.row) {
            continue;
        }
        let (code, message, help) = issue.describe();
        findings.push(
            Finding::error(code, message)
                .in_file(rel)
                .at_row(issue.row)
                .at_cell(cell_address(&sheet.name, issue.row, issue.column))
                .with_help(help),
        );
    }
}

/// A note listing the rows and columns the sheet hides: they are read and published
/// like the others, and staff should know that.
fn hidden_note(sheet: &Sheet, rel: &Path, findings: &mut Vec<Finding>) {
    let mut parts = Vec::new();
    if !sheet.hidden_rows.is_empty() {
        parts.push(format!("第 {} 行", footer::row_list(&sheet.hidden_rows)));
    }
    if !sheet.hidden_columns.is_empty() {
        let columns: Vec<String> = sheet
            .hidden_columns
            .iter()
            .map(|c| column_letters(*c))
            .collect();
        parts.push(format!("{} 列", columns.join("、")));
    }
    if parts.is_empty() {
        return;
    }
    findings.push(
        Finding::note(
            "workbook-hidden-cells",
            format!(
                "工作表「{}」隐藏了{}；隐藏的行列照常读取和公开",
                sheet.name,
                parts.join("和")
            ),
        )
        .in_file(rel)
        .at_cell(sheet.name.clone())
        .with_help("隐藏行列不会让其中的隐患不公开。如果隐藏的是作废的行，请删除它们；否则可以取消隐藏，方便核对。"),
    );
}
