//! Excel cell addresses: column letters, `东堡村!F12`, and reading `B3:D5` back.

/// The letters of a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`, 16383 → `XFD`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// `东堡村!F12` for a sheet name, a 1-based row and a 0-based column. A sheet name with
/// spaces or punctuation is quoted as Excel writes it: `'一 组'!A1`.
pub fn cell_address(sheet: &str, row: usize, column: usize) -> String {
    let plain = sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
    let sheet = if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!("{sheet}!{}{row}", column_letters(column))
}

/// A cell reference `F12` as 0-based (row, column); `None` when malformed.
pub(super) fn parse_cell(reference: &str) -> Option<(u32, u32)> {
    let reference = reference.trim().trim_start_matches('$');
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let mut column = 0u32;
    for b in letters.bytes() {
        column = column * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, column - 1))
}

/// A range `B3:D5` (or a single cell `B3`) as 0-based (first, last) corners.
pub(super) fn parse_range(reference: &str) -> Option<((u32, u32), (u32, u32))> {
    match reference.split_once(':') {
        Some((a, b)) => {
            let (a, b) = (parse_cell(a)?, parse_cell(b)?);
            Some(((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1))))
        }
        None => parse_cell(reference).map(|a| (a, a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_addresses() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
        assert_eq!(cell_address("东堡村", 12, 5), "东堡村!F12");
        assert_eq!(cell_address("一 组", 1, 0), "'一 组'!A1");
    }

    #[test]
    fn references_read_back() {
        assert_eq!(parse_cell("F12"), Some((11, 5)));
        assert_eq!(parse_cell("$XFD$1048576"), Some((1_048_575, 16383)));
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(parse_cell("12"), None);
        assert_eq!(parse_range("D5:B3"), Some(((2, 1), (4, 3))));
        assert_eq!(parse_range("C2"), Some(((1, 2), (1, 2))));
        for i in [0usize, 1, 25, 26, 701, 702, 16383] {
            let r = format!("{}1", column_letters(i));
            assert_eq!(parse_cell(&r), Some((0, i as u32)), "{r}");
        }
    }
}
