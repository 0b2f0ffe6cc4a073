//! The text of PDF, Word (.docx) and Excel (.xlsx) attachments, for the leak scanner:
//! a name or phone number in an attached 整改方案 is as public as one on the page.
//!
//! PDF text comes from pdf-extract (a scanned PDF has none: it is listed as not
//! scannable); .xlsx cells from calamine; .docx is a zip of XML parts whose text runs
//! (`<w:t>`) quick-xml reads from the document, its headers, footers and notes.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::Reader;

/// The text of the document at `path` (its extension says the format), one line per
/// paragraph or row; an error message when it cannot be read.
pub fn extract(path: &Path, bytes: &[u8]) -> Result<String, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => pdf(bytes),
        "docx" => docx(bytes),
        "xlsx" => xlsx(bytes),
        _ => Err(format!("{ext} 文件无法读取文字")),
    }
}

/// True for an output path whose text [`extract`] can read.
pub fn is_scanned(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    super::SCANNED_EXTENSIONS
        .iter()
        .any(|ext| lower.ends_with(&format!(".{ext}")))
}

fn pdf(bytes: &[u8]) -> Result<String, String> {
    // pdf-extract panics on some malformed files; a panic here must not end the build.
    let bytes = bytes.to_vec();
    std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&bytes))
        .map_err(|_| "PDF 文件已损坏，无法读取".to_string())?
        .map_err(|e| format!("PDF 文件无法读取：{e}"))
}

fn xlsx(bytes: &[u8]) -> Result<String, String> {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("无法读取：{e}"))?;
    let mut out = String::new();
    for name in book.sheet_names() {
        // Cell by cell as the sheet is read, rather than a whole grid of owned values
        // first: the site's own monthly workbooks (10,000 rows in a county) are read
        // back here on every build.
        let Ok(mut cells) = book.worksheet_cells_reader(&name) else {
            continue;
        };
        let mut row = None;
        while let Ok(Some(cell)) = cells.next_cell() {
            let at = cell.get_position().0;
            if row.is_some_and(|r| r != at) {
                out.push('\n');
            }
            row = Some(at);
            match cell.get_value() {
                calamine::DataRef::SharedString(text) => out.push_str(text),
                calamine::DataRef::String(text) => out.push_str(text),
                other => out.push_str(&calamine::Data::from(other.clone()).to_string()),
            }
            out.push('\t');
        }
        out.push('\n');
    }
    Ok(out)
}

fn docx(bytes: &[u8]) -> Result<String, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("无法读取：{e}"))?;
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(std::borrow::Cow::into_owned))
        .filter(|n| {
            n.starts_with("word/")
                && n.ends_with(".xml")
                && [
                    "document",
                    "header",
                    "footer",
                    "footnotes",
                    "endnotes",
                    "comments",
                ]
                .iter()
                .any(|p| n["word/".len()..].starts_with(p))
        })
        .collect();
    if parts.is_empty() {
        return Err("不是 Word 文档".to_string());
    }
    let mut out = String::new();
    for name in parts {
        let mut xml = String::new();
        archive
            .by_name(&name)
            .map_err(|e| e.to_string())?
            .take(64 * 1024 * 1024)
            .read_to_string(&mut xml)
            .map_err(|e| e.to_string())?;
        run_text(&xml, &mut out)?;
    }
    Ok(out)
}

/// Appends the text runs of one WordprocessingML part, a line per paragraph.
fn run_text(xml: &str, out: &mut String) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == "w:p" => out.push('\n'),
            Event::Text(t) if in_text => {
                // Entities come as their own events; a text event is plain text.
                out.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    out.push_str(match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A minimal .docx with `paragraphs` (for tests here and of the whole build).
#[doc(hidden)]
pub fn sample_docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let files = [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".to_string()),
        ("word/document.xml", document),
    ];
    for (name, text) in files {
        if zip.start_file(name, options).is_ok() {
            let _ = zip.write_all(text.as_bytes());
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_text_by_paragraph() {
        let bytes = sample_docx(&["整改方案", "联系人：李明 13800138000", "A &amp; B"]);
        let text = extract(Path::new("a.DOCX"), &bytes).unwrap();
        assert_eq!(text, "整改方案\n联系人：李明 13800138000\nA & B\n");
    }

    #[test]
    fn xlsx_text_by_row_and_cell_on_every_sheet() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "隐患编号").unwrap();
        sheet.write_string(0, 2, "联系人").unwrap();
        sheet.write_string(1, 0, "YH1").unwrap();
        // A gap before the phone number: cells never run together.
        sheet.write_string(1, 2, "李明 13800138000").unwrap();
        sheet.write_number(3, 1, 42).unwrap();
        sheet.write_number(3, 2, 2.5).unwrap();
        sheet.write_boolean(4, 0, true).unwrap();
        let second = book.add_worksheet();
        second.write_string(0, 0, "A & B <c>").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let text = extract(Path::new("a.xlsx"), &bytes).unwrap();
        assert_eq!(
            text,
            "隐患编号\t联系人\t\nYH1\t李明 13800138000\t\n42\t2.5\t\ntrue\t\nA & B <c>\t\n"
        );
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        assert!(extract(Path::new("a.pdf"), b"%PDF-1.4 broken").is_err());
        assert!(extract(Path::new("a.docx"), b"PK broken").is_err());
        assert!(extract(Path::new("a.xlsx"), b"nope").is_err());
    }
}
