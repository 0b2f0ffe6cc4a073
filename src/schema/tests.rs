//! The table checks itself: indices, aliases, keys, kinds and the 五到位 flags.

use super::*;
use crate::hazard::Status;

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
