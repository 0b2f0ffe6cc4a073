//! Fuzz target: see `harness::workbook`. Seed it with real workbooks, e.g. the
//! example's `content/registers/*/西坪村.xlsx` and `tests/fixtures/fuzz/workbook/`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::workbook(data));
