//! gongkai (公开): a static site generator for the monthly public disclosure of major
//! workplace-safety hazards by township and county governments.
//!
//! The pipeline, one module a stage:
//!
//! 1. [`load`]: read `site.toml`, the registers (any encoding Excel/WPS writes), notices,
//!    pages and task lists into typed values, reporting unreadable cells.
//! 2. [`check`]: apply the rules that look across rows and months (vanished hazards,
//!    gaps in disclosure, …) and report every finding.
//!    [`ledger`]: the seals of published months and their corrections (the record is
//!    append-only).
//! 3. [`model`]: derive what the site shows (overdue, statistics, history).
//! 4. [`render`]: turn the model into pages and data files with the theme.
//! 5. [`write`](mod@write): put the output in place atomically.
//!
//! Below them all, [`diag`] holds what every stage reports with ([`diag::Finding`]) and
//! the text helpers the settings and the readers share; [`hazard`] is the register's
//! vocabulary. `cmd` holds the thin command-line front ends and [`desktop`] the menu a
//! double-click on the program opens; [`today`] is the one place that decides which date
//! the tool takes as today.

pub mod attach;
pub mod calendar;
pub mod check;
pub mod cmd;
pub mod config;
pub mod desktop;
pub mod diag;
pub mod hazard;
pub mod ledger;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod scan;
pub mod schema;
pub mod serve;
pub mod template;
pub mod today;
pub mod urls;
pub mod write;

#[cfg(test)]
mod test_files;
