//! TOML parse errors in Chinese, with line and column.
//!
//! The `toml` crate says what went wrong in English ("invalid basic string", "missing
//! field `title`"). Staff edit `site.toml` and front matter in Notepad; they need the
//! place (line and column as their editor counts them) and what to change, in Chinese.
//! The parser's messages come from a small, stable set; each known one is said in
//! Chinese, and an unknown one is quoted inside a Chinese sentence.

/// A TOML error explained: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlProblem {
    /// 1-based line in the parsed text.
    pub line: usize,
    /// 1-based column in characters (as an editor counts), or `None` when the parser
    /// gave no position.
    pub column: Option<usize>,
    /// What is wrong, in Chinese.
    pub reason: String,
}

impl TomlProblem {
    /// `第 3 行第 9 列`, or `第 3 行` without a column.
    pub fn place(&self) -> String {
        match self.column {
            Some(column) => format!("第 {} 行第 {column} 列", self.line),
            None => format!("第 {} 行", self.line),
        }
    }
}

/// Explains `err`, raised while parsing `text`.
pub fn explain(text: &str, err: &toml::de::Error) -> TomlProblem {
    let (line, column) = match err.span() {
        Some(span) => {
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, Some(text[line_start..start].chars().count() + 1))
        }
        None => (1, None),
    };
    TomlProblem {
        line,
        column,
        reason: reason(err.message()),
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The parser's message in Chinese.
fn reason(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = first.strip_prefix("missing field ") {
        return format!("缺少必须填写的设置项 `{}`", quoted(rest));
    }
    if let Some(rest) = first.strip_prefix("duplicate key ") {
        return format!("`{}` 写了两次：同一个设置项只能写一次", quoted(rest));
    }
    if let Some(rest) = first.strip_prefix("unknown field ") {
        return format!("不认识的设置项 `{}`", quoted(rest));
    }
    if let Some(rest) = first.strip_prefix("unknown variant ") {
        let choices: Vec<String> = rest
            .split_once("expected")
            .map(|(_, e)| {
                e.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return format!(
            "「{}」不是可用的值；可以写：{}",
            quoted(rest),
            choices.join("、")
        );
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("值的类型不对：这里应写{}", expected_zh(expected));
    }
    if let Some(rest) = first.strip_prefix("invalid value: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("值超出了允许的范围：这里应写{}", expected_zh(expected));
    }
    let known: &[(&str, &str)] = &[
        (
            "invalid basic string",
            "文字缺少结尾的英文双引号 \"，或其中有不允许的字符",
        ),
        ("invalid literal string", "文字缺少结尾的英文单引号 '"),
        (
            "invalid string",
            "值的写法不对：文字要用英文双引号括起来，例如 title = \"某某镇安全生产信息公开\"",
        ),
        (
            "invalid table header",
            "表头的写法不对：应写作 [名称]，用英文方括号",
        ),
        (
            "invalid inline table",
            "花括号 { } 里的写法不对：各项写作 键 = 值，之间用英文逗号隔开",
        ),
        (
            "invalid array",
            "方括号 [ ] 里的写法不对：各项之间用英文逗号隔开",
        ),
        ("invalid key", "设置项名称的写法不对"),
        ("expected `.`, `=`", "设置项名称后面缺少英文等号 ="),
        (
            "expected newline",
            "值的后面还有多余的内容（一行只能写一个设置项）",
        ),
        ("invalid number", "数字的写法不对"),
        ("invalid integer", "整数的写法不对"),
        ("invalid float", "数字的写法不对"),
        ("invalid date", "日期的写法不对，例如 2026-05-25"),
        ("invalid time", "时间的写法不对"),
        (
            "invalid escape",
            "反斜杠 \\ 后面的字符不对：路径里的反斜杠请写两个，或改用单引号",
        ),
        ("invalid unquoted key", "设置项名称的写法不对"),
    ];
    for (english, chinese) in known {
        if first.starts_with(english) {
            return (*chinese).to_string();
        }
    }
    if message.contains("expected `\"`, `'`") {
        return "值的写法不对：文字要用英文双引号括起来".to_string();
    }
    format!("写法不对，无法读取（解析器的提示：{first}）")
}

/// serde's "expected" in Chinese.
fn expected_zh(expected: &str) -> &'static str {
    match expected.trim() {
        e if e.starts_with('u') || e.starts_with('i') || e.contains("integer") => {
            "整数（不加引号）"
        }
        e if e.starts_with('f') => "数字（不加引号）",
        e if e.contains("string") || e.contains("char") => "用英文双引号括起来的文字",
        e if e.contains("bool") => "true 或 false",
        e if e.contains("sequence") || e.contains("array") => "用方括号括起来的列表 [ ]",
        e if e.contains("date") => "日期，例如 2026-05-25",
        _ => "另一种值（请对照 README 的示例）",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Settings {
        title: String,
        day: Option<u32>,
    }

    fn problem(text: &str) -> TomlProblem {
        let err = toml::from_str::<Settings>(text).unwrap_err();
        explain(text, &err)
    }

    #[test]
    fn common_slips_in_chinese_with_place() {
        let p = problem("title = 某某镇");
        assert_eq!((p.line, p.column), (1, Some(9)));
        assert_eq!(
            p.reason,
            "值的写法不对：文字要用英文双引号括起来，例如 title = \"某某镇安全生产信息公开\""
        );
        let p = problem("title = \"a\"\nday = \"x\"");
        assert_eq!(p.place(), "第 2 行第 7 列");
        assert_eq!(p.reason, "值的类型不对：这里应写整数（不加引号）");
        assert_eq!(problem("day = 3").reason, "缺少必须填写的设置项 `title`");
        assert_eq!(
            problem("title = \"a\"\ntitle = \"b\"").reason,
            "`title` 写了两次：同一个设置项只能写一次"
        );
        assert_eq!(
            problem("title \"a\"").reason,
            "设置项名称后面缺少英文等号 ="
        );
        let p = problem("title = \"镇\nday = 1");
        assert_eq!(p.place(), "第 1 行第 11 列");
        assert!(p.reason.starts_with("文字缺少结尾的英文双引号"));
        assert_eq!(
            problem("title = \"a\"\nday = -1").reason,
            "值超出了允许的范围：这里应写整数（不加引号）"
        );
    }
}
