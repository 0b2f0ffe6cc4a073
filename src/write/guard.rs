//! What `write` refuses before it touches the disk: output folders whose replacement
//! would destroy something that is not an earlier build (the site folder, `content/`,
//! `/`, the home folder, a folder of other files), and output paths that could escape
//! the output folder.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::config::CONFIG_FILE;
use crate::render::OutputFile;

/// The marker file `write` leaves in every output folder it makes. An existing,
/// non-empty output folder is only replaced when it carries this marker, so a mistyped
/// `--out` never deletes somebody's documents.
pub const MARKER_FILE: &str = ".gongkai-output";

/// What the marker file says to a person who opens it.
pub(crate) const MARKER_TEXT: &str =
    "此文件夹由 gongkai build 生成，每次生成时整体替换。请勿手工修改其中的文件，应修改网站文件夹中的 content/ 后重新生成。\n";

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Makes `out` absolute and free of `.`/`..` without requiring it to exist and without
/// creating anything: the longest existing ancestor is canonicalised (so symlinks are
/// resolved and the temp folder really is a sibling on the same file system) and the
/// rest appended.
pub fn resolve_out(out: &Path) -> io::Result<PathBuf> {
    let absolute = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()?.join(out)
    };
    let lexical = lexical_normalise(&absolute);
    if lexical.file_name().is_none() {
        return Err(refuse(format!(
            "不能把网站输出到根目录 {}：生成时会整体替换输出文件夹。请用 --out 指定一个专用的文件夹，例如 public。",
            out.display()
        )));
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = dunce::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

/// Removes `.` and resolves `..` against the preceding component, textually.
fn lexical_normalise(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                result.pop();
            }
            other => result.push(other.as_os_str()),
        }
    }
    result
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .map(|h| dunce::canonicalize(&h).unwrap_or(h))
}

/// Refuses an output folder (already resolved by [`resolve_out`]) that must never be
/// replaced: `/`, the home folder or one above it, a site folder (it holds
/// `site.toml`), a folder above the site root, anything inside a site's `content/`,
/// and an existing folder of other files.
///
/// `site_root`, when given, is the site being built; without it the site is recognised
/// by its `site.toml`.
pub fn check_out_dir(out: &Path, site_root: Option<&Path>) -> io::Result<()> {
    let shown = out.display();
    if out.parent().is_none() {
        return Err(refuse(format!(
            "不能把网站输出到根目录 {shown}。请用 --out 指定一个专用的文件夹，例如 public。"
        )));
    }
    if let Some(home) = home_dir() {
        if home.starts_with(out) {
            return Err(refuse(format!(
                "不能把网站输出到主目录或其上级文件夹 {shown}：生成时会整体替换输出文件夹。请用 --out 指定一个专用的文件夹，例如 public。"
            )));
        }
    }
    if out.join(CONFIG_FILE).exists() {
        return Err(refuse(format!(
            "输出文件夹 {shown} 中有 site.toml，是网站文件夹本身，不能作为输出文件夹。请用 --out 指定其中的 public 文件夹。"
        )));
    }
    if let Some(root) = site_root {
        let root = dunce::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if root.starts_with(out) {
            return Err(refuse(format!(
                "输出文件夹 {shown} 是网站文件夹 {} 本身或其上级，不能作为输出文件夹。请用 --out 指定一个专用的文件夹，例如 public。",
                root.display()
            )));
        }
        if out.starts_with(root.join("content")) {
            return Err(refuse(format!(
                "输出文件夹 {shown} 在网站的 content 文件夹里，生成时会替换您的台账和通知。请把输出放在 content 之外，例如网站文件夹下的 public。"
            )));
        }
    }
    // Inside some site's content/, whichever site that is.
    for ancestor in out.ancestors() {
        if ancestor.file_name().is_some_and(|n| n == "content")
            && ancestor
                .parent()
                .is_some_and(|p| p.join(CONFIG_FILE).is_file())
        {
            return Err(refuse(format!(
                "输出文件夹 {shown} 在网站的 content 文件夹 {} 里，生成时会替换您的台账和通知。请把输出放在 content 之外。",
                ancestor.display()
            )));
        }
    }
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("无法读取输出文件夹 {shown}：{e}"),
        )),
        Ok(meta) if !meta.is_dir() => Err(refuse(format!(
            "输出位置 {shown} 已存在且不是文件夹。请删除它或用 --out 指定其他文件夹。"
        ))),
        Ok(_) => {
            let mut entries = std::fs::read_dir(out)?;
            if entries.next().is_none() || out.join(MARKER_FILE).is_file() {
                Ok(())
            } else {
                Err(refuse(format!(
                    "输出文件夹 {shown} 已有其他文件，且不是 gongkai 生成的；为免误删，不会替换它。请清空该文件夹，或用 --out 指定一个新文件夹。"
                )))
            }
        }
    }
}

/// Checks every output path: relative, `/`-separated, no `..`, `.` or empty segment, no
/// backslash or drive letter, not the marker, and each used once (naming both sources
/// when not). A path that is both a file and a folder of another file is refused too.
pub fn check_paths(files: &[OutputFile]) -> io::Result<()> {
    let mut seen: BTreeMap<&str, &OutputFile> = BTreeMap::new();
    for file in files {
        check_path(&file.path)?;
        if let Some(first) = seen.insert(file.path.as_str(), file) {
            return Err(refuse(format!(
                "两个输出文件的路径相同：{}（来源：{}；{}）。这是程序错误，请报告；也请检查是否有两个文件名只差空格或标点的通知。",
                file.path,
                source_label(first),
                source_label(file)
            )));
        }
    }
    // A file `a/b` and a file `a` cannot both exist. Sorted order puts `a` right before
    // its descendants only when compared by segments, so check every parent instead.
    for path in seen.keys() {
        let mut parent = Path::new(path).parent();
        while let Some(dir) = parent.filter(|d| !d.as_os_str().is_empty()) {
            if let Some(other) = dir.to_str().and_then(|d| seen.get(d)) {
                return Err(refuse(format!(
                    "输出路径 {} 既是文件又是文件夹（{path} 在其中；来源：{}）。这是程序错误，请报告。",
                    other.path,
                    source_label(other)
                )));
            }
            parent = dir.parent();
        }
    }
    Ok(())
}

fn source_label(file: &OutputFile) -> String {
    file.source
        .as_ref()
        .map(|s| s.display().to_string())
        .unwrap_or_else(|| "网站生成".to_string())
}

fn check_path(path: &str) -> io::Result<()> {
    let bad = |why: &str| {
        Err(refuse(format!(
            "输出文件路径 `{path}` 不安全（{why}），已拒绝写入任何文件。这是程序错误，请报告。"
        )))
    };
    if path.is_empty() {
        return bad("路径为空");
    }
    if path.contains('\\') {
        return bad("含反斜杠");
    }
    if path.contains('\0') {
        return bad("含空字符");
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return bad("是绝对路径");
    }
    if path.as_bytes().get(1) == Some(&b':') {
        return bad("含盘符");
    }
    for segment in path.split('/') {
        match segment {
            "" => return bad("含空的路径段"),
            "." | ".." => return bad("含 . 或 .."),
            _ => {}
        }
    }
    if path == MARKER_FILE {
        return bad("与生成标记文件同名");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: Vec::new(),
            source: None,
        }
    }

    #[test]
    fn bad_paths_are_refused() {
        for path in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a\\b",
            "a//b",
            "./a",
            "a/.",
            "C:x",
            MARKER_FILE,
        ] {
            assert!(check_paths(&[file(path)]).is_err(), "{path:?} accepted");
        }
        assert!(check_paths(&[file("index.html"), file("months/2024-05/index.html")]).is_ok());
    }

    #[test]
    fn duplicates_name_both_sources() {
        let mut a = file("notices/x/index.html");
        a.source = Some(PathBuf::from("content/notices/x.md"));
        let mut b = file("notices/x/index.html");
        b.source = Some(PathBuf::from("content/notices/x .md"));
        let err = check_paths(&[a, b]).unwrap_err().to_string();
        assert!(err.contains("content/notices/x.md"), "{err}");
        assert!(err.contains("content/notices/x .md"), "{err}");
    }

    #[test]
    fn file_and_folder_clash_is_refused() {
        assert!(check_paths(&[file("a/b/c.html"), file("a/b")]).is_err());
    }

    #[test]
    fn lexical_normalisation() {
        assert_eq!(
            lexical_normalise(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
    }

    #[test]
    fn refuses_root_site_and_content() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(site.join("content/notices")).unwrap();
        std::fs::write(site.join(CONFIG_FILE), "title = \"x\"\n").unwrap();
        assert!(check_out_dir(Path::new("/"), None).is_err());
        assert!(check_out_dir(&site, None).is_err());
        assert!(check_out_dir(&site, Some(&site)).is_err());
        assert!(check_out_dir(dir.path(), Some(&site)).is_err());
        assert!(check_out_dir(&site.join("content"), None).is_err());
        assert!(check_out_dir(&site.join("content/notices/out"), None).is_err());
        assert!(check_out_dir(&site.join("public"), Some(&site)).is_ok());
        if let Some(home) = home_dir() {
            assert!(check_out_dir(&home, None).is_err());
        }
    }

    #[test]
    fn refuses_foreign_non_empty_folder_but_accepts_own() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().canonicalize().unwrap().join("public");
        std::fs::create_dir(&out).unwrap();
        assert!(check_out_dir(&out, None).is_ok(), "empty folder");
        std::fs::write(out.join("thesis.docx"), b"precious").unwrap();
        assert!(check_out_dir(&out, None).is_err(), "foreign folder");
        std::fs::write(out.join(MARKER_FILE), MARKER_TEXT).unwrap();
        assert!(check_out_dir(&out, None).is_ok(), "earlier build");
        let not_dir = dir.path().join("file");
        std::fs::write(&not_dir, b"x").unwrap();
        assert!(check_out_dir(&not_dir, None).is_err());
    }
}
