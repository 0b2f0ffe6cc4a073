//! Row fragments: each hazard row of a month's lists rendered once through the theme's
//! `hazard_row.html` and pasted into every list page of that month that shows it.
//!
//! A county month of 10,000 hazards is listed on its standing pages and again on its
//! village pages (and its new and 挂牌督办 pages): some 240,000 rows a year, each a small
//! context serialised and a template included. Here a row is rendered once, with a
//! stand-in for the page's root prefix ([`STAND_IN_ROOT`]), kept as the text between the
//! stand-ins, and pasted with the real root of each page: the bytes are the same as the
//! template would have written there (`tests/render_site.rs` builds the example with and
//! without the reuse and compares every file).
//!
//! It is invisible to theme authors: the row is still `hazard_row.html` (a site's
//! override of it appears on every list), and the reuse is off whenever a site overrides
//! a template that reads the rows themselves (`hazard_list.html`, `month_filter.html`).
//! The row template sees what its contract gives it, `h` and `month_col`.
//!
//! Fragments of a month are dropped as soon as its last list page has taken them, so at
//! most the months being rendered at once are held.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::views::HazardRow;
use crate::hazard::YearMonth;
use crate::model::HazardEntry;

/// The root prefix rows are rendered with: deeper than any page of the site, so it is
/// never a real prefix. A row whose own text contains it is not reused.
pub const STAND_IN_ROOT: &str = "../../../../../../../../../../../../";

/// The templates that read the rows of a list; while the site overrides none of them,
/// the rows can be handed over as finished HTML.
pub const READERS: [&str; 2] = ["hazard_list.html", "month_filter.html"];

/// How many list pages ([`LIST_TEMPLATE`]) each month has among the planned pages,
/// given as (template, output path).
pub fn list_pages<'p>(
    jobs: impl IntoIterator<Item = (&'p str, &'p str)>,
) -> HashMap<YearMonth, usize> {
    let mut pages = HashMap::new();
    for (_, path) in jobs.into_iter().filter(|(t, _)| *t == LIST_TEMPLATE) {
        if let Some(month) = super::urls::month_of(path) {
            *pages.entry(month).or_insert(0) += 1;
        }
    }
    pages
}

/// The template of a month's list pages.
pub const LIST_TEMPLATE: &str = "month_filter.html";

/// One row of a list as a page's context holds it: finished HTML (pasted from a
/// fragment) or the row's fields for `hazard_row.html` to render (`hazard_list.html`
/// tells them apart with `is string`).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ListedRow<'a> {
    Html(String),
    Fields(Box<HazardRow<'a>>),
}

/// A rendered row, split where the root prefix goes.
#[derive(Debug)]
struct Fragment {
    pieces: Vec<Box<str>>,
}

impl Fragment {
    fn from_rendered(html: &str) -> Fragment {
        Fragment {
            pieces: html.split(STAND_IN_ROOT).map(Box::from).collect(),
        }
    }

    fn paste(&self, root: &str) -> String {
        let len: usize = self.pieces.iter().map(|p| p.len()).sum::<usize>()
            + root.len() * self.pieces.len().saturating_sub(1);
        let mut out = String::with_capacity(len);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push_str(root);
            }
            out.push_str(piece);
        }
        out
    }
}

/// One month's fragments and how many of its list pages have yet to take theirs.
#[derive(Debug, Default)]
struct MonthFragments {
    rows: Mutex<HashMap<String, Option<Arc<Fragment>>>>,
    pages_left: AtomicUsize,
}

/// The fragments of every month's list rows, made when first asked for.
#[derive(Debug, Default)]
pub struct RowFragments {
    tera: Option<Arc<tera::Tera>>,
    months: HashMap<YearMonth, MonthFragments>,
}

impl RowFragments {
    /// No reuse: every row goes to its page as fields.
    pub fn off() -> RowFragments {
        RowFragments::default()
    }

    /// Reuse with `tera`, for months whose list pages are counted in `pages`.
    pub fn new(tera: Arc<tera::Tera>, pages: &HashMap<YearMonth, usize>) -> RowFragments {
        let months = pages
            .iter()
            .map(|(month, &n)| {
                let slot = MonthFragments::default();
                slot.pages_left.store(n, Ordering::Relaxed);
                (*month, slot)
            })
            .collect();
        RowFragments {
            tera: Some(tera),
            months,
        }
    }

    /// The row of `entry` (of `month`) on a page with root prefix `root`: pasted from
    /// its fragment when the reuse is on and the row can be reused, else its fields.
    pub fn row<'a>(&self, month: YearMonth, entry: &'a HazardEntry, root: &str) -> ListedRow<'a> {
        let fields = || ListedRow::Fields(Box::new(HazardRow::new(entry, root)));
        let (Some(tera), Some(slot)) = (&self.tera, self.months.get(&month)) else {
            return fields();
        };
        let id = entry.record.id.as_str();
        let known = slot
            .rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned();
        let fragment = match known {
            Some(fragment) => fragment,
            None => {
                let made = render(tera, entry).map(Arc::new);
                slot.rows
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(id.to_string(), made.clone());
                made
            }
        };
        match fragment {
            Some(fragment) => ListedRow::Html(fragment.paste(root)),
            None => fields(),
        }
    }

    /// Says a list page of `month` has taken its rows; after the last one the month's
    /// fragments are dropped. (A preview renders pages again when asked; it then makes
    /// them again, which is only slower.)
    pub fn page_done(&self, month: YearMonth) {
        let Some(slot) = self.months.get(&month) else {
            return;
        };
        let left = slot
            .pages_left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(1))
            })
            .unwrap_or(0);
        if left <= 1 {
            slot.rows
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
    }
}

/// The row of `entry` rendered through `hazard_row.html` with the stand-in root, as a
/// list of a single month shows it (`month_col` false); `None` when it cannot be reused:
/// its text holds the stand-in, or the template needs more than `h` and `month_col`
/// (the page then renders it in place, with everything the page has).
fn render(tera: &tera::Tera, entry: &HazardEntry) -> Option<Fragment> {
    let row = HazardRow::new(entry, STAND_IN_ROOT);
    let texts = [
        row.id,
        row.title,
        row.unit,
        row.locality.unwrap_or(""),
        row.sector.unwrap_or(""),
        row.supervisor.unwrap_or(""),
    ];
    if texts.iter().any(|t| t.contains(STAND_IN_ROOT)) {
        return None;
    }
    let mut context = tera::Context::new();
    context.insert("h", &row);
    context.insert("month_col", &false);
    let html = tera.render("hazard_row.html", &context).ok()?;
    Some(Fragment::from_rendered(&html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_pastes_the_root_where_the_stand_in_was() {
        let html = format!(
            "<a href=\"{STAND_IN_ROOT}hazards/A/\">A</a><a href=\"{STAND_IN_ROOT}villages/x/\">x</a>\n"
        );
        let fragment = Fragment::from_rendered(&html);
        assert_eq!(
            fragment.paste("../../"),
            "<a href=\"../../hazards/A/\">A</a><a href=\"../../villages/x/\">x</a>\n"
        );
        assert_eq!(
            fragment.paste(""),
            "<a href=\"hazards/A/\">A</a><a href=\"villages/x/\">x</a>\n"
        );
    }
}
