//! Personal numbers in text: mainland ID-card numbers (18 digits with a valid check
//! digit, and the old 15-digit form), mobile numbers (11 digits, `1[3-9]…`, also with
//! `+86`) and bank-card-like numbers (16–19 digits, Luhn-valid, a card-network prefix).
//!
//! One byte scan per text finds runs of digits (ASCII or full-width `０`–`９`, which
//! Chinese input methods produce) and validates each run. Digits written in groups the
//! way people write these numbers (`138 0013 8000`, `138-0013-8000`, `6222 0212 3456
//! 7890`) are joined, but only for those groupings: `2024-05-12 2024-06-30` stays two
//! dates and never becomes a 16-digit "card".

use chrono::NaiveDate;

pub use crate::scan::numbers::NumberKind;

/// One personal number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberHit {
    pub kind: NumberKind,
    /// The number, ASCII digits only (`X` kept as the last character of an ID).
    pub digits: String,
    /// Byte offset in the scanned text where the number starts.
    pub offset: usize,
}

/// Separators allowed between the digit groups of one number.
fn is_group_separator(b: u8) -> bool {
    b == b' ' || b == b'-'
}

/// The digit at `bytes[i..]`: an ASCII digit (1 byte) or a full-width one (3 bytes,
/// `EF BC 90`–`EF BC 99`). Returns the digit and its length in bytes.
fn digit_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    match bytes.get(i)? {
        b @ b'0'..=b'9' => Some((*b, 1)),
        0xEF if bytes.get(i + 1) == Some(&0xBC)
            && bytes.get(i + 2).is_some_and(|b| (0x90..=0x99).contains(b)) =>
        {
            Some((b'0' + (bytes[i + 2] - 0x90), 3))
        }
        _ => None,
    }
}

/// A run of digits: its digits, start offset, end offset (exclusive) in bytes.
struct Group {
    digits: String,
    start: usize,
    end: usize,
}

/// Reads the digit group starting at `i` (which must be a digit).
fn read_group(bytes: &[u8], mut i: usize) -> Group {
    let start = i;
    let mut digits = String::new();
    while let Some((d, len)) = digit_at(bytes, i) {
        digits.push(d as char);
        i += len;
    }
    // The check character of an ID card: `X`/`x` right after 17 digits.
    if digits.len() == 17 && matches!(bytes.get(i), Some(b'X' | b'x')) {
        digits.push('X');
        i += 1;
    }
    Group {
        digits,
        start,
        end: i,
    }
}

/// Finds every personal number in `text` in one pass.
pub fn scan(text: &[u8]) -> Vec<NumberHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if digit_at(text, i).is_none() {
            i += 1;
            continue;
        }
        // A fraction (`12.13800138000`) is not a number of its own.
        let fraction = i >= 2 && text[i - 1] == b'.' && digit_at(text, i - 2).is_some();
        let first = read_group(text, i);
        let mut groups = vec![first];
        // Collect groups joined by single separators.
        loop {
            let end = groups.last().map_or(i, |g| g.end);
            if end + 1 < text.len()
                && is_group_separator(text[end])
                && digit_at(text, end + 1).is_some()
                && !groups.last().is_some_and(|g| g.digits.ends_with('X'))
            {
                groups.push(read_group(text, end + 1));
            } else {
                break;
            }
        }
        if !fraction {
            classify_groups(&groups, &mut hits);
        }
        i = groups.last().map_or(i + 1, |g| g.end);
    }
    hits
}

/// Classifies each group on its own and, where the grouping is one people use for
/// these numbers, consecutive groups joined.
fn classify_groups(groups: &[Group], hits: &mut Vec<NumberHit>) {
    let mut used = vec![false; groups.len()];
    // Joined forms first: mobile 3-4-4, ID 6-8-4, card 4-4-4-4(-1..4), also `+86 138…`.
    let mut start = 0;
    while start < groups.len() {
        let mut matched = None;
        for len in (2..=5).rev() {
            if start + len > groups.len() {
                continue;
            }
            let sizes: Vec<usize> = groups[start..start + len]
                .iter()
                .map(|g| g.digits.len())
                .collect();
            if is_number_grouping(&sizes) {
                let digits: String = groups[start..start + len]
                    .iter()
                    .map(|g| g.digits.as_str())
                    .collect();
                if let Some(kind) = classify(&digits) {
                    matched = Some((len, kind, digits));
                    break;
                }
            }
        }
        if let Some((len, kind, digits)) = matched {
            hits.push(NumberHit {
                kind,
                digits: strip_country_code(kind, digits),
                offset: groups[start].start,
            });
            used[start..start + len].iter_mut().for_each(|u| *u = true);
            start += len;
        } else {
            start += 1;
        }
    }
    for (group, used) in groups.iter().zip(used) {
        if used {
            continue;
        }
        if let Some(kind) = classify(&group.digits) {
            hits.push(NumberHit {
                kind,
                digits: strip_country_code(kind, group.digits.clone()),
                offset: group.start,
            });
        }
    }
    hits.sort_by_key(|h| h.offset);
}

/// Group sizes people write these numbers in.
fn is_number_grouping(sizes: &[usize]) -> bool {
    matches!(
        sizes,
        [3, 4, 4]
            | [2, 3, 4, 4]
            | [2, 11]
            | [6, 8, 4]
            | [6, 4, 4, 4]
            | [6, 6, 3]
            | [4, 4, 4, 4]
            | [4, 4, 4, 4, 1..=3]
            | [6, 13]
            | [6, 10..=13]
    )
}

fn strip_country_code(kind: NumberKind, digits: String) -> String {
    if kind == NumberKind::Mobile && digits.len() == 13 {
        digits[2..].to_string()
    } else {
        digits
    }
}

/// What a run of digits is, if it is a personal number.
pub fn classify(digits: &str) -> Option<NumberKind> {
    let bytes = digits.as_bytes();
    match bytes.len() {
        11 if is_mobile(digits) => Some(NumberKind::Mobile),
        13 if digits.starts_with("86") && is_mobile(&digits[2..]) => Some(NumberKind::Mobile),
        15 if is_id15(digits) => Some(NumberKind::IdCard),
        18 if is_id18(digits) => Some(NumberKind::IdCard),
        16..=19 if is_bank_card(digits) => Some(NumberKind::BankCard),
        _ => None,
    }
}

/// `1[3-9]` followed by nine digits.
pub fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && all_digits(b)
}

fn all_digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

/// Province codes of the first digit run from 11 (北京) to 82 (澳门).
fn plausible_area(b: &[u8]) -> bool {
    (b'1'..=b'8').contains(&b[0])
}

/// A birth date that a living person can have.
fn plausible_birth(year: i32, month: u32, day: u32) -> bool {
    (1900..=2100).contains(&year) && NaiveDate::from_ymd_opt(year, month, day).is_some()
}

fn number(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// An 18-character ID number: area, plausible birth date, and the ISO 7064 MOD 11-2
/// check character (`0`–`9` or `X`).
pub fn is_id18(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !all_digits(&b[..17]) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return false;
    }
    if !plausible_area(b)
        || !plausible_birth(
            number(&b[6..10]) as i32,
            number(&b[10..12]),
            number(&b[12..14]),
        )
    {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == b[17]
}

/// The old 15-digit ID number (issued until 1999): area, `YYMMDD` birth date of the
/// 1900s, three digits of sequence. It has no check digit, so the date is the test.
pub fn is_id15(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 15
        && all_digits(b)
        && plausible_area(b)
        && plausible_birth(
            1900 + number(&b[6..8]) as i32,
            number(&b[8..10]),
            number(&b[10..12]),
        )
}

/// 16–19 digits, a card-network prefix (3 JCB, 4 Visa, 5 Mastercard, 6 UnionPay) and a
/// valid Luhn check digit.
pub fn is_bank_card(digits: &str) -> bool {
    let b = digits.as_bytes();
    (16..=19).contains(&b.len()) && all_digits(b) && (b'3'..=b'6').contains(&b[0]) && luhn(b)
}

/// The Luhn check (ISO/IEC 7812) over ASCII digits.
pub fn luhn(b: &[u8]) -> bool {
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Digits of `s` only (ASCII and full-width, as ASCII), for comparing numbers however
/// they are written (`0358-3012345` and `03583012345`).
pub fn digits_of(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some((d, len)) = digit_at(bytes, i) {
            out.push(d as char);
            i += len;
        } else {
            if matches!(bytes[i], b'X' | b'x') && out.len() == 17 {
                out.push('X');
            }
            i += 1;
        }
    }
    out
}

/// `110101********8515`, `138****8000`: enough to find the number in the input, not
/// enough to republish it in a log.
pub fn mask(digits: &str) -> String {
    let n = digits.chars().count();
    let (head, tail) = match n {
        0..=6 => return "*".repeat(n),
        7..=12 => (3, 4),
        _ => (6, 4),
    };
    let chars: Vec<char> = digits.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

