//! The table checks itself: indices, aliases, keys, kinds and the 五到位 flags.

use std::path::PathBuf;
use std::sync::Arc;

use super::*;
use crate::config::SiteConfig;
use crate::diag::{Findings, Severity};
use crate::hazard::{Status, YearMonth};
use crate::load::register::read_register;
use crate::model::{test_entry, HazardEntry};
use crate::render::opendata::{PublishedHazard, FIELDS};
use crate::render::OutputFile;
use crate::scan::Scanner;

#[test]
fn entries_stand_at_their_field_and_every_alias_maps_back() {
    for (i, column) in COLUMNS.iter().enumerate() {
        assert_eq!(column.field as usize, i, "{}", column.key);
        assert!(!column.headers.is_empty() && !column.meaning.is_empty());
        for header in column.headers {
            assert_eq!(Field::from_header(header), Some(column.field), "{header}");
        }
    }
    let mut keys: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), COLUMNS.len(), "open-data keys are unique");
    let mut headers: Vec<String> = COLUMNS
        .iter()
        .flat_map(|c| c.headers.iter().map(|h| normalize_header(h)))
        .collect();
    let all = headers.len();
    headers.sort_unstable();
    headers.dedup();
    assert_eq!(headers.len(), all, "no header names two columns");
}

#[test]
fn extra_columns_are_text_dates_or_numbers() {
    for column in COLUMNS {
        if matches!(column.stored, Stored::Extra) {
            assert!(
                matches!(column.kind, Kind::Text | Kind::Date | Kind::Number),
                "{}: load reads extra columns as text, dates or numbers",
                column.key
            );
        }
    }
}

#[test]
fn five_flags_agree_with_the_record() {
    let full = HazardRecord {
        deadline: NaiveDate::from_ymd_opt(2024, 6, 30),
        ..HazardRecord::sample("A-1", Status::InProgress)
    };
    assert!(full.five_missing().is_empty());
    for part in FivePart::ALL {
        let column = Field::of_five(part).column();
        assert!(!column.get(&full).is_empty());
        let mut record = full.clone();
        match part {
            FivePart::Measures => record.measures = None,
            FivePart::Owner => record.owner = None,
            FivePart::Funds => record.funds = None,
            FivePart::Deadline => record.deadline = None,
            FivePart::Plan => record.plan = None,
        }
        assert_eq!(record.five_missing(), vec![part]);
        assert!(column.get(&record).is_empty(), "{}", column.key);
    }
    let fives = COLUMNS.iter().filter(|c| c.five.is_some()).count();
    assert_eq!(fives, FivePart::ALL.len());
}

#[test]
fn ruled_columns_are_the_four_of_the_spec() {
    let ruled: Vec<(Field, Ruled)> = COLUMNS
        .iter()
        .filter_map(|c| c.ruled.map(|r| (c.field, r)))
        .collect();
    assert_eq!(
        ruled,
        vec![
            (Field::Level, Ruled::NoDowngrade),
            (Field::Supervised, Ruled::KeptWhileOpen),
            (Field::Found, Ruled::Fixed),
            (Field::Deadline, Ruled::OnlyViaExtension),
        ]
    );
}

#[test]
fn enumerated_labels_are_the_types_labels() {
    use crate::hazard::{Level, Source};
    assert_eq!(
        Kind::Level.labels(),
        [Level::Major, Level::General].map(Level::label)
    );
    assert_eq!(Kind::Source.labels(), Source::ALL.map(Source::label));
    assert_eq!(Kind::Status.labels(), Status::ALL.map(Status::label));
}

/// The sample column ([`Field::Sample`], one entry of the table, compiled in test builds
/// only) goes the whole way with nothing else written for it: read from a register under
/// either header, published in the open data and the data dictionary, and traced by the
/// leak scan to its cell.
#[test]
fn a_sample_column_is_one_entry() {
    let config = SiteConfig::parse(
        "title = \"甲乡\"\nissuer = \"甲乡人民政府\"\n",
        &mut Findings::default(),
    )
    .expect("config");
    let csv = "编号,隐患名称,单位名称,整改状态,整改验收人\n\
               A-1,消防通道堵塞,某公司,整改中,王工 13800138000\n";
    let (file, findings) = read_register(
        csv.as_bytes().to_vec(),
        PathBuf::from("content/registers/2024-05/东庄村.csv"),
        YearMonth::new(2024, 5).unwrap(),
        &config,
    );
    assert!(
        findings.iter().all(|f| f.severity != Severity::Error),
        "{findings:?}"
    );
    let file = file.expect("register read");
    assert!(
        file.unpublished_columns.is_empty(),
        "{:?}",
        file.unpublished_columns
    );
    let record = &file.records[0];
    assert_eq!(
        record.extra("inspector"),
        Some(&Value::Text("王工 13800138000".to_string()))
    );

    // Open data: a CSV column and a JSON key, in the dictionary with its text.
    let at = FIELDS
        .iter()
        .position(|f| f.key == "inspector")
        .expect("in FIELDS");
    assert_eq!(FIELDS[at].header, "验收人");
    assert_eq!(FIELDS[at].meaning, "整改完成后现场验收的人员。");
    let entry = HazardEntry {
        record: Arc::clone(record),
        ..test_entry("A-1", Status::InProgress, false)
    };
    let published = PublishedHazard::from_entry(&entry);
    assert_eq!(published.cells()[at], "王工 13800138000");
    let json = serde_json::to_value(published).unwrap();
    assert_eq!(json["inspector"], "王工 13800138000");

    // The leak scan traces a phone number on a page back to the column's cell.
    let records = [&**record];
    let scanner = Scanner::from_parts(&config, &records, &[], &[], &[]);
    let leaks = scanner.scan(&[OutputFile {
        path: "hazards/A-1.html".to_string(),
        bytes: "<td>王工 13800138000</td>".as_bytes().to_vec(),
        source: None,
    }]);
    assert_eq!(leaks.len(), 1);
    let origin = leaks[0].origin.as_ref().expect("traced");
    assert_eq!(origin.column.as_deref(), Some("验收人"));
    assert_eq!(origin.row, Some(2));
}

#[test]
fn published_cells_serialise_straight_from_the_record_as_their_texts_do() {
    use crate::hazard::{Level, Source};
    use chrono::NaiveDate;
    let date = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let full = HazardRecord {
        title: "引号\"、反斜杠\\、换行\n与\t制表".to_string(),
        locality: Some("东庄村".to_string()),
        level: Some(Level::Major),
        source: Some(Source::Enforcement),
        supervised: true,
        found: date("2024-05-12"),
        deadline: date("2024-06-30"),
        funds: Some(12.5),
        done: date("2024-06-01"),
        ..HazardRecord::sample("YH-1", Status::Rectified)
    };
    let bare = HazardRecord {
        measures: None,
        owner: None,
        funds: Some(3.0),
        plan: None,
        ..HazardRecord::sample("YH-2", Status::NotStarted)
    };
    for record in [&full, &bare] {
        let direct = serde_json::to_string(&PublishedCells(record)).unwrap();
        let texts = serde_json::to_string(&published_cells(record)).unwrap();
        assert_eq!(direct, texts);
    }
    assert!(serde_json::to_string(&PublishedCells(&full))
        .unwrap()
        .contains(r#""2024-05-12""#));
}
