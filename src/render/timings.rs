//! Cost counters of page rendering, kept when `GONGKAI_TIMINGS` is set: per template,
//! how many pages, how long building their contexts and rendering them took (summed
//! over threads) and how many bytes they came to. Printed to stderr when the plan is
//! dropped, so every way of rendering (build, preview, tests) reports the same.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Totals of one template.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    pages: usize,
    context: Duration,
    render: Duration,
    bytes: usize,
}

/// Per-template totals of the pages a plan rendered.
#[derive(Debug, Default)]
pub(crate) struct RenderTimings {
    by_template: Mutex<BTreeMap<&'static str, Totals>>,
}

impl RenderTimings {
    /// Counters when `GONGKAI_TIMINGS` is set, else `None` (nothing is measured).
    pub(crate) fn from_env() -> Option<Self> {
        crate::diag::timings::wanted().then(RenderTimings::default)
    }

    /// Adds one rendered page of `template`.
    pub(crate) fn record(
        &self,
        template: &'static str,
        context: Duration,
        render: Duration,
        bytes: usize,
    ) {
        let mut map = self
            .by_template
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let t = map.entry(template).or_default();
        t.pages += 1;
        t.context += context;
        t.render += render;
        t.bytes += bytes;
    }

    /// The table printed at the end, one line a template, the most costly first.
    fn report(&self) -> String {
        let map = self
            .by_template
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut rows: Vec<(&&str, &Totals)> = map.iter().collect();
        rows.sort_by_key(|(_, t)| std::cmp::Reverse(t.context + t.render));
        let mut out = String::from(
            "render (summed over threads): template, pages, context, render, per page, MB\n",
        );
        let mut all = Totals::default();
        for (name, t) in rows {
            out.push_str(&line(name, t));
            all.pages += t.pages;
            all.context += t.context;
            all.render += t.render;
            all.bytes += t.bytes;
        }
        out.push_str(&line("(all)", &all));
        out
    }
}

fn line(name: &str, t: &Totals) -> String {
    let per_page = (t.context + t.render)
        .checked_div(t.pages.max(1) as u32)
        .unwrap_or_default();
    format!(
        "  {name:<18} {:>6} {:>10.2?} {:>10.2?} {:>10.2?} {:>8.1}\n",
        t.pages,
        t.context,
        t.render,
        per_page,
        t.bytes as f64 / 1e6
    )
}

impl Drop for RenderTimings {
    fn drop(&mut self) {
        let empty = self
            .by_template
            .lock()
            .map(|m| m.is_empty())
            .unwrap_or(true);
        if !empty {
            eprint!("{}", self.report());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_sums_per_template() {
        let t = RenderTimings::default();
        t.record(
            "a.html",
            Duration::from_millis(2),
            Duration::from_millis(3),
            100,
        );
        t.record(
            "a.html",
            Duration::from_millis(2),
            Duration::from_millis(3),
            100,
        );
        t.record(
            "b.html",
            Duration::from_millis(1),
            Duration::from_millis(1),
            10,
        );
        let report = t.report();
        let a = report.lines().position(|l| l.contains("a.html")).unwrap();
        let b = report.lines().position(|l| l.contains("b.html")).unwrap();
        assert!(a < b, "most costly first: {report}");
        assert!(report.lines().nth(a).unwrap().contains(" 2 "));
        assert!(report.contains("(all)"));
        // Emptied so the drop does not print from a test.
        t.by_template.lock().unwrap().clear();
    }
}
