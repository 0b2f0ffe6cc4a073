//! A workbook saved by real LibreOffice (headless `soffice --convert-to xlsx`, as an
//! office converting its CSV would) builds the same site as the CSV it came from.
//!
//! The example site is copied twice; in the second copy every month's 执法中队.csv is
//! converted by LibreOffice (dates become date cells, amounts numbers) and removed.
//! Both are built with the same date, and every output file must be the same bytes,
//! except that the month page names the source file (`执法中队.xlsx` for `执法中队.csv`).
//!
//! A second test does the same with workbooks the test writes itself (rust_xlsxwriter).
//!
//! LibreOffice is installed by `scripts/test.sh`; where it is missing the test says so
//! and passes, except under CI (`CI` set), where it fails.

mod common;
/// The CSV-to-workbook conversion of the `csv_to_xlsx` example (dates as date cells,
/// amounts as numbers).
#[path = "../examples/csv_to_xlsx/workbook.rs"]
mod workbook;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use walkdir::WalkDir;

fn copy_example(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("site.toml"), to.join("site.toml")).unwrap();
    for entry in WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn build(root: &Path) -> PathBuf {
    let out = root.join("public");
    let run = Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("GONGKAI_TODAY", "2026-10-25")
        .env_remove("GONGKAI_TIMINGS")
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    common::assert_success(&run);
    out
}

#[test]
fn a_libreoffice_workbook_builds_the_same_site_as_its_csv() {
    if Process::new("soffice").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice (soffice) is missing: scripts/test.sh installs libreoffice-calc-nogui"
        );
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (csv_site, xlsx_site) = (tmp.path().join("csv"), tmp.path().join("xlsx"));
    for site in [&csv_site, &xlsx_site] {
        std::fs::create_dir_all(site).unwrap();
        copy_example(site);
    }
    // One soffice run for every month (its start-up is most of its time); each month's
    // file is copied under the month's name so the outputs do not collide.
    let (inbox, outbox) = (tmp.path().join("in"), tmp.path().join("out"));
    std::fs::create_dir_all(&inbox).unwrap();
    let registers = xlsx_site.join("content/registers");
    let mut months = Vec::new();
    for entry in std::fs::read_dir(&registers).unwrap() {
        let month = entry.unwrap().path();
        let csv = month.join("执法中队.csv");
        if csv.is_file() {
            let name = month.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::copy(&csv, inbox.join(format!("{name}.csv"))).unwrap();
            std::fs::remove_file(&csv).unwrap();
            months.push(name);
        }
    }
    assert!(months.len() >= 2, "{months:?}");
    let mut soffice = Process::new("soffice");
    soffice
        // A profile of its own, so a desktop LibreOffice that is open does not matter.
        .env("HOME", tmp.path())
        // Comma, double quote, UTF-8 (the file is UTF-8 with BOM), from line 1, Chinese locale, detect dates/numbers.
        .args(["--headless", "--infilter=CSV:44,34,76,1,,2052,false,true"])
        .args(["--convert-to", "xlsx", "--outdir"])
        .arg(&outbox);
    for month in &months {
        soffice.arg(inbox.join(format!("{month}.csv")));
    }
    let run = soffice.output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for month in &months {
        let xlsx = outbox.join(format!("{month}.xlsx"));
        assert!(xlsx.is_file(), "LibreOffice wrote no {}", xlsx.display());
        std::fs::copy(&xlsx, registers.join(month).join("执法中队.xlsx")).unwrap();
    }

    assert_same_site(&csv_site, &xlsx_site, months.len());
}

/// Builds both sites and holds that every output file is the same bytes, but for the
/// month page of each of `converted` months, which names its source file
/// (`执法中队.xlsx` for `执法中队.csv`).
fn assert_same_site(csv_site: &Path, xlsx_site: &Path, converted: usize) {
    let (a, b) = (build(csv_site), build(xlsx_site));
    let (left, right) = (common::digests(&a), common::digests(&b));
    let paths = |d: &[(String, String)]| d.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&left), paths(&right));
    let mut differing = 0;
    for ((path, l), (_, r)) in left.iter().zip(&right) {
        if l == r {
            continue;
        }
        differing += 1;
        // Only a month page's list of source files may differ, by the file's extension.
        let from_csv = std::fs::read_to_string(a.join(path)).unwrap();
        let from_xlsx = std::fs::read_to_string(b.join(path)).unwrap();
        assert!(path.starts_with("months/"), "{path} differs");
        assert_eq!(
            from_csv,
            from_xlsx.replace("执法中队.xlsx", "执法中队.csv"),
            "{path}"
        );
    }
    assert_eq!(differing, converted, "one month page per converted month");
}

/// The same with workbooks written by the test itself (rust_xlsxwriter), cells typed as
/// an office keeps them: dates as date cells, amounts as numbers, the title lines above
/// the header as text.
#[test]
fn a_workbook_written_by_rust_xlsxwriter_builds_the_same_site_as_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv_site, xlsx_site) = (tmp.path().join("csv"), tmp.path().join("xlsx"));
    for site in [&csv_site, &xlsx_site] {
        std::fs::create_dir_all(site).unwrap();
        copy_example(site);
    }
    let registers = xlsx_site.join("content/registers");
    let mut converted = 0;
    for entry in std::fs::read_dir(&registers).unwrap() {
        let csv = entry.unwrap().path().join("执法中队.csv");
        if csv.is_file() {
            workbook::replace_with_workbook(&csv);
            converted += 1;
        }
    }
    assert!(converted >= 2, "{converted}");
    assert_same_site(&csv_site, &xlsx_site, converted);
}
