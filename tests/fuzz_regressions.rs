//! Replays the fuzz corpus committed under `tests/fixtures/fuzz/<target>/` through the
//! same harness the cargo-fuzz targets run (`fuzz/harness.rs`), so every input the
//! fuzzer once found interesting (or that once crashed) is checked on every
//! `cargo test`, without nightly Rust or libFuzzer.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{target}: input {} fails", path.display());
        count += 1;
    }
    assert!(count > 0, "no corpus for {target}");
}

#[test]
fn register_corpus() {
    replay("register", harness::register);
}

#[test]
fn workbook_corpus() {
    replay("workbook", harness::workbook);
}

#[test]
fn frontmatter_corpus() {
    replay("frontmatter", harness::frontmatter);
}

#[test]
fn markdown_corpus() {
    replay("markdown", harness::markdown);
}

#[test]
fn scan_corpus() {
    replay("scan", harness::scan);
}
