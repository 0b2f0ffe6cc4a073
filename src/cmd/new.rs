//! `gongkai new DIR`: a new site folder from the bundled example.
//!
//! The example is the repository's own `site.toml` and `content/` (a fictitious
//! township with several months of registers and notices), embedded in the binary so
//! `gongkai new` works on an office computer with nothing else installed. The default
//! theme is built in, so the example needs no `themes/` folder.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use include_dir::{include_dir, Dir};

use super::NewArgs;
use crate::config::CONFIG_FILE;

/// The example's `content/`.
static EXAMPLE_CONTENT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// The example's `archive/`: its sealed months and the re-issue after its one worked
/// correction, so a new site shows how the ledger looks.
static EXAMPLE_ARCHIVE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/archive");

/// The example's `site.toml`.
const EXAMPLE_CONFIG: &str = include_str!("../../site.toml");

/// The example's publication record (so its months and notices keep their dates).
const EXAMPLE_RECORD: &str = include_str!("../../published.toml");

/// Every file of the example: path relative to the new site folder, and its bytes.
pub fn example_files() -> Vec<(PathBuf, &'static [u8])> {
    fn walk(base: &str, dir: &'static Dir<'static>, out: &mut Vec<(PathBuf, &'static [u8])>) {
        for file in dir.files() {
            out.push((Path::new(base).join(file.path()), file.contents()));
        }
        for sub in dir.dirs() {
            walk(base, sub, out);
        }
    }
    let mut files = vec![
        (PathBuf::from(CONFIG_FILE), EXAMPLE_CONFIG.as_bytes()),
        (
            PathBuf::from(crate::calendar::RECORD_FILE),
            EXAMPLE_RECORD.as_bytes(),
        ),
    ];
    walk("content", &EXAMPLE_CONTENT, &mut files);
    walk("archive", &EXAMPLE_ARCHIVE, &mut files);
    files.sort();
    files
}

/// Writes the example into `dir`, which must not exist or be an empty folder. Returns
/// the number of files written. On failure, whatever was written is removed again.
pub fn create_site(dir: &Path) -> io::Result<usize> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "文件夹 {} 已存在且不是空的。为免覆盖其中的文件，没有写入任何内容。请换一个新的文件夹名，例如 gongkai new 柳河镇网站。",
                        dir.display()
                    ),
                ));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) if dir.exists() => {
            return Err(io::Error::new(
                e.kind(),
                format!(
                    "{} 已存在但不是文件夹（或无法读取）。请换一个新的文件夹名。",
                    dir.display()
                ),
            ))
        }
        Err(e) => return Err(e),
    }
    let existed = dir.exists();
    let result = write_files(dir);
    if result.is_err() {
        if existed {
            // It was empty before: empty it again.
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    let _ = std::fs::remove_dir_all(entry.path())
                        .or_else(|_| std::fs::remove_file(entry.path()));
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    result
}

fn write_files(dir: &Path) -> io::Result<usize> {
    let files = example_files();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("无法创建文件夹 {}：{e}", parent.display()),
                )
            })?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("无法写入 {}：{e}", path.display())))?;
    }
    // The register template, beside site.toml (outside content/, so it is not read
    // as a month's register).
    let template = crate::template::register_template()
        .map_err(|e| io::Error::other(format!("无法生成台账模板：{e}")))?;
    let path = dir.join(TEMPLATE_FILE);
    std::fs::write(&path, template)
        .map_err(|e| io::Error::new(e.kind(), format!("无法写入 {}：{e}", path.display())))?;
    Ok(files.len() + 1)
}

/// The register template `gongkai new` puts in a new site folder.
pub const TEMPLATE_FILE: &str = "台账模板.xlsx";

/// Runs `gongkai new`.
pub fn run(args: &NewArgs) -> ExitCode {
    let dir = &args.dir;
    match create_site(dir) {
        Ok(count) => {
            let d = dir.display();
            println!("已新建网站文件夹 {d}（示例文件 {count} 个）。接下来：");
            println!("  1. 用记事本打开 {d}/site.toml，把网站名称、发布机构、网址和举报电话改成本单位的。");
            println!("  2. 把每月的隐患台账（Excel/WPS 工作簿 .xlsx 或 CSV）放进 {d}/content/registers/年-月/，例如 content/registers/2024-05/东庄村.xlsx；可以从 {d}/{TEMPLATE_FILE} 开始填写，示例台账不用的请删除。");
            println!("  3. 通知公告放在 {d}/content/notices/，每篇一个 .md 文件，开头写标题、日期、公开属性等，可参照示例。");
            println!("  4. 运行 gongkai check --root {d} 检查；没有错误后运行 gongkai build --root {d}，把生成的 {d}/public/ 文件夹整个上传到网站。");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_has_settings_and_registers() {
        let files = example_files();
        assert!(files.iter().any(|(p, _)| p == Path::new(CONFIG_FILE)));
        assert!(files.iter().any(|(p, _)| p.starts_with("content/registers")
            && p.extension().is_some_and(|e| e == "csv")));
    }

    #[test]
    fn writes_into_new_or_empty_folder_and_refuses_non_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("新网站");
        let count = create_site(&fresh).unwrap();
        assert_eq!(count, example_files().len() + 1);
        assert!(fresh.join(CONFIG_FILE).is_file());
        let template = std::fs::read(fresh.join(TEMPLATE_FILE)).unwrap();
        assert_eq!(template, crate::template::register_template().unwrap());

        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(create_site(&empty).is_ok());

        let err = create_site(&fresh).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("不是空的"));

        let file = tmp.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(create_site(&file).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
    }
}
