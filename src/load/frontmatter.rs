//! Front matter of Markdown files: TOML between `+++` lines or YAML between `---` lines,
//! with English or Chinese keys.
//!
//! This module only *splits and parses*: it turns the text of a file into its top-level
//! entries (key as written, the field it names, a loosely typed value, its line) and the
//! body. What a notice or page requires of those entries is decided in `notice`.

use chrono::NaiveDate;

use crate::load::normalize_header;

/// The two front-matter syntaxes accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `+++` … `+++`
    Toml,
    /// `---` … `---`
    Yaml,
}

impl Format {
    /// The Chinese-facing name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
        }
    }

    fn delimiter(self) -> &'static str {
        match self {
            Format::Toml => "+++",
            Format::Yaml => "---",
        }
    }
}

/// The fields a notice or page may set, whatever language the key is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// title / 标题
    Title,
    /// date / 成文日期 / 日期
    Date,
    /// doc_number / 文号
    DocNumber,
    /// issuer / 发文机关 / 发布机构
    Issuer,
    /// index_number / 索引号
    IndexNumber,
    /// category / 栏目
    Category,
    /// disclosure / 公开属性 (also 公开方式, the label portals print)
    Disclosure,
    /// draft / 草稿
    Draft,
    /// slug
    Slug,
}

impl Field {
    /// Every field, for listing the accepted keys in messages.
    pub const ALL: [Field; 9] = [
        Field::Title,
        Field::Date,
        Field::DocNumber,
        Field::Issuer,
        Field::IndexNumber,
        Field::Category,
        Field::Disclosure,
        Field::Draft,
        Field::Slug,
    ];

    /// The field a key names, matched after NFKC, white-space removal and ASCII
    /// lower-casing (so `Title`, `标 题` and `ｔｉｔｌｅ` all work).
    pub fn from_key(key: &str) -> Option<Field> {
        let key = normalize_header(key).to_ascii_lowercase().replace('-', "_");
        Some(match key.as_str() {
            "title" | "标题" => Field::Title,
            "date" | "成文日期" | "日期" => Field::Date,
            "doc_number" | "文号" => Field::DocNumber,
            "issuer" | "发文机关" | "发布机构" => Field::Issuer,
            "index_number" | "索引号" => Field::IndexNumber,
            "category" | "栏目" => Field::Category,
            "disclosure" | "公开属性" | "公开方式" => Field::Disclosure,
            "draft" | "草稿" => Field::Draft,
            "slug" => Field::Slug,
            _ => return None,
        })
    }

    /// The Chinese key (or `slug`), as messages name the field.
    pub fn chinese_key(self) -> &'static str {
        match self {
            Field::Title => "标题",
            Field::Date => "成文日期",
            Field::DocNumber => "文号",
            Field::Issuer => "发文机关",
            Field::IndexNumber => "索引号",
            Field::Category => "栏目",
            Field::Disclosure => "公开属性",
            Field::Draft => "草稿",
            Field::Slug => "slug",
        }
    }
}

/// A front-matter value, loosely typed: the two syntaxes and their users disagree on
/// types (`date = 2024-02-01` is a TOML date, in YAML a string; `草稿: 是` is a string).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, trimmed.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A native TOML date (or date-time, of which the date is kept).
    Date(NaiveDate),
    /// A number, as written.
    Number(String),
    /// Empty (`key:` in YAML, `~`, `null`).
    Empty,
    /// A table, list or time the field cannot take; the name is for messages.
    Other(&'static str),
}

impl Value {
    /// The value as text when it is text-like (text, number or a date written back).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.clone()),
            Value::Number(s) => Some(s.clone()),
            Value::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Empty | Value::Other(_) => None,
        }
    }

    /// Text that is empty after trimming counts as empty.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One top-level front-matter entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as written.
    pub key: String,
    /// The field it names, if any.
    pub field: Option<Field>,
    pub value: Value,
    /// The line of the file (1-based) the key is on.
    pub line: usize,
}

/// A Markdown file split into front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `None` when the file has no front matter at all.
    pub format: Option<Format>,
    /// Top-level entries in the order written.
    pub entries: Vec<Entry>,
    /// The body, with line ends normalised to `\n`.
    pub body: String,
    /// The line of the file where the body starts.
    pub body_line: usize,
}

impl Document {
    /// The first entry for `field`.
    pub fn get(&self, field: Field) -> Option<&Entry> {
        self.entries.iter().find(|e| e.field == Some(field))
    }
}

/// Why the front matter could not be read. Messages are Chinese and ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The line of the file (1-based).
    pub line: usize,
    pub message: String,
    pub help: String,
    /// The offending line as written, when there is one.
    pub text: Option<String>,
}

/// Splits `text` (already decoded; a leading BOM is dropped) into front matter and body
/// and parses the front matter. A file without front matter is a [`Document`] with
/// `format: None` and no entries: deciding that this is wrong is the caller's job.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let format = match lines.first().map(|l| l.trim_end()) {
        Some("+++") => Format::Toml,
        Some("---") => Format::Yaml,
        _ => {
            return Ok(Document {
                format: None,
                entries: Vec::new(),
                body: lines.join("\n"),
                body_line: 1,
            })
        }
    };
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == format.delimiter())
        .map(|i| i + 1)
    else {
        return Err(SyntaxError {
            line: 1,
            message: format!(
                "头部信息以第 1 行的 `{0}` 开始，但找不到结束的 `{0}` 行",
                format.delimiter()
            ),
            help: format!(
                "请在头部信息（标题、成文日期等）之后单独写一行 `{}`，再写正文。",
                format.delimiter()
            ),
            text: Some(lines[0].to_string()),
        });
    };
    // Lines 2..=close of the file hold the front matter; the body starts after it.
    let front = lines[1..close].join("\n");
    let entries = match format {
        Format::Toml => parse_toml(&front, 2)?,
        Format::Yaml => parse_yaml(&front, 2)?,
    };
    Ok(Document {
        format: Some(format),
        entries,
        body: lines[close + 1..].join("\n"),
        body_line: close + 2,
    })
}

/// Parses a TOML text (front matter or a whole `NAME.toml`) whose first line is line
/// `first_line` of the file, into its top-level entries.
pub fn parse_toml(text: &str, first_line: usize) -> Result<Vec<Entry>, SyntaxError> {
    // TOML 1.0 allows only ASCII bare keys, but staff write `标题 = "…"`: when the text does
    // not parse as is, quote such keys (line numbers are unchanged) and try again.
    let table: toml::Table = toml::from_str(text)
        .or_else(|err| toml::from_str(&quote_unicode_keys(text)).map_err(|_| err))
        .map_err(|err| {
        let line = err
            .span()
            .map(|span| line_of_offset(text, span.start))
            .unwrap_or(0);
        SyntaxError {
            line: first_line + line,
            message: format!(
                "头部信息（TOML 格式）第 {} 行写法有误",
                first_line + line
            ),
            help: "TOML 格式每行写作 `键 = 值`：文字要用英文双引号括起来（title = \"关于……的通知\"），\
                   日期可写 date = 2024-02-01，是否写 true 或 false；同一个键不能写两次。"
                .to_string(),
            text: text.lines().nth(line).map(str::to_string),
        }
    })?;
    Ok(table
        .into_iter()
        .map(|(key, value)| Entry {
            line: first_line + key_line(text, &key),
            field: Field::from_key(&key),
            value: from_toml(value),
            key,
        })
        .collect())
}

fn parse_yaml(text: &str, first_line: usize) -> Result<Vec<Entry>, SyntaxError> {
    let syntax_error = |line: usize| SyntaxError {
        line: first_line + line,
        message: format!("头部信息（YAML 格式）第 {} 行写法有误", first_line + line),
        help:
            "YAML 格式每行写作 `键: 值`，冒号为英文冒号且后面要有一个空格（标题: 关于……的通知）；\
               同一个键不能写两次；值里有冒号或 # 时请用英文双引号括起来。"
                .to_string(),
        text: text.lines().nth(line).map(str::to_string),
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: serde_norway::Value = serde_norway::from_str(text).map_err(|err| {
        syntax_error(
            err.location()
                .map(|l| l.line().saturating_sub(1))
                .unwrap_or(0),
        )
    })?;
    let mapping = match value {
        serde_norway::Value::Mapping(m) => m,
        serde_norway::Value::Null => return Ok(Vec::new()),
        _ => return Err(syntax_error(0)),
    };
    Ok(mapping
        .into_iter()
        .map(|(key, value)| {
            let key = match yaml_scalar(&key) {
                Some(k) => k,
                None => String::from("?"),
            };
            Entry {
                line: first_line + key_line(text, &key),
                field: Field::from_key(&key),
                value: from_yaml(value),
                key,
            }
        })
        .collect())
}

fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => text_value(s),
        toml::Value::Integer(i) => Value::Number(i.to_string()),
        toml::Value::Float(f) => Value::Number(f.to_string()),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(dt) => dt
            .date
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
            .map(Value::Date)
            .unwrap_or(Value::Other("时间")),
        toml::Value::Array(_) => Value::Other("列表"),
        toml::Value::Table(_) => Value::Other("表"),
    }
}

fn from_yaml(value: serde_norway::Value) -> Value {
    match value {
        serde_norway::Value::Null => Value::Empty,
        serde_norway::Value::Bool(b) => Value::Bool(b),
        serde_norway::Value::Number(n) => Value::Number(n.to_string()),
        serde_norway::Value::String(s) => text_value(s),
        serde_norway::Value::Sequence(_) => Value::Other("列表"),
        serde_norway::Value::Mapping(_) => Value::Other("表"),
        serde_norway::Value::Tagged(t) => from_yaml(t.value),
    }
}

fn yaml_scalar(value: &serde_norway::Value) -> Option<String> {
    match value {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text_value(s: String) -> Value {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        Value::Empty
    } else {
        Value::Text(trimmed.to_string())
    }
}

/// Quotes bare keys that contain non-ASCII characters (`标题 = "x"` → `"标题" = "x"`), outside
/// multi-line strings.
fn quote_unicode_keys(text: &str) -> String {
    let mut in_multiline = false;
    let mut out = Vec::new();
    for line in text.split('\n') {
        let was_in_multiline = in_multiline;
        if line.matches("\"\"\"").count() % 2 == 1 || line.matches("'''").count() % 2 == 1 {
            in_multiline = !in_multiline;
        }
        let rewritten = (!was_in_multiline)
            .then(|| {
                let (key, rest) = line.split_once('=')?;
                let trimmed = key.trim();
                let bare = !trimmed.is_empty()
                    && !trimmed.is_ascii()
                    && !trimmed.contains(['"', '\'', '[', '#', '.']);
                bare.then(|| format!("\"{trimmed}\" ={rest}"))
            })
            .flatten();
        out.push(rewritten.unwrap_or_else(|| line.to_string()));
    }
    out.join("\n")
}

/// 0-based line of byte `offset` in `text`.
fn line_of_offset(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].matches('\n').count()
}

/// 0-based line of a top-level key: the first unindented line that starts with the key
/// (bare or quoted) followed by `=` or `:`. Neither parser keeps key positions, and top-level
/// keys are always at the start of a line, so this finds them; 0 if not found.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let rest = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| line.strip_prefix(&format!("'{key}'")));
            rest.is_some_and(|r| {
                let r = r.trim_start();
                r.starts_with('=') || r.starts_with(':')
            })
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn toml_with_english_keys() {
        let doc = parse(
            "+++\ntitle = \"关于开展排查的通知\"\ndate = 2024-02-01\ndraft = false\n+++\n正文第一行\n",
        )
        .unwrap();
        assert_eq!(doc.format, Some(Format::Toml));
        let title = doc.get(Field::Title).unwrap();
        assert_eq!(title.value, Value::Text("关于开展排查的通知".into()));
        assert_eq!(title.line, 2);
        let d = doc.get(Field::Date).unwrap();
        assert_eq!(d.value, Value::Date(date(2024, 2, 1)));
        assert_eq!(d.line, 3);
        assert_eq!(doc.get(Field::Draft).unwrap().value, Value::Bool(false));
        assert_eq!(doc.body, "正文第一行\n");
        assert_eq!(doc.body_line, 6);
    }

    #[test]
    fn yaml_with_chinese_keys_bom_and_crlf() {
        let text = "\u{feff}---\r\n标题: 南庄镇重大事故隐患排查整治方案\r\n成文日期: 2023年5月8日\r\n文号: 南政发〔2023〕14号\r\n公开属性: 主动公开\r\n草稿: 否\r\n---\r\n\r\n一、总体要求\r\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.format, Some(Format::Yaml));
        assert_eq!(
            doc.get(Field::Title).unwrap().value,
            Value::Text("南庄镇重大事故隐患排查整治方案".into())
        );
        let d = doc.get(Field::Date).unwrap();
        assert_eq!(d.value, Value::Text("2023年5月8日".into()));
        assert_eq!(d.line, 3);
        assert_eq!(doc.get(Field::DocNumber).unwrap().line, 4);
        assert_eq!(
            doc.get(Field::Draft).unwrap().value,
            Value::Text("否".into())
        );
        assert_eq!(doc.body, "\n一、总体要求\n");
        assert_eq!(doc.body_line, 8);
    }

    #[test]
    fn chinese_keys_in_toml_and_english_in_yaml() {
        let doc =
            parse("+++\n标题 = \"甲\"\n发布机构 = \"乙\"\n栏目 = \"工作动态\"\n+++\n").unwrap();
        assert_eq!(
            doc.get(Field::Issuer).unwrap().value,
            Value::Text("乙".into())
        );
        assert_eq!(doc.get(Field::Category).unwrap().line, 4);
        let doc =
            parse("---\ntitle: A\ndate: 2024-02-01\nindex_number: 11140000-01\n---\n").unwrap();
        // YAML has no date type in the core schema: the string goes to parse_date later.
        assert_eq!(
            doc.get(Field::Date).unwrap().value,
            Value::Text("2024-02-01".into())
        );
        assert!(doc.get(Field::IndexNumber).is_some());
    }

    #[test]
    fn key_matching_is_lenient() {
        assert_eq!(Field::from_key("Title"), Some(Field::Title));
        assert_eq!(Field::from_key(" 标 题 "), Some(Field::Title));
        assert_eq!(Field::from_key("doc-number"), Some(Field::DocNumber));
        assert_eq!(Field::from_key("发文机关"), Some(Field::Issuer));
        assert_eq!(Field::from_key("公开方式"), Some(Field::Disclosure));
        assert_eq!(Field::from_key("作者"), None);
    }

    #[test]
    fn unknown_keys_are_kept_with_their_line() {
        let doc = parse("---\ntitle: A\n作者: 张三\n---\n").unwrap();
        let e = &doc.entries[1];
        assert_eq!((e.key.as_str(), e.field, e.line), ("作者", None, 3));
    }

    #[test]
    fn no_front_matter() {
        let doc = parse("# 标题\n正文").unwrap();
        assert_eq!(doc.format, None);
        assert!(doc.entries.is_empty());
        assert_eq!(doc.body_line, 1);
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_1() {
        let err = parse("+++\ntitle = \"x\"\n正文").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("找不到结束"));
    }

    #[test]
    fn invalid_toml_reports_the_file_line() {
        // Line 3 of the file: a string without quotes.
        let err = parse("+++\ntitle = \"x\"\ndate = 2024年2月1日\n+++\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.text.as_deref(), Some("date = 2024年2月1日"));
    }

    #[test]
    fn invalid_yaml_reports_the_file_line() {
        let err = parse("---\ntitle: x\ndate: [2024\nfoo: bar\n---\n").unwrap_err();
        assert!(err.line >= 3, "line {}", err.line);
        let err = parse("---\ntitle: a\ntitle: b\n---\n").unwrap_err();
        assert!(err.line >= 2);
    }

    #[test]
    fn empty_values_and_other_types() {
        let doc = parse("---\ntitle:\nslug: [a, b]\n---\n").unwrap();
        assert_eq!(doc.entries[0].value, Value::Empty);
        assert_eq!(doc.entries[1].value, Value::Other("列表"));
        let doc = parse("+++\ntitle = \"  \"\n+++\n").unwrap();
        assert!(doc.entries[0].value.is_empty());
    }
}
