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

/// What kind of personal number a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NumberKind {
    /// 居民身份证号码 (18-digit or old 15-digit form).
    IdCard,
    /// 手机号码.
    Mobile,
    /// 银行卡号 (Luhn-valid).
    BankCard,
}

impl NumberKind {
    /// The Chinese name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            NumberKind::IdCard => "身份证号",
            NumberKind::Mobile => "手机号",
            NumberKind::BankCard => "银行卡号",
        }
    }

    /// The finding code.
    pub fn code(self) -> &'static str {
        match self {
            NumberKind::IdCard => "leak-id-card",
            NumberKind::Mobile => "leak-mobile",
            NumberKind::BankCard => "leak-bank-card",
        }
    }
}

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

/// Bytes that can start a digit: ASCII digits and `EF`, the lead byte of the
/// full-width ones. Everything else is skipped without a closer look.
static DIGIT_START: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = true;
        b += 1;
    }
    table[0xEF] = true;
    table
};

/// The first position from `i` on that may start a digit. Text without digits is
/// skipped 32 bytes at a time (a test the compiler vectorises).
fn next_digit_start(text: &[u8], mut i: usize) -> Option<usize> {
    const CHUNK: usize = 32;
    while i + CHUNK <= text.len() {
        let chunk = &text[i..i + CHUNK];
        let any = chunk.iter().fold(false, |acc, &b| {
            acc | (b.wrapping_sub(b'0') < 10) | (b == 0xEF)
        });
        if any {
            break;
        }
        i += CHUNK;
    }
    text[i..]
        .iter()
        .position(|&b| DIGIT_START[usize::from(b)])
        .map(|p| i + p)
}

/// The fewest digits any personal number (or grouping of one) has: a mobile number.
const MIN_DIGITS: usize = 11;

/// A run of digits: where its digits are in the scan's digit buffer, and its start and
/// end offset (exclusive) in the text.
#[derive(Clone, Copy)]
struct Group {
    /// Range of the group's digits (and a trailing `X`) in the digit buffer.
    from: usize,
    to: usize,
    start: usize,
    end: usize,
}

impl Group {
    fn len(&self) -> usize {
        self.to - self.from
    }
}

/// Reads the digit group starting at `i` (which must be a digit), appending its digits
/// to `digits`.
fn read_group(bytes: &[u8], mut i: usize, digits: &mut Vec<u8>) -> Group {
    let start = i;
    let from = digits.len();
    while let Some((d, len)) = digit_at(bytes, i) {
        digits.push(d);
        i += len;
    }
    // The check character of an ID card: `X`/`x` right after 17 digits.
    if digits.len() - from == 17 && matches!(bytes.get(i), Some(b'X' | b'x')) {
        digits.push(b'X');
        i += 1;
    }
    Group {
        from,
        to: digits.len(),
        start,
        end: i,
    }
}

/// Finds every personal number in `text` in one pass.
pub fn scan(text: &[u8]) -> Vec<NumberHit> {
    let mut hits = Vec::new();
    // Digits and groups of the current cluster, reused from cluster to cluster: a page
    // has thousands of short runs (dates, ids, amounts) and almost no personal numbers.
    let mut digits: Vec<u8> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match next_digit_start(text, i) {
            Some(at) => i = at,
            None => break,
        }
        if digit_at(text, i).is_none() {
            i += 1;
            continue;
        }
        // A fraction (`12.13800138000`) is not a number of its own.
        let fraction = i >= 2 && text[i - 1] == b'.' && digit_at(text, i - 2).is_some();
        digits.clear();
        groups.clear();
        groups.push(read_group(text, i, &mut digits));
        // Collect groups joined by single separators.
        while let Some(last) = groups.last().copied() {
            let end = last.end;
            if end + 1 < text.len()
                && is_group_separator(text[end])
                && digit_at(text, end + 1).is_some()
                && digits[last.to - 1] != b'X'
            {
                groups.push(read_group(text, end + 1, &mut digits));
            } else {
                break;
            }
        }
        if !fraction && digits.len() >= MIN_DIGITS {
            let before = hits.len();
            classify_groups(&groups, &digits, &mut hits);
            hits[before..].sort_by_key(|h| h.offset);
        }
        i = groups.last().map_or(i + 1, |g| g.end);
    }
    hits
}

/// Classifies each group on its own and, where the grouping is one people use for
/// these numbers, consecutive groups joined. The digits of consecutive groups are
/// consecutive in `digits`, so a joined number is one slice of it.
fn classify_groups(groups: &[Group], digits: &[u8], hits: &mut Vec<NumberHit>) {
    let text = |from: usize, to: usize| std::str::from_utf8(&digits[from..to]).unwrap_or("");
    let mut used = vec![false; groups.len()];
    // Joined forms first: mobile 3-4-4, ID 6-8-4, card 4-4-4-4(-1..4), also `+86 138…`.
    let mut start = 0;
    while start < groups.len() {
        let mut matched = None;
        for len in (2..=5).rev() {
            if start + len > groups.len() {
                continue;
            }
            let run = &groups[start..start + len];
            let mut sizes = [0usize; 5];
            for (size, group) in sizes.iter_mut().zip(run) {
                *size = group.len();
            }
            if is_number_grouping(&sizes[..len]) {
                let joined = text(run[0].from, run[len - 1].to);
                if let Some(kind) = classify(joined) {
                    matched = Some((len, kind, joined));
                    break;
                }
            }
        }
        if let Some((len, kind, joined)) = matched {
            hits.push(NumberHit {
                kind,
                digits: strip_country_code(kind, joined.to_string()),
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
        let digits = text(group.from, group.to);
        if let Some(kind) = classify(digits) {
            hits.push(NumberHit {
                kind,
                digits: strip_country_code(kind, digits.to_string()),
                offset: group.start,
            });
        }
    }
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
    sum.is_multiple_of(10)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 18-digit ID built from a base, so tests never carry a real person's number.
    fn id18(base17: &str) -> String {
        for check in "0123456789X".chars() {
            let id = format!("{base17}{check}");
            if is_id18(&id) {
                return id;
            }
        }
        unreachable!("every base has one check character")
    }

    fn kinds(text: &str) -> Vec<(NumberKind, String)> {
        scan(text.as_bytes())
            .into_iter()
            .map(|h| (h.kind, h.digits))
            .collect()
    }

    #[test]
    fn id_check_digit_and_birth_date() {
        let id = id18("11010119900307851");
        assert!(is_id18(&id));
        let wrong = format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' });
        assert!(!is_id18(&wrong), "wrong check digit accepted");
        // Check digit X.
        let x = (0..1000)
            .map(|n| id18(&format!("11010119900307{n:03}")))
            .find(|id| id.ends_with('X'))
            .expect("some base has check X");
        assert!(is_id18(&x));
        assert_eq!(
            kinds(&format!("身份证{}号", x.to_lowercase())),
            vec![(NumberKind::IdCard, x)]
        );
        // Impossible birth date (month 13) with any check character.
        assert!(!"0123456789X"
            .chars()
            .any(|c| is_id18(&format!("11010119901307851{c}"))));
        assert!(is_id15("110101900307851"));
        assert!(!is_id15("110101901307851"));
    }

    #[test]
    fn finds_numbers_in_text_and_full_width() {
        let id = id18("14112319850612301");
        let text = format!("举报人李某，身份证{id}，电话13800138000；卡号6222021234567890128。");
        let found = kinds(&text);
        assert!(luhn(b"6222021234567890128") || !found.iter().any(|f| f.0 == NumberKind::BankCard));
        assert!(
            found.contains(&(NumberKind::IdCard, id.clone())),
            "{found:?}"
        );
        assert!(found.contains(&(NumberKind::Mobile, "13800138000".into())));
        assert_eq!(
            kinds("电话：１３９１２３４５６７８"),
            vec![(NumberKind::Mobile, "13912345678".into())]
        );
    }

    #[test]
    fn grouped_numbers_are_joined_but_dates_are_not() {
        assert_eq!(
            kinds("138 0013 8000"),
            vec![(NumberKind::Mobile, "13800138000".into())]
        );
        assert_eq!(
            kinds("138-0013-8000"),
            vec![(NumberKind::Mobile, "13800138000".into())]
        );
        assert_eq!(
            kinds("+86 138 0013 8000"),
            vec![(NumberKind::Mobile, "13800138000".into())]
        );
        assert_eq!(
            kinds("+8613800138000"),
            vec![(NumberKind::Mobile, "13800138000".into())]
        );
        let card = "4111 1111 1111 1111";
        assert_eq!(
            kinds(card),
            vec![(NumberKind::BankCard, "4111111111111111".into())]
        );
        assert!(kinds("2024-05-12 2024-06-30 2024-07-01 2025-01-01").is_empty());
        assert!(kinds("<td>2024-05-12</td><td>13.5</td>").is_empty());
    }

    #[test]
    fn ordinary_numbers_are_not_personal() {
        for text in [
            "12350",
            "0358-3012345",
            "整改资金 12.5 万元",
            "x=\"13.13800138000\"",
            "12800138000",      // 12 is not a mobile prefix
            "138001380001",     // 12 digits
            "1234567890123456", // fails Luhn
            "9111111111111111", // no card network starts with 9
            "编号 AQ-2024-0001",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn digits_and_mask() {
        assert_eq!(digits_of("0358-3012345"), "03583012345");
        assert_eq!(digits_of("１２３５０"), "12350");
        assert_eq!(mask("13800138000"), "138****8000");
        assert_eq!(mask("110101199003078515"), "110101********8515");
    }
}
