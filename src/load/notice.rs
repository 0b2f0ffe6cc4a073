//! Notices (`content/notices/**/*.md`) and standing pages (`content/pages/*.md`):
//! front matter in TOML (`+++`) or YAML (`---`) with English or Chinese keys.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::Findings;
use crate::config::SiteConfig;

/// 公开属性. Only [`DisclosureMode::Active`] is ever published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DisclosureMode {
    /// 主动公开
    Active,
    /// 依申请公开
    OnRequest,
    /// 不予公开
    Withheld,
}

/// One notice, read. Whether it is published is [`Notice::is_published`].
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// URL-safe name, from the file name (or a `slug` key), unique among notices.
    pub slug: String,
    /// Relative to the site root, `/`-separated.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// 成文日期
    pub date: NaiveDate,
    /// 文号
    pub doc_number: Option<String>,
    /// 发文机关; the site's issuer when not given.
    pub issuer: String,
    /// 索引号
    pub index_number: Option<String>,
    /// 栏目; 通知公告 when not given.
    pub category: String,
    /// 公开属性
    pub disclosure: DisclosureMode,
    /// 草稿
    pub draft: bool,
    /// The Markdown body (raw; HTML in it is sanitised when rendered).
    pub body: String,
    /// The line of the file where the body starts (for findings).
    pub body_line: usize,
}

impl Notice {
    /// True when the notice may appear anywhere in the output: 主动公开 and not a draft.
    pub fn is_published(&self) -> bool {
        self.disclosure == DisclosureMode::Active && !self.draft
    }
}

/// A standing page (e.g. 信息公开指南).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// URL-safe name, from the file name (or a `slug` key).
    pub slug: String,
    /// Relative to the site root.
    pub path: PathBuf,
    /// 标题
    pub title: String,
    /// Optional date.
    pub date: Option<NaiveDate>,
    /// 草稿: not published.
    pub draft: bool,
    /// The Markdown body.
    pub body: String,
}

/// Loads every notice under `content/notices/`. Returns the notices (sorted by path) and
/// the number of files read.
pub fn load_notices(
    root: &Path,
    config: &SiteConfig,
    findings: &mut Findings,
) -> (Vec<Notice>, usize) {
    let _ = (root, config, findings);
    todo!("notice loading")
}

/// Loads every standing page under `content/pages/`.
pub fn load_pages(root: &Path, findings: &mut Findings) -> (Vec<Page>, usize) {
    let _ = (root, findings);
    todo!("page loading")
}
