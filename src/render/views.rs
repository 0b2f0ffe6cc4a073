//! View values: what templates see, made from the model.
//!
//! Templates get plain strings and numbers, already formatted in Chinese (dates as
//! `2024年5月12日` with an ISO form for `<time datetime>`, rates as `85.7%`), and link
//! targets as output paths (made relative per page by the `rel` filter). Views are
//! built only from the published fields of a hazard; `withheld` is never touched.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::urls;
use crate::config::Hotline;
use crate::hazard::{FivePart, HazardRecord, Status, Value};
use crate::model::{GroupStats, HazardEntry, MonthReport};

/// A day, for `<time datetime="{{ iso }}">{{ zh }}</time>`.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2024-05-12`
    pub iso: String,
    /// `2024年5月12日`
    pub zh: String,
}

impl DateView {
    /// Formats `date` both ways (plain integer formatting: chrono's `format` parses its
    /// pattern on every call, and list pages format hundreds of thousands of dates).
    pub fn new(date: NaiveDate) -> Self {
        let (y, m, d) = (date.year(), date.month(), date.day());
        DateView {
            iso: format!("{y:04}-{m:02}-{d:02}"),
            zh: format!("{y}年{m}月{d}日"),
        }
    }

    /// `None` stays `None`.
    pub fn opt(date: Option<NaiveDate>) -> Option<Self> {
        date.map(DateView::new)
    }
}

/// A link with a label (neighbouring months, notices, task lists, the month a hazard
/// was last listed in): the output path, and the link to it from the page it is on.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub path: String,
    /// `path` relative to the page, percent-encoded: print as `href="{{ l.href }}"`.
    pub href: String,
}

impl Link {
    /// A link to `path` from a page whose root prefix is `root`.
    pub fn new(label: impl Into<String>, path: String, root: &str) -> Self {
        Link {
            label: label.into(),
            href: urls::href(root, &path),
            path,
        }
    }
}

/// One part of 五到位 and whether it is in place.
#[derive(Debug, Clone, Serialize)]
pub struct FiveView<'a> {
    /// 措施, 责任, 资金, 时限, 预案
    pub label: &'static str,
    /// The value, formatted; `None` when missing.
    pub value: Option<Cow<'a, str>>,
}

/// A hazard as listed in one month, every published fact ready to print. Text is
/// borrowed from the model (the view lives only while its page is rendered); links are
/// given both as output paths (`path`, `locality_path`, `sector_path`) and as `href`s
/// relative to the page the view is made for, so templates need no filter per row.
#[derive(Debug, Clone, Serialize)]
pub struct HazardView<'a> {
    pub id: &'a str,
    /// Output path of the hazard page.
    pub path: String,
    /// Link to the hazard page from the current page.
    pub href: String,
    pub title: &'a str,
    pub unit: &'a str,
    pub locality: Option<&'a str>,
    pub locality_path: Option<String>,
    pub locality_href: Option<String>,
    pub sector: Option<&'a str>,
    pub sector_path: Option<String>,
    pub sector_href: Option<String>,
    pub level: Option<&'static str>,
    pub source: Option<&'static str>,
    pub supervised: bool,
    pub supervisor: Option<&'a str>,
    pub basis: Option<&'a str>,
    pub found: Option<DateView>,
    pub measures: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// 万元, formatted without trailing zeros.
    pub funds: Option<String>,
    pub deadline: Option<DateView>,
    pub extended: Option<DateView>,
    pub effective_deadline: Option<DateView>,
    pub plan: Option<&'a str>,
    /// 未整改, 整改中, 已整改, 已销号
    pub status: &'static str,
    /// CSS modifier: `not-started`, `in-progress`, `rectified`, `closed`.
    pub status_key: &'static str,
    pub is_open: bool,
    pub progress: Option<&'a str>,
    pub done: Option<DateView>,
    pub closed: Option<DateView>,
    pub approver: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// The schema's columns without a typed field (`schema::Stored::Extra`), by key, as
    /// the page prints them: a template shows one with `hazard.extra.KEY`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<&'static str, String>,
    pub overdue_days: Option<i64>,
    pub days_left: Option<i64>,
    pub days_open: Option<i64>,
    /// All five parts in customary order.
    pub five: Vec<FiveView<'a>>,
    /// Labels of the missing parts.
    pub five_missing: Vec<&'static str>,
    pub five_complete: bool,
    pub is_new: bool,
    /// The month the facts are from, where a list mixes months (village and sector
    /// pages); absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<Link>,
}

impl<'a> HazardView<'a> {
    /// The view of `entry` on a page whose root prefix is `root` ([`urls::root_of`]).
    /// Reads only published fields of the record.
    pub fn new(entry: &'a HazardEntry, root: &str) -> Self {
        let r: &'a HazardRecord = &entry.record;
        let funds = r.funds.map(format_number);
        let deadline = DateView::opt(r.deadline);
        let five = FivePart::ALL
            .into_iter()
            .map(|part| FiveView {
                label: part.label(),
                value: match part {
                    FivePart::Measures => r.measures.as_deref().map(Cow::Borrowed),
                    FivePart::Owner => r.owner.as_deref().map(Cow::Borrowed),
                    FivePart::Funds => funds.as_ref().map(|f| Cow::Owned(format!("{f} 万元"))),
                    FivePart::Deadline => deadline.as_ref().map(|d| Cow::Owned(d.zh.clone())),
                    FivePart::Plan => r.plan.as_deref().map(Cow::Borrowed),
                },
            })
            .collect();
        let path = urls::hazard_path(&r.id);
        let locality_path = r.locality.as_deref().map(urls::village_path);
        let sector_path = r.sector.as_deref().map(urls::sector_path);
        HazardView {
            id: &r.id,
            href: urls::href(root, &path),
            path,
            title: &r.title,
            unit: &r.unit,
            locality: r.locality.as_deref(),
            locality_href: locality_path.as_deref().map(|p| urls::href(root, p)),
            locality_path,
            sector: r.sector.as_deref(),
            sector_href: sector_path.as_deref().map(|p| urls::href(root, p)),
            sector_path,
            level: r.level.map(|l| l.label()),
            source: r.source.map(|s| s.label()),
            supervised: r.supervised,
            supervisor: r.supervisor.as_deref(),
            basis: r.basis.as_deref(),
            found: DateView::opt(r.found),
            measures: r.measures.as_deref(),
            owner: r.owner.as_deref(),
            funds,
            deadline,
            extended: DateView::opt(r.extended),
            effective_deadline: DateView::opt(entry.effective_deadline),
            plan: r.plan.as_deref(),
            status: r.status.label(),
            status_key: status_key(r.status),
            is_open: r.status.is_open(),
            progress: r.progress.as_deref(),
            done: DateView::opt(r.done),
            closed: DateView::opt(r.closed),
            approver: r.approver.as_deref(),
            notes: r.notes.as_deref(),
            extra: r
                .extra
                .iter()
                .map(|(key, value)| (*key, value_text(value)))
                .collect(),
            overdue_days: entry.overdue_days,
            days_left: entry.days_left,
            days_open: entry.days_open,
            five,
            five_missing: entry.five_missing.iter().map(|p| p.label()).collect(),
            five_complete: entry.five_missing.is_empty(),
            is_new: entry.is_new,
            month: None,
        }
    }
}

/// A hazard as one row of a long list (`hazard_row.html`: month lists, village and
/// sector pages): the fields of [`HazardView`] the table prints, under the same names,
/// and nothing else. A county's lists hold some 170,000 rows; every field a row carries
/// is serialised, looked up and freed once per row, so the rows carry only these.
#[derive(Debug, Clone, Serialize)]
pub struct HazardRow<'a> {
    pub id: &'a str,
    /// Output path of the hazard page.
    pub path: String,
    /// Link to the hazard page from the current page.
    pub href: String,
    pub title: &'a str,
    pub unit: &'a str,
    pub locality: Option<&'a str>,
    pub locality_href: Option<String>,
    pub sector: Option<&'a str>,
    pub sector_href: Option<String>,
    pub level: Option<&'static str>,
    pub source: Option<&'static str>,
    pub supervised: bool,
    pub supervisor: Option<&'a str>,
    /// The original deadline: given only beside an extension, the one place a list
    /// prints it (`effective_deadline` is the deadline that counts).
    pub deadline: Option<DateView>,
    pub extended: Option<DateView>,
    pub effective_deadline: Option<DateView>,
    pub status: &'static str,
    pub status_key: &'static str,
    pub is_open: bool,
    pub overdue_days: Option<i64>,
    pub days_left: Option<i64>,
    pub is_new: bool,
    /// The month the facts are from, where a list mixes months (village and sector
    /// pages); absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<Link>,
}

impl<'a> HazardRow<'a> {
    /// The row of `entry` on a page whose root prefix is `root`.
    pub fn new(entry: &'a HazardEntry, root: &str) -> Self {
        let r: &'a HazardRecord = &entry.record;
        let path = urls::hazard_path(&r.id);
        HazardRow {
            id: &r.id,
            href: urls::href(root, &path),
            path,
            title: &r.title,
            unit: &r.unit,
            locality: r.locality.as_deref(),
            locality_href: r
                .locality
                .as_deref()
                .map(|v| urls::href(root, &urls::village_path(v))),
            sector: r.sector.as_deref(),
            sector_href: r
                .sector
                .as_deref()
                .map(|s| urls::href(root, &urls::sector_path(s))),
            level: r.level.map(|l| l.label()),
            source: r.source.map(|s| s.label()),
            supervised: r.supervised,
            supervisor: r.supervisor.as_deref(),
            // The original deadline is printed only beside an extension.
            deadline: r.extended.and(r.deadline).map(DateView::new),
            extended: DateView::opt(r.extended),
            effective_deadline: DateView::opt(entry.effective_deadline),
            status: r.status.label(),
            status_key: status_key(r.status),
            is_open: r.status.is_open(),
            overdue_days: entry.overdue_days,
            days_left: entry.days_left,
            is_new: entry.is_new,
            month: None,
        }
    }
}

/// CSS modifier of a status badge.
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not-started",
        Status::InProgress => "in-progress",
        Status::Rectified => "rectified",
        Status::Closed => "closed",
    }
}

/// Orders hazards for village and sector pages: open first (most overdue first), then
/// rectified, then closed; ties by id.
pub fn open_first(a: &HazardView<'_>, b: &HazardView<'_>) -> std::cmp::Ordering {
    let rank = |h: &HazardView| {
        (
            !h.is_open,
            std::cmp::Reverse(h.overdue_days.unwrap_or(-1)),
            h.status_key == "closed",
        )
    };
    rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(b.id))
}

/// A value of a column without a typed field, as a page prints it.
fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Date(date) => DateView::new(*date).zh,
        Value::Number(number) => format_number(*number),
    }
}

/// `12.5`, `3`, `0.25`: at most two decimals, no trailing zeros.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let s = format!("{value:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// `85.7%`; `—` when nothing is listed (a rate of nothing is not 0%).
pub fn format_rate(rate: f64, listed: usize) -> String {
    if listed == 0 || !rate.is_finite() {
        "—".to_string()
    } else {
        format!("{:.1}%", rate * 100.0)
    }
}

/// Figures of a group (whole month, village, sector).
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub name: String,
    /// The village or sector page, when the group is one.
    pub path: Option<String>,
    pub listed: usize,
    pub open: usize,
    pub rectified: usize,
    pub closed: usize,
    pub overdue: usize,
    pub supervised: usize,
    pub major: usize,
    pub rate: String,
}

impl GroupView {
    /// The view of `stats`, linking to `path`.
    pub fn new(stats: &GroupStats, path: Option<String>) -> Self {
        GroupView {
            name: stats.name.clone(),
            path,
            listed: stats.listed,
            open: stats.open,
            rectified: stats.rectified,
            closed: stats.closed,
            overdue: stats.overdue,
            supervised: stats.supervised,
            major: stats.major,
            rate: format_rate(stats.rate, stats.listed),
        }
    }
}

/// A month's headline figures and links, for the home page, the disclosure index and
/// the month page itself.
#[derive(Debug, Clone, Serialize)]
pub struct MonthSummary {
    /// `2024-05`
    pub key: String,
    /// `2024年5月`
    pub label: String,
    pub path: String,
    pub csv_path: String,
    pub json_path: String,
    /// `data/2024-05.xlsx`
    pub xlsx_path: String,
    /// The day figures are as of.
    pub due: DateView,
    pub total: GroupView,
    pub new_count: usize,
    pub rectified_count: usize,
    pub closed_count: usize,
    pub became_overdue_count: usize,
}

impl MonthSummary {
    /// The summary of `report`.
    pub fn new(report: &MonthReport) -> Self {
        MonthSummary {
            key: report.month.to_string(),
            label: report.month.to_chinese(),
            path: urls::month_path(report.month),
            csv_path: urls::data_csv_path(report.month),
            json_path: urls::data_json_path(report.month),
            xlsx_path: urls::data_xlsx_path(report.month),
            due: DateView::new(report.due),
            total: GroupView::new(&report.stats.total, None),
            new_count: report.changes.new.len(),
            rectified_count: report.changes.rectified.len(),
            closed_count: report.changes.closed.len(),
            became_overdue_count: report.changes.became_overdue.len(),
        }
    }
}

/// Rows per page of a long hazard list (month list, village, sector). A list this long
/// or shorter is shown whole on one page, as small sites always were; a longer one is
/// split so no page a resident opens on a phone carries thousands of rows.
pub const LIST_PAGE_ROWS: usize = 200;

/// The rows of page `n` (1-based) of a list of `total` rows.
pub fn page_range(total: usize, n: usize) -> std::ops::Range<usize> {
    let start = (n.max(1) - 1).saturating_mul(LIST_PAGE_ROWS).min(total);
    start..(start + LIST_PAGE_ROWS).min(total)
}

/// Number of pages a list of `total` rows takes (at least one).
pub fn page_count(total: usize) -> usize {
    total.div_ceil(LIST_PAGE_ROWS).max(1)
}

/// One numbered link of a pager.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub path: String,
    /// `path` relative to the current page.
    pub href: String,
    pub current: bool,
}

/// Links between the pages of a long list (`rel=prev/next` and every page number),
/// and which rows the current page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    /// 1-based number of the current page.
    pub current: usize,
    pub total_pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// `prev` and `next` relative to the current page.
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub pages: Vec<PagerLink>,
    /// 1-based numbers of the first and last row shown, and of all rows.
    pub first_row: usize,
    pub last_row: usize,
    pub total_rows: usize,
}

impl PagerView {
    /// The pager of page `current` of a list of `total_rows`, whose page `n` is at
    /// `path_of(n)`, on a page whose root prefix is `root`. `None` when the list fits
    /// on one page.
    pub fn new(
        current: usize,
        total_rows: usize,
        root: &str,
        path_of: impl Fn(usize) -> String,
    ) -> Option<Self> {
        let total_pages = page_count(total_rows);
        if total_pages <= 1 {
            return None;
        }
        let current = current.clamp(1, total_pages);
        let rows = page_range(total_rows, current);
        let prev = (current > 1).then(|| path_of(current - 1));
        let next = (current < total_pages).then(|| path_of(current + 1));
        Some(PagerView {
            current,
            total_pages,
            prev_href: prev.as_deref().map(|p| urls::href(root, p)),
            next_href: next.as_deref().map(|p| urls::href(root, p)),
            prev,
            next,
            pages: (1..=total_pages)
                .map(|number| {
                    let path = path_of(number);
                    PagerLink {
                        number,
                        href: urls::href(root, &path),
                        path,
                        current: number == current,
                    }
                })
                .collect(),
            first_row: rows.start + 1,
            last_row: rows.end,
            total_rows,
        })
    }
}

/// A phone number with its `tel:` target.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneView {
    pub label: String,
    pub number: String,
    /// `tel:0358-3012345` (digits, `+`, `-` only).
    pub tel: String,
}

/// `[hotline]` ready for links.
#[derive(Debug, Clone, Serialize)]
pub struct HotlineView {
    pub phones: Vec<PhoneView>,
    pub national: Option<PhoneView>,
    pub email: Option<String>,
    /// `mailto:` target.
    pub mailto: Option<String>,
    pub address: Option<String>,
    pub hours: Option<String>,
}

impl HotlineView {
    /// The view of `hotline`.
    pub fn new(hotline: &Hotline) -> Self {
        let phone = |label: &str, number: &str| PhoneView {
            label: label.to_string(),
            number: number.trim().to_string(),
            tel: tel_target(number),
        };
        let email = non_empty(hotline.email.as_deref());
        HotlineView {
            phones: hotline
                .phones
                .iter()
                .filter(|p| !p.number.trim().is_empty())
                .map(|p| phone(&p.label, &p.number))
                .collect(),
            national: non_empty(hotline.national.as_deref())
                .map(|n| phone("全国安全生产举报投诉特服电话", &n)),
            mailto: email.as_deref().map(|e| urls::href("mailto:", e)),
            email,
            address: non_empty(hotline.address.as_deref()),
            hours: non_empty(hotline.hours.as_deref()),
        }
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `tel:` target of a number as written (`0358-3012345`, `（0358）3012345`, `12350`):
/// ASCII digits, a leading `+` and `-` kept, full-width digits folded.
pub fn tel_target(number: &str) -> String {
    let mut out = String::from("tel:");
    for c in number.trim().chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            '－' | '—' => '-',
            other => other,
        };
        if c.is_ascii_digit() || (c == '+' && out.len() == 4) || (c == '-' && out.len() > 4) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_rates() {
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.254), "0.25");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_rate(0.857_14, 7), "85.7%");
        assert_eq!(format_rate(0.0, 0), "—");
        assert_eq!(format_rate(1.0, 3), "100.0%");
    }

    #[test]
    fn tel_targets() {
        assert_eq!(tel_target("0358-3012345"), "tel:0358-3012345");
        assert_eq!(tel_target("（0358）3012345"), "tel:03583012345");
        assert_eq!(tel_target("１２３５０"), "tel:12350");
        assert_eq!(tel_target("+86 358 301"), "tel:+86358301");
    }

    #[test]
    fn pages_of_long_lists() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(LIST_PAGE_ROWS), 1);
        assert_eq!(page_count(LIST_PAGE_ROWS + 1), 2);
        assert_eq!(page_range(450, 3), 400..450);
        assert_eq!(page_range(450, 9), 450..450);
        assert!(PagerView::new(1, LIST_PAGE_ROWS, "", |n| n.to_string()).is_none());
        let pager = PagerView::new(2, 450, "../", |n| format!("p/{n}")).unwrap();
        assert_eq!(pager.total_pages, 3);
        assert_eq!(pager.prev.as_deref(), Some("p/1"));
        assert_eq!(pager.next.as_deref(), Some("p/3"));
        assert_eq!(pager.next_href.as_deref(), Some("../p/3"));
        assert_eq!(pager.pages[0].href, "../p/1");
        assert_eq!((pager.first_row, pager.last_row), (201, 400));
        assert!(pager.pages[1].current && !pager.pages[0].current);
        let last = PagerView::new(3, 450, "", |n| format!("p{n}")).unwrap();
        assert_eq!((last.next, last.last_row), (None, 450));
    }

    #[test]
    fn views_link_relative_to_their_page() {
        let mut entry = crate::model::test_entry("NZ 1", Status::InProgress, true);
        std::sync::Arc::make_mut(&mut entry.record).locality = Some("东庄村".into());
        std::sync::Arc::make_mut(&mut entry.record).sector = None;
        let view = HazardView::new(&entry, "../../");
        assert_eq!(view.path, "hazards/NZ-1.html");
        assert_eq!(view.href, "../../hazards/NZ-1.html");
        assert_eq!(
            view.locality_href.as_deref(),
            Some("../../villages/%E4%B8%9C%E5%BA%84%E6%9D%91/index.html")
        );
        assert_eq!(view.sector_href, None);
        let row = HazardRow::new(&entry, "");
        assert_eq!(row.href, "hazards/NZ-1.html");
        assert_eq!(row.id, view.id);
        assert_eq!(row.overdue_days, Some(1));
        // A row is a view cut down to what a list prints, under the same names.
        let row_keys = serde_json::to_value(&row).unwrap();
        let view_keys = serde_json::to_value(&view).unwrap();
        for key in row_keys.as_object().unwrap().keys() {
            assert!(
                view_keys.get(key).is_some(),
                "{key} is not a HazardView field"
            );
        }
    }

    #[test]
    fn dates_both_ways() {
        let d = DateView::new(NaiveDate::from_ymd_opt(2024, 5, 2).unwrap());
        assert_eq!(d.iso, "2024-05-02");
        assert_eq!(d.zh, "2024年5月2日");
    }
}
