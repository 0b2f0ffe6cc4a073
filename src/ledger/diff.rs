//! What changed in the published record: a sealed month's register against its seal
//! (a changed cell, a hazard removed, a hazard added), and one month against the month
//! before (quiet rewrites: a moved deadline, a changed 发现日期, 重大 become 一般, 挂牌督办
//! dropped while open). Each change is an error unless a correction covers it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::seal::Seal;
use crate::hazard::{HazardRecord, Level, YearMonth};
use crate::schema::{published_cells, Cell, Column, Field, PublishedCells, Ruled, COLUMNS};

/// Which rule a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A published cell of a sealed month differs from its seal.
    SealedCell,
    /// A hazard of a sealed month's seal is not in its register any more.
    SealedRemoved,
    /// A hazard is in a sealed month's register but not in its seal.
    SealedAdded,
    /// 整改时限 differs from the previous month's without 延期至.
    DeadlineMoved,
    /// 发现日期 differs from the previous month's.
    FoundChanged,
    /// 隐患等级 went from 重大 to 一般.
    LevelDowngraded,
    /// 挂牌督办 dropped while the hazard is still open.
    SupervisionDropped,
}

impl Kind {
    /// The finding code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::SealedCell => "sealed-changed",
            Kind::SealedRemoved => "sealed-removed",
            Kind::SealedAdded => "sealed-added",
            Kind::DeadlineMoved => "deadline-moved",
            Kind::FoundChanged => "found-changed",
            Kind::LevelDowngraded => "level-downgraded",
            Kind::SupervisionDropped => "supervision-dropped",
        }
    }
}

/// One change to the published record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    /// The month whose published content changed (for a rewrite between months, the
    /// later month).
    pub month: YearMonth,
    pub id: String,
    /// The hazard's name (now, or as sealed when removed).
    pub title: String,
    /// The column's canonical header; `None` for a hazard added or removed.
    pub column: Option<&'static str>,
    pub old: String,
    pub new: String,
    /// Where the new value is (file and Excel row); for a removed hazard, the month's
    /// first register file and no row.
    pub file: Option<PathBuf>,
    pub row: Option<usize>,
    /// For a rewrite between months: the earlier month's file and row.
    pub before: Option<(YearMonth, PathBuf, usize)>,
}

/// A month's published hazards by 编号 (the first row of a duplicated id; duplicates
/// are a check error of their own).
pub type MonthRows<'a> = BTreeMap<&'a str, &'a HazardRecord>;

/// A month's published rows as a seal holds them (a JSON list of [`PublishedCells`] in
/// 编号 order), serialised straight from the records.
#[derive(Debug, Clone, Copy)]
pub struct SealedRows<'m, 'a>(pub &'m MonthRows<'a>);

impl serde::Serialize for SealedRows<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.values().map(|r| PublishedCells(r)))
    }
}

/// True when the month's register publishes exactly what `seal` froze: its rows
/// serialise to the seal's bytes. The common case (nothing changed) costs one
/// serialisation and a comparison, not a parse of the seal's cells.
pub fn same_as_sealed(seal: &Seal, current: &MonthRows<'_>) -> bool {
    serde_json::to_vec(&SealedRows(current)).is_ok_and(|json| json == seal.rows_json())
}

/// Changes between a month's register and its seal's rows.
pub fn against_seal(
    month: YearMonth,
    columns: &[&'static str],
    sealed: &[Vec<String>],
    current: &MonthRows<'_>,
    month_file: Option<PathBuf>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let title_col = columns.iter().position(|c| *c == "隐患名称").unwrap_or(0);
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for row in sealed {
        let Some(id) = row.first() else { continue };
        seen.insert(id.as_str(), ());
        let Some(now) = current.get(id.as_str()) else {
            changes.push(Change {
                kind: Kind::SealedRemoved,
                month,
                id: id.clone(),
                title: row.get(title_col).cloned().unwrap_or_default(),
                column: None,
                old: row.get(title_col).cloned().unwrap_or_default(),
                new: String::new(),
                file: month_file.clone(),
                row: None,
                before: None,
            });
            continue;
        };
        let cells = published_cells(now);
        for (i, column) in columns.iter().enumerate() {
            let old = row.get(i).map_or("", String::as_str);
            let new = cells.get(i).map_or("", String::as_str);
            if old != new {
                changes.push(Change {
                    kind: Kind::SealedCell,
                    month,
                    id: id.clone(),
                    title: now.title.clone(),
                    column: Some(column),
                    old: old.to_string(),
                    new: new.to_string(),
                    file: Some(now.origin.file.clone()),
                    row: Some(now.origin.row),
                    before: None,
                });
            }
        }
    }
    for (id, now) in current {
        if !seen.contains_key(id) {
            changes.push(Change {
                kind: Kind::SealedAdded,
                month,
                id: id.to_string(),
                title: now.title.clone(),
                column: None,
                old: String::new(),
                new: now.title.clone(),
                file: Some(now.origin.file.clone()),
                row: Some(now.origin.row),
                before: None,
            });
        }
    }
    changes
}

/// Quiet rewrites from `prev` (month `pm`) to `cur` (month `cm`, the month after): the
/// register schema's ruled columns ([`Ruled`]) compared hazard by hazard.
pub fn between_months(
    pm: YearMonth,
    prev: &MonthRows<'_>,
    cm: YearMonth,
    cur: &MonthRows<'_>,
) -> Vec<Change> {
    let ruled: Vec<(&'static Column, Ruled)> = COLUMNS
        .iter()
        .filter_map(|c| c.ruled.map(|r| (c, r)))
        .collect();
    let extension = Field::Extended.column();
    let mut changes = Vec::new();
    for (id, now) in cur {
        let Some(then) = prev.get(id) else { continue };
        let (a, b) = (*then, *now);
        for (column, rule) in &ruled {
            let (old, new) = (column.get(a), column.get(b));
            let kind = match rule {
                Ruled::OnlyViaExtension => {
                    (old != new && extension.get(b).is_empty()).then_some(Kind::DeadlineMoved)
                }
                Ruled::Fixed => (!old.is_empty() && old != new).then_some(Kind::FoundChanged),
                Ruled::NoDowngrade => (old == Cell::Label(Level::Major.label())
                    && new != Cell::Label(Level::Major.label()))
                .then_some(Kind::LevelDowngraded),
                Ruled::KeptWhileOpen => {
                    (old == Cell::Yes(true) && new != Cell::Yes(true) && b.status.is_open())
                        .then_some(Kind::SupervisionDropped)
                }
            };
            if let Some(kind) = kind {
                changes.push(Change {
                    kind,
                    month: cm,
                    id: id.to_string(),
                    title: b.title.clone(),
                    column: Some(column.headers[0]),
                    old: old.to_text(),
                    new: new.to_text(),
                    file: Some(b.origin.file.clone()),
                    row: Some(b.origin.row),
                    before: Some((pm, a.origin.file.clone(), a.origin.row)),
                });
            }
        }
    }
    changes
}
