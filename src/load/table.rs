//! A CSV file as a table: header found under title lines, blank rows skipped, rows numbered as in Excel.
//!
//! Row numbers are what the office sees when it opens the file in Excel or WPS: 1-based,
//! counting title lines, the header and blank lines, with a quoted cell that spans
//! several lines still one row. The `csv` crate skips blank lines and counts physical
//! lines, so the numbering is worked out here from the byte positions it reports.

use std::ops::Range;

use csv::{ReaderBuilder, StringRecord};

/// How many non-blank rows from the top are searched for the header. Registers carry a
/// title, a unit line and perhaps a date line above it; twenty is generous.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Delimiters tried, in order: comma (CSV), then tab (Excel's "Unicode text" export).
const DELIMITERS: [u8; 2] = [b',', b'\t'];

/// One non-blank row of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row as Excel numbers it (1-based).
    pub number: usize,
    /// Byte range of the row's text in the decoded file, without its line end.
    pub span: Range<usize>,
    /// The cells, unquoted, as written (not trimmed).
    pub record: StringRecord,
}

impl Row {
    /// The cell at `index`, or `""` when the row is shorter than that.
    pub fn cell(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or("")
    }

    /// The row's text as it stands in the file.
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        source.get(self.span.clone()).unwrap_or("")
    }
}

/// A decoded CSV/TSV file split into rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The delimiter used: `b','` or `b'\t'`.
    pub delimiter: u8,
    /// Index into `rows` of the header row, when one was found.
    pub header: Option<usize>,
    /// Every non-blank row, in file order. When no header was found only the first
    /// [`HEADER_SEARCH_ROWS`] rows are read (they are all a message needs).
    pub rows: Vec<Row>,
}

impl Table {
    /// Splits `text` into rows. The delimiter is the one with which a row among the first
    /// [`HEADER_SEARCH_ROWS`] satisfies `is_header`; when none does, a tab if the first
    /// non-blank line has tabs and no commas, else a comma.
    pub fn read(text: &str, is_header: impl Fn(&StringRecord) -> bool) -> Table {
        for delimiter in DELIMITERS {
            let top = read_rows(text, delimiter, Some(HEADER_SEARCH_ROWS));
            if let Some(header) = top.iter().position(|row| is_header(&row.record)) {
                let rows = read_rows(text, delimiter, None);
                return Table {
                    delimiter,
                    header: Some(header),
                    rows,
                };
            }
        }
        let first_line = text
            .split(['\r', '\n'])
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
            b'\t'
        } else {
            b','
        };
        Table {
            delimiter,
            header: None,
            rows: read_rows(text, delimiter, Some(HEADER_SEARCH_ROWS)),
        }
    }

    /// The header row, when found.
    pub fn header_row(&self) -> Option<&Row> {
        self.header.and_then(|i| self.rows.get(i))
    }

    /// The rows below the header.
    pub fn data_rows(&self) -> &[Row] {
        match self.header {
            Some(i) => self.rows.get(i + 1..).unwrap_or(&[]),
            None => &[],
        }
    }
}

/// Reads the non-blank rows of `text` (at most `limit`), numbered as in Excel.
pub fn read_rows(text: &str, delimiter: u8, limit: Option<usize>) -> Vec<Row> {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    // End of the previous record's content and its Excel row number.
    let mut prev_end = 0usize;
    let mut prev_number = 0usize;
    loop {
        if limit.is_some_and(|n| rows.len() >= n) {
            break;
        }
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            // The input is a valid `str`, so the only possible error (invalid UTF-8)
            // cannot happen; stop rather than loop if it ever does.
            Ok(false) | Err(_) => break,
        }
        let after = (reader.position().byte() as usize).min(bytes.len());
        // The reader's span starts with whatever line ends it skipped (the rest of the
        // previous terminator, blank lines) and ends with this record's terminator.
        let mut start = before.min(after);
        while start < after && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let mut end = after;
        while end > start && matches!(bytes[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        let breaks = count_line_breaks(&bytes[prev_end.min(start)..start]);
        let number = if prev_number == 0 {
            breaks + 1
        } else {
            prev_number + breaks.max(1)
        };
        prev_end = end;
        prev_number = number;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            number,
            span: start..end,
            record: record.clone(),
        });
    }
    rows
}

/// Counts line breaks as Excel does: `\r\n`, `\r` and `\n` each end one line.
fn count_line_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                count += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => count += 1,
            _ => {}
        }
        i += 1;
    }
    count
}

/// The byte range of cell `index` within a row's raw text (`Row::text`), without the
/// quotes around a quoted cell. `None` when the row has fewer cells; then the caller
/// points at the end of the row.
pub fn cell_span(raw: &str, delimiter: u8, index: usize) -> Option<Range<usize>> {
    let bytes = raw.as_bytes();
    let mut field = 0;
    let mut start = 0;
    let mut in_quotes = false;
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        let b = if at_end { delimiter } else { bytes[i] };
        if !at_end && b == b'"' {
            in_quotes = !in_quotes;
        } else if (b == delimiter && !in_quotes) || at_end {
            if field == index {
                let (mut s, mut e) = (start, i);
                if e - s >= 2 && bytes[s] == b'"' && bytes[e - 1] == b'"' {
                    s += 1;
                    e -= 1;
                }
                return Some(s..e);
            }
            field += 1;
            start = i + 1;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<(usize, Vec<String>)> {
        read_rows(text, b',', None)
            .into_iter()
            .map(|r| (r.number, r.record.iter().map(str::to_string).collect()))
            .collect()
    }

    #[test]
    fn rows_are_numbered_as_excel_shows_them() {
        let text = "标题\r\n\r\n编号,名称\r\n1,\"两行\r\n内容\"\r\n,,\r\n\r\n2,b\r\n";
        let rows = numbers(text);
        assert_eq!(
            rows,
            vec![
                (1, vec!["标题".into()]),
                (3, vec!["编号".into(), "名称".into()]),
                (4, vec!["1".into(), "两行\r\n内容".into()]),
                (7, vec!["2".into(), "b".into()]),
            ]
        );
    }

    #[test]
    fn lf_and_cr_line_ends() {
        let lf: Vec<usize> = numbers("a\n\nb\nc").iter().map(|r| r.0).collect();
        assert_eq!(lf, vec![1, 3, 4]);
        let cr: Vec<usize> = numbers("a\r\rb\rc\r").iter().map(|r| r.0).collect();
        assert_eq!(cr, vec![1, 3, 4]);
        let lead: Vec<usize> = numbers("\n\n  \na").iter().map(|r| r.0).collect();
        assert_eq!(lead, vec![4]);
    }

    #[test]
    fn spans_and_cells() {
        let text = "x\r\n1,\"a,b\",c\r\n";
        let rows = read_rows(text, b',', None);
        let row = &rows[1];
        let raw = row.text(text);
        assert_eq!(raw, "1,\"a,b\",c");
        assert_eq!(row.cell(1), "a,b");
        assert_eq!(row.cell(9), "");
        assert_eq!(&raw[cell_span(raw, b',', 1).unwrap()], "a,b");
        assert_eq!(&raw[cell_span(raw, b',', 2).unwrap()], "c");
        assert_eq!(cell_span(raw, b',', 0), Some(0..1));
        assert_eq!(cell_span(raw, b',', 3), None);
        assert_eq!(cell_span("a,,b", b',', 1), Some(2..2));
    }

    #[test]
    fn header_under_titles_and_tab_detection() {
        let is_header = |r: &StringRecord| r.get(0) == Some("编号");
        let t = Table::read("台账,,\n填报单位：东庄村,,\n编号,名称\n1,a\n", is_header);
        assert_eq!(t.delimiter, b',');
        assert_eq!(t.header_row().unwrap().number, 3);
        assert_eq!(t.data_rows().len(), 1);
        let t = Table::read("台账\t\t\n编号\t名称\n1\ta,b\n", is_header);
        assert_eq!(t.delimiter, b'\t');
        assert_eq!(t.data_rows()[0].cell(1), "a,b");
        let t = Table::read("甲\t乙\n", is_header);
        assert_eq!((t.delimiter, t.header), (b'\t', None));
        assert!(t.data_rows().is_empty());
    }
}
