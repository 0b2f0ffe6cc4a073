//! A month in progress: the register of a month kept as one file per village (站所) has
//! files for some villages only, because the others have not reported yet.
//!
//! Without this rule every open hazard of every village still to report "vanishes" and
//! is an error of its own (瞒报), which buries the one real cause under dozens of
//! findings. A village's file counts as missing when the previous month had a file of
//! that name (`东沟村.csv`; the extension may change, `.csv` to `.xlsx`), this month has
//! none, and none of that file's hazards is listed anywhere in this month (had they
//! moved to another file, the hazards are judged one by one as before). One error per
//! month lists the missing villages with what their absence hides: last month's
//! hazards that were not closed.

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashSet;

use super::{display_path, MonthIndex};
use crate::diag::{Finding, Findings};
use crate::hazard::{Status, YearMonth};
use crate::load::register::REGISTERS_DIR;
use crate::load::RegisterFile;

/// How many ids of the hidden hazards the message lists before "等".
const IDS_SHOWN: usize = 10;

/// Reports each month whose folder lacks villages of the month before, and returns the
/// files of those villages, whose hazards the succession rule then leaves to this
/// finding.
pub(super) fn check_incomplete_months<'a>(
    months: &BTreeMap<YearMonth, MonthIndex<'a>>,
    findings: &mut Findings,
) -> FxHashSet<&'a Path> {
    let mut missing_files = FxHashSet::default();
    for month in months.values() {
        let next_month = month.month.next();
        let Some(next) = months.get(&next_month) else {
            continue;
        };
        if !month.files.iter().all(|f| in_month_folder(f))
            || !next.files.iter().all(|f| in_month_folder(f))
        {
            continue;
        }
        let present: FxHashSet<&str> = next.files.iter().map(|f| village(f)).collect();
        let missing: Vec<&'a RegisterFile> = month
            .files
            .iter()
            .copied()
            .filter(|file| !present.contains(village(file)))
            .filter(|file| {
                file.records
                    .iter()
                    .all(|r| !next.by_id.contains_key(r.id.as_str()))
            })
            .filter(|file| file.records.iter().any(|r| r.status != Status::Closed))
            .collect();
        if missing.is_empty() {
            continue;
        }
        missing_files.extend(missing.iter().map(|f| f.path.as_path()));
        findings.push(finding(month.month, next_month, next, &missing));
    }
    missing_files
}

/// True for a file inside a month's folder (`content/registers/2026-05/东沟村.csv`), not a
/// whole month in one file (`content/registers/2026-05.csv`).
fn in_month_folder(file: &RegisterFile) -> bool {
    file.path
        .parent()
        .is_some_and(|p| p != Path::new(REGISTERS_DIR))
}

/// The village a file is for: its name without the extension.
fn village(file: &RegisterFile) -> &str {
    file.path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
}

fn finding(
    month: YearMonth,
    next_month: YearMonth,
    next: &MonthIndex<'_>,
    missing: &[&RegisterFile],
) -> Finding {
    let names: Vec<&str> = missing.iter().map(|f| village(f)).collect();
    let hidden: Vec<&str> = missing
        .iter()
        .flat_map(|f| f.records.iter())
        .filter(|r| r.status != Status::Closed)
        .map(|r| r.id.as_str())
        .collect();
    let mut ids = hidden
        .iter()
        .take(IDS_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join("、");
    if hidden.len() > IDS_SHOWN {
        ids.push('等');
    }
    let folder = next
        .files
        .first()
        .and_then(|f| f.path.parent())
        .map(display_path)
        .unwrap_or_else(|| format!("{REGISTERS_DIR}/{next_month}"));
    Finding::error(
        "month-incomplete",
        format!(
            "{next_month} 的台账还缺 {} 个村（站所）的文件：{}（{month} 有，{next_month} 没有）；\
             这些村（站所）上月未销号的隐患 {} 处（{ids}）因此在 {next_month} 没有列出",
            names.len(),
            names.join("、"),
            hidden.len(),
        ),
    )
    .in_file(folder)
    .with_value(names.join("、"))
    .with_help(format!(
        "如果{}的台账还在收集中，请等各村（站所）报齐后再生成网站；本月没有新情况的村（站所）\
         也要报送台账，列出上月未销号的隐患及其当前整改状态。",
        next_month.to_chinese()
    ))
}
