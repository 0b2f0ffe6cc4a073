//! What each fuzz target does with one input, shared by the cargo-fuzz targets in
//! `fuzz_targets/` and by `tests/fuzz_regressions.rs`, which replays the committed
//! corpus (`tests/fixtures/fuzz/<target>/`) on every `cargo test`.
//!
//! Every function must return normally for every input: a panic, a hang or an assertion
//! failure is a finding.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gongkai::config::SiteConfig;
use gongkai::diag::Findings;
use gongkai::hazard::YearMonth;
use gongkai::render::OutputFile;

fn config() -> SiteConfig {
    let mut findings = Findings::default();
    SiteConfig::parse(
        "title = \"t\"\nissuer = \"i\"\n[hotline]\nnational = \"12350\"\n[register]\nprivate_columns = [\"举报人\"]\n",
        &mut findings,
    )
    .expect("fixed config parses")
}

/// The workbook reader: any bytes as an `.xlsx` register of May 2024, through the zip
/// inspection, calamine's cell reader and the register rows. Every refusal is one
/// error; rows read carry their sheet and origin.
pub fn workbook(data: &[u8]) {
    let config = config();
    let month = YearMonth::new(2024, 5).expect("valid month");
    let rel = PathBuf::from("content/registers/2024-05/fuzz.xlsx");
    let (file, findings) =
        gongkai::load::register::read_register(data.to_vec(), rel, month, &config);
    for finding in &findings {
        assert!(!finding.message.is_empty());
    }
    match file {
        Some(file) => {
            for record in &file.records {
                assert!(record.origin.row >= 1);
                assert!(
                    record.origin.sheet.is_some(),
                    "a workbook row without its sheet"
                );
                assert!(!record.id.trim().is_empty(), "a record without id was read");
            }
        }
        None => assert!(
            findings.iter().any(|f| f.is_error()),
            "nothing read, nothing said"
        ),
    }
}

/// The register reader: any bytes, as a file of May 2024. Rows read must carry their
/// origin, and their private values never appear in the published fields.
pub fn register(data: &[u8]) {
    let config = config();
    let month = YearMonth::new(2024, 5).expect("valid month");
    let rel = PathBuf::from("content/registers/2024-05/fuzz.csv");
    let (file, findings) =
        gongkai::load::register::read_register(data.to_vec(), rel, month, &config);
    for finding in &findings {
        assert!(!finding.message.is_empty());
    }
    if let Some(file) = file {
        for record in &file.records {
            assert!(record.origin.row >= 1);
            assert!(!record.id.trim().is_empty(), "a record without id was read");
        }
    }
}

/// The notice reader (front matter in TOML or YAML, Chinese or English keys) and the
/// standing-page reader, on any text.
pub fn frontmatter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let rel = Path::new("content/notices/fuzz.md");
    let mut findings = Findings::default();
    if let Some(notice) =
        gongkai::load::notice::parse_notice(&text, rel, "某镇人民政府", &mut findings)
    {
        assert!(!notice.slug.is_empty());
        assert!(
            !notice.slug.contains('/') && !notice.slug.contains(".."),
            "{}",
            notice.slug
        );
    }
    let mut findings = Findings::default();
    let _ =
        gongkai::load::notice::parse_page(&text, Path::new("content/pages/fuzz.md"), &mut findings);
    let _ = gongkai::load::frontmatter::parse(&text);
}

/// Markdown to HTML: whatever the input, the output has no script, no event handler,
/// no executable link, no frame or form.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // The guard refuses deeper nesting before the renderer ever sees it.
    if gongkai::load::guard::nesting(text.as_bytes()).0 > gongkai::load::guard::MAX_NESTING {
        return;
    }
    let html = gongkai::render::markdown::to_html(&text);
    let page = OutputFile {
        path: "notices/fuzz/index.html".to_string(),
        bytes: format!(
            "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head><body>{html}</body></html>"
        )
        .into_bytes(),
        source: None,
    };
    let problems = gongkai::scan::html::active_content(&[page]);
    assert!(
        problems.is_empty(),
        "{:?}\ninput: {text:?}\nhtml: {html}",
        problems[0].message
    );
}

/// The leak scanner on any bytes as an HTML page and as a CSV file: never panics, and
/// every number it reports is one it validates.
pub fn scan(data: &[u8]) {
    use gongkai::scan::numbers;
    for hit in numbers::scan(data) {
        assert!(numbers::classify(&hit.digits).is_some(), "{hit:?}");
    }
    if let Some(visible) = gongkai::scan::html::visible_text(data) {
        let _ = numbers::scan(visible.as_bytes());
    }
    let config = config();
    let scanner = gongkai::scan::Scanner::from_parts(&config, &[], &[], &[], &[]);
    for path in ["a/index.html", "data/2024-05.csv"] {
        let _ = scanner.scan_file(&OutputFile {
            path: path.to_string(),
            bytes: data.to_vec(),
            source: None,
        });
    }
    let _ = gongkai::scan::html::active_content(&[OutputFile {
        path: "a.html".to_string(),
        bytes: data.to_vec(),
        source: None,
    }]);
}
