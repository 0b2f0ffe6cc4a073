//! The table itself: SPEC.md's register columns, one entry each, in the column order
//! of the open-data CSV.

use crate::hazard::{FivePart, HazardRecord};

use super::{Cell, Column, Field, Kind, Ruled, Stored};

/// A published column of the given kind, read from the record by `get`; the flags
/// beyond are set on the entries that need them.
const fn column(
    field: Field,
    headers: &'static [&'static str],
    kind: Kind,
    key: &'static str,
    meaning: &'static str,
    get: for<'a> fn(&'a HazardRecord) -> Cell<'a>,
) -> Column {
    Column {
        field,
        headers,
        kind,
        required: false,
        filled: false,
        published: true,
        key,
        meaning,
        traced: false,
        names: false,
        five: None,
        ruled: None,
        stored: Stored::Record(get),
    }
}

const fn required(mut c: Column) -> Column {
    c.required = true;
    c
}

/// Never blank in a record: a blank cell reads as a default (否, 未整改).
const fn filled(mut c: Column) -> Column {
    c.filled = true;
    c
}

/// Free text whose numbers the leak scan traces back to the cell.
const fn traced(mut c: Column) -> Column {
    c.traced = true;
    c
}

/// Traced, and its values are names a withheld cell may repeat.
const fn names(mut c: Column) -> Column {
    c.traced = true;
    c.names = true;
    c
}

const fn five(mut c: Column, part: FivePart) -> Column {
    c.five = Some(part);
    c
}

const fn ruled(mut c: Column, rule: Ruled) -> Column {
    c.ruled = Some(rule);
    c
}

/// Every column of the register; `COLUMNS[f as usize].field == f`.
#[rustfmt::skip]
pub const COLUMNS: &[Column] = &[
    names(required(column(Field::Id, &["编号", "隐患编号"], Kind::Text, "id",
        "隐患编号，在同一月份内唯一，跨月份保持不变，可用来追踪同一隐患的整改过程。",
        |r| Cell::Text(&r.id)))),
    traced(required(column(Field::Title, &["隐患名称", "隐患描述", "隐患内容", "存在问题"], Kind::Text, "title",
        "隐患的名称或描述。",
        |r| Cell::Text(&r.title)))),
    names(required(column(Field::Unit, &["单位名称", "企业名称", "生产经营单位"], Kind::Text, "unit",
        "存在隐患的生产经营单位。",
        |r| Cell::Text(&r.unit)))),
    names(column(Field::Locality, &["所在村", "属地", "村（社区）", "所属村"], Kind::Text, "locality",
        "隐患所在的村（社区）。",
        |r| Cell::text(&r.locality))),
    names(column(Field::Sector, &["行业领域", "行业", "领域"], Kind::Text, "sector",
        "生产经营单位所属的行业领域。",
        |r| Cell::text(&r.sector))),
    ruled(column(Field::Level, &["隐患等级", "等级"], Kind::Level, "level",
        "隐患等级：重大事故隐患或一般事故隐患。",
        |r| r.level.map_or(Cell::Empty, |l| Cell::Label(l.label()))), Ruled::NoDowngrade),
    column(Field::Source, &["隐患来源", "来源", "发现方式"], Kind::Source, "source",
        "发现隐患的途径。",
        |r| r.source.map_or(Cell::Empty, |s| Cell::Label(s.label()))),
    ruled(filled(column(Field::Supervised, &["挂牌督办"], Kind::Supervised, "supervised",
        "是否由政府或有关部门挂牌督办。",
        |r| Cell::Yes(r.supervised))), Ruled::KeptWhileOpen),
    names(column(Field::Supervisor, &["督办单位"], Kind::Text, "supervisor",
        "挂牌督办的单位。",
        |r| Cell::text(&r.supervisor))),
    traced(column(Field::Basis, &["判定依据"], Kind::Text, "basis",
        "判定为重大事故隐患所依据的标准及条款。",
        |r| Cell::text(&r.basis))),
    ruled(column(Field::Found, &["发现日期", "排查日期"], Kind::Date, "found",
        "发现（排查出）隐患的日期。",
        |r| Cell::date(r.found)), Ruled::Fixed),
    five(traced(column(Field::Measures, &["整改措施"], Kind::Text, "measures",
        "“五到位”之措施：整改的具体措施。",
        |r| Cell::text(&r.measures))), FivePart::Measures),
    five(names(column(Field::Owner, &["责任人", "整改责任人"], Kind::Text, "owner",
        "“五到位”之责任：整改责任人。",
        |r| Cell::text(&r.owner))), FivePart::Owner),
    five(column(Field::Funds, &["整改资金（万元）", "整改资金", "资金"], Kind::Number, "funds",
        "“五到位”之资金：落实的整改资金，单位万元。",
        |r| r.funds.filter(|f| f.is_finite()).map_or(Cell::Empty, Cell::Number)), FivePart::Funds),
    ruled(five(column(Field::Deadline, &["整改时限", "整改期限", "完成时限", "最迟整改完成时间"], Kind::Date, "deadline",
        "“五到位”之时限：应完成整改的日期。",
        |r| Cell::date(r.deadline)), FivePart::Deadline), Ruled::OnlyViaExtension),
    column(Field::Extended, &["延期至", "延期时限"], Kind::Date, "extended",
        "经批准延期后的整改时限；填写后按此日期计算是否逾期。",
        |r| Cell::date(r.extended)),
    five(traced(column(Field::Plan, &["应急预案", "预案", "应急措施"], Kind::Text, "plan",
        "“五到位”之预案：整改完成前的应急预案或应急措施。",
        |r| Cell::text(&r.plan))), FivePart::Plan),
    filled(column(Field::Status, &["整改状态", "状态"], Kind::Status, "status",
        "本月公开时的整改状态。已销号指整改完成并经审核签字销号。",
        |r| Cell::Label(r.status.label()))),
    traced(column(Field::Progress, &["整改进度", "进展情况"], Kind::Text, "progress",
        "整改进展情况。",
        |r| Cell::text(&r.progress))),
    column(Field::Done, &["完成日期", "整改完成日期"], Kind::Date, "done",
        "整改完成的日期。",
        |r| Cell::date(r.done)),
    column(Field::Closed, &["销号日期"], Kind::Date, "closed",
        "审核签字销号的日期。",
        |r| Cell::date(r.closed)),
    names(column(Field::Approver, &["销号审核人", "审核人"], Kind::Text, "approver",
        "审核签字同意销号的人员。",
        |r| Cell::text(&r.approver))),
    traced(column(Field::Notes, &["备注"], Kind::Text, "notes",
        "其他说明。",
        |r| Cell::text(&r.notes))),
    // The sample column of `tests.rs`: a column without a typed field, stored in
    // `HazardRecord::extra` under its key.
    #[cfg(test)]
    Column {
        stored: Stored::Extra,
        ..traced(column(Field::Sample, &["验收人", "整改验收人"], Kind::Text, "inspector",
            "整改完成后现场验收的人员。",
            |_| Cell::Empty))
    },
];
