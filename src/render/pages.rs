//! Pages: which pages the site has, and the context each is rendered with.
//!
//! [`all`] lists every page as a [`PageJob`] (output path, template, context built
//! once). The page kinds live in submodules; this file holds what every page shares:
//! the `root` prefix, navigation, breadcrumbs, the hotline for the footer.
//!
//! Every template gets:
//! - `root`: `../` × depth, for links: `{{ some_path | rel(root=root) }}`;
//! - `site` (`title`, `issuer`, `base_url`), `page` (`title`, `path`, `canonical`,
//!   `crumbs`, `section`), `section`, `nav`, `hotline`, `footer_pages`, `latest`, `css`;
//! - `header_html` and `footer_html`: the theme's `header.html` and `footer.html`,
//!   rendered once per root prefix and section ([`SiteContext::prepare`]).
//!
//! Values that name a page carry an `href` relative to the page being rendered (nav
//! items, crumbs, footer pages, hazards, pagers), so templates need no `rel` filter in
//! loops: a county has some 25,000 pages and 170,000 list rows, and the shared part of
//! the context is serialised once per root and section, then cloned.

pub mod corrections;
mod frame;
mod hazard;
mod misc;
mod month;
mod month_lists;
mod notice;
pub mod timely;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Context;

pub use frame::Framed;

use super::urls;
use super::views::{HotlineView, MonthSummary};
use super::{RenderError, RenderOptions};
use crate::model::{Disclosure, HazardEntry};

/// One page to render. Its context is built when the page is rendered (in parallel,
/// and dropped right after), so thousands of hazard pages never sit in memory at once.
/// A job borrows only the model, never the [`SiteContext`]: the context is handed in
/// when the page is rendered, so a plan can own both.
pub struct PageJob<'a> {
    /// Output path, e.g. `months/2024-05/index.html`.
    pub path: String,
    /// Template name, e.g. `month.html`.
    pub template: &'static str,
    /// What the page is, in Chinese, for messages (e.g. two hazards with one URL).
    pub what: String,
    /// The input file the page is made from, if one.
    pub source: Option<PathBuf>,
    context: ContextSource<'a>,
}

/// Builds a page's context from the shared part of every page.
type LazyContext<'a> = Box<dyn Fn(&SiteContext<'_>) -> Framed + Send + Sync + 'a>;

enum ContextSource<'a> {
    Ready(Context),
    Lazy(LazyContext<'a>),
}

impl<'a> PageJob<'a> {
    /// A page whose context is built on demand by `build`.
    pub fn lazy(
        path: String,
        template: &'static str,
        what: String,
        build: impl Fn(&SiteContext<'_>) -> Framed + Send + Sync + 'a,
    ) -> Self {
        PageJob {
            path,
            template,
            what,
            source: None,
            context: ContextSource::Lazy(Box::new(build)),
        }
    }

    /// Calls `render` with everything the template sees; `ctx` is the site the job was
    /// planned for. A page built on demand is rendered in its thread's copy of its
    /// frame ([`frame::FramePool`]) rather than in a copy made for it.
    pub fn with_context<R>(&self, ctx: &SiteContext<'_>, render: impl FnOnce(&Context) -> R) -> R {
        match &self.context {
            ContextSource::Ready(context) => render(context),
            ContextSource::Lazy(build) => {
                ctx.frames
                    .render(build(ctx), |root, section| ctx.base(root, section), render)
            }
        }
    }
}

impl std::fmt::Debug for PageJob<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageJob")
            .field("path", &self.path)
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// The top-level sections; the navigation marks the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Home,
    Disclosure,
    Villages,
    Sectors,
    Notices,
    Data,
    Hotline,
    Other,
}

impl Section {
    /// Every section, for the shared contexts made per section.
    pub const ALL: [Section; 8] = [
        Section::Home,
        Section::Disclosure,
        Section::Villages,
        Section::Sectors,
        Section::Notices,
        Section::Data,
        Section::Hotline,
        Section::Other,
    ];
}

const NAV: [(Section, &str, &str); 7] = [
    (Section::Home, "首页", urls::HOME),
    (Section::Disclosure, "每月公开", urls::DISCLOSURE),
    (Section::Villages, "按村（社区）", urls::VILLAGES),
    (Section::Sectors, "按行业领域", urls::SECTORS),
    (Section::Notices, "通知公告", urls::NOTICES),
    (Section::Data, "开放数据", urls::DATA),
    (Section::Hotline, "举报电话", urls::HOTLINE),
];

/// One navigation link.
#[derive(Debug, Clone, Serialize)]
struct NavItem {
    label: &'static str,
    path: &'static str,
    /// `path` relative to the page.
    href: String,
    current: bool,
}

/// One breadcrumb; the last (the page itself) has no path.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub label: String,
    pub path: Option<String>,
    /// `path` relative to the page (filled in by [`SiteContext::context`]).
    pub href: Option<String>,
}

impl Crumb {
    /// A crumb linking to `path`.
    pub fn link(label: impl Into<String>, path: impl Into<String>) -> Self {
        Crumb {
            label: label.into(),
            path: Some(path.into()),
            href: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct SiteInfo {
    title: String,
    issuer: String,
    base_url: String,
    disclosure_day: u32,
}

#[derive(Debug, Clone, Serialize)]
struct PageLink {
    title: String,
    path: String,
    /// `path` relative to the page.
    href: String,
}

#[derive(Debug, Clone, Serialize)]
struct PageInfo<'a> {
    title: &'a str,
    path: &'a str,
    canonical: Option<String>,
    crumbs: Vec<Crumb>,
    section: Section,
}

/// What every page shares, computed once.
pub struct SiteContext<'a> {
    pub site: &'a Disclosure,
    /// `base_url`, from the options or `site.toml`, with a trailing `/` (or empty).
    pub base_url: String,
    /// Today, for deadlines of task lists (the date the tool takes as today, pinned
    /// with `--today` or `GONGKAI_TODAY` where the output must not depend on the clock).
    pub today: Option<NaiveDate>,
    pub notices_per_page: usize,
    info: SiteInfo,
    hotline: HotlineView,
    footer_pages: Vec<PageLink>,
    latest: Option<MonthSummary>,
    /// Last update, next due month, missing months, publication dates (every page's
    /// footer; the home page, month index and month pages).
    timely: timely::TimelyView,
    /// Each hazard's entry in the latest month it is listed in, by id (the model's
    /// `Disclosure::entry` searches a month linearly; pages look up every hazard).
    latest_entries: FxHashMap<&'a str, &'a HazardEntry>,
    /// The part of the context that is the same for every page with one root prefix
    /// and section (site, navigation, hotline, footer, latest month, and the header
    /// and footer rendered from it), made once by [`SiteContext::prepare`] and cloned
    /// per page instead of serialised and rendered again for each of tens of thousands.
    bases: HashMap<(String, Section), Context>,
    /// The rendering threads' copies of `bases` (see [`frame`]).
    frames: frame::FramePool,
    /// The rows of the months' lists, rendered once ([`super::rows`]); set by the plan.
    pub rows: super::rows::RowFragments,
}

impl<'a> SiteContext<'a> {
    /// The entry of hazard `id` in the latest month it is listed in.
    pub fn latest_entry(&self, id: &str) -> Option<&'a HazardEntry> {
        self.latest_entries.get(id).copied()
    }

    /// Prepares the shared part of every page.
    pub fn new(site: &'a Disclosure, opts: &RenderOptions) -> Self {
        let base = opts
            .base_url
            .clone()
            .unwrap_or_else(|| site.config.base_url.clone());
        let base = base.trim();
        let base_url = if base.is_empty() || base.ends_with('/') {
            base.to_string()
        } else {
            format!("{base}/")
        };
        let footer_pages = site
            .pages
            .iter()
            .filter(|p| !p.draft)
            .map(|p| PageLink {
                title: p.title.clone(),
                path: urls::page_path(&p.slug),
                href: String::new(),
            })
            .collect();
        let mut latest_entries =
            FxHashMap::with_capacity_and_hasher(site.hazards.len(), Default::default());
        for month in &site.months {
            // Later months overwrite earlier ones, leaving each hazard's latest entry.
            for entry in &month.entries {
                latest_entries.insert(entry.record.id.as_str(), entry);
            }
        }
        SiteContext {
            latest_entries,
            bases: HashMap::new(),
            frames: frame::FramePool::default(),
            rows: super::rows::RowFragments::off(),
            site,
            info: SiteInfo {
                title: site.config.title.clone(),
                issuer: site.config.issuer.clone(),
                base_url: base_url.clone(),
                disclosure_day: site.config.disclosure_day,
            },
            base_url,
            // Task lists count 逾期 against today (the model's timeline is empty when
            // the model was built without one: then the latest month's due day).
            today: if site.timeline.today == NaiveDate::default() {
                site.latest().map(|m| m.due)
            } else {
                Some(site.timeline.today)
            },
            timely: timely::TimelyView::new(site),
            notices_per_page: opts.notices_per_page.max(1),
            hotline: HotlineView::new(&site.config.hotline),
            footer_pages,
            latest: site.latest().map(MonthSummary::new),
        }
    }

    /// The context every page starts from. `crumbs` lead from the home page to the
    /// parent; the page's own title is added as the last crumb.
    pub fn context(
        &self,
        path: &str,
        title: &str,
        section: Section,
        crumbs: Vec<Crumb>,
    ) -> Context {
        self.framed(path, title, section, crumbs).into_context(self)
    }

    /// [`SiteContext::context`] without the frame every page with its root and section
    /// shares: for pages rendered by the thousand ([`PageJob::lazy`]), which are
    /// rendered in a frame kept per thread ([`frame::FramePool`]).
    pub fn framed(&self, path: &str, title: &str, section: Section, crumbs: Vec<Crumb>) -> Framed {
        let root = self.root_of(path);
        let mut trail = Vec::with_capacity(crumbs.len() + 2);
        if path != urls::HOME {
            trail.push(Crumb::link("首页", urls::HOME));
            trail.extend(crumbs);
        }
        for crumb in &mut trail {
            crumb.href = crumb.path.as_deref().map(|p| urls::href(&root, p));
        }
        trail.push(Crumb {
            label: title.to_string(),
            path: None,
            href: None,
        });
        let canonical = (!self.base_url.is_empty() && path != urls::NOT_FOUND)
            .then(|| urls::absolute(&self.base_url, path));
        let mut own = Context::new();
        own.insert(
            "page",
            &PageInfo {
                title,
                path,
                canonical,
                crumbs: trail,
                section,
            },
        );
        Framed { root, section, own }
    }

    /// The prefix from `path` to the output root, for links.
    pub fn root_of(&self, path: &str) -> String {
        if path == urls::NOT_FOUND {
            // 404.html is served for missing URLs at any depth, so its links cannot be
            // relative; use the path part of base_url when there is one.
            base_path(&self.base_url)
        } else {
            urls::root_of(path)
        }
    }

    /// Makes the shared part of the context of pages with the given root prefixes (and
    /// of every page up to five folders deep, and the 404 page, when `roots` is empty),
    /// for each section, with the theme's `header.html` and `footer.html` rendered into
    /// it (as `header_html` and `footer_html`). Roots already prepared are skipped.
    ///
    /// Called before the pages are planned (pages whose context is made at once need
    /// it) and again with the roots of every planned page.
    pub fn prepare<'r>(
        &mut self,
        tera: &tera::Tera,
        roots: impl IntoIterator<Item = &'r str>,
    ) -> Result<(), RenderError> {
        let mut wanted: BTreeSet<String> = roots.into_iter().map(str::to_string).collect();
        if wanted.is_empty() {
            wanted.extend((0..=5).map(|depth| "../".repeat(depth)));
            wanted.insert(self.root_of(urls::NOT_FOUND));
        }
        for root in wanted {
            for section in Section::ALL {
                if self.bases.contains_key(&(root.clone(), section)) {
                    continue;
                }
                let mut ctx = self.shared(&root, section);
                for (template, key, what) in [
                    ("header.html", "header_html", "页头"),
                    ("footer.html", "footer_html", "页脚"),
                ] {
                    let html = tera
                        .render(template, &ctx)
                        .map_err(|err| RenderError::Render {
                            template: template.to_string(),
                            page: format!("每个页面的{what}"),
                            detail: super::error_chain(&err),
                        })?;
                    // The frame puts the piece on a line of its own.
                    ctx.insert(key, html.trim());
                }
                self.bases.insert((root.clone(), section), ctx);
            }
        }
        Ok(())
    }

    /// The shared part of the context of a page with prefix `root` in `section`.
    fn base(&self, root: String, section: Section) -> Context {
        let key = (root, section);
        match self.bases.get(&key) {
            Some(ctx) => ctx.clone(),
            // Not prepared (a page outside the plan): without the rendered header and
            // footer, which a template using them reports by name.
            None => self.shared(&key.0, section),
        }
    }

    /// What every page with prefix `root` in `section` shares, before the header and
    /// footer are rendered from it.
    fn shared(&self, root: &str, section: Section) -> Context {
        let nav: Vec<NavItem> = NAV
            .iter()
            .map(|&(s, label, p)| NavItem {
                label,
                path: p,
                href: urls::href(root, p),
                current: s == section,
            })
            .collect();
        let footer_pages: Vec<PageLink> = self
            .footer_pages
            .iter()
            .map(|p| PageLink {
                href: urls::href(root, &p.path),
                ..p.clone()
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("root", root);
        ctx.insert("section", &section);
        ctx.insert("site", &self.info);
        ctx.insert("nav", &nav);
        ctx.insert("hotline", &self.hotline);
        ctx.insert("footer_pages", &footer_pages);
        ctx.insert("latest", &self.latest);
        ctx.insert("timely", &self.timely);
        ctx.insert("css", &urls::asset_path("site.css"));
        ctx
    }

    /// A job for `path` with `context`.
    pub fn job(
        &self,
        path: String,
        template: &'static str,
        what: String,
        context: Context,
    ) -> PageJob<'static> {
        PageJob {
            path,
            template,
            what,
            source: None,
            context: ContextSource::Ready(context),
        }
    }
}

/// `/nz/aqsc/` from `https://host/nz/aqsc/`; empty when there is no base URL.
fn base_path(base_url: &str) -> String {
    let Some(rest) = base_url.split_once("://").map(|(_, rest)| rest) else {
        return String::new();
    };
    match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

/// Every page of the site, in a stable order.
pub fn all<'a>(ctx: &SiteContext<'a>) -> Vec<PageJob<'a>> {
    // The month pages (with the home page) and the hazard pages are most of the work of
    // planning; the preview plans again after every save.
    let (months, hazards) = rayon::join(|| month::pages(ctx), || hazard::pages(ctx));
    let mut jobs = months;
    jobs.extend(hazards);
    jobs.extend(notice::pages(ctx));
    jobs.extend(misc::pages(ctx));
    jobs.extend(timely::pages(ctx));
    jobs.extend(corrections::pages(ctx));
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_urls() {
        assert_eq!(
            base_path("https://www.example.gov.cn/nz/aqsc/"),
            "/nz/aqsc/"
        );
        assert_eq!(base_path("https://www.example.gov.cn/"), "/");
        assert_eq!(base_path("https://www.example.gov.cn"), "/");
        assert_eq!(base_path(""), "");
    }
}
