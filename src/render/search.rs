//! Site search: a Pagefind index of every published page, and the search page.
//!
//! [`index`] feeds the rendered HTML pages (only published material is ever rendered,
//! so only published material is indexed) to the `pagefind` crate used as a library
//! and returns its bundle as output files under [`BUNDLE_DIR`]. Pagefind's `extended`
//! feature segments Chinese text into words, so a two-character query such as `液氨`
//! finds the page that mentions it. Templates mark what is indexed with
//! `data-pagefind-body` and the hazard facts readers filter by with
//! `data-pagefind-filter` (月份, 村（社区）, 行业领域, 整改状态).
//!
//! [`page`] is the search page. Pagefind's UI (from the crate's bundled assets, never a
//! CDN) is progressive enhancement: without JavaScript the page offers the month,
//! village and sector indexes instead. Pagefind runs WebAssembly, so the search page,
//! and only it, allows `'wasm-unsafe-eval'` in its Content-Security-Policy
//! (`csp_wasm` in the template context).
//!
//! Pages are added one by one in path order, so the index is the same bytes for the
//! same site. Pagefind parses pages one at a time behind its own lock; at town scale
//! (a few thousand pages) indexing costs a few seconds of a build.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::pages::{PageJob, Section, SiteContext};
use super::{urls, OutputFile, RenderError};

/// The search page.
pub const SEARCH_PAGE: &str = "search/index.html";

/// The folder of the Pagefind bundle (index, fragments, WebAssembly, UI script).
pub const BUNDLE_DIR: &str = "pagefind";

/// The theme's script that starts Pagefind's UI on the search page.
pub const SEARCH_SCRIPT: &str = "search.js";

/// The theme's styles for Pagefind's UI (text size, touch targets, focus ring).
pub const SEARCH_STYLE: &str = "search.css";

/// A labelled link of the no-JavaScript fallback.
#[derive(Debug, Clone, Serialize)]
struct Link {
    label: String,
    path: String,
}

/// The search page. Its context adds `months`, `villages` and `sectors` (links for
/// readers without JavaScript), `pagefind_css`, `pagefind_js`, `search_css`, `search_js` and
/// `csp_wasm`.
pub fn page(ctx: &SiteContext) -> PageJob<'static> {
    let site = ctx.site;
    let mut c = ctx.context(SEARCH_PAGE, "站内搜索", Section::Other, Vec::new());
    let months: Vec<Link> = site
        .months
        .iter()
        .rev()
        .map(|m| Link {
            label: m.month.to_chinese(),
            path: urls::month_path(m.month),
        })
        .collect();
    // Villages and sectors as the group pages have them: every hazard under the
    // value of its latest listing, blank as 未填写.
    let mut villages = BTreeSet::new();
    let mut sectors = BTreeSet::new();
    for id in site.hazards.keys() {
        if let Some(entry) = ctx.latest_entry(id) {
            villages.insert(group_name(entry.record.locality.as_deref()));
            sectors.insert(group_name(entry.record.sector.as_deref()));
        }
    }
    let links = |names: BTreeSet<String>, path: fn(&str) -> String| -> Vec<Link> {
        names
            .into_iter()
            .map(|name| Link {
                path: path(&name),
                label: name,
            })
            .collect()
    };
    c.insert("months", &months);
    c.insert("villages", &links(villages, urls::village_path));
    c.insert("sectors", &links(sectors, urls::sector_path));
    c.insert("pagefind_css", &format!("{BUNDLE_DIR}/pagefind-ui.css"));
    c.insert("pagefind_js", &format!("{BUNDLE_DIR}/pagefind-ui.js"));
    c.insert("search_css", &urls::asset_path(SEARCH_STYLE));
    c.insert("search_js", &urls::asset_path(SEARCH_SCRIPT));
    c.insert("csp_wasm", &true);
    ctx.job(
        SEARCH_PAGE.to_string(),
        "search.html",
        "站内搜索页".to_string(),
        c,
    )
}

/// A village or sector name as the group pages key it.
fn group_name(value: Option<&str>) -> String {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(crate::model::UNFILLED)
        .to_string()
}

/// Whether an output file is a page to index: HTML, not the 404 page (served for any
/// missing URL) and not the search page itself.
fn is_indexed(path: &str) -> bool {
    path.ends_with(".html") && path != urls::NOT_FOUND && path != SEARCH_PAGE
}

/// Indexes the HTML pages among `files` and returns Pagefind's bundle, paths under
/// [`BUNDLE_DIR`], sorted.
pub fn index(files: &[OutputFile]) -> Result<Vec<OutputFile>, RenderError> {
    let mut pages: Vec<&OutputFile> = files.iter().filter(|f| is_indexed(&f.path)).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));

    // Pagefind's API is async; a current-thread runtime is enough (its parsing runs on
    // tokio's blocking pool one page at a time, its index build on rayon).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|err| search_error(format!("无法启动索引程序：{err}")))?;
    let bundle = runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("zh-cn".to_string())
            .build();
        let mut pf = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|err| search_error(err.to_string()))?;
        let started = std::time::Instant::now();
        for page in &pages {
            let html = String::from_utf8_lossy(&page.bytes).into_owned();
            pf.add_html_file(None, Some(format!("/{}", page.path)), html)
                .await
                .map_err(|err| search_error(format!("页面 {}：{err}", page.path)))?;
        }
        let parsed = started.elapsed();
        let files = pf
            .get_files()
            .await
            .map_err(|err| search_error(err.to_string()));
        if std::env::var_os("GONGKAI_TIMINGS").is_some() {
            eprintln!(
                "search: {} pages parsed in {parsed:.2?}, index built in {:.2?}",
                pages.len(),
                started.elapsed() - parsed
            );
        }
        files
    })?;

    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for file in bundle {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        let name = name.trim_start_matches("./").trim_start_matches('/');
        // Drop the parts of the bundle the site does not use: the playground (a
        // developer tool) and the alternative UIs.
        if name.starts_with("playground/")
            || name.contains("modular-ui")
            || name.contains("component-ui")
        {
            continue;
        }
        out.insert(format!("{BUNDLE_DIR}/{name}"), file.contents);
    }
    Ok(out
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path,
            bytes,
            source: None,
        })
        .collect())
}

fn search_error(detail: String) -> RenderError {
    RenderError::Search { detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: format!(
                "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>t</title></head>\
                 <body><nav>导航</nav><main data-pagefind-body>{body}</main></body></html>"
            )
            .into_bytes(),
            source: None,
        }
    }

    fn site() -> Vec<OutputFile> {
        vec![
            page(
                "hazards/NZ-001/index.html",
                "<h1>液氨储罐未设置泄漏报警</h1><p data-pagefind-filter=\"整改状态\">整改中</p>",
            ),
            page("notices/a/index.html", "<h1>关于燃气安全的通知</h1>"),
            page("404.html", "<h1>找不到页面</h1>"),
            page(SEARCH_PAGE, "<h1>站内搜索</h1>"),
        ]
    }

    #[test]
    fn bundle_has_index_ui_and_wasm() {
        let files = index(&site()).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for expected in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-ui.js",
            "pagefind/pagefind-ui.css",
            "pagefind/pagefind-entry.json",
        ] {
            assert!(names.contains(&expected), "{expected} missing: {names:?}");
        }
        assert!(names.iter().any(|n| n.ends_with(".pf_fragment")));
        assert!(names.iter().any(|n| n.ends_with(".pf_index")));
        assert!(names.iter().any(|n| n.ends_with(".pf_filter")));
        assert!(
            names.contains(&"pagefind/wasm.unknown.pagefind"),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n.contains("playground")));
        let entry = files
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .unwrap();
        let entry: serde_json::Value = serde_json::from_slice(&entry.bytes).unwrap();
        // Two pages indexed: the 404 and search pages are left out.
        assert_eq!(entry["languages"]["zh-cn"]["page_count"], 2, "{entry}");
    }

    #[test]
    fn same_pages_same_bytes_in_any_order() {
        let a = index(&site()).unwrap();
        let mut reversed = site();
        reversed.reverse();
        let b = index(&reversed).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.path, y.path);
            assert!(x.bytes == y.bytes, "{} differs between builds", x.path);
        }
    }

    #[test]
    fn only_pages_are_indexed() {
        assert!(is_indexed("hazards/NZ-001/index.html"));
        assert!(!is_indexed("404.html"));
        assert!(!is_indexed(SEARCH_PAGE));
        assert!(!is_indexed("data/2024-05.csv"));
        assert!(!is_indexed("feed.xml"));
    }
}
