//! `content/corrections/*.csv`: the approvals that let a published month change. Made in
//! Excel or WPS like the registers (any encoding they accept, title lines above the
//! header, blank rows), one row per correction: 月份, 编号, 列, 更正原因, 更正日期, 批准人.
//! All are required but 列; an empty 列 covers every change to that hazard that month.
//! Old and new values are never typed here: the tool computes them from the seal.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::text::{normalize_header, relative_path};
use crate::diag::{Finding, Findings};
use crate::hazard::YearMonth;
use crate::load::notice::files::content_files;
use crate::load::table::{Row, Table};
use crate::load::{text, values};

/// Where corrections are kept.
pub const CORRECTIONS_DIR: &str = "content/corrections";

/// The columns of a corrections table, canonical header first, then accepted aliases.
const COLUMNS: [(&str, &[&str]); 6] = [
    ("月份", &["月份", "更正月份", "所属月份"]),
    ("编号", &["编号", "隐患编号"]),
    ("列", &["列", "更正列", "列名", "更正项目"]),
    ("更正原因", &["更正原因", "原因"]),
    ("更正日期", &["更正日期", "日期"]),
    ("批准人", &["批准人", "审批人"]),
];

/// One approved correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub month: YearMonth,
    pub id: String,
    /// The canonical header of the column; `None`: every change to the hazard that month.
    pub column: Option<String>,
    pub reason: String,
    pub date: NaiveDate,
    pub approver: String,
    /// The file and Excel row it is written in.
    pub file: PathBuf,
    pub row: usize,
}

/// Reads every corrections file under `root`, reporting unreadable rows as errors.
/// `column_name` maps a header as staff write it to the register's canonical header
/// (`None`: not a published column).
pub fn load(
    root: &Path,
    column_name: impl Fn(&str) -> Option<&'static str>,
    findings: &mut Findings,
) -> Vec<Correction> {
    let dir = root.join(CORRECTIONS_DIR);
    let paths = content_files(root, &dir, &["csv", "txt"], &[], true, findings);
    let mut out = Vec::new();
    for path in paths {
        let rel = relative_path(root, &path);
        if let Some(finding) = crate::load::guard::check_file(&path, &rel) {
            findings.push(finding);
            continue;
        }
        let decoded = match std::fs::read(&path)
            .map_err(|_| None)
            .and_then(|b| text::decode(b).map_err(Some))
        {
            Ok(decoded) => decoded,
            Err(err) => {
                let (message, help) = match err {
                    Some(err) => (err.message(), err.help().to_string()),
                    None => (
                        "无法读取此文件".to_string(),
                        "请检查文件是否被其他程序占用，或当前用户是否有读取权限。".to_string(),
                    ),
                };
                findings.push(
                    Finding::error("correction-unreadable", message)
                        .in_file(&rel)
                        .with_help(help),
                );
                continue;
            }
        };
        read_table(&decoded.text, &rel, &column_name, &mut out, findings);
    }
    out
}

fn column_index(header: &Row, names: &[&str]) -> Option<usize> {
    let wanted: Vec<String> = names.iter().map(|n| normalize_header(n)).collect();
    header
        .record
        .iter()
        .position(|h| wanted.contains(&normalize_header(h)))
}

fn read_table(
    text: &str,
    rel: &Path,
    column_name: &impl Fn(&str) -> Option<&'static str>,
    out: &mut Vec<Correction>,
    findings: &mut Findings,
) {
    let is_header = |r: &csv::StringRecord| {
        let norm: Vec<String> = r.iter().map(normalize_header).collect();
        norm.iter().any(|h| h == "月份") && norm.iter().any(|h| h == "编号" || h == "隐患编号")
    };
    let table = Table::read(text, is_header);
    let Some(header) = table.header_row() else {
        findings.push(
            Finding::error("correction-no-header", "找不到更正表的表头行")
                .in_file(rel)
                .with_help(
                    "更正表第一行（或标题下面一行）应为：月份,编号,列,更正原因,更正日期,批准人。",
                ),
        );
        return;
    };
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(_, names)| column_index(header, names))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&index)
        .filter(|((name, _), i)| i.is_none() && *name != "列")
        .map(|((name, _), _)| *name)
        .collect();
    if !missing.is_empty() {
        findings.push(
            Finding::error(
                "correction-columns",
                format!("更正表缺少列：{}", missing.join("、")),
            )
            .in_file(rel)
            .at_row(header.number)
            .with_help("更正表的列是：月份,编号,列,更正原因,更正日期,批准人（“列”可以不要）。"),
        );
        return;
    }
    for row in table.data_rows() {
        // Keys (month, id, column, date) are matched, so they are read as the registers'
        // values are (full-width digits and all); the reason and the approver are shown to
        // the public exactly as the office wrote them (a full-width "，" stays one).
        let cell = |i: usize| {
            index[i]
                .map(|c| {
                    if matches!(COLUMNS[i].0, "更正原因" | "批准人") {
                        row.cell(c).trim().to_string()
                    } else {
                        values::normalize(row.cell(c)).trim().to_string()
                    }
                })
                .unwrap_or_default()
        };
        let cells: Vec<String> = (0..COLUMNS.len()).map(cell).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let error = |column: &str, message: String, value: &str| {
            let mut f = Finding::error("correction-invalid", message)
                .in_file(rel)
                .at_row(row.number)
                .in_column(column)
                .with_help("更正表每行都要写明：月份（如 2026-08）、编号、更正原因、更正日期、批准人；“列”写要更正的列名，不写表示这条隐患当月的全部改动。");
            if !value.is_empty() {
                f = f.with_value(value);
            }
            f
        };
        let mut ok = true;
        let month = parse_month(&cells[0]);
        if month.is_none() {
            findings.push(error(
                "月份",
                if cells[0].is_empty() {
                    "没有填写月份".into()
                } else {
                    format!("无法识别月份“{}”", cells[0])
                },
                &cells[0],
            ));
            ok = false;
        }
        for (i, name) in [(1, "编号"), (3, "更正原因"), (5, "批准人")] {
            if cells[i].is_empty() {
                findings.push(error(name, format!("没有填写{name}"), ""));
                ok = false;
            }
        }
        let date = values::parse_date(&cells[4]);
        if date.is_none() {
            findings.push(error(
                "更正日期",
                if cells[4].is_empty() {
                    "没有填写更正日期".into()
                } else {
                    format!("无法识别日期“{}”", cells[4])
                },
                &cells[4],
            ));
            ok = false;
        }
        let column = if cells[2].is_empty() {
            None
        } else if let Some(name) = column_name(&cells[2]) {
            Some(name.to_string())
        } else {
            findings.push(error(
                "列",
                format!("“{}”不是台账的公开列", cells[2]),
                &cells[2],
            ));
            ok = false;
            None
        };
        if let (true, Some(month), Some(date)) = (ok, month, date) {
            out.push(Correction {
                month,
                id: cells[1].clone(),
                column,
                reason: cells[3].clone(),
                date,
                approver: cells[5].clone(),
                file: rel.to_path_buf(),
                row: row.number,
            });
        }
    }
}

/// `2026-08`, `2026-8`, `2026/8`, `2026.8`, `2026年8月`.
fn parse_month(text: &str) -> Option<YearMonth> {
    let t = text.trim().trim_end_matches('月');
    let (y, m) = t
        .split_once(['-', '/', '.', '年'])
        .map(|(y, m)| (y.trim(), m.trim()))?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    YearMonth::new(y.parse().ok()?, m.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str) -> Option<&'static str> {
        match normalize_header(name).as_str() {
            "整改时限" | "整改期限" => Some("整改时限"),
            "隐患等级" => Some("隐患等级"),
            _ => None,
        }
    }

    #[test]
    fn rows_are_read_under_a_title_with_aliases_and_chinese_dates() {
        let text = "柳河镇已公开信息更正表\r\n月份,隐患编号,列,更正原因,更正日期,批准人\r\n\r\n2026年8月,LH-1,整改期限,录入错误,2026年9月3日,王强\r\n2026-08,LH-2,,重复录入,2026/9/3,王强\r\n";
        let mut findings = Findings::default();
        let mut out = Vec::new();
        read_table(text, Path::new("c.csv"), &column, &mut out, &mut findings);
        assert!(findings.items.is_empty(), "{findings:?}");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].month, YearMonth::new(2026, 8).unwrap());
        assert_eq!(out[0].column.as_deref(), Some("整改时限"));
        assert_eq!(out[0].row, 4);
        assert_eq!(out[1].column, None);
        assert_eq!(out[1].date, NaiveDate::from_ymd_opt(2026, 9, 3).unwrap());
    }

    #[test]
    fn missing_and_bad_cells_name_row_and_column() {
        let text = "月份,编号,列,更正原因,更正日期,批准人\n2026-13,LH-1,负责人,,昨天,\n";
        let mut findings = Findings::default();
        let mut out = Vec::new();
        read_table(text, Path::new("c.csv"), &column, &mut out, &mut findings);
        assert!(out.is_empty());
        let got: Vec<(String, String)> = findings
            .items
            .iter()
            .map(|f| (f.column.clone().unwrap_or_default(), f.message.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("月份".to_string(), "无法识别月份“2026-13”".to_string()),
                ("更正原因".into(), "没有填写更正原因".into()),
                ("批准人".into(), "没有填写批准人".into()),
                ("更正日期".into(), "无法识别日期“昨天”".into()),
                ("列".into(), "“负责人”不是台账的公开列".into()),
            ]
        );
        assert!(findings.items.iter().all(|f| f.row == Some(2)));
    }

    #[test]
    fn a_table_without_required_columns_is_refused() {
        let text = "月份,编号,列\n2026-08,LH-1,\n";
        let mut findings = Findings::default();
        read_table(
            text,
            Path::new("c.csv"),
            &column,
            &mut Vec::new(),
            &mut findings,
        );
        assert_eq!(
            findings.items[0].message,
            "更正表缺少列：更正原因、更正日期、批准人"
        );
    }
}
