//! The register template workbook staff start from (`gongkai template registers
//! 台账.xlsx`, and `台账模板.xlsx` in a site made by `gongkai new`).
//!
//! Sheet 台账: the standard header of SPEC.md (the published fields of the open data,
//! in their order) frozen in row 1, sensible widths, 编号 formatted as text (so
//! 2024010001 never turns into 2.02401E+09 and 001 keeps its zeros), date columns
//! formatted as dates, and drop-down lists for 整改状态, 隐患等级, 隐患来源 and 挂牌督办.
//! Sheet 填写说明: what each column means and takes, and how to keep the workbook.

use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::render::opendata::{column_width, FieldType, FIELDS};

/// Rows of the 台账 sheet that carry the formats and drop-downs: a county month.
const TEMPLATE_ROWS: u32 = 5_000;

/// The drop-down values of a field, when it has a fixed set: the forms the register
/// reader accepts, as offices write them.
fn choices(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "status" => Some(&["未整改", "整改中", "已整改", "已销号"]),
        "level" => Some(&["重大隐患", "一般隐患"]),
        "source" => Some(&["企业自查", "执法检查", "群众举报", "上级交办"]),
        "supervised" => Some(&["是", "否"]),
        _ => None,
    }
}

/// The template workbook's bytes. Deterministic: the same binary writes the same bytes.
pub fn register_template() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("重大事故隐患排查整治台账")
            .set_comment("由 gongkai template registers 生成")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 1)?),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let fields: Vec<_> = FIELDS.iter().filter(|f| !f.derived).collect();
    let sheet = workbook.add_worksheet();
    sheet.set_name("台账")?;
    for (col, field) in fields.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, field.header, &header)?;
        sheet.set_column_width(col, column_width(field.kind, field.header))?;
        match (field.key, field.kind) {
            // 编号 as text: a long number typed in stays whole.
            ("id", _) => {
                sheet.set_column_format(col, &text)?;
            }
            (_, FieldType::Date) => {
                sheet.set_column_format(col, &date)?;
                let rule = DataValidation::new()
                    .allow_any_value()
                    .set_input_title("日期")?
                    .set_input_message("请输入日期，例如 2024-05-12 或 2024/5/12。")?;
                sheet.add_data_validation(1, col, TEMPLATE_ROWS, col, &rule)?;
            }
            _ => {}
        }
        if let Some(values) = choices(field.key) {
            let rule = DataValidation::new()
                .allow_list_strings(values)?
                .set_error_title(field.header)?
                .set_error_message(format!("请从下拉列表中选择：{}", values.join("、")))?;
            sheet.add_data_validation(1, col, TEMPLATE_ROWS, col, &rule)?;
        }
    }
    sheet.set_row_height(0, 30)?;
    sheet.set_freeze_panes(1, 0)?;

    let notes = workbook.add_worksheet();
    notes.set_name("填写说明")?;
    notes.set_column_width(0, 18)?;
    notes.set_column_width(1, 8)?;
    notes.set_column_width(2, 90)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    notes.write_string_with_format(0, 0, "重大事故隐患排查整治台账填写说明", &bold)?;
    let general = [
        "1. 每月一个文件夹：content/registers/2024-05/；每个村（社区）、执法队一个工作簿，或一个工作簿里每村一张工作表。",
        "2. 不要改动第 1 行的列名；列的顺序可以调整，不用的列可以删除（编号、隐患名称、单位名称必须保留）。",
        "3. 同一隐患在各月台账中的编号保持不变；编号列已设为文本格式，长数字不会变成科学计数法。",
        "4. 隐藏的行和列照常公开；作废的行请删除，不要隐藏。合计行、填表人和联系电话等表尾不会公开。",
        "5. 公式单元格以保存时的计算结果为准；请保存前按 F9 重新计算。不要引用其他文件中的数据。",
        "6. 请保存为 .xlsx（不要保存为带宏的 .xlsm 或旧版 .xls）；保存前关闭打开密码。",
    ];
    let mut row = 1u32;
    for line in general {
        notes.merge_range(row, 0, row, 2, line, &wrap)?;
        row += 1;
    }
    row += 1;
    for (col, title) in ["列名", "必填", "填写要求"].iter().enumerate() {
        notes.write_string_with_format(row, col as u16, *title, &bold)?;
    }
    for field in &fields {
        row += 1;
        notes.write_string(row, 0, field.header)?;
        notes.write_string(row, 1, if field.required { "是" } else { "" })?;
        let mut rule = field.meaning.to_string();
        if let Some(values) = choices(field.key) {
            rule.push_str(&format!("从下拉列表中选择：{}。", values.join("、")));
        } else if field.kind == FieldType::Date {
            rule.push_str("填写日期，例如 2024-05-12。");
        } else if field.kind == FieldType::Number {
            rule.push_str("只填数字，例如 12.5。");
        }
        notes.write_string_with_format(row, 2, &rule, &wrap)?;
    }
    workbook
        .save_to_buffer()
        .map(crate::render::opendata::same_bytes_on_every_platform)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};
    use std::path::PathBuf;

    use super::*;
    use crate::config::SiteConfig;
    use crate::hazard::YearMonth;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn template_has_validation_formats_frozen_header_and_notes() {
        let bytes = register_template().unwrap();
        assert_eq!(bytes, register_template().unwrap(), "deterministic");
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"state="frozen""#), "frozen header");
        for list in [
            "未整改,整改中,已整改,已销号",
            "重大隐患,一般隐患",
            "企业自查,执法检查,群众举报,上级交办",
            "是,否",
        ] {
            assert!(
                sheet.contains(&format!("<formula1>\"{list}\"</formula1>")),
                "{list}"
            );
        }
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#));
        // Built-in format 49 is "@", text.
        assert!(styles.contains(r#"numFmtId="49""#) || styles.contains(r#"formatCode="@""#));
        let workbook = part(&bytes, "xl/workbook.xml");
        assert!(workbook.contains(r#"name="台账""#) && workbook.contains(r#"name="填写说明""#));
    }

    #[test]
    fn the_template_reads_back_as_an_empty_register() {
        let mut findings = crate::diag::Findings::default();
        let config = SiteConfig::parse(
            "title = \"t\"\nissuer = \"i\"\nbase_url = \"https://x/\"\n",
            &mut findings,
        )
        .unwrap();
        let (file, findings) = crate::load::register::read_register(
            register_template().unwrap(),
            PathBuf::from("content/registers/2024-05/模板.xlsx"),
            YearMonth::new(2024, 5).unwrap(),
            &config,
        );
        assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
        let file = file.unwrap();
        assert_eq!((file.header_row, file.records.len()), (1, 0));
        assert!(
            file.unpublished_columns.is_empty(),
            "{:?}",
            file.unpublished_columns
        );
    }
}
