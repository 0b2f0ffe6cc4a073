//! Diagnostics: the ground floor every stage stands on.
//!
//! A [`Finding`] is what any stage has to say about the input (loading a cell, a rule
//! across months, the leak scan of a rendered page), with where it is; [`report`] prints
//! them for people and for scripts; [`text`] holds the small text helpers every reader
//! and the settings share (header normalisation, the relative paths findings name);
//! [`timings`] says whether stage times are wanted.
//! Nothing here imports another module of the crate, so every stage can use it without
//! an arrow running back up the pipeline.

mod finding;
pub mod report;
pub mod text;
pub mod timings;

pub use finding::{Finding, Findings, Severity, Snippet};
pub use text::{normalize_header, relative_path};
