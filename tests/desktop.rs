//! The double-click menu end to end: the real binary started with no arguments (as a
//! double-click starts it) or with one folder (a folder dropped on its icon), answers on
//! standard input. scripts/cross-test.sh runs the same dialogue on the Windows build
//! under wine.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::TempSite;

/// Runs `gongkai ARGS` in `dir` with `answers` on standard input; (exit code, stdout).
fn menu(dir: &Path, args: &[&str], answers: &str) -> (i32, String) {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin(answers)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn no_arguments_in_a_site_folder_offers_the_actions_and_builds() {
    let site = TempSite::copy_of("town");
    let (code, shown) = menu(site.root(), &[], "2\n\n0\n");
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains("重大事故隐患每月信息公开网站生成器"),
        "{shown}"
    );
    for action in ["1  检查", "2  生成网站", "3  预览"] {
        assert!(shown.contains(action), "{action}: {shown}");
    }
    assert!(shown.contains("已生成网站"), "{shown}");
    assert!(shown.contains("按回车键返回菜单"), "{shown}");
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn a_dropped_folder_is_the_site_and_check_reports_in_chinese() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "2025年3月20日",
        "2025年13月20日",
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let root = site.root().to_str().unwrap();
    let (code, shown) = menu(elsewhere.path(), &[root], "1\n\n0\n");
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(&format!("网站文件夹：{root}")), "{shown}");
    assert!(
        shown.contains("content/registers/2025-03/甲村.csv"),
        "{shown}"
    );
    assert!(!site.path("public").exists(), "check wrote output");
}

#[test]
fn outside_a_site_folder_it_asks_for_one() {
    let site = TempSite::copy_of("town");
    let elsewhere = tempfile::tempdir().unwrap();
    let answers = format!("{}\n0\n", site.root().display());
    let (code, shown) = menu(elsewhere.path(), &[], &answers);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("请输入网站文件夹的位置"), "{shown}");
    assert!(shown.contains(&format!("网站文件夹：{}", site.root().display())));
}
