//! One register CSV as an `.xlsx` workbook, as an office keeping its register in Excel
//! would have it: dates as date cells, amounts as numbers, everything else text (ids and
//! codes with leading zeros too). Shared by the `csv_to_xlsx` example and
//! `tests/libreoffice.rs`.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// Writes `csv_path` (UTF-8, with or without BOM) as the workbook beside it (same name,
/// `.xlsx`) and removes the CSV.
pub fn replace_with_workbook(csv_path: &Path) {
    let text = std::fs::read_to_string(csv_path).expect("UTF-8 CSV");
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (row, record) in reader.records().enumerate() {
        let record = record.expect("CSV row");
        for (col, cell) in record.iter().enumerate() {
            let (row, col) = (row as u32, col as u16);
            if cell.is_empty() {
                continue;
            }
            if let Ok(d) = NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .expect("date");
                sheet
                    .write_datetime_with_format(row, col, &d, &date_format)
                    .expect("write");
            } else if let Some(n) = number(cell) {
                sheet.write_number(row, col, n).expect("write");
            } else {
                sheet.write_string(row, col, cell).expect("write");
            }
        }
    }
    workbook
        .save(csv_path.with_extension("xlsx"))
        .expect("save workbook");
    std::fs::remove_file(csv_path).expect("remove CSV");
}

/// A cell an office would type as a number; ids and codes with leading zeros stay text.
fn number(cell: &str) -> Option<f64> {
    let n = cell.parse::<f64>().ok()?;
    let leading_zero = cell.starts_with('0') && cell.len() > 1 && !cell.starts_with("0.");
    (!leading_zero).then_some(n)
}
