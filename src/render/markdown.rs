//! Markdown bodies of notices and standing pages → safe HTML.
//!
//! pulldown-cmark renders (tables, footnotes, strikethrough on); ammonia then removes
//! everything a notice must not carry into the site: scripts, event handlers, `style`
//! attributes (the CSP forbids them anyway), iframes, forms, `javascript:` and `data:`
//! URLs, and images from other hosts (the site loads nothing from elsewhere).

use std::borrow::Cow;
use std::sync::OnceLock;

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders Markdown to sanitised HTML. Headings are moved one level down (`#` → `<h2>`)
/// because the page template already has the one `<h1>`: the notice title.
pub fn to_html(markdown: &str) -> String {
    to_html_linked(markdown, |_| None)
}

/// [`to_html`] for a page at `page_path` whose links to the site's own files must work
/// under any sub-path and from disk: a link to one of `attachments` goes to where it is
/// published, and any other site-absolute link (`/fujian/x.pdf`) becomes relative.
pub fn to_html_for_page(
    markdown: &str,
    page_path: &str,
    attachments: &[crate::attach::Attachment],
) -> String {
    let root = super::urls::root_of(page_path);
    to_html_linked(markdown, |dest| {
        crate::attach::rewrite(attachments, page_path, dest).or_else(|| {
            let in_site = dest
                .strip_prefix('/')
                .filter(|rest| !rest.starts_with('/'))?;
            Some(format!("{root}{in_site}"))
        })
    })
}

/// [`to_html`] with each link and image URL passed through `rewrite` (`None` keeps it).
fn to_html_linked(markdown: &str, rewrite: impl Fn(&str) -> Option<String>) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    fn relink<'a>(
        rewrite: &impl Fn(&str) -> Option<String>,
        url: pulldown_cmark::CowStr<'a>,
    ) -> pulldown_cmark::CowStr<'a> {
        match rewrite(&url) {
            Some(new) => new.into(),
            None => url,
        }
    }
    let parser = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: relink(&rewrite, dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: relink(&rewrite, dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    sanitizer().clean(&raw).to_string()
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The one sanitiser, built once (ammonia's builder is `Sync` once built).
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .add_tag_attributes("div", ["id"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_allowed_classes("div", ["footnote-definition"])
            .link_rel(Some("noopener noreferrer"))
            .attribute_filter(filter_attribute);
        builder
    })
}

/// Keeps images local and namespaces footnote anchors so a footnote called `main`
/// cannot collide with the page's own `id="main"`.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("img", "src") if !is_local(value) => None,
        ("div", "id") => Some(Cow::Owned(format!("fn-{value}"))),
        ("a", "href") if value.starts_with('#') => Some(Cow::Owned(format!("#fn-{}", &value[1..]))),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// A relative reference: no scheme, not protocol-relative (`//host/…`).
fn is_local(url: &str) -> bool {
    let url = url.trim();
    if url.starts_with("//") || url.starts_with("\\\\") {
        return false;
    }
    match url.find(':') {
        Some(colon) => url[..colon].contains(['/', '?', '#']),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_strikethrough_and_footnotes() {
        let html =
            to_html("| 村 | 数量 |\n|---|---:|\n| 东庄村 | 3 |\n\n~~旧~~ 新[^1]\n\n[^1]: 注释\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>旧</del>"), "{html}");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn headings_are_demoted() {
        let html = to_html("# 标题\n\n## 小节\n");
        assert!(html.contains("<h2>标题</h2>"), "{html}");
        assert!(html.contains("<h3>小节</h3>"), "{html}");
        assert!(!html.contains("<h1>"));
    }

    #[test]
    fn removes_dangerous_html() {
        let html = to_html(concat!(
            "<script>alert(1)</script>\n\n",
            "<p onclick=\"x()\" style=\"color:red\">文</p>\n\n",
            "<iframe src=\"https://evil.example\"></iframe>\n\n",
            "<form action=\"/x\"><input name=a></form>\n\n",
            "[点我](javascript:alert(1)) [数据](data:text/html,x)\n\n",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>\n",
        ));
        for bad in [
            "script",
            "alert",
            "onclick",
            "style",
            "iframe",
            "form",
            "input",
            "javascript",
            "data:",
        ] {
            assert!(!html.to_lowercase().contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("文"));
    }

    #[test]
    fn images_only_from_the_site() {
        let html = to_html("![本地](../img/a.png) ![外站](https://cdn.example.com/a.png) ![x](//cdn.example.com/b.png)");
        assert!(html.contains("src=\"../img/a.png\""), "{html}");
        assert!(!html.contains("cdn.example.com"), "{html}");
    }

    #[test]
    fn links_keep_safe_schemes() {
        let html = to_html("[电话](tel:12350) [邮件](mailto:a@b.cn) [网站](https://www.gov.cn/)");
        assert!(html.contains("href=\"tel:12350\""));
        assert!(html.contains("href=\"mailto:a@b.cn\""));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }
}
