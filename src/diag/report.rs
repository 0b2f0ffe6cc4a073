//! Printing findings: a human report (miette draws the offending cell) and JSON.
//!
//! The human report leads each finding with where it is (file, Excel row, column) in
//! Chinese, then lets miette draw the row with the bad cell underlined, then says what
//! to do. A summary line ends the report.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use super::{Finding, Findings, Severity, Snippet};

/// Counts for the summary line that ends every report.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    /// Files read (site.toml, registers, notices, pages, task lists).
    pub files: usize,
    /// Register data rows read.
    pub rows: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    /// Counts the findings; `files` and `rows` come from loading.
    pub fn new(findings: &Findings, files: usize, rows: usize) -> Self {
        let count = |s| findings.items.iter().filter(|f| f.severity == s).count();
        Summary {
            files,
            rows,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "读取文件 {} 个、台账 {} 行；错误 {} 个，警告 {} 个，提示 {} 个。",
            self.files, self.rows, self.errors, self.warnings, self.notes
        )?;
        if self.errors > 0 {
            write!(f, "有错误，不能发布：请按上面的提示逐条修改后再运行。")
        } else {
            write!(f, "检查通过，可以发布。")
        }
    }
}

/// Writes the human report: every finding, then the summary line.
///
/// `color` switches ANSI colours on (for a terminal).
pub fn write_text(
    out: &mut dyn Write,
    findings: &Findings,
    summary: &Summary,
    color: bool,
) -> io::Result<()> {
    write_text_with(out, findings, summary, color, false)
}

/// [`write_text`] for people in a hurry and for scripts: errors first, then warnings,
/// each with where it is, the cell and what to do; then the notes, one line each, the
/// same note on many files said once with the file count; then the summary line.
/// `quiet` leaves out warnings and notes (`--quiet`).
pub fn write_text_with(
    out: &mut dyn Write,
    findings: &Findings,
    summary: &Summary,
    color: bool,
    quiet: bool,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let severities: &[Severity] = if quiet {
        &[Severity::Error]
    } else {
        &[Severity::Error, Severity::Warning]
    };
    for &severity in severities {
        for finding in findings.items.iter().filter(|f| f.severity == severity) {
            write_full(out, finding, &handler)?;
        }
    }
    if !quiet {
        write_notes(out, findings)?;
    }
    writeln!(out, "{summary}")
}

/// One error or warning: heading, message, the cell, what to do.
fn write_full(
    out: &mut dyn Write,
    finding: &Finding,
    handler: &GraphicalReportHandler,
) -> io::Result<()> {
    writeln!(out, "{}", heading(finding))?;
    match (&finding.snippet, cell_name(finding)) {
        // A cell of a table: named as Excel names it, not drawn inside its whole row
        // (a wide Chinese row put the pointer hundreds of columns to the right).
        (Some(_), Some(cell)) => {
            writeln!(out, "  {}", finding.message)?;
            writeln!(out, "  {cell}")?;
        }
        (Some(_), None) => {
            let mut rendered = String::new();
            // Rendering into a String cannot fail for want of I/O; if miette refuses the
            // snippet (bad span), the heading and message below still say everything.
            if handler
                .render_report(&mut rendered, &FindingDiagnostic::new(finding))
                .is_ok()
            {
                write!(out, "{rendered}")?;
            } else {
                writeln!(out, "  {}", finding.message)?;
            }
        }
        (None, _) => {
            writeln!(out, "  {}", finding.message)?;
            if let Some(value) = &finding.value {
                writeln!(out, "  内容：「{value}」")?;
            }
        }
    }
    if let Some(help) = &finding.help {
        writeln!(out, "  处理办法：{help}")?;
    }
    writeln!(out)
}

/// `单元格 D5（“整改时限”列）：「2026-13-01」` for a finding whose snippet is a CSV row
/// with the value in it.
fn cell_name(finding: &Finding) -> Option<String> {
    let snippet = finding.snippet.as_ref()?;
    let value = finding.value.as_deref().unwrap_or_else(|| {
        snippet
            .text
            .get(snippet.offset..snippet.offset + snippet.len)
            .unwrap_or("")
    });
    let before = snippet.text.get(..snippet.offset)?;
    // Fields before the cell, read as CSV so quoted commas count right.
    let index = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(before.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map_or(0, |r| r.len().saturating_sub(1));
    let row = finding.row.map(|r| r.to_string()).unwrap_or_default();
    let column = finding
        .column
        .as_ref()
        .map(|c| format!("（“{c}”列）"))
        .unwrap_or_default();
    Some(format!(
        "单元格 {}{row}{column}：「{value}」",
        column_letter(index)
    ))
}

/// Excel's name of the column at `index` (0 → A, 25 → Z, 26 → AA).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The notes, one line each; the same note (code and message) on several files is one
/// line with the number of files; at most [`NOTES_PER_KIND`] lines per kind.
fn write_notes(out: &mut dyn Write, findings: &Findings) -> io::Result<()> {
    let notes: Vec<&Finding> = findings
        .items
        .iter()
        .filter(|f| f.severity == Severity::Note)
        .collect();
    if notes.is_empty() {
        return Ok(());
    }
    // (code, message) → the notes saying it, in report order. Found through a map: a
    // county has tens of thousands of notes, nearly all with their own message, and a
    // search along the list made this quadratic (5 s of a county build).
    let mut groups: Vec<((&str, &str), Vec<&Finding>)> = Vec::new();
    let mut group_of: HashMap<(&str, &str), usize> = HashMap::with_capacity(notes.len());
    for note in &notes {
        let key = (note.code, note.message.as_str());
        match group_of.get(&key) {
            Some(&i) => groups[i].1.push(note),
            None => {
                group_of.insert(key, groups.len());
                groups.push((key, vec![note]));
            }
        }
    }
    groups.sort_by_key(|((code, _), _)| *code);
    writeln!(
        out,
        "提示 {} 条（同样的提示已合并；全部内容请用 --format json 查看）：",
        notes.len()
    )?;
    // Ordered, so the "共 N 条" lines come in the same order every run.
    let mut lines: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut helped = std::collections::HashSet::new();
    for ((code, message), list) in &groups {
        let shown = lines.entry(code).or_default();
        *shown += 1;
        if *shown > NOTES_PER_KIND {
            continue;
        }
        let first = list[0];
        let place = if list.len() > 1 {
            let file = first
                .file
                .as_ref()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("（{} 个文件，如 {file}）", list.len())
        } else {
            let place = heading(first);
            let place = place
                .trim_start_matches(first.severity.label())
                .trim()
                .trim_end_matches(&format!("[{code}]"))
                .trim()
                .to_string();
            if place.is_empty() {
                String::new()
            } else {
                format!("（{place}）")
            }
        };
        writeln!(out, "  [{code}] {message}{place}")?;
        if let Some(help) = &first.help {
            if helped.insert(*code) {
                writeln!(out, "    处理办法：{help}")?;
            }
        }
    }
    for (code, count) in lines {
        if count > NOTES_PER_KIND {
            writeln!(
                out,
                "  [{code}] 同类提示共 {count} 条，以上只列出前 {NOTES_PER_KIND} 条"
            )?;
        }
    }
    writeln!(out)
}

/// How many notes of one kind the human report lists before it only counts them.
pub const NOTES_PER_KIND: usize = 5;

/// `错误 content/registers/2024-05/东庄村.csv 第 7 行「完成日期」列 [status-done-missing]`
fn heading(finding: &Finding) -> String {
    let mut heading = finding.severity.label().to_string();
    if let Some(file) = &finding.file {
        heading.push(' ');
        heading.push_str(&file.to_string_lossy());
    }
    if let Some(cell) = &finding.cell {
        heading.push_str(&format!(" {cell}"));
    }
    if let Some(row) = finding.row {
        heading.push_str(&format!(" 第 {row} 行"));
    }
    if let Some(column) = &finding.column {
        heading.push_str(&format!("「{column}」列"));
    }
    heading.push_str(&format!(" [{}]", finding.code));
    heading
}

/// The JSON report: `{ "findings": [...], "summary": {...} }`.
#[derive(Serialize)]
struct JsonReport<'a> {
    findings: &'a [Finding],
    summary: &'a Summary,
}

/// Writes the findings and summary as one JSON document (for scripts).
pub fn write_json(out: &mut dyn Write, findings: &Findings, summary: &Summary) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &JsonReport {
            findings: &findings.items,
            summary,
        },
    )?;
    writeln!(out)
}

/// Adapts a [`Finding`] with a snippet to miette's [`Diagnostic`].
struct FindingDiagnostic<'a>(&'a Finding, Option<RowSource<'a>>);

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let source = finding.snippet.as_ref().map(|snippet| RowSource {
            snippet,
            name: finding
                .file
                .as_ref()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            first_line: finding.row.unwrap_or(1),
        });
        FindingDiagnostic(finding, source)
    }
}

/// A snippet together with the row it starts at, so miette numbers the row as Excel
/// does instead of starting at 1.
struct RowSource<'a> {
    snippet: &'a Snippet,
    name: String,
    first_line: usize,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FindingDiagnostic")
            .field(&self.0.code)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.1.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.0.snippet.as_ref()?;
        let label = if snippet.len == 0 {
            "此处为空"
        } else {
            "这里"
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label.to_string()),
            snippet.offset,
            snippet.len,
        ))))
    }
}

impl SourceCode for RowSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .snippet
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line.saturating_sub(1),
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Findings {
        let mut findings = Findings::default();
        let text = "DG-001,液氨制冷车间氨气报警器失效,2024年13月5日".to_string();
        let offset = text.find("2024年13月5日").unwrap();
        findings.push(
            Finding::error("bad-date", "日期无法识别：「2024年13月5日」")
                .in_file("content/registers/2024-05/东庄村.csv")
                .at_row(7)
                .in_column("发现日期")
                .with_value("2024年13月5日")
                .with_help("请写成 2024-05-12 或 2024年5月12日 的形式。")
                .with_snippet(Snippet {
                    text,
                    offset,
                    len: "2024年13月5日".len(),
                }),
        );
        findings.push(Finding::error("month-gap", "缺少 2024-07 月的台账").with_help("补上。"));
        findings
    }

    #[test]
    fn excel_column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn errors_come_first_and_quiet_leaves_out_the_rest() {
        let mut findings = Findings::default();
        for file in ["a.csv", "b.csv", "c.csv"] {
            findings
                .push(Finding::note("columns-unpublished", "以下列不会公开：举报人").in_file(file));
        }
        findings.push(Finding::warning("w", "警告一条").in_file("a.csv"));
        findings.push(Finding::error("e", "错误一条").in_file("z.csv"));
        let summary = Summary::new(&findings, 3, 0);
        let mut out = Vec::new();
        write_text(&mut out, &findings, &summary, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        let error = out.find("错误一条").unwrap();
        assert!(error < out.find("警告一条").unwrap(), "{out}");
        assert_eq!(out.matches("以下列不会公开").count(), 1, "{out}");
        assert!(
            out.contains("  [columns-unpublished] 以下列不会公开：举报人（3 个文件，如 a.csv）\n"),
            "{out}"
        );
        let mut quiet = Vec::new();
        write_text_with(&mut quiet, &findings, &summary, false, true).unwrap();
        let quiet = String::from_utf8(quiet).unwrap();
        assert!(
            quiet.contains("错误一条") && !quiet.contains("警告一条") && !quiet.contains("举报人"),
            "{quiet}"
        );
    }

    #[test]
    fn text_report_names_file_row_column_and_shows_cell() {
        let findings = sample();
        let summary = Summary::new(&findings, 3, 40);
        let mut out = Vec::new();
        write_text(&mut out, &findings, &summary, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(
                "错误 content/registers/2024-05/东庄村.csv 第 7 行「发现日期」列 [bad-date]"
            ),
            "{out}"
        );
        // The cell by its Excel name and header, not the whole CSV line.
        assert!(
            out.contains("  单元格 C7（“发现日期”列）：「2024年13月5日」\n"),
            "{out}"
        );
        assert!(!out.contains("DG-001,液氨制冷车间氨气报警器失效"), "{out}");
        assert!(out.contains("处理办法：请写成"), "{out}");
        assert!(out.contains("错误 [month-gap]"), "{out}");
        assert!(
            out.trim_end()
                .ends_with("有错误，不能发布：请按上面的提示逐条修改后再运行。"),
            "{out}"
        );
        assert!(
            out.contains("读取文件 3 个、台账 40 行；错误 2 个，警告 0 个，提示 0 个。"),
            "{out}"
        );
    }

    #[test]
    fn many_notes_of_one_kind_are_counted_not_listed() {
        let mut findings = Findings::default();
        for i in 0..100 {
            findings.push(
                Finding::note("overdue", format!("隐患 H-{i} 已逾期"))
                    .in_file("content/registers/2024-05.csv")
                    .at_row(i + 2),
            );
        }
        let summary = Summary::new(&findings, 2, 100);
        let mut out = Vec::new();
        write_text(&mut out, &findings, &summary, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.matches("已逾期").count(), NOTES_PER_KIND, "{out}");
        assert!(out.contains("同类提示共 100 条"), "{out}");
        assert!(out.contains("提示 100 个"), "{out}");
    }

    #[test]
    fn json_report_round_trips() {
        let findings = sample();
        let summary = Summary::new(&findings, 3, 40);
        let mut out = Vec::new();
        write_json(&mut out, &findings, &summary).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["summary"]["errors"], 2);
        assert_eq!(value["findings"][0]["row"], 7);
        assert_eq!(value["findings"][0]["column"], "发现日期");
        assert_eq!(value["findings"][0]["severity"], "error");
        assert_eq!(
            value["findings"][0]["file"],
            "content/registers/2024-05/东庄村.csv"
        );
    }
}
