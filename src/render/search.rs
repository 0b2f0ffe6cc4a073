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
use crate::hazard::HazardRecord;
use crate::model::{Disclosure, HazardHistory};

/// The language of the whole index: Pagefind segments Chinese text into words only
/// when it knows the text is Chinese.
const LANGUAGE: &str = "zh-cn";

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

/// Whether the rendered page at `path` is indexed from its HTML: notices, standing
/// pages, task lists and the hotline page (few and small, their text is the body a
/// reader searches). Hazards are indexed from the model instead ([`index`]), and the
/// month, village, sector, list and index pages only repeat hazards, so none of them
/// is read. The build keeps only pages this says yes to while it renders.
pub fn indexes_html(path: &str) -> bool {
    if path == urls::HOTLINE {
        return true;
    }
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["pages" | "tasks", slug, "index.html"] => !slug.is_empty(),
        // `notices/page-2/` is a page of the notice index, `notices/category/…` a
        // category list: neither is a notice.
        ["notices", slug, "index.html"] => {
            !slug.is_empty() && *slug != "category" && !is_pagination(slug)
        }
        _ => false,
    }
}

/// `page-<n>`: a later page of the notice index.
fn is_pagination(segment: &str) -> bool {
    segment
        .strip_prefix("page-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The paths of the pages [`index`] reads as HTML: every published notice, standing
/// page and task list of `site`, and the hotline page.
fn html_paths(site: &Disclosure) -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = site
        .notices
        .iter()
        .filter(|n| n.is_published())
        .map(|n| urls::notice_path(&n.slug))
        .collect();
    paths.extend(site.pages.iter().map(|p| urls::page_path(&p.slug)));
    paths.extend(site.tasks.iter().map(|t| urls::task_path(&t.slug)));
    paths.insert(urls::HOTLINE.to_string());
    paths.retain(|p| indexes_html(p));
    paths
}

/// One search record of a hazard: its page, the short text residents search by, what
/// the result shows and the filters of the search page.
#[derive(Debug, Clone, PartialEq)]
struct SearchRecord {
    url: String,
    content: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

/// The search record of each hazard, in id order: one per hazard page, from the
/// hazard's latest listing (the state its page shows), with every month it was listed
/// in as the 月份 filter. Built only from published fields; a record's withheld values
/// are never read.
fn hazard_records(site: &Disclosure) -> Vec<SearchRecord> {
    site.hazards
        .values()
        .filter_map(|history| {
            let entry = site.entry(history.latest_month, &history.id)?;
            Some(hazard_record(history, &entry.record))
        })
        .collect()
}

fn hazard_record(history: &HazardHistory, r: &HazardRecord) -> SearchRecord {
    let village = group_name(r.locality.as_deref());
    let sector = group_name(r.sector.as_deref());
    let status = r.status.label();
    let title = format!("{} {}", r.id, r.title);
    // The excerpt Pagefind shows is cut from this text, so it reads as a sentence:
    // what, where, and how far its rectification has come.
    let mut content = format!(
        "{title}。单位：{}。所在村（社区）：{village}。行业领域：{sector}。整改状态：{status}。",
        r.unit
    );
    if let Some(progress) = r
        .progress
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        content.push_str(&format!("整改进度：{progress}。"));
    }
    let months: Vec<String> = history
        .points
        .iter()
        .map(|p| p.month.to_chinese())
        .collect();
    let filters = BTreeMap::from([
        ("月份".to_string(), months),
        ("村（社区）".to_string(), vec![village]),
        ("行业领域".to_string(), vec![sector]),
        ("整改状态".to_string(), vec![status.to_string()]),
    ]);
    SearchRecord {
        url: format!("/{}", urls::hazard_path(&r.id)),
        content,
        meta: BTreeMap::from([("title".to_string(), title)]),
        filters,
    }
}

/// Builds the site's search index and returns Pagefind's bundle, paths under
/// [`BUNDLE_DIR`], sorted.
///
/// Every hazard of `site` is one custom record made from the model (no HTML is parsed
/// for it); of `pages`, only the notices, standing pages, task lists and hotline page
/// of `site` ([`indexes_html`]) are read as HTML, and other pages are ignored. Records
/// and pages are added in a fixed order, so the same site gives the same bytes.
pub fn index(site: &Disclosure, pages: &[OutputFile]) -> Result<Vec<OutputFile>, RenderError> {
    let wanted = html_paths(site);
    let mut pages: Vec<&OutputFile> = pages.iter().filter(|f| wanted.contains(&f.path)).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages.dedup_by(|a, b| a.path == b.path);
    let hazards = hazard_records(site);
    let timings = std::env::var_os("GONGKAI_TIMINGS").is_some();

    // Pagefind's API is async; a current-thread runtime is enough (each record is
    // processed on tokio's blocking pool behind Pagefind's own lock, one at a time, so
    // more threads would not add records faster).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|err| search_error(format!("无法启动索引程序：{err}")))?;
    let bundle = runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(LANGUAGE.to_string())
            .build();
        let mut pf = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|err| search_error(err.to_string()))?;
        let started = std::time::Instant::now();
        for record in hazards.iter().cloned() {
            let url = record.url.clone();
            pf.add_custom_record(
                record.url,
                record.content,
                LANGUAGE.to_string(),
                Some(record.meta),
                Some(record.filters),
                None,
            )
            .await
            .map_err(|err| search_error(format!("隐患页面 {url}：{err}")))?;
        }
        let records_done = started.elapsed();
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
        if timings {
            eprintln!(
                "search: {} hazard records in {records_done:.2?}, {} pages parsed in {:.2?}, \
                 index built in {:.2?}",
                hazards.len(),
                pages.len(),
                parsed - records_done,
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
    use super::super::feed::test_site::site;
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

    /// The rendered pages handed to [`index`]: the published notice, pages it must
    /// ignore (a hazard page, a month page, the 404 and search pages) and a page at the
    /// path of the unpublished notice, which must not be read either.
    fn pages() -> Vec<OutputFile> {
        vec![
            page(
                "notices/published/index.html",
                "<h1>关于燃气安全的通知</h1><p>请各村开展液化石油气排查。</p>",
            ),
            page(urls::HOTLINE, "<h1>举报电话</h1><p>12350</p>"),
            page("notices/secret/index.html", "<h1>违法行为调查处理</h1>"),
            page("hazards/NZ-001.html", "<h1>重复的隐患页面文字</h1>"),
            page("months/2024-05/index.html", "<h1>2024年5月清单</h1>"),
            page("404.html", "<h1>找不到页面</h1>"),
            page(SEARCH_PAGE, "<h1>站内搜索</h1>"),
        ]
    }

    fn entry_json(files: &[OutputFile]) -> serde_json::Value {
        let entry = files
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .expect("pagefind-entry.json");
        serde_json::from_slice(&entry.bytes).unwrap()
    }

    #[test]
    fn bundle_has_index_ui_and_wasm() {
        let files = index(&site(""), &pages()).unwrap();
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
        // Two hazards (NZ-001, NZ-002), the published notice and the hotline page; the
        // hazard and month pages, 404, search page and unpublished notice are left out.
        assert_eq!(
            entry_json(&files)["languages"]["zh-cn"]["page_count"],
            4,
            "{}",
            entry_json(&files)
        );
    }

    #[test]
    fn same_site_same_bytes_in_any_page_order() {
        let a = index(&site(""), &pages()).unwrap();
        let mut reversed = pages();
        reversed.reverse();
        let b = index(&site(""), &reversed).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.path, y.path);
            assert!(x.bytes == y.bytes, "{} differs between builds", x.path);
        }
    }

    #[test]
    fn hazard_record_holds_latest_state_and_every_month() {
        let disclosure = site("");
        let records = hazard_records(&disclosure);
        let urls: Vec<&str> = records.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["/hazards/NZ-001.html", "/hazards/NZ-002.html"]);
        let first = &records[0];
        assert_eq!(first.meta["title"], "NZ-001 隐患 NZ-001 <消防> & \"通道\"");
        for part in [
            "NZ-001",
            "某某煤业有限公司",
            "东庄村",
            "煤矿",
            "整改中",
            "-进行中",
        ] {
            assert!(first.content.contains(part), "{part}: {}", first.content);
        }
        // Listed in April (未整改) and May (整改中): the May state, both months.
        assert!(!first.content.contains("未整改"), "{}", first.content);
        assert_eq!(first.filters["月份"], ["2024年4月", "2024年5月"]);
        assert_eq!(first.filters["村（社区）"], ["东庄村"]);
        assert_eq!(first.filters["行业领域"], ["煤矿"]);
        assert_eq!(first.filters["整改状态"], ["整改中"]);
        assert_eq!(records[1].filters["整改状态"], ["已整改"]);
        assert_eq!(records[1].filters["月份"], ["2024年5月"]);
    }

    #[test]
    fn hazard_record_never_holds_withheld_or_unpublished_fields() {
        // The test records carry a reporter's name and phone number as withheld
        // values, and an owner and notes that are published but not searched by.
        for record in hazard_records(&site("")) {
            let all = format!("{} {:?} {:?}", record.content, record.meta, record.filters);
            for private in ["李四举报人", "13912345678"] {
                assert!(!all.contains(private), "{private} in {all}");
            }
        }
    }

    #[test]
    fn blank_village_and_sector_are_filtered_as_unfilled() {
        let mut disclosure = site("");
        for month in &mut disclosure.months {
            for entry in &mut month.entries {
                entry.record.locality = None;
                entry.record.sector = Some("  ".to_string());
            }
        }
        let records = hazard_records(&disclosure);
        assert_eq!(records[0].filters["村（社区）"], [crate::model::UNFILLED]);
        assert_eq!(records[0].filters["行业领域"], [crate::model::UNFILLED]);
    }

    #[test]
    fn only_notices_standing_pages_tasks_and_hotline_are_read_as_html() {
        for yes in [
            "notices/guanyu-ranqi/index.html",
            "pages/zhinan/index.html",
            "tasks/2024-zhuanxiang/index.html",
            urls::HOTLINE,
        ] {
            assert!(indexes_html(yes), "{yes}");
        }
        for no in [
            "hazards/NZ-001.html",
            "months/2024-05/index.html",
            "months/2024-05/list-2/index.html",
            "villages/dongzhuang/index.html",
            "sectors/meikuang/index.html",
            "notices/index.html",
            "notices/page-2/index.html",
            "notices/category/tongzhi/index.html",
            urls::HOME,
            urls::DISCLOSURE,
            urls::DATA,
            urls::NOT_FOUND,
            SEARCH_PAGE,
            "feed.xml",
        ] {
            assert!(!indexes_html(no), "{no}");
        }
        // Of the notices, only the site's published ones.
        let paths = html_paths(&site(""));
        assert!(paths.contains("notices/published/index.html"));
        assert!(!paths.contains("notices/secret/index.html"));
        assert!(!paths.contains("notices/draft/index.html"));
    }
}
