//! The month's open data as an `.xlsx` workbook beside the CSV and JSON: the same
//! [`FIELDS`] in the same order, dates as real date cells, numbers as numbers, every
//! other value a text cell. Nothing is ever written as a formula, so a value such as
//! `=HYPERLINK(…)` stays text when the workbook is opened (the CSV's neutralising
//! apostrophe is not needed, and would show in a workbook cell).
//!
//! The workbook's creation time is the month's due date, so the same data gives the
//! same bytes on every build.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::{FieldType, PublishedHazard, FIELDS};

/// The month's workbook: one sheet named after the month, header frozen.
pub fn month_xlsx(
    hazards: &[PublishedHazard],
    sheet_name: &str,
    issuer: &str,
    created: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(created.year()).unwrap_or(2000),
        created.month() as u8,
        created.day() as u8,
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(sheet_name)
            .set_author(issuer)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    // Rows go out to the sheet's XML as they are written instead of being held as a
    // grid until the save (the rows are written in order): a county's twelve months
    // were 50 MB more at the build's peak and a third slower. Strings stay shared, so
    // the file is as small as with a grid.
    let sheet = workbook.add_worksheet_with_low_memory()?;
    sheet.set_name(sheet_name)?;
    for (col, field) in FIELDS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, field.header, &bold)?;
        sheet.set_column_width(col, width(field.kind, field.header))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, hazard) in hazards.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, (cell, field)) in hazard.cells().iter().zip(FIELDS.iter()).enumerate() {
            let col = col as u16;
            if cell.is_empty() {
                continue;
            }
            match field.kind {
                FieldType::Date => match NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                    Ok(d) => {
                        let d = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        sheet.write_datetime_with_format(row, col, &d, &date_format)?;
                    }
                    Err(_) => {
                        sheet.write_string(row, col, cell)?;
                    }
                },
                FieldType::Number | FieldType::Integer => match cell.parse::<f64>() {
                    Ok(n) => {
                        sheet.write_number(row, col, n)?;
                    }
                    Err(_) => {
                        sheet.write_string(row, col, cell)?;
                    }
                },
                _ => {
                    sheet.write_string(row, col, excel_text(cell).as_ref())?;
                }
            }
        }
    }
    // Deflate level 2 instead of 6: the workbook is 20% larger (1.18 MB instead of
    // 0.97 MB for a county month) and made in half the time (BENCHMARKS.md).
    workbook.set_zip_compression_level(2);
    workbook.save_to_buffer().map(same_bytes_on_every_platform)
}

/// The zip writer under rust_xlsxwriter records the platform it ran on in each central
/// directory entry's "version made by" (3 = Unix, 0 = MS-DOS/Windows), so the same data
/// gave a different byte per entry on Windows. Set it to Unix everywhere: a township's
/// workbook is then the same file whichever computer built the site (scripts/cross-test.sh
/// compares them). Nothing else in the package differs between platforms.
pub(crate) fn same_bytes_on_every_platform(mut zip: Vec<u8>) -> Vec<u8> {
    const CENTRAL: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let u16_at = |b: &[u8], i: usize| usize::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let Some(end) = zip.windows(4).rposition(|w| w == END) else {
        return zip;
    };
    if end + 22 > zip.len() {
        return zip;
    }
    let entries = u16_at(&zip, end + 10);
    let mut at =
        u32::from_le_bytes([zip[end + 16], zip[end + 17], zip[end + 18], zip[end + 19]]) as usize;
    for _ in 0..entries {
        if at + 46 > zip.len() || zip[at..at + 4] != CENTRAL {
            break;
        }
        zip[at + 5] = 3;
        at += 46 + u16_at(&zip, at + 28) + u16_at(&zip, at + 30) + u16_at(&zip, at + 32);
    }
    zip
}

/// The most characters Excel keeps in one cell.
const EXCEL_CELL_CHARS: usize = 32_767;

/// A text cell as Excel can hold it: a value longer than Excel's cell limit is cut and
/// says where the whole text is (the month's CSV and JSON carry it uncut), instead of
/// failing the whole workbook.
fn excel_text(cell: &str) -> std::borrow::Cow<'_, str> {
    const CUT: &str = "…（内容过长，全文见本月 CSV、JSON 数据）";
    if cell.chars().count() <= EXCEL_CELL_CHARS {
        return cell.into();
    }
    let keep = EXCEL_CELL_CHARS - CUT.chars().count();
    let mut text: String = cell.chars().take(keep).collect();
    text.push_str(CUT);
    text.into()
}

/// A column width (in characters) fit for a field's values.
pub(crate) fn width(kind: FieldType, header: &str) -> f64 {
    let header = header.chars().count() as f64 * 2.2 + 2.0;
    let values: f64 = match kind {
        FieldType::Text => 24.0,
        FieldType::Date => 12.0,
        FieldType::Enum => 10.0,
        FieldType::Boolean | FieldType::Number | FieldType::Integer => 8.0,
    };
    header.max(values)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;

    #[test]
    fn every_entry_says_unix_whatever_platform_wrote_it() {
        let bytes = month_xlsx(
            &[],
            "2024-05",
            "某镇",
            NaiveDate::from_ymd_opt(2024, 5, 25).unwrap(),
        )
        .unwrap();
        let mut dos = bytes.clone();
        let mut found = 0;
        for i in 0..dos.len() - 4 {
            if dos[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
                dos[i + 5] = 0;
                found += 1;
            }
        }
        assert!(found > 5, "{found} central directory entries");
        assert_eq!(same_bytes_on_every_platform(dos), bytes);
    }

    #[test]
    fn a_cell_longer_than_excel_holds_is_cut_and_says_so() {
        let long = "液".repeat(40_000);
        let cut = excel_text(&long);
        assert_eq!(cut.chars().count(), EXCEL_CELL_CHARS);
        assert!(cut.ends_with("全文见本月 CSV、JSON 数据）"));
        assert_eq!(excel_text("短"), "短");
    }

    fn entry(title: &str) -> crate::model::HazardEntry {
        use crate::hazard::{HazardRecord, Status};
        let mut entry = crate::model::test_entry("NZ-1", Status::InProgress, false);
        entry.record = HazardRecord {
            title: title.into(),
            unit: "+甲厂".into(),
            owner: Some("@张三".into()),
            notes: Some("-1".into()),
            found: NaiveDate::from_ymd_opt(2024, 5, 12),
            funds: Some(12.5),
            ..HazardRecord::sample("NZ-1", Status::InProgress)
        }
        .into();
        entry
    }

    #[test]
    fn formula_leads_stay_text_dates_are_dates_and_bytes_are_stable() {
        let created = NaiveDate::from_ymd_opt(2024, 5, 25).unwrap();
        let entries = [entry("=HYPERLINK(\"http://x\",\"点我\")")];
        let hazards: Vec<PublishedHazard> =
            entries.iter().map(PublishedHazard::from_entry).collect();
        let bytes = month_xlsx(&hazards, "2024-05", "南庄镇", created).unwrap();
        assert_eq!(
            bytes,
            month_xlsx(&hazards, "2024-05", "南庄镇", created).unwrap()
        );
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(!sheet.contains("<f>"), "no formulas: {sheet}");
        let mut strings = String::new();
        zip.by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_string(&mut strings)
            .unwrap();
        assert!(strings.contains("=HYPERLINK(") && strings.contains("+甲厂"));
        // Read back through the register reader: the same values.
        let sheets = crate::load::workbook::read_workbook(&bytes).unwrap();
        let row = &sheets[0].rows[1].cells;
        assert_eq!(row[0], "NZ-1");
        assert_eq!(row[1], "=HYPERLINK(\"http://x\",\"点我\")");
        assert_eq!(row[10], "2024-05-12");
        assert_eq!(row[13], "12.5");
        assert_eq!(sheets[0].rows[0].cells.len(), FIELDS.len());
    }
}
