//! A month's hazards as a resident looks for them on a phone: in the order that says
//! what needs attention (open and overdue, open, rectified, closed), and split into
//! plain-link pages within the month, one per village and one per status, so "open
//! hazards in my village this month" is two taps from the month page and works
//! without JavaScript.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Crumb, Framed, PageJob, Section, SiteContext};
use crate::hazard::Status;
use crate::model::{HazardEntry, MonthReport};
use crate::render::rows::ListedRow;
use crate::render::urls;
use crate::render::views::{page_count, page_range, GroupView, Link, MonthSummary, PagerView};

/// Where a hazard stands in a month's list, in the order the list shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Open and past its deadline.
    Overdue,
    /// Open, not (yet) past its deadline.
    Open,
    /// 已整改, awaiting 销号.
    Rectified,
    /// 已销号.
    Closed,
}

impl Standing {
    /// Every standing, in list order.
    pub const ALL: [Standing; 4] = [
        Standing::Overdue,
        Standing::Open,
        Standing::Rectified,
        Standing::Closed,
    ];

    /// The standing of `entry`.
    pub fn of(entry: &HazardEntry) -> Self {
        match entry.record.status {
            _ if entry.is_overdue() => Standing::Overdue,
            Status::NotStarted | Status::InProgress => Standing::Open,
            Status::Rectified => Standing::Rectified,
            Status::Closed => Standing::Closed,
        }
    }

    /// The heading of the standing's part of a list.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Overdue => "逾期未整改",
            Standing::Open => "未到期、正在整改",
            Standing::Rectified => "已整改（待销号）",
            Standing::Closed => "已销号",
        }
    }

    /// The URL name of the standing's page within a month.
    pub fn key(self) -> &'static str {
        match self {
            Standing::Overdue => "overdue",
            Standing::Open => "open",
            Standing::Rectified => "rectified",
            Standing::Closed => "closed",
        }
    }
}

/// The month's entries in list order: overdue first (most days overdue first), then
/// open by how soon they are due (no deadline last), then rectified, then closed; ties
/// by id.
pub fn in_list_order(report: &MonthReport) -> Vec<&HazardEntry> {
    let mut entries: Vec<&HazardEntry> = report.entries.iter().collect();
    entries.sort_by(|a, b| list_order(a, b));
    entries
}

/// The order of [`in_list_order`].
pub fn list_order(a: &HazardEntry, b: &HazardEntry) -> Ordering {
    let (sa, sb) = (Standing::of(a), Standing::of(b));
    sa.cmp(&sb)
        .then_with(|| match sa {
            Standing::Overdue => b.overdue_days.cmp(&a.overdue_days),
            Standing::Open => a
                .days_left
                .unwrap_or(i64::MAX)
                .cmp(&b.days_left.unwrap_or(i64::MAX)),
            _ => Ordering::Equal,
        })
        .then_with(|| a.record.id.cmp(&b.record.id))
}

/// A filter of a month's list that gets pages of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter<'a> {
    /// One standing ([`Standing`]).
    Standing(Standing),
    /// First listed this month.
    New,
    /// Under 挂牌督办.
    Supervised,
    /// One village (所在村).
    Village(&'a str),
}

impl Filter<'_> {
    fn matches(&self, entry: &HazardEntry) -> bool {
        match self {
            Filter::Standing(s) => Standing::of(entry) == *s,
            Filter::New => entry.is_new,
            Filter::Supervised => entry.record.supervised,
            Filter::Village(name) => entry.record.locality.as_deref() == Some(*name),
        }
    }

    /// The heading of the filter's pages, after the month's name.
    fn label(&self) -> String {
        match self {
            Filter::Standing(s) => s.label().to_string(),
            Filter::New => "本月新发现".to_string(),
            Filter::Supervised => "挂牌督办".to_string(),
            Filter::Village(name) => (*name).to_string(),
        }
    }

    /// What page `n` of the filter is, for messages (two pages with one file name).
    fn what(&self, report: &MonthReport, n: usize) -> String {
        let month = report.month.to_chinese();
        let list = match self {
            Filter::Village(name) => format!("{month}村（社区）「{name}」的隐患清单"),
            other => format!("{month}「{}」隐患清单", other.label()),
        };
        if n > 1 {
            format!("{list}第 {n} 页")
        } else {
            list
        }
    }

    /// The first page of the filter within the month of `month_path`.
    pub fn path(&self, month_path: &str) -> String {
        let dir = month_path.strip_suffix("index.html").unwrap_or(month_path);
        match self {
            Filter::Standing(s) => format!("{dir}status/{}/index.html", s.key()),
            Filter::New => format!("{dir}status/new/index.html"),
            Filter::Supervised => format!("{dir}status/supervised/index.html"),
            Filter::Village(name) => format!("{dir}villages/{}/index.html", urls::slug(name)),
        }
    }
}

/// A link to a filter's page with its count, for the month page.
#[derive(Debug, Clone, Serialize)]
pub struct FilterLink {
    pub label: String,
    pub href: String,
    pub count: usize,
    /// Of which open (for villages).
    pub open: usize,
    /// Of which overdue (for villages).
    pub overdue: usize,
}

/// The links of the month page to its filter pages: standings with their counts (a
/// standing with none is still listed, with 0, so the reader sees it was counted), and
/// every village of the month in the statistics' order.
pub struct MonthFilters {
    pub attention: Vec<FilterLink>,
    pub standings: Vec<FilterLink>,
    pub villages: Vec<FilterLink>,
}

impl MonthFilters {
    /// The filter links of `report`'s page, whose root prefix is `root`.
    pub fn new(report: &MonthReport, root: &str) -> Self {
        let month_path = urls::month_path(report.month);
        let link = |filter: Filter, label: String| {
            let hits = report.entries.iter().filter(|e| filter.matches(e));
            let (mut count, mut open, mut overdue) = (0, 0, 0);
            for e in hits {
                count += 1;
                open += usize::from(e.record.status.is_open());
                overdue += usize::from(e.is_overdue());
            }
            FilterLink {
                label,
                href: urls::href(root, &filter.path(&month_path)),
                count,
                open,
                overdue,
            }
        };
        MonthFilters {
            attention: vec![
                link(
                    Filter::Standing(Standing::Overdue),
                    "逾期未整改".to_string(),
                ),
                link(Filter::New, "本月新发现".to_string()),
                link(Filter::Supervised, "挂牌督办".to_string()),
            ],
            standings: Standing::ALL
                .iter()
                .map(|s| link(Filter::Standing(*s), s.label().to_string()))
                .collect(),
            // One pass over the entries for every village (a county has hundreds).
            villages: {
                let mut counts: FxHashMap<&str, (usize, usize, usize)> = FxHashMap::default();
                for e in &report.entries {
                    if let Some(name) = e.record.locality.as_deref() {
                        let c = counts.entry(name).or_default();
                        c.0 += 1;
                        c.1 += usize::from(e.record.status.is_open());
                        c.2 += usize::from(e.is_overdue());
                    }
                }
                report
                    .stats
                    .by_locality
                    .iter()
                    .filter_map(|g| {
                        let &(count, open, overdue) = counts.get(g.name.as_str())?;
                        Some(FilterLink {
                            label: g.name.clone(),
                            href: urls::href(root, &Filter::Village(&g.name).path(&month_path)),
                            count,
                            open,
                            overdue,
                        })
                    })
                    .collect()
            },
        }
    }
}

/// One part of a filter page's list under its standing's heading.
#[derive(Debug, Clone, Serialize)]
struct ListGroup<'a> {
    label: &'static str,
    key: &'static str,
    hazards: Vec<ListedRow<'a>>,
}

/// Above this many villages, the month page links its villages (each with its counts,
/// and the statistics table) on a page of their own instead of listing them there: a
/// county's several hundred villages would be most of a month page a phone must load.
pub const MONTH_PAGE_VILLAGES: usize = 30;

/// Whether `report`'s villages are listed on a page of their own
/// ([`MONTH_PAGE_VILLAGES`]).
pub fn villages_apart(report: &MonthReport) -> bool {
    report.stats.by_locality.len() > MONTH_PAGE_VILLAGES
}

/// The page of a month's villages, beside its village pages.
pub fn villages_path(month_path: &str) -> String {
    let dir = month_path.strip_suffix("index.html").unwrap_or(month_path);
    format!("{dir}villages/index.html")
}

/// The pages of every filter of `report`: standings, new, supervised, villages; and the
/// page of its villages when they are listed apart.
pub fn pages(report: &MonthReport) -> Vec<PageJob<'_>> {
    let mut filters: Vec<Filter> = Standing::ALL.iter().map(|s| Filter::Standing(*s)).collect();
    filters.push(Filter::New);
    filters.push(Filter::Supervised);
    let mut villages: Vec<&str> = report
        .entries
        .iter()
        .filter_map(|e| e.record.locality.as_deref())
        .collect();
    villages.sort_unstable();
    villages.dedup();
    filters.extend(villages.into_iter().map(Filter::Village));

    let ordered = in_list_order(report);
    let mut jobs = Vec::new();
    if villages_apart(report) {
        jobs.push(PageJob::lazy(
            villages_path(&urls::month_path(report.month)),
            "month_villages.html",
            format!("{}各村（社区）隐患情况", report.month.to_chinese()),
            move |ctx| villages_context(ctx, report),
        ));
    }
    // Every filter's entries in one pass over the month (a county month has hundreds of
    // villages: a pass per filter was 5 million comparisons a month).
    let mut members: Vec<Vec<&HazardEntry>> = vec![Vec::new(); filters.len()];
    let village_index: FxHashMap<&str, usize> = filters
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Filter::Village(name) => Some((*name, i)),
            _ => None,
        })
        .collect();
    for e in &ordered {
        for (i, filter) in filters.iter().enumerate() {
            if matches!(filter, Filter::Village(_)) {
                break;
            }
            if filter.matches(e) {
                members[i].push(e);
            }
        }
        if let Some(&i) = e
            .record
            .locality
            .as_deref()
            .and_then(|v| village_index.get(v))
        {
            members[i].push(e);
        }
    }
    for (filter, entries) in filters.into_iter().zip(members) {
        let entries = std::sync::Arc::new(entries);
        for n in 1..=page_count(entries.len()).max(1) {
            let first = filter.path(&urls::month_path(report.month));
            let entries = std::sync::Arc::clone(&entries);
            jobs.push(PageJob::lazy(
                urls::list_page_path(&first, n),
                crate::render::rows::LIST_TEMPLATE,
                filter.what(report, n),
                move |ctx| filter_context(ctx, report, filter, &entries, n),
            ));
        }
    }
    jobs
}

fn filter_context(
    ctx: &SiteContext,
    report: &MonthReport,
    filter: Filter,
    entries: &[&HazardEntry],
    n: usize,
) -> Framed {
    let summary = MonthSummary::new(report);
    let first = filter.path(&summary.path);
    let path = urls::list_page_path(&first, n);
    let root = urls::root_of(&path);
    let mut title = format!("{}{}的隐患", summary.label, filter.label());
    if n > 1 {
        title.push_str(&format!("（第 {n} 页）"));
    }
    let mut c = ctx.framed(&path, &title, Section::Disclosure, month_crumbs(&summary));
    let mut groups: Vec<ListGroup> = Vec::new();
    for e in &entries[page_range(entries.len(), n)] {
        let standing = Standing::of(e);
        if groups.last().map(|g| g.key) != Some(standing.key()) {
            groups.push(ListGroup {
                label: standing.label(),
                key: standing.key(),
                hazards: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.hazards.push(ctx.rows.row(report.month, e, &root));
        }
    }
    let figures = match filter {
        Filter::Village(name) => report
            .stats
            .by_locality
            .iter()
            .find(|g| g.name == name)
            .map(|g| GroupView::new(g, None)),
        _ => None,
    };
    let village_page = match filter {
        Filter::Village(name) => Some(Link::new(
            format!("{name}历月隐患"),
            urls::village_path(name),
            &root,
        )),
        _ => None,
    };
    c.insert("month", &summary);
    c.insert(
        "month_link",
        &Link::new(summary.label.clone(), summary.path.clone(), &root),
    );
    c.insert("filter_label", &filter.label());
    c.insert("is_village", &matches!(filter, Filter::Village(_)));
    c.insert("village_page", &village_page);
    c.insert("figures", &figures);
    c.insert("groups", &groups);
    c.insert("hazard_count", &entries.len());
    c.insert(
        "pager",
        &PagerView::new(n, entries.len(), &root, |k| urls::list_page_path(&first, k)),
    );
    ctx.rows.page_done(report.month);
    c
}

/// The context of a month's villages page: each village's link with its counts, and the
/// statistics table by village.
fn villages_context(ctx: &SiteContext, report: &MonthReport) -> Framed {
    let summary = MonthSummary::new(report);
    let path = villages_path(&summary.path);
    let root = urls::root_of(&path);
    let title = format!("{}各村（社区）隐患情况", summary.label);
    let mut c = ctx.framed(&path, &title, Section::Disclosure, month_crumbs(&summary));
    let by_locality: Vec<GroupView> = report
        .stats
        .by_locality
        .iter()
        .map(|g| GroupView::new(g, Some(urls::village_path(&g.name))))
        .collect();
    c.insert("month", &summary);
    c.insert(
        "month_link",
        &Link::new(summary.label.clone(), summary.path.clone(), &root),
    );
    c.insert("villages", &MonthFilters::new(report, &root).villages);
    c.insert("by_locality", &by_locality);
    c
}

/// The breadcrumbs of a page inside a month: 每月公开 › the month.
fn month_crumbs(summary: &MonthSummary) -> Vec<Crumb> {
    vec![
        Crumb::link("每月公开", urls::DISCLOSURE),
        Crumb::link(summary.label.clone(), summary.path.clone()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standings_sort_in_list_order() {
        let mut all = Standing::ALL.to_vec();
        all.reverse();
        all.sort();
        assert_eq!(all, Standing::ALL.to_vec());
    }

    fn entry(id: &str, status: Status, overdue: Option<i64>, left: Option<i64>) -> HazardEntry {
        HazardEntry {
            record: std::sync::Arc::new(crate::hazard::HazardRecord::sample(id, status)),
            effective_deadline: None,
            overdue_days: overdue,
            days_left: left,
            days_open: None,
            five_missing: Vec::new(),
            is_new: false,
        }
    }

    #[test]
    fn list_order_is_overdue_open_rectified_closed() {
        let entries = [
            entry("A-1", Status::Closed, None, None),
            entry("A-2", Status::InProgress, None, None),
            entry("A-3", Status::Rectified, None, None),
            entry("A-4", Status::NotStarted, Some(3), None),
            entry("A-5", Status::InProgress, None, Some(2)),
            entry("A-6", Status::InProgress, Some(30), None),
            entry("A-7", Status::NotStarted, None, Some(40)),
        ];
        let mut order: Vec<&HazardEntry> = entries.iter().collect();
        order.sort_by(|a, b| list_order(a, b));
        let ids: Vec<&str> = order.iter().map(|e| e.record.id.as_str()).collect();
        // Overdue longest first; open soonest due first, no deadline last; then done.
        assert_eq!(ids, ["A-6", "A-4", "A-5", "A-7", "A-2", "A-3", "A-1"]);
        let standings: Vec<Standing> = order.iter().map(|e| Standing::of(e)).collect();
        assert!(standings.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn filter_paths_stay_inside_the_month() {
        let month = "months/2026-10/index.html";
        assert_eq!(
            Filter::Standing(Standing::Overdue).path(month),
            "months/2026-10/status/overdue/index.html"
        );
        assert_eq!(
            Filter::New.path(month),
            "months/2026-10/status/new/index.html"
        );
        let village = Filter::Village("../东庄村").path(month);
        assert!(village.starts_with("months/2026-10/villages/"), "{village}");
        assert!(!village.contains(".."), "{village}");
        // Page 2 of a filter is beside its first page.
        assert_eq!(
            urls::list_page_path(&Filter::Supervised.path(month), 2),
            "months/2026-10/status/supervised/list-2/index.html"
        );
    }
}
