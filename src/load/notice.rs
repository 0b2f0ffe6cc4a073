//! Notices (`content/notices/**/*.md`) and standing pages (`content/pages/*.md`):
//! front matter in TOML (`+++`) or YAML (`---`) with English or Chinese keys.

pub mod doc_number;
pub mod files;
mod reader;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::diag::{normalize_header, relative_path};
use crate::diag::{Finding, Findings};
use crate::load::frontmatter::Field;
use reader::Reader;

/// Where notices live, relative to the site root.
pub const NOTICES_DIR: &str = "content/notices";
/// Where standing pages live, relative to the site root.
pub const PAGES_DIR: &str = "content/pages";
/// The 栏目 of a notice that names none.
pub const DEFAULT_CATEGORY: &str = "通知公告";

/// The front matter shown to staff whose notice has none.
const NOTICE_TEMPLATE: &str =
    "---\n标题: 关于开展重大事故隐患排查整治的通知\n成文日期: 2024年2月1日\n公开属性: 主动公开\n---";
/// The front matter shown to staff whose page has none.
const PAGE_TEMPLATE: &str = "---\n标题: 政府信息公开指南\n---";

/// 公开属性. Only [`DisclosureMode::Active`] is ever published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DisclosureMode {
    /// 主动公开
    Active,
    /// 依申请公开
    OnRequest,
    /// 不予公开
    Withheld,
}

impl DisclosureMode {
    /// Reads 公开属性 as offices write it (spaces and full-width forms ignored):
    /// 主动公开 / 依申请公开 / 不予公开, their short forms, or the English names.
    pub fn parse(text: &str) -> Option<DisclosureMode> {
        let key = normalize_header(text).to_ascii_lowercase();
        Some(match key.as_str() {
            "主动公开" | "主动" | "active" => DisclosureMode::Active,
            "依申请公开" | "依申请" | "on_request" | "onrequest" => {
                DisclosureMode::OnRequest
            }
            "不予公开" | "不公开" | "withheld" => DisclosureMode::Withheld,
            _ => return None,
        })
    }

    /// 主动公开 / 依申请公开 / 不予公开
    pub fn label(self) -> &'static str {
        match self {
            DisclosureMode::Active => "主动公开",
            DisclosureMode::OnRequest => "依申请公开",
            DisclosureMode::Withheld => "不予公开",
        }
    }
}

/// One notice, read. Whether it is published is [`Notice::is_published`].
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// URL-safe name, from the file name (or a `slug` key), unique among notices.
    pub slug: String,
    /// Relative to the site root, `/`-separated.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// 成文日期
    pub date: NaiveDate,
    /// 发布日期 as written in the front matter; when absent the publication record
    /// (`published.toml`, see `calendar::record`) gives it.
    pub published: Option<NaiveDate>,
    /// 文号
    pub doc_number: Option<String>,
    /// 发文机关; the site's issuer when not given.
    pub issuer: String,
    /// 索引号
    pub index_number: Option<String>,
    /// 栏目; 通知公告 when not given.
    pub category: String,
    /// 公开属性
    pub disclosure: DisclosureMode,
    /// 草稿
    pub draft: bool,
    /// The Markdown body (raw; HTML in it is sanitised when rendered).
    pub body: String,
    /// The line of the file where the body starts (for findings).
    pub body_line: usize,
    /// The files it links that are published with it (`crate::attach`).
    #[serde(skip)]
    pub attachments: Vec<crate::attach::Attachment>,
}

impl Notice {
    /// True when the notice may appear anywhere in the output: 主动公开 and not a draft.
    pub fn is_published(&self) -> bool {
        self.disclosure == DisclosureMode::Active && !self.draft
    }
}

/// A standing page (e.g. 信息公开指南).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// URL-safe name, from the file name (or a `slug` key).
    pub slug: String,
    /// Relative to the site root.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// Optional date.
    pub date: Option<NaiveDate>,
    /// 草稿: not published.
    pub draft: bool,
    /// The Markdown body.
    pub body: String,
}

/// The notice files under `content/notices/`, with attachments beside them known as
/// companions (not reported as stray files): one listing for the build and the preview.
fn notice_paths(root: &Path, findings: &mut Findings) -> Vec<std::path::PathBuf> {
    let attachments = crate::attach::extensions();
    files::content_files(
        root,
        &root.join(NOTICES_DIR),
        &["md", "markdown"],
        &attachments,
        true,
        findings,
    )
}

/// Loads every notice under `content/notices/` (sub-folders too). Returns the notices
/// (sorted by path), published or not, and the number of files read. A notice with an
/// error is reported and left out.
pub fn load_notices(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
) -> (Vec<Notice>, usize) {
    let paths = notice_paths(root, findings);
    let mut notices = Vec::new();
    let mut slugs = HashMap::new();
    for path in &paths {
        let rel = relative_path(root, path);
        let Some(text) = files::read_text(root, path, findings) else {
            continue;
        };
        if let Some(mut notice) = parse_notice(&text, &rel, &config.issuer, findings) {
            if claim_slug(&mut slugs, &notice.slug, &rel, findings) {
                attach_files(root, &mut notice, findings);
                notices.push(notice);
            }
        }
    }
    note_unlinked(root, &notices, findings);
    (notices, paths.len())
}

/// What [`load_notices_cached`] keeps of each notice between calls: its text, the
/// issuer it was read with, and what parsing it gave.
#[derive(Debug, Default, Clone)]
pub struct NoticeCache {
    by_path: HashMap<PathBuf, CachedNotice>,
    /// The last call read the same files, with the same texts and findings, as the one
    /// before it: its result is the same too.
    unchanged: bool,
}

impl NoticeCache {
    /// True when the last [`load_notices_cached`] found every file as the call before
    /// it did (same paths, texts, issuer and findings), so its result is the same.
    pub fn unchanged(&self) -> bool {
        self.unchanged
    }
}

#[derive(Debug, Clone)]
struct CachedNotice {
    text: String,
    issuer: String,
    notice: Option<Notice>,
    findings: Vec<Finding>,
    /// What reading the file reported (encoding), part of what must match.
    read_findings: Vec<Finding>,
}

/// [`load_notices`] for the preview: every file is read again (so no change can be
/// missed), in parallel, but a notice whose text and issuer are the same as at the last
/// call is not parsed again. The result and findings are those of [`load_notices`].
pub fn load_notices_cached(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
    cache: &mut NoticeCache,
) -> (Vec<Notice>, usize) {
    use rayon::prelude::*;
    let paths = notice_paths(root, findings);
    let old = std::mem::take(&mut cache.by_path);
    let old_files = old.len();
    // Per file: its path, what reading it reported, and its parse with whether it is
    // the same as at the last call (`None` when it could not be read).
    type Read = (PathBuf, Findings, Option<(CachedNotice, bool)>);
    let read: Vec<Read> = paths
        .par_iter()
        .map(|path| {
            let rel = relative_path(root, path);
            let mut read_findings = Findings::default();
            let Some(text) = files::read_text(root, path, &mut read_findings) else {
                return (rel, read_findings, None);
            };
            if let Some(hit) = old
                .get(&rel)
                .filter(|c| c.text == text && c.issuer == config.issuer)
            {
                let same = hit.read_findings == read_findings.items;
                let mut hit = hit.clone();
                hit.read_findings.clone_from(&read_findings.items);
                return (rel, read_findings, Some((hit, same)));
            }
            let mut parse_findings = Findings::default();
            let notice = parse_notice(&text, &rel, &config.issuer, &mut parse_findings);
            let cached = CachedNotice {
                text,
                issuer: config.issuer.clone(),
                notice,
                findings: parse_findings.items,
                read_findings: read_findings.items.clone(),
            };
            (rel, read_findings, Some((cached, false)))
        })
        .collect();
    // Unchanged: every file read as before, and no file more or less (an unreadable
    // file is never cached, so it counts as a change every time).
    cache.unchanged = read.len() == old_files
        && read
            .iter()
            .all(|(_, _, cached)| cached.as_ref().is_some_and(|(_, same)| *same));
    let mut notices = Vec::new();
    let mut slugs = HashMap::new();
    for (rel, read_findings, cached) in read {
        findings.extend(read_findings.items);
        let Some((cached, _)) = cached else { continue };
        findings.extend(cached.findings.iter().cloned());
        if let Some(notice) = &cached.notice {
            if claim_slug(&mut slugs, &notice.slug, &rel, findings) {
                // The files beside a notice are looked at every time: they change
                // without the notice's text changing.
                let mut notice = notice.clone();
                attach_files(root, &mut notice, findings);
                notices.push(notice);
            }
        }
        cache.by_path.insert(rel, cached);
    }
    note_unlinked(root, &notices, findings);
    (notices, paths.len())
}

/// Resolves the files a published notice links (drafts and notices not published are
/// not looked at: nothing of theirs is published).
fn attach_files(root: &Path, notice: &mut Notice, findings: &mut Findings) {
    if !notice.is_published() {
        return;
    }
    notice.attachments = crate::attach::resolve(
        root,
        &notice.path,
        &notice.slug,
        &notice.body,
        notice.body_line,
        findings,
    );
    findings.extend(crate::attach::unscannable_note(
        &notice.path,
        &notice.attachments,
        root,
    ));
}

/// A photo or document among the notices that no published notice links is not
/// published: say so, so nobody thinks it is on the site.
fn note_unlinked(root: &Path, notices: &[Notice], findings: &mut Findings) {
    let dir = root.join(NOTICES_DIR);
    let linked: std::collections::HashSet<&Path> = notices
        .iter()
        .flat_map(|n| n.attachments.iter().map(|a| a.source.as_path()))
        .collect();
    // The other files of the folder were reported by the notices' own walk.
    let mut ignored = Findings::default();
    let files = files::content_files(
        root,
        &dir,
        &crate::attach::extensions(),
        &["md", "markdown"],
        true,
        &mut ignored,
    );
    for file in files {
        let rel = relative_path(root, &file);
        if !linked.contains(rel.as_path()) {
            findings.push(
                Finding::note("attachment-not-linked", "没有已公开的通知链接这个文件，不会发布")
                    .in_file(rel)
                    .with_help("要随通知发布，请在通知正文中链接它，例如 [附件名称](fj/文件名.pdf)；照片写作 ![说明](fj/照片.jpg)。"),
            );
        }
    }
}

/// Loads every standing page in `content/pages/` (that folder only). Returns the pages
/// (sorted by path) and the number of files read.
pub fn load_pages(root: &Path, findings: &mut Findings) -> (Vec<Page>, usize) {
    let dir = root.join(PAGES_DIR);
    let paths = files::content_files(root, &dir, &["md", "markdown"], &[], false, findings);
    let mut pages = Vec::new();
    let mut slugs = HashMap::new();
    for path in &paths {
        let rel = relative_path(root, path);
        let Some(text) = files::read_text(root, path, findings) else {
            continue;
        };
        if let Some(page) = parse_page(&text, &rel, findings) {
            if claim_slug(&mut slugs, &page.slug, &rel, findings) {
                pages.push(page);
            }
        }
    }
    (pages, paths.len())
}

/// Reads one notice from its decoded text. `rel` is the file relative to the site root
/// (for findings and the slug); `default_issuer` is the site's issuer. `None` when an
/// error leaves nothing that could be published; every problem is in `findings`.
pub fn parse_notice(
    text: &str,
    rel: &Path,
    default_issuer: &str,
    findings: &mut Findings,
) -> Option<Notice> {
    let mut r = Reader::new(text, rel, findings, NOTICE_TEMPLATE)?;
    r.check_keys(&Field::ALL, "通知");
    let title = r.required_text(Field::Title, "关于……的通知");
    let date = r.date(true);
    let published = r.published();
    let disclosure = r.disclosure();
    let draft = r.draft();
    let doc_number = r.text(Field::DocNumber);
    if let Some(number) = &doc_number {
        r.check_doc_number(number);
    }
    let issuer = r.text(Field::Issuer);
    let index_number = r.text(Field::IndexNumber);
    let category = r.text(Field::Category);
    let slug = r.slug();
    r.check_body();
    Some(Notice {
        slug: slug?,
        path: rel.to_path_buf(),
        title: title?,
        date: date??,
        published: published?,
        doc_number,
        issuer: issuer.unwrap_or_else(|| default_issuer.to_string()),
        index_number,
        category: category.unwrap_or_else(|| DEFAULT_CATEGORY.to_string()),
        disclosure: disclosure?,
        draft: draft?,
        body: r.doc.body,
        attachments: Vec::new(),
        body_line: r.doc.body_line,
    })
}

/// Reads one standing page from its decoded text (see [`parse_notice`]): title
/// required, date optional, draft.
pub fn parse_page(text: &str, rel: &Path, findings: &mut Findings) -> Option<Page> {
    let mut r = Reader::new(text, rel, findings, PAGE_TEMPLATE)?;
    r.check_keys(
        &[Field::Title, Field::Date, Field::Draft, Field::Slug],
        "独立页面",
    );
    let title = r.required_text(Field::Title, "信息公开指南");
    let date = r.date(false);
    let draft = r.draft();
    let slug = r.slug();
    Some(Page {
        slug: slug?,
        path: rel.to_path_buf(),
        title: title?,
        date: date?,
        draft: draft?,
        body: r.doc.body,
    })
}

/// Records `slug` as taken by `rel`; on a collision reports an error naming both files
/// and returns false.
fn claim_slug(
    taken: &mut HashMap<String, PathBuf>,
    slug: &str,
    rel: &Path,
    findings: &mut Findings,
) -> bool {
    if let Some(first) = taken.get(slug) {
        findings.push(
            Finding::error(
                "slug-duplicate",
                format!(
                    "网址名“{slug}”与 {} 相同，两个文件会生成同一个网页",
                    first.display()
                ),
            )
            .in_file(rel)
            .with_value(slug)
            .with_help(format!(
                "请给 {} 或 {} 改一个不同的文件名，或在其中一个的头部信息中写不同的 slug。",
                first.display(),
                rel.display()
            )),
        );
        return false;
    }
    taken.insert(slug.to_string(), rel.to_path_buf());
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    #[test]
    fn cached_notices_equal_uncached_and_follow_edits() {
        let dir = tempfile::tempdir().unwrap();
        let notices = dir.path().join(NOTICES_DIR);
        std::fs::create_dir_all(&notices).unwrap();
        let note = |title: &str| {
            format!("+++\ntitle = \"{title}\"\ndate = 2025-03-01\ndisclosure = \"主动公开\"\n+++\n\n正文。\n")
        };
        std::fs::write(notices.join("a.md"), note("甲")).unwrap();
        std::fs::write(notices.join("b.md"), note("乙")).unwrap();
        std::fs::write(notices.join("c.md"), "+++\ntitle = \n+++\n").unwrap();
        let config = SiteConfig::parse(
            "title = \"t\"\nissuer = \"南庄镇人民政府\"\nbase_url = \"https://x/\"\n",
            &mut Findings::default(),
        )
        .unwrap();
        let mut cache = NoticeCache::default();
        let both = |cache: &mut NoticeCache| {
            let mut plain = Findings::default();
            let a = load_notices(dir.path(), &config, &mut plain);
            let mut cached = Findings::default();
            let b = load_notices_cached(dir.path(), &config, &mut cached, cache);
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
            assert_eq!(format!("{plain:?}"), format!("{cached:?}"));
            b.0
        };
        assert_eq!(both(&mut cache).len(), 2);
        assert!(!cache.unchanged(), "the first read is a change");
        assert_eq!(both(&mut cache).len(), 2, "from the cache");
        assert!(cache.unchanged(), "nothing changed");
        std::fs::write(notices.join("b.md"), note("丙")).unwrap();
        let titles: Vec<String> = both(&mut cache).into_iter().map(|n| n.title).collect();
        assert!(titles.contains(&"丙".to_string()), "{titles:?}");
        assert!(!cache.unchanged(), "an edit is a change");
        std::fs::remove_file(notices.join("a.md")).unwrap();
        assert_eq!(both(&mut cache).len(), 1);
        assert!(!cache.unchanged(), "a removal is a change");
        assert_eq!(cache.by_path.len(), 2, "the removed notice is forgotten");
    }

    fn parse(text: &str) -> (Option<Notice>, Findings) {
        let mut findings = Findings::default();
        let notice = parse_notice(
            text,
            Path::new("content/notices/通知.md"),
            "南庄镇人民政府",
            &mut findings,
        );
        (notice, findings)
    }

    fn codes(findings: &Findings) -> Vec<(&'static str, Option<usize>, Severity)> {
        findings
            .items
            .iter()
            .map(|f| (f.code, f.row, f.severity))
            .collect()
    }

    #[test]
    fn toml_notice_with_english_keys() {
        let (notice, findings) = parse(
            "+++\ntitle = \"关于开展重大事故隐患专项排查的通知\"\ndate = 2024-02-01\n\
             doc_number = \"南政发〔2024〕3号\"\nissuer = \"南庄镇安委办\"\nindex_number = \"NZ-2024-0003\"\n\
             category = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n正文\n",
        );
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        let n = notice.unwrap();
        assert_eq!(n.title, "关于开展重大事故隐患专项排查的通知");
        assert_eq!(n.date, NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
        assert_eq!(n.doc_number.as_deref(), Some("南政发〔2024〕3号"));
        assert_eq!(n.issuer, "南庄镇安委办");
        assert_eq!(n.index_number.as_deref(), Some("NZ-2024-0003"));
        assert_eq!(n.category, "政策文件");
        assert_eq!(n.slug, "通知");
        assert_eq!(n.body, "正文\n");
        assert_eq!(n.body_line, 10);
        assert!(n.is_published());
    }

    #[test]
    fn yaml_notice_with_chinese_keys_gets_defaults() {
        let (notice, findings) = parse(
            "---\n标题: 镇安委办工作动态\n成文日期: 2024年2月1日\n公开属性: 依申请公开\n草稿: 是\n---\n正文\n",
        );
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        let n = notice.unwrap();
        assert_eq!(n.issuer, "南庄镇人民政府");
        assert_eq!(n.category, DEFAULT_CATEGORY);
        assert_eq!(n.disclosure, DisclosureMode::OnRequest);
        assert!(n.draft);
        assert!(!n.is_published());
    }

    #[test]
    fn required_fields_are_errors() {
        let (notice, findings) = parse("---\n作者: 张三\n---\n正文\n");
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![
                ("front-matter-unknown-key", Some(2), Severity::Warning),
                ("front-matter-missing-field", Some(1), Severity::Error),
                ("front-matter-missing-field", Some(1), Severity::Error),
                ("front-matter-missing-disclosure", Some(1), Severity::Error),
            ]
        );
        assert!(findings.items[3]
            .help
            .as_deref()
            .unwrap()
            .contains("主动公开"));
        assert!(findings.items[3]
            .help
            .as_deref()
            .unwrap()
            .contains("依申请公开"));
    }

    #[test]
    fn bad_values_are_reported_on_their_line() {
        let (notice, findings) = parse(
            "---\ntitle: 通知\ndate: 2024年2月30日\ndisclosure: 公开\ndraft: 也许\ndoc_number: 南政发[2024]第03号\n---\n正文\n",
        );
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![
                ("front-matter-bad-date", Some(3), Severity::Error),
                ("front-matter-bad-disclosure", Some(4), Severity::Error),
                ("front-matter-bad-draft", Some(5), Severity::Error),
                ("doc-number-format", Some(6), Severity::Warning),
            ]
        );
        let doc = &findings.items[3].message;
        assert!(
            doc.contains("六角括号") && doc.contains("第") && doc.contains("虚位"),
            "{doc}"
        );
    }

    #[test]
    fn doc_number_warning_keeps_the_notice() {
        let (notice, findings) = parse(
            "+++\n标题 = \"通知\"\n日期 = \"2024-02-01\"\n文号 = \"南政发(2024)3号\"\n公开属性 = \"主动公开\"\n+++\n正文\n",
        );
        assert!(notice.is_some());
        assert_eq!(
            codes(&findings),
            vec![("doc-number-format", Some(4), Severity::Warning)]
        );
    }

    #[test]
    fn duplicate_fields_in_two_languages() {
        let (notice, findings) =
            parse("---\ntitle: 甲\n标题: 乙\ndate: 2024-02-01\n公开属性: 主动公开\n---\n正文\n");
        assert_eq!(notice.unwrap().title, "甲");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-duplicate-key", Some(3), Severity::Warning)]
        );
    }

    #[test]
    fn slug_key_overrides_and_is_made_safe() {
        let (notice, findings) = parse(
            "---\ntitle: 甲\ndate: 2024-02-01\n公开属性: 主动公开\nslug: ../2024 排查\n---\n正文\n",
        );
        assert_eq!(notice.unwrap().slug, "2024-排查");
        assert_eq!(
            codes(&findings),
            vec![("slug-changed", Some(5), Severity::Warning)]
        );
    }

    #[test]
    fn no_front_matter_and_syntax_errors() {
        let (notice, findings) = parse("# 通知\n正文");
        assert!(notice.is_none());
        assert_eq!(
            codes(&findings),
            vec![("front-matter-missing", Some(1), Severity::Error)]
        );
        let (_, findings) = parse("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-syntax", Some(3), Severity::Error)]
        );
    }

    #[test]
    fn pages_need_a_title_only() {
        let mut findings = Findings::default();
        let page = parse_page(
            "---\n标题: 信息公开指南\n文号: x\n---\n正文\n",
            Path::new("content/pages/guide.md"),
            &mut findings,
        )
        .unwrap();
        assert_eq!(
            (page.title.as_str(), page.date, page.draft),
            ("信息公开指南", None, false)
        );
        assert_eq!(page.slug, "guide");
        assert_eq!(
            codes(&findings),
            vec![("front-matter-unused-key", Some(3), Severity::Warning)]
        );
        let mut findings = Findings::default();
        assert!(parse_page(
            "---\ndate: 2024-01-01\n---\n",
            Path::new("content/pages/x.md"),
            &mut findings
        )
        .is_none());
        assert_eq!(
            codes(&findings),
            vec![("front-matter-missing-field", Some(1), Severity::Error)]
        );
    }

    #[test]
    fn disclosure_values() {
        assert_eq!(
            DisclosureMode::parse(" 主动公开 "),
            Some(DisclosureMode::Active)
        );
        assert_eq!(
            DisclosureMode::parse("依申请公开"),
            Some(DisclosureMode::OnRequest)
        );
        assert_eq!(
            DisclosureMode::parse("不予公开"),
            Some(DisclosureMode::Withheld)
        );
        assert_eq!(DisclosureMode::parse("公开"), None);
        assert_eq!(DisclosureMode::Active.label(), "主动公开");
    }
}
