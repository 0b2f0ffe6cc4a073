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

use walkdir::WalkDir;

mod workbook;

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
        workbook::replace_with_workbook(csv_path);
    }
    println!(
        "{} register(s) converted under {}",
        csvs.len(),
        registers.display()
    );
}
