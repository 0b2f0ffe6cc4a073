//! `gongkai new DIR`: a new site folder from the bundled example.

use std::process::ExitCode;

use super::NewArgs;

/// Runs `gongkai new`.
pub fn run(args: &NewArgs) -> ExitCode {
    let _ = args;
    eprintln!("尚未实现");
    ExitCode::FAILURE
}
