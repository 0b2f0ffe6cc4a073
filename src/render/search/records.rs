//! The search records of a site, made from the model (never from rendered HTML): one
//! per hazard, published notice, standing page and task list, and the hotline page.
//!
//! Only published fields are read. A hazard's withheld values (`HazardRecord::withheld`)
//! and the fields the site shows but residents do not search by (责任人, notes) are never
//! touched; notices pass the same [`Notice::is_published`] gate as every other output.

use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser, TagEnd};
use rayon::prelude::*;

use crate::config::Hotline;
use crate::hazard::{HazardRecord, Status, YearMonth};
use crate::load::{Notice, Page, TaskList};
use crate::model::{Disclosure, HazardHistory, UNFILLED};
use crate::render::urls;

/// The filters of the search page, in the order the page shows them.
pub const FACETS: [&str; 4] = ["月份", "村（社区）", "行业领域", "整改状态"];

/// How much of a long body a result keeps for its excerpt (characters). The whole body
/// is indexed; the excerpt is cut from this part.
const SHOWN_CHARS: usize = 300;

/// What kind of page a record leads to (shown with each result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Notice,
    Hazard,
    Page,
    Tasks,
    Hotline,
}

impl Kind {
    /// The label a result shows.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Notice => "通知公告",
            Kind::Hazard => "隐患",
            Kind::Page => "页面",
            Kind::Tasks => "任务清单",
            Kind::Hotline => "举报电话",
        }
    }
}

/// One searchable page.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: Kind,
    /// Output path of the page (`hazards/YH….html`).
    pub path: String,
    /// Indexed as the title field (title hits rank first) and shown as the link.
    pub title: String,
    /// Indexed as the body.
    pub body: String,
    /// What the result shows under the title: the body, cut to `SHOWN_CHARS`.
    pub shown: String,
    /// A short line of facts (`2024年5月 · 东庄村 · 整改中`, `2024-08-03 · 文号`).
    pub line: String,
    /// Newer first: the date a record sorts by (hazards: their latest month's due day).
    pub date: Option<NaiveDate>,
    /// Filter values: (index into [`FACETS`], value).
    pub facets: Vec<(usize, String)>,
}

/// Every record of `site`, in rank order: newest first, then by kind, then by path.
/// The position of a record in this list is its number in the index.
pub fn records(site: &Disclosure) -> Vec<Record> {
    // Hazards and notices are made in parallel (formatting and Markdown parsing are
    // most of the work); the few pages, task lists and the hotline page in line.
    let histories: Vec<&HazardHistory> = site.hazards.values().collect();
    let labels: Vec<(YearMonth, String)> = site
        .months
        .iter()
        .map(|m| (m.month, m.month.to_chinese()))
        .collect();
    let mut out: Vec<Record> = histories
        .par_iter()
        .filter_map(|history| {
            let month = site.month(history.latest_month)?;
            let entry = month.entry(&history.id)?;
            Some(hazard(history, &entry.record, month.due, &labels))
        })
        .collect();
    out.par_extend(
        site.notices
            .par_iter()
            .filter(|n| n.is_published())
            .map(notice),
    );
    out.extend(site.pages.iter().map(page));
    out.extend(site.tasks.iter().map(tasks));
    out.push(hotline(&site.config.hotline));
    out.par_sort_unstable_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// A village or sector as the group pages key it: blank is 未填写.
pub fn group_name(value: Option<&str>) -> String {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(UNFILLED)
        .to_string()
}

/// A hazard from its latest listing, with every month it was listed in as 月份.
fn hazard(
    history: &HazardHistory,
    r: &HazardRecord,
    due: NaiveDate,
    labels: &[(YearMonth, String)],
) -> Record {
    let label = |month: YearMonth| -> String {
        labels
            .binary_search_by(|(m, _)| m.cmp(&month))
            .map_or_else(|_| month.to_chinese(), |i| labels[i].1.clone())
    };
    let village = group_name(r.locality.as_deref());
    let sector = group_name(r.sector.as_deref());
    let status = r.status.label();
    let mut body = format!("{}。{village}。{sector}。", r.unit);
    if let Some(progress) = non_empty(r.progress.as_deref()) {
        body.push_str("整改进度：");
        body.push_str(progress);
    }
    let latest = label(history.latest_month);
    let mut facets: Vec<(usize, String)> = Vec::with_capacity(history.points.len() + 3);
    facets.extend(history.points.iter().map(|p| (0, label(p.month))));
    facets.push((1, village.clone()));
    facets.push((2, sector));
    facets.push((3, status.to_string()));
    Record {
        kind: Kind::Hazard,
        path: urls::hazard_path(&r.id),
        title: format!("{} {}", r.id, r.title),
        shown: cut(&body),
        body,
        line: format!("{latest} · {village} · {status}"),
        date: Some(due),
        facets,
    }
}

fn notice(n: &Notice) -> Record {
    let text = plain_text(&n.body);
    let body = format!("{}。{}。{text}", n.category, n.issuer);
    let mut line = n.date.format("%Y-%m-%d").to_string();
    let mut title = n.title.clone();
    if let Some(number) = non_empty(n.doc_number.as_deref()) {
        line.push_str(" · ");
        line.push_str(number);
        // 文号 is searched like the title: residents copy it from a paper notice.
        title.push(' ');
        title.push_str(number);
    }
    line.push_str(" · ");
    line.push_str(&n.category);
    Record {
        kind: Kind::Notice,
        path: urls::notice_path(&n.slug),
        title,
        shown: cut(&text),
        body,
        line,
        date: Some(n.date),
        facets: Vec::new(),
    }
}

fn page(p: &Page) -> Record {
    let body = plain_text(&p.body);
    Record {
        kind: Kind::Page,
        path: urls::page_path(&p.slug),
        title: p.title.clone(),
        shown: cut(&body),
        body,
        line: p
            .date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        date: p.date,
        facets: Vec::new(),
    }
}

fn tasks(list: &TaskList) -> Record {
    let mut body = String::new();
    if let Some(doc) = non_empty(list.source_document.as_deref()) {
        body.push_str(doc);
        body.push('。');
    }
    for t in &list.tasks {
        for part in [
            Some(t.task.as_str()),
            t.measures.as_deref(),
            t.owner.as_deref(),
            t.progress.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            body.push_str(part.trim());
            body.push('。');
        }
    }
    Record {
        kind: Kind::Tasks,
        path: urls::task_path(&list.slug),
        title: list.title.clone(),
        shown: cut(&body),
        body,
        line: format!("{} 项任务", list.tasks.len()),
        date: None,
        facets: Vec::new(),
    }
}

/// The hotline page: its fixed words and the office's numbers and addresses from
/// `site.toml` (published on every page's footer already).
fn hotline(h: &Hotline) -> Record {
    let mut body = String::from("举报安全生产重大事故隐患和违法违规行为。");
    for p in &h.phones {
        body.push_str(&format!("{}：{}。", p.label, p.number));
    }
    if let Some(n) = non_empty(h.national.as_deref()) {
        body.push_str(&format!("全国安全生产举报投诉特服电话：{n}。"));
    }
    for (label, value) in [
        ("举报邮箱", &h.email),
        ("来信来访地址", &h.address),
        ("受理时间", &h.hours),
    ] {
        if let Some(v) = non_empty(value.as_deref()) {
            body.push_str(&format!("{label}：{v}。"));
        }
    }
    Record {
        kind: Kind::Hotline,
        path: urls::HOTLINE.to_string(),
        title: "举报电话".to_string(),
        shown: cut(&body),
        body,
        line: String::new(),
        date: None,
        facets: Vec::new(),
    }
}

/// The text of a Markdown body: text, code and line breaks, without markup or link
/// targets (raw HTML is dropped: it is sanitised on the page and could hold anything).
pub fn plain_text(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_GFM;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => out.push(' '),
            _ => {}
        }
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    collapsed.join(" ")
}

/// The first [`SHOWN_CHARS`] characters of `text`, with `…` when cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The values of each filter, in the order the page lists them: months newest first,
/// villages and sectors by name with 未填写 last, statuses in their usual order.
pub fn facet_values(site: &Disclosure, records: &[Record]) -> Vec<Vec<String>> {
    let mut sets: Vec<std::collections::BTreeSet<&str>> = vec![Default::default(); FACETS.len()];
    for r in records {
        for (f, v) in &r.facets {
            sets[*f].insert(v);
        }
    }
    let named = |set: &std::collections::BTreeSet<&str>| -> Vec<String> {
        let mut v: Vec<String> = set
            .iter()
            .filter(|n| **n != UNFILLED)
            .map(|n| n.to_string())
            .collect();
        if set.contains(UNFILLED) {
            v.push(UNFILLED.to_string());
        }
        v
    };
    vec![
        site.months
            .iter()
            .rev()
            .map(|m| m.month.to_chinese())
            .filter(|m| sets[0].contains(m.as_str()))
            .collect(),
        named(&sets[1]),
        named(&sets[2]),
        Status::ALL
            .iter()
            .map(|s| s.label().to_string())
            .filter(|s| sets[3].contains(s.as_str()))
            .collect(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::feed::test_site::site;

    #[test]
    fn hazard_record_holds_latest_state_and_every_month() {
        let disclosure = site("");
        let all = records(&disclosure);
        let hazards: Vec<&Record> = all.iter().filter(|r| r.kind == Kind::Hazard).collect();
        let paths: Vec<&str> = hazards.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["hazards/NZ-001.html", "hazards/NZ-002.html"]);
        let first = hazards[0];
        assert_eq!(first.title, "NZ-001 隐患 NZ-001 <消防> & \"通道\"");
        for part in ["某某煤业有限公司", "东庄村", "煤矿", "-进行中"] {
            assert!(first.body.contains(part), "{part}: {}", first.body);
        }
        // Listed in April (未整改) and May (整改中): the May state, both months.
        assert!(first.line.ends_with("整改中"), "{}", first.line);
        let facet = |r: &Record, f: usize| -> Vec<String> {
            r.facets
                .iter()
                .filter(|(i, _)| *i == f)
                .map(|(_, v)| v.clone())
                .collect()
        };
        assert_eq!(facet(first, 0), ["2024年4月", "2024年5月"]);
        assert_eq!(facet(first, 1), ["东庄村"]);
        assert_eq!(facet(first, 2), ["煤矿"]);
        assert_eq!(facet(first, 3), ["整改中"]);
        assert_eq!(facet(hazards[1], 3), ["已整改"]);
        assert_eq!(facet(hazards[1], 0), ["2024年5月"]);
    }

    #[test]
    fn records_never_hold_withheld_or_unpublished_material() {
        let disclosure = site("");
        let all = records(&disclosure);
        for r in &all {
            let text = format!("{r:?}");
            // A reporter's name and phone are withheld values of the test registers;
            // the unpublished and draft notices have these slugs.
            for private in [
                "李四举报人",
                "13912345678",
                "notices/secret",
                "notices/draft",
            ] {
                assert!(!text.contains(private), "{private} in {text}");
            }
        }
        assert!(all.iter().any(|r| r.path == "notices/published/index.html"));
        assert!(all.iter().any(|r| r.kind == Kind::Hotline));
    }

    #[test]
    fn blank_village_and_sector_are_unfilled() {
        let mut disclosure = site("");
        for month in &mut disclosure.months {
            for entry in &mut month.entries {
                std::sync::Arc::make_mut(&mut entry.record).locality = None;
                std::sync::Arc::make_mut(&mut entry.record).sector = Some("  ".to_string());
            }
        }
        let all = records(&disclosure);
        let values = facet_values(&disclosure, &all);
        assert_eq!(values[1], [UNFILLED]);
        assert_eq!(values[2], [UNFILLED]);
    }

    #[test]
    fn plain_text_keeps_words_not_markup() {
        let text = plain_text(
            "## 一、要求\n\n请**各村**排查[钢瓶](https://x.example/a)。\n\n| 序号 | 行业 |\n|---|---|\n| 1 | 燃气 |\n\n<script>alert(1)</script>",
        );
        assert_eq!(text, "一、要求 请各村排查钢瓶。 序号 行业 1 燃气");
    }

    #[test]
    fn records_are_newest_first() {
        let all = records(&site(""));
        let dates: Vec<Option<NaiveDate>> = all.iter().map(|r| r.date).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted);
    }
}
