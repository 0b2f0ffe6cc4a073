//! `gongkai build`: check, render, write atomically.
//!
//! Exit codes: 0 the site was written; 1 the check found errors (nothing written);
//! 2 the site could not be rendered or written, or the output folder was refused
//! (nothing written either: the previous output stays whole).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::check::{load_and_check, print_findings};
use super::{BuildArgs, Format};
use crate::render::{self, RenderOptions};
use crate::{load, model, scan, write};

/// Runs `gongkai build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let root = args.root.as_path();
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));

    // Refuse a dangerous output folder before any work, so the message comes first.
    if let Err(err) = write::resolve_out(&out).and_then(|o| write::check_out_dir(&o, Some(root))) {
        eprintln!("错误：{err}");
        return ExitCode::from(2);
    }

    // Links out of the site folder and files too large to read are refused before
    // anything is loaded: reading them is what must not happen.
    let guarded = load::guard::check_content(root);
    if guarded.has_errors() {
        if let Err(err) = print_findings(&guarded, None, Format::Text) {
            eprintln!("无法输出检查结果：{err}");
        }
        eprintln!("{}", not_written(&out, "内容文件夹中有不能读取的文件"));
        return ExitCode::from(1);
    }

    let (site, findings) = load_and_check(root);
    if let Err(err) = print_findings(&findings, site.as_ref(), Format::Text) {
        eprintln!("无法输出检查结果：{err}");
    }
    let Some(mut site) = site.filter(|_| !findings.has_errors()) else {
        eprintln!("{}", not_written(&out, "检查发现错误"));
        return ExitCode::from(1);
    };

    if let Some(base_url) = &args.base_url {
        site.config.base_url = base_url.clone();
    }
    let disclosure = model::build(site);
    let mut opts = RenderOptions::new(root);
    opts.base_url = args.base_url.clone();
    let files = match render::render_site(&disclosure, &opts) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("错误：{}", render::error_chain(&err));
            eprintln!("{}", not_written(&out, "生成页面时出错"));
            return ExitCode::from(2);
        }
    };

    // Publication safety: no personal number, no private value, nothing that runs.
    let safety = scan::check_site_output(&disclosure, &files);
    if safety.has_errors() {
        if let Err(err) = print_findings(&safety, None, Format::Text) {
            eprintln!("无法输出检查结果：{err}");
        }
        eprintln!("{}", not_written(&out, "生成的网站中有不应公开的内容"));
        return ExitCode::from(1);
    }

    match write::write_site_for(&out, Some(root), &files) {
        Ok(stats) => {
            let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
            println!(
                "已生成网站：页面 {pages} 个，共 {} 个文件，{}，用时 {:.1} 秒。输出在 {}，把其中的全部文件上传到网站即可。",
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
