//! The site search index (`search/index/` in the output), built by the real binary for
//! the town fixture and the bundled example, read back the way `search.js` reads it:
//! a hazard is found by a two-character word, a notice by a word of its body, a hazard
//! id by a leading part (full-width too); unpublished notices and withheld register
//! values are in no index file; two builds give the same bytes; the index is a few
//! files, not thousands.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gongkai::render::search::tokens::{hash, query_tokens};
use serde_json::Value;
use walkdir::WalkDir;

/// Builds the site at `root` (a checked-in fixture or the example, built in place) into
/// a temp folder, on a day before any of their months is due so nothing is sealed into
/// the repository (the example's months are sealed already).
fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let result = common::gongkai_on(
        "2024-01-01",
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    (dir, out)
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn town() -> PathBuf {
    example().join("tests/fixtures/sites/town")
}

/// Every file of the index: relative path → bytes.
fn index_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(out.join("search/index"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The index read back as `search.js` reads it.
struct Index {
    meta: Value,
    out: PathBuf,
}

impl Index {
    fn open(out: &Path) -> Index {
        let meta = std::fs::read(out.join("search/index/meta.json")).unwrap();
        Index {
            meta: serde_json::from_slice(&meta).unwrap(),
            out: out.to_path_buf(),
        }
    }

    /// Record number → in title, for one token.
    fn postings(&self, token: &str) -> BTreeMap<u64, bool> {
        let shards = self.meta["shards"].as_u64().unwrap();
        let shard = u64::from(hash(token)) & (shards - 1);
        let path = self.out.join(format!("search/index/t/{shard}.json"));
        let shard: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut out = BTreeMap::new();
        let mut record = 0;
        for d in shard[token].as_array().into_iter().flatten() {
            let d = d.as_u64().unwrap();
            record += d / 2;
            out.insert(record, d % 2 == 1);
        }
        out
    }

    /// The record at number `n`.
    fn record(&self, n: u64) -> Value {
        let chunk = self.meta["chunk"].as_u64().unwrap();
        let path = self.out.join(format!("search/index/r/{}.json", n / chunk));
        let records: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        records[(n % chunk) as usize].clone()
    }

    /// The paths of the records holding every token of `query`, in rank order (title
    /// hits first, then by record number).
    fn search(&self, query: &str) -> Vec<String> {
        let tokens = query_tokens(query);
        assert!(!tokens.is_empty(), "{query} has no tokens");
        let mut hits: Option<BTreeMap<u64, bool>> = None;
        for t in &tokens {
            let p = self.postings(t);
            hits = Some(match hits {
                None => p,
                Some(h) => h
                    .into_iter()
                    .filter_map(|(n, title)| p.get(&n).map(|t2| (n, title && *t2)))
                    .collect(),
            });
        }
        let mut hits: Vec<(u64, bool)> = hits.unwrap_or_default().into_iter().collect();
        hits.sort_by_key(|(n, title)| (!title, *n));
        hits.into_iter()
            .map(|(n, _)| self.record(n)["u"].as_str().unwrap().to_string())
            .collect()
    }
}

#[test]
fn town_hazards_and_notices_are_found_by_chinese_words_and_ids() {
    let (_dir, out) = build(&town());
    let index = Index::open(&out);
    // 液氨 appears in JC-002's title only; 燃气 in JC-001's and ZF-003's.
    assert_eq!(index.search("液氨"), ["hazards/JC-002.html"]);
    let gas: BTreeSet<String> = index.search("燃气").into_iter().collect();
    for id in ["JC-001", "ZF-003"] {
        assert!(gas.contains(&format!("hazards/{id}.html")), "{gas:?}");
    }
    // A one-character query, a three-character word (the AND of its pairs).
    assert!(index
        .search("氨")
        .contains(&"hazards/JC-002.html".to_string()));
    assert!(index
        .search("报警器")
        .contains(&"hazards/JC-002.html".to_string()));
    // An id by its leading part, typed in full-width forms or lower case.
    assert!(index
        .search("ＪＣ－００２")
        .contains(&"hazards/JC-002.html".to_string()));
    assert!(index.search("jc").len() >= 2);
    // A notice by a word of its body only (匿名 is not in its title).
    let notice = index.search("匿名");
    assert!(
        notice.iter().any(|u| u.starts_with("notices/")),
        "{notice:?}"
    );
    // The hotline page by a word of the site's hotline settings.
    assert!(index
        .search("应急办")
        .contains(&"hotline/index.html".to_string()));
    // Nothing for words the site does not have.
    assert!(index.search("核电站").is_empty());
}

#[test]
fn filters_are_tokens_and_meta_lists_their_values() {
    let (_dir, out) = build(&town());
    let index = Index::open(&out);
    let facets = index.meta["facets"].as_array().unwrap();
    let names: Vec<&str> = facets.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["月份", "村（社区）", "行业领域", "整改状态"]);
    for f in facets {
        let name = f["name"].as_str().unwrap();
        let values = f["values"].as_array().unwrap();
        assert!(!values.is_empty(), "{name} has no values");
        for v in values {
            let token = format!("{name}={}", v.as_str().unwrap());
            assert!(!index.postings(&token).is_empty(), "{token} has no records");
        }
    }
    // Months newest first.
    assert_eq!(facets[0]["values"][0], "2025年3月");
    // 燃气 AND 行业领域=燃气 keeps gas hazards only.
    let gas_sector = index.postings("行业领域=燃气");
    let gas = index.postings("燃气");
    assert!(gas_sector.keys().all(|n| gas.contains_key(n)));
}

#[test]
fn unpublished_notices_and_withheld_values_are_in_no_index_file() {
    let (_dir, out) = build(&town());
    let files = index_files(&out);
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        let text = String::from_utf8(bytes.clone()).unwrap();
        for secret in [
            "SECRET-DRAFT-TEXT",
            "secret-draft-text",
            "SECRET-ONREQUEST-TEXT",
            "secret-onrequest",
            "内部讨论稿",
            "人事安排",
            // The reporter and the reporter's phone of JC-001 (private columns).
            "李举报",
            "13912345678",
        ] {
            assert!(!text.contains(secret), "{path} holds「{secret}」");
        }
    }
    let index = Index::open(&out);
    // Tokens only those notices and values have are not indexed either.
    for word in ["人事", "举报人", "李举"] {
        let urls = index.search(word);
        assert!(
            !urls
                .iter()
                .any(|u| u.contains("依申请") || u.contains("草稿")),
            "{word}: {urls:?}"
        );
    }
    assert!(index.postings("李举").is_empty());
}

#[test]
fn example_index_is_small_and_the_same_bytes_twice() {
    let (_a, first) = build(&example());
    let (_b, second) = build(&example());
    let (a, b) = (index_files(&first), index_files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
    // A handful of files, no Pagefind bundle.
    assert!(a.len() < 50, "{} index files", a.len());
    assert!(!first.join("pagefind").exists());
    let index = Index::open(&first);
    assert_eq!(index.meta["version"], 1);
    // Every hazard page and published notice has a record; nothing else than the
    // searchable kinds does.
    let records = index.meta["records"].as_u64().unwrap();
    let urls: Vec<String> = (0..records)
        .map(|n| index.record(n)["u"].as_str().unwrap().to_string())
        .collect();
    let hazards = std::fs::read_dir(first.join("hazards")).unwrap().count();
    assert_eq!(
        urls.iter().filter(|u| u.starts_with("hazards/")).count(),
        hazards
    );
    for u in &urls {
        assert!(
            u.starts_with("hazards/")
                || u.starts_with("notices/")
                || u.starts_with("pages/")
                || u.starts_with("tasks/")
                || u == "hotline/index.html",
            "{u}"
        );
        assert!(
            !u.contains("chufa-qingkuang") && !u.contains("shiyue-tiaodu"),
            "{u}"
        );
        assert!(first.join(u).is_file(), "{u} is not a page of the site");
    }
    // 钢瓶 finds a notice by its body.
    assert!(index
        .search("钢瓶")
        .iter()
        .any(|u| u.starts_with("notices/")));
}
