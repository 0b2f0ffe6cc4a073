//! Notices: the paginated index, one page per category, one page per notice with the
//! metadata block of government portals, and the standing pages. Only published
//! notices (主动公开, not draft) and non-draft pages get here.

use std::collections::BTreeMap;

use serde::Serialize;

use super::month::{notice_items, NoticeItem};
use super::{Crumb, PageJob, Section, SiteContext};
use crate::render::markdown;
use crate::render::urls;
use crate::render::views::DateView;

/// One link of the pagination.
#[derive(Debug, Clone, Serialize)]
struct PageNumber {
    number: usize,
    path: String,
    current: bool,
}

/// The pagination of a list.
#[derive(Debug, Clone, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageNumber>,
}

/// A category with its notice count.
#[derive(Debug, Clone, Serialize)]
struct CategoryLink {
    name: String,
    path: String,
    count: usize,
    current: bool,
}

/// The metadata block (索引号, 发布机构, 成文日期, 文号, 公开方式, 主题分类).
#[derive(Debug, Clone, Serialize)]
struct NoticeMeta {
    index_number: Option<String>,
    issuer: String,
    date: DateView,
    doc_number: Option<String>,
    disclosure: &'static str,
    category: String,
    category_path: String,
}

/// Notice index pages, category pages, notice pages and standing pages.
pub fn pages<'a>(ctx: &SiteContext<'a>) -> Vec<PageJob<'a>> {
    let items = notice_items(ctx.site);
    let mut by_category: BTreeMap<String, Vec<NoticeItem>> = BTreeMap::new();
    for item in &items {
        by_category
            .entry(item.category.clone())
            .or_default()
            .push(item.clone());
    }
    let categories = |current: Option<&str>| -> Vec<CategoryLink> {
        by_category
            .iter()
            .map(|(name, list)| CategoryLink {
                name: name.clone(),
                path: urls::notice_category_path(name),
                count: list.len(),
                current: Some(name.as_str()) == current,
            })
            .collect()
    };
    let mut jobs = list_pages(ctx, &items, None, &categories(None));
    for (name, list) in &by_category {
        jobs.extend(list_pages(ctx, list, Some(name), &categories(Some(name))));
    }
    jobs.extend(notice_pages(ctx));
    jobs.extend(standing_pages(ctx));
    jobs
}

/// The pages of one list (all notices, or one category), `notices_per_page` a page.
fn list_pages(
    ctx: &SiteContext,
    items: &[NoticeItem],
    category: Option<&str>,
    categories: &[CategoryLink],
) -> Vec<PageJob<'static>> {
    let per_page = ctx.notices_per_page;
    let total = items.len().div_ceil(per_page).max(1);
    let path_of = |n: usize| match category {
        None => urls::notices_page_path(n),
        Some(name) if n <= 1 => urls::notice_category_path(name),
        Some(name) => {
            let first = urls::notice_category_path(name);
            let folder = first.trim_end_matches("index.html");
            format!("{folder}page-{n}/index.html")
        }
    };
    (1..=total)
        .map(|n| {
            let path = path_of(n);
            let base_title = match category {
                None => "通知公告".to_string(),
                Some(name) => name.to_string(),
            };
            let title = if n > 1 {
                format!("{base_title}（第{n}页）")
            } else {
                base_title
            };
            let mut crumbs = Vec::new();
            if category.is_some() {
                crumbs.push(Crumb::link("通知公告", urls::NOTICES));
            }
            let mut c = ctx.context(&path, &title, Section::Notices, crumbs);
            let start = (n - 1) * per_page;
            let page_items: Vec<&NoticeItem> = items.iter().skip(start).take(per_page).collect();
            let pagination = Pagination {
                current: n,
                total,
                prev: (n > 1).then(|| path_of(n - 1)),
                next: (n < total).then(|| path_of(n + 1)),
                pages: (1..=total)
                    .map(|i| PageNumber {
                        number: i,
                        path: path_of(i),
                        current: i == n,
                    })
                    .collect(),
            };
            c.insert("notices", &page_items);
            c.insert("category", &category);
            c.insert("categories", categories);
            c.insert("pagination", &pagination);
            let what = match category {
                None => format!("通知公告目录第{n}页"),
                Some(name) => format!("栏目「{name}」第{n}页"),
            };
            ctx.job(path, "notices.html", what, c)
        })
        .collect()
}

/// One page per published notice. The Markdown is turned into HTML when the page is
/// rendered, not when the site is planned (the preview plans on every change).
fn notice_pages<'a>(ctx: &SiteContext<'a>) -> Vec<PageJob<'a>> {
    ctx.site
        .notices
        .iter()
        .filter(|n| n.is_published())
        .map(|notice| {
            let path = urls::notice_path(&notice.slug);
            let page_path = path.clone();
            let mut job = PageJob::lazy(
                path,
                "notice.html",
                format!("通知 {}", notice.path.display()),
                move |ctx| {
                    let category_path = urls::notice_category_path(&notice.category);
                    let mut c = ctx.framed(
                        &page_path,
                        &notice.title,
                        Section::Notices,
                        vec![
                            Crumb::link("通知公告", urls::NOTICES),
                            Crumb::link(notice.category.clone(), category_path.clone()),
                        ],
                    );
                    let meta = NoticeMeta {
                        index_number: notice.index_number.clone(),
                        issuer: notice.issuer.clone(),
                        date: DateView::new(notice.date),
                        doc_number: notice.doc_number.clone(),
                        disclosure: "主动公开",
                        category: notice.category.clone(),
                        category_path,
                    };
                    c.insert("meta", &meta);
                    c.insert(
                        "body",
                        &markdown::to_html_for_page(&notice.body, &page_path, &notice.attachments),
                    );
                    c
                },
            );
            job.source = Some(notice.path.clone());
            job
        })
        .collect()
}

fn standing_pages(ctx: &SiteContext) -> Vec<PageJob<'static>> {
    ctx.site
        .pages
        .iter()
        .filter(|p| !p.draft)
        .map(|page| {
            let path = urls::page_path(&page.slug);
            let mut c = ctx.context(&path, &page.title, Section::Other, Vec::new());
            c.insert("date", &DateView::opt(page.date));
            c.insert("body", &markdown::to_html_for_page(&page.body, &path, &[]));
            let mut job = ctx.job(
                path,
                "page.html",
                format!("页面 {}", page.path.display()),
                c,
            );
            job.source = Some(page.path.clone());
            job
        })
        .collect()
}
