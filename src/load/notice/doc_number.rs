//! The GB/T 9704-2012 rule for 发文字号 (文号): 机关代字 + 年份 + 发文顺序号, e.g.
//! `南政发〔2023〕14号`. "年份、发文顺序号用阿拉伯数字标注；年份应标全称，用六角括号
//! “〔〕”括入；发文顺序号不加“第”字，不编虚位（即 1 不编为 01），在阿拉伯数字后加“号”字。"

/// One way a 文号 breaks GB/T 9704.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocNumberIssue {
    /// No four-digit year at all.
    NoYear,
    /// The year is not enclosed in 〔〕; `found` is what encloses it (empty when nothing).
    YearBrackets { found: String },
    /// `第14号`
    Ordinal,
    /// `014号`
    LeadingZero,
    /// No number after the year.
    NoNumber,
    /// The number is not followed by `号`.
    NoHao,
}

impl DocNumberIssue {
    /// What is wrong, in Chinese.
    pub fn message(&self) -> String {
        match self {
            DocNumberIssue::NoYear => "缺少四位年份".to_string(),
            DocNumberIssue::YearBrackets { found } if found.is_empty() => {
                "年份没有用六角括号〔〕括入".to_string()
            }
            DocNumberIssue::YearBrackets { found } => {
                format!("年份应使用六角括号〔〕，不应使用 {found}")
            }
            DocNumberIssue::Ordinal => "发文顺序号前不加“第”字".to_string(),
            DocNumberIssue::LeadingZero => "发文顺序号不编虚位（如 14 不写作 014）".to_string(),
            DocNumberIssue::NoNumber => "年份之后缺少发文顺序号".to_string(),
            DocNumberIssue::NoHao => "发文顺序号之后应加“号”字".to_string(),
        }
    }
}

/// Brackets people type instead of 〔〕, as (open, close).
const WRONG_BRACKETS: &[(char, char)] = &[
    ('[', ']'),
    ('［', '］'),
    ('(', ')'),
    ('（', '）'),
    ('【', '】'),
    ('〖', '〗'),
    ('{', '}'),
    ('｛', '｝'),
    ('<', '>'),
    ('〈', '〉'),
    ('《', '》'),
    ('「', '」'),
];

/// Checks a 文号 against GB/T 9704 and returns every problem found (empty when it is
/// correct). Full-width digits are read as digits.
pub fn doc_number_issues(doc_number: &str) -> Vec<DocNumberIssue> {
    let chars: Vec<char> = doc_number.trim().chars().map(ascii_digit).collect();
    let mut issues = Vec::new();
    // The year is the first run of exactly four digits that looks like one.
    let Some(year_at) = find_year(&chars) else {
        issues.push(DocNumberIssue::NoYear);
        return issues;
    };
    let before = year_at.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(year_at + 4).copied();
    let mut rest_at = year_at + 4;
    match (before, after) {
        (Some('〔'), Some('〕')) => rest_at += 1,
        _ => {
            let wrong = WRONG_BRACKETS
                .iter()
                .find(|(open, close)| before == Some(*open) || after == Some(*close));
            let found = match wrong {
                Some((open, close)) => format!("{open}{close}"),
                // `〔2023]`: half right is still wrong; name what is there.
                None if before == Some('〔') || after == Some('〕') => {
                    format!("{}{}", before.unwrap_or(' '), after.unwrap_or(' '))
                        .trim()
                        .to_string()
                }
                None => String::new(),
            };
            issues.push(DocNumberIssue::YearBrackets { found });
            if after.is_some_and(|c| !c.is_ascii_digit() && c != '第') {
                rest_at += 1;
            }
        }
    }
    let mut rest = &chars[rest_at.min(chars.len())..];
    if rest.first() == Some(&'第') {
        issues.push(DocNumberIssue::Ordinal);
        rest = &rest[1..];
    }
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        issues.push(DocNumberIssue::NoNumber);
        return issues;
    }
    if digits > 1 && rest[0] == '0' {
        issues.push(DocNumberIssue::LeadingZero);
    }
    if rest.get(digits) != Some(&'号') {
        issues.push(DocNumberIssue::NoHao);
    }
    issues
}

fn ascii_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// Index of the first run of exactly four ASCII digits starting with 19 or 20.
fn find_year(chars: &[char]) -> Option<usize> {
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 4 && matches!((chars[i], chars[i + 1]), ('1', '9') | ('2', '0')) {
            return Some(i);
        }
        i += run;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::DocNumberIssue::*;
    use super::*;

    fn brackets(found: &str) -> DocNumberIssue {
        YearBrackets {
            found: found.to_string(),
        }
    }

    #[test]
    fn correct_numbers_pass() {
        for ok in [
            "南政发〔2023〕14号",
            "文政办发〔2024〕1号",
            "朔安发〔2022〕120号",
            "南政发〔２０２３〕１４号",
            " 晋安委〔2022〕8号 ",
        ] {
            assert_eq!(doc_number_issues(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn wrong_year_brackets() {
        assert_eq!(doc_number_issues("南政发[2023]14号"), vec![brackets("[]")]);
        assert_eq!(doc_number_issues("南政发(2023)14号"), vec![brackets("()")]);
        assert_eq!(
            doc_number_issues("南政发（2023）14号"),
            vec![brackets("（）")]
        );
        assert_eq!(
            doc_number_issues("南政发【2023】14号"),
            vec![brackets("【】")]
        );
        assert_eq!(doc_number_issues("南政发〔2023]14号"), vec![brackets("[]")]);
        assert_eq!(doc_number_issues("南政发〔2023 14号"), vec![brackets("〔")]);
        assert_eq!(doc_number_issues("南政发2023年14号"), vec![brackets("")]);
        assert_eq!(
            doc_number_issues("南政发202314号"),
            vec![NoYear],
            "no run of 4 digits"
        );
    }

    #[test]
    fn year_without_brackets_followed_by_number() {
        // `南政发2023-14号`: brackets missing; the `-` is skipped, 14号 is fine.
        assert_eq!(doc_number_issues("南政发2023-14号"), vec![brackets("")]);
    }

    #[test]
    fn ordinal_leading_zero_and_hao() {
        assert_eq!(doc_number_issues("南政发〔2023〕第14号"), vec![Ordinal]);
        assert_eq!(doc_number_issues("南政发〔2023〕014号"), vec![LeadingZero]);
        assert_eq!(doc_number_issues("南政发〔2023〕14"), vec![NoHao]);
        assert_eq!(doc_number_issues("南政发〔2023〕14 号"), vec![NoHao]);
        assert_eq!(
            doc_number_issues("南政发〔2023〕0号"),
            vec![],
            "a lone 0 is not padding"
        );
        assert_eq!(
            doc_number_issues("南政发[2023]第014"),
            vec![brackets("[]"), Ordinal, LeadingZero, NoHao]
        );
    }

    #[test]
    fn missing_parts() {
        assert_eq!(doc_number_issues("南政发"), vec![NoYear]);
        assert_eq!(doc_number_issues(""), vec![NoYear]);
        assert_eq!(doc_number_issues("南政发〔2023〕号"), vec![NoNumber]);
        assert_eq!(doc_number_issues("南政发〔23〕14号"), vec![NoYear]);
        assert_eq!(doc_number_issues("2023"), vec![brackets(""), NoNumber]);
    }

    #[test]
    fn messages_are_chinese() {
        assert!(brackets("[]").message().contains("〔〕"));
        assert!(brackets("").message().contains("六角括号"));
        assert!(Ordinal.message().contains("第"));
        assert!(NoHao.message().contains("号"));
    }
}
