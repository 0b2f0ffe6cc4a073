//! `gongkai build`: check, render, write atomically.

use std::process::ExitCode;

use super::BuildArgs;

/// Runs `gongkai build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let _ = args;
    eprintln!("尚未实现");
    ExitCode::FAILURE
}
