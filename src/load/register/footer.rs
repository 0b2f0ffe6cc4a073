//! Lines under a register's table that are not hazards: totals rows (`合计`, `小计`)
//! and the footer offices sign (`填表人：李四  审核人：王五  联系电话：…`, `注：…`,
//! `说明：…`). They are skipped with a note naming the rows, and never published: a
//! footer carries a phone number.

use crate::load::table::Row;
use crate::load::values::normalize;

/// Why a row is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A totals row.
    Total,
    /// A signature, date or note line.
    Footer,
}

/// What the first cell of a totals row starts with.
const TOTAL_PREFIXES: &[&str] = &["合计", "小计", "总计"];

/// Labels a footer line starts with (after NFKC, so `：` is `:` and `（` is `(`).
/// A label counts when a colon, a bracket or nothing follows it: `审核人：王五`,
/// `填报单位(盖章):`, `填表人` alone in its cell.
const FOOTER_LABELS: &[&str] = &[
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "审核",
    "负责人",
    "单位负责人",
    "主要负责人",
    "分管负责人",
    "分管领导",
    "联系人",
    "联系电话",
    "电话",
    "手机",
    "填报日期",
    "填表日期",
    "制表日期",
    "报送日期",
    "填报时间",
    "日期",
    "填报单位",
    "单位",
    "注",
    "说明",
    "填表说明",
    "备注",
];

/// Classifies a row under the header. `id_column` is the 编号 column; `in_footer` says
/// a footer line came before, after which any line of a single cell (the second line of
/// a note) is footer too.
///
/// A label must be followed by a colon, a bracket or nothing, so a hazard whose title
/// starts with `说明书` is never taken for a footer; a continuation line must have its
/// 编号 cell blank (or be that cell), since a hazard always has an 编号.
pub fn classify(row: &Row, id_column: Option<usize>, in_footer: bool) -> Option<Skip> {
    let mut cells = row
        .record
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty());
    let (first_index, first) = cells.next()?;
    let single = cells.next().is_none();
    let first = normalize(first);
    if TOTAL_PREFIXES.iter().any(|p| first.starts_with(p)) {
        return Some(Skip::Total);
    }
    if is_label(&first) {
        return Some(Skip::Footer);
    }
    let id_blank_or_first =
        id_column.is_none_or(|i| i == first_index || row.cell(i).trim().is_empty());
    (in_footer && single && id_blank_or_first).then_some(Skip::Footer)
}

fn is_label(cell: &str) -> bool {
    FOOTER_LABELS.iter().any(|label| {
        cell.strip_prefix(label).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with([':', '(', '[', '【']) || {
                // `注1.`, `注：` and `说明1、` number their points.
                matches!(*label, "注" | "说明") && rest.starts_with(|c: char| c.is_ascii_digit())
            }
        })
    })
}

/// `3、5–7、9`: row numbers for a message, runs shortened.
pub fn row_list(rows: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}–{}", rows[i], rows[j])
        } else if j == i + 1 {
            format!("{}、{}", rows[i], rows[j])
        } else {
            rows[i].to_string()
        });
        i = j + 1;
    }
    parts.join("、")
}

#[cfg(test)]
mod tests {
    use csv::StringRecord;

    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            number: 9,
            span: 0..0,
            record: StringRecord::from(cells.to_vec()),
        }
    }

    #[test]
    fn footers_and_totals() {
        let id = Some(1);
        assert_eq!(
            classify(&row(&["", "合计", "", "3"]), id, false),
            Some(Skip::Total)
        );
        assert_eq!(classify(&row(&["小计：5项"]), id, false), Some(Skip::Total));
        assert_eq!(
            classify(
                &row(&["填表人：李四", "", "审核人：王五", "联系电话：13800000000"]),
                id,
                false
            ),
            Some(Skip::Footer)
        );
        assert_eq!(
            classify(&row(&["", "填报日期:2024年5月25日"]), id, false),
            Some(Skip::Footer)
        );
        assert_eq!(
            classify(&row(&["填报单位（盖章）：南庄镇"]), id, false),
            Some(Skip::Footer)
        );
        assert_eq!(
            classify(&row(&["注1.本表每月报送"]), id, false),
            Some(Skip::Footer)
        );
        assert_eq!(
            classify(&row(&["审核人", "王五"]), id, false),
            Some(Skip::Footer)
        );
        // The second line of a note, after a footer line.
        assert_eq!(
            classify(&row(&["2.隐患等级按标准判定"]), id, true),
            Some(Skip::Footer)
        );
        assert_eq!(classify(&row(&["2.隐患等级按标准判定"]), id, false), None);
    }

    #[test]
    fn hazards_are_never_footers() {
        let id = Some(1);
        // A hazard titled like a label still has its 编号.
        assert_eq!(
            classify(&row(&["", "NZ-1", "说明书缺失", "甲厂"]), id, true),
            None
        );
        assert_eq!(classify(&row(&["说明书缺失", "NZ-1"]), id, false), None);
        // `单位名称` is not the label `单位`; `注意` is not `注`.
        assert_eq!(classify(&row(&["单位名称有误"]), id, false), None);
        assert_eq!(classify(&row(&["注意防火"]), id, false), None);
        assert_eq!(classify(&row(&["", "NZ-2", "a", "b"]), id, true), None);
    }

    #[test]
    fn row_lists() {
        assert_eq!(row_list(&[3]), "3");
        assert_eq!(row_list(&[3, 4]), "3、4");
        assert_eq!(row_list(&[3, 5, 6, 7, 9]), "3、5–7、9");
    }
}
