//! The site as the preview serves it: the files of the last good build, held in memory,
//! and what is injected into every HTML page in serve mode only (the live-reload script
//! and, while the latest change is broken, the overlay listing the findings).
//!
//! The built files are never modified: injection happens per response, so the bytes
//! `gongkai build` would write are exactly the bytes the pipeline made.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::lazy::{LazySite, Served};
use crate::diag::Findings;
use crate::render::OutputFile;

/// The URL prefix of everything the preview adds (script, styles, event stream). No
/// page of a site can live there: render paths never start with `__`.
pub const PREFIX: &str = "/__gongkai/";

/// The files of one good build: all of them in memory (a build handed over every
/// file), or rendered when asked for ([`LazySite`], the preview of the real pipeline).
#[derive(Debug)]
pub struct SiteFiles {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Eager(HashMap<String, Vec<u8>>),
    Lazy(Arc<LazySite>),
}

impl Default for SiteFiles {
    fn default() -> Self {
        SiteFiles {
            inner: Inner::Eager(HashMap::new()),
        }
    }
}

/// One file looked up: its bytes, or the findings that keep it from being shown.
#[derive(Debug)]
pub enum Fetched<'a> {
    Bytes(Cow<'a, [u8]>),
    Refused(Arc<Findings>),
}

impl SiteFiles {
    /// Takes the output of a build.
    pub fn new(files: Vec<OutputFile>) -> SiteFiles {
        SiteFiles {
            inner: Inner::Eager(files.into_iter().map(|f| (f.path, f.bytes)).collect()),
        }
    }

    /// A site rendered page by page on request.
    pub fn lazy(site: LazySite) -> SiteFiles {
        SiteFiles::lazy_shared(Arc::new(site))
    }

    /// A site rendered page by page on request, shared with the builder (which hands
    /// it out again while the model and theme stay the same, pages rendered and all).
    pub fn lazy_shared(site: Arc<LazySite>) -> SiteFiles {
        SiteFiles {
            inner: Inner::Lazy(site),
        }
    }

    /// The site rendered on request, when it is one.
    pub fn lazy_site(&self) -> Option<Arc<LazySite>> {
        match &self.inner {
            Inner::Eager(_) => None,
            Inner::Lazy(site) => Some(Arc::clone(site)),
        }
    }

    /// Number of files (pages and data files planned, for a lazy site).
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Eager(files) => files.len(),
            Inner::Lazy(site) => site.len(),
        }
    }

    /// True when there are no files (no good build yet).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the site has a file at `path` (a lazy site does not render it).
    pub fn contains(&self, path: &str) -> bool {
        match &self.inner {
            Inner::Eager(files) => files.contains_key(path),
            Inner::Lazy(site) => site.contains(path),
        }
    }

    /// The bytes of one file.
    pub fn get(&self, path: &str) -> Option<Fetched<'_>> {
        match &self.inner {
            Inner::Eager(files) => files
                .get(path)
                .map(|bytes| Fetched::Bytes(Cow::Borrowed(bytes.as_slice()))),
            Inner::Lazy(site) => site.get(path).map(|served| match served {
                Served::File(bytes) => Fetched::Bytes(Cow::Owned(bytes.as_ref().clone())),
                Served::Refused(findings) => Fetched::Refused(findings),
            }),
        }
    }
}

/// What the server shows at one moment: the last good files, the generation (bumped by
/// every rebuild, good or not, so open pages know to reload) and the overlay of the
/// latest failed rebuild, if any.
#[derive(Debug, Default)]
pub struct SiteSnapshot {
    /// Bumped by every rebuild.
    pub generation: u64,
    /// The files of the last good build (shared between snapshots).
    pub files: Arc<SiteFiles>,
    /// The overlay HTML while the latest rebuild failed.
    pub overlay: Option<Arc<str>>,
}

/// An HTTP answer, ready to send.
#[derive(Debug)]
pub struct Reply<'a> {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Cow<'a, [u8]>,
    /// For redirects.
    pub location: Option<String>,
}

impl SiteSnapshot {
    /// Answers a request for `raw_path` (the URL path as sent, percent-encoded, without
    /// query). `/` and `dir/` mean `index.html`; `dir` without a slash is redirected to
    /// `dir/` so relative links resolve; anything unknown gets the site's `404.html`.
    pub fn reply(&self, raw_path: &str) -> Reply<'_> {
        let Some(path) = decode_path(raw_path) else {
            return self.not_found();
        };
        if self.files.is_empty() {
            return self.placeholder();
        }
        let wanted = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        match self.files.get(&wanted) {
            Some(Fetched::Bytes(bytes)) => return self.file(200, &wanted, bytes),
            Some(Fetched::Refused(findings)) => return self.refused(&findings),
            None => {}
        }
        if !path.is_empty() && self.files.contains(&format!("{path}/index.html")) {
            return Reply {
                status: 301,
                content_type: "text/plain; charset=utf-8",
                body: Cow::Borrowed(b"moved"),
                location: Some(format!("{raw_path}/")),
            };
        }
        self.not_found()
    }

    /// A page that may not be shown (a leak found when it was rendered, a template
    /// error): what is wrong, in the overlay.
    fn refused(&self, findings: &Findings) -> Reply<'_> {
        let page = format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
             <title>本页不能显示</title><body><h1>本页不能显示</h1>\
             <p>生成本页时发现下面的问题，正式生成（gongkai build）也会因此停止。请按说明修改，保存后本页会自动刷新。</p>\
             {}</body></html>",
            super::overlay::overlay_html(findings)
        );
        Reply {
            status: 500,
            content_type: "text/html; charset=utf-8",
            body: Cow::Owned(self.inject(page.as_bytes())),
            location: None,
        }
    }

    fn not_found(&self) -> Reply<'_> {
        match self.files.get("404.html") {
            Some(Fetched::Bytes(bytes)) => self.file(404, "404.html", bytes),
            Some(Fetched::Refused(findings)) => self.refused(&findings),
            None => Reply {
                status: 404,
                content_type: "text/html; charset=utf-8",
                body: Cow::Owned(
                    self.inject(
                        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
                     <title>找不到页面</title><body><h1>找不到页面</h1>\
                     <p><a href=\"/\">返回首页</a></p></body></html>"
                            .as_bytes(),
                    ),
                ),
                location: None,
            },
        }
    }

    /// Before the first good build: a page that says so, with the overlay.
    fn placeholder(&self) -> Reply<'_> {
        let page = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
                    <title>网站尚未生成</title><body><h1>网站尚未生成</h1>\
                    <p>检查发现错误，网站还没有生成过。请按下面列出的问题修改，保存后本页会自动刷新。</p>\
                    </body></html>";
        Reply {
            status: 503,
            content_type: "text/html; charset=utf-8",
            body: Cow::Owned(self.inject(page.as_bytes())),
            location: None,
        }
    }

    fn file<'a>(&'a self, status: u16, path: &str, bytes: Cow<'a, [u8]>) -> Reply<'a> {
        let content_type = content_type(path);
        let body = if content_type.starts_with("text/html") {
            Cow::Owned(self.inject(&bytes))
        } else {
            bytes
        };
        Reply {
            status,
            content_type,
            body,
            location: None,
        }
    }

    /// The page with the overlay (if any) and the live-reload script inserted before
    /// its last `</body>` (or at the end when there is none). Only resources from this
    /// server are referenced, so a Content-Security-Policy of `'self'` still holds.
    pub fn inject(&self, page: &[u8]) -> Vec<u8> {
        let mut tail = String::new();
        tail.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{PREFIX}overlay.css\">"
        ));
        if let Some(overlay) = &self.overlay {
            tail.push_str(overlay);
        }
        tail.push_str(&format!(
            "<script src=\"{PREFIX}livereload.js\" data-generation=\"{}\"></script>",
            self.generation
        ));
        let at = rfind_ascii_case_insensitive(page, b"</body>").unwrap_or(page.len());
        let mut out = Vec::with_capacity(page.len() + tail.len());
        out.extend_from_slice(&page[..at]);
        out.extend_from_slice(tail.as_bytes());
        out.extend_from_slice(&page[at..]);
        out
    }
}

/// The URL path without its leading slash, percent-decoded. `None` for paths that are
/// not UTF-8 or that try to climb out (`..`), or that contain a backslash or NUL.
pub fn decode_path(raw: &str) -> Option<String> {
    let raw = raw.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let path = decoded.trim_start_matches('/');
    if path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
        || path.contains("//")
    {
        return None;
    }
    Some(path.to_string())
}

/// The Content-Type of an output file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn rfind_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(files: &[(&str, &str)], overlay: Option<&str>) -> SiteSnapshot {
        SiteSnapshot {
            generation: 7,
            files: Arc::new(SiteFiles::new(
                files
                    .iter()
                    .map(|(path, text)| OutputFile {
                        path: path.to_string(),
                        bytes: text.as_bytes().to_vec(),
                        source: None,
                    })
                    .collect(),
            )),
            overlay: overlay.map(Arc::from),
        }
    }

    fn text(reply: &Reply<'_>) -> String {
        String::from_utf8(reply.body.to_vec()).unwrap()
    }

    #[test]
    fn index_and_directories() {
        let s = snapshot(
            &[
                ("index.html", "<html><body>首页</body></html>"),
                ("months/2025-01/index.html", "<body>一月</BODY>"),
                ("assets/site.css", "body{}"),
            ],
            None,
        );
        let home = s.reply("/");
        assert_eq!(home.status, 200);
        assert!(text(&home).contains("首页"));
        assert!(text(&home).ends_with("</body></html>"));
        assert!(text(&home).contains("data-generation=\"7\""));
        let month = s.reply("/months/2025-01/");
        assert!(text(&month).contains("一月<link"), "{}", text(&month));
        let redirect = s.reply("/months/2025-01");
        assert_eq!(redirect.status, 301);
        assert_eq!(redirect.location.as_deref(), Some("/months/2025-01/"));
        let css = s.reply("/assets/site.css?v=1");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        assert_eq!(css.body.as_ref(), b"body{}");
    }

    #[test]
    fn percent_encoded_chinese_paths() {
        let s = snapshot(&[("villages/甲村/index.html", "<body>甲村</body>")], None);
        let reply = s.reply("/villages/%E7%94%B2%E6%9D%91/");
        assert_eq!(reply.status, 200);
        assert!(text(&reply).contains("甲村"));
    }

    #[test]
    fn unknown_gets_site_404_with_status() {
        let s = snapshot(
            &[
                ("index.html", "<body>x</body>"),
                ("404.html", "<body>没有这个页面</body>"),
            ],
            None,
        );
        let reply = s.reply("/nope.html");
        assert_eq!(reply.status, 404);
        assert!(text(&reply).contains("没有这个页面"));
        assert_eq!(s.reply("/../etc/passwd").status, 404);
        assert_eq!(s.reply("/a/%2e%2e/index.html").status, 404);
    }

    #[test]
    fn overlay_goes_into_html_only() {
        let s = snapshot(
            &[("index.html", "<body>x</body>"), ("data/a.csv", "a,b")],
            Some("<aside id=\"gongkai-overlay\">错误</aside>"),
        );
        assert!(text(&s.reply("/")).contains("gongkai-overlay"));
        assert_eq!(s.reply("/data/a.csv").body.as_ref(), b"a,b");
    }

    #[test]
    fn placeholder_before_first_good_build() {
        let s = snapshot(&[], Some("<aside>错误</aside>"));
        let reply = s.reply("/anything/");
        assert_eq!(reply.status, 503);
        assert!(text(&reply).contains("网站尚未生成"));
        assert!(text(&reply).contains("<aside>错误</aside>"));
    }

    #[test]
    fn page_without_body_tag_gets_script_at_end() {
        let s = snapshot(&[], None);
        let out = String::from_utf8(s.inject(b"<p>x")).unwrap();
        assert!(out.starts_with("<p>x<link"));
        assert!(out.ends_with("</script>"));
    }
}
