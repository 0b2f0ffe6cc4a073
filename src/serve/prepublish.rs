//! The preview's check of the whole site before it would be published.
//!
//! The preview renders a page only when a browser asks for it, so a leak (a mobile
//! number typed into 整改措施, say) on a page nobody opened would first be seen when
//! `gongkai build` refuses to publish. After every good rebuild a background thread
//! therefore renders and scans every file as a build does ([`LazySite::unpublishable`]).
//! If it finds anything, the findings go to the terminal and over every page (a new
//! generation, so open pages reload), while the site itself is still shown.
//!
//! The thread gives way: it stops as soon as a newer rebuild begins or the preview
//! stops, so a saved edit never waits for it, and it runs on one thread, leaving the
//! other core to the server.

use std::io::{self, Write};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use super::lazy::LazySite;
use super::snapshot::SiteSnapshot;
use super::{overlay, Shared};
use crate::diag::report::Summary;
use crate::diag::Findings;

/// Starts the check of `site`, published as `generation`; `counts` (input files and
/// register rows) are for the summary line.
pub(super) fn spawn(
    shared: &Arc<Shared>,
    site: Arc<LazySite>,
    generation: u64,
    counts: (usize, usize),
) {
    let shared = Arc::clone(shared);
    let rebuild = shared.rebuilds.load(Ordering::SeqCst);
    let _ = std::thread::Builder::new()
        .name("gongkai-prepublish".into())
        .spawn(move || {
            let keep_going = || {
                !shared.stopping.load(Ordering::SeqCst)
                    && shared.rebuilds.load(Ordering::SeqCst) == rebuild
            };
            let started = std::time::Instant::now();
            let Some(findings) = site.unpublishable(&keep_going) else {
                return;
            };
            if crate::diag::timings::wanted() {
                eprintln!(
                    "preview: background check of every file in {:.2?}, {} errors",
                    started.elapsed(),
                    findings.errors()
                );
            }
            if !findings.has_errors() {
                return;
            }
            let html: Arc<str> = Arc::from(overlay::unpublishable_html(&findings));
            let next = {
                let mut current = shared
                    .current
                    .write()
                    .unwrap_or_else(PoisonError::into_inner);
                // Only over the site that was checked: a newer one is checked anew.
                if current.generation != generation || !keep_going() {
                    return;
                }
                let next = generation + 1;
                *current = Arc::new(SiteSnapshot {
                    generation: next,
                    files: Arc::clone(&current.files),
                    overlay: Some(html),
                });
                next
            };
            shared.reloader.broadcast(next);
            if shared.verbose {
                print(&findings, counts);
            }
        });
}

/// The findings on the terminal, with what they mean for publishing.
fn print(findings: &Findings, counts: (usize, usize)) {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let errors = findings.errors();
    let summary = Summary {
        files: counts.0,
        rows: counts.1,
        errors,
        warnings: 0,
        notes: 0,
    };
    super::write_errors(&mut out, findings, &summary);
    let _ = writeln!(
        out,
        "发布前检查：生成的网站里有以上不得公开的内容，gongkai build 会拒绝发布。预览照常显示，页面上也列出了这些问题；改正并保存后会自动重新检查。"
    );
    let _ = out.flush();
}
