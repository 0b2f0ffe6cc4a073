//! A page per hazard (facts, 五到位, history month by month) and the village and
//! sector pages that group hazards (open first, with figures).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Crumb, Framed, PageJob, Section, SiteContext};
use crate::hazard::{HazardRecord, Status, YearMonth};
use crate::model::HazardEntry;
use crate::model::{GroupStats, HazardHistory};
use crate::render::urls;
use crate::render::views::{
    page_count, page_range, status_key, DateView, GroupView, HazardRow, HazardView, Link, PagerView,
};

/// The name used for hazards whose 所在村 or 行业领域 is blank (the model's word).
const UNFILLED: &str = "未填写";

/// One month of a hazard's history.
#[derive(Debug, Clone, Serialize)]
struct HistoryRow<'a> {
    month: Link,
    status: &'static str,
    status_key: &'static str,
    progress: Option<&'a str>,
    effective_deadline: Option<DateView>,
    overdue_days: Option<i64>,
    done: Option<DateView>,
    closed: Option<DateView>,
}

/// A village or sector in an index.
#[derive(Debug, Clone, Serialize)]
struct GroupSummary {
    name: String,
    path: String,
    /// Hazards ever listed.
    ever: usize,
    /// Figures of the latest month, when it lists any of the group's hazards.
    latest: Option<GroupView>,
}

/// The latest entry of `history` as a view on a page with prefix `root`, with the
/// month it is from.
fn latest_view<'a>(
    ctx: &SiteContext<'a>,
    history: &HazardHistory,
    root: &str,
) -> Option<HazardView<'a>> {
    let entry = ctx.latest_entry(&history.id)?;
    let mut view = HazardView::new(entry, root);
    view.month = Some(month_link(history.latest_month, root));
    Some(view)
}

/// A link to the page of `month`.
fn month_link(month: YearMonth, root: &str) -> Link {
    Link::new(month.to_chinese(), urls::month_path(month), root)
}

/// Hazard, village and sector pages.
pub fn pages<'a>(ctx: &SiteContext<'a>) -> Vec<PageJob<'a>> {
    let site = ctx.site;
    let histories: Vec<&HazardHistory> = site
        .hazards
        .values()
        .filter(|h| ctx.latest_entry(&h.id).is_some())
        .collect();
    let mut jobs: Vec<PageJob<'a>> = histories
        .iter()
        .map(|&history| {
            PageJob::lazy(
                urls::hazard_path(&history.id),
                "hazard.html",
                format!("隐患编号「{}」的页面", history.id),
                move |ctx| hazard_context(ctx, history),
            )
        })
        .collect();
    let latest_stats = site.latest();
    let by_locality: &[GroupStats] = latest_stats.map_or(&[], |m| &m.stats.by_locality);
    let by_sector: &[GroupStats] = latest_stats.map_or(&[], |m| &m.stats.by_sector);
    jobs.extend(group_pages(ctx, &histories, Kind::Village, by_locality));
    jobs.extend(group_pages(ctx, &histories, Kind::Sector, by_sector));
    jobs
}

fn hazard_context(ctx: &SiteContext, history: &HazardHistory) -> Framed {
    let path = urls::hazard_path(&history.id);
    let root = urls::root_of(&path);
    let Some(mut hazard) = latest_view(ctx, history, &root) else {
        // Filtered out in `pages`: every history listed has its latest entry.
        return ctx.framed(&path, &history.id, Section::Disclosure, Vec::new());
    };
    let as_of = hazard
        .month
        .take()
        .unwrap_or_else(|| month_link(history.latest_month, &root));
    let current = Some(history.latest_month) == ctx.site.latest().map(|m| m.month);
    let title = format!("{} {}", hazard.id, hazard.title);
    let crumbs = vec![
        Crumb::link("每月公开", urls::DISCLOSURE),
        Crumb::link(as_of.label.clone(), as_of.path.clone()),
    ];
    let mut c = ctx.framed(&path, &title, Section::Disclosure, crumbs);
    let rows: Vec<HistoryRow> = history
        .points
        .iter()
        .map(|p| HistoryRow {
            month: month_link(p.month, &root),
            status: p.status.label(),
            status_key: status_key(p.status),
            progress: p.progress.as_deref(),
            effective_deadline: DateView::opt(p.effective_deadline),
            overdue_days: p.overdue_days,
            done: DateView::opt(p.done),
            closed: DateView::opt(p.closed),
        })
        .collect();
    c.insert("hazard", &hazard);
    c.insert("as_of", &as_of);
    // The day the month's figures (overdue, days open) are counted at.
    let as_of_date = ctx
        .site
        .months
        .iter()
        .find(|m| m.month == history.latest_month)
        .map(|m| DateView::new(m.due));
    c.insert("as_of_date", &as_of_date);
    c.insert("current", &current);
    c.insert("history", &rows);
    let corrections: Vec<super::corrections::CorrectionView> = ctx
        .site
        .ledger
        .corrections_of(&history.id)
        .map(|x| super::corrections::CorrectionView::new(x, &root))
        .collect();
    c.insert("corrections", &corrections);
    c.insert(
        "corrections_href",
        &urls::href(&root, super::corrections::CORRECTIONS),
    );
    c
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Village,
    Sector,
}

impl Kind {
    fn index_path(self) -> &'static str {
        match self {
            Kind::Village => urls::VILLAGES,
            Kind::Sector => urls::SECTORS,
        }
    }
    fn path(self, name: &str) -> String {
        match self {
            Kind::Village => urls::village_path(name),
            Kind::Sector => urls::sector_path(name),
        }
    }
    fn section(self) -> Section {
        match self {
            Kind::Village => Section::Villages,
            Kind::Sector => Section::Sectors,
        }
    }
    /// The heading word: 村（社区） or 行业领域.
    fn noun(self) -> &'static str {
        match self {
            Kind::Village => "村（社区）",
            Kind::Sector => "行业领域",
        }
    }
    fn key(self, record: &HazardRecord) -> &str {
        let value = match self {
            Kind::Village => record.locality.as_deref(),
            Kind::Sector => record.sector.as_deref(),
        };
        value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .unwrap_or(UNFILLED)
    }
}

/// The order of village and sector pages: open first (most overdue first), then
/// rectified, then closed; ties by id (as [`crate::render::views::open_first`] orders
/// views, here on the model so only the rows printed become views).
fn open_first(a: &HazardEntry, b: &HazardEntry) -> std::cmp::Ordering {
    let rank = |e: &HazardEntry| {
        (
            !e.record.status.is_open(),
            std::cmp::Reverse(e.overdue_days.unwrap_or(-1)),
            e.record.status == Status::Closed,
        )
    };
    rank(a)
        .cmp(&rank(b))
        .then_with(|| a.record.id.cmp(&b.record.id))
}

fn group_pages<'a>(
    ctx: &SiteContext<'a>,
    histories: &[&'a HazardHistory],
    kind: Kind,
    stats: &'a [GroupStats],
) -> Vec<PageJob<'a>> {
    let site = ctx.site;
    let mut groups: BTreeMap<&'a str, Vec<(&'a HazardHistory, &'a HazardEntry)>> = BTreeMap::new();
    for history in histories {
        if let Some(entry) = ctx.latest_entry(&history.id) {
            groups
                .entry(kind.key(&entry.record))
                .or_default()
                .push((history, entry));
        }
    }
    // A province has thousands of villages: figures found by name, not by a search
    // through all of them for each.
    let figures_by_name: FxHashMap<&str, &'a GroupStats> =
        stats.iter().map(|g| (g.name.as_str(), g)).collect();
    let latest_label = site.latest().map(|m| m.month.to_chinese());
    let mut summaries = Vec::with_capacity(groups.len());
    let mut jobs = Vec::with_capacity(groups.len() + 1);
    for (name, mut members) in groups {
        members.sort_by(|a, b| open_first(a.1, b.1));
        let members: std::sync::Arc<Vec<&'a HazardHistory>> =
            std::sync::Arc::new(members.into_iter().map(|(h, _)| h).collect());
        let path = kind.path(name);
        let figures = figures_by_name.get(name).copied();
        summaries.push(GroupSummary {
            name: name.to_string(),
            path: path.clone(),
            ever: members.len(),
            latest: figures.map(|g| GroupView::new(g, None)),
        });
        // A long group is split into pages of LIST_PAGE_ROWS, in the same order.
        for n in 1..=page_count(members.len()) {
            let page_path = urls::list_page_path(&path, n);
            let what = if n == 1 {
                format!("{}「{name}」的页面", kind.noun())
            } else {
                format!("{}「{name}」的第 {n} 页", kind.noun())
            };
            let (first, name, members) = (path.clone(), name.to_string(), members.clone());
            let latest_label = latest_label.clone();
            jobs.push(PageJob::lazy(
                page_path.clone(),
                "group.html",
                what,
                move |ctx| {
                    let root = urls::root_of(&page_path);
                    let hazards: Vec<HazardRow> = members[page_range(members.len(), n)]
                        .iter()
                        .filter_map(|h| {
                            let mut row = HazardRow::new(ctx.latest_entry(&h.id)?, &root);
                            row.month = Some(month_link(h.latest_month, &root));
                            Some(row)
                        })
                        .collect();
                    let pager = PagerView::new(n, members.len(), &root, |k| {
                        urls::list_page_path(&first, k)
                    });
                    let title = if n == 1 {
                        name.clone()
                    } else {
                        format!("{name}（第 {n} 页）")
                    };
                    let mut crumbs =
                        vec![Crumb::link(format!("按{}", kind.noun()), kind.index_path())];
                    if n > 1 {
                        crumbs.push(Crumb::link(name.clone(), first.clone()));
                    }
                    let mut c = ctx.framed(&page_path, &title, kind.section(), crumbs);
                    c.insert("name", &name);
                    c.insert("noun", kind.noun());
                    c.insert("figures", &figures.map(|g| GroupView::new(g, None)));
                    c.insert("latest_label", &latest_label);
                    c.insert("hazards", &hazards);
                    c.insert("hazard_count", &members.len());
                    c.insert("pager", &pager);
                    c
                },
            ));
        }
    }
    let title = format!("按{}查看", kind.noun());
    let mut c = ctx.context(kind.index_path(), &title, kind.section(), Vec::new());
    c.insert("noun", kind.noun());
    c.insert("groups", &summaries);
    c.insert("latest_label", &latest_label);
    jobs.push(ctx.job(
        kind.index_path().to_string(),
        "groups.html",
        format!("{}目录", kind.noun()),
        c,
    ));
    jobs
}
