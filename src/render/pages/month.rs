//! The disclosure pages: home, the index of every month, and one page per month with
//! its list, progress, results, changes and the statistics of seed 001's annex.

use std::collections::HashMap;

use serde::Serialize;

use super::month_lists::{self, in_list_order, MonthFilters};
use super::{Crumb, Framed, PageJob, Section, SiteContext};
use crate::hazard::Status;
use crate::model::HazardEntry;
use crate::model::{AnnexRow, Disclosure, FoundRectified, MonthReport};
use crate::render::charts::{bar_chart, BarChart, Series};
use crate::render::urls;
use crate::render::views::{
    status_key, DateView, GroupView, HazardRow, HazardView, Link, MonthSummary,
};

/// How many months the trend chart on the home and disclosure pages shows.
const TREND_MONTHS: usize = 12;
/// How many overdue hazards the home page lists (the month page has them all).
const HOME_OVERDUE: usize = 10;
/// How many notices the home page lists.
const HOME_NOTICES: usize = 6;
/// How many rows of the list the month page itself shows, most urgent first. The whole
/// list, in the same order, is on the month's status pages, which the month page links;
/// a county month (10,000 rows) keeps a month page a phone loads at once.
pub const MONTH_PAGE_ROWS: usize = 50;
/// How many rows the month page's progress and results tables, and each group of
/// changes since last month, show (each names its full count and where the rest are).
pub const MONTH_TABLE_ROWS: usize = 20;

/// A notice in a list.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeItem {
    pub title: String,
    pub path: String,
    pub date: DateView,
    pub category: String,
    pub category_path: String,
    pub doc_number: Option<String>,
}

/// The notice items of `site`, newest first (the model's order), published only.
pub fn notice_items(site: &Disclosure) -> Vec<NoticeItem> {
    site.notices
        .iter()
        .filter(|n| n.is_published())
        .map(|n| NoticeItem {
            title: n.title.clone(),
            path: urls::notice_path(&n.slug),
            date: DateView::new(n.date),
            category: n.category.clone(),
            category_path: urls::notice_category_path(&n.category),
            doc_number: n.doc_number.clone(),
        })
        .collect()
}

/// One row of the annex table.
#[derive(Debug, Clone, Serialize)]
struct AnnexView {
    label: String,
    cumulative: FoundRectified,
    this_month: FoundRectified,
}

impl AnnexView {
    fn new(row: &AnnexRow) -> Self {
        AnnexView {
            label: row.label.to_string(),
            cumulative: row.cumulative,
            this_month: row.this_month,
        }
    }
}

/// A hazard named in "changes since last month".
#[derive(Debug, Clone, Serialize)]
struct ChangeItem {
    id: String,
    title: String,
    path: String,
    /// `path` relative to the month page.
    href: String,
}

/// The hazards of one kind of change: at most [`MONTH_TABLE_ROWS`] named, `more` counted
/// (a month's first register lists every hazard as new), with the page listing them all
/// where there is one.
#[derive(Debug, Clone, Serialize)]
struct ChangeGroup {
    items: Vec<ChangeItem>,
    more: usize,
    all_href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct ChangesView {
    new: ChangeGroup,
    rectified: ChangeGroup,
    closed: ChangeGroup,
    became_overdue: ChangeGroup,
    left: ChangeGroup,
    any: bool,
}

#[derive(Debug, Clone, Serialize)]
struct StatusCount {
    label: &'static str,
    key: &'static str,
    count: usize,
}

#[derive(Debug, Clone, Serialize)]
struct FileView {
    name: String,
    encoding: &'static str,
    rows: usize,
}

/// The pages of this module: home, disclosure index, one per month.
pub fn pages<'a>(ctx: &SiteContext<'a>) -> Vec<PageJob<'a>> {
    let site = ctx.site;
    let summaries: Vec<MonthSummary> = site.months.iter().rev().map(MonthSummary::new).collect();
    let trend = trend_chart(site);
    let mut jobs: Vec<PageJob<'a>> = vec![
        home(ctx, &summaries, &trend),
        disclosure(ctx, &summaries, &trend),
    ];
    for (i, report) in site.months.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| site.months.get(p));
        let next = site.months.get(i + 1);
        jobs.push(month_page(report, prev, next));
        jobs.extend(month_lists::pages(report));
    }
    jobs
}

fn home(ctx: &SiteContext, summaries: &[MonthSummary], trend: &Option<String>) -> PageJob<'static> {
    let site = ctx.site;
    let mut c = ctx.context(urls::HOME, &site.config.title, Section::Home, Vec::new());
    let mut notices = notice_items(site);
    let has_more_notices = notices.len() > HOME_NOTICES;
    notices.truncate(HOME_NOTICES);
    let root = urls::root_of(urls::HOME);
    let tasks: Vec<Link> = site
        .tasks
        .iter()
        .map(|t| Link::new(t.title.clone(), urls::task_path(&t.slug), &root))
        .collect();
    let overdue: Vec<HazardRow> = site
        .latest()
        .map(|m| {
            let mut v: Vec<HazardRow> = m
                .entries
                .iter()
                .filter(|e| e.is_overdue())
                .map(|e| HazardRow::new(e, &root))
                .collect();
            v.sort_by(|a, b| {
                b.overdue_days
                    .cmp(&a.overdue_days)
                    .then_with(|| a.id.cmp(b.id))
            });
            v
        })
        .unwrap_or_default();
    c.insert("months", &summaries.iter().take(3).collect::<Vec<_>>());
    c.insert("overdue_total", &overdue.len());
    c.insert(
        "overdue_href",
        &site.latest().map(|m| {
            let all = month_lists::Filter::Standing(month_lists::Standing::Overdue);
            urls::href(&root, &all.path(&urls::month_path(m.month)))
        }),
    );
    // Named `hazards` for the shared `hazard_list.html`.
    c.insert(
        "hazards",
        &overdue.iter().take(HOME_OVERDUE).collect::<Vec<_>>(),
    );
    c.insert("notices", &notices);
    c.insert("has_more_notices", &has_more_notices);
    c.insert("tasks", &tasks);
    c.insert("trend_chart", trend);
    ctx.job(urls::HOME.to_string(), "index.html", "首页".to_string(), c)
}

fn disclosure(
    ctx: &SiteContext,
    summaries: &[MonthSummary],
    trend: &Option<String>,
) -> PageJob<'static> {
    let mut c = ctx.context(
        urls::DISCLOSURE,
        "每月公开",
        Section::Disclosure,
        Vec::new(),
    );
    c.insert("months", summaries);
    c.insert("trend_chart", trend);
    ctx.job(
        urls::DISCLOSURE.to_string(),
        "disclosure.html",
        "每月公开目录".to_string(),
        c,
    )
}

/// Listed / rectified / overdue for the last [`TREND_MONTHS`] months, oldest first.
fn trend_chart(site: &Disclosure) -> Option<String> {
    if site.months.is_empty() {
        return None;
    }
    let months: Vec<&MonthReport> = site.months.iter().rev().take(TREND_MONTHS).rev().collect();
    let series = |label: &str, f: fn(&MonthReport) -> usize| {
        Series::new(label, months.iter().map(|m| f(m) as u64).collect())
    };
    Some(bar_chart(&BarChart {
        title: format!("近{}个月隐患整改情况", months.len()),
        categories: months.iter().map(|m| m.month.to_chinese()).collect(),
        series: vec![
            series("在册隐患", |m| m.stats.total.listed),
            series("已整改", |m| m.stats.total.rectified),
            Series {
                alarm: true,
                ..series("逾期未整改", |m| m.stats.total.overdue)
            },
        ],
    }))
}

fn month_page<'a>(
    report: &'a MonthReport,
    prev: Option<&'a MonthReport>,
    next: Option<&'a MonthReport>,
) -> PageJob<'a> {
    PageJob::lazy(
        urls::month_path(report.month),
        "month.html",
        format!("{}的公开页", report.month.to_chinese()),
        move |ctx| month_context(ctx, report, prev, next),
    )
}

/// The context of a month page (built when the page is rendered).
fn month_context(
    ctx: &SiteContext,
    report: &MonthReport,
    prev: Option<&MonthReport>,
    next: Option<&MonthReport>,
) -> Framed {
    let summary = MonthSummary::new(report);
    let path = summary.path.clone();
    let root = urls::root_of(&path);
    let title = format!("{}重大事故隐患信息公开", report.month.to_chinese());
    let mut c = ctx.framed(
        &path,
        &title,
        Section::Disclosure,
        vec![Crumb::link("每月公开", urls::DISCLOSURE)],
    );
    // A long month shows the first rows of its list here (all of them on its status
    // pages) and the first rows of the progress and results tables: views are made
    // only for rows that are printed.
    let ordered = in_list_order(report);
    let hazards: Vec<HazardRow> = ordered
        .iter()
        .take(MONTH_PAGE_ROWS)
        .map(|e| HazardRow::new(e, &root))
        .collect();
    // The progress table keeps the list's order: overdue first.
    let open_all: Vec<&HazardEntry> = ordered
        .iter()
        .copied()
        .filter(|e| e.record.status.is_open())
        .collect();
    let open: Vec<HazardView> = open_all
        .iter()
        .take(MONTH_TABLE_ROWS)
        .map(|e| HazardView::new(e, &root))
        .collect();
    let results_count = report.entries.len() - open_all.len();
    let results: Vec<HazardView> = report
        .entries
        .iter()
        .filter(|e| !e.record.status.is_open())
        .take(MONTH_TABLE_ROWS)
        .map(|e| HazardView::new(e, &root))
        .collect();
    let stats = &report.stats;
    let annex: Vec<AnnexView> = stats.annex.iter().map(AnnexView::new).collect();
    let unknown = stats.unknown_source;
    let by_status: Vec<StatusCount> = Status::ALL
        .iter()
        .map(|s| StatusCount {
            label: s.label(),
            key: status_key(*s),
            count: stats
                .by_status
                .iter()
                .find(|(st, _)| st == s)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    // A county's hundreds of villages are listed on a page of their own.
    let villages_apart = month_lists::villages_apart(report);
    let by_locality: Vec<GroupView> = if villages_apart {
        Vec::new()
    } else {
        stats
            .by_locality
            .iter()
            .map(|g| GroupView::new(g, Some(urls::village_path(&g.name))))
            .collect()
    };
    let by_sector: Vec<GroupView> = stats
        .by_sector
        .iter()
        .map(|g| GroupView::new(g, Some(urls::sector_path(&g.name))))
        .collect();
    let files: Vec<FileView> = report
        .files
        .iter()
        .map(|f| FileView {
            name: f.name.clone(),
            encoding: f.encoding,
            rows: f.rows,
        })
        .collect();
    let link = |m: &MonthReport| Link::new(m.month.to_chinese(), urls::month_path(m.month), &root);
    c.insert("month", &summary);
    c.insert(
        "seal",
        &ctx.site
            .ledger
            .months
            .get(&report.month)
            .map(|s| super::corrections::SealView::new(s, &root)),
    );
    c.insert("prev", &prev.map(link));
    c.insert("next", &next.map(link));
    c.insert("hazards", &hazards);
    c.insert("hazard_count", &report.entries.len());
    c.insert("open", &open);
    c.insert("open_count", &open_all.len());
    c.insert("results", &results);
    c.insert("results_count", &results_count);
    c.insert("changes", &changes(ctx, report, prev, &root));
    c.insert("annex", &annex);
    c.insert("unknown_source", &(unknown.found > 0).then_some(unknown));
    c.insert("by_status", &by_status);
    c.insert("by_locality", &by_locality);
    c.insert("by_sector", &by_sector);
    c.insert("files", &files);
    let filters = MonthFilters::new(report, &root);
    c.insert("attention", &filters.attention);
    c.insert("standings", &filters.standings);
    if villages_apart {
        c.insert("villages", &Vec::<month_lists::FilterLink>::new());
        c.insert("village_count", &filters.villages.len());
        c.insert(
            "villages_href",
            &urls::href(&root, &month_lists::villages_path(&path)),
        );
    } else {
        c.insert("villages", &filters.villages);
    }
    c.insert("source_chart", &source_chart(report));
    c.insert("sector_chart", &sector_chart(report));
    c
}

fn changes(
    ctx: &SiteContext,
    report: &MonthReport,
    prev: Option<&MonthReport>,
    root: &str,
) -> ChangesView {
    // Titles by id: this month's entries win over last month's (a hazard that left is
    // only in last month's register), then the hazard's latest listing.
    let mut titles: HashMap<&str, &str> = HashMap::new();
    for entry in prev
        .into_iter()
        .flat_map(|p| p.entries.iter())
        .chain(report.entries.iter())
    {
        titles.insert(&entry.record.id, &entry.record.title);
    }
    let items = |ids: &[String], all: Option<month_lists::Filter>| -> ChangeGroup {
        let items = ids
            .iter()
            .take(MONTH_TABLE_ROWS)
            .map(|id| {
                let title = titles
                    .get(id.as_str())
                    .copied()
                    .or_else(|| ctx.latest_entry(id).map(|e| e.record.title.as_str()))
                    .unwrap_or_default();
                let path = urls::hazard_path(id);
                ChangeItem {
                    id: id.clone(),
                    title: title.to_string(),
                    href: urls::href(root, &path),
                    path,
                }
            })
            .collect();
        ChangeGroup {
            items,
            more: ids.len().saturating_sub(MONTH_TABLE_ROWS),
            all_href: all.map(|f| urls::href(root, &f.path(&urls::month_path(report.month)))),
        }
    };
    let ch = &report.changes;
    ChangesView {
        new: items(&ch.new, Some(month_lists::Filter::New)),
        rectified: items(&ch.rectified, None),
        closed: items(&ch.closed, None),
        became_overdue: items(&ch.became_overdue, None),
        left: items(&ch.left, None),
        any: !(ch.new.is_empty()
            && ch.rectified.is_empty()
            && ch.closed.is_empty()
            && ch.became_overdue.is_empty()
            && ch.left.is_empty()),
    }
}

/// Found / rectified this month by source (the annex rows), as a chart.
fn source_chart(report: &MonthReport) -> Option<String> {
    if report.entries.is_empty() {
        return None;
    }
    let rows = &report.stats.annex;
    Some(bar_chart(&BarChart {
        title: format!(
            "{}隐患来源（截至{}累计）",
            report.month.to_chinese(),
            DateView::new(report.due).zh
        ),
        categories: rows.iter().map(|r| r.label.to_string()).collect(),
        series: vec![
            Series::new(
                "发现",
                rows.iter().map(|r| r.cumulative.found as u64).collect(),
            ),
            Series::new(
                "其中已整改",
                rows.iter().map(|r| r.cumulative.rectified as u64).collect(),
            ),
        ],
    }))
}

/// Listed / rectified / overdue by sector, as a chart.
fn sector_chart(report: &MonthReport) -> Option<String> {
    let groups = &report.stats.by_sector;
    if groups.is_empty() {
        return None;
    }
    let series = |label: &str, f: fn(&crate::model::GroupStats) -> usize| {
        Series::new(label, groups.iter().map(|g| f(g) as u64).collect())
    };
    Some(bar_chart(&BarChart {
        title: format!("{}各行业领域隐患", report.month.to_chinese()),
        categories: groups.iter().map(|g| g.name.clone()).collect(),
        series: vec![
            series("在册", |g| g.listed),
            series("已整改", |g| g.rectified),
            Series {
                alarm: true,
                ..series("逾期", |g| g.overdue)
            },
        ],
    }))
}
