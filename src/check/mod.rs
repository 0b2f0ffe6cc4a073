//! Check: the rules of SPEC.md that look across rows, files and months.
//!
//! Loading already reported what is wrong with a single cell or file; this stage adds
//! the rules that need the whole register or several months: duplicate ids, status
//! consistency (已整改 needs 完成日期 …), vanished hazards, closed hazards that reappear,
//! 五到位 gaps, and months missing between the first and the latest.
//!
//! The findings themselves and their printing live in [`crate::diag`], below every stage.

pub mod rules;
