//! The `gongkai` command. All work is in the library; this only dispatches.

use std::process::ExitCode;

use clap::Parser;
use gongkai::cmd::{self, Cli, Command};

/// Rendering tens of thousands of pages allocates and frees many small strings from
/// every thread at once; mimalloc does that with less contention than the system
/// allocator (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
