//! `gongkai build` end to end: the real binary on copies of the fixture town. A good
//! site is written to `public/`; a site with an error, or a dangerous `--out`, writes
//! nothing and leaves every existing file byte for byte as it was.

mod common;

use std::path::Path;

use common::{gongkai, snapshot, TempSite};

fn build(args: &[&str]) -> (i32, String, String) {
    let out = gongkai(&[&["build"], args].concat());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Temp and aside folders `write` might leave next to the output.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect()
}

/// Breaks the town: a duplicate 编号 in one month is an error.
fn break_site(site: &TempSite) {
    site.edit("content/registers/2025-03/执法队.csv", "ZF-003,", "ZF-001,");
}

#[test]
fn good_site_writes_public() {
    let site = TempSite::copy_of("town");
    let root = site.root().to_str().unwrap();
    let (code, stdout, stderr) = build(&["--root", root]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("已生成网站"), "{stdout}");
    assert!(stdout.contains("页面"), "{stdout}");

    let public = site.path("public");
    let files = snapshot(&public);
    for path in [
        "index.html",
        "months/2025-03/index.html",
        "data/2025-03.csv",
        "data/2025-03.json",
        "data/dictionary.json",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        gongkai::write::MARKER_FILE,
    ] {
        assert!(
            files.contains_key(path),
            "public/{path} missing; have {:?}",
            files.keys()
        );
    }
    // Unpublished notices and private columns appear nowhere.
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["李举报", "13912345678", "内部草稿", "依申请公开的通知"] {
            assert!(!text.contains(secret), "public/{path} contains {secret:?}");
        }
    }
    assert!(leftovers(site.root()).is_empty());

    // Building again gives the same bytes (no clock in the output).
    let (code, _, stderr) = build(&["--root", root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(snapshot(&public), files);
}

#[test]
fn error_exits_non_zero_and_leaves_previous_public_untouched() {
    let site = TempSite::copy_of("town");
    let root = site.root().to_str().unwrap();
    let (code, _, stderr) = build(&["--root", root]);
    assert_eq!(code, 0, "{stderr}");
    let before = snapshot(&site.path("public"));
    assert!(!before.is_empty());

    break_site(&site);
    let (code, stdout, stderr) = build(&["--root", root]);
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("ZF-001"),
        "the report names the duplicate id:\n{stdout}"
    );
    assert!(stderr.contains("未生成网站"), "{stderr}");
    assert!(stderr.contains("保持原样"), "{stderr}");
    assert!(snapshot(&site.path("public")) == before, "public/ changed");
    assert!(leftovers(site.root()).is_empty());
}

#[test]
fn error_with_previous_output_written_by_the_library() {
    // Independent of page rendering: the previous output is made by `write_site`.
    let site = TempSite::copy_of("town");
    let out = site.path("public");
    let previous = vec![
        gongkai::render::OutputFile {
            path: "index.html".into(),
            bytes: "上次生成的首页".as_bytes().to_vec(),
            source: None,
        },
        gongkai::render::OutputFile {
            path: "data/2025-02.csv".into(),
            bytes: b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7\r\n".to_vec(),
            source: None,
        },
    ];
    gongkai::write::write_site(&out, &previous).unwrap();
    let before = snapshot(&out);

    break_site(&site);
    let (code, _, stderr) = build(&["--root", site.root().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(snapshot(&out) == before, "public/ changed");
}

#[test]
fn missing_site_toml_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = build(&["--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("site.toml"), "{stdout}");
    assert!(stderr.contains("未生成网站"), "{stderr}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn refused_out_dirs_change_nothing() {
    let site = TempSite::copy_of("town");
    let root = site.root().to_str().unwrap();
    let home = tempfile::tempdir().unwrap();
    let foreign = site.path("文档");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("重要文件.docx"), "不能删").unwrap();
    let before = snapshot(site.root());

    let cases = [
        (root.to_string(), "网站文件夹"),
        (
            site.path("content").to_string_lossy().into_owned(),
            "content",
        ),
        (
            site.path("content/registers/out")
                .to_string_lossy()
                .into_owned(),
            "content",
        ),
        (
            site.path("content/..").to_string_lossy().into_owned(),
            "网站文件夹",
        ),
        ("/".to_string(), "根目录"),
        (home.path().to_string_lossy().into_owned(), "主目录"),
        (
            foreign.to_string_lossy().into_owned(),
            "不是 gongkai 生成的",
        ),
    ];
    for (out, why) in &cases {
        let output = common_with_home(&["build", "--root", root, "--out", out], home.path());
        let code = output.status.code().unwrap_or(-1);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(code, 2, "--out {out}: {stderr}");
        assert!(
            stderr.contains(why),
            "--out {out}: expected {why:?} in\n{stderr}"
        );
        assert!(
            snapshot(site.root()) == before,
            "--out {out} changed the site"
        );
    }
    assert!(!site.path("public").exists());
    assert!(leftovers(site.root()).is_empty());
    assert!(std::fs::read_dir(home.path()).unwrap().next().is_none());
}

/// Runs gongkai with `HOME` pointing at `home`.
fn common_with_home(args: &[&str], home: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .args(args)
        .output()
        .expect("run gongkai")
}

#[test]
fn out_and_base_url_options() {
    let site = TempSite::copy_of("town");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("站点输出");
    let (code, _, stderr) = build(&[
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
        "--base-url",
        "https://portal.example.gov.cn/county/town",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!site.path("public").exists());
    let feed = std::fs::read_to_string(target.join("feed.xml")).unwrap();
    assert!(
        feed.contains("https://portal.example.gov.cn/county/town/months/2025-03/index.html"),
        "{feed}"
    );
    let robots = std::fs::read_to_string(target.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://portal.example.gov.cn/county/town/sitemap.xml"));
}

#[test]
fn new_site_from_the_bundled_example_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("新网站");
    let site_arg = site.to_str().unwrap();
    let out = gongkai(&["new", site_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("接下来"), "{stdout}");
    assert!(site.join("site.toml").is_file());

    let (code, stdout, stderr) = build(&["--root", site_arg]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(site.join("public/index.html").is_file());

    // A second `new` into the now non-empty folder is refused and changes nothing.
    let before = snapshot(&site);
    let again = gongkai(&["new", site_arg]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("不是空的"));
    assert!(snapshot(&site) == before);
}
