//! The output layout: every page path of the site, built in one place.
//!
//! Paths are relative to the output root, `/`-separated, and always name a file
//! (`months/2024-05/index.html`, never `months/2024-05/`), so the site works under any
//! sub-path and when opened from disk (`file://`). A page links to another with
//! [`href`]`(root, path)` where `root` is [`root_of`] the linking page (`../` × depth).
//!
//! Names that come from cells or file names (ids, villages, sectors, notice slugs) go
//! through [`slug`] so no cell value can escape its folder or break a URL.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::hazard::YearMonth;

/// The home page.
pub const HOME: &str = "index.html";
/// Every month, newest first.
pub const DISCLOSURE: &str = "disclosure/index.html";
/// The list of villages.
pub const VILLAGES: &str = "villages/index.html";
/// The list of sectors.
pub const SECTORS: &str = "sectors/index.html";
/// The first page of the notice index.
pub const NOTICES: &str = "notices/index.html";
/// The reporting hotline.
pub const HOTLINE: &str = "hotline/index.html";
/// Downloads and the data dictionary.
pub const DATA: &str = "data/index.html";
/// The Atom feed.
pub const FEED: &str = "feed.xml";
/// The sitemap.
pub const SITEMAP: &str = "sitemap.xml";
/// robots.txt.
pub const ROBOTS: &str = "robots.txt";
/// The "not found" page.
pub const NOT_FOUND: &str = "404.html";
/// The folder theme static files are copied to.
pub const ASSETS_DIR: &str = "assets";

/// What is escaped in a path used in `href`: controls, space, non-ASCII (always, by
/// `utf8_percent_encode`) and the characters that end or change a URL path.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'\'')
    .add(b'&');

/// Turns a name from the input (an id, a village, a sector, a file stem) into one safe
/// path segment.
///
/// Keeps CJK characters, ASCII letters and digits, `-`, `_` and `.` (not leading, never
/// two in a row, so `..` cannot occur); everything else (`/`, `\`, spaces, control
/// characters, `?#%&`, full-width punctuation…) becomes `-`; runs of `-` collapse and
/// `-` is trimmed from both ends. Never empty: a name with nothing usable becomes `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        let mapped = if c.is_ascii_alphanumeric() || c == '_' || is_cjk(c) {
            c
        } else if c == '.' && !out.is_empty() && !out.ends_with('.') && !out.ends_with('-') {
            '.'
        } else {
            '-'
        };
        if mapped == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        if mapped == '-' && out.ends_with('.') {
            // `.-` would leave a segment ending in a dot next to a separator; drop the dot.
            out.pop();
            if out.is_empty() || out.ends_with('-') {
                continue;
            }
        }
        out.push(mapped);
    }
    while out.ends_with('-') || out.ends_with('.') {
        out.pop();
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// CJK ideographs and the kana/hangul blocks a Chinese office might type. Punctuation
/// (full-width brackets, 、。) is not included: it becomes `-`.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'   // Extension A
        | '\u{4E00}'..='\u{9FFF}' // Unified Ideographs
        | '\u{F900}'..='\u{FAFF}' // Compatibility Ideographs
        | '\u{20000}'..='\u{3134F}' // Extensions B–G
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{AC00}'..='\u{D7AF}' // hangul
        | '\u{3005}'              // 々
        | '\u{3007}' // 〇
    )
}

/// The prefix that leads from `path` back to the output root: `../` per folder level.
/// `index.html` → ``, `months/2024-05/index.html` → `../../`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// A link from a page with prefix `root` to the output file `path`, percent-encoded
/// (non-ASCII as UTF-8 bytes) so it is a valid URL in `href` and `src`.
pub fn href(root: &str, path: &str) -> String {
    let mut out = String::with_capacity(root.len() + path.len() * 2);
    out.push_str(root);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, PATH_SEGMENT));
    }
    out
}

/// The absolute URL of `path` under `base_url` (for the feed, the sitemap and canonical
/// links). A missing trailing slash on `base_url` is added.
pub fn absolute(base_url: &str, path: &str) -> String {
    let base = base_url.trim();
    let sep = if base.ends_with('/') || base.is_empty() {
        ""
    } else {
        "/"
    };
    href(&format!("{base}{sep}"), path)
}

/// `months/2024-05/index.html`
pub fn month_path(ym: YearMonth) -> String {
    format!("months/{ym}/index.html")
}

/// `hazards/<slug(id)>.html`: one file per hazard, no folder of its own (a county
/// has tens of thousands of hazards, and a folder per page doubles what the file
/// system has to create and delete on every build)
pub fn hazard_path(id: &str) -> String {
    format!("hazards/{}.html", slug(id))
}

/// `villages/<slug(name)>/index.html`
pub fn village_path(name: &str) -> String {
    format!("villages/{}/index.html", slug(name))
}

/// `sectors/<slug(name)>/index.html`
pub fn sector_path(name: &str) -> String {
    format!("sectors/{}/index.html", slug(name))
}

/// `notices/<slug>/index.html`. The notice slug is passed through [`slug`] again, so a
/// slug from front matter cannot escape the folder either.
pub fn notice_path(notice_slug: &str) -> String {
    format!("notices/{}/index.html", slug(notice_slug))
}

/// Page `n` (1-based) of the notice index: `notices/index.html`, `notices/page-2/index.html`…
pub fn notices_page_path(n: usize) -> String {
    if n <= 1 {
        NOTICES.to_string()
    } else {
        format!("notices/page-{n}/index.html")
    }
}

/// `notices/category/<slug(name)>/index.html`
pub fn notice_category_path(name: &str) -> String {
    format!("notices/category/{}/index.html", slug(name))
}

/// `pages/<slug>/index.html`
pub fn page_path(page_slug: &str) -> String {
    format!("pages/{}/index.html", slug(page_slug))
}

/// `tasks/<slug>/index.html`
pub fn task_path(list_slug: &str) -> String {
    format!("tasks/{}/index.html", slug(list_slug))
}

/// Page `n` (1-based) of a long list whose first page is `first` (an `…/index.html`
/// path): `first` itself for page 1, `…/list-<n>/index.html` after it
/// (`months/2024-05/list-2/index.html`).
pub fn list_page_path(first: &str, n: usize) -> String {
    if n <= 1 {
        return first.to_string();
    }
    let dir = first.strip_suffix("index.html").unwrap_or(first);
    format!("{dir}list-{n}/index.html")
}

/// The month a page under `months/YYYY-MM/` belongs to (its month page, list pages,
/// village pages); `None` for any other path.
pub fn month_of(path: &str) -> Option<YearMonth> {
    let rest = path.strip_prefix("months/")?;
    YearMonth::parse(rest.split('/').next()?)
}

/// `data/2024-05.csv`
pub fn data_csv_path(ym: YearMonth) -> String {
    format!("data/{ym}.csv")
}

/// `data/2024-05.json`
pub fn data_json_path(ym: YearMonth) -> String {
    format!("data/{ym}.json")
}

/// `data/2024-05.xlsx`
pub fn data_xlsx_path(ym: YearMonth) -> String {
    format!("data/{ym}.xlsx")
}

/// `assets/<name>` for a theme static file (`name` relative to the theme's `static/`).
pub fn asset_path(name: &str) -> String {
    format!("{ASSETS_DIR}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_pages_sit_below_the_first() {
        let first = month_path(YearMonth::new(2024, 5).unwrap());
        assert_eq!(list_page_path(&first, 1), "months/2024-05/index.html");
        assert_eq!(list_page_path(&first, 0), "months/2024-05/index.html");
        assert_eq!(
            list_page_path(&first, 2),
            "months/2024-05/list-2/index.html"
        );
        assert_eq!(
            list_page_path(&village_path("东庄村"), 12),
            "villages/东庄村/list-12/index.html"
        );
    }

    #[test]
    fn slug_keeps_cjk_and_ascii() {
        assert_eq!(slug("东庄村"), "东庄村");
        assert_eq!(slug("NZ-2024-001"), "NZ-2024-001");
        assert_eq!(slug("a_b.c"), "a_b.c");
        assert_eq!(slug("危险化学品"), "危险化学品");
    }

    #[test]
    fn slug_neutralises_path_tricks() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("a/b\\c"), "a-b-c");
        assert_eq!(slug(".hidden"), "hidden");
        assert_eq!(slug("a..b"), "a-b");
        assert_eq!(slug("a?b#c%d&e"), "a-b-c-d-e");
        assert_eq!(slug("  东庄 村 "), "东庄-村");
        assert_eq!(slug("a\u{0}\nb"), "a-b");
        assert_eq!(slug("（南）字〔2024〕1号"), "南-字-2024-1号");
        assert_eq!(slug("x."), "x");
    }

    #[test]
    fn slug_is_never_empty() {
        assert_eq!(slug(""), "-");
        assert_eq!(slug("///"), "-");
        assert_eq!(slug(".."), "-");
        assert_eq!(slug("？"), "-");
    }

    #[test]
    fn slug_output_is_always_a_safe_segment() {
        for input in ["..", ".", "a/../b", "\\\\server", "%2e%2e", "a. .b", "-.-"] {
            let s = slug(input);
            assert!(!s.is_empty());
            assert!(!s.starts_with('.'), "{input} → {s}");
            assert!(!s.contains(".."), "{input} → {s}");
            assert!(!s.contains('/') && !s.contains('\\') && !s.contains('%'));
        }
    }

    #[test]
    fn root_and_href() {
        assert_eq!(root_of(HOME), "");
        assert_eq!(root_of("months/2024-05/index.html"), "../../");
        assert_eq!(
            href("../../", &village_path("东庄村")),
            "../../villages/%E4%B8%9C%E5%BA%84%E6%9D%91/index.html"
        );
        assert_eq!(href("", "assets/site.css"), "assets/site.css");
    }

    #[test]
    fn absolute_adds_missing_slash() {
        assert_eq!(
            absolute("https://x.gov.cn/nz", "feed.xml"),
            "https://x.gov.cn/nz/feed.xml"
        );
        assert_eq!(
            absolute("https://x.gov.cn/nz/", HOME),
            "https://x.gov.cn/nz/index.html"
        );
    }

    #[test]
    fn page_paths() {
        let ym = YearMonth::new(2024, 5).unwrap();
        assert_eq!(month_path(ym), "months/2024-05/index.html");
        assert_eq!(
            month_of("months/2024-05/status/open/list-2/index.html"),
            Some(ym)
        );
        assert_eq!(month_of(&month_path(ym)), Some(ym));
        assert_eq!(month_of("months/index.html"), None);
        assert_eq!(month_of("hazards/months/2024-05/index.html"), None);
        assert_eq!(data_csv_path(ym), "data/2024-05.csv");
        assert_eq!(data_json_path(ym), "data/2024-05.json");
        assert_eq!(hazard_path("NZ/2024/01"), "hazards/NZ-2024-01.html");
        assert_eq!(notices_page_path(1), NOTICES);
        assert_eq!(notices_page_path(3), "notices/page-3/index.html");
        assert_eq!(
            notice_category_path("通知公告"),
            "notices/category/通知公告/index.html"
        );
        assert_eq!(notice_path("../x"), "notices/x/index.html");
        assert_eq!(page_path("guide"), "pages/guide/index.html");
        assert_eq!(task_path("2024"), "tasks/2024/index.html");
        assert_eq!(sector_path("非煤矿山"), "sectors/非煤矿山/index.html");
    }
}
