//! The calendar of the disclosure duty.
//!
//! Disclosure that is late or missing is concealment too. This room knows the days:
//!
//! - `workdays.rs`: working days on the State Council's holiday arrangements (调休
//!   included), from `holidays.toml`, one year per official notice with its 国办发明电 number;
//! - `record.rs`: `published.toml`, the first publication date of every notice and month,
//!   written by `build` so the dates do not drift;
//! - `duty.rs`: each month's due and publication dates, missing months, what is due next;
//! - `rules.rs`: what `check` says about it (missing and late months, notices later than
//!   20 working days, hazards and tasks due soon);
//! - `annual.rs`: the 年度公开情况 figures per year.

pub mod annual;
pub mod duty;
pub mod record;
pub mod rules;
mod workdays;

pub use duty::{DutyInput, MonthDuty, Timeline};
pub use record::{PublicationRecord, RECORD_FILE};
pub use workdays::{WorkCalendar, WorkdayCount, YearSource};

use std::path::Path;

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::diag::Findings;
use crate::load::{LoadedSite, Notice, RegisterFile, TaskList};

/// Reads the publication record of the site at `root`, computes the timeline as of
/// `today` and adds the timeliness findings (missing and late months, late notices,
/// what is due soon). Returns the timeline for the model.
pub fn check_parts(
    root: &Path,
    config: &SiteConfig,
    registers: &[&RegisterFile],
    notices: &[Notice],
    tasks: &[TaskList],
    today: NaiveDate,
    findings: &mut Findings,
) -> Timeline {
    let record = PublicationRecord::load(root, findings);
    let input = DutyInput {
        root,
        config,
        registers,
        notices,
        tasks,
        record: &record,
        today,
    };
    let timeline = Timeline::new(&input);
    rules::check_timeliness(&input, &timeline, findings);
    timeline
}

/// [`check_parts`] over a loaded site.
pub fn check_site(site: &LoadedSite, today: NaiveDate, findings: &mut Findings) -> Timeline {
    let registers: Vec<&RegisterFile> = site.registers.iter().collect();
    check_parts(
        &site.root,
        &site.config,
        &registers,
        &site.notices,
        &site.tasks,
        today,
        findings,
    )
}
