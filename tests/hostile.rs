//! Publication safety end to end, on the hostile fixture site (`tests/fixtures/sites/
//! hostile`): script in every text field of a register, of front matter and of
//! `site.toml`, `javascript:` links, formula cells, path-traversal ids and slugs,
//! reporter names and numbers in private columns.
//!
//! As it stands the fixture must build, and the output must hold no script, no event
//! handler, no executable link, no formula and no private value. Each test then adds
//! one more hostile thing (a personal number in a free-text cell, an outward link, a
//! colliding name, an oversize file) that must make the build refuse, naming the
//! problem, and leave the previous output byte for byte as it was.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::snapshot;
use walkdir::WalkDir;

const REGISTER: &str = "content/registers/2025-01/丁村.csv";
const NOTICE: &str = "content/notices/恶意通知.md";

/// Values of private columns in the fixture: none may appear in any output file.
const PRIVATE: &[&str] = &[
    "王小明",
    "13912345678",
    "110101199003078515",
    "李四",
    "0358-1234567",
    "赵检查",
];

/// A copy of the hostile site in a temp dir; the output goes to `<dir>/public`.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/hostile");
        for entry in WalkDir::new(&from) {
            let entry = entry.expect("walk fixture");
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn out(&self) -> PathBuf {
        self.path("public")
    }

    /// Replaces `from` with `to` in a UTF-8 file (BOM kept); panics when `from` is absent.
    #[track_caller]
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Runs `gongkai COMMAND --root SITE`, before January's due day: these tests edit a
    /// built month to reach the leak scan, and a sealed month's edit is refused by the
    /// ledger first (tests/ledger.rs covers that).
    fn gongkai(&self, command: &str) -> Output {
        Command::cargo_bin("gongkai")
            .unwrap()
            .args([command, "--root"])
            .arg(self.root())
            .env("NO_COLOR", "1")
            .env("GONGKAI_TODAY", "2025-01-20")
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    }

    /// Runs `gongkai build`; returns the exit code and stdout + stderr.
    fn build(&self) -> (i32, String) {
        let output = self.gongkai("build");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    }

    /// `gongkai check` on the site with the same day: its exit code and report.
    fn check(&self) -> (i32, String) {
        let output = self.gongkai("check");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.code().unwrap_or(-1), text)
    }

    /// Builds and asserts success; `check` must pass too.
    #[track_caller]
    fn build_ok(&self) -> BTreeMap<String, Vec<u8>> {
        let (code, text) = self.build();
        assert_eq!(code, 0, "build failed:\n{text}");
        let (code, text) = self.check();
        assert_eq!(code, 0, "check refused what build published:\n{text}");
        snapshot(&self.out())
    }

    /// Asserts the build is refused with every one of `expected` in its report, and
    /// that the output written by the previous good build is untouched.
    #[track_caller]
    fn refused(&self, before: &BTreeMap<String, Vec<u8>>, expected: &[&str]) -> String {
        let (code, text) = self.build();
        assert_ne!(code, 0, "build was not refused:\n{text}");
        for e in expected {
            assert!(text.contains(e), "report lacks {e:?}:\n{text}");
        }
        assert!(text.contains("保持原样"), "{text}");
        assert!(snapshot(&self.out()) == *before, "previous output changed");
        // check says the same: never "可以发布" where build refuses.
        let (code, report) = self.check();
        assert_eq!(code, 1, "check passed what build refused:\n{report}");
        text
    }
}

/// The tags of an HTML text: `<name …>` with the lower-cased tag text. Written here
/// independently of `gongkai::scan::html` so the two check each other.
fn tags(html: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = rest[..end].to_lowercase();
        if tag[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            tags.push(tag);
        }
        rest = &rest[end.max(1)..];
    }
    tags
}

/// The attributes of a tag: (lower-case name, value with quotes removed).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let mut chars = inner.chars().peekable();
    while chars.peek().is_some_and(|c| !c.is_whitespace()) {
        chars.next();
    }
    let mut attrs = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            return attrs;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if let Some(q) = chars.next_if(|c| *c == '"' || *c == '\'') {
                value = std::iter::from_fn(|| chars.next_if(|c| *c != q)).collect();
                chars.next();
            } else {
                value = std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
            }
        }
        attrs.push((name.to_lowercase(), value));
    }
}

/// What must never be in a tag of the output.
fn executable_in_tag(tag: &str) -> Option<String> {
    let name: String = tag[1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    if [
        "iframe", "object", "embed", "form", "base", "frame", "applet",
    ]
    .contains(&name.as_str())
    {
        return Some(format!("<{name}>"));
    }
    // Only the theme's own script files: a relative `src` on this site.
    if name == "script" {
        let src = attributes(tag)
            .into_iter()
            .find(|(a, _)| a == "src")
            .map(|(_, v)| v);
        match src {
            Some(src) if !src.contains(':') && !src.starts_with("//") => {}
            _ => return Some("inline or foreign <script>".into()),
        }
    }
    for (attr, value) in attributes(tag) {
        if attr.starts_with("on") {
            return Some(format!("event handler {attr}"));
        }
        if attr == "style" {
            return Some("inline style".into());
        }
        if attr == "http-equiv" && value.contains("refresh") {
            return Some("meta refresh".into());
        }
        let value = value.trim().to_lowercase();
        if ["href", "src", "action", "data", "xlink:href", "formaction"].contains(&attr.as_str()) {
            for scheme in ["javascript:", "vbscript:", "data:text", "&#"] {
                if value.starts_with(scheme) {
                    return Some(format!("{attr}={scheme}"));
                }
            }
        }
    }
    None
}

#[test]
fn hostile_site_builds_into_output_where_nothing_runs_or_leaks() {
    let site = Site::new();
    let before_top: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let files = site.build_ok();
    assert!(files.len() > 20, "{:?}", files.keys());

    // Nothing was written outside public/ but the publication record at the site root
    // (the first publication dates, `published.toml`).
    let mut after_top: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    after_top.retain(|n| !before_top.contains(n));
    after_top.sort();
    // The build lock beside the output and the publication record (the first
    // publication dates, `published.toml`) are the other files a build leaves.
    assert_eq!(
        after_top,
        [".public.lock", "public", "published.toml"].map(std::ffi::OsString::from)
    );
    assert!(!Path::new("/tmp/gongkai-evil").exists());

    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for private in PRIVATE {
            assert!(
                !text.contains(private),
                "{path} contains private value {private}"
            );
        }
        if path.ends_with(".html") {
            let lower = text.to_lowercase();
            let marker = "<meta http-equiv=\"content-security-policy\" content=\"";
            let at = lower
                .find(marker)
                .unwrap_or_else(|| panic!("{path}: no CSP"));
            let policy = &lower[at + marker.len()..];
            let policy = &policy[..policy.find('"').unwrap()];
            assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
            assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
            assert!(
                !policy.contains("http") && !policy.contains('*'),
                "{path}: {policy}"
            );
            for tag in tags(&text) {
                if let Some(what) = executable_in_tag(&tag) {
                    panic!("{path}: {what} in {tag}");
                }
            }
        }
        // Paths never leave their folder (write refuses, but check what was written).
        assert!(
            !path.split('/').any(|s| s == ".." || s.is_empty()),
            "{path}"
        );
    }

    // The library's own checks agree.
    let outputs: Vec<gongkai::render::OutputFile> = files
        .iter()
        .map(|(path, bytes)| gongkai::render::OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
            source: None,
        })
        .collect();
    assert!(gongkai::scan::html::active_content(&outputs).is_empty());

    // Text stays readable, escaped: the hostile title is shown, not run.
    let hazard = String::from_utf8_lossy(&files["hazards/tmp-gongkai-evil.html"]).into_owned();
    assert!(
        hazard.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;配电室未设置挡鼠板"),
        "{hazard}"
    );
    let notice = files
        .iter()
        .find(|(p, _)| p.starts_with("notices/") && p.contains("etc-cron-d-evil"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("the notice is published under its cleaned slug");
    assert!(notice.contains("隐藏的文字"), "sanitised text stays");
    assert!(
        !notice.contains("evil.example/track.png"),
        "no image from another host"
    );

    // Open data: no cell can run as a formula in Excel or WPS.
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".csv")) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..]);
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{path}: formula cell {cell:?}"
                );
            }
        }
        if path.ends_with("corrections.csv") {
            continue; // no correction in this fixture
        }
        if path.starts_with("annual/") {
            // The 年度公开情况 figures: counts, no register cells.
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(text.contains("'=HYPERLINK("), "{path}");
        assert!(text.contains("'+cmd|"), "{path}");
    }
}

#[test]
fn id_card_number_in_notes_is_refused_naming_page_and_row() {
    let site = Site::new();
    let before = site.build_ok();
    // 备注 of the third hazard (row 5: title line, header, two rows above).
    site.edit(
        REGISTER,
        "已验收,2025-01-18,2025-01-21,=cmd|' /C calc'!A0,",
        "已验收,2025-01-18,2025-01-21,=cmd|' /C calc'!A0,举报人身份证11010519491231002X,",
    );
    let text = site.refused(
        &before,
        &[
            "leak-id-card",
            "丁村.csv 第 5 行「备注」",
            "hazards/etc-passwd.html",
            "110105********002X",
        ],
    );
    assert!(
        !text.contains("11010519491231002X"),
        "the report masks the number"
    );
}

#[test]
fn mobile_in_progress_and_bank_card_in_measures_are_refused() {
    let site = Site::new();
    let before = site.build_ok();
    site.edit(REGISTER, "已验收", "已验收，联系人手机 139 8765 4321");
    site.edit(
        REGISTER,
        "更换防爆灯具",
        "更换防爆灯具，付款卡号6222 0200 0000 0000 007",
    );
    let text = site.refused(&before, &["leak-mobile", "「整改进度」", "139****4321"]);
    // The card number is only reported when it passes the Luhn check.
    let luhn_ok = {
        let d: Vec<u32> = "6222020000000000007"
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        d.iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| {
                if i % 2 == 1 {
                    let y = x * 2;
                    if y > 9 {
                        y - 9
                    } else {
                        y
                    }
                } else {
                    x
                }
            })
            .sum::<u32>()
            % 10
            == 0
    };
    assert_eq!(text.contains("leak-bank-card"), luhn_ok, "{text}");
}

#[test]
fn reporter_name_copied_into_a_public_column_is_refused() {
    let site = Site::new();
    let before = site.build_ok();
    site.edit(REGISTER, "已验收", "已验收（经王小明实名举报）");
    site.refused(
        &before,
        &[
            "leak-private-value",
            "王*明",
            "丁村.csv 第 3 行「举报人」",
            // The public cell to edit is named too.
            "，出现在公开的 content/registers/2025-01/丁村.csv 第 5 行「整改进度」；",
        ],
    );
}

#[test]
fn personal_numbers_in_notices_and_front_matter_are_refused() {
    let site = Site::new();
    let before = site.build_ok();
    site.edit(
        NOTICE,
        "举报电话：12350",
        "举报电话：12350，举报人张某 1 3 8 手机１３８００１３８０００",
    );
    site.refused(&before, &["leak-mobile", "恶意通知.md", "138****8000"]);

    let site = Site::new();
    let before = site.build_ok();
    site.edit(
        NOTICE,
        "关于隐患排查的通知",
        "关于隐患排查的通知（联系人 13800138000）",
    );
    site.refused(&before, &["leak-mobile", "恶意通知.md"]);

    // Raw HTML in the body splitting a number still shows the number to a reader.
    let site = Site::new();
    let before = site.build_ok();
    site.edit(
        NOTICE,
        "各村委、各站所：",
        "各村委、各站所：联系<b>1380013</b>8&#48;00",
    );
    site.refused(&before, &["leak-mobile"]);
}

#[test]
fn allow_list_lets_a_true_false_positive_through() {
    let site = Site::new();
    site.edit(REGISTER, "已验收", "已验收，值班电话13800138000");
    let (code, text) = site.build();
    assert_ne!(code, 0, "{text}");
    site.edit(
        "site.toml",
        "[register]",
        "[publish]\nallow = [\"138-0013-8000\"]\n\n[register]",
    );
    let (code, text) = site.build();
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("未知设置项"),
        "[publish] is a known key: {text}"
    );
}

#[cfg(unix)]
#[test]
fn outward_links_in_content_are_refused() {
    let site = Site::new();
    let before = site.build_ok();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("别处的台账.csv"),
        "编号,隐患名称,单位名称\nX-1,x,y\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("别处的台账.csv"),
        site.path("content/registers/2025-01/链接.csv"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc", site.path("content/notices/etc")).unwrap();
    site.refused(
        &before,
        &[
            "content-link-outside",
            "content/registers/2025-01/链接.csv",
            "content/notices/etc",
            "网站文件夹以外",
        ],
    );
}

#[test]
fn colliding_names_are_refused_naming_both() {
    let site = Site::new();
    let before = site.build_ok();
    // Two villages whose page names collide once made URL-safe.
    site.edit(REGISTER, "../../己村", "../../丁村");
    site.refused(
        &before,
        &["villages/丁村/index.html", "../../丁村", "「丁村」"],
    );

    // Two hazard ids that become the same page.
    let site = Site::new();
    let before = site.build_ok();
    site.edit(REGISTER, "C:evil", "etc/passwd");
    site.refused(&before, &["hazards/etc-passwd.html"]);

    // Two notices with the same slug.
    let site = Site::new();
    let before = site.build_ok();
    let copy = std::fs::read_to_string(site.path(NOTICE)).unwrap();
    site.write(
        "content/notices/另一份通知.md",
        copy.replace("丁政发〔2025〕3号", "丁政发〔2025〕4号"),
    );
    let (code, text) = site.build();
    if code == 0 {
        // The loader may give the second notice a unique slug instead: then both pages
        // must exist and neither overwrote the other.
        let files = snapshot(&site.out());
        let pages = files
            .keys()
            .filter(|p| p.starts_with("notices/") && p.contains("etc-cron-d-evil"))
            .count();
        assert!(pages >= 2, "{:?}", files.keys());
    } else {
        assert!(
            text.contains("恶意通知.md") && text.contains("另一份通知.md"),
            "{text}"
        );
        assert!(snapshot(&site.out()) == before);
    }
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = Site::new();
    let before = snapshot(site.root());
    for out in [
        site.root().to_path_buf(),
        site.path("content"),
        site.path("content/x"),
        PathBuf::from("/"),
    ] {
        let output = Command::cargo_bin("gongkai")
            .unwrap()
            .args(["build", "--root"])
            .arg(site.root())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_ne!(output.status.code(), Some(0), "{out:?}");
        assert!(snapshot(site.root()) == before, "{out:?} changed the site");
    }
    if let Some(home) = std::env::var_os("HOME") {
        let output = Command::cargo_bin("gongkai")
            .unwrap()
            .args(["build", "--root"])
            .arg(site.root())
            .arg("--out")
            .arg(home)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
    }
}

/// Runs a build that must be refused within `limit`, with `code` in the report.
fn refused_quickly(site: &Site, before: &BTreeMap<String, Vec<u8>>, code: &str, limit: Duration) {
    let start = Instant::now();
    site.refused(before, &[code]);
    assert!(
        start.elapsed() < limit,
        "{code}: took {:?}",
        start.elapsed()
    );
}

#[test]
fn oversize_and_misshapen_inputs_are_refused_quickly() {
    let limit = Duration::from_secs(30);
    let site = Site::new();
    let before = site.build_ok();

    // A header of 10,000 columns.
    let wide = format!("编号,隐患名称,单位名称{}\nA-9,x,y\n", ",列".repeat(10_000));
    site.write("content/registers/2025-01/宽表.csv", wide);
    refused_quickly(&site, &before, "content-too-many-columns", limit);
    std::fs::remove_file(site.path("content/registers/2025-01/宽表.csv")).unwrap();

    // One cell of 5 MB.
    let cell = format!(
        "编号,隐患名称,单位名称,备注\nA-9,x,y,{}\n",
        "长".repeat(5 * 1024 * 1024 / 3)
    );
    site.write("content/registers/2025-01/长格.csv", cell);
    refused_quickly(&site, &before, "content-line-too-long", limit);
    std::fs::remove_file(site.path("content/registers/2025-01/长格.csv")).unwrap();

    // One million rows.
    let mut rows = String::from("编号,隐患名称,单位名称\n");
    for i in 0..1_000_000 {
        rows.push_str(&format!("M-{i},x,y\n"));
    }
    site.write("content/registers/2025-01/百万行.csv", rows);
    refused_quickly(&site, &before, "content-too-many-rows", limit);
    std::fs::remove_file(site.path("content/registers/2025-01/百万行.csv")).unwrap();

    // A notice of 50 MB.
    let mut big =
        String::from("+++\ntitle = \"大\"\ndate = 2025-01-01\ndisclosure = \"主动公开\"\n+++\n");
    let line = "这是一段很长的正文。".repeat(20) + "\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
    }
    site.write("content/notices/巨大.md", big);
    refused_quickly(&site, &before, "content-too-large", limit);
    std::fs::remove_file(site.path("content/notices/巨大.md")).unwrap();

    // Deeply nested Markdown.
    let deep = format!(
        "+++\ntitle = \"深\"\ndate = 2025-01-01\ndisclosure = \"主动公开\"\n+++\n{}x\n",
        "> ".repeat(50_000)
    );
    site.write("content/notices/深.md", deep);
    refused_quickly(&site, &before, "content-too-deep", limit);
}

#[test]
fn moderately_nested_markdown_and_a_large_cell_within_limits_build() {
    let site = Site::new();
    let nested = format!(
        "+++\ntitle = \"嵌套\"\ndate = 2025-01-01\ndisclosure = \"主动公开\"\n+++\n{}引用\n\n{}\n",
        "> ".repeat(40),
        (0..30)
            .map(|i| format!("{}- 第{i}层", "    ".repeat(i.min(20))))
            .collect::<Vec<_>>()
            .join("\n")
    );
    site.write("content/notices/嵌套.md", nested);
    site.edit(REGISTER, "更换防爆灯具", &"更换防爆灯具。".repeat(20_000));
    site.build_ok();
}

/// Measures the scanner on a built site: `GONGKAI_SCAN_DIR=public cargo test --release
/// --test hostile scan_speed -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, needs a built site in GONGKAI_SCAN_DIR"]
fn scan_speed() {
    let Some(dir) = std::env::var_os("GONGKAI_SCAN_DIR") else {
        return;
    };
    let files: Vec<gongkai::render::OutputFile> = snapshot(Path::new(&dir))
        .into_iter()
        .map(|(path, bytes)| gongkai::render::OutputFile {
            path,
            bytes,
            source: None,
        })
        .collect();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let mut findings = gongkai::diag::Findings::default();
    let config = gongkai::config::SiteConfig::parse(
        "title = \"t\"\nissuer = \"i\"\n[hotline]\nnational = \"12350\"\n",
        &mut findings,
    )
    .unwrap();
    // Private values like a county's: 20,000 reporter names and phones.
    let mut records = Vec::new();
    for i in 0..10_000 {
        let mut findings = gongkai::diag::Findings::default();
        let csv =
            format!("编号,隐患名称,单位名称,举报人,举报人电话\nX-{i},x,y,王{i}某某,139{i:08}\n");
        let (file, _) = gongkai::load::register::read_register(
            csv.into_bytes(),
            PathBuf::from("a.csv"),
            gongkai::hazard::YearMonth::new(2025, 1).unwrap(),
            &config,
        );
        records.extend(file.unwrap().records);
        let _ = &mut findings;
    }
    let refs: Vec<&gongkai::hazard::HazardRecord> = records.iter().map(|r| &**r).collect();
    let start = Instant::now();
    let scanner = gongkai::scan::Scanner::from_parts(&config, &refs, &[], &[], &[]);
    let built = start.elapsed();
    let start = Instant::now();
    let leaks = scanner.scan(&files);
    let scanned = start.elapsed();
    let html = gongkai::scan::html::active_content(&files);
    println!(
        "{} files, {:.1} MB, {} private values: scanner built in {built:?}, scanned in {scanned:?} ({:.0} MB/s), {} leaks, {} unsafe pages",
        files.len(),
        bytes as f64 / 1e6,
        scanner.private_values(),
        bytes as f64 / 1e6 / scanned.as_secs_f64(),
        leaks.len(),
        html.len()
    );
}

#[test]
fn check_also_refuses_an_oversize_notice_without_reading_it() {
    let site = Site::new();
    let body = "很长的正文。".repeat(300_000);
    site.write(
        "content/notices/巨大.md",
        format!("+++\ntitle = \"大\"\ndate = 2025-01-01\ndisclosure = \"主动公开\"\n+++\n{body}\n"),
    );
    let output = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["check", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("content-too-large") && text.contains("巨大.md"),
        "{text}"
    );
}
