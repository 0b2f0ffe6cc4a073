//! Unit tests of the scanner as a whole: tracing, allow-list, findings.

use std::path::PathBuf;

use super::*;
use crate::diag::Findings;
use crate::hazard::Status;

fn config(extra: &str) -> SiteConfig {
    let mut findings = Findings::default();
    let text = format!(
        "title = \"甲乡\"\nissuer = \"甲乡人民政府\"\n[hotline]\nphones = [{{ label = \"值班\", number = \"139-0000-1111\" }}]\nnational = \"12350\"\n{extra}"
    );
    let config = SiteConfig::parse(&text, &mut findings).expect("config");
    assert!(!findings.has_errors());
    config
}

fn record(row: usize, notes: Option<&str>, withheld: &[&str]) -> HazardRecord {
    let mut r = crate::hazard::HazardRecord::sample(&format!("A-{row}"), Status::InProgress);
    r.origin.file = PathBuf::from("content/registers/2024-05/东庄村.csv");
    r.origin.row = row;
    r.unit = "某化工有限公司".to_string();
    r.notes = notes.map(str::to_string);
    r.withheld = withheld.iter().map(|s| s.to_string()).collect();
    r
}

fn out(path: &str, text: &str) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
        source: None,
    }
}

fn scanner(config: &SiteConfig, records: &[HazardRecord]) -> Scanner {
    let refs: Vec<&HazardRecord> = records.iter().collect();
    Scanner::from_parts(config, &refs, &[], &[], &[])
}

#[test]
fn traces_a_number_to_its_row_and_column() {
    let cfg = config("");
    let records = [record(7, Some("举报人电话13800138000"), &[])];
    let leaks =
        scanner(&cfg, &records).scan(&[out("hazards/A-7.html", "<td>举报人电话13800138000</td>")]);
    assert_eq!(leaks.len(), 1);
    let origin = leaks[0].origin.as_ref().unwrap();
    assert_eq!(origin.row, Some(7));
    assert_eq!(origin.column.as_deref(), Some("备注"));
    let findings = leak_findings(&leaks);
    assert_eq!(findings[0].code, "leak-mobile");
    assert!(
        findings[0].message.contains("hazards/A-7.html"),
        "{}",
        findings[0].message
    );
    assert!(
        findings[0].message.contains("东庄村.csv 第 7 行「备注」"),
        "{}",
        findings[0].message
    );
    assert!(
        !findings[0].message.contains("13800138000"),
        "the report masks the number"
    );
}

#[test]
fn public_and_allowed_numbers_pass() {
    let cfg = config("[publish]\nallow = [\"13700137000\"]\n");
    let s = scanner(&cfg, &[]);
    let page = out(
        "index.html",
        "举报电话 139 0000 1111、12350；值班手机 13700137000",
    );
    assert!(s.scan(&[page]).is_empty());
    assert_eq!(s.scan(&[out("a.html", "13600136000")]).len(), 1);
}

#[test]
fn private_values_found_in_any_output_but_published_names_are_not_private() {
    let cfg = config("");
    // 王小明 is a reporter (private column); 某化工有限公司 repeats the published unit in
    // an unknown column; 2024-05-01 is a date; 3 is a serial.
    let records = [record(
        5,
        None,
        &["王小明", "某化工有限公司", "2024-05-01", "3"],
    )];
    let s = scanner(&cfg, &records);
    assert_eq!(s.private_values(), 1);
    let leaks = s.scan(&[
        out("data/2024-05.csv", "A-5,经王小明举报,某化工有限公司\r\n"),
        out("index.html", "<p>某化工有限公司 2024-05-01 3</p>"),
    ]);
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].output, "data/2024-05.csv");
    let findings = leak_findings(&leaks);
    assert_eq!(findings[0].code, "leak-private-value");
    assert!(
        findings[0].message.contains("王*明"),
        "{}",
        findings[0].message
    );
    assert_eq!(findings[0].row, Some(5));
}

#[test]
fn one_finding_per_value_naming_pages() {
    let cfg = config("");
    let files: Vec<OutputFile> = (0..5)
        .map(|i| out(&format!("p{i}.html"), "电话13800138000"))
        .collect();
    let findings = leak_findings(&scanner(&cfg, &[]).scan(&files));
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].message.contains("等 5 个文件"),
        "{}",
        findings[0].message
    );
    assert!(
        findings[0].message.contains("未能追溯"),
        "{}",
        findings[0].message
    );
}

#[test]
fn hidden_numbers_in_html_are_found_binary_files_skipped() {
    let cfg = config("");
    let s = scanner(&cfg, &[]);
    assert_eq!(
        s.scan(&[out("a.html", "<p>1<b>38</b>0013&#56;000</p>")])
            .len(),
        1
    );
    let mut png = out("assets/a.png", "13800138000");
    png.bytes.insert(0, 0);
    assert!(s.scan(&[png]).is_empty());
}

#[test]
fn harmless_values() {
    for v in ["是", "已整改", "2024-05-01", "12.5", "3"] {
        assert!(is_harmless(v), "{v}");
    }
    for v in ["王小明", "13800138000", "0358-1234567"] {
        assert!(!is_harmless(v), "{v}");
    }
}
