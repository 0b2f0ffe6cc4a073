//! The register schema: one table, [`COLUMNS`], with an entry per column of a hazard
//! register (SPEC.md's table). Everything else that knows the columns reads it: the
//! header matching of `load` ([`Field::from_header`]), the rules' column names
//! ([`Field::canonical`]), open data's fields and the data dictionary, the leak scan's
//! traced and identifying columns, 五到位, and the rules about what may change between
//! months ([`Ruled`]).
//!
//! Adding a column is one entry here (stored in [`HazardRecord::extra`] when it needs no
//! typed field: [`Stored::Extra`]) plus, where the site shows it, a template line. The
//! tests at the bottom hold the table to that: every alias maps back to its field, the
//! 五到位 flags agree with [`HazardRecord::five_missing`], and a sample column (compiled
//! in test builds only) goes from a CSV file to open data and the leak scan.

use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::diag::normalize_header;
use crate::hazard::{FivePart, HazardRecord, Value};

mod table;

pub use table::COLUMNS;

/// A column of the register, in [`COLUMNS`] order (`field as usize` is its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Id,
    Title,
    Unit,
    Locality,
    Sector,
    Level,
    Source,
    Supervised,
    Supervisor,
    Basis,
    Found,
    Measures,
    Owner,
    Funds,
    Deadline,
    Extended,
    Plan,
    Status,
    Progress,
    Done,
    Closed,
    Approver,
    Notes,
    /// The sample column of the schema's tests (compiled in test builds only): proves
    /// that a new column is one entry of the table.
    #[cfg(test)]
    Sample,
}

/// The kind of value a column holds, which says how `load` parses a cell and how open
/// data types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text; `无`, `/` and the like read as blank.
    Text,
    /// A day in any form offices write (`2024年5月12日`, Excel serials …).
    Date,
    /// A non-negative decimal number (full-width digits, `12.5万元`).
    Number,
    /// 隐患等级: 重大 or 一般.
    Level,
    /// 隐患来源: the four sources.
    Source,
    /// 整改状态: the four statuses.
    Status,
    /// 挂牌督办: yes/no, or the supervising body's name.
    Supervised,
}

impl Kind {
    /// The only values an enumerated kind takes (canonical labels); empty for the rest.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Kind::Level => &["重大", "一般"],
            Kind::Source => &["企业自查", "执法检查", "群众举报", "上级交办"],
            Kind::Status => &["未整改", "整改中", "已整改", "已销号"],
            Kind::Text | Kind::Date | Kind::Number | Kind::Supervised => &[],
        }
    }
}

/// A rule about how a column's value may change from one month to the next (SPEC.md,
/// "The record is append-only"), unless a correction covers the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ruled {
    /// 整改时限 may change only through 延期至.
    OnlyViaExtension,
    /// 发现日期 may not change.
    Fixed,
    /// 重大 may not become 一般.
    NoDowngrade,
    /// 挂牌督办 may not be dropped while the hazard is open.
    KeptWhileOpen,
}

/// Where a column's value lives in a [`HazardRecord`].
#[derive(Clone, Copy)]
pub enum Stored {
    /// A typed field of the record, which `load` fills and the rules and the model
    /// compute with; the function reads it for publication.
    Record(for<'a> fn(&'a HazardRecord) -> Cell<'a>),
    /// [`HazardRecord::extra`] under the column's key, filled by `load` from the kind
    /// ([`Kind::Text`], [`Kind::Date`] or [`Kind::Number`]).
    Extra,
}

/// One column of the register.
#[derive(Clone, Copy)]
pub struct Column {
    pub field: Field,
    /// Accepted headers, canonical (SPEC.md's) first.
    pub headers: &'static [&'static str],
    pub kind: Kind,
    /// A row without a value here is an error.
    pub required: bool,
    /// Never blank in a record: a blank cell reads as a default (挂牌督办 否, 整改状态
    /// 未整改).
    pub filled: bool,
    /// Published on the site and in open data. Columns that are not in this table, and
    /// private columns, are never published.
    pub published: bool,
    /// The open-data key (stable, English) and the data dictionary's text.
    pub key: &'static str,
    pub meaning: &'static str,
    /// The leak scan remembers which cell a personal-looking number in this column came
    /// from, so a finding can name it.
    pub traced: bool,
    /// Its values name a unit, place, person or hazard: a withheld cell that repeats one
    /// of them is not a leak.
    pub names: bool,
    /// The part of 五到位 this column holds.
    pub five: Option<FivePart>,
    /// How the value may change between months.
    pub ruled: Option<Ruled>,
    pub stored: Stored,
}

/// A published value as read from a record, before any formatting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Date(NaiveDate),
    Number(f64),
    /// Yes or no.
    Yes(bool),
    /// One of a fixed set of labels (隐患等级, 隐患来源, 整改状态).
    Label(&'static str),
}

impl<'a> Cell<'a> {
    /// Text of an optional field.
    pub fn text(value: &'a Option<String>) -> Cell<'a> {
        value.as_deref().map_or(Cell::Empty, Cell::Text)
    }

    /// An optional date.
    pub fn date(value: Option<NaiveDate>) -> Cell<'a> {
        value.map_or(Cell::Empty, Cell::Date)
    }

    /// The text, when the cell is text.
    pub fn as_text(self) -> Option<&'a str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }

    /// True for a blank cell.
    pub fn is_empty(self) -> bool {
        self == Cell::Empty
    }

    /// The value as open data and the seals write it: dates `2024-05-12`, numbers in the
    /// shortest form that reads back exactly (`12.5`, `3`, never an exponent), yes/no as
    /// 是/否, blank as the empty string.
    pub fn to_text(self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.to_string(),
            Cell::Date(date) => iso_date(date),
            Cell::Number(number) => number.to_string(),
            Cell::Yes(yes) => if yes { "是" } else { "否" }.to_string(),
            Cell::Label(label) => label.to_string(),
        }
    }
}

/// `2024-05-12` (integer formatting: chrono's `format` parses its pattern per call, and a
/// county's open data formats some 600,000 dates).
pub fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The texts of a record's published columns ([`published`]), in table order: the
/// register part of an open-data row, and what a month's seal freezes.
pub fn published_cells(record: &HazardRecord) -> Vec<String> {
    published().map(|c| c.get(record).to_text()).collect()
}

/// A record's published cells as a JSON list of strings, written straight from the
/// record (no string is made per cell): what [`published_cells`] would serialise to,
/// byte for byte. A county's seals are 2.8 million cells.
#[derive(Debug, Clone, Copy)]
pub struct PublishedCells<'a>(pub &'a HazardRecord);

impl serde::Serialize for PublishedCells<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(published().map(|c| CellText(c.get(self.0))))
    }
}

/// A cell serialised as its [`Cell::to_text`].
struct CellText<'a>(Cell<'a>);

impl serde::Serialize for CellText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Cell::Empty => serializer.serialize_str(""),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Yes(yes) => serializer.serialize_str(if yes { "是" } else { "否" }),
            Cell::Label(label) => serializer.serialize_str(label),
            Cell::Date(_) | Cell::Number(_) => serializer.serialize_str(&self.0.to_text()),
        }
    }
}

impl<'a> From<&'a Value> for Cell<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Text(text) => Cell::Text(text),
            Value::Date(date) => Cell::Date(*date),
            Value::Number(number) => Cell::Number(*number),
        }
    }
}

impl Column {
    /// The value of this column in `record`.
    pub fn get(self, record: &HazardRecord) -> Cell<'_> {
        match self.stored {
            Stored::Record(get) => get(record),
            Stored::Extra => record.extra(self.key).map_or(Cell::Empty, Cell::from),
        }
    }
}

/// Normalised header → field, built once.
static LOOKUP: LazyLock<Vec<(String, Field)>> = LazyLock::new(|| {
    COLUMNS
        .iter()
        .flat_map(|c| c.headers.iter().map(|h| (normalize_header(h), c.field)))
        .collect()
});

impl Field {
    /// Every field, in table order.
    pub fn all() -> impl Iterator<Item = Field> {
        COLUMNS.iter().map(|c| c.field)
    }

    /// The field's entry in [`COLUMNS`].
    pub fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }

    /// The header SPEC.md gives the field.
    pub fn canonical(self) -> &'static str {
        self.column().headers[0]
    }

    /// Every accepted header, canonical first.
    pub fn aliases(self) -> &'static [&'static str] {
        self.column().headers
    }

    /// The field a header names, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = normalize_header(header);
        if key.is_empty() {
            return None;
        }
        LOOKUP.iter().find(|(k, _)| *k == key).map(|(_, f)| *f)
    }

    /// The column holding a 五到位 part.
    pub fn of_five(part: FivePart) -> Field {
        COLUMNS
            .iter()
            .find(|c| c.five == Some(part))
            .map(|c| c.field)
            .expect("every part of 五到位 has a column")
    }
}

/// The published columns, in table order.
pub fn published() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| c.published)
}

#[cfg(test)]
mod tests;
