//! Hazard registers: the columns of SPEC.md, their aliases, and one row to a
//! [`HazardRecord`].
//!
//! Finding the files of a month and reading them in parallel lives in
//! [`load_registers`]; the per-file work (decode, find the header, map columns, read
//! rows) in [`read_register`], which touches no shared state so files can be read on
//! any thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diag::{Finding, Findings, Snippet};
use crate::hazard::{FivePart, HazardRecord, RowOrigin, Status, Value, YearMonth};
use crate::schema::{Kind, Stored, COLUMNS};

use super::table::{cell_span, Row, Table};
use super::text::{decode, DecodeError};
use super::values::{self, normalize, text_value};
use super::{workbook, RegisterFile};
use crate::diag::relative_path;

mod columns;
mod footer;
mod sheets;

use columns::Field;

/// Where registers live, relative to the site root.
pub const REGISTERS_DIR: &str = "content/registers";

/// Loads every register under `content/registers/` (`YYYY-MM/*.csv` and `YYYY-MM.csv`),
/// in parallel. Returns them sorted by month then path, and the number of files read.
pub fn load_registers(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
) -> (Vec<RegisterFile>, usize) {
    let files = discover(root, findings);
    let results: Vec<(Option<RegisterFile>, Vec<Finding>)> = files
        .par_iter()
        .map(|(path, month)| read_register_file(root, path, *month, config))
        .collect();
    let mut registers = Vec::with_capacity(results.len());
    for (register, file_findings) in results {
        findings.extend(file_findings);
        registers.extend(register);
    }
    registers.sort_by(|a, b| (a.month, &a.path).cmp(&(b.month, &b.path)));
    (registers, files.len())
}

/// Reads the register file at `path` (absolute; `root` is the site root) of `month`:
/// [`read_register`] on its bytes, or an error finding when it cannot be read. The
/// preview calls it for the files that changed only.
pub fn read_register_file(
    root: &Path,
    path: &Path,
    month: YearMonth,
    config: &SiteConfig,
) -> (Option<RegisterFile>, Vec<Finding>) {
    let rel = relative_path(root, path);
    match std::fs::read(path) {
        Ok(bytes) => read_register(bytes, rel, month, config),
        Err(err) => (
            None,
            vec![
                Finding::error("register-unreadable", format!("无法读取台账文件：{err}"))
                    .in_file(rel)
                    .with_help("请确认文件没有被 Excel/WPS 独占打开，且有读取权限，然后重试。"),
            ],
        ),
    }
}

/// Finds the register files: `YYYY-MM/*.csv` and `YYYY-MM.csv`, sorted by path, each
/// with its month. Reports Excel workbooks and badly named months as errors, since
/// skipping them would hide hazards.
pub fn discover(root: &Path, findings: &mut Findings) -> Vec<(PathBuf, YearMonth)> {
    let dir = root.join(REGISTERS_DIR);
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return files;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = file_name(&path);
        if is_ignored(&name) {
            continue;
        }
        let rel = relative_path(root, &path);
        if path.is_dir() {
            let Some(month) = month_from_name(&name, &rel, findings) else {
                continue;
            };
            let Ok(inner) = std::fs::read_dir(&path) else {
                findings.push(
                    Finding::error("register-unreadable", "无法读取该月的台账文件夹")
                        .in_file(rel)
                        .with_help("请确认文件夹有读取权限。"),
                );
                continue;
            };
            let mut inner: Vec<_> = inner.filter_map(Result::ok).map(|e| e.path()).collect();
            inner.sort();
            let before = (files.len(), findings.items.len());
            for file in inner {
                let file_name = file_name(&file);
                if is_ignored(&file_name) || file.is_dir() {
                    continue;
                }
                if check_extension(&file, &relative_path(root, &file), findings) {
                    files.push((file, month));
                }
            }
            if (files.len(), findings.items.len()) == before {
                // A folder made for a month still to come: fine, but say that it does
                // not count, so nobody takes the month for published.
                findings.push(
                    Finding::note(
                        "register-month-empty",
                        format!("{month} 的台账文件夹是空的，这个月暂不公开"),
                    )
                    .in_file(rel)
                    .with_help("各村（站所）的台账报来后放进这个文件夹，再生成网站。"),
                );
            }
        } else if check_extension(&path, &rel, findings) {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(month) = month_from_name(&stem, &rel, findings) {
                files.push((path, month));
            }
        }
    }
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Hidden files and Excel/WPS lock files (`~$台账.xlsx`, `.~台账.csv`).
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$")
}

/// True for a register file: `.csv`/`.tsv`/`.txt` or an `.xlsx` workbook. A workbook
/// that is not read (`.xlsm`, `.xls`, `.et`) is an error, since skipping it would hide
/// hazards; any other file (a scanned PDF kept next to the register, a README) is left
/// alone.
fn check_extension(path: &Path, rel: &Path, findings: &mut Findings) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "csv" | "tsv" | "txt") {
        return true;
    }
    match workbook::Kind::of(&ext).map(workbook::Kind::refusal) {
        Some(None) => true,
        Some(Some(refusal)) => {
            findings.push(
                Finding::error(refusal.code, refusal.message)
                    .in_file(rel)
                    .with_help(format!(
                        "{}跳过它会漏报隐患，所以在此之前不会发布。",
                        refusal.help
                    )),
            );
            false
        }
        None => false,
    }
}

/// Reads the month from a folder name or file stem, reporting a bad one.
fn month_from_name(name: &str, rel: &Path, findings: &mut Findings) -> Option<YearMonth> {
    let month = YearMonth::parse(name);
    if month.is_none() {
        findings.push(
            Finding::error(
                "register-month-name",
                format!("无法从名称「{name}」看出台账属于哪个月"),
            )
            .in_file(rel)
            .with_value(name)
            .with_help(
                "月份文件夹或文件请按“年-月”命名，月份写两位数，例如 2024-05（文件夹）或 2024-05.csv（文件）。",
            ),
        );
    }
    month
}

/// Reads one register file from its bytes. Never panics; every problem is a finding.
/// Returns no file when it cannot be read at all (undecodable, no header). A workbook
/// (by its extension) is read sheet by sheet in [`sheets`].
pub fn read_register(
    bytes: Vec<u8>,
    rel: PathBuf,
    month: YearMonth,
    config: &SiteConfig,
) -> (Option<RegisterFile>, Vec<Finding>) {
    if let Some(kind) = workbook_kind(&rel) {
        return sheets::read_workbook_register(&bytes, rel, month, kind, config);
    }
    let mut findings = Vec::new();
    let decoded = match decode(bytes) {
        Ok(d) => d,
        Err(err) => {
            let code = match err {
                DecodeError::Empty => "register-empty",
                _ => "register-undecodable",
            };
            findings.push(
                Finding::error(code, err.message())
                    .in_file(rel)
                    .with_help(err.help()),
            );
            return (None, findings);
        }
    };
    let text = decoded.text.as_str();
    let table = Table::read(text, columns::is_header);
    let Some(header) = table.header_row() else {
        findings.push(no_header(&table, text, &rel, decoded.encoding));
        return (None, findings);
    };
    let source = Source {
        rel: &rel,
        text,
        delimiter: table.delimiter,
        sheet: None,
    };
    let read = read_table(&table, header, source, config, &mut findings);
    let file = RegisterFile {
        path: rel.clone(),
        month,
        encoding: decoded.encoding,
        header_row: header.number,
        data_rows: read.data_rows,
        unpublished_columns: read.unpublished_columns,
        records: read.records,
    };
    (Some(file), findings)
}

/// The workbook kind of a register path, by its extension.
fn workbook_kind(rel: &Path) -> Option<workbook::Kind> {
    let ext = rel.extension()?.to_string_lossy().to_ascii_lowercase();
    workbook::Kind::of(&ext)
}

/// Where a table's rows come from, for messages: the file, the text the rows' spans
/// point into, and for a workbook the sheet.
#[derive(Debug, Clone, Copy)]
struct Source<'a> {
    rel: &'a Path,
    text: &'a str,
    delimiter: u8,
    sheet: Option<&'a str>,
}

/// What [`read_table`] read from one table.
struct TableRead {
    data_rows: usize,
    unpublished_columns: Vec<String>,
    records: Vec<Arc<HazardRecord>>,
    /// Rows left out as footer or totals lines (Excel numbers).
    skipped: Vec<usize>,
}

/// Reads the rows under `header` (a row of `table`) into records: a second header row
/// is joined to the first, template, repeated-header, totals and footer rows are
/// skipped (the last two with a note).
fn read_table(
    table: &Table,
    header: &Row,
    source: Source<'_>,
    config: &SiteConfig,
    findings: &mut Vec<Finding>,
) -> TableRead {
    // A second header row under merged group headers is part of the header.
    let mut data = table.data_rows();
    let combined = data
        .first()
        .and_then(|next| columns::two_row_header(&header.record, &next.record));
    let layout = match combined {
        Some(record) => {
            data = &data[1..];
            columns::Layout::new(
                &Row {
                    record,
                    ..header.clone()
                },
                config,
            )
        }
        None => columns::Layout::new(header, config),
    };
    check_layout(&layout, header.number, source, findings);
    let mut reader = RowReader {
        source,
        layout: &layout,
        findings,
    };
    let mut records = Vec::with_capacity(data.len());
    let mut data_rows = 0;
    let (mut totals, mut footers) = (Vec::new(), Vec::new());
    let mut in_footer = false;
    for row in data {
        if layout.is_repeated_header(row) {
            continue;
        }
        // Footer first: a note under the table may sit in an unpublished column (序号).
        match footer::classify(row, layout.index(Field::Id), in_footer) {
            Some(footer::Skip::Total) => {
                totals.push(row.number);
                continue;
            }
            Some(footer::Skip::Footer) => {
                in_footer = true;
                footers.push(row.number);
                continue;
            }
            None => {}
        }
        if layout.has_no_published_value(row) {
            continue;
        }
        data_rows += 1;
        if let Some(record) = reader.record(row) {
            records.push(Arc::new(record));
        }
    }
    for (rows, code, message) in [
        (&totals, "register-total-skipped", "是合计/小计行，不是隐患，已跳过"),
        (
            &footers,
            "register-footer-skipped",
            "是表尾（填表人、审核人、联系电话、填报日期、注、说明等），不是隐患，已跳过；其内容不会公开",
        ),
    ] {
        if let Some(first) = rows.first() {
            let finding = Finding::note(code, format!("第 {} 行{message}", footer::row_list(rows)))
                .in_file(source.rel)
                .at_row(*first);
            findings.push(match source.sheet {
                Some(sheet) => finding.at_cell(sheet),
                None => finding,
            });
        }
    }
    let mut skipped = totals;
    skipped.extend(footers);
    TableRead {
        data_rows,
        unpublished_columns: layout.unpublished(data),
        records,
        skipped,
    }
}

/// True for a number in Excel's scientific display (`2.02401E+09`, `1E+15`): what a long
/// number typed into a General cell turns into when the sheet is saved as CSV.
fn is_scientific(id: &str) -> bool {
    let Some((mantissa, exponent)) = id.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().filter(|b| *b == b'.').count() <= 1
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
        && id.contains('+')
}

/// File-level findings about the header: two columns for one field, a missing 单位名称
/// column, no 整改状态 column.
fn check_layout(
    layout: &columns::Layout,
    header_row: usize,
    source: Source<'_>,
    findings: &mut Vec<Finding>,
) {
    let rel = source.rel;
    let sheet = |finding: Finding| match source.sheet {
        Some(sheet) => finding.at_cell(sheet),
        None => finding,
    };
    for (field, first, second) in &layout.duplicates {
        findings.push(sheet(
            Finding::error(
                "register-duplicate-column",
                format!(
                    "「{first}」和「{second}」两列都是「{}」，无法确定以哪一列为准",
                    field.canonical()
                ),
            )
            .in_file(rel)
            .at_row(header_row)
            .in_column(second.clone())
            .with_help("请删除或改名其中一列，每个字段只保留一列。"),
        ));
    }
    // 编号 and 隐患名称 are part of what makes a header; only 单位名称 can be missing.
    if layout.index(Field::Unit).is_none() {
        findings.push(sheet(
            Finding::error("register-missing-column", "表头中没有必填列「单位名称」")
                .in_file(rel)
                .at_row(header_row)
                .with_help(format!(
                    "请在表头加上「单位名称」列（也可写作：{}），并为每个隐患填写。",
                    Field::Unit.aliases()[1..].join("、")
                )),
        ));
    }
    if layout.index(Field::Status).is_none() {
        findings.push(sheet(
            Finding::warning(
                "register-no-status-column",
                "表头中没有「整改状态」列，本文件的隐患全部按“未整改”处理",
            )
            .in_file(rel)
            .at_row(header_row)
            .with_help(
                "请加上「整改状态」列，逐行填写：未整改、整改中、已整改 或 已销号，公开的整改进展才准确。",
            ),
        ));
    }
}

/// The error for a file whose header could not be found, naming the required headers
/// missing from the row that came closest.
fn no_header(table: &Table, text: &str, rel: &Path, encoding: &str) -> Finding {
    if table.rows.is_empty() {
        return Finding::error("register-empty", "台账文件中没有任何内容")
            .in_file(rel)
            .with_help("请在 Excel/WPS 中打开原表，确认有表头和数据后另存为 CSV（逗号分隔）；如果这个文件是多余的，请删除它。");
    }
    let best = table
        .rows
        .iter()
        .max_by_key(|row| {
            (
                columns::known_count(&row.record),
                std::cmp::Reverse(row.number),
            )
        })
        .filter(|row| columns::known_count(&row.record) > 0);
    let missing: Vec<&str> = columns::REQUIRED_FOR_HEADER
        .iter()
        .filter(|f| best.is_none_or(|row| !columns::has_field(&row.record, **f)))
        .map(|f| f.canonical())
        .collect();
    let mut finding = Finding::error(
        "register-no-header",
        format!(
            "在前 {} 行中找不到表头：没有找到「{}」列",
            super::table::HEADER_SEARCH_ROWS,
            missing.join("」「")
        ),
    )
    .in_file(rel)
    .with_help(format!(
        "表头行至少要有「编号」（或“隐患编号”）和「隐患名称」（或“隐患描述”“隐患内容”“存在问题”）两列，\
         且须在文件前 {} 行内。请对照标准列名修改表头后重新保存。\
         本文件是按 {encoding} 编码读取的；如果表头在 Excel 中显示正常、这里却显示为乱码，\
         请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”。",
        super::table::HEADER_SEARCH_ROWS
    ));
    if let Some(row) = best {
        let raw = row.text(text);
        finding = finding.at_row(row.number).with_snippet(Snippet {
            text: raw.to_string(),
            offset: 0,
            len: raw.len(),
        });
    }
    finding
}

/// Reads data rows of one file into records, collecting findings.
struct RowReader<'a> {
    source: Source<'a>,
    layout: &'a columns::Layout,
    findings: &'a mut Vec<Finding>,
}

impl RowReader<'_> {
    /// One row to a record, or `None` when it has no 编号 (the error is reported).
    fn record(&mut self, row: &Row) -> Option<HazardRecord> {
        let id = self
            .required(row, Field::Id)
            .map(|id| normalize(id).into_owned());
        let title = self.required(row, Field::Title).map(str::to_string);
        let unit = self.required(row, Field::Unit).map(str::to_string);
        let id = id?;
        if is_scientific(&id) {
            self.push(
                row,
                Field::Id,
                Finding::error(
                    "id-scientific",
                    format!("编号「{id}」是被 Excel 改写成科学计数法的长数字，原来的编号已经丢失"),
                ),
                "Excel 把较长的数字编号显示成 2.02401E+09 这样的形式，另存为 CSV 时只保存了显示的内容。\
                 请在原工作簿中把编号列设为“文本”格式、重新输入完整编号后再另存为 CSV；\
                 或者直接把 .xlsx 工作簿放进台账文件夹，工作簿中保存的是完整的数字。",
            );
        }
        let status = match self.cell(row, Field::Status).and_then(text_value) {
            None => {
                if self.layout.index(Field::Status).is_some() {
                    self.push(
                        row,
                        Field::Status,
                        Finding::warning("status-blank", "整改状态没有填写，按“未整改”处理"),
                        "请填写整改状态：未整改、整改中、已整改 或 已销号。",
                    );
                }
                Status::NotStarted
            }
            Some(text) => self
                .parsed(row, Field::Status, text, values::parse_status)
                .unwrap_or(Status::NotStarted),
        };
        let (mut supervised, mut supervisor) = match self.cell(row, Field::Supervised) {
            Some(cell) => {
                let (yes, body) = values::parse_supervised(cell);
                (yes, body.map(str::to_string))
            }
            None => (false, None),
        };
        if let Some(body) = self.text(row, Field::Supervisor) {
            supervised = true;
            supervisor = Some(body);
        }
        let mut record = HazardRecord {
            id,
            title: title.unwrap_or_default(),
            unit: unit.unwrap_or_default(),
            locality: self.text(row, Field::Locality),
            sector: self.text(row, Field::Sector),
            level: self.value(row, Field::Level, values::parse_level),
            source: self.value(row, Field::Source, values::parse_source),
            supervised,
            supervisor,
            basis: self.text(row, Field::Basis),
            found: self.value(row, Field::Found, values::parse_date),
            measures: self.text(row, Field::Measures),
            owner: self.text(row, Field::Owner),
            funds: self.value(row, Field::Funds, |t| {
                values::parse_number(t).filter(|v| *v >= 0.0)
            }),
            deadline: self.value(row, Field::Deadline, values::parse_date),
            extended: self.value(row, Field::Extended, values::parse_date),
            plan: self.text(row, Field::Plan),
            status,
            progress: self.text(row, Field::Progress),
            done: self.value(row, Field::Done, values::parse_date),
            closed: self.value(row, Field::Closed, values::parse_date),
            approver: self.text(row, Field::Approver),
            notes: self.text(row, Field::Notes),
            extra: self.extra(row),
            origin: RowOrigin {
                file: self.source.rel.to_path_buf(),
                row: row.number,
                sheet: self.source.sheet.map(str::to_string),
            },
            withheld: self.layout.withheld(row),
            withheld_columns: self.layout.withheld_headers(row),
            five_unreadable: Vec::new(),
        };
        // A filled-in cell that did not read has its own error; it is not blank too.
        for (part, unread, field) in [
            (FivePart::Funds, record.funds.is_none(), Field::Funds),
            (
                FivePart::Deadline,
                record.deadline.is_none(),
                Field::Deadline,
            ),
        ] {
            if unread && self.filled(row, field) {
                record.five_unreadable.push(part);
            }
        }
        Some(record)
    }

    /// The values of the schema's columns without a typed field, read by their kind.
    fn extra(&mut self, row: &Row) -> Vec<(&'static str, Value)> {
        let mut extra = Vec::new();
        for column in COLUMNS.iter().filter(|c| matches!(c.stored, Stored::Extra)) {
            let field = column.field;
            let value = match column.kind {
                Kind::Date => self.value(row, field, values::parse_date).map(Value::Date),
                Kind::Number => self
                    .value(row, field, |t| {
                        values::parse_number(t).filter(|v| *v >= 0.0)
                    })
                    .map(Value::Number),
                // The schema's tests hold extra columns to text, dates and numbers.
                _ => self.text(row, field).map(Value::Text),
            };
            extra.extend(value.map(|v| (column.key, v)));
        }
        extra
    }

    /// The raw cell of `field`, when the file has that column.
    fn cell<'r>(&self, row: &'r Row, field: Field) -> Option<&'r str> {
        self.layout.index(field).map(|i| row.cell(i))
    }

    /// Whether the cell of `field` holds anything but a blank mark.
    fn filled(&self, row: &Row, field: Field) -> bool {
        self.cell(row, field).and_then(text_value).is_some()
    }

    /// A free-text field: trimmed, blank marks (`无`, `/`) read as empty.
    fn text(&self, row: &Row, field: Field) -> Option<String> {
        self.cell(row, field)
            .and_then(text_value)
            .map(str::to_string)
    }

    /// A required field; a finding when it is blank. A missing *column* was reported
    /// once for the file, so it is not reported again on every row.
    fn required<'r>(&mut self, row: &'r Row, field: Field) -> Option<&'r str> {
        let index = self.layout.index(field)?;
        let value = text_value(row.cell(index));
        if value.is_none() {
            self.push(
                row,
                field,
                Finding::error(
                    "missing-value",
                    format!("必填项「{}」没有填写", field.canonical()),
                ),
                match field {
                    Field::Id => "请为这个隐患填写编号（如 NZ-2024-001）；同一隐患在各月台账中的编号应保持不变。",
                    _ => "每个隐患都必须填写编号、隐患名称和单位名称，请补上后重新保存。",
                },
            );
        }
        value
    }

    /// A parsed field; blank is `None`, unreadable is `None` plus an error.
    fn value<T>(
        &mut self,
        row: &Row,
        field: Field,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.cell(row, field).and_then(text_value)?;
        self.parsed(row, field, text, parse)
    }

    fn parsed<T>(
        &mut self,
        row: &Row,
        field: Field,
        text: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let value = parse(text);
        if value.is_none() {
            let (code, message, help) = columns::unreadable(field, text);
            self.push(row, field, Finding::error(code, message), &help);
        }
        value
    }

    /// Completes a cell finding with file, row, column, value and snippet.
    fn push(&mut self, row: &Row, field: Field, finding: Finding, help: &str) {
        let index = self.layout.index(field);
        let raw = row.text(self.source.text);
        let span = index
            .and_then(|i| cell_span(raw, self.source.delimiter, i))
            .unwrap_or(raw.len()..raw.len());
        let mut finding = finding
            .in_file(self.source.rel)
            .at_row(row.number)
            .in_column(self.layout.header_of(field))
            .with_help(help)
            .with_snippet(Snippet {
                text: raw.to_string(),
                offset: span.start,
                len: span.end - span.start,
            });
        if let Some(sheet) = self.source.sheet {
            finding = finding.at_cell(match index {
                Some(i) => workbook::cell_address(sheet, row.number, i),
                None => sheet.to_string(),
            });
        }
        if let Some(i) = index {
            let value = row.cell(i).trim();
            if !value.is_empty() {
                finding = finding.with_value(value);
            }
        }
        self.findings.push(finding);
    }
}

#[cfg(test)]
mod tests;
