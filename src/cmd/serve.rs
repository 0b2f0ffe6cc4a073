//! `gongkai serve`: local preview with live reload.

use std::process::ExitCode;

use super::ServeArgs;

/// Runs `gongkai serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    let _ = args;
    eprintln!("尚未实现");
    ExitCode::FAILURE
}
