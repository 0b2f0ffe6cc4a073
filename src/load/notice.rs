//! Notices (`content/notices/**/*.md`) and standing pages (`content/pages/*.md`):
//! front matter in TOML (`+++`) or YAML (`---`) with English or Chinese keys.

pub mod doc_number;
pub mod files;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{Finding, Findings};
use crate::config::SiteConfig;
use crate::load::frontmatter::{self, Document, Entry, Field, Format, Value};
use crate::load::values::{parse_date, parse_yes_no};
use crate::load::{normalize_header, relative_path};

/// Where notices live, relative to the site root.
pub const NOTICES_DIR: &str = "content/notices";
/// Where standing pages live, relative to the site root.
pub const PAGES_DIR: &str = "content/pages";
/// The 栏目 of a notice that names none.
pub const DEFAULT_CATEGORY: &str = "通知公告";

/// 公开属性. Only [`DisclosureMode::Active`] is ever published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DisclosureMode {
    /// 主动公开
    Active,
    /// 依申请公开
    OnRequest,
    /// 不予公开
    Withheld,
}

impl DisclosureMode {
    /// Reads 公开属性 as offices write it (spaces and full-width forms ignored):
    /// 主动公开 / 依申请公开 / 不予公开, their short forms, or the English names.
    pub fn parse(text: &str) -> Option<DisclosureMode> {
        let key = normalize_header(text).to_ascii_lowercase();
        Some(match key.as_str() {
            "主动公开" | "主动" | "active" => DisclosureMode::Active,
            "依申请公开" | "依申请" | "on_request" | "onrequest" => {
                DisclosureMode::OnRequest
            }
            "不予公开" | "不公开" | "withheld" => DisclosureMode::Withheld,
            _ => return None,
        })
    }

    /// 主动公开 / 依申请公开 / 不予公开
    pub fn label(self) -> &'static str {
        match self {
            DisclosureMode::Active => "主动公开",
            DisclosureMode::OnRequest => "依申请公开",
            DisclosureMode::Withheld => "不予公开",
        }
    }
}

/// One notice, read. Whether it is published is [`Notice::is_published`].
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// URL-safe name, from the file name (or a `slug` key), unique among notices.
    pub slug: String,
    /// Relative to the site root, `/`-separated.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// 成文日期
    pub date: NaiveDate,
    /// 文号
    pub doc_number: Option<String>,
    /// 发文机关; the site's issuer when not given.
    pub issuer: String,
    /// 索引号
    pub index_number: Option<String>,
    /// 栏目; 通知公告 when not given.
    pub category: String,
    /// 公开属性
    pub disclosure: DisclosureMode,
    /// 草稿
    pub draft: bool,
    /// The Markdown body (raw; HTML in it is sanitised when rendered).
    pub body: String,
    /// The line of the file where the body starts (for findings).
    pub body_line: usize,
}

impl Notice {
    /// True when the notice may appear anywhere in the output: 主动公开 and not a draft.
    pub fn is_published(&self) -> bool {
        self.disclosure == DisclosureMode::Active && !self.draft
    }
}

/// A standing page (e.g. 信息公开指南).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// URL-safe name, from the file name (or a `slug` key).
    pub slug: String,
    /// Relative to the site root.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// Optional date.
    pub date: Option<NaiveDate>,
    /// 草稿: not published.
    pub draft: bool,
    /// The Markdown body.
    pub body: String,
}

/// Loads every notice under `content/notices/` (sub-folders too). Returns the notices
/// (sorted by path), published or not, and the number of files read. A notice with an
/// error is reported and left out.
pub fn load_notices(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
) -> (Vec<Notice>, usize) {
    let dir = root.join(NOTICES_DIR);
    let paths = files::content_files(root, &dir, &["md", "markdown"], &[], true, findings);
    let mut notices = Vec::new();
    let mut slugs = HashMap::new();
    for path in &paths {
        let rel = relative_path(root, path);
        let Some(text) = files::read_text(root, path, findings) else {
            continue;
        };
        if let Some(notice) = parse_notice(&text, &rel, &config.issuer, findings) {
            if claim_slug(&mut slugs, &notice.slug, &rel, findings) {
                notices.push(notice);
            }
        }
    }
    (notices, paths.len())
}

/// Loads every standing page in `content/pages/` (that folder only). Returns the pages
/// (sorted by path) and the number of files read.
pub fn load_pages(root: &Path, findings: &mut Findings) -> (Vec<Page>, usize) {
    let dir = root.join(PAGES_DIR);
    let paths = files::content_files(root, &dir, &["md", "markdown"], &[], false, findings);
    let mut pages = Vec::new();
    let mut slugs = HashMap::new();
    for path in &paths {
        let rel = relative_path(root, path);
        let Some(text) = files::read_text(root, path, findings) else {
            continue;
        };
        if let Some(page) = parse_page(&text, &rel, findings) {
            if claim_slug(&mut slugs, &page.slug, &rel, findings) {
                pages.push(page);
            }
        }
    }
    (pages, paths.len())
}

/// Reads one notice from its decoded text. `rel` is the file relative to the site root
/// (for findings and the slug); `default_issuer` is the site's issuer. `None` when an
/// error leaves nothing that could be published; every problem is in `findings`.
pub fn parse_notice(
    text: &str,
    rel: &Path,
    default_issuer: &str,
    findings: &mut Findings,
) -> Option<Notice> {
    let mut r = Reader::new(text, rel, findings)?;
    r.check_keys(&Field::ALL, "通知");
    let title = r.required_text(Field::Title, "关于……的通知");
    let date = r.date(true);
    let disclosure = r.disclosure();
    let draft = r.draft();
    let doc_number = r.text(Field::DocNumber);
    if let Some(number) = &doc_number {
        r.check_doc_number(number);
    }
    let issuer = r.text(Field::Issuer);
    let index_number = r.text(Field::IndexNumber);
    let category = r.text(Field::Category);
    let slug = r.slug();
    r.check_body();
    Some(Notice {
        slug: slug?,
        path: rel.to_path_buf(),
        title: title?,
        date: date??,
        doc_number,
        issuer: issuer.unwrap_or_else(|| default_issuer.to_string()),
        index_number,
        category: category.unwrap_or_else(|| DEFAULT_CATEGORY.to_string()),
        disclosure: disclosure?,
        draft: draft?,
        body: r.doc.body,
        body_line: r.doc.body_line,
    })
}

/// Reads one standing page from its decoded text (see [`parse_notice`]): title
/// required, date optional, draft.
pub fn parse_page(text: &str, rel: &Path, findings: &mut Findings) -> Option<Page> {
    let mut r = Reader::new(text, rel, findings)?;
    r.check_keys(
        &[Field::Title, Field::Date, Field::Draft, Field::Slug],
        "独立页面",
    );
    let title = r.required_text(Field::Title, "信息公开指南");
    let date = r.date(false);
    let draft = r.draft();
    let slug = r.slug();
    Some(Page {
        slug: slug?,
        path: rel.to_path_buf(),
        title: title?,
        date: date?,
        draft: draft?,
        body: r.doc.body,
    })
}

/// Records `slug` as taken by `rel`; on a collision reports an error naming both files
/// and returns false.
fn claim_slug(
    taken: &mut HashMap<String, PathBuf>,
    slug: &str,
    rel: &Path,
    findings: &mut Findings,
) -> bool {
    if let Some(first) = taken.get(slug) {
        findings.push(
            Finding::error(
                "slug-duplicate",
                format!(
                    "网址名“{slug}”与 {} 相同，两个文件会生成同一个网页",
                    first.display()
                ),
            )
            .in_file(rel)
            .with_value(slug)
            .with_help(format!(
                "请给 {} 或 {} 改一个不同的文件名，或在其中一个的头部信息中写不同的 slug。",
                first.display(),
                rel.display()
            )),
        );
        return false;
    }
    taken.insert(slug.to_string(), rel.to_path_buf());
    true
}

/// Reads the fields of one parsed file, reporting each problem once with its line.
struct Reader<'a> {
    doc: Document,
    format: Format,
    rel: &'a Path,
    findings: &'a mut Findings,
}

impl<'a> Reader<'a> {
    /// Parses the front matter; a syntax error or a file without front matter is
    /// reported and gives `None`.
    fn new(text: &str, rel: &'a Path, findings: &'a mut Findings) -> Option<Self> {
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
                Finding::error(
                    "front-matter-missing",
                    "文件开头没有头部信息（标题、成文日期、公开属性等）",
                )
                .in_file(rel)
                .at_row(1)
                .with_help(
                    "请在文件最开头写头部信息，例如：\n---\n标题: 关于开展重大事故隐患排查整治的通知\n\
                     成文日期: 2024年2月1日\n公开属性: 主动公开\n---\n然后空一行写正文。",
                ),
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
    fn check_keys(&mut self, allowed: &[Field], kind: &str) {
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
    fn text(&mut self, field: Field) -> Option<String> {
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
    fn required_text(&mut self, field: Field, sample: &str) -> Option<String> {
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
    fn date(&mut self, required: bool) -> Option<Option<NaiveDate>> {
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
    fn disclosure(&mut self) -> Option<DisclosureMode> {
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
    fn draft(&mut self) -> Option<bool> {
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

    fn check_doc_number(&mut self, number: &str) {
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
    fn slug(&mut self) -> Option<String> {
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

    fn check_body(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    fn parse(text: &str) -> (Option<Notice>, Findings) {
        let mut findings = Findings::default();
        let notice = parse_notice(
            text,
            Path::new("content/notices/通知.md"),
            "南庄镇人民政府",
            &mut findings,
        );
        (notice, findings)
    }

    fn codes(findings: &Findings) -> Vec<(&'static str, Option<usize>, Severity)> {
        findings
            .items
            .iter()
            .map(|f| (f.code, f.row, f.severity))
            .collect()
    }

    #[test]
    fn toml_notice_with_english_keys() {
        let (notice, findings) = parse(
            "+++\ntitle = \"关于开展重大事故隐患专项排查的通知\"\ndate = 2024-02-01\n\
             doc_number = \"南政发〔2024〕3号\"\nissuer = \"南庄镇安委办\"\nindex_number = \"NZ-2024-0003\"\n\
             category = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n正文\n",
        );
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        let n = notice.unwrap();
        assert_eq!(n.title, "关于开展重大事故隐患专项排查的通知");
        assert_eq!(n.date, NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
        assert_eq!(n.doc_number.as_deref(), Some("南政发〔2024〕3号"));
        assert_eq!(n.issuer, "南庄镇安委办");
        assert_eq!(n.index_number.as_deref(), Some("NZ-2024-0003"));
        assert_eq!(n.category, "政策文件");
        assert_eq!(n.slug, "通知");
        assert_eq!(n.body, "正文\n");
        assert_eq!(n.body_line, 10);
        assert!(n.is_published());
    }

    #[test]
    fn yaml_notice_with_chinese_keys_gets_defaults() {
        let (notice, findings) = parse(
            "---\n标题: 镇安委办工作动态\n成文日期: 2024年2月1日\n公开属性: 依申请公开\n草稿: 是\n---\n正文\n",
        );
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        let n = notice.unwrap();
        assert_eq!(n.issuer, "南庄镇人民政府");
        assert_eq!(n.category, DEFAULT_CATEGORY);
        assert_eq!(n.disclosure, DisclosureMode::OnRequest);
        assert!(n.draft);
        assert!(!n.is_published());
    }

    #[test]
    fn required_fields_are_errors() {
        let (notice, findings) = parse("---\n作者: 张三\n---\n正文\n");
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![
                ("front-matter-unknown-key", Some(2), Severity::Warning),
                ("front-matter-missing-field", Some(1), Severity::Error),
                ("front-matter-missing-field", Some(1), Severity::Error),
                ("front-matter-missing-disclosure", Some(1), Severity::Error),
            ]
        );
        assert!(findings.items[3]
            .help
            .as_deref()
            .unwrap()
            .contains("主动公开"));
        assert!(findings.items[3]
            .help
            .as_deref()
            .unwrap()
            .contains("依申请公开"));
    }

    #[test]
    fn bad_values_are_reported_on_their_line() {
        let (notice, findings) = parse(
            "---\ntitle: 通知\ndate: 2024年2月30日\ndisclosure: 公开\ndraft: 也许\ndoc_number: 南政发[2024]第03号\n---\n正文\n",
        );
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![
                ("front-matter-bad-date", Some(3), Severity::Error),
                ("front-matter-bad-disclosure", Some(4), Severity::Error),
                ("front-matter-bad-draft", Some(5), Severity::Error),
                ("doc-number-format", Some(6), Severity::Warning),
            ]
        );
        let doc = &findings.items[3].message;
        assert!(
            doc.contains("六角括号") && doc.contains("第") && doc.contains("虚位"),
            "{doc}"
        );
    }

    #[test]
    fn doc_number_warning_keeps_the_notice() {
        let (notice, findings) = parse(
            "+++\n标题 = \"通知\"\n日期 = \"2024-02-01\"\n文号 = \"南政发(2024)3号\"\n公开属性 = \"主动公开\"\n+++\n正文\n",
        );
        assert!(notice.is_some());
        assert_eq!(
            codes(&findings),
            vec![("doc-number-format", Some(4), Severity::Warning)]
        );
    }

    #[test]
    fn duplicate_fields_in_two_languages() {
        let (notice, findings) =
            parse("---\ntitle: 甲\n标题: 乙\ndate: 2024-02-01\n公开属性: 主动公开\n---\n正文\n");
        assert_eq!(notice.unwrap().title, "甲");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-duplicate-key", Some(3), Severity::Warning)]
        );
    }

    #[test]
    fn slug_key_overrides_and_is_made_safe() {
        let (notice, findings) = parse(
            "---\ntitle: 甲\ndate: 2024-02-01\n公开属性: 主动公开\nslug: ../2024 排查\n---\n正文\n",
        );
        assert_eq!(notice.unwrap().slug, "2024-排查");
        assert_eq!(
            codes(&findings),
            vec![("slug-changed", Some(5), Severity::Warning)]
        );
    }

    #[test]
    fn no_front_matter_and_syntax_errors() {
        let (notice, findings) = parse("# 通知\n正文");
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![("front-matter-missing", Some(1), Severity::Error)]
        );
        let (_, findings) = parse("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-syntax", Some(3), Severity::Error)]
        );
    }

    #[test]
    fn pages_need_a_title_only() {
        let mut findings = Findings::default();
        let page = parse_page(
            "---\n标题: 信息公开指南\n文号: x\n---\n正文\n",
            Path::new("content/pages/guide.md"),
            &mut findings,
        )
        .unwrap();
        assert_eq!(
            (page.title.as_str(), page.date, page.draft),
            ("信息公开指南", None, false)
        );
        assert_eq!(page.slug, "guide");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-unused-key", Some(3), Severity::Warning)]
        );
        let mut findings = Findings::default();
        assert!(parse_page(
            "---\ndate: 2024-01-01\n---\n",
            Path::new("content/pages/x.md"),
            &mut findings
        )
        .is_none());
        assert_eq!(
            codes(&findings),
            vec![("front-matter-missing-field", Some(1), Severity::Error)]
        );
    }

    #[test]
    fn disclosure_values() {
        assert_eq!(
            DisclosureMode::parse(" 主动公开 "),
            Some(DisclosureMode::Active)
        );
        assert_eq!(
            DisclosureMode::parse("依申请公开"),
            Some(DisclosureMode::OnRequest)
        );
        assert_eq!(
            DisclosureMode::parse("不予公开"),
            Some(DisclosureMode::Withheld)
        );
        assert_eq!(DisclosureMode::parse("公开"), None);
        assert_eq!(DisclosureMode::Active.label(), "主动公开");
    }
}
