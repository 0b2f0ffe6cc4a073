//! `published.toml`: the date each notice and each month's register was first published.
//!
//! A notice's 发布日期 is its front-matter key when staff give one; otherwise it is the
//! date of the first `gongkai build` that published it, and a month's publication date is
//! the date its register files were last saved before that build (or the build's date,
//! if they seem to be from the future). `build` writes those dates here the first time,
//! so they do not move with later builds or later edits: the record is what the site
//! says about its own timeliness. Staff keep this file with `content/` (copy both when
//! moving the site folder). A date in it can be corrected by hand; the site shows what
//! is written.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;

use crate::diag::{Finding, Findings};
use crate::hazard::YearMonth;
use crate::load::values::parse_date;

/// The file name, at the site root beside `site.toml`.
pub const RECORD_FILE: &str = "published.toml";

/// The first publication dates of notices (by slug) and months.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicationRecord {
    /// Notice slug → the date it was first published.
    pub notices: BTreeMap<String, NaiveDate>,
    /// Month → the date its register was first published.
    pub months: BTreeMap<YearMonth, NaiveDate>,
}

impl PublicationRecord {
    /// Reads `published.toml` at `root`; a missing file is an empty record. A file that
    /// cannot be read is an error finding (the dates in it are part of the public record:
    /// guessing them again would rewrite it).
    pub fn load(root: &Path, findings: &mut Findings) -> PublicationRecord {
        let path = root.join(RECORD_FILE);
        let Ok(bytes) = std::fs::read(&path) else {
            return PublicationRecord::default();
        };
        let Ok(text) = String::from_utf8(bytes) else {
            findings.push(
                Finding::error("record-encoding", "发布记录 published.toml 不是 UTF-8 编码")
                    .in_file(RECORD_FILE)
                    .with_help("请用编辑器把它另存为 UTF-8 编码。"),
            );
            return PublicationRecord::default();
        };
        Self::parse(&text, findings)
    }

    /// Parses the text of `published.toml` (see [`PublicationRecord::load`]).
    pub fn parse(text: &str, findings: &mut Findings) -> PublicationRecord {
        let mut record = PublicationRecord::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(err) => {
                findings.push(
                    Finding::error(
                        "record-syntax",
                        format!("发布记录 published.toml 格式有误：{}", err.message()),
                    )
                    .in_file(RECORD_FILE)
                    .with_help(
                        "这个文件由 gongkai build 自动写入。手工改过的话，请按原样式改正，\
                         例如 [notices] 下 \"通知网址名\" = 2024-05-20，[months] 下 \"2024-05\" = 2024-05-24。",
                    ),
                );
                return record;
            }
        };
        for (section, entries) in &table {
            let Some(entries) = entries
                .as_table()
                .filter(|_| section == "notices" || section == "months")
            else {
                findings.push(
                    Finding::warning(
                        "record-unknown-key",
                        format!("发布记录 published.toml 中有不认识的项“{section}”，已忽略"),
                    )
                    .in_file(RECORD_FILE)
                    .with_value(section.clone())
                    .with_help("这个文件只有 [notices] 和 [months] 两部分。"),
                );
                continue;
            };
            for (key, value) in entries {
                let date = match value {
                    toml::Value::Datetime(dt) => parse_date(&dt.to_string()),
                    toml::Value::String(s) => parse_date(s),
                    _ => None,
                };
                let month = (section == "months").then(|| parse_month(key));
                let (Some(date), None | Some(Some(_))) = (date, month) else {
                    findings.push(
                        Finding::error(
                            "record-bad-entry",
                            format!(
                                "发布记录 published.toml 中 [{section}] 的“{key}”看不懂：{value}"
                            ),
                        )
                        .in_file(RECORD_FILE)
                        .with_value(key.clone())
                        .with_help("日期请写成 2024-05-20；月份写成 \"2024-05\"。"),
                    );
                    continue;
                };
                match month {
                    Some(Some(month)) => {
                        record.months.insert(month, date);
                    }
                    _ => {
                        record.notices.insert(key.clone(), date);
                    }
                }
            }
        }
        record
    }

    /// The text of `published.toml`: a comment saying what it is, then the two tables.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# 发布记录：每篇通知、每月台账首次发布的日期，由 gongkai build 自动写入。\n\
             # 网站上的“发布日期”和按时公开情况以此为准，请与 content/ 一起保存，不要删除。\n\
             # 日期有误可以手工改正；通知也可以在头部信息中写“发布日期”。\n",
        );
        out.push_str("\n[months]\n");
        for (month, date) in &self.months {
            let _ = writeln!(out, "\"{month}\" = {date}");
        }
        out.push_str("\n[notices]\n");
        for (slug, date) in &self.notices {
            let _ = writeln!(out, "{} = {date}", toml::Value::String(slug.clone()));
        }
        out
    }

    /// Writes the record to `root` if it differs from what is there (so an unchanged
    /// site folder is not touched).
    pub fn save(&self, root: &Path) -> std::io::Result<bool> {
        let path = root.join(RECORD_FILE);
        let text = self.to_toml();
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(false);
        }
        let tmp = root.join(format!(".{RECORD_FILE}.tmp"));
        std::fs::write(&tmp, &text)?;
        std::fs::rename(&tmp, &path)?;
        Ok(true)
    }
}

/// `2024-05` (also `2024-5`).
pub fn parse_month(text: &str) -> Option<YearMonth> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    YearMonth::new(y.parse().ok()?, m.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn round_trip() {
        let mut record = PublicationRecord::default();
        record
            .notices
            .insert("2024-05-安全生产月".into(), day(2024, 5, 20));
        record.notices.insert("a\"b".into(), day(2024, 6, 1));
        record
            .months
            .insert(parse_month("2024-05").unwrap(), day(2024, 5, 24));
        let text = record.to_toml();
        let mut findings = Findings::default();
        assert_eq!(PublicationRecord::parse(&text, &mut findings), record);
        assert!(findings.items.is_empty(), "{findings:?}");
    }

    #[test]
    fn quoted_dates_and_chinese_dates_are_read() {
        let text = "[months]\n\"2024-05\" = \"2024年5月24日\"\n[notices]\nx = \"2024/5/2\"\n";
        let mut findings = Findings::default();
        let record = PublicationRecord::parse(text, &mut findings);
        assert_eq!(record.months.values().next(), Some(&day(2024, 5, 24)));
        assert_eq!(record.notices["x"], day(2024, 5, 2));
    }

    #[test]
    fn bad_entries_are_errors_naming_the_key() {
        let text = "[months]\n\"2024-13\" = 2024-05-24\n[notices]\nx = 12\n[other]\n";
        let mut findings = Findings::default();
        let record = PublicationRecord::parse(text, &mut findings);
        assert!(record.months.is_empty() && record.notices.is_empty());
        let codes: Vec<_> = findings.items.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            vec!["record-bad-entry", "record-bad-entry", "record-unknown-key"]
        );
        assert!(findings.items[0].message.contains("2024-13"));
    }

    #[test]
    fn save_leaves_an_unchanged_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut record = PublicationRecord::default();
        record
            .months
            .insert(parse_month("2024-05").unwrap(), day(2024, 5, 24));
        assert!(record.save(dir.path()).unwrap());
        assert!(!record.save(dir.path()).unwrap());
        let mut findings = Findings::default();
        assert_eq!(PublicationRecord::load(dir.path(), &mut findings), record);
    }
}
