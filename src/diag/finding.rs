//! A finding is one thing the check has to say about the input: an error (nothing is
//! published) or a warning (published, listed), always with where it is.

use std::path::PathBuf;

use serde::Serialize;

/// How serious a finding is. SPEC.md classes every rule as one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing is published while any error stands.
    Error,
    /// Published, but listed so staff can look.
    Warning,
    /// For information only (e.g. which columns are not published).
    Note,
}

impl Severity {
    /// 错误 / 警告 / 提示
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        }
    }
}

/// The text around an offending value, so the report can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The source text shown (typically the row as it stands in the file, decoded).
    pub text: String,
    /// Byte offset of the offending value within `text`.
    pub offset: usize,
    /// Byte length of the offending value.
    pub len: usize,
}

/// One finding of the check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable machine-readable code, e.g. `duplicate-id`, `vanished-hazard`.
    pub code: &'static str,
    /// The file, relative to the site root with `/` separators; `None` for site-wide
    /// findings such as a gap between months.
    pub file: Option<PathBuf>,
    /// The row as the user sees it in Excel (1-based, title lines and header counted),
    /// or the line of a Markdown/TOML file.
    pub row: Option<usize>,
    /// The column header as written in the file.
    pub column: Option<String>,
    /// In a workbook: the sheet and cell as Excel names it, `东堡村!F12` (or the sheet
    /// alone, `东堡村`, for a finding about a whole sheet or row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The offending value, as written.
    pub value: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
    /// What to do about it, in Chinese.
    pub help: Option<String>,
    /// The text around the value, for the human report.
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

impl Finding {
    /// A finding with only severity, code and message set; fill in the rest with the
    /// builder methods.
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            severity,
            code,
            file: None,
            row: None,
            column: None,
            cell: None,
            value: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// An error finding.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Finding::new(Severity::Error, code, message)
    }

    /// A warning finding.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Finding::new(Severity::Warning, code, message)
    }

    /// A note finding.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Finding::new(Severity::Note, code, message)
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the row.
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// Sets the column header.
    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// Sets the workbook sheet and cell (`东堡村!F12`).
    pub fn at_cell(mut self, cell: impl Into<String>) -> Self {
        self.cell = Some(cell.into());
        self
    }

    /// Sets the offending value.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the snippet.
    pub fn with_snippet(mut self, snippet: Snippet) -> Self {
        self.snippet = Some(snippet);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All findings of a run, in the order they were made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub items: Vec<Finding>,
}

impl Findings {
    /// Adds one finding.
    pub fn push(&mut self, finding: Finding) {
        self.items.push(finding);
    }

    /// Adds many findings.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.items.extend(findings);
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    /// Sorts findings by file, row, then severity, so reports are stable whatever order
    /// files were read in (reading is parallel).
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.row, a.severity, a.code, &a.column)
                .cmp(&(&b.file, b.row, b.severity, b.code, &b.column))
        });
    }
}
