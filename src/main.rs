//! The `gongkai` command. All work is in the library; this only dispatches.

use std::process::ExitCode;

use gongkai::cmd::{self, Command};

/// Rendering tens of thousands of pages allocates and frees many small strings from
/// every thread at once; mimalloc does that with less contention than the system
/// allocator (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Every command and the double-click menu, which runs the same builds.
    keep_freed_memory();
    gongkai::desktop::prepare_console();
    // A double-click (no arguments) or a folder dropped on the program: the menu.
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if let Some(dropped) = gongkai::desktop::without_command(&args) {
        return gongkai::desktop::run(dropped);
    }
    let cli = cmd::zh::parse();
    match &cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Seal(args) => cmd::seal::run(args),
        Command::Verify(args) => cmd::verify::run(args),
    }
}

/// By default mimalloc hands freed pages back to the OS soon after, and the next
/// allocation faults them in and has the kernel zero them again. Rendering allocates and
/// frees all the time, so at county scale that zeroing was a fifth of the preview's CPU
/// and an eighth of a build's: `perf stat` counted 27,000-34,000 page faults (each a
/// 2 MB huge page) and 23.3 s of CPU for a build, 1,060 faults and 20.1 s with freed
/// memory kept; the build took 12.7 s instead of 15.2 s, its peak 35 MB more
/// (BENCHMARKS.md). The preview keeps its memory between saves for the same reason.
fn keep_freed_memory() {
    // `mi_option_purge_delay` of mimalloc.h (the same position in mimalloc v2 and v3);
    // libmimalloc-sys has no constant for it. -1 means "never purge".
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store in mimalloc's option table; it is
    // valid at any time and takes effect at the next purge decision.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}
