//! HTML output as a reader sees it, and what must never be in it.
//!
//! [`visible_text`] removes inline formatting tags, zero-width characters and
//! character references, so a number split by `<b>`, `&#49;` or U+200B is scanned as
//! the reader sees it. [`active_content`] finds what could run in a reader's browser:
//! inline `<script>`, event-handler attributes, `javascript:`/`vbscript:`/`data:`
//! links, frames, objects and forms; and a page without the Content-Security-Policy.
//!
//! Both run over every page of a build, in one walk over the page
//! ([`Scanner::check_file`](super::Scanner::check_file)): each tag is read once, its
//! name looked up once (a hash probe), and it is then both dropped from the visible
//! text and checked. They work on bytes: text between markup is copied in runs found
//! with a byte table, and attributes are borrowed from the page rather than collected.
//! `scan::reference` keeps the former two walks as the oracle this one is tested
//! against.

use memchr::memchr;

use crate::diag::Finding;
use crate::render::OutputFile;

/// Files scanned as markup.
pub fn is_markup(path: &str) -> bool {
    [".html", ".htm", ".xml", ".svg"]
        .iter()
        .any(|ext| ends_with_ignore_case(path, ext))
}

/// `path` ends with `ext` (ASCII, lower-case), in any case.
pub(crate) fn ends_with_ignore_case(path: &str, ext: &str) -> bool {
    let (p, e) = (path.as_bytes(), ext.as_bytes());
    p.len() >= e.len() && p[p.len() - e.len()..].eq_ignore_ascii_case(e)
}

/// Tags that do not separate words: their removal joins the text on both sides.
pub(super) const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Characters that render as nothing.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Bytes where text stops being copied as it is: markup, references, and the lead
/// bytes of the invisible characters (U+00AD `C2`, U+200B–U+2060 `E2`, U+FEFF `EF`).
pub(super) static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'<' as usize] = true;
    table[b'&' as usize] = true;
    table[0xC2] = true;
    table[0xE2] = true;
    table[0xEF] = true;
    table
};

/// The text of `bytes` as displayed: inline tags removed, other tags and comments
/// replaced by a space, character references decoded, invisible characters dropped.
/// `None` when the file is not UTF-8.
pub fn visible_text(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = Vec::with_capacity(text.len() / 2);
    visible_text_into(text, &mut out);
    String::from_utf8(out).ok()
}

/// [`visible_text`] appended to `out` (a buffer the caller reuses from page to page).
/// What is appended is always UTF-8.
pub fn visible_text_into(text: &str, out: &mut Vec<u8>) {
    walk::<true, false>(text, out, &mut PageSafety::default());
}

/// What the active-content check found on one page: its problems, tag by tag in page
/// order, and whether it carries the Content-Security-Policy.
#[derive(Debug, Default)]
pub(crate) struct PageSafety {
    problems: Vec<String>,
    has_csp: bool,
}

/// One walk over a page, tokenising it once: appends its visible text to `out` and
/// checks every tag for active content into `safety`.
pub(crate) fn scan_page(text: &str, out: &mut Vec<u8>, safety: &mut PageSafety) {
    walk::<true, true>(text, out, safety);
}

/// The active-content check of one page on its own (a page not scanned for leaks).
pub(crate) fn check_page(text: &str) -> PageSafety {
    let mut safety = PageSafety::default();
    walk::<false, true>(text, &mut Vec::new(), &mut safety);
    safety
}

/// The walk over a page's tags. `VISIBLE`: append the visible text to `out`. `ACTIVE`:
/// check each tag for active content. Both see exactly the same tags: a character
/// reference that is decoded never contains a `<`, so skipping text to the next `<`
/// and reading it reference by reference stop at the same places.
fn walk<const VISIBLE: bool, const ACTIVE: bool>(
    text: &str,
    out: &mut Vec<u8>,
    safety: &mut PageSafety,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if VISIBLE {
            let run = bytes[i..]
                .iter()
                .position(|&b| SPECIAL[usize::from(b)])
                .unwrap_or(bytes.len() - i);
            out.extend_from_slice(&bytes[i..i + run]);
            i += run;
        } else {
            match find_byte(b'<', &bytes[i..]) {
                Some(at) => i += at,
                None => break,
            }
        }
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'<' => {
                let rest = &bytes[i..];
                let tag = tag_at(rest);
                let name = if tag.kind == TagKind::Element {
                    classify(rest, tag.name)
                } else {
                    Name::Other
                };
                if VISIBLE && name != Name::Inline {
                    out.push(b' ');
                }
                if ACTIVE {
                    safety.check_tag(&text[i..i + tag.len], &tag, name);
                }
                i += tag.len.max(1);
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

/// What a tag's name makes it, for the visible text and the active-content check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    /// Inline formatting (see [`INLINE_TAGS`]): removed without a space.
    Inline,
    Meta,
    Script,
    /// One of [`FORBIDDEN_TAGS`], lower-cased.
    Forbidden(&'static str),
    Other,
}

/// The kind of an element from its name (`page[name.0..name.1]`), in any case: one
/// hash-table probe per tag instead of a case-insensitive comparison with every name
/// of every list.
fn classify(page: &[u8], name: (usize, usize)) -> Name {
    let len = name.1 - name.0;
    if len == 0 || len > 8 {
        return Name::Other;
    }
    // The name as one integer, read in one load when the page goes on for 8 bytes
    // (it almost always does), the bytes after the name masked off.
    let mask = u64::MAX >> (8 * (8 - len));
    let raw = match page.get(name.0..name.0 + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => page[name.0..name.1]
            .iter()
            .rev()
            .fold(0, |key, &b| key << 8 | u64::from(b)),
    };
    // Names are ASCII letters and digits: setting bit 5 lower-cases the letters and
    // leaves the digits as they are.
    let key = (raw | 0x2020_2020_2020_2020) & mask;
    let mut slot = name_slot(key);
    loop {
        let (k, kind) = NAMES[slot];
        if k == key {
            return kind;
        }
        if k == 0 {
            return Name::Other;
        }
        slot = (slot + 1) % NAMES.len();
    }
}

/// A lower-case name of at most 8 bytes as one integer (little-endian, zero-padded).
const fn name_key(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut key = 0;
    let mut i = 0;
    while i < bytes.len() {
        key |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    key
}

/// The slot a key starts probing at in [`NAMES`].
const fn name_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57) as usize
}

/// Every name [`classify`] knows, by key (open addressing, linear probing; key 0 marks
/// an empty slot, which no name has). Built from the lists at compile time.
static NAMES: [(u64, Name); 128] = {
    const fn insert(table: &mut [(u64, Name); 128], name: &'static str, kind: Name) {
        assert!(!name.is_empty() && name.len() <= 8);
        let key = name_key(name);
        let mut slot = name_slot(key);
        while table[slot].0 != 0 {
            slot = (slot + 1) % 128;
        }
        table[slot] = (key, kind);
    }
    let mut table = [(0, Name::Other); 128];
    let mut i = 0;
    while i < INLINE_TAGS.len() {
        insert(&mut table, INLINE_TAGS[i], Name::Inline);
        i += 1;
    }
    let mut i = 0;
    while i < FORBIDDEN_TAGS.len() {
        insert(
            &mut table,
            FORBIDDEN_TAGS[i],
            Name::Forbidden(FORBIDDEN_TAGS[i]),
        );
        i += 1;
    }
    insert(&mut table, "meta", Name::Meta);
    insert(&mut table, "script", Name::Script);
    table
};

/// A tag at some position of a page: its name (a range of the bytes it was read from)
/// and its length up to and including its `>` (or the end of the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tag {
    pub(super) kind: TagKind,
    /// Byte range of the name (ASCII letters and digits after `<` and any `/`).
    pub(super) name: (usize, usize),
    pub(super) len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind {
    /// `<!-- … -->`.
    Comment,
    /// A `<` that starts no tag (cannot occur in escaped output).
    Lone,
    /// An element, a closing tag or a declaration (`<!DOCTYPE …>`, empty name).
    Element,
}

/// Bytes that end a tag or open a quoted value in it.
static TAG_STOP: [bool; 256] = {
    let mut table = [false; 256];
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// The tag at the start of `s` (which starts with `<`). Quoted attribute values may
/// contain `>`.
pub(super) fn tag_at(s: &[u8]) -> Tag {
    if s.starts_with(b"<!--") {
        let len = memchr::memmem::find(s, b"-->").map_or(s.len(), |i| i + 3);
        return Tag {
            kind: TagKind::Comment,
            name: (0, 0),
            len,
        };
    }
    let mut body = 1;
    while s.get(body) == Some(&b'/') {
        body += 1;
    }
    let mut name_end = body;
    while s.get(name_end).is_some_and(u8::is_ascii_alphanumeric) {
        name_end += 1;
    }
    if name_end == body && s.get(body) != Some(&b'!') {
        return Tag {
            kind: TagKind::Lone,
            name: (0, 0),
            len: 1,
        };
    }
    // Tags are a few dozen bytes: tight byte loops beat setting up a vector search.
    // The `/`s and the name read above hold no `>` or quote.
    let mut i = name_end;
    let len = loop {
        let Some(at) = s[i..].iter().position(|&b| TAG_STOP[usize::from(b)]) else {
            break s.len();
        };
        i += at;
        let quote = s[i];
        if quote == b'>' {
            break i + 1;
        }
        match s[i + 1..].iter().position(|&b| b == quote) {
            Some(close) => i += close + 2,
            None => break s.len(),
        }
    };
    Tag {
        kind: TagKind::Element,
        name: (body, name_end),
        len,
    }
}

/// The character a reference at the start of `s` (which starts with `&`) stands for,
/// and its length. Unknown references are kept as a `&`.
pub(super) fn reference_at(s: &str) -> (Option<char>, usize) {
    // The `;` must come within the next 12 characters.
    let bytes = s.as_bytes();
    let mut end = None;
    let mut chars = 0;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        if b & 0xC0 == 0x80 {
            continue;
        }
        chars += 1;
        if chars > 12 {
            break;
        }
        if b == b';' {
            end = Some(i);
            break;
        }
    }
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
pub(super) const FORBIDDEN_TAGS: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base",
];

/// URL schemes that run code or carry a document of their own.
pub(super) const FORBIDDEN_SCHEMES: &[&str] =
    &["javascript:", "vbscript:", "data:text", "data:application"];

/// What could run in a reader's browser, one finding per problem and page. Scripts the
/// theme ships as files (`<script src="…/assets/x.js">`) are allowed; inline scripts
/// and event handlers are not (the page's CSP blocks them anyway). Every HTML page
/// must carry the Content-Security-Policy meta tag.
pub fn active_content(files: &[OutputFile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        if !is_page(&file.path) {
            continue;
        }
        let Ok(text) = simdutf8::basic::from_utf8(&file.bytes) else {
            continue;
        };
        findings.extend(check_page(text).finding(file));
    }
    findings
}

/// Pages checked for active content: HTML, not XML or SVG (which are served as files,
/// never shown as pages of the site).
pub(crate) fn is_page(path: &str) -> bool {
    ends_with_ignore_case(path, ".html") || ends_with_ignore_case(path, ".htm")
}

impl PageSafety {
    /// The error finding for `file` when the page is unsafe.
    pub(crate) fn finding(mut self, file: &OutputFile) -> Option<Finding> {
        if !self.has_csp {
            self.problems
                .push("缺少 Content-Security-Policy（meta 标签）".to_string());
        }
        self.problems.dedup();
        if self.problems.is_empty() {
            return None;
        }
        let mut finding = Finding::error(
            "unsafe-html",
            format!("输出页面 {} 含有不安全的内容：{}；为保护读者，未生成网站", file.path, self.problems.join("、")),
        )
        .with_help("内容中的 HTML 会被自动清理，出现此错误通常是自定义主题的模板造成的：请删除模板中的内嵌脚本和 on… 属性，把脚本放到主题的 static/ 中以文件引用，并保留 base.html 中的 Content-Security-Policy。");
        if let Some(source) = &file.source {
            finding = finding.in_file(source.clone());
        }
        Some(finding)
    }

    /// The problems of one tag (`tag_text`, its name classified as `name`). Nothing is
    /// allocated for a tag without a problem except a `<meta>`.
    fn check_tag(&mut self, tag_text: &str, tag: &Tag, name: Name) {
        let problems = &mut self.problems;
        let closing = tag_text.starts_with("</");
        match name {
            Name::Meta => {
                let lower = tag_text.to_ascii_lowercase();
                if lower.contains("content-security-policy") {
                    self.has_csp = true;
                }
                if lower.contains("http-equiv=\"refresh\"") {
                    problems.push("自动跳转 <meta http-equiv=\"refresh\">".to_string());
                }
            }
            Name::Script
                if !closing
                    && !attributes(tag_text).any(|(n, _)| n.eq_ignore_ascii_case("src")) =>
            {
                problems.push("内嵌脚本 <script>".to_string());
            }
            Name::Forbidden(name) if !closing => {
                problems.push(format!("不允许的元素 <{name}>"));
            }
            _ => {}
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
                attribute_problems(name, value, problems);
            }
        }
    }
}

/// The first `needle` in `hay`: the next tag is usually a few bytes away, so the first
/// bytes are looked at one by one before a vector search.
pub(super) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    let near = hay.len().min(32);
    match hay[..near].iter().position(|&b| b == needle) {
        Some(i) => Some(i),
        None => memchr(needle, &hay[near..]).map(|i| near + i),
    }
}

/// Event handlers, hiding styles and executable URLs in one attribute.
pub(super) fn attribute_problems(name: &str, value: &str, problems: &mut Vec<String>) {
    let name_bytes = name.as_bytes();
    if name_bytes.len() > 2 && name_bytes[..2].eq_ignore_ascii_case(b"on") {
        problems.push(format!("事件处理属性 {}", name.to_ascii_lowercase()));
    }
    // Values are compared lower-cased, with character references decoded. Both
    // orders: decoding first catches `&#74;avascript:` (a capital J), lower-casing
    // first catches references written in the wrong case.
    let decoded = || decode_references(&value.to_ascii_lowercase());
    if name.eq_ignore_ascii_case("style") && hides_text(&decoded()) {
        problems.push("隐藏文字的内联样式".to_string());
    }
    if value.as_bytes().contains(&b'&') || starts_with_scheme(value) {
        let squeeze = |v: String| -> String { v.chars().filter(|c| !c.is_whitespace()).collect() };
        let lowered_first = squeeze(decoded());
        let decoded_first = squeeze(decode_references(value).to_lowercase());
        let value = if FORBIDDEN_SCHEMES
            .iter()
            .any(|s| decoded_first.starts_with(s))
        {
            decoded_first
        } else {
            lowered_first
        };
        if FORBIDDEN_SCHEMES.iter().any(|s| value.starts_with(s)) {
            problems.push(format!(
                "可执行的链接 {}=\"{}…\"",
                name.to_ascii_lowercase(),
                truncate(&value, 16)
            ));
        }
    }
}

/// A value without references starts with a forbidden scheme (whitespace ignored, any
/// case), checked without allocating: the longest scheme is 16 bytes.
fn starts_with_scheme(value: &str) -> bool {
    // Every scheme starts with `j`, `v` or `d`: a value starting with any other ASCII
    // character but whitespace (a path, a class name) is rejected by its first byte.
    match value.as_bytes().first() {
        None => return false,
        Some(&b)
            if b.is_ascii()
                && !char::from(b).is_whitespace()
                && !matches!(b.to_ascii_lowercase(), b'j' | b'v' | b'd') =>
        {
            return false
        }
        Some(_) => {}
    }
    let mut head = [0u8; 16];
    let mut n = 0;
    for c in value.chars().filter(|c| !c.is_whitespace()) {
        let mut buf = [0; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            if n == head.len() {
                break;
            }
            head[n] = b.to_ascii_lowercase();
            n += 1;
        }
        if n == head.len() {
            break;
        }
    }
    FORBIDDEN_SCHEMES
        .iter()
        .any(|s| head[..n].starts_with(s.as_bytes()))
}

pub(super) fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// `display:none`, `visibility:hidden`, zero font size, or text moved off-screen.
pub(super) fn hides_text(style: &str) -> bool {
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

/// The attributes of a tag (`<a href="x" onclick=y>`) as written: names and values
/// borrowed from the tag, not lower-cased, references not decoded.
fn attributes(tag: &str) -> Attributes<'_> {
    let b = tag.as_bytes();
    let mut start = 0;
    while b.get(start) == Some(&b'<') {
        start += 1;
    }
    let mut end = b.len();
    while end > start && b[end - 1] == b'>' {
        end -= 1;
    }
    while end > start && b[end - 1] == b'/' {
        end -= 1;
    }
    // Only ASCII bytes were cut off, so both ends are character boundaries.
    let mut attrs = Attributes {
        s: &tag[start..end],
        i: 0,
    };
    // Skip the `/` of a closing tag and the tag name, which ends at whitespace or at a
    // `/` as in a browser (`<svg/onload=…>` has an attribute).
    while attrs.s.as_bytes().get(attrs.i) == Some(&b'/') {
        attrs.i += 1;
    }
    attrs.i = attrs.skip_until_whitespace(attrs.i, |c| c == b'/');
    attrs
}

/// Iterator over the attributes of one tag (see [`attributes`]). Whitespace is what
/// [`char::is_whitespace`] says it is (as browsers, Unicode spaces included, so that
/// `<a\u{3000}onclick=x>` is read as an attribute); ASCII bytes are looked at one by
/// one, other characters decoded.
struct Attributes<'a> {
    s: &'a str,
    i: usize,
}

/// [`char::is_whitespace`] for ASCII.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

impl<'a> Attributes<'a> {
    /// The length of the whitespace character at `i`, 0 if there is none.
    fn whitespace_at(&self, i: usize) -> usize {
        match self.s.as_bytes().get(i) {
            None => 0,
            Some(&b) if b.is_ascii() => usize::from(is_ascii_space(b)),
            Some(_) => self.s[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8),
        }
    }

    /// The first position from `i` on that is whitespace, the end, or an ASCII byte
    /// for which `stop` holds.
    fn skip_until_whitespace(&self, mut i: usize, stop: impl Fn(u8) -> bool) -> usize {
        let b = self.s.as_bytes();
        while let Some(&c) = b.get(i) {
            if c.is_ascii() {
                if is_ascii_space(c) || stop(c) {
                    break;
                }
                i += 1;
            } else {
                if self.whitespace_at(i) > 0 {
                    break;
                }
                i += utf8_len(c);
            }
        }
        i
    }

    /// The first position from `i` on that is not whitespace (nor `/` when `slash`).
    fn skip_whitespace(&self, mut i: usize, slash: bool) -> usize {
        let b = self.s.as_bytes();
        while let Some(&c) = b.get(i) {
            if slash && c == b'/' {
                i += 1;
                continue;
            }
            match self.whitespace_at(i) {
                0 => break,
                n => i += n,
            }
        }
        i
    }
}

/// The length of the UTF-8 character that starts with byte `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.s;
        let b = s.as_bytes();
        let start = self.skip_whitespace(self.i, true);
        self.i = start;
        // A name cannot be empty: browsers read `=x` in `<a =x onclick=y>` as an
        // attribute named `=x` and go on to `onclick`, and so must we.
        if b.get(self.i) == Some(&b'=') {
            self.i += 1;
        }
        // A name ends at whitespace, `=` or `/` (`<a x/onclick=y>` has two).
        self.i = self.skip_until_whitespace(self.i, |c| c == b'=' || c == b'/');
        if self.i == start {
            return None;
        }
        let name = &s[start..self.i];
        self.i = self.skip_whitespace(self.i, false);
        let mut value = "";
        if b.get(self.i) == Some(&b'=') {
            self.i = self.skip_whitespace(self.i + 1, false);
            match b.get(self.i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let from = self.i + 1;
                    match memchr(q, &b[from..]) {
                        Some(len) => {
                            value = &s[from..from + len];
                            self.i = from + len + 1;
                        }
                        None => {
                            value = &s[from..];
                            self.i = s.len();
                        }
                    }
                }
                _ => {
                    let from = self.i;
                    self.i = self.skip_until_whitespace(from, |_| false);
                    value = &s[from..self.i];
                }
            }
        }
        Some((name, value))
    }
}

/// Attribute values with character references decoded (`&#106;avascript:`).
pub(super) fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    visible_text(value.as_bytes()).unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first-byte shortcut and the 16-byte head of [`starts_with_scheme`] say what
    /// the plain definition says: whitespace removed, lower-cased, a forbidden prefix.
    #[test]
    fn starts_with_scheme_agrees_with_the_plain_definition() {
        let plain = |v: &str| {
            let squeezed: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            let lowered = squeezed.to_ascii_lowercase();
            FORBIDDEN_SCHEMES.iter().any(|s| lowered.starts_with(s))
        };
        for value in [
            "",
            "javascript:alert(1)",
            " JavaScript:x",
            "\u{3000}java\tscript:x",
            "j a v a s c r i p t :",
            "vbscript:msgbox",
            "data:text/html,x",
            "DATA:image/png",
            "dat",
            "../months/2024-05/index.html",
            "#main",
            "https://example.gov.cn/",
            "甲javascript:",
            "\u{00A0}javascript:",
            "jav\u{200B}ascript:",
            "badge badge--closed",
        ] {
            assert_eq!(starts_with_scheme(value), plain(value), "{value:?}");
        }
    }

    fn page(body: &str) -> OutputFile {
        OutputFile {
            path: "a/index.html".to_string(),
            bytes: format!(
                "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head><body>{body}</body></html>"
            )
            .into_bytes(),
            source: None,
        }
    }

    #[test]
    fn visible_text_joins_what_the_reader_sees() {
        let v = visible_text(
            "<p>电话<b>138</b>0013&#56;000\u{200B}</p><td>1</td><td>2</td>".as_bytes(),
        )
        .unwrap();
        assert!(v.contains("电话13800138000"), "{v}");
        assert!(v.contains("1  2"), "{v}");
        assert_eq!(
            visible_text("&lt;x&gt; &#x41; &bogus; &".as_bytes()).unwrap(),
            "<x> A &bogus; &"
        );
    }

    /// The class of `name` read from a tag (`<name>`, so the page may end right after
    /// it) and from a longer page.
    fn class(name: &str) -> Name {
        let short = format!("<{name}>");
        let long = format!("<{name} class=\"x\">text</{name}>");
        let kind = classify(short.as_bytes(), (1, 1 + name.len()));
        assert_eq!(
            classify(long.as_bytes(), (1, 1 + name.len())),
            kind,
            "{name}"
        );
        kind
    }

    #[test]
    fn names_are_classified_in_any_case() {
        let cases = [
            (INLINE_TAGS, Name::Inline),
            (&["meta"][..], Name::Meta),
            (&["script"][..], Name::Script),
        ];
        for (names, kind) in cases {
            for name in names {
                assert_eq!(class(name), kind, "{name}");
                assert_eq!(class(&name.to_ascii_uppercase()), kind, "{name}");
            }
        }
        for name in FORBIDDEN_TAGS {
            assert_eq!(class(name), Name::Forbidden(name));
            assert_eq!(class("IFrame"), Name::Forbidden("iframe"));
        }
        for other in [
            "",
            "p",
            "div",
            "li",
            "h1",
            "td",
            "tr",
            "html",
            "body",
            "a1",
            "b2",
            "spans",
            "metas",
            "scripts",
            "iframes",
            "framesets",
            "sup1",
            "br",
            "img",
            "section",
            "nav",
            "0",
        ] {
            assert_eq!(class(other), Name::Other, "{other}");
        }
    }

    #[test]
    fn clean_page_passes() {
        assert!(active_content(&[page(
            "<p><a href=\"../x/index.html\">x</a></p><script src=\"assets/a.js\"></script>"
        )])
        .is_empty());
    }

    #[test]
    fn finds_scripts_handlers_and_bad_links() {
        for (body, what) in [
            ("<script>alert(1)</script>", "内嵌脚本"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("<a href=\"javascript:alert(1)\">x</a>", "可执行的链接"),
            ("<a href=\"&#74;avascript:alert(1)\">x</a>", "可执行的链接"),
            ("<a href=\"&#x4A;AVASCRIPT:alert(1)\">x</a>", "可执行的链接"),
            ("<a =x onclick=\"y()\">x</a>", "事件处理属性"),
            ("<a href=\"&#106;avascript:alert(1)\">x</a>", "可执行的链接"),
            ("<a href=' data:text/html,x'>x</a>", "可执行的链接"),
            ("<iframe src=\"https://x\"></iframe>", "<iframe>"),
            ("<form action=x></form>", "<form>"),
            ("<p style=\"display: none\">x</p>", "隐藏文字"),
            ("<SVG ONLOAD=alert(1)>", "onload"),
            ("<svg/onload=alert(1)>", "onload"),
            ("<img/src=\"x\"/onerror=alert(1)>", "onerror"),
            ("<a x/onclick=y>x</a>", "onclick"),
            ("<a/href=javascript:alert(1)>x</a>", "可执行的链接"),
            ("<p/style=display:none>x</p>", "隐藏文字"),
        ] {
            let findings = active_content(&[page(body)]);
            assert_eq!(findings.len(), 1, "{body}");
            assert!(
                findings[0].message.contains(what),
                "{body}: {}",
                findings[0].message
            );
        }
    }

    #[test]
    fn slashes_between_names_are_no_attributes_of_their_own() {
        assert!(active_content(&[page(
            "<br/><p>x</p></onion><a href=../on/x.html>x</a><img src=\"a.png\"/><script/src=\"a.js\"></script>"
        )])
        .is_empty());
    }

    #[test]
    fn page_without_csp_is_refused() {
        let file = OutputFile {
            path: "index.html".to_string(),
            bytes: b"<html><head></head><body>x</body></html>".to_vec(),
            source: None,
        };
        let findings = active_content(&[file]);
        assert!(findings[0].message.contains("Content-Security-Policy"));
    }

    #[test]
    fn escaped_text_is_not_markup() {
        assert!(active_content(&[page(
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=x javascript:y</p>"
        )])
        .is_empty());
    }
}
