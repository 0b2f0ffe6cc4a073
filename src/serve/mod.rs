//! `gongkai serve`: an HTTP server on 127.0.0.1 serving the site from memory, a watcher
//! that rebuilds on change, live reload.
//!
//! Three threads: the HTTP loop answers from the current [`SiteSnapshot`]; the watcher
//! ([`watch`]) reports changed paths; the build thread runs the [`Pipeline`] on them,
//! swaps the snapshot and tells open pages to reload ([`http::Reloader`]). A failed
//! rebuild keeps the last good files and adds the overlay of findings to every page.
//! After a good rebuild a fourth, short-lived thread renders and scans every file in
//! the background (`prepublish.rs`) and lists what `gongkai build` would refuse to
//! publish the same way.

pub mod http;
pub mod lazy;
pub mod overlay;
mod prepublish;
pub mod snapshot;
pub mod watch;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;

use crate::diag::report::{self, Summary};
use crate::diag::Findings;
use crate::pipeline::{Outcome, Pipeline};
use crate::render::RenderOptions;

use http::{Current, Reloader};
use snapshot::{SiteFiles, SiteSnapshot};
use watch::{WatchMsg, Watcher};

/// What the build thread runs: the [`Pipeline`], or a stand-in in tests.
pub trait SiteBuilder: Send + 'static {
    /// Notes that `paths` changed (so they are re-read even if their stamps look equal).
    fn invalidate(&mut self, paths: &[PathBuf]);
    /// Builds the site.
    fn build(&mut self) -> Outcome;
    /// Builds what the server shows: by default every file of [`SiteBuilder::build`];
    /// the real pipeline stops at the model and renders pages when they are asked for.
    fn build_site(&mut self) -> Result<GoodBuild, Findings> {
        self.build().map(|built| GoodBuild {
            summary: Summary::new(&built.findings, built.files_read, built.rows_read),
            files: SiteFiles::new(built.files),
        })
    }
    /// Input files and register rows read, for the summary line.
    fn counts(&self) -> (usize, usize) {
        (0, 0)
    }
}

impl SiteBuilder for Pipeline {
    fn invalidate(&mut self, paths: &[PathBuf]) {
        Pipeline::invalidate(self, paths);
    }

    fn build(&mut self) -> Outcome {
        self.run()
    }

    fn build_site(&mut self) -> Result<GoodBuild, Findings> {
        let modelled = self.run_model();
        print_timings(self);
        let modelled = modelled?;
        let site = lazy::LazySite::new(&modelled)?;
        Ok(GoodBuild {
            summary: Summary::new(&modelled.findings, modelled.files_read, modelled.rows_read),
            files: SiteFiles::lazy(site),
        })
    }

    fn counts(&self) -> (usize, usize) {
        Pipeline::counts(self)
    }
}

/// The pipeline as the preview runs it: like [`Pipeline`]'s own [`SiteBuilder`], but a
/// rebuild that ends with the very same model (the same allocation: nothing in the
/// content was read differently, e.g. the second event of one save) and no theme file
/// changed hands out the previous [`lazy::LazySite`] again instead of planning the site
/// and building the scanner anew; the pages it has rendered stay valid.
struct PreviewPipeline {
    pipeline: Pipeline,
    last: Option<(Arc<crate::model::Disclosure>, Arc<lazy::LazySite>)>,
}

impl SiteBuilder for PreviewPipeline {
    fn invalidate(&mut self, paths: &[PathBuf]) {
        self.pipeline.invalidate(paths);
    }

    fn build(&mut self) -> Outcome {
        self.last = None;
        self.pipeline.run()
    }

    fn build_site(&mut self) -> Result<GoodBuild, Findings> {
        let modelled = self.pipeline.run_model();
        print_timings(&self.pipeline);
        let modelled = match modelled {
            Ok(modelled) => modelled,
            Err(findings) => {
                // A render error (a broken template) must be seen again after a fix.
                self.last = None;
                return Err(findings);
            }
        };
        let theme_changed = self
            .pipeline
            .stats()
            .reloaded
            .contains(&crate::pipeline::Input::Theme);
        let site = match &self.last {
            Some((model, site)) if !theme_changed && Arc::ptr_eq(model, &modelled.disclosure) => {
                Arc::clone(site)
            }
            _ => {
                self.last = None;
                let site = Arc::new(lazy::LazySite::new(&modelled)?);
                self.last = Some((Arc::clone(&modelled.disclosure), Arc::clone(&site)));
                site
            }
        };
        Ok(GoodBuild {
            summary: Summary::new(&modelled.findings, modelled.files_read, modelled.rows_read),
            files: SiteFiles::lazy_shared(site),
        })
    }

    fn counts(&self) -> (usize, usize) {
        self.pipeline.counts()
    }
}

/// The stage times of the last run on stderr, under `GONGKAI_TIMINGS`.
fn print_timings(pipeline: &Pipeline) {
    if !crate::diag::timings::wanted() {
        return;
    }
    let stats = pipeline.stats();
    eprintln!(
        "preview timings: guard {:.2?}, load {:.2?} (reloaded {:?}), assemble {:.2?}, rules {:.2?}, load+check {:.2?}, model {:.2?}, run {:.2?}",
        stats.guard,
        stats.load,
        stats.reloaded,
        stats.assemble,
        stats.rules,
        stats.load_check,
        stats.model,
        stats.total,
    );
}

/// What a good rebuild hands the server.
#[derive(Debug)]
pub struct GoodBuild {
    /// The site's files (or the plan to render them).
    pub files: SiteFiles,
    /// Counts and findings for the terminal line.
    pub summary: Summary,
}

/// How to start a preview.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// When the port is busy, use the next free one (saying so) instead of failing.
    pub next_free_port: bool,
    /// Print progress and findings on the terminal.
    pub verbose: bool,
    /// The date taken as today (`--today`); `None`: `GONGKAI_TODAY` or the clock.
    pub today: Option<chrono::NaiveDate>,
}

/// Why the preview could not start. Messages are for the township office's staff.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No `site.toml` in the folder.
    #[error("找不到网站设置文件 site.toml（在 {}）。请在网站文件夹中运行 gongkai serve，或用 --root 指定网站文件夹；新建网站可用 gongkai new 文件夹名。", .0.display())]
    NoSite(PathBuf),
    /// The port is taken.
    #[error("端口 {port} 已被占用（可能已有一个 gongkai serve 或其他程序在使用）。请换一个端口，例如：gongkai serve --port {suggestion}")]
    PortBusy { port: u16, suggestion: u16 },
    /// Binding failed otherwise.
    #[error("无法在 127.0.0.1:{port} 上启动预览服务器：{detail}。请换一个端口，例如：gongkai serve --port {suggestion}")]
    Bind {
        port: u16,
        suggestion: u16,
        detail: String,
    },
    /// The folder cannot be watched.
    #[error("无法监视网站文件夹 {} 的改动：{detail}。请确认文件夹存在且有读取权限。", .root.display())]
    Watch { root: PathBuf, detail: String },
}

/// State shared by the threads.
struct Shared {
    current: Current,
    reloader: Arc<Reloader>,
    builds: AtomicU64,
    /// Rebuilds begun: a background check of an older site stops when this moves.
    rebuilds: AtomicU64,
    /// Set when the preview shuts down.
    stopping: AtomicBool,
    verbose: bool,
}

/// A running preview. [`Preview::stop`] (or dropping it) shuts it down.
pub struct Preview {
    port: u16,
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    watcher: Option<Watcher>,
    tx: Sender<WatchMsg>,
    threads: Vec<JoinHandle<()>>,
}

impl Preview {
    /// Starts the preview of the site in `options.root` with the real pipeline.
    pub fn start(options: &PreviewOptions) -> Result<Preview, ServeError> {
        let root = std::path::absolute(&options.root).unwrap_or_else(|_| options.root.clone());
        // Watch events carry resolved paths; compare like with like.
        let root = dunce::canonicalize(&root).unwrap_or(root);
        if !root.join(crate::config::CONFIG_FILE).is_file() {
            return Err(ServeError::NoSite(root));
        }
        let mut render_options = RenderOptions::new(&root);
        if let Some(today) = options.today {
            render_options.today = today;
        }
        let pipeline = PreviewPipeline {
            pipeline: Pipeline::new(&root, render_options),
            last: None,
        };
        Preview::start_with(
            &PreviewOptions {
                root,
                ..options.clone()
            },
            Box::new(pipeline),
        )
    }

    /// Starts a preview with any builder (tests use stand-ins). `options.root` should be
    /// absolute and canonical: watched paths are compared against it.
    pub fn start_with(
        options: &PreviewOptions,
        mut builder: Box<dyn SiteBuilder>,
    ) -> Result<Preview, ServeError> {
        let (server, port) = bind(options.port, options.next_free_port, options.verbose)?;
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            current: Arc::new(RwLock::new(Arc::new(SiteSnapshot::default()))),
            reloader: Arc::new(Reloader::default()),
            builds: AtomicU64::new(0),
            rebuilds: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            verbose: options.verbose,
        });

        // Watch before the first build, so nothing saved during it is missed.
        let (tx, rx) = mpsc::channel();
        let watcher = watch::start(&options.root, tx.clone()).map_err(|err| ServeError::Watch {
            root: options.root.clone(),
            detail: err.to_string(),
        })?;

        if options.verbose {
            println!("正在生成网站……");
        }
        let started = std::time::Instant::now();
        let outcome = builder.build_site();
        publish(&shared, outcome, builder.counts(), started.elapsed(), &[]);

        let mut threads = Vec::new();
        let http_server = Arc::clone(&server);
        let http_shared = Arc::clone(&shared);
        threads.push(std::thread::spawn(move || {
            for request in http_server.incoming_requests() {
                http::handle(request, &http_shared.current, &http_shared.reloader);
            }
        }));
        let build_shared = Arc::clone(&shared);
        threads.push(std::thread::spawn(move || {
            build_loop(builder, &rx, &build_shared);
        }));

        Ok(Preview {
            port,
            shared,
            server,
            watcher: Some(watcher),
            tx,
            threads,
        })
    }

    /// The port the preview listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The preview's address, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Number of builds so far, the first included.
    pub fn builds(&self) -> u64 {
        self.shared.builds.load(Ordering::SeqCst)
    }

    /// Stops watching and serving, ends the event streams and waits for the threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        // Dropping the debouncer stops its thread; then the build thread is told to end,
        // and a background check of the site to stop.
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.watcher.take();
        let _ = self.tx.send(WatchMsg::Stop);
        self.server.unblock();
        self.shared.reloader.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Binds 127.0.0.1:`port`. When it is taken and `next_free` is set, tries the next
/// twenty ports and says which one is used.
fn bind(port: u16, next_free: bool, verbose: bool) -> Result<(tiny_http::Server, u16), ServeError> {
    let suggestion = port.checked_add(1).unwrap_or(1024);
    match tiny_http::Server::http(("127.0.0.1", port)) {
        Ok(server) => {
            let actual = server
                .server_addr()
                .to_ip()
                .map_or(port, |addr| addr.port());
            Ok((server, actual))
        }
        Err(err) if is_addr_in_use(err.as_ref()) => {
            if next_free && port != 0 {
                for candidate in (u32::from(port) + 1..=u32::from(port) + 20)
                    .filter_map(|p| u16::try_from(p).ok())
                {
                    if let Ok(server) = tiny_http::Server::http(("127.0.0.1", candidate)) {
                        if verbose {
                            println!(
                                "端口 {port} 已被占用（可能已有一个 gongkai serve 或其他程序在使用），改用端口 {candidate}。\
                                 如需指定端口，请用 gongkai serve --port 端口号。"
                            );
                        }
                        return Ok((server, candidate));
                    }
                }
            }
            Err(ServeError::PortBusy { port, suggestion })
        }
        Err(err) => Err(ServeError::Bind {
            port,
            suggestion,
            detail: err.to_string(),
        }),
    }
}

fn is_addr_in_use(err: &(dyn std::error::Error + 'static)) -> bool {
    err.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::AddrInUse)
}

/// Rebuilds on every batch of changes until told to stop. Batches that arrive while a
/// build runs are merged into the next one.
fn build_loop(mut builder: Box<dyn SiteBuilder>, rx: &Receiver<WatchMsg>, shared: &Arc<Shared>) {
    while let Ok(msg) = rx.recv() {
        let mut changed = Vec::new();
        let mut stop = false;
        for msg in std::iter::once(msg).chain(rx.try_iter()) {
            match msg {
                WatchMsg::Changed(paths) => changed.extend(paths),
                WatchMsg::Error(detail) => {
                    if shared.verbose {
                        eprintln!("监视文件改动时出错：{detail}。如果改动没有自动生效，请按 Ctrl-C 退出后重新运行 gongkai serve。");
                    }
                }
                WatchMsg::Stop => stop = true,
            }
        }
        if stop {
            return;
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        changed.dedup();
        // Tells the background check of the current site to give way.
        shared.rebuilds.fetch_add(1, Ordering::SeqCst);
        let started = std::time::Instant::now();
        builder.invalidate(&changed);
        let outcome = builder.build_site();
        let built = started.elapsed();
        publish(shared, outcome, builder.counts(), built, &changed);
        if crate::diag::timings::wanted() {
            eprintln!(
                "preview rebuild: build {built:.2?}, published after {:.2?}",
                started.elapsed()
            );
        }
    }
}

/// Puts the outcome of a build in place, tells open pages, and reports on the terminal.
fn publish(
    shared: &Arc<Shared>,
    outcome: Result<GoodBuild, Findings>,
    counts: (usize, usize),
    took: std::time::Duration,
    changed: &[PathBuf],
) {
    let previous = http::snapshot(&shared.current);
    let generation = previous.generation + 1;
    let next = match &outcome {
        Ok(_) => None,
        Err(findings) => Some(Arc::<str>::from(overlay::overlay_html(findings))),
    };
    let (files, report) = match outcome {
        Ok(good) => (Arc::new(good.files), Ok(good.summary)),
        Err(findings) => (
            Arc::clone(&previous.files),
            Err((Summary::new(&findings, counts.0, counts.1), findings)),
        ),
    };
    let count = files.len();
    // A good site rendered on request: check every file of it in the background.
    let check = report.is_ok().then(|| files.lazy_site()).flatten();
    let next = Arc::new(SiteSnapshot {
        generation,
        files,
        overlay: next,
    });
    let old = std::mem::replace(
        &mut *shared
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
        next,
    );
    shared.builds.fetch_add(1, Ordering::SeqCst);
    shared.reloader.broadcast(generation);
    if let Some(site) = check {
        prepublish::spawn(shared, site, generation, counts);
    }
    // The old site may be the last owner of a county's model: freeing it takes tens of
    // milliseconds, which neither the server (it was outside the lock already) nor the
    // next rebuild should wait for.
    let _ = std::thread::Builder::new()
        .name("gongkai-free".into())
        .spawn(move || drop((old, previous)));
    if shared.verbose {
        print_result(&report, count, took, changed);
    }
}

fn print_result(
    report: &Result<Summary, (Summary, Findings)>,
    files: usize,
    took: std::time::Duration,
    changed: &[PathBuf],
) {
    let ms = took.as_millis();
    let what = describe_change(changed);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match report {
        Ok(summary) => {
            let _ = writeln!(out, "{what}已生成 {files} 个文件，耗时 {ms} 毫秒。");
            if summary.warnings + summary.notes > 0 {
                let _ = writeln!(
                    out,
                    "  另有警告 {} 个、提示 {} 个，运行 gongkai check 可查看详情。",
                    summary.warnings, summary.notes
                );
            }
        }
        Err((summary, findings)) => {
            // The summary line still counts the warnings and notes.
            write_errors(&mut out, findings, summary);
            let _ = writeln!(
                out,
                "{what}检查未通过（耗时 {ms} 毫秒）：预览仍显示上一次成功生成的网站，页面上会列出以上错误。改正并保存后会自动重新生成。"
            );
        }
    }
    let _ = out.flush();
}

/// Only the errors of `findings`, as `gongkai check` shows them, then `summary`: notes
/// and warnings do not stop the preview and would bury the errors on every save.
fn write_errors(out: &mut io::StdoutLock<'_>, findings: &Findings, summary: &Summary) {
    let color = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let errors = Findings {
        items: findings
            .items
            .iter()
            .filter(|f| f.is_error())
            .cloned()
            .collect(),
    };
    let _ = report::write_text(out, &errors, summary, color);
}

fn describe_change(changed: &[PathBuf]) -> String {
    let time = chrono::Local::now().format("%H:%M:%S");
    match changed {
        [] => format!("[{time}] "),
        [one] => format!("[{time}] {} 有改动，", file_label(one)),
        [first, rest @ ..] => format!(
            "[{time}] {} 等 {} 处有改动，",
            file_label(first),
            rest.len() + 1
        ),
    }
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
