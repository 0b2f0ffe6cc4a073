//! Front matter of Markdown files: TOML between `+++` lines or YAML between `---` lines,
//! with English or Chinese keys.
//!
//! This module only *splits and parses*: it turns the text of a file into its top-level
//! entries (key as written, the field it names, a loosely typed value, its line) and the
//! body. What a notice or page requires of those entries is decided in `notice`.

use chrono::NaiveDate;

use crate::diag::normalize_header;

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
    // Staff type front matter with a Chinese input method: when the text does not parse
    // as is, repair the usual slips (see `repair_toml`) and try again.
    let table: toml::Table = toml::from_str(text)
        .or_else(|err| toml::from_str(&repair_toml(text)).map_err(|_| err))
        .map_err(|err| {
        let line = err
            .span()
            .map(|span| line_of_offset(text, span.start))
            .unwrap_or(0);
        let problem = super::toml_error::explain(text, &err);
        let column = problem
            .column
            .map(|c| format!("第 {c} 列"))
            .unwrap_or_default();
        SyntaxError {
            line: first_line + line,
            message: format!(
                "头部信息（TOML 格式）第 {} 行{column}写法有误：{}",
                first_line + line,
                problem.reason
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
    // Staff type front matter with a Chinese input method: when the text is not a valid
    // mapping as is, repair the usual slips (see `repair_yaml`) and try again.
    let parse = |text: &str| match serde_norway::from_str::<serde_norway::Value>(text) {
        Ok(serde_norway::Value::Mapping(m)) => Ok(Some(m)),
        Ok(serde_norway::Value::Null) => Ok(None),
        Ok(_) => Err(0),
        // libyaml places a duplicate key at the start of the mapping: point at the
        // repeated key instead.
        Err(err) if err.to_string().contains("duplicate") => {
            Err(duplicate_key_line(text).unwrap_or(0))
        }
        Err(err) => Err(err
            .location()
            .map(|l| l.line().saturating_sub(1))
            .unwrap_or(0)),
    };
    let mapping = match parse(text).or_else(|line| parse(&repair_yaml(text)).map_err(|_| line)) {
        Ok(Some(mapping)) => mapping,
        Ok(None) => return Ok(Vec::new()),
        Err(line) => return Err(syntax_error(line)),
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

/// Repairs what a Chinese input method does to TOML, line by line (so line numbers stay):
/// a bare non-ASCII key is quoted (`标题 = …`; TOML 1.0 allows only ASCII bare keys), a
/// full-width `＝` becomes `=`, and a value that is not valid TOML on its own
/// (`标题 = 关于……的通知`, `date = 2024年2月1日`, `“…”` quotes) becomes a string. Lines
/// inside multi-line strings are left alone. Used only when the text does not parse as is.
fn repair_toml(text: &str) -> String {
    let mut in_multiline = false;
    let mut out = Vec::new();
    for line in text.split('\n') {
        let was_in_multiline = in_multiline;
        if line.matches("\"\"\"").count() % 2 == 1 || line.matches("'''").count() % 2 == 1 {
            in_multiline = !in_multiline;
        }
        let rewritten = if was_in_multiline || line.trim_start().starts_with(['#', '[']) {
            None
        } else {
            repair_toml_line(line)
        };
        out.push(rewritten.unwrap_or_else(|| line.to_string()));
    }
    out.join("\n")
}

fn repair_toml_line(line: &str) -> Option<String> {
    let at = line.find(['=', '＝'])?;
    let key = line[..at].trim();
    let rest = line[at..].trim_start_matches(['=', '＝']).trim();
    if key.is_empty() || key.contains(['"', '\'', '[', '#']) {
        return None;
    }
    let key = if key.is_ascii() {
        key.to_string()
    } else {
        format!("\"{key}\"")
    };
    let valid = toml::from_str::<toml::Table>(&format!("x = {rest}")).is_ok();
    let value = if valid {
        rest.to_string()
    } else {
        let inner = rest
            .strip_prefix(['“', '”', '"'])
            .and_then(|r| r.strip_suffix(['“', '”', '"']))
            .unwrap_or(rest);
        format!("\"{}\"", inner.replace('\\', "\\\\").replace('"', "\\\""))
    };
    Some(format!("{key} = {value}"))
}

/// Repairs what a Chinese input method does to YAML, line by line: a full-width `：`
/// after a top-level key becomes `: `, and `key:value` gets its missing space. Used only
/// when the text does not parse as is.
fn repair_yaml(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.starts_with([' ', '\t', '#', '-', '"', '\'']) {
                return line.to_string();
            }
            let colon = line.find([':', '：']);
            match colon {
                Some(at) => {
                    let sep = line[at..].chars().next().map_or(1, char::len_utf8);
                    let value = line[at + sep..].trim();
                    // Quote the value unless it already is a quoted or flow value:
                    // every field takes text, and text cannot break the syntax.
                    let value = if value.is_empty() || value.starts_with(['"', '\'', '[', '{']) {
                        value.to_string()
                    } else {
                        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
                    };
                    format!("{}: {value}", &line[..at])
                }
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 0-based line of byte `offset` in `text`.
fn line_of_offset(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].matches('\n').count()
}

/// 0-based line of the first top-level YAML key written a second time.
fn duplicate_key_line(text: &str) -> Option<usize> {
    let mut seen = std::collections::HashSet::new();
    text.lines().enumerate().find_map(|(i, line)| {
        if line.starts_with([' ', '\t', '#', '-']) {
            return None;
        }
        let (key, _) = line.split_once(':')?;
        let key = key.trim().trim_matches(['"', '\'']);
        (!seen.insert(key.to_string())).then_some(i)
    })
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
                r.starts_with(['=', ':', '＝', '：'])
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
        // Line 3 of the file: the same key twice.
        let err = parse("+++\ntitle = \"x\"\ntitle = \"y\"\n+++\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.text.as_deref(), Some("title = \"y\""));
        let err = parse("+++\ntitle = \"x\"\n[extra\n+++\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn input_method_slips_in_toml_are_repaired() {
        let doc = parse(
            "+++\n标题 = 关于开展排查的通知\n日期 ＝ 2024年2月1日\n文号 = “南政发〔2024〕3号”\n草稿 = false\n+++\n",
        )
        .unwrap();
        let values: Vec<_> = doc
            .entries
            .iter()
            .map(|e| (e.field, e.value.clone(), e.line))
            .collect();
        assert!(values.contains(&(
            Some(Field::Title),
            Value::Text("关于开展排查的通知".into()),
            2
        )));
        assert!(values.contains(&(Some(Field::Date), Value::Text("2024年2月1日".into()), 3)));
        assert!(values.contains(&(
            Some(Field::DocNumber),
            Value::Text("南政发〔2024〕3号".into()),
            4
        )));
        assert!(values.contains(&(Some(Field::Draft), Value::Bool(false), 5)));
    }

    #[test]
    fn input_method_slips_in_yaml_are_repaired() {
        let doc =
            parse("---\n标题：关于开展排查的通知\n成文日期:2024-02-01\n栏目: 通知: 公告\n---\n")
                .unwrap();
        assert_eq!(doc.entries.len(), 3);
        assert_eq!(
            doc.entries[0].value,
            Value::Text("关于开展排查的通知".into())
        );
        assert_eq!(doc.entries[1].value, Value::Text("2024-02-01".into()));
        assert_eq!(doc.entries[1].line, 3);
        assert_eq!(doc.entries[2].value, Value::Text("通知: 公告".into()));
    }

    #[test]
    fn invalid_yaml_reports_the_file_line() {
        let err = parse("---\ntitle: x\ndate: [2024\nfoo: bar\n---\n").unwrap_err();
        assert!(err.line >= 3, "line {}", err.line);
        let err = parse("---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\n").unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(err.text.as_deref(), Some("title: b"));
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
