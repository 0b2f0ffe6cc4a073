//! Workbooks: an Excel or WPS `.xlsx` file as sheets of rows of text cells, the same
//! rows a CSV file gives, each cell still knowing its address (`东堡村!F12`).
//!
//! Reading happens in two passes over the zip package, each bounded:
//! 1. [`package`] walks the zip with the `zip` crate before anything else: refuses
//!    encrypted, macro-carrying, externally linked and oversized packages, checks that
//!    each part really inflates to no more than it declares (a zip bomb lies), and
//!    streams each worksheet's XML with `quick-xml` for what calamine does not expose:
//!    hidden rows and columns, and merged regions.
//! 2. [`cells`] reads the cell values with calamine's streaming cell reader: formula
//!    cells by their cached value, date cells as dates, numbers as Excel shows them.
//!
//! Merged regions are filled down (a unit merged over three rows is that unit in each
//! row), so the register reader above sees what the office sees.

mod address;
mod cells;
mod package;

use std::io::Cursor;

use calamine::{Reader, SheetVisible, Xlsx};

pub use address::{cell_address, column_letters};
pub use cells::CellIssue;
pub use package::{MAX_CELLS, MAX_PART_BYTES, MAX_TOTAL_BYTES};

/// One row of a sheet that has at least one non-blank cell.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The row as Excel numbers it (1-based).
    pub number: usize,
    /// The cells from column A on, as text (see [`cells`] for how values become text).
    pub cells: Vec<String>,
}

/// One worksheet, read.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name as on its tab.
    pub name: String,
    /// False for sheets hidden (or "very hidden") in the workbook.
    pub visible: bool,
    /// Rows with content, in order.
    pub rows: Vec<SheetRow>,
    /// Rows (1-based) the workbook hides; their cells are read like any others.
    pub hidden_rows: Vec<usize>,
    /// Columns (0-based) the workbook hides; their cells are read like any others.
    pub hidden_columns: Vec<usize>,
    /// Cells whose value cannot be trusted: a formula with no cached value, an error
    /// value, a number with more digits than Excel keeps.
    pub issues: Vec<CellIssue>,
}

/// Why a workbook is not read at all: a code, a message and the help, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

impl Refusal {
    fn new(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> Self {
        Refusal {
            code,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Reads every worksheet of an `.xlsx` workbook. Chart sheets and dialog sheets are
/// left out; hidden sheets are read and marked.
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, Refusal> {
    let package = package::inspect(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|err| package::unreadable(&err))?;
    let metadata = workbook.sheets_metadata().to_vec();
    let mut sheets = Vec::with_capacity(metadata.len());
    let mut budget = MAX_CELLS;
    for meta in metadata {
        if meta.typ != calamine::SheetType::WorkSheet {
            continue;
        }
        let Some(layout) = package.sheets.iter().find(|s| s.name == meta.name) else {
            continue;
        };
        let (rows, issues) = cells::read_sheet(&mut workbook, &meta.name, layout, &mut budget)?;
        sheets.push(Sheet {
            name: meta.name.clone(),
            visible: meta.visible == SheetVisible::Visible,
            rows,
            hidden_rows: layout.hidden_rows.clone(),
            hidden_columns: layout.hidden_columns.clone(),
            issues,
        });
    }
    Ok(sheets)
}

/// What a workbook file's extension says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.xlsx`: read.
    Xlsx,
    /// `.xlsm`: refused (macros).
    Macro,
    /// `.xls`, `.et`: the binary formats; refused with the advice to save as `.xlsx`.
    Binary,
}

impl Kind {
    /// The kind of a lower-case extension, `None` when it is not a workbook.
    pub fn of(ext: &str) -> Option<Kind> {
        match ext {
            "xlsx" => Some(Kind::Xlsx),
            "xlsm" => Some(Kind::Macro),
            "xls" | "et" | "ett" | "xlt" => Some(Kind::Binary),
            _ => None,
        }
    }

    /// The refusal for a kind that is not read.
    pub fn refusal(self) -> Option<Refusal> {
        match self {
            Kind::Xlsx => None,
            Kind::Macro => Some(Refusal::new(
                "workbook-macro",
                "这是带宏的工作簿（.xlsm），为安全起见不读取",
                "宏可以在打开文件时运行任意程序，台账用不到它。请在 Excel/WPS 中选择“文件 → 另存为”，\
                 文件类型选“Excel 工作簿 (*.xlsx)”，保存后删除 .xlsm 文件。",
            )),
            Kind::Binary => Some(Refusal::new(
                "workbook-old-format",
                "暂不支持旧版 Excel（.xls）和 WPS 表格（.et）格式",
                "这两种二进制格式无法逐格有限地读取，也看不出哪些行被隐藏。请在 Excel/WPS 中选择“文件 → 另存为”，\
                 文件类型选“Excel 工作簿 (*.xlsx)”，保存到同一文件夹后删除原文件。",
            )),
        }
    }
}

#[cfg(test)]
mod tests;
