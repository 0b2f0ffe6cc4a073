//! 完成时限 as offices write it in task lists: `2024-06-30`, `6月底前`, `6月30日前`,
//! `2023年1月底前`, `长期坚持`, `年底前`, `上半年`, `年内`, `第三季度`, `3月中旬前`,
//! `即日起至5月31日` …
//!
//! Forms without a year are read in the list's year. Where a form names a period rather
//! than a day, the last day of the period is taken (`6月` → 6月30日, `上旬` → the 10th,
//! `中旬` → the 20th): a task is then never called 逾期 before the office could mean it.

use chrono::NaiveDate;

use super::TaskDeadline;
use crate::diag::normalize_header;
use crate::hazard::YearMonth;
use crate::load::values::{is_blank, parse_date};

/// Why a 完成时限 could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineError {
    /// A form such as `6月底前` and the list has no 年份.
    NeedsYear,
    /// Not a form this reader knows.
    Unreadable,
}

/// Reads a 完成时限 cell; `year` is the list's 年份.
pub fn parse_deadline(text: &str, year: Option<i32>) -> Result<TaskDeadline, DeadlineError> {
    if is_blank(text) {
        return Ok(TaskDeadline::None);
    }
    // Lists copied from a web page keep their markup (`<p>5月底前</p>` in seed 002).
    let s = strip_tags(&normalize_header(text));
    if s.starts_with("长期") || matches!(s.as_str(), "常态化" | "持续推进" | "持续开展" | "持续")
    {
        return Ok(TaskDeadline::Ongoing);
    }
    // `即日起至5月31日`, `2024年3月至6月底`: the end of a range is the deadline, in the
    // year written at the start of the range if there is one.
    let range_year = split_year(&s).0;
    let s = match s.rfind(['至', '到', '~', '～']) {
        Some(i) => &s[i + s[i..].chars().next().map_or(0, char::len_utf8)..],
        None => s.as_str(),
    };
    let s = strip_suffixes(s);
    if let Some(date) = parse_date(s) {
        return Ok(TaskDeadline::Date(date));
    }
    let (explicit_year, rest) = split_year(s);
    let resolve = |month: u32, day: Day| -> Result<TaskDeadline, DeadlineError> {
        let year = explicit_year
            .or(range_year)
            .or(year)
            .ok_or(DeadlineError::NeedsYear)?;
        let date = match day {
            Day::Last => YearMonth::new(year, month).map(YearMonth::last_day),
            Day::Of(d) => NaiveDate::from_ymd_opt(year, month, d),
        };
        date.map(TaskDeadline::Date)
            .ok_or(DeadlineError::Unreadable)
    };
    // A bare `2024年` (rest empty) is that year's end; without a year nothing is left.
    if explicit_year.is_some() && rest.is_empty() {
        return resolve(12, Day::Last);
    }
    match rest {
        // `2024年底`: only with a year in front is a bare 底 the year's end.
        "底" | "末" if explicit_year.is_some() => return resolve(12, Day::Last),
        "年底" | "年末" | "年内" | "全年" | "下半年" | "年终" => {
            return resolve(12, Day::Last)
        }
        "上半年" => return resolve(6, Day::Last),
        _ => {}
    }
    if let Some(quarter) = parse_quarter(rest) {
        return resolve(quarter * 3, Day::Last);
    }
    let (month, rest) = take_number(rest).ok_or(DeadlineError::Unreadable)?;
    let rest = rest.strip_prefix('月').ok_or(DeadlineError::Unreadable)?;
    let rest = rest.strip_prefix('份').unwrap_or(rest);
    if !(1..=12).contains(&month) {
        return Err(DeadlineError::Unreadable);
    }
    let day = match rest {
        "" | "底" | "末" | "下旬" | "月底" => Day::Last,
        "上旬" | "初" => Day::Of(10),
        "中旬" | "中" => Day::Of(20),
        _ => {
            let (day, tail) = take_number(rest).ok_or(DeadlineError::Unreadable)?;
            if !matches!(tail, "日" | "号") {
                return Err(DeadlineError::Unreadable);
            }
            Day::Of(day)
        }
    };
    resolve(month, day)
}

enum Day {
    Last,
    Of(u32),
}

/// Removes `<…>` tags.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Drops what follows the deadline proper: `前`, `之前`, `以前`, `完成`, `为止`, `止`.
fn strip_suffixes(mut s: &str) -> &str {
    loop {
        let before = s;
        for suffix in ["完成", "之前", "以前", "为止", "前", "止"] {
            s = s.strip_suffix(suffix).unwrap_or(s);
        }
        if s == before {
            return s;
        }
    }
}

/// Splits a leading `2024年` off.
fn split_year(s: &str) -> (Option<i32>, &str) {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 4 {
        if let Some(rest) = s[4..].strip_prefix('年') {
            return (s[..4].parse().ok(), rest);
        }
    }
    (None, s)
}

/// `第三季度`, `三季度`, `第3季度`, `三季度末`, `第三季度底` → 3.
fn parse_quarter(s: &str) -> Option<u32> {
    let s = s.strip_prefix('第').unwrap_or(s);
    let (n, rest) = take_number(s)?;
    let rest = rest.strip_prefix("季度")?;
    (matches!(rest, "" | "末" | "底") && (1..=4).contains(&n)).then_some(n)
}

/// Reads a leading month or day number in Arabic (`6`, `06`) or Chinese (`六`, `十二`,
/// `二十`, `三十一`) numerals.
fn take_number(s: &str) -> Option<(u32, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return Some((s[..digits].parse().ok().filter(|n| *n <= 31)?, &s[digits..]));
    }
    let chinese: String = s
        .chars()
        .take_while(|c| "〇零一二两三四五六七八九十".contains(*c))
        .collect();
    let value = chinese_number(&chinese)?;
    Some((value, &s[chinese.len()..]))
}

/// `一`..`九`, `十`, `十二`, `二十`, `二十三`, `三十一`.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .find(c)
            .map(|i| (i / '一'.len_utf8()) as u32)
    };
    let digit = |c: char| {
        if c == '两' {
            Some(2)
        } else if c == '零' {
            Some(0)
        } else {
            digit(c)
        }
    };
    let chars: Vec<char> = s.chars().collect();
    let n = match chars.as_slice() {
        [d] if *d != '十' => digit(*d)?,
        ['十'] => 10,
        ['十', d] => 10 + digit(*d)?,
        [t, '十'] => digit(*t)? * 10,
        [t, '十', d] => digit(*t)? * 10 + digit(*d)?,
        _ => return None,
    };
    (n > 0 && n <= 31).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> TaskDeadline {
        TaskDeadline::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn read(s: &str) -> Result<TaskDeadline, DeadlineError> {
        parse_deadline(s, Some(2024))
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(read("2024-06-30"), Ok(date(2024, 6, 30)));
        assert_eq!(
            parse_deadline("2024年6月30日前", None),
            Ok(date(2024, 6, 30))
        );
        assert_eq!(parse_deadline("2023年1月底前", None), Ok(date(2023, 1, 31)));
        assert_eq!(
            read("2023年1月底前"),
            Ok(date(2023, 1, 31)),
            "explicit year wins"
        );
        assert_eq!(parse_deadline("2024年底前", None), Ok(date(2024, 12, 31)));
        assert_eq!(parse_deadline("2025年", None), Ok(date(2025, 12, 31)));
        assert_eq!(
            parse_deadline("２０２４年２月底", None),
            Ok(date(2024, 2, 29))
        );
    }

    #[test]
    fn month_forms_in_the_list_year() {
        assert_eq!(read("6月底前"), Ok(date(2024, 6, 30)));
        assert_eq!(read("2月底前"), Ok(date(2024, 2, 29)));
        assert_eq!(read("6月30日前"), Ok(date(2024, 6, 30)));
        assert_eq!(read("6月30号之前完成"), Ok(date(2024, 6, 30)));
        assert_eq!(read("3月中旬前"), Ok(date(2024, 3, 20)));
        assert_eq!(read("3月上旬"), Ok(date(2024, 3, 10)));
        assert_eq!(read("3月下旬"), Ok(date(2024, 3, 31)));
        assert_eq!(read("11月"), Ok(date(2024, 11, 30)));
        assert_eq!(read("9月份"), Ok(date(2024, 9, 30)));
        assert_eq!(read("六月底前"), Ok(date(2024, 6, 30)));
        assert_eq!(read("十二月底"), Ok(date(2024, 12, 31)));
        assert_eq!(read("十月二十日前"), Ok(date(2024, 10, 20)));
        assert_eq!(read(" 5 月 底 前 "), Ok(date(2024, 5, 31)));
    }

    #[test]
    fn periods_of_the_year() {
        assert_eq!(read("年底前"), Ok(date(2024, 12, 31)));
        assert_eq!(read("年内"), Ok(date(2024, 12, 31)));
        assert_eq!(read("上半年"), Ok(date(2024, 6, 30)));
        assert_eq!(read("下半年"), Ok(date(2024, 12, 31)));
        assert_eq!(read("第三季度"), Ok(date(2024, 9, 30)));
        assert_eq!(read("一季度末"), Ok(date(2024, 3, 31)));
        assert_eq!(read("第4季度"), Ok(date(2024, 12, 31)));
    }

    #[test]
    fn markup_from_web_pages_is_ignored() {
        assert_eq!(read("<p>5月底前</p>"), Ok(date(2024, 5, 31)));
        assert_eq!(read("<p>长期坚持</p>"), Ok(TaskDeadline::Ongoing));
    }

    #[test]
    fn ranges_take_their_end() {
        assert_eq!(read("即日起至5月31日"), Ok(date(2024, 5, 31)));
        assert_eq!(read("2024年3月至6月底"), Ok(date(2024, 6, 30)));
        assert_eq!(
            parse_deadline("2023年10月至12月底", None),
            Ok(date(2023, 12, 31))
        );
    }

    #[test]
    fn ongoing_and_blank() {
        assert_eq!(read("长期坚持"), Ok(TaskDeadline::Ongoing));
        assert_eq!(parse_deadline("长期坚持", None), Ok(TaskDeadline::Ongoing));
        assert_eq!(read("常态化"), Ok(TaskDeadline::Ongoing));
        assert_eq!(read(""), Ok(TaskDeadline::None));
        assert_eq!(read(" / "), Ok(TaskDeadline::None));
    }

    #[test]
    fn relative_forms_need_a_year() {
        for s in [
            "6月底前",
            "年底前",
            "上半年",
            "第三季度",
            "3月中旬前",
            "年内",
        ] {
            assert_eq!(
                parse_deadline(s, None),
                Err(DeadlineError::NeedsYear),
                "{s}"
            );
        }
    }

    #[test]
    fn unreadable_forms() {
        for s in [
            "5月10月底前",
            "13月底前",
            "2月30日前",
            "尽快",
            "6月底前，长期坚持",
            "第五季度",
            "月底",
            "底前",
            "三十二日",
            "6月31日",
        ] {
            assert_eq!(read(s), Err(DeadlineError::Unreadable), "{s}");
        }
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number("一"), Some(1));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("三十一"), Some(31));
        assert_eq!(chinese_number("两"), Some(2));
        assert_eq!(chinese_number("〇"), None);
        assert_eq!(chinese_number("四十"), None);
        assert_eq!(chinese_number("十十"), None);
    }
}
