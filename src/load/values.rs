//! Parsing cell values as offices write them: dates, numbers, yes/no, levels, sources, statuses.
//!
//! Every parser here is total: it returns `None` for text it cannot read and never
//! panics, so callers can turn `None` into a finding that names the cell.
//!
//! Cells are normalised with NFKC (full-width digits and punctuation become ASCII), but
//! only when a value contains characters that need it: register files hold hundreds of
//! thousands of cells and most are plain ASCII or CJK ideographs that NFKC leaves alone.

use std::borrow::Cow;

use chrono::{Duration, NaiveDate};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::hazard::{Level, Source, Status};

/// Trims `text` and applies NFKC when (and only when) it contains characters NFKC would
/// change, so the common case allocates nothing.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    if trimmed.is_ascii() || is_nfkc_quick(trimmed.chars()) == IsNormalized::Yes {
        Cow::Borrowed(trimmed)
    } else {
        // NFKC can turn an ideographic space into a plain one at either end.
        let normalized: String = trimmed.nfkc().collect();
        let again = normalized.trim();
        if again.len() == normalized.len() {
            Cow::Owned(normalized)
        } else {
            Cow::Owned(again.to_string())
        }
    }
}

/// True when a cell says nothing: empty, white space only, or one of the marks offices
/// use for "nothing here" (`无`, `/`, `-`, `—`, `－`, `——`, `\`).
pub fn is_blank(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || matches!(
            t,
            "无" | "/" | "／" | "-" | "--" | "—" | "——" | "－" | "－－" | "\\" | "＼" | "–"
        )
}

/// Trims a free-text cell and returns `None` when it is blank (see [`is_blank`]).
///
/// Free text is deliberately *not* NFKC-normalised: Chinese prose uses full-width
/// punctuation (`，` `：` `（）`) that NFKC would turn into ASCII, changing what the
/// office wrote.
pub fn text_value(text: &str) -> Option<&str> {
    if is_blank(text) {
        None
    } else {
        Some(text.trim())
    }
}

/// The Excel serial numbers accepted as dates (about 1954-10 to 2119-01). Small numbers
/// in a date column are much more likely a typing mistake than a date of the 1900s.
const SERIAL_RANGE: std::ops::RangeInclusive<i64> = 20_000..=80_000;

/// Reads a date in any form offices write: `2024-05-12`, `2024/5/12`, `2024.5.12`,
/// `2024年5月12日`, `2024-05-12 00:00:00`, `2024-05-12T08:30`, `20240512`, full-width
/// digits, a trailing `前`/`之前` (`2024年5月12日前`, as deadlines are written), and
/// Excel serial numbers (1900 date system, `45424` = 2024-05-12).
///
/// Returns `None` for anything else, including impossible days such as `2024-02-30`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let norm = normalize(text);
    // Deadlines are often written `2024年6月30日前`: the day itself is the deadline.
    let s = norm
        .strip_suffix("之前")
        .or_else(|| norm.strip_suffix('前'))
        .unwrap_or(&norm);
    let s = strip_time(s);
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        return match bytes.len() {
            8 => {
                let y = s[0..4].parse().ok()?;
                let m = s[4..6].parse().ok()?;
                let d = s[6..8].parse().ok()?;
                NaiveDate::from_ymd_opt(y, m, d)
            }
            5 => excel_serial(s.parse().ok()?),
            _ => None,
        };
    }
    // An Excel serial that kept its fractional time part, e.g. `45424.5`.
    if let Some((whole, frac)) = s.split_once('.') {
        if whole.len() == 5
            && whole.bytes().all(|b| b.is_ascii_digit())
            && !frac.is_empty()
            && frac.bytes().all(|b| b.is_ascii_digit())
        {
            return excel_serial(whole.parse().ok()?);
        }
    }
    ymd_with_separators(s)
}

/// Cuts a trailing time of day (`00:00:00`, `T08:30`, ` 8:30`) off a date.
fn strip_time(s: &str) -> &str {
    let Some(colon) = s.find(':') else {
        return s.trim();
    };
    let before = &s[..colon];
    match before.rfind(|c: char| c.is_whitespace() || c == 'T') {
        Some(cut) => before[..cut].trim(),
        // A colon with no separator before it is not a time we know; keep the text
        // whole so it is rejected rather than misread.
        None => s,
    }
}

/// Reads `Y?M?D` where `?` is one of `-` `/` `.` or `年…月…日`, with optional spaces.
fn ymd_with_separators(s: &str) -> Option<NaiveDate> {
    let mut parts = [0u32; 3];
    let mut count = 0;
    let mut year_digits = 0;
    let mut current: Option<u32> = None;
    let mut digits = 0;
    let mut seps = ['\0'; 3];
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            digits += 1;
            if digits > 4 {
                return None;
            }
            current = Some(current.unwrap_or(0) * 10 + d);
        } else if c.is_whitespace() {
            continue;
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '号') {
            let value = current.take()?;
            if count == 3 {
                return None;
            }
            if count == 0 {
                year_digits = digits;
            }
            parts[count] = value;
            count += 1;
            digits = 0;
            seps[count - 1] = c;
        } else {
            return None;
        }
    }
    if let Some(value) = current {
        if count == 3 {
            return None;
        }
        parts[count] = value;
        count += 1;
    }
    if count != 3 || year_digits != 4 {
        return None;
    }
    // The separators must be consistent: `2024-5-12`, `2024/5/12`, `2024.5.12`,
    // `2024年5月12日` (the 日 optional). A mix like `2024-5/12` is more likely a typo.
    // `seps` holds the separators seen; a trailing one (`日`) is the third.
    let ok = match seps {
        [a, b, '\0'] if a == b && matches!(a, '-' | '/' | '.') => true,
        ['年', '月', '\0' | '日' | '号'] => true,
        _ => false,
    };
    if !ok {
        return None;
    }
    NaiveDate::from_ymd_opt(parts[0] as i32, parts[1], parts[2])
}

/// An Excel serial day number in the 1900 date system. Excel counts a nonexistent
/// 1900-02-29, so for every serial after 60 day 0 is 1899-12-30.
fn excel_serial(serial: i64) -> Option<NaiveDate> {
    if !SERIAL_RANGE.contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial))
}

/// Reads a number as offices write it: `12.5`, ` 12.5 `, `１２.５`, `1,234.5`,
/// `12.5万`, `12.5万元` (the unit of the funds column is already 万元).
///
/// Returns `None` for anything else, including `12.5元` (a different unit, which the
/// office must convert) and non-finite values.
pub fn parse_number(text: &str) -> Option<f64> {
    let norm = normalize(text);
    let s = norm
        .strip_suffix("万元")
        .or_else(|| norm.strip_suffix('万'))
        .unwrap_or(&norm)
        .trim();
    if s.is_empty() {
        return None;
    }
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if !valid_integer_part(int_part) {
        return None;
    }
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let cleaned: String = body.chars().filter(|&c| c != ',').collect();
    let value: f64 = cleaned.parse().ok()?;
    value.is_finite().then_some(sign * value)
}

/// Digits, optionally grouped by thousands with commas (`1,234,567`).
fn valid_integer_part(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    if !s.contains(',') {
        return s.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The key enumerated values are matched on: NFKC with all white space removed.
/// Borrows when the text is already in that form (the common case: these are read for
/// every row).
fn enum_key(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    let plain = !t.contains(char::is_whitespace)
        && (t.is_ascii() || is_nfkc_quick(t.chars()) == IsNormalized::Yes);
    if plain {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(crate::diag::normalize_header(t))
    }
}

/// Reads 隐患等级: 重大 / 重大隐患 / 重大事故隐患 → [`Level::Major`], 一般 / 一般隐患 /
/// 一般事故隐患 → [`Level::General`].
pub fn parse_level(text: &str) -> Option<Level> {
    match enum_key(text).as_ref() {
        "重大" | "重大隐患" | "重大事故隐患" | "重大安全隐患" | "重大生产安全事故隐患" => {
            Some(Level::Major)
        }
        "一般" | "一般隐患" | "一般事故隐患" | "一般安全隐患" | "一般生产安全事故隐患" => {
            Some(Level::General)
        }
        _ => None,
    }
}

/// The accepted spellings of 隐患等级, for help texts.
pub const LEVEL_VALUES: &str =
    "重大（或 重大隐患、重大事故隐患）、一般（或 一般隐患、一般事故隐患）";

/// Reads 隐患来源 in its four canonical forms and the obvious variants (企业自查自报,
/// 自查, 执法, 举报, 交办, 上级交办件 …).
pub fn parse_source(text: &str) -> Option<Source> {
    match enum_key(text).as_ref() {
        "企业自查" | "企业自查自报" | "自查" | "自查自报" | "企业自报" | "自报" => {
            Some(Source::SelfInspection)
        }
        "执法检查" | "执法" | "监管检查" | "执法排查" | "监督检查" | "检查" | "部门检查" => {
            Some(Source::Enforcement)
        }
        "群众举报" | "举报" | "群众投诉" | "投诉举报" | "社会举报" | "投诉" => {
            Some(Source::PublicReport)
        }
        "上级交办" | "交办" | "上级交办件" | "上级督办交办" | "上级转办" | "转办" => {
            Some(Source::Assigned)
        }
        _ => None,
    }
}

/// The accepted values of 隐患来源, for help texts.
pub const SOURCE_VALUES: &str = "企业自查、执法检查、群众举报、上级交办";

/// Reads 整改状态: 未整改, 整改中, 已整改, 已销号 and variants (正在整改, 整改完成,
/// 已完成整改, 已完成, 销号 …). Blank is the caller's business.
pub fn parse_status(text: &str) -> Option<Status> {
    match enum_key(text).as_ref() {
        "未整改" | "未开始" | "待整改" | "尚未整改" | "未完成" | "未完成整改" => {
            Some(Status::NotStarted)
        }
        "整改中" | "正在整改" | "整改进行中" | "正在进行" | "进行中" | "推进中" => {
            Some(Status::InProgress)
        }
        "已整改" | "整改完成" | "已完成整改" | "已完成" | "完成" | "完成整改" | "整改完毕" => {
            Some(Status::Rectified)
        }
        "已销号" | "销号" | "已销账" | "销账" | "已闭环" => Some(Status::Closed),
        _ => None,
    }
}

/// The accepted values of 整改状态, for help texts.
pub const STATUS_VALUES: &str = "未整改、整改中、已整改、已销号";

/// Reads a yes/no cell: 是/否, Y/N, yes/no, √/✓/✔, ×/✗, 有/无, true/false, 1/0.
/// Blank reads as no. Any other text is `None` (for 挂牌督办 that is the body's name).
pub fn parse_yes_no(text: &str) -> Option<bool> {
    let key = enum_key(text);
    match key.to_ascii_lowercase().as_str() {
        "" | "否" | "n" | "no" | "×" | "✗" | "✘" | "x" | "无" | "false" | "0" | "不是" | "未"
        | "/" | "-" | "—" | "——" => Some(false),
        "是" | "y" | "yes" | "√" | "✓" | "✔" | "有" | "true" | "1" | "已挂牌" | "挂牌" => {
            Some(true)
        }
        _ => None,
    }
}

/// What a 挂牌督办 cell says: whether the hazard is under supervised listing, and the
/// supervising body when the cell names one instead of saying 是.
pub fn parse_supervised(text: &str) -> (bool, Option<&str>) {
    match parse_yes_no(text) {
        Some(yes) => (yes, None),
        None => (true, Some(text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn every_date_form() {
        let may12 = d(2024, 5, 12);
        for text in [
            "2024-05-12",
            "2024-5-12",
            "2024/5/12",
            "2024/05/12",
            "2024.5.12",
            "2024年5月12日",
            "2024年05月12日",
            "2024年5月12号",
            "2024年5月12",
            "2024 年 5 月 12 日",
            "2024-05-12 00:00:00",
            "2024/5/12 8:30",
            "2024-05-12T08:30:00",
            "20240512",
            "45424",
            "45424.0",
            "45424.75",
            " 2024-05-12 ",
            "２０２４－０５－１２",
            "２０２４年５月１２日",
            "\u{3000}2024/5/12\u{3000}",
            "2024年5月12日前",
            "2024-05-12之前",
        ] {
            assert_eq!(parse_date(text), may12, "{text:?}");
        }
    }

    #[test]
    fn excel_serials_follow_the_1900_system() {
        assert_eq!(parse_date("45424"), d(2024, 5, 12));
        assert_eq!(parse_date("45292"), d(2024, 1, 1));
        assert_eq!(parse_date("43831"), d(2020, 1, 1));
        // Outside the plausible range: a typo, not a date.
        assert_eq!(parse_date("12345"), None);
        assert_eq!(parse_date("99999"), None);
    }

    #[test]
    fn bad_dates_are_rejected() {
        for text in [
            "",
            "2024-02-30",
            "2024-13-01",
            "2024-5",
            "5月12日",
            "24-5-12",
            "2024-5/12",
            "5月底前",
            "前",
            "明天",
            "2024-05-12-01",
            "202405121",
            "12:30",
            "2024.5",
            "99999999",
        ] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
        assert_eq!(parse_date("2024-02-29"), d(2024, 2, 29));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number(" 12.5 "), Some(12.5));
        assert_eq!(parse_number("１２.５"), Some(12.5));
        assert_eq!(parse_number("１２．５"), Some(12.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("１，２３４.５"), Some(1234.5));
        assert_eq!(parse_number("12.5万"), Some(12.5));
        assert_eq!(parse_number("12.5万元"), Some(12.5));
        assert_eq!(parse_number("12.5 万元"), Some(12.5));
        assert_eq!(parse_number("0"), Some(0.0));
        assert_eq!(parse_number("3"), Some(3.0));
        assert_eq!(parse_number("-2"), Some(-2.0));
        for bad in [
            "", "abc", "12.5元", "1,23", "12,", "1.2.3", "12.", ".5", "NaN", "inf", "1e5", "万元",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn blanks() {
        for blank in ["", "  ", "无", "/", "-", "—", "－", "——", "\u{3000}"] {
            assert!(is_blank(blank), "{blank:?}");
            assert_eq!(text_value(blank), None);
        }
        assert!(!is_blank("无隐患"));
        assert_eq!(
            text_value(" 停产整顿，加装护栏 "),
            Some("停产整顿，加装护栏")
        );
    }

    #[test]
    fn levels() {
        for t in ["重大", "重大隐患", "重大事故隐患", " 重大 "] {
            assert_eq!(parse_level(t), Some(Level::Major), "{t}");
        }
        for t in ["一般", "一般隐患", "一般事故隐患"] {
            assert_eq!(parse_level(t), Some(Level::General), "{t}");
        }
        assert_eq!(parse_level("较大"), None);
    }

    #[test]
    fn sources() {
        for t in ["企业自查", "企业自查自报", "自查"] {
            assert_eq!(parse_source(t), Some(Source::SelfInspection), "{t}");
        }
        for t in ["执法检查", "执法"] {
            assert_eq!(parse_source(t), Some(Source::Enforcement), "{t}");
        }
        for t in ["群众举报", "举报"] {
            assert_eq!(parse_source(t), Some(Source::PublicReport), "{t}");
        }
        for t in ["上级交办", "交办", "上级交办件"] {
            assert_eq!(parse_source(t), Some(Source::Assigned), "{t}");
        }
        assert_eq!(parse_source("媒体曝光"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("未整改"), Some(Status::NotStarted));
        for t in ["整改中", "正在整改"] {
            assert_eq!(parse_status(t), Some(Status::InProgress), "{t}");
        }
        for t in ["已整改", "整改完成", "已完成整改", "已完成"] {
            assert_eq!(parse_status(t), Some(Status::Rectified), "{t}");
        }
        for t in ["已销号", "销号", " 已 销号 "] {
            assert_eq!(parse_status(t), Some(Status::Closed), "{t}");
        }
        assert_eq!(parse_status("差不多了"), None);
    }

    #[test]
    fn yes_no_and_supervision() {
        for t in ["是", "Y", "y", "√", "✓", "有", "ｙ"] {
            assert_eq!(parse_yes_no(t), Some(true), "{t}");
        }
        for t in ["否", "N", "n", "×", "无", "", " "] {
            assert_eq!(parse_yes_no(t), Some(false), "{t}");
        }
        assert_eq!(parse_yes_no("县安委办"), None);
        assert_eq!(parse_supervised("是"), (true, None));
        assert_eq!(parse_supervised("否"), (false, None));
        assert_eq!(parse_supervised(" 县安委办 "), (true, Some("县安委办")));
    }

    #[test]
    fn normalize_only_allocates_when_needed() {
        assert!(matches!(normalize(" abc "), Cow::Borrowed("abc")));
        assert!(matches!(normalize("重大隐患"), Cow::Borrowed("重大隐患")));
        assert_eq!(normalize("１２"), "12");
        assert_eq!(normalize("\u{3000}１２\u{3000}"), "12");
    }
}
