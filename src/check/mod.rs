//! Check: the rules of SPEC.md that look across rows, files and months, and the report.
//!
//! Loading already reported what is wrong with a single cell or file; this stage adds
//! the rules that need the whole register or several months: duplicate ids, status
//! consistency (已整改 needs 完成日期 …), vanished hazards, closed hazards that reappear,
//! 五到位 gaps, and months missing between the first and the latest.

mod finding;
pub mod report;
pub mod rules;

pub use finding::{Finding, Findings, Severity, Snippet};
