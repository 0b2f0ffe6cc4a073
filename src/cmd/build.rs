//! `gongkai build`: check, render, write atomically.
//!
//! Exit codes: 0 the site was written; 1 the check found errors (nothing written);
//! 2 the site could not be rendered or written, or the output folder was refused
//! (nothing written either: the previous output stays whole).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::BuildArgs;
use crate::diag::report::{self, Summary};
use crate::diag::Findings;
use crate::pipeline::{Pipeline, Sink};
use crate::render::{OutputFile, RenderOptions};
use crate::write;

/// Builds shorter than this show no progress bar (it would only flicker).
const PROGRESS_AFTER: Duration = Duration::from_millis(800);

/// Runs `gongkai build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let today = match args.today.resolve() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let root = args.root.as_path();
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));

    // A mistyped --root is said as such, before the output folder beside it is made.
    if let Some(finding) = crate::config::root_problem(root) {
        let findings = Findings {
            items: vec![finding],
        };
        if let Err(err) = print_report(&findings, 0, 0, args.quiet) {
            eprintln!("无法输出检查结果：{err}");
        }
        return ExitCode::from(1);
    }
    // Refuse a dangerous output folder before any work, so the message comes first.
    if let Err(err) = write::resolve_out(&out).and_then(|o| write::check_out_dir(&o, Some(root))) {
        eprintln!("错误：{err}");
        return ExitCode::from(2);
    }

    // One build at a time into one output; a second waits. Holding the lock, the
    // temp folders a killed build left beside the output are removed.
    let resolved = write::resolve_out(&out).unwrap_or_else(|_| out.clone());
    let _lock = match write::lock::OutputLock::acquire(&resolved, || {
        eprintln!(
            "另一个 gongkai build 正在生成 {}，等它完成后再开始……",
            shown(&out)
        )
    }) {
        Ok(lock) => lock,
        Err(err) => {
            eprintln!("错误：无法锁定输出文件夹：{err}");
            return ExitCode::from(2);
        }
    };

    // Files stream from the renderer into a temp folder beside `out`; it replaces
    // `out` only when the whole site is rendered, scanned and written. Dropping the
    // writer on any error removes it.
    let writer = match write::SiteWriter::begin(&out, Some(root)) {
        Ok(writer) => writer,
        Err(err) => {
            eprintln!("错误：{err}");
            eprintln!("{}", not_written(&out, "写入时出错"));
            return ExitCode::from(2);
        }
    };
    let mut opts = RenderOptions::new(root);
    opts.base_url = args.base_url.clone();
    opts.today = today.date;
    opts.sealing = args.sealing;
    opts.previous_out = Some(resolved.clone());
    let mut pipeline = Pipeline::once(root, opts);
    let sink = DiskSink::new(&writer, started);
    let result = pipeline.run_into(&sink);
    sink.finish();
    let (files_read, rows_read) = pipeline.counts();

    let streamed = match result {
        Ok(streamed) => streamed,
        Err(findings) => {
            drop(writer);
            if let Err(err) = print_report(&findings, files_read, rows_read, args.quiet) {
                eprintln!("无法输出检查结果：{err}");
            }
            let (code, why) = failure(&findings);
            eprintln!("{}", not_written(&out, why));
            return ExitCode::from(code);
        }
    };
    if let Err(err) = print_report(&streamed.findings, files_read, rows_read, args.quiet) {
        eprintln!("无法输出检查结果：{err}");
    }
    let pages = sink.pages();
    let reused = writer.reused();
    let commit_started = Instant::now();
    // New seals go into the site's archive/ before the output that shows them is swapped
    // in: a published fingerprint always has its file in archive/.
    let sealed = match pipeline.ledger() {
        Some(ledger) => match crate::ledger::write_new_seals(root, &ledger) {
            Ok(paths) => paths,
            Err(err) => {
                drop(writer);
                eprintln!("错误：无法写入封存文件：{err}");
                eprintln!("{}", not_written(&out, "写入封存文件时出错"));
                return ExitCode::from(2);
            }
        },
        None => Vec::new(),
    };
    for path in &sealed {
        println!("已封存：{}", shown(path));
    }
    let committed = writer.commit();
    if crate::diag::timings::wanted() {
        eprintln!(
            "timings: {}, seals+swap {:.2?}, total {:.2?}",
            pipeline.stats().timings(),
            commit_started.elapsed(),
            started.elapsed()
        );
    }
    match committed {
        Ok(stats) => {
            // The site is out: record the first publication dates of what it published
            // for the first time, so they do not move with later builds.
            if let Some(record) = pipeline.publication_record() {
                if let Err(err) = record.save(root) {
                    eprintln!(
                        "警告：网站已生成，但无法写入发布记录 {}：{err}。下次生成时新发布内容的发布日期会按那一天记录；请检查网站文件夹是否可写。",
                        crate::calendar::RECORD_FILE
                    );
                }
            }
            // Unchanged files keep their time, so an upload tool that compares times
            // sends only the others; say so when it applies.
            let unchanged = if reused > 0 {
                format!("（其中 {reused} 个与上次相同，未改动）")
            } else {
                String::new()
            };
            println!(
                "已生成网站：页面 {pages} 个，共 {} 个文件{unchanged}，{}，用时 {:.1} 秒。输出在 {}，把其中的全部文件上传到网站即可。",
                stats.files,
                human_size(stats.bytes),
                started.elapsed().as_secs_f64(),
                shown(&out),
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("错误：{err}");
            eprintln!("{}", not_written(&out, "写入时出错"));
            ExitCode::from(2)
        }
    }
}

/// Exit code and reason of a failed run, from its error findings: a broken template or
/// a failed write is 2, anything in the content (a check error, a leak) is 1.
fn failure(findings: &Findings) -> (u8, &'static str) {
    let has = |code: &str| {
        findings
            .items
            .iter()
            .any(|f| f.is_error() && f.code == code)
    };
    if has("render-failed") {
        (2, "生成页面时出错")
    } else if has("write-failed") {
        (2, "写入时出错")
    } else if findings
        .items
        .iter()
        .any(|f| f.is_error() && (f.code.starts_with("leak-") || f.code == "unsafe-html"))
    {
        (1, "生成的网站中有不应公开的内容")
    } else {
        (1, "检查发现错误")
    }
}

/// The check report, with the counts of what the pipeline read.
fn print_report(findings: &Findings, files: usize, rows: usize, quiet: bool) -> io::Result<()> {
    let summary = Summary::new(findings, files, rows);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let color = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    report::write_text_with(&mut out, findings, &summary, color, quiet)?;
    out.flush()
}

/// The sink of `gongkai build`: each file to the writer, and a progress bar on a
/// terminal once the build has run for a moment (none in CI or a pipe, where the one
/// summary line is all that is printed).
struct DiskSink<'w> {
    writer: &'w write::SiteWriter,
    bar: Option<ProgressBar>,
    started: Instant,
    pages: std::sync::atomic::AtomicUsize,
}

impl<'w> DiskSink<'w> {
    fn new(writer: &'w write::SiteWriter, started: Instant) -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} 个文件 {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix("正在生成网站");
            bar
        });
        DiskSink {
            writer,
            bar,
            started,
            pages: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// HTML pages written.
    fn pages(&self) -> usize {
        self.pages.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Sink for DiskSink<'_> {
    fn planned(&self, files: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    fn accept(&self, file: OutputFile) -> io::Result<()> {
        self.writer.write(&file)?;
        if file.path.ends_with(".html") {
            self.pages
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && self.started.elapsed() > PROGRESS_AFTER {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            let planned = bar.length().unwrap_or(0);
            if bar.position() >= planned {
                // The search index comes on top of the planned files.
                bar.inc_length(1);
            }
            bar.inc(1);
            if bar.position() == planned && bar.message().is_empty() {
                // The pages are done; the index is made from them next and takes a while.
                bar.set_message("正在建立站内搜索索引……");
            }
        }
        Ok(())
    }
}

/// `public`, or the absolute path when it is clearer.
fn shown(out: &Path) -> String {
    write::resolve_out(out)
        .unwrap_or_else(|_| PathBuf::from(out))
        .display()
        .to_string()
}

fn not_written(out: &Path, why: &str) -> String {
    format!(
        "{why}，未生成网站；输出文件夹 {} 保持原样（未改动任何文件）。",
        shown(out)
    )
}

/// `1.2 MB`, `856 KB`, `312 字节` (decimal units).
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{:.0} KB", b as f64 / 1_000.0),
        b => format!("{b} 字节"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(312), "312 字节");
        assert_eq!(human_size(85_600), "86 KB");
        assert_eq!(human_size(27_400_000), "27.4 MB");
    }
}
