//! Render: the model to pages (tera templates of the theme) and data files.
//!
//! Every output file is produced in memory as an [`OutputFile`]; `write` puts them on
//! disk. Rendering never touches the output directory, so a failed render loses nothing.
//!
//! [`render_site`] resolves the theme ([`theme`]), builds every page's context once
//! ([`pages`]), renders the pages in parallel with tera and adds the theme's assets, the
//! site's `static/` files, the open data, the feed and the sitemap.

pub mod archive;
pub mod charts;
pub mod feed;
pub mod markdown;
pub mod opendata;
pub mod pages;
pub mod rows;
pub mod search;
pub mod sitemap;
pub mod theme;
mod timings;
/// Output paths and links ([`crate::urls`], below every stage since loading names the
/// files it publishes too).
pub use crate::urls;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::Disclosure;

/// One file of the output, relative to the output root.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `months/2024-05/index.html`. Never absolute,
    /// never containing `..`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The input this file was made from, for messages (e.g. the leak scanner).
    pub source: Option<PathBuf>,
}

/// How to render a site.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The site folder: `themes/<theme>/`, `templates/` and `static/` are looked up here.
    pub site_root: PathBuf,
    /// Overrides `base_url` of `site.toml` (`gongkai build --base-url`).
    pub base_url: Option<String>,
    /// Notices per page of the notice index and category pages.
    pub notices_per_page: usize,
    /// The date the tool takes as today ([`crate::today`]).
    pub today: NaiveDate,
    /// Whether this run seals months ([`crate::ledger::Sealing`]; only `build` does).
    pub sealing: crate::ledger::Sealing,
    /// The previous output, whose `archive/` the site's must still contain.
    pub previous_out: Option<PathBuf>,
    /// Render each row of a month's lists once and paste it into every list page
    /// ([`rows`]); off only to prove the pages are the same bytes without it.
    pub row_reuse: bool,
}

impl RenderOptions {
    /// Options for the site at `site_root`, with the defaults (20 notices a page).
    pub fn new(site_root: impl Into<PathBuf>) -> Self {
        RenderOptions {
            site_root: site_root.into(),
            base_url: None,
            notices_per_page: 20,
            today: crate::today::Today::from_env_or_clock().date,
            sealing: crate::ledger::Sealing::Never,
            previous_out: None,
            row_reuse: true,
        }
    }
}

/// Why a site could not be rendered. Messages are for the township office's staff.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RenderError {
    /// `theme = "…"` names a folder that does not exist.
    #[error("找不到主题「{name}」：文件夹 {dir} 不存在。请检查 site.toml 中的 theme 设置，或把它改为 \"default\" 使用内置默认主题。", dir = .dir.display())]
    ThemeMissing { name: String, dir: PathBuf },
    /// A template file is not UTF-8.
    #[error("模板 {file} 不是 UTF-8 编码。请用编辑器将它另存为 UTF-8。")]
    TemplateEncoding { file: String },
    /// A template does not parse.
    #[error("模板 {file} 有语法错误：{detail}。请修改该模板，或删除它以使用默认主题的同名模板。")]
    Template { file: String, detail: String },
    /// A template failed while rendering one page.
    #[error("用模板 {template} 生成页面 {page} 时出错：{detail}。如果改过这个模板，请检查其中用到的变量名。")]
    Render {
        template: String,
        page: String,
        detail: String,
    },
    /// A theme or static file could not be read.
    #[error("无法读取 {path}：{detail}。请检查该文件是否存在、是否有读取权限。", path = .path.display())]
    Io { path: PathBuf, detail: String },
    /// The search index could not be built.
    #[error("无法生成站内搜索索引：{detail}。网站未生成；请把这条信息发给技术支持。")]
    Search { detail: String },
    /// A photo linked by a notice is not the image its name says.
    #[error("通知 {notice} 链接的图片 {path} 无法读取（{detail}），不能去除其中的拍摄位置等信息。请用看图软件另存为 JPG 或 PNG 后再链接。", notice = .notice.display(), path = .path.display())]
    Photo {
        notice: PathBuf,
        path: PathBuf,
        detail: String,
    },
    /// Two things would be written to the same output file.
    #[error("{first} 与 {second} 会生成同一个文件 {path}，后者会覆盖前者。请修改其中一个的名称或编号（网址中“/”、空格、标点都会变成“-”），或删除 static/ 中的同名文件。")]
    PathClash {
        path: String,
        first: String,
        second: String,
    },
}

/// An error and its causes, joined with `：` (tera's own messages are English; they
/// are shown after the Chinese explanation because they name the line).
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.join("：")
}

/// Everything a site is made of, decided before any page is rendered: the theme, the
/// shared part of every page, one job per page (contexts built only when rendered),
/// and the small non-page files (theme assets, `static/`, open data, feed, sitemap),
/// already made. Every output path is claimed up front, so two things that would write
/// the same file are reported before anything is rendered.
pub struct Plan<'a> {
    tera: std::sync::Arc<tera::Tera>,
    ctx: pages::SiteContext<'a>,
    pages: Vec<pages::PageJob<'a>>,
    /// Theme assets and `static/` files, sorted.
    statics: Vec<OutputFile>,
    /// Every non-page file, sorted, once made (the preview's).
    files: std::sync::OnceLock<Result<Vec<OutputFile>, RenderError>>,
    /// The non-page files but the months' open data, once made, with every generated
    /// path (the open data's too) checked against the pages and static files.
    small: std::sync::OnceLock<Result<Vec<OutputFile>, RenderError>>,
    owners: BTreeMap<String, String>,
    by_path: HashMap<String, usize>,
    /// Per-template cost counters, kept only under `GONGKAI_TIMINGS`.
    timings: Option<timings::RenderTimings>,
}

impl std::fmt::Debug for Plan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("pages", &self.pages.len())
            .field("statics", &self.statics.len())
            .finish_non_exhaustive()
    }
}

/// Why streaming a site stopped: a page could not be rendered, or the sink refused a
/// file (a write failed, a leak was found).
#[derive(Debug)]
pub enum StreamError<E> {
    Render(RenderError),
    Sink(E),
}

/// Plans the site of `site` (see [`Plan`]) without making its data files yet: the
/// preview plans on every change and makes them only when one is asked for.
pub fn plan_lazily<'a>(
    site: &'a Disclosure,
    opts: &RenderOptions,
) -> Result<Plan<'a>, RenderError> {
    let theme = theme::Theme::load(&opts.site_root, &site.config.theme)?;
    let mut tera = theme.tera()?;
    tera.register_filter("rel", rel_filter);

    let mut ctx = pages::SiteContext::new(site, opts);
    // The header and footer of every page, rendered once per root and section: before
    // the pages are planned (some contexts are made at once), then for any other root.
    ctx.prepare(&tera, [])?;
    let mut jobs = pages::all(&ctx);
    jobs.push(search::page(&ctx));
    let roots: Vec<String> = jobs.iter().map(|job| ctx.root_of(&job.path)).collect();
    ctx.prepare(&tera, roots.iter().map(String::as_str))?;
    let tera = std::sync::Arc::new(tera);
    let reads_rows = rows::READERS
        .iter()
        .any(|name| !theme.is_default_template(name));
    ctx.rows = if opts.row_reuse && !reads_rows {
        rows::RowFragments::new(
            std::sync::Arc::clone(&tera),
            &rows::list_pages(jobs.iter().map(|j| (j.template, j.path.as_str()))),
        )
    } else {
        rows::RowFragments::off()
    };

    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for job in &jobs {
        claim(&mut owners, &job.path, &job.what)?;
    }
    // Theme assets and the site's `static/` now; open data, feed and sitemap when
    // first asked for (see `Plan::files`).
    let mut statics: Vec<OutputFile> = Vec::new();
    for (name, file) in &theme.statics {
        let output = OutputFile {
            path: urls::asset_path(name),
            bytes: file.bytes.clone(),
            source: None,
        };
        claim(&mut owners, &output.path, &format!("主题文件 {name}"))?;
        statics.push(output);
    }
    add_site_statics(&mut statics, &mut owners, opts)?;
    add_attachments(site, &mut statics, &mut owners, opts)?;
    let by_path = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| (job.path.clone(), i))
        .collect();
    Ok(Plan {
        tera,
        ctx,
        pages: jobs,
        statics,
        files: std::sync::OnceLock::new(),
        small: std::sync::OnceLock::new(),
        owners,
        by_path,
        timings: timings::RenderTimings::from_env(),
    })
}

/// Plans the site of `site` and checks every output path at once, so every problem of
/// the plan (two things with one output path) is reported before any page is
/// rendered: what a build uses. The months' open data is made when it is streamed.
pub fn plan<'a>(site: &'a Disclosure, opts: &RenderOptions) -> Result<Plan<'a>, RenderError> {
    let plan = plan_lazily(site, opts)?;
    plan.small
        .get_or_init(|| plan.make_small_files())
        .as_ref()
        .map_err(Clone::clone)?;
    Ok(plan)
}

impl<'a> Plan<'a> {
    /// Every page of the site, in a stable order.
    pub fn pages(&self) -> &[pages::PageJob<'a>] {
        &self.pages
    }

    /// The page to be written at `path` (`months/2024-05/index.html`), if one is.
    pub fn page(&self, path: &str) -> Option<&pages::PageJob<'a>> {
        self.by_path.get(path).map(|&i| &self.pages[i])
    }

    /// The files that are not pages (theme assets, `static/`, open data, feed,
    /// sitemap), sorted by path, made on first use. The search index is not among
    /// them: it is made from the rendered pages ([`Plan::search_index`]).
    pub fn files(&self) -> Result<&[OutputFile], RenderError> {
        self.files
            .get_or_init(|| self.make_files())
            .as_deref()
            .map_err(Clone::clone)
    }

    /// The theme and static files and, if already made, the others: what can be
    /// counted without making anything.
    pub fn planned_files(&self) -> usize {
        match (self.files.get(), self.small.get()) {
            (Some(Ok(files)), _) => files.len(),
            (_, Some(Ok(small))) => small.len() + 3 * self.ctx.site.months.len(),
            _ => self.statics.len(),
        }
    }

    /// True when `path` is a theme or `static/` file (found without making the data
    /// files).
    pub fn is_static(&self, path: &str) -> bool {
        self.statics
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    }

    /// Every non-page file, sorted: [`Plan::make_small_files`] and the months' open
    /// data.
    fn make_files(&self) -> Result<Vec<OutputFile>, RenderError> {
        let mut files = match self.small.get() {
            Some(made) => made.clone()?,
            None => self.make_small_files()?,
        };
        let started = std::time::Instant::now();
        files.par_extend(
            self.ctx
                .site
                .months
                .par_iter()
                .flat_map_iter(|month| opendata::month_files(self.ctx.site, month)),
        );
        if self.timings.is_some() {
            eprintln!("files: open data in {:.2?}", started.elapsed());
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// The statics, the data dictionary, the annual tables, the ledger's files, the
    /// feed and the sitemap, sorted; every generated path, the months' open data
    /// included, checked against every page and static file.
    fn make_small_files(&self) -> Result<Vec<OutputFile>, RenderError> {
        let site = self.ctx.site;
        let html_paths: Vec<String> = self
            .pages
            .iter()
            .filter(|job| job.path != urls::NOT_FOUND)
            .map(|job| job.path.clone())
            .collect();
        let mut files = self.statics.clone();
        let mut owners = self.owners.clone();
        let timed = |what: &str, started: std::time::Instant| {
            if self.timings.is_some() {
                eprintln!("files: {what} in {:.2?}", started.elapsed());
            }
        };
        let started = std::time::Instant::now();
        let atom = feed::atom(site);
        timed("feed", started);
        let started = std::time::Instant::now();
        let map = sitemap::render(site, &html_paths);
        timed("sitemap", started);
        let annual = pages::timely::csv_files(site);
        let ledger_files = archive::files(site);
        let month_data: Vec<String> = site
            .months
            .iter()
            .flat_map(|m| opendata::month_paths(m.month))
            .collect();
        let made = std::iter::once(opendata::dictionary(site))
            .chain(annual)
            .chain(ledger_files)
            .chain(std::iter::once(atom))
            .chain(map);
        let paths: Vec<(String, Option<OutputFile>)> = month_data
            .into_iter()
            .map(|path| (path, None))
            .chain(made.map(|file| (file.path.clone(), Some(file))))
            .collect();
        for (path, file) in paths {
            let what = format!("自动生成的 {path}");
            if let Some(other) = owners.get(&path) {
                // A `static/` file or a page there: name the generated file first, as
                // it is the one the tool always makes.
                return Err(RenderError::PathClash {
                    path,
                    first: what,
                    second: other.clone(),
                });
            }
            owners.insert(path, what);
            files.extend(file);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Renders one page.
    pub fn render(&self, job: &pages::PageJob) -> Result<OutputFile, RenderError> {
        let started = self.timings.as_ref().map(|_| std::time::Instant::now());
        let mut built = None;
        // Into bytes directly: `Tera::render` would check the whole page is UTF-8 once
        // more to make a `String` of it (it is: tera writes only strings).
        let mut bytes = Vec::with_capacity(16 * 1024);
        let rendered = job.with_context(&self.ctx, |context| {
            built = started.map(|s| (s, s.elapsed()));
            self.tera.render_to(job.template, context, &mut bytes)
        });
        if let (Some(t), Some((started, built)), Ok(())) = (&self.timings, built, &rendered) {
            t.record(job.template, built, started.elapsed() - built, bytes.len());
        }
        rendered
            .map(|()| OutputFile {
                path: job.path.clone(),
                bytes,
                source: job.source.clone(),
            })
            .map_err(|err| RenderError::Render {
                template: job.template.to_string(),
                page: job.path.clone(),
                detail: error_chain(&err),
            })
    }

    /// Hands every file to `sink` as soon as it is made: first the non-page files
    /// (moved out of the plan), then each month's open data as soon as it is made (so a
    /// county's 140 MB of open data and seals are not all held at once) and the pages,
    /// rendered in parallel beside it, in any order, then the search index. The index is made from the model beside the page rendering, not
    /// from the pages, so no page is kept after the sink has it. Stops at the first
    /// render error or sink error.
    pub fn stream<E: Send>(
        mut self,
        sink: impl Fn(OutputFile) -> Result<(), E> + Sync,
    ) -> Result<(), StreamError<E>> {
        let timings = crate::diag::timings::wanted();
        let small = match self.small.take() {
            Some(made) => made,
            None => self.make_small_files(),
        }
        .map_err(StreamError::Render)?;
        small
            .into_par_iter()
            .try_for_each(|file| sink(file).map_err(StreamError::Sink))?;
        // Each month's open data is made and handed over at once (a county's is 100 MB
        // that would otherwise all be held at the same time), beside the pages: a
        // month's workbook takes a tenth of a second, so the two cores stay busy to
        // the end instead of one waiting for the last month before the pages start.
        let started = std::time::Instant::now();
        let (data, (pages, index)) = rayon::join(
            || {
                let done = self.ctx.site.months.par_iter().try_for_each(|month| {
                    opendata::month_files(self.ctx.site, month)
                        .into_iter()
                        .try_for_each(|file| sink(file).map_err(StreamError::Sink))
                });
                if timings {
                    eprintln!(
                        "files: open data made, scanned and written in {:.2?}",
                        started.elapsed()
                    );
                }
                done
            },
            || {
                rayon::join(
                    || {
                        let done = self.pages.par_iter().try_for_each(|job| {
                            let file = self.render(job).map_err(StreamError::Render)?;
                            sink(file).map_err(StreamError::Sink)
                        });
                        if timings {
                            eprintln!(
                                "pages: {} rendered, scanned and written in {:.2?}",
                                self.pages.len(),
                                started.elapsed()
                            );
                        }
                        done
                    },
                    || self.search_index(),
                )
            },
        );
        data?;
        pages?;
        for file in index.map_err(StreamError::Render)? {
            sink(file).map_err(StreamError::Sink)?;
        }
        Ok(())
    }

    /// The search index of the site, made from the model ([`search::index`]). Its
    /// files are checked against every other output path.
    pub fn search_index(&self) -> Result<Vec<OutputFile>, RenderError> {
        let index = search::index(self.ctx.site)?;
        let mut owners = self.owners.clone();
        for file in &index {
            claim(
                &mut owners,
                &file.path,
                &format!("自动生成的 {}", file.path),
            )?;
        }
        Ok(index)
    }
}

/// Renders the whole site from `site`: every page of the theme, the theme's assets, the
/// site's `static/` files, open data, the Atom feed, sitemap.xml and robots.txt.
///
/// The result is sorted by path and depends only on the input: two renders of the same
/// input are byte-identical. It holds every file in memory; builds stream instead
/// ([`Plan::stream`]).
pub fn render_site(
    site: &Disclosure,
    opts: &RenderOptions,
) -> Result<Vec<OutputFile>, RenderError> {
    let plan = plan(site, opts)?;
    let files = std::sync::Mutex::new(Vec::with_capacity(
        plan.pages().len() + plan.planned_files(),
    ));
    plan.stream(|file| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(file);
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|err| match err {
        StreamError::Render(err) => err,
        StreamError::Sink(never) => match never {},
    })?;
    let mut files = files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Copies the site's `static/` folder to the output root. A static file may replace a
/// theme asset (that is how a site restyles without a theme of its own) but not a page
/// or data file.
fn add_site_statics(
    files: &mut Vec<OutputFile>,
    owners: &mut BTreeMap<String, String>,
    opts: &RenderOptions,
) -> Result<(), RenderError> {
    for (name, file) in theme::site_statics(&opts.site_root)? {
        let what = format!("static/{name}");
        if let Some(existing) = files.iter_mut().find(|f| f.path == name) {
            if existing.path.starts_with(&format!("{}/", urls::ASSETS_DIR)) {
                existing.bytes = file.bytes;
                continue;
            }
            return Err(RenderError::PathClash {
                path: name,
                first: owners.get(&existing.path).cloned().unwrap_or_default(),
                second: what,
            });
        }
        claim(owners, &name, &what)?;
        let source = match file.origin {
            theme::Origin::File(path) => Some(path),
            theme::Origin::Builtin => None,
        };
        files.push(OutputFile {
            path: name,
            bytes: file.bytes,
            source,
        });
    }
    Ok(())
}

/// The files published notices link beside them (`crate::attach`), photos without
/// their metadata. Files of `static/` are already there.
fn add_attachments(
    site: &Disclosure,
    files: &mut Vec<OutputFile>,
    owners: &mut BTreeMap<String, String>,
    opts: &RenderOptions,
) -> Result<(), RenderError> {
    for notice in site.notices.iter().filter(|n| n.is_published()) {
        for attachment in notice.attachments.iter().filter(|a| !a.in_static) {
            claim(
                owners,
                &attachment.output,
                &attachment.source.to_string_lossy(),
            )?;
            let full = opts.site_root.join(&attachment.source);
            let bytes = std::fs::read(&full).map_err(|err| RenderError::Io {
                path: full.clone(),
                detail: err.to_string(),
            })?;
            let (bytes, source) = if attachment.is_image() {
                let ext = attachment
                    .source
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                let stripped = crate::attach::metadata::strip(&ext, &bytes).map_err(|detail| {
                    RenderError::Photo {
                        notice: notice.path.clone(),
                        path: attachment.source.clone(),
                        detail,
                    }
                })?;
                // Not the source's bytes any more: nothing may link the source file.
                (stripped, None)
            } else {
                (bytes, Some(attachment.source.clone()))
            };
            files.push(OutputFile {
                path: attachment.output.clone(),
                bytes,
                source,
            });
        }
    }
    Ok(())
}

/// Records that `what` writes `path`, or reports the clash with what already does.
fn claim(owners: &mut BTreeMap<String, String>, path: &str, what: &str) -> Result<(), RenderError> {
    if let Some(first) = owners.get(path) {
        return Err(RenderError::PathClash {
            path: path.to_string(),
            first: first.clone(),
            second: what.to_string(),
        });
    }
    owners.insert(path.to_string(), what.to_string());
    Ok(())
}

/// The tera filter `rel`: `{{ h.path | rel(root=root) }}` turns an output path into a
/// relative, percent-encoded link from the current page.
fn rel_filter(
    value: &tera::Value,
    args: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let path = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("filter `rel` needs a path string"))?;
    let root = args.get("root").and_then(|r| r.as_str()).unwrap_or("");
    Ok(tera::Value::String(urls::href(root, path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_index_paths_are_claimed_against_other_outputs() {
        let site = feed::test_site::site("");
        let dir = tempfile::tempdir().unwrap();
        let plan_ok = plan(&site, &RenderOptions::new(dir.path())).unwrap();
        let index = plan_ok.search_index().unwrap();
        assert!(index.iter().all(|f| f.path.starts_with("search/index/")));
        assert!(index.iter().any(|f| f.path == "search/index/meta.json"));

        // A `static/` file where the index writes is reported, not overwritten.
        let clash = dir.path().join("static/search/index");
        std::fs::create_dir_all(&clash).unwrap();
        std::fs::write(clash.join("meta.json"), "{}").unwrap();
        let plan = plan(&site, &RenderOptions::new(dir.path())).unwrap();
        match plan.search_index() {
            Err(RenderError::PathClash { path, .. }) => {
                assert_eq!(path, "search/index/meta.json")
            }
            other => panic!("expected a clash, got {other:?}"),
        }
    }
}
