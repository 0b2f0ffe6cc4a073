//! Finding, reading and naming the content files of notices, pages and task lists:
//! a sorted walk that skips what editors and operating systems leave behind, decoding
//! with a warning for GBK, and URL-safe slugs.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

use crate::diag::relative_path;
use crate::diag::{Finding, Findings};
use crate::load::text::{decode, DecodeError};

/// True for names that are not content: hidden files (`.DS_Store`, `.git`), editor
/// backups and swap files (`x.md~`, `.x.md.swp`, `#x.md#`) and Office lock files
/// (`~$x.docx`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.to_ascii_lowercase().ends_with(ext))
}

/// The files under `dir` whose extension is in `wanted` (lower-case, no dot), sorted by
/// path. `recursive` walks sub-folders too. Ignored names (see [`is_ignored`]) are
/// skipped, in folders as well; files with an extension in `companions` are skipped
/// quietly, any other file gets a note so staff see it was not read. A missing folder has
/// no files.
pub fn content_files(
    root: &Path,
    dir: &Path,
    wanted: &[&str],
    companions: &[&str],
    recursive: bool,
    findings: &mut Findings,
) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(if recursive { usize::MAX } else { 1 })
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(dir);
                findings.push(
                    Finding::error("content-unreadable", "无法读取此文件或文件夹")
                        .in_file(relative_path(root, path))
                        .with_help("请检查文件是否被其他程序占用，或当前用户是否有读取权限。"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if wanted.contains(&ext.as_str()) {
            files.push(path.to_path_buf());
        } else if !companions.contains(&ext.as_str()) {
            findings.push(
                Finding::note(
                    "content-not-read",
                    format!("此文件不是 {} 文件，未读取", wanted.join("/")),
                )
                .in_file(relative_path(root, path))
                .with_help(format!(
                    "如需发布，请将内容另存为 .{} 文件；否则可把它移出此文件夹。",
                    wanted.first().copied().unwrap_or("md")
                )),
            );
        }
    }
    files.sort();
    files
}

/// Reads and decodes a text file (Markdown or TOML). GBK/GB18030 is read with a warning;
/// anything unreadable is an error finding and `None`.
pub fn read_text(root: &Path, path: &Path, findings: &mut Findings) -> Option<String> {
    let rel = relative_path(root, path);
    // Size and nesting limits first: a 50 MB paste is refused without being read.
    if let Some(finding) = crate::load::guard::check_file(path, &rel) {
        findings.push(finding);
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(_) => {
            findings.push(
                Finding::error("content-unreadable", "无法读取此文件")
                    .in_file(rel)
                    .with_help("请检查文件是否被其他程序占用，或当前用户是否有读取权限。"),
            );
            return None;
        }
    };
    match decode(bytes) {
        Ok(decoded) => {
            if matches!(decoded.encoding, "GBK" | "GB18030") {
                findings.push(
                    Finding::warning(
                        "content-encoding",
                        format!("文件不是 UTF-8 编码，已按 {} 编码读取", decoded.encoding),
                    )
                    .in_file(rel)
                    .with_help("请确认文字显示正确；建议用记事本“另存为”，编码选 UTF-8。"),
                );
            }
            Some(decoded.text)
        }
        Err(err) => {
            let message = match err {
                DecodeError::Empty => "文件是空的".to_string(),
                DecodeError::ExcelWorkbook | DecodeError::OldExcelWorkbook => {
                    "这不是文本文件（看起来是 Word 或 Excel 文档）".to_string()
                }
                DecodeError::Invalid { .. } => {
                    "无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030）".to_string()
                }
            };
            let help = match err {
                DecodeError::Empty => "请写入内容，或删除这个多余的文件。",
                _ => "请用记事本或其他文本编辑器打开，确认文字正确后“另存为”，编码选 UTF-8。",
            };
            findings.push(
                Finding::error("content-encoding", message)
                    .in_file(rel)
                    .with_help(help),
            );
            None
        }
    }
}

/// The longest slug made, in characters; longer names are cut.
const MAX_SLUG_CHARS: usize = 80;

/// Turns a file stem or a `slug` value into a URL-safe name: NFKC (full-width letters
/// and digits become ASCII), ASCII lower-cased (servers on Windows ignore case, so
/// `A` and `a` must not be two pages), letters and digits of any script kept (a Chinese
/// name stays readable), `_` and `-` kept, everything else (`/`, `\`, `.`, spaces,
/// control characters, punctuation) becomes `-`, runs of `-` collapse. `None` when
/// nothing is left. Names Windows reserves (`con`, `nul`, …) get `-page` appended.
pub fn slugify(raw: &str) -> Option<String> {
    let mut slug = String::new();
    for c in raw.nfkc() {
        let c = c.to_ascii_lowercase();
        if c.is_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug
        .trim_matches('-')
        .chars()
        .take(MAX_SLUG_CHARS)
        .collect();
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        return None;
    }
    let reserved = matches!(slug.as_str(), "con" | "prn" | "aux" | "nul")
        || (slug.len() == 4
            && (slug.starts_with("com") || slug.starts_with("lpt"))
            && slug.as_bytes()[3].is_ascii_digit());
    Some(if reserved {
        format!("{slug}-page")
    } else {
        slug
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_names() {
        for name in [
            ".DS_Store",
            ".x.md.swp",
            "x.md~",
            "#x.md#",
            "~$台账.xlsx",
            "x.md.bak",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["通知.md", "2024", "a#b.md", "#"] {
            assert!(!is_ignored(name), "{name}");
        }
    }

    #[test]
    fn slugs_keep_chinese_and_drop_unsafe() {
        assert_eq!(
            slugify("关于开展重大事故隐患排查的通知").as_deref(),
            Some("关于开展重大事故隐患排查的通知")
        );
        assert_eq!(slugify("2024-05 Notice").as_deref(), Some("2024-05-notice"));
        assert_eq!(slugify("ａｂｃ１２３").as_deref(), Some("abc123"));
        assert_eq!(slugify("../../etc/passwd").as_deref(), Some("etc-passwd"));
        assert_eq!(slugify("a\\b/c").as_deref(), Some("a-b-c"));
        assert_eq!(slugify("a\u{0}b\u{7}c\nd").as_deref(), Some("a-b-c-d"));
        assert_eq!(
            slugify("南政发〔2023〕14号").as_deref(),
            Some("南政发-2023-14号")
        );
        assert_eq!(slugify("a..b").as_deref(), Some("a-b"));
        assert_eq!(slugify("  x_y  ").as_deref(), Some("x_y"));
        assert_eq!(slugify("\u{202e}rtl").as_deref(), Some("rtl"));
        assert_eq!(slugify("...").as_deref(), None);
        assert_eq!(slugify("").as_deref(), None);
        assert_eq!(slugify("《》？！").as_deref(), None);
    }

    #[test]
    fn slugs_are_bounded_and_avoid_reserved_names() {
        let long = "隐".repeat(200);
        assert_eq!(slugify(&long).unwrap().chars().count(), MAX_SLUG_CHARS);
        assert_eq!(slugify("CON").as_deref(), Some("con-page"));
        assert_eq!(slugify("com1").as_deref(), Some("com1-page"));
        assert_eq!(slugify("console").as_deref(), Some("console"));
    }

    #[test]
    fn slugs_never_contain_path_parts() {
        for raw in ["a/b", "a\\b", "..", "a/../b", "\u{1}", "ｘ／ｙ", "a．．b"] {
            if let Some(s) = slugify(raw) {
                assert!(
                    !s.contains('/') && !s.contains('\\') && !s.contains(".."),
                    "{raw} → {s}"
                );
                assert!(!s.chars().any(char::is_control), "{raw} → {s}");
            }
        }
    }
}
