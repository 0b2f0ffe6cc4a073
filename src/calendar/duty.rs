//! The disclosure duty on the calendar: when each month's register was due and when it
//! was published (or that it is still missing), when each notice was published, what
//! is due next. Computed once per run from the loaded site, today and the publication
//! record; the check reports from it and the site shows it.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::record::PublicationRecord;
use crate::config::SiteConfig;
use crate::hazard::YearMonth;
use crate::load::{Notice, RegisterFile, TaskList};

/// What the duty is computed from, borrowed from wherever the pipeline keeps it.
#[derive(Debug, Clone, Copy)]
pub struct DutyInput<'a> {
    /// The site folder (the register files' dates are read from it).
    pub root: &'a Path,
    pub config: &'a SiteConfig,
    /// Every register file, sorted by month then path.
    pub registers: &'a [&'a RegisterFile],
    /// Every notice (unpublished ones are skipped here).
    pub notices: &'a [Notice],
    pub tasks: &'a [TaskList],
    pub record: &'a PublicationRecord,
    pub today: NaiveDate,
}

/// One month of the duty: its due date and when its register was published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthDuty {
    pub month: YearMonth,
    /// The register is due by this day (`disclosure_day`).
    pub due: NaiveDate,
    /// A register for the month was read (published or being published now).
    pub present: bool,
    /// When it was published: the record, else the day its files were last saved.
    /// `None` for a missing month, and for a present one whose files seem saved after
    /// today (the clock or `--today` is behind them): then the date is unknown and the
    /// month is neither judged nor recorded.
    pub published: Option<NaiveDate>,
    /// True when the date was in `published.toml` before this run.
    pub recorded: bool,
}

impl MonthDuty {
    /// Missing and past its due date.
    pub fn is_missing(&self) -> bool {
        !self.present
    }

    /// Days after the due date it was published (or, missing, that it is late as of
    /// `today`); `None` when on time, not yet due, or published on an unknown date.
    pub fn days_late(&self, today: NaiveDate) -> Option<i64> {
        let at = if self.present { self.published? } else { today };
        let days = (at - self.due).num_days();
        (days > 0).then_some(days)
    }
}

/// When each month and notice was published, what is missing, what is due next.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub today: NaiveDate,
    /// Every month with a register, then every month after the latest whose due date
    /// has passed without one (missing), ascending.
    pub months: Vec<MonthDuty>,
    /// Published notices: slug → 发布日期 (front matter, else the record, else today).
    pub notices: BTreeMap<String, NaiveDate>,
    /// The record as it stands after this run: what `build` saves.
    pub record: PublicationRecord,
    /// The month after the latest published one, and its due date.
    pub next_due: Option<(YearMonth, NaiveDate)>,
}

impl Timeline {
    /// Computes the timeline. Months between the first and the latest without a register
    /// are not listed here: they are a check error (a gap), never published.
    pub fn new(input: &DutyInput<'_>) -> Timeline {
        let today = input.today;
        let day = input.config.disclosure_day;
        let mut record = input.record.clone();
        let saved = saved_dates(input.root, input.registers);
        let mut months = Vec::new();
        for (&month, &saved_on) in &saved {
            let recorded = record.months.get(&month).copied();
            // Files saved "after today" (a clock set wrong, a date pinned with --today):
            // when the month was published is not known, so it is not guessed.
            let published = recorded.or_else(|| match saved_on {
                Some(saved) if saved > today => None,
                Some(saved) => Some(saved),
                None => Some(today),
            });
            if let Some(published) = published {
                record.months.insert(month, published);
            }
            months.push(MonthDuty {
                month,
                due: month.due_date(day),
                present: true,
                published,
                recorded: recorded.is_some(),
            });
        }
        let latest = saved.keys().next_back().copied();
        if let Some(latest) = latest {
            let mut month = latest.next();
            while month.due_date(day) < today {
                months.push(MonthDuty {
                    month,
                    due: month.due_date(day),
                    present: false,
                    published: None,
                    recorded: false,
                });
                month = month.next();
            }
        }
        let mut notices = BTreeMap::new();
        for notice in input.notices.iter().filter(|n| n.is_published()) {
            let date = notice
                .published
                .or_else(|| record.notices.get(&notice.slug).copied())
                .unwrap_or(today);
            if notice.published.is_none() {
                record.notices.insert(notice.slug.clone(), date);
            }
            notices.insert(notice.slug.clone(), date);
        }
        Timeline {
            today,
            months,
            notices,
            record,
            next_due: latest.map(|m| (m.next(), m.next().due_date(day))),
        }
    }

    /// The months missing past their due date.
    pub fn missing(&self) -> impl Iterator<Item = &MonthDuty> {
        self.months.iter().filter(|m| m.is_missing())
    }

    /// The duty of `month`, if it was published or is missing.
    pub fn month(&self, month: YearMonth) -> Option<&MonthDuty> {
        self.months.iter().find(|m| m.month == month)
    }

    /// The latest publication date of any month or notice: when the site's content last
    /// changed (not the build's date, so a rebuild of the same content is the same site).
    pub fn last_updated(&self) -> Option<NaiveDate> {
        let months = self.months.iter().filter_map(|m| m.published);
        months.chain(self.notices.values().copied()).max()
    }
}

/// Per month with a register, the day its files were last saved (local time), `None`
/// when no file's time could be read.
fn saved_dates(root: &Path, registers: &[&RegisterFile]) -> BTreeMap<YearMonth, Option<NaiveDate>> {
    let mut months: BTreeMap<YearMonth, Option<NaiveDate>> = BTreeMap::new();
    for file in registers {
        let saved = std::fs::metadata(root.join(&file.path))
            .and_then(|m| m.modified())
            .ok()
            .map(|t| chrono::DateTime::<chrono::Local>::from(t).date_naive());
        let slot = months.entry(file.month).or_insert(None);
        *slot = (*slot).max(saved);
    }
    months
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diag::Findings;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn files_saved_after_today_leave_the_date_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let config =
            SiteConfig::parse("title = \"t\"\nissuer = \"i\"\n", &mut Findings::default()).unwrap();
        let june = file(ym(2024, 6));
        let path = dir.path().join(&june.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "编号\n").unwrap();
        let record = PublicationRecord::default();
        // The file was saved now (years after 2024): its date says nothing about 2024.
        let t = Timeline::new(&DutyInput {
            root: dir.path(),
            config: &config,
            registers: &[&june],
            notices: &[],
            tasks: &[],
            record: &record,
            today: day(2024, 7, 30),
        });
        let duty = t.month(ym(2024, 6)).unwrap();
        assert!(duty.present && duty.published.is_none());
        assert_eq!(duty.days_late(t.today), None);
        assert!(
            t.record.months.is_empty(),
            "an unknown date is not recorded"
        );
        // With today after the save, the save date is the publication date.
        let today = chrono::Local::now().date_naive();
        let t = Timeline::new(&DutyInput {
            today,
            record: &record,
            root: dir.path(),
            config: &config,
            registers: &[&june],
            notices: &[],
            tasks: &[],
        });
        assert_eq!(t.month(ym(2024, 6)).unwrap().published, Some(today));
    }

    fn file(month: YearMonth) -> RegisterFile {
        RegisterFile {
            path: PathBuf::from(format!("content/registers/{month}.csv")),
            month,
            encoding: "UTF-8",
            header_row: 1,
            data_rows: 0,
            unpublished_columns: Vec::new(),
            records: Vec::new(),
        }
    }

    fn timeline(months: &[YearMonth], record: &PublicationRecord, today: NaiveDate) -> Timeline {
        let config =
            SiteConfig::parse("title = \"t\"\nissuer = \"i\"\n", &mut Findings::default()).unwrap();
        let files: Vec<RegisterFile> = months.iter().map(|m| file(*m)).collect();
        let refs: Vec<&RegisterFile> = files.iter().collect();
        Timeline::new(&DutyInput {
            root: Path::new("/nonexistent"),
            config: &config,
            registers: &refs,
            notices: &[],
            tasks: &[],
            record,
            today,
        })
    }

    #[test]
    fn missing_only_after_its_due_date() {
        let record = PublicationRecord::default();
        // June due 6-25: on 7-25 July is not yet late, on 7-26 it is one day late.
        let t = timeline(&[ym(2024, 6)], &record, day(2024, 7, 25));
        assert_eq!(t.missing().count(), 0);
        assert_eq!(t.next_due, Some((ym(2024, 7), day(2024, 7, 25))));
        let t = timeline(&[ym(2024, 6)], &record, day(2024, 7, 26));
        let missing: Vec<_> = t.missing().collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].month, ym(2024, 7));
        assert_eq!(missing[0].days_late(t.today), Some(1));
    }

    #[test]
    fn recorded_date_wins_and_late_is_counted_from_the_due_day() {
        let mut record = PublicationRecord::default();
        record.months.insert(ym(2024, 6), day(2024, 7, 2));
        let t = timeline(&[ym(2024, 6)], &record, day(2024, 7, 10));
        let june = t.month(ym(2024, 6)).unwrap();
        assert!(june.recorded);
        assert_eq!(june.published, Some(day(2024, 7, 2)));
        assert_eq!(june.days_late(t.today), Some(7));
    }

    #[test]
    fn unreadable_file_dates_fall_back_to_today_and_are_recorded() {
        let record = PublicationRecord::default();
        let t = timeline(&[ym(2024, 6)], &record, day(2024, 6, 20));
        let june = t.month(ym(2024, 6)).unwrap();
        assert!(!june.recorded);
        assert_eq!(june.published, Some(day(2024, 6, 20)));
        assert_eq!(june.days_late(t.today), None);
        assert_eq!(t.record.months[&ym(2024, 6)], day(2024, 6, 20));
        assert_eq!(t.last_updated(), Some(day(2024, 6, 20)));
    }
}
