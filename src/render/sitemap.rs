//! `sitemap.xml` and `robots.txt`.
//!
//! The sitemap protocol wants absolute URLs, so they are made from `base_url`; a site
//! without one still gets a sitemap, with URLs relative to the output root, and a
//! robots.txt that says how to complete it. `lastmod` comes from the content (a month's
//! disclosure day, a notice's date), never from the clock.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::model::Disclosure;

use super::charts::xml_escape;
use super::urls;
use super::OutputFile;

/// The most URLs one sitemap file may list (the sitemap protocol's limit; a province
/// has more hazard pages than that).
const MAX_URLS: usize = 50_000;

/// `sitemap.xml` (every page in `html_paths` except the 404 page, sorted, without
/// duplicates) and `robots.txt` (allows everything, names the sitemap). Beyond
/// 50,000 pages `sitemap.xml` is a sitemap index of `sitemap-1.xml`, `sitemap-2.xml`, …
pub fn render(site: &Disclosure, html_paths: &[String]) -> Vec<OutputFile> {
    render_parts(site, html_paths, MAX_URLS)
}

fn render_parts(site: &Disclosure, html_paths: &[String], max_urls: usize) -> Vec<OutputFile> {
    let base = site.config.base_url.trim();
    let url = |path: &str| {
        if base.is_empty() {
            urls::href("", path)
        } else {
            urls::absolute(base, path)
        }
    };
    let dates = last_modified(site);
    let paths: BTreeSet<&str> = html_paths
        .iter()
        .map(String::as_str)
        .filter(|p| p.ends_with(".html") && *p != urls::NOT_FOUND)
        .collect();

    let paths: Vec<&str> = paths.into_iter().collect();
    let urlset = |paths: &[&str]| {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in paths {
            let _ = write!(xml, "  <url><loc>{}</loc>", xml_escape(&url(path)));
            if let Some(date) = dates.get(*path) {
                let _ = write!(xml, "<lastmod>{}</lastmod>", date.format("%Y-%m-%d"));
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    };
    let mut files = Vec::new();
    let xml = if paths.len() <= max_urls.max(1) {
        urlset(&paths)
    } else {
        // A sitemap index naming one file per 50,000 pages, each with the latest
        // content date of its pages.
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (n, part) in paths.chunks(max_urls.max(1)).enumerate() {
            let name = format!("sitemap-{}.xml", n + 1);
            let _ = write!(index, "  <sitemap><loc>{}</loc>", xml_escape(&url(&name)));
            if let Some(date) = part.iter().filter_map(|p| dates.get(*p)).max() {
                let _ = write!(index, "<lastmod>{}</lastmod>", date.format("%Y-%m-%d"));
            }
            index.push_str("</sitemap>\n");
            files.push(OutputFile {
                path: name,
                bytes: urlset(part).into_bytes(),
                source: None,
            });
        }
        index.push_str("</sitemapindex>\n");
        index
    };

    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if base.is_empty() {
        robots.push_str(
            "# 在 site.toml 中填写 base_url（网站的完整网址）后，这里会给出站点地图的完整地址。\n",
        );
    } else {
        let _ = writeln!(robots, "Sitemap: {}", url(urls::SITEMAP));
    }

    let mut out = vec![
        OutputFile {
            path: urls::SITEMAP.to_string(),
            bytes: xml.into_bytes(),
            source: None,
        },
        OutputFile {
            path: urls::ROBOTS.to_string(),
            bytes: robots.into_bytes(),
            source: None,
        },
    ];
    out.extend(files);
    out
}

/// The content date of the pages that have one: month pages (the disclosure day),
/// hazard pages (the disclosure day of the latest month listing the hazard), notices
/// (成文日期) and dated standing pages. The home page and the disclosure index change
/// with the latest month.
fn last_modified(site: &Disclosure) -> BTreeMap<String, NaiveDate> {
    let mut dates = BTreeMap::new();
    for month in &site.months {
        dates.insert(urls::month_path(month.month), month.due);
    }
    for history in site.hazards.values() {
        if let Some(month) = site.month(history.latest_month) {
            dates.insert(urls::hazard_path(&history.id), month.due);
        }
    }
    for notice in site.notices.iter().filter(|n| n.is_published()) {
        dates.insert(urls::notice_path(&notice.slug), notice.date);
    }
    for page in &site.pages {
        if let Some(date) = page.date {
            dates.insert(urls::page_path(&page.slug), date);
        }
    }
    let latest_notice = site.notices.iter().map(|n| n.date).max();
    let latest_month = site.latest().map(|m| m.due);
    if let Some(due) = latest_month {
        dates.insert(urls::DISCLOSURE.to_string(), due);
    }
    if let Some(home) = latest_month.max(latest_notice) {
        dates.insert(urls::HOME.to_string(), home);
    }
    if let Some(date) = latest_notice {
        dates.insert(urls::NOTICES.to_string(), date);
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::super::feed::test_site::site;
    use super::*;

    fn paths() -> Vec<String> {
        [
            "notices/published/index.html",
            "index.html",
            "404.html",
            "months/2024-05/index.html",
            "villages/东庄村/index.html",
            "index.html",
            "assets/site.css",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn texts(base_url: &str) -> (String, String) {
        let files = render(&site(base_url), &paths());
        assert_eq!(files[0].path, "sitemap.xml");
        assert_eq!(files[1].path, "robots.txt");
        (
            String::from_utf8(files[0].bytes.clone()).unwrap(),
            String::from_utf8(files[1].bytes.clone()).unwrap(),
        )
    }

    #[test]
    fn sorted_absolute_deduplicated() {
        let (xml, robots) = texts("https://www.example.gov.cn/nz/aqsc");
        let locs: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.split("<loc>").nth(1))
            .map(|l| l.split("</loc>").next().unwrap())
            .collect();
        assert_eq!(
            locs,
            [
                "https://www.example.gov.cn/nz/aqsc/index.html",
                "https://www.example.gov.cn/nz/aqsc/months/2024-05/index.html",
                "https://www.example.gov.cn/nz/aqsc/notices/published/index.html",
                "https://www.example.gov.cn/nz/aqsc/villages/%E4%B8%9C%E5%BA%84%E6%9D%91/index.html",
            ]
        );
        assert!(xml.contains("months/2024-05/index.html</loc><lastmod>2024-05-25</lastmod>"));
        assert!(xml.contains("notices/published/index.html</loc><lastmod>2024-05-20</lastmod>"));
        assert!(!xml.contains("404"));
        assert!(robots.contains("User-agent: *\nAllow: /\n"));
        assert!(robots.contains("Sitemap: https://www.example.gov.cn/nz/aqsc/sitemap.xml\n"));
    }

    #[test]
    fn beyond_the_limit_an_index_of_parts() {
        let files = render_parts(&site("https://x.gov.cn/a"), &paths(), 3);
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "robots.txt",
                "sitemap-1.xml",
                "sitemap-2.xml"
            ]
        );
        let text = |i: usize| String::from_utf8(files[i].bytes.clone()).unwrap();
        let index = text(0);
        assert!(index.contains("<sitemapindex"), "{index}");
        // The first part has dated pages (its latest date is the index's lastmod); the
        // second holds only the village page, which has none.
        assert!(
            index.contains(
                "<loc>https://x.gov.cn/a/sitemap-1.xml</loc><lastmod>2024-05-25</lastmod>"
            ),
            "{index}"
        );
        assert!(index.contains("<loc>https://x.gov.cn/a/sitemap-2.xml</loc></sitemap>"));
        // Four pages: three in the first part, one in the second, none lost.
        assert_eq!(text(2).matches("<url>").count(), 3);
        assert_eq!(text(3).matches("<url>").count(), 1);
        assert!(text(1).contains("Sitemap: https://x.gov.cn/a/sitemap.xml"));
        // At the limit exactly, one plain sitemap.
        let files = render_parts(&site("https://x.gov.cn/a"), &paths(), 4);
        assert_eq!(files.len(), 2);
        assert!(String::from_utf8(files[0].bytes.clone())
            .unwrap()
            .contains("<urlset"));
    }

    #[test]
    fn without_base_url() {
        let (xml, robots) = texts("");
        assert!(xml.contains("<loc>months/2024-05/index.html</loc>"));
        assert!(!robots.contains("Sitemap:"));
    }

    #[test]
    fn escapes_ampersands() {
        let files = render(&site("https://x.gov.cn/?a=1&b=2"), &paths());
        let xml = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert!(!xml.contains("&b"), "{xml}");
        assert!(xml.contains("&amp;"));
    }
}
