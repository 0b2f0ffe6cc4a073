//! HTML output as a reader sees it, and what must never be in it.
//!
//! [`visible_text`] removes inline formatting tags, zero-width characters and
//! character references, so a number split by `<b>`, `&#49;` or U+200B is scanned as
//! the reader sees it. [`active_content`] finds what could run in a reader's browser:
//! inline `<script>`, event-handler attributes, `javascript:`/`vbscript:`/`data:`
//! links, frames, objects and forms; and a page without the Content-Security-Policy.

use crate::check::Finding;
use crate::render::OutputFile;

/// Files scanned as markup.
pub fn is_markup(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".html", ".htm", ".xml", ".svg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Tags that do not separate words: their removal joins the text on both sides.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Characters that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The text of `bytes` as displayed: inline tags removed, other tags and comments
/// replaced by a space, character references decoded, invisible characters dropped.
/// `None` when the file is not UTF-8.
pub fn visible_text(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = String::with_capacity(text.len() / 2);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let (name, len) = tag_at(rest);
                if !INLINE_TAGS.contains(&name.as_str()) {
                    out.push(' ');
                }
                rest = &rest[len..];
            }
            '&' => {
                let (decoded, len) = reference_at(rest);
                if let Some(d) = decoded.filter(|d| !is_invisible(*d)) {
                    out.push(d);
                }
                rest = &rest[len..];
            }
            c => {
                if !is_invisible(c) {
                    out.push(c);
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Some(out)
}

/// The lower-case name of the tag at the start of `s` (which starts with `<`) and the
/// length up to and including its `>` (or the end of `s`). Comments have the name `!`.
fn tag_at(s: &str) -> (String, usize) {
    if s.starts_with("<!--") {
        let len = s.find("-->").map_or(s.len(), |i| i + 3);
        return ("!".to_string(), len);
    }
    let body = s[1..].trim_start_matches('/');
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() && !body.starts_with('!') {
        // A lone `<` (cannot occur in escaped output): keep scanning after it.
        return (String::new(), 1);
    }
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return (name, i + 1),
            _ => {}
        }
    }
    (name, s.len())
}

/// The character a reference at the start of `s` (which starts with `&`) stands for,
/// and its length. Unknown references are kept as a `&`.
fn reference_at(s: &str) -> (Option<char>, usize) {
    let end = s[1..]
        .char_indices()
        .take(12)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i + 1);
    let Some(end) = end else {
        return (Some('&'), 1);
    };
    let name = &s[1..end];
    let decoded = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
    } else if let Some(dec) = name.strip_prefix('#') {
        dec.parse::<u32>().ok().and_then(char::from_u32)
    } else {
        match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" | "ensp" | "emsp" | "thinsp" => Some(' '),
            "shy" | "zwj" | "zwnj" => Some('\u{200B}'),
            _ => return (Some('&'), 1),
        }
    };
    match decoded {
        Some(c) => (Some(c), end + 1),
        None => (Some('&'), 1),
    }
}

/// Elements that must never be in a page: they run code, embed other sites, send what
/// a reader types somewhere or redirect every link. (A lone `<input>` is allowed: the
/// default theme's reading-mode switch is a checkbox, and without a form it sends
/// nothing.)
const FORBIDDEN_TAGS: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base",
];

/// URL schemes that run code or carry a document of their own.
const FORBIDDEN_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:text", "data:application"];

/// What could run in a reader's browser, one finding per problem and page. Scripts the
/// theme ships as files (`<script src="…/assets/x.js">`) are allowed; inline scripts
/// and event handlers are not (the page's CSP blocks them anyway). Every HTML page
/// must carry the Content-Security-Policy meta tag.
pub fn active_content(files: &[OutputFile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        let lower = file.path.to_ascii_lowercase();
        if !(lower.ends_with(".html") || lower.ends_with(".htm")) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            continue;
        };
        let mut problems: Vec<String> = Vec::new();
        let mut has_csp = false;
        let mut rest = text;
        while let Some(at) = rest.find('<') {
            rest = &rest[at..];
            let (name, len) = tag_at(rest);
            let tag = &rest[..len];
            let tag_lower = tag.to_ascii_lowercase();
            if name == "meta" && tag_lower.contains("content-security-policy") {
                has_csp = true;
            }
            if name == "script" && !tag.starts_with("</") && !has_attribute(&tag_lower, "src") {
                problems.push("内嵌脚本 <script>".to_string());
            }
            if FORBIDDEN_TAGS.contains(&name.as_str()) && !tag.starts_with("</") {
                problems.push(format!("不允许的元素 <{name}>"));
            }
            if name == "meta" && tag_lower.contains("http-equiv=\"refresh\"") {
                problems.push("自动跳转 <meta http-equiv=\"refresh\">".to_string());
            }
            if !name.is_empty() && name != "!" {
                for attr in attributes(&tag_lower) {
                    if attr.0.starts_with("on") && attr.0.len() > 2 {
                        problems.push(format!("事件处理属性 {}", attr.0));
                    }
                    if attr.0 == "style" && hides_text(&attr.1) {
                        problems.push("隐藏文字的内联样式".to_string());
                    }
                    let value: String = attr.1.chars().filter(|c| !c.is_whitespace()).collect();
                    if FORBIDDEN_SCHEMES.iter().any(|s| value.starts_with(s)) {
                        problems.push(format!(
                            "可执行的链接 {}=\"{}…\"",
                            attr.0,
                            truncate(&value, 16)
                        ));
                    }
                }
            }
            rest = &rest[len.max(1)..];
        }
        if !has_csp {
            problems.push("缺少 Content-Security-Policy（meta 标签）".to_string());
        }
        problems.dedup();
        if !problems.is_empty() {
            let mut finding = Finding::error(
                "unsafe-html",
                format!("输出页面 {} 含有不安全的内容：{}；为保护读者，未生成网站", file.path, problems.join("、")),
            )
            .with_help("内容中的 HTML 会被自动清理，出现此错误通常是自定义主题的模板造成的：请删除模板中的内嵌脚本和 on… 属性，把脚本放到主题的 static/ 中以文件引用，并保留 base.html 中的 Content-Security-Policy。");
            if let Some(source) = &file.source {
                finding = finding.in_file(source.clone());
            }
            findings.push(finding);
        }
    }
    findings
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn has_attribute(tag: &str, name: &str) -> bool {
    attributes(tag).iter().any(|(n, _)| n == name)
}

/// `display:none`, `visibility:hidden`, zero font size, or text moved off-screen.
fn hides_text(style: &str) -> bool {
    let s: String = style.chars().filter(|c| !c.is_whitespace()).collect();
    [
        "display:none",
        "visibility:hidden",
        "font-size:0",
        "opacity:0",
        "text-indent:-",
    ]
    .iter()
    .any(|p| s.contains(p))
}

/// The attributes of a tag (`<a href="x" onclick=y>`), names lower-case.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut chars = inner.char_indices().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    let mut attrs = Vec::new();
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == '/')
        {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        attrs.push((name, decode_references(&value)));
    }
    attrs
}

/// Attribute values with character references decoded (`&#106;avascript:`).
fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    visible_text(value.as_bytes()).unwrap_or_else(|| value.to_string())
}

