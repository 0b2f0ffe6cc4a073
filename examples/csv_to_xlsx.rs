//! Benchmark helper: turns every register CSV of a site folder into an `.xlsx` workbook
//! as an office keeping its register in Excel would have it (dates as date cells,
//! amounts as numbers, everything else text), and removes the CSV.
//!
//! ```text
//! cargo run --release --example csv_to_xlsx -- SITE_DIR
//! ```
//!
//! Used by `bench/workbooks.sh` to time reading a county year as workbooks beside the
//! same year as CSV.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use walkdir::WalkDir;

fn main() {
    let site = std::env::args()
        .nth(1)
        .expect("usage: csv_to_xlsx SITE_DIR");
    let registers = Path::new(&site).join("content/registers");
    let csvs: Vec<_> = WalkDir::new(&registers)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    for csv_path in &csvs {
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
                    let d =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .expect("date");
                    sheet
                        .write_datetime_with_format(row, col, &d, &date_format)
                        .expect("write");
                } else if let Ok(n) = cell.parse::<f64>().map_err(drop).and_then(|n| {
                    // Ids and codes with leading zeros stay text.
                    if cell.starts_with('0') && cell.len() > 1 && !cell.starts_with("0.") {
                        Err(())
                    } else {
                        Ok(n)
                    }
                }) {
                    sheet.write_number(row, col, n).expect("write");
                } else {
                    sheet.write_string(row, col, cell).expect("write");
                }
            }
        }
        let out = csv_path.with_extension("xlsx");
        workbook.save(&out).expect("save workbook");
        std::fs::remove_file(csv_path).expect("remove CSV");
    }
    println!(
        "{} register(s) converted under {}",
        csvs.len(),
        registers.display()
    );
}
