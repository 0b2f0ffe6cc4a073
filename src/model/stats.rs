//! A month's statistics: totals, by status, by village and sector, and seed 001's annex
//! table (found / of which rectified, by source and for 挂牌督办, this month and
//! cumulative as of the month's due day).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::hazard::{HazardRecord, Level, Source, Status};

use super::{AnnexRow, FoundRectified, GroupStats, HazardEntry, MonthStats};

/// The group name of hazards whose 所在村 or 行业领域 is blank.
pub const UNFILLED: &str = "未填写";

/// The label of the annex row for 挂牌督办.
pub const SUPERVISED_LABEL: &str = "挂牌督办";

impl GroupStats {
    /// Empty figures for a group called `name`.
    fn named(name: impl Into<String>) -> Self {
        GroupStats {
            name: name.into(),
            ..GroupStats::default()
        }
    }

    /// Counts one more hazard.
    fn add(&mut self, entry: &HazardEntry) {
        let record = &entry.record;
        self.listed += 1;
        if record.status.is_open() {
            self.open += 1;
        } else {
            self.rectified += 1;
        }
        if record.status == Status::Closed {
            self.closed += 1;
        }
        if entry.is_overdue() {
            self.overdue += 1;
        }
        if record.supervised {
            self.supervised += 1;
        }
        if record.level == Some(Level::Major) {
            self.major += 1;
        }
    }

    /// Sets `rate` from the counts.
    fn finish(mut self) -> Self {
        self.rate = if self.listed == 0 {
            0.0
        } else {
            self.rectified as f64 / self.listed as f64
        };
        self
    }
}

impl FoundRectified {
    fn count(&mut self, rectified: bool) {
        self.found += 1;
        if rectified {
            self.rectified += 1;
        }
    }

    fn uncount(&mut self, rectified: bool) {
        self.found -= 1;
        if rectified {
            self.rectified -= 1;
        }
    }
}

/// What one hazard adds to the cumulative annex figures: taken from its latest record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Contribution {
    source: Option<Source>,
    supervised: bool,
    rectified: bool,
}

impl Contribution {
    fn of(record: &HazardRecord) -> Self {
        Contribution {
            source: record.source,
            supervised: record.supervised,
            rectified: record.status.is_rectified(),
        }
    }
}

/// The annex figures of one scope (cumulative or this month).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct AnnexCounts {
    /// In [`Source::ALL`] order.
    by_source: [FoundRectified; 4],
    supervised: FoundRectified,
    unknown_source: FoundRectified,
}

impl AnnexCounts {
    fn apply(&mut self, c: Contribution, add: bool) {
        let step = |fr: &mut FoundRectified| {
            if add {
                fr.count(c.rectified)
            } else {
                fr.uncount(c.rectified)
            }
        };
        match c.source {
            Some(source) => step(&mut self.by_source[source_index(source)]),
            None => step(&mut self.unknown_source),
        }
        if c.supervised {
            step(&mut self.supervised);
        }
    }
}

fn source_index(source: Source) -> usize {
    Source::ALL
        .iter()
        .position(|s| *s == source)
        .expect("Source::ALL lists every source")
}

/// The cumulative annex figures, carried from month to month: every distinct hazard
/// listed so far, each counted by its latest record (closed hazards leave the register
/// but stay counted). Updating costs one hash look-up per row.
#[derive(Debug, Default)]
pub(crate) struct Cumulative {
    latest: FxHashMap<String, Contribution>,
    counts: AnnexCounts,
}

impl Cumulative {
    /// Takes in a month's entries (months must come in ascending order).
    pub(crate) fn update(&mut self, entries: &[HazardEntry]) {
        for entry in entries {
            let now = Contribution::of(&entry.record);
            match self.latest.get_mut(entry.record.id.as_str()) {
                Some(before) => {
                    if *before != now {
                        self.counts.apply(*before, false);
                        self.counts.apply(now, true);
                        *before = now;
                    }
                }
                None => {
                    self.counts.apply(now, true);
                    self.latest.insert(entry.record.id.clone(), now);
                }
            }
        }
    }
}

/// The statistics of one month's entries; `cumulative` must already include them.
pub(crate) fn month_stats(entries: &[HazardEntry], cumulative: &Cumulative) -> MonthStats {
    let mut total = GroupStats::named("");
    let mut this_month = AnnexCounts::default();
    let mut by_status = [0usize; 4];
    let mut by_locality: BTreeMap<&str, GroupStats> = BTreeMap::new();
    let mut by_sector: BTreeMap<&str, GroupStats> = BTreeMap::new();
    for entry in entries {
        let record = &entry.record;
        total.add(entry);
        this_month.apply(Contribution::of(record), true);
        by_status[status_index(record.status)] += 1;
        add_to_group(&mut by_locality, record.locality.as_deref(), entry);
        add_to_group(&mut by_sector, record.sector.as_deref(), entry);
    }
    let cum = &cumulative.counts;
    let mut annex: Vec<AnnexRow> = Source::ALL
        .iter()
        .enumerate()
        .map(|(i, source)| AnnexRow {
            label: source.label(),
            cumulative: cum.by_source[i],
            this_month: this_month.by_source[i],
        })
        .collect();
    annex.push(AnnexRow {
        label: SUPERVISED_LABEL,
        cumulative: cum.supervised,
        this_month: this_month.supervised,
    });
    MonthStats {
        total: total.finish(),
        by_status: Status::ALL
            .iter()
            .map(|s| (*s, by_status[status_index(*s)]))
            .collect(),
        annex,
        unknown_source: cum.unknown_source,
        unknown_source_this_month: this_month.unknown_source,
        by_locality: finish_groups(by_locality),
        by_sector: finish_groups(by_sector),
    }
}

fn status_index(status: Status) -> usize {
    match status {
        Status::NotStarted => 0,
        Status::InProgress => 1,
        Status::Rectified => 2,
        Status::Closed => 3,
    }
}

fn add_to_group<'a>(
    groups: &mut BTreeMap<&'a str, GroupStats>,
    name: Option<&'a str>,
    entry: &HazardEntry,
) {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(UNFILLED);
    groups
        .entry(name)
        .or_insert_with(|| GroupStats::named(name))
        .add(entry);
}

/// Groups sorted by name, with `未填写` last (it is not a place or sector).
fn finish_groups(groups: BTreeMap<&str, GroupStats>) -> Vec<GroupStats> {
    let mut unfilled = None;
    let mut out = Vec::with_capacity(groups.len());
    for (name, group) in groups {
        if name == UNFILLED {
            unfilled = Some(group.finish());
        } else {
            out.push(group.finish());
        }
    }
    out.extend(unfilled);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_entry;

    fn entry(id: &str, status: Status, source: Option<Source>, supervised: bool) -> HazardEntry {
        let mut e = test_entry(id, status, false);
        std::sync::Arc::make_mut(&mut e.record).source = source;
        std::sync::Arc::make_mut(&mut e.record).supervised = supervised;
        e
    }

    fn row<'a>(stats: &'a MonthStats, label: &str) -> &'a AnnexRow {
        stats.annex.iter().find(|r| r.label == label).unwrap()
    }

    #[test]
    fn cumulative_follows_each_hazards_latest_record() {
        let mut cumulative = Cumulative::default();
        let april = vec![
            entry("A", Status::NotStarted, None, false),
            entry("B", Status::InProgress, Some(Source::PublicReport), true),
        ];
        cumulative.update(&april);
        let stats = month_stats(&april, &cumulative);
        assert_eq!(
            stats.unknown_source,
            FoundRectified {
                found: 1,
                rectified: 0
            }
        );
        assert_eq!(row(&stats, "挂牌督办").cumulative.found, 1);

        // A gets its source and is rectified; B is closed and leaves next month.
        let may = vec![
            entry("A", Status::Rectified, Some(Source::PublicReport), false),
            entry("B", Status::Closed, Some(Source::PublicReport), true),
        ];
        cumulative.update(&may);
        let june = vec![entry(
            "C",
            Status::NotStarted,
            Some(Source::Enforcement),
            false,
        )];
        cumulative.update(&june);
        let stats = month_stats(&june, &cumulative);
        let report = row(&stats, "群众举报");
        assert_eq!(
            report.cumulative,
            FoundRectified {
                found: 2,
                rectified: 2
            }
        );
        assert_eq!(report.this_month, FoundRectified::default());
        let supervised = row(&stats, "挂牌督办");
        assert_eq!(
            supervised.cumulative,
            FoundRectified {
                found: 1,
                rectified: 1
            }
        );
        assert_eq!(stats.unknown_source, FoundRectified::default());
        assert_eq!(row(&stats, "执法检查").this_month.found, 1);
        let labels: Vec<&str> = stats.annex.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            ["企业自查", "执法检查", "群众举报", "上级交办", "挂牌督办"]
        );
    }

    #[test]
    fn groups_blank_names_as_unfilled_and_list_them_last() {
        let mut a = test_entry("A", Status::NotStarted, true);
        std::sync::Arc::make_mut(&mut a.record).locality = Some(" ".to_string());
        let mut b = test_entry("B", Status::Closed, false);
        std::sync::Arc::make_mut(&mut b.record).locality = Some("东庄村".to_string());
        let c = test_entry("C", Status::Rectified, false);
        let entries = vec![a, b, c];
        let stats = month_stats(&entries, &Cumulative::default());
        let names: Vec<&str> = stats.by_locality.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["东庄村", UNFILLED]);
        let unfilled = &stats.by_locality[1];
        assert_eq!(
            (unfilled.listed, unfilled.open, unfilled.overdue),
            (2, 1, 1)
        );
        assert_eq!(unfilled.rate, 0.5);
        assert_eq!(stats.by_sector.len(), 1);
        assert_eq!(stats.total.closed, 1);
        assert_eq!(stats.total.name, "");
    }

    #[test]
    fn empty_month_has_zero_rate() {
        let stats = month_stats(&[], &Cumulative::default());
        assert_eq!(stats.total.rate, 0.0);
        assert!(stats.by_locality.is_empty());
        assert_eq!(stats.by_status.len(), 4);
    }
}
