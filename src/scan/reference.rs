//! The two-pass scanner exactly as it was before the single pass of
//! [`Scanner::check_file`](super::Scanner::check_file): the visible text of a page and
//! its active content are found by two separate walks over its tags. Kept, frozen, as
//! an oracle: unit tests and `examples/scan_bench.rs --compare` check that the single
//! pass finds exactly what this finds, on fuzz inputs and on every file of real output.
//!
//! The tokenizer (`tag_at`, character references) and the small rules both walks
//! share (forbidden tags, the check of one attribute, invisible characters) are those
//! of `html.rs`, not copies: what is compared is the two walks, and the plain splitting
//! of a tag into attributes, against the single pass.
//! Never fix a bug of the walks here alone: fix `html.rs`, then update this copy in the
//! same commit so that the comparison keeps meaning "nothing changed but the speed".

use memchr::memchr;

use super::html::{
    attribute_problems, ends_with_ignore_case, find_byte, is_invisible, is_markup, reference_at,
    tag_at, Tag, TagKind, FORBIDDEN_TAGS, INLINE_TAGS, SPECIAL,
};
use super::{is_binary, Leak, LeakKind, Scanner};
use crate::diag::Finding;
use crate::render::OutputFile;

/// What the two passes find in one file: the leaks of [`Scanner::scan_file`] before
/// the single pass, and the finding of `html::active_content` for this file.
pub fn check_file(scanner: &Scanner, file: &OutputFile) -> (Vec<Leak>, Vec<Finding>) {
    (
        scan_file(scanner, file),
        active_content(std::slice::from_ref(file)),
    )
}

/// The leak scan of one file, with the visible text found by its own walk.
pub fn scan_file(scanner: &Scanner, file: &OutputFile) -> Vec<Leak> {
    if is_binary(&file.path, &file.bytes) {
        return Vec::new();
    }
    let mut leaks = scanner.scan_text(&file.path, &file.bytes);
    if !is_markup(&file.path) {
        return leaks;
    }
    let Ok(text) = simdutf8::basic::from_utf8(&file.bytes) else {
        return leaks;
    };
    let mut visible = Vec::new();
    visible_text_into(text, &mut visible);
    let found = scanner.scan_text(&file.path, &visible);
    if !found.is_empty() {
        let seen: std::collections::HashSet<(LeakKind, String)> =
            leaks.iter().map(|l| (l.kind, l.value.clone())).collect();
        leaks.extend(
            found
                .into_iter()
                .filter(|l| !seen.contains(&(l.kind, l.value.clone()))),
        );
    }
    leaks
}

/// The visible text of `bytes`, `None` when it is not UTF-8.
pub fn visible_text(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = Vec::with_capacity(text.len() / 2);
    visible_text_into(text, &mut out);
    String::from_utf8(out).ok()
}

/// [`visible_text`] appended to `out` (a buffer the caller reuses from page to page).
/// What is appended is always UTF-8.
pub fn visible_text_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|&b| SPECIAL[usize::from(b)])
            .unwrap_or(bytes.len() - i);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'<' => {
                let tag = tag_at(&bytes[i..]);
                if !tag.is_inline(&bytes[i..]) {
                    out.push(b' ');
                }
                i += tag.len;
            }
            b'&' => {
                let (decoded, len) = reference_at(&text[i..]);
                if let Some(d) = decoded.filter(|d| !is_invisible(*d)) {
                    out.extend_from_slice(d.encode_utf8(&mut [0; 4]).as_bytes());
                }
                i += len;
            }
            _ => {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                let len = c.len_utf8();
                if !is_invisible(c) {
                    out.extend_from_slice(&bytes[i..i + len]);
                }
                i += len;
            }
        }
    }
}

impl Tag {
    /// The name as written (not lower-cased); empty for comments and lone `<`.
    fn name<'a>(&self, s: &'a [u8]) -> &'a [u8] {
        &s[self.name.0..self.name.1]
    }

    /// The name is `name` (lower-case ASCII), in any case.
    fn is(&self, s: &[u8], name: &str) -> bool {
        self.kind == TagKind::Element && self.name(s).eq_ignore_ascii_case(name.as_bytes())
    }

    /// Inline formatting: removed from the visible text without a space.
    fn is_inline(&self, s: &[u8]) -> bool {
        self.kind == TagKind::Element && {
            let name = self.name(s);
            name.len() <= 6
                && INLINE_TAGS
                    .iter()
                    .any(|t| name.eq_ignore_ascii_case(t.as_bytes()))
        }
    }
}

/// What could run in a reader's browser, one finding per problem and page. Scripts the
/// theme ships as files (`<script src="…/assets/x.js">`) are allowed; inline scripts
/// and event handlers are not (the page's CSP blocks them anyway). Every HTML page
/// must carry the Content-Security-Policy meta tag.
pub fn active_content(files: &[OutputFile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        if !(ends_with_ignore_case(&file.path, ".html")
            || ends_with_ignore_case(&file.path, ".htm"))
        {
            continue;
        }
        let Ok(text) = simdutf8::basic::from_utf8(&file.bytes) else {
            continue;
        };
        let (mut problems, has_csp) = page_problems(text);
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

/// The problems of one page, tag by tag in page order, and whether it carries the
/// Content-Security-Policy. Nothing is allocated for a tag without a problem except a
/// `<meta>`.
fn page_problems(text: &str) -> (Vec<String>, bool) {
    let bytes = text.as_bytes();
    let mut problems: Vec<String> = Vec::new();
    let mut has_csp = false;
    let mut pos = 0;
    while let Some(at) = find_byte(b'<', &bytes[pos..]) {
        let start = pos + at;
        let rest = &bytes[start..];
        let tag = tag_at(rest);
        let tag_text = &text[start..start + tag.len];
        let closing = tag_text.starts_with("</");
        if tag.is(rest, "meta") {
            let lower = tag_text.to_ascii_lowercase();
            if lower.contains("content-security-policy") {
                has_csp = true;
            }
            if lower.contains("http-equiv=\"refresh\"") {
                problems.push("自动跳转 <meta http-equiv=\"refresh\">".to_string());
            }
        }
        if tag.is(rest, "script")
            && !closing
            && !attributes(tag_text).any(|(n, _)| n.eq_ignore_ascii_case("src"))
        {
            problems.push("内嵌脚本 <script>".to_string());
        }
        if !closing {
            if let Some(name) = FORBIDDEN_TAGS.iter().find(|t| tag.is(rest, t)) {
                problems.push(format!("不允许的元素 <{name}>"));
            }
        }
        // A tag without whitespace or `/` after its name (`<li>`, `</a>`) has no
        // attributes. Browsers read a `/` there as a space: `<svg/onload=…>`.
        if tag.kind == TagKind::Element
            && tag.name.1 > tag.name.0
            && tag_text.as_bytes()[tag.name.0..]
                .iter()
                .any(|&b| !b.is_ascii_graphic() || b == b'/')
        {
            for (name, value) in attributes(tag_text) {
                attribute_problems(name, value, &mut problems);
            }
        }
        pos = start + tag.len.max(1);
    }
    (problems, has_csp)
}

/// The attributes of a tag (`<a href="x" onclick=y>`) as written: names and values
/// borrowed from the tag, not lower-cased, references not decoded.
fn attributes(tag: &str) -> Attributes<'_> {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut attrs = Attributes { s: inner, i: 0 };
    // Skip the `/` of a closing tag and the tag name, which ends at whitespace or `/`.
    attrs.skip_chars(|c| c == '/');
    attrs.skip_chars(|c| !c.is_whitespace() && c != '/');
    attrs
}

/// Iterator over the attributes of one tag (see [`attributes`]).
struct Attributes<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Attributes<'a> {
    fn peek(&self) -> Option<char> {
        let b = *self.s.as_bytes().get(self.i)?;
        if b.is_ascii() {
            Some(char::from(b))
        } else {
            self.s[self.i..].chars().next()
        }
    }

    fn skip_chars(&mut self, f: impl Fn(char) -> bool) {
        while let Some(c) = self.peek().filter(|&c| f(c)) {
            self.i += c.len_utf8();
        }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.skip_chars(|c| c.is_whitespace() || c == '/');
        let start = self.i;
        // A name cannot be empty: browsers read `=x` in `<a =x onclick=y>` as an
        // attribute named `=x` and go on to `onclick`, and so must we.
        if self.peek() == Some('=') {
            self.i += 1;
        }
        self.skip_chars(|c| !c.is_whitespace() && c != '=' && c != '/');
        if self.i == start {
            return None;
        }
        let name = &self.s[start..self.i];
        self.skip_chars(char::is_whitespace);
        let mut value = "";
        if self.peek() == Some('=') {
            self.i += 1;
            self.skip_chars(char::is_whitespace);
            match self.peek() {
                Some(q @ ('"' | '\'')) => {
                    self.i += 1;
                    let from = self.i;
                    match memchr(q as u8, &self.s.as_bytes()[from..]) {
                        Some(len) => {
                            value = &self.s[from..from + len];
                            self.i = from + len + 1;
                        }
                        None => {
                            value = &self.s[from..];
                            self.i = self.s.len();
                        }
                    }
                }
                _ => {
                    let from = self.i;
                    self.skip_chars(|c| !c.is_whitespace());
                    value = &self.s[from..self.i];
                }
            }
        }
        Some((name, value))
    }
}

/// The single pass against this oracle: the same leaks (values, offsets, origins) and
/// the same active-content findings on every input.
#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::config::SiteConfig;
    use crate::diag::Findings;
    use crate::hazard::{HazardRecord, Status};

    /// Markup, text, numbers and private values, in all the forms that matter.
    const PATHS: &[&str] = &[
        "a/index.html",
        "b.HTM",
        "feed.xml",
        "icon.svg",
        "data/2024-05.csv",
        "assets/a.js",
        "assets/a.woff",
    ];

    fn scanner() -> Scanner {
        let mut findings = Findings::default();
        let config = SiteConfig::parse(
            "title = \"甲乡\"\nissuer = \"甲乡人民政府\"\n[hotline]\nphones = [{ label = \"值班\", number = \"139-0000-1111\" }]\nnational = \"12350\"\n",
            &mut findings,
        )
        .expect("config");
        let mut record = crate::hazard::HazardRecord::sample("A-1", Status::InProgress);
        record.origin.file = PathBuf::from("content/registers/2024-05/东庄村.csv");
        record.origin.row = 3;
        record.notes = Some("举报人电话13800138000".to_string());
        record.withheld = ["王小明", "李明", "13912345678", "赵<六>"]
            .map(str::to_string)
            .to_vec();
        let records: Vec<&HazardRecord> = vec![&record];
        Scanner::from_parts(&config, &records, &[], &[], &[])
    }

    fn assert_same(scanner: &Scanner, bytes: &[u8]) {
        for path in PATHS {
            let file = OutputFile {
                path: path.to_string(),
                bytes: bytes.to_vec(),
                source: Some(PathBuf::from("content/notices/a.md")),
            };
            let (leaks, active) = check_file(scanner, &file);
            let single = scanner.check_file(&file);
            assert_eq!(
                single.leaks,
                leaks,
                "{path}: {:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(
                single.active.into_iter().collect::<Vec<_>>(),
                active,
                "{path}: {:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(scanner.scan_file(&file), leaks, "{path}");
            assert_eq!(crate::scan::html::active_content(&[file]), active, "{path}");
        }
        assert_eq!(
            crate::scan::html::visible_text(bytes),
            visible_text(bytes),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }

    #[test]
    fn same_findings_on_the_fuzz_corpus() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/scan");
        let scanner = scanner();
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).expect("fuzz corpus") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
            assert_same(&scanner, &bytes);
            count += 1;
        }
        assert!(count > 100, "only {count} inputs in {}", dir.display());
    }

    #[test]
    fn same_findings_on_hostile_pages() {
        let scanner = scanner();
        for body in [
            "<p>电话<b>138</b>0013&#56;000\u{200B}</p><td>王小明</td><td>李明</td>",
            "<script>alert(1)</script><script src=\"a.js\"></script></script>",
            "<img src=x onerror=alert(1)><SVG ONLOAD=alert(1)><a =x onclick=\"y()\">x</a>",
            "<a href=\"&#74;avascript:alert(1)\">x</a><a href=' data:text/html,x'>x</a>",
            "<a href=\"j\u{3000}avascript:x\">x</a><a\u{3000}onclick=x>y</a>",
            "<iframe src=\"https://x\"></iframe><FORM action=x></form><base href=x>",
            "<p style=\"display: none\">x</p><meta http-equiv=\"refresh\" content=\"0\">",
            "<!-- <script>x</script> --><!--><p>13800138000</p>&lt;script&gt;",
            "< b>1<3800138000 &#x31;3800138000 &bogus; & &#1114112; &#x;",
            "<a href=\"x\"onclick=y title='>'>1380013<i>8000</i></a><wbr>",
            "<p title=\"赵&lt;六&gt;\">赵&lt;六&gt; 11010519491231002X １３８００１３８０００</p>",
            "<a href=\"tel:139-0000-1111\">139-0000-1111</a> <unclosed attr=\"",
        ] {
            for head in [
                "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head><body>",
                "<html><body>",
            ] {
                assert_same(&scanner, format!("{head}{body}</body></html>").as_bytes());
            }
        }
        assert_same(&scanner, b"<p>\0<script>x</script>13800138000</p>");
        assert_same(&scanner, b"<p>\xff<script>x</script>13800138000</p>");
    }

    /// Pieces random pages are made of.
    const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "=",
        "\"",
        "'",
        " ",
        "\n",
        ";",
        "&",
        "-",
        "\0",
        "<b>",
        "</b>",
        "<i>",
        "<td>",
        "</td>",
        "<p>",
        "<!--",
        "-->",
        "<!DOCTYPE html>",
        "<script>",
        "</script>",
        "<script src=x>",
        "<meta http-equiv=\"Content-Security-Policy\">",
        "<META HTTP-EQUIV=\"refresh\">",
        "<a href=\"",
        "<a\u{3000}",
        "javascript:",
        "data:text/html",
        "vb\tscript:",
        "onclick=",
        "ONerror",
        "style=\"display:none\"",
        "<iframe>",
        "</form>",
        "<FORM",
        "<svg onload=x>",
        "&#106;",
        "&#x4A;",
        "&amp;",
        "&nbsp;",
        "&#49;",
        "&shy;",
        "&#+56;",
        "\u{3000}",
        "\u{200B}",
        "\u{00AD}",
        "\u{FEFF}",
        "\u{2028}",
        "\u{0B}",
        "138",
        "0013",
        "8000",
        "13800138000",
        "11010519491231002X",
        "１３８",
        "6222021234567890123",
        "王小明",
        "李明",
        "赵&lt;六&gt;",
        "13912345678",
        "甲",
        "x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn same_findings_on_random_markup(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        ) {
            assert_same(&scanner(), pieces.concat().as_bytes());
        }
    }
}
