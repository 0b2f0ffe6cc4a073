//! Notice attachments: the photos, PDF, Office/WPS documents and archives a notice
//! links, published with it.
//!
//! A notice links a file beside it as `[方案](fj/方案.pdf)` or `![现场](fj/现场照片.png)`,
//! or a file of the site's `static/` folder as `/fujian/x.pdf`. Loading resolves every
//! such link ([`resolve`]): a file beside the notice is published at
//! `notices/<notice>/<its path from the notice's folder>` (slugged), a `static/` file
//! where `static/` puts it, and the link in the page is rewritten to a relative URL, so
//! it works under any sub-path and from disk. A link to a file that does not exist, or
//! outside the site's `content/` folder, is an error naming the notice and line.
//!
//! - `metadata.rs`: photos lose their EXIF/XMP (GPS, device, owner) without re-encoding;
//! - `text.rs`: the text of PDF, Word and Excel files, scanned for personal data like
//!   the pages (what cannot be read is listed in a note).

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diag::{Finding, Findings};

pub mod metadata;
pub mod text;

/// Where notices' own attachments are published, under the notice's folder.
const STATIC_DIR: &str = "static";
const CONTENT_DIR: &str = "content";

/// Photos: published without their metadata.
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];
/// Documents whose text is scanned for personal data.
pub const SCANNED_EXTENSIONS: &[&str] = &["pdf", "docx", "xlsx"];
/// Documents and archives published as they are; their text cannot be scanned.
pub const OPAQUE_EXTENSIONS: &[&str] = &[
    "doc", "xls", "ppt", "pptx", "wps", "et", "dps", "ofd", "zip", "rar", "7z",
];

/// True for a file name a notice may link as an attachment.
pub fn is_attachment(path: &Path) -> bool {
    let ext = extension(path);
    IMAGE_EXTENSIONS
        .iter()
        .chain(SCANNED_EXTENSIONS)
        .chain(OPAQUE_EXTENSIONS)
        .any(|e| *e == ext)
}

/// Every attachment extension (for the notice loader, which leaves these files to us).
pub fn extensions() -> Vec<&'static str> {
    IMAGE_EXTENSIONS
        .iter()
        .chain(SCANNED_EXTENSIONS)
        .chain(OPAQUE_EXTENSIONS)
        .copied()
        .collect()
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// One linked file of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The link as written in the notice (`fj/现场照片.png`).
    pub link: String,
    /// The line of the notice file the link is on.
    pub line: usize,
    /// The file, relative to the site root (`content/notices/2026/fj/现场照片.png`).
    pub source: PathBuf,
    /// The output path it is published at (`notices/<slug>/fj/现场照片.png`), or where
    /// `static/` already puts it.
    pub output: String,
    /// True for a file of `static/` (copied with the rest of `static/`, not by us).
    pub in_static: bool,
}

impl Attachment {
    /// True for a photo (published without metadata).
    pub fn is_image(&self) -> bool {
        IMAGE_EXTENSIONS.contains(&extension(&self.source).as_str())
    }
}

/// The local links of a Markdown body to attachment files, with the line of each
/// (`body_line` is the line of the file where the body starts).
fn attachment_links(body: &str, body_line: usize) -> Vec<(String, usize)> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_GFM;
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let dest = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        let Some(path) = local_path(&dest) else {
            continue;
        };
        if !is_attachment(Path::new(&path)) {
            continue;
        }
        let line = body_line + body[..range.start].matches('\n').count();
        links.push((dest.to_string(), line));
    }
    links
}

/// The path part of a local link, percent-decoded; `None` for a link with a scheme
/// (`https:`, `mailto:`), a protocol-relative one, or an anchor.
fn local_path(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") || url.starts_with("\\\\") {
        return None;
    }
    if let Some(colon) = url.find(':') {
        if !url[..colon].contains(['/', '?', '#']) {
            return None;
        }
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    Some(
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Resolves the attachment links of the notice at `rel` (relative to `root`) whose
/// body starts at `body_line`; files beside it are published under
/// `notices/<slug>/`. Links to missing files or outside `content/` are errors.
pub fn resolve(
    root: &Path,
    rel: &Path,
    slug: &str,
    body: &str,
    body_line: usize,
    findings: &mut Findings,
) -> Vec<Attachment> {
    let notice_dir = rel.parent().unwrap_or(Path::new(""));
    let mut attachments: Vec<Attachment> = Vec::new();
    for (link, line) in attachment_links(body, body_line) {
        let Some(path) = local_path(&link) else {
            continue;
        };
        let error = |code, message: String, help: &str| {
            Finding::error(code, message)
                .in_file(rel.to_path_buf())
                .at_row(line)
                .with_value(link.clone())
                .with_help(help.to_string())
        };
        let (source, in_static) = match path.strip_prefix('/') {
            Some(in_site) => (normalize(&Path::new(STATIC_DIR).join(in_site)), true),
            None => (normalize(&notice_dir.join(&path)), false),
        };
        let inside = source.as_ref().filter(|s| {
            if in_static {
                s.starts_with(STATIC_DIR)
            } else {
                s.starts_with(CONTENT_DIR)
            }
        });
        let Some(source) = inside else {
            findings.push(error(
                "attachment-outside",
                format!("第 {line} 行链接的文件「{link}」在网站文件夹的 content/ 之外，不能发布"),
                "附件请和通知放在一起（例如通知旁边的 fj/ 文件夹），链接写作 fj/文件名；全站共用的文件放在 static/ 中，链接写作 /文件夹/文件名。",
            ));
            continue;
        };
        if !root.join(source).is_file() {
            findings.push(error(
                "attachment-missing",
                format!(
                    "第 {line} 行链接的文件「{link}」不存在（应在 {}）",
                    display(source)
                ),
                "请把附件放到这个位置，或改正链接中的文件夹和文件名（大小写、扩展名也要一致）。",
            ));
            continue;
        }
        if attachments.iter().any(|a| a.source == *source) {
            continue;
        }
        let output = if in_static {
            display(source.strip_prefix(STATIC_DIR).unwrap_or(source))
        } else {
            let from_notice = source
                .strip_prefix(notice_dir)
                .ok()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| source.strip_prefix(CONTENT_DIR).unwrap_or(source));
            let segments: Vec<String> = from_notice
                .components()
                .map(|c| crate::render::urls::slug(&c.as_os_str().to_string_lossy()))
                .collect();
            format!(
                "notices/{}/{}",
                crate::render::urls::slug(slug),
                segments.join("/")
            )
        };
        attachments.push(Attachment {
            link,
            line,
            source: source.clone(),
            output,
            in_static,
        });
    }
    attachments
}

/// The note listing attachments whose text cannot be scanned for personal data.
pub fn unscannable_note(rel: &Path, attachments: &[Attachment], root: &Path) -> Option<Finding> {
    let opaque: Vec<String> = attachments
        .iter()
        .filter(|a| {
            let ext = extension(&a.source);
            OPAQUE_EXTENSIONS.contains(&ext.as_str())
                || (SCANNED_EXTENSIONS.contains(&ext.as_str())
                    && std::fs::read(root.join(&a.source))
                        .ok()
                        .and_then(|bytes| text::extract(&a.source, &bytes).ok())
                        .is_none_or(|t| t.trim().is_empty()))
        })
        .map(|a| a.link.clone())
        .collect();
    if opaque.is_empty() {
        return None;
    }
    Some(
        Finding::note(
            "attachment-not-scanned",
            format!(
                "附件 {} 中的文字无法自动检查是否含有个人信息（旧版 Office/WPS 文件、压缩包或扫描件）",
                opaque.join("、")
            ),
        )
        .in_file(rel.to_path_buf())
        .with_help("发布前请人工核对这些附件，或另存为 PDF（文字版）、.docx、.xlsx 后再链接。"),
    )
}

/// `a/./b/../c` → `a/c`; `None` when `..` climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The URL a link of a page at `page_path` should have, when it is one of
/// `attachments`: relative to the page, percent-encoded.
pub fn rewrite(attachments: &[Attachment], page_path: &str, dest: &str) -> Option<String> {
    let attachment = attachments.iter().find(|a| a.link == dest)?;
    Some(crate::render::urls::href(
        &crate::render::urls::root_of(page_path),
        &attachment.output,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_with_lines() {
        let body = "正文\n\n![现场](fj/现场照片.png)\n\n[方案](fj/%E6%96%B9%E6%A1%88.pdf \"方案\") [网站](https://x.cn/a.pdf) [页](../b.md)\n";
        let links = attachment_links(body, 10);
        assert_eq!(
            links,
            vec![
                ("fj/现场照片.png".to_string(), 12),
                ("fj/%E6%96%B9%E6%A1%88.pdf".to_string(), 14)
            ]
        );
    }

    #[test]
    fn resolves_beside_static_missing_and_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/notices/2026/fj")).unwrap();
        std::fs::create_dir_all(root.join("static/fujian")).unwrap();
        std::fs::write(root.join("content/notices/2026/fj/现场照片.png"), b"x").unwrap();
        std::fs::write(root.join("static/fujian/x.pdf"), b"x").unwrap();
        std::fs::write(root.join("site.pdf"), b"x").unwrap();
        let body =
            "![a](fj/现场照片.png)\n[b](/fujian/x.pdf)\n[c](fj/没有.pdf)\n[d](../../../site.pdf)\n";
        let mut findings = Findings::default();
        let rel = Path::new("content/notices/2026/a.md");
        let found = resolve(root, rel, "a", body, 5, &mut findings);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].output, "notices/a/fj/现场照片.png");
        assert_eq!(found[1].output, "fujian/x.pdf");
        assert!(found[1].in_static);
        let messages: Vec<_> = findings
            .items
            .iter()
            .map(|f| (f.code, f.row, f.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            vec![
                ("attachment-missing", Some(7), "第 7 行链接的文件「fj/没有.pdf」不存在（应在 content/notices/2026/fj/没有.pdf）"),
                ("attachment-outside", Some(8), "第 8 行链接的文件「../../../site.pdf」在网站文件夹的 content/ 之外，不能发布"),
            ]
        );
        assert_eq!(
            rewrite(&found, "notices/a/index.html", "fj/现场照片.png").unwrap(),
            "../../notices/a/fj/%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png"
        );
        assert_eq!(
            rewrite(&found, "notices/a/index.html", "/fujian/x.pdf").unwrap(),
            "../../fujian/x.pdf"
        );
    }
}
