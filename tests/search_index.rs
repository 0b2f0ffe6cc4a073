//! The site search index (`pagefind/` in the output) of the bundled example, built by
//! the real binary: every published page is in it, unpublished notices are not, hazard
//! pages carry their filters, Chinese is segmented, and two builds give the same bytes.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use walkdir::WalkDir;

/// Builds the example site at the repository root into a temp folder.
fn build_example() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let root = env!("CARGO_MANIFEST_DIR");
    let result = common::gongkai(&["build", "--root", root, "--out", out.to_str().unwrap()]);
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    (dir, out)
}

/// Every fragment of the index (one per indexed page), decompressed: url → fragment.
fn fragments(out: &Path) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for entry in WalkDir::new(out.join("pagefind/fragment")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap();
        let json = text
            .strip_prefix(b"pagefind_dcd")
            .expect("Pagefind's fragment signature");
        let fragment: Value = serde_json::from_slice(json).unwrap();
        let url = fragment["url"].as_str().unwrap().to_string();
        all.insert(url, fragment);
    }
    all
}

fn html_pages(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .filter(|p| p.ends_with(".html"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_hazard_and_published_notice_and_nothing_else_is_indexed() {
    let (_dir, out) = build_example();
    let indexed = fragments(&out);
    // Each hazard is one record made from the model (its own page's URL); notices,
    // standing pages, task lists and the hotline are read as HTML. List and index pages
    // are not indexed: the hazards they list are.
    let expected: Vec<String> = html_pages(&out)
        .into_iter()
        .filter(|p| {
            let hazard = p.starts_with("hazards/") && p.matches('/').count() == 2;
            hazard || gongkai::render::search::indexes_html(p)
        })
        .map(|p| format!("/{p}"))
        .collect();
    assert!(expected.iter().any(|p| p.starts_with("/notices/")));
    assert!(expected.iter().any(|p| p.starts_with("/hazards/")));
    let urls: Vec<String> = indexed.keys().cloned().collect();
    assert_eq!(urls, expected);

    let entry: Value =
        serde_json::from_slice(&std::fs::read(out.join("pagefind/pagefind-entry.json")).unwrap())
            .unwrap();
    assert_eq!(entry["languages"]["zh-cn"]["page_count"], expected.len());

    // The example has a notice that is 依申请公开 and a draft: neither is published,
    // so neither is in the index, by URL or by a phrase only they contain.
    for (url, fragment) in &indexed {
        assert!(!url.contains("chufa-qingkuang") && !url.contains("shiyue-tiaodu"));
        let content = fragment["content"].as_str().unwrap();
        for phrase in ["违法行为调查处理", "待分管领导审核后发布"] {
            assert!(!content.contains(phrase), "{url} holds「{phrase}」");
        }
    }
}

#[test]
fn hazard_pages_carry_filters_and_only_main_is_indexed() {
    let (_dir, out) = build_example();
    let indexed = fragments(&out);
    let hazards: Vec<&Value> = indexed
        .iter()
        .filter(|(url, _)| url.starts_with("/hazards/"))
        .map(|(_, f)| f)
        .collect();
    assert!(!hazards.is_empty());
    for fragment in &hazards {
        let filters = &fragment["filters"];
        for key in ["月份", "村（社区）", "行业领域", "整改状态"] {
            assert!(
                filters[key].as_array().is_some_and(|v| !v.is_empty()),
                "{} has no filter {key}: {filters}",
                fragment["url"]
            );
        }
        // The header and footer (hotline, navigation) are not part of any page's text.
        let content = fragment["content"].as_str().unwrap();
        assert!(!content.contains("跳到正文"), "{}", fragment["url"]);
        assert!(
            !content.contains("发现安全隐患，请举报"),
            "{}",
            fragment["url"]
        );
    }
    let statuses: Vec<&str> = hazards
        .iter()
        .flat_map(|f| f["filters"]["整改状态"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    for status in ["整改中", "已销号"] {
        assert!(statuses.contains(&status), "no hazard with status {status}");
    }
}

#[test]
fn two_builds_give_the_same_index() {
    let (_a, first) = build_example();
    let (_b, second) = build_example();
    let read = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        WalkDir::new(out.join("pagefind"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    };
    let (a, b) = (read(&first), read(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}
