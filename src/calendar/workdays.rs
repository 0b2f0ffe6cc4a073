//! Working days on the State Council's holiday arrangements (放假调休).
//!
//! The 政府信息公开条例 (第二十六条) counts its 20 days in working days. A working day is
//! Monday to Friday, except the days a year's notice gives off, plus the Saturdays and
//! Sundays it makes working days (调休). The notices are in `holidays.toml` beside this
//! file, one `[[year]]` each with its 国办发明电 number; a year that is not there is counted
//! Monday to Friday and every count says which years those were.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

/// The official arrangements the tool ships with.
const BUILT_IN: &str = include_str!("holidays.toml");

/// One year's arrangement as written in `holidays.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearEntry {
    year: i32,
    source: String,
    title: String,
    issued: toml::value::Datetime,
    holidays: Vec<HolidayEntry>,
    #[serde(default)]
    workdays: Vec<toml::value::Datetime>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayEntry {
    name: String,
    from: toml::value::Datetime,
    to: toml::value::Datetime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    year: Vec<YearEntry>,
}

/// Where a year's arrangement comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSource {
    /// 文号, e.g. `国办发明电〔2023〕7号`.
    pub document: String,
    /// The notice's title.
    pub title: String,
    /// Its 成文日期.
    pub issued: NaiveDate,
}

/// The working-day calendar: which dates are off although a weekday, which weekend
/// days are working days, and which years are known.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// Days off by the arrangement, with the holiday's name.
    off: BTreeMap<NaiveDate, String>,
    /// Weekend days that are working days (调休上班).
    makeup: BTreeSet<NaiveDate>,
    /// The years whose arrangement is known, with its source.
    years: BTreeMap<i32, YearSource>,
}

/// How many working days lie between two dates, and which years of that stretch had no
/// known arrangement (counted Monday to Friday).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayCount {
    /// Working days after the start up to and including the end.
    pub days: u32,
    /// Years in the stretch not in the table, ascending.
    pub unknown_years: Vec<i32>,
}

impl WorkdayCount {
    /// `（2027 年的放假安排未收录，按周一至周五计算）`, or empty when every year was known.
    pub fn caveat(&self) -> String {
        if self.unknown_years.is_empty() {
            return String::new();
        }
        let years: Vec<String> = self.unknown_years.iter().map(|y| y.to_string()).collect();
        format!(
            "（{} 年的国务院放假安排未收录，这些日子按周一至周五计算）",
            years.join("、")
        )
    }
}

fn date(value: &toml::value::Datetime, what: &str) -> Result<NaiveDate, String> {
    let Some(d) = value
        .date
        .filter(|_| value.time.is_none() && value.offset.is_none())
    else {
        return Err(format!("{what} 应是日期（如 2024-10-01）：{value}"));
    };
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(|| format!("{what} 不是存在的日期：{value}"))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar {
    /// The calendar of the official arrangements shipped with the tool.
    pub fn official() -> &'static WorkCalendar {
        static CALENDAR: OnceLock<WorkCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            // The file is part of the program and its test below parses it, so a
            // mistake in it fails `cargo test`, not a township's build.
            WorkCalendar::parse(BUILT_IN).expect("holidays.toml is valid")
        })
    }

    /// Reads arrangements in the format of `holidays.toml`. Errors (in Chinese) name the
    /// year and what is wrong: a range that ends before it starts, a 调休 working day that
    /// is not a weekend day or is also a holiday, a year given twice.
    pub fn parse(text: &str) -> Result<WorkCalendar, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut calendar = WorkCalendar::default();
        for entry in file.year {
            let year = entry.year;
            let source = YearSource {
                document: entry.source,
                title: entry.title,
                issued: date(&entry.issued, &format!("{year} 年的 issued"))?,
            };
            if calendar.years.insert(year, source).is_some() {
                return Err(format!("{year} 年的放假安排写了两次"));
            }
            for holiday in entry.holidays {
                let what = format!("{year} 年“{}”", holiday.name);
                let (from, to) = (date(&holiday.from, &what)?, date(&holiday.to, &what)?);
                if to < from || (to - from).num_days() > 14 {
                    return Err(format!("{what}的起止日期不对：{from} 至 {to}"));
                }
                for day in from.iter_days().take_while(|d| *d <= to) {
                    calendar.off.insert(day, holiday.name.clone());
                }
            }
            for workday in &entry.workdays {
                let day = date(workday, &format!("{year} 年的调休上班日"))?;
                if !is_weekend(day) {
                    return Err(format!(
                        "{year} 年的调休上班日 {day} 不是周六或周日（平日本来就上班）"
                    ));
                }
                calendar.makeup.insert(day);
            }
        }
        if let Some(day) = calendar
            .makeup
            .iter()
            .find(|d| calendar.off.contains_key(d))
        {
            return Err(format!("{day} 既是放假日又是调休上班日"));
        }
        Ok(calendar)
    }

    /// True when `year`'s arrangement is in the table.
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years in the table with their sources, ascending.
    pub fn years(&self) -> impl Iterator<Item = (i32, &YearSource)> {
        self.years.iter().map(|(y, s)| (*y, s))
    }

    /// True when `day` is a working day: a weekday that is not a holiday, or a weekend
    /// day the arrangement makes a working day. Unknown years: Monday to Friday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup.contains(&day) {
            return true;
        }
        !is_weekend(day) && !self.off.contains_key(&day)
    }

    /// The holiday `day` falls in, if it is one (e.g. `国庆节`).
    pub fn holiday(&self, day: NaiveDate) -> Option<&str> {
        self.off.get(&day).map(String::as_str)
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not after
    /// `start`): a notice made on `start` and published on `end` took this many. The day
    /// after `start` is the first day, as the 条例 counts "自……之日起".
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> WorkdayCount {
        let mut days = 0;
        let mut unknown = BTreeSet::new();
        let mut day = start;
        while day < end {
            day = day.succ_opt().expect("date in range");
            if !self.knows(day.year()) {
                unknown.insert(day.year());
            }
            if self.is_working_day(day) {
                days += 1;
            }
        }
        WorkdayCount {
            days,
            unknown_years: unknown.into_iter().collect(),
        }
    }

    /// The date `n` working days after `start` (the last day on which something made on
    /// `start` is still on time when `n` is 20).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("date in range");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::official()
    }

    #[test]
    fn shipped_table_parses_and_covers_2022_to_2026() {
        let years: Vec<i32> = cal().years().map(|(y, _)| y).collect();
        assert_eq!(years, vec![2022, 2023, 2024, 2025, 2026]);
        let (_, source) = cal().years().find(|(y, _)| *y == 2024).unwrap();
        assert_eq!(source.document, "国办发明电〔2023〕7号");
        assert_eq!(source.issued, day(2023, 10, 25));
        assert!(!cal().knows(2027));
    }

    #[test]
    fn national_day_2024_with_its_two_makeup_days() {
        // The case: 9-29 (Sun) and 10-12 (Sat) are working days, 10-1..7 off.
        let count = cal().working_days_between(day(2024, 9, 27), day(2024, 10, 28));
        assert_eq!(count.days, 18);
        assert!(count.unknown_years.is_empty());
        assert!(count.caveat().is_empty());
        assert!(cal().is_working_day(day(2024, 9, 29)));
        assert!(cal().is_working_day(day(2024, 10, 12)));
        assert!(
            !cal().is_working_day(day(2024, 10, 7)),
            "a Monday in the holiday"
        );
        assert_eq!(cal().holiday(day(2024, 10, 3)), Some("国庆节"));
        assert!(
            !cal().is_working_day(day(2024, 9, 28)),
            "an ordinary Saturday"
        );
    }

    #[test]
    fn mon_to_fri_would_have_said_21() {
        let plain = WorkCalendar::default();
        let count = plain.working_days_between(day(2024, 9, 27), day(2024, 10, 28));
        assert_eq!(count.days, 21);
        assert_eq!(count.unknown_years, vec![2024]);
    }

    #[test]
    fn spring_festival_of_each_year() {
        // 2023: 1-21..27 off, 1-28 (Sat) and 1-29 (Sun) worked.
        assert!(!cal().is_working_day(day(2023, 1, 27)));
        assert!(cal().is_working_day(day(2023, 1, 28)));
        assert!(cal().is_working_day(day(2023, 1, 29)));
        // 2025: 1-28..2-4 off; 1-26 (Sun) and 2-8 (Sat) worked.
        assert!(cal().is_working_day(day(2025, 1, 26)));
        assert!(!cal().is_working_day(day(2025, 2, 4)));
        assert!(cal().is_working_day(day(2025, 2, 8)));
        // 2026: 2-15..23 off (nine days), 2-14 and 2-28 (Sat) worked.
        assert!(!cal().is_working_day(day(2026, 2, 23)));
        assert!(cal().is_working_day(day(2026, 2, 14)));
        assert!(cal().is_working_day(day(2026, 2, 28)));
        // 2026 New Year: 1-1..3 off, Sunday 1-4 worked.
        assert!(!cal().is_working_day(day(2026, 1, 2)));
        assert!(cal().is_working_day(day(2026, 1, 4)));
    }

    #[test]
    fn twenty_working_days_across_national_day_2024() {
        // Made on Friday 2024-09-20; the 20th working day is 2024-10-23.
        let made = day(2024, 9, 20);
        let last = cal().add_working_days(made, 20);
        assert_eq!(last, day(2024, 10, 23));
        assert_eq!(cal().working_days_between(made, last).days, 20);
        assert_eq!(cal().working_days_between(made, day(2024, 10, 22)).days, 19);
        assert_eq!(cal().working_days_between(made, day(2024, 10, 24)).days, 21);
    }

    #[test]
    fn unknown_year_counts_mon_to_fri_and_says_so() {
        let count = cal().working_days_between(day(2026, 12, 25), day(2027, 1, 8));
        // 12-28..31 (4), 2027-1-1 (Fri, unknown: counted), 1-4..8 (5).
        assert_eq!(count.days, 10);
        assert_eq!(count.unknown_years, vec![2027]);
        assert!(count.caveat().contains("2027 年"), "{}", count.caveat());
    }

    #[test]
    fn same_or_earlier_end_is_zero() {
        let d = day(2024, 5, 6);
        assert_eq!(cal().working_days_between(d, d).days, 0);
        assert_eq!(cal().working_days_between(d, day(2024, 5, 1)).days, 0);
    }

    #[test]
    fn bad_tables_are_refused_in_chinese() {
        let head = "[[year]]\nyear = 2030\nsource = \"s\"\ntitle = \"t\"\nissued = 2029-11-01\n";
        let weekday_makeup = format!("{head}holidays = []\nworkdays = [2030-01-02]\n");
        let err = WorkCalendar::parse(&weekday_makeup).unwrap_err();
        assert!(err.contains("不是周六或周日"), "{err}");
        let backwards = format!(
            "{head}holidays = [{{ name = \"春节\", from = 2030-02-05, to = 2030-02-01 }}]\n"
        );
        let err = WorkCalendar::parse(&backwards).unwrap_err();
        assert!(err.contains("起止日期不对"), "{err}");
        let twice = format!("{head}holidays = []\n{head}holidays = []\n");
        assert!(WorkCalendar::parse(&twice).unwrap_err().contains("两次"));
    }
}
