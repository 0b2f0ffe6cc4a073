//! Reading the fields of one parsed notice or page: each value checked and every
//! problem reported once, with its line and advice in the file's own syntax.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{doc_number, files, DisclosureMode};
use crate::diag::{Finding, Findings};
use crate::load::frontmatter::{self, Document, Entry, Field, Format, Value};
use crate::load::values::{parse_date, parse_yes_no};

/// Reads the fields of one parsed file, reporting each problem once with its line.
pub(super) struct Reader<'a> {
    pub(super) doc: Document,
    format: Format,
    rel: &'a Path,
    findings: &'a mut Findings,
}

impl<'a> Reader<'a> {
    /// Parses the front matter; a syntax error or a file without front matter is
    /// reported and gives `None`.
    /// `template` is the front matter shown when the file has none.
    pub(super) fn new(
        text: &str,
        rel: &'a Path,
        findings: &'a mut Findings,
        template: &str,
    ) -> Option<Self> {
        let doc = match frontmatter::parse(text) {
            Ok(doc) => doc,
            Err(err) => {
                let mut finding = Finding::error("front-matter-syntax", err.message)
                    .in_file(rel)
                    .at_row(err.line)
                    .with_help(err.help);
                if let Some(line) = err.text {
                    finding = finding.with_value(line);
                }
                findings.push(finding);
                return None;
            }
        };
        let Some(format) = doc.format else {
            findings.push(
                Finding::error("front-matter-missing", "文件开头没有头部信息（标题等）")
                    .in_file(rel)
                    .at_row(1)
                    .with_help(format!(
                        "请在文件最开头写头部信息，例如：\n{template}\n然后空一行写正文。"
                    )),
            );
            return None;
        };
        Some(Reader {
            doc,
            format,
            rel,
            findings,
        })
    }

    /// `key: value` or `key = "value"`, as the file's own syntax writes it.
    fn example(&self, key: &str, value: &str) -> String {
        match self.format {
            Format::Toml => format!("{key} = \"{value}\""),
            Format::Yaml => format!("{key}: {value}"),
        }
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding.in_file(self.rel));
    }

    /// Warns about unknown keys, keys this kind of file does not use, and a field given
    /// twice (in two languages, say).
    pub(super) fn check_keys(&mut self, allowed: &[Field], kind: &str) {
        let accepted = allowed
            .iter()
            .map(|f| f.chinese_key())
            .collect::<Vec<_>>()
            .join("、");
        let mut seen: HashMap<Field, (String, usize)> = HashMap::new();
        for entry in self.doc.entries.clone() {
            let Some(field) = entry.field else {
                self.push(
                    Finding::warning(
                        "front-matter-unknown-key",
                        format!("头部信息中有不认识的项“{}”，已忽略", entry.key),
                    )
                    .at_row(entry.line)
                    .with_value(entry.key.clone())
                    .with_help(format!(
                        "请检查拼写。{kind}可用的项：{accepted}（也可用英文名，如 title、date）。"
                    )),
                );
                continue;
            };
            if !allowed.contains(&field) {
                self.push(
                    Finding::warning(
                        "front-matter-unused-key",
                        format!("{kind}不使用“{}”一项，已忽略", entry.key),
                    )
                    .at_row(entry.line)
                    .with_value(entry.key.clone())
                    .with_help(format!("{kind}可用的项：{accepted}。")),
                );
                continue;
            }
            if let Some((first_key, first_line)) = seen.get(&field) {
                self.push(
                    Finding::warning(
                        "front-matter-duplicate-key",
                        format!(
                            "“{}”与第 {first_line} 行的“{first_key}”是同一项，以第 {first_line} 行为准",
                            entry.key
                        ),
                    )
                    .at_row(entry.line)
                    .with_value(entry.key.clone())
                    .with_help("请删去其中一行。"),
                );
            } else {
                seen.insert(field, (entry.key.clone(), entry.line));
            }
        }
    }

    fn entry(&self, field: Field) -> Option<Entry> {
        self.doc.get(field).cloned()
    }

    /// The value of a text field; blank is `None`; a list or table is reported.
    pub(super) fn text(&mut self, field: Field) -> Option<String> {
        let entry = self.entry(field)?;
        match &entry.value {
            Value::Other(kind) => {
                let example = self.example(field.chinese_key(), "……");
                self.push(
                    Finding::warning(
                        "front-matter-type",
                        format!("“{}”应为一段文字，不能是{kind}，已忽略", entry.key),
                    )
                    .at_row(entry.line)
                    .with_help(format!("请写成 {example}。")),
                );
                None
            }
            value => value.as_text().filter(|s| !s.trim().is_empty()),
        }
    }

    /// A text field that must be there; reports it missing.
    pub(super) fn required_text(&mut self, field: Field, sample: &str) -> Option<String> {
        let value = self.text(field);
        if value.is_none() {
            let row = self.entry(field).map_or(1, |e| e.line);
            let example = self.example(field.chinese_key(), sample);
            self.push(
                Finding::error(
                    "front-matter-missing-field",
                    format!("缺少{}（{}）", field.chinese_key(), field_english(field)),
                )
                .at_row(row)
                .with_help(format!(
                    "{}为必填项，请在头部信息中写 {example}。",
                    field.chinese_key()
                )),
            );
        }
        value
    }

    /// 成文日期. `Some(None)` when optional and absent; `None` on an error.
    pub(super) fn date(&mut self, required: bool) -> Option<Option<NaiveDate>> {
        let Some(entry) = self.entry(Field::Date).filter(|e| !e.value.is_empty()) else {
            if !required {
                return Some(None);
            }
            let row = self.entry(Field::Date).map_or(1, |e| e.line);
            let example = self.example("成文日期", "2024年2月1日");
            self.push(
                Finding::error("front-matter-missing-field", "缺少成文日期（date）")
                    .at_row(row)
                    .with_help(format!("成文日期为必填项，请在头部信息中写 {example}。")),
            );
            return None;
        };
        let parsed = match &entry.value {
            Value::Date(d) => Some(*d),
            Value::Text(s) | Value::Number(s) => parse_date(s),
            _ => None,
        };
        if parsed.is_none() {
            let shown = entry.value.as_text().unwrap_or_default();
            self.push(
                Finding::error(
                    "front-matter-bad-date",
                    format!("“{}”不是可识别的日期：{shown}", entry.key),
                )
                .at_row(entry.line)
                .with_value(shown)
                .with_help(
                    "请写成 2024-02-01、2024/2/1 或 2024年2月1日 这样的日期，并确认该日存在。",
                ),
            );
            return None;
        }
        Some(parsed)
    }

    /// 公开属性: required.
    pub(super) fn disclosure(&mut self) -> Option<DisclosureMode> {
        let help = format!(
            "公开属性为必填项，只有“主动公开”的通知才会发布到网站。请写 {}（或 依申请公开、不予公开）。",
            self.example("公开属性", "主动公开")
        );
        let Some(entry) = self
            .entry(Field::Disclosure)
            .filter(|e| !e.value.is_empty())
        else {
            let row = self.entry(Field::Disclosure).map_or(1, |e| e.line);
            self.push(
                Finding::error(
                    "front-matter-missing-disclosure",
                    "缺少公开属性（主动公开、依申请公开或不予公开）",
                )
                .at_row(row)
                .with_help(help),
            );
            return None;
        };
        let text = entry.value.as_text().unwrap_or_default();
        let mode = DisclosureMode::parse(&text);
        if mode.is_none() {
            self.push(
                Finding::error(
                    "front-matter-bad-disclosure",
                    format!("公开属性“{text}”不是 主动公开、依申请公开、不予公开 之一"),
                )
                .at_row(entry.line)
                .with_value(text)
                .with_help(help),
            );
        }
        mode
    }

    /// 草稿: false when absent.
    pub(super) fn draft(&mut self) -> Option<bool> {
        let Some(entry) = self.entry(Field::Draft) else {
            return Some(false);
        };
        let value = match &entry.value {
            Value::Bool(b) => Some(*b),
            Value::Empty => Some(false),
            Value::Text(s) => parse_yes_no(s).or_else(|| (s.trim() == "草稿").then_some(true)),
            _ => None,
        };
        if value.is_none() {
            let shown = entry.value.as_text().unwrap_or_default();
            let example = self.example("草稿", "是");
            self.push(
                Finding::error(
                    "front-matter-bad-draft",
                    format!(
                        "“{}”应为 是 或 否（true 或 false），现为“{shown}”",
                        entry.key
                    ),
                )
                .at_row(entry.line)
                .with_value(shown)
                .with_help(format!("草稿写 {example}；要发布时删去这一行或改为 否。")),
            );
        }
        value
    }

    pub(super) fn check_doc_number(&mut self, number: &str) {
        let issues = doc_number::doc_number_issues(number);
        if issues.is_empty() {
            return;
        }
        let row = self.entry(Field::DocNumber).map_or(1, |e| e.line);
        let what = issues
            .iter()
            .map(|i| i.message())
            .collect::<Vec<_>>()
            .join("；");
        self.push(
            Finding::warning(
                "doc-number-format",
                format!("文号“{number}”不符合 GB/T 9704 的写法：{what}"),
            )
            .at_row(row)
            .with_value(number)
            .with_help(
                "正确写法如 南政发〔2023〕14号：年份用六角括号〔〕括入，顺序号不加“第”字、\
                 不编虚位（不写 014），末尾加“号”字。",
            ),
        );
    }

    /// The slug: from a `slug` key when given, else from the file name.
    pub(super) fn slug(&mut self) -> Option<String> {
        if let Some(entry) = self.entry(Field::Slug).filter(|e| !e.value.is_empty()) {
            let raw = entry.value.as_text().unwrap_or_default();
            let slug = files::slugify(&raw);
            match &slug {
                None => self.push(
                    Finding::error(
                        "slug-invalid",
                        format!("slug“{raw}”中没有可用于网址的文字"),
                    )
                    .at_row(entry.line)
                    .with_value(raw)
                    .with_help("slug 请用汉字、英文字母、数字和连字符 - 组成，例如 slug = \"2024-paicha\"。"),
                ),
                Some(s) if *s != raw => self.push(
                    Finding::warning(
                        "slug-changed",
                        format!("slug“{raw}”含有不能用于网址的字符，已改为“{s}”"),
                    )
                    .at_row(entry.line)
                    .with_value(raw)
                    .with_help("slug 只用汉字、小写英文字母、数字、- 和 _；如无特别需要可删去这一行，用文件名作网址。"),
                ),
                Some(_) => {}
            }
            return slug;
        }
        let stem = self
            .rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let slug = files::slugify(&stem);
        if slug.is_none() {
            self.push(
                Finding::error(
                    "slug-invalid",
                    format!("文件名“{stem}”中没有可用于网址的文字"),
                )
                .with_help("请用汉字、英文字母或数字给文件命名，或在头部信息中写 slug（网址名）。"),
            );
        }
        slug
    }

    pub(super) fn check_body(&mut self) {
        if self.doc.body.trim().is_empty() {
            let row = self.doc.body_line;
            self.push(
                Finding::warning("notice-empty-body", "正文是空的")
                    .at_row(row)
                    .with_help("请在头部信息的结束行之后写正文。"),
            );
        }
    }
}

/// The English key of a field, for messages.
fn field_english(field: Field) -> &'static str {
    match field {
        Field::Title => "title",
        Field::Date => "date",
        Field::DocNumber => "doc_number",
        Field::Issuer => "issuer",
        Field::IndexNumber => "index_number",
        Field::Category => "category",
        Field::Disclosure => "disclosure",
        Field::Draft => "draft",
        Field::Slug => "slug",
    }
}
