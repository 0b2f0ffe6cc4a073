//! The site states its own timeliness: when it was last updated and when the next
//! monthly disclosure is due (every page's footer), which months are missing past their
//! due date (home page, month index), when each month was published against its due
//! date (month index, month page), and a 年度公开情况 page per year with its CSV.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::{PageJob, Section, SiteContext};
use crate::calendar::annual::{annual_reports, AnnualMonth, AnnualReport, CSV_HEADERS};
use crate::calendar::{MonthDuty, Timeline};
use crate::model::Disclosure;
use crate::render::opendata::neutralise;
use crate::render::views::DateView;
use crate::render::{urls, OutputFile};

/// `annual/2024/index.html`
pub fn annual_path(year: i32) -> String {
    format!("annual/{year}/index.html")
}

/// `annual/2024.csv`
pub fn annual_csv_path(year: i32) -> String {
    format!("annual/{year}.csv")
}

/// One month's due and publication dates, as every page may show them.
#[derive(Debug, Clone, Serialize)]
pub struct MonthTime {
    pub label: String,
    pub due: DateView,
    pub published: Option<DateView>,
    /// Days after the due date it was published, or is missing by.
    pub days_late: Option<i64>,
    /// `2024年7月台账应于7月25日前公开，尚未公开（已逾期 10 天）` for a missing month;
    /// `于2024年7月28日公开，逾期 3 天` for a late one; empty when on time.
    pub text: String,
}

impl MonthTime {
    fn new(duty: &MonthDuty, timeline: &Timeline) -> Self {
        let days_late = duty.days_late(timeline.today);
        let due_short = format!("{}月{}日", duty.due.month(), duty.due.day());
        let text = match (duty.published, days_late) {
            (None, Some(days)) if duty.is_missing() => format!(
                "{}台账应于{due_short}前公开，尚未公开（已逾期 {days} 天）",
                duty.month.to_chinese()
            ),
            (Some(published), Some(days)) => format!(
                "{}台账应于{due_short}前公开，于{}公开，逾期公开 {days} 天",
                duty.month.to_chinese(),
                DateView::new(published).zh
            ),
            _ => String::new(),
        };
        MonthTime {
            label: duty.month.to_chinese(),
            due: DateView::new(duty.due),
            published: DateView::opt(duty.published),
            days_late,
            text,
        }
    }
}

/// What every page knows about the site's timeliness.
#[derive(Debug, Clone, Serialize)]
pub struct TimelyView {
    /// The latest publication date of any month or notice.
    pub last_updated: Option<DateView>,
    /// The next month due: `2024年11月`, its due date, and by how many days it is late.
    pub next_label: Option<String>,
    pub next_due: Option<DateView>,
    pub next_days_late: Option<i64>,
    /// Months missing past their due date, oldest first.
    pub missing: Vec<MonthTime>,
    /// Every month published or missing, by `2024-05`.
    pub months: BTreeMap<String, MonthTime>,
    /// The years with a 年度公开情况 page, newest first: (year, path).
    pub years: Vec<(i32, String)>,
}

impl TimelyView {
    /// The view of the model's timeline.
    pub fn new(site: &Disclosure) -> Self {
        let timeline = &site.timeline;
        let months: BTreeMap<String, MonthTime> = timeline
            .months
            .iter()
            .map(|d| (d.month.to_string(), MonthTime::new(d, timeline)))
            .collect();
        let missing = timeline
            .missing()
            .map(|d| MonthTime::new(d, timeline))
            .collect();
        let next = timeline.next_due;
        let mut years: Vec<(i32, String)> = annual_years(site)
            .into_iter()
            .map(|y| (y, annual_path(y)))
            .collect();
        years.reverse();
        TimelyView {
            last_updated: DateView::opt(timeline.last_updated()),
            next_label: next.map(|(m, _)| m.to_chinese()),
            next_due: next.map(|(_, d)| DateView::new(d)),
            next_days_late: next
                .map(|(_, d)| (timeline.today - d).num_days())
                .filter(|d| *d > 0),
            missing,
            months,
            years,
        }
    }
}

fn reports(site: &Disclosure) -> Vec<AnnualReport> {
    // Each hazard's latest record: its dates as last reported.
    let latest = site.hazards.values().filter_map(|h| {
        site.month(h.latest_month)?
            .entry(&h.id)
            .map(|e| e.record.as_ref())
    });
    annual_reports(&site.timeline, &site.notices, latest)
}

fn annual_years(site: &Disclosure) -> Vec<i32> {
    let timeline = &site.timeline;
    let mut years: Vec<i32> = timeline.months.iter().map(|m| m.month.year).collect();
    years.extend(timeline.notices.values().map(|d| d.year()));
    years.sort_unstable();
    years.dedup();
    years
}

#[derive(Debug, Clone, Serialize)]
struct AnnualMonthView {
    label: String,
    path: Option<String>,
    due: DateView,
    published: Option<DateView>,
    days_late: Option<i64>,
    present: bool,
}

impl AnnualMonthView {
    fn new(m: &AnnualMonth, site: &Disclosure) -> Self {
        AnnualMonthView {
            label: m.month.to_chinese(),
            path: site.month(m.month).map(|_| urls::month_path(m.month)),
            due: DateView::new(m.due),
            published: DateView::opt(m.published),
            days_late: m.days_late,
            present: site.month(m.month).is_some(),
        }
    }
}

/// The 年度公开情况 pages, one per year.
pub fn pages(ctx: &SiteContext) -> Vec<PageJob<'static>> {
    let site = ctx.site;
    reports(site)
        .into_iter()
        .map(|report| {
            let path = annual_path(report.year);
            let title = format!("{}年度公开情况", report.year);
            let mut c = ctx.context(&path, &title, Section::Disclosure, Vec::new());
            let mut months: Vec<AnnualMonthView> = report
                .on_time
                .iter()
                .chain(&report.late)
                .chain(&report.missing)
                .chain(&report.undated)
                .map(|m| AnnualMonthView::new(m, site))
                .collect();
            months.sort_by(|a, b| a.due.iso.cmp(&b.due.iso));
            c.insert("year", &report.year);
            c.insert("report", &report);
            c.insert("annual_months", &months);
            c.insert("csv_path", &annual_csv_path(report.year));
            c.insert("today", &DateView::new(site.timeline.today));
            ctx.job(
                path,
                "annual.html",
                format!("{}年度公开情况页", report.year),
                c,
            )
        })
        .collect()
}

/// The CSV of every year's figures: UTF-8 with BOM and CRLF (opens in Excel and WPS),
/// cells neutralised against formulas.
pub fn csv_files(site: &Disclosure) -> Vec<OutputFile> {
    reports(site)
        .iter()
        .map(|report| {
            let mut bytes = "\u{feff}".as_bytes().to_vec();
            {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(&mut bytes);
                // Writing to a Vec cannot fail.
                let _ = w.write_record(CSV_HEADERS);
                for row in report.csv_rows() {
                    let _ = w.write_record(row.iter().map(|c| neutralise(c)));
                }
                let _ = w.flush();
            }
            OutputFile {
                path: annual_csv_path(report.year),
                bytes,
                source: None,
            }
        })
        .collect()
}
