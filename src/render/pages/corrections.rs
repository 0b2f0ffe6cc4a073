//! The ledger on the site: the public 更正记录 page, and the views of a month's seal and
//! of a hazard's corrections that the month and hazard pages show.

use serde::Serialize;

use super::{PageJob, Section, SiteContext};
use crate::hazard::YearMonth;
use crate::ledger::seal::{SealedCorrection, ARCHIVE_DIR};
use crate::ledger::MonthSeal;
use crate::render::urls;
use crate::render::views::Link;

/// Where the 更正记录 page is.
pub const CORRECTIONS: &str = "corrections/index.html";

/// One correction as the pages list it.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView<'a> {
    pub month: Link,
    pub id: &'a str,
    pub hazard_href: String,
    /// The column, or 整条隐患 for a hazard added or removed.
    pub column: &'a str,
    pub old: &'a str,
    pub new: &'a str,
    pub reason: &'a str,
    pub date: &'a str,
    pub approver: &'a str,
}

impl<'a> CorrectionView<'a> {
    /// The view of `c` on a page at `root`.
    pub fn new(c: &'a SealedCorrection, root: &str) -> Self {
        let month = YearMonth::parse(&c.month)
            .map(|m| Link::new(m.to_chinese(), urls::month_path(m), root))
            .unwrap_or_else(|| Link::new(c.month.clone(), urls::DISCLOSURE.to_string(), root));
        CorrectionView {
            month,
            id: &c.id,
            hazard_href: urls::href(root, &urls::hazard_path(&c.id)),
            column: if c.column.is_empty() {
                "整条隐患"
            } else {
                &c.column
            },
            old: &c.old,
            new: &c.new,
            reason: &c.reason,
            date: &c.date,
            approver: &c.approver,
        }
    }
}

/// A month's seal as the month page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SealView<'a> {
    pub fingerprint: &'a str,
    pub sha256: &'a str,
    pub sealed_on: &'a str,
    pub version: u32,
    /// The archive file, relative to the page.
    pub href: String,
    pub corrected: usize,
    /// The 更正记录 page, relative to the page.
    pub corrections_href: String,
    /// `archive/chain.json`, relative to the page.
    pub chain_href: String,
}

impl<'a> SealView<'a> {
    /// The view of a month's seal on a page at `root`.
    pub fn new(seal: &'a MonthSeal, root: &str) -> Self {
        SealView {
            fingerprint: &seal.fingerprint,
            sha256: &seal.sha256,
            sealed_on: &seal.sealed_on,
            version: seal.version,
            href: urls::href(root, &format!("{ARCHIVE_DIR}/{}", seal.file)),
            corrected: seal.corrected,
            corrections_href: urls::href(root, CORRECTIONS),
            chain_href: urls::href(root, &format!("{ARCHIVE_DIR}/chain.json")),
        }
    }
}

/// The 更正记录 page.
pub fn pages(ctx: &SiteContext) -> Vec<PageJob<'static>> {
    let root = urls::root_of(CORRECTIONS);
    let mut c = ctx.context(CORRECTIONS, "更正记录", Section::Disclosure, Vec::new());
    let ledger = &ctx.site.ledger;
    let rows: Vec<CorrectionView> = ledger
        .corrections
        .iter()
        .map(|x| CorrectionView::new(x, &root))
        .collect();
    let months: Vec<(Link, SealView)> = ledger
        .months
        .iter()
        .rev()
        .map(|(m, s)| {
            (
                Link::new(m.to_chinese(), urls::month_path(*m), &root),
                SealView::new(s, &root),
            )
        })
        .collect();
    c.insert("corrections", &rows);
    c.insert("seals", &months);
    c.insert(
        "chain_href",
        &urls::href(&root, &format!("{ARCHIVE_DIR}/chain.json")),
    );
    c.insert(
        "csv_href",
        &urls::href(&root, crate::render::archive::CORRECTIONS_CSV),
    );
    c.insert(
        "json_href",
        &urls::href(&root, crate::render::archive::CORRECTIONS_JSON),
    );
    vec![ctx.job(
        CORRECTIONS.to_string(),
        "corrections.html",
        "更正记录页".to_string(),
        c,
    )]
}
