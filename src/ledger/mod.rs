//! The ledger: what a township published can be corrected, never silently rewritten.
//!
//! Every month is sealed from its due day on (`archive/YYYY-MM.json`, see [`seal`]); the
//! seals form a hash chain ([`chain`]). Each run reads the archive, refuses it when a seal
//! was changed, the chain broken or the archive shrunk since the last output, compares
//! every sealed month's register with its seal and every month with the month before
//! ([`diff`]), and lets a change through only when a row of `content/corrections/`
//! ([`corrections`]) approves it. Approved changes re-issue the month's seal as a new chain
//! entry that records old and new value; nothing in `archive/` is deleted or rewritten.
//!
//! This module decides; writing the new seals is the build's last step before its output
//! is swapped in ([`write_new_seals`]), so a failed build writes no seal either.

pub mod chain;
pub mod corrections;
pub mod diff;
pub mod seal;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Finding, Findings};
use crate::hazard::YearMonth;
use crate::load::RegisterFile;
use chain::{Archive, ChainFile};
use corrections::Correction;
use diff::{Change, Kind, MonthRows};
use seal::{Seal, SealBody, SealedCorrection, ARCHIVE_DIR};

/// When a run seals months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sealing {
    /// Never (`check`, `serve`): the changes are checked, nothing is sealed.
    #[default]
    Never,
    /// Every month whose due day has come, and every re-issue a correction calls for
    /// (`build`).
    Due,
    /// Like `Due`, and this month even before its due day (`gongkai seal YYYY-MM`).
    Month(YearMonth),
}

/// What the ledger needs besides the registers.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The site folder (holding `archive/` and `content/corrections/`).
    pub root: &'a Path,
    /// The tool's today ([`crate::today`]).
    pub today: NaiveDate,
    /// `disclosure_day` of `site.toml`.
    pub disclosure_day: u32,
    pub sealing: Sealing,
    /// The previous output, whose `archive/` the site's must contain.
    pub previous_out: Option<&'a Path>,
}

/// A month's current seal, as the month page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthSeal {
    /// The file name in `archive/`.
    pub file: String,
    pub sha256: String,
    /// [`Seal::fingerprint`]
    pub fingerprint: String,
    pub version: u32,
    pub sealed_on: String,
    /// Cells of this month corrected after publication.
    pub corrected: usize,
}

/// What the site shows of the ledger.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Every seal, in chain order, the new ones included (their rows left as JSON in
    /// the shared bytes).
    pub seals: Vec<Seal>,
    /// The seals this run made (written by [`write_new_seals`]).
    pub new_seals: Vec<Seal>,
    /// Each sealed month's current seal.
    pub months: BTreeMap<YearMonth, MonthSeal>,
    /// Every correction, newest first (更正日期, then month, 编号, column).
    pub corrections: Vec<SealedCorrection>,
}

impl Ledger {
    /// `archive/chain.json` of the output.
    pub fn chain(&self) -> ChainFile {
        chain::chain_file(&self.seals)
    }

    /// The corrections of one hazard, newest first.
    pub fn corrections_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a SealedCorrection> {
        self.corrections.iter().filter(move |c| c.id == id)
    }
}

/// The published columns a seal holds.
pub fn columns() -> Vec<&'static str> {
    crate::schema::published().map(|c| c.headers[0]).collect()
}

/// Runs the ledger over the site's registers: adds its findings and returns what the
/// site shows (with the seals to write when `opts.sealing` asks for them and nothing is
/// wrong).
pub fn run(opts: &Options<'_>, registers: &[&RegisterFile], findings: &mut Findings) -> Ledger {
    run_on(opts, Archive::read(opts.root).as_ref(), registers, findings)
}

/// [`run`] over `archive`, the site's `archive/` as [`Archive::read`] read it (the
/// preview keeps it while none of its files changes: a county's is 35 MB to read, hash
/// and parse on every save).
pub fn run_on(
    opts: &Options<'_>,
    archive: Result<&Archive, &std::io::Error>,
    registers: &[&RegisterFile],
    findings: &mut Findings,
) -> Ledger {
    // Only in the benchmark's comparison build (Cargo.toml, bench/ledger.sh).
    if cfg!(feature = "bench-without-ledger") {
        return Ledger::default();
    }
    let archive = match archive {
        Ok(archive) => archive,
        Err(err) => {
            findings.push(
                Finding::error(
                    "archive-unreadable",
                    format!("无法读取封存记录文件夹 archive/：{err}"),
                )
                .in_file(ARCHIVE_DIR)
                .with_help("请检查 archive/ 文件夹的读取权限。"),
            );
            return Ledger::default();
        }
    };
    let mut problems = archive.problems.clone();
    if let Some(out) = opts.previous_out {
        problems.extend(chain::shrunk(archive, out));
    }
    if !problems.is_empty() {
        for p in problems {
            let month = p.month.map(|m| format!("{m} 的")).unwrap_or_default();
            findings.push(
                Finding::error(
                    "archive-broken",
                    format!("{month}封存记录 {} 有问题：{}", p.file.display(), p.message),
                )
                .in_file(&p.file)
                .with_help("archive/ 是已公开内容的底账，不能改动、替换或删除。请从备份中恢复整个 archive/ 文件夹（它应与 content/ 一起备份），然后重新生成。"),
            );
        }
        return Ledger::default();
    }

    let columns = columns();
    let current = published_rows(registers);
    let corrections = corrections::load(opts.root, published_header, findings);
    let sealed_corrections: Vec<&SealedCorrection> = archive
        .seals
        .iter()
        .flat_map(|s| &s.body.corrections)
        .collect();
    let latest = archive.latest();

    // Every change to the published record.
    // Each sealed month against its seal, side by side (a county's months are 10,000
    // rows each).
    let mut changes: Vec<Change> = latest
        .par_iter()
        .filter_map(|(month, s)| {
            let rows = current.get(month)?;
            if diff::same_as_sealed(s, &rows.rows) {
                return Some(Vec::new());
            }
            Some(diff::against_seal(
                *month,
                &columns,
                &s.rows(),
                &rows.rows,
                rows.first_file.clone(),
            ))
        })
        .flatten()
        .collect();
    for (month, s) in latest.iter().filter(|(m, _)| !current.contains_key(m)) {
        findings.push(
            Finding::error(
                "sealed-month-missing",
                format!(
                    "{month} 已封存（archive/{}），但 content/registers/ 里没有这个月的台账了",
                    s.file_name()
                ),
            )
            .in_file(format!("content/registers/{month}"))
            .with_help("已公开的月份不能删除。请从备份恢复这个月的台账文件。"),
        );
    }
    let months: Vec<&YearMonth> = current.keys().collect();
    for pair in months.windows(2) {
        let (pm, cm) = (*pair[0], *pair[1]);
        if pm.next() == cm {
            changes.extend(diff::between_months(
                pm,
                &current[&pm].rows,
                cm,
                &current[&cm].rows,
            ));
        }
    }

    // Which are approved.
    let mut used = vec![false; corrections.len()];
    let mut applied: BTreeMap<YearMonth, Vec<SealedCorrection>> = BTreeMap::new();
    for change in &changes {
        let column = change.column.unwrap_or("");
        let recorded = sealed_corrections.iter().any(|c| {
            c.month == change.month.to_string()
                && c.id == change.id
                && c.column == column
                && c.old == change.old
                && c.new == change.new
        });
        if recorded {
            continue;
        }
        let approval = corrections.iter().position(|c| {
            c.month == change.month
                && c.id == change.id
                && c.column.as_deref().is_none_or(|col| col == column)
        });
        match approval {
            Some(i) => {
                used[i] = true;
                let c = &corrections[i];
                applied
                    .entry(change.month)
                    .or_default()
                    .push(SealedCorrection {
                        month: change.month.to_string(),
                        id: change.id.clone(),
                        column: column.to_string(),
                        old: change.old.clone(),
                        new: change.new.clone(),
                        reason: c.reason.clone(),
                        date: c.date.to_string(),
                        approver: c.approver.clone(),
                    });
            }
            None => findings.push(change_finding(change, latest.get(&change.month).copied())),
        }
    }
    for (c, used) in corrections.iter().zip(used) {
        let recorded = sealed_corrections.iter().any(|s| {
            s.month == c.month.to_string()
                && s.id == c.id
                && c.column.as_deref().is_none_or(|col| col == s.column)
        });
        if !used && !recorded {
            findings.push(unused_finding(c));
        }
    }

    // Seals to make.
    let mut seals: Vec<Seal> = archive.seals.clone();
    let mut new_seals = Vec::new();
    let changed: BTreeSet<YearMonth> = changes
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                Kind::SealedCell | Kind::SealedRemoved | Kind::SealedAdded
            )
        })
        .map(|c| c.month)
        .collect();
    let mut pending: Vec<SealedCorrection> = Vec::new();
    for (month, rows) in &current {
        let month = *month;
        let made = applied.remove(&month).unwrap_or_default();
        let sealed = latest.get(&month);
        let wanted = match (opts.sealing, sealed) {
            (Sealing::Never, _) => false,
            (_, Some(_)) => changed.contains(&month),
            (Sealing::Month(m), None) if m == month => true,
            (_, None) => month.due_date(opts.disclosure_day) <= opts.today,
        };
        if !wanted || findings.has_errors() {
            pending.extend(made);
            continue;
        }
        let body = SealBody {
            format: seal::FORMAT.to_string(),
            month: month.to_string(),
            version: sealed.map_or(1, |s| s.body.version + 1),
            seq: seals.len() as u32 + 1,
            sealed_on: opts.today.to_string(),
            previous: seals.last().map(|s| s.sha256.clone()),
            supersedes: sealed.map(|s| s.sha256.clone()),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: diff::SealedRows(&rows.rows),
            corrections: made,
        };
        let s = Seal::new(body);
        seals.push(s.clone());
        new_seals.push(s);
    }

    let mut all: Vec<SealedCorrection> = seals
        .iter()
        .flat_map(|s| s.body.corrections.iter().cloned())
        .chain(pending)
        .collect();
    all.sort_by(|a, b| {
        (&b.date, &b.month, &a.id, &a.column).cmp(&(&a.date, &a.month, &b.id, &b.column))
    });
    all.dedup();
    let mut month_seals = BTreeMap::new();
    for s in &seals {
        if let Some(month) = s.month() {
            month_seals.insert(
                month,
                MonthSeal {
                    file: s.file_name(),
                    sha256: s.sha256.clone(),
                    fingerprint: s.fingerprint(),
                    version: s.body.version,
                    sealed_on: s.body.sealed_on.clone(),
                    corrected: 0,
                },
            );
        }
    }
    for c in &all {
        if let Some(m) = YearMonth::parse(&c.month).and_then(|m| month_seals.get_mut(&m)) {
            m.corrected += 1;
        }
    }
    Ledger {
        seals,
        new_seals,
        months: month_seals,
        corrections: all,
    }
}

/// The canonical header of the published register column a header names (aliases,
/// full-width forms and spaces accepted): `整改期限` → `整改时限`.
fn published_header(header: &str) -> Option<&'static str> {
    crate::schema::Field::from_header(header)
        .filter(|f| f.column().published)
        .map(crate::schema::Field::canonical)
}

/// Writes the seals a run made into the site's `archive/`, in chain order. Each is
/// written whole or not at all and never replaces a file ([`seal::write_new`]).
pub fn write_new_seals(root: &Path, ledger: &Ledger) -> std::io::Result<Vec<PathBuf>> {
    let archive = root.join(ARCHIVE_DIR);
    ledger
        .new_seals
        .iter()
        .map(|s| seal::write_new(&archive, s))
        .collect()
}

/// A month's published rows and its first register file.
struct MonthCurrent<'a> {
    rows: MonthRows<'a>,
    first_file: Option<PathBuf>,
}

/// The published rows of every month (months side by side: a county has twelve of
/// 10,000 rows).
fn published_rows<'a>(registers: &[&'a RegisterFile]) -> BTreeMap<YearMonth, MonthCurrent<'a>> {
    let mut by_month: BTreeMap<YearMonth, Vec<&'a RegisterFile>> = BTreeMap::new();
    for file in registers {
        by_month.entry(file.month).or_default().push(file);
    }
    by_month
        .into_par_iter()
        .map(|(month, files)| {
            let mut rows: MonthRows<'a> = BTreeMap::new();
            for file in &files {
                for record in &file.records {
                    rows.entry(record.id.as_str()).or_insert(record);
                }
            }
            // A removed hazard is named against the month's folder (its files are one
            // register), or its one file.
            let first_file = match files.as_slice() {
                [one] => Some(one.path.clone()),
                _ => files
                    .first()
                    .and_then(|f| f.path.parent())
                    .map(|p| p.to_path_buf()),
            };
            (month, MonthCurrent { rows, first_file })
        })
        .collect()
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "（空）".to_string()
    } else {
        format!("“{value}”")
    }
}

const CORRECTION_HELP: &str = "已公开的内容不能悄悄改动。确需更正的，请在 content/corrections/ 的更正表（CSV）里加一行：月份、编号、列、更正原因、更正日期、批准人（原值和新值由程序算出，不用填）；否则请把台账改回原样。";

/// The error for a change no correction approves.
fn change_finding(change: &Change, seal: Option<&Seal>) -> Finding {
    let m = change.month;
    let id = &change.id;
    let sealed = || {
        seal.map(|s| {
            format!(
                "{m} 已封存（archive/{}，指纹 {}）",
                s.file_name(),
                s.fingerprint()
            )
        })
        .unwrap_or_else(|| format!("{m} 已封存"))
    };
    let column = change.column.unwrap_or("");
    let message = match change.kind {
        Kind::SealedCell => format!(
            "{}，台账却改了：隐患 {id} 的“{column}”由{}改为{}",
            sealed(),
            shown(&change.old),
            shown(&change.new)
        ),
        Kind::SealedRemoved => format!(
            "{}，隐患 {id}（{}）却从台账里删掉了",
            sealed(),
            change.title
        ),
        Kind::SealedAdded => format!(
            "{}，台账里却多了封存时没有的隐患 {id}（{}）",
            sealed(),
            change.title
        ),
        _ => {
            let (pm, file, row) = change
                .before
                .clone()
                .unwrap_or((m.prev(), PathBuf::new(), 0));
            let what = match change.kind {
                Kind::DeadlineMoved => "整改时限被改动，却没有填写“延期至”",
                Kind::FoundChanged => "发现日期被改动",
                Kind::LevelDowngraded => "隐患等级由重大降为一般",
                _ => "隐患尚未整改完成，挂牌督办却被取消",
            };
            format!(
                "隐患 {id}：{what}。{pm} 的台账（{} 第 {row} 行）“{column}”是{}，{m} 的台账是{}",
                file.display(),
                shown(&change.old),
                shown(&change.new)
            )
        }
    };
    let help = match change.kind {
        Kind::DeadlineMoved => format!("整改时限公开后不能改；批准延期的，请保留原整改时限，把新的时限填在“延期至”列。确属录入错误的，请在更正表里加一行：月份 {m}，编号 {id}，列 整改时限，写明更正原因、更正日期、批准人。"),
        Kind::SealedRemoved | Kind::SealedAdded => format!("{CORRECTION_HELP}（这一行：月份 {m}，编号 {id}，列留空。）"),
        _ => format!("{CORRECTION_HELP}（这一行：月份 {m}，编号 {id}，列 {column}。）"),
    };
    let mut f = Finding::error(change.kind.code(), message).with_help(help);
    if let Some(file) = &change.file {
        f = f.in_file(file);
    }
    if let Some(row) = change.row {
        f = f.at_row(row);
    }
    if let Some(column) = change.column {
        f = f.in_column(column).with_value(change.new.clone());
    }
    f
}

fn unused_finding(c: &Correction) -> Finding {
    let column = c
        .column
        .as_deref()
        .map(|col| format!("的“{col}”"))
        .unwrap_or_default();
    Finding::warning(
        "correction-unused",
        format!(
            "这条更正（{} 隐患 {}{column}）没有对应的改动：台账与已公开的内容相同",
            c.month, c.id
        ),
    )
    .in_file(&c.file)
    .at_row(c.row)
    .with_help("请检查月份、编号和列是否写对；如果这条更正已不需要，请删除这一行。")
}
