//! Guards run over `content/` before anything is read: links that lead out of the site
//! folder, and files too large or too oddly shaped to read within bounded memory.
//!
//! The limits (documented in README "发布安全"):
//! - a register or task list: at most [`MAX_TABLE_BYTES`], [`MAX_TABLE_ROWS`] lines,
//!   [`MAX_LINE_BYTES`] per line and [`MAX_COLUMNS`] columns; all registers of the site
//!   together at most [`MAX_SITE_REGISTER_BYTES`];
//! - a register workbook: at most [`MAX_TABLE_BYTES`] on disk; inside it, the limits
//!   of [`crate::load::workbook`] (parts inflated, rows, columns, cells);
//! - a notice or page: at most [`MAX_MARKDOWN_BYTES`] and [`MAX_NESTING`] levels of
//!   nested quotes or lists.
//!
//! Every check streams the file in fixed-size chunks, so checking a 2 GB file costs
//! 64 KB of memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

use crate::diag::relative_path;
use crate::diag::{Finding, Findings};

/// The largest register or task list read: about 100,000 rows of a real register, ten
/// times a county's month.
pub const MAX_TABLE_BYTES: u64 = 32 * 1024 * 1024;
/// The most lines in one register or task list.
pub const MAX_TABLE_ROWS: usize = 100_000;
/// All registers of a site together: a province's year (12 × 50,000 rows) is 154 MB.
pub const MAX_SITE_REGISTER_BYTES: u64 = 256 * 1024 * 1024;
/// The longest line of a register: a cell this long is a paste accident.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// The most columns (delimiters + 1, counted on the raw line) of one register line.
pub const MAX_COLUMNS: usize = 2_000;
/// The largest notice or page: the longest seed notice is about 40 KB.
pub const MAX_MARKDOWN_BYTES: u64 = 4 * 1024 * 1024;
/// The deepest nesting of `>` quotes or list indentation in one Markdown line.
pub const MAX_NESTING: usize = 100;
/// Largest notice attachment (photo, PDF, Office document, archive) in bytes.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;

/// The content folder, relative to the site root.
const CONTENT_DIR: &str = "content";

/// Checks everything under `content/`: outward links and file limits. Returns error
/// findings; a site with any of them must not be loaded further.
pub fn check_content(root: &Path) -> Findings {
    check_content_with(root, None)
}

/// How long after its modification a file's length and time are trusted to change
/// with its content (coarse file system clocks; the pipeline's racy window).
const TRUST_AFTER: Duration = Duration::from_secs(3);

/// The result of [`check_file`] for each file under `content/`, kept between calls of
/// [`check_content_cached`] so the preview does not stream every file on every save.
#[derive(Debug, Default, Clone)]
pub struct GuardCache {
    files: HashMap<PathBuf, CheckedFile>,
}

#[derive(Debug, Clone)]
struct CheckedFile {
    len: u64,
    modified: SystemTime,
    result: Option<Finding>,
}

/// [`check_content`] for the preview: a regular file (not a link) whose length and
/// modification time are those it had when it was last checked, and whose time was
/// then old enough to be trusted, is not read again, unless it is under one of `dirty`
/// (paths the watcher reported). Links are always followed and checked again. The
/// findings are those of [`check_content`].
pub fn check_content_cached(root: &Path, cache: &mut GuardCache, dirty: &[PathBuf]) -> Findings {
    check_content_with(root, Some((cache, dirty)))
}

fn check_content_with(root: &Path, mut cache: Option<(&mut GuardCache, &[PathBuf])>) -> Findings {
    let now = SystemTime::now();
    let old = cache
        .as_mut()
        .map(|(cache, _)| std::mem::take(&mut cache.files))
        .unwrap_or_default();
    let mut findings = Findings::default();
    let dir = root.join(CONTENT_DIR);
    if !dir.exists() {
        return findings;
    }
    let canonical_root = dunce::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let registers = dir.join("registers");
    let mut register_bytes = 0u64;
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let rel = relative_path(root, path);
        if entry.path_is_symlink() {
            if let Some(finding) = check_link(path, &rel, &canonical_root) {
                findings.push(finding);
                continue;
            }
        }
        if !path.is_file() {
            continue;
        }
        let meta = std::fs::metadata(path).ok();
        if path.starts_with(&registers) {
            register_bytes += meta.as_ref().map_or(0, |m| m.len());
        }
        let stamp = meta
            .as_ref()
            .and_then(|m| Some((m.len(), m.modified().ok()?)))
            .filter(|_| !entry.path_is_symlink());
        let result = match (&mut cache, stamp) {
            (Some((cache, dirty)), Some((len, modified))) => {
                let reusable = !dirty.iter().any(|d| path.starts_with(d));
                let result = match old.get(path) {
                    Some(c) if reusable && c.len == len && c.modified == modified => {
                        c.result.clone()
                    }
                    _ => check_file(path, &rel),
                };
                // Only a time old enough when it was taken vouches for the content.
                let trusted = now
                    .duration_since(modified)
                    .is_ok_and(|age| age >= TRUST_AFTER);
                if trusted {
                    cache.files.insert(
                        path.to_path_buf(),
                        CheckedFile {
                            len,
                            modified,
                            result: result.clone(),
                        },
                    );
                }
                result
            }
            _ => check_file(path, &rel),
        };
        if let Some(finding) = result {
            findings.push(finding);
        }
    }
    if register_bytes > MAX_SITE_REGISTER_BYTES {
        findings.push(
            Finding::error(
                "content-registers-too-large",
                format!(
                    "content/registers 中的台账共 {:.0} MB，超过一个网站 {} MB 的上限，未读取",
                    register_bytes as f64 / 1_048_576.0,
                    MAX_SITE_REGISTER_BYTES / 1_048_576
                ),
            )
            .in_file("content/registers")
            .with_help("一个网站放一个县（区）的台账即可；请把多余的文件（备份、重复导出的表）移出 content/registers，或按县分成几个网站。"),
        );
    }
    findings
}

/// A link must lead to something inside the site folder.
fn check_link(path: &Path, rel: &Path, root: &Path) -> Option<Finding> {
    match dunce::canonicalize(path) {
        Ok(target) if target.starts_with(root) => None,
        Ok(target) => Some(
            Finding::error(
                "content-link-outside",
                format!(
                    "{} 是指向网站文件夹以外（{}）的链接（快捷方式），已拒绝读取",
                    rel.display(),
                    target.display()
                ),
            )
            .in_file(rel.to_path_buf())
            .with_help("为防止把网站文件夹以外的文件误发布，content/ 中的链接只能指向网站文件夹内。请把要发布的文件复制到 content/ 中，并删除这个链接。"),
        ),
        Err(_) => Some(
            Finding::error(
                "content-link-broken",
                format!("{} 是指向不存在的文件的链接（快捷方式）", rel.display()),
            )
            .in_file(rel.to_path_buf())
            .with_help("请删除这个链接，或把它指向的文件复制到 content/ 中。"),
        ),
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Size and shape limits of one file, by kind (`.csv`/`.tsv`/`.txt` tables, `.md`
/// Markdown): the error finding when the file must not be read. Loaders call this
/// before reading a file, so `check` and `serve` are bounded too.
pub fn check_file(path: &Path, rel: &Path) -> Option<Finding> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    match extension(path).as_str() {
        "csv" | "tsv" | "txt" => {
            if size > MAX_TABLE_BYTES {
                return Some(too_large(
                    rel,
                    size,
                    MAX_TABLE_BYTES,
                    "请按村（社区）或按月份拆分成几个文件，每个文件一份台账。",
                ));
            }
            match table_shape(path) {
                Ok(shape) => shape.problem(rel),
                Err(_) => None, // unreadable: the loader says so with its own message
            }
        }
        // Workbooks: the file's size here; the zip inside (parts, inflated sizes, rows,
        // columns, cells) is bounded by `load::workbook` while it reads.
        "xlsx" | "xlsm" | "xls" | "et" if size > MAX_TABLE_BYTES => Some(too_large(
            rel,
            size,
            MAX_TABLE_BYTES,
            "请按村（社区）或按月份拆分成几个工作簿；也请检查是否插入了大图片。",
        )),
        "md" | "markdown" => {
            if size > MAX_MARKDOWN_BYTES {
                return Some(too_large(rel, size, MAX_MARKDOWN_BYTES, "通知正文不应这么长：请检查是否误粘贴了图片或其他文件的内容；附件请放到 static/ 文件夹中并在正文中链接。"));
            }
            match markdown_nesting(path) {
                Ok((depth, line)) if depth > MAX_NESTING => Some(
                    Finding::error(
                        "content-too-deep",
                        format!(
                            "第 {line} 行嵌套了 {depth} 层引用或列表，超过上限 {MAX_NESTING} 层"
                        ),
                    )
                    .in_file(rel.to_path_buf())
                    .at_row(line)
                    .with_help("请检查这一行开头是否误粘贴了大量“>”、“-”或空格。"),
                ),
                _ => None,
            }
        }
        _ if crate::attach::is_attachment(path) && size > MAX_ATTACHMENT_BYTES => Some(too_large(
            rel,
            size,
            MAX_ATTACHMENT_BYTES,
            "附件太大，读者用手机也难以打开：照片请缩小后再放入，文件请压缩或拆分。",
        )),
        _ => None,
    }
}

fn too_large(rel: &Path, size: u64, cap: u64, what: &str) -> Finding {
    Finding::error(
        "content-too-large",
        format!(
            "文件有 {:.1} MB，超过上限 {} MB，未读取",
            size as f64 / 1_048_576.0,
            cap / 1_048_576
        ),
    )
    .in_file(rel.to_path_buf())
    .with_help(what.to_string())
}

/// What the guard measures of a table file.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    lines: usize,
    /// The longest line and its (1-based) number.
    longest: (usize, usize),
    /// The most delimiters on one line and its number.
    widest: (usize, usize),
}

impl Shape {
    fn problem(&self, rel: &Path) -> Option<Finding> {
        let rel = rel.to_path_buf();
        if self.lines > MAX_TABLE_ROWS {
            return Some(
                Finding::error(
                    "content-too-many-rows",
                    format!("文件有 {} 行，超过上限 {MAX_TABLE_ROWS} 行，未读取", self.lines),
                )
                .in_file(rel)
                .with_help("一个月的台账不会有这么多行：请检查是否误导出了整张工作表（含大量空行），或按村拆分成几个文件。"),
            );
        }
        if self.longest.0 > MAX_LINE_BYTES {
            return Some(
                Finding::error(
                    "content-line-too-long",
                    format!(
                        "第 {} 行有 {:.1} MB，超过一行 {} MB 的上限，未读取",
                        self.longest.1,
                        self.longest.0 as f64 / 1_048_576.0,
                        MAX_LINE_BYTES / 1_048_576
                    ),
                )
                .in_file(rel)
                .at_row(self.longest.1)
                .with_help("请检查这一行是否误粘贴了大段文字或其他文件的内容。"),
            );
        }
        if self.widest.0 + 1 > MAX_COLUMNS {
            return Some(
                Finding::error(
                    "content-too-many-columns",
                    format!(
                        "第 {} 行有 {} 列，超过上限 {MAX_COLUMNS} 列，未读取",
                        self.widest.1,
                        self.widest.0 + 1
                    ),
                )
                .in_file(rel)
                .at_row(self.widest.1)
                .with_help("请在 Excel/WPS 中删除多余的空列后重新另存为 CSV。"),
            );
        }
        None
    }
}

/// Counts lines, the longest line and the most delimiters on a line, streaming. Works
/// on the raw bytes, so it holds for every encoding the loader reads (in UTF-16 the
/// counts are only larger, never smaller, than the truth for `,`, `\t` and `\n`).
fn table_shape(path: &Path) -> io::Result<Shape> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut shape = Shape::default();
    let (mut line_len, mut delimiters) = (0usize, 0usize);
    let mut line = 1usize;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            match b {
                b'\n' => {
                    finish_line(&mut shape, line, line_len, delimiters);
                    line += 1;
                    line_len = 0;
                    delimiters = 0;
                }
                b',' | b'\t' => {
                    delimiters += 1;
                    line_len += 1;
                }
                _ => line_len += 1,
            }
        }
    }
    finish_line(&mut shape, line, line_len, delimiters);
    shape.lines = if line_len == 0 { line - 1 } else { line };
    Ok(shape)
}

fn finish_line(shape: &mut Shape, line: usize, len: usize, delimiters: usize) {
    if len > shape.longest.0 {
        shape.longest = (len, line);
    }
    if delimiters > shape.widest.0 {
        shape.widest = (delimiters, line);
    }
}

/// The deepest nesting of quote markers (`>`) and list indentation at the start of a
/// line, and its line number. Nesting is what makes Markdown parsers and sanitisers
/// recurse, so it is bounded before either runs.
fn markdown_nesting(path: &Path) -> io::Result<(usize, usize)> {
    let bytes = std::fs::read(path)?;
    Ok(nesting(&bytes))
}

/// See `markdown_nesting`: the same over bytes already read.
pub fn nesting(bytes: &[u8]) -> (usize, usize) {
    let mut deepest = (0, 0);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let mut depth = 0;
        let mut spaces = 0;
        for (j, &b) in line.iter().enumerate() {
            match b {
                b'>' => depth += 1,
                b' ' => {
                    spaces += 1;
                    // Four spaces of indentation open one level of a nested list.
                    if spaces % 4 == 0 {
                        depth += 1;
                    }
                }
                b'\t' => depth += 1,
                // A list marker, not a rule (`-----`) or emphasis (`**`).
                b'-' | b'*' | b'+' if line.get(j + 1) == Some(&b' ') => depth += 1,
                b'-' | b'*' | b'+' => {}
                _ => break,
            }
        }
        if depth > deepest.0 {
            deepest = (depth, i + 1);
        }
    }
    deepest
}

/// Paths of content files refused by [`check_content`], so a loader can skip them.
pub fn refused_paths(root: &Path, findings: &Findings) -> Vec<PathBuf> {
    findings
        .items
        .iter()
        .filter(|f| f.is_error())
        .filter_map(|f| f.file.as_ref().map(|p| root.join(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::{backdate, set_modified};

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/registers/2024-05")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/notices")).unwrap();
        dir
    }

    #[test]
    fn cached_guard_sees_every_change() {
        let dir = site();
        let csv = dir.path().join("content/registers/2024-05/a.csv");
        std::fs::write(&csv, "编号,名称\n1,a\n").unwrap();
        backdate(&csv, 60);
        let mut cache = GuardCache::default();
        let codes = |f: &Findings| f.items.iter().map(|f| f.code).collect::<Vec<_>>();
        assert!(check_content_cached(dir.path(), &mut cache, &[])
            .items
            .is_empty());
        assert_eq!(cache.files.len(), 1, "an old file is remembered");
        // Too many columns: a new length and time.
        let wide = format!("{}\n", vec!["x"; MAX_COLUMNS + 5].join(","));
        std::fs::write(&csv, &wide).unwrap();
        let fresh = check_content_cached(dir.path(), &mut cache, &[]);
        assert_eq!(codes(&fresh), codes(&check_content(dir.path())));
        assert!(fresh.has_errors());
        assert!(cache.files.is_empty(), "a just-written file is not trusted");
        // Same length and time as a remembered clean file, but named by the watcher.
        std::fs::write(&csv, "编号,名称\n1,a\n").unwrap();
        backdate(&csv, 60);
        let modified = std::fs::metadata(&csv).unwrap().modified().unwrap();
        assert!(check_content_cached(dir.path(), &mut cache, &[])
            .items
            .is_empty());
        std::fs::write(&csv, "编号,名称\n1,b\n").unwrap();
        set_modified(&csv, modified);
        assert!(
            check_content_cached(dir.path(), &mut cache, std::slice::from_ref(&csv))
                .items
                .is_empty()
        );
        std::fs::write(&csv, &wide).unwrap();
        set_modified(&csv, modified);
        let named = check_content_cached(
            dir.path(),
            &mut cache,
            &[csv.parent().unwrap().to_path_buf()],
        );
        assert!(
            named.has_errors(),
            "a file under a named folder is read again"
        );
    }

    #[test]
    fn clean_content_passes() {
        let dir = site();
        std::fs::write(
            dir.path().join("content/registers/2024-05/a.csv"),
            "编号,隐患名称\nA-1,x\n",
        )
        .unwrap();
        let rule = format!("> 引用\n\n- 列表\n\n{}\n", "-".repeat(300));
        std::fs::write(dir.path().join("content/notices/a.md"), rule).unwrap();
        assert!(check_content(dir.path()).items.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn outward_links_are_refused_inward_ones_allowed() {
        let dir = site();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.csv"), "编号\n1\n").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.csv"),
            dir.path().join("content/registers/2024-05/b.csv"),
        )
        .unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("content/notices/etc")).unwrap();
        std::fs::write(dir.path().join("content/notices/a.md"), "x").unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("content/notices/a.md"),
            dir.path().join("content/notices/b.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("content/notices/c.md"))
            .unwrap();
        let findings = check_content(dir.path());
        let codes: Vec<(&str, String)> = findings
            .items
            .iter()
            .map(|f| (f.code, f.file.as_ref().unwrap().display().to_string()))
            .collect();
        assert!(
            codes.contains(&(
                "content-link-outside",
                "content/registers/2024-05/b.csv".into()
            )),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("content-link-outside", "content/notices/etc".into())),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("content-link-broken", "content/notices/c.md".into())),
            "{codes:?}"
        );
        assert_eq!(findings.items.len(), 3, "{codes:?}");
        assert!(findings
            .items
            .iter()
            .filter(|f| f.code == "content-link-outside")
            .all(|f| f.message.contains("网站文件夹以外")));
    }

    #[test]
    fn shape_limits() {
        let dir = site();
        let wide = format!("{}\n", ",".repeat(MAX_COLUMNS + 5));
        std::fs::write(dir.path().join("content/registers/2024-05/wide.csv"), wide).unwrap();
        let long = format!("编号,备注\nA-1,{}\n", "长".repeat(MAX_LINE_BYTES / 3 + 10));
        std::fs::write(dir.path().join("content/registers/2024-05/long.csv"), long).unwrap();
        let deep = format!("{}x\n", ">".repeat(MAX_NESTING + 1));
        std::fs::write(dir.path().join("content/notices/deep.md"), deep).unwrap();
        let findings = check_content(dir.path());
        let codes: Vec<&str> = findings.items.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            vec![
                "content-too-deep",
                "content-line-too-long",
                "content-too-many-columns"
            ]
        );
        assert_eq!(findings.items[1].row, Some(2));
    }

    #[test]
    fn counts_lines_without_trailing_newline() {
        let dir = site();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\nc,d").unwrap();
        assert_eq!(table_shape(&path).unwrap().lines, 2);
        std::fs::write(&path, "a,b\nc,d\n").unwrap();
        assert_eq!(table_shape(&path).unwrap().lines, 2);
    }
}
