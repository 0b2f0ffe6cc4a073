//! The cross-row and cross-month rules of SPEC.md.
