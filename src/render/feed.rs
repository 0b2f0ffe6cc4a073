//! The Atom feed of notices and monthly disclosures (`feed.xml`).
//!
//! Written with `atom_syndication`, which escapes every value. Dates come from the
//! content (a notice's 成文日期, a month's disclosure day), never from the clock, so two
//! builds of the same input give the same bytes. Times are midnight China Standard Time.

use atom_syndication::{
    Category, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};
use chrono::{FixedOffset, NaiveDate, TimeZone};

use crate::load::Notice;
use crate::model::{Disclosure, MonthReport};

use super::urls;
use super::OutputFile;

/// At most this many entries, newest first: feed readers only look at the latest, and a
/// county with thousands of notices should not ship a feed of megabytes.
pub const MAX_ENTRIES: usize = 50;

/// China Standard Time, UTC+8 (no daylight saving).
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

fn midnight(date: NaiveDate) -> FixedDateTime {
    cst()
        .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .single()
        .unwrap_or_else(|| cst().from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN)))
}

/// Where links in the feed point and what ids look like. With a `base_url` both are
/// absolute URLs; without one, links are relative to the feed (which sits at the output
/// root) and ids are `urn:gongkai:` names, since an Atom id must be an absolute IRI.
struct Addresses<'a> {
    base_url: &'a str,
    issuer: &'a str,
}

impl Addresses<'_> {
    fn link(&self, path: &str) -> String {
        if self.base_url.trim().is_empty() {
            urls::href("", path)
        } else {
            urls::absolute(self.base_url, path)
        }
    }

    fn id(&self, path: &str) -> String {
        if self.base_url.trim().is_empty() {
            format!(
                "urn:gongkai:{}:{}",
                urls::href("", &urls::slug(self.issuer)),
                urls::href("", path)
            )
        } else {
            urls::absolute(self.base_url, path)
        }
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..Link::default()
    }
}

/// `feed.xml`: an Atom 1.0 feed with one entry per published notice and per month, the
/// newest [`MAX_ENTRIES`].
pub fn atom(site: &Disclosure) -> OutputFile {
    let config = &site.config;
    let at = Addresses {
        base_url: &config.base_url,
        issuer: &config.issuer,
    };
    let author = Person {
        name: config.issuer.clone(),
        ..Person::default()
    };

    let mut entries: Vec<Entry> = site
        .notices
        .iter()
        .filter(|n| n.is_published())
        .map(|n| notice_entry(n, &at))
        .chain(site.months.iter().map(|m| month_entry(m, &at, &author)))
        .chain(
            site.ledger
                .corrections
                .iter()
                .map(|c| correction_entry(c, &at, &author)),
        )
        .collect();
    // Newest first; ties broken by id so the order never depends on input order.
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(MAX_ENTRIES);

    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| midnight(NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date")));

    let feed = Feed {
        title: Text::plain(config.title.clone()),
        id: at.id(urls::FEED),
        updated,
        authors: vec![author],
        links: vec![
            link(at.link(urls::FEED), "self", Some("application/atom+xml")),
            link(at.link(urls::HOME), "alternate", Some("text/html")),
        ],
        subtitle: Some(Text::plain(format!(
            "{}：重大事故隐患排查整治情况每月公开、通知公告",
            config.issuer
        ))),
        generator: Some(Generator {
            value: "gongkai".to_string(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        lang: Some("zh-CN".to_string()),
        entries,
        ..Feed::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    // Writing into a Vec only fails on a bug in the writer; an empty feed file is the
    // least harmful outcome then, and the pages are unaffected.
    let mut bytes = feed
        .write_with_config(Vec::new(), config)
        .unwrap_or_default();
    bytes.push(b'\n');
    OutputFile {
        path: urls::FEED.to_string(),
        bytes,
        source: None,
    }
}

fn notice_entry(notice: &Notice, at: &Addresses<'_>) -> Entry {
    let path = urls::notice_path(&notice.slug);
    let when = midnight(notice.date);
    let mut summary = format!(
        "{}　发布机构：{}",
        notice.date.format("%Y-%m-%d"),
        notice.issuer
    );
    if let Some(number) = &notice.doc_number {
        summary.push_str(&format!("　文号：{number}"));
    }
    Entry {
        title: Text::plain(notice.title.clone()),
        id: at.id(&path),
        updated: when,
        published: Some(when),
        authors: vec![Person {
            name: notice.issuer.clone(),
            ..Person::default()
        }],
        categories: vec![Category {
            term: notice.category.clone(),
            label: Some(notice.category.clone()),
            ..Category::default()
        }],
        links: vec![link(at.link(&path), "alternate", Some("text/html"))],
        summary: Some(Text::plain(summary)),
        source: None,
        ..Entry::default()
    }
}

/// A correction of a published month: what changed, from what to what, why, and who
/// approved it (the public 更正记录 page is its link).
fn correction_entry(
    c: &crate::ledger::seal::SealedCorrection,
    at: &Addresses<'_>,
    author: &Person,
) -> Entry {
    let path = super::pages::corrections::CORRECTIONS;
    let when = NaiveDate::parse_from_str(&c.date, "%Y-%m-%d")
        .map(midnight)
        .unwrap_or_else(|_| midnight(NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date")));
    let month = crate::hazard::YearMonth::parse(&c.month)
        .map(|m| m.to_chinese())
        .unwrap_or_else(|| c.month.clone());
    let column = if c.column.is_empty() {
        "整条隐患"
    } else {
        &c.column
    };
    let shown = |v: &str| {
        if v.is_empty() {
            "（空）".to_string()
        } else {
            v.to_string()
        }
    };
    Entry {
        title: Text::plain(format!("更正：{month}隐患 {}“{column}”", c.id)),
        id: format!(
            "{}#{}",
            at.id(path),
            urls::slug(&format!("{}-{}-{}-{}", c.month, c.id, column, c.date))
        ),
        updated: when,
        published: Some(when),
        authors: vec![author.clone()],
        categories: vec![Category {
            term: "更正记录".to_string(),
            label: Some("更正记录".to_string()),
            ..Category::default()
        }],
        links: vec![link(at.link(path), "alternate", Some("text/html"))],
        summary: Some(Text::plain(format!(
            "{month}已公开的隐患 {}“{column}”由{}更正为{}。更正原因：{}；更正日期 {}，批准人 {}。",
            c.id,
            shown(&c.old),
            shown(&c.new),
            c.reason,
            c.date,
            c.approver
        ))),
        ..Entry::default()
    }
}

fn month_entry(month: &MonthReport, at: &Addresses<'_>, author: &Person) -> Entry {
    let path = urls::month_path(month.month);
    let when = midnight(month.due);
    let total = &month.stats.total;
    let summary = format!(
        "截至{}：公开隐患 {} 项，已整改 {} 项（整改率 {:.1}%），其中已销号 {} 项；未整改完成 {} 项，逾期 {} 项；挂牌督办 {} 项。本月新增 {} 项。",
        month.due.format("%Y年%-m月%-d日"),
        total.listed,
        total.rectified,
        total.rate * 100.0,
        total.closed,
        total.open,
        total.overdue,
        total.supervised,
        month.changes.new.len(),
    );
    Entry {
        title: Text::plain(format!(
            "{}重大事故隐患清单及整改情况",
            month.month.to_chinese()
        )),
        id: at.id(&path),
        updated: when,
        published: Some(when),
        authors: vec![author.clone()],
        categories: vec![Category {
            term: "每月公开".to_string(),
            label: Some("每月公开".to_string()),
            ..Category::default()
        }],
        links: vec![link(at.link(&path), "alternate", Some("text/html"))],
        summary: Some(Text::plain(summary)),
        ..Entry::default()
    }
}

/// A small site built through the real model, for the unit tests of the render modules.
#[cfg(test)]
pub(crate) mod test_site {
    use std::path::PathBuf;

    use chrono::NaiveDate;

    use crate::config::SiteConfig;
    use crate::diag::Findings;
    use crate::hazard::{HazardRecord, Level, RowOrigin, Source, Status, YearMonth};
    use crate::load::{DisclosureMode, LoadedSite, Notice, RegisterFile};
    use crate::model::Disclosure;

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn record(id: &str, status: Status) -> HazardRecord {
        HazardRecord {
            title: format!("隐患 {id} <消防> & \"通道\""),
            unit: "某某煤业有限公司".to_string(),
            locality: Some("东庄村".to_string()),
            sector: Some("煤矿".to_string()),
            level: Some(Level::Major),
            source: Some(Source::Enforcement),
            supervised: true,
            supervisor: Some("县安委办".to_string()),
            found: Some(date(2024, 4, 2)),
            measures: Some("=HYPERLINK(\"http://evil\")".to_string()),
            funds: Some(12.5),
            deadline: Some(date(2024, 5, 10)),
            plan: Some("+预案".to_string()),
            progress: Some("-进行中".to_string()),
            notes: Some("@备注".to_string()),
            origin: RowOrigin {
                file: PathBuf::from("content/registers/2024-05/东庄村.csv"),
                row: 3,
                sheet: None,
            },
            withheld: vec!["李四举报人".to_string(), "13912345678".to_string()],
            withheld_columns: vec!["举报人".to_string(), "举报人电话".to_string()],
            ..HazardRecord::sample(id, status)
        }
    }

    pub fn notice(slug: &str, date: NaiveDate, mode: DisclosureMode, draft: bool) -> Notice {
        Notice {
            slug: slug.to_string(),
            path: PathBuf::from(format!("content/notices/{slug}.md")),
            title: format!("关于{slug}的通知 <b>&</b>"),
            date,
            published: None,
            doc_number: Some("南政发〔2024〕3号".to_string()),
            issuer: "文水县南庄镇人民政府".to_string(),
            index_number: None,
            category: "通知公告".to_string(),
            disclosure: mode,
            draft,
            body: "正文".to_string(),
            body_line: 5,
            attachments: Vec::new(),
        }
    }

    /// Two months (2024-04, 2024-05), three notices of which one is published.
    pub fn site(base_url: &str) -> Disclosure {
        let text = format!(
            "title = \"南庄镇安全生产信息公开\"\nissuer = \"文水县南庄镇人民政府\"\nbase_url = \"{base_url}\"\n"
        );
        let config = SiteConfig::parse(&text, &mut Findings::default()).unwrap();
        let file = |ym: YearMonth, records: Vec<HazardRecord>| RegisterFile {
            path: PathBuf::from(format!("content/registers/{ym}/东庄村.csv")),
            month: ym,
            encoding: "UTF-8",
            header_row: 2,
            data_rows: records.len(),
            unpublished_columns: vec!["举报人".to_string()],
            records: records.into_iter().map(std::sync::Arc::new).collect(),
        };
        let april = YearMonth::new(2024, 4).unwrap();
        let may = YearMonth::new(2024, 5).unwrap();
        let mut done = record("NZ-002", Status::Rectified);
        done.done = Some(date(2024, 5, 8));
        let loaded = LoadedSite {
            root: PathBuf::from("/site"),
            config,
            registers: vec![
                file(april, vec![record("NZ-001", Status::NotStarted)]),
                file(may, vec![record("NZ-001", Status::InProgress), done]),
            ],
            notices: vec![
                notice(
                    "published",
                    date(2024, 5, 20),
                    DisclosureMode::Active,
                    false,
                ),
                notice("secret", date(2024, 5, 21), DisclosureMode::Withheld, false),
                notice("draft", date(2024, 5, 22), DisclosureMode::Active, true),
            ],
            pages: vec![],
            tasks: vec![],
            files_read: 6,
        };
        crate::model::build(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::test_site::site;
    use super::*;

    fn feed_text(base_url: &str) -> String {
        let file = atom(&site(base_url));
        assert_eq!(file.path, "feed.xml");
        String::from_utf8(file.bytes).unwrap()
    }

    #[test]
    fn parses_back_with_expected_entries() {
        let text = feed_text("https://www.example.gov.cn/nz/aqsc/");
        let feed = Feed::read_from(text.as_bytes()).expect("valid Atom");
        let titles: Vec<&str> = feed
            .entries
            .iter()
            .map(|e| e.title.value.as_str())
            .collect();
        assert_eq!(
            titles,
            [
                "2024年5月重大事故隐患清单及整改情况",
                "关于published的通知 <b>&</b>",
                "2024年4月重大事故隐患清单及整改情况",
            ]
        );
        assert_eq!(feed.updated.to_rfc3339(), "2024-05-25T00:00:00+08:00");
        assert_eq!(
            feed.entries[1].links[0].href,
            "https://www.example.gov.cn/nz/aqsc/notices/published/index.html"
        );
        assert_eq!(feed.id, "https://www.example.gov.cn/nz/aqsc/feed.xml");
    }

    #[test]
    fn unpublished_notices_never_appear() {
        let text = feed_text("https://x.gov.cn");
        assert!(!text.contains("secret"));
        assert!(!text.contains("draft"));
        assert!(text.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "escaped title");
    }

    #[test]
    fn base_url_without_slash_and_empty() {
        let text = feed_text("https://x.gov.cn/nz");
        assert!(text.contains("href=\"https://x.gov.cn/nz/months/2024-05/index.html\""));
        let text = feed_text("");
        assert!(text.contains("href=\"months/2024-05/index.html\""));
        assert!(text.contains("<id>urn:gongkai:"));
        assert!(Feed::read_from(text.as_bytes()).is_ok());
    }

    #[test]
    fn deterministic() {
        assert_eq!(
            feed_text("https://x.gov.cn/"),
            feed_text("https://x.gov.cn/")
        );
    }
}
